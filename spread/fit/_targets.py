"""Per-target parameters (one per target node, or one per arc) solved block by block."""

import math
from dataclasses import replace

import numpy as np

from ..exceptions import ConvergenceWarning, warn
from ._target_kernels import solve_blocks

__all__ = ["granular_result", "solve_targets", "target_params"]


def target_params(graph, arc_used, granularity):
    """Parameters grouped by target node: one per used arc ("edge") or per target ("node").

    Returns ``(par_of_arc, per_block)``: the parameter of every arc (-1 if none) and the
    number of parameters of each target node; parameters are numbered target by target.
    """
    n, m = graph.n_nodes, graph.n_edges
    par_of_arc = np.full(m, -1, dtype=np.int64)
    if granularity == "edge":
        slot_used = arc_used[graph.in_arc]
        act = graph.in_arc[slot_used].astype(np.int64)  # used arcs, target by target
        par_of_arc[act] = np.arange(act.size)
        owner = np.repeat(np.arange(n), graph.in_degree)[slot_used]
        return par_of_arc, np.bincount(owner, minlength=n)
    head = graph.indices.astype(np.int64)
    node_used = np.bincount(head, weights=arc_used, minlength=n) > 0
    par_of_node = np.full(n, -1, dtype=np.int64)
    par_of_node[node_used] = np.arange(int(node_used.sum()))
    used = arc_used.astype(bool)
    par_of_arc[used] = par_of_node[head[used]]
    return par_of_arc, node_used.astype(np.int64)


def solve_targets(
    kind, per_block, lin, grp_target, grp_ptr, grp_par, grp_coef, start, pen, upper, max_iter
):
    """Solve the per-target concave problems (`solve_blocks`); groups sorted by target first.

    Returns ``(x, stderr, n_not_converged, max_iterations)``.
    """
    n = per_block.size
    n_par = int(per_block.sum())
    order = np.argsort(grp_target, kind="stable")
    lens = np.diff(grp_ptr)[order]
    ptr = np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)
    take = np.repeat(grp_ptr[:-1][order] - ptr[:-1], lens) + np.arange(ptr[-1])
    blk_grp = np.concatenate([[0], np.cumsum(np.bincount(grp_target, minlength=n))])
    x = np.empty(n_par)
    se = np.empty(n_par)
    status = np.zeros(n, dtype=np.int64)
    nit = np.zeros(n, dtype=np.int64)
    solve_blocks(
        kind,
        np.concatenate([[0], np.cumsum(per_block)]).astype(np.int64),
        blk_grp.astype(np.int64),
        np.ascontiguousarray(lin, dtype=np.float64),
        np.ascontiguousarray(pen, dtype=np.float64),
        np.ascontiguousarray(start, dtype=np.float64),
        ptr,
        np.ascontiguousarray(grp_par[take], dtype=np.int64),
        np.ascontiguousarray(grp_coef[take], dtype=np.float64),
        np.ascontiguousarray(start, dtype=np.float64),
        np.ascontiguousarray(upper, dtype=np.float64),
        max_iter,
        1e-12,
        x,
        se,
        status,
        nit,
    )
    return x, se, int(np.sum(status != 0)), int(nit.max(initial=0))


def granular_result(res, model, loglik, n_par, n_bad, nit, max_iter):
    """The pooled fit `res` relabelled as a per-node/per-arc fit (its loglik, AIC, BIC)."""
    message, status, success, warns = res.message, res.status, res.success, res.warnings
    if n_bad:
        note = f"{n_bad} per-node problem(s) did not converge within `max_iter` = {max_iter}."
        message = f"{message} {note}"
        status, success, warns = 1, False, (*warns, note)
        warn(f"{model} fit did not converge: {note} Increase `max_iter`.", ConvergenceWarning)
    return replace(
        res,
        model=model,
        loss=-loglik,
        loglik=loglik,
        aic=2 * n_par - 2 * loglik,
        bic=n_par * math.log(max(res.n_obs, 1)) - 2 * loglik,
        n_params=n_par,
        status=status,
        success=success,
        message=message,
        warnings=warns,
        nit=res.nit + nit,
    )
