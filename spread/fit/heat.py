"""Heat diffusion fitted to data on a known graph: `HeatEstimator`.

Heat ``beta`` from observed node states (least squares, Wald intervals) or from a
thresholded trend (the adopters counted at the bin ends; a parametric bootstrap).
"""

import math

import numpy as np
import pandas as pd

from .._validation import check_in, check_int, check_level, check_nonnegative_float, ndim_of
from ..exceptions import InvalidParameterError
from ..models import Heat, solve
from ..trend import Trend, as_trend
from ._losses import negbin_dispersion, sample_counts, trend_loss
from ._network import COUNT_LOSSES, NetworkEstimator, check_graph
from ._optimize import Objective, minimize_noisy
from ._problem import XTOL_NOISY, Problem, assemble, failed, on_bounds
from ._result import TERMINATION_MESSAGES
from ._uncertainty import with_bootstrap

__all__ = ["HeatEstimator"]


class _HeatProblem(Problem):
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

        t = self.template
        return Heat(
            beta=float(beta),
            kind=t.kind,
            threshold=t.threshold,
            source_heat=t.source_heat,
            tol=t.tol,
        )

    def _heat(self, beta, times, keep="all"):

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
            return trend_loss(self.loss_name, self.y, self.counts(beta, self.n_bins))
        res = self._heat(beta, self.times)
        return float(np.sum((res.heat[:, self.observed_index] - self.y_states) ** 2))

    def solve(self, x0=None, width=None):
        obj = Objective(self.nll, self.bounds_x)
        nit = minimize_noisy(obj, x0, width, 25 if x0 is None else 9)
        x, fun = obj.best()
        return x, fun, nit, obj.nfev

    # FitResult hooks (trend fits)
    def predict(self, x, n_total):
        return self.counts(math.exp(float(x[0])), n_total)

    error_models = ("independent", "ar1")
    smooth = False  # heat fits offer the bootstrap, not profiles

    def sample(self, x, bins, n, rng, xs=None, *, noise=True):
        bins = np.asarray(bins, dtype=np.int64)
        n_total = int(bins.max()) + 1 if bins.size else 0
        if xs is None:  # one curve: every path is noise around it
            mu = np.broadcast_to(self.predict(x, n_total)[bins], (n, bins.size))
            return sample_counts(rng, mu, self.dispersion) if noise else np.array(mu)
        out = np.empty((n, bins.size))
        for r in range(n):
            mu = self.predict(xs[r], n_total)[bins]
            out[r] = sample_counts(rng, mu, self.dispersion) if noise else mu
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


