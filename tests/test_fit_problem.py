"""The estimators' shared layer (`spread.fit._problem`): derivatives, the bound rule, Wald
intervals and the one way a result is assembled, on toy problems whose answers are known
in closed form.

Exact: central differences of quadratics (exact up to rounding, so the step's scale is
what the tolerance sees), the Gaussian mean's and the Poisson rate's maximum likelihood
estimates and observed information; every interval against its definition
(``estimate +- z se``, on the log scale for log parameters) and every message against
the rule that writes it.
"""

import math
import warnings

import numpy as np
import pandas as pd
import pytest

import spread
from spread._common import z_value
from spread.exceptions import (
    ConvergenceWarning,
    IdentifiabilityWarning,
    InvalidParameterError,
    MemoryLimitError,
)
from spread.fit import Trend, fit_bass, fit_ic, simulate_trend
from spread.fit._problem import (
    XTOL_SMOOTH,
    Problem,
    assemble,
    failed,
    fit_likelihood,
    on_bounds,
)
from spread.fit._result import TERMINATION_MESSAGES, FitResult


class Quadratic(Problem):
    """``nll(x) = (x - c)' A (x - c) / 2``: gradient ``A (x - c)``, Hessian ``A``."""

    model = "quadratic"
    loss_name = "toy"

    def __init__(self, a, c, names=None, logs=None, bounds=None):
        self.a = np.asarray(a, dtype=np.float64)
        self.c = np.asarray(c, dtype=np.float64)
        p = self.c.size
        self.names = tuple(names or [f"x{i}" for i in range(p)])
        self.logs = np.zeros(p, dtype=bool) if logs is None else np.asarray(logs)
        self.bounds_x = bounds or [(-1e7, 1e7)] * p
        self.starts_x = [np.zeros(p)]
        self.n_obs = 10
        self.observed_total = 1.0

    def nll(self, x):
        d = np.asarray(x, dtype=np.float64) - self.c
        return 0.5 * d @ self.a @ d


class PoissonRate(Problem):
    """``n`` Poisson counts with total ``s``, rate fitted in the log scale:
    ``nll(x) = n e^x - s x``, estimate ``log(s / n)``, information ``s`` (so the
    log-scale variance is ``1 / s`` and the natural one ``(s / n)^2 / s``)."""

    model = "poisson_rate"
    loss_name = "poisson"
    names = ("rate",)
    logs = np.array([True])
    bounds_x = ((-20.0, 20.0),)
    starts_x = (np.array([0.0]),)

    def __init__(self, n, s):
        self.n_obs = n
        self.s = float(s)
        self.observed_total = float(s)

    def nll(self, x):
        return self.n_obs * math.exp(x[0]) - self.s * x[0]

    def resample(self, x, rng):
        """Counts drawn from the fitted rate: their total is Poisson(n e^x)."""
        return PoissonRate(self.n_obs, rng.poisson(self.n_obs * math.exp(x[0])))


def bass_trend():
    """30 bins of a Bass curve with Poisson noise: the real fits' test data."""
    return simulate_trend("bass", {"m": 5e3, "p": 0.01, "q": 0.4}, 30, rng=0)


def test_gradient_and_hessian_are_central_differences_scaled_to_the_parameter():
    """Quadratics, whose central differences are exact but for rounding: at parameters
    of order 1e6 a step of 1e-6 (1e-4 for the Hessian) times ``|x|`` keeps that below
    1e-8 relative, where an unscaled step (1e-6 at x = 1e6) would leave errors of order
    1e-5 and a one-sided difference one of order the step; at 0 the step is 1e-6."""
    a = np.array([[2.0, 0.6, 0.0], [0.6, 1.0, 0.3], [0.0, 0.3, 3.0]])
    big = Quadratic(a, [1e6, -3e5, 2e5])
    x = np.array([1.2e6, -2.5e5, 1.5e5])
    np.testing.assert_allclose(big.grad(x), a @ (x - big.c), rtol=1e-8)
    np.testing.assert_allclose(big.hessian(x), a, rtol=1e-6, atol=1e-6)
    small = Quadratic(a, [0.25, -0.5, 0.1])
    x = np.array([0.0, 0.5, -0.25])
    np.testing.assert_allclose(small.grad(x), a @ (x - small.c), rtol=1e-8)
    h = small.hessian(x)
    np.testing.assert_allclose(h, a, rtol=1e-6, atol=1e-8)
    assert np.array_equal(h, h.T)


