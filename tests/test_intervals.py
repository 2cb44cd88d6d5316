"""Every interval the library reports, against its definition, and coverage where it is cheap.

Definitions (read from the code and the docstrings, recomputed here from the result's own
numbers, with the normal quantile from scipy, never from `spread`):

- normal-approximation intervals (`SpreadResult.conf_int`, `SeedSelection.conf_int`, the
  command line's seed table, the band of `plot.spread_vs_k`): ``estimate ± z * stderr``
  with ``z = norm.ppf((1 + level) / 2)``;
- Wald intervals of fits (`FitResult.intervals`, ``conf_int(method="wald")``): the same in
  the log scale for the positive parameters, ``exp(log(est) ± z * stderr / est)`` (the
  delta-method stderr is ``est`` times the log-scale one), in the natural scale for the
  location parameters ``t0`` and ``tm``; an IC probability's upper end is clipped at 1;
- profile intervals: the ends are where the profile log-likelihood has dropped by
  ``chi2.ppf(level, 1) / 2``;
- bootstrap percentile intervals: the ``(1 - level) / 2`` and ``(1 + level) / 2``
  quantiles of the replicates (`FitBootstrap.params`: the result's own for the network
  fits, whose stderr is their standard deviation; those `bootstrap` draws with the same
  `rng` for the likelihood fits, which keep only the intervals);
- quantile bands (`SpreadResult.curve`, `FitResult.forecast`): the same quantiles of the
  runs or simulated paths they summarise;
- Wilson score intervals (`exposure_curve`): scipy's `binomtest(...).proportion_ci`.

Coverage: intervals whose truth is known in closed form are recomputed over many cheap
replicates, and the number covering the truth must be within an exact binomial bound of
nominal at a two-sided alpha of 0.001 (`_assert_coverage`), with enough replicates that an
interval 15% too narrow (95% nominal covering about 90.4%) fails.
"""

import json
import math
import warnings

import matplotlib
import networkx as nx
import numpy as np
import pytest
from scipy import stats

import spread
from spread import IC, LT, Graph, Heat
from spread.fit import (
    HeatEstimator,
    ICEstimator,
    Trend,
    exposure_curve,
    fit_bass,
    fit_gompertz,
    fit_hawkes,
    fit_ic,
    fit_logistic,
    fit_lt,
    fit_netrate,
    fit_si,
    fit_sir,
    simulate_cascades,
    simulate_ctic,
    simulate_hawkes,
    simulate_trend,
)

matplotlib.use("Agg")

LEVELS = (0.8, 0.9, 0.95, 0.99)
#: Parameters fitted in the natural scale (locations in time); all others are positive
#: and fitted in the log scale.
NATURAL = {"t0", "tm"}
#: Two-sided significance of the coverage tests.
ALPHA = 0.001


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", spread.fit.IdentifiabilityWarning)
        yield


def z_of(level):
    """The normal quantile of a central interval at `level`, from scipy."""
    return stats.norm.ppf((1 + level) / 2)


def normal_interval(estimate, stderr, level):
    z = z_of(level)
    return estimate - z * stderr, estimate + z * stderr


def wald_interval(name, estimate, stderr, level, *, clip_one=False):
    """The Wald interval of one fitted parameter, from its estimate and stderr."""
    z = z_of(level)
    if name in NATURAL:
        low, high = estimate - z * stderr, estimate + z * stderr
    else:
        half = z * stderr / estimate  # the stderr of log(estimate)
        low, high = estimate * math.exp(-half), estimate * math.exp(half)
    return low, min(high, 1.0) if clip_one else high


def assert_interval(got, expected, rel=1e-12):
    assert tuple(got) == pytest.approx(tuple(expected), rel=rel, abs=0), (got, expected)


def _assert_coverage(covered, level):
    """`covered` (booleans, one per independent replicate) is within an exact binomial
    bound of `level`: the two-sided binomial test at `ALPHA` does not reject."""
    covered = np.asarray(covered, dtype=bool)
    n, k = covered.size, int(covered.sum())
    p = stats.binomtest(k, n, level).pvalue
    assert p > ALPHA, f"{k}/{n} = {k / n:.4f} covered at nominal {level}: binomial p = {p:.2g}"


# ======================================================= simulation results
@pytest.fixture(scope="module")
def karate_ic():
    g = spread.datasets.load("karate")
    return spread.simulate(g, [0, 33], IC(p=0.1), n_runs=500, rng=3)


@pytest.mark.parametrize("level", LEVELS)
def test_spread_result_conf_int_is_mean_plus_minus_z_stderr(karate_ic, level):
    """`SpreadResult.conf_int(level)`: the mean final size ± z * its standard error, both
    recomputed from the runs' final sizes; `to_frame` of `SpreadResults` and `summary` show
    the same interval."""
    res = karate_ic
    sizes = res.final_sizes.astype(float)
    mean = sizes.mean()
    se = sizes.std(ddof=1) / math.sqrt(sizes.size)
    assert res.mean == pytest.approx(mean, rel=1e-14)
    assert res.stderr == pytest.approx(se, rel=1e-12)
    low, high = normal_interval(mean, se, level)
    assert_interval(res.conf_int(level), (low, high))
    assert f"{level:.0%} CI [{low:,.2f}, {high:,.2f}]" in res.summary(level)
    g = spread.datasets.load("karate")
    many = spread.simulate_sets(g, [[0], [0, 33]], IC(p=0.1), n_runs=300, rng=4)
    frame = many.to_frame(level)
    for i, r in enumerate(many):
        s = r.final_sizes.astype(float)
        expected = normal_interval(s.mean(), s.std(ddof=1) / math.sqrt(s.size), level)
        assert_interval((frame.loc[i, "ci_low"], frame.loc[i, "ci_high"]), expected)


