"""Numba kernel of NetRate's likelihood: the (cascade, arc) pairs and their delays."""

import math

import numpy as np
from numba import njit

__all__ = ["netrate_pairs"]


@njit(cache=True, nogil=True)
def netrate_pairs(indptr, indices, casc_ptr, nodes, times, t_end, n_nodes):
    """Body of the NetRate statistics (`NetRateEstimator`, FITTING.md §2.3.6), compiled by Numba.

    For every infected ``j`` of a cascade (times relative to its start, all within its
    window ``t_end[c]``) and every arc ``j -> v``: an infected ``v`` with
    ``t_v > t_j`` gives an infected pair with ``gap = t_v - t_j``; an uninfected ``v``
    gives a survival pair with ``gap = t_end[c] - t_j`` (a neighbour infected at the
    same time makes no pair). Pairs come out by cascade, then by the cascade's rows,
    then by arc in CSR order. Returns ``(cascade, arc, gap, infected)``.
    """
    n_casc = casc_ptr.shape[0] - 1
    time_of = np.full(n_nodes, math.inf)
    total = 0
    for c in range(n_casc):
        for r in range(casc_ptr[c], casc_ptr[c + 1]):
            time_of[nodes[r]] = times[r]
        for r in range(casc_ptr[c], casc_ptr[c + 1]):
            u = nodes[r]
            for j in range(indptr[u], indptr[u + 1]):
                if time_of[indices[j]] > times[r]:
                    total += 1
        for r in range(casc_ptr[c], casc_ptr[c + 1]):
            time_of[nodes[r]] = math.inf
    o_casc = np.empty(total, dtype=np.int64)
    o_arc = np.empty(total, dtype=np.int64)
    o_gap = np.empty(total)
    o_inf = np.empty(total, dtype=np.bool_)
    n = 0
    for c in range(n_casc):
        for r in range(casc_ptr[c], casc_ptr[c + 1]):
            time_of[nodes[r]] = times[r]
        for r in range(casc_ptr[c], casc_ptr[c + 1]):
            u = nodes[r]
            tu = times[r]
            for j in range(indptr[u], indptr[u + 1]):
                tv = time_of[indices[j]]
                if tv > tu:
                    o_casc[n] = c
                    o_arc[n] = j
                    if tv == math.inf:
                        o_gap[n] = t_end[c] - tu
                        o_inf[n] = False
                    else:
                        o_gap[n] = tv - tu
                        o_inf[n] = True
                    n += 1
        for r in range(casc_ptr[c], casc_ptr[c + 1]):
            time_of[nodes[r]] = math.inf
    return o_casc, o_arc, o_gap, o_inf
