"""`FitResult`: what a fit found, how sure it is, and whether to trust it."""

import math
from dataclasses import dataclass, field, fields, replace

import numpy as np
import pandas as pd

from .._common import MAX_WORK, check_max_work, check_memory, z_value
from .._random import as_generator
from .._validation import check_bool, check_in, check_int, check_level, ndim_of, short_repr
from ..exceptions import IdentifiabilityWarning, InvalidParameterError
from ._errors import ERRORS, fit_log_ar1, mean_basis

__all__ = ["TERMINATION_MESSAGES", "FitResult", "IdentifiabilityWarning"]


#: Status codes of every fit; ``success`` is ``status == 0``.
TERMINATION_MESSAGES = {
    0: "Converged: the optimizer met its tolerance.",
    1: "`max_iter` reached before the optimizer met its tolerance.",
    2: "A fitted parameter lies on its bound, so the data do not pin it down",
    3: "The series holds no counts (every bin is zero): there is nothing to fit.",
    4: "The optimizer stopped abnormally",
    5: "The log-likelihood is not finite at the fitted parameters.",
    6: "Too few observations for the parameters: the data cannot identify them.",
}

_CI_METHODS = ("wald", "profile", "bootstrap")


_DRAW_BYTES = 8 * 2  # a draw and its cumulative sum


def _smooth(fit, what):
    """`fit`, if its objective is a smooth likelihood (profiles need one)."""
    if not fit.smooth:
        msg = (
            f"{what} needs a smooth likelihood; this fit matches simulations or states "
            "(use 'bootstrap', or fit a trend by `method='dmp'` and a likelihood loss)."
        )
        raise InvalidParameterError(msg)
    return fit