@pytest.mark.parametrize("level", LEVELS)
def test_spread_result_curve_band_is_the_quantiles_of_the_runs(karate_ic, level):
    """`SpreadResult.curve(level)`: per step, the mean, the ``(1 -+ level) / 2`` quantiles
    of the cumulative adopters across runs, and the standard error of the mean."""
    res = karate_ic
    cum = np.cumsum(res.new_per_step, axis=1).astype(float)
    q = (1 - level) / 2
    curve = res.curve(level)
    np.testing.assert_allclose(curve["lower"], np.quantile(cum, q, axis=0), rtol=1e-12)
    np.testing.assert_allclose(curve["upper"], np.quantile(cum, 1 - q, axis=0), rtol=1e-12)
    np.testing.assert_allclose(curve["mean"], cum.mean(axis=0), rtol=1e-14)
    se = cum.std(axis=0, ddof=1) / math.sqrt(res.n_runs)
    np.testing.assert_allclose(curve["stderr"], se, rtol=1e-12)
    # the band of the last step is the band of the final sizes
    final = res.final_sizes.astype(float)
    assert curve["lower"].iloc[-1] == np.quantile(final, q)
    assert curve["upper"].iloc[-1] == np.quantile(final, 1 - q)


def test_heat_curve_band_is_the_deterministic_curve():
    """`HeatResult.curve()`: heat is deterministic, so its band is the curve itself with a
    zero standard error (the shape of `SpreadResult.curve`)."""
    g = spread.datasets.load("karate")
    res = spread.solve(g, [0], Heat(beta=0.5, threshold=0.01), times=[2.0, 0.0, 1.0])
    curve = res.curve()
    expected = np.sort(res.adopted).astype(float)  # adoption only grows with time
    np.testing.assert_array_equal(curve["mean"], expected)
    np.testing.assert_array_equal(curve["lower"], expected)
    np.testing.assert_array_equal(curve["upper"], expected)
    assert (curve["stderr"] == 0).all()


def test_cli_simulate_reports_the_interval_at_its_level(tmp_path, capsys):
    """`spread simulate --level 0.8 --out x.json`: the written ``ci`` is ``mean ± z *
    stderr`` at 0.8, from the written mean and stderr."""
    from spread.cli import main

    out = tmp_path / "sim.json"
    argv = ["simulate", "karate", "--seeds", "0", "--runs", "400", "--level", "0.8"]
    assert main([*argv, "--p", "0.1", "--out", str(out)]) == 0
    capsys.readouterr()
    doc = json.loads(out.read_text())
    assert doc["level"] == 0.8
    assert_interval(doc["ci"], normal_interval(doc["mean"], doc["stderr"], 0.8))


# ============================================================ seed selection
@pytest.fixture(scope="module")
def selection():
    g = spread.datasets.load("karate")
    return spread.maximize(g, 3, IC(p=0.1), eps=0.3, rng=0, n_eval_runs=400)


@pytest.mark.parametrize("level", LEVELS)
def test_seed_selection_conf_int_and_seed_table(selection, level):
    """`SeedSelection.conf_int(level)` is ``spread ± z * spread_stderr``; the command
    line's seed table gives every prefix ``spread ± z * stderr`` (fresh RR sets) and the
    whole set the selection's own interval."""
    from spread.cli._common import seed_table

    sel = selection
    expected = normal_interval(sel.spread, sel.spread_stderr, level)
    assert_interval(sel.conf_int(level), expected)
    assert f"{level:.0%} CI [{expected[0]:,.1f}, {expected[1]:,.1f}]" in sel.summary(level)
    table = seed_table(sel, level)
    frame = sel.to_frame()
    for rank in frame.index[:-1]:
        got = table.loc[rank, ["spread_low", "spread_high"]].to_numpy(dtype=float)
        want = normal_interval(frame.loc[rank, "spread"], frame.loc[rank, "stderr"], level)
        assert_interval(got, want)
    last = table.index[-1]
    assert_interval(table.loc[last, ["spread_low", "spread_high"]].to_numpy(float), expected)


@pytest.mark.parametrize("level", [0.8, 0.95])
def test_spread_vs_k_band_is_z_stderr_wide(selection, level):
    """`plot.spread_vs_k(level=...)` shades ``prefix_spread ± z * prefix_stderr``."""
    import matplotlib.pyplot as plt

    sel = selection
    ax = spread.plot.spread_vs_k(sel, level=level)
    band = ax.collections[0].get_paths()[0].vertices
    y, se = np.asarray(sel.prefix_spread), np.asarray(sel.prefix_stderr)
    low, high = normal_interval(y, se, level)
    k = np.arange(1, sel.k + 1, dtype=float)
    for kk, lo, hi in zip(k, low, high, strict=True):
        at = band[np.isclose(band[:, 0], kk)][:, 1]
        assert np.min(at) == pytest.approx(lo, rel=1e-12)
        assert np.max(at) == pytest.approx(hi, rel=1e-12)
    plt.close(ax.figure)


# ====================================================================== fits
def _bass():
    tr = simulate_trend("bass", {"m": 1e4, "p": 0.01, "q": 0.4}, 25, rng=11, dispersion=30)
    return fit_bass(tr)


def _bass_t0():
    tr = simulate_trend("bass", {"m": 1e4, "p": 0.01, "q": 0.4, "t0": 2.0}, 30, rng=1)
    return fit_bass(tr, t0="fit", loss="poisson")


def _logistic():
    tr = simulate_trend("logistic", {"K": 5e3, "r": 0.4, "tm": 12}, 30, rng=3)
    return fit_logistic(tr, loss="poisson")


