"""Numba kernels of the per-target concave problems (per-node and per-arc IC, NetRate).

Each target node's parameters form one block: a concave log-likelihood with a
quadratic penalty, maximised by projected Newton (Cholesky for small blocks, conjugate
gradients for large ones), with standard errors from the observed information.
"""

import math

import numpy as np
from numba import njit

__all__ = ["solve_blocks"]


@njit(cache=True, nogil=True)
def _phi(kind, s):
    """Concave link of one success group and its first two derivatives.

    kind 0 (IC, theta = -log(1 - p)): ``log(1 - exp(-s))``; kind 1 (NetRate): ``log s``.
    """
    if s <= 0.0:
        return -math.inf, math.inf, -math.inf
    if kind == 0:
        em = math.expm1(s)  # e^s - 1
        return math.log(-math.expm1(-s)), 1.0 / em, -(em + 1.0) / (em * em)
    return math.log(s), 1.0 / s, -1.0 / (s * s)


@njit(cache=True, nogil=True)
def _block_value(kind, x, lin, pen, center, g_lo, g_hi, grp_ptr, grp_par, grp_coef, p0):
    """Objective of one block (to minimise) at `x` (local parameters, offset `p0`)."""
    f = 0.0
    for i in range(x.shape[0]):
        f += lin[p0 + i] * x[i]
        d = x[i] - center[p0 + i]
        f += 0.5 * pen[p0 + i] * d * d
    for g in range(g_lo, g_hi):
        s = 0.0
        for e in range(grp_ptr[g], grp_ptr[g + 1]):
            s += grp_coef[e] * x[grp_par[e] - p0]
        v, _, _ = _phi(kind, s)
        if v == -math.inf:
            return math.inf
        f -= v
    return f


@njit(cache=True, nogil=True)
def _block_derivatives(
    kind, x, lin, pen, center, g_lo, g_hi, grp_ptr, grp_par, grp_coef, p0, grad, hdiag, curv
):
    """Gradient, Hessian diagonal and per-group curvature ``-phi''(s_g)`` of one block.

    The Hessian is ``diag(pen) + sum_g curv_g c_g c_g^T`` (`c_g`: the group's
    coefficients), so these three arrays determine it.
    """
    d = x.shape[0]
    for i in range(d):
        grad[i] = lin[p0 + i] + pen[p0 + i] * (x[i] - center[p0 + i])
        hdiag[i] = pen[p0 + i]
    for g in range(g_lo, g_hi):
        s = 0.0
        for e in range(grp_ptr[g], grp_ptr[g + 1]):
            s += grp_coef[e] * x[grp_par[e] - p0]
        _, d1, d2 = _phi(kind, s)
        curv[g - g_lo] = -d2
        for e in range(grp_ptr[g], grp_ptr[g + 1]):
            a = grp_par[e] - p0
            grad[a] -= d1 * grp_coef[e]
            hdiag[a] -= d2 * grp_coef[e] * grp_coef[e]
    # entries of one group on the same parameter add cross terms to the diagonal
    for g in range(g_lo, g_hi):
        lo, hi = grp_ptr[g], grp_ptr[g + 1]
        for e in range(lo, hi):
            for e2 in range(lo, hi):
                if e2 != e and grp_par[e2] == grp_par[e]:
                    hdiag[grp_par[e] - p0] += curv[g - g_lo] * grp_coef[e] * grp_coef[e2]


@njit(cache=True, nogil=True)
def _hess_vec(v, pen, p0, g_lo, g_hi, grp_ptr, grp_par, grp_coef, curv, mask, out):
    """``out = H v`` on the coordinates in `mask` (`v` is zero elsewhere)."""
    d = v.shape[0]
    for i in range(d):
        out[i] = pen[p0 + i] * v[i]
    for g in range(g_lo, g_hi):
        dot = 0.0
        for e in range(grp_ptr[g], grp_ptr[g + 1]):
            dot += grp_coef[e] * v[grp_par[e] - p0]
        if dot != 0.0:
            w = curv[g - g_lo] * dot
            for e in range(grp_ptr[g], grp_ptr[g + 1]):
                out[grp_par[e] - p0] += w * grp_coef[e]
    for i in range(d):
        if not mask[i]:
            out[i] = 0.0


