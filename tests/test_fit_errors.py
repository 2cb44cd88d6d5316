"""The AR(1) error model of forecasts (`FitResult.forecast(errors="ar1")`, issue 18).

Exact: the Kalman filter's likelihood and last state against the joint Gaussian law of
the log residuals written out as one covariance matrix. Coupled: the draws against the
same arithmetic on the same generator. Statistical: the multipliers' mean against the
closed form, the fitted parameters against the truth on a long simulated series.
"""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from spread.exceptions import InvalidParameterError
from spread.fit import (
    Trend,
    calibration,
    fit_hawkes,
    fit_logistic,
    rolling_origin,
    simulate_hawkes,
    simulate_trend,
)
from spread.fit._error_kernels import log_ar1_filter
from spread.fit._errors import (
    MIN_ERROR_BINS,
    REML_BINS,
    LogAR1,
    _ErrorProblem,
    fit_log_ar1,
    log_residuals,
    mean_basis,
)
from spread.fit._problem import Problem
from spread.fit.forecast import mase


def _joint(n, v, sigma2, phi, white):
    """Mean and covariance of the log residuals: AR(1) plus white noise."""
    lags = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))
    cov = sigma2 * phi**lags + np.diag(v + white)
    return np.full(n, -sigma2 / 2), cov


@pytest.mark.parametrize(
    ("sigma2", "phi", "white"), [(0.09, 0.7, 0.01), (0.2, -0.4, 0.0), (0.05, 0.0, 0.3)]
)
def test_filter_is_the_joint_gaussian(sigma2, phi, white):
    rng = np.random.default_rng(3)
    n = 12
    r = rng.normal(0.0, 0.4, n)
    v = rng.uniform(0.001, 0.2, n)
    mean, cov = _joint(n, v, sigma2, phi, white)
    loglik, last, last_var = log_ar1_filter(r, v, sigma2, phi, white)
    assert loglik == pytest.approx(stats.multivariate_normal(mean, cov).logpdf(r), rel=1e-10)
    # d[T] given r: the Gaussian conditional from the joint law of (d[T], r).
    lags = np.abs(n - 1 - np.arange(n))
    c = sigma2 * phi**lags  # Cov(d[T], r)
    gain = np.linalg.solve(cov, c)
    assert last == pytest.approx(-sigma2 / 2 + gain @ (r - mean), rel=1e-9, abs=1e-12)
    assert last_var == pytest.approx(sigma2 - gain @ c, rel=1e-9, abs=1e-12)


def test_restricted_likelihood_is_the_likelihood_of_the_contrasts():
    """REML up to a constant: the Gaussian likelihood of ``K' r`` for any basis ``K`` of
    the residuals the basis cannot reach; differences between parameters agree."""
    rng = np.random.default_rng(5)
    n = 15
    t = np.arange(n)
    # log mu is linear in t: the intercept's column and x[0]'s coincide.
    basis = mean_basis(lambda x, m: np.exp(x[0] + x[1] * np.arange(m) / m), [3.0, 1.0], n)
    r = rng.normal(0.0, 0.3, n)
    v = rng.uniform(0.01, 0.1, n)
    problem = _ErrorProblem(r, v, basis)
    contrasts = np.linalg.svd(np.eye(n) - basis @ basis.T)[0][:, : n - basis.shape[1]]
    assert np.allclose(contrasts.T @ basis, 0.0)

    def contrast_nll(x):
        sigma2, phi, white = _ErrorProblem.natural(x)
        _, cov = _joint(n, v, sigma2, phi, white)
        k_cov = contrasts.T @ cov @ contrasts
        return -stats.multivariate_normal(np.zeros(n - 2), k_cov).logpdf(contrasts.T @ r)

    points = [np.array([-2.0, 0.5, -4.0]), np.array([-3.0, -0.3, -2.0]), np.array([-1.5, 1.2, -9])]
    ours = [problem.nll(x) for x in points]
    theirs = [contrast_nll(x) for x in points]
    np.testing.assert_allclose(np.diff(ours), np.diff(theirs), rtol=1e-8)
    assert basis.shape == (n, 2)
    np.testing.assert_allclose(basis @ (basis.T @ t), t, atol=1e-9)  # x[1]'s column: t


