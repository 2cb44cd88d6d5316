"""Numba kernels for forward runs of continuous-time independent cascades (`CTIC`).

A run is a shortest-path problem with random arc lengths: the seeds adopt at time 0;
a node that adopts at time ``t`` gets one chance at each out-neighbour ``v``, which
succeeds with probability ``p_uv`` and then arrives at ``t + d_uv`` (``d_uv`` drawn
from the arc's delay law); ``v`` adopts at its earliest arrival, if that is within
``max_time``. The run is an exact event-driven (Dijkstra) computation over an indexed
binary heap of tentative arrival times: O((arcs tried) log n), O(n) state per thread.

Random numbers are read by index, so that a run is a function of ``(root, run)`` and
of nothing else (threads, batches, the order in which ties are popped):

- the coin of arc ``j`` is the ``(j + 1)``-th number of run r's SplitMix64 stream
  (``_indexed_uniform(state, j)``), exactly the coin `IC` reads with common random
  numbers (``crn=True``): with ``max_time = inf`` a CTIC run and the IC run of the same
  index activate the same nodes (the final size does not depend on the delays);
- the delay of arc ``j`` comes from a stream of its own, started at
  ``mix(mix(state ^ DELAY_SALT) + (j + 1) * GOLDEN)`` and read in order (the gamma law
  may need several numbers).

The generator's lines are copies of those in `_ic_lt_kernels` (each kernel file holds
what its kernels call, for Numba's cache); a test pins that both give the same stream.
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
_DELAY_SALT = np.uint64(0x44454C4159535F31)  # "DELAYS_1": separates the delays' streams
_RECOVERY_SALT = np.uint64(0x5245434F56455231)  # "RECOVER1": the infectious periods' streams

# Delay laws (the first element of `CTIC`'s delay tuple).
EXPONENTIAL = 0  # a = rate
WEIBULL = 1  # a = shape, b = scale
LOGNORMAL = 2  # a = mu, b = sigma
GAMMA = 3  # a = shape, b = scale
FIXED = 4  # a = the delay
TABLE = 5  # quantile table (a frozen scipy.stats distribution)
GEOMETRIC = 6  # a = the success probability per step: a whole number of steps >= 1


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


@njit(cache=True, nogil=True, inline="always")
def _indexed_uniform(state, i):
    """The ``(i + 1)``-th uniform of the SplitMix64 stream that starts at `state`."""
    return np.float64(_mix(state + (np.uint64(i) + np.uint64(1)) * _GOLDEN) >> _S11) * _TO_UNIT


@njit(cache=True, nogil=True)
def _run_state(root, run):
    """Initial generator state of run `run` under root seed `root` (both uint64)."""
    return _mix(root ^ _mix(np.uint64(run) * _GOLDEN + _GOLDEN))


@njit(cache=True, nogil=True, inline="always")
def _table_quantile(table, u):
    """Linear interpolation of a quantile table ``table[i] = F^-1(i / (len - 1))`` at u."""
    m = table.shape[0] - 1
    pos = u * m
    i = min(np.int64(pos), m - 1)
    frac = pos - i
    return table[i] + frac * (table[i + 1] - table[i])


@njit(cache=True, nogil=True, inline="always")
def _normal(s):
    """A standard normal by Box-Muller (cosine branch) from two uniforms."""
    s, u1 = _next_uniform(s)
    s, u2 = _next_uniform(s)
    return s, np.sqrt(-2.0 * np.log1p(-u1)) * np.cos(2.0 * np.pi * u2)


@njit(cache=True, nogil=True)
def _gamma(s, shape):
    """Gamma(shape, 1) by Marsaglia & Tsang (2000); shape < 1 through ``G(a+1) U^(1/a)``.

    Returns the advanced state and the draw."""
    boost = 1.0
    a = shape
    if a < 1.0:
        s, u = _next_uniform(s)
        boost = (1.0 - u) ** (1.0 / a)  # 1 - u in (0, 1]: never 0 ** (1/a) = 0 by chance
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
    """A delay of the law with parameters `aj`, `bj` from the stream at `s`.

    Returns the advanced state and the delay (`_rrset_kernels` holds a copy, pinned by
    a test).
    """
    if law == FIXED:
        return s, aj
    if law == GEOMETRIC:  # the first success of Bernoulli(aj) trials, one per step
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
    e = -np.log1p(-u)  # Exp(1)
    if law == WEIBULL:
        return s, bj * e ** (1.0 / aj)
    return s, e / aj  # EXPONENTIAL


@njit(cache=True, nogil=True)
def arc_delay(law, a, b, table, delay_state, j):
    """The delay of arc `j` in the run whose delay stream starts at `delay_state`.

    `a` and `b` hold the law's parameters, one per arc or one for all (length 1).
    """
    s = _mix(delay_state + (np.uint64(j) + np.uint64(1)) * _GOLDEN)
    aj = a[j] if a.shape[0] > 1 else a[0]
    bj = b[j] if b.shape[0] > 1 else b[0]
    return draw_delay(law, aj, bj, table, s)[1]


@njit(cache=True, nogil=True)
def delay_state(root, run):
    """The start of run `run`'s delay stream (what `arc_delay` takes)."""
    return _mix(_run_state(root, run) ^ _DELAY_SALT)


