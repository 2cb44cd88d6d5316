"""Model choice: fit the candidate models of a trend, score their rolling-origin
forecasts next to the naive baselines, keep the best (FITTING.md §4.3)."""

import math
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._random import as_generator
from .._validation import check_in, check_int, check_level, short_repr
from ..exceptions import InvalidParameterError
from ..trend import as_trend
from .curves import fit_bass, fit_gompertz, fit_logistic, fit_si, fit_sir
from .forecast import (
    MIN_ERROR_PATHS,
    _Baseline,
    _baseline,
    _holdout_scores,
    at_origins,
    check_fitters,
    default_period,
    naive_forecast,
)
from .hawkes import fit_hawkes
from .regressors import as_regressors

__all__ = ["ModelChoice", "choose"]

#: The models `choose` fits by default: every curve model of a plain trend.
CURVE_MODELS = {
    "bass": fit_bass,
    "logistic": fit_logistic,
    "gompertz": fit_gompertz,
    "si": fit_si,
    "sir": fit_sir,
    "hawkes": fit_hawkes,
}

BASELINES = ("naive", "seasonal_naive")

#: The binned Hawkes process with a periodic background, whose period is the seasonal
#: naive's: a candidate only when the bins before the first origin hold two periods.
SEASONAL = "seasonal_hawkes"
#: The same with a weekly cycle too (seven periods): a default candidate only when the
#: period is a day of datetime bins and the bins before the first origin hold two weeks.
WEEKLY = "weekly_hawkes"
#: The periodic candidates: name -> (weekly harmonics, periods of data needed).
PERIODIC = {SEASONAL: (0, 2), WEEKLY: (2, 14)}

_SCORES = ("mase", "msis")

#: What `fit_options` may set: the fitting options every named model's function takes.
FIT_OPTIONS = ("loss", "ci_method", "level", "max_iter", "n_resamples", "rng")


def series_of(trend):
    """`trend` as a `Trend`; an error names `trend`."""
    try:
        return as_trend(trend)
    except InvalidParameterError as exc:
        msg = f"`trend` must be a series of counts: {exc}"
        raise InvalidParameterError(msg) from None


def check_fit_options(fit_options):
    """`fit_options` (None or a dict of `FIT_OPTIONS` keys) as a dict."""
    if fit_options is None:
        return {}
    if not isinstance(fit_options, dict) or not set(fit_options) <= set(FIT_OPTIONS):
        msg = (
            f"`fit_options` must be a dict of fitting options for the named models (any of "
            f"{', '.join(FIT_OPTIONS)}), such as {{'loss': 'poisson'}}; got "
            f"{short_repr(fit_options)}."
        )
        raise InvalidParameterError(msg)
    return dict(fit_options)


def _with_options(fitter, options):
    if not options:
        return fitter

    def fit_with_options(trend):
        return fitter(trend, **options)

    fit_with_options.__name__ = getattr(fitter, "__name__", "fit")
    return fit_with_options


def fitters_for(models, name="models", fit_options=None):
    """`models` (None, names, or a dict of names to fitting functions) as a dict of
    names to fitters; the baselines' names and the periodic Hawkes map to None (a
    placeholder: `with_seasonal`). `fit_options` go to every named model's fitter."""
    options = check_fit_options(fit_options)
    if models is None:
        curves = {k: _with_options(f, options) for k, f in CURVE_MODELS.items()}
        return {**curves, **dict.fromkeys(PERIODIC)}
    if isinstance(models, dict):
        if options:
            msg = (
                "`fit_options` apply to the named models; fitting functions given in a "
                f"dict take their own options; got fit_options={short_repr(options)}."
            )
            raise InvalidParameterError(msg)
        return dict(check_fitters(models, name))
    if isinstance(models, str | bytes) or not hasattr(models, "__iter__"):
        msg = (
            f"`{name}` must be a list of model names ({', '.join(CURVE_MODELS)}, "
            f"{', '.join(PERIODIC)}, {', '.join(BASELINES)}) or a dict of names to fitting functions; got "
            f"{short_repr(models)}."
        )
        raise InvalidParameterError(msg)
    out = {}
    for m in models:
        check_in(m, name=name, options=(*CURVE_MODELS, *PERIODIC, *BASELINES))
        out[m] = _with_options(CURVE_MODELS[m], options) if m in CURVE_MODELS else None
    if not out:
        msg = f"`{name}` must name at least one model; got {short_repr(models)}."
        raise InvalidParameterError(msg)
    return out


