"""IC and LT fits from cascades on a known graph: exact cases, EM coupling, recovery, invariances.

Measured on these seeds (2-core box): IC global p=0.05 on BA(2000, 3), 200 single-seed
cascades, 20 replicates: median relative error 4.4%, Wald-95% coverage 18/20. Per-arc
IC on BA(500, 2), p_uv ~ U(0.05, 0.3), 2,000 cascades: mean relative error 0.169 on the
295 arcs with >= 100 trials. LT Beta(2, 5) thresholds on BA(3000, 3), 5% seeds, one
cascade, 10 replicates: median relative error 3.6% (a) and 3.4% (b). Production per-arc
solver vs Saito EM on BA(40, 2), 300 cascades: largest difference 7.6e-14.
"""

import math
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

import spread
from spread import ConvergenceWarning, InvalidParameterError, NodeNotFound
from spread.fit import Cascades, exposure_curve, fit_ic, fit_lt, simulate_cascades
from spread.fit._targets import solve_targets
from spread.fit.exposure import exposures
from spread.fit.ic import _ICTrials, trial_groups
from tests import reference
from tests.reference import ic_em


def frame_cascades(graph, rows):
    df = pd.DataFrame(rows, columns=["c", "v", "t"])
    return Cascades.from_frame(df, cascade="c", node="v", time="t", graph=graph)


def ba(n, m, seed):
    return spread.Graph.from_networkx(nx.barabasi_albert_graph(n, m, seed=seed))


# ------------------------------------------------------------------ exact
def test_trial_groups_on_a_path_and_a_star_by_hand():
    path = spread.Graph.from_edges([0, 1, 2], [1, 2, 3])
    cs = frame_cascades(path, [(0, 0, 0.0), (0, 1, 1.0)])
    tg = trial_groups(cs, 1.0)
    # 0 tries 1 at step 1 (success), 1 tries 2 at step 2 (failure); 2 never tries 3
    assert tg.target.tolist() == [1, 2] and tg.step.tolist() == [1, 2]
    assert tg.success.tolist() == [True, False] and tg.arcs.tolist() == [0, 1]
    star = spread.Graph.from_edges([0, 0, 0, 0, 1, 2], [1, 2, 3, 4, 4, 4])
    # 0, 1 and 2 active at step 0: node 4 gets one trial with k = 3 (arcs 3, 4, 5)
    cs = frame_cascades(star, [(0, 0, 0.0), (0, 1, 0.0), (0, 2, 0.0), (0, 4, 1.0)])
    tg = trial_groups(cs, 1.0)
    row = int(np.flatnonzero(tg.target == 4)[0])
    assert tg.k[row] == 3 and tg.success[row]
    assert sorted(tg.arcs[tg.ptr[row] : tg.ptr[row + 1]].tolist()) == [3, 4, 5]


def test_all_single_parent_trials_give_the_binomial_estimate():
    # Out-star 0 -> 1..5; cascade c activates leaves 1..c: successes / trials exactly.
    star = spread.Graph.from_edges([0] * 5, [1, 2, 3, 4, 5])
    rows = [(0, 0, 0.0)]
    rows += [(1, 0, 0.0), (1, 1, 1.0)]
    rows += [(2, 0, 0.0), (2, 1, 1.0), (2, 2, 1.0), (2, 5, 1.0)]
    res = fit_ic(frame_cascades(star, rows))
    n, s = 15, 4
    assert res.success
    assert res.params["p"] == pytest.approx(s / n, rel=1e-9)
    assert res.stderr["p"] == pytest.approx(np.sqrt(s / n * (1 - s / n) / n), rel=1e-7)
    assert res.n_obs == n
    assert res.diagnostics["n_trials"] == n and res.diagnostics["n_successes"] == s
    assert res.diagnostics["n_cascades"] == 3
    # per-node on a star: one target per arc, so it equals per-arc, and both are s_v / n_v
    node = fit_ic(frame_cascades(star, rows), granularity="node")
    edge = fit_ic(frame_cascades(star, rows), granularity="edge")
    np.testing.assert_allclose(node.diagnostics["arc_p"], edge.diagnostics["arc_p"], atol=1e-12)
    np.testing.assert_allclose(edge.diagnostics["arc_p"], [2 / 3, 1 / 3, 0, 0, 1 / 3], atol=1e-12)
    assert edge.diagnostics["arc_trials"].tolist() == [3] * 5
    assert edge.diagnostics["arc_trials"].dtype == np.int64
    se = edge.diagnostics["arc_stderr"]
    assert se[0] == pytest.approx(np.sqrt(2 / 3 * 1 / 3 / 3), rel=1e-7)
    assert np.isnan(se[2])  # p = 0 sits on its bound
    assert edge.loglik > res.loglik and edge.n_params == 5


def test_trials_loglik_matches_the_formula():
    k = np.array([1, 1, 2, 3, 2, 1])
    success = np.array([True, False, True, False, False, True])
    prob = _ICTrials(k, success, {})
    p = 0.23
    expected = sum(
        np.log(1 - (1 - p) ** kk) if s else kk * np.log(1 - p)
        for kk, s in zip(k, success, strict=True)
    )
    assert -prob.nll(np.array([np.log(p)])) == pytest.approx(expected, rel=1e-13)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(st.tuples(st.integers(1, 6), st.booleans()), min_size=1, max_size=30),
    st.floats(0.01, 0.9),
)
def test_trials_loglik_is_concave_in_p(rows, p):
    k = np.array([r[0] for r in rows])
    success = np.array([r[1] for r in rows])
    prob = _ICTrials(k, success, {})
    _, _, h = prob._dp(np.array([np.log(p)]))
    assert h <= 1e-9 * (1 + abs(h))


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 10_000))
def test_per_node_solver_meets_kkt(seed):
    # one target with 4 parameters, random success groups and failure counts
    gen = np.random.default_rng(seed)
    n_groups = int(gen.integers(1, 8))
    lens = gen.integers(1, 4, n_groups)
    ptr = np.concatenate([[0], np.cumsum(lens)])
    par = np.concatenate([gen.choice(4, size=k, replace=False) for k in lens])
    lin = gen.integers(0, 6, 4).astype(float) + 0.5
    x, _, n_bad, _ = solve_targets(
        0,
        np.array([4]),
        lin,
        np.zeros(n_groups, dtype=np.int64),
        ptr,
        par,
        np.ones(par.size),
        np.full(4, 0.3),
        np.zeros(4),
        np.full(4, 30.0),
        200,
    )
    assert n_bad == 0
    s = np.add.reduceat(x[par], ptr[:-1])
    grad = lin - np.bincount(par, weights=np.repeat(1 / np.expm1(s), lens), minlength=4)
    interior = x > 1e-12
    assert np.all(np.abs(grad[interior]) <= 1e-7 * (1 + np.abs(lin[interior])))
    assert np.all(grad[~interior] >= -1e-9)  # at the lower bound the gradient points out


def test_with_no_iteration_the_solver_returns_its_start_clipped_to_the_box():
    """`max_iter` = 0: every block reports status 1 ("not converged") after 0
    iterations, with `x` the start (the penalty centre) clipped into ``[0, upper]``,
    parameter by parameter in blocks at nonzero offsets; where a success group has no
    positive parameter at the start (its likelihood 0, the objective infinite), the
    block starts instead from every parameter raised to at least 1e-3, still clipped."""
    from spread.fit._target_kernels import solve_blocks

    start = np.array([0.5, -1.0, 2.0, 2.5, 7.0, -0.5, 0.0, -2.0, 2.0])
    upper = np.array([1.0, 1.0, 1.5, 3.0, 6.0, 5e-4, 5e-4, 1.0, 1.5])
    ptr = np.array([0, 2, 4, 6, 8, 9], dtype=np.int64)
    par = np.array([0, 1, 2, 3, 4, 5, 6, 7, 8], dtype=np.int64)
    blk_par = np.array([0, 2, 4, 6, 9], dtype=np.int64)
    blk_grp = np.array([0, 1, 2, 3, 5], dtype=np.int64)
    x, se = np.empty(9), np.empty(9)
    status, nit = np.full(4, -7), np.full(4, -7)
    solve_blocks(
        0, blk_par, blk_grp, np.ones(9), np.zeros(9), start, ptr, par, np.ones(9),
        start, upper, 0, 1e-12, x, se, status, nit,
    )  # fmt: skip
    np.testing.assert_array_equal(x, [0.5, 0.0, 1.5, 2.5, 6.0, 0.0, 5e-4, 1e-3, 1.5])
    assert status.tolist() == [1, 1, 1, 1] and nit.tolist() == [0, 0, 0, 0]
    again = solve_targets(
        0, np.diff(blk_par), np.ones(9), np.array([0, 1, 2, 3, 3]), ptr, par, np.ones(9),
        start, np.zeros(9), upper, 0,
    )  # fmt: skip
    np.testing.assert_array_equal(again[0], x)
    assert again[2:] == (4, 0)


