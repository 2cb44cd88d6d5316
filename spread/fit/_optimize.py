"""The optimizers behind every fit, in one place.

- `minimize_likelihood`: smooth objectives (likelihoods with gradients), SLSQP from the
  best of several starts, a restart after an abnormal stop, an L-BFGS-B polish when
  the projected gradient is not small; optionally with one coordinate held fixed
  (profiles).
- `minimize_noisy`: objectives that are noisy or piecewise constant in the parameters
  (matching simulated curves), a grid that slides while its best point sits on an
  inner edge, then a bounded Brent search (one parameter) or Nelder-Mead (several), on
  a memoised `Objective`.

SciPy's optimizers are imported on first use (they cost about 0.3 s at import time).
"""

import math
import warnings

import numpy as np

__all__ = [
    "BIG",
    "Objective",
    "central_gradient",
    "converged",
    "minimize_likelihood",
    "minimize_noisy",
    "scipy_optimize",
]

#: The value of an objective that cannot be evaluated (a finite stand-in for inf).
BIG = 1e300


def central_gradient(fun, x):
    """Gradient of `fun` at `x` by central differences (steps ``1e-6 max(1, |x_i|)``)."""
    x = np.asarray(x, dtype=np.float64)
    g = np.empty_like(x)
    for i in range(x.size):
        h = 1e-6 * max(1.0, abs(x[i]))
        xp = x.copy()
        xm = x.copy()
        xp[i] += h
        xm[i] -= h
        g[i] = (fun(xp) - fun(xm)) / (2 * h)
    return g


def scipy_optimize():
    """scipy.optimize, imported on first use (it costs ~0.3 s at import time)."""
    from scipy import optimize

    return optimize


def _slsqp(fun, jac, x0, bounds, max_iter):
    """One SLSQP run (immune to BLAS thread contention, unlike L-BFGS-B on a busy box)."""
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return scipy_optimize().minimize(
                fun,
                x0,
                jac=jac,
                method="SLSQP",
                bounds=bounds,
                options={"maxiter": max_iter, "ftol": 1e-15},
            )
        except (ValueError, ArithmeticError, np.linalg.LinAlgError) as exc:
            return scipy_optimize().OptimizeResult(
                x=x0, fun=BIG, success=False, status=-1, message=str(exc), nit=0, nfev=1
            )


def minimize_likelihood(problem, starts, max_iter, fixed_index=None, fixed_value=None, n_best=2):
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
        scale = max(1.0, abs(f0)) if np.isfinite(f0) and f0 < BIG else 1.0

        def fun(z, raw_fun=raw_fun, scale=scale):
            return raw_fun(z) / scale

        def jac(z, raw_jac=raw_jac, scale=scale):
            return raw_jac(z) / scale

        res = _slsqp(fun, jac, z0, bounds, max_iter)
        nit += int(getattr(res, "nit", 0))
        nfev += int(getattr(res, "nfev", 0))
        if not res.success and res.status not in (9, -1) and np.isfinite(res.fun):
            again = _slsqp(fun, jac, res.x, bounds, max_iter)
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
                polish = scipy_optimize().minimize(
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
    if not np.isfinite(fun) or fun >= BIG:
        return 0.0
    with np.errstate(all="ignore"):
        g = np.asarray(jac(x), dtype=np.float64)
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    tol = 1e-6 * (1 + np.abs(x))
    g = np.where(((x <= lo + tol) & (g > 0)) | ((x >= hi - tol) & (g < 0)), 0.0, g)
    return float(np.max(np.abs(g))) if g.size and np.all(np.isfinite(g)) else 0.0


class Objective:
    """Memoised objective in the fitting scale, counting evaluations."""

    def __init__(self, fun, bounds):
        self.fun = fun
        self.bounds = bounds
        self.cache = {}
        self.nfev = 0

    def __call__(self, x):
        x = np.clip(
            np.asarray(x, dtype=np.float64),
            [b[0] for b in self.bounds],
            [b[1] for b in self.bounds],
        )
        key = tuple(np.round(x, 12))
        if key not in self.cache:
            self.nfev += 1
            self.cache[key] = float(self.fun(x))
        return self.cache[key]

    def best(self):
        key = min(self.cache, key=self.cache.get)
        return np.array(key), self.cache[key]


def minimize_noisy(obj, x0, width, n_grid):
    """Grid then bounded Brent (one parameter) or Nelder-Mead (several).

    `x0` (fitting scale) centres a grid of `n_grid` points over ``x0 +- width`` (the
    whole bounds when `x0` is None); the grid slides while its best point sits on an
    inner edge. Returns the number of optimizer iterations.
    """
    opt = scipy_optimize()
    bounds = obj.bounds
    lo = np.array([b[0] for b in bounds])
    hi = np.array([b[1] for b in bounds])
    d = len(bounds)
    if x0 is None:
        x0 = (lo + hi) / 2
        width = (hi - lo) / 2
    x0 = np.clip(np.asarray(x0, dtype=np.float64), lo, hi)
    width = np.broadcast_to(np.asarray(width, dtype=np.float64), (d,))
    if d == 1:
        a, b = max(lo[0], x0[0] - width[0]), min(hi[0], x0[0] + width[0])
        for _ in range(6):
            grid = np.linspace(a, b, n_grid)
            vals = [obj([g]) for g in grid]
            i = int(np.argmin(vals))
            step = grid[1] - grid[0] if n_grid > 1 else 0.0
            if i == 0 and a > lo[0]:
                a, b = max(lo[0], a - (b - a) * 0.75), a + step
                continue
            if i == n_grid - 1 and b < hi[0]:
                a, b = b - step, min(hi[0], b + (b - a) * 0.75)
                continue
            break
        left = grid[max(i - 1, 0)]
        right = grid[min(i + 1, n_grid - 1)]
        if right > left:
            res = opt.minimize_scalar(
                lambda v: obj([v]),
                bounds=(left, right),
                method="bounded",
                options={"xatol": max(min(1e-3, step / 20), 1e-6)},
            )
            return int(res.nit)
        return 0
    # several parameters: coarse per-coordinate scan through x0, then Nelder-Mead
    start = x0.copy()
    for k in range(d):
        a, b = max(lo[k], x0[k] - width[k]), min(hi[k], x0[k] + width[k])
        grid = np.linspace(a, b, n_grid)
        vals = []
        for g in grid:
            z = start.copy()
            z[k] = g
            vals.append(obj(z))
        start[k] = grid[int(np.argmin(vals))]
    x_best, f_best = obj.best()
    simplex = [x_best] + [
        np.clip(x_best + np.eye(d)[k] * 0.3 * np.maximum(width, 0.05)[k], lo, hi) for k in range(d)
    ]
    res = opt.minimize(
        obj,
        x_best,
        method="Nelder-Mead",
        bounds=list(bounds),
        options={
            "initial_simplex": np.array(simplex),
            "xatol": 1e-2,
            "fatol": 1e-5 * max(1.0, abs(f_best)),
            "maxfev": 60 * d,
        },
    )
    return int(res.nit)


def converged(problem, res):
    """Decide whether an optimizer stop is a real optimum (status, detail)."""
    if not np.isfinite(res.fun) or res.fun >= BIG:
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
