"""`SeedSelection`: the answer of `spread.maximize`."""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._common import ConfidenceInterval
from .._validation import check_level

__all__ = ["Choice", "SeedSelection", "SpreadEstimate"]


@dataclass(frozen=True)
class Choice:
    """What every selection method gives back to `spread.maximize` (node indices).

    Attributes
    ----------
    seeds : numpy.ndarray of int64
        Chosen node indices in selection order.
    gains : numpy.ndarray of float
        Marginal gain of each, as the method estimated it.
    n_samples : int
        RR sets or Monte Carlo runs used (0 for the heuristics).
    guarantee, failure_probability : float
        The approximation ratio certified and its failure probability (NaN if none).
    memory_bytes : int
        Peak bytes of RR sets held.
    """

    seeds: np.ndarray
    gains: np.ndarray
    n_samples: int = 0
    guarantee: float = float("nan")
    failure_probability: float = float("nan")
    memory_bytes: int = 0


@dataclass(frozen=True, repr=False)
class SeedSelection:
    """Seeds chosen by an influence-maximization method, with an honest spread estimate.

    Attributes
    ----------
    seeds : numpy.ndarray
        The chosen node labels, in selection order (fixed seeds not included).
    gains : numpy.ndarray of float
        Marginal gain of each seed when it was chosen, as the method estimated it (RR-set
        coverage, Monte Carlo, heat or a heuristic score): what drove the choice, and
        optimistic for sampling methods.
    spread : float
        Expected spread of ``fixed + seeds``, estimated on fresh samples independent of
        the ones used to choose (NaN if ``evaluate=False``).
    spread_stderr : float
        Standard error of `spread`.
    prefix_spread : numpy.ndarray of float, shape (k,)
        Expected spread of ``fixed + seeds[:j + 1]`` for each j, from fresh RR sets (NaN
        where unavailable): the spread-versus-k curve.
    prefix_stderr : numpy.ndarray of float, shape (k,)
    method : str
    model : object
    fixed : numpy.ndarray
        Seeds committed beforehand (labels).
    n_samples : int
        RR sets (IMM, OPIM-C) or Monte Carlo runs (CELF) used to choose.
    guarantee : float
        Approximation ratio guaranteed with probability ``1 - failure_probability``
        (``1 - 1/e - eps`` for IMM, ``1 - 1/sqrt(e) - eps`` under a budget; the ratio
        certified for OPIM-C); NaN for methods without one, and for IMM with a target
        that no eligible node belongs to when its first phase bounds nothing.
    failure_probability : float
    memory_bytes : int
        Peak bytes held by RR sets (0 if none).
    elapsed : float
        Seconds spent choosing (evaluation excluded).
    evaluation : str
        How `spread` was estimated.
    cost : float
        What the seeds cost together, with `costs` (NaN without).
    budget : float
        The budget they were chosen under (NaN without one).
    target_weight : float
        With a `target`, its total weight ``W``: `spread` then counts the weight of the
        audience reached, at most ``W`` (NaN without a target).
    """

    seeds: np.ndarray
    gains: np.ndarray
    spread: float
    spread_stderr: float
    prefix_spread: np.ndarray
    prefix_stderr: np.ndarray
    method: str
    model: object
    fixed: np.ndarray
    n_samples: int = 0
    guarantee: float = float("nan")
    failure_probability: float = float("nan")
    memory_bytes: int = 0
    elapsed: float = float("nan")
    evaluation: str = "none"
    graph: object = field(default=None, compare=False)
    cost: float = float("nan")
    budget: float = float("nan")
    target_weight: float = float("nan")

    @property
    def k(self):
        """Number of seeds chosen."""
        return len(self.seeds)

    def __repr__(self):
        return (
            f"<SeedSelection: {self.method}, k={self.k}, {self.model!r}, "
            f"spread {self.spread:,.1f} ± {self.spread_stderr:,.1f}>"
        )

    def conf_int(self, level=0.95):
        """Normal-approximation interval for `spread` (NaN without an evaluation).

        Examples
        --------
        Hubs 0 and 6 of two separate stars with 5 and 3 leaves spread under IC to
        ``(1 + 5 p) + (1 + 3 p)`` nodes, 6 at ``p = 0.5``; the interval covers it:

        >>> import spread
        >>> g = spread.Graph.from_edges([0, 0, 0, 0, 0, 6, 6, 6], [1, 2, 3, 4, 5, 7, 8, 9],
        ...                             directed=False)
        >>> sel = spread.maximize(g, 2, spread.IC(p=0.5), eps=0.2, rng=0, n_eval_runs=4000)
        >>> sel.seeds.tolist()
        [0, 6]
        >>> low, high = sel.conf_int(0.95)
        >>> bool(low < 6 < high)
        True
        """
        return ConfidenceInterval.normal(self.spread, self.spread_stderr, level)

    def to_frame(self):
        """One row per seed: rank, node, gain, and the spread of the seeds up to it."""
        return pd.DataFrame(
            {
                "node": self.seeds,
                "gain": self.gains,
                "spread": self.prefix_spread,
                "stderr": self.prefix_stderr,
            },
            index=pd.RangeIndex(1, self.k + 1, name="rank"),
        )

    def summary(self, level=0.95):
        """A few lines: method, seeds, spread with its interval at `level`, guarantee, cost."""
        low, high = self.conf_int(level)
        shown = ", ".join(str(s) for s in self.seeds[:10]) + (" ..." if self.k > 10 else "")
        lines = [
            f"{self.method} chose {self.k} seed(s) under {self.model!r}: [{shown}]",
            f"  spread: {self.spread:,.1f} ± {self.spread_stderr:,.1f} (s.e., {self.evaluation}); "
            f"{level:.0%} CI [{low:,.1f}, {high:,.1f}]",
        ]
        if np.isfinite(self.budget):
            lines.append(f"  spent: {self.cost:,.4g} of a budget of {self.budget:,.4g}")
        if np.isfinite(self.target_weight):
            lines.append(
                f"  audience: the spread counts a target of total weight {self.target_weight:,.4g}"
            )
        if np.isfinite(self.guarantee):
            lines.append(
                f"  guarantee: >= {self.guarantee:.3f} x optimum with probability "
                f">= {1 - self.failure_probability:.4g}"
            )
        cost = f"  cost: {self.elapsed:.3g} s"
        if self.n_samples:
            cost += f", {self.n_samples:,} samples"
        if self.memory_bytes:
            cost += f", {self.memory_bytes / 2**20:,.1f} MiB of RR sets"
        lines.append(cost)
        return "\n".join(lines)

    def plot(self, ax=None, **kwargs):
        """Plot expected spread against the number of seeds, with a 95% band.

        Draws with `spread.plot.spread_vs_k`; pass ``ax`` to overlay several selections.

        Returns
        -------
        matplotlib.axes.Axes
        """
        from .. import plot

        return plot.spread_vs_k(self, ax, **kwargs)