def _gompertz():
    return fit_gompertz(simulate_trend("gompertz", {"K": 1e4, "c": 0.2, "tm": 15}, 40, rng=100))


def _si():
    tr = simulate_trend("si", {"N": 1e4, "beta": 0.3, "i0": 20}, 50, rng=100)
    return fit_si(tr, population="fit")


def _sir():
    tr = simulate_trend("sir", {"N": 1e4, "beta": 0.5, "gamma": 0.2, "i0": 10}, 60, rng=100)
    return fit_sir(tr)


def _hawkes():
    return fit_hawkes(simulate_hawkes(0.5, 0.6, 2.0, 1000.0, rng=3), end=1000.0)


def _hawkes_binned():
    times = simulate_hawkes(2.0, 0.6, 1.0, 1000.0, rng=300)
    tr = Trend.from_timestamps(times, freq=0.25, start=0.0, end=1000.0)
    return fit_hawkes(tr, loss="poisson")


def _netrate():
    g = Graph.from_networkx(nx.barabasi_albert_graph(150, 2, seed=5))
    return fit_netrate(g, simulate_ctic(g, 0.5, horizon=3.0, n_cascades=15, rng=8), horizon=3.0)


def _ic_cascades():
    g = spread.datasets.load("karate")
    return fit_ic(simulate_cascades(g, IC(p=0.2), n_cascades=60, rng=0))


def _lt_cascades():
    g = spread.datasets.load("karate")
    cs = simulate_cascades(g, LT(threshold_law=("beta", 2, 5)), seeds=[list(range(5))] * 40, rng=2)
    return fit_lt(cs)


def _heat_states():
    g = spread.datasets.load("karate")
    times = [0.5, 1.0, 2.0]
    states = spread.solve(g, [0, 33], Heat(beta=0.3), times=times).heat
    noisy = states + np.random.default_rng(0).normal(0, 0.001, states.shape)
    return HeatEstimator().fit(g, noisy, seeds=[0, 33], times=times).result_


WALD_FITS = {
    "bass": _bass,
    "bass_t0": _bass_t0,
    "logistic": _logistic,
    "gompertz": _gompertz,
    "si": _si,
    "sir": _sir,
    "hawkes": _hawkes,
    "hawkes_binned": _hawkes_binned,
    "netrate": _netrate,
    "ic_cascades": _ic_cascades,
    "lt_cascades": _lt_cascades,
    "heat_states": _heat_states,
}


@pytest.fixture(scope="module", params=sorted(WALD_FITS))
def wald_fit(request):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return request.param, WALD_FITS[request.param]()


def test_wald_intervals_equal_their_definition(wald_fit):
    """Every Wald interval a fit reports, at the fit's level (0.95) and at 0.8, 0.9, 0.95
    and 0.99 through ``conf_int(level, "wald")``: ``exp(log(est) ± z * se / est)`` for
    the positive parameters, ``est ± z * se`` for ``t0`` and ``tm``, an IC probability's
    upper end clipped at 1; `to_frame` and `to_dict` report the same numbers."""
    kind, res = wald_fit
    assert res.success, (kind, res.message)
    assert res.ci_method == "wald" and res.level == 0.95
    clip = kind == "ic_cascades"
    finite = 0
    for name, est in res.params.items():
        se = res.stderr[name]
        if not np.isfinite(se):  # a nuisance `k` on its upper bound: no interval
            assert name == "k" and np.isnan(res.intervals[name]).all(), (kind, name, se)
            continue
        finite += 1
        expected = wald_interval(name, est, se, 0.95, clip_one=clip)
        assert_interval(res.intervals[name], expected)
        for level in LEVELS:
            got = res.conf_int(level, "wald")[name]
            assert_interval(got, wald_interval(name, est, se, level, clip_one=clip))
    assert finite >= len(res.params) - 1
    frame = res.to_frame()
    doc = res.to_dict()
    for name, (low, high) in res.intervals.items():
        np.testing.assert_array_equal(frame.loc[name, ["ci_low", "ci_high"]], [low, high])
        np.testing.assert_array_equal(doc["intervals"][name], [low, high])


def test_wald_interval_of_a_fit_made_at_another_level():
    """A fit asked for ``level=0.8`` reports Wald intervals at 0.8 (z = 1.2816, not 1.96)."""
    tr = simulate_trend("logistic", {"K": 5e3, "r": 0.4, "tm": 12}, 30, rng=3)
    res = fit_logistic(tr, loss="poisson", level=0.8)
    assert res.level == 0.8 and res.ci_method == "wald"
    for name, est in res.params.items():
        expected = wald_interval(name, est, res.stderr[name], 0.8)
        assert_interval(res.intervals[name], expected)
        assert_interval(res.conf_int()[name], expected)


def test_ic_upper_end_is_clipped_at_one():
    """IC from one cascade on a star (the centre tries each of 10 leaves once): the MLE is
    the share of leaves reached, its stderr the binomial ``sqrt(p (1 - p) / n)``, and the
    Wald interval ``p * exp(± z * se / p)`` with its upper end clipped at 1."""
    g = Graph.from_edges([0] * 10, list(range(1, 11)))
    cs = simulate_cascades(g, IC(p=0.8), seeds=[0], n_cascades=1, rng=0)
    res = fit_ic(cs)
    k = len(cs.data) - 1  # the leaves reached
    assert 0 < k < 10 and res.params["p"] == pytest.approx(k / 10, rel=1e-9)
    p = res.params["p"]
    assert res.stderr["p"] == pytest.approx(math.sqrt(p * (1 - p) / 10), rel=1e-6)
    se = res.stderr["p"]
    assert p * math.exp(z_of(0.95) * se / p) > 1  # the unclipped end would pass 1
    assert_interval(res.intervals["p"], (p * math.exp(-z_of(0.95) * se / p), 1.0))
    for level in LEVELS:
        expected = wald_interval("p", p, se, level, clip_one=True)
        assert_interval(res.conf_int(level, "wald")["p"], expected)


