"""Known drivers of the Hawkes background (`HawkesEstimator(regressors=...)`,
`event_regressors`).

Exact: the event columns written out by hand (step, pulse, decay; datetime and numeric
bins); zero coefficients give the plain and the daily backgrounds bit for bit, and a
coefficient multiplies exactly the bins its column marks; a frame is aligned on the
trend's labels, so a window of the trend (`Trend.since`) fits as its slice of an array.
Statistical: hourly counts of a Hawkes process whose background doubles after a launch
and gets a decaying pulse (the thinning simulator of `test_fit_seasonal`, independent of
the library's) give unbiased coefficients and Wald intervals that cover them; a
forecast follows the regressors' future values. The same columns drive IC's
spontaneous adoption (`ICEstimator(external=True, regressors=...)`): the schedule is
the factor of each step's bin, a DMP curve gives its parameters back, and runs of the
model give an unbiased coefficient. Bad input is named.
"""

import math
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import spread
from spread import IC, Graph, InvalidParameterError
from spread.fit import HawkesEstimator, ICEstimator, Trend, dmp_ic, event_regressors, fit_hawkes
from spread.fit._counts import CountProblem
from spread.fit._hawkes_problems import _HawkesBinned
from spread.fit._seasonal import SeasonalHawkesBinned
from spread.fit.regressors import Regressors, as_regressors
from tests.test_fit_seasonal import simulate

START = pd.Timestamp("2024-03-01", tz="UTC")


def _hourly(counts, start=START):
    return Trend.from_counts(np.asarray(counts, dtype=float), freq="1h", start=start)


# ------------------------------------------------------------------ exact
def test_event_columns_written_out():
    trend = _hourly(np.ones(6))
    at = {"launch": START + pd.Timedelta("2h30min")}  # inside bin 2
    step = event_regressors(trend, at, horizon=2)
    assert step.index.equals(trend.bin_labels(np.arange(8)))
    assert step["launch"].tolist() == [0, 0, 1, 1, 1, 1, 1, 1]
    pulse = event_regressors(trend, at, shape="pulse")
    assert pulse["launch"].tolist() == [0, 0, 1, 0, 0, 0]
    decay = event_regressors(trend, at, shape="decay", half_life=2.0, horizon=1)
    assert decay["launch"].tolist() == [0, 0, 1, 2**-0.5, 0.5, 2**-1.5, 0.25]
    # Two events, numeric bins of width 0.5 from 10: 11.2 is in bin 2, 10.0 in bin 0.
    num = Trend.from_counts(np.ones(4), freq=0.5, start=10.0)
    both = event_regressors(num, {"a": 11.2, "b": 10.0})
    assert both.columns.tolist() == ["a", "b"]
    assert both["a"].tolist() == [0, 0, 1, 1]
    assert both["b"].tolist() == [1, 1, 1, 1]
    # A time at the edge of a bin opens that bin.
    assert event_regressors(num, {"a": 11.0}, shape="pulse")["a"].tolist() == [0, 0, 1, 0]


def _regs(values, n_obs):
    values = np.asarray(values, dtype=float)
    values = values[:, None] if values.ndim == 1 else values
    names = [f"x{j + 1}" for j in range(values.shape[1])]
    return Regressors(names, values, n_obs)


def test_zero_coefficients_give_the_backgrounds_bit_for_bit():
    rng = np.random.default_rng(0)
    y = rng.poisson(5.0, 120).astype(float)
    x = rng.normal(size=(150, 2))
    theta = {"mu": 2.5, "alpha": 0.4, "beta": 0.7}
    zeros = {"x1": 0.0, "x2": 0.0}
    plain = _HawkesBinned().with_regressors(_regs(x, 120))
    daily = {"a1": 0.3, "b1": -0.2}
    seasonal = SeasonalHawkesBinned(24.0, 1, 5.0).with_regressors(_regs(x, 120))
    for n_total in (120, 150):
        assert np.array_equal(
            plain.mean({**theta, **zeros}, n_total, y), _HawkesBinned().mean(theta, n_total, y)
        )
        assert np.array_equal(
            seasonal.mean({**theta, **daily, **zeros}, n_total, y),
            SeasonalHawkesBinned(24.0, 1, 5.0).mean({**theta, **daily}, n_total, y),
        )
    assert plain.names == ("mu", "alpha", "beta", "x1", "x2")
    assert seasonal.names == ("mu", "alpha", "beta", "a1", "b1", "x1", "x2")


