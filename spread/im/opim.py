"""OPIM-C: seed selection on two RR-set collections (Tang, Tang, Xiao, Yuan, SIGMOD 2018)."""

import math
from typing import NamedTuple

from .._random import RR, RR_CERT, RR_CHECK, stream_root
from ..exceptions import MemoryLimitError
from ._objective import ONE_MINUS_INV_E, log_comb, objective
from ._result import Choice
from .rrsets import RRSets, _pool, coverage, greedy

__all__ = ["opim_c", "select"]

_EXTRA_ROUNDS = 6  # rounds allowed past theta_max while the choice still overfits
_MIN_STEP = 1.25  # the guard's rounds grow R1 and R2 by 1.25x to 2x (`_guard_step`)
_STEP_MARGIN = 1.25  # over the growth at which the guard is predicted to settle
_CERT_MARGIN = 1.25  # R3 (`_cert_size`): over the size predicted to certify
_MAX_LEAP = 64.0  # before the certificate, a round grows R1 and R2 by 2x to 64x (`_leap`)


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
    i_max: int  # rounds of the schedule: each doubles R1 and R2 (`_guard_step`'s grow less)
    n_rounds: int  # rounds allowed: i_max plus the overfitting guard's extra ones
    a: float  # log(1 / delta_1) = log(1 / delta_2) of the bounds (`_opim_bounds`)


