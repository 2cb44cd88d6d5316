"""What IMM and OPIM-C maximize: the seeds allowed, a budget, an audience (`Objective`,
`Target`), and the constants of their guarantees."""

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from .._validation import check_int, check_node_values
from ..exceptions import InvalidParameterError
from ..graph import node_mask

__all__ = [
    "ONE_MINUS_INV_E",
    "ONE_MINUS_INV_SQRT_E",
    "Objective",
    "Target",
    "affordable",
    "check_k",
    "log_comb",
    "objective",
    "resolve_target",
]

#: What the greedy certifies on fixed RR sets: ``1 - 1/e`` for k seeds (Nemhauser, Wolsey,
#: Fisher 1978); ``1 - 1/sqrt(e)`` under a budget (see `objective`).
ONE_MINUS_INV_E = 1.0 - 1.0 / math.e
ONE_MINUS_INV_SQRT_E = 1.0 - 1.0 / math.sqrt(math.e)


@dataclass(frozen=True, eq=False)
class Target:
    """An audience: the weight of each node in the spread (the spread counts
    ``sum of w_v`` over the nodes reached instead of their number).

    RR sets then pick their target node with probability ``w_v / W`` (``W`` the total
    weight), and ``W`` times the fraction of sets a seed set hits estimates its
    weighted spread (Borgs et al.'s identity, weighted).

    Attributes
    ----------
    weights : numpy.ndarray of float64, shape (n_nodes,)
    nodes : numpy.ndarray of int32
        The nodes of positive weight, in id order.
    cum : numpy.ndarray of float64
        Their cumulative weights (what the samplers search).
    """

    weights: np.ndarray
    nodes: np.ndarray
    cum: np.ndarray

    @classmethod
    def of(cls, weights):
        """The target of per-node `weights` (finite, >= 0, not all 0: checked by the caller)."""
        weights = np.ascontiguousarray(weights, dtype=np.float64)
        nodes = np.flatnonzero(weights > 0).astype(np.int32)
        return cls(weights, nodes, np.cumsum(weights[nodes]))

    @property
    def total(self):
        """``W``, the total weight: the spread of a seed set that reaches everyone."""
        return float(self.cum[-1])


def resolve_target(graph, target):
    """The `Target` a user's `target` names, or None.

    A numeric array (numpy or pandas) holds one weight per node, by index; a mapping
    gives labels their weights (others weigh 0); any other collection of labels (a set,
    a list, a tuple, a range, a boolean mask) weighs each named node 1. Weights must be finite and >= 0, not all 0.
    """
    if target is None:
        return None
    numeric = hasattr(target, "dtype") and np.asarray(target).dtype.kind in "iuf"
    if numeric and np.ndim(target) == 1 and len(target) != graph.n_nodes:
        msg = (
            f"`target` as an array of weights must have one entry per node ({graph.n_nodes}); "
            f"got {len(target)} entries (to name the audience's labels, pass a list or a set)."
        )
        raise InvalidParameterError(msg)
    if numeric or isinstance(target, Mapping):
        values = np.asarray(target) if numeric else target
        weights = check_node_values(
            graph, values, name="target", what="a weight", positive=False, missing=0.0
        )
    else:
        weights = node_mask(graph, target, name="target").astype(np.float64)
    if not weights.any():
        msg = "`target` must give at least one node a positive weight; got none."
        raise InvalidParameterError(msg)
    return Target.of(weights)


@dataclass(frozen=True, eq=False)
class Objective:
    """What IMM and OPIM-C maximize, in the terms their sample sizes need.

    Attributes
    ----------
    k : int
        Seeds to choose; under a budget, the most seeds it can buy (``k_max``).
    scale : float
        ``n``, or a target's total weight ``W``: spread = scale x the fraction of RR
        sets hit.
    log_sets : float
        Log of the number of seed sets allowed: the union bound over them
        (``log C(n_cand, k)``, or ``log sum_{j <= k_max} C(n_afford, j)`` under a budget).
    ratio : float
        The approximation ratio the greedy certifies on fixed sets.
    opt_floor : float
        A lower bound on the optimum's spread known before sampling (IMM's fallback).
    costs : numpy.ndarray or None
    budget : float or None
    """

    k: int
    scale: float
    log_sets: float
    ratio: float
    opt_floor: float
    costs: np.ndarray | None = None
    budget: float | None = None


def check_k(k, allowed):
    """`k` as an integer from 1 to the number of eligible nodes in `allowed`; raises
    `InvalidParameterError` otherwise (also when no node is eligible)."""
    k = check_int(k, name="k", min_value=1)
    n_allowed = int(allowed.sum())
    if k > n_allowed:
        msg = f"`k` must be at most the number of eligible nodes ({n_allowed}); got {k}."
        raise InvalidParameterError(msg)
    return k


def affordable(allowed, costs, budget):
    """`allowed` without the nodes costing more than `budget` (never chosen); raises
    when none is left."""
    allowed = allowed & (costs <= budget)
    if not allowed.any():
        msg = f"`budget` ({budget:g}) must afford at least one eligible node; none costs that little."
        raise InvalidParameterError(msg)
    return allowed


def objective(n, k, allowed, *, costs=None, budget=None, target=None):
    """The `Objective` of choosing `k` seeds among `allowed`, or a `budget`'s worth (then
    `k` is not read: the objective's ``k`` is the most nodes the budget buys).

    Under a budget the greedy's ratio on fixed sets is ``1 - 1/sqrt(e)``: the better of
    the cost-benefit greedy and the best single affordable node reaches at least that
    (claimed by Khuller, Moss & Naor 1999, whose proof had a gap; Tang et al. 2021
    proved 0.405 > 0.393), and `budget_cover` takes the best of that and the plain
    greedy. The union bound counts every affordable seed set: at most
    ``sum_{j <= k_max} C(n_afford, j)``, ``k_max`` the most nodes the budget buys.
    The optimum is at least what the seeds hold themselves: k nodes (OPIM-C's ``n / k``),
    or one under a budget; with a `target`, spreads are in units of its weight (the
    scale is ``W``) and the optimum is at least the sum of the k largest weights of
    eligible nodes (the largest affordable one's, under a budget).
    """
    weights = None if target is None else target.weights
    scale = float(n) if target is None else target.total
    n_cand = int(allowed.sum())
    if budget is None:
        log_sets = log_comb(n_cand, k)
        ratio = ONE_MINUS_INV_E
        floor = float(k) if weights is None else float(np.sort(weights[allowed])[::-1][:k].sum())
        return Objective(k, scale, log_sets, ratio, floor)
    afford = allowed & (costs <= budget)
    n_afford = int(afford.sum())
    cheap = np.cumsum(np.sort(costs[afford]))
    k_max = max(int(np.searchsorted(cheap, budget, side="right")), 1)
    terms = [log_comb(n_afford, j) for j in range(1, k_max + 1)]
    top = max(terms)
    log_sets = top + math.log(sum(math.exp(t - top) for t in terms))
    floor = 1.0 if weights is None else float(weights[afford].max(initial=0.0))
    return Objective(k_max, scale, log_sets, ONE_MINUS_INV_SQRT_E, floor, costs, budget)


def log_comb(n, k):
    """``log C(n, k)``: the union bound over seed sets of IMM's and OPIM-C's guarantees."""
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
