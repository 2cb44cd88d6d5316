"""The Hawkes process with a periodic background (`HawkesEstimator(period=...)`).

Exact: with every harmonic coefficient 0 the seasonal likelihood and means are the plain
Hawkes's; the per-bin background masses match `scipy.integrate.quad` and the Bessel
closed form. Statistical: a thinning simulator written here (independent of the
library's) makes data with a known daily background, and the fits' 95% intervals cover
it. Forecasts continue the background at the right hour of day.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, special, stats

from spread import InvalidParameterError
from spread.fit import HawkesEstimator, Trend, choose, fit_hawkes, hawkes_loglik
from spread.fit._counts import CountProblem
from spread.fit._hawkes_problems import _HawkesBinned, _HawkesEvents
from spread.fit._seasonal import (
    SeasonalHawkesBinned,
    SeasonalHawkesEvents,
    bin_masses,
    window_moments,
)

COEFS = np.array([0.7, -0.4, 0.25, 0.3])  # a1, b1, a2, b2


def g_of(coefs, t, period):
    """The background's shape exp(sum a_h cos + b_h sin), written out."""
    total = 0.0
    for h in range(1, len(coefs) // 2 + 1):
        w = 2 * math.pi * h * t / period
        total += coefs[2 * h - 2] * math.cos(w) + coefs[2 * h - 1] * math.sin(w)
    return math.exp(total)


def simulate(mu, alpha, beta, coefs, period, horizon, rng, phase0=0.0, shape=None):
    """Seasonal Hawkes event times on [0, horizon) by Ogata's thinning: the intensity
    ``mu g(phase0 + t) + alpha beta sum exp(-beta (t - t_i))`` is bounded, until the
    next event, by ``mu max g + alpha beta S(t)`` (S only decays between events). `g`
    is `g_of` with `coefs`, or `shape` (a function of the phase, of period `period`)."""
    if shape is None:

        def shape(t):
            return g_of(coefs, t, period)

    g_max = max(shape(x) for x in np.linspace(0, period, 2000))
    g_max *= 1.01
    t, s, out = 0.0, 0.0, []  # s = sum exp(-beta (t - t_i)) at time t
    while True:
        bound = mu * g_max + alpha * beta * s
        dt = rng.exponential(1.0 / bound)
        t += dt
        s *= math.exp(-beta * dt)
        if t >= horizon:
            return np.array(out)
        lam = mu * shape(phase0 + t) + alpha * beta * s
        if rng.uniform() * bound < lam:
            out.append(t)
            s += 1.0


# ------------------------------------------------------------------ exact
def test_zero_harmonics_binned_mean_is_the_plain_one_bit_for_bit():
    y = np.random.default_rng(0).poisson(5.0, 200).astype(float)
    theta = {"mu": 2.5, "alpha": 0.4, "beta": 0.7}
    zeros = {"a1": 0.0, "b1": 0.0, "a2": 0.0, "b2": 0.0}
    seasonal = SeasonalHawkesBinned(24.0, 2, 5.5)
    for n_total in (200, 230):
        plain = _HawkesBinned().mean(theta, n_total, y)
        assert np.array_equal(seasonal.mean({**theta, **zeros}, n_total, y), plain)
    tr = Trend.from_counts(y)
    for loss in ("poisson", "negbin"):
        p_plain = CountProblem(_HawkesBinned(), tr, loss, {})
        p_seas = CountProblem(seasonal, tr, loss, {})
        x = p_plain.to_x([2.5, 0.4, 0.7] + ([3.0] if loss == "negbin" else []))
        x_seas = np.concatenate([x[:3], np.zeros(4), x[3:]])
        assert p_seas.nll(x_seas) == p_plain.nll(x)


def test_zero_harmonics_event_likelihood_is_the_plain_one():
    rng = np.random.default_rng(1)
    times = np.sort(rng.uniform(0, 100, 150))
    plain = _HawkesEvents(times, 100.0)
    seasonal = SeasonalHawkesEvents(times, 100.0, None, 1.0, 24.0, 2, 3.0)
    x = np.log([1.2, 0.5, 2.0])
    x_seas = np.concatenate([x, np.zeros(4)])
    assert seasonal.nll(x_seas) == plain.nll(x)  # same sums in the same order
    assert -seasonal.nll(x_seas) == pytest.approx(hawkes_loglik(times, 100.0, 1.2, 0.5, 2.0))
    np.testing.assert_allclose(seasonal.grad(x_seas)[:3], plain.grad(x), rtol=1e-12)
    theta = np.exp(x)
    theta_seas = np.concatenate([theta, np.zeros(4)])
    t = np.linspace(0, 130, 57)  # inside the window and after it
    np.testing.assert_allclose(
        seasonal.expected_cumulative(theta_seas, t),
        plain.expected_cumulative(theta, t),
        rtol=1e-12,
        atol=1e-12,
    )


@pytest.mark.parametrize(("period", "phase0"), [(24.0, 0.0), (24.0, 7.3), (7.5, 2.25)])
def test_bin_masses_match_quad(period, phase0):
    masses = bin_masses(COEFS, period, phase0, 40)
    for t in range(40):
        lo = phase0 + t
        ref, _ = integrate.quad(
            lambda s: g_of(COEFS, s, period), lo, lo + 1, epsabs=0, epsrel=1e-13
        )
        assert masses[t] == pytest.approx(ref, rel=1e-10, abs=0)
    spec = SeasonalHawkesBinned(period, 2, phase0)
    theta = dict(zip(["mu", "a1", "b1", "a2", "b2"], [2.0, *COEFS], strict=True))
    np.testing.assert_allclose(spec.background(theta, 40), 2.0 * masses, rtol=1e-13)


def test_one_period_of_masses_is_the_bessel_closed_form():
    # integral over a period of exp(a cos w + b sin w) = P I0(sqrt(a^2 + b^2))
    a, b = 1.3, -0.6
    masses = bin_masses(np.array([a, b]), 24.0, 5.0, 24)
    assert masses.sum() == pytest.approx(24.0 * special.i0(math.hypot(a, b)), rel=1e-12)


def test_window_moments_match_quad():
    period, phase0, length = 24.0, 4.6, 61.3  # two whole periods and a part
    got = window_moments(COEFS, period, phase0, length)

    def moment(t, k):
        w = 2 * math.pi * ((k + 1) // 2) * t / period
        basis = 1.0 if k == 0 else (math.cos(w) if k % 2 else math.sin(w))
        return g_of(COEFS, t, period) * basis

    for k in range(5):
        ref, _ = integrate.quad(
            moment, phase0, phase0 + length, args=(k,), limit=200, epsabs=1e-13
        )
        assert got[k] == pytest.approx(ref, rel=1e-10, abs=1e-11)


def test_event_gradient_is_the_likelihoods():
    rng = np.random.default_rng(2)
    times = simulate(1.0, 0.5, 1.5, COEFS, 24.0, 200.0, rng)
    problem = SeasonalHawkesEvents(times, 200.0, None, 1.0, 24.0, 2, 0.0)
    x = np.concatenate([np.log([0.9, 0.45, 1.3]), COEFS * 0.8])
    numeric = np.array(
        [
            (problem.nll(x + h * e) - problem.nll(x - h * e)) / (2 * h)
            for e, h in zip(np.eye(x.size), [1e-6] * x.size, strict=True)
        ]
    )
    np.testing.assert_allclose(problem.grad(x), numeric, rtol=1e-6, atol=1e-6)


def test_event_loglik_by_quadrature():
    times = np.array([0.7, 3.2, 3.9, 11.0, 17.5])
    mu, alpha, beta = 0.8, 0.4, 1.1
    problem = SeasonalHawkesEvents(times, 20.0, None, 1.0, 24.0, 2, 2.0)

    def lam(t):
        past = times[times < t]
        return mu * g_of(COEFS, 2.0 + t, 24.0) + alpha * beta * np.sum(np.exp(-beta * (t - past)))

    compensator = sum(
        integrate.quad(lam, lo, hi, epsabs=1e-13)[0]
        for lo, hi in zip(np.r_[0.0, times], np.r_[times, 20.0], strict=True)
    )
    by_hand = sum(math.log(lam(t)) for t in times) - compensator
    x = np.concatenate([np.log([mu, alpha, beta]), COEFS])
    assert -problem.nll(x) == pytest.approx(by_hand, rel=1e-10)


def test_event_forecast_mean_solves_the_mean_ode():
    """After the window the expected count obeys e' = -kappa e + alpha beta mu(t),
    with the count growing at mu(t) + e(t)."""
    times = np.array([1.0, 2.5, 9.0, 9.4, 9.9])
    t_end = 10.0
    mu, alpha, beta = 1.5, 0.6, 0.8
    problem = SeasonalHawkesEvents(times, t_end, None, 1.0, 24.0, 2, 6.0)
    theta = np.concatenate([[mu, alpha, beta], COEFS])
    e_end = alpha * beta * np.sum(np.exp(-beta * (t_end - times)))
    d = np.arange(1, 31, dtype=float)
    got = problem._future_mean(theta, e_end, d)

    def rhs(s, state):
        m = mu * g_of(COEFS, 6.0 + t_end + s, 24.0)
        return [-beta * (1 - alpha) * state[0] + alpha * beta * m, m + state[0]]

    sol = integrate.solve_ivp(
        rhs, (0, 30), [e_end, 0.0], t_eval=d, rtol=1e-12, atol=1e-12, method="DOP853"
    )
    np.testing.assert_allclose(got, sol.y[1], rtol=1e-9)


# --------------------------------------------------------------- recovery
TRUTH = {"mu": 1.0, "alpha": 0.5, "beta": 1.0, "a1": 0.7, "b1": -0.4, "a2": 0.25, "b2": 0.3}


def _coverage_floor(n):
    """Covering replicates below this count have probability < 0.001 at 95% coverage."""
    return int(stats.binom.ppf(0.001, n, 0.95))


def test_recovery_events_and_bins_one_replicate():
    rng = np.random.default_rng(3)
    coefs = np.array([TRUTH[k] for k in ("a1", "b1", "a2", "b2")])
    horizon = 24 * 40.0
    times = simulate(TRUTH["mu"], TRUTH["alpha"], TRUTH["beta"], coefs, 24.0, horizon, rng)
    res = fit_hawkes(times, start=0.0, end=horizon, period=24)
    assert res.success and res.model == "seasonal_hawkes"
    assert sorted(res.params) == sorted(TRUTH)
    assert all(lo < TRUTH[k] < hi for k, (lo, hi) in res.conf_int().items())
    trend = Trend.from_timestamps(times, freq=1.0, start=0.0, end=horizon)
    res = fit_hawkes(trend, period=24, loss="poisson")
    assert res.success and res.model == "seasonal_hawkes_binned"
    intervals = res.conf_int()
    assert all(intervals[k][0] < TRUTH[k] < intervals[k][1] for k in ("mu", *coefs_names()))


def coefs_names():
    return ("a1", "b1", "a2", "b2")


@pytest.mark.slow
def test_event_interval_coverage_over_replicates():
    """40 replicates of 20 days: each parameter's 95% Wald interval covers the truth in
    at least the count a binomial(40, 0.95) reaches with probability 0.999."""
    n = 40
    rng = np.random.default_rng(4)
    coefs = np.array([TRUTH[k] for k in coefs_names()])
    hits = dict.fromkeys(TRUTH, 0)
    for _ in range(n):
        times = simulate(TRUTH["mu"], TRUTH["alpha"], TRUTH["beta"], coefs, 24.0, 480.0, rng)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fit_hawkes(times, start=0.0, end=480.0, period=24)
        for k, (lo, hi) in res.conf_int().items():
            hits[k] += lo < TRUTH[k] < hi
    floor = _coverage_floor(n)
    assert all(h >= floor for h in hits.values()), (hits, floor)


@pytest.mark.slow
def test_binned_interval_coverage_over_replicates():
    """The same check for the binned fit (hourly counts of the same process) on the
    background's parameters: the binned kernel is an approximation (events uniform
    within their bin), but the background's shape is estimated from the bins exactly."""
    n = 40
    rng = np.random.default_rng(5)
    coefs = np.array([TRUTH[k] for k in coefs_names()])
    hits = dict.fromkeys(coefs_names(), 0)
    for _ in range(n):
        times = simulate(TRUTH["mu"], TRUTH["alpha"], TRUTH["beta"], coefs, 24.0, 720.0, rng)
        trend = Trend.from_timestamps(times, freq=1.0, start=0.0, end=720.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fit_hawkes(trend, period=24, loss="poisson")
        intervals = res.conf_int()
        for k in coefs_names():
            hits[k] += intervals[k][0] < TRUTH[k] < intervals[k][1]
    floor = _coverage_floor(n)
    assert all(h >= floor for h in hits.values()), (hits, floor)


# --------------------------------------------------------------- forecast
def _peaked_coefs(amplitude, peak_hour):
    w = 2 * math.pi * peak_hour / 24
    return np.array([amplitude * math.cos(w), amplitude * math.sin(w)])


def test_forecast_peaks_at_the_true_hour_of_day():
    # Background peaking at 15:00 UTC; the series starts at 05:00, so the anchor
    # (midnight UTC) is not the first bin.
    coefs = _peaked_coefs(1.2, 15.0)
    start = pd.Timestamp("2024-03-01 05:00", tz="UTC")
    rng = np.random.default_rng(6)
    times = simulate(2.0, 0.4, 1.5, coefs, 24.0, 24 * 30.0, rng, phase0=5.0)
    stamps = start + pd.to_timedelta(times, unit="h")
    trend = Trend.from_timestamps(stamps, freq="1h", start=start, end=start + pd.Timedelta("30D"))
    est = HawkesEstimator(period=24, n_harmonics=1, loss="poisson").fit(trend)
    assert abs(est.result_.diagnostics["background_peak_phase"] - 15.0) < 1.0
    fc = est.result_.forecast(24, n_paths=50)
    truth = SeasonalHawkesBinned(24.0, 1, 5.0).mean(
        {"mu": 2.0, "alpha": 0.4, "beta": 1.5, "a1": coefs[0], "b1": coefs[1]},
        trend.n_bins + 24,
        trend.counts,
    )[-24:]
    true_peak = fc.index[int(np.argmax(truth))]
    fit_peak = fc.index[int(np.argmax(fc["mean"].to_numpy()))]
    assert fit_peak.hour == true_peak.hour
    assert true_peak.hour in (15, 16)  # the excitation lags the background a little
    # The same data labelled in New York time give the same fit: the phase is UTC's.
    local = Trend(trend.counts, trend.index.tz_convert("America/New_York"), freq="1h")
    again = HawkesEstimator(period=24, n_harmonics=1, loss="poisson").fit(local)
    assert again.params_ == pytest.approx(est.params_, rel=1e-9)


def test_event_forecast_follows_the_background():
    coefs = _peaked_coefs(1.0, 20.0)
    rng = np.random.default_rng(7)
    times = simulate(1.5, 0.3, 2.0, coefs, 24.0, 24 * 20.0, rng)
    res = fit_hawkes(times, start=0.0, end=24 * 20.0, period=24, n_harmonics=1)
    mean = res.predict(np.arange(480, 504))
    assert int(np.argmax(mean)) in (20, 21)
    fc = res.forecast(24, n_paths=200, rng=0)
    assert np.all(fc["lower"] <= fc["mean"]) and np.all(fc["mean"] <= fc["upper"])


def test_numeric_bins_are_anchored_at_zero():
    counts = np.random.default_rng(8).poisson(3.0, 96)
    a = fit_hawkes(Trend.from_counts(counts, freq=1.0, start=0.0), period=24, loss="poisson")
    b = fit_hawkes(Trend.from_counts(counts, freq=1.0, start=24.0), period=24, loss="poisson")
    c = fit_hawkes(Trend.from_counts(counts, freq=1.0, start=6.0), period=24, loss="poisson")
    # a whole period later: the same fit (to the optimizer's rounding)
    assert b.params == pytest.approx(a.params, rel=1e-6)
    # a quarter period later: the same shape, turned by a quarter (a1 <-> b1)
    assert c.params["mu"] == pytest.approx(a.params["mu"], rel=1e-4)
    assert c.params["a1"] == pytest.approx(-a.params["b1"], abs=1e-4)


# --------------------------------------------------------------- choose
def _hourly(n_days, seed):
    start = pd.Timestamp("2024-01-01", tz="UTC")
    rng = np.random.default_rng(seed)
    times = simulate(2.0, 0.4, 1.0, _peaked_coefs(1.0, 14.0), 24.0, 24.0 * n_days, rng)
    stamps = start + pd.to_timedelta(times, unit="h")
    return Trend.from_timestamps(
        stamps, freq="1h", start=start, end=start + pd.Timedelta(days=n_days)
    )


def test_choose_ranks_the_seasonal_hawkes_on_a_daily_cycle():
    trend = _hourly(12, 9)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        choice = choose(trend, ["hawkes"], horizon=24, n_origins=2, n_paths=200)
    assert "seasonal_hawkes" not in choice.table.index  # not named: not a candidate
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        choice = choose(trend, ["hawkes", "seasonal_hawkes"], horizon=24, n_origins=2, n_paths=200)
    assert choice.model == "seasonal_hawkes"
    assert choice.table.loc["seasonal_hawkes", "mase"] < choice.table.loc["hawkes", "mase"]
    assert any("period 24" in n for n in choice.notes)


def test_choose_leaves_the_seasonal_hawkes_out_of_short_series():
    # 72 bins: two origins 13 bins apart leave 46 bins before the first, enough for
    # the seasonal naive (24 + 13 + 9 = 46) but not for two periods (48).
    trend = _hourly(3, 10)
    with pytest.raises(InvalidParameterError, match="`models` names 'seasonal_hawkes'"):
        choose(trend, ["seasonal_hawkes"], horizon=13, n_origins=2, n_paths=50)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        choice = choose(trend, horizon=13, n_origins=2, n_paths=50)
    assert choice.period == 24
    assert "seasonal_hawkes" not in choice.table.index
    assert any(n.startswith("no seasonal_hawkes") and "two periods" in n for n in choice.notes)


# --------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"period": 0}, ["`period`", "> 0", "0"]),
        ({"period": -24}, ["`period`", "> 0", "-24"]),
        ({"period": math.nan}, ["`period`", "finite", "nan"]),
        ({"period": math.inf}, ["`period`", "finite", "inf"]),
        ({"period": "1D"}, ["`period`", "real number", "'1D'"]),
        ({"period": 24, "n_harmonics": 0}, ["`n_harmonics`", ">= 1", "0"]),
        ({"period": 24, "n_harmonics": 1.5}, ["`n_harmonics`", "integer", "1.5"]),
        ({"period": 24, "n_harmonics": True}, ["`n_harmonics`", "integer", "True"]),
        ({"weekly_harmonics": 1}, ["`weekly_harmonics`", "`period`", "1"]),
        ({"period": 24, "weekly_harmonics": 7}, ["`weekly_harmonics`", "<= 6", "7"]),
        ({"period": 24, "weekly_harmonics": -1}, ["`weekly_harmonics`", ">= 0", "-1"]),
        ({"period": 24, "weekly_harmonics": 1.5}, ["`weekly_harmonics`", "integer", "1.5"]),
    ],
)
def test_bad_season(kwargs, words):
    for data in (np.array([0.5, 1.0, 2.0]), Trend.from_counts([1, 2, 3, 4])):
        with pytest.raises(InvalidParameterError) as info:
            HawkesEstimator(**kwargs).fit(data)
        for word in words:
            assert word in str(info.value), (word, str(info.value))
