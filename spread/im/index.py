"""`InfluenceIndex`: RR sets sampled once, then the spread of any seed set in microseconds.

Borgs et al.'s identity, ``sigma(S) = n P(a random RR set meets S)``, turns a fixed
collection of RR sets into an estimator of the spread of every seed set at once. The
index keeps the sets and their inverted index (the sets holding each node), so that a
query costs only the memberships of its seeds.
"""

import math
import os
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from .. import parallel
from .._common import check_memory, progress_bar, thread_count
from .._random import INDEX_RR, root_seed, stream_root
from .._validation import check_int, check_node_values, check_nonnegative_float
from ..exceptions import InvalidParameterError
from ..graph import Graph, node_mask, resolve_seeds
from ..models import CTIC, IC, LT, TemporalIC
from ._coverage_kernels import node_sets, sets_hit, sets_hit_within_strata, uncovered_counts
from ._objective import Target, affordable, check_k, objective, resolve_target
from ._result import SpreadEstimate
from .rrsets import RRSets, greedy_cover_flat, sampled_model

__all__ = ["InfluenceIndex", "SpreadEstimate"]

_FORMAT = 1  # version of the saved file's layout
_BATCH = 1 << 16  # RR sets per progress update while building
_PILOT = 1 << 10  # RR sets sampled first, to size the index


