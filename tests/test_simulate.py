"""IC and LT: exact, coupled and statistical checks against tests/reference.py."""

import importlib

import matplotlib
import networkx as nx
import numba
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import spread
from spread import IC, LT, Graph, InvalidParameterError, NodeNotFound

from . import reference as ref

matplotlib.use("Agg")
batch_module = importlib.import_module("spread.models._batch")


def random_graph(n=40, m=160, seed=0, directed=True):
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, m)
    dst = rng.integers(0, n, m)
    return Graph.from_edges(src, dst, directed=directed, labels=np.arange(n))


def times_of(result, run):
    """Activation steps of one run as a dict (like the references return)."""
    row = result.activation_times[run]
    return {int(v): int(t) for v, t in enumerate(row) if t >= 0}


def assert_close(a, se_a, b, se_b):
    """Two Monte Carlo means agree within 4 standard errors of their difference."""
    se = np.hypot(se_a, se_b)
    assert abs(a - b) < 4 * se, f"{a} vs {b}: {abs(a - b) / se:.2f} standard errors apart"


def assert_mean(result, expected):
    """A simulated mean is within 4 standard errors of an exact expectation."""
    assert abs(result.mean - expected) < 4 * result.stderr, (
        f"{result.mean} ± {result.stderr} vs exact {expected}"
    )


# ----------------------------------------------------------------- exact
def test_karate_p1_reaches_everyone():
    g = spread.datasets.load("karate")
    res = spread.simulate(g, [0], IC(p=1.0), n_runs=10, rng=0)
    assert res.mean == 34
    assert (res.node_probability == 1).all()


@pytest.mark.parametrize("p", [0.0, 1.0])
@pytest.mark.parametrize("form", ["uniform", "array"])
def test_p0_and_p1_are_exact(p, form):
    g = random_graph(60, 150, seed=3)
    seeds = [0, 5, 7]
    model = IC(p=p) if form == "uniform" else IC(p=np.full(g.n_edges, p))
    res = spread.simulate(g, seeds, model, n_runs=50, rng=1, keep_times=True)
    G = nx.DiGraph(list(zip(*g.edges()[:2], strict=True)))
    G.add_nodes_from(range(60))
    expected = (
        ref.bfs_steps({u: list(G.successors(u)) for u in G}, seeds)
        if p
        else dict.fromkeys(seeds, 0)
    )
    for r in range(res.n_runs):
        assert times_of(res, r) == expected
    assert (res.final_sizes == len(expected)).all()
    layers = np.bincount(list(expected.values()))
    assert (res.new_per_step == layers).all()


@pytest.mark.parametrize("p", [0.05, 0.3, 0.7])
@pytest.mark.parametrize("form", ["uniform", "array"])
def test_directed_path_closed_form(p, form):
    n = 12
    g = Graph.from_edges(range(n - 1), range(1, n))
    model = IC(p=p) if form == "uniform" else IC(p=np.full(g.n_edges, p))
    res = spread.simulate(g, [0], model, n_runs=20000, rng=2)
    assert_mean(res, sum(p**k for k in range(n)))
    curve = res.curve()
    for t in range(4):  # E[adopters by step t] = 1 + p + ... + p^t
        expected = sum(p**k for k in range(t + 1))
        assert abs(curve["mean"].iloc[t] - expected) < 4 * max(curve["stderr"].iloc[t], 1e-12)


def test_star_closed_forms():
    k, p = 30, 0.2
    g = Graph.from_edges([0] * k, range(1, k + 1), directed=False)
    assert_mean(spread.simulate(g, [0], IC(p=p), n_runs=20000, rng=3), 1 + k * p)
    # from a leaf: the centre with p, then each of the other k-1 leaves with p
    assert_mean(spread.simulate(g, [1], IC(p=p), n_runs=40000, rng=4), 1 + p + p * p * (k - 1))


