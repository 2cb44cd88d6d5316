"""Network models fitted to observed data: IC, LT and heat parameters on a known graph.

Two kinds of data (FITTING.md §1):

- an aggregate **trend** (adopters per bin) on a known graph, with known seeds or seeds
  placed by a declared rule. The parameters (IC ``p`` and an optional spontaneous
  adoption rate, an LT threshold-law scalar, heat ``beta``) are fitted by matching the
  trend to the mean simulated curve (FITTING.md §2.2.2): Monte Carlo with common random
  numbers (``method="mc"``: the same runs at every trial value, each arc's coin read by
  index, so a run grows monotonically with ``p`` and the objective is reproducible), or
  a deterministic surrogate (``method="dmp"``: dynamic message passing for IC, exact on
  trees; the heat kernel itself for heat). Uncertainty comes from a parametric
  bootstrap: simulate the process again under the estimate, refit.
- **cascades** (who adopted when) on the graph: exact likelihoods, in
  `spread.fit.cascades` (`fit_ic`, `fit_lt`), wrapped here as ``method="mle"``.

Every estimator's `predict`, `simulate` and `forecast` run the fitted model (`model_`, a
`spread.IC`, `spread.LT` or `spread.Heat`) through `spread.simulate`, so a fit can be
plotted over its data and carried forward with a band.
"""

import math
import warnings
import weakref

import numpy as np
import pandas as pd

from .._common import ConfidenceInterval, thread_count, threads
from .._random import root_seed
from .._validation import check_in, check_int, check_nonnegative_float
from ..cascades import Cascades
from ..exceptions import (
    ConvergenceWarning,
    IdentifiabilityWarning,
    InvalidParameterError,
)
from ..graph import Graph, resolve_seeds
from ..trend import Trend, as_trend
from ._engine import _failed_result, _Problem
from ._losses import negbin_loglik, sample_counts
from ._result import TERMINATION_MESSAGES, FitResult
from ._settings import _Settings, _TrendMethods

__all__ = ["HeatEstimator", "ICEstimator", "LTEstimator", "dmp_ic"]

_LOSSES = ("poisson", "negbin", "squared", "sqrt")
#: Range of the negative-binomial dispersion ``k`` (log scale): from counts ten times
#: more variable than their mean squared to practically Poisson.
_LOG_K_BOUNDS = (math.log(1e-1), math.log(1e8))
_SEED_RULES = ("top-degree", "random", "pagerank")
_NEAREST_FRACTION = 0.2  # forecasts keep the runs nearest the observed history
_MAX_DMP_WORK = 5e9  # arcs x steps above which the DMP start is skipped
_PARALLEL_MIN_ARCS = 200_000  # DMP on fewer arcs runs on one thread (a barrier per step)


def _optimize():
    from scipy import optimize

    return optimize


def _derive(root, *key):
    """A uint64 seed that is a pure function of the fit's root and `key` (ints)."""
    ss = np.random.SeedSequence([int(root), *[int(k) for k in key]])
    return np.uint64(ss.generate_state(1, dtype=np.uint64)[0])


# ======================================================================== losses
def _negbin_dispersion(y, mu):
    """Profile of the NB2 likelihood over its dispersion: ``(k_hat, -loglik at k_hat)``.

    ``k`` maximises ``sum_t log NB(y_t; mu_t, k)`` (variance ``mu + mu**2 / k``) over
    `_LOG_K_BOUNDS`; counts no more variable than Poisson ones put it on the upper
    bound, where the law is Poisson to within ``mu / 1e8``.
    """
    res = _optimize().minimize_scalar(
        lambda lk: -negbin_loglik(y, mu, math.exp(lk)),
        bounds=_LOG_K_BOUNDS,
        method="bounded",
        options={"xatol": 1e-7},
    )
    return math.exp(float(res.x)), float(res.fun)


def _loss(name, y, mu):
    """Discrepancy between observed increments `y` and expected ones `mu` (>= 0)."""
    if name == "negbin":  # negative log-likelihood, the dispersion profiled out
        return _negbin_dispersion(y, np.maximum(mu, 0.0))[1]
    if name == "poisson":
        mu = np.maximum(mu, 1e-9)
        with np.errstate(divide="ignore", invalid="ignore"):
            t = np.where(y > 0, y * np.log(y / mu), 0.0)
        return float(2.0 * np.sum(t - (y - mu)))  # Poisson deviance
    if name == "sqrt":
        return float(np.sum((np.sqrt(y) - np.sqrt(np.maximum(mu, 0.0))) ** 2))
    return float(np.sum((y - mu) ** 2))


# ======================================================================= surrogate
_ARC_SLOTS = weakref.WeakKeyDictionary()


def _arc_slots(graph):
    """Per arc ``u -> v``: its own slot in v's in-list, and the in-slot of ``v -> u`` in
    u's in-list (or -1). Cached per graph."""
    cached = _ARC_SLOTS.get(graph)
    if cached is None:
        n = np.int64(graph.n_nodes)
        src = np.repeat(np.arange(graph.n_nodes, dtype=np.int64), graph.out_degree)
        dst = graph.indices.astype(np.int64)
        key = src * n + dst
        order = np.argsort(key, kind="stable")
        want = dst * n + src
        rev = np.full(key.size, -1, dtype=np.int64)
        slot_of_arc = np.empty(key.size, dtype=np.int64)
        slot_of_arc[graph.in_arc] = np.arange(key.size)
        if key.size:
            pos = np.minimum(np.searchsorted(key[order], want), key.size - 1)
            hit = key[order][pos] == want
            rev[hit] = slot_of_arc[order[pos[hit]]]
        cached = _ARC_SLOTS[graph] = (slot_of_arc, rev)
    return cached


def dmp_ic(graph, seeds, p, *, n_steps, external=0.0, n_jobs=None):
    """Dynamic message passing for the independent cascade: expected adopters per step.

    Deterministic and smooth in ``p``; exact on trees (and forests), an approximation on
    graphs with short loops, where it overestimates the spread (Lokhov et al. 2015). Used
    as the surrogate of `ICEstimator` (``method="dmp"``, and starting values for
    ``method="mc"``).

    Parameters
    ----------
    graph : Graph
    seeds : sequence of labels or boolean mask
        Active at step 0.
    p : float or array_like
        Activation probability of every arc (an array: one per arc, in arc order).
    n_steps : int
        Steps to compute (step 0 included).
    external : float, default 0.0
        Per-step spontaneous adoption probability (as in `spread.IC`).
    n_jobs : int, optional
        Threads.

    Returns
    -------
    new_per_step : numpy.ndarray, shape (n_steps,)
        Expected new adopters at every step (step 0: the seeds).
    marginals : numpy.ndarray, shape (n_nodes,)
        Probability that each node is active by the last step.

    References
    ----------
    A. Y. Lokhov, M. Mézard, H. Ohta, L. Zdeborová, "Inferring the origin of an epidemic
    with a dynamic message-passing algorithm", PRE 90, 012801 (2014); A. Y. Lokhov,
    M. Mézard, L. Zdeborová, "Dynamic message-passing equations for models with
    unidirectional dynamics", PRE 91, 012811 (2015).

    Examples
    --------
    On a path the chance that the node at distance d is reached is exactly ``p**d``:

    >>> import spread
    >>> from spread.fit import dmp_ic
    >>> g = spread.Graph.from_edges([0, 1, 2], [1, 2, 3])
    >>> new, marginals = dmp_ic(g, [0], 0.5, n_steps=4)
    >>> new.tolist(), marginals.tolist()
    ([1.0, 0.5, 0.25, 0.125], [1.0, 0.5, 0.25, 0.125])
    """
    from ..models import IC

    if not isinstance(graph, Graph):
        msg = f"`graph` must be a spread.Graph; got {type(graph).__name__}."
        raise InvalidParameterError(msg)
    n_steps = check_int(n_steps, name="n_steps", min_value=1)
    seed_idx = resolve_seeds(graph, seeds)

    model = IC(p, external=external)
    p_arc = np.ascontiguousarray(model.arc_probabilities(graph), dtype=np.float64)
    p0 = np.zeros(graph.n_nodes)
    p0[seed_idx] = 1.0
    return _dmp(graph, p_arc, p0, model._external(), n_steps, thread_count(n_jobs))