@pytest.mark.parametrize("level", [0.8, 0.95, 0.99])
def test_profile_interval_ends_drop_the_loglik_by_the_chi2_quantile(level):
    """``conf_int(level, "profile")``: at both ends the profile log-likelihood lies
    ``chi2.ppf(level, 1) / 2`` below the maximum (to the root finder's resolution)."""
    res = _logistic()
    target = stats.chi2.ppf(level, 1) / 2
    prof = res.conf_int(level, "profile")
    for name in ("K", "r"):
        low, high = prof[name]
        assert low < res.params[name] < high
        curve = res.profile(name, grid=[low, high])
        np.testing.assert_allclose(curve["value"], [low, high], rtol=1e-12)
        np.testing.assert_allclose(res.loglik - curve["loglik"], target, atol=1e-4)


def test_profile_default_grid_spans_three_standard_errors():
    """``profile(name)`` without a grid: 13 values evenly over the estimate +- 3
    standard errors on the optimizer's scale (logs of K and r, tm as is), and
    +- 0.3 (1 + |estimate|) on that scale when the standard error is not finite, moved
    onto the bounds where they pass them (K's lower bound, the total observed)."""
    res = _logistic()
    problem = res._fit
    steps = np.linspace(-3, 3, 13)
    for j, name in enumerate(problem.names):
        x, se = problem.x_hat[j], math.sqrt(problem.cov_x[j, j])
        want = x + se * steps
        lo, hi = problem.bounds_x[j]
        assert lo < want.min() and want.max() < hi  # no clipping in this case
        want = np.exp(want) if problem.logs[j] else want
        np.testing.assert_allclose(res.profile(name)["value"], want, rtol=1e-12)
    problem.cov_x = np.full_like(problem.cov_x, np.inf)
    for j, name in enumerate(problem.names):
        x = problem.x_hat[j]
        want = np.clip(x + 0.1 * (1 + abs(x)) * steps, *problem.bounds_x[j])
        want = np.exp(want) if problem.logs[j] else want
        np.testing.assert_allclose(res.profile(name)["value"], want, rtol=1e-12)


class _OneParameter:
    """A one-parameter problem for `profile_ci`: -loglik `nll`, estimate 0, variance 1."""

    names = ("a",)

    def __init__(self, nll, logs=False, bounds=(-50.0, 50.0)):
        self.nll = lambda x: nll(float(x[0]))
        self.logs = np.array([logs])
        self.bounds_x = [bounds]
        self.x_hat = np.zeros(1)
        self.cov_x = np.ones((1, 1))


@pytest.mark.parametrize("level", [0.8, 0.95])
def test_profile_interval_by_hand(level):
    """`profile_ci` on one-parameter log-likelihoods whose drops are known in closed form.

    A quadratic -loglik x**2 / 2 drops by chi2_1(level) / 2 at x = +- z (the Wald
    interval), exp(+-z) for a positive parameter. A flat one never drops: its ends are
    the infinities (0 below for a positive parameter). One flat up to |x| = 30, then
    falling with slope 1, drops far enough at |x| = 30 + chi2_1(level) / 2, beyond the
    16 standard errors of the stepped search: the last bracket, the bound 50, finds it.
    """
    from spread.fit._uncertainty import profile_ci

    z = stats.norm.ppf(0.5 + level / 2)
    target = stats.chi2.ppf(level, 1) / 2
    quad = lambda x: x * x / 2  # noqa: E731
    far = lambda x: max(abs(x) - 30.0, 0.0)  # noqa: E731
    flat = lambda x: 0.0  # noqa: E731
    cases = [
        (quad, False, (-z, z)),
        (quad, True, (math.exp(-z), math.exp(z))),
        (flat, False, (-math.inf, math.inf)),
        (flat, True, (0.0, math.inf)),
        (far, False, (-30 - target, 30 + target)),
    ]
    for nll, logs, (low, high) in cases:
        got = profile_ci(_OneParameter(nll, logs), level)["a"]
        assert got.low == pytest.approx(low, abs=1e-5)
        assert got.high == pytest.approx(high, abs=1e-5)


def test_profile_search_steps_by_the_standard_error_or_falls_back():
    """The ends are bracketed from the estimate (here 2) in steps of one standard error,
    the square root of the covariance's diagonal, downwards and then upwards; where that
    is no usable variance (0, negative, infinite, NaN) the steps fall back to 0.1 (1 +
    |estimate|) = 0.3. Either way the ends of a quadratic profile are found: 2 -+ z se,
    and the search stops at the first multiple (1, 2, 4, 8, 16) of the step past which
    the profile has dropped far enough.
    """
    from spread.fit._uncertainty import profile_ci

    z = stats.norm.ppf(0.975)
    sd = 0.5  # the profile's own curvature: variance 0.25
    cases = [(0.25, 0.5), (4.0, 2.0), (0.0, 0.3), (-0.5, 0.3), (math.inf, 0.3), (math.nan, 0.3)]
    for var, step in cases:
        calls = []

        def nll(x, calls=calls):
            calls.append(x)
            return (x - 2.0) ** 2 / (2 * sd * sd)

        problem = _OneParameter(nll)
        problem.x_hat = np.array([2.0])
        problem.cov_x = np.full((1, 1), var)
        got = profile_ci(problem, 0.95)["a"]
        assert calls[:2] == [2.0, pytest.approx(2.0 - step, rel=1e-12)], var
        assert next(x for x in calls if x > 2.0) == pytest.approx(2.0 + step, rel=1e-12)
        reach = next(m * step for m in (1, 2, 4, 8, 16) if m * step >= z * sd)
        assert max(abs(x - 2.0) for x in calls) == pytest.approx(reach, rel=1e-12)
        assert got.low == pytest.approx(2.0 - z * sd, abs=1e-5)
        assert got.high == pytest.approx(2.0 + z * sd, abs=1e-5)