def _opim_sizes(n, n_cand, k, eps, delta, extra_rounds, goal=None, extra_checks=0):
    """OPIM-C's theta0, theta_max, i_max and the bounds' constant a (Tang et al. 2018).

    ``alpha = sqrt(log(6 / delta))``, ``beta = sqrt((1 - 1/e) (log C(n_cand, k) +
    log(6 / delta)))``, ``theta_max = 2 n ((1 - 1/e) alpha + beta)**2 / (k eps**2)``,
    ``theta0 = theta_max k eps**2 / n``; ``i_max = floor(log2(theta_max / theta0)) + 1``
    rounds, and ``a = log(3 (n_rounds + extra_checks) / delta)``: ``delta_1 = delta_2 =
    delta / (3 i_max)`` of the paper when `extra_rounds` and `extra_checks` are 0
    (`extra_checks`: certificates checked besides the rounds', the joined choice's).

    With a `goal` (`_objective.Objective`), its ``ratio`` replaces ``1 - 1/e``, its
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
    a = math.log(3.0 * (n_rounds + extra_checks) / delta)
    return _OpimSizes(theta0, theta_max, i_max, n_rounds, a)


def _opim_bounds(cov2, upper1, a):
    """Lower bound on R2's coverage of the seeds, upper bound on the optimum's on R1.

    Tang et al. 2018: ``(sqrt(cov2 + 2a/9) - sqrt(a/2))**2 - a/18`` and
    ``(sqrt(upper1 + a/2) + sqrt(a/2))**2``, in RR sets (times n / theta: spreads).
    The lower bound is at most 0 for `cov2` up to ``2a/3`` (0 at 0, where its rounding
    can leave 1e-16 above): there it is kept at most 0, so no coverage certifies nothing.
    """
    lower = (math.sqrt(cov2 + 2.0 * a / 9.0) - math.sqrt(a / 2.0)) ** 2 - a / 18.0
    if cov2 <= 2.0 * a / 3.0:
        lower = min(lower, 0.0)
    upper = (math.sqrt(upper1 + a / 2.0) + math.sqrt(a / 2.0)) ** 2
    return lower, upper


def _settled(own, cross, discordant, stable, known=0.0, joined=False):
    """The guard's test: is the choice no longer flattered by the sets that made it?

    Each collection chooses its own seeds (S1 on R1, S2 on R2); `own` is the sets each
    choice covers in its own collection, `cross` those it covers in the other, and
    `discordant` the sets (of both) hit by exactly one of the two choices. ``own -
    cross`` estimates twice the greedy's in-sample optimism, which in expectation bounds
    what the choice loses to the best set the greedy can find (see `opim_c`). Settled
    when it is at most a fraction `stable` of `cross` plus two standard errors of the
    paired difference, ``2 sqrt(discordant)`` (a tie is settled). Conditional sets:
    `known`, both choices' known part in sets, counts in the cross coverage the fraction
    is of (it cancels in the difference).

    `joined`: the seeds will be chosen on R1 and R2 together (`opim_c`), twice the sets
    of each. The optimism counted in sets stays about the same as a collection grows
    (benchmarks/results_rr_quality.md), so ``own - cross`` also estimates twice the
    joined choice's, in its own sets, of which the choice covers ``cross + known``
    (twice each collection's): the fraction is of that, ``2 stable (cross + known)``.
    The standard error is the check's own.
    """
    scale = 2.0 if joined else 1.0
    return own - cross <= scale * stable * (cross + known) + 2.0 * math.sqrt(discordant)


def _guard_step(own, cross, discordant, stable, known=0.0, joined=False, leap=False):
    """How much to grow R1 and R2 after a cross-check that did not settle: a factor in
    [`_MIN_STEP`, 2], or with `leap` (before the certificate, when the schedule would
    double anyway) in [2, `_MAX_LEAP`].

    The optimism ``own - cross`` stays about the same number of sets as the
    collections grow (its relative size halves with each doubling; measured in
    benchmarks/results_rr_quality.md), while `_settled`'s allowance grows with them:
    ``stable * cross`` in proportion and ``2 sqrt(discordant)`` as its square root. The
    factor x that makes them meet, ``stable * cross * x + 2 sqrt(discordant x) = own -
    cross``, times `_STEP_MARGIN` for the noise of the next check, clipped. The test
    at the next size is `_settled` as before: the step only saves the doubling past
    where the guard will settle, and the leap the rounds before it (the optimism grows
    slowly with the sets: from the first round the guard's settling size is predicted
    1.5-8x too small on NetHEPT, BA and wiki-Vote; benchmarks/RESULTS.md). `joined`: the fraction of
    `_settled`'s joined test, ``2 stable``.
    """
    least, most = (2.0, _MAX_LEAP) if leap else (_MIN_STEP, 2.0)
    gap = own - cross
    slope = (2.0 if joined else 1.0) * stable * (cross + known)
    root = 2.0 * math.sqrt(discordant)
    if slope <= 0:
        return 2.0
    # slope * y**2 + root * y - gap = 0 for y = sqrt(x)
    y = (-root + math.sqrt(root * root + 4.0 * slope * max(gap, 0.0))) / (2.0 * slope)
    return min(most, max(least, _STEP_MARGIN * y * y))


def _leap(r1, r2, target, step):
    """`step` (a `_guard_step` leap), halved down to 2 until R1 and R2 at ``target *
    step`` sets fit in `max_memory` together (`RRSets.projected_bytes`): a leap never
    fails where doubling would not."""
    while step > 2.0:
        grown = math.ceil(target * step)
        if r1.projected_bytes(grown) + r2.projected_bytes(grown) <= r1.max_memory:
            break
        step = max(2.0, step / 2.0)
    return step


def _cross_check(on_r1, on_r2):
    """`_settled`'s counts from each collection's `coverage` by both choices: S1 (chosen
    on R1) and S2 (on R2), as ``(by S1, by S2, by either)``. `own` is each choice's
    coverage of its own collection, `cross` of the other's; `discordant` the sets of
    both hit by exactly one of the two (``2 either - by S1 - by S2``)."""
    own = on_r1[0] + on_r2[1]
    cross = on_r2[0] + on_r1[1]
    discordant = 2 * on_r1[2] - on_r1[0] - on_r1[1] + 2 * on_r2[2] - on_r2[0] - on_r2[1]
    return own, cross, discordant


def _side_by_side(r1, r2):
    """Whether both collections' greedy selections fit in `max_memory` at once (their
    sets and, for each, `RRSets.selecting_bytes`)."""
    need = r1.nbytes + r2.nbytes + r1.selecting_bytes + r2.selecting_bytes
    return need <= r1.max_memory


def _cert_size(theta, covered, known, upper, a, need):
    """R3's size (`_joined_choice`): the fewest sets, at most `theta`, that would certify
    a choice covering the fraction ``covered / theta`` of them less two standard
    errors, plus its known part (`known`, in sets of `theta`), at the ratio `need`
    against `upper` (a bound on the optimum's coverage of ``2 theta`` sets), times
    `_CERT_MARGIN`; `theta` if none does. The round's choice and its coverage of R2
    stand in for the joined choice, which covers about as much (the guard settled),
    and R1's bound doubled for the joined sets' own, which is smaller per set."""
    frac = covered / theta
    goal = need * _opim_bounds(0.0, upper, a)[1] / (2.0 * theta)

    def certifies(t):
        hits = frac * t - 2.0 * math.sqrt(frac * t)
        return (_opim_bounds(max(hits, 0.0), 0.0, a)[0] + known * t / theta) / t >= goal

    if not certifies(theta):
        return theta
    lo, hi = 0, theta  # certifies(hi); lo does not (or is 0)
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (lo, mid) if certifies(mid) else (mid, hi)
    return min(theta, math.ceil(_CERT_MARGIN * hi))


def _joinable(r1, r2, n3):
    """Whether choosing on R1 and R2 joined fits in `max_memory` (`_joined_choice`):
    both collections and their joined copy with its selection's index
    (`RRSets.selecting_bytes`), the round's two indexes it is joined from (4 bytes per
    member, 8 per node each), and R3 of `n3` sets as its `RRSets.extend` projects it,
    with its sampler's working arrays."""
    avg = r1.n_members / max(len(r1), 1)
    need = 2 * (r1.nbytes + r2.nbytes) + r1.selecting_bytes + r2.selecting_bytes
    need += 4 * (r1.n_members + r2.n_members) + 16 * (r1.graph.n_nodes + 1)
    need += int(n3 * (8 * avg + 8)) + r1.working_bytes(avg, n3)
    return need <= r1.max_memory