def origins_for(trend, horizon, n_origins, need):
    """The last `n_origins` forecast origins, `horizon` bins apart, so that their
    held-out windows tile the end of `trend`; the first leaves `need` bins to fit."""
    n = trend.n_bins
    taus = [n - (n_origins - i) * horizon for i in range(n_origins)]
    if taus[0] < need:
        msg = (
            f"`n_origins` and `horizon` must leave at least {need} bins before the first "
            f"origin ({n_origins} held-out windows of {horizon} bins at the end of the "
            f"trend; the naive band needs the horizon and {MIN_ERROR_PATHS} past errors); "
            f"got n_origins={n_origins}, horizon={horizon} for a trend of {n} bins."
        )
        raise InvalidParameterError(msg)
    return taus


def resolve_period(trend, period, horizon, first_origin):
    """The seasonal naive's period (None: leave it out) and a note on the choice."""
    if period is None:
        period = default_period(trend)
        if period is None:
            return (
                None,
                "no seasonal naive: `period` not given and the bins are not hourly or daily",
            )
        if first_origin < period + horizon + MIN_ERROR_PATHS - 1:
            return None, (
                f"no seasonal naive: the first origin leaves {first_origin} bins, fewer than "
                f"the {period + horizon + MIN_ERROR_PATHS - 1} a period of {period} needs"
            )
        return period, f"seasonal naive with period {period} (from the bin width)"
    period = check_int(period, name="period", min_value=2)
    _baseline(trend[:first_origin], horizon, period, name="period")  # raises if too short
    return period, f"seasonal naive with period {period}"


def seasonal_fitter(period, weekly=0, fit_options=None, regressors=None):
    """Fit the binned Hawkes process with a background of period `period` bins (two
    harmonics), times a weekly cycle of `weekly` harmonics (see `HawkesEstimator`), and
    scaled by `regressors` if any."""
    options = dict(fit_options or {})
    if regressors is not None:
        options["regressors"] = regressors

    def fit_seasonal_hawkes(trend):
        return fit_hawkes(trend, period=period, n_harmonics=2, weekly_harmonics=weekly, **options)

    return fit_seasonal_hawkes


#: The Hawkes candidates that `regressors` give a twin to, named ``<name>_regressors``.
HAWKES = ("hawkes", SEASONAL, WEEKLY)


def with_regressors(candidates, regressors, trend, horizon, period, fit_options):
    """`candidates` with a twin of each Hawkes candidate whose background is scaled by
    `regressors` (checked against `trend` and the `horizon` bins after it), and notes."""
    if regressors is None:
        return candidates, []
    checked = as_regressors(regressors, trend, ("mu", "alpha", "beta"))
    need = trend.n_bins + horizon
    if checked.values.shape[0] < need:
        msg = (
            f"`regressors` must cover the trend and the {horizon} bins forecast after it "
            f"({need} bins from its first); they hold {checked.values.shape[0]}."
        )
        raise InvalidParameterError(msg)
    out, names = dict(candidates), []
    for name in HAWKES:
        if name not in candidates:
            continue
        if name == "hawkes":
            options = {**(fit_options or {}), "regressors": regressors}
            out[f"{name}_regressors"] = _with_options(fit_hawkes, options)
        else:
            weekly = PERIODIC[name][0]
            out[f"{name}_regressors"] = seasonal_fitter(period, weekly, fit_options, regressors)
        names.append(f"{name}_regressors")
    if not names:
        msg = (
            "`regressors` scale the background of the Hawkes candidates; `models` names "
            f"none of them ({', '.join(HAWKES)})."
        )
        raise InvalidParameterError(msg)
    cols = ", ".join(checked.names)
    return out, [f"{', '.join(names)}: the same, the background scaled by exp(gamma x) ({cols})"]


