"""Model comparison, baseline forecasts and rolling-origin evaluation (FITTING.md §4.3)."""

import math
import time
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._validation import check_in, check_int, check_level, ndim_of
from ..exceptions import InvalidParameterError
from ..trend import Trend, as_trend
from ._errors import ERRORS
from ._result import FitResult, _check_draws, band_frame

__all__ = ["compare", "mase", "naive_forecast", "rolling_origin"]

#: Past error paths a naive forecast's band needs at least.
MIN_ERROR_PATHS = 10


def mase(actual, predicted, train):
    """Mean absolute scaled error (Hyndman & Koehler 2006).

    The mean absolute error of the forecast divided by the in-sample mean absolute
    error of the one-step naive forecast on `train`; robust to zero bins. NaN if the
    training series is constant.

    Examples
    --------
    Forecast errors 0 and 1 (mean 0.5); the naive forecast's errors on the training
    series are 1, 2 and 1 (mean 4/3); 0.5 / (4/3) = 0.375:

    >>> from spread.fit import mase
    >>> mase([3, 4], [3, 5], [1, 2, 4, 3])
    0.375
    """
    actual = np.asarray(actual, dtype=np.float64)
    predicted = np.asarray(predicted, dtype=np.float64)
    train = np.asarray(train, dtype=np.float64)
    scale = np.mean(np.abs(np.diff(train))) if train.size > 1 else math.nan
    if not scale > 0:
        return math.nan
    return float(np.mean(np.abs(actual - predicted)) / scale)


def _named(results):
    if isinstance(results, dict):
        return list(results.items())
    out = []
    seen = {}
    for r in results:
        if not isinstance(r, FitResult):
            msg = f"`results` must hold FitResult objects; got {type(r).__name__}."
            raise InvalidParameterError(msg)
        seen[r.model] = seen.get(r.model, 0) + 1
        out.append((r.model if seen[r.model] == 1 else f"{r.model}_{seen[r.model]}", r))
    return out


def compare(results, test=None):
    """Compare fits of the same data: information criteria and held-out error.

    Parameters
    ----------
    results : list of FitResult or dict of name to FitResult
        Fits of the same training series.
    test : Trend or array_like, optional
        The bins right after the training window; adds ``mase``, ``mape_cum`` (error
        of the cumulative count at the horizon) and ``rmse_log`` (on ``log1p``
        increments).

    Returns
    -------
    pandas.DataFrame
        One row per model, sorted by AIC: ``loss``, ``n_params``, ``loglik``,
        ``aic``, ``bic``, ``delta_aic``, ``success`` (and held-out columns). AIC is
        comparable only among fits with the same ``loss`` kind (a count likelihood is
        not comparable with the event-time Hawkes likelihood).

    Examples
    --------
    >>> from spread.fit import compare, fit_bass, fit_logistic, simulate_trend
    >>> tr = simulate_trend("bass", {"m": 5000, "p": 0.01, "q": 0.5}, 40, rng=0)
    >>> table = compare([fit_bass(tr[:30]), fit_logistic(tr[:30])], test=tr[30:])
    >>> list(table.index)
    ['bass', 'logistic']
    """
    rows = []
    y_test = None if test is None else as_trend(test, "test").counts
    for name, r in _named(results):
        row = {
            "loss": r.loss_name,
            "n_params": r.n_params,
            "loglik": r.loglik,
            "aic": r.aic,
            "bic": r.bic,
            "success": r.success,
        }
        if y_test is not None:
            row.update(_holdout_scores(r, y_test))
        rows.append((name, row))
    df = pd.DataFrame([r for _, r in rows], index=pd.Index([n for n, _ in rows], name="model"))
    df["delta_aic"] = df["aic"] - df.groupby("loss")["aic"].transform("min")
    return df.sort_values(["aic"], na_position="last")


def _usable(result):
    """Whether `result` has a forecast to score (a failed fit may still have one when it
    stopped at `max_iter` or on a bound)."""
    if isinstance(result, _Baseline):
        return True
    return result._fit is not None and (result.success or result.status in (1, 2))


def _error_model(result, errors):
    """The fitted error model `errors` of `result` (None for a baseline, whose errors
    are its own past ones, and for ``"independent"``)."""
    return None if isinstance(result, _Baseline) else result.error_model(errors)


