"""NetRate: closed forms by hand, CTIC simulator vs an event-driven reference, recovery, invariances.

Measured on these seeds (2-core box): global exponential rate, alpha = 0.5 on BA(300, 2),
T = 5, 10 cascades, 20 replicates: median relative error 1.3%. Per-arc rates,
alpha_uv ~ U(0.2, 1), 1,000 cascades: median relative error 8.0% (FITTING.md measured
7.7%); fit 0.8 s after compilation.
"""

import math

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import spread
from spread import ConvergenceWarning, InvalidParameterError, NodeNotFound
from spread.fit import Cascades, NetRateEstimator, fit_netrate, simulate_ctic
from spread.fit.netrate import _ctic_times
from tests.reference import ctic_times


def ba(n, m, seed):
    return spread.Graph.from_networkx(nx.barabasi_albert_graph(n, m, seed=seed))


def path_cascades():
    g = spread.Graph.from_edges([0, 1], [1, 2])
    df = pd.DataFrame({"cascade": [0, 0, 1], "node": [0, 1, 0], "time": [0.0, 1.5, 0.0]})
    return g, Cascades.from_frame(df, graph=g)


# ------------------------------------------------------------------ exact
@pytest.mark.parametrize(
    ("kernel", "exposure", "log_hazard"),
    [
        ("exp", 1.5 + 2.5 + 4.0, 0.0),
        ("rayleigh", (1.5**2 + 2.5**2 + 4.0**2) / 2, math.log(1.5)),
        ("power", math.log(1.5) + math.log(2.5) + math.log(4.0), math.log(1 / 1.5)),
    ],
)
def test_global_closed_form_by_hand(kernel, exposure, log_hazard):
    # 0 -> 1 -> 2; cascade 0: 0 at 0, 1 at 1.5, 2 never; cascade 1: 0 at 0 only; T = 4.
    # Pairs: 0->1 infected (gap 1.5); 1->2 survives 2.5; 0->1 survives 4 in cascade 1.
    g, cs = path_cascades()
    res = fit_netrate(g, cs, horizon=4.0, kernel=kernel)
    alpha = 1 / exposure
    assert res.success
    assert res.params["alpha"] == pytest.approx(alpha, rel=1e-10)
    assert res.stderr["alpha"] == pytest.approx(alpha, rel=1e-6)  # alpha / sqrt(N), N = 1
    assert res.loglik == pytest.approx(math.log(alpha) + log_hazard - 1.0, rel=1e-10)
    assert res.diagnostics["n_events"] == 1 and res.diagnostics["n_pairs"] == 3


def test_default_window_is_each_cascades_last_time():
    g, cs = path_cascades()
    est = NetRateEstimator().fit(g, cs)
    # windows 1.5 and 0: only the infected pair (gap 1.5) adds exposure
    assert est.alpha_ == pytest.approx(1 / 1.5, rel=1e-12)
    assert est.result_.diagnostics["n_after_window"] == 0
    with pytest.warns(ConvergenceWarning, match="No infection"):
        short = NetRateEstimator().fit(g, cs, horizon=1.0)
    assert short.result_.diagnostics["n_after_window"] == 1


def test_ctic_shortest_paths_match_the_event_driven_reference():
    g = ba(200, 2, 3)
    gen = np.random.default_rng(4)
    delays = gen.exponential(1.0, g.n_edges)
    delays[gen.random(g.n_edges) < 0.2] = np.inf  # some arcs never transmit
    for seeds in ([0], [5, 17, 40]):
        fast = _ctic_times(g, delays, np.array(seeds))
        ref = ctic_times(g, delays, seeds)
        reached = np.flatnonzero(np.isfinite(fast))
        assert sorted(ref) == reached.tolist()
        np.testing.assert_allclose(fast[reached], [ref[v] for v in reached], rtol=1e-14)


@pytest.mark.parametrize(
    ("kernel", "prob"),
    [
        ("exp", 1 - math.exp(-0.7 * 1.3)),
        ("rayleigh", 1 - math.exp(-0.7 * 1.3**2 / 2)),
        ("power", 1 - (1.3 / 1.0) ** -0.7),
    ],
)
def test_ctic_delay_laws(kernel, prob):
    g = spread.Graph.from_edges([0], [1])
    cs = simulate_ctic(g, 0.7, kernel=kernel, horizon=1.3, seeds=[0], n_cascades=1000, rng=5)
    hit = (cs.sizes > 1).mean()
    assert abs(hit - prob) < 4 * math.sqrt(prob * (1 - prob) / 1000)


