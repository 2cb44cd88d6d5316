"""Curve models fitted to a binned count series: Bass, logistic, Gompertz, SI and SIR.

Each model gives the expected new adoptions per bin, ``mu_t(theta)``; the fit
maximises a negative-binomial (default) or Poisson likelihood of the observed
increments ``y_t`` (FITTING.md §2.0). The cumulative curve is never fitted by least
squares: its residuals are integrated, and its standard errors far too small.
"""

import math
from collections.abc import Mapping

import numpy as np

from .._random import as_generator
from .._time import check_bin_count
from .._validation import check_in, check_int, check_nonnegative_float, check_real
from ..exceptions import InvalidParameterError
from ..trend import Trend, as_trend
from . import _losses
from ._counts import CountProblem
from ._curve_models import SPECS
from ._problem import fit_likelihood
from ._settings import _Settings, _TrendMethods

__all__ = [
    "BassEstimator",
    "GompertzEstimator",
    "LogisticEstimator",
    "SIEstimator",
    "SIREstimator",
    "fit_bass",
    "fit_gompertz",
    "fit_logistic",
    "fit_si",
    "fit_sir",
    "simulate_trend",
]

_CI = ("wald", "profile", "bootstrap")


# ====================================================================== helpers
# =================================================================== estimators
class _CurveEstimator(_Settings, _TrendMethods):
    """Shared sklearn-style plumbing (settings in `__init__`, `fit` returns self)."""

    _spec = None

    def __init__(
        self,
        *,
        loss="negbin",
        ci_method="wald",
        level=0.95,
        max_iter=1000,
        n_resamples=200,
        rng=None,
    ):
        self.loss = loss
        self.ci_method = ci_method
        self.level = level
        self.max_iter = max_iter
        self.n_resamples = n_resamples
        self.rng = rng

    def _validate(self):
        check_in(self.loss, name="loss", options=_losses.LOSSES)
        check_in(self.ci_method, name="ci_method", options=_CI)
        if not isinstance(self.level, float | int) or not 0 < self.level < 1:
            msg = f"`level` must lie in (0, 1); got {self.level!r}."
            raise InvalidParameterError(msg)
        check_int(self.max_iter, name="max_iter", min_value=1)
        check_int(self.n_resamples, name="n_resamples", min_value=2)

    def _fixed(self, trend):
        return {}

    def fit(self, trend):
        """Fit to a `Trend` (or counts per bin); returns self.

        Parameters
        ----------
        trend : Trend, pandas.Series or array_like
            New adoptions per bin.

        Returns
        -------
        self
        """
        self._validate()
        trend = as_trend(trend)
        problem = CountProblem(SPECS[self._spec], trend, self.loss, self._fixed(trend))
        result = fit_likelihood(
            problem,
            max_iter=self.max_iter,
            level=float(self.level),
            ci_method=self.ci_method,
            n_resamples=self.n_resamples,
            rng=self.rng,
        )
        self.result_ = result
        self.params_ = dict(result.params)
        self.n_iter_ = result.nit
        return self


_COMMON_PARAMS = """
    loss : {"negbin", "poisson"}, default "negbin"
        Likelihood of the per-bin increments; the negative binomial fits its
        dispersion ``k`` (variance ``mu + mu**2 / k``), as real trend data are
        overdispersed.
    ci_method : {"wald", "profile", "bootstrap"}, default "wald"
        How `result_.intervals` is computed (see `FitResult.conf_int`).
    level : float, default 0.95
        Confidence level of the intervals.
    max_iter : int, default 1000
        Iterations of the optimizer (SLSQP) per start.
    n_resamples : int, default 200
        Bootstrap replicates when ``ci_method="bootstrap"``.
    rng : None, int or numpy.random.Generator
        Randomness of the bootstrap."""

