"""Numba kernel for event-driven SIS runs: any laws of delays and periods, or contacts.

The next-reaction method (Gibson & Bruck 2000; Kiss, Miller & Simon 2017, ch. 9) for
susceptible-infected-susceptible spreading: each infectious period of a node is drawn
when it starts (the recovery law, parameters indexed by node), and along each of its
out-arcs the transmissions come at the points of a renewal process whose gaps follow
the arc's delay law, up to the end of the period (exponential laws make it exactly the
Markovian model of `_sis_kernels`, with per-arc and per-node rates). Over timestamped
contacts (``temporal``) the transmissions are the contacts themselves, each a chance
with the arc's probability (every contact, or only the first after the infection).
The queue holds at most one pending event per arc and per node: O(n + m) memory per
thread, O(log(n + m)) per event.

Random numbers come from the run's SplitMix64 stream, read in order (periods and
delays); the contacts' coins are read by index from the stream `TemporalIC` uses, so
that without recovery a run is exactly `TemporalIC`'s. The generator's lines are
copies of `_ic_lt_kernels`', the delay laws' of `_ctic_kernels`' (pinned by tests).
"""

import numpy as np
from numba import njit, prange

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
_CONTACT_SALT = np.uint64(0x434F4E5441435431)  # "CONTACT1", as in `_ctic_kernels`

# The delay laws' codes, as in `_ctic_kernels`.
WEIBULL = 1
LOGNORMAL = 2
GAMMA = 3
FIXED = 4
TABLE = 5
GEOMETRIC = 6


@njit(cache=True, nogil=True, inline="always")
def _mix(z):
    z = (z ^ (z >> _S30)) * _MIX1
    z = (z ^ (z >> _S27)) * _MIX2
    return z ^ (z >> _S31)


@njit(cache=True, nogil=True, inline="always")
def _next_uniform(state):
    """Advance a SplitMix64 state; return the new state and a uniform in [0, 1)."""
    state = state + _GOLDEN
    return state, np.float64(_mix(state) >> _S11) * _TO_UNIT


@njit(cache=True, nogil=True)
def _run_state(root, run):
    """Initial generator state of run `run` under root seed `root` (both uint64)."""
    return _mix(root ^ _mix(np.uint64(run) * _GOLDEN + _GOLDEN))


@njit(cache=True, nogil=True, inline="always")
def _indexed_uniform(state, i):
    """The ``(i + 1)``-th uniform of the SplitMix64 stream that starts at `state`."""
    return np.float64(_mix(state + (np.uint64(i) + np.uint64(1)) * _GOLDEN) >> _S11) * _TO_UNIT


# ------------------------------------------ delay laws (copies of `_ctic_kernels`')
@njit(cache=True, nogil=True, inline="always")
def _table_quantile(table, u):
    m = table.shape[0] - 1
    pos = u * m
    i = min(np.int64(pos), m - 1)
    frac = pos - i
    return table[i] + frac * (table[i + 1] - table[i])


@njit(cache=True, nogil=True, inline="always")
def _normal(s):
    s, u1 = _next_uniform(s)
    s, u2 = _next_uniform(s)
    return s, np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)


@njit(cache=True, nogil=True)
def _gamma(s, shape):
    boost = 1.0
    a = shape
    if a < 1.0:
        s, u = _next_uniform(s)
        boost = (1.0 - u) ** (1.0 / a)
        a = a + 1.0
    d = a - 1.0 / 3.0
    c = 1.0 / np.sqrt(9.0 * d)
    while True:
        s, z = _normal(s)
        v = 1.0 + c * z
        if v <= 0.0:
            continue
        v = v * v * v
        s, u = _next_uniform(s)
        if np.log1p(-u) < 0.5 * z * z + d - d * v + d * np.log(v):
            return s, d * v * boost


