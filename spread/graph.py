"""The immutable CSR graph that every model and algorithm in spread shares."""

import numbers

import numpy as np

from . import convert
from ._validation import ndim_of
from .convert import LoadReport, as_label_array, label_index, py_scalar, readonly
from .exceptions import InvalidParameterError, NodeNotFound

__all__ = ["Graph", "LoadReport", "node_mask", "resolve_seed_sets", "resolve_seeds"]


class Graph:
    """An immutable directed graph in compressed sparse row (CSR) form.

    Nodes are numbered ``0 .. n_nodes - 1``; their labels (ints or strings) are kept
    alongside and translated by `index_of` and `label_of`. Every arc ``u -> v`` is
    stored once in the out-adjacency (`indptr`, `indices`) and once in the
    in-adjacency (`in_indptr`, `in_indices`); `in_arc` maps each in-adjacency slot to
    its arc id, so per-arc arrays (probabilities, weights) are kept in one order only:
    the out-adjacency order that `edges` reports. An undirected graph stores two arcs
    per edge, one each way.

    Use the constructors `from_edges`, `from_pandas`, `from_networkx`, `from_scipy` or
    `spread.read_edgelist`; calling ``Graph(indptr, indices)`` directly takes CSR
    arrays as they are.

    Parameters
    ----------
    indptr : array_like of int, shape (n_nodes + 1,)
        Out-adjacency row pointers: the out-arcs of node ``u`` are
        ``indices[indptr[u]:indptr[u + 1]]``.
    indices : array_like of int, shape (n_edges,)
        Head (target) node of every arc.
    weights : array_like of float, shape (n_edges,), optional
        One weight per arc; NaN is rejected.
    directed : bool, default True
        If False, the arcs must come in symmetric pairs (``u -> v`` with ``v -> u``).
    labels : array_like, shape (n_nodes,), optional
        Distinct node labels in index order. The default labels node ``i`` as ``i``.
    report : LoadReport, optional
        What the loader skipped or merged on the way in.
    copy : bool, default True
        Copy `indptr` and `indices` (False: take them over when their dtypes already
        match; the caller must not keep using them).

    Raises
    ------
    InvalidParameterError
        If an invariant does not hold: `indptr` not starting at 0, decreasing, or not
        ending at ``len(indices)``; a node id out of range; NaN weights; repeated
        labels; an undirected graph whose arcs are not symmetric.

    Examples
    --------
    >>> import spread
    >>> g = spread.Graph.from_edges(["a", "a", "b"], ["b", "c", "c"], directed=False)
    >>> g
    <Graph: undirected, 3 nodes, 6 arcs (3 edges), unweighted>
    >>> g.index_of("c"), g.label_of(0)
    (2, 'a')
    >>> g.out_degree
    array([2, 2, 2])
    """

    __slots__ = (
        "__weakref__",
        "_directed",
        "_in_arc",
        "_in_indices",
        "_in_indptr",
        "_indices",
        "_indptr",
        "_label_index",
        "_labels",
        "_report",
        "_weights",
    )

    def __init__(
        self,
        indptr,
        indices,
        weights=None,
        *,
        directed=True,
        labels=None,
        report=None,
        copy=True,
    ):
        self._indptr, self._indices, self._weights = convert.csr_arrays(
            indptr, indices, weights, copy=copy
        )
        n = self._indptr.shape[0] - 1
        self._in_arc, self._in_indptr, self._in_indices = convert.in_adjacency(
            self._indptr, self._indices
        )
        self._directed = bool(directed)
        if not self._directed and not convert.is_symmetric(
            self._indptr, self._indices, self._in_indptr, self._in_indices
        ):
            msg = "`directed=False` needs symmetric arcs (u -> v and v -> u); they are not."
            raise InvalidParameterError(msg)

        self._labels = None
        self._label_index = None
        if labels is not None:
            labels = as_label_array(labels, name="labels")
            if labels.shape != (n,):
                msg = f"`labels` must have one entry per node ({n}); got {labels.shape[0]}."
                raise InvalidParameterError(msg)
            index = label_index(labels)
            if not (
                labels.dtype.kind in "iu"
                and np.array_equal(labels, np.arange(n, dtype=labels.dtype))
            ):
                self._labels = readonly(labels)
                self._label_index = index
        self._report = report

    # ------------------------------------------------------------ constructors
    @classmethod
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
        progress=None,
    ):
        """Build a graph from parallel arrays of edge endpoints.

        Parameters
        ----------
        sources, targets : array_like
            Endpoint labels of every edge (ints or strings).
        weights : array_like of float, optional
            One weight per edge.
        directed : bool, default True
            If False, each edge becomes two arcs, one each way.
        labels : array_like, optional
            Every node, in the order that fixes their indices; use it to keep isolated
            nodes. By default the nodes are the distinct endpoints, sorted.
        self_loops : {"drop", "keep", "error"}, default "drop"
            What to do with edges ``u -> u``.
        duplicates : {"merge", "keep", "error"}, default "merge"
            What to do with an edge seen before (for undirected input, ``v u`` repeats
            ``u v``): merge into one arc, keep parallel arcs, or raise.
        merge : {"sum", "max", "min", "first", "last"}, default "sum"
            How the weights of merged duplicates are combined.
        source : str, default "edges"
            Where the rows came from, for the load report.
        progress : bool, optional
            Show a bar over the build's stages (node labels, arcs, in-adjacency); by
            default shown when the build lasts over 2 s and stderr is a terminal.

        Returns
        -------
        Graph
            Its `report` counts the self-loops and duplicates met.

        Raises
        ------
        InvalidParameterError
            If the arrays differ in length, an option is unknown, a self-loop or
            duplicate meets ``"error"``, or an endpoint is missing from `labels`.

        Examples
        --------
        >>> import spread
        >>> g = spread.Graph.from_edges([1, 2, 2, 3], [2, 3, 3, 3])
        >>> g.n_nodes, g.n_edges
        (3, 2)
        >>> print(g.report)
        edges: 4 rows read, 1 self-loop(s) dropped, 1 duplicate(s) merged, 0 comment/header line(s) skipped
        """
        return convert.from_edges(
            cls,
            sources,
            targets,
            weights,
            directed=directed,
            labels=labels,
            self_loops=self_loops,
            duplicates=duplicates,
            merge=merge,
            source=source,
            progress=progress,
        )

    @classmethod
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
        """Build a graph from a DataFrame with one row per edge.

        Parameters
        ----------
        df : pandas.DataFrame
            The edge table; other columns are ignored.
        source, target : str, default "source", "target"
            Columns holding the endpoint labels.
        weight : str, optional
            Column holding the edge weights.
        directed : bool, default True
            If False, each row becomes two arcs.
        labels, self_loops, duplicates, merge
            As in `from_edges`.

        Returns
        -------
        Graph

        Examples
        --------
        >>> import pandas as pd
        >>> import spread
        >>> df = pd.DataFrame({"src": ["a", "b"], "dst": ["b", "c"], "w": [0.5, 0.25]})
        >>> g = spread.Graph.from_pandas(df, "src", "dst", weight="w")
        >>> g.to_pandas()
          source target  weight
        0      a      b    0.50
        1      b      c    0.25
        """
        return convert.from_pandas(
            cls,
            df,
            source,
            target,
            weight,
            directed=directed,
            labels=labels,
            self_loops=self_loops,
            duplicates=duplicates,
            merge=merge,
        )

    @classmethod
    def from_networkx(
        cls, G, weight=None, *, default=None, self_loops="keep", duplicates="merge", merge="sum"
    ):
        """Build a graph from a networkx graph, keeping its node order and labels.

        Parameters
        ----------
        G : networkx.Graph or networkx.DiGraph (multigraphs too)
            Undirected graphs become two arcs per edge.
        weight : str, optional
            Edge attribute to read as the arc weight.
        default : float, optional
            Weight for edges without the attribute; by default such an edge is an error.
        self_loops : {"keep", "drop", "error"}, default "keep"
            As in `from_edges` (networkx graphs keep their self-loops by default).
        duplicates, merge
            As in `from_edges` (for multigraphs).

        Returns
        -------
        Graph

        Examples
        --------
        >>> import networkx as nx
        >>> import spread
        >>> g = spread.Graph.from_networkx(nx.karate_club_graph(), weight="weight")
        >>> g.n_nodes, g.n_edges, g.directed
        (34, 156, False)
        """
        return convert.from_networkx(
            cls,
            G,
            weight,
            default=default,
            self_loops=self_loops,
            duplicates=duplicates,
            merge=merge,
        )

    @classmethod
    def from_scipy(cls, A, *, directed=True, weighted=True, labels=None):
        """Build a graph from a square sparse (or dense) adjacency matrix.

        Entry ``A[u, v] != 0`` is an arc ``u -> v`` whose weight is the entry.

        Parameters
        ----------
        A : scipy.sparse array or matrix, or 2-d array_like
            Square adjacency matrix; explicit zeros are ignored.
        directed : bool, default True
            If False, `A` must be symmetric; each pair of entries is one edge.
        weighted : bool, default True
            Keep the entries as arc weights.
        labels : array_like, optional
            Node labels in row order.

        Returns
        -------
        Graph

        Examples
        --------
        >>> import scipy.sparse as sp
        >>> import spread
        >>> A = sp.csr_array([[0, 0.5], [0.2, 0]])
        >>> g = spread.Graph.from_scipy(A)
        >>> g.edges()
        (array([0, 1]), array([1, 0]), array([0.5, 0.2]))
        """
        return convert.from_scipy(cls, A, directed=directed, weighted=weighted, labels=labels)

    # -------------------------------------------------------------- properties
    @property
    def n_nodes(self):
        """Number of nodes."""
        return self._indptr.shape[0] - 1

    @property
    def n_edges(self):
        """Number of arcs (an undirected edge counts twice, once each way)."""
        return self._indices.shape[0]

    @property
    def directed(self):
        """False if the graph was built from undirected edges."""
        return self._directed

    @property
    def indptr(self):
        """Out-adjacency row pointers, int64 of shape ``(n_nodes + 1,)``."""
        return self._indptr

    @property
    def indices(self):
        """Head node of every arc in arc order, int32 of shape ``(n_edges,)``."""
        return self._indices

    @property
    def weights(self):
        """Arc weights in arc order (float64), or None."""
        return self._weights

    @property
    def in_indptr(self):
        """In-adjacency row pointers, int64 of shape ``(n_nodes + 1,)``."""
        return self._in_indptr

    @property
    def in_indices(self):
        """Tail node of every in-adjacency slot, int32 of shape ``(n_edges,)``."""
        return self._in_indices

    @property
    def in_arc(self):
        """Arc id of every in-adjacency slot: per-arc arrays ``x`` read ``x[in_arc]``."""
        return self._in_arc

    @property
    def labels(self):
        """Node labels in index order (an array; ``arange(n_nodes)`` by default)."""
        if self._labels is None:
            return np.arange(self.n_nodes)
        return self._labels

    @property
    def report(self):
        """The `LoadReport` of the loader that built the graph, or None."""
        return self._report

    @property
    def out_degree(self):
        """Out-degree of every node (int64 array in index order)."""
        return np.diff(self._indptr)

    @property
    def in_degree(self):
        """In-degree of every node (int64 array in index order)."""
        return np.diff(self._in_indptr)

    @property
    def nbytes(self):
        """Bytes held by the adjacency arrays, weights and labels."""
        arrays = (
            self._indptr,
            self._indices,
            self._in_indptr,
            self._in_indices,
            self._in_arc,
            self._weights,
            self._labels,
        )
        return int(sum(a.nbytes for a in arrays if a is not None))

    # -------------------------------------------------------- label <-> index
    def _is_scalar_label(self, x):
        if isinstance(x, str | bytes | numbers.Number | np.generic):
            return True
        return isinstance(x, tuple) and self._labels is not None and self._labels.dtype == object

    def index_of(self, labels):
        """Index of a node label, or an int64 array of indices for many labels.

        Parameters
        ----------
        labels : label or array_like of labels

        Returns
        -------
        int or numpy.ndarray

        Raises
        ------
        NodeNotFound
            Naming the labels (up to ten) that are not in the graph.

        Examples
        --------
        >>> import spread
        >>> g = spread.Graph.from_edges([10, 20], [20, 30])
        >>> g.index_of(20), g.index_of([30, 10])
        (1, array([2, 0]))
        """
        scalar = self._is_scalar_label(labels)
        idx = convert.index_of(self, [labels] if scalar else labels)
        return int(idx[0]) if scalar else idx

    def label_of(self, index):
        """Label of a node index, or an array of labels for many indices.

        Examples
        --------
        >>> import spread
        >>> g = spread.Graph.from_edges(["x", "y"], ["y", "z"])
        >>> g.label_of(2), list(g.label_of([0, 1]))
        ('z', ['x', 'y'])
        """
        try:
            idx = np.atleast_1d(np.asarray(index))
        except ValueError:  # a ragged nested sequence
            idx = np.array([index], dtype=object)
        scalar = ndim_of(index) == 0
        if idx.size == 0:
            idx = idx.astype(np.int64)  # no node: an empty array of labels
        elif idx.dtype.kind not in "iu" or idx.min() < 0 or idx.max() >= self.n_nodes:
            bad = (
                idx[0] if idx.dtype.kind not in "iu" else idx[(idx < 0) | (idx >= self.n_nodes)][0]
            )
            msg = f"node index must be an integer in [0, {self.n_nodes - 1}]; got {py_scalar(bad)!r}."
            raise NodeNotFound(msg)
        out = self.labels[idx]
        return py_scalar(out[0]) if scalar else out

    # ----------------------------------------------------------------- exports
    def edges(self):
        """Source labels, target labels and weights of every arc, in arc order.

        Per-arc parameter arrays (probabilities, LT weights) follow this order.

        Returns
        -------
        sources, targets : numpy.ndarray
        weights : numpy.ndarray or None
        """
        tails = np.repeat(np.arange(self.n_nodes), self.out_degree)
        labels = self.labels
        return labels[tails], labels[self._indices], self._weights

    def to_pandas(self, *, arcs=None):
        """The edges as a DataFrame with columns ``source``, ``target`` (and ``weight``).

        Parameters
        ----------
        arcs : bool, optional
            One row per arc. The default is True for directed graphs and False for
            undirected ones, which get one row per edge (``source <= target`` by index),
            so that ``Graph.from_pandas(g.to_pandas(), directed=False)`` gives `g` back.
        """
        return convert.to_pandas(self, arcs=arcs)

    def to_networkx(self, weight="weight"):
        """A networkx `DiGraph` (or `Graph` if undirected) with the same nodes and arcs.

        Parameters
        ----------
        weight : str, default "weight"
            Edge attribute that receives the arc weights (if any).

        Examples
        --------
        >>> import networkx as nx
        >>> import spread
        >>> G = nx.path_graph(4)
        >>> H = spread.Graph.from_networkx(G).to_networkx()
        >>> nx.utils.graphs_equal(G, H)
        True
        """
        return convert.to_networkx(self, weight)

    def to_scipy(self):
        """The adjacency matrix as a ``scipy.sparse.csr_array`` (weights, or ones)."""
        return convert.to_scipy(self)

    # ---------------------------------------------------------------- display
    def __repr__(self):
        kind = "directed" if self._directed else "undirected"
        arcs = f"{self.n_edges:,} arcs"
        if not self._directed:
            arcs += f" ({(self.n_edges + self._n_self_loops()) // 2:,} edges)"
        weighted = "weighted" if self._weights is not None else "unweighted"
        src = ""
        if self._report is not None and self._report.source not in (
            "edges",
            "pandas",
            "networkx",
            "scipy",
        ):
            src = f", from {self._report.source!r}"
        return f"<Graph: {kind}, {self.n_nodes:,} nodes, {arcs}, {weighted}{src}>"

    def _n_self_loops(self):
        tails = np.repeat(np.arange(self.n_nodes, dtype=np.int32), self.out_degree)
        return int(np.count_nonzero(tails == self._indices))

    def summary(self):
        """A short multi-line description: size, degrees, weights, memory, load report.

        Examples
        --------
        >>> import spread
        >>> print(spread.datasets.load("karate").summary())  # doctest: +ELLIPSIS
        Graph: undirected, 34 nodes, 156 arcs (78 edges), unweighted
        ...
        """
        out_deg, in_deg = self.out_degree, self.in_degree
        lines = [repr(self)[1:-1]]
        if self.n_nodes:
            lines.append(
                f"  out-degree: mean {out_deg.mean():.2f}, max {out_deg.max():,}; "
                f"in-degree: max {in_deg.max():,}"
            )
            isolated = int(np.count_nonzero((out_deg == 0) & (in_deg == 0)))
            lines.append(f"  isolated nodes: {isolated:,}; self-loops: {self._n_self_loops():,}")
        if self._weights is not None and self.n_edges:
            w = self._weights
            lines.append(f"  weights: min {w.min():.4g}, mean {w.mean():.4g}, max {w.max():.4g}")
        per_arc = self.nbytes / max(self.n_edges, 1)
        lines.append(f"  memory: {self.nbytes / 2**20:.1f} MiB ({per_arc:.1f} bytes per arc)")
        if self._report is not None:
            lines.append(f"  loaded: {self._report}")
        return "\n".join(lines)