def _profile_grid(grid, *, positive):
    """`grid` (values of a parameter to profile) as a 1-d array of finite numbers."""
    try:
        out = np.asarray(grid, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        out = None
    rule = "> 0" if positive else "finite"
    if out is None or out.ndim != 1 or out.size == 0:
        msg = f"`grid` must be a non-empty 1-d array of numbers ({rule}); got {short_repr(grid)}."
        raise InvalidParameterError(msg)
    bad = ~np.isfinite(out) | ((out <= 0) if positive else False)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = f"`grid` must hold finite numbers{' > 0' if positive else ''}; got {float(out[i])!r} at position {i}."
        raise InvalidParameterError(msg)
    return out


def _check_draws(n_paths, n_bins, advice="lower `n_paths` or the bins (`horizon`)"):
    """Raise `MemoryLimitError` before simulating more draws than memory holds."""
    check_memory(
        float(n_paths) * n_bins * _DRAW_BYTES,
        what=f"{n_paths:,} path(s) of {n_bins:,.0f} bins",
        advice=advice,
    )


def band_frame(mean, draws, level, observed_total, index):
    """A forecast table: `mean` per bin, the central `level` band of `draws` (paths in
    rows), and the same for the cumulative total from `observed_total` on."""
    q = (1 - level) / 2
    cum = observed_total + np.cumsum(draws, axis=1)
    return pd.DataFrame(
        {
            "mean": mean,
            "lower": np.quantile(draws, q, axis=0),
            "upper": np.quantile(draws, 1 - q, axis=0),
            "cumulative": observed_total + np.cumsum(mean),
            "cumulative_lower": np.quantile(cum, q, axis=0),
            "cumulative_upper": np.quantile(cum, 1 - q, axis=0),
        },
        index=index,
    )


#: What to do when the observed window alone has too many bins.
_WINDOW_ADVICE = "the observed window has too many bins; fit with a longer `time_unit`"


@dataclass(frozen=True, repr=False, eq=False)
class FitResult:
    """What a fit found, how sure it is, and whether to trust it.

    Every field is always present; a quantity that could not be computed is NaN (or
    an ``inf``-filled covariance), never None. Parameters are in natural units: rates
    per bin of the trend (per `time_unit` for event times).

    Attributes
    ----------
    model : str
        Curves: ``"bass"``, ``"logistic"``, ``"gompertz"``, ``"si"``, ``"sir"``,
        ``"hawkes"`` (event times) or ``"hawkes_binned"``, with a periodic background
        ``"seasonal_hawkes"`` or ``"seasonal_hawkes_binned"``. Network models on trends:
        ``"ic"``, ``"lt"``, ``"heat"``. From cascades: ``"ic"``, ``"ic_node"``,
        ``"ic_edge"``, ``"lt_beta"``, ``"lt_power"``, ``"netrate_*"``.
    params : dict of str to float
        Fitted values (the negative-binomial dispersion ``k`` included when fitted).
    stderr : dict of str to float
        Standard errors (delta method from the observed information, or bootstrap).
    intervals : dict of str to ConfidenceInterval
        Intervals at `level` by `ci_method` (what `conf_int()` returns without
        arguments).
    ci_method : str
        ``"wald"`` (in the log scale for positive parameters), ``"profile"``,
        ``"bootstrap"``, or ``"none"`` (not computed: a simulation fit without its
        bootstrap).
    level : float
        Confidence level of `intervals`.
    cov : numpy.ndarray
        Covariance of the parameters (natural units; ``inf`` if it could not be
        estimated).
    loss_name : str
        Likelihoods: ``"negbin"``, ``"poisson"``, ``"hawkes_exact"``, ``"ic_trials"``,
        ``"lt_brackets"``, ``"netrate"``. Simulation fits (``loglik`` NaN): the
        discrepancy to the mean simulated curve, ``"poisson"`` (deviance),
        ``"squared"`` or ``"sqrt"``.
    loss : float
        Minimised objective: the negative log-likelihood.
    loglik, aic, bic : float
        Log-likelihood and information criteria (comparable only between fits of
        the same data with the same kind of likelihood).
    n_obs, n_params : int
        Bins (or events) fitted, and free parameters.
    success : bool
        True iff `status` is 0.
    status : int
        0 converged, 1 `max_iter` reached, 2 a parameter on its bound, 3 nothing to
        fit, 4 optimizer failure, 5 non-finite likelihood.
    message : str
        Why the fit stopped, plus identifiability notes.
    nit, nfev : int
        Optimizer iterations and objective evaluations.
    warnings : tuple of str
        Every warning raised during the fit.
    diagnostics : dict
        Residuals, correlation matrix, condition number, peak time, fraction of the
        final size observed, KS time-rescaling test (Hawkes), ...

    Examples
    --------
    >>> from spread.fit import fit_logistic, simulate_trend
    >>> trend = simulate_trend("logistic", {"K": 2000, "r": 0.5, "tm": 10}, 25, rng=0)
    >>> res = fit_logistic(trend, loss="poisson")
    >>> res.success, res.status, res.ci_method
    (True, 0, 'wald')
    >>> low, high = res.conf_int()["K"]
    >>> bool(low < 2000 < high)
    True
    >>> res.predict(3).round(1)  # K (s(r (t + 1 - tm)) - s(r (t - tm))), s the logistic
    array([ 9.1, 14.8, 23.9])
    >>> import numpy as np
    >>> from scipy.special import expit
    >>> K, r, tm = res.params["K"], res.params["r"], res.params["tm"]
    >>> bool(np.allclose(res.predict(3), K * np.diff(expit(r * (np.arange(4) - tm)))))
    True
    >>> fc = res.forecast(5, level=0.9)
    >>> list(fc.columns[:3])
    ['mean', 'lower', 'upper']
    """

    model: str
    params: dict
    stderr: dict
    intervals: dict
    ci_method: str
    level: float
    cov: np.ndarray
    loss_name: str
    loss: float
    loglik: float
    aic: float
    bic: float
    n_obs: int
    n_params: int
    success: bool
    status: int
    message: str
    nit: int
    nfev: int
    warnings: tuple = ()
    diagnostics: dict = field(default_factory=dict)
    _fit: object = field(default=None, compare=False)

    # ----------------------------------------------------------- prediction
    def _bins(self, bins):
        if bins is None:
            _check_draws(1, self.n_obs_bins, _WINDOW_ADVICE)
            return np.arange(self.n_obs_bins)
        if ndim_of(bins) == 0:
            n = check_int(bins, name="bins", min_value=1)
            _check_draws(1, n)
            return np.arange(n)
        try:
            out = np.asarray(bins)
        except ValueError:  # a ragged nested sequence
            out = None
        if (
            out is None
            or out.ndim != 1
            or out.dtype.kind not in "iu"
            or (out.size and out.min() < 0)
        ):
            msg = (
                "`bins` must be a number of bins or a 1-d array of bin numbers >= 0; got "
                f"{short_repr(bins)}."
            )
            raise InvalidParameterError(msg)
        if out.size:
            _check_draws(1, float(out.max()) + 1)  # the model runs up to the last bin
        return out.astype(np.int64)

    @property
    def n_obs_bins(self):
        """Bins of the observed window (the number of unit bins for event times)."""
        return 0 if self._fit is None else self._fit.n_bins

    def bin_labels(self, bins):
        """Start of each bin in `bins`, numbered from the first observed bin (a label
        index like the trend's own; plain bin numbers when the fit keeps no series)."""
        bins = np.asarray(bins)
        return pd.Index(bins, name="bin") if self._fit is None else self._fit.labels(bins)

    def observed(self):
        """The counts the fit was made on, indexed by bin start (None for fits to cascades)."""
        if self._fit is None:
            return None
        _check_draws(1, self._fit.n_bins, _WINDOW_ADVICE)
        y = self._fit.observed_counts()
        if y is None:
            return None
        bins = np.arange(self._fit.n_bins)
        return pd.Series(
            np.asarray(y, dtype=np.float64), index=self.bin_labels(bins), name="count"
        )

    def _need_fit(self, what):
        if self._fit is None or not np.all(np.isfinite(list(self.params.values()))):
            msg = f"`{what}` needs fitted parameters; this fit has none ({self.message})"
            raise InvalidParameterError(msg)
        return self._fit

    def predict(self, bins=None, *, cumulative=False):
        """Expected counts per bin under the fitted parameters.

        Parameters
        ----------
        bins : int or array_like of int, optional
            A number of bins from the start, or bin numbers (0 = first observed bin;
            numbers past the data forecast; for a network model fitted by simulation,
            the mean of the runs whose total at the end of the data is nearest the
            observed one). Default: the observed bins.
        cumulative : bool, default False
            Return cumulative expected counts from the first bin instead.

        Returns
        -------
        numpy.ndarray
        """
        fit = self._need_fit("predict")
        cumulative = check_bool(cumulative, name="cumulative")
        bins = self._bins(bins)
        if bins.size == 0:
            return np.empty(0)
        mu = fit.predict(fit.x_hat, int(bins.max()) + 1)
        return np.cumsum(mu)[bins] if cumulative else mu[bins]

    def simulate(self, bins=None, n_paths=100, rng=None, *, with_uncertainty=False):
        """Draws of the counts in `bins` from the fitted model.

        Observation noise follows the fitted loss (Poisson or negative binomial);
        models with memory (Hawkes) are simulated forward from the observed history.
        With ``with_uncertainty=True`` each draw uses parameters drawn from the
        asymptotic normal law of the estimate (in the log scale).

        Returns
        -------
        numpy.ndarray of shape (n_paths, len(bins))
        """
        fit = self._need_fit("simulate")
        with_uncertainty = check_bool(with_uncertainty, name="with_uncertainty")
        bins = self._bins(bins)
        n_paths = check_int(n_paths, name="n_paths", min_value=1)
        _check_draws(n_paths, len(bins))
        rng = as_generator(rng)
        xs = self._param_draws(n_paths, rng) if with_uncertainty else None
        return fit.sample(fit.x_hat, bins, n_paths, rng, xs=xs)

    def _param_draws(self, n, rng, inflation=1.0):
        """`n` parameter vectors from the estimate's normal law (its covariance times
        `inflation`); None without a finite variance."""
        fit = self._fit
        cov = fit.cov_x * inflation  # set by `assemble`: inf where a variance is unknown
        if not np.any(np.isfinite(np.diag(cov))):
            return None
        # Parameters without a finite variance (on a bound) are held at their estimate.
        cov = np.where(np.isfinite(cov), cov, 0.0)
        try:
            draws = rng.multivariate_normal(fit.x_hat, cov, size=n, method="eigh")
        except (ValueError, np.linalg.LinAlgError):
            return None
        lo = np.array([b[0] for b in fit.bounds_x])
        hi = np.array([b[1] for b in fit.bounds_x])
        return np.clip(draws, lo, hi)

    def forecast(
        self,
        horizon,
        level=0.9,
        *,
        n_paths=1000,
        rng=0,
        with_uncertainty=True,
        errors=None,
    ):
        """Forecast the next `horizon` bins after the data, with a predictive band.

        Parameters
        ----------
        horizon : int
            Bins to forecast.
        level : float, default 0.9
            Central probability of the predictive band (from `simulate`).
        n_paths : int, default 1000
            Simulated paths.
        rng : seed, default 0
        with_uncertainty : bool, default True
            Propagate parameter uncertainty (Wald, log scale) into the band.
        errors : {"independent", "ar1"}, optional
            How the counts vary about the fitted curve; default the fit's own:
            ``"ar1"`` for a network fit by ``loss="ar1"``, else ``"independent"``.
            ``"independent"``: the fitted loss's noise (Poisson, negative binomial,
            or the AR(1) errors' law in each bin), independent from bin to bin.
            ``"ar1"``: a misfit that persists: the fitted mean times ``exp(d)``, ``d``
            a Gaussian AR(1) fitted to the log residuals of the observed bins and
            continued from the last of them (so a fit that ran under the data at the
            end starts its forecast under them too, and the band widens as the miss
            decays), with Poisson noise and the white noise the residuals show beyond
            it (a parameter-driven count model, Zeger 1988). The point forecast is
            the mean of that law. Not for Hawkes fits (their memory is the history);
            needs at least ten observed bins.

        Returns
        -------
        pandas.DataFrame
            Indexed by bin start: ``mean``, ``lower``, ``upper`` of the counts per bin,
            and ``cumulative``, ``cumulative_lower``, ``cumulative_upper`` of the
            total from the first observed bin. With ``errors="ar1"`` its
            ``attrs["error_model"]`` holds the fitted ``sigma`` (stationary standard
            deviation of ``d``), ``phi``, ``white``, ``last`` and ``last_var`` (``d``
            at the last observed bin).

        Examples
        --------
        Counts that swing slowly about a logistic curve (30%, a period of 19 bins):
        the fit's misses persist, and at the end of the data it runs over the counts,
        so the AR(1) forecast starts below the fitted curve and returns to it.

        >>> import numpy as np
        >>> from spread.fit import fit_logistic, simulate_trend
        >>> trend = simulate_trend("logistic", {"K": 5000, "r": 0.3, "tm": 15}, 30, rng=1)
        >>> res = fit_logistic(trend.counts * (1 + 0.3 * np.sin(np.arange(30) / 3)))
        >>> plain = res.forecast(3)
        >>> ar1 = res.forecast(3, errors="ar1")
        >>> bool((ar1["mean"] < plain["mean"]).all())
        True
        >>> model = ar1.attrs["error_model"]
        >>> bool(model["phi"] > 0.5 and model["last"] < 0)
        True
        """
        fit = self._need_fit("forecast")
        horizon = check_int(horizon, name="horizon", min_value=1)
        check_level(level)
        n_paths = check_int(n_paths, name="n_paths", min_value=1)
        with_uncertainty = check_bool(with_uncertainty, name="with_uncertainty")
        _check_draws(n_paths, horizon)
        _check_draws(1, float(fit.n_bins) + horizon)  # the model runs from the first bin
        model = self.error_model(errors)
        mean, draws = self._predictive(horizon, n_paths, rng, with_uncertainty, model)
        bins = np.arange(fit.n_bins, fit.n_bins + horizon)
        out = band_frame(mean, draws, level, fit.observed_total, fit.labels(bins))
        if model is not None:
            out.attrs["error_model"] = model.to_dict()
        return out

    def error_model(self, errors="ar1"):
        """The fitted error model of `forecast`'s ``errors``: None for
        ``"independent"`` (the fitted loss's noise), a ``LogAR1`` for ``"ar1"`` (its
        ``sigma``, ``phi``, ``white``, ``last`` and ``last_var``; see `forecast`);
        None: the fit's own (`forecast`'s default).

        Examples
        --------
        Counts that swing slowly about a logistic curve: the misses persist, so
        the fitted ``phi`` is high.

        >>> import numpy as np
        >>> from spread.fit import fit_logistic, simulate_trend
        >>> trend = simulate_trend("logistic", {"K": 5000, "r": 0.3, "tm": 15}, 30, rng=1)
        >>> res = fit_logistic(trend.counts * (1 + 0.3 * np.sin(np.arange(30) / 3)))
        >>> model = res.error_model("ar1")
        >>> bool(model.phi > 0.5), res.error_model("independent")
        (True, None)
        """
        fit = self._need_fit("forecast")
        if errors is None:
            errors = fit.default_errors
        errors = check_in(errors, name="errors", options=ERRORS)
        if errors == "independent":
            return None
        if errors not in fit.error_models:
            msg = (
                f"`errors={errors!r}` needs a model without memory; a {self.model} fit "
                "forecasts by simulating from its history (use errors='independent')."
            )
            raise InvalidParameterError(msg)
        y = np.asarray(fit.observed_counts(), dtype=np.float64)
        # Fitted once per estimate and data (a network fit's costs 2p + 1 simulations)
        # and kept on the fit, which the results derived from this one share (as may a
        # copy of it on other counts: hence the counts in the key).
        key = (errors, np.asarray(fit.x_hat, dtype=np.float64).tobytes(), y.tobytes())
        cache = fit.__dict__.setdefault("_error_models_fitted", {})
        if key not in cache:
            basis = mean_basis(fit.predict, fit.x_hat, fit.n_bins, fit.bounds_x)
            if len(cache) >= 4:
                cache.pop(next(iter(cache)))
            model = fit_log_ar1(y, fit.predict(fit.x_hat, fit.n_bins), basis)
            if fit.default_errors == "ar1":  # fitted under these errors: its covariance
                model = replace(model, inflation=1.0)  # already holds their persistence
            cache[key] = model
        return cache[key]

    def _predictive(self, horizon, n_paths, rng, with_uncertainty, model):
        """(mean, draws) of the `horizon` bins after the data under the error `model`
        (None: the fitted loss's noise); draws are paths in rows."""
        fit = self._fit
        bins = np.arange(fit.n_bins, fit.n_bins + horizon)
        mean = self.predict(bins)
        if model is None:
            draws = self.simulate(bins, n_paths, rng, with_uncertainty=with_uncertainty)
            return mean, draws
        rng = as_generator(rng)
        xs = self._param_draws(n_paths, rng, model.inflation) if with_uncertainty else None
        base = fit.sample(fit.x_hat, bins, n_paths, rng, xs=xs, noise=False)
        return mean * model.mean_factor(horizon), model.draws(base, rng)

    # ---------------------------------------------------------- uncertainty
    def conf_int(
        self,
        level=None,
        method=None,
        *,
        n_resamples=None,
        rng=None,
        bootstrap_result=None,
        client=None,
    ):
        """Confidence intervals for every parameter.

        Without arguments, the intervals the fit computed (`intervals`, at `level` by
        `ci_method`); with a `level` or a `method`, new ones.

        Parameters
        ----------
        level : float, optional
            Default: the fit's `level`.
        method : {"wald", "profile", "bootstrap"}, optional
            ``"wald"``: normal in the log scale for positive parameters, from the
            observed information. ``"profile"``: likelihood-ratio intervals (each
            parameter fixed on a path, the others re-optimised; an end where the
            profile does not drop far enough within the parameter's bounds is
            infinite, or 0 for a positive parameter's lower end; a network fit needs
            message passing and a likelihood loss). ``"bootstrap"``:
            percentile intervals of a parametric bootstrap (`bootstrap`). Default: the
            fit's `ci_method` (``"wald"`` if it computed none).
        n_resamples, rng, bootstrap_result, client
            For ``method="bootstrap"`` (see `bootstrap`): replicates wanted (default:
            those the fit drew, else 200), and an earlier bootstrap to extend (default:
            the fit's own, ``diagnostics["bootstrap"]``).

        Returns
        -------
        dict of str to ConfidenceInterval
        """
        if level is None and method is None:
            return dict(self.intervals)
        level = self.level if level is None else level
        if method is None:
            method = self.ci_method if self.ci_method in _CI_METHODS else "wald"
        z = z_value(level)
        check_in(method, name="method", options=_CI_METHODS)
        fit = self._need_fit("conf_int")
        if method == "wald":
            return fit.wald_ci(z)
        if method == "profile":
            from ._uncertainty import profile_ci

            return profile_ci(_smooth(fit, "`method='profile'`"), level)
        boot = bootstrap_result
        if boot is None:
            boot = self.diagnostics.get("bootstrap")
        if n_resamples is None:
            n_resamples = boot.n_resamples if boot is not None else 200
        if boot is None or boot.n_resamples < n_resamples:
            boot = self.bootstrap(n_resamples, rng=rng, result=boot, client=client)
        return boot.conf_int(level)

    def with_conf_int(
        self, method, level=None, *, n_resamples=None, rng=None, bootstrap_result=None, client=None
    ):
        """A copy of this result whose `intervals` (`ci_method`, `level`) come from `method`."""
        level = self.level if level is None else level
        intervals = self.conf_int(
            level,
            method,
            n_resamples=n_resamples,
            rng=rng,
            bootstrap_result=bootstrap_result,
            client=client,
        )
        return replace(self, intervals=intervals, ci_method=method, level=level)

    def bootstrap(
        self,
        n_resamples=200,
        rng=None,
        result=None,
        *,
        client=None,
        progress=None,
        max_work=MAX_WORK,
    ):
        """Parametric bootstrap: simulate from the fit, refit, collect the parameters.

        Parameters
        ----------
        n_resamples : int, default 200
            Total replicates wanted (including those of `result`).
        rng : None, int, SeedSequence or Generator
            Replicate ``b`` draws from a stream that depends only on the root drawn
            from `rng` and on ``b``, so the replicates do not depend on where or in
            what chunks they are computed.
        result : FitBootstrap, optional
            An earlier bootstrap of this fit to extend (like `scipy.stats.bootstrap`).
        client : dask.distributed.Client, optional
            Refit the replicates on a Dask cluster (the same replicates as here; see
            `spread.parallel.map_indices`).
        progress : bool, optional
            Progress bar (default: when stderr is a terminal and the work takes over 2 s).
        max_work : float or None, default 1e11
            Bound on the work, checked before it starts: each refit evaluates the model
            on every observation at least a hundred times, each evaluation costing as
            much as 100,000 observations more (the optimizer's overhead); the default
            allows some 10,000 refits of a short series. Past it `WorkLimitError`; None
            lifts the bound.

        Returns
        -------
        FitBootstrap

        Examples
        --------
        >>> from spread.fit import fit_bass, simulate_trend
        >>> fit = fit_bass(simulate_trend("bass", {"m": 5e3, "p": 0.01, "q": 0.4}, 30, rng=0))
        >>> boot = fit.bootstrap(20, rng=7)
        >>> boot.n_resamples + boot.n_failed
        20
        >>> boot.params.equals(fit.bootstrap(20, rng=7).params)
        True
        """
        from ._uncertainty import bootstrap

        fit = self._need_fit("bootstrap")
        n_resamples = check_int(n_resamples, name="n_resamples", min_value=1)
        max_work = check_max_work(max_work)
        return bootstrap(
            fit, n_resamples, rng, result, client=client, progress=progress, max_work=max_work
        )

    def profile(self, name, grid=None):
        """Profile log-likelihood of one parameter (others re-optimised).

        Parameters
        ----------
        name : str
            The parameter.
        grid : array_like, optional
            Values of the parameter. By default 13 values evenly spaced over the
            estimate +- 3 standard errors, on the optimizer's scale (the log of a
            positive parameter), or +- 0.3 (1 + ``|estimate|``) on that scale when the
            standard error is not finite; values outside the parameter's bounds are
            moved onto them.

        Returns
        -------
        pandas.DataFrame
            Columns ``value`` and ``loglik``.
        """
        from ._uncertainty import profile_curve

        fit = _smooth(self._need_fit("profile"), "`profile`")
        j = fit.names.index(check_in(name, name="name", options=tuple(fit.names)))
        if grid is not None:
            grid = _profile_grid(grid, positive=bool(fit.logs[j]))
        return profile_curve(fit, j, grid)

    # ------------------------------------------------------------- reports
    def to_dict(self):
        """Plain Python values (params, intervals, criteria, status) for JSON."""
        skip = ("_fit", "cov", "diagnostics")
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in skip}
        out["params"] = {k: float(v) for k, v in self.params.items()}
        out["stderr"] = {k: float(v) for k, v in self.stderr.items()}
        out["intervals"] = {k: [float(v[0]), float(v[1])] for k, v in self.intervals.items()}
        out["cov"] = np.asarray(self.cov).tolist()
        out["warnings"] = list(self.warnings)
        out["diagnostics"] = {
            k: v for k, v in self.diagnostics.items() if isinstance(v, int | float | str | bool)
        }
        return out

    def to_frame(self):
        """One row per parameter: estimate, stderr, and the interval."""
        return pd.DataFrame(
            {
                "estimate": self.params,
                "stderr": self.stderr,
                "ci_low": {k: v.low for k, v in self.intervals.items()},
                "ci_high": {k: v.high for k, v in self.intervals.items()},
            }
        ).rename_axis("param")

    def summary(self):
        """A short text report."""
        lines = [
            f"{self.model} fit by {self.loss_name} "
            f"{'likelihood' if math.isfinite(self.loglik) else 'loss (to the simulated mean)'} "
            f"on {self.n_obs:,} observations: "
            f"{'success' if self.success else 'FAILED'} (status {self.status})",
            f"  {self.message}",
            f"  loglik {self.loglik:,.3f}   AIC {self.aic:,.3f}   BIC {self.bic:,.3f}   "
            f"nit {self.nit}   nfev {self.nfev}",
            f"  {'param':>8} {'estimate':>12} {'stderr':>12}   {self.level:.0%} CI ({self.ci_method})",
        ]
        for k, v in self.params.items():
            lo, hi = self.intervals.get(k, (math.nan, math.nan))
            lines.append(
                f"  {k:>8} {v:12.5g} {self.stderr.get(k, math.nan):12.4g}   [{lo:.5g}, {hi:.5g}]"
            )
        k = self.diagnostics.get("dispersion")
        if k is not None:  # network fits: NB2 dispersion profiled out of the loss
            lines.append(f"  negative-binomial dispersion k = {k:.4g} (profiled)")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)

    def __repr__(self):
        ps = ", ".join(f"{k}={v:.4g}" for k, v in self.params.items())
        return f"<FitResult {self.model}: {ps}; success={self.success}, loglik={self.loglik:.4g}>"

    def plot(
        self, ax=None, *, cumulative=False, level=0.9, horizon=0, rng=0, test=None, trend=None
    ):
        """Observed counts with the fitted curve (and `horizon` forecast bins); the Axes.

        Draws with `spread.plot.fit`: `test` (held-out counts after the training
        window) is marked, and sets the default `horizon` to its length.
        """
        from .. import plot

        self._need_fit("plot")
        return plot.fit(
            self,
            trend,
            ax,
            test=test,
            horizon=horizon if horizon or test is None else None,
            level=level,
            cumulative=cumulative,
            rng=rng,
        )