@njit(cache=True, nogil=True)
def draw_delay(law, aj, bj, table, s):
    """A delay of the law with parameters `aj`, `bj` from the stream at `s`: the
    advanced state and the delay (`_ctic_kernels.draw_delay`, pinned by a test)."""
    if law == FIXED:
        return s, aj
    if law == GEOMETRIC:
        s, u = _next_uniform(s)
        if aj >= 1.0:
            return s, 1.0
        return s, 1.0 + np.floor(np.log1p(-u) / np.log1p(-aj))
    if law == TABLE:
        s, u = _next_uniform(s)
        return s, _table_quantile(table, u)
    if law == LOGNORMAL:
        s, z = _normal(s)
        return s, np.exp(aj + bj * z)
    if law == GAMMA:
        s, g = _gamma(s, aj)
        return s, g * bj
    s, u = _next_uniform(s)
    e = -np.log1p(-u)
    if law == WEIBULL:
        return s, bj * e ** (1.0 / aj)
    return s, e / aj


# ----------------------------------------------- the event queue of `_sis_events`
@njit(cache=True, nogil=True, inline="always")
def _push(ht, hc, size, t, code):
    """Add the event ``(t, code)`` to the binary heap of `size` events (earliest first,
    ties by the smaller code: a total order, so runs never depend on the heap's
    layout); returns the new size."""
    i = size
    while i > 0:
        parent = (i - 1) >> 1
        if ht[parent] < t or (ht[parent] == t and hc[parent] < code):
            break
        ht[i] = ht[parent]
        hc[i] = hc[parent]
        i = parent
    ht[i] = t
    hc[i] = code
    return size + 1


@njit(cache=True, nogil=True, inline="always")
def _pop(ht, hc, size):
    """Remove the first event; returns its time, its code and the new size."""
    first_t = ht[0]
    first_c = hc[0]
    size -= 1
    if size > 0:
        t = ht[size]
        code = hc[size]
        i = 0
        while True:
            child = 2 * i + 1
            if child >= size:
                break
            right = child + 1
            if right < size and (
                ht[right] < ht[child] or (ht[right] == ht[child] and hc[right] < hc[child])
            ):
                child = right
            if t < ht[child] or (t == ht[child] and code < hc[child]):
                break
            ht[i] = ht[child]
            hc[i] = hc[child]
            i = child
        ht[i] = t
        hc[i] = code
    return first_t, first_c, size


@njit(cache=True, nogil=True, inline="always")
def _first_after(times, lo, hi, t):
    """The first index k in ``lo .. hi`` with ``times[k] > t`` (hi if none); sorted slice."""
    while lo < hi:
        mid = (lo + hi) >> 1
        if times[mid] > t:
            hi = mid
        else:
            lo = mid + 1
    return lo


@njit(cache=True, nogil=True, inline="always")
def _transmission(
    j, c, t, e, last, temporal, every, p, law, a, b, table, ctimes, hi, cstate, state
):
    """The next transmission on arc `j` of an infectious period ending at `e`, after
    time `t` (static: ``t`` plus a delay drawn from the run's stream; temporal: the
    first contact from index `c` on whose coin succeeds, or only contact `c` when not
    `every`). Returns ``(state, time, contact)``; the time is inf when there is none
    before `e` (strictly) and at most `last`."""
    if not temporal:
        if p[j] <= 0.0:
            return state, np.inf, c
        aj = a[j] if a.shape[0] > 1 else a[0]
        bj = b[j] if b.shape[0] > 1 else b[0]
        state, d = draw_delay(law, aj, bj, table, state)
        s = t + d
        if s < e and s <= last:
            return state, s, c
        return state, np.inf, c
    while c < hi and ctimes[c] < e and ctimes[c] <= last:
        if _indexed_uniform(cstate, c) < p[j]:
            return state, ctimes[c], c
        if not every:
            break
        c += 1
    return state, np.inf, c


