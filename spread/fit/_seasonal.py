"""A periodic background for the Hawkes process (`HawkesEstimator` with a `period`), and
the same periodic factor on IC's spontaneous adoption (`ICEstimator` with a `period`).

Background rate ``mu(t) = mu * g(t)`` with
``g(t) = exp(sum_{h=1..H} a_h cos(2 pi h t / P) + b_h sin(2 pi h t / P))``: always
positive, and ``mu`` is its geometric mean over a period. ``t`` is the phase time,
counted from the anchor: midnight UTC for datetime data (so the phase is the time of
day), time 0 for numeric data.

A weekly cycle (`weekly` harmonics, `HawkesEstimator(weekly_harmonics=...)`) multiplies
``g`` by ``exp(sum_{w=1..W} c_w cos(2 pi w t / 7P) + d_w sin(2 pi w t / 7P))``: the
two cycles are one Fourier series of period ``7P`` over the harmonics ``7, 14, .., 7H``
(the daily ones) and ``1, .., W`` (the weekly ones, ``W < 7``), so every function here
takes the harmonics' numbers (`harmonics`; default ``1 .. len(coefs) / 2``). Its phase
is anchored at Monday 00:00 UTC for datetime data (time 0 for numbers).

Integrals of ``g`` are computed by composite Gauss-Legendre quadrature (16 nodes on
pieces at most ``P / (8 h_max)`` long, and at most one time unit long; the tests check 1e-10 relative against `scipy.integrate.quad` and
the Bessel closed form), and the whole periods of a long window are one period's
integral times their count. The coefficients are bounded, |a_h|, |b_h| <= 4.
"""

import math

import numpy as np
import pandas as pd

from .._common import check_memory
from .._validation import check_int, check_nonnegative_float, short_repr
from ..exceptions import InvalidParameterError
from ..trend import as_trend
from ._hawkes_kernels import hawkes_bg_nll_grad
from ._hawkes_problems import _HawkesBinned, _HawkesEvents
from .regressors import _check_name, as_regressors

__all__ = [
    "COEF_BOUND",
    "WEEK",
    "ExternalSchedule",
    "SeasonalHawkesBinned",
    "SeasonalHawkesEvents",
    "bin_masses",
    "check_season",
    "check_weekly",
    "coef_names",
    "cycle_regressors",
    "cycle_summary",
    "events_phase",
    "external_schedule",
    "harmonics_of",
    "interval_integrals",
    "seasonal_immigrants",
    "shape",
    "shape_summary",
    "step_phases",
    "trend_phase",
    "window_moments",
]

_NODES, _WEIGHTS = np.polynomial.legendre.leggauss(16)
COEF_BOUND = 4.0  # |a_h|, |b_h|: the background's peak/trough ratio is at most e^(2 * 4 * H)


#: Periods in a week: the weekly cycle's period is ``WEEK * period``.
WEEK = 7


def check_season(period, n_harmonics):
    """`period` (a positive finite number, or None) and `n_harmonics` (an int >= 1)."""
    n_harmonics = check_int(n_harmonics, name="n_harmonics", min_value=1)
    if period is None:
        return None, n_harmonics
    return check_nonnegative_float(period, name="period", allow_zero=False), n_harmonics


def check_weekly(weekly, period):
    """`weekly` (the weekly cycle's harmonics: an int in 0..6, above 0 only with a
    `period`)."""
    weekly = check_int(weekly, name="weekly_harmonics", min_value=0, max_value=WEEK - 1)
    if weekly and period is None:
        msg = (
            "`weekly_harmonics` adds a weekly cycle to a periodic background: give "
            f"`period` too (24 for hourly bins); got weekly_harmonics={weekly}."
        )
        raise InvalidParameterError(msg)
    return weekly


def harmonics_of(n_harmonics, weekly=0):
    """The harmonics' numbers and the period's multiple: ``(1..H)`` and 1 without a
    weekly cycle, else ``(7, 14, .., 7H, 1, .., W)`` of the period ``7P``."""
    if not weekly:
        return tuple(range(1, n_harmonics + 1)), 1
    daily = tuple(WEEK * h for h in range(1, n_harmonics + 1))
    return daily + tuple(range(1, weekly + 1)), WEEK


