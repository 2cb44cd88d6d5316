"""Numba kernel of the forecast error model: the Kalman filter of a log AR(1).

Each kernel takes arrays and scalars only and names the public function it serves.
"""

import math

import numpy as np
from numba import njit

__all__ = ["log_ar1_filter"]


@njit(cache=True, nogil=True)
def log_ar1_filter(r, v, sigma2, phi, white):
    """Body of the AR(1) error model (`FitResult.forecast(errors="ar1")`), compiled by Numba.

    The log residuals ``r[t]`` are read as a latent AR(1) ``d[t] = m + phi (d[t-1] - m)
    + u[t]`` (stationary variance `sigma2`, mean ``m = -sigma2 / 2`` so that
    ``exp(d)`` has mean 1) seen through white noise of variance ``v[t] + white``.
    Returns ``(log-likelihood, E[d[T] | r], Var[d[T] | r])`` of the last bin.
    """
    m = -0.5 * sigma2
    a = m  # the stationary law is its own prediction: d[0] needs no special case
    p = sigma2
    q = sigma2 * (1.0 - phi * phi)
    loglik = 0.0
    for t in range(r.size):
        a = m + phi * (a - m)
        p = phi * phi * p + q
        f = p + v[t] + white
        if f <= 0.0:
            return -np.inf, a, p
        e = r[t] - a
        loglik -= 0.5 * (math.log(2.0 * math.pi * f) + e * e / f)
        gain = p / f
        a += gain * e
        p *= 1.0 - gain
    return loglik, a, p
