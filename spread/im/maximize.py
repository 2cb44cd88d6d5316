"""`maximize`: which k nodes to seed so that the spread is largest.

A table of methods: each selection method is a function of one `_Task` (the graph, k,
the model, the allowed and committed nodes, the random root and the settings) that
returns one `Choice`; `maximize` checks the arguments once, runs the method, scores the
chosen seeds on fresh samples and returns a `SeedSelection`.
"""

import math
import time
from dataclasses import dataclass

import numpy as np

from .. import parallel
from .._common import MAX_WORK, check_max_work, progress_bar, thread_count
from .._random import EVAL_RR, EVAL_RUNS, SEED_RULE, generator, root_seed, stream_root
from .._validation import check_in, check_int, check_node_values, check_nonnegative_float
from ..exceptions import InvalidParameterError
from ..graph import Graph, node_mask
from ..models import CTIC, IC, LT, Heat, TemporalIC, run_batch, seed_arrays
from . import celf, heat, heuristics, imm, opim
from ._coverage_kernels import prefix_coverage
from ._objective import affordable, check_k, objective, resolve_target
from ._result import Choice, SeedSelection
from .index import InfluenceIndex
from .rrsets import AtHorizon, RRSets, sampled_model

__all__ = ["METHODS", "maximize"]


@dataclass(frozen=True)
class _Method:
    """One row of the table: the selection function and the models it handles."""

    select: object
    models: tuple
    about: str


_STOCHASTIC = (IC, LT, CTIC, TemporalIC)
_MIN_EPS = 1e-6  # IMM's theta grows like n log n / eps**2: ~1e12 RR sets at n = 2
_METHODS = {
    "imm": _Method(imm.select, _STOCHASTIC, "IMM on RR sets"),
    "opim-c": _Method(opim.select, _STOCHASTIC, "OPIM-C on RR sets"),
    "celf": _Method(celf.select, _STOCHASTIC, "lazy greedy on Monte Carlo"),
    "degree": _Method(heuristics.select_degree, (*_STOCHASTIC, Heat), "highest out-degree"),
    "degree-discount": _Method(heuristics.select_degree_discount, _STOCHASTIC, "degree discount"),
    "pagerank": _Method(heuristics.select_pagerank, _STOCHASTIC, "PageRank"),
    "random": _Method(heuristics.select_random, (*_STOCHASTIC, Heat), "uniformly at random"),
    "heat-top": _Method(heat.select_top, (Heat,), "heat of each node alone"),
    "heat-greedy": _Method(heat.select_greedy, (Heat,), "greedy on the heat read-out"),
}
#: The method names `maximize` knows, in the order of the table.
METHODS = tuple(_METHODS)


@dataclass(frozen=True)
class _Task:
    """Everything a selection method reads (nodes as indices, settings checked)."""

    graph: object
    k: int
    model: object
    allowed: np.ndarray
    fixed: np.ndarray
    root: np.uint64
    generator: object
    n_threads: int
    max_memory: object
    report: object
    client: object
    eps: float
    failure_probability: float
    ell: float
    n_runs: int
    max_rr_sets: object
    horizon: object
    stability: float
    max_work: object
    goal: object = None
    audience: object = None