_ATTRIBUTES = """
    Attributes
    ----------
    params_ : dict
        Fitted parameters (natural units, rates per bin).
    result_ : FitResult
        Everything else: errors, intervals, status, diagnostics.
    n_iter_ : int
        Optimizer iterations."""


class BassEstimator(_CurveEstimator):
    __doc__ = f"""Bass diffusion model fitted to new adoptions per bin.

    ``N(t) = m F(t - t0)`` with ``F(t) = (1 - e^{{-(p+q)t}}) / (1 + (q/p) e^{{-(p+q)t}})``:
    each non-adopter adopts at rate ``p`` (external influence) plus ``q`` times the
    fraction already adopted (imitation). The expected count of bin ``i`` is
    ``m [F(i + 1 - t0) - F(i - t0)]``. Bass's (1969) OLS regression gives the start; the
    fit is by maximum likelihood on the increments (Srinivasan & Mason 1986 in
    likelihood form).

    Parameters
    ----------
    t0 : float or "fit", optional
        Launch time in bins from the start of the series. Default: the start of the
        first non-zero bin. ``"fit"`` estimates it.
    {_COMMON_PARAMS}
    {_ATTRIBUTES}

    Warns
    -----
    IdentifiabilityWarning
        The series has not peaked: the market size ``m`` is poorly identified
        (Van den Bulte & Lilien 1997).
    ConvergenceWarning
        The fit did not succeed (a parameter on its bound, no data, ...).

    References
    ----------
    Bass, F. M. (1969). A new product growth for model consumer durables.
    Management Science 15(5), 215-227.

    Examples
    --------
    The Bass model expects ``m (F(t + 1) - F(t))`` adopters in bin ``t``, with
    ``F(t) = (1 - e^{{-(p + q) t}}) / (1 + (q / p) e^{{-(p + q) t}})``. Fitted to those
    expected counts themselves, the estimator gives the parameters back:

    >>> import numpy as np
    >>> from spread import Trend
    >>> from spread.fit import BassEstimator, simulate_trend
    >>> F = lambda t: (1 - np.exp(-0.41 * t)) / (1 + 40 * np.exp(-0.41 * t))  # p=0.01, q=0.4
    >>> exact = Trend.from_counts(10_000 * np.diff(F(np.arange(31))))
    >>> est = BassEstimator(loss="poisson").fit(exact)
    >>> {{k: round(v, 2) for k, v in est.params_.items()}}
    {{'m': 10000.0, 'p': 0.01, 'q': 0.4}}

    On Poisson counts drawn around that curve, the 95% intervals cover the truth:

    >>> truth = {{"m": 10_000, "p": 0.01, "q": 0.4}}
    >>> est = BassEstimator(loss="poisson").fit(simulate_trend("bass", truth, 30, rng=1))
    >>> intervals = est.result_.conf_int()
    >>> est.result_.success, all(lo < truth[k] < hi for k, (lo, hi) in intervals.items())
    (True, True)
    """

    _spec = "bass"

    def __init__(
        self,
        *,
        t0=None,
        loss="negbin",
        ci_method="wald",
        level=0.95,
        max_iter=1000,
        n_resamples=200,
        rng=None,
    ):
        super().__init__(
            loss=loss,
            ci_method=ci_method,
            level=level,
            max_iter=max_iter,
            n_resamples=n_resamples,
            rng=rng,
        )
        self.t0 = t0

    def _fixed(self, trend):
        if isinstance(self.t0, str):
            check_in(self.t0, name="t0", options=("fit",))
            return {}
        if self.t0 is None:
            nz = np.flatnonzero(trend.counts > 0)
            return {"t0": float(nz[0]) if nz.size else 0.0}
        try:
            t0 = float(self.t0)
        except (TypeError, ValueError):
            t0 = math.nan
        if not np.isfinite(t0):
            msg = f"`t0` must be None, 'fit' or a finite number of bins; got {self.t0!r}."
            raise InvalidParameterError(msg)
        return {"t0": t0}


