"""Budgets and audiences in influence maximization (`costs`, `budget`, `target`).

Exact: budgeted maximum coverage on fixed RR sets against brute force over every
affordable seed set (at least ``1 - 1/sqrt(e)`` of the optimum, the upper bound above
it, and the optimum itself where the greedy is provably optimal); the weighted reach of
each forward run against the activation times of the same run. Statistical: the
target-weighted root sampler against its distribution; targeted spreads (maximize's
forward evaluation, the index) against plain-Python forward Monte Carlo restricted to
the target, within 4 standard errors. Files: an index's target survives save/load; the
command line's `--costs`, `--budget` and `--target`. Bad input: typed errors that name
the parameter, the rule and the value.
"""

import itertools
import json
import math

import numpy as np
import pytest

import spread
from spread import IC, LT, InfluenceIndex
from spread._random import RR, stream_root
from spread.cli import main
from spread.exceptions import InvalidParameterError, NodeNotFound
from spread.im._coverage_kernels import budget_cover
from spread.im._objective import ONE_MINUS_INV_SQRT_E, Target, affordable, log_comb, objective
from spread.im.rrsets import RRSets, greedy_cover_flat
from tests import reference

KARATE = spread.datasets.load("karate")


def coverage_of(sets, seeds):
    chosen = set(seeds)
    return sum(1 for s in sets if chosen & s)


def brute_force(sets, n, costs, budget, allowed):
    """The best coverage of any allowed seed set costing at most `budget`."""
    pool = [v for v in range(n) if allowed[v] and costs[v] <= budget]
    best = 0
    for size in range(1, len(pool) + 1):
        for combo in itertools.combinations(pool, size):
            if sum(costs[v] for v in combo) <= budget:
                best = max(best, coverage_of(sets, combo))
    return best


def small_instance(seed, n=9, n_sets=60):
    """Fixed RR sets of a random small digraph, and random costs."""
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, 3 * n)
    dst = rng.integers(0, n, 3 * n)
    keep = src != dst
    g = spread.Graph.from_edges(src[keep], dst[keep], labels=list(range(n)))
    rr = RRSets(g, IC(p=0.4), np.uint64(seed)).extend(n_sets)
    offsets, members = rr.flat()
    sets = [set(members[offsets[s] : offsets[s + 1]].tolist()) for s in range(n_sets)]
    costs = rng.uniform(0.5, 3.0, n).round(2)
    return g, offsets, members, sets, costs


@pytest.mark.parametrize("seed", range(12))
def test_budgeted_coverage_against_brute_force(seed):
    g, offsets, members, sets, costs = small_instance(seed)
    n = g.n_nodes
    rng = np.random.default_rng(100 + seed)
    budget = float(rng.uniform(1.0, 6.0))
    allowed = rng.random(n) < 0.85
    fixed = np.zeros(n, bool)
    seeds, gains, covered, upper = budget_cover(
        offsets, members, n, costs, budget, allowed, fixed, True
    )
    chosen = seeds[seeds >= 0].tolist()
    assert len(set(chosen)) == len(chosen)
    assert all(allowed[v] for v in chosen)
    assert costs[chosen].sum() <= budget + 1e-12
    assert covered == coverage_of(sets, chosen) == gains.sum()
    best = brute_force(sets, n, costs, budget, allowed)
    assert covered >= ONE_MINUS_INV_SQRT_E * best
    assert best <= upper + 1e-9  # the fractional knapsack bounds the optimum


@pytest.mark.parametrize("seed", range(6))
def test_budgeted_coverage_is_optimal_where_the_greedy_provably_is(seed):
    g, offsets, members, sets, costs = small_instance(seed)
    n = g.n_nodes
    allowed = np.ones(n, bool)
    fixed = np.zeros(n, bool)
    # a budget that buys everything: the greedy takes every node that still adds
    rich = float(costs.sum())
    _, _, covered, _ = budget_cover(offsets, members, n, costs, rich, allowed, fixed, False)
    assert covered == len(sets) == brute_force(sets, n, costs, rich, allowed)
    # a budget below twice the cheapest cost: only single nodes fit; the best one wins
    tight = float(2 * costs.min() - 1e-6)
    seeds, _, covered, _ = budget_cover(offsets, members, n, costs, tight, allowed, fixed, False)
    assert (seeds >= 0).sum() == 1
    assert covered == brute_force(sets, n, costs, tight, allowed)


def test_equal_costs_on_disjoint_sets_are_solved_exactly():
    """A modular objective (each set holds one node) with equal costs: greedy is optimal."""
    rng = np.random.default_rng(4)
    n = 8
    roots = rng.integers(0, n, 200)
    offsets = np.arange(201, dtype=np.int64)
    members = roots.astype(np.int32)
    sets = [{int(r)} for r in roots]
    costs = np.full(n, 2.0)
    allowed, fixed = np.ones(n, bool), np.zeros(n, bool)
    for budget in (2.0, 5.0, 7.9):
        _, _, covered, _ = budget_cover(offsets, members, n, costs, budget, allowed, fixed, False)
        assert covered == brute_force(sets, n, costs, budget, allowed)


