"""Heat diffusion on a graph (Ma, Yang, Lyu, King, CIKM 2008), computed exactly."""

import time
import weakref
from dataclasses import dataclass, field

import numpy as np

from .._common import MAX_WORK, check_max_work, check_work, thread_count, threads
from .._validation import check_in, check_nonnegative_float, check_real
from ..exceptions import InvalidParameterError
from ..graph import Graph, resolve_seeds
from . import _heat_kernels
from ._result import HeatResult

__all__ = ["Heat", "solve"]

_KINDS = ("undirected", "directed", "normalized")
_PARALLEL_MIN_ARCS = 1_000_000


def _check_work(graph, lam, max_work, what):
    """Raise `WorkLimitError` before a series of ``~lam`` terms that is too long."""
    if not np.isfinite(lam):  # no bound allows it: the series' length is not a number
        msg = (
            f"heat at {what}: `beta` times the time times the largest rate (the sum of a "
            f"node's out-weights) is {lam}, past the float range: lower `beta` or the times."
        )
        raise InvalidParameterError(msg)
    terms = lam + 40.0 * np.sqrt(lam) + 60.0  # the Poisson window's last index
    check_work(
        terms * (graph.n_nodes + graph.n_edges),
        max_work,
        what=f"heat at {what} ({terms:,.3g} terms of the uniformization series)",
        advice="`beta` times the time is too large for this graph (heat has long reached "
        "its equilibrium there): lower `beta` or the times",
    )


def _sweep(kernel, graph, parts, windows, f0, out):
    """Run a heat kernel: ``out[m] += sum_k w_m(k) P^k f0`` over the Poisson windows."""
    cond, col, row, delta, q = parts
    starts, ptr, flat, _ = windows
    k_max = max(s + w.size - 1 for s, w in zip(starts, flat, strict=True))
    kernel(
        graph.in_indptr,
        graph.in_indices,
        cond,
        col,
        row,
        delta,
        1.0 / q if q > 0 else 0.0,
        f0,
        k_max,
        np.asarray(starts, dtype=np.int64),
        np.asarray(ptr, dtype=np.int64),
        np.concatenate(flat),
        out,
    )


def _windows(lams, epss):
    """Poisson windows for several times: (starts, pointers, weight arrays, mass left out)."""
    starts, ptr, flat, omitted = [], [0], [], []
    for lm, em in zip(lams, epss, strict=True):
        lo, weights, miss = _poisson_window(lm, em)
        starts.append(lo)
        flat.append(weights)
        ptr.append(ptr[-1] + weights.size)
        omitted.append(miss)
    return starts, ptr, flat, omitted


def _poisson_window(lam, eps):
    """Poisson(lam) weights over the shortest index window leaving out mass <= eps.

    Returns ``(first index, weights, mass left out)``. Weights come from the ratio
    recurrence ``p(k+1) / p(k) = lam / (k+1)`` summed in log space from the mode, then
    normalised (so no ``k log(lam)`` of size 1e7 loses digits); tails are summed from
    positive terms (no cancellation).
    """
    if lam == 0.0:
        return 0, np.ones(1), 0.0
    sd = np.sqrt(lam)
    mode = int(np.floor(lam))
    k0 = max(0, int(np.floor(lam - 40.0 * sd - 60.0)))  # mass outside [k0, k1] < 1e-300
    k1 = int(np.ceil(lam + 40.0 * sd + 60.0))
    up = np.cumsum(np.log(lam / np.arange(mode + 1, k1 + 1)))  # log p(k)/p(mode), k > mode
    down = np.cumsum(np.log(np.arange(mode, k0, -1) / lam))  # log p(k)/p(mode), k < mode
    logp = np.concatenate((down[::-1], [0.0], up))
    k = np.arange(k0, k1 + 1)
    pmf = np.exp(logp)
    pmf /= pmf.sum()
    below = np.concatenate(([0.0], np.cumsum(pmf)[:-1]))  # P(X < k)
    above = np.concatenate((np.cumsum(pmf[::-1])[::-1][1:], [0.0]))  # P(X > k)
    lo = int(np.searchsorted(below, eps / 2, side="right")) - 1
    lo = max(lo, 0)
    hi = lo + int(np.argmax(above[lo:] <= eps / 2))
    return int(k[lo]), pmf[lo : hi + 1].copy(), float(below[lo] + above[hi])