def _point(result, horizon, model=None):
    """(training counts, their total, the forecast's mean of the `horizon` bins after
    them under the fitted error `model`, see `_error_model`)."""
    if isinstance(result, _Baseline):
        return result.y, result.total, result.point(horizon)
    fit = result._fit
    pred = result.predict(np.arange(fit.n_bins, fit.n_bins + horizon))
    if model is not None:
        pred = pred * model.mean_factor(horizon)
    return fit.observed_counts(), fit.observed_total, pred


def _draws(result, horizon, n_paths, rng, model=None):
    """Predictive draws (paths in rows) of the `horizon` bins after the data: what the
    fit's `forecast` band is made of (parameter uncertainty included)."""
    if isinstance(result, _Baseline):
        return result.draws(horizon, n_paths)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return result._predictive(horizon, n_paths, rng, True, model)[1]


def _holdout_scores(
    result, y_test, *, level=None, n_paths=400, rng=0, interval_score=False, errors=None
):
    out = {"mase": math.nan, "mape_cum": math.nan, "rmse_log": math.nan}
    if not _usable(result):
        return out
    model = _error_model(result, errors)
    y_train, observed_total, pred = _point(result, len(y_test), model)
    out["mase"] = mase(y_test, pred, y_train)
    actual_cum = observed_total + np.sum(y_test)
    pred_cum = observed_total + np.sum(pred)
    out["mape_cum"] = (
        float(abs(pred_cum - actual_cum) / actual_cum) if actual_cum > 0 else math.nan
    )
    out["rmse_log"] = float(
        np.sqrt(np.mean((np.log1p(y_test) - np.log1p(np.maximum(pred, 0))) ** 2))
    )
    if level is not None:
        draws = _draws(result, len(y_test), n_paths, rng, model)
        q = (1 - level) / 2
        lower = np.quantile(draws, q, axis=0)
        upper = np.quantile(draws, 1 - q, axis=0)
        inside = (y_test >= lower) & (y_test <= upper)
        out["coverage"] = float(np.mean(inside))
        cum = observed_total + np.cumsum(draws, axis=1)
        end = observed_total + np.sum(y_test)
        out["coverage_cum_end"] = bool(
            np.quantile(cum[:, -1], q) <= end <= np.quantile(cum[:, -1], 1 - q)
        )
        if interval_score:
            out["mae"] = float(np.mean(np.abs(y_test - pred)))
            out["msis"] = _scaled_interval_score(y_test, lower, upper, level, y_train)
    return out


def _scaled_interval_score(actual, lower, upper, level, train):
    """Mean interval score of the central `level` band (Gneiting & Raftery 2007) over the
    in-sample one-step naive error of `train`: the scale of `mase` (NaN if constant)."""
    alpha = 1 - level
    score = (
        (upper - lower)
        + (2 / alpha) * np.maximum(lower - actual, 0)
        + (2 / alpha) * np.maximum(actual - upper, 0)
    )
    scale = np.mean(np.abs(np.diff(train))) if train.size > 1 else math.nan
    if not scale > 0:
        return math.nan
    return float(np.mean(score) / scale)


def check_origins(origins, n_bins):
    """`origins` (bin counts, or fractions of `n_bins` in (0, 1)) as bin counts."""
    if isinstance(origins, str | bytes) or ndim_of(origins) != 1:
        msg = f"`origins` must be a sequence of bin counts or fractions; got {origins!r:.80}."
        raise InvalidParameterError(msg)
    taus = []
    for o in origins:
        tau = (
            round(o * n_bins)
            if isinstance(o, float) and 0 < o < 1
            else check_int(o, name="origins")
        )
        if not 2 <= tau < n_bins:
            msg = f"`origins` must lie in [2, {n_bins - 1}] bins (or (0, 1)); got {o!r}."
            raise InvalidParameterError(msg)
        taus.append(tau)
    return taus


def check_fitters(fitters, name="fitters"):
    """`fitters`: a dict of names to callables mapping a training `Trend` to a fit."""
    if not isinstance(fitters, dict) or not all(callable(f) for f in fitters.values()):
        msg = (
            f"`{name}` must be a dict of names to fitting functions, such as "
            f"{{'bass': fit_bass}}; got {fitters!r:.80}."
        )
        raise InvalidParameterError(msg)
    return fitters