def trend_phase(trend, week=False):
    """Phase time (in bins) of the start of a trend's first bin: bins since midnight UTC
    of that day (of that week's Monday with `week`) for datetime bins (a tz-naive index
    is read as UTC), else ``start / freq`` (numeric bins are anchored at time 0)."""
    if trend.is_datetime:
        return _since_midnight(trend.start, trend.freq, week)
    return float(trend.start) / float(trend.freq)


def step_phases(phase0, n_steps, steps_per_bin, first):
    """Phase time (in bins) of the middle of cascade steps ``1 .. n_steps - 1``.

    Step s lies in trend bin ``(s - first) // steps_per_bin``, at
    ``(s - first + 0.5) / steps_per_bin`` bins from the trend's start (`first`: the step
    of bin 0's start, 0 when bin 0 counts the seeds' step, else 1); `phase0` is the
    phase of that start (`trend_phase`).
    """
    s = np.arange(1, n_steps, dtype=np.float64)
    return phase0 + (s - first + 0.5) / steps_per_bin


def events_phase(origin, unit, zero, week=False):
    """Phase time (in time units) of the events' time 0: units since midnight UTC of the
    origin's day (of that week's Monday with `week`) for datetime events, else the
    number `zero` that time 0 stands for."""
    if origin is None:
        return float(zero)
    return _since_midnight(origin, unit, week)


def _since_midnight(ts, unit, week=False):
    ts = pd.Timestamp(ts)
    utc = ts.tz_convert("UTC") if ts.tz is not None else ts
    start = utc.floor("D")
    if week:
        start -= pd.Timedelta(days=start.day_of_week)
    return (utc.value - start.value) / pd.Timedelta(unit).value


def coef_names(n_harmonics, weekly=0):
    """``a1, b1, .., aH, bH`` and the weekly cycle's ``wa1, wb1, .., waW, wbW``."""
    daily = tuple(f"{c}{h}" for h in range(1, n_harmonics + 1) for c in ("a", "b"))
    return daily + tuple(f"w{c}{h}" for h in range(1, weekly + 1) for c in ("a", "b"))


