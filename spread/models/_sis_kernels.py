"""Numba kernel for Markovian SIS runs: an exact Gillespie simulation with phantom events.

Infectious nodes recover at rate `gamma` each; each arc out of an infectious node
transmits at rate `beta` (to a susceptible head; a transmission to an infectious head
changes nothing). The total rate is ``gamma I + beta K``, K the out-degrees of the
infectious nodes summed, so the next event comes after an Exp(gamma I + beta K) time;
it is a recovery of a uniform infectious node with probability ``gamma I / (gamma I +
beta K)``, else a transmission along a uniform arc out of an infectious node (a node
drawn uniformly and kept with probability ``out-degree / max out-degree``, then one of
its arcs uniformly): exact, with no list of susceptible-infectious arcs to maintain
(Cota & Ferreira, Comput. Phys. Commun. 219, 2017).

With ``discrete`` the model counts whole steps instead (the discrete-time SIS of EoN's
``basic_discrete_SIS``, with a recovery probability): at each step every infectious node
tries each susceptible out-neighbour once, with probability `beta` (tries in member
order, arcs in CSR order), then recovers with probability `gamma` (in reverse member
order); the nodes infected in the step become infectious at its end.

Random numbers come from the run's SplitMix64 stream (the generator's lines are copies
of `_ic_lt_kernels`', pinned by a test), read in order.
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


@njit(cache=True, nogil=True)
def _sis_run(
    indptr,
    indices,
    beta,
    gamma,
    max_degree,
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
    members,
    where,
    steps_row,
    level_row,
    times_row,
    keep_times,
    node_count,
):
    """One SIS run up to `horizon`; returns (nodes ever infected, last bin written).

    ``infected[v] == tag``: v is infectious now, at ``members[where[v]]``; ``ever[v] ==
    tag``: v has been infected. ``steps_row[k]`` counts first infections in the time bin
    ``((k - 1) time_step, k time_step]`` and ``level_row[k]`` the infectious nodes at
    time ``k time_step`` (bins up to `max_bins` that fit the rows).
    """
    cap = steps_row.shape[0]
    n_inf = 0
    weight = 0  # out-degrees of the infectious nodes, summed
    reached = 0
    for i in range(seed_ptr[seed_set], seed_ptr[seed_set + 1]):
        s = seeds[i]
        if infected[s] != tag:
            infected[s] = tag
            ever[s] = tag
            members[n_inf] = s
            where[s] = n_inf
            n_inf += 1
            weight += indptr[s + 1] - indptr[s]
            reached += 1
            if node_count.shape[0]:
                node_count[s] += 1
            if keep_times:
                times_row[s] = 0.0
    steps_row[0] = reached
    level_row[0] = n_inf
    last = 0
    k = 1  # the next bin end to record
    t = 0.0
    while True:
        rate = gamma * n_inf + beta * weight
        if rate <= 0.0:
            break
        state, u = _next_uniform(state)
        t += -np.log1p(-u) / rate
        while k <= max_bins and k * time_step < t and k * time_step <= horizon:
            if k < cap:
                level_row[k] = n_inf
            if n_inf > 0:
                last = k
            k += 1
        if t > horizon:
            break
        state, u = _next_uniform(state)
        if u * rate < gamma * n_inf:  # a recovery
            state, u = _next_uniform(state)
            idx = min(np.int64(u * n_inf), n_inf - 1)
            v = members[idx]
            n_inf -= 1
            moved = members[n_inf]
            members[idx] = moved
            where[moved] = idx
            infected[v] = 0
            weight -= indptr[v + 1] - indptr[v]
            continue
        while True:  # a transmission: an infectious node by out-degree, then its arc
            state, u = _next_uniform(state)
            v = members[min(np.int64(u * n_inf), n_inf - 1)]
            d = indptr[v + 1] - indptr[v]
            state, u = _next_uniform(state)
            if u * max_degree < d:
                break
        state, u = _next_uniform(state)
        w = indices[indptr[v] + min(np.int64(u * d), d - 1)]
        if infected[w] == tag:
            continue  # a phantom event: w is infectious already
        infected[w] = tag
        members[n_inf] = w
        where[w] = n_inf
        n_inf += 1
        weight += indptr[w + 1] - indptr[w]
        if ever[w] != tag:
            ever[w] = tag
            reached += 1
            if node_count.shape[0]:
                node_count[w] += 1
            if keep_times:
                times_row[w] = t
            b = max(np.int64(np.ceil(t / time_step)), 1)
            b = min(b, max_bins)  # t <= horizon: rounding never goes further
            if b < cap:
                steps_row[b] += 1
            last = max(last, b)
    while k <= max_bins and k * time_step <= horizon * (1.0 + 1e-12):  # the level persists
        if k < cap:
            level_row[k] = n_inf
        if n_inf > 0:
            last = k
        k += 1
    return reached, last


@njit(cache=True, nogil=True)
def _sis_steps(
    indptr,
    indices,
    beta,
    gamma,
    horizon,
    seed_ptr,
    seeds,
    seed_set,
    max_bins,
    state,
    tag,
    infected,
    ever,
    members,
    pending,
    steps_row,
    level_row,
    times_row,
    keep_times,
    node_count,
):
    """One discrete-time SIS run of ``floor(horizon)`` steps; returns (nodes ever
    infected, last step with an infectious node). ``infected[v] == tag``: infectious;
    ``-tag``: infected during the current step."""
    cap = steps_row.shape[0]
    n_inf = 0
    reached = 0
    for i in range(seed_ptr[seed_set], seed_ptr[seed_set + 1]):
        s = seeds[i]
        if infected[s] != tag:
            infected[s] = tag
            ever[s] = tag
            members[n_inf] = s
            n_inf += 1
            reached += 1
            if node_count.shape[0]:
                node_count[s] += 1
            if keep_times:
                times_row[s] = 0.0
    steps_row[0] = reached
    level_row[0] = n_inf
    last = 0
    n_steps = min(np.int64(np.floor(horizon)), max_bins)
    for k in range(1, n_steps + 1):
        if n_inf == 0:
            break
        n_new = 0
        for idx in range(n_inf):
            u = members[idx]
            for j in range(indptr[u], indptr[u + 1]):
                w = indices[j]
                if infected[w] == tag or infected[w] == -tag:
                    continue
                state, x = _next_uniform(state)
                if x < beta:
                    infected[w] = -tag
                    pending[n_new] = w
                    n_new += 1
        for idx in range(n_inf - 1, -1, -1):  # recoveries of those infectious at the start
            state, x = _next_uniform(state)
            if x < gamma:
                infected[members[idx]] = 0
                n_inf -= 1
                members[idx] = members[n_inf]
        for i in range(n_new):
            w = pending[i]
            infected[w] = tag
            members[n_inf] = w
            n_inf += 1
            if ever[w] != tag:
                ever[w] = tag
                reached += 1
                if node_count.shape[0]:
                    node_count[w] += 1
                if keep_times:
                    times_row[w] = k
                if k < cap:
                    steps_row[k] += 1
        if k < cap:
            level_row[k] = n_inf
        if n_inf > 0:
            last = k
    return reached, last


@njit(cache=True, nogil=True, parallel=True)
def sis_batch(
    indptr,
    indices,
    beta,
    gamma,
    max_degree,
    horizon,
    discrete,
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
    levels,
):
    """SIS runs ``run0 .. run0 + len(final_sizes) - 1``, each up to `horizon` (in steps
    of 1 with `discrete`: `_sis_steps`).

    `ic_batch`'s layout with time bins as steps: `final_sizes[i]` counts the nodes ever
    infected, `steps[i, k]` first infections per bin, `levels[i, k]` the infectious at
    time ``k time_step``, `times[i, v]` the first infection time of v (NaN: never).
    """
    n = indptr.shape[0] - 1
    n_runs = final_sizes.shape[0]
    n_sets = seed_ptr.shape[0] - 1
    for c in prange(n_chunks):
        lo = c * n_runs // n_chunks
        hi = (c + 1) * n_runs // n_chunks
        infected = np.zeros(n, dtype=np.int32)
        ever = np.zeros(n, dtype=np.int32)
        members = np.empty(n, dtype=np.int32)
        where = np.empty(n, dtype=np.int32)
        for i in range(lo, hi):
            state = _run_state(root, run0 + i)
            row = times[i] if keep_times else times[0]
            seed_set = (run0 + i) % n_sets
            tag = np.int32(i - lo + 1)
            if discrete:
                size, depth = _sis_steps(
                    indptr,
                    indices,
                    beta,
                    gamma,
                    horizon,
                    seed_ptr,
                    seeds,
                    seed_set,
                    max_steps,
                    state,
                    tag,
                    infected,
                    ever,
                    members,
                    where,
                    steps[i],
                    levels[i],
                    row,
                    keep_times,
                    node_counts[c],
                )
                final_sizes[i] = size
                depths[i] = depth
                continue
            size, depth = _sis_run(
                indptr,
                indices,
                beta,
                gamma,
                max_degree,
                horizon,
                time_step,
                seed_ptr,
                seeds,
                seed_set,
                max_steps,
                state,
                tag,
                infected,
                ever,
                members,
                where,
                steps[i],
                levels[i],
                row,
                keep_times,
                node_counts[c],
            )
            final_sizes[i] = size
            depths[i] = depth
