"""Numba kernels for building CSR graphs: O(m + n) counting sorts instead of O(m log m)."""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def counting_order(keys, n_keys):
    """Stable order of `keys` (ints in ``[0, n_keys)``) by a counting sort; and the counts."""
    counts = np.zeros(n_keys + 1, dtype=np.int64)
    for i in range(keys.shape[0]):
        counts[keys[i] + 1] += 1
    for k in range(n_keys):
        counts[k + 1] += counts[k]
    fill = counts[:-1].copy()
    order = np.empty(keys.shape[0], dtype=np.int64)
    for i in range(keys.shape[0]):
        k = keys[i]
        order[fill[k]] = i
        fill[k] += 1
    return order, counts


@njit(cache=True, nogil=True)
def pair_order(src, dst, n):
    """Stable order of the pairs ``(src[i], dst[i])`` sorted by src then dst (two-pass radix)."""
    by_dst, _ = counting_order(dst, n)
    src_by_dst = src[by_dst]
    by_src, _ = counting_order(src_by_dst, n)
    return by_dst[by_src]