def test_the_natural_scale_clips_log_parameters_at_700():
    q = Quadratic(np.eye(3), np.zeros(3), logs=[True, True, False])
    np.testing.assert_array_equal(
        q.to_natural([800.0, -800.0, 800.0]), [math.exp(700), math.exp(-700), 800.0]
    )
    np.testing.assert_allclose(q.to_x([math.e, 2.0, -3.0]), [1.0, math.log(2.0), -3.0])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert q.to_x([0.0, 1.0, 0.0])[0] == -math.inf  # log 0 without a warning


@pytest.mark.parametrize("n_obs", [1, 2, 3])
def test_too_few_observations_is_a_count_per_parameter(n_obs):
    q = Quadratic(np.eye(2), np.zeros(2), names=["K", "r"])
    q.n_obs = n_obs
    if n_obs >= 2:
        assert q.too_few() is None
    else:
        assert q.too_few() == (
            "Too few observations for the parameters: the data cannot identify them: "
            "1 observation(s) for 2 parameter(s) (K, r); at least 2 needed."
        )
    q.extra_obs = 1
    assert (q.too_few() is None) == (n_obs >= 3)


@pytest.mark.parametrize("level", [0.8, 0.95])
def test_wald_intervals_are_the_estimate_plus_minus_z_se_in_the_fitting_scale(level):
    """Natural parameters: ``x +- z se``; log parameters: ``exp(x +- z se)``; a
    variance that is zero gives a point, a negative, NaN or missing one gives NaN, and
    the log scale is clipped at 700 (``exp(700)``, not an overflow)."""
    z = z_value(level)
    q = Quadratic(np.eye(5), np.zeros(5), logs=[False, True, False, False, True])
    q.x_hat = np.array([2.0, math.log(3.0), -1.0, 4.0, 710.0])
    q.cov_x = np.diag([0.25, 0.04, 0.0, -1.0, 0.0])
    ci = q.wald_ci(z)
    assert ci["x0"] == (2.0 - 0.5 * z, 2.0 + 0.5 * z)
    assert ci["x1"] == (math.exp(math.log(3.0) - 0.2 * z), math.exp(math.log(3.0) + 0.2 * z))
    assert ci["x2"] == (-1.0, -1.0)
    assert all(math.isnan(v) for v in ci["x3"])
    assert ci["x4"] == (math.exp(700), math.exp(700))
    q.cov_x[0, 0] = math.nan
    assert all(math.isnan(v) for v in q.wald_ci(z)["x0"])
    q.cov_x = None
    assert all(math.isnan(v) for name in q.names for v in q.wald_ci(z)[name])


def test_a_parameter_is_on_a_bound_within_xtol_of_the_range():
    """Bounds (-2, 2) and xtol 1/8: within 0.5 of an end (inclusive) is on it."""
    q = Quadratic(np.eye(5), np.zeros(5), bounds=[(-2.0, 2.0)] * 5)
    x = np.array([-1.5, 1.5, 0.0, -1.49, 1.49])
    assert on_bounds(q, x, 0.125) == [("x0", "lower"), ("x1", "upper")]
    assert on_bounds(q, np.array([-2.0, 2.0, -1.0, 1.0, 0.5]), 0.125) == [
        ("x0", "lower"),
        ("x1", "upper"),
    ]


