"""Numba kernels of the exponential Hawkes process: Ozaki's likelihood recursion.

Each kernel takes arrays and scalars only and names the public function it serves.
"""

import math

import numpy as np
from numba import njit

__all__ = ["hawkes_bg_nll_grad", "hawkes_nll_grad", "hawkes_state"]


@njit(cache=True, nogil=True)
def hawkes_nll_grad(times, t_end, mu, alpha, beta):
    """Body of the exact exponential-Hawkes likelihood (`fit_hawkes`), compiled by Numba.

    Intensity ``mu + alpha * beta * sum_{t_j < t} exp(-beta (t - t_j))`` on
    ``[0, t_end]``. Returns the negative log-likelihood and its gradient in
    ``(mu, alpha, beta)``, in O(n) with Ozaki's recursion
    ``A_i = exp(-beta (t_i - t_{i-1})) (1 + A_{i-1})`` and its derivative
    ``B_i = dA_i / d beta``.
    """
    n = times.shape[0]
    ll = 0.0
    g_mu = 0.0
    g_alpha = 0.0
    g_beta = 0.0
    a = 0.0
    b = 0.0
    for k in range(n):
        if k > 0:
            d = times[k] - times[k - 1]
            e = math.exp(-beta * d)
            b = e * (b - d * (1.0 + a))
            a = e * (1.0 + a)
        lam = mu + alpha * beta * a
        if lam <= 0.0:
            return np.inf, 0.0, 0.0, 0.0
        ll += math.log(lam)
        g_mu += 1.0 / lam
        g_alpha += beta * a / lam
        g_beta += alpha * (a + beta * b) / lam
        r = t_end - times[k]
        er = math.exp(-beta * r)
        ll -= alpha * (1.0 - er)
        g_alpha -= 1.0 - er
        g_beta -= alpha * r * er
    ll -= mu * t_end
    g_mu -= t_end
    return -ll, -g_mu, -g_alpha, -g_beta


@njit(cache=True, nogil=True)
def hawkes_state(times, beta):
    """``A_i = sum_{j < i} exp(-beta (t_i - t_j))`` at every event (`fit_hawkes` helpers)."""
    n = times.shape[0]
    out = np.zeros(n)
    for k in range(1, n):
        out[k] = math.exp(-beta * (times[k] - times[k - 1])) * (1.0 + out[k - 1])
    return out


@njit(cache=True, nogil=True)
def hawkes_bg_nll_grad(times, t_end, bg, alpha, beta, inv_lam):
    """Ozaki's recursion with a background given at each event (`HawkesEstimator` with a
    `period`), compiled by Numba.

    Intensity ``bg_i + alpha * beta * A_i`` at event ``i``. Returns the log-likelihood
    *without* the background's integral over ``[0, t_end]`` (the caller subtracts it)
    and its gradient in ``alpha`` and ``beta``; fills ``inv_lam[i] = 1 / lambda(t_i)``,
    from which the caller forms the background parameters' gradient. The terms are
    summed in the order of `hawkes_nll_grad`, so a constant background ``bg_i = mu``
    gives its value bit for bit.
    """
    n = times.shape[0]
    ll = 0.0
    g_alpha = 0.0
    g_beta = 0.0
    a = 0.0
    b = 0.0
    for k in range(n):
        if k > 0:
            d = times[k] - times[k - 1]
            e = math.exp(-beta * d)
            b = e * (b - d * (1.0 + a))
            a = e * (1.0 + a)
        lam = bg[k] + alpha * beta * a
        if lam <= 0.0:
            return -np.inf, 0.0, 0.0
        inv_lam[k] = 1.0 / lam
        ll += math.log(lam)
        g_alpha += beta * a / lam
        g_beta += alpha * (a + beta * b) / lam
        r = t_end - times[k]
        er = math.exp(-beta * r)
        ll -= alpha * (1.0 - er)
        g_alpha -= 1.0 - er
        g_beta -= alpha * r * er
    return ll, g_alpha, g_beta
