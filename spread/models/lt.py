"""The linear threshold model (Kempe, Kleinberg, Tardos 2003)."""

import functools
import numbers
import weakref
from dataclasses import dataclass, field

import numpy as np

from .. import weights as _weights
from .._validation import check_probabilities
from ..exceptions import InvalidParameterError
from ._batch import Plan

__all__ = ["LT"]

_SCHEMES = ("wc", "weight")
_TABLE_SIZE = 16385


def _is_uniform_law(law):
    return isinstance(law, str) and law == "uniform"


@functools.lru_cache(maxsize=256)
def _beta_table(a, b):
    """Quantile table of Beta(a, b) (cached: fits try many laws, each costs ~10 ms)."""
    from scipy.stats import beta

    return _monotone(beta.ppf(np.linspace(0.0, 1.0, _TABLE_SIZE), a, b))


def _monotone(table):
    table = np.clip(np.maximum.accumulate(table), 0.0, 1.0)
    table.flags.writeable = False
    return table


def _quantile_table(law):
    """Quantile table of a threshold law (empty for the uniform law)."""
    if _is_uniform_law(law):
        empty = np.empty(0, dtype=np.float64)
        empty.flags.writeable = False
        return empty
    u = np.linspace(0.0, 1.0, _TABLE_SIZE)
    if isinstance(law, tuple) and len(law) == 3 and law[0] == "beta":
        _, a, b = law
        ok = all(
            isinstance(x, numbers.Real) and not isinstance(x, bool) and 0 < x < np.inf
            for x in (a, b)
        )
        if not ok:
            msg = f"`threshold_law` ('beta', a, b) needs finite a > 0 and b > 0; got {law!r}."
            raise InvalidParameterError(msg)
        return _beta_table(float(a), float(b))
    if hasattr(law, "ppf"):
        table = np.asarray(law.ppf(u), dtype=np.float64)
        if not (np.isfinite(table).all() and table[0] >= 0 and table[-1] <= 1):
            msg = (
                "`threshold_law` must have its support in [0, 1]; its quantiles run from "
                f"{float(table[0])!r} to {float(table[-1])!r}."
            )
            raise InvalidParameterError(msg)
        return _monotone(table)
    msg = (
        "`threshold_law` must be 'uniform', ('beta', a, b) or a distribution with a "
        f"`ppf`; got {law!r}."
    )
    raise InvalidParameterError(msg)


