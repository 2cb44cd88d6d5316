"""Numba kernels that sample reverse-reachable (RR) sets, for influence maximization.

RR set ``r`` of a collection draws from its own SplitMix64 stream, whose state is
``_run_state(stream_root, r)``: the caller passes the root of the collection's named
stream (`spread._random`), so a set depends only on the root and its index, whatever
thread, batch or Dask worker samples it. Its target comes from its stratum
(`_stratum`: a function of the root, the collection's first index and r), so that
every block of n consecutive sets visits each node once. The generator's few lines
are copied from `spread.models._ic_lt_kernels` (Numba's cache sees only this file);
`tests/test_random.py` pins both copies to `spread._random`. The delay laws and the
indexed heap of `rr_sets_ctic` are copied from `spread.models._ctic_kernels` likewise,
pinned by `tests/test_ctic.py`.
"""

import numpy as np
from numba import njit

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)
_S30 = np.uint64(30)
_S27 = np.uint64(27)
_S31 = np.uint64(31)
_S11 = np.uint64(11)
_TO_UNIT = 1.0 / 9007199254740992.0  # 2**-53
#: `rr_sets_ic`'s ``node_p`` codes for nodes without one shared in-probability: one draw
#: per in-arc, or subset sampling over in-slots sorted by decreasing probability.
PER_ARC = -1.0
SUBSET = -2.0


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
    """Initial generator state of set `run` under the stream root `root` (both uint64)."""
    return _mix(root ^ _mix(np.uint64(run) * _GOLDEN + _GOLDEN))


@njit(cache=True, nogil=True)
def _grow(buf):
    out = np.empty(max(2 * buf.shape[0], 16), dtype=buf.dtype)  # doubled, when full
    out[: buf.shape[0]] = buf
    return out


#: Salts of a block's permutation key and of its rotation (`_stratum`).
_BLOCK_SALT = np.uint64(0x632BE59BD9B4E019)
_SHIFT_SALT = np.uint64(0x85157AF5D4A2B8C3)
_ROUND = (
    np.uint64(0xD6E8FEB86659FD93),
    np.uint64(0xA0761D6478BD642F),
    np.uint64(0xE7037ED1A0B428DB),
    np.uint64(0x8EBC6AF09C88C6E3),
)


_NO_BLOCK = np.uint64(0xFFFFFFFFFFFFFFFF)  # `_strata`'s memo before any block


@njit(cache=True, nogil=True)
def _strata(n, root_nodes):
    """``(m, lo_bits, mask_lo, mask_hi, memo)`` of `_stratum`: m strata (the n nodes, or
    the weighted targets), the split of ``bits`` (the least with ``2**bits >= m``) into a
    low and a high part for its Feistel rounds, and the memo of its last block (its
    index, key and rotation: computed once per block, not per set)."""
    m = n if root_nodes.shape[0] == 0 else root_nodes.shape[0]
    bits = 0
    while (np.int64(1) << bits) < m:
        bits += 1
    lo_bits = bits // 2
    mask_lo = np.uint64((np.int64(1) << lo_bits) - 1)
    mask_hi = np.uint64((np.int64(1) << (bits - lo_bits)) - 1)
    return m, lo_bits, mask_lo, mask_hi, np.full(3, _NO_BLOCK, dtype=np.uint64)


