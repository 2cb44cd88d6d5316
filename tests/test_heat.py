"""Heat diffusion: exact against expm_multiply and dense expm, invariants, read-out."""

import matplotlib
import networkx as nx
import numpy as np
import pytest
import scipy.sparse.linalg as sla

import spread
from spread import Graph, Heat, InvalidParameterError

from . import reference as ref

matplotlib.use("Agg")


def rel_err(a, b):
    return np.linalg.norm(a - b, axis=-1) / np.linalg.norm(b, axis=-1)


def weighted_random(n=60, m=300, seed=0, directed=True):
    rng = np.random.default_rng(seed)
    return Graph.from_edges(
        rng.integers(0, n, m),
        rng.integers(0, n, m),
        rng.uniform(0.1, 2.0, m),
        directed=directed,
        labels=np.arange(n),
    )


def test_two_nodes_closed_form():
    g = Graph.from_edges([0], [1], directed=False)
    t = np.array([0.0, 0.3, 1.0, 4.0])
    res = spread.solve(g, [0], Heat(beta=0.7, tol=1e-15), times=t)
    decay = np.exp(-2 * 0.7 * t)
    expected = np.column_stack([(1 + decay) / 2, (1 - decay) / 2])
    assert np.abs(res.heat - expected).max() < 1e-12


@pytest.mark.parametrize("kind", ["undirected", "directed", "normalized"])
@pytest.mark.parametrize("seed", [0, 1])
def test_dense_expm_on_small_weighted_graphs(kind, seed):
    g = weighted_random(25, 90, seed=seed, directed=kind == "directed")
    f0 = np.random.default_rng(seed).random(g.n_nodes)
    times = [0.0, 0.05, 0.5, 2.0]
    res = spread.solve(g, f0, Heat(beta=0.8, kind=kind), times=times)
    for m, t in enumerate(times):
        expected = ref.heat_dense(g, f0, 0.8, t, kind)
        assert rel_err(res.heat[m], expected) <= 1e-8
    assert np.allclose(
        Heat(beta=1, kind=kind).operator(g).toarray(), ref.heat_operator_dense(g, kind)
    )


def test_ego_facebook_against_expm_multiply():
    g = spread.datasets.load("ego-facebook")
    model = Heat(beta=0.05)
    times = np.linspace(0, 3, 20)
    res = spread.solve(g, [0, 107, 1684], model, times=times)
    f0 = model.initial_heat(g, [0, 107, 1684])
    expected = sla.expm_multiply(
        0.05 * model.operator(g), f0, start=0, stop=3, num=20, endpoint=True
    )
    assert rel_err(res.heat, expected).max() <= 1e-8
    assert np.abs(res.total_heat - 3).max() <= 1e-10
    assert res.heat.min() >= 0
    assert res.error_bound <= 1e-10 * np.sqrt(g.n_nodes)


@pytest.mark.parametrize("kind", ["undirected", "directed"])
def test_random_weighted_graphs_against_expm_multiply(kind):
    g = weighted_random(2000, 12000, seed=4, directed=kind == "directed")
    model = Heat(beta=0.3, kind=kind)
    f0 = model.initial_heat(g, list(range(0, 2000, 97)))
    times = np.linspace(0, 5, 11)
    res = spread.solve(g, list(range(0, 2000, 97)), model, times=times)
    expected = sla.expm_multiply(
        0.3 * model.operator(g), f0, start=0, stop=5, num=11, endpoint=True
    )
    assert rel_err(res.heat, expected).max() <= 1e-8
    assert np.abs(res.total_heat - f0.sum()).max() <= 1e-10 * f0.sum()
    assert res.heat.min() >= 0


def test_normalized_kind_conserves_sqrt_degree_weighted_heat():
    g = spread.datasets.load("karate")
    model = Heat(beta=0.4, kind="normalized")
    res = spread.solve(g, [0, 5], model, times=[0, 1, 3, 10])
    sq = np.sqrt(g.out_degree)
    invariant = res.heat @ sq
    assert np.abs(invariant - invariant[0]).max() <= 1e-10 * invariant[0]
    assert res.heat.min() >= 0
    expected = sla.expm_multiply(
        0.4 * model.operator(g), model.initial_heat(g, [0, 5]), start=0, stop=10, num=11
    )
    assert rel_err(res.heat[:3], expected[[0, 1, 3]]).max() <= 1e-8
    with pytest.raises(
        InvalidParameterError, match="`kind='normalized'` needs an undirected graph"
    ):
        spread.solve(
            spread.datasets.load("wiki-vote"), [3], Heat(beta=1, kind="normalized"), times=[1]
        )


