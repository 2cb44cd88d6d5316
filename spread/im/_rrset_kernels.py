"""Numba kernels that sample reverse-reachable (RR) sets, for influence maximization.

RR set ``r`` of a collection draws from its own SplitMix64 stream, whose state is
``_run_state(stream_root, r)``: the caller passes the root of the collection's named
stream (`spread._random`), so a set depends only on the root and its index, whatever
thread, batch or Dask worker samples it. The generator's few lines are copied from
`spread.models._ic_lt_kernels` (Numba's cache sees only this file); `tests/test_random.py`
pins both copies to `spread._random`.
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
def _grow(buf, size):
    out = np.empty(max(2 * buf.shape[0], size), dtype=buf.dtype)
    out[: buf.shape[0]] = buf
    return out


@njit(cache=True, nogil=True)
def rr_sets_ic(in_indptr, in_indices, p_in, node_p, node_inv_log, stream_root, r0, r1, capacity):
    """RR sets ``r0 .. r1 - 1`` under independent cascade (reverse breadth-first search).

    Set r picks its target uniformly, then walks in-arcs backwards: an arc ``u -> w``
    examined from ``w`` (u not yet in the set) is live with its probability. When all of
    w's in-arcs share one probability ``node_p[w] >= 0`` (uniform p; weighted cascade,
    where it is ``1 / indeg(w)``), the live ones are found by geometric skipping
    (``node_inv_log[w] = 1 / log(1 - node_p[w])``), one draw per live arc; otherwise one
    draw per examined arc with ``p_in`` (in-slot order). Returns ``(offsets, members)``:
    set ``r`` is ``members[offsets[r - r0]:offsets[r - r0 + 1]]``, its target first.
    """
    n = in_indptr.shape[0] - 1
    stamp = np.zeros(n, dtype=np.int32)
    members = np.empty(max(capacity, 16), dtype=np.int32)
    offsets = np.zeros(r1 - r0 + 1, dtype=np.int64)
    pos = 0
    for r in range(r0, r1):
        tag = np.int32(r - r0 + 1)
        state = _run_state(stream_root, r)
        state, x = _next_uniform(state)
        v = min(np.int64(x * n), n - 1)
        if pos == members.shape[0]:
            members = _grow(members, pos + 1)
        members[pos] = v
        stamp[v] = tag
        head = pos
        pos += 1
        while head < pos:
            w = members[head]
            head += 1
            a = in_indptr[w]
            b = in_indptr[w + 1]
            pw = node_p[w]
            if pw < 0.0:
                for j in range(a, b):
                    state, x = _next_uniform(state)
                    if x < p_in[j]:
                        u = in_indices[j]
                        if stamp[u] != tag:
                            stamp[u] = tag
                            if pos == members.shape[0]:
                                members = _grow(members, pos + 1)
                            members[pos] = u
                            pos += 1
            elif pw > 0.0:
                inv_log = node_inv_log[w]
                j = a
                while True:
                    state, x = _next_uniform(state)
                    skip = np.log(1.0 - x) * inv_log
                    if skip >= b - j:
                        break
                    j += np.int64(skip)
                    u = in_indices[j]
                    if stamp[u] != tag:
                        stamp[u] = tag
                        if pos == members.shape[0]:
                            members = _grow(members, pos + 1)
                        members[pos] = u
                        pos += 1
                    j += 1
        offsets[r - r0 + 1] = pos
    return offsets, members[:pos].copy()


@njit(cache=True, nogil=True)
def rr_sets_lt(in_indptr, in_indices, w_in, stream_root, r0, r1, capacity):
    """RR sets ``r0 .. r1 - 1`` under linear threshold (reverse random walk).

    From the target, each node reached picks at most one in-arc, arc ``u -> w`` with
    probability ``w_in`` (in-slot order), none with the remaining probability; the walk
    stops at none or at a node already in the set.
    """
    n = in_indptr.shape[0] - 1
    stamp = np.zeros(n, dtype=np.int32)
    members = np.empty(max(capacity, 16), dtype=np.int32)
    offsets = np.zeros(r1 - r0 + 1, dtype=np.int64)
    pos = 0
    for r in range(r0, r1):
        tag = np.int32(r - r0 + 1)
        state = _run_state(stream_root, r)
        state, x = _next_uniform(state)
        cur = min(np.int64(x * n), n - 1)
        while True:
            if pos == members.shape[0]:
                members = _grow(members, pos + 1)
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
