"""NetRate: continuous-time transmission rates from timed cascades on a known graph.

Gomez-Rodriguez, Balduzzi & Schölkopf's model (ICML 2011): an infected node ``j``
infects each out-neighbour ``i`` after a random delay with density
``f(t | t_j; alpha_ji)``; ``i`` is infected by the first of its infected
in-neighbours to reach it, and the cascade is watched until the end of its window.
`simulate_ctic` draws such cascades (every arc transmits, with a random delay;
infection times are shortest paths), and `NetRateEstimator` fits the rates.
"""

import itertools
import math
import numbers

import numpy as np
import pandas as pd

from .._random import CASCADES, SEED_RULE, generator, root_seed
from .._validation import check_in, check_nonnegative_float, ndim_of
from ..cascades import Cascades
from ..convert import weight_array
from ..exceptions import InvalidParameterError, NotFittedError
from ..graph import Graph
from ._netrate_kernels import netrate_pairs
from ._problem import failed, fit_likelihood
from ._settings import _Settings
from ._targets import granular_result, solve_targets, target_params
from .cascades import _CascadeProblem, _check_common, _parse_seed_sets

__all__ = ["NetRateEstimator", "fit_netrate", "simulate_ctic"]

_KERNELS = ("exp", "power", "rayleigh")


# ================================================================== kernels
def _survival_terms(kernel, gap, min_delay):
    """``-log S(gap) / alpha``: the exposure a pair adds (linear in alpha)."""
    if kernel == "exp":
        return gap
    if kernel == "power":
        return np.where(gap > min_delay, np.log(np.maximum(gap, min_delay) / min_delay), 0.0)
    return 0.5 * gap * gap


def _hazard_terms(kernel, gap, min_delay):
    """``H(gap) / alpha``: the hazard a parent adds at the infection (linear in alpha)."""
    if kernel == "exp":
        return np.ones_like(gap)
    if kernel == "power":
        return np.where(gap > min_delay, 1.0 / np.maximum(gap, min_delay), 0.0)
    return gap


def _draw_delays(kernel, alpha, size, min_delay, gen):
    u = gen.random(size)
    with np.errstate(divide="ignore"):
        if kernel == "exp":
            return -np.log1p(-u) / alpha
        if kernel == "power":  # S(t) = (t / min_delay)^(-alpha), t > min_delay
            return min_delay * np.exp(-np.log1p(-u) / alpha)
        return np.sqrt(-2.0 * np.log1p(-u) / alpha)  # S(t) = exp(-alpha t^2 / 2)


def _check_alpha(alpha, graph):
    if ndim_of(alpha) == 0:
        a = check_nonnegative_float(alpha, name="alpha", allow_zero=False)
        return np.full(graph.n_edges, a)
    a = weight_array(alpha, graph.n_edges, what="arc", name="alpha")  # finite, one per arc
    if not np.all(a >= 0):
        i = int(np.flatnonzero(~(a >= 0))[0])
        msg = f"`alpha` must hold finite rates >= 0; got {float(a[i])!r} at arc {i}."
        raise InvalidParameterError(msg)
    return a


def _ctic_times(graph, delays, seed_idx):
    """Infection times: shortest-path distances from the seeds with arc lengths `delays`."""
    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import dijkstra

    n = graph.n_nodes
    mat = csr_matrix(
        (np.asarray(delays, dtype=np.float64), graph.indices, graph.indptr), shape=(n, n)
    )
    return dijkstra(mat, directed=True, indices=np.asarray(seed_idx), min_only=True)