# ================================================================= bootstrap
def _check_percentile(boot, intervals, level):
    q = (1 - level) / 2
    for name in boot.params.columns:
        reps = boot.params[name].to_numpy()
        expected = (np.quantile(reps, q), np.quantile(reps, 1 - q))
        assert_interval(intervals[name], expected)


def test_bootstrap_intervals_are_percentiles_of_the_replicates():
    """A likelihood fit with ``ci_method="bootstrap"``: its intervals are the percentiles
    of the replicates `bootstrap` draws with the same `rng` (the fit keeps the intervals,
    not the replicates); `FitBootstrap.conf_int` and ``conf_int(level, "bootstrap",
    bootstrap_result=...)`` give the percentiles at any level, and `FitBootstrap.stderr`
    is the replicates' standard deviation."""
    tr = simulate_trend("bass", {"m": 1e4, "p": 0.01, "q": 0.4}, 25, rng=11, dispersion=30)
    res = fit_bass(tr, ci_method="bootstrap", n_resamples=40, rng=2)
    assert res.ci_method == "bootstrap" and res.level == 0.95
    wald = fit_bass(tr)
    boot = wald.bootstrap(40, rng=2)
    assert boot.n_resamples >= 30
    _check_percentile(boot, res.intervals, 0.95)
    for name in boot.params.columns:
        sd = boot.params[name].to_numpy().std(ddof=1)
        assert boot.stderr[name] == pytest.approx(sd, rel=1e-12)
    for level in LEVELS:
        _check_percentile(boot, boot.conf_int(level), level)
        _check_percentile(boot, wald.conf_int(level, "bootstrap", bootstrap_result=boot), level)


def test_bootstrap_intervals_of_network_fits():
    """The network fits to trends (IC by DMP, heat counts) keep their bootstrap in
    ``diagnostics["bootstrap"]``: their intervals are its percentiles and their stderr its
    standard deviation."""
    g = spread.datasets.load("karate")
    y = spread.simulate(g, [0], IC(p=0.3), n_runs=1, max_steps=5, rng=0).new_per_step[0]
    ic = ICEstimator("dmp", n_resamples=20, rng=0).fit(g, y, seeds=[0]).result_
    heat_y = np.diff(
        spread.solve(g, [0], Heat(beta=0.2, threshold=0.02), times=np.arange(8.0)).adopted,
        prepend=0,
    )
    heat = HeatEstimator(threshold=0.02, n_resamples=20, rng=0).fit(g, heat_y, seeds=[0])
    for fit in (ic, heat.result_):
        assert fit.ci_method == "bootstrap" and fit.level == 0.95
        boot = fit.diagnostics["bootstrap"]
        assert boot.n_resamples >= 10
        # a correlation matrix only where there are two parameters or more
        assert ("corr" in fit.diagnostics) == (len(boot.params.columns) > 1)
        _check_percentile(boot, fit.intervals, 0.95)
        for name in boot.params.columns:
            sd = boot.params[name].to_numpy().std(ddof=1)
            assert fit.stderr[name] == pytest.approx(sd, rel=1e-12)
        for level in LEVELS:
            _check_percentile(boot, fit.conf_int(level, "bootstrap"), level)


def test_bootstrap_extension_continues_after_the_failed_replicates(monkeypatch):
    """Extending a bootstrap draws the replicate indices after every index used before,
    failed ones included: with replicates b = 0, 3, 6, ... failing, 6 then 4 more give
    the indices 0-5 and then 6-11, each once (a replicate returning its index)."""
    import types

    from spread.fit import _uncertainty

    def replicate(b, shared):
        return None if b % 3 == 0 else np.array([float(b)])

    monkeypatch.setattr(_uncertainty, "_replicate", replicate)
    problem = types.SimpleNamespace(names=("b",), n_obs=10)
    first = _uncertainty.bootstrap(problem, 6, rng=0, progress=False)
    assert (first.n_resamples, first.n_failed) == (4, 2)
    more = _uncertainty.bootstrap(problem, 10, rng=0, result=first, progress=False)
    assert more.n_failed == 4
    assert more.params["b"].tolist() == [1.0, 2.0, 4.0, 5.0, 7.0, 8.0, 10.0, 11.0]


def test_bootstrap_intervals_need_two_replicates():
    """`FitBootstrap` by hand: with one replicate there is no interval (NaN ends, not a
    point), with two the 95% percentile interval interpolates between them (numpy's
    linear rule: 0.025 and 0.975 of the way), and `n_failed` defaults to 0."""
    import pandas as pd

    from spread.fit import FitBootstrap

    one = FitBootstrap(pd.DataFrame({"p": [0.3]}))
    assert one.n_failed == 0 and one.n_resamples == 1
    low, high = one.conf_int()["p"]
    assert math.isnan(low) and math.isnan(high)
    two = FitBootstrap(pd.DataFrame({"p": [0.2, 0.6]}), n_failed=3)
    assert two.n_failed == 3
    assert_interval(two.conf_int()["p"], (0.2 + 0.025 * 0.4, 0.2 + 0.975 * 0.4))


