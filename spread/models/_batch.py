"""The one Monte Carlo loop: runs of a stochastic model from seed nodes, here or on Dask.

Every forward simulation in spread goes through `run_batch`: `spread.simulate`, CELF's
estimates (through `final_sizes`, its lean path over the same kernels), the spread of chosen seeds in `spread.maximize`, the objectives and
predictions of the network fits and `spread.fit.simulate_cascades`. A model turns
itself into a `Plan` for one graph (`IC.plan`, `LT.plan`): the kernel's arrays and
scalars, picklable, with no cache attached. Run ``r`` then draws from the stream
``(root, r)`` only (`spread._random`), so the loop may cut the runs into batches, run
them on any number of threads or Dask workers, and replay a run, without changing a
result.

Runs are computed in batches of about a quarter of a second, so that Ctrl-C and the
progress bar respond. When the per-step counts are kept, a small pilot batch with a
wide per-step buffer measures how deep the cascades go; later batches get twice that,
and a run deeper than its buffer is replayed alone, exactly, into a wider one.
"""

import time
from dataclasses import dataclass

import numpy as np

from .. import parallel
from .._common import MAX_WORK, check_work, threads
from ._ctic_kernels import ctic_batch, temporal_batch
from ._ic_lt_kernels import ic_batch, lt_batch
from ._sis_event_kernels import sis_events_batch
from ._sis_kernels import sis_batch

__all__ = ["Plan", "Runs", "check_runs_work", "final_sizes", "run_batch", "seed_arrays"]

_KERNELS = {
    "ic": ic_batch,
    "lt": lt_batch,
    "ctic": ctic_batch,
    "sir": ctic_batch,
    "sis": sis_batch,
    "sis_events": sis_events_batch,
    "temporal": temporal_batch,
}
_NO_SECOND = np.zeros((1, 1), dtype=np.int32)  # the continuous kernels' placeholder
_NO_WEIGHT = np.empty(0, dtype=np.float64)  # no audience: the kernels add no weights
_NO_EXTERNAL = np.zeros(1)  # no spontaneous adoption (every kind but IC)
_NO_EXTERNAL.flags.writeable = False
_TARGET_BATCH_SECONDS = 0.25  # keeps Ctrl-C and the progress bar responsive
_FIRST_STEPS = 16  # fewest per-step columns after the pilot batch
_PILOT_RUNS = 16  # runs in the first batch, which sizes the per-step buffer
_PILOT_STEPS = 1024  # per-step columns of the pilot batch
_ONE_CALL_RUNS = 1 << 12  # without per-step counts, this many runs go in one call
_CHUNK_RUNS = 1 << 16  # most runs per chunk on a Dask cluster
_CHUNK_TIMES_BYTES = 64 << 20  # most activation-time bytes per chunk on a Dask cluster


@dataclass(frozen=True)
class Plan:
    """A model resolved on one graph, as its kernel takes it.

    Attributes
    ----------
    kind : {"ic", "lt", "ctic", "sir", "sis", "sis_events", "temporal"}
        Which kernel runs it ("sis_events": SIS with laws, or over contacts).
    args : tuple
        The kernel's model arguments, in order (read-only arrays and scalars).
    work : float, optional
        The model's estimate of the events in one run, where the kernel's kind alone
        cannot bound them ("sis_events").
    """

    kind: str
    args: tuple
    work: float | None = None

    @property
    def external(self):
        """Per-step probability that an inactive node adopts on its own (IC only; one
        entry when constant, the last entry holding past the schedule's end)."""
        return self.args[3] if self.kind == "ic" else _NO_EXTERNAL

    @property
    def continuous_time(self):
        """True when a "step" is a time bin and activation times are real (CTIC, SIR, SIS,
        TemporalIC)."""
        return self.kind in ("ctic", "sir", "sis", "sis_events", "temporal")

    @property
    def second(self):
        """What the runs count per time bin besides first infections: "recoveries" (SIR),
        "infectious" (SIS: the number at each bin's end) or None."""
        if self.kind == "temporal":  # TemporalIC with an infectious period
            return "recoveries" if self.args[4] else None
        return {"sir": "recoveries", "sis": "infectious", "sis_events": "infectious"}.get(
            self.kind
        )


