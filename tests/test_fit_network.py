"""Network models fitted to trends (and cascades) on a known graph: ICEstimator,
LTEstimator, HeatEstimator and the DMP surrogate. Exact limits, parameter recovery on
data from our own simulator (FITTING.md §4.1), invariances, failure modes, errors."""

import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import spread
from spread import IC, LT, Graph, Heat, InvalidParameterError, NodeNotFound
from spread.exceptions import ConvergenceWarning, IdentifiabilityWarning
from spread.fit import (
    HeatEstimator,
    ICEstimator,
    LTEstimator,
    Trend,
    dmp_ic,
    fit_ic,
    simulate_cascades,
)
from spread.fit._losses import (
    mixture_dispersion,
    negbin_dispersion,
    negbin_loglik,
    poisson_loglik,
    sample_counts,
    trend_loss,
)
from spread.fit.dmp import dmp_curve
from tests.reference import dmp_ic as dmp_reference


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", IdentifiabilityWarning)
        yield


@pytest.fixture(scope="module")
def ba3000():
    return Graph.from_networkx(nx.barabasi_albert_graph(3000, 3, seed=1))


def _curve(graph, model, seeds, n_bins, rng, steps_per_bin=1):
    """One observed trend: a run of our simulator, summed into bins."""
    res = spread.simulate(
        graph, seeds, model, n_runs=1, max_steps=n_bins * steps_per_bin - 1, rng=rng
    )
    steps = np.zeros(n_bins * steps_per_bin)
    steps[: res.new_per_step.shape[1]] = res.new_per_step[0]
    return steps.reshape(n_bins, steps_per_bin).sum(axis=1)


def _rel(values, truth):
    return np.abs(np.asarray(values) / truth - 1)


# ===================================================================== DMP exact
@pytest.mark.parametrize("directed", [True, False])
@pytest.mark.parametrize("p", [0.0, 0.3, 1.0])
def test_dmp_on_a_path_is_exact(directed, p):
    g = Graph.from_edges([0, 1, 2, 3], [1, 2, 3, 4], directed=directed)
    new, marg = dmp_ic(g, [0], p, max_steps=5)
    np.testing.assert_allclose(marg, p ** np.arange(5), atol=1e-15)
    np.testing.assert_allclose(new, [1, p, p**2, p**3, p**4, 0], atol=1e-15)


def test_dmp_on_a_star_is_exact():
    g = Graph.from_edges([0] * 5, [1, 2, 3, 4, 5], directed=False)
    _, from_centre = dmp_ic(g, [0], 0.4, max_steps=2)
    np.testing.assert_allclose(from_centre, [1] + [0.4] * 5, atol=1e-15)
    _, from_leaf = dmp_ic(g, [1], 0.4, max_steps=3)
    np.testing.assert_allclose(from_leaf, [0.4, 1] + [0.16] * 4, atol=1e-15)


def test_dmp_external_only_closed_form():
    g = Graph.from_networkx(nx.empty_graph(50))
    new, marg = dmp_ic(g, [0, 1], 0.5, max_steps=5, external=0.1)
    t = np.arange(1, 6)
    np.testing.assert_allclose(new[1:], 48 * 0.9 ** (t - 1) * 0.1, rtol=1e-12)
    np.testing.assert_allclose(marg[2:], 1 - 0.9**5, rtol=1e-12)


