"""Curve models fitted to a binned count series: Bass, logistic, Gompertz, SI and SIR.

Each model gives the expected new adoptions per bin, ``mu_t(theta)``; the fit
maximises a negative-binomial (default) or Poisson likelihood of the observed
increments ``y_t`` (FITTING.md §2.0). The cumulative curve is never fitted by least
squares: its residuals are integrated, and its standard errors far too small.
"""

import math

import numpy as np
from scipy.special import expit

from .._validation import check_in, check_int
from ..exceptions import InvalidParameterError
from ..trend import Trend, as_trend
from . import _losses
from ._counts import CountProblem
from ._curve_kernels import sir_increments
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
def _sigmoid_diff(a, b):
    """``expit(b) - expit(a)`` without cancellation in either tail."""
    mid = 0.5 * (a + b)
    return np.where(mid < 0, expit(b) - expit(a), expit(-a) - expit(-b))


def _shape_start(y):
    """Rough peak bin, peak height and final size of a count series."""
    y = np.asarray(y, dtype=np.float64)
    total = max(float(y.sum()), 1e-9)
    # Smooth a little so one noisy bin does not decide the peak.
    w = min(5, max(1, y.size // 10))
    ys = np.convolve(y, np.ones(w) / w, mode="same") if w > 1 else y
    peak = int(np.argmax(ys))
    height = max(float(ys[peak]), 1e-9)
    size = max(total, 2.0 * float(y[: peak + 1].sum()))
    return peak, height, size


def _peak_notes(spec, theta, n_bins, y, free, size_label):
    """The pre-peak identifiability note (FITTING.md §2.1.2)."""
    horizon = max(4 * n_bins, n_bins + 50)
    mu = spec.mean(theta, horizon, y)
    peak = int(np.argmax(mu))
    if spec.size_name in free and peak >= n_bins - 1 and mu[peak] > mu[0]:
        return [
            f"The series has not peaked (the fitted curve peaks at bin {peak}, at or after the "
            f"last observed bin {n_bins - 1}): {size_label} `{spec.size_name}` is poorly "
            "identified and tends to grow as more data arrive."
        ]
    return []


class _Spec:
    """A curve model: parameter names and scales, bounds, starts and the mean curve."""

    model = "?"
    names = ()
    logs = ()
    size_name = None
    size_label = "the final size"
    recursive = False

    def describe(self, theta, n_bins, y):
        horizon = max(4 * n_bins, n_bins + 50)
        mu = self.mean(theta, horizon, y)
        size = theta.get(self.size_name, math.nan) if self.size_name else math.nan
        return {
            "peak_bin": int(np.argmax(mu)),
            "fraction_observed": float(np.sum(y) / size)
            if size and np.isfinite(size)
            else math.nan,
        }

    def notes(self, theta, n_bins, y, free):
        return _peak_notes(self, theta, n_bins, y, free, self.size_label)


class _Bass(_Spec):
    """Bass (1969): hazard ``p + q F(t)``; ``N(t) = m F(t - t0)``."""

    model = "bass"
    names = ("m", "p", "q", "t0")
    logs = (True, True, True, False)
    size_name = "m"
    size_label = "the market size"

    @staticmethod
    def survival(tau, p, q):
        """``1 - F(tau)`` (1 for tau <= 0), accurate in the right tail."""
        tau = np.maximum(tau, 0.0)
        e = np.exp(-(p + q) * tau)
        r = q / p
        return (1.0 + r) * e / (1.0 + r * e)

    def mean(self, theta, n_total, y=None):
        edges = np.arange(n_total + 1, dtype=np.float64) - theta["t0"]
        g = self.survival(edges, theta["p"], theta["q"])
        return theta["m"] * (g[:-1] - g[1:])

    def bounds(self, y, fixed):
        total = max(float(np.sum(y)), 1.0)
        first = int(np.flatnonzero(np.asarray(y) > 0)[0]) if np.any(np.asarray(y) > 0) else 0
        return {
            "m": (0.5 * total, 1e3 * total),
            "p": (1e-8, 10.0),
            "q": (1e-8, 10.0),
            "t0": (-float(len(y)), first + 0.999),
        }

    def starts(self, y, fixed):
        y = np.asarray(y, dtype=np.float64)
        total = max(float(y.sum()), 1.0)
        t0 = fixed.get("t0", 0.0)
        out = []
        # Bass (1969) OLS: y_t = a + b Y_{t-1} + c Y_{t-1}^2, used only as a start.
        cum_prev = np.concatenate([[0.0], np.cumsum(y)[:-1]])
        X = np.column_stack([np.ones_like(cum_prev), cum_prev, cum_prev**2])
        try:
            (a, b, c), *_ = np.linalg.lstsq(X, y, rcond=None)
            disc = b * b - 4 * a * c
            if c < 0 and disc > 0:
                m = (-b - math.sqrt(disc)) / (2 * c)
                if m > 0 and a > 0:
                    p, q = a / m, -c * m
                    if 0 < p < 10 and 0 < q < 10:
                        out.append({"m": max(m, 0.6 * total), "p": p, "q": q, "t0": t0})
        except (np.linalg.LinAlgError, ValueError):
            pass
        peak, _height, size = _shape_start(y)
        for mult in (1.2, 3.0):
            for q in (0.1, 0.5):
                m = mult * size
                p = float(np.clip(y[: max(1, peak // 4 + 1)].mean() / m, 1e-6, 1.0))
                out.append({"m": m, "p": p, "q": q, "t0": t0})
        if "t0" not in fixed:  # launch before the series: try a few shifts
            for shift in (0.1, 0.25):
                for d in list(out[:2]):
                    out.append({**d, "t0": -shift * len(y)})
        return out


class _Logistic(_Spec):
    """Logistic: ``M(t) = K / (1 + exp(-r (t - tm)))``."""

    model = "logistic"
    names = ("K", "r", "tm")
    logs = (True, True, False)
    size_name = "K"

    def mean(self, theta, n_total, y=None):
        edges = np.arange(n_total + 1, dtype=np.float64)
        z = theta["r"] * (edges - theta["tm"])
        return theta["K"] * _sigmoid_diff(z[:-1], z[1:])

    def bounds(self, y, fixed):
        total = max(float(np.sum(y)), 1.0)
        n = len(y)
        return {"K": (0.5 * total, 1e3 * total), "r": (1e-6, 50.0), "tm": (-10.0 * n, 10.0 * n)}

    def starts(self, y, fixed):
        peak, height, size = _shape_start(y)
        out = []
        for mult in (1.0, 2.0):
            K = mult * size
            r = float(np.clip(4 * height / K, 1e-3, 5.0))
            out.append({"K": K, "r": r, "tm": peak + 0.5})
        out.append({"K": 3 * size, "r": 0.1, "tm": peak + 0.25 * len(y) + 1})
        return out


class _Gompertz(_Spec):
    """Gompertz: ``M(t) = K exp(-exp(-c (t - tm)))`` (= ``K exp(-b e^{-ct})``, ``b = e^{c tm}``)."""

    model = "gompertz"
    names = ("K", "c", "tm")
    logs = (True, True, False)
    size_name = "K"

    def mean(self, theta, n_total, y=None):
        edges = np.arange(n_total + 1, dtype=np.float64)
        u = np.exp(np.clip(-theta["c"] * (edges - theta["tm"]), -700, 700))
        tail = -np.expm1(-u)  # 1 - M/K, accurate when M is close to K
        return theta["K"] * (tail[:-1] - tail[1:])

    def bounds(self, y, fixed):
        total = max(float(np.sum(y)), 1.0)
        n = len(y)
        return {"K": (0.5 * total, 1e3 * total), "c": (1e-6, 50.0), "tm": (-10.0 * n, 10.0 * n)}

    def starts(self, y, fixed):
        peak, height, size = _shape_start(y)
        out = []
        for mult in (1.0, 2.0):
            K = mult * size
            c = float(np.clip(math.e * height / K, 1e-3, 5.0))
            out.append({"K": K, "c": c, "tm": peak + 0.5})
        out.append({"K": 3 * size, "c": 0.05, "tm": peak + 0.25 * len(y) + 1})
        return out


class _SI(_Spec):
    """Mean-field SI: ``I(t) = N / (1 + (N / i0 - 1) exp(-beta t))`` (a logistic)."""

    model = "si"
    names = ("N", "beta", "i0")
    logs = (True, True, True)
    size_name = "N"
    size_label = "the population"

    def mean(self, theta, n_total, y=None):
        N, beta, i0 = theta["N"], theta["beta"], theta["i0"]
        edges = np.arange(n_total + 1, dtype=np.float64)
        # I(t) = N expit(beta t - log(N / i0 - 1))
        shift = math.log(max(N / i0 - 1.0, 1e-300))
        z = beta * edges - shift
        return N * _sigmoid_diff(z[:-1], z[1:])

    def bounds(self, y, fixed):
        total = max(float(np.sum(y)), 1.0)
        return {"N": (0.5 * total, 1e3 * total), "beta": (1e-6, 50.0), "i0": (1e-6, 1e3 * total)}

    def starts(self, y, fixed):
        peak, height, size = _shape_start(y)
        out = []
        for mult in (1.0, 2.0):
            N = fixed.get("N", mult * size)
            beta = float(np.clip(4 * height / N, 1e-3, 5.0))
            i0 = N / (1.0 + math.exp(min(beta * (peak + 0.5), 600)))
            out.append({"N": N, "beta": beta, "i0": max(i0, 1e-5)})
        return out


class _SIR(_Spec):
    """Mean-field SIR (Kermack-McKendrick); observed = new infections per bin."""

    model = "sir"
    names = ("N", "beta", "gamma", "i0")
    logs = (True, True, True, True)
    size_name = "N"
    size_label = "the population"
    n_sub = 4

    def mean(self, theta, n_total, y=None):
        N, i0 = theta["N"], theta["i0"]
        if not (np.isfinite(N) and N > 0 and 0 < i0 < N):
            return np.full(n_total, np.nan)
        return sir_increments(
            float(N),
            float(theta["beta"]),
            float(theta["gamma"]),
            float(i0),
            int(n_total),
            self.n_sub,
        )

    def bounds(self, y, fixed):
        total = max(float(np.sum(y)), 1.0)
        return {
            "N": (0.5 * total, 1e4 * total),
            "beta": (1e-6, 20.0),
            "gamma": (1e-6, 20.0),
            "i0": (1e-6, 1e3 * total),
        }

    def starts(self, y, fixed):
        peak, height, size = _shape_start(y)
        out = []
        r = float(np.clip(4 * height / size, 1e-3, 3.0))
        for R0 in (1.5, 3.0, 8.0):
            z = 0.5
            for _ in range(200):  # final size: z = 1 - exp(-R0 z)
                z = 1 - math.exp(-R0 * z)
            N = fixed.get("N", size / max(z, 1e-3))
            zN = min(size / N, 0.999)
            gamma = r / (R0 - 1)
            beta = R0 * gamma
            i0 = float(np.clip(zN * N * math.exp(-r * (peak + 0.5)), 1e-5, 0.1 * N))
            out.append({"N": N, "beta": min(beta, 15.0), "gamma": min(gamma, 15.0), "i0": i0})
        return out

    def describe(self, theta, n_bins, y):
        out = super().describe(theta, n_bins, y)
        out["R0"] = theta["beta"] / theta["gamma"]
        return out


SPECS = {
    "bass": _Bass(),
    "logistic": _Logistic(),
    "gompertz": _Gompertz(),
    "si": _SI(),
    "sir": _SIR(),
}


# =================================================================== estimators
class _CurveEstimator(_Settings, _TrendMethods):
    """Shared sklearn-style plumbing (settings in `__init__`, `fit` returns self)."""

    _spec = None

    def __init__(
        self, *, loss="negbin", ci="wald", level=0.95, max_iter=1000, n_resamples=200, rng=None
    ):
        self.loss = loss
        self.ci = ci
        self.level = level
        self.max_iter = max_iter
        self.n_resamples = n_resamples
        self.rng = rng

    def _validate(self):
        check_in(self.loss, name="loss", options=_losses.LOSSES)
        check_in(self.ci, name="ci", options=_CI)
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
            ci=self.ci,
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
    ci : {"wald", "profile", "bootstrap"}, default "wald"
        How `result_.ci` is computed (see `FitResult.conf_int`).
    level : float, default 0.95
        Confidence level of the intervals.
    max_iter : int, default 1000
        Iterations of the optimizer (SLSQP) per start.
    n_resamples : int, default 200
        Bootstrap replicates when ``ci="bootstrap"``.
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
    >>> from spread.fit import BassEstimator, simulate_trend
    >>> trend = simulate_trend("bass", {{"m": 10_000, "p": 0.01, "q": 0.4}}, 30, rng=1)
    >>> est = BassEstimator(loss="poisson").fit(trend)
    >>> {{k: round(v, 2) for k, v in est.params_.items()}}
    {{'m': 9988.04, 'p': 0.01, 'q': 0.4}}
    >>> est.result_.success
    True
    """

    _spec = "bass"

    def __init__(
        self,
        *,
        t0=None,
        loss="negbin",
        ci="wald",
        level=0.95,
        max_iter=1000,
        n_resamples=200,
        rng=None,
    ):
        super().__init__(
            loss=loss, ci=ci, level=level, max_iter=max_iter, n_resamples=n_resamples, rng=rng
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
        ci="wald",
        level=0.95,
        max_iter=1000,
        n_resamples=200,
        rng=None,
    ):
        super().__init__(
            loss=loss, ci=ci, level=level, max_iter=max_iter, n_resamples=n_resamples, rng=rng
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


def _fit(cls, trend, kwargs):
    return cls(**kwargs).fit(trend).result_


def fit_bass(trend, **kwargs):
    """Fit the Bass model; returns the `FitResult` (keywords as `BassEstimator`).

    Examples
    --------
    >>> from spread.fit import fit_bass, simulate_trend
    >>> res = fit_bass(simulate_trend("bass", {"m": 1000, "p": 0.02, "q": 0.5}, 25, rng=3))
    >>> res.success, sorted(res.params)
    (True, ['k', 'm', 'p', 'q'])
    >>> res.ci["m"].low < res.params["m"] < res.ci["m"].high
    True
    """
    return _fit(BassEstimator, trend, kwargs)


def fit_logistic(trend, **kwargs):
    """Fit the logistic curve; returns the `FitResult` (keywords as `LogisticEstimator`)."""
    return _fit(LogisticEstimator, trend, kwargs)


def fit_gompertz(trend, **kwargs):
    """Fit the Gompertz curve; returns the `FitResult` (keywords as `GompertzEstimator`)."""
    return _fit(GompertzEstimator, trend, kwargs)


def fit_si(trend, **kwargs):
    """Fit the mean-field SI model; returns the `FitResult` (keywords as `SIEstimator`)."""
    return _fit(SIEstimator, trend, kwargs)


def fit_sir(trend, **kwargs):
    """Fit the mean-field SIR model; returns the `FitResult` (keywords as `SIREstimator`)."""
    return _fit(SIREstimator, trend, kwargs)


def simulate_trend(model, params, n_bins, *, k=None, rng=None, freq=None, start=None):
    """Simulate a count series from a curve model with known parameters.

    Parameters
    ----------
    model : {"bass", "logistic", "gompertz", "si", "sir"}
    params : dict
        The model's parameters (Bass ``t0`` defaults to 0).
    n_bins : int
    k : float, optional
        Negative-binomial dispersion; default Poisson noise.
    rng : seed
    freq, start
        Bin width and start, as for `Trend.from_counts`.

    Returns
    -------
    Trend

    Examples
    --------
    >>> from spread.fit import simulate_trend
    >>> simulate_trend("bass", {"m": 500, "p": 0.03, "q": 0.4}, 10, rng=0).counts
    array([20., 13., 36., 44., 59., 66., 62., 61., 40., 38.])
    """
    check_in(model, name="model", options=tuple(SPECS))
    spec = SPECS[model]
    n_bins = check_int(n_bins, name="n_bins", min_value=1)
    theta = {"t0": 0.0} if model == "bass" else {}
    theta.update(params)
    missing = [n for n in spec.names if n not in theta]
    if missing:
        msg = f"`params` must give {list(spec.names)} for {model!r}; missing {missing}."
        raise InvalidParameterError(msg)
    mu = spec.mean(theta, n_bins)
    y = _losses.sample_counts(np.random.default_rng(rng), mu, math.inf if k is None else float(k))
    pop = theta.get("N") if model in ("si", "sir") else None
    return Trend.from_counts(y, freq=freq, start=start, population=pop)