def test_tree_with_per_arc_probabilities_closed_form():
    T = nx.random_labeled_rooted_tree(60, seed=5)
    root = T.graph["root"]
    D = nx.bfs_tree(T, root)  # arcs away from the root
    g = Graph.from_networkx(D)
    p = np.random.default_rng(6).uniform(0.3, 0.95, g.n_edges)
    src, dst, _ = g.edges()
    prob = dict(zip(zip(src.tolist(), dst.tolist(), strict=True), p, strict=True))
    # E[spread] = sum over nodes of the product of p along the path from the root
    reach = {root: 1.0}
    for u, v in nx.bfs_edges(D, root):
        reach[v] = reach[u] * prob[(u, v)]
    assert_mean(spread.simulate(g, [root], IC(p=p), n_runs=20000, rng=7), sum(reach.values()))


def test_lt_path_with_unit_weights_activates_everything():
    n = 15
    g = Graph.from_edges(range(n - 1), range(1, n))
    res = spread.simulate(g, [0], LT(weights=np.ones(g.n_edges)), n_runs=20, rng=0)
    assert (res.final_sizes == n).all()
    assert (res.new_per_step == 1).all() and res.new_per_step.shape == (20, n)


@pytest.mark.parametrize("s", [1, 3, 7])
def test_lt_star_into_centre_closed_form(s):
    k = 8  # k leaves point at the centre (node 0) with weight 1/k each
    g = Graph.from_edges(range(1, k + 1), [0] * k)
    res = spread.simulate(g, list(range(1, s + 1)), LT(), n_runs=20000, rng=8)
    assert_mean(res, s + s / k)  # the centre activates iff theta <= s/k
    assert abs(res.node_probability[0] - s / k) < 4 * np.sqrt(s / k * (1 - s / k) / 20000)


def test_lt_zero_weights_and_max_steps():
    g = Graph.from_edges(range(9), range(1, 10))
    res = spread.simulate(g, [0], LT(weights=np.zeros(g.n_edges)), n_runs=5, rng=0)
    assert (res.final_sizes == 1).all()
    res = spread.simulate(g, [0], IC(p=1.0), n_runs=5, rng=0, max_steps=3)
    assert (res.final_sizes == 4).all()
    res = spread.simulate(g, [0], LT(weights=np.ones(9)), n_runs=5, rng=0, max_steps=0)
    assert (res.final_sizes == 1).all()


def test_deep_cascades_replay_exactly():
    n = 300  # deeper than the first per-step buffer: the batch is replayed, exactly
    g = Graph.from_edges(range(n - 1), range(1, n))
    res = spread.simulate(g, [0], IC(p=1.0), n_runs=7, rng=0)
    assert res.new_per_step.shape == (7, n) and (res.new_per_step == 1).all()


# --------------------------------------------------------------- coupled
@pytest.mark.parametrize("seed", range(5))
def test_ic_kernel_equals_live_edge_reference_on_a_fixed_mask(seed):
    g = random_graph(80, 300, seed=seed)
    live = np.random.default_rng(seed).random(g.n_edges) < 0.4
    seeds = [1, 2, 3]
    res = spread.simulate(g, seeds, IC(p=live.astype(float)), n_runs=3, rng=seed, keep_times=True)
    expected = ref.ic_live_edge(g, seeds, live)
    for r in range(3):
        assert times_of(res, r) == expected


@pytest.mark.parametrize("seed", range(5))
def test_lt_kernel_equals_definition_given_thresholds(seed):
    rng = np.random.default_rng(seed)
    g = random_graph(60, 300, seed=seed)
    w = spread.weights.normalize_lt(g, rng.random(g.n_edges))
    theta = 1.0 - rng.random(g.n_nodes)
    seeds = [0, 1]
    res = spread.simulate(
        g, seeds, LT(weights=w, thresholds=theta), n_runs=2, rng=0, keep_times=True
    )
    assert times_of(res, 0) == ref.lt_run(g, seeds, w, theta)
    assert times_of(res, 1) == times_of(res, 0)


