"""Thin drivers that run peer diffusion libraries on one common input.

Every driver takes a directed graph in CSR form and simulates either the
independent cascade (IC) or the linear threshold (LT) model of Kempe,
Kleinberg and Tardos (2003) with one peer library, configured so that the
peer models exactly the same process as ``spread``:

* IC: each newly active node ``u`` makes one attempt on every inactive
  out-neighbour ``v``, succeeding with probability ``p[u->v]``.
* LT: arc ``u->v`` carries weight ``p[u->v]`` (weights into each node sum to
  at most 1); every node draws a fresh uniform threshold in every run and
  activates once the weight from its active in-neighbours reaches it.

Common signature
----------------
``driver(indptr, indices, p, seeds, n_runs, rng_seed=0, **options)``

``indptr``
    int64 array of length ``n + 1``.
``indices``
    int32 array of out-neighbours; arc ``k`` goes from the row that owns
    position ``k`` to ``indices[k]``.
``p``
    float (uniform) or float64 array aligned with ``indices``: activation
    probabilities for IC, influence weights for LT.
``seeds``
    integer node ids (duplicates are ignored: spread is defined on a set).
``n_runs``
    number of Monte Carlo simulations.
``rng_seed``
    non-negative int from which every random stream of the run is derived.

Every driver returns a dict with the keys ``tool``, ``model``,
``seconds_per_run``, ``mean``, ``stderr``, ``n_runs``, ``setup_seconds`` and
``stderr_method``. ``setup_seconds`` is the time to build the peer's graph
and model objects; ``seconds_per_run`` is the time of the simulations only,
divided by ``n_runs``. ``mean`` and ``stderr`` describe the final spread, the
number of active nodes including the seeds.

Loop variants call the peer once per simulation and keep every run's size,
so the stderr is the sample standard deviation over ``sqrt(n_runs)``. Bulk
variants hand many simulations to the peer at once and get only a mean back;
they split the ``n_runs`` simulations into ``n_batches`` calls of
(nearly) equal size (cynetdiff: more calls when needed to keep its float32
totals exact), time the calls together, and take the stderr from the spread
of the batch means (batch-means estimator, one degree of freedom fewer than
the number of calls). A single call reports a NaN stderr.

Peers whose graph object cannot hold parallel arcs (pynetim, EoN, ndlib, all
of which key arcs by their end points) reject a CSR with parallel arcs
rather than silently merging them.

Each driver imports its peer lazily and raises :class:`ImportError` when the
peer is not installed; :func:`available` lists the peers that import.
"""

from __future__ import annotations

import importlib
import importlib.metadata
import math
import time
from collections.abc import Callable

import numpy as np

__all__ = [
    "DRIVERS",
    "available",
    "cynetdiff_ic_bulk",
    "cynetdiff_ic_loop",
    "cynetdiff_lt_bulk",
    "cynetdiff_lt_loop",
    "eon_ic",
    "ndlib_ic",
    "ndlib_lt",
    "pynetim_ic_mc",
    "pynetim_ic_mc2t",
    "pynetim_ic_single",
    "pynetim_lt_mc",
    "pynetim_lt_mc2t",
    "pynetim_lt_single",
]

# Distribution name -> modules the drivers import.
_PEER_MODULES = {
    "cynetdiff": ("cynetdiff.models",),
    "pynetim": ("pynetim",),
    "ndlib": ("ndlib.models.ModelConfig", "ndlib.models.epidemics"),
    "EoN": ("EoN",),
}

_UINT32_LIMIT = 2**32
# cynetdiff accumulates the activated-node counts of a bulk call in float32.
# Integer partial sums below 2**23 are exact and survive the final float32
# division well enough to be recovered exactly by rounding.
_FLOAT32_EXACT_SUM = 2**23
# Slack allowed on LT in-weight sums (1/d added d times is not exactly 1).
_LT_WEIGHT_TOLERANCE = 1e-6


# ---------------------------------------------------------------------------
# Imports and availability
# ---------------------------------------------------------------------------


def _import_peer(name: str) -> list:
    """Import the modules a peer's drivers need.

    Parameters
    ----------
    name : str
        Distribution name, a key of ``_PEER_MODULES``.

    Returns
    -------
    list of module
        The imported modules, in the order of ``_PEER_MODULES[name]``.

    Raises
    ------
    ImportError
        If any module fails to import, for whatever reason.
    """
    modules = []
    for module_name in _PEER_MODULES[name]:
        try:
            modules.append(importlib.import_module(module_name))
        except Exception as exc:  # a broken dependency is as fatal as absence
            hint = " (ndlib also needs 'six', which it does not declare)"
            raise ImportError(
                f"peer {name!r} is not usable: cannot import {module_name!r}: "
                f"{exc}{hint if name == 'ndlib' else ''}"
            ) from exc
    return modules


def _peer_version(name: str, module) -> str:
    """Return the installed version of a peer.

    Parameters
    ----------
    name : str
        Distribution name.
    module : module
        One of the peer's imported modules, used as a fallback.

    Returns
    -------
    str
        The distribution version, or ``"unknown"``.
    """
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return str(getattr(module, "__version__", "unknown"))


