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
    Arcs 0 -> 2, 1 -> 2, 2 -> 3, and two cascades written out by hand. In the first,
    node 2 is exposed by 0 at step 0, does not adopt, is exposed again by 1 at step 1
    and adopts at step 2 (with 2 exposures); node 3 is exposed by 2 and never adopts.
    In the second, 2 adopts after one exposure and so does 3. So 4 pairs reached one
    exposure and 2 of them adopted with it; 1 reached two and adopted.

    >>> import pandas as pd, spread
    >>> from spread import Cascades
    >>> from spread.fit import exposure_curve, simulate_cascades
    >>> g = spread.Graph.from_edges([0, 1, 2], [2, 2, 3])
    >>> df = pd.DataFrame({"c": [0, 0, 0, 1, 1, 1], "v": [0, 1, 2, 0, 2, 3],
    ...                    "t": [0.0, 1.0, 2.0, 0.0, 1.0, 2.0]})
    >>> cs = Cascades.from_frame(df, cascade="c", node="v", time="t", graph=g)
    >>> exposure_curve(cs)[["n_reached", "n_adopted", "probability"]]
       n_reached  n_adopted  probability
    k
    1          4          2          0.5
    2          1          1          1.0

    Under IC every single exposure succeeds with probability ``p``: from the hub of a
    star each leaf is exposed once, and the curve sits at ``p`` within 4 standard errors.

    >>> star = spread.Graph.from_edges([0, 0, 0, 0, 0], [1, 2, 3, 4, 5])
    >>> sim = simulate_cascades(star, spread.IC(p=0.2), seeds=0, n_cascades=400, rng=0)
    >>> row = exposure_curve(sim).loc[1]
    >>> int(row["n_reached"]), bool(abs(row["probability"] - 0.2) < 4 * row["stderr"])
    (2000, True)
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
