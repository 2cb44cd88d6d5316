"""Numba kernels for maximum coverage over RR sets (the NodeSelection step of IMM/OPIM-C)."""

import numpy as np
from numba import njit


@njit(cache=True, nogil=True)
def _node_sets(offsets, members, n):
    """Inverted index: the RR sets holding each node, as CSR (ptr, set ids)."""
    ptr = np.zeros(n + 1, dtype=np.int64)
    for pos in range(members.shape[0]):
        ptr[members[pos] + 1] += 1
    for v in range(n):
        ptr[v + 1] += ptr[v]
    fill = ptr[:-1].copy()
    ids = np.empty(members.shape[0], dtype=np.int32)
    for s in range(offsets.shape[0] - 1):
        for pos in range(offsets[s], offsets[s + 1]):
            v = members[pos]
            ids[fill[v]] = s
            fill[v] += 1
    return ptr, ids


@njit(cache=True, nogil=True)
def _take(v, offsets, members, ptr, ids, cov, done, chosen):
    """Choose v: mark its sets covered and lower the marginal coverage of their members."""
    chosen[v] = True
    for t in range(ptr[v], ptr[v + 1]):
        s = ids[t]
        if not done[s]:
            done[s] = True
            for pos in range(offsets[s], offsets[s + 1]):
                cov[members[pos]] -= 1


@njit(cache=True, nogil=True)
def joined_index(ptr1, ids1, ptr2, ids2, shift):
    """The inverted index of two collections' sets listed one after the other, from
    each one's (`_node_sets`): each node's sets of the first, then those of the second
    shifted by `shift` (the first's number of sets), as `_node_sets` of the joined sets
    gives them, in one sequential pass instead of a scatter over every member."""
    n = ptr1.shape[0] - 1
    ptr = np.empty(n + 1, dtype=np.int64)
    ids = np.empty(ids1.shape[0] + ids2.shape[0], dtype=np.int32)
    ptr[0] = 0
    at = 0
    for v in range(n):
        for t in range(ptr1[v], ptr1[v + 1]):
            ids[at] = ids1[t]
            at += 1
        for t in range(ptr2[v], ptr2[v + 1]):
            ids[at] = ids2[t] + shift
            at += 1
        ptr[v + 1] = at
    return ptr, ids


@njit(cache=True, nogil=True, inline="always")
def _no_index():
    """`_start`'s ``(ptr, ids)`` when it is to build the index itself."""
    return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32)


@njit(cache=True, nogil=True)
def _start(offsets, members, n, fixed, ptr, ids):
    """The greedy's state once `fixed` is in: the inverted index ``(ptr, ids)`` (built
    unless given: `ptr` empty), each node's marginal coverage, the sets covered and the
    nodes chosen."""
    if ptr.shape[0] == 0:
        ptr, ids = _node_sets(offsets, members, n)
    cov = np.empty(n, dtype=np.int64)
    for v in range(n):
        cov[v] = ptr[v + 1] - ptr[v]
    done = np.zeros(offsets.shape[0] - 1, dtype=np.bool_)
    chosen = np.zeros(n, dtype=np.bool_)
    for v in range(n):
        if fixed[v]:
            _take(v, offsets, members, ptr, ids, cov, done, chosen)
    return ptr, ids, cov, done, chosen


_HEAP_AT_LEAST = 4096  # nodes `greedy_cover_index`'s first heap holds, at least (`_floor`)


@njit(cache=True, nogil=True)
def greedy_cover(offsets, members, n, k, allowed, fixed, want_bound):
    """Greedy maximum coverage: `greedy_cover_offset` without offsets."""
    return greedy_cover_offset(
        offsets, members, n, k, allowed, fixed, want_bound, np.empty(0, dtype=np.int64)
    )


@njit(cache=True, nogil=True)
def greedy_cover_offset(offsets, members, n, k, allowed, fixed, want_bound, offset):
    """Greedy maximum coverage: `greedy_cover_index` without the index."""
    ptr, ids = _no_index()
    seeds, gains, total, upper, _, _ = greedy_cover_index(
        offsets, members, n, k, allowed, fixed, want_bound, offset, ptr, ids
    )
    return seeds, gains, total, upper


