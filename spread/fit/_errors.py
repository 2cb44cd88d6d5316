"""The AR(1) error model of a forecast: a misfit that persists from bin to bin.

A fitted curve rarely misses the data by independent noise: when it runs under the
counts at the end of the window it usually keeps running under them for a while. The
model here (a parameter-driven count model, Zeger 1988, in the log scale) multiplies
the fitted mean by ``exp(d[t])``, a latent Gaussian AR(1) with stationary variance
``sigma**2`` and mean ``-sigma**2 / 2`` (so the multiplier has mean 1: far ahead the
forecast is the fitted model's), and draws the counts around it by Poisson noise times
a gamma factor of variance `white` (white noise beyond Poisson, none at ``white = 0``).

Fitting: the log residuals ``r[t] = log(y[t] + 1/2) - log(mu[t])`` are read as
``d[t]`` plus white noise of variance ``1 / mu[t] + white`` (the Poisson noise
of a count in the log scale, to first order). The fitted curve has already bent toward
the slow part of ``d``, so the residuals understate it (on 40 bins of a Bass curve
with ``phi = 0.7``, a plain likelihood of the residuals fits ``phi`` 0.52 and ``sigma``
three quarters of the truth, and the bands five or ten bins ahead hold 73% instead of
90%). ``(sigma**2, phi, white)`` therefore maximise the *restricted* likelihood (REML,
Patterson and Thompson 1971): the likelihood of the residuals' part that the fit could
not absorb, the curve linearised at the estimate (its Jacobian in the log scale, by
central differences of the fitted mean, and an intercept); on the last
`REML_BINS` bins. A Kalman filter then gives the latent error at the last observed bin
(a mean and a variance) from which every forecast path continues, and the parameters
of the curve are drawn with their covariance inflated by the residuals' long-run
variance over their variance (what a fit that takes the bins as independent misses).
The log scale is an approximation for counts under about five.

A network fit can also be fitted by this model (``loss="ar1"``, `ar1_loss`): the
likelihood of the log residuals by the Kalman filter, the error parameters profiled
out; its intervals then come from the information of the log residuals under the
fitted errors (`LogAR1.information`).
"""

import math
from dataclasses import dataclass

import numpy as np

from ..exceptions import InvalidParameterError
from ._error_kernels import log_ar1_filter
from ._optimize import BIG, central_gradient, minimize_likelihood

__all__ = [
    "ERRORS",
    "MIN_ERROR_BINS",
    "REML_BINS",
    "LogAR1",
    "ar1_loss",
    "fit_log_ar1",
    "log_ar1_covariance",
    "log_residuals",
    "log_variances",
    "mean_basis",
]

#: The forecast error models: the fitted loss's noise, independent from bin to bin,
#: or the log AR(1) of this module.
ERRORS = ("independent", "ar1")

#: Observed bins the AR(1) error model needs at least (three parameters and a lag).
MIN_ERROR_BINS = 10

#: Bins (the last ones) the restricted likelihood reads: a dense covariance of this
#: many bins is factorised at every step of the fit.
REML_BINS = 300

#: The largest |phi| fitted (a unit root would carry the last error forever).
_PHI_MAX = 0.995
_LOG_VAR_BOUNDS = (math.log(1e-10), math.log(25.0))


#: The smallest mean a log residual is taken about (a count's log needs one).
_MU_MIN = 0.5


def log_residuals(y, mu):
    """``(r, v)``: log residuals of counts `y` about means `mu`, and their Poisson variance.

    ``r = log(y + 1/2) - log(mu)`` and ``v = 1 / mu`` (means under `_MU_MIN` raised to
    it): for a Poisson count of mean ``mu >= 5``, ``log(y + 1/2)`` has mean ``log mu``
    to within 0.002 and variance within 14% of ``1 / mu`` (``log(mu + 1/2)`` would put
    its mean ``1 / (2 mu)`` low: 6% at ``mu = 8``, a bias that bends a fitted curve).
    """
    mu = np.maximum(np.asarray(mu, dtype=np.float64), _MU_MIN)
    y = np.asarray(y, dtype=np.float64)
    return np.log(y + 0.5) - np.log(mu), 1.0 / mu


def log_variances(mu):
    """The Poisson variances of the log counts about means `mu` (`log_residuals`'s)."""
    return 1.0 / np.maximum(np.asarray(mu, dtype=np.float64), _MU_MIN)