@njit(cache=True, nogil=True)
def sample_delays(law, a, b, table, root, run, n_arcs):
    """The delays of arcs ``0 .. n_arcs - 1`` in run `run` (for tests and reference code)."""
    out = np.empty(n_arcs, dtype=np.float64)
    ds = delay_state(root, run)
    for j in range(n_arcs):
        out[j] = arc_delay(law, a, b, table, ds, j)
    return out


# ---------------------------------------------------------------- indexed binary heap
@njit(cache=True, nogil=True, inline="always")
def _sift_up(heap, pos, key, i):
    v = heap[i]
    kv = key[v]
    while i > 0:
        parent = (i - 1) >> 1
        w = heap[parent]
        if key[w] <= kv:
            break
        heap[i] = w
        pos[w] = i
        i = parent
    heap[i] = v
    pos[v] = i


@njit(cache=True, nogil=True, inline="always")
def _sift_down(heap, pos, key, size, i):
    """Move heap[i] down to its place; sets `pos` of every node it moves, itself too."""
    v = heap[i]
    kv = key[v]
    while True:
        child = 2 * i + 1
        if child >= size:
            break
        w = heap[child]
        if child + 1 < size and key[heap[child + 1]] < key[w]:
            child += 1
            w = heap[child]
        if kv <= key[w]:
            break
        heap[i] = w
        pos[w] = i
        i = child
    heap[i] = v
    pos[v] = i


@njit(cache=True, nogil=True, inline="always")
def _time_bin(t, time_step, max_bins, horizon):
    """The bin of time t: 0 for t <= 0, ceil(t / time_step) up to `max_bins`, else
    ``max_bins + 1`` (past the last bin; with a finite horizon rounding never gets there)."""
    if t <= 0.0:
        return 0
    x = np.ceil(t / time_step)
    if x <= max_bins:
        return max(np.int64(x), 1)
    if horizon < np.inf:  # t <= horizon: rounding put it one bin too far
        return max_bins
    return max_bins + 1


