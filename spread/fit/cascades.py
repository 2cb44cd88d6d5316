"""Likelihood fits of IC and LT from cascades on a known graph (FITTING.md §2.3–2.4).

`fit_ic` maximises the exact IC likelihood of the transmission trials (one global
``p``, or one ``p`` per target node or per arc by the concave per-node problems);
`fit_lt` fits the law of the LT thresholds to the interval-censored brackets;
`exposure_curve` is the model-free "IC or LT?" check; `simulate_cascades` makes
discrete-step cascades with `spread.simulate`, the same code path users fit.
"""

import inspect
import itertools
import math
import numbers
import warnings
from dataclasses import replace

import numpy as np
import pandas as pd

from .._common import ConfidenceInterval
from .._validation import check_in, check_int, check_nonnegative_float
from ..cascades import Cascades
from ..exceptions import ConvergenceWarning, InvalidParameterError
from ..graph import Graph
from ._engine import _failed_result, _Problem, fit_problem
from ._statistics import brackets, exposures, trial_groups

__all__ = ["exposure_curve", "fit_ic", "fit_lt", "simulate_cascades"]

_P_MIN = 1e-9  # bounds of a probability fitted in the log scale
_P_MAX = 1.0 - 1e-9
_THETA_MAX = -math.log1p(-_P_MAX)  # theta = -log(1 - p) at _P_MAX
_GRANULARITIES = ("global", "node", "edge")
_CI = ("wald", "profile", "bootstrap")


# ================================================================= validation
def _check_cascades(cascades, what):
    if not isinstance(cascades, Cascades):
        msg = f"`cascades` must be a spread.fit.Cascades; got {type(cascades).__name__}."
        raise InvalidParameterError(msg)
    if cascades.graph is None:
        msg = (
            f"`cascades` must carry the graph for `{what}`; build them with "
            "`Cascades.from_frame(..., graph=g)`."
        )
        raise InvalidParameterError(msg)
    return cascades.graph


def _resolve_dt(cascades, dt):
    """The step width for `Cascades.to_steps`: `dt`, or 1 when times already are steps."""
    if dt is not None:
        if isinstance(dt, bool) or not isinstance(dt, numbers.Real | str | pd.Timedelta):
            msg = f"`dt` must be a positive number or a time span such as '1h'; got {dt!r}."
            raise InvalidParameterError(msg)
        if isinstance(dt, str | pd.Timedelta):
            try:
                seconds = pd.Timedelta(dt) / pd.Timedelta("1s")
            except (TypeError, ValueError):
                msg = f"`dt` must be a positive number or a time span such as '1h'; got {dt!r}."
                raise InvalidParameterError(msg) from None
            if not seconds > 0:
                msg = f"`dt` must be a positive time span; got {dt!r}."
                raise InvalidParameterError(msg)
            return seconds
        return check_nonnegative_float(dt, name="dt", allow_zero=False)
    if cascades.origin is not None:
        msg = (
            "`dt` is required for datetime cascade times: pass `dt=` (the generation "
            "length, e.g. dt='1h'); got dt=None."
        )
        raise InvalidParameterError(msg)
    rel = cascades.relative_times()
    bad = rel != np.floor(rel)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        row = cascades.data["row"].iloc[i]
        msg = (
            "`dt` must be given when cascade times are not whole steps: got dt=None and "
            f"time {float(cascades.data['time'].iloc[i])!r} (row {row!r}). Pass `dt=` (the "
            "generation length) to bin the times into steps."
        )
        raise InvalidParameterError(msg)
    return 1.0


def _check_common(level, ci, n_resamples, max_iter):
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        msg = f"`level` must lie in (0, 1); got {level!r}."
        raise InvalidParameterError(msg)
    ci = check_in(ci, name="ci", options=_CI)
    n_resamples = check_int(n_resamples, name="n_resamples", min_value=1)
    max_iter = check_int(max_iter, name="max_iter", min_value=1)
    return float(level), ci, n_resamples, max_iter


def _seed_sets(cascades, dt):
    """Index arrays of the first-step adopters of every cascade (in cascade order)."""
    casc_ptr, nodes, steps, _ = cascades.generations(dt)
    return [nodes[a:b][steps[a:b] == 0] for a, b in itertools.pairwise(casc_ptr)]


# ================================================================= simulation
def _simulate_many(graph, model_for, seed_sets, roots, max_steps):
    """One `spread.simulate` run per seed set, run ``i`` with root ``roots[i]`` -> Cascades."""
    from ..models import simulate

    parts_c, parts_v, parts_t = [], [], []
    for i, seeds in enumerate(seed_sets):
        res = simulate(
            graph,
            list(graph.label_of(np.asarray(seeds, dtype=np.int64))),
            model_for(i),
            n_runs=1,
            max_steps=max_steps,
            rng=int(roots[i]),
            n_jobs=1,
            keep_times=True,
        )
        times = res.activation_times[0]
        active = np.flatnonzero(times >= 0)
        parts_c.append(np.full(active.size, i, dtype=np.int64))
        parts_v.append(active)
        parts_t.append(times[active].astype(np.float64))
    idx = np.concatenate(parts_v) if parts_v else np.empty(0, np.int64)
    df = pd.DataFrame(
        {
            "cascade": np.concatenate(parts_c) if parts_c else np.empty(0, np.int64),
            "node": graph.labels[idx],
            "time": np.concatenate(parts_t) if parts_t else np.empty(0),
        }
    )
    return Cascades.from_frame(df, graph=graph)