@dataclass(frozen=True)
class Runs:
    """What a batch of runs measured.

    Attributes
    ----------
    final_sizes : numpy.ndarray of int64, shape (n_runs,)
    new_per_step : numpy.ndarray of int32, shape (n_runs, n_steps)
        Nodes activated at each step (step 0 is the seeds); trailing all-zero steps are
        cut. One column of zeros past the seeds when per-step counts were not kept.
    node_counts : numpy.ndarray of int64, shape (n_nodes,), or None
        Runs in which each node was activated (None when not counted).
    activation_times : numpy.ndarray of int32 or float64, shape (n_runs, n_nodes), or None
        Step (-1: never) or, for continuous-time plans, time (NaN: never) of each
        node's activation.
    recoveries_per_step : numpy.ndarray of int32, shape (n_runs, n_steps), or None
        Recoveries in each time bin (SIR plans; None otherwise), as wide as
        `new_per_step`.
    infectious_per_step : numpy.ndarray of int32, shape (n_runs, n_steps), or None
        Infectious nodes at the end of each time bin (SIS plans; None otherwise).
    weighted_sizes : numpy.ndarray of float64, shape (n_runs,), or None
        With a `node_weight` (`run_batch`): the total weight of the nodes each run
        reached (an audience's reach); None otherwise.
    """

    final_sizes: np.ndarray
    new_per_step: np.ndarray
    node_counts: np.ndarray
    activation_times: np.ndarray | None
    recoveries_per_step: np.ndarray | None = None
    infectious_per_step: np.ndarray | None = None
    weighted_sizes: np.ndarray | None = None


@dataclass
class _Buffers:
    """Output buffers of one kernel call."""

    final_sizes: np.ndarray
    depths: np.ndarray
    steps: np.ndarray
    times: np.ndarray
    keep_times: bool
    node_counts: np.ndarray
    second: np.ndarray | None = None
    node_weight: np.ndarray | None = None
    weighted: np.ndarray | None = None

    @classmethod
    def empty(
        cls,
        n_runs,
        n_nodes,
        n_steps,
        n_chunks,
        keep_times,
        count_nodes=True,
        plan=None,
        node_weight=None,
    ):
        shape = (n_runs, n_nodes) if keep_times else (1, 1)
        if plan is not None and plan.continuous_time:
            times = np.full(shape, np.nan, dtype=np.float64)
        else:
            times = np.full(shape, -1, dtype=np.int32)
        return cls(
            final_sizes=np.zeros(n_runs, dtype=np.int64),
            depths=np.zeros(n_runs, dtype=np.int64),
            steps=np.zeros((n_runs, n_steps), dtype=np.int32),
            times=times,
            keep_times=keep_times,
            node_counts=np.zeros((n_chunks, n_nodes if count_nodes else 0), dtype=np.int32),
            second=(
                np.zeros((n_runs, n_steps), dtype=np.int32)
                if plan is not None and plan.second
                else None
            ),
            node_weight=node_weight,
            weighted=None if node_weight is None else np.zeros(n_runs),
        )


def seed_arrays(seed_sets):
    """``(seed_ptr, seeds)`` for the kernels from a list of index arrays.

    Run ``r`` of a batch starts from seed set ``r % len(seed_sets)``.
    """
    if len(seed_sets) == 1:  # CELF's many estimates: skip the general path
        seeds = np.asarray(seed_sets[0], dtype=np.int32)
        return np.array([0, seeds.size], dtype=np.int64), seeds
    seed_ptr = np.zeros(len(seed_sets) + 1, dtype=np.int64)
    np.cumsum([len(s) for s in seed_sets], out=seed_ptr[1:])
    seeds = np.concatenate([np.asarray(s, dtype=np.int32) for s in seed_sets])
    return seed_ptr, seeds


