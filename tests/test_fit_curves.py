"""Curve models: parameter recovery, exact limits, invariances, failure modes, the FitResult API.

Recovery tolerances are about twice the medians measured on these seeds (FITTING.md §4.1):
Bass m/p/q 0.7/1.5/0.8%, logistic K/r 0.6/0.7%, Gompertz K/c 0.6/0.4%, SIR (known N)
beta/gamma 1.2/2.7%, SIR (N fitted) N/beta/gamma 2.0/3.0/8.3%.
"""

import dataclasses
import json
import math
import warnings

import matplotlib
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from spread import ConvergenceWarning, InvalidParameterError, NotFittedError
from spread.fit import (
    BassEstimator,
    FitResult,
    IdentifiabilityWarning,
    LogisticEstimator,
    SIREstimator,
    Trend,
    compare,
    fit_bass,
    fit_gompertz,
    fit_logistic,
    fit_si,
    fit_sir,
    rolling_origin,
    simulate_trend,
)
from spread.fit._curve_models import SPECS

matplotlib.use("Agg")


def recovery(fit, model, params, n_bins, n_rep, seed0, **kwargs):
    """Median relative error per parameter over `n_rep` simulated series, and success rate."""
    errors = []
    ok = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i in range(n_rep):
            res = fit(simulate_trend(model, params, n_bins, rng=seed0 + i), **kwargs)
            errors.append(
                {k: abs(res.params[k] / v - 1) for k, v in params.items() if k in res.params}
            )
            ok.append(res.success)
    return pd.DataFrame(errors).median(), float(np.mean(ok))


# ------------------------------------------------------------ recovery (§4.1)
def test_bass_recovery_50_replicates():
    med, ok = recovery(fit_bass, "bass", {"m": 1e4, "p": 0.01, "q": 0.4}, 30, 50, 0)
    assert ok == 1.0
    assert med["m"] <= 0.02 and med["q"] <= 0.02, med
    assert med["p"] <= 0.05, med


def test_bass_recovery_poisson_loss():
    med, ok = recovery(
        fit_bass, "bass", {"m": 1e4, "p": 0.01, "q": 0.4}, 30, 20, 500, loss="poisson"
    )
    assert ok == 1.0
    assert med["m"] <= 0.02 and med["q"] <= 0.02 and med["p"] <= 0.05, med


def test_logistic_recovery():
    med, ok = recovery(fit_logistic, "logistic", {"K": 1e4, "r": 0.3, "tm": 20}, 40, 30, 100)
    assert ok == 1.0
    assert med["K"] <= 0.015 and med["r"] <= 0.015 and med["tm"] <= 0.005, med


def test_gompertz_recovery():
    med, ok = recovery(fit_gompertz, "gompertz", {"K": 1e4, "c": 0.2, "tm": 15}, 40, 30, 100)
    assert ok == 1.0
    assert med["K"] <= 0.015 and med["c"] <= 0.01, med


def test_sir_recovery_known_population():
    params = {"N": 1e4, "beta": 0.5, "gamma": 0.2, "i0": 10}
    med, ok = recovery(fit_sir, "sir", params, 60, 30, 100)
    assert ok == 1.0
    assert med["beta"] <= 0.03 and med["gamma"] <= 0.05, med


def test_sir_recovery_fitted_population():
    params = {"N": 1e4, "beta": 0.5, "gamma": 0.2, "i0": 10}
    med, ok = recovery(fit_sir, "sir", params, 60, 30, 100, population="fit")
    assert ok == 1.0
    assert med["N"] <= 0.05 and med["beta"] <= 0.06 and med["gamma"] <= 0.15, med


def test_si_recovery():
    med, ok = recovery(
        fit_si, "si", {"N": 1e4, "beta": 0.3, "i0": 20}, 50, 20, 100, population="fit"
    )
    assert ok == 1.0
    assert med["N"] <= 0.015 and med["beta"] <= 0.015, med