def _is_daily(trend, period):
    return trend.is_datetime and pd.Timedelta(trend.freq) * period == pd.Timedelta(days=1)


def with_seasonal(fitters, period, first_origin, requested, trend=None, fit_options=None):
    """`fitters` with the periodic Hawkes fitters (`PERIODIC`) in place of their
    placeholders, or without them (and a note) when there is no period, the bins before
    the first origin hold too few periods, or (the weekly one, unless named) the period
    is not a day of `trend`'s datetime bins; an error instead if the caller named one
    that cannot be fitted."""
    out, notes = dict(fitters), []
    for name, (weekly, need) in PERIODIC.items():
        if name not in out or out[name] is not None:
            continue
        reason = None
        if period is None:
            reason = "there is no period (give `period`, or use hourly or daily bins)"
        elif first_origin < need * period:
            reason = (
                f"the first origin leaves {first_origin} bins, fewer than "
                f"{'two weeks' if weekly else 'two periods'} ({need * period} bins)"
            )
        elif weekly and not requested and trend is not None and not _is_daily(trend, period):
            reason = f"the period ({period} bins) is not a day of datetime bins"
        if reason is None:
            out[name] = seasonal_fitter(period, weekly, fit_options)
            week = f" times a weekly cycle ({weekly} harmonics)" if weekly else ""
            notes.append(f"{name}: binned Hawkes with a background of period {period} bins{week}")
            continue
        if requested:
            what = "two weeks" if weekly else "two periods"
            msg = f"`models` names {name!r}, which needs {what} of data: {reason}."
            raise InvalidParameterError(msg)
        del out[name]
        notes.append(f"no {name}: {reason}")
    return out, notes


@dataclass(frozen=True, repr=False, eq=False)
class ModelChoice:
    """The models of a trend ranked by their rolling-origin forecasts, and the best one.

    Attributes
    ----------
    model : str
        The chosen model: the best-scoring one among those whose fit on all the data
        succeeded and that forecast at every origin (a baseline, ``"naive"`` or
        ``"seasonal_naive"``, if no model beats it).
    fit : FitResult or None
        The chosen model fitted on all the data (None for a baseline).
    forecast : pandas.DataFrame
        Its forecast of the `horizon` bins after the data (as `FitResult.forecast`).
    table : pandas.DataFrame
        The ranking (`to_frame`).
    detail : pandas.DataFrame
        One row per model and origin: ``success``, ``mase``, ``mae``, ``msis``,
        ``coverage``, ... and ``status`` of that fit.
    fits : dict of str to FitResult
        Every model fitted on all the data, failed fits included.
    score : str
        The column that ranks: ``"mase"`` or ``"msis"``.
    horizon, level, period, origins, notes
        The settings: bins forecast, band level, the seasonal naive's period (None if
        left out), the forecast origins (bins), and how the candidates were chosen.
    """

    model: str
    fit: object
    forecast: pd.DataFrame
    table: pd.DataFrame
    detail: pd.DataFrame
    fits: dict
    score: str
    horizon: int
    level: float
    period: object
    origins: tuple
    notes: tuple = ()
    _trend: object = field(default=None, repr=False)

    def to_frame(self):
        """The ranking: one row per model, best first (see `choose`)."""
        return self.table.copy()

    def summary(self):
        """A short text report: the ranking and the choice."""
        cols = ["rank", self.score, "rel_mae", "coverage", "aic", "success", "n_failed"]
        if self.score == "msis":
            cols.insert(2, "mase")
        else:
            cols.insert(2, "msis")
        with pd.option_context("display.width", 120, "display.float_format", "{:.4g}".format):
            table = self.table[cols].to_string()
        lines = [
            f"model choice by {self.score} over {len(self.origins)} origin(s) "
            f"(bins {', '.join(map(str, self.origins))}), {self.horizon} bins ahead, "
            f"{self.level:.0%} band:",
            table,
            f"chosen: {self.model}",
        ]
        lines += [f"  note: {n}" for n in self.notes]
        for name, note in self.table["note"].items():
            if note:
                lines.append(f"  {name}: {note}")
        return "\n".join(lines)

    def __repr__(self):
        return (
            f"<ModelChoice: {self.model} of {len(self.table)} candidates by {self.score}, "
            f"{self.horizon} bins ahead>"
        )

    def plot(self, ax=None):
        """The data and the chosen model's forecast with its band; the Axes.

        Draws with `spread.plot.fit` for a fitted model; a baseline is drawn over the
        series with `spread.plot.trend`.
        """
        from .. import plot

        if self.fit is not None:
            return plot.fit(
                self.fit,
                self._trend,
                ax,
                horizon=self.horizon,
                level=self.level,
                forecasts={self.fit.model: self.forecast},
            )
        ax = plot.trend(self._trend, ax, label="observed")
        fc = self.forecast
        (line,) = ax.plot(fc.index, fc["mean"], "--", lw=1.4, label=self.model)
        ax.fill_between(fc.index, fc["lower"], fc["upper"], color=line.get_color(), alpha=0.2)
        ax.legend(frameon=False)
        return ax


