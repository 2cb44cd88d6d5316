import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

import spread
from spread import Graph, InvalidParameterError, NodeNotFound


def test_from_edges_directed_csr_and_in_adjacency():
    g = Graph.from_edges([0, 0, 1, 2], [1, 2, 2, 0])
    assert g.directed
    assert g.n_nodes == 3 and g.n_edges == 4
    assert g.indptr.dtype == np.int64 and g.indices.dtype == np.int32
    assert g.indptr.tolist() == [0, 2, 3, 4]
    assert g.indices.tolist() == [1, 2, 2, 0]
    assert g.in_indptr.tolist() == [0, 1, 2, 4]
    assert g.in_indices.tolist() == [2, 0, 0, 1]
    # in_arc maps each in-slot to its arc: the arc's head is the in-slot's node
    heads = np.repeat(np.arange(3), g.in_degree)
    assert (g.indices[g.in_arc] == heads).all()
    assert g.out_degree.tolist() == [2, 1, 1]
    assert g.in_degree.tolist() == [1, 1, 2]


def test_arrays_are_read_only():
    g = Graph.from_edges([0, 1], [1, 2], [0.5, 0.5])
    for arr in (g.indptr, g.indices, g.in_indptr, g.in_indices, g.in_arc, g.weights):
        with pytest.raises(ValueError, match="read-only"):
            arr[0] = 0


def test_undirected_input_becomes_two_arcs():
    g = Graph.from_edges(["a", "b"], ["b", "c"], [0.1, 0.2], directed=False)
    src, dst, w = g.edges()
    arcs = sorted(zip(src.tolist(), dst.tolist(), w.tolist(), strict=True))
    assert arcs == [("a", "b", 0.1), ("b", "a", 0.1), ("b", "c", 0.2), ("c", "b", 0.2)]
    assert repr(g) == "<Graph: undirected, 3 nodes, 4 arcs (2 edges), weighted>"


def test_labels_non_contiguous_ints_and_strings():
    g = Graph.from_edges([10, 30], [30, 20])
    assert g.labels.tolist() == [10, 20, 30]
    assert g.index_of(30) == 2
    assert g.index_of([20, 10]).tolist() == [1, 0]
    assert g.label_of(1) == 20
    s = Graph.from_edges(["x", "y"], ["y", "z"])
    assert s.index_of("z") == 2 and s.label_of([2, 0]).tolist() == ["z", "x"]


def test_identity_labels_are_not_stored():
    g = Graph.from_edges([0, 1, 2], [1, 2, 0])
    assert g._labels is None
    assert g.labels.tolist() == [0, 1, 2]


def test_index_of_unknown_label_raises_node_not_found_naming_it():
    g = Graph.from_edges(["a"], ["b"])
    with pytest.raises(NodeNotFound, match="node 'zz' not in the graph"):
        g.index_of("zz")
    with pytest.raises(KeyError):  # NodeNotFound is a KeyError too
        g.index_of(["a", "q"])
    h = Graph.from_edges([0], [1])
    with pytest.raises(NodeNotFound, match="nodes 5, -1 not in the graph"):
        h.index_of([5, -1])


def test_isolated_nodes_through_labels():
    g = Graph.from_edges([1], [2], labels=[1, 2, 3, 4])
    assert g.n_nodes == 4
    assert g.out_degree.tolist() == [1, 0, 0, 0]
    with pytest.raises(NodeNotFound, match=r"edge endpoint\(s\) \[9\] are not in `labels`"):
        Graph.from_edges([1], [9], labels=[1, 2])


def test_self_loops_and_duplicates_are_reported_not_silent():
    g = Graph.from_edges([1, 1, 2, 2, 3], [2, 2, 2, 3, 1])
    assert g.n_edges == 3
    assert g.report.n_rows == 5
    assert g.report.n_self_loops == 1 and g.report.self_loops == "drop"
    assert g.report.n_duplicates == 1 and g.report.duplicates == "merge"
    kept = Graph.from_edges([1, 1, 2], [2, 2, 2], self_loops="keep", duplicates="keep")
    assert kept.n_edges == 3
    with pytest.raises(
        InvalidParameterError,
        match=r"`self_loops='error'` forbids edges u -> u; row 2 is 2 -> 2",
    ):
        Graph.from_edges([1, 1, 2], [2, 3, 2], self_loops="error")
    with pytest.raises(
        InvalidParameterError,
        match=r"`duplicates='error'` forbids repeated edges; rows 0 and 2 are both 1 -> 2",
    ):
        Graph.from_edges([1, 2, 1], [2, 3, 2], duplicates="error")


@pytest.mark.parametrize(
    ("merge", "expected"),
    [("sum", 0.5), ("max", 0.3), ("min", 0.2), ("first", 0.3), ("last", 0.2)],
)
def test_duplicate_weights_merge_rules(merge, expected):
    g = Graph.from_edges([0, 0], [1, 1], [0.3, 0.2], merge=merge)
    assert g.weights.tolist() == pytest.approx([expected])


def test_undirected_reverse_pair_is_a_duplicate():
    g = Graph.from_edges([0, 1], [1, 0], directed=False)
    assert g.n_edges == 2 and g.report.n_duplicates == 1