def _call(graph, plan, seed_ptr, seeds, max_steps, root, run0, n_chunks, out):
    _KERNELS[plan.kind](
        graph.indptr,
        graph.indices,
        *plan.args,
        seed_ptr,
        seeds,
        max_steps,
        root,
        run0,
        n_chunks,
        out.final_sizes,
        out.depths,
        out.steps,
        out.times,
        out.keep_times,
        out.node_counts,
        *(() if plan.kind == "sis" else _weights(out)),
        *(() if not plan.continuous_time else (_second(out),)),
    )


def _weights(out):
    """The kernels' `node_weight` and `weighted_sizes` (empty: no audience)."""
    if out.node_weight is None:
        return _NO_WEIGHT, _NO_WEIGHT
    return out.node_weight, out.weighted


def _second(out):
    return _NO_SECOND if out.second is None else out.second


def _runs_second(plan, matrix):
    """``recoveries_per_step`` / ``infectious_per_step`` keywords of `Runs` for `plan`."""
    return {f"{plan.second}_per_step": matrix} if plan.second else {}


def _stack_steps(blocks, n_runs, others=None):
    """Per-step blocks (rows in run order, any widths) as one matrix, trailing zeros cut.

    With `others` (the second count's blocks, in the same layout) returns both matrices,
    cut to one width: the last step in which either has a count.
    """
    if others is None and len(blocks) == 1 and blocks[0].shape[1] == 1:
        return blocks[0]  # one call without per-step counts
    parts = [blocks] if others is None else [blocks, others]
    width = max(b.shape[1] for part in parts for b in part)
    out = []
    for part in parts:
        steps = np.zeros((n_runs, width), dtype=np.int32)
        row = 0
        for b in part:
            steps[row : row + b.shape[0], : b.shape[1]] = b
            row += b.shape[0]
        out.append(steps)
    last = np.flatnonzero(np.any([m.any(axis=0) for m in out], axis=0))
    out = [m[:, : (last[-1] + 1 if last.size else 1)] for m in out]
    return out[0] if others is None else tuple(out)


def run_batch(
    graph,
    plan,
    seeds,
    *,
    n_runs,
    max_steps,
    root,
    first=0,
    n_threads=1,
    record_steps=True,
    keep_times=False,
    bar=None,
    client=None,
    max_work=MAX_WORK,
    runs_name="`n_runs`",
    count_nodes=True,
    node_weight=None,
):
    """Runs ``first, ..., first + n_runs - 1`` of `plan` from `seeds` on `graph`.

    Parameters
    ----------
    graph : Graph
    plan : Plan
    seeds : (seed_ptr, seeds)
        From `seed_arrays`: run ``r`` starts from seed set ``r % n_sets``.
    n_runs, max_steps : int
    root : numpy.uint64
        The root of the runs' stream (`spread._random.stream_root`).
    first : int, default 0
        Index of the first run.
    n_threads : int
        Numba threads (`spread._common.thread_count`); ignored with `client`.
    record_steps : bool, default True
        Keep every run's new activations per step (else only the final sizes).
    keep_times : bool, default False
        Keep every node's activation step in every run.
    bar : progress bar, optional
        Advanced by the runs done.
    client : dask.distributed.Client, optional
        Compute the runs on a Dask cluster, merged in run order (the same result).
    max_work : float or None, default `spread._common.MAX_WORK`
        Bound on the runs' work (`check_work`), estimated from a pilot of 16 runs when
        ``n_runs`` times the graph's size exceeds it.
    runs_name : str, default "`n_runs`"
        The caller's name for `n_runs`, for the `WorkLimitError` message.
    count_nodes : bool, default True
        Count the runs in which each node was activated (else `Runs.node_counts` is
        None: CELF's thousands of small estimates skip the O(n) buffers).
    node_weight : numpy.ndarray of float64, shape (n_nodes,), optional
        One weight per node: each run also adds up the weights of the nodes it reaches
        (`Runs.weighted_sizes`; an audience's reach). Not for SIS plans.

    Returns
    -------
    Runs
    """
    bar = parallel.NoBar() if bar is None else bar
    if node_weight is not None:
        node_weight = np.ascontiguousarray(node_weight, dtype=np.float64)
    check_runs_work(
        graph,
        plan,
        seeds,
        n_runs=n_runs,
        max_steps=max_steps,
        root=root,
        first=first,
        max_work=max_work,
        name=runs_name,
    )
    if client is not None:
        return _run_on_cluster(
            client,
            graph,
            plan,
            seeds,
            n_runs,
            max_steps,
            root,
            first,
            keep_times,
            bar,
            node_weight,
        )
    with parallel.kernel_section(), threads(n_threads):
        return _run_here(
            graph,
            plan,
            seeds,
            n_runs,
            max_steps,
            root,
            first,
            n_threads,
            record_steps,
            keep_times,
            bar,
            count_nodes,
            node_weight,
        )


