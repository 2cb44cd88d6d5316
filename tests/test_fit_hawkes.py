"""Hawkes: exact recursion vs the O(n^2) sum, gradients, recovery, time rescaling, binned variant.

Measured on these seeds (mu=0.5, n*=0.6, beta=2, horizon=2000, ~2.5k events, 20 replicates):
median relative error mu/alpha/beta 5.0/2.6/4.1%, KS p > 0.01 in 20/20. Binned (bin =
1/4 of the kernel time scale, 20 replicates): 6.9/4.4/11.3%.
"""

import warnings

import numpy as np
import pandas as pd
import pytest

from spread import InvalidParameterError
from spread.fit import HawkesEstimator, Trend, fit_hawkes, hawkes_loglik, simulate_hawkes
from spread.fit._hawkes_kernels import hawkes_bg_nll_grad, hawkes_nll_grad, hawkes_state


def loglik_quadratic(times, t_end, mu, alpha, beta):
    """Plain O(n^2) Hawkes log-likelihood, straight from the definition."""
    ll = 0.0
    for i, t in enumerate(times):
        lam = mu + alpha * beta * np.sum(np.exp(-beta * (t - times[:i])))
        ll += np.log(lam)
    ll -= mu * t_end + alpha * np.sum(1 - np.exp(-beta * (t_end - times)))
    return ll


@pytest.mark.parametrize("params", [(0.5, 0.6, 2.0), (2.0, 0.1, 0.3), (0.05, 0.9, 10.0)])
def test_recursion_equals_quadratic_sum(params):
    times = np.sort(np.random.default_rng(0).uniform(0, 100, 300))
    fast = hawkes_loglik(times, 100.0, *params)
    slow = loglik_quadratic(times, 100.0, *params)
    assert fast == pytest.approx(slow, rel=1e-10, abs=1e-10)


def test_analytic_gradient_matches_finite_differences():
    times = simulate_hawkes(0.5, 0.6, 2.0, 300.0, rng=1)
    theta = np.array([0.4, 0.5, 1.5])
    _, *grad = hawkes_nll_grad(times, 300.0, *theta)
    num = []
    for i in range(3):
        h = 1e-6 * theta[i]
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        num.append(
            (hawkes_nll_grad(times, 300.0, *up)[0] - hawkes_nll_grad(times, 300.0, *down)[0])
            / (2 * h)
        )
    np.testing.assert_allclose(grad, num, rtol=1e-5)


def test_state_is_the_decayed_sum_of_earlier_events():
    """``hawkes_state``: ``A_i = sum_{j < i} exp(-beta (t_i - t_j))`` at every event,
    against the sum itself (event 0 has none before it)."""
    times = np.sort(np.random.default_rng(2).uniform(0, 20, 40))
    want = [np.sum(np.exp(-0.7 * (t - times[:i]))) for i, t in enumerate(times)]
    np.testing.assert_allclose(hawkes_state(times, 0.7), want, rtol=1e-12, atol=0)


def test_background_recursion_against_its_definition():
    """``hawkes_bg_nll_grad`` (a background given at each event): with a constant
    background it is `hawkes_nll_grad` bit for bit (the caller subtracting ``mu t_end``);
    with a varying one, its log-likelihood (without the background's integral) is the
    O(n^2) sum, ``inv_lam`` holds 1 / intensity at each event, the gradient in (alpha,
    beta) matches central differences; an intensity reaching 0 returns -inf."""
    times = simulate_hawkes(0.5, 0.6, 2.0, 200.0, rng=3)
    n, t_end, alpha, beta = times.size, 200.0, 0.6, 2.0
    inv = np.empty(n)
    ll, g_a, g_b = hawkes_bg_nll_grad(times, t_end, np.full(n, 0.5), alpha, beta, inv)
    nll, _, gn_a, gn_b = hawkes_nll_grad(times, t_end, 0.5, alpha, beta)
    assert -(ll - 0.5 * t_end) == nll
    assert (-g_a, -g_b) == (gn_a, gn_b)
    bg = 0.5 * np.exp(0.8 * np.sin(2 * np.pi * times / 24))
    ll, g_a, g_b = hawkes_bg_nll_grad(times, t_end, bg, alpha, beta, inv)
    lam = np.array(
        [
            bg[i] + alpha * beta * np.sum(np.exp(-beta * (t - times[:i])))
            for i, t in enumerate(times)
        ]
    )
    want = np.sum(np.log(lam)) - alpha * np.sum(1 - np.exp(-beta * (t_end - times)))
    assert ll == pytest.approx(want, rel=1e-11)
    np.testing.assert_allclose(inv, 1 / lam, rtol=1e-11)
    for got, i in ((g_a, 0), (g_b, 1)):
        theta = np.array([alpha, beta])
        h = 1e-6 * theta[i]
        up, down = theta.copy(), theta.copy()
        up[i] += h
        down[i] -= h
        num = (
            hawkes_bg_nll_grad(times, t_end, bg, *up, inv)[0]
            - hawkes_bg_nll_grad(times, t_end, bg, *down, inv)[0]
        ) / (2 * h)
        assert got == pytest.approx(num, rel=1e-5)
    bg[0] = 0.0  # nothing before the first event: its intensity is 0
    assert hawkes_bg_nll_grad(times, t_end, bg, alpha, beta, inv) == (-np.inf, 0.0, 0.0)


