"""Results of the models: `SpreadResult` (one seed set), `SpreadResults` (several), `HeatResult`."""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._common import ConfidenceInterval
from .._validation import check_level
from ..exceptions import InvalidParameterError

__all__ = ["HeatResult", "SpreadResult", "SpreadResults"]


@dataclass(frozen=True, repr=False)
class SpreadResult:
    """What `spread.simulate` measured for one seed set.

    Attributes
    ----------
    final_sizes : numpy.ndarray of int64, shape (n_runs,)
        Number of active nodes (seeds included) at the end of each run.
    new_per_step : numpy.ndarray of int32, shape (n_runs, n_steps)
        ``new_per_step[r, t]``: nodes activated at step ``t`` of run ``r`` (step 0 is
        the seeds). Its row sums are `final_sizes`. For a continuous-time model "step"
        ``t`` is the time bin ``((t - 1) time_step, t time_step]`` (step 0: time 0), and
        a run whose adoptions go past the last bin (`spread.simulate` warns) has a row
        sum below its final size.
    node_probability : numpy.ndarray of float64, shape (n_nodes,)
        Fraction of runs in which each node (in graph index order) was activated.
    seeds : numpy.ndarray
        The seed labels.
    model : object
        The model simulated.
    root_seed : int
        The root of every run's random stream: run ``r`` is a function of
        ``(root_seed, r)`` only.
    activation_times : numpy.ndarray of int32 or float64, shape (n_runs, n_nodes), or None
        Step at which each node activated in each run (-1: never), or for a
        continuous-time model the time (float, NaN: never); kept only when
        ``keep_times=True``.
    elapsed : float
        Wall-clock seconds spent simulating.
    graph : Graph
        The graph simulated on.
    time_step : float or None
        Width of the time bins of `new_per_step` for a continuous-time model (CTIC,
        SIR); None for models counted in steps.
    recoveries_per_step : numpy.ndarray of int32, shape (n_runs, n_steps), or None
        For SIR: recoveries in each time bin of each run (None for other models).
    infectious_per_step : numpy.ndarray of int32, shape (n_runs, n_steps), or None
        For SIS: infectious nodes at the end of each time bin of each run (None for
        other models). For SIS `final_sizes` and `new_per_step` count first infections
        (the nodes reached), reinfections aside.
    """

    final_sizes: np.ndarray
    new_per_step: np.ndarray
    node_probability: np.ndarray
    seeds: np.ndarray
    model: object
    root_seed: int
    activation_times: np.ndarray | None = None
    elapsed: float = float("nan")
    graph: object = field(default=None, compare=False)
    time_step: float | None = None
    recoveries_per_step: np.ndarray | None = None
    infectious_per_step: np.ndarray | None = None

    @property
    def n_runs(self):
        """Number of runs."""
        return int(self.final_sizes.shape[0])

    @property
    def mean(self):
        """Mean final size (expected spread, seeds included)."""
        return float(self.final_sizes.mean())

    @property
    def std(self):
        """Standard deviation of the final size across runs."""
        return float(self.final_sizes.std(ddof=1)) if self.n_runs > 1 else float("nan")

    @property
    def stderr(self):
        """Standard error of `mean`."""
        return self.std / np.sqrt(self.n_runs) if self.n_runs > 1 else float("nan")

    def conf_int(self, level=0.95):
        """Normal-approximation confidence interval for the expected spread.

        Examples
        --------
        From the hub of a star with 4 leaves, IC's expected spread is exactly
        ``1 + 4 p`` (3 at ``p = 0.5``); the interval is ``mean ± 1.96 stderr`` and
        covers it:

        >>> import spread
        >>> star = spread.Graph.from_edges([0, 0, 0, 0], [1, 2, 3, 4], directed=False)
        >>> res = spread.simulate(star, [0], spread.IC(p=0.5), n_runs=4000, rng=0)
        >>> low, high = res.conf_int(0.95)
        >>> bool(abs(high - res.mean - 1.959964 * res.stderr) < 1e-9), bool(low < 3 < high)
        (True, True)
        """
        return ConfidenceInterval.normal(self.mean, self.stderr, level)

    def curve(self, level=0.9):
        """Cumulative adopters per step (or time): mean and a quantile band across runs.

        Parameters
        ----------
        level : float, default 0.9
            Central probability of the band (0.9: the 5% and 95% quantiles).

        Returns
        -------
        pandas.DataFrame
            Indexed by ``step`` (or, for a continuous-time model, by ``time``: the
            multiples of `time_step`, adopters at or before each), with columns ``mean``,
            ``lower``, ``upper`` and ``stderr`` (of the mean).
        """
        check_level(level)
        return self._band(np.cumsum(self.new_per_step, axis=1), level)

    def prevalence(self, level=0.9):
        """Infectious nodes (I) over time, for SIR and SIS: mean and a quantile band.

        Read at the multiples of `time_step`: under SIR ``I(t) = (infected by t) -
        (recovered by t)``, under SIS as counted by the runs.

        Parameters
        ----------
        level : float, default 0.9
            Central probability of the band.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``time``, with columns ``mean``, ``lower``, ``upper`` and
            ``stderr`` (the shape of `curve`; `spread.plot.curve` draws it).

        Raises
        ------
        InvalidParameterError
            If the model has no recovery (only SIR and SIS have).

        Examples
        --------
        >>> import spread
        >>> g = spread.datasets.load("karate")
        >>> res = spread.simulate(g, [0], spread.SIR(beta=1.0, gamma=1.0), n_runs=500, horizon=5.0, rng=0)
        >>> frame = res.prevalence()
        >>> float(frame["mean"].iloc[0])  # the one seed, infectious at time 0
        1.0
        >>> bool((frame["mean"] <= res.curve()["mean"]).all())  # I <= I + R
        True
        """
        check_level(level)
        return self._band(self._infectious(), level)

    def _infectious(self):
        if self.infectious_per_step is not None:
            return self.infectious_per_step
        if self.recoveries_per_step is None:
            msg = f"prevalence needs recoveries; {self.model!r} has none (simulate an SIR model)."
            raise InvalidParameterError(msg)
        return np.cumsum(self.new_per_step, axis=1) - np.cumsum(self.recoveries_per_step, axis=1)

    def _band(self, values, level):
        q = (1 - level) / 2
        n = self.n_runs
        se = values.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.full(values.shape[1], np.nan)
        return pd.DataFrame(
            {
                "mean": values.mean(axis=0),
                "lower": np.quantile(values, q, axis=0),
                "upper": np.quantile(values, 1 - q, axis=0),
                "stderr": se,
            },
            index=self._step_index(values.shape[1]),
        )

    def _step_index(self, n_steps):
        if self.time_step is None:
            return pd.RangeIndex(n_steps, name="step")
        return pd.Index(np.arange(n_steps) * self.time_step, name="time")

    def to_frame(self):
        """One row per run: ``final_size`` and ``n_steps`` (the last step with an activation).

        For a continuous-time model the second column is ``duration``: the end of the
        last time bin with an event (the run's last adoption, or recovery under SIR,
        rounded up to a multiple of `time_step`). Under SIR two more: ``peak_infectious``
        and ``peak_time``, the largest number of infectious nodes at the multiples of
        `time_step` and the first time it is reached.
        """
        steps = self.new_per_step
        if self.recoveries_per_step is not None:
            steps = steps + self.recoveries_per_step  # the last event, either kind
        if self.infectious_per_step is not None:
            steps = steps + self.infectious_per_step
        last = np.where(
            steps.any(axis=1), steps.shape[1] - 1 - np.argmax(steps[:, ::-1] > 0, axis=1), 0
        )
        if self.time_step is None:
            columns = {"n_steps": last}
        else:
            columns = {"duration": last * self.time_step}
        if self.recoveries_per_step is not None or self.infectious_per_step is not None:
            infectious = self._infectious()
            columns["peak_infectious"] = infectious.max(axis=1)
            columns["peak_time"] = np.argmax(infectious, axis=1) * self.time_step
        return pd.DataFrame(
            {"final_size": self.final_sizes, **columns},
            index=pd.RangeIndex(self.n_runs, name="run"),
        )

    def node_frame(self):
        """One row per node: its label and activation probability, most likely first."""
        labels = (
            self.graph.labels if self.graph is not None else np.arange(len(self.node_probability))
        )
        df = pd.DataFrame({"node": labels, "probability": self.node_probability})
        return df.sort_values("probability", ascending=False, kind="stable").reset_index(drop=True)

    def summary(self, level=0.95):
        """A few lines: model, seeds, runs, mean spread with its interval, steps."""
        low, high = self.conf_int(level)
        seeds = ", ".join(str(s) for s in self.seeds[:8]) + (" ..." if len(self.seeds) > 8 else "")
        n = self.graph.n_nodes if self.graph is not None else len(self.node_probability)
        return "\n".join(
            [
                f"{self.model!r} from {len(self.seeds)} seed(s) [{seeds}], {self.n_runs:,} runs",
                f"  spread: {self.mean:,.2f} ± {self.stderr:,.2f} (s.e.); {level:.0%} CI [{low:,.2f}, {high:,.2f}]"
                f"; {self.mean / max(n, 1):.2%} of {n:,} nodes",
                f"  final size: min {self.final_sizes.min():,}, median {np.median(self.final_sizes):,.0f}, "
                f"max {self.final_sizes.max():,}; " + self._extent(),
                f"  elapsed: {self.elapsed:.3g} s",
            ]
        )

    def _extent(self):
        last = self.new_per_step.shape[1] - 1
        if self.time_step is None:
            return f"steps: up to {last}"
        text = f"last event by t = {last * self.time_step:,.4g} (bins of {self.time_step:.4g})"
        if self.recoveries_per_step is not None or self.infectious_per_step is not None:
            mean = self.prevalence()["mean"]
            text += (
                f"\n  infectious: mean peaks at {mean.max():,.2f} at t = {mean.idxmax():,.4g}; "
                f"per-run peaks average {self._infectious().max(axis=1).mean():,.2f}"
            )
        return text

    def __repr__(self):
        return (
            f"<SpreadResult: {self.model!r}, {len(self.seeds)} seed(s), {self.n_runs:,} runs, "
            f"mean {self.mean:,.3f} ± {self.stderr:,.3f}>"
        )

    def plot(self, ax=None, *, level=0.9, label=None, **kwargs):
        """Plot the mean cumulative adopters per step with the quantile band.

        Draws with `spread.plot.curve` (see there for the options).

        Returns
        -------
        matplotlib.axes.Axes
        """
        from .. import plot

        return plot.curve(self, ax, level=level, label=label, **kwargs)


