"""Plain-Python reference implementations, written from the model definitions.

Obviously correct and slow: they work on Python lists and dicts, one node at a time.
Each returns ``{node index: activation step}`` for one run.

- `ic_run`, `lt_run`: the definitions, in synchronous rounds (Kempe et al. 2003).
- `ic_live_edge`, `lt_live_edge`: the live-edge (percolation) formulations.
- `ic_replay`, `lt_replay`: the same processes driven by the kernels' own random stream
  (SplitMix64, run ``r`` seeded from ``(root, r)``) and drawing in the kernels' order, so
  that the kernels and these references see the same coin flips; `ic_replay_rounds`
  adds spontaneous adoption and both read coins by index with ``crn=True``.
- `ic_external_run`: IC with spontaneous adoption, from the definition.
- `rr_set_ic`: a reverse-reachable set over given live arcs; `rr_set_ic_replay` samples
  one from the RR-set kernel's stream in its order (subset sampling included), its
  target from `rr_stratum` (the stratified targets).
- `ctic_times`: continuous-time IC, event by event, from given arc delays;
  `ctic_replay` feeds it the kernels' coins and delays (`ctic_delay`, the delay laws
  re-implemented in plain Python on the same streams).
- `dmp_ic`: dynamic message passing for IC from its cavity equations.
- `exposure_counts`: the exposure curve's counts, pair by pair.
- `as_plain_python`: a kernel module's own bodies run by Python, bounds-checked.
"""

import bisect
import heapq
import math
import weakref
from collections import deque

import numpy as np

MASK64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


_ADJACENCY = weakref.WeakKeyDictionary()


def out_arcs(graph):
    """``[[(v, arc id), ...] for each u]`` in arc order (built once per graph)."""
    if graph not in _ADJACENCY:
        indptr, indices = graph.indptr.tolist(), graph.indices.tolist()
        out = [
            [(indices[j], j) for j in range(indptr[u], indptr[u + 1])]
            for u in range(graph.n_nodes)
        ]
        ins = [[] for _ in range(graph.n_nodes)]
        for u, arcs in enumerate(out):
            for v, j in arcs:
                ins[v].append((u, j))
        _ADJACENCY[graph] = (out, ins)
    return _ADJACENCY[graph][0]


def in_arcs(graph):
    """``[[(u, arc id), ...] for each v]`` (built once per graph)."""
    out_arcs(graph)
    return _ADJACENCY[graph][1]


def as_plain_python(module, monkeypatch):
    """`module`'s source executed with `numba.njit` as the identity and `numba.prange` as
    `range`: the kernels' own bodies, run by Python, with numpy's bounds checks on every
    index (Numba checks none, so a write one past a buffer goes unseen when compiled)."""
    import types

    import numba

    def identity(*args, **kwargs):
        return args[0] if args and callable(args[0]) else (lambda f: f)

    monkeypatch.setattr(numba, "njit", identity)
    monkeypatch.setattr(numba, "prange", range)
    plain = types.ModuleType(f"plain_{module.__name__.rsplit('.', 1)[-1]}")
    with open(module.__file__, encoding="utf-8") as f:
        exec(compile(f.read(), module.__file__, "exec"), plain.__dict__)
    monkeypatch.undo()
    return plain


# --------------------------------------------------------------- definitions
def ic_run(graph, seeds, p, rng, max_steps=None):
    """Independent cascade in synchronous rounds; `p` per arc, `rng` a numpy Generator."""
    arcs = out_arcs(graph)
    time = {s: 0 for s in seeds}
    newly = list(dict.fromkeys(seeds))
    t = 0
    while newly and (max_steps is None or t < max_steps):
        t += 1
        nxt = []
        for u in newly:
            for v, j in arcs[u]:
                if v not in time and rng.random() < p[j]:
                    time[v] = t
                    nxt.append(v)
        newly = nxt
    return time


def lt_run(graph, seeds, w, thresholds, max_steps=None):
    """Linear threshold in synchronous rounds: v joins at t+1 iff its active in-weight >= theta_v."""
    ins = in_arcs(graph)
    time = {s: 0 for s in seeds}
    t = 0
    while max_steps is None or t < max_steps:
        active = set(time)
        new = []
        for v in range(graph.n_nodes):
            if v in active:
                continue
            weight = sum(w[j] for u, j in ins[v] if u in active)
            if weight >= thresholds[v]:
                new.append(v)
        if not new:
            break
        t += 1
        for v in new:
            time[v] = t
    return time


def bfs_steps(adjacency, seeds):
    """Breadth-first distance from the seed set over an adjacency list."""
    time = {s: 0 for s in seeds}
    queue = deque(time)
    while queue:
        u = queue.popleft()
        for v in adjacency[u]:
            if v not in time:
                time[v] = time[u] + 1
                queue.append(v)
    return time


def ic_live_edge(graph, seeds, live):
    """IC as reachability over the live arcs (``live[j]`` True for a live arc j)."""
    adjacency = [[v for v, j in arcs if live[j]] for arcs in out_arcs(graph)]
    return bfs_steps(adjacency, seeds)


def lt_live_edge(graph, seeds, w, rng):
    """LT as reachability: each node keeps at most one in-arc, arc j with probability w[j]."""
    adjacency = [[] for _ in range(graph.n_nodes)]
    for v, arcs in enumerate(in_arcs(graph)):
        x = rng.random()
        acc = 0.0
        for u, j in arcs:
            acc += w[j]
            if x < acc:
                adjacency[u].append(v)
                break
    return bfs_steps(adjacency, seeds)


