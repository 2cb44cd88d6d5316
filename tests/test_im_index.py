"""`InfluenceIndex`: the spread of any seed set from RR sets sampled once.

Exact: a star with p = 1; every answer recomputed by brute force from the stored sets
(estimates, marginal gains, the greedy prefix spreads). Statistical: estimates against
forward Monte Carlo within 4 standard errors, for IC, LT and CTIC under a horizon.
Files: save/load round trip, the wrong graph and malformed files refused.
"""

import math
import time

import numpy as np
import pytest

import spread
from spread import CTIC, IC, LT, InfluenceIndex
from spread.exceptions import InvalidParameterError, MemoryLimitError, NodeNotFound


def brute_hits(index, seed_idx):
    seeds = set(int(s) for s in seed_idx)
    offsets, members = index.offsets, index.members
    return sum(
        1
        for s in range(index.n_samples)
        if seeds & set(members[offsets[s] : offsets[s + 1]].tolist())
    )


@pytest.fixture(scope="module")
def karate_index():
    g = spread.datasets.load("karate")
    return InfluenceIndex.build(g, IC(p=0.15), n_rr_sets=20_000, rng=3)


def test_a_star_with_certain_arcs_is_exact():
    star = spread.Graph.from_edges([0, 0, 0, 0], [1, 2, 3, 4])
    index = InfluenceIndex.build(star, IC(p=1.0), n_rr_sets=5_000, rng=0)
    hub = index.estimate([0])
    assert (hub.mean, hub.stderr) == (5.0, 0.0)
    leaf = index.estimate([3])  # in the sets of its own 1,000 strata only: exact too
    assert leaf.hits == brute_hits(index, [3]) == 1_000
    assert (leaf.mean, leaf.stderr) == (1.0, 0.0)
    assert index.estimate([]).mean == 0.0


def test_estimates_are_the_stored_sets_counted(karate_index):
    g = karate_index.graph
    rng = np.random.default_rng(0)
    for size in (1, 3, 8):
        seeds = rng.choice(g.n_nodes, size, replace=False)
        est = karate_index.estimate(g.label_of(seeds))
        hits = brute_hits(karate_index, seeds)
        f = hits / karate_index.n_samples
        assert est.hits == hits
        assert est.mean == g.n_nodes * f
        # the variance within strata: sets grouped by target, h of each group's c hit
        offsets, members = karate_index.offsets, karate_index.members
        groups = {}
        for s in range(karate_index.n_samples):
            hit = bool(set(seeds.tolist()) & set(members[offsets[s] : offsets[s + 1]].tolist()))
            groups.setdefault(int(members[offsets[s]]), []).append(hit)
        assert {len(c) for c in groups.values()} <= {588, 589}  # 20,000 sets over 34 nodes
        var = sum(sum(c) * (len(c) - sum(c)) / (len(c) - 1) for c in groups.values())
        assert est.stderr == pytest.approx(g.n_nodes * math.sqrt(var) / karate_index.n_samples)
        assert est.stderr < g.n_nodes * math.sqrt(f * (1 - f) / karate_index.n_samples)
        low, high = est.conf_int(0.9)
        assert high - est.mean == pytest.approx(1.6448536269514722 * est.stderr)
        assert est.mean - low == pytest.approx(high - est.mean)


def test_the_stratified_standard_error_is_calibrated():
    """Statistical: over 2,000 indexes of 3,400 sets (100 per node) on karate, the
    variance of the estimated spread of {0, 33} matches the mean of its estimated
    variance within 4 standard errors of a sample variance (``sqrt(2 / (R - 1))``,
    relative), and is clearly below the binomial one (0.76 of it here)."""
    g = spread.datasets.load("karate")
    means, est_var, binomial = [], [], []
    for r in range(2000):
        est = InfluenceIndex.build(g, IC(p=0.1), n_rr_sets=3400, rng=r).estimate([0, 33])
        f = est.hits / est.n_samples
        means.append(est.mean)
        est_var.append(est.stderr**2)
        binomial.append(g.n_nodes**2 * f * (1 - f) / est.n_samples)
    tol = 4 * math.sqrt(2 / 1999)
    var = np.var(means, ddof=1)
    assert abs(var / np.mean(est_var) - 1) < tol
    assert var / np.mean(binomial) < 1 - tol