def test_assemble_reports_the_delta_method_errors_and_the_information_criteria():
    """A log parameter's standard error is ``theta * se_x`` and its covariance with
    others is scaled by both Jacobians; AIC ``2p + 2 nll``, BIC ``p log n + 2 nll``."""
    q = Quadratic(np.eye(2), np.zeros(2), names=["K", "m"], logs=[True, False])
    cov_x = np.array([[0.04, 0.01], [0.01, 0.09]])
    x = np.array([math.log(50.0), 1.5])
    res = assemble(q, x, fun=12.5, nit=7, nfev=30, xtol=XTOL_SMOOTH, level=0.9,
                   cov_x=cov_x, likelihood=True)  # fmt: skip
    assert res.success and res.status == 0 and res.message == TERMINATION_MESSAGES[0]
    assert res.params == pytest.approx({"K": 50.0, "m": 1.5}, rel=1e-15)
    np.testing.assert_allclose(res.cov, [[100.0, 0.5], [0.5, 0.09]], rtol=1e-12)
    assert res.stderr == pytest.approx({"K": 10.0, "m": 0.3}, rel=1e-12)
    z = z_value(0.9)
    assert res.intervals["K"] == pytest.approx((50 * math.exp(-0.2 * z), 50 * math.exp(0.2 * z)))
    assert res.intervals["m"] == pytest.approx((1.5 - 0.3 * z, 1.5 + 0.3 * z))
    assert (res.loglik, res.aic, res.bic) == (-12.5, 4 + 25.0, 2 * math.log(10) + 25.0)
    assert (res.nit, res.nfev, res.ci_method, res.level) == (7, 30, "wald", 0.9)
    assert res.n_params == 2 and res.n_obs == 10 and res.warnings == ()


def test_assemble_marks_a_parameter_on_its_bound_but_not_a_nuisance_on_its_upper_one():
    q = Quadratic(np.eye(3), np.zeros(3), names=["p", "q", "k"], bounds=[(0.0, 1.0)] * 3)
    q.nuisance = ("k",)
    with pytest.warns(ConvergenceWarning, match="fit did not succeed"):
        res = assemble(q, [0.0, 0.5, 1.0], fun=1.0, nit=1, nfev=1, xtol=1e-5, level=0.95,
                       cov_x=np.eye(3))  # fmt: skip
    assert res.status == 2 and not res.success
    assert res.message == TERMINATION_MESSAGES[2] + ": `p` at its lower bound (0)."
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        benign = assemble(q, [0.5, 0.5, 1.0], fun=1.0, nit=1, nfev=1, xtol=1e-5, level=0.95,
                          cov_x=np.eye(3))  # fmt: skip
    assert benign.status == 0 and benign.success
    with pytest.warns(ConvergenceWarning):
        upper = assemble(q, [0.5, 1.0, 0.0], fun=1.0, nit=1, nfev=1, xtol=1e-5, level=0.95,
                         cov_x=np.eye(3))  # fmt: skip
    assert upper.message == (
        TERMINATION_MESSAGES[2] + ": `q` at its upper bound (1), `k` at its lower bound (0)."
    )


def test_assemble_without_a_covariance_reports_no_interval():
    q = Quadratic(np.eye(2), np.zeros(2))
    res = assemble(q, [0.1, 0.2], fun=3.0, nit=2, nfev=5, xtol=1e-3, level=0.95)
    assert res.ci_method == "none" and math.isnan(res.loglik) and math.isnan(res.aic)
    assert np.isinf(res.cov).all() and np.isinf(q.cov_x).all()
    assert all(math.isnan(v) for v in res.stderr.values())
    assert all(math.isnan(v) for ci in res.intervals.values() for v in ci)


def test_failed_reports_nan_and_warns():
    q = Quadratic(np.eye(2), np.zeros(2))
    with pytest.warns(ConvergenceWarning, match="quadratic fit failed: nothing"):
        res = failed(q, 3, "nothing", level=0.9, nit=4, nfev=9, extra=("more",))
    assert res.status == 3 and not res.success and res.warnings == ("nothing", "more")
    assert (res.nit, res.nfev, res.level) == (4, 9, 0.9)
    assert all(math.isnan(v) for v in res.params.values())
    assert res.n_obs_bins == 0 and res.observed() is None  # it keeps no problem
    assert res.bin_labels([0, 2]).equals(pd.Index([0, 2], name="bin"))
    with pytest.raises(InvalidParameterError, match="`predict` needs fitted parameters"):
        res.predict()