def _parse_seed_sets(graph, seeds, n_cascades, gen):
    """Seed sets as index arrays: random single seeds, one set repeated, or a list of sets."""
    if seeds is None:
        if n_cascades is None:
            msg = "`n_cascades` must be given when `seeds` is None (one random seed per cascade)."
            raise InvalidParameterError(msg)
        n = check_int(n_cascades, name="n_cascades", min_value=1)
        return [np.array([v]) for v in gen.integers(0, graph.n_nodes, size=n)]
    if graph._is_scalar_label(seeds):
        seeds = [seeds]
    seeds = list(seeds)
    if not seeds:
        msg = "`seeds` must name at least one node; got an empty sequence."
        raise InvalidParameterError(msg)
    if all(graph._is_scalar_label(s) for s in seeds):
        n = 1 if n_cascades is None else check_int(n_cascades, name="n_cascades", min_value=1)
        one = np.unique(graph.index_of(seeds))
        return [one] * n
    sets = []
    for i, s in enumerate(seeds):
        s = [s] if graph._is_scalar_label(s) else list(s)
        if not s:
            msg = f"`seeds` must hold non-empty seed sets; set {i} is empty."
            raise InvalidParameterError(msg)
        sets.append(np.unique(graph.index_of(s)))
    if n_cascades is not None and check_int(n_cascades, name="n_cascades") != len(sets):
        msg = (
            f"`n_cascades` must equal the number of seed sets ({len(sets)}) when `seeds` "
            f"lists them; got {n_cascades!r}."
        )
        raise InvalidParameterError(msg)
    return sets


def simulate_cascades(graph, model, seeds=None, *, n_cascades=None, max_steps=None, rng=None):
    """Discrete-step cascades simulated with `spread.simulate`, ready to fit.

    Each cascade is one run of `model` from its seed set, with its own random
    stream: the root seeds of the runs are drawn from `rng`, so the cascades are
    independent and reproducible.

    Parameters
    ----------
    graph : Graph
    model : IC or LT
    seeds : label, sequence of labels, or sequence of sequences, optional
        A list of seed sets gives one cascade per set; one seed set (a label or a flat
        list) gives `n_cascades` cascades (default 1) from it; None gives
        `n_cascades` cascades from one uniformly drawn seed node each.
    n_cascades : int, optional
        Number of cascades (required when `seeds` is None).
    max_steps : int, optional
        Stop every cascade after this many steps.
    rng : None, int, SeedSequence or Generator

    Returns
    -------
    Cascades
        Cascade ids ``0 .. n - 1``; times are the activation steps (seeds at 0).

    Raises
    ------
    InvalidParameterError
        If `model` is not a stochastic spread model, or the seeds are malformed.
    NodeNotFound
        If a seed is not a node of the graph.

    Examples
    --------
    >>> import spread
    >>> from spread.fit import simulate_cascades
    >>> g = spread.datasets.load("karate")
    >>> cs = simulate_cascades(g, spread.IC(p=0.2), n_cascades=50, rng=0)
    >>> cs
    <Cascades: 50 cascades, 256 adoptions, 34 distinct nodes, graph of 34 nodes>
    >>> cs.sizes.head(5).tolist()
    [1, 18, 8, 2, 8]
    """
    if not isinstance(graph, Graph):
        msg = f"`graph` must be a spread.Graph; got {type(graph).__name__}."
        raise InvalidParameterError(msg)
    if not hasattr(model, "plan"):
        msg = f"`model` must be a stochastic spread model (IC or LT); got {model!r}."
        raise InvalidParameterError(msg)
    if max_steps is not None:
        max_steps = check_int(max_steps, name="max_steps", min_value=0)
    gen = np.random.default_rng(rng)
    sets = _parse_seed_sets(graph, seeds, n_cascades, gen)
    roots = gen.integers(0, 2**63, size=len(sets))
    return _simulate_many(graph, lambda i: model, sets, roots, max_steps)


# ======================================================================== IC
def _ic_counts(k, success):
    """Distinct ``k`` with the number of successful and failed groups at each."""
    ks, inv = np.unique(k, return_inverse=True)
    n_succ = np.bincount(inv, weights=success, minlength=ks.size)
    n_fail = np.bincount(inv, weights=~success, minlength=ks.size)
    return ks.astype(np.float64), n_succ, n_fail


class _CascadeProblem(_Problem):
    """A likelihood on cascades: no count curve to predict (`FitResult.predict` says so)."""

    simulator = "simulate_cascades"

    def predict(self, x, n_total):
        msg = f"`predict` is not defined for a fit to cascades; use `{self.simulator}`."
        raise InvalidParameterError(msg)

    sample = predict


