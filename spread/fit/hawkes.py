"""Univariate Hawkes process with exponential kernel: exact fit on event times, binned fit on counts.

Intensity ``lambda(t) = mu + alpha * beta * sum_{t_i < t} exp(-beta (t - t_i))``:
background rate ``mu``, branching ratio ``alpha`` (= n*, expected direct offspring of
an event; the process is stationary iff ``alpha < 1``) and decay rate ``beta``.
"""

import math

import numpy as np
import pandas as pd

from .._common import check_memory
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
from . import _losses
from ._counts import CountProblem
from ._curve_models import _Spec
from ._hawkes_kernels import hawkes_nll_grad, hawkes_state
from ._problem import Problem, fit_likelihood
from .curves import _CurveEstimator

__all__ = ["HawkesEstimator", "fit_hawkes", "hawkes_loglik", "simulate_hawkes"]


# ================================================================= simulation
def _descendants(rng, parents, alpha, beta, t_end):
    """All descendants (within ``[.., t_end)``) of events at times `parents`."""
    out = []
    gen = parents
    while gen.size:
        k = rng.poisson(alpha, gen.size)
        kids = np.repeat(gen, k) + rng.exponential(1.0 / beta, int(k.sum()))
        kids = kids[kids < t_end]
        if kids.size:
            out.append(kids)
        gen = kids
    return np.concatenate(out) if out else np.empty(0)


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


_EVENT_BYTES = 8 * 4  # an event time, its generation's copies and the sorted output


