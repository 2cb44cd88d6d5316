"""Continuous-time independent cascade (`spread.CTIC`): exact, coupled and statistical.

Exact: closed forms of arrival times on paths and stars (Erlang, hypoexponential),
fixed delays against `scipy.sparse.csgraph.dijkstra`, p in {0, 1}, and the identity
with IC's common-random-number runs when there is no horizon. Coupled: the kernel
against `tests/reference.py`'s event-driven replay on the same coins and delays.
Statistical: the delay samplers against scipy's laws (Kolmogorov-Smirnov), means
within 4 standard errors.
"""

import math
import warnings

import numba
import numpy as np
import pytest
from scipy import sparse, stats
from scipy.sparse.csgraph import dijkstra

import spread
from spread import CTIC, IC
from spread._random import RUNS, root_seed, stream_root
from spread.exceptions import InvalidParameterError
from spread.models import _ctic_kernels as K
from spread.models import _ic_lt_kernels as ICK
from spread.models import _sis_event_kernels as EK
from spread.models import run_batch, seed_arrays
from tests import reference as ref

LAWS = [
    ("exponential", 1.5),
    ("weibull", 0.7, 2.0),
    ("weibull", 2.5, 0.5),
    ("lognormal", -0.3, 0.8),
    ("gamma", 0.4, 3.0),
    ("gamma", 3.5, 0.5),
    ("gamma", 1.0, 2.0),  # the edge of the small-shape path: one draw fewer than below it
    ("fixed", 0.75),
]
SCIPY = {
    "exponential": lambda r: stats.expon(scale=1 / r),
    "weibull": lambda k, s: stats.weibull_min(k, scale=s),
    "lognormal": lambda mu, sigma: stats.lognorm(sigma, scale=np.exp(mu)),
    "gamma": lambda k, s: stats.gamma(k, scale=s),
}


def assert_close(mean, stderr, exact):
    assert abs(mean - exact) < 4 * stderr, (mean, exact, stderr)


def ks_critical(n, alpha=1e-3):
    """Kolmogorov-Smirnov critical value of one sample of size n (asymptotic)."""
    return math.sqrt(-0.5 * math.log(alpha / 2) / n)


def path(n):
    return spread.Graph.from_edges(list(range(n - 1)), list(range(1, n)))


# ------------------------------------------------------------------ the delay laws
@pytest.mark.parametrize("law", [law for law in LAWS if law[0] != "fixed"], ids=str)
def test_delay_samplers_follow_their_laws(law):
    """Each sampler's draws (over arcs of one run) pass a KS test against scipy's law."""
    model = CTIC(delay=law)
    code, a, b, table = model._law
    x = K.sample_delays(code, a, b, table, np.uint64(12345), 0, 20_000)
    d = stats.kstest(x, SCIPY[law[0]](*law[1:]).cdf).statistic
    assert d < ks_critical(x.size)


def test_geometric_delays_are_whole_steps_with_the_right_frequencies():
    q = 0.3
    code, a, b, table = CTIC(delay=("geometric", q))._law
    x = K.sample_delays(code, a, b, table, np.uint64(5), 0, 50_000)
    assert np.array_equal(x, np.round(x)) and x.min() == 1
    for d in range(1, 7):
        p = (1 - q) ** (d - 1) * q
        assert abs(np.mean(x == d) - p) < 4 * math.sqrt(p * (1 - p) / x.size)
    assert np.all(K.sample_delays(code, np.array([1.0]), b, table, np.uint64(5), 0, 100) == 1)


def test_runs_draw_independent_delays():
    """Two runs' delays of the same arcs are independent (KS between the two samples)."""
    code, a, b, table = CTIC(delay=("exponential", 1.0))._law
    x = K.sample_delays(code, a, b, table, np.uint64(7), 0, 20_000)
    y = K.sample_delays(code, a, b, table, np.uint64(7), 1, 20_000)
    assert not np.array_equal(x, y)
    assert abs(np.corrcoef(x, y)[0, 1]) < 4 / math.sqrt(x.size)


