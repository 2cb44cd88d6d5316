"""Linear threshold fitted to data on a known graph: `LTEstimator` and `fit_lt`.

From an aggregate trend (`LTEstimator`, one threshold-law scalar by Monte Carlo with
common random numbers) or from cascades (the interval-censored likelihood of the
threshold brackets, FITTING.md §2.3.5: `fit_lt`, and `LTEstimator` with
``method="mle"``).
"""

import math
from dataclasses import replace

import numpy as np
import pandas as pd

from .. import weights as _weights
from .._random import root_seed
from .._validation import check_in, check_nonnegative_float
from ..cascades import Cascades
from ..exceptions import InvalidParameterError, warn
from ..models import LT
from ._lt_kernels import bracket_rows
from ._network import _MC_PARAMS, NetworkEstimator, check_graph
from ._problem import failed, fit_likelihood
from ._trend_problem import LTSpec
from .cascades import (
    _CascadeProblem,
    _check_cascades,
    _check_common,
    _resolve_dt,
    _seed_sets,
    _simulate_many,
)

__all__ = ["LTEstimator", "brackets", "fit_lt"]

_FAMILIES = ("beta", "power")


def _bracket_weights(cascades, weights):
    """In-weights ``b_uv`` per arc (graph arc order) from ``"wc"`` or an array."""
    g = cascades.graph
    if isinstance(weights, str):
        check_in(weights, name="weights", options=("wc",))
        indeg = np.maximum(g.in_degree, 1).astype(np.float64)
        return 1.0 / indeg[g.indices]
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (g.n_edges,):
        msg = f"`weights` must have one entry per arc ({g.n_edges}); got shape {w.shape}."
        raise InvalidParameterError(msg)
    return w


def brackets(cascades, dt, weights="wc"):
    """LT threshold brackets per (cascade, node) (FITTING.md §2.3.5).

    A node activated at step ``s`` >= 1 has ``w_low < theta <= w_high`` with
    ``w_low`` the in-weight from nodes active by step ``s - 2`` and ``w_high`` by
    ``s - 1``; an exposed node that never adopted has ``theta > w_high`` (``censored``).

    Parameters
    ----------
    dt : float
        Step width.
    weights : "wc" or array_like
        In-weights ``b_uv`` per arc (arc order of the graph); ``"wc"`` is
        ``1 / indeg(v)``.

    Returns
    -------
    pandas.DataFrame
        Columns ``cascade``, ``node`` (label), ``w_low``, ``w_high``, ``censored``.
    """
    g = cascades.need_graph("brackets")
    w = _bracket_weights(cascades, weights)
    casc_ptr, nodes, steps, labels = cascades.generations(dt)
    casc, node, lo, hi, cens = bracket_rows(
        g.indptr,
        g.indices,
        g.in_indptr,
        g.in_indices,
        np.ascontiguousarray(w[g.in_arc]),
        casc_ptr,
        nodes,
        steps,
        g.n_nodes,
    )
    return pd.DataFrame(
        {
            "cascade": labels[casc],
            "node": g.labels[node],
            "w_low": lo,
            "w_high": hi,
            "censored": cens,
        }
    )


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
        model = LT(weights=ctx["weights"], threshold_law=self.law(x))
        sim = _simulate_many(ctx["graph"], model, ctx["seed_sets"], root_seed(rng), None)
        lo, hi, w_cens, _ = _split_brackets(brackets(sim, 1.0, ctx["weight_array"]))
        return _LTBrackets(lo, hi, w_cens, self.family, ctx)

    def diagnostics(self, x):
        _, a, b = self.law(x)
        return {"threshold_mean": a / (a + b)}


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

        return weights, np.asarray(LT(weights=weights).arc_weights(graph))

    arr = _weights.check_lt_weights(graph, weights, name="weights")
    return np.asarray(arr), np.asarray(arr)


