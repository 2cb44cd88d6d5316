"""`simulate`: Monte Carlo runs of a spread model from seed nodes."""

import time
from dataclasses import dataclass

import numpy as np

from .. import parallel
from .._common import progress_bar, thread_count, threads
from .._random import root_seed
from .._validation import check_int
from ..exceptions import InvalidParameterError
from ..graph import Graph
from ._result import SpreadResult, SpreadResults

__all__ = ["simulate"]

_TARGET_BATCH_SECONDS = 0.25  # keeps Ctrl-C and the progress bar responsive
_FIRST_STEPS = 16  # fewest per-step columns after the pilot batch
_PILOT_RUNS = 16  # runs in the first batch, which sizes the per-step buffer
_PILOT_STEPS = 1024  # per-step columns of the pilot batch
_CHUNK_RUNS = 1 << 16  # most runs per chunk on a Dask cluster
_CHUNK_TIMES_BYTES = 64 << 20  # most activation-time bytes per chunk on a Dask cluster


@dataclass
class _Batch:
    """Output buffers of one kernel call."""

    final_sizes: np.ndarray
    depths: np.ndarray
    steps: np.ndarray
    times: np.ndarray
    keep_times: bool
    node_counts: np.ndarray

    @classmethod
    def empty(cls, n_runs, n_nodes, n_steps, n_chunks, keep_times):
        return cls(
            final_sizes=np.zeros(n_runs, dtype=np.int64),
            depths=np.zeros(n_runs, dtype=np.int64),
            steps=np.zeros((n_runs, n_steps), dtype=np.int32),
            times=np.full((n_runs, n_nodes) if keep_times else (1, 1), -1, dtype=np.int32),
            keep_times=keep_times,
            node_counts=np.zeros((n_chunks, n_nodes), dtype=np.int32),
        )


def _seed_indices(graph, s):
    if isinstance(s, np.ndarray) and s.dtype == bool:
        if s.shape != (graph.n_nodes,):
            msg = f"a boolean `seeds` mask must have one entry per node ({graph.n_nodes}); got shape {s.shape}."
            raise InvalidParameterError(msg)
        idx = np.flatnonzero(s)
    else:
        idx = graph.index_of(list(s))
    if len(idx) == 0:
        msg = "`seeds` must name at least one node; got an empty seed set."
        raise InvalidParameterError(msg)
    return np.unique(idx).astype(np.int32)


def _parse_seeds(graph, seeds):
    """Seed labels, a boolean mask, or a list of seed sets -> (index arrays, multiple)."""
    if isinstance(seeds, np.ndarray) and seeds.dtype == bool:
        return [_seed_indices(graph, seeds)], False
    if graph._is_scalar_label(seeds):
        return [_seed_indices(graph, [seeds])], False
    seeds = list(seeds)
    if seeds and not any(graph._is_scalar_label(s) for s in seeds):
        return [_seed_indices(graph, s) for s in seeds], True
    return [_seed_indices(graph, seeds)], False


