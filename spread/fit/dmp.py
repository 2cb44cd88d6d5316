"""Dynamic message passing for the independent cascade: the expected curve, deterministically.

The surrogate behind `ICEstimator(method="dmp")` and the starting values of its Monte
Carlo fits: exact on trees, an approximation on graphs with short loops.
"""

import weakref

import numpy as np

from .._common import (
    MAX_WORK,
    check_max_work,
    check_memory,
    check_work,
    thread_count,
    threads,
)
from .._validation import check_int
from ..exceptions import InvalidParameterError
from ..graph import Graph, resolve_seeds
from ..models import IC
from ..parallel import kernel_section
from ._dmp_kernels import dmp_ic as _dmp_kernel

__all__ = ["dmp_ic"]

_PARALLEL_MIN_ARCS = 200_000  # DMP on fewer arcs runs on one thread (a barrier per step)


_ARC_SLOTS = weakref.WeakKeyDictionary()


def _arc_slots(graph):
    """Per arc ``u -> v``: its own slot in v's in-list, and the in-slot of ``v -> u`` in
    u's in-list (or -1). Cached per graph."""
    cached = _ARC_SLOTS.get(graph)
    if cached is None:
        n = np.int64(graph.n_nodes)
        src = np.repeat(np.arange(graph.n_nodes, dtype=np.int64), graph.out_degree)
        dst = graph.indices.astype(np.int64)
        key = src * n + dst
        order = np.argsort(key, kind="stable")
        want = dst * n + src
        rev = np.full(key.size, -1, dtype=np.int64)
        slot_of_arc = np.empty(key.size, dtype=np.int64)
        slot_of_arc[graph.in_arc] = np.arange(key.size)
        if key.size:
            pos = np.minimum(np.searchsorted(key[order], want), key.size - 1)
            hit = key[order][pos] == want
            rev[hit] = slot_of_arc[order[pos[hit]]]
        cached = _ARC_SLOTS[graph] = (slot_of_arc, rev)
    return cached


def _check_steps(graph, max_steps, max_work):
    """Raise before `max_steps` steps that memory or `max_work` cannot afford."""
    check_memory(
        8.0 * (max_steps + 1),
        what=f"`max_steps` = {max_steps:,} steps of output",
        advice="lower `max_steps`",
    )
    check_work(
        (max_steps + 1.0) * (graph.n_nodes + graph.n_edges),
        max_work,
        what=f"DMP over `max_steps` = {max_steps:,} steps",
        advice="Lower `max_steps`",
    )


def dmp_ic(graph, seeds, p, *, max_steps, external=0.0, n_jobs=None, max_work=MAX_WORK):
    """Dynamic message passing for the independent cascade: expected adopters per step.

    Deterministic and smooth in ``p``; exact on trees (and forests), an approximation on
    graphs with short loops, where it overestimates the spread (Lokhov et al. 2015). Used
    as the surrogate of `ICEstimator` (``method="dmp"``, and starting values for
    ``method="mc"``).

    Parameters
    ----------
    graph : Graph
    seeds : sequence of labels or boolean mask
        Active at step 0.
    p : float or array_like
        Activation probability of every arc (an array: one per arc, in arc order).
    max_steps : int
        The last step computed (steps ``0 .. max_steps``; step 0 is the seeds), as in
        `spread.simulate`.
    external : float or array_like, default 0.0
        Spontaneous adoption probability per step, or a schedule of one per step (as in
        `spread.IC`).
    n_jobs : int, optional
        Threads.
    max_work : float or None, default 1e11
        Bound on the work, checked before it starts: a pass over the nodes and arcs per
        step; `WorkLimitError` past it (None lifts it). `MemoryLimitError` if the
        output of `max_steps` steps would not fit in memory.

    Returns
    -------
    new_per_step : numpy.ndarray, shape (max_steps + 1,)
        Expected new adopters at every step (step 0: the seeds).
    marginals : numpy.ndarray, shape (n_nodes,)
        Probability that each node is active by the last step.

    References
    ----------
    A. Y. Lokhov, M. Mézard, H. Ohta, L. Zdeborová, "Inferring the origin of an epidemic
    with a dynamic message-passing algorithm", PRE 90, 012801 (2014); A. Y. Lokhov,
    M. Mézard, L. Zdeborová, "Dynamic message-passing equations for models with
    unidirectional dynamics", PRE 91, 012811 (2015).

    Examples
    --------
    On a path the chance that the node at distance d is reached is exactly ``p**d``:

    >>> import spread
    >>> from spread.fit import dmp_ic
    >>> g = spread.Graph.from_edges([0, 1, 2], [1, 2, 3])
    >>> new, marginals = dmp_ic(g, [0], 0.5, max_steps=3)
    >>> new.tolist(), marginals.tolist()
    ([1.0, 0.5, 0.25, 0.125], [1.0, 0.5, 0.25, 0.125])
    """

    if not isinstance(graph, Graph):
        msg = f"`graph` must be a spread.Graph; got {type(graph).__name__}."
        raise InvalidParameterError(msg)
    max_steps = check_int(max_steps, name="max_steps", min_value=0)
    _check_steps(graph, max_steps, check_max_work(max_work))
    seed_idx = resolve_seeds(graph, seeds)

    model = IC(p, external=external)
    p_arc = np.ascontiguousarray(model.arc_probabilities(graph), dtype=np.float64)
    p0 = np.zeros(graph.n_nodes)
    p0[seed_idx] = 1.0
    return dmp_curve(graph, p_arc, p0, model._external(), max_steps + 1, thread_count(n_jobs))


def dmp_curve(graph, p_arc, p0, external, n_steps, n_threads):
    if graph.n_edges < _PARALLEL_MIN_ARCS:
        n_threads = 1  # one barrier per step: threads pay off on big graphs only
    new = np.zeros(n_steps)
    marginals = np.zeros(graph.n_nodes)
    p_in = np.ascontiguousarray(p_arc[graph.in_arc])
    slot_of_arc, rev_slot = _arc_slots(graph)
    with kernel_section(), threads(n_threads):
        _dmp_kernel(
            graph.indptr,
            graph.in_indptr,
            graph.in_indices,
            slot_of_arc,
            p_in,
            rev_slot,
            p0,
            np.ascontiguousarray(np.atleast_1d(external), dtype=np.float64),
            new,
            marginals,
        )
    return new, marginals
