"""Numba kernel of the curve models: the SIR integrator.

Each kernel takes arrays and scalars only and names the public function it serves.
"""

import numpy as np
from numba import njit

__all__ = ["sir_increments"]


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
