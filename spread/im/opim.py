"""OPIM-C: seed selection on two RR-set collections (Tang, Tang, Xiao, Yuan, SIGMOD 2018)."""

import math
from typing import NamedTuple

import numpy as np

from .._random import RR, RR_CHECK, stream_root
from ..exceptions import MemoryLimitError
from ._result import Choice
from .rrsets import ONE_MINUS_INV_E, RRSets, coverage, greedy, log_comb, objective

__all__ = ["opim_c", "select"]

_EXTRA_ROUNDS = 6  # doublings allowed past theta_max while the choice still overfits


def select(task):
    """`spread.maximize`'s ``method="opim-c"``."""
    seeds, gains, n_samples, ratio, delta, memory = opim_c(
        task.graph,
        task.k,
        task.model,
        eps=task.eps,
        delta=task.failure_probability,
        root=task.root,
        allowed=task.allowed,
        fixed=task.fixed,
        n_threads=task.n_threads,
        max_memory=task.max_memory,
        report=task.report,
        max_rr_sets=task.max_rr_sets,
        stable=task.stability,
        client=task.client,
        goal=task.goal,
        audience=task.audience,
    )
    return Choice(seeds, gains, n_samples, ratio, delta, memory)


class _OpimSizes(NamedTuple):
    """OPIM-C's schedule (`_opim_sizes`)."""

    theta0: float  # RR sets in each of R1 and R2 in the first round (rounded up)
    theta_max: float  # the size at which the worst-case analysis alone suffices
    i_max: int  # rounds of the schedule: each doubles R1 and R2
    n_rounds: int  # rounds allowed: i_max plus the overfitting guard's extra ones
    a: float  # log(1 / delta_1) = log(1 / delta_2) of the bounds (`_opim_bounds`)


def _opim_sizes(n, n_cand, k, eps, delta, extra_rounds, goal=None):
    """OPIM-C's theta0, theta_max, i_max and the bounds' constant a (Tang et al. 2018).

    ``alpha = sqrt(log(6 / delta))``, ``beta = sqrt((1 - 1/e) (log C(n_cand, k) +
    log(6 / delta)))``, ``theta_max = 2 n ((1 - 1/e) alpha + beta)**2 / (k eps**2)``,
    ``theta0 = theta_max k eps**2 / n``; ``i_max = floor(log2(theta_max / theta0)) + 1``
    rounds, and ``a = log(3 n_rounds / delta)``: ``delta_1 = delta_2 = delta / (3 i_max)``
    of the paper when `extra_rounds` is 0.

    With a `goal` (`rrsets.Objective`), its ``ratio`` replaces ``1 - 1/e``, its
    ``log_sets`` the ``log C(n_cand, k)`` and ``scale / opt_floor`` (W over a lower
    bound on the optimum) the ``n / k`` (the optimum is at least k nodes); with no
    positive floor (no eligible node in the target), ``n`` (theta_max only ends the
    schedule: OPIM-C reports the ratio it certified, whatever it is).
    """
    log_cnk = log_comb(n_cand, k) if goal is None else goal.log_sets
    rho = ONE_MINUS_INV_E if goal is None else goal.ratio
    reach = n / k
    if goal is not None:
        reach = goal.scale / goal.opt_floor if goal.opt_floor > 0 else float(max(n, 1))
    alpha = math.sqrt(math.log(6.0 / delta))
    beta = math.sqrt(rho * (log_cnk + math.log(6.0 / delta)))
    theta0 = 2.0 * (rho * alpha + beta) ** 2
    theta_max = 2.0 * reach * (rho * alpha + beta) ** 2 / eps**2
    i_max = math.floor(math.log2(max(theta_max / theta0, 1.0))) + 1
    n_rounds = i_max + extra_rounds
    a = math.log(3.0 * n_rounds / delta)
    return _OpimSizes(theta0, theta_max, i_max, n_rounds, a)


