"""`CTICEstimator`: continuous-time IC fitted to a binned trend (p and the delay scale).

On a star whose expected counts per bin are known in closed form (``N p (F(b + 1) -
F(b))`` with F the delay law's CDF), the fit recovers both parameters within 4 standard
errors of the Monte Carlo that matches them: 400 runs x 300 arcs give p's coins a
standard error of ``sqrt(p (1 - p) / 120,000)`` and the ~60,000 successful delays pin the
scale to about ``CV x scale / sqrt(60,000)`` (CV: the law's coefficient of variation).
"""

import math

import numpy as np
import pytest
from scipy import stats

import spread
from spread.exceptions import InvalidParameterError
from spread.fit import CTICEstimator

N_LEAVES = 300
RUNS = 400
STAR = spread.Graph.from_edges(np.zeros(N_LEAVES, int), np.arange(1, N_LEAVES + 1))


def star_counts(p, cdf, n_bins=14):
    edges = np.arange(n_bins + 1, dtype=float)
    counts = N_LEAVES * p * np.diff(cdf(edges))
    counts[0] += 1.0  # the seed, at time 0
    return counts


@pytest.mark.parametrize(
    ("delay", "law", "scale"),
    [
        ("exponential", stats.expon(scale=2.0), 2.0),
        (("weibull", 1.5), stats.weibull_min(1.5, scale=2.0), 2.0),
        (("lognormal", 0.8), stats.lognorm(0.8, scale=1.5), 1.5),
    ],
    ids=["exponential", "weibull", "lognormal"],
)
def test_recovers_p_and_the_delay_scale_on_a_star(delay, law, scale):
    p = 0.5
    est = CTICEstimator(delay, n_runs=RUNS, loss="poisson", ci_method=None, rng=1)
    est.fit(STAR, star_counts(p, law.cdf), seeds=[0])
    se_p = math.sqrt(p * (1 - p) / (N_LEAVES * RUNS))
    cv = law.std() / law.mean()
    se_scale = cv * scale / math.sqrt(N_LEAVES * RUNS * p)
    assert est.result_.success
    assert abs(est.params_["p"] - p) < 4 * se_p
    assert abs(est.params_["delay_scale"] - scale) < 4 * se_scale
    assert isinstance(est.model_, spread.CTIC)


def test_seeds_before_the_trend_and_a_forecast():
    """Seeds not counted: bin b holds the adoptions in (b, b + 1] only; the forecast
    continues the fitted curve."""
    law = stats.expon(scale=3.0)
    counts = star_counts(0.4, law.cdf, n_bins=10)
    counts[0] -= 1.0
    est = CTICEstimator(n_runs=RUNS, loss="poisson", ci_method=None, rng=2)
    est.fit(STAR, counts, seeds=[0], seeds_in_trend=False)
    assert abs(est.params_["p"] - 0.4) < 4 * math.sqrt(0.24 / (N_LEAVES * RUNS))
    # predictions past the data: the mean of RUNS runs of the fitted model, against the
    # closed form at the fitted parameters (a bin's count is Binomial(300, q_b))
    p_hat, scale_hat = est.params_["p"], est.params_["delay_scale"]
    q = p_hat * np.diff(stats.expon(scale=scale_hat).cdf(np.arange(16.0)))
    pred = est.predict(15)
    assert np.all(np.abs(pred - N_LEAVES * q) < 4 * np.sqrt(N_LEAVES * q * (1 - q) / RUNS))
    fc = est.forecast(5, n_paths=50)
    assert fc.index.tolist() == [10.0, 11.0, 12.0, 13.0, 14.0]
    assert (fc["lower"] <= fc["mean"]).all() and (fc["mean"] <= fc["upper"]).all()


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"delay": "pareto"}, "`delay`"),
        ({"delay": ("weibull",)}, "its scale is what is fitted"),
        ({"delay": ("exponential", 2.0)}, "its scale is what is fitted"),
        ({"delay": ("lognormal", -1.0)}, "delay sigma"),
        ({"scale_bounds": (0.0, 5.0)}, "`scale_bounds`"),
        ({"bounds": (0.5, 2.0)}, "`bounds`"),
    ],
)
def test_bad_settings_are_named(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        CTICEstimator(ci_method=None, **kwargs).fit(STAR, [1, 2, 3], seeds=[0])


def test_cascades_point_to_netrate():
    cs = spread.fit.simulate_cascades(STAR, spread.IC(p=0.5), 2, rng=0)
    with pytest.raises(InvalidParameterError, match="NetRateEstimator"):
        CTICEstimator().fit(STAR, cs)
