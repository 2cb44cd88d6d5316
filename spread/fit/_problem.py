"""The fitting problem and the one way a `FitResult` is assembled.

A *problem* (`Problem` subclasses) knows its parameters (names, which are fitted in
the log scale, bounds and starts), its objective (a negative log-likelihood, or a
discrepancy to simulated curves), its expected counts and how to simulate new data of
the same shape. `fit_likelihood` minimises a likelihood, estimates the covariance from
the observed information and diagnoses; every fit, likelihood or simulation, then
builds its result with `assemble` (or `failed`), which applies one rule for
parameters on their bounds and one set of messages.
"""

import math

import numpy as np
import pandas as pd

from .._common import ConfidenceInterval, z_value
from ..exceptions import ConvergenceWarning, IdentifiabilityWarning, warn
from ._optimize import central_gradient, converged, minimize_likelihood
from ._result import TERMINATION_MESSAGES, FitResult

__all__ = ["Problem", "assemble", "failed", "fit_likelihood", "on_bounds"]


class Problem:
    """Base: subclasses set names, logs, bounds_x, starts_x and implement nll/predict/sample."""

    model = "?"
    loss_name = "?"
    names = ()
    logs = ()
    size_name = None  # final-size parameter, whose identifiability we check
    nuisance = ()  # parameters whose upper bound is benign (e.g. NB dispersion)
    #: The objective is a smooth likelihood of the parameters (profiles need one).
    smooth = True

    x_hat = None
    cov_x = None

    # --- transforms
    #: Observations needed per fitted parameter count: ``n_obs >= n_params + extra_obs``.
    extra_obs = 0

    def too_few(self):
        """The status-6 message when the data are too few to identify the parameters."""
        need = len(self.names) + self.extra_obs
        if self.n_obs >= need:
            return None
        return (
            f"{TERMINATION_MESSAGES[6][:-1]}: {self.n_obs} observation(s) for "
            f"{len(self.names)} parameter(s) ({', '.join(self.names)}); at least {need} needed."
        )

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
        return central_gradient(self.nll, x)

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

    #: Forecast error models the problem can draw (`FitResult.forecast`'s `errors`):
    #: ``"ar1"`` needs `sample(..., noise=False)`, paths of fitted means without the
    #: observation noise, which a model with memory (Hawkes) has not.
    error_models = ("independent",)
    #: The error model of a forecast that names none (`FitResult.forecast`).
    default_errors = "independent"

    # --- data-facing hooks used by FitResult. Every problem sets `n_obs` (what `too_few`
    # and BIC count) and `observed_total` (0: nothing to fit); `n_bins` is the observed
    # window, none for problems on cascades.
    n_bins = 0

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


def on_bounds(problem, x, xtol):
    """The parameters at (or within the optimizer's resolution of) their bounds.

    The one rule of every fit: parameter ``i`` is on a bound when it lies within
    ``xtol * (high - low)`` of it, in the fitting scale, where `xtol` is the relative
    resolution of the optimizer that found `x` (`XTOL_SMOOTH` for likelihoods, whose
    optimizer lands on a bound exactly; `XTOL_NOISY` for the grid searches of
    simulation fits). Returns ``[(name, "lower" | "upper"), ...]``.
    """
    out = []
    for i, (name, (lo, hi)) in enumerate(zip(problem.names, problem.bounds_x, strict=True)):
        tol = xtol * (hi - lo)
        if x[i] - lo <= tol:
            out.append((name, "lower"))
        elif hi - x[i] <= tol:
            out.append((name, "upper"))
    return out


#: Relative resolution (of the search range) of the likelihood optimizer.
XTOL_SMOOTH = 1e-5
#: Relative resolution of the grid-then-bounded searches of simulation fits.
XTOL_NOISY = 1e-3


def _fit_result(problem, **fields):
    """The one place a `FitResult` is built: every field named, defaults filled in."""
    p = len(problem.names)
    defaults = {
        "model": problem.model,
        "loss_name": problem.loss_name,
        "n_obs": problem.n_obs,
        "n_params": p,
        "loglik": math.nan,
        "aic": math.nan,
        "bic": math.nan,
        "warnings": (),
        "diagnostics": {},
        "_fit": problem,
    }
    defaults.update(fields)
    defaults["success"] = defaults["status"] == 0
    return FitResult(**defaults)


