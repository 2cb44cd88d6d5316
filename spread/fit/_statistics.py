"""Sufficient statistics of the IC and LT likelihoods from cascades on a graph (FITTING.md §2.3)."""

from typing import NamedTuple

import numpy as np
import pandas as pd

from .._validation import check_in
from ..exceptions import InvalidParameterError

__all__ = ["TrialGroups", "brackets", "exposures", "trial_groups", "trials"]


def trial_groups(cascades, dt):
    """IC trials with the arcs that made them (the per-edge form of `trials`).

    Returns
    -------
    TrialGroups
        A named tuple of arrays, one entry per group (cascade, target, step):
        ``cascade`` (label), ``target`` (node index), ``step``, ``k``, ``success``,
        and ``ptr``/``arcs``: the arc ids (graph arc order) of group ``g`` are
        ``arcs[ptr[g]:ptr[g + 1]]``.

    Examples
    --------
    >>> import pandas as pd, spread
    >>> from spread import Cascades
    >>> from spread.fit._statistics import trial_groups, trials
    >>> g = spread.Graph.from_edges([0, 0, 1], [1, 2, 2])
    >>> df = pd.DataFrame({"c": [0, 0], "v": [0, 1], "t": [0.0, 1.0]})
    >>> cs = Cascades.from_frame(df, cascade="c", node="v", time="t", graph=g)
    >>> tg = trial_groups(cs, 1.0)
    >>> tg.target.tolist(), tg.k.tolist(), tg.arcs.tolist()
    ([1, 2, 2], [1, 1, 1], [0, 1, 2])
    """
    from ._cascade_kernels import trial_groups

    g = cascades.need_graph("trial_groups")
    casc_ptr, nodes, steps, labels = cascades.generations(dt)
    casc, target, step, success, ptr, arcs = trial_groups(
        g.indptr, g.indices, casc_ptr, nodes, steps, g.n_nodes
    )
    return TrialGroups(labels[casc], target, step, np.diff(ptr), success, ptr, arcs)


def trials(cascades, dt):
    """IC transmission trials grouped by (cascade, target, step) (FITTING.md §2.3.1).

    Every node ``u`` active at step ``s`` makes one attempt on each out-neighbour
    that is not active by step ``s``; attempts on ``v`` at step ``s + 1`` are grouped
    into one row with ``k`` attempting parents, a success iff ``v`` activated at
    ``s + 1``. Cascades are taken as complete (a node never seen never adopted).

    Returns
    -------
    pandas.DataFrame
        Columns ``cascade``, ``target`` (label), ``step``, ``k``, ``success``.

    Examples
    --------
    >>> import pandas as pd, spread
    >>> from spread import Cascades
    >>> from spread.fit._statistics import trial_groups, trials
    >>> g = spread.Graph.from_edges([0, 0, 1], [1, 2, 2])
    >>> df = pd.DataFrame({"c": [0, 0], "v": [0, 1], "t": [0.0, 1.0]})
    >>> cs = Cascades.from_frame(df, cascade="c", node="v", time="t", graph=g)
    >>> trials(cs, 1.0)[["target", "step", "k", "success"]].values.tolist()
    [[1, 1, 1, True], [2, 1, 1, False], [2, 2, 1, False]]
    """
    cascades.need_graph("trials")
    tg = trial_groups(cascades, dt)
    return pd.DataFrame(
        {
            "cascade": tg.cascade,
            "target": cascades.graph.labels[tg.target],
            "step": tg.step,
            "k": tg.k,
            "success": tg.success,
        }
    )


def exposures(cascades, dt):
    """Exposure curve: adoption probability after exactly ``k`` exposures.

    A node's exposures are its distinct in-neighbours active at earlier steps
    (Romero, Meeder & Kleinberg 2011). ``probability[k] = n_adopted[k] /
    n_reached[k]``, where ``n_reached[k]`` counts (cascade, node) pairs that
    reached ``k`` exposures before adopting (or by the end) and ``n_adopted[k]``
    those that adopted with exactly ``k``. IC predicts a flat curve.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``k`` >= 1: ``n_reached``, ``n_adopted``, ``probability``.
    """
    from ._cascade_kernels import exposure_counts

    g = cascades.need_graph("exposures")
    casc_ptr, nodes, steps, _ = cascades.generations(dt)
    reached, adopted = exposure_counts(
        g.indptr, g.indices, g.in_indptr, g.in_indices, casc_ptr, nodes, steps, g.n_nodes
    )
    ks = np.arange(1, reached.size)
    with np.errstate(invalid="ignore", divide="ignore"):
        prob = np.where(reached[1:] > 0, adopted[1:] / np.maximum(reached[1:], 1), np.nan)
    return pd.DataFrame(
        {"n_reached": reached[1:], "n_adopted": adopted[1:], "probability": prob},
        index=pd.Index(ks, name="k"),
    )


def _lt_weights(cascades, weights):
    """In-weights ``b_uv`` per arc (graph arc order) from ``"wc"`` or an array."""
    g = cascades.graph
    if isinstance(weights, str):
        check_in(weights, name="weights", options=("wc",))
        indeg = np.maximum(g.in_degree, 1).astype(np.float64)
        return 1.0 / indeg[g.indices]
    w = np.asarray(weights, dtype=np.float64)
    if w.shape != (g.n_edges,):
        msg = f"`weights` must have one entry per arc ({g.n_edges}); got shape {w.shape}."
        raise InvalidParameterError(msg)
    return w


def brackets(cascades, dt, weights="wc"):
    """LT threshold brackets per (cascade, node) (FITTING.md §2.3.5).

    A node activated at step ``s`` >= 1 has ``w_low < theta <= w_high`` with
    ``w_low`` the in-weight from nodes active by step ``s - 2`` and ``w_high`` by
    ``s - 1``; an exposed node that never adopted has ``theta > w_high`` (``censored``).

    Parameters
    ----------
    dt : float
        Step width.
    weights : "wc" or array_like
        In-weights ``b_uv`` per arc (arc order of the graph); ``"wc"`` is
        ``1 / indeg(v)``.

    Returns
    -------
    pandas.DataFrame
        Columns ``cascade``, ``node`` (label), ``w_low``, ``w_high``, ``censored``.
    """
    from ._cascade_kernels import bracket_rows

    g = cascades.need_graph("brackets")
    w = _lt_weights(cascades, weights)
    casc_ptr, nodes, steps, labels = cascades.generations(dt)
    casc, node, lo, hi, cens = bracket_rows(
        g.indptr,
        g.indices,
        g.in_indptr,
        g.in_indices,
        np.ascontiguousarray(w[g.in_arc]),
        casc_ptr,
        nodes,
        steps,
        g.n_nodes,
    )
    return pd.DataFrame(
        {
            "cascade": labels[casc],
            "node": g.labels[node],
            "w_low": lo,
            "w_high": hi,
            "censored": cens,
        }
    )


class TrialGroups(NamedTuple):
    """IC trials grouped by (cascade, target, step), with the arcs of every group.

    See `Cascades.trial_groups`.
    """

    cascade: np.ndarray
    target: np.ndarray
    step: np.ndarray
    k: np.ndarray
    success: np.ndarray
    ptr: np.ndarray
    arcs: np.ndarray