@pytest.mark.parametrize(("n", "s"), [(24, 380), (5, 7)])
def test_fit_likelihood_finds_the_poisson_rate_and_its_observed_information(n, s):
    """The estimate ``s / n`` and the delta-method error ``(s / n) / sqrt(s)``; the
    interval is ``exp(log(s / n) +- z / sqrt(s))``."""
    res = fit_likelihood(PoissonRate(n, s), level=0.9)
    rate = s / n
    assert res.success
    assert res.params["rate"] == pytest.approx(rate, rel=1e-6)
    assert res.stderr["rate"] == pytest.approx(rate / math.sqrt(s), rel=1e-4)
    z = z_value(0.9)
    lo, hi = res.intervals["rate"]
    assert lo == pytest.approx(rate * math.exp(-z / math.sqrt(s)), rel=1e-4)
    assert hi == pytest.approx(rate * math.exp(z / math.sqrt(s)), rel=1e-4)
    nll = n * rate - s * math.log(rate)
    assert res.loglik == pytest.approx(-nll, rel=1e-9)
    assert res.bic == pytest.approx(math.log(n) + 2 * nll, rel=1e-9)
    assert res.diagnostics["condition_number"] == 1.0
    assert res.diagnostics["max_abs_corr"] == 0.0  # one model parameter: no pair


def test_fit_likelihood_covariance_is_the_inverse_information_and_flags_correlation():
    """For a quadratic the covariance is ``A^-1`` exactly (up to the differences'
    rounding), the condition number that of ``A``, and a correlation above 0.95 between
    model parameters warns; a nuisance parameter's correlation does not count."""
    a = np.array([[1.0, 0.98], [0.98, 1.0]])
    q = Quadratic(a, [0.3, -0.2])
    with pytest.warns(IdentifiabilityWarning, match=r"`x0` and `x1` are strongly correlated"):
        res = fit_likelihood(q)
    np.testing.assert_allclose(res.cov, np.linalg.inv(a), rtol=1e-6)
    np.testing.assert_allclose(res.diagnostics["condition_number"], 1.98 / 0.02, rtol=1e-6)
    assert res.diagnostics["max_abs_corr"] == pytest.approx(0.98, rel=1e-6)
    assert res.params == pytest.approx({"x0": 0.3, "x1": -0.2}, abs=1e-6)
    quiet = Quadratic(a, [0.3, -0.2])
    quiet.nuisance = ("x1",)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = fit_likelihood(quiet)
    assert res.diagnostics["max_abs_corr"] == 0.0


def test_fit_likelihood_on_a_bound_frees_the_others_and_a_singular_information_says_so():
    """A parameter on its bound gets no error (its row and column of the covariance
    stay inf) while the others get theirs from the free block; a flat direction makes
    the information singular, which a note says."""
    q = Quadratic(np.diag([4.0, 1.0]), [-1.0, 0.5], bounds=[(0.0, 1.0), (-1.0, 1.0)])
    with pytest.warns(ConvergenceWarning, match="`x0` at its lower bound"):
        res = fit_likelihood(q)
    assert res.status == 2 and math.isinf(res.stderr["x0"])
    assert res.stderr["x1"] == pytest.approx(1.0, rel=1e-6)
    flat = Quadratic(np.diag([1.0, 0.0]), [0.2, 0.0])
    with pytest.warns(UserWarning) as record:  # a zero eigenvalue: no division by it
        res = fit_likelihood(flat)
    note = "The observed information is singular: standard errors could not be estimated."
    assert [str(w.message) for w in record] == [note] and res.warnings == (note,)
    assert math.isinf(res.diagnostics["condition_number"])


def test_fit_likelihood_refuses_empty_data_and_too_few_observations():
    with pytest.warns(ConvergenceWarning):
        empty = fit_likelihood(PoissonRate(10, 0))
    assert empty.status == 3 and empty.message == TERMINATION_MESSAGES[3]
    q = Quadratic(np.eye(2), np.zeros(2))
    q.n_obs = 1
    with pytest.warns(ConvergenceWarning):
        few = fit_likelihood(q)
    assert few.status == 6 and few.message == q.too_few()