def test_fixed_seeds_are_covered_first_and_never_chosen():
    g, offsets, members, sets, costs = small_instance(3)
    n = g.n_nodes
    fixed = np.zeros(n, bool)
    fixed[[0, 4]] = True
    allowed = ~fixed
    seeds, _, covered, _ = budget_cover(offsets, members, n, costs, 4.0, allowed, fixed, False)
    chosen = seeds[seeds >= 0].tolist()
    assert not {0, 4} & set(chosen)
    assert covered == coverage_of(sets, [0, 4, *chosen]) - coverage_of(sets, [0, 4])


def test_objective_counts_the_affordable_seed_sets():
    costs = np.array([1.0, 1.0, 2.0, 3.0, 9.0])
    allowed = np.ones(5, bool)
    goal = objective(5, 1, allowed, costs=costs, budget=4.5)
    # 4 nodes cost <= 4.5 each, and the budget buys at most 3 of them (1 + 1 + 2):
    # at most C(4, 1) + C(4, 2) + C(4, 3) affordable seed sets
    assert goal.k == 3
    assert goal.log_sets == pytest.approx(math.log(4 + 6 + 4))
    assert goal.ratio == pytest.approx(1 - math.exp(-0.5))
    assert goal.scale == 5.0


def test_objective_fields_by_hand():
    """Every field of `objective`, computed by hand: without a budget ``log C(n_cand,
    k)`` over the eligible nodes, ratio ``1 - 1/e`` and a floor of k (the seeds
    themselves), or with a target the sum of the k largest eligible weights and its
    total as the scale; under a budget the floor is one node (the heaviest affordable
    eligible one with a target) and a budget that buys nothing whole still counts one
    seed (``k_max >= 1``)."""
    allowed = np.array([True, True, False, True, True, True])
    plain = objective(6, 2, allowed)
    assert (plain.k, plain.scale, plain.opt_floor) == (2, 6.0, 2.0)
    assert plain.log_sets == pytest.approx(math.log(10))  # C(5, 2): node 2 is not eligible
    assert plain.ratio == 1 - 1 / math.e and plain.costs is None and plain.budget is None
    target = Target.of(np.array([0.5, 3.0, 9.0, 0.0, 2.0, 1.0]))
    aimed = objective(6, 2, allowed, target=target)
    assert (aimed.scale, aimed.opt_floor) == (15.5, 5.0)  # 3 + 2: node 2's 9 is not eligible
    costs = np.array([1.0, 2.0, 0.5, 4.0, 3.0, 6.0])
    bought = objective(6, 99, allowed, costs=costs, budget=3.0, target=target)
    # eligible and affordable: 0 (1.0), 1 (2.0), 4 (3.0); 3.0 buys two of them at most
    assert (bought.k, bought.budget, bought.opt_floor) == (2, 3.0, 3.0)
    assert bought.log_sets == pytest.approx(math.log(3 + 3))
    assert bought.ratio == ONE_MINUS_INV_SQRT_E and bought.costs is costs
    assert objective(6, 1, allowed, costs=costs, budget=3.0).opt_floor == 1.0
    exact = objective(6, 1, allowed, costs=costs, budget=1.0)  # node 0 alone, exactly
    assert (exact.k, exact.log_sets) == (1, pytest.approx(0.0))
    # the union bound's log-sum-exp, shifted by its largest term: 100,000 nodes of cost 1
    # and a budget of 100 sum C(1e5, j) for j <= 100, whose logs span 11.5 to 791
    many = objective(100_000, 1, np.ones(100_000, bool), costs=np.ones(100_000), budget=100.0)
    terms = [log_comb(100_000, j) for j in range(1, 101)]
    assert many.k == 100 and terms[-1] - terms[0] > 709  # exp of the span overflows
    assert many.log_sets == pytest.approx(
        terms[-1] + math.log(sum(math.exp(t - terms[-1]) for t in terms)), rel=1e-15
    )


@pytest.mark.parametrize("seed", range(4))
def test_the_budgeted_bound_is_the_tighter_of_the_knapsack_and_the_ratio(seed):
    """`greedy_cover_flat` under a budget bounds the optimum by the smaller of the
    kernel's fractional-knapsack bound and ``covered / (1 - 1/sqrt(e))``."""
    g, offsets, members, _, costs = small_instance(seed)
    n = g.n_nodes
    allowed, fixed = np.ones(n, bool), np.zeros(n, bool)
    for budget in (1.5, 4.0, 9.0):
        goal = objective(n, 1, allowed, costs=costs, budget=budget)
        seeds, gains, covered, upper = greedy_cover_flat(
            offsets, members, n, 1, allowed, fixed, goal=goal, want_bound=True
        )
        kernel = budget_cover(offsets, members, n, costs, budget, allowed, fixed, True)
        assert (seeds.tolist(), gains.tolist(), covered) == (
            kernel[0].tolist(), kernel[1].tolist(), kernel[2]
        )  # fmt: skip
        assert covered > 0
        assert upper == min(kernel[3], covered / ONE_MINUS_INV_SQRT_E)