@dataclass(repr=False, eq=False)
class InfluenceIndex:
    """RR sets of one graph and model, sampled once, answering spread queries fast.

    Build it with `InfluenceIndex.build`; then `estimate` gives the expected spread of any
    seed set with a standard error, `gains` the marginal gain of every node given a
    committed set, and `top` the greedy choice of the next seeds. `save` writes it to one
    ``.npz`` file (no pickle) that `load` reads back for the same graph.

    Accuracy: with ``theta`` RR sets a query's standard error is
    ``n sqrt(f (1 - f) / theta)``, ``f = sigma(S) / n`` the fraction of sets the seeds
    hit, so the relative error is about ``sqrt(n / (sigma(S) theta))``: 1% for a seed
    set reaching 1% of the nodes takes about a million sets. Every query reuses the same
    sets, so answers to different queries are correlated (their differences are
    precise); the greedy `top` overfits them a little, as any choice made on a sample
    does: score a final choice on fresh samples (`spread.simulate`).

    Attributes
    ----------
    graph : Graph
    model : IC, LT or CTIC
    horizon : float or None
        CTIC's horizon (None: no limit).
    n_samples : int
        RR sets held.
    root_seed : int
        Root of the sets' random stream.
    nbytes : int
        Bytes held (sets and inverted index).
    elapsed : float
        Seconds the build took.
    target : numpy.ndarray of float64 or None
        The audience's weight per node, when built with `target` (the sets' roots were
        drawn by it and every answer counts it); None: every node counts 1.
    """

    graph: Graph
    model: object
    horizon: object
    root_seed: int
    offsets: np.ndarray = field(repr=False)
    members: np.ndarray = field(repr=False)
    node_ptr: np.ndarray = field(repr=False)
    set_ids: np.ndarray = field(repr=False)
    elapsed: float = float("nan")
    target: np.ndarray | None = field(default=None, repr=False)

    @cached_property
    def audience(self):
        """The target as the samplers take it (`_objective.Target`), or None."""
        return None if self.target is None else Target.of(self.target)

    @property
    def scale(self):
        """What a hit fraction is multiplied by: n, or the target's total weight."""
        return float(self.graph.n_nodes) if self.audience is None else self.audience.total

    @classmethod
    def build(
        cls,
        graph,
        model,
        *,
        n_rr_sets=1_000_000,
        rng=None,
        horizon=None,
        n_jobs=None,
        max_memory=None,
        progress=None,
        client=None,
        target=None,
    ):
        """Sample `n_rr_sets` RR sets of `model` on `graph` and index them.

        Parameters
        ----------
        graph : Graph
        model : IC, LT or CTIC
            As `spread.maximize` takes them (IC without spontaneous adoption; LT with
            uniform thresholds).
        n_rr_sets : int, default 1,000,000
            RR sets to sample: the accuracy of every later answer (see the class notes).
        rng : None, int, SeedSequence or Generator
            Root of the sets' stream (its own named stream, ``INDEX_RR``).
        horizon : float, optional
            CTIC only: count adoptions up to this time.
        n_jobs : int, optional
            Threads (default: all).
        max_memory : int, optional
            Bytes the sets may take (default: three quarters of physical memory).
        progress : bool, optional
            Show a progress bar.
        client : dask.distributed.Client, optional
            Sample on a Dask cluster (the same sets).
        target : array of float, mapping, or collection of labels, optional
            An audience, as `spread.maximize` takes it: the sets draw their root node
            with probability proportional to its weight, and every answer counts only
            the audience (``W`` times the fraction of sets hit, ``W`` the total weight).

        Returns
        -------
        InfluenceIndex

        Raises
        ------
        InvalidParameterError
            If an argument is invalid, or the model has no RR sets.
        MemoryLimitError
            If the sets and their index would exceed `max_memory` (projected from the
            first 1,024 sets, before the rest are sampled).

        Examples
        --------
        >>> import spread
        >>> g = spread.datasets.load("karate")
        >>> index = spread.InfluenceIndex.build(g, spread.IC(p=0.1), n_rr_sets=100_000, rng=0)
        >>> index
        <InfluenceIndex: IC(p=0.1) on 34 nodes, 100,000 RR sets, ...>
        >>> est = index.estimate([0, 33])
        >>> exact = spread.simulate(g, [0, 33], spread.IC(p=0.1), n_runs=20_000, rng=1)
        >>> bool(abs(est.mean - exact.mean) < 4 * (est.stderr**2 + exact.stderr**2) ** 0.5)
        True

        For an audience of nodes 0 to 9, the same seeds reach fewer of it:

        >>> fans = spread.InfluenceIndex.build(
        ...     g, spread.IC(p=0.1), n_rr_sets=100_000, rng=0, target=range(10))
        >>> fans.estimate([0, 33]).mean < est.mean
        True
        """
        start = time.perf_counter()
        if not isinstance(graph, Graph):
            msg = f"`graph` must be a spread.Graph; got {type(graph).__name__}."
            raise InvalidParameterError(msg)
        if not isinstance(model, IC | LT | CTIC | TemporalIC):
            msg = (
                "`model` must be spread.IC, spread.LT, spread.CTIC or spread.TemporalIC; "
                f"got {model!r}."
            )
            raise InvalidParameterError(msg)
        sampled = sampled_model(model, horizon, "an influence index")
        n_sets = check_int(n_rr_sets, name="n_rr_sets", min_value=1)
        if graph.n_nodes == 0:
            msg = "`graph` must have at least one node to index; it has none."
            raise InvalidParameterError(msg)
        if max_memory is not None:
            max_memory = check_int(max_memory, name="max_memory", min_value=1)
        root = root_seed(rng)
        audience = resolve_target(graph, target)
        rr = RRSets(
            graph,
            sampled,
            stream_root(root, INDEX_RR),
            n_threads=thread_count(n_jobs),
            max_memory=max_memory,
            client=parallel.check_client(client),
            target=audience,
        )
        rr.extend(min(n_sets, _PILOT))  # sizes the whole index before it is sampled
        avg = rr.n_members / len(rr)
        check_memory(
            n_sets * (16.0 + 12.0 * avg),  # sets, their trimmed copy and the inverted index
            what=f"`n_rr_sets` = {n_sets:,} RR sets ({avg:,.3g} nodes each in a pilot) and "
            "their index",
            advice="lower `n_rr_sets` or raise `max_memory`",
            max_memory=max_memory,
        )
        with progress_bar(n_sets, desc="index RR sets", progress=progress, unit="set") as bar:
            bar.update(len(rr))
            while len(rr) < n_sets:
                before = len(rr)
                rr.extend(min(n_sets, before + _BATCH))
                bar.update(len(rr) - before)
        offsets, members = rr.flat()
        offsets, members = offsets.copy(), members.copy()
        ptr, ids = node_sets(offsets, members, graph.n_nodes)
        timed = isinstance(model, CTIC | TemporalIC)
        h = None if not timed or math.isinf(sampled.horizon) else sampled.horizon
        return cls(
            graph=graph,
            model=model,
            horizon=h,
            root_seed=int(root),
            offsets=offsets,
            members=members,
            node_ptr=ptr,
            set_ids=ids,
            elapsed=time.perf_counter() - start,
            target=None if audience is None else audience.weights,
        )

    # -------------------------------------------------------------- queries
    @property
    def n_samples(self):
        """RR sets held."""
        return int(self.offsets.shape[0] - 1)

    @property
    def nbytes(self):
        """Bytes held by the sets and the inverted index."""
        return int(
            sum(a.nbytes for a in (self.offsets, self.members, self.node_ptr, self.set_ids))
        )

    @cached_property
    def _strata(self):
        """``(each set's target, sets per target)`` when the targets are stratified
        (every node the target of ``theta // n`` or one more sets, at least 2;
        `RRSets`), for `sets_hit_within_strata`; None otherwise (a weighted target;
        fewer than 2n sets; sets saved before the targets were stratified): the
        binomial error then. 4 bytes per set, made at the first query."""
        if self.audience is not None or self.n_samples < 2 * self.graph.n_nodes:
            return None
        targets = self.members[self.offsets[:-1]]
        counts = np.bincount(targets, minlength=self.graph.n_nodes)
        return (targets, counts) if counts.max() - counts.min() <= 1 else None

    def _bits(self):
        """A zeroed bitset of the sets: one bit per set, 125 kB per million sets, made
        afresh per query (queries may run concurrently)."""
        return np.zeros((self.n_samples + 63) // 64, dtype=np.uint64)

    def _hits(self, seed_idx):
        """(sets hit by the seeds, their bitset)."""
        bits = self._bits()
        return sets_hit(self.node_ptr, self.set_ids, seed_idx, bits), bits

    def _count(self, idx):
        """(sets hit by the seed indices `idx`, the standard error of their spread)."""
        theta, n = self.n_samples, self.scale
        if self._strata is None:
            hits = self._hits(idx)[0]
            f = hits / theta
            return hits, n * math.sqrt(f * (1 - f) / theta)
        targets, counts = self._strata
        hits, var = sets_hit_within_strata(
            self.node_ptr, self.set_ids, idx, self._bits(), targets, counts
        )
        return hits, n * math.sqrt(var) / theta

    def _seed_indices(self, seeds, name="seeds"):
        if seeds is None:
            return np.empty(0, dtype=np.int32)
        if isinstance(seeds, list | tuple | np.ndarray) and len(seeds) == 0:
            return np.empty(0, dtype=np.int32)
        return resolve_seeds(self.graph, seeds, name=name)

    def estimate(self, seeds):
        """Expected spread of `seeds`, with its standard error, from the indexed RR sets.

        Parameters
        ----------
        seeds : label, sequence of labels, or boolean mask

        Returns
        -------
        SpreadEstimate

        Raises
        ------
        NodeNotFound
            If a seed is not a node of the graph.

        Examples
        --------
        From the hub of a star with 4 leaves, IC's expected spread is ``1 + 4 p``:

        >>> import spread
        >>> star = spread.Graph.from_edges([0, 0, 0, 0], [1, 2, 3, 4])
        >>> index = spread.InfluenceIndex.build(star, spread.IC(p=0.5), n_rr_sets=50_000, rng=0)
        >>> est = index.estimate([0])
        >>> bool(abs(est.mean - 3.0) < 4 * est.stderr)
        True
        """
        t0 = time.perf_counter()
        idx = self._seed_indices(seeds)
        hits, stderr = self._count(idx)
        return SpreadEstimate(
            seeds=self.graph.label_of(idx),
            mean=self.scale * (hits / self.n_samples),
            stderr=stderr,
            hits=int(hits),
            n_samples=self.n_samples,
            n_nodes=self.graph.n_nodes,
            model=self.model,
            elapsed=time.perf_counter() - t0,
        )

    def gains(self, seeds=None):
        """Marginal gain of adding each node to `seeds`: the spread it would add.

        Parameters
        ----------
        seeds : label, sequence of labels, boolean mask, or None
            The committed seeds (None or empty: none).

        Returns
        -------
        pandas.DataFrame
            One row per node, largest gain first: ``node``, ``gain`` (expected extra
            spread, ``n * (sets it holds that the seeds miss) / theta``) and ``stderr``.

        Examples
        --------
        >>> import spread
        >>> star = spread.Graph.from_edges([0, 0, 0, 0], [1, 2, 3, 4])
        >>> index = spread.InfluenceIndex.build(star, spread.IC(p=1.0), n_rr_sets=10_000, rng=0)
        >>> best = index.gains().iloc[0]  # the hub reaches all 5 nodes, surely
        >>> int(best["node"]), float(best["gain"]), float(best["stderr"])
        (0, 5.0, 0.0)
        >>> float(index.gains([0])["gain"].max())  # with the hub in, nothing is left to add
        0.0
        """
        idx = self._seed_indices(seeds)
        _, bits = self._hits(idx)
        counts = uncovered_counts(self.node_ptr, self.set_ids, bits)
        counts[idx] = 0
        theta, n = self.n_samples, self.scale
        f = counts / theta
        frame = pd.DataFrame(
            {"node": self.graph.labels, "gain": n * f, "stderr": n * np.sqrt(f * (1 - f) / theta)}
        )
        return frame.sort_values("gain", ascending=False, kind="stable").reset_index(drop=True)

    def top(self, k=None, *, fixed=None, candidates=None, exclude=None, costs=None, budget=None):
        """The greedy choice of `k` more seeds on the indexed sets, given `fixed` ones, or
        of seeds costing at most `budget` together.

        Parameters
        ----------
        k : int or None
            Seeds to choose; None with a `budget`.
        fixed, candidates, exclude : sequence of labels, optional
            As in `spread.maximize`.
        costs : array of float or mapping, optional
            Each node's cost (as `spread.maximize` takes them), with `budget`.
        budget : float, optional
            The most the seeds may cost together: the best of the cost-benefit greedy,
            the plain greedy within the budget and the best single affordable node, at
            least ``1 - 1/sqrt(e)`` of the best affordable coverage of these sets (see
            `spread.maximize`).

        Returns
        -------
        pandas.DataFrame
            One row per chosen node in order: ``node``, ``gain`` and ``spread`` (the
            expected spread of `fixed` plus the seeds so far), with ``stderr``; with a
            budget also ``cost``, what the seeds so far cost.

        Examples
        --------
        >>> import spread
        >>> g = spread.Graph.from_edges([0, 0, 0, 5, 5], [1, 2, 3, 6, 7])
        >>> index = spread.InfluenceIndex.build(g, spread.IC(p=1.0), n_rr_sets=20_000, rng=0)
        >>> index.top(2)["node"].tolist()
        [0, 5]

        When hub 0 costs 3, hub 5 costs 1 and the leaves 1 each, a budget of 3 buys hub 5
        and two leaves of hub 0 (5 nodes reached) rather than hub 0 alone (4):

        >>> costs = {0: 3, 5: 1, 1: 1, 2: 1, 3: 1, 6: 1, 7: 1}
        >>> top = index.top(costs=costs, budget=3)
        >>> int(top["node"].iloc[0]), set(top["node"].iloc[1:]) <= {1, 2, 3}, top["cost"].tolist()
        (5, True, [1.0, 2.0, 3.0])
        """
        n = self.graph.n_nodes
        fixed_mask = node_mask(self.graph, fixed, name="fixed")
        allowed = (
            node_mask(self.graph, candidates, name="candidates")
            if candidates is not None
            else np.ones(n, bool)
        )
        allowed &= ~node_mask(self.graph, exclude, name="exclude") & ~fixed_mask
        goal = None
        if budget is None and costs is None:
            k = check_k(k, allowed)
        else:
            if k is not None or budget is None or costs is None:
                msg = "`costs` and `budget` go together, in place of `k` (pass k=None)."
                raise InvalidParameterError(msg)
            budget = check_nonnegative_float(budget, name="budget", allow_zero=False)
            costs = check_node_values(
                self.graph, costs, name="costs", what="a cost", positive=True, missing=math.inf
            )
            allowed = affordable(allowed, costs, budget)
            goal = objective(n, None, allowed, costs=costs, budget=budget, target=self.audience)
            k = goal.k
        seeds, gains = self._choose(k, allowed, fixed_mask, goal)
        theta = self.n_samples
        fixed_idx = np.flatnonzero(fixed_mask).astype(np.int32)
        cum = self._hits(fixed_idx)[0] + np.cumsum(gains) * theta / self.scale
        prefixes = (np.concatenate([fixed_idx, seeds[: j + 1]]) for j in range(seeds.size))
        frame = pd.DataFrame(
            {
                "node": self.graph.label_of(seeds),
                "gain": gains,
                "spread": self.scale * (cum / theta),
                "stderr": [self._count(p.astype(np.int32))[1] for p in prefixes],
            },
            index=pd.RangeIndex(1, seeds.size + 1, name="rank"),
        )
        if goal is not None:
            frame["cost"] = np.cumsum(costs[seeds])
        return frame

    def _choose(self, k, allowed, fixed, goal=None):
        """Greedy (or, with a budget in `goal`, budgeted) maximum coverage of the indexed
        sets: ``(seed ids, gains in spread units)`` (masks in, no labels)."""
        seeds, gains, _, _ = greedy_cover_flat(
            self.offsets, self.members, self.graph.n_nodes, k, allowed, fixed, goal
        )
        seeds = np.asarray(seeds, dtype=np.int64)
        seeds = seeds[seeds >= 0]
        gains = np.asarray(gains[: seeds.size], dtype=np.float64)
        return seeds, self.scale * gains / self.n_samples

    def summary(self):
        """A few lines: model, sets, memory, build time, accuracy."""
        sizes = np.diff(self.offsets)
        return "\n".join(
            [
                f"InfluenceIndex of {self.model!r}"
                + (f" up to t = {self.horizon:g}" if self.horizon is not None else "")
                + f" on {self.graph.n_nodes:,} nodes"
                + (
                    ""
                    if self.audience is None
                    else f"; counting a target of {self.audience.nodes.size:,} nodes "
                    f"(weight {self.scale:,.4g})"
                ),
                f"  {self.n_samples:,} RR sets, {sizes.mean():,.2f} nodes each on average; "
                f"{self.nbytes / 2**20:,.3g} MiB; built in {self.elapsed:.3g} s",
                f"  a set reaching 1% of the {'nodes' if self.audience is None else 'target'} "
                "is estimated within "
                f"±{100 * math.sqrt(0.99 / (0.01 * self.n_samples)):.2g}% (1 s.e.)",
            ]
        )

    def __repr__(self):
        audience = "" if self.audience is None else f" (target weight {self.scale:,.4g})"
        return (
            f"<InfluenceIndex: {self.model!r} on {self.graph.n_nodes:,} nodes{audience}, "
            f"{self.n_samples:,} RR sets, {self.nbytes / 2**20:,.3g} MiB>"
        )

    # -------------------------------------------------------------- files
    def save(self, path):
        """Write the index to one ``.npz`` file (arrays only, no pickle).

        The graph is not stored: `load` takes it and checks that it is the same one (its
        node and arc counts and a checksum of its arcs).

        Examples
        --------
        >>> import tempfile, pathlib, spread
        >>> g = spread.datasets.load("karate")
        >>> index = spread.InfluenceIndex.build(g, spread.IC(p=0.1), n_rr_sets=10_000, rng=0)
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "karate.npz"
        >>> index.save(path)
        >>> again = spread.InfluenceIndex.load(path, g)
        >>> again.estimate([0]).mean == index.estimate([0]).mean
        True

        A target is saved with the sets:

        >>> fans = spread.InfluenceIndex.build(g, spread.IC(p=0.1), n_rr_sets=10_000, rng=0,
        ...                                    target={0: 2.0, 33: 1.0})
        >>> fans.save(path)
        >>> spread.InfluenceIndex.load(path, g).target[[0, 1, 33]].tolist()
        [2.0, 0.0, 1.0]
        """
        np.savez_compressed(
            Path(path),
            format=np.int64(_FORMAT),
            offsets=self.offsets,
            members=self.members,
            n_nodes=np.int64(self.graph.n_nodes),
            n_edges=np.int64(self.graph.n_edges),
            checksum=np.uint64(_checksum(self.graph)),
            model=np.str_(repr(self.model)),
            horizon=np.float64(np.nan if self.horizon is None else self.horizon),
            root_seed=np.uint64(self.root_seed),
            target=np.empty(0) if self.audience is None else self.audience.weights,
        )

    @classmethod
    def load(cls, path, graph, model=None):
        """Read an index written by `save`, for `graph` (the graph it was built on).

        Parameters
        ----------
        path : str or path-like
        graph : Graph
            Must be the graph the index was built on (checked).
        model : object, optional
            The model it was built with, to attach (default: its description, a string).

        Raises
        ------
        InvalidParameterError
            If the file is not an index of this format or was built on another graph.
        FileNotFoundError
            If `path` does not exist.
        """
        if not isinstance(graph, Graph):
            msg = f"`graph` must be a spread.Graph; got {type(graph).__name__}."
            raise InvalidParameterError(msg)
        try:
            data = np.load(Path(path), allow_pickle=False)
        except FileNotFoundError:
            raise
        except (OSError, ValueError) as exc:
            msg = f"{os.fspath(path)}: not an influence index file ({exc})."
            raise InvalidParameterError(msg) from None
        with data:
            needed = {"format", "offsets", "members", "n_nodes", "n_edges", "checksum"}
            if not needed <= set(data.files) or int(data["format"]) != _FORMAT:
                msg = f"{os.fspath(path)}: not an influence index file of format {_FORMAT}."
                raise InvalidParameterError(msg)
            same = (
                int(data["n_nodes"]) == graph.n_nodes
                and int(data["n_edges"]) == graph.n_edges
                and int(data["checksum"]) == _checksum(graph)
            )
            if not same:
                msg = (
                    f"{os.fspath(path)}: the index was built on another graph "
                    f"({int(data['n_nodes']):,} nodes, {int(data['n_edges']):,} arcs); "
                    f"got {graph.n_nodes:,} nodes, {graph.n_edges:,} arcs."
                )
                raise InvalidParameterError(msg)
            offsets = np.asarray(data["offsets"], dtype=np.int64)
            members = np.asarray(data["members"], dtype=np.int32)
            ok = (
                offsets.ndim == 1
                and offsets.size >= 2
                and offsets[0] == 0
                and np.all(np.diff(offsets) >= 1)
                and offsets[-1] == members.size  # so at least one member
                and members.min() >= 0
                and members.max() < graph.n_nodes
            )
            if not ok:
                msg = f"{os.fspath(path)}: the RR sets in the file are malformed."
                raise InvalidParameterError(msg)
            h = float(data["horizon"]) if "horizon" in data.files else math.nan
            described = str(data["model"]) if "model" in data.files else "unknown model"
            root = int(data["root_seed"]) if "root_seed" in data.files else 0
            weights = (
                np.asarray(data["target"], dtype=np.float64) if "target" in data.files else None
            )
            audience = None
            if weights is not None and weights.size:
                good = weights.shape == (graph.n_nodes,) and np.all(np.isfinite(weights))
                if not good or weights.min() < 0 or not weights.any():
                    msg = f"{os.fspath(path)}: the target weights in the file are malformed."
                    raise InvalidParameterError(msg)
                audience = weights
        ptr, ids = node_sets(offsets, members, graph.n_nodes)
        return cls(
            graph=graph,
            model=described if model is None else model,
            horizon=None if math.isnan(h) else h,
            root_seed=root,
            offsets=offsets,
            members=members,
            node_ptr=ptr,
            set_ids=ids,
            target=audience,
        )


def _checksum(graph):
    """A 64-bit checksum of the graph's arcs (CRC32 of the CSR arrays, twice)."""
    import zlib

    a = zlib.crc32(np.ascontiguousarray(graph.indptr).tobytes())
    b = zlib.crc32(np.ascontiguousarray(graph.indices).tobytes())
    return (a << 32) | b
