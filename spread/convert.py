"""Conversions between `spread.Graph` and edge arrays, pandas, networkx and scipy.

The bodies of the ``Graph.from_*`` constructors and ``Graph.to_*`` exports (networkx's
``convert.py`` pattern): they turn rows of edges into CSR arcs, counting what they
skip or merge in a `LoadReport`. The constructors receive the class to build, so this
module does not import `spread.graph` (which imports it).
"""

import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._common import progress_bar
from ._graph_kernels import counting_order, pair_order
from ._validation import check_in, short_repr
from .exceptions import InvalidParameterError, NodeNotFound

__all__ = [
    "LoadReport",
    "as_label_array",
    "blank_ids",
    "csr_arrays",
    "from_edges",
    "from_networkx",
    "from_pandas",
    "from_scipy",
    "in_adjacency",
    "index_of",
    "is_symmetric",
    "readonly",
    "to_networkx",
    "to_pandas",
    "to_scipy",
    "weight_array",
]

SELF_LOOPS = ("drop", "keep", "error")
DUPLICATES = ("merge", "keep", "error")
MERGE = ("sum", "max", "min", "first", "last")


@dataclass(frozen=True)
class LoadReport:
    """What a constructor or loader did with the rows it was given.

    Nothing is dropped silently: every row that did not become an arc is counted here.

    Attributes
    ----------
    source : str
        Where the rows came from (a file path, ``"edges"``, ``"pandas"``, ...).
    n_rows : int
        Edge rows read (comment, blank and header lines excluded).
    n_self_loops : int
        Rows whose source and target are the same node.
    self_loops : str
        What was done with them: ``"drop"`` or ``"keep"``.
    n_duplicates : int
        Rows that repeated an earlier edge (for undirected input ``u v`` and ``v u``
        are the same edge).
    duplicates : str
        What was done with them: ``"merge"`` (one arc, weights combined by `merge`),
        ``"keep"`` (parallel arcs) or, for a `TemporalGraph`, ``"contacts"`` (one arc
        whose weight counts them; every contact keeps its own time).
    merge : str
        How the weights of merged duplicates were combined.
    n_skipped_lines : int
        Comment, blank and header lines skipped by a file loader (0 otherwise).
    """

    source: str
    n_rows: int
    n_self_loops: int = 0
    self_loops: str = "keep"
    n_duplicates: int = 0
    duplicates: str = "keep"
    merge: str = "sum"
    n_skipped_lines: int = 0

    def __str__(self):
        loops = "dropped" if self.self_loops == "drop" else "kept"
        dups = {"merge": "merged", "contacts": "merged into arcs (their times kept)"}.get(
            self.duplicates, "kept"
        )
        return (
            f"{self.source}: {self.n_rows:,} rows read, "
            f"{self.n_self_loops:,} self-loop(s) {loops}, "
            f"{self.n_duplicates:,} duplicate(s) {dups}, "
            f"{self.n_skipped_lines:,} comment/header line(s) skipped"
        )


# ------------------------------------------------------------------ labels
def py_scalar(x):
    """A numpy scalar as the matching Python scalar (labels print as users typed them)."""
    return x.item() if isinstance(x, np.generic) else x


