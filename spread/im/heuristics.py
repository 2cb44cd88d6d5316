"""Cheap seed-selection baselines: degree, degree discount, PageRank, random."""

import numpy as np

from ..models import LT
from ..ranking import degree_scores, pagerank_scores, random_nodes, top_k
from ._result import Choice

__all__ = [
    "degree",
    "degree_discount",
    "pagerank",
    "random",
    "select_degree",
    "select_degree_discount",
    "select_pagerank",
    "select_random",
]


def select_degree(task):
    """`spread.maximize`'s ``method="degree"``."""
    return Choice(*degree(task.graph, task.k, task.allowed))


def select_degree_discount(task):
    """`spread.maximize`'s ``method="degree-discount"``."""
    return Choice(*degree_discount(task.graph, task.k, task.model, task.allowed))


def select_pagerank(task):
    """`spread.maximize`'s ``method="pagerank"``."""
    return Choice(*pagerank(task.graph, task.k, task.model, task.allowed))


def select_random(task):
    """`spread.maximize`'s ``method="random"``."""
    return Choice(*random(task.graph, task.k, task.allowed, task.generator))


def degree(graph, k, allowed):
    """The k allowed nodes of largest out-degree."""
    scores = degree_scores(graph)
    seeds = top_k(scores, k, allowed)
    return seeds, scores[seeds]


def degree_discount(graph, k, model, allowed):
    """DegreeDiscountIC (Chen, Wang, Yang, KDD 2009).

    ``dd_v = d_v - 2 t_v - (d_v - t_v) t_v p``, where ``t_v`` counts the chosen
    out-neighbours of v. `p` is the model's uniform probability (the mean arc
    probability for per-arc IC, the mean weight for LT).
    """
    if isinstance(model, LT):
        p = float(np.mean(model.arc_weights(graph))) if graph.n_edges else 0.0
    else:  # IC, or CTIC (its coins)
        uniform = model.uniform_probability()
        p = uniform if uniform is not None else float(np.mean(model.arc_probabilities(graph)))
    d = graph.out_degree.astype(np.float64)
    dd = d.copy()
    t = np.zeros_like(d)
    chosen = ~allowed.copy()
    seeds, gains = [], []
    for _ in range(k):
        masked = np.where(chosen, -np.inf, dd)
        u = int(np.argmax(masked))
        if not np.isfinite(masked[u]):
            break
        seeds.append(u)
        gains.append(dd[u])
        chosen[u] = True
        for v in graph.in_indices[graph.in_indptr[u] : graph.in_indptr[u + 1]]:
            if not chosen[v]:
                t[v] += 1
                dd[v] = d[v] - 2 * t[v] - (d[v] - t[v]) * t[v] * p
    return np.asarray(seeds, dtype=np.int64), np.asarray(gains)


def pagerank(graph, k, model, allowed):
    """The k allowed nodes of highest PageRank on the reversed, probability-weighted graph."""
    w = model.arc_weights(graph) if isinstance(model, LT) else model.arc_probabilities(graph)
    x = pagerank_scores(graph, w)
    seeds = top_k(x, k, allowed)
    return seeds, x[seeds]


def random(graph, k, allowed, generator):
    """k allowed nodes drawn uniformly without replacement from `generator`."""
    seeds = random_nodes(k, allowed, generator)
    return seeds, np.full(seeds.size, np.nan)