@pytest.mark.parametrize(
    ("status", "suffix"), [(2, ": `m` free."), (4, ": `m` free."), (1, ": `m` free")]
)
def test_assemble_ends_a_bound_or_an_abnormal_stop_detail_with_a_full_stop(status, suffix):
    """Statuses 2 and 4 (whose messages end mid-sentence) take the detail and a full
    stop; the others append the detail as given."""
    q = Quadratic(np.eye(1), np.zeros(1))
    with pytest.warns(ConvergenceWarning):
        res = assemble(q, [0.5], fun=1.0, nit=1, nfev=1, xtol=1e-5, level=0.95,
                       status=status, detail=": `m` free")  # fmt: skip
    assert res.message == TERMINATION_MESSAGES[status] + suffix
    assert res.warnings == (res.message,) and res.status == status


def test_assemble_puts_poor_identification_in_the_message_and_every_note_in_warnings():
    q = Quadratic(np.eye(1), np.zeros(1))
    notes = [
        (IdentifiabilityWarning, "The market size `m` is poorly identified: no peak yet."),
        (UserWarning, "Three bins were left out."),
    ]
    with pytest.warns(UserWarning) as record:
        res = assemble(q, [0.5], fun=1.0, nit=1, nfev=1, xtol=1e-5, level=0.95, notes=notes)
    assert res.success
    assert res.message == TERMINATION_MESSAGES[0] + " " + notes[0][1]
    assert res.warnings == (notes[0][1], notes[1][1])
    assert [(w.category, str(w.message)) for w in record] == notes


@pytest.mark.parametrize("n_obs", [0, 1])
def test_bic_counts_no_observations_as_one(n_obs):
    """``p log(max(n, 1)) + 2 nll``: with 0 or 1 observations the penalty is 0."""
    q = Quadratic(np.eye(2), np.zeros(2))
    q.n_obs = n_obs
    res = assemble(q, [0.1, 0.2], fun=3.0, nit=1, nfev=1, xtol=1e-5, level=0.95,
                   cov_x=np.eye(2), likelihood=True)  # fmt: skip
    assert res.bic == 6.0 and res.aic == 10.0


def test_failed_counts_no_iterations_by_default():
    q = Quadratic(np.eye(2), np.zeros(2))
    with pytest.warns(ConvergenceWarning):
        res = failed(q, 3, "nothing")
    assert (res.nit, res.nfev, res.level, res.ci_method) == (0, 0, 0.95, "wald")


def test_fit_likelihood_defaults_to_1000_iterations_and_200_bootstrap_replicates():
    """`max_iter` reaches the problem's `prepare` hook (its counts add to the result's);
    the bootstrap interval is the percentile interval of 200 replicates."""
    seen = []

    class Prepared(PoissonRate):
        prep_counts = (3, 11)

        def prepare(self, max_iter):
            seen.append(max_iter)

    plain = fit_likelihood(PoissonRate(24, 380))
    res = fit_likelihood(Prepared(24, 380))
    assert seen == [1000]
    assert (res.nit, res.nfev) == (plain.nit + 3, plain.nfev + 11)
    boot = fit_likelihood(PoissonRate(24, 380), ci_method="bootstrap", rng=5)
    assert boot.ci_method == "bootstrap" and boot.level == 0.95
    assert boot.intervals == plain.bootstrap(200, rng=5).conf_int(0.95)
    assert boot.intervals != plain.bootstrap(199, rng=5).conf_int(0.95)


def test_a_fit_to_cascades_has_no_observed_window():
    """Problems on cascades keep the default ``n_bins = 0``: no observed bins to show or
    predict, and a forecast asks for `simulate_cascades`."""
    g = spread.Graph.from_edges([0, 0], [1, 2])
    rows = pd.DataFrame({"c": [0, 0, 1], "v": [0, 1, 0], "t": [0.0, 1.0, 0.0]})
    res = fit_ic(spread.Cascades.from_frame(rows, cascade="c", node="v", time="t", graph=g))
    assert res.success and res.n_obs_bins == 0 and res.observed() is None
    assert res.predict().size == 0
    with pytest.raises(InvalidParameterError, match="use `simulate_cascades`"):
        res.predict(3)