def final_sizes(graph, plan, seeds, *, n_runs, max_steps, root, n_chunks=1):
    """Final sizes of runs ``0, ..., n_runs - 1`` in one kernel call, nothing else kept.

    For callers that make thousands of small estimates (CELF) inside their own
    ``threads``/``kernel_section`` block, having bounded their work (`check_runs_work`):
    the same runs as `run_batch` draws, without its batching or its checks.
    """
    out = _Buffers.empty(n_runs, graph.n_nodes, 1, n_chunks, False, count_nodes=False, plan=plan)
    _call(graph, plan, seeds[0], seeds[1], max_steps, root, 0, n_chunks, out)
    return out.final_sizes


def check_runs_work(
    graph, plan, seeds, *, n_runs, max_steps, root, first=0, max_work=MAX_WORK, name="`n_runs`"
):
    """Raise `WorkLimitError` before runs whose estimated work exceeds `max_work`.

    Nothing is estimated while ``n_runs`` runs that each touch every node and arc stay
    within the bound. Past that, a pilot of the first runs measures the updates a run
    makes (an activation and a try of each of its out-arcs), deterministically.
    """
    if max_work is None:
        return
    if plan.kind == "sis":  # events come at total rate <= gamma n + beta m, up to the horizon
        beta, gamma, _, horizon = plan.args[:4]
        if plan.args[4]:  # discrete: every step tries each arc of the infectious once
            beta = gamma = 1.0
            horizon = float(np.floor(horizon))
        per_run = (gamma * graph.n_nodes + beta * graph.n_edges) * horizon + graph.n_nodes + 1.0
        check_work(
            n_runs * per_run,
            max_work,
            what=f"{name} = {n_runs:,} SIS runs of up to {per_run:,.3g} events",
            advice=f"Lower {name} or the `horizon`",
        )
        return
    if plan.kind == "sis_events":  # the model estimated a run's events (`Plan.work`)
        check_work(
            n_runs * plan.work,
            max_work,
            what=f"{name} = {n_runs:,} SIS runs of about {plan.work:,.3g} events",
            advice=f"Lower {name} or the `horizon`",
        )
        return
    if plan.kind == "temporal":  # each arc is scanned once per run: its contacts at most
        per_run = graph.n_nodes + graph.n_edges + graph.n_contacts + 1.0
        check_work(
            n_runs * per_run,
            max_work,
            what=f"{name} = {n_runs:,} runs over {graph.n_contacts:,} contacts",
            advice=f"Lower {name}, or `window` the contacts",
        )
        return
    steps = 1.0  # without spontaneous adoption a step activates someone (in the pilot)
    external = plan.external
    if external.max() > 0.0:  # runs go on until everyone adopted, max_steps or the schedule's end
        last = float(external[-1])
        fill = external.size + 1.0  # steps 0 .. the schedule's end (all adopt at p = 1)
        if 0.0 < last < 1.0:  # then until everyone adopted, at the last entry's rate
            fill = external.size + (np.log(graph.n_nodes + 1.0) + 1.0) / -np.log1p(-last)
        steps = min(max_steps + 1.0, fill)
        check_work(
            n_runs * steps,
            max_work,
            what=f"{name} = {n_runs:,} runs of up to {steps:,.3g} steps",
            advice=f"Lower {name} or `max_steps`",
        )
    size = graph.n_nodes + graph.n_edges + steps
    if n_runs * size <= max_work:
        return
    pilot = min(n_runs, _PILOT_RUNS)
    out = _Buffers.empty(pilot, graph.n_nodes, 1, 1, False, plan=plan)
    with parallel.kernel_section(), threads(1):
        _call(graph, plan, seeds[0], seeds[1], max_steps, root, first, 1, out)
    out_degree = np.diff(graph.indptr).astype(np.float64)
    updates = float(out.node_counts.sum(axis=0) @ (1.0 + out_degree))
    per_run = 1.0 + (updates + float(out.depths.sum())) / pilot
    check_work(
        n_runs * per_run,
        max_work,
        what=f"{name} = {n_runs:,} runs ({per_run:,.3g} updates per run in a pilot)",
        advice=f"Lower {name}",
    )