def test_simulate_ctic_reproducible():
    g = spread.datasets.load("karate")
    a = simulate_ctic(g, 0.4, horizon=2.0, n_cascades=30, rng=6)
    b = simulate_ctic(g, 0.4, horizon=2.0, n_cascades=30, rng=6)
    pd.testing.assert_frame_equal(a.data, b.data)
    assert a.data["time"].max() <= 2.0 and len(np.unique(a.sizes)) > 3


# --------------------------------------------------------------- recovery
def test_global_exponential_rate_at_10_cascades():
    g = ba(300, 2, 0)
    errors = []
    for r in range(20):
        cs = simulate_ctic(g, 0.5, horizon=5.0, n_cascades=10, rng=300 + r)
        est = NetRateEstimator().fit(g, cs, horizon=5.0)
        errors.append(abs(est.alpha_ / 0.5 - 1))
    assert np.median(errors) <= 0.02  # the target; measured median 1.3%


@pytest.mark.parametrize("kernel", ["power", "rayleigh"])
def test_global_rate_other_kernels(kernel):
    g = ba(300, 2, 1)
    cs = simulate_ctic(g, 0.8, kernel=kernel, horizon=5.0, n_cascades=20, rng=7)
    res = fit_netrate(g, cs, horizon=5.0, kernel=kernel)
    assert res.success and res.model == f"netrate_{kernel}"
    assert abs(res.params["alpha"] - 0.8) < 4 * res.stderr["alpha"]


def test_per_arc_exponential_rates():
    """Per-arc NetRate rates (BA(300, 2), 1,000 cascades): median error within 15%, and
    per-arc standard errors that give intervals at their nominal coverage.

    The fit reports the per-arc stderr, not per-arc intervals; the intervals are built
    here by the library's Wald rule for positive parameters, ``alpha * exp(± z * se /
    alpha)`` with ``z = norm.ppf((1 + level) / 2)`` (arcs without a stderr count as not
    covered), at 95% and 90%. Over the 1,192 arcs the count must pass a two-sided
    binomial test at alpha 0.001 (at 95%: 1,107..1,156 of 1,192); stderrs 15% too small
    cover about 90.4% and fail. Measured: 95.4% and 90.5% (natural-scale intervals
    ``alpha ± z se``, also checked to the original 4-SE band: 93.5%). The global rate's
    interval is the same rule read from `result_.intervals`."""
    g = ba(300, 2, 0)
    alpha = np.random.default_rng(1).uniform(0.2, 1.0, g.n_edges)
    cs = simulate_ctic(g, alpha, horizon=5.0, n_cascades=1000, rng=2)
    est = NetRateEstimator(granularity="edge").fit(g, cs, horizon=5.0)
    res = est.result_
    assert res.success, res.message
    rel = np.abs(est.alpha_ / alpha - 1)
    assert np.median(rel) <= 0.15  # the target; measured median 8.0%
    assert est.alpha_.shape == (g.n_edges,) and res.model == "netrate_exp_edge"
    assert np.isfinite(est.alpha_stderr_).mean() > 0.95
    # about 95% of the per-arc Wald intervals hold the truth (4-SE band of a binomial)
    z95 = stats.norm.ppf(0.975)
    covered = np.abs(est.alpha_ - alpha) <= z95 * est.alpha_stderr_
    assert abs(covered.mean() - 0.95) < 4 * math.sqrt(0.95 * 0.05 / g.n_edges)
    # in the log scale, as every Wald interval of a positive parameter: within an exact
    # binomial bound of nominal, at two levels
    for level in (0.95, 0.9):
        half = stats.norm.ppf((1 + level) / 2) * est.alpha_stderr_ / est.alpha_
        with np.errstate(invalid="ignore"):
            inside = (est.alpha_ * np.exp(-half) <= alpha) & (alpha <= est.alpha_ * np.exp(half))
        assert stats.binomtest(int(inside.sum()), g.n_edges, level).pvalue > 0.001, (
            level,
            inside.mean(),
        )
    a, se = res.params["alpha"], res.stderr["alpha"]
    expected = (a * np.exp(-z95 * se / a), a * np.exp(z95 * se / a))
    assert tuple(res.intervals["alpha"]) == pytest.approx(expected, rel=1e-12)
    assert res.loglik > fit_netrate(g, cs, horizon=5.0).loglik