def test_the_binomial_error_without_strata():
    """Fewer than 2 sets per node, or a weighted target: the binomial standard error."""
    g = spread.datasets.load("karate")
    for index in (
        InfluenceIndex.build(g, IC(p=0.1), n_rr_sets=60, rng=0),
        InfluenceIndex.build(g, IC(p=0.1), n_rr_sets=3400, rng=0, target=range(10)),
    ):
        est = index.estimate([0])
        f = est.hits / est.n_samples
        assert est.stderr == pytest.approx(index.scale * math.sqrt(f * (1 - f) / est.n_samples))


def test_gains_are_the_uncovered_sets_of_each_node(karate_index):
    g = karate_index.graph
    seeds = np.array([0, 33])
    frame = karate_index.gains(g.label_of(seeds)).set_index("node")
    offsets, members = karate_index.offsets, karate_index.members
    theta = karate_index.n_samples
    free = [
        set(members[offsets[s] : offsets[s + 1]].tolist())
        for s in range(theta)
        if not {0, 33} & set(members[offsets[s] : offsets[s + 1]].tolist())
    ]
    for v in range(g.n_nodes):
        expected = 0 if v in (0, 33) else sum(v in s for s in free)
        f = expected / theta
        assert frame.loc[g.label_of([v])[0], "gain"] == g.n_nodes * f
        assert frame.loc[g.label_of([v])[0], "stderr"] == pytest.approx(
            g.n_nodes * math.sqrt(f * (1 - f) / theta), rel=1e-12
        )
    assert list(karate_index.gains(seeds)["gain"]) == sorted(frame["gain"], reverse=True)
    # with no committed seeds (None, the default, or an empty list) a node's gain is the
    # count of the sets that hold it, and nothing is hit
    sizes = np.bincount(members, minlength=g.n_nodes) / theta * g.n_nodes
    for none in (None, [], ()):
        alone = karate_index.gains(none).set_index("node")["gain"]
        np.testing.assert_array_equal(alone.loc[g.labels].to_numpy(), sizes)
        assert karate_index.estimate(none).hits == 0
    np.testing.assert_array_equal(karate_index.gains()["gain"], np.sort(sizes)[::-1])


def test_the_bitset_holds_one_bit_per_set():
    g = spread.Graph.from_edges([0, 0], [1, 2])
    for n, words in ((64, 1), (65, 2), (128, 2), (129, 3)):
        index = InfluenceIndex.build(g, IC(p=1.0), n_rr_sets=n, rng=0)
        hits, bits = index._hits(np.array([0], dtype=np.int32))
        assert bits.size == words
        assert hits == n  # the hub is in every set


def test_top_prefix_spreads_are_the_index_estimates(karate_index):
    top = karate_index.top(4, fixed=[0])
    assert 0 not in top["node"].tolist()
    for j in range(1, 5):
        prefix = [0, *top["node"].iloc[:j].tolist()]
        est = karate_index.estimate(prefix)
        assert est.mean == pytest.approx(top["spread"].iloc[j - 1], rel=1e-12)
        assert est.stderr == pytest.approx(top["stderr"].iloc[j - 1], rel=1e-12)
    gains = top["gain"].to_numpy()
    assert np.all(np.diff(gains) <= 1e-12)  # greedy gains only fall


def test_top_keeps_to_candidates_and_leaves_out_excluded_and_fixed_nodes(karate_index):
    g = karate_index.graph
    best = karate_index.top(1)["node"].iloc[0]
    ranked = karate_index.gains()["node"].tolist()
    without = karate_index.top(3, exclude=[best])["node"].tolist()
    assert best not in without and without[0] == ranked[1]  # the next largest gain
    some = [5, 6, 10, 16]
    assert set(karate_index.top(2, candidates=some)["node"]) <= set(some)
    fixed = [0, 33]
    assert len(karate_index.top(g.n_nodes - 2, fixed=fixed)) == g.n_nodes - 2
    with pytest.raises(InvalidParameterError, match=r"eligible nodes \(32\); got 33"):
        karate_index.top(g.n_nodes - 1, fixed=fixed)
    with pytest.raises(InvalidParameterError, match=r"eligible nodes \(32\); got 33"):
        karate_index.top(g.n_nodes - 1, exclude=[best, 3])
    with pytest.raises(InvalidParameterError, match=r"eligible nodes \(0\); got 1"):
        karate_index.top(1, candidates=[5], exclude=[5])  # as `maximize` says it