def _run_here(
    graph,
    plan,
    seeds,
    n_runs,
    max_steps,
    root,
    run0,
    n_threads,
    record_steps,
    keep_times,
    bar,
    count_nodes=True,
    node_weight=None,
):
    n = graph.n_nodes
    seed_ptr, seed_nodes = seeds
    finals, step_blocks, times_blocks, rec_blocks, weighted = [], [], [], [], []
    node_counts = np.zeros(n, dtype=np.int64) if count_nodes else None
    if record_steps:
        n_steps = min(_PILOT_STEPS, max_steps + 1)
        batch = min(n_runs, _PILOT_RUNS)
    else:
        n_steps = 1
        batch = n_runs if n_runs <= _ONE_CALL_RUNS else _PILOT_RUNS
    done = 0
    while done < n_runs:
        size = min(batch, n_runs - done)
        # More chunks than threads, so that one slow (or descheduled) thread does not
        # hold the whole call up.
        n_chunks = max(1, min(2 * n_threads, size))
        t0 = time.perf_counter()
        out = _Buffers.empty(
            size, n, n_steps, n_chunks, keep_times, count_nodes, plan, node_weight
        )
        _call(graph, plan, seed_ptr, seed_nodes, max_steps, root, run0 + done, n_chunks, out)
        elapsed = time.perf_counter() - t0
        deepest = int(out.depths.max(initial=0))
        steps, recs = out.steps, out.second
        if record_steps and deepest >= n_steps:
            # Some runs went deeper than the per-step buffer. A run depends only on
            # (root, run index), so replay just those runs, exactly, into a wider buffer.
            n_steps = max(deepest + 1, min(2 * n_steps, max_steps + 1))
            steps = np.zeros((size, n_steps), dtype=np.int32)
            steps[:, : out.steps.shape[1]] = out.steps
            if recs is not None:
                recs = np.zeros((size, n_steps), dtype=np.int32)
                recs[:, : out.steps.shape[1]] = out.second
            for i in np.flatnonzero(out.depths >= out.steps.shape[1]):
                one = _Buffers.empty(1, n, n_steps, 1, False, count_nodes=False, plan=plan)
                run = run0 + done + int(i)
                _call(graph, plan, seed_ptr, seed_nodes, max_steps, root, run, 1, one)
                steps[i] = one.steps[0]
                if recs is not None:
                    recs[i] = one.second[0]
        finals.append(out.final_sizes)
        weighted.append(out.weighted)
        step_blocks.append(steps[:, : deepest + 1] if record_steps else steps)
        if recs is not None:
            rec_blocks.append(recs[:, : deepest + 1] if record_steps else recs)
        if keep_times:
            times_blocks.append(out.times)
        if count_nodes:
            node_counts += out.node_counts.sum(axis=0)
        if done == 0 and record_steps:
            n_steps = min(max(_FIRST_STEPS, 2 * deepest + 8), max_steps + 1)
        done += size
        bar.update(size)
        rate = size / max(elapsed, 1e-6)
        batch = int(min(max(rate * _TARGET_BATCH_SECONDS, 16 * n_threads), 1 << 20))
    second = None
    if plan.second:
        new_per_step, second = _stack_steps(step_blocks, n_runs, rec_blocks)
    else:
        new_per_step = _stack_steps(step_blocks, n_runs)
    return Runs(
        final_sizes=np.concatenate(finals),
        new_per_step=new_per_step,
        node_counts=node_counts,
        activation_times=np.concatenate(times_blocks) if keep_times else None,
        **_runs_second(plan, second),
        weighted_sizes=None if node_weight is None else np.concatenate(weighted),
    )