def test_a_node_costing_exactly_the_budget_is_affordable():
    allowed = np.array([True, True, False, True])
    costs = np.array([2.0, 3.0, 1.0, 5.0])
    assert affordable(allowed, costs, 3.0).tolist() == [True, True, False, False]
    with pytest.raises(InvalidParameterError, match=r"`budget` \(1\) must afford"):
        affordable(allowed, costs, 1.0)  # node 2 costs 1 but is not eligible


# ------------------------------------------------------------- the root sampler
@pytest.mark.parametrize("kind", ["ic", "lt"])
def test_roots_are_drawn_in_proportion_to_the_weights(kind):
    """With no live arcs every RR set is its root alone: count the roots. Over all sets
    in proportion to the weights (within 4 binomial standard errors, an upper bound for
    stratified roots); within each block of m = 5 sets (the weighted nodes: one stratum
    of the weights' quantiles each) node i is the root of ``5 w_i / W`` sets, give or
    take the two strata its quantile interval shares with its neighbours."""
    n = 12
    g = spread.Graph.from_edges(np.arange(n - 1), np.arange(1, n))
    weights = np.zeros(n)
    weights[[1, 4, 5, 9, 11]] = [0.5, 2.0, 1.0, 3.0, 0.25]
    model = IC(p=0.0) if kind == "ic" else LT(weights=np.zeros(g.n_edges))
    theta = 200_000
    rr = RRSets(g, model, np.uint64(7), target=Target.of(weights)).extend(theta)
    offsets, members = rr.flat()
    assert np.all(np.diff(offsets) == 1)
    counts = np.bincount(members, minlength=n)
    prob = weights / weights.sum()
    expected = theta * prob
    se = np.sqrt(theta * prob * (1 - prob))
    assert np.all(counts[weights == 0] == 0)
    assert np.all(np.abs(counts - expected) <= 4 * se)
    per_block = members[: theta - theta % 5].reshape(-1, 5)
    block_counts = np.stack([np.bincount(row, minlength=n) for row in per_block[:2000]])
    assert np.all(np.abs(block_counts - 5 * prob) < 2)


def test_targeted_sets_do_not_depend_on_the_thread_count():
    target = Target.of(np.linspace(0.0, 2.0, KARATE.n_nodes))
    root = stream_root(5, RR)
    one = RRSets(KARATE, IC(p=0.2), root, n_threads=1, target=target).extend(20_000)
    two = RRSets(KARATE, IC(p=0.2), root, n_threads=2, target=target).extend(20_000)
    for a, b in zip(one.flat(), two.flat(), strict=True):
        assert np.array_equal(a, b)
    sel1 = spread.maximize(KARATE, 3, IC(p=0.2), target=range(10), rng=1, n_jobs=1)
    sel2 = spread.maximize(KARATE, 3, IC(p=0.2), target=range(10), rng=1, n_jobs=2)
    assert sel1.seeds.tolist() == sel2.seeds.tolist()
    assert sel1.spread == sel2.spread


