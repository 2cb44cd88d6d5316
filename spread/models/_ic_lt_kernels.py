"""Numba kernels for forward runs of the independent cascade and linear threshold models.

The bodies of the one Monte Carlo loop (`spread.models._batch`) for `IC` and `LT`,
jit-compiled by Numba. They take only arrays and scalars. Every helper they call lives
in this file, because Numba's on-disk cache does not notice changes in other files.

Random numbers come from a SplitMix64 generator whose 64-bit state is a local variable
of the run. The state of run ``r`` is a pure function of ``(root, r)`` (`_run_state`,
the scheme of `spread._random`, whose copy of these lines a test pins), so a run's
result does not depend on which thread ran it, on how many threads there were, or on
how the runs were split into batches.

Common random numbers (``crn=True``, used by `spread.fit` to compare parameter values on
the same randomness): the coin of arc ``j`` (IC) or the threshold of node ``v`` (LT) in
run ``r`` is the ``(j + 1)``-th (``(v + 1)``-th) number of run r's stream, read by index
(`_indexed_uniform`) instead of in the order the run meets them. Arc j is then live iff
its number is below ``p_j``, whatever else happens in the run, so a run's cascade grows
monotonically with every ``p_j`` (and with LT weights; it shrinks as thresholds rise).
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


@njit(cache=True, nogil=True, inline="always")
def _indexed_uniform(state, i):
    """The ``(i + 1)``-th uniform of the SplitMix64 stream that starts at `state`."""
    return np.float64(_mix(state + (np.uint64(i) + np.uint64(1)) * _GOLDEN) >> _S11) * _TO_UNIT


_EXTERNAL_SALT = np.uint64(0x4558545F41444F50)  # separates spontaneous adoptions' stream


@njit(cache=True, nogil=True, inline="always")
def _table_quantile(table, u):
    """Linear interpolation of a quantile table ``table[i] = F^-1(i / (len - 1))`` at u."""
    m = table.shape[0] - 1
    pos = u * m
    i = min(np.int64(pos), m - 1)
    frac = pos - i
    return table[i] + frac * (table[i + 1] - table[i])


@njit(cache=True, nogil=True)
def _run_state(root, run):
    """Initial generator state of run `run` under root seed `root` (both uint64)."""
    return _mix(root ^ _mix(np.uint64(run) * _GOLDEN + _GOLDEN))


@njit(cache=True, nogil=True)
def _ic_run(
    indptr,
    indices,
    p,
    p_uniform,
    inv_log1mp,
    crn,
    external,
    inv_log1ma,
    ext_until,
    seed_ptr,
    seeds,
    seed_set,
    max_steps,
    state,
    tag,
    stamp,
    queue,
    steps_row,
    times_row,
    keep_times,
    node_count,
):
    """One independent-cascade run; returns (final size, depth).

    `p_uniform < 0` selects the per-arc probabilities `p`; otherwise every arc has
    probability `p_uniform` and successful arcs are found by geometric skipping
    (``inv_log1mp = 1 / log(1 - p_uniform)``). With `crn` (per-arc path only) the coin
    of arc j is the stream's j-th number, read by index (see the module docstring).
    `external` holds the spontaneous adoption probability of each step: at step t
    (t >= 1) each inactive node also adopts on its own with probability
    ``external[min(t, len) - 1]`` (a constant is one entry; past the schedule's end its
    last entry holds), found by geometric skipping over the node ids on a stream of its
    own (``inv_log1ma[i] = 1 / log(1 - external[i])``). The run goes on while a later
    step can still see spontaneous adoption (up to step `ext_until`; every step when
    the last entry is positive) or until every node is active. Nodes are activated breadth-first: `queue` holds them in
    activation order and ``stamp[v] == tag`` marks v active. ``steps_row[t]`` receives
    the number of nodes activated at step t (while t fits).
    """
    n = indptr.shape[0] - 1
    cap = steps_row.shape[0]
    coins = state
    ext_state = _mix(state ^ _EXTERNAL_SALT)
    tail = 0
    for i in range(seed_ptr[seed_set], seed_ptr[seed_set + 1]):
        s = seeds[i]
        stamp[s] = tag
        queue[tail] = s
        tail += 1
        if keep_times:
            times_row[s] = 0
    steps_row[0] = tail
    head = 0
    level_end = tail
    t = 0
    depth = 0
    last = external.shape[0] - 1
    while t < max_steps and tail < n and (head < level_end or t < ext_until):
        t += 1
        while head < level_end:
            u = queue[head]
            head += 1
            a = indptr[u]
            b = indptr[u + 1]
            if p_uniform < 0.0:
                for j in range(a, b):
                    # One coin per arc, drawn before the head is read: a failed coin
                    # (most of them) never touches indices[j] or stamp[].
                    if crn:
                        x = _indexed_uniform(coins, j)
                    else:
                        state, x = _next_uniform(state)
                    if x < p[j]:
                        v = indices[j]
                        if stamp[v] != tag:
                            stamp[v] = tag
                            queue[tail] = v
                            tail += 1
                            if keep_times:
                                times_row[v] = t
            elif p_uniform > 0.0:
                j = a
                while True:
                    state, x = _next_uniform(state)
                    skip = np.log(1.0 - x) * inv_log1mp
                    if skip >= b - j:
                        break
                    j += np.int64(skip)
                    v = indices[j]
                    if stamp[v] != tag:
                        stamp[v] = tag
                        queue[tail] = v
                        tail += 1
                        if keep_times:
                            times_row[v] = t
                    j += 1
        e = min(t - 1, last)
        if external[e] > 0.0:
            v = -1
            while True:
                ext_state, x = _next_uniform(ext_state)
                skip = np.log(1.0 - x) * inv_log1ma[e]
                if skip >= n - 1 - v:
                    break
                v += 1 + np.int64(skip)
                if stamp[v] != tag:
                    stamp[v] = tag
                    queue[tail] = v
                    tail += 1
                    if keep_times:
                        times_row[v] = t
        if tail > level_end:
            depth = t
            if t < cap:
                steps_row[t] = tail - level_end
        level_end = tail
    if node_count.shape[0]:  # empty when the caller does not count activations
        for i in range(tail):
            node_count[queue[i]] += 1
    return tail, depth


@njit(cache=True, nogil=True)
def _lt_run(
    indptr,
    indices,
    w,
    thresholds,
    fixed,
    law,
    crn,
    seed_ptr,
    seeds,
    seed_set,
    max_steps,
    state,
    tag,
    mark,
    rest,
    queue,
    steps_row,
    times_row,
    keep_times,
    node_count,
):
    """One linear-threshold run; returns (final size, depth).

    ``mark[v] == tag``: v was reached in this run. A node's threshold is drawn uniform
    on (0, 1] when an active in-neighbour first reaches it (or read from `thresholds`
    when `fixed`), so a run costs O(arcs out of active nodes), not O(n). ``rest[v]``
    holds the threshold minus the weight received so far; v activates when it reaches 0,
    and from then on holds +inf. A non-empty `law` is a quantile table of the threshold
    law (`_table_quantile`), applied to the uniform draw. With `crn` node v's uniform is
    the stream's v-th number, read by index.
    """
    coins = state
    cap = steps_row.shape[0]
    tail = 0
    for i in range(seed_ptr[seed_set], seed_ptr[seed_set + 1]):
        s = seeds[i]
        mark[s] = tag
        rest[s] = np.inf
        queue[tail] = s
        tail += 1
        if keep_times:
            times_row[s] = 0
    steps_row[0] = tail
    head = 0
    level_end = tail
    t = 0
    depth = 0
    while head < level_end and t < max_steps:
        t += 1
        while head < level_end:
            u = queue[head]
            head += 1
            for j in range(indptr[u], indptr[u + 1]):
                v = indices[j]
                if mark[v] != tag:  # first touch in this run: draw the threshold
                    mark[v] = tag
                    if fixed:
                        rest[v] = thresholds[v]
                    else:
                        if crn:
                            x = _indexed_uniform(coins, v)
                        else:
                            state, x = _next_uniform(state)
                        if law.shape[0] == 0:
                            rest[v] = 1.0 - x
                        else:
                            rest[v] = _table_quantile(law, 1.0 - x)
                rest[v] -= w[j]  # active nodes hold +inf: they never fire twice
                if rest[v] <= 0.0:
                    rest[v] = np.inf
                    queue[tail] = v
                    tail += 1
                    if keep_times:
                        times_row[v] = t
        if tail > level_end:
            depth = t
            if t < cap:
                steps_row[t] = tail - level_end
        level_end = tail
    if node_count.shape[0]:  # empty when the caller does not count activations
        for i in range(tail):
            node_count[queue[i]] += 1
    return tail, depth


@njit(cache=True, nogil=True)
def _weight_of(queue, size, node_weight):
    """Total `node_weight` of the run's activated nodes, ``queue[:size]``."""
    total = 0.0
    for j in range(size):
        total += node_weight[queue[j]]
    return total


