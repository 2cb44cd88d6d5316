"""A periodic profile learned from a history (`cycle_regressors`).

Exact: counts ``exp(a + b t + s(t)) - 1/2`` (a level that drifts exponentially times a
known cycle) give the cycle's log profile back to rounding, for an even period on
datetime bins (the 2 x P moving average) and an odd one on numeric bins (phase from
time 0), in the bins of another trend and past its end; a trend in another time zone
gets the same values at the same instants (the phase is UTC's). Statistical: Poisson
counts around the cycle give a profile whose mean over replicates is within 4 standard
errors of the truth at every phase; a Hawkes burst whose background follows the
history's cycle gets a coefficient within 4 standard errors of 1, and one without a
cycle within 4 of 0. Bad input is named.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

from spread import InvalidParameterError
from spread.fit import HawkesEstimator, Trend, cycle_regressors
from tests.test_fit_seasonal import simulate

START = pd.Timestamp("2024-03-01", tz="UTC")
A, B = (0.8, -0.3), (0.25, 0.1)  # cos and sin coefficients of harmonics 1 and 2


def profile(phase, period=24):
    w = 2 * np.pi * np.asarray(phase, dtype=float) / period
    return sum(
        a * np.cos(h * w) + b * np.sin(h * w) for h, (a, b) in enumerate(zip(A, B, strict=True), 1)
    )


def _hourly(counts, start=START):
    return Trend.from_counts(np.asarray(counts, dtype=float), freq="1h", start=start)


# ------------------------------------------------------------------ exact
def test_profile_of_a_drifting_level_written_out():
    t = np.arange(24 * 5 + 7)  # not a whole number of periods
    history = _hourly(np.exp(3.0 + 0.02 * t + profile(t + 0.5)) - 0.5)
    burst_start = START + pd.Timedelta("131h")  # 11:00 on the sixth day
    burst = _hourly(np.ones(10), start=burst_start)
    x = cycle_regressors(history, burst, period=24, horizon=30)
    assert x.columns.tolist() == ["cycle"]
    assert x.index.equals(burst.bin_labels(np.arange(40)))
    np.testing.assert_allclose(x["cycle"], profile(np.arange(11, 51) + 0.5), atol=1e-10)


def test_odd_period_on_numeric_bins():
    """Period 7 on bins of width 2 from time 6: the phase of bin i is 3 + i + 1/2."""
    t = np.arange(40)
    truth = 0.6 * np.cos(2 * np.pi * (3 + t + 0.5) / 7) - 0.2 * np.sin(
        2 * np.pi * (3 + t + 0.5) / 7
    )
    history = Trend.from_counts(np.exp(2.0 - 0.01 * t + truth) - 0.5, freq=2.0, start=6.0)
    later = Trend.from_counts(np.ones(5), freq=2.0, start=6.0 + 2 * 40)
    x = cycle_regressors(history, later, period=7, n_harmonics=1, horizon=2, name="week")
    phase = 3 + 40 + np.arange(7) + 0.5
    expected = 0.6 * np.cos(2 * np.pi * phase / 7) - 0.2 * np.sin(2 * np.pi * phase / 7)
    np.testing.assert_allclose(x["week"], expected, atol=1e-10)


def test_a_trend_in_another_zone_gets_the_same_instants_values():
    t = np.arange(24 * 4)
    history = _hourly(np.exp(4.0 + profile(t + 0.5)) - 0.5)
    utc = _hourly(np.ones(30), start=START + pd.Timedelta("100h"))
    eastern = Trend.from_counts(
        np.ones(30), freq="1h", start=(START + pd.Timedelta("100h")).tz_convert("America/New_York")
    )
    a = cycle_regressors(history, utc, period=24)["cycle"].to_numpy()
    b = cycle_regressors(history, eastern, period=24)["cycle"].to_numpy()
    np.testing.assert_allclose(a, b, atol=1e-12)
    np.testing.assert_allclose(a, profile((100 + np.arange(30)) % 24 + 0.5), atol=1e-10)


# ---------------------------------------------------------- statistical
def test_poisson_counts_give_an_unbiased_profile():
    """Thirty replicates of two weeks of hourly Poisson counts (mean about 200 times the
    cycle, a level that grows 40% over the fortnight): the mean profile is within 4
    standard errors (the replicates' own spread) of the truth at every hour."""
    t = np.arange(24 * 14)
    mean = 200 * np.exp(0.001 * t + profile(t + 0.5))
    target = _hourly(np.ones(24), start=START + pd.Timedelta(days=20))
    rng = np.random.default_rng(11)
    est = np.array(
        [
            cycle_regressors(_hourly(rng.poisson(mean)), target, period=24)["cycle"].to_numpy()
            for _ in range(30)
        ]
    )
    se = est.std(axis=0, ddof=1) / math.sqrt(est.shape[0])
    truth = profile(np.arange(24) + 0.5)
    assert np.all(np.abs(est.mean(axis=0) - truth) < 4 * se), (est.mean(axis=0) - truth) / se


def _burst_fit(seed, with_cycle):
    """Four days of a Hawkes process (background 20 per hour, times the cycle when
    `with_cycle`; branching ratio 1/2, kernel decaying over 5 hours so that hourly bins
    identify it), fitted with the column from a week-long history of the cycle."""
    rng = np.random.default_rng(seed)
    t = np.arange(24 * 7)
    history = _hourly(rng.poisson(500 * np.exp(profile(t + 0.5))))
    events = simulate(
        20.0,
        0.5,
        0.2,
        None,
        24,
        96,
        rng,
        shape=(lambda p: math.exp(profile(p))) if with_cycle else (lambda p: 1.0),
    )
    counts = np.histogram(events, bins=np.arange(97))[0]
    burst = _hourly(counts, start=START + pd.Timedelta(days=7))
    x = cycle_regressors(history, burst, period=24)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return HawkesEstimator(regressors=x, loss="poisson").fit(burst).result_


@pytest.mark.parametrize(("with_cycle", "truth"), [(True, 1.0), (False, 0.0)])
def test_a_burst_following_the_cycle_gets_coefficient_one(with_cycle, truth):
    """Ten replicates: the mean coefficient is within 4 standard errors (their spread)
    of 1 for a background that swings as the history did, of 0 for a flat one."""
    fits = [_burst_fit(seed, with_cycle) for seed in range(10)]
    assert all(r.success for r in fits)
    est = np.array([r.params["cycle"] for r in fits])
    se = est.std(ddof=1) / math.sqrt(est.size)
    assert abs(est.mean() - truth) < 4 * se, est


# -------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"period": 1}, "`period`"),
        ({"period": 24.5}, "`period`"),
        ({"n_harmonics": 0}, "`n_harmonics`"),
        ({"n_harmonics": 12}, "2 n_harmonics < period"),
        ({"horizon": -1}, "`horizon`"),
        ({"name": "not a name"}, "identifiers"),
        ({"history": _hourly(np.ones(47))}, "at least two periods"),
        (
            {"history": Trend.from_counts(np.ones(96), freq="30min", start=START)},
            "bins of the trend's width",
        ),
        ({"history": Trend.from_counts(np.ones(96))}, "bins of the trend's width"),
    ],
)
def test_bad_input_is_named(kwargs, match):
    args = {"history": _hourly(np.ones(96)), "period": 24} | kwargs
    history = args.pop("history")
    with pytest.raises(InvalidParameterError, match=match):
        cycle_regressors(history, _hourly(np.ones(5), start=START + pd.Timedelta(days=4)), **args)