class LogisticEstimator(_CurveEstimator):
    __doc__ = f"""Logistic growth curve fitted to new adoptions per bin.

    ``M(t) = K / (1 + exp(-r (t - tm)))``: final size ``K``, growth rate ``r`` per bin,
    midpoint (peak of the increments) ``tm`` in bins from the start. Equal to the
    mean-field SI model (`SIEstimator`) and to Bass with ``p -> 0``.

    Parameters
    ----------
    {_COMMON_PARAMS}
    {_ATTRIBUTES}

    Examples
    --------
    >>> from spread.fit import LogisticEstimator, simulate_trend
    >>> trend = simulate_trend("logistic", {{"K": 5000, "r": 0.5, "tm": 15}}, 40, rng=0)
    >>> est = LogisticEstimator(loss="poisson").fit(trend)
    >>> round(est.params_["r"], 2), round(est.params_["tm"], 1)
    (0.5, 15.0)
    """

    _spec = "logistic"


class GompertzEstimator(_CurveEstimator):
    __doc__ = f"""Gompertz growth curve fitted to new adoptions per bin.

    ``M(t) = K exp(-exp(-c (t - tm)))``, i.e. ``K exp(-b e^{{-ct}})`` with ``b = e^{{c tm}}``:
    an asymmetric S-curve whose increments peak at ``tm`` with a long right tail.

    Parameters
    ----------
    {_COMMON_PARAMS}
    {_ATTRIBUTES}

    Examples
    --------
    >>> from spread.fit import GompertzEstimator, simulate_trend
    >>> trend = simulate_trend("gompertz", {{"K": 5000, "c": 0.3, "tm": 12}}, 40, rng=0)
    >>> est = GompertzEstimator(loss="poisson").fit(trend)
    >>> round(est.params_["c"], 2)
    0.3
    """

    _spec = "gompertz"


class _PopulationEstimator(_CurveEstimator):
    def __init__(
        self,
        *,
        population=None,
        loss="negbin",
        ci_method="wald",
        level=0.95,
        max_iter=1000,
        n_resamples=200,
        rng=None,
    ):
        super().__init__(
            loss=loss,
            ci_method=ci_method,
            level=level,
            max_iter=max_iter,
            n_resamples=n_resamples,
            rng=rng,
        )
        self.population = population

    def _fixed(self, trend):
        pop = self.population
        if isinstance(pop, str):
            check_in(pop, name="population", options=("fit",))
            return {}
        if pop is None:
            pop = trend.population
        if pop is None or (isinstance(pop, float) and math.isnan(pop)):
            return {}
        try:
            pop = float(pop)
        except (TypeError, ValueError):
            pop = math.nan
        if not np.isfinite(pop) or pop <= 0:
            msg = (
                f"`population` must be None, 'fit' or a positive number; got {self.population!r}."
            )
            raise InvalidParameterError(msg)
        return {"N": pop}


class SIEstimator(_PopulationEstimator):
    __doc__ = f"""Mean-field SI model fitted to new adoptions per bin.

    ``dI/dt = beta S I / N``, so ``I(t) = N / (1 + (N / i0 - 1) e^{{-beta t}})``; new
    adoptions per bin are the increments of ``I``. ``N`` is fitted unless given
    (`population`, or the trend's own).

    Parameters
    ----------
    population : float or "fit", optional
        Known population ``N``. Default: the trend's `population` if set, else fitted;
        ``"fit"`` always fits it.
    {_COMMON_PARAMS}
    {_ATTRIBUTES}

    Examples
    --------
    >>> from spread.fit import SIEstimator, simulate_trend
    >>> trend = simulate_trend("si", {{"N": 2000, "beta": 0.6, "i0": 2}}, 30, rng=0)
    >>> est = SIEstimator(population=2000, loss="poisson").fit(trend)
    >>> round(est.params_["beta"], 2)
    0.6
    """

    _spec = "si"


