"""The independent cascade model (Kempe, Kleinberg, Tardos 2003)."""

import numbers
import weakref
from dataclasses import dataclass, field

import numpy as np

from .. import weights as _weights
from .._validation import check_probabilities, check_probability, ndim_of
from ..exceptions import InvalidParameterError
from ._batch import Plan

__all__ = ["IC"]

_SCHEMES = ("wc", "trivalency", "weight")


@dataclass(frozen=True, eq=False, repr=False)
class IC:
    """Independent cascade: each newly active node gets one chance per inactive out-neighbour.

    A node ``u`` activated at step ``t`` tries once, at step ``t + 1``, to activate each
    out-neighbour ``v`` that is still inactive, succeeding with probability ``p_uv``
    independently of everything else. The cascade stops when a step activates nobody.
    Undirected graphs hold two arcs per edge, with independent coins.

    Parameters
    ----------
    p : float, {"wc", "trivalency", "weight"} or array_like
        Activation probability of every arc:

        - a float in [0, 1]: the same on every arc (simulated by geometric skipping:
          one random draw per success instead of one per arc);
        - ``"wc"``: weighted cascade, ``p_uv = 1 / in_degree(v)``;
        - ``"trivalency"``: each arc draws once from {0.1, 0.01, 0.001} (from `rng`,
          once per graph: the model keeps the draw);
        - ``"weight"``: the arc weights the graph was loaded with;
        - an array with one probability per arc, in the order of `Graph.edges`.
    external : float or array_like, default 0.0
        Spontaneous adoption: at every step each inactive node also adopts on its own
        with this probability, independently of the network (the external influence of
        the network Bass model, Goldenberg, Libai & Muller 2001; mass media, trending
        lists). An array is a schedule, one probability per step: ``external[t - 1]`` at
        step ``t = 1, 2, ...``, and past its end its last entry holds (a daily cycle of
        attention, a news event that fades; `spread.fit.ICEstimator` fits one with a
        `period`). While the last entry is positive a run never dies out, so
        `spread.simulate` needs `max_steps`; `spread.maximize` does not support
        spontaneous adoption.
    rng : None, int, SeedSequence or Generator, optional
        Only for ``p="trivalency"``: the source of the per-arc draw.

    See Also
    --------
    LT : the linear threshold model.
    spread.simulate : Monte Carlo simulation of a model from seed nodes.

    References
    ----------
    D. Kempe, J. Kleinberg, É. Tardos, "Maximizing the Spread of Influence through a
    Social Network", KDD 2003.

    Examples
    --------
    A seeded hub reaches each of its leaves with probability ``p`` and nothing else, so
    from the hub of a star with 4 leaves the expected spread is exactly ``1 + 4 p``; the
    Monte Carlo mean lies within 4 standard errors of it:

    >>> import spread
    >>> star = spread.Graph.from_edges([0, 0, 0, 0], [1, 2, 3, 4], directed=False)
    >>> res = spread.simulate(star, [0], spread.IC(p=0.5), n_runs=4000, rng=0)
    >>> exact = 1 + 4 * 0.5
    >>> bool(abs(res.mean - exact) < 4 * res.stderr)
    True

    Weighted cascade: the arcs out of node 0 of the karate club lead to nodes 1, 2 and 3,
    whose degrees are 9, 10 and 6:

    >>> g = spread.datasets.load("karate")
    >>> spread.IC(p="wc").arc_probabilities(g)[:3]
    array([0.11111111, 0.1       , 0.16666667])
    """

    p: object
    external: object = 0.0
    rng: object = None
    _cache: weakref.WeakKeyDictionary = field(
        default_factory=weakref.WeakKeyDictionary, init=False, repr=False
    )

    def __post_init__(self):
        # Validate what does not need a graph now; arrays are checked against a graph's
        # arcs when first used on it (`arc_probabilities`).
        if ndim_of(self.external) != 0:  # a private read-only copy, as for `p`
            object.__setattr__(self, "external", _check_schedule(self.external))
        else:
            check_probability(self.external, name="external")
        if isinstance(self.p, str):
            if self.p not in _SCHEMES:
                options = ", ".join(repr(s) for s in _SCHEMES)
                msg = f"`p` must be a probability, one of {options}, or an array; got {self.p!r}."
                raise InvalidParameterError(msg)
        elif isinstance(self.p, bool) or ndim_of(self.p) == 0:
            check_probability(self.p, name="p")
        else:  # a private read-only copy: the caller's array may change later
            object.__setattr__(self, "p", check_probabilities(self.p, name="p"))

    def __repr__(self):
        p = self.p
        if isinstance(p, np.ndarray | list | tuple):
            p = f"<array of {len(p)}>"
        else:
            p = repr(p)
        ext = self.external
        if isinstance(ext, np.ndarray):
            extra = f", external=<schedule of {ext.size} steps>"
        else:
            extra = f", external={ext!r}" if ext else ""
        return f"IC(p={p}{extra})"

    def _external(self):
        """The per-step schedule of spontaneous adoption, as the kernel takes it."""
        if isinstance(self.external, np.ndarray):
            return self.external
        out = np.full(1, check_probability(self.external, name="external"))
        out.flags.writeable = False
        return out

    def has_external(self):
        """True if some step has spontaneous adoption."""
        return bool(self._external().max() > 0.0)

    def arc_probabilities(self, graph):
        """The activation probability of every arc of `graph`, in arc order.

        Returns
        -------
        numpy.ndarray
            Read-only float64 array of shape ``(graph.n_edges,)``.

        Raises
        ------
        InvalidParameterError
            If `p` is not a probability, an unknown scheme, an array of the wrong length
            or with values outside [0, 1], or ``"weight"`` on a graph without weights.
        """
        uniform = self.uniform_probability()
        if uniform is not None:
            return _weights.uniform(graph, uniform)
        return self._arc_array(graph)

    def uniform_probability(self):
        """The one probability of every arc when `p` is a number (else None)."""
        if isinstance(self.p, numbers.Real) and not isinstance(self.p, bool):
            return check_probability(self.p, name="p")
        if isinstance(self.p, bool):
            check_probability(self.p, name="p")  # raises
        return None

    def _arc_array(self, graph):
        cached = self._cache.get(graph)
        if cached is not None:
            return cached
        p = self.p
        if isinstance(p, str):
            if p == "wc":
                out = _weights.weighted_cascade(graph)
            elif p == "trivalency":
                out = _weights.trivalency(graph, rng=self.rng)
            elif p == "weight":
                if graph.weights is None:
                    msg = "`p='weight'` needs a graph loaded with arc weights; this one has none."
                    raise InvalidParameterError(msg)
                out = check_probabilities(graph.weights, name="p", size=graph.n_edges)
            else:
                options = ", ".join(repr(s) for s in _SCHEMES)
                msg = f"`p` must be a probability, one of {options}, or an array; got {p!r}."
                raise InvalidParameterError(msg)
        else:
            out = check_probabilities(p, name="p", size=graph.n_edges)
        self._cache[graph] = out
        return out

    # -- the contract with the Monte Carlo loop ----------------------------------
    def plan(self, graph, *, crn=False):
        """This model on `graph` as the simulation kernel takes it (`spread.models.Plan`).

        With ``crn=True`` (per-arc probabilities only) the coin of arc ``j`` in run ``r``
        is the ``(j + 1)``-th number of run r's stream, read by index: common random
        numbers, so that a run grows monotonically with every ``p_j`` (the network fits
        compare parameter values on the same randomness).
        """
        external = self._external()
        uniform = self.uniform_probability()
        if uniform is not None and not crn:
            # read-only like the per-arc arrays, so both share one compiled kernel
            empty = np.empty(0, dtype=np.float64)
            empty.flags.writeable = False
            return Plan("ic", (empty, uniform, False, external))
        p = self.arc_probabilities(graph) if uniform is not None else self._arc_array(graph)
        return Plan("ic", (p, -1.0, bool(crn), external))

    def needs_max_steps(self):
        """True if a run never ends on its own (spontaneous adoption)."""
        return bool(self._external()[-1] > 0.0)


def _check_schedule(values):
    """A non-empty one-dimensional read-only array of per-step probabilities."""
    out = check_probabilities(values, name="external")
    if out.size == 0:
        msg = "`external` must hold at least one step's probability; got an empty array."
        raise InvalidParameterError(msg)
    return out