class _ICTrials(_CascadeProblem):
    """Global IC probability from trial groups: ``sum_succ log(1 - (1-p)^k) + sum_fail k log(1-p)``."""

    model = "ic"
    loss_name = "ic_trials"
    names = ("p",)
    logs = np.array([True])
    nuisance = ()

    def __init__(self, k, success, context):
        self.context = context
        self.ks, self.n_succ, self.n_fail = _ic_counts(k, success)
        self.n_obs = int(k.size)
        self.observed_total = float(k.size)
        self.n_successes = int(np.sum(self.n_succ))
        self.bounds_x = [(math.log(_P_MIN), math.log(_P_MAX))]
        kw = float(np.sum(self.ks * (self.n_succ + self.n_fail)))
        start = self.n_successes / kw if kw > 0 else 0.5
        start = min(max(start, 2 * _P_MIN), 0.5 * (1 + _P_MAX))
        if self.n_successes == 0:  # the MLE is p = 0: start on the bound it sits on
            start = _P_MIN
        elif not np.any(self.n_fail):  # no failure at all: p = 1
            start = _P_MAX
        self.starts_x = [np.array([math.log(start)])]

    def _terms(self, x):
        p = math.exp(min(float(x[0]), 0.0))
        q = math.log1p(-p) if p < 1 else -math.inf  # log(1 - p)
        ks = self.ks
        with np.errstate(all="ignore"):
            qk = np.exp(ks * q)  # (1-p)^k
            a = -np.expm1(ks * q)  # 1 - (1-p)^k
        return p, q, qk, a

    def nll(self, x):
        _p, q, _qk, a = self._terms(x)
        with np.errstate(all="ignore"):
            ll = np.sum(self.n_succ * np.log(a)) + q * np.sum(self.ks * self.n_fail)
        return float(-ll) if np.isfinite(ll) else 1e300

    def _dp(self, x):
        """First and second derivatives of the log-likelihood in p."""
        p, _q, qk, a = self._terms(x)
        ks = self.ks
        one_m = 1.0 - p
        with np.errstate(all="ignore"):
            d1_s = ks * qk / one_m / a  # d/dp log(1 - (1-p)^k)
            d2_s = -ks * (ks - 1) * qk / one_m**2 / a - d1_s**2
        fail = np.sum(ks * self.n_fail)
        g = np.sum(self.n_succ * d1_s) - fail / one_m
        h = np.sum(self.n_succ * d2_s) - fail / one_m**2
        return p, g, h

    def grad(self, x):
        p, g, _ = self._dp(x)
        return np.array([-g * p])

    def hessian(self, x):
        p, g, h = self._dp(x)
        return np.array([[-(h * p * p + g * p)]])

    def wald_ci(self, z):
        out = super().wald_ci(z)
        return {k: ConfidenceInterval(v.low, min(v.high, 1.0)) for k, v in out.items()}

    def resample(self, x, rng):
        ctx = self.context
        from ..models.ic import IC

        p = ctx["arc_p"] if ctx.get("arc_p") is not None else float(np.exp(x[0]))
        gen = np.random.default_rng(rng)
        roots = gen.integers(0, 2**63, size=len(ctx["seed_sets"]))
        model = IC(p=p)
        sim = _simulate_many(ctx["graph"], lambda i: model, ctx["seed_sets"], roots, None)
        tg = trial_groups(sim, 1.0)
        return _ICTrials(tg.k, tg.success, ctx)


def _target_params(graph, arc_used, granularity):
    """Parameters grouped by target node: one per used arc ("edge") or per target ("node").

    Returns ``(par_of_arc, per_block)``: the parameter of every arc (-1 if none) and the
    number of parameters of each target node; parameters are numbered target by target.
    """
    n, m = graph.n_nodes, graph.n_edges
    par_of_arc = np.full(m, -1, dtype=np.int64)
    if granularity == "edge":
        slot_used = arc_used[graph.in_arc]
        act = graph.in_arc[slot_used].astype(np.int64)  # used arcs, target by target
        par_of_arc[act] = np.arange(act.size)
        owner = np.repeat(np.arange(n), graph.in_degree)[slot_used]
        return par_of_arc, np.bincount(owner, minlength=n)
    head = graph.indices.astype(np.int64)
    node_used = np.bincount(head, weights=arc_used, minlength=n) > 0
    par_of_node = np.full(n, -1, dtype=np.int64)
    par_of_node[node_used] = np.arange(int(node_used.sum()))
    used = arc_used.astype(bool)
    par_of_arc[used] = par_of_node[head[used]]
    return par_of_arc, node_used.astype(np.int64)