def lt_ties():
    """A graph whose fixed LT thresholds equal the active in-weight exactly (ties).

    Weights and thresholds are dyadic (0.125, 0.25, 0.5, 0.75, 1), so every partial sum
    is exact in binary floating point, in any order. From seeds {0, 1}: node 2 receives
    0.5 + 0.25 = 0.75 = theta at step 1; node 3 has 0.5 from the start and 0.5 more once 2
    is active, reaching theta = 1 at step 2; node 4 gets 0.25 = theta at step 3; node 5
    gets the same 0.25 against a threshold one ulp above (never); node 6 collects 0.125
    (from 1), 0.125 (from 2) and 0.5 (from 4): 0.75 = theta at step 4; node 7 has one
    in-arc of weight 1 = theta and follows at step 5. Returns (graph, weights in arc
    order, thresholds, seeds, the activation step of every node that activates).
    """
    arcs = [
        (0, 2, 0.5),
        (1, 2, 0.25),
        (0, 3, 0.5),
        (2, 3, 0.5),
        (3, 4, 0.25),
        (3, 5, 0.25),
        (1, 6, 0.125),
        (2, 6, 0.125),
        (4, 6, 0.5),
        (6, 7, 1.0),
    ]
    g = Graph.from_edges([a[0] for a in arcs], [a[1] for a in arcs], labels=np.arange(8))
    weight = {(u, v): w for u, v, w in arcs}
    src, dst, _ = g.edges()
    w = np.array([weight[int(u), int(v)] for u, v in zip(src, dst, strict=True)])
    theta = np.array([1.0, 1.0, 0.75, 1.0, 0.25, np.nextafter(0.25, 1.0), 0.75, 1.0])
    return g, w, theta, [0, 1], {0: 0, 1: 0, 2: 1, 3: 2, 4: 3, 6: 4, 7: 5}


def test_lt_activates_when_the_in_weight_equals_the_threshold():
    """LT's rule is ``active in-weight >= theta``: a node whose fixed threshold equals
    the weight it receives activates, at the step it is reached (`lt_ties`), one whose
    threshold is one ulp above does not. Pins the tie for `spread.simulate`,
    `spread.simulate_sets` and the reference definition (`reference.lt_run`)."""
    g, w, theta, seeds, expected = lt_ties()
    assert ref.lt_run(g, seeds, w, theta) == expected
    model = LT(weights=w, thresholds=theta)
    res = spread.simulate(g, seeds, model, n_runs=3, rng=0, keep_times=True)
    for r in range(3):
        assert times_of(res, r) == expected
    assert (res.final_sizes == 7).all()
    assert res.new_per_step.tolist() == [[2, 1, 1, 1, 1, 1]] * 3
    assert res.node_probability.tolist() == [1, 1, 1, 1, 1, 0, 1, 1]
    both = spread.simulate_sets(g, [seeds, [0]], model, n_runs=2, rng=1)
    assert both[0].final_sizes.tolist() == [7, 7]
    # from {0} alone node 2 gets 0.5 < 0.75 and node 3 0.5 < 1: nothing follows
    assert both[1].final_sizes.tolist() == [1, 1]


def test_lt_cascades_and_brackets_keep_the_tie():
    """The LT cascades of `spread.fit.simulate_cascades` follow the same ``>=`` rule, and
    the brackets the LT fits rest on (`spread.fit.lt.brackets`, ``w_low < theta <=
    w_high``) hold every fixed threshold of `lt_ties`: an adopter's threshold equals its
    ``w_high`` at a tie, and the node one ulp above is censored with ``theta > w_high``."""
    from spread.fit import simulate_cascades
    from spread.fit.lt import brackets

    g, w, theta, seeds, expected = lt_ties()
    cs = simulate_cascades(g, LT(weights=w, thresholds=theta), seeds=[seeds] * 2, rng=0)
    for _, one in cs.data.groupby("cascade"):
        assert dict(zip(one["node"], one["time"].astype(int), strict=True)) == expected
    b = brackets(cs, 1.0, weights=w)
    th = theta[b["node"].to_numpy()]
    adopted = ~b["censored"].to_numpy()
    assert set(b.loc[adopted, "node"]) == set(expected) - set(seeds)
    assert (b["w_low"].to_numpy()[adopted] < th[adopted]).all()
    assert (th[adopted] <= b["w_high"].to_numpy()[adopted]).all()
    assert (th[adopted] == b["w_high"].to_numpy()[adopted]).all()  # every adopter is a tie
    assert b.loc[~adopted, "node"].tolist() == [5, 5]
    assert (th[~adopted] > b["w_high"].to_numpy()[~adopted]).all()