def test_a_block_held_at_its_bounds_converges_in_one_iteration():
    """A target with failures only (no success group): its objective ``lin . x`` has
    its optimum at 0, where the start already is; every parameter is held (on its
    bound, the gradient pushing out), which is convergence in the first iteration."""
    from spread.fit._target_kernels import solve_blocks

    x, se = np.empty(3), np.empty(3)
    status, nit = np.full(1, -7), np.full(1, -7)
    solve_blocks(
        0, np.array([0, 3]), np.array([0, 0]), np.array([1.0, 2.0, 0.5]), np.zeros(3),
        np.zeros(3), np.zeros(1, dtype=np.int64), np.empty(0, dtype=np.int64), np.empty(0),
        np.zeros(3), np.ones(3), 50, 1e-12, x, se, status, nit,
    )  # fmt: skip
    assert x.tolist() == [0.0, 0.0, 0.0] and np.isnan(se).all()
    assert status.tolist() == [0] and nit.tolist() == [1]


def test_blocks_without_parameters_count_as_solved_in_no_iteration():
    """A target with no parameter (a node no arc enters) is skipped: converged, 0
    iterations; beside it a real block is solved as alone."""
    lin = np.array([2.0, 1.0])
    ptr, par = np.array([0, 1, 3], dtype=np.int64), np.array([0, 0, 1], dtype=np.int64)
    args = (ptr, par, np.ones(3), np.full(2, 0.3), np.zeros(2), np.full(2, 30.0), 100)
    x, se, n_bad, nit = solve_targets(0, np.array([0, 2, 0]), lin, np.ones(2, int), *args)
    alone = solve_targets(0, np.array([2]), lin, np.zeros(2, int), *args)
    assert n_bad == 0 and nit == alone[3] > 0
    np.testing.assert_array_equal(x, alone[0])
    np.testing.assert_array_equal(se, alone[1])
    none = solve_targets(0, np.array([0, 0]), np.empty(0), np.empty(0, int), np.zeros(1, int),
                         np.empty(0, int), np.empty(0), np.empty(0), np.empty(0), np.empty(0), 100)  # fmt: skip
    assert none[0].size == 0 and none[2:] == (0, 0)


# ------------------------------------------------ the solver's line search and stops
def _one_block(kind, lin, pen, center, groups, x0, upper, max_iter, tol):
    """`solve_blocks` on one block; `groups` lists (parameters, coefficients)."""
    from spread.fit._target_kernels import solve_blocks

    d = len(lin)
    ptr, par, coef = [0], [], []
    for params, coefs in groups:
        par += params
        coef += coefs
        ptr.append(len(par))
    x, se = np.empty(d), np.empty(d)
    status, nit = np.full(1, -7), np.full(1, -7)
    solve_blocks(
        kind, np.array([0, d]), np.array([0, len(groups)]), np.asarray(lin, float),
        np.asarray(pen, float), np.asarray(center, float), np.array(ptr, dtype=np.int64),
        np.array(par, dtype=np.int64), np.array(coef, float), np.asarray(x0, float),
        np.asarray(upper, float), max_iter, tol, x, se, status, nit,
    )  # fmt: skip
    return x, se, int(status[0]), int(nit[0])


def _ic_one(x):
    """``x - log(1 - e^{-x})`` (one failure, one success on one arc, IC's ``x =
    -log(1 - p)``), its derivatives, and the Newton step, as the kernel computes them."""
    if x <= 0.0:
        return math.inf, math.nan, math.nan, math.nan
    em = math.expm1(x)
    value = x - math.log(-math.expm1(-x))
    grad = 1.0 - 1.0 / em
    hess = (em + 1.0) / (em * em)
    return value, grad, hess, grad / hess


def _armijo_halvings(x0, tries):
    """Halvings of the full step before Armijo's test (decrease of at least 1e-4 of the
    slope along the projected step) accepts it, or None within `tries` trials."""
    f0, grad, _, step = _ic_one(x0)
    t = 1.0
    for k in range(tries):
        trial = min(max(x0 - t * step, 0.0), 1e3)
        if _ic_one(trial)[0] <= f0 + 1e-4 * grad * (trial - x0):
            return k, trial
        t *= 0.5
    return None, x0


def test_line_search_halves_a_newton_step_that_decreases_by_less_than_armijos_margin():
    """From the right of the optimum (log 2) the Newton step on ``x - log(1 - e^{-x})``
    overshoots; from x0 ~ 1.128 it lands where the objective is lower, but by 5e-5 of
    the slope only, short of Armijo's 1e-4: the step is halved once. A search that took
    any decrease (or an increase) would keep the full step."""
    from scipy.optimize import brentq

    def ratio(x0):  # decrease of the full step over the slope along it
        f0, grad, _, step = _ic_one(x0)
        return (f0 - _ic_one(x0 - step)[0]) / (grad * step)

    x0 = brentq(lambda x: ratio(x) - 5e-5, 1.1, 1.2, xtol=1e-14)
    f0, _, _, step = _ic_one(x0)
    assert 0.0 < f0 - _ic_one(x0 - step)[0] < 1e-4 * _ic_one(x0)[1] * step
    k, trial = _armijo_halvings(x0, 60)
    assert k == 1 and trial == x0 - 0.5 * step
    x, _, status, nit = _one_block(0, [1.0], [0.0], [0.0], [([0], [1.0])], [x0], [1e3], 1, 1e-12)
    np.testing.assert_allclose(x, [trial], rtol=1e-14)
    assert (status, nit) == (1, 1)


def test_line_search_gives_up_after_sixty_halvings_with_status_4():
    """Far right of the optimum the curvature is about e^{-x}: the Newton step is e^x
    long and lands below 0 (an infinite objective) until it is halved about
    ``x / log 2`` times. From 44.25 the 60th trial (t = 2^-59) is accepted; from 45 it
    would take a 61st: the search gives up, the gradient step (the same in one
    dimension) too, and the block stops at once with status 4 ("line search failed"),
    unless the Newton decrement is within ``1e3 tol + 1e-9 |f|``: then it counts as
    converged (status 0), at that bound exactly too."""
    assert _armijo_halvings(44.25, 60)[0] == 59 and _armijo_halvings(45.0, 61)[0] == 60
    one = ([0], [1.0])
    x, _, status, nit = _one_block(0, [1.0], [0.0], [0.0], [one], [44.25], [1e3], 1, 1e-12)
    np.testing.assert_allclose(x, [_armijo_halvings(44.25, 60)[1]], rtol=1e-14)
    assert (status, nit) == (1, 1)
    x, _, status, nit = _one_block(0, [1.0], [0.0], [0.0], [one], [45.0], [1e3], 5, 1e-12)
    assert x.tolist() == [45.0] and (status, nit) == (4, 1)
    # the bound on the decrement, met with equality
    f0, grad, _, step = _ic_one(45.0)
    decrement = grad * step
    tol = decrement / 1e3
    while 1e3 * tol + 1e-9 * f0 != decrement:
        tol = math.nextafter(tol, math.inf if 1e3 * tol + 1e-9 * f0 < decrement else 0.0)
    assert _one_block(0, [1.0], [0.0], [0.0], [one], [45.0], [1e3], 5, tol)[2:] == (0, 1)
    below = math.nextafter(tol, 0.0)
    assert _one_block(0, [1.0], [0.0], [0.0], [one], [45.0], [1e3], 5, below)[2:] == (4, 1)
    # the same failure with |f| ~ 5e29 (a penalty 1e-30 centred at -1e30 for the cost):
    # the decrement, 3.5e19, is below 1e-9 |f| at tol = 0
    x, _, status, nit = _one_block(0, [0.0], [1e-30], [-1e30], [one], [45.0], [1e3], 5, 0.0)
    assert x.tolist() == [45.0] and (status, nit) == (0, 1)


