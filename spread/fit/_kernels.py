"""Numba kernels of `spread.fit`: the SIR integrator and the exponential-Hawkes recursion.

Each kernel takes arrays and scalars only and names the public function it serves.
"""

import math

import numpy as np
from numba import njit

__all__ = ["hawkes_nll_grad", "hawkes_state", "sir_increments"]


@njit(cache=True, nogil=True)
def sir_increments(n_pop, beta, gamma, i0, n_bins, n_sub):
    """Body of the SIR mean curve (`fit_sir`), compiled by Numba.

    Integrates ``s' = -beta s i``, ``i' = beta s i - gamma i`` (fractions of
    `n_pop`) with classical RK4, `n_sub` fixed steps per bin (a fixed grid keeps the
    likelihood a smooth function of the parameters), from ``s = 1 - i0 / n_pop``,
    ``i = i0 / n_pop`` at time 0, and returns new infections per bin,
    ``n_pop * (s(t) - s(t + 1))``.
    """
    out = np.empty(n_bins)
    i = i0 / n_pop
    s = 1.0 - i
    h = 1.0 / n_sub
    for t in range(n_bins):
        s_start = s
        for _ in range(n_sub):
            a1 = beta * s * i
            k1s = -a1
            k1i = a1 - gamma * i
            s2 = s + 0.5 * h * k1s
            i2 = i + 0.5 * h * k1i
            a2 = beta * s2 * i2
            k2s = -a2
            k2i = a2 - gamma * i2
            s3 = s + 0.5 * h * k2s
            i3 = i + 0.5 * h * k2i
            a3 = beta * s3 * i3
            k3s = -a3
            k3i = a3 - gamma * i3
            s4 = s + h * k3s
            i4 = i + h * k3i
            a4 = beta * s4 * i4
            k4s = -a4
            k4i = a4 - gamma * i4
            s += h / 6.0 * (k1s + 2.0 * k2s + 2.0 * k3s + k4s)
            i += h / 6.0 * (k1i + 2.0 * k2i + 2.0 * k3i + k4i)
        out[t] = n_pop * (s_start - s)
    return out


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
