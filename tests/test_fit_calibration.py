"""`spread.fit.calibration`: PIT values and band coverage over rolling origins."""

import warnings

import numpy as np
import pytest
from scipy.stats import kstest

from spread.exceptions import InvalidParameterError
from spread.fit import Calibration, calibration, fit_bass, naive_forecast, simulate_trend

#: Significance level of the KS tests below (fixed data and rng: deterministic).
ALPHA = 0.01


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


@pytest.fixture(scope="module")
def overdispersed():
    """A Bass curve with negative-binomial noise (k = 3), 120 bins."""
    return simulate_trend("bass", {"m": 50_000, "p": 0.002, "q": 0.08}, 120, dispersion=3, rng=0)


def test_pit_is_uniform_for_the_right_model_and_not_for_a_wrong_one(overdispersed):
    # Right: the negative-binomial likelihood (the default) on NB data. Wrong: the
    # Poisson likelihood on the same data, whose bands ignore the overdispersion.
    right = calibration(overdispersed, fit_bass, horizon=4, n_origins=15, n_paths=400, rng=0)

    def poisson_bass(train):
        return fit_bass(train, loss="poisson")

    wrong = calibration(overdispersed, poisson_bass, horizon=4, n_origins=15, n_paths=400, rng=0)
    for cal in (right, wrong):
        assert isinstance(cal, Calibration) and cal.model == "bass"
        assert len(cal.pit) == 60 and cal.n_failed == 0
        assert cal.pit["pit"].between(0, 1).all()
        assert cal.ks_pvalue == pytest.approx(kstest(cal.pit["pit"], "uniform").pvalue)
    assert right.ks_pvalue > ALPHA
    assert wrong.ks_pvalue < ALPHA
    # too narrow: most observations fall in the PIT's tails, and the bands undercover
    tails = wrong.pit["pit"].between(0.05, 0.95)
    assert (~tails).mean() > 0.5
    nominal = wrong.coverage["nominal"]
    assert (wrong.coverage["coverage"] < nominal - 2 * wrong.coverage["stderr"]).all()
    assert (abs(right.coverage["coverage"] - nominal) <= 2 * right.coverage["stderr"]).all()


def test_coverage_counts_equal_a_recount_with_the_forecast_tables():
    rng = np.random.default_rng(3)
    y = rng.poisson(30.0, size=80).astype(float)
    levels = [0.5, 0.8, 0.95]
    cal = calibration(y, "naive", horizon=6, n_origins=4, levels=levels, n_paths=30)
    assert cal.origins == (56, 62, 68, 74)
    for level in levels:
        covered = 0
        for tau in cal.origins:
            fc = naive_forecast(y[:tau], 6, level, n_paths=30)
            test = y[tau : tau + 6]
            covered += int(((test >= fc["lower"]) & (test <= fc["upper"])).sum())
        row = cal.coverage.loc[level]
        assert row["covered"] == covered
        assert row["n"] == 24
        assert row["coverage"] == covered / 24
    assert cal.to_frame().equals(cal.coverage)


def test_coverage_by_hand_on_a_ramp():
    # On a ramp the naive band is exactly the next values (see test_fit_choose): every
    # held-out bin is inside every band, except one bin moved off the ramp.
    y = np.arange(40.0)
    cal = calibration(y, "naive", horizon=5, n_origins=2, levels=[0.5, 0.9])
    assert cal.coverage["covered"].tolist() == [10, 10]
    y[37] += 3  # bin 37: held out from origin 35 (step 3)
    cal = calibration(y, "naive", horizon=5, n_origins=2, levels=[0.5, 0.9])
    assert cal.coverage["covered"].tolist() == [9, 9]
    moved = cal.pit[(cal.pit["origin"] == 35) & (cal.pit["step"] == 3)]
    assert moved["observed"].tolist() == [40.0] and moved["pit"].tolist() == [1.0]


def test_summary_and_plot():
    tr = simulate_trend("bass", {"m": 20_000, "p": 0.005, "q": 0.15}, 40, rng=1)
    cal = calibration(tr, "bass", horizon=5, n_origins=3, n_paths=100)
    assert "calibration of bass: 15 held-out bins" in cal.summary()
    axes = cal.plot(n_bins=5)
    assert [a.get_xlabel() for a in axes] == ["PIT", "nominal level"]
    assert len(axes[0].patches) == 5


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        ({"trend": [], "horizon": 2}, r"`trend` must be a series of counts.*empty"),
        ({"trend": np.arange(15), "horizon": 2}, r"`n_origins` and `horizon` must leave"),
        ({"model": "arima"}, r"`model` must be one of.*'arima'"),
        ({"levels": [0.5, 1.2]}, r"`levels` must lie in \(0, 1\); got 1.2"),
        ({"levels": []}, r"`levels` must be a non-empty sequence"),
        ({"model": "seasonal_naive"}, r"`period` must be given for model 'seasonal_naive'"),
        ({"n_origins": 0}, r"`n_origins` must be an integer >= 1; got 0"),
    ],
)
def test_bad_input_raises_typed_errors(kwargs, pattern):
    args = {"trend": np.arange(60), "model": "naive", "horizon": 3} | kwargs
    with pytest.raises(InvalidParameterError, match=pattern):
        calibration(args.pop("trend"), args.pop("model"), **args)
