"""Independent cascade fitted to data on a known graph: `ICEstimator` and `fit_ic`.

From an aggregate trend (`ICEstimator` with ``method="mc"`` or ``"dmp"``) or from
cascades (exact likelihood of the transmission trials, FITTING.md §2.3.1: `fit_ic`, and
`ICEstimator` with ``method="mle"``).
"""

import math
from dataclasses import replace
from typing import NamedTuple

import numpy as np
import pandas as pd

from .._common import ConfidenceInterval
from .._random import root_seed
from .._validation import check_in, check_nonnegative_float
from ..cascades import Cascades
from ..exceptions import warn
from ..models import IC
from . import _seasonal
from ._ic_kernels import trial_groups as _trial_groups_kernel
from ._network import _MC_PARAMS, NetworkEstimator, check_graph
from ._problem import failed, fit_likelihood
from ._targets import granular_result, solve_targets, target_params
from ._trend_problem import ICSpec
from .cascades import (
    _CascadeProblem,
    _check_cascades,
    _check_common,
    _resolve_dt,
    _seed_sets,
    _simulate_many,
)

__all__ = ["ICEstimator", "TrialGroups", "fit_ic", "trial_groups", "trials"]

_P_MIN = 1e-9  # bounds of a probability fitted in the log scale
_P_MAX = 1.0 - 1e-9
_THETA_MAX = -math.log1p(-_P_MAX)  # theta = -log(1 - p) at _P_MAX
_GRANULARITIES = ("global", "node", "edge")


class TrialGroups(NamedTuple):
    """IC trials grouped by (cascade, target, step), with the arcs of every group.

    See `Cascades.trial_groups`.
    """

    cascade: np.ndarray
    target: np.ndarray
    step: np.ndarray
    k: np.ndarray
    success: np.ndarray
    ptr: np.ndarray
    arcs: np.ndarray


def trial_groups(cascades, dt):
    """IC trials with the arcs that made them (the per-edge form of `trials`).

    Returns
    -------
    TrialGroups
        A named tuple of arrays, one entry per group (cascade, target, step):
        ``cascade`` (label), ``target`` (node index), ``step``, ``k``, ``success``,
        and ``ptr``/``arcs``: the arc ids (graph arc order) of group ``g`` are
        ``arcs[ptr[g]:ptr[g + 1]]``.

    Examples
    --------
    >>> import pandas as pd, spread
    >>> from spread import Cascades
    >>> from spread.fit.ic import trial_groups, trials
    >>> g = spread.Graph.from_edges([0, 0, 1], [1, 2, 2])
    >>> df = pd.DataFrame({"c": [0, 0], "v": [0, 1], "t": [0.0, 1.0]})
    >>> cs = Cascades.from_frame(df, cascade="c", node="v", time="t", graph=g)
    >>> tg = trial_groups(cs, 1.0)
    >>> tg.target.tolist(), tg.k.tolist(), tg.arcs.tolist()
    ([1, 2, 2], [1, 1, 1], [0, 1, 2])
    """
    g = cascades.need_graph("trial_groups")
    casc_ptr, nodes, steps, labels = cascades.generations(dt)
    casc, target, step, success, ptr, arcs = _trial_groups_kernel(
        g.indptr, g.indices, casc_ptr, nodes, steps, g.n_nodes
    )
    return TrialGroups(labels[casc], target, step, np.diff(ptr), success, ptr, arcs)