def simulate_ctic(
    graph, alpha, *, kernel="exp", horizon, seeds=None, n_cascades=None, rng=None, min_delay=1.0
):
    """Continuous-time independent cascades: NetRate's generative model.

    Every infected node ``j`` infects each out-neighbour ``i`` after a delay drawn
    from the arc's law (independent across arcs and cascades); ``i`` is infected at
    the earliest arrival, so infection times are shortest-path distances from the
    seeds (computed with `scipy.sparse.csgraph.dijkstra`). Nodes infected after `horizon`
    are not observed.

    Parameters
    ----------
    graph : Graph
    alpha : float or array_like
        Transmission rate, one for all arcs or one per arc (graph arc order).
    kernel : {"exp", "power", "rayleigh"}, default "exp"
        Delay law: exponential ``S(t) = e^{-alpha t}``; power law
        ``S(t) = (t / min_delay)^{-alpha}`` for ``t > min_delay``; Rayleigh
        ``S(t) = e^{-alpha t^2 / 2}``.
    horizon : float or array_like
        Observation window (one for all cascades, or one per cascade).
    seeds, n_cascades
        As for `simulate_cascades`: seed sets, one set repeated, or None for one
        random seed per cascade. Seeds are infected at time 0.
    rng : None, int, SeedSequence or Generator
        Cascade ``i`` draws its delays from its own stream (``CASCADES`` of
        `spread._random`), a function of `rng` and ``i`` only.
    min_delay : float, default 1
        Minimum delay of the power law.

    Returns
    -------
    Cascades
        Cascade ids ``0 .. n - 1``, infection times in ``[0, horizon]``.

    Examples
    --------
    From the hub of a star 0 -> 1..5, a leaf is infected after an Exp(`alpha`) delay,
    so within the horizon ``T`` with probability ``1 - e^{-alpha T}`` (0.451 at
    ``alpha = 0.3``, ``T = 2``); over 2,000 cascades the share of the 10,000 leaves
    infected lies within 4 binomial standard errors of it:

    >>> import numpy as np, spread
    >>> from spread.fit import simulate_ctic
    >>> star = spread.Graph.from_edges([0, 0, 0, 0, 0], [1, 2, 3, 4, 5])
    >>> cs = simulate_ctic(star, 0.3, horizon=2.0, seeds=0, n_cascades=2000, rng=0)
    >>> share = (cs.sizes.sum() - 2000) / 10_000  # adoptions other than the seeds
    >>> exact = 1 - np.exp(-0.3 * 2.0)
    >>> bool(abs(share - exact) < 4 * np.sqrt(exact * (1 - exact) / 10_000))
    True
    >>> bool(cs.data["time"].between(0, 2.0).all())
    True
    """
    if not isinstance(graph, Graph):
        msg = f"`graph` must be a spread.Graph; got {type(graph).__name__}."
        raise InvalidParameterError(msg)
    kernel = check_in(kernel, name="kernel", options=_KERNELS)
    rates = _check_alpha(alpha, graph)
    min_delay = check_nonnegative_float(min_delay, name="min_delay", allow_zero=False)
    root = root_seed(rng)
    sets = _parse_seed_sets(graph, seeds, n_cascades, generator(root, SEED_RULE, 0))
    if ndim_of(horizon) == 0:
        windows = np.full(len(sets), check_nonnegative_float(horizon, name="horizon"))
    else:
        windows = np.asarray(horizon, dtype=np.float64)
        if windows.shape != (len(sets),) or not np.all(np.isfinite(windows) & (windows >= 0)):
            msg = (
                f"`horizon` must be a window >= 0 or one per cascade ({len(sets)}); "
                f"got {np.asarray(horizon)!r:.80}."
            )
            raise InvalidParameterError(msg)
    parts_c, parts_v, parts_t = [], [], []
    with np.errstate(divide="ignore"):
        for i, seed_idx in enumerate(sets):
            stream = generator(root, CASCADES, i)
            delays = np.where(
                rates > 0, _draw_delays(kernel, rates, graph.n_edges, min_delay, stream), np.inf
            )
            dist = _ctic_times(graph, delays, seed_idx)
            hit = np.flatnonzero(dist <= windows[i])
            order = np.argsort(dist[hit], kind="stable")
            parts_c.append(np.full(hit.size, i))
            parts_v.append(hit[order])
            parts_t.append(dist[hit][order])
    idx = np.concatenate(parts_v)
    df = pd.DataFrame(
        {
            "cascade": np.concatenate(parts_c),
            "node": graph.labels[idx],
            "time": np.concatenate(parts_t),
        }
    )
    return Cascades.from_frame(df, graph=graph)