def _dmp(graph, p_arc, p0, external, n_steps, n_threads):
    from ..parallel import kernel_section
    from ._network_kernels import dmp_ic as kernel

    if graph.n_edges < _PARALLEL_MIN_ARCS:
        n_threads = 1  # one barrier per step: threads pay off on big graphs only
    new = np.zeros(n_steps)
    marginals = np.zeros(graph.n_nodes)
    p_in = np.ascontiguousarray(p_arc[graph.in_arc])
    slot_of_arc, rev_slot = _arc_slots(graph)
    with kernel_section(), threads(n_threads):
        kernel(
            graph.indptr,
            graph.in_indptr,
            graph.in_indices,
            slot_of_arc,
            p_in,
            rev_slot,
            p0,
            float(external),
            new,
            marginals,
        )
    return new, marginals


# ========================================================================= seeds
def _resolve_seeds(graph, seeds, y, steps_per_bin, seeds_in_trend, rng):
    """Seed indices and a description of how they were chosen.

    `seeds` is a sequence of labels, a boolean mask, or a rule string
    ``"top-degree[:k]"``, ``"random[:k]"``, ``"pagerank[:k]"``; without ``k`` the rule
    takes as many seeds as the first bin holds adopters (only when the first bin is the
    seeds' step: ``steps_per_bin == 1`` and ``seeds_in_trend``).
    """
    if seeds is None:
        msg = (
            "`seeds` is required: seed labels, a boolean mask, or a rule such as "
            "'top-degree:10' (see ICEstimator.fit)."
        )
        raise InvalidParameterError(msg)
    if isinstance(seeds, str):
        rule, _, count = seeds.partition(":")
        check_in(rule, name="seeds", options=_SEED_RULES)
        if count:
            try:
                k = int(count)
            except ValueError:
                msg = f"`seeds` rule count must be an integer; got {seeds!r}."
                raise InvalidParameterError(msg) from None
        else:
            if not (steps_per_bin == 1 and seeds_in_trend):
                msg = (
                    f"`seeds` rule {seeds!r} needs a count ('{rule}:k') unless the first bin "
                    "holds just the seeds (steps_per_bin=1, seeds_in_trend=True)."
                )
                raise InvalidParameterError(msg)
            k = round(y[0])
        if not 1 <= k <= graph.n_nodes:
            msg = (
                f"`seeds` rule {seeds!r} must choose between 1 and {graph.n_nodes} seeds; got {k}."
            )
            raise InvalidParameterError(msg)
        return _rule_seeds(graph, rule, k, rng), f"{rule}:{k}"
    return resolve_seeds(graph, seeds), "given"


def _rule_seeds(graph, rule, k, root):
    from .. import ranking
    from .._random import as_generator
    from ..models import IC

    allowed = np.ones(graph.n_nodes, dtype=bool)
    if rule == "top-degree":
        idx = ranking.top_k(ranking.degree_scores(graph), k, allowed)
    elif rule == "pagerank":
        weights = IC(p="wc").arc_probabilities(graph)
        idx = ranking.top_k(ranking.pagerank_scores(graph, weights), k, allowed)
    else:
        idx = ranking.random_nodes(k, allowed, as_generator(_derive(root, 7)))
    return np.sort(idx).astype(np.int32)


# ======================================================================== specs
def _run_curves(model, graph, seeds, n_runs, n_steps, root, n_threads):
    """Per-run new adopters at steps ``0 .. n_steps - 1`` (int32), common random numbers."""
    from ..models import run_batch, seed_arrays

    runs = run_batch(
        graph,
        model.plan(graph, crn=True),
        seed_arrays([seeds]),
        n_runs=n_runs,
        max_steps=n_steps - 1,
        root=root,
        n_threads=n_threads,
    )
    return runs.new_per_step


class _ICSpec:
    """IC with a uniform ``p`` (or a scale on given arc probabilities), optionally external."""

    model_name = "ic"
    has_surrogate = True

    def __init__(self, graph, base, external, bounds, external_bounds):
        from ..models import IC

        self.graph = graph
        self.base = None if base is None else IC(base).arc_probabilities(graph)
        self.external = external
        first = "p" if self.base is None else "scale"
        self.names = (first, "external") if external else (first,)
        if bounds is None:
            if self.base is None:
                bounds = (1e-4, 1.0)
            else:  # past 1 / min(base) every arc is live
                positive = self.base[self.base > 0]
                bounds = (1e-3, 1.0 / positive.min() if positive.size else 1.0)
        self.bounds = [tuple(bounds)] + ([external_bounds] if external else [])
        self.logs = np.ones(len(self.names), dtype=bool)

    def arc_p(self, theta):
        if self.base is None:
            return np.full(self.graph.n_edges, min(theta[0], 1.0))
        return np.minimum(self.base * theta[0], 1.0)

    def external_of(self, theta):
        return float(theta[1]) if self.external else 0.0

    def curves(self, theta, seeds, n_runs, n_steps, root, n_threads):
        from ..models import IC

        model = IC(p=self.arc_p(theta), external=self.external_of(theta))
        return _run_curves(model, self.graph, seeds, n_runs, n_steps, root, n_threads)

    def surrogate(self, theta, seeds, n_steps, n_threads):
        p0 = np.zeros(self.graph.n_nodes)
        p0[seeds] = 1.0
        new, _ = _dmp(
            self.graph, self.arc_p(theta), p0, self.external_of(theta), n_steps, n_threads
        )
        return new

    def model(self, theta):
        from ..models import IC

        p = float(theta[0]) if self.base is None else self.arc_p(theta)
        return IC(p=p, external=self.external_of(theta))


class _LTSpec:
    """LT with one threshold-law scalar: a weight scale, or the mean of Beta thresholds."""

    model_name = "lt"
    has_surrogate = False

    def __init__(self, graph, weights, parameter, concentration, bounds):
        from ..models import LT

        self.graph = graph
        self.weights = LT(weights).arc_weights(graph)
        self.parameter = parameter
        self.concentration = concentration
        self.names = (parameter,)
        self.bounds = [bounds]
        self.logs = np.array([parameter == "scale"])

    def law(self, theta):
        if self.parameter == "scale":
            return "uniform"
        mu = float(theta[0])
        return ("beta", self.concentration * mu, self.concentration * (1.0 - mu))

    def model(self, theta):
        from ..models import LT

        if self.parameter == "scale":
            return LT(weights=self.weights * float(theta[0]))
        return LT(weights=self.weights, threshold_law=self.law(theta))

    def curves(self, theta, seeds, n_runs, n_steps, root, n_threads):
        model = self.model(theta)
        return _run_curves(model, self.graph, seeds, n_runs, n_steps, root, n_threads)

    def surrogate(self, theta, seeds, n_steps, n_threads):
        return None


# ====================================================================== optimizer
class _Objective:
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


def _minimize(obj, x0, width, n_grid):
    """Grid then bounded Brent (one parameter) or Nelder-Mead (several).

    `x0` (fitting scale) centres a grid of `n_grid` points over ``x0 +- width`` (the
    whole bounds when `x0` is None); the grid slides while its best point sits on an
    inner edge. Returns the number of optimizer iterations.
    """
    opt = _optimize()
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