# ------------------------------------------------------- seeds and node sets
def resolve_seeds(graph, seeds, *, name="seeds"):
    """Node indices (sorted, distinct, int32) of one seed set.

    The one parser of seed nodes: every public function that takes seeds (or candidate,
    excluded or committed nodes) reads them here.

    Parameters
    ----------
    graph : Graph
    seeds : label, sequence of labels, or boolean mask
        One node label, several, or a boolean array with one entry per node.
    name : str, default "seeds"
        The parameter's name, for error messages.

    Returns
    -------
    numpy.ndarray of int32

    Raises
    ------
    InvalidParameterError
        If the set is empty, a mask has the wrong length, or `seeds` holds several
        seed sets.
    NodeNotFound
        Naming the labels that are not nodes of `graph`.

    Examples
    --------
    >>> import spread
    >>> from spread.graph import resolve_seeds
    >>> g = spread.Graph.from_edges(["a", "b"], ["b", "c"])
    >>> resolve_seeds(g, ["c", "a", "c"])
    array([0, 2], dtype=int32)
    """
    idx = _node_indices(graph, seeds, name)
    if len(idx) == 0:
        msg = f"`{name}` must name at least one node; got an empty seed set."
        raise InvalidParameterError(msg)
    return np.unique(idx).astype(np.int32)