class SpreadResults(tuple):
    """Results for several seed sets simulated in one call, with common random numbers.

    A tuple of `SpreadResult`, one per seed set, in the order given; run ``r`` of every
    seed set used the same random stream, so differences between seed sets are paired.
    """

    __slots__ = ()

    def to_frame(self, level=0.95):
        """One row per seed set: seeds, mean, stderr and confidence interval."""
        rows = []
        for i, r in enumerate(self):
            low, high = r.conf_int(level)
            rows.append(
                {
                    "seed_set": i,
                    "seeds": list(r.seeds.tolist()),
                    "mean": r.mean,
                    "stderr": r.stderr,
                    "ci_low": low,
                    "ci_high": high,
                }
            )
        return pd.DataFrame(rows).set_index("seed_set")

    def plot(self, ax=None, *, level=0.9):
        """Overlay the adoption curves of every seed set (`spread.plot.compare`); returns the Axes."""
        from .. import plot

        return plot.compare(self, ax, level=level)

    def summary(self, level=0.95):
        """One line per seed set: its mean spread with the interval at `level`."""
        lines = [f"{len(self)} seed set(s), common random numbers"]
        for i, r in enumerate(self):
            low, high = r.conf_int(level)
            lines.append(
                f"  [{i}] {len(r.seeds)} seed(s): {r.mean:,.2f} ± {r.stderr:,.2f} "
                f"({level:.0%} CI [{low:,.2f}, {high:,.2f}])"
            )
        return "\n".join(lines)

    def __repr__(self):
        inner = ",\n ".join(repr(r) for r in self)
        return f"SpreadResults(\n {inner})"


