"""A network model's expected adoption curve fitted to an observed trend (FITTING.md §2.2).

The parameters (IC ``p`` and an optional spontaneous adoption rate, an LT threshold-law
scalar) are fitted by matching the trend to the mean simulated curve: Monte Carlo with
common random numbers (``method="mc"``: the same runs at every trial value, each arc's
coin read by index, so a run grows monotonically with ``p`` and the objective is
reproducible), or the deterministic DMP surrogate (``method="dmp"``). Uncertainty comes
from a parametric bootstrap: simulate the process again under the estimate, refit.
"""

import math
from dataclasses import replace

import numpy as np

from .._common import thread_count
from .._random import PREDICTION, stream_root
from ..exceptions import IdentifiabilityWarning
from ..models import run_batch, seed_arrays
from ..trend import Trend
from . import _seasonal
from ._errors import LogAR1, ar1_loss, fit_log_ar1, log_variances, mean_basis
from ._losses import mixture_dispersion, negbin_dispersion, sample_counts, trend_loss
from ._optimize import Objective, minimize_noisy
from ._problem import XTOL_NOISY, Problem, assemble, failed
from ._result import TERMINATION_MESSAGES
from ._uncertainty import with_bootstrap
from .dmp import dmp_curve

__all__ = [
    "CTICSpec",
    "ICSpec",
    "LTSpec",
    "TrendProblem",
]

_NEAREST_FRACTION = 0.2  # forecasts keep the runs nearest the observed history
_MAX_DMP_WORK = 5e9  # arcs x steps above which the DMP start is skipped
#: The losses that are likelihoods of the counts: message-passing fits by them are smooth
#: (Wald and profile intervals).
SMOOTH_LOSSES = ("negbin", "poisson", "ar1")


def _run_curves(model, graph, seeds, n_runs, n_steps, root, n_threads):
    """Per-run new adopters at steps ``0 .. n_steps - 1`` (int32), common random numbers."""
    runs = run_batch(
        graph,
        model.plan(graph, crn=True),
        seed_arrays([seeds]),
        n_runs=n_runs,
        max_steps=n_steps - 1,
        root=root,
        n_threads=n_threads,
        count_nodes=False,
    )
    return runs.new_per_step


class ICSpec:
    """IC with a uniform ``p`` (or a scale on given arc probabilities), optionally
    external, optionally with a periodic factor and regressors on the external
    (`_seasonal.ExternalSchedule`)."""

    model_name = "ic"
    has_surrogate = True

    def __init__(self, graph, base, external, bounds, external_bounds, season=None):
        from ..models import IC

        self.graph = graph
        self.base = None if base is None else IC(base).arc_probabilities(graph)
        self.external = external
        self.season = season if external else None  # an ExternalSchedule
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
        if self.season is not None:
            coefs = self.season.names
            self.names += coefs
            self.bounds += self.season.bounds
            self.logs = np.concatenate([self.logs, np.zeros(len(coefs), dtype=bool)])

    def arc_p(self, theta):
        if self.base is None:
            return np.full(self.graph.n_edges, min(theta[0], 1.0))
        return np.minimum(self.base * theta[0], 1.0)

    def external_of(self, theta, n_steps=None):
        """The spontaneous adoption: a probability, or the schedule of `n_steps` steps."""
        if not self.external:
            return 0.0
        if self.season is None:
            return float(theta[1])
        n_steps = self.season.n_steps if n_steps is None else n_steps
        return self.season.schedule(float(theta[1]), np.asarray(theta[2:]), n_steps)

    def curves(self, theta, seeds, n_runs, n_steps, root, n_threads):
        model = self.model(theta, n_steps, per_arc=True)
        return _run_curves(model, self.graph, seeds, n_runs, n_steps, root, n_threads)

    def surrogate(self, theta, seeds, n_steps, n_threads):
        p0 = np.zeros(self.graph.n_nodes)
        p0[seeds] = 1.0
        ext = self.external_of(theta, n_steps)
        new, _ = dmp_curve(self.graph, self.arc_p(theta), p0, ext, n_steps, n_threads)
        return new

    def model(self, theta, n_steps=None, *, per_arc=False):
        """The `spread.IC` at `theta` (its schedule covering `n_steps` steps)."""
        from ..models import IC

        p = float(theta[0]) if self.base is None and not per_arc else self.arc_p(theta)
        return IC(p=p, external=self.external_of(theta, n_steps))


class LTSpec:
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