def test_simulation_mean_count():
    mu, alpha, beta, t_end = 1.0, 0.5, 3.0, 500.0
    counts = [len(simulate_hawkes(mu, alpha, beta, t_end, rng=i)) for i in range(40)]
    # stationary mean mu / (1 - alpha) per unit time (minus a small edge effect)
    expected = mu * t_end / (1 - alpha)
    se = np.std(counts, ddof=1) / np.sqrt(len(counts))
    assert abs(np.mean(counts) - expected) < 4 * se + 0.01 * expected


def test_exact_recovery_20_replicates():
    errors = []
    ks_ok = []
    for i in range(20):
        times = simulate_hawkes(0.5, 0.6, 2.0, 2000.0, rng=200 + i)
        res = fit_hawkes(times, end=2000.0)
        assert res.success, res.message
        errors.append(
            [
                abs(res.params["mu"] / 0.5 - 1),
                abs(res.params["alpha"] / 0.6 - 1),
                abs(res.params["beta"] / 2.0 - 1),
            ]
        )
        ks_ok.append(res.diagnostics["ks_pvalue"] > 0.01)
    med = np.median(errors, axis=0)
    assert med[1] <= 0.05, med  # branching ratio
    assert med[0] <= 0.08 and med[2] <= 0.08, med
    assert np.mean(ks_ok) >= 0.9


def test_time_rescaling_invariance():
    times = simulate_hawkes(0.5, 0.6, 2.0, 1000.0, rng=3)
    a = fit_hawkes(times, end=1000.0).params
    b = fit_hawkes(times * 60.0, end=60_000.0).params  # hours -> minutes
    assert b["alpha"] == pytest.approx(a["alpha"], rel=1e-4)
    assert b["mu"] == pytest.approx(a["mu"] / 60.0, rel=1e-4)
    assert b["beta"] == pytest.approx(a["beta"] / 60.0, rel=1e-4)


def test_datetime_events_and_time_unit():
    rel = simulate_hawkes(0.5, 0.6, 2.0, 500.0, rng=4)
    stamps = pd.Timestamp("2024-01-01", tz="UTC") + pd.to_timedelta(rel, unit="h")
    res = fit_hawkes(stamps, time_unit="1h", start="2024-01-01", end="2024-01-21 20:00")
    ref = fit_hawkes(rel, end=500.0)
    assert res.params["alpha"] == pytest.approx(ref.params["alpha"], rel=1e-3)
    fc = res.forecast(3, n_paths=100)
    assert fc.index[0] == pd.Timestamp("2024-01-21 20:00", tz="UTC")


