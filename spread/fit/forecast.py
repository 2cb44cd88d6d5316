"""Model comparison and rolling-origin forecast evaluation (FITTING.md §4.3)."""

import math
import warnings

import numpy as np
import pandas as pd

from .._validation import check_int, ndim_of
from ..exceptions import InvalidParameterError
from ..trend import as_trend
from ._result import FitResult

__all__ = ["compare", "mase", "rolling_origin"]


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


def _holdout_scores(result, y_test, *, level=None, n_paths=400, rng=0):
    out = {"mase": math.nan, "mape_cum": math.nan, "rmse_log": math.nan}
    if result._fit is None or (not result.success and result.status not in (1, 2)):
        return out
    fit = result._fit
    y_train = fit.observed_counts()
    h = len(y_test)
    bins = np.arange(fit.n_bins, fit.n_bins + h)
    pred = result.predict(bins)
    out["mase"] = mase(y_test, pred, y_train)
    actual_cum = fit.observed_total + np.sum(y_test)
    pred_cum = fit.observed_total + np.sum(pred)
    out["mape_cum"] = (
        float(abs(pred_cum - actual_cum) / actual_cum) if actual_cum > 0 else math.nan
    )
    out["rmse_log"] = float(
        np.sqrt(np.mean((np.log1p(y_test) - np.log1p(np.maximum(pred, 0))) ** 2))
    )
    if level is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc = result.forecast(h, level, n_paths=n_paths, rng=rng)
        inside = (y_test >= fc["lower"].to_numpy()) & (y_test <= fc["upper"].to_numpy())
        out["coverage"] = float(np.mean(inside))
        cum = fit.observed_total + np.cumsum(y_test)
        out["coverage_cum_end"] = bool(
            fc["cumulative_lower"].iloc[-1] <= cum[-1] <= fc["cumulative_upper"].iloc[-1]
        )
    return out


def rolling_origin(trend, fitters, origins, horizon, *, level=0.9, n_paths=400, rng=0):
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
    import time

    trend = as_trend(trend)
    horizon = check_int(horizon, name="horizon", min_value=1)
    if not isinstance(fitters, dict) or not all(callable(f) for f in fitters.values()):
        msg = (
            "`fitters` must be a dict of names to fitting functions, such as "
            f"{{'bass': fit_bass}}; got {fitters!r:.80}."
        )
        raise InvalidParameterError(msg)
    if isinstance(origins, str | bytes) or ndim_of(origins) != 1:
        msg = f"`origins` must be a sequence of bin counts or fractions; got {origins!r:.80}."
        raise InvalidParameterError(msg)
    n_bins = trend.n_bins
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
    rows = []
    for name, fitter in fitters.items():
        for tau in taus:
            train = trend[:tau]
            test = trend.counts[tau : tau + horizon]
            t0 = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = fitter(train)
            sec = time.perf_counter() - t0
            row = {"model": name, "origin": tau, "horizon": len(test), "success": res.success}
            row.update(_holdout_scores(res, test, level=level, n_paths=n_paths, rng=rng))
            row["seconds"] = sec
            rows.append(row)
    return pd.DataFrame(rows)
