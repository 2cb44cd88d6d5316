"""Independent units of work (runs, RR sets, replicates) on this machine or a Dask cluster.

Every random quantity spread computes is a batch of *units* identified by an index:
Monte Carlo run ``r``, RR set ``r``, bootstrap replicate ``b``. Unit ``i`` depends only
on the root seed and ``i``, so a batch can be cut into chunks of consecutive indices,
computed anywhere, in any order, recomputed after a failure, and merged into exactly
the answer one thread would give.

Locally, chunks run on Numba's thread pool (or, for RR sets, on a few Python threads
over ``nogil`` kernels), as they always have. With ``client=`` (a
`dask.distributed.Client`), `spread.simulate`, `spread.maximize` and the parametric
bootstraps of `spread.fit` send chunks to the cluster's workers instead:

- the graph and the model's per-arc arrays are scattered once to every worker
  (``broadcast=True``) and kept there while the `Graph` lives (see `clear_cache`), so
  repeated calls (IMM rounds, CELF steps, a notebook's next cell) do not re-send them;
- a batch is cut into about `CHUNKS_PER_THREAD` chunks per worker thread, bounded in
  memory (see Notes), and submitted with ``retries=``; a worker lost mid-run has its
  chunks rescheduled by Dask, and since a chunk is a pure function of (root, indices)
  the recomputed chunk is bit-identical;
- partial results (final sizes, per-step counts, per-node counts, RR sets or their
  coverage counts, replicate results) are gathered as they complete and merged in unit
  order, so the answer equals the local one exactly;
- the progress bar advances as chunks complete; Ctrl-C (KeyboardInterrupt) cancels
  every future of the computation before it propagates.

The one public helper for new code is `map_indices`: ``func(i)`` for every index, here
or on a cluster, results in index order; `replicate_rng` gives replicate ``i`` its own
random generator. The other names here (`check_client`, `share`, `run_chunks`, `chunk_bounds`,
`kernel_section`, ...) are the plumbing spread's own modules use and may change.

Notes
-----
Threads inside a worker. A Dask worker runs up to ``nthreads`` tasks at once, each in
its own thread; a spread kernel launched from a task uses ``nthreads`` Numba threads
(at most Numba's own limit), and parallel kernels in one worker process take turns
(a per-process lock: Numba's default ``workqueue`` threading layer does not allow
concurrent parallel launches, and taking turns keeps the busy threads at
``nthreads``). So a worker never runs more busy threads than it was given: on a
machine with ``c`` cores, start ``c`` single-threaded worker processes
(``LocalCluster(n_workers=c, threads_per_worker=1)``, ``dask worker --nworkers c
--nthreads 1``) or one worker with ``c`` threads; both use every core once.

Memory per chunk, on the worker that computes it (``n`` nodes, ``t`` the worker's
threads, ``d`` the depth of the deepest run):

- simulation: about ``16 t n + 12 n`` bytes of scratch and per-node counts (IC;
  ``24 t n + 12 n`` for LT) plus ``r (16 + 8 d)`` bytes of per-run results and per-step
  buffer for its ``r`` runs, ``r <= 65,536``; with ``keep_times=True`` also ``4 n r``
  bytes, with ``r`` capped so that this stays under 64 MiB;
- RR sets: ``4`` bytes per member plus ``8`` per set, at most about 64 MiB per chunk
  (judged from the average set size so far); the client holds the whole collection,
  as it does locally, because the greedy selection reads all of it;
- evaluation RR sets: one kernel call's sets at a time (8,192), reduced to ``k + 1``
  coverage counts on the worker;
- replicates: whatever ``func`` needs for its indices.

Each worker also holds the scattered graph: about ``12 m + 16 n`` bytes for ``m``
arcs (both adjacencies), plus ``8 m`` for per-arc probabilities or weights.

Dask's Active Memory Manager (on by default) drops, every 2 s, the replicas that no
task is waiting for, so between two calls (or two IMM rounds) a worker may lose its
copy of the graph; its next task fetches the graph again from a peer. Results do not
change, but on a cluster you own, ``client.amm.stop()`` (or an empty
``distributed.scheduler.active-memory-manager.policies`` list) keeps the copies. If
every worker holding the data is lost, spread sends it again from the client (Dask
cannot recompute scattered data) and resubmits the chunks that needed it.

Bit-identical answers. `simulate` and `maximize` compute with spread's own kernels and
integer merges: their results are bit-identical on any cluster. A replicate function
that calls SciPy (the refits of `FitResult.bootstrap`) also depends on how OpenBLAS
rounds, which depends on the number of BLAS threads it started with; Dask's nannies
start workers with ``OMP_NUM_THREADS=1``, ``OPENBLAS_NUM_THREADS=1`` and
``MKL_NUM_THREADS=1``. Start the client's Python with the same variables (or the
workers without them, ``distributed.nanny.pre-spawn-environ``) for bit-identical
bootstraps; otherwise refitted parameters differ around the ninth significant digit.
"""