@njit(cache=True, nogil=True, inline="always")
def _stratum(stream_root, origin, r, m, lo_bits, mask_lo, mask_hi, memo):
    """The stratum (0 .. m - 1) of set `r` of a collection that starts at set `origin`.

    The collection's sets form blocks of m, ``(r - origin) // m``; block b visits every
    stratum once, in the order of a keyed permutation of ``range(m)``: four alternating
    Feistel half-rounds on a ``bits``-bit word (a bijection of ``range(2**bits)``, keyed
    by the stream root, the origin and b), walked along its cycle until the value is
    below m (a bijection of ``range(m)``; fewer than 2 steps on average, as
    ``2**bits < 2 m``), then rotated by a uniform offset of the block, so that every
    set's stratum is exactly uniform. A set's stratum depends only on (`stream_root`,
    `origin`, `r`), whatever thread or worker samples it. `memo` (from `_strata`)
    keeps the last block's index, key and rotation, so a kernel call computes them
    once per block it visits.
    """
    j = r - origin
    b = j // m
    if memo[0] != np.uint64(b):
        key = _mix(
            stream_root ^ _BLOCK_SALT ^ _mix(np.uint64(origin) * _MIX1 + np.uint64(b) * _GOLDEN)
        )
        memo[0] = np.uint64(b)
        memo[1] = key
        memo[2] = np.uint64((np.float64(_mix(key ^ _SHIFT_SALT) >> _S11) * _TO_UNIT) * m)
    key = memo[1]
    shift = np.int64(memo[2])
    lo_s = np.uint64(lo_bits)
    x = np.uint64(j - b * m)
    while True:
        lo = x & mask_lo
        hi = x >> lo_s
        hi ^= _mix(key ^ (lo * _ROUND[0])) & mask_hi
        lo ^= _mix(key ^ (hi * _ROUND[1] + _GOLDEN)) & mask_lo
        hi ^= _mix(key ^ (lo * _ROUND[2] + _MIX1)) & mask_hi
        lo ^= _mix(key ^ (hi * _ROUND[3] + _MIX2)) & mask_lo
        x = (hi << lo_s) | lo
        if x < np.uint64(m):
            break
    return (np.int64(x) + min(shift, m - 1)) % m


@njit(cache=True, nogil=True, inline="always")
def _root(x, n, root_nodes, root_cum, stratum, m):
    """The target of an RR set from its stratum (`_stratum`, one of m) and its first
    uniform `x`: node `stratum` when `root_nodes` is empty (a block of n sets visits
    every node once), else ``root_nodes[i]`` for the weight quantile ``(stratum + x) /
    m`` (a binary search of ``root_cum``, the cumulative weights, all positive): each
    set's target is uniform, or drawn by weight, and a block of sets covers the targets
    (or the weight's quantiles) evenly, which lowers the variance of every coverage
    estimate (stratified sampling) and never raises it."""
    if root_nodes.shape[0] == 0:
        return stratum
    u = (stratum + x) / m
    i = np.searchsorted(root_cum, u * root_cum[-1], side="right")
    return np.int64(root_nodes[min(i, root_nodes.shape[0] - 1)])


@njit(cache=True, nogil=True, inline="always")
def _push(members, pos, stamp, tag, u):
    """Add u to the set being drawn (tagged `tag`) unless it is in already; returns the
    new `pos`. The caller has made room (`_room`). (Returning `members` as well, grown
    when full, cost 3-10% of the sampler's time: the array's reference count at every
    call; benchmarks/RESULTS.md.)"""
    if stamp[u] != tag:
        stamp[u] = tag
        members[pos] = u
        pos += 1
    return pos


@njit(cache=True, nogil=True, inline="always")
def _room(members, pos, more):
    """`members`, grown (doubled) until `more` entries fit after `pos`."""
    while pos + more > members.shape[0]:
        members = _grow(members)
    return members


@njit(cache=True, nogil=True, inline="always")
def _first_live(state, w, a, b, pw, inv_log, node_q, p_in):
    """`rr_sets_ic`'s conditional target: the slot of w's first live in-arc, given that
    one is live (slots ``a .. b - 1``; `pw` and `inv_log`, w's shared probability and
    jump scale, as there)."""
    state, x = _next_uniform(state)
    level = 1.0 - x * (1.0 - node_q[w])
    if pw >= 0.0:
        j = a + np.int64(np.log(level) * inv_log)
        return state, min(j, b - 1)
    none = 1.0
    for j in range(a, b):
        none *= 1.0 - p_in[j]
        if none <= level:
            return state, j
    return state, b - 1