def _check_events(expected):
    """Raise `MemoryLimitError` before simulating more events than memory holds."""
    check_memory(
        expected * _EVENT_BYTES,
        what=f"`mu` * `horizon` / (1 - `alpha`) = {expected:.3g} expected events",
        advice="lower `mu` or `horizon`",
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


# ============================================================= exact (events)
class _HawkesEvents(Problem):
    model = "hawkes"
    loss_name = "hawkes_exact"
    names = ("mu", "alpha", "beta")
    logs = np.array([True, True, True])
    nuisance = ()

    def __init__(self, times, t_end, origin=None, unit=1.0):
        self.times = np.ascontiguousarray(times, dtype=np.float64)
        self.t_end = float(t_end)
        self.origin = origin
        self.unit = unit
        n = self.times.size
        self.n_obs = n
        self.n_bins = max(math.ceil(self.t_end - 1e-9), 1)
        self.observed_total = float(n)
        rate = max(n, 1) / self.t_end
        self.bounds_x = [
            (math.log(1e-8 * rate), math.log(10.0 * rate + 1e-12)),
            (math.log(1e-6), math.log(1.0 - 1e-6)),
            (math.log(1e-3 / self.t_end), math.log(1e4 * rate + 1e-12)),
        ]
        self.starts_x = [np.log([0.5 * rate, 0.5, c * rate]) for c in (0.3, 3.0, 30.0)]

    def nll(self, x):
        mu, alpha, beta = np.exp(np.clip(x, -700, 700))
        f, *_ = hawkes_nll_grad(self.times, self.t_end, mu, alpha, beta)
        return float(f) if np.isfinite(f) else 1e300

    def grad(self, x):
        nat = np.exp(np.clip(x, -700, 700))
        _, g1, g2, g3 = hawkes_nll_grad(self.times, self.t_end, *nat)
        return np.array([g1, g2, g3]) * nat

    # --- expectations
    def _state(self, beta):
        return hawkes_state(self.times, beta)

    def _compensator(self, theta, t, a_state):
        """Lambda(t) given the observed history, for t <= t_end."""
        mu, alpha, beta = theta
        t = np.asarray(t, dtype=np.float64)
        j = np.searchsorted(self.times, t, side="left")
        s = np.zeros_like(t)
        has = j > 0
        jj = j[has] - 1
        s[has] = np.exp(-beta * (t[has] - self.times[jj])) * (1.0 + a_state[jj])
        return mu * t + alpha * (j - s)

    def _excitation_at_end(self, theta, a_state):
        _mu, _alpha, beta = theta
        if self.times.size == 0:
            return 0.0
        return float(np.exp(-beta * (self.t_end - self.times[-1])) * (1.0 + a_state[-1]))

    def expected_cumulative(self, theta, t):
        """Expected events in ``[0, t]``: realised compensator up to t_end, then the mean ODE."""
        mu, alpha, beta = theta
        a_state = self._state(beta)
        t = np.asarray(t, dtype=np.float64)
        inside = np.minimum(t, self.t_end)
        out = self._compensator(theta, inside, a_state)
        future = t > self.t_end
        if future.any():
            s_end = self._excitation_at_end(theta, a_state)
            e_end = alpha * beta * s_end
            e_star = alpha * mu / (1 - alpha)
            kappa = beta * (1 - alpha)
            d = t[future] - self.t_end
            out[future] += (
                mu / (1 - alpha) * d + (e_end - e_star) * (-np.expm1(-kappa * d)) / kappa
            )
        return out

    def predict(self, x, n_total):
        theta = np.exp(x)
        cum = self.expected_cumulative(theta, np.arange(n_total + 1, dtype=np.float64))
        return np.diff(cum)

    def sample(self, x, bins, n, rng, xs=None):
        bins = np.asarray(bins, dtype=np.int64)
        out = np.empty((n, bins.size))
        if bins.size == 0:
            return out
        t_max = float(bins.max() + 1)
        for r in range(n):
            theta = np.exp(x if xs is None else xs[r])
            mu, alpha, beta = theta
            alpha = min(alpha, 1 - 1e-9)
            mean_in = np.diff(
                self.expected_cumulative(theta, np.arange(bins.max() + 2, dtype=float))
            )
            counts = rng.poisson(np.maximum(mean_in, 0.0)).astype(np.float64)
            if t_max > self.t_end:
                a_state = self._state(beta)
                s_end = self._excitation_at_end(theta, a_state)
                pending = self.t_end + rng.exponential(1.0 / beta, rng.poisson(alpha * s_end))
                pending = pending[pending < t_max]
                imm = rng.uniform(self.t_end, t_max, rng.poisson(mu * (t_max - self.t_end)))
                first = np.concatenate([pending, imm])
                ev = np.concatenate([first, _descendants(rng, first, alpha, beta, t_max)])
                fut = np.bincount(np.floor(ev).astype(np.int64), minlength=int(t_max))[
                    : int(t_max)
                ]
                start_bin = math.floor(self.t_end)
                frac = self.t_end - start_bin
                # Bins after the window come from the simulation; the straddling bin mixes.
                counts[start_bin + 1 :] = fut[start_bin + 1 :]
                if start_bin < counts.size and frac < 1:
                    counts[start_bin] = (
                        rng.poisson(max(mean_in[start_bin] * frac, 0)) + fut[start_bin]
                    )
            out[r] = counts[bins]
        return out

    def resample(self, x, rng):
        mu, alpha, beta = np.exp(x)
        times = simulate_hawkes(mu, min(alpha, 1 - 1e-9), beta, self.t_end, rng=rng)
        return _HawkesEvents(times, self.t_end, self.origin, self.unit)

    def labels(self, bins):
        bins = np.asarray(bins)
        if self.origin is None:
            return pd.Index(bins.astype(np.float64) * 1.0, name="time")
        return pd.DatetimeIndex(self.origin + self.unit * bins.astype(np.int64), name="time")

    def observed_counts(self):
        return np.bincount(
            np.minimum(np.floor(self.times).astype(np.int64), self.n_bins - 1),
            minlength=self.n_bins,
        ).astype(np.float64)

    def rescaled_times(self, x):
        """Time-rescaling increments ``Lambda(t_i) - Lambda(t_{i-1})`` (Exp(1) under the model)."""
        mu, alpha, beta = np.exp(x)
        a = self._state(beta)
        comp = mu * self.times + alpha * (np.arange(self.times.size) - a)
        return np.diff(np.concatenate([[0.0], comp]))

    def diagnostics(self, x):
        from scipy.stats import kstest

        mu, alpha, _beta = np.exp(x)
        tau = self.rescaled_times(x)
        ks = kstest(-np.expm1(-tau), "uniform") if tau.size > 1 else None
        return {
            "rescaled_times": tau,
            "ks_statistic": float(ks.statistic) if ks else math.nan,
            "ks_pvalue": float(ks.pvalue) if ks else math.nan,
            "branching_ratio": float(alpha),
            "stationary_rate": float(mu / (1 - alpha)),
            "endogenous_fraction": float(alpha),
        }

    def notes(self, x, cov_x):
        alpha = math.exp(x[1])
        if alpha > 0.95:
            return [
                f"The branching ratio `alpha` = {alpha:.3f} is near 1 (critical): the "
                "background rate and the excitation are poorly identified and forecasts "
                "are unstable; a time-varying background may fit better."
            ]
        return []


# ============================================================ binned (counts)
class _HawkesBinned(_Spec):
    """Discretised exponential Hawkes on counts: a Poisson/NB autoregression.

    Events are taken as uniform within their bin. An event's expected direct
    offspring in the bin ``k >= 1`` after its own is ``C e^{-beta k}`` with
    ``C = alpha (1 - e^{-beta})(e^{beta} - 1) / beta``, and ``alpha w0`` in its own
    bin with ``w0 = 1 - (1 - e^{-beta}) / beta``; so given the past counts
    ``E[y_t] = (mu + C R_t) / (1 - alpha w0)``, ``R_t = sum_{s<t} y_s e^{-beta (t-s)}``
    (computed as ``C e^{-beta}`` times ``R_t e^{beta}``, which cannot overflow).
    """

    model = "hawkes_binned"
    names = ("mu", "alpha", "beta")
    logs = (True, True, True)
    size_name = None
    recursive = True

    @staticmethod
    def _coefs(alpha, beta):
        """``e^{-beta}``, ``C e^{-beta} = alpha (1 - e^{-beta})^2 / beta`` and ``1 - alpha w0``."""
        e = math.exp(-beta)
        c = alpha * (-math.expm1(-beta)) ** 2 / beta
        w0 = 1 + math.expm1(-beta) / beta
        return e, c, 1 - alpha * w0

    def mean(self, theta, n_total, y=None):
        # With S_t = sum_{s<t} y_s e^{-beta (t-1-s)} (so S_{t+1} = e^{-beta} S_t + y_t),
        # E[y_t | past] = (mu + c S_t) / (1 - alpha w0).
        mu, alpha, beta = theta["mu"], theta["alpha"], theta["beta"]
        e, c, denom = self._coefs(alpha, beta)
        y = np.empty(0) if y is None else np.asarray(y, dtype=np.float64)
        n_obs = min(y.size, n_total)
        out = np.empty(n_total)
        s_next = 0.0
        if n_obs:
            from scipy.signal import lfilter

            z = lfilter([1.0], [1.0, -e], y[:n_obs])  # z_t = y_t + e z_{t-1} = S_{t+1}
            out[0] = mu / denom
            out[1:n_obs] = (mu + c * z[: n_obs - 1]) / denom
            s_next = z[n_obs - 1]
        for t in range(n_obs, n_total):
            out[t] = (mu + c * s_next) / denom
            s_next = e * s_next + out[t]
        return out

    def sample_path(self, theta, k, n_total, y, rng):
        mu, alpha, beta = theta["mu"], theta["alpha"], theta["beta"]
        e, c, denom = self._coefs(alpha, beta)
        y = np.empty(0) if y is None else np.asarray(y, dtype=np.float64)
        out = np.empty(n_total)
        n_obs = min(y.size, n_total)
        out[:n_obs] = y[:n_obs]
        s = 0.0
        for t in range(n_total):
            if t >= n_obs:
                out[t] = _losses.sample_counts(rng, np.array([(mu + c * s) / denom]), k)[0]
            s = e * s + out[t]
        return out

    def bounds(self, y, fixed):
        ybar = max(float(np.mean(y)), 1e-3)
        return {
            "mu": (1e-8 * ybar, 10 * ybar + 1.0),
            "alpha": (1e-6, 1 - 1e-6),
            "beta": (1e-3, 50.0),
        }

    def starts(self, y, fixed):
        ybar = max(float(np.mean(y)), 1e-3)
        return [{"mu": 0.5 * ybar, "alpha": 0.5, "beta": b} for b in (0.1, 1.0, 5.0)]

    def describe(self, theta, n_bins, y):
        return {
            "branching_ratio": theta["alpha"],
            "stationary_rate": theta["mu"] / (1 - theta["alpha"]),
        }

    def notes(self, theta, n_bins, y, free):
        out = []
        if theta["alpha"] > 0.95:
            out.append(
                f"The branching ratio `alpha` = {theta['alpha']:.3f} is near 1 (critical): the "
                "background rate and the excitation are poorly identified."
            )
        if theta["beta"] > 3.0:
            out.append(
                f"The kernel decays within a bin (`beta` = {theta['beta']:.3g} per bin): most "
                "excitation stays inside its own bin, so `alpha` and `beta` are poorly "
                "identified from counts; fit event times or use finer bins."
            )
        return out


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

    Attributes
    ----------
    params_ : dict
        ``mu`` (per unit time or per bin), ``alpha`` (branching ratio), ``beta``.
    result_ : FitResult
        With the KS time-rescaling test in ``diagnostics`` for event times.

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

    def _events_problem(self, events):
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
        problem = _HawkesEvents(t, t_end, origin, unit)
        return problem

    def fit(self, events):
        """Fit to event times (array of numbers or datetimes) or to a `Trend`; returns self."""
        self._validate()
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
            problem = CountProblem(_HawkesBinned(), events, self.loss, {})
        else:
            problem = self._events_problem(events)
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
):
    """Fit an exponential Hawkes process; returns the `FitResult` (as `HawkesEstimator`).

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
    )
    return est.fit(events).result_