def available() -> dict[str, str]:
    """List the peers that import, with their versions.

    Returns
    -------
    dict of str to str
        Maps each importable peer (``"cynetdiff"``, ``"pynetim"``,
        ``"ndlib"``, ``"EoN"``) to its installed version. Peers that fail to
        import are left out.
    """
    found = {}
    for name in _PEER_MODULES:
        try:
            modules = _import_peer(name)
        except ImportError:
            continue
        found[name] = _peer_version(name, modules[0])
    return found


# ---------------------------------------------------------------------------
# Input checking and shared helpers
# ---------------------------------------------------------------------------


def _check_inputs(indptr, indices, p, seeds, n_runs, rng_seed):
    """Validate and normalise the common driver arguments.

    Parameters
    ----------
    indptr, indices, p, seeds, n_runs, rng_seed
        See the module docstring.

    Returns
    -------
    indptr : ndarray of int64
        Row pointers, length ``n + 1``.
    indices : ndarray of int64
        Arc heads.
    p : float or ndarray of float64
        Uniform probability or per-arc values aligned with ``indices``.
    seeds : ndarray of int64
        Sorted distinct seed ids.
    n : int
        Number of nodes.

    Raises
    ------
    ValueError
        If any argument is malformed or out of range.
    """
    indptr = np.asarray(indptr)
    indices = np.asarray(indices)
    if indptr.ndim != 1 or indptr.size < 1:
        raise ValueError("indptr must be a 1-D array of length n + 1")
    if indices.ndim != 1:
        raise ValueError("indices must be a 1-D array")
    if not np.issubdtype(indptr.dtype, np.integer):
        raise ValueError("indptr must hold integers")
    if indices.size and not np.issubdtype(indices.dtype, np.integer):
        raise ValueError("indices must hold integers")
    indptr = indptr.astype(np.int64, copy=False)
    indices = indices.astype(np.int64, copy=False)
    n = indptr.size - 1
    if indptr[0] != 0 or indptr[-1] != indices.size:
        raise ValueError("indptr must start at 0 and end at len(indices)")
    if np.any(np.diff(indptr) < 0):
        raise ValueError("indptr must be non-decreasing")
    if indices.size and (indices.min() < 0 or indices.max() >= n):
        raise ValueError("indices must lie in [0, n)")

    if np.ndim(p) == 0:
        p = float(p)
        if not 0.0 <= p <= 1.0:
            raise ValueError("p must lie in [0, 1]")
    else:
        p = np.asarray(p, dtype=np.float64)
        if p.shape != indices.shape:
            raise ValueError("per-arc p must have the same length as indices")
        if p.size and (np.isnan(p).any() or p.min() < 0.0 or p.max() > 1.0):
            raise ValueError("per-arc p must lie in [0, 1]")

    seeds = np.unique(np.asarray(seeds).ravel())
    if seeds.size and not np.issubdtype(seeds.dtype, np.integer):
        raise ValueError("seeds must be integer node ids")
    seeds = seeds.astype(np.int64, copy=False)
    if seeds.size and (seeds[0] < 0 or seeds[-1] >= n):
        raise ValueError("seeds must lie in [0, n)")

    if not isinstance(n_runs, (int, np.integer)) or n_runs < 1:
        raise ValueError("n_runs must be a positive integer")
    if not isinstance(rng_seed, (int, np.integer)) or rng_seed < 0:
        raise ValueError("rng_seed must be a non-negative integer")
    return indptr, indices, p, seeds, n


def _check_lt_weights(p, indices, n):
    """Return LT weights as a per-arc array after checking in-weight sums.

    Parameters
    ----------
    p : float or ndarray of float64
        Uniform or per-arc weights.
    indices : ndarray of int64
        Arc heads.
    n : int
        Number of nodes.

    Returns
    -------
    ndarray of float64
        Per-arc weights aligned with ``indices``.

    Raises
    ------
    ValueError
        If the weights into some node sum to more than 1.
    """
    weights = np.broadcast_to(np.asarray(p, dtype=np.float64), indices.shape)
    weights = np.ascontiguousarray(weights)
    in_sums = np.bincount(indices, weights=weights, minlength=n)
    if in_sums.size and in_sums.max() > 1.0 + _LT_WEIGHT_TOLERANCE:
        worst = int(np.argmax(in_sums))
        raise ValueError(f"LT weights into node {worst} sum to {in_sums[worst]:.6g} > 1")
    return weights


def _reject_parallel_arcs(indptr, indices, n, tool):
    """Refuse a CSR with parallel arcs for a peer that would merge them.

    Parameters
    ----------
    indptr, indices : ndarray of int64
        The CSR arrays.
    n : int
        Number of nodes.
    tool : str
        Peer name, for the error message.

    Raises
    ------
    ValueError
        If two arcs share both end points.
    """
    tails = np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))
    keys = tails * n + indices
    if np.unique(keys).size != keys.size:
        raise ValueError(
            f"{tool} keys arcs by their end points and would merge parallel "
            "arcs; deduplicate the CSR first"
        )


def _arc_tails(indptr, n):
    """Return the tail of every arc of a CSR.

    Parameters
    ----------
    indptr : ndarray of int64
        Row pointers.
    n : int
        Number of nodes.

    Returns
    -------
    ndarray of int64
        ``tails[k]`` is the node whose row holds arc ``k``.
    """
    return np.repeat(np.arange(n, dtype=np.int64), np.diff(indptr))