def test_a_failed_newton_search_falls_back_to_a_scaled_projected_gradient_step():
    """Three coordinates: A at 45 on ``x - log(1 - e^{-x})`` (free, its Newton step
    e^45 long fails all 60 trials), B at its optimum under a penalty 2e12 (the largest
    curvature, so the diagonal floor is 1e-12 x 2e12 = 2), C at 0.5 with cost 1 and
    no curvature (moving: near its bound, the gradient pushing out). The fallback
    steps every coordinate not held by its gradient over the floored diagonal: A by
    ``grad_A / 2``, C by 1/2 to its bound; the full step passes Armijo's test."""
    x, _, status, nit = _one_block(
        0, [1.0, 0.0, 1.0], [0.0, 2e12, 0.0], [0.0, 1.0, 0.0], [([0], [1.0])],
        [45.0, 1.0, 0.5], [1e3, 1e3, 1e3], 1, 1e-12,
    )  # fmt: skip
    assert _armijo_halvings(45.0, 60)[0] is None
    assert x.tolist() == [45.0 - _ic_one(45.0)[1] / 2.0, 1.0, 0.0]
    assert (status, nit) == (1, 1)


def test_an_exact_optimum_stops_on_the_stalled_change_when_the_decrement_cannot():
    """With ``tol = -1`` the decrement never stops the solver; at an exact optimum
    (gradient 0) the step is 0, Armijo's test holds with equality, nothing changes,
    and the solver stops as converged in the first iteration instead of running to
    `max_iter`."""
    x, _, status, nit = _one_block(0, [0.0], [1.0], [1.0], [], [1.0], [5.0], 20, -1.0)
    assert x.tolist() == [1.0] and (status, nit) == (0, 1)


def test_the_stalled_change_stop_holds_at_its_boundaries():
    """The stop after an accepted step, ``change <= 1e-15 (1 + |f|)`` and ``decrement
    <= 1e-8 (1 + |f|)``, on quadratics whose step ends on the lower bound (the next
    iteration would have every coordinate held, so a missed stop costs one iteration):
    the change exactly at its bound (f = 1e-15 to 0); the decrement exactly at its
    bound; and a change of about 1e-15 beside a held coordinate that makes |f| ~ 2."""
    x0 = math.sqrt(2e-15)
    while 0.5 * 1.0 * x0 * x0 != 1e-15:
        x0 = math.nextafter(x0, math.inf if 0.5 * x0 * x0 < 1e-15 else 0.0)
    assert _one_block(0, [0.0], [1.0], [0.0], [], [x0], [1.0], 20, 0.0)[2:] == (0, 1)
    pen = 9.999999999999999e-09  # found by search: a start with the decrement on its bound

    def decrement(x):
        grad = 0.0 + pen * (x + 1.0)
        return grad * (grad / pen)

    bound = 1e-8 * (1.0 + 0.5 * pen)
    lo, hi = 0.0, 1e-7
    for _ in range(200):
        lo, hi = ((lo + hi) / 2, hi) if decrement((lo + hi) / 2) < bound else (lo, (lo + hi) / 2)
    assert decrement(hi) == bound
    assert _one_block(0, [0.0], [pen], [-1.0], [], [hi], [1.0], 20, 0.0)[2:] == (0, 1)
    x, _, status, nit = _one_block(
        0, [-2.0, 0.0], [0.0, 1e-9], [0.0, -1.0], [], [1.0, 1e-6], [1.0, 1.0], 20, 0.0
    )
    assert x.tolist() == [1.0, 0.0] and (status, nit) == (0, 1)


def test_standard_errors_are_nan_without_curvature_or_identification():
    """A coordinate off its bounds with no curvature (no cost, no penalty, no group)
    has no standard error; nor do parameters that only appear together (pairs in
    one success group, no penalty: only their sum is identified), on the dense path
    (3 pairs) and the conjugate-gradient one (101 pairs, 202 coordinates). A single
    coupled coordinate off its bound gets ``1 / sqrt(H)``: with NetRate's ``log s``,
    ``H = 1 / s^2``, so its standard error is its own value."""
    x, se, status, _ = _one_block(0, [0.0], [0.0], [0.0], [], [0.5], [1.0], 20, 1e-12)
    assert x.tolist() == [0.5] and np.isnan(se).all() and status == 0
    for pairs in (3, 101):
        d = 2 * pairs
        groups = [([2 * i, 2 * i + 1], [1.0, 1.0]) for i in range(pairs)]
        x, se, status, _ = _one_block(
            1, np.ones(d), np.zeros(d), np.zeros(d), groups, np.full(d, 0.3), np.full(d, 10.0), 100, 1e-12
        )  # fmt: skip
        np.testing.assert_allclose(x[0::2] + x[1::2], 1.0, rtol=1e-10)
        assert (0.0 < x).all() and np.isnan(se).all() and status == 0
    x, se, status, _ = _one_block(
        1, [5.0, 2.0], [0.0, 0.0], [0.0, 0.0], [([0, 1], [1.0, 1.0])], [0.3, 0.3], [10.0, 10.0], 100, 1e-14
    )  # fmt: skip
    assert x[0] == 0.0 and np.isnan(se[0]) and status == 0
    np.testing.assert_allclose([x[1], se[1]], [0.5, x[1]], rtol=1e-12)


@pytest.mark.parametrize("n_par", [40, 260])  # dense Cholesky, and conjugate gradients (> 200)
def test_solver_on_one_coupled_block_meets_kkt_with_exact_standard_errors(n_par):
    gen = np.random.default_rng(n_par)
    lens = gen.integers(1, 5, 3 * n_par)
    ptr = np.concatenate([[0], np.cumsum(lens)])
    par = np.concatenate([gen.choice(n_par, size=k, replace=False) for k in lens])
    lin = gen.uniform(0.5, 6.0, n_par)
    pen = np.full(n_par, 0.5)
    x, se, n_bad, nit = solve_targets(
        0,
        np.array([n_par]),
        lin,
        np.zeros(lens.size, dtype=np.int64),
        ptr,
        par,
        np.ones(par.size),
        np.full(n_par, 0.3),
        pen,
        np.full(n_par, 30.0),
        500,
    )
    assert n_bad == 0
    # projected Newton: 7 and 10 iterations here; scaled gradient steps alone (a Newton
    # step that always failed) take 103 and 135
    assert nit <= 20
    s = np.add.reduceat(x[par], ptr[:-1])
    w = np.repeat(1 / np.expm1(s), lens)
    grad = lin + pen * (x - 0.3) - np.bincount(par, weights=w, minlength=n_par)
    interior = x > 0
    assert np.all(np.abs(grad[interior]) <= 1e-7 * (1 + lin[interior]))
    assert np.all(grad[~interior] >= -1e-9)
    # standard errors: the inverse of the Hessian on the interior coordinates
    curv = np.exp(s) / np.expm1(s) ** 2
    hess = np.diag(pen)
    for g in range(lens.size):
        idx = par[ptr[g] : ptr[g + 1]]
        hess[np.ix_(idx, idx)] += curv[g]
    inner = np.flatnonzero(interior)
    cov = np.linalg.inv(hess[np.ix_(inner, inner)])
    np.testing.assert_allclose(se[inner], np.sqrt(np.diag(cov)), rtol=1e-6)
    assert np.isnan(se[~interior]).all()