def _opim_bounds(cov2, upper1, a):
    """Lower bound on R2's coverage of the seeds, upper bound on the optimum's on R1.

    Tang et al. 2018: ``(sqrt(cov2 + 2a/9) - sqrt(a/2))**2 - a/18`` and
    ``(sqrt(upper1 + a/2) + sqrt(a/2))**2``, in RR sets (times n / theta: spreads).
    """
    lower = (math.sqrt(cov2 + 2.0 * a / 9.0) - math.sqrt(a / 2.0)) ** 2 - a / 18.0
    upper = (math.sqrt(upper1 + a / 2.0) + math.sqrt(a / 2.0)) ** 2
    return lower, upper


def _settled(own, cross, discordant, stable):
    """The guard's test: is the choice no longer flattered by the sets that made it?

    Each collection chooses its own seeds (S1 on R1, S2 on R2); `own` is the sets each
    choice covers in its own collection, `cross` those it covers in the other, and
    `discordant` the sets (of both) hit by exactly one of the two choices. ``own -
    cross`` estimates twice the greedy's in-sample optimism, which in expectation bounds
    what the choice loses to the best set the greedy can find (see `opim_c`). Settled
    when it is at most a fraction `stable` of `cross` plus two standard errors of the
    paired difference, ``2 sqrt(discordant)`` (a tie is settled).
    """
    return own - cross <= stable * cross + 2.0 * math.sqrt(discordant)


def _cross_check(r1, r2, seeds1, cov1, cov2, k, allowed, fixed, goal):
    """`_settled`'s counts: R2 chooses its own seeds, and each choice is scored on the
    other collection and, joined with the other choice, on its own (for the sets hit by
    exactly one of the two)."""
    seeds2, _, cov22, _ = greedy(r2, k, allowed, fixed, goal=goal)
    cov12 = coverage(r1, seeds2, fixed)
    both = np.union1d(seeds1[seeds1 >= 0], seeds2[seeds2 >= 0])
    discordant = 2 * coverage(r1, both, fixed) - cov1 - cov12
    discordant += 2 * coverage(r2, both, fixed) - cov2 - cov22
    return cov1 + cov22, cov2 + cov12, discordant


