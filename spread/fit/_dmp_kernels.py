"""Numba kernels for fitting network models: dynamic message passing for IC.

The body of the deterministic surrogate behind `spread.fit.ICEstimator(method="dmp")`
(and its starting values for ``method="mc"``). Everything the kernel calls lives in this
file, because Numba's on-disk cache does not notice changes in other files.
"""

import numpy as np
from numba import njit, prange


@njit(cache=True, nogil=True, inline="always")
def _without(prod, zeros, f):
    """The product of a node's factors without the factor `f` (zero factors counted apart)."""
    if f <= 0.0:
        return prod if zeros == 1 else 0.0
    if zeros > 0:
        return 0.0
    return prod / f


@njit(cache=True, nogil=True, parallel=True)
def dmp_ic(
    indptr, in_indptr, in_src, slot_of_arc, p_in, rev_slot, p0, external, new_per_step, marginals
):
    """Dynamic message passing for the independent cascade (exact on trees).

    Body of the IC surrogate in `spread.fit.ICEstimator`. For arc ``j = k -> i`` the
    message ``msg_ki`` is the probability that k is active by the current step in the
    graph where i never activates (the cavity of i). Node i is still inactive after
    step t with probability
    ``(1 - p0[i]) prod_{s <= t} (1 - e_s) prod_{k -> i} (1 - p_ki msg_ki(t-1))``, with
    ``e_s = external[min(s, len) - 1]`` the spontaneous adoption of step s (the schedule
    of `spread.IC`; its last entry holds past its end): k transmits to
    i by step t iff it was active by t - 1 and its one coin succeeded. The message
    ``i -> l`` leaves out the factor of the reverse arc ``l -> i``, whose in-slot is
    ``rev_slot[j]`` (-1 if there is none). Lokhov, Mézard, Zdeborová, PRE 91, 012811
    (2015).

    Messages live in in-slot order (the slot of arc j is ``slot_of_arc[j]``; its
    source ``in_src[slot]``, its probability ``p_in[slot]``), so each node reads its
    incoming messages contiguously and scatters its outgoing ones; a node's products
    run over its in-slots in order, so the result does not depend on the threads.

    Fills ``new_per_step[t]`` (expected new adopters at step t, for t < its length; step
    0 holds ``sum(p0)``) and ``marginals[i]`` (probability that i is active by the last
    step).
    """
    n = indptr.shape[0] - 1
    m = p_in.shape[0]
    n_steps = new_per_step.shape[0]
    msg = np.empty(m)
    nxt = np.empty(m)
    factor = np.empty(m)  # in-slot order: 1 - p msg of the arc into its node
    for s in prange(m):
        msg[s] = p0[in_src[s]]
    active = p0.copy()
    total = 0.0
    for i in range(n):
        total += active[i]
    new_per_step[0] = total
    keep = 1.0
    last = external.shape[0] - 1
    for t in range(1, n_steps):
        keep *= 1.0 - external[min(t - 1, last)]
        for i in prange(n):
            prod = 1.0
            zeros = 0
            for s in range(in_indptr[i], in_indptr[i + 1]):
                f = 1.0 - p_in[s] * msg[s]
                factor[s] = f
                if f <= 0.0:
                    zeros += 1
                else:
                    prod *= f
            base = (1.0 - p0[i]) * keep
            active[i] = 1.0 - base * (prod if zeros == 0 else 0.0)
            for j in range(indptr[i], indptr[i + 1]):
                r = rev_slot[j]
                if r < 0:
                    rest = prod if zeros == 0 else 0.0
                else:
                    rest = _without(prod, zeros, factor[r])
                nxt[slot_of_arc[j]] = 1.0 - base * rest
        msg, nxt = nxt, msg
        now = 0.0
        for i in range(n):
            now += active[i]
        new_per_step[t] = now - total
        total = now
    marginals[:] = active