@njit(cache=True, nogil=True)
def greedy_cover_index(offsets, members, n, k, allowed, fixed, want_bound, offset, ptr, ids):
    """Greedy maximum coverage: k nodes covering the most RR sets not covered by `fixed`.

    With a non-empty `offset` (int64 per node), each node's coverage counts its offset
    on top of its sets (a modular term: conditional RR sets' known part, in sets).

    Returns ``(seeds, gains, covered, upper, ptr, ids)``: the chosen node ids in order
    (-1 where fewer than k nodes were allowed), the sets each newly covered, the total
    covered, (if `want_bound`) the min-bound on the best possible coverage of k allowed
    nodes: the minimum over greedy steps of (covered so far + the k largest marginal
    coverages) (Tang et al. 2018), otherwise -1, and the inverted index it built
    (`_node_sets`: the sets holding each node, for counts through it, `hit_counts`), or
    the one given as `ptr` and `ids` (`joined_index`; empty `ptr`: built here). Ties go
    to the smallest node id.

    Lazy (Minoux 1978): the allowed nodes of positive coverage sit in a max-heap whose
    values can only be stale upward (coverage only falls); the top is refreshed until
    it is current (`_settle`). For the bound, the k largest are kept apart in a front
    (`_front_fill`): each step refreshes those k and trades with the heap's top only
    where it now beats them, instead of taking k tops off the heap and pushing them
    back. Each step costs about log(nodes) (plus k with the bound) instead of a scan of
    every node; the choices, gains and bound are those of the scan.
    """
    ptr, ids, cov, done, chosen = _start(offsets, members, n, fixed, ptr, ids)
    if offset.shape[0]:
        cov += offset
    seeds = np.full(k, -1, dtype=np.int64)
    gains = np.zeros(k, dtype=np.int64)
    total = 0
    upper = np.int64(-1)
    floor = _floor(cov, allowed, chosen, max(16 * k, _HEAP_AT_LEAST))
    key, node, size = _lazy_heap(cov, allowed, chosen, floor)
    front_key = np.empty(k, dtype=np.int64)
    front_node = np.empty(k, dtype=np.int32)
    front = 0
    for i in range(k + 1):
        if want_bound:
            size, front = _front_fill(key, node, size, cov, front_key, front_node, front)
            if floor > 1 and (front < k or (front > 0 and front_key[:front].min() < floor)):
                # nodes below the floor may rank now: every node in, the front refilled
                floor, front = np.int64(1), 0
                key, node, size = _lazy_heap(cov, allowed, chosen, floor)
                size, front = _front_fill(key, node, size, cov, front_key, front_node, front)
            bound = total + front_key[:front].sum()
            if upper < 0 or bound < upper:
                upper = bound
        if i == k:
            break
        best = -1
        best_cov = np.int64(0)
        if want_bound:
            best, front = _front_take(front_key, front_node, front)
            if best >= 0:
                best_cov = cov[best]
        else:
            size = _settle(key, node, size, cov)
            if floor > 1 and (size == 0 or key[0] < floor):  # as above
                floor = np.int64(1)
                key, node, size = _lazy_heap(cov, allowed, chosen, floor)
                size = _settle(key, node, size, cov)
            if size > 0:
                best = node[0]
                best_cov = cov[best]
                size = _pop(key, node, size)
        if best < 0:  # no coverage left: the smallest allowed, unchosen node (gain 0)
            for v in range(n):
                if allowed[v] and not chosen[v]:
                    best = v
                    break
        if best < 0:
            break
        seeds[i] = best
        gains[i] = best_cov
        total += best_cov
        _take(best, offsets, members, ptr, ids, cov, done, chosen)
    return seeds, gains, total, upper, ptr, ids


