"""Univariate Hawkes process with exponential kernel: exact fit on event times, binned fit on counts.

Intensity ``lambda(t) = mu + alpha * beta * sum_{t_i < t} exp(-beta (t - t_i))``:
background rate ``mu``, branching ratio ``alpha`` (= n*, expected direct offspring of
an event; the process is stationary iff ``alpha < 1``) and decay rate ``beta``.
With a `period` the background is periodic (a daily cycle, say): see
`spread.fit._seasonal`.
"""

import numpy as np

from .._random import as_generator
from .._time import (
    as_freq,
    as_sequence,
    finite_time,
    floor_time,
    is_datetime_like,
    match_tz,
    numeric_times,
    to_datetimes,
)
from .._validation import check_in, check_int, check_nonnegative_float
from ..exceptions import InvalidParameterError
from ..trend import Trend
from . import _seasonal
from ._counts import CountProblem
from ._hawkes_kernels import hawkes_nll_grad
from ._hawkes_problems import _check_events, _descendants, _HawkesBinned, _HawkesEvents
from ._problem import fit_likelihood
from .curves import _CurveEstimator
from .regressors import as_regressors

__all__ = ["HawkesEstimator", "fit_hawkes", "hawkes_loglik", "simulate_hawkes"]


# ================================================================= simulation
def simulate_hawkes(mu, alpha, beta, horizon, *, rng=None):
    """Event times of an exponential-kernel Hawkes process on ``[0, horizon)``.

    Simulated by its cluster (branching) representation: immigrants arrive as a
    Poisson process of rate `mu`; every event has Poisson(`alpha`) children, each
    after an Exp(`beta`) delay.

    Parameters
    ----------
    mu, alpha, beta : float
        Background rate, branching ratio (< 1) and decay rate.
    horizon : float
        End of the window ``[0, horizon)``.
    rng : seed

    Returns
    -------
    numpy.ndarray
        Sorted event times.

    Examples
    --------
    Each immigrant leads a cluster of ``1 / (1 - alpha)`` events on average, so over a
    long window the count has mean ``mu T / (1 - alpha)`` (1250 here) and variance
    ``mu T / (1 - alpha)**3`` (standard deviation 88):

    >>> import numpy as np
    >>> from spread.fit import simulate_hawkes
    >>> t = simulate_hawkes(0.5, 0.6, 2.0, 1000.0, rng=0)
    >>> bool(np.all(np.diff(t) >= 0) and 0 <= t[0] and t[-1] < 1000.0)
    True
    >>> bool(abs(len(t) - 0.5 * 1000 / 0.4) < 4 * np.sqrt(0.5 * 1000 / 0.4**3))
    True
    """
    mu = check_nonnegative_float(mu, name="mu")
    alpha = check_nonnegative_float(alpha, name="alpha")
    if alpha >= 1:
        msg = f"`alpha` must be < 1 (a stationary process); got {alpha!r}."
        raise InvalidParameterError(msg)
    beta = check_nonnegative_float(beta, name="beta", allow_zero=False)
    horizon = check_nonnegative_float(horizon, name="horizon", allow_zero=False)
    _check_events(mu * horizon / (1.0 - alpha))
    rng = as_generator(rng)
    immigrants = rng.uniform(0.0, horizon, rng.poisson(mu * horizon))
    return np.sort(
        np.concatenate([immigrants, _descendants(rng, immigrants, alpha, beta, horizon)])
    )