def test_quantile_table_look_up_at_its_ends_in_every_copy():
    """Pins the tabulated law's look-up (`_table_quantile`, copied in the SIS event and
    RR-set kernels): u = 1 reads the table's last entry, u = 0 its first, u between two
    knots interpolates; run as plain Python too, where numpy checks the bounds (the
    compiled look-up would read past the table unnoticed)."""
    from spread.im import _rrset_kernels as RK
    from spread.models import _sis_event_kernels as EK

    table = np.array([0.0, 0.25, 0.75, 1.0])  # knots at u = 0, 1/3, 2/3, 1
    for look_up in (K._table_quantile, EK._table_quantile, RK._table_quantile):
        for f in (look_up, look_up.py_func):
            assert f(table, 1.0) == 1.0
            assert f(table, 0.0) == 0.0
            assert f(table, 0.5) == 0.5
            assert f(table, 1 / 6) == pytest.approx(0.125, abs=1e-15)


def test_a_frozen_scipy_law_is_tabulated_within_its_promise():
    """A law other than expon goes through its quantile table: CDF within 1/16384."""
    law = stats.lognorm(0.6, scale=2.0)
    model = CTIC(delay=law)
    code, a, b, table = model._law
    assert code == K.TABLE and table.size == 16385
    x = K.sample_delays(code, a, b, table, np.uint64(99), 3, 40_000)
    assert stats.kstest(x, law.cdf).statistic < ks_critical(x.size) + 1 / 16384
    assert np.isclose(table[8192], law.median())


def test_scipy_expon_is_drawn_exactly_as_the_named_law():
    g = path(4)
    named = spread.simulate(
        g, [0], CTIC(delay=("exponential", 0.5)), n_runs=50, rng=3, keep_times=True
    )
    frozen = spread.simulate(
        g, [0], CTIC(delay=stats.expon(scale=2.0)), n_runs=50, rng=3, keep_times=True
    )
    np.testing.assert_array_equal(named.activation_times, frozen.activation_times)


# ------------------------------------------------------------------ exact cases
def test_arrival_on_a_path_is_erlang():
    """With p = 1 and Exp(rate) delays, node d of a path adopts at an Erlang(d, rate) time."""
    rate, n = 2.0, 6
    res = spread.simulate(
        path(n), [0], CTIC(delay=("exponential", rate)), n_runs=20_000, rng=5, keep_times=True
    )
    for d in (1, 3, 5):
        x = res.activation_times[:, d]
        assert stats.kstest(x, stats.gamma(d, scale=1 / rate).cdf).statistic < ks_critical(x.size)


def test_hypoexponential_arrival_with_per_arc_rates():
    """Rates 1 and 3 on the two arcs of 0 -> 1 -> 2: P(T2 <= t) = 1 - (3 e^-t - e^-3t) / 2."""
    g = path(3)
    t_end = 1.2
    res = spread.simulate(
        g, [0], CTIC(delay=("exponential", [1.0, 3.0])), n_runs=40_000, horizon=t_end, rng=8
    )
    cdf = 1 - (3 * np.exp(-t_end) - np.exp(-3 * t_end)) / 2
    exact = 1 + (1 - np.exp(-t_end)) + cdf
    assert_close(res.mean, res.stderr, exact)
    # the curve at every grid time against the same closed form
    curve = res.curve()
    t = curve.index.to_numpy()
    expected = 1 + (1 - np.exp(-t)) + 1 - (3 * np.exp(-t) - np.exp(-3 * t)) / 2
    assert np.all(np.abs(curve["mean"] - expected) < 4 * curve["stderr"] + 1e-12)
    assert curve.index.name == "time" and math.isclose(t[-1], t_end)


def test_star_within_a_horizon():
    """From the hub of a star, each of k leaves adopts by T with probability p (1 - e^{-rate T})."""
    k, p, rate, horizon = 6, 0.4, 0.8, 1.5
    star = spread.Graph.from_edges([0] * k, list(range(1, k + 1)))
    res = spread.simulate(
        star, [0], CTIC(p=p, delay=("exponential", rate)), n_runs=30_000, horizon=horizon, rng=2
    )
    assert_close(res.mean, res.stderr, 1 + k * p * (1 - np.exp(-rate * horizon)))


def test_fixed_delays_give_shortest_path_times():
    """p = 1 and a fixed delay per arc: adoption times are weighted shortest-path distances."""
    g = spread.datasets.load("karate")
    rng = np.random.default_rng(0)
    d = rng.uniform(0.1, 2.0, g.n_edges)
    res = spread.simulate(g, [0, 33], CTIC(delay=("fixed", d)), n_runs=3, rng=1, keep_times=True)
    adj = sparse.csr_matrix((d, g.indices, g.indptr), shape=(g.n_nodes, g.n_nodes))
    exact = dijkstra(adj, indices=[0, 33], min_only=True)
    for row in res.activation_times:
        np.testing.assert_array_equal(row, exact)