@njit(cache=True, nogil=True)
def _ctic_run(
    indptr,
    indices,
    p,
    law,
    a,
    b,
    table,
    recover,
    rlaw,
    ra,
    rb,
    rtable,
    max_time,
    time_step,
    seed_ptr,
    seeds,
    seed_set,
    max_bins,
    state,
    tag,
    stamp,
    done,
    arrival,
    heap,
    pos,
    steps_row,
    rec_row,
    times_row,
    keep_times,
    node_count,
    node_weight,
):
    """One continuous-time run; returns (final size, last bin with an event, the total
    `node_weight` of the nodes that adopted: 0 when `node_weight` is empty).

    With `recover` (SIR) a node infected at ``t`` stays infectious for a period drawn
    from the recovery law (`rlaw`, `ra`, `rb`, `rtable`, indexed by node, on a stream
    of its own), recovers at the end of it (counted in ``rec_row``, by bin, when
    within `max_time`), and an arc transmits only if its delay is at most the period
    (the next-reaction view of SIR: exact for any two laws; a tie, possible with whole
    steps, transmits: a node's last step still tries its arcs).

    ``stamp[v] == tag``: v has an arrival time (tentative until popped) in
    ``arrival[v]``; ``done[v] == tag``: v has adopted. ``steps_row[k]`` receives the
    adoptions in the time bin ``((k - 1) time_step, k time_step]`` (bin 0: time 0), for
    ``k <= max_bins`` that fit the row; the returned bin is at most `max_bins` (an
    adoption past bin `max_bins` is counted in the final size only).
    """
    cap = steps_row.shape[0]
    dstate = _mix(state ^ _DELAY_SALT)
    rstate = _mix(state ^ _RECOVERY_SALT)
    size = 0
    for i in range(seed_ptr[seed_set], seed_ptr[seed_set + 1]):
        s = seeds[i]
        if stamp[s] != tag:
            stamp[s] = tag
            arrival[s] = 0.0
            heap[size] = s
            pos[s] = size
            size += 1  # all keys are 0: already a heap
    adopted = 0
    weight = 0.0
    last_bin = 0
    while size > 0:
        u = heap[0]
        t = arrival[u]
        size -= 1
        if size > 0:
            heap[0] = heap[size]
            _sift_down(heap, pos, arrival, size, 0)
        done[u] = tag
        adopted += 1
        if node_weight.shape[0]:
            weight += node_weight[u]
        if node_count.shape[0]:
            node_count[u] += 1
        if keep_times:
            times_row[u] = t
        k = _time_bin(t, time_step, max_bins, max_time)
        if k < cap:
            steps_row[k] += 1
        if k > last_bin:
            last_bin = min(k, max_bins)
        period = np.inf
        if recover:
            period = arc_delay(rlaw, ra, rb, rtable, rstate, u)
            if t + period <= max_time and period < np.inf:  # inf: never recovers
                k = _time_bin(t + period, time_step, max_bins, max_time)
                if k < cap:
                    rec_row[k] += 1
                if k > last_bin:
                    last_bin = min(k, max_bins)
        for j in range(indptr[u], indptr[u + 1]):
            if _indexed_uniform(state, j) >= p[j]:
                continue
            v = indices[j]
            if done[v] == tag:
                continue
            d = arc_delay(law, a, b, table, dstate, j)
            if d > period:  # u recovered first (SIR; a tie transmits); CTIC's period is inf
                continue
            at = t + d
            if at > max_time or at == np.inf:  # an infinite delay never arrives
                continue
            if stamp[v] != tag:
                stamp[v] = tag
                arrival[v] = at
                heap[size] = v
                pos[v] = size
                size += 1
                _sift_up(heap, pos, arrival, size - 1)
            elif at < arrival[v]:
                arrival[v] = at
                _sift_up(heap, pos, arrival, pos[v])
    return adopted, last_bin, weight