def at_origins(trend, fitters, taus, horizon):
    """The rolling-origin loop: for every fitter and origin ``tau``, fit on the bins
    before ``tau``; yields (name, tau, fit, held-out counts, seconds to fit)."""
    for name, fitter in fitters.items():
        for tau in taus:
            train = trend[:tau]
            test = trend.counts[tau : tau + horizon]
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = fitter(train)
            yield name, tau, res, test, time.perf_counter() - t0


def rolling_origin(
    trend, fitters, origins, horizon, *, level=0.9, n_paths=400, rng=0, errors=None
):
    """Rolling-origin evaluation: fit on ``[0, tau)``, forecast ``[tau, tau + horizon)``.

    Parameters
    ----------
    trend : Trend or array_like
    fitters : dict of str to callable
        Each maps a training `Trend` to a `FitResult`, e.g. ``{"bass": fit_bass}``.
    origins : sequence of int or float
        Forecast origins: bin counts, or fractions in (0, 1) of the series length.
    horizon : int
        Bins forecast from each origin (shortened at the end of the series).
    level : float, default 0.9
        Central probability of the predictive band whose coverage is scored.
    n_paths : int, default 400
        Simulated paths per forecast.
    rng : seed
    errors : {"independent", "ar1"}, optional
        The forecasts' error model (`FitResult.forecast`; default each fit's own): the
        point forecast scored and the band are that law's.

    Returns
    -------
    pandas.DataFrame
        One row per (model, origin): ``origin``, ``horizon``, ``success``, ``mase``,
        ``mape_cum`` (absolute percentage error of the cumulative count at the horizon),
        ``rmse_log``, ``coverage`` (share of held-out bins inside the band) and
        ``coverage_cum_end`` (the cumulative count at the horizon inside its band),
        ``seconds`` (fit time).

    Examples
    --------
    >>> from spread.fit import fit_bass, rolling_origin, simulate_trend
    >>> tr = simulate_trend("bass", {"m": 5000, "p": 0.01, "q": 0.5}, 40, rng=0)
    >>> table = rolling_origin(tr, {"bass": fit_bass}, [20, 30], horizon=5)
    >>> table[["model", "origin", "horizon"]].values.tolist()
    [['bass', 20, 5], ['bass', 30, 5]]
    """
    trend = as_trend(trend)
    horizon = check_int(horizon, name="horizon", min_value=1)
    check_fitters(fitters)
    if errors is not None:
        check_in(errors, name="errors", options=ERRORS)
    taus = check_origins(origins, trend.n_bins)
    rows = []
    for name, tau, res, test, sec in at_origins(trend, fitters, taus, horizon):
        row = {"model": name, "origin": tau, "horizon": len(test), "success": res.success}
        row.update(
            _holdout_scores(res, test, level=level, n_paths=n_paths, rng=rng, errors=errors)
        )
        row["seconds"] = sec
        rows.append(row)
    return pd.DataFrame(rows)