@pytest.mark.parametrize("law", LAWS, ids=str)
def test_without_a_horizon_the_runs_are_ics_common_random_number_runs(law):
    """The final size does not depend on the delays: run r activates exactly the nodes
    IC's run r activates when IC reads its coins by index (``crn=True``)."""
    g = spread.datasets.load("karate")
    ic = IC(p="wc")
    res = spread.simulate(g, [0, 5], CTIC(p="wc", delay=law), n_runs=400, rng=11, keep_times=True)
    root = stream_root(root_seed(11), RUNS)
    runs = run_batch(
        g,
        ic.plan(g, crn=True),
        seed_arrays([np.array([0, 5])]),
        n_runs=400,
        max_steps=g.n_nodes,
        root=root,
        keep_times=True,
    )
    np.testing.assert_array_equal(res.final_sizes, runs.final_sizes)
    np.testing.assert_array_equal(~np.isnan(res.activation_times), runs.activation_times >= 0)


@pytest.mark.parametrize("p", [0.0, 1.0])
def test_p_zero_and_one(p):
    g = spread.datasets.load("karate")  # connected
    res = spread.simulate(g, [3], CTIC(p=p, delay=("gamma", 2.0, 1.0)), n_runs=50, rng=0)
    assert np.all(res.final_sizes == (1 if p == 0 else g.n_nodes))


def test_a_coin_equal_to_the_arcs_probability_does_not_transmit():
    """An arc transmits iff its coin u < p, so that P(transmit) = p exactly: with p set
    to the very coin run 0 reads for arc 0 (the documented stream: `_indexed_uniform`
    of the run's state at the arc's index), the arc fails; one ulp more and it passes."""
    g = path(2)
    root = stream_root(root_seed(4), RUNS)
    coin = float(K._indexed_uniform(K._run_state(root, np.uint64(0)), 0))
    for p, size in ((coin, 1), (float(np.nextafter(coin, 1.0)), 2)):
        res = spread.simulate(g, [0], CTIC(p=[p], delay=("fixed", 1.0)), n_runs=1, rng=4)
        assert res.final_sizes.tolist() == [size]


def test_node_probability_counts_the_runs_that_reach_each_node():
    """`node_probability` times the runs is, node by node, the number of runs in which
    the node has a time (CTIC, SIR with any laws, contacts with and without recovery)."""
    g = spread.datasets.load("karate")
    rng = np.random.default_rng(1)
    src, dst = rng.integers(0, 30, 400), rng.integers(0, 30, 400)
    tg = spread.TemporalGraph.from_contacts(src, dst, rng.uniform(0, 10, 400))
    cases = [
        (g, CTIC(p=0.3, delay=("weibull", 1.5, 1.0)), 2.0),
        (g, spread.SIR(transmission=("gamma", 2.0, 0.5), recovery=("fixed", 1.0)), None),
        (tg, spread.TemporalIC(p=0.5), None),
        (tg, spread.TemporalIC(p=0.5, recovery=("fixed", 2.0)), None),
    ]
    for graph, model, horizon in cases:
        res = spread.simulate(
            graph, [0, 5], model, n_runs=60, rng=2, keep_times=True, horizon=horizon
        )
        reached = (~np.isnan(res.activation_times)).sum(axis=0)
        assert 0 < reached.sum() - 120 < 60 * (graph.n_nodes - 2)  # neither none nor all
        np.testing.assert_array_equal(res.node_probability * 60, reached)