def simulate(
    graph,
    seeds,
    model,
    *,
    n_runs=1000,
    max_steps=None,
    rng=None,
    n_jobs=None,
    progress=None,
    keep_times=False,
    times=None,
    keep="all",
    client=None,
):
    """Simulate a spread model from seed nodes, many times (or, for `Heat`, exactly).

    Parameters
    ----------
    graph : Graph
    seeds : label, sequence of labels, boolean mask, or sequence of sequences
        The seed nodes, by label (a boolean array of length ``n_nodes`` also works).
        Several seed sets (``[[a, b], [c]]``) are simulated with the same random streams
        (common random numbers) and returned together as `SpreadResults`.
    model : IC, LT or Heat
        The spread model. `Heat` is deterministic: it is solved exactly at `times`
        (`n_runs`, `max_steps`, `rng`, `progress` and `keep_times` do not apply) and
        `seeds` may also be a ``{label: heat}`` dict or a float vector of initial heat.
    n_runs : int, default 1000
        Independent Monte Carlo runs.
    max_steps : int, optional
        Stop each run after this many steps (by default, when a step activates nobody).
    rng : None, int, SeedSequence or Generator
        Fixes the root of the random streams: run ``r`` uses a stream that depends only on
        the root and ``r``, so results are identical for any `n_jobs`.
    n_jobs : int, optional
        Threads to use (default: all of Numba's threads).
    progress : bool, optional
        Show a progress bar (default: when stderr is a terminal and the work takes more
        than 2 s).
    keep_times : bool, default False
        Keep every node's activation step in every run (``n_runs * n_nodes`` int32).
    times : array_like of float, optional
        `Heat` only (required there): the times at which to read the heat.
    keep : {"all", "summary"}, default "all"
        `Heat` only: keep the heat of every node at every time, or only summaries.
    client : dask.distributed.Client, optional
        Compute the runs on a Dask cluster: the graph is scattered to every worker
        once, the runs go out in chunks and the results come back merged, identical to
        the local call with the same `rng` (see `spread.parallel`). `n_jobs` then
        does not apply (each worker uses its own threads). `Heat` is solved here.

    Returns
    -------
    SpreadResult, SpreadResults or HeatResult
        `SpreadResults` (a tuple of `SpreadResult`) when several seed sets were given;
        `HeatResult` for `Heat`.

    Raises
    ------
    NodeNotFound
        If a seed is not a node of the graph (the message names it).
    InvalidParameterError
        If an argument is out of range, or the model's parameters are invalid.
    ModuleNotFoundError
        If `client` is given and dask.distributed (the ``dask`` extra) is missing.

    Notes
    -----
    Runs are computed in batches (a quarter of a second each, or so) so that Ctrl-C
    and the progress bar respond; batching does not change any result. Compilation by
    Numba happens on the first call in a fresh environment and is cached on disk.

    Examples
    --------
    >>> import spread
    >>> g = spread.datasets.load("karate")
    >>> spread.simulate(g, [0], spread.IC(p=1.0), n_runs=10, rng=0).mean
    34.0
    >>> res = spread.simulate(g, [[0], [33]], spread.IC(p=0.1), n_runs=500, rng=1)
    >>> res.to_frame()[["mean", "stderr"]].round(2)
              mean  stderr
    seed_set
    0         3.24    0.10
    1         3.53    0.11
    """
    if not isinstance(graph, Graph):
        msg = f"`graph` must be a spread.Graph; got {type(graph).__name__}."
        raise InvalidParameterError(msg)
    if hasattr(model, "_simulate"):  # deterministic models (Heat)
        return model._simulate(graph, seeds, times=times, keep=keep, n_jobs=n_jobs)
    if not hasattr(model, "_prepare"):
        msg = f"`model` must be a spread model (IC, LT, Heat); got {model!r}."
        raise InvalidParameterError(msg)
    if times is not None:
        msg = "`times` applies to Heat; IC and LT advance in steps (see `max_steps`)."
        raise InvalidParameterError(msg)
    n_runs = check_int(n_runs, name="n_runs", min_value=1)
    if max_steps is None:
        if getattr(model, "_needs_max_steps", lambda: False)():
            msg = (
                f"`max_steps` is required for {model!r}: with spontaneous adoption a run "
                "never dies out."
            )
            raise InvalidParameterError(msg)
        max_steps = max(graph.n_nodes, 1)
    max_steps = check_int(max_steps, name="max_steps", min_value=0)
    keep_times = bool(keep_times)
    seed_sets, multiple = _parse_seeds(graph, seeds)
    prepared = model._prepare(graph)
    root = root_seed(rng)
    n_threads = thread_count(n_jobs)
    client = parallel.check_client(client)

    results = []
    bar = progress_bar(n_runs * len(seed_sets), desc=f"simulate {model!r}", progress=progress)
    try:
        for seed_idx in seed_sets:
            args = (graph, seed_idx, model, prepared, n_runs, max_steps, root)
            if client is not None:
                results.append(_simulate_one_cluster(client, *args, keep_times, bar))
                continue
            with parallel.kernel_section(), threads(n_threads):
                results.append(_simulate_one(*args, n_threads, keep_times, bar))
    finally:
        bar.close()
    return SpreadResults(results) if multiple else results[0]


def _simulate_one(
    graph, seed_idx, model, prepared, n_runs, max_steps, root, n_threads, keep_times, bar
):
    start = time.perf_counter()
    finals, steps, node_counts, times = _simulate_runs(
        graph, seed_idx, model, prepared, 0, n_runs, max_steps, root, n_threads, keep_times, bar
    )
    return _result(graph, seed_idx, model, root, finals, steps, node_counts, times, start)


def _result(graph, seed_idx, model, root, finals, steps, node_counts, times, start):
    return SpreadResult(
        final_sizes=finals,
        new_per_step=steps,
        node_probability=node_counts / finals.shape[0],
        seeds=graph.label_of(seed_idx),
        model=model,
        root_seed=int(root),
        activation_times=times,
        elapsed=time.perf_counter() - start,
        graph=graph,
    )


def _stack_steps(blocks, n_runs):
    """Per-step blocks (rows in run order, any widths) as one matrix, trailing zeros cut."""
    width = max(b.shape[1] for b in blocks)
    steps = np.zeros((n_runs, width), dtype=np.int32)
    row = 0
    for b in blocks:
        steps[row : row + b.shape[0], : b.shape[1]] = b
        row += b.shape[0]
    last = np.flatnonzero(steps.any(axis=0))
    return steps[:, : (last[-1] + 1 if last.size else 1)]