def test_penalty_pulls_rates_to_the_global_rate():
    g = ba(100, 2, 2)
    alpha = np.random.default_rng(3).uniform(0.2, 1.0, g.n_edges)
    cs = simulate_ctic(g, alpha, horizon=3.0, n_cascades=60, rng=4)
    free = NetRateEstimator(granularity="edge").fit(g, cs)
    tight = NetRateEstimator(granularity="edge", penalty=1e9).fit(g, cs)
    np.testing.assert_allclose(tight.alpha_, free.result_.params["alpha"], rtol=1e-5)


def test_bootstrap_and_profile_intervals():
    g = ba(150, 2, 5)
    cs = simulate_ctic(g, 0.5, horizon=3.0, n_cascades=15, rng=8)
    boot = NetRateEstimator(ci_method="bootstrap", n_resamples=10, rng=1).fit(g, cs).result_
    prof = NetRateEstimator(ci_method="profile").fit(g, cs).result_
    for res in (boot, prof):
        low, high = res.intervals["alpha"]
        assert low < res.params["alpha"] < high
    assert boot.ci_method == "bootstrap" and prof.ci_method == "profile"


# ------------------------------------------------------------- invariances
def test_time_rescaling_scales_the_rates():
    g = ba(120, 2, 6)
    alpha = np.random.default_rng(7).uniform(0.2, 1.0, g.n_edges)
    cs = simulate_ctic(g, alpha, horizon=4.0, n_cascades=80, rng=9)
    c = 60.0
    scaled = Cascades.from_frame(
        cs.data[["cascade", "node", "time"]].assign(time=lambda d: c * d["time"]), graph=g
    )
    for gran in ("global", "edge"):
        base = NetRateEstimator(granularity=gran).fit(g, cs, horizon=4.0).alpha_
        other = NetRateEstimator(granularity=gran).fit(g, scaled, horizon=4.0 * c).alpha_
        np.testing.assert_allclose(other, np.asarray(base) / c, rtol=1e-9)
    ray = NetRateEstimator(kernel="rayleigh").fit(g, cs, horizon=4.0).alpha_
    ray_scaled = NetRateEstimator(kernel="rayleigh").fit(g, scaled, horizon=4.0 * c).alpha_
    assert ray_scaled == pytest.approx(ray / c**2, rel=1e-12)


def test_relabelling_and_cascade_order_leave_rates_unchanged():
    g = ba(120, 2, 8)
    alpha = np.random.default_rng(9).uniform(0.2, 1.0, g.n_edges)
    cs = simulate_ctic(g, alpha, horizon=4.0, n_cascades=80, rng=10)
    base = NetRateEstimator(granularity="edge").fit(g, cs, horizon=4.0)
    perm = np.random.default_rng(11).permutation(g.n_nodes)
    src, dst, _ = g.edges()
    g2 = spread.Graph.from_edges(perm[src], perm[dst])
    df = cs.data[["cascade", "node", "time"]]
    rename = dict(enumerate(np.random.default_rng(12).permutation(cs.n_cascades)))
    df2 = df.assign(node=perm[df["node"]], cascade=df["cascade"].map(rename)).sample(
        frac=1, random_state=0
    )
    other = NetRateEstimator(granularity="edge").fit(
        g2, Cascades.from_frame(df2, graph=g2), horizon=4.0
    )
    assert other.result_.params["alpha"] == pytest.approx(base.result_.params["alpha"], rel=1e-12)
    where = {(int(u), int(v)): i for i, (u, v) in enumerate(zip(*g2.edges()[:2], strict=True))}
    idx = [where[(int(perm[u]), int(perm[v]))] for u, v in zip(src, dst, strict=True)]
    np.testing.assert_allclose(other.alpha_[idx], base.alpha_, rtol=1e-9)