def test_runs_take_the_seed_sets_in_turn():
    """With several seed sets (`seed_arrays`), run r starts from set r mod their number,
    in CTIC, SIR and TemporalIC alike: the seed of each run adopts at time 0."""
    g = spread.datasets.load("karate")
    rng = np.random.default_rng(1)
    src, dst = rng.integers(0, 30, 400), rng.integers(0, 30, 400)
    tg = spread.TemporalGraph.from_contacts(src, dst, rng.uniform(0, 10, 400))
    sets = [np.array([v], dtype=np.int32) for v in (4, 7, 11)]
    cases = [
        (g, CTIC(p=0.3).plan(g, horizon=1.0)),
        (g, spread.SIR(beta=0.5, gamma=1.0).plan(g, horizon=1.0)),
        (tg, spread.TemporalIC(p=0.5, start=0.0).plan(tg)),
    ]
    for graph, plan in cases:
        runs = run_batch(
            graph, plan, seed_arrays(sets), n_runs=7, max_steps=100, root=np.uint64(3),
            first=2, keep_times=True,
        )  # fmt: skip
        for i, row in enumerate(runs.activation_times):
            assert np.flatnonzero(row == 0.0).tolist() == [(4, 7, 11)[(2 + i) % 3]]


def test_horizon_zero_keeps_only_the_seeds_and_zero_delays_everyone():
    g = spread.datasets.load("karate")
    res = spread.simulate(g, [3, 4], CTIC(), n_runs=20, horizon=0.0, rng=0)
    assert np.all(res.final_sizes == 2)
    res = spread.simulate(
        g, [3], CTIC(delay=("fixed", 0.0)), n_runs=5, horizon=0.0, rng=0, keep_times=True
    )
    assert np.all(res.final_sizes == g.n_nodes) and np.all(res.activation_times == 0.0)


def test_every_adoption_is_within_the_horizon_and_the_curve_ends_at_the_mean():
    g = spread.datasets.load("nethept")
    res = spread.simulate(
        g,
        list(range(20)),
        CTIC(p=0.3, delay=("weibull", 1.5, 1.0)),
        n_runs=300,
        horizon=3.0,
        rng=4,
        keep_times=True,
    )
    t = res.activation_times
    assert np.nanmax(t) <= 3.0
    np.testing.assert_array_equal(np.sum(~np.isnan(t), axis=1), res.final_sizes)
    assert np.array_equal(res.new_per_step.sum(axis=1), res.final_sizes)
    assert math.isclose(res.curve()["mean"].iloc[-1], res.mean)
    # bin k holds the adoptions in ((k - 1) h, k h]
    h = res.time_step
    k = np.where(t > 0, np.ceil(t / h), np.where(t == 0, 0.0, np.nan))  # NaN: never
    for r in range(5):
        counts = np.bincount(
            k[r][~np.isnan(k[r])].astype(int), minlength=res.new_per_step.shape[1]
        )
        np.testing.assert_array_equal(counts[: res.new_per_step.shape[1]], res.new_per_step[r])


# ------------------------------------------------------------------ coupled
@pytest.mark.parametrize("law", LAWS, ids=str)
@pytest.mark.parametrize("horizon", [math.inf, 1.0])
def test_kernel_equals_the_reference_on_the_same_draws(law, horizon):
    """Same coins, same delays: the kernel's adoption times equal the plain-Python
    event-driven replay's, bit for bit."""
    g = spread.datasets.load("karate")
    p = np.random.default_rng(1).uniform(0.1, 0.6, g.n_edges)
    params = [np.full(g.n_edges, x) for x in law[1:]]
    res = spread.simulate(
        g,
        [0, 9],
        CTIC(p=p, delay=law),
        n_runs=60,
        rng=21,
        horizon=horizon if horizon < math.inf else None,
        keep_times=True,
    )
    root = stream_root(root_seed(21), RUNS)
    for r in range(60):
        expected = ref.ctic_replay(g, [0, 9], p, law[0], params, int(root), r, horizon)
        got = {
            int(v): float(res.activation_times[r, v])
            for v in np.flatnonzero(~np.isnan(res.activation_times[r]))
        }
        assert got == expected


def test_the_kernels_share_the_ic_stream():
    """`_ctic_kernels` holds a copy of the generator lines of `_ic_lt_kernels`."""
    root = np.uint64(0xDEADBEEF12345678)
    for run in (0, 1, 12345, 2**40):
        assert K._run_state(root, run) == ICK._run_state(root, run)
    state = K._run_state(root, 3)
    for i in (0, 1, 77, 10**9):
        assert K._indexed_uniform(state, i) == ICK._indexed_uniform(state, i)