def test_untargeted_roots_are_the_strata():
    """Without a target, set r's root is its stratum (`reference.rr_stratum`): every n
    consecutive sets from the collection's first visit each node once; a collection
    starting elsewhere has other strata."""
    root = stream_root(3, RR)
    n = KARATE.n_nodes
    for first in (0, 7):
        offsets, members = RRSets(KARATE, IC(p=0.1), root, first=first).extend(500).flat()
        roots = members[offsets[:-1]]
        want = [reference.rr_stratum(int(root), first, first + r, n) for r in range(500)]
        assert roots.tolist() == want
        for b in range(500 // n):
            assert sorted(roots[b * n : (b + 1) * n].tolist()) == list(range(n))
    assert want[:n] != [reference.rr_stratum(int(root), 0, r, n) for r in range(n)]


def test_a_budget_equal_to_the_total_cost_buys_every_node_whatever_the_rounding():
    """The budget left is a floating-point difference: on these costs the greedy's
    subtractions leave less than the last node's cost (by rounding) when the budget is
    the sum of all costs; the node still fits (`_budget_greedy`'s slack)."""
    costs = np.array([2.9, 1.37, 1.06, 1.81, 2.1, 2.85, 1.96, 1.17, 2.82])
    order = [7, 3, 1, 6, 2, 0, 4, 8]  # the greedy's order on the RR sets below
    left = float(costs.sum())
    for v in order:
        left -= costs[v]
    assert left < costs[5]  # rounding: 2.85 does not fit by plain comparison
    n = costs.size
    sets = [[v] for v in order for _ in range(10 - order.index(v))] + [[5]]
    offsets = np.cumsum([0] + [len(s) for s in sets]).astype(np.int64)
    members = np.array([v for s in sets for v in s], dtype=np.int32)
    allowed, fixed = np.ones(n, bool), np.zeros(n, bool)
    for want_bound in (False, True):
        seeds, _, covered, _ = budget_cover(
            offsets, members, n, costs, float(costs.sum()), allowed, fixed, want_bound
        )
        assert covered == len(sets)
        assert sorted(seeds[seeds >= 0].tolist()) == list(range(n))


# ------------------------------------------------------------- forward reach
def reference_reach(graph, seeds, p, weights, n_runs, seed):
    """Plain-Python IC runs: mean and standard error of the target weight reached."""
    rng = np.random.default_rng(seed)
    idx = graph.index_of(seeds).tolist()
    reach = np.array(
        [sum(weights[v] for v in reference.ic_run(graph, idx, p, rng)) for _ in range(n_runs)]
    )
    return reach.mean(), reach.std(ddof=1) / math.sqrt(n_runs)


def test_maximize_scores_its_seeds_on_the_target_only():
    p = np.full(KARATE.n_edges, 0.15)
    audience = [1, 2, 3, 7, 13, 30, 31, 32]
    sel = spread.maximize(KARATE, 2, IC(p=0.15), target=audience, rng=2, n_eval_runs=20_000)
    weights = np.zeros(KARATE.n_nodes)
    weights[KARATE.index_of(audience)] = 1.0
    mean, se = reference_reach(KARATE, sel.seeds.tolist(), p, weights, 4_000, seed=9)
    assert abs(sel.spread - mean) < 4 * math.hypot(se, sel.spread_stderr)
    assert sel.spread <= len(audience)
    assert sel.target_weight == len(audience)
    # the spread-versus-k curve from fresh RR sets counts the same target
    last = sel.prefix_spread[-1]
    assert abs(last - sel.spread) < 4 * math.hypot(sel.prefix_stderr[-1], sel.spread_stderr)


def test_an_index_with_a_weighted_target_agrees_with_forward_runs():
    rng = np.random.default_rng(5)
    weights = rng.uniform(0, 3, KARATE.n_nodes) * (rng.random(KARATE.n_nodes) < 0.5)
    index = InfluenceIndex.build(KARATE, IC(p=0.2), n_rr_sets=100_000, rng=4, target=weights)
    p = np.full(KARATE.n_edges, 0.2)
    for seeds in ([0], [5, 24], [33, 2, 16]):
        est = index.estimate(seeds)
        mean, se = reference_reach(KARATE, seeds, p, weights, 3_000, seed=len(seeds))
        assert abs(est.mean - mean) < 4 * math.hypot(se, est.stderr)
        assert est.mean <= weights.sum()


# ------------------------------------------------------------- maximize, budgeted
def test_budgeted_maximize_spends_within_the_budget_and_certifies_its_ratio():
    costs = 1.0 + np.asarray(KARATE.in_degree, dtype=float)  # popular accounts cost more
    for method in ("imm", "opim-c"):
        sel = spread.maximize(
            KARATE, None, IC(p=0.1), costs=costs, budget=12.0, method=method, eps=0.2, rng=0
        )
        idx = KARATE.index_of(sel.seeds)
        assert sel.cost == pytest.approx(costs[idx].sum()) and sel.cost <= 12.0
        assert sel.budget == 12.0 and len(set(sel.seeds.tolist())) == sel.k
        if method == "imm":
            assert sel.guarantee == pytest.approx(1 - math.exp(-0.5) - 0.2)
        else:
            assert sel.guarantee >= 1 - math.exp(-0.5) - 0.2
        assert "of a budget of 12" in sel.summary()


def test_nodes_costing_more_than_the_budget_are_never_chosen():
    costs = {v: 1.0 for v in range(KARATE.n_nodes)}
    costs[0] = costs[33] = costs[32] = 50.0  # the hubs
    sel = spread.maximize(KARATE, None, IC(p=0.2), costs=costs, budget=3.0, eps=0.2, rng=1)
    assert not {0, 33, 32} & set(sel.seeds.tolist())
    assert sel.k == 3 and sel.cost == 3.0


def test_budgeted_seeds_reach_the_certified_share_of_the_best_affordable_set():
    """A 9-node graph: every affordable seed set scored on one large index."""
    g = spread.Graph.from_edges(
        [0, 0, 0, 1, 4, 4, 5, 6, 7, 7], [1, 2, 3, 3, 5, 6, 6, 8, 8, 2], directed=False
    )
    costs = np.array([3.0, 1.0, 1.0, 1.0, 2.5, 1.0, 1.0, 2.0, 1.5])
    budget = 4.0
    index = InfluenceIndex.build(g, IC(p=0.4), n_rr_sets=200_000, rng=8)
    best = 0.0
    for size in range(1, 5):
        for combo in itertools.combinations(range(9), size):
            if costs[list(combo)].sum() <= budget:
                best = max(best, index.estimate(list(combo)).mean)
    sel = spread.maximize(g, None, IC(p=0.4), costs=costs, budget=budget, eps=0.1, rng=3)
    assert sel.cost <= budget
    # the guarantee's share, less 4 standard errors of the two estimates
    assert sel.spread >= (ONE_MINUS_INV_SQRT_E - 0.1) * best - 4 * sel.spread_stderr
    # and on the index itself, the budgeted choice reaches the certified share exactly
    top = index.top(costs=costs, budget=budget)
    assert top["cost"].iloc[-1] <= budget
    assert top["spread"].iloc[-1] >= ONE_MINUS_INV_SQRT_E * best


def test_maximize_on_an_index_with_a_budget_and_a_target():
    model = IC(p=0.1)
    index = InfluenceIndex.build(KARATE, model, n_rr_sets=30_000, rng=6, target=range(17))
    costs = np.linspace(1, 3, KARATE.n_nodes)
    sel = spread.maximize(
        KARATE, None, model, index=index, costs=costs, budget=6.0, rng=0, n_eval_runs=2_000
    )
    top = index.top(costs=costs, budget=6.0)
    assert sel.seeds.tolist() == top["node"].tolist()
    assert sel.method == "index" and sel.target_weight == 17.0
    assert np.allclose(sel.gains, top["gain"])


def test_index_save_and_load_keeps_the_target(tmp_path):
    weights = np.zeros(KARATE.n_nodes)
    weights[[0, 5, 9, 33]] = [1.0, 0.5, 2.0, 4.0]
    index = InfluenceIndex.build(KARATE, IC(p=0.1), n_rr_sets=20_000, rng=2, target=weights)
    path = tmp_path / "fans.npz"
    index.save(path)
    again = InfluenceIndex.load(path, KARATE, IC(p=0.1))
    assert np.array_equal(again.target, weights)
    assert again.scale == 7.5
    for seeds in ([0], [9, 33], [1, 2, 3]):
        a, b = index.estimate(seeds), again.estimate(seeds)
        assert (a.mean, a.stderr, a.hits) == (b.mean, b.stderr, b.hits)
    assert again.top(2).equals(index.top(2))
    plain = InfluenceIndex.build(KARATE, IC(p=0.1), n_rr_sets=2_000, rng=2)
    plain.save(path)
    assert InfluenceIndex.load(path, KARATE).target is None


@pytest.mark.parametrize(
    "spoil",
    [
        lambda w: -w,  # negative
        lambda w: np.where(w > 0, np.nan, w),  # not finite
        lambda w: np.where(w > 0, np.inf, w),
        lambda w: 0 * w,  # no weight at all
        lambda w: w[:-1],  # one node short
    ],
    ids=["negative", "nan", "inf", "zero", "short"],
)
def test_a_malformed_target_in_an_index_file_is_refused(tmp_path, spoil):
    index = InfluenceIndex.build(KARATE, IC(p=0.1), n_rr_sets=2_000, rng=2, target=[0, 1])
    path = tmp_path / "fans.npz"
    index.save(path)
    data = dict(np.load(path))
    data["target"] = spoil(data["target"])
    np.savez(path, **data)
    with pytest.raises(InvalidParameterError, match="target weights in the file are malformed"):
        InfluenceIndex.load(path, KARATE)


# ------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"k": 2, "costs": [1.0] * 34}, "`costs` needs a `budget`"),
        ({"k": None, "budget": 5.0}, "`budget` needs `costs`"),
        ({"k": None}, "`k` must be given"),
        ({"k": 2, "budget": 5.0, "costs": [1.0] * 34}, "`k` must be None when a `budget`"),
        ({"k": None, "budget": -1.0, "costs": [1.0] * 34}, "`budget` must be a finite number > 0"),
        ({"k": None, "budget": math.nan, "costs": [1.0] * 34}, "`budget` must be a finite"),
        ({"k": None, "budget": 5.0, "costs": [1.0] * 33}, "`costs` must have one entry per node"),
        (
            {"k": None, "budget": 5.0, "costs": [1.0] * 33 + [0.0]},
            r"`costs` must hold finite numbers > 0 \(a cost per node\); got 0.0 for node 33",
        ),
        (
            {"k": None, "budget": 5.0, "costs": [1.0] * 33 + [math.inf]},
            "`costs` must hold finite numbers > 0.*got inf",
        ),
        ({"k": None, "budget": 5.0, "costs": {0: "cheap"}}, "got 'cheap' for node 0"),
        ({"k": None, "budget": 0.5, "costs": [1.0] * 34}, "must afford at least one"),
        (
            {"k": None, "budget": 5.0, "costs": [1.0] * 34, "eps": 0.4},
            r"`eps` must lie in \[1e-06, 1 - 1/sqrt\(e\)\)",
        ),
        (
            {"k": None, "budget": 5.0, "costs": [1.0] * 34, "method": "celf"},
            "`budget` works with the RR-set methods",
        ),
        ({"k": 2, "target": [0, 1], "method": "degree"}, "`target` works with the RR-set"),
        ({"k": 2, "target": np.zeros(34)}, "`target` must give at least one node a positive"),
        (
            {"k": 2, "target": np.full(34, -1.0)},
            r"`target` must hold finite numbers >= 0 \(a weight per node\); got -1.0",
        ),
        ({"k": 2, "target": {0: math.nan}}, "`target` must hold finite numbers >= 0.*nan"),
    ],
)
def test_bad_input_raises_typed_errors(kwargs, message):
    kwargs = {"method": "imm", **kwargs}
    k = kwargs.pop("k")
    with pytest.raises(InvalidParameterError, match=message):
        spread.maximize(KARATE, k, IC(p=0.1), rng=0, **kwargs)


