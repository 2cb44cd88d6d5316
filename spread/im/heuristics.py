"""Cheap seed-selection baselines: degree, degree discount, PageRank, random."""

import numpy as np

from ..models import IC

__all__ = ["degree", "degree_discount", "pagerank", "random"]


def _top(scores, k, allowed):
    """Indices of the k highest scores among allowed nodes (ties: smallest id first)."""
    idx = np.flatnonzero(allowed)
    order = np.lexsort((idx, -scores[idx]))
    return idx[order[:k]]


def degree(graph, k, allowed):
    """The k allowed nodes of largest out-degree."""
    scores = graph.out_degree.astype(np.float64)
    seeds = _top(scores, k, allowed)
    return seeds, scores[seeds]


def degree_discount(graph, k, model, allowed):
    """DegreeDiscountIC (Chen, Wang, Yang, KDD 2009).

    ``dd_v = d_v - 2 t_v - (d_v - t_v) t_v p``, where ``t_v`` counts the chosen
    out-neighbours of v. `p` is the model's uniform probability (the mean arc
    probability for per-arc IC, the mean weight for LT).
    """
    if isinstance(model, IC):
        uniform = model._uniform()
        p = uniform if uniform is not None else float(np.mean(model.arc_probabilities(graph)))
    else:
        p = float(np.mean(model.arc_weights(graph))) if graph.n_edges else 0.0
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


def pagerank(graph, k, model, allowed, *, damping=0.85, tol=1e-10, max_iter=1000):
    """The k allowed nodes of highest PageRank on the reversed, probability-weighted graph.

    Influence flows along arcs, so a node ranks high when it points at nodes that rank
    high; arc ``u -> v`` passes rank from v to u in proportion to its probability.
    """
    import scipy.sparse as sp

    n = graph.n_nodes
    w = model.arc_probabilities(graph) if isinstance(model, IC) else model.arc_weights(graph)
    tails = np.repeat(np.arange(n), graph.out_degree)
    # R[u, v] = w_uv / sum over u' of w_u'v  (column-stochastic in the reversed graph)
    col = np.bincount(graph.indices, weights=w, minlength=n)
    vals = w / np.where(col > 0, col, 1.0)[graph.indices]
    R = sp.csr_array((vals, (tails, graph.indices)), shape=(n, n))
    dangling = col == 0
    x = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = damping * (R @ x + x[dangling].sum() / n) + (1 - damping) / n
        if np.abs(new - x).sum() < tol:
            x = new
            break
        x = new
    seeds = _top(x, k, allowed)
    return seeds, x[seeds]


def random(graph, k, allowed, rng):
    """k allowed nodes drawn uniformly without replacement from `rng`."""
    idx = np.flatnonzero(allowed)
    seeds = np.random.default_rng(rng).choice(idx, size=min(k, idx.size), replace=False)
    return seeds.astype(np.int64), np.full(seeds.size, np.nan)
