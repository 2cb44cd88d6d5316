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
def _top_sum(cov, allowed, chosen, k, nodes):
    """Sum of the k largest ``cov[v]`` over allowed, unchosen nodes (min-heap of size k),
    among `nodes` (node ids; all nodes when it is empty: those left out must add 0)."""
    heap = np.zeros(k, dtype=np.int64)
    size = 0
    every = nodes.shape[0] == 0
    for j in range(cov.shape[0] if every else nodes.shape[0]):
        v = j if every else nodes[j]
        if not allowed[v] or chosen[v]:
            continue
        c = cov[v]
        if size < k:
            i = size
            size += 1
            heap[i] = c
            while i > 0 and heap[(i - 1) // 2] > heap[i]:
                p = (i - 1) // 2
                heap[i], heap[p] = heap[p], heap[i]
                i = p
        elif c > heap[0]:
            heap[0] = c
            i = 0
            while True:
                left = 2 * i + 1
                small = i
                if left < size and heap[left] < heap[small]:
                    small = left
                if left + 1 < size and heap[left + 1] < heap[small]:
                    small = left + 1
                if small == i:
                    break
                heap[i], heap[small] = heap[small], heap[i]
                i = small
    return heap[:size].sum()


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
def _start(offsets, members, n, fixed):
    """The greedy's state once `fixed` is in: the inverted index ``(ptr, ids)``, each
    node's marginal coverage, the sets covered and the nodes chosen."""
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


@njit(cache=True, nogil=True)
def greedy_cover(offsets, members, n, k, allowed, fixed, want_bound):
    """Greedy maximum coverage: k nodes covering the most RR sets not covered by `fixed`.

    Returns ``(seeds, gains, covered, upper)``: the chosen node ids in order (-1 where
    fewer than k nodes were allowed), the sets each newly covered, the total covered, and
    (if `want_bound`) the min-bound on the best possible coverage of k allowed nodes:
    the minimum over greedy steps of (covered so far + the k largest marginal coverages)
    (Tang et al. 2018); otherwise -1. Ties go to the smallest node id.
    """
    ptr, ids, cov, done, chosen = _start(offsets, members, n, fixed)
    seeds = np.full(k, -1, dtype=np.int64)
    gains = np.zeros(k, dtype=np.int64)
    total = 0
    upper = np.int64(-1)
    # The candidates: allowed, unchosen nodes of positive coverage, in id order. Coverage
    # only falls, so the list only shrinks (compacted as it is scanned); the nodes left
    # out add 0 to any bound, and are looked at only when no candidate is left.
    cand = np.empty(n, dtype=np.int32)
    m = 0
    for v in range(n):
        if allowed[v] and not chosen[v] and cov[v] > 0:
            cand[m] = v
            m += 1
    for i in range(k + 1):
        if want_bound:
            bound = total + _top_sum(cov, allowed, chosen, k, cand[:m])
            if upper < 0 or bound < upper:
                upper = bound
        if i == k:
            break
        best = -1
        best_cov = np.int64(0)
        kept = 0
        for j in range(m):
            v = cand[j]
            c = cov[v]
            if c > 0 and not chosen[v]:
                cand[kept] = v
                kept += 1
                if c > best_cov:
                    best = v
                    best_cov = c
        m = kept
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
    return seeds, gains, total, upper


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


@njit(cache=True, nogil=True, inline="always")
def _above(key, node, a, b):
    """Heap order: a larger key first, then a smaller node id."""
    return key[a] > key[b] or (key[a] == key[b] and node[a] < node[b])


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
def _budget_greedy(offsets, members, ptr, ids, cov, done, chosen, costs, budget, allowed, ratio):
    """One greedy under a budget, from the given state (changed in place): each step takes
    the allowed node that fits the budget left with the largest ``cov`` (`ratio` False)
    or ``cov / cost`` (True); ties to the smallest id. Returns (seeds, gains, total).

    Lazy (Minoux 1978; CELF): a max-heap of values that can only be stale upward
    (marginal coverage only falls), so the top is taken when its value is current and
    pushed back with it otherwise; a node that no longer fits the budget left never
    will and is dropped. The same choices as scanning every node at every step.
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
    total = 0
    taken = 0
    while size > 0:
        v = node[0]
        if costs[v] > left:  # never fits again: drop it
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
    ptr, ids, cov0, done0, chosen0 = _start(offsets, members, n, fixed)
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
def count_hit(offsets, members, hit, skip):
    """RR sets holding a node with ``hit[v]`` and no node with ``skip[v]``."""
    count = 0
    for s in range(offsets.shape[0] - 1):
        h = False
        for pos in range(offsets[s], offsets[s + 1]):
            v = members[pos]
            if skip[v]:
                h = False
                break
            if hit[v]:
                h = True
        if h:
            count += 1
    return count


@njit(cache=True, nogil=True)
def node_sets(offsets, members, n):
    """The inverted index of a collection: the sets holding each node, as CSR
    ``(ptr, set ids)`` (what `InfluenceIndex` keeps beside the sets)."""
    return _node_sets(offsets, members, n)


@njit(cache=True, nogil=True)
def sets_hit(ptr, set_ids, seeds, bits):
    """Sets holding at least one of `seeds` (node ids), counted through the inverted
    index in O(memberships of the seeds); set s is marked in bit ``s % 64`` of
    ``bits[s // 64]`` (a zeroed uint64 array of ``ceil(n_sets / 64)`` words)."""
    count = 0
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
    return count


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
