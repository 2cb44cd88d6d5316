"""Numba kernel of the LT likelihood from cascades: threshold brackets per node.

Cascades arrive as ``casc_ptr`` (int64, one slice per cascade), ``nodes`` (node indices)
and ``steps`` (int64 generations, non-decreasing inside a cascade).
"""

import numpy as np
from numba import njit

__all__ = ["bracket_rows"]


@njit(cache=True, nogil=True)
def bracket_rows(indptr, indices, in_indptr, in_indices, w_in, casc_ptr, nodes, steps, n_nodes):
    """Body of `Cascades.brackets` (LT threshold brackets, FITTING.md §2.3.5), compiled by Numba.

    Per cascade: every adopter after the first step (in data order) with the in-weight
    active by step ``s - 2`` (low) and ``s - 1`` (high); then every exposed node that
    never adopts (in index order) with its final active in-weight (censored).
    Returns ``(cascade, node, w_low, w_high, censored)``.
    """
    never = np.iinfo(np.int64).max
    n_casc = casc_ptr.shape[0] - 1
    step_of = np.full(n_nodes, never, dtype=np.int64)
    seen = np.zeros(n_nodes, dtype=np.bool_)
    touched = np.empty(n_nodes, dtype=np.int64)
    cap = max(16, 2 * nodes.shape[0])
    o_casc = np.empty(cap, dtype=np.int64)
    o_node = np.empty(cap, dtype=np.int64)
    o_lo = np.empty(cap)
    o_hi = np.empty(cap)
    o_cens = np.empty(cap, dtype=np.bool_)
    n_out = 0
    for c in range(n_casc):
        lo, hi = casc_ptr[c], casc_ptr[c + 1]
        first = never
        for r in range(lo, hi):
            step_of[nodes[r]] = steps[r]
            if steps[r] < first:
                first = steps[r]
        n_touched = 0
        for r in range(lo, hi):
            v = nodes[r]
            for j in range(indptr[v], indptr[v + 1]):
                w = indices[j]
                if step_of[w] == never and not seen[w]:
                    seen[w] = True
                    touched[n_touched] = w
                    n_touched += 1
        need = n_out + (hi - lo) + n_touched
        if need > cap:
            cap = max(2 * cap, need)
            o_casc = np.concatenate((o_casc, np.empty(cap - o_casc.shape[0], np.int64)))
            o_node = np.concatenate((o_node, np.empty(cap - o_node.shape[0], np.int64)))
            o_lo = np.concatenate((o_lo, np.empty(cap - o_lo.shape[0])))
            o_hi = np.concatenate((o_hi, np.empty(cap - o_hi.shape[0])))
            o_cens = np.concatenate((o_cens, np.empty(cap - o_cens.shape[0], np.bool_)))
        for r in range(lo, hi):
            v = nodes[r]
            s = steps[r]
            if s == first:
                continue
            a = 0.0
            b = 0.0
            for j in range(in_indptr[v], in_indptr[v + 1]):
                su = step_of[in_indices[j]]
                if su <= s - 2:
                    a += w_in[j]
                if su <= s - 1:
                    b += w_in[j]
            o_casc[n_out] = c
            o_node[n_out] = v
            o_lo[n_out] = a
            o_hi[n_out] = b
            o_cens[n_out] = False
            n_out += 1
        order = np.sort(touched[:n_touched])
        for i in range(n_touched):
            v = order[i]
            seen[v] = False
            b = 0.0
            for j in range(in_indptr[v], in_indptr[v + 1]):
                if step_of[in_indices[j]] != never:
                    b += w_in[j]
            o_casc[n_out] = c
            o_node[n_out] = v
            o_lo[n_out] = b
            o_hi[n_out] = b
            o_cens[n_out] = True
            n_out += 1
        for r in range(lo, hi):
            step_of[nodes[r]] = never
    return o_casc[:n_out], o_node[:n_out], o_lo[:n_out], o_hi[:n_out], o_cens[:n_out]