import contextlib
import math
import sys
import threading
import uuid
import weakref
from collections import OrderedDict

import numpy as np

from ._common import progress_bar
from ._validation import check_int
from .exceptions import InvalidParameterError

__all__ = ["CHUNKS_PER_THREAD", "clear_cache", "map_indices", "replicate_rng"]

#: Chunks per worker thread a batch is cut into: enough for load balance, small losses
#: when a worker dies, and a lively progress bar; few enough that scheduling is cheap.
CHUNKS_PER_THREAD = 4

RETRIES = 2  # automatic resubmissions of a chunk whose task raised
_MAX_RESENDS = 3  # times shared data lost with their workers are sent again, per call
_CACHE_PER_GRAPH = 8  # scattered objects kept per graph (least recently used dropped)
_SMALL_BYTES = 1 << 16  # arrays up to this size are recognised by value in the cache
_KERNEL_LOCK = threading.RLock()
_SHARED = weakref.WeakKeyDictionary()  # owner -> OrderedDict[(client id, tag)] -> entry


# ------------------------------------------------------------------ the client side
def _distributed():
    """`distributed`, imported on first use, with an error that names the extra."""
    try:
        import distributed
    except ImportError as exc:
        msg = (
            "`client=` needs dask.distributed, which is not installed; install it with "
            "`pip install 'spread[dask]'`."
        )
        raise ModuleNotFoundError(msg) from exc
    return distributed


def check_client(client):
    """`client` if it is a connected `dask.distributed.Client`, None for None; else raise."""
    if client is None:
        return None
    distributed = _distributed()
    if not isinstance(client, distributed.Client):
        msg = f"`client` must be a dask.distributed.Client or None; got {type(client).__name__}."
        raise InvalidParameterError(msg)
    if client.status != "running":
        msg = f"`client` must be connected to a scheduler; its status is {client.status!r}."
        raise InvalidParameterError(msg)
    return client


def cluster_threads(client):
    """Worker threads of the cluster right now (at least 1)."""
    return max(1, sum(client.nthreads().values()))


