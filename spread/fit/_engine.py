"""The likelihood-fitting engine behind every curve model.

A *problem* object (`_Problem` subclasses) knows its parameters (names, which ones
are fitted in the log scale, bounds and starting points), its negative
log-likelihood, its expected counts and how to simulate new data of the same shape.
`fit_problem` minimises, computes the observed information, checks bounds and
identifiability, and wraps everything in a `FitResult`.
"""

import math
import warnings

import numpy as np
import pandas as pd

from .._common import ConfidenceInterval
from ..exceptions import ConvergenceWarning
from . import _losses
from ._result import TERMINATION_MESSAGES, FitBootstrap, FitResult, IdentifiabilityWarning


def _optimize():
    """scipy.optimize, imported on first use (it costs ~0.3 s at import time)."""
    from scipy import optimize

    return optimize


__all__ = ["CountProblem", "fit_problem"]

_BIG = 1e300


class _Problem:
    """Base: subclasses set names, logs, bounds_x, starts_x and implement nll/predict/sample."""

    model = "?"
    loss_name = "?"
    names = ()
    logs = ()
    size_name = None  # final-size parameter, whose identifiability we check
    nuisance = ()  # parameters whose upper bound is benign (e.g. NB dispersion)

    x_hat = None
    cov_x = None

    # --- transforms
    def to_natural(self, x):
        x = np.asarray(x, dtype=np.float64)
        return np.where(self.logs, np.exp(np.clip(x, -700, 700)), x)

    def to_x(self, theta):
        theta = np.asarray(theta, dtype=np.float64)
        with np.errstate(divide="ignore"):
            return np.where(self.logs, np.log(np.where(self.logs, theta, 1.0)), theta)

    def nll(self, x):  # pragma: no cover - abstract
        raise NotImplementedError

    def grad(self, x):
        """Central-difference gradient (subclasses with analytic gradients override)."""
        x = np.asarray(x, dtype=np.float64)
        g = np.empty_like(x)
        for i in range(x.size):
            h = 1e-6 * max(1.0, abs(x[i]))
            xp = x.copy()
            xm = x.copy()
            xp[i] += h
            xm[i] -= h
            g[i] = (self.nll(xp) - self.nll(xm)) / (2 * h)
        return g

    def hessian(self, x):
        """Observed information: Hessian of `nll` by central differences of `grad`."""
        x = np.asarray(x, dtype=np.float64)
        p = x.size
        H = np.empty((p, p))
        for j in range(p):
            h = 1e-4 * max(1.0, abs(x[j]))
            xp = x.copy()
            xm = x.copy()
            xp[j] += h
            xm[j] -= h
            H[:, j] = (self.grad(xp) - self.grad(xm)) / (2 * h)
        return (H + H.T) / 2

    # --- data-facing hooks used by FitResult
    n_bins = 0
    n_obs = 0
    observed_total = 0.0

    def labels(self, bins):
        return pd.Index(bins, name="bin")

    def observed_counts(self):
        return None

    def diagnostics(self, x):
        return {}

    def notes(self, x, cov_x):
        """Identifiability notes: list of (short, long) messages."""
        return []

    def resample(self, x, rng):  # pragma: no cover - abstract
        raise NotImplementedError

    def wald_ci(self, z):
        out = {}
        cov = self.cov_x
        for i, name in enumerate(self.names):
            se = (
                math.sqrt(cov[i, i])
                if cov is not None and np.isfinite(cov[i, i]) and cov[i, i] >= 0
                else math.nan
            )
            lo, hi = self.x_hat[i] - z * se, self.x_hat[i] + z * se
            if self.logs[i]:
                lo, hi = math.exp(min(lo, 700)), math.exp(min(hi, 700))
            out[name] = ConfidenceInterval(float(lo), float(hi))
        return out


