"""Seed selection under heat diffusion (Ma, Yang, Lyu, King, CIKM 2008): deterministic, no sampling."""

import numpy as np

from ..exceptions import InvalidParameterError
from ..models import solve
from ._result import Choice

__all__ = ["heat_greedy", "heat_score", "heat_top", "select_greedy", "select_top"]

_MAX_AUTO_CANDIDATES = 1000


def select_top(task):
    """`spread.maximize`'s ``method="heat-top"``."""
    seeds, gains, n = heat_top(
        task.graph,
        task.k,
        task.model,
        horizon=task.horizon,
        allowed=task.allowed,
        fixed=task.fixed,
        report=task.report,
    )
    return Choice(seeds, gains, n)


def select_greedy(task):
    """`spread.maximize`'s ``method="heat-greedy"``."""
    seeds, gains, n = heat_greedy(
        task.graph,
        task.k,
        task.model,
        horizon=task.horizon,
        allowed=task.allowed,
        fixed=task.fixed,
        report=task.report,
    )
    return Choice(seeds, gains, n)


def _heat_at(graph, model, f0, horizon):
    return solve(graph, f0, model, times=[horizon], keep="all").heat[0]


def heat_score(graph, model, f0, horizon, exclude_mask):
    """The value of an initial heat vector at `horizon`.

    With a threshold: nodes whose heat reaches it (at the horizon), not counting
    `exclude_mask` nodes' own heat (the sources count as adopted). Without: the heat
    that left the sources.
    """
    f = _heat_at(graph, model, f0, horizon)
    if model.threshold is not None:
        return float(np.count_nonzero((f >= model.threshold) | exclude_mask))
    return float(f0.sum() - f[exclude_mask].sum())


def default_candidates(graph, allowed):
    """All allowed nodes on small graphs; else the 1,000 of highest out-degree."""
    idx = np.flatnonzero(allowed)
    if idx.size <= _MAX_AUTO_CANDIDATES:
        return idx
    order = np.lexsort((idx, -graph.out_degree[idx]))
    return np.sort(idx[order[:_MAX_AUTO_CANDIDATES]])


def heat_top(graph, k, model, *, horizon, allowed, fixed, report):
    """Rank candidates by what each one's heat alone achieves by `horizon`; take the top k.

    Score: with a threshold, the nodes brought to it (the source included); without,
    the heat sent away from the source. Candidates: `default_candidates`.
    """
    cand = default_candidates(graph, allowed)
    responses = model.responses(graph, cand, horizon)
    report(cand.size)
    own = np.zeros(responses.shape, dtype=bool)
    own[np.arange(cand.size), cand] = True
    if model.threshold is not None:
        scores = ((responses >= model.threshold) | own).sum(axis=1).astype(float)
    else:
        scores = float(model.source_heat) - responses[own]
    order = np.lexsort((cand, -scores))[:k]
    return cand[order], scores[order], cand.size


def heat_greedy(graph, k, model, *, horizon, allowed, fixed, report):
    """Greedy on the threshold read-out: add the node whose heat brings most new adopters.

    Heat is linear in the initial heat, so the heat of a seed set is the sum of its
    members' unit responses, computed once per candidate. Needs ``Heat(threshold=...)``.
    """
    if model.threshold is None:
        msg = "`method='heat-greedy'` needs a read-out: give `Heat(threshold=...)`."
        raise InvalidParameterError(msg)
    cand = default_candidates(graph, allowed)
    responses = model.responses(graph, cand, horizon)
    report(cand.size)
    thr = float(model.threshold)
    base_src = np.flatnonzero(fixed)
    if base_src.size:
        f0 = np.zeros(graph.n_nodes)
        f0[base_src] = float(model.source_heat)
        current = _heat_at(graph, model, f0, horizon)
    else:
        current = np.zeros(graph.n_nodes)
    adopted = (current >= thr) | fixed
    taken = np.zeros(cand.size, dtype=bool)
    seeds, gains = [], []
    for _ in range(k):
        new = ((current[None, :] + responses) >= thr) & ~adopted[None, :]
        gain = new.sum(axis=1).astype(float)
        own = ~adopted[cand]  # the seed itself adopts
        gain = np.where(taken, -np.inf, gain + (own & ~new[np.arange(cand.size), cand]))
        i = int(np.argmax(gain))
        if not np.isfinite(gain[i]):
            break
        taken[i] = True
        seeds.append(int(cand[i]))
        gains.append(float(gain[i]))
        current = current + responses[i]
        adopted |= current >= thr
        adopted[cand[i]] = True
    return np.asarray(seeds, dtype=np.int64), np.asarray(gains), cand.size