def chunk_bounds(n_units, n_threads, *, min_size=1, max_size=None):
    """Cut ``0 .. n_units`` into consecutive chunks: about `CHUNKS_PER_THREAD` per thread.

    Chunks hold at least `min_size` units (unless there are fewer) and at most
    `max_size`. Returns the boundaries ``[0, b1, ..., n_units]``.

    Examples
    --------
    One thread gets 4 chunks: boundaries ``i * 10 // 4`` for ``i = 0 .. 4``. Two
    threads would get 8 chunks of 1000, but chunks of at least 400 allow only
    ``1000 // 400 = 2``:

    >>> from spread.parallel import chunk_bounds
    >>> chunk_bounds(10, 1)
    [0, 2, 5, 7, 10]
    >>> chunk_bounds(1000, 2, min_size=400)
    [0, 500, 1000]
    """
    n_units = int(n_units)
    if n_units <= 0:
        return [0]
    n_chunks = min(CHUNKS_PER_THREAD * max(int(n_threads), 1), max(n_units // min_size, 1))
    if max_size is not None:
        n_chunks = max(n_chunks, math.ceil(n_units / max(int(max_size), 1)))
    n_chunks = max(1, min(n_chunks, n_units))
    return [i * n_units // n_chunks for i in range(n_chunks + 1)]


def _tag(obj):
    """A cache tag for `obj`: its large arrays by identity, small ones and the rest by value."""
    if isinstance(obj, np.ndarray):
        if obj.nbytes <= _SMALL_BYTES:  # e.g. a fresh empty array made on every call
            return ("small", obj.dtype.str, obj.shape, obj.tobytes())
        return ("array", id(obj))
    if isinstance(obj, dict):
        return ("dict", *((k, _tag(v)) for k, v in sorted(obj.items())))
    if isinstance(obj, tuple | list):
        return (type(obj).__name__, *(_tag(v) for v in obj))
    return ("value", repr(obj))


class Shared:
    """Data scattered to every worker (`share`), re-sent if the cluster loses it.

    Dask cannot recompute scattered data: if every worker holding it dies (its Active
    Memory Manager may have dropped the other replicas while nobody needed them), the
    tasks that read it are cancelled. The client still holds the object, so
    `run_chunks` sends it again and resubmits those chunks.
    """

    def __init__(self, client, obj, owner=None, key=None):
        self.client = client
        self.obj = obj
        self.owner = owner
        self.key = obj if key is None else key
        self.future = self._lookup() if owner is not None else None
        if self.future is None:
            self.future = self._send()

    def _key(self):
        return (self.client.id, "owner" if self.key is self.owner else _tag(self.key))

    def _lookup(self):
        entries = _SHARED.get(self.owner)
        hit = None if entries is None else entries.get(self._key())
        if hit is None or hit[0].status != "finished":
            return None
        entries.move_to_end(self._key())
        return hit[0]

    def _send(self):
        future = _scatter(self.client, self.obj)
        if self.owner is not None:
            entries = _SHARED.get(self.owner)
            if entries is None:
                entries = OrderedDict()
                _SHARED[self.owner] = entries
            # Keep the key (not the owner itself) alive with its future: its tag holds
            # the ids of its arrays, which must not be reused meanwhile.
            entries[self._key()] = (future, None if self.key is self.owner else self.key)
            entries.move_to_end(self._key())
            while len(entries) > _CACHE_PER_GRAPH:
                _release(entries.popitem(last=False)[1][0])
        return future

    def lost(self):
        """True if the cluster no longer holds the data."""
        return self.future.status != "finished"

    def resend(self):
        """Scatter the data again (after a loss)."""
        self.future = self._send()


def share(client, obj, *, owner=None, key=None):
    """Scatter `obj` to every worker (``broadcast=True``); a `Shared` handle to pass to
    `run_chunks`.

    With an `owner` (the `Graph` the data belong to), the scattered copy is reused per
    ``(client, owner, key)`` while the owner lives, so calls that share a graph or
    per-arc array send it once. `key` (default: `obj` itself) names the data by the
    identity of its large arrays and the value of the rest: pass the same array
    objects (a model's cached per-arc arrays) to hit the cache, or, for data derived
    from such arrays, what they were derived from.
    """
    return Shared(client, obj, owner, key)


def _flags(obj):
    if isinstance(obj, np.ndarray):
        return obj.flags.writeable
    if isinstance(obj, dict):
        return {k: _flags(v) for k, v in obj.items()}
    if isinstance(obj, tuple | list):
        return [_flags(v) for v in obj]
    return None


def _with_flags(obj, flags):
    """`obj` with its arrays as writeable as they were where they were made."""
    if isinstance(obj, np.ndarray):
        if flags and not obj.flags.writeable:
            return obj.copy()
        if not flags and obj.flags.writeable:
            obj.flags.writeable = False
        return obj
    if isinstance(obj, dict):
        return {k: _with_flags(v, flags[k]) for k, v in obj.items()}
    if isinstance(obj, tuple | list):
        return type(obj)(_with_flags(v, f) for v, f in zip(obj, flags, strict=True))
    return obj


class _Shipment:
    """Shared data as sent to workers: arrays keep their writeable flag across the wire.

    Numba compiles one specialization per array type, and read-only is part of the
    type: a worker given a read-only copy of an array that was writeable here (or the
    reverse) would compile its kernels again. Tasks receive the bare object (`_call`).
    """

    def __init__(self, obj):
        self.obj = obj

    def __reduce__(self):
        return _ship, (self.obj, _flags(self.obj))


def _ship(obj, flags):
    return _Shipment(_with_flags(obj, flags))


def _call(func, *args):
    """Run a chunk's task: unwrap shared data, then ``func(*args)``."""
    return func(*(a.obj if isinstance(a, _Shipment) else a for a in args))


def _scatter(client, obj):
    [future] = client.scatter([_Shipment(obj)], broadcast=True, hash=False)
    return future


def _release(future):
    with contextlib.suppress(Exception):  # the client may be closed already
        future.release()


def clear_cache():
    """Release every graph and per-arc array that spread scattered to Dask workers.

    spread keeps them on the workers while the `Graph` they belong to is alive, so
    that later calls with the same graph and model do not send them again. Call this
    to free the workers' memory sooner (they are also released when the graph is
    garbage-collected, or the client closes).

    Examples
    --------
    >>> import spread
    >>> spread.parallel.clear_cache()
    """
    for entries in list(_SHARED.values()):
        for future, _ in entries.values():
            _release(future)
        entries.clear()
    _SHARED.clear()


def run_chunks(client, func, args, bounds, *, merge, bar=None, name="chunks", extra=None):
    """Compute ``func(*args, lo, hi)`` on the cluster for every chunk; merge as they come.

    `bounds` are chunk boundaries (``[0, b1, ..., n]``); with `extra` (one tuple per
    chunk), chunk ``i`` computes ``func(*args, *extra[i], lo, hi)``. `Shared` entries
    of `args` reach `func` as the data they hold. ``merge(i, result)`` is called in
    this thread as chunk ``i`` completes (in completion order: the caller places each
    result by its index, so the merge is exact whatever the order). `bar` (a progress
    bar) advances by each chunk's size.

    Faults: a task that raises is retried `RETRIES` times; the chunks of a lost worker
    are rescheduled by Dask; if shared data were lost with it, they are sent again and
    the chunks that needed them resubmitted (at most `_MAX_RESENDS` times). Any
    exception here, KeyboardInterrupt included, cancels every outstanding future
    before it propagates.
    """
    distributed = _distributed()
    token = uuid.uuid4().hex[:16]
    shared = [a for a in args if isinstance(a, Shared)]
    live = {}  # key -> (future, chunk, generation of the shared data it reads)
    state = {"generation": 0, "resends": 0, "submitted": 0}

    def submit(i):
        state["submitted"] += 1
        future = client.submit(
            _call,
            func,
            *(a.future if isinstance(a, Shared) else a for a in args),
            *(extra[i] if extra is not None else ()),
            bounds[i],
            bounds[i + 1],
            key=f"spread-{name}-{token}-{i}-{state['submitted']}",
            retries=RETRIES,
        )
        live[future.key] = (future, i, state["generation"])
        return future

    try:
        pending = distributed.as_completed([submit(i) for i in range(len(bounds) - 1)])
        for future in pending:
            _, i, generation = live.pop(future.key)
            try:
                result = future.result()
            except distributed.client.FutureCancelledError:
                # Cancelled by the loss of the shared data it reads (nobody else
                # cancels our keys): send the data again once, then resubmit.
                future.release()
                if generation == state["generation"]:
                    lost = [s for s in shared if s.lost()]
                    if not lost or state["resends"] >= _MAX_RESENDS:
                        raise
                    for s in lost:
                        s.resend()
                    state["generation"] += 1
                    state["resends"] += 1
                pending.add(submit(i))
                continue
            merge(i, result)
            future.release()  # the worker may drop it now
            if bar is not None:
                bar.update(bounds[i + 1] - bounds[i])
    except BaseException:
        client.cancel([future for future, _, _ in live.values()])
        raise


# ------------------------------------------------------------------ the worker side
def _current_worker():
    """The Dask worker running the current task, or None (also when Dask is not loaded)."""
    distributed = sys.modules.get("distributed")
    if distributed is None:
        return None
    try:
        return distributed.get_worker()
    except ValueError:
        return None


@contextlib.contextmanager
def kernel_section():
    """Inside a Dask task, hold the process's kernel lock for the block; elsewhere, nothing.

    Parallel Numba kernels launched from several threads of one process at once are
    not safe under Numba's default ``workqueue`` layer (and would oversubscribe the
    cores under the others); tasks of one worker therefore take turns, each with the
    worker's threads.
    """
    if _current_worker() is None:
        yield
        return
    with _KERNEL_LOCK:
        yield


class NoBar:
    """A progress bar that shows nothing."""

    def update(self, _n=1):
        pass


# ------------------------------------------------------------------ the public helpers
def replicate_rng(root, index):
    """The random generator of replicate `index` under root seed `root`.

    A pure function of ``(root, index)`` (the ``BOOTSTRAP`` stream of
    `spread._random`): replicate ``b`` draws the same numbers whichever process
    computes it, in whatever order or chunking, so a bootstrap is identical locally and
    on a cluster.

    Parameters
    ----------
    root : int
        A non-negative root seed, drawn once per bootstrap from the caller's `rng`.
    index : int
        The replicate's index (non-negative).

    Returns
    -------
    numpy.random.Generator

    Examples
    --------
    >>> import spread
    >>> a = spread.parallel.replicate_rng(7, 3).random()
    >>> b = spread.parallel.replicate_rng(7, 3).random()
    >>> a == b, a == spread.parallel.replicate_rng(7, 4).random()
    (True, False)
    """
    from ._random import BOOTSTRAP, generator

    root = check_int(root, name="root", min_value=0)
    index = check_int(index, name="index", min_value=0)
    return generator(root, BOOTSTRAP, index)


def _map_chunk(func, shared, with_shared, lo, hi):
    if with_shared:
        return [func(i, shared) for i in range(lo, hi)]
    return [func(i) for i in range(lo, hi)]


def map_indices(
    func, n_indices, *, start=0, shared=None, client=None, progress=None, desc="replicates"
):
    """``func(i)`` for ``i = start, ..., start + n_indices - 1``, here or on a Dask cluster, in order.

    The building block of spread's parametric bootstraps, for any computation made of
    independent replicates: give replicate ``i`` randomness that depends only on ``i``
    (`replicate_rng`) and the list returned is the same locally and on any cluster,
    however it was chunked.

    Parameters
    ----------
    func : callable
        ``func(i)``, or ``func(i, shared)`` when `shared` is given. It must be a pure
        function of its arguments. On a cluster it is pickled (cloudpickle: lambdas
        and closures work, but keep large data in `shared`, not in a closure).
    n_indices : int
        Number of indices (0 gives an empty list).
    start : int, default 0
        First index (e.g. to extend an earlier batch of replicates).
    shared : object, optional
        Data every call reads (a fitted model, a graph). On a cluster it is
        scattered once to every worker (``broadcast=True``) rather than sent per task.
    client : dask.distributed.Client, optional
        Where to compute: None (default) runs the calls here, one after the other;
        with a client, indices go to the workers in about `CHUNKS_PER_THREAD` chunks
        per worker thread, a lost worker's chunks are recomputed, and Ctrl-C cancels
        the futures.
    progress : bool, optional
        Progress bar (default: when stderr is a terminal and the work takes over 2 s).
    desc : str, default "replicates"
        Label of the progress bar.

    Returns
    -------
    list
        ``[func(start), func(start + 1), ...]``.

    Raises
    ------
    InvalidParameterError
        If `n_indices` or `start` is not a non-negative integer, or `client` is not a
        `dask.distributed.Client`.
    ModuleNotFoundError
        If `client` is given and dask.distributed is not installed (the ``dask``
        extra).

    Notes
    -----
    A chunk's task calls `func` on its indices in order, in one worker thread; an
    exception in `func` is retried like any chunk, then raised here (the other chunks
    are cancelled). Results are bit-identical to the local ones when `func` depends
    only on its arguments; code that calls SciPy's optimizers or linear algebra also
    depends on the BLAS thread setting of each process (see `spread.parallel`).

    Examples
    --------
    >>> import spread
    >>> spread.parallel.map_indices(lambda i, step: i * step, 4, start=1, shared=10)
    [10, 20, 30, 40]

    Replicate ``i`` draws from its own stream, `replicate_rng`, so the list is the one
    a plain loop gives:

    >>> def draw(i, scale):
    ...     return round(scale * spread.parallel.replicate_rng(0, i).random(), 3)
    >>> here = spread.parallel.map_indices(draw, 4, shared=10.0)
    >>> here == [draw(i, 10.0) for i in range(4)]
    True

    The same on a (here in-process) Dask cluster:

    >>> from dask.distributed import Client, LocalCluster
    >>> with LocalCluster(n_workers=1, processes=False, dashboard_address=None) as cluster:
    ...     with Client(cluster) as client:
    ...         there = spread.parallel.map_indices(draw, 4, shared=10.0, client=client)
    >>> there == here
    True
    """
    n = check_int(n_indices, name="n_indices", min_value=0)
    start = check_int(start, name="start", min_value=0)
    if not callable(func):
        msg = f"`func` must be callable; got {func!r}."
        raise InvalidParameterError(msg)
    client = check_client(client)
    with_shared = shared is not None
    bar = progress_bar(n, desc=desc, progress=progress, unit="replicate")
    try:
        if client is None:
            out = []
            for i in range(start, start + n):
                out.append(func(i, shared) if with_shared else func(i))
                bar.update(1)
            return out
        if n == 0:
            return []
        parts = [None] * n
        bounds = chunk_bounds(n, cluster_threads(client))
        shared_data = share(client, shared) if with_shared else None

        def merge(i, result):
            parts[bounds[i] : bounds[i + 1]] = result

        run_chunks(
            client,
            _map_chunk,
            (func, shared_data, with_shared),
            [start + b for b in bounds],
            merge=merge,
            bar=bar,
            name="map",
        )
        return parts
    finally:
        bar.close()