def test_dmp_external_schedule_closed_form():
    """A schedule e_t: the still-inactive fraction after step t is prod_{s <= t} (1 - e_s),
    the last entry holding past the end."""
    g = Graph.from_networkx(nx.empty_graph(50))
    schedule = [0.1, 0.0, 0.3]
    new, marg = dmp_ic(g, [0, 1], 0.5, max_steps=5, external=schedule)
    e = np.array([0.1, 0.0, 0.3, 0.3, 0.3])
    still = np.concatenate([[1.0], np.cumprod(1 - e)])
    np.testing.assert_allclose(new[1:], 48 * (still[:-1] - still[1:]), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(marg[2:], 1 - still[-1], rtol=1e-12)


@pytest.mark.parametrize("external", [0.0, 0.01, (0.02, 0.0, 0.005)], ids=str)
def test_dmp_on_a_tree_equals_the_monte_carlo_mean(external):
    """DMP is exact on trees: every node's marginal and the mean curve within 4 SE."""
    tree = nx.random_labeled_tree(80, seed=3)
    g = Graph.from_networkx(tree)
    p = np.random.default_rng(0).uniform(0.2, 0.9, g.n_edges)
    seeds = [0, 40]
    new, marg = dmp_ic(g, seeds, p, max_steps=11, external=external)
    n_runs = 20_000
    res = spread.simulate(g, seeds, IC(p=p, external=external), n_runs=n_runs, max_steps=11, rng=4)
    q = res.node_probability
    se = np.sqrt(np.maximum(q * (1 - q), 1e-4) / n_runs)
    assert np.all(np.abs(marg - q) < 4 * se)
    steps = np.zeros((n_runs, 12))
    steps[:, : res.new_per_step.shape[1]] = res.new_per_step
    se_t = steps.std(axis=0, ddof=1) / np.sqrt(n_runs)
    assert np.all(np.abs(new - steps.mean(axis=0)) < 4 * np.maximum(se_t, 1e-9))


@pytest.mark.parametrize("directed", [True, False])
def test_dmp_kernel_is_the_cavity_equations(directed):
    """Coupled: the kernel (products kept once per node, a message's factor divided out,
    zero factors counted apart) equals the cavity equations multiplied out arc by arc
    (`tests.reference.dmp_ic`), on small loopy graphs whose arcs have p in {0, 0.35, 1}
    (so factors are exactly 0, once or several times at a node), partly active seeds
    (p0 in {0, 0.4, 1}) and an external schedule. To 1e-12: the kernel divides where
    the reference multiplies."""
    rng = np.random.default_rng(11 + directed)
    for trial in range(30):
        n = int(rng.integers(3, 9))
        nxg = nx.gnp_random_graph(n, 0.5, seed=int(rng.integers(1 << 30)), directed=directed)
        if nxg.number_of_edges() == 0:
            continue
        g = Graph.from_networkx(nxg)
        p_arc = rng.choice([0.0, 0.35, 1.0], size=g.n_edges, p=[0.2, 0.3, 0.5])
        p0 = rng.choice([0.0, 0.4, 1.0], size=n, p=[0.6, 0.2, 0.2])
        external = rng.choice([0.0, 0.1], size=int(rng.integers(1, 4)))
        new, marg = dmp_curve(g, p_arc, p0, external, 7, 1)
        want_new, want_marg = dmp_reference(g, p_arc, p0, external, 7)
        np.testing.assert_allclose(new, want_new, rtol=1e-12, atol=1e-12, err_msg=str(trial))
        np.testing.assert_allclose(marg, want_marg, rtol=1e-12, atol=1e-12, err_msg=str(trial))


def test_dmp_overestimates_on_a_clustered_graph():
    """On short loops DMP counts some infection paths twice (FITTING.md §2.2.1)."""
    g = Graph.from_networkx(nx.powerlaw_cluster_graph(600, 3, 0.6, seed=2))
    _, marg = dmp_ic(g, [0, 1], 0.12, max_steps=39)
    res = spread.simulate(g, [0, 1], IC(p=0.12), n_runs=4000, rng=1)
    assert marg.sum() > res.mean + 4 * res.stderr


# ================================================================ IC from trends
def test_ic_p_from_one_aggregate_curve(ba3000):
    """FITTING.md §4.1 / issue 7: BA(3000, 3), 10 known seeds, p = 0.12, R = 10.

    Measured (these 10 curves, n_runs=400): median 6.2%, p90 13.8% (Monte Carlo); DMP
    8.0%, p90 19.5%. Tolerances: the issue's 12% and FITTING.md's p90 30% (about twice
    the measured), DMP twice its median.
    """
    seeds = list(range(100, 110))
    mc, dmp = [], []
    for r in range(10):
        y = _curve(ba3000, IC(p=0.12), seeds, 15, 1000 + r)
        mc.append(ICEstimator(n_runs=400, ci_method=None, rng=r).fit(ba3000, y, seeds=seeds).p_)
        dmp.append(ICEstimator("dmp", ci_method=None).fit(ba3000, y, seeds=seeds).p_)
    assert np.median(_rel(mc, 0.12)) <= 0.12
    assert np.quantile(_rel(mc, 0.12), 0.9) <= 0.30
    assert np.median(_rel(dmp, 0.12)) <= 0.16


def test_ic_scale_on_weighted_cascade_and_steps_per_bin(ba3000):
    """A scale on the weighted-cascade probabilities, two steps per bin.

    Measured: median 1.6% over 10 curves (these 5 and 5 more)."""
    seeds = list(range(0, 30))
    base = spread.weights.weighted_cascade(ba3000)
    est = []
    for r in range(5):
        y = _curve(ba3000, IC(p=np.minimum(base * 1.5, 1)), seeds, 8, 70 + r, steps_per_bin=2)
        fit = ICEstimator(base="wc", n_runs=300, ci_method=None, rng=r).fit(
            ba3000, y, seeds=seeds, steps_per_bin=2
        )
        est.append(fit.p_)
    assert fit.result_.params.keys() == {"scale"}
    assert np.median(_rel(est, 1.5)) <= 0.04


def test_condition_on_takeoff_on_a_clustered_graph():
    """Curves that took off (>= 100 adopters) on a clustered graph with die-outs common.

    Measured over 6 curves: median 5.8% conditioned, 7.4% not; take-off rate ~0.9."""
    g = Graph.from_networkx(nx.powerlaw_cluster_graph(3000, 3, 0.5, seed=3))
    seeds = [5, 50, 500]
    errs, rates = [], []
    r = 0
    while len(errs) < 6:
        y = _curve(g, IC(p=0.12), seeds, 20, 900 + r)
        r += 1
        if y.sum() < 100:
            continue
        est = ICEstimator(n_runs=400, condition_on_takeoff=True, ci_method=None, rng=r).fit(
            g, y, seeds=seeds
        )
        errs.append(est.p_ / 0.12 - 1)
        rates.append(est.result_.diagnostics["takeoff_rate"])
    assert np.median(np.abs(errs)) <= 0.12
    assert 0.5 < np.median(rates) < 1.0


@pytest.mark.slow
def test_external_adoption_and_network_spread_together(ba3000):
    """IC plus spontaneous adoption from one curve (a hub seed, then a long external tail).

    The two are partly confounded on one curve (FITTING.md §2.2.4), so the errors are
    larger than for ``p`` alone. Measured over 10 curves (n_runs=300): median 15% (p)
    and 30% (external)."""
    est = []
    for r in range(10):
        y = _curve(ba3000, IC(p=0.08, external=0.002), [0], 30, 300 + r)
        fit = ICEstimator(n_runs=300, external=True, ci_method=None, rng=r).fit(
            ba3000, y, seeds=[0]
        )
        est.append((fit.p_, fit.external_))
    est = np.array(est)
    assert np.median(_rel(est[:, 0], 0.08)) <= 0.30
    assert np.median(_rel(est[:, 1], 0.002)) <= 0.60
    assert fit.model_.external == fit.external_


def _daily(external, a1, b1, hours):
    """A one-harmonic daily schedule at the phase times `hours` (h after midnight UTC)."""
    w = 2 * np.pi * np.asarray(hours) / 24
    return external * np.exp(a1 * np.cos(w) + b1 * np.sin(w))


_DAILY = {"p": 0.05, "external": 0.004, "a1": 0.6, "b1": -0.4}


@pytest.fixture(scope="module")
def ba2000():
    return Graph.from_networkx(nx.barabasi_albert_graph(2000, 2, seed=1))


def _dmp_wald_fit(graph, y, seeds, loss):
    est = ICEstimator("dmp", loss=loss, external=True, ci_method="wald", n_runs=5, rng=0)
    return est.fit(graph, y, seeds=seeds).result_


def test_dmp_wald_interval_is_its_definition(ba2000):
    """``ci_method="wald"`` on a message-passing fit: the covariance (log scale) is the
    inverse of ``J' W J``, J the Jacobian of the `dmp_ic` curve in (log p, log external)
    by central differences written out here and W = 1 / (mu + mu**2 / k), k the NB2
    dispersion profiled at the estimate (1 / mu for the Poisson loss); each interval is
    exp(log estimate -/+ z se) and each standard error the delta method's estimate * se.
    """
    seeds, n_bins, p, ext = [0, 1, 2, 3, 4], 30, 0.08, 0.003
    mu, _ = dmp_ic(ba2000, seeds, p, max_steps=n_bins - 1, external=ext)
    y = sample_counts(np.random.default_rng(5), mu, 5.0)
    y[0] = len(seeds)
    z = stats.norm.ppf(0.975)
    for loss in ("negbin", "poisson"):
        res = _dmp_wald_fit(ba2000, y, seeds, loss)
        assert res.success and res.ci_method == "wald"
        x = np.log([res.params["p"], res.params["external"]])

        def curve(x):
            new, _ = dmp_ic(
                ba2000, seeds, np.exp(x[0]), max_steps=n_bins - 1, external=np.exp(x[1])
            )
            return new

        jac = np.empty((n_bins, 2))
        for i in range(2):
            h = 1e-4 * max(1.0, abs(x[i]))
            jac[:, i] = (curve(x + h * np.eye(2)[i]) - curve(x - h * np.eye(2)[i])) / (2 * h)
        m = curve(x)
        var = m + m**2 / negbin_dispersion(y, m)[0] if loss == "negbin" else m
        cov = np.linalg.inv(jac.T @ (jac / var[:, None]))
        np.testing.assert_allclose(res._fit.cov_x, cov, rtol=1e-6)
        for i, name in enumerate(("p", "external")):
            se = np.sqrt(cov[i, i])
            want = np.exp([x[i] - z * se, x[i] + z * se])
            got = res.intervals[name]
            np.testing.assert_allclose([got.low, got.high], want, rtol=1e-6)
            assert res.stderr[name] == pytest.approx(np.exp(x[i]) * se, rel=1e-6)


def test_dmp_profile_interval_is_where_the_likelihood_drops(ba2000):
    """``ci_method="profile"`` on a message-passing fit of p alone by the Poisson loss:
    each end is where the Poisson log-likelihood of the `dmp_ic` curve, written out
    here, falls chi2_1(0.95) / 2 below its maximum (the loss is the deviance, twice
    that), on either side of the estimate; the negative binomial's ends too, its
    dispersion re-profiled at each (`negbin_dispersion`)."""
    seeds, n_bins, p = [0, 1, 2, 3, 4], 30, 0.08
    mu, _ = dmp_ic(ba2000, seeds, p, max_steps=n_bins - 1)
    y = sample_counts(np.random.default_rng(5), mu, 5.0)
    y[0] = len(seeds)
    drop = stats.chi2.ppf(0.95, 1) / 2

    def curve(q):
        return dmp_ic(ba2000, seeds, q, max_steps=n_bins - 1)[0]

    def poisson_loglik(q):
        return float(stats.poisson.logpmf(y, np.maximum(curve(q), 1e-9)).sum())

    def negbin_loglik(q):
        return -negbin_dispersion(y, curve(q))[1]

    for loss, loglik in (("poisson", poisson_loglik), ("negbin", negbin_loglik)):
        est = ICEstimator("dmp", loss=loss, ci_method="profile", n_runs=5, rng=0)
        res = est.fit(ba2000, y, seeds=seeds).result_
        assert res.success and res.ci_method == "profile"
        low, high = res.intervals["p"]
        assert low < res.params["p"] < high
        top = loglik(res.params["p"])
        for end in (low, high):
            assert top - loglik(end) == pytest.approx(drop, abs=2e-3), (loss, end)
        wald = res.conf_int(method="wald")["p"]  # the same curvature at this size
        assert wald.low == pytest.approx(low, rel=0.02)
        assert wald.high == pytest.approx(high, rel=0.02)
        prof = res.profile("p")  # the same likelihood, up to a constant
        want = [loglik(v) - top for v in prof["value"]]
        got = prof["loglik"] - prof["loglik"].iloc[6]  # the middle: the estimate
        np.testing.assert_allclose(got, want, atol=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("loss", "n_nodes", "n_bins", "ext", "n_reps"),
    [("poisson", 2000, 30, 0.003, 200), ("negbin", 3000, 80, 0.002, 100)],
)
def test_dmp_wald_intervals_cover_at_their_level(loss, n_nodes, n_bins, ext, n_reps):
    """Counts drawn around the message-passing curve itself (Poisson, or NB2 with k = 5
    for the negbin loss, over 80 bins: with 30 such bins the interval is too narrow,
    z-scores spread 1.2-1.3 times the normal's, an asymptotic interval's small-sample
    limit): the 95% Wald intervals of p and external hold the truth in a share of the
    replicates within 3 binomial standard errors of 0.95."""
    g = Graph.from_networkx(nx.barabasi_albert_graph(n_nodes, 2, seed=1))
    seeds, p = [0, 1, 2, 3, 4], 0.08
    mu, _ = dmp_ic(g, seeds, p, max_steps=n_bins - 1, external=ext)
    rng = np.random.default_rng(11)
    hits = np.zeros(2)
    for _ in range(n_reps):
        y = sample_counts(rng, mu, 5.0 if loss == "negbin" else np.inf)
        y[0] = len(seeds)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            res = _dmp_wald_fit(g, y, seeds, loss)
        iv = res.intervals
        hits += [
            iv["p"].low <= p <= iv["p"].high,
            iv["external"].low <= ext <= iv["external"].high,
        ]
    se = np.sqrt(0.95 * 0.05 / n_reps)
    assert np.all(np.abs(hits / n_reps - 0.95) <= 3 * se), hits


def test_daily_external_recovers_its_own_dmp_curve(ba2000):
    """Fitted to the exact DMP curve of a daily schedule (hourly bins from 05:00 UTC), the
    DMP fit returns the parameters; step t (bin t) sits at 05:00 + t + 0.5 h."""
    n_bins, seeds = 48, [0, 1, 2, 3, 4]
    hours = 5 + np.arange(1, n_bins) + 0.5
    sched = _daily(_DAILY["external"], _DAILY["a1"], _DAILY["b1"], hours)
    new, _ = dmp_ic(ba2000, seeds, _DAILY["p"], max_steps=n_bins - 1, external=sched)
    idx = pd.date_range("2024-03-01 05:00", periods=n_bins, freq="h", tz="UTC")
    est = ICEstimator("dmp", loss="poisson", external=True, period=24, ci_method=None)
    est.fit(ba2000, pd.Series(new, index=idx), seeds=seeds)
    assert est.result_.success
    for name, value in _DAILY.items():
        assert est.params_[name] == pytest.approx(value, rel=0.02, abs=0.02), name
    fitted = _daily(est.external_, est.params_["a1"], est.params_["b1"], hours)
    np.testing.assert_allclose(est.model_.external, np.minimum(fitted, 1.0), rtol=1e-12)
    # the truth's factor exp(0.6 cos w - 0.4 sin w) peaks at w = atan2(-0.4, 0.6), i.e.
    # 24 h * (1 - 0.0936) = 21.75 h, with a peak-to-trough ratio exp(2 sqrt(0.52))
    diag = est.result_.diagnostics
    peak = 24 * (np.arctan2(-0.4, 0.6) % (2 * np.pi)) / (2 * np.pi)
    assert diag["external_peak_phase"] == pytest.approx(peak, abs=0.2)  # its 2-minute grid
    assert diag["external_peak_to_trough"] == pytest.approx(np.exp(2 * np.sqrt(0.52)), rel=0.05)
    assert set(est.params_) == {"p", "external", "a1", "b1"}


def test_daily_external_from_simulated_days(ba2000):
    """Statistical: over 12 days simulated from the model (three days of hourly counts
    each, Poisson loss: the counts are runs of the model), the mean DMP estimates of the
    daily coefficients lie within 4 standard errors of the truth (40 replicates measured:
    z = 1.06 and 0.23, sd 0.077 and 0.075), and a constant external fits worse."""
    n_bins, seeds, n_rep = 72, [0, 1, 2, 3, 4], 12
    hours = 5 + np.arange(1, n_bins) + 0.5
    sched = _daily(_DAILY["external"], _DAILY["a1"], _DAILY["b1"], hours)
    model = IC(p=_DAILY["p"], external=sched)
    runs = spread.simulate(ba2000, seeds, model, n_runs=n_rep, max_steps=n_bins - 1, rng=123)
    idx = pd.date_range("2024-03-01 05:00", periods=n_bins, freq="h", tz="UTC")
    coefs = []
    for r in range(n_rep):
        y = np.zeros(n_bins)
        y[: runs.new_per_step.shape[1]] = runs.new_per_step[r]
        kw = {"loss": "poisson", "external": True, "ci_method": None}
        est = ICEstimator("dmp", period=24, **kw).fit(ba2000, pd.Series(y, index=idx), seeds=seeds)
        flat = ICEstimator("dmp", **kw).fit(ba2000, pd.Series(y, index=idx), seeds=seeds)
        assert est.result_.loss < flat.result_.loss
        coefs.append([est.params_["a1"], est.params_["b1"]])
    coefs = np.array(coefs)
    se = coefs.std(axis=0, ddof=1) / np.sqrt(n_rep)
    assert np.all(np.abs(coefs.mean(axis=0) - [_DAILY["a1"], _DAILY["b1"]]) < 4 * se)
    # the Monte Carlo fit (common random numbers, the schedule in the kernel) on the last
    # day: within 4 of its own standard deviations (0.065, 0.075 over 12 replicates)
    mc = ICEstimator("mc", n_runs=200, period=24, rng=0, **kw)
    mc.fit(ba2000, pd.Series(y, index=idx), seeds=seeds)
    assert abs(mc.params_["a1"] - _DAILY["a1"]) < 4 * 0.065
    assert abs(mc.params_["b1"] - _DAILY["b1"]) < 4 * 0.075
    assert mc.model_.external.shape == (n_bins - 1,)


def test_period_needs_external(ba2000):
    with pytest.raises(InvalidParameterError, match="need `external=True`"):
        ICEstimator(period=24).fit(ba2000, [5, 3, 2], seeds=[0])
    with pytest.raises(InvalidParameterError, match="`n_harmonics` must be an integer >= 1"):
        ICEstimator(external=True, period=24, n_harmonics=0).fit(ba2000, [5, 3, 2], seeds=[0])
    with pytest.raises(InvalidParameterError, match="`period`"):
        ICEstimator(external=True, period=-1).fit(ba2000, [5, 3, 2], seeds=[0])


# ================================================================ LT from trends
def test_lt_scale_and_threshold_mean_from_one_curve(ba3000):
    """One curve, 5% random seeds. Measured medians over 10 curves (these 5 and 5
    more): scale 6.7%, mean 1.9%."""
    w = spread.weights.weighted_cascade(ba3000)
    rng = np.random.default_rng(5)
    scale, mean = [], []
    for r in range(5):
        s = rng.choice(3000, 150, replace=False)
        y = _curve(ba3000, LT(weights=w * 0.7), s, 12, 3000 + r)
        scale.append(
            LTEstimator(n_runs=300, ci_method=None, rng=r).fit(ba3000, y, seeds=s).params_
        )
        law = LT(weights=w, threshold_law=("beta", 0.6, 1.4))
        y = _curve(ba3000, law, s, 12, 4000 + r)
        fit = LTEstimator(parameter="threshold_mean", n_runs=300, ci_method=None, rng=r).fit(
            ba3000, y, seeds=s
        )
        mean.append(fit.params_)
    assert np.median(_rel([d["scale"] for d in scale], 0.7)) <= 0.14
    assert np.median(_rel([d["threshold_mean"] for d in mean], 0.3)) <= 0.04
    assert fit.model_.threshold_law == (
        "beta",
        pytest.approx(2 * fit.params_["threshold_mean"]),
        pytest.approx(2 * (1 - fit.params_["threshold_mean"])),
    )


# ========================================================================== heat
@pytest.fixture(scope="module")
def clustered3000():
    return Graph.from_networkx(nx.powerlaw_cluster_graph(3000, 3, 0.3, seed=2))


def test_heat_beta_from_noisy_node_states(clustered3000):
    """FITTING.md §4.1: powerlaw-cluster(3000), 10 seeds, node states with sd 0.01.

    Measured over 10 noise draws (20 snapshots): median 0.7%, largest 1.7%, Wald 95%
    intervals covered 10 of 10. The issue asks for 2%."""
    g = clustered3000
    seeds = list(range(10))
    times = np.linspace(0.25, 5.0, 20)
    states = spread.solve(g, seeds, Heat(beta=0.2), times=times).heat
    errs, covered = [], 0
    for r in range(5):
        noisy = states + np.random.default_rng(r).normal(0, 0.01, states.shape)
        est = HeatEstimator().fit(g, noisy, seeds=seeds, times=times)
        errs.append(est.beta_ / 0.2 - 1)
        lo, hi = est.result_.intervals["beta"]
        covered += lo <= 0.2 <= hi
        # five draws cannot measure coverage: the interval is pinned to its definition,
        # Wald in the log scale with z from scipy (coverage: tests/test_intervals.py)
        half = stats.norm.ppf(0.975) * est.result_.stderr["beta"] / est.beta_
        assert (lo, hi) == pytest.approx(
            (est.beta_ * np.exp(-half), est.beta_ * np.exp(half)), rel=1e-12
        )
    assert np.max(np.abs(errs)) <= 0.02
    assert np.median(np.abs(errs)) <= 0.015
    assert covered >= 4


def test_heat_beta_from_thresholded_counts(clustered3000):
    """Thresholded counts with Poisson noise. Measured: median 2.0% over 10 draws (these
    5 and 5 more; FITTING.md: 1.5%); the issue's row asks for 5%."""
    g = clustered3000
    seeds = list(range(10))
    h = spread.solve(g, seeds, Heat(beta=0.2, threshold=1e-3), times=np.arange(20.0))
    mu = np.diff(h.adopted.astype(float), prepend=0)
    errs = []
    for r in range(5):
        y = np.random.default_rng(r).poisson(mu)
        est = HeatEstimator(threshold=1e-3, ci_method=None).fit(g, y, seeds=seeds)
        errs.append(est.beta_ / 0.2 - 1)
    assert np.median(np.abs(errs)) <= 0.05


# ==================================================== negative-binomial counts
def test_negbin_profile_is_the_maximum_over_the_dispersion():
    rng = np.random.default_rng(0)
    mu = rng.uniform(1, 200, 40)
    y = sample_counts(rng, mu, 3.0)
    k, nll = negbin_dispersion(y, mu)
    grid = np.exp(np.linspace(np.log(0.1), np.log(1e8), 20001))
    values = np.array([-negbin_loglik(y, mu, kk) for kk in grid])
    assert nll <= values.min() + 1e-9
    assert abs(np.log(k) - np.log(grid[np.argmin(values)])) <= 2e-3
    assert trend_loss("negbin", y, mu) == nll
    # counts with no spread around their means at all: the Poisson limit
    exact = np.round(mu)
    k, nll = negbin_dispersion(exact, exact)
    assert k > 1e7
    assert nll == pytest.approx(-poisson_loglik(exact, exact), rel=1e-6)


def test_mixture_dispersion_is_the_noise_around_each_run():
    """Counts drawn as a random run (Gamma-varying means) plus NB noise with k = 4: the
    mixture over the runs recovers k within 4 standard errors (from the profile's
    curvature in log k; measured over these 5 draws: 3.4-4.1), while the dispersion
    around the runs' mean takes the run-to-run variation for noise (1.3-1.4)."""
    from scipy.special import logsumexp

    for seed in range(5):
        rng = np.random.default_rng(seed)
        runs = rng.gamma(2.0, 10.0, size=(200, 2000))
        y = sample_counts(rng, runs[rng.integers(0, 200, 2000), np.arange(2000)], 4.0)
        k, nll = mixture_dispersion(y, runs)

        def profile(lk, y=y, runs=runs):
            per_run = negbin_loglik(y[None, :], runs, np.exp(lk), total=False)
            return -np.sum(logsumexp(per_run, axis=0) - np.log(200))

        h = 1e-3
        lk = np.log(k)
        assert nll == pytest.approx(profile(lk), rel=1e-12)
        assert nll <= min(profile(lk - h), profile(lk + h))
        curvature = (profile(lk + h) - 2 * profile(lk) + profile(lk - h)) / h**2
        assert abs(lk - np.log(4.0)) < 4 / np.sqrt(curvature)
        assert negbin_dispersion(y, runs.mean(axis=0))[0] < 2.0
    # One run, or identical runs: the dispersion around that run.
    mu = rng.uniform(1, 100, 50)
    y = sample_counts(rng, mu, 3.0)
    single = negbin_dispersion(y, mu)
    assert mixture_dispersion(y, mu) == pytest.approx(single, rel=1e-9)
    assert mixture_dispersion(y, np.tile(mu, (7, 1))) == pytest.approx(single, rel=1e-6)
    # Counts that are exactly one of the runs: no noise on top (the Poisson end), where
    # the dispersion around the mean is finite.
    runs = rng.poisson(rng.uniform(5, 50, (30, 40))).astype(float)
    assert mixture_dispersion(runs[3], runs)[0] > 1e6
    assert negbin_dispersion(runs[3], runs.mean(axis=0))[0] < 1e3


@pytest.mark.parametrize(
    "kwargs",
    [
        {"loss": "negbin"},
        {"loss": "negbin", "condition_on_takeoff": True, "takeoff": 0.5},
        {"loss": "poisson"},
        {"loss": "negbin", "method": "dmp"},
    ],
)
def test_trend_fit_loss_is_the_likelihood_of_its_predictive_law(kwargs):
    """A simulation fit with the negbin loss minimises the likelihood of the law it
    predicts from: a run drawn at random (of those that took off, when conditioned),
    then NB2 noise around it, k profiled (`mixture_dispersion` over the runs at the
    estimate, the same common random numbers), not the NB2 likelihood around the runs'
    mean. The Poisson loss, and message passing (one curve, no runs), compare with the
    expected curve. Each checked at the estimate, against its definition."""
    g = Graph.from_networkx(nx.barabasi_albert_graph(300, 2, seed=3))
    y = sample_counts(np.random.default_rng(4), _curve(g, IC(p=0.15), [0, 1], 10, 5), 6.0)
    est = ICEstimator(n_runs=60, ci_method=None, rng=2, **kwargs).fit(g, y, seeds=[0, 1])
    problem, res = est.result_._fit, est.result_
    if kwargs.get("method") == "dmp":
        # to rounding: the message-passing solver sums its loss in another order
        want = trend_loss("negbin", y, problem.curve_at(problem.x_hat))
        assert res.loss == pytest.approx(want, rel=1e-13)
        return
    runs = problem.runs_at(problem.x_hat)
    assert runs.shape == (60, 10)
    if kwargs["loss"] == "poisson":
        assert res.loss == trend_loss("poisson", y, runs.mean(axis=0))
        # the likelihood a profile reads: the deviance is twice it, up to a constant
        assert problem.nll(problem.x_hat) == 0.5 * res.loss
        return
    assert problem.nll(problem.x_hat) == res.loss  # the problem's one loss, every caller
    took = runs.sum(axis=1) >= kwargs.get("takeoff", 0.0) * y.sum()
    assert 0 < took.sum() < 60 or "takeoff" not in kwargs
    assert res.loss == mixture_dispersion(y, runs[took])[1]
    assert res.loss != negbin_dispersion(y, runs[took].mean(axis=0))[1]
    assert res.diagnostics["dispersion"] == mixture_dispersion(y, runs[took])[0]


@pytest.mark.slow
def test_mixture_likelihood_recovers_p_from_one_noisy_run():
    """Statistical: twelve trends, each one run of IC (BA(1000, 2), 3 seeds, p = 0.08,
    where runs differ widely) seen through NB2 noise (k = 10), fitted by simulation with
    the default negbin loss (the mixture over the runs): the mean estimate lies within 4
    standard errors of the truth. Measured over ten such trends: mean 0.072, standard
    error 0.009."""
    g = Graph.from_networkx(nx.barabasi_albert_graph(1000, 2, seed=1))
    ps = []
    for r in range(12):
        y = sample_counts(
            np.random.default_rng(r), _curve(g, IC(p=0.08), [0, 1, 2], 15, 1000 + r), 10.0
        )
        est = ICEstimator(n_runs=200, ci_method=None, rng=r).fit(g, y, seeds=[0, 1, 2])
        assert est.result_.success
        ps.append(est.p_)
    ps = np.array(ps)
    assert abs(ps.mean() - 0.08) < 4 * ps.std(ddof=1) / np.sqrt(ps.size), ps


def _coverage(y, fc):
    return np.mean((y >= fc["lower"].to_numpy()) & (y <= fc["upper"].to_numpy()))


@pytest.mark.slow
def test_negbin_counts_ic_dispersion_and_band_coverage(ba3000):
    """Curves of IC with spontaneous adoption (30 seeds, p=0.1, external 0.01) seen
    through negative-binomial noise (k=4); 20 bins fitted, 10 forecast.

    The true p lies far from its lower bound (1e-4): with p = 0.05 three of ten negbin
    fits put p on that bound (the curve explained by spontaneous adoption alone) and their
    bands still counted as covering. Bound hits are counted here, not hidden: every negbin
    fit must identify p (above 1e-3), and the Poisson fits that do not (2 of 10 here)
    are left out of the comparison of the two bands. Each band is its definition, the
    quantiles of the fit's simulated paths. Measured over these 10 replicates: k (fitted
    around each run, `mixture_dispersion`) median relative error 22% (26% for the
    dispersion around the runs' mean, which the bands used before); 90% band coverage of
    the held-out bins 0.85 with ``loss="negbin"``, whose fit maximises the mixture
    likelihood over the runs (0.87 when p was fitted around the runs' mean, 0.89 with
    k fitted there too), 0.50 with the Poisson loss on the 8 replicates it identified
    (whose band knows the run-to-run variation only).
    Tolerances: k within 50%, coverage at least 0.8 and 0.2 above the Poisson band's."""
    seeds = list(range(30))
    model = IC(p=0.1, external=0.01)
    ks, cover = [], {"poisson": [], "negbin": []}
    at_bound = {"poisson": [], "negbin": []}
    for r in range(10):
        y = sample_counts(
            np.random.default_rng(r), _curve(ba3000, model, seeds, 30, 1000 + r), 4.0
        )
        for loss in cover:
            est = ICEstimator(loss=loss, external=True, n_runs=200, ci_method=None, rng=r)
            est.fit(ba3000, y[:20], seeds=seeds)
            at_bound[loss].append(est.p_ < 1e-3)
            fc = est.forecast(10, level=0.9, n_paths=400, rng=r)
            cover[loss].append(_coverage(y[20:], fc))
            if loss == "negbin":
                ks.append(est.result_.diagnostics["dispersion"])
                assert f"dispersion k = {ks[-1]:.4g}" in est.result_.summary()
            else:
                assert "dispersion" not in est.result_.diagnostics
                assert "dispersion" not in est.result_.summary()
    draws = est.simulate(np.arange(20, 30), 400, r, with_uncertainty=True)
    q = (1 - 0.9) / 2
    np.testing.assert_allclose(fc["lower"], np.quantile(draws, q, axis=0), rtol=1e-12)
    np.testing.assert_allclose(fc["upper"], np.quantile(draws, 1 - q, axis=0), rtol=1e-12)
    assert not any(at_bound["negbin"]), at_bound
    identified = ~np.array(at_bound["poisson"])
    assert identified.sum() >= 6, at_bound
    assert np.median(_rel(ks, 4.0)) <= 0.5
    assert np.mean(cover["negbin"]) >= 0.8
    negbin, poisson = np.array(cover["negbin"]), np.array(cover["poisson"])
    assert negbin[identified].mean() >= poisson[identified].mean() + 0.2


def test_negbin_lt_scale_from_noisy_curves(ba3000):
    """LT weight scale 0.7 (weighted cascade, 150 random seeds, 12 bins) under NB noise
    (k = 4). Measured over these 5 curves: median relative error 16%. Tolerance 32%."""
    w = spread.weights.weighted_cascade(ba3000)
    rng = np.random.default_rng(5)
    scales = []
    for r in range(5):
        s = rng.choice(3000, 150, replace=False)
        y = _curve(ba3000, LT(weights=w * 0.7), s, 12, 3000 + r)
        y = sample_counts(np.random.default_rng(r), y, 4.0)
        est = LTEstimator(loss="negbin", n_runs=300, ci_method=None, rng=r).fit(ba3000, y, seeds=s)
        assert est.result_.success and est.result_.diagnostics["dispersion"] > 0
        scales.append(est.params_["scale"])
    assert np.median(_rel(scales, 0.7)) <= 0.32
    draws = est.simulate(np.arange(12), n_paths=200, rng=0)
    assert draws.shape == (200, 12) and np.all(draws >= 0)


@pytest.mark.slow
def test_negbin_bootstrap_draws_the_fitted_noise(ba3000):
    """The parametric bootstrap re-draws data as the model says the data arose: with
    ``loss="negbin"``, runs plus negative-binomial noise, so its intervals widen with
    noise that the Poisson bootstrap (runs only) does not see. BA(3000, 3), 10 seeds,
    p = 0.12, NB noise k = 4, DMP fits, 20 replicates. Measured over these 12 curves:
    95% intervals cover p in 9 of 12; bootstrap standard error 1.9 times the Poisson
    one (median; 2.9 over the next 12 curves: with 20 replicates each ratio is noisy,
    from 1.0 to 4.5). Tolerances: 8 of 12, 1.5 times."""
    seeds = list(range(100, 110))
    covered, ratio = 0, []
    for r in range(12):
        y = sample_counts(
            np.random.default_rng(r), _curve(ba3000, IC(p=0.12), seeds, 15, 1000 + r), 4.0
        )
        sd = {}
        for loss in ("poisson", "negbin"):
            est = ICEstimator("dmp", loss=loss, ci_method="bootstrap", n_resamples=20, rng=0)
            res = est.fit(ba3000, y, seeds=seeds).result_
            assert res.ci_method == "bootstrap"
            sd[loss] = res.stderr["p"]
            if loss == "negbin":
                lo, hi = res.intervals["p"]
                covered += lo <= 0.12 <= hi
                reps = res.diagnostics["bootstrap"].params["p"].to_numpy()
                q = (1 - 0.95) / 2  # percentile interval of its own replicates
                expected = (np.quantile(reps, q), np.quantile(reps, 1 - q))
                assert (lo, hi) == pytest.approx(expected, rel=1e-12)
        ratio.append(sd["negbin"] / sd["poisson"])
    assert covered >= 8
    assert np.median(ratio) >= 1.5


def test_negbin_counts_heat_beta_dispersion_and_band(clustered3000):
    """Thresholded heat counts (beta 0.02, 30 bins) with negative-binomial noise (k=4);
    20 bins fitted. Measured over these 10 draws: beta median error 2.6% (8.1% with the
    Poisson loss), k median relative error 20%, 90% band coverage of the 10 held-out
    bins 0.80 (Poisson loss 0.59). Tolerances: 5%, 40%, 0.7."""
    g = clustered3000
    seeds = list(range(10))
    h = spread.solve(g, seeds, Heat(beta=0.02, threshold=1e-3), times=np.arange(30.0))
    mu = np.diff(h.adopted.astype(float), prepend=0)
    errs, ks, cover = [], [], []
    for r in range(10):
        y = sample_counts(np.random.default_rng(r), mu, 4.0)
        est = HeatEstimator(threshold=1e-3, loss="negbin", ci_method=None).fit(
            g, y[:20], seeds=seeds
        )
        errs.append(est.beta_ / 0.02 - 1)
        ks.append(est.result_.diagnostics["dispersion"])
        fc = est.forecast(10, level=0.9, n_paths=1000, rng=r)
        cover.append(_coverage(y[20:], fc))
    # ten draws cannot measure the band's coverage: its definition is pinned instead,
    # the 5% and 95% quantiles of the fit's simulated paths
    draws = est.simulate(np.arange(20, 30), 1000, r, with_uncertainty=True)
    q = (1 - 0.9) / 2
    np.testing.assert_allclose(fc["lower"], np.quantile(draws, q, axis=0), rtol=1e-12)
    np.testing.assert_allclose(fc["upper"], np.quantile(draws, 1 - q, axis=0), rtol=1e-12)
    assert np.median(np.abs(errs)) <= 0.05
    assert np.median(_rel(ks, 4.0)) <= 0.4
    assert np.mean(cover) >= 0.7


def test_heat_exact_and_invariances():
    g = spread.datasets.load("karate")
    seeds = [0, 33]
    times = np.array([0.5, 1.0, 2.0])
    states = spread.solve(g, seeds, Heat(beta=0.3), times=times).heat
    exact = HeatEstimator().fit(g, states, seeds=seeds, times=times)
    assert exact.beta_ == pytest.approx(0.3, rel=1e-4)
    # t -> c t gives beta -> beta / c
    slow = HeatEstimator().fit(g, states, seeds=seeds, times=times * 4)
    assert slow.beta_ == pytest.approx(0.3 / 4, rel=1e-4)
    # relabelling the nodes leaves the estimate unchanged
    perm = np.random.default_rng(0).permutation(g.n_nodes)
    src, dst, _ = g.edges()
    relabel = Graph.from_edges(
        [f"n{perm[u]}" for u in src], [f"n{perm[v]}" for v in dst], directed=False
    )
    frame = pd.DataFrame(states, index=times, columns=[f"n{perm[v]}" for v in g.labels])
    again = HeatEstimator().fit(relabel, frame, seeds=[f"n{perm[s]}" for s in seeds])
    assert again.beta_ == pytest.approx(exact.beta_, rel=1e-6)
    # a subset of nodes observed is enough
    part = HeatEstimator().fit(relabel, frame.iloc[:, :10], seeds=[f"n{perm[s]}" for s in seeds])
    assert part.beta_ == pytest.approx(0.3, rel=1e-4)
    # thresholded counts from the exact read-out
    model = Heat(beta=0.3, threshold=0.02)
    cum = spread.solve(g, seeds, model, times=np.arange(8.0)).adopted.astype(float)
    counts = HeatEstimator(threshold=0.02, loss="poisson", ci_method=None).fit(
        g, np.diff(cum, prepend=0), seeds=seeds
    )
    assert counts.result_.loss == pytest.approx(0.0, abs=1e-6)  # mu floored at 1e-9
    assert counts.predict().tolist() == np.diff(cum, prepend=0).tolist()


# =================================================================== invariances
def test_dmp_fit_does_not_depend_on_labels(ba3000):
    seeds = list(range(100, 110))
    y = _curve(ba3000, IC(p=0.12), seeds, 15, 5)
    a = ICEstimator("dmp", ci_method=None).fit(ba3000, y, seeds=seeds).p_
    perm = np.random.default_rng(1).permutation(ba3000.n_nodes)
    src, dst, _ = ba3000.edges()
    g2 = Graph.from_edges(perm[src], perm[dst], directed=False)
    b = ICEstimator("dmp", ci_method=None).fit(g2, y, seeds=perm[seeds].tolist()).p_
    assert b == pytest.approx(a, rel=1e-6)


def test_same_rng_same_answer_on_one_or_two_threads(ba3000):
    seeds = list(range(100, 110))
    y = _curve(ba3000, IC(p=0.12), seeds, 12, 6)
    one = ICEstimator(n_runs=200, n_resamples=4, n_bootstrap_runs=50, rng=3, n_jobs=1)
    two = ICEstimator(n_runs=200, n_resamples=4, n_bootstrap_runs=50, rng=3, n_jobs=2)
    a, b = one.fit(ba3000, y, seeds=seeds), two.fit(ba3000, y, seeds=seeds)
    assert a.p_ == b.p_
    assert a.result_.intervals == b.result_.intervals
    assert a.result_.diagnostics["bootstrap"].params.equals(
        b.result_.diagnostics["bootstrap"].params
    )


# ============================================================ round trip, bootstrap
def test_round_trip_predict_simulate_forecast(ba3000):
    seeds = list(range(100, 110))
    y = _curve(ba3000, IC(p=0.12), seeds, 15, 9)
    est = ICEstimator(n_runs=400, n_resamples=20, n_bootstrap_runs=100, rng=0).fit(
        ba3000, y[:10], seeds=seeds
    )
    res = est.result_
    assert res.success and res.ci_method == "bootstrap"
    lo, hi = res.intervals["p"]
    assert lo < est.p_ < hi
    # predict runs the fitted model through spread.simulate: it matches the fitting curve
    fitted = res.diagnostics["fitted"]
    pred = est.predict()
    assert np.abs(pred - fitted).sum() < 0.1 * fitted.sum()
    fc = est.forecast(5, level=0.9, n_paths=200)
    assert list(fc.columns[:3]) == ["mean", "lower", "upper"]
    assert (fc["lower"] <= fc["upper"]).all() and len(fc) == 5
    assert np.all(np.diff(fc["cumulative"]) >= 0)
    draws = est.simulate(np.arange(10), n_paths=50, rng=1)
    assert draws.shape == (50, 10)
    # the fitted model in the public simulator reproduces the observed total
    sim = spread.simulate(ba3000, est.seeds_, est.model_, n_runs=2000, max_steps=9, rng=2)
    assert abs(sim.mean - y[:10].sum()) < 0.25 * y[:10].sum()
    # bootstraps are reproducible and extendable
    b1 = res.bootstrap(6, rng=5)
    b2 = res.bootstrap(6, rng=5)
    assert b1.params.equals(b2.params)
    b3 = res.bootstrap(9, rng=5, result=b1)
    assert b3.n_resamples + b3.n_failed == 9
    assert b3.params.iloc[:6].equals(b1.params)


def test_seed_rules(ba3000):
    y = _curve(ba3000, IC(p=0.1), list(range(5)), 10, 1)
    est = ICEstimator("dmp", ci_method=None).fit(ba3000, y, seeds="top-degree:5")
    top = np.argsort(-ba3000.out_degree, kind="stable")[:5]
    assert sorted(est.seeds_.tolist()) == sorted(ba3000.label_of(top).tolist())
    assert est.result_.diagnostics["seed_rule"] == "top-degree:5"
    assert any("rule" in w for w in est.result_.warnings)
    auto = ICEstimator("dmp", ci_method=None).fit(ba3000, y, seeds="top-degree")
    assert len(auto.seeds_) == int(y[0])
    r1 = ICEstimator("dmp", ci_method=None, rng=4).fit(ba3000, y, seeds="random:5").seeds_
    r2 = ICEstimator("dmp", ci_method=None, rng=4).fit(ba3000, y, seeds="random:5").seeds_
    assert np.array_equal(r1, r2)
    pr = ICEstimator("dmp", ci_method=None).fit(ba3000, y, seeds="pagerank:5").seeds_
    assert len(pr) == 5


# ==================================================================== cascades
def test_cascade_paths_wrap_the_likelihood_fits():
    g = Graph.from_networkx(nx.barabasi_albert_graph(500, 3, seed=0))
    cs = simulate_cascades(g, IC(p=0.1), n_cascades=100, rng=1)
    est = ICEstimator().fit(g, cs)
    assert est.p_ == fit_ic(cs).params["p"]
    assert est.result_.ci_method == "wald"
    assert isinstance(est.model_, IC) and est.model_.p == est.p_
    edge = ICEstimator(granularity="edge").fit(g, cs)
    assert edge.p_.shape == (g.n_edges,)
    lt = simulate_cascades(g, LT(threshold_law=("beta", 2, 5)), seeds=[list(range(30))] * 3, rng=2)
    fit = LTEstimator().fit(g, lt)
    assert fit.model_.threshold_law[0] == "beta"
    other = Graph.from_networkx(nx.barabasi_albert_graph(500, 3, seed=0))
    with pytest.raises(InvalidParameterError, match="must be built on `graph`"):
        ICEstimator().fit(other, cs)
    with pytest.raises(InvalidParameterError, match="`method` must be one of 'mle'"):
        ICEstimator("mc").fit(g, cs)


# ================================================================ failure modes
def test_failure_modes_return_a_status(ba3000):
    seeds = [0, 1]
    with pytest.warns(ConvergenceWarning):
        zero = ICEstimator("dmp", ci_method=None).fit(ba3000, np.zeros(8), seeds=seeds)
    assert zero.result_.status == 3 and not zero.result_.success
    assert np.isnan(zero.p_) and zero.model_ is None
    with pytest.warns(ConvergenceWarning):
        huge = ICEstimator(n_runs=50, ci_method=None).fit(
            ba3000, [2, 4000, 4000, 4000], seeds=seeds
        )
    assert huge.result_.status == 2 and "upper bound" in huge.result_.message
    with pytest.warns(ConvergenceWarning):
        died = ICEstimator(n_runs=50, ci_method=None).fit(ba3000, [2, 0, 0, 0, 0], seeds=seeds)
    assert died.result_.status == 2 and "lower bound" in died.result_.message
    heat = HeatEstimator(threshold=0.1, ci_method=None)
    with pytest.warns(ConvergenceWarning):
        heat.fit(ba3000, np.zeros(5), seeds=seeds)
    assert heat.result_.status == 3


def test_errors_name_the_parameter(ba3000):
    y = [2, 5, 8]
    with pytest.raises(InvalidParameterError, match="`seeds` is required"):
        ICEstimator().fit(ba3000, y)
    with pytest.raises(NodeNotFound):
        ICEstimator().fit(ba3000, y, seeds=[10**7])
    with pytest.raises(InvalidParameterError, match="`seeds` must be one of 'top-degree'"):
        ICEstimator().fit(ba3000, y, seeds="best:3")
    with pytest.raises(InvalidParameterError, match="needs a count"):
        ICEstimator().fit(ba3000, y, seeds="top-degree", steps_per_bin=2)
    with pytest.raises(InvalidParameterError, match="`method` must be one of 'mc', 'dmp'"):
        ICEstimator("mle").fit(ba3000, y, seeds=[0])
    with pytest.raises(InvalidParameterError, match="`bounds` must satisfy"):
        ICEstimator(bounds=(0.5, 0.1)).fit(ba3000, y, seeds=[0])
    with pytest.raises(InvalidParameterError, match="`loss` must be one of"):
        ICEstimator(loss="l1").fit(ba3000, y, seeds=[0])
    with pytest.raises(InvalidParameterError, match="`counts` must hold at least one bin"):
        ICEstimator().fit(ba3000, [], seeds=[0])
    with pytest.raises(InvalidParameterError, match="`steps_per_bin` must be an integer >= 1"):
        ICEstimator().fit(ba3000, y, seeds=[0], steps_per_bin=0)
    with pytest.raises(InvalidParameterError, match="`parameter` must be one of"):
        LTEstimator(parameter="weights").fit(ba3000, y, seeds=[0])
    with pytest.raises(InvalidParameterError, match="needs a read-out"):
        HeatEstimator().fit(ba3000, y, seeds=[0])
    with pytest.raises(InvalidParameterError, match="`seeds` is required for heat"):
        HeatEstimator(threshold=0.1).fit(ba3000, y)
    with pytest.raises(InvalidParameterError, match="`times` is required"):
        HeatEstimator().fit(ba3000, np.zeros((2, ba3000.n_nodes)), seeds=[0])
    with pytest.raises(InvalidParameterError, match="node states must be a 2-d array"):
        HeatEstimator().fit(ba3000, np.zeros((2, 3)), seeds=[0], times=[1, 2])
    with pytest.raises(spread.NotFittedError, match="not fitted yet"):
        ICEstimator().predict()
    with pytest.raises(InvalidParameterError, match="`foo` is not a setting"):
        ICEstimator().set_params(foo=1)
    assert "ICEstimator(method=None" in repr(ICEstimator())
    assert isinstance(Trend.from_counts(y), Trend)


def test_simulation_fits_refuse_profile_intervals():
    g = spread.datasets.load("karate")
    y = _curve(g, IC(p=0.3), [0], 6, 0)
    res = ICEstimator("mc", n_runs=50, ci_method=None, rng=0).fit(g, y, seeds=[0]).result_
    assert res.ci_method == "none" and np.isnan(res.intervals["p"].low)
    with pytest.raises(InvalidParameterError, match="needs a smooth likelihood"):
        res.conf_int(method="profile")
    with pytest.raises(InvalidParameterError, match="`profile` needs a smooth likelihood"):
        res.profile("p")
    with pytest.raises(InvalidParameterError, match=r"`ci_method='profile'` on a trend"):
        ICEstimator("mc", ci_method="profile").fit(g, y, seeds=[0])
    with pytest.raises(InvalidParameterError, match=r"method='dmp', loss='sqrt'"):
        ICEstimator("dmp", loss="sqrt", ci_method="profile").fit(g, y, seeds=[0])
    boot = res.conf_int(method="bootstrap", n_resamples=5, rng=0)
    assert boot["p"].low <= boot["p"].high