def _solve_targets(
    kind, per_block, lin, grp_target, grp_ptr, grp_par, grp_coef, start, pen, upper, max_iter
):
    """Solve the per-target concave problems (`solve_blocks`); groups sorted by target first.

    Returns ``(x, stderr, n_not_converged, max_iterations)``.
    """
    from ._cascade_kernels import solve_blocks

    n = per_block.size
    n_par = int(per_block.sum())
    order = np.argsort(grp_target, kind="stable")
    lens = np.diff(grp_ptr)[order]
    ptr = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    take = np.repeat(grp_ptr[:-1][order] - ptr[:-1], lens) + np.arange(ptr[-1])
    blk_grp = np.concatenate([[0], np.cumsum(np.bincount(grp_target, minlength=n))])
    x = np.empty(n_par)
    se = np.empty(n_par)
    status = np.zeros(n, dtype=np.int64)
    nit = np.zeros(n, dtype=np.int64)
    solve_blocks(
        kind,
        np.concatenate([[0], np.cumsum(per_block)]).astype(np.int64),
        blk_grp.astype(np.int64),
        np.ascontiguousarray(lin, dtype=np.float64),
        np.ascontiguousarray(pen, dtype=np.float64),
        np.ascontiguousarray(start, dtype=np.float64),
        ptr,
        np.ascontiguousarray(grp_par[take], dtype=np.int64),
        np.ascontiguousarray(grp_coef[take], dtype=np.float64),
        np.ascontiguousarray(start, dtype=np.float64),
        np.ascontiguousarray(upper, dtype=np.float64),
        max_iter,
        1e-12,
        x,
        se,
        status,
        nit,
    )
    return x, se, int(np.sum(status != 0)), int(nit.max(initial=0))


def _granular_ic(graph, tg, granularity, p0, penalty, max_iter):
    """Per-node or per-arc IC probabilities by the concave per-node problems (theta scale)."""
    n, m = graph.n_nodes, graph.n_edges
    arc_trials = np.bincount(tg.arcs, minlength=m).astype(np.int64)
    par_of_arc, per_block = _target_params(graph, arc_trials > 0, granularity)
    n_par = int(per_block.sum())
    gid = np.repeat(np.arange(tg.k.size), tg.k)
    entry_par = par_of_arc[tg.arcs]
    lin = np.bincount(entry_par[~tg.success[gid]], minlength=n_par).astype(np.float64)
    succ = tg.success[gid]
    grp_ptr = np.concatenate([[0], np.cumsum(tg.k[tg.success])]).astype(np.int64)
    grp_par = entry_par[succ]
    theta0 = -math.log1p(-min(max(p0, _P_MIN), _P_MAX))
    x, se, n_bad, nit = _solve_targets(
        0,
        per_block,
        lin,
        tg.target[tg.success],
        grp_ptr,
        grp_par,
        np.ones(grp_par.size),
        np.full(n_par, theta0),
        np.full(n_par, penalty * (1.0 - p0) / max(p0, _P_MIN)),
        np.full(n_par, _THETA_MAX),
        max_iter,
    )
    # log-likelihood of the fitted model (penalty excluded)
    s = np.add.reduceat(x[grp_par], grp_ptr[:-1]) if grp_par.size else np.empty(0)
    with np.errstate(divide="ignore"):
        loglik = float(np.sum(np.log(-np.expm1(-s))) - np.dot(lin, x))
    p_par = -np.expm1(-x)
    se_par = se * (1.0 - p_par)
    has = par_of_arc >= 0
    arc_p = np.where(has, p_par[np.maximum(par_of_arc, 0)], p0)
    arc_se = np.where(has, se_par[np.maximum(par_of_arc, 0)], np.nan)
    out = {
        "arc_p": arc_p,
        "arc_stderr": arc_se,
        "arc_trials": arc_trials,
        "n_at_bound": int(np.sum((x <= 0) | (x >= _THETA_MAX))),
    }
    if granularity == "node":
        node_trials = np.bincount(graph.indices, weights=arc_trials, minlength=n).astype(np.int64)
        used = node_trials > 0
        node_p = np.full(n, p0)
        node_se = np.full(n, np.nan)
        node_p[used] = p_par
        node_se[used] = se_par
        out.update(node_p=node_p, node_stderr=node_se, node_trials=node_trials)
    return out, loglik, n_par, n_bad, nit


def _granular_result(res, model, loglik, n_par, n_bad, nit, max_iter):
    """The pooled fit `res` relabelled as a per-node/per-arc fit (its loglik, AIC, BIC)."""
    message, status, success, warns = res.message, res.status, res.success, res.warnings
    if n_bad:
        note = f"{n_bad} per-node problem(s) did not converge within `max_iter` = {max_iter}."
        message = f"{message} {note}"
        status, success, warns = 1, False, (*warns, note)
        warnings.warn(
            f"{model} fit did not converge: {note} Increase `max_iter`.",
            ConvergenceWarning,
            stacklevel=3,
        )
    return replace(
        res,
        model=model,
        loss=-loglik,
        loglik=loglik,
        aic=2 * n_par - 2 * loglik,
        bic=n_par * math.log(max(res.n_obs, 1)) - 2 * loglik,
        n_params=n_par,
        status=status,
        success=success,
        message=message,
        warnings=warns,
        nit=res.nit + nit,
    )