def test_the_delay_period_and_contact_streams_are_the_runs_stream_salted():
    """A run's delays, infectious periods and contact coins come from ``mix(run state ^
    salt)``, each salt its eight ASCII letters read big-endian: changing one changes
    every answer a user reproduces from a seed. The event SIS kernel's copy of the
    contacts' salt is the same."""
    salts = {
        "_DELAY_SALT": b"DELAYS_1",
        "_RECOVERY_SALT": b"RECOVER1",
        "_CONTACT_SALT": b"CONTACT1",
    }
    for name, word in salts.items():
        assert int(getattr(K, name)) == int.from_bytes(word, "big")
    assert int(EK._CONTACT_SALT) == int(K._CONTACT_SALT)
    for root, run in ((0, 0), (2**64 - 1, 7), (0xDEADBEEF12345678, 99_999)):
        state = K._run_state(np.uint64(root), run)
        delays = K._mix(state ^ K._DELAY_SALT)
        assert K.delay_state(np.uint64(root), run) == delays
        coins = np.uint64(K._mix(state ^ K._CONTACT_SALT))  # uint64, as the kernels type it
        for c in (0, 5, 10**6):
            assert K.contact_coin(np.uint64(root), run, c) == K._indexed_uniform(coins, c)


@pytest.mark.parametrize("law", ["weibull", "lognormal", "gamma"])
def test_an_arcs_delay_reads_its_own_parameters_or_the_shared_ones(law):
    """Per-arc parameters (one per arc, here two arcs) give each arc the delay that the
    same law shared by all, with that arc's values, gives it: the kernel reads arc j's
    own entries, not the first."""
    code, _, _, table = CTIC(delay=(law, 1.0, 1.0))._law
    a, b = np.array([0.7, 1.9]), np.array([0.4, 2.5])
    ds = K.delay_state(np.uint64(0xDEADBEEF12345678), 3)
    for j in (0, 1):
        shared = K.arc_delay(code, a[j : j + 1], b[j : j + 1], table, ds, j)
        assert K.arc_delay(code, a, b, table, ds, j) == shared
    assert K.arc_delay(code, a, b, table, ds, 1) != K.arc_delay(code, a, b[:1], table, ds, 1)


# ------------------------------------------------------------------ statistical
def test_mean_spread_on_a_real_graph_matches_the_reference():
    """Karate club, p = 0.3, gamma delays, horizon 2: the mean within 4 standard errors
    of the plain-Python event-driven simulation's, on numpy's own draws."""
    g = spread.datasets.load("karate")
    law = ("gamma", 1.5, 1.0)
    model = CTIC(p=0.3, delay=law)
    res = spread.simulate(g, [0], model, n_runs=20_000, horizon=2.0, rng=3)
    p = model.arc_probabilities(g)
    rng = np.random.default_rng(5)
    sizes = []
    for _ in range(2000):
        d = np.where(rng.random(g.n_edges) < p, rng.gamma(1.5, 1.0, g.n_edges), np.inf)
        times = ref.ctic_times(g, d.tolist(), [0])
        sizes.append(sum(t <= 2.0 for t in times.values()))
    sizes = np.array(sizes, dtype=float)
    se = math.hypot(res.stderr, sizes.std(ddof=1) / math.sqrt(sizes.size))
    assert abs(res.mean - sizes.mean()) < 4 * se


# ------------------------------------------------------------------ reproducibility
def test_same_rng_same_runs_on_one_or_two_threads_and_in_batches(monkeypatch):
    import spread.models._batch as batch_module

    g = spread.datasets.load("nethept")
    model = CTIC(p="wc", delay=("lognormal", 0.0, 1.0))
    out = []
    for n in (1, 2):
        numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
        try:
            out.append(
                spread.simulate(g, list(range(30)), model, n_runs=1500, rng=42, horizon=5.0)
            )
        finally:
            numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    monkeypatch.setattr(batch_module, "_TARGET_BATCH_SECONDS", 1e-6)
    out.append(
        spread.simulate(g, list(range(30)), model, n_runs=1500, rng=42, horizon=5.0, n_jobs=2)
    )
    for other in out[1:]:
        np.testing.assert_array_equal(out[0].final_sizes, other.final_sizes)
        np.testing.assert_array_equal(out[0].new_per_step, other.new_per_step)
        np.testing.assert_array_equal(out[0].node_probability, other.node_probability)


