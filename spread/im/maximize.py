"""`maximize`: which k nodes to seed so that the spread is largest."""

import math
import time

import numpy as np

from .. import parallel
from .._common import ConfidenceInterval, progress_bar, thread_count, threads
from .._random import root_seed
from .._validation import check_in, check_int, check_nonnegative_float
from ..exceptions import InvalidParameterError
from ..graph import Graph
from ..models import IC, LT, Heat
from . import heuristics
from ._coverage import prefix_coverage
from ._result import SeedSelection
from .celf import celf
from .heat import heat_greedy, heat_score, heat_top
from .imm import imm, opim_c
from .rrsets import RRSets

__all__ = ["maximize"]

METHODS = (
    "imm",
    "opim-c",
    "celf",
    "degree",
    "degree-discount",
    "pagerank",
    "random",
    "heat-top",
    "heat-greedy",
)
_HEAT_METHODS = ("heat-top", "heat-greedy", "degree", "random")
_EVAL_OFFSET = 1 << 50  # RR-set indices for evaluation, disjoint from the selection's


def _node_mask(graph, labels):
    mask = np.zeros(graph.n_nodes, dtype=bool)
    if labels is not None:
        labels = [labels] if graph._is_scalar_label(labels) else list(labels)
        if labels:
            mask[graph.index_of(labels)] = True
    return mask