def test_bootstrap_extension_and_its_work_bound():
    """`FitResult.bootstrap` extended with `result`: asking for fewer replicates than it
    holds returns them unchanged (float columns, not an empty extension's objects),
    asking for more continues their indices (the same replicates as one call). The work
    bound is new refits x (observations + 100,000) x 100 evaluations: exactly that
    passes, one less raises."""
    import pandas as pd

    fit = fit_bass(simulate_trend("bass", {"m": 5e3, "p": 0.01, "q": 0.4}, 30, rng=0))
    five = fit.bootstrap(5, rng=7)
    assert five.n_failed == 0
    pd.testing.assert_frame_equal(fit.bootstrap(3, rng=7, result=five).params, five.params)
    pd.testing.assert_frame_equal(
        fit.bootstrap(8, rng=7, result=five).params, fit.bootstrap(8, rng=7).params
    )
    work = 3 * (30 + 100_000) * 100
    assert fit.bootstrap(8, rng=7, result=five, max_work=work).n_resamples == 8
    with pytest.raises(spread.exceptions.WorkLimitError):
        fit.bootstrap(8, rng=7, result=five, max_work=work - 1)


def test_bootstrap_covariance_from_two_replicates():
    """A network fit's bootstrap covariance is the replicates' sample covariance from two
    replicates on (one replicate has none)."""
    g = spread.datasets.load("karate")
    y = spread.simulate(g, [0], IC(p=0.3), n_runs=1, max_steps=5, rng=0).new_per_step[0]
    fit = ICEstimator("dmp", n_resamples=2, rng=0).fit(g, y, seeds=[0]).result_
    boot = fit.diagnostics["bootstrap"]
    assert boot.n_resamples == 2
    want = np.atleast_2d(np.cov(boot.params.to_numpy(), rowvar=False))
    np.testing.assert_allclose(fit.cov, want, rtol=1e-12)


def test_with_bootstrap_keeps_the_wald_covariance_below_two_and_correlates_from_three():
    """`with_bootstrap` by hand on a two-parameter Wald fit (p, external): one replicate
    leaves the covariance as it was (in natural units and on the fitting scale); three
    give the replicates' covariance and their correlation matrix, which two do not."""
    import pandas as pd

    from spread.fit import FitBootstrap
    from spread.fit._uncertainty import with_bootstrap

    g = spread.datasets.load("karate")
    y = spread.simulate(g, [0], IC(p=0.3, external=0.02), n_runs=1, max_steps=7, rng=1)
    est = ICEstimator("dmp", external=True, ci_method="wald", rng=0)
    fit = est.fit(g, y.new_per_step[0], seeds=[0]).result_
    cov, cov_x = fit.cov.copy(), fit._fit.cov_x.copy()
    reps = pd.DataFrame({"p": [0.2, 0.35, 0.3], "external": [0.01, 0.03, 0.02]})
    one = with_bootstrap(fit, FitBootstrap(reps[:1]), 0.95)
    np.testing.assert_array_equal(one.cov, cov)
    np.testing.assert_array_equal(fit._fit.cov_x, cov_x)
    assert "corr" not in one.diagnostics
    assert "corr" not in with_bootstrap(fit, FitBootstrap(reps[:2]), 0.95).diagnostics
    three = with_bootstrap(fit, FitBootstrap(reps), 0.95)
    np.testing.assert_allclose(three.cov, np.cov(reps.to_numpy(), rowvar=False), rtol=1e-12)
    pd.testing.assert_frame_equal(three.diagnostics["corr"], reps.corr())


def test_bootstrap_refits_from_the_estimate_and_the_first_start_only(monkeypatch):
    """A likelihood fit's bootstrap refit starts SLSQP from exactly two points: the
    estimate and the resampled problem's first start (not its later ones, which would
    change which two starts run and so, on a likelihood with several optima, the
    replicate). Checked on a Bass fit, whose problems carry several starts."""
    from spread.fit import _uncertainty

    fit = fit_bass(simulate_trend("bass", {"m": 5e3, "p": 0.01, "q": 0.4}, 30, rng=0))
    problem = fit._fit
    calls = []
    real = _uncertainty.minimize_likelihood

    def spy(sim, starts, max_iter, *args, **kwargs):
        calls.append((sim, [np.array(s, copy=True) for s in starts]))
        return real(sim, starts, max_iter, *args, **kwargs)

    monkeypatch.setattr(_uncertainty, "minimize_likelihood", spy)
    boot = fit.bootstrap(3, rng=7)
    assert boot.n_resamples + boot.n_failed == 3
    assert len(calls) == 3
    for sim, starts in calls:
        assert sim is not problem and len(sim.starts_x) >= 2
        assert len(starts) == 2
        np.testing.assert_array_equal(starts[0], problem.x_hat)
        np.testing.assert_array_equal(starts[1], sim.starts_x[0])


@pytest.mark.parametrize("total, refitted", [(0, False), (1, True), (2, True)])
def test_bootstrap_fails_a_replicate_with_no_adoptions_and_refits_one_with_any(
    monkeypatch, total, refitted
):
    """A replicate whose simulated trend adds up to nothing has nothing to fit: it
    counts as failed, without a refit. One adoption is data, and is refitted. Checked
    with a stub problem, so the rule is pinned where it is written."""
    from types import SimpleNamespace

    from spread.fit import _uncertainty

    class Sim:
        starts_x = (np.array([0.5]),)
        observed_total = total

        def to_natural(self, x):
            return {"a": float(x[0])}

    problem = SimpleNamespace(x_hat=np.array([0.25]), resample=lambda x, rng: Sim())
    calls = []

    def minimize(sim, starts, max_iter):
        calls.append(sim)
        return SimpleNamespace(x=np.array([0.75])), None, None

    monkeypatch.setattr(_uncertainty, "minimize_likelihood", minimize)
    monkeypatch.setattr(_uncertainty, "converged", lambda sim, res: (0, ""))
    out = _uncertainty._replicate(3, (problem, 11))
    assert len(calls) == int(refitted)
    assert out == ({"a": 0.75} if refitted else None)


