"""The influence-maximization machinery, pinned piece by piece (not only by its outcome).

IMM's and OPIM-C's sample sizes are computed here by hand from the published formulas
(Tang, Shi, Xiao, SIGMOD 2015; Tang, Tang, Xiao, Yuan, SIGMOD 2018), with `math.comb`,
and compared with the code's helpers and with the number of RR sets a whole run draws
on graphs where every RR set is the whole node set (a complete digraph with p = 1), so
that the coverage, hence each stopping rule, is deterministic. The greedy maximum
coverage over RR sets is recomputed in plain Python from the sets: each gain is the
number of sets newly covered, each seed a best marginal choice, the min-bound the
minimum over steps of (covered + the k largest marginals).

Expected numbers are never the code's own output: they come from the formulas or from
counting the sets, written out below.
"""

import itertools
import math
import re
import threading
import types
import warnings

import networkx as nx
import numpy as np
import pytest

import spread
from spread import IC, LT, Graph
from spread._random import RR, RR_CERT, RR_CHECK, stream_root
from spread.exceptions import MemoryLimitError
from spread.im import RRSets, _ic_sampler, rrsets
from spread.im import _coverage_kernels as coverage_kernels
from spread.im._coverage_kernels import (
    _front_fill,
    _lazy_heap,
    _node_sets,
    count_hit,
    greedy_cover,
    greedy_cover_offset,
    prefix_coverage,
)
from spread.im._ic_sampler import shared_in_probability
from spread.im._objective import Objective, Target, log_comb
from spread.im._rrset_kernels import SUBSET
from spread.im.imm import (
    _confirms,
    _imm_ell,
    _imm_lambda_prime,
    _imm_lambda_star,
    _overfits,
    _redraw_size,
    imm,
)
from spread.im.opim import (
    _cert_size,
    _cross_check,
    _guard_step,
    _joinable,
    _opim_bounds,
    _opim_sizes,
    _settled,
    _side_by_side,
    opim_c,
)
from spread.im.rrsets import _split, coverage, greedy
from tests import reference


def lazy_top_sum(cov, allowed, chosen, k, stale=None, kernel=None, fallen=None):
    """`_front_fill` from an empty front on a lazy heap built from `stale` (>= cov: keys
    stale upward; default cov itself); with `fallen` (<= cov), fills again after the
    coverage fell to it (the front's keys stale now too). Checks the front and the heap
    after each fill (the front: current keys, the k largest; the heap: its order, keys
    >= coverage; between them every node of positive coverage once, none new) and
    returns the front's sum."""
    stale = cov if stale is None else stale
    key, node, size = _lazy_heap(stale, allowed, chosen, 1)  # floor 1: every node
    before = set(node[:size].tolist())
    front_key, front_node = np.empty(k, dtype=np.int64), np.empty(k, dtype=np.int32)
    front = 0
    for now in [cov] if fallen is None else [cov, fallen]:
        size, front = (kernel or _front_fill)(key, node, size, now, front_key, front_node, front)
        ahead, rest = front_node[:front].tolist(), node[:size].tolist()
        assert len(set(ahead + rest)) == len(ahead + rest) and set(ahead + rest) <= before
        assert {v for v in before if now[v] > 0} <= set(ahead + rest)
        assert front_key[:front].tolist() == [now[v] for v in ahead] and all(now[ahead] > 0)
        assert front == min(k, sum(1 for v in ahead + rest if now[v] > 0))
        assert all(key[j] >= now[node[j]] for j in range(size))
        assert size == 0 or key[0] == now[node[0]]  # the top settled
        assert all(now[v] <= min(front_key[:front], default=0) for v in rest)
        for j in range(1, size):  # no child above its parent
            parent = (j - 1) // 2
            assert (key[parent], -node[parent]) >= (key[j], -node[j]), (j, parent)
    return int(front_key[:front].sum())


E_FACTOR = 1.0 - 1.0 / math.e  # the greedy's 1 - 1/e


# ----------------------------------------------------------- the papers' formulas
def paper_imm(n, n_cand, k, eps, ell):
    """IMM's constants from Tang, Shi, Xiao (SIGMOD 2015), written out from the paper.

    Algorithm 3 first sets ``ell <- ell (1 + ln 2 / ln n)``. Phase 1 (Algorithm 2) uses
    ``eps' = sqrt(2) eps`` and eq. 9, ``lambda' = (2 + 2/3 eps') (ln C(n, k) + ell ln n
    + ln log2 n) n / eps'^2``. The final selection uses eq. 6, ``lambda* = 2 n ((1 - 1/e)
    alpha + beta)^2 / eps^2`` with ``alpha = sqrt(ell ln n + ln 2)`` and ``beta =
    sqrt((1 - 1/e)(ln C(n, k) + ell ln n + ln 2))``. ``C(n, k)`` is over the candidate
    pool, `n_cand` (the code's documented choice: the union bound is over the seed sets
    it may choose); every other n is the graph's.
    """
    ell = ell * (1 + math.log(2) / math.log(n))
    log_cnk = math.log(math.comb(n_cand, k))
    eps_p = math.sqrt(2) * eps
    lam_prime = (
        (2 + 2 * eps_p / 3) * (log_cnk + ell * math.log(n) + math.log(math.log2(n))) * n
    ) / eps_p**2
    alpha = math.sqrt(ell * math.log(n) + math.log(2))
    beta = math.sqrt(E_FACTOR * (log_cnk + ell * math.log(n) + math.log(2)))
    lam_star = 2 * n * (E_FACTOR * alpha + beta) ** 2 / eps**2
    return ell, eps_p, lam_prime, lam_star


def paper_opim(n, n_cand, k, eps, delta, extra_rounds=0, checks=0):
    """OPIM-C's constants from Tang, Tang, Xiao, Yuan (SIGMOD 2018), Algorithm 2.

    ``theta_max = 2 n ((1 - 1/e) alpha + beta)^2 / (k eps^2)`` with ``alpha =
    sqrt(ln(6 / delta))`` and ``beta = sqrt((1 - 1/e)(ln C(n, k) + ln(6 / delta)))``;
    ``theta0 = theta_max k eps^2 / n``. The number of rounds is the authors' own
    ``numIter = (size_t) log2(theta_max / theta0) + 1`` (tangj90/OPIM, alg.cpp), the
    doublings from theta0 that stay within theta_max, and ``delta1 = delta2 = delta /
    (3 i_max)``: ``a = ln(1 / delta1) = ln(3 i_max / delta)``. The overfitting guard's
    `extra_rounds` join the union bound, and so do the certificates checked besides the
    rounds' (`checks`: the joined choice's): ``a = ln(3 (i_max + extra + checks) /
    delta)``.
    """
    log_cnk = math.log(math.comb(n_cand, k))
    alpha = math.sqrt(math.log(6 / delta))
    beta = math.sqrt(E_FACTOR * (log_cnk + math.log(6 / delta)))
    theta_max = 2 * n * (E_FACTOR * alpha + beta) ** 2 / (k * eps**2)
    theta0 = theta_max * k * eps**2 / n
    i_max = int(math.log2(n / (k * eps**2))) + 1  # theta_max / theta0 = n / (k eps^2)
    a = math.log(3 * (i_max + extra_rounds + checks) / delta)
    return theta0, theta_max, i_max, a


def paper_lower(cov2, a):
    """Lower bound on the seeds' coverage of R2 (Tang et al. 2018, Lemma 4.2)."""
    return (math.sqrt(cov2 + 2 * a / 9) - math.sqrt(a / 2)) ** 2 - a / 18


def paper_upper(upper1, a):
    """Upper bound on the optimum's coverage of R1 from its min-bound (Lemma 4.3)."""
    return (math.sqrt(upper1 + a / 2) + math.sqrt(a / 2)) ** 2


def clear_ceil(x):
    """``ceil(x)``, refusing an x so near an integer that rounding could decide it."""
    assert abs(x - round(x)) > 1e-6, f"{x} is too close to an integer to pin its ceiling"
    return math.ceil(x)


def complete_digraph(n):
    """Every ordered pair an arc: with p = 1 every RR set is the whole node set."""
    src, dst = zip(*[(u, v) for u in range(n) for v in range(n) if u != v], strict=True)
    return Graph.from_edges(src, dst, labels=range(n))


