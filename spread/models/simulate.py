"""`simulate` and `simulate_sets`: Monte Carlo runs of a stochastic model from seed nodes."""

import math
import time
from dataclasses import dataclass, replace

import numpy as np

from .. import parallel
from .._common import (
    MAX_WORK,
    check_max_work,
    check_memory,
    default_memory_limit,
    progress_bar,
    thread_count,
)
from .._random import RUNS, root_seed, stream_root
from .._validation import check_int, check_nonnegative_float
from ..exceptions import InvalidParameterError, warn
from ..graph import Graph, resolve_seed_sets, resolve_seeds
from ._batch import run_batch, seed_arrays
from ._result import SpreadResult, SpreadResults

__all__ = ["simulate", "simulate_sets"]


def _check_model(model):
    if hasattr(model, "plan"):
        return model
    if type(model).__name__ == "Heat":
        msg = (
            "`model` Heat is deterministic: `spread.solve(graph, seeds, model, times=...)` "
            "computes it exactly."
        )
        raise InvalidParameterError(msg)
    msg = f"`model` must be a stochastic spread model (IC, LT, CTIC, SIR, SIS or TemporalIC); got {model!r}."
    raise InvalidParameterError(msg)


#: Most time bins of a continuous-time model's adoption curve.
MAX_TIME_BINS = 1 << 14


def _time_options(graph, model, max_steps, horizon, time_step):
    """``(max_steps, plan options)``: continuous-time models count time bins as steps."""
    if not getattr(model, "continuous_time", False):
        for name, value in (("horizon", horizon), ("time_step", time_step)):
            if value is not None:
                msg = (
                    f"`{name}` applies to continuous-time models (CTIC); {model!r} counts "
                    "steps: use `max_steps`."
                )
                raise InvalidParameterError(msg)
        return max_steps, {}
    if max_steps is not None:
        msg = f"`max_steps` applies to models counted in steps; {model!r} runs in continuous time: use `horizon`."
        raise InvalidParameterError(msg)
    if horizon is None and getattr(model, "needs_horizon", lambda: False)():
        msg = f"`horizon` is required for {model!r}: a run may never end."
        raise InvalidParameterError(msg)
    horizon = math.inf if horizon is None else check_nonnegative_float(horizon, name="horizon")
    if time_step is None:
        time_step = model.default_time_step(graph, horizon)
    else:
        time_step = check_nonnegative_float(time_step, name="time_step", allow_zero=False)
    if math.isfinite(horizon):
        bins = math.ceil(horizon / time_step)
        if bins > MAX_TIME_BINS:
            msg = (
                f"`time_step` must give at most {MAX_TIME_BINS:,} bins up to `horizon`; "
                f"got {time_step!r} for horizon={horizon!r} ({bins:,} bins)."
            )
            raise InvalidParameterError(msg)
    else:
        bins = MAX_TIME_BINS
    return bins, {"horizon": horizon, "time_step": time_step}


#: Largest `max_steps` (the kernels count steps in int64).
MAX_STEPS = 2**62

_BYTES_PER_RUN = 8 + 8 + 4 * 16  # final size, depth, and at least 16 steps of counts


def _check_memory(graph, n_runs, keep_times, max_memory, time_bytes=4):
    """Raise `MemoryLimitError` before allocating results larger than `max_memory`
    (`time_bytes` per kept activation: 4 for steps, 8 for real times)."""
    check_memory(
        n_runs * (_BYTES_PER_RUN + (time_bytes * graph.n_nodes if keep_times else 0)),
        what=f"the results of {n_runs:,} runs" + (" with `keep_times`" if keep_times else ""),
        advice="lower `n_runs`"
        + (", drop `keep_times`" if keep_times else "")
        + " or raise `max_memory`",
        max_memory=default_memory_limit() if max_memory is None else max_memory,
    )


@dataclass(frozen=True)
class _Settings:
    """`simulate`'s arguments, checked, and what they resolve to on the graph."""

    graph: Graph
    model: object
    plan: object
    plan_options: dict
    n_runs: int
    max_steps: int
    root: np.uint64
    keep_times: bool
    max_work: object
    n_threads: int
    client: object