# =============================================================== statistics
def _windows(cascades, horizon):
    """Per-cascade windows (time from each cascade's first adoption) and rows inside them."""
    data = cascades.data
    rel = cascades.relative_times()
    codes, labels = pd.factorize(data["cascade"], sort=False)
    last = np.zeros(labels.size)
    np.maximum.at(last, codes, rel)
    if horizon is None:
        return last, np.ones(rel.size, dtype=bool), rel, codes
    if isinstance(horizon, np.ndarray):  # per-cascade windows (the bootstrap's resamples)
        return horizon, rel <= horizon[codes], rel, codes
    if isinstance(horizon, str | pd.Timedelta):
        try:
            horizon = pd.Timedelta(horizon) / pd.Timedelta("1s")
        except (TypeError, ValueError):
            msg = f"`horizon` must be a window length (a number, or a time span such as '7D'); got {horizon!r}."
            raise InvalidParameterError(msg) from None
    if isinstance(horizon, bool) or not isinstance(horizon, numbers.Real):
        msg = f"`horizon` must be a window length (a number, or a time span such as '7D'); got {horizon!r}."
        raise InvalidParameterError(msg)
    horizon = check_nonnegative_float(horizon, name="horizon")
    return np.full(labels.size, horizon), rel <= horizon, rel, codes


class _Stats:
    """NetRate sufficient statistics of one set of cascades under one kernel."""

    def __init__(self, graph, cascades, kernel, min_delay, horizon):
        self.windows, inside, rel, codes = _windows(cascades, horizon)
        self.n_after_window = int(np.sum(~inside))
        nodes = cascades.data["index"].to_numpy(dtype=np.int64)[inside]
        times = rel[inside]
        codes = codes[inside]
        bounds = np.flatnonzero(np.diff(codes)) + 1
        casc_ptr = np.concatenate([[0], bounds, [codes.size]]).astype(np.int64)
        self.sources = [nodes[a:b][times[a:b] == 0] for a, b in itertools.pairwise(casc_ptr)]
        casc, arc, gap, infected = netrate_pairs(
            graph.indptr, graph.indices, casc_ptr, nodes, times, self.windows, graph.n_nodes
        )
        psi = _survival_terms(kernel, gap, min_delay)
        h = _hazard_terms(kernel, gap, min_delay)
        self.arc = arc
        self.psi = psi
        self.exposure = float(psi.sum())
        self.arc_pairs = np.bincount(arc, minlength=graph.n_edges).astype(np.int64)
        self.arc_used = np.bincount(arc, weights=(psi > 0) | (h > 0), minlength=graph.n_edges) > 0
        # infection events: (cascade, target) with at least one parent of positive hazard
        hit = np.flatnonzero(infected & (h > 0))
        target = graph.indices[arc[hit]].astype(np.int64)
        order = np.lexsort((casc[hit], target))
        hit, target = hit[order], target[order]
        new = np.ones(hit.size, dtype=bool)
        new[1:] = (target[1:] != target[:-1]) | (casc[hit][1:] != casc[hit][:-1])
        starts = np.flatnonzero(new)
        self.grp_ptr = np.concatenate([starts, [hit.size]]).astype(np.int64)
        self.grp_target = target[starts]
        self.grp_arc = arc[hit]
        self.grp_coef = h[hit]
        self.n_events = int(starts.size)
        sums = np.add.reduceat(self.grp_coef, starts) if starts.size else np.empty(0)
        self.log_hazard = float(np.sum(np.log(sums)))
        n_infected = int(times.size) - sum(s.size for s in self.sources)
        self.n_unexplained = n_infected - self.n_events
        self.n_pairs = int(arc.size)


