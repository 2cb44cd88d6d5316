"""IC with spontaneous adoption, LT threshold laws, and the kernels' common-random-number
mode (coins and thresholds read by index), against tests/reference.py: exact, coupled
and statistical checks."""

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spread
from spread import IC, LT, Graph, InvalidParameterError
from spread.models import run_batch, seed_arrays

from . import reference as ref


def _graph(seed, n=40, m=2, directed=False):
    g = nx.barabasi_albert_graph(n, m, seed=seed)
    if directed:  # older nodes point at newer ones, so cascades from low ids spread
        g = nx.DiGraph((min(u, v), max(u, v)) for u, v in g.edges())
    return Graph.from_networkx(g)


def _run(model, graph, seeds, n_runs, max_steps, root, *, crn=False):
    """Runs 0 .. n_runs - 1 through the one Monte Carlo loop; the activation steps."""
    runs = run_batch(
        graph,
        model.plan(graph, crn=crn),
        seed_arrays([np.asarray(seeds, dtype=np.int32)]),
        n_runs=n_runs,
        max_steps=max_steps,
        root=np.uint64(root),
        keep_times=True,
    )
    return runs.activation_times


def _as_dict(row):
    return {int(v): int(t) for v, t in enumerate(row) if t >= 0}


# ------------------------------------------------------------------ exact
def test_external_only_closed_form():
    """p = 0: each inactive node adopts at step t with probability (1 - a)^(t-1) a."""
    n, a, k, steps = 400, 0.05, 3, 6
    g = Graph.from_networkx(nx.empty_graph(n))
    res = spread.simulate(g, [0, 1, 2], IC(p=0.0, external=a), n_runs=4000, max_steps=steps, rng=0)
    new = res.new_per_step[:, 1 : steps + 1].astype(float)
    expected = (n - k) * (1 - a) ** np.arange(steps) * a
    se = new.std(axis=0, ddof=1) / np.sqrt(new.shape[0])
    assert np.all(np.abs(new.mean(axis=0) - expected) < 4 * se)


def test_external_one_and_max_steps():
    g = _graph(0)
    res = spread.simulate(g, [0], IC(p=0.0, external=1.0), n_runs=5, max_steps=3, rng=0)
    assert (res.final_sizes == g.n_nodes).all()
    assert (res.new_per_step[:, 1] == g.n_nodes - 1).all()
    # p = 1 on a connected graph: external adoption changes nothing once all are active
    full = spread.simulate(g, [0], IC(p=1.0, external=0.3), n_runs=5, max_steps=50, rng=0)
    assert (full.final_sizes == g.n_nodes).all()


def test_external_zero_is_the_plain_model():
    g = _graph(1)
    a = spread.simulate(g, [0, 5], IC(p=0.2), n_runs=300, rng=4)
    b = spread.simulate(g, [0, 5], IC(p=0.2, external=0.0), n_runs=300, rng=4)
    assert np.array_equal(a.final_sizes, b.final_sizes)


def test_external_schedule_closed_form():
    """p = 0 and a schedule e_1, e_2, ...: a node still inactive adopts at step t with
    probability e_t, the last entry holding past the schedule's end."""
    n, k, steps = 400, 3, 7
    schedule = [0.05, 0.0, 0.2, 0.1]
    g = Graph.from_networkx(nx.empty_graph(n))
    model = IC(p=0.0, external=schedule)
    res = spread.simulate(g, [0, 1, 2], model, n_runs=4000, max_steps=steps, rng=0)
    new = res.new_per_step[:, 1 : steps + 1].astype(float)
    e = np.array(schedule + [schedule[-1]] * (steps - len(schedule)))
    still = np.concatenate([[1.0], np.cumprod(1 - e)[:-1]])
    expected = (n - k) * still * e
    se = new.std(axis=0, ddof=1) / np.sqrt(new.shape[0])
    assert np.all(new[:, 1] == 0)  # a step of probability 0 adopts nobody
    other = np.arange(steps) != 1
    assert np.all(np.abs(new.mean(axis=0) - expected)[other] < 4 * se[other])