# ------------------------------------------------------------------------- IMM
def test_imm_constants_match_the_published_formulas():
    """Pins IMM's ell adjustment, lambda' (eq. 9) and lambda* (eq. 6), eps**2 included.

    Worked by hand for n = 10, k = 2, eps = 0.5, ell = 1: ell' = 1 + ln 2 / ln 10 =
    1.30103, eps' = 0.70711, ln C(10, 2) = ln 45 = 3.80666; lambda' = 2.47140 *
    (3.80666 + 2.99573 + 1.20055) * 10 / 0.5 = 395.570; alpha = sqrt(2.99573 + 0.69315)
    = 1.92065, beta = sqrt(0.63212 * 7.49554) = 2.17672, lambda* = 20 * (1.21408 +
    2.17672)^2 / 0.25 = 919.80.
    """
    ell, eps_p, lam_prime, lam_star = paper_imm(10, 10, 2, 0.5, 1.0)
    assert (ell, eps_p) == (pytest.approx(1.30103, abs=1e-5), pytest.approx(0.70711, abs=1e-5))
    assert lam_prime == pytest.approx(395.570, abs=1e-3)
    assert lam_star == pytest.approx(919.80, abs=0.01)
    assert _imm_ell(1.0, 10) == pytest.approx(ell, rel=1e-12)
    assert _imm_lambda_prime(10, 10, 2, 0.5, ell) == pytest.approx(lam_prime, rel=1e-12)
    assert _imm_lambda_star(10, 10, 2, 0.5, ell) == pytest.approx(lam_star, rel=1e-12)
    for n, n_cand, k, eps, ell0 in [
        (10, 9, 3, 0.3, 1.0),
        (50, 40, 5, 0.1, 2.0),
        (7, 7, 1, 0.6, 0.5),
    ]:
        ell, _, lam_prime, lam_star = paper_imm(n, n_cand, k, eps, ell0)
        assert _imm_ell(ell0, n) == pytest.approx(ell, rel=1e-12)
        assert _imm_lambda_prime(n, n_cand, k, eps, ell) == pytest.approx(lam_prime, rel=1e-12)
        assert _imm_lambda_star(n, n_cand, k, eps, ell) == pytest.approx(lam_star, rel=1e-12)
    for n, k in [(10, 2), (45, 7), (1000, 50), (5, 5)]:
        assert log_comb(n, k) == pytest.approx(math.log(math.comb(n, k)), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize(
    ("n", "k", "eps", "failure_probability"),
    [
        (10, 2, 0.5, None),
        (12, 3, 0.3, 0.01),
        (9, 1, 0.6, None),
        (2, 1, 0.5, None),
    ],
)
def test_imm_draws_exactly_the_papers_number_of_rr_sets(n, k, eps, failure_probability):
    """Pins IMM's whole sampling schedule, end to end, where the lower bound is known.

    On a complete digraph with p = 1 every RR set holds every node, so any seed covers
    all of them: phase 1 stops at its first guess x = n / 2 (n >= (1 + eps') n / 2 as
    eps' <= 1) with LB = n / (1 + eps'), after ceil(lambda' / x) sets; the final
    selection then draws theta = ceil(lambda* / LB) fresh sets (stability = 0: no
    redraw). `failure_probability` delta gives ell = ln(1 / delta) / ln n (n ** -ell =
    delta). The count reported is the sum, computed here from the paper.
    """
    ell = 1.0 if failure_probability is None else math.log(1 / failure_probability) / math.log(n)
    ell_adj, eps_p, lam_prime, lam_star = paper_imm(n, n, k, eps, ell)
    phase1 = clear_ceil(lam_prime / (n / 2))
    theta = clear_ceil(lam_star / (n / (1 + eps_p)))
    sel = spread.maximize(
        complete_digraph(n),
        k,
        IC(p=1.0),
        method="imm",
        eps=eps,
        failure_probability=failure_probability,
        rng=0,
        stability=0,
        evaluate=False,
    )
    assert sel.n_samples == phase1 + theta
    # the first seed covers all theta sets: its gain is n * theta / theta
    assert sel.gains.tolist() == [float(n)] + [0.0] * (k - 1)
    assert sel.guarantee == pytest.approx(E_FACTOR - eps)
    # the union bound over the two events the guarantee rests on (phase 1's LB, the
    # final selection), n ** -ell' each: 2 n ** -ell' = n ** -ell * 2 ** (1 - ell)
    assert sel.failure_probability == pytest.approx(2 * n**-ell_adj, rel=1e-12)
    assert sel.failure_probability == pytest.approx(n**-ell * 2 ** (1 - ell), rel=1e-12)


def test_imm_on_one_node_takes_logs_at_n_equals_2():
    """Pins the one-node convention: the bounds take logs of n, so they use max(n, 2)
    (log 1 = 0 would divide by zero), while n itself still scales lambda' and lambda*.

    With ell' = 1 + ln 2 / ln 2 = 2, phase 1's only guess x = 1 / 2 is confirmed (the
    single node covers every set, estimate 1 >= (1 + eps') / 2), LB = 1 / (1 + eps'),
    and the failure probability is 2 * 2 ** -2.
    """
    eps = 0.5
    ell, eps_p, lam_prime, lam_star = paper_imm(2, 1, 1, eps, 1.0)  # logs at n = 2, C(1, 1)
    lam_prime, lam_star = lam_prime / 2, lam_star / 2  # ... and n = 1 as the factor
    g = Graph.from_edges([], [], labels=[0])
    sel = spread.maximize(g, 1, IC(p=1.0), method="imm", eps=eps, rng=0, stability=0,
                          evaluate=False)  # fmt: skip
    assert ell == 2.0
    assert sel.seeds.tolist() == [0]
    assert sel.n_samples == clear_ceil(lam_prime / 0.5) + clear_ceil(lam_star * (1 + eps_p))
    assert sel.failure_probability == pytest.approx(0.5, rel=1e-12)


@pytest.mark.parametrize("n", [10, 5])
def test_imm_without_a_lower_bound_draws_lambda_star_sets(n):
    """Pins phase 1's last guess and LB = 1 when no guess is confirmed; lambda* itself.

    A fixed seed in every RR set leaves the k new seeds nothing to cover: the estimate is
    0 at every guess x = n / 2**i, i = 1 .. log2(n) - 1 (Algorithm 2), so phase 1 ends
    with ceil(lambda' / x) sets for the last i and LB stays 1: the final selection draws
    ceil(lambda*) sets. The fixed node leaves the candidate pool: C(n - 1, k). For n = 10
    the guesses are i = 1, 2; for n = 5 (log2 5 - 1 = 1.32) only i = 1.
    """
    k, eps = 2, 0.5
    _, _, lam_prime, lam_star = paper_imm(n, n - 1, k, eps, 1.0)
    last_i = math.floor(math.log2(n) - 1)
    assert last_i == {10: 2, 5: 1}[n]
    phase1 = clear_ceil(lam_prime / (n / 2**last_i))
    sel = spread.maximize(
        complete_digraph(n),
        k,
        IC(p=1.0),
        method="imm",
        eps=eps,
        fixed=[0],
        rng=1,
        stability=0,
        evaluate=False,
    )
    assert sel.n_samples == phase1 + clear_ceil(lam_star)
    assert sel.gains.tolist() == [0.0] * k


# ---------------------------------------------------------------------- OPIM-C
def test_opim_constants_and_bounds_match_the_published_formulas():
    """Pins OPIM-C's theta0, theta_max, i_max, a (with the guard's extra rounds) and the
    lower and upper bounds of Tang et al. 2018.

    Worked by hand for n = 10, k = 2, eps = 0.5, delta = 0.1: alpha = sqrt(ln 60) =
    2.02345, beta = sqrt(0.63212 * (ln 45 + ln 60)) = 2.23481, theta0 = 2 * (1.27906 +
    2.23481)^2 = 24.6947, theta_max = theta0 * 10 / (2 * 0.25) = 493.89, i_max =
    floor(log2 20) + 1 = 5, a = ln(3 * 5 / 0.1) = ln 150.
    """
    theta0, theta_max, i_max, a = paper_opim(10, 10, 2, 0.5, 0.1)
    assert theta0 == pytest.approx(24.6947, abs=1e-4)
    assert theta_max == pytest.approx(493.89, abs=0.01)
    assert (i_max, a) == (5, pytest.approx(math.log(150)))
    cases = [
        (10, 10, 2, 0.5, 0.1),
        (10, 9, 2, 0.5, 0.1),
        (100, 80, 5, 0.1, 0.01),
        (8, 8, 2, 0.3, 0.5),
    ]
    for n, n_cand, k, eps, delta in cases:
        # the guard's documented 6 extra rounds, and the joined choice's certificate
        for extra, checks in ((0, 0), (6, 0), (6, 1)):
            theta0, theta_max, i_max, a = paper_opim(n, n_cand, k, eps, delta, extra, checks)
            got = _opim_sizes(n, n_cand, k, eps, delta, extra, None, checks)
            assert got.theta0 == pytest.approx(theta0, rel=1e-12)
            assert got.theta_max == pytest.approx(theta_max, rel=1e-12)
            assert (got.i_max, got.n_rounds) == (i_max, i_max + extra)
            assert got.a == pytest.approx(a, rel=1e-12)
    for cov2, upper1, a in [
        (100, 150, math.log(150)),
        (3, 40, 7.5),
        (0, 0, 2.0),
        (5e4, 6e4, 12.0),
    ]:
        lower, upper = _opim_bounds(cov2, upper1, a)
        assert lower == pytest.approx(paper_lower(cov2, a), rel=1e-12, abs=1e-12)
        assert upper == pytest.approx(paper_upper(upper1, a), rel=1e-12)
    # the lower bound is at most 0 up to a coverage of 2a/3 (0 at 0 and at 2a/3: the
    # roots of (sqrt(c + 2a/9) - sqrt(a/2))^2 = a/18), never above by rounding (at
    # a = 5.2575 the formula gives +1.1e-16 at 0), and positive past it
    for a in (5.2574953720277815, 7.5, 12.0, math.log(150)):
        assert _opim_bounds(0, 0.0, a)[0] <= 0.0 and _opim_bounds(a / 3, 0.0, a)[0] < 0.0
        assert _opim_bounds(2 * a / 3, 0.0, a)[0] <= 0.0
        assert _opim_bounds(2 * a / 3 + 0.01, 0.0, a)[0] > 0.0


def test_opim_sizes_with_a_goal_scale_by_its_floor():
    """With an `Objective`, ``n / k`` becomes ``W / opt_floor`` (a target's weight over a
    lower bound on the optimum), and ``n`` when no eligible node carries weight (floor
    0): theta_max is the paper's with that reach, theta0 does not depend on it."""
    n, eps, delta = 10, 0.5, 0.1
    goal = Objective(2, 3.0, math.log(45), 1 - 1 / math.e, 0.5)
    plain = _opim_sizes(n, n, 2, eps, delta, 0)
    aimed = _opim_sizes(n, n, 2, eps, delta, 0, goal)  # reach 3 / 0.5 = 6, not 10 / 2 = 5
    assert aimed.theta0 == pytest.approx(plain.theta0, rel=1e-12)
    assert aimed.theta_max == pytest.approx(plain.theta_max * 6 / 5, rel=1e-12)
    unreachable = Objective(2, 3.0, math.log(45), 1 - 1 / math.e, 0.0)
    got = _opim_sizes(n, n, 2, eps, delta, 0, unreachable)  # reach n = 10
    assert got.theta_max == pytest.approx(plain.theta_max * 10 / 5, rel=1e-12)


def paper_opim_run(n, k, eps, delta, extra_rounds, checks=0):
    """OPIM-C's rounds on sets that all hold every node: (sets in R1, ratio certified).

    Then the greedy's coverage of R1 and the seeds' coverage of R2 are both |R1| = t
    (one seed covers all) and so is the min-bound (at step 1: t covered + 0 marginal;
    at step 0: the k largest marginals, k t). R1 and R2 start at ceil(theta0) and double
    until lower(t) / upper(t) >= 1 - 1/e - eps, or for i_max rounds (Algorithm 2).
    """
    theta0, _, i_max, a = paper_opim(n, n, k, eps, delta, extra_rounds, checks)
    t = math.ceil(theta0)
    for i in range(i_max + extra_rounds):
        ratio = max(paper_lower(t, a), 0.0) / paper_upper(t, a)
        if ratio >= E_FACTOR - eps or i == i_max + extra_rounds - 1:
            return t, ratio, i + 1
        t *= 2
    raise AssertionError("unreachable")


@pytest.mark.parametrize(
    ("n", "k", "eps", "stability", "n_rounds"),
    [(10, 2, 0.5, 0, 1), (10, 2, 0.2, 0, 3), (12, 3, 0.02, 0, 4), (10, 2, 0.05, 0.01, 4)],
)
def test_opim_draws_exactly_the_papers_number_of_rr_sets(n, k, eps, stability, n_rounds):
    """Pins OPIM-C's schedule and certificate end to end, where coverage is certain.

    On a complete digraph with p = 1 the ratio at each round is a function of |R1| and
    `a` only (see `paper_opim_run`): the run must stop at the same round, with 2 |R1|
    sets and the same certified ratio as the paper's rounds computed here. With
    stability > 0 the guard's extra rounds enter `a` (the seeds cover as much of R2 as
    of R1, so the guard itself never delays the stop). The cases stop after `n_rounds`
    rounds of the paper's schedule (checked here, so that they exercise the doubling).
    With stability > 0 the seeds are then chosen on R1 and R2 joined and certified on
    R3 (`joined_certificate`), whose check enters `a` too.
    """
    delta = 1 / n
    extra = 6 if stability > 0 else 0  # maximize's docstring: up to 6 rounds past i_max
    checks = 1 if stability > 0 else 0  # the joined choice's certificate
    size, ratio, rounds = paper_opim_run(n, k, eps, delta, extra, checks)
    held = 2 * (4 * n * size + 8 * (size + 1))  # R1 and R2: n members of 4 bytes per set
    n_sets = 2 * size
    if stability > 0:
        a = paper_opim(n, n, k, eps, delta, extra, checks)[3]
        size3, ratio = joined_certificate(size, a, E_FACTOR - eps)
        assert ratio >= E_FACTOR - eps  # the joined choice is kept
        n_sets += size3
        held = 2 * held - 8 + 4 * n * size3 + 8 * (size3 + 1)  # the joined copy and R3
    sel = spread.maximize(
        complete_digraph(n),
        k,
        IC(p=1.0),
        method="opim-c",
        eps=eps,
        rng=2,
        stability=stability,
        evaluate=False,
    )
    assert sel.n_samples == n_sets
    assert sel.guarantee == pytest.approx(ratio, rel=1e-12)
    assert sel.gains.tolist() == [float(n)] + [0.0] * (k - 1)
    assert rounds == n_rounds
    assert sel.memory_bytes == held  # sets of n members (4 bytes each), offsets of 8


def joined_certificate(t, a, need):
    """The joined choice's R3 and ratio where every set holds every node: (R3's size,
    the ratio it certifies).

    R1 and R2 of t sets each are joined (2t sets; the min-bound is 2t, as in
    `paper_opim_run`). R3 takes the fewest sets t3 at which a choice covering all of
    them less two standard errors, ``t3 - 2 sqrt(t3)``, reaches `need` against the
    optimum's bound on the 2t joined sets, found here by counting up, times 1.25 and
    rounded up (at most t); the seeds cover all of R3, so the ratio is ``lower(t3) / t3``
    over ``upper(2t) / 2t``.
    """
    goal = need * paper_upper(2 * t, a) / (2 * t)
    fewest = next(
        (u for u in range(1, t + 1) if paper_lower(max(u - 2 * math.sqrt(u), 0), a) / u >= goal),
        None,
    )
    t3 = t if fewest is None else min(t, math.ceil(1.25 * fewest))
    return t3, max(paper_lower(t3, a), 0.0) / t3 / (paper_upper(2 * t, a) / (2 * t))


def test_opim_runs_all_i_max_rounds_when_nothing_is_certified():
    """Pins theta0 and i_max end to end (the eps**2 in theta_max among them).

    A fixed seed in every RR set leaves the new seeds no coverage: the lower bound is
    below 0, the ratio 0, so OPIM-C runs all i_max rounds: R1 and R2 end with
    ceil(theta0) * 2**(i_max - 1) sets each. The candidate pool is n - 1.
    """
    n, k, eps = 10, 2, 0.5
    theta0, _, i_max, _ = paper_opim(n, n - 1, k, eps, 1 / n)
    sel = spread.maximize(
        complete_digraph(n),
        k,
        IC(p=1.0),
        method="opim-c",
        eps=eps,
        fixed=[0],
        rng=3,
        stability=0,
        evaluate=False,
    )
    assert i_max == 5  # log2(n / (k eps^2)) = log2 20
    assert sel.n_samples == 2 * math.ceil(theta0) * 2 ** (i_max - 1)
    assert sel.guarantee == 0.0


def test_opim_guard_rounds_enter_the_schedule_and_the_union_bound():
    """Pins the overfitting guard's budget in OPIM-C: up to 6 rounds past i_max
    (maximize's docstring), every one of them in the union bound.

    With a fixed seed in every RR set nothing is ever certified (ratio 0), so with
    stability > 0 the run uses every round allowed: i_max + 6, ending with
    ceil(theta0) * 2**(i_max + 5) sets in each of R1 and R2.
    """
    n, k, eps = 10, 2, 0.5
    theta0, _, i_max, _ = paper_opim(n, n - 1, k, eps, 1 / n, 6)
    sel = spread.maximize(
        complete_digraph(n),
        k,
        IC(p=1.0),
        method="opim-c",
        eps=eps,
        fixed=[0],
        rng=3,
        stability=0.01,
        evaluate=False,
    )
    assert i_max == 5
    assert sel.n_samples == 2 * math.ceil(theta0) * 2 ** (i_max + 6 - 1)
    assert sel.guarantee == 0.0


def test_imm_reports_the_union_bound_over_its_guard_draws_and_its_memory():
    """Pins IMM's failure probability with the guard (phase 1 and up to 1 + 4 final
    draws, n ** -ell' each: 6 / (2 n) = 3 / n at ell = 1, the "up to 3x" of maximize's
    docstring) and its peak memory without it (phase 1's and the final sets together).

    On a complete digraph with p = 1 every set holds all n nodes (4 bytes each) plus
    its offset (8 bytes), with one more offset per collection; the guard is satisfied at
    once (the seeds cover every set of both collections).
    """
    n, k, eps = 10, 2, 0.5
    ell, eps_p, lam_prime, lam_star = paper_imm(n, n, k, eps, 1.0)
    phase1 = clear_ceil(lam_prime / (n / 2))
    theta = clear_ceil(lam_star / (n / (1 + eps_p)))
    kwargs = dict(method="imm", eps=eps, rng=0, evaluate=False)
    guarded = spread.maximize(complete_digraph(n), k, IC(p=1.0), **kwargs)
    assert guarded.n_samples == phase1 + theta  # no redraw was needed
    assert guarded.failure_probability == pytest.approx(6 * n**-ell, rel=1e-12)
    assert guarded.failure_probability == pytest.approx(3 / n, rel=1e-12)
    plain = spread.maximize(complete_digraph(n), k, IC(p=1.0), stability=0, **kwargs)
    assert plain.memory_bytes == 4 * n * (phase1 + theta) + 8 * (phase1 + 1) + 8 * (theta + 1)


def opim_anytime(n, k, delta, budget):
    """OPIM-C at eps = 0.5 in anytime mode on the complete digraph at p = 1."""
    return spread.maximize(complete_digraph(n), k, IC(p=1.0), method="opim-c", eps=0.5,
                           failure_probability=delta, max_rr_sets=budget, rng=4,
                           evaluate=False)  # fmt: skip


def test_opim_anytime_mode_spends_its_whole_budget_over_several_rounds():
    """Pins the anytime schedule: R1 and R2 double from ceil(theta0) until the next
    round would pass `max_rr_sets`, which the last round fills to max_rr_sets // 2 each.

    A budget of 8 ceil(theta0) + 2 gives rounds of ceil(theta0), 2 and 4 times that, then
    4 ceil(theta0) + 1 each: 2 (4 ceil(theta0) + 1) = the budget, exactly. The smallest
    budget, 2, gives one set in each collection.
    """
    n, k, delta = 10, 2, 0.1
    theta0, _, _, _ = paper_opim(n, n, k, 0.5, delta)
    t0 = math.ceil(theta0)
    for budget, t in [(8 * t0 + 2, 4 * t0 + 1), (2, 1)]:
        sel = opim_anytime(n, k, delta, budget)
        a = math.log(2 / delta)
        assert sel.n_samples == 2 * t == budget
        ratio = max(paper_lower(t, a), 0.0) / paper_upper(t, a)
        assert sel.guarantee == pytest.approx(ratio, rel=1e-12, abs=1e-300)


def test_opim_anytime_mode_certifies_with_a_single_round_union_bound():
    """Pins the anytime mode's a = ln(2 / delta) (OPIM, one test of R1, R2: delta / 2
    each) and its budget: max_rr_sets / 2 sets each, the ratio of the bounds at that size.
    """
    n, k, delta, budget = 10, 2, 0.1, 40  # budget / 2 = 20 < theta0: a single round
    theta0, _, _, _ = paper_opim(n, n, k, 0.5, delta)
    assert theta0 > budget / 2
    sel = opim_anytime(n, k, delta, budget)
    a = math.log(2 / delta)
    t = budget // 2
    assert sel.n_samples == budget
    assert sel.guarantee == pytest.approx(paper_lower(t, a) / paper_upper(t, a), rel=1e-12)


# ---------------------------------------------------------------- greedy coverage
def as_flat(sets):
    """Python lists of members -> the kernels' (int64 offsets, int32 members)."""
    offsets = np.zeros(len(sets) + 1, dtype=np.int64)
    offsets[1:] = np.cumsum([len(s) for s in sets])
    members = np.array([v for s in sets for v in s], dtype=np.int32)
    return offsets, members


def as_sets(offsets, members):
    """(offsets, members) -> a list of Python sets."""
    return [set(members[offsets[s] : offsets[s + 1]].tolist()) for s in range(len(offsets) - 1)]


def check_greedy(sets, n, k, allowed, fixed, result, want_bound):
    """Replays the greedy on Python sets, checking each step of `result` against counts.

    Step i: the marginal coverage of a candidate (allowed, not fixed, not chosen) is the
    number of sets holding it that no fixed node and no earlier seed hits; the seed must
    have the largest (any of a tie), its gain that number. The min-bound (Tang et al.
    2018) is the minimum over steps i = 0 .. (seeds chosen) of the sets covered by the
    first i seeds (not by fixed nodes) plus the sum of the k largest marginals.
    """
    seeds, gains, total, upper = result
    fixed_nodes = {v for v in range(n) if fixed[v]}
    done = {s for s, members in enumerate(sets) if members & fixed_nodes}
    covered = 0
    chosen = set()
    bounds = []
    n_chosen = 0
    for i in range(k + 1):
        marginal = {
            v: sum(1 for s, members in enumerate(sets) if s not in done and v in members)
            for v in range(n)
            if allowed[v] and v not in fixed_nodes and v not in chosen
        }
        bounds.append(covered + sum(sorted(marginal.values(), reverse=True)[:k]))
        if i == k or not marginal:
            break
        best = max(marginal.values())
        seed = int(seeds[i])
        assert seed in marginal, (i, seed, "not a candidate")
        assert marginal[seed] == best, (i, seed, marginal[seed], best)
        assert gains[i] == best, (i, gains[i], best)
        chosen.add(seed)
        newly = {s for s, members in enumerate(sets) if s not in done and seed in members}
        done |= newly
        covered += len(newly)
        n_chosen += 1
    assert seeds[n_chosen:].tolist() == [-1] * (k - n_chosen)
    assert gains[n_chosen:].tolist() == [0] * (k - n_chosen)
    union = {s for s, members in enumerate(sets) if members & chosen and not members & fixed_nodes}
    assert total == covered == len(union) == gains.sum()
    assert upper == (min(bounds) if want_bound else -1)


def hand_made_cases():
    """Overlapping sets with ties, an empty set, fixed and excluded nodes, k > candidates."""
    sets = [
        [0, 1, 2],
        [0, 1],
        [1, 3],
        [2, 3, 4],
        [3, 4],
        [4, 5],
        [5, 6],
        [0, 6],
        [],
        [6],
        [2, 5],
        [1, 2, 3],
        [3, 1],
        [4, 0, 2],
    ]
    n = 7
    yes = np.ones(n, dtype=np.bool_)
    no = np.zeros(n, dtype=np.bool_)
    only = np.zeros(n, dtype=np.bool_)
    only[[1, 4, 6]] = True
    fixed3 = no.copy()
    fixed3[3] = True
    yield sets, n, 3, yes, no
    yield sets, n, 7, yes, no  # every node: the last seeds add nothing
    yield sets, n, 2, yes, fixed3  # fixed node 3: its sets are done before step 0
    yield sets, n, 4, only, no  # three candidates for four seeds: one -1
    yield sets, n, 2, only, fixed3
    rng = np.random.default_rng(20)
    for trial in range(6):
        n = 9
        sets = [
            rng.choice(n, size=int(rng.integers(0, 5)), replace=False).tolist() for _ in range(40)
        ]
        allowed = rng.random(n) < 0.8
        fixed = rng.random(n) < 0.15 if trial % 2 else np.zeros(n, dtype=np.bool_)
        yield sets, n, int(rng.integers(1, 5)), allowed, fixed


def test_greedy_gains_are_the_marginal_coverage_of_hand_made_sets():
    """Pins greedy_cover's bookkeeping: gains, seeds, total and min-bound, step by step.

    Each gain must equal the sets newly covered given the fixed nodes and earlier seeds,
    counted here from the sets: forgetting to uncount a covered set for any of its
    members inflates a later gain.
    """
    for sets, n, k, allowed, fixed in hand_made_cases():
        offsets, members = as_flat(sets)
        py_sets = [set(s) for s in sets]
        plain = greedy_cover(offsets, members, n, k, allowed, fixed, False)
        bound = greedy_cover(offsets, members, n, k, allowed, fixed, True)
        check_greedy(py_sets, n, k, allowed, fixed, plain, want_bound=False)
        check_greedy(py_sets, n, k, allowed, fixed, bound, want_bound=True)
        assert plain[0].tolist() == bound[0].tolist()


def test_greedy_on_a_hand_made_case_worked_by_hand():
    """Pins one greedy run whose every number was counted by hand.

    Sets {0,1}, {0,2}, {0,3}, {1,2}, {1,4}, {2,4}, {3}; k = 2. Step 0: coverage 0:3,
    1:3, 2:3, 3:2, 4:2; the top two sum to 6, so bound 0 + 6. Seed 0 (a best; the
    smallest id; 1 or 2 give the same numbers) covers 3 sets; left {1,2}, {1,4}, {2,4},
    {3}: 1:2, 2:2, 3:1, 4:2. Step 1 bound 3 + 2 + 2 = 7. The next seed covers 2 more;
    total 5; step 2 bound 5 + the two largest left (1 and 1) = 7. Min-bound 6.
    """
    sets = [[0, 1], [0, 2], [0, 3], [1, 2], [1, 4], [2, 4], [3]]
    offsets, members = as_flat(sets)
    yes = np.ones(5, dtype=np.bool_)
    seeds, gains, total, upper = greedy_cover(
        offsets, members, 5, 2, yes, np.zeros(5, dtype=np.bool_), True
    )
    assert seeds[0] in (0, 1, 2) and seeds[1] != seeds[0]
    assert gains.tolist() == [3, 2] and total == 5 and upper == 6


@pytest.mark.parametrize("model", [IC(p=0.3), LT()], ids=["ic", "lt"])
def test_greedy_gains_are_the_marginal_coverage_of_real_rr_sets(model):
    """Pins `greedy` and `coverage` on sampled RR sets against counts over the sets.

    A random 15-node graph, 400 RR sets: the greedy replayed in plain Python (gains,
    argmax seeds, total, min-bound), with and without fixed nodes and a candidate pool;
    `coverage` of the chosen seeds equals the sets they hit that no fixed node hits.
    """
    rng = np.random.default_rng(5)
    n = 15
    pairs = {(int(u), int(v)) for u, v in rng.integers(0, n, (60, 2)) if u != v}
    src, dst = zip(*sorted(pairs), strict=True)
    g = Graph.from_edges(src, dst, labels=range(n))
    rr = RRSets(g, model, np.uint64(9)).extend(400)
    sets = as_sets(*rr.flat())
    assert max(len(s) for s in sets) > 2  # the sets overlap in more than their targets
    for k, allowed, fixed in [
        (4, np.ones(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_)),
        (3, rng.random(n) < 0.6, np.isin(np.arange(n), [2, 7])),
        (5, np.ones(n, dtype=np.bool_), np.isin(np.arange(n), [0])),
    ]:
        allowed &= ~fixed
        for want_bound in (False, True):
            result = greedy(rr, k, allowed, fixed, want_bound)
            check_greedy(sets, n, k, allowed, fixed, result, want_bound)
        seeds = result[0]
        fixed_nodes = set(np.flatnonzero(fixed).tolist())
        chosen = set(seeds[seeds >= 0].tolist())
        hit = sum(1 for s in sets if s & chosen and not s & fixed_nodes)
        assert coverage(rr, seeds, fixed) == hit == result[2]


def test_coverage_kernels_against_plain_counts():
    """Pins the inverted index, the top-k sum, prefix_coverage and count_hit.

    `_node_sets`: CSR, n + 1 pointers from 0 to the number of members (nothing past
    them), node v's list the sets holding v, in set order. `_front_fill`: the front's
    sum is that of the k largest values over allowed, unchosen nodes (all of them if
    fewer), and stays so after the values fall.
    `prefix_coverage`: out[j] = sets holding a node of rank <= j. `count_hit`: sets
    holding a node marked 1, 2 or either (bits of `mark`) and no `skip` node. Each
    counted here from the sets.
    """
    rng = np.random.default_rng(11)
    for _ in range(20):
        n = int(rng.integers(1, 12))
        sets = [
            rng.choice(n, size=int(rng.integers(0, min(n, 5) + 1)), replace=False).tolist()
            for _ in range(int(rng.integers(0, 30)))
        ]
        offsets, members = as_flat(sets)
        ptr, ids = _node_sets(offsets, members, n)
        assert ptr.shape == (n + 1,) and ptr[0] == 0 and ptr[-1] == members.size
        for v in range(n):
            assert ids[ptr[v] : ptr[v + 1]].tolist() == [s for s, m in enumerate(sets) if v in m]

        cov = rng.integers(0, 6, n).astype(np.int64)  # ties are likely
        allowed = rng.random(n) < 0.7
        chosen = rng.random(n) < 0.2
        eligible = sorted(int(cov[v]) for v in range(n) if allowed[v] and not chosen[v])
        for k in range(1, n + 3):
            want = sum(eligible[-k:]) if eligible else 0
            assert lazy_top_sum(cov, allowed, chosen, k) == want, (k, cov, eligible)
            # from keys stale upward (coverage has fallen since the heap was made)
            stale = cov + rng.integers(0, 3, n)
            assert lazy_top_sum(cov, allowed, chosen, k, stale) == want, (k, cov, eligible)
            # then the coverage falls again, the front's included (some to 0)
            fallen = np.maximum(cov - rng.integers(0, 4, n), 0)
            left = sorted(int(fallen[v]) for v in range(n) if allowed[v] and not chosen[v])
            want = sum(left[-k:]) if left else 0
            got = lazy_top_sum(cov, allowed, chosen, k, stale, fallen=fallen)
            assert got == want, (k, cov, fallen)

        k = int(rng.integers(1, 5))
        rank = rng.integers(0, k + 3, n).astype(np.int64)  # ranks >= k: not a seed yet
        want = [sum(1 for m in sets if any(rank[v] <= j for v in m)) for j in range(k)]
        assert prefix_coverage(offsets, members, rank, k).tolist() == want

        mark = rng.integers(0, 4, n).astype(np.uint8)  # bit 1: one seed set, bit 2: another
        skip = rng.random(n) < 0.2
        kept = [m for m in sets if not any(skip[v] for v in m)]
        want = [sum(1 for m in kept if any(mark[v] & bit for v in m)) for bit in (1, 2, 3)]
        assert list(count_hit(offsets, members, mark, skip)) == want


def test_coverage_kernels_stay_in_bounds_as_plain_python():
    """Pins the kernels' buffer sizes: Numba does not check indices, so a buffer one slot
    short (prefix_coverage's k + 1 counters, the last for sets no seed hits; the lazy
    heap's arrays, sized by a count of the nodes it keeps, and no larger) writes past
    its end unseen.
    Each kernel's own Python body (`py_func`, numpy's bounds checks) on sets where some
    hold no seed must run and agree with the compiled kernel.
    """
    sets = [[0, 1], [2], [3, 4, 2], [4], [], [1, 3]]
    offsets, members = as_flat(sets)
    n, k = 5, 2
    rank = np.array([1, k, k, 0, k], dtype=np.int64)  # seeds: node 3, then node 0
    want = prefix_coverage(offsets, members, rank, k)
    assert want.tolist() == [2, 3]
    assert prefix_coverage.py_func(offsets, members, rank, k).tolist() == want.tolist()
    ptr, ids = _node_sets.py_func(offsets, members, n)
    want_ptr, want_ids = _node_sets(offsets, members, n)
    assert ptr.tolist() == want_ptr.tolist() and ids.tolist() == want_ids.tolist()
    allowed, none = np.ones(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_)
    for k in (1, 2, 5):
        cov, stale = np.array([3, 1, 4, 1, 5]), np.array([3, 2, 6, 1, 9])
        got = lazy_top_sum(cov, allowed, none, k, stale, kernel=_front_fill.py_func)
        assert got == lazy_top_sum(cov, allowed, none, k, stale) == sum(sorted(cov)[-k:])
        fallen = np.array([0, 1, 2, 1, 5])
        got = lazy_top_sum(cov, allowed, none, k, stale, _front_fill.py_func, fallen)
        assert got == lazy_top_sum(cov, allowed, none, k, stale, fallen=fallen)
        assert got == sum(sorted(fallen)[-k:])
    mark = np.array([0, 0, 0, 1, 2], dtype=np.uint8)  # node 3 in one seed set, 4 in the other
    count = count_hit.py_func(offsets, members, mark, rank == 1)  # no set holding node 0
    assert count == count_hit(offsets, members, mark, rank == 1) == (2, 2, 3)
    # `_lazy_heap` sizes its arrays by a first count of the nodes it keeps: the allowed,
    # unchosen ones of positive coverage (0, 1 and 4 here; node 3 is chosen, 2 has none)
    cov, chosen = np.array([3, 1, 0, 1, 5]), np.array([False, False, False, True, False])
    key, node, size = _lazy_heap.py_func(cov, allowed, chosen, 1)
    want_key, want_node, want_size = _lazy_heap(cov, allowed, chosen, 1)
    assert size == want_size == 3 and sorted(node[:size].tolist()) == [0, 1, 4]
    assert key.shape == node.shape == want_key.shape == (3,)  # room for those nodes only
    # filled in node order, keys [3, 1, 5]; heapified, the root swaps with its right child
    assert key[:size].tolist() == want_key[:size].tolist() == [5, 1, 3]
    assert node[:size].tolist() == want_node[:size].tolist() == [4, 1, 0]
    # a floor of 3 keeps 0 and 4; `_floor` is the m-th largest of 3, 1 and 5 (1 when the
    # m largest are all there are)
    key, node, size = _lazy_heap(cov, allowed, chosen, 3)
    assert size == 2 and node.tolist() == [4, 0] and key.tolist() == [5, 3]
    floors = [coverage_kernels._floor(cov, allowed, chosen, m) for m in (1, 2, 3)]
    assert floors == [5, 3, 1]


def test_top_sum_on_heaps_deeper_than_a_few_levels():
    """Pins `_front_fill` with heaps where a wrong parent index breaks their order.

    The front of size k keeps the k largest values; their sum must equal the sum of the
    k largest eligible values (sorted here) for k up to 40 over up to 300 distinct-ish
    values, inserted in random and in increasing order (the order that sifts every new
    value up to the root), and again after half the values fall (the front trades
    with the heap).
    """
    rng = np.random.default_rng(20261203)
    for trial in range(60):
        n = int(rng.integers(5, 300))
        cov = rng.integers(0, 10_000, n).astype(np.int64)
        if trial % 3 == 0:
            cov = np.sort(cov)[::-1].copy()  # decreasing node order: every value sifts up
        allowed = rng.random(n) < 0.9
        chosen = rng.random(n) < 0.1
        eligible = np.sort(cov[allowed & ~chosen])
        for k in (1, 2, 5, 6, 7, 13, 40):
            want = int(eligible[-k:].sum()) if eligible.size else 0
            assert lazy_top_sum(cov, allowed, chosen, k) == want, (trial, k)
            stale = cov + rng.integers(0, 50, n) * (rng.random(n) < 0.5)
            assert lazy_top_sum(cov, allowed, chosen, k, stale) == want, (trial, k)
            fallen = cov - (rng.integers(0, cov + 1) * (rng.random(n) < 0.5))
            left = np.sort(fallen[allowed & ~chosen])
            want = int(left[-k:].sum()) if left.size else 0
            got = lazy_top_sum(cov, allowed, chosen, k, stale, fallen=fallen)
            assert got == want, (trial, k)


def test_greedy_ties_go_to_the_smallest_node_id():
    """Pins the documented tie rule of `greedy_cover`: among equal marginal coverage the
    smallest node id wins.

    Sets {0}, {1}, {2, 3}: nodes 0-3 each cover one set. Greedy takes 0, then 1, then 2
    (2 and 3 tie, 2 < 3); the sets are disjoint, so each gain is 1.
    """
    offsets, members = as_flat([[0], [1], [2, 3]])
    n = 4
    allowed = np.ones(n, dtype=np.bool_)
    fixed = np.zeros(n, dtype=np.bool_)
    seeds, gains, covered, _ = greedy_cover(offsets, members, n, 3, allowed, fixed, False)
    assert seeds.tolist() == [0, 1, 2]
    assert gains.tolist() == [1, 1, 1] and covered == 3
    reverse_offsets, reverse_members = as_flat([[3], [2], [1, 0]])
    seeds, _, _, _ = greedy_cover(reverse_offsets, reverse_members, n, 1, allowed, fixed, False)
    assert seeds.tolist() == [0]
    # coverage runs out before k: the smallest allowed, unchosen ids follow, gain 0
    # (the greedy then looks past its candidates, the nodes of positive coverage)
    offsets, members = as_flat([[4], [1], [4, 1]])
    n, allowed = 6, np.array([True, True, False, True, True, True])
    fixed = np.zeros(n, dtype=np.bool_)
    seeds, gains, covered, upper = greedy_cover(offsets, members, n, 5, allowed, fixed, True)
    assert seeds.tolist() == [1, 4, 0, 3, 5] and gains.tolist() == [2, 1, 0, 0, 0]
    assert covered == 3 and upper == 3


def scan_cover(sets, n, k, allowed, fixed):
    """`greedy_cover` by its definition, in plain Python: at each step every allowed node
    not fixed and not chosen is scanned, its marginal coverage counted from the sets; the
    largest wins, the smallest id on a tie (a gain of 0 included: once coverage runs out
    the smallest ids follow). Returns (seeds padded with -1, gains, total, min-bound)."""
    fixed_nodes = {v for v in range(n) if fixed[v]}
    done = {s for s, members in enumerate(sets) if members & fixed_nodes}
    chosen = set(fixed_nodes)
    seeds, gains, total, bounds = [-1] * k, [0] * k, 0, []
    for i in range(k + 1):
        marginal = {
            v: sum(1 for s, members in enumerate(sets) if s not in done and v in members)
            for v in range(n)
            if allowed[v] and v not in chosen
        }
        bounds.append(total + sum(sorted(marginal.values(), reverse=True)[:k]))
        if i == k or not marginal:
            break
        best = min(marginal, key=lambda v: (-marginal[v], v))
        seeds[i], gains[i] = best, marginal[best]
        total += marginal[best]
        chosen.add(best)
        done |= {s for s, members in enumerate(sets) if best in members}
    return seeds, gains, total, min(bounds)


def test_greedy_cover_is_the_plain_scan_with_smallest_id_ties():
    """Pins `greedy_cover`'s every output against `scan_cover`, exactly: the seeds in
    order (ties to the smallest id, also among gains of 0 once coverage runs out, where
    the lazy heap no longer holds the candidates: nodes whose coverage fell to 0 and
    nodes that never had any), the gains, the total and the min-bound (or -1).

    Small random instances with many ties (sets of 0-4 members over up to 14 nodes),
    excluded and fixed nodes, k from 1 to past the number of candidates; then a case
    worked by hand twice: sets {1, 2}, {1}, {3}: seed 1 (coverage 2) leaves node 2 at
    coverage 0, seed 3 takes the last set, and the zero-gain seeds are 0 and then 2 (the
    smallest ids left), not node 2 first for having been a candidate; sets {0, 1}, {0},
    {3}: seeds 0 and 3, then 1 (fallen to 0) before 2 (never a candidate).
    """
    rng = np.random.default_rng(20261204)
    for trial in range(150):
        n = int(rng.integers(1, 15))
        sets = [
            set(rng.choice(n, size=int(rng.integers(0, min(n, 4) + 1)), replace=False).tolist())
            for _ in range(int(rng.integers(0, 25)))
        ]
        offsets, members = as_flat([sorted(s) for s in sets])
        allowed = rng.random(n) < (0.8 if trial % 3 else 1.0)
        fixed = rng.random(n) < 0.15 if trial % 2 else np.zeros(n, dtype=np.bool_)
        k = int(rng.integers(1, n + 3))
        seeds, gains, total, upper = scan_cover(sets, n, k, allowed, fixed)
        for want_bound in (False, True):
            got = greedy_cover(offsets, members, n, k, allowed, fixed, want_bound)
            assert got[0].tolist() == seeds, (trial, want_bound)
            assert got[1].tolist() == gains and got[2] == total, (trial, want_bound)
            assert got[3] == (upper if want_bound else -1), (trial, want_bound)

    for trial in range(80):  # k well below the nodes of positive coverage: the bound's
        n = int(rng.integers(20, 80))  # front trades with the heap at most steps; every
        small = trial % 2  # other trial has sets of 1-2 nodes: coverages tie everywhere
        sets = [
            set(rng.choice(n, size=int(rng.integers(1, 3 if small else 6)), replace=False))
            for _ in range(int(rng.integers(50, 300)))
        ]
        offsets, members = as_flat([sorted(s) for s in sets])
        allowed = rng.random(n) < 0.9
        fixed = rng.random(n) < 0.05
        k = int(rng.integers(2, 12))
        want = scan_cover(sets, n, k, allowed, fixed)
        got = greedy_cover(offsets, members, n, k, allowed, fixed, True)
        assert (got[0].tolist(), got[1].tolist(), got[2], got[3]) == want, trial

    yes, no = np.ones(4, dtype=np.bool_), np.zeros(4, dtype=np.bool_)
    for sets, want in [
        ([{1, 2}, {1}, {3}], [1, 3, 0, 2]),  # node 2 fell to 0, node 0 never had any
        ([{0, 1}, {0}, {3}], [0, 3, 1, 2]),  # node 1 fell to 0, node 2 never had any
    ]:
        offsets, members = as_flat([sorted(s) for s in sets])
        seeds, gains, total, upper = greedy_cover(offsets, members, 4, 4, yes, no, True)
        assert seeds.tolist() == want and gains.tolist() == [2, 1, 0, 0]
        assert total == 3 and upper == 3  # steps 0-4: 0 + 4, 2 + 1, 3 + 0, 3 + 0, 3 + 0
        assert scan_cover(sets, 4, 4, yes, no) == (want, [2, 1, 0, 0], 3, 3)


def test_the_overfitting_guards_tests_worked_by_hand():
    """Pins the guards' rules (maximize's `stability`), with numbers worked by hand.

    IMM: the choice covers 1/4 of 300 independent phase-1 sets, so se = sqrt(1/4 * 3/4 /
    300) = 0.025; with stable = 0.01 the final sets may show up to 1.01 / 4 + 2 * 0.025 =
    0.3025 before the choice counts as overfitting. A check of 0 (or 1) has se 0.
    OPIM-C: the two choices cover 200 sets of the other's collection and 100 sets
    (of both) are hit by one choice only, so 2 se = 2 sqrt(100) = 20; with stable = 0.1
    they may cover up to 200 + 20 + 20 = 240 of their own (a tie is settled; 241 is not).
    """
    assert not _overfits(0.3025 - 1e-9, 0.25, 300, 0.01)
    assert _overfits(0.3025 + 1e-9, 0.25, 300, 0.01)
    assert not _overfits(0.25, 0.25, 300, 0.0)
    assert _overfits(0.25 + 1e-12, 0.25, 10**9, 0.0) is False  # 2 se = 2.7e-5 above
    assert _overfits(0.011, 0.01, 10**6, 0.0)  # se = 9.95e-5: 0.011 > 0.0102
    assert _overfits(1e-9, 0.0, 300, 0.01) and not _overfits(0.0, 0.0, 300, 0.01)
    assert not _overfits(1.0, 1.0, 300, 0.0) and _overfits(1.0, 0.99, 10**6, 0.0)
    assert _settled(240, 200, 100, 0.1) and not _settled(241, 200, 100, 0.1)
    assert _settled(210, 200, 0, 0.05) and not _settled(211, 200, 0, 0.05)
    # IMM's phase 1: 10 = (1 + 1) 5 confirms the guess 5 (a tie), one ulp less does not
    assert _confirms(10.0, 1.0, 5.0) and not _confirms(math.nextafter(10.0, 0.0), 1.0, 5.0)
    assert _settled(0, 0, 0, 0.01) and not _settled(1, 0, 0, 0.01)
    # OPIM-C for the choice on R1 and R2 joined: the fraction is of twice the cross
    # coverage (with the known part): 200 + 2 * 0.1 * (200 + 50) + 20 = 270
    assert _settled(270, 200, 100, 0.1, 50, True) and not _settled(271, 200, 100, 0.1, 50, True)
    assert _settled(260, 200, 100, 0.1, 0, True) and not _settled(261, 200, 100, 0.1, 0, True)


def test_opim_guard_step_worked_by_hand():
    """Pins how far OPIM-C grows R1 and R2 after an unsettled cross-check.

    With ``stable * cross`` = 100 and no discordant sets, a gap ``own - cross`` of 150
    is met at x = 1.5, times the margin 1.25: 1.875. With 100 discordant sets (2 sqrt =
    20) a gap of 140 is met where 100 x + 20 sqrt(x) = 140, at sqrt(x) = (-20 +
    sqrt(400 + 56,000)) / 200: x = 1.18257..., times 1.25. Clipped to [1.25, 2]; with
    nothing to grow from (cross = 0), it doubles.
    """
    assert _guard_step(10_150, 10_000, 0, 0.01) == pytest.approx(1.875, rel=1e-12)
    y = (-20 + math.sqrt(400 + 56_000)) / 200
    assert _guard_step(10_140, 10_000, 100, 0.01) == pytest.approx(1.25 * y * y, rel=1e-12)
    assert 100 * y * y + 20 * y == pytest.approx(140, rel=1e-12)
    assert _guard_step(10_400, 10_000, 0, 0.01) == 2.0  # x = 4
    assert _guard_step(10_050, 10_000, 0, 0.01) == 1.25  # x = 0.5: 0.625
    assert _guard_step(10_101, 10_000, 0, 0.01) == pytest.approx(1.2625, rel=1e-12)  # 1.01 x
    assert _guard_step(10_120, 10_000, 0, 0.01) == pytest.approx(1.5, rel=1e-12)
    assert _guard_step(5, 0, 4, 0.01) == 2.0
    # joined (`_settled`'s): the slope doubles, 2 * 0.01 * 10,000 = 200; a gap of 300 is
    # met at x = 1.5 (1.875), a gap of 150 at 0.75 (clipped: 1.25)
    assert _guard_step(10_300, 10_000, 0, 0.01, 0.0, True) == pytest.approx(1.875, rel=1e-12)
    assert _guard_step(10_150, 10_000, 0, 0.01, 0.0, True) == 1.25
    # the known part counts in the fraction's base: 2 * 0.01 * (10,000 + 500) = 210, a
    # gap of 315 met at x = 1.5; without the joined test 105, x = 3: clipped to 2
    assert _guard_step(10_315, 10_000, 0, 0.01, 500.0, True) == pytest.approx(1.875, rel=1e-12)
    # a leap (before the certificate): the same x, clipped to [2, 64] instead
    assert _guard_step(10_400, 10_000, 0, 0.01, 0.0, False, True) == 5.0  # x = 4
    assert _guard_step(10_300, 10_000, 0, 0.01, 0.0, True, True) == 2.0  # 1.875
    assert _guard_step(10_300, 10_000, 0, 0.0001, 0.0, True, True) == 64.0  # x = 150
    assert _guard_step(5, 0, 4, 0.01, 0.0, False, True) == 2.0
    assert _guard_step(9_000, 10_000, 100, 0.01, 0.0, False, True) == 2.0  # a negative gap
    assert _guard_step(10_315, 10_000, 0, 0.01, 500.0) == 2.0


def test_greedy_on_joined_collections_is_the_greedy_on_their_sets_together(
    conditional_sets,
):
    """`rrsets.greedy` on a tuple (OPIM-C's R1 and R2 joined) chooses on the sets of
    both as one collection: the same seeds, gains, coverage and bound as
    `greedy_cover_offset` on the sets listed one after the other, each conditional
    set's known part counted in sets of both (``bonus * (len(R1) + len(R2)) / scale``,
    rounded); and the collections are left as they were."""
    model = IC(p=0.1)
    r1, r2 = replay_pair(model, np.uint64(7), conditional_sets)
    r1.extend(300)
    r2.extend(500)
    assert r1.conditional == conditional_sets
    allowed, fixed = everyone(KARATE.n_nodes)
    fixed[[0, 33]] = True
    before = [np.array(part).copy() for rr in (r1, r2) for part in rr.flat()]
    got = greedy((r1, r2), 3, allowed, fixed, want_bound=True)
    sets = [sorted(members) for rr in (r1, r2) for members in as_sets(*rr.flat())]
    offsets, members = as_flat(sets)
    offset = np.zeros(0, dtype=np.int64)
    if conditional_sets:
        offset = np.rint(r1.bonus * (800 / r1.scale)).astype(np.int64)
    want = greedy_cover_offset(offsets, members, KARATE.n_nodes, 3, allowed, fixed, True, offset)
    assert got[0].tolist() == want[0].tolist() and got[1].tolist() == want[1].tolist()
    assert (got[2], got[3]) == (want[2], want[3])
    after = [part for rr in (r1, r2) for part in rr.flat()]
    assert all(np.array_equal(a, b) for a, b in zip(before, after, strict=True))
    # each part's inverted index (as its own greedy keeps it), joined instead of built:
    # the same choice, and the index of the sets together (`node_sets`); three parts too
    r3 = replay_pair(model, np.uint64(8), conditional_sets)[0].extend(200)
    parts = (r1, r2, r3)
    kept = tuple(greedy(rr, 3, allowed, fixed, index=True)[4] for rr in parts)
    for chosen_on, indexes in ((parts[:2], kept[:2]), (parts, kept)):
        fresh = greedy(chosen_on, 3, allowed, fixed, want_bound=True)
        *got, index = greedy(chosen_on, 3, allowed, fixed, want_bound=True, index=indexes)
        assert [np.asarray(x).tolist() for x in got] == [np.asarray(x).tolist() for x in fresh]
        sets = [sorted(m) for rr in chosen_on for m in as_sets(*rr.flat())]
        want_ptr, want_ids = coverage_kernels.node_sets(*as_flat(sets), KARATE.n_nodes)
        assert np.array_equal(index[0], want_ptr) and np.array_equal(index[1], want_ids)


def test_cert_size_is_the_fewest_sets_predicted_to_certify():
    """Pins `_cert_size` (R3 of OPIM-C's joined choice) against counting up
    (`reference_cert_size`) over plain and conditional cases, and its ends: `theta` when
    no size up to it certifies (nothing covered; a bound out of reach), and a size that
    grows as the need does."""
    a = math.log(3 * 18 / 0.01)
    cases = [
        (1000, 400.0, 0.0, 900.0, 0.53),
        (1000, 400.0, 30.0, 900.0, 0.53),
        (36_544, 2_300.0, 0.0, 6_500.0, 0.532),
        (50, 50.0, 0.0, 100.0, 0.582),
        (10_000, 20.0, 0.0, 60.0, 0.532),
        (5_000, 900.0, 200.0, 2_600.0, 0.4),
        (1000, 400.0, 900.0, 900.0, 0.53),  # the known part alone certifies: 1 set, 2
        (1000, 0.0, 600.0, 900.0, 0.53),  # nothing covered, the known part certifies
    ]
    for theta, covered, known, upper, need in cases:
        want = reference_cert_size(theta, covered, known, upper, a, need)
        assert _cert_size(theta, covered, known, upper, a, need) == want
    assert _cert_size(1000, 400.0, 900.0, 900.0, a, 0.53) == 2  # ceil(1.25 x 1 set)
    assert _cert_size(1000, 0.0, 0.0, 900.0, a, 0.53) == 1000  # nothing covered
    assert _cert_size(1000, 10.0, 0.0, 900.0, a, 0.53) == 1000  # out of reach
    sizes = [_cert_size(36_544, 2_300.0, 0.0, 6_500.0, a, need) for need in (0.3, 0.45, 0.6)]
    assert sizes[0] < sizes[1] < sizes[2] <= 36_544


def test_opim_chooses_on_r1_and_r2_joined_only_within_max_memory(monkeypatch):
    """Pins `_joinable`: once the guard settles, the seeds are chosen on R1 and R2 joined
    (a copy of both, its selection's index, the round's two indexes it is joined from
    and R3 beside them) only when that fits in `max_memory`; otherwise the guard tests the round's own choice and keeps it (no
    R3: R1 and R2 of the same size, and their bytes only). The bytes needed are the two
    collections twice, both selections' arrays and R3 as `RRSets.extend` projects it
    (8 bytes per member and per set, with its sampler's working arrays)."""
    import spread.im.opim as opim_module

    g, model = KARATE, IC(p=0.2)
    r1 = RRSets(g, model, np.uint64(1)).extend(500)
    r2 = RRSets(g, model, np.uint64(2)).extend(500)
    avg = r1.n_members / 500
    need = 2 * (r1.nbytes + r2.nbytes) + r1.selecting_bytes + r2.selecting_bytes
    need += 4 * (r1.n_members + r2.n_members) + 16 * (g.n_nodes + 1)  # the round's indexes
    need += int(100 * (8 * avg + 8)) + r1.working_bytes(avg, 100)
    r1.max_memory = need
    assert _joinable(r1, r2, 100)
    r1.max_memory = need - 1
    assert not _joinable(r1, r2, 100)
    # with room, the joined choice's greedy joins the round's two kept indexes
    joins = []
    join = rrsets.joined_index
    monkeypatch.setattr(rrsets, "joined_index", lambda *a: joins.append(1) or join(*a))
    opim_c(g, 2, model, eps=0.3, delta=0.05, root=np.uint64(5), allowed=everyone(g.n_nodes)[0],
           fixed=everyone(g.n_nodes)[1], n_threads=2, max_memory=None, report=lambda n: None)  # fmt: skip
    assert joins == [1]
    tests, reports, settled = [], [], opim_module._settled
    monkeypatch.setattr(opim_module, "_joinable", lambda r1, r2, n3: False)
    monkeypatch.setattr(opim_module, "_settled", lambda *a: tests.append(a[-1]) or settled(*a))
    allowed, fixed = everyone(g.n_nodes)
    seeds, _, n_sets, _, _, memory = opim_c(
        g, 2, model, eps=0.3, delta=0.05, root=np.uint64(5), allowed=allowed, fixed=fixed,
        n_threads=1, max_memory=None, report=reports.append,
    )  # fmt: skip
    assert tests and not any(tests)  # the round's own choice's test, every time
    t = reports[-1] // 2
    assert n_sets == 2 * t and reports[-1] == 2 * t  # no R3
    r1 = RRSets(g, model, stream_root(np.uint64(5), RR)).extend(t)
    r2 = RRSets(g, model, stream_root(np.uint64(5), RR_CHECK)).extend(t)
    assert memory == r1.nbytes + r2.nbytes
    assert seeds.tolist() == greedy(r1, 2, allowed, fixed)[0].tolist()


def test_opim_draws_r1_and_r2_side_by_side_within_one_max_memory():
    """Pins `_extend_both`: with a helper thread R2 is drawn on it while R1 is drawn
    here, the same sets as one after the other; each collection's `max_memory` check
    counts what the other adds (`RRSets.projected_bytes`: its sets at the target and
    its working arrays), so both fit together or neither is drawn."""
    from spread.im.opim import _extend_both

    g, model = KARATE, IC(p=0.2)

    def pair(budget):
        r1 = RRSets(g, model, np.uint64(1), max_memory=budget)
        r2 = RRSets(g, model, np.uint64(2), template=r1, companions=(r1,), max_memory=budget)
        r1.companions = (r2,)
        return r1, r2

    r1, r2 = pair(None)
    _extend_both(r1, r2, 600, rrsets._pool(1))
    one, two = RRSets(g, model, np.uint64(1)), RRSets(g, model, np.uint64(2))
    _extend_both(one, two, 600, None)
    for a, b in ((r1, one), (r2, two)):
        assert all(np.array_equal(x, y) for x, y in zip(a.flat(), b.flat(), strict=True))
    fresh1, fresh2 = pair(None)
    need = fresh1.projected_bytes(600) + fresh2.projected_bytes(600)
    r1, r2 = pair(need)
    _extend_both(r1, r2, 600, rrsets._pool(1))
    assert len(r1) == len(r2) == 600
    r1, r2 = pair(need - 1)
    with pytest.raises(MemoryLimitError):
        _extend_both(r1, r2, 600, rrsets._pool(1))
    assert len(r1) == len(r2) == 0  # each checked against the other's growth: neither drew


def test_both_selections_side_by_side_only_within_max_memory():
    """Pins `_side_by_side`: R2's speculative greedy runs beside R1's only when both
    collections and both selections' arrays (`RRSets.selecting_bytes`: 4 bytes per
    member, 1 per set, 40 per node) fit in `max_memory` together."""
    g, model = KARATE, IC(p=0.2)
    r1 = RRSets(g, model, np.uint64(1)).extend(500)
    r2 = RRSets(g, model, np.uint64(2)).extend(500)
    for rr in (r1, r2):
        assert rr.selecting_bytes == 4 * rr.n_members + len(rr) + 40 * g.n_nodes
    need = r1.nbytes + r2.nbytes + r1.selecting_bytes + r2.selecting_bytes
    r1.max_memory = need
    assert _side_by_side(r1, r2)
    r1.max_memory = need - 1
    assert not _side_by_side(r1, r2)


def test_opim_cross_check_counts_match_a_count_by_hand():
    """Pins the counts behind OPIM-C's guard (`_cross_check`), set by set.

    R2 chooses its own seeds by the same greedy; `own` is each choice's coverage of its
    own collection, `cross` of the other's, `discordant` the sets of both collections
    hit by exactly one of the two choices. A fixed seed's sets count for neither.
    """
    n, k, model = KARATE.n_nodes, 3, IC(p=0.15)
    allowed, fixed = everyone(n)
    fixed[33] = True
    allowed[33] = False
    r1 = RRSets(KARATE, model, np.uint64(21)).extend(400)
    r2 = RRSets(KARATE, model, np.uint64(22)).extend(300)
    seeds1, _, cov1, _ = greedy(r1, k, allowed, fixed)
    seeds2, _, cov22, _ = greedy(r2, k, allowed, fixed)
    on_r1 = coverage(r1, seeds1, fixed, seeds2)
    on_r2 = coverage(r2, seeds1, fixed, seeds2)
    assert on_r1[0] == cov1 == coverage(r1, seeds1, fixed)  # one pass, as the greedy counted
    assert on_r2[1] == cov22 == coverage(r2, seeds2, fixed)
    own, cross, discordant = _cross_check(on_r1, on_r2)

    def sets(rr):
        offsets, members = rr.flat()
        return [set(members[a:b].tolist()) for a, b in itertools.pairwise(offsets)]

    def hits(rr_sets, seeds):
        return [bool(s & set(seeds.tolist())) and 33 not in s for s in rr_sets]

    s1, s2 = sets(r1), sets(r2)
    assert own == sum(hits(s1, seeds1)) + sum(hits(s2, seeds2))
    assert cross == sum(hits(s2, seeds1)) + sum(hits(s1, seeds2))
    assert discordant == sum(
        a != b for rr in (s1, s2) for a, b in zip(hits(rr, seeds1), hits(rr, seeds2), strict=True)
    )
    assert seeds1.tolist() != seeds2.tolist() and discordant > 0  # the case is not trivial


def test_rr_sets_follow_arcs_of_probability_one_and_never_zero():
    """Pins the RR-set sampler's shared-probability paths at their ends (IC).

    Complete digraph on 6 nodes; arcs into nodes 0-2 have probability 0, arcs into 3-5
    probability 1. A set rooted at 0-2 stays {root}; one rooted at 3-5 takes every
    in-neighbour, i.e. all 6 nodes (the roots 0-2 add nothing more). Uniform p = 0 gives
    singletons everywhere, uniform p = 1 the whole graph.
    """
    g = complete_digraph(6)
    _, dst, _ = g.edges()
    p = np.where(np.asarray(dst) >= 3, 1.0, 0.0)
    for model, want in [
        (IC(p=p), lambda root: {root} if root < 3 else set(range(6))),
        (IC(p=0.0), lambda root: {root}),
        (IC(p=1.0), lambda root: set(range(6))),
    ]:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # p = 0 needs no 1 / log(1 - p), nor a warning
            offsets, members = RRSets(g, model, np.uint64(5)).extend(300).flat()
        roots = members[offsets[:-1]]  # each set lists its target first
        assert set(roots.tolist()) == set(range(6))
        for s, root in zip(as_sets(offsets, members), roots.tolist(), strict=True):
            assert s == want(root), (model, root, s)


# ------------------------------------- per-arc probabilities: subset sampling (SUBSIM)
def mixed_digraph(n, m, seed):
    """A random digraph (m distinct arcs, no self-loop) and its in-slot view."""
    rng = np.random.default_rng(seed)
    pairs = rng.choice(n * n, size=3 * m, replace=False)
    src, dst = pairs // n, pairs % n
    keep = src != dst
    src, dst = src[keep][:m], dst[keep][:m]
    return Graph.from_edges(src, dst, labels=range(n), directed=True)


@pytest.fixture(params=["subset", "per-arc", "default"])
def in_arc_path(request, monkeypatch):
    """Which nodes without a shared in-probability take subset sampling: all, none, or
    those the default rule picks (`_SUBSET_MIN_DEGREE`, `_SUBSET_MAX_MEAN_P`)."""
    if request.param == "subset":
        monkeypatch.setattr(_ic_sampler, "_SUBSET_MIN_DEGREE", 1)
        monkeypatch.setattr(_ic_sampler, "_SUBSET_MAX_MEAN_P", 1.0)
    elif request.param == "per-arc":
        monkeypatch.setattr(_ic_sampler, "_SUBSET_MIN_DEGREE", 1 << 40)
    return request.param


def subset_nodes(rr):
    """The nodes the sampler walks by subset sampling (its ``node_p`` code)."""
    node_p = rr._sample_args[5]
    return set(np.flatnonzero(node_p == SUBSET).tolist())


def test_rr_sets_with_mixed_zero_one_arcs_are_exact_reverse_reachability(in_arc_path):
    """Arcs of probability 1 and 0 mixed at every node (so no node has a shared
    probability): each RR set is exactly the set of nodes reaching its target over the
    p = 1 arcs (`reference.rr_set_ic`), on whichever in-arc path the nodes take; with
    subset sampling forced, every node with in-arcs takes it."""
    g = mixed_digraph(30, 200, seed=3)
    p = np.where(np.random.default_rng(4).random(g.n_edges) < 0.25, 1.0, 0.0)
    slot_p = p[g.in_arc]
    mixed = {
        w
        for w in range(g.n_nodes)
        if len(set(slot_p[g.in_indptr[w] : g.in_indptr[w + 1]].tolist())) == 2
    }
    assert len(mixed) >= 20
    rr = RRSets(g, IC(p=p), np.uint64(8)).extend(600)
    want_subset = {"subset": mixed, "per-arc": set()}.get(in_arc_path)
    if want_subset is not None:
        assert subset_nodes(rr) == want_subset
    offsets, members = rr.flat()
    live = p == 1.0
    for s in range(len(rr)):
        got = members[offsets[s] : offsets[s + 1]].tolist()
        assert len(got) == len(set(got))
        assert set(got) == reference.rr_set_ic(g, got[0], live)


def test_rr_sets_with_all_arcs_zero_or_all_one_per_arc():
    """Per-arc arrays of all 0 (singletons) and all 1 (everything upstream): the array
    path agrees with the definition when every probability is shared, too."""
    g = mixed_digraph(30, 120, seed=5)
    for value in (0.0, 1.0):
        p = np.full(g.n_edges, value)
        offsets, members = RRSets(g, IC(p=p), np.uint64(2)).extend(300).flat()
        for s in range(len(offsets) - 1):
            got = members[offsets[s] : offsets[s + 1]].tolist()
            assert set(got) == reference.rr_set_ic(g, got[0], p == 1.0)


STAR_P = [0.9, 0.5, 0.5, 0.1, 0.01, 0.001, 1.0, 0.0, 0.3, 0.05, 0.1, 0.7]


def test_rr_sets_rooted_at_a_star_centre_take_each_leaf_with_its_probability(in_arc_path):
    """A star of 12 leaves into a centre, arc probabilities `STAR_P` (ties, a 1, a 0),
    every RR set rooted at the centre (`Target`): each leaf is in a set with its arc's
    probability, within 4 standard errors over 100,000 sets (exactly for 1 and 0), and
    pairs of leaves jointly with the product (the arcs are independent)."""
    leaves = len(STAR_P)
    g = Graph.from_edges(range(1, leaves + 1), [0] * leaves, labels=range(leaves + 1))
    p = np.array(STAR_P)  # arc i: leaf i + 1 -> 0 (arcs in source order)
    weights = np.zeros(leaves + 1)
    weights[0] = 1.0
    n_sets = 100_000
    rr = RRSets(g, IC(p=p), np.uint64(21), target=Target.of(weights)).extend(n_sets)
    assert subset_nodes(rr) == ({0} if in_arc_path == "subset" else set())
    offsets, members = rr.flat()
    assert np.all(members[offsets[:-1]] == 0)
    has = np.zeros((n_sets, leaves + 1), dtype=bool)
    has[np.repeat(np.arange(n_sets), np.diff(offsets)), members] = True
    freq = has[:, 1:].mean(axis=0)
    for leaf, q in enumerate(STAR_P):
        se = math.sqrt(q * (1 - q) / n_sets)
        assert abs(freq[leaf] - q) <= 4 * se, (leaf, q, freq[leaf])
    for a, b in [(0, 1), (1, 2), (0, 3), (8, 11), (3, 10)]:
        q = STAR_P[a] * STAR_P[b]
        joint = np.mean(has[:, a + 1] & has[:, b + 1])
        assert abs(joint - q) <= 4 * math.sqrt(q * (1 - q) / n_sets), (a, b, joint, q)


def test_rr_set_spread_estimates_agree_with_forward_runs(in_arc_path):
    """On a random digraph with mixed per-arc probabilities, ``n`` times the fraction of
    RR sets a seed set hits estimates its spread: within 4 combined standard errors of
    `spread.simulate` (40,000 forward runs), for single nodes and a pair."""
    g = mixed_digraph(40, 260, seed=7)
    levels = np.array([0.9, 0.4, 0.1, 0.02, 0.0])
    p = levels[np.random.default_rng(8).integers(0, levels.size, g.n_edges)]
    model = IC(p=p)
    n_sets = 200_000
    rr = RRSets(g, model, np.uint64(33)).extend(n_sets)
    _, members = rr.flat()
    n = g.n_nodes
    in_degree = np.diff(g.in_indptr)
    top = np.argsort(-np.bincount(members, minlength=n), kind="stable")
    for seeds in ([int(top[0])], [int(top[5])], [int(top[1]), int(top[2])]):
        f = coverage(rr, np.array(seeds), np.zeros(n, dtype=bool)) / n_sets
        se_rr = n * math.sqrt(f * (1 - f) / n_sets)
        fwd = spread.simulate(g, seeds, model, n_runs=40_000, rng=5)
        tol = 4 * math.hypot(se_rr, fwd.stderr)
        assert abs(n * f - fwd.mean) <= tol, (seeds, n * f, fwd.mean, tol)
        assert fwd.mean > len(seeds) + 1  # the spread is not trivial
    assert in_degree.max() >= 10


def test_rr_sets_replay_the_kernel_stream_bit_for_bit(in_arc_path):
    """Coupled: every RR set (members in the order they join) equals
    `reference.rr_set_ic_replay` on the same stream, which draws in the kernel's order on
    each in-arc path (shared probability, subset sampling, a coin per arc, and none for
    a node whose in-arcs all have probability 0)."""
    g = mixed_digraph(40, 320, seed=11)
    levels = np.array([1.0, 0.6, 0.2, 0.2, 0.05, 0.003, 0.0])
    p = levels[np.random.default_rng(12).integers(0, levels.size, g.n_edges)]
    _, dst, _ = g.edges()
    p[np.asarray(dst) == 3] = 0.25  # a node whose in-arcs share one probability
    p[np.asarray(dst) == 4] = 1.0
    p[np.asarray(dst) == 5] = 0.0  # a node that draws nothing, in the middle of some sets
    rr = RRSets(g, IC(p=p), np.uint64(77)).extend(400)
    subset = subset_nodes(rr)
    if in_arc_path == "subset":
        assert len(subset) >= 30
    offsets, members = rr.flat()
    p_in = p[g.in_arc].tolist()
    inside = 0
    for r in range(len(rr)):
        want = reference.rr_set_ic_replay(g, p_in, 77, r, subset)
        assert members[offsets[r] : offsets[r + 1]].tolist() == want, r
        inside += 5 in want[1:-1]
    assert inside >= 10  # node 5 joined, and nodes after it drew, in that many sets


def conditional_case(seed):
    """A mixed digraph whose nodes take every in-arc path, with its probabilities: per-arc
    levels, a node whose in-arcs share 0.25, one sharing 1, one sharing 0."""
    g = mixed_digraph(40, 320, seed=seed)
    levels = np.array([1.0, 0.6, 0.2, 0.2, 0.05, 0.003, 0.0])
    p = levels[np.random.default_rng(seed + 1).integers(0, levels.size, g.n_edges)]
    _, dst, _ = g.edges()
    p[np.asarray(dst) == 3] = 0.25
    p[np.asarray(dst) == 4] = 1.0
    p[np.asarray(dst) == 5] = 0.0
    return g, p


def test_no_live_probability_is_the_product_over_in_arcs(in_arc_path):
    """``q_v``, the probability that none of v's in-arcs is live: the product of ``1 -
    p`` over them (1 without in-arcs; 0 with an arc of probability 1), whichever path
    the node takes."""
    g, p = conditional_case(11)
    rr = RRSets(g, IC(p=p), np.uint64(1), conditional=True)
    q = rr._sample_args[-1]
    in_slots = [p[g.in_arc[g.in_indptr[v] : g.in_indptr[v + 1]]] for v in range(g.n_nodes)]
    want = [math.prod(1.0 - x for x in slots) for slots in in_slots]
    np.testing.assert_allclose(q, want, rtol=1e-12, atol=1e-300)
    assert q[4] == 0.0 and q[5] == 1.0
    np.testing.assert_allclose(rr.bonus, q, rtol=0)
    assert rr.scale == pytest.approx(float(np.sum(1.0 - q)), rel=1e-12)


def test_conditional_rr_sets_replay_the_kernel_stream_bit_for_bit(in_arc_path):
    """Coupled: conditional RR sets (targets drawn by ``1 - q_v``, the target's first live
    in-arc drawn given one) equal `reference.rr_set_ic_replay` with ``weighted`` and
    ``node_q`` on the same stream, member for member, on every in-arc path; no set's
    target is a node that cannot have a live in-arc, and every set holds more than its
    target."""
    g, p = conditional_case(11)
    rr = RRSets(g, IC(p=p), np.uint64(77), conditional=True).extend(400)
    subset = subset_nodes(rr)
    if in_arc_path == "subset":
        assert len(subset) >= 30
    nodes, cum, q = rr._sample_args[-3], rr._sample_args[-2], rr._sample_args[-1]
    offsets, members = rr.flat()
    p_in = p[g.in_arc].tolist()
    for r in range(len(rr)):
        want = reference.rr_set_ic_replay(
            g, p_in, 77, r, subset, weighted=(nodes.tolist(), cum.tolist()), node_q=q.tolist()
        )
        assert members[offsets[r] : offsets[r + 1]].tolist() == want, r
        assert q[want[0]] < 1.0 and len(want) >= 2, (r, want)
    assert set(members[offsets[:-1]].tolist()) >= {3, 4}  # shared 0.25 and 1 as targets


def test_rr_kernels_grow_their_buffer_from_one_slot(in_arc_path):
    """A kernel call started with a one-slot buffer (16 slots) grows it as the sets come
    (`_room`, doubling; at a 100-leaf star centre, several doublings for one node) and
    returns the very sets of a call given room for all of them: IC plain and
    conditional on every in-arc path, and LT."""
    g, p = conditional_case(11)
    star = Graph.from_edges(range(1, 101), [0] * 100, labels=range(101))
    cases = [
        RRSets(g, IC(p=p), np.uint64(77)),
        RRSets(g, IC(p=p), np.uint64(77), conditional=True),
        RRSets(g, LT(), np.uint64(77)),
        RRSets(star, IC(p=1.0), np.uint64(5)),
    ]
    for rr in cases:
        want = rr._kernel(*rr._sample_args, rr.root, rr.first, 0, 300, 1 << 16)
        got = rr._kernel(*rr._sample_args, rr.root, rr.first, 0, 300, 1)
        assert want[1].shape[0] > 64  # grown at least three times from 16 slots
        np.testing.assert_array_equal(got[0], want[0])
        np.testing.assert_array_equal(got[1], want[1])
    offsets, members = want
    at_centre = np.flatnonzero(members[offsets[:-1]] == 0)
    assert at_centre.size > 0 and np.all(np.diff(offsets)[at_centre] == 101)


def test_conditional_rr_estimates_agree_with_forward_runs(in_arc_path):
    """Unbiased: ``W`` times the fraction of conditional sets a seed set hits, plus the
    seeds' own ``q_v`` (exact), estimates its spread: within 4 combined standard errors
    of `spread.simulate` (40,000 forward runs), for single nodes and a pair; and with an
    audience (weights ``t_v``: targets by ``t_v (1 - q_v)``, bonus ``t_v q_v``) against
    `spread.simulate`'s weighted count, read from its final states."""
    g, p = conditional_case(7)
    model = IC(p=p)
    n, n_sets = g.n_nodes, 200_000
    rr = RRSets(g, model, np.uint64(33), conditional=True).extend(n_sets)
    none = np.zeros(n, dtype=bool)
    for seeds in ([0], [9], [1, 2]):
        f = coverage(rr, np.array(seeds), none) / n_sets
        est = rr.scale * f + rr.bonus[seeds].sum()
        se = rr.scale * math.sqrt(f * (1 - f) / n_sets)
        fwd = spread.simulate(g, seeds, model, n_runs=40_000, rng=5)
        tol = 4 * math.hypot(se, fwd.stderr)
        assert abs(est - fwd.mean) <= tol, (seeds, est, fwd.mean, tol)
        assert fwd.mean > len(seeds) + 1
    weights = np.random.default_rng(3).random(n)
    audience = Target.of(weights)
    rr = RRSets(g, model, np.uint64(34), target=audience, conditional=True).extend(n_sets)
    np.testing.assert_allclose(rr.bonus, weights * rr._sample_args[-1], rtol=0)
    seeds = [9]
    f = coverage(rr, np.array(seeds), none) / n_sets
    est = rr.scale * f + rr.bonus[seeds].sum()
    se = rr.scale * math.sqrt(f * (1 - f) / n_sets)
    runs = spread.simulate(g, seeds, model, n_runs=40_000, rng=6, keep_times=True)
    reached = (runs.activation_times >= 0) @ weights
    tol = 4 * math.hypot(se, reached.std(ddof=1) / math.sqrt(reached.size))
    assert abs(est - reached.mean()) <= tol, (est, reached.mean(), tol)


def test_greedy_with_offsets_against_a_plain_python_greedy():
    """`greedy_cover_offset`: each step takes the node of the largest coverage plus its
    offset (ties to the smallest id), the gain being both; the min-bound is the
    smallest over steps of the total plus the k largest such gains. Checked against a
    plain-Python greedy on random small collections."""
    rng = np.random.default_rng(4)
    for _ in range(200):
        n, k = int(rng.integers(2, 9)), int(rng.integers(1, 4))
        sets = [rng.choice(n, int(rng.integers(1, n + 1)), replace=False).tolist()
                for _ in range(int(rng.integers(0, 12)))]  # fmt: skip
        offset = rng.integers(0, 4, n).astype(np.int64)
        offsets, members = as_flat(sets)
        allowed, fixed = np.ones(n, np.bool_), np.zeros(n, np.bool_)
        seeds, gains, total, upper = greedy_cover_offset(
            offsets, members, n, min(k, n), allowed, fixed, True, offset
        )
        covered, chosen, want_gains, bound = set(), [], [], math.inf
        for step in range(min(k, n) + 1):
            gain = {
                v: sum(1 for i, s_ in enumerate(sets) if v in s_ and i not in covered) + offset[v]
                for v in range(n) if v not in chosen
            }  # fmt: skip
            top = sorted(gain.values())[::-1][: min(k, n)]
            bound = min(bound, sum(want_gains) + sum(top))
            if step == min(k, n):
                break
            best = max(gain, key=lambda v: (gain[v], -v))
            chosen.append(best)
            want_gains.append(gain[best])
            covered |= {i for i, s_ in enumerate(sets) if best in s_}
        assert seeds.tolist() == chosen and gains.tolist() == want_gains
        assert total == sum(want_gains) and upper == bound


def test_the_greedys_heap_floor_changes_no_choice(monkeypatch):
    """`greedy_cover_index` heaps only the nodes at or above `_floor` (the m-th largest
    coverage), and rebuilds the heap from every node once fewer than k remain above it:
    its seeds, gains, total and min-bound are those of the plain-Python greedy of
    `test_greedy_with_offsets_against_a_plain_python_greedy`, with the floor low enough
    to run (`_HEAP_AT_LEAST` = 1: m = 16 k, below the 60-150 nodes here) and, where a
    group of more than m nodes shares 15 sets (one pick covers them all), high enough
    that the rebuild happens (counted here: at some step fewer than k nodes are left at
    or above the floor); with and without offsets, the bound, fixed nodes and excluded
    ones."""
    monkeypatch.setattr(coverage_kernels, "_HEAP_AT_LEAST", 1)
    rng = np.random.default_rng(8)
    rebuilt = kept = 0
    for trial in range(120):
        n, k = int(rng.integers(60, 150)), int(rng.integers(1, 4))
        sets = [rng.choice(n, int(rng.integers(1, 12)), replace=False).tolist()
                for _ in range(int(rng.integers(20, 120)))]  # fmt: skip
        if trial % 5 < 2:  # a group of 16 k + 4 nodes in 15 sets together: one pick
            group = rng.choice(n, 16 * k + 4, replace=False).tolist()  # covers them all
            others = np.setdiff1d(np.arange(n), group)
            sets += [group + rng.choice(others, 2, replace=False).tolist() for _ in range(15)]
        offset = (rng.integers(0, 3, n) if trial % 2 else np.zeros(n)).astype(np.int64)
        offsets, members = as_flat(sets)
        allowed = rng.random(n) < 0.9
        fixed = (rng.random(n) < 0.05) & ~allowed if trial % 3 == 0 else np.zeros(n, np.bool_)
        want_bound = trial % 4 != 1
        no_index = np.empty(0, np.int64), np.empty(0, np.int32)  # `_start` builds it
        _, _, cov, _, chosen = coverage_kernels._start(offsets, members, n, fixed, *no_index)
        cov = cov + offset
        floor = coverage_kernels._floor(cov, allowed, chosen, 16 * k)
        assert floor == max(np.sort(cov[allowed & ~chosen & (cov > 0)])[::-1][16 * k - 1], 1)
        got = coverage_kernels.greedy_cover_index.py_func(
            offsets, members, n, k, allowed, fixed, want_bound, offset, *no_index
        )[:4]
        fixed_nodes = set(np.flatnonzero(fixed).tolist())
        covered = {i for i, s_ in enumerate(sets) if fixed_nodes & set(s_)}
        picked, want_gains, bound, below = [], [], math.inf, False
        for step in range(k + 1):
            gain = {
                v: sum(1 for i, s_ in enumerate(sets) if v in s_ and i not in covered) + offset[v]
                for v in range(n) if allowed[v] and v not in picked and v not in fixed_nodes
            }  # fmt: skip
            top = sorted(gain.values())[::-1][:k]
            below |= len([g for g in top if g >= floor]) < k
            bound = min(bound, sum(want_gains) + sum(top))
            if step == k:
                break
            best = max(gain, key=lambda v: (gain[v], -v))
            picked.append(best)
            want_gains.append(gain[best])
            covered |= {i for i, s_ in enumerate(sets) if best in s_}
        assert got[0].tolist() == picked and got[1].tolist() == want_gains, trial
        assert got[2] == sum(want_gains) and got[3] == (bound if want_bound else -1), trial
        rebuilt += below
        kept += not below
    assert rebuilt >= 10 and kept >= 10, (rebuilt, kept)


def test_conditional_sets_where_they_pay():
    """``conditional="auto"``: taken where the targets mostly have no live in-arc (p =
    0.01 on a BA graph), declined under weighted cascade, and never for LT (IC only)."""
    g = Graph.from_networkx(nx.barabasi_albert_graph(300, 3, seed=1))
    assert RRSets(g, IC(p=0.01), np.uint64(1), conditional="auto").conditional
    assert not RRSets(g, IC(p="wc"), np.uint64(1), conditional="auto").conditional
    assert RRSets(g, IC(p="wc"), np.uint64(1), conditional=True).conditional
    assert not RRSets(g, LT(), np.uint64(1), conditional=True).conditional


# ------------------------------------------------ whole runs replayed set by set
KARATE = spread.datasets.load("karate")


def everyone(n):
    return np.ones(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_)


def known_sets(rr, seeds):
    """Conditional sets: the known part of `seeds` in sets of `rr` (0 for plain sets)."""
    return float(rr.bonus_sets()[seeds[seeds >= 0]].sum()) if rr.conditional else 0.0


def replay_pair(model, root, conditional, graph=KARATE):
    """OPIM-C's R1 and R2, as it draws them (plain sets, or conditional ones)."""
    r1 = RRSets(graph, model, stream_root(root, RR), first=0, conditional=conditional)
    r2 = RRSets(graph, model, stream_root(root, RR_CHECK), first=0, conditional=conditional)
    return r1, r2


@pytest.fixture(params=[False, True], ids=["plain", "conditional"])
def conditional_sets(request, monkeypatch):
    """OPIM-C on karate at p = 0.1 takes conditional sets (`RRSets`' "auto"); with the
    rule's threshold out of reach, plain ones."""
    if not request.param:
        monkeypatch.setattr(rrsets, "_CONDITION_FROM", 2.0)
    return request.param


def test_opim_replayed_round_by_round_from_its_named_streams(conditional_sets):
    """Pins OPIM-C's sets, schedule and stop rule on a graph where coverage is random.

    R1 is sets 0, 1, 2, ... of the ``RR`` stream and R2 sets 0, 1, 2, ... of the
    ``RR_CHECK`` stream (`spread._random`: set r is a function of (root, r), which the
    Dask path relies on). Each round doubles both from ceil(theta0) and reports the two
    together; the run stops at the first round whose certified ratio reaches 1 - 1/e -
    eps. With stability 0 that holds even though the choice overfits R1 (plain sets:
    129 sets of R1 against 98 of R2 here), which the guard at its default would not
    accept. Conditional sets: the seeds' known part adds to the lower bound, and the
    upper bound on the optimum takes the greedy's rounding of it (k / 2 sets); they
    certify in fewer rounds (3 against 5).
    """
    n, k, eps, root = KARATE.n_nodes, 2, 0.3, np.uint64(38)
    model = IC(p=0.1)
    allowed, fixed = everyone(n)
    calls = []
    seeds, gains, n_sets, ratio, delta, _ = opim_c(
        KARATE, k, model, eps=eps, delta=1 / n, root=root, allowed=allowed, fixed=fixed,
        n_threads=1, max_memory=None, report=calls.append, stable=0.0,
    )  # fmt: skip
    theta0, _, i_max, a = paper_opim(n, n, k, eps, 1 / n)
    r1, r2 = replay_pair(model, root, conditional_sets)
    want_calls = []
    for i in range(i_max):
        t = math.ceil(theta0) * 2**i
        want_calls.append(2 * t)
        r1.extend(t)
        r2.extend(t)
        s, g, cov1, upper1 = greedy(r1, k, allowed, fixed, want_bound=True)
        cov2 = coverage(r2, s, fixed)
        lower = paper_lower(cov2, a) + known_sets(r1, s)
        want_ratio = max(lower, 0.0) / paper_upper(upper1 + conditional_sets * k / 2, a)
        if want_ratio >= E_FACTOR - eps:
            break
    assert calls == want_calls and len(calls) == (3 if conditional_sets else 5)
    if not conditional_sets:
        assert (cov1, cov2) == (129, 98)  # R1 flatters the choice: stability 0 ignores it
        s2 = greedy(r2, k, allowed, fixed)[0]
        counts = _cross_check(coverage(r1, s, fixed, s2), coverage(r2, s, fixed, s2))
        assert not _settled(*counts, 0.01)
    assert seeds.tolist() == s.tolist()
    scale = r1.scale if conditional_sets else n
    assert gains.tolist() == pytest.approx((g * scale / t).tolist(), rel=1e-12)
    assert (n_sets, delta) == (2 * t, 1 / n)
    assert ratio == pytest.approx(want_ratio, rel=1e-12)


@pytest.mark.parametrize("root", [38, 39])
@pytest.mark.parametrize(("n_threads", "room"), [(1, True), (2, True), (2, False)])
def test_opim_guard_replayed_round_by_round(n_threads, room, root, monkeypatch, conditional_sets):
    """Pins the overfitting guard's rounds: each round R2 chooses its own seeds and
    `_cross_check` counts both choices on both collections. Before the certificate the
    next round leaps to where the guard is predicted to settle (`reference_leap`: at
    least double); once certified, unless `_settled` (for the choice on R1 and R2
    joined) the next round grows R1 and R2 by `_guard_step` (rounded up) instead of
    doubling. Once settled, the seeds are chosen on R1 and R2 joined and certified on
    R3, sets 0 .. t3 - 1 of the ``RR_CERT`` stream, t3 from the round's coverage of R2
    (`reference_cert_size`), and kept if that certifies them. Two threads (R2's choice
    beside R1's; R3 drawn beside the joined choice), two without the memory for both
    selections at once (`_side_by_side` false: R2 chooses after R1 and the scores are
    counted anew) and one (R2 after R1, through the kept indexes) must take the same
    rounds to the same seeds. Plain sets from root 39: R3 does not certify the joined
    choice, and the round's stands.
    """
    import spread.im.opim as opim_module

    if not room:
        monkeypatch.setattr(opim_module, "_side_by_side", lambda r1, r2: False)
    kept_indexes = []  # per round: were the scores counted through the greedies' indexes
    scores = opim_module._scores
    monkeypatch.setattr(
        opim_module,
        "_scores",
        lambda *args: kept_indexes.append(args[-1] is not None) or scores(*args),
    )
    k, eps, stable = 2, 0.3, 0.002
    seeds, n_sets, ratio, calls = run_opim(KARATE, IC(p=0.1), root, k, eps, stable, n_threads)
    want = replay_guard(KARATE, IC(p=0.1), root, k, eps, stable, conditional_sets)
    assert calls == want.calls and n_sets == want.n_sets
    if conditional_sets:  # settled where it certified: no round for the guard alone
        assert want.steps == [] and want.kept
    elif root == 38:
        assert any(step < 2.0 for step in want.steps) and want.kept  # grown by less than 2x
    else:
        assert not want.kept
    assert seeds.tolist() == want.seeds.tolist()
    assert ratio == pytest.approx(want.ratio, rel=1e-12)
    # every round scored, through the greedies' kept indexes where both selections fit
    # at once (R3's report is not a round)
    assert kept_indexes == [room] * (len(want.calls) - 1)


@pytest.mark.parametrize("root", [38, 39])
@pytest.mark.parametrize("n_threads", [1, 2])
def test_opim_leaps_before_the_certificate_replayed(n_threads, root, conditional_sets):
    """Pins OPIM-C's rounds before the certificate where the guard's optimism is more
    than noise (a BA graph of 300 nodes, k = 10): the round after R1 and R2 of t sets
    holds ``ceil(t x)``, x the leap (`reference_leap`, more than 2 here) rather than the
    paper's doubling; then the guard's steps, the joined choice and R3 as in
    `test_opim_guard_replayed_round_by_round`, on one thread and two."""
    g = spread.Graph.from_networkx(nx.barabasi_albert_graph(300, 2, seed=1))
    k, eps, stable = 10, 0.3, 0.01
    seeds, n_sets, ratio, calls = run_opim(g, IC(p=0.1), root, k, eps, stable, n_threads)
    want = replay_guard(g, IC(p=0.1), root, k, eps, stable, conditional_sets)
    assert calls == want.calls and n_sets == want.n_sets
    assert any(x > 2.0 for x in want.leaps)
    assert seeds.tolist() == want.seeds.tolist()
    assert ratio == pytest.approx(want.ratio, rel=1e-12)


def run_opim(graph, model, root, k, eps, stable, n_threads):
    """`opim_c` on everyone with delta = 1 / n: ``(seeds, n_sets, ratio, reports)``."""
    n = graph.n_nodes
    allowed, fixed = everyone(n)
    calls = []
    seeds, _, n_sets, ratio, _, _ = opim_c(
        graph, k, model, eps=eps, delta=1 / n, root=np.uint64(root), allowed=allowed,
        fixed=fixed, n_threads=n_threads, max_memory=None, report=calls.append,
        stable=stable,
    )  # fmt: skip
    return seeds, n_sets, ratio, calls


def replay_guard(graph, model, root, k, eps, stable, conditional):
    """OPIM-C with the guard replayed round by round from the library's greedy and
    coverage (each pinned on its own): the progress reports (``calls``: 2t per round,
    then R3's t3), the leaps before the certificate and the guard's steps after it, and
    the outcome (``seeds``, ``ratio``, ``n_sets``, whether the joined choice is
    ``kept``)."""
    n, root = graph.n_nodes, np.uint64(root)
    allowed, fixed = everyone(n)
    theta0, _, i_max, a = paper_opim(n, n, k, eps, 1 / n, 6, 1)
    r1, r2 = replay_pair(model, root, conditional, graph)
    want_calls, steps, leaps = [], [], []
    t = math.ceil(theta0)
    rounding = conditional * k / 2
    for _ in range(i_max + 6):
        want_calls.append(2 * t)
        r1.extend(t)
        r2.extend(t)
        s, _, _, upper1 = greedy(r1, k, allowed, fixed, want_bound=True)
        cov2, known1 = coverage(r2, s, fixed), known_sets(r1, s)
        want_ratio = max(paper_lower(cov2, a) + known1, 0.0) / paper_upper(upper1 + rounding, a)
        s2 = greedy(r2, k, allowed, fixed)[0]
        own, cross, disc = _cross_check(coverage(r1, s, fixed, s2), coverage(r2, s, fixed, s2))
        known = known1 + known_sets(r1, s2)
        if want_ratio < E_FACTOR - eps:
            step = reference_leap(own, cross, disc, stable, known)
            leaps.append(step)
        # the joined choice's test: the fraction is of twice the cross coverage
        elif own - cross <= 2 * stable * (cross + known) + 2 * math.sqrt(disc):
            break
        else:
            step = _guard_step(own, cross, disc, stable, known, True)
            steps.append(step)
        t = math.ceil(t * step)
    t3 = reference_cert_size(t, cov2, known1, 2 * upper1 + rounding, a, E_FACTOR - eps)
    r3 = RRSets(graph, model, stream_root(root, RR_CERT), conditional=conditional)
    r3.extend(t3)
    joined, _, _, upper = greedy((r1, r2), k, allowed, fixed, want_bound=True)
    lower3 = paper_lower(coverage(r3, joined, fixed), a) + known_sets(r3, joined)
    joined_ratio = max(lower3, 0.0) / t3 / (paper_upper(upper + rounding, a) / (2 * t))
    kept = joined_ratio >= E_FACTOR - eps
    if kept:
        s, want_ratio = joined, joined_ratio
    return types.SimpleNamespace(
        calls=[*want_calls, t3], n_sets=2 * t + t3, steps=steps, leaps=leaps,
        seeds=s, ratio=want_ratio, kept=kept,
    )  # fmt: skip


def reference_leap(own, cross, discordant, stable, known):
    """OPIM-C's growth before the certificate: the factor x at which the joined
    choice's guard would settle if the optimism ``own - cross`` stayed as many sets,
    ``2 stable (cross + known) x + 2 sqrt(discordant x) = own - cross``, found by
    bisection, times 1.25, between 2 and 64."""
    gap = own - cross

    def settles(x):
        return gap <= 2 * stable * (cross + known) * x + 2 * math.sqrt(discordant * x)

    lo, hi = 0.0, 1e6
    for _ in range(200):
        mid = (lo + hi) / 2
        lo, hi = (lo, mid) if settles(mid) else (mid, hi)
    return min(64.0, max(2.0, 1.25 * hi))


def reference_cert_size(t, covered, known, upper, a, need):
    """R3's size for OPIM-C's joined choice, by counting up (`opim._cert_size` bisects):
    the fewest sets u <= t at which the fraction ``covered / t`` of them less two
    standard errors, with the known part ``known u / t``, reaches `need` of the bound
    ``upper(upper) / 2t``; times 1.25, rounded up, at most t (t if none does)."""
    frac, goal = covered / t, need * paper_upper(upper, a) / (2 * t)
    for u in range(1, t + 1):
        hits = max(frac * u - 2 * math.sqrt(frac * u), 0.0)
        if (paper_lower(hits, a) + known * u / t) / u >= goal:
            return min(t, math.ceil(1.25 * u))
    return t


def test_imm_replayed_phase_by_phase_from_its_named_stream():
    """Pins IMM's sets and phase-1 estimate on a graph where coverage is random.

    Phase 1 uses sets 0 .. L - 1 of the ``RR`` stream, growing to ceil(lambda' / x) for
    x = n / 2, n / 4, ...; it stops at the first x whose greedy estimate n * covered / L
    reaches (1 + eps') x, with LB = estimate / (1 + eps'). The final selection uses the
    next theta = ceil(lambda* / LB) sets of the same stream, L .. L + theta - 1; the
    progress reports are L after each guess and L + theta at the end.
    """
    n, k, eps, root = KARATE.n_nodes, 2, 0.3, np.uint64(5)
    model = IC(p=0.1)
    allowed, fixed = everyone(n)
    calls = []
    seeds, gains, used, _, _, _ = imm(
        KARATE, k, model, eps=eps, ell=1.0, root=root, allowed=allowed, fixed=fixed,
        n_threads=1, max_memory=None, report=calls.append, stable=0.0,
    )  # fmt: skip
    _, eps_p, lam_prime, lam_star = paper_imm(n, n, k, eps, 1.0)
    rr = RRSets(KARATE, model, stream_root(root, RR), first=0)
    want_calls, lower = [], 1.0
    for i in range(1, int(math.log2(n))):
        x = n / 2**i
        rr.extend(clear_ceil(lam_prime / x))
        want_calls.append(len(rr))
        _, _, covered, _ = greedy(rr, k, allowed, fixed)
        if n * covered / len(rr) >= (1 + eps_p) * x:
            lower = n * covered / len(rr) / (1 + eps_p)
            break
    assert len(want_calls) >= 2  # the first guess was not confirmed
    theta = math.ceil(lam_star / lower)
    final = RRSets(KARATE, model, stream_root(root, RR), first=len(rr)).extend(theta)
    s, g, _, _ = greedy(final, k, allowed, fixed)
    assert calls == [*want_calls, len(rr) + theta]
    assert used == len(rr) + theta
    assert seeds.tolist() == s.tolist()
    assert gains.tolist() == pytest.approx((g * n / theta).tolist(), rel=1e-12)


def test_imm_redraw_size_worked_by_hand():
    """Pins the guard's redraw size: theta (gap / stable)**2 with gap = own / check - 1,
    kept between 2 and 16 times theta.

    theta = 7: own 0.6 against check 0.5 is a gap of 0.2, (0.2 / 0.08)**2 = 6.25, so
    ceil(43.75) = 44 sets; a gap of 0.02 asks for 0.16x, raised to 2x (14); a gap of 2,
    or a check of 0, asks for more than 16x (112), also when the square of the gap over
    `stable` would overflow a float.
    """
    assert _redraw_size(7, 0.6, 0.5, 0.08) == 44
    assert _redraw_size(7, 0.51, 0.5, 0.05) == 14
    assert _redraw_size(7, 0.9, 0.3, 0.05) == 112
    assert _redraw_size(7, 0.2, 0.0, 0.05) == 112
    assert _redraw_size(7, 0.9, 0.3, 1e-300) == 112
    assert _redraw_size(7, 0.45, 0.5, 0.02) == 112  # |gap| 0.1: 25x, capped (as squared)


def test_imm_counts_phase_one_sets_against_max_memory():
    """Pins one memory budget for all RR sets held at once (maximize's `max_memory`).

    IMM keeps its phase-1 sets (to check the final choice) while it draws the final
    ones. On a complete digraph with p = 1 every set has n members: the final
    collection's projection is theta (8 n + 8) bytes (members and, while selecting, the
    node -> set index; offsets) plus the working arrays beside them (`working_bytes`:
    the sampler's node_p and 1 / log(1 - p), one entry each under a uniform p, 16 bytes;
    one kernel call's mark, 4 n, and
    buffer, 8 x (1.25 x theta n + n - 1: room for the largest in-degree), on one thread;
    the greedy's 40 n), and the phase-1 sets
    hold 4 n L + 8 (L + 1) bytes. A budget of exactly their sum fits; one byte less
    raises, naming the sets beside.
    """
    n, k, eps = 10, 2, 0.5
    _, eps_p, lam_prime, lam_star = paper_imm(n, n, k, eps, 1.0)
    phase1 = clear_ceil(lam_prime / (n / 2))
    theta = clear_ceil(lam_star / (n / (1 + eps_p)))
    held = 4 * n * phase1 + 8 * (phase1 + 1)
    work = 16 + 4 * n + 8 * (int(max(16, 1.25 * theta * n)) + n - 1) + 40 * n
    rr = RRSets(complete_digraph(n), IC(p=1.0), np.uint64(0))
    assert rr.working_bytes(n, theta) == work
    need = theta * (8 * n + 8) + work + held
    kwargs = dict(method="imm", eps=eps, rng=0, stability=0, evaluate=False, n_jobs=1)
    sel = spread.maximize(complete_digraph(n), k, IC(p=1.0), max_memory=need, **kwargs)
    assert sel.n_samples == phase1 + theta
    beside = re.escape(f"beside {held / 2**20:.3g} MiB of other RR sets")
    with pytest.raises(MemoryLimitError, match=beside):
        spread.maximize(complete_digraph(n), k, IC(p=1.0), max_memory=need - 1, **kwargs)


def test_opim_shuts_its_thread_pool_when_a_round_raises():
    """Pins OPIM-C's cleanup: on two threads it keeps a pool for R2's choice and the
    scoring; a round that raises (here the progress callback, at the third round, after
    two rounds used the pool) must still shut it down (its threads joined) and leave R1
    without its link to R2. The sampler's own pool (`rrsets._pool`, kept for the
    process: its threads are named "spread-rr") is not counted."""

    def threads():
        return sum(not t.name.startswith("spread-rr") for t in threading.enumerate())

    class Stop(Exception):
        pass

    calls = []

    def report(done):
        calls.append(done)
        if len(calls) == 3:
            raise Stop

    n = KARATE.n_nodes
    allowed, fixed = everyone(n)
    before = threads()
    with pytest.raises(Stop):
        opim_c(
            KARATE, 2, IC(p=0.1), eps=0.3, delta=1 / n, root=np.uint64(38), allowed=allowed,
            fixed=fixed, n_threads=2, max_memory=None, report=report, stable=0.01,
        )  # fmt: skip
    assert len(calls) == 3 and threads() == before


def test_opim_keeps_the_last_choice_and_its_count_when_r2_outgrows_max_memory(monkeypatch):
    """Pins the guard's memory fallback in OPIM-C: past i_max a round is optional, so when
    its sets do not fit, the run keeps the last choice, with the number of sets behind it.

    Karate, eps = 0.6 (i_max = 6), a guard that is never settled and doubles the sets
    (its test and step replaced) and a
    budget that lets R1 grow to round 8's size (its projection, 8 bytes per member + 8
    per set and its working arrays, beside R2's round-7 sets) but not R2 after it (beside
    R1's round-8 sets):
    the result is round 7's, the same as an anytime run stopped at round 7's 2 t sets.
    """
    import spread.im.opim as opim_module

    monkeypatch.setattr(opim_module, "_settled", lambda *counts: False)
    monkeypatch.setattr(opim_module, "_guard_step", lambda *counts: 2.0)  # rounds double
    n, k, root = KARATE.n_nodes, 2, np.uint64(4)
    model = IC(p=0.1)
    allowed, fixed = everyone(n)
    theta0, _, i_max, _ = paper_opim(n, n, k, 0.6, 1 / n)
    t = math.ceil(theta0) * 2**7
    assert i_max == 6
    # the collections OPIM-C draws: conditional sets at p = 0.1 (`RRSets`' "auto")
    r1 = RRSets(KARATE, model, stream_root(root, RR), conditional=True).extend(t)
    r2 = RRSets(KARATE, model, stream_root(root, RR_CHECK), conditional=True).extend(t)
    work1 = r1.working_bytes(r1.n_members / t, t)
    work2 = r2.working_bytes(r2.n_members / t, t)
    budget = int(2 * t * (8 * r1.n_members / t + 8)) + work1 + r2.nbytes  # R1 at round 8 fits
    r1.extend(2 * t)
    assert int(2 * t * (8 * r2.n_members / t + 8)) + work2 + r1.nbytes > budget  # R2 does not
    kwargs = dict(eps=0.6, delta=1 / n, root=root, allowed=allowed, fixed=fixed,
                  n_threads=1, report=lambda done: None, stable=0.01)  # fmt: skip
    seeds, gains, n_sets, _, _, _ = opim_c(KARATE, k, model, max_memory=budget, **kwargs)
    ref = opim_c(KARATE, k, model, max_memory=None, max_rr_sets=2 * t, **kwargs)
    assert n_sets == ref[2] == 2 * t
    assert seeds.tolist() == ref[0].tolist()
    assert gains.tolist() == ref[1].tolist()
    # one byte less: R1 itself no longer fits at round 8, the same fallback
    seeds, _, n_sets, _, _, _ = opim_c(KARATE, k, model, max_memory=budget - 1, **kwargs)
    assert (seeds.tolist(), n_sets) == (ref[0].tolist(), 2 * t)


def record_rr_sets(monkeypatch, module):
    """Every RRSets collection `module` creates, in order (a recording subclass)."""
    made = []

    class Recorded(RRSets):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            made.append(self)

    monkeypatch.setattr(module, "RRSets", Recorded)
    return made


def same_sets(a, b):
    (oa, ma), (ob, mb) = a.flat(), b.flat()
    return oa.tolist() == ob.tolist() and ma.tolist() == mb.tolist()


def test_imm_and_opim_draw_their_sets_at_the_documented_stream_indices(monkeypatch):
    """Pins where each collection sits in its named stream, set for set.

    IMM: phase 1 is sets 0 .. L - 1 of ``RR`` and the final selection the next theta,
    L .. L + theta - 1, so that the two are independent. OPIM-C: R1 is sets 0 .. t - 1
    of ``RR``, R2 sets 0 .. t - 1 of ``RR_CHECK``. A collection shifted by one index
    differs from these in a single set, which a run's outputs rarely show; the sets
    themselves do.
    """
    import spread.im.imm as imm_module
    import spread.im.opim as opim_module

    n, k, root, model = KARATE.n_nodes, 2, np.uint64(7), IC(p=0.1)
    allowed, fixed = everyone(n)
    kwargs = dict(root=root, allowed=allowed, fixed=fixed, n_threads=1, max_memory=None,
                  report=lambda done: None, stable=0.0)  # fmt: skip
    made = record_rr_sets(monkeypatch, imm_module)
    imm(KARATE, k, model, eps=0.3, ell=1.0, **kwargs)
    phase1, final = made
    assert len(final) > 0
    want = RRSets(KARATE, model, stream_root(root, RR), first=0).extend(len(phase1))
    assert same_sets(phase1, want)
    want = RRSets(KARATE, model, stream_root(root, RR), first=len(phase1)).extend(len(final))
    assert same_sets(final, want)
    # with the guard: each redraw takes the indices after the collection before it
    made = record_rr_sets(monkeypatch, imm_module)
    imm(KARATE, 3, IC(p=0.05), eps=0.5, ell=1.0, **{**kwargs, "root": 27, "stable": 0.001})
    assert len(made) == 3  # phase 1, the textbook final sets, one redraw
    first = 0
    for sets in made:
        assert sets.first == first
        want = RRSets(KARATE, IC(p=0.05), stream_root(27, RR), first=first).extend(len(sets))
        assert same_sets(sets, want)
        first += len(sets)
    made = record_rr_sets(monkeypatch, opim_module)
    opim_c(KARATE, k, model, eps=0.3, delta=1 / n, **kwargs)
    r1, r2 = made
    assert len(r1) == len(r2) > 0 and r1.conditional and r2.conditional  # p = 0.1 pays
    want = RRSets(KARATE, model, stream_root(root, RR), conditional=True).extend(len(r1))
    assert same_sets(r1, want)
    want = RRSets(KARATE, model, stream_root(root, RR_CHECK), conditional=True)
    assert same_sets(r2, want.extend(len(r2)))


def test_opim_anytime_rounds_are_reported_once_each():
    """Pins the anytime loop's end: one progress report per round, 2 ceil(theta0) 2**i
    sets, then the last round at the budget, and no round after it (a loop that went on
    at the capped size would draw nothing new but report, and select, again).
    """
    n, k, delta = 10, 2, 0.1
    theta0, _, _, _ = paper_opim(n, n, k, 0.5, delta)
    t0 = math.ceil(theta0)
    allowed, fixed = everyone(n)
    for budget, want in [
        (8 * t0 + 2, [2 * t0, 4 * t0, 8 * t0, 8 * t0 + 2]),
        (8 * t0, [2 * t0, 4 * t0, 8 * t0]),  # the budget is reached by doubling alone
        (2, [2]),
    ]:
        calls = []
        out = opim_c(
            complete_digraph(n), k, IC(p=1.0), eps=0.5, delta=delta, root=np.uint64(4),
            allowed=allowed, fixed=fixed, n_threads=1, max_memory=None,
            report=calls.append, max_rr_sets=budget,
        )  # fmt: skip
        assert calls == want
        assert out[2] == want[-1]


def test_opim_certifies_a_ratio_exactly_at_its_target():
    """Pins the certificate's tie: a ratio equal to 1 - 1/e - eps is certified.

    On a complete digraph with p = 1 the first round's ratio is a function of
    ceil(theta0) and `a` (both from the paper's formulas). Starting from eps0 = 0.28,
    eps = (1 - 1/e) - ratio keeps ceil(theta0) and `a`, and 1 - 1/e - eps equals the
    ratio to the last bit: the run must stop after that first round.
    """
    n, k = 10, 2
    theta0, _, _, a = paper_opim(n, n, k, 0.28, 1 / n)
    t0 = math.ceil(theta0)
    ratio = max(paper_lower(t0, a), 0.0) / paper_upper(t0, a)
    eps = E_FACTOR - ratio
    theta0_tie, _, _, a_tie = paper_opim(n, n, k, eps, 1 / n)
    assert (math.ceil(theta0_tie), a_tie) == (t0, a)
    assert E_FACTOR - eps == ratio  # an exact tie
    sel = spread.maximize(complete_digraph(n), k, IC(p=1.0), method="opim-c", eps=eps,
                          rng=0, stability=0, evaluate=False)  # fmt: skip
    assert sel.n_samples == 2 * t0
    assert sel.guarantee == ratio


def test_shared_arrays_are_kept_per_graph_and_probability_array(monkeypatch):
    """Pins `_ic_sampler.shared_arrays`: the per-node shared probabilities and their
    jump scales (`shared_in_probability`, `inv_log1m`), the same values whether kept
    or not; kept (read-only) for the graph while the same `p` array is given, computed
    again for another array, never kept where some node has per-arc coins or on a
    graph of more than `_KEEP_UP_TO` nodes, and let go with the graph."""
    import gc

    g = Graph.from_edges([0, 2, 0, 1, 2, 3], [1, 1, 3, 3, 3, 4], labels=range(5))
    wc = IC(p="wc").arc_probabilities(g)
    node_p, scales = _ic_sampler.shared_arrays(g, wc)
    assert node_p.tolist() == shared_in_probability(g, wc).tolist()
    assert scales.tolist() == _ic_sampler.inv_log1m(node_p).tolist()
    again = _ic_sampler.shared_arrays(g, wc)
    assert again[0] is node_p and again[1] is scales
    assert not node_p.flags.writeable and not scales.flags.writeable
    other = _ic_sampler.shared_arrays(g, wc.copy())  # an equal array, not the same one
    assert other[0] is not node_p and other[0].tolist() == node_p.tolist()
    mixed = np.array([0.2, 0.1, 0.1, 0.2, 0.3, 0.7])  # node 3's in-arcs differ
    first = _ic_sampler.shared_arrays(g, mixed)[0]
    assert first.tolist() == [0.0, 0.2, 0.0, -1.0, 0.7] and first.flags.writeable
    assert _ic_sampler.shared_arrays(g, mixed)[0] is not first
    monkeypatch.setattr(_ic_sampler, "_KEEP_UP_TO", 4)  # 5 nodes: too many to keep
    big = Graph.from_edges([0, 1], [1, 2], labels=range(5))
    big_wc = IC(p="wc").arc_probabilities(big)
    assert (
        _ic_sampler.shared_arrays(big, big_wc)[0] is not _ic_sampler.shared_arrays(big, big_wc)[0]
    )
    assert big not in _ic_sampler._KEPT and g in _ic_sampler._KEPT
    kept = len(_ic_sampler._KEPT)
    del g, again, other
    gc.collect()
    assert len(_ic_sampler._KEPT) == kept - 1


def test_shared_in_probability_per_node():
    """Pins which nodes take the sampler's shared-probability path: a node whose in-arcs
    all have the same probability gets it (weighted cascade: 1 / in-degree), one with
    different probabilities -1 (per-arc coins), one with no in-arc 0, wherever it sits
    in the in-arc order (first, between, last), and on a graph with no arc at all.
    """
    # in-arcs: node 0 none, 1 from {0, 2}, 2 none, 3 from {0, 1, 2}, 4 from {3}
    src, dst = [0, 2, 0, 1, 2, 3], [1, 1, 3, 3, 3, 4]
    g = Graph.from_edges(src, dst, labels=range(5), directed=True)
    wc = IC(p="wc").arc_probabilities(g)
    got = shared_in_probability(g, wc)
    assert got.tolist() == [0.0, 0.5, 0.0, pytest.approx(1 / 3), 1.0]
    # per arc in the graph's order (by source): 0->1, 0->3, 1->3, 2->1, 2->3, 3->4
    p = np.array([0.2, 0.1, 0.1, 0.2, 0.3, 0.7])
    got = shared_in_probability(g, p)
    assert got.tolist() == [0.0, 0.2, 0.0, -1.0, 0.7]
    empty = Graph.from_edges([], [], labels=range(3), directed=True)
    assert shared_in_probability(empty, np.empty(0)).tolist() == [0.0, 0.0, 0.0]
    # the last node with in-arcs, followed by nodes with none: its last slot counts
    # (clipping the row starts to the last slot once cut it off: 0.2 and 0.3 read as 0.2)
    tail = Graph.from_edges([0, 3, 4], [1, 2, 2], labels=range(6), directed=True)
    p = np.array([0.5, 0.2, 0.3])  # 0->1, 3->2, 4->2
    got = shared_in_probability(tail, p)
    assert got.tolist() == [0.0, 0.5, -1.0, 0.0, 0.0, 0.0]
    offsets, _ = RRSets(empty, IC(p="wc"), np.uint64(1)).extend(5).flat()
    assert offsets.tolist() == list(range(6))  # five singletons


def test_ic_sampler_keeps_per_slot_arrays_only_where_they_are_read():
    """Pins the sampler's memory on large graphs (issue 16, item 4): under weighted
    cascade every node shares one in-probability, so the sampler keeps no per-slot array
    (``p_in``, its ``1 / log(1 - p)`` and the sources are empty; 16 bytes per node for
    ``node_p`` and its scale). With per-arc probabilities, ``1 / log(1 - p)`` is computed
    on the slots of the subset-sampled nodes only (the only ones that read it) and is
    empty when there are none; the sets are the same as before either way (the
    golden record pins them)."""
    g = spread.datasets.load("karate")
    rr = RRSets(g, IC(p="wc"), np.uint64(1))
    p_in, inv_in, src_in, node_p, node_inv = rr._sample_args[2:7]
    assert (p_in.size, inv_in.size, src_in.size) == (0, 0, 0)
    assert rr.prepared_bytes == 16 * g.n_nodes
    assert np.array_equal(node_p, 1.0 / g.in_degree)
    inside = node_p < 1  # in-degree 1: p = 1, taken without a draw (scale 0)
    assert (~inside).any() and np.array_equal(node_inv[inside], 1.0 / np.log1p(-node_p[inside]))
    assert (node_inv[~inside] == 0).all()
    # per-arc probabilities on a hub with 20 in-arcs (subset-sampled) and a small star
    hub_src = np.arange(1, 21)
    src = np.concatenate([hub_src, [22, 23]])
    dst = np.concatenate([np.zeros(20, dtype=np.int64), [21, 21]])
    h = Graph.from_edges(src, dst, labels=range(24), directed=True)
    p = np.linspace(0.01, 0.2, h.n_edges)
    rr = RRSets(h, IC(p=p), np.uint64(2))
    p_in, inv_in, src_in, node_p, _ = rr._sample_args[2:7]
    assert node_p[0] == SUBSET and node_p[21] == -1.0
    hub = slice(h.in_indptr[0], h.in_indptr[1])
    assert np.array_equal(inv_in[hub], 1.0 / np.log1p(-p_in[hub]))
    others = np.ones(p_in.size, dtype=bool)
    others[hub] = False
    assert (inv_in[others] == 0).all() and (p_in[others] > 0).all()
    # the star alone: per-arc coins, nothing subset-sampled, no scale array
    star = Graph.from_edges([1, 2], [0, 0], labels=range(3), directed=True)
    args = RRSets(star, IC(p=np.array([0.3, 0.6])), np.uint64(3))._sample_args
    assert args[2].size == 2 and args[3].size == 0
    # weighted cascade on a digraph with sources (nodes without in-arcs, node_p 0): every
    # node still shares one probability, so no per-slot array either
    chain = Graph.from_edges([0, 0, 1, 4], [1, 2, 2, 2], labels=range(5), directed=True)
    rr = RRSets(chain, IC(p="wc"), np.uint64(4))
    assert rr._sample_args[5].tolist() == [0.0, 1.0, 1 / 3, 0.0, 0.0]
    assert rr._sample_args[2].size == 0 and rr.prepared_bytes == 16 * chain.n_nodes


def test_rr_sets_grow_by_half_unless_the_budget_says_exactly():
    """Pins the member buffer's growth: with room to spare it grows to 1.5 times its
    size (an index drawn in batches does not copy every set at every batch); when old,
    new and the grown copy would pass `max_memory`, to exactly what is needed (the
    projection's 8 bytes per member), to the byte."""
    n = 6
    g = complete_digraph(n)
    rr = RRSets(g, IC(p=1.0), np.uint64(3)).extend(100)
    assert rr._members.shape[0] == 100 * n
    rr.extend(110)
    assert rr._members.shape[0] == 150 * n
    tight = RRSets(g, IC(p=1.0), np.uint64(3), max_memory=10**9).extend(100)
    tight.max_memory = 110 * (8 * n + 8) + tight.working_bytes(n, 10)
    tight.extend(110)
    assert tight._members.shape[0] == 110 * n
    assert same_sets(rr, tight)
    # at the boundary, beside a companion: old, new and grown members (4 bytes each) fit
    # in what `max_memory` leaves after the working arrays, the companion's sets and the
    # new offsets, 8 (target + 1): exactly that grows by half, one byte less does not
    companion = RRSets(g, IC(p=1.0), np.uint64(9)).extend(5)
    for slack, size in ((0, 150 * n), (-1, 110 * n)):
        edge = RRSets(g, IC(p=1.0), np.uint64(3), companions=(companion,)).extend(100)
        grown = 4 * (100 * n + 10 * n + 150 * n)
        beside = edge.working_bytes(n, 10) + companion.nbytes + 8 * (110 + 1)
        edge.max_memory = grown + beside + slack
        assert edge.extend(110)._members.shape[0] == size
        assert same_sets(rr, edge)


def test_the_samplers_thread_pool_is_kept_per_size():
    """`extend`'s kernel calls run on a pool kept per number of threads (`rrsets._pool`):
    the same pool each time for one size, another for another size, its threads named
    "spread-rr"; the sets do not depend on it (one thread and two draw the same)."""
    assert rrsets._pool(2) is rrsets._pool(2) and rrsets._pool(3) is not rrsets._pool(2)
    assert (
        rrsets._pool(2)
        .submit(lambda: threading.current_thread().name)
        .result()
        .startswith("spread-rr")
    )
    one = RRSets(KARATE, IC(p=0.2), np.uint64(9), n_threads=1).extend(3_000)
    two = RRSets(KARATE, IC(p=0.2), np.uint64(9), n_threads=2).extend(3_000)
    assert all(np.array_equal(a, b) for a, b in zip(one.flat(), two.flat(), strict=True))


def test_rr_sets_are_drawn_in_equal_kernel_calls_sized_by_the_average():
    """Pins the kernel calls of `extend`: sets ``first + len .. first + target - 1`` in
    calls of at most 8,192 sets, as many as a multiple of the threads, of equal size to
    a set (`_split`), each with a first buffer for its own number of sets at the average
    size so far (8 members before any set) and room for the largest in-degree beside
    them (17, karate's node 33), whatever `first` is: 20,000 sets on one thread are 3
    calls of 6,666 or 6,667; 100 more on two threads are 2 calls of 50."""
    g = spread.datasets.load("karate")
    room = 17
    assert g.in_degree.max() == room
    rr = RRSets(g, IC(p=0.1), np.uint64(5), first=10**6)
    calls = []
    sample = rr._sample

    def spy(r0, r1, capacity):
        calls.append((r0, r1, capacity))
        return sample(r0, r1, capacity)

    rr._sample = spy
    rr.extend(20_000)
    start = 10**6
    assert calls == [
        (start, start + 6666, int(8 * 6666 * 1.25) + room),
        (start + 6666, start + 13_333, int(8 * 6667 * 1.25) + room),
        (start + 13_333, start + 20_000, int(8 * 6667 * 1.25) + room),
    ]
    avg = rr.n_members / len(rr)
    calls.clear()
    rr.n_threads = 2
    rr.extend(20_100)
    first_buffer = int(max(16, avg * 50 * 1.25)) + room
    assert sorted(calls) == [
        (start + 20_000, start + 20_050, first_buffer),
        (start + 20_050, start + 20_100, first_buffer),
    ]
    # as many calls as sets when there are fewer sets than threads
    assert _split(0, 1, 2) == [0, 1] and _split(0, 3, 4) == [0, 1, 2, 3]


def test_shared_in_probability_reads_the_arcs_in_blocks(monkeypatch):
    """Pins the blocked read of `shared_in_probability`: with blocks of 1, 3 and 7
    in-slots (a node with more in-arcs than a block makes a block alone) the answer is
    the one-block answer, on a graph mixing shared and per-arc nodes and nodes without
    in-arcs (at the start, inside and at the end of the id range)."""
    rng = np.random.default_rng(3)
    n = 40
    src = rng.integers(0, n, 300)
    dst = np.minimum(rng.geometric(0.08, 300), n - 3)  # heavy low ids; n-2, n-1 none
    g = Graph.from_edges(src, dst, labels=range(n), directed=True, duplicates="keep")
    p = np.round(rng.uniform(0.05, 0.5, g.n_edges), 1)
    p[np.isin(g.indices, [1, 2, 5])] = 0.3  # a few nodes share one probability
    whole = _ic_sampler.shared_in_probability(g, p)
    assert whole[0] == 0.0 and whole[-1] == 0.0 and (whole == -1).any()
    assert whole[1] == whole[2] == whole[5] == 0.3
    for size in (1, 3, 7):
        monkeypatch.setattr(_ic_sampler, "_BLOCK_SLOTS", size)
        assert _ic_sampler.shared_in_probability(g, p).tolist() == whole.tolist()


def test_subset_sampling_takes_the_nodes_at_its_thresholds():
    """`subset_order` on nodes at the measured thresholds: 16 in-arcs of mean
    probability exactly 0.25 (8 at 0.125, 8 at 0.375) are subset-sampled, with their
    in-slots sorted by decreasing probability (ties in the graph's order); 15 arcs (of
    mean 0.24), a mean just above 0.25 or a shared probability keep per-arc coins and
    the graph's order; the graph's own arrays are not touched."""
    heads, tails, probs = [], [], []
    cases = {1: (16, 0.375), 2: (15, 0.375), 3: (16, 0.376), 4: (16, None)}
    for head, (deg, high) in cases.items():
        for i in range(deg):
            heads.append(head)
            tails.append(10 + i)
            probs.append(0.2 if high is None else (high if i % 2 else 0.125))
    g = Graph.from_edges(tails, heads, labels=range(40), directed=True)
    arc_p = np.zeros(g.n_edges)
    lookup = dict(zip(zip(tails, heads, strict=True), probs, strict=True))
    arc_tails = np.repeat(np.arange(g.n_nodes), g.out_degree)
    for j in range(g.n_edges):
        arc_p[j] = lookup[(int(arc_tails[j]), int(g.indices[j]))]
    p_in = arc_p[g.in_arc]
    node_p = shared_in_probability(g, arc_p)
    assert node_p[[1, 2, 3]].tolist() == [-1.0, -1.0, -1.0] and node_p[4] == 0.2
    before = g.in_indices.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nodes without in-arcs: a mean of 0, no 0 / 0
        sorted_p, src, codes = _ic_sampler.subset_order(g, p_in, node_p)
    assert np.flatnonzero(codes == SUBSET).tolist() == [1]
    assert np.array_equal(codes[codes != SUBSET], node_p[codes != SUBSET])
    lo, hi = g.in_indptr[1], g.in_indptr[2]
    assert sorted_p[lo:hi].tolist() == [0.375] * 8 + [0.125] * 8
    high_tails = [10 + i for i in range(16) if i % 2]
    low_tails = [10 + i for i in range(16) if i % 2 == 0]
    assert src[lo:hi].tolist() == high_tails + low_tails  # stable: by tail within a tie
    rest = np.r_[0:lo, hi : g.in_indptr[-1]]
    assert np.array_equal(sorted_p[rest], p_in[rest]) and np.array_equal(src[rest], before[rest])
    assert np.array_equal(g.in_indices, before)
    # no node qualifies: the arrays come back as they are
    none = _ic_sampler.subset_order(g, p_in, np.where(node_p < 0, 0.5, node_p))
    assert none[0] is p_in and none[1] is g.in_indices


def test_shared_in_probability_holds_one_block_at_a_time(monkeypatch):
    """Pins the blocked read's memory: with blocks of 512 in-slots, the peak of
    `shared_in_probability` on 200,000 arcs stays within the answer (8 bytes a node)
    and a few blocks' worth, far below one copy of the per-slot probabilities (1.6 MB);
    three hubs of 40,000 in-arcs each are read one at a time."""
    import tracemalloc

    def traced(graph, p):
        """The answer and the peak bytes allocated while computing it."""
        tracemalloc.start()
        try:
            out = shared_in_probability(graph, p)
            return out, tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    rng = np.random.default_rng(5)
    n, m = 2_000, 200_000
    g = Graph.from_edges(rng.integers(0, n, m), rng.integers(0, n, m), labels=range(n),
                         directed=True, duplicates="keep")  # fmt: skip
    p = rng.uniform(0.0, 0.5, g.n_edges)
    monkeypatch.setattr(_ic_sampler, "_BLOCK_SLOTS", 512)
    expected = shared_in_probability(g, p)
    got, peak = traced(g, p)
    assert np.array_equal(got, expected)
    assert peak < 8 * n + 64 * 512 + 20_000
    # a node with more in-arcs than a block is read alone, not with its neighbour
    hubs = 40_000
    tails = np.arange(3, 3 + hubs)
    g = Graph.from_edges(np.tile(tails, 3), np.repeat([0, 1, 2], hubs), directed=True)
    got, peak = traced(g, rng.uniform(0.0, 0.5, g.n_edges))
    assert (got[:3] == -1).all() and not got[3:].any()
    # the answer, and one hub's slots: their probabilities and the arc ids numpy copies
    # to index them (16 bytes a slot; 1.03 MB in all here, 1.35 MB with two hubs a block)
    assert peak < 8 * g.n_nodes + 20 * hubs + 20_000


def test_rr_sets_refuse_max_memory_before_preparing_the_sampler(monkeypatch):
    """Pins `max_memory` before the sampler's arrays are made: under weighted cascade a
    budget below 56 bytes per node (the sampler's 16, the greedy's 40) raises at once,
    naming the sampler, without reading the probabilities; with per-arc coins, one
    below the per-slot arrays' 36 bytes per arc as well. A budget just enough builds."""
    g = spread.datasets.load("karate")
    n, m = g.n_nodes, g.n_edges
    with pytest.raises(MemoryLimitError, match="the sampler's arrays and the selection's"):
        RRSets(g, IC(p="wc"), np.uint64(1), max_memory=56 * n - 1)
    RRSets(g, IC(p="wc"), np.uint64(1), max_memory=56 * n)
    p = np.linspace(0.1, 0.2, m)
    with pytest.raises(MemoryLimitError, match="the sampler's per-arc arrays"):
        RRSets(g, IC(p=p), np.uint64(1), max_memory=56 * n + 36 * m - 1)
    RRSets(g, IC(p=p), np.uint64(1), max_memory=56 * n + 36 * m)
    with pytest.raises(MemoryLimitError, match="before any RR sets are drawn"):
        spread.maximize(g, 2, IC(p="wc"), max_memory=56 * n - 1, evaluate=False, rng=0)


def test_rr_sets_bookkeeping_bytes_and_idempotent_extend():
    """Pins the collection's accounting: on a complete digraph with p = 1 every set has
    n members, so 300 sets take 4 n 300 + 8 (300 + 1) bytes, ``bytes_per_set`` their
    average (an empty collection: its one offset, 8 bytes). Extending to the size it
    already has is a no-op, even when other sets held beside it have since grown past
    the memory budget (OPIM-C's R2 after R1 grew)."""
    n = 6
    g = complete_digraph(n)
    empty = RRSets(g, IC(p=1.0), np.uint64(3))
    assert (empty.nbytes, empty.bytes_per_set) == (8, 8.0)
    r1 = RRSets(g, IC(p=1.0), np.uint64(3)).extend(300)
    assert r1.nbytes == 4 * n * 300 + 8 * 301
    assert r1.bytes_per_set == pytest.approx((4 * n * 300 + 8 * 301) / 300, rel=1e-15)
    work = RRSets(g, IC(p=1.0), np.uint64(4)).working_bytes(n, 100)
    budget = 400 * (8 * n + 8) + work
    r2 = RRSets(g, IC(p=1.0), np.uint64(4), companions=(r1,), max_memory=budget)
    r2.extend(100)
    r1.extend(3000)  # now r1 alone is past r2's budget
    assert len(r2.extend(100)) == 100
    with pytest.raises(MemoryLimitError):
        r2.extend(101)
    # kernel calls draw at most 8,192 sets each, as many calls as a multiple of the
    # threads, of equal size (`_split`); as many run at once as there are threads: 20,000
    # sets on 3 threads are 3 calls of at most 6,667, and so are 10,000 (of 3,334); each
    # call's buffer has room for the largest in-degree (n - 1) beyond its sets
    threads = RRSets(g, IC(p=1.0), np.uint64(4), n_threads=3)
    sampler = threads.prepared_bytes + 40 * n

    def per_call(n_sets):
        return 4 * n + 8 * (int(1.25 * n * n_sets) + n - 1)

    assert threads.working_bytes(n, 20_000) == sampler + 3 * per_call(6667)
    assert threads.working_bytes(n, 10_000) == sampler + 3 * per_call(3334)
    one = RRSets(g, IC(p=1.0), np.uint64(4))  # one thread: one call at a time
    assert one.working_bytes(n, 20_000) == sampler + per_call(6667)
    # on a cluster the calls run on the workers (a stand-in client: only its presence is
    # read before sampling)
    cluster = RRSets(g, IC(p=1.0), np.uint64(4), n_threads=3, client=object())
    assert cluster.working_bytes(n, 20_000) == sampler


def test_coverage_through_the_greedys_index_is_the_count_over_the_sets():
    """`coverage` with the inverted index the greedy kept (`greedy`'s ``index=True``,
    `_coverage_kernels.greedy_cover_index`) gives the counts of the pass over every set
    (`count_hit`): by the seeds, by the others, by either, none of the sets a fixed
    node holds, with -1 padding ignored (`hit_counts`, compiled and as plain Python);
    and the index is `node_sets` of the sets.
    Under a budget the greedy keeps none."""
    rng = np.random.default_rng(11)
    model = IC(p=0.15)
    for trial in range(12):
        rr = RRSets(KARATE, model, np.uint64(trial)).extend(int(rng.integers(1, 900)))
        allowed = rng.random(KARATE.n_nodes) < 0.9
        fixed = rng.random(KARATE.n_nodes) < (0.1 if trial % 2 else 0.0)
        *_, index = greedy(rr, 3, allowed, fixed, index=True)
        want_ptr, want_ids = coverage_kernels.node_sets(*rr.flat(), KARATE.n_nodes)
        assert np.array_equal(index[0], want_ptr) and np.array_equal(index[1], want_ids)
        seeds = rng.choice(KARATE.n_nodes, size=4, replace=False)
        others = np.append(rng.choice(KARATE.n_nodes, size=3, replace=False), -1)
        assert coverage(rr, seeds, fixed, index=index) == coverage(rr, seeds, fixed)
        want = coverage(rr, seeds, fixed, others)
        assert coverage(rr, seeds, fixed, others, index=index) == want
        plain = coverage_kernels.hit_counts.py_func(*index, len(rr), seeds, others, fixed)
        assert tuple(int(c) for c in plain) == want  # the kernel as plain Python too
        assert want[2] >= max(want[0], want[1]) and want[2] <= want[0] + want[1]
    goal = Objective(
        k=2, ratio=0.3, costs=np.ones(KARATE.n_nodes), budget=2.0, scale=34.0,
        log_sets=1.0, opt_floor=1.0,
    )  # fmt: skip
    assert greedy(rr, 2, allowed, fixed, goal=goal, index=True)[4] is None


def test_coverage_ignores_the_padding_of_a_short_seed_list():
    """A seed list shorter than k is padded with -1 (greedy's "no candidate left"):
    `coverage` counts the sets hit by the real seeds only, not by node n - 1 (which
    index -1 would name). At p = 0 every set is its root alone."""
    g = complete_digraph(5)
    rr = RRSets(g, IC(p=0.0), np.uint64(2)).extend(400)
    offsets, members = rr.flat()
    roots = members[offsets[:-1]]
    no_fixed = np.zeros(5, dtype=np.bool_)
    assert coverage(rr, np.array([0, -1]), no_fixed) == int((roots == 0).sum())
    assert 0 < (roots == 4).sum() < 400  # node n - 1 roots some sets, which must not count


def test_opim_frees_its_rr_sets_on_return(monkeypatch):
    """R1 and R2 count each other against `max_memory` while the run lasts (and R3, which
    certifies the choice on both joined, counts them); on return no reference cycle
    keeps them (and their memory) alive until a garbage collection."""
    import gc
    import weakref

    import spread.im.opim as opim_module

    refs = []

    class Recorded(RRSets):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            refs.append(weakref.ref(self))

    monkeypatch.setattr(opim_module, "RRSets", Recorded)
    allowed, fixed = everyone(KARATE.n_nodes)
    gc.disable()
    try:
        opim_c(KARATE, 2, IC(p=0.1), eps=0.3, delta=0.05, root=np.uint64(1), allowed=allowed,
               fixed=fixed, n_threads=1, max_memory=None, report=lambda done: None)  # fmt: skip
        assert len(refs) == 3 and all(ref() is None for ref in refs)
    finally:
        gc.enable()


def test_stratified_targets_give_the_stratified_variance():
    """Exact and statistical: on the path 0 -> 1 -> ... -> 5 with p = 1/2 a set rooted
    at v holds node 0 with probability ``q_v = 2**-v``. Over N = 50 blocks of 6 sets
    (each block visits every root once) the count of sets holding 0 has mean ``50 sum
    q_v`` and variance ``50 sum q_v (1 - q_v)`` (stratified), not the ``N qbar (1 -
    qbar)`` of independent uniform roots (2.1x larger here). 400 collections: the mean
    within 4 standard errors, the sample variance within 4 of its standard errors
    (``var sqrt(2 / (R - 1))``, near-normal counts)."""
    g = Graph.from_edges([0, 1, 2, 3, 4], [1, 2, 3, 4, 5])
    q = 0.5 ** np.arange(6)
    blocks, reps = 50, 400
    counts = []
    for rep in range(reps):
        _, members = RRSets(g, IC(p=0.5), np.uint64(1000 + rep)).extend(6 * blocks).flat()
        counts.append(int((members == 0).sum()))
    counts = np.array(counts, dtype=float)
    mean, var = blocks * q.sum(), blocks * (q * (1 - q)).sum()
    iid = 6 * blocks * q.mean() * (1 - q.mean())
    assert iid > 2 * var
    assert abs(counts.mean() - mean) <= 4 * math.sqrt(var / reps)
    assert abs(counts.var(ddof=1) - var) <= 4 * var * math.sqrt(2 / (reps - 1))


def test_lt_rr_walk_stops_when_no_in_arc_is_picked():
    """An LT RR set is a reverse walk that stops when the node picks none of its in-arcs
    (probability 1 minus its in-weights) or reaches the set: on the path 0 -> 1 -> 2 -> 3
    with weights 0, 1/2 and 1 the only sets are [0], [1], [2] or [2, 1], [3, 2] or
    [3, 2, 1], each two-way shape both ways; set r starts at its target, its stratum
    (`reference.rr_stratum`: every 4 sets visit the 4 nodes)."""
    g = Graph.from_edges([0, 1, 2], [1, 2, 3])
    rr = RRSets(g, LT(weights=np.array([0.0, 0.5, 1.0])), np.uint64(5)).extend(200)
    offsets, members = rr.flat()
    shapes = {0: [[0]], 1: [[1]], 2: [[2], [2, 1]], 3: [[3, 2], [3, 2, 1]]}
    seen = set()
    for r in range(200):
        s = members[offsets[r] : offsets[r + 1]].tolist()
        target = reference.rr_stratum(5, 0, r, 4)
        assert s[:1] == [target], r
        assert s in shapes[s[0]]
        seen.add(tuple(s))
    assert seen == {tuple(s) for v in shapes for s in shapes[v]}


# ------------------------------------------------- the samplers as plain Python
def _rr_kernels_as_plain_python(monkeypatch):
    """`spread/im/_rrset_kernels.py` as plain Python (`reference.as_plain_python`)."""
    from spread.im import _rrset_kernels

    return reference.as_plain_python(_rrset_kernels, monkeypatch)


def _rr_cases():
    """One model per sampler path: shared p, per-arc coins, subset sampling (30 in-arcs
    per node, mixed p with some 0 and 1), LT, CTIC at a horizon, temporal contacts."""
    from spread import CTIC, TemporalGraph, TemporalIC
    from spread.im.rrsets import AtHorizon

    rng = np.random.default_rng(4)
    dense = complete_digraph(31)
    p_dense = rng.uniform(0.0, 0.3, dense.n_edges)
    p_dense[::17], p_dense[::23] = 1.0, 0.0
    sparse = spread.datasets.load("karate")
    src, dst = rng.integers(0, 15, 120), rng.integers(0, 15, 120)
    keep = src != dst
    tg = TemporalGraph.from_contacts(src[keep], dst[keep], rng.uniform(0, 10, keep.sum()))
    return {
        "IC shared p": (sparse, IC(p=0.4)),
        "IC per arc": (sparse, IC(p=rng.uniform(0.1, 0.6, sparse.n_edges))),
        "IC subset": (dense, IC(p=p_dense)),
        "LT": (sparse, LT()),
        "CTIC": (sparse, AtHorizon(CTIC(p=0.5, delay=("gamma", 2.0, 1.0)), 2.5)),
        "temporal": (tg, AtHorizon(TemporalIC(p=0.7), 6.0)),
    }


@pytest.mark.parametrize("name", list(_rr_cases()))
def test_rr_samplers_stay_in_bounds_as_plain_python(monkeypatch, name):
    """Pins the growing member buffer and every index of the samplers: from the smallest
    buffer (capacity 0: 16 slots, doubled each time it fills), the samplers' Python
    bodies must run and give what the compiled ones give, set for set."""
    graph, model = _rr_cases()[name]
    rr = RRSets(graph, model, np.uint64(13))
    if name == "IC subset":  # node_p: nearly every node subset-sampled
        assert (rr._sample_args[5] == SUBSET).sum() >= 25
    plain = getattr(_rr_kernels_as_plain_python(monkeypatch), rr._kernel.__name__)
    compiled = rr._kernel(*rr._sample_args, rr.root, 3, 5, 125, 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # uint64 wrap-around in the mixer
        python = plain(*rr._sample_args, rr.root, 3, 5, 125, 0)
    assert compiled[1].size > 64  # the buffer grew past 16 and 32 at least
    for got, want in zip(python, compiled, strict=True):
        assert np.array_equal(got, want)


def test_weighted_targets_follow_their_weights():
    """Pins the weighted choice of each set's target (`_root`): with no live arc every
    set is its target alone, and over 20,000 sets each node is the target in proportion
    to its weight, within 4 standard errors (node 0, of weight 0, never)."""
    g = complete_digraph(6)
    weights = np.array([0.0, 1.0, 2.0, 3.0, 4.0, 5.0])
    n_sets = 20_000
    rr = RRSets(g, IC(p=0.0), np.uint64(3), target=Target.of(weights)).extend(n_sets)
    offsets, members = rr.flat()
    assert np.array_equal(offsets, np.arange(n_sets + 1))
    freq = np.bincount(members, minlength=6) / n_sets
    share = weights / weights.sum()
    se = np.sqrt(share * (1 - share) / n_sets)
    assert freq[0] == 0.0
    assert np.all(np.abs(freq - share) <= 4 * se + 1e-12), (freq, share)


def test_opim_keeps_a_certified_choice_when_a_guard_round_before_i_max_outgrows_max_memory(
    monkeypatch,
):
    """Pins the guard's memory fallback before i_max: once certified, every round the
    guard adds is optional, however early. Karate, eps = 0.3 (i_max = 8), a guard that
    is never settled and doubles the sets; a budget that holds R1 and R2 at round 5's
    size (``16 ceil(theta0)`` each, as `_extend_both` projects them from round 4's) but
    not at round 6's: the result is round 5's choice, certified, the seeds of an anytime
    run stopped at the same sets."""
    import spread.im.opim as opim_module

    monkeypatch.setattr(opim_module, "_settled", lambda *counts: False)
    monkeypatch.setattr(opim_module, "_guard_step", lambda *counts: 2.0)  # rounds double
    n, k, root, eps = KARATE.n_nodes, 2, np.uint64(4), 0.3
    model = IC(p=0.1)
    allowed, fixed = everyone(n)
    theta0, _, i_max, _ = paper_opim(n, n, k, eps, 1 / n, 6, 1)
    t = math.ceil(theta0) * 2**4
    assert i_max == 8
    r1 = RRSets(KARATE, model, stream_root(root, RR), conditional=True).extend(t // 2)
    r2 = RRSets(KARATE, model, stream_root(root, RR_CHECK), conditional=True).extend(t // 2)
    budget = r1.projected_bytes(t) + r2.projected_bytes(t)
    kwargs = dict(eps=eps, delta=1 / n, root=root, allowed=allowed, fixed=fixed,
                  n_threads=1, report=lambda done: None, stable=0.01)  # fmt: skip
    seeds, gains, n_sets, ratio, _, _ = opim_c(KARATE, k, model, max_memory=budget, **kwargs)
    ref = opim_c(KARATE, k, model, max_memory=None, max_rr_sets=2 * t, **kwargs)
    assert n_sets == ref[2] == 2 * t  # round 5 of i_max = 8
    assert seeds.tolist() == ref[0].tolist() and gains.tolist() == ref[1].tolist()
    assert ratio >= E_FACTOR - eps  # certified: the fallback keeps it
    with pytest.raises(MemoryLimitError):  # without the certificate there is nothing to keep
        opim_c(KARATE, k, model, max_memory=budget, **(kwargs | {"eps": 0.01}))


def test_opim_leap_halves_until_both_collections_fit_max_memory():
    """Pins `_leap`: a leap of x from t sets is halved until R1 and R2 at ``ceil(t x)``
    fit in `max_memory` together (`RRSets.projected_bytes`), never below doubling."""
    from spread.im.opim import _leap

    def pair(budget):
        r1 = RRSets(KARATE, IC(p=0.2), np.uint64(1), max_memory=budget).extend(100)
        r2 = RRSets(KARATE, IC(p=0.2), np.uint64(2), max_memory=budget).extend(100)
        return r1, r2

    r1, r2 = pair(None)
    assert _leap(r1, r2, 100, 16.0) == 16.0
    assert _leap(r1, r2, 100, 1.5) == 1.5  # not a leap: as given
    fits4 = r1.projected_bytes(400) + r2.projected_bytes(400)
    assert _leap(*pair(fits4), 100, 16.0) == 4.0
    assert _leap(*pair(fits4), 100, 5.0) == 2.5
    assert _leap(*pair(fits4 - 1), 100, 16.0) == 2.0  # 4x does not fit: doubling
    r1.max_memory = 8  # nothing fits: doubling, which `extend` then refuses
    assert _leap(r1, r2, 100, 3.0) == 2.0


def test_scores_count_through_the_kept_indexes(monkeypatch):
    """Pins `_scores`: with the greedies' kept indexes it counts through them
    (`hit_counts`: no pass over the sets' members); without them (none kept, or none
    under a budget) in a pass over each collection, on the `pool`'s thread or here. The
    counts are the same every way."""
    from spread.im.opim import _scores

    allowed, fixed = everyone(KARATE.n_nodes)
    r1 = RRSets(KARATE, IC(p=0.2), np.uint64(1)).extend(300)
    r2 = RRSets(KARATE, IC(p=0.2), np.uint64(2)).extend(300)
    s1, *_, index1 = greedy(r1, 3, allowed, fixed, index=True)
    s2, *_, index2 = greedy(r2, 3, allowed, fixed, index=True)
    want = (coverage(r1, s1, fixed, s2), coverage(r2, s1, fixed, s2))
    for indexes, pool in ((None, None), ((None, None), None), ((None, None), rrsets._pool(1))):
        assert _scores(r1, r2, s1, s2, fixed, pool, indexes) == want

    def no_pass(*args):
        raise AssertionError("a pass over the sets' members")

    monkeypatch.setattr(rrsets, "count_hit", no_pass)
    assert _scores(r1, r2, s1, s2, fixed, None, (index1, index2)) == want
    assert _scores(r1, r2, s1, s2, fixed, rrsets._pool(1), (index1, index2)) == want