def fit_ic(
    cascades,
    *,
    dt=None,
    granularity="global",
    penalty=0.0,
    level=0.95,
    ci="wald",
    n_resamples=200,
    rng=None,
    max_iter=1000,
):
    """Maximum-likelihood IC activation probabilities from cascades on a known graph.

    The cascades are cut into generations of width `dt` (the first adoption of each
    cascade is step 0, its adopters are the seeds). Every node ``u`` active at step
    ``s`` tries each out-neighbour ``v`` not active by ``s``; the ``k`` tries on ``v``
    at step ``s + 1`` form one trial, a success iff ``v`` activates at ``s + 1``.

    ``granularity="global"``: one ``p`` maximising
    ``sum_succ log(1 - (1-p)^k) + sum_fail k log(1-p)`` (concave; fitted in the log
    scale, so Wald and profile intervals come from the same machinery as the curve
    fits). ``"node"`` (one ``p_v`` shared by the in-arcs of each target) and
    ``"edge"`` (one ``p_uv`` per arc) solve the concave per-target problems in
    ``theta = -log(1 - p)`` (Saito, Nakano & Kimura 2008; convex form of Myers &
    Leskovec 2010) by projected Newton.

    Parameters
    ----------
    cascades : Cascades
        Built with ``graph=``. Cascades are taken as complete: a node never seen in a
        cascade never adopted in it.
    dt : float, str or pandas.Timedelta, optional
        Generation length, in the units of the times (a time span for datetimes).
        Default None: the times must already be whole steps.
    granularity : {"global", "node", "edge"}, default "global"
    penalty : float, default 0
        L2 shrinkage of the per-node or per-arc ``theta`` toward the pooled
        estimate ``p0``, with the weight of `penalty` single-parent trials at
        ``p0``: adds ``penalty (1 - p0) / (2 p0) (theta - theta0)^2`` per parameter.
    level : float, default 0.95
    ci : {"wald", "profile", "bootstrap"}, default "wald"
        Interval for the pooled ``p``. ``"bootstrap"`` re-simulates the cascades from
        the same seeds with `spread.simulate` under the fit (the per-arc fit for
        ``"node"``/``"edge"``) and refits.
    n_resamples : int, default 200
    rng : seed, optional
        For the bootstrap.
    max_iter : int, default 1000

    Returns
    -------
    FitResult
        ``params == {"p": pooled estimate}``; ``n_obs`` = number of trials.
        ``diagnostics``: ``n_trials``, ``n_successes``, ``n_cascades``, ``dt``,
        ``n_unexplained_adoptions`` (adoptions after step 0 with no in-neighbour active
        in the step before: no trial explains them, so they are left out, with a
        warning) and,
        for ``"node"``/``"edge"``, ``arc_p`` (per arc, graph arc order; arcs without a
        trial get the pooled estimate), ``arc_stderr`` (NaN where undefined: no trial,
        or an estimate on a bound), ``arc_trials`` (int64), ``n_at_bound``, plus
        ``node_p``, ``node_stderr``, ``node_trials`` for ``"node"``. For those, `loglik`,
        `aic`, `bic` and `n_params` describe the per-node/per-arc model, while
        `stderr`, `ci`, `profile` and `bootstrap` refer to the pooled ``p``.

    Raises
    ------
    InvalidParameterError
        Cascades without a graph, times that are not whole steps with ``dt=None``, a
        non-positive `dt`, or an unknown option.

    Warns
    -----
    ConvergenceWarning
        When the fit does not succeed (no trials, every trial a success or a failure so
        ``p`` sits on a bound, or a per-node problem that did not converge); the result
        then has ``success=False`` and says why.

    References
    ----------
    K. Saito, R. Nakano, M. Kimura, "Prediction of information diffusion probabilities
    for independent cascade model", KES 2008.

    Examples
    --------
    >>> import spread
    >>> from spread.fit import fit_ic, simulate_cascades
    >>> g = spread.datasets.load("karate")
    >>> cs = simulate_cascades(g, spread.IC(p=0.2), n_cascades=200, rng=0)
    >>> res = fit_ic(cs)
    >>> res.success, round(res.params["p"], 3), res.n_obs
    (True, 0.196, 3662)
    >>> edge = fit_ic(cs, granularity="edge")
    >>> edge.diagnostics["arc_p"].shape
    (156,)
    """
    graph = _check_cascades(cascades, "fit_ic")
    granularity = check_in(granularity, name="granularity", options=_GRANULARITIES)
    penalty = check_nonnegative_float(penalty, name="penalty")
    level, ci, n_resamples, max_iter = _check_common(level, ci, n_resamples, max_iter)
    step = _resolve_dt(cascades, dt)
    tg = trial_groups(cascades, step)
    context = {"graph": graph, "seed_sets": _seed_sets(cascades, step), "arc_p": None}
    problem = _ICTrials(tg.k, tg.success, context)
    steps = cascades.to_steps(step)["step"]
    later = int(
        np.sum(steps.to_numpy() > steps.groupby(cascades.data["cascade"]).transform("min"))
    )
    diag = {
        "n_trials": int(tg.k.size),
        "n_successes": int(np.sum(tg.success)),
        "n_cascades": cascades.n_cascades,
        "n_multi_parent": int(np.sum(tg.k > 1)),
        "dt": dt,
    }
    # An adoption after step 0 with no in-neighbour active in the step before is no
    # trial's success: IC cannot produce it (an outside cause, or too fine a `dt`).
    diag["n_unexplained_adoptions"] = later - diag["n_successes"]
    if diag["n_unexplained_adoptions"]:
        warnings.warn(
            f"{diag['n_unexplained_adoptions']} adoption(s) had no in-neighbour active in the "
            "step before (IC cannot produce them: an outside cause, or a `dt` too fine): "
            "left out of the likelihood.",
            UserWarning,
            stacklevel=2,
        )
    if tg.k.size == 0:
        res = _failed_result(
            problem,
            3,
            "No IC trials: no adopter has an out-neighbour that was still inactive, so "
            "the cascades say nothing about p.",
            level=level,
        )
        return replace(res, diagnostics=diag)
    res = fit_problem(problem, max_iter=max_iter, level=level, ci="wald")
    diag.update(res.diagnostics)
    if granularity != "global":
        p0 = res.params["p"]
        if not np.isfinite(p0):
            p0 = diag["n_successes"] / max(diag["n_trials"], 1)
        extra, loglik, n_par, n_bad, nit = _granular_ic(
            graph, tg, granularity, p0, penalty, max_iter
        )
        diag.update(extra)
        diag["penalty"] = penalty
        context["arc_p"] = extra["arc_p"]
        res = _granular_result(res, f"ic_{granularity}", loglik, n_par, n_bad, nit, max_iter)
    res = replace(res, diagnostics=diag)
    if ci != "wald" and res.success:
        kwargs = {"n_resamples": n_resamples, "rng": rng} if ci == "bootstrap" else {}
        res = res.with_ci(ci, level, **kwargs)
    return res