@dataclass(frozen=True, repr=False)
class HeatResult:
    """Heat on every node at the requested times (from `spread.simulate` with `Heat`).

    Attributes
    ----------
    times : numpy.ndarray, shape (n_times,)
        The requested times, in the order given.
    heat : numpy.ndarray, shape (n_times, n_nodes), or None
        ``heat[m, i]``: heat of node ``i`` (graph index order) at ``times[m]``; None with
        ``keep="summary"``.
    total_heat, max_heat : numpy.ndarray, shape (n_times,)
        Sum and maximum of the heat over the nodes.
    adopted : numpy.ndarray of int, shape (n_times,), or None
        Nodes whose heat has reached the model's `threshold` at or before each time
        (among the requested times); None without a threshold.
    adoption_time : numpy.ndarray, shape (n_nodes,), or None
        First requested time at which each node reached the threshold (NaN: never).
    error_bound : float
        Guaranteed bound on the truncation error (1-norm for the conserving kinds,
        2-norm for "normalized"), before rounding.
    n_terms : int
        Matrix-vector products used.
    kind : str
        The operator used.
    seeds : numpy.ndarray
        The initial heat vector.
    model : Heat
    elapsed : float
        Seconds.
    graph : Graph
    """

    times: np.ndarray
    heat: np.ndarray | None
    total_heat: np.ndarray
    max_heat: np.ndarray
    adopted: np.ndarray | None
    adoption_time: np.ndarray | None
    error_bound: float
    n_terms: int
    kind: str
    seeds: np.ndarray
    model: object
    elapsed: float = float("nan")
    graph: object = field(default=None, compare=False)

    def summary(self):
        """A few lines: model, times, heat totals, adopters (with a threshold), accuracy."""
        order = np.argsort(self.times, kind="stable")
        lines = [
            f"{self.model!r} ({self.kind}) at {self.times.size} time(s) from "
            f"{self.times[order[0]]:g} to {self.times[order[-1]]:g}",
            f"  total heat: {self.total_heat[order[0]]:.6g} .. {self.total_heat[order[-1]]:.6g}; "
            f"hottest node: {self.max_heat[order[-1]]:.4g} at the last time",
        ]
        if self.adopted is not None:
            lines.append(
                f"  adopted (heat >= {self.model.threshold:g}): "
                + ", ".join(f"{int(a):,}" for a in self.adopted[order][:8])
                + (" ..." if self.times.size > 8 else "")
            )
        lines.append(
            f"  {self.n_terms:,} terms, error bound {self.error_bound:.1e}; "
            f"elapsed {self.elapsed:.3g} s"
        )
        return "\n".join(lines)

    def __repr__(self):
        return (
            f"<HeatResult: {self.model!r} ({self.kind}), {self.times.size} time(s), "
            f"{self.n_terms} terms, error bound {self.error_bound:.1e}>"
        )

    def to_frame(self):
        """One row per time: ``total_heat``, ``max_heat`` and (with a threshold) ``adopted``."""
        df = pd.DataFrame(
            {"total_heat": self.total_heat, "max_heat": self.max_heat},
            index=pd.Index(self.times, name="time"),
        )
        if self.adopted is not None:
            df["adopted"] = self.adopted
        return df

    def heat_frame(self):
        """The heat as a DataFrame: one row per time, one column per node label."""
        if self.heat is None:
            msg = "the heat was not kept (`keep='summary'`); simulate with `keep='all'`."
            raise InvalidParameterError(msg)
        return pd.DataFrame(
            self.heat, index=pd.Index(self.times, name="time"), columns=self.graph.labels
        )

    def curve(self):
        """Adopters over time, in the shape of `SpreadResult.curve` (deterministic band).

        Raises
        ------
        InvalidParameterError
            If the model has no `threshold`.
        """
        if self.adopted is None:
            msg = "the adoption curve needs a read-out: give `Heat(threshold=...)`."
            raise InvalidParameterError(msg)
        order = np.argsort(self.times, kind="stable")
        a = self.adopted[order].astype(np.float64)
        return pd.DataFrame(
            {"mean": a, "lower": a, "upper": a, "stderr": np.zeros_like(a)},
            index=pd.Index(self.times[order], name="time"),
        )

    def plot(self, ax=None, **kwargs):
        """Plot adopters over time (with a threshold), else the heat of the hottest nodes.

        Draws with `spread.plot.heat` (keyword arguments go there: ``what``,
        ``nodes``, ``n_nodes``, line styles).

        Returns
        -------
        matplotlib.axes.Axes
        """
        from .. import plot

        return plot.heat(self, ax, **kwargs)