class CTICSpec:
    """CTIC with a uniform ``p`` and the scale of a delay law, in trend bins.

    A run's times are binned by trend bin: bin b holds the adoptions at times in
    ``(b, b + 1]`` (bin 0 also the seeds, at time 0, when they are in the trend). One
    step is one bin (`TrendProblem` is given ``steps_per_bin=1``).
    """

    model_name = "ctic"
    has_surrogate = False

    def __init__(self, graph, law, bounds, scale_bounds, seeds_in_trend):
        self.graph = graph
        self.law = law  # (name, shape): the scale is the fitted parameter
        self.names = ("p", "delay_scale")
        self.bounds = [tuple(bounds), tuple(scale_bounds)]
        self.logs = np.ones(2, dtype=bool)
        self.shift = bool(seeds_in_trend)

    def delay(self, scale):
        """The delay law with this scale (the mean of an exponential law, the median of
        a lognormal one, the scale parameter of a Weibull or gamma law)."""
        name, shape = self.law
        if name == "exponential":
            return ("exponential", 1.0 / scale)
        if name == "lognormal":
            return ("lognormal", math.log(scale), shape)
        return (name, shape, scale)

    def model(self, theta):
        from ..models import CTIC

        return CTIC(p=min(float(theta[0]), 1.0), delay=self.delay(float(theta[1])))

    def curves(self, theta, seeds, n_runs, n_steps, root, n_threads):
        return self.steps(self.model(theta), seeds, n_runs, n_steps, root, n_threads)

    def steps(self, model, seeds, n_runs, n_steps, root, n_threads):
        """Per-run adoptions per step (= bin) of `model`, aligned as `TrendProblem._bins`
        reads steps (what `TrendProblem._simulate_runs` calls for any model of this spec)."""
        horizon = float(n_steps - (0 if self.shift else 1))  # the last bin's end
        runs = run_batch(
            self.graph,
            model.plan(self.graph, horizon=horizon, time_step=1.0),
            seed_arrays([seeds]),
            n_runs=n_runs,
            max_steps=n_steps,
            root=root,
            n_threads=n_threads,
            count_nodes=False,
        )
        steps = runs.new_per_step
        if steps.shape[1] < n_steps + 1:
            steps = np.pad(steps, ((0, 0), (0, n_steps + 1 - steps.shape[1])))
        if self.shift:  # step k is the time bin ((k - 1) dt, k dt]: step 1 joins the seeds
            steps = np.concatenate([steps[:, :1] + steps[:, 1:2], steps[:, 2:]], axis=1)
        return steps[:, :n_steps]

    def surrogate(self, theta, seeds, n_steps, n_threads):
        return None