def mean_basis(predict, x, n_bins, bounds=None):
    """Orthonormal columns spanning what a fitted mean can absorb: an intercept and
    the Jacobian of the log of ``predict(x, n_bins)`` (at least `_MU_MIN`) in the
    fitted coordinates `x` (central differences, steps ``1e-3 max(1, |x_i|)``,
    one-sided where a step would cross `bounds`, a ``(low, high)`` per coordinate; a
    column the mean does not move, such as a dispersion's, drops out)."""
    x = np.asarray(x, dtype=np.float64)
    if bounds is None:
        bounds = [(-np.inf, np.inf)] * x.size
    cols = [np.ones(n_bins)]
    for i, (lo, hi) in enumerate(bounds):
        h = 1e-3 * max(1.0, abs(x[i]))
        up, down = x.copy(), x.copy()
        up[i] = min(x[i] + h, hi)
        down[i] = max(x[i] - h, lo)
        if up[i] <= down[i]:  # a coordinate pinned by its bounds moves nothing
            continue
        with np.errstate(all="ignore"):
            diff = np.log(np.maximum(predict(up, n_bins), _MU_MIN))
            diff -= np.log(np.maximum(predict(down, n_bins), _MU_MIN))
        if np.all(np.isfinite(diff)):
            cols.append(diff / (up[i] - down[i]))
    u, s, _ = np.linalg.svd(np.column_stack(cols), full_matrices=False)
    return u[:, s > 1e-8 * s[0]]


class _ErrorProblem:
    """The restricted likelihood of the log residuals `r` (white variances `v`) given
    the columns `basis` the fitted mean absorbed, in ``x = (log sigma**2,
    atanh(phi / _PHI_MAX), log white)``: what `minimize_likelihood` minimises."""

    bounds_x = (_LOG_VAR_BOUNDS, (-4.0, 4.0), _LOG_VAR_BOUNDS)

    def __init__(self, r, v, basis):
        self.r = r
        self.v = v
        self.basis = basis
        n = r.size
        self.lags = np.abs(np.subtract.outer(np.arange(n), np.arange(n)))

    @staticmethod
    def natural(x):
        return math.exp(x[0]), _PHI_MAX * math.tanh(x[1]), math.exp(x[2])

    def nll(self, x):
        """``(log det V + log det B'V^-1 B + r'(V^-1 - V^-1 B (B'V^-1 B)^-1 B'V^-1) r) / 2``
        by two Cholesky factorisations (V whitened to W = L^-1 [r, B])."""
        cov = log_ar1_covariance(self.v, *self.natural(x), lags=self.lags)
        try:
            chol = np.linalg.cholesky(cov)
            w = np.linalg.solve(chol, np.column_stack([self.r, self.basis]))
            wr, wb = w[:, 0], w[:, 1:]
            chol_i = np.linalg.cholesky(wb.T @ wb)
        except np.linalg.LinAlgError:
            return BIG
        z = np.linalg.solve(chol_i, wb.T @ wr)
        logdet = np.sum(np.log(np.diag(chol))) + np.sum(np.log(np.diag(chol_i)))
        return float(logdet + 0.5 * (wr @ wr - z @ z))

    def grad(self, x):
        return central_gradient(self.nll, x)


class _FilterProblem:
    """The full likelihood of the log residuals `r` (white variances `v`) in
    `_ErrorProblem`'s coordinates, by the Kalman filter: what a fit by the error
    model's own likelihood (loss ``"ar1"``) profiles the error parameters out of."""

    bounds_x = _ErrorProblem.bounds_x
    natural = staticmethod(_ErrorProblem.natural)

    def __init__(self, r, v):
        self.r = r
        self.v = v

    def nll(self, x):
        ll = log_ar1_filter(self.r, self.v, *self.natural(x))[0]
        return -float(ll) if math.isfinite(ll) else BIG

    def grad(self, x):
        return central_gradient(self.nll, x)


def _starts(r):
    """Three starts of the error parameters from the residuals' spread."""
    spread_ = max(float(np.var(r)), 1e-8)
    lo, hi = _LOG_VAR_BOUNDS
    return [
        np.array(
            [np.clip(math.log(spread_ * a), lo, hi), z, np.clip(math.log(spread_ * b), lo, hi)]
        )
        for a, z, b in ((0.5, 0.5, 0.5), (0.9, 1.0, 0.01), (0.1, 0.0, 0.9))
    ]


