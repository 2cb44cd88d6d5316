"""Cascades on a known graph: synthetic ones to fit, and what every cascade fit shares.

`simulate_cascades` makes discrete-step cascades with the one Monte Carlo loop, the same
code path users fit; the helpers below check cascades, turn times into steps and hold
the base class of the likelihoods on cascades.
"""

import itertools
import math
import numbers
from collections.abc import Iterable

import numpy as np
import pandas as pd

from .._common import check_memory, thread_count
from .._random import CASCADES, SEED_RULE, generator, root_seed, stream_root
from .._time import span_seconds
from .._validation import check_in, check_int, check_level, check_nonnegative_float
from ..cascades import Cascades
from ..exceptions import InvalidParameterError
from ..graph import Graph, resolve_seed_sets, resolve_seeds
from ..models import run_batch, seed_arrays
from ..models.simulate import MAX_STEPS
from ._problem import Problem

__all__ = ["simulate_cascades"]

_CI = ("wald", "profile", "bootstrap")


def _check_cascades(cascades, what):
    if not isinstance(cascades, Cascades):
        msg = f"`cascades` must be a spread.fit.Cascades; got {type(cascades).__name__}."
        raise InvalidParameterError(msg)
    if cascades.graph is None:
        msg = (
            f"`cascades` must carry the graph for `{what}`; build them with "
            "`Cascades.from_frame(..., graph=g)`."
        )
        raise InvalidParameterError(msg)
    return cascades.graph


def _resolve_dt(cascades, dt):
    """The step width for `Cascades.to_steps`: `dt`, or 1 when times already are steps."""
    if dt is not None:
        if isinstance(dt, bool) or not isinstance(dt, numbers.Real | str | pd.Timedelta):
            msg = f"`dt` must be a positive number or a time span such as '1h'; got {dt!r}."
            raise InvalidParameterError(msg)
        if isinstance(dt, str | pd.Timedelta):
            return span_seconds(dt, "dt")
        return check_nonnegative_float(dt, name="dt", allow_zero=False)
    if cascades.origin is not None:
        msg = (
            "`dt` is required for datetime cascade times: pass `dt=` (the generation "
            "length, e.g. dt='1h'); got dt=None."
        )
        raise InvalidParameterError(msg)
    rel = cascades.relative_times()
    bad = rel != np.floor(rel)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        row = cascades.data["row"].iloc[i]
        msg = (
            "`dt` must be given when cascade times are not whole steps: got dt=None and "
            f"time {float(cascades.data['time'].iloc[i])!r} (row {row!r}). Pass `dt=` (the "
            "generation length) to bin the times into steps."
        )
        raise InvalidParameterError(msg)
    return 1.0


def _check_common(level, ci_method, n_resamples, max_iter):
    level = check_level(level)
    ci_method = check_in(ci_method, name="ci_method", options=_CI)
    n_resamples = check_int(n_resamples, name="n_resamples", min_value=1)
    max_iter = check_int(max_iter, name="max_iter", min_value=1)
    return float(level), ci_method, n_resamples, max_iter


def _seed_sets(cascades, dt):
    """Index arrays of the first-step adopters of every cascade (in cascade order)."""
    casc_ptr, nodes, steps, _ = cascades.generations(dt)
    return [nodes[a:b][steps[a:b] == 0] for a, b in itertools.pairwise(casc_ptr)]