class TrendProblem(Problem):
    """A network model's mean adoption curve fitted to an observed trend.

    Simulation (`spec.curves`, common random numbers) or surrogate (`spec.surrogate`)
    gives the expected new adopters per step; steps are summed into bins
    (`steps_per_bin`) and compared with the trend by `loss`.
    """

    extra_obs = 1  # bins beyond the parameters: a curve needs a shape to match

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
        n_bootstrap_runs,
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
        self.n_bootstrap_runs = n_bootstrap_runs
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
        self.noise = None  # the fitted AR(1) error model (loss "ar1"), stationary
        self.log_variances = None  # the loss "ar1"'s Poisson variances of the log counts
        self.default_errors = "ar1" if loss == "ar1" else "independent"

    @property
    def smooth(self):
        """Message passing and a likelihood loss: Wald and profile intervals apply."""
        return self.method == "dmp" and self.loss_name in SMOOTH_LOSSES

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
        return self._mean(self.runs_at(x, n_runs, root))

    def runs_at(self, x, n_runs=None, root=None):
        """Counts per observed bin of each Monte Carlo run at `x` (common random numbers)."""
        n_runs = self.n_runs if n_runs is None else n_runs
        steps = self.spec.curves(
            self.to_natural(x),
            self.seeds,
            n_runs,
            self._n_steps(self.n_bins),
            self.root if root is None else root,
            self._threads(),
        )
        self.n_sim += n_runs
        return self._bins(steps, self.n_bins)

    def loss_at(self, x, method=None, n_runs=None, root=None):
        """The fitting loss at `x`.

        A simulation fit with the "negbin" loss takes the likelihood of the predictive
        law itself: a run drawn at random (of those that took off, under
        `condition_on_takeoff`), then NB2 noise around it, ``k`` profiled out
        (`mixture_dispersion`). The run-to-run variation is then not also read as
        observation noise, which would widen the noise and discount the peak bins. Any
        other loss, and message passing (one deterministic curve), compare the counts
        with the expected curve (`trend_loss`); ``"ar1"`` by the likelihood of the log
        residuals with AR(1) errors, its parameters profiled out (`ar1_loss`).
        """
        if self.loss_name == "ar1":
            curve = self.curve_at(x, method, n_runs, root)
            return ar1_loss(self.y, curve, self.log_variances)[0]
        if (method or self.method) == "mc" and self.loss_name == "negbin":
            runs = self.runs_at(x, n_runs, root)
            took = self._took_off(runs)
            return mixture_dispersion(self.y, runs[took] if took.any() else runs)[1]
        return trend_loss(self.loss_name, self.y, self.curve_at(x, method, n_runs, root))

    def nll(self, x):
        """The negative log-likelihood up to a constant (the profiles of
        `profile_ci`): half the Poisson deviance; with the loss ``"ar1"``, that of the
        log residuals under the fitted error model held fixed (its restricted-likelihood
        fit, as in `wald_cov`): re-profiling the error parameters at each point would
        lend the profile the maximum likelihood's underrated persistence."""
        if self.loss_name == "poisson":
            return 0.5 * self.loss_at(x)
        if self.loss_name == "ar1" and self.noise is not None:
            return self.noise.nll(self.y, self.curve_at(x), self.log_variances)
        return self.loss_at(x)

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
        obj = Objective(
            lambda x: self.loss_at(x, method, n_runs, root),
            self.bounds_x,
        )
        if x0 is None:
            nit += minimize_noisy(obj, None, None, 17)
        else:
            nit += minimize_noisy(obj, x0, 1.1 if width is None else width, 9)
        x, fun = obj.best()
        return x, fun, nit, nfev + obj.nfev

    def fit(self, *, level, ci_method, n_resamples, rng, client, progress):
        """Fit, diagnose, optionally bootstrap; returns the `FitResult`."""
        if self.observed_total <= 0:
            return failed(self, 3, TERMINATION_MESSAGES[3], level=level)
        few = self.too_few()
        if few:
            return failed(self, 6, few, level=level)
        x, fun, nit, nfev = self.solve()
        for _ in range(2 if self.loss_name == "ar1" else 0):
            # The Poisson variances of the log counts, read off the counts for the first
            # fit, then off the fitted curve and held (reweighted least squares): weights
            # read off the counts follow their noise, weights that move with the
            # parameters let the fit lean on them (`ar1_loss`).
            self.log_variances = log_variances(self.curve_at(x))
            x, fun, more, more_f = self.solve(x0=x, width=0.3)
            nit, nfev = nit + more, nfev + more_f
        self.x_hat = x
        diag = self.diagnostics(x)
        diag["nfev"] = nfev
        if self.loss_name == "ar1":
            # The error parameters behind the intervals and the noise: by restricted
            # likelihood (the likelihood's own underrate persistence, the curve having
            # bent toward it: intervals too narrow, `fit_log_ar1`).
            basis = mean_basis(lambda z, _: self.curve_at(z), x, self.n_bins, self.bounds_x)
            e = fit_log_ar1(self.y, diag["fitted"], basis)
            self.noise = LogAR1.stationary(e.sigma**2, e.phi, e.white, self.n_bins)
            diag["error_model"] = self.noise.to_dict()
        if self.loss_name == "negbin":
            # The noise drawn around each run (simulate, forecast, bootstrap) is fitted
            # around each run: a mixture over the runs, not around their mean, whose
            # dispersion would hold the run-to-run variation a second time.
            runs = self.runs_at(x)
            took = self._took_off(runs)
            diag["dispersion_around_mean"] = negbin_dispersion(self.y, diag["fitted"])[0]
            self.dispersion = diag["dispersion"] = mixture_dispersion(
                self.y, runs[took] if took.any() else runs
            )[0]
        result = assemble(
            self,
            x,
            fun=fun,
            nit=nit,
            nfev=nfev,
            cov_x=self.wald_cov(x) if ci_method in ("wald", "profile") else None,
            xtol=XTOL_NOISY,
            level=level,
            notes=[(IdentifiabilityWarning, note) for note in self.notes(x, diag)],
            diagnostics=diag,
            hint="Check the seeds, the bounds or the time scale (`steps_per_bin`).",
        )
        if ci_method in ("auto", "bootstrap") and result.success:
            boot = result.bootstrap(n_resamples, rng=rng, client=client, progress=progress)
            result = with_bootstrap(result, boot, level)
        if ci_method == "profile" and result.success:
            result = result.with_conf_int("profile", level)  # stepped by the Wald errors
        return result

    def wald_cov(self, x):
        """Covariance of a message-passing estimate (fitting scale): ``(J' W J)^-1``.

        The expected information of counts with means ``mu(x)``, the message-passing
        curve, and variances ``mu + mu**2 / k`` (NB2 at the profiled ``k``; ``mu`` for
        the Poisson loss): ``J`` is the curve's Jacobian by central differences (one
        sided at a bound). NB2's mean and dispersion are orthogonal, so the profiled
        ``k`` costs the other parameters no information. With the loss ``"ar1"``, the
        information of the log residuals with the fitted AR(1) errors
        (`LogAR1.information`). A singular information (a parameter the counts do not
        inform) gives no interval: every variance infinite.
        """
        mu = self.curve_at(x, "dmp")
        jac = np.empty((mu.size, x.size))
        for i, (lo, hi) in enumerate(self.bounds_x):
            step = 1e-4 * max(1.0, abs(x[i]))
            up, down = x.copy(), x.copy()
            up[i], down[i] = min(x[i] + step, hi), max(x[i] - step, lo)
            jac[:, i] = (self.curve_at(up, "dmp") - self.curve_at(down, "dmp")) / (up[i] - down[i])
        if self.loss_name == "ar1":  # log residuals, AR(1) errors: generalised least squares
            info = self.noise.information(jac, mu)
        else:
            var = np.maximum(mu, 1e-10)
            if self.loss_name == "negbin":
                var = var + var**2 / negbin_dispersion(self.y, np.maximum(mu, 0.0))[0]
            info = jac.T @ (jac / var[:, None])
        try:
            cov = np.linalg.inv(info)
        except np.linalg.LinAlgError:
            return np.full_like(info, np.inf)
        if not np.all(np.isfinite(cov)) or np.any(np.diag(cov) <= 0):
            return np.full_like(info, np.inf)
        return cov

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
        season = getattr(self.spec, "season", None)
        if season is not None and season.period is not None:
            # where in the period spontaneous adoption peaks, and how much
            shape = _seasonal.shape_summary(theta[2 : 2 + season.n_coefs], season.period)
            out["external_peak_phase"] = shape["background_peak_phase"]
            out["external_peak_to_trough"] = shape["background_peak_to_trough"]
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
    def _model(self, x, n_bins=None):
        """The fitted model at `x`; a seasonal schedule covers `n_bins` bins."""
        theta = self.to_natural(x)
        if getattr(self.spec, "season", None) is None:
            return self.spec.model(theta)
        return self.spec.model(theta, self._n_steps(n_bins or self.n_bins))

    def _simulate_runs(self, model, n_runs, n_bins, root):
        """Per-run counts per bin of the fitted `model` (its own random draws, no CRN)."""
        if hasattr(self.spec, "steps"):  # continuous time: the spec bins the runs
            steps = self.spec.steps(
                model, self.seeds, n_runs, self._n_steps(n_bins), np.uint64(root), self._threads()
            )
            return self._bins(steps, n_bins)
        runs = run_batch(
            self.graph,
            model.plan(self.graph),
            seed_arrays([self.seeds]),
            n_runs=n_runs,
            max_steps=self._n_steps(n_bins) - 1,
            root=np.uint64(root),
            n_threads=self._threads(),
            count_nodes=False,
        )
        return self._bins(runs.new_per_step, n_bins)

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
            # runs, so one simulation to the longest horizon asked serves every shorter
            # request. Never past it: a schedule (regressors) may end there.
            n_bins = max(n_total, self.n_bins)
            runs = self._simulate_runs(
                self._model(x, n_bins), self.n_runs, n_bins, stream_root(self.root, PREDICTION)
            )
            self._pred = {key: runs}
        mean = self._mean(runs)
        if n_total > self.n_bins:
            mean[self.n_bins :] = runs[self._nearest(runs), self.n_bins :].mean(axis=0)
        return mean[:n_total]

    error_models = ("independent", "ar1")

    def sample(self, x, bins, n, rng, xs=None, *, noise=True):
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
            runs = self._simulate_runs(
                self._model(xg, n_bins), ng * per, n_bins, rng.integers(2**63)
            )
            if future:
                runs = runs[self._nearest(runs)[:ng]]
            else:
                runs = runs[:ng]
            out.append(runs)
        paths = np.concatenate(out)[:n][:, bins]
        if noise and self.noise is not None:  # its marginal law, independent per bin
            paths = replace(self.noise, phi=0.0).draws(paths, rng)
        elif noise and math.isfinite(self.dispersion):  # the fitted noise around each run
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
        model = self._model(self.x_hat)
        data_root, fit_root = rng.integers(0, 2**63, size=2)
        runs = self._simulate_runs(
            model, 64 if self.condition_on_takeoff else 1, self.n_bins, data_root
        )
        took = self._took_off(runs)
        y = runs[int(np.argmax(took))] if took.any() else runs[0]
        if self.noise is not None:  # a fresh series of the fitted AR(1) errors
            y = self.noise.draws(y[None, :], rng)[0]
        elif math.isfinite(self.dispersion):
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
        new.n_runs = self.n_bootstrap_runs
        new._pred = {}
        new.x_hat = None
        return new