def resolve_seed_sets(graph, seed_sets, *, name="seed_sets"):
    """Node indices of several seed sets (a sequence of seed sets, each as `resolve_seeds`).

    Examples
    --------
    >>> import spread
    >>> from spread.graph import resolve_seed_sets
    >>> g = spread.Graph.from_edges([0, 1], [1, 2])
    >>> [s.tolist() for s in resolve_seed_sets(g, [[0], [2, 1]])]
    [[0], [1, 2]]
    """
    if isinstance(seed_sets, np.ndarray) or graph._is_scalar_label(seed_sets):
        msg = f"`{name}` must be a sequence of seed sets, such as [[0, 1], [2]]; got one set."
        raise InvalidParameterError(msg)
    try:
        items = list(seed_sets)
    except TypeError:
        msg = (
            f"`{name}` must be a sequence of seed sets, such as [[0, 1], [2]]; got {seed_sets!r}."
        )
        raise InvalidParameterError(msg) from None
    if not items:
        msg = f"`{name}` must hold at least one seed set; got none."
        raise InvalidParameterError(msg)
    out = []
    for i, s in enumerate(items):
        if graph._is_scalar_label(s):
            msg = f"`{name}` must hold seed sets (sequences of labels); item {i} is {s!r}."
            raise InvalidParameterError(msg)
        out.append(resolve_seeds(graph, s, name=f"{name}[{i}]"))
    return out