class HeatEstimator(NetworkEstimator):
    """Heat-diffusion rate ``beta`` from node states or from a thresholded trend.

    The model is `spread.Heat`: ``f(t) = exp(beta t H) f(0)`` from heat on the seeds.
    Only ``beta * t`` is identified: ``beta`` is per unit of `time_per_bin` (trends) or
    of the given `times` (node states).

    - **Node states** (``fit(graph, states, seeds, times=...)``: observed heat of all or
      some nodes at several times) are fitted by least squares, a smooth 1-d problem
      (grid, then bounded Brent in ``log beta``); intervals are Wald from the
      Gauss-Newton information ``sum ||t H f(t)||^2 / sigma^2`` or, with
      ``ci_method="bootstrap"``, a parametric bootstrap with Gaussian noise of the residual
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
    loss : {"negbin", "poisson", "squared", "sqrt"}, default "negbin"
        Trend fits only; as for `ICEstimator` (``"negbin"``: counts drawn by
        `simulate`, `forecast` and the bootstrap are negative binomial around the
        heat curve, with the fitted dispersion).
    bounds : (float, float), optional
        Range searched for ``beta``. Default: ``(1e-3, 1e2) / (t_max * d)``, with
        ``t_max`` the last observed time and ``d`` the mean rate at which a node loses
        heat (its mean degree for ``kind="undirected"``): from almost no spread to far
        past equilibrium. (A wider range costs time: the work per evaluation grows with
        ``beta * t_max * max_degree``.)
    ci_method : {"auto", "wald", "bootstrap", None}, default "auto"
        "auto": "wald" for node states, "bootstrap" for trends; None computes no
        interval (for node states the Wald one costs nothing and is kept).
    level : float, default 0.95
    n_resamples : int, default 100
    rng, n_jobs, progress, client
        As for `ICEstimator`.

    Attributes
    ----------
    params_ : dict
        ``{"beta": ...}``.
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
        loss="negbin",
        bounds=None,
        ci_method="auto",
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
        self.ci_method = ci_method
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

        graph = check_graph(graph)
        if seeds is None:
            msg = "`seeds` is required for heat: the initial heat (labels, {label: heat} or a vector)."
            raise InvalidParameterError(msg)
        if self.bounds is not None:
            lo, hi = self._check_bounds(self.bounds, "bounds", upper=np.inf)
        check_level(self.level)
        is_states = isinstance(data, pd.DataFrame) or (
            not isinstance(data, Trend | pd.Series) and ndim_of(data) == 2
        )
        ci_method = "none" if self.ci_method is None else self.ci_method
        check_in(ci_method, name="ci_method", options=("auto", "wald", "bootstrap", "none"))
        if ci_method == "auto":
            ci_method = "wald" if is_states else "bootstrap"
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
            check_in(self.loss, name="loss", options=COUNT_LOSSES)
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
        few = problem.too_few()
        if problem.observed_total <= 0:
            result = failed(problem, 3, TERMINATION_MESSAGES[3], level=float(self.level))
        elif few:
            result = failed(problem, 6, few, level=float(self.level))
        else:
            result = self._fit_problem(problem, is_states, ci_method)
        self.result_ = result
        self.params_ = dict(result.params)
        self.beta_ = result.params["beta"]
        self.n_iter_ = result.nit
        self.model_ = problem.heat_model(self.beta_) if np.isfinite(self.beta_) else None
        self.graph_ = graph
        return self

    def _fit_problem(self, problem, is_states, ci_method):
        level = float(self.level)
        x, fun, nit, nfev = problem.solve()
        problem.x_hat = x
        beta = math.exp(float(x[0]))
        on_bound = bool(on_bounds(problem, x, XTOL_NOISY))
        diag = {"n_terms": None}
        cov_x = None
        sigma = math.nan
        if is_states:
            J, fitted = problem.jacobian(beta)
            dof = max(problem.n_obs - 1, 1)
            sigma = math.sqrt(fun / dof)
            info = float(np.sum(J * J)) / max(sigma * sigma, 1e-300)
            if info > 0 and not on_bound:
                # Gauss-Newton information of log(beta): beta^2 * info.
                cov_x = np.array([[1.0 / (info * beta * beta)]])
            diag.update({"residual_sd": sigma, "fitted_states": fitted, "rss": fun})
        else:
            fitted = problem.counts(beta, problem.n_bins)
            diag.update({"fitted": fitted})
            if problem.loss_name == "negbin":
                problem.dispersion = diag["dispersion"] = negbin_dispersion(problem.y, fitted)[0]
        result = assemble(
            problem,
            x,
            fun=fun,
            nit=nit,
            nfev=nfev,
            xtol=XTOL_NOISY,
            level=level,
            cov_x=cov_x,
            diagnostics=diag,
        )
        problem.sigma = sigma
        if ci_method == "bootstrap" and result.success:
            n = check_int(self.n_resamples, name="n_resamples", min_value=2)
            boot = result.bootstrap(n, rng=self.rng, client=self.client, progress=self.progress)
            result = with_bootstrap(result, boot, level)
        return result

    def predict_states(self, times):
        """Heat of every node at `times` under the fitted ``beta`` (rows: times)."""

        self._check_fitted("predict_states")
        return solve(self.graph_, self.result_._fit.f0, self.model_, times=times).heat