# ======================================================================== LT
_FAMILIES = ("beta", "power")


def _has_threshold_law():
    from ..models.lt import LT

    return "threshold_law" in inspect.signature(LT).parameters


class _LTBrackets(_CascadeProblem):
    """Interval-censored MLE of the LT threshold law from brackets (FITTING.md §2.3.5)."""

    loss_name = "lt_brackets"
    nuisance = ()

    def __init__(self, lo, hi, w_cens, family, context):
        self.family = family
        self.model = f"lt_{family}"
        self.names = ("a", "b") if family == "beta" else ("a",)
        self.logs = np.array([True] * len(self.names))
        # Brackets repeat (in-weights are sums of few distinct values): evaluate the CDF
        # once per distinct endpoint and weight the terms by their counts.
        pairs, self.n_pair = np.unique(np.stack([lo, hi], axis=1), axis=0, return_counts=True)
        self.points, inv = np.unique(pairs.ravel(), return_inverse=True)
        self.i_lo, self.i_hi = inv.reshape(-1, 2).T
        self.w_cens, self.n_cens = np.unique(w_cens, return_counts=True)
        self.context = context
        self.n_obs = int(lo.size + w_cens.size)
        self.observed_total = float(self.n_obs)
        self.bounds_x = [(math.log(1e-3), math.log(1e3))] * len(self.names)
        mid = 0.5 * (lo + hi)
        m = float(np.clip(np.mean(mid), 0.02, 0.98)) if mid.size else 0.5
        v = float(np.var(mid)) if mid.size > 1 else m * (1 - m) / 3
        common = m * (1 - m) / max(v, 1e-6) - 1
        if family == "beta":
            mom = [max(m * common, 0.05), max((1 - m) * common, 0.05)]
            starts = [mom, [1.0, 1.0], [2.0, 5.0]]
        else:
            starts = [[max(m / (1 - m), 0.05)], [1.0]]
        self.starts_x = [np.clip(np.log(s), math.log(1.1e-3), math.log(0.9e3)) for s in starts]

    def cdf(self, theta, w):
        from scipy.special import betainc

        if self.family == "beta":
            return betainc(theta[0], theta[1], w)
        return np.power(w, theta[0])

    def sf(self, theta, w):
        from scipy.special import betaincc

        if self.family == "beta":
            return betaincc(theta[0], theta[1], w)
        return -np.expm1(theta[0] * np.log(np.maximum(w, 1e-300)))

    def nll(self, x):
        theta = np.exp(np.clip(x, -700, 700))
        with np.errstate(all="ignore"):
            f = self.cdf(theta, self.points)
            act = np.log(f[self.i_hi] - f[self.i_lo])
            cens = np.log(self.sf(theta, self.w_cens))
            ll = float(np.dot(self.n_pair, act) + np.dot(self.n_cens, cens))
        return -ll if np.isfinite(ll) else 1e300

    def law(self, x):
        theta = np.exp(x)
        return ("beta", float(theta[0]), float(theta[1]) if self.family == "beta" else 1.0)

    def resample(self, x, rng):
        ctx = self.context
        gen = np.random.default_rng(rng)
        sim = _simulate_lt(ctx["graph"], ctx["weights"], self.law(x), ctx["seed_sets"], gen)
        lo, hi, w_cens, _ = _split_brackets(brackets(sim, 1.0, ctx["weight_array"]))
        return _LTBrackets(lo, hi, w_cens, self.family, ctx)

    def diagnostics(self, x):
        _, a, b = self.law(x)
        return {"threshold_mean": a / (a + b)}