def _harmonics(harmonics, coefs):
    if harmonics is None:
        return tuple(range(1, np.asarray(coefs).size // 2 + 1))
    return tuple(harmonics)


def _basis(phase, period, harmonics):
    """Rows ``cos(2 pi h t / P)``, ``sin(2 pi h t / P)`` for the harmonics h (an int H:
    1..H), in the coefficients' order (a1, b1, ...)."""
    if isinstance(harmonics, int):
        harmonics = range(1, harmonics + 1)
    w = 2 * np.pi * np.asarray(phase, dtype=np.float64) / period
    rows = []
    for h in harmonics:
        rows += [np.cos(h * w), np.sin(h * w)]
    return np.array(rows)


def shape(coefs, phase, period, harmonics=None):
    """``g`` at the phase times `phase` (exactly 1 when every coefficient is 0)."""
    coefs = np.asarray(coefs, dtype=np.float64)
    phase = np.asarray(phase, dtype=np.float64)
    if not coefs.any():
        return np.ones(phase.shape)
    basis = _basis(phase, period, _harmonics(harmonics, coefs))
    return np.exp(np.tensordot(coefs, basis, axes=1))


def _pieces(length, period, harmonics):
    """Quadrature pieces for `length`: at most ``P / (8 h_max)`` and 1 long each."""
    top = harmonics if isinstance(harmonics, int) else max(harmonics, default=1)
    return max(1, math.ceil(length * max(8 * top / period, 1.0)))


def _nodes(lo, hi, n_pieces):
    """Quadrature nodes and weights on the intervals ``[lo, hi]`` (arrays), rows per
    interval, each split into `n_pieces` equal pieces of 16 Gauss-Legendre nodes."""
    lo = np.asarray(lo, dtype=np.float64)[:, None]
    width = (np.asarray(hi, dtype=np.float64)[:, None] - lo) / n_pieces
    left = lo + width * np.arange(n_pieces)
    x = left[:, :, None] + width[:, :, None] * (_NODES + 1) / 2
    w = np.broadcast_to(width[:, :, None] * _WEIGHTS / 2, x.shape)
    return x.reshape(lo.shape[0], -1), w.reshape(lo.shape[0], -1)


def interval_integrals(coefs, period, lo, hi, harmonics=None):
    """``integral_lo^hi g(t) dt`` for arrays of phase intervals (each at most a period)."""
    coefs = np.asarray(coefs, dtype=np.float64)
    lo = np.asarray(lo, dtype=np.float64)
    hi = np.asarray(hi, dtype=np.float64)
    if not coefs.any():
        return hi - lo
    harmonics = _harmonics(harmonics, coefs)
    longest = float(np.max(hi - lo)) if lo.size else 0.0
    x, w = _nodes(lo, hi, _pieces(longest, period, harmonics))
    return np.sum(shape(coefs, x, period, harmonics) * w, axis=1)


def bin_masses(coefs, period, phase0, n_bins, harmonics=None):
    """``integral of g`` over each of `n_bins` unit bins, the first starting at phase `phase0`."""
    starts = phase0 + np.arange(n_bins, dtype=np.float64)
    return interval_integrals(coefs, period, starts, starts + 1.0, harmonics)


def window_moments(coefs, period, phase0, length, harmonics=None):
    """``integral_0^length g(phase0 + s) (1, cos_1, sin_1, ..., cos_H, sin_H) ds``: the
    background's integral over an observation window and its derivatives in a_h, b_h."""
    coefs = np.asarray(coefs, dtype=np.float64)
    harmonics = _harmonics(harmonics, coefs)
    n_full = math.floor(length / period)
    spans = []
    if n_full:
        spans.append((0.0, period, float(n_full)))
    rest = phase0 + n_full * period
    spans.append((rest, phase0 + length, 1.0))
    out = np.zeros(1 + coefs.size)
    for lo, hi, times in spans:
        x, w = _nodes([lo], [hi], _pieces(hi - lo, period, harmonics))
        g = shape(coefs, x[0], period, harmonics) * w[0]
        out += times * np.concatenate([[g.sum()], _basis(x[0], period, harmonics) @ g])
    if not coefs.any():
        out[0] = length  # exactly the constant background's T
    return out


class ExternalSchedule:
    """IC's spontaneous adoption step by step (`ICEstimator`'s `period` and
    `regressors`): step s adopts on its own with probability ``external * g(phase of s)
    * exp(x(bin of s) @ gamma)``, capped at 1, with `g` the Hawkes background's shape
    (`shape`, geometric mean 1; none without a `period`) and `x` the `regressors`'
    values in the trend bin holding step s (`spread.fit.regressors.Regressors`).

    `phase0` is the phase of the trend's start (in bins), `first` the step at which
    bin 0 starts (`step_phases`); `n_steps` the steps the fitted window needs (the
    default length of the fitted model's schedule). `names` and `bounds` are the
    harmonics' coefficients then the regressors'.
    """

    def __init__(
        self,
        steps_per_bin,
        first,
        n_steps,
        *,
        period=None,
        n_harmonics=1,
        phase0=0.0,
        regressors=None,
    ):
        self.period = period
        harmonics = coef_names(n_harmonics) if period is not None else ()
        self.n_coefs = len(harmonics)
        self.regressors = regressors
        self.names = tuple(harmonics) + (regressors.names if regressors is not None else ())
        self.bounds = [(-COEF_BOUND, COEF_BOUND)] * self.n_coefs + (
            list(regressors.bounds) if regressors is not None else []
        )
        self.phase0 = phase0
        self.steps_per_bin = steps_per_bin
        self.first = first
        self.n_steps = n_steps

    def schedule(self, external, coefs, n_steps):
        """Probabilities of steps ``1 .. n_steps - 1`` (at least one entry)."""
        n_steps = max(n_steps, 2)
        out = np.full(n_steps - 1, external)
        if self.period is not None:
            phase = step_phases(self.phase0, n_steps, self.steps_per_bin, self.first)
            out = external * shape(coefs[: self.n_coefs], phase, self.period)
        if self.regressors is not None:
            steps = np.arange(1, n_steps)
            bins = np.maximum(steps - self.first, 0) // self.steps_per_bin
            factor = self.regressors.factor(coefs[self.n_coefs :], int(bins[-1]) + 1)
            out = out * factor[bins]
        return np.minimum(out, 1.0)


def external_schedule(
    data, steps_per_bin, seeds_in_trend, period, n_harmonics, regressors, *, external, first_name
):
    """`ICEstimator`'s `ExternalSchedule` for trend `data`, or None without a `period`
    and `regressors` (`first_name`: the first parameter's name, ``p`` or ``scale``)."""
    period, n_harmonics = check_season(period, n_harmonics)
    if period is None and regressors is None:
        return None
    if not external:
        msg = (
            "`period` and `regressors` shape spontaneous adoption: they need "
            f"`external=True`; got period={period!r}, regressors given: "
            f"{regressors is not None}."
        )
        raise InvalidParameterError(msg)
    trend = as_trend(data)
    spb = check_int(steps_per_bin, name="steps_per_bin", min_value=1)
    first = 0 if seeds_in_trend else 1
    reserved = (first_name, "external", *(coef_names(n_harmonics) if period else ()))
    return ExternalSchedule(
        spb,
        first,
        trend.n_bins * spb + first,
        period=period,
        n_harmonics=n_harmonics,
        phase0=trend_phase(trend),
        regressors=None if regressors is None else as_regressors(regressors, trend, reserved),
    )


class SeasonalHawkesBinned(_HawkesBinned):
    """`_HawkesBinned` with the background ``mu * integral of g`` per bin (bin ``t`` covers
    phase ``[phase0 + t, phase0 + t + 1)``; `period` in bins; with `weekly` harmonics
    the series has period ``7 period`` and `phase0` counts from Monday, `trend_phase`)."""

    model = "seasonal_hawkes_binned"

    def __init__(self, period, n_harmonics, phase0, weekly=0):
        self.harmonics, multiple = harmonics_of(int(n_harmonics), int(weekly))
        self.daily_period = float(period)
        self.period = float(period) * multiple
        self.n_harmonics = int(n_harmonics)
        self.phase0 = float(phase0)
        self.coef_names = coef_names(self.n_harmonics, int(weekly))
        self.names = ("mu", "alpha", "beta", *self.coef_names)
        self.logs = (True, True, True) + (False,) * len(self.coef_names)

        self._nodes = {}

    def _coefs_of(self, theta):
        return np.array([theta[n] for n in self.coef_names])

    def _bin_nodes(self, n_bins):
        """The quadrature's basis at its nodes and weights, for `n_bins` bins from
        phase0; with a whole number of bins per period only one period's bins, as the
        masses then repeat (``bin_masses`` with the same nodes)."""
        if n_bins not in self._nodes:
            whole = float(self.period).is_integer()
            n = min(n_bins, int(self.period)) if whole else n_bins
            starts = self.phase0 + np.arange(n, dtype=np.float64)
            x, w = _nodes(starts, starts + 1.0, _pieces(1.0, self.period, self.harmonics))
            self._nodes[n_bins] = (_basis(x, self.period, self.harmonics), w, n)
        return self._nodes[n_bins]

    def _base_background(self, theta, n_total):
        coefs = self._coefs_of(theta)
        if not coefs.any():
            return np.full(n_total, theta["mu"])
        basis, w, _n = self._bin_nodes(n_total)
        masses = np.sum(np.exp(np.tensordot(coefs, basis, axes=1)) * w, axis=1)
        return theta["mu"] * np.resize(masses, n_total)

    def _mean_background(self, theta):
        coefs = self._coefs_of(theta)
        moments = window_moments(coefs, self.period, 0.0, self.period, self.harmonics)
        return theta["mu"] * moments[0] / self.period

    def bounds(self, y, fixed):
        out = super().bounds(y, fixed)
        out.update(dict.fromkeys(self.coef_names, (-COEF_BOUND, COEF_BOUND)))
        return out

    def starts(self, y, fixed):
        # A start from the harmonic regression of log(y + 1/2) on the bin mid-phases,
        # and one without seasonality.
        y = np.asarray(y, dtype=np.float64)
        mid = self.phase0 + np.arange(y.size) + 0.5
        X = np.vstack([np.ones(y.size), _basis(mid, self.period, self.harmonics)]).T
        reg = np.zeros(len(self.coef_names))
        if y.size > X.shape[1]:
            sol, *_ = np.linalg.lstsq(X, np.log(y + 0.5), rcond=None)
            reg = np.clip(sol[1:], -0.9 * COEF_BOUND, 0.9 * COEF_BOUND)
        out = []
        for base in super().starts(y, fixed):
            out.append({**base, **dict(zip(self.coef_names, reg, strict=True))})
        out.append({**super().starts(y, fixed)[1], **dict.fromkeys(self.coef_names, 0.0)})
        return out

    def describe(self, theta, n_bins, y):
        out = super().describe(theta, n_bins, y)
        out.update(cycle_summary(self._coefs_of(theta), self.daily_period, self.n_harmonics))
        return out


class SeasonalHawkesEvents(_HawkesEvents):
    """`_HawkesEvents` with the background ``mu * g(phase0 + t)`` (`period` in time units;
    with `weekly` harmonics as `SeasonalHawkesBinned`)."""

    model = "seasonal_hawkes"

    def __init__(self, times, t_end, origin, unit, period, n_harmonics, phase0, weekly=0):
        super().__init__(times, t_end, origin, unit)
        self.harmonics, multiple = harmonics_of(int(n_harmonics), int(weekly))
        self.daily_period = float(period)
        self.weekly = int(weekly)
        self.period = float(period) * multiple
        self.n_harmonics = int(n_harmonics)
        self.phase0 = float(phase0)
        self.coef_names = coef_names(self.n_harmonics, self.weekly)
        self.names = ("mu", "alpha", "beta", *self.coef_names)
        self.logs = np.array([True] * 3 + [False] * len(self.coef_names))
        self.bounds_x = list(self.bounds_x) + [(-COEF_BOUND, COEF_BOUND)] * len(self.coef_names)
        zeros = np.zeros(len(self.coef_names))
        self.starts_x = [np.concatenate([s, zeros]) for s in self.starts_x]
        self.basis = _basis(self.phase0 + self.times, self.period, self.harmonics)
        self._inv = np.empty(self.times.size)

    # --- likelihood: the kernel's sum over events, minus the background's integral
    def _terms(self, x):
        theta = self.to_natural(x)
        mu, alpha, beta = theta[:3]
        coefs = theta[3:]
        g = np.exp(coefs @ self.basis) if coefs.any() else np.ones(self.times.size)
        ll, g_alpha, g_beta = hawkes_bg_nll_grad(
            self.times, self.t_end, mu * g, alpha, beta, self._inv
        )
        moments = window_moments(coefs, self.period, self.phase0, self.t_end, self.harmonics)
        return theta, g, ll, g_alpha, g_beta, moments

    def nll(self, x):
        theta, _g, ll, *_rest, moments = self._terms(x)
        f = -(ll - theta[0] * moments[0])
        return float(f) if np.isfinite(f) else 1e300

    def grad(self, x):
        theta, g, ll, g_alpha, g_beta, moments = self._terms(x)
        if not np.isfinite(ll):
            return super(_HawkesEvents, self).grad(x)
        mu, alpha, beta = theta[:3]
        w = g * self._inv
        d_mu = w.sum() - moments[0]  # d loglik / d mu
        d_coefs = mu * (self.basis @ w - moments[1:])
        return -np.concatenate([[d_mu * mu, g_alpha * alpha, g_beta * beta], d_coefs])

    # --- the hooks of `_HawkesEvents`
    def _background_integral(self, theta, t):
        t = np.asarray(t, dtype=np.float64)
        coefs = theta[3:]
        if not coefs.any():
            return theta[0] * t
        whole = np.floor(t)
        n = int(whole.max()) if t.size else 0
        masses = bin_masses(coefs, self.period, self.phase0, n, self.harmonics)
        cum = np.concatenate([[0.0], np.cumsum(masses)])
        start = self.phase0 + whole
        part = interval_integrals(
            coefs, self.period, start.ravel(), (self.phase0 + t).ravel(), self.harmonics
        )
        return theta[0] * (cum[whole.astype(np.int64)] + part.reshape(t.shape))

    def _mean_background(self, theta):
        moments = window_moments(theta[3:], self.period, 0.0, self.period, self.harmonics)
        return theta[0] * moments[0] / self.period

    def _future_mean(self, theta, e_end, d):
        """``integral (mu(s) + e(s)) ds`` over ``(t_end, t_end + d]``: the excitation obeys
        ``e' = -kappa e + alpha beta mu(s)``, ``kappa = beta (1 - alpha)``, so the total is
        ``M + (alpha beta / kappa)(M - J) + e_end (1 - e^{-kappa d}) / kappa`` with
        ``M = integral mu`` and ``J(t) = integral mu(s) e^{-kappa (t - s)} ds``, stepped
        from one requested time to the next."""
        mu, alpha, beta = theta[:3]
        coefs = theta[3:]
        kappa = beta * (1 - alpha)
        d = np.asarray(d, dtype=np.float64)
        order = np.argsort(d)
        ends = np.concatenate([[0.0], d[order]])
        m_cum = np.zeros(d.size)
        j_cum = np.zeros(d.size)
        m = j = 0.0
        for k in range(d.size):
            lo, hi = ends[k], ends[k + 1]
            if hi > lo:
                n_pieces = _pieces(hi - lo, self.period, self.harmonics)
                n_pieces = max(n_pieces, math.ceil((hi - lo) * kappa / 2))
                x, w = _nodes([lo], [hi], min(n_pieces, 4096))
                g = shape(coefs, self.phase0 + self.t_end + x[0], self.period, self.harmonics)
                g = g * w[0]
                m += g.sum()
                j = math.exp(-kappa * (hi - lo)) * j + np.sum(g * np.exp(-kappa * (hi - x[0])))
            m_cum[order[k]] = m
            j_cum[order[k]] = j
        m_cum *= mu
        j_cum *= mu
        return (
            m_cum
            + alpha * beta / kappa * (m_cum - j_cum)
            + e_end * (-np.expm1(-kappa * d)) / kappa
        )

    def _immigrants(self, rng, theta, t0, t1):
        return seasonal_immigrants(
            rng, theta[0], theta[3:], self.period, self.phase0, t0, t1, self.harmonics
        )

    def _like(self, times):
        return SeasonalHawkesEvents(
            times,
            self.t_end,
            self.origin,
            self.unit,
            self.period,
            self.n_harmonics,
            self.phase0,
            self.weekly,
        )

    def diagnostics(self, x):
        out = super().diagnostics(x)
        out.update(cycle_summary(self.to_natural(x)[3:], self.daily_period, self.n_harmonics))
        return out


def seasonal_immigrants(rng, mu, coefs, period, phase0, t0, t1, harmonics=None):
    """Background events on ``[t0, t1)`` with rate ``mu g(phase0 + t)``, by thinning a
    Poisson process of rate ``mu exp(sum_h sqrt(a_h^2 + b_h^2))`` (a bound on it)."""
    coefs = np.asarray(coefs, dtype=np.float64)
    top = float(np.sum(np.hypot(coefs[0::2], coefs[1::2])))
    cand = rng.uniform(t0, t1, rng.poisson(mu * math.exp(top) * (t1 - t0)))
    g = shape(coefs, phase0 + cand, period, harmonics)
    keep = rng.uniform(0.0, 1.0, cand.size) < g / math.exp(top)
    return np.sort(cand[keep])


def shape_summary(coefs, period):
    """Where in the period the background peaks, and its peak-to-trough ratio."""
    grid = np.linspace(0.0, period, 720, endpoint=False)
    log_g = np.log(shape(coefs, grid, period))
    return {
        "background_peak_phase": float(grid[np.argmax(log_g)]),
        "background_peak_to_trough": float(np.exp(log_g.max() - log_g.min())),
    }


def cycle_summary(coefs, period, n_harmonics):
    """`shape_summary` of the daily cycle (the first ``2 n_harmonics`` coefficients),
    and with a weekly cycle the same of it alone (``weekly_peak_phase`` counts time
    units from Monday 00:00, ``weekly_peak_to_trough``)."""
    coefs = np.asarray(coefs, dtype=np.float64)
    out = shape_summary(coefs[: 2 * n_harmonics], period)
    if coefs.size > 2 * n_harmonics:
        weekly = shape_summary(coefs[2 * n_harmonics :], WEEK * period)
        out.update({k.replace("background", "weekly"): v for k, v in weekly.items()})
    return out


def cycle_regressors(history, trend, *, period, n_harmonics=2, horizon=0, name="cycle"):
    """A periodic profile learned from a history, as a column for ``regressors=``.

    A burst is short, and a daily cycle fitted to it alone is confounded with its rise
    and decay (`ICEstimator` and `HawkesEstimator` with a `period` need two periods or
    more). The days before it, or a longer series of the same audience, show the cycle
    on their own. This takes its shape from `history`: the log counts (plus 1/2) over
    a centred moving average of one period (the classical decomposition's
    ratio-to-moving-average, Macaulay 1931, which leaves the cycle without the level's
    drift), fitted by least squares with `n_harmonics` Fourier terms of the phase.
    The column is that log profile ``s`` at the middle of each of `trend`'s bins (and
    `horizon` more); an estimator given it multiplies its background or external rate
    by ``exp(gamma s(t))`` and fits the one coefficient ``gamma``: 1 when the bins swing
    as much as the history did, 0 when they do not swing at all.

    Parameters
    ----------
    history : Trend
        Counts that show the cycle, in bins of `trend`'s width (at least two periods).
    trend : Trend
        The trend the column goes with; it covers its bins and `horizon` more.
    period : int
        The cycle's length in bins (24 for a daily cycle of hourly bins); its phase is
        counted from midnight UTC for datetime bins, from time 0 for numeric ones (as
        the estimators' `period`).
    n_harmonics : int, default 2
        Fourier terms of the profile (``2 n_harmonics < period``).
    horizon : int, default 0
        Bins after the trend's last covered too (as many as a forecast will need).
    name : str, default "cycle"
        The column's name, and the coefficient's.

    Returns
    -------
    pandas.DataFrame
        One column, indexed by the bins' start labels: the profile's log, zero on
        average over a period. Join it to `event_regressors`' columns to fit both.

    Raises
    ------
    InvalidParameterError
        A bad `period`, `n_harmonics`, `horizon` or `name`; a `history` shorter than two
        periods, or in bins of another width or kind than `trend`'s.
    MemoryLimitError
        A `horizon` whose column would not fit in memory.

    Examples
    --------
    Three days of hourly counts that peak at 18:00 UTC give a profile that peaks there
    in the next day's bins too:

    >>> import numpy as np, pandas as pd
    >>> from spread.fit import Trend, cycle_regressors
    >>> hours = np.arange(72)
    >>> counts = np.round(100 * np.exp(np.cos(2 * np.pi * (hours - 18) / 24)))
    >>> history = Trend.from_counts(counts, freq="1h", start=pd.Timestamp("2024-01-01"))
    >>> burst = Trend.from_counts([500, 400, 300], freq="1h", start=pd.Timestamp("2024-01-04"))
    >>> x = cycle_regressors(history, burst, period=24, horizon=21)
    >>> int(x["cycle"].idxmax().hour), round(float(x["cycle"].max()), 2)
    (18, 1.0)
    """
    history = as_trend(history, name="history")
    trend = as_trend(trend)
    period = check_int(period, name="period", min_value=2)
    n_harmonics = check_int(n_harmonics, name="n_harmonics", min_value=1)
    if 2 * n_harmonics >= period:
        msg = (
            "`n_harmonics` must leave fewer Fourier terms than bins in a period "
            f"(2 n_harmonics < period = {period}); got {n_harmonics}."
        )
        raise InvalidParameterError(msg)
    horizon = check_int(horizon, name="horizon", min_value=0)
    _check_name(name, "name")
    if history.is_datetime != trend.is_datetime or history.freq != trend.freq:
        msg = (
            f"`history` must be in bins of the trend's width and kind ({trend.freq!r}); "
            f"got bins of {short_repr(history.freq)}."
        )
        raise InvalidParameterError(msg)
    if history.n_bins < 2 * period:
        msg = (
            f"`history` must hold at least two periods ({2 * period} bins) to show the "
            f"cycle apart from its level; got {history.n_bins}."
        )
        raise InvalidParameterError(msg)
    n = trend.n_bins + horizon
    check_memory(24 * n, what=f"a column of {n:,} bins", advice="lower `horizon`")
    log_y = np.log(history.counts + 0.5)
    if period % 2:
        weights = np.full(period, 1.0 / period)
    else:  # an even period: the 2 x P moving average, centred on a bin
        weights = np.r_[0.5, np.ones(period - 1), 0.5] / period
    half = (weights.size - 1) // 2
    detrended = log_y[half : log_y.size - half] - np.convolve(log_y, weights, mode="valid")
    phase = trend_phase(history) + np.arange(half, log_y.size - half) + 0.5
    # The intercept is fitted beside the terms (a window of the history that is not a
    # whole number of periods does not average the cycle to zero) and left out.
    design = np.vstack([np.ones(phase.size), _basis(phase, period, n_harmonics)]).T
    coefs = np.linalg.lstsq(design, detrended, rcond=None)[0][1:]
    future = trend_phase(trend) + np.arange(n) + 0.5
    column = coefs @ _basis(future, period, n_harmonics)
    return pd.DataFrame({name: column}, index=trend.bin_labels(np.arange(n)))