@dataclass(frozen=True, eq=False, repr=False)
class Heat:
    """Heat diffusion ``df/dt = beta * H f``: heat flows from hot nodes to cold ones.

    Heat ``f_i(t)`` sits on the nodes; along every arc ``j -> i`` it flows at rate
    ``beta * c_ji * f_j``, and node ``j`` loses it at the matching rate. So
    ``H = M - diag(delta)`` with ``M[i, j] = c_ji`` and, for the conserving kinds,
    ``delta_j = sum_i c_ji``: total heat is conserved.

    - ``kind="undirected"``: ``c = 1`` per arc (the arc weight if the graph has weights),
      so ``H = A - D``.
    - ``kind="directed"``: ``c_ji = 1 / outdeg(j)`` (weights: ``w_ji / sum_i w_ji``); a
      node with out-arcs sends all its heat away at rate ``beta``; sinks keep theirs.
    - ``kind="normalized"``: ``H = -(I - D^-1/2 A D^-1/2)``, the normalised Laplacian
      (undirected graphs only). Total heat is not conserved; ``sum_i sqrt(d_i) f_i`` is.

    Parameters
    ----------
    beta : float
        Thermal conductivity (rate), > 0. Only ``beta * t`` matters.
    kind : {"undirected", "directed", "normalized"}, optional
        Default: "undirected" for undirected graphs, "directed" for directed ones.
    threshold : float, optional
        Adoption read-out: a node has adopted once its heat has reached `threshold`
        (at one of the requested times); once adopted, always adopted. Without it there
        is no adoption curve.
    source_heat : float, default 1.0
        Heat placed on each seed at time 0.
    tol : float, default 1e-10
        Accuracy target, guaranteed (see Notes).

    Notes
    -----
    The heat kernel is applied by uniformization: with ``q = max(delta)`` the step matrix
    ``P = I + H/q`` is entry-wise non-negative, and
    ``exp(beta t H) f0 = sum_k Poisson(k; beta t q) P^k f0``. The series is summed over a
    window of ``k`` that leaves out Poisson mass ``eps``; all the times are produced from
    one sweep of ``P^k f0``. Error bound, before floating-point rounding (about
    ``n_terms * 1e-16`` relative):

    - conserving kinds: ``||f~(t) - f(t)||_1 <= eps * ||f0||_1`` with
      ``eps <= tol / sqrt(n)``; for non-negative initial heat this makes the relative
      2-norm error at most `tol`;
    - ``"normalized"``: ``||f~(t) - f(t)||_2 <= eps * ||f0||_2`` with
      ``eps <= tol * exp(-2 beta t)``, again a relative 2-norm error of at most `tol`.

    The rounding is relative to ``||f0||``, not to ``||f(t)||``. Non-negative initial heat
    keeps its part along the stationary mode, so ``f(t)`` stays comparable to ``f0``;
    heat of both signs whose stationary part cancels decays towards zero, and the
    relative error of ``f(t)`` can then exceed `tol` (seen at ``beta t = 8`` on a star).

    The bound achieved is reported as `HeatResult.error_bound`.

    References
    ----------
    H. Ma, H. Yang, M. R. Lyu, I. King, "Mining Social Networks Using Heat Diffusion
    Processes for Marketing Candidates Selection", CIKM 2008.
    A. Jensen, "Markoff chains as an aid in the study of Markoff processes", 1953
    (uniformization).

    Examples
    --------
    On one edge ``H = [[-1, 1], [1, -1]]``: heat 1 on node 0 evens out as
    ``f(t) = ((1 + e**(-2 beta t)) / 2, (1 - e**(-2 beta t)) / 2)``, conserving the total.
    At ``beta = 0.5`` node 1 reaches a threshold of 1/4 at ``t = ln 2 = 0.69``, after
    time 0.5 and before time 1:

    >>> import numpy as np, spread
    >>> g = spread.Graph.from_edges([0], [1], directed=False)
    >>> res = spread.solve(g, [0], spread.Heat(beta=0.5, threshold=0.25), times=[0, 0.5, 1])
    >>> e = np.exp(-2 * 0.5 * np.array([0, 0.5, 1]))
    >>> bool(np.allclose(res.heat, np.column_stack([(1 + e) / 2, (1 - e) / 2])))
    True
    >>> res.total_heat.round(12).tolist(), res.adopted.tolist()
    ([1.0, 1.0, 1.0], [1, 1, 2])
    """

    beta: float
    kind: str | None = None
    threshold: float | None = None
    source_heat: float = 1.0
    tol: float = 1e-10
    _cache: weakref.WeakKeyDictionary = field(
        default_factory=weakref.WeakKeyDictionary, init=False, repr=False
    )

    def __post_init__(self):
        check_nonnegative_float(self.beta, name="beta", allow_zero=False)
        if self.kind is not None:
            check_in(self.kind, name="kind", options=_KINDS)
        if self.threshold is not None:
            check_nonnegative_float(self.threshold, name="threshold", allow_zero=False)
        check_nonnegative_float(self.source_heat, name="source_heat")
        check_nonnegative_float(self.tol, name="tol", allow_zero=False)

    def __repr__(self):
        parts = [f"beta={self.beta!r}"]
        if self.kind is not None:
            parts.append(f"kind={self.kind!r}")
        if self.threshold is not None:
            parts.append(f"threshold={self.threshold!r}")
        return f"Heat({', '.join(parts)})"

    # ---------------------------------------------------------------- pieces
    def resolve_kind(self, graph):
        """The kind used on `graph` (the default follows `graph.directed`)."""
        if self.kind is None:
            return "directed" if graph.directed else "undirected"
        kind = check_in(self.kind, name="kind", options=_KINDS)
        if kind == "normalized" and graph.directed:
            msg = "`kind='normalized'` needs an undirected graph; this one is directed."
            raise InvalidParameterError(msg)
        return kind

    def operator(self, graph):
        """The matrix ``H`` as a scipy sparse array (``df/dt = beta * H f``).

        Examples
        --------
        >>> import spread
        >>> g = spread.Graph.from_edges([0, 1], [1, 2], directed=False)
        >>> spread.Heat(beta=1.0).operator(g).toarray()
        array([[-1.,  1.,  0.],
               [ 1., -2.,  1.],
               [ 0.,  1., -1.]])
        """
        import scipy.sparse as sp

        cond, col, row, delta, _ = self._parts(graph)
        n = graph.n_nodes
        if cond.size == 0 and graph.n_edges:
            cond = row[np.repeat(np.arange(n), graph.in_degree)] * col[graph.in_indices]
        M = sp.csr_array((cond, graph.in_indices, graph.in_indptr), shape=(n, n))
        return (M - sp.diags_array(delta)).tocsr()

    def _parts(self, graph):
        """Conductances of the in-slots (or node factors), loss rates, and q = max rate.

        Returns ``(cond, col_scale, row_scale, delta, q)``. For unweighted graphs the
        conductance of an arc ``j -> i`` is ``row_scale[i] * col_scale[j]`` and `cond` is
        empty, so the kernel reads no per-arc values.
        """
        kind = self.resolve_kind(graph)
        n = graph.n_nodes
        w = graph.weights
        if w is not None and (w < 0).any():
            msg = (
                "Heat needs non-negative arc weights (conductances); the graph has negative ones."
            )
            raise InvalidParameterError(msg)
        if w is None:
            out_w = graph.out_degree.astype(np.float64)
        else:
            tails = np.repeat(np.arange(n), graph.out_degree)
            out_w = np.bincount(tails, weights=w, minlength=n)
        if not np.isfinite(out_w).all():
            i = int(np.flatnonzero(~np.isfinite(out_w))[0])
            msg = (
                "Heat needs finite rates: the weights of the arcs out of node "
                f"{graph.label_of(i)!r} sum to {out_w[i]}, past the float range; rescale the "
                "weights (and `beta` inversely)."
            )
            raise InvalidParameterError(msg)
        has_out = out_w > 0
        safe = np.where(has_out, out_w, 1.0)
        ones = np.ones(n)
        if kind == "undirected":
            col, row, delta = ones, ones, out_w
        elif kind == "directed":
            col, row, delta = np.where(has_out, 1.0 / safe, 0.0), ones, has_out * 1.0
        else:
            inv_sqrt = np.where(has_out, 1.0 / np.sqrt(safe), 0.0)
            col, row, delta = inv_sqrt, inv_sqrt, has_out * 1.0
        if w is None:
            cond = np.empty(0, dtype=np.float64)
        else:
            tails = np.repeat(np.arange(n), graph.out_degree)
            c = w * col[tails] * row[graph.indices]
            cond = np.ascontiguousarray(c[graph.in_arc], dtype=np.float64)
        q = float(delta.max()) if n else 0.0
        as_f = lambda x: np.ascontiguousarray(x, dtype=np.float64)  # noqa: E731
        return cond, as_f(col), as_f(row), as_f(delta), q

    def _cached_parts(self, graph):
        """`_parts` of `graph`, computed once per graph (the model and the graph are
        immutable, so the kind they resolve to is too)."""
        cached = self._cache.get(graph)
        if cached is None:
            cached = self._parts(graph)
            self._cache[graph] = cached
        return cached

    @staticmethod
    def _eps(kind, tol, beta, times, n):
        """Poisson mass that may be left out at each time, for the promised accuracy."""
        if kind == "normalized":
            eps = tol * np.exp(-2.0 * beta * times)
        else:
            eps = np.full(times.shape, tol / np.sqrt(max(n, 1)))
        return np.maximum(eps, 1e-300)

    def responses(self, graph, sources, horizon, *, max_work=MAX_WORK):
        """Heat at time `horizon` from `source_heat` on each node of `sources` alone.

        Heat is linear in the initial heat, so these unit responses add up to the heat
        of any seed set (heat-based seed selection reads them). Sources are swept 16 at
        a time by one kernel.

        Parameters
        ----------
        graph : Graph
        sources : array_like of int
            Node indices.
        horizon : float
            The time at which the heat is read.
        max_work : float or None, default ``MAX_WORK``
            As in `solve`.

        Returns
        -------
        numpy.ndarray, shape (len(sources), n_nodes)
        """
        beta = check_nonnegative_float(self.beta, name="beta", allow_zero=False)
        tol = check_nonnegative_float(self.tol, name="tol", allow_zero=False)
        kind = self.resolve_kind(graph)
        parts = self._cached_parts(graph)
        n = graph.n_nodes
        times = np.array([check_nonnegative_float(horizon, name="horizon")])
        _check_work(graph, beta * parts[-1] * times[0], max_work, f"horizon {times[0]:g}")
        windows = _windows(beta * parts[-1] * times, self._eps(kind, tol, beta, times, n))
        sources = np.asarray(sources, dtype=np.int64)
        result = np.empty((sources.size, n))
        block = 16
        n_jobs = None if graph.n_edges >= _PARALLEL_MIN_ARCS else 1
        with threads(thread_count(n_jobs)):
            for lo in range(0, sources.size, block):
                chunk = sources[lo : lo + block]
                f0 = np.zeros((n, chunk.size))
                f0[chunk, np.arange(chunk.size)] = float(self.source_heat)
                out = np.zeros((1, n, chunk.size))
                _sweep(_heat_kernels.heat_sweep_block, graph, parts, windows, f0, out)
                result[lo : lo + chunk.size] = out[0].T
        return result

    def initial_heat(self, graph, seeds):
        """Initial heat vector from seed labels, a {label: heat} dict, or a full vector."""
        n = graph.n_nodes
        if isinstance(seeds, dict):
            f0 = np.zeros(n)
            idx = graph.index_of(list(seeds))
            f0[idx] = [check_real(h, name=f"seeds[{node!r}]") for node, h in seeds.items()]
        elif isinstance(seeds, np.ndarray) and seeds.dtype.kind == "f":
            if seeds.shape != (n,):
                msg = f"an initial heat vector must have one entry per node ({n}); got shape {seeds.shape}."
                raise InvalidParameterError(msg)
            f0 = seeds.astype(np.float64, copy=True)
        else:
            h = check_nonnegative_float(self.source_heat, name="source_heat")
            f0 = np.zeros(n)
            f0[resolve_seeds(graph, seeds)] = h
        if not np.isfinite(f0).all():
            msg = "initial heat must be finite; got NaN or inf."
            raise InvalidParameterError(msg)
        return f0

    # ----------------------------------------------------------------- solve
    def _solve(self, graph, seeds, *, times, keep="all", n_jobs=None, max_work=MAX_WORK):
        beta = check_nonnegative_float(self.beta, name="beta", allow_zero=False)
        tol = check_nonnegative_float(self.tol, name="tol", allow_zero=False)
        if self.threshold is not None:
            threshold = check_nonnegative_float(self.threshold, name="threshold", allow_zero=False)
        else:
            threshold = None
        keep = check_in(keep, name="keep", options=("all", "summary"))
        if times is None:
            msg = "`times` is required for Heat: the times at which to read the heat."
            raise InvalidParameterError(msg)
        try:
            raw = np.asarray(times)  # a ragged nested sequence raises here
            if raw.dtype.kind in "bSU":
                raise TypeError
            times = np.atleast_1d(raw.astype(np.float64))
        except (TypeError, ValueError, OverflowError):
            msg = f"`times` must be numbers (times >= 0); got {times!r:.80}."
            raise InvalidParameterError(msg) from None
        if times.ndim != 1 or times.size == 0 or not (np.isfinite(times) & (times >= 0)).all():
            msg = f"`times` must be a non-empty 1-d array of finite times >= 0; got {times!r}."
            raise InvalidParameterError(msg)
        start = time.perf_counter()
        kind = self.resolve_kind(graph)
        f0 = self.initial_heat(graph, seeds)
        parts = self._cached_parts(graph)
        n = graph.n_nodes
        t_max = float(times.max())
        _check_work(graph, beta * parts[-1] * t_max, max_work, f"time {t_max:g}")
        windows = _windows(beta * parts[-1] * times, self._eps(kind, tol, beta, times, n))
        starts, _, flat, omitted = windows
        k_max = max(s + w.size - 1 for s, w in zip(starts, flat, strict=True))
        out = np.zeros((times.size, n), dtype=np.float64)
        if n_jobs is None and graph.n_edges < _PARALLEL_MIN_ARCS:
            n_jobs = 1  # one barrier per term: threads only pay off on big graphs
        with threads(thread_count(n_jobs)):
            _sweep(_heat_kernels.heat_sweep, graph, parts, windows, f0, out)
        norm = np.linalg.norm(f0, 2) if kind == "normalized" else np.abs(f0).sum()
        adopted = adoption_time = None
        if threshold is not None:
            order = np.argsort(times, kind="stable")
            reached = np.maximum.accumulate(out[order] >= threshold, axis=0)
            adopted_sorted = reached.sum(axis=1)
            adopted = np.empty_like(adopted_sorted)
            adopted[order] = adopted_sorted
            first = np.where(reached.any(axis=0), reached.argmax(axis=0), -1)
            adoption_time = np.where(first >= 0, times[order][np.maximum(first, 0)], np.nan)
        return HeatResult(
            times=times,
            heat=out if keep == "all" else None,
            total_heat=out.sum(axis=1),
            max_heat=out.max(axis=1) if n else np.zeros(times.size),
            adopted=adopted,
            adoption_time=adoption_time,
            error_bound=float(max(omitted) * norm),
            n_terms=int(k_max + 1),
            kind=kind,
            seeds=f0,
            model=self,
            elapsed=time.perf_counter() - start,
            graph=graph,
        )