@njit(cache=True, nogil=True, parallel=True)
def ctic_batch(
    indptr,
    indices,
    p,
    law,
    a,
    b,
    table,
    recover,
    rlaw,
    ra,
    rb,
    rtable,
    max_time,
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
    recoveries,
):
    """Continuous-time runs ``run0 .. run0 + len(final_sizes) - 1``: CTIC, or SIR with
    `recover`.

    Body of `spread.simulate` for `spread.CTIC` and `spread.SIR`, with `ic_batch`'s
    layout: a "step" is a time bin of width `time_step` (`max_steps` bins at most),
    `depths[i]` the last bin with an event, and `times[i, v]` the infection time of v
    (float; the caller fills it with NaN). `p` holds one probability per arc; `law`,
    `a`, `b` and `table` the transmission delay (see `arc_delay`); with `recover`,
    `rlaw`, `ra`, `rb` and `rtable` the infectious period of each node (parameters one
    per node or one for all) and `recoveries[i, k]` receives run i's recoveries in bin
    k (else `recoveries` is a (1, 1) placeholder). `final_sizes` counts every node ever
    infected.
    """
    n = indptr.shape[0] - 1
    n_runs = final_sizes.shape[0]
    n_sets = seed_ptr.shape[0] - 1
    for c in prange(n_chunks):
        lo = c * n_runs // n_chunks
        hi = (c + 1) * n_runs // n_chunks
        stamp = np.zeros(n, dtype=np.int32)
        done = np.zeros(n, dtype=np.int32)
        arrival = np.empty(n, dtype=np.float64)
        heap = np.empty(n, dtype=np.int32)
        pos = np.empty(n, dtype=np.int32)
        for i in range(lo, hi):
            state = _run_state(root, run0 + i)
            row = times[i] if keep_times else times[0]
            rec_row = recoveries[i] if recover else recoveries[0]
            size, depth, weight = _ctic_run(
                indptr,
                indices,
                p,
                law,
                a,
                b,
                table,
                recover,
                rlaw,
                ra,
                rb,
                rtable,
                max_time,
                time_step,
                seed_ptr,
                seeds,
                (run0 + i) % n_sets,
                max_steps,
                state,
                np.int32(i - lo + 1),
                stamp,
                done,
                arrival,
                heap,
                pos,
                steps[i],
                rec_row,
                row,
                keep_times,
                node_counts[c],
                node_weight,
            )
            final_sizes[i] = size
            depths[i] = depth
            if node_weight.shape[0]:
                weighted_sizes[i] = weight


# ------------------------------------------------------------ timestamped contacts
_CONTACT_SALT = np.uint64(0x434F4E5441435431)  # "CONTACT1": the per-contact coins' stream


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


@njit(cache=True, nogil=True)
def contact_coin(root, run, c):
    """The coin (a uniform) of contact `c` in run `run` (``every`` plans; for tests)."""
    return _indexed_uniform(_mix(_run_state(root, run) ^ _CONTACT_SALT), c)