class CountProblem(_Problem):
    """A count curve ``mu_t(theta)`` fitted to per-bin increments by Poisson/NB likelihood."""

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
                return _BIG
            val = -_losses.loglik(self.loss_name, self.y, mu, k)
        return val if np.isfinite(val) else _BIG

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
        res, nit, nfev = _minimize(pois, pois.starts_x, max_iter)
        self.prep_counts = (nit, nfev)
        theta, _ = pois.theta(res.x)
        mu = np.maximum(self.spec.mean(theta, self.n_bins, self.y), 1e-9)
        excess = np.sum((self.y - mu) ** 2 - mu)
        k0 = float(np.sum(mu**2) / excess) if excess > 0 else 1e4
        lo, hi = self.bounds_x[-1]
        xk = min(max(math.log(max(k0, 1e-3)), lo + 1e-6), hi - 1e-6)
        self.starts_x = [np.append(res.x, xk)]

    def sample(self, x, bins, n, rng, xs=None):
        bins = np.asarray(bins, dtype=np.int64)
        out = np.empty((n, bins.size))
        if bins.size == 0:
            return out
        n_total = int(bins.max()) + 1
        for r in range(n):
            xr = x if xs is None else xs[r]
            theta, k = self.theta(xr)
            if self.spec.recursive and n_total > self.n_bins:
                path = self.spec.sample_path(theta, k, n_total, self.y, rng)
                out[r] = path[bins]
            else:
                mu = self.spec.mean(theta, n_total, self.y)
                out[r] = _losses.sample_counts(rng, mu[bins], k)
        return out

    def resample(self, x, rng):
        theta, k = self.theta(x)
        if self.spec.recursive:
            y = self.spec.sample_path(theta, k, self.n_bins, None, rng)
        else:
            y = _losses.sample_counts(rng, self.spec.mean(theta, self.n_bins, self.y), k)
        from ..trend import Trend

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