def _settings(
    graph,
    model,
    n_runs,
    max_steps,
    rng,
    keep_times,
    max_memory,
    max_work,
    n_jobs,
    client,
    horizon=None,
    time_step=None,
):
    if not isinstance(graph, Graph):
        msg = f"`graph` must be a spread.Graph; got {type(graph).__name__}."
        raise InvalidParameterError(msg)
    model = _check_model(model)
    n_runs = check_int(n_runs, name="n_runs", min_value=1)
    max_steps, plan_options = _time_options(graph, model, max_steps, horizon, time_step)
    if max_steps is None:
        if model.needs_max_steps():
            msg = (
                f"`max_steps` is required for {model!r}: with spontaneous adoption a run "
                "never dies out."
            )
            raise InvalidParameterError(msg)
        max_steps = max(graph.n_nodes, 1)
    max_steps = check_int(max_steps, name="max_steps", min_value=0, max_value=MAX_STEPS)
    if not isinstance(keep_times, bool | np.bool_):
        msg = f"`keep_times` must be True or False; got {keep_times!r}."
        raise InvalidParameterError(msg)
    if max_memory is not None:
        max_memory = check_int(max_memory, name="max_memory", min_value=1)
    time_bytes = 8 if getattr(model, "continuous_time", False) else 4
    _check_memory(graph, n_runs, bool(keep_times), max_memory, time_bytes)
    return _Settings(
        graph=graph,
        model=model,
        plan=None,
        plan_options=plan_options,
        n_runs=n_runs,
        max_steps=max_steps,
        root=root_seed(rng),
        keep_times=bool(keep_times),
        max_work=check_max_work(max_work),
        n_threads=thread_count(n_jobs),
        client=parallel.check_client(client),
    )


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
    max_memory=None,
    max_work=MAX_WORK,
    client=None,
    horizon=None,
    time_step=None,
):
    """Simulate a stochastic spread model from seed nodes, many times.

    Parameters
    ----------
    graph : Graph
    seeds : label, sequence of labels, or boolean mask
        The seed nodes, by label (a boolean array of length ``n_nodes`` also works).
    model : IC, LT, CTIC, SIR, SIS or TemporalIC
        The spread model (`Heat` is deterministic: see `spread.solve`).
    n_runs : int, default 1000
        Independent Monte Carlo runs.
    max_steps : int, optional
        Stop each run after this many steps (by default, when a step activates nobody).
        For models counted in steps (IC, LT).
    rng : None, int, SeedSequence or Generator
        Fixes the root of the random streams: run ``r`` uses a stream that depends only on
        the root and ``r``, so results are identical for any `n_jobs`.
    n_jobs : int, optional
        Threads to use (default: all of Numba's threads).
    progress : bool, optional
        Show a progress bar (default: when stderr is a terminal and the work takes more
        than 2 s).
    keep_times : bool, default False
        Keep every node's activation step in every run (``n_runs * n_nodes`` int32), or
        for a continuous-time model its activation time (float64, NaN: never).
    max_memory : int, optional
        Bytes the results may take (default: three quarters of physical memory);
        `MemoryLimitError` before allocating past it.
    max_work : float or None, default 1e11
        Bound on the runs' work in node-and-arc updates (estimated from a pilot of 16
        runs); `WorkLimitError` before starting past it. None lifts the bound.
    client : dask.distributed.Client, optional
        Compute the runs on a Dask cluster: the graph is scattered to every worker
        once, the runs go out in chunks and the results come back merged, identical to
        the local call with the same `rng` (see `spread.parallel`). `n_jobs` then
        does not apply (each worker uses its own threads).
    horizon : float, optional
        Continuous-time models (CTIC, SIR, SIS, TemporalIC; required for SIS) only: the horizon. A node whose earliest arrival
        is later than `horizon` does not adopt (default: no horizon).
    time_step : float, optional
        Continuous-time models only: the width of the time bins in which adoptions are
        counted (`SpreadResult.curve` is read at its multiples). Default:
        ``horizon / 100``, or without a horizon a quarter of the model's median delay;
        at most 16,384 bins are kept, and adoptions past the last bin count in the
        final sizes but not in the curve (with a warning).

    Returns
    -------
    SpreadResult

    Raises
    ------
    NodeNotFound
        If a seed is not a node of the graph (the message names it).
    InvalidParameterError
        If an argument is out of range, the model's parameters are invalid, or `seeds`
        holds several seed sets (compare those with `simulate_sets`).
    MemoryLimitError
        If the results would exceed `max_memory`.
    ModuleNotFoundError
        If `client` is given and dask.distributed (the ``dask`` extra) is missing.

    See Also
    --------
    simulate_sets : several seed sets on common random numbers.
    solve : heat diffusion, computed exactly.

    Notes
    -----
    Runs are computed in batches (a quarter of a second each, or so) so that Ctrl-C
    and the progress bar respond; batching does not change any result. Compilation by
    Numba happens on the first call in a fresh environment and is cached on disk.

    Examples
    --------
    From one end of the path 0 -> 1 -> 2 -> 3, node ``d`` is reached with probability
    ``p**d``, so the expected spread is ``1 + p + p**2 + p**3`` (1.875 at ``p = 0.5``):

    >>> import spread
    >>> path = spread.Graph.from_edges([0, 1, 2], [1, 2, 3])
    >>> res = spread.simulate(path, [0], spread.IC(p=0.5), n_runs=4000, rng=0)
    >>> bool(abs(res.mean - 1.875) < 4 * res.stderr)
    True

    With ``p = 1`` every run reaches the whole connected karate club, all 34 nodes:

    >>> g = spread.datasets.load("karate")
    >>> spread.simulate(g, [0], spread.IC(p=1.0), n_runs=10, rng=0).mean
    34.0
    """
    cfg = _settings(
        graph,
        model,
        n_runs,
        max_steps,
        rng,
        keep_times,
        max_memory,
        max_work,
        n_jobs,
        client,
        horizon,
        time_step,
    )
    seed_idx = resolve_seeds(graph, seeds)
    cfg = replace(cfg, plan=cfg.model.plan(graph, **cfg.plan_options))
    with progress_bar(cfg.n_runs, desc=f"simulate {cfg.model!r}", progress=progress) as bar:
        return _one(cfg, seed_idx, bar)