class _NetRateGlobal(_CascadeProblem):
    """One rate for every arc: ``log L = N log alpha + C - alpha E`` (closed form N / E)."""

    loss_name = "netrate"
    simulator = "simulate_ctic"
    names = ("alpha",)
    logs = np.array([True])
    nuisance = ()

    def __init__(self, stats, context):
        self.stats = stats
        self.context = context
        self.model = f"netrate_{context['kernel']}"
        self.n_obs = stats.n_events
        self.observed_total = float(stats.n_events)
        n, e = stats.n_events, stats.exposure
        self.closed_form = n / e if n > 0 and e > 0 else math.nan
        centre = math.log(self.closed_form) if np.isfinite(self.closed_form) else 0.0
        self.bounds_x = [(centre - 40.0, centre + 40.0)]
        self.starts_x = [np.array([centre])]

    def nll(self, x):
        s = self.stats
        return float(-(s.n_events * x[0] + s.log_hazard - math.exp(x[0]) * s.exposure))

    def grad(self, x):
        s = self.stats
        return np.array([-(s.n_events - math.exp(x[0]) * s.exposure)])

    def hessian(self, x):
        return np.array([[math.exp(x[0]) * self.stats.exposure]])

    def resample(self, x, rng):
        ctx = self.context
        alpha = ctx["arc_alpha"] if ctx.get("arc_alpha") is not None else math.exp(x[0])
        sim = simulate_ctic(
            ctx["graph"],
            alpha,
            kernel=ctx["kernel"],
            horizon=self.stats.windows,
            seeds=[list(ctx["graph"].label_of(s)) for s in self.stats.sources],
            rng=rng,
            min_delay=ctx["min_delay"],
        )
        stats = _Stats(ctx["graph"], sim, ctx["kernel"], ctx["min_delay"], self.stats.windows)
        return _NetRateGlobal(stats, ctx)