@njit(cache=True, nogil=True)
def _cg_solve(b, hdiag, ridge, pen, p0, g_lo, g_hi, grp_ptr, grp_par, grp_coef, curv, mask, out):
    """Solve ``(H + ridge I) z = b`` on `mask` by Jacobi-preconditioned conjugate gradients."""
    d = b.shape[0]
    r = np.zeros(d)
    z = np.zeros(d)
    q = np.zeros(d)
    hq = np.zeros(d)
    out[:] = 0.0
    norm_b = 0.0
    for i in range(d):
        if mask[i]:
            r[i] = b[i]
            norm_b += b[i] * b[i]
    if norm_b == 0.0:
        return True
    rz = 0.0
    for i in range(d):
        if mask[i]:
            z[i] = r[i] / (hdiag[i] + ridge)
            q[i] = z[i]
            rz += r[i] * z[i]
    for _ in range(10 * d + 50):
        _hess_vec(q, pen, p0, g_lo, g_hi, grp_ptr, grp_par, grp_coef, curv, mask, hq)
        qhq = 0.0
        for i in range(d):
            if mask[i]:
                hq[i] += ridge * q[i]
                qhq += q[i] * hq[i]
        if not qhq > 0.0:
            return False
        step = rz / qhq
        norm_r = 0.0
        for i in range(d):
            if mask[i]:
                out[i] += step * q[i]
                r[i] -= step * hq[i]
                norm_r += r[i] * r[i]
        if norm_r <= 1e-20 * norm_b:
            return True
        rz_new = 0.0
        for i in range(d):
            if mask[i]:
                z[i] = r[i] / (hdiag[i] + ridge)
                rz_new += r[i] * z[i]
        beta = rz_new / rz
        rz = rz_new
        for i in range(d):
            if mask[i]:
                q[i] = z[i] + beta * q[i]
    return True


@njit(cache=True, nogil=True)
def _dense_hessian(idx, local, p0, pen, g_lo, g_hi, grp_ptr, grp_par, grp_coef, curv):
    """The Hessian restricted to the coordinates `idx` (`local` maps a coordinate to its row)."""
    m = idx.shape[0]
    h = np.zeros((m, m))
    for i in range(m):
        h[i, i] = pen[p0 + idx[i]]
    for g in range(g_lo, g_hi):
        for e in range(grp_ptr[g], grp_ptr[g + 1]):
            a = local[grp_par[e] - p0]
            if a < 0:
                continue
            for e2 in range(grp_ptr[g], grp_ptr[g + 1]):
                b = local[grp_par[e2] - p0]
                if b >= 0:
                    h[a, b] += curv[g - g_lo] * grp_coef[e] * grp_coef[e2]
    return h


@njit(cache=True, nogil=True)
def _cholesky(a, ridge):
    """Lower Cholesky factor of ``a + ridge I``; (factor, ok)."""
    m = a.shape[0]
    low = np.zeros((m, m))
    for i in range(m):
        for j in range(i + 1):
            acc = a[i, j]
            if i == j:
                acc += ridge
            for k in range(j):
                acc -= low[i, k] * low[j, k]
            if i == j:
                if acc <= 0.0 or not math.isfinite(acc):
                    return low, False
                low[i, i] = math.sqrt(acc)
            else:
                low[i, j] = acc / low[j, j]
    return low, True


