"""Calibration of predictive bands over rolling origins: PIT values and coverage."""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._random import as_generator
from .._validation import check_in, check_int, check_level, ndim_of, short_repr
from ..exceptions import InvalidParameterError
from ._errors import ERRORS
from .choose import (
    BASELINES,
    CURVE_MODELS,
    PERIODIC,
    origins_for,
    resolve_period,
    seasonal_fitter,
    series_of,
)
from .forecast import MIN_ERROR_PATHS, _Baseline, _draws, _error_model, _usable, at_origins

__all__ = ["Calibration", "calibration"]


@dataclass(frozen=True, repr=False, eq=False)
class Calibration:
    """How well a model's predictive bands held over rolling origins.

    Attributes
    ----------
    model : str
        The model checked.
    pit : pandas.DataFrame
        One row per held-out bin with a forecast: ``origin``, ``step`` (1 = the first
        bin after the origin), ``observed`` and ``pit``, the randomized probability
        integral transform of the observed count under the predictive draws. Uniform
        on (0, 1) when the predictive distribution is right; a U shape means bands too
        narrow, a hump bands too wide, a slope a biased forecast.
    coverage : pandas.DataFrame
        One row per level: ``nominal``, ``covered`` (held-out bins inside the central
        band), ``n`` (bins scored), ``coverage`` (``covered / n``) and ``stderr``
        (binomial, at the nominal level).
    ks_pvalue : float
        Kolmogorov-Smirnov test of the PIT values against the uniform law. Values
        from one origin are dependent, so read it as a guide, not an exact test.
    n_failed : int
        Origins whose fit had no forecast (their bins are not scored).
    origins : tuple of int
        The forecast origins (bins).
    horizon : int
        Bins forecast from each origin.
    """

    model: str
    pit: pd.DataFrame
    coverage: pd.DataFrame
    ks_pvalue: float
    n_failed: int
    origins: tuple
    horizon: int

    def to_frame(self):
        """The coverage table, one row per level (the PIT values are in `pit`)."""
        return self.coverage.copy()

    def summary(self):
        """A short text report."""
        lines = [
            f"calibration of {self.model}: {len(self.pit)} held-out bins from "
            f"{len(self.origins)} origin(s), {self.horizon} bins ahead"
            + (f", {self.n_failed} origin(s) without a forecast" if self.n_failed else ""),
            f"  PIT against uniform: KS p = {self.ks_pvalue:.3g}",
        ]
        for level, row in self.coverage.iterrows():
            lines.append(
                f"  {level:.0%} band: {int(row['covered'])} of {int(row['n'])} bins inside "
                f"({row['coverage']:.1%}, binomial se {row['stderr']:.1%})"
            )
        return "\n".join(lines)

    def __repr__(self):
        return f"<Calibration: {self.model}, {len(self.pit)} held-out bins>"

    def plot(self, ax=None, *, n_bins=10):
        """PIT histogram and coverage against nominal level; the two Axes.

        Draws with `spread.plot.calibration`.
        """
        from .. import plot

        return plot.calibration(self, ax, n_bins=n_bins)


def pit_values(draws, observed, rng):
    """Randomized PIT of each observed count under its column of `draws`:
    ``P(X < y) + V P(X = y)`` with V uniform, uniform on (0, 1) when ``X ~ y``."""
    below = np.mean(draws < observed[None, :], axis=0)
    at_most = np.mean(draws <= observed[None, :], axis=0)
    return below + rng.uniform(size=observed.size) * (at_most - below)


def _fitter(model, trend, horizon, first_origin, period):
    """(name, fitter) of `model`: a model name, a baseline's or a callable."""
    if callable(model):
        return getattr(model, "__name__", "model"), model
    if not isinstance(model, str) or model not in (*CURVE_MODELS, *PERIODIC, *BASELINES):
        options = ", ".join(repr(m) for m in (*CURVE_MODELS, *PERIODIC, *BASELINES))
        msg = (
            f"`model` must be one of {options} or a function mapping a Trend to a "
            f"FitResult; got {short_repr(model)}."
        )
        raise InvalidParameterError(msg)
    if model == "naive":
        return model, lambda tr: _Baseline(np.asarray(tr.counts, dtype=np.float64), 1)
    if model == "seasonal_naive" or model in PERIODIC:
        period, note = resolve_period(trend, period, horizon, first_origin)
        if period is None:
            msg = f"`period` must be given for model {model!r} here ({note})."
            raise InvalidParameterError(msg)
        if model in PERIODIC:
            return model, seasonal_fitter(period, PERIODIC[model][0])
        return model, lambda tr: _Baseline(np.asarray(tr.counts, dtype=np.float64), period)
    return model, CURVE_MODELS[model]


