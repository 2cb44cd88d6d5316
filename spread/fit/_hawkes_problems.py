"""The exponential Hawkes process's fitting problems: the exact likelihood of event
times (`_HawkesEvents`) and the discretised process on counts (`_HawkesBinned`), with
their expectations and simulations; `spread.fit.hawkes` wraps them in the estimator.
Hooks (`_background_integral`, `background`, `_immigrants`, ...) let
`spread.fit._seasonal` make the background periodic.
"""

import math

import numpy as np
import pandas as pd

from .._common import check_memory
from . import _losses
from ._curve_models import _Spec
from ._hawkes_kernels import hawkes_nll_grad, hawkes_state
from ._problem import Problem

__all__ = ["_HawkesBinned", "_HawkesEvents", "_check_events", "_descendants"]


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


_EVENT_BYTES = 8 * 4  # an event time, its generation's copies and the sorted output


def _check_events(expected):
    """Raise `MemoryLimitError` before simulating more events than memory holds."""
    check_memory(
        expected * _EVENT_BYTES,
        what=f"`mu` * `horizon` / (1 - `alpha`) = {expected:.3g} expected events",
        advice="lower `mu` or `horizon`",
    )


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
            (math.log(1e-8 * rate), math.log(10.0 * rate)),
            (math.log(1e-6), math.log(1.0 - 1e-6)),
            (math.log(1e-3 / self.t_end), math.log(1e4 * rate)),
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

    def _background_integral(self, theta, t):
        """``integral_0^t mu(s) ds`` (a constant ``mu`` here; `period` makes it periodic)."""
        return theta[0] * t

    def _mean_background(self, theta):
        """The background rate averaged over time."""
        return theta[0]

    def _future_mean(self, theta, e_end, d):
        """Expected events in ``(t_end, t_end + d]`` given the excitation `e_end` at t_end."""
        mu, alpha, beta = theta
        e_star = alpha * mu / (1 - alpha)
        kappa = beta * (1 - alpha)
        return mu / (1 - alpha) * d + (e_end - e_star) * (-np.expm1(-kappa * d)) / kappa

    def _immigrants(self, rng, theta, t0, t1):
        """Background events on ``[t0, t1)``."""
        return rng.uniform(t0, t1, rng.poisson(theta[0] * (t1 - t0)))

    def _compensator(self, theta, t, a_state):
        """Lambda(t) given the observed history, for t <= t_end."""
        alpha, beta = theta[1], theta[2]
        t = np.asarray(t, dtype=np.float64)
        j = np.searchsorted(self.times, t, side="left")
        s = np.zeros_like(t)
        has = j > 0
        jj = j[has] - 1
        s[has] = np.exp(-beta * (t[has] - self.times[jj])) * (1.0 + a_state[jj])
        return self._background_integral(theta, t) + alpha * (j - s)

    def _excitation_at_end(self, theta, a_state):
        beta = theta[2]
        if self.times.size == 0:
            return 0.0
        return float(np.exp(-beta * (self.t_end - self.times[-1])) * (1.0 + a_state[-1]))

    def expected_cumulative(self, theta, t):
        """Expected events in ``[0, t]``: realised compensator up to t_end, then the mean ODE."""
        alpha, beta = theta[1], theta[2]
        a_state = self._state(beta)
        t = np.asarray(t, dtype=np.float64)
        inside = np.minimum(t, self.t_end)
        out = self._compensator(theta, inside, a_state)
        future = t > self.t_end
        if future.any():
            s_end = self._excitation_at_end(theta, a_state)
            out[future] += self._future_mean(theta, alpha * beta * s_end, t[future] - self.t_end)
        return out

    def predict(self, x, n_total):
        theta = self.to_natural(x)
        cum = self.expected_cumulative(theta, np.arange(n_total + 1, dtype=np.float64))
        return np.diff(cum)

    def sample(self, x, bins, n, rng, xs=None):
        bins = np.asarray(bins, dtype=np.int64)
        out = np.empty((n, bins.size))
        if bins.size == 0:
            return out
        t_max = float(bins.max() + 1)
        for r in range(n):
            theta = self.to_natural(x if xs is None else xs[r])
            alpha, beta = theta[1], theta[2]
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
                imm = self._immigrants(rng, theta, self.t_end, t_max)
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
        """New event times on the window from the fitted process (cluster simulation,
        as `simulate_hawkes`: the same draws from the same generator)."""
        theta = self.to_natural(x)
        alpha, beta = min(theta[1], 1 - 1e-9), theta[2]
        _check_events(self._mean_background(theta) * self.t_end / (1.0 - alpha))
        imm = self._immigrants(rng, theta, 0.0, self.t_end)
        kids = _descendants(rng, imm, alpha, beta, self.t_end)
        return self._like(np.sort(np.concatenate([imm, kids])))

    def _like(self, times):
        """This problem on other event times."""
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
        theta = self.to_natural(x)
        alpha, beta = theta[1], theta[2]
        a = self._state(beta)
        comp = self._background_integral(theta, self.times) + alpha * (
            np.arange(self.times.size) - a
        )
        return np.diff(np.concatenate([[0.0], comp]))

    def diagnostics(self, x):
        from scipy.stats import kstest

        theta = self.to_natural(x)
        alpha = theta[1]
        tau = self.rescaled_times(x)
        ks = kstest(-np.expm1(-tau), "uniform") if tau.size > 1 else None
        return {
            "rescaled_times": tau,
            "ks_statistic": float(ks.statistic) if ks else math.nan,
            "ks_pvalue": float(ks.pvalue) if ks else math.nan,
            "branching_ratio": float(alpha),
            "stationary_rate": float(self._mean_background(theta) / (1 - alpha)),
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
    regressors = None

    def with_regressors(self, regressors):
        """Scale the background of bin ``t`` by ``exp(sum_j gamma_j x_j(t))``, one
        coefficient per column of `regressors` (`spread.fit.regressors.Regressors`),
        named after it; returns self."""
        self.regressors = regressors
        self.names = (*self.names, *regressors.names)
        self.logs = (*self.logs, *(False,) * len(regressors.names))
        return self

    @staticmethod
    def _coefs(alpha, beta):
        """``e^{-beta}``, ``C e^{-beta} = alpha (1 - e^{-beta})^2 / beta`` and ``1 - alpha w0``."""
        e = math.exp(-beta)
        c = alpha * math.expm1(-beta) ** 2 / beta
        w0 = 1 + math.expm1(-beta) / beta
        return e, c, 1 - alpha * w0

    def background(self, theta, n_total):
        """Expected background events per bin: the base background, times the
        regressors' factor when there are regressors."""
        base = self._base_background(theta, n_total)
        if self.regressors is None:
            return base
        gamma = [theta[n] for n in self.regressors.names]
        return base * self.regressors.factor(gamma, n_total)

    def _base_background(self, theta, n_total):
        """``mu`` in every bin (the periodic subclass overrides it)."""
        return np.full(n_total, theta["mu"])

    def _mean_background(self, theta):
        return theta["mu"]

    def mean(self, theta, n_total, y=None):
        # With S_t = sum_{s<t} y_s e^{-beta (t-1-s)} (so S_{t+1} = e^{-beta} S_t + y_t),
        # E[y_t | past] = (mu + c S_t) / (1 - alpha w0).
        e, c, denom = self._coefs(theta["alpha"], theta["beta"])
        bg = self.background(theta, n_total)
        y = np.empty(0) if y is None else np.asarray(y, dtype=np.float64)
        n_obs = min(y.size, n_total)
        out = np.empty(n_total)
        s_next = 0.0
        if n_obs:
            from scipy.signal import lfilter

            z = lfilter([1.0], [1.0, -e], y[:n_obs])  # z_t = y_t + e z_{t-1} = S_{t+1}
            out[0] = bg[0] / denom
            out[1:n_obs] = (bg[1:n_obs] + c * z[: n_obs - 1]) / denom
            s_next = z[n_obs - 1]
        for t in range(n_obs, n_total):
            out[t] = (bg[t] + c * s_next) / denom
            s_next = e * s_next + out[t]
        return out

    def sample_paths(self, thetas, ks, n_total, y, rng):
        """Paths of `n_total` bins, one per parameter set in `thetas` (with the
        dispersions `ks`), continuing the observed counts `y` (or from nothing): bin by
        bin, every path's count drawn at once around its conditional mean."""
        from scipy.signal import lfilter

        n = len(thetas)
        y = np.empty(0) if y is None else np.asarray(y, dtype=np.float64)
        n_obs = min(y.size, n_total)
        out = np.empty((n, n_total))
        out[:, :n_obs] = y[:n_obs]
        coefs = np.empty((n, 3))
        bg = np.empty((n, n_total - n_obs))
        s = np.zeros(n)  # S_t = sum_{u<t} y_u e^{-beta (t-1-u)} entering the first new bin
        seen = {}
        for r, theta in enumerate(thetas):
            key = tuple(theta.values())
            if key not in seen:
                e, c, denom = self._coefs(theta["alpha"], theta["beta"])
                z = lfilter([1.0], [1.0, -e], y[:n_obs])[-1] if n_obs else 0.0
                seen[key] = ((e, c, denom), self.background(theta, n_total)[n_obs:], z)
            coefs[r], bg[r], s[r] = seen[key]
        e, c, denom = coefs.T
        ks = np.asarray(ks, dtype=np.float64)
        for t in range(n_obs, n_total):
            draw = _losses.sample_counts(rng, (bg[:, t - n_obs] + c * s) / denom, ks)
            out[:, t] = draw
            s = e * s + draw
        return out

    def bounds(self, y, fixed):
        ybar = max(float(np.mean(y)), 1e-3)
        out = {
            "mu": (1e-8 * ybar, 10 * ybar + 1.0),
            "alpha": (1e-6, 1 - 1e-6),
            "beta": (1e-3, 50.0),
        }
        if self.regressors is not None:
            out.update(zip(self.regressors.names, self.regressors.bounds, strict=True))
        return out

    def starts(self, y, fixed):
        ybar = max(float(np.mean(y)), 1e-3)
        if self.regressors is None:
            return [{"mu": 0.5 * ybar, "alpha": 0.5, "beta": b} for b in (0.1, 1.0, 5.0)]
        names = self.regressors.names
        out = [
            {"mu": 0.5 * ybar, "alpha": 0.5, "beta": b, **dict.fromkeys(names, 0.0)}
            for b in (0.1, 1.0, 5.0)
        ]
        # And one from the regression of log(y + 1/2) on the regressors, on the bins
        # whose background they scale.
        x = self.regressors.values[: len(y)]
        design = np.column_stack([np.ones(len(y)), x])
        sol, *_ = np.linalg.lstsq(
            design, np.log(np.asarray(y, dtype=np.float64) + 0.5), rcond=None
        )
        gamma = [
            0.9 * min(max(g, lo), hi)
            for g, (lo, hi) in zip(sol[1:], self.regressors.bounds, strict=True)
        ]
        base = math.exp(sol[0]) * 0.5
        mu_lo, mu_hi = self.bounds(y, fixed)["mu"]
        out.append(
            {
                "mu": min(max(base, 2 * mu_lo), 0.5 * mu_hi),
                "alpha": 0.5,
                "beta": 1.0,
                **dict(zip(names, gamma, strict=True)),
            }
        )
        return out

    def describe(self, theta, n_bins, y):
        # With regressors, the stationary rate is the one where they are all zero.
        return {
            "branching_ratio": theta["alpha"],
            "stationary_rate": self._mean_background(theta) / (1 - theta["alpha"]),
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