@dataclass(frozen=True, eq=False, repr=False)
class LT:
    """Linear threshold: a node activates once its active in-neighbours' weight reaches its threshold.

    Every arc ``u -> v`` has a weight ``b_uv >= 0`` and every node's in-weights sum to at
    most 1. In each run every node draws a threshold ``theta_v`` uniform on (0, 1]; an
    inactive ``v`` becomes active at step ``t + 1`` when the weights from its in-neighbours
    active at step ``t`` sum to ``theta_v`` or more. The process stops when a step
    activates nobody.

    Parameters
    ----------
    weights : {"wc", "weight"} or array_like, default "wc"
        ``"wc"``: ``b_uv = 1 / in_degree(v)``; ``"weight"``: the graph's arc weights; or
        an array with one weight per arc, in the order of `Graph.edges`.
    normalize : bool, default False
        If False, in-weights summing to more than 1 at some node are an error; if True,
        every node's in-weights are scaled to sum to 1.
    thresholds : array_like, optional
        Fixed thresholds in (0, 1], one per node in index order, used in every run
        instead of fresh draws (the model is then deterministic given the seeds).
    threshold_law : "uniform", ("beta", a, b) or a frozen scipy.stats distribution
        The law of the thresholds drawn in every run (the generalised LT model); default
        uniform on (0, 1], Kempe et al.'s model. ``("beta", a, b)`` draws from
        Beta(a, b); a distribution object must have its support in [0, 1] and a `ppf`.
        Draws go through the law's quantile function tabulated at 16,385 points and
        linearly interpolated, so the law drawn has a CDF within 1/16384 of the true one
        everywhere. `spread.maximize` supports the uniform law only (its reverse-
        reachable sets rest on it).

    See Also
    --------
    IC : the independent cascade model.
    spread.simulate : Monte Carlo simulation of a model from seed nodes.

    References
    ----------
    D. Kempe, J. Kleinberg, É. Tardos, "Maximizing the Spread of Influence through a
    Social Network", KDD 2003.

    Examples
    --------
    Seeds 0 and 1 point at node 2 with weights 0.3 and 0.4, and node 2 at node 3 with
    weight 0.5. With a uniform threshold, node 2 activates with probability
    ``0.3 + 0.4 = 0.7`` (the weights add up, where IC's coins would give
    ``1 - 0.7 * 0.6 = 0.58``) and node 3 with ``0.7 * 0.5``, so the expected spread is
    ``2 + 0.7 + 0.35 = 3.05``:

    >>> import spread
    >>> g = spread.Graph.from_edges([0, 1, 2], [2, 2, 3])
    >>> res = spread.simulate(g, [0, 1], spread.LT(weights=[0.3, 0.4, 0.5]), n_runs=4000, rng=0)
    >>> bool(abs(res.mean - 3.05) < 4 * res.stderr)
    True

    Fixed thresholds make every run the same: with threshold 0.6 node 2 adopts (0.7 >=
    0.6), and then node 3 (0.5 >= 0.5); with 0.8 node 2 stays out, and so does node 3.

    >>> def spread_with(theta2):
    ...     lt = spread.LT(weights=[0.3, 0.4, 0.5], thresholds=[1, 1, theta2, 0.5])
    ...     return spread.simulate(g, [0, 1], lt, n_runs=10, rng=0).mean
    >>> spread_with(0.6), spread_with(0.8)
    (4.0, 2.0)
    """

    weights: object = "wc"
    normalize: bool = False
    thresholds: object = None
    threshold_law: object = "uniform"
    _cache: weakref.WeakKeyDictionary = field(
        default_factory=weakref.WeakKeyDictionary, init=False, repr=False
    )
    _table: np.ndarray = field(default=None, init=False, repr=False)

    def __post_init__(self):
        # Validate what does not need a graph now; arrays are checked against a graph
        # when first used on it.
        if isinstance(self.weights, str):
            if self.weights not in _SCHEMES:
                options = ", ".join(repr(s) for s in _SCHEMES)
                msg = f"`weights` must be one of {options} or an array; got {self.weights!r}."
                raise InvalidParameterError(msg)
        elif not self.normalize:
            object.__setattr__(self, "weights", check_probabilities(self.weights, name="weights"))
        if not isinstance(self.normalize, bool | np.bool_):
            msg = f"`normalize` must be True or False; got {self.normalize!r}."
            raise InvalidParameterError(msg)
        if self.thresholds is not None:
            theta = check_probabilities(self.thresholds, name="thresholds")
            if (theta <= 0).any():
                i = int(np.flatnonzero(theta <= 0)[0])
                msg = f"`thresholds` must lie in (0, 1]; got 0 at node index {i}."
                raise InvalidParameterError(msg)
            object.__setattr__(self, "thresholds", theta)
        object.__setattr__(self, "_table", _quantile_table(self.threshold_law))

    def __repr__(self):
        w = self.weights
        w = f"<array of {len(w)}>" if not isinstance(w, str) else repr(w)
        extra = ", normalize=True" if self.normalize else ""
        extra += ", thresholds=<fixed>" if self.thresholds is not None else ""
        if not _is_uniform_law(self.threshold_law):
            extra += f", threshold_law={self.threshold_law!r}"
        return f"LT(weights={w}{extra})"

    def quantile_table(self):
        """The threshold law's quantile function at ``i / 16384``, ``i = 0 .. 16384``.

        Empty for the uniform law (drawn directly). Computed when the model is made.

        Raises
        ------
        InvalidParameterError
            If the law is not "uniform", a ``("beta", a, b)`` tuple with positive a and
            b, or a distribution with a `ppf` whose support lies in [0, 1].

        Examples
        --------
        Beta(2, 1) has the CDF ``x**2``, so its quantile function is ``sqrt(u)``: the
        median is ``sqrt(1/2) = 0.7071``.

        >>> import numpy as np, spread
        >>> table = spread.LT(threshold_law=("beta", 2, 1)).quantile_table()
        >>> table.shape, round(float(table[8192]), 4)
        ((16385,), 0.7071)
        >>> bool(np.allclose(table, np.sqrt(np.linspace(0, 1, 16385))))
        True
        """
        return self._table

    def arc_weights(self, graph):
        """The weight of every arc of `graph`, in arc order, validated for LT.

        Raises
        ------
        InvalidParameterError
            If a weight is outside [0, 1], a node's in-weights sum to more than 1 (and
            `normalize` is False), or the scheme is unknown.
        """
        cached = self._cache.get(graph)
        if cached is not None:
            return cached
        w = self.weights
        if isinstance(w, str):
            if w == "wc":
                raw = _weights.weighted_cascade(graph)
            elif w == "weight":
                if graph.weights is None:
                    msg = "`weights='weight'` needs a graph loaded with arc weights; this one has none."
                    raise InvalidParameterError(msg)
                raw = graph.weights
            else:
                options = ", ".join(repr(s) for s in _SCHEMES)
                msg = f"`weights` must be one of {options} or an array; got {w!r}."
                raise InvalidParameterError(msg)
        else:
            raw = w
        if self.normalize:
            out = _weights.normalize_lt(graph, raw)
        else:
            out = _weights.check_lt_weights(graph, raw, name="weights")
        self._cache[graph] = out
        return out

    def _thresholds(self, graph):
        if self.thresholds is None:
            return np.empty(0, dtype=np.float64), False
        theta = self.thresholds
        if theta.shape[0] != graph.n_nodes:
            msg = (
                f"`thresholds` must have one entry per node ({graph.n_nodes}); "
                f"got {theta.shape[0]}."
            )
            raise InvalidParameterError(msg)
        return theta, True

    # -- the contract with the Monte Carlo loop ----------------------------------
    def plan(self, graph, *, crn=False):
        """This model on `graph` as the simulation kernel takes it (`spread.models.Plan`).

        With ``crn=True`` node v's threshold in run r is a fixed quantile of the v-th
        number of run r's stream, read by index (common random numbers: runs change
        monotonically with the weights and the threshold law).
        """
        theta, fixed = self._thresholds(graph)
        return Plan("lt", (self.arc_weights(graph), theta, fixed, self._table, bool(crn)))

    def needs_max_steps(self):
        """False: every LT run ends on its own (a node activates at most once)."""
        return False