def _joined_choice(r1, r2, r3, size, k, allowed, fixed, goal, pool, a, indexes=None):
    """The greedy choice on R1 and R2 joined, certified on R3 (`size` sets, drawn on
    the other thread while the greedy runs when there is a `pool`): ``(seeds, gains in
    joined sets, ratio)``. The lower bound on the seeds' spread is `_opim_bounds`' on
    R3, the upper bound on the optimum's is on the joined sets (the greedy's
    min-bound), each as a fraction of its own sets. `indexes`: R1's and R2's inverted
    indexes from the round's choices, joined for the greedy instead of built anew."""
    later = None if pool is None else pool.submit(r3.extend, size)
    kept = indexes is not None and indexes[0] is not None
    index = indexes if kept else False
    seeds, gains, _, upper, *_ = greedy((r1, r2), k, allowed, fixed, True, goal, index)
    if later is None:
        r3.extend(size)
    else:
        later.result()
    rounding = 0.5 * k if r1.conditional else 0.0  # as in `opim_c`'s rounds
    lower, upper = _opim_bounds(coverage(r3, seeds, fixed), upper + rounding, a)
    joined = len(r1) + len(r2)
    ratio = max(lower + _known(r3, seeds), 0.0) / len(r3) / (upper / joined)
    return seeds, gains, ratio


def _extend_both(r1, r2, target, helper):
    """R1 and R2 to `target` sets each; with a `helper` thread, R2 on it while this one
    draws R1, each on its share of the threads (`opim_c`): one thread woken a round
    instead of the pool's for each collection's kernel calls, which cost 0.2-0.4 ms
    each on these VMs. Each collection's `max_memory` check then counts what the other
    adds (`RRSets.projected_bytes`). The sets are the same."""
    if helper is None:
        r1.extend(target)
        r2.extend(target)
        return
    grow1 = max(r1.projected_bytes(target) - r1.nbytes, 0)
    grow2 = max(r2.projected_bytes(target) - r2.nbytes, 0)
    later = helper.submit(r2.extend, target, grow1)
    try:
        r1.extend(target, grow2)
    finally:
        later.result()