def as_label_array(values, *, name=None):
    """Labels as a 1-d numpy array: int64 for integers, object otherwise.

    With a `name` (a parameter of the caller's), the values are checked: a sequence,
    not a string; no missing value (None, NaN, NaT, pd.NA), which would otherwise
    become a node or an index out of range; the error names the first bad row.
    Integers beyond int64 stay exact (an object array of Python ints).
    """
    if name is not None and (
        isinstance(values, str | bytes | dict)
        or (isinstance(values, np.ndarray) and values.ndim != 1)
    ):
        msg = f"`{name}` must be a 1-d sequence of labels; got {short_repr(values)}."
        raise InvalidParameterError(msg)
    if isinstance(values, np.ndarray) and values.ndim == 1:
        if values.dtype.kind == "i" or (
            values.dtype.kind == "u" and (values.size == 0 or values.max() <= _INT64_MAX)
        ):
            return values.astype(np.int64, copy=False)
        if values.dtype.kind in "USO":
            arr = values.astype(object, copy=False)
            return _checked(arr, name) if values.dtype.kind == "O" else arr
    if isinstance(values, pd.Series | pd.Index):
        return as_label_array(values.to_numpy(), name=name)
    try:
        values = list(values)
    except TypeError:
        msg = f"`{name or 'labels'}` must be a sequence of labels; got {short_repr(values)}."
        raise InvalidParameterError(msg) from None
    arr = np.empty(len(values), dtype=object)
    arr[:] = values
    if len(values) and all(
        isinstance(v, numbers.Integral) and not isinstance(v, bool | np.bool_) for v in values
    ):
        try:
            return arr.astype(np.int64)
        except OverflowError:
            return arr  # integers beyond int64: kept exact, as Python ints
    return _checked(arr, name)


_INT64_MAX = np.iinfo(np.int64).max