# ================================================================= the fit problem
class _TrendProblem(_Problem):
    """A network model's mean adoption curve fitted to an observed trend.

    Simulation (`spec.curves`, common random numbers) or surrogate (`spec.surrogate`)
    gives the expected new adopters per step; steps are summed into bins
    (`steps_per_bin`) and compared with the trend by `loss`.
    """

    def __init__(
        self,
        spec,
        trend,
        seeds,
        seed_rule,
        *,
        steps_per_bin,
        seeds_in_trend,
        loss,
        method,
        n_runs,
        condition_on_takeoff,
        takeoff,
        root,
        n_jobs,
        bootstrap_runs,
    ):
        self.spec = spec
        self.graph = spec.graph
        self.trend = trend
        self.y = np.asarray(trend.counts, dtype=np.float64)
        self.n_bins = self.n_obs = self.y.size
        self.observed_total = float(self.y.sum())
        self.seeds = seeds
        self.seed_rule = seed_rule
        self.steps_per_bin = steps_per_bin
        self.seeds_in_trend = seeds_in_trend
        self.loss_name = loss
        self.method = method
        self.n_runs = n_runs
        self.condition_on_takeoff = condition_on_takeoff
        self.takeoff = takeoff
        self.root = root
        self.n_jobs = n_jobs
        self.bootstrap_runs = bootstrap_runs
        self.model = spec.model_name
        self.names = spec.names
        self.logs = spec.logs
        self.bounds_x = [
            (math.log(lo), math.log(hi)) if lg else (lo, hi)
            for (lo, hi), lg in zip(spec.bounds, spec.logs, strict=True)
        ]
        self.n_sim = 0
        self._pred = {}
        self.dispersion = math.inf  # NB2 dispersion of the counts (loss "negbin")

    def _threads(self):
        return thread_count(self.n_jobs)

    # ----------------------------------------------------------- curves
    def _n_steps(self, n_bins):
        """Steps (step 0 included) that `n_bins` bins need."""
        return n_bins * self.steps_per_bin + (0 if self.seeds_in_trend else 1)

    def _bins(self, steps, n_bins):
        """Per-run counts per bin from per-run counts per step.

        Bin b holds steps ``b * spb .. (b + 1) * spb - 1``, or, when the seeds are not in
        the trend (active before it starts), steps ``1 + b * spb .. (b + 1) * spb``.
        """
        spb = self.steps_per_bin
        first = 0 if self.seeds_in_trend else 1
        need = self._n_steps(n_bins)
        if steps.shape[1] < need:
            steps = np.pad(steps, ((0, 0), (0, need - steps.shape[1])))
        window = steps[:, first:need]
        return window.reshape(steps.shape[0], n_bins, spb).sum(axis=2).astype(np.float64)

    def _took_off(self, runs):
        if not self.condition_on_takeoff:
            return np.ones(runs.shape[0], dtype=bool)
        total = runs[:, : self.n_bins].sum(axis=1)
        return total >= self.takeoff * self.observed_total

    def _mean(self, runs):
        took = self._took_off(runs)
        return runs[took].mean(axis=0) if took.any() else runs.mean(axis=0)

    def curve_at(self, x, method=None, n_runs=None, root=None):
        """Expected counts per observed bin at fitting-scale point `x`."""
        theta = self.to_natural(x)
        n_steps = self._n_steps(self.n_bins)
        if (method or self.method) == "dmp":
            new = self.spec.surrogate(theta, self.seeds, n_steps, self._threads())
            return self._bins(new[None, :], self.n_bins)[0]
        n_runs = self.n_runs if n_runs is None else n_runs
        steps = self.spec.curves(
            theta,
            self.seeds,
            n_runs,
            n_steps,
            self.root if root is None else root,
            self._threads(),
        )
        self.n_sim += n_runs
        return self._mean(self._bins(steps, self.n_bins))

    def nll(self, x):
        return _loss(self.loss_name, self.y, self.curve_at(x))

    # ---------------------------------------------------------- fitting
    def solve(self, x0=None, width=None, method=None, n_runs=None, root=None):
        """Minimise the loss from `x0` (or from the surrogate's fit); (x, loss, nit, nfev)."""
        method = method or self.method
        nit = nfev = 0
        if (
            x0 is None
            and method == "mc"
            and self.spec.has_surrogate
            and self.graph.n_edges * self.n_bins * self.steps_per_bin <= _MAX_DMP_WORK
        ):
            x0, _, nit, nfev = self.solve(method="dmp")
            self.x_surrogate = x0
            width = 1.1
        obj = _Objective(
            lambda x: _loss(self.loss_name, self.y, self.curve_at(x, method, n_runs, root)),
            self.bounds_x,
        )
        if x0 is None:
            nit += _minimize(obj, None, None, 17)
        else:
            nit += _minimize(obj, x0, 1.1 if width is None else width, 9)
        x, fun = obj.best()
        return x, fun, nit, nfev + obj.nfev

    def fit(self, *, level, ci, n_resamples, rng, client, progress):
        """Fit, diagnose, optionally bootstrap; returns the `FitResult`."""
        if self.observed_total <= 0:
            return _failed_result(self, 3, TERMINATION_MESSAGES[3], level=level)
        x, fun, nit, nfev = self.solve()
        self.x_hat = x
        p = len(self.names)
        self.cov_x = np.full((p, p), np.inf)
        notes = []
        status = 0
        detail = ""
        hits = []
        for i, (name, (lo, hi)) in enumerate(zip(self.names, self.bounds_x, strict=True)):
            tol = 1e-3 * max(1.0, abs(hi - lo))
            if x[i] - lo <= tol or hi - x[i] <= tol:
                side = "lower" if x[i] - lo <= tol else "upper"
                hits.append(f"`{name}` at its {side} bound ({float(self.to_natural(x)[i]):.4g})")
        if hits:
            status = 2
            detail = ": " + ", ".join(hits)
        diag = self.diagnostics(x)
        diag["nfev"] = nfev
        if self.loss_name == "negbin":
            self.dispersion = diag["dispersion"] = _negbin_dispersion(self.y, diag["fitted"])[0]
        notes.extend(self.notes(x, diag))
        message = TERMINATION_MESSAGES[status] + (detail + "." if status else "")
        theta = self.to_natural(x)
        params = {n: float(v) for n, v in zip(self.names, theta, strict=True)}
        nan_ci = {n: ConfidenceInterval(math.nan, math.nan) for n in self.names}
        result = FitResult(
            model=self.model,
            params=params,
            stderr=dict.fromkeys(self.names, math.nan),
            ci=nan_ci,
            ci_method="none",
            level=level,
            cov=np.full((p, p), np.inf),
            loss_name=self.loss_name,
            loss=float(fun),
            loglik=math.nan,
            aic=math.nan,
            bic=math.nan,
            n_obs=self.n_obs,
            n_params=p,
            success=status == 0,
            status=status,
            message=message,
            nit=nit,
            nfev=nfev,
            warnings=tuple(([message] if status else []) + notes),
            diagnostics=diag,
            _fit=self,
        )
        for note in notes:
            warnings.warn(note, IdentifiabilityWarning, stacklevel=4)
        if status:
            warnings.warn(
                f"{self.model} fit did not succeed: {message} Check the seeds, the bounds or "
                "the time scale (`steps_per_bin`).",
                ConvergenceWarning,
                stacklevel=4,
            )
        if ci in ("auto", "bootstrap") and result.success:
            boot = result.bootstrap(n_resamples, rng=rng, client=client, progress=progress)
            result = _with_bootstrap(result, boot, level)
        return result

    # ------------------------------------------------------ diagnostics
    def diagnostics(self, x):
        theta = self.to_natural(x)
        n_steps = self._n_steps(self.n_bins)
        out = {
            "method": self.method,
            "seeds": self.graph.label_of(self.seeds),
            "seed_rule": self.seed_rule,
            "steps_per_bin": self.steps_per_bin,
            "peak_bin": int(np.argmax(self.y)),
        }
        if self.method == "mc":
            steps = self.spec.curves(
                theta, self.seeds, self.n_runs, n_steps, self.root, self._threads()
            )
            runs = self._bins(steps, self.n_bins)
            total = runs.sum(axis=1)
            took = total >= self.takeoff * self.observed_total
            out["takeoff_rate"] = float(took.mean())
            out["fitted"] = self._mean(runs)
            out["run_totals_quantiles"] = np.quantile(total, [0.05, 0.25, 0.5, 0.75, 0.95])
            if getattr(self, "x_surrogate", None) is not None:
                out["surrogate_params"] = dict(
                    zip(self.names, self.to_natural(self.x_surrogate).tolist(), strict=True)
                )
        else:
            out["fitted"] = self.curve_at(x)
        out["n_sim"] = self.n_sim
        return out

    def notes(self, x, diag):
        """Identifiability notes (FITTING.md §2.2.4)."""
        notes = []
        peak = diag["peak_bin"]
        if peak >= self.n_bins - max(2, self.n_bins // 10):
            notes.append(
                "The trend has not clearly peaked: before the bend only a combination of the "
                "spread rate and the time scale (`steps_per_bin`) is identified"
                + (
                    ", and spontaneous adoption is confounded with network spread"
                    if "external" in self.names
                    else ""
                )
                + "."
            )
        rate = diag.get("takeoff_rate")
        if rate is not None and 0.05 < rate < 0.95 and not self.condition_on_takeoff:
            notes.append(
                f"Only {rate:.0%} of the simulated runs take off at the estimate: the outcome "
                "is bimodal (die-out or outbreak), and a curve that took off is better "
                "compared with runs that took off (`condition_on_takeoff=True`)."
            )
        if self.seed_rule != "given":
            notes.append(
                f"The seeds were placed by the rule {self.seed_rule!r}: the estimate is "
                "conditional on that rule (more or better-placed seeds trade off against a "
                "larger spread rate)."
            )
        return notes

    # ----------------------------------------------------- round trip
    def _model(self, x):
        return self.spec.model(self.to_natural(x))

    def _simulate_runs(self, model, n_runs, n_bins, root):
        """Per-run counts per bin from `spread.simulate` (the public path)."""
        from ..models import simulate

        mask = np.zeros(self.graph.n_nodes, dtype=bool)
        mask[self.seeds] = True
        res = simulate(
            self.graph,
            mask,
            model,
            n_runs=n_runs,
            max_steps=self._n_steps(n_bins) - 1,
            rng=int(root),
            progress=False,
            n_jobs=self.n_jobs,
        )
        return self._bins(res.new_per_step, n_bins)

    def _nearest(self, runs):
        """Runs whose cumulative count at the end of the data is nearest the observed one."""
        total = runs[:, : self.n_bins].sum(axis=1)
        keep = max(1, math.ceil(_NEAREST_FRACTION * runs.shape[0]))
        order = np.argsort(np.abs(total - self.observed_total), kind="stable")
        return order[:keep]

    def predict(self, x, n_total):
        key = tuple(np.round(x, 12))
        runs = self._pred.get(key)
        if runs is None or runs.shape[1] < n_total:
            # Runs are pure functions of (root, run): a longer horizon extends the same
            # runs, so one simulation to the longest horizon asked serves every request.
            n_bins = max(n_total, self.n_bins, 0 if runs is None else 2 * runs.shape[1])
            runs = self._simulate_runs(self._model(x), self.n_runs, n_bins, _derive(self.root, 17))
            self._pred = {key: runs}
        mean = self._mean(runs)
        if n_total > self.n_bins:
            mean[self.n_bins :] = runs[self._nearest(runs), self.n_bins :].mean(axis=0)
        return mean[:n_total]

    def sample(self, x, bins, n, rng, xs=None):
        bins = np.asarray(bins, dtype=np.int64)
        if bins.size == 0:
            return np.empty((n, 0))
        n_bins = max(int(bins.max()) + 1, self.n_bins)
        future = n_bins > self.n_bins
        per = math.ceil(1 / _NEAREST_FRACTION) if future else 1
        groups = [(x, n)] if xs is None else [(xs[r], 1) for r in range(n)]
        if xs is not None and n > 20:  # parameter draws in 20 groups of runs
            size = math.ceil(n / 20)
            groups = [(xs[g * size], min(size, n - g * size)) for g in range(20) if g * size < n]
        out = []
        for xg, ng in groups:
            runs = self._simulate_runs(self._model(xg), ng * per, n_bins, rng.integers(2**63))
            if future:
                runs = runs[self._nearest(runs)[:ng]]
            else:
                runs = runs[:ng]
            out.append(runs)
        paths = np.concatenate(out)[:n][:, bins]
        if math.isfinite(self.dispersion):  # the fitted observation noise around each run
            paths = sample_counts(rng, paths, self.dispersion)
        return paths

    def labels(self, bins):
        return self.trend.bin_labels(bins)

    def observed_counts(self):
        return self.y

    # ------------------------------------------------------- bootstrap
    def replicate(self, rng):
        """One bootstrap replicate: a fresh realisation under the estimate, refitted.

        `rng` (the replicate's own generator) seeds the realisation and the refit's
        common random numbers. Returns the natural parameters, or None.
        """
        theta = self.to_natural(self.x_hat)
        model = self.spec.model(theta)
        data_root, fit_root = rng.integers(0, 2**63, size=2)
        runs = self._simulate_runs(
            model, 64 if self.condition_on_takeoff else 1, self.n_bins, data_root
        )
        took = self._took_off(runs)
        y = runs[int(np.argmax(took))] if took.any() else runs[0]
        if math.isfinite(self.dispersion):
            y = sample_counts(rng, y, self.dispersion)
        sim = self.with_counts(np.maximum(y, 0.0), np.uint64(fit_root))
        if sim.observed_total <= 0:
            return None
        x, _, _, _ = sim.solve(x0=self.x_hat, width=0.7)
        return self.to_natural(x)

    def with_counts(self, y, root):
        """The same problem on other counts (and other fitting streams)."""
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.trend = Trend(y, self.trend.index, freq=self.trend.freq)
        new.y = np.asarray(y, dtype=np.float64)
        new.observed_total = float(new.y.sum())
        new.root = root
        new.n_runs = self.bootstrap_runs
        new._pred = {}
        new.x_hat = None
        return new


def _with_bootstrap(result, boot, level):
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
        ci=boot.ci(level),
        ci_method="bootstrap",
        cov=cov,
        diagnostics=diag,
    )


