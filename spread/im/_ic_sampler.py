"""What the IC RR-set sampler (`_rrset_kernels.rr_sets_ic`) is fed: which nodes share one
in-probability, which are subset-sampled, and their per-slot arrays."""

import weakref

import numpy as np

from ._rrset_kernels import PER_ARC, SUBSET

# Subset sampling (`rr_sets_ic`) pays on nodes with this many in-arcs or more, whose mean
# probability is at most this (measured: benchmarks/results_subset.md).
_SUBSET_MIN_DEGREE = 16
_SUBSET_MAX_MEAN_P = 0.25
# The IC sampler's arrays: per node its shared probability and scale (16); per in-slot,
# where some node has per-arc coins, the probability, its scale and the source (20),
# with the transients of ordering them (16 more).
SAMPLER_BYTES_PER_NODE = 16
SAMPLER_BYTES_PER_SLOT = 36
_BLOCK_SLOTS = 1 << 22  # in-slots read at a time by `shared_in_probability`
# Conditional sets (`RRSets`): per node q and the known part (8 + 8), the weighted
# targets' ids and cumulative weights (4 + 8).
CONDITIONAL_BYTES_PER_NODE = 28
# A graph of at most this many nodes keeps its shared in-probabilities (`shared_arrays`)
_KEEP_UP_TO = 1 << 20
_KEPT = weakref.WeakKeyDictionary()  # graph -> (weak ref to p, node_p, its jump scales)


def shared_in_probability(graph, p):
    """Per node: the probability all its in-arcs share (weighted cascade), else
    `PER_ARC` (-1); 0 for a node with no in-arc. `p` is per arc, in arc order; it is
    read in blocks of about `_BLOCK_SLOTS` in-slots (no per-slot copy of a whole large
    graph)."""
    n, indptr = graph.n_nodes, graph.in_indptr
    node_p = np.zeros(n)
    a = 0
    while a < n:
        b = int(np.searchsorted(indptr, indptr[a] + _BLOCK_SLOTS, side="right")) - 1
        b = min(max(b, a + 1), n)  # at least one node; a node with more slots alone
        rows = np.flatnonzero(indptr[a + 1 : b + 1] > indptr[a:b])
        if rows.size:
            block = p[graph.in_arc[indptr[a] : indptr[b]]]
            # reduceat over the non-empty rows only: their starts increase strictly,
            # and each segment runs to the next start (the last one to the block's end)
            starts = indptr[a:b][rows] - indptr[a]
            lo = np.minimum.reduceat(block, starts)
            hi = np.maximum.reduceat(block, starts)
            node_p[a + rows] = np.where(lo == hi, lo, PER_ARC)
        a = b
    return node_p


def shared_arrays(graph, p):
    """`shared_in_probability` of `p` and its `inv_log1m`, the IC sampler's per-node
    arrays. Where every node's in-arcs share one probability (weighted cascade) on a
    graph of at most `_KEEP_UP_TO` nodes (16 bytes each), they are kept, read-only, for
    as long as the graph and the same `p` array (a model's, which it keeps per graph)
    live: computing them was 1.4 ms of a 70 ms OPIM-C call on NetHEPT, 0.8 of 15 on
    wiki-Vote. Where some node has per-arc coins they are computed each time (the
    caller reorders them, `subset_order`)."""
    kept = _KEPT.get(graph)
    if kept is not None and kept[0]() is p:
        return kept[1], kept[2]
    node_p = shared_in_probability(graph, p)
    scales = inv_log1m(node_p)
    if graph.n_nodes <= _KEEP_UP_TO and not (node_p < 0).any():
        node_p.flags.writeable = False
        scales.flags.writeable = False
        _KEPT[graph] = (weakref.ref(p), node_p, scales)
    return node_p, scales


def inv_log1m(p, graph=None, nodes=None):
    """``1 / log(1 - p)`` where ``0 < p < 1``, else 0: the geometric jumps' scale.

    With a `graph` and a boolean mask of `nodes`, `p` is per in-slot and only the slots
    of those nodes are computed (the others stay 0: unread); none at all gives an empty
    array.
    """
    inside = (p > 0) & (p < 1)
    if nodes is not None:
        if not nodes.any():
            return np.empty(0)
        inside &= np.repeat(nodes, graph.in_degree)
    out = np.zeros(p.shape[0])
    out[inside] = 1.0 / np.log1p(-p[inside])
    return out


def subset_order(graph, p_in, node_p):
    """``(p_in, src_in, node_p)`` for `rr_sets_ic`: the nodes without a shared
    in-probability that have at least `_SUBSET_MIN_DEGREE` in-arcs, of mean probability
    at most `_SUBSET_MAX_MEAN_P`, get code `SUBSET` and their in-slots sorted by
    decreasing probability (stably); the others keep the per-arc coins (-1) and the
    graph's order. The sorted copies are the sampler's own: the graph is not touched.
    """
    deg = graph.in_degree
    head = np.repeat(np.arange(graph.n_nodes, dtype=np.int32), deg)
    mean_p = np.bincount(head, weights=p_in, minlength=graph.n_nodes) / np.maximum(deg, 1)
    use = (node_p < 0) & (deg >= _SUBSET_MIN_DEGREE) & (mean_p <= _SUBSET_MAX_MEAN_P)
    if not use.any():
        return p_in, graph.in_indices, node_p
    slots = np.flatnonzero(use[head])
    order = np.arange(p_in.size)
    order[slots] = slots[np.lexsort((-p_in[slots], head[slots]))]
    node_p = node_p.copy()
    node_p[use] = SUBSET
    return p_in[order], graph.in_indices[order], node_p


def no_live_probability(graph, node_p, p_in):
    """Per node, the probability that none of its in-arcs is live: ``(1 - p)^d`` where
    its d in-arcs share p (`node_p` >= 0), else the product of ``1 - p`` over its slots
    (`p_in`); 1 for a node without in-arcs. `node_p` of one entry is every node's (a
    uniform p). What conditional RR sets draw their targets by (``1 - q``) and add
    exactly (``q``): `rr_sets_ic`'s ``node_q``."""
    deg = graph.in_degree
    q = np.where(node_p > 0, (1.0 - np.clip(node_p, 0.0, 1.0)) ** deg, 1.0)
    per_arc = node_p < 0
    if per_arc.any():
        head = np.repeat(np.arange(graph.n_nodes), deg)
        with np.errstate(divide="ignore"):
            logs = np.log1p(-p_in)
        sums = np.bincount(
            head, weights=np.where(per_arc[head], logs, 0.0), minlength=graph.n_nodes
        )
        q[per_arc] = np.exp(sums[per_arc])
    return q