def assemble(
    problem,
    x,
    *,
    fun,
    nit,
    nfev,
    xtol,
    level,
    status=0,
    detail="",
    cov_x=None,
    likelihood=False,
    notes=(),
    diagnostics=None,
    hint="",
):
    """The `FitResult` of a fit that found `x`: parameters, uncertainty, status, warnings.

    Parameters
    ----------
    problem : Problem
        Its `x_hat` and `cov_x` are set here (the result's predictions read them).
    x : numpy.ndarray
        The estimate, in the fitting scale.
    fun : float
        The objective at `x` (a negative log-likelihood when `likelihood`).
    nit, nfev : int
        Optimizer iterations and objective evaluations.
    xtol : float
        The optimizer's relative resolution, for the bound rule (`on_bounds`).
    level : float
        Confidence level of the Wald intervals.
    status : int, default 0
        The optimizer's verdict (`TERMINATION_MESSAGES`); a parameter on a bound (other
        than a nuisance parameter on its upper bound) makes a converged fit status 2.
    detail : str
        Appended to the status message.
    cov_x : numpy.ndarray, optional
        Covariance of the estimate in the fitting scale. None: no interval computed
        (``ci_method="none"``: a simulation fit before its bootstrap).
    likelihood : bool, default False
        `fun` is a negative log-likelihood: report the log-likelihood, AIC and BIC.
    notes : sequence of (warning class, str)
        Identifiability and other notes, warned and kept in `warnings`.
    diagnostics : dict, optional
    hint : str
        What to check, appended to the `ConvergenceWarning` of an unsuccessful fit.
    """
    x = np.asarray(x, dtype=np.float64)
    problem.x_hat = x
    p = x.size
    hits = [
        h
        for h in on_bounds(problem, x, xtol)
        if not (h[0] in problem.nuisance and h[1] == "upper")
    ]
    if status == 0 and hits:
        status = 2
        theta = problem.to_natural(x)
        detail = ": " + ", ".join(
            f"`{n}` at its {side} bound ({float(theta[problem.names.index(n)]):.4g})"
            for n, side in hits
        )
    theta = problem.to_natural(x)
    params = {n: float(v) for n, v in zip(problem.names, theta, strict=True)}
    if cov_x is None:
        problem.cov_x = np.full((p, p), np.inf)
        cov = np.full((p, p), np.inf)
        stderr = dict.fromkeys(problem.names, math.nan)
        intervals = {n: ConfidenceInterval(math.nan, math.nan) for n in problem.names}
        ci_method = "none"
    else:
        problem.cov_x = cov_x
        jac = np.where(problem.logs, theta, 1.0)
        cov = cov_x * np.outer(jac, jac)
        cov = np.where(np.isnan(cov), np.inf, cov)
        se = np.sqrt(np.where(np.isfinite(np.diag(cov)), np.diag(cov), np.inf))
        stderr = {n: float(v) for n, v in zip(problem.names, se, strict=True)}
        intervals = problem.wald_ci(z_value(level))
        ci_method = "wald"
    message = TERMINATION_MESSAGES[status] + (detail + "." if status in (2, 4) else detail)
    ident = [text for _, text in notes if "poorly identified" in text]
    if ident:
        message += " " + " ".join(ident)
    fields = {}
    if likelihood:
        fields = {
            "loglik": -float(fun),
            "aic": 2 * p + 2 * float(fun),
            "bic": p * math.log(max(problem.n_obs, 1)) + 2 * float(fun),
        }
    result = _fit_result(
        problem,
        params=params,
        stderr=stderr,
        intervals=intervals,
        ci_method=ci_method,
        level=level,
        cov=cov,
        loss=float(fun),
        status=status,
        message=message,
        nit=int(nit),
        nfev=int(nfev),
        warnings=tuple(([message] if status != 0 else []) + [text for _, text in notes]),
        diagnostics={} if diagnostics is None else diagnostics,
        **fields,
    )
    for category, text in notes:
        warn(text, category)
    if status != 0:
        warn(
            f"{problem.model} fit did not succeed: {message}" + (f" {hint}" if hint else ""),
            ConvergenceWarning,
        )
    return result