# ==================================================================== estimators
_MC_PARAMS = """
    loss : {"poisson", "negbin", "squared", "sqrt"}, default "poisson"
        Discrepancy between the observed counts per bin and the expected ones: Poisson
        deviance; negative-binomial (NB2) negative log-likelihood with its dispersion
        ``k`` profiled out; squared error; or squared error of square roots
        (variance-stabilised). With ``"negbin"`` the fitted ``k`` is
        ``result_.diagnostics["dispersion"]``, and `simulate`, `forecast` and the
        bootstrap draw that observation noise around each simulated run. Use it for real
        counts, which vary far more than a large graph's runs do (on the Higgs retweet
        burst, forecasting 24 hours from 24-48 hours of data, the 90% band held 4-17%
        of the held-out hours with the Poisson loss and 75-83% with ``"negbin"``);
        keep ``"poisson"`` when the counts are a run of the model itself, whose
        run-to-run variation the band already holds (``"negbin"`` then counts it
        twice, and its intervals are conservative).
    n_runs : int, default 1000
        Monte Carlo runs per evaluation (``method="mc"``); the same runs (common random
        numbers) at every trial value. Also the runs behind `predict` (any method).
    condition_on_takeoff : bool, default False
        Compare the trend with the mean of the runs that took off only (whose total over
        the observed window reaches `takeoff` times the observed total), for a curve that
        took off when die-outs are common (FITTING.md §2.2.2).
    takeoff : float, default 0.1
        Fraction of the observed total that defines a run that took off.
    ci : {"auto", "bootstrap", "wald", "profile", None}, default "auto"
        How `result_.ci` is computed. Trends: "auto" and "bootstrap" run a parametric
        bootstrap (simulate the process again under the estimate, refit), the only valid
        interval for a simulation fit, whose objective is noisy and piecewise constant
        (no Hessian standard errors, FITTING.md §2.2.4); None skips it (NaN intervals;
        ``result_.bootstrap(...)`` later). Cascades: "auto" is "wald" (from the observed
        information of the exact likelihood), or "profile", "bootstrap".
    level : float, default 0.95
    n_resamples : int, default 100
        Bootstrap replicates.
    bootstrap_runs : int, optional
        Monte Carlo runs per evaluation in the bootstrap refits (default
        ``min(n_runs, 200)``).
    rng : None, int, SeedSequence or Generator
        Fixes every stream: the fitting runs, the bootstrap and the predictions.
    n_jobs : int, optional
        Threads (default: all).
    progress : bool, optional
        Progress bar on the bootstrap (default: when stderr is a terminal).
    client : dask.distributed.Client, optional
        Run the bootstrap replicates on a Dask cluster (same results as locally)."""


