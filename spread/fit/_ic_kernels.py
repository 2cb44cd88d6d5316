"""Numba kernel of the IC likelihood from cascades: transmission trials grouped by target.

Cascades arrive as ``casc_ptr`` (int64, one slice per cascade), ``nodes`` (node indices)
and ``steps`` (int64 generations, non-decreasing inside a cascade).
"""

import numpy as np
from numba import njit

__all__ = ["trial_groups"]


@njit(cache=True, nogil=True)
def trial_groups(indptr, indices, casc_ptr, nodes, steps, n_nodes):
    """Body of `Cascades.trial_groups` (IC trials, FITTING.md §2.3.1), compiled by Numba.

    Every node ``u`` active at step ``s`` tries each out-neighbour ``v`` not active by
    step ``s``; the tries on ``v`` at step ``s + 1`` form one group. Groups come out
    per cascade, sorted by (target, step); the arcs of group ``g`` are
    ``arcs[ptr[g]:ptr[g + 1]]``.

    Returns ``(cascade, target, step, success, ptr, arcs)``.
    """
    never = np.iinfo(np.int64).max
    n_casc = casc_ptr.shape[0] - 1
    step_of = np.full(n_nodes, never, dtype=np.int64)
    # pass 1: count the tries and the largest per-cascade count
    total = 0
    widest = 0
    max_step = 0
    for c in range(n_casc):
        lo, hi = casc_ptr[c], casc_ptr[c + 1]
        for r in range(lo, hi):
            step_of[nodes[r]] = steps[r]
            if steps[r] > max_step:
                max_step = steps[r]
        here = 0
        for r in range(lo, hi):
            u = nodes[r]
            s = steps[r]
            for j in range(indptr[u], indptr[u + 1]):
                if step_of[indices[j]] > s:
                    here += 1
        total += here
        if here > widest:
            widest = here
        for r in range(lo, hi):
            step_of[nodes[r]] = never
    span = max_step + 2
    g_casc = np.empty(total, dtype=np.int64)
    g_target = np.empty(total, dtype=np.int64)
    g_step = np.empty(total, dtype=np.int64)
    g_success = np.empty(total, dtype=np.bool_)
    g_ptr = np.zeros(total + 1, dtype=np.int64)
    g_arcs = np.empty(total, dtype=np.int64)
    keys = np.empty(widest, dtype=np.int64)
    arcs = np.empty(widest, dtype=np.int64)
    n_groups = 0
    filled = 0
    for c in range(n_casc):
        lo, hi = casc_ptr[c], casc_ptr[c + 1]
        for r in range(lo, hi):
            step_of[nodes[r]] = steps[r]
        n = 0
        for r in range(lo, hi):
            u = nodes[r]
            s = steps[r]
            for j in range(indptr[u], indptr[u + 1]):
                v = indices[j]
                if step_of[v] > s:
                    keys[n] = v * span + s + 1
                    arcs[n] = j
                    n += 1
        order = np.argsort(keys[:n], kind="mergesort")
        prev = -1
        for i in range(n):
            key = keys[order[i]]
            if key != prev:
                v = key // span
                t = key - v * span
                g_casc[n_groups] = c
                g_target[n_groups] = v
                g_step[n_groups] = t
                g_success[n_groups] = step_of[v] == t
                g_ptr[n_groups] = filled
                n_groups += 1
                prev = key
            g_arcs[filled] = arcs[order[i]]
            filled += 1
        for r in range(lo, hi):
            step_of[nodes[r]] = never
    g_ptr[n_groups] = filled
    return (
        g_casc[:n_groups],
        g_target[:n_groups],
        g_step[:n_groups],
        g_success[:n_groups],
        g_ptr[: n_groups + 1],
        g_arcs,
    )
