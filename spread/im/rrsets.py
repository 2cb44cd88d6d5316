"""Collections of reverse-reachable (RR) sets, sampled in parallel by Numba kernels."""

import functools
import itertools
import math
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from .. import parallel
from .._common import default_memory_limit
from .._validation import check_nonnegative_float
from ..exceptions import InvalidParameterError, MemoryLimitError
from ..models import CTIC, IC, LT, TemporalIC
from ._coverage_kernels import (
    budget_cover,
    count_hit,
    greedy_cover_index,
    greedy_cover_offset,
    hit_counts,
    joined_index,
    prefix_coverage,
)
from ._ic_sampler import (
    CONDITIONAL_BYTES_PER_NODE,
    SAMPLER_BYTES_PER_NODE,
    SAMPLER_BYTES_PER_SLOT,
    inv_log1m,
    no_live_probability,
    shared_arrays,
    subset_order,
)
from ._objective import Target
from ._rrset_kernels import SUBSET, rr_sets_ctic, rr_sets_ic, rr_sets_lt, rr_sets_temporal

__all__ = [
    "AtHorizon",
    "RRSets",
    "coverage",
    "greedy",
    "greedy_cover_flat",
    "sampled_model",
]

_CHUNK = 1 << 13  # RR sets per kernel call, at most (`_split`)
_MIN_TASK_SETS = 1 << 10  # fewest RR sets per chunk on a Dask cluster
_TASK_BYTES = 64 << 20  # about the most bytes of RR sets per chunk on a Dask cluster
_KERNELS = {
    "ic": rr_sets_ic,
    "lt": rr_sets_lt,
    "ctic": rr_sets_ctic,
    "temporal": rr_sets_temporal,
}
_NO_ROOTS = (np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float64))
# `RRSets(conditional="auto")` conditions where the targets' chance of no live in-arc
# (weighted) is at least this: BA p = 0.01 (0.91) pays 4x, NetHEPT weighted cascade
# (0.22) does not (benchmarks/results_conditional.md).
_CONDITION_FROM = 0.5
# The greedy's working arrays per node (`_coverage_kernels.greedy_cover`: the node -> set
# pointers and their fill copy, 8 + 8; the coverage counts, 8; the lazy heap's keys and
# ids, 8 + 4; the chosen, allowed and fixed marks, 3).
_SELECT_BYTES_PER_NODE = 40


@dataclass(frozen=True, eq=False)
class AtHorizon:
    """A continuous-time model whose spread counts adoptions up to `horizon` only.

    What `maximize` samples and simulates for ``CTIC`` with a ``horizon``: its RR sets
    hold the nodes whose shortest live path to the target takes at most `horizon`
    (reverse Dijkstra); without one (inf) the delays do not matter and they are IC's.
    """

    model: object
    horizon: float

    def plan(self, graph, *, crn=False):
        """The model's plan, up to the horizon."""
        return self.model.plan(graph, crn=crn, horizon=self.horizon)

    def arc_probabilities(self, graph):
        """The model's per-arc transmission probabilities."""
        return self.model.arc_probabilities(graph)

    def uniform_probability(self):
        """The model's one probability of every arc, or None."""
        return self.model.uniform_probability()

    def __repr__(self):
        return f"{self.model!r} up to t = {self.horizon:g}"


_POOLS = {}  # (process id, threads) -> the thread pool `_pool` keeps
_POOLS_LOCK = threading.Lock()


def _pool(n_threads):
    """A pool of `n_threads` threads (`extend`'s; of one, OPIM-C's helper), kept per size
    and process: starting two threads for every extend took 0.3 ms against 0.07 for a
    kept pool, some 16 times in a small OPIM-C call (wiki-Vote's took 33 ms then)."""
    key = (os.getpid(), n_threads)
    with _POOLS_LOCK:
        pool = _POOLS.get(key)
        if pool is None:
            pool = _POOLS[key] = ThreadPoolExecutor(n_threads, thread_name_prefix="spread-rr")
    return pool