def failed(problem, status, message, *, level=0.95, nit=0, nfev=0, extra=()):
    """The `FitResult` of a fit that found no estimate (NaN parameters), with a warning."""
    nan = math.nan
    p = len(problem.names)
    warn(f"{problem.model} fit failed: {message}", ConvergenceWarning)
    return _fit_result(
        problem,
        params=dict.fromkeys(problem.names, nan),
        stderr=dict.fromkeys(problem.names, nan),
        intervals={n: ConfidenceInterval(nan, nan) for n in problem.names},
        ci_method="wald",
        level=level,
        cov=np.full((p, p), np.inf),
        loss=nan,
        status=status,
        message=message,
        nit=nit,
        nfev=nfev,
        warnings=(message, *extra),
        _fit=None,
    )


def fit_likelihood(
    problem, *, max_iter=1000, level=0.95, ci_method="wald", n_resamples=200, rng=None
):
    """Minimise a likelihood, estimate the covariance, diagnose: the `FitResult`."""
    if problem.observed_total <= 0:
        return failed(problem, 3, TERMINATION_MESSAGES[3], level=level)
    few = problem.too_few()
    if few:
        return failed(problem, 6, few, level=level)
    if hasattr(problem, "prepare"):
        problem.prepare(max_iter)
    res, nit, nfev = minimize_likelihood(problem, problem.starts_x, max_iter)
    nit0, nfev0 = getattr(problem, "prep_counts", (0, 0))
    nit, nfev = nit + nit0, nfev + nfev0
    status, detail = converged(problem, res)
    if status == 5:
        return failed(problem, 5, TERMINATION_MESSAGES[5], level=level, nit=nit, nfev=nfev)
    x = np.asarray(res.x, dtype=np.float64)
    problem.x_hat = x
    notes = []
    bound_hits = on_bounds(problem, x, XTOL_SMOOTH)
    benign = [b for b in bound_hits if b[0] in problem.nuisance and b[1] == "upper"]
    # Observed information on the free (not-at-bound) coordinates.
    p = x.size
    cov_x = np.full((p, p), np.inf)
    cond = math.inf
    hit = {b[0] for b in bound_hits}
    try:
        with np.errstate(all="ignore"):
            H = problem.hessian(x)
        free = np.array([problem.names[i] not in hit for i in range(p)])
        Hf = H[np.ix_(free, free)]
        if Hf.size and np.all(np.isfinite(Hf)):
            eig = np.linalg.eigvalsh(Hf)
            if eig.min() > 0:
                cond = float(eig.max() / eig.min())
                cf = np.linalg.inv(Hf)
                cov_x[np.ix_(free, free)] = (cf + cf.T) / 2
    except np.linalg.LinAlgError:
        pass
    inner = [i for i, n in enumerate(problem.names) if n not in hit]
    if not np.all(np.isfinite(np.diag(cov_x)[inner])) and status == 0:
        notes.append(
            (
                UserWarning,
                "The observed information is singular: standard errors could not be estimated.",
            )
        )
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
            (
                IdentifiabilityWarning,
                f"Parameters `{problem.names[model_idx[i]]}` and `{problem.names[model_idx[j]]}` "
                f"are strongly correlated (corr {off[i, j]:+.3f}): the data identify a "
                "combination of them better than either alone.",
            )
        )
    for note in problem.notes(x, cov_x):
        category = IdentifiabilityWarning if "identif" in note else UserWarning
        notes.append((category, note))
    result = assemble(
        problem,
        x,
        fun=res.fun,
        nit=nit,
        nfev=nfev,
        xtol=XTOL_SMOOTH,
        level=level,
        status=status,
        detail=detail,
        cov_x=cov_x,
        likelihood=True,
        notes=notes,
        diagnostics=diag,
        hint="Check the data, the bounds, or increase `max_iter`.",
    )
    if ci_method != "wald" and result.success:
        result = result.with_conf_int(ci_method, level, n_resamples=n_resamples, rng=rng)
    return result