def test_unknown_labels_in_costs_or_target_are_named():
    with pytest.raises(NodeNotFound, match="99"):
        spread.maximize(KARATE, None, IC(p=0.1), costs={99: 1.0}, budget=2.0)
    with pytest.raises(NodeNotFound, match="99"):
        spread.maximize(KARATE, 2, IC(p=0.1), target=[0, 99])
    with pytest.raises(NodeNotFound, match="99"):
        InfluenceIndex.build(KARATE, IC(p=0.1), n_rr_sets=100, target={99: 1.0})


def test_index_top_checks_its_budget():
    model = IC(p=0.1)
    index = InfluenceIndex.build(KARATE, model, n_rr_sets=1_000, rng=0)
    with pytest.raises(InvalidParameterError, match="`costs` and `budget` go together"):
        index.top(2, costs=[1.0] * 34, budget=3.0)
    with pytest.raises(InvalidParameterError, match="`costs` and `budget` go together"):
        index.top(budget=3.0)
    with pytest.raises(InvalidParameterError, match="`budget` must be a finite number > 0"):
        index.top(costs=[1.0] * 34, budget=0.0)
    with pytest.raises(InvalidParameterError, match="`target` must be None with an `index`"):
        spread.maximize(KARATE, 2, model, index=index, target=[0])