def hawkes_loglik(events, horizon, mu, alpha, beta):
    """Exact log-likelihood of the event times `events` on ``[0, horizon]`` (Ozaki's O(n)
    recursion).

    The log-likelihood is ``sum_i log lambda(t_i) - integral_0^T lambda``, with intensity
    ``lambda(t) = mu + alpha beta sum_{t_j < t} e^{-beta (t - t_j)}``. Written out for
    three events on ``[0, 4]`` with ``mu = alpha = 0.5`` and ``beta = 1``:

    >>> import numpy as np
    >>> from spread.fit import hawkes_loglik
    >>> e = np.exp
    >>> by_hand = (np.log(0.5) + np.log(0.5 + 0.5 * e(-0.5))
    ...            + np.log(0.5 + 0.5 * (e(-2.5) + e(-2.0)))
    ...            - 0.5 * 4.0 - 0.5 * ((1 - e(-3.5)) + (1 - e(-3.0)) + (1 - e(-1.0))))
    >>> ll = hawkes_loglik(np.array([0.5, 1.0, 3.0]), 4.0, 0.5, 0.5, 1.0)
    >>> round(ll, 6), bool(np.isclose(ll, by_hand, rtol=1e-12, atol=0))
    (-4.684699, True)
    """
    events = np.sort(np.asarray(events, dtype=np.float64))
    nll, *_ = hawkes_nll_grad(events, float(horizon), float(mu), float(alpha), float(beta))
    return -float(nll)


