"""`profile_half_life`: the half-life of a known event's decaying pulse, fitted.

Exact: the chosen fit is the direct fit at its half-life, the table's deviances are
its losses', the interval's ends are where the root deviance crosses the chi-square
threshold (exact on a quadratic profile), a non-likelihood loss gives no interval, and
an IC fit on its own DMP curve picks the true half-life. Statistical: over ten
Hawkes series with a pulse halving every 8 hours, the estimates' mean is within 4
standard errors of 8 and the 95% intervals cover it at least as often as a binomial(10,
0.95) does with probability 0.999. Bad input is named; when no fit converges the profile
says so and returns the failed fit of lowest loss.
"""

import dataclasses
import math

import matplotlib
import numpy as np
import pytest
from scipy import stats

from spread import InvalidParameterError
from spread.fit import (
    HalfLifeProfile,
    ICEstimator,
    Trend,
    dmp_ic,
    event_regressors,
    fit_hawkes,
    profile_half_life,
)
from spread.fit.half_life import _crossing
from tests.test_fit_seasonal import simulate

matplotlib.use("Agg")

HALF_LIFE, EFFECT, AT = 8.0, 2.0, 60
TRUTH = {"mu": 4.0, "alpha": 0.35, "beta": 0.8}


def _trend(seed, n_bins=200):
    """Hawkes arrivals (Ogata's thinning) whose background is multiplied by
    ``exp(EFFECT x(t))``, x a pulse from hour AT halving every HALF_LIFE hours."""
    t = np.arange(n_bins + 1)  # the thinning bound looks at the horizon itself
    pulse = np.where(t >= AT, 2.0 ** (-(t - AT) / HALF_LIFE), 0.0)

    def shape(u):
        return math.exp(EFFECT * pulse[int(u)])

    rng = np.random.default_rng(seed)
    times = simulate(*TRUTH.values(), None, float(n_bins), float(n_bins), rng, shape=shape)
    return Trend.from_timestamps(times, freq=1.0, start=0.0, end=float(n_bins))


def _poisson(trend):
    return lambda x: fit_hawkes(trend, regressors=x, loss="poisson")


# ------------------------------------------------------------------ exact
def test_the_chosen_fit_is_the_direct_fit_at_its_half_life():
    trend = _trend(0)
    prof = profile_half_life(trend, {"launch": AT}, _poisson(trend), half_lives=[2, 8, 32])
    assert isinstance(prof, HalfLifeProfile)
    direct = fit_hawkes(
        trend,
        regressors=event_regressors(
            trend, {"launch": AT}, shape="decay", half_life=prof.half_life
        ),
        loss="poisson",
    )
    assert prof.result.loss == direct.loss
    assert prof.result.params == direct.params
    table = prof.to_frame()
    assert table["half_life"].is_monotonic_increasing
    assert set(table.loc[~table["refined"], "half_life"]) == {2.0, 8.0, 32.0}
    assert table["refined"].sum() >= 1  # the best grid point was inside: refined
    best = table["loss"].min()
    np.testing.assert_array_equal(table["deviance"], 2 * (table["loss"] - best))
    assert prof.half_life == table.loc[table["loss"].idxmin(), "half_life"]
    assert prof.level == 0.95
    low, high = prof.half_life_ci
    assert low < prof.half_life < high
    crit = stats.chi2.ppf(0.95, 1)
    inside = table.loc[table["deviance"] <= crit, "half_life"]
    assert low <= inside.min() and inside.max() <= high
    outside = table.loc[table["deviance"] > crit, "half_life"]
    assert not ((outside > low) & (outside < high)).any()


def test_crossings_are_exact_on_a_quadratic_profile():
    """Deviance c (log h - log h0)^2: the ends are h0 exp(± sqrt(crit / c)), wherever
    the grid points lie."""
    h0, c, crit = 7.0, 3.0, stats.chi2.ppf(0.9, 1)
    hs = np.array([0.5, 2.0, 5.0, 7.0, 8.0, 30.0, 100.0])
    dev = c * (np.log(hs) - math.log(h0)) ** 2
    best = 3
    half = math.sqrt(crit / c)
    assert _crossing(hs, dev, best, -1, crit) == pytest.approx(h0 * math.exp(-half), rel=1e-12)
    assert _crossing(hs, dev, best, 1, crit) == pytest.approx(h0 * math.exp(half), rel=1e-12)
    # a threshold of 0 (a level near 0) crosses at the best itself, to the last bit
    assert _crossing(hs, dev, best, -1, 0.0) == 7.0 == _crossing(hs, dev, best, 1, 0.0)
    flat = np.zeros_like(hs)  # never crosses: the grid's ends
    assert _crossing(hs, flat, best, -1, crit) == 0.5
    assert _crossing(hs, flat, best, 1, crit) == 100.0


def test_a_best_at_the_grid_end_is_not_refined_and_says_so():
    trend = _trend(1)
    prof = profile_half_life(trend, {"launch": AT}, _poisson(trend), half_lives=[0.5, 1, 2])
    assert prof.half_life == 2.0
    assert not prof.table["refined"].any()
    assert prof.half_life_ci.high == 2.0
    assert "reaches the longest half-life" in prof.message


def test_no_interval_without_a_likelihood():
    trend = _trend(2)

    def not_a_likelihood(x):
        return dataclasses.replace(_poisson(trend)(x), loglik=math.nan)

    prof = profile_half_life(trend, {"launch": AT}, not_a_likelihood, half_lives=[4, 8, 16])
    assert all(math.isnan(v) for v in prof.half_life_ci)
    assert "not a likelihood" in prof.message
    assert 4 < prof.half_life < 16