def simulate_sets(
    graph,
    seed_sets,
    model,
    *,
    n_runs=1000,
    max_steps=None,
    rng=None,
    n_jobs=None,
    progress=None,
    keep_times=False,
    max_memory=None,
    max_work=MAX_WORK,
    client=None,
    horizon=None,
    time_step=None,
):
    """Simulate a model from several seed sets on common random numbers.

    Run ``r`` of every seed set draws from the same random stream, so differences
    between seed sets are paired: their standard error is far smaller than that of
    independent simulations.

    Parameters
    ----------
    graph : Graph
    seed_sets : sequence of seed sets
        Each as `simulate` takes its `seeds` (labels or a boolean mask).
    model, n_runs, max_steps, rng, n_jobs, progress, keep_times, max_memory, max_work, client
        As for `simulate`.
    horizon, time_step
        As for `simulate` (continuous-time models).

    Returns
    -------
    SpreadResults
        One `SpreadResult` per seed set, in the order given.

    Examples
    --------
    On an undirected star with 4 leaves, the hub reaches each leaf with probability
    ``p``: expected spread ``1 + 4 p``. A leaf reaches the hub with probability ``p``
    and, through it, each of the 3 other leaves with ``p**2``: ``1 + p + 3 p**2``. At
    ``p = 0.5`` that is 3 and 2.25:

    >>> import spread
    >>> star = spread.Graph.from_edges([0, 0, 0, 0], [1, 2, 3, 4], directed=False)
    >>> res = spread.simulate_sets(star, [[0], [1]], spread.IC(p=0.5), n_runs=4000, rng=1)
    >>> table = res.to_frame()
    >>> table["seeds"].tolist()
    [[0], [1]]
    >>> exact = [1 + 4 * 0.5, 1 + 0.5 + 3 * 0.5**2]
    >>> (abs(table["mean"] - exact) < 4 * table["stderr"]).tolist()
    [True, True]
    """
    cfg = _settings(
        graph,
        model,
        n_runs,
        max_steps,
        rng,
        keep_times,
        max_memory,
        max_work,
        n_jobs,
        client,
        horizon,
        time_step,
    )
    sets = resolve_seed_sets(graph, seed_sets)
    cfg = replace(cfg, plan=cfg.model.plan(graph, **cfg.plan_options))
    total = cfg.n_runs * len(sets)
    with progress_bar(total, desc=f"simulate {cfg.model!r}", progress=progress) as bar:
        return SpreadResults(_one(cfg, s, bar) for s in sets)


def _one(cfg, seed_idx, bar):
    start = time.perf_counter()
    runs = run_batch(
        cfg.graph,
        cfg.plan,
        seed_arrays([seed_idx]),
        n_runs=cfg.n_runs,
        max_steps=cfg.max_steps,
        root=stream_root(cfg.root, RUNS),
        n_threads=cfg.n_threads,
        keep_times=cfg.keep_times,
        bar=bar,
        client=cfg.client,
        max_work=cfg.max_work,
    )
    time_step = None
    if cfg.plan.continuous_time:
        time_step = cfg.plan.args[-1]  # a continuous-time plan's last argument
        late = int(np.count_nonzero(runs.new_per_step.sum(axis=1) < runs.final_sizes))
        if late:
            msg = (
                f"{late:,} of {cfg.n_runs:,} runs adopted after the curve's last time bin "
                f"(t = {time_step * cfg.max_steps:.6g}): their final sizes count every "
                "adoption, the curve stops there. A larger `time_step` or a `horizon` "
                "covers them."
            )
            warn(msg, RuntimeWarning)
    return SpreadResult(
        final_sizes=runs.final_sizes,
        new_per_step=runs.new_per_step,
        node_probability=runs.node_counts / cfg.n_runs,
        seeds=cfg.graph.label_of(seed_idx),
        model=cfg.model,
        root_seed=int(cfg.root),
        activation_times=runs.activation_times,
        elapsed=time.perf_counter() - start,
        graph=cfg.graph,
        time_step=time_step,
        recoveries_per_step=runs.recoveries_per_step,
        infectious_per_step=runs.infectious_per_step,
    )
