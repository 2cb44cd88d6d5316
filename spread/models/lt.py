"""The linear threshold model (Kempe, Kleinberg, Tardos 2003)."""

import weakref

import numpy as np

from .. import weights as _weights
from .._validation import check_probabilities
from ..exceptions import InvalidParameterError
from . import _kernels

__all__ = ["LT"]

_SCHEMES = ("wc", "weight")


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

    def __init__(self, weights="wc", *, normalize=False, thresholds=None):
        self.weights = weights
        self.normalize = normalize
        self.thresholds = thresholds
        self._cache = weakref.WeakKeyDictionary()

    def __repr__(self):
        w = self.weights
        w = f"<array of {len(w)}>" if not isinstance(w, str) else repr(w)
        extra = ", normalize=True" if self.normalize else ""
        extra += ", thresholds=<fixed>" if self.thresholds is not None else ""
        return f"LT(weights={w}{extra})"

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
        return {"w": self.arc_weights(graph), "thresholds": theta, "fixed": fixed}

    @staticmethod
    def _run(graph, prepared, seeds, max_steps, root, run0, n_chunks, out):
        _kernels.lt_batch(
            graph.indptr,
            graph.indices,
            prepared["w"],
            prepared["thresholds"],
            prepared["fixed"],
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