def test_filter_rejects_a_nonpositive_variance():
    loglik, _, _ = log_ar1_filter(np.zeros(3), np.zeros(3), 0.0, 0.5, 0.0)
    assert loglik == -np.inf


def test_mean_factor_is_the_mean_of_the_multipliers():
    model = LogAR1(sigma=0.3, phi=0.8, white=0.0, last=-0.4, last_var=0.02, n_obs=30)
    paths = model.multipliers(200_000, 6, np.random.default_rng(0))
    se = paths.std(axis=0) / math.sqrt(paths.shape[0])
    assert np.all(np.abs(paths.mean(axis=0) - model.mean_factor(6)) < 4 * se)
    # Far ahead the multiplier forgets the last miss: its mean returns to 1.
    assert model.mean_factor(400)[-1] == pytest.approx(1.0, abs=1e-12)


def test_draws_are_poisson_about_base_times_the_multipliers():
    model = LogAR1(sigma=0.2, phi=0.5, white=0.04, last=0.1, last_var=0.01, n_obs=30)
    base = np.array([[10.0, 20.0, 30.0], [5.0, 0.0, 1e4]])
    got = model.draws(base, np.random.default_rng(7))
    rng = np.random.default_rng(7)
    d = 0.1 + 0.1 * rng.standard_normal(2)
    mult = np.empty((2, 3))
    for h in range(3):
        d = -0.02 + 0.5 * (d + 0.02) + 0.2 * math.sqrt(0.75) * rng.standard_normal(2)
        mult[:, h] = np.exp(d)
    lam = base * mult * rng.gamma(25.0, 0.04, size=(2, 3))
    np.testing.assert_array_equal(got, rng.poisson(lam))
    assert got[1, 1] == 0  # a zero mean stays zero


def test_no_misfit_means_plain_poisson():
    model = LogAR1(sigma=0.0, phi=0.0, white=0.0, last=0.0, last_var=0.0, n_obs=30)
    base = np.full((3, 4), 50.0)
    got = model.draws(base, np.random.default_rng(1))
    rng = np.random.default_rng(1)
    rng.standard_normal(3)
    for _ in range(4):
        rng.standard_normal(3)
    np.testing.assert_array_equal(got, rng.poisson(base))
    np.testing.assert_array_equal(model.mean_factor(4), np.ones(4))


def test_fit_recovers_a_persistent_misfit():
    """`REML_BINS` bins of mean 500 times exp(AR(1)) (phi 0.7, sigma 0.3) times gamma
    noise of variance 0.02, Poisson counts: each estimate within four standard errors
    of the truth (the inverse observed information of the restricted likelihood, in
    the fitted coordinates), and the last latent error within four of its stated."""
    n, phi, sigma, white = REML_BINS, 0.7, 0.3, 0.02
    rng = np.random.default_rng(11)
    d = np.empty(n)
    d[0] = -(sigma**2) / 2 + sigma * rng.standard_normal()
    for t in range(1, n):
        d[t] = -(sigma**2) / 2 + phi * (d[t - 1] + sigma**2 / 2)
        d[t] += sigma * math.sqrt(1 - phi**2) * rng.standard_normal()
    mu = np.full(n, 500.0)
    y = rng.poisson(mu * np.exp(d) * rng.gamma(1 / white, white, n))
    model = fit_log_ar1(y, mu)
    x_hat = np.array(
        [math.log(model.sigma**2), math.atanh(model.phi / 0.995), math.log(model.white)]
    )
    truth = np.array([math.log(sigma**2), math.atanh(phi / 0.995), math.log(white)])
    problem = _ErrorProblem(*log_residuals(y, mu), np.full((n, 1), 1 / math.sqrt(n)))
    se = np.sqrt(np.diag(np.linalg.inv(Problem.hessian(problem, x_hat))))
    assert np.all(np.abs(x_hat - truth) < 4 * se), (x_hat, truth, se)
    assert abs(model.last - d[-1]) < 4 * math.sqrt(model.last_var + white)