@pytest.mark.parametrize("kind", [0, 1])  # IC (log(1 - e^-s)) and NetRate (log s)
def test_solver_on_several_blocks_meets_kkt_with_exact_standard_errors(kind):
    """Every block of a multi-target problem solved to its KKT conditions, with what the
    single-block tests hold fixed set free: blocks at nonzero offsets (5, 40 and 230
    parameters, the last by conjugate gradients), a penalty centre and weight per
    parameter, coefficients other than 1 (NetRate's are time gaps), a group naming one
    parameter twice, and upper bounds that bind. Standard errors: the inverse Hessian of
    each block on its free coordinates (NaN on a bound)."""
    gen = np.random.default_rng(40 + kind)
    sizes = np.array([5, 40, 230])
    offsets = np.concatenate([[0], np.cumsum(sizes)])
    n_par = int(sizes.sum())
    groups = []  # (target, parameters, coefficients)
    for b, size in enumerate(sizes):
        for _ in range(3 * size):
            k = int(gen.integers(1, 5))
            idx = gen.choice(size, size=k, replace=bool(gen.random() < 0.1)) + offsets[b]
            groups.append((b, idx, gen.uniform(0.5, 2.0, k)))
    gen.shuffle(groups)  # the solver sorts groups by target itself
    target = np.array([t for t, _, _ in groups], dtype=np.int64)
    lens = np.array([i.size for _, i, _ in groups])
    ptr = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    par = np.concatenate([i for _, i, _ in groups]).astype(np.int64)
    coef = np.concatenate([c for _, _, c in groups])
    lin = gen.uniform(0.5, 6.0, n_par)
    centre = gen.uniform(0.05, 0.6, n_par)
    pen = gen.uniform(0.1, 2.0, n_par)
    upper = np.where(gen.random(n_par) < 0.1, 0.05, 30.0)
    x, se, n_bad, nit = solve_targets(
        kind, sizes, lin, target, ptr, par, coef, centre, pen, upper, 500
    )
    assert n_bad == 0
    assert nit <= 20  # Newton: 9 iterations at most over the blocks; gradient steps: 75, 50
    s_g = np.add.reduceat(x[par] * coef, ptr[:-1])
    d1 = 1 / np.expm1(s_g) if kind == 0 else 1 / s_g
    curv = np.exp(s_g) / np.expm1(s_g) ** 2 if kind == 0 else 1 / s_g**2
    grad = lin + pen * (x - centre)
    grad -= np.bincount(par, weights=np.repeat(d1, lens) * coef, minlength=n_par)
    low, high = x <= 0, x >= upper
    free = ~low & ~high
    assert low.any() or high.any()
    assert np.all(np.abs(grad[free]) <= 1e-7 * (1 + lin[free] + pen[free]))
    assert np.all(grad[low] >= -1e-9) and np.all(grad[high] <= 1e-9)
    for b in range(sizes.size):
        lo, hi = offsets[b], offsets[b + 1]
        hess = np.diag(pen[lo:hi])
        for g in np.flatnonzero(target == b):
            c = np.zeros(hi - lo)
            np.add.at(c, par[ptr[g] : ptr[g + 1]] - lo, coef[ptr[g] : ptr[g + 1]])
            hess += curv[g] * np.outer(c, c)
        inner = np.flatnonzero(free[lo:hi])
        cov = np.linalg.inv(hess[np.ix_(inner, inner)])
        np.testing.assert_allclose(se[lo:hi][inner], np.sqrt(np.diag(cov)), rtol=1e-6)
        assert np.isnan(se[lo:hi][~free[lo:hi]]).all()