def test_binned_recovery():
    errors = []
    for i in range(20):
        times = simulate_hawkes(2.0, 0.6, 1.0, 1000.0, rng=300 + i)
        tr = Trend.from_timestamps(times, freq=0.25, start=0.0, end=1000.0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            res = fit_hawkes(tr, loss="poisson")
        assert res.model == "hawkes_binned"
        # per-bin units: mu = 2.0 * 0.25, beta = 1.0 * 0.25
        errors.append(
            [
                abs(res.params["mu"] / 0.5 - 1),
                abs(res.params["alpha"] / 0.6 - 1),
                abs(res.params["beta"] / 0.25 - 1),
            ]
        )
    med = np.median(errors, axis=0)
    assert med[0] <= 0.15 and med[1] <= 0.10 and med[2] <= 0.25, med


def test_poisson_data_gives_small_branching_ratio():
    times = np.sort(np.random.default_rng(0).uniform(0, 1000, 800))
    res = fit_hawkes(times, end=1000.0)
    assert res.params["alpha"] < 0.15
    if res.success:
        assert res.intervals["alpha"].low < 0.05
    else:  # alpha may sit on its lower bound: then success is False with the reason
        assert "`alpha` at its lower bound" in res.message
    assert res.diagnostics["stationary_rate"] == pytest.approx(0.8, rel=0.1)


def test_forecast_and_predict_from_events():
    times = simulate_hawkes(0.5, 0.6, 2.0, 300.0, rng=5)
    res = fit_hawkes(times, end=300.0)
    inside = res.predict()
    assert inside.shape == (300,)
    # in-window expected counts add up to the compensator at the end ~ number of events
    assert inside.sum() == pytest.approx(len(times), rel=0.05)
    fc = res.forecast(50, level=0.9, n_paths=300, rng=0)
    rate = res.params["mu"] / (1 - res.params["alpha"])
    assert fc["mean"].iloc[-1] == pytest.approx(rate, rel=0.05)
    assert (fc["lower"] <= fc["upper"]).all()
    assert fc["cumulative"].iloc[0] >= len(times)
    boot = res.bootstrap(5, rng=0)
    assert boot.n_resamples + boot.n_failed == 5


def test_binned_forecast_is_conditional_on_history():
    times = simulate_hawkes(1.0, 0.7, 0.5, 400.0, rng=6)
    tr = Trend.from_timestamps(times, freq=1.0, start=0.0, end=400.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = fit_hawkes(tr)
    fc = res.forecast(200, n_paths=200)
    rate = res.params["mu"] / (1 - res.params["alpha"])
    assert fc["mean"].iloc[-1] == pytest.approx(rate, rel=0.05)


def test_large_event_set():
    times = simulate_hawkes(5.0, 0.6, 2.0, 8000.0, rng=7)
    assert len(times) > 90_000
    res = fit_hawkes(times, end=8000.0)
    assert res.success
    assert res.params["alpha"] == pytest.approx(0.6, rel=0.03)


def test_hawkes_validation():
    with pytest.raises(InvalidParameterError, match="`events` must hold at least one event time"):
        fit_hawkes([])
    with pytest.raises(
        InvalidParameterError, match="`events` must be finite; got nan at position 1"
    ):
        fit_hawkes([1.0, np.nan, 2.0])
    with pytest.raises(InvalidParameterError, match="`end` must be after the last event"):
        fit_hawkes([1.0, 5.0], end=3.0)
    with pytest.raises(InvalidParameterError, match=r"`alpha` must be < 1"):
        simulate_hawkes(1.0, 1.2, 1.0, 10.0)
    est = HawkesEstimator(time_unit="30min")
    assert est.get_params()["time_unit"] == "30min"


def test_zero_intensity_at_an_event_has_likelihood_zero():
    """An event where the intensity is 0 (no background, mu = 0, and nothing before it
    to excite it) has likelihood 0: the kernel returns nll = inf and a zero gradient,
    at exactly 0 as below it, never log(0) or a division by zero."""
    times = np.array([1.0, 2.0, 4.0])
    assert hawkes_nll_grad(times, 5.0, 0.0, 0.5, 1.0) == (np.inf, 0.0, 0.0, 0.0)
    assert hawkes_nll_grad(times, 5.0, -0.1, 0.5, 1.0) == (np.inf, 0.0, 0.0, 0.0)
    nll, *_ = hawkes_nll_grad(times, 5.0, 1e-300, 0.5, 1.0)
    assert np.isfinite(nll)  # a positive intensity, however small, is a likelihood


# ------------------------------------------------- binned paths (forecast draws)
def _binned_reference(theta, ks, n_total, y, rng):
    """Binned Hawkes paths from the definition: bin t's count is drawn around
    ``(mu + C sum_{u<t} y_u e^{-beta (t-1-u)}) / (1 - alpha w0)`` with the O(t) sum, for
    every path at once (one `sample_counts` call per bin, as the library draws)."""
    from spread.fit._losses import sample_counts

    alpha, beta, mu = theta["alpha"], theta["beta"], theta["mu"]
    c = alpha * (1 - np.exp(-beta)) ** 2 / beta
    w0 = 1 - (1 - np.exp(-beta)) / beta
    out = np.tile(np.asarray(y, dtype=float), (len(ks), 1))
    out = np.hstack([out, np.zeros((len(ks), n_total - len(y)))])
    for t in range(len(y), n_total):
        past = np.exp(-beta * (t - 1 - np.arange(t)))
        lam = (mu + c * (out[:, :t] @ past)) / (1 - alpha * w0)
        out[:, t] = sample_counts(rng, lam, np.asarray(ks, dtype=float))
    return out


THETA = {"mu": 2.0, "alpha": 0.6, "beta": 0.8}


@pytest.mark.parametrize("k", [np.inf, 3.0])
def test_binned_paths_replay_the_definition(k):
    from spread.fit._hawkes_problems import _HawkesBinned

    y = np.random.default_rng(0).poisson(5.0, 40).astype(float)
    ks = [k] * 300
    got = _HawkesBinned().sample_paths([THETA] * 300, ks, 48, y, np.random.default_rng(1))
    ref = _binned_reference(THETA, ks, 48, y, np.random.default_rng(1))
    np.testing.assert_array_equal(got, ref)


@pytest.mark.parametrize("k", [np.inf, 3.0])
def test_binned_paths_mean_and_first_law(k):
    """20,000 paths after 40 observed bins: each future bin's mean is the `mean`
    recursion's within 4 standard errors; the first future bin is exactly Poisson / NB
    around it (its variance within 4 standard errors of ``m + m^2 / k``). Half the paths
    with other parameters: each half follows its own."""
    from spread.fit._hawkes_problems import _HawkesBinned

    spec = _HawkesBinned()
    other = {"mu": 0.5, "alpha": 0.3, "beta": 2.0}
    y = np.random.default_rng(2).poisson(5.0, 40).astype(float)
    n = 10_000
    paths = spec.sample_paths(
        [THETA] * n + [other] * n, [k] * 2 * n, 46, y, np.random.default_rng(3)
    )
    np.testing.assert_array_equal(paths[:, :40], np.tile(y, (2 * n, 1)))
    for half, theta in ((paths[:n], THETA), (paths[n:], other)):
        future = half[:, 40:]
        want = spec.mean(theta, 46, y)[40:]
        se = future.std(axis=0, ddof=1) / np.sqrt(n)
        assert np.all(np.abs(future.mean(axis=0) - want) < 4 * se), (future.mean(axis=0), want)
        first = future[:, 0]
        m = want[0]
        var = m + (m * m / k if np.isfinite(k) else 0.0)
        centred = first - first.mean()
        se_var = np.sqrt((np.mean(centred**4) - first.var() ** 2) / n)
        assert abs(first.var(ddof=1) - var) < 4 * se_var, (first.var(ddof=1), var)


@pytest.mark.parametrize(("times", "t_end", "n_bins"), [([0.5, 2.0, 7.25], 10.0, 10),
                                                         ([0.5, 2.0, 7.25], 10.5, 11),
                                                         ([], 0.25, 1),
                                                         ([], 1e-10, 1)])  # fmt: skip
def test_the_search_box_and_starts_scale_with_the_event_rate(times, t_end, n_bins):
    """Rate ``r = max(n, 1) / T``: mu in [1e-8 r, 10 r], alpha in [1e-6, 1 - 1e-6],
    beta in [1e-3 / T, 1e4 r] (log scale; a fit on an end is status 2); starts
    ``(r / 2, 1/2, c r)`` for c in 0.3, 3, 30; the window has ``ceil(T)`` unit bins, at
    least one."""
    from spread.fit._hawkes_problems import _HawkesEvents

    p = _HawkesEvents(np.array(times), t_end)
    r = max(len(times), 1) / t_end
    expected = [(1e-8 * r, 10 * r), (1e-6, 1 - 1e-6), (1e-3 / t_end, 1e4 * r)]
    np.testing.assert_allclose(np.exp(p.bounds_x), expected, rtol=1e-12)
    starts = [[r / 2, 0.5, c * r] for c in (0.3, 3.0, 30.0)]
    np.testing.assert_allclose(np.exp(p.starts_x), starts, rtol=1e-12)
    assert (p.n_bins, p.n_obs, p.observed_total) == (n_bins, len(times), float(len(times)))


@pytest.mark.parametrize("times", [[0.3, 1.1, 1.15, 2.8, 4.0, 6.5], [6.5], []])
def test_expected_counts_are_the_compensator_then_the_mean_equation(times):
    """Up to the end of the data, the expected count is the compensator given the events,
    ``mu t + sum_{t_i < t} alpha (1 - e^{-beta (t - t_i)})``; after it, the solution of
    the mean intensity's equation ``m' = beta mu - beta (1 - alpha) m`` started from the
    intensity at the end (integrated numerically here, to 1e-9); one event, or none."""
    from scipy.integrate import solve_ivp

    from spread.fit._hawkes_problems import _HawkesEvents

    times = np.array(times, dtype=np.float64)
    p = _HawkesEvents(times, 7.0)
    mu, alpha, beta = 0.4, 0.6, 1.7
    t = np.array([0.0, 0.3, 1.0, 1.15, 3.33, 6.5, 7.0, 7.5, 9.0, 20.0])
    got = p.expected_cumulative(np.array([mu, alpha, beta]), t)

    def compensator(s):
        past = times[times < s]
        return mu * s + alpha * np.sum(1 - np.exp(-beta * (s - past)))

    inside = t <= 7.0
    np.testing.assert_allclose(got[inside], [compensator(s) for s in t[inside]], rtol=1e-12)
    m0 = mu + alpha * beta * np.sum(np.exp(-beta * (7.0 - times)))  # intensity at the end
    sol = solve_ivp(lambda s, y: [beta * mu - beta * (1 - alpha) * y[0], y[0]], (7.0, 20.0),
                    [m0, compensator(7.0)], t_eval=t[~inside], rtol=1e-12, atol=1e-12)  # fmt: skip
    np.testing.assert_allclose(got[~inside], sol.y[1], rtol=1e-9)
    np.testing.assert_allclose(p.predict(np.log([mu, alpha, beta]), 9), np.diff(
        p.expected_cumulative(np.array([mu, alpha, beta]), np.arange(10.0))), rtol=1e-15)  # fmt: skip


def test_forecast_draws_have_the_expected_counts():
    """Paths simulated past the data (the excitation left at the end, immigrants at rate
    mu, their descendants; the bin the window ends in mixed) average the expected counts
    of the mean equation, within 4 standard errors in every bin."""
    from spread.fit._hawkes_problems import _HawkesEvents

    times = np.array([0.3, 1.1, 1.15, 2.8, 4.0, 6.5, 7.2])
    p = _HawkesEvents(times, 7.5)
    theta = np.array([1.5, 0.6, 0.8])
    bins = np.arange(6, 14)
    draws = p.sample(np.log(theta), bins, 4000, np.random.default_rng(11))
    expected = np.diff(p.expected_cumulative(theta, np.arange(15.0)))[bins]
    se = draws.std(axis=0, ddof=1) / np.sqrt(len(draws))
    assert np.all(np.abs(draws.mean(axis=0) - expected) < 4 * se), (draws.mean(0), expected)
    assert expected[-1] > 2.5  # immigrants alone bring mu = 1.5 a bin


@pytest.mark.parametrize("varying", [False, True])
@pytest.mark.parametrize("n_obs", [0, 1, 30])
def test_binned_mean_is_the_conditional_intensity_written_out(n_obs, varying):
    """``E[y_t] = (mu_t + sum_{s<t} y_s C e^{-beta (t - s)}) / (1 - alpha w0)`` with the
    docstring's ``C`` and ``w0``, summed term by term: observed counts where there are
    some, the expectations themselves after them (and from the first bin without data);
    the background ``mu_t`` constant, or varying by bin as the periodic and regressor
    models make it."""
    from spread.fit._hawkes_problems import _HawkesBinned

    mu, alpha, beta = THETA["mu"], THETA["alpha"], THETA["beta"]
    bg = mu * (1 + 0.5 * np.sin(np.arange(40))) if varying else np.full(40, mu)

    class Varying(_HawkesBinned):
        def _base_background(self, theta, n_total):
            return bg[:n_total]

    c = alpha * (1 - np.exp(-beta)) * (np.exp(beta) - 1) / beta
    w0 = 1 - (1 - np.exp(-beta)) / beta
    y = np.random.default_rng(4).poisson(6.0, n_obs).astype(float)
    want = np.empty(40)
    for t in range(40):
        past = np.concatenate([y, want[n_obs:t]])[:t]
        excited = np.sum(past * c * np.exp(-beta * (t - np.arange(t))))
        want[t] = (bg[t] + excited) / (1 - alpha * w0)
    got = Varying().mean(THETA, 40, y if n_obs else None)
    np.testing.assert_allclose(got, want, rtol=1e-12)