@njit(cache=True, nogil=True)
def rr_sets_ic(
    in_indptr,
    in_indices,
    p_in,
    inv_in,
    src_in,
    node_p,
    node_inv_log,
    root_nodes,
    root_cum,
    node_q,
    stream_root,
    origin,
    r0,
    r1,
    capacity,
):
    """RR sets ``r0 .. r1 - 1`` under independent cascade (reverse breadth-first search).

    Set r takes its stratum's target (uniform, or by weight: `_root`), then walks in-arcs
    backwards: an arc ``u -> w`` examined from ``w`` is live with its probability,
    independently (whether u is already in the set or not), and a live arc adds u. Node
    w's in-arcs are examined in one of three ways, by ``node_p[w]``:

    - ``>= 0``: all of w's in-arcs share this probability (uniform p; weighted cascade,
      where it is ``1 / indeg(w)``). The live ones are found by geometric skipping
      (``node_inv_log[w] = 1 / log(1 - node_p[w])``), one draw per live arc, plus one.
      Under a uniform p, `node_p` and `node_inv_log` may hold one entry, every node's:
      two reads fewer per node reached (14-19% less time per set on a BA graph).
    - ``-1`` (`PER_ARC`): one draw per in-arc, ``p_in[j]`` against the draw.
    - ``-2`` (`SUBSET`): subset sampling (SUBSIM: Guo, Wang, Wei, Chen, SIGMOD 2020).
      w's slots are in decreasing ``p_in``, so ``q = p_in[j]`` bounds every later
      slot's. From slot j a geometric(q) jump (one draw) lands on the next slot that is
      a candidate at rate q; it is accepted with probability ``p_in[j'] / q`` (a second
      draw, none when that is 1), and the walk goes on from the slot after it with the
      new, smaller q. A q of 1 takes the slot without a draw; a q of 0 ends the walk.
      The jump's law is memoryless, so each arc is still live with its own probability,
      independently; the cost is about one or two draws (and a log) per candidate, about
      the sum of the probabilities plus one per level of p crossed, instead of one draw
      per arc. It pays where many in-arcs are examined per node reached (the caller's
      rule: `spread.im._ic_sampler.subset_order`; measured in benchmarks/results_subset.md).

    Conditional sets, when `node_q` is not empty (``node_q[w]``: the probability that
    none of w's in-arcs is live): the target's first live in-arc is drawn given that it
    has one, the others as above from the slot after it. Shared p: ``floor(log(1 - U
    (1 - q)) / log(1 - p))`` slots skipped (at most the last; none for p = 1); per-arc
    or subset-sampled slots: the first whose running product of ``1 - p`` falls to
    ``1 - U (1 - q)`` or below (the last, if rounding leaves none). The caller draws the
    targets by ``1 - q`` (`root_nodes`, `root_cum`): a target that cannot have a live
    in-arc (q = 1) must have no weight.

    ``p_in``, ``inv_in`` (``1 / log(1 - p_in)`` where ``0 < p_in < 1``, read for the
    ``-2`` nodes) and ``src_in`` (the arcs' sources) are per in-slot, in the order the
    caller chose for the ``-1`` and ``-2`` nodes (the graph's in-slot order elsewhere;
    all are empty when every node has a shared probability); ``in_indices`` is read for
    the shared-probability nodes only. Returns ``(offsets, members)``: set ``r`` is
    ``members[offsets[r - r0]:offsets[r - r0 + 1]]``, its target first.
    """
    n = in_indptr.shape[0] - 1
    m, lo_bits, mask_lo, mask_hi, memo = _strata(n, root_nodes)
    conditional = node_q.shape[0] > 0
    per_node = 1 if node_p.shape[0] > 1 else 0  # one entry: a probability all nodes share
    stamp = np.zeros(n, dtype=np.int32)
    members = np.empty(max(capacity, 16), dtype=np.int32)
    offsets = np.zeros(r1 - r0 + 1, dtype=np.int64)
    # Weighted targets (and conditional sets' first live in-arcs) are drawn ahead, in a
    # pass of their own: one set's search of the weights does not wait for the last
    # set's breadth-first search, so their memory reads overlap (one thread: 20% less
    # time per conditional set on a BA graph; benchmarks/results_rr_quality.md).
    ahead = r1 - r0 if root_nodes.shape[0] > 0 else 0
    states = np.empty(ahead, dtype=np.uint64)
    targets = np.empty(ahead, dtype=np.int64)
    firsts = np.empty(ahead if conditional else 0, dtype=np.int64)
    sources = np.empty(ahead if conditional else 0, dtype=np.int64)
    for i in range(ahead):
        state = _run_state(stream_root, r0 + i)
        state, x = _next_uniform(state)
        cell = _stratum(stream_root, origin, r0 + i, m, lo_bits, mask_lo, mask_hi, memo)
        v = _root(x, n, root_nodes, root_cum, cell, m)
        if conditional:
            a = in_indptr[v]
            pw = node_p[v * per_node]
            inv_log = node_inv_log[v * per_node]
            state, j = _first_live(state, v, a, in_indptr[v + 1], pw, inv_log, node_q, p_in)
            firsts[i] = j
            sources[i] = in_indices[j] if pw >= 0.0 else src_in[j]
        states[i] = state
        targets[i] = v
    pos = 0
    for r in range(r0, r1):
        tag = np.int32(r - r0 + 1)
        if ahead:
            state, v = states[r - r0], targets[r - r0]
        else:  # uniform targets: the set's stratum (its first draw picks no weighted one)
            state = _run_state(stream_root, r)
            state, x = _next_uniform(state)
            v = _stratum(stream_root, origin, r, m, lo_bits, mask_lo, mask_hi, memo)
        if pos == members.shape[0]:
            members = _grow(members)
        members[pos] = v
        stamp[v] = tag
        head = pos
        pos += 1
        while head < pos:
            w = members[head]
            a = in_indptr[w]
            b = in_indptr[w + 1]
            pw = node_p[w * per_node]
            if pos + (b - a) > members.shape[0]:  # w adds at most one node per in-arc
                members = _room(members, pos, b - a)  # (a call only then: 1-3% faster)
            start = a
            if conditional and head == offsets[r - r0]:  # the target (drawn ahead)
                start = firsts[r - r0]
                pos = _push(members, pos, stamp, tag, sources[r - r0])
                start += 1
            head += 1
            if pw == SUBSET:
                j = start
                while j < b:
                    q = p_in[j]
                    if q <= 0.0:
                        break
                    if q < 1.0:
                        state, x = _next_uniform(state)
                        skip = np.log(1.0 - x) * inv_in[j]
                        if skip >= b - j:
                            break
                        j += np.int64(skip)
                        pj = p_in[j]
                        if pj < q:
                            state, x = _next_uniform(state)
                            if x * q >= pj:
                                j += 1
                                continue
                    u = src_in[j]
                    pos = _push(members, pos, stamp, tag, u)
                    j += 1
            elif pw < 0.0:
                for j in range(start, b):
                    state, x = _next_uniform(state)
                    if x < p_in[j]:
                        u = src_in[j]
                        pos = _push(members, pos, stamp, tag, u)
            elif pw > 0.0:
                inv_log = node_inv_log[w * per_node]
                j = start
                while True:
                    state, x = _next_uniform(state)
                    skip = np.log(1.0 - x) * inv_log
                    if skip >= b - j:
                        break
                    j += np.int64(skip)
                    u = in_indices[j]
                    pos = _push(members, pos, stamp, tag, u)
                    j += 1
        offsets[r - r0 + 1] = pos
    return offsets, members[:pos].copy()