# ================================================================ estimator
class NetRateEstimator(_Settings):
    """NetRate transmission rates from timed cascades on a known graph.

    Maximises NetRate's likelihood (Gomez-Rodriguez, Balduzzi & Schölkopf 2011) with
    the candidate parents restricted to the graph's in-neighbours. For a cascade
    watched over ``[0, horizon]``,

    ``log L = sum_{i infected} [log sum_{j -> i, t_j < t_i} H(t_i - t_j; alpha_ji)
    + sum_{j -> i, t_j < t_i} log S(t_i - t_j; alpha_ji)]
    + sum_{m not infected} sum_{j -> m infected} log S(horizon - t_j; alpha_jm)``,

    where ``log S`` and ``H`` are linear in ``alpha``, so the problem is concave.
    ``granularity="global"``: one rate, in closed form ``alpha = N / E`` (``N``
    infections with at least one infected parent, ``E`` the summed exposure
    ``-log S / alpha``), with Wald and profile intervals from the same machinery
    as the curve fits. ``"edge"``: one rate per arc, by the convex per-target
    problems (solved by projected Newton). Seeds (the adoptions at a cascade's first
    time) are sources and carry no infection term.

    Parameters
    ----------
    kernel : {"exp", "power", "rayleigh"}, default "exp"
        Pairwise delay law, as in `simulate_ctic` (``H = alpha``,
        ``alpha / t`` for ``t > min_delay``, ``alpha t``).
    granularity : {"global", "edge"}, default "global"
    penalty : float, optional
        L2 shrinkage of the per-arc rates toward the global estimate ``alpha0``,
        with the weight of `penalty` infections: adds
        ``penalty / (2 alpha0^2) (alpha - alpha0)^2`` per arc. None or 0: none.
    min_delay : float, default 1
        Minimum delay of the power-law kernel (time units of the cascades).
    level, ci_method, n_resamples, rng, max_iter
        As for `fit_ic`; the bootstrap re-simulates with `simulate_ctic` from the
        same sources and windows.

    Attributes
    ----------
    params_ : dict
        The fitted global rate, ``{"alpha": ...}``.
    alpha_ : float or numpy.ndarray
        The global rate, or one rate per arc (graph arc order; arcs never exposed
        get the global rate). Rates are per unit of the cascades' time (per second
        for datetime input).
    alpha_stderr_ : float or numpy.ndarray
        Standard errors (NaN where undefined).
    model_ : CTIC
        The fitted rates as a continuous-time IC model that `spread.simulate` and
        `spread.maximize` take: every arc transmits (``p = 1``; 0 where a per-arc rate
        is 0) after a delay of the kernel's law, exponential with rate ``alpha``,
        Rayleigh as a Weibull of shape 2 and scale ``sqrt(2 / alpha)``, the power law
        as a Pareto of index ``alpha`` above `min_delay` (one rate only).
    result_ : FitResult
        ``params == {"alpha": global rate}``; ``diagnostics`` hold ``n_events``,
        ``n_pairs``, ``exposure``, ``n_unexplained`` (infections with no earlier
        infected in-neighbour, which the model cannot produce: left out),
        ``n_after_window`` and, for ``"edge"``, ``arc_alpha``, ``arc_stderr``,
        ``arc_pairs``. As for `fit_ic`, a per-arc fit's `loglik`, `aic` and `bic`
        describe the per-arc model.
    n_iter_ : int

    References
    ----------
    M. Gomez-Rodriguez, D. Balduzzi, B. Schölkopf, "Uncovering the temporal dynamics
    of diffusion networks", ICML 2011.

    Examples
    --------
    On a star 0 -> 1..5 every leaf has one parent, the hub, infected at 0: the
    likelihood is that of exponential delays censored at the horizon ``T``, and the
    MLE is the number of leaves infected over their total exposure, the sum of their
    delays plus ``T`` for each leaf never infected:

    >>> import numpy as np, spread
    >>> from spread.fit import NetRateEstimator, simulate_ctic
    >>> star = spread.Graph.from_edges([0, 0, 0, 0, 0], [1, 2, 3, 4, 5])
    >>> cs = simulate_ctic(star, 0.5, horizon=3.0, seeds=0, n_cascades=20, rng=0)
    >>> delays = cs.data.loc[cs.data["node"] != 0, "time"]
    >>> exposure = delays.sum() + 3.0 * (5 * 20 - len(delays))
    >>> est = NetRateEstimator().fit(star, cs, horizon=3.0)
    >>> est.result_.success, bool(np.isclose(est.alpha_, len(delays) / exposure))
    (True, True)

    On the karate club the 95% interval covers the rate simulated:

    >>> g = spread.datasets.load("karate")
    >>> cs = simulate_ctic(g, 0.5, horizon=3.0, n_cascades=20, rng=0)
    >>> low, high = NetRateEstimator().fit(g, cs, horizon=3.0).result_.conf_int()["alpha"]
    >>> bool(low < 0.5 < high)
    True
    """

    def __init__(
        self,
        *,
        kernel="exp",
        granularity="global",
        penalty=None,
        min_delay=1.0,
        level=0.95,
        ci_method="wald",
        n_resamples=200,
        rng=None,
        max_iter=1000,
    ):
        self.kernel = kernel
        self.granularity = granularity
        self.penalty = penalty
        self.min_delay = min_delay
        self.level = level
        self.ci_method = ci_method
        self.n_resamples = n_resamples
        self.rng = rng
        self.max_iter = max_iter

    def fit(self, graph, cascades, horizon=None):
        """Fit the rates; returns self.

        Parameters
        ----------
        graph : Graph
        cascades : Cascades
            Timed adoptions (the graph is attached if the cascades have none).
        horizon : float, str or pandas.Timedelta, optional
            Length of every cascade's observation window, from its first adoption
            (a time span for datetime input). Default: each cascade's last adoption.
            Adoptions after the window are left out (counted in ``n_after_window``).

        Raises
        ------
        InvalidParameterError
            An unknown option, a negative `horizon`, or cascades on another graph.
        NodeNotFound
            A cascade node that is not in `graph`.
        """
        kernel = check_in(self.kernel, name="kernel", options=_KERNELS)
        granularity = check_in(self.granularity, name="granularity", options=("global", "edge"))
        penalty = (
            0.0 if self.penalty is None else check_nonnegative_float(self.penalty, name="penalty")
        )
        min_delay = check_nonnegative_float(self.min_delay, name="min_delay", allow_zero=False)
        level, ci_method, n_resamples, max_iter = _check_common(
            self.level, self.ci_method, self.n_resamples, self.max_iter
        )
        if not isinstance(graph, Graph):
            msg = f"`graph` must be a spread.Graph; got {type(graph).__name__}."
            raise InvalidParameterError(msg)
        if not isinstance(cascades, Cascades):
            msg = f"`cascades` must be a spread.fit.Cascades; got {type(cascades).__name__}."
            raise InvalidParameterError(msg)
        if cascades.graph is None:
            cascades = Cascades(
                Cascades.from_frame(cascades.data, graph=graph).data, graph, cascades.origin
            )
        elif cascades.graph is not graph:
            msg = (
                "`cascades` must be built on `graph` (or without a graph); they carry "
                f"another graph ({cascades.graph.n_nodes:,} nodes)."
            )
            raise InvalidParameterError(msg)
        stats = _Stats(graph, cascades, kernel, min_delay, horizon)
        context = {"graph": graph, "kernel": kernel, "min_delay": min_delay, "arc_alpha": None}
        problem = _NetRateGlobal(stats, context)
        diag = {
            "n_events": stats.n_events,
            "n_pairs": stats.n_pairs,
            "exposure": stats.exposure,
            "n_unexplained": stats.n_unexplained,
            "n_after_window": stats.n_after_window,
            "n_cascades": cascades.n_cascades,
            "kernel": kernel,
        }
        if stats.n_events == 0 or stats.exposure <= 0:
            res = failed(
                problem,
                3,
                "No infection has an earlier infected in-neighbour (with a positive hazard), "
                "so the cascades say nothing about the rates.",
                level=level,
            )
            res = _replace(res, diagnostics=diag)
            self.params_ = dict(res.params)
            self.alpha_, self.alpha_stderr_, self.result_, self.n_iter_ = (
                math.nan,
                math.nan,
                res,
                0,
            )
            return self
        res = fit_likelihood(problem, max_iter=max_iter, level=level, ci_method="wald")
        diag.update(res.diagnostics)
        alpha0 = res.params["alpha"]
        alpha, stderr = alpha0, res.stderr["alpha"]
        if granularity == "edge":
            out, loglik, n_par, n_bad, nit = _edge_rates(graph, stats, alpha0, penalty, max_iter)
            diag.update(out)
            diag["penalty"] = penalty
            context["arc_alpha"] = out["arc_alpha"]
            res = granular_result(
                res, f"{problem.model}_edge", loglik, n_par, n_bad, nit, max_iter
            )
            alpha, stderr = out["arc_alpha"], out["arc_stderr"]
        res = _replace(res, diagnostics=diag)
        if ci_method != "wald" and res.success:
            res = res.with_conf_int(ci_method, level, n_resamples=n_resamples, rng=self.rng)
        self.params_ = dict(res.params)
        self.alpha_, self.alpha_stderr_, self.result_, self.n_iter_ = alpha, stderr, res, res.nit
        return self

    @property
    def model_(self):
        """The fitted rates as a `spread.CTIC` model (see the class attributes).

        Examples
        --------
        >>> import spread
        >>> from spread.fit import NetRateEstimator, simulate_ctic
        >>> g = spread.datasets.load("karate")
        >>> cs = simulate_ctic(g, 0.5, horizon=3.0, n_cascades=50, rng=0)
        >>> model = NetRateEstimator().fit(g, cs, horizon=3.0).model_
        >>> model.delay[0], round(float(model.delay[1]), 1)
        ('exponential', 0.5)
        """
        from ..models import CTIC

        if not hasattr(self, "alpha_"):
            msg = "This NetRateEstimator instance is not fitted yet. Call `fit` first."
            raise NotFittedError(msg)
        alpha = np.asarray(self.alpha_, dtype=np.float64)
        live = alpha > 0
        p = float(live) if alpha.ndim == 0 else live.astype(np.float64)
        rate = np.where(live, alpha, 1.0) if alpha.ndim else (float(alpha) if live else 1.0)
        if self.kernel == "exp":
            return CTIC(p=p, delay=("exponential", rate))
        if self.kernel == "rayleigh":
            return CTIC(p=p, delay=("weibull", 2.0, np.sqrt(2.0 / rate)))
        if alpha.ndim:
            msg = "`model_` of the power-law kernel takes one rate; fit with granularity='global'."
            raise InvalidParameterError(msg)
        from scipy import stats

        return CTIC(p=p, delay=stats.pareto(rate, scale=float(self.min_delay)))