def test_external_schedule_that_ends_needs_no_max_steps():
    """A schedule ending in 0 stops: runs end on their own, after its last positive step."""
    g = _graph(0, n=60, directed=True)
    model = IC(p=0.0, external=[0.0, 0.0, 0.3, 0.0])
    assert model.has_external() and not model.needs_max_steps()
    res = spread.simulate(g, [0], model, n_runs=200, rng=1)
    assert res.new_per_step.shape[1] <= 4  # nothing after step 3
    assert np.all(res.new_per_step[:, 1:3] == 0)
    assert res.new_per_step[:, 3].sum() > 0
    with pytest.raises(InvalidParameterError, match="spontaneous adoption"):
        spread.maximize(g, 2, model, method="degree")


def test_a_one_entry_schedule_is_the_constant():
    g = _graph(1)
    a = spread.simulate(g, [0, 5], IC(p=0.2, external=0.03), n_runs=300, max_steps=9, rng=4)
    b = spread.simulate(g, [0, 5], IC(p=0.2, external=[0.03]), n_runs=300, max_steps=9, rng=4)
    np.testing.assert_array_equal(a.new_per_step, b.new_per_step)


def test_beta_table_is_the_quantile_function():
    from scipy.stats import beta

    table = LT(threshold_law=("beta", 2.0, 5.0)).quantile_table()
    # exact at the knots; in between, the law drawn has a CDF within one cell (1/16384)
    knots = np.arange(0, 16385, 1024) / 16384
    np.testing.assert_allclose(table[::1024], beta.ppf(knots, 2, 5), rtol=1e-12)
    u = np.random.default_rng(0).uniform(size=2000)
    approx = np.array([ref.table_quantile(table, x) for x in u])
    assert np.max(np.abs(beta.cdf(approx, 2, 5) - u)) <= 1 / 16384
    assert LT().quantile_table().size == 0
    frozen = LT(threshold_law=beta(2.0, 5.0)).quantile_table()
    np.testing.assert_array_equal(frozen, table)


def test_lt_threshold_law_star_closed_form():
    """Star into a centre with unit-sum weights from k active leaves of 8: P = F(k / 8)."""
    from scipy.stats import beta

    leaves = 8
    g = Graph.from_edges(list(range(1, leaves + 1)), [0] * leaves)
    w = np.full(leaves, 1.0 / leaves)
    for k in (2, 5):
        res = spread.simulate(
            g,
            list(range(1, k + 1)),
            LT(weights=w, threshold_law=("beta", 2, 5)),
            n_runs=20_000,
            rng=k,
        )
        hit = (res.final_sizes == k + 1).astype(float)
        target = beta.cdf(k / leaves, 2, 5)
        assert abs(hit.mean() - target) < 4 * np.sqrt(target * (1 - target) / hit.size)


# ---------------------------------------------------------------- coupled
@pytest.mark.parametrize("crn", [False, True])
@pytest.mark.parametrize(
    "external", [0.0, 0.03, (0.05, 0.0, 0.1, 0.02), (0.0, 0.08, 0.0)], ids=str
)
def test_ic_kernel_replays_the_reference_rounds(crn, external):
    g = _graph(2, n=60)
    p = np.random.default_rng(0).uniform(0.05, 0.4, g.n_edges)
    model = IC(p=p, external=external)
    times = _run(model, g, [0, 7], 25, 12, 99, crn=crn)
    assert (times >= 0).sum(axis=1).max() > 5
    for r in range(25):
        want = ref.ic_replay_rounds(g, [0, 7], p, 99, r, max_steps=12, external=external, crn=crn)
        assert _as_dict(times[r]) == want