class _NetworkEstimator(_Settings, _TrendMethods):
    """Shared plumbing: settings, fitted checks, and delegation to `result_`."""

    # ----------------------------------------------------------- checks
    def _check_common(self):
        check_in(self.loss, name="loss", options=_LOSSES)
        check_int(self.n_runs, name="n_runs", min_value=1)
        if self.ci is not None:
            check_in(self.ci, name="ci", options=("auto", "bootstrap"))
        if not isinstance(self.level, float | int) or not 0 < self.level < 1:
            msg = f"`level` must lie in (0, 1); got {self.level!r}."
            raise InvalidParameterError(msg)
        check_int(self.n_resamples, name="n_resamples", min_value=2)
        if self.bootstrap_runs is not None:
            check_int(self.bootstrap_runs, name="bootstrap_runs", min_value=1)
        t = check_nonnegative_float(self.takeoff, name="takeoff")
        if t > 1:
            msg = f"`takeoff` must be a fraction in [0, 1]; got {self.takeoff!r}."
            raise InvalidParameterError(msg)

    @staticmethod
    def _check_bounds(bounds, name, upper=1.0):
        try:
            lo, hi = (float(b) for b in bounds)
        except (TypeError, ValueError):
            msg = f"`{name}` must be a pair (low, high); got {bounds!r}."
            raise InvalidParameterError(msg) from None
        if not (0 < lo < hi <= upper):
            msg = f"`{name}` must satisfy 0 < low < high <= {upper}; got {bounds!r}."
            raise InvalidParameterError(msg)
        return lo, hi

    def _cascade_fit(self, graph, cascades, fit, **kwargs):
        """A likelihood fit to cascades (``method="mle"``); sets `result_` and returns it."""
        check_in(self.method or "mle", name="method", options=("mle",))
        if cascades.graph is not graph:
            msg = "`data` (Cascades) must be built on `graph`: Cascades.from_frame(..., graph=graph)."
            raise InvalidParameterError(msg)
        result = fit(
            cascades,
            level=self.level,
            ci=_cascade_ci(self.ci),
            n_resamples=self.n_resamples,
            rng=self.rng,
            **kwargs,
        )
        self.result_ = result
        self.n_iter_ = result.nit
        self.graph_ = graph
        return result

    def _trend_fit(self, spec, graph, trend, seeds, steps_per_bin, seeds_in_trend):
        trend = as_trend(trend)
        spb = check_int(steps_per_bin, name="steps_per_bin", min_value=1)
        root = root_seed(self.rng)
        seed_idx, rule = _resolve_seeds(
            graph, seeds, trend.counts, spb, bool(seeds_in_trend), root
        )
        problem = _TrendProblem(
            spec,
            trend,
            seed_idx,
            rule,
            steps_per_bin=spb,
            seeds_in_trend=bool(seeds_in_trend),
            loss=self.loss,
            method=self.method or "mc",
            n_runs=check_int(self.n_runs, name="n_runs", min_value=1),
            condition_on_takeoff=bool(self.condition_on_takeoff),
            takeoff=float(self.takeoff),
            root=root,
            n_jobs=self.n_jobs,
            bootstrap_runs=self.bootstrap_runs or min(self.n_runs, 200),
        )
        result = problem.fit(
            level=float(self.level),
            ci=self.ci,
            n_resamples=self.n_resamples,
            rng=self.rng,
            client=self.client,
            progress=self.progress,
        )
        self.result_ = result
        self.seeds_ = graph.label_of(seed_idx)
        self.n_iter_ = result.nit
        self.graph_ = graph
        return result


def _cascade_ci(ci):
    if ci is None or ci == "auto":
        return "wald"
    return check_in(ci, name="ci", options=("wald", "profile", "bootstrap"))


def _check_graph(graph):
    if not isinstance(graph, Graph):
        msg = f"`graph` must be a spread.Graph; got {type(graph).__name__}."
        raise InvalidParameterError(msg)
    return graph


class ICEstimator(_NetworkEstimator):
    __doc__ = f"""Independent cascade parameters from a trend or from cascades on a known graph.

    From an aggregate **trend** (adopters per bin; ``method="mc"`` or ``"dmp"``) it fits
    one probability ``p`` on every arc (or a ``scale`` on given arc probabilities,
    `base`) and, with ``external=True``, a per-step spontaneous adoption probability
    ``external``, by matching the trend to the expected curve from the seeds.
    ``"mc"``: the mean of `n_runs` Monte Carlo runs with common random numbers (each arc
    is live in run r iff its own uniform, read by index, is below ``p``: the same runs at
    every trial value, so the objective is reproducible and changes by small steps);
    ``"dmp"``: dynamic message passing (`dmp_ic`), deterministic and smooth, exact on
    trees, biased upwards on clustered graphs; ``"mc"`` starts from the ``"dmp"`` fit.
    The search is a grid then a bounded Brent search (Nelder-Mead with two parameters)
    in the log scale.

    From **cascades** (`Cascades` on the graph; ``method="mle"``) it maximises the exact
    likelihood of the observed transmissions (`spread.fit.cascades.fit_ic`): one global
    ``p``, one per target node, or one per arc (`granularity`).

    Parameters
    ----------
    method : {{"mc", "dmp", "mle"}}, optional
        Default: "mc" for a trend, "mle" for cascades.
    external : bool, default False
        Also fit spontaneous adoption (`spread.IC`'s `external`): for trends with
        exogenous input (mass media, trending lists). Identified only when the curve
        shows both an early external phase and a peak.
    base : {{"wc", "trivalency", "weight"}} or array_like, optional
        Arc probabilities to scale (fits ``scale``, ``p_uv = min(1, scale * base_uv)``);
        default: one uniform ``p``.
    bounds : (float, float), optional
        Range searched for ``p`` (default ``(1e-4, 1)``) or for the ``scale`` (default
        ``(1e-3, 1 / min(base))``: past it every arc is live).
    external_bounds : (float, float), default (1e-8, 0.5)
        Range searched for ``external``.
    granularity : {{"global", "node", "edge"}}, default "global"
        Cascades only: one ``p``, one per target node, or one per arc.
    penalty : float, default 0.0
        Cascades only: L2 shrinkage of per-node/per-arc estimates toward the global one.
    {_MC_PARAMS}

    Attributes
    ----------
    p_ : float or numpy.ndarray
        Fitted probability (per arc, in arc order, for node/edge granularity; the scale
        for `base`).
    external_ : float
        Fitted spontaneous adoption probability per step (0.0 when not fitted).
    model_ : spread.IC
        The fitted model: ``spread.simulate(graph, seeds_, est.model_, ...)`` replays it.
    seeds_ : numpy.ndarray
        Seed labels used (given, or placed by the rule).
    result_ : FitResult
        Parameters, intervals, status, diagnostics (``"takeoff_rate"``, ``"fitted"``,
        ``"surrogate_params"``, ``"n_sim"``, ``"bootstrap"``, ...).

    Notes
    -----
    Identifiability (FITTING.md §2.2.4), reported as warnings in `result_.warnings`:
    the spread rate and the time scale (`steps_per_bin`) trade off before the curve
    bends; seeds placed by a rule trade off against ``p``; when die-outs are common the
    outcome is bimodal (`condition_on_takeoff`); spontaneous and network adoption are
    confounded before the peak. The fitted ``p`` is an effective parameter of this model
    on this graph: do not compare it across graphs of different density.

    Examples
    --------
    >>> import spread
    >>> from spread.fit import ICEstimator
    >>> g = spread.datasets.load("karate")
    >>> truth = spread.simulate(g, [0], spread.IC(p=0.3), n_runs=1, max_steps=7, rng=0)
    >>> counts = truth.new_per_step[0]  # one observed cascade: adopters per step
    >>> counts.tolist()
    [1, 3, 3, 1, 1, 1, 1, 4]
    >>> est = ICEstimator(n_runs=500, ci=None, rng=0).fit(g, counts, seeds=[0])
    >>> round(est.p_, 3)
    0.302
    >>> est.model_
    IC(p=0.302...)

    Counts noisier than Poisson ones (hourly social data) call for the negative-binomial
    loss; `simulate` and `forecast` then draw its fitted dispersion around each run:

    >>> nb = ICEstimator(loss="negbin", n_runs=500, ci=None, rng=0).fit(g, counts, seeds=[0])
    >>> round(nb.p_, 3), round(nb.result_.diagnostics["dispersion"], 1)
    (0.314, 2.1)
    """

    def __init__(
        self,
        method=None,
        *,
        loss="poisson",
        n_runs=1000,
        external=False,
        base=None,
        bounds=None,
        external_bounds=(1e-8, 0.5),
        condition_on_takeoff=False,
        takeoff=0.1,
        granularity="global",
        penalty=0.0,
        ci="auto",
        level=0.95,
        n_resamples=100,
        bootstrap_runs=None,
        rng=None,
        n_jobs=None,
        progress=None,
        client=None,
    ):
        self.method = method
        self.loss = loss
        self.n_runs = n_runs
        self.external = external
        self.base = base
        self.bounds = bounds
        self.external_bounds = external_bounds
        self.condition_on_takeoff = condition_on_takeoff
        self.takeoff = takeoff
        self.granularity = granularity
        self.penalty = penalty
        self.ci = ci
        self.level = level
        self.n_resamples = n_resamples
        self.bootstrap_runs = bootstrap_runs
        self.rng = rng
        self.n_jobs = n_jobs
        self.progress = progress
        self.client = client

    def fit(self, graph, data, seeds=None, *, steps_per_bin=1, seeds_in_trend=True, dt=None):
        """Fit to a trend (with seeds) or to cascades; returns self.

        Parameters
        ----------
        graph : Graph
        data : Trend, pandas.Series, array_like or Cascades
            New adopters per bin, or timed adoptions on `graph`.
        seeds : labels, boolean mask or str
            Trend only. The seed nodes (active at step 0), or a declared rule placing
            them: ``"top-degree:k"``, ``"pagerank:k"``, ``"random:k"`` (drawn from `rng`);
            without ``:k`` the rule takes as many seeds as the first bin's count (needs
            ``steps_per_bin=1`` and `seeds_in_trend`).
        steps_per_bin : int, default 1
            Cascade steps per trend bin (the time scale: declared, not fitted).
        seeds_in_trend : bool, default True
            True: bin 0 starts at step 0 and counts the seeds. False: the seeds were
            active before the trend starts, and bin 0 holds steps 1 .. `steps_per_bin`.
        dt : float, str or pandas.Timedelta, optional
            Cascades only: the bin width turning timestamps into steps (not needed when
            the times already are integer steps).

        Returns
        -------
        self

        Raises
        ------
        InvalidParameterError
            A setting out of range, an empty trend, a method that does not match the
            data, or seeds that are not in the graph (`NodeNotFound`).
        """
        graph = _check_graph(graph)
        if isinstance(data, Cascades):
            return self._fit_cascades(graph, data, dt)
        method = self.method or "mc"
        check_in(method, name="method", options=("mc", "dmp"))
        self._check_common()
        bounds = None
        if self.bounds is not None:
            upper = np.inf if self.base is not None else 1.0
            bounds = self._check_bounds(self.bounds, "bounds", upper=upper)
        ext = (
            self._check_bounds(self.external_bounds, "external_bounds") if self.external else None
        )
        spec = _ICSpec(graph, self.base, bool(self.external), bounds, ext)
        result = self._trend_fit(spec, graph, data, seeds, steps_per_bin, seeds_in_trend)
        theta = [result.params[n] for n in spec.names]
        self.p_ = float(theta[0])
        self.external_ = float(theta[1]) if self.external else 0.0
        self.model_ = spec.model(np.array(theta)) if np.all(np.isfinite(theta)) else None
        return self

    def _fit_cascades(self, graph, cascades, dt):
        from ..models import IC
        from . import cascades as _cascades

        result = self._cascade_fit(
            graph,
            cascades,
            _cascades.fit_ic,
            dt=dt,
            granularity=self.granularity,
            penalty=self.penalty,
        )
        self.external_ = 0.0
        arc = result.diagnostics.get("arc_p")
        self.p_ = (
            np.asarray(arc)
            if arc is not None and self.granularity != "global"
            else result.params["p"]
        )
        ok = np.all(np.isfinite(self.p_))
        self.model_ = IC(p=self.p_) if ok else None
        return self