def _replace(res, **kwargs):
    from dataclasses import replace

    return replace(res, **kwargs)


def _edge_rates(graph, stats, alpha0, penalty, max_iter):
    """Per-arc rates by the convex per-target NetRate problems."""
    par_of_arc, per_block = target_params(graph, stats.arc_used, "edge")
    n_par = int(per_block.sum())
    used = par_of_arc[stats.arc] >= 0
    lin = np.bincount(par_of_arc[stats.arc[used]], weights=stats.psi[used], minlength=n_par)
    grp_par = par_of_arc[stats.grp_arc]
    x, se, n_bad, nit = solve_targets(
        1,
        per_block,
        lin,
        stats.grp_target,
        stats.grp_ptr,
        grp_par,
        stats.grp_coef,
        np.full(n_par, alpha0),
        np.full(n_par, penalty / alpha0**2),
        np.full(n_par, 1e6 * alpha0),
        max_iter,
    )
    sums = (
        np.add.reduceat(stats.grp_coef * x[grp_par], stats.grp_ptr[:-1])
        if grp_par.size
        else np.empty(0)
    )
    with np.errstate(divide="ignore"):
        loglik = float(np.sum(np.log(sums)) - np.dot(lin, x))
    has = par_of_arc >= 0
    out = {
        "arc_alpha": np.where(has, x[np.maximum(par_of_arc, 0)], alpha0),
        "arc_stderr": np.where(has, se[np.maximum(par_of_arc, 0)], np.nan),
        "arc_pairs": stats.arc_pairs,
        "n_at_bound": int(np.sum((x <= 0) | (x >= 1e6 * alpha0))),
    }
    return out, loglik, n_par, n_bad, nit