# ---------------------------------------------------------- failure modes
def test_no_infection_events_is_reported_not_raised():
    g = spread.Graph.from_edges([0, 1], [1, 2])
    cs = Cascades.from_frame(pd.DataFrame({"cascade": [0], "node": [0], "time": [0.0]}), graph=g)
    with pytest.warns(ConvergenceWarning, match="No infection has an earlier infected"):
        est = NetRateEstimator().fit(g, cs, horizon=3.0)
    assert not est.result_.success and est.result_.status == 3 and math.isnan(est.alpha_)


def test_unexplained_infections_are_counted():
    g = spread.Graph.from_edges([0, 1], [1, 2])
    # node 2 is infected but its only in-neighbour (1) never is
    df = pd.DataFrame({"cascade": [0, 0, 0], "node": [0, 1, 2], "time": [0.0, 1.0, 0.5]})
    est = NetRateEstimator().fit(g, Cascades.from_frame(df, graph=g))
    assert est.result_.diagnostics["n_unexplained"] == 1
    assert est.result_.diagnostics["n_events"] == 1


def test_estimator_contract_and_cascades_without_a_graph():
    g, cs = path_cascades()
    est = NetRateEstimator(kernel="exp")
    assert est.fit(g, cs, horizon=4.0) is est
    assert {"alpha_", "alpha_stderr_", "result_", "n_iter_"} <= set(vars(est))
    bare = Cascades.from_frame(cs.data[["cascade", "node", "time"]])
    assert NetRateEstimator().fit(g, bare, horizon=4.0).alpha_ == pytest.approx(est.alpha_)


@pytest.mark.parametrize(
    ("kwargs", "fit_args", "error", "message"),
    [
        (
            {"kernel": "gamma"},
            {},
            InvalidParameterError,
            r"`kernel` must be one of 'exp', 'power', 'rayleigh'; got 'gamma'",
        ),
        (
            {"granularity": "node"},
            {},
            InvalidParameterError,
            r"`granularity` must be one of 'global', 'edge'; got 'node'",
        ),
        (
            {"penalty": -1},
            {},
            InvalidParameterError,
            r"`penalty` must be a finite number >= 0; got -1",
        ),
        (
            {},
            {"horizon": -2.0},
            InvalidParameterError,
            r"`horizon` must be a finite number >= 0; got -2.0",
        ),
        (
            {},
            {"horizon": "soon"},
            InvalidParameterError,
            r"`horizon` must be a window length .*; got 'soon'",
        ),
        (
            {"min_delay": 0},
            {},
            InvalidParameterError,
            r"`min_delay` must be a finite number > 0; got 0",
        ),
    ],
)
def test_invalid_settings(kwargs, fit_args, error, message):
    g, cs = path_cascades()
    with pytest.raises(error, match=message):
        NetRateEstimator(**kwargs).fit(g, cs, **fit_args)


def test_invalid_data():
    g, cs = path_cascades()
    other = spread.Graph.from_edges([0, 1, 2], [1, 2, 3])
    with pytest.raises(InvalidParameterError, match=r"`cascades` must be built on `graph`"):
        NetRateEstimator().fit(other, cs)
    bare = Cascades.from_frame(pd.DataFrame({"cascade": [0], "node": [7], "time": [0.0]}))
    with pytest.raises(NodeNotFound, match=r"node\(s\) 7 not in the graph"):
        NetRateEstimator().fit(g, bare)
    with pytest.raises(
        InvalidParameterError, match=r"`alpha` must hold finite rates >= 0; got -1.0 at arc 1"
    ):
        simulate_ctic(g, [0.5, -1.0], horizon=1.0, n_cascades=1)
    with pytest.raises(InvalidParameterError, match=r"`alpha` must be a finite number > 0; got 0"):
        simulate_ctic(g, 0, horizon=1.0, n_cascades=1)