# -------------------------------------------------------- pre-peak (§2.1.2)
def test_pre_peak_series_warns_and_has_wide_interval():
    tr = simulate_trend("bass", {"m": 1e3, "p": 0.01, "q": 0.4}, 8, rng=0)
    with pytest.warns(IdentifiabilityWarning, match="market size `m` is poorly identified"):
        res = fit_bass(tr)
    assert res.success
    assert "has not peaked" in res.message and "poorly identified" in res.message
    assert any("poorly identified" in w for w in res.warnings)
    width = (res.intervals["m"].high - res.intervals["m"].low) / res.params["m"]
    assert width > 0.5
    assert res.diagnostics["peak_bin"] >= 7


def test_post_peak_series_does_not_warn():
    tr = simulate_trend("bass", {"m": 1e4, "p": 0.01, "q": 0.4}, 30, rng=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", IdentifiabilityWarning)
        res = fit_bass(tr)
    assert "poorly identified" not in res.message


# ---------------------------------------------------------- failure modes
def test_all_zero_series_fails_cleanly():
    with pytest.warns(ConvergenceWarning, match="no counts"):
        res = fit_bass(np.zeros(20))
    assert not res.success and res.status == 3
    assert "every bin is zero" in res.message
    assert all(np.isnan(v) for v in res.params.values())
    assert np.isnan(res.loglik) and np.isnan(res.aic)
    assert all(np.isnan(ci.low) for ci in res.intervals.values())
    with pytest.raises(InvalidParameterError, match="needs fitted parameters"):
        res.predict(5)


@pytest.mark.parametrize("fit", [fit_logistic, fit_gompertz, fit_sir, fit_si])
def test_all_zero_series_every_model(fit):
    with pytest.warns(ConvergenceWarning):
        res = fit(Trend.from_counts(np.zeros(15)))
    assert res.status == 3 and not res.success


def test_parameter_on_bound_is_a_failure_with_reason():
    # Pure external adoption (q = 0): the imitation rate q sits on its lower bound.
    tr = simulate_trend("bass", {"m": 5e3, "p": 0.05, "q": 1e-12}, 40, rng=2)
    with pytest.warns(ConvergenceWarning, match="did not succeed"):
        res = fit_bass(tr, loss="poisson")
    assert not res.success and res.status == 2
    assert "`q` at its lower bound" in res.message


@pytest.mark.parametrize("fit", [fit_bass, fit_logistic, fit_gompertz, fit_sir])
def test_die_out_and_odd_shapes_never_raise(fit):
    shapes = [
        100 * 0.7 ** np.arange(20),  # die-out from the start
        np.r_[np.zeros(10), 5, np.zeros(10)],  # a single burst
        np.full(25, 7.0),  # flat
    ]
    for y in shapes:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fit(np.round(y))
        assert isinstance(res, FitResult)
        assert isinstance(res.message, str) and res.message
        if not res.success:
            assert res.status in (1, 2, 4, 5)


def test_invalid_settings_raise():
    tr = simulate_trend("bass", {"m": 1e3, "p": 0.02, "q": 0.4}, 20, rng=0)
    with pytest.raises(
        InvalidParameterError, match="`loss` must be one of 'negbin', 'poisson'; got 'ols'"
    ):
        fit_bass(tr, loss="ols")
    with pytest.raises(InvalidParameterError, match="`ci_method` must be one of"):
        fit_bass(tr, ci_method="hessian")
    with pytest.raises(InvalidParameterError, match="`t0` must be None, 'fit' or a finite number"):
        fit_bass(tr, t0=np.nan)
    with pytest.raises(
        InvalidParameterError, match="`population` must be None, 'fit' or a positive"
    ):
        fit_sir(tr, population=-3)
    with pytest.raises(InvalidParameterError, match="`level` must lie in"):
        fit_bass(tr, level=95)
    with pytest.raises(InvalidParameterError, match="`model` must be one of"):
        simulate_trend("seiz", {}, 10)


# ------------------------------------------------ exact limits and invariances
def test_si_equals_logistic_exactly():
    N, beta, i0 = 5000.0, 0.4, 3.0
    si = SPECS["si"].mean({"N": N, "beta": beta, "i0": i0}, 60)
    tm = np.log(N / i0 - 1) / beta
    lg = SPECS["logistic"].mean({"K": N, "r": beta, "tm": tm}, 60)
    np.testing.assert_allclose(si, lg, rtol=1e-10, atol=1e-9)


def test_logistic_bins_are_exact_in_both_tails():
    """A logistic bin ``K (expit(r (t + 1 - tm)) - expit(r (t - tm)))`` written as
    ``K sinh(r / 2) / (2 cosh(z0 / 2) cosh(z1 / 2))``, which cancels nowhere: the
    counts match it to 1e-12 far before the midpoint and far after it (where the plain
    difference of two numbers near 1 would lose every digit), and a bin centred on the
    midpoint (z0 = -z1) divides by nothing."""
    K, r, tm = 1e6, 2.0, 30.5
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        mu = SPECS["logistic"].mean({"K": K, "r": r, "tm": tm}, 61)
    z = r * (np.arange(62) - tm)
    exact = K * np.sinh(r / 2) / (2 * np.cosh(z[:-1] / 2) * np.cosh(z[1:] / 2))
    np.testing.assert_allclose(mu, exact, rtol=1e-12)
    assert mu[-1] > 0 and mu[0] > 0 and mu[-1] == pytest.approx(mu[0], rel=1e-12)


def test_sir_needs_some_but_not_all_infected():
    """The SIR curve of a population with ``0 < i0 < N`` only: no infected, all of them
    infected (the kernel would return zeros or negative counts) or an infinite
    population give NaN counts, so the fit's likelihood rejects them."""
    theta = {"N": 100.0, "beta": 0.4, "gamma": 0.1}
    for N, i0 in ((100.0, 0.0), (100.0, 100.0), (100.0, 150.0), (math.inf, 3.0)):
        assert np.isnan(SPECS["sir"].mean({**theta, "N": N, "i0": i0}, 5)).all()
    assert (SPECS["sir"].mean({**theta, "i0": 99.0}, 5) > 0).all()


def test_sir_without_recovery_equals_si():
    N, beta, i0 = 5000.0, 0.4, 3.0
    sir = SPECS["sir"].mean({"N": N, "beta": beta, "gamma": 1e-12, "i0": i0}, 60)
    si = SPECS["si"].mean({"N": N, "beta": beta, "i0": i0}, 60)
    np.testing.assert_allclose(sir, si, rtol=1e-5, atol=1e-6)


def test_sir_final_size_relation():
    N, beta, gamma = 1e5, 0.6, 0.2
    total = SPECS["sir"].mean({"N": N, "beta": beta, "gamma": gamma, "i0": 1.0}, 400).sum()
    z = total / N
    assert z == pytest.approx(1 - np.exp(-beta / gamma * z), rel=1e-4)


def test_bass_small_p_is_logistic():
    # p -> 0 with a shifted start: F(t) ~ 1 / (1 + (q/p) e^{-qt}), a logistic with r = q.
    p, q, m = 1e-7, 0.5, 1000.0
    bass = SPECS["bass"].mean({"m": m, "p": p, "q": q, "t0": 0.0}, 80)
    lg = SPECS["logistic"].mean({"K": m, "r": q, "tm": np.log(q / p) / q}, 80)
    np.testing.assert_allclose(bass, lg, rtol=1e-4, atol=1e-6)


def test_bass_mean_sums_to_m_and_closed_form_peak():
    m, p, q = 1e4, 0.01, 0.4
    mu = SPECS["bass"].mean({"m": m, "p": p, "q": q, "t0": 0.0}, 2000)
    assert mu.sum() == pytest.approx(m, rel=1e-12)
    t_star = np.log(q / p) / (p + q)
    assert abs(np.argmax(mu) + 0.5 - t_star) < 1.0


def test_bass_bin_aggregation_rescales_rates():
    # Merging pairs of bins doubles the per-bin rates p and q and leaves m alone.
    tr = simulate_trend("bass", {"m": 1e5, "p": 0.005, "q": 0.2}, 80, rng=4)
    fine = fit_bass(tr, loss="poisson").params
    coarse = fit_bass(tr.counts.reshape(-1, 2).sum(axis=1), loss="poisson").params
    assert coarse["m"] == pytest.approx(fine["m"], rel=0.02)
    assert coarse["q"] == pytest.approx(2 * fine["q"], rel=0.03)
    assert coarse["p"] == pytest.approx(2 * fine["p"], rel=0.1)


def test_time_labels_do_not_change_estimates():
    y = simulate_trend("bass", {"m": 1e4, "p": 0.01, "q": 0.4}, 30, rng=6).counts
    a = fit_bass(Trend.from_counts(y)).params
    b = fit_bass(Trend.from_counts(y, freq="15min", start="2024-05-01")).params
    assert a == pytest.approx(b, rel=1e-9)


def test_fit_t0():
    # A series that starts 3 bins after launch. The launch time trades off against p
    # (both shape the early bins), so check the likelihood, not t0 itself: the free-t0
    # fit is at least as good as any fixed-t0 fit, the true one included.
    full = simulate_trend("bass", {"m": 2e4, "p": 0.01, "q": 0.5, "t0": -3.0}, 30, rng=7)
    free = fit_bass(full, t0="fit", loss="poisson")
    assert free.success and "t0" in free.params
    for t0 in (-3.0, -1.0, 0.0):
        fixed = fit_bass(full, t0=t0, loss="poisson")
        assert free.loglik >= fixed.loglik - 1e-6
    assert free.params["m"] == pytest.approx(2e4, rel=0.1)


# ------------------------------------------------------------ FitResult API
@pytest.fixture(scope="module")
def bass_fit():
    tr = simulate_trend("bass", {"m": 1e4, "p": 0.01, "q": 0.4}, 25, rng=11, dispersion=30)
    return fit_bass(tr)


def test_fitresult_fields_always_present(bass_fit):
    names = {f.name for f in dataclasses.fields(FitResult)}
    for field in (
        "params stderr intervals ci_method cov loss_name loss loglik aic bic n_obs success status "
        "message nit nfev warnings diagnostics"
    ).split():
        assert field in names
    with pytest.raises(dataclasses.FrozenInstanceError):
        bass_fit.loss = 0.0
    assert set(bass_fit.params) == {"m", "p", "q", "k"}
    assert bass_fit.loss_name == "negbin" and bass_fit.n_obs == 25 and bass_fit.n_params == 4
    assert bass_fit.loglik == pytest.approx(-bass_fit.loss)
    assert bass_fit.aic == pytest.approx(2 * 4 + 2 * bass_fit.loss)
    assert bass_fit.cov.shape == (4, 4)
    assert bass_fit.diagnostics["corr"].shape == (4, 4)
    assert np.isfinite(bass_fit.diagnostics["condition_number"])


def test_predict_simulate_forecast(bass_fit):
    mu = bass_fit.predict()
    assert mu.shape == (25,)
    np.testing.assert_allclose(
        bass_fit.predict(40, cumulative=True)[-1],
        mu.sum() + bass_fit.predict(np.arange(25, 40)).sum(),
    )
    sims = bass_fit.simulate(np.arange(25, 30), n_paths=50, rng=0)
    assert sims.shape == (50, 5) and (sims >= 0).all()
    np.testing.assert_array_equal(sims, bass_fit.simulate(np.arange(25, 30), n_paths=50, rng=0))
    fc = bass_fit.forecast(6, level=0.9, n_paths=500, rng=1)
    assert list(fc.columns) == [
        "mean",
        "lower",
        "upper",
        "cumulative",
        "cumulative_lower",
        "cumulative_upper",
    ]
    assert len(fc) == 6 and fc.index[0] == 25.0
    assert (fc["lower"] <= fc["mean"]).all() and (fc["mean"] <= fc["upper"]).all()
    assert (fc["cumulative_lower"] >= bass_fit._fit.observed_total).all()


def test_forecast_labels_follow_datetime_index():
    y = simulate_trend("bass", {"m": 1e4, "p": 0.01, "q": 0.4}, 24, rng=2).counts
    tr = Trend.from_counts(y, freq="1h", start="2024-01-01")
    fc = fit_bass(tr).forecast(3, n_paths=100)
    assert list(fc.index) == list(pd.date_range("2024-01-02", periods=3, freq="1h"))


def test_conf_int_methods_agree_roughly(bass_fit):
    """Wald and profile intervals agree roughly (widths within a factor 0.6-1.6), and each
    equals its definition at its level, so that a 15% narrow interval (which the rough
    agreement would let through) fails: Wald ``exp(log(est) ± z * se / est)`` with
    ``z = norm.ppf(0.975)``; profile ends where the profile log-likelihood has dropped
    by ``chi2.ppf(0.95, 1) / 2``. The bootstrap's percentile intervals are pinned in
    tests/test_intervals.py."""
    wald = bass_fit.conf_int(0.95, "wald")
    prof = bass_fit.conf_int(0.95, "profile")
    z = stats.norm.ppf(0.975)
    drop = stats.chi2.ppf(0.95, 1) / 2
    for name in ("m", "q"):
        est = bass_fit.params[name]
        assert prof[name].low < est < prof[name].high
        w_width = wald[name].high - wald[name].low
        p_width = prof[name].high - prof[name].low
        assert 0.6 < p_width / w_width < 1.6
        half = z * bass_fit.stderr[name] / est  # stderr of log(est) by the delta method
        assert tuple(wald[name]) == pytest.approx(
            (est * np.exp(-half), est * np.exp(half)), rel=1e-12
        )
        ends = bass_fit.profile(name, grid=list(prof[name]))
        np.testing.assert_allclose(bass_fit.loglik - ends["loglik"], drop, atol=1e-4)
    boot = bass_fit.bootstrap(20, rng=0)
    assert boot.n_resamples + boot.n_failed == 20
    more = bass_fit.bootstrap(30, rng=1, result=boot)
    assert more.n_resamples + more.n_failed >= 30 - boot.n_failed
    pd.testing.assert_frame_equal(more.params.iloc[: boot.n_resamples], boot.params)
    ci = bass_fit.conf_int(0.9, "bootstrap", bootstrap_result=more, n_resamples=more.n_resamples)
    assert ci["m"].low < bass_fit.params["m"] < ci["m"].high
    with pytest.raises(InvalidParameterError, match="`method` must be one of"):
        bass_fit.conf_int(0.95, "bayes")


def test_with_ci_profile_and_estimator_ci_option():
    tr = simulate_trend("logistic", {"K": 5e3, "r": 0.4, "tm": 12}, 30, rng=3)
    res = LogisticEstimator(ci_method="profile", loss="poisson").fit(tr).result_
    assert res.ci_method == "profile"
    assert res.intervals["K"].low < res.params["K"] < res.intervals["K"].high
    prof = res.profile("r")
    assert list(prof.columns) == ["value", "loglik"]
    assert prof["loglik"].max() == pytest.approx(res.loglik, abs=1e-3)


def test_summary_to_dict_plot(bass_fit):
    text = bass_fit.summary()
    assert "bass fit by negbin likelihood" in text and "95% CI (wald)" in text
    d = bass_fit.to_dict()
    json.dumps(d)
    assert d["success"] is True and set(d["intervals"]) == {"m", "p", "q", "k"}
    ax = bass_fit.plot(horizon=5)
    assert ax.get_legend() is not None
    assert repr(bass_fit).startswith("<FitResult bass: m=")
    frame = bass_fit.to_frame()
    assert list(frame.columns) == ["estimate", "stderr", "ci_low", "ci_high"]


# -------------------------------------------------------- estimator contract
def test_estimator_contract():
    est = BassEstimator(loss="poisson", t0=0.0)
    assert est.get_params()["loss"] == "poisson"
    assert repr(est).startswith("BassEstimator(t0=0.0, loss='poisson'")
    with pytest.raises(NotFittedError, match=r"not fitted yet\. Call `fit`"):
        est.predict(5)
    tr = simulate_trend("bass", {"m": 1e3, "p": 0.02, "q": 0.5}, 20, rng=0)
    assert est.fit(tr) is est
    assert set(est.params_) == {"m", "p", "q"}
    assert est.n_iter_ == est.result_.nit
    assert est.predict(5).shape == (5,)
    assert est.simulate(np.arange(20, 23), n_paths=4, rng=0).shape == (4, 3)
    assert len(est.forecast(3, n_paths=50)) == 3
    est.set_params(loss="negbin")
    assert est.loss == "negbin"
    with pytest.raises(InvalidParameterError, match="`alpha` is not a setting of BassEstimator"):
        est.set_params(alpha=1)
    sir = SIREstimator(population=1e4)
    assert sir.get_params()["population"] == 1e4


# ------------------------------------------------------ comparison, forecasts
def test_compare_and_rolling_origin():
    tr = simulate_trend("bass", {"m": 5e3, "p": 0.01, "q": 0.5}, 40, rng=0)
    train, test = tr[:25], tr[25:35]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = compare(
            {
                "bass": fit_bass(train),
                "logistic": fit_logistic(train),
                "gompertz": fit_gompertz(train),
            },
            test=test,
        )
    assert set(table.index) == {"bass", "logistic", "gompertz"}
    assert {"aic", "bic", "delta_aic", "mase", "mape_cum", "rmse_log"} <= set(table.columns)
    assert table["delta_aic"].min() == 0
    assert table.loc["bass", "mase"] < 2
    ro = rolling_origin(
        tr, {"bass": fit_bass, "logistic": fit_logistic}, [0.5, 0.75], horizon=5, n_paths=200
    )
    assert len(ro) == 4
    assert ro["coverage"].between(0, 1).all()
    # each coverage is the share of held-out bins inside the 90% band of the fit made at
    # that origin (forecast with the same paths), and the end check its cumulative band
    fitters = {"bass": fit_bass, "logistic": fit_logistic}
    for _, row in ro.iterrows():
        tau, h = int(row["origin"]), int(row["horizon"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc = fitters[row["model"]](tr[:tau]).forecast(h, 0.9, n_paths=200, rng=0)
        y = tr.counts[tau : tau + h]
        inside = (y >= fc["lower"].to_numpy()) & (y <= fc["upper"].to_numpy())
        assert row["coverage"] == inside.mean()
        cum = tr.counts[:tau].sum() + y.sum()
        end = fc["cumulative_lower"].iloc[-1] <= cum <= fc["cumulative_upper"].iloc[-1]
        assert row["coverage_cum_end"] == end
    assert ro.loc[ro["model"] == "bass", "mape_cum"].max() < 0.05
    with pytest.raises(InvalidParameterError, match="`origins` must lie in"):
        rolling_origin(tr, {"bass": fit_bass}, [45], horizon=5)


def test_large_series_fit(recwarn):
    # 2,000 bins (speed is benchmarked in benchmarks/bench_fit.py, not asserted here).
    tr = simulate_trend("bass", {"m": 1e6, "p": 0.0005, "q": 0.005}, 2000, rng=0, dispersion=20)
    res = fit_bass(tr)
    assert res.success
    assert res.params["k"] == pytest.approx(20, rel=0.15)
    assert res.params["q"] == pytest.approx(0.005, rel=0.02)
