"""The Hawkes background's weekly cycle (`HawkesEstimator(weekly_harmonics=...)`).

The daily and weekly cycles are one Fourier series of period ``7P`` over the harmonics
``7h`` (daily) and ``w`` (weekly). Exact: with zero weekly coefficients the background
and likelihood are the daily-only ones; masses, window moments and the event
likelihood match quadrature of the product written out here. Statistical: hourly
counts of a Hawkes process with a known daily and weekly background, starting on a
Wednesday (the thinning simulator of `test_fit_seasonal`, independent of the
library's), give unbiased estimates, intervals that cover the truth and a weekly peak
on the right hour, counted from Monday 00:00 UTC. `choose` ranks ``"weekly_hawkes"`` only when the data
hold two weeks of a daily period. (Bad `weekly_harmonics`: `test_fit_seasonal.test_bad_season`.)
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from spread import InvalidParameterError
from spread.fit import HawkesEstimator, Trend, choose
from spread.fit._counts import CountProblem
from spread.fit._seasonal import (
    SeasonalHawkesBinned,
    SeasonalHawkesEvents,
    bin_masses,
    harmonics_of,
    window_moments,
)
from spread.fit.choose import fitters_for, with_seasonal
from tests.test_fit_seasonal import simulate

DAILY = np.array([0.6, -0.3, 0.2, 0.25])  # a1, b1, a2, b2 of the 24-hour cycle
WEEKLY = np.array([0.5, -0.35, 0.15, 0.1])  # wa1, wb1, wa2, wb2 of the 168-hour cycle


def g_of(daily, weekly, t, period=24.0):
    """The background's shape, the daily and the weekly factor written out."""
    total = 0.0
    for coefs, p in ((daily, period), (weekly, 7 * period)):
        for h in range(1, len(coefs) // 2 + 1):
            w = 2 * math.pi * h * t / p
            total += coefs[2 * h - 2] * math.cos(w) + coefs[2 * h - 1] * math.sin(w)
    return math.exp(total)


# ------------------------------------------------------------------ exact
def test_harmonics_of_the_two_cycles():
    assert harmonics_of(2) == ((1, 2), 1)
    assert harmonics_of(2, 2) == ((7, 14, 1, 2), 7)
    assert harmonics_of(3, 6) == ((7, 14, 21, 1, 2, 3, 4, 5, 6), 7)


def test_zero_weekly_coefficients_give_the_daily_background_and_likelihood():
    y = np.random.default_rng(0).poisson(6.0, 400).astype(float)
    theta = {
        "mu": 2.0,
        "alpha": 0.3,
        "beta": 0.9,
        **dict(zip(("a1", "b1", "a2", "b2"), DAILY, strict=True)),
    }
    daily = SeasonalHawkesBinned(24.0, 2, 5.0)
    weekly = SeasonalHawkesBinned(24.0, 2, 5.0 + 3 * 24.0, weekly=1)  # same hour, Thursday
    zero = {**theta, "wa1": 0.0, "wb1": 0.0}
    np.testing.assert_allclose(weekly.mean(zero, 430, y), daily.mean(theta, 430, y), rtol=1e-12)
    tr = Trend.from_counts(y)
    p_daily = CountProblem(daily, tr, "negbin", {})
    p_weekly = CountProblem(weekly, tr, "negbin", {})
    x = p_daily.to_x([2.0, 0.3, 0.9, *DAILY, 4.0])
    x_weekly = np.concatenate([x[:7], [0.0, 0.0], x[7:]])
    assert p_weekly.nll(x_weekly) == pytest.approx(p_daily.nll(x), rel=1e-12)


@pytest.mark.parametrize("phase0", [0.0, 61.5, 150.25])
def test_weekly_bin_masses_match_quad(phase0):
    harmonics, _ = harmonics_of(2, 2)
    coefs = np.concatenate([DAILY, WEEKLY])
    masses = bin_masses(coefs, 168.0, phase0, 60, harmonics)
    for t in range(0, 60, 7):
        lo = phase0 + t
        ref, _ = integrate.quad(lambda s: g_of(DAILY, WEEKLY, s), lo, lo + 1, epsrel=1e-13)
        assert masses[t] == pytest.approx(ref, rel=1e-10, abs=0)
    spec = SeasonalHawkesBinned(24.0, 2, phase0, weekly=2)
    theta = {"mu": 1.5, **dict(zip(spec.coef_names, coefs, strict=True))}
    assert spec.coef_names == ("a1", "b1", "a2", "b2", "wa1", "wb1", "wa2", "wb2")
    np.testing.assert_allclose(spec.background(theta, 60), 1.5 * masses, rtol=1e-13)
    # a series longer than a week repeats the week's masses
    long = spec.background(theta, 400)
    np.testing.assert_array_equal(long[168:336], long[:168])


def test_weekly_window_moments_match_quad():
    harmonics, _ = harmonics_of(2, 2)
    coefs = np.concatenate([DAILY, WEEKLY])
    phase0, length = 30.5, 2 * 168.0 + 41.2  # two whole weeks and a part
    got = window_moments(coefs, 168.0, phase0, length, harmonics)

    def moment(t, k):
        if k == 0:
            return g_of(DAILY, WEEKLY, t)
        h = harmonics[(k - 1) // 2]
        w = 2 * math.pi * h * t / 168.0
        return g_of(DAILY, WEEKLY, t) * (math.cos(w) if k % 2 else math.sin(w))

    for k in range(1 + coefs.size):
        ref, _ = integrate.quad(
            moment, phase0, phase0 + length, args=(k,), limit=400, epsabs=1e-12
        )
        assert got[k] == pytest.approx(ref, rel=1e-10, abs=1e-10), k


def test_weekly_event_likelihood_by_quadrature_and_its_gradient():
    rng = np.random.default_rng(1)
    t_end = 200.0
    times = np.sort(rng.uniform(0, t_end, 120))
    mu, alpha, beta = 0.5, 0.4, 1.3
    phase0 = 77.0
    problem = SeasonalHawkesEvents(times, t_end, None, 1.0, 24.0, 2, phase0, weekly=2)

    def lam(t):
        past = times[times < t]
        excitation = alpha * beta * np.sum(np.exp(-beta * (t - past)))
        return mu * g_of(DAILY, WEEKLY, phase0 + t) + excitation

    compensator = sum(
        integrate.quad(lam, lo, hi, epsabs=1e-13)[0]
        for lo, hi in zip(np.r_[0.0, times], np.r_[times, t_end], strict=True)
    )
    by_hand = sum(math.log(lam(t)) for t in times) - compensator
    x = np.concatenate([np.log([mu, alpha, beta]), DAILY, WEEKLY])
    assert -problem.nll(x) == pytest.approx(by_hand, rel=1e-10)
    h = 1e-6
    numeric = [(problem.nll(x + h * e) - problem.nll(x - h * e)) / (2 * h) for e in np.eye(x.size)]
    np.testing.assert_allclose(problem.grad(x), numeric, rtol=1e-6, atol=1e-6)


# --------------------------------------------------------------- recovery
TRUTH = {"mu": 3.0, "alpha": 0.4, "beta": 1.0}


def _weekly_counts(n_weeks, seed, start="2024-01-03"):
    """Hourly counts of `simulate` from a Wednesday 00:00 UTC (phase 48 hours after
    Monday)."""
    start = pd.Timestamp(start, tz="UTC")
    phase0 = (start - start.normalize()).total_seconds() / 3600 + 24 * start.day_of_week
    horizon = 24.0 * 7 * n_weeks
    times = simulate(
        *TRUTH.values(),
        None,
        7 * 24.0,
        horizon,
        np.random.default_rng(seed),
        phase0,
        shape=lambda t: g_of(DAILY[:2], WEEKLY[:2], t),
    )
    stamps = start + pd.to_timedelta(times, unit="h")
    return Trend.from_timestamps(
        stamps, freq="1h", start=start, end=start + pd.Timedelta(hours=horizon)
    )


def _fit_weekly(trend):
    est = HawkesEstimator(period=24, n_harmonics=1, weekly_harmonics=1, loss="poisson")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return est.fit(trend).result_


BACKGROUND = {"a1": DAILY[0], "b1": DAILY[1], "wa1": WEEKLY[0], "wb1": WEEKLY[1]}


def test_weekly_cycle_recovered_from_monday():
    """Eight replicates of six weeks from a Wednesday: the mean estimate of each
    background coefficient is within 4 standard errors of the truth (the
    replicates' own spread), and each fit's weekly factor peaks within 6 hours of the
    truth's, counted from Monday 00:00 UTC (``atan2(wb1, wa1)`` of the week: 151.7 h,
    Sunday 07:40)."""
    fits = [_fit_weekly(_weekly_counts(6, seed)) for seed in range(8)]
    assert all(r.success for r in fits)
    for k, v in BACKGROUND.items():
        est = np.array([r.params[k] for r in fits])
        se = est.std(ddof=1) / math.sqrt(est.size)
        assert abs(est.mean() - v) < 4 * se, (k, v, est)
    peak = (math.atan2(WEEKLY[1], WEEKLY[0]) % (2 * math.pi)) / (2 * math.pi) * 168
    for r in fits:
        got = r.diagnostics["weekly_peak_phase"]
        assert min(abs(got - peak), 168 - abs(got - peak)) < 6.0, (got, peak)
    daily_peak = (math.atan2(DAILY[1], DAILY[0]) % (2 * math.pi)) / (2 * math.pi) * 24
    assert abs(fits[0].diagnostics["background_peak_phase"] - daily_peak) < 1.5
    # The same counts labelled a week later give the same fit: the anchor is the week's.
    trend = _weekly_counts(6, 0)
    later = Trend.from_counts(trend.counts, freq="1h", start=trend.start + pd.Timedelta("7D"))
    assert _fit_weekly(later).params == pytest.approx(fits[0].params, rel=1e-6)
    # ... and a day later, a different one (the weekly phase moved by a day).
    next_day = Trend.from_counts(trend.counts, freq="1h", start=trend.start + pd.Timedelta("1D"))
    moved = _fit_weekly(next_day).diagnostics["weekly_peak_phase"]
    shift = (moved - fits[0].diagnostics["weekly_peak_phase"]) % 168
    assert shift == pytest.approx(24.0, abs=1.0)


@pytest.mark.slow
def test_weekly_interval_coverage_over_replicates():
    """40 replicates: each background coefficient's 95% Wald interval covers the truth
    in at least the count a binomial(40, 0.95) reaches with probability 0.999."""
    n = 40
    hits = dict.fromkeys(BACKGROUND, 0)
    for seed in range(100, 100 + n):
        intervals = _fit_weekly(_weekly_counts(6, seed)).conf_int()
        for k, v in BACKGROUND.items():
            hits[k] += intervals[k][0] < v < intervals[k][1]
    floor = int(stats.binom.ppf(0.001, n, 0.95))
    assert all(h >= floor for h in hits.values()), (hits, floor)


def test_weekly_forecast_follows_the_week():
    """From six weeks ending on a Tuesday night, each of the next seven days' forecast
    totals is within 15% of the true process's expected total, and the busiest and
    quietest days are the truth's."""
    trend = _weekly_counts(6, 3)
    res = _fit_weekly(trend)
    n = trend.n_bins
    mean = res.predict(np.arange(n, n + 7 * 24))
    spec = SeasonalHawkesBinned(24.0, 1, 48.0, weekly=1)
    true_theta = {**TRUTH, "a1": DAILY[0], "b1": DAILY[1], "wa1": WEEKLY[0], "wb1": WEEKLY[1]}
    truth = spec.mean(true_theta, n + 7 * 24, trend.counts)[n:]
    days = mean.reshape(7, 24).sum(axis=1)
    true_days = truth.reshape(7, 24).sum(axis=1)
    np.testing.assert_allclose(days, true_days, rtol=0.15)
    assert np.argmax(days) == np.argmax(true_days)
    assert np.argmin(days) == np.argmin(true_days)


# --------------------------------------------------------------- choose
def test_choose_offers_the_weekly_hawkes_only_with_two_weeks_of_days():
    fitters = fitters_for(None)
    assert "weekly_hawkes" in fitters
    hourly = _weekly_counts(3, 4)
    out, notes = with_seasonal(fitters, 24, 14 * 24, False, hourly)
    assert callable(out["weekly_hawkes"]) and callable(out["seasonal_hawkes"])
    assert any(n.startswith("weekly_hawkes:") and "weekly cycle" in n for n in notes)
    out, notes = with_seasonal(fitters, 24, 14 * 24 - 1, False, hourly)
    assert "weekly_hawkes" not in out and callable(out["seasonal_hawkes"])
    assert any(n.startswith("no weekly_hawkes") and "two weeks (336 bins)" in n for n in notes)
    numeric = Trend.from_counts(hourly.counts)  # numbers: no day to speak of
    out, notes = with_seasonal(fitters, 24, 400, False, numeric)
    assert "weekly_hawkes" not in out
    assert any("not a day of datetime bins" in n for n in notes)
    # named: a numeric series may have its weekly cycle of seven periods
    out, _ = with_seasonal(fitters_for(["weekly_hawkes"]), 24, 400, True, numeric)
    assert callable(out["weekly_hawkes"])
    with pytest.raises(InvalidParameterError, match=r"`models` names 'weekly_hawkes'.*two weeks"):
        with_seasonal(fitters_for(["weekly_hawkes"]), 24, 300, True, hourly)


def test_choose_ranks_the_weekly_hawkes_on_a_weekly_cycle():
    trend = _weekly_counts(4, 5)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        choice = choose(
            trend, ["seasonal_hawkes", "weekly_hawkes"], horizon=24, n_origins=3, n_paths=200
        )
    table = choice.table
    assert table.loc["weekly_hawkes", "mase"] < table.loc["seasonal_hawkes", "mase"]
    assert choice.model == "weekly_hawkes"
    assert choice.fit.params.keys() >= {"wa1", "wb1", "wa2", "wb2"}


def test_calibration_checks_the_weekly_hawkes():
    """`calibration` fits the weekly Hawkes at each origin: its PIT values are
    probabilities and its bands' coverage is counted per level over every held-out bin."""
    from spread.fit import calibration

    trend = _weekly_counts(3, 6)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cal = calibration(trend, "weekly_hawkes", horizon=24, n_origins=2, n_paths=100)
    assert cal.model == "weekly_hawkes"
    pit = cal.pit["pit"].to_numpy()
    assert np.all((pit >= 0) & (pit <= 1)) and pit.size == 48
    assert list(cal.coverage["n"]) == [48] * len(cal.coverage)