def opim_c(
    graph,
    k,
    model,
    *,
    eps,
    delta,
    root,
    allowed,
    fixed,
    n_threads,
    max_memory,
    report,
    max_rr_sets=None,
    stable=0.01,
    client=None,
    goal=None,
    audience=None,
):
    """OPIM-C (Tang, Tang, Xiao, Yuan, SIGMOD 2018) with the min-bound.

    Two independent collections R1 (select) and R2 (validate) double each round until the
    certified ratio ``lower / upper`` reaches ``1 - 1/e - eps`` and, with `stable` > 0,
    the selection no longer overfits its sample (`_settled`). The certificate alone is a
    worst-case bound: at eps = 0.1 it is met after some 73,000 RR sets on NetHEPT, by
    seeds 4% below what more samples find (benchmarks/results_im_cxx.md).

    The overfitting guard is a cross-check. Once certified, R2 makes its own greedy
    choice S2, and each choice is scored on the other collection. The greedy's
    in-sample optimism ``E[cov_R(S_R)] - E[f(S_R)]`` bounds, in expectation, what its
    choice loses to any set T it covers at least as much of in its own sample (e.g.
    the greedy choice on unlimited samples): ``E[f(T)] <= E[cov_R(S_R)]``, so ``f(T) -
    E[f(S_R)]`` is at most the optimism (spreads in units of ``n / theta``). The paired
    difference ``cov_R1(S1) + cov_R2(S2) - cov_R2(S1) - cov_R1(S2)`` estimates twice the
    optimism with the noise of only the sets one choice hits and the other does not;
    the guard stops when it is at most a fraction `stable` of the cross coverage plus
    two of its standard errors. What it certifies: the seeds' expected spread is
    within about `stable` of the best the greedy finds with unlimited samples, as an
    estimate (the optimism is measured, not bounded with a failure probability; the
    ``1 - 1/e - eps`` certificate is the guarantee). Measured, the loss is a half to a
    third of the estimate. Each round's certificate holds jointly with the others (the
    union bound over all the rounds allowed, ``i_max`` plus ``_EXTRA_ROUNDS`` for the
    guard, is in ``a``), so stopping later keeps the guarantee. With `max_rr_sets`, it
    stops at that budget instead (anytime mode) and reports the ratio reached.
    Returns ``(seed ids, gains, n_rr_sets, ratio certified, delta, peak bytes)``.
    With `client`, R1 and R2 are sampled on a Dask cluster (the same sets).

    A `goal` (`rrsets.Objective`) chooses under a budget (`budget_cover`; the upper
    bound on the optimum's coverage of R1 is then the smaller of the fractional-knapsack
    bounds and ``cov1 / ratio``) and/or counts an `audience` (`rrsets.Target`): the
    sets' roots are drawn by its weights and spreads scale by ``W``; the schedule stops when
    the certified ratio reaches ``goal.ratio - eps``.
    """
    n = graph.n_nodes
    n_cand = int(allowed.sum())
    goal = objective(n, k, allowed) if goal is None else goal
    k, rho = goal.k, goal.ratio
    # The overfitting guard may double past theta_max (where the certificate alone would
    # stop): the union bound then covers those extra rounds too.
    sizes = _opim_sizes(n, n_cand, k, eps, delta, _EXTRA_ROUNDS if stable > 0 else 0, goal)
    i_max, n_rounds, a = sizes.i_max, sizes.n_rounds, sizes.a
    if max_rr_sets is not None:
        a = math.log(2.0 / delta)
    rr_root = stream_root(root, RR)
    sampling = {"n_threads": n_threads, "max_memory": max_memory, "client": client}
    r1 = RRSets(graph, model, rr_root, first=0, target=audience, **sampling)
    # R2 is independent of R1: its own named stream.
    r2 = RRSets(
        graph,
        model,
        stream_root(root, RR_CHECK),
        first=0,
        template=r1,
        companions=(r1,),
        target=audience,
        **sampling,
    )
    r1.companions = (r2,)  # one `max_memory` for both
    target = math.ceil(sizes.theta0)
    ratio = 0.0
    seeds = gains = None
    for round_ in range(n_rounds):
        if max_rr_sets is not None:
            target = min(target, max(max_rr_sets // 2, 1))
        try:
            r1.extend(target)
            r2.extend(target)
        except MemoryLimitError:
            if seeds is None or round_ < i_max or ratio < rho - eps:
                raise
            break  # the guard's extra rounds are optional: keep the certified seeds
        report(2 * target)
        seeds, gains, cov1, upper1 = greedy(r1, k, allowed, fixed, want_bound=True, goal=goal)
        theta = len(r1)  # the sets behind this choice (R1 may outgrow them if R2 fails)
        cov2 = coverage(r2, seeds, fixed)
        lower, upper = _opim_bounds(cov2, upper1, a)
        ratio = max(lower, 0.0) / upper  # upper >= 2a > 0, as a >= log 2
        if max_rr_sets is not None:
            if 2 * target >= max_rr_sets:
                break
        elif ratio >= rho - eps:
            # Selection overfits its sample while samples are few: wait until each
            # collection's own choice covers little more of it than the other's choice
            # does (checked only once certified: before that the rounds go on anyway).
            if stable <= 0:
                break
            counts = _cross_check(r1, r2, seeds, cov1, cov2, k, allowed, fixed, goal)
            if _settled(*counts, stable):
                break
        target *= 2
    memory = r1.nbytes + r2.nbytes
    r1.companions = ()  # break the R1 <-> R2 cycle: both are freed on return, not at a GC
    return seeds, gains * goal.scale / theta, 2 * theta, ratio, delta, memory