def calibration(
    trend,
    model="bass",
    *,
    horizon,
    n_origins=5,
    period=None,
    levels=(0.5, 0.8, 0.9, 0.95),
    n_paths=1000,
    rng=0,
    errors=None,
):
    """Check a model's predictive bands over rolling origins: PIT values and coverage.

    The model is fitted to the bins before each of `n_origins` origins (windows of
    `horizon` bins tiling the end of the series, as in `choose`) and draws `n_paths`
    forecasts of the window (as `FitResult.forecast`: observation noise and parameter
    uncertainty). Each held-out count gets its randomized probability integral
    transform (PIT) under those draws, uniform when the predictive law is right
    (Czado, Gneiting & Held 2009, for counts), and each band of central probability
    in `levels` the share of held-out counts it holds.

    Parameters
    ----------
    trend : Trend or array_like
    model : str or callable, default "bass"
        A model name as in `choose` (``"bass"``, ..., ``"hawkes"``,
        ``"seasonal_hawkes"``, ``"weekly_hawkes"``, ``"naive"``, ``"seasonal_naive"``;
        the seasonal ones use `period`), or a function mapping a training `Trend` to
        a `FitResult`.
    horizon : int
        Bins forecast from each origin.
    n_origins : int, default 5
        Forecast origins.
    period : int, optional
        The seasonal naive's period (default from the bin width, as in `choose`).
    levels : sequence of float, default (0.5, 0.8, 0.9, 0.95)
        Central probabilities of the bands whose coverage is counted.
    n_paths : int, default 1000
        Predictive draws per origin.
    rng : seed, default 0
        For the draws and the PIT's randomization.
    errors : {"independent", "ar1"}, optional
        The fitted models' error model (`FitResult.forecast`; default each fit's own);
        the baselines keep their empirical errors.

    Returns
    -------
    Calibration
        ``pit`` (per held-out bin), ``coverage`` (`to_frame`, per level),
        ``ks_pvalue``; ``plot()`` draws the PIT histogram and coverage against
        nominal.

    Raises
    ------
    InvalidParameterError
        If the trend is too short for `n_origins` windows of `horizon` bins, `model`
        is not a known name or a function, or a level is not in (0, 1).

    Examples
    --------
    A Bass fit on Bass counts with Poisson noise: its bands hold about what they say.

    >>> from spread.fit import calibration, simulate_trend
    >>> tr = simulate_trend("bass", {"m": 20_000, "p": 0.005, "q": 0.15}, 40, rng=1)
    >>> cal = calibration(tr, "bass", horizon=5, n_origins=3, levels=[0.5, 0.9], n_paths=100)
    >>> cal.coverage[["covered", "n"]].values.tolist()
    [[10, 15], [15, 15]]
    >>> bool(cal.pit["pit"].between(0, 1).all())
    True
    """
    trend = series_of(trend)
    horizon = check_int(horizon, name="horizon", min_value=1)
    n_origins = check_int(n_origins, name="n_origins", min_value=1)
    n_paths = check_int(n_paths, name="n_paths", min_value=1)
    if isinstance(levels, str | bytes) or ndim_of(levels) != 1 or len(levels) == 0:
        msg = (
            f"`levels` must be a non-empty sequence of levels in (0, 1); got {short_repr(levels)}."
        )
        raise InvalidParameterError(msg)
    levels = sorted({check_level(v, name="levels") for v in levels})
    if errors is not None:
        errors = check_in(errors, name="errors", options=ERRORS)
    gen = as_generator(rng)
    taus = origins_for(trend, horizon, n_origins, horizon + MIN_ERROR_PATHS)
    name, fitter = _fitter(model, trend, horizon, taus[0], period)
    rows = []
    hits = {a: [] for a in levels}
    n_failed = 0
    for _, tau, res, test, _sec in at_origins(trend, {name: fitter}, taus, horizon):
        if not _usable(res):
            n_failed += 1
            continue
        draws = _draws(res, test.size, n_paths, gen, _error_model(res, errors))
        pit = pit_values(draws, test, gen)
        for a in levels:
            q = (1 - a) / 2
            low, high = np.quantile(draws, [q, 1 - q], axis=0)
            hits[a].append((test >= low) & (test <= high))
        rows += [
            {"origin": tau, "step": j + 1, "observed": float(test[j]), "pit": float(pit[j])}
            for j in range(test.size)
        ]
    pit = pd.DataFrame(rows, columns=["origin", "step", "observed", "pit"])
    cov = []
    for a in levels:
        inside = np.concatenate(hits[a]) if hits[a] else np.empty(0, dtype=bool)
        n = int(inside.size)
        cov.append(
            {
                "nominal": a,
                "covered": int(inside.sum()),
                "n": n,
                "coverage": float(inside.mean()) if n else math.nan,
                "stderr": math.sqrt(a * (1 - a) / n) if n else math.nan,
            }
        )
    coverage = pd.DataFrame(cov, index=pd.Index(levels, name="level"))
    ks = math.nan
    if len(pit) > 1:
        from scipy.stats import kstest

        ks = float(kstest(pit["pit"].to_numpy(), "uniform").pvalue)
    return Calibration(
        model=name if isinstance(model, str) else getattr(res, "model", name),
        pit=pit,
        coverage=coverage,
        ks_pvalue=ks,
        n_failed=n_failed,
        origins=tuple(taus),
        horizon=horizon,
    )