# ------------------------------------------------------------- command line
def test_cli_budget_and_target_end_to_end(capsys, tmp_path):
    costs = tmp_path / "costs.txt"
    costs.write_text(
        "# label cost\n" + "".join(f"{v} {1 + (v % 4)}\n" for v in range(KARATE.n_nodes))
    )
    fans = tmp_path / "fans.txt"
    fans.write_text("1\n2 2.5\n3\n\n7  # a comment\n13 0.5\n")
    out = tmp_path / "seeds.json"
    code = main(
        [
            "maximize", "karate", "--p", "0.1", "--costs", str(costs), "--budget", "6",
            "--target", str(fans), "--eval-runs", "500", "--rng", "4", "--out", str(out),
        ]
    )  # fmt: skip
    printed, err = capsys.readouterr()
    assert code == 0, err
    doc = json.loads(out.read_text())
    nodes = [row["node"] for row in doc["seeds"]]
    assert doc["budget"] == 6.0 and doc["target_weight"] == 6.0
    assert doc["cost"] == sum(1 + (v % 4) for v in nodes) <= 6.0
    target = {1: 1.0, 2: 2.5, 3: 1.0, 7: 1.0, 13: 0.5}
    api = spread.maximize(
        KARATE, None, IC(p=0.1), costs={v: 1 + (v % 4) for v in range(34)}, budget=6.0,
        target=target, n_eval_runs=500, rng=4,
    )  # fmt: skip
    assert nodes == api.seeds.tolist()
    assert "of a budget of 6" in printed


@pytest.mark.parametrize(
    ("content", "option", "message"),
    [
        ("0 1\n1 two\n", "--costs", "line 2: the value must be a finite number > 0; got 'two'"),
        ("0 1\n1 0\n", "--costs", "line 2: the value must be a finite number > 0; got '0'"),
        ("0 1\n\n1\n", "--costs", "line 3 must hold a label and a value; got '1'"),
        ("0 1 2\n", "--target", "line 1 must hold a label and an optional value"),
        ("0\n1 -2\n", "--target", "line 2: the value must be a finite number >= 0; got '-2'"),
        ("0\n0 2\n", "--target", "line 2: node '0' was given already, on line 1"),
        ("# nothing\n", "--target", "names none"),
    ],
)
def test_cli_malformed_files_name_the_file_and_line(capsys, tmp_path, content, option, message):
    path = tmp_path / "values.txt"
    path.write_text(content)
    good = tmp_path / "costs.txt"
    good.write_text("".join(f"{v} 1\n" for v in range(34)))
    args = ["maximize", "karate", "--eval-runs", "100"]
    if option == "--costs":
        args += ["--costs", str(path), "--budget", "3"]
    else:
        args += ["-k", "2", "--target", str(path)]
    code = main(args)
    _, err = capsys.readouterr()
    assert code == 2
    assert "values.txt" in err and message in err
    assert "Traceback" not in err


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-k", "2", "--budget", "3", "--costs", "COSTS"], "not both"),
        (["--budget", "3"], "`--costs` and `--budget` go together"),
        ([], "give `-k`"),
    ],
)
def test_cli_budget_options_are_checked(capsys, tmp_path, extra, message):
    good = tmp_path / "costs.txt"
    good.write_text("".join(f"{v} 1\n" for v in range(34)))
    extra = [str(good) if e == "COSTS" else e for e in extra]
    code = main(["maximize", "karate", *extra])
    _, err = capsys.readouterr()
    assert code == 2 and message in err


def test_an_array_of_labels_for_a_target_is_told_to_be_a_list():
    labels = np.array([0, 5, 9])
    with pytest.raises(InvalidParameterError, match="pass a list or a set"):
        spread.maximize(KARATE, 2, IC(p=0.1), target=labels)
    sel = spread.maximize(KARATE, 2, IC(p=0.1), target=labels.tolist(), rng=0, n_eval_runs=200)
    assert sel.target_weight == 3.0