@pytest.mark.parametrize("directed", [True, False])
def test_kernels_replay_the_reference_stream_bit_for_bit(directed):
    g = random_graph(50, 200, seed=11, directed=directed)
    seeds = [0, 4, 9]
    p = np.random.default_rng(1).uniform(0, 0.6, g.n_edges)
    lt_w = spread.weights.weighted_cascade(g)
    cases = [
        (IC(p=p), lambda root, r: ref.ic_replay(g, seeds, p, root, r)),
        (IC(p=0.15), lambda root, r: ref.ic_replay(g, seeds, None, root, r, p_uniform=0.15)),
        (LT(), lambda root, r: ref.lt_replay(g, seeds, lt_w, root, r)),
    ]
    for model, replay in cases:
        res = spread.simulate(g, seeds, model, n_runs=40, rng=21, keep_times=True)
        for r in range(res.n_runs):
            assert times_of(res, r) == replay(res.root_seed, r), (model, r)


# ----------------------------------------------------------- statistical
def test_ic_matches_reference_in_distribution():
    g = random_graph(200, 900, seed=12)
    p = np.random.default_rng(2).uniform(0, 0.4, g.n_edges)
    seeds = [0, 1, 2]
    rng = np.random.default_rng(99)
    ref_sizes = ref.sizes(lambda: ref.ic_run(g, seeds, p, rng), 3000)
    live_sizes = ref.sizes(lambda: ref.ic_live_edge(g, seeds, rng.random(g.n_edges) < p), 3000)
    res = spread.simulate(g, seeds, IC(p=p), n_runs=20000, rng=5)
    se = lambda x: x.std(ddof=1) / np.sqrt(len(x))  # noqa: E731
    assert_close(res.mean, res.stderr, ref_sizes.mean(), se(ref_sizes))
    assert_close(res.mean, res.stderr, live_sizes.mean(), se(live_sizes))


def test_ic_uniform_skipping_matches_per_arc_path():
    g = spread.datasets.load("nethept")
    seeds = list(range(0, 500, 10))
    a = spread.simulate(g, seeds, IC(p=0.05), n_runs=20000, rng=1)
    b = spread.simulate(g, seeds, IC(p=np.full(g.n_edges, 0.05)), n_runs=20000, rng=2)
    assert_close(a.mean, a.stderr, b.mean, b.stderr)


def test_lt_matches_reference_and_live_edge_in_distribution():
    g = random_graph(150, 700, seed=13)
    rng = np.random.default_rng(7)
    w = spread.weights.normalize_lt(g, rng.random(g.n_edges), only_over=True) * 0.9
    seeds = [0, 1, 2, 3]
    ref_sizes = ref.sizes(lambda: ref.lt_run(g, seeds, w, 1.0 - rng.random(g.n_nodes)), 1500)
    live_sizes = ref.sizes(lambda: ref.lt_live_edge(g, seeds, w, rng), 3000)
    res = spread.simulate(g, seeds, LT(weights=w), n_runs=20000, rng=6)
    se = lambda x: x.std(ddof=1) / np.sqrt(len(x))  # noqa: E731
    assert_close(res.mean, res.stderr, ref_sizes.mean(), se(ref_sizes))
    assert_close(res.mean, res.stderr, live_sizes.mean(), se(live_sizes))
    # per node: the activation probabilities agree too (Bonferroni over the nodes)
    live_prob = np.zeros(g.n_nodes)
    for _ in range(3000):
        for v in ref.lt_live_edge(g, seeds, w, rng):
            live_prob[v] += 1 / 3000
    pooled = np.sqrt(live_prob * (1 - live_prob) * (1 / 3000 + 1 / 20000)) + 1e-12
    assert (np.abs(res.node_probability - live_prob) < 4.5 * pooled + 1e-9).all()


@pytest.mark.parametrize("model", [IC(p=0.01), IC(p="wc"), LT()], ids=repr)
def test_ego_facebook_against_reference(model):
    g = spread.datasets.load("ego-facebook")
    seeds = [0, 107, 1684, 3437, 348]
    rng = np.random.default_rng(3)
    if isinstance(model, IC):
        p = model.arc_probabilities(g)
        ref_sizes = ref.sizes(lambda: ref.ic_live_edge(g, seeds, rng.random(g.n_edges) < p), 400)
    else:
        w = model.arc_weights(g)
        ref_sizes = ref.sizes(lambda: ref.lt_live_edge(g, seeds, w, rng), 400)
    res = spread.simulate(g, seeds, model, n_runs=5000, rng=4)
    assert_close(res.mean, res.stderr, ref_sizes.mean(), ref_sizes.std(ddof=1) / 20)