# ===================================================================== optimize
def _run(fun, jac, x0, bounds, max_iter):
    """One SLSQP run (immune to BLAS thread contention, unlike L-BFGS-B on a busy box)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return _optimize().minimize(
                fun,
                x0,
                jac=jac,
                method="SLSQP",
                bounds=bounds,
                options={"maxiter": max_iter, "ftol": 1e-15},
            )
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            return _optimize().OptimizeResult(
                x=x0, fun=_BIG, success=False, status=-1, message=str(exc), nit=0, nfev=1
            )


def _minimize(problem, starts, max_iter, fixed_index=None, fixed_value=None, n_best=2):
    """SLSQP from the `n_best` best starts; returns (best result, total nit, total nfev).

    With `fixed_index`, that coordinate is held at `fixed_value` (profiles). A stop
    other than convergence or the iteration limit is retried once from where it
    stopped; if the retry does not move the objective, the point is accepted.
    """
    bounds = list(problem.bounds_x)
    if fixed_index is None:
        fun, jac = problem.nll, problem.grad

        def expand(z):
            return z

        def shrink(x):
            return x
    else:
        keep = [i for i in range(len(bounds)) if i != fixed_index]
        bounds = [bounds[i] for i in keep]

        def expand(z):
            return np.insert(np.asarray(z, dtype=np.float64), fixed_index, fixed_value)

        def shrink(x):
            return np.asarray(x, dtype=np.float64)[keep]

        def fun(z):
            return problem.nll(expand(z))

        def jac(z):
            return problem.grad(expand(z))[keep]

    xs = [shrink(np.array(x0, dtype=np.float64)) for x0 in starts]
    xs = [np.clip(z, [b[0] for b in bounds], [b[1] for b in bounds]) for z in xs]
    if len(xs) > n_best:
        with np.errstate(all="ignore"):
            vals = [fun(z) for z in xs]
        xs = [xs[i] for i in np.argsort(vals)[:n_best]]
    best = None
    nit = nfev = 0
    raw_fun, raw_jac = fun, jac
    for z0 in xs:
        # SLSQP is sensitive to the objective's scale: make it O(1) at the start.
        with np.errstate(all="ignore"):
            f0 = raw_fun(z0)
        scale = max(1.0, abs(f0)) if np.isfinite(f0) and f0 < _BIG else 1.0

        def fun(z, raw_fun=raw_fun, scale=scale):
            return raw_fun(z) / scale

        def jac(z, raw_jac=raw_jac, scale=scale):
            return raw_jac(z) / scale

        res = _run(fun, jac, z0, bounds, max_iter)
        nit += int(getattr(res, "nit", 0))
        nfev += int(getattr(res, "nfev", 0))
        if not res.success and res.status not in (9, -1) and np.isfinite(res.fun):
            again = _run(fun, jac, res.x, bounds, max_iter)
            nit += int(getattr(again, "nit", 0))
            nfev += int(getattr(again, "nfev", 0))
            if again.fun <= res.fun + 1e-9 * (1 + abs(res.fun)):
                stalled = abs(again.fun - res.fun) <= 1e-7 * (1 + abs(res.fun))
                res = again
                if stalled and not res.success:
                    res.success = True
                    res.status = 0
                    res.message = "converged (objective stationary after a restart)"
        res.fun = res.fun * scale
        if best is None or res.fun < best.fun:
            best = res
    if _projected_gradient(jac_raw := raw_jac, best.x, bounds, best.fun) > 1e-3 * max(
        1.0, math.sqrt(abs(best.fun))
    ):
        # SLSQP occasionally stops early on badly scaled problems: polish with L-BFGS-B.
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                polish = _optimize().minimize(
                    raw_fun,
                    best.x,
                    jac=jac_raw,
                    method="L-BFGS-B",
                    bounds=bounds,
                    options={"maxiter": max_iter},
                )
                nit += int(polish.nit)
                nfev += int(polish.nfev)
                if polish.fun < best.fun:
                    best = polish
            except (ValueError, ArithmeticError, np.linalg.LinAlgError):
                pass
    best.x = expand(best.x)
    return best, nit, nfev


def _projected_gradient(jac, x, bounds, fun):
    """Largest gradient component that is not pushing against an active bound."""
    if not np.isfinite(fun) or fun >= _BIG:
        return 0.0
    with np.errstate(all="ignore"):
        g = np.asarray(jac(x), dtype=np.float64)
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    tol = 1e-6 * (1 + np.abs(x))
    g = np.where(((x <= lo + tol) & (g > 0)) | ((x >= hi - tol) & (g < 0)), 0.0, g)
    return float(np.max(np.abs(g))) if g.size and np.all(np.isfinite(g)) else 0.0


def _converged(problem, res):
    """Decide whether an optimizer stop is a real optimum (status, detail)."""
    if not np.isfinite(res.fun) or res.fun >= _BIG:
        return 5, ""
    if res.success:
        return 0, ""
    msg = str(res.message)
    if res.status == 9:  # SLSQP: iteration limit
        return 1, ""
    # Line-search failures with numeric gradients often happen at the optimum:
    # accept them when the projected gradient is small relative to the objective.
    g = problem.grad(res.x)
    lo = np.array([b[0] for b in problem.bounds_x])
    hi = np.array([b[1] for b in problem.bounds_x])
    at_lo = (res.x <= lo + 1e-8) & (g > 0)
    at_hi = (res.x >= hi - 1e-8) & (g < 0)
    g = np.where(at_lo | at_hi, 0.0, g)
    if np.max(np.abs(g)) <= 1e-3 * max(1.0, math.sqrt(abs(res.fun))):
        return 0, ""
    return 4, f": {msg}"


def _on_bounds(problem, x):
    out = []
    for i, (name, (lo, hi)) in enumerate(zip(problem.names, problem.bounds_x, strict=True)):
        tol = 1e-5 * (1 + max(abs(lo), abs(hi)) if problem.logs[i] else 1 + abs(x[i]))
        if abs(x[i] - lo) <= tol:
            out.append((name, "lower"))
        elif abs(x[i] - hi) <= tol:
            out.append((name, "upper"))
    return out


def _failed_result(problem, status, message, *, level=0.95, nit=0, nfev=0, extra=()):
    nan = math.nan
    p = len(problem.names)
    msg = message
    warns = (msg, *extra)
    warnings.warn(f"{problem.model} fit failed: {msg}", ConvergenceWarning, stacklevel=4)
    return FitResult(
        model=problem.model,
        params=dict.fromkeys(problem.names, nan),
        stderr=dict.fromkeys(problem.names, nan),
        ci={n: ConfidenceInterval(nan, nan) for n in problem.names},
        ci_method="wald",
        level=level,
        cov=np.full((p, p), np.inf),
        loss_name=problem.loss_name,
        loss=nan,
        loglik=nan,
        aic=nan,
        bic=nan,
        n_obs=problem.n_obs,
        n_params=p,
        success=False,
        status=status,
        message=msg,
        nit=nit,
        nfev=nfev,
        warnings=warns,
        diagnostics={},
        _fit=None,
    )


def fit_problem(problem, *, max_iter=1000, level=0.95, ci="wald", n_resamples=200, rng=None):
    """Minimise, estimate the covariance, diagnose, and build the `FitResult`."""
    if problem.observed_total <= 0:
        return _failed_result(problem, 3, TERMINATION_MESSAGES[3], level=level)
    if hasattr(problem, "prepare"):
        problem.prepare(max_iter)
    res, nit, nfev = _minimize(problem, problem.starts_x, max_iter)
    nit0, nfev0 = getattr(problem, "prep_counts", (0, 0))
    nit, nfev = nit + nit0, nfev + nfev0
    status, detail = _converged(problem, res)
    if status == 5:
        return _failed_result(problem, 5, TERMINATION_MESSAGES[5], level=level, nit=nit, nfev=nfev)
    x = np.asarray(res.x, dtype=np.float64)
    problem.x_hat = x
    notes = []
    bound_hits = _on_bounds(problem, x)
    benign = [b for b in bound_hits if b[0] in problem.nuisance and b[1] == "upper"]
    hard = [b for b in bound_hits if b not in benign]
    if status == 0 and hard:
        status = 2
        detail = ": " + ", ".join(
            f"`{n}` at its {side} bound ({float(problem.to_natural(x)[problem.names.index(n)]):.4g})"
            for n, side in hard
        )
    # Observed information on the free (not-at-bound) coordinates.
    p = x.size
    cov_x = np.full((p, p), np.inf)
    cond = math.inf
    try:
        with np.errstate(all="ignore"):
            H = problem.hessian(x)
        free = np.array([problem.names[i] not in [b[0] for b in bound_hits] for i in range(p)])
        Hf = H[np.ix_(free, free)]
        if Hf.size and np.all(np.isfinite(Hf)):
            eig = np.linalg.eigvalsh(Hf)
            if eig.min() > 0:
                cond = float(eig.max() / eig.min())
                cf = np.linalg.inv(Hf)
                cov_x[np.ix_(free, free)] = (cf + cf.T) / 2
    except np.linalg.LinAlgError:
        pass
    hit = {b[0] for b in bound_hits}
    inner = [i for i, n in enumerate(problem.names) if n not in hit]
    if not np.all(np.isfinite(np.diag(cov_x)[inner])) and status == 0:
        notes.append(
            "The observed information is singular: standard errors could not be estimated."
        )
    problem.cov_x = cov_x
    theta = problem.to_natural(x)
    jac = np.where(problem.logs, theta, 1.0)
    cov = cov_x * np.outer(jac, jac)
    cov = np.where(np.isnan(cov), np.inf, cov)
    se = np.sqrt(np.where(np.isfinite(np.diag(cov)), np.diag(cov), np.inf))
    params = {n: float(v) for n, v in zip(problem.names, theta, strict=True)}
    stderr = {n: float(v) for n, v in zip(problem.names, se, strict=True)}
    diag = problem.diagnostics(x)
    if benign:
        diag["dispersion_note"] = (
            "The negative-binomial dispersion `k` sits at its upper bound: the counts show no "
            "overdispersion, and the fit equals a Poisson fit."
        )
    with np.errstate(all="ignore"):
        sd = np.sqrt(np.diag(cov_x))
        corr = cov_x / np.outer(sd, sd)
    finite_corr = np.all(np.isfinite(corr))
    diag["corr"] = pd.DataFrame(corr, index=problem.names, columns=problem.names)
    diag["condition_number"] = cond
    model_idx = [i for i, n in enumerate(problem.names) if n not in problem.nuisance]
    off = corr[np.ix_(model_idx, model_idx)] - np.eye(len(model_idx)) if finite_corr else None
    diag["max_abs_corr"] = float(np.max(np.abs(off))) if off is not None and off.size else math.nan
    if diag["max_abs_corr"] > 0.95:
        i, j = np.unravel_index(np.argmax(np.abs(off)), off.shape)
        notes.append(
            f"Parameters `{problem.names[model_idx[i]]}` and `{problem.names[model_idx[j]]}` are "
            f"strongly correlated (corr {off[i, j]:+.3f}): the data identify a combination of "
            "them better than either alone."
        )
    notes.extend(problem.notes(x, cov_x))
    message = TERMINATION_MESSAGES[status] + (detail + "." if status in (2, 4) else "")
    ident = [n for n in notes if "poorly identified" in n]
    if ident:
        message += " " + " ".join(ident)
    loss = float(res.fun)
    n_par = len(problem.names)
    result = FitResult(
        model=problem.model,
        params=params,
        stderr=stderr,
        ci=problem.wald_ci(_zval(level)),
        ci_method="wald",
        level=level,
        cov=cov,
        loss_name=problem.loss_name,
        loss=loss,
        loglik=-loss,
        aic=2 * n_par + 2 * loss,
        bic=n_par * math.log(max(problem.n_obs, 1)) + 2 * loss,
        n_obs=problem.n_obs,
        n_params=n_par,
        success=status == 0,
        status=status,
        message=message,
        nit=nit,
        nfev=nfev,
        warnings=tuple(([message] if status != 0 else []) + notes),
        diagnostics=diag,
        _fit=problem,
    )
    for note in notes:
        cat = (
            IdentifiabilityWarning if ("identif" in note or "correlated" in note) else UserWarning
        )
        warnings.warn(note, cat, stacklevel=4)
    if status != 0:
        warnings.warn(
            f"{problem.model} fit did not succeed: {message} Check the data, the bounds, or "
            "increase `max_iter`.",
            ConvergenceWarning,
            stacklevel=4,
        )
    if ci != "wald" and result.success:
        result = result.with_ci(
            ci, level, **({"n_resamples": n_resamples, "rng": rng} if ci == "bootstrap" else {})
        )
    return result


def _zval(level):
    from statistics import NormalDist

    return NormalDist().inv_cdf(0.5 + level / 2)


# ===================================================================== profile
def _profile_nll(problem, j, xj):
    if len(problem.names) == 1:
        x = problem.x_hat.copy()
        x[j] = xj
        return problem.nll(x)
    res, _, _ = _minimize(problem, [problem.x_hat], 500, fixed_index=j, fixed_value=xj)
    return float(res.fun)


def profile_curve(problem, j, grid=None):
    """Profile log-likelihood of parameter `j` on a grid of natural values."""
    x0 = problem.x_hat
    if grid is None:
        se = (
            math.sqrt(problem.cov_x[j, j])
            if np.isfinite(problem.cov_x[j, j])
            else 0.1 * (1 + abs(x0[j]))
        )
        xs = x0[j] + se * np.linspace(-3, 3, 13)
    else:
        xs = problem.to_x(
            np.broadcast_to(np.asarray(grid, dtype=np.float64)[:, None], (len(grid), x0.size))
        )[:, j]
    lo, hi = problem.bounds_x[j]
    xs = np.clip(xs, lo, hi)
    ll = np.array([-_profile_nll(problem, j, v) for v in xs])
    vals = np.exp(xs) if problem.logs[j] else xs
    return pd.DataFrame({"value": vals, "loglik": ll})


def profile_ci(problem, level):
    """Likelihood-ratio intervals: where the profile drops by chi2_1(level) / 2."""
    from scipy.stats import chi2

    target = chi2.ppf(level, 1) / 2
    f0 = problem.nll(problem.x_hat)
    out = {}
    for j, name in enumerate(problem.names):
        se = problem.cov_x[j, j]
        step = math.sqrt(se) if np.isfinite(se) and se > 0 else 0.1 * (1 + abs(problem.x_hat[j]))
        ends = []
        for direction in (-1, 1):
            lo, hi = problem.bounds_x[j]
            bound = lo if direction < 0 else hi
            inner = problem.x_hat[j]
            found = None
            for mult in (1.0, 2.0, 4.0, 8.0, 16.0):
                cand = problem.x_hat[j] + direction * mult * step
                if (direction < 0 and cand <= bound) or (direction > 0 and cand >= bound):
                    cand = bound
                d = _profile_nll(problem, j, cand) - f0 - target
                if d > 0:
                    found = cand
                    break
                inner = cand
                if cand == bound:
                    break
            if found is None:
                ends.append(
                    math.inf * direction
                    if not problem.logs[j]
                    else (0.0 if direction < 0 else math.inf)
                )
                continue
            try:
                root = _optimize().brentq(
                    lambda v, j=j: _profile_nll(problem, j, v) - f0 - target,
                    inner,
                    found,
                    xtol=1e-6,
                )
            except ValueError:
                root = found
            ends.append(math.exp(root) if problem.logs[j] else root)
        out[name] = ConfidenceInterval(float(ends[0]), float(ends[1]))
    return out


# =================================================================== bootstrap
def _replicate(b, shared):
    """Bootstrap replicate `b`: natural parameters refitted on data simulated from the
    fit, or None if the refit failed. Its randomness is a function of (root, b) only."""
    from ..parallel import replicate_rng

    problem, root = shared
    if hasattr(problem, "replicate"):  # simulation-based fits resimulate and refit their way
        return problem.replicate(replicate_rng(root, b))
    sim = problem.resample(problem.x_hat, replicate_rng(root, b))
    if sim.observed_total <= 0:
        return None
    res, _, _ = _minimize(sim, [problem.x_hat, *sim.starts_x[:1]], 500)
    status, _ = _converged(sim, res)
    if status != 0:
        return None
    return sim.to_natural(res.x)


def bootstrap(problem, n_resamples, rng, result=None, client=None, progress=None):
    """Parametric bootstrap: resimulate from the fit, refit from the estimate.

    Replicate ``b`` draws from ``replicate_rng(root, b)`` with ``root`` drawn from
    `rng`, so the replicates are the same locally and on a Dask `client`. Extending
    `result` continues the indices after its replicates (failed ones included).
    """
    from .._random import root_seed
    from ..parallel import map_indices

    rows = [] if result is None else [result.params]
    n_failed = 0 if result is None else result.n_failed
    have = 0 if result is None else result.n_resamples
    root = int(root_seed(rng))
    outs = map_indices(
        _replicate,
        max(n_resamples - have, 0),
        start=have + n_failed,
        shared=(problem, root),
        client=client,
        progress=progress,
        desc="bootstrap",
    )
    new = [x for x in outs if x is not None]
    n_failed += len(outs) - len(new)
    frame = pd.DataFrame(new, columns=list(problem.names))
    if rows:
        frame = pd.concat([rows[0], frame], ignore_index=True)
    return FitBootstrap(frame, n_failed)
