"""Numba kernel for heat diffusion: the body of `spread.simulate` for `spread.Heat`.

Uniformization: with ``H = M - diag(delta)`` (``M >= 0`` entry-wise) and ``q >= max(delta)``,
the step matrix ``P = I + H / q`` is non-negative and

    exp(beta t H) f0 = sum_k Poisson(k; beta t q) P^k f0.

One sweep computes ``v_k = P^k f0`` for k = 0, 1, ... and adds each ``v_k``, weighted, into
the output of every requested time whose Poisson window contains k.
"""

import numpy as np
from numba import njit, prange


@njit(cache=True, nogil=True, parallel=True)
def heat_sweep(
    in_indptr,
    in_src,
    cond,
    col_scale,
    row_scale,
    delta,
    inv_q,
    f0,
    k_max,
    win_start,
    win_ptr,
    win_w,
    out,
):
    """Accumulate ``out[m] = sum_k win_w[win_ptr[m] + k - win_start[m]] * P^k f0``.

    ``P v = v + inv_q * (M v - delta * v)``. The rows of ``M`` are the in-arcs of each
    node (`in_indptr`, tails `in_src`) with conductances `cond`; when `cond` is empty
    (unweighted graphs) the conductance factors as ``row_scale[i] * col_scale[j]``, so
    only the arc indices are read. Time ``m`` uses the terms ``k`` in
    ``win_start[m] .. win_start[m] + win_ptr[m + 1] - win_ptr[m] - 1``. `out`
    (n_times, n) must be zero on entry.
    """
    n = f0.shape[0]
    n_times = out.shape[0]
    factored = cond.shape[0] == 0
    v = f0.copy()
    w = np.empty(n, dtype=np.float64)
    u = np.empty(n if factored else 0, dtype=np.float64)  # col_scale * v
    u_next = np.empty_like(u)
    if factored:
        for i in range(n):
            u[i] = col_scale[i] * v[i]
    active_m = np.empty(n_times, dtype=np.int64)
    active_w = np.empty(n_times, dtype=np.float64)
    for k in range(k_max + 1):
        n_active = 0
        for m in range(n_times):
            j = k - win_start[m]
            if 0 <= j < win_ptr[m + 1] - win_ptr[m]:
                active_m[n_active] = m
                active_w[n_active] = win_w[win_ptr[m] + j]
                n_active += 1
        last = k == k_max
        for i in prange(n):
            vi = v[i]
            for a in range(n_active):
                out[active_m[a], i] += active_w[a] * vi
            if not last:
                s = 0.0
                if factored:
                    for j in range(in_indptr[i], in_indptr[i + 1]):
                        s += u[in_src[j]]
                    s *= row_scale[i]
                else:
                    for j in range(in_indptr[i], in_indptr[i + 1]):
                        s += cond[j] * v[in_src[j]]
                wi = vi + inv_q * (s - delta[i] * vi)
                w[i] = wi
                if factored:
                    u_next[i] = col_scale[i] * wi
        v, w = w, v
        u, u_next = u_next, u


@njit(cache=True, nogil=True, parallel=True)
def heat_sweep_block(
    in_indptr,
    in_src,
    cond,
    col_scale,
    row_scale,
    delta,
    inv_q,
    f0,
    k_max,
    win_start,
    win_ptr,
    win_w,
    out,
):
    """`heat_sweep` for a block of initial heat vectors at once.

    ``f0`` has shape (n, b): column c is one initial heat vector; ``out`` (n_times, n, b).
    Storing a node's b values side by side makes each arc's gather serve all b columns.
    """
    n = f0.shape[0]
    b = f0.shape[1]
    n_times = out.shape[0]
    factored = cond.shape[0] == 0
    v = f0.copy()
    w = np.empty_like(v)
    active_m = np.empty(n_times, dtype=np.int64)
    active_w = np.empty(n_times, dtype=np.float64)
    for k in range(k_max + 1):
        n_active = 0
        for m in range(n_times):
            j = k - win_start[m]
            if 0 <= j < win_ptr[m + 1] - win_ptr[m]:
                active_m[n_active] = m
                active_w[n_active] = win_w[win_ptr[m] + j]
                n_active += 1
        last = k == k_max
        for i in prange(n):
            for a in range(n_active):
                wa = active_w[a]
                for c in range(b):
                    out[active_m[a], i, c] += wa * v[i, c]
            if not last:
                s = np.zeros(b)
                for j in range(in_indptr[i], in_indptr[i + 1]):
                    src = in_src[j]
                    if factored:
                        cj = col_scale[src]
                    else:
                        cj = cond[j]
                    for c in range(b):
                        s[c] += cj * v[src, c]
                rs = row_scale[i] if factored else 1.0
                for c in range(b):
                    w[i, c] = v[i, c] + inv_q * (rs * s[c] - delta[i] * v[i, c])
        v, w = w, v
