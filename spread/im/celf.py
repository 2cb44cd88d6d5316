"""CELF: lazy greedy on Monte Carlo estimates with common random numbers (Leskovec et al. 2007)."""

import heapq
import itertools
import time

import numpy as np

from .. import parallel
from .._common import MAX_WORK, check_work, thread_count, threads
from .._random import RUNS, stream_root
from ..models import check_runs_work, final_sizes, seed_arrays
from ._result import Choice

__all__ = ["celf", "select"]

_MIN_PARALLEL_SECONDS = 0.005


def select(task):
    """`spread.maximize`'s ``method="celf"``."""
    seeds, gains, n_samples = celf(
        task.graph,
        task.k,
        task.model,
        n_runs=task.n_runs,
        root=task.root,
        allowed=task.allowed,
        fixed=task.fixed,
        n_threads=task.n_threads,
        report=task.report,
        client=task.client,
        max_work=task.max_work,
    )
    return Choice(seeds, gains, n_samples)


def _mean_spread(graph, plan, seed_idx, n_runs, root, n_chunks):
    """Mean final size of `n_runs` runs from `seed_idx` (inside a `threads` block)."""
    sizes = final_sizes(
        graph,
        plan,
        seed_arrays([seed_idx]),
        n_runs=n_runs,
        max_steps=max(graph.n_nodes, 1),
        root=root,
        n_chunks=n_chunks,
    )
    return float(sizes.mean())


def celf(
    graph,
    k,
    model,
    *,
    n_runs,
    root,
    allowed,
    fixed,
    n_threads,
    report,
    client=None,
    max_work=MAX_WORK,
):
    """Lazy greedy: a max-heap of stale marginal gains, recomputed only when on top.

    Every estimate uses the same `n_runs` random streams (common random numbers), so
    marginal gains are differences of paired runs. Works for any model `simulate` runs.
    Returns ``(seed ids, gains, n_simulations)``.

    With `client`, estimates run on a Dask cluster: the first pass over all candidates
    as one batch, and each lazy step together with the next stale candidates on the
    heap (speculatively, one per worker thread; a value is used only when the
    sequential lazy greedy asks for it, so the seeds, gains and count are the same).
    """
    plan = model.plan(graph)
    root = stream_root(root, RUNS)
    # At least one estimate per candidate, each of n_runs runs of at least one update.
    n_estimates = int((allowed & ~fixed).sum()) + k
    check_work(
        float(n_estimates) * n_runs,
        max_work,
        what=f"CELF over {n_estimates:,} estimates of `n_runs` = {n_runs:,} runs",
        advice="Lower `n_runs` or the `candidates`",
    )
    if client is not None:
        evaluate = _ClusterEstimates(client, graph, plan, n_runs, root)
        return _lazy_greedy(k, allowed, fixed, evaluate, evaluate.batch, n_runs, report)
    # One parallel launch per estimate: worth it only when an estimate holds a few ms of
    # work (on a busy machine a tiny parallel call can wait milliseconds for a core).
    probe = np.flatnonzero(allowed & ~fixed)[:1]
    max_steps = max(graph.n_nodes, 1)
    check_runs_work(
        graph,
        plan,
        seed_arrays([probe]),
        n_runs=n_runs,
        max_steps=max_steps,
        root=root,
        max_work=max_work,
    )
    t0 = time.perf_counter()
    with parallel.kernel_section(), threads(1):
        _mean_spread(graph, plan, probe, n_runs, root, 1)
    if time.perf_counter() - t0 < _MIN_PARALLEL_SECONDS:
        n_threads = 1
    n_chunks = max(1, min(n_threads, n_runs))

    def evaluate(seed_sets, progress=None):
        values = []
        with parallel.kernel_section(), threads(n_threads):
            for s in seed_sets:
                values.append(_mean_spread(graph, plan, s, n_runs, root, n_chunks))
                if progress is not None and len(values) % 256 == 0:
                    progress(len(values) * n_runs)
        return values

    return _lazy_greedy(k, allowed, fixed, evaluate, 1, n_runs, report)