def _distinct_uint32(rng_seed, count):
    """Draw ``count`` distinct 32-bit seeds from one master seed.

    Parameters
    ----------
    rng_seed : int
        Master seed.
    count : int
        How many seeds to draw.

    Returns
    -------
    list of int
        Distinct Python ints in ``[0, 2**32)``, reproducible from ``rng_seed``.
    """
    rng = np.random.default_rng(np.random.SeedSequence(rng_seed))
    draw = count
    while True:
        values = rng.integers(0, _UINT32_LIMIT, size=draw, dtype=np.uint64)
        _, first = np.unique(values, return_index=True)
        if first.size >= count:
            return values[np.sort(first)[:count]].tolist()
        draw *= 2


def _batch_sizes(n_runs, n_batches, max_batch=None):
    """Split ``n_runs`` simulations into near-equal batches.

    Parameters
    ----------
    n_runs : int
        Total number of simulations.
    n_batches : int
        Requested number of batches (at least 1).
    max_batch : int, optional
        Largest allowed batch; more batches are used if needed.

    Returns
    -------
    list of int
        Batch sizes, each at least 1, summing to ``n_runs``.
    """
    if not isinstance(n_batches, (int, np.integer)) or n_batches < 1:
        raise ValueError("n_batches must be a positive integer")
    batches = int(n_batches)
    if max_batch is not None:
        batches = max(batches, math.ceil(n_runs / max(1, max_batch)))
    batches = min(batches, n_runs)
    base, extra = divmod(n_runs, batches)
    return [base + 1] * extra + [base] * (batches - extra)


def _result(
    tool,
    model,
    run_seconds,
    setup_seconds,
    n_runs,
    *,
    sizes=None,
    batch_sizes=None,
    batch_means=None,
):
    """Assemble a driver's result dict.

    Parameters
    ----------
    tool : str
        Tool label, e.g. ``"cynetdiff-loop"``.
    model : str
        ``"IC"`` or ``"LT"``.
    run_seconds : float
        Wall time of all simulations.
    setup_seconds : float
        Wall time of building the peer's objects.
    n_runs : int
        Number of simulations.
    sizes : sequence of float, optional
        Per-run final spreads (loop variants).
    batch_sizes, batch_means : sequence, optional
        Number of simulations and mean spread of each bulk call (bulk
        variants).

    Returns
    -------
    dict
        Keys ``tool``, ``model``, ``seconds_per_run``, ``mean``, ``stderr``,
        ``n_runs``, ``setup_seconds``, ``stderr_method``.
    """
    if sizes is not None:
        values = np.asarray(sizes, dtype=np.float64)
        mean = float(values.mean())
        if values.size > 1:
            stderr = float(values.std(ddof=1) / math.sqrt(values.size))
        else:
            stderr = math.nan
        method = "per-run sizes: sample std / sqrt(n_runs)"
    else:
        weights = np.asarray(batch_sizes, dtype=np.float64)
        means = np.asarray(batch_means, dtype=np.float64)
        mean = float(np.dot(weights, means) / weights.sum())
        if means.size > 1:
            spread_sq = np.dot(weights, (means - mean) ** 2) / (means.size - 1)
            stderr = float(math.sqrt(spread_sq / weights.sum()))
        else:
            stderr = math.nan
        method = f"batch means over {means.size} bulk calls"
    return {
        "tool": tool,
        "model": model,
        "seconds_per_run": run_seconds / n_runs,
        "mean": mean,
        "stderr": stderr,
        "n_runs": int(n_runs),
        "setup_seconds": setup_seconds,
        "stderr_method": method,
    }


# ---------------------------------------------------------------------------
# cynetdiff
# ---------------------------------------------------------------------------


def _cynetdiff_model(cmodels, model, indptr, indices, p, seeds, n, rng_seed):
    """Build a cynetdiff model straight from the CSR arrays.

    cynetdiff wants ``starts`` with ``n`` entries (the row pointers without
    the final one) and uint32 arrays; probabilities and weights are float32.
    LT weights are always passed explicitly so cynetdiff's default
    (1 / in-degree) never applies silently.

    Parameters
    ----------
    cmodels : module
        ``cynetdiff.models``.
    model : {"IC", "LT"}
        Diffusion model.
    indptr, indices : ndarray of int64
        The CSR arrays.
    p : float or ndarray of float64
        IC probabilities or LT weights.
    seeds : ndarray of int64
        Seed ids.
    n : int
        Number of nodes.
    rng_seed : int
        Seed of the model's NumPy generator.

    Returns
    -------
    object
        A cynetdiff model with its seeds set.
    """
    if n >= _UINT32_LIMIT or indices.size >= _UINT32_LIMIT:
        raise ValueError("cynetdiff indexes nodes and arcs with uint32")
    starts = np.ascontiguousarray(indptr[:-1], dtype=np.uint32)
    heads = np.ascontiguousarray(indices, dtype=np.uint32)
    rng = np.random.default_rng(np.random.SeedSequence(rng_seed))
    if model == "IC":
        if isinstance(p, float):
            sim = cmodels.IndependentCascadeModel(starts, heads, activation_prob=p, rng=rng)
        else:
            probs = np.ascontiguousarray(p, dtype=np.float32)
            sim = cmodels.IndependentCascadeModel(starts, heads, activation_probs=probs, rng=rng)
    else:
        weights = np.ascontiguousarray(_check_lt_weights(p, indices, n), dtype=np.float32)
        sim = cmodels.LinearThresholdModel(starts, heads, influence=weights, rng=rng)
    # set_seeds only accepts Python ints (numpy ints give a misleading
    # "Invalid seed node" error).
    sim.set_seeds(seeds.tolist())
    return sim