def _simulate_lt(graph, weights, law, seed_sets, gen):
    """LT cascades with thresholds from `law` = ("beta", a, b), one run per seed set."""
    from ..models.lt import LT

    roots = gen.integers(0, 2**63, size=len(seed_sets))
    if _has_threshold_law():
        model = LT(weights=weights, threshold_law=law)
        return _simulate_many(graph, lambda i: model, seed_sets, roots, None)
    # Without `threshold_law`: fixed per-node thresholds drawn from the law for every
    # cascade (the same process, one threshold draw per run).
    _, a, b = law
    draws = [
        np.clip(gen.beta(a, b, size=graph.n_nodes), 1e-300, 1.0) for _ in range(len(seed_sets))
    ]
    return _simulate_many(
        graph, lambda i: LT(weights=weights, thresholds=draws[i]), seed_sets, roots, None
    )


def _split_brackets(br):
    """Activated brackets ``(lo, hi)``, censored exposures, and the impossible rows left out."""
    cens = br["censored"].to_numpy()
    lo = np.clip(br["w_low"].to_numpy(), 0.0, 1.0)
    hi = np.clip(br["w_high"].to_numpy(), 0.0, 1.0)
    act_ok = ~cens & (hi > lo)
    cens_ok = cens & (hi < 1.0 - 1e-9)
    dropped = {
        "n_unexplained_adoptions": int(np.sum(~cens & ~act_ok)),
        "n_saturated_censored": int(np.sum(cens & ~cens_ok)),
    }
    return lo[act_ok], hi[act_ok], hi[cens_ok & (hi > 0)], dropped


def _lt_weights(graph, weights):
    if isinstance(weights, str):
        check_in(weights, name="weights", options=("wc", "weight"))
        from ..models.lt import LT

        return weights, np.asarray(LT(weights=weights).arc_weights(graph))
    from .. import weights as _weights

    arr = _weights.check_lt_weights(graph, weights, name="weights")
    return np.asarray(arr), np.asarray(arr)


