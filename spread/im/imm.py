"""IMM: seed selection on reverse-reachable sets (Tang, Shi, Xiao, SIGMOD 2015)."""

import math

from .._random import RR, stream_root
from ..exceptions import MemoryLimitError
from ._objective import ONE_MINUS_INV_E, log_comb, objective
from ._result import Choice
from .rrsets import RRSets, coverage, greedy

__all__ = ["imm", "select"]

_MAX_REDRAWS = 4


def select(task):
    """`spread.maximize`'s ``method="imm"``."""
    seeds, gains, n_samples, guarantee, fail, memory = imm(
        task.graph,
        task.k,
        task.model,
        eps=task.eps,
        ell=task.ell,
        root=task.root,
        allowed=task.allowed,
        fixed=task.fixed,
        n_threads=task.n_threads,
        max_memory=task.max_memory,
        report=task.report,
        stable=task.stability,
        client=task.client,
        goal=task.goal,
        audience=task.audience,
    )
    return Choice(seeds, gains, n_samples, guarantee, fail, memory)


def _imm_ell(ell, n):
    """IMM's adjusted ``ell' = ell * (1 + log 2 / log n)`` (Tang, Shi, Xiao 2015, Alg. 3).

    The sampling phase and the final selection each fail with probability at most
    ``n ** -ell'``; together at most ``2 n ** -ell' = 2 ** (1 - ell) n ** -ell``.
    """
    n_log = max(n, 2)  # the bounds take logs of n; a one-node graph is the trivial case
    return ell * (1.0 + math.log(2) / math.log(n_log))


def _imm_lambda_prime(n, n_cand, k, eps, ell, goal=None):
    """Phase 1's lambda' (eq. 9, with ``eps' = sqrt(2) eps``; `ell` already adjusted).

    The candidate pool `n_cand` replaces n in ``log C(n, k)``, the union bound over seed
    sets; phase 1 draws ``ceil(lambda' / x)`` RR sets for its guess ``x = n / 2**i``.
    With a `goal` (`_objective.Objective`: a budget or a target), its ``log_sets`` replaces
    ``log C(n_cand, k)`` and its ``scale`` (``W``) the factor n: the fraction of sets a
    seed set hits is its spread over W.
    """
    n_log = max(n, 2)
    eps_p = math.sqrt(2.0) * eps
    log_sets = log_comb(n_cand, k) if goal is None else goal.log_sets
    scale = n if goal is None else goal.scale
    return (
        (2.0 + 2.0 / 3.0 * eps_p)
        * (log_sets + ell * math.log(n_log) + math.log(math.log2(n_log)))
        * scale
        / eps_p**2
    )


def _imm_lambda_star(n, n_cand, k, eps, ell, goal=None):
    """The final selection's lambda* (eq. 6; `ell` already adjusted).

    ``2 n ((1 - 1/e) alpha + beta)**2 / eps**2`` with ``alpha = sqrt(ell log n + log 2)``
    and ``beta = sqrt((1 - 1/e) (log C(n_cand, k) + ell log n + log 2))``; the final
    selection draws ``theta = ceil(lambda* / LB)`` RR sets. With a `goal`, its ``ratio``
    replaces ``1 - 1/e`` (the derivation holds for any ratio the greedy certifies on
    fixed sets: the chosen set is then within ``ratio - eps`` of the optimum), its
    ``log_sets`` the union bound and its ``scale`` the factor n.
    """
    n_log = max(n, 2)
    log_sets = log_comb(n_cand, k) if goal is None else goal.log_sets
    ratio = ONE_MINUS_INV_E if goal is None else goal.ratio
    scale = n if goal is None else goal.scale
    alpha = math.sqrt(ell * math.log(n_log) + math.log(2))
    beta = math.sqrt(ratio * (log_sets + ell * math.log(n_log) + math.log(2)))
    return 2.0 * scale * (ratio * alpha + beta) ** 2 / eps**2


def _overfits(own, check, n_check, stable):
    """The guard's test: do the final sets flatter the choice they made?

    True when the seeds cover a fraction `own` of the final sets (which chose them) above
    ``(1 + stable) * check + 2 se``, where `check` is their coverage of `n_check`
    independent phase-1 sets and ``se = sqrt(check (1 - check) / n_check)`` its standard
    error; a tie is not overfitting.
    """
    se = math.sqrt(max(check * (1 - check), 0.0) / n_check)
    return own > (1.0 + stable) * check + 2.0 * se


def _confirms(estimate, eps_p, x):
    """Phase 1's test (Algorithm 2): the estimate reaches ``(1 + eps') x`` (a tie
    confirms the guess x)."""
    return estimate >= (1.0 + eps_p) * x


def _redraw_size(theta, own, check, stable):
    """The guard's next number of final sets after `theta` overfitted.

    The optimism ``own / check - 1`` shrinks like ``1 / sqrt(theta)``: jump to the size
    that should bring it within `stable`, ``theta (gap / stable) ** 2``, kept between 2x
    and 16x `theta` (16x when the check covers nothing).
    """
    gap = own / check - 1.0 if check > 0 else math.inf
    ratio = min(abs(gap) / stable, 4.0)  # 4 ** 2 = 16x at most (and no overflow)
    return math.ceil(theta * max(2.0, ratio * ratio))