def test_constructor_checks_invariants_with_clear_messages():
    with pytest.raises(
        InvalidParameterError,
        match=r"`indptr` must start at 0 and end at len\(indices\) \(2\); got 0 .. 3",
    ):
        Graph([0, 1, 3], [1, 0])
    with pytest.raises(
        InvalidParameterError,
        match=r"`indptr` must be non-decreasing; got indptr\[2\] = 1 < indptr\[1\] = 2",
    ):
        Graph([0, 2, 1, 2], [1, 0])
    with pytest.raises(
        InvalidParameterError, match=r"`indices` must be node ids in \[0, 1\]; got 7"
    ):
        Graph([0, 1, 2], [1, 7])
    with pytest.raises(
        InvalidParameterError, match="`weights` must be finite numbers; arc 1 has weight nan"
    ):
        Graph([0, 1, 2], [1, 0], [0.5, np.nan])
    with pytest.raises(
        InvalidParameterError, match=r"`weights` must have one entry per arc \(2\)"
    ):
        Graph([0, 1, 2], [1, 0], [0.5])
    with pytest.raises(InvalidParameterError, match="needs symmetric arcs"):
        Graph([0, 1, 1], [1], directed=False)
    with pytest.raises(
        InvalidParameterError,
        match="`labels` must be distinct; 'a' appears more than once",
    ):
        Graph([0, 1, 2], [1, 0], labels=["a", "a"])


def test_from_pandas_with_extra_columns_and_bad_column():
    df = pd.DataFrame({"u": [1, 2], "v": [2, 3], "w": [0.5, 0.25], "t": ["x", "y"]})
    g = Graph.from_pandas(df, "u", "v", weight="w")
    assert g.to_pandas().equals(
        pd.DataFrame({"source": [1, 2], "target": [2, 3], "weight": [0.5, 0.25]})
    )
    with pytest.raises(InvalidParameterError, match=r"`weight` must name a column of `df`"):
        Graph.from_pandas(df, "u", "v", weight="nope")


def test_scipy_round_trip_and_symmetry_check():
    A = sp.random_array((30, 30), density=0.1, rng=1, format="csr")
    A.setdiag(0)
    A.eliminate_zeros()
    g = Graph.from_scipy(A)
    assert g.n_edges == A.nnz
    assert abs(g.to_scipy() - A).max() == 0
    with pytest.raises(InvalidParameterError, match="`A` must be symmetric"):
        Graph.from_scipy(A, directed=False)
    S = A + A.T
    u = Graph.from_scipy(S, directed=False)
    assert u.n_edges == S.nnz and not u.directed


def test_networkx_weight_attribute_missing_is_an_error():
    G = nx.DiGraph()
    G.add_edge("a", "b", w=0.5)
    G.add_edge("b", "c")
    with pytest.raises(InvalidParameterError, match=r"edge \('b', 'c'\) lacks"):
        Graph.from_networkx(G, weight="w")
    g = Graph.from_networkx(G, weight="w", default=1.0)
    assert g.weights.tolist() == [0.5, 1.0]


def test_summary_and_memory_per_arc():
    g = spread.datasets.load("ego-facebook")
    text = g.summary()
    assert "4,039 nodes" in text and "176,468 arcs" in text and "bytes per arc" in text
    # both adjacencies: 4 (indices) + 4 (in_indices) + 4 (in_arc) bytes per arc + indptrs
    assert g.nbytes <= 12 * g.n_edges + 16 * (g.n_nodes + 1)


def _nx_graphs():
    node = st.integers(0, 12) | st.sampled_from(["a", "b", "c", "d"])

    @st.composite
    def build(draw):
        directed = draw(st.booleans())
        G = nx.DiGraph() if directed else nx.Graph()
        G.add_nodes_from(draw(st.lists(node, max_size=6)))
        for u, v, w in draw(st.lists(st.tuples(node, node, st.floats(0, 1)), max_size=30)):
            G.add_edge(u, v, weight=w)
        return G

    return build()


@settings(max_examples=150, deadline=None)
@given(_nx_graphs())
def test_networkx_round_trip_preserves_nodes_arcs_weights(G):
    g = Graph.from_networkx(G, weight="weight")
    H = g.to_networkx()
    assert list(H.nodes) == list(G.nodes)
    assert H.is_directed() == G.is_directed()
    assert nx.utils.edges_equal(H.edges(data="weight"), G.edges(data="weight"))
    arcs = (
        G.number_of_edges()
        if G.is_directed()
        else 2 * G.number_of_edges() - nx.number_of_selfloops(G)
    )
    assert g.n_edges == arcs


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 20), st.integers(0, 20)), max_size=60),
    st.booleans(),
)
def test_from_edges_matches_networkx_reachability_structure(pairs, directed):
    src = [u for u, _ in pairs]
    dst = [v for _, v in pairs]
    g = Graph.from_edges(src, dst, directed=directed, labels=list(range(21)))
    G = (nx.DiGraph if directed else nx.Graph)()
    G.add_nodes_from(range(21))
    G.add_edges_from((u, v) for u, v in pairs if u != v)
    expected = {(u, v) for u, v in G.edges()}
    if not directed:
        expected |= {(v, u) for u, v in expected}
    s, t, _ = g.edges()
    assert set(zip(s.tolist(), t.tolist(), strict=True)) == expected
    assert g.n_edges == len(expected)
    assert g.report.n_self_loops == sum(u == v for u, v in pairs)


def test_constructor_does_not_share_the_callers_arrays():
    indptr = np.array([0, 1, 2], dtype=np.int64)
    indices = np.array([1, 0], dtype=np.int32)
    g = Graph(indptr, indices)
    indptr[1] = 2  # the caller's array stays writable and separate
    assert g.out_degree.tolist() == [1, 1] and g.in_degree.tolist() == [1, 1]