def maximize(
    graph,
    k,
    model,
    *,
    method="opim-c",
    eps=0.1,
    failure_probability=None,
    rng=None,
    n_jobs=None,
    evaluate=True,
    candidates=None,
    exclude=None,
    fixed=None,
    progress=None,
    max_memory=None,
    n_runs=1000,
    n_eval_runs=10_000,
    max_rr_sets=None,
    horizon=None,
    stability=0.01,
    max_work=MAX_WORK,
    client=None,
    index=None,
    costs=None,
    budget=None,
    target=None,
):
    """Choose k seed nodes that maximize the expected spread of a model.

    Parameters
    ----------
    graph : Graph
    k : int or None
        Number of seeds to choose (on top of `fixed`); None with a `budget`.
    model : IC, LT, CTIC, TemporalIC or Heat
    method : str, default "opim-c"
        ``"opim-c"`` (Tang et al. 2018, min-bound: samples until its ratio is certified
        and, with `stability`, the choice no longer overfits), ``"imm"`` (Tang, Shi, Xiao
        2015; final RR sets drawn fresh, as Chen 2018 advises: the same guarantee from a
        worst-case sample size; on NetHEPT and a 100,000-node Barabási-Albert graph 5-9x
        OPIM-C's time for seeds 0.5% better, benchmarks/results_im_cxx.md), ``"celf"``
        (lazy greedy on Monte Carlo
        with common random numbers), or the baselines ``"degree"``,
        ``"degree-discount"``, ``"pagerank"``, ``"random"``. Under `Heat` (deterministic,
        no sampling; Ma et al. 2008): ``"heat-top"`` (rank nodes by what their heat alone
        achieves by `horizon`) and ``"heat-greedy"`` (greedy on the threshold read-out),
        over the allowed nodes, or the 1,000 of highest degree on larger graphs unless
        `candidates` is given.
    eps : float, default 0.1
        Approximation slack: IMM and OPIM-C return a ``(1 - 1/e - eps)``-approximation.
    failure_probability : float, optional
        IMM's and OPIM-C's ``delta``: the guarantee holds with probability at least
        ``1 - failure_probability`` (default ``1 / n``, IMM's ``n ** -ell`` with
        ``ell = 1``). The result's ``failure_probability`` is what was certified: for
        IMM with `stability` > 0 it is the union bound over the redraws the overfitting
        guard may make (up to 3x the value asked for).
    rng : None, int, SeedSequence or Generator
        Fixes every random stream: the same `rng` gives the same seeds on any number of
        threads.
    n_jobs : int, optional
        Threads (default: all).
    evaluate : bool, default True
        Estimate the spread of the chosen seeds on fresh samples: `n_eval_runs` forward Monte
        Carlo runs for `spread`, and fresh RR sets for the spread-versus-k curve.
    candidates, exclude : sequence of labels, optional
        Who may be chosen; who may not (e.g. competitors' accounts).
    fixed : sequence of labels, optional
        Seeds already committed; the k new ones are chosen on top of them.
    progress : bool, optional
        Progress bar (default: when stderr is a terminal and the work takes over 2 s).
    max_memory : int, optional
        Bytes IMM and OPIM-C may hold at once beyond the graph and the model's per-arc
        probabilities (default: three quarters of physical memory): the RR sets held
        together (IMM's phase-1 and final sets; OPIM-C's R1 and R2) with their
        node-to-set index, the copies made while they grow, the sampler's arrays and
        the greedy's per-node arrays. Exceeding it raises `MemoryLimitError` before
        allocating, except for the overfitting guard's optional extra samples, which
        are then skipped. Measured on 100 million arcs: ``benchmarks/results_large.md``.
    n_runs : int, default 1000
        Monte Carlo runs per estimate, for CELF.
    n_eval_runs : int, default 10000
        Forward Monte Carlo runs for the final spread estimate.
    max_rr_sets : int, optional
        OPIM-C anytime mode: stop at this many RR sets and report the ratio certified.
    horizon : float, optional
        `Heat` (required there): the time at which the heat is read. `CTIC`: count only
        the adoptions by this time ("who should post so that the most people have seen
        it within 24 hours"): RR sets are then sampled by reverse Dijkstra over the
        random delays, stopping at the horizon, and the chosen seeds are scored by
        forward runs up to it. Without it a CTIC's spread is its IC's (the delays do not
        matter). `TemporalIC` (on a `TemporalGraph`): the time after its start; RR sets
        are then reverse time-respecting searches over the contacts.
    stability : float, default 0.01
        IMM and OPIM-C: keep sampling while the greedy choice still overfits its
        sample. IMM: while the chosen seeds cover clearly more (by more than this
        fraction, plus two standard errors) of the RR sets that chose them than of
        independent ones; it redraws its final collection up to 4 times (each 2-16
        times larger). OPIM-C: while the choices made on its two collections each
        cover clearly more of their own than of the other's (the in-sample optimism,
        which in expectation bounds the loss to the best set the greedy finds with
        unlimited samples; see ``spread.im.opim.opim_c``), for up to 6 rounds past its
        schedule, each growing both collections 1.25 to 2 times; then it chooses on
        both collections joined (within `max_memory`), certified on a third. The
        guarantees are kept (their failure probability is a union bound over those
        draws, rounds and checks; see ``spread.im.imm``); 0 gives the textbook stopping
        rules, which stop with seeds several percent below what more samples find.
    max_work : float or None, default 1e11
        Bound on each batch of Monte Carlo runs (CELF's estimates, the final
        evaluation) and CELF's whole search, in node-and-arc updates, checked before it
        starts (`WorkLimitError`); None lifts it.
    client : dask.distributed.Client, optional
        Compute on a Dask cluster: IMM's and OPIM-C's RR sets, CELF's estimates and the
        fresh evaluation (forward runs and RR sets). The graph is scattered to every
        worker once; the seeds, gains and spread are identical to the local call with
        the same `rng` (see `spread.parallel`). `n_jobs` then does not apply. The
        heuristics and the Heat methods run here.

    index : InfluenceIndex, optional
        Choose on this index's RR sets instead of sampling (built for the same graph,
        model and horizon): the greedy choice of `InfluenceIndex.top`, in milliseconds;
        `method` must be an RR-set method ("imm" or "opim-c"), and no guarantee is
        certified (`guarantee` is NaN; the sets' number was fixed when the index was
        built). The seeds are scored on fresh samples as usual. With `costs` and
        `budget`, the budgeted choice of `InfluenceIndex.top`. The index's target (of
        `InfluenceIndex.build`) applies: pass no `target`.
    costs : array of float or mapping, optional
        What seeding each node costs: one finite number > 0 per node (by index), or a
        mapping from labels to costs (nodes it does not name cannot be chosen). With
        `budget`, instead of `k`.
    budget : float, optional
        The most the seeds may cost together (`k` must then be None): budgeted maximum
        coverage on the RR sets, the best of the cost-benefit greedy (largest gain per
        cost that still fits), the plain greedy restricted to what fits and the best
        single affordable node. On fixed sets that reaches ``1 - 1/sqrt(e) ~ 0.393`` of
        the best affordable coverage (the better of the cost-benefit greedy and the best
        single node: Khuller, Moss & Naor 1999 claimed it, their proof had a gap, and
        Tang et al. 2021 proved 0.405; the better of the plain and cost-benefit greedy
        alone is only known to reach ``(1 - 1/e) / 2``, Leskovec et al. 2007). IMM and
        OPIM-C then certify ``1 - 1/sqrt(e) - eps`` (`eps` must stay below 0.393): their
        sample sizes use that ratio in place of ``1 - 1/e`` and, in place of
        ``log C(n, k)``, the log of the number of affordable seed sets, at most
        ``sum_{j <= k_max} C(n_afford, j)`` with ``k_max`` the most nodes the budget
        buys; OPIM-C bounds the optimum's coverage by a fractional knapsack over the
        nodes' coverages. Nodes costing more than the budget are never chosen; `fixed`
        seeds are paid for already (they cost nothing here). The result's `cost` is
        what the chosen seeds cost. Methods "imm" and "opim-c" only.
    target : array of float, mapping, or collection of labels, optional
        The audience: count only these nodes in the spread. A numpy array (or pandas
        Series) of numbers holds one weight >= 0 per node, by index; a mapping gives
        labels their weights; a set, list, tuple or range of labels (or a boolean mask)
        weighs each named node 1. The RR sets draw their root with probability
        proportional to the weight, the estimates are ``W`` (the total weight) times
        the fraction of sets hit, and the seeds are scored by forward runs that add up
        the weights of the nodes they reach. IMM's guesses of the optimum run from
        ``W / 2``; its fallback lower bound is the largest weight an eligible node
        holds itself (if none holds any, nothing is certified: `guarantee` NaN).
        Methods "imm" and "opim-c" only. Budgets and targets on RR sets with roots
        drawn by weight follow Nguyen, Dinh & Thai's BCT (INFOCOM 2016, cost-aware
        targeted viral marketing), here inside IMM's and OPIM-C's bounds.
    Returns
    -------
    SeedSelection

    Raises
    ------
    InvalidParameterError
        If `k` is not in ``[1, number of eligible nodes]``, an option is unknown, or
        `eps`/`failure_probability` are out of range.
    NodeNotFound
        If `candidates`, `exclude` or `fixed` name a node not in the graph.
    MemoryLimitError
        If the RR sets would exceed `max_memory`.
    ModuleNotFoundError
        If `client` is given and dask.distributed (the ``dask`` extra) is missing.

    Examples
    --------
    Two separate stars: hub 0 with 5 leaves, hub 6 with 3. Under IC a hub reaches each
    of its leaves with probability ``p``, so at ``p = 0.5`` hub 0 alone spreads to
    ``1 + 5 p = 3.5`` nodes and the two hubs to ``3.5 + (1 + 3 p) = 6``, the best pair
    (next to hub 0, hub 6 adds 2.5; one of its leaves ``1 + p + 2 p**2 = 2``; a leaf of
    hub 0 ``1 - p = 0.5``):

    >>> import spread
    >>> g = spread.Graph.from_edges([0, 0, 0, 0, 0, 6, 6, 6], [1, 2, 3, 4, 5, 7, 8, 9],
    ...                             directed=False)
    >>> sel = spread.maximize(g, 2, spread.IC(p=0.5), method="imm", eps=0.2, rng=0)
    >>> sel.seeds.tolist()
    [0, 6]
    >>> bool(abs(sel.spread - 6) < 4 * sel.spread_stderr)
    True
    >>> (abs(sel.prefix_spread - [3.5, 6]) < 4 * sel.prefix_stderr).tolist()
    [True, True]

    With a budget of 5, when hub 0 costs 4, hub 6 costs 2 and every leaf 3, the two hubs
    no longer fit together: hub 6 and a leaf of hub 0 (``2.5 + 2.5``; the leaf reaches
    hub 0 with probability p, and through it the other 4 leaves) beat hub 0 alone (3.5):

    >>> costs = [4, 3, 3, 3, 3, 3, 2, 3, 3, 3]
    >>> sel = spread.maximize(g, None, spread.IC(p=0.5), costs=costs, budget=5, rng=0)
    >>> low, high = sorted(sel.seeds.tolist())
    >>> high == 6 and low in {1, 2, 3, 4, 5}, float(sel.cost)
    (True, 5.0)

    Counting only an audience, hub 6 and its leaves, one seed reaches most of it from
    hub 6 (``1 + 3 p = 2.5``; from a leaf ``1 + p + 2 p**2 = 2``):

    >>> sel = spread.maximize(g, 1, spread.IC(p=0.5), target=[6, 7, 8, 9], rng=0)
    >>> sel.seeds.tolist(), bool(abs(sel.spread - 2.5) < 4 * sel.spread_stderr)
    ([6], True)
    """
    start = time.perf_counter()
    if not isinstance(graph, Graph):
        msg = f"`graph` must be a spread.Graph; got {type(graph).__name__}."
        raise InvalidParameterError(msg)
    method = check_in(method, name="method", options=METHODS)
    row = _METHODS[method]
    if index is not None:
        _check_index(index, graph, model, horizon, method)
    if not isinstance(model, IC | LT | CTIC | TemporalIC | Heat):
        msg = (
            "`model` must be spread.IC, spread.LT, spread.CTIC, spread.TemporalIC or "
            f"spread.Heat; got {model!r}."
        )
        raise InvalidParameterError(msg)
    if not isinstance(model, row.models):
        usable = [m for m, r in _METHODS.items() if isinstance(model, r.models)]
        options = ", ".join(repr(m) for m in usable)
        msg = f"`method` must be one of {options} for {model!r}; got {method!r}."
        raise InvalidParameterError(msg)
    if isinstance(model, Heat):
        if horizon is None:
            msg = "`horizon` is required for a Heat model: the time at which heat is read."
            raise InvalidParameterError(msg)
        horizon = check_nonnegative_float(horizon, name="horizon")
        sampled = model
    else:
        sampled = sampled_model(model, horizon, "maximize")
    n = graph.n_nodes
    fixed_mask = node_mask(graph, fixed, name="fixed")
    allowed = (
        node_mask(graph, candidates, name="candidates")
        if candidates is not None
        else np.ones(n, bool)
    )
    allowed &= ~node_mask(graph, exclude, name="exclude")
    allowed &= ~fixed_mask
    costs, budget = _check_budget(graph, k, costs, budget, method)
    if costs is not None:
        allowed = affordable(allowed, costs, budget)  # what costs more is never chosen
        k = 1  # the objective's k_max below
    k = check_k(k, allowed)
    audience = resolve_target(graph, target)
    if index is not None and audience is not None:
        msg = "`target` must be None with an `index`: the index's own target applies."
        raise InvalidParameterError(msg)
    if index is not None:
        audience = index.audience
    if audience is not None and method not in ("imm", "opim-c"):
        msg = f"`target` works with the RR-set methods 'imm' and 'opim-c'; got {method!r}."
        raise InvalidParameterError(msg)
    goal = None
    if budget is not None or audience is not None:
        goal = objective(n, k, allowed, costs=costs, budget=budget, target=audience)
        k = goal.k
    ratio = 1 - 1 / math.e if goal is None else goal.ratio
    eps = check_nonnegative_float(eps, name="eps", allow_zero=False)
    if not _MIN_EPS <= eps < ratio:
        bound = "1 - 1/e) = [{:g}, 0.632)" if budget is None else "1 - 1/sqrt(e)) = [{:g}, 0.393)"
        msg = (
            f"`eps` must lie in [{_MIN_EPS:g}, {bound.format(_MIN_EPS)} (below, no graph's RR "
            f"sets fit in memory{'; above, a budget certifies nothing' if budget else ''}); "
            f"got {eps}."
        )
        raise InvalidParameterError(msg)
    if failure_probability is None:
        delta, ell = 1.0 / n, 1.0  # IMM's default, n ** -1
    else:
        delta = check_nonnegative_float(
            failure_probability, name="failure_probability", allow_zero=False
        )
        if delta >= 1:
            msg = f"`failure_probability` must lie in (0, 1); got {delta}."
            raise InvalidParameterError(msg)
        ell = math.log(1.0 / delta) / math.log(max(n, 2))
    n_runs = check_int(n_runs, name="n_runs", min_value=1)
    n_eval = check_int(n_eval_runs, name="n_eval_runs", min_value=2)
    if max_rr_sets is not None:
        max_rr_sets = check_int(max_rr_sets, name="max_rr_sets", min_value=2)
    stability = check_nonnegative_float(stability, name="stability")
    max_work = check_max_work(max_work)
    if max_memory is not None:
        max_memory = check_int(max_memory, name="max_memory", min_value=1)
    if not isinstance(evaluate, bool | np.bool_):
        msg = f"`evaluate` must be True or False; got {evaluate!r}."
        raise InvalidParameterError(msg)
    n_threads = thread_count(n_jobs)
    client = parallel.check_client(client)
    root = root_seed(rng)

    bar = progress_bar(None, desc=f"maximize {method}", progress=progress, unit="sample")

    def report(done):
        bar.n = int(done)
        bar.refresh()

    task = _Task(
        graph=graph,
        k=k,
        model=sampled,
        allowed=allowed,
        fixed=fixed_mask,
        root=root,
        generator=generator(root, SEED_RULE, 0),
        n_threads=n_threads,
        max_memory=max_memory,
        report=report,
        client=client,
        eps=eps,
        failure_probability=delta,
        ell=ell,
        n_runs=n_runs,
        max_rr_sets=max_rr_sets,
        horizon=horizon,
        stability=stability,
        max_work=max_work,
        goal=goal,
        audience=audience,
    )
    with bar:
        choice = row.select(task) if index is None else _select_on_index(task, index)
        elapsed = time.perf_counter() - start
        seeds = np.asarray(choice.seeds, dtype=np.int64)
        seeds = seeds[seeds >= 0]
        gains = np.asarray(choice.gains, dtype=np.float64)[: seeds.size]
        if not evaluate:
            nan = np.full(seeds.size, np.nan)
            result = (math.nan, math.nan, nan, nan, "none")
        elif isinstance(model, Heat):
            result = _evaluate_heat(graph, model, seeds, fixed_mask, horizon)
        else:
            result = _evaluate(
                graph,
                sampled,
                seeds,
                fixed_mask,
                n_eval,
                root,
                n_threads,
                max_memory,
                client,
                max_work,
                audience,
            )
    spread, stderr, prefix, prefix_se, how = result
    return SeedSelection(
        seeds=graph.label_of(seeds),
        gains=gains,
        spread=spread,
        spread_stderr=stderr,
        prefix_spread=prefix,
        prefix_stderr=prefix_se,
        method=method if index is None else "index",
        model=model,
        fixed=graph.label_of(np.flatnonzero(fixed_mask)),
        n_samples=int(choice.n_samples),
        guarantee=float(choice.guarantee),
        failure_probability=float(choice.failure_probability),
        memory_bytes=int(choice.memory_bytes),
        elapsed=elapsed,
        evaluation=how,
        graph=graph,
        cost=math.nan if costs is None else float(costs[seeds].sum()),
        budget=math.nan if budget is None else budget,
        target_weight=math.nan if audience is None else audience.total,
    )