@dataclass(frozen=True, repr=False)
class SpreadEstimate:
    """The expected spread of one seed set, estimated from an `InfluenceIndex`.

    Attributes
    ----------
    seeds : numpy.ndarray
        The seed labels.
    mean : float
        Expected spread (seeds included): ``n_nodes * hits / n_samples``; with a target,
        ``W * hits / n_samples``, the weight of the audience reached (``W`` its total).
    stderr : float
        Its standard error. The sets' targets are stratified (every node the target
        of as many sets, give or take one: ``spread.im.RRSets``), so the variance is
        estimated within strata: ``n_nodes * sqrt(sum_v h_v (c_v - h_v) / (c_v - 1)) /
        n_samples`` over the targets v of the hit sets, ``h_v`` of their ``c_v`` sets
        hit. With a target (weights), or fewer than two sets per node, the binomial
        ``n_nodes * sqrt(f (1 - f) / n_samples)`` (``W`` for n with a target; ``f`` the
        fraction of sets hit), an upper bound.
    hits : int
        RR sets that hold a seed.
    n_samples : int
        RR sets in the index.
    n_nodes : int
    model : object
    elapsed : float
        Seconds the query took.
    """

    seeds: np.ndarray
    mean: float
    stderr: float
    hits: int
    n_samples: int
    n_nodes: int
    model: object
    elapsed: float = float("nan")

    def conf_int(self, level=0.95):
        """Normal-approximation interval for the expected spread: ``mean ± z stderr``.

        Examples
        --------
        >>> import spread
        >>> star = spread.Graph.from_edges([0, 0, 0, 0], [1, 2, 3, 4])
        >>> index = spread.InfluenceIndex.build(star, spread.IC(p=0.5), n_rr_sets=50_000, rng=0)
        >>> est = index.estimate([0])
        >>> low, high = est.conf_int(0.95)
        >>> bool(low < 3.0 < high)  # exactly 1 + 4 x 0.5
        True
        """
        return ConfidenceInterval.normal(self.mean, self.stderr, check_level(level))

    def to_frame(self, level=0.95):
        """One row: seeds, mean, stderr, the interval at `level`, hits and samples."""
        low, high = self.conf_int(level)
        return pd.DataFrame(
            [
                {
                    "seeds": self.seeds.tolist(),
                    "mean": self.mean,
                    "stderr": self.stderr,
                    "ci_low": low,
                    "ci_high": high,
                    "hits": self.hits,
                    "n_samples": self.n_samples,
                }
            ]
        )

    def summary(self, level=0.95):
        """One line: the spread with its interval, the RR sets behind it, the time taken."""
        low, high = self.conf_int(level)
        seeds = ", ".join(str(s) for s in self.seeds[:8]) + (" ..." if len(self.seeds) > 8 else "")
        return (
            f"{len(self.seeds)} seed(s) [{seeds}] under {self.model!r}: spread "
            f"{self.mean:,.2f} ± {self.stderr:,.2f} (s.e.); {level:.0%} CI [{low:,.2f}, "
            f"{high:,.2f}]; {self.hits:,} of {self.n_samples:,} RR sets hit; "
            f"{self.elapsed * 1e6:,.0f} µs"
        )

    def __repr__(self):
        return (
            f"<SpreadEstimate: {len(self.seeds)} seed(s), mean {self.mean:,.3f} ± "
            f"{self.stderr:,.3f}, {self.n_samples:,} RR sets>"
        )

    def plot(self, ax=None, *, level=0.95, label=None):
        """The estimate as a point with its interval (matplotlib); returns the Axes."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(4, 3))
        low, high = self.conf_int(level)
        name = label or f"{len(self.seeds)} seed(s)"
        ax.errorbar([name], [self.mean], yerr=[[self.mean - low], [high - self.mean]], fmt="o")
        ax.set_ylabel("expected spread")
        ax.set_title(f"{level:.0%} interval from {self.n_samples:,} RR sets")
        return ax