def _choices(r1, r2, k, allowed, fixed, goal, pool, both):
    """R1's greedy choice with its bound and, if `both`, R2's own choice (the
    cross-check's): beside R1's on the other thread with a `pool` (made before knowing
    whether the certificate needs it: the core is idle otherwise), else after it.
    Returns ``(seeds, gains, upper1, seeds2 or None, indexes or None)``: where both
    selections fit in `max_memory` at once (`_side_by_side`), the inverted index each
    greedy built (`greedy`'s ``index``; None under a budget), for `_scores`."""
    if not both:
        seeds, gains, _, upper1 = greedy(r1, k, allowed, fixed, want_bound=True, goal=goal)
        return seeds, gains, upper1, None, None
    if not _side_by_side(r1, r2):
        seeds, gains, _, upper1 = greedy(r1, k, allowed, fixed, want_bound=True, goal=goal)
        seeds2 = greedy(r2, k, allowed, fixed, goal=goal)[0]
        return seeds, gains, upper1, seeds2, None
    mine = (
        None if pool is None else pool.submit(greedy, r2, k, allowed, fixed, goal=goal, index=True)
    )
    seeds, gains, _, upper1, index1 = greedy(
        r1, k, allowed, fixed, want_bound=True, goal=goal, index=True
    )
    if mine is None:
        seeds2, *_, index2 = greedy(r2, k, allowed, fixed, goal=goal, index=True)
    else:
        seeds2, *_, index2 = mine.result()
    return seeds, gains, upper1, seeds2, (index1, index2)