def _check_budget(graph, k, costs, budget, method):
    """`costs` (per node, or None) and `budget` (a float, or None), checked together
    with `k`: a budget replaces k and needs costs; costs mean nothing without one."""
    if budget is None:
        if costs is not None:
            msg = "`costs` needs a `budget` (the most the seeds may cost together); got none."
            raise InvalidParameterError(msg)
        if k is None:
            msg = "`k` must be given (the number of seeds), or `costs` and a `budget`."
            raise InvalidParameterError(msg)
        return None, None
    if k is not None:
        msg = f"`k` must be None when a `budget` is given (the budget sets how many); got {k!r}."
        raise InvalidParameterError(msg)
    budget = check_nonnegative_float(budget, name="budget", allow_zero=False)
    if costs is None:
        msg = "`budget` needs `costs`: what seeding each node costs."
        raise InvalidParameterError(msg)
    if method not in ("imm", "opim-c"):
        msg = f"`budget` works with the RR-set methods 'imm' and 'opim-c'; got {method!r}."
        raise InvalidParameterError(msg)
    costs = check_node_values(
        graph, costs, name="costs", what="a cost", positive=True, missing=math.inf
    )
    return costs, budget


def _check_index(index, graph, model, horizon, method):
    if not isinstance(index, InfluenceIndex):
        msg = f"`index` must be a spread.InfluenceIndex; got {type(index).__name__}."
        raise InvalidParameterError(msg)
    if method not in ("imm", "opim-c"):
        msg = f"`index` works with the RR-set methods 'imm' and 'opim-c'; got {method!r}."
        raise InvalidParameterError(msg)
    if index.graph is not graph:
        msg = "`index` was built on another graph (pass the graph it was built or loaded with)."
        raise InvalidParameterError(msg)
    same = index.model is model or (isinstance(index.model, str) and index.model == repr(model))
    if not same:
        msg = f"`index` was built for {index.model!r}; got `model` {model!r}."
        raise InvalidParameterError(msg)
    if (index.horizon is None) != (horizon is None) or (
        horizon is not None and float(horizon) != index.horizon
    ):
        msg = f"`index` was built with horizon {index.horizon!r}; got `horizon` {horizon!r}."
        raise InvalidParameterError(msg)


