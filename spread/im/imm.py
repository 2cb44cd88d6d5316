"""IMM and OPIM-C: seed selection on reverse-reachable sets, with approximation guarantees."""

import math

import numpy as np

from ..exceptions import MemoryLimitError
from ._coverage import count_hit, greedy_cover
from .rrsets import RRSets

__all__ = ["imm", "opim_c"]

_ONE_MINUS_INV_E = 1.0 - 1.0 / math.e
_MAX_REDRAWS = 4
_EXTRA_ROUNDS = 6  # OPIM-C doublings allowed past theta_max while the choice still overfits


def _log_comb(n, k):
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def _select(rr, k, allowed, fixed, want_bound=False):
    offsets, members = rr.flat()
    return greedy_cover(offsets, members, rr.graph.n_nodes, k, allowed, fixed, want_bound)


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
    draw has at least IMM's theta, so each carries IMM's guarantee; the failure
    probability reported is the union bound over the draws allowed.

    With `client` (a `dask.distributed.Client`), the RR sets are sampled on its workers
    (the same sets: set r is a function of (root, r)); the selection runs here.
    """
    n = graph.n_nodes
    n_cand = int(allowed.sum())
    ell = ell * (1.0 + math.log(2) / math.log(n))
    log_cnk = _log_comb(n_cand, k)
    eps_p = math.sqrt(2.0) * eps
    lam_p = (
        (2.0 + 2.0 / 3.0 * eps_p)
        * (log_cnk + ell * math.log(n) + math.log(math.log2(n)))
        * n
        / eps_p**2
    )
    rr = RRSets(
        graph, model, root, first=0, n_threads=n_threads, max_memory=max_memory, client=client
    )
    lower = 1.0
    for i in range(1, max(int(math.log2(n)), 2)):
        x = n / 2.0**i
        rr.extend(math.ceil(lam_p / x))
        report(len(rr))
        _, _, covered, _ = _select(rr, k, allowed, fixed)
        estimate = n * covered / len(rr)
        if estimate >= (1.0 + eps_p) * x:
            lower = estimate / (1.0 + eps_p)
            break
    alpha = math.sqrt(ell * math.log(n) + math.log(2))
    beta = math.sqrt(_ONE_MINUS_INV_E * (log_cnk + ell * math.log(n) + math.log(2)))
    lam_star = 2.0 * n * (_ONE_MINUS_INV_E * alpha + beta) ** 2 / eps**2
    theta = math.ceil(lam_star / lower)
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
            root,
            first=first,
            n_threads=n_threads,
            max_memory=max_memory,
            template=rr,
            client=client,
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
        seeds, gains, covered, _ = _select(final, k, allowed, fixed)
        previous = (seeds, gains, theta)
        peak = max(peak, rr.nbytes + final.nbytes)
        if stable <= 0:
            break
        own = covered / theta
        check = _coverage(rr, seeds, fixed) / len(rr)
        se = math.sqrt(max(check * (1 - check), 0.0) / len(rr))
        if own <= (1.0 + stable) * check + 2.0 * se:
            break
        # The optimism shrinks like 1/sqrt(theta): jump to the size that should bring it
        # within `stable` (between 2x and 16x).
        gap = own / max(check, 1e-300) - 1.0
        first += theta
        theta = math.ceil(theta * min(16.0, max(2.0, (gap / stable) ** 2)))
    guarantee = _ONE_MINUS_INV_E - eps
    return seeds, gains * n / theta, used, guarantee, draws / n**ell, peak


def _opim_bounds(cov2, upper1, a):
    lower = (math.sqrt(cov2 + 2.0 * a / 9.0) - math.sqrt(a / 2.0)) ** 2 - a / 18.0
    upper = (math.sqrt(upper1 + a / 2.0) + math.sqrt(a / 2.0)) ** 2
    return lower, upper


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
):
    """OPIM-C (Tang, Tang, Xiao, Yuan, SIGMOD 2018) with the min-bound.

    Two independent collections R1 (select) and R2 (validate) double each round until the
    certified ratio ``lower / upper`` reaches ``1 - 1/e - eps`` and, with `stable` > 0,
    the chosen seeds cover at most a fraction `stable` more of R1 (which chose them)
    than of the independent R2, i.e. the selection no longer overfits its sample (the certificate alone is a worst-case bound: at eps = 0.5 it
    is met after a few thousand RR sets, by seeds well below what more samples find). Each
    round's certificate holds jointly with the others (the union bound over all the
    rounds allowed, ``i_max`` plus ``_EXTRA_ROUNDS`` for the guard, is in ``a``), so
    stopping later keeps the guarantee. With `max_rr_sets`, it
    stops at that budget instead (anytime mode) and reports the ratio reached.
    Returns ``(seed ids, gains, n_rr_sets, ratio certified, delta, peak bytes)``.
    With `client`, R1 and R2 are sampled on a Dask cluster (the same sets).
    """
    n = graph.n_nodes
    n_cand = int(allowed.sum())
    log_cnk = _log_comb(n_cand, k)
    alpha = math.sqrt(math.log(6.0 / delta))
    beta = math.sqrt(_ONE_MINUS_INV_E * (log_cnk + math.log(6.0 / delta)))
    theta0 = 2.0 * (_ONE_MINUS_INV_E * alpha + beta) ** 2
    theta_max = 2.0 * n * (_ONE_MINUS_INV_E * alpha + beta) ** 2 / (k * eps**2)
    i_max = math.floor(math.log2(max(theta_max / theta0, 1.0))) + 1
    # The overfitting guard may double past theta_max (where the certificate alone would
    # stop): the union bound then covers those extra rounds too.
    n_rounds = i_max + (_EXTRA_ROUNDS if stable > 0 else 0)
    a = math.log(3.0 * n_rounds / delta)
    if max_rr_sets is not None:
        a = math.log(2.0 / delta)
    # R1 and R2 take disjoint stream ranges: R2 starts beyond anything R1 can reach.
    offset = 1 << 40
    r1 = RRSets(
        graph, model, root, first=0, n_threads=n_threads, max_memory=max_memory, client=client
    )
    r2 = RRSets(
        graph,
        model,
        root,
        first=offset,
        n_threads=n_threads,
        max_memory=max_memory,
        template=r1,
        client=client,
    )
    target = math.ceil(theta0)
    ratio = 0.0
    seeds = gains = None
    for round_ in range(n_rounds):
        if max_rr_sets is not None:
            target = min(target, max(max_rr_sets // 2, 1))
        try:
            r1.extend(target)
            r2.extend(target)
        except MemoryLimitError:
            if seeds is None or round_ < i_max or ratio < _ONE_MINUS_INV_E - eps:
                raise
            break  # the guard's extra rounds are optional: keep the certified seeds
        report(2 * target)
        seeds, gains, cov1, upper1 = _select(r1, k, allowed, fixed, want_bound=True)
        cov2 = _coverage(r2, seeds, fixed)
        lower, upper = _opim_bounds(cov2, upper1, a)
        ratio = max(lower, 0.0) / upper if upper > 0 else 0.0
        # Selection overfits R1 while samples are few: wait until the seeds score about
        # as well on the independent R2 as on the R1 that chose them.
        settled = cov1 <= (1.0 + stable) * cov2
        if max_rr_sets is not None:
            if 2 * target >= max_rr_sets:
                break
        elif ratio >= _ONE_MINUS_INV_E - eps and (stable <= 0 or settled):
            break
        target *= 2
    theta = len(r1)
    return seeds, gains * n / theta, 2 * theta, ratio, delta, r1.nbytes + r2.nbytes


def _coverage(rr, seeds, fixed):
    """RR sets in `rr` hit by `seeds` (ids) and not by `fixed` (mask)."""
    offsets, members = rr.flat()
    hit = np.zeros(fixed.shape[0], dtype=np.bool_)
    hit[seeds[seeds >= 0]] = True
    return int(count_hit(offsets, members, hit, fixed))