def fit_lt(
    cascades,
    *,
    dt=None,
    weights="wc",
    threshold_law="beta",
    level=0.95,
    ci_method="wald",
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
    threshold_law : {"beta", "power"}, default "beta"
        The family of the threshold law fitted: ``"beta"``: thresholds ~ Beta(a, b),
        params ``{"a", "b"}``. ``"power"``:
        thresholds ~ Beta(a, 1), ``F(w) = w^a`` (one parameter; ``a = 1`` is the
        uniform thresholds of Kempe et al.'s LT, ``a < 1`` easier adoption).
    level, ci_method, n_resamples, rng, max_iter
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
    On a star 0 -> 1..5 with weight 0.5 per arc, a leaf adopts iff its threshold is at
    most 0.5, with probability ``F(0.5) = 0.5**a``: the likelihood is binomial, so the
    MLE is ``a = log(share) / log(0.5)``, `share` the fraction of leaves that adopted.

    >>> import numpy as np, spread
    >>> from spread.fit import fit_lt, simulate_cascades
    >>> star = spread.Graph.from_edges([0, 0, 0, 0, 0], [1, 2, 3, 4, 5])
    >>> lt = spread.LT(weights=[0.5] * 5)
    >>> cs = simulate_cascades(star, lt, seeds=0, n_cascades=40, rng=0)
    >>> share = (cs.sizes.sum() - 40) / (5 * 40)
    >>> res = fit_lt(cs, weights=[0.5] * 5, threshold_law="power")
    >>> res.success, bool(np.isclose(res.params["a"], np.log(share) / np.log(0.5), rtol=1e-6))
    (True, True)

    On the karate club with uniform thresholds (``a = 1``), the 95% interval covers 1:

    >>> g = spread.datasets.load("karate")
    >>> cs = simulate_cascades(g, spread.LT(), seeds=[[0], [33], [5]] * 10, rng=0)
    >>> low, high = fit_lt(cs, threshold_law="power").conf_int()["a"]
    >>> bool(low < 1 < high)
    True
    """
    graph = _check_cascades(cascades, "fit_lt")
    family = check_in(threshold_law, name="threshold_law", options=_FAMILIES)
    level, ci_method, n_resamples, max_iter = _check_common(
        level, ci_method, n_resamples, max_iter
    )
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
        warn(note, UserWarning)
    if lo.size == 0:
        res = failed(
            problem,
            3,
            "No LT threshold brackets: no node adopted after the seeds with a newly active "
            "in-neighbour, so the cascades say nothing about the thresholds.",
            level=level,
        )
        return replace(res, diagnostics=diag, warnings=(*res.warnings, *notes))
    res = fit_likelihood(
        problem,
        max_iter=max_iter,
        level=level,
        ci_method=ci_method,
        n_resamples=n_resamples,
        rng=rng,
    )
    diag.update(res.diagnostics)
    return replace(res, diagnostics=diag, warnings=(*res.warnings, *notes))


class LTEstimator(NetworkEstimator):
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
    maximum likelihood (`spread.fit.fit_lt`).

    Parameters
    ----------
    method : {{"mc", "mle"}}, optional
        Default: "mc" for a trend, "mle" for cascades.
    parameter : {{"scale", "threshold_mean"}}, default "scale"
    weights : {{"wc", "weight"}} or array_like, default "wc"
        The arc weights ``w_uv`` (as in `spread.LT`).
    concentration : float, default 2.0
        ``a + b`` of the Beta threshold law (``parameter="threshold_mean"``).
    threshold_law : {{"beta", "power"}}, default "beta"
        Cascades only: the family of the threshold law fitted by `fit_lt` (Beta(a, b), or
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
    A tree: node 0 points at 1..4, each of those at one child, and node 5 at node 9.
    Every node has one in-arc of weighted-cascade weight 1, scaled to ``c``: it adopts
    iff its uniform threshold is at most ``c``, so from seed 0 the expected adopters
    per step are exactly ``[1, 4 c, 4 c**2, c**3]``. Fitted to that curve at
    ``c = 0.6``, the Monte Carlo fit with the Poisson loss (which matches the mean of
    the runs; the default negative-binomial loss is the likelihood of one run plus
    noise, the law of observed counts, not of an average such as this curve) finds
    ``c`` within its sampling error: step 1 alone pins it to
    ``sqrt(4 c (1 - c) / n_runs) / 4``, about 0.0055 at 2,000 runs, and 4 of those make
    0.022.

    >>> import spread
    >>> from spread.fit import LTEstimator
    >>> tree = spread.Graph.from_edges([0, 0, 0, 0, 1, 2, 3, 4, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9])
    >>> counts = [1, 4 * 0.6, 4 * 0.6**2, 0.6**3]
    >>> est = LTEstimator(loss="poisson", n_runs=2000, ci_method=None, rng=0)
    >>> est = est.fit(tree, counts, seeds=[0])
    >>> bool(abs(est.params_["scale"] - 0.6) < 0.022)
    True
    """

    def __init__(
        self,
        method=None,
        *,
        parameter="scale",
        weights="wc",
        concentration=2.0,
        threshold_law="beta",
        loss="negbin",
        n_runs=1000,
        bounds=None,
        condition_on_takeoff=False,
        takeoff=0.1,
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
        self.parameter = parameter
        self.weights = weights
        self.concentration = concentration
        self.threshold_law = threshold_law
        self.loss = loss
        self.n_runs = n_runs
        self.bounds = bounds
        self.condition_on_takeoff = condition_on_takeoff
        self.takeoff = takeoff
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

        Parameters are those of `ICEstimator.fit`.

        Returns
        -------
        self
        """
        graph = check_graph(graph)
        if isinstance(data, Cascades):
            return self._fit_cascades(graph, data, dt)
        method = self.method or "mc"
        check_in(method, name="method", options=("mc",))
        self._check_common()
        check_in(self.parameter, name="parameter", options=("scale", "threshold_mean"))
        if self.parameter == "scale":
            bounds = self._check_bounds(
                (1e-3, 1.0) if self.bounds is None else self.bounds, "bounds"
            )
        else:
            bounds = self._check_bounds(
                (0.01, 0.99) if self.bounds is None else self.bounds, "bounds"
            )
            if bounds[1] >= 1.0:
                msg = (
                    f"`bounds` of the threshold mean must lie inside (0, 1); got {self.bounds!r}."
                )
                raise InvalidParameterError(msg)
        conc = check_nonnegative_float(self.concentration, name="concentration", allow_zero=False)
        spec = LTSpec(graph, self.weights, self.parameter, conc, bounds)
        result = self._trend_fit(spec, graph, data, seeds, steps_per_bin, seeds_in_trend)
        self.params_ = dict(result.params)
        theta = np.array([result.params[n] for n in spec.names])
        self.model_ = spec.model(theta) if np.all(np.isfinite(theta)) else None
        return self

    def _fit_cascades(self, graph, cascades, dt):
        result = self._cascade_fit(
            graph,
            cascades,
            fit_lt,
            dt=dt,
            weights=self.weights,
            threshold_law=self.threshold_law,
        )
        self.params_ = dict(result.params)
        a, b = result.params.get("a"), result.params.get("b", 1.0)  # "power": Beta(a, 1)
        self.model_ = (
            LT(weights=self.weights, threshold_law=("beta", a, b))
            if a is not None and b is not None and np.isfinite([a, b]).all()
            else None
        )
        return self