# -------------------------------------------------------- reproducibility
@pytest.mark.parametrize(
    "model",
    [IC(p=0.02), IC(p="wc"), LT(), spread.CTIC(p="wc", delay=("gamma", 0.5, 2.0))],
    ids=repr,
)
def test_same_rng_same_answer_on_one_or_two_threads(model):
    g = spread.datasets.load("nethept")
    seeds = list(range(50))
    out = []
    for n in (1, 2):
        numba.set_num_threads(n)
        try:
            out.append(spread.simulate(g, seeds, model, n_runs=3000, rng=42))
        finally:
            numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    out.append(spread.simulate(g, seeds, model, n_runs=3000, rng=42, n_jobs=1))
    for other in out[1:]:
        assert np.array_equal(out[0].final_sizes, other.final_sizes)
        assert np.array_equal(out[0].new_per_step, other.new_per_step)
        assert np.array_equal(out[0].node_probability, other.node_probability)


def test_batches_do_not_change_the_answer(monkeypatch):
    g = spread.datasets.load("nethept")
    whole = spread.simulate(g, [0, 1, 2], IC(p=0.1), n_runs=2000, rng=7)
    prefix = spread.simulate(g, [0, 1, 2], IC(p=0.1), n_runs=300, rng=7)
    assert np.array_equal(whole.final_sizes[:300], prefix.final_sizes)
    monkeypatch.setattr(batch_module, "_TARGET_BATCH_SECONDS", 1e-6)
    small = spread.simulate(g, [0, 1, 2], IC(p=0.1), n_runs=2000, rng=7, n_jobs=2)
    assert np.array_equal(whole.final_sizes, small.final_sizes)
    assert np.array_equal(whole.node_probability, small.node_probability)


def test_rng_forms_and_common_random_numbers():
    g = spread.datasets.load("karate")
    a = spread.simulate(g, [0], IC(p=0.3), n_runs=500, rng=np.random.default_rng(3))
    b = spread.simulate(g, [0], IC(p=0.3), n_runs=500, rng=np.random.default_rng(3))
    c = spread.simulate(g, [0], IC(p=0.3), n_runs=500, rng=4)
    assert np.array_equal(a.final_sizes, b.final_sizes)
    assert not np.array_equal(a.final_sizes, c.final_sizes)
    both = spread.simulate_sets(g, [[0], [0]], IC(p=0.3), n_runs=500, rng=5)
    assert np.array_equal(both[0].final_sizes, both[1].final_sizes)  # same streams


# ----------------------------------------------------- property tests
@st.composite
def graph_and_seeds(draw):
    n = draw(st.integers(2, 25))
    pairs = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=80))
    g = Graph.from_edges([u for u, _ in pairs], [v for _, v in pairs], labels=range(n))
    small = draw(st.sets(st.integers(0, n - 1), min_size=1, max_size=n))
    extra = draw(st.sets(st.integers(0, n - 1), max_size=n))
    live = np.array(
        draw(st.lists(st.booleans(), min_size=g.n_edges, max_size=g.n_edges)), dtype=float
    )
    return g, sorted(small), sorted(small | extra), live


@settings(max_examples=60, deadline=None)
@given(graph_and_seeds())
def test_properties_monotone_bounded_reachable(case):
    g, small, big, live = case
    ra = spread.simulate(g, small, IC(p=live), n_runs=2, rng=0)
    rb = spread.simulate(g, big, IC(p=live), n_runs=2, rng=0)
    assert (ra.final_sizes <= rb.final_sizes).all()  # monotone in the seed set
    rp = spread.simulate(g, small, IC(p=0.5), n_runs=20, rng=0)
    assert (rp.final_sizes >= len(small)).all() and (rp.final_sizes <= g.n_nodes).all()
    lt = spread.simulate(g, small, LT(normalize=True), n_runs=20, rng=0)
    assert (lt.final_sizes >= len(small)).all() and (lt.final_sizes <= g.n_nodes).all()
    r1 = spread.simulate(g, small, IC(p=1.0), n_runs=2, rng=0)
    G = g.to_networkx()
    reach = set(small).union(*(nx.descendants(G, s) for s in small))
    assert (r1.final_sizes == len(reach)).all()