def test_moments_follow_the_ar1_recursion():
    """Mean and variance of ``d`` h bins ahead: the one-step recursion from the last
    bin's law, ``m + phi (a - m)`` and ``phi**2 P + sigma**2 (1 - phi**2)``."""
    model = LogAR1(sigma=0.4, phi=-0.6, white=0.0, last=0.3, last_var=0.05, n_obs=30)
    mean, var = model._moments(5)
    m, a, p = -0.08, 0.3, 0.05
    for h in range(5):
        a, p = m + -0.6 * (a - m), 0.36 * p + 0.16 * 0.64
        assert mean[h] == pytest.approx(a, abs=1e-14)
        assert var[h] == pytest.approx(p, abs=1e-14)
    np.testing.assert_allclose(model.mean_factor(5), np.exp(mean + var / 2))


def test_mean_basis_spans_the_jacobian():
    """For ``mu = exp(1 + sin(c t)) - 1/2`` the columns are the intercept and
    ``d log(mu) / dc = t cos(c t)`` (to the central difference's error), and
    not ``log mu`` itself; a parameter that does not move the mean adds nothing."""
    n, c = 40, 0.3
    t = np.arange(n, dtype=float)

    def predict(x, m):
        return np.exp(1 + np.sin(x[0] * np.arange(m)))

    basis = mean_basis(predict, [c, 7.0], n)
    assert basis.shape == (n, 2)
    np.testing.assert_allclose(basis.T @ basis, np.eye(2), atol=1e-12)
    for col in (np.ones(n), t * np.cos(c * t)):
        rest = col - basis @ (basis.T @ col)
        assert np.linalg.norm(rest) < 5e-4 * np.linalg.norm(col)  # measured 6e-5
    level = np.sin(c * t)
    assert np.linalg.norm(level - basis @ (basis.T @ level)) > 0.1 * np.linalg.norm(level)


def test_mean_basis_stays_inside_the_bounds():
    """At a bound the difference is one-sided (a network fit's ``p`` on 1 must not be
    evaluated past it: the model refuses a probability above 1), and it is the same
    derivative; a coordinate pinned by its bounds adds no column."""
    n = 30

    def predict(x, m):
        assert x[0] <= 0.0 and x[1] >= 1.0, x  # the bounds below
        return np.exp(2 + x[0] * np.arange(m) / m + x[1] * np.cos(np.arange(m)))

    x = np.array([0.0, 1.0, 5.0])
    bounds = [(-3.0, 0.0), (1.0, 4.0), (5.0, 5.0)]
    basis = mean_basis(predict, x, n, bounds)
    assert basis.shape == (n, 3)  # intercept, two slopes; the pinned one dropped
    for col in (np.ones(n), np.arange(n) / n, np.cos(np.arange(n))):
        rest = col - basis @ (basis.T @ col)
        assert np.linalg.norm(rest) < 1e-8 * np.linalg.norm(col)


def _ar1_counts(n, phi, sigma, mu, rng, white=0.0):
    """Counts about `mu` times exp(AR(1)) (times gamma noise of variance `white`)."""
    d = np.empty(n)
    d[0] = -(sigma**2) / 2 + sigma * rng.standard_normal()
    for t in range(1, n):
        d[t] = -(sigma**2) / 2 + phi * (d[t - 1] + sigma**2 / 2)
        d[t] += sigma * math.sqrt(1 - phi**2) * rng.standard_normal()
    noise = rng.gamma(1 / white, white, n) if white else 1.0
    return rng.poisson(mu * np.exp(d) * noise), d


def _same(a, b, fields):
    """Whether two fitted error models agree on `fields` (to the optimizer's precision)."""
    return all(getattr(a, f) == pytest.approx(getattr(b, f), rel=1e-6, abs=1e-9) for f in fields)