@pytest.mark.parametrize("kind", [0, 1])
def test_block_objective_and_derivatives_are_their_definitions(kind):
    """The solver's pieces for one block, against the sums written out: the objective
    ``lin.x + sum pen (x - c)**2 / 2 - sum_g phi(s_g)``, ``s_g = sum_e coef_e x_par(e)``
    (a parameter twice in a group counts twice), ``phi = log(1 - e^-s)`` (IC) or
    ``log s`` (NetRate), +inf where a group's ``s`` is 0 (its likelihood is 0); its
    gradient, Hessian diagonal and per-group curvature; ``H v`` and the
    conjugate-gradient solve of ``(H + ridge I) z = b`` on a mask of free coordinates
    (0 for b = 0). The block sits at a parameter offset and a group offset (another
    block's groups first). These steer the Newton steps and the line search, which the
    solutions' KKT tests cannot see."""
    from spread.fit._target_kernels import (
        _block_derivatives,
        _block_value,
        _cg_solve,
        _hess_vec,
    )

    gen = np.random.default_rng(7 + kind)
    p0, d, g0, n_g = 3, 6, 2, 11  # groups 0 and 1 belong to the block before
    lin = gen.uniform(0.5, 3, p0 + d)
    pen = gen.uniform(0.1, 2, p0 + d)
    centre = gen.uniform(0, 1, p0 + d)
    lens = gen.integers(1, 4, n_g)
    lens[g0 + 1] = 2  # this group names one parameter twice
    ptr = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    par = np.concatenate(
        [gen.choice(p0, k) if g < g0 else p0 + gen.choice(d, k) for g, k in enumerate(lens)]
    ).astype(np.int64)
    par[ptr[g0 + 1] + 1] = par[ptr[g0 + 1]]
    coef = gen.uniform(0.5, 2.0, par.size)
    x = gen.uniform(0.1, 1.0, d)
    mine = range(g0, n_g)
    cs = []
    for g in mine:
        c = np.zeros(d)
        np.add.at(c, par[ptr[g] : ptr[g + 1]] - p0, coef[ptr[g] : ptr[g + 1]])
        cs.append(c)
    s_g = np.array([c @ x for c in cs])
    phi = np.log(-np.expm1(-s_g)) if kind == 0 else np.log(s_g)
    d1 = 1 / np.expm1(s_g) if kind == 0 else 1 / s_g
    d2 = -np.exp(s_g) / np.expm1(s_g) ** 2 if kind == 0 else -1 / s_g**2
    sl = slice(p0, p0 + d)
    want = lin[sl] @ x + 0.5 * np.sum(pen[sl] * (x - centre[sl]) ** 2) - phi.sum()
    args = (kind, x, lin, pen, centre, g0, n_g, ptr, par, coef, p0)
    assert _block_value(*args) == pytest.approx(want, rel=1e-12)
    grad, hdiag, curv = np.empty(d), np.empty(d), np.empty(n_g - g0)
    _block_derivatives(*args, grad, hdiag, curv)
    want_grad = (
        lin[sl] + pen[sl] * (x - centre[sl]) - sum(a * c for a, c in zip(d1, cs, strict=True))
    )
    want_h = pen[sl] - sum(a * c**2 for a, c in zip(d2, cs, strict=True))
    np.testing.assert_allclose(curv, -d2, rtol=1e-12)
    np.testing.assert_allclose(grad, want_grad, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(hdiag, want_h, rtol=1e-12)
    hess = np.diag(pen[sl]) + sum(-a * np.outer(c, c) for a, c in zip(d2, cs, strict=True))
    mask = np.array([True, True, False, True, True, True])
    kw = (p0, g0, n_g, ptr, par, coef, curv, mask)
    v = np.where(mask, gen.normal(size=d), 0.0)
    out = np.full(d, np.nan)
    _hess_vec(v, pen, *kw, out)
    np.testing.assert_allclose(out, np.where(mask, hess @ v, 0.0), rtol=1e-12, atol=1e-12)
    b = np.where(mask, gen.normal(size=d), 0.0)
    # the second ridge equals a masked diagonal value, the third lies between them: a
    # preconditioner other than 1 / (hdiag + ridge) divides by zero or changes sign
    for ridge in (0.3, float(np.sort(hdiag[mask])[2]), float(np.median(hdiag))):
        want_z = np.zeros(d)
        want_z[mask] = np.linalg.solve(hess[np.ix_(mask, mask)] + ridge * np.eye(5), b[mask])
        assert _cg_solve(b, hdiag, ridge, pen, *kw, out)
        np.testing.assert_allclose(out, want_z, rtol=1e-8, atol=1e-10)
    assert _cg_solve(0 * b, hdiag, 0.3, pen, *kw, out)
    assert np.all(out == 0.0)
    # a group whose parameters are all 0 has s = 0: the objective is +inf there
    x0 = x.copy()
    x0[par[ptr[g0] : ptr[g0 + 1]] - p0] = 0.0
    assert _block_value(kind, x0, lin, pen, centre, g0, n_g, ptr, par, coef, p0) == np.inf


def test_cg_solve_reaches_an_ill_conditioned_solution_and_refuses_a_singular_system():
    """The conjugate-gradient solve of the Newton system (blocks of more than 200
    coupled parameters), past the easy cases: a chain of 260 parameters, each group
    coupling a neighbouring pair, with a tiny penalty (condition number 4 x 10^4, which
    the Jacobi preconditioner cannot mend) needs 260 iterations (scipy's CG with the same
    preconditioner; after 50 it is far from the solution, checked below), and must
    still return the solution; and with no penalty and no ridge, a right-hand side outside
    the range of a singular Hessian (two parameters that only ever appear together)
    must be refused, so the caller retries with a ridge, rather than returning a
    partial or non-finite solution as if solved."""
    from scipy.sparse.linalg import cg

    from spread.fit._target_kernels import _cg_solve

    d = 260
    ptr = np.arange(0, 2 * d - 1, 2, dtype=np.int64)  # d - 1 groups {i, i + 1}
    par = np.stack([np.arange(d - 1), np.arange(1, d)], axis=1).ravel().astype(np.int64)
    coef = np.ones(par.size)
    curv = np.full(d - 1, 1.0)
    pen = np.full(d, 1e-4)
    hess = np.diag(pen)
    for g in range(d - 1):
        hess[g : g + 2, g : g + 2] += curv[g]
    hdiag = np.diag(hess).copy()
    b = np.random.default_rng(3).normal(size=d)
    want = np.linalg.solve(hess, b)
    few, _ = cg(hess, b, rtol=1e-10, maxiter=50, M=np.diag(1 / hdiag))
    assert np.linalg.norm(few - want) > 1e-3 * np.linalg.norm(want)  # 50 iterations fall short
    out = np.full(d, np.nan)
    mask = np.ones(d, dtype=np.bool_)
    assert _cg_solve(b, hdiag, 0.0, pen, 0, 0, d - 1, ptr, par, coef, curv, mask, out)
    np.testing.assert_allclose(out, want, rtol=1e-6, atol=1e-8 * np.abs(want).max())
    # singular: parameters 0 and 1 appear only together, no penalty, no ridge
    ptr2 = np.array([0, 2, 4], dtype=np.int64)
    par2 = np.array([0, 1, 0, 1], dtype=np.int64)
    curv2, pen2 = np.array([1.0, 2.0]), np.zeros(2)
    hdiag2 = np.full(2, 3.0)
    args = (pen2, 0, 0, 2, ptr2, par2, np.ones(4), curv2, np.ones(2, dtype=np.bool_))
    assert not _cg_solve(np.array([1.0, -1.0]), hdiag2, 0.0, *args, np.empty(2))
    out2 = np.empty(2)  # with a ridge the same system is solved
    assert _cg_solve(np.array([1.0, -1.0]), hdiag2, 0.5, *args, out2)
    np.testing.assert_allclose(out2, [2.0, -2.0], rtol=1e-10)
    # a diagonal system (no groups) with power-of-two entries: the preconditioned first
    # step is exact, the residual exactly 0, and the solve must stop there, solved (a
    # further step would find a zero direction, no curvature along it, and refuse)
    out3 = np.empty(2)
    args3 = (np.array([2.0, 4.0]), 0, 0, 0, ptr2[:1], par2, np.ones(4), curv2, args[-1])
    assert _cg_solve(np.array([1.0, 1.0]), np.array([2.0, 4.0]), 0.0, *args3, out3)
    assert out3.tolist() == [0.5, 0.25]


@pytest.mark.parametrize("size", [12, 230])  # Cholesky (<= 200 coupled), conjugate gradients
def test_newton_step_is_the_hessian_solve_on_the_free_coordinates(size):
    """`_newton_step` against the linear algebra written out: zero off the free
    coordinates; ``grad / hdiag`` on free ones outside every multi-parameter group (and
    ``grad / (1e-12 scale)`` where such a row has no curvature); on the free coupled
    ones the solve of their Hessian block (penalty plus curvature times coefficient
    products), by Cholesky up to 200 of them and by conjugate gradients past that. Then
    the pieces of the Cholesky path: the block Hessian, the factor of ``a + ridge I``
    (refused for an indefinite matrix, accepted once a ridge lifts a singular one) and
    its solve."""
    from spread.fit._target_kernels import (
        _cholesky,
        _cholesky_solve,
        _dense_hessian,
        _newton_step,
    )

    gen = np.random.default_rng(size)
    p0, d = 4, size + 3  # the last 3 coordinates sit in no multi-parameter group
    n_g = 2 * size
    lens = gen.integers(2, 4, n_g)
    ptr = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    par = np.concatenate([p0 + gen.choice(size, k, replace=False) for k in lens]).astype(np.int64)
    coef = gen.uniform(0.5, 2.0, par.size)
    curv = gen.uniform(0.2, 1.5, n_g)
    pen = gen.uniform(0.1, 1.0, p0 + d)
    pen[p0 + d - 1] = 0.0  # an uncoupled coordinate with no curvature at all
    hess = np.diag(pen[p0:])
    for g in range(n_g):
        c = np.zeros(d)
        np.add.at(c, par[ptr[g] : ptr[g + 1]] - p0, coef[ptr[g] : ptr[g + 1]])
        hess += curv[g] * np.outer(c, c)
    hdiag = np.diag(hess).copy()
    coupled = np.zeros(d, dtype=np.bool_)
    coupled[:size] = True
    free = gen.random(d) < 0.8
    free[size:] = True
    grad = gen.normal(size=d)
    scale = float(np.abs(hdiag).max())
    step = np.full(d, np.nan)
    args = (pen, p0, 0, n_g, ptr, par, coef, curv, coupled, free, step)
    assert _newton_step(grad, hdiag, scale, *args)
    want = np.zeros(d)
    inner = np.flatnonzero(free & coupled)
    want[inner] = np.linalg.solve(hess[np.ix_(inner, inner)], grad[inner])
    want[size : d - 1] = grad[size : d - 1] / hdiag[size : d - 1]
    want[d - 1] = grad[d - 1] / (1e-12 * scale)
    np.testing.assert_allclose(step, want, rtol=1e-7, atol=1e-9 * np.abs(want[:-1]).max())
    # with no free coupled coordinate the step is the diagonal one alone, and computed
    step2 = np.full(d, np.nan)
    no_coupled = free & ~coupled
    assert _newton_step(grad, hdiag, scale, *args[:-3], coupled, no_coupled, step2)
    np.testing.assert_array_equal(step2, np.where(no_coupled, want, 0.0))
    if size > 200:
        return
    # a singular block (two parameters only ever together, no penalty; the Hessian all
    # ones, whose factor's second pivot is exactly 0): Cholesky fails at ridge 0, and
    # the step is the solve with the ridge 1e-12 times `scale` (passed as 4)
    ptr2, par2 = np.array([0, 2, 4], dtype=np.int64), np.array([0, 1, 0, 1], dtype=np.int64)
    curv2 = np.array([0.25, 0.75])
    both = np.ones(2, dtype=np.bool_)
    step3 = np.empty(2)
    grad3 = np.array([1.0, 0.5])
    args3 = (np.zeros(2), 0, 0, 2, ptr2, par2, np.ones(4), curv2, both, both, step3)
    assert not _cholesky(np.ones((2, 2)), 0.0)[1]
    assert _newton_step(grad3, np.ones(2), 4.0, *args3)
    want3 = np.linalg.solve(np.ones((2, 2)) + 4e-12 * np.eye(2), grad3)
    np.testing.assert_allclose(step3, want3, rtol=1e-3)  # conditioned 1e12: 1e-4 is reached
    # the Cholesky path's pieces, on the free coupled block
    local = np.full(d, -1, dtype=np.int64)
    local[inner] = np.arange(inner.size)
    h = _dense_hessian(inner, local, p0, pen, 0, n_g, ptr, par, coef, curv)
    np.testing.assert_allclose(h, hess[np.ix_(inner, inner)], rtol=1e-12)
    for ridge in (0.0, 0.7):
        low, ok = _cholesky(h, ridge)
        assert ok
        assert np.all(np.triu(low, 1) == 0.0)
        np.testing.assert_allclose(
            low @ low.T, h + ridge * np.eye(inner.size), rtol=1e-12, atol=1e-12 * h.max()
        )
        b = gen.normal(size=inner.size)
        np.testing.assert_allclose(
            _cholesky_solve(low, b), np.linalg.solve(h + ridge * np.eye(inner.size), b), rtol=1e-9
        )
    singular = np.ones((3, 3))  # rank one
    assert not _cholesky(singular, 0.0)[1]
    low, ok = _cholesky(singular, 0.5)
    assert ok
    np.testing.assert_allclose(low @ low.T, singular + 0.5 * np.eye(3), rtol=1e-12)
    assert not _cholesky(np.array([[1.0, 2.0], [2.0, 1.0]]), 0.0)[1]  # indefinite


def test_newton_step_on_a_large_singular_block_retries_with_the_ridge():
    """Conjugate gradients (more than 200 coupled coordinates) on a singular block: 101
    pairs of parameters that only appear together, no penalty, so the Hessian is 101
    blocks of ones. With the gradient (1, 0) on every pair (dyadic numbers: the
    arithmetic is exact), the second search direction has no curvature at all, the
    solve without a ridge is refused, and the step is the solve with the ridge 1e-12
    times `scale` (passed as 4)."""
    from spread.fit._target_kernels import _newton_step

    pairs = 101
    d = 2 * pairs
    ptr = np.arange(0, d + 1, 2, dtype=np.int64)
    par = np.arange(d, dtype=np.int64)
    grad = np.tile([1.0, 0.0], pairs)
    everything = np.ones(d, dtype=np.bool_)
    step = np.full(d, np.nan)
    args = (np.zeros(d), 0, 0, pairs, ptr, par, np.ones(d), np.ones(pairs))
    assert _newton_step(grad, np.ones(d), 4.0, *args, everything, everything, step)
    hess = np.kron(np.eye(pairs), np.ones((2, 2))) + 4e-12 * np.eye(d)
    np.testing.assert_allclose(step, np.linalg.solve(hess, grad), rtol=1e-3)


def test_per_arc_solver_agrees_with_saito_em():
    g = ba(40, 2, 1)
    p = np.random.default_rng(2).uniform(0.05, 0.3, g.n_edges)
    cs = simulate_cascades(g, spread.IC(p=p), n_cascades=300, rng=3)
    tg = trial_groups(cs, 1.0)
    groups = [
        (tg.arcs[tg.ptr[i] : tg.ptr[i + 1]].tolist(), bool(tg.success[i]))
        for i in range(tg.k.size)
    ]
    kappa, n_iter = ic_em(groups, g.n_edges)
    assert n_iter < 100_000
    res = fit_ic(cs, granularity="edge")
    has = res.diagnostics["arc_trials"] > 0
    em = np.array([np.nan if v is None else v for v in kappa])
    assert np.isnan(em[~has]).all()
    # measured largest difference 7.6e-14 (EM to 1e-13 per step, Newton to its decrement)
    np.testing.assert_allclose(res.diagnostics["arc_p"][has], em[has], rtol=0, atol=2e-13)


def test_penalty_shrinks_toward_the_pooled_estimate():
    g = ba(60, 2, 5)
    cs = simulate_cascades(g, spread.IC(p=0.2), n_cascades=100, rng=6)
    free = fit_ic(cs, granularity="edge")
    tight = fit_ic(cs, granularity="edge", penalty=1e9)
    mild = fit_ic(cs, granularity="edge", penalty=20)
    p0 = free.params["p"]
    np.testing.assert_allclose(tight.diagnostics["arc_p"], p0, rtol=1e-5)
    spread_free = np.std(free.diagnostics["arc_p"] - p0)
    spread_mild = np.std(mild.diagnostics["arc_p"] - p0)
    assert spread_mild < spread_free
    assert free.params == tight.params  # the pooled p does not depend on the penalty


def test_exposure_curve_by_hand_and_wilson_interval():
    g = spread.Graph.from_edges([0, 0, 1, 1, 2], [1, 2, 2, 3, 3])
    cs = frame_cascades(g, [(0, 0, 0.0), (0, 1, 1.0), (0, 2, 2.0)])
    ex = exposure_curve(cs, level=0.95)
    assert ex["n_reached"].tolist() == [3, 2] and ex["n_adopted"].tolist() == [1, 1]
    p, n, z = 1 / 3, 3, 1.959963984540054
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    assert ex.loc[1, "lower"] == pytest.approx(centre - half, rel=1e-12)
    assert ex.loc[1, "upper"] == pytest.approx(centre + half, rel=1e-12)
    assert ex.loc[1, "stderr"] == pytest.approx(np.sqrt(p * (1 - p) / n), rel=1e-12)


def test_exposure_counts_are_their_definition_pair_by_pair():
    """Coupled: `exposures` equals `tests.reference.exposure_counts` on several cascades
    over a random digraph, with adopters in the same step as their in-neighbours (not
    counted), the seeds' step left out, and nodes in several cascades."""
    rng = np.random.default_rng(5)
    n = 90
    src, dst = rng.integers(0, n, 500), rng.integers(0, n, 500)
    keep = src != dst
    g = spread.Graph.from_edges(src[keep], dst[keep], labels=np.arange(n))
    rows = []
    for c in range(8):
        for v in rng.choice(n, int(rng.integers(3, 30)), replace=False):
            rows.append((c, int(v), float(rng.integers(0, 4))))
    cs = frame_cascades(g, rows)
    casc_ptr, nodes, steps, _ = cs.generations(1.0)
    reached, adopted = reference.exposure_counts(g, casc_ptr, nodes, steps)
    assert len(reached) > 4 and sum(adopted[1:]) > 10
    ex = exposures(cs, 1.0)
    assert ex.index.tolist() == list(range(1, len(reached)))
    assert ex["n_reached"].tolist() == reached[1:]
    assert ex["n_adopted"].tolist() == adopted[1:]
    # Cascades of seeds that expose nobody (no arc out of any) give an empty curve.
    lone = spread.Graph.from_edges([0], [1], labels=np.arange(4))
    lone = frame_cascades(lone, [(0, 2, 0.0), (1, 1, 0.0), (1, 3, 0.0)])
    assert exposures(lone, 1.0).empty


@pytest.mark.parametrize("adopts", [True, False])
@pytest.mark.parametrize("k", [15, 16, 40])
def test_exposure_counts_past_the_first_buffer(k, adopts):
    """A hub whose `k` in-neighbours all adopt before it does (or never does): its pair
    counts at `k` whatever the counting buffer's size (16 at first): below it, exactly
    at it, and past twice it (one growth must reach `k`)."""
    g = spread.Graph.from_edges(
        np.arange(1, k + 1), np.zeros(k, dtype=int), labels=np.arange(k + 2)
    )
    rows = [(0, k + 1, 0.0)] + [(0, v, 1.0) for v in range(1, k + 1)]
    rows += [(0, 0, 2.0)] if adopts else []
    ex = exposures(frame_cascades(g, rows), 1.0)
    assert ex.index.tolist() == list(range(1, k + 1))
    assert ex["n_reached"].tolist() == [1] * k
    assert ex["n_adopted"].tolist() == [0] * (k - 1) + [int(adopts)]


def test_exposure_curve_rises_under_lt_and_not_under_ic():
    # On a 6-regular graph LT with uniform thresholds and weights 1/6 gives
    # P(k) = 1 / (7 - k), rising; IC gives about p (exposures mostly one step at a time).
    g = spread.Graph.from_networkx(nx.random_regular_graph(6, 1000, seed=7))
    ic = exposure_curve(simulate_cascades(g, spread.IC(p=0.1), n_cascades=300, rng=8))
    lt = exposure_curve(simulate_cascades(g, spread.LT(), n_cascades=300, rng=9))
    d_ic = ic.loc[2, "probability"] - ic.loc[1, "probability"]
    assert abs(d_ic) < 4 * np.hypot(ic.loc[1, "stderr"], ic.loc[2, "stderr"])
    for k in (1, 2, 3):
        got, se = lt.loc[k, "probability"], lt.loc[k, "stderr"]
        assert abs(got - 1 / (7 - k)) < 4 * se


# ------------------------------------------------------------- simulation
def test_simulate_cascades_reproducible_and_independent():
    g = spread.datasets.load("karate")
    a = simulate_cascades(g, spread.IC(p=0.3), seeds=[0], n_cascades=200, rng=11)
    b = simulate_cascades(g, spread.IC(p=0.3), seeds=[0], n_cascades=200, rng=11)
    pd.testing.assert_frame_equal(a.data, b.data)
    sizes = a.sizes.to_numpy()
    assert a.n_cascades == 200 and len(np.unique(sizes)) > 5  # streams differ per cascade
    ref = spread.simulate(g, [0], spread.IC(p=0.3), n_runs=4000, rng=12)
    se = np.hypot(sizes.std(ddof=1) / np.sqrt(200), ref.stderr)
    assert abs(sizes.mean() - ref.mean) < 4 * se
    sets = simulate_cascades(g, spread.IC(p=0.3), seeds=[[0], [33, 1]], rng=1)
    first = sets.data[sets.data["time"] == 0].groupby("cascade")["node"].apply(sorted)
    assert first.tolist() == [[0], [1, 33]]


# --------------------------------------------------------------- recovery
def test_ic_global_recovery_and_wald_coverage():
    """IC p = 0.05 on BA(2000, 3) from 200 single-seed cascades, 20 replicates: median
    relative error within the issue's 10%, and the Wald interval of every replicate is its
    definition, ``p * exp(± z * se / p)`` with ``z = norm.ppf(0.975)`` (upper end at most
    1). Twenty replicates cannot tell 95% coverage from 90% (a binomial test accepts 15
    of 20 and up at alpha 0.001), so the coverage itself, with enough replicates to
    catch a 15% narrow interval, is pinned in tests/test_intervals.py
    (`test_wald_interval_of_an_ic_probability_covers_the_truth`); here the count must
    pass the same binomial test (measured 18/20)."""
    g = ba(2000, 3, 0)
    z = stats.norm.ppf(0.975)
    errors, covered = [], []
    for r in range(20):
        cs = simulate_cascades(g, spread.IC(p=0.05), n_cascades=200, rng=100 + r)
        res = fit_ic(cs)
        assert res.success, res.message
        errors.append(abs(res.params["p"] / 0.05 - 1))
        p, half = res.params["p"], z * res.stderr["p"] / res.params["p"]
        expected = (p * np.exp(-half), min(p * np.exp(half), 1.0))
        assert tuple(res.intervals["p"]) == pytest.approx(expected, rel=1e-12)
        low, high = res.intervals["p"]
        covered.append(low <= 0.05 <= high)
    assert np.median(errors) <= 0.10  # the target; measured median 4.4%
    assert np.mean(covered) >= 0.75  # measured 0.90 (18/20); nominal 0.95
    assert stats.binomtest(int(np.sum(covered)), 20, 0.95).pvalue > 0.001
    prof = res.conf_int(method="profile")["p"]
    assert prof.low < 0.05 < prof.high
    wald = res.intervals["p"]
    assert prof.low == pytest.approx(wald.low, rel=0.05)


def test_ic_per_arc_recovery():
    g = ba(500, 2, 1)
    p = np.random.default_rng(2).uniform(0.05, 0.3, g.n_edges)
    cs = simulate_cascades(g, spread.IC(p=p), n_cascades=2000, rng=3)
    res = fit_ic(cs, granularity="edge")
    assert res.success, res.message
    trials = res.diagnostics["arc_trials"]
    busy = trials >= 100
    rel = np.abs(res.diagnostics["arc_p"][busy] / p[busy] - 1)
    assert busy.sum() > 100
    assert rel.mean() <= 0.5  # FITTING.md row; measured 0.169
    assert rel.mean() <= 0.34  # twice the measured 0.169
    assert res.model == "ic_edge" and res.diagnostics["arc_p"].dtype == np.float64
    assert np.all(res.diagnostics["arc_p"][trials == 0] == res.params["p"])


def beta_lt_cascade(graph, a, b, frac, seed):
    """One LT cascade with per-node Beta(a, b) thresholds, from our simulator."""
    gen = np.random.default_rng(seed)
    seeds = gen.choice(graph.n_nodes, int(frac * graph.n_nodes), replace=False)
    theta = np.clip(gen.beta(a, b, graph.n_nodes), 1e-12, 1.0)
    return simulate_cascades(graph, spread.LT(thresholds=theta), seeds=[list(seeds)], rng=seed)


def test_lt_threshold_law_recovery():
    g = ba(3000, 3, 4)
    err_a, err_b = [], []
    for r in range(10):
        res = fit_lt(beta_lt_cascade(g, 2.0, 5.0, 0.05, 200 + r))
        assert res.success, res.message
        err_a.append(abs(res.params["a"] / 2 - 1))
        err_b.append(abs(res.params["b"] / 5 - 1))
    # the target is 6%; measured medians 3.6% (a) and 3.4% (b)
    assert np.median(err_a) <= 0.06 and np.median(err_b) <= 0.06
    assert res.diagnostics["n_brackets"] == res.n_obs > 2000


def test_lt_power_law_is_one_for_uniform_thresholds():
    g = ba(2000, 3, 5)
    gen = np.random.default_rng(3)
    estimates = []
    for r in range(3):
        seeds = gen.choice(2000, 40, replace=False)
        cs = simulate_cascades(g, spread.LT(), seeds=[list(seeds)], rng=r)
        res = fit_lt(cs, threshold_law="power")
        assert res.success and set(res.params) == {"a"}
        low, high = res.intervals["a"]
        estimates.append(low < 1.0 < high)
    assert sum(estimates) >= 2


def test_bootstrap_intervals_ic_and_lt():
    g = ba(200, 2, 6)
    cs = simulate_cascades(g, spread.IC(p=0.15), n_cascades=40, rng=1)
    res = fit_ic(cs, ci_method="bootstrap", n_resamples=10, rng=2)
    low, high = res.intervals["p"]
    assert res.ci_method == "bootstrap" and low < res.params["p"] < high
    again = fit_ic(cs, ci_method="bootstrap", n_resamples=10, rng=2)
    assert again.intervals == res.intervals  # reproducible from rng
    edge = fit_ic(cs, granularity="edge", ci_method="bootstrap", n_resamples=6, rng=2)
    assert edge.intervals["p"].low < edge.params["p"] < edge.intervals["p"].high
    # 30 replicates: a percentile interval from 6 can miss a biased estimate by chance
    res = fit_lt(
        beta_lt_cascade(g, 2.0, 5.0, 0.05, 1), ci_method="bootstrap", n_resamples=30, rng=3
    )
    for name in ("a", "b"):
        assert res.intervals[name].low < res.params[name] < res.intervals[name].high


# ------------------------------------------------------------- invariances
def relabelled(graph, cascades, seed):
    """The same graph and cascades with node labels permuted (so arcs come in another order)."""
    n = graph.n_nodes
    perm = np.random.default_rng(seed).permutation(n)
    src, dst, _ = graph.edges()
    g2 = spread.Graph.from_edges(perm[src], perm[dst])
    df = cascades.data[["cascade", "node", "time"]].assign(node=lambda d: perm[d["node"]])
    return g2, Cascades.from_frame(df, graph=g2), perm


def arc_map(graph):
    src, dst, _ = graph.edges()
    return {(int(u), int(v)): i for i, (u, v) in enumerate(zip(src, dst, strict=True))}


@pytest.mark.parametrize("granularity", ["global", "node", "edge"])
def test_ic_invariant_to_relabelling_cascade_order_and_time_scale(granularity):
    g = ba(200, 2, 8)
    cs = simulate_cascades(g, spread.IC(p=0.2), n_cascades=150, rng=9)
    base = fit_ic(cs, granularity=granularity)
    g2, cs2, perm = relabelled(g, cs, 1)
    other = fit_ic(cs2, granularity=granularity)
    assert other.params["p"] == pytest.approx(base.params["p"], rel=1e-12)
    # Arcs only ever tried together with the same other arcs are identified only through
    # their sum (a ridge of the likelihood: NaN stderr), so the split the solver returns
    # may follow the arc order; the likelihood and every identified arc may not.
    arc_p = base.diagnostics.get("arc_p", np.zeros(1))
    on_bound = (arc_p <= 1e-9) | (arc_p >= 1 - 1e-9)
    identified = np.isfinite(base.diagnostics.get("arc_stderr", np.zeros(1))) | on_bound
    if granularity != "global":
        m1, m2 = arc_map(g), arc_map(g2)
        idx = [m2[(int(perm[u]), int(perm[v]))] for (u, v) in m1]
        assert other.loglik == pytest.approx(base.loglik, rel=1e-10)
        np.testing.assert_allclose(
            other.diagnostics["arc_p"][idx][identified],
            base.diagnostics["arc_p"][identified],
            rtol=1e-10,
            atol=1e-13,
        )
    # cascades renamed in another order, rows shuffled
    df = cs.data[["cascade", "node", "time"]]
    rename = dict(enumerate(np.random.default_rng(2).permutation(cs.n_cascades)))
    df = df.assign(cascade=df["cascade"].map(rename)).sample(frac=1, random_state=3)
    shuffled = fit_ic(Cascades.from_frame(df, graph=g), granularity=granularity)
    assert shuffled.params["p"] == pytest.approx(base.params["p"], rel=1e-12)
    # times t -> c t with dt -> c dt
    scaled = Cascades.from_frame(
        cs.data[["cascade", "node", "time"]].assign(time=lambda d: d["time"] * 0.37), graph=g
    )
    res = fit_ic(scaled, dt=0.37, granularity=granularity)
    assert res.params["p"] == pytest.approx(base.params["p"], rel=1e-12)
    if granularity != "global":
        np.testing.assert_allclose(
            res.diagnostics["arc_p"], base.diagnostics["arc_p"], rtol=1e-12, atol=1e-14
        )
        np.testing.assert_allclose(
            shuffled.diagnostics["arc_p"][identified],
            base.diagnostics["arc_p"][identified],
            rtol=1e-10,
            atol=1e-13,
        )


def test_lt_invariant_to_relabelling_and_time_scale():
    g = ba(800, 3, 2)
    cs = beta_lt_cascade(g, 2.0, 5.0, 0.05, 4)
    base = fit_lt(cs)
    _, cs2, _ = relabelled(g, cs, 5)
    other = fit_lt(cs2)
    for name in ("a", "b"):
        assert other.params[name] == pytest.approx(base.params[name], rel=1e-6)
    scaled = Cascades.from_frame(
        cs.data[["cascade", "node", "time"]].assign(time=lambda d: 3600.0 * d["time"]), graph=g
    )
    res = fit_lt(scaled, dt=3600.0)
    assert res.params == base.params


def test_datetime_cascades_with_a_time_span():
    g = spread.Graph.from_edges([0, 0, 1], [1, 2, 2])
    t0 = pd.Timestamp("2024-05-01 12:00")
    df = pd.DataFrame(
        {
            "c": [0, 0, 1, 1],
            "v": [0, 1, 0, 2],
            "t": [t0, t0 + pd.Timedelta("50min"), t0, t0 + pd.Timedelta("1h10min")],
        }
    )
    cs = Cascades.from_frame(df, cascade="c", node="v", time="t", graph=g)
    res = fit_ic(cs, dt="1h")
    ref = fit_ic(cs, dt=pd.Timedelta("1h"))
    # 12:50 is still step 0 (0 and 1 try 2 together); 13:10 is step 1: 3 trials
    assert res.params == ref.params and res.diagnostics["n_trials"] == 3
    with pytest.raises(InvalidParameterError, match="`dt` is required for datetime"):
        fit_ic(cs)


# ---------------------------------------------------------- failure modes
def test_no_trials_all_success_and_all_failure_are_reported_not_raised():
    g = spread.Graph.from_edges([0, 1], [1, 2])
    with pytest.warns(ConvergenceWarning, match="No IC trials"):
        res = fit_ic(frame_cascades(g, [(0, 2, 0.0)]))  # node 2 has no out-arcs
    assert not res.success and res.status == 3 and "No IC trials" in res.message
    assert np.isnan(res.params["p"]) and res.n_obs == 0
    with pytest.warns(ConvergenceWarning, match="bound"):
        res = fit_ic(frame_cascades(g, [(0, 0, 0.0), (0, 1, 1.0), (0, 2, 2.0)]))
    assert not res.success and res.status == 2 and "upper bound" in res.message
    with pytest.warns(ConvergenceWarning, match="bound"):
        res = fit_ic(frame_cascades(g, [(0, 0, 0.0), (1, 1, 0.0)]), granularity="edge")
    assert not res.success and "lower bound" in res.message
    assert np.all(res.diagnostics["arc_p"] < 1e-6)
    with pytest.warns(ConvergenceWarning, match="No LT threshold brackets"):
        res = fit_lt(frame_cascades(g, [(0, 2, 0.0)]))
    assert not res.success and res.status == 3


def test_lt_reports_adoptions_it_cannot_explain():
    g = spread.Graph.from_edges([0, 0, 1, 1, 2], [1, 2, 2, 3, 3])
    # node 2 adopts at step 3 although nothing new was active at step 2
    cs = frame_cascades(g, [(0, 0, 0.0), (0, 1, 1.0), (0, 2, 3.0)])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        res = fit_lt(cs, threshold_law="power")
    messages = [str(w.message) for w in caught]
    assert any(m.startswith("1 adoption(s) had no in-neighbour newly active") for m in messages)
    assert any(m.startswith("1 non-adopter(s) had all their in-weight active") for m in messages)
    assert res.diagnostics["n_saturated_censored"] == 1
    assert res.diagnostics["n_unexplained_adoptions"] == 1
    assert res.diagnostics["n_activated"] == 1


def test_fit_result_of_cascades_has_no_curve_to_predict():
    g = spread.datasets.load("karate")
    res = fit_ic(simulate_cascades(g, spread.IC(p=0.2), n_cascades=20, rng=0))
    with pytest.raises(
        InvalidParameterError, match="`predict` is not defined for a fit to cascades"
    ):
        res.predict(3)
    assert "p" in res.summary() and res.to_frame().index.tolist() == ["p"]


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda cs, g: fit_ic(Cascades(cs.data, None)),
            InvalidParameterError,
            r"`cascades` must carry the graph for `fit_ic`",
        ),
        (
            lambda cs, g: fit_ic(cs.data),
            InvalidParameterError,
            r"`cascades` must be a spread.fit.Cascades; got DataFrame",
        ),
        (
            lambda cs, g: fit_ic(
                Cascades.from_frame(cs.data.assign(time=cs.data["time"] * 1.5), graph=g)
            ),
            InvalidParameterError,
            r"`dt` must be given when cascade times are not whole steps: got dt=None and time 1.5",
        ),
        (
            lambda cs, g: fit_ic(cs, dt=-1.0),
            InvalidParameterError,
            r"`dt` must be a finite number > 0; got -1.0",
        ),
        (
            lambda cs, g: fit_lt(cs, dt="-1h"),
            InvalidParameterError,
            r"`dt` must be a positive time span; got '-1h'",
        ),
        (
            lambda cs, g: fit_ic(cs, granularity="arc"),
            InvalidParameterError,
            r"`granularity` must be one of 'global', 'node', 'edge'; got 'arc'",
        ),
        (
            lambda cs, g: fit_ic(cs, granularity="edge", penalty=-2),
            InvalidParameterError,
            r"`penalty` must be a finite number >= 0; got -2",
        ),
        (
            lambda cs, g: fit_lt(cs, threshold_law="normal"),
            InvalidParameterError,
            r"`threshold_law` must be one of 'beta', 'power'; got 'normal'",
        ),
        (
            lambda cs, g: fit_ic(cs, ci_method="jackknife"),
            InvalidParameterError,
            r"`ci_method` must be one of 'wald', 'profile', 'bootstrap'; got 'jackknife'",
        ),
        (
            lambda cs, g: Cascades.from_frame(
                pd.DataFrame({"cascade": [0, 0], "node": [0, 99], "time": [0.0, 1.0]}), graph=g
            ),
            NodeNotFound,
            r"node\(s\) 99 not in the graph \(row\(s\) 1\)",
        ),
        (
            lambda cs, g: simulate_cascades(g, spread.IC(p=0.1)),
            InvalidParameterError,
            r"`n_cascades` must be given when `seeds` is None",
        ),
        (
            lambda cs, g: simulate_cascades(g, spread.IC(p=0.1), seeds=[[0], [1]], n_cascades=3),
            InvalidParameterError,
            r"`n_cascades` must equal the number of seed sets \(2\) when `seeds` lists them; got 3",
        ),
        (
            lambda cs, g: simulate_cascades(g, spread.Heat(beta=0.1), n_cascades=3),
            InvalidParameterError,
            r"`model` must be a stochastic spread model \(IC, LT, CTIC, SIR, SIS or TemporalIC\)",
        ),
    ],
)
def test_invalid_input_messages(call, error, message):
    g = spread.Graph.from_edges([0, 0, 1], [1, 2, 2])
    cs = frame_cascades(g, [(0, 0, 0.0), (0, 1, 1.0)])
    with pytest.raises(error, match=message):
        call(cs, g)