def weight_array(weights, size, what="edge", name="weights", noun="weight"):
    """`weights` as a float64 copy, one finite number per edge (or arc); else an error."""
    try:
        is_bool = np.asarray(weights).dtype.kind == "b"
        out = None if is_bool else np.array(weights, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        msg = f"`{name}` must be an array of real numbers; got {short_repr(weights)}."
        raise InvalidParameterError(msg) from None
    if is_bool:
        msg = f"`{name}` must be real numbers, not booleans; got {short_repr(weights)}."
        raise InvalidParameterError(msg)
    if out.shape != (size,):
        msg = f"`{name}` must have one entry per {what} ({size}); got shape {out.shape}."
        raise InvalidParameterError(msg)
    bad = ~np.isfinite(out)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = (
            f"`{name}` must be finite numbers; {what} {i} has {noun} {float(out[i])!r} "
            f"({int(bad.sum())} non-finite)."
        )
        raise InvalidParameterError(msg)
    return out


def _checked(arr, name):
    """`arr` (object labels), or an error naming the first missing value when `name`."""
    if name is None or arr.size == 0:
        return arr
    missing = np.asarray(pd.isna(arr), dtype=bool)
    if missing.any():
        i = int(np.flatnonzero(missing)[0])
        msg = (
            f"`{name}` must not hold missing values (None, NaN, NaT, NA); row {i} is "
            f"{py_scalar(arr[i])!r} ({int(missing.sum())} such row(s))."
        )
        raise InvalidParameterError(msg)
    return arr


def _is_number(v):
    return isinstance(v, numbers.Number) and not isinstance(v, bool | np.bool_)


def blank_ids(values, *, numeric=None):
    """Mask of the empty strings in `values` where the ids are numbers (missing values).

    The ids are those of the arrays `numeric` (default: `values` alone); among numbers an
    empty string is a table's empty cell, not a label.
    """
    if values.dtype != object:
        return np.zeros(values.shape, dtype=bool)
    try:
        blank = np.asarray(values == "", dtype=bool)  # a C loop: 10 ns an id
    except (TypeError, ValueError):  # an element whose == is not a bool (an array)
        blank = None
    if blank is None or blank.shape != values.shape:
        blank = np.fromiter((isinstance(v, str) and v == "" for v in values), bool, values.size)
    if blank.any() and any(_is_number(v) for arr in (numeric or (values,)) for v in arr):
        return blank
    return np.zeros(values.shape, dtype=bool)


def label_index(labels):
    """A `pandas.Index` over distinct labels; raises naming a repeated one."""
    index = pd.Index(labels)
    try:
        unique = index.is_unique  # cached: lookups (`get_indexer`) ask for it again
    except TypeError as exc:  # an unhashable label (a list, an array)
        msg = f"`labels` must hold hashable labels; {exc}."
        raise InvalidParameterError(msg) from None
    except OverflowError:  # pandas sorts to check, and fails on these
        msg = (
            "`labels` must not mix booleans with integers past int64 (pandas cannot index "
            f"them); got {short_repr(labels)}."
        )
        raise InvalidParameterError(msg) from None
    if not unique:
        dup = index[index.duplicated()][0]
        msg = f"`labels` must be distinct; {py_scalar(dup)!r} appears more than once."
        raise InvalidParameterError(msg)
    return index


def index_of(graph, labels):
    """The body of `Graph.index_of` for a sequence of labels: int64 indices, or an error."""
    if isinstance(labels, np.ndarray) and labels.ndim != 1:
        labels = labels.ravel()  # labels of any shape, looked up one by one
    values = as_label_array(labels)
    if graph._labels is None:
        idx = np.full(values.shape[0], -1, dtype=np.int64)
        if values.dtype.kind in "iu":
            ok = (values >= 0) & (values < graph.n_nodes)
            idx[ok] = values[ok]
        elif values.dtype == object:
            for i, v in enumerate(values):
                if isinstance(v, numbers.Integral) and not isinstance(v, bool):
                    if 0 <= v < graph.n_nodes:
                        idx[i] = int(v)
    else:
        try:
            idx = graph._label_index.get_indexer(values).astype(np.int64)
        except TypeError as exc:  # an unhashable label (a list, an array)
            msg = f"node labels must be hashable; got {short_repr(labels)} ({exc})."
            raise InvalidParameterError(msg) from None
    if (idx < 0).any():
        try:
            missing = list(pd.unique(values[idx < 0]))
        except TypeError:  # unhashable labels (lists, arrays) in an unlabelled graph
            missing = list(values[idx < 0])
        shown = ", ".join(repr(py_scalar(x)) for x in missing[:10])
        more = f" (and {len(missing) - 10} more)" if len(missing) > 10 else ""
        word = "node" if len(missing) == 1 else "nodes"
        msg = f"{word} {shown}{more} not in the graph ({graph.n_nodes:,} nodes)."
        raise NodeNotFound(msg)
    return idx


# ------------------------------------------------------------------ arrays
def readonly(arr):
    """`arr`, marked read-only."""
    arr.flags.writeable = False
    return arr


def csr_arrays(indptr, indices, weights=None, *, copy=True):
    """The arrays of a `Graph`, checked and frozen: ``(indptr, indices, weights)``.

    `indptr` becomes int64 and `indices` int32, read-only private copies (with
    ``copy=False``, taken over when their dtypes already match); `weights` float64.
    Raises `InvalidParameterError` naming the first invariant that does not hold.
    """
    try:
        indptr = np.asarray(indptr)
        indices = np.asarray(indices)
    except ValueError:  # a ragged nested sequence
        msg = "`indptr` and `indices` must be 1-d arrays of integers; got a ragged sequence."
        raise InvalidParameterError(msg) from None
    if indptr.ndim != 1 or indptr.shape[0] < 1:
        msg = f"`indptr` must be a 1-d array of length n_nodes + 1; got shape {indptr.shape}."
        raise InvalidParameterError(msg)
    if indices.ndim != 1:
        msg = f"`indices` must be a 1-d array; got shape {indices.shape}."
        raise InvalidParameterError(msg)
    if indptr.size and not np.issubdtype(indptr.dtype, np.integer):
        msg = f"`indptr` must hold integers; got dtype {indptr.dtype}."
        raise InvalidParameterError(msg)
    if indices.size and not np.issubdtype(indices.dtype, np.integer):
        msg = f"`indices` must hold integers; got dtype {indices.dtype}."
        raise InvalidParameterError(msg)
    n = indptr.shape[0] - 1
    m = indices.shape[0]
    if n >= 2**31 - 1:
        msg = f"a Graph holds fewer than 2**31 - 1 nodes; got {n}."
        raise InvalidParameterError(msg)
    if indptr[0] != 0 or indptr[-1] != m:
        msg = (
            "`indptr` must start at 0 and end at len(indices) "
            f"({m}); got {int(indptr[0])} .. {int(indptr[-1])}."
        )
        raise InvalidParameterError(msg)
    steps = np.diff(indptr)
    if (steps < 0).any():
        u = int(np.flatnonzero(steps < 0)[0])
        msg = (
            "`indptr` must be non-decreasing; got "
            f"indptr[{u + 1}] = {int(indptr[u + 1])} < indptr[{u}] = {int(indptr[u])}."
        )
        raise InvalidParameterError(msg)
    if m and (indices.min() < 0 or indices.max() >= n):
        bad = int(indices[(indices < 0) | (indices >= n)][0])
        msg = f"`indices` must be node ids in [0, {n - 1}]; got {bad}."
        raise InvalidParameterError(msg)
    # A private copy (unless a constructor of ours hands over fresh arrays): marking
    # the caller's arrays read-only would not stop them from flipping it back.
    indptr = readonly(np.array(indptr, dtype=np.int64, copy=True if copy else None))
    indices = readonly(np.array(indices, dtype=np.int32, copy=True if copy else None))

    if weights is not None:
        weights = readonly(weight_array(weights, m, what="arc"))

    return indptr, indices, weights


def in_adjacency(indptr, indices):
    """``(in_arc, in_indptr, in_indices)``: a stable counting sort of the arcs by head node."""
    n = indptr.shape[0] - 1
    m = indices.shape[0]
    arc_dtype = np.int32 if m < 2**31 else np.int64
    in_arc, in_indptr = counting_order(indices, n)
    in_arc = in_arc.astype(arc_dtype, copy=False)
    tails = np.repeat(np.arange(n, dtype=np.int32), np.diff(indptr))
    return readonly(in_arc), readonly(in_indptr), readonly(tails[in_arc])


def is_symmetric(indptr, indices, in_indptr, in_indices):
    """True if every arc ``u -> v`` has its reverse ``v -> u``."""
    if np.array_equal(in_indptr, indptr) and np.array_equal(in_indices, indices):
        return True  # rows sorted: in-adjacency equals out-adjacency
    if not np.array_equal(in_indptr, indptr):
        return False
    n_nodes = indptr.shape[0] - 1
    src = np.repeat(np.arange(n_nodes, dtype=np.int64), np.diff(indptr))
    dst = indices.astype(np.int64)
    n = max(n_nodes, 1)
    return np.array_equal(np.sort(src * n + dst), np.sort(dst * n + src))


# ------------------------------------------------------------ constructors
def encode_endpoints(sources, targets, labels=None):
    """``(src, dst, labels)``: endpoint labels as int64 node indices, checked; without
    `labels` the nodes are the distinct endpoints, sorted when they can be."""
    sources = as_label_array(sources, name="sources")
    targets = as_label_array(targets, name="targets")
    if sources.shape != targets.shape or sources.ndim != 1:
        msg = (
            "`sources` and `targets` must be 1-d and of equal length; got "
            f"{sources.shape} and {targets.shape}."
        )
        raise InvalidParameterError(msg)
    n_rows = sources.shape[0]
    for name, values in (("sources", sources), ("targets", targets)):
        blank = blank_ids(values, numeric=(sources, targets))
        if blank.any():
            i = int(np.flatnonzero(blank)[0])
            msg = (
                f"`{name}` must not hold empty strings among numeric ids (an empty cell is a "
                f"missing value); row {i} is {values[i]!r} ({int(blank.sum())} such row(s))."
            )
            raise InvalidParameterError(msg)
    if labels is None:
        both = np.concatenate([sources, targets])
        try:
            codes, uniques = pd.factorize(both, sort=True)
        except (TypeError, OverflowError):  # mixed, unorderable types (or unhashable ones)
            try:
                codes, uniques = pd.factorize(both, sort=False)
            except TypeError as exc:
                msg = f"`sources` and `targets` must hold hashable labels; {exc}."
                raise InvalidParameterError(msg) from None
        labels = np.asarray(uniques)
        if labels.dtype == object:
            labels = as_label_array(list(labels))
        src, dst = codes[:n_rows], codes[n_rows:]
    else:
        labels = as_label_array(labels, name="labels")
        index = label_index(labels)
        try:
            src = index.get_indexer(sources)
            dst = index.get_indexer(targets)
        except TypeError as exc:  # an unhashable label (a list, an array)
            msg = f"`sources` and `targets` must hold hashable labels; {exc}."
            raise InvalidParameterError(msg) from None
        missing = np.concatenate([sources[src < 0], targets[dst < 0]])
        if missing.size:
            shown = [py_scalar(x) for x in pd.unique(missing)[:10]]
            msg = f"edge endpoint(s) {shown} are not in `labels`."
            raise NodeNotFound(msg)
    return src.astype(np.int64), dst.astype(np.int64), labels


def from_edges(
    cls,
    sources,
    targets,
    weights=None,
    *,
    directed=True,
    labels=None,
    self_loops="drop",
    duplicates="merge",
    merge="sum",
    source="edges",
    n_skipped_lines=0,
    progress=None,
):
    """The body of `Graph.from_edges`: build a `cls` from parallel endpoint arrays.

    `n_skipped_lines` is for file loaders: the lines they skipped (comments, blanks),
    recorded in the `LoadReport` with what this function counts itself. `progress`: a
    bar over the three stages (labels, arcs, in-adjacency), as `progress_bar` decides.
    """
    check_in(self_loops, name="self_loops", options=SELF_LOOPS)
    check_in(duplicates, name="duplicates", options=DUPLICATES)
    check_in(merge, name="merge", options=MERGE)
    with progress_bar(3, desc="build graph", progress=progress, unit="stage") as bar:
        src, dst, labels = encode_endpoints(sources, targets, labels)
        n_rows = src.shape[0]
        if weights is not None:
            weights = weight_array(weights, n_rows)
        n = labels.shape[0]
        bar.update()
        indptr, indices, w, n_loops, n_dups = build_csr(
            src, dst, weights, n, directed=directed, self_loops=self_loops,
            duplicates=duplicates, merge=merge, labels=labels)  # fmt: skip
        del src, dst  # before the in-adjacency's arrays
        bar.update()
        report = LoadReport(
            source=str(source), n_rows=n_rows, n_skipped_lines=n_skipped_lines, merge=merge,
            n_self_loops=n_loops, self_loops="drop" if self_loops == "drop" else "keep",
            n_duplicates=n_dups, duplicates="merge" if duplicates == "merge" else "keep")  # fmt: skip
        graph = cls(
            indptr, indices, w, directed=directed, labels=labels, report=report, copy=False
        )
        bar.update()
    return graph


def from_pandas(
    cls,
    df,
    source="source",
    target="target",
    weight=None,
    *,
    directed=True,
    labels=None,
    self_loops="drop",
    duplicates="merge",
    merge="sum",
):
    """The body of `Graph.from_pandas`: one row of `df` per edge."""
    if not isinstance(df, pd.DataFrame):
        msg = f"`df` must be a pandas DataFrame; got {type(df).__name__}."
        raise InvalidParameterError(msg)
    for name, col in (("source", source), ("target", target), ("weight", weight)):
        if col is not None and col not in df.columns:
            msg = f"`{name}` must name a column of `df` ({list(df.columns)}); got {col!r}."
            raise InvalidParameterError(msg)
    weights = None if weight is None else df[weight].to_numpy()
    return from_edges(
        cls,
        df[source].to_numpy(),
        df[target].to_numpy(),
        weights,
        directed=directed,
        labels=labels,
        self_loops=self_loops,
        duplicates=duplicates,
        merge=merge,
        source="pandas",
    )


def from_networkx(
    cls, G, weight=None, *, default=None, self_loops="keep", duplicates="merge", merge="sum"
):
    """The body of `Graph.from_networkx`: keep `G`'s node order and labels."""
    nodes = list(G.nodes)
    src, dst, w = [], [], []
    for u, v, data in G.edges(data=True):
        src.append(u)
        dst.append(v)
        if weight is not None:
            if weight in data:
                w.append(data[weight])
            elif default is not None:
                w.append(default)
            else:
                msg = (
                    f"`weight` names attribute {weight!r}, which edge ({u!r}, {v!r}) "
                    "lacks; pass `default=` to fill it."
                )
                raise InvalidParameterError(msg)
    return from_edges(
        cls,
        as_label_array(src, name="G.edges"),
        as_label_array(dst, name="G.edges"),
        None if weight is None else np.asarray(w, dtype=np.float64),
        directed=G.is_directed(),
        labels=as_label_array(nodes, name="G.nodes"),
        self_loops=self_loops,
        duplicates=duplicates,
        merge=merge,
        source="networkx",
    )


def from_scipy(cls, A, *, directed=True, weighted=True, labels=None):
    """The body of `Graph.from_scipy`: entry ``A[u, v] != 0`` is an arc ``u -> v``."""
    import scipy.sparse as sp

    if not sp.issparse(A):
        A = _dense_matrix(A)
    elif A.dtype.kind not in "biuf":
        msg = f"`A` must hold real numbers; got a sparse matrix of dtype {A.dtype}."
        raise InvalidParameterError(msg)
    A = sp.csr_array(A)
    if A.ndim != 2:
        msg = f"`A` must be a 2-d matrix; got shape {A.shape}."
        raise InvalidParameterError(msg)
    bad = ~np.isfinite(A.data)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        row = int(np.searchsorted(A.indptr, i, side="right")) - 1
        msg = (
            f"`A` must hold finite numbers; entry ({row}, {int(A.indices[i])}) is "
            f"{float(A.data[i])!r} ({int(bad.sum())} non-finite)."
        )
        raise InvalidParameterError(msg)
    A.eliminate_zeros()
    n_rows, n_cols = A.shape
    if n_rows != n_cols:
        msg = f"`A` must be square; got shape {A.shape}."
        raise InvalidParameterError(msg)
    if not directed:
        if (A != A.T).nnz:
            msg = "`A` must be symmetric when `directed=False`; it is not."
            raise InvalidParameterError(msg)
    A.sum_duplicates()
    A.sort_indices()
    weights = A.data.astype(np.float64) if weighted else None
    return cls(
        A.indptr,
        A.indices,
        weights,
        directed=directed,
        labels=labels,
        report=LoadReport(source="scipy", n_rows=int(A.nnz)),
    )


def _dense_matrix(A):
    """`A` (a dense adjacency matrix) as a 2-d numeric array; else an error naming it."""
    try:
        arr = np.asarray(A)
        if arr.dtype.kind == "O":
            arr = arr.astype(np.float64)
    except (TypeError, ValueError, OverflowError):
        msg = f"`A` must be a 2-d array of real numbers; got {short_repr(A)}."
        raise InvalidParameterError(msg) from None
    if arr.ndim != 2 or arr.dtype.kind not in "biuf":
        msg = f"`A` must be a 2-d array of real numbers; got {short_repr(A)}."
        raise InvalidParameterError(msg)
    return arr


def build_csr(src, dst, weights, n, *, directed, self_loops, duplicates, merge, labels):
    """Sort edge rows into CSR arcs; returns indptr, indices, weights and counts."""
    loops = src == dst
    n_loops = int(np.count_nonzero(loops))
    if n_loops and self_loops == "error":
        i = int(np.flatnonzero(loops)[0])
        msg = (
            f"`self_loops='error'` forbids edges u -> u; row {i} is "
            f"{py_scalar(labels[src[i]])!r} -> {py_scalar(labels[dst[i]])!r} "
            f"({n_loops} in all)."
        )
        raise InvalidParameterError(msg)
    if n_loops and self_loops == "drop":
        keep = ~loops
        src, dst = src[keep], dst[keep]
        weights = None if weights is None else weights[keep]
    rows = np.arange(src.shape[0]) if duplicates == "error" else None  # for the message
    if not directed:
        src, dst = np.minimum(src, dst), np.maximum(src, dst)
    order = pair_order(src, dst, n)
    src, dst = src[order], dst[order]
    if rows is not None:
        rows = rows[order]
    key = src * max(n, 1) + dst
    if weights is not None:
        weights = weights[order]
    repeat = np.zeros(key.shape[0], dtype=bool)
    repeat[1:] = key[1:] == key[:-1]
    n_dups = int(np.count_nonzero(repeat))
    if n_dups and duplicates == "error":
        j = int(np.flatnonzero(repeat)[0])
        msg = (
            f"`duplicates='error'` forbids repeated edges; rows {rows[j - 1]} and {rows[j]} "
            f"are both {py_scalar(labels[src[j]])!r} -> {py_scalar(labels[dst[j]])!r} "
            f"({n_dups} repeat(s) in all)."
        )
        raise InvalidParameterError(msg)
    if n_dups and duplicates == "merge":
        first = ~repeat
        if weights is not None:
            starts = np.flatnonzero(first)
            if merge == "sum":
                weights = np.add.reduceat(weights, starts)
            elif merge == "max":
                weights = np.maximum.reduceat(weights, starts)
            elif merge == "min":
                weights = np.minimum.reduceat(weights, starts)
            elif merge == "first":
                weights = weights[starts]
            else:  # last
                ends = np.append(starts[1:], key.shape[0]) - 1
                weights = weights[ends]
        src, dst = src[first], dst[first]
    if not directed:
        off = src != dst
        src, dst = np.concatenate([src, dst[off]]), np.concatenate([dst, src[off]])
        if weights is not None:
            weights = np.concatenate([weights, weights[off]])
        order = pair_order(src, dst, n)
        src, dst = src[order], dst[order]
        if weights is not None:
            weights = weights[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n), out=indptr[1:])
    return indptr, dst.astype(np.int32), weights, n_loops, n_dups