def _lazy_greedy(k, allowed, fixed, evaluate, batch, n_runs, report):
    """CELF's loop; ``evaluate(seed sets)`` gives their mean spreads.

    `batch` > 1 evaluates, with each lazy re-evaluation, the next ``batch - 1`` stale
    heap entries too, remembered for this round: the heap evolves exactly as with
    one-at-a-time evaluation.
    """
    base_seeds = np.flatnonzero(fixed)
    base = evaluate([base_seeds])[0] if base_seeds.size else 0.0
    pool = np.flatnonzero(allowed & ~fixed)
    values = evaluate(_PlusOne(base_seeds, pool), report)
    heap = [(-(value - base), int(v), 0) for v, value in zip(pool, values, strict=True)]
    evaluations = len(heap)
    heapq.heapify(heap)
    chosen = list(base_seeds)
    seeds, gains = [], []
    current = base
    ahead = {}  # this round's values computed ahead of need: node -> mean spread
    while heap and len(seeds) < k:
        neg, v, round_ = heapq.heappop(heap)
        if round_ == len(seeds):
            seeds.append(v)
            gains.append(-neg)
            chosen.append(v)
            current += -neg
            ahead.clear()
            continue
        if v not in ahead:
            group = [v]
            if batch > 1:
                nxt = heapq.nsmallest(batch - 1, heap)
                group += [u for _, u, r in nxt if r != len(seeds)]
            values = evaluate([np.asarray([*chosen, u]) for u in group])
            ahead.update(zip(group, values, strict=True))
        value = ahead.pop(v)
        evaluations += 1
        heapq.heappush(heap, (-(value - current), v, len(seeds)))
        report(evaluations * n_runs)
    return np.asarray(seeds, dtype=np.int64), np.asarray(gains), evaluations * n_runs


class _PlusOne:
    """The seed sets ``base + [v]`` for v in `pool`, made when read (or sliced)."""

    def __init__(self, base, pool):
        self.base = base
        self.pool = pool

    def __len__(self):
        return self.pool.shape[0]

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [np.append(self.base, v) for v in self.pool[i]]
        return np.append(self.base, self.pool[i])


def _chunk_estimates(graph, plan, n_runs, root, seed_sets, _lo, _hi):
    """On a worker: mean spreads of a chunk's `seed_sets`, with the worker's threads."""
    n_threads = thread_count()
    n_chunks = max(1, min(n_threads, n_runs))
    with parallel.kernel_section(), threads(n_threads):
        return [_mean_spread(graph, plan, s, n_runs, root, n_chunks) for s in seed_sets]


class _ClusterEstimates:
    """``evaluate(seed sets)`` on a Dask cluster, in chunks of seed sets."""

    def __init__(self, client, graph, plan, n_runs, root):
        self.client = client
        self.n_threads = parallel.cluster_threads(client)
        self.batch = self.n_threads
        self.shared = (
            parallel.share(client, graph, owner=graph),
            parallel.share(client, plan, owner=graph, key=(plan.kind, plan.args)),
        )
        self.n_runs = n_runs
        self.root = root

    def __call__(self, seed_sets, progress=None):
        out = [None] * len(seed_sets)
        bounds = parallel.chunk_bounds(len(seed_sets), self.n_threads)
        done = [0]

        def merge(i, values):
            out[bounds[i] : bounds[i + 1]] = values
            done[0] += len(values)
            if progress is not None:
                progress(done[0] * self.n_runs)

        parallel.run_chunks(
            self.client,
            _chunk_estimates,
            (*self.shared, self.n_runs, self.root),
            bounds,
            merge=merge,
            name="celf",
            # each chunk carries only its own seed sets (small arrays)
            extra=[(seed_sets[lo:hi],) for lo, hi in itertools.pairwise(bounds)],
        )
        return out