class LTEstimator(_NetworkEstimator):
    __doc__ = f"""Linear threshold parameters from a trend or from cascades on a known graph.

    With fixed weights and uniform thresholds LT has no free parameter, so a trend can
    identify one scalar of the threshold law (FITTING.md §2.2.3): ``parameter="scale"``
    fits ``c`` in ``b_uv = c * w_uv`` (uniform thresholds; ``c`` in (0, 1] keeps every
    in-weight sum at most 1 when the `weights` sum to 1, as weighted cascade does);
    ``parameter="threshold_mean"`` fits the mean ``mu`` of Beta thresholds with a fixed
    `concentration` ``a + b`` (2 and ``mu = 0.5`` is the uniform law). Monte Carlo with
    common random numbers: node v's threshold in run r is a fixed quantile of its own
    uniform, so runs change monotonically with the parameter.

    From **cascades** (``method="mle"``) it fits the threshold law by interval-censored
    maximum likelihood (`spread.fit.cascades.fit_lt`).

    Parameters
    ----------
    method : {{"mc", "mle"}}, optional
        Default: "mc" for a trend, "mle" for cascades.
    parameter : {{"scale", "threshold_mean"}}, default "scale"
    weights : {{"wc", "weight"}} or array_like, default "wc"
        The arc weights ``w_uv`` (as in `spread.LT`).
    concentration : float, default 2.0
        ``a + b`` of the Beta threshold law (``parameter="threshold_mean"``).
    threshold : {{"beta", "power"}}, default "beta"
        Cascades only: the threshold family fitted by `fit_lt` (Beta(a, b), or
        Beta(a, 1) with ``F(w) = w^a``).
    bounds : (float, float), optional
        Range searched (default ``(1e-3, 1.0)`` for the scale, ``(0.01, 0.99)`` for the
        mean).
    {_MC_PARAMS}

    Attributes
    ----------
    params_ : dict
        The fitted scalar(s).
    model_ : spread.LT
    seeds_, result_
        As for `ICEstimator`.

    Examples
    --------
    >>> import spread
    >>> from spread.fit import LTEstimator
    >>> g = spread.datasets.load("karate")
    >>> w = spread.weights.weighted_cascade(g) * 0.6  # in-weights sum to 0.6
    >>> truth = spread.simulate(g, [0, 33], spread.LT(weights=w), n_runs=1, max_steps=6, rng=4)
    >>> counts = truth.new_per_step[0]
    >>> counts.tolist()
    [2, 6, 3, 1]
    >>> est = LTEstimator(n_runs=400, ci=None, rng=0).fit(g, counts, seeds=[0, 33])
    >>> round(est.params_["scale"], 2)
    0.7
    """

    def __init__(
        self,
        method=None,
        *,
        parameter="scale",
        weights="wc",
        concentration=2.0,
        threshold="beta",
        loss="poisson",
        n_runs=1000,
        bounds=None,
        condition_on_takeoff=False,
        takeoff=0.1,
        ci="auto",
        level=0.95,
        n_resamples=100,
        bootstrap_runs=None,
        rng=None,
        n_jobs=None,
        progress=None,
        client=None,
    ):
        self.method = method
        self.parameter = parameter
        self.weights = weights
        self.concentration = concentration
        self.threshold = threshold
        self.loss = loss
        self.n_runs = n_runs
        self.bounds = bounds
        self.condition_on_takeoff = condition_on_takeoff
        self.takeoff = takeoff
        self.ci = ci
        self.level = level
        self.n_resamples = n_resamples
        self.bootstrap_runs = bootstrap_runs
        self.rng = rng
        self.n_jobs = n_jobs
        self.progress = progress
        self.client = client

    def fit(self, graph, data, seeds=None, *, steps_per_bin=1, seeds_in_trend=True, dt=None):
        """Fit to a trend (with seeds) or to cascades; returns self.

        Parameters are those of `ICEstimator.fit`.

        Returns
        -------
        self
        """
        graph = _check_graph(graph)
        if isinstance(data, Cascades):
            return self._fit_cascades(graph, data, dt)
        method = self.method or "mc"
        check_in(method, name="method", options=("mc",))
        self._check_common()
        check_in(self.parameter, name="parameter", options=("scale", "threshold_mean"))
        if self.parameter == "scale":
            bounds = self._check_bounds(self.bounds or (1e-3, 1.0), "bounds")
        else:
            bounds = self._check_bounds(self.bounds or (0.01, 0.99), "bounds")
            if bounds[1] >= 1.0:
                msg = (
                    f"`bounds` of the threshold mean must lie inside (0, 1); got {self.bounds!r}."
                )
                raise InvalidParameterError(msg)
        conc = check_nonnegative_float(self.concentration, name="concentration", allow_zero=False)
        spec = _LTSpec(graph, self.weights, self.parameter, conc, bounds)
        result = self._trend_fit(spec, graph, data, seeds, steps_per_bin, seeds_in_trend)
        self.params_ = dict(result.params)
        theta = np.array([result.params[n] for n in spec.names])
        self.model_ = spec.model(theta) if np.all(np.isfinite(theta)) else None
        return self

    def _fit_cascades(self, graph, cascades, dt):
        from ..models import LT
        from . import cascades as _cascades

        result = self._cascade_fit(
            graph,
            cascades,
            _cascades.fit_lt,
            dt=dt,
            weights=self.weights,
            threshold=self.threshold,
        )
        self.params_ = dict(result.params)
        a, b = result.params.get("a"), result.params.get("b", 1.0)  # "power": Beta(a, 1)
        self.model_ = (
            LT(weights=self.weights, threshold_law=("beta", a, b))
            if a is not None and b is not None and np.isfinite([a, b]).all()
            else None
        )
        return self