@pytest.mark.parametrize("kernel", ["exp", "rayleigh", "power"])
def test_the_fitted_model_simulates_netrates_generative_model(kernel):
    """`model_` is a CTIC whose cascades follow `simulate_ctic`'s law at the fitted rate:
    mean cascade sizes within the horizon agree within 4 standard errors."""
    from spread.fit import simulate_cascades

    g = spread.datasets.load("karate")
    data = simulate_ctic(g, 0.6, kernel=kernel, horizon=2.0, n_cascades=200, rng=1)
    est = NetRateEstimator(kernel=kernel).fit(g, data, horizon=2.0)
    ours = simulate_cascades(g, est.model_, seeds=0, n_cascades=4000, horizon=2.0, rng=2).sizes
    theirs = simulate_ctic(
        g, est.alpha_, kernel=kernel, horizon=2.0, seeds=0, n_cascades=4000, rng=3
    ).sizes
    se = math.hypot(ours.std(ddof=1), theirs.std(ddof=1)) / math.sqrt(4000)
    assert ours.mean() > 2  # the cascades spread: the comparison is not vacuous
    assert abs(ours.mean() - theirs.mean()) < 4 * se


def test_model_needs_a_fit_and_one_power_law_rate():
    from spread.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        NetRateEstimator().model_  # noqa: B018 (a property that raises)
    g = spread.datasets.load("karate")
    data = simulate_ctic(g, 0.6, kernel="power", horizon=3.0, n_cascades=50, rng=1)
    est = NetRateEstimator(kernel="power", granularity="edge").fit(g, data, horizon=3.0)
    with pytest.raises(InvalidParameterError, match="one rate"):
        est.model_  # noqa: B018


def _pairs_by_definition(indptr, indices, casc_ptr, nodes, times, t_end):
    """NetRate's (cascade, arc, gap, infected) pairs from their definition, in the
    kernel's documented order: cascades, their rows, each row's arcs in CSR order."""
    out = []
    for c in range(len(casc_ptr) - 1):
        rows = range(casc_ptr[c], casc_ptr[c + 1])
        when = {int(nodes[r]): float(times[r]) for r in rows}
        for r in rows:
            tu = float(times[r])
            for j in range(indptr[nodes[r]], indptr[nodes[r] + 1]):
                tv = when.get(int(indices[j]))
                if tv is None:
                    out.append((c, j, t_end[c] - tu, False))
                elif tv > tu:  # a tie is no pair: neither infected the other
                    out.append((c, j, tv - tu, True))
    return out


def test_pairs_kernel_is_the_definition_in_order_with_ties():
    """`netrate_pairs` against the definition, pair by pair and in order, on a random
    digraph with cascades whose times tie (half-hour grid: infected neighbours at the
    same time make no pair) and nodes reached by several parents."""
    from spread.fit._netrate_kernels import netrate_pairs

    g = spread.Graph.from_networkx(nx.gnp_random_graph(30, 0.15, seed=3, directed=True))
    rng = np.random.default_rng(8)
    casc_ptr, nodes, times = [0], [], []
    for _ in range(6):
        members = rng.choice(g.n_nodes, size=int(rng.integers(3, 12)), replace=False)
        t = np.sort(rng.integers(0, 8, size=members.size) / 2.0)
        t[0] = 0.0
        nodes.extend(members)
        times.extend(t)
        casc_ptr.append(len(nodes))
    casc_ptr = np.array(casc_ptr, dtype=np.int64)
    nodes, times = np.array(nodes, dtype=np.int64), np.array(times)
    t_end = np.array([times[b - 1] + 1.5 for b in casc_ptr[1:]])
    got = netrate_pairs(g.indptr, g.indices, casc_ptr, nodes, times, t_end, g.n_nodes)
    want = _pairs_by_definition(g.indptr, g.indices, casc_ptr, nodes, times, t_end)
    ties = sum(
        1
        for c in range(6)
        for a in range(casc_ptr[c], casc_ptr[c + 1])
        for b in range(casc_ptr[c], casc_ptr[c + 1])
        if a != b
        and times[a] == times[b]
        and nodes[b] in g.indices[g.indptr[nodes[a]] : g.indptr[nodes[a] + 1]]
    )
    assert ties > 0 and len(want) > 50
    assert [len(col) for col in got] == [len(want)] * 4
    np.testing.assert_array_equal(got[0], [w[0] for w in want])
    np.testing.assert_array_equal(got[1], [w[1] for w in want])
    np.testing.assert_array_equal(got[2], [w[2] for w in want])
    np.testing.assert_array_equal(got[3], [w[3] for w in want])