def ar1_loss(y, mu, v=None):
    """The loss ``"ar1"`` of a curve `mu` against counts `y`: the negative
    log-likelihood of the log residuals under the AR(1) error model, its three
    parameters profiled out (maximised, from fixed starts, so the loss is a function
    of `mu` alone). Returns ``(loss, (sigma2, phi, white))``.

    `v`: the Poisson variances of the log counts, held fixed (default read off the
    counts, ``1 / (y + 1/2)``). Variances that move with the curve let the fit lean on
    them: counts of 5-10 about an IC curve with AR(1) errors, 60 bins, 100 replicates,
    the 95% intervals held the truth 82% and 75% of the time (z-scores' spread 1.39
    over 40); read off the counts, 93% and 88% (z-scores' mean +0.3: the weights
    follow the noise). The network fit reads them off the counts, then off its fitted
    curve (`TrendProblem.fit`), which does not follow the noise: on counts of 10-55
    over 110 bins (60 replicates), z-scores' means -0.40 and +0.72 with the counts'
    weights, +0.07 and +0.01 reweighted (coverage 95% / 90% and 93% / 97%)."""
    r, _ = log_residuals(y, mu)
    if v is None:
        v = 1.0 / (np.asarray(y, dtype=np.float64) + 0.5)
    problem = _FilterProblem(r, v)
    best, _, _ = minimize_likelihood(problem, _starts(r), max_iter=200, n_best=2)
    return float(best.fun), _FilterProblem.natural(best.x)


def log_ar1_covariance(v, sigma2, phi, white, lags=None):
    """Covariance of the log residuals of bins with Poisson variances `v` under the
    error model: ``sigma2 phi**|s - t|`` plus ``v[t] + white`` on the diagonal
    (`lags`: the matrix ``|s - t|``, if at hand)."""
    if lags is None:
        lags = np.abs(np.subtract.outer(np.arange(v.size), np.arange(v.size)))
    cov = sigma2 * phi**lags
    cov[np.diag_indices_from(cov)] += v + white
    return cov