@njit(cache=True, nogil=True)
def rr_sets_lt(
    in_indptr, in_indices, w_in, root_nodes, root_cum, stream_root, origin, r0, r1, capacity
):
    """RR sets ``r0 .. r1 - 1`` under linear threshold (reverse random walk).

    From the target (its stratum's, uniform or by weight: `_root`), each node reached
    picks at most one in-arc, arc ``u -> w`` with probability ``w_in`` (in-slot order),
    none with the remaining probability; the walk stops at none or at a node already in
    the set.
    """
    n = in_indptr.shape[0] - 1
    m, lo_bits, mask_lo, mask_hi, memo = _strata(n, root_nodes)
    stamp = np.zeros(n, dtype=np.int32)
    members = np.empty(max(capacity, 16), dtype=np.int32)
    offsets = np.zeros(r1 - r0 + 1, dtype=np.int64)
    pos = 0
    for r in range(r0, r1):
        tag = np.int32(r - r0 + 1)
        state = _run_state(stream_root, r)
        state, x = _next_uniform(state)
        cell = _stratum(stream_root, origin, r, m, lo_bits, mask_lo, mask_hi, memo)
        cur = _root(x, n, root_nodes, root_cum, cell, m)
        while True:
            if pos == members.shape[0]:
                members = _grow(members)
            members[pos] = cur
            pos += 1
            stamp[cur] = tag
            state, x = _next_uniform(state)
            acc = 0.0
            nxt = -1
            for j in range(in_indptr[cur], in_indptr[cur + 1]):
                acc += w_in[j]
                if x < acc:
                    nxt = in_indices[j]
                    break
            if nxt < 0 or stamp[nxt] == tag:
                break
            cur = nxt
        offsets[r - r0 + 1] = pos
    return offsets, members[:pos].copy()