# ------------------------------------------------------------------ on a Dask cluster
def _chunk_runs(graph, plan, seeds, max_steps, root, keep_times, node_weight, lo, hi):
    """On a worker: runs ``lo .. hi - 1``, with the worker's threads (`spread.parallel`)."""
    from .._common import thread_count

    n_threads = thread_count()
    with parallel.kernel_section(), threads(n_threads):
        runs = _run_here(
            graph,
            plan,
            seeds,
            hi - lo,
            max_steps,
            root,
            lo,
            n_threads,
            True,
            keep_times,
            parallel.NoBar(),
            node_weight=node_weight,
        )
    # counts <= hi - lo: int32 travels lighter
    return (
        runs.final_sizes,
        runs.new_per_step,
        runs.node_counts.astype(np.int32),
        runs.activation_times,
        runs.recoveries_per_step if plan.kind == "sir" else runs.infectious_per_step,
        runs.weighted_sizes,
    )


def _run_on_cluster(
    client, graph, plan, seeds, n_runs, max_steps, root, first, keep_times, bar, node_weight=None
):
    """`_run_here` with the runs computed on a Dask cluster, merged in run order."""
    n = graph.n_nodes
    max_size = _CHUNK_RUNS
    if keep_times:
        itemsize = 8 if plan.continuous_time else 4
        max_size = max(1, min(max_size, _CHUNK_TIMES_BYTES // (itemsize * max(n, 1))))
    bounds = parallel.chunk_bounds(
        n_runs, parallel.cluster_threads(client), min_size=16, max_size=max_size
    )
    parts = [None] * (len(bounds) - 1)
    node_counts = np.zeros(n, dtype=np.int64)

    def merge(i, part):
        finals, steps, counts, times, recs, weighted = part
        parts[i] = (finals, steps, times, recs, weighted)
        node_counts[:] += counts

    args = (
        parallel.share(client, graph, owner=graph),
        parallel.share(client, plan, owner=graph, key=(plan.kind, plan.args)),
        seeds,
        max_steps,
        root,
        keep_times,
        None if node_weight is None else parallel.share(client, node_weight),
    )
    parallel.run_chunks(
        client,
        _chunk_runs,
        args,
        [first + b for b in bounds],
        merge=merge,
        bar=bar,
        name="simulate",
    )
    second = None
    if plan.second:
        new_per_step, second = _stack_steps([p[1] for p in parts], n_runs, [p[3] for p in parts])
    else:
        new_per_step = _stack_steps([p[1] for p in parts], n_runs)
    return Runs(
        final_sizes=np.concatenate([p[0] for p in parts]),
        new_per_step=new_per_step,
        node_counts=node_counts,
        activation_times=np.concatenate([p[2] for p in parts]) if keep_times else None,
        **_runs_second(plan, second),
        weighted_sizes=None if node_weight is None else np.concatenate([p[4] for p in parts]),
    )