def _cynetdiff_loop(model, indptr, indices, p, seeds, n_runs, rng_seed):
    """Run cynetdiff one simulation per Python call; see the public drivers."""
    indptr, indices, p, seeds, n = _check_inputs(indptr, indices, p, seeds, n_runs, rng_seed)
    (cmodels,) = _import_peer("cynetdiff")
    start = time.perf_counter()
    sim = _cynetdiff_model(cmodels, model, indptr, indices, p, seeds, n, rng_seed)
    setup = time.perf_counter() - start

    sizes = np.empty(n_runs, dtype=np.int64)
    start = time.perf_counter()
    for run in range(n_runs):
        sim.reset_model()
        sim.advance_until_completion()
        sizes[run] = sim.get_num_activated_nodes()
    elapsed = time.perf_counter() - start
    return _result("cynetdiff-loop", model, elapsed, setup, n_runs, sizes=sizes)


def _cynetdiff_bulk(model, indptr, indices, p, seeds, n_runs, rng_seed, n_batches):
    """Run cynetdiff's own C loop in batches; see the public drivers."""
    indptr, indices, p, seeds, n = _check_inputs(indptr, indices, p, seeds, n_runs, rng_seed)
    (cmodels,) = _import_peer("cynetdiff")
    start = time.perf_counter()
    sim = _cynetdiff_model(cmodels, model, indptr, indices, p, seeds, n, rng_seed)
    seed_list = seeds.tolist()
    setup = time.perf_counter() - start

    # Keep every call's float32 running total exact (see _FLOAT32_EXACT_SUM).
    max_batch = max(1, _FLOAT32_EXACT_SUM // max(n, 1))
    sizes = _batch_sizes(n_runs, n_batches, max_batch)
    start = time.perf_counter()
    raw = [sim.compute_marginal_gains(seed_list, [], size)[0] for size in sizes]
    elapsed = time.perf_counter() - start
    # Each call returned float32(total / size); recover the integer total.
    means = [round(value * size) / size for value, size in zip(raw, sizes, strict=True)]
    return _result(
        "cynetdiff-bulk",
        model,
        elapsed,
        setup,
        n_runs,
        batch_sizes=sizes,
        batch_means=means,
    )


def cynetdiff_ic_loop(indptr, indices, p, seeds, n_runs, rng_seed=0):
    """IC with cynetdiff, one ``advance_until_completion`` per run.

    Each run is ``reset_model()``, ``advance_until_completion()`` and
    ``get_num_activated_nodes()`` called from Python, so per-run sizes are
    kept. Uniform ``p`` goes to ``activation_prob``, per-arc ``p`` to
    ``activation_probs`` (cynetdiff stores both as float32).

    Parameters
    ----------
    indptr, indices, p, seeds, n_runs, rng_seed
        See the module docstring.

    Returns
    -------
    dict
        See the module docstring.
    """
    return _cynetdiff_loop("IC", indptr, indices, p, seeds, n_runs, rng_seed)


def cynetdiff_ic_bulk(indptr, indices, p, seeds, n_runs, rng_seed=0, *, n_batches=32):
    """IC with cynetdiff's C Monte Carlo loop (``compute_marginal_gains``).

    ``compute_marginal_gains(seeds, [], k)[0]`` returns only the mean of
    ``k`` runs, accumulated in float32. The runs are split into at least
    ``n_batches`` calls, each small enough (``k * n < 2**23``) for the
    float32 total to stay exact; larger calls silently lose counts once the
    running total passes ``2**24``. The stderr comes from the batch means.

    Parameters
    ----------
    indptr, indices, p, seeds, n_runs, rng_seed
        See the module docstring.
    n_batches : int, default 32
        Minimum number of bulk calls.

    Returns
    -------
    dict
        See the module docstring.
    """
    return _cynetdiff_bulk("IC", indptr, indices, p, seeds, n_runs, rng_seed, n_batches)


def cynetdiff_lt_loop(indptr, indices, p, seeds, n_runs, rng_seed=0):
    """LT with cynetdiff, one ``advance_until_completion`` per run.

    The per-arc weights ``p`` are always passed as ``influence`` (float32);
    cynetdiff's default of 1 / in-degree is never used. Thresholds are
    redrawn lazily, uniform on (0, 1], after every ``reset_model()``.

    Parameters
    ----------
    indptr, indices, p, seeds, n_runs, rng_seed
        See the module docstring; ``p`` holds the LT weights.

    Returns
    -------
    dict
        See the module docstring.
    """
    return _cynetdiff_loop("LT", indptr, indices, p, seeds, n_runs, rng_seed)


def cynetdiff_lt_bulk(indptr, indices, p, seeds, n_runs, rng_seed=0, *, n_batches=32):
    """LT with cynetdiff's C Monte Carlo loop (``compute_marginal_gains``).

    Same batching and stderr as :func:`cynetdiff_ic_bulk`; weights are passed
    as in :func:`cynetdiff_lt_loop`.

    Parameters
    ----------
    indptr, indices, p, seeds, n_runs, rng_seed
        See the module docstring; ``p`` holds the LT weights.
    n_batches : int, default 32
        Minimum number of bulk calls.

    Returns
    -------
    dict
        See the module docstring.
    """
    return _cynetdiff_bulk("LT", indptr, indices, p, seeds, n_runs, rng_seed, n_batches)


# ---------------------------------------------------------------------------
# pynetim
# ---------------------------------------------------------------------------


def _pynetim_model(pynetim, model, indptr, indices, p, seeds, n):
    """Build a pynetim graph and model.

    The graph is built with ``renumber=False`` so node ids stay ours. pynetim
    sizes its graph as (largest id in the arc list) + 1, so seeds above that
    id are isolated nodes it does not know about: they are left out of the
    model and added back to every run's size.

    Parameters
    ----------
    pynetim : module
        The imported ``pynetim`` package.
    model : {"IC", "LT"}
        Diffusion model.
    indptr, indices : ndarray of int64
        The CSR arrays.
    p : float or ndarray of float64
        IC probabilities or LT weights.
    seeds : ndarray of int64
        Seed ids.
    n : int
        Number of nodes.

    Returns
    -------
    sim : object
        The pynetim model.
    outside : int
        Number of seeds pynetim's graph does not contain.
    """
    _reject_parallel_arcs(indptr, indices, n, "pynetim")
    if model == "LT":
        p = _check_lt_weights(p, indices, n)
    tails = _arc_tails(indptr, n)
    # IMGraph accepts only a list of tuples (other items are skipped) and a
    # Python float or list of floats as weights.
    arcs = list(zip(tails.tolist(), indices.tolist(), strict=True))
    weights = p if isinstance(p, float) else p.tolist()
    graph = pynetim.IMGraph(arcs, weights=weights, directed=True, renumber=False)
    known = int(max(tails.max(), indices.max())) + 1 if indices.size else 0
    inside = {int(s) for s in seeds if s < known}
    outside = int(seeds.size - len(inside))
    if model == "IC":
        sim = pynetim.IndependentCascadeModel(graph, inside)
    else:
        sim = pynetim.LinearThresholdModel(graph, inside)
    return sim, outside


def _pynetim_single(model, indptr, indices, p, seeds, n_runs, rng_seed):
    """Run pynetim one simulation per Python call; see the public drivers."""
    indptr, indices, p, seeds, n = _check_inputs(indptr, indices, p, seeds, n_runs, rng_seed)
    (pynetim,) = _import_peer("pynetim")
    start = time.perf_counter()
    sim, outside = _pynetim_model(pynetim, model, indptr, indices, p, seeds, n)
    setup = time.perf_counter() - start

    # Every run needs its own explicit uint32 seed: with random_seed=None
    # pynetim falls back to pynetim.random's global seed when one is set,
    # which would make every run identical.
    run_seeds = _distinct_uint32(rng_seed, n_runs)
    sizes = np.empty(n_runs, dtype=np.int64)
    start = time.perf_counter()
    for run, run_seed in enumerate(run_seeds):
        sizes[run] = sim.run_single_simulation(random_seed=run_seed)
    elapsed = time.perf_counter() - start
    return _result("pynetim-single", model, elapsed, setup, n_runs, sizes=sizes + outside)


def _pynetim_mc(model, indptr, indices, p, seeds, n_runs, rng_seed, n_batches, threads):
    """Run pynetim's Monte Carlo loop in batches; see the public drivers."""
    indptr, indices, p, seeds, n = _check_inputs(indptr, indices, p, seeds, n_runs, rng_seed)
    (pynetim,) = _import_peer("pynetim")
    start = time.perf_counter()
    sim, outside = _pynetim_model(pynetim, model, indptr, indices, p, seeds, n)
    setup = time.perf_counter() - start

    sizes = _batch_sizes(n_runs, n_batches)
    call_seeds = _distinct_uint32(rng_seed, len(sizes))
    if threads > 1:
        options = {"use_multithread": True, "num_threads": threads}
        tool = f"pynetim-mc{threads}t"
    else:
        options = {}
        tool = "pynetim-mc"
    means = []
    start = time.perf_counter()
    for size, call_seed in zip(sizes, call_seeds, strict=True):
        means.append(sim.run_monte_carlo_diffusion(size, random_seed=call_seed, **options))
    elapsed = time.perf_counter() - start
    means = [value + outside for value in means]
    return _result(tool, model, elapsed, setup, n_runs, batch_sizes=sizes, batch_means=means)


def pynetim_ic_single(indptr, indices, p, seeds, n_runs, rng_seed=0):
    """IC with pynetim, one ``run_single_simulation`` per run.

    Each run gets a distinct uint32 seed derived from ``rng_seed``.

    Parameters
    ----------
    indptr, indices, p, seeds, n_runs, rng_seed
        See the module docstring.

    Returns
    -------
    dict
        See the module docstring.
    """
    return _pynetim_single("IC", indptr, indices, p, seeds, n_runs, rng_seed)


def pynetim_ic_mc(indptr, indices, p, seeds, n_runs, rng_seed=0, *, n_batches=32):
    """IC with pynetim's ``run_monte_carlo_diffusion``, single thread.

    That call returns only the mean; the runs are split into ``n_batches``
    calls and the stderr comes from the batch means.

    Parameters
    ----------
    indptr, indices, p, seeds, n_runs, rng_seed
        See the module docstring.
    n_batches : int, default 32
        Number of bulk calls.

    Returns
    -------
    dict
        See the module docstring.
    """
    return _pynetim_mc("IC", indptr, indices, p, seeds, n_runs, rng_seed, n_batches, 1)


def pynetim_ic_mc2t(indptr, indices, p, seeds, n_runs, rng_seed=0, *, n_batches=32):
    """IC with pynetim's ``run_monte_carlo_diffusion`` on two threads.

    As :func:`pynetim_ic_mc` with ``use_multithread=True, num_threads=2``;
    pynetim starts fresh threads on every call.

    Parameters
    ----------
    indptr, indices, p, seeds, n_runs, rng_seed
        See the module docstring.
    n_batches : int, default 32
        Number of bulk calls.

    Returns
    -------
    dict
        See the module docstring.
    """
    return _pynetim_mc("IC", indptr, indices, p, seeds, n_runs, rng_seed, n_batches, 2)


def pynetim_lt_single(indptr, indices, p, seeds, n_runs, rng_seed=0):
    """LT with pynetim, one ``run_single_simulation`` per run.

    pynetim draws all ``n`` thresholds, uniform on [0, 1), in every run.

    Parameters
    ----------
    indptr, indices, p, seeds, n_runs, rng_seed
        See the module docstring; ``p`` holds the LT weights.

    Returns
    -------
    dict
        See the module docstring.
    """
    return _pynetim_single("LT", indptr, indices, p, seeds, n_runs, rng_seed)


def pynetim_lt_mc(indptr, indices, p, seeds, n_runs, rng_seed=0, *, n_batches=32):
    """LT with pynetim's ``run_monte_carlo_diffusion``, single thread.

    Parameters
    ----------
    indptr, indices, p, seeds, n_runs, rng_seed
        See the module docstring; ``p`` holds the LT weights.
    n_batches : int, default 32
        Number of bulk calls.

    Returns
    -------
    dict
        See the module docstring.
    """
    return _pynetim_mc("LT", indptr, indices, p, seeds, n_runs, rng_seed, n_batches, 1)


def pynetim_lt_mc2t(indptr, indices, p, seeds, n_runs, rng_seed=0, *, n_batches=32):
    """LT with pynetim's ``run_monte_carlo_diffusion`` on two threads.

    Parameters
    ----------
    indptr, indices, p, seeds, n_runs, rng_seed
        See the module docstring; ``p`` holds the LT weights.
    n_batches : int, default 32
        Number of bulk calls.

    Returns
    -------
    dict
        See the module docstring.
    """
    return _pynetim_mc("LT", indptr, indices, p, seeds, n_runs, rng_seed, n_batches, 2)


# ---------------------------------------------------------------------------
# networkx-based peers: EoN and ndlib
# ---------------------------------------------------------------------------


def _digraph(indptr, indices, n, tool):
    """Build an ``nx.DiGraph`` holding all ``n`` nodes and the CSR's arcs.

    Parameters
    ----------
    indptr, indices : ndarray of int64
        The CSR arrays.
    n : int
        Number of nodes.
    tool : str
        Peer name, for error messages.

    Returns
    -------
    networkx.DiGraph
        The graph.
    """
    import networkx as nx

    _reject_parallel_arcs(indptr, indices, n, tool)
    graph = nx.DiGraph()
    graph.add_nodes_from(range(n))
    graph.add_edges_from(zip(_arc_tails(indptr, n).tolist(), indices.tolist(), strict=True))
    return graph


def eon_non_markov_sis(graph, seeds, transmissions, period, tmax):
    """The infectious at `tmax` of one run of EoN's non-Markovian SIS.

    ``EoN.fast_nonMarkov_SIS`` (EoN 2.0) fails on its first line: it reads an ``rng``
    it never defines (UnboundLocalError). This drives the machinery its body would,
    with EoN's own queue, transmission handler and delay function, as it does when the
    initial infected are given. Not a CSR driver: `graph` is the ``nx.DiGraph``,
    ``transmissions(source, target, period)`` returns the transmission times of an arc
    after the source's infection (all before `period`), ``period(node)`` the length
    of an infection.
    """
    from collections import defaultdict

    import EoN

    sim = EoN.simulation
    times, susceptible, infectious = [0.0], [graph.order()], [0]
    queue = sim.myQueue(tmax)
    status = defaultdict(lambda: "S")
    rec_time = defaultdict(lambda: -1.0)
    infection_times, recovery_times = defaultdict(list), defaultdict(list)
    delays = (sim._find_trans_and_rec_delays_SIS_, (transmissions, period, (), ()))
    for u in seeds:
        queue.add(
            0.0, sim._process_trans_SIS_nonMarkov_,
            args=(graph, None, int(u), [], times, susceptible, infectious, queue, status,
                  rec_time, infection_times, recovery_times, [], *delays),
        )  # fmt: skip
    while queue:
        queue.pop_and_run()
    return infectious[-1]


def _stop_early(start, time_limit, runs_done):
    """Tell whether a slow loop has used up its time budget.

    Parameters
    ----------
    start : float
        ``time.perf_counter()`` at the start of the loop.
    time_limit : float or None
        Budget in seconds, or None for no budget.
    runs_done : int
        Runs finished so far; at least two are always run.

    Returns
    -------
    bool
        True if the loop should stop now.
    """
    if time_limit is None or runs_done < 2:
        return False
    return time.perf_counter() - start >= time_limit


def eon_ic(indptr, indices, p, seeds, n_runs, rng_seed=0, *, time_limit=None):
    """IC with EoN's ``basic_discrete_SIR`` (uniform ``p`` only).

    Discrete SIR with an infectious period of exactly one step is IC: each
    newly infected node tries each susceptible out-neighbour once with
    probability ``p``. Runs on an ``nx.DiGraph``; the spread is the final
    ``R``. EoN is a pure-Python loop, so keep ``n_runs`` small or set
    ``time_limit``.

    Parameters
    ----------
    indptr, indices, p, seeds, n_runs, rng_seed
        See the module docstring. ``p`` must be uniform (a float, or an
        array whose entries are all equal).
    time_limit : float, optional
        Stop after this many seconds of simulation (at least two runs); the
        result's ``n_runs`` is the number of runs actually done.

    Returns
    -------
    dict
        See the module docstring.

    Raises
    ------
    ValueError
        If ``p`` varies across arcs.
    """
    indptr, indices, p, seeds, n = _check_inputs(indptr, indices, p, seeds, n_runs, rng_seed)
    if not isinstance(p, float):
        if p.size and np.any(p != p[0]):
            raise ValueError("EoN basic_discrete_SIR needs a uniform p")
        p = float(p[0]) if p.size else 0.0
    (eon,) = _import_peer("EoN")

    start = time.perf_counter()
    graph = _digraph(indptr, indices, n, "EoN")
    setup = time.perf_counter() - start

    rng = np.random.default_rng(np.random.SeedSequence(rng_seed))
    seed_list = seeds.tolist()
    sizes = []
    start = time.perf_counter()
    for _ in range(n_runs):
        _, _, infected, removed = eon.basic_discrete_SIR(
            graph, p, initial_infecteds=seed_list, rng=rng
        )
        sizes.append(int(removed[-1] + infected[-1]))
        if _stop_early(start, time_limit, len(sizes)):
            break
    elapsed = time.perf_counter() - start
    return _result("eon", "IC", elapsed, setup, len(sizes), sizes=sizes)


def ndlib_ic(indptr, indices, p, seeds, n_runs, rng_seed=0, *, time_limit=None):
    """IC with ndlib's ``IndependentCascadesModel``.

    The edge ``threshold`` (ndlib's name for the activation probability) is
    configured on every arc: a configuration missing any arc is silently
    dropped and ndlib then uses 1 / out-degree. One run is
    ``reset(infected_nodes=seeds)`` followed by ``iteration()`` until no node
    is Infected; the spread is the Removed count. ndlib draws from the global
    ``np.random``, which is seeded from ``rng_seed`` for the runs and restored
    afterwards. Pure Python, O(n) per round: keep ``n_runs`` small or set
    ``time_limit``.

    Parameters
    ----------
    indptr, indices, p, seeds, n_runs, rng_seed
        See the module docstring.
    time_limit : float, optional
        Stop after this many seconds of simulation (at least two runs); the
        result's ``n_runs`` is the number of runs actually done.

    Returns
    -------
    dict
        See the module docstring.
    """
    indptr, indices, p, seeds, n = _check_inputs(indptr, indices, p, seeds, n_runs, rng_seed)
    model_config, epidemics = _import_peer("ndlib")
    seed_list = seeds.tolist()
    saved_state = np.random.get_state()  # noqa: NPY002 (ndlib uses it)
    try:
        start = time.perf_counter()
        graph = _digraph(indptr, indices, n, "ndlib")
        # The constructor calls np.random.seed(seed); the global state is
        # (re)seeded below, after construction.
        sim = epidemics.IndependentCascadesModel(graph)
        config = model_config.Configuration()
        config.add_model_initial_configuration("Infected", seed_list)
        arcs = zip(_arc_tails(indptr, n).tolist(), indices.tolist(), strict=True)
        if isinstance(p, float):
            config.add_edge_set_configuration("threshold", dict.fromkeys(arcs, p))
        else:
            config.add_edge_set_configuration(
                "threshold", dict(zip(arcs, p.tolist(), strict=True))
            )
        sim.set_initial_status(config)
        setup = time.perf_counter() - start

        np.random.seed(_distinct_uint32(rng_seed, 1)[0])  # noqa: NPY002
        infected = sim.available_statuses["Infected"]
        removed = sim.available_statuses["Removed"]
        sizes = []
        start = time.perf_counter()
        for _ in range(n_runs):
            sim.reset(infected_nodes=seed_list)
            counts = sim.iteration(node_status=False)["node_count"]
            while counts[infected] > 0:
                counts = sim.iteration(node_status=False)["node_count"]
            sizes.append(counts[removed])
            if _stop_early(start, time_limit, len(sizes)):
                break
        elapsed = time.perf_counter() - start
    finally:
        np.random.set_state(saved_state)  # noqa: NPY002
    return _result("ndlib", "IC", elapsed, setup, len(sizes), sizes=sizes)


def ndlib_lt(indptr, indices, p, seeds, n_runs, rng_seed=0, *, time_limit=None):
    """LT with ndlib's ``GeneralThresholdModel`` (Kempe's weighted LT).

    ndlib's ``ThresholdModel`` is Granovetter's fractional threshold (share
    of active in-neighbours against a fixed threshold) and is *not* LT;
    ``GeneralThresholdModel`` sums arc weights of active in-neighbours
    against a node threshold, which is LT once two things are handled:

    * it looks up the weight of arc ``u->v`` under the key ``(v, u)`` (head
      first) on directed graphs, so every weight is configured under the
      reversed key (configuring ``(u, v)`` as its docs show silently uses
      the weight of the reverse arc);
    * thresholds are configuration, not per-run state, so every run draws
      fresh thresholds, uniform on (0, 1], from a generator seeded with
      ``rng_seed``, and re-applies the configuration
      (``set_initial_status``, an O(n + m) Python step timed with the run)
      before ``reset(infected_nodes=seeds)``.

    A run iterates until the Infected count stops growing. Pure Python,
    O(m) per round: keep ``n_runs`` small or set ``time_limit``.

    Parameters
    ----------
    indptr, indices, p, seeds, n_runs, rng_seed
        See the module docstring; ``p`` holds the LT weights.
    time_limit : float, optional
        Stop after this many seconds of simulation (at least two runs); the
        result's ``n_runs`` is the number of runs actually done.

    Returns
    -------
    dict
        See the module docstring.
    """
    indptr, indices, p, seeds, n = _check_inputs(indptr, indices, p, seeds, n_runs, rng_seed)
    weights = _check_lt_weights(p, indices, n)
    model_config, epidemics = _import_peer("ndlib")
    seed_list = seeds.tolist()
    nodes = list(range(n))
    saved_state = np.random.get_state()  # noqa: NPY002 (ndlib uses it)
    try:
        start = time.perf_counter()
        graph = _digraph(indptr, indices, n, "ndlib")
        sim = epidemics.GeneralThresholdModel(graph)
        config = model_config.Configuration()
        config.add_model_initial_configuration("Infected", seed_list)
        reversed_arcs = zip(indices.tolist(), _arc_tails(indptr, n).tolist(), strict=True)
        config.add_edge_set_configuration(
            "weight", dict(zip(reversed_arcs, weights.tolist(), strict=True))
        )
        setup = time.perf_counter() - start

        rng = np.random.default_rng(np.random.SeedSequence(rng_seed))
        infected = sim.available_statuses["Infected"]
        sizes = []
        start = time.perf_counter()
        for _ in range(n_runs):
            thresholds = 1.0 - rng.random(n)  # uniform on (0, 1]
            config.add_node_set_configuration(
                "threshold", dict(zip(nodes, thresholds.tolist(), strict=True))
            )
            sim.set_initial_status(config)
            sim.reset(infected_nodes=seed_list)
            active = sim.iteration(node_status=False)["node_count"][infected]
            while True:
                counts = sim.iteration(node_status=False)["node_count"]
                if counts[infected] == active:
                    break
                active = counts[infected]
            sizes.append(active)
            if _stop_early(start, time_limit, len(sizes)):
                break
        elapsed = time.perf_counter() - start
    finally:
        # The model constructor reseeds the global np.random from OS entropy.
        np.random.set_state(saved_state)  # noqa: NPY002
    return _result("ndlib", "LT", elapsed, setup, len(sizes), sizes=sizes)


# ---------------------------------------------------------------------------
# Registry
# ---------------------------------------------------------------------------

DRIVERS: dict[tuple[str, str, str], Callable[..., dict]] = {
    ("cynetdiff", "IC", "loop"): cynetdiff_ic_loop,
    ("cynetdiff", "IC", "bulk"): cynetdiff_ic_bulk,
    ("cynetdiff", "LT", "loop"): cynetdiff_lt_loop,
    ("cynetdiff", "LT", "bulk"): cynetdiff_lt_bulk,
    ("pynetim", "IC", "single"): pynetim_ic_single,
    ("pynetim", "IC", "mc"): pynetim_ic_mc,
    ("pynetim", "IC", "mc2t"): pynetim_ic_mc2t,
    ("pynetim", "LT", "single"): pynetim_lt_single,
    ("pynetim", "LT", "mc"): pynetim_lt_mc,
    ("pynetim", "LT", "mc2t"): pynetim_lt_mc2t,
    ("EoN", "IC", "loop"): eon_ic,
    ("ndlib", "IC", "loop"): ndlib_ic,
    ("ndlib", "LT", "loop"): ndlib_lt,
}
"""Drivers keyed by ``(peer, model, variant)``; peer names match
:func:`available`."""