def test_ic_uniform_skipping_with_external_matches_the_per_arc_path():
    """Geometric skipping (uniform p) and per-arc coins give one law, with external."""
    g = _graph(3, n=50)
    a = spread.simulate(g, [1], IC(p=0.15, external=0.02), n_runs=4000, max_steps=8, rng=5)
    b = spread.simulate(
        g, [1], IC(p=np.full(g.n_edges, 0.15), external=0.02), n_runs=4000, max_steps=8, rng=6
    )
    x, y = a.final_sizes.astype(float), b.final_sizes.astype(float)
    se = np.sqrt(x.var(ddof=1) / x.size + y.var(ddof=1) / y.size)
    assert abs(x.mean() - y.mean()) < 4 * se


@pytest.mark.parametrize("crn", [False, True])
def test_lt_kernel_replays_the_reference_with_a_law(crn):
    g = _graph(4, n=60, directed=True)
    w = spread.weights.weighted_cascade(g) * 0.6  # thresholds decide who activates
    model = LT(weights=w, threshold_law=("beta", 0.7, 1.6))
    table = model.quantile_table()
    times = _run(model, g, [0, 3, 9], 25, 60, 7, crn=crn)
    assert (times >= 0).sum(axis=1).max() > 6  # the cascades do spread
    for r in range(25):
        want = ref.lt_replay(g, [0, 3, 9], w, 7, r, table=table, crn=crn)
        assert _as_dict(times[r]) == want


def test_uniform_law_replays_the_plain_reference():
    g = _graph(5, n=40)
    w = spread.weights.weighted_cascade(g)
    times = _run(LT(weights=w), g, [0], 10, 40, 3, crn=True)
    for r in range(10):
        assert _as_dict(times[r]) == ref.lt_replay(g, [0], w, 3, r, crn=True)


# ------------------------------------------------------------ statistical
def test_ic_external_matches_the_definition_in_distribution():
    g = _graph(6, n=80)
    p = np.full(g.n_edges, 0.1)
    n_runs, steps = 3000, 5
    ours = spread.simulate(g, [0], IC(p=0.1, external=0.02), n_runs=n_runs, max_steps=steps, rng=1)
    rng = np.random.default_rng(2)
    theirs = np.array(
        [len(ref.ic_external_run(g, [0], p, 0.02, rng, steps)) for _ in range(n_runs)], float
    )
    diff = ours.final_sizes.mean() - theirs.mean()
    se = np.sqrt(ours.final_sizes.var(ddof=1) / n_runs + theirs.var(ddof=1) / n_runs)
    assert abs(diff) < 4 * se


def test_ic_external_schedule_matches_the_definition_in_distribution():
    g = _graph(6, n=80)
    p = np.full(g.n_edges, 0.1)
    schedule = [0.04, 0.0, 0.01]
    n_runs, steps = 3000, 6
    ours = spread.simulate(
        g, [0], IC(p=0.1, external=schedule), n_runs=n_runs, max_steps=steps, rng=1
    )
    rng = np.random.default_rng(2)
    theirs = np.array(
        [len(ref.ic_external_run(g, [0], p, schedule, rng, steps)) for _ in range(n_runs)], float
    )
    diff = ours.final_sizes.mean() - theirs.mean()
    se = np.sqrt(ours.final_sizes.var(ddof=1) / n_runs + theirs.var(ddof=1) / n_runs)
    assert abs(diff) < 4 * se


def test_lt_beta_law_matches_the_definition_in_distribution():
    g = _graph(7, n=80, directed=True)
    w = spread.weights.weighted_cascade(g) * 0.6  # with full weights everyone activates
    n_runs = 3000
    ours = spread.simulate(
        g, [0, 1, 2], LT(weights=w, threshold_law=("beta", 2, 5)), n_runs=n_runs, rng=3
    )
    rng = np.random.default_rng(4)
    theirs = np.array(
        [len(ref.lt_run(g, [0, 1, 2], w, rng.beta(2, 5, g.n_nodes))) for _ in range(n_runs)],
        float,
    )
    diff = ours.final_sizes.mean() - theirs.mean()
    se = np.sqrt(ours.final_sizes.var(ddof=1) / n_runs + theirs.var(ddof=1) / n_runs)
    assert se > 0 and abs(diff) < 4 * se


