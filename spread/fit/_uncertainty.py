"""Intervals beyond Wald: likelihood profiles and the parametric bootstrap."""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._common import MAX_WORK, ConfidenceInterval, check_work
from .._validation import check_level
from ._optimize import converged, minimize_likelihood, scipy_optimize

__all__ = ["FitBootstrap", "bootstrap", "profile_ci", "profile_curve", "with_bootstrap"]


@dataclass(frozen=True, repr=False)
class FitBootstrap:
    """Parametric bootstrap of a fit: refits on data simulated from the fitted model.

    Attributes
    ----------
    params : pandas.DataFrame
        One row per successful replicate, one column per parameter.
    n_failed : int
        Replicates whose refit did not succeed (left out of `params`).
    """

    params: pd.DataFrame
    n_failed: int = 0

    @property
    def n_resamples(self):
        """Successful replicates."""
        return len(self.params)

    @property
    def stderr(self):
        """Bootstrap standard error of every parameter."""
        return {k: float(v) for k, v in self.params.std(ddof=1).items()}

    def conf_int(self, level=0.95):
        """Percentile intervals per parameter."""
        check_level(level)
        q = (1 - level) / 2
        if self.n_resamples < 2:
            return {k: ConfidenceInterval(math.nan, math.nan) for k in self.params.columns}
        lo = self.params.quantile(q)
        hi = self.params.quantile(1 - q)
        return {k: ConfidenceInterval(float(lo[k]), float(hi[k])) for k in self.params.columns}

    def to_frame(self):
        """The replicates: one row each, one column per parameter."""
        return self.params.rename_axis("replicate")

    def summary(self, level=0.95):
        """One line per parameter: mean, standard error and percentile interval."""
        lines = [f"parametric bootstrap: {self.n_resamples} replicates ({self.n_failed} failed)"]
        intervals = self.conf_int(level)
        for name in self.params.columns:
            low, high = intervals[name]
            lines.append(
                f"  {name:>8} mean {self.params[name].mean():.5g}, se "
                f"{self.stderr[name]:.4g}, {level:.0%} interval [{low:.5g}, {high:.5g}]"
            )
        return "\n".join(lines)

    def plot(self, ax=None, *, name=None, level=0.95, **kwargs):
        """Histogram of one parameter's replicates with its percentile interval (the Axes).

        Draws with `spread.plot.bootstrap`.
        """
        from .. import plot

        return plot.bootstrap(self, ax, name=name, level=level, **kwargs)

    def __repr__(self):
        return f"<FitBootstrap: {self.n_resamples} replicates ({self.n_failed} failed)>"


def _profile_nll(problem, j, xj):
    if len(problem.names) == 1:
        x = problem.x_hat.copy()
        x[j] = xj
        return problem.nll(x)
    res, _, _ = minimize_likelihood(problem, [problem.x_hat], 500, fixed_index=j, fixed_value=xj)
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
    """Likelihood-ratio intervals: where the profile drops by chi2_1(level) / 2.

    Each end is bracketed by steps of 1, 2, 4, 8 and 16 standard errors (on the
    optimizer's scale) from the estimate, then by the parameter's bound, and found by
    Brent's method; where the profile does not drop that far before the bound, the end
    is unbounded (0 for a positive parameter's lower end).
    """
    from scipy.stats import chi2

    target = chi2.ppf(level, 1) / 2
    # The likelihood's own maximum: an estimate from a derivative-free search (trend
    # fits), or by another objective (the loss "ar1" profiles its error parameters,
    # this likelihood holds them), may sit a little below it.
    f0 = problem.nll(problem.x_hat)
    if hasattr(problem, "grad"):
        f0 = min(f0, float(minimize_likelihood(problem, [problem.x_hat], 500)[0].fun))
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
            for mult in (1.0, 2.0, 4.0, 8.0, 16.0, math.inf):  # the last: the bound
                cand = problem.x_hat[j] + direction * mult * step
                if (direction < 0 and cand <= bound) or (direction > 0 and cand >= bound):
                    cand = bound
                if not math.isfinite(cand):
                    break
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
                root = scipy_optimize().brentq(
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
    res, _, _ = minimize_likelihood(sim, [problem.x_hat, *sim.starts_x[:1]], 500)
    status, _ = converged(sim, res)
    if status != 0:
        return None
    return sim.to_natural(res.x)


#: Model evaluations in one refit, at the least (for the work bound), and the fixed cost
#: of one evaluation (the optimizer's Python overhead, about 0.1 ms) in observations: a
#: refit of a 20-bin curve takes some 14 ms, so the default `max_work` allows some
#: 10,000 of them (minutes), not the days a bound on observations alone let through.
_EVALUATIONS_PER_REFIT = 100
_EVALUATION_OVERHEAD = 100_000


def bootstrap(
    problem, n_resamples, rng, result=None, client=None, progress=None, max_work=MAX_WORK
):
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
    n_new = max(n_resamples - have, 0)
    check_work(
        float(n_new) * (problem.n_obs + _EVALUATION_OVERHEAD) * _EVALUATIONS_PER_REFIT,
        max_work,
        what=f"a bootstrap of `n_resamples` = {n_resamples:,} refits on {problem.n_obs:,} "
        "observations",
        advice="Lower `n_resamples`",
        unit="evaluations of the model per observation (with its overhead)",
    )
    root = int(root_seed(rng))
    outs = map_indices(
        _replicate,
        n_new,
        start=have + n_failed,
        shared=(problem, root),
        client=client,
        progress=progress,
        desc="bootstrap",
    )
    new = [x for x in outs if x is not None]
    n_failed += len(outs) - len(new)
    frame = pd.DataFrame(new, columns=list(problem.names), dtype=np.float64)
    if rows:
        frame = pd.concat([rows[0], frame], ignore_index=True)
    return FitBootstrap(frame, n_failed)


def with_bootstrap(result, boot, level):
    """`result` with bootstrap errors, percentile intervals and covariance."""
    from dataclasses import replace

    problem = result._fit
    if boot.n_resamples >= 2:
        xs = problem.to_x(boot.params[list(problem.names)].to_numpy())
        problem.cov_x = np.atleast_2d(np.cov(xs, rowvar=False))
        cov = np.atleast_2d(np.cov(boot.params.to_numpy(), rowvar=False))
    else:
        cov = result.cov
    diag = dict(result.diagnostics)
    diag["bootstrap"] = boot
    if len(problem.names) > 1 and boot.n_resamples >= 3:
        diag["corr"] = boot.params.corr()
    return replace(
        result,
        stderr=boot.stderr,
        intervals=boot.conf_int(level),
        ci_method="bootstrap",
        cov=cov,
        diagnostics=diag,
    )