# -------------------------------------------------------- results, errors
def test_result_api():
    g = spread.datasets.load("karate")
    res = spread.simulate(g, [0, 33], IC(p=0.2), n_runs=400, rng=0, keep_times=True)
    assert res.activation_times.shape == (400, 34)
    for r in range(0, 400, 37):  # per-step counts agree with the activation times
        row = res.activation_times[r]
        counts = np.bincount(row[row >= 0], minlength=res.new_per_step.shape[1])
        assert np.array_equal(counts, res.new_per_step[r])
    assert np.array_equal(res.new_per_step.sum(axis=1), res.final_sizes)
    low, high = res.conf_int(0.95)
    assert low < res.mean < high and res.conf_int(0.5).high - res.conf_int(0.5).low < high - low
    curve = res.curve(0.9)
    assert list(curve.columns) == ["mean", "lower", "upper", "stderr"]
    assert (np.diff(curve["mean"]) >= 0).all() and (curve["lower"] <= curve["upper"]).all()
    assert curve["mean"].iloc[-1] == pytest.approx(res.mean)
    frame = res.to_frame()
    assert frame["final_size"].tolist() == res.final_sizes.tolist()
    nodes = res.node_frame()
    assert nodes.iloc[0]["probability"] == 1.0 and set(nodes["node"]) == set(range(34))
    assert "400 runs" in res.summary() and "spread:" in res.summary()
    ax = res.plot()
    assert ax.get_xlabel() == "step" and len(ax.lines) == 1
    many = spread.simulate_sets(g, [[0], [33], [0, 33]], LT(), n_runs=300, rng=0)
    assert isinstance(many, spread.SpreadResults) and len(many) == 3
    df = many.to_frame()
    assert isinstance(df, pd.DataFrame) and df["seeds"].tolist() == [[0], [33], [0, 33]]
    assert len(many.plot().lines) == 3


def test_seed_forms():
    g = Graph.from_edges(["a", "b", "c"], ["b", "c", "d"])
    one = spread.simulate(g, "a", IC(p=1.0), n_runs=3, rng=0)
    mask = spread.simulate(g, np.array([True, False, False, False]), IC(p=1.0), n_runs=3, rng=0)
    assert one.mean == mask.mean == 4 and one.seeds.tolist() == ["a"]
    assert spread.simulate(g, ["c", "c"], IC(p=1.0), n_runs=2, rng=0).mean == 2


def test_errors_name_the_parameter_and_value():
    g = spread.datasets.load("karate")
    with pytest.raises(NodeNotFound, match="node 99 not in the graph"):
        spread.simulate(g, [0, 99], IC(p=0.1))
    with pytest.raises(
        InvalidParameterError, match=r"`p` must be a probability in \[0, 1\]; got 1.5"
    ):
        spread.simulate(g, [0], IC(p=1.5))
    with pytest.raises(
        InvalidParameterError,
        match=r"`p` must be a probability, one of 'wc', 'trivalency', 'weight', or an array; got 'fast'",
    ):
        spread.simulate(g, [0], IC(p="fast"))
    with pytest.raises(
        InvalidParameterError,
        match=r"`p` must have one entry per arc \(156\); got an array of length 3",
    ):
        spread.simulate(g, [0], IC(p=[0.1, 0.2, 0.3]))
    with pytest.raises(
        InvalidParameterError, match="`p='weight'` needs a graph loaded with arc weights"
    ):
        spread.simulate(g, [0], IC(p="weight"))
    with pytest.raises(
        InvalidParameterError, match=r"`weights` must sum to at most 1 over each node's in-arcs"
    ):
        spread.simulate(g, [0], LT(weights=np.full(g.n_edges, 0.5)))
    with pytest.raises(
        InvalidParameterError, match=r"`thresholds` must have one entry per node \(34\); got 2"
    ):
        spread.simulate(g, [0], LT(thresholds=[0.5, 0.5]))
    with pytest.raises(InvalidParameterError, match="`n_runs` must be an integer >= 1; got 0"):
        spread.simulate(g, [0], IC(p=0.1), n_runs=0)
    with pytest.raises(InvalidParameterError, match="`max_steps` must be an integer >= 0; got -1"):
        spread.simulate(g, [0], IC(p=0.1), max_steps=-1)
    with pytest.raises(InvalidParameterError, match="`seeds` must name at least one node"):
        spread.simulate(g, [], IC(p=0.1))
    with pytest.raises(InvalidParameterError, match=r"`graph` must be a spread\.Graph; got Graph"):
        spread.simulate(nx.karate_club_graph(), [0], IC(p=0.1))
    with pytest.raises(
        InvalidParameterError,
        match=r"`model` must be a stochastic spread model \(IC, LT, CTIC, SIR, SIS or TemporalIC\); got .ic.",
    ):
        spread.simulate(g, [0], "ic")
    with pytest.raises(InvalidParameterError, match="`n_jobs` must be an integer >= 1; got 0"):
        spread.simulate(g, [0], IC(p=0.1), n_jobs=0)