def test_fit_likelihood_at_a_saddle_reports_no_errors_and_an_indefinite_information():
    """Started at a saddle (``nll = x0^2 - x1^2 / 4``, gradient 0) the optimizer stays
    there; an information with a negative eigenvalue gives no covariance (standard
    errors inf, the condition number inf) and the singular-information note."""
    q = Quadratic(np.diag([2.0, -0.5]), [0.0, 0.0])
    with pytest.warns(UserWarning, match="observed information is singular"):
        res = fit_likelihood(q)
    assert res.params == {"x0": 0.0, "x1": 0.0}
    assert all(math.isinf(v) for v in res.stderr.values()) and np.isinf(res.cov).all()
    assert math.isinf(res.diagnostics["condition_number"])


def test_fit_likelihood_with_every_parameter_on_a_bound_has_no_free_block():
    q = Quadratic(np.eye(2), [-1.0, 2.0], bounds=[(0.0, 1.0), (0.0, 1.0)])
    with pytest.warns(ConvergenceWarning, match="`x0` at its lower bound.*`x1` at its upper"):
        res = fit_likelihood(q, ci_method="profile")
    assert res.status == 2 and res.params == pytest.approx({"x0": 0.0, "x1": 1.0}, abs=1e-12)
    assert np.isinf(res.cov).all() and math.isinf(res.diagnostics["condition_number"])
    assert res.ci_method == "wald"  # no profile intervals for a fit that did not succeed