# ================================================================= estimator
class HawkesEstimator(_CurveEstimator):
    """Exponential-kernel Hawkes process fitted to event times or to a count series.

    With event times the fit maximises the exact likelihood (Ozaki 1979) with
    analytic gradients, O(n) per evaluation in a Numba kernel:

    ``log L = sum_i log(mu + alpha beta A_i) - mu T - alpha sum_i (1 - e^{-beta (T - t_i)})``.

    With a `Trend` (counts only) it fits the discretised process of `_HawkesBinned`
    by Poisson or negative-binomial likelihood, conditional on past counts.

    Parameters
    ----------
    time_unit : str, pandas.Timedelta or float, optional
        Unit of time for datetime event times (default ``"1h"``): rates are per unit.
    start, end : datetime-like or float, optional
        Observation window of event times (default: 0 or the first event's unit,
        and the last event).
    loss : {"negbin", "poisson"}, default "negbin"
        Likelihood of the binned variant (ignored for event times).
    ci_method, level, max_iter, n_resamples, rng
        As for `BassEstimator`.
    period : float, optional
        Period of a periodic background rate, in the time unit of the data: bins of a
        `Trend` (24 for hourly bins: a daily cycle; 168: weekly), `time_unit` for
        datetime event times, the numbers' own unit for numeric ones. Default: a
        constant background.
    n_harmonics : int, default 2
        Number ``H`` of harmonics of the periodic background (ignored without
        `period`).
    weekly_harmonics : int, default 0
        Number ``W`` (0 to 6) of harmonics of a second cycle, seven periods long (a
        week, for a daily `period`), that multiplies the periodic background; needs
        `period`.
    regressors : pandas.DataFrame, pandas.Series or array_like, optional
        Known drivers of the background, binned data only: the background of bin ``t``
        is multiplied by ``exp(sum_j gamma_j x_j(t))``, one coefficient per column,
        named after it (``x1``, ``x2``, ... for an array). A frame is indexed by the
        bins' start labels and aligned on them (`event_regressors` makes one from
        event times); an array's row 0 is the trend's first bin. Rows past the trend
        give the values in the bins a forecast needs, which it then requires.

    Attributes
    ----------
    params_ : dict
        ``mu`` (per unit time or per bin), ``alpha`` (branching ratio), ``beta``; with
        a `period` also ``a1``, ``b1``, ..., ``aH``, ``bH``; with a weekly cycle also
        ``wa1``, ``wb1``, ..., ``waW``, ``wbW``; with `regressors` one coefficient
        per column, named after it.
    result_ : FitResult
        With the KS time-rescaling test in ``diagnostics`` for event times; with a
        `period`, ``background_peak_phase`` (where in the period the background
        peaks, from the anchor) and ``background_peak_to_trough``; with a weekly cycle
        the same of it alone, ``weekly_peak_phase`` (from Monday 00:00 UTC) and
        ``weekly_peak_to_trough``.

    Notes
    -----
    With a `period` ``P`` the background is ``mu(t) = mu exp(sum_{h=1..H} a_h cos(2 pi h
    t / P) + b_h sin(2 pi h t / P))`` (positive; ``mu`` is its geometric mean), its
    phase ``t`` anchored at midnight UTC for datetimes (tz-naive read as UTC: ``t mod
    24`` is the UTC hour of hourly data) and at time 0 for numbers. Bins get the
    integral of ``mu(t)`` over the bin; event times ``log mu(t_i)`` and the window's
    integral, with analytic gradients. Integrals are by composite Gauss-Legendre
    quadrature (to 1e-10 or better; `spread.fit._seasonal`). Forecasts continue the
    background in phase; `choose` ranks it on held-out data as ``"seasonal_hawkes"``.
    A weekly cycle multiplies it by ``exp(sum_{w=1..W} c_w cos(2 pi w t / 7P) + d_w
    sin(2 pi w t / 7P))``, its phase anchored at Monday 00:00 UTC (``"weekly_hawkes"``
    in `choose`). With `regressors` the stationary rate in ``diagnostics`` is the one
    where they are all zero.

    References
    ----------
    Hawkes, A. G. (1971). Spectra of some self-exciting and mutually exciting point
    processes. Biometrika 58(1). Ozaki, T. (1979). Maximum likelihood estimation of
    Hawkes' self-exciting point processes. Ann. Inst. Stat. Math. 31.

    Examples
    --------
    Events simulated with ``mu = 0.5``, ``alpha = 0.6``, ``beta = 2``: the 95%
    intervals of the fit cover the true values.

    >>> from spread.fit import HawkesEstimator, simulate_hawkes
    >>> truth = {"mu": 0.5, "alpha": 0.6, "beta": 2.0}
    >>> times = simulate_hawkes(*truth.values(), 2000.0, rng=0)
    >>> est = HawkesEstimator().fit(times)
    >>> sorted(est.params_)
    ['alpha', 'beta', 'mu']
    >>> {k: bool(lo < truth[k] < hi) for k, (lo, hi) in est.result_.conf_int().items()}
    {'mu': True, 'alpha': True, 'beta': True}

    Hourly counts whose rate peaks at 15:00 UTC every day, ``5 exp(cos(2 pi (h - 15)
    / 24))`` at hour ``h``: the fitted daily background peaks near 15:00, and so does
    the next day's forecast.

    >>> import numpy as np, pandas as pd
    >>> from spread.fit import Trend
    >>> hours = np.arange(24 * 20)
    >>> rate = 5 * np.exp(np.cos(2 * np.pi * (hours - 15) / 24))
    >>> counts = np.random.default_rng(0).poisson(rate)
    >>> trend = Trend.from_counts(counts, freq="1h", start=pd.Timestamp("2024-01-01"))
    >>> est = HawkesEstimator(period=24, n_harmonics=1, loss="poisson").fit(trend)
    >>> sorted(est.params_)
    ['a1', 'alpha', 'b1', 'beta', 'mu']
    >>> round(est.result_.diagnostics["background_peak_phase"])
    15
    >>> forecast = est.result_.forecast(24, n_paths=100)
    >>> int(forecast["mean"].idxmax().hour)
    15

    Four weeks of the same days, quieter by 60% on Saturdays and Sundays: a weekly
    cycle of two harmonics peaks on a working day (hours from Monday 00:00 UTC), and the
    next week's forecast is lower on the weekend than on any working day.

    >>> hours = np.arange(24 * 7 * 4)
    >>> weekday = (hours // 24) % 7  # 2024-01-01 is a Monday
    >>> rate = 5 * np.exp(np.cos(2 * np.pi * (hours - 15) / 24)) * np.where(weekday < 5, 1, 0.4)
    >>> counts = np.random.default_rng(0).poisson(rate)
    >>> trend = Trend.from_counts(counts, freq="1h", start=pd.Timestamp("2024-01-01"))
    >>> est = HawkesEstimator(period=24, n_harmonics=1, weekly_harmonics=2, loss="poisson")
    >>> res = est.fit(trend).result_
    >>> sorted(k for k in res.params if k.startswith("w"))
    ['wa1', 'wa2', 'wb1', 'wb2']
    >>> res.diagnostics["weekly_peak_phase"] // 24 < 5
    True
    >>> days = res.forecast(24 * 7, n_paths=100)["mean"].to_numpy().reshape(7, 24).sum(axis=1)
    >>> bool(days[5:].max() < days[:5].min())
    True

    A launch at hour 100 of 200 doubles the arrivals from then on: a step regressor
    (`event_regressors`) recovers the factor, ``exp(launch)`` near 2.

    >>> from spread.fit import event_regressors
    >>> hours = np.arange(200)
    >>> counts = np.random.default_rng(1).poisson(np.where(hours >= 100, 40.0, 20.0))
    >>> trend = Trend.from_counts(counts, freq="1h", start=pd.Timestamp("2024-01-01"))
    >>> x = event_regressors(trend, {"launch": "2024-01-05 04:00"})
    >>> est = HawkesEstimator(regressors=x, loss="poisson").fit(trend)
    >>> lo, hi = est.result_.conf_int()["launch"]
    >>> bool(lo < np.log(2) < hi)
    True
    """

    _spec = "hawkes_binned"

    def __init__(
        self,
        *,
        time_unit=None,
        start=None,
        end=None,
        loss="negbin",
        ci_method="wald",
        level=0.95,
        max_iter=1000,
        n_resamples=200,
        rng=None,
        period=None,
        n_harmonics=2,
        weekly_harmonics=0,
        regressors=None,
    ):
        super().__init__(
            loss=loss,
            ci_method=ci_method,
            level=level,
            max_iter=max_iter,
            n_resamples=n_resamples,
            rng=rng,
        )
        self.time_unit = time_unit
        self.start = start
        self.end = end
        self.period = period
        self.n_harmonics = n_harmonics
        self.weekly_harmonics = weekly_harmonics
        self.regressors = regressors

    def _events_problem(self, events, season=(None, 2), weekly=0):
        raw = as_sequence(events, "events")
        if len(raw) == 0:
            msg = "`events` must hold at least one event time; got an empty sequence."
            raise InvalidParameterError(msg)
        if is_datetime_like(raw):
            dt = to_datetimes(raw, "events")
            unit = as_freq(
                "1h" if self.time_unit is None else self.time_unit, datetime=True, name="time_unit"
            )
            origin = (
                floor_time(dt.min(), unit, "events")
                if self.start is None
                else match_tz(self.start, dt.tz, "start")
            )
            # Offsets from the origin in uint64, exact either way (Timestamps centuries
            # apart overflow pandas' Timedelta and int64).
            ns, zero = dt.asi8.astype(np.uint64), np.uint64(origin.value % 2**64)
            t = np.where(
                dt.asi8 >= origin.value, (ns - zero) / unit.value, -((zero - ns) / unit.value)
            )
            t_end = (
                float(t.max())
                if self.end is None
                else (match_tz(self.end, dt.tz, "end").value - origin.value) / unit.value
            )
        else:
            if self.time_unit is not None:
                msg = (
                    "`time_unit` is the unit of datetime event times; these events are "
                    f"numbers, already in their unit; got time_unit={self.time_unit!r}."
                )
                raise InvalidParameterError(msg)
            t = numeric_times(raw, "events")
            unit = 1.0
            origin = None
            t0 = (
                (0.0 if t.min() >= 0 else float(t.min()))
                if self.start is None
                else finite_time(self.start, "start")
            )
            t = t - t0
            t_end = float(t.max()) if self.end is None else finite_time(self.end, "end") - t0
        if self.start is not None and self.end is not None and not t_end > 0:
            msg = f"`end` must be after `start` ({self.start!r}); got {self.end!r}."
            raise InvalidParameterError(msg)
        if t.min() < 0:
            msg = f"`events` must not precede `start`; got an event {-t.min():g} units before it."
            raise InvalidParameterError(msg)
        t = np.sort(t)
        if not t_end > 0 or t_end < t[-1]:
            msg = f"`end` must be after the last event and the start; got a window of length {t_end!r}."
            raise InvalidParameterError(msg)
        if self.end is None:
            t_end = t_end + 1e-9 * max(1.0, t_end)
        if not (np.isfinite(t[-1]) and np.isfinite(t_end)):
            msg = (
                "`events` must span a window of finite length from `start` to `end`; got "
                f"{t_end!r} time units (the times overflow a float)."
            )
            raise InvalidParameterError(msg)
        if self.period is None:
            return _HawkesEvents(t, t_end, origin, unit)
        zero = 0.0 if origin is not None else t0
        phase0 = _seasonal.events_phase(origin, unit, zero, week=weekly > 0)
        return _seasonal.SeasonalHawkesEvents(t, t_end, origin, unit, *season, phase0, weekly)

    def fit(self, events):
        """Fit to event times (array of numbers or datetimes) or to a `Trend`; returns self."""
        self._validate()
        season = period, n_harmonics = _seasonal.check_season(self.period, self.n_harmonics)
        weekly = _seasonal.check_weekly(self.weekly_harmonics, period)
        if isinstance(events, Trend):
            given = {
                k: v for k in ("start", "end", "time_unit") if (v := getattr(self, k)) is not None
            }
            if given:
                msg = (
                    "`start`, `end` and `time_unit` apply to event times; a `Trend` is "
                    "already binned (window it with `Trend.since`/`Trend.until`); got "
                    + ", ".join(f"{k}={v!r}" for k, v in given.items())
                    + "."
                )
                raise InvalidParameterError(msg)
            spec = (
                _HawkesBinned()
                if period is None
                else _seasonal.SeasonalHawkesBinned(
                    period, n_harmonics, _seasonal.trend_phase(events, week=weekly > 0), weekly
                )
            )
            if self.regressors is not None:
                spec.with_regressors(as_regressors(self.regressors, events, spec.names))
            problem = CountProblem(spec, events, self.loss, {})
        else:
            if self.regressors is not None:
                msg = (
                    "`regressors` scale the background of binned counts: fit a `Trend` "
                    "(e.g. `Trend.from_timestamps(events, freq=...)`), not event times."
                )
                raise InvalidParameterError(msg)
            problem = self._events_problem(events, season, weekly)
        result = fit_likelihood(
            problem,
            max_iter=check_int(self.max_iter, name="max_iter", min_value=1),
            level=float(self.level),
            ci_method=check_in(
                self.ci_method, name="ci_method", options=("wald", "profile", "bootstrap")
            ),
            n_resamples=self.n_resamples,
            rng=self.rng,
        )
        self.result_ = result
        self.params_ = dict(result.params)
        self.n_iter_ = result.nit
        return self