@pytest.mark.parametrize(
    ("model", "horizon"),
    [(IC(p="wc"), None), (LT(), None), (CTIC(p=0.3, delay=("weibull", 1.5, 1.0)), 1.0)],
    ids=["IC wc", "LT", "CTIC horizon 1"],
)
def test_estimates_agree_with_forward_simulation(model, horizon):
    g = spread.datasets.load("karate")
    index = InfluenceIndex.build(g, model, n_rr_sets=100_000, rng=5, horizon=horizon)
    for seeds in ([0], [5, 16, 24]):
        est = index.estimate(seeds)
        kw = {} if horizon is None else {"horizon": horizon}
        sim = spread.simulate(g, seeds, model, n_runs=20_000, rng=6, **kw)
        assert abs(est.mean - sim.mean) < 4 * math.hypot(est.stderr, sim.stderr)


def test_the_same_sets_on_one_or_two_threads():
    g = spread.datasets.load("nethept")
    a = InfluenceIndex.build(g, IC(p=0.05), n_rr_sets=30_000, rng=9, n_jobs=1)
    b = InfluenceIndex.build(g, IC(p=0.05), n_rr_sets=30_000, rng=9, n_jobs=2)
    np.testing.assert_array_equal(a.offsets, b.offsets)
    np.testing.assert_array_equal(a.members, b.members)


def test_save_and_load(tmp_path, karate_index):
    path = tmp_path / "index.npz"
    karate_index.save(path)
    again = InfluenceIndex.load(path, karate_index.graph)
    assert again.estimate([0, 1]).mean == karate_index.estimate([0, 1]).mean
    assert again.n_samples == karate_index.n_samples and again.model == "IC(p=0.15)"
    other = spread.datasets.load("nethept")
    with pytest.raises(InvalidParameterError, match="built on another graph"):
        InfluenceIndex.load(path, other)
    bad = tmp_path / "bad.npz"
    np.savez(bad, format=np.int64(1), offsets=np.array([0, 5]), members=np.array([0, 1]),
             n_nodes=np.int64(34), n_edges=np.int64(156), checksum=np.uint64(0))  # fmt: skip
    with pytest.raises(InvalidParameterError, match="another graph"):
        InfluenceIndex.load(bad, karate_index.graph)
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a zip file")
    with pytest.raises(InvalidParameterError, match="not an influence index"):
        InfluenceIndex.load(junk, karate_index.graph)
    with pytest.raises(FileNotFoundError):
        InfluenceIndex.load(tmp_path / "missing.npz", karate_index.graph)


@pytest.mark.parametrize(
    ("offsets", "members"),
    [
        ([0, 2, 1], [0, 1]),  # decreasing
        ([[0, 1], [1, 2]], [0, 1]),  # not one-dimensional
        ([0], []),  # no set at all
        ([1, 2], [0, 1]),  # not from 0
        ([0, 1, 1, 2], [0, 1]),  # an empty set
        ([0, 1, 3], [0, 1]),  # past the members' end
        ([0, 1, 2], [0, 34]),  # a member that is no node (karate has 34)
        ([0, 1, 2], [-1, 3]),
    ],
    ids=["decreasing", "2-d", "no set", "not from 0", "empty set", "past the end",
         "member n", "member -1"],
)  # fmt: skip
def test_malformed_sets_in_a_file_are_refused(tmp_path, karate_index, offsets, members):
    from spread.im.index import _checksum

    g = karate_index.graph
    path = tmp_path / "malformed.npz"
    np.savez(path, format=np.int64(1), offsets=np.array(offsets), members=np.array(members),
             n_nodes=np.int64(g.n_nodes), n_edges=np.int64(g.n_edges),
             checksum=np.uint64(_checksum(g)))  # fmt: skip
    with pytest.raises(InvalidParameterError, match="malformed"):
        InfluenceIndex.load(path, g)


