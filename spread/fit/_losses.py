"""Count log-likelihoods shared by the curve fits (FITTING.md §2.0).

All functions work on per-bin increments ``y`` and model means ``mu`` and return the
log-likelihood summed over bins, or one value per bin with ``total=False``.
"""

import math

import numpy as np
from scipy.special import digamma, gammaln

from ._optimize import scipy_optimize

__all__ = [
    "LOSSES",
    "dloglik_dk",
    "dloglik_dmu",
    "loglik",
    "mixture_dispersion",
    "negbin_loglik",
    "poisson_loglik",
    "sample_counts",
]

LOSSES = ("negbin", "poisson")

#: Floor on model means, so that a bin the model calls empty but which holds counts
#: costs a large finite penalty instead of -inf (the optimizer needs finite values).
_MU_FLOOR = 1e-10
#: Largest rate handed to numpy's Poisson sampler (it refuses values near 2**63).
_LAM_MAX = 1e15


def poisson_loglik(y, mu, *, total=True):
    """Poisson log-likelihood ``sum(y log mu - mu - log y!)``."""
    mu = np.maximum(mu, _MU_FLOOR)
    out = y * np.log(mu) - mu - gammaln(y + 1.0)
    return float(out.sum()) if total else out


def negbin_loglik(y, mu, k, *, total=True):
    """Negative binomial (NB2) log-likelihood, mean ``mu``, variance ``mu + mu**2 / k``."""
    mu = np.maximum(mu, _MU_FLOOR)
    # Written so that k -> inf tends to the Poisson form without cancellation in the
    # last two terms: log Γ(y+k) - log Γ(k) - y log k -> 0.
    out = (
        gammaln(y + k)
        - gammaln(k)
        - y * np.log(k)
        + y * np.log(mu)
        - (y + k) * np.log1p(mu / k)
        - gammaln(y + 1.0)
    )
    return float(out.sum()) if total else out


def dloglik_dmu(loss, y, mu, k=np.inf):
    """Derivative of the per-bin log-likelihood with respect to the mean."""
    mu = np.maximum(mu, _MU_FLOOR)
    if loss == "poisson" or not np.isfinite(k):
        return y / mu - 1.0
    return y / mu - (y + k) / (k + mu)


def dloglik_dk(y, mu, k):
    """Derivative of the summed negative-binomial log-likelihood with respect to ``k``."""
    mu = np.maximum(mu, _MU_FLOOR)
    return float(np.sum(digamma(y + k) - digamma(k) - np.log1p(mu / k) + (mu - y) / (k + mu)))


def loglik(loss, y, mu, k=np.inf, *, total=True):
    """Dispatch on the loss name; ``k`` is the negative-binomial dispersion."""
    if loss == "poisson" or not np.isfinite(k):
        return poisson_loglik(y, mu, total=total)
    return negbin_loglik(y, mu, k, total=total)


def sample_counts(rng, mu, k=np.inf):
    """Draw counts with mean ``mu`` (Poisson, or negative binomial when ``k`` is finite;
    ``k`` may also be an array matching ``mu``, Poisson where it is infinite)."""
    mu = np.nan_to_num(np.asarray(mu, dtype=np.float64), nan=0.0, posinf=_LAM_MAX)
    mu = np.clip(mu, 0.0, _LAM_MAX)
    if np.ndim(k):
        finite = np.isfinite(k)
        if not finite.any():
            return rng.poisson(mu).astype(np.float64)
        kk = np.where(finite, k, 1.0)
        gamma = rng.gamma(kk, 1.0, size=mu.shape) * (mu / kk)
        lam = np.clip(np.where(finite, gamma, mu), 0.0, _LAM_MAX)
        return rng.poisson(lam).astype(np.float64)
    if not np.isfinite(k):
        return rng.poisson(mu).astype(np.float64)
    # Gamma-Poisson mixture: rate ~ Gamma(k, mu / k).
    lam = np.clip(rng.gamma(k, 1.0, size=mu.shape) * (mu / k), 0.0, _LAM_MAX)
    return rng.poisson(lam).astype(np.float64)


#: Range of the negative-binomial dispersion ``k`` (log scale): from counts ten times
#: more variable than their mean squared to practically Poisson.
_LOG_K_BOUNDS = (math.log(1e-1), math.log(1e8))


def negbin_dispersion(y, mu):
    """Profile of the NB2 likelihood over its dispersion: ``(k_hat, -loglik at k_hat)``.

    ``k`` maximises ``sum_t log NB(y_t; mu_t, k)`` (variance ``mu + mu**2 / k``) over
    `_LOG_K_BOUNDS`; counts no more variable than Poisson ones put it on the upper
    bound, where the law is Poisson to within ``mu / 1e8``.
    """
    res = scipy_optimize().minimize_scalar(
        lambda lk: -negbin_loglik(y, mu, math.exp(lk)),
        bounds=_LOG_K_BOUNDS,
        method="bounded",
        options={"xatol": 1e-7},
    )
    return math.exp(float(res.x)), float(res.fun)


def mixture_dispersion(y, runs):
    """NB2 dispersion of observation noise around each of several runs: ``(k_hat, -loglik)``.

    The counts of bin ``t`` are taken to be NB2 with mean ``runs[r, t]`` for a run ``r``
    drawn at random (one row of `runs` per run), so ``k`` maximises ``sum_t log((1 / R)
    sum_r NB(y_t; runs[r, t], k))`` over `_LOG_K_BOUNDS`: the bin-by-bin likelihood of
    the predictive law that draws a run, then the noise around it. Unlike
    `negbin_dispersion` around the runs' mean, it does not count the run-to-run
    variation as observation noise too. With a single run, or identical ones, it is
    `negbin_dispersion` around that run.
    """
    y = np.asarray(y, dtype=np.float64)
    runs = np.atleast_2d(np.asarray(runs, dtype=np.float64))
    if runs.shape[0] == 1:
        return negbin_dispersion(y, runs[0])
    mu = np.maximum(runs, _MU_FLOOR)
    log_r = math.log(mu.shape[0])
    # `negbin_loglik` split into its terms free of the runs (one per bin) and those free
    # of k (computed once): the profile evaluates the rest some 40 times, and it is the
    # loss of a simulation fit, evaluated at every trial value.
    y_log_mu = y * np.log(mu)
    lg_y1 = gammaln(y + 1.0)

    def nll(lk):
        k = math.exp(lk)
        per_bin = gammaln(y + k) - gammaln(k) - y * math.log(k) - lg_y1
        per_run = y_log_mu - (y + k) * np.log1p(mu / k)
        top = per_run.max(axis=0)
        mix = top + np.log(np.exp(per_run - top).sum(axis=0)) - log_r
        return -float(np.sum(per_bin + mix))

    res = scipy_optimize().minimize_scalar(
        nll, bounds=_LOG_K_BOUNDS, method="bounded", options={"xatol": 1e-7}
    )
    return math.exp(float(res.x)), float(res.fun)


def trend_loss(name, y, mu):
    """Discrepancy between observed increments `y` and expected ones `mu` (>= 0)."""
    if name == "negbin":  # negative log-likelihood, the dispersion profiled out
        return negbin_dispersion(y, np.maximum(mu, 0.0))[1]
    if name == "poisson":
        mu = np.maximum(mu, 1e-9)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(y > 0, y * np.log(y / mu), 0.0)
        return float(2.0 * np.sum(t - (y - mu)))  # Poisson deviance
    if name == "sqrt":
        return float(np.sum((np.sqrt(y) - np.sqrt(np.maximum(mu, 0.0))) ** 2))
    return float(np.sum((y - mu) ** 2))