def fit_lt(
    cascades,
    *,
    dt=None,
    weights="wc",
    threshold="beta",
    level=0.95,
    ci="wald",
    n_resamples=200,
    rng=None,
    max_iter=1000,
):
    """Maximum-likelihood law of the LT thresholds from cascades on a known graph.

    With generations of width `dt`, a node that activates at step ``s`` has its
    threshold bracketed, ``W(A_{s-2}) < theta <= W(A_{s-1})``, where ``W(A)`` is the
    in-weight from the nodes active in ``A``; an exposed node that never adopts has
    ``theta > W(A_final)``. The fit maximises the interval-censored likelihood
    ``sum_act log(F(W_hi) - F(W_lo)) + sum_never log(1 - F(W_final))`` over the
    threshold CDF ``F`` (log scale for the parameters).

    Parameters
    ----------
    cascades : Cascades
        Built with ``graph=``; taken as complete.
    dt : float, str or pandas.Timedelta, optional
        Generation length (default: the times already are whole steps).
    weights : {"wc", "weight"} or array_like, default "wc"
        The LT in-weights ``b_uv`` (one per arc in graph arc order, in-weights of
        every node summing to at most 1); ``"wc"`` is ``1 / in_degree(v)``.
    threshold : {"beta", "power"}, default "beta"
        ``"beta"``: thresholds ~ Beta(a, b), params ``{"a", "b"}``. ``"power"``:
        thresholds ~ Beta(a, 1), ``F(w) = w^a`` (one parameter; ``a = 1`` is the
        uniform thresholds of Kempe et al.'s LT, ``a < 1`` easier adoption).
    level, ci, n_resamples, rng, max_iter
        As for `fit_ic`; the bootstrap re-simulates from the same seeds with
        `spread.simulate` and thresholds drawn from the fitted law.

    Returns
    -------
    FitResult
        ``diagnostics``: ``n_brackets`` (activated and censored used),
        ``n_activated``, ``n_censored``, ``n_cascades``, ``threshold_mean``, and
        ``n_unexplained_adoptions`` / ``n_saturated_censored``: rows LT cannot produce
        (an adoption with no new active in-neighbour in the step before, as binning
        can make; a non-adopter whose in-weight reached 1), which are left out of
        the likelihood and reported in `warnings`.

    Raises
    ------
    InvalidParameterError
        As `fit_ic`, or weights that are not valid LT weights.

    References
    ----------
    T. Valente, "Social network thresholds in the diffusion of innovations", Social
    Networks 18 (1996). D. Kempe, J. Kleinberg, É. Tardos, KDD 2003.

    Examples
    --------
    >>> import spread
    >>> from spread.fit import fit_lt, simulate_cascades
    >>> g = spread.datasets.load("karate")
    >>> cs = simulate_cascades(g, spread.LT(), seeds=[[0], [33], [5]], rng=0)
    >>> res = fit_lt(cs, threshold="power")  # uniform thresholds: a = 1
    >>> res.success, round(res.params["a"], 2)
    (True, 1.08)
    """
    graph = _check_cascades(cascades, "fit_lt")
    family = check_in(threshold, name="threshold", options=_FAMILIES)
    level, ci, n_resamples, max_iter = _check_common(level, ci, n_resamples, max_iter)
    step = _resolve_dt(cascades, dt)
    sim_weights, w = _lt_weights(graph, weights)
    br = brackets(cascades, step, w)
    lo, hi, w_cens, dropped = _split_brackets(br)
    context = {
        "graph": graph,
        "weights": sim_weights,
        "weight_array": w,
        "seed_sets": _seed_sets(cascades, step),
    }
    problem = _LTBrackets(lo, hi, w_cens, family, context)
    diag = {
        "n_brackets": problem.n_obs,
        "n_activated": int(lo.size),
        "n_censored": int(w_cens.size),
        "n_cascades": cascades.n_cascades,
        "dt": dt,
        **dropped,
    }
    notes = []
    if dropped["n_unexplained_adoptions"]:
        notes.append(
            f"{dropped['n_unexplained_adoptions']} adoption(s) had no in-neighbour newly "
            "active in the step before (LT cannot produce them; a coarser `dt` may help): "
            "left out of the likelihood."
        )
    if dropped["n_saturated_censored"]:
        notes.append(
            f"{dropped['n_saturated_censored']} non-adopter(s) had all their in-weight "
            "active (LT would have activated them): left out of the likelihood."
        )
    for note in notes:
        warnings.warn(note, UserWarning, stacklevel=2)
    if lo.size == 0:
        res = _failed_result(
            problem,
            3,
            "No LT threshold brackets: no node adopted after the seeds with a newly active "
            "in-neighbour, so the cascades say nothing about the thresholds.",
            level=level,
        )
        return replace(res, diagnostics=diag, warnings=(*res.warnings, *notes))
    res = fit_problem(
        problem, max_iter=max_iter, level=level, ci=ci, n_resamples=n_resamples, rng=rng
    )
    diag.update(res.diagnostics)
    return replace(res, diagnostics=diag, warnings=(*res.warnings, *notes))


# ================================================================ exposures
def exposure_curve(cascades, dt=None, *, level=0.95):
    """Adoption probability after exactly ``k`` exposures, with binomial intervals.

    A (cascade, node) pair is exposed ``k`` times when ``k`` of its in-neighbours
    are active at earlier steps (Romero, Meeder & Kleinberg 2011). Under IC the curve
    is flat at ``p`` when exposures arrive one step at a time (``k`` parents
    activating in the same step give ``1 - (1 - p)^k``); LT with fractional
    thresholds makes it rise with ``k``, and steeply.

    Parameters
    ----------
    cascades : Cascades
        Built with ``graph=``.
    dt : float, str or pandas.Timedelta, optional
        Generation length (default: the times already are whole steps).
    level : float, default 0.95
        Level of the Wilson score intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``k`` >= 1: ``n_reached`` (pairs that reached ``k`` exposures),
        ``n_adopted`` (adopted with exactly ``k``), ``probability``, ``stderr``
        (``sqrt(P(1-P)/n_reached)``), ``lower`` and ``upper``.

    Examples
    --------
    >>> import spread
    >>> from spread.fit import exposure_curve, simulate_cascades
    >>> g = spread.datasets.load("karate")
    >>> cs = simulate_cascades(g, spread.IC(p=0.2), n_cascades=200, rng=0)
    >>> exposure_curve(cs).loc[1:3, ["n_reached", "probability"]].round(3)
       n_reached  probability
    k
    1       2530        0.182
    2        981        0.192
    3        326        0.227
    """
    from statistics import NormalDist

    _check_cascades(cascades, "exposure_curve")
    if isinstance(level, bool) or not isinstance(level, numbers.Real) or not 0 < level < 1:
        msg = f"`level` must lie in (0, 1); got {level!r}."
        raise InvalidParameterError(msg)
    out = exposures(cascades, _resolve_dt(cascades, dt))
    n = out["n_reached"].to_numpy(dtype=np.float64)
    p = out["probability"].to_numpy()
    z = NormalDist().inv_cdf(0.5 + level / 2)
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(p * (1 - p) / n)
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    out["stderr"] = se
    out["lower"] = np.clip(centre - half, 0.0, 1.0)
    out["upper"] = np.clip(centre + half, 0.0, 1.0)
    return out