def test_weight_schemes_from_the_graph():
    g = Graph.from_edges([0, 1, 2], [1, 2, 0], [0.5, 1.0, 0.0])
    res = spread.simulate(g, [0], IC(p="weight"), n_runs=4000, rng=0)
    assert_mean(res, 1 + 0.5 + 0.5)
    lt = spread.simulate(g, [0], LT(weights="weight"), n_runs=4000, rng=0)
    assert_mean(lt, 1 + 0.5 + 0.5)
    # trivalency draws once per graph from its rng: two models with the same rng agree
    # (not one model's cached array compared with itself), another rng differs
    big = random_graph(60, 400, seed=1)
    a = IC(p="trivalency", rng=3).arc_probabilities(big)
    b = IC(p="trivalency", rng=3).arc_probabilities(big)
    c = IC(p="trivalency", rng=4).arc_probabilities(big)
    assert a is not b and np.array_equal(a, b) and not np.array_equal(a, c)
    assert set(np.unique(a).tolist()) == {0.1, 0.01, 0.001}
    np.testing.assert_array_equal(a, spread.weights.trivalency(big, rng=3))


@pytest.mark.parametrize(
    "model", [IC(p=1.0), LT(weights=[1.0, 1.0, 1.0], thresholds=[1, 1, 1, 1])]
)
def test_steps_end_at_the_last_step_with_an_activation(model):
    """Pins the kernels' depth: on the path 0 -> 1 -> 2 with certain transmission, the
    seed is step 0 and nodes 1, 2 adopt at steps 1, 2; step 3 runs and finds no one (node
    3, with its arc 3 -> 0, is never reached, so the run does not stop for lack of
    nodes), so the step counts end at step 2 (three columns), and the summary says so.
    """
    g = Graph.from_edges([0, 1, 3], [1, 2, 0])
    res = spread.simulate(g, [0], model, n_runs=5, rng=0)
    assert res.new_per_step.tolist() == [[1, 1, 1]] * 5
    assert res.to_frame()["n_steps"].tolist() == [2] * 5
    assert "steps: up to 2" in res.summary()


def test_threshold_quantile_table_at_its_ends():
    """Pins the table look-up's last cell: u = 1 reads the table's last entry (F^-1(1)),
    u = 0 its first, and u halfway between two knots their mean (linear interpolation).
    """
    from spread.models._ic_lt_kernels import _table_quantile

    table = np.array([0.0, 0.25, 0.75, 1.0])  # knots at u = 0, 1/3, 2/3, 1
    assert _table_quantile(table, 1.0) == 1.0
    assert _table_quantile(table, 0.0) == 0.0
    assert _table_quantile(table, 0.5) == 0.5  # between 0.25 and 0.75
    assert _table_quantile(table, 1 / 6) == pytest.approx(0.125, abs=1e-15)
    # The Python body, with numpy's bounds checks: at u = 1 the last cell is read, not
    # one past it (the compiled kernel would multiply whatever lies there by 0).
    assert _table_quantile.py_func(table, 1.0) == 1.0
    assert _table_quantile.py_func(table, np.nextafter(1.0, 0.0)) == pytest.approx(1.0)