@njit(cache=True, nogil=True)
def _fractional_bound(cov, costs, budget, allowed, chosen):
    """The fractional knapsack over marginal coverages: the most any allowed nodes
    costing at most `budget` in total can add, by submodularity (an upper bound)."""
    n = cov.shape[0]
    density = np.zeros(n)
    for v in range(n):
        if allowed[v] and not chosen[v] and cov[v] > 0:
            density[v] = cov[v] / costs[v]
    order = np.argsort(-density)
    left = budget
    out = 0.0
    for i in range(n):
        v = order[i]
        if density[v] <= 0.0 or left <= 0.0:
            break
        if costs[v] <= left:
            out += cov[v]
            left -= costs[v]
        else:
            out += cov[v] * left / costs[v]
            left = 0.0
    return out


# Branches, not one ``or`` / ``and`` expression: numba's code for that took about 20 ns
# a call here, a third to two thirds of a greedy on wiki-Vote (benchmarks/RESULTS.md).
@njit(cache=True, nogil=True, inline="always")
def _above(key, node, a, b):
    """Heap order: a larger key first, then a smaller node id."""
    if key[a] != key[b]:
        return key[a] > key[b]
    return node[a] < node[b]


@njit(cache=True, nogil=True)
def _heap_down(key, node, size, i):
    while True:
        top = i
        left = 2 * i + 1
        if left < size and _above(key, node, left, top):
            top = left
        if left + 1 < size and _above(key, node, left + 1, top):
            top = left + 1
        if top == i:
            return
        key[i], key[top] = key[top], key[i]
        node[i], node[top] = node[top], node[i]
        i = top


@njit(cache=True, nogil=True)
def _pop(key, node, size):
    """Drop the heap's top; return the new size."""
    size -= 1
    key[0], node[0] = key[size], node[size]
    _heap_down(key, node, size, 0)
    return size


@njit(cache=True, nogil=True)
def _floor(cov, allowed, chosen, m):
    """The greedy heap's floor: the m-th largest coverage of the allowed, unchosen nodes
    (at least 1; 1 when there are at most m of positive coverage). `_lazy_heap` takes
    the nodes at or above it only: coverage only falls, so a node below it stays below
    every node the heap holds at or above it, and is needed only once fewer than k of
    those remain (`greedy_cover_offset` then builds the heap again from every node)."""
    eligible = 0
    for v in range(cov.shape[0]):
        if allowed[v] and not chosen[v] and cov[v] > 0:
            eligible += 1
    if eligible <= m:
        return np.int64(1)
    values = np.empty(eligible, dtype=np.int64)
    eligible = 0
    for v in range(cov.shape[0]):
        if allowed[v] and not chosen[v] and cov[v] > 0:
            values[eligible] = cov[v]
            eligible += 1
    return max(np.partition(values, eligible - m)[eligible - m], np.int64(1))