def test_a_file_with_only_the_sets_loads_with_the_defaults(tmp_path, karate_index):
    from spread.im.index import _checksum

    g = karate_index.graph
    path = tmp_path / "bare.npz"
    np.savez(path, format=np.int64(1), offsets=np.array([0, 1, 3]), members=np.array([0, 1, 2]),
             n_nodes=np.int64(g.n_nodes), n_edges=np.int64(g.n_edges),
             checksum=np.uint64(_checksum(g)))  # fmt: skip
    bare = InfluenceIndex.load(path, g)
    assert (bare.model, bare.horizon, bare.root_seed, bare.target) == (
        "unknown model",
        None,
        0,
        None,
    )
    assert bare.estimate([1]).hits == 1


def test_a_file_of_one_set_and_a_horizon_round_trips(tmp_path):
    g = spread.datasets.load("karate")
    model = CTIC(p=0.3, delay=("weibull", 1.5, 1.0))
    index = InfluenceIndex.build(g, model, n_rr_sets=1, rng=2, horizon=1.5)
    path = tmp_path / "one.npz"
    index.save(path)
    again = InfluenceIndex.load(path, g, model)
    assert again.n_samples == 1 and again.horizon == 1.5 and again.model is model
    np.testing.assert_array_equal(again.members, index.members)
    assert again.root_seed == index.root_seed
    plain = InfluenceIndex.build(g, IC(p=0.1), n_rr_sets=3, rng=2)
    plain.save(path)
    assert InfluenceIndex.load(path, g).horizon is None


def test_bad_input():
    g = spread.datasets.load("karate")
    with pytest.raises(InvalidParameterError, match="`model` must be"):
        InfluenceIndex.build(g, spread.Heat(beta=0.1), rng=0)
    with pytest.raises(InvalidParameterError, match="spontaneous adoption"):
        InfluenceIndex.build(g, IC(p=0.1, external=0.1), rng=0)
    with pytest.raises(InvalidParameterError, match="n_rr_sets"):
        InfluenceIndex.build(g, IC(p=0.1), n_rr_sets=0, rng=0)
    with pytest.raises(InvalidParameterError, match="horizon"):
        InfluenceIndex.build(g, IC(p=0.1), horizon=2.0, rng=0)
    with pytest.raises(MemoryLimitError, match="n_rr_sets"):  # refused before sampling
        InfluenceIndex.build(g, IC(p=0.1), n_rr_sets=10**15, rng=0)
    index = InfluenceIndex.build(g, IC(p=0.1), n_rr_sets=100, rng=0)
    with pytest.raises(NodeNotFound):
        index.estimate([0, 99])
    with pytest.raises(InvalidParameterError, match="k"):
        index.top(0)


def test_memory_is_projected_from_the_first_1024_sets_before_sampling_the_rest():
    """The documented projection: ``n_rr_sets * (16 + 12 * avg)`` bytes, ``avg`` the mean
    size of the first 1,024 sets of the same stream; a `max_memory` of exactly that is
    enough, one byte less is refused (another pilot size gives another average here)."""
    g = spread.datasets.load("karate")
    pilot = InfluenceIndex.build(g, IC(p=0.15), n_rr_sets=1024, rng=5)
    avg = pilot.members.size / 1024
    n = 50_000
    need = math.ceil(n * (16.0 + 12.0 * avg))
    index = InfluenceIndex.build(g, IC(p=0.15), n_rr_sets=n, rng=5, max_memory=need)
    assert index.n_samples == n
    np.testing.assert_array_equal(index.members[: pilot.members.size], pilot.members)
    with pytest.raises(MemoryLimitError, match=rf"{avg:.3g} nodes each in a pilot"):
        InfluenceIndex.build(g, IC(p=0.15), n_rr_sets=n, rng=5, max_memory=need - 1)