def test_restricted_likelihood_reads_the_last_bins():
    """A series longer than `REML_BINS`: the error model's parameters are those of its
    last `REML_BINS` bins; the filter reads them all (the last state differs)."""
    rng = np.random.default_rng(2)
    y, _ = _ar1_counts(REML_BINS + 80, 0.6, 0.3, 200.0, rng)
    mu = np.full(y.size, 200.0)
    whole, tail = fit_log_ar1(y, mu), fit_log_ar1(y[80:], mu[80:])
    assert _same(whole, tail, ("sigma", "phi", "white"))
    assert whole.n_obs == REML_BINS + 80
    r, v = log_residuals(y, mu)
    _, last, last_var = log_ar1_filter(r, v, whole.sigma**2, whole.phi, whole.white)
    assert (whole.last, whole.last_var) == pytest.approx((last, last_var), rel=1e-12)


def test_inflation_is_the_long_run_variance_ratio():
    rng = np.random.default_rng(4)
    y, _ = _ar1_counts(80, 0.8, 0.2, 200.0, rng, white=0.03)
    mu = np.full(80, 200.0)
    model = fit_log_ar1(y, mu)
    s2, phi = model.sigma**2, model.phi
    w = float(np.mean(log_residuals(y, mu)[1])) + model.white
    assert phi > 0.3 and model.white > 0.005
    assert model.inflation == pytest.approx((s2 * (1 + phi) / (1 - phi) + w) / (s2 + w))
    # Misses that alternate make a fit no less sure than it says: no deflation below 1.
    alternating = 200.0 * np.exp(0.3 * (-1.0) ** np.arange(80))
    assert fit_log_ar1(np.round(alternating), mu).inflation == 1.0


def test_a_basis_too_wide_for_the_bins_falls_back_to_the_intercept():
    """Ten bins and a basis of eight columns leave too few bins for three parameters:
    the restricted likelihood then projects out the intercept alone."""
    rng = np.random.default_rng(6)
    y, _ = _ar1_counts(MIN_ERROR_BINS, 0.5, 0.3, 100.0, rng)
    mu = np.full(MIN_ERROR_BINS, 100.0)
    wide = np.linalg.qr(rng.standard_normal((MIN_ERROR_BINS, 8)))[0]
    wide[:, 0] = 1 / math.sqrt(MIN_ERROR_BINS)
    wide = np.linalg.qr(wide)[0]
    fields = ("sigma", "phi", "white", "last", "last_var", "inflation")
    assert _same(fit_log_ar1(y, mu, wide), fit_log_ar1(y, mu), fields)
    seven = wide[:, :7]  # three bins left: kept
    assert not _same(fit_log_ar1(y, mu, seven), fit_log_ar1(y, mu), fields)


def test_log_residuals():
    """``log(y + 1/2) - log(mu)``, variance ``1 / mu``, means under 1/2 raised to it."""
    r, v = log_residuals([0, 9.5, 3], [0.5, 9.5, -1.0])
    np.testing.assert_allclose(r, [0.0, math.log(10 / 9.5), math.log(3.5 / 0.5)])
    np.testing.assert_allclose(v, [2.0, 1 / 9.5, 2.0])


def _swinging_fit():
    trend = simulate_trend("logistic", {"K": 5000, "r": 0.3, "tm": 15}, 40, rng=1)
    counts = trend.counts * (1 + 0.3 * np.sin(np.arange(40) / 3))
    return counts, fit_logistic(counts[:30])


def test_forecast_mean_and_band_follow_the_error_model():
    counts, res = _swinging_fit()
    model = res.error_model("ar1")
    fc = res.forecast(5, errors="ar1", n_paths=4000, rng=2)
    assert fc.attrs["error_model"] == model.to_dict()
    np.testing.assert_allclose(fc["mean"], res.predict(np.arange(30, 35)) * model.mean_factor(5))
    plain = res.forecast(5, n_paths=4000, rng=2)
    assert "error_model" not in plain.attrs
    # The swing runs the counts under the curve at the end: so does the forecast.
    assert model.last < 0 and model.phi > 0.5
    assert np.all(fc["mean"] < plain["mean"])
    assert np.all(fc["lower"] <= fc["mean"]) and np.all(fc["mean"] <= fc["upper"])
    # Its point forecast is the better one here.
    train = counts[:30]
    assert mase(counts[30:35], fc["mean"], train) < mase(counts[30:35], plain["mean"], train)