# ------------------------------------------------------------------ results
def test_curve_to_frame_summary_and_plot_speak_time():
    g = spread.datasets.load("karate")
    res = spread.simulate(g, [0], CTIC(p=0.2), n_runs=200, horizon=4.0, rng=0)
    assert res.time_step == pytest.approx(0.04)
    frame = res.to_frame()
    assert list(frame.columns) == ["final_size", "duration"]
    assert frame["duration"].max() <= 4.0 + 1e-12
    assert "last event by t = 4" in res.summary()
    import matplotlib

    matplotlib.use("Agg")
    ax = res.plot()
    assert ax.get_xlabel() == "time"


def test_adoptions_past_the_last_bin_warn_and_still_count():
    g = path(60)
    with pytest.warns(RuntimeWarning, match="after the curve's last time bin"):
        res = spread.simulate(g, [0], CTIC(delay=("fixed", 1.0)), n_runs=5, time_step=0.001, rng=0)
    assert np.all(res.final_sizes == 60)
    assert res.new_per_step.sum(axis=1).max() < 60


def test_an_adoption_at_the_last_bins_end_is_in_the_last_bin():
    """Without a horizon the curve has MAX_TIME_BINS bins: node 16 of a path with unit
    delays, adopting at 16.0 = 16384 steps of 1/1024 exactly, is in the last bin (no
    warning), not past it."""
    from spread.models.simulate import MAX_TIME_BINS

    step = 1.0 / 1024
    assert 16.0 / step == MAX_TIME_BINS
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = spread.simulate(
            path(17), [0], CTIC(delay=("fixed", 1.0)), n_runs=2, time_step=step, rng=0
        )
    assert res.final_sizes.tolist() == [17, 17]
    assert res.new_per_step.shape[1] == MAX_TIME_BINS + 1
    assert res.new_per_step.sum(axis=1).tolist() == [17, 17]
    assert res.new_per_step[:, MAX_TIME_BINS].tolist() == [1, 1]


def test_an_adoption_after_time_zero_is_never_in_bin_zero():
    """Bin 0 holds time 0 alone: an adoption at the smallest positive time, 5e-324,
    goes in bin 1 even where ``ceil(t / time_step)`` underflows to 0 (a step of 2)."""
    model = CTIC(delay=("fixed", 5e-324))
    res = spread.simulate(path(3), [0], model, n_runs=2, horizon=4.0, time_step=2.0, rng=0)
    assert math.ceil(5e-324 / 2.0) == 0
    assert res.new_per_step.tolist() == [[1, 2]] * 2


@pytest.mark.parametrize("kind", ["ctic", "temporal"])
def test_a_run_where_only_the_seeds_adopt_has_depth_zero(kind):
    """A run's depth (the kernel's ``depths``, its last bin with an event, which sizes
    the per-step buffers) is bin 0 when no arc transmits: the seeds' adoption at time 0
    is its only event."""
    from spread.models import _batch

    if kind == "ctic":
        g, model = path(3), CTIC(p=0.0, delay=("fixed", 1.0))
    else:
        g = spread.TemporalGraph.from_contacts([0, 1], [1, 2], [1.0, 2.0])
        model = spread.TemporalIC(p=0.0)
    seed_ptr, seeds = seed_arrays([np.array([0], dtype=np.int32)])
    plan = model.plan(g, time_step=0.5)
    out = _batch._Buffers.empty(3, g.n_nodes, 11, 1, False, plan=plan)
    _batch._call(g, plan, seed_ptr, seeds, 10, np.uint64(7), 0, 1, out)
    assert out.final_sizes.tolist() == [1, 1, 1]
    assert out.depths.tolist() == [0, 0, 0]


def test_default_time_step():
    g = path(3)
    assert CTIC().default_time_step(g, 10.0) == 0.1
    assert CTIC(delay=("exponential", 2.0)).default_time_step(g) == pytest.approx(math.log(2) / 8)
    assert CTIC(delay=("fixed", 0.0)).default_time_step(g) == 1.0


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("delay", "match"),
    [
        ("exponential", "tuple"),
        (("exponential",), "takes 1 parameter"),
        (("exponential", 0.0), "rate must be > 0"),
        (("exponential", math.inf), "rate must be > 0"),
        (("weibull", 1.0), "takes 2 parameter"),
        (("weibull", -1.0, 1.0), "shape must be > 0"),
        (("lognormal", math.nan, 1.0), "mu must be finite"),
        (("lognormal", 0.0, -1.0), "sigma must be >= 0"),
        (("gamma", 1.0, 0.0), "scale must be > 0"),
        (("fixed", -1.0), "delay must be >= 0"),
        (("fixed", "soon"), "number or one per arc"),
        (("fixed", True), "number or one per arc"),
        (("pareto", 1.0), "law must be one of"),
        (("geometric", 0.0), "p must be in \\(0, 1\\]"),
        (("geometric", 1.5), "p must be in \\(0, 1\\]"),
        (stats.norm(), "support starts at"),
        (3.0, "tuple"),
    ],
)
def test_bad_delays_are_refused(delay, match):
    with pytest.raises(InvalidParameterError, match=match):
        CTIC(delay=delay)


