"""What the network estimators (`ICEstimator`, `LTEstimator`, `HeatEstimator`) share."""

from .._common import check_memory
from .._random import root_seed
from .._validation import check_in, check_int, check_level, check_nonnegative_float
from ..exceptions import InvalidParameterError
from ..graph import Graph
from ..trend import as_trend
from ._errors import MIN_ERROR_BINS
from ._seed_rules import resolve_seeds_or_rule
from ._settings import _Settings, _TrendMethods
from ._trend_problem import SMOOTH_LOSSES, TrendProblem

__all__ = ["NetworkEstimator", "check_graph"]

#: The losses on the counts themselves (every network estimator), and with the AR(1)
#: errors' likelihood of their logs (the IC, LT and CTIC estimators).
COUNT_LOSSES = ("poisson", "negbin", "squared", "sqrt")
LOSSES = (*COUNT_LOSSES, "ar1")


_MC_PARAMS = """
    loss : {"negbin", "poisson", "squared", "sqrt", "ar1"}, default "negbin"
        Discrepancy between the observed counts per bin and the expected ones:
        negative-binomial (NB2) negative log-likelihood with its dispersion ``k``
        profiled out (the default, as for the curve fits); Poisson deviance; squared
        error; or squared error of square roots (variance-stabilised). With
        ``"negbin"``, `simulate`, `forecast` and the bootstrap draw observation noise
        around each simulated run: real counts vary far more than a large graph's runs
        do (on the Higgs retweet burst, forecasting 24 hours from 24-48 hours of data,
        the 90% band held 4-17% of the held-out hours with the Poisson loss and 75-83%
        with ``"negbin"``). A simulation fit (``method="mc"``) maximises the
        likelihood of that predictive law itself, over the parameters and ``k``
        together: a run drawn at random from the `n_runs` runs at the trial value
        (common random numbers), then the noise around it, bin by bin. So the
        run-to-run variation is not counted a second time as noise, which would widen
        it and discount the peak bins. The fitted ``k`` is
        ``result_.diagnostics["dispersion"]`` (any method: around each of the runs at
        the estimate); the dispersion around the runs' mean, which holds that variation,
        is ``"dispersion_around_mean"``. Message passing fits its one curve by the NB2
        likelihood around it.
        Choose ``"poisson"`` when the counts are a run of the model itself, whose
        variation the runs alone hold (``"negbin"`` then finds ``k`` at its upper
        bound, but still draws Poisson noise around each run), or an average of runs
        or an expected curve, which is no single run plus noise: the Poisson loss
        matches the runs' mean to it. ``"ar1"``: the counts miss the expected curve by
        a factor that persists from bin to bin, the error model of
        ``forecast(errors="ar1")``: the fit maximises the likelihood of the log
        residuals ``log(y + 1/2) - log(mu)`` as a Gaussian AR(1) (stationary
        standard deviation ``sigma``, lag-one correlation ``phi``) plus Poisson and
        white noise, those three profiled out (``result_.diagnostics["error_model"]``),
        and `forecast` then takes AR(1) errors by default. A run of misses weighs as
        less evidence than as many independent ones, and every bin counts by its
        relative error: on the Higgs burst (the history's cycle, 24-hour forecasts) the
        fitted peak hour -25% -> -13% of the observed from 24 hours, but from 36 hours
        the band holds 54% of the held-out hours (100% with the negative binomial and
        AR(1) errors) and the MASE is 0.38 (0.28) (`benchmarks/RESULTS.md`). Its Wald
        and profile intervals are too narrow on short series of strongly persistent
        misses (87-93% for 95% on 50 bins with ``phi`` 0.7; 93-97% on 110). Needs at least 10 bins; not
        for `HeatEstimator`.
    n_runs : int, default 1000
        Monte Carlo runs per evaluation (``method="mc"``); the same runs (common random
        numbers) at every trial value. Also the runs behind `predict` and behind the
        negative-binomial ``k`` (any method).
    condition_on_takeoff : bool, default False
        Compare the trend with the mean of the runs that took off only (whose total over
        the observed window reaches `takeoff` times the observed total), for a curve that
        took off when die-outs are common (FITTING.md §2.2.2).
    takeoff : float, default 0.1
        Fraction of the observed total that defines a run that took off.
    ci_method : {"auto", "bootstrap", "wald", "profile", None}, default "auto"
        How `result_.intervals` is computed. Trends: "auto" and "bootstrap" run a parametric
        bootstrap (simulate the process again under the estimate, refit), the only valid
        interval for a simulation fit, whose objective is noisy and piecewise constant
        (no Hessian standard errors, FITTING.md §2.2.4); "wald", for a message-passing
        fit (``method="dmp"``, `ICEstimator`) with the "negbin", "poisson" or "ar1" loss: normal
        in the log scale, from the expected information of the counts around the smooth
        message-passing curve (no refits, so it suits large graphs; `forecast` then
        draws the parameters from it, adding their uncertainty to the band); None skips
        it (NaN intervals; ``result_.bootstrap(...)`` later); "profile", for the same
        fits as "wald": likelihood-ratio intervals (each parameter fixed on a path, the
        others re-optimised by message passing: hundreds of curves, seconds on a few
        thousand nodes, past 20 minutes for three parameters on the 256,491-node Higgs
        retweet graph, where the Wald interval is the one to take; `forecast` still
        draws from the Wald covariance). Cascades: "auto" is "wald" (from the observed
        information of the exact likelihood), or "profile", "bootstrap".
    level : float, default 0.95
    n_resamples : int, default 100
        Bootstrap replicates.
    n_bootstrap_runs : int, optional
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


class NetworkEstimator(_Settings, _TrendMethods):
    """Shared plumbing: settings, fitted checks, and delegation to `result_`."""

    # ----------------------------------------------------------- checks
    def _check_common(self):
        check_in(self.loss, name="loss", options=LOSSES)
        check_int(self.n_runs, name="n_runs", min_value=1)
        if self.ci_method is not None:
            check_in(
                self.ci_method, name="ci_method", options=("auto", "bootstrap", "wald", "profile")
            )
        check_level(self.level)
        check_int(self.n_resamples, name="n_resamples", min_value=2)
        if self.n_bootstrap_runs is not None:
            check_int(self.n_bootstrap_runs, name="n_bootstrap_runs", min_value=1)
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
            ci_method=_cascade_ci(self.ci_method),
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
        _check_steps(trend.n_bins, spb)
        method = self.method or "mc"
        if self.loss == "ar1" and trend.n_bins < MIN_ERROR_BINS:
            msg = (
                f"`loss='ar1'` needs at least {MIN_ERROR_BINS} bins to fit its error model; "
                f"the trend has {trend.n_bins}."
            )
            raise InvalidParameterError(msg)
        if self.ci_method in ("wald", "profile") and (
            method != "dmp" or self.loss not in SMOOTH_LOSSES
        ):
            msg = (
                f"`ci_method={self.ci_method!r}` on a trend needs a smooth likelihood: "
                "`method='dmp'` and `loss` 'negbin', 'poisson' or 'ar1' (a simulation fit "
                "takes 'bootstrap'); "
                f"got method={method!r}, loss={self.loss!r}."
            )
            raise InvalidParameterError(msg)
        root = root_seed(self.rng)
        seed_idx, rule = resolve_seeds_or_rule(
            graph, seeds, trend.counts, spb, bool(seeds_in_trend), root
        )
        problem = TrendProblem(
            spec,
            trend,
            seed_idx,
            rule,
            steps_per_bin=spb,
            seeds_in_trend=bool(seeds_in_trend),
            loss=self.loss,
            method=method,
            n_runs=check_int(self.n_runs, name="n_runs", min_value=1),
            condition_on_takeoff=bool(self.condition_on_takeoff),
            takeoff=float(self.takeoff),
            root=root,
            n_jobs=self.n_jobs,
            n_bootstrap_runs=self.n_bootstrap_runs or min(self.n_runs, 200),
        )
        result = problem.fit(
            level=float(self.level),
            ci_method=self.ci_method,
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


def _check_steps(n_bins, steps_per_bin):
    """Raise `MemoryLimitError` before a curve of more steps than memory holds."""
    n_steps = n_bins * steps_per_bin + 1
    check_memory(
        8.0 * n_steps,
        what=f"one run's curve of {n_steps:,} steps (`steps_per_bin` = {steps_per_bin:,} "
        f"over the trend's {n_bins:,} bins)",
        advice="lower `steps_per_bin`",
    )


def _cascade_ci(ci_method):
    if ci_method is None or ci_method == "auto":
        return "wald"
    return check_in(ci_method, name="ci_method", options=("wald", "profile", "bootstrap"))


def check_graph(graph):
    if not isinstance(graph, Graph):
        msg = f"`graph` must be a spread.Graph; got {type(graph).__name__}."
        raise InvalidParameterError(msg)
    return graph