def node_mask(graph, labels, *, name):
    """A boolean mask of the nodes named by `labels` (None: no node).

    Examples
    --------
    >>> import spread
    >>> from spread.graph import node_mask
    >>> g = spread.Graph.from_edges([0, 1], [1, 2])
    >>> node_mask(g, [2], name="exclude").tolist(), bool(node_mask(g, None, name="fixed").any())
    ([False, False, True], False)
    """
    mask = np.zeros(graph.n_nodes, dtype=bool)
    if labels is not None:
        mask[_node_indices(graph, labels, name)] = True
    return mask


def _node_indices(graph, nodes, name):
    """Indices of the nodes named by `nodes` (labels or a boolean mask), in their order."""
    if isinstance(nodes, np.ndarray) and nodes.dtype == bool:
        if nodes.shape != (graph.n_nodes,):
            msg = (
                f"a boolean `{name}` mask must have one entry per node ({graph.n_nodes}); "
                f"got shape {nodes.shape}."
            )
            raise InvalidParameterError(msg)
        return np.flatnonzero(nodes)
    if graph._is_scalar_label(nodes):
        return graph.index_of([nodes])
    if isinstance(nodes, np.ndarray) and nodes.ndim != 1:
        msg = f"`{name}` must be node labels (1-d) or a boolean mask; got shape {nodes.shape}."
        raise InvalidParameterError(msg)
    try:
        items = nodes if isinstance(nodes, np.ndarray) else list(nodes)
    except TypeError:
        msg = f"`{name}` must be node labels or a boolean mask; got {nodes!r}."
        raise InvalidParameterError(msg) from None
    if len(items) and not any(graph._is_scalar_label(s) for s in items):
        msg = (
            f"`{name}` must be one set of node labels (or a mask); got a sequence of "
            "sequences (use `spread.simulate_sets` to compare seed sets)."
        )
        raise InvalidParameterError(msg)
    return graph.index_of(items)