def _kernels_as_plain_python(monkeypatch):
    """`spread/models/_ic_lt_kernels.py` as plain Python (`reference.as_plain_python`)."""
    from spread.models import _ic_lt_kernels

    return ref.as_plain_python(_ic_lt_kernels, monkeypatch)


_MODELS = {
    "IC p=1": lambda g: IC(p=1.0),
    "IC p=0.35": lambda g: IC(p=0.35),
    "IC wc, external": lambda g: IC(p="wc", external=0.02),
    "LT": lambda g: LT(weights=np.ones(g.n_edges) if g.n_edges == 11 else "wc"),
    "LT fixed thresholds": lambda g: LT(
        weights=np.ones(g.n_edges) if g.n_edges == 11 else "wc",
        thresholds=np.linspace(0.05, 1.0, g.n_nodes),
    ),
}


@pytest.mark.parametrize("name", list(_MODELS))
def test_ic_lt_kernels_stay_in_bounds_as_plain_python(monkeypatch, name):
    """Pins the per-step buffer's bound: a run deeper than the buffer is as wide as the
    buffer in its row (the batch loop replays it into a wider one), and nothing is
    written past it. The kernels' Python bodies, on a step buffer three columns wide
    and runs up to 11 steps deep, must run and give what the compiled kernels give,
    output for output."""
    import warnings

    from spread.models import _batch, seed_arrays

    path = Graph.from_edges(np.arange(11), np.arange(1, 12))  # 0 -> 1 -> ... -> 11
    ba = Graph.from_networkx(nx.barabasi_albert_graph(60, 2, seed=3))
    plain = _kernels_as_plain_python(monkeypatch)
    for graph, seeds in ((path, [0]), (ba, [0, 5])):
        plan = _MODELS[name](graph).plan(graph)
        ptr, nodes = seed_arrays([np.array(seeds, dtype=np.int32)])
        for keep_times in (True, False):  # without times the buffer has one 1 x 1 row
            outs = []
            for kernel in (_batch._KERNELS[plan.kind], getattr(plain, f"{plan.kind}_batch")):
                monkeypatch.setitem(_batch._KERNELS, plan.kind, kernel)
                out = _batch._Buffers.empty(12, graph.n_nodes, 3, 2, keep_times, plan=plan)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore", RuntimeWarning)  # uint64 wrap-around
                    _batch._call(graph, plan, ptr, nodes, 40, np.uint64(9), 0, 2, out)
                outs.append(out)
            compiled, python = outs
            if graph is path and name == "IC p=1":
                assert compiled.depths.tolist() == [11] * 12
                assert compiled.steps.tolist() == [[1, 1, 1]] * 12
            for field in ("final_sizes", "depths", "steps", "times", "node_counts"):
                assert np.array_equal(getattr(python, field), getattr(compiled, field)), field


@pytest.mark.parametrize(
    "model",
    [IC(p=0.5), IC(p=np.full(30, 0.5)), IC(p=1.0, external=0.5), LT()],
    ids=["IC", "IC per arc", "IC everyone active", "LT"],
)
def test_runs_end_when_nothing_can_change_however_large_max_steps(model):
    """Pins the runs' early ends: a run stops at the first step that activates nobody
    (IC and LT without spontaneous adoption), or once every node is active (with it),
    not at `max_steps`. With ``max_steps = 2**62`` a run that went on would not end
    (pytest-timeout fails it); these end in a few steps, with the same outputs as under
    a small `max_steps`."""
    g = Graph.from_networkx(nx.cycle_graph(15))  # 30 arcs
    huge = spread.simulate(g, [0], model, n_runs=20, rng=3, max_steps=2**62)
    small = spread.simulate(g, [0], model, n_runs=20, rng=3, max_steps=40)
    assert np.array_equal(huge.final_sizes, small.final_sizes)
    assert np.array_equal(huge.new_per_step, small.new_per_step)
    assert huge.new_per_step.shape[1] <= 16