def maximize(
    graph,
    k,
    model,
    *,
    method="imm",
    eps=0.1,
    delta=None,
    ell=1,
    rng=None,
    n_jobs=None,
    evaluate=True,
    candidates=None,
    exclude=None,
    fixed=None,
    progress=None,
    max_memory=None,
    n_runs=1000,
    n_eval=10_000,
    max_rr_sets=None,
    horizon=None,
    stability=0.01,
    client=None,
):
    """Choose k seed nodes that maximize the expected spread of a model.

    Parameters
    ----------
    graph : Graph
    k : int
        Number of seeds to choose (on top of `fixed`).
    model : IC, LT or Heat
    method : str, default "imm"
        ``"imm"`` (Tang, Shi, Xiao 2015; final RR sets drawn fresh, as Chen 2018 advises),
        ``"opim-c"`` (Tang et al. 2018, min-bound), ``"celf"`` (lazy greedy on Monte Carlo
        with common random numbers), or the baselines ``"degree"``,
        ``"degree-discount"``, ``"pagerank"``, ``"random"``. Under `Heat` (deterministic,
        no sampling; Ma et al. 2008): ``"heat-top"`` (rank nodes by what their heat alone
        achieves by `horizon`) and ``"heat-greedy"`` (greedy on the threshold read-out),
        over the allowed nodes, or the 1,000 of highest degree on larger graphs unless
        `candidates` is given.
    eps : float, default 0.1
        Approximation slack: IMM and OPIM-C return a ``(1 - 1/e - eps)``-approximation.
    delta : float, optional
        Failure probability for OPIM-C (default ``1 / n``). IMM's is ``n ** -ell``.
    ell : float, default 1
        IMM's confidence exponent.
    rng : None, int, SeedSequence or Generator
        Fixes every random stream: the same `rng` gives the same seeds on any number of
        threads.
    n_jobs : int, optional
        Threads (default: all).
    evaluate : bool, default True
        Estimate the spread of the chosen seeds on fresh samples: `n_eval` forward Monte
        Carlo runs for `spread`, and fresh RR sets for the spread-versus-k curve.
    candidates, exclude : sequence of labels, optional
        Who may be chosen; who may not (e.g. competitors' accounts).
    fixed : sequence of labels, optional
        Seeds already committed; the k new ones are chosen on top of them.
    progress : bool, optional
        Progress bar (default: when stderr is a terminal and the work takes over 2 s).
    max_memory : int, optional
        Bytes the RR sets may take (default: three quarters of physical memory);
        exceeding it raises `MemoryLimitError` before allocating.
    n_runs : int, default 1000
        Monte Carlo runs per estimate, for CELF.
    n_eval : int, default 10000
        Forward Monte Carlo runs for the final spread estimate.
    max_rr_sets : int, optional
        OPIM-C anytime mode: stop at this many RR sets and report the ratio certified.
    horizon : float, optional
        `Heat` only (required there): the time at which the heat is read.
    stability : float, default 0.01
        IMM and OPIM-C: keep sampling while the chosen seeds cover clearly more (by
        more than this fraction) of the RR sets that chose them than of independent
        ones, i.e. while the greedy choice still overfits its sample. The guarantees
        are kept (see `spread.im.imm`); 0 gives the textbook stopping rules, which at
        large `eps` stop with seeds several percent below what more samples find.
    client : dask.distributed.Client, optional
        Compute on a Dask cluster: IMM's and OPIM-C's RR sets, CELF's estimates and the
        fresh evaluation (forward runs and RR sets). The graph is scattered to every
        worker once; the seeds, gains and spread are identical to the local call with
        the same `rng` (see `spread.parallel`). `n_jobs` then does not apply. The
        heuristics and the Heat methods run here.

    Returns
    -------
    SeedSelection

    Raises
    ------
    InvalidParameterError
        If `k` is not in ``[1, number of eligible nodes]``, an option is unknown, or
        `eps`/`delta` are out of range.
    NodeNotFound
        If `candidates`, `exclude` or `fixed` name a node not in the graph.
    MemoryLimitError
        If the RR sets would exceed `max_memory`.
    ModuleNotFoundError
        If `client` is given and dask.distributed (the ``dask`` extra) is missing.

    Examples
    --------
    >>> import spread
    >>> g = spread.datasets.load("karate")
    >>> sel = spread.maximize(g, 2, spread.IC(p=0.1), method="imm", eps=0.2, rng=0)
    >>> sel.seeds.tolist()
    [33, 0]
    >>> print(f"{sel.spread:.1f}")
    6.4
    """
    start = time.perf_counter()
    if not isinstance(graph, Graph):
        msg = f"`graph` must be a spread.Graph; got {type(graph).__name__}."
        raise InvalidParameterError(msg)
    method = check_in(method, name="method", options=METHODS)
    if isinstance(model, Heat):
        if method not in _HEAT_METHODS:
            options = ", ".join(repr(m) for m in _HEAT_METHODS)
            msg = f"`method` must be one of {options} for a Heat model; got {method!r}."
            raise InvalidParameterError(msg)
        if horizon is None:
            msg = "`horizon` is required for a Heat model: the time at which heat is read."
            raise InvalidParameterError(msg)
        horizon = check_nonnegative_float(horizon, name="horizon")
    elif not isinstance(model, IC | LT):
        msg = f"`model` must be spread.IC, spread.LT or spread.Heat; got {model!r}."
        raise InvalidParameterError(msg)
    elif method in ("heat-top", "heat-greedy"):
        msg = f"`method={method!r}` needs a spread.Heat model; got {model!r}."
        raise InvalidParameterError(msg)
    elif isinstance(model, IC) and model._needs_max_steps():
        msg = (
            "`model` must not have spontaneous adoption (`external` > 0) for maximize: "
            f"the spread of a seed set is then unbounded in time; got {model!r}."
        )
        raise InvalidParameterError(msg)
    elif isinstance(model, LT) and model.quantile_table().size:
        msg = (
            "`model` must have uniform thresholds for maximize (reverse-reachable sets and "
            f"the spread-versus-k estimates rest on them); got {model!r}."
        )
        raise InvalidParameterError(msg)
    n = graph.n_nodes
    fixed_mask = _node_mask(graph, fixed)
    allowed = _node_mask(graph, candidates) if candidates is not None else np.ones(n, bool)
    allowed &= ~_node_mask(graph, exclude)
    allowed &= ~fixed_mask
    n_allowed = int(allowed.sum())
    k = check_int(k, name="k", min_value=1)
    if k > n_allowed:
        msg = f"`k` must be at most the number of eligible nodes ({n_allowed}); got {k}."
        raise InvalidParameterError(msg)
    eps = check_nonnegative_float(eps, name="eps", allow_zero=False)
    if eps >= 1 - 1 / math.e:
        msg = f"`eps` must lie in (0, 1 - 1/e) = (0, 0.632); got {eps}."
        raise InvalidParameterError(msg)
    if delta is None:
        delta = 1.0 / n
    delta = check_nonnegative_float(delta, name="delta", allow_zero=False)
    if delta >= 1:
        msg = f"`delta` must lie in (0, 1); got {delta}."
        raise InvalidParameterError(msg)
    n_runs = check_int(n_runs, name="n_runs", min_value=1)
    n_eval = check_int(n_eval, name="n_eval", min_value=2)
    if max_rr_sets is not None:
        max_rr_sets = check_int(max_rr_sets, name="max_rr_sets", min_value=2)
    stability = check_nonnegative_float(stability, name="stability")
    n_threads = thread_count(n_jobs)
    client = parallel.check_client(client)
    gen = np.random.default_rng(rng)
    root = root_seed(gen)
    eval_root = root_seed(gen)

    bar = progress_bar(None, desc=f"maximize {method}", progress=progress, unit="sample")

    def report(done):
        bar.n = int(done)
        bar.refresh()

    guarantee = fail = float("nan")
    n_samples = memory = 0
    try:
        with parallel.kernel_section(), threads(n_threads):
            if method == "imm":
                seeds, gains, n_samples, guarantee, fail, memory = imm(
                    graph,
                    k,
                    model,
                    eps=eps,
                    ell=ell,
                    root=root,
                    allowed=allowed,
                    fixed=fixed_mask,
                    n_threads=n_threads,
                    max_memory=max_memory,
                    report=report,
                    stable=stability,
                    client=client,
                )
            elif method == "opim-c":
                seeds, gains, n_samples, guarantee, fail, memory = opim_c(
                    graph,
                    k,
                    model,
                    eps=eps,
                    delta=delta,
                    root=root,
                    allowed=allowed,
                    fixed=fixed_mask,
                    n_threads=n_threads,
                    max_memory=max_memory,
                    report=report,
                    max_rr_sets=max_rr_sets,
                    stable=stability,
                    client=client,
                )
            elif method == "celf":
                seeds, gains, n_samples = celf(
                    graph,
                    k,
                    model,
                    n_runs=n_runs,
                    root=root,
                    allowed=allowed,
                    fixed=fixed_mask,
                    n_threads=n_threads,
                    report=report,
                    client=client,
                )
            elif method in ("heat-top", "heat-greedy"):
                select = heat_top if method == "heat-top" else heat_greedy
                seeds, gains, n_samples = select(
                    graph,
                    k,
                    model,
                    horizon=horizon,
                    allowed=allowed,
                    fixed=fixed_mask,
                    report=report,
                )
            elif method == "degree":
                seeds, gains = heuristics.degree(graph, k, allowed)
            elif method == "degree-discount":
                seeds, gains = heuristics.degree_discount(graph, k, model, allowed)
            elif method == "pagerank":
                seeds, gains = heuristics.pagerank(graph, k, model, allowed)
            else:
                seeds, gains = heuristics.random(graph, k, allowed, gen)
            elapsed = time.perf_counter() - start
            seeds = np.asarray(seeds, dtype=np.int64)
            seeds = seeds[seeds >= 0]
            gains = np.asarray(gains, dtype=np.float64)[: seeds.size]
            if isinstance(model, Heat):
                result = _evaluate_heat(graph, model, seeds, fixed_mask, evaluate, horizon)
            else:
                result = _evaluate(
                    graph,
                    model,
                    seeds,
                    fixed_mask,
                    evaluate,
                    n_eval,
                    eval_root,
                    n_threads,
                    max_memory,
                    client,
                )
    finally:
        bar.close()
    spread, stderr, prefix, prefix_se, how = result
    ci = ConfidenceInterval(spread - 1.96 * stderr, spread + 1.96 * stderr)
    return SeedSelection(
        seeds=graph.label_of(seeds),
        gains=gains,
        spread=spread,
        spread_ci=ci,
        spread_stderr=stderr,
        prefix_spread=prefix,
        prefix_stderr=prefix_se,
        method=method,
        model=model,
        fixed=graph.label_of(np.flatnonzero(fixed_mask)),
        n_samples=int(n_samples),
        guarantee=float(guarantee),
        failure_probability=float(fail),
        memory_bytes=int(memory),
        elapsed=elapsed,
        evaluation=how,
        graph=graph,
    )