def fit_netrate(
    graph,
    cascades,
    horizon=None,
    *,
    kernel="exp",
    granularity="global",
    penalty=None,
    min_delay=1.0,
    level=0.95,
    ci_method="wald",
    n_resamples=200,
    rng=None,
    max_iter=1000,
):
    """Fit NetRate rates; returns the `FitResult` (parameters as `NetRateEstimator`).

    Examples
    --------
    Rayleigh delays have survival ``e^{-alpha t**2 / 2}`` and hazard ``alpha t``. On a
    star 0 -> 1..5 seeded at the hub the MLE is then the number of leaves infected over
    the sum of ``t**2 / 2``: their delays, and ``T`` for each leaf never infected.

    >>> import numpy as np, spread
    >>> from spread.fit import fit_netrate, simulate_ctic
    >>> star = spread.Graph.from_edges([0, 0, 0, 0, 0], [1, 2, 3, 4, 5])
    >>> cs = simulate_ctic(star, 0.5, kernel="rayleigh", horizon=3.0, seeds=0,
    ...                    n_cascades=20, rng=0)
    >>> delays = cs.data.loc[cs.data["node"] != 0, "time"]
    >>> exposure = (delays**2).sum() / 2 + 3.0**2 / 2 * (5 * 20 - len(delays))
    >>> res = fit_netrate(star, cs, 3.0, kernel="rayleigh")
    >>> res.model, bool(np.isclose(res.params["alpha"], len(delays) / exposure))
    ('netrate_rayleigh', True)
    """
    est = NetRateEstimator(
        kernel=kernel,
        granularity=granularity,
        penalty=penalty,
        min_delay=min_delay,
        level=level,
        ci_method=ci_method,
        n_resamples=n_resamples,
        rng=rng,
        max_iter=max_iter,
    )
    return est.fit(graph, cascades, horizon=horizon).result_