@njit(cache=True, nogil=True, parallel=True)
def ic_batch(
    indptr,
    indices,
    p,
    p_uniform,
    crn,
    external,
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
):
    """Independent-cascade runs ``run0 .. run0 + len(final_sizes) - 1``.

    Body of `spread.simulate` for `spread.IC`. Run ``r`` starts from seed set
    ``r % n_sets``: seed set ``s`` is ``seeds[seed_ptr[s]:seed_ptr[s + 1]]`` (one set for
    `spread.simulate`; one per run for synthetic cascades). Runs are split into `n_chunks`
    contiguous chunks run in parallel; each chunk owns its O(n) scratch arrays and its
    row of `node_counts`, reused across its runs (stamps, never cleared). Outputs:
    `final_sizes[i]`, `depths[i]` (last step with an activation), `steps[i, t]` (new
    activations at step t, for t < steps.shape[1]), `times[i, v]` (step at which v
    activated, if `keep_times`; the caller fills it with -1) and `node_counts[c, v]`;
    with a non-empty `node_weight` (one weight per node), `weighted_sizes[i]`: the total
    weight of the nodes run i activated (an audience's reach).
    `crn` and `external` are described in `_ic_run`.
    """
    n = indptr.shape[0] - 1
    n_runs = final_sizes.shape[0]
    n_sets = seed_ptr.shape[0] - 1
    inv_log1mp = 0.0
    if 0.0 < p_uniform < 1.0:
        inv_log1mp = 1.0 / np.log1p(-p_uniform)
    inv_log1ma = np.zeros(external.shape[0])
    ext_until = 0  # the last step with spontaneous adoption; every step if it never ends
    for i in range(external.shape[0]):
        if 0.0 < external[i] < 1.0:
            inv_log1ma[i] = 1.0 / np.log1p(-external[i])
        if external[i] > 0.0:
            ext_until = i + 1
    if external[external.shape[0] - 1] > 0.0:
        ext_until = max_steps
    for c in prange(n_chunks):
        lo = c * n_runs // n_chunks
        hi = (c + 1) * n_runs // n_chunks
        stamp = np.zeros(n, dtype=np.int32)
        queue = np.empty(n, dtype=np.int32)
        for i in range(lo, hi):
            state = _run_state(root, run0 + i)
            row = times[i] if keep_times else times[0]
            size, depth = _ic_run(
                indptr,
                indices,
                p,
                p_uniform,
                inv_log1mp,
                crn,
                external,
                inv_log1ma,
                ext_until,
                seed_ptr,
                seeds,
                (run0 + i) % n_sets,
                max_steps,
                state,
                np.int32(i - lo + 1),
                stamp,
                queue,
                steps[i],
                row,
                keep_times,
                node_counts[c],
            )
            final_sizes[i] = size
            depths[i] = depth
            if node_weight.shape[0]:
                weighted_sizes[i] = _weight_of(queue, size, node_weight)


