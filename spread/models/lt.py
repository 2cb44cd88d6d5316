"""The linear threshold model (Kempe, Kleinberg, Tardos 2003)."""

import numbers
import weakref

import numpy as np

from .. import weights as _weights
from .._validation import check_probabilities
from ..exceptions import InvalidParameterError
from . import _kernels

__all__ = ["LT"]

_SCHEMES = ("wc", "weight")
_TABLE_SIZE = 16385


def _is_uniform_law(law):
    return isinstance(law, str) and law == "uniform"


def _quantile_table(law):
    """Quantile table of a threshold law (empty for the uniform law)."""
    if _is_uniform_law(law):
        return np.empty(0, dtype=np.float64)
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
        from scipy.stats import beta

        table = beta.ppf(u, float(a), float(b))
    elif hasattr(law, "ppf"):
        table = np.asarray(law.ppf(u), dtype=np.float64)
        if not (np.isfinite(table).all() and table[0] >= 0 and table[-1] <= 1):
            msg = (
                "`threshold_law` must have its support in [0, 1]; its quantiles run from "
                f"{float(table[0])!r} to {float(table[-1])!r}."
            )
            raise InvalidParameterError(msg)
    else:
        msg = (
            "`threshold_law` must be 'uniform', ('beta', a, b) or a distribution with a "
            f"`ppf`; got {law!r}."
        )
        raise InvalidParameterError(msg)
    table = np.clip(np.maximum.accumulate(table), 0.0, 1.0)
    table.flags.writeable = False
    return table


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
    >>> import spread
    >>> g = spread.datasets.load("karate")
    >>> res = spread.simulate(g, [0, 33], spread.LT(), n_runs=2000, rng=0)
    >>> print(f"{res.mean:.2f} ± {res.stderr:.2f}")
    22.67 ± 0.14
    """

    def __init__(self, weights="wc", *, normalize=False, thresholds=None, threshold_law="uniform"):
        self.weights = weights
        self.normalize = normalize
        self.thresholds = thresholds
        self.threshold_law = threshold_law
        self._cache = weakref.WeakKeyDictionary()

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

        Empty for the uniform law (drawn directly). Cached on the model.

        Raises
        ------
        InvalidParameterError
            If the law is not "uniform", a ``("beta", a, b)`` tuple with positive a and
            b, or a distribution with a `ppf` whose support lies in [0, 1].

        Examples
        --------
        >>> import spread
        >>> table = spread.LT(threshold_law=("beta", 2, 5)).quantile_table()
        >>> table.shape, round(float(table[8192]), 4)  # the median of Beta(2, 5)
        ((16385,), 0.2644)
        """
        key = repr(self.threshold_law)
        cached = getattr(self, "_law", None)
        if cached is not None and cached[0] == key:
            return cached[1]
        table = _quantile_table(self.threshold_law)
        self._law = (key, table)
        return table

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
        theta = check_probabilities(self.thresholds, name="thresholds", size=None)
        if theta.shape[0] != graph.n_nodes:
            msg = (
                f"`thresholds` must have one entry per node ({graph.n_nodes}); "
                f"got {theta.shape[0]}."
            )
            raise InvalidParameterError(msg)
        if (theta <= 0).any():
            v = int(np.flatnonzero(theta <= 0)[0])
            msg = f"`thresholds` must lie in (0, 1]; node {graph.label_of(v)!r} has 0."
            raise InvalidParameterError(msg)
        return theta, True

    # -- the contract with spread.simulate -------------------------------------
    def _prepare(self, graph):
        theta, fixed = self._thresholds(graph)
        return {
            "w": self.arc_weights(graph),
            "thresholds": theta,
            "fixed": fixed,
            "law": self.quantile_table(),
            "crn": False,
        }

    @staticmethod
    def _run(graph, prepared, seeds, max_steps, root, run0, n_chunks, out):
        _kernels.lt_batch(
            graph.indptr,
            graph.indices,
            prepared["w"],
            prepared["thresholds"],
            prepared["fixed"],
            prepared["law"],
            prepared["crn"],
            seeds,
            max_steps,
            root,
            run0,
            n_chunks,
            out.final_sizes,
            out.depths,
            out.steps,
            out.times,
            out.keep_times,
            out.node_counts,
        )