def test_a_coefficient_scales_exactly_the_bins_its_column_marks():
    x = np.zeros(50)
    x[[3, 10, 11, 40]] = [1.0, 2.0, -1.0, 0.5]
    spec = _HawkesBinned().with_regressors(_regs(x, 50))
    theta = {"mu": 2.0, "alpha": 0.3, "beta": 1.2, "x1": 0.7}
    bg = spec.background(theta, 50)
    np.testing.assert_allclose(bg, 2.0 * np.exp(0.7 * x), rtol=1e-15)
    # The background enters the recursion as mu does: E[y_t] = (bg_t + c S_t) / (1 - alpha w0).
    y = np.random.default_rng(1).poisson(4.0, 50).astype(float)
    e, c, denom = _HawkesBinned._coefs(0.3, 1.2)
    s, want = 0.0, []
    for t in range(50):
        want.append((bg[t] + c * s) / denom)
        s = e * s + y[t]
    np.testing.assert_allclose(spec.mean(theta, 50, y), want, rtol=1e-12)


def test_a_frame_is_aligned_on_the_trend_labels():
    """The frame covers more than the trend, from before it: fitting the trend's last
    150 hours with the whole frame is fitting them with the matching slice of its
    values; a trend with the frame's own start and the values as an array gives the
    same fit too."""
    rng = np.random.default_rng(2)
    counts = rng.poisson(np.where(np.arange(200) >= 120, 30.0, 15.0))
    full = _hourly(counts)
    frame = event_regressors(full, {"launch": START + pd.Timedelta("120h")}, horizon=10)
    part = full.since(START + pd.Timedelta("50h"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        by_frame = fit_hawkes(part, regressors=frame, loss="poisson")
        by_array = fit_hawkes(part, regressors=frame["launch"].to_numpy()[50:], loss="poisson")
    assert by_frame.params["launch"] == pytest.approx(by_array.params["x1"], rel=1e-9)
    assert by_frame.params["mu"] == pytest.approx(by_array.params["mu"], rel=1e-9)
    assert by_frame.loglik == pytest.approx(by_array.loglik, rel=1e-12)


# --------------------------------------------------------------- recovery
TRUTH = {"mu": 4.0, "alpha": 0.35, "beta": 0.8}
LAUNCH, PULSE = 0.7, 1.5  # step after hour 150; a pulse halving every 6 hours from 220
N_HOURS = 400


def _columns():
    t = np.arange(N_HOURS + 48, dtype=float)
    step = (t >= 150).astype(float)
    pulse = np.where(t >= 220, 2.0 ** (-(t - 220) / 6.0), 0.0)
    return step, pulse


def _counts(seed):
    step, pulse = _columns()

    def shape(t):
        i = int(t)
        return math.exp(LAUNCH * step[i] + PULSE * pulse[i])

    # The thinning bound is shape's maximum over the first 2000 points of [0, period):
    # with period = N_HOURS it sees every hour.
    times = simulate(
        *TRUTH.values(),
        None,
        float(N_HOURS),
        float(N_HOURS),
        np.random.default_rng(seed),
        shape=shape,
    )
    return Trend.from_timestamps(times, freq=1.0, start=0.0, end=float(N_HOURS))


def _fit(trend):
    step, pulse = _columns()
    x = pd.DataFrame(
        {"launch": step, "pulse": pulse}, index=trend.bin_labels(np.arange(step.size))
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return HawkesEstimator(regressors=x, loss="poisson").fit(trend).result_


def test_effects_recovered_and_covered():
    """Ten replicates: each coefficient's mean estimate is within 4 standard errors of
    the truth (the replicates' own spread), and the 95% Wald intervals cover it in at
    least the count a binomial(10, 0.95) reaches with probability 0.999."""
    fits = [_fit(_counts(seed)) for seed in range(10)]
    assert all(r.success for r in fits)
    floor = int(stats.binom.ppf(0.001, len(fits), 0.95))
    for name, v in (("launch", LAUNCH), ("pulse", PULSE)):
        est = np.array([r.params[name] for r in fits])
        se = est.std(ddof=1) / math.sqrt(est.size)
        assert abs(est.mean() - v) < 4 * se, (name, v, est)
        hits = sum(r.conf_int()[name][0] < v < r.conf_int()[name][1] for r in fits)
        assert hits >= floor, (name, hits)


def test_forecast_follows_the_future_regressors():
    """The forecast's mean is the recursion with the regressors' future values; the
    same fit forecast with the launch undone (its future values set to 0) is lower by
    the fitted factor in the background; without future rows a forecast is refused."""
    trend = _counts(3)
    res = _fit(trend)
    n = trend.n_bins
    mean = res.predict(np.arange(n, n + 48))
    step, pulse = _columns()
    spec = _HawkesBinned().with_regressors(
        Regressors(("launch", "pulse"), np.column_stack([step, pulse]), n)
    )
    theta = {k: res.params[k] for k in spec.names}
    np.testing.assert_allclose(mean, spec.mean(theta, n + 48, trend.counts)[n:], rtol=1e-9)
    undone = np.column_stack([step, pulse])
    undone[n:, 0] = 0.0
    spec_off = _HawkesBinned().with_regressors(Regressors(("launch", "pulse"), undone, n))
    off = spec_off.mean(theta, n + 48, trend.counts)[n:]
    assert np.all(off < mean)
    long_run = theta["mu"] / (1 - theta["alpha"])
    assert off[-1] == pytest.approx(long_run, rel=0.05)
    assert mean[-1] == pytest.approx(long_run * math.exp(theta["launch"]), rel=0.05)
    short = _hourly(trend.counts)
    x = event_regressors(short, {"launch": START + pd.Timedelta("150h")})
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = HawkesEstimator(regressors=x, loss="poisson").fit(short).result_
    with pytest.raises(InvalidParameterError, match="`regressors` must cover every bin"):
        fitted.forecast(24)


# -------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"shape": "ramp"}, "`shape` must be one of"),
        ({"shape": "decay"}, "`half_life` gives the decay"),
        ({"half_life": 2.0}, "`half_life` gives the decay"),
        ({"shape": "decay", "half_life": 0.0}, "`half_life`"),
        ({"horizon": -1}, "`horizon` must be a whole number"),
        ({"horizon": 1.5}, "`horizon` must be a whole number"),
        ({"events": {}}, "`events` must be a non-empty dict"),
        ({"events": ["2024-03-01"]}, "`events` must be a non-empty dict"),
        ({"events": {"not a name": START}}, "identifiers"),
        ({"events": {"late": START + pd.Timedelta("9h")}}, r"`events\['late'\]` must fall"),
        ({"events": {"early": START - pd.Timedelta("1h")}}, r"`events\['early'\]` must fall"),
        ({"events": {"late": START + pd.Timedelta("9h")}, "horizon": 4}, None),
    ],
)
def test_bad_events_are_named(kwargs, match):
    trend = _hourly(np.ones(6))
    kwargs = {"events": {"launch": START}, **kwargs}
    events = kwargs.pop("events")
    if match is None:  # the horizon covers it
        assert event_regressors(trend, events, **kwargs).shape == (10, 1)
        return
    with pytest.raises(InvalidParameterError, match=match):
        event_regressors(trend, events, **kwargs)


def test_numeric_event_times_outside_or_not_numbers_are_named():
    num = Trend.from_counts(np.ones(4), freq=1.0, start=0.0)
    for bad in (9.0, -0.5, "soon", math.nan):
        with pytest.raises(InvalidParameterError, match=r"`events\['a'\]` must fall"):
            event_regressors(num, {"a": bad})


def _bad_frames(trend):
    labels = trend.bin_labels(np.arange(trend.n_bins + 2))
    ok = pd.DataFrame({"x": np.arange(labels.size, dtype=float)}, index=labels)
    other = ok.set_axis(
        labels.tz_localize("UTC") if labels.tz is None else labels.tz_localize(None)
    )
    return [
        (ok.iloc[1:], "none for its first"),
        (ok.drop(labels[3]), "must run bin by bin"),
        (pd.concat([ok, ok.iloc[:1]]), "repeats labels"),
        (ok.iloc[:-5], "must cover the trend's 10 bins"),
        (ok.assign(x=np.where(np.arange(12) == 4, np.nan, 1.0 * np.arange(12))), "must be finite"),
        (ok.assign(x=1.0), "cannot be told from the background's level"),
        (ok.rename(columns={"x": "mu"}), "already a parameter"),
        (ok.rename(columns={"x": "a b"}), "identifiers"),
        (other, "time zone"),
        (np.ones((10, 2, 2)), "one or two dimensional"),
        (np.ones((10, 0)), "at least one column"),
        (np.arange(8.0), "must cover the trend's 10 bins"),
    ]


def test_bad_regressors_are_named():
    trend = _hourly(np.arange(10) + 1.0)
    for bad, match in _bad_frames(trend):
        with pytest.raises(InvalidParameterError, match=match):
            as_regressors(bad, trend, ("mu", "alpha", "beta"))
    with pytest.raises(InvalidParameterError, match="not event times"):
        HawkesEstimator(regressors=np.ones(3)).fit([0.5, 1.0, 2.0])


def test_a_series_is_one_column_named_after_it():
    trend = _hourly(np.arange(10) + 1.0)
    s = pd.Series(np.arange(10.0), index=trend.index, name="tv")
    assert as_regressors(s, trend).names == ("tv",)
    assert as_regressors(s.rename(None), trend).names == ("x1",)
    spec = CountProblem(
        _HawkesBinned().with_regressors(as_regressors(s, trend)), trend, "poisson", {}
    )
    assert spec.names == ("mu", "alpha", "beta", "tv")


# ------------------------------------------- IC's spontaneous adoption
@pytest.fixture(scope="module")
def ba2000():
    return Graph.from_networkx(nx.barabasi_albert_graph(2000, 2, seed=1))


IC_TRUTH = {"p": 0.05, "external": 0.002, "news": 1.8}


def _news(n_bins, at=6, half_life=8.0):
    """A decaying pulse from bin `at`: the news that drives spontaneous adoption."""
    t = np.arange(n_bins, dtype=float)
    return np.where(t >= at, 2.0 ** (-(t - at) / half_life), 0.0)


def test_ic_schedule_is_the_factor_of_each_steps_bin(ba2000):
    """Two steps per bin, seeds before the trend: steps 1-2 lie in bin 0, 3-4 in bin 1,
    ...; the fitted model's schedule is ``external exp(gamma x(bin))`` step by step,
    times the daily factor at each step's middle when there is a period too."""
    n_bins, spb = 30, 2
    x = _news(n_bins)
    idx = pd.date_range("2024-03-01 05:00", periods=n_bins, freq="h")
    y = pd.Series(np.full(n_bins, 3.0), index=idx)
    frame = pd.DataFrame({"news": x}, index=idx)
    kw = {"external": True, "loss": "poisson", "ci_method": None}
    warnings.simplefilter("ignore")  # flat counts: `p` on its bound (pytest restores filters)
    est = ICEstimator("dmp", regressors=frame, **kw).fit(
        ba2000, y, seeds=[0], steps_per_bin=spb, seeds_in_trend=False
    )
    steps = np.arange(1, n_bins * spb + 1)
    bins = (steps - 1) // spb
    want = est.external_ * np.exp(est.params_["news"] * x[bins])
    np.testing.assert_allclose(est.model_.external, np.minimum(want, 1.0), rtol=1e-12)
    both = ICEstimator("dmp", regressors=frame, period=24, **kw).fit(
        ba2000, y, seeds=[0], steps_per_bin=spb, seeds_in_trend=False
    )
    assert tuple(both.params_) == ("p", "external", "a1", "b1", "news")
    w = 2 * np.pi * (5 + (steps - 1 + 0.5) / spb) / 24
    daily = np.exp(both.params_["a1"] * np.cos(w) + both.params_["b1"] * np.sin(w))
    want = both.external_ * daily * np.exp(both.params_["news"] * x[bins])
    np.testing.assert_allclose(both.model_.external, np.minimum(want, 1.0), rtol=1e-12)


def test_ic_news_recovered_from_its_own_dmp_curve(ba2000):
    """Fitted to the exact DMP curve of spontaneous adoption driven by a decaying
    pulse, the DMP fit returns ``p``, ``external`` and the pulse's coefficient."""
    n_bins, seeds = 48, [0, 1, 2]
    x = _news(n_bins)
    sched = IC_TRUTH["external"] * np.exp(IC_TRUTH["news"] * x[1:])  # step s in bin s
    new, _ = dmp_ic(ba2000, seeds, IC_TRUTH["p"], max_steps=n_bins - 1, external=sched)
    est = ICEstimator(
        "dmp", loss="poisson", external=True, regressors=x.reshape(-1, 1), ci_method=None
    )
    est.fit(ba2000, new, seeds=seeds)
    assert est.result_.success
    got = {"p": est.params_["p"], "external": est.external_, "news": est.params_["x1"]}
    assert got == pytest.approx(IC_TRUTH, rel=0.02)


def test_ic_news_from_simulated_runs(ba2000):
    """Statistical: over 10 runs of the model (Poisson loss: the counts are runs), the
    mean DMP estimate of the pulse's coefficient is within 4 standard errors of the
    truth, and a fit without the pulse has a larger loss on every run. A forecast
    needs the pulse's future values."""
    n_bins, seeds, n_rep = 48, [0, 1, 2], 10
    x = _news(n_bins + 12)
    sched = IC_TRUTH["external"] * np.exp(IC_TRUTH["news"] * x[1:n_bins])
    model = IC(p=IC_TRUTH["p"], external=sched)
    runs = spread.simulate(ba2000, seeds, model, n_runs=n_rep, max_steps=n_bins - 1, rng=7)
    kw = {"loss": "poisson", "external": True, "ci_method": None}
    est = []
    for r in range(n_rep):
        y = np.zeros(n_bins)
        y[: runs.new_per_step.shape[1]] = runs.new_per_step[r]
        fit = ICEstimator("dmp", regressors=x, **kw).fit(ba2000, y, seeds=seeds)
        flat = ICEstimator("dmp", **kw).fit(ba2000, y, seeds=seeds)
        assert fit.result_.loss < flat.result_.loss
        est.append(fit.params_["x1"])
    est = np.array(est)
    assert abs(est.mean() - IC_TRUTH["news"]) < 4 * est.std(ddof=1) / np.sqrt(n_rep)
    assert fit.result_.forecast(12, n_paths=20, rng=0).shape[0] == 12
    # After an in-sample prediction too: the runs are extended only as far as asked
    # (the regressors cover 12 bins past the data, not twice the window).
    fit.result_.predict()
    assert fit.result_.forecast(12, n_paths=20, rng=0, errors="ar1").shape[0] == 12
    short = ICEstimator("dmp", regressors=x[:n_bins], **kw).fit(ba2000, y, seeds=seeds)
    with pytest.raises(InvalidParameterError, match="`regressors` must cover every bin"):
        short.result_.forecast(12, n_paths=20, rng=0)


def test_ic_regressors_need_external(ba2000):
    with pytest.raises(InvalidParameterError, match="need `external=True`"):
        ICEstimator(regressors=np.arange(3.0)).fit(ba2000, [5, 3, 2], seeds=[0])
    with pytest.raises(InvalidParameterError, match="already a parameter"):
        ICEstimator(external=True, regressors=pd.Series(np.arange(3.0), name="p")).fit(
            ba2000, pd.Series([5.0, 3, 2]), seeds=[0]
        )


# ------------------------------------------------------------ model choice
def _pulse_trend():
    """200 hours of a Hawkes process whose background gets a pulse at hour 170 that
    halves every 6 hours; the pulse's column, 12 hours past the data."""
    t = np.arange(212, dtype=float)
    pulse = np.where(t >= 170, 2.0 ** (-(t - 170) / 6.0), 0.0)
    times = simulate(
        4.0, 0.3, 1.0, None, 211.0, 200.0, np.random.default_rng(5),
        shape=lambda s: math.exp(2.0 * pulse[int(s)]),
    )  # fmt: skip
    trend = Trend.from_timestamps(times, freq=1.0, start=0.0, end=200.0)
    return trend, pd.DataFrame({"pulse": pulse}, index=trend.bin_labels(np.arange(212)))


def test_choose_ranks_each_hawkes_beside_its_twin_with_the_regressors():
    """The twin whose background the known pulse scales forecasts the pulse's decay and
    ranks first; the plain Hawkes is ranked too (does the event earn its keep?)."""
    from spread.fit import choose

    trend, x = _pulse_trend()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        choice = choose(trend, ["hawkes"], horizon=12, n_origins=2, n_paths=200, regressors=x)
    assert {"hawkes", "hawkes_regressors", "naive"} <= set(choice.table.index)
    assert choice.model == "hawkes_regressors"
    table = choice.table
    assert table.loc["hawkes_regressors", "mase"] < table.loc["hawkes", "mase"]
    assert "pulse" in choice.fit.params
    assert any("hawkes_regressors" in note for note in choice.notes)
    assert choice.forecast.shape[0] == 12


def test_choose_checks_its_regressors():
    from spread.fit import choose

    trend, x = _pulse_trend()
    with pytest.raises(InvalidParameterError, match="must cover the trend and the 12 bins"):
        choose(trend, ["hawkes"], horizon=12, n_origins=2, regressors=x.iloc[:205])
    with pytest.raises(InvalidParameterError, match="names none of them"):
        choose(trend, ["bass"], horizon=12, n_origins=2, regressors=x)
    with pytest.raises(InvalidParameterError, match="take their own"):
        choose(trend, {"h": fit_hawkes}, horizon=12, n_origins=2, regressors=x)