@njit(cache=True, nogil=True)
def _infect(
    u, t, state, size, indptr, indices, p, law, a, b, table, rlaw, ra, rb, rtable,
    contact_ptr, contact_times, temporal, every, last, cstate, infected, tag, end, arc_end,
    cursor, ht, hc,
):  # fmt: skip
    """Infect `u` at `t`: draw its period (the recovery law's parameters indexed by
    node), push its recovery and the first transmission of each out-arc whose head
    may be susceptible before the period ends. Returns ``(state, size)``."""
    n = indptr.shape[0] - 1
    infected[u] = tag
    state, d = draw_delay(
        rlaw, ra[u] if ra.shape[0] > 1 else ra[0], rb[u] if rb.shape[0] > 1 else rb[0],
        rtable, state,
    )  # fmt: skip
    e = t + d
    end[u] = e
    if e <= last:
        size = _push(ht, hc, size, e, np.int64(u))
    for j in range(indptr[u], indptr[u + 1]):
        w = indices[j]
        if infected[w] == tag and end[w] >= e:
            continue
        c = 0
        if temporal:
            c = _first_after(contact_times, contact_ptr[j], contact_ptr[j + 1], t)
        state, s, c = _transmission(
            j, c, t, e, last, temporal, every, p, law, a, b, table, contact_times,
            contact_ptr[j + 1] if temporal else 0, cstate, state,
        )  # fmt: skip
        if s < np.inf:
            arc_end[j] = e
            cursor[j] = c
            size = _push(ht, hc, size, s, np.int64(n + j))
    return state, size


@njit(cache=True, nogil=True)
def _sis_events(
    indptr,
    indices,
    p,
    law,
    a,
    b,
    table,
    rlaw,
    ra,
    rb,
    rtable,
    contact_ptr,
    contact_times,
    temporal,
    every,
    t0,
    origin,
    horizon,
    time_step,
    seed_ptr,
    seeds,
    seed_set,
    max_bins,
    state,
    tag,
    infected,
    ever,
    end,
    arc_end,
    cursor,
    ht,
    hc,
    steps_row,
    level_row,
    times_row,
    keep_times,
    node_count,
    node_weight,
):
    """One event-driven SIS run (any laws, or over contacts); returns (nodes ever
    infected, last bin written, their total `node_weight`: 0 when it is empty).

    A node infected at ``t`` is infectious on ``[t, t + d)``, d its period; each of
    its out-arcs carries transmissions (`_transmission`), one pending at a time, each
    infecting the head if it is susceptible then (`_infect`). Events pop in time
    order, ties by code: the recovery of node v (code v) before any transmission (code
    ``n + j`` for arc j), so a node recovering at t can be infected again at t. An arc
    whose head stays infectious past the period's end is dropped (no transmission on
    it can matter). Seeds are infected at `t0`; times count from `origin`, up to
    `horizon` after it. ``steps_row[k]`` counts first infections in the time bin
    ``((k - 1) time_step, k time_step]`` (bin 0: time 0, where a contact at `origin`
    infects), ``level_row[k]`` the infectious at time ``k time_step``, after the
    events at that time (bins up to `max_bins` that fit the rows).
    """
    n = indptr.shape[0] - 1
    cap = steps_row.shape[0]
    cstate = _mix(state ^ _CONTACT_SALT)
    last = origin + horizon
    size = 0
    n_inf = 0
    reached = 0
    weight = 0.0
    for i in range(seed_ptr[seed_set], seed_ptr[seed_set + 1]):
        u = seeds[i]
        if infected[u] == tag:
            continue
        state, size = _infect(
            u, t0, state, size, indptr, indices, p, law, a, b, table, rlaw, ra, rb, rtable,
            contact_ptr, contact_times, temporal, every, last, cstate, infected, tag, end,
            arc_end, cursor, ht, hc,
        )  # fmt: skip
        n_inf += 1
        ever[u] = tag
        reached += 1
        if node_count.shape[0]:
            node_count[u] += 1
        if node_weight.shape[0]:
            weight += node_weight[u]
        if keep_times:
            times_row[u] = 0.0
    steps_row[0] = reached
    last_bin = 0
    k = 0  # the next bin end to record (0 too: its level is the one after time 0's events)
    while size > 0:
        t, code, size = _pop(ht, hc, size)
        rel = t - origin
        while k <= max_bins and k * time_step < rel:
            if k < cap:
                level_row[k] = n_inf
            if n_inf > 0:
                last_bin = k
            k += 1
        if code < n:  # a recovery
            infected[code] = 0
            n_inf -= 1
            continue
        j = code - n
        w = indices[j]
        if infected[w] != tag:
            state, size = _infect(
                w, t, state, size, indptr, indices, p, law, a, b, table, rlaw, ra, rb,
                rtable, contact_ptr, contact_times, temporal, every, last, cstate,
                infected, tag, end, arc_end, cursor, ht, hc,
            )  # fmt: skip
            n_inf += 1
            if ever[w] != tag:
                ever[w] = tag
                reached += 1
                if node_count.shape[0]:
                    node_count[w] += 1
                if node_weight.shape[0]:
                    weight += node_weight[w]
                if keep_times:
                    times_row[w] = rel
                bn = 0  # infected at `origin` (a contact at the first time): bin 0
                if rel > 0.0:
                    bn = min(max(np.int64(np.ceil(rel / time_step)), 1), max_bins)
                if bn < cap:
                    steps_row[bn] += 1
                last_bin = max(last_bin, bn)
        if end[w] < arc_end[j] and (every or not temporal):  # w may recover in time
            state, s, c = _transmission(
                j, cursor[j] + 1, t, arc_end[j], last, temporal, every, p, law, a, b, table,
                contact_times, contact_ptr[j + 1] if temporal else 0, cstate, state,
            )  # fmt: skip
            if s < np.inf:
                cursor[j] = c
                size = _push(ht, hc, size, s, code)
    while k <= max_bins and k * time_step <= horizon * (1.0 + 1e-12):  # the level persists
        if k < cap:
            level_row[k] = n_inf
        if n_inf > 0:
            last_bin = k
        k += 1
    return reached, last_bin, weight


