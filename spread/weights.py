"""Edge-probability and edge-weight schemes for the cascade models.

Every function returns a read-only float64 array with one entry per arc, in the arc
order of `Graph.edges`, validated to lie in [0, 1].
"""

import numpy as np

from ._random import as_generator
from ._validation import check_bool, check_probabilities, check_probability
from .convert import weight_array
from .exceptions import InvalidParameterError

__all__ = [
    "check_lt_weights",
    "normalize_lt",
    "trivalency",
    "uniform",
    "uniform_random",
    "weighted_cascade",
]


def uniform(graph, p):
    """The same probability `p` on every arc.

    Examples
    --------
    >>> import spread
    >>> g = spread.Graph.from_edges([0, 0], [1, 2])
    >>> spread.weights.uniform(g, 0.1)
    array([0.1, 0.1])
    """
    p = check_probability(p, name="p")
    return check_probabilities(np.full(graph.n_edges, p), name="p")


def weighted_cascade(graph):
    """Weighted cascade: ``p_uv = 1 / in_degree(v)`` (Kempe, Kleinberg, Tardos 2003).

    Every node's in-arcs then sum to exactly 1, so the same array is also the usual
    linear-threshold weighting.

    Examples
    --------
    >>> import spread
    >>> g = spread.Graph.from_edges([0, 1, 2], [2, 2, 0])
    >>> spread.weights.weighted_cascade(g)
    array([0.5, 0.5, 1. ])
    """
    in_deg = graph.in_degree
    return check_probabilities(1.0 / in_deg[graph.indices], name="p")


def trivalency(graph, rng=None, values=(0.1, 0.01, 0.001)):
    """Trivalency: each arc draws its probability uniformly from `values`, once.

    The draw is made here, once per graph (not per run), from `rng` (Chen, Wang, Wang,
    KDD 2010).

    Parameters
    ----------
    graph : Graph
    rng : None, int, numpy.random.SeedSequence or numpy.random.Generator
        Source of the draw, through `numpy.random.default_rng`.
    values : sequence of float, default (0.1, 0.01, 0.001)

    Examples
    --------
    >>> import spread
    >>> g = spread.Graph.from_edges([0, 0, 0, 1], [1, 2, 3, 2])
    >>> p = spread.weights.trivalency(g, rng=0)
    >>> bool(set(p) <= {0.1, 0.01, 0.001})
    True
    """
    vals = check_probabilities(values, name="values")
    if vals.size == 0:
        msg = "`values` must hold at least one probability; got an empty sequence."
        raise InvalidParameterError(msg)
    rng = as_generator(rng)
    return check_probabilities(vals[rng.integers(0, vals.size, graph.n_edges)], name="p")


def uniform_random(graph, low=0.0, high=1.0, rng=None):
    """Per-arc probabilities drawn once from the uniform law on ``[low, high)``.

    Examples
    --------
    >>> import spread
    >>> g = spread.Graph.from_edges([0, 0], [1, 2])
    >>> p = spread.weights.uniform_random(g, 0.0, 0.1, rng=0)
    >>> bool(((0 <= p) & (p < 0.1)).all())
    True
    """
    low = check_probability(low, name="low")
    high = check_probability(high, name="high")
    if high < low:
        msg = f"`high` must be >= `low` ({low}); got {high}."
        raise InvalidParameterError(msg)
    rng = as_generator(rng)
    return check_probabilities(rng.uniform(low, high, graph.n_edges), name="p")


def _in_sums(graph, weights):
    return np.bincount(graph.indices, weights=weights, minlength=graph.n_nodes)


def check_lt_weights(graph, weights, *, name="weights", tol=1e-9):
    """Validate linear-threshold weights: in [0, 1], and at most 1 into every node.

    Parameters
    ----------
    graph : Graph
    weights : array_like of float, shape (n_edges,)
    name : str, default "weights"
        The parameter's name, for the error message.
    tol : float, default 1e-9
        Slack allowed above 1 for rounding.

    Returns
    -------
    numpy.ndarray
        The weights as a read-only float64 array.

    Raises
    ------
    InvalidParameterError
        Naming the first node whose in-weights sum to more than ``1 + tol``.
    """
    w = check_probabilities(weights, name=name, size=graph.n_edges)
    sums = _in_sums(graph, w)
    over = sums > 1.0 + tol
    if over.any():
        v = int(np.flatnonzero(over)[0])
        msg = (
            f"`{name}` must sum to at most 1 over each node's in-arcs (linear threshold); "
            f"node {graph.label_of(v)!r} receives {sums[v]:.6g} "
            f"({int(over.sum())} node(s) over 1). Use `spread.weights.normalize_lt` or "
            "`normalize=True`."
        )
        raise InvalidParameterError(msg)
    return w


def normalize_lt(graph, weights, *, only_over=False):
    """Scale weights so that every node's in-weights sum to 1.

    Parameters
    ----------
    graph : Graph
    weights : array_like of float, shape (n_edges,)
        Non-negative weights (any scale).
    only_over : bool, default False
        Scale only the nodes whose in-weights sum to more than 1, leaving the others as
        they are.

    Returns
    -------
    numpy.ndarray
        Read-only float64 array; nodes whose in-weights are all 0 keep 0.

    Examples
    --------
    >>> import spread
    >>> g = spread.Graph.from_edges([0, 1, 2], [2, 2, 0])
    >>> spread.weights.normalize_lt(g, [3.0, 1.0, 0.5])
    array([0.75, 0.25, 1.  ])
    """
    w = weight_array(weights, graph.n_edges, what="arc")  # finite, one per arc
    only_over = check_bool(only_over, name="only_over")
    bad = w < 0
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = f"`weights` must be finite and >= 0; got {float(w[i])!r} at arc {i}."
        raise InvalidParameterError(msg)
    sums = _in_sums(graph, w)
    scale = np.where(sums > 0, sums, 1.0)
    if only_over:
        scale = np.maximum(scale, 1.0)
    w = w / scale[graph.indices]
    np.minimum(w, 1.0, out=w)
    return check_lt_weights(graph, w)