def test_imm_certifies_nothing_for_an_audience_no_seed_can_reach():
    """Node 3 has no in-arcs and may not be chosen: the optimum is 0, phase 1 confirms
    no guess and no eligible node carries weight, so no ratio is claimed."""
    g = spread.Graph.from_edges([3, 0, 1], [0, 1, 2])
    kw = dict(method="imm", rng=0, n_eval_runs=100)
    sel = spread.maximize(g, 1, IC(p=0.5), target=[3], exclude=[3], **kw)
    assert math.isnan(sel.guarantee)
    assert sel.spread == 0.0
    reachable = spread.maximize(g, 1, IC(p=0.5), target=[2], **kw)
    assert reachable.guarantee == pytest.approx(1 - 1 / math.e - 0.1)


def test_opim_c_runs_for_an_audience_no_seed_can_reach():
    """The same audience under OPIM-C: with no positive floor on the optimum its
    schedule runs to ``n`` (not a division by zero) and certifies a ratio of 0."""
    g = spread.Graph.from_edges([3, 0, 1], [0, 1, 2])
    sel = spread.maximize(g, 1, IC(p=0.5), target=[3], exclude=[3], method="opim-c", rng=0,
                          n_eval_runs=100)  # fmt: skip
    assert sel.spread == 0.0 and sel.guarantee == 0.0


def scan_greedy(sets, n, costs, budget, allowed, ratio):
    """The budgeted greedy by definition: at every step, scan every node that fits."""
    chosen, covered, left = [], set(), budget
    while True:
        best, best_val = -1, -1.0
        for v in range(n):
            if allowed[v] and v not in chosen and costs[v] <= left:
                gain = sum(1 for i, s in enumerate(sets) if v in s and i not in covered)
                val = gain / costs[v] if ratio else float(gain)
                if val > best_val:
                    best, best_val = v, val
        if best < 0:
            return chosen
        chosen.append(best)
        covered |= {i for i, s in enumerate(sets) if best in s}
        left -= costs[best]


@pytest.mark.parametrize("seed", range(8))
def test_the_lazy_greedies_choose_what_a_full_scan_chooses(seed):
    from spread.im._coverage_kernels import _budget_greedy, _start

    g, offsets, members, sets, costs = small_instance(seed, n=12, n_sets=80)
    n = g.n_nodes
    costs = np.maximum(np.round(costs), 1.0)  # equal densities: ties to the smallest id
    allowed = np.ones(n, bool)
    budget = 5.0
    for ratio in (True, False):
        no_index = np.empty(0, np.int64), np.empty(0, np.int32)  # `_start` builds it
        ptr, ids, cov, done, chosen = _start(offsets, members, n, np.zeros(n, bool), *no_index)
        seeds, _, _ = _budget_greedy(
            offsets, members, ptr, ids, cov, done, chosen, costs, budget, allowed, ratio
        )
        want = scan_greedy(sets, n, costs, budget, allowed, ratio)
        assert seeds[seeds >= 0].tolist() == want


def test_an_index_with_a_target_says_so():
    index = InfluenceIndex.build(KARATE, IC(p=0.1), n_rr_sets=1_000, rng=0, target={0: 2, 5: 1})
    assert "counting a target of 2 nodes (weight 3)" in index.summary()
    assert "(target weight 3)" in repr(index)
    assert InfluenceIndex.build(KARATE, IC(p=0.1), n_rr_sets=1_000, rng=0).target is None


def scan_budget_cover(sets, n, costs, budget, allowed, fixed):
    """`budget_cover` by its definition, in plain Python: the cost-benefit and the plain
    greedy scan every candidate (allowed, not fixed, not chosen, fitting the budget
    left) at every step, ties to the smallest id, gains of 0 included; the answer is the
    better (the cost-benefit one on a tie), or the best single affordable node if it
    covers more. The bound is the smaller of the fractional knapsack over the single
    nodes' coverages and the cost-benefit greedy's total plus the fractional knapsack
    over its marginal coverages, each knapsack taking the candidates of positive coverage
    by decreasing coverage / cost, whole while they fit the budget, then a fraction.
    Returns (seeds padded with -1 to n, gains, total, bound)."""
    fixed_nodes = {v for v in range(n) if fixed[v]}
    live = [s for s in sets if not s & fixed_nodes]  # sets the fixed nodes leave

    def marginals(chosen, covered):
        return {
            v: sum(1 for i, s in enumerate(live) if v in s and i not in covered)
            for v in range(n)
            if allowed[v] and v not in fixed_nodes and v not in chosen
        }

    def knapsack(marginal):
        items = [v for v in marginal if marginal[v] > 0]
        items.sort(key=lambda v: -(marginal[v] / costs[v]))
        out, left = 0.0, budget
        for v in items:
            if left <= 0.0:
                break
            if costs[v] <= left:
                out += marginal[v]
                left -= costs[v]
            else:
                out += marginal[v] * left / costs[v]
                left = 0.0
        return out

    def greedy(ratio):
        chosen, gains, covered, left = [], [], set(), budget
        while True:
            best, best_val = -1, -1.0
            for v, gain in marginals(chosen, covered).items():
                if costs[v] <= left:
                    val = gain / costs[v] if ratio else float(gain)
                    if val > best_val:
                        best, best_val = v, val
            if best < 0:
                return chosen, gains, covered
            gains.append(sum(1 for i, s in enumerate(live) if best in s and i not in covered))
            chosen.append(best)
            covered |= {i for i, s in enumerate(live) if best in s}
            left -= costs[best]

    single_cov = marginals([], set())
    bound = knapsack(single_cov)
    seeds, gains, covered = greedy(True)
    bound = min(bound, len(covered) + knapsack(marginals(seeds, covered)))
    plain, plain_gains, plain_covered = greedy(False)
    if len(plain_covered) > len(covered):
        seeds, gains, covered = plain, plain_gains, plain_covered
    total = len(covered)
    affordable = [v for v in single_cov if costs[v] <= budget]
    if affordable:
        single = min(affordable, key=lambda v: (-single_cov[v], v))
        if single_cov[single] > total:
            seeds, gains, total = [single], [single_cov[single]], single_cov[single]
    pad = n - len(seeds)
    return seeds + [-1] * pad, gains + [0] * pad, total, bound