# ========================================================================== heat
class _HeatProblem(_Problem):
    """Heat ``beta`` from a thresholded trend (counts) or from observed node states."""

    model = "heat"

    def __init__(
        self,
        graph,
        f0,
        template,
        *,
        trend,
        states,
        times,
        time_per_bin,
        seeds_in_trend,
        loss,
        bounds,
        n_jobs,
    ):
        self.graph = graph
        self.f0 = f0
        self.template = template  # a Heat model: kind, threshold, tol
        self.trend = trend
        self.states = states  # (n_times, n_observed) or None
        self.times = times
        self.time_per_bin = time_per_bin
        self.seeds_in_trend = seeds_in_trend
        self.loss_name = loss
        self.dispersion = math.inf  # NB2 dispersion of the counts (loss "negbin")
        self.names = ("beta",)
        self.logs = np.array([True])
        self.bounds_x = [(math.log(bounds[0]), math.log(bounds[1]))]
        self.n_jobs = n_jobs
        if trend is not None:
            self.y = np.asarray(trend.counts, dtype=np.float64)
            self.n_bins = self.n_obs = self.y.size
            self.observed_total = float(self.y.sum())
        else:
            self.observed_index, self.y_states = states
            self.n_bins = 0
            self.n_obs = self.y_states.size
            self.observed_total = float(np.abs(self.y_states).sum())

    def heat_model(self, beta):
        from ..models import Heat

        t = self.template
        return Heat(
            beta=float(beta),
            kind=t.kind,
            threshold=t.threshold,
            source_heat=t.source_heat,
            tol=t.tol,
        )

    def _heat(self, beta, times, keep="all"):
        from ..models import solve

        return solve(
            self.graph, self.f0, self.heat_model(beta), times=times, keep=keep, n_jobs=self.n_jobs
        )

    def counts(self, beta, n_bins):
        """New adopters per bin: bin b ends at time ``b * dt`` (``(b + 1) * dt`` when the
        seeds are not in the trend, so that bin 0 is the first interval)."""
        first = 0 if self.seeds_in_trend else 1
        times = np.arange(n_bins + first) * self.time_per_bin
        cum = self._heat(beta, times, keep="summary").adopted.astype(np.float64)
        return np.diff(cum, prepend=0.0)[first:]

    def nll(self, x):
        beta = math.exp(float(x[0]))
        if self.trend is not None:
            return _loss(self.loss_name, self.y, self.counts(beta, self.n_bins))
        res = self._heat(beta, self.times)
        return float(np.sum((res.heat[:, self.observed_index] - self.y_states) ** 2))

    def solve(self, x0=None, width=None):
        obj = _Objective(self.nll, self.bounds_x)
        nit = _minimize(obj, x0, width, 25 if x0 is None else 9)
        x, fun = obj.best()
        return x, fun, nit, obj.nfev

    # FitResult hooks (trend fits)
    def predict(self, x, n_total):
        return self.counts(math.exp(float(x[0])), n_total)

    def sample(self, x, bins, n, rng, xs=None):
        bins = np.asarray(bins, dtype=np.int64)
        n_total = int(bins.max()) + 1 if bins.size else 0
        if xs is None:  # one curve: every path is noise around it
            mu = self.predict(x, n_total)[bins]
            return sample_counts(rng, np.broadcast_to(mu, (n, bins.size)), self.dispersion)
        out = np.empty((n, bins.size))
        for r in range(n):
            out[r] = sample_counts(rng, self.predict(xs[r], n_total)[bins], self.dispersion)
        return out

    def labels(self, bins):
        return self.trend.bin_labels(bins) if self.trend is not None else pd.Index(bins)

    def observed_counts(self):
        return self.y if self.trend is not None else None

    def jacobian(self, beta):
        """d heat / d beta at the observed entries: ``t H x(t)``."""
        H = self.template.operator(self.graph)
        res = self._heat(beta, self.times)
        J = np.stack([t * (H @ res.heat[k]) for k, t in enumerate(self.times)])
        return J[:, self.observed_index], res.heat[:, self.observed_index]

    def replicate(self, rng):
        """One bootstrap replicate: new data from the fit (Poisson or NB counts, Gaussian states)."""
        x_hat, sigma = self.x_hat, self.sigma
        beta = math.exp(float(x_hat[0]))
        if self.trend is not None:
            y = sample_counts(rng, self.counts(beta, self.n_bins), self.dispersion)
            if y.sum() <= 0:
                return None
            sim = self.with_data(Trend(y, self.trend.index, freq=self.trend.freq), None)
        else:
            fitted = self._heat(beta, self.times).heat[:, self.observed_index]
            y = fitted + rng.normal(0.0, sigma, size=fitted.shape)
            sim = self.with_data(None, (self.observed_index, y))
        x, _, _, _ = sim.solve(x0=x_hat, width=0.5)
        return np.exp(x)

    def with_data(self, trend, states):
        new = object.__new__(type(self))
        new.__dict__.update(self.__dict__)
        new.trend = trend
        if trend is not None:
            new.y = np.asarray(trend.counts, dtype=np.float64)
            new.observed_total = float(new.y.sum())
        else:
            new.observed_index, new.y_states = states
        return new


def _heat_bounds(rate, t_max):
    """Default search range of beta: ``beta * t_max * rate`` from 1e-3 to 1e2."""
    scale = 1.0 / max(rate * t_max, 1e-300)
    return 1e-3 * scale, 1e2 * scale


def _node_states(graph, data, times):
    """(observed node indices, values (n_times, n_observed), times) from an array or frame."""
    if isinstance(data, pd.DataFrame):
        idx = graph.index_of(list(data.columns))
        values = data.to_numpy(dtype=np.float64)
        t = data.index.to_numpy(dtype=np.float64) if times is None else np.asarray(times, float)
    else:
        values = np.asarray(data, dtype=np.float64)
        if values.ndim != 2 or values.shape[1] != graph.n_nodes:
            msg = (
                "node states must be a 2-d array (n_times, n_nodes) or a DataFrame indexed by "
                f"time with node labels as columns; got shape {values.shape}."
            )
            raise InvalidParameterError(msg)
        idx = np.arange(graph.n_nodes)
        t = None if times is None else np.asarray(times, dtype=np.float64)
    if t is None:
        msg = "`times` is required with an array of node states: the time of every row."
        raise InvalidParameterError(msg)
    if t.shape != (values.shape[0],) or not (np.isfinite(t).all() and (t >= 0).all()):
        msg = f"`times` must hold one finite time >= 0 per row ({values.shape[0]}); got {t!r}."
        raise InvalidParameterError(msg)
    if not np.isfinite(values).all():
        msg = "node states must be finite; got NaN or inf."
        raise InvalidParameterError(msg)
    return idx, values, t