def trials(cascades, dt):
    """IC transmission trials grouped by (cascade, target, step) (FITTING.md §2.3.1).

    Every node ``u`` active at step ``s`` makes one attempt on each out-neighbour
    that is not active by step ``s``; attempts on ``v`` at step ``s + 1`` are grouped
    into one row with ``k`` attempting parents, a success iff ``v`` activated at
    ``s + 1``. Cascades are taken as complete (a node never seen never adopted).

    Returns
    -------
    pandas.DataFrame
        Columns ``cascade``, ``target`` (label), ``step``, ``k``, ``success``.

    Examples
    --------
    >>> import pandas as pd, spread
    >>> from spread import Cascades
    >>> from spread.fit.ic import trial_groups, trials
    >>> g = spread.Graph.from_edges([0, 0, 1], [1, 2, 2])
    >>> df = pd.DataFrame({"c": [0, 0], "v": [0, 1], "t": [0.0, 1.0]})
    >>> cs = Cascades.from_frame(df, cascade="c", node="v", time="t", graph=g)
    >>> trials(cs, 1.0)[["target", "step", "k", "success"]].values.tolist()
    [[1, 1, 1, True], [2, 1, 1, False], [2, 2, 1, False]]
    """
    cascades.need_graph("trials")
    tg = trial_groups(cascades, dt)
    return pd.DataFrame(
        {
            "cascade": tg.cascade,
            "target": cascades.graph.labels[tg.target],
            "step": tg.step,
            "k": tg.k,
            "success": tg.success,
        }
    )


def _ic_counts(k, success):
    """Distinct ``k`` with the number of successful and failed groups at each."""
    ks, inv = np.unique(k, return_inverse=True)
    n_succ = np.bincount(inv, weights=success, minlength=ks.size)
    n_fail = np.bincount(inv, weights=~success, minlength=ks.size)
    return ks.astype(np.float64), n_succ, n_fail


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
        p = ctx["arc_p"] if ctx.get("arc_p") is not None else float(np.exp(x[0]))
        sim = _simulate_many(ctx["graph"], IC(p=p), ctx["seed_sets"], root_seed(rng), None)
        tg = trial_groups(sim, 1.0)
        return _ICTrials(tg.k, tg.success, ctx)