# ================================================================= forecasts
@pytest.mark.parametrize("with_uncertainty", [True, False])
@pytest.mark.parametrize("level", [0.8, 0.9, 0.99])
def test_forecast_band_is_the_quantiles_of_the_simulated_paths(level, with_uncertainty):
    """`FitResult.forecast(h, level)`: ``lower``/``upper`` are the quantiles of the paths
    `simulate` draws for the next `h` bins (same `rng`), the cumulative band the quantiles
    of the observed total plus their running sums, ``mean`` the prediction."""
    res = _logistic()
    h, n_paths, rng = 6, 300, 5
    fc = res.forecast(h, level, n_paths=n_paths, rng=rng, with_uncertainty=with_uncertainty)
    bins = np.arange(res.n_obs_bins, res.n_obs_bins + h)
    draws = res.simulate(bins, n_paths, rng, with_uncertainty=with_uncertainty)
    observed = float(res.observed().sum())
    cum = observed + np.cumsum(draws, axis=1)
    q = (1 - level) / 2
    np.testing.assert_allclose(fc["lower"], np.quantile(draws, q, axis=0), rtol=1e-12)
    np.testing.assert_allclose(fc["upper"], np.quantile(draws, 1 - q, axis=0), rtol=1e-12)
    np.testing.assert_allclose(fc["cumulative_lower"], np.quantile(cum, q, axis=0), rtol=1e-12)
    np.testing.assert_allclose(fc["cumulative_upper"], np.quantile(cum, 1 - q, axis=0), rtol=1e-12)
    np.testing.assert_allclose(fc["mean"], res.predict(bins), rtol=1e-14)
    np.testing.assert_allclose(
        fc["cumulative"], observed + np.cumsum(res.predict(bins)), rtol=1e-14
    )


def test_network_fit_forecast_band_is_the_quantiles_of_its_paths():
    """The same definition for a network fit (`ICEstimator.forecast`)."""
    g = spread.datasets.load("karate")
    y = spread.simulate(g, [0], IC(p=0.3), n_runs=1, max_steps=5, rng=0).new_per_step[0]
    est = ICEstimator("dmp", ci_method=None).fit(g, y, seeds=[0])
    fc = est.forecast(4, 0.8, n_paths=200, rng=1, with_uncertainty=False)
    n = est.result_.n_obs_bins
    draws = est.simulate(np.arange(n, n + 4), 200, 1)
    q = (1 - 0.8) / 2
    np.testing.assert_allclose(fc["lower"], np.quantile(draws, q, axis=0), rtol=1e-12)
    np.testing.assert_allclose(fc["upper"], np.quantile(draws, 1 - q, axis=0), rtol=1e-12)


# ================================================================ exposures
@pytest.mark.parametrize("level", LEVELS)
def test_exposure_curve_intervals_are_wilson_score_intervals(level):
    """`exposure_curve(level=...)`: per k, the Wilson score interval of ``n_adopted`` out
    of ``n_reached`` (scipy's `proportion_ci(method="wilson")`), and the stderr
    ``sqrt(P (1 - P) / n)``."""
    g = spread.datasets.load("karate")
    curve = exposure_curve(simulate_cascades(g, IC(p=0.2), n_cascades=200, rng=0), level=level)
    assert len(curve) >= 3
    for _, row in curve.iterrows():
        n, k = int(row["n_reached"]), int(row["n_adopted"])
        ci = stats.binomtest(k, n).proportion_ci(confidence_level=level, method="wilson")
        assert (row["lower"], row["upper"]) == pytest.approx((ci.low, ci.high), abs=1e-13)
        p = k / n
        assert row["stderr"] == pytest.approx(math.sqrt(p * (1 - p) / n), rel=1e-12)


# ================================================================= coverage
def _acceptance(n, level):
    """The counts out of `n` that `_assert_coverage` accepts at nominal `level`."""
    ks = np.arange(n + 1)
    near = ks[np.abs(ks - n * level) <= 8 * math.sqrt(n * level * (1 - level)) + 2]
    ok = [k for k in near if stats.binomtest(int(k), n, level).pvalue > ALPHA]
    return ok[0], ok[-1]


def _power(n, level, narrow=0.85):
    """Chance that `_assert_coverage` rejects an interval `narrow` times as wide as it
    should be (a normal estimate: true coverage ``2 Phi(narrow z) - 1``)."""
    lo, hi = _acceptance(n, level)
    true = 2 * stats.norm.cdf(narrow * z_of(level)) - 1
    return stats.binom.cdf(lo - 1, n, true) + stats.binom.sf(hi, n, true)


@pytest.mark.parametrize(
    ("n", "level", "accept", "power"),
    [
        (1000, 0.95, (926, 971), 0.99),
        (1000, 0.90, (868, 930), 0.995),
        (2000, 0.95, (1867, 1931), 0.99999),
        (2000, 0.90, (1755, 1843), 0.99999),
    ],
)
def test_coverage_tests_have_power(n, level, accept, power):
    """The arithmetic behind the coverage tests: with `n` replicates the binomial test at
    alpha 0.001 accepts the counts `accept`, and rejects an interval 15% too narrow (95%
    nominal covering 90.4%, 90% covering 83.8%) with at least the probability `power`."""
    assert _acceptance(n, level) == accept
    assert _power(n, level) >= power
    assert _power(n, level, narrow=1.0) < 0.01  # and the right width passes