def test_per_arc_parameters_must_match_the_graph():
    with pytest.raises(InvalidParameterError, match="one per arc"):
        spread.simulate(path(4), [0], CTIC(delay=("exponential", [1.0, 2.0])), n_runs=2, rng=0)


def test_time_and_step_arguments_belong_to_their_models():
    g = path(4)
    with pytest.raises(InvalidParameterError, match="`horizon` applies to continuous-time"):
        spread.simulate(g, [0], IC(p=0.5), horizon=2.0, rng=0)
    with pytest.raises(InvalidParameterError, match="`max_steps` applies to models counted"):
        spread.simulate(g, [0], CTIC(), max_steps=2, rng=0)
    with pytest.raises(InvalidParameterError, match="horizon"):
        spread.simulate(g, [0], CTIC(), horizon=-1.0, rng=0)
    with pytest.raises(InvalidParameterError, match="time_step"):
        spread.simulate(g, [0], CTIC(), time_step=0.0, rng=0)
    with pytest.raises(InvalidParameterError, match="at most 16,384 bins"):
        spread.simulate(g, [0], CTIC(), horizon=1e6, time_step=1.0, rng=0)
    with pytest.raises(InvalidParameterError, match="p"):
        CTIC(p=1.5)


# ------------------------------------------------------------------ as observed cascades
def test_simulated_cascades_carry_real_times_and_match_netrates_generator():
    """`simulate_cascades` with CTIC(p = 1, Exp(alpha)) is NetRate's generative model,
    which `simulate_ctic` draws independently (scipy's Dijkstra on numpy's delays): the
    mean cascade size within the horizon agrees within 4 standard errors."""
    from spread.fit import simulate_cascades, simulate_ctic

    g = spread.datasets.load("karate")
    alpha, horizon, n = 0.4, 1.5, 4000
    ours = simulate_cascades(
        g, CTIC(delay=("exponential", alpha)), seeds=0, n_cascades=n, horizon=horizon, rng=1
    )
    theirs = simulate_ctic(g, alpha, horizon=horizon, seeds=0, n_cascades=n, rng=2)
    t = ours.data["time"].to_numpy()
    assert t.min() == 0.0 and t.max() <= horizon and np.any((t > 0) & (t != np.round(t)))
    a, b = ours.sizes.astype(float), theirs.sizes.astype(float)
    se = math.hypot(a.std(ddof=1), b.std(ddof=1)) / math.sqrt(n)
    assert a.mean() > 3  # the cascades spread
    assert abs(a.mean() - b.mean()) < 4 * se


def test_simulate_cascades_takes_the_right_limit_for_each_model():
    from spread.fit import simulate_cascades

    g = path(4)
    with pytest.raises(InvalidParameterError, match="use `horizon`"):
        simulate_cascades(g, CTIC(), seeds=0, max_steps=2, rng=0)
    with pytest.raises(InvalidParameterError, match="use `max_steps`"):
        simulate_cascades(g, IC(p=0.5), seeds=0, horizon=2.0, rng=0)


def test_kept_times_are_budgeted_at_eight_bytes():
    """Real times are float64: the memory bound counts 8 bytes per node and run."""
    from spread.exceptions import MemoryLimitError
    from spread.models.simulate import _BYTES_PER_RUN

    g = spread.datasets.load("karate")
    need = 100 * (_BYTES_PER_RUN + 8 * g.n_nodes)
    kw = {"n_runs": 100, "keep_times": True, "rng": 0}
    with pytest.raises(MemoryLimitError):
        spread.simulate(g, [0], CTIC(), max_memory=need - 1, **kw)
    assert spread.simulate(g, [0], CTIC(), max_memory=need, **kw).n_runs == 100