class HeatEstimator(_NetworkEstimator):
    """Heat-diffusion rate ``beta`` from node states or from a thresholded trend.

    The model is `spread.Heat`: ``f(t) = exp(beta t H) f(0)`` from heat on the seeds.
    Only ``beta * t`` is identified: ``beta`` is per unit of `time_per_bin` (trends) or
    of the given `times` (node states).

    - **Node states** (``fit(graph, states, seeds, times=...)``: observed heat of all or
      some nodes at several times) are fitted by least squares, a smooth 1-d problem
      (grid, then bounded Brent in ``log beta``); intervals are Wald from the
      Gauss-Newton information ``sum ||t H f(t)||^2 / sigma^2`` or, with
      ``ci="bootstrap"``, a parametric bootstrap with Gaussian noise of the residual
      scale.
    - A **trend** needs an explicit read-out (FITTING.md §2.2.1): a node has adopted once
      its heat reaches `threshold`; the adopters counted at times ``0, dt, 2 dt, ...``
      (``dt = time_per_bin``) give new adopters per bin. The count curve is piecewise
      constant in ``beta``, so the search is a fine grid then a bounded search;
      intervals come from a parametric bootstrap with Poisson counts.

    Parameters
    ----------
    threshold : float, optional
        Adoption read-out (required for trends).
    kind : {"undirected", "directed", "normalized"}, optional
        As in `spread.Heat`.
    source_heat : float, default 1.0
        Heat placed on each seed (when `seeds` are labels).
    time_per_bin : float, default 1.0
        Model time per trend bin.
    loss : {"poisson", "negbin", "squared", "sqrt"}, default "poisson"
        Trend fits only; as for `ICEstimator` (``"negbin"``: counts drawn by
        `simulate`, `forecast` and the bootstrap are negative binomial around the
        heat curve, with the fitted dispersion).
    bounds : (float, float), optional
        Range searched for ``beta``. Default: ``(1e-3, 1e2) / (t_max * d)``, with
        ``t_max`` the last observed time and ``d`` the mean rate at which a node loses
        heat (its mean degree for ``kind="undirected"``): from almost no spread to far
        past equilibrium. (A wider range costs time: the work per evaluation grows with
        ``beta * t_max * max_degree``.)
    ci : {"auto", "wald", "bootstrap", None}, default "auto"
        "auto": "wald" for node states, "bootstrap" for trends; None computes no
        interval (for node states the Wald one costs nothing and is kept).
    level : float, default 0.95
    n_resamples : int, default 100
    rng, n_jobs, progress, client
        As for `ICEstimator`.

    Attributes
    ----------
    beta_ : float
    model_ : spread.Heat
    result_ : FitResult

    Examples
    --------
    >>> import numpy as np, spread
    >>> from spread.fit import HeatEstimator
    >>> g = spread.datasets.load("karate")
    >>> times = [0.5, 1.0, 2.0]
    >>> states = spread.solve(g, [0, 33], spread.Heat(beta=0.3), times=times).heat
    >>> noisy = states + np.random.default_rng(0).normal(0, 0.001, states.shape)
    >>> est = HeatEstimator().fit(g, noisy, seeds=[0, 33], times=times)
    >>> round(est.beta_, 3)
    0.3
    """

    def __init__(
        self,
        *,
        threshold=None,
        kind=None,
        source_heat=1.0,
        time_per_bin=1.0,
        loss="poisson",
        bounds=None,
        ci="auto",
        level=0.95,
        n_resamples=100,
        rng=None,
        n_jobs=None,
        progress=None,
        client=None,
    ):
        self.threshold = threshold
        self.kind = kind
        self.source_heat = source_heat
        self.time_per_bin = time_per_bin
        self.loss = loss
        self.bounds = bounds
        self.ci = ci
        self.level = level
        self.n_resamples = n_resamples
        self.rng = rng
        self.n_jobs = n_jobs
        self.progress = progress
        self.client = client

    def fit(self, graph, data, seeds=None, *, times=None, seeds_in_trend=True):
        """Fit ``beta``; returns self.

        Parameters
        ----------
        graph : Graph
        data : Trend, pandas.Series, array_like of counts, 2-d array or DataFrame
            A trend (needs `threshold`), or node states: an array ``(n_times, n_nodes)``
            with `times`, or a DataFrame indexed by time with node labels as columns
            (some nodes only is fine), like `HeatResult.heat_frame()`.
        seeds : labels, dict or float array
            The initial heat (required: an unknown source makes the problem ill-posed).
        times : array_like, optional
            The time of every row of a node-state array.
        seeds_in_trend : bool, default True
            Whether the first bin counts the seeds (trends).

        Returns
        -------
        self
        """
        from ..models import Heat

        graph = _check_graph(graph)
        if seeds is None:
            msg = "`seeds` is required for heat: the initial heat (labels, {label: heat} or a vector)."
            raise InvalidParameterError(msg)
        if self.bounds is not None:
            lo, hi = self._check_bounds(self.bounds, "bounds", upper=np.inf)
        if not isinstance(self.level, float | int) or not 0 < self.level < 1:
            msg = f"`level` must lie in (0, 1); got {self.level!r}."
            raise InvalidParameterError(msg)
        is_states = isinstance(data, pd.DataFrame) or (
            not isinstance(data, Trend | pd.Series) and np.ndim(data) == 2
        )
        ci = "none" if self.ci is None else self.ci
        check_in(ci, name="ci", options=("auto", "wald", "bootstrap", "none"))
        if ci == "auto":
            ci = "wald" if is_states else "bootstrap"
        template = Heat(
            beta=1.0, kind=self.kind, threshold=self.threshold, source_heat=self.source_heat
        )
        f0 = template.initial_heat(graph, seeds)
        dtb = check_nonnegative_float(self.time_per_bin, name="time_per_bin", allow_zero=False)
        rate = float(np.mean(template._cached_parts(graph)[3])) or 1.0
        if is_states:
            idx, values, t = _node_states(graph, data, times)
            if self.bounds is None:
                lo, hi = _heat_bounds(rate, float(t.max()))
            problem = _HeatProblem(
                graph,
                f0,
                template,
                trend=None,
                states=(idx, values),
                times=t,
                time_per_bin=dtb,
                seeds_in_trend=True,
                loss="squared",
                bounds=(lo, hi),
                n_jobs=self.n_jobs,
            )
        else:
            if self.threshold is None:
                msg = (
                    "a trend needs a read-out: give `threshold` (a node has adopted once its "
                    "heat reaches it)."
                )
                raise InvalidParameterError(msg)
            check_in(self.loss, name="loss", options=_LOSSES)
            trend = as_trend(data)
            if self.bounds is None:
                lo, hi = _heat_bounds(rate, max(trend.n_bins - 1, 1) * dtb)
            problem = _HeatProblem(
                graph,
                f0,
                template,
                trend=trend,
                states=None,
                times=None,
                time_per_bin=dtb,
                seeds_in_trend=bool(seeds_in_trend),
                loss=self.loss,
                bounds=(lo, hi),
                n_jobs=self.n_jobs,
            )
        if problem.observed_total <= 0:
            result = _failed_result(problem, 3, TERMINATION_MESSAGES[3], level=float(self.level))
        else:
            result = self._fit_problem(problem, is_states, ci)
        self.result_ = result
        self.beta_ = result.params["beta"]
        self.n_iter_ = result.nit
        self.model_ = problem.heat_model(self.beta_) if np.isfinite(self.beta_) else None
        self.graph_ = graph
        return self

    def _fit_problem(self, problem, is_states, ci):
        level = float(self.level)
        x, fun, nit, nfev = problem.solve()
        problem.x_hat = x
        beta = math.exp(float(x[0]))
        lo, hi = problem.bounds_x[0]
        status = 2 if (x[0] - lo < 1e-3 or hi - x[0] < 1e-3) else 0
        message = TERMINATION_MESSAGES[status] + (
            f": `beta` at its {'lower' if x[0] - lo < 1e-3 else 'upper'} bound ({beta:.4g})."
            if status
            else ""
        )
        diag = {"n_terms": None}
        se = math.nan
        cov_x = np.full((1, 1), np.inf)
        sigma = math.nan
        if is_states:
            J, fitted = problem.jacobian(beta)
            dof = max(problem.n_obs - 1, 1)
            sigma = math.sqrt(fun / dof)
            info = float(np.sum(J * J)) / max(sigma * sigma, 1e-300)
            if info > 0 and status == 0:
                se = 1.0 / math.sqrt(info)
                cov_x = np.array([[(se / beta) ** 2]])
            diag.update({"residual_sd": sigma, "fitted_states": fitted, "rss": fun})
        else:
            fitted = problem.counts(beta, problem.n_bins)
            diag.update({"fitted": fitted})
            if problem.loss_name == "negbin":
                problem.dispersion = diag["dispersion"] = _negbin_dispersion(problem.y, fitted)[0]
        problem.cov_x = cov_x
        from statistics import NormalDist

        z = NormalDist().inv_cdf(0.5 + level / 2)
        ci_map = {"beta": ConfidenceInterval(beta - z * se, beta + z * se)}
        result = FitResult(
            model="heat",
            params={"beta": beta},
            stderr={"beta": se},
            ci=ci_map,
            ci_method="wald" if np.isfinite(se) else "none",
            level=level,
            cov=np.array([[se * se]]) if np.isfinite(se) else np.full((1, 1), np.inf),
            loss_name=problem.loss_name,
            loss=float(fun),
            loglik=math.nan,
            aic=math.nan,
            bic=math.nan,
            n_obs=problem.n_obs,
            n_params=1,
            success=status == 0,
            status=status,
            message=message,
            nit=nit,
            nfev=nfev,
            warnings=(message,) if status else (),
            diagnostics=diag,
            _fit=problem,
        )
        if status:
            warnings.warn(f"heat fit did not succeed: {message}", ConvergenceWarning, stacklevel=3)
        problem.sigma = sigma
        if ci == "bootstrap" and status == 0:
            n = check_int(self.n_resamples, name="n_resamples", min_value=2)
            boot = result.bootstrap(n, rng=self.rng, client=self.client, progress=self.progress)
            result = _with_bootstrap(result, boot, level)
        return result

    def predict_states(self, times):
        """Heat of every node at `times` under the fitted ``beta`` (rows: times)."""
        from ..models import solve

        self._check_fitted("predict_states")
        return solve(self.graph_, self.result_._fit.f0, self.model_, times=times).heat
