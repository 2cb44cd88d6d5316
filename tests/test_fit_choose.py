"""`spread.fit.choose` and the naive baselines (`naive_forecast`), and `spread fit --model auto`."""

import json
import warnings
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from spread.cli import main
from spread.exceptions import InvalidParameterError
from spread.fit import (
    ModelChoice,
    Trend,
    choose,
    fit_bass,
    fit_gompertz,
    naive_forecast,
    simulate_trend,
)


@pytest.fixture(autouse=True)
def _quiet():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


# ------------------------------------------------------------------ baselines
def test_naive_repeats_the_last_bin_and_its_band_is_the_past_errors():
    # A ramp 0, 1, ..., 14: the naive forecast is 14 for every step; from every past
    # origin the naive missed step k (1-based) by exactly k, so the band is [15, 16, 17].
    fc = naive_forecast(np.arange(15), 3)
    assert fc["mean"].tolist() == [14.0, 14.0, 14.0]
    assert fc["lower"].tolist() == [15.0, 16.0, 17.0]
    assert fc["upper"].tolist() == [15.0, 16.0, 17.0]
    total = sum(range(15))  # 105
    assert fc["cumulative"].tolist() == [total + 14, total + 28, total + 42]
    assert fc["cumulative_lower"].tolist() == [total + 15, total + 31, total + 48]
    assert list(fc.index) == [15.0, 16.0, 17.0]


