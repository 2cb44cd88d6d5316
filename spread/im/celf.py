"""CELF: lazy greedy on Monte Carlo estimates with common random numbers (Leskovec et al. 2007)."""

import heapq
import time

import numpy as np

from .._common import threads
from ..models.simulate import _Batch

__all__ = ["celf"]

_MIN_PARALLEL_SECONDS = 0.005


def _mean_spread(graph, model, prepared, seed_idx, n_runs, root, n_chunks):
    out = _Batch.empty(n_runs, graph.n_nodes, 1, n_chunks, False)
    model._run(
        graph, prepared, seed_idx.astype(np.int32), max(graph.n_nodes, 1), root, 0, n_chunks, out
    )
    return float(out.final_sizes.mean())


def celf(graph, k, model, *, n_runs, root, allowed, fixed, n_threads, report):
    """Lazy greedy: a max-heap of stale marginal gains, recomputed only when on top.

    Every estimate uses the same `n_runs` random streams (common random numbers), so
    marginal gains are differences of paired runs. Works for any model `simulate` runs.
    Returns ``(seed ids, gains, n_simulations)``.
    """
    prepared = model._prepare(graph)
    # One parallel launch per estimate: worth it only when an estimate holds a few ms of
    # work (on a busy machine a tiny parallel call can wait milliseconds for a core).
    probe = np.flatnonzero(allowed & ~fixed)[:1]
    t0 = time.perf_counter()
    with threads(1):
        _mean_spread(graph, model, prepared, probe, n_runs, root, 1)
    if time.perf_counter() - t0 < _MIN_PARALLEL_SECONDS:
        n_threads = 1
    n_chunks = max(1, min(n_threads, n_runs))
    with threads(n_threads):
        return _lazy_greedy(
            graph, k, model, prepared, n_runs, root, allowed, fixed, n_chunks, report
        )


def _lazy_greedy(graph, k, model, prepared, n_runs, root, allowed, fixed, n_chunks, report):
    base_seeds = np.flatnonzero(fixed)
    base = (
        _mean_spread(graph, model, prepared, base_seeds, n_runs, root, n_chunks)
        if base_seeds.size
        else 0.0
    )
    evaluations = 0
    heap = []
    for v in np.flatnonzero(allowed & ~fixed):
        gain = (
            _mean_spread(graph, model, prepared, np.append(base_seeds, v), n_runs, root, n_chunks)
            - base
        )
        evaluations += 1
        heap.append((-gain, int(v), 0))
        if evaluations % 256 == 0:
            report(evaluations * n_runs)
    heapq.heapify(heap)
    chosen = list(base_seeds)
    seeds, gains = [], []
    current = base
    while heap and len(seeds) < k:
        neg, v, round_ = heapq.heappop(heap)
        if round_ == len(seeds):
            seeds.append(v)
            gains.append(-neg)
            chosen.append(v)
            current += -neg
            continue
        value = _mean_spread(
            graph, model, prepared, np.asarray([*chosen, v]), n_runs, root, n_chunks
        )
        evaluations += 1
        heapq.heappush(heap, (-(value - current), v, len(seeds)))
        report(evaluations * n_runs)
    return np.asarray(seeds, dtype=np.int64), np.asarray(gains), evaluations * n_runs
