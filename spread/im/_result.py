"""`SeedSelection`: the answer of `spread.maximize`."""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._common import ConfidenceInterval

__all__ = ["Choice", "SeedSelection"]


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