@njit(cache=True, nogil=True, parallel=True)
def sis_events_batch(
    indptr,
    indices,
    p,
    law,
    a,
    b,
    table,
    rlaw,
    ra,
    rb,
    rtable,
    contact_ptr,
    contact_times,
    temporal,
    every,
    t0,
    origin,
    horizon,
    time_step,
    seed_ptr,
    seeds,
    max_steps,
    root,
    run0,
    n_chunks,
    final_sizes,
    depths,
    steps,
    times,
    keep_times,
    node_counts,
    node_weight,
    weighted_sizes,
    levels,
):
    """Event-driven SIS runs ``run0 .. run0 + len(final_sizes) - 1`` (`_sis_events`),
    with `sis_batch`'s layout: `final_sizes[i]` counts the nodes ever infected,
    `steps[i, k]` first infections per bin, `levels[i, k]` the infectious at time ``k
    time_step``, `times[i, v]` the first infection time of v (NaN: never)."""
    n = indptr.shape[0] - 1
    m = indices.shape[0]
    n_runs = final_sizes.shape[0]
    n_sets = seed_ptr.shape[0] - 1
    for c in prange(n_chunks):
        lo = c * n_runs // n_chunks
        hi = (c + 1) * n_runs // n_chunks
        infected = np.zeros(n, dtype=np.int32)
        ever = np.zeros(n, dtype=np.int32)
        end = np.empty(n, dtype=np.float64)
        arc_end = np.empty(m, dtype=np.float64)
        cursor = np.empty(m, dtype=np.int64)
        ht = np.empty(n + m, dtype=np.float64)
        hc = np.empty(n + m, dtype=np.int64)
        for i in range(lo, hi):
            state = _run_state(root, run0 + i)
            row = times[i] if keep_times else times[0]
            seed_set = (run0 + i) % n_sets
            tag = np.int32(i - lo + 1)
            size, depth, weight = _sis_events(
                indptr, indices, p, law, a, b, table, rlaw, ra, rb, rtable, contact_ptr,
                contact_times, temporal, every, t0, origin, horizon, time_step, seed_ptr,
                seeds, seed_set, max_steps, state, tag, infected, ever, end, arc_end, cursor,
                ht, hc, steps[i], levels[i], row, keep_times, node_counts[c], node_weight,
            )  # fmt: skip
            final_sizes[i] = size
            depths[i] = depth
            if node_weight.shape[0]:
                weighted_sizes[i] = weight