def test_crn_mode_has_the_models_distribution():
    g = _graph(8, n=80)
    p = np.full(g.n_edges, 0.12)
    crn = _run(IC(p=p), g, [0], 4000, 80, 11, crn=True)
    plain = spread.simulate(g, [0], IC(p=0.12), n_runs=4000, rng=12).final_sizes
    a = (crn >= 0).sum(axis=1).astype(float)
    se = np.sqrt(a.var(ddof=1) / a.size + plain.var(ddof=1) / plain.size)
    assert abs(a.mean() - plain.mean()) < 4 * se


# -------------------------------------------------------------- properties
@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    p1=st.floats(0.0, 1.0),
    p2=st.floats(0.0, 1.0),
)
def test_crn_cascades_grow_with_p(seed, p1, p2):
    """Common random numbers: a run's active set under p1 <= p2 is a subset of p2's."""
    lo, hi = min(p1, p2), max(p1, p2)
    g = _graph(seed % 50, n=30)
    a = _run(IC(p=np.full(g.n_edges, lo)), g, [0], 8, 30, seed, crn=True) >= 0
    b = _run(IC(p=np.full(g.n_edges, hi)), g, [0], 8, 30, seed, crn=True) >= 0
    assert not (a & ~b).any()


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), c1=st.floats(0.0, 1.0), c2=st.floats(0.0, 1.0))
def test_crn_lt_grows_with_the_weight_scale(seed, c1, c2):
    lo, hi = min(c1, c2), max(c1, c2)
    g = _graph(seed % 50, n=30)
    w = spread.weights.weighted_cascade(g)
    a = _run(LT(weights=w * lo), g, [0, 1], 8, 30, seed, crn=True) >= 0
    b = _run(LT(weights=w * hi), g, [0, 1], 8, 30, seed, crn=True) >= 0
    assert not (a & ~b).any()


# ------------------------------------------------------------------ errors
def test_errors_name_the_parameter():
    g = _graph(9)
    with pytest.raises(InvalidParameterError, match="`external` must be a probability"):
        spread.simulate(g, [0], IC(p=0.1, external=1.5), n_runs=2, max_steps=3)
    with pytest.raises(InvalidParameterError, match=r"`threshold_law` \('beta', a, b\) needs"):
        LT(threshold_law=("beta", -1, 2)).quantile_table()
    with pytest.raises(InvalidParameterError, match="`threshold_law` must be 'uniform'"):
        LT(threshold_law="gamma").quantile_table()

    class Wide:
        def ppf(self, u):
            return 2 * u

    with pytest.raises(InvalidParameterError, match="support in"):
        LT(threshold_law=Wide()).quantile_table()
    assert "external=0.1" in repr(IC(p=0.2, external=0.1))
    assert "external=<schedule of 3 steps>" in repr(IC(p=0.2, external=[0.1, 0, 0.2]))
    for bad, rule in (([], "at least one"), ([0.1, 1.5], r"\[0, 1\]"), ([[0.1]], "one-dim")):
        with pytest.raises(InvalidParameterError, match=rule):
            IC(p=0.2, external=bad)
    assert "threshold_law=('beta', 2, 5)" in repr(LT(threshold_law=("beta", 2, 5)))


def test_external_needs_max_steps_and_no_maximize():
    g = _graph(10)
    with pytest.raises(InvalidParameterError, match="`max_steps` is required"):
        spread.simulate(g, [0], IC(p=0.1, external=0.01), n_runs=2)
    with pytest.raises(InvalidParameterError, match="spontaneous adoption"):
        spread.maximize(g, 2, IC(p=0.1, external=0.01), method="degree")
    with pytest.raises(InvalidParameterError, match="uniform thresholds"):
        spread.maximize(g, 2, LT(threshold_law=("beta", 2, 5)), method="celf")