def _scores(r1, r2, seeds, seeds2, fixed, pool, indexes):
    """Each collection's coverage by S1 and S2 (`coverage` with ``others``): through
    each collection's inverted index where the greedies kept one (`_choices`: the
    memberships of the seeds only), else in two passes (on two threads with a
    `pool`): ``(on R1, on R2)``. The held indexes are both selections' arrays, which
    `_side_by_side` allows."""
    if indexes is not None and indexes[0] is not None:
        return (
            coverage(r1, seeds, fixed, seeds2, index=indexes[0]),
            coverage(r2, seeds, fixed, seeds2, index=indexes[1]),
        )
    if pool is None:
        return coverage(r1, seeds, fixed, seeds2), coverage(r2, seeds, fixed, seeds2)
    later = pool.submit(coverage, r1, seeds, fixed, seeds2)
    on_r2 = coverage(r2, seeds, fixed, seeds2)
    return later.result(), on_r2


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
    the selection no longer overfits its sample (`_settled`); once certified, a round
    whose selection still overfits grows them by `_guard_step` (1.25x to 2x: to where
    the check is predicted to settle) instead of doubling, and before it, by 2x to 64x
    to where the check is predicted to settle (`_guard_step`'s leap, within
    `max_memory`: `_leap`): the rounds the paper's doubling spends below the guard's
    size are skipped (on NetHEPT 3-4 rounds instead of 8-9, 16% less time; on
    wiki-Vote 3 instead of 5-6, 20%; benchmarks/RESULTS.md). The certificate alone is a
    worst-case bound: at eps = 0.1 it is met after some 73,000 RR sets on NetHEPT, by
    seeds 4% below what more samples find (benchmarks/results_im_cxx.md).

    The overfitting guard is a cross-check. Each round R2 makes its own greedy choice
    S2, and each choice is scored on the other collection. The greedy's
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
    guard, is in ``a``), so stopping later, or sooner when a guard round would pass
    `max_memory`, keeps the guarantee. Each collection is scored by both choices
    through the inverted indexes the two greedies kept where both fit in `max_memory`
    (`_scores`). On two or more threads R1 and R2 are drawn side by side, each on half
    the threads (`_extend_both`), and R2's choice is made beside R1's: the same rounds
    and seeds as on one thread. With `max_rr_sets`, it stops at that budget instead
    (anytime mode, no guard) and reports the ratio reached.

    The seeds are chosen on R1 and R2 joined. Once the guard settles, R1 and R2 are
    independent samples of one law, so the greedy on both together is the choice on
    twice the sets, whose optimism counted in sets is about the same as each one's
    (`_settled`'s ``joined`` test: the fraction `stable` of twice the cross coverage;
    per RR set drawn the seeds are as good as a choice on R1 alone with R1 and R2 each
    twice as large: on NetHEPT 22-30% less time, benchmarks/RESULTS.md). Neither
    collection can certify that choice, so a third, R3 (the ``RR_CERT`` stream), is
    drawn beside its greedy on the other thread, as few sets as predicted to certify it
    (`_cert_size`, at most R2's size): the lower bound on its spread is on R3, the upper
    bound on the optimum's on the joined sets, and that check is one more in the union
    bound. If R3 does not certify it, the round's choice on R1 and its certificate
    stand. Only within `max_memory` (`_joinable`: the joined copy and R3 beside R1 and
    R2); otherwise the guard tests the round's own choice, as before.
    Returns ``(seed ids, gains, n_rr_sets, ratio certified, delta, peak bytes)``:
    ``n_rr_sets`` counts R3's sets, and the peak the joined copy and R3.
    With `client`, R1, R2 and R3 are sampled on a Dask cluster (the same sets).

    IC draws conditional RR sets where they pay (`RRSets`' ``conditional="auto"``; not
    under a budget): each set's target has a live in-arc, and the known part of the
    spread (``bonus``, the targets' chance of reaching nobody upstream) is added
    exactly. Counted in sets (``C(S) = bonus(S) theta / scale``), the greedy maximises
    coverage plus C, rounded to whole sets; the lower bound on the seeds' spread is
    the coverage's lower bound plus ``C(S)`` (exact), and the upper bound on the
    optimum's is the bound above at the greedy's min-bound plus ``k / 2`` (the
    rounding's worst case): the optimum's coverage and known part together are at most
    that, and the bound grows at least as fast as the coverage it is given, so the
    worst case is a known part of 0. The guard's paired difference is
    unchanged (the known part cancels) and its fraction is of the cross coverage plus
    both choices' known parts. On BA at p = 0.01 this stops at about 260,000 sets
    instead of 3.4M, about 2x faster (2.0-2.2x; benchmarks/RESULTS.md).

    A `goal` (`_objective.Objective`) chooses under a budget (`budget_cover`; the upper
    bound on the optimum's coverage of R1 is then the smaller of the fractional-knapsack
    bounds and ``cov1 / ratio``) and/or counts an `audience` (`_objective.Target`): the
    sets' roots are drawn by its weights and spreads scale by ``W``; the schedule stops when
    the certified ratio reaches ``goal.ratio - eps``.
    """
    n = graph.n_nodes
    n_cand = int(allowed.sum())
    goal = objective(n, k, allowed) if goal is None else goal
    k, rho = goal.k, goal.ratio
    # The overfitting guard may grow the sets past theta_max (where the certificate alone
    # would stop): the union bound then covers those extra rounds too, and the joined
    # choice's certificate (one more check).
    guard = stable > 0
    sizes = _opim_sizes(n, n_cand, k, eps, delta, _EXTRA_ROUNDS * guard, goal, int(guard))
    n_rounds, a = sizes.n_rounds, sizes.a
    if max_rr_sets is not None:
        a = math.log(2.0 / delta)
    rr_root = stream_root(root, RR)
    # R1 and R2 are drawn side by side (`_extend_both`), each on half the threads
    helper = _pool(1) if n_threads > 1 and client is None else None
    threads = max(1, n_threads // 2) if helper is not None else n_threads
    sampling = {"n_threads": threads, "max_memory": max_memory, "client": client}
    # Conditional sets (`RRSets`) where they pay, not under a budget (its greedy takes
    # no known part)
    conditional = "auto" if goal.budget is None else False
    r1 = RRSets(
        graph, model, rr_root, first=0, target=audience, conditional=conditional, **sampling
    )
    # R2 is independent of R1: its own named stream.
    r2 = RRSets(
        graph,
        model,
        stream_root(root, RR_CHECK),
        first=0,
        template=r1,
        companions=(r1,),
        target=audience,
        conditional=r1.conditional,
        **sampling,
    )
    r1.companions = (r2,)  # one `max_memory` for both
    target = math.ceil(sizes.theta0)
    # The guard's cross-check every round: R2's own choice and the scores of both on
    # both collections, beside R1's work on the other thread if there is one
    guarded = stable > 0 and max_rr_sets is None
    pool = helper if guarded else None  # the other thread: the main one works too
    ratio = 0.0
    seeds = gains = None
    settled = joined = False
    try:
        for _ in range(n_rounds):
            if max_rr_sets is not None:
                target = min(target, max(max_rr_sets // 2, 1))
            try:
                _extend_both(r1, r2, target, helper)
            except MemoryLimitError:
                if seeds is None or ratio < rho - eps:
                    raise
                break  # the guard's rounds are optional: keep the certified seeds
            report(2 * target)
            step = 2.0  # the schedule doubles; the guard's rounds may grow less
            seeds, gains, upper1, seeds2, indexes = _choices(
                r1, r2, k, allowed, fixed, goal, pool, guarded
            )
            theta = len(r1)  # the sets behind this choice (R1 may outgrow them if R2 fails)
            if seeds2 is None:
                cov2 = coverage(r2, seeds, fixed)
            else:
                on_r1, on_r2 = _scores(r1, r2, seeds, seeds2, fixed, pool, indexes)
                cov2 = on_r2[0]
            # Conditional sets: the seeds' known part adds to the lower bound exactly;
            # the greedy counted it rounded (at most 1/2 set per seed): the upper bound
            # takes the rounding's worst case, and no more (see `opim_c`).
            known = _known(r1, seeds)
            lower, upper = _opim_bounds(cov2, upper1 + (0.5 * k if r1.conditional else 0.0), a)
            ratio = max(lower + known, 0.0) / upper  # upper >= 2a > 0, as a >= log 2
            if max_rr_sets is not None:
                if 2 * target >= max_rr_sets:
                    break
            elif not guarded:
                if ratio >= rho - eps:
                    break
            else:
                # Selection overfits its sample while samples are few: wait until each
                # collection's own choice covers little more of it than the other's choice
                # does. Before the certificate the rounds go on anyway, and the check sizes
                # the next one: at least double, up to where it is predicted to settle.
                counts = _cross_check(on_r1, on_r2)
                both = known + _known(r1, seeds2)
                rounding = 0.5 * k if r1.conditional else 0.0
                size3 = _cert_size(theta, cov2, known, 2 * upper1 + rounding, a, rho - eps)
                joined = _joinable(r1, r2, size3)
                if ratio < rho - eps:
                    step = _leap(r1, r2, target, _guard_step(*counts, stable, both, joined, True))
                elif _settled(*counts, stable, both, joined):
                    settled = True
                    break
                else:
                    step = _guard_step(*counts, stable, both, joined)
            indexes = None  # kept for the joined choice only: gone before the next sets
            target = math.ceil(target * step)
        n_sets, memory = 2 * theta, r1.nbytes + r2.nbytes  # the sets behind the choice
        if settled and joined:
            # The guard settled for the choice on both collections at once: make it,
            # and certify it on R3, which neither saw (kept only if it certifies).
            r3 = RRSets(
                graph,
                model,
                stream_root(root, RR_CERT),
                first=0,
                template=r1,
                companions=(r1, r2),
                target=audience,
                conditional=r1.conditional,
                **(sampling | {"n_threads": 1 if pool is not None else threads}),
            )
            choice = _joined_choice(r1, r2, r3, size3, k, allowed, fixed, goal, pool, a, indexes)
            indexes = None
            report(len(r3))
            n_sets += len(r3)
            memory += r1.nbytes + r2.nbytes - 8 + r3.nbytes  # the joined copy and R3
            if choice[2] >= rho - eps:
                seeds, gains, ratio = choice
                theta = len(r1) + len(r2)
    finally:
        r1.companions = ()  # break the R1 <-> R2 cycle: both are freed on return, not at a GC
    scale = r1.scale if r1.conditional else goal.scale
    return seeds, gains * scale / theta, n_sets, ratio, delta, memory


def _known(rr, seeds):
    """Conditional sets: the known part of `seeds` (ids, -1 for none) in sets of `rr`;
    0 for plain sets."""
    if not rr.conditional:
        return 0.0
    return float(rr.bonus_sets()[seeds[seeds >= 0]].sum())
