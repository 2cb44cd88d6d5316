"""The exposure curve: the model-free check of IC against LT (Romero, Meeder & Kleinberg 2011)."""

import numpy as np
import pandas as pd

from .._common import z_value
from ._exposure_kernels import exposure_counts
from .cascades import _check_cascades, _resolve_dt

__all__ = ["exposure_curve", "exposures"]


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


def exposure_curve(cascades, dt=None, *, level=0.95):
    """Adoption probability after exactly ``k`` exposures, with binomial intervals.

    A (cascade, node) pair is exposed ``k`` times when ``k`` of its in-neighbours
    are active at earlier steps (Romero, Meeder & Kleinberg 2011). Under IC the curve
    is flat at ``p`` when exposures arrive one step at a time (``k`` parents
    activating in the same step give ``1 - (1 - p)^k``); LT with fractional
    thresholds makes it rise with ``k``, and steeply.

    Parameters
    ----------
    cascades : Cascades
        Built with ``graph=``.
    dt : float, str or pandas.Timedelta, optional
        Generation length (default: the times already are whole steps).
    level : float, default 0.95
        Level of the Wilson score intervals.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``k`` >= 1: ``n_reached`` (pairs that reached ``k`` exposures),
        ``n_adopted`` (adopted with exactly ``k``), ``probability``, ``stderr``
        (``sqrt(P(1-P)/n_reached)``), ``lower`` and ``upper``.

    Examples
    --------
    >>> import spread
    >>> from spread.fit import exposure_curve, simulate_cascades
    >>> g = spread.datasets.load("karate")
    >>> cs = simulate_cascades(g, spread.IC(p=0.2), n_cascades=200, rng=0)
    >>> exposure_curve(cs).loc[1:3, ["n_reached", "probability"]].round(3)
       n_reached  probability
    k
    1       2470        0.174
    2        964        0.219
    3        314        0.204
    """

    _check_cascades(cascades, "exposure_curve")
    z = z_value(level)
    out = exposures(cascades, _resolve_dt(cascades, dt))
    n = out["n_reached"].to_numpy(dtype=np.float64)
    p = out["probability"].to_numpy()
    with np.errstate(invalid="ignore", divide="ignore"):
        se = np.sqrt(p * (1 - p) / n)
        centre = (p + z * z / (2 * n)) / (1 + z * z / n)
        half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    out["stderr"] = se
    out["lower"] = np.clip(centre - half, 0.0, 1.0)
    out["upper"] = np.clip(centre + half, 0.0, 1.0)
    return out