def test_failed_fits_are_listed_and_never_chosen():
    trend = _trend(3)
    fit = _poisson(trend)

    def fails_at_eight(x):
        res = fit(x)
        if x["launch"].iloc[AT + 8] == 0.5:  # half-life 8
            return dataclasses.replace(res, success=False, status=4)
        return res

    prof = profile_half_life(
        trend, {"launch": AT}, fails_at_eight, half_lives=[4, 8, 16], refine=False
    )
    row = prof.table.set_index("half_life").loc[8.0]
    assert not row["success"] and row["deviance"] == math.inf
    assert prof.half_life in (4.0, 16.0)
    assert "2 of 3 fits succeeded" in prof.message


def test_an_ic_fit_on_its_own_curve_picks_the_true_half_life():
    """The DMP curve of spontaneous adoption driven by a pulse halving every 8 bins:
    the DMP fit is exact at 8 (loss at its floor), and worse at 4 and 16."""
    import networkx as nx

    from spread import Graph

    graph = Graph.from_networkx(nx.barabasi_albert_graph(1000, 2, seed=1))
    n_bins, seeds = 48, [0, 1, 2]
    t = np.arange(n_bins, dtype=float)
    x = np.where(t >= 6, 2.0 ** (-(t - 6) / 8.0), 0.0)
    sched = 0.002 * np.exp(1.8 * x[1:])
    new, _ = dmp_ic(graph, seeds, 0.05, max_steps=n_bins - 1, external=sched)
    trend = Trend.from_counts(new, freq=1.0, start=0.0)

    def ic(cols):
        est = ICEstimator("dmp", loss="poisson", external=True, regressors=cols)
        return est.fit(graph, trend, seeds=seeds)

    prof = profile_half_life(trend, {"news": 6}, ic, half_lives=[4, 8, 16], refine=False)
    assert prof.half_life == 8.0
    assert prof.result.params["news"] == pytest.approx(1.8, rel=0.02)
    assert prof.result.params["p"] == pytest.approx(0.05, rel=0.02)


def test_the_plot_draws_the_profile_and_its_threshold():
    trend = _trend(4)
    prof = profile_half_life(trend, {"launch": AT}, _poisson(trend), half_lives=[2, 8, 32])
    ax = prof.plot()
    assert ax.get_xscale() == "log"
    (line,) = [ln for ln in ax.get_lines() if ln.get_label() == "fits"]
    np.testing.assert_array_equal(line.get_xdata(), prof.table["half_life"])
    level = [ln for ln in ax.get_lines() if ln.get_label() == "95% threshold"]
    assert level[0].get_ydata()[0] == pytest.approx(stats.chi2.ppf(0.95, 1))


# ------------------------------------------------------------ statistical
@pytest.mark.slow
def test_half_life_recovered_and_covered():
    fits = [profile_half_life(_trend(seed), {"launch": AT}, progress=False) for seed in range(10)]
    est = np.array([p.half_life for p in fits])
    se = est.std(ddof=1) / math.sqrt(est.size)
    assert abs(est.mean() - HALF_LIFE) < 4 * se, est
    hits = sum(p.half_life_ci.low < HALF_LIFE < p.half_life_ci.high for p in fits)
    assert hits >= stats.binom.ppf(0.001, len(fits), 0.95), [p.half_life_ci for p in fits]


# ------------------------------------------------------------------ input
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"half_lives": [4]}, "at least two distinct"),
        ({"half_lives": [4, 4]}, "at least two distinct"),
        ({"half_lives": [0, 4]}, "at least two distinct"),
        ({"half_lives": [-1, 4]}, "at least two distinct"),
        ({"half_lives": [4, math.nan]}, "at least two distinct"),
        ({"half_lives": [4, math.inf]}, "at least two distinct"),
        ({"half_lives": "abc"}, "at least two distinct"),
        ({"model": "bass"}, "'hawkes' or a callable"),
        ({"model": 3}, "'hawkes' or a callable"),
        ({"model": lambda x: 3.0}, "must return a FitResult"),
        ({"level": 1.5}, "level"),
        ({"refine": "yes"}, "refine"),
    ],
)
def test_bad_input_is_named(kwargs, match):
    trend = _trend(5, n_bins=80)
    with pytest.raises(InvalidParameterError, match=match):
        profile_half_life(trend, {"launch": AT}, **kwargs)


def test_bad_events_are_named_as_event_regressors_names_them():
    trend = _trend(5, n_bins=80)
    with pytest.raises(InvalidParameterError, match="must fall in the bins covered"):
        profile_half_life(trend, {"launch": 500}, half_lives=[1, 2])
    with pytest.raises(InvalidParameterError, match="identifiers"):
        profile_half_life(trend, {"a b": 5}, half_lives=[1, 2])


def test_when_no_fit_succeeds_the_lowest_failed_one_is_returned_and_said():
    trend = _trend(6, n_bins=80)
    fit = _poisson(trend)

    def never(x):
        return dataclasses.replace(fit(x), success=False, status=4, message="it failed")

    prof = profile_half_life(trend, {"launch": AT}, never, half_lives=[1, 2, 4])
    table = prof.table
    assert not table["success"].any() and not table["refined"].any()
    assert prof.half_life == table.loc[table["loss"].idxmin(), "half_life"]
    assert prof.result.loss == table["loss"].min() and not prof.result.success
    assert all(math.isnan(v) for v in prof.half_life_ci)
    assert "No fit succeeded at any of the 3 half-lives" in prof.message
    assert "it failed" in prof.message