def test_summaries_list_eight_seeds_then_an_ellipsis(karate_index):
    eight = karate_index.estimate(list(range(8))).summary()
    nine = karate_index.estimate(list(range(9))).summary()
    assert "8 seed(s) [0, 1, 2, 3, 4, 5, 6, 7] under" in eight
    assert "9 seed(s) [0, 1, 2, 3, 4, 5, 6, 7 ...] under" in nine


def test_results_print_and_frame(karate_index):
    est = karate_index.estimate([0])
    assert "RR sets hit" in est.summary() and list(est.to_frame().columns)[:3] == [
        "seeds",
        "mean",
        "stderr",
    ]
    assert "RR sets" in karate_index.summary() and "InfluenceIndex" in repr(karate_index)
    import matplotlib

    matplotlib.use("Agg")
    assert est.plot().get_ylabel() == "expected spread"


def test_an_estimate_plots_its_interval_and_its_label(karate_index):
    import matplotlib

    matplotlib.use("Agg")
    est = karate_index.estimate([0, 33])
    low, high = est.conf_int(0.9)
    ax = est.plot(level=0.9)
    (bar,) = ax.collections  # the error bar: one vertical segment from low to high
    ((_, y0), (_, y1)) = bar.get_segments()[0]
    assert (y0, y1) == pytest.approx((low, high), rel=1e-12)
    assert ax.lines[0].get_ydata()[0] == est.mean
    assert [t.get_text() for t in ax.get_xticklabels()] == ["2 seed(s)"]
    ax = est.plot(label="hubs")
    assert [t.get_text() for t in ax.get_xticklabels()] == ["hubs"]
    assert ax.get_title() == "95% interval from 20,000 RR sets"


def test_elapsed_is_the_time_the_call_took(karate_index):
    t0 = time.perf_counter()
    est = karate_index.estimate([0, 33])
    assert 0.0 <= est.elapsed <= time.perf_counter() - t0
    g = spread.datasets.load("karate")
    t0 = time.perf_counter()
    index = InfluenceIndex.build(g, IC(p=0.1), n_rr_sets=1_000, rng=0)
    assert 0.0 <= index.elapsed <= time.perf_counter() - t0


def test_the_build_counts_its_sets_on_its_bar_and_does_not_depend_on_its_batches(monkeypatch):
    """The sets come in batches of 65,536 after a pilot of 1,024, each batch counted on
    the progress bar, which ends at `n_rr_sets`; how they are batched does not change
    them (set i comes from its own place in the stream)."""
    import spread.im.index as index_module

    made = []
    original = index_module.progress_bar

    def recorded(*args, **kwargs):
        bar = original(*args, **kwargs)
        made.append(bar)
        return bar

    g = spread.datasets.load("karate")
    monkeypatch.setattr(index_module, "progress_bar", recorded)
    n = 150_000  # the pilot and three batches
    index = InfluenceIndex.build(g, IC(p=0.1), n_rr_sets=n, rng=4, progress=True)
    assert [(bar.desc, bar.n, bar.total) for bar in made] == [("index RR sets", n, n)]
    monkeypatch.setattr(index_module, "_BATCH", 1000)
    small = InfluenceIndex.build(g, IC(p=0.1), n_rr_sets=n, rng=4)
    np.testing.assert_array_equal(small.offsets, index.offsets)
    np.testing.assert_array_equal(small.members, index.members)


def test_the_checksum_is_the_crc32_of_the_arcs_twice():
    """The file format's graph check (a file written by one version loads in another)."""
    import zlib

    from spread.im.index import _checksum

    g = spread.datasets.load("karate")
    a = zlib.crc32(np.ascontiguousarray(g.indptr).tobytes())
    b = zlib.crc32(np.ascontiguousarray(g.indices).tobytes())
    assert _checksum(g) == a * 2**32 + b


def test_the_default_index_holds_a_million_sets():
    g = spread.datasets.load("karate")
    assert InfluenceIndex.build(g, IC(p=0.1), rng=0).n_samples == 1_000_000