def test_spread_interval_covers_the_exact_spread_at_its_level():
    """`SpreadResult.conf_int` covers the exact expected spread at its nominal rate.

    IC(p=0.3) from the centre of a star with 10 leaves (spread ``1 + 10 * 0.3 = 4``) and
    LT from 3 of 8 leaves pointing into a centre with weight 1/8 each (spread
    ``3 + 3/8``); 2,000 independent simulations of 100 runs each, intervals at 95% and 90%.
    Binomial test at alpha 0.001: 95% must cover 1867..1931 of 2000, 90% 1755..1843; an
    interval 15% too narrow covers about 90.4% (83.8%) and fails with probability
    > 0.99999 (`test_coverage_tests_have_power`). Measured: 95.0%/90.1% (IC), 95.0%/90.4%
    (LT)."""
    star = Graph.from_edges([0] * 10, list(range(1, 11)))
    into = Graph.from_edges(range(1, 9), [0] * 8)
    cases = [(star, [0], IC(p=0.3), 4.0), (into, [1, 2, 3], LT(), 3 + 3 / 8)]
    for g, seeds, model, truth in cases:
        covered = {0.95: [], 0.9: []}
        for r in range(2000):
            res = spread.simulate(g, seeds, model, n_runs=100, rng=r, n_jobs=1)
            for level, hits in covered.items():
                low, high = res.conf_int(level)
                hits.append(low <= truth <= high)
        for level, hits in covered.items():
            _assert_coverage(hits, level)


def test_seed_selection_intervals_cover_the_exact_spread():
    """`SeedSelection.conf_int` (fresh forward runs) and the spread-versus-k band
    (``prefix_spread ± z * prefix_stderr``, fresh RR sets) cover the exact spread.

    The hub of the IC(p=0.3) star above (spread 4), chosen by degree; 1,000 independent
    selections with 100 evaluation runs (and 10,000 RR sets) each, at 95% and 90%.
    Binomial test at alpha 0.001: 95% must cover 926..971 of 1000, 90% 868..930; an
    interval 15% too narrow fails with probability > 0.99. Measured: 94.2%/89.3%
    (forward runs), 94.9%/91.2% (RR sets)."""
    g = Graph.from_edges([0] * 10, list(range(1, 11)))
    runs = {0.95: [], 0.9: []}
    rr = {0.95: [], 0.9: []}
    for r in range(1000):
        sel = spread.maximize(g, 1, IC(p=0.3), method="degree", rng=r, n_eval_runs=100)
        assert sel.seeds.tolist() == [0]
        for level in runs:
            low, high = sel.conf_int(level)
            runs[level].append(low <= 4.0 <= high)
            low, high = normal_interval(sel.prefix_spread[0], sel.prefix_stderr[0], level)
            rr[level].append(low <= 4.0 <= high)
    for level in runs:
        _assert_coverage(runs[level], level)
        _assert_coverage(rr[level], level)


def test_wald_interval_of_a_netrate_rate_covers_the_truth():
    """The Wald interval (log scale) of the NetRate global rate covers the true rate.

    Exponential delays at rate 0.5 on BA(100, 2), 10 cascades watched for 3 time units
    (about 500 infections each: the MLE ``N / E`` is near its normal limit); 1,000
    independent data sets, intervals at 95% (the fit's) and 90% (``conf_int``). Binomial
    test at alpha 0.001: 926..971 of 1000 at 95%, 868..930 at 90%; 15% too narrow fails
    with probability > 0.99. Measured: 95.1% and 90.3%."""
    g = Graph.from_networkx(nx.barabasi_albert_graph(100, 2, seed=0))
    covered = {0.95: [], 0.9: []}
    for r in range(1000):
        res = fit_netrate(g, simulate_ctic(g, 0.5, horizon=3.0, n_cascades=10, rng=r), horizon=3.0)
        for level, hits in covered.items():
            low, high = res.intervals["alpha"] if level == 0.95 else res.conf_int(level)["alpha"]
            hits.append(low <= 0.5 <= high)
    for level, hits in covered.items():
        _assert_coverage(hits, level)


def test_wald_interval_of_an_ic_probability_covers_the_truth():
    """The Wald interval (log scale) of the IC probability fitted to cascades covers it.

    IC(p=0.2) on BA(100, 2): one call draws 20,000 random single-seed cascades (each
    from its own random stream, so independent), split into 1,000 data sets of 20,
    each fitted; intervals at 95% and 90%. Binomial test at alpha 0.001: 926..971 of
    1000 at 95%, 868..930 at 90%; 15% too narrow fails with probability > 0.99.
    Measured: 95.2% and 90.8%."""
    from spread.fit import Cascades

    g = Graph.from_networkx(nx.barabasi_albert_graph(100, 2, seed=0))
    data = simulate_cascades(g, IC(p=0.2), n_cascades=20_000, rng=0).data
    data = data[["cascade", "node", "time"]]
    covered = {0.95: [], 0.9: []}
    for _, one in data.groupby(data["cascade"].to_numpy() // 20):
        res = fit_ic(Cascades.from_frame(one, graph=g))
        assert res.success, res.message
        for level, hits in covered.items():
            low, high = res.intervals["p"] if level == 0.95 else res.conf_int(level)["p"]
            hits.append(low <= 0.2 <= high)
    assert len(covered[0.95]) == 1000
    for level, hits in covered.items():
        _assert_coverage(hits, level)