def _evaluate(
    graph, model, seeds, fixed_mask, evaluate, n_eval, root, n_threads, max_memory, client=None
):
    """Spread of fixed + seeds on fresh forward runs; prefix curve on fresh RR sets."""
    k = seeds.size
    nan = np.full(k, np.nan)
    if not evaluate:
        return float("nan"), float("nan"), nan, nan, "none"
    from ..models.simulate import _simulate_one, _simulate_one_cluster

    all_seeds = np.unique(np.concatenate([np.flatnonzero(fixed_mask), seeds])).astype(np.int32)
    prepared = model._prepare(graph)
    args = (graph, all_seeds, model, prepared, n_eval, max(graph.n_nodes, 1), root)
    if client is None:
        res = _simulate_one(*args, n_threads, False, parallel.NoBar())
    else:
        res = _simulate_one_cluster(client, *args, False, parallel.NoBar())
    spread, stderr = res.mean, res.stderr
    # Spread versus k from fresh RR sets: sigma(S) = n * P(a random RR set meets S).
    n = graph.n_nodes
    theta = max(n_eval, 10_000)
    rr = RRSets(
        graph,
        model,
        root,
        first=_EVAL_OFFSET,
        n_threads=n_threads,
        max_memory=max_memory,
        client=client,
    )
    rank = np.full(n, k + 1, dtype=np.int64)
    rank[fixed_mask] = 0
    rank[seeds] = np.arange(1, k + 1)
    if client is None:
        rr.extend(theta)
        offsets, members = rr.flat()
        hits = prefix_coverage(offsets, members, rank, k + 1)[1:]
    else:  # reduced to coverage counts on the workers: the sets never travel
        hits = rr.prefix_hits_fresh(theta, rank, k + 1)[1:]
    frac = hits / theta
    return (
        spread,
        stderr,
        n * frac,
        n * np.sqrt(frac * (1 - frac) / theta),
        f"{n_eval:,} fresh forward runs",
    )


def _evaluate_heat(graph, model, seeds, fixed_mask, evaluate, horizon):
    """Heat is deterministic: the value of every prefix of the seeds, exactly."""
    k = seeds.size
    if not evaluate:
        nan = np.full(k, np.nan)
        return float("nan"), float("nan"), nan, nan, "none"
    prefix = np.empty(k)
    for j in range(k):
        sources = fixed_mask.copy()
        sources[seeds[: j + 1]] = True
        f0 = np.where(sources, float(model.source_heat), 0.0)
        prefix[j] = heat_score(graph, model, f0, horizon, sources)
    how = "heat kernel (exact)"
    return float(prefix[-1]), 0.0, prefix, np.zeros(k), how