def _refit(fitter, trend):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fitter(trend)


def _ranking(detail, fits, score, reference):
    """The per-model table from the per-origin rows, best first."""
    rows = {}
    ref = detail[detail["model"] == reference].set_index("origin")["mae"]
    for name, d in detail.groupby("model", sort=False):
        res = fits.get(name)
        row = {
            "mase": float(d["mase"].mean(skipna=False)),
            "msis": float(d["msis"].mean(skipna=False)),
            "coverage": float(d["coverage"].mean(skipna=False)),
            "rel_mae": float(d["mae"].sum(skipna=False) / ref.sum())
            if ref.sum() > 0
            else math.nan,
            "loss": "" if res is None else res.loss_name,
            "aic": math.nan if res is None else res.aic,
            "bic": math.nan if res is None else res.bic,
            "success": True if res is None else bool(res.success),
            "n_failed": int((~d["success"].astype(bool)).sum()),
            "n_origins": len(d),
            "seconds": float(d["seconds"].mean()),
        }
        notes = []
        unusable = d.loc[d[score].isna(), "origin"].tolist()
        if unusable:
            notes.append(f"not scored: no forecast from origin(s) {unusable}")
        if res is not None and not res.success:
            notes.append(f"fit on all data failed (status {res.status}): {res.message}")
        elif row["n_failed"]:
            notes.append(f"{row['n_failed']} of {len(d)} origin fit(s) did not converge")
        row["eligible"] = not unusable and row["success"] and math.isfinite(row[score])
        row["note"] = "; ".join(notes)
        rows[name] = row
    table = pd.DataFrame.from_dict(rows, orient="index")
    table.index.name = "model"
    table["delta_aic"] = table["aic"] - table.groupby("loss")["aic"].transform("min")
    other = "msis" if score == "mase" else "mase"  # breaks ties (Bass and logistic can tie)
    table = table.sort_values(
        ["eligible", score, other],
        ascending=[False, True, True],
        na_position="last",
        kind="stable",
    )
    n_ok = int(table["eligible"].sum())
    table.insert(
        0,
        "rank",
        pd.array(list(range(1, n_ok + 1)) + [pd.NA] * (len(table) - n_ok), dtype="Int64"),
    )
    table["chosen"] = False
    table.iloc[0, table.columns.get_loc("chosen")] = bool(table["eligible"].iloc[0])
    return table