def _simulate_many(graph, model, seed_sets, root, max_steps, horizon=None):
    """One run of `model` per seed set -> Cascades (cascade ``i``: run ``i`` of the
    ``CASCADES`` stream under `root`, from seed set ``i``), with the one Monte Carlo loop.

    A continuous-time model (CTIC) gives real adoption times, up to `horizon`."""
    options = {}
    if getattr(model, "continuous_time", False):
        options = {"horizon": math.inf if horizon is None else horizon}
    runs = run_batch(
        graph,
        model.plan(graph, **options),
        seed_arrays(seed_sets),
        n_runs=len(seed_sets),
        max_steps=max(graph.n_nodes, 1) if max_steps is None else max_steps,
        root=stream_root(root, CASCADES),
        n_threads=thread_count(),
        keep_times=True,
        count_nodes=False,
    )
    times = runs.activation_times
    cascade, node = np.nonzero(times >= 0)
    order = np.lexsort((node, times[cascade, node], cascade))
    cascade, node = cascade[order], node[order]
    df = pd.DataFrame(
        {
            "cascade": cascade.astype(np.int64),
            "node": graph.labels[node],
            "time": times[cascade, node].astype(np.float64),
        }
    )
    return Cascades.from_frame(df, graph=graph)


def _parse_seed_sets(graph, seeds, n_cascades, gen):
    """Seed sets as index arrays: random single seeds, one set repeated, or a list of sets."""
    if seeds is None:
        if n_cascades is None:
            msg = "`n_cascades` must be given when `seeds` is None (one random seed per cascade)."
            raise InvalidParameterError(msg)
        n = check_int(n_cascades, name="n_cascades", min_value=1)
        if graph.n_nodes == 0:
            msg = "`graph` must have a node to draw random seeds from; it has none."
            raise InvalidParameterError(msg)
        _check_memory(graph, n)
        return [np.array([v]) for v in gen.integers(0, graph.n_nodes, size=n)]
    several = False
    if isinstance(seeds, Iterable) and not (
        graph._is_scalar_label(seeds) or isinstance(seeds, np.ndarray)
    ):
        seeds = list(seeds)
        several = not all(graph._is_scalar_label(s) for s in seeds)
    if not several:
        one = resolve_seeds(graph, seeds)
        n = 1 if n_cascades is None else check_int(n_cascades, name="n_cascades", min_value=1)
        _check_memory(graph, n)
        return [one] * n
    # Several sets; a label among them is a set of one.
    sets = resolve_seed_sets(
        graph, [[s] if graph._is_scalar_label(s) else s for s in seeds], name="seeds"
    )
    if n_cascades is not None and check_int(n_cascades, name="n_cascades") != len(sets):
        msg = (
            f"`n_cascades` must equal the number of seed sets ({len(sets)}) when `seeds` "
            f"lists them; got {n_cascades!r}."
        )
        raise InvalidParameterError(msg)
    _check_memory(graph, len(sets))
    return sets


#: Bytes a cascade may take while it is simulated and tabulated: per node, its activation
#: step and, when it adopts, a row of the table and its sort (about 100 bytes); per
#: cascade, its seed set and run buffers (about 500 bytes).
_BYTES_PER_NODE = 100
_BYTES_PER_CASCADE = 500


def _check_memory(graph, n_cascades):
    """Raise `MemoryLimitError` before simulating cascades that memory cannot hold."""
    check_memory(
        float(n_cascades) * (graph.n_nodes * _BYTES_PER_NODE + _BYTES_PER_CASCADE),
        what=f"`n_cascades` = {n_cascades:,} cascades on {graph.n_nodes:,} nodes",
        advice="lower `n_cascades`",
    )


