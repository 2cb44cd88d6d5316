"""Numba kernel of the exposure curve: how many active in-neighbours each adopter had.

Cascades arrive as ``casc_ptr`` (int64, one slice per cascade), ``nodes`` (node indices)
and ``steps`` (int64 generations, non-decreasing inside a cascade).
"""

import numpy as np
from numba import njit

__all__ = ["exposure_counts"]


@njit(cache=True, nogil=True)
def exposure_counts(indptr, indices, in_indptr, in_indices, casc_ptr, nodes, steps, n_nodes):
    """Body of `Cascades.exposures` (Romero et al. exposure curve), compiled by Numba.

    An adopter after the first step has ``k`` = its in-neighbours active at earlier
    steps; an exposed node that never adopts has ``k`` = its active in-neighbours.
    Returns ``(reached, adopted)`` indexed by ``k``: pairs that reached at least
    ``k`` exposures, and adopters with exactly ``k``.
    """
    never = np.iinfo(np.int64).max
    n_casc = casc_ptr.shape[0] - 1
    step_of = np.full(n_nodes, never, dtype=np.int64)
    count = np.zeros(n_nodes, dtype=np.int64)
    touched = np.empty(n_nodes, dtype=np.int64)
    size = 16
    at_least = np.zeros(size, dtype=np.int64)  # histogram of k, cumulated at the end
    adopted = np.zeros(size, dtype=np.int64)
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
            s = steps[r]
            if s != first:
                k = 0
                for j in range(in_indptr[v], in_indptr[v + 1]):
                    if step_of[in_indices[j]] < s:
                        k += 1
                if k >= size:
                    new = max(2 * size, k + 1)
                    at_least = np.concatenate((at_least, np.zeros(new - size, np.int64)))
                    adopted = np.concatenate((adopted, np.zeros(new - size, np.int64)))
                    size = new
                at_least[k] += 1
                adopted[k] += 1
            for j in range(indptr[v], indptr[v + 1]):
                w = indices[j]
                if step_of[w] == never:
                    if count[w] == 0:
                        touched[n_touched] = w
                        n_touched += 1
                    count[w] += 1
        for i in range(n_touched):
            w = touched[i]
            k = count[w]
            if k >= size:
                new = max(2 * size, k + 1)
                at_least = np.concatenate((at_least, np.zeros(new - size, np.int64)))
                adopted = np.concatenate((adopted, np.zeros(new - size, np.int64)))
                size = new
            at_least[k] += 1
            count[w] = 0
        for r in range(lo, hi):
            step_of[nodes[r]] = never
    top = 0
    for k in range(size):
        if at_least[k] > 0:
            top = k
    reached = np.zeros(top + 1, dtype=np.int64)
    acc = 0
    for k in range(top, -1, -1):
        acc += at_least[k]
        reached[k] = acc
    return reached, adopted[: top + 1].copy()