@njit(cache=True, nogil=True)
def _cholesky_solve(low, b):
    """``(L L^T)^{-1} b`` for the factor `low` of `_cholesky`."""
    m = b.shape[0]
    y = np.empty(m)
    for i in range(m):
        acc = b[i]
        for k in range(i):
            acc -= low[i, k] * y[k]
        y[i] = acc / low[i, i]
    for i in range(m - 1, -1, -1):
        acc = y[i]
        for k in range(i + 1, m):
            acc -= low[k, i] * y[k]
        y[i] = acc / low[i, i]
    return y


_DENSE_MAX = 200  # coupled coordinates solved by Cholesky; more go to conjugate gradients


@njit(cache=True, nogil=True)
def _newton_step(
    grad, hdiag, scale, pen, p0, g_lo, g_hi, grp_ptr, grp_par, grp_coef, curv, coupled, free, step
):
    """Newton step on the `free` coordinates (0 elsewhere).

    Coordinates outside every multi-parameter group have a diagonal Hessian row: their
    step is ``grad / hdiag``. The coupled ones solve their system by Cholesky (few)
    or conjugate gradients (many), with a growing ridge if it is singular.
    Returns False if no step could be computed.
    """
    d = grad.shape[0]
    mask = np.zeros(d, dtype=np.bool_)
    m = 0
    for i in range(d):
        step[i] = 0.0
        if not free[i]:
            continue
        if coupled[i]:
            mask[i] = True
            m += 1
        elif hdiag[i] > 0.0:
            step[i] = grad[i] / hdiag[i]
        else:
            step[i] = grad[i] / (1e-12 * scale)  # no curvature: the ridge sets the step
    if m == 0:
        return True
    idx = np.flatnonzero(mask)
    ridge = 0.0
    if m <= _DENSE_MAX:
        local = np.full(d, -1, dtype=np.int64)
        for i in range(m):
            local[idx[i]] = i
        h = _dense_hessian(idx, local, p0, pen, g_lo, g_hi, grp_ptr, grp_par, grp_coef, curv)
        b = np.empty(m)
        for i in range(m):
            b[i] = grad[idx[i]]
        for _ in range(30):
            low, ok = _cholesky(h, ridge)
            if ok:
                z = _cholesky_solve(low, b)
                for i in range(m):
                    step[idx[i]] = z[i]
                return True
            ridge = 1e-12 * scale if ridge == 0.0 else ridge * 100.0
        return False
    z = np.empty(d)
    for _ in range(30):
        if _cg_solve(
            grad, hdiag, ridge, pen, p0, g_lo, g_hi, grp_ptr, grp_par, grp_coef, curv, mask, z
        ):
            for i in range(m):
                step[idx[i]] = z[idx[i]]
            return True
        ridge = 1e-12 * scale if ridge == 0.0 else ridge * 100.0
    return False