def test_connected_undirected_graph_tends_to_uniform():
    g = spread.datasets.load("karate")
    res = spread.solve(g, [0], Heat(beta=1.0), times=[60.0])
    assert np.abs(res.heat[0] - 1 / 34).max() < 1e-9


def test_directed_sinks_keep_their_heat():
    g = Graph.from_edges([0, 1], [1, 2])
    res = spread.solve(g, [0], Heat(beta=1.0, tol=1e-15), times=[0, 1, 40])
    assert res.kind == "directed"
    assert res.heat[1].tolist() == pytest.approx(
        [np.exp(-1), np.exp(-1), 1 - 2 * np.exp(-1)], abs=1e-12
    )
    assert res.heat[2][2] == pytest.approx(1.0, abs=1e-12)


def test_time_rescaling_equals_beta_rescaling():
    g = spread.datasets.load("nethept")
    t = np.array([0.5, 1.0, 2.0])
    c = 2.5
    a = spread.solve(g, [0, 1, 2], Heat(beta=0.2), times=c * t)
    b = spread.solve(g, [0, 1, 2], Heat(beta=0.2 * c), times=t)
    # the same lambda = beta * t * q up to one rounding of the product
    assert np.abs(a.heat - b.heat).max() <= 1e-13


def test_threshold_readout_is_monotone_and_matches_heat():
    g = spread.datasets.load("nethept")
    times = [3.0, 0.0, 1.0, 2.0, 0.5]  # unsorted on purpose
    res = spread.solve(g, [0, 1, 2, 3], Heat(beta=0.5, threshold=0.01), times=times)
    order = np.argsort(times)
    assert (np.diff(res.adopted[order]) >= 0).all()
    reached = np.maximum.accumulate(res.heat[order] >= 0.01, axis=0)
    assert res.adopted[order].tolist() == reached.sum(axis=1).tolist()
    adopted_ever = ~np.isnan(res.adoption_time)
    assert adopted_ever.sum() == res.adopted.max()
    curve = res.curve()
    assert curve.index.tolist() == sorted(times) and (curve["lower"] == curve["mean"]).all()
    frame = res.to_frame()
    assert list(frame.columns) == ["total_heat", "max_heat", "adopted"]
    assert res.plot().get_xlabel() == "time"


def test_initial_heat_forms_keep_summary_and_errors():
    g = spread.datasets.load("karate")
    vec = np.zeros(34)
    vec[[0, 33]] = [2.0, -1.0]  # signed heat ("negative comments") is linear too
    a = spread.solve(g, vec, Heat(beta=0.3), times=[1.0])
    b = spread.solve(g, {0: 2.0, 33: -1.0}, Heat(beta=0.3), times=[1.0])
    c = spread.solve(g, [0], Heat(beta=0.3, source_heat=2.0), times=[1.0])
    d = spread.solve(g, [33], Heat(beta=0.3), times=[1.0])
    assert np.allclose(a.heat, b.heat, atol=1e-14) and np.allclose(
        a.heat, c.heat - d.heat, atol=1e-12
    )
    s = spread.solve(g, [0], Heat(beta=0.3), times=[1.0], keep="summary")
    assert s.heat is None and s.total_heat[0] == pytest.approx(1.0)
    with pytest.raises(InvalidParameterError, match=r"Heat is deterministic: `spread\.solve"):
        spread.simulate(g, [0], Heat(beta=0.3))
    with pytest.raises(
        InvalidParameterError, match="`times` must be a non-empty 1-d array of finite times >= 0"
    ):
        spread.solve(g, [0], Heat(beta=0.3), times=[-1.0])
    with pytest.raises(InvalidParameterError, match="`beta` must be a finite number > 0; got 0"):
        spread.solve(g, [0], Heat(beta=0), times=[1.0])
    with pytest.raises(
        InvalidParameterError,
        match="`kind` must be one of 'undirected', 'directed', 'normalized'; got 'fast'",
    ):
        spread.solve(g, [0], Heat(beta=1, kind="fast"), times=[1.0])
    with pytest.raises(InvalidParameterError, match=r"one entry per node \(34\)"):
        spread.solve(g, np.ones(3), Heat(beta=1), times=[1.0])
    with pytest.raises(InvalidParameterError, match="the adoption curve needs a read-out"):
        s.curve()
    with pytest.raises(InvalidParameterError, match=r"`model` must be spread\.Heat"):
        spread.solve(g, [0], spread.IC(p=0.1), times=[1.0])


def test_heat_matches_networkx_laplacian():
    G = nx.les_miserables_graph()
    g = Graph.from_networkx(G, weight="weight")
    L = nx.laplacian_matrix(G, weight="weight").toarray()
    assert np.allclose(-Heat(beta=1).operator(g).toarray(), L)