@njit(cache=True, nogil=True)
def _temporal_run(
    indptr,
    indices,
    p,
    contact_ptr,
    contact_times,
    every,
    recover,
    rlaw,
    ra,
    rb,
    rtable,
    t0,
    origin,
    max_time,
    time_step,
    seed_ptr,
    seeds,
    seed_set,
    max_bins,
    state,
    tag,
    stamp,
    done,
    arrival,
    heap,
    pos,
    steps_row,
    rec_row,
    times_row,
    keep_times,
    node_count,
    node_weight,
):
    """One run over timestamped contacts; returns (final size, last bin with an event,
    total `node_weight` of the adopters: 0 when `node_weight` is empty).

    Seeds adopt at the absolute time `t0`; a node that adopted at ``t`` reaches an
    out-neighbour through a contact at a time strictly after ``t`` (and, with
    `recover`, at most ``t + period``, a tie counting). With `every` each such contact
    transmits with the arc's probability (coin of contact c: ``_indexed_uniform`` of
    the contact stream at c), else only the arc's first one does (coin of arc j: IC's
    coin). The earliest transmitting contact is the arrival; arrivals are settled in
    time order (Dijkstra: later adoption never means earlier arrival). Times are
    reported and binned relative to `origin`; `max_time` is the horizon after it.
    """
    cap = steps_row.shape[0]
    cstate = _mix(state ^ _CONTACT_SALT)
    rstate = _mix(state ^ _RECOVERY_SALT)
    last_allowed = origin + max_time
    size = 0
    for i in range(seed_ptr[seed_set], seed_ptr[seed_set + 1]):
        s = seeds[i]
        if stamp[s] != tag:
            stamp[s] = tag
            arrival[s] = t0
            heap[size] = s
            pos[s] = size
            size += 1  # all keys equal: already a heap
    adopted = 0
    last_bin = 0
    weight = 0.0
    while size > 0:
        u = heap[0]
        t = arrival[u]
        size -= 1
        if size > 0:
            heap[0] = heap[size]
            _sift_down(heap, pos, arrival, size, 0)
        done[u] = tag
        adopted += 1
        if node_count.shape[0]:
            node_count[u] += 1
        if node_weight.shape[0]:
            weight += node_weight[u]
        rel = max(t - origin, 0.0)
        if keep_times:
            times_row[u] = rel
        k = _time_bin(rel, time_step, max_bins, max_time)
        if k < cap:
            steps_row[k] += 1
        if k > last_bin:
            last_bin = min(k, max_bins)
        until = last_allowed
        if recover:
            period = arc_delay(rlaw, ra, rb, rtable, rstate, u)
            if rel + period <= max_time and period < np.inf:
                k = _time_bin(rel + period, time_step, max_bins, max_time)
                if k < cap:
                    rec_row[k] += 1
                if k > last_bin:
                    last_bin = min(k, max_bins)
            until = min(until, t + period)
        for j in range(indptr[u], indptr[u + 1]):
            v = indices[j]
            if done[v] == tag:
                continue
            hi = contact_ptr[j + 1]
            c = _first_after(contact_times, contact_ptr[j], hi, t)
            if c == hi or contact_times[c] > until:
                continue
            if every:
                while c < hi and contact_times[c] <= until:
                    if _indexed_uniform(cstate, c) < p[j]:
                        break
                    c += 1
                if c == hi or contact_times[c] > until:
                    continue
            elif _indexed_uniform(state, j) >= p[j]:
                continue
            at = contact_times[c]
            if stamp[v] != tag:
                stamp[v] = tag
                arrival[v] = at
                heap[size] = v
                pos[v] = size
                size += 1
                _sift_up(heap, pos, arrival, size - 1)
            elif at < arrival[v]:
                arrival[v] = at
                _sift_up(heap, pos, arrival, pos[v])
    return adopted, last_bin, weight


@njit(cache=True, nogil=True, parallel=True)
def temporal_batch(
    indptr,
    indices,
    p,
    contact_ptr,
    contact_times,
    every,
    recover,
    rlaw,
    ra,
    rb,
    rtable,
    t0,
    origin,
    max_time,
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
    recoveries,
):
    """Runs ``run0 .. run0 + len(final_sizes) - 1`` over timestamped contacts
    (`spread.TemporalIC`), with `ctic_batch`'s layout (see `_temporal_run`)."""
    n = indptr.shape[0] - 1
    n_runs = final_sizes.shape[0]
    n_sets = seed_ptr.shape[0] - 1
    for c in prange(n_chunks):
        lo = c * n_runs // n_chunks
        hi = (c + 1) * n_runs // n_chunks
        stamp = np.zeros(n, dtype=np.int32)
        done = np.zeros(n, dtype=np.int32)
        arrival = np.empty(n, dtype=np.float64)
        heap = np.empty(n, dtype=np.int32)
        pos = np.empty(n, dtype=np.int32)
        for i in range(lo, hi):
            state = _run_state(root, run0 + i)
            row = times[i] if keep_times else times[0]
            rec = recoveries[i] if recover else recoveries[0]
            seed_set = (run0 + i) % n_sets
            tag = np.int32(i - lo + 1)
            size, depth, weight = _temporal_run(
                indptr,
                indices,
                p,
                contact_ptr,
                contact_times,
                every,
                recover,
                rlaw,
                ra,
                rb,
                rtable,
                t0,
                origin,
                max_time,
                time_step,
                seed_ptr,
                seeds,
                seed_set,
                max_steps,
                state,
                tag,
                stamp,
                done,
                arrival,
                heap,
                pos,
                steps[i],
                rec,
                row,
                keep_times,
                node_counts[c],
                node_weight,
            )
            final_sizes[i] = size
            depths[i] = depth
            if node_weight.shape[0]:
                weighted_sizes[i] = weight