def test_unexplained_adoptions_are_counted_and_warned():
    g = spread.datasets.load("karate")
    cs = simulate_cascades(g, spread.IC(p=0.2), n_cascades=100, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # IC data: every adoption is some trial's success
        res = fit_ic(cs)
    assert res.diagnostics["n_unexplained_adoptions"] == 0
    outside = simulate_cascades(
        g, spread.IC(p=0.2, external=0.05), n_cascades=50, max_steps=6, rng=1
    )
    with pytest.warns(UserWarning, match=r"adoption\(s\) had no in-neighbour active"):
        res = fit_ic(outside)
    steps = outside.to_steps(1.0)
    later = (steps["step"] > steps.groupby("cascade")["step"].transform("min")).sum()
    assert res.diagnostics["n_unexplained_adoptions"] == later - res.diagnostics["n_successes"] > 0


def test_lt_brackets_when_exposed_nodes_outgrow_the_buffer():
    """Pins the bracket kernel's buffer growth (2 rows per adopter, at least 16, before
    any cascade): a cascade of one hub whose 100 out-neighbours never adopt needs 100
    censored rows, more than twice the first buffer, and a second such cascade with
    300 needs the buffer to grow again. Every row: w_low = w_high = 1 / indeg = 1
    (the hub is each leaf's only in-neighbour), censored, leaves in index order.
    """
    from spread.fit.lt import brackets

    src = [0] * 100 + [1] * 300
    dst = list(range(2, 102)) + list(range(102, 402))
    g = spread.Graph.from_edges(src, dst, labels=range(402))
    cs = frame_cascades(g, [("a", 0, 0.0), ("b", 1, 0.0)])
    rows = brackets(cs, 1.0)
    assert rows["cascade"].tolist() == ["a"] * 100 + ["b"] * 300
    assert rows["node"].tolist() == list(range(2, 402))
    assert (rows["w_low"] == 1.0).all() and (rows["w_high"] == 1.0).all()
    assert rows["censored"].all()