def fit_hawkes(
    events,
    *,
    time_unit=None,
    start=None,
    end=None,
    loss="negbin",
    ci_method="wald",
    level=0.95,
    max_iter=1000,
    n_resamples=200,
    rng=None,
    period=None,
    n_harmonics=2,
    weekly_harmonics=0,
    regressors=None,
):
    """Fit an exponential Hawkes process; returns the `FitResult` (as `HawkesEstimator`,
    whose parameters it takes, including a periodic background's `period`,
    `n_harmonics` and `weekly_harmonics`, and the background's `regressors`).

    Examples
    --------
    >>> from spread.fit import Trend, fit_hawkes, simulate_hawkes
    >>> events = simulate_hawkes(2.0, 0.5, 1.0, 500.0, rng=1)
    >>> res = fit_hawkes(Trend.from_timestamps(events, freq=1.0, start=0.0), loss="poisson")
    >>> res.model, res.success
    ('hawkes_binned', True)
    """
    est = HawkesEstimator(
        time_unit=time_unit,
        start=start,
        end=end,
        loss=loss,
        ci_method=ci_method,
        level=level,
        max_iter=max_iter,
        n_resamples=n_resamples,
        rng=rng,
        period=period,
        n_harmonics=n_harmonics,
        weekly_harmonics=weekly_harmonics,
        regressors=regressors,
    )
    return est.fit(events).result_