# ------------------------------------------------- continuous time, under a horizon
# Copies of `spread.models._ctic_kernels`' delay laws (the codes are the same).
_EXPONENTIAL, _WEIBULL, _LOGNORMAL, _GAMMA, _FIXED, _TABLE, _GEOMETRIC = 0, 1, 2, 3, 4, 5, 6


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
    """A delay of the law with parameters `aj`, `bj` from the stream at `s` (a copy of
    `spread.models._ctic_kernels.draw_delay`)."""
    if law == _FIXED:
        return s, aj
    if law == _GEOMETRIC:
        s, u = _next_uniform(s)
        if aj >= 1.0:
            return s, 1.0
        return s, 1.0 + np.floor(np.log1p(-u) / np.log1p(-aj))
    if law == _TABLE:
        s, u = _next_uniform(s)
        return s, _table_quantile(table, u)
    if law == _LOGNORMAL:
        s, z = _normal(s)
        return s, np.exp(aj + bj * z)
    if law == _GAMMA:
        s, g = _gamma(s, aj)
        return s, g * bj
    s, u = _next_uniform(s)
    e = -np.log1p(-u)
    if law == _WEIBULL:
        return s, bj * e ** (1.0 / aj)
    return s, e / aj


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


@njit(cache=True, nogil=True)
def rr_sets_ctic(
    in_indptr,
    in_indices,
    p_in,
    law,
    a_in,
    b_in,
    table,
    horizon,
    root_nodes,
    root_cum,
    stream_root,
    origin,
    r0,
    r1,
    capacity,
):
    """RR sets ``r0 .. r1 - 1`` under continuous-time IC with a horizon (reverse Dijkstra).

    Set r takes its stratum's target (uniform, or by weight: `_root`) and grows
    backwards in order of distance: when w is settled at distance ``t``, each in-arc
    ``u -> w`` (in-slot order) is live with its probability ``p_in`` and then has a
    delay drawn from the law (parameters per in-slot, or one for all); ``u`` gets ``t +
    delay`` if that is within `horizon` and shorter than what it has. The set is every
    node settled: those whose shortest live path to the target takes at most `horizon`,
    i.e. the nodes that, seeded alone, would reach the target by the horizon. Draws are
    read in order from the set's own stream.
    """
    n = in_indptr.shape[0] - 1
    m, lo_bits, mask_lo, mask_hi, memo = _strata(n, root_nodes)
    stamp = np.zeros(n, dtype=np.int32)
    done = np.zeros(n, dtype=np.int32)
    dist = np.empty(n, dtype=np.float64)
    heap = np.empty(n, dtype=np.int32)
    pos = np.empty(n, dtype=np.int32)
    members = np.empty(max(capacity, 16), dtype=np.int32)
    offsets = np.zeros(r1 - r0 + 1, dtype=np.int64)
    at = 0
    for r in range(r0, r1):
        tag = np.int32(r - r0 + 1)
        state = _run_state(stream_root, r)
        state, x = _next_uniform(state)
        cell = _stratum(stream_root, origin, r, m, lo_bits, mask_lo, mask_hi, memo)
        v = _root(x, n, root_nodes, root_cum, cell, m)
        stamp[v] = tag
        dist[v] = 0.0
        heap[0] = v
        pos[v] = 0
        size = 1
        while size > 0:
            w = heap[0]
            t = dist[w]
            size -= 1
            if size > 0:
                heap[0] = heap[size]
                _sift_down(heap, pos, dist, size, 0)
            done[w] = tag
            if at == members.shape[0]:
                members = _grow(members)
            members[at] = w
            at += 1
            for j in range(in_indptr[w], in_indptr[w + 1]):
                state, x = _next_uniform(state)
                if x >= p_in[j]:
                    continue
                u = in_indices[j]
                if done[u] == tag:
                    continue
                aj = a_in[j] if a_in.shape[0] > 1 else a_in[0]
                bj = b_in[j] if b_in.shape[0] > 1 else b_in[0]
                state, d = draw_delay(law, aj, bj, table, state)
                du = t + d
                if du > horizon:
                    continue
                if stamp[u] != tag:
                    stamp[u] = tag
                    dist[u] = du
                    heap[size] = u
                    pos[u] = size
                    size += 1
                    _sift_up(heap, pos, dist, size - 1)
                elif du < dist[u]:
                    dist[u] = du
                    _sift_up(heap, pos, dist, pos[u])
        offsets[r - r0 + 1] = at
    return offsets, members[:at].copy()