def choose(
    trend,
    models=None,
    *,
    horizon,
    n_origins=3,
    period=None,
    score="mase",
    level=0.9,
    n_paths=1000,
    rng=0,
    fit_options=None,
    regressors=None,
):
    """Fit the candidate models of a trend, rank them by rolling-origin forecasts next
    to the naive baselines, and forecast with the best.

    Each model is fitted to the bins before each of `n_origins` forecast origins and
    forecasts the `horizon` bins after it; the held-out windows tile the end of the
    series. Scores, averaged over origins: MASE of the counts (`mase`), the scaled
    interval score of the `level` band (``msis``: width plus 2/(1 - level) times each
    miss, over the same scale as MASE; Gneiting & Raftery 2007), the share of held-out
    bins inside the band, and the MAE relative to the seasonal naive's (the naive's if
    there is none). The naive forecast (repeat the last bin) and the seasonal naive
    (repeat the last period) are ranked with the models, with bands from their own past
    errors (`naive_forecast`). Every model is then fitted on all the data for its AIC/BIC
    (comparable only between fits with the same ``loss``) and the chosen one's forecast.

    Parameters
    ----------
    trend : Trend or array_like
        The series (at least ``n_origins * horizon + horizon + 10`` bins).
    models : list of str or dict of str to callable, optional
        Model names: ``"bass"``, ``"logistic"``, ``"gompertz"``, ``"si"``, ``"sir"``,
        ``"hawkes"`` (binned), ``"seasonal_hawkes"`` (binned, with a background of
        the seasonal naive's period and two harmonics: `HawkesEstimator` with
        `period`; only when the bins before the first origin hold two periods, else
        left out of the default with a note), ``"weekly_hawkes"`` (the same times a
        weekly cycle of two harmonics, `weekly_harmonics`; by default only when the
        period is a day of datetime bins and the first origin leaves two weeks).
        Default: all eight. Or a dict of names to functions mapping
        a training `Trend` to a `FitResult` (as in `rolling_origin`), e.g. a network
        estimator's fit on a graph: network models are not fitted by default, since they
        need a graph and seeds. The baselines are always ranked.
    horizon : int
        Bins forecast from each origin, and after the data.
    n_origins : int, default 3
        Forecast origins.
    period : int, optional
        The seasonal naive's period in bins. Default: 24 for hourly bins, 7 for daily
        bins (left out, with a note, if the first origin leaves too few bins), else no
        seasonal naive.
    score : {"mase", "msis"}, default "mase"
        What ranks: point accuracy, or the band's interval score.
    level : float, default 0.9
        Central probability of the predictive bands scored and forecast.
    n_paths : int, default 1000
        Simulated paths per forecast (past error paths for the baselines).
    rng : seed, default 0
        For the simulated paths.
    fit_options : dict, optional
        Fitting options for every named model (not for functions given in a dict):
        any of ``loss``, ``ci_method``, ``level`` (of the parameters' intervals),
        ``max_iter``, ``n_resamples``, ``rng``, as the fitting functions take them;
        e.g. ``{"loss": "poisson"}``.
    regressors : pandas.DataFrame, pandas.Series or array_like, optional
        Known drivers (`event_regressors`; as `HawkesEstimator`'s `regressors`), from
        the trend's first bin to `horizon` bins past its last. Each Hawkes candidate
        (``"hawkes"`` and the periodic ones) gets a twin, ``"hawkes_regressors"``,
        ``"seasonal_hawkes_regressors"``, ..., whose background they scale, ranked
        beside it: whether the known events earn their keep.

    Returns
    -------
    ModelChoice
        ``table`` (`to_frame`): one row per model, ranked by `score` among the eligible
        (a fit on all the data that succeeded, and a forecast from every origin), then
        the others: ``rank``, ``mase``, ``msis``, ``coverage``, ``rel_mae``, ``loss``,
        ``aic``, ``bic``, ``delta_aic``, ``success`` (the fit on all the data),
        ``n_failed`` (origin fits with ``success=False``; a fit stopped on a bound or
        at `max_iter` still forecasts and is scored), ``n_origins``, ``seconds``
        (mean fit time), ``eligible``, ``note`` (why a model is not eligible, or
        failed at some origins) and ``chosen``. A failed fit is listed, never chosen.

    Raises
    ------
    InvalidParameterError
        If the trend is too short for `n_origins` windows of `horizon` bins (or for
        `period`), or a model name, `score` or another argument is not valid.

    See Also
    --------
    rolling_origin : the per-origin scores of given fitters.
    calibration : PIT histogram and band coverage of one model over the origins.

    Examples
    --------
    A Bass curve with Poisson noise, before its peak: Bass forecasts best, and the
    naive forecast beats the misspecified Gompertz curve.

    >>> from spread.fit import choose, simulate_trend
    >>> tr = simulate_trend("bass", {"m": 20_000, "p": 0.005, "q": 0.15}, 40, rng=1)
    >>> choice = choose(tr, ["bass", "gompertz"], horizon=5, n_origins=2, n_paths=200)
    >>> choice.model, list(choice.table.index)
    ('bass', ['bass', 'naive', 'gompertz'])
    >>> choice.forecast.shape
    (5, 6)
    """
    trend = series_of(trend)
    horizon = check_int(horizon, name="horizon", min_value=1)
    n_origins = check_int(n_origins, name="n_origins", min_value=1)
    score = check_in(score, name="score", options=_SCORES)
    level = check_level(level)
    n_paths = check_int(n_paths, name="n_paths", min_value=1)
    as_generator(rng)  # checked now: only the models' paths draw from it
    fit_options = check_fit_options(fit_options)
    fitters = fitters_for(models, fit_options=fit_options)
    taus = origins_for(trend, horizon, n_origins, horizon + MIN_ERROR_PATHS)
    period, period_note = resolve_period(trend, period, horizon, taus[0])
    fitters, seasonal_notes = with_seasonal(
        fitters, period, taus[0], models is not None, trend, fit_options
    )
    candidates = {k: v for k, v in fitters.items() if v is not None}
    if regressors is not None and isinstance(models, dict):
        msg = (
            "`regressors` go to the named Hawkes candidates; functions given in a dict "
            "take their own (e.g. `fit_hawkes(trend, regressors=...)`)."
        )
        raise InvalidParameterError(msg)
    candidates, regressor_notes = with_regressors(
        candidates, regressors, trend, horizon, period, fit_options
    )
    candidates["naive"] = lambda tr: _Baseline(np.asarray(tr.counts, dtype=np.float64), 1)
    notes = (
        ["network models (IC, LT, heat) need a graph and seeds: pass their fits in `models`"]
        if models is None
        else []
    )
    notes.append(period_note)
    notes += seasonal_notes + regressor_notes
    if period is not None:
        candidates["seasonal_naive"] = lambda tr: _Baseline(
            np.asarray(tr.counts, dtype=np.float64), period
        )
    rows = []
    for name, tau, res, test, sec in at_origins(trend, candidates, taus, horizon):
        row = {"model": name, "origin": tau, "success": bool(res.success)}
        row["status"] = int(res.status)
        row.update(
            _holdout_scores(res, test, level=level, n_paths=n_paths, rng=rng, interval_score=True)
        )
        row.setdefault("mae", math.nan)
        row.setdefault("msis", math.nan)
        row.setdefault("coverage", math.nan)
        row["seconds"] = sec
        rows.append(row)
    detail = pd.DataFrame(rows)
    fits = {name: _refit(f, trend) for name, f in candidates.items() if name not in BASELINES}
    reference = "seasonal_naive" if period is not None else "naive"
    table = _ranking(detail, fits, score, reference)
    chosen = str(table.index[0])
    if not table["eligible"].any():
        chosen = "naive"
        notes.append(
            f"no candidate has a finite {score} (a constant series before an origin): "
            "the naive forecast is returned"
        )
        table.loc["naive", "chosen"] = True
    if chosen in BASELINES:
        fit = None
        forecast = naive_forecast(
            trend, horizon, level, period=1 if chosen == "naive" else period, n_paths=n_paths
        )
    else:
        fit = fits[chosen]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            forecast = fit.forecast(horizon, level, n_paths=n_paths, rng=rng)
    return ModelChoice(
        model=chosen,
        fit=fit,
        forecast=forecast,
        table=table,
        detail=detail,
        fits=fits,
        score=score,
        horizon=horizon,
        level=level,
        period=period,
        origins=tuple(taus),
        notes=tuple(notes),
        _trend=trend,
    )
