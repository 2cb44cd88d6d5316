"""The count likelihood of the curve models: a mean curve fitted to per-bin increments."""

import math

import numpy as np

from ..trend import Trend
from . import _losses
from ._optimize import BIG, minimize_likelihood
from ._problem import Problem

__all__ = ["CountProblem"]


class CountProblem(Problem):
    """A count curve ``mu_t(theta)`` fitted to per-bin increments by Poisson/NB likelihood."""

    extra_obs = 1  # a curve through every bin exactly leaves nothing to estimate noise from

    def __init__(self, spec, trend, loss, fixed):
        self.spec = spec
        self.trend = trend
        self.y = np.asarray(trend.counts, dtype=np.float64)
        self.loss_name = loss
        self.fixed = fixed
        self.model = spec.model
        self.n_bins = self.n_obs = self.y.size
        self.observed_total = float(self.y.sum())
        free = [n for n in spec.names if n not in fixed]
        self.free = free
        self.names = tuple(free) + (("k",) if loss == "negbin" else ())
        self.logs = np.array(
            [spec.logs[spec.names.index(n)] for n in free] + ([True] if loss == "negbin" else [])
        )
        self.size_name = spec.size_name if spec.size_name in free else None
        self.nuisance = ("k",)
        bounds = spec.bounds(self.y, fixed)
        starts = spec.starts(self.y, fixed)
        xb = []
        for n in free:
            lo, hi = bounds[n]
            j = spec.names.index(n)
            xb.append((math.log(lo), math.log(hi)) if spec.logs[j] else (lo, hi))
        if loss == "negbin":
            xb.append((math.log(1e-3), math.log(1e6)))
        self.bounds_x = xb
        self.starts_x = []
        k0 = self._k_start()
        for s in starts:
            theta = [s[n] for n in free] + ([k0] if loss == "negbin" else [])
            x = self.to_x(theta)
            x = np.array(
                [
                    min(max(v, lo + 1e-9 * (1 + abs(lo))), hi - 1e-9 * (1 + abs(hi)))
                    for v, (lo, hi) in zip(x, xb, strict=True)
                ]
            )
            self.starts_x.append(x)

    def _k_start(self):
        y = self.y
        m, v = y.mean(), y.var()
        if v > m * 1.05 and m > 0:
            return float(np.clip(m * m / (v - m), 0.5, 1e4))
        return 100.0

    def theta(self, x):
        """Full natural parameter dict (fixed values included) and the dispersion."""
        nat = self.to_natural(x)
        out = dict(self.fixed)
        for i, n in enumerate(self.free):
            out[n] = float(nat[i])
        k = float(nat[-1]) if self.loss_name == "negbin" else math.inf
        return out, k

    def predict(self, x, n_total):
        theta, _ = self.theta(x)
        return self.spec.mean(theta, n_total, self.y)

    def nll(self, x):
        theta, k = self.theta(x)
        with np.errstate(all="ignore"):
            mu = self.spec.mean(theta, self.n_bins, self.y)
            if not np.all(np.isfinite(mu)):
                return BIG
            val = -_losses.loglik(self.loss_name, self.y, mu, k)
        return val if np.isfinite(val) else BIG

    def grad(self, x):
        """Chain rule: analytic d loglik / d mu times a central-difference Jacobian of mu."""
        x = np.asarray(x, dtype=np.float64)
        theta, k = self.theta(x)
        g = np.zeros_like(x)
        with np.errstate(all="ignore"):
            mu = self.spec.mean(theta, self.n_bins, self.y)
            if not np.all(np.isfinite(mu)):
                return super().grad(x)
            dmu = _losses.dloglik_dmu(self.loss_name, self.y, mu, k)
            for i in range(len(self.free)):
                h = 1e-6 * max(1.0, abs(x[i]))
                xp = x.copy()
                xm = x.copy()
                xp[i] += h
                xm[i] -= h
                mp = self.spec.mean(self.theta(xp)[0], self.n_bins, self.y)
                mm = self.spec.mean(self.theta(xm)[0], self.n_bins, self.y)
                g[i] = -np.dot(dmu, (mp - mm) / (2 * h))
            if self.loss_name == "negbin":
                g[-1] = -_losses.dloglik_dk(self.y, mu, k) * k
        if not np.all(np.isfinite(g)):
            return super().grad(x)
        return g

    def prepare(self, max_iter):
        """Negative binomial: start from the Poisson fit, with ``k`` from its residuals."""
        if self.loss_name != "negbin":
            return
        pois = CountProblem(self.spec, self.trend, "poisson", self.fixed)
        res, nit, nfev = minimize_likelihood(pois, pois.starts_x, max_iter)
        self.prep_counts = (nit, nfev)
        theta, _ = pois.theta(res.x)
        mu = np.maximum(self.spec.mean(theta, self.n_bins, self.y), 1e-9)
        excess = np.sum((self.y - mu) ** 2 - mu)
        k0 = float(np.sum(mu**2) / excess) if excess > 0 else 1e4
        lo, hi = self.bounds_x[-1]
        xk = min(max(math.log(max(k0, 1e-3)), lo + 1e-6), hi - 1e-6)
        self.starts_x = [np.append(res.x, xk)]

    @property
    def error_models(self):
        return ("independent",) if self.spec.recursive else ("independent", "ar1")

    def sample(self, x, bins, n, rng, xs=None, *, noise=True):
        bins = np.asarray(bins, dtype=np.int64)
        out = np.empty((n, bins.size))
        if bins.size == 0:
            return out
        n_total = int(bins.max()) + 1
        params = [self.theta(x if xs is None else xs[r]) for r in range(n)]
        if self.spec.recursive and n_total > self.n_bins:
            thetas, ks = zip(*params, strict=True)
            return self.spec.sample_paths(thetas, ks, n_total, self.y, rng)[:, bins]
        for r, (theta, k) in enumerate(params):
            mu = self.spec.mean(theta, n_total, self.y)
            out[r] = _losses.sample_counts(rng, mu[bins], k) if noise else mu[bins]
        return out

    def resample(self, x, rng):
        theta, k = self.theta(x)
        if self.spec.recursive:
            y = self.spec.sample_paths([theta], [k], self.n_bins, None, rng)[0]
        else:
            y = _losses.sample_counts(rng, self.spec.mean(theta, self.n_bins, self.y), k)

        tr = Trend(y, self.trend.index, freq=self.trend.freq, population=self.trend.population)
        return CountProblem(self.spec, tr, self.loss_name, self.fixed)

    def labels(self, bins):
        return self.trend.bin_labels(bins)

    def observed_counts(self):
        return self.y

    def diagnostics(self, x):
        theta, k = self.theta(x)
        mu = self.spec.mean(theta, self.n_bins, self.y)
        var = mu + (mu * mu / k if np.isfinite(k) else 0.0)
        with np.errstate(all="ignore"):
            resid = (self.y - mu) / np.sqrt(np.maximum(var, 1e-300))
        out = {
            "fitted": mu,
            "pearson_residuals": resid,
            "pearson_chi2": float(np.sum(resid**2)),
            "deviance_explained": float(_deviance_explained(self.y, mu)),
        }
        out.update(self.spec.describe(theta, self.n_bins, self.y))
        return out

    def notes(self, x, cov_x):
        theta, _ = self.theta(x)
        return self.spec.notes(theta, self.n_bins, self.y, self.free)


def _deviance_explained(y, mu):
    """1 - D(model) / D(constant mean), Poisson deviance."""

    def dev(m):
        m = np.maximum(m, 1e-300)
        with np.errstate(all="ignore"):
            t = np.where(y > 0, y * np.log(y / m), 0.0)
        return 2 * np.sum(t - (y - m))

    d0 = dev(np.full_like(y, y.mean()))
    return 1 - dev(mu) / d0 if d0 > 0 else math.nan
