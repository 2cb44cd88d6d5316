"""Numba kernels of early popularity prediction: the Hawkes cascade likelihood with a
mixture-of-exponentials delay density, by Ozaki's recursion per component.

Each kernel takes arrays and scalars only and names the public function it serves.
"""

import math

import numpy as np
from numba import njit

__all__ = ["mixture_terms"]


@njit(cache=True, nogil=True)
def mixture_terms(times, marks, at, rates, probs, log_g, exposure, remaining):
    """Body of the per-cascade likelihood of `PopularityPredictor` (``method="hawkes-eb"``).

    A cascade is a self-exciting process started by its first event (the post, at
    ``times[0] = 0``): event ``j`` raises the rate by ``n * marks[j] * phi(t - t_j)``
    with the delay density ``phi(s) = sum_k probs[k] r_k exp(-r_k s)`` (``r_k =
    rates[s, k]`` for the scale ``s``). For every scale, with the events up to `at`
    (sorted), fills

    - ``log_g[s] = sum_{i >= 1} log sum_{j < i} marks[j] phi(t_i - t_j)``,
    - ``exposure[s] = sum_j marks[j] Phi(at - t_j)`` (the realised exposure),
    - ``remaining[s] = sum_j marks[j] (1 - Phi(at - t_j))`` (still to come),

    so that the log-likelihood in the branching ratio ``n`` is
    ``R log n + log_g[s] - n exposure[s]`` with ``R = len(times) - 1``. O(n K) per scale
    by the recursion ``A_i = exp(-r (t_i - t_{i-1})) (marks[i-1] + A_{i-1})``.
    """
    n = times.shape[0]
    n_comp = probs.shape[0]
    a = np.zeros(n_comp)
    for s in range(rates.shape[0]):
        a[:] = 0.0
        total = 0.0
        for i in range(1, n):
            d = times[i] - times[i - 1]
            g = 0.0
            for k in range(n_comp):
                a[k] = math.exp(-rates[s, k] * d) * (marks[i - 1] + a[k])
                g += probs[k] * rates[s, k] * a[k]
            total += math.log(g) if g > 0.0 else -np.inf
        log_g[s] = total
        rem = 0.0
        tot = 0.0
        for j in range(n):
            surv = 0.0
            for k in range(n_comp):
                surv += probs[k] * math.exp(-rates[s, k] * (at - times[j]))
            rem += marks[j] * surv
            tot += marks[j]
        remaining[s] = rem
        exposure[s] = tot - rem