# ------------------------------------------------------------------ baselines
def _naive_lags(horizon, period):
    """Lag of the observation that forecasts each of `horizon` steps: ``period`` times
    the number of whole periods the step reaches into (1, 2, ... for the naive)."""
    steps = np.arange(1, horizon + 1)
    return period * ((steps + period - 1) // period)


def _naive_name(period):
    return "naive" if period == 1 else "seasonal_naive"


@dataclass(frozen=True, eq=False)
class _Baseline:
    """A (seasonal) naive forecaster on training counts `y`: what `naive_forecast`
    draws, in the shape the rolling-origin scores read."""

    y: np.ndarray
    period: int
    success: bool = True
    status: int = 0

    @property
    def model(self):
        return _naive_name(self.period)

    @property
    def total(self):
        return float(self.y.sum())

    def need(self, horizon):
        """Bins of training data a forecast `horizon` bins ahead needs."""
        return self.period + horizon + MIN_ERROR_PATHS - 1

    def point(self, horizon):
        n = self.y.size
        return self.y[n + np.arange(horizon) - _naive_lags(horizon, self.period)].astype(float)

    def draws(self, horizon, n_paths):
        """Point forecast plus the errors of the same forecast from each of the last
        `n_paths` origins in the data (whole paths, so cumulative bands hold too),
        floored at zero."""
        n = self.y.size
        lags = _naive_lags(horizon, self.period)
        first = max(self.period, n - horizon - n_paths + 1)  # earliest origin used
        origins = np.arange(first, n - horizon + 1)[:, None]
        steps = np.arange(horizon)[None, :]
        errors = self.y[origins + steps] - self.y[origins + steps - lags[None, :]]
        return np.maximum(self.point(horizon)[None, :] + errors, 0.0)


def _baseline(trend, horizon, period, name="trend"):
    """A `_Baseline` of `trend`, after checking it is long enough for `horizon`."""
    base = _Baseline(np.asarray(trend.counts, dtype=np.float64), period)
    need = base.need(horizon)
    if trend.n_bins < need:
        msg = (
            f"`{name}`: a {base.model} forecast {horizon} bins ahead with period {period} "
            f"needs at least {need} bins of data (one period, the horizon and "
            f"{MIN_ERROR_PATHS} past forecast errors for the band); got {trend.n_bins} bins."
        )
        raise InvalidParameterError(msg)
    return base


def naive_forecast(trend, horizon, level=0.9, *, period=1, n_paths=1000):
    """The naive forecast: repeat the last bin (``period=1``), or the same bin of the
    last period (seasonal naive, e.g. ``period=24`` for hourly data), with a band.

    The baselines a fitted model has to beat. The band is empirical: the point forecast
    plus the errors the same forecast made from each of the last `n_paths` origins in
    the data (whole paths of `horizon` bins), floored at zero; its central `level`
    quantiles bound it. Same table as `FitResult.forecast`, so the two compare bin by bin.

    Parameters
    ----------
    trend : Trend or array_like
        The counts so far.
    horizon : int
        Bins to forecast.
    level : float, default 0.9
        Central probability of the band.
    period : int, default 1
        Season length in bins: 1 is the naive forecast, 24 the seasonal naive of hourly
        data with a daily cycle, 7 of daily data with a weekly one.
    n_paths : int, default 1000
        Past forecast origins whose errors make the band (the most recent ones).

    Returns
    -------
    pandas.DataFrame
        Indexed by bin start: ``mean`` (the point forecast), ``lower``, ``upper``, and
        ``cumulative``, ``cumulative_lower``, ``cumulative_upper`` of the total from
        the first bin.

    Raises
    ------
    InvalidParameterError
        If the trend is shorter than ``period + horizon + 9`` bins (the band needs ten
        past errors), or an argument is out of range.

    Examples
    --------
    The seasonal naive repeats the last period; here the band is exact, since the
    series repeats itself:

    >>> from spread.fit import naive_forecast
    >>> fc = naive_forecast([1, 5, 2] * 6, 4, period=3)
    >>> fc["mean"].tolist(), fc["lower"].tolist(), fc["upper"].tolist()
    ([1.0, 5.0, 2.0, 1.0], [1.0, 5.0, 2.0, 1.0], [1.0, 5.0, 2.0, 1.0])
    >>> naive_forecast([1, 5, 2] * 6, 2)["mean"].tolist()  # the naive: the last bin
    [2.0, 2.0]
    """
    trend = as_trend(trend)
    horizon = check_int(horizon, name="horizon", min_value=1)
    level = check_level(level)
    period = check_int(period, name="period", min_value=1)
    n_paths = check_int(n_paths, name="n_paths", min_value=1)
    _check_draws(min(n_paths, trend.n_bins), horizon)
    base = _baseline(trend, horizon, period)
    bins = np.arange(trend.n_bins, trend.n_bins + horizon)
    return band_frame(
        base.point(horizon),
        base.draws(horizon, n_paths),
        level,
        base.total,
        trend.bin_labels(bins),
    )


def default_period(trend):
    """The season of a datetime trend's bins: a day of hourly bins (24), a week of
    daily bins (7); None otherwise."""
    if not isinstance(trend, Trend) or not trend.is_datetime:
        return None
    for span, period in ((pd.Timedelta("1h"), 24), (pd.Timedelta("1D"), 7)):
        if trend.freq == span:
            return period
    return None