# ----------------------------------------------------------------- exports
def to_pandas(graph, *, arcs=None):
    """The body of `Graph.to_pandas`."""
    tails = np.repeat(np.arange(graph.n_nodes), graph.out_degree)
    heads = graph.indices
    keep = slice(None)
    if arcs is None:
        arcs = graph.directed
    if not arcs:
        keep = tails <= heads
    labels = graph.labels
    df = pd.DataFrame({"source": labels[tails[keep]], "target": labels[heads[keep]]})
    if graph.weights is not None:
        df["weight"] = graph.weights[keep]
    return df


def to_networkx(graph, weight="weight"):
    """The body of `Graph.to_networkx`."""
    import networkx as nx

    G = nx.DiGraph() if graph.directed else nx.Graph()
    G.add_nodes_from(py_scalar(x) for x in graph.labels)
    df = to_pandas(graph)
    src = [py_scalar(x) for x in df["source"]]
    dst = [py_scalar(x) for x in df["target"]]
    if graph.weights is None:
        G.add_edges_from(zip(src, dst, strict=True))
    else:
        G.add_weighted_edges_from(zip(src, dst, df["weight"].tolist(), strict=True), weight=weight)
    return G


def to_scipy(graph):
    """The body of `Graph.to_scipy`."""
    import scipy.sparse as sp

    data = graph.weights if graph.weights is not None else np.ones(graph.n_edges)
    return sp.csr_array(
        (np.array(data), graph.indices.copy(), graph.indptr.copy()),
        shape=(graph.n_nodes, graph.n_nodes),
    )