def _simulate_runs(
    graph, seed_idx, model, prepared, run0, n_runs, max_steps, root, n_threads, keep_times, bar
):
    """Runs ``run0 .. run0 + n_runs - 1``: (final sizes, per-step counts, node counts, times).

    `model` only needs ``_run`` (a model or its class). Per-step counts are exact
    whatever the buffer sizes: runs deeper than the buffer are replayed.
    """
    n = graph.n_nodes
    finals, step_blocks, times_blocks = [], [], []
    node_counts = np.zeros(n, dtype=np.int64)
    # A small pilot batch with a wide per-step buffer measures how deep the cascades go;
    # later batches get twice that (deeper runs, if any, are replayed one by one).
    n_steps = min(_PILOT_STEPS, max_steps + 1)
    done = 0
    batch = min(n_runs, _PILOT_RUNS)
    while done < n_runs:
        size = min(batch, n_runs - done)
        # More chunks than threads, so that one slow (or descheduled) thread does not
        # hold the whole call up.
        n_chunks = max(1, min(2 * n_threads, size))
        t0 = time.perf_counter()
        out = _Batch.empty(size, n, n_steps, n_chunks, keep_times)
        model._run(graph, prepared, seed_idx, max_steps, root, run0 + done, n_chunks, out)
        elapsed = time.perf_counter() - t0
        deepest = int(out.depths.max(initial=0))
        steps = out.steps
        if deepest >= n_steps:
            # Some runs went deeper than the per-step buffer. A run depends only on
            # (root, run index), so replay just those runs, exactly, into a wider buffer.
            n_steps = max(deepest + 1, min(2 * n_steps, max_steps + 1))
            steps = np.zeros((size, n_steps), dtype=np.int32)
            steps[:, : out.steps.shape[1]] = out.steps
            for i in np.flatnonzero(out.depths >= out.steps.shape[1]):
                one = _Batch.empty(1, n, n_steps, 1, False)
                run = run0 + done + int(i)
                model._run(graph, prepared, seed_idx, max_steps, root, run, 1, one)
                steps[i] = one.steps[0]
        finals.append(out.final_sizes)
        step_blocks.append(steps[:, : deepest + 1])  # only the columns in use
        if keep_times:
            times_blocks.append(out.times)
        node_counts += out.node_counts.sum(axis=0)
        if done == 0:
            n_steps = min(max(_FIRST_STEPS, 2 * deepest + 8), max_steps + 1)
        done += size
        bar.update(size)
        rate = size / max(elapsed, 1e-6)
        batch = int(min(max(rate * _TARGET_BATCH_SECONDS, 16 * n_threads), 1 << 20))

    return (
        np.concatenate(finals),
        _stack_steps(step_blocks, n_runs),
        node_counts,
        np.concatenate(times_blocks) if keep_times else None,
    )


# ------------------------------------------------------------------ on a Dask cluster
def _chunk_runs(graph, prepared, model_class, seed_idx, max_steps, root, keep_times, lo, hi):
    """On a worker: runs ``lo .. hi - 1``, with the worker's threads (`spread.parallel`)."""
    n_threads = thread_count()
    with parallel.kernel_section(), threads(n_threads):
        finals, steps, node_counts, times = _simulate_runs(
            graph,
            seed_idx,
            model_class,
            prepared,
            lo,
            hi - lo,
            max_steps,
            root,
            n_threads,
            keep_times,
            parallel.NoBar(),
        )
    return finals, steps, node_counts.astype(np.int32), times  # counts <= hi - lo


def _simulate_one_cluster(
    client, graph, seed_idx, model, prepared, n_runs, max_steps, root, keep_times, bar
):
    """`_simulate_one` with the runs computed on a Dask cluster, merged in run order."""
    start = time.perf_counter()
    n = graph.n_nodes
    max_size = _CHUNK_RUNS
    if keep_times:
        max_size = max(1, min(max_size, _CHUNK_TIMES_BYTES // (4 * max(n, 1))))
    bounds = parallel.chunk_bounds(
        n_runs, parallel.cluster_threads(client), min_size=16, max_size=max_size
    )
    parts = [None] * (len(bounds) - 1)
    node_counts = np.zeros(n, dtype=np.int64)

    def merge(i, part):
        finals, steps, counts, times = part
        parts[i] = (finals, steps, times)
        node_counts[:] += counts

    args = (
        parallel.share(client, graph, owner=graph),
        parallel.share(client, prepared, owner=graph),
        type(model),  # `_run` is a static method: models carry unpicklable caches
        seed_idx,
        max_steps,
        root,
        keep_times,
    )
    parallel.run_chunks(client, _chunk_runs, args, bounds, merge=merge, bar=bar, name="simulate")
    finals = np.concatenate([p[0] for p in parts])
    steps = _stack_steps([p[1] for p in parts], n_runs)
    times = np.concatenate([p[2] for p in parts]) if keep_times else None
    return _result(graph, seed_idx, model, root, finals, steps, node_counts, times, start)