@njit(cache=True, nogil=True)
def _lazy_heap(cov, allowed, chosen, floor):
    """``(key, node, size)``: a max-heap (`_above`) of the allowed, unchosen nodes of
    coverage at least `floor` (>= 1: `_floor`), keyed by their coverage (int64 keys,
    int32 ids)."""
    size = 0
    for v in range(cov.shape[0]):
        if allowed[v] and not chosen[v] and cov[v] >= floor:
            size += 1
    key = np.empty(size, dtype=np.int64)
    node = np.empty(size, dtype=np.int32)
    size = 0
    for v in range(cov.shape[0]):
        if allowed[v] and not chosen[v] and cov[v] >= floor:
            key[size] = cov[v]
            node[size] = v
            size += 1
    for i in range(size // 2 - 1, -1, -1):
        _heap_down(key, node, size, i)
    return key, node, size


@njit(cache=True, nogil=True)
def _settle(key, node, size, cov):
    """Refresh the lazy heap's top until its key is its node's coverage (a node whose
    coverage fell to 0 is dropped: it never covers anything again); return the size."""
    while size > 0:
        c = cov[node[0]]
        if c == key[0]:
            return size
        if c == 0:
            size = _pop(key, node, size)
        else:
            key[0] = c
            _heap_down(key, node, size, 0)
    return size


@njit(cache=True, nogil=True)
def _front_fill(key, node, size, cov, front_key, front_node, front):
    """Make the front (its first `front` slots) the nodes of the k largest coverages of
    the front and the lazy heap together (all of them if fewer; k = its length).

    Refreshes the front's keys (dropping nodes whose coverage fell to 0), then, with the
    heap's top settled (`_settle`), moves it in while the front has room, or swaps it
    with the front's smallest while it is larger. The heap keeps the others, keys stale
    upward; its top is settled on return. Returns ``(size, front)``.
    """
    k = front_key.shape[0]
    j = 0
    while j < front:
        c = cov[front_node[j]]
        if c == 0:
            front -= 1
            front_key[j] = front_key[front]
            front_node[j] = front_node[front]
        else:
            front_key[j] = c
            j += 1
    while True:
        size = _settle(key, node, size, cov)
        if size == 0:
            return size, front
        if front < k:
            front_key[front] = key[0]
            front_node[front] = node[0]
            front += 1
            size = _pop(key, node, size)
            continue
        low = 0
        for j in range(1, front):
            if front_key[j] < front_key[low]:
                low = j
        if key[0] <= front_key[low]:
            return size, front
        top_key, top_node = key[0], node[0]
        key[0], node[0] = front_key[low], front_node[low]
        _heap_down(key, node, size, 0)
        front_key[low], front_node[low] = top_key, top_node


@njit(cache=True, nogil=True)
def _front_take(front_key, front_node, front):
    """Take the best node (largest coverage, then smallest id) out of a filled front
    (`_front_fill`). It is the best of the heap's too: a heap node of the same coverage
    as the front's best has a larger id, since the front takes the heap's settled tops,
    which come by coverage and then id, and a swap happens only for a strictly larger
    coverage. Returns ``(node or -1, front)``."""
    at = -1
    for j in range(front):
        if (
            at < 0
            or front_key[j] > front_key[at]
            or (front_key[j] == front_key[at] and front_node[j] < front_node[at])
        ):
            at = j
    if at < 0:
        return -1, front
    best = front_node[at]
    front -= 1
    front_key[at] = front_key[front]
    front_node[at] = front_node[front]
    return best, front


@njit(cache=True, nogil=True)
def _budget_greedy(offsets, members, ptr, ids, cov, done, chosen, costs, budget, allowed, ratio):
    """One greedy under a budget, from the given state (changed in place): each step takes
    the allowed node that fits the budget left with the largest ``cov`` (`ratio` False)
    or ``cov / cost`` (True); ties to the smallest id. Returns (seeds, gains, total).

    Lazy (Minoux 1978; CELF): a max-heap of values that can only be stale upward
    (marginal coverage only falls), so the top is taken when its value is current and
    pushed back with it otherwise; a node that no longer fits the budget left never
    will and is dropped. The same choices as scanning every node at every step.

    The budget left is the budget minus the costs taken, in floating point: a node fits
    when it costs at most that plus ``1e-12`` of the budget, so that a budget equal to
    the total of some costs buys them whatever order its sum and the greedy's took.
    """
    n = cov.shape[0]
    key = np.empty(n)
    node = np.empty(n, dtype=np.int64)
    size = 0
    for v in range(n):
        if allowed[v] and not chosen[v] and costs[v] <= budget:
            key[size] = cov[v] / costs[v] if ratio else float(cov[v])
            node[size] = v
            size += 1
    for i in range(size // 2 - 1, -1, -1):
        _heap_down(key, node, size, i)
    seeds = np.full(n, -1, dtype=np.int64)
    gains = np.zeros(n, dtype=np.int64)
    left = budget
    slack = 1e-12 * budget  # the rounding of the subtractions below
    total = 0
    taken = 0
    while size > 0:
        v = node[0]
        if costs[v] > left + slack:  # never fits again: drop it
            size -= 1
            key[0], node[0] = key[size], node[size]
            _heap_down(key, node, size, 0)
            continue
        val = cov[v] / costs[v] if ratio else float(cov[v])
        if val < key[0]:  # stale: push back down with its current value
            key[0] = val
            _heap_down(key, node, size, 0)
            continue
        seeds[taken] = v
        gains[taken] = cov[v]
        total += cov[v]
        taken += 1
        left -= costs[v]
        _take(v, offsets, members, ptr, ids, cov, done, chosen)
        size -= 1
        key[0], node[0] = key[size], node[size]
        _heap_down(key, node, size, 0)
    return seeds, gains, total


@njit(cache=True, nogil=True)
def budget_cover(offsets, members, n, costs, budget, allowed, fixed, want_bound):
    """Budgeted maximum coverage: allowed nodes of total cost at most `budget` covering
    the most RR sets not covered by `fixed`.

    The best of three answers: the cost-benefit greedy (largest ``gain / cost`` that
    fits), the plain greedy restricted to what fits (largest gain), both lazy
    (`_budget_greedy`), and the best single affordable node. Returns ``(seeds, gains, covered, upper)`` as `greedy_cover`, the
    seeds padded with -1 to length n; `upper` (if `want_bound`, else -1) bounds the best
    coverage any affordable set reaches: the smaller of the fractional knapsack over the
    single nodes' coverages and, past the cost-benefit greedy's choice G, ``cov(G)`` plus
    the fractional knapsack over the marginal coverages (submodularity).
    """
    ptr, ids = _no_index()
    ptr, ids, cov0, done0, chosen0 = _start(offsets, members, n, fixed, ptr, ids)
    upper = -1.0
    if want_bound:
        upper = _fractional_bound(cov0, costs, budget, allowed, chosen0)
    single = -1
    single_cov = np.int64(-1)
    for v in range(n):
        if allowed[v] and not chosen0[v] and costs[v] <= budget and cov0[v] > single_cov:
            single = v
            single_cov = cov0[v]
    cov, done, chosen = cov0.copy(), done0.copy(), chosen0.copy()
    seeds, gains, total = _budget_greedy(
        offsets, members, ptr, ids, cov, done, chosen, costs, budget, allowed, True
    )
    if want_bound:
        upper = min(upper, total + _fractional_bound(cov, costs, budget, allowed, chosen))
    plain, plain_gains, plain_total = _budget_greedy(
        offsets, members, ptr, ids, cov0, done0, chosen0, costs, budget, allowed, False
    )
    if plain_total > total:
        seeds, gains, total = plain, plain_gains, plain_total
    if single >= 0 and single_cov > total:
        seeds = np.full(n, -1, dtype=np.int64)
        gains = np.zeros(n, dtype=np.int64)
        seeds[0] = single
        gains[0] = single_cov
        total = single_cov
    return seeds, gains, total, upper


@njit(cache=True, nogil=True)
def prefix_coverage(offsets, members, rank, k):
    """``out[j]``: RR sets hit by the first ``j + 1`` seeds (``rank[v]`` = v's position, or k)."""
    first = np.zeros(k + 1, dtype=np.int64)
    for s in range(offsets.shape[0] - 1):
        best = k
        for pos in range(offsets[s], offsets[s + 1]):
            r = rank[members[pos]]
            if r < best:
                best = r
        first[best] += 1
    out = np.empty(k, dtype=np.int64)
    acc = 0
    for j in range(k):
        acc += first[j]
        out[j] = acc
    return out


@njit(cache=True, nogil=True)
def count_hit(offsets, members, mark, skip):
    """RR sets holding no node with ``skip[v]``, counted three ways: those holding a
    node with bit 1 of ``mark[v]`` (uint8), those with bit 2, and those with either.
    Two seed sets (bits 1 and 2) are scored in one pass: OPIM-C's cross-check."""
    first = 0
    second = 0
    either = 0
    for s in range(offsets.shape[0] - 1):
        bits = 0
        for pos in range(offsets[s], offsets[s + 1]):
            v = members[pos]
            if skip[v]:
                bits = 0
                break
            bits |= mark[v]
        if bits & 1:
            first += 1
        if bits & 2:
            second += 1
        if bits:
            either += 1
    return first, second, either


@njit(cache=True, nogil=True)
def hit_counts(ptr, set_ids, n_sets, seeds, others, fixed):
    """`count_hit`'s three counts through the inverted index ``(ptr, set_ids)`` of
    `n_sets` sets: the sets holding a node of `seeds`, of `others` (ids; -1 entries
    ignored) and of either, none holding a node with ``fixed[v]``; in the memberships
    of the nodes named (and the fixed ones) instead of every member."""
    mark = np.zeros(n_sets, dtype=np.uint8)  # 4: a fixed node's, 1: a seed's, 2: another's
    for v in range(fixed.shape[0]):
        if fixed[v]:
            for t in range(ptr[v], ptr[v + 1]):
                mark[set_ids[t]] = 4
    first = second = either = 0
    for i in range(seeds.shape[0]):
        v = seeds[i]
        if v >= 0:
            for t in range(ptr[v], ptr[v + 1]):
                s = set_ids[t]
                if mark[s] == 0:
                    mark[s] = 1
                    first += 1
                    either += 1
    for i in range(others.shape[0]):
        v = others[i]
        if v >= 0:
            for t in range(ptr[v], ptr[v + 1]):
                s = set_ids[t]
                m = mark[s]
                if m & 6 == 0:  # neither fixed nor counted for the others yet
                    mark[s] = m | 2
                    second += 1
                    if m == 0:
                        either += 1
    return first, second, either


@njit(cache=True, nogil=True)
def node_sets(offsets, members, n):
    """The inverted index of a collection: the sets holding each node, as CSR
    ``(ptr, set ids)`` (what `InfluenceIndex` keeps beside the sets)."""
    return _node_sets(offsets, members, n)


@njit(cache=True, nogil=True, inline="always")
def _mark_hits(ptr, set_ids, seeds, bits, targets, h, touched):
    """`sets_hit`'s loop; with `targets` (each set's target), also count each hit set's
    target in `h` and list the targets as first hit in `touched`. Returns ``(count,
    number of targets listed)``."""
    count = 0
    n_touched = 0
    with_targets = targets.shape[0] > 0
    one = np.uint64(1)
    for i in range(seeds.shape[0]):
        v = seeds[i]
        for pos in range(ptr[v], ptr[v + 1]):
            s = set_ids[pos]
            bit = one << np.uint64(s & 63)
            word = bits[s >> 6]
            if not (word & bit):
                bits[s >> 6] = word | bit
                count += 1
                if with_targets:
                    t = targets[s]
                    if h[t] == 0:
                        touched[n_touched] = t
                        n_touched += 1
                    h[t] += 1
    return count, n_touched


@njit(cache=True, nogil=True)
def sets_hit(ptr, set_ids, seeds, bits):
    """Sets holding at least one of `seeds` (node ids), counted through the inverted
    index in O(memberships of the seeds); set s is marked in bit ``s % 64`` of
    ``bits[s // 64]`` (a zeroed uint64 array of ``ceil(n_sets / 64)`` words)."""
    none = np.empty(0, dtype=np.int64)
    return _mark_hits(ptr, set_ids, seeds, bits, np.empty(0, dtype=np.int32), none, none)[0]


@njit(cache=True, nogil=True)
def sets_hit_within_strata(ptr, set_ids, seeds, bits, targets, counts):
    """`sets_hit`, and the variance of that count estimated within strata: sets grouped
    by their target (``targets[s]``, the set's first member), ``sum_v h_v (c_v - h_v) /
    (c_v - 1)`` over the targets v of the hit sets, ``h_v`` of whose ``c_v = counts[v]``
    sets (all >= 2) are hit. Returns ``(count, variance)``."""
    h = np.zeros(counts.shape[0], dtype=np.int64)
    touched = np.empty(counts.shape[0], dtype=np.int64)
    count, n_touched = _mark_hits(ptr, set_ids, seeds, bits, targets, h, touched)
    var = 0.0
    for j in range(n_touched):
        t = touched[j]
        var += h[t] * (counts[t] - h[t]) / (counts[t] - 1.0)
    return count, var


@njit(cache=True, nogil=True)
def uncovered_counts(ptr, set_ids, bits):
    """For every node, its sets not marked in `bits` (after `sets_hit`): the sets it
    would add to a seed set, its marginal coverage."""
    n = ptr.shape[0] - 1
    out = np.zeros(n, dtype=np.int64)
    one = np.uint64(1)
    for v in range(n):
        c = 0
        for pos in range(ptr[v], ptr[v + 1]):
            s = set_ids[pos]
            if not (bits[s >> 6] & (one << np.uint64(s & 63))):
                c += 1
        out[v] = c
    return out