def simulate_cascades(
    graph, model, seeds=None, *, n_cascades=None, max_steps=None, rng=None, horizon=None
):
    """Cascades simulated with `spread.simulate`, ready to fit.

    Each cascade is one run of `model` from its seed set, with its own random
    stream: the root seeds of the runs are drawn from `rng`, so the cascades are
    independent and reproducible.

    Parameters
    ----------
    graph : Graph
    model : IC, LT, CTIC, SIR or SIS
    seeds : label, sequence of labels, or sequence of sequences, optional
        A list of seed sets gives one cascade per set; one seed set (a label or a flat
        list) gives `n_cascades` cascades (default 1) from it; None gives
        `n_cascades` cascades from one uniformly drawn seed node each.
    n_cascades : int, optional
        Number of cascades (required when `seeds` is None).
    max_steps : int, optional
        Stop every cascade after this many steps (IC, LT).
    rng : None, int, SeedSequence or Generator
    horizon : float, optional
        Continuous-time models (CTIC) only: adoptions later than this are not observed.

    Returns
    -------
    Cascades
        Cascade ids ``0 .. n - 1``; times are the activation steps (seeds at 0), or the
        real adoption times for `CTIC`.

    Raises
    ------
    InvalidParameterError
        If `model` is not a stochastic spread model, or the seeds are malformed.
    NodeNotFound
        If a seed is not a node of the graph.

    Examples
    --------
    With ``p = 1`` on the path 0 -> 1 -> 2 -> 3 a cascade from node ``s`` reaches
    every node after it, node ``s + d`` at step ``d``:

    >>> import numpy as np, spread
    >>> from spread.fit import simulate_cascades
    >>> path = spread.Graph.from_edges([0, 1, 2], [1, 2, 3])
    >>> cs = simulate_cascades(path, spread.IC(p=1.0), seeds=[[0], [2]], rng=0)
    >>> cs
    <Cascades: 2 cascades, 6 adoptions, 4 distinct nodes, graph of 4 nodes>
    >>> cs.data.groupby("cascade")["node"].agg(list).tolist(), cs.data["time"].tolist()
    ([[0, 1, 2, 3], [2, 3]], [0.0, 1.0, 2.0, 3.0, 0.0, 1.0])

    With `CTIC` the times are real: a delay of 0.5 per arc puts node ``s + d`` at
    ``0.5 d``, and a horizon of 1 keeps two arcs' worth:

    >>> ctic = spread.CTIC(p=1.0, delay=("fixed", 0.5))
    >>> simulate_cascades(path, ctic, seeds=0, horizon=1.0, rng=0).data["time"].tolist()
    [0.0, 0.5, 1.0]

    From the hub of a star with 4 leaves a cascade has ``1 + 4 p`` adopters on average
    (3 at ``p = 0.5``):

    >>> star = spread.Graph.from_edges([0, 0, 0, 0], [1, 2, 3, 4])
    >>> sizes = simulate_cascades(star, spread.IC(p=0.5), seeds=0, n_cascades=2000, rng=0).sizes
    >>> bool(abs(sizes.mean() - 3) < 4 * sizes.std() / np.sqrt(len(sizes)))
    True
    """
    if not isinstance(graph, Graph):
        msg = f"`graph` must be a spread.Graph; got {type(graph).__name__}."
        raise InvalidParameterError(msg)
    if not hasattr(model, "plan"):
        msg = f"`model` must be a stochastic spread model (IC, LT, CTIC, SIR, SIS or TemporalIC); got {model!r}."
        raise InvalidParameterError(msg)
    continuous = getattr(model, "continuous_time", False)
    if continuous and max_steps is not None:
        msg = f"`max_steps` applies to models counted in steps; {model!r} runs in continuous time: use `horizon`."
        raise InvalidParameterError(msg)
    if not continuous and horizon is not None:
        msg = f"`horizon` applies to continuous-time models (CTIC); {model!r} counts steps: use `max_steps`."
        raise InvalidParameterError(msg)
    if max_steps is not None:
        max_steps = check_int(max_steps, name="max_steps", min_value=0, max_value=MAX_STEPS)
    if horizon is not None:
        horizon = check_nonnegative_float(horizon, name="horizon")
    root = root_seed(rng)
    sets = _parse_seed_sets(graph, seeds, n_cascades, generator(root, SEED_RULE, 0))
    return _simulate_many(graph, model, sets, root, max_steps, horizon)


class _CascadeProblem(Problem):
    """A likelihood on cascades: no count curve to predict (`FitResult.predict` says so)."""

    simulator = "simulate_cascades"

    def predict(self, x, n_total):
        msg = f"`predict` is not defined for a fit to cascades; use `{self.simulator}`."
        raise InvalidParameterError(msg)

    sample = predict