def test_maximize_on_an_index_is_its_greedy_choice_scored_afresh(karate_index):
    g, model = karate_index.graph, karate_index.model
    sel = spread.maximize(g, 3, model, index=karate_index, rng=2, n_eval_runs=2_000, fixed=[0])
    top = karate_index.top(3, fixed=[0])
    assert sel.seeds.tolist() == top["node"].tolist()
    np.testing.assert_allclose(sel.gains, top["gain"].to_numpy())
    assert sel.method == "index" and math.isnan(sel.guarantee)
    assert sel.n_samples == karate_index.n_samples
    assert sel.evaluation == "2,000 fresh forward runs"


def test_maximize_refuses_an_index_of_something_else(karate_index):
    g = karate_index.graph
    with pytest.raises(InvalidParameterError, match="built for"):
        spread.maximize(g, 2, IC(p=0.15), index=karate_index, rng=0)  # an equal, other model
    with pytest.raises(InvalidParameterError, match="another graph"):
        spread.maximize(spread.datasets.load("nethept"), 2, karate_index.model, index=karate_index)
    with pytest.raises(InvalidParameterError, match="RR-set methods"):
        spread.maximize(g, 2, karate_index.model, index=karate_index, method="celf")
    with pytest.raises(InvalidParameterError, match="InfluenceIndex"):
        spread.maximize(g, 2, karate_index.model, index="plan.npz")
    ctic = CTIC(p=0.2)
    timed = InfluenceIndex.build(g, ctic, n_rr_sets=1_000, rng=0, horizon=1.0)
    with pytest.raises(InvalidParameterError, match="horizon"):
        spread.maximize(g, 2, ctic, index=timed, horizon=2.0)
    assert len(spread.maximize(g, 2, ctic, index=timed, horizon=1.0, n_eval_runs=100).seeds) == 2


def test_index_kernels_against_plain_counts():
    """Pins `node_sets`, `sets_hit` and `uncovered_counts` against counts over the sets.

    Random sets over up to 12 nodes, 0 to 300 of them (so the bitset spans up to five
    64-bit words, and set ids 63, 64, 127, 128 sit on word edges), seeds drawn with
    repeats: `sets_hit` counts the sets holding a seed, each once, and marks exactly
    those sets (bit ``s % 64`` of word ``s // 64``, compared with a bitset built here);
    `uncovered_counts` gives each node its sets not marked; `node_sets` is node v's sets
    in set order. Each kernel's own Python body (`py_func`, numpy's bounds checks) must
    agree with the compiled kernel.
    """
    from spread.im._coverage_kernels import node_sets, sets_hit, uncovered_counts

    rng = np.random.default_rng(20261206)
    for trial in range(40):
        n = int(rng.integers(1, 13))
        n_sets = int(rng.integers(0, 301)) if trial % 4 else 64 * int(rng.integers(0, 5))
        sets = [
            set(rng.choice(n, size=int(rng.integers(0, min(n, 4) + 1)), replace=False).tolist())
            for _ in range(n_sets)
        ]
        offsets = np.zeros(n_sets + 1, dtype=np.int64)
        offsets[1:] = np.cumsum([len(s) for s in sets])
        members = np.array([v for s in sets for v in sorted(s)], dtype=np.int32)
        ptr, ids = node_sets(offsets, members, n)
        assert ptr.shape == (n + 1,) and ptr[0] == 0 and ptr[-1] == members.size
        for v in range(n):
            assert ids[ptr[v] : ptr[v + 1]].tolist() == [s for s in range(n_sets) if v in sets[s]]

        seeds = rng.integers(0, n, int(rng.integers(0, 5))).astype(np.int64)  # repeats too
        hit = [s for s in range(n_sets) if sets[s] & set(seeds.tolist())]
        want_bits = np.zeros((n_sets + 63) // 64, dtype=np.uint64)
        for s in hit:
            want_bits[s // 64] |= np.uint64(2 ** (s % 64))
        for kernel in (sets_hit, sets_hit.py_func):
            bits = np.zeros((n_sets + 63) // 64, dtype=np.uint64)
            assert kernel(ptr, ids, seeds, bits) == len(hit), trial
            assert bits.tolist() == want_bits.tolist(), trial

        want = [sum(1 for s in range(n_sets) if v in sets[s] and s not in hit) for v in range(n)]
        for kernel in (uncovered_counts, uncovered_counts.py_func):
            assert kernel(ptr, ids, want_bits).tolist() == want, trial