@njit(cache=True, nogil=True)
def solve_blocks(
    kind,
    blk_par,
    blk_grp,
    lin,
    pen,
    center,
    grp_ptr,
    grp_par,
    grp_coef,
    x0,
    upper,
    max_iter,
    tol,
    x_out,
    se_out,
    status_out,
    nit_out,
):
    """Body of the per-node and per-edge cascade fits (`fit_ic`, `NetRateEstimator`), compiled by Numba.

    Block ``b`` (one target node) owns parameters ``blk_par[b]:blk_par[b + 1]`` and
    success groups ``blk_grp[b]:blk_grp[b + 1]``; group ``g`` adds
    ``sum_e coef[e] * x[par[e]]`` over ``e`` in ``grp_ptr[g]:grp_ptr[g + 1]``. Each
    block minimises the convex

        ``sum_p lin_p x_p + pen_p / 2 (x_p - center_p)^2 - sum_g phi(s_g)``

    over ``0 <= x_p <= upper_p`` by projected Newton (Bertsekas 1982): coordinates
    near a bound whose gradient pushes outward take a diagonally scaled step (held
    once on the bound), the others a Newton step, backtracked along the projection
    arc until the Armijo condition holds (a scaled projected-gradient step if the
    Newton step fails). `phi` is ``log(1 - e^{-s})`` (kind 0, IC with
    ``x = -log(1 - p)``) or ``log s`` (kind 1, NetRate rates). Stops when the Newton
    decrement falls below `tol`, after one last full step.

    Fills `x_out`, `se_out` (square roots of the inverse Hessian's diagonal on
    coordinates off their bounds; NaN on a bound), `status_out` per block (0 converged,
    1 `max_iter` reached, 4 line search failed) and `nit_out`.
    """
    n_blocks = blk_par.shape[0] - 1
    for b in range(n_blocks):
        p0 = blk_par[b]
        d = blk_par[b + 1] - p0
        g_lo, g_hi = blk_grp[b], blk_grp[b + 1]
        status_out[b] = 0
        nit_out[b] = 0
        if d == 0:
            continue
        x = np.empty(d)
        for i in range(d):
            x[i] = min(max(x0[p0 + i], 0.0), upper[p0 + i])
        grad = np.empty(d)
        hdiag = np.empty(d)
        curv = np.empty(max(g_hi - g_lo, 1))
        step = np.empty(d)
        trial = np.empty(d)
        free = np.empty(d, dtype=np.bool_)
        role = np.empty(d, dtype=np.int64)
        diag = np.empty(d)
        # coordinates sharing a group with another parameter (off-diagonal Hessian)
        coupled = np.zeros(d, dtype=np.bool_)
        for g in range(g_lo, g_hi):
            first = grp_par[grp_ptr[g]]
            mixed = False
            for e in range(grp_ptr[g], grp_ptr[g + 1]):
                if grp_par[e] != first:
                    mixed = True
            if mixed:
                for e in range(grp_ptr[g], grp_ptr[g + 1]):
                    coupled[grp_par[e] - p0] = True
        f = _block_value(kind, x, lin, pen, center, g_lo, g_hi, grp_ptr, grp_par, grp_coef, p0)
        if not math.isfinite(f):
            # a success group with no positive parameter: start from the middle
            for i in range(d):
                x[i] = min(max(x[i], 1e-3), upper[p0 + i])
            f = _block_value(kind, x, lin, pen, center, g_lo, g_hi, grp_ptr, grp_par, grp_coef, p0)
        status = 1
        it = 0
        while it < max_iter:
            it += 1
            _block_derivatives(
                kind,
                x,
                lin,
                pen,
                center,
                g_lo,
                g_hi,
                grp_ptr,
                grp_par,
                grp_coef,
                p0,
                grad,
                hdiag,
                curv,
            )
            scale = 0.0
            for i in range(d):
                scale = max(scale, abs(hdiag[i]))
            if not scale > 0.0:
                scale = 1.0  # no curvature at all: the ridge alone sets the steps
            for i in range(d):
                diag[i] = hdiag[i] if hdiag[i] > 1e-12 * scale else 1e-12 * scale
            # epsilon-active set (Bertsekas): near a bound with the gradient pushing
            # outward; held (role 0) when on the bound, else a scaled-gradient step
            eps = 0.0
            for i in range(d):
                z = min(max(x[i] - grad[i] / diag[i], 0.0), upper[p0 + i])
                eps = max(eps, abs(x[i] - z))
            n_free = 0
            n_moving = 0
            for i in range(d):
                out_lo = grad[i] > 0.0 and x[i] <= eps
                out_hi = grad[i] < 0.0 and x[i] >= upper[p0 + i] - eps
                if (out_lo and x[i] <= 0.0) or (out_hi and x[i] >= upper[p0 + i]):
                    role[i] = 0
                elif out_lo or out_hi:
                    role[i] = 1
                    n_moving += 1
                else:
                    role[i] = 2
                    n_free += 1
                free[i] = role[i] == 2
            if n_free + n_moving == 0:
                status = 0
                break
            ok = _newton_step(
                grad,
                hdiag,
                scale,
                pen,
                p0,
                g_lo,
                g_hi,
                grp_ptr,
                grp_par,
                grp_coef,
                curv,
                coupled,
                free,
                step,
            )
            decrement = 0.0
            for i in range(d):
                if role[i] == 1 or (role[i] == 2 and not ok):
                    step[i] = grad[i] / diag[i]
                elif role[i] == 0:
                    step[i] = 0.0
                decrement += grad[i] * step[i]
            if decrement <= tol and n_moving == 0:
                # in the quadratic region: one last full (projected) Newton step
                for i in range(d):
                    x[i] = min(max(x[i] - step[i], 0.0), upper[p0 + i])
                status = 0
                break
            moved = False
            ft = f
            for attempt in range(2):
                if attempt == 1:  # Newton failed: a scaled projected-gradient step
                    for i in range(d):
                        step[i] = grad[i] / diag[i] if role[i] != 0 else 0.0
                t = 1.0
                for _ in range(60):
                    slope = 0.0
                    for i in range(d):
                        trial[i] = min(max(x[i] - t * step[i], 0.0), upper[p0 + i])
                        slope += grad[i] * (trial[i] - x[i])
                    ft = _block_value(
                        kind, trial, lin, pen, center, g_lo, g_hi, grp_ptr, grp_par, grp_coef, p0
                    )
                    if ft <= f + 1e-4 * slope:
                        moved = True
                        break
                    t *= 0.5
                if moved:
                    break
            if not moved:
                status = 0 if decrement <= 1e3 * tol + 1e-9 * abs(f) else 4
                break
            change = f - ft
            x[:] = trial
            f = ft
            if change <= 1e-15 * (1.0 + abs(f)) and decrement <= 1e-8 * (1.0 + abs(f)):
                status = 0
                break
        for i in range(d):
            x_out[p0 + i] = x[i]
            se_out[p0 + i] = math.nan
        status_out[b] = status
        nit_out[b] = it
        # standard errors: the inverse Hessian on the coordinates off their bounds
        _block_derivatives(
            kind,
            x,
            lin,
            pen,
            center,
            g_lo,
            g_hi,
            grp_ptr,
            grp_par,
            grp_coef,
            p0,
            grad,
            hdiag,
            curv,
        )
        for i in range(d):
            free[i] = x[i] > 0.0 and x[i] < upper[p0 + i]
            if free[i] and not coupled[i] and hdiag[i] > 0.0:
                se_out[p0 + i] = 1.0 / math.sqrt(hdiag[i])
        mask = np.zeros(d, dtype=np.bool_)
        for i in range(d):
            mask[i] = free[i] and coupled[i]
        idx = np.flatnonzero(mask)
        m = idx.shape[0]
        if m == 0:
            continue
        if m <= _DENSE_MAX:
            local = np.full(d, -1, dtype=np.int64)
            for i in range(m):
                local[idx[i]] = i
            h = _dense_hessian(idx, local, p0, pen, g_lo, g_hi, grp_ptr, grp_par, grp_coef, curv)
            low, ok = _cholesky(h, 0.0)
            if not ok:
                continue
            unit = np.zeros(m)
            for i in range(m):
                unit[:] = 0.0
                unit[i] = 1.0
                col = _cholesky_solve(low, unit)
                if col[i] > 0.0:
                    se_out[p0 + idx[i]] = math.sqrt(col[i])
        else:
            unit = np.zeros(d)
            col = np.empty(d)
            for i in range(m):
                unit[:] = 0.0
                unit[idx[i]] = 1.0
                if (
                    _cg_solve(
                        unit,
                        hdiag,
                        0.0,
                        pen,
                        p0,
                        g_lo,
                        g_hi,
                        grp_ptr,
                        grp_par,
                        grp_coef,
                        curv,
                        mask,
                        col,
                    )
                    and col[idx[i]] > 0.0
                ):
                    se_out[p0 + idx[i]] = math.sqrt(col[idx[i]])