def test_error_model_is_fitted_once_per_estimate_and_counts(monkeypatch):
    """A second forecast reuses the fitted error model; other counts refit it."""
    from spread.fit import _result

    counts, res = _swinging_fit()
    calls = []
    real = _result.fit_log_ar1
    monkeypatch.setattr(_result, "fit_log_ar1", lambda *a: calls.append(1) or real(*a))
    first = res.error_model("ar1")
    a = res.forecast(3, errors="ar1", n_paths=50, rng=4)
    b = res.forecast(3, errors="ar1", n_paths=50, rng=4)
    assert res.error_model("ar1") is first and len(calls) == 1
    pd.testing.assert_frame_equal(a, b)
    other = counts[:30] * 1.5
    fit = res._fit
    monkeypatch.setattr(fit, "observed_counts", lambda: other)
    refit = res.error_model("ar1")
    assert len(calls) == 2 and refit != first


def test_rolling_origin_scores_the_error_models_forecast():
    counts, res = _swinging_fit()
    table = rolling_origin(counts, {"logistic": fit_logistic}, [30], 5, errors="ar1", n_paths=200)
    fc = res.forecast(5, errors="ar1")
    assert table["mase"].iloc[0] == pytest.approx(mase(counts[30:35], fc["mean"], counts[:30]))


def test_calibration_with_ar1_errors():
    """`calibration(errors="ar1")` scores the AR(1) law's draws; a baseline keeps its
    own past errors (the same PIT values either way)."""
    counts, _ = _swinging_fit()
    kw = {"horizon": 4, "n_origins": 2, "n_paths": 200, "levels": [0.9]}
    ar1 = calibration(counts, "logistic", errors="ar1", **kw)
    plain = calibration(counts, "logistic", **kw)
    assert len(ar1.pit) == len(plain.pit) == 8
    assert not np.allclose(ar1.pit["pit"], plain.pit["pit"])
    naive = [calibration(counts, "naive", errors=e, **kw).pit for e in ("ar1", "independent")]
    np.testing.assert_array_equal(naive[0]["pit"], naive[1]["pit"])


def test_bad_errors_name_the_parameter():
    _, res = _swinging_fit()
    with pytest.raises(InvalidParameterError, match="`errors` must be one of"):
        res.forecast(3, errors="ar2")
    with pytest.raises(InvalidParameterError, match="`errors` must be one of"):
        rolling_origin(np.arange(40) + 5, {"logistic": fit_logistic}, [30], 5, errors="white")


@pytest.mark.filterwarnings("ignore::spread.exceptions.IdentifiabilityWarning")
@pytest.mark.filterwarnings("ignore::spread.exceptions.ConvergenceWarning")
def test_hawkes_has_no_ar1_errors():
    events = simulate_hawkes(2.0, 0.5, 1.0, 40.0, rng=0)
    counts = np.histogram(events, np.arange(41))[0]
    for res in (
        fit_hawkes(events, end=40.0),
        fit_hawkes(Trend.from_counts(counts, kind="volume"), loss="poisson"),
    ):
        with pytest.raises(InvalidParameterError, match="needs a model without memory"):
            res.forecast(3, errors="ar1")


def test_too_few_bins_for_the_error_model():
    trend = simulate_trend("logistic", {"K": 500, "r": 0.5, "tm": 4}, MIN_ERROR_BINS - 1, rng=0)
    with pytest.raises(InvalidParameterError, match=f"at least {MIN_ERROR_BINS} observed bins"):
        fit_logistic(trend).forecast(3, errors="ar1")