class SIREstimator(_PopulationEstimator):
    __doc__ = f"""Mean-field SIR model fitted to new adoptions (infections) per bin.

    ``dS/dt = -beta S I / N``, ``dI/dt = beta S I / N - gamma I``, from ``I(0) = i0``;
    observed counts are ``S(t) - S(t + 1)``. ``R0 = beta / gamma`` is reported in
    `result_.diagnostics`. Before the peak only ``beta - gamma`` is identified (Roosa
    & Chowell 2019): expect the correlation warning.

    Parameters
    ----------
    population : float or "fit", optional
        Known population ``N`` (recommended: it makes beta and gamma separable).
        Default: the trend's `population` if set, else fitted; ``"fit"`` always fits it.
    {_COMMON_PARAMS}
    {_ATTRIBUTES}

    References
    ----------
    Kermack, W. O., McKendrick, A. G. (1927). A contribution to the mathematical
    theory of epidemics. Proc. R. Soc. A 115, 700-721.

    Examples
    --------
    >>> from spread.fit import SIREstimator, simulate_trend
    >>> trend = simulate_trend("sir", {{"N": 10_000, "beta": 0.8, "gamma": 0.3, "i0": 5}},
    ...                        60, rng=0)
    >>> est = SIREstimator(population=10_000, loss="poisson").fit(trend)
    >>> round(est.params_["beta"], 1), round(est.params_["gamma"], 1)
    (0.8, 0.3)
    """

    _spec = "sir"


def fit_bass(
    trend,
    *,
    t0=None,
    loss="negbin",
    ci_method="wald",
    level=0.95,
    max_iter=1000,
    n_resamples=200,
    rng=None,
):
    """Fit the Bass model; returns the `FitResult` (parameters as `BassEstimator`).

    Examples
    --------
    >>> from spread.fit import fit_bass, simulate_trend
    >>> res = fit_bass(simulate_trend("bass", {"m": 1000, "p": 0.02, "q": 0.5}, 25, rng=3))
    >>> res.success, sorted(res.params)
    (True, ['k', 'm', 'p', 'q'])
    >>> low, high = res.conf_int()["m"]
    >>> bool(low < res.params["m"] < high)
    True
    """
    est = BassEstimator(
        t0=t0,
        loss=loss,
        ci_method=ci_method,
        level=level,
        max_iter=max_iter,
        n_resamples=n_resamples,
        rng=rng,
    )
    return est.fit(trend).result_


def fit_logistic(
    trend, *, loss="negbin", ci_method="wald", level=0.95, max_iter=1000, n_resamples=200, rng=None
):
    """Fit the logistic curve; returns the `FitResult` (parameters as `LogisticEstimator`)."""
    est = LogisticEstimator(
        loss=loss,
        ci_method=ci_method,
        level=level,
        max_iter=max_iter,
        n_resamples=n_resamples,
        rng=rng,
    )
    return est.fit(trend).result_


def fit_gompertz(
    trend, *, loss="negbin", ci_method="wald", level=0.95, max_iter=1000, n_resamples=200, rng=None
):
    """Fit the Gompertz curve; returns the `FitResult` (parameters as `GompertzEstimator`)."""
    est = GompertzEstimator(
        loss=loss,
        ci_method=ci_method,
        level=level,
        max_iter=max_iter,
        n_resamples=n_resamples,
        rng=rng,
    )
    return est.fit(trend).result_


def fit_si(
    trend,
    *,
    population=None,
    loss="negbin",
    ci_method="wald",
    level=0.95,
    max_iter=1000,
    n_resamples=200,
    rng=None,
):
    """Fit the mean-field SI model; returns the `FitResult` (parameters as `SIEstimator`)."""
    est = SIEstimator(
        population=population,
        loss=loss,
        ci_method=ci_method,
        level=level,
        max_iter=max_iter,
        n_resamples=n_resamples,
        rng=rng,
    )
    return est.fit(trend).result_