def test_seasonal_naive_repeats_the_last_period():
    # y_t = t mod 4 + 10 * (t // 4): each period is the last one plus 10. The seasonal
    # naive (period 4) repeats bins 20..23 = 50..53, then again 50, 51 for steps 5 and 6
    # (lag 8); its past errors are 10 at lag 4 and 20 at lag 8, so the band is the truth.
    t = np.arange(24)
    y = t % 4 + 10 * (t // 4)
    fc = naive_forecast(y, 6, period=4)
    assert fc["mean"].tolist() == [50.0, 51.0, 52.0, 53.0, 50.0, 51.0]
    truth = [60.0, 61.0, 62.0, 63.0, 70.0, 71.0]
    assert fc["lower"].tolist() == truth
    assert fc["upper"].tolist() == truth


def test_naive_band_is_the_empirical_quantile_of_past_errors():
    rng = np.random.default_rng(5)
    y = rng.poisson(20.0, size=60).astype(float)
    h, level = 3, 0.8
    fc = naive_forecast(y, h, level, n_paths=25)
    # recount: errors of the naive from the last 25 origins o (data before o known)
    n = y.size
    origins = range(n - h - 25 + 1, n - h + 1)
    for k in range(h):
        draws = [max(y[-1] + y[o + k] - y[o - 1], 0.0) for o in origins]
        low, high = np.quantile(draws, [0.1, 0.9])
        assert fc["lower"].iloc[k] == pytest.approx(low, rel=1e-12)
        assert fc["upper"].iloc[k] == pytest.approx(high, rel=1e-12)


def test_naive_forecast_labels_continue_a_datetime_trend():
    idx = pd.date_range("2024-01-01", periods=40, freq="h")
    tr = Trend.from_counts(pd.Series(np.arange(40.0), index=idx))
    fc = naive_forecast(tr, 2, period=24)
    assert list(fc.index) == list(pd.date_range("2024-01-02 16:00", periods=2, freq="h"))
    assert fc["mean"].tolist() == [16.0, 17.0]  # the same hours a day earlier


def test_naive_forecast_too_short_names_the_rule():
    with pytest.raises(InvalidParameterError, match=r"`trend`.*at least 13 bins.*got 12"):
        naive_forecast(np.arange(12), 3)
    with pytest.raises(InvalidParameterError, match="`period` must be an integer >= 1"):
        naive_forecast(np.arange(40), 3, period=0)


# ------------------------------------------------------------------ ranking
def _bass_trend(rng):
    return simulate_trend("bass", {"m": 20_000, "p": 0.005, "q": 0.15}, 40, rng=rng)


def test_ranking_is_sorted_by_the_score_and_a_failed_fit_is_never_chosen():
    tr = _bass_trend(1)

    def failed_bass(train):  # Bass's forecasts, but every fit reports failure
        res = fit_bass(train)
        return replace(res, success=False, status=2, message="on a bound (test)")

    def no_forecast(train):  # a failure without parameters: nothing to forecast
        res = fit_bass(train)
        return replace(res, success=False, status=4, _fit=None)

    models = {"failed_bass": failed_bass, "gompertz": fit_gompertz, "broken": no_forecast}
    choice = choose(tr, models, horizon=5, n_origins=2, n_paths=200)
    table = choice.to_frame()
    assert isinstance(choice, ModelChoice)
    eligible = table[table["eligible"]]
    assert eligible["mase"].is_monotonic_increasing
    assert eligible["rank"].tolist() == list(range(1, len(eligible) + 1))
    assert table["chosen"].sum() == 1 and table.index[table["chosen"]][0] == choice.model
    # the failed fit forecasts best, and is listed, ranked nowhere, not chosen
    assert table.loc["failed_bass", "mase"] < table.loc[choice.model, "mase"]
    assert not table.loc["failed_bass", "eligible"]
    assert pd.isna(table.loc["failed_bass", "rank"])
    assert "failed" in table.loc["failed_bass", "note"]
    assert table.loc["failed_bass", "n_failed"] == 2
    assert not table.loc["broken", "eligible"]
    assert "not scored" in table.loc["broken", "note"]
    assert choice.model not in ("failed_bass", "broken")
    # the eligible rows come first
    assert table["eligible"].tolist() == sorted(table["eligible"], reverse=True)


def test_ranking_by_the_interval_score():
    choice = choose(
        _bass_trend(1), ["bass", "gompertz"], horizon=5, n_origins=2, n_paths=200, score="msis"
    )
    eligible = choice.table[choice.table["eligible"]]
    assert eligible["msis"].is_monotonic_increasing
    assert choice.model == eligible.index[0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_the_true_model_wins_on_its_own_data(seed):
    choice = choose(
        _bass_trend(seed), ["bass", "gompertz", "hawkes"], horizon=5, n_origins=3, n_paths=200
    )
    assert choice.model == "bass"
    assert choice.fit.model == "bass" and choice.fit.success
    table = choice.table
    for other in ("gompertz", "hawkes", "naive"):
        assert table.loc["bass", "mase"] < table.loc[other, "mase"]
    assert table.loc["bass", "rel_mae"] < 1  # against the naive (no season here)


def test_default_models_choose_the_true_family():
    # Bass increments are a multiple of the logistic's (SI's) and SIR nests SI, so these
    # four tie or win; Gompertz, Hawkes and the naive do not.
    choice = choose(_bass_trend(0), horizon=5, n_origins=3, n_paths=200)
    assert set(choice.table.index) == {
        "bass",
        "logistic",
        "gompertz",
        "si",
        "sir",
        "hawkes",
        "naive",
    }
    assert choice.model in ("bass", "logistic", "si", "sir")
    best = choice.table.loc[choice.model, "mase"]
    for other in ("gompertz", "hawkes", "naive"):
        assert best < choice.table.loc[other, "mase"]
    assert any("graph" in n for n in choice.notes)


def test_seasonal_naive_wins_on_a_pure_daily_cycle():
    idx = pd.date_range("2024-01-01", periods=24 * 8, freq="h")
    rng = np.random.default_rng(0)
    cycle = 50 + 40 * np.sin(2 * np.pi * np.arange(idx.size) / 24)
    tr = Trend.from_counts(pd.Series(rng.poisson(cycle), index=idx), kind="volume")
    choice = choose(tr, ["bass", "hawkes"], horizon=24, n_origins=2, n_paths=200)
    assert choice.period == 24
    assert choice.model == "seasonal_naive" and choice.fit is None
    assert choice.table.loc["seasonal_naive", "rel_mae"] == 1.0
    expected = naive_forecast(tr, 24, 0.9, period=24)
    pd.testing.assert_frame_equal(choice.forecast, expected)


def test_summary_and_plot():
    choice = choose(_bass_trend(1), ["bass"], horizon=5, n_origins=2, n_paths=100)
    text = choice.summary()
    assert "chosen: bass" in text and "naive" in text
    ax = choice.plot()
    assert ax.get_lines()


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("call", "pattern"),
    [
        (lambda: choose([], horizon=2), r"`trend` must be a series of counts.*empty"),
        (
            lambda: choose(np.arange(15), horizon=2),
            r"`n_origins` and `horizon` must leave at least 12 bins.*n_origins=3, horizon=2.*15 bins",
        ),
        (
            lambda: choose(np.arange(60), ["bass", "foo"], horizon=2),
            r"`models` must be one of.*'foo'",
        ),
        (lambda: choose(np.arange(60), "bass", horizon=2), r"`models` must be a list.*'bass'"),
        (lambda: choose(np.arange(60), horizon=2, score="aic"), r"`score` must be one of.*'aic'"),
        (lambda: choose(np.arange(60), horizon=0), r"`horizon` must be an integer >= 1; got 0"),
        (lambda: choose(np.arange(60), horizon=2, n_origins=0), r"`n_origins` must be.*>= 1"),
        (
            lambda: choose(np.arange(60), horizon=2, period=50),
            r"`period`.*at least 61 bins.*got 54",
        ),
        (lambda: choose(np.arange(60), horizon=2, level=1.5), r"`level` must lie in \(0, 1\)"),
    ],
)
def test_bad_input_raises_typed_errors(call, pattern):
    with pytest.raises(InvalidParameterError, match=pattern):
        call()


# ------------------------------------------------------------------ command line
def _csv(tmp_path, counts):
    path = tmp_path / "counts.csv"
    idx = pd.date_range("2024-01-01", periods=len(counts), freq="D")
    pd.DataFrame({"day": idx, "n": counts}).to_csv(path, index=False)
    return path


def test_cli_model_auto_prints_the_ranking_and_the_forecast(capsys, tmp_path):
    counts = _bass_trend(1).counts
    out = tmp_path / "choice.json"
    code = main(
        [
            "fit",
            str(_csv(tmp_path, counts)),
            "--model",
            "auto",
            "--forecast",
            "3",
            "--origins",
            "2",
            "--out",
            str(out),
        ]
    )
    text, err = capsys.readouterr()
    assert code == 0, err
    assert "model choice by mase over 2 origin(s)" in text
    for name in ("bass", "logistic", "gompertz", "si", "sir", "hawkes", "naive"):
        assert f"\n{name} " in text
    doc = json.loads(out.read_text())
    assert doc["chosen"] in [r["model"] for r in doc["ranking"]]
    assert f"chosen: {doc['chosen']}" in text
    assert len(doc["forecast"]) == 3
    ranks = [r["rank"] for r in doc["ranking"] if r["eligible"]]
    assert ranks == list(range(1, len(ranks) + 1))


def test_cli_model_auto_fails_when_no_model_fits(capsys, tmp_path):
    code = main(["fit", str(_csv(tmp_path, [0] * 30)), "--model", "auto", "--forecast", "3"])
    text, err = capsys.readouterr()
    assert code == 1
    assert "no model fitted the data" in err
    assert "chosen: naive" in text


def test_cli_model_auto_needs_a_horizon(capsys, tmp_path):
    code = main(["fit", str(_csv(tmp_path, _bass_trend(1).counts)), "--model", "auto"])
    _, err = capsys.readouterr()
    assert code == 2
    assert "`--model auto` needs `--forecast H`" in err


# ------------------------------------------------------------------ fit options
def _daily_cycle(days=8):
    idx = pd.date_range("2024-01-01", periods=24 * days, freq="h")
    cycle = 50 + 40 * np.sin(2 * np.pi * np.arange(idx.size) / 24)
    return Trend.from_counts(
        pd.Series(np.random.default_rng(1).poisson(cycle), index=idx), kind="volume"
    )


def test_fit_options_reach_every_named_model():
    """`fit_options` go to the curve models and to the periodic Hawkes alike (their
    fits on all the data and at each origin); without them each fitter's default."""
    tr = _daily_cycle()
    models = ["bass", "seasonal_hawkes"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        plain = choose(tr, models, horizon=24, n_origins=2, n_paths=100)
        pois = choose(
            tr, models, horizon=24, n_origins=2, n_paths=100, fit_options={"loss": "poisson"}
        )
    for name in models:
        assert plain.fits[name].loss_name == "negbin"
        assert pois.fits[name].loss_name == "poisson"
        assert pois.table.loc[name, "loss"] == "poisson"
    assert pois.fits["seasonal_hawkes"].params.keys() >= {"a1", "b1", "a2", "b2"}


def test_cli_model_auto_ranks_the_seasonal_hawkes_with_the_given_loss(capsys, tmp_path):
    tr = _daily_cycle()
    path = tmp_path / "hourly.csv"
    pd.DataFrame({"hour": tr.index, "n": tr.counts}).to_csv(path, index=False)
    out = tmp_path / "choice.json"
    code = main(
        [
            "fit",
            str(path),
            "--model",
            "auto",
            "--forecast",
            "24",
            "--origins",
            "2",
            "--loss",
            "poisson",
            "--out",
            str(out),
        ]
    )
    text, err = capsys.readouterr()
    assert code == 0, err
    rows = {r["model"]: r for r in json.loads(out.read_text())["ranking"]}
    assert "seasonal_hawkes" in rows and "seasonal_naive" in rows
    assert "weekly_hawkes" not in rows  # eight days: fewer than two weeks
    assert "no weekly_hawkes" in text
    assert all(
        r["loss"] == "poisson" for m, r in rows.items() if m not in ("naive", "seasonal_naive")
    )


@pytest.mark.parametrize(
    ("kwargs", "pattern"),
    [
        (
            {"fit_options": {"period": 24}},
            r"`fit_options` must be a dict of fitting options.*period",
        ),
        ({"fit_options": "poisson"}, r"`fit_options` must be a dict.*'poisson'"),
        (
            {"models": {"bass": fit_bass}, "fit_options": {"loss": "poisson"}},
            r"`fit_options` apply to the named models",
        ),
    ],
)
def test_bad_fit_options(kwargs, pattern):
    with pytest.raises(InvalidParameterError, match=pattern):
        choose(np.arange(60), horizon=2, **kwargs)