@njit(cache=True, nogil=True, inline="always")
def _last_before(times, lo, hi, t, inclusive):
    """The last index k in ``lo .. hi - 1`` with ``times[k] < t`` (``<=`` when
    `inclusive`), or ``lo - 1``; the slice is sorted."""
    a, b = lo, hi
    while a < b:
        mid = (a + b) >> 1
        if times[mid] < t or (inclusive and times[mid] == t):
            a = mid + 1
        else:
            b = mid
    return a - 1


@njit(cache=True, nogil=True)
def rr_sets_temporal(
    in_indptr,
    in_indices,
    in_arc,
    p_in,
    contact_ptr,
    contact_times,
    every,
    t0,
    latest,
    root_nodes,
    root_cum,
    stream_root,
    origin,
    r0,
    r1,
    capacity,
):
    """RR sets ``r0 .. r1 - 1`` under `TemporalIC` (reverse time-respecting search).

    Set r takes its stratum's target v (uniform, or by weight: `_root`), which must
    adopt by `latest` (the horizon's end). Each node w found gets the latest time
    ``L[w]`` it can adopt and still reach v: a contact ``u -> w`` at ``t`` passes it on
    in time if ``t < L[w]`` (``t <= latest`` into v itself) and ``t > t0`` (the seeds
    adopt at `t0`), and then u must adopt strictly before t, so ``L[u]`` is the latest
    such live contact. Nodes are settled in decreasing ``L`` (a reverse Dijkstra: an
    earlier deadline never allows more). A contact is live with its arc's probability:
    each contact a coin of its own (`every`), or one coin per arc (its first contact
    after the source adopts is its only chance; that contact is at or before the latest
    in time whenever any is, so the arc's coin decides). The set is every node settled:
    those that, seeded alone at `t0`, would reach v by `latest`.
    """
    n = in_indptr.shape[0] - 1
    m, lo_bits, mask_lo, mask_hi, memo = _strata(n, root_nodes)
    stamp = np.zeros(n, dtype=np.int32)
    done = np.zeros(n, dtype=np.int32)
    key = np.empty(n, dtype=np.float64)  # -L: the min-heap pops the latest deadline
    heap = np.empty(n, dtype=np.int32)
    pos = np.empty(n, dtype=np.int32)
    members = np.empty(max(capacity, 16), dtype=np.int32)
    offsets = np.zeros(r1 - r0 + 1, dtype=np.int64)
    at = 0
    for r in range(r0, r1):
        tag = np.int32(r - r0 + 1)
        state = _run_state(stream_root, r)
        state, x = _next_uniform(state)
        cell = _stratum(stream_root, origin, r, m, lo_bits, mask_lo, mask_hi, memo)
        v = _root(x, n, root_nodes, root_cum, cell, m)
        stamp[v] = tag
        key[v] = -latest
        heap[0] = v
        pos[v] = 0
        size = 1
        while size > 0:
            w = heap[0]
            deadline = -key[w]
            size -= 1
            if size > 0:
                heap[0] = heap[size]
                _sift_down(heap, pos, key, size, 0)
            done[w] = tag
            if at == members.shape[0]:
                members = _grow(members)
            members[at] = w
            at += 1
            for j in range(in_indptr[w], in_indptr[w + 1]):
                u = in_indices[j]
                if done[u] == tag:
                    continue
                a = in_arc[j]
                lo = contact_ptr[a]
                c = _last_before(contact_times, lo, contact_ptr[a + 1], deadline, w == v)
                if c < lo or contact_times[c] <= t0:
                    continue
                if every:
                    while c >= lo and contact_times[c] > t0:
                        state, x = _next_uniform(state)
                        if x < p_in[j]:
                            break
                        c -= 1
                    if c < lo or contact_times[c] <= t0:
                        continue
                else:
                    state, x = _next_uniform(state)
                    if x >= p_in[j]:
                        continue
                ku = -contact_times[c]
                if stamp[u] != tag:
                    stamp[u] = tag
                    key[u] = ku
                    heap[size] = u
                    pos[u] = size
                    size += 1
                    _sift_up(heap, pos, key, size - 1)
                elif ku < key[u]:
                    key[u] = ku
                    _sift_up(heap, pos, key, pos[u])
        offsets[r - r0 + 1] = at
    return offsets, members[:at].copy()