def _split(start, stop, n_threads):
    """Bounds of the kernel calls that draw sets ``start .. stop - 1``: at most `_CHUNK`
    sets each, their number a multiple of `n_threads` (while each gets a set), of equal
    size to a set, so that the threads finish together (a small extend is not left to
    one thread: OPIM-C's first rounds draw a few thousand sets each)."""
    n = stop - start
    calls = -(-n // _CHUNK)
    calls = min(-(-calls // n_threads) * n_threads, n)
    return [start + n * i // calls for i in range(calls + 1)]


def _capacity(avg, n_sets, reserve=0):
    """A kernel call's first member buffer: `n_sets` sets of `avg` members, 25% spare,
    and `reserve` slots more (`RRSets`: the IC kernel makes room for a node's in-arcs at
    once, so the largest in-degree)."""
    return int(max(16, avg * n_sets * 1.25)) + reserve


def sampled_model(model, horizon, caller):
    """What RR sets and forward runs sample for a stochastic `model`, checked.

    `CTIC` and `TemporalIC` become `AtHorizon(model, horizon)` (inf without one); IC
    and LT come back as
    they are, refused with a spontaneous adoption, non-uniform or fixed thresholds
    (reverse-reachable sets rest on the live-edge view), or a `horizon`. `caller` names
    the function in the messages.
    """
    if isinstance(model, CTIC | TemporalIC):
        horizon = math.inf if horizon is None else check_nonnegative_float(horizon, name="horizon")
        return AtHorizon(model, horizon)
    if horizon is not None:
        msg = (
            f"`horizon` applies to Heat and CTIC (time-limited spread); {model!r} counts "
            "every adoption."
        )
        raise InvalidParameterError(msg)
    if isinstance(model, IC) and model.has_external():
        msg = (
            f"`model` must not have spontaneous adoption (`external` > 0) for {caller}: "
            f"the spread of a seed set is then unbounded in time; got {model!r}."
        )
        raise InvalidParameterError(msg)
    if isinstance(model, LT) and (model.quantile_table().size or model.thresholds is not None):
        kind = "fixed" if model.thresholds is not None else "non-uniform"
        msg = (
            f"`model` must have uniform thresholds, drawn afresh in every run, for {caller} "
            "(reverse-reachable sets and the spread-versus-k estimates rest on them); got "
            f"{kind} thresholds in {model!r}."
        )
        raise InvalidParameterError(msg)
    return model


class RRSets:
    """A growing collection of RR sets for one graph and model.

    RR set ``r`` is sampled from its own random stream, a function of the stream's root
    and ``r`` only (`spread._random`), and its target from a stratum that depends on the
    root, ``r`` and `first` only, so the collection does not depend on the number of
    threads. The targets are stratified: every ``n`` consecutive sets from `first` (or
    as many as the weighted targets) visit each node once (each quantile of the
    weights), in a pseudo-random order, each set's target still uniform (or by
    weight). A fixed seed set's coverage is then estimated with no more variance than
    from independent targets, and less where the nodes differ in how often they are
    reached (`spread.im._rrset_kernels._stratum`). The tail bounds behind IMM's and
    OPIM-C's certificates still hold: given the order, a block's hit indicators are
    independent with one probability per node, a Poisson binomial whose tails the
    binomial of the same mean dominates (Hoeffding 1956; an unfinished block is a
    draw without replacement, Hoeffding 1963). Storage is flat: int32 members and
    int64 offsets (``bytes_per_set`` reports the cost).

    Parameters
    ----------
    graph : Graph
    model : IC, LT or AtHorizon
    stream_root : numpy.uint64
        Root of the collection's named stream (`spread._random.stream_root`).
    first : int, default 0
        Index of the first RR set; its strata start there. Collections with disjoint
        index ranges are independent (their coins are, and their strata are drawn from
        keys that differ by `first`).
    n_threads : int, default 1
    max_memory : int, optional
        Bytes the collection, with its `companions`, may hold; extending past it raises
        `MemoryLimitError`.
    template : RRSets, optional
        A collection for the same graph and model whose prepared sampler to reuse, and
        whose average set size projects this one's memory until it has sets of its own.
    client : dask.distributed.Client, optional
        Sample on a Dask cluster instead (same sets; see `spread.parallel`).
    companions : tuple of RRSets, default ()
        Collections held alongside this one: their bytes count against `max_memory` too
        (IMM's phase-1 sets beside its final ones; OPIM-C's R1 and R2).
    target : Target, optional
        Pick each set's target node by these weights (default: uniformly).
    conditional : bool or "auto", default False
        IC only: conditional sets. A target v has no live in-arc with probability
        ``q_v`` (`no_live_probability`), and its plain set is then v alone, which says
        only whether v is a seed. So ``f(S) = sum_v w_v (1 - q_v) P(R(v) hits S | a
        live in-arc) + sum_{v in S} w_v q_v`` (``w_v`` the target's weight, 1 without
        one), exactly: the second term is known (`bonus`), and the first is estimated
        by sets whose target is drawn by ``w_v (1 - q_v)`` (total `scale`) and whose
        first live in-arc is drawn given that there is one: ``f(S) ~ scale x (fraction
        of sets hit) + bonus(S)``. ``"auto"`` conditions where the targets' chance of
        no live in-arc is at least 1/2 (`_CONDITION_FROM`: on a BA graph at p = 0.01,
        90,000 conditional sets choose as well as 1.44M plain ones; under weighted
        cascade there is no gain; benchmarks/results_conditional.md).

    Attributes
    ----------
    conditional : bool
        Whether the sets are conditional; then ``bonus`` (per node, ``w_v q_v``) and
        ``scale`` (the targets' total weight ``sum w_v (1 - q_v)``).
    """

    def __init__(
        self,
        graph,
        model,
        stream_root,
        *,
        first=0,
        n_threads=1,
        max_memory=None,
        template=None,
        client=None,
        companions=(),
        target=None,
        conditional=False,
    ):
        self.graph = graph
        self.target = target
        self.conditional = conditional is True
        roots = _NO_ROOTS if target is None else (target.nodes, target.cum)
        self.model = model
        self.root = np.uint64(stream_root)
        self.first = int(first)
        self.n_threads = int(n_threads)
        self.client = client
        self.companions = tuple(companions)
        self.max_memory = default_memory_limit() if max_memory is None else int(max_memory)
        self._members = np.empty(0, dtype=np.int32)
        self._offsets = np.zeros(1, dtype=np.int64)
        self._n_sets = 0
        self._n_members = 0
        self._template = None
        self._ahead_bytes = 0  # per set of a kernel call, for targets drawn ahead (IC)
        self._reserve = 0  # a kernel call's buffer slots beyond its sets (`_capacity`)
        same = template is not None and template.model is model and template.graph is graph
        want = template.conditional if same and conditional == "auto" else conditional is True
        if same and template.target is target and template.conditional == want:
            self.conditional = want
            self._template = template
            if self.conditional:
                self.bonus, self.scale = template.bonus, template.scale
            self._sample_args = template._sample_args
            self._kernel = template._kernel
            self._kind = template._kind
            self._source = template._source
            self._ahead_bytes = template._ahead_bytes
            self._reserve = template._reserve
            return
        timed = isinstance(model, AtHorizon)
        contacts = timed and isinstance(model.model, TemporalIC)
        if contacts:
            if model.model.recovery is not None:
                msg = (
                    "RR sets over contacts need a node's chances to last: `model` must not "
                    f"have an infectious period (`recovery`); got {model.model!r}. "
                    "method='celf' (forward runs) takes it."
                )
                raise InvalidParameterError(msg)
            plan = model.plan(graph)
            p, contact_ptr, contact_times, every = plan.args[:4]
            t0, origin, horizon = plan.args[9:12]
            self._source = (p, every, t0, horizon)
            self._kernel = rr_sets_temporal
            self._kind = "temporal"
            derived = (
                graph.in_arc,
                np.ascontiguousarray(p[graph.in_arc]),
                contact_ptr,
                contact_times,
                bool(every),
                float(t0),
                float(origin + horizon),
            )
            self._sample_args = (graph.in_indptr, graph.in_indices, *derived, *roots)
        elif isinstance(model, IC) or (timed and not math.isfinite(model.horizon)):
            uniform = model.uniform_probability()
            self._source = uniform
            self._check_room(SAMPLER_BYTES_PER_NODE * graph.n_nodes, "the sampler's")
            if uniform is None:
                self._source = model.arc_probabilities(graph)
                node_p, node_scale = shared_arrays(graph, self._source)
                p_in, src_in = np.empty(0), np.empty(0, dtype=np.int32)
                if (node_p < 0).any():  # per-arc coins somewhere: per-slot arrays
                    self._check_room(
                        SAMPLER_BYTES_PER_NODE * graph.n_nodes
                        + SAMPLER_BYTES_PER_SLOT * graph.n_edges,
                        "the sampler's per-arc",
                    )
                    p_in = np.ascontiguousarray(self._source[graph.in_arc])
                    p_in, src_in, node_p = subset_order(graph, p_in, node_p)
                    node_scale = inv_log1m(node_p)
            else:
                p_in, src_in = np.empty(0), np.empty(0, dtype=np.int32)
                node_p = np.array([uniform])  # every node's (`rr_sets_ic`)
                node_scale = inv_log1m(node_p)
            inv_in = inv_log1m(p_in, graph, node_p == SUBSET)
            derived = (p_in, inv_in, src_in, node_p, node_scale)
            node_q = np.empty(0)
            if conditional:
                need = (SAMPLER_BYTES_PER_NODE + CONDITIONAL_BYTES_PER_NODE) * graph.n_nodes
                self._check_room(need, "the conditional sets'")
                q = no_live_probability(graph, node_p, p_in)
                t = np.ones(graph.n_nodes) if target is None else target.weights
                # "auto": only where most plain sets would be their target alone
                live = t * (1.0 - q)  # no target can have a live in-arc: plain sets
                pays = conditional != "auto" or (t * q).sum() >= _CONDITION_FROM * t.sum()
                if live.any() and pays:
                    node_q, self.conditional = q, True
                    self.bonus = t * q
                    drawn = Target.of(live)
                    self.scale = drawn.total
                    roots = (drawn.nodes, drawn.cum)
            self._kernel = rr_sets_ic
            self._kind = "ic"
            self._sample_args = (graph.in_indptr, graph.in_indices, *derived, *roots, node_q)
            # weighted targets are drawn ahead: per set, state and target (and conditional
            # sets' first live slot and its source), 8 bytes each
            self._ahead_bytes = 0 if roots is _NO_ROOTS else 32 if self.conditional else 16
            # `rr_sets_ic` makes room for all of a node's in-arcs before drawing them
            self._reserve = int(graph.in_degree.max()) if graph.n_nodes else 0
        elif timed:
            p = model.arc_probabilities(graph)
            p_in = np.ascontiguousarray(p[graph.in_arc])
            _, code, a, b, table = model.plan(graph).args[:5]
            a_in = np.ascontiguousarray(a[graph.in_arc]) if a.size > 1 else a
            b_in = np.ascontiguousarray(b[graph.in_arc]) if b.size > 1 else b
            self._source = (p, code, a, b, table, model.horizon)
            self._kernel = rr_sets_ctic
            self._kind = "ctic"
            derived = (p_in, code, a_in, b_in, table, float(model.horizon))
            self._sample_args = (graph.in_indptr, graph.in_indices, *derived, *roots)
        elif isinstance(model, LT):
            self._source = model.arc_weights(graph)
            w_in = np.ascontiguousarray(self._source[graph.in_arc])
            self._kernel = rr_sets_lt
            self._kind = "lt"
            self._sample_args = (graph.in_indptr, graph.in_indices, w_in, *roots)
        else:
            msg = f"RR sets need an IC, LT or CTIC model; got {model!r}."
            raise InvalidParameterError(msg)
        self.conditional = self.conditional and self._kind == "ic"  # IC's sampler only

    def _check_room(self, need, what):
        """Raise `MemoryLimitError` before preparing arrays of `need` bytes, with the
        greedy's per-node arrays, if they alone would pass `max_memory`."""
        need += _SELECT_BYTES_PER_NODE * self.graph.n_nodes
        if need > self.max_memory:
            msg = (
                f"{what} arrays and the selection's need about {need / 2**20:,.3g} MiB "
                f"before any RR sets are drawn, over `max_memory` = {self.max_memory:,} bytes "
                f"({self.max_memory / 2**20:,.3g} MiB). Raise `max_memory`."
            )
            raise MemoryLimitError(msg)

    def _average_size(self):
        """Members per set so far (the template's, then 8, before the first set)."""
        if self._n_sets:
            return self._n_members / self._n_sets
        if self._template is not None and len(self._template):
            return self._template.n_members / len(self._template)
        return 8.0

    def _sample(self, r0, r1, capacity):
        return self._kernel(*self._sample_args, self.root, self.first, r0, r1, capacity)

    def __len__(self):
        return self._n_sets

    @property
    def n_members(self):
        """Total number of (node, set) memberships."""
        return self._n_members

    @property
    def nbytes(self):
        """Bytes held by the members and offsets."""
        return 4 * self._n_members + 8 * (self._n_sets + 1)

    @functools.cached_property
    def prepared_bytes(self):
        """Bytes of the sampler's own arrays (beyond the graph's; shared with a template)."""
        graph_arrays = {id(self.graph.in_indptr), id(self.graph.in_indices)}
        return sum(
            a.nbytes
            for a in self._sample_args
            if isinstance(a, np.ndarray) and id(a) not in graph_arrays
        ) + (self.bonus.nbytes if self.conditional else 0)

    def working_bytes(self, avg, n_new):
        """Bytes beside the RR sets at the peak of drawing `n_new` more sets of `avg`
        members, or of selecting: the sampler's arrays (`prepared_bytes`), each
        concurrent kernel call's (a per-node mark, int32, its set buffer with the trimmed
        copy it returns: 8 bytes per slot of `_capacity`, under IC with room for the
        largest in-degree, and for weighted IC targets those drawn ahead) and the
        greedy's per-node arrays (`_SELECT_BYTES_PER_NODE`). On a cluster the calls run
        elsewhere.
        """
        n = self.graph.n_nodes
        threads = max(self.n_threads, 1)
        parts = len(_split(0, n_new, threads)) - 1 if n_new > 0 else 0
        calls = 0 if self.client is not None else min(threads, parts)
        per_set = -(-n_new // max(parts, 1))  # the largest call's sets (`_split`)
        per_call = 4 * n + 8 * _capacity(avg, per_set, self._reserve)
        per_call += self._ahead_bytes * per_set
        return int(self.prepared_bytes + calls * per_call + _SELECT_BYTES_PER_NODE * n)

    @property
    def selecting_bytes(self):
        """Bytes the greedy selection holds beside the sets: its inverted index (4 per
        member), a flag per set and the per-node arrays (`_SELECT_BYTES_PER_NODE`)."""
        return 4 * self._n_members + self._n_sets + _SELECT_BYTES_PER_NODE * self.graph.n_nodes

    @property
    def bytes_per_set(self):
        """Average bytes per RR set."""
        return self.nbytes / max(self._n_sets, 1)

    def projected_bytes(self, target):
        """What `extend` checks against `max_memory` beside the companions' sets: the
        sets at `target` (8 bytes per member and per set) and the working arrays."""
        return sum(self._projection(target)[1:])

    def _projection(self, target):
        """``(average set size, bytes of the sets at target, working bytes)``: members
        (4 B) and, while selecting, the node -> set index (4 B), plus the offsets: 8
        bytes per member + 8 per set. Growing holds the old members, the new ones and
        their joined copy at once: 8 bytes per member again (`extend`)."""
        avg = self._average_size()
        return avg, int(target * (8 * avg + 8)), self.working_bytes(avg, target - self._n_sets)

    def extend(self, target, beside=0):
        """Sample more RR sets until the collection holds `target` of them (`beside`:
        bytes a companion adds while this runs, counted with the companions' sets).

        Raises
        ------
        MemoryLimitError
            Before sampling, if the projected size (from the average set size so far)
            exceeds `max_memory`.
        """
        target = int(target)
        if target <= self._n_sets:
            return self
        avg, projected, work = self._projection(target)
        held = sum(c.nbytes for c in self.companions) + int(beside)
        if projected + work + held > self.max_memory:
            beside = f" beside {held / 2**20:,.3g} MiB of other RR sets" if held else ""
            msg = (
                f"{target:,} RR sets would need about {projected / 2**20:,.3g} MiB "
                f"({8 * avg + 8:.0f} bytes per set) and {work / 2**20:,.3g} MiB of working "
                f"arrays (the sampler's, the selection's){beside}, over `max_memory` = "
                f"{self.max_memory:,} bytes ({self.max_memory / 2**20:,.3g} MiB). Raise "
                "`max_memory`, raise `eps`, or lower `k`."
            )
            raise MemoryLimitError(msg)
        start = self.first + self._n_sets
        stop = self.first + target
        bounds = _split(start, stop, max(self.n_threads, 1))
        jobs = [
            (a, b, _capacity(avg, b - a, self._reserve)) for a, b in itertools.pairwise(bounds)
        ]
        if self.client is not None:
            chunks = self._sample_on_cluster(start, stop, avg)
        elif self.n_threads > 1 and len(jobs) > 1:
            chunks = list(_pool(self.n_threads).map(lambda j: self._sample(*j), jobs))
        else:
            chunks = [self._sample(*j) for j in jobs]
        new_members = sum(m.shape[0] for _, m in chunks)
        need = self._n_members + new_members
        if need > self._members.shape[0]:
            # Room to spare for later extends (the index's batches), unless old + new +
            # joined would then pass the budget; exactly `need` keeps them at 8 bytes per
            # member, as projected.
            size = max(need, int(1.5 * self._members.shape[0]))
            room = self.max_memory - work - held - 8 * (target + 1)
            if 4 * (self._n_members + new_members + size) > room:
                size = need
            grown = np.empty(size, dtype=np.int32)
            grown[: self._n_members] = self._members[: self._n_members]
            self._members = grown
        offsets_all = np.empty(target + 1, dtype=np.int64)
        offsets_all[: self._n_sets + 1] = self._offsets[: self._n_sets + 1]
        at, row = self._n_members, self._n_sets
        for offsets, members in chunks:
            size = members.shape[0]
            self._members[at : at + size] = members
            offsets_all[row + 1 : row + offsets.shape[0]] = offsets[1:] + at
            at += size
            row += offsets.shape[0] - 1
        self._offsets = offsets_all
        self._n_members = need
        self._n_sets = target
        return self

    def bonus_sets(self):
        """Conditional sets: each node's known part (``bonus``) in sets of this
        collection, ``bonus * len / scale``: what the greedy adds to its coverage."""
        return self.bonus * (self._n_sets / self.scale)

    def flat(self):
        """All sets as ``(offsets, members)`` views (no copy)."""
        return self._offsets[: self._n_sets + 1], self._members[: self._n_members]

    # -------------------------------------------------------- on a Dask cluster
    def _task_args(self):
        client, graph = self.client, self.graph
        # The graph holds the in-adjacency; only the per-slot arrays are sent besides,
        # once per per-arc array they derive from (a model's cached probabilities).
        derived = self._sample_args[2:]
        return (
            parallel.share(client, graph, owner=graph),
            parallel.share(
                client,
                derived,
                owner=graph,
                key=(
                    "rr",
                    self._kind,
                    self._source,
                    None if self.target is None else self.target.cum,
                    self.conditional,
                ),
            ),
            self._kind,
            self.root,
            self.first,
        )

    def _task_bounds(self, start, stop, avg):
        size = (4 * avg + 8) * 1.25
        max_size = max(_MIN_TASK_SETS, int(_TASK_BYTES / size))
        bounds = parallel.chunk_bounds(
            stop - start,
            parallel.cluster_threads(self.client),
            min_size=_MIN_TASK_SETS,
            max_size=max_size,
        )
        return [start + b for b in bounds]

    def _sample_on_cluster(self, start, stop, avg):
        """Sets ``start .. stop - 1`` as kernel-call pieces, computed on the cluster."""
        bounds = self._task_bounds(start, stop, avg)
        parts = [None] * (len(bounds) - 1)

        def merge(i, pieces):
            parts[i] = pieces

        args = (*self._task_args(), avg)
        parallel.run_chunks(self.client, _chunk_sets, args, bounds, merge=merge, name="rr-sets")
        return [piece for pieces in parts for piece in pieces]

    def prefix_hits_fresh(self, n_sets, rank, k):
        """Coverage of the next `n_sets` sets by seed prefixes, computed on the cluster.

        The sets are sampled and reduced on the workers (never stored): returns
        `prefix_coverage` of those sets, ``out[j]`` = sets hit by the nodes of rank <= j.
        """
        start = self.first + self._n_sets
        avg = self._average_size()
        bounds = self._task_bounds(start, start + int(n_sets), avg)
        hits = np.zeros(k, dtype=np.int64)

        def merge(_i, part):
            hits[:] += part

        args = (*self._task_args(), avg, parallel.share(self.client, rank), k)
        parallel.run_chunks(
            self.client, _chunk_prefix_hits, args, bounds, merge=merge, name="rr-eval"
        )
        return hits


def _sample_pieces(graph, derived, kind, root, origin, avg, lo, hi):
    args = (graph.in_indptr, graph.in_indices, *derived)
    kernel = _KERNELS[kind]
    for a in range(lo, hi, _CHUNK):
        b = min(a + _CHUNK, hi)
        yield kernel(*args, root, origin, a, b, _capacity(avg, b - a))


def _chunk_sets(graph, derived, kind, root, origin, avg, lo, hi):
    """On a worker: RR sets ``lo .. hi - 1``, as ``(offsets, members)`` per kernel call."""
    return list(_sample_pieces(graph, derived, kind, root, origin, avg, lo, hi))


def _chunk_prefix_hits(graph, derived, kind, root, origin, avg, rank, k, lo, hi):
    """On a worker: `prefix_coverage` of RR sets ``lo .. hi - 1`` (summed over pieces)."""
    hits = np.zeros(k, dtype=np.int64)
    for offsets, members in _sample_pieces(graph, derived, kind, root, origin, avg, lo, hi):
        hits += prefix_coverage(offsets, members, rank, k)
    return hits


# ------------------------------------------------------------- on a collection
def greedy(rr, k, allowed, fixed, want_bound=False, goal=None, index=False):
    """Greedy maximum coverage of the sets in `rr` (`greedy_cover_flat`); of conditional
    sets, plus each node's known part in sets (`bonus_sets`). `rr` is one `RRSets` or
    a tuple of them for the same graph and model (OPIM-C's R1 and R2), chosen on as one
    collection: their sets joined in a copy. `index`: as `greedy_cover_flat`, or a tuple
    of each part's inverted index, joined (`joined_index`) for the greedy to use."""
    parts = rr if isinstance(rr, tuple) else (rr,)
    (offsets, members), shift = parts[0].flat(), len(parts[0])
    joined = isinstance(index, tuple) and isinstance(index[0], tuple)
    for more in parts[1:]:
        extra_offsets, extra_members = more.flat()
        offsets = np.concatenate((offsets, extra_offsets[1:] + members.shape[0]))
        members = np.concatenate((members, extra_members))
        index = (joined_index(*index[0], *index[1], shift), *index[2:]) if joined else index
        shift += len(more)
    index = index[0] if joined else index
    offset = _NO_OFFSET  # conditional sets: the known parts in sets of all the parts
    if parts[0].conditional:
        offset = np.rint(parts[0].bonus * (shift / parts[0].scale)).astype(np.int64)
    n = parts[0].graph.n_nodes
    return greedy_cover_flat(
        offsets, members, n, k, allowed, fixed, goal, want_bound, offset, index
    )


_NO_OFFSET = _NO_PTR = np.empty(0, dtype=np.int64)
_NO_IDS = np.empty(0, dtype=np.int32)


def greedy_cover_flat(
    offsets, members, n, k, allowed, fixed, goal=None, want_bound=False, offset=None, index=False
):
    """Greedy maximum coverage of flat sets (`_coverage_kernels.greedy_cover_offset`,
    with a per-node `offset`), or budgeted (`budget_cover`, no offset) when `goal` is an
    `Objective` with a budget; then the bound is the smaller of the kernel's and
    ``covered / ratio``. `index`: True returns a fifth item, the inverted index the
    greedy built (``(ptr, set ids)``, for `coverage`'s `index`; None under a budget); a
    ``(ptr, set ids)`` of these sets is used instead of building one, and returned."""
    offset = _NO_OFFSET if offset is None else offset
    if goal is None or goal.budget is None:
        if index is not False:
            ptr, ids = (_NO_PTR, _NO_IDS) if index is True else index
            *chosen, ptr, ids = greedy_cover_index(
                offsets, members, n, k, allowed, fixed, want_bound, offset, ptr, ids
            )
            return (*chosen, (ptr, ids))
        return greedy_cover_offset(offsets, members, n, k, allowed, fixed, want_bound, offset)
    seeds, gains, covered, upper = budget_cover(
        offsets, members, n, goal.costs, goal.budget, allowed, fixed, want_bound
    )
    if want_bound:
        upper = min(upper, covered / goal.ratio)
    return (seeds, gains, covered, upper) + ((None,) if index is not False else ())


def coverage(rr, seeds, fixed, others=None, index=None):
    """RR sets in `rr` hit by `seeds` (ids) and not by `fixed` (mask); with `others`
    (ids), ``(by seeds, by others, by either)`` in one pass (`count_hit`). With the
    collection's inverted `index` (`greedy`'s ``index=True``), the same counts through
    it (`hit_counts`), in the memberships of the nodes named instead of all."""
    if index is not None:
        return _coverage_by_index(index, len(rr), seeds, fixed, others)
    offsets, members = rr.flat()
    mark = np.zeros(fixed.shape[0], dtype=np.uint8)
    mark[seeds[seeds >= 0]] = 1
    if others is None:
        return int(count_hit(offsets, members, mark, fixed)[0])
    mark[others[others >= 0]] |= 2
    return tuple(int(c) for c in count_hit(offsets, members, mark, fixed))


def _coverage_by_index(index, n_sets, seeds, fixed, others):
    """`coverage` through an inverted index ``(ptr, set ids)`` (`hit_counts`)."""
    both = _NO_PTR if others is None else others
    counts = hit_counts(*index, n_sets, seeds, both, fixed)
    return int(counts[0]) if others is None else tuple(int(c) for c in counts)