def fit_sir(
    trend,
    *,
    population=None,
    loss="negbin",
    ci_method="wald",
    level=0.95,
    max_iter=1000,
    n_resamples=200,
    rng=None,
):
    """Fit the mean-field SIR model; returns the `FitResult` (parameters as `SIREstimator`)."""
    est = SIREstimator(
        population=population,
        loss=loss,
        ci_method=ci_method,
        level=level,
        max_iter=max_iter,
        n_resamples=n_resamples,
        rng=rng,
    )
    return est.fit(trend).result_


def simulate_trend(model, params, n_bins, *, dispersion=None, rng=None, freq=None, start=None):
    """Simulate a count series from a curve model with known parameters.

    Parameters
    ----------
    model : {"bass", "logistic", "gompertz", "si", "sir"}
    params : dict
        The model's parameters (Bass ``t0`` defaults to 0).
    n_bins : int
    dispersion : float, optional
        Negative-binomial dispersion ``k`` (variance ``mu + mu**2 / k``); default
        Poisson noise.
    rng : seed
    freq, start
        Bin width and start, as for `Trend.from_counts`.

    Returns
    -------
    Trend

    Examples
    --------
    Poisson counts around the Bass curve ``m (F(t + 1) - F(t))``,
    ``F(t) = (1 - e^{-(p + q) t}) / (1 + (q / p) e^{-(p + q) t})``: every bin lies within
    4 Poisson standard deviations of its mean.

    >>> import numpy as np
    >>> from spread.fit import simulate_trend
    >>> tr = simulate_trend("bass", {"m": 500, "p": 0.03, "q": 0.4}, 10, rng=0)
    >>> F = lambda t: (1 - np.exp(-0.43 * t)) / (1 + 0.4 / 0.03 * np.exp(-0.43 * t))
    >>> mean = 500 * np.diff(F(np.arange(11)))
    >>> mean.round(1)
    array([18.1, 25.4, 34.2, 43.6, 51.9, 56.8, 57. , 52.2, 44. , 34.6])
    >>> bool(np.all(abs(tr.counts - mean) < 4 * np.sqrt(mean)))
    True
    """
    check_in(model, name="model", options=tuple(SPECS))
    spec = SPECS[model]
    n_bins = check_int(n_bins, name="n_bins", min_value=1)
    check_bin_count(n_bins, name="n_bins")
    if not isinstance(params, Mapping):
        msg = f"`params` must be a dict of {list(spec.names)} for {model!r}; got {params!r:.80}."
        raise InvalidParameterError(msg)
    theta = {"t0": 0.0} if model == "bass" else {}
    theta.update(params)
    missing = [n for n in spec.names if n not in theta]
    if missing:
        msg = f"`params` must give {list(spec.names)} for {model!r}; missing {missing}."
        raise InvalidParameterError(msg)
    for name, positive in zip(spec.names, spec.logs, strict=True):
        what = f"params[{name!r}]"
        theta[name] = (
            check_nonnegative_float(theta[name], name=what, allow_zero=False)
            if positive
            else check_real(theta[name], name=what)
        )
    k = math.inf  # Poisson
    if dispersion is not None and not (isinstance(dispersion, float) and dispersion == math.inf):
        k = check_nonnegative_float(dispersion, name="dispersion", allow_zero=False)
    with np.errstate(all="ignore"):  # checked below
        mu = spec.mean(theta, n_bins)
    if not np.isfinite(mu).all():  # parameters far apart: the curve overflows a float
        msg = (
            f"`params` must give finite expected counts; {model!r} with {params!r:.120} "
            f"overflows at bin {int(np.flatnonzero(~np.isfinite(mu))[0])}."
        )
        raise InvalidParameterError(msg)
    y = _losses.sample_counts(as_generator(rng), mu, k)
    pop = theta.get("N") if model in ("si", "sir") else None
    return Trend.from_counts(y, freq=freq, start=start, population=pop)