def solve(graph, seeds, model, *, times, keep="all", n_jobs=None, max_work=MAX_WORK):
    """Heat diffusion from seed nodes, solved exactly at the given times.

    Heat is deterministic: there is nothing to sample, so it has its own entry point
    beside `spread.simulate` (which runs the stochastic models).

    Parameters
    ----------
    graph : Graph
    seeds : label, sequence of labels, boolean mask, {label: heat} dict or float array
        Where the heat starts: `model.source_heat` on each seed node, a given amount
        per node, or a full vector of initial heat (one entry per node).
    model : Heat
    times : array_like of float
        The times at which to read the heat (any order, >= 0).
    keep : {"all", "summary"}, default "all"
        Keep the heat of every node at every time, or only its summaries.
    n_jobs : int, optional
        Threads (default: one below a million arcs, where a barrier per term costs
        more than threads gain; all of Numba's threads above).
    max_work : float or None, default 1e11 (`spread._common.MAX_WORK`)
        Bound on the work, checked before it starts: the series has at most
        ``lam + 40 sqrt(lam) + 60`` terms, ``lam = beta * t * q`` (``q`` the largest
        rate at which a node loses heat), each a pass over the nodes and arcs. Past it
        `WorkLimitError` says so (heat is then long at its equilibrium); None lifts the
        bound.

    Returns
    -------
    HeatResult

    Raises
    ------
    InvalidParameterError
        If `model` is not a `Heat`, `times` is empty or holds negative or non-finite
        values, or the initial heat is not finite.
    NodeNotFound
        If a seed is not a node of the graph.
    WorkLimitError
        If ``beta`` times the largest time would need more than `max_work`.

    Examples
    --------
    The heat on the karate club agrees with scipy's matrix exponential of ``beta t H``,
    ``H = A - D`` built from the arcs, and the adopters counted from that exact heat
    are the solver's:

    >>> import numpy as np, scipy.sparse as sp, spread
    >>> from scipy.sparse.linalg import expm_multiply
    >>> g = spread.datasets.load("karate")
    >>> res = spread.solve(g, [0], spread.Heat(beta=0.5, threshold=0.01), times=[0, 1, 2])
    >>> src, dst, _ = g.edges()
    >>> A = sp.csr_array((np.ones(src.size), (dst, src)), shape=(34, 34))
    >>> H = A - sp.diags_array(A.sum(axis=0))
    >>> f0 = np.eye(34)[0]
    >>> exact = expm_multiply(0.5 * H, f0, start=0, stop=2, num=3, endpoint=True)
    >>> bool(np.allclose(res.heat, exact, rtol=0, atol=1e-10))
    True
    >>> adopted = np.maximum.accumulate(exact >= 0.01, axis=0).sum(axis=1)
    >>> adopted.tolist(), bool((res.adopted == adopted).all())
    ([1, 26, 34], True)
    """
    if not isinstance(graph, Graph):
        msg = f"`graph` must be a spread.Graph; got {type(graph).__name__}."
        raise InvalidParameterError(msg)
    if not isinstance(model, Heat):
        msg = f"`model` must be spread.Heat (the stochastic models run in `spread.simulate`); got {model!r}."
        raise InvalidParameterError(msg)
    max_work = check_max_work(max_work)
    return model._solve(graph, seeds, times=times, keep=keep, n_jobs=n_jobs, max_work=max_work)