def imm(
    graph,
    k,
    model,
    *,
    eps,
    ell,
    root,
    allowed,
    fixed,
    n_threads,
    max_memory,
    report,
    stable=0.01,
    client=None,
    goal=None,
    audience=None,
):
    """IMM (Tang, Shi, Xiao, SIGMOD 2015), final RR sets drawn fresh (Chen 2018).

    Returns ``(seed ids, gains, n_rr_sets, guarantee, failure probability, peak bytes)``.
    Gains are in expected-spread units (``n * newly covered / theta``). The candidate
    pool (allowed nodes) replaces n in the union bound over seed sets.

    The phase-1 RR sets are independent of the final ones, so they re-score the chosen
    seeds for free. With `stable` > 0, when the final sets clearly flatter their own
    choice (coverage above the phase-1 estimate by more than a fraction `stable` plus
    two standard errors: the greedy overfits a small sample, as at eps = 0.5), the final
    collection is redrawn, fresh and 2-16 times larger (as the optimism shrinks like
    ``1/sqrt(theta)``), up to ``_MAX_REDRAWS`` times. Each
    draw has at least IMM's theta, so each carries IMM's guarantee. The failure
    probability reported is the union bound over every event the guarantee rests on:
    phase 1's lower bound and each final draw allowed, ``n ** -ell'`` each (with the
    adjusted ``ell'``; ``2 n ** -ell' = 1 / n`` at IMM's default ``ell = 1``).

    With `client` (a `dask.distributed.Client`), the RR sets are sampled on its workers
    (the same sets: set r is a function of (root, r)); the selection runs here.

    A `goal` (`_objective.Objective`) chooses under a budget and/or counts an `audience`
    (`_objective.Target`, whose weights pick the sets' target nodes): spreads are then in
    units of the target's weight ``W`` (the guesses are ``x = W / 2**i``), the union
    bound counts the affordable seed sets, and the guarantee is ``goal.ratio - eps``.
    When phase 1 confirms no guess, the lower bound falls back to ``goal.opt_floor``
    with an audience (1 without one, IMM's); if that is 0 (no eligible node carries weight itself)
    nothing bounds the optimum from below, and the guarantee is NaN (not certified).
    """
    n = graph.n_nodes
    n_cand = int(allowed.sum())
    n_log = max(n, 2)
    goal = objective(n, k, allowed) if goal is None else goal
    k, scale = goal.k, goal.scale
    ell = _imm_ell(ell, n)
    eps_p = math.sqrt(2.0) * eps
    lam_p = _imm_lambda_prime(n, n_cand, k, eps, ell, goal)
    rr_root = stream_root(root, RR)
    sampling = {"n_threads": n_threads, "max_memory": max_memory, "client": client}
    rr = RRSets(graph, model, rr_root, first=0, target=audience, **sampling)
    lower = 1.0 if audience is None else goal.opt_floor  # IMM's own fallback is 1
    x = scale
    for i in range(1, max(int(math.log2(n)), 2)):
        x = scale / 2.0**i
        rr.extend(math.ceil(lam_p / x))
        report(len(rr))
        _, _, covered, _ = greedy(rr, k, allowed, fixed, goal=goal)
        estimate = scale * covered / len(rr)
        if _confirms(estimate, eps_p, x):
            lower = estimate / (1.0 + eps_p)
            break
    certified = lower > 0
    if not certified:
        lower = x  # the smallest guess: a sample size, no longer a certificate
    theta = math.ceil(_imm_lambda_star(n, n_cand, k, eps, ell, goal) / lower)
    # Fresh sets for the final selection: indices after every phase-1 set.
    first = len(rr)
    used = first
    peak = rr.nbytes
    draws = 1 + (_MAX_REDRAWS if stable > 0 else 0)
    previous = None
    for _ in range(draws):
        final = RRSets(
            graph,
            model,
            rr_root,
            first=first,
            template=rr,
            companions=(rr,),
            target=audience,
            **sampling,
        )
        try:
            final.extend(theta)
        except MemoryLimitError:
            if previous is None:
                raise
            seeds, gains, theta = previous  # a redraw is optional: keep the last choice
            break
        used += theta
        report(used)
        seeds, gains, covered, _ = greedy(final, k, allowed, fixed, goal=goal)
        previous = (seeds, gains, theta)
        peak = max(peak, rr.nbytes + final.nbytes)
        if stable <= 0:
            break
        own = covered / theta
        check = coverage(rr, seeds, fixed) / len(rr)
        if not _overfits(own, check, len(rr), stable):
            break
        first += theta
        theta = _redraw_size(theta, own, check, stable)
    guarantee = goal.ratio - eps if certified else math.nan
    fail = min(1.0, (1 + draws) / n_log**ell)
    return seeds, gains * scale / theta, used, guarantee, fail, peak