@dataclass(frozen=True)
class LogAR1:
    """A fitted AR(1) error model in the log scale (see the module docstring).

    Attributes
    ----------
    sigma : float
        Stationary standard deviation of the log error ``d``.
    phi : float
        Lag-one autocorrelation of ``d`` (how much of a miss carries to the next bin).
    white : float
        Variance of the white noise beyond Poisson (a gamma factor of mean 1).
    last, last_var : float
        Mean and variance of ``d`` at the last observed bin, given the data.
    inflation : float
        How much more the fitted parameters vary than the fit's own covariance says,
        when the misses persist: the long-run variance of the log residuals over
        their variance, ``(sigma**2 (1 + phi) / (1 - phi) + w) / (sigma**2 + w)``
        with ``w`` their mean white-noise variance (at least 1). Forecasts draw the
        parameters from the covariance times this.
    n_obs : int
        Bins the model was fitted on (the restricted likelihood reads the last
        `REML_BINS` of them, the filter all).
    """

    sigma: float
    phi: float
    white: float
    last: float
    last_var: float
    n_obs: int
    inflation: float = 1.0

    @property
    def _mean(self):
        return -0.5 * self.sigma**2

    def _moments(self, horizon):
        """Mean and variance of ``d`` at 1..`horizon` bins after the data."""
        decay = self.phi ** np.arange(1, horizon + 1)
        mean = self._mean + decay * (self.last - self._mean)
        var = self.sigma**2 * (1 - decay**2) + decay**2 * self.last_var
        return mean, var

    def mean_factor(self, horizon):
        """``E[exp(d)]`` at 1..`horizon` bins after the data: the factor that turns
        the fitted mean into the forecast's."""
        mean, var = self._moments(horizon)
        return np.exp(mean + var / 2)

    def multipliers(self, n_paths, horizon, rng):
        """Paths of ``exp(d)`` (rows) over the `horizon` bins after the data."""
        d = self.last + math.sqrt(self.last_var) * rng.standard_normal(n_paths)
        step = self.sigma * math.sqrt(max(1 - self.phi**2, 0.0))
        out = np.empty((n_paths, horizon))
        for h in range(horizon):
            d = self._mean + self.phi * (d - self._mean) + step * rng.standard_normal(n_paths)
            out[:, h] = d
        return np.exp(out)

    def draws(self, base, rng):
        """Counts around `base` (paths of fitted means in rows, the `horizon` bins after
        the data): Poisson about ``base * exp(d) * gamma factor``."""
        lam = np.asarray(base, dtype=np.float64) * self.multipliers(*base.shape, rng)
        if self.white > 0:
            shape = 1.0 / self.white
            lam = lam * rng.gamma(shape, self.white, size=lam.shape)
        return rng.poisson(np.clip(np.nan_to_num(lam), 0.0, 1e15)).astype(np.float64)

    @classmethod
    def stationary(cls, sigma2, phi, white, n_obs):
        """The model with no data behind its state: ``d`` drawn from its stationary
        law (a fresh series: a bootstrap replicate's noise)."""
        sigma = math.sqrt(sigma2)
        return cls(sigma, phi, white, -0.5 * sigma2, sigma2, n_obs)

    def nll(self, y, mu, v):
        """Negative log-likelihood of the log residuals of counts `y` about means `mu`
        under this model, the Poisson variances `v` held (the loss ``"ar1"`` with its
        error parameters fixed here, not profiled: `TrendProblem.nll`)."""
        r, _ = log_residuals(y, mu)
        ll = log_ar1_filter(r, v, self.sigma**2, self.phi, self.white)[0]
        return -float(ll) if math.isfinite(ll) else BIG

    def information(self, jac, mu):
        """Fisher information of the mean's coordinates from the log residuals of bins
        with means `mu`, whose Jacobian is `jac` (bins in rows): ``L' C^-1 L``, L the
        Jacobian of the means' logs (`log_residuals`) and C the residuals' covariance
        (`log_ar1_covariance`; the part of the information in how C moves with the
        mean is left out, so the intervals err wide)."""
        mu = np.asarray(mu, dtype=np.float64)
        inside = (mu > _MU_MIN)[:, None]
        log_jac = np.where(inside, jac / np.where(inside, mu[:, None], 1.0), 0.0)
        cov = log_ar1_covariance(log_variances(mu), self.sigma**2, self.phi, self.white)
        return log_jac.T @ np.linalg.solve(cov, log_jac)

    def to_dict(self):
        """The fitted values, as plain floats."""
        return {
            "sigma": self.sigma,
            "phi": self.phi,
            "white": self.white,
            "last": self.last,
            "last_var": self.last_var,
            "n_obs": self.n_obs,
            "inflation": self.inflation,
        }


def fit_log_ar1(y, mu, basis=None):
    """Fit `LogAR1` to observed counts `y` about the fitted means `mu` (same bins).

    `basis`: orthonormal columns (one row per bin) the fitted mean could absorb
    (`mean_basis`); default an intercept alone.

    Raises
    ------
    InvalidParameterError
        With fewer than `MIN_ERROR_BINS` bins.
    """
    r, v = log_residuals(y, mu)
    if r.size < MIN_ERROR_BINS:
        msg = (
            f"`errors='ar1'` needs at least {MIN_ERROR_BINS} observed bins to fit the error "
            f"model; the fit has {r.size}."
        )
        raise InvalidParameterError(msg)
    if basis is None:
        basis = np.ones((r.size, 1))
    tail = slice(max(0, r.size - REML_BINS), r.size)
    part = basis[tail]
    u, s, _ = np.linalg.svd(part, full_matrices=False)
    part = u[:, s > 1e-8 * s[0]]
    if r[tail].size - part.shape[1] < 3:  # too few bins left for three parameters
        part = np.ones((r[tail].size, 1))  # the intercept alone
    problem = _ErrorProblem(r[tail], v[tail], part)
    best, _, _ = minimize_likelihood(problem, _starts(r[tail]), max_iter=200, n_best=3)
    sigma2, phi, white = _ErrorProblem.natural(best.x)
    _, last, last_var = log_ar1_filter(r, v, sigma2, phi, white)
    w = float(np.mean(v[tail])) + white
    inflation = (sigma2 * (1 + phi) / (1 - phi) + w) / (sigma2 + w)
    return LogAR1(
        sigma=math.sqrt(sigma2),
        phi=phi,
        white=white,
        last=float(last),
        last_var=float(last_var),
        n_obs=int(r.size),
        inflation=max(1.0, float(inflation)),
    )