def _granular_ic(graph, tg, granularity, p0, penalty, max_iter):
    """Per-node or per-arc IC probabilities by the concave per-node problems (theta scale)."""
    n, m = graph.n_nodes, graph.n_edges
    arc_trials = np.bincount(tg.arcs, minlength=m).astype(np.int64)
    par_of_arc, per_block = target_params(graph, arc_trials > 0, granularity)
    n_par = int(per_block.sum())
    gid = np.repeat(np.arange(tg.k.size), tg.k)
    entry_par = par_of_arc[tg.arcs]
    lin = np.bincount(entry_par[~tg.success[gid]], minlength=n_par).astype(np.float64)
    succ = tg.success[gid]
    grp_ptr = np.concatenate([[0], np.cumsum(tg.k[tg.success])]).astype(np.int64)
    grp_par = entry_par[succ]
    theta0 = -math.log1p(-min(max(p0, _P_MIN), _P_MAX))
    x, se, n_bad, nit = solve_targets(
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


def fit_ic(
    cascades,
    *,
    dt=None,
    granularity="global",
    penalty=0.0,
    level=0.95,
    ci_method="wald",
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
    ci_method : {"wald", "profile", "bootstrap"}, default "wald"
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
        `stderr`, `ci_method`, `profile` and `bootstrap` refer to the pooled ``p``.

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
    On a star 0 -> 1..5 every leaf has a single parent, so each cascade from the hub
    makes 5 single trials and the likelihood is binomial: the MLE of ``p`` is the
    fraction of the 5 x 40 trials that succeeded, and per arc the fraction of the 40
    cascades that reached its leaf.

    >>> import numpy as np, spread
    >>> from spread.fit import fit_ic, simulate_cascades
    >>> star = spread.Graph.from_edges([0, 0, 0, 0, 0], [1, 2, 3, 4, 5])
    >>> cs = simulate_cascades(star, spread.IC(p=0.3), seeds=0, n_cascades=40, rng=0)
    >>> reached = np.bincount(cs.data["node"], minlength=6)[1:]  # cascades per leaf
    >>> res = fit_ic(cs)
    >>> res.success, res.n_obs, bool(np.isclose(res.params["p"], reached.sum() / 200))
    (True, 200, True)
    >>> edge = fit_ic(cs, granularity="edge")
    >>> bool(np.allclose(edge.diagnostics["arc_p"], reached / 40))
    True

    On the karate club (156 arcs) the 95% interval of ``p`` covers the value simulated:

    >>> g = spread.datasets.load("karate")
    >>> cs = simulate_cascades(g, spread.IC(p=0.2), n_cascades=200, rng=0)
    >>> low, high = fit_ic(cs).conf_int()["p"]
    >>> bool(low < 0.2 < high)
    True
    >>> fit_ic(cs, granularity="edge").diagnostics["arc_p"].shape
    (156,)
    """
    graph = _check_cascades(cascades, "fit_ic")
    granularity = check_in(granularity, name="granularity", options=_GRANULARITIES)
    penalty = check_nonnegative_float(penalty, name="penalty")
    level, ci_method, n_resamples, max_iter = _check_common(
        level, ci_method, n_resamples, max_iter
    )
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
        warn(
            f"{diag['n_unexplained_adoptions']} adoption(s) had no in-neighbour active in the "
            "step before (IC cannot produce them: an outside cause, or a `dt` too fine): "
            "left out of the likelihood.",
            UserWarning,
        )
    if tg.k.size == 0:
        res = failed(
            problem,
            3,
            "No IC trials: no adopter has an out-neighbour that was still inactive, so "
            "the cascades say nothing about p.",
            level=level,
        )
        return replace(res, diagnostics=diag)
    res = fit_likelihood(problem, max_iter=max_iter, level=level, ci_method="wald")
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
        res = granular_result(res, f"ic_{granularity}", loglik, n_par, n_bad, nit, max_iter)
    res = replace(res, diagnostics=diag)
    if ci_method != "wald" and res.success:
        res = res.with_conf_int(ci_method, level, n_resamples=n_resamples, rng=rng)
    return res


class ICEstimator(NetworkEstimator):
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
    likelihood of the observed transmissions (`spread.fit.fit_ic`): one global
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
    period : float, optional
        With `external`: a period (in bins; 24 for hourly bins, a daily cycle) of a
        periodic factor on spontaneous adoption, step t adopting on its own with
        probability ``min(1, external g(t))``, ``g(t) = exp(sum_h a_h cos(2 pi h t / P)
        + b_h sin(2 pi h t / P))`` (`HawkesEstimator`'s background shape; ``external``
        is its geometric mean over a period), ``t`` the middle of the step in bins from
        midnight UTC (datetime trends) or from 0. Fits ``a1``, ``b1``, ... too, and
        reports where in the period the factor peaks and its peak-to-trough ratio
        (``result_.diagnostics["external_peak_phase"]``, ``"external_peak_to_trough"``).
        Forecasts continue the cycle in phase. It needs more than one period of data
        (on the Higgs burst, 24 hourly bins forecast worse with it, 36 and 48 better):
        compare with and without on held-out bins. Default: a constant `external`.
    n_harmonics : int, default 1
        Harmonics ``H`` of the periodic factor (ignored without `period`).
    regressors : pandas.DataFrame, pandas.Series or array_like, optional
        With `external`: known drivers of spontaneous adoption (an announcement, as
        `event_regressors` makes): each step's probability is also multiplied by
        ``exp(sum_j gamma_j x_j)``, ``x`` the values in the step's bin, one fitted
        coefficient per column, named after it (as `HawkesEstimator`'s).
    granularity : {{"global", "node", "edge"}}, default "global"
        Cascades only: one ``p``, one per target node, or one per arc.
    penalty : float, default 0.0
        Cascades only: L2 shrinkage of per-node/per-arc estimates toward the global one.
    {_MC_PARAMS}

    Attributes
    ----------
    params_ : dict
        Every fitted value by name (``p`` or ``scale``, and ``external``).
    p_ : float or numpy.ndarray
        Fitted probability (per arc, in arc order, for node/edge granularity; the scale
        for `base`).
    external_ : float
        Fitted spontaneous adoption probability per step (0.0 when not fitted; with a
        `period`, its geometric mean over a period).
    model_ : spread.IC
        The fitted model: ``spread.simulate(graph, seeds_, est.model_, ...)`` replays it
        (with a `period`, its `external` is the schedule of the fitted window's steps;
        the last step's value holds past it).
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
    A tree: node 0 points at 1, 2, 3, and each of those at two leaves. From seed 0 the
    expected adopters per step are exactly ``[1, 3 p, 6 p**2]``; fitted to that curve
    at ``p = 0.3``, DMP (exact on trees) gives ``p`` back:

    >>> import spread
    >>> from spread.fit import ICEstimator
    >>> tree = spread.Graph.from_edges([0, 0, 0, 1, 1, 2, 2, 3, 3], [1, 2, 3, 4, 5, 6, 7, 8, 9])
    >>> counts = [1, 3 * 0.3, 6 * 0.3**2]
    >>> est = ICEstimator(method="dmp", ci_method=None).fit(tree, counts, seeds=[0])
    >>> round(est.p_, 3)
    0.3
    >>> est.model_
    IC(p=0.300...)

    The Monte Carlo fit with the Poisson loss matches the mean of `n_runs` runs
    instead, so it lands within its sampling error: step 1 alone pins ``p`` to
    ``sqrt(3 p (1 - p) / n_runs) / 3``, about 0.006 at 2,000 runs, and 4 of those make
    0.024. (Its default negative-binomial loss is the likelihood of one run plus noise,
    the law of observed counts, not of an average such as this curve.)

    >>> mc = ICEstimator(method="mc", loss="poisson", n_runs=2000, ci_method=None, rng=0)
    >>> bool(abs(mc.fit(tree, counts, seeds=[0]).p_ - 0.3) < 0.024)
    True

    The default negative-binomial loss suits real counts (hourly social data), noisier
    than Poisson ones; `simulate` and `forecast` then draw its fitted dispersion around
    each run. Counts that are a run of the model itself call for the Poisson loss; on
    the exact curve both give the same ``p``:

    >>> pois = ICEstimator(method="dmp", loss="poisson", ci_method=None)
    >>> round(pois.fit(tree, counts, seeds=[0]).p_, 3)
    0.3
    """

    def __init__(
        self,
        method=None,
        *,
        loss="negbin",
        n_runs=1000,
        external=False,
        base=None,
        bounds=None,
        external_bounds=(1e-8, 0.5),
        period=None,
        n_harmonics=1,
        regressors=None,
        condition_on_takeoff=False,
        takeoff=0.1,
        granularity="global",
        penalty=0.0,
        ci_method="auto",
        level=0.95,
        n_resamples=100,
        n_bootstrap_runs=None,
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
        self.period = period
        self.n_harmonics = n_harmonics
        self.regressors = regressors
        self.condition_on_takeoff = condition_on_takeoff
        self.takeoff = takeoff
        self.granularity = granularity
        self.penalty = penalty
        self.ci_method = ci_method
        self.level = level
        self.n_resamples = n_resamples
        self.n_bootstrap_runs = n_bootstrap_runs
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
        graph = check_graph(graph)
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
        season = _seasonal.external_schedule(
            data,
            steps_per_bin,
            seeds_in_trend,
            self.period,
            self.n_harmonics,
            self.regressors,
            external=bool(self.external),
            first_name="p" if self.base is None else "scale",
        )
        spec = ICSpec(graph, self.base, bool(self.external), bounds, ext, season)
        result = self._trend_fit(spec, graph, data, seeds, steps_per_bin, seeds_in_trend)
        theta = [result.params[n] for n in spec.names]
        self.params_ = dict(result.params)
        self.p_ = float(theta[0])
        self.external_ = float(theta[1]) if self.external else 0.0
        self.model_ = spec.model(np.array(theta)) if np.all(np.isfinite(theta)) else None
        return self

    def _fit_cascades(self, graph, cascades, dt):
        result = self._cascade_fit(
            graph,
            cascades,
            fit_ic,
            dt=dt,
            granularity=self.granularity,
            penalty=self.penalty,
        )
        self.params_ = dict(result.params)
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