# ------------------------------------------------------- the kernels' stream
def _mix(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
    return z ^ (z >> 31)


class SplitMix64:
    """The kernels' generator: SplitMix64, run `run` seeded from `root`."""

    def __init__(self, root, run):
        self.state = _mix(int(root) ^ _mix((run * GOLDEN + GOLDEN) & MASK64))

    def random(self):
        self.state = (self.state + GOLDEN) & MASK64
        return (_mix(self.state) >> 11) * 2.0**-53


#: The RR-set kernels' stratum constants (`spread.im._rrset_kernels._stratum`).
_BLOCK_SALT = 0x632BE59BD9B4E019
_SHIFT_SALT = 0x85157AF5D4A2B8C3
_ROUND = (0xD6E8FEB86659FD93, 0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3)
_MIX1, _MIX2 = 0xBF58476D1CE4E5B9, 0x94D049BB133111EB


def rr_stratum(root, origin, run, m):
    """The stratum (0 .. m - 1) of RR set `run` of a collection starting at `origin`.

    Block ``b = (run - origin) // m`` of the collection has the key ``mix(root ^ salt ^
    mix(origin * M1 + b * golden))``; the set's position in its block goes through four
    alternating Feistel half-rounds on a ``bits``-bit word (``bits`` the least with
    ``2**bits >= m``, split low ``bits // 2``, high the rest): ``hi ^= mix(key ^ lo *
    R0)``, ``lo ^= mix(key ^ (hi * R1 + golden))``, ``hi ^= mix(key ^ (lo * R2 +
    M1))``, ``lo ^= mix(key ^ (hi * R3 + M2))``, each masked to its part's width,
    repeated until the word is below m; then rotated by ``floor(u m)`` (u the key's
    uniform under a second salt).
    """
    b, i = divmod(run - origin, m)
    key = _mix(root ^ _BLOCK_SALT ^ _mix((origin * _MIX1 + b * GOLDEN) & MASK64))
    shift = min(int(((_mix(key ^ _SHIFT_SALT) >> 11) * 2.0**-53) * m), m - 1)
    bits = (m - 1).bit_length()
    lo_bits = bits // 2
    mask_lo, mask_hi = (1 << lo_bits) - 1, (1 << (bits - lo_bits)) - 1
    x = i
    while True:
        lo, hi = x & mask_lo, x >> lo_bits
        hi ^= _mix(key ^ ((lo * _ROUND[0]) & MASK64)) & mask_hi
        lo ^= _mix(key ^ ((hi * _ROUND[1] + GOLDEN) & MASK64)) & mask_lo
        hi ^= _mix(key ^ ((lo * _ROUND[2] + _MIX1) & MASK64)) & mask_hi
        lo ^= _mix(key ^ ((hi * _ROUND[3] + _MIX2) & MASK64)) & mask_lo
        x = (hi << lo_bits) | lo
        if x < m:
            return (x + shift) % m


def ic_replay(graph, seeds, p, root, run, p_uniform=None):
    """IC drawing from the kernels' stream in their order (FIFO, arcs in CSR order).

    With `p_uniform`, successful arcs are found by geometric skipping: draw U, jump
    ``floor(log(1 - U) / log(1 - p))`` arcs.
    """
    gen = SplitMix64(root, run)
    arcs = out_arcs(graph)
    time = {s: 0 for s in sorted(set(seeds))}
    queue = deque(time)
    while queue:
        u = queue.popleft()
        if p_uniform is None:
            for v, j in arcs[u]:
                if gen.random() < p[j] and v not in time:  # a coin for every arc
                    time[v] = time[u] + 1
                    queue.append(v)
        elif p_uniform > 0:
            inv = 0.0 if p_uniform >= 1 else 1.0 / math.log1p(-p_uniform)
            k = 0
            while True:
                skip = math.log(1.0 - gen.random()) * inv
                if skip >= len(arcs[u]) - k:
                    break
                k += int(skip)
                v = arcs[u][k][0]
                if v not in time:
                    time[v] = time[u] + 1
                    queue.append(v)
                k += 1
    return time


def indexed_uniform(root, run, i):
    """The ``(i + 1)``-th number of run `run`'s stream, read by index (common random numbers)."""
    start = SplitMix64(root, run).state
    return (_mix((start + (i + 1) * GOLDEN) & MASK64) >> 11) * 2.0**-53


def table_quantile(table, u):
    """Linear interpolation of a quantile table at u (the kernels' formula)."""
    m = len(table) - 1
    pos = u * m
    i = min(int(pos), m - 1)
    frac = pos - i
    return table[i] + frac * (table[i + 1] - table[i])


EXTERNAL_SALT = 0x4558545F41444F50


def ic_replay_rounds(graph, seeds, p, root, run, *, max_steps, external=0.0, crn=False):
    """IC with spontaneous adoption, in synchronous rounds, on the kernels' streams.

    Per-arc coins in the kernels' order (or, with `crn`, the coin of arc j is the
    stream's j-th number). After the arcs of round t, every inactive node adopts on
    its own with probability ``e_t`` (`external`: a number, or a schedule whose entry
    ``t - 1`` is round t's and whose last entry holds past its end), found by geometric
    skipping over node ids on a stream seeded from the run's:
    ``mix(state ^ EXTERNAL_SALT)``. Rounds go on while a later round can see
    spontaneous adoption.
    """
    gen = SplitMix64(root, run)
    ext = SplitMix64(0, 0)
    ext.state = _mix(gen.state ^ EXTERNAL_SALT)
    n = graph.n_nodes
    schedule = [float(e) for e in np.atleast_1d(external)]
    positive = [i + 1 for i, e in enumerate(schedule) if e > 0]
    until = max_steps if schedule[-1] > 0 else (positive[-1] if positive else 0)
    arcs = out_arcs(graph)
    time = {s: 0 for s in sorted(set(seeds))}
    level = list(time)
    t = 0
    while t < max_steps and len(time) < n and (level or t < until):
        t += 1
        nxt = []
        for u in level:
            for v, j in arcs[u]:
                x = indexed_uniform(root, run, j) if crn else gen.random()
                if x < p[j] and v not in time:
                    time[v] = t
                    nxt.append(v)
        e = schedule[min(t, len(schedule)) - 1]
        if e > 0:
            inv = 1.0 / math.log1p(-e) if e < 1 else 0.0
            v = -1
            while True:
                skip = math.log(1.0 - ext.random()) * inv
                if skip >= n - 1 - v:
                    break
                v += 1 + int(skip)
                if v not in time:
                    time[v] = t
                    nxt.append(v)
        level = nxt
    return time


def ic_external_run(graph, seeds, p, external, rng, max_steps):
    """IC plus spontaneous adoption from the definition: each round t, newly active
    nodes try their inactive out-neighbours once, and every inactive node adopts on its
    own with probability ``e_t`` (`external`: a number or a per-round schedule whose
    last entry holds)."""
    arcs = out_arcs(graph)
    schedule = np.atleast_1d(np.asarray(external, dtype=float))
    time = {s: 0 for s in seeds}
    newly = list(dict.fromkeys(seeds))
    for t in range(1, max_steps + 1):
        e = schedule[min(t, schedule.size) - 1]
        nxt = []
        for u in newly:
            for v, j in arcs[u]:
                if v not in time and rng.random() < p[j]:
                    time[v] = t
                    nxt.append(v)
        for v in range(graph.n_nodes):
            if v not in time and rng.random() < e:
                time[v] = t
                nxt.append(v)
        newly = nxt
    return time


def lt_replay(graph, seeds, w, root, run, *, table=None, crn=False):
    """LT drawing each threshold from the kernels' stream when the node is first reached.

    Like the kernel, it tracks the threshold left to reach (theta minus the weight
    received), which equals ``sum >= theta`` up to rounding. `table`: a quantile table
    of the threshold law applied to the uniform; `crn`: node v's uniform is the
    stream's v-th number.
    """
    gen = SplitMix64(root, run)
    arcs = out_arcs(graph)
    time = {s: 0 for s in sorted(set(seeds))}
    queue = deque(time)
    rest = {}
    while queue:
        u = queue.popleft()
        for v, j in arcs[u]:
            if v in time:
                continue
            if v not in rest:
                x = indexed_uniform(root, run, v) if crn else gen.random()
                rest[v] = 1.0 - x if table is None else table_quantile(table, 1.0 - x)
            rest[v] -= w[j]  # the threshold left to reach
            if rest[v] <= 0.0:
                time[v] = time[u] + 1
                queue.append(v)
    return time


# ------------------------------------------------------- the kernels' buffers
def rows_between_sentinels(n_runs, width, count=2, sentinel=-7):
    """`count` zeroed int32 per-step buffers of shape ``(n_runs, width)`` whose rows are
    interleaved with rows of `sentinel` in one block (``block[b, 1::2]``), so that a
    kernel writing one past a row writes a sentinel. Returns ``(block, buffers)``."""
    block = np.full((count, 2 * n_runs, width), sentinel, dtype=np.int32)
    buffers = [block[b, 0::2] for b in range(count)]
    for rows in buffers:
        rows[:] = 0
    return block, buffers


# ------------------------------------------------------------- Monte Carlo
def sizes(run_once, n_runs):
    """Final sizes of `n_runs` calls of `run_once()` (each returning a time dict)."""
    return np.array([len(run_once()) for _ in range(n_runs)], dtype=float)


# ------------------------------------------------------------------- heat
def heat_operator_dense(graph, kind):
    """The heat operator H from its definition, as a dense array (no spread code)."""
    n = graph.n_nodes
    src, dst, w = graph.edges()
    src, dst = graph.index_of(src), graph.index_of(dst)
    w = np.ones(len(src)) if w is None else np.asarray(w, dtype=float)
    A = np.zeros((n, n))  # A[i, j]: conductance of the arc j -> i
    for j, i, c in zip(src.tolist(), dst.tolist(), w.tolist(), strict=True):
        A[i, j] += c
    out = A.sum(axis=0)  # weighted out-degree of each j
    if kind == "undirected":
        return A - np.diag(out)
    if kind == "directed":
        H = A / np.where(out > 0, out, 1.0)[None, :]
        return H - np.diag((out > 0).astype(float))
    d = out
    inv = np.array([1 / math.sqrt(x) if x > 0 else 0.0 for x in d])
    return inv[:, None] * A * inv[None, :] - np.diag((d > 0).astype(float))


def heat_dense(graph, f0, beta, t, kind):
    """exp(beta t H) f0 with a dense matrix exponential."""
    from scipy.linalg import expm

    return expm(beta * t * heat_operator_dense(graph, kind)) @ f0


# ----------------------------------------------------------------- RR sets
def rr_set_ic(graph, target, live):
    """The nodes that reach `target` over the live arcs (a reverse-reachable set)."""
    reverse = [[] for _ in range(graph.n_nodes)]
    for u, arcs in enumerate(out_arcs(graph)):
        for v, j in arcs:
            if live[j]:
                reverse[v].append(u)
    return set(bfs_steps(reverse, [target]))


def rr_set_ic_replay(graph, p_in, root, run, subset=(), origin=0, *, weighted=None, node_q=None):
    """RR set `run` under IC drawing from the kernels' stream in their order
    (`spread.im._rrset_kernels.rr_sets_ic`): the nodes in the order they join, the
    target first.

    `p_in` gives each in-slot's probability, in the graph's in-slot order. The first
    number U0 is drawn; the target is the set's stratum (`rr_stratum`), or, with
    `weighted` = ``(nodes, cumulative weights)``, ``nodes[i]`` for the first i whose
    cumulative weight passes ``(stratum + U0) / m`` of the total (m nodes, m strata).
    Then each node w found, in turn (breadth first), finds its live in-arcs, whose
    sources join in that order if new. Its slots are in the graph's order, or, for w in
    `subset`, sorted by decreasing p (a stable sort):

    - all of w's in-arcs share one p: geometric skipping, ``floor(log(1 - U) / log(1 -
      p))`` arcs skipped before each live one (none drawn for p = 0);
    - w in `subset`: from slot k, with ``q = p[k]``: stop if q <= 0; if q >= 1 the slot
      is live, no draw; else skip ``floor(log(1 - U) / log(1 - q))`` slots (stop if past
      the end) and accept the slot landed on if ``V q < p`` there (V drawn only when that
      p < q); go on after it;
    - otherwise a coin per in-arc, in slot order.

    With `node_q` (per node, the probability that no in-arc is live), the target's first
    live slot is drawn first, given that there is one: shared p, ``floor(log(1 - U (1 -
    q)) / log(1 - p))`` slots skipped (0 for p = 1), at most to the last; otherwise the
    first slot where the running product of ``1 - p`` is at most ``1 - U (1 - q)`` (the
    last if none); the target's other slots then follow its rule from the slot after.
    """
    gen = SplitMix64(root, run)
    indptr, sources = graph.in_indptr.tolist(), graph.in_indices.tolist()
    n = graph.n_nodes
    u0 = gen.random()
    if weighted is None:
        target = rr_stratum(root, origin, run, n)
    else:
        nodes, cum = weighted
        m = len(nodes)
        level = (rr_stratum(root, origin, run, m) + u0) / m * cum[-1]
        target = int(nodes[min(bisect.bisect_right(list(cum), level), m - 1)])
    found = [target]
    for w in found:  # `found` grows while it is read: a breadth-first search
        slots = list(range(indptr[w], indptr[w + 1]))
        probs = {float(p_in[j]) for j in slots}
        shared = len(probs) == 1
        if not shared and w in subset:
            slots.sort(key=lambda j: -p_in[j])
        live, k = [], 0
        if node_q is not None and w == target and len(found) == 1 and slots:
            level = 1.0 - gen.random() * (1.0 - node_q[w])
            if shared:
                (q,) = probs
                inv = 1.0 / math.log1p(-q) if 0 < q < 1 else 0.0
                k = min(int(math.log(level) * inv), len(slots) - 1)
            else:
                none, k = 1.0, len(slots) - 1
                for i, j in enumerate(slots):
                    none *= 1.0 - p_in[j]
                    if none <= level:
                        k = i
                        break
            live.append(slots[k])
            k += 1
        if shared:
            (q,) = probs
            inv = 1.0 / math.log1p(-q) if 0 < q < 1 else 0.0
            while q > 0:
                skip = math.log(1.0 - gen.random()) * inv
                if skip >= len(slots) - k:
                    break
                k += int(skip)
                live.append(slots[k])
                k += 1
        elif w in subset:
            while k < len(slots):
                q = p_in[slots[k]]
                if q <= 0:
                    break
                if q < 1:
                    skip = math.log(1.0 - gen.random()) * (1.0 / math.log1p(-q))
                    if skip >= len(slots) - k:
                        break
                    k += int(skip)
                    pk = p_in[slots[k]]
                    if pk < q and gen.random() * q >= pk:
                        k += 1
                        continue
                live.append(slots[k])
                k += 1
        else:
            live += [j for j in slots[k:] if gen.random() < p_in[j]]
        for j in live:
            if sources[j] not in found:
                found.append(sources[j])
    return found


# ----------------------------------------------------------- cascade fits
def ic_em(groups, n_arcs, *, tol=1e-13, max_iter=100_000, start=0.5):
    """Saito, Nakano & Kimura's EM for per-arc IC probabilities (KES 2008).

    `groups` lists the trials as ``(arcs, success)``: the arc ids of the parents that
    tried one target at one step, and whether it activated. Every arc with a trial
    starts at `start`; one iteration sets
    ``kappa_a <- sum_{successes with a} (kappa_a / P_g) / (number of trials of a)``
    with ``P_g = 1 - prod_{b in g} (1 - kappa_b)``. Stops when no arc moves by more
    than `tol`. Returns ``(kappa, n_iter)``: a list with None for arcs without a trial.
    """
    n_trials = [0] * n_arcs
    wins = [[] for _ in range(n_arcs)]  # success groups each arc took part in
    successes = []
    for arcs, success in groups:
        for a in arcs:
            n_trials[a] += 1
        if success:
            for a in arcs:
                wins[a].append(len(successes))
            successes.append(list(arcs))
    kappa = [start if n else None for n in n_trials]
    for it in range(1, max_iter + 1):
        p_group = []
        for arcs in successes:
            miss = 1.0
            for a in arcs:
                miss *= 1.0 - kappa[a]
            p_group.append(1.0 - miss)
        moved = 0.0
        new = list(kappa)
        for a in range(n_arcs):
            if n_trials[a]:
                new[a] = sum(kappa[a] / p_group[g] for g in wins[a]) / n_trials[a]
                moved = max(moved, abs(new[a] - kappa[a]))
        kappa = new
        if moved < tol:
            return kappa, it
    return kappa, max_iter


def dmp_ic(graph, p_arc, p0, external, n_steps):
    """Dynamic message passing for IC, written from its cavity equations (Lokhov,
    Mézard & Zdeborová, PRE 91, 012811, 2015), one message per arc in a dict.

    The message ``k -> i`` at step t is the probability that k is active by t in the
    graph without i: ``1 - (1 - p0[k]) prod_{s <= t} (1 - e_s) prod_{l -> k, l != i}
    (1 - p_lk m_lk(t - 1))``, with ``e_s = external[min(s, len) - 1]``; a node's
    marginal takes the same product over all its in-arcs. Each product is multiplied
    out over the arcs it keeps (no division). Returns ``(new per step, marginals)`` as
    lists.
    """
    ins = in_arcs(graph)
    arcs = [(k, i, j) for k, lst in enumerate(out_arcs(graph)) for i, j in lst]
    msg = {(k, i): float(p0[k]) for k, i, _ in arcs}
    active = [float(v) for v in p0]
    new = [sum(active)]
    keep = 1.0
    for t in range(1, n_steps):
        keep *= 1.0 - float(external[min(t - 1, len(external) - 1)])

        def cavity(k, without, keep=keep, msg=msg):
            prod = 1.0
            for src, j in ins[k]:
                if src != without:
                    prod *= 1.0 - float(p_arc[j]) * msg[(src, k)]
            return 1.0 - (1.0 - float(p0[k])) * keep * prod

        total = sum(active)
        active = [cavity(i, None) for i in range(graph.n_nodes)]
        msg = {(k, i): cavity(k, i) for k, i, _ in arcs}
        new.append(sum(active) - total)
    return new, active


def exposure_counts(graph, casc_ptr, nodes, steps):
    """The exposure counts of Romero, Meeder & Kleinberg (2011), pair by pair.

    In each cascade (rows ``casc_ptr[c]:casc_ptr[c + 1]`` of `nodes` and `steps`), an
    adopter after the cascade's first step has ``k`` = its in-neighbours adopting at
    earlier steps; a node outside the cascade with ``k >= 1`` in-neighbours in it has
    ``k``. Returns ``(reached, adopted)``, lists indexed by ``k`` up to the largest:
    pairs with at least ``k``, adopters with exactly ``k``.
    """
    ins = in_arcs(graph)
    ks_all, ks_adopted = [], []
    for c in range(len(casc_ptr) - 1):
        rows = range(int(casc_ptr[c]), int(casc_ptr[c + 1]))
        step = {int(nodes[r]): int(steps[r]) for r in rows}
        first = min(step.values())
        for v, s in step.items():
            if s != first:
                k = sum(1 for u, _ in ins[v] if u in step and step[u] < s)
                ks_all.append(k)
                ks_adopted.append(k)
        for w in range(graph.n_nodes):
            if w not in step:
                k = sum(1 for u, _ in ins[w] if u in step)
                if k:
                    ks_all.append(k)
    top = max(ks_all, default=0)
    reached = [sum(1 for k in ks_all if k >= j) for j in range(top + 1)]
    adopted = [ks_adopted.count(j) for j in range(top + 1)]
    return reached, adopted


def ctic_times(graph, delays, seeds):
    """Continuous-time IC by event-driven simulation: each infection schedules its arcs.

    ``delays[j]`` is the transmission delay of arc j (``inf``: never). The earliest
    arrival infects a node; returns ``{node index: infection time}``.
    """
    import heapq

    arcs = out_arcs(graph)
    time = {}
    queue = [(0.0, s) for s in seeds]
    heapq.heapify(queue)
    while queue:
        t, u = heapq.heappop(queue)
        if u in time:
            continue
        time[u] = t
        for v, j in arcs[u]:
            if v not in time and delays[j] != math.inf:
                heapq.heappush(queue, (t + delays[j], v))
    return time


# ------------------------------------------------- continuous-time IC, replayed
DELAY_SALT = 0x44454C4159535F31


def _delay_stream(root, run, j):
    """Arc j's delay stream in run `run` (the kernels' ``arc_delay`` seeding)."""
    gen = SplitMix64(root, run)
    start = _mix(gen.state ^ DELAY_SALT)
    gen.state = _mix((start + (j + 1) * GOLDEN) & MASK64)
    return gen


def _normal(gen):
    u1, u2 = gen.random(), gen.random()
    return math.sqrt(-2.0 * math.log1p(-u1)) * math.cos(2.0 * math.pi * u2)


def _gamma(gen, shape):
    """Marsaglia & Tsang (2000), shape < 1 boosted by ``U ** (1 / shape)``."""
    boost = 1.0
    if shape < 1.0:
        boost = (1.0 - gen.random()) ** (1.0 / shape)
        shape += 1.0
    d = shape - 1.0 / 3.0
    c = 1.0 / math.sqrt(9.0 * d)
    while True:
        z = _normal(gen)
        v = 1.0 + c * z
        if v <= 0.0:
            continue
        v = v * v * v
        if math.log1p(-gen.random()) < 0.5 * z * z + d - d * v + d * math.log(v):
            return d * v * boost


def ctic_delay(law, params, root, run, j):
    """Arc j's delay in run `run`: ``law`` a name as `spread.CTIC` takes it, ``params``
    its parameters for this arc."""
    return _law_draw(_delay_stream(root, run, j), law, params)


def ctic_replay(graph, seeds, p, law, params, root, run, max_time=math.inf):
    """Continuous-time IC on the kernels' draws: arc j is live iff the run's j-th
    number (by index) is below ``p[j]``; its delay is `ctic_delay`. Adoption times are
    the event-driven times of `ctic_times` over the live arcs, kept up to `max_time`."""
    delays = []
    for j in range(graph.n_edges):
        if indexed_uniform(root, run, j) < p[j]:
            delays.append(ctic_delay(law, [x[j] for x in params], root, run, j))
        else:
            delays.append(math.inf)
    times = ctic_times(graph, delays, sorted(set(seeds)))
    return {v: t for v, t in times.items() if t <= max_time}


RECOVERY_SALT = 0x5245434F56455231


def sir_replay(graph, seeds, beta, gamma, root, run, horizon=math.inf):
    """Markovian SIR on the kernels' draws, event by event.

    Node u's infectious period is ``-log1p(-U) / gamma[u]`` with U the first number of
    its own stream (``mix(mix(state ^ RECOVERY_SALT) + (u + 1) GOLDEN)``); arc j's
    transmission delay is `ctic_delay` with rate ``beta[j]``; the arc transmits iff its
    delay is shorter than its tail's period. Returns ``({node: infection time},
    {node: recovery time})``, both up to `horizon`.
    """
    import heapq

    state = SplitMix64(root, run).state
    rstart = _mix(state ^ RECOVERY_SALT)
    arcs = out_arcs(graph)
    infected, recovered = {}, {}
    queue = [(0.0, s) for s in sorted(set(seeds))]
    heapq.heapify(queue)
    while queue:
        t, u = heapq.heappop(queue)
        if u in infected or t > horizon:
            continue
        infected[u] = t
        gen = SplitMix64(0, 0)
        gen.state = _mix((rstart + (u + 1) * GOLDEN) & MASK64)
        period = -math.log1p(-gen.random()) / gamma[u]
        if t + period <= horizon:
            recovered[u] = t + period
        for v, j in arcs[u]:
            if v in infected:
                continue
            d = ctic_delay("exponential", [beta[j]], root, run, j)
            if d <= period:  # a tie transmits (whole-step laws)
                heapq.heappush(queue, (t + d, v))
    return infected, recovered


def sis_replay(graph, seeds, beta, gamma, root, run, horizon, time_step):
    """Markovian SIS on the kernel's stream, drawing in its order (Gillespie with phantom
    events: the next event after Exp(gamma I + beta K); a recovery of a uniform infectious
    node, or a uniform infectious node kept with probability degree / max degree and one
    of its arcs, uniformly). Returns ``({node: first infection time}, [infectious at
    k time_step for k = 0, 1, ... while k time_step <= horizon])``."""
    gen = SplitMix64(root, run)
    indptr, indices = graph.indptr.tolist(), graph.indices.tolist()
    degree = [indptr[v + 1] - indptr[v] for v in range(graph.n_nodes)]
    max_degree = max(degree, default=0)
    members = list(dict.fromkeys(seeds))
    first = dict.fromkeys(members, 0.0)
    levels = [len(members)]
    t, k = 0.0, 1
    while True:
        weight = sum(degree[v] for v in members)
        rate = gamma * len(members) + beta * weight
        if rate <= 0:
            break
        t += -math.log1p(-gen.random()) / rate
        while k * time_step < t and k * time_step <= horizon:
            levels.append(len(members))
            k += 1
        if t > horizon:
            break
        if gen.random() * rate < gamma * len(members):
            idx = min(int(gen.random() * len(members)), len(members) - 1)
            members[idx] = members[-1]  # the kernel's swap with the last
            members.pop()
            continue
        while True:
            v = members[min(int(gen.random() * len(members)), len(members) - 1)]
            if gen.random() * max_degree < degree[v]:
                break
        w = indices[indptr[v] + min(int(gen.random() * degree[v]), degree[v] - 1)]
        if w in members:
            continue
        members.append(w)
        first.setdefault(w, t)
    while k * time_step <= horizon * (1 + 1e-12):
        levels.append(len(members))
        k += 1
    return first, levels


CONTACT_SALT = 0x434F4E5441435431


def contact_uniform(root, run, c):
    """The coin of contact `c` in run `run` (`TemporalIC` with ``attempts="every"``)."""
    start = _mix(SplitMix64(root, run).state ^ CONTACT_SALT)
    return (_mix((start + (c + 1) * GOLDEN) & MASK64) >> 11) * 2.0**-53


def recovery_period(law, param, root, run, u):
    """Node u's infectious period under ``("fixed", d)`` or ``("exponential", rate)``,
    from the first number of its own stream (as `sir_replay` reads it)."""
    if law == "fixed":
        return param
    gen = SplitMix64(0, 0)
    gen.state = _mix(
        (_mix(SplitMix64(root, run).state ^ RECOVERY_SALT) + (u + 1) * GOLDEN) & MASK64
    )
    return -math.log1p(-gen.random()) / param


def temporal_sweep(contacts, seeds, t0, coin, *, first_only, horizon=math.inf, period=None):
    """Temporal independent cascade by one sweep over the contacts in time order.

    `contacts` is a list of ``(t, u, v, arc, c)`` (c: the contact's index, arc: its
    arc's); `coin(arc, c)` says whether that chance succeeds. A node infected at ``t_u``
    transmits through contacts at times ``t > t_u`` (and ``t <= t_u + period(u)``,
    ``t <= horizon``); with `first_only` only the first contact of an arc after
    ``t_u`` is a chance. Contacts at one time act together, from the nodes infected
    before it (paths increase strictly). Returns ``{node: infection time}``.
    """
    infected = dict.fromkeys(seeds, t0)
    ends = {}
    last_seen = {}  # arc -> time of its latest contact already swept
    by_time = {}
    for item in contacts:
        by_time.setdefault(item[0], []).append(item)
    for t in sorted(by_time):
        if t > horizon:
            break
        new = {}
        for _, u, v, arc, c in by_time[t]:
            previous = last_seen.get(arc, -math.inf)
            if u in infected and infected[u] < t and v not in infected:
                if period is not None:
                    if u not in ends:
                        ends[u] = infected[u] + period(u)
                    if t > ends[u]:
                        continue
                if first_only and previous > infected[u]:
                    continue  # not the arc's first contact after u's infection
                if coin(arc, c):
                    new[v] = t
        for _, _, _, arc, _ in by_time[t]:
            last_seen[arc] = t
        infected.update(new)
    return infected


def temporal_contacts(graph):
    """``(t, u, v, arc, c)`` of every contact of a `TemporalGraph`, in index order."""
    tails = np.repeat(np.arange(graph.n_nodes), graph.out_degree)
    out = []
    for j in range(graph.n_edges):
        for c in range(graph.contact_ptr[j], graph.contact_ptr[j + 1]):
            out.append((float(graph.contact_times[c]), int(tails[j]), int(graph.indices[j]), j, c))
    return out


def sis_steps_replay(graph, seeds, beta, gamma, root, run, n_steps):
    """Discrete-time SIS on the kernel's stream, in its order: each step the infectious
    (in member order) try their susceptible out-neighbours (CSR order), then recover in
    reverse member order (a recovered member is replaced by the last); the newly
    infected join at the end. Returns ``({node: first infection step}, [infectious after
    each step 0 .. n_steps])``."""
    gen = SplitMix64(root, run)
    indptr, indices = graph.indptr.tolist(), graph.indices.tolist()
    members = []
    for s in seeds:
        if s not in members:
            members.append(s)
    first = dict.fromkeys(members, 0)
    levels = [len(members)]
    for k in range(1, n_steps + 1):
        if not members:
            levels.append(0)
            continue
        infectious = set(members)
        new = []
        for u in list(members):
            for j in range(indptr[u], indptr[u + 1]):
                w = indices[j]
                if w in infectious or w in new:
                    continue
                if gen.random() < beta:
                    new.append(w)
        for idx in range(len(members) - 1, -1, -1):
            if gen.random() < gamma:
                members[idx] = members[-1]
                members.pop()
        for w in new:
            members.append(w)
            first.setdefault(w, k)
        levels.append(len(members))
    return first, levels


def _law_draw(gen, law, params):
    """One draw of ``(law, params)`` (names as `spread.CTIC` takes them) from `gen`."""
    if law == "fixed":
        return params[0]
    if law == "lognormal":
        return math.exp(params[0] + params[1] * _normal(gen))
    if law == "gamma":
        return _gamma(gen, params[0]) * params[1]
    e = -math.log1p(-gen.random())
    if law == "weibull":
        return params[1] * e ** (1.0 / params[0])
    assert law == "exponential"
    return e / params[0]


def rr_set_ctic_replay(graph, p_in, law, params_in, horizon, root, run, origin=0):
    """RR set `run` under continuous-time IC with a horizon, drawing from the kernels'
    stream in their order (`spread.im._rrset_kernels.rr_sets_ctic`, no target weights):
    the nodes in the order they are settled, by increasing distance to the target
    (found here by scanning every offer; under a continuous law ties have probability
    0, so the order is the kernel's whatever its heap does with ties).

    The first number is drawn, unused; the target is `rr_stratum` of the set. Each node
    w settled at distance t visits its
    in-slots j in order: a number below ``p_in[j]`` makes the arc live; then, unless its
    source u is settled already, a delay is drawn (`_law_draw` with ``params_in[j]``,
    same stream) and u is offered ``t + delay`` if that is within `horizon` and below
    its best offer so far.
    """
    gen = SplitMix64(root, run)
    indptr, sources = graph.in_indptr.tolist(), graph.in_indices.tolist()
    n = graph.n_nodes
    gen.random()  # drawn, but the target is the stratum
    target = rr_stratum(root, origin, run, n)
    offer, settled = {target: 0.0}, []
    while len(settled) < len(offer):
        t, w = min((t, u) for u, t in offer.items() if u not in settled)
        settled.append(w)
        for j in range(indptr[w], indptr[w + 1]):
            if gen.random() >= p_in[j]:
                continue
            u = sources[j]
            if u in settled:
                continue
            du = t + _law_draw(gen, law, params_in[j])
            if du <= horizon and du < offer.get(u, math.inf):
                offer[u] = du
    return settled


def rr_set_temporal_replay(graph, p_in, every, t0, latest, root, run, origin=0):
    """RR set `run` over timestamped contacts, drawing from the kernels' stream in their
    order (`spread.im._rrset_kernels.rr_sets_temporal`, no target weights): the nodes
    in the order they are settled, by decreasing deadline (found by scanning; with
    distinct contact times there are no ties).

    The first number is drawn, unused; the target is `rr_stratum` of the set, with the
    deadline `latest`. Each node w settled
    with deadline L visits its in-slots j in order, skipping a source u settled
    already: the arc's contacts that pass it on in time are those after `t0` and
    before L (at or before L into the target itself); none, and no draw. With `every`
    each of them, latest first, draws a number until one falls below ``p_in[j]``: that
    contact is the live one; otherwise the arc draws one number, and if it falls below
    ``p_in[j]`` the latest of them is live. u is offered the live contact's time as its
    deadline (it must adopt strictly before it) if that is later than its offer so far.
    """
    gen = SplitMix64(root, run)
    indptr, sources = graph.in_indptr.tolist(), graph.in_indices.tolist()
    in_arc, ptr = graph.in_arc.tolist(), graph.contact_ptr.tolist()
    times = graph.contact_times.tolist()
    n = graph.n_nodes
    gen.random()  # drawn, but the target is the stratum
    target = rr_stratum(root, origin, run, n)
    offer, settled = {target: latest}, []
    while len(settled) < len(offer):
        deadline, w = max((t, u) for u, t in offer.items() if u not in settled)
        settled.append(w)
        for j in range(indptr[w], indptr[w + 1]):
            u = sources[j]
            if u in settled:
                continue
            a = in_arc[j]
            ok = [
                t
                for t in times[ptr[a] : ptr[a + 1]]
                if t0 < t and (t <= deadline if w == target else t < deadline)
            ]
            if not ok:
                continue
            live = None
            if every:
                for t in reversed(ok):
                    if gen.random() < p_in[j]:
                        live = t
                        break
            elif gen.random() < p_in[j]:
                live = ok[-1]
            if live is not None and live > offer.get(u, -math.inf):
                offer[u] = live
    return settled


def sis_events_replay(
    graph, seeds, trans, recovery, root, run, *, horizon, time_step, contacts=None, every=True,
    p=None, t0=0.0, origin=0.0,
):  # fmt: skip
    """SIS event by event on the kernels' stream (laws, or `TemporalGraph` contacts).

    `trans(j)` and `recovery(u)` give ``(law, params)`` of arc j's gaps and node u's
    period. Events are handled in ``(time, code)`` order, code u for u's recovery and
    ``n + j`` for a transmission on arc j. Infecting u at t reads its period (one draw)
    and then, for each out-arc in CSR order whose head is not infectious past the
    period's end, the arc's first transmission: t plus a gap (one draw; arcs with
    ``p[j] = 0`` skipped) or, over contacts, the first contact after t whose coin
    (`contact_uniform`) is below ``p[j]`` (only the first contact unless `every`).
    After a transmission (infecting its head if susceptible), the arc's next one is
    drawn the same way while the head may still recover before the period ends.
    Returns ``({node: first infection time from origin}, [infectious at k time_step])``.
    """
    n = graph.n_nodes
    gen = SplitMix64(root, run)
    indptr, heads = graph.indptr.tolist(), graph.indices.tolist()
    p = [1.0] * graph.n_edges if p is None else list(p)
    last = origin + horizon
    end, arc_end, cursor, infected, first = {}, {}, {}, set(), {}
    queue = []

    def next_on(j, t, e, c):
        if contacts is None:
            if p[j] <= 0:
                return None
            s = t + _law_draw(gen, *trans(j))
            return (s, c) if s < e and s <= last else None
        times = graph.contact_times
        while c < int(graph.contact_ptr[j + 1]) and times[c] < e and times[c] <= last:
            if contact_uniform(root, run, c) < p[j]:
                return float(times[c]), c
            if not every:
                return None
            c += 1
        return None

    def infect(u, t):
        infected.add(u)
        e = t + _law_draw(gen, *recovery(u))
        end[u] = e
        if e <= last:
            heapq.heappush(queue, (e, u))
        for j in range(indptr[u], indptr[u + 1]):
            w = heads[j]
            if w in infected and end[w] >= e:
                continue
            c = 0
            if contacts is not None:
                lo, hi = int(graph.contact_ptr[j]), int(graph.contact_ptr[j + 1])
                c = lo + int(np.searchsorted(graph.contact_times[lo:hi], t, side="right"))
            got = next_on(j, t, e, c)
            if got is not None:
                arc_end[j], cursor[j] = e, got[1]
                heapq.heappush(queue, (got[0], n + j))

    for s in seeds:
        if s not in infected:
            infect(s, t0)
            first[s] = 0.0
    levels = []  # level k: infectious at k time_step, after the events at that time
    while queue:
        t, code = heapq.heappop(queue)
        while len(levels) * time_step < t - origin:
            levels.append(len(infected))
        if code < n:
            infected.discard(code)
            continue
        j = code - n
        w = heads[j]
        if w not in infected:
            infect(w, t)
            first.setdefault(w, t - origin)
        if end[w] < arc_end[j] and (every or contacts is None):
            got = next_on(j, t, arc_end[j], cursor[j] + 1)
            if got is not None:
                cursor[j] = got[1]
                heapq.heappush(queue, (got[0], code))
    while len(levels) * time_step <= horizon * (1 + 1e-12):
        levels.append(len(infected))
    return first, levels