def test_budget_cover_is_the_plain_scan_and_its_bound_the_knapsacks_recomputed():
    """Pins every output of `budget_cover` against `scan_budget_cover`, exactly: the
    seeds in order, the gains, the total and the bound (float for float, the same
    operations in the same order; costs drawn at random, so no two candidates share a
    coverage / cost and the knapsacks' orders are unique).

    Random sets over up to 10 nodes with excluded and fixed nodes, and budgets from
    below the cheapest node to above every candidate's cost (where the knapsack runs
    out of candidates with budget left, and excluded nodes of positive coverage must
    stay out). Then integer costs and budgets, where a node costs exactly the budget or
    exactly what is left of it (it fits), compared to 1e-12 (tied densities may order
    the knapsack differently); then a node of cost 0.1 filling a budget of 0.1: it adds
    its whole coverage, 3, not 3 * 0.1 / 0.1 = 3.0000000000000004; and a node costing
    exactly the budget, which both greedies may take.
    """
    rng = np.random.default_rng(20261205)
    for trial in range(120):
        n = int(rng.integers(1, 11))
        sets = [
            set(rng.choice(n, size=int(rng.integers(0, min(n, 4) + 1)), replace=False).tolist())
            for _ in range(int(rng.integers(0, 25)))
        ]
        offsets = np.zeros(len(sets) + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(s) for s in sets])
        members = np.array([v for s in sets for v in sorted(s)], dtype=np.int32)
        allowed = rng.random(n) < (0.75 if trial % 3 else 1.0)
        fixed = rng.random(n) < 0.15 if trial % 2 else np.zeros(n, dtype=np.bool_)
        integer = trial % 4 == 3
        if integer:
            costs = rng.integers(1, 4, n).astype(np.float64)
            budget = float(rng.integers(1, int(costs.sum()) + 3))
        else:
            costs = rng.uniform(0.2, 3.0, n)
            budget = float(rng.uniform(0.1, 1.2) * costs.sum())
        seeds, gains, total, bound = scan_budget_cover(sets, n, costs, budget, allowed, fixed)
        for want_bound in (False, True):
            got = budget_cover(offsets, members, n, costs, budget, allowed, fixed, want_bound)
            assert got[0].tolist() == seeds, (trial, want_bound)
            assert got[1].tolist() == gains and got[2] == total, (trial, want_bound)
            if not want_bound:
                assert got[3] == -1.0
            elif integer:
                assert got[3] == pytest.approx(bound, rel=1e-12, abs=0), trial
            else:
                assert got[3] == bound, trial

    # node 0 (cost 0.1) is in three sets, node 1 (cost 1) in a fourth: budget 0.1
    offsets = np.array([0, 1, 2, 3, 4], dtype=np.int64)
    members = np.array([0, 0, 0, 1], dtype=np.int32)
    costs = np.array([0.1, 1.0])
    yes, no = np.ones(2, dtype=np.bool_), np.zeros(2, dtype=np.bool_)
    seeds, gains, total, bound = budget_cover(offsets, members, 2, costs, 0.1, yes, no, True)
    assert seeds.tolist() == [0, -1] and gains.tolist() == [3, 0] and total == 3
    assert bound == 3.0  # min(3 whole, 3 + 1 * 0.1 / 1)

    # node 0 (cost 2 = the budget) covers sets 0 and 1, nodes 1 and 2 (cost 1) one each:
    # every density is 1, so the cost-benefit greedy takes node 0 (the smallest id), and
    # the plain one too; nodes 1 and 2 cover as much, but come later
    offsets = np.array([0, 2, 4], dtype=np.int64)
    members = np.array([0, 1, 0, 2], dtype=np.int32)
    costs = np.array([2.0, 1.0, 1.0])
    yes, no = np.ones(3, dtype=np.bool_), np.zeros(3, dtype=np.bool_)
    seeds, gains, total, bound = budget_cover(offsets, members, 3, costs, 2.0, yes, no, True)
    assert seeds.tolist() == [0, -1, -1] and gains.tolist() == [2, 0, 0] and total == 2
    assert bound == 2.0
