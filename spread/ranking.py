"""Node rankings that influence maximization and the fits' seed rules share.

Each function scores or picks nodes from the graph alone (and, for PageRank, per-arc
weights the caller resolves from its model); `top_k` turns scores into the k best
allowed nodes, ties to the smallest index.
"""

import numpy as np

__all__ = ["degree_scores", "pagerank_scores", "random_nodes", "top_k"]


def top_k(scores, k, allowed):
    """Indices of the `k` highest scores among `allowed` nodes (ties: smallest index first).

    Examples
    --------
    >>> import numpy as np
    >>> from spread.ranking import top_k
    >>> top_k(np.array([1.0, 3.0, 3.0, 2.0]), 2, np.ones(4, bool)).tolist()
    [1, 2]
    """
    idx = np.flatnonzero(allowed)
    order = np.lexsort((idx, -scores[idx]))
    return idx[order[:k]]


def degree_scores(graph):
    """Out-degree of every node, as floats (influence flows along out-arcs)."""
    return graph.out_degree.astype(np.float64)


def pagerank_scores(graph, weights, *, damping=0.85, tol=1e-10, max_iter=1000):
    """PageRank on the reversed graph, arcs weighted by `weights` (one per arc).

    Influence flows along arcs, so a node ranks high when it points at nodes that rank
    high; arc ``u -> v`` passes rank from v to u in proportion to its weight.

    Examples
    --------
    >>> import spread
    >>> from spread.ranking import pagerank_scores
    >>> g = spread.Graph.from_edges([0, 1], [1, 2])
    >>> x = pagerank_scores(g, [1.0, 1.0])
    >>> bool(x[0] > x[1] > x[2])
    True
    """
    import scipy.sparse as sp

    n = graph.n_nodes
    w = np.asarray(weights, dtype=np.float64)
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
    return x


def random_nodes(k, allowed, generator):
    """`k` allowed nodes drawn uniformly without replacement from a numpy `Generator`."""
    idx = np.flatnonzero(allowed)
    return generator.choice(idx, size=min(k, idx.size), replace=False).astype(np.int64)