def test_a_correlation_of_exactly_0_95_does_not_warn():
    class Exact(Quadratic):
        def hessian(self, x):
            return np.array([[1.0, -0.95], [-0.95, 1.0]])

    q = Exact(np.array([[1.0, -0.95], [-0.95, 1.0]]), [0.1, 0.2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = fit_likelihood(q)
    assert res.diagnostics["max_abs_corr"] == 0.95


def test_an_infinite_likelihood_at_the_optimum_fails_with_status_5():
    class Nowhere(PoissonRate):
        def nll(self, x):
            return math.inf

    with pytest.warns(ConvergenceWarning, match="not finite"):
        res = fit_likelihood(Nowhere(10, 30))
    assert res.status == 5 and res.message == TERMINATION_MESSAGES[5]
    assert math.isnan(res.params["rate"])


def test_only_a_nuisance_parameter_on_its_upper_bound_is_benign():
    """The dispersion note is for a nuisance parameter at its upper bound (no
    overdispersion), not at its lower one nor for a model parameter at its upper one."""
    bounds = [(-5.0, 5.0), (0.0, 1.0)]
    q = Quadratic(np.eye(2), [0.5, 3.0], names=["m", "k"], bounds=bounds)
    q.nuisance = ("k",)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = fit_likelihood(q)
    assert res.success and "dispersion_note" in res.diagnostics
    assert res.stderr["m"] == pytest.approx(1.0, rel=1e-6) and math.isinf(res.stderr["k"])
    for c, nuisance in (([0.5, -3.0], ("k",)), ([0.5, 3.0], ())):
        q = Quadratic(np.eye(2), c, names=["m", "k"], bounds=bounds)
        q.nuisance = nuisance
        with pytest.warns(ConvergenceWarning, match="`k` at its"):
            res = fit_likelihood(q)
        assert res.status == 2 and "dispersion_note" not in res.diagnostics


def test_a_problem_note_about_identification_is_an_identifiability_warning():
    class Noted(Quadratic):
        def notes(self, x, cov_x):
            return ["`x0` is poorly identified here.", "Two bins were merged."]

    with pytest.warns(UserWarning) as record:
        res = fit_likelihood(Noted(np.eye(1), [0.3]))
    assert [(w.category, str(w.message)) for w in record] == [
        (IdentifiabilityWarning, "`x0` is poorly identified here."),
        (UserWarning, "Two bins were merged."),
    ]
    assert res.message == TERMINATION_MESSAGES[0] + " `x0` is poorly identified here."


def test_parameter_draws_hold_what_has_no_variance_and_stay_within_the_bounds():
    """`FitResult.simulate(with_uncertainty=True)` draws parameters from
    N(x_hat, cov_x) (eigen-decomposition), holding a parameter with no finite variance
    (on a bound) at its estimate and clipping every draw to the bounds; no finite
    variance at all means no draws."""
    q = Quadratic(np.eye(3), np.zeros(3), bounds=[(-9.0, 9.0), (0.0, 1.0), (-1.0, 1.0)])
    cov_x = np.array([[0.25, np.inf, 0.05], [np.inf, np.inf, np.inf], [0.05, np.inf, 1.0]])
    x = np.array([2.0, 0.0, 0.5])
    with pytest.warns(ConvergenceWarning):  # x1 on its lower bound
        res = assemble(q, x, fun=1.0, nit=1, nfev=1, xtol=1e-5, level=0.95, cov_x=cov_x)
    n = 4000
    draws = res._param_draws(n, np.random.default_rng(3))
    finite = np.where(np.isfinite(cov_x), cov_x, 0.0)
    expected = np.random.default_rng(3).multivariate_normal(x, finite, size=n, method="eigh")
    np.testing.assert_array_equal(draws, np.clip(expected, [-9, 0, -1], [9, 1, 1]))
    assert np.all(draws[:, 1] == 0.0)
    assert abs(draws[:, 0].mean() - 2.0) < 4 * 0.5 / math.sqrt(n)
    assert draws[:, 2].min() == -1.0 and draws[:, 2].max() == 1.0
    assert 0.2 < np.mean(draws[:, 2] == 1.0) < 0.4  # P(N(0.5, 1) > 1) = 0.31
    q.cov_x = np.full((3, 3), np.inf)
    assert res._param_draws(10, np.random.default_rng(0)) is None


def test_forecast_paths_are_refused_past_16_bytes_a_draw(monkeypatch):
    """Each simulated count keeps itself and its cumulative sum (8 bytes each): 100
    paths of 10 bins fit in 16,000 bytes, 101 do not."""
    res = fit_bass(bass_trend())
    monkeypatch.setattr("spread._common.default_memory_limit", lambda: 16_000)
    assert res.forecast(10, n_paths=100).shape == (10, 6)
    with pytest.raises(MemoryLimitError, match="101 path"):
        res.forecast(10, n_paths=101)


def test_a_profile_grid_holds_finite_numbers_and_positive_ones_for_log_parameters():
    res = fit_bass(bass_trend())
    for name, grid, bad in (("m", [4e3, 0.0], "0.0 at position 1"),
                            ("m", [math.inf], "inf at position 0"),
                            ("p", [0.01, math.nan], "nan at position 1")):  # fmt: skip
        with pytest.raises(InvalidParameterError, match=f"finite numbers.*; got {bad}"):
            res.profile(name, grid=grid)
    with pytest.raises(InvalidParameterError, match=r"non-empty 1-d array of numbers \(> 0\)"):
        res.profile("m", grid=[[4e3, 5e3]])
    free = fit_likelihood(Quadratic(np.eye(2), [0.3, -0.2]))  # not log: 0 and below are fine
    prof = free.profile("x1", grid=[-1.0, 0.0])
    assert list(prof["value"]) == [-1.0, 0.0]
    np.testing.assert_allclose(prof["loglik"], [-0.32, -0.02], rtol=1e-6)
    with pytest.raises(InvalidParameterError, match="got inf at position 0"):
        free.profile("x1", grid=[math.inf])


def test_predictions_run_the_model_to_the_last_bin_asked_and_draw_100_paths():
    res = fit_bass(bass_trend())
    asked = []
    model = res._fit.predict
    res._fit.predict = lambda x, n_total: asked.append(n_total) or model(x, n_total)
    full = res.predict(40)
    np.testing.assert_array_equal(res.predict([3, 39, 0]), full[[3, 39, 0]])
    np.testing.assert_array_equal(res.predict([5], cumulative=True), [full[:6].sum()])
    assert asked == [40, 40, 6]
    assert res.predict(np.array([], dtype=int)).size == 0 and asked == [40, 40, 6]
    assert res.simulate(5, rng=0).shape == (100, 5)
    for bad in ([[1], [2, 3]], [1.5], [-1], [[1, 2]]):
        with pytest.raises(InvalidParameterError, match="`bins` must be a number of bins"):
            res.predict(bad)


def test_conf_int_defaults_to_the_fits_level_method_and_bootstrap(monkeypatch):
    """Without a level, the fit's; without a method, the fit's own (a profile fit's new
    level is profiled again); a bootstrap without `n_resamples` draws 200 replicates,
    or reuses the one it is given when that has enough; the forecast's defaults are
    1,000 paths from seed 0."""
    trend = bass_trend()
    res = fit_bass(trend, loss="poisson")  # no dispersion `k`, whose interval is NaN here
    assert res.conf_int(method="wald") == res.conf_int(res.level, "wald") == res.intervals
    prof = res.with_conf_int("profile")
    assert (prof.ci_method, prof.level) == ("profile", 0.95) and prof.intervals == prof.conf_int()
    assert prof.conf_int(0.8) == prof.conf_int(0.8, "profile") != res.conf_int(0.8, "wald")
    boot = res.bootstrap(20, rng=5)
    assert res.conf_int(method="bootstrap", rng=5) == res.bootstrap(200, rng=5).conf_int(0.95)

    def refuse(*args, **kwargs):
        raise AssertionError("a bootstrap with enough replicates was drawn again")

    monkeypatch.setattr(FitResult, "bootstrap", refuse)
    assert res.conf_int(method="bootstrap", bootstrap_result=boot) == boot.conf_int(0.95)
    monkeypatch.undo()
    np.testing.assert_array_equal(res.forecast(5), res.forecast(5, n_paths=1000, rng=0))


def test_the_result_plot_forecasts_only_when_asked_or_given_held_out_counts():
    """`FitResult.plot`: no forecast by default; with `test`, one over its length; the
    band is `forecast(horizon, 0.9)` from seed 0. `summary` lists every warning."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    trend = bass_trend()
    res = fit_bass(trend, loss="poisson")
    ax = res.plot()
    assert len(ax.lines) == 2 and not ax.collections and ax.get_title() == ""
    ax = res.plot(test=Trend.from_counts(np.full(4, 50)), trend=trend)
    dashed = [line for line in ax.lines if line.get_linestyle() == "--"]
    assert len(dashed) == 1 and len(dashed[0].get_xdata()) == 4
    ax = res.plot(horizon=2, test=Trend.from_counts(np.full(4, 50)), trend=trend)
    assert [len(line.get_xdata()) for line in ax.lines if line.get_linestyle() == "--"] == [2]
    early = fit_bass(trend[:12], loss="poisson")  # bands wide enough that seeds tell apart
    ax = early.plot(horizon=3)
    fc = early.forecast(3, 0.9)
    assert not fc.equals(early.forecast(3, 0.9, rng=1))
    np.testing.assert_array_equal(ax.lines[-1].get_ydata(), fc["mean"])
    band = ax.collections[-1].get_paths()[0].vertices[:, 1]
    assert np.isin(fc["upper"], band).all() and np.isin(fc["lower"], band).all()
    plt.close("all")
    q = Quadratic(np.eye(1), np.zeros(1))
    notes = [(UserWarning, "first note"), (UserWarning, "second note")]
    with pytest.warns(UserWarning):
        noted = assemble(q, [0.5], fun=1.0, nit=1, nfev=1, xtol=1e-5, level=0.95, notes=notes)
    assert noted.summary().endswith("\n  warning: first note\n  warning: second note")


def test_bootstrap_draws_200_replicates_by_default():
    res = fit_bass(bass_trend())
    boot = res.bootstrap(rng=3)
    assert boot.n_resamples + boot.n_failed == 200