def _select_on_index(task, index):
    """Greedy (budgeted) maximum coverage on the index's sets (no sampling, no certificate)."""
    seeds, gains = index._choose(task.k, task.allowed, task.fixed, task.goal)
    return Choice(seeds, gains, index.n_samples, memory_bytes=index.nbytes)


def _evaluate(
    graph, model, seeds, fixed_mask, n_eval, root, n_threads, max_memory, client, max_work, target
):
    """Spread of fixed + seeds on fresh forward runs; prefix curve on fresh RR sets.

    With a `target` (`_objective.Target`) both count only it: each run adds up the weights
    of the nodes it reaches, and the fresh RR sets draw their roots by weight.
    """
    k = seeds.size
    all_seeds = np.unique(np.concatenate([np.flatnonzero(fixed_mask), seeds])).astype(np.int32)
    runs = run_batch(
        graph,
        model.plan(graph),
        seed_arrays([all_seeds]),
        n_runs=n_eval,
        max_steps=max(graph.n_nodes, 1),
        root=stream_root(root, EVAL_RUNS),
        n_threads=n_threads,
        record_steps=False,
        client=client,
        max_work=max_work,
        count_nodes=False,
        runs_name="`n_eval_runs`",
        node_weight=None if target is None else target.weights,
    )
    sizes = runs.final_sizes if target is None else runs.weighted_sizes
    spread = float(sizes.mean())
    stderr = float(sizes.std(ddof=1)) / np.sqrt(sizes.size)
    by = ""
    if isinstance(model, AtHorizon) and math.isfinite(model.horizon):
        by = f" up to t = {model.horizon:g}"
    if target is not None:
        by += f", counting the target's weight ({target.total:,.4g} in all)"
    if isinstance(model, AtHorizon) and getattr(model.model, "recovery", None) is not None:
        nan = np.full(k + 1, np.nan)  # no RR sets under an infectious period over contacts
        return spread, stderr, nan[1:], nan[1:], f"{n_eval:,} fresh forward runs{by}"
    # Spread versus k from fresh RR sets: sigma(S) = n * P(a random RR set meets S).
    n = graph.n_nodes
    scale = n if target is None else target.total
    theta = max(n_eval, 10_000)
    rr = RRSets(
        graph,
        model,
        stream_root(root, EVAL_RR),
        n_threads=n_threads,
        max_memory=max_memory,
        client=client,
        target=target,
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
        scale * frac,
        scale * np.sqrt(frac * (1 - frac) / theta),
        f"{n_eval:,} fresh forward runs{by}",
    )


def _evaluate_heat(graph, model, seeds, fixed_mask, horizon):
    """Heat is deterministic: the value of every prefix of the seeds, exactly."""
    k = seeds.size
    prefix = np.empty(k)
    for j in range(k):
        sources = fixed_mask.copy()
        sources[seeds[: j + 1]] = True
        f0 = np.where(sources, float(model.source_heat), 0.0)
        prefix[j] = heat.heat_score(graph, model, f0, horizon, sources)
    how = "heat kernel (exact)"
    return float(prefix[-1]), 0.0, prefix, np.zeros(k), how