@njit(cache=True, nogil=True, parallel=True)
def lt_batch(
    indptr,
    indices,
    w,
    thresholds,
    fixed,
    law,
    crn,
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
):
    """Linear-threshold runs ``run0 .. run0 + len(final_sizes) - 1``.

    Body of `spread.simulate` for `spread.LT`; the same layout and outputs as
    `ic_batch`. `w` holds the arc weights in arc order; `thresholds` (used when `fixed`)
    one threshold per node; `law` and `crn` as in `_lt_run`.
    """
    n = indptr.shape[0] - 1
    n_runs = final_sizes.shape[0]
    n_sets = seed_ptr.shape[0] - 1
    for c in prange(n_chunks):
        lo = c * n_runs // n_chunks
        hi = (c + 1) * n_runs // n_chunks
        mark = np.zeros(n, dtype=np.int32)
        rest = np.empty(n, dtype=np.float64)
        queue = np.empty(n, dtype=np.int32)
        for i in range(lo, hi):
            state = _run_state(root, run0 + i)
            row = times[i] if keep_times else times[0]
            size, depth = _lt_run(
                indptr,
                indices,
                w,
                thresholds,
                fixed,
                law,
                crn,
                seed_ptr,
                seeds,
                (run0 + i) % n_sets,
                max_steps,
                state,
                np.int32(i - lo + 1),
                mark,
                rest,
                queue,
                steps[i],
                row,
                keep_times,
                node_counts[c],
            )
            final_sizes[i] = size
            depths[i] = depth
            if node_weight.shape[0]:
                weighted_sizes[i] = _weight_of(queue, size, node_weight)
