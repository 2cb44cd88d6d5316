"""Heat diffusion: exact against expm_multiply and dense expm, invariants, read-out."""

import time

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


def assert_heat_promise(res, expected, f0):
    """`res` keeps `Heat`'s promise (its docstring, Notes) against an exact `expected`.

    For non-negative initial heat the relative 2-norm error is at most the model's `tol`,
    up to floating-point rounding (about ``n_terms * 1e-16`` relative, allowed as
    ``n_terms * eps``); `error_bound` (1-norm for the conserving kinds, 2-norm for
    "normalized") is at most ``eps * ||f0||`` with ``eps <= tol / sqrt(n)`` (conserving)
    or ``eps <= tol`` (normalized, at its largest at t = 0), and bounds the actual error.
    The references (dense `expm`, `expm_multiply`) are accurate to about 1e-15.
    """
    tol = res.model.tol
    rounding = res.n_terms * np.finfo(np.float64).eps
    assert (f0 >= 0).all()
    assert rel_err(res.heat, expected).max() <= tol + rounding
    if res.kind == "normalized":
        norm = np.linalg.norm(f0)
        assert res.error_bound <= tol * norm
        actual = np.linalg.norm(res.heat - expected, axis=1).max()
    else:
        norm = np.abs(f0).sum()
        assert res.error_bound <= tol / np.sqrt(res.graph.n_nodes) * norm
        actual = np.abs(res.heat - expected).sum(axis=1).max()
    assert actual <= res.error_bound + rounding * norm


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
    assert_heat_promise(res, expected, np.array([1.0, 0.0]))  # tol 1e-15


@pytest.mark.parametrize("tol", [None, 1e-6, 1e-3])
@pytest.mark.parametrize("kind", ["undirected", "directed", "normalized"])
@pytest.mark.parametrize("seed", [0, 1])
def test_dense_expm_on_small_weighted_graphs(kind, seed, tol):
    """Against a dense `scipy.linalg.expm`, the heat is within the promised `tol`
    (default 1e-10; also 1e-6 and 1e-3, where the truncation error is measurable, so the
    promise is not met only by luck of a loose default), with an honest `error_bound`."""
    g = weighted_random(25, 90, seed=seed, directed=kind == "directed")
    f0 = np.random.default_rng(seed).random(g.n_nodes)
    times = [0.0, 0.05, 0.5, 2.0]
    model = Heat(beta=0.8, kind=kind) if tol is None else Heat(beta=0.8, kind=kind, tol=tol)
    assert model.tol == (1e-10 if tol is None else tol)
    res = spread.solve(g, f0, model, times=times)
    expected = np.array([ref.heat_dense(g, f0, 0.8, t, kind) for t in times])
    assert_heat_promise(res, expected, f0)
    assert np.allclose(
        Heat(beta=1, kind=kind).operator(g).toarray(), ref.heat_operator_dense(g, kind)
    )


@pytest.mark.parametrize("weighted", [True, False])
@pytest.mark.parametrize("horizon", [1.3, 40.0])
@pytest.mark.parametrize("kind", ["undirected", "directed", "normalized"])
def test_unit_responses_against_dense_expm(kind, horizon, weighted):
    """Pins the block kernel behind `Heat.responses` (16 sources per sweep; seed
    selection reads it): the heat from `source_heat` on each source alone, at the
    horizon, equals the dense ``expm(beta t H) e_s`` within the promised `tol`, for
    20 sources (a full block of 16 and a partial one), on a graph of each kind, weighted
    (per-arc conductances) and unweighted (no per-arc values: the kernel's factored
    path, conductance ``row_scale[i] * col_scale[j]``); at horizon 40 the Poisson window
    of the series starts far from k = 0.
    """
    g = weighted_random(25, 90, seed=3, directed=kind == "directed")
    if not weighted:
        src, dst, _ = g.edges()
        g = Graph.from_edges(src, dst, directed=g.directed, labels=np.arange(g.n_nodes))
        assert g.weights is None and g.n_nodes == 25
    model = Heat(beta=0.8, kind=kind, source_heat=2.5)
    sources = np.r_[np.arange(g.n_nodes), [3, 0, 7, 3, 11]][:20][::-1].copy()
    got = model.responses(g, sources, horizon)
    assert got.shape == (20, g.n_nodes)
    for row, s in zip(got, sources, strict=True):
        f0 = np.zeros(g.n_nodes)
        f0[s] = 2.5
        exact = ref.heat_dense(g, f0, 0.8, horizon, kind)
        assert np.linalg.norm(row - exact) <= 1e-10 * np.linalg.norm(f0), (kind, s)
        single = spread.solve(g, f0, model, times=[horizon]).heat[0]
        assert np.linalg.norm(row - single) <= 1e-13 * np.linalg.norm(f0)


@pytest.mark.parametrize("lam", [0.3, 1.0, 7.5, 120.0, 3e4, 2.5e6])
@pytest.mark.parametrize("eps", [1e-3, 1e-10, 1e-14])
def test_the_poisson_window_is_the_shortest_with_each_tail_at_most_half_eps(lam, eps):
    """The uniformization series' weights: Poisson(lam) over the window ``[lo, hi]``
    where ``lo`` is the largest index with ``P(X < lo) <= eps / 2`` and ``hi`` the
    smallest with ``P(X > hi) <= eps / 2``; the mass left out is returned. Checked
    against scipy where its pmf is exact to 1e-12 (lam <= 120; past that its
    ``k log lam`` loses digits: 1e-10 relative at 3e4), and everywhere against the
    ratio recurrence ``p(k + 1) / p(k) = lam / (k + 1)`` and the total mass; no numpy
    warning on the way."""
    import warnings

    from scipy import stats

    from spread.models.heat import _poisson_window

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lo, weights, left_out = _poisson_window(lam, eps)
    hi = lo + weights.size - 1
    k = np.arange(lo, hi + 1)
    np.testing.assert_allclose(weights[1:] / weights[:-1], lam / k[1:], rtol=1e-12)
    assert abs(weights.sum() + left_out - 1.0) < 1e-14
    assert 0.0 < left_out <= eps
    if lam <= 120.0:
        np.testing.assert_allclose(weights, stats.poisson.pmf(k, lam), rtol=1e-12)
        below, above = stats.poisson.cdf(lo - 1, lam), stats.poisson.sf(hi, lam)
        assert below <= eps / 2 and above <= eps / 2
        np.testing.assert_allclose(left_out, below + above, rtol=1e-12)
        # shortest: one index less on either side leaves out more than eps / 2 there
        assert lo == 0 or stats.poisson.cdf(lo, lam) > eps / 2
        assert stats.poisson.sf(hi - 1, lam) > eps / 2
    start, one, none = _poisson_window(0.0, eps)  # no time: the identity, nothing left out
    assert start == 0 and one.tolist() == [1.0] and none == 0.0


def test_block_kernel_reads_several_times_in_one_sweep():
    """Pins the block kernel's general contract (several read-out times, each with its
    own window of the series), which `responses` uses with one time only: three times
    and four initial vectors in one sweep equal dense expm at each time.
    """
    from spread.models import _heat_kernels
    from spread.models.heat import _sweep, _windows

    g = weighted_random(25, 90, seed=5, directed=False)
    model = Heat(beta=0.8, kind="undirected")
    parts = model._cached_parts(g)
    times = np.array([0.5, 1.3, 40.0])
    eps = model._eps("undirected", model.tol, 0.8, times, g.n_nodes)
    windows = _windows(0.8 * parts[-1] * times, eps)
    f0 = np.random.default_rng(5).random((g.n_nodes, 4))
    out = np.zeros((times.size, g.n_nodes, 4))
    _sweep(_heat_kernels.heat_sweep_block, g, parts, windows, f0, out)
    for m, t in enumerate(times):
        for c in range(4):
            exact = ref.heat_dense(g, f0[:, c], 0.8, t, "undirected")
            assert np.linalg.norm(out[m, :, c] - exact) <= 1e-10 * np.linalg.norm(f0[:, c])


def test_ego_facebook_against_expm_multiply():
    g = spread.datasets.load("ego-facebook")
    model = Heat(beta=0.05)
    times = np.linspace(0, 3, 20)
    res = spread.solve(g, [0, 107, 1684], model, times=times)
    f0 = model.initial_heat(g, [0, 107, 1684])
    expected = sla.expm_multiply(
        0.05 * model.operator(g), f0, start=0, stop=3, num=20, endpoint=True
    )
    assert_heat_promise(res, expected, f0)
    assert np.abs(res.total_heat - 3).max() <= 1e-10
    assert res.heat.min() >= 0


@pytest.mark.parametrize("tol", [None, 1e-6])
@pytest.mark.parametrize("kind", ["undirected", "directed"])
def test_random_weighted_graphs_against_expm_multiply(kind, tol):
    g = weighted_random(2000, 12000, seed=4, directed=kind == "directed")
    model = Heat(beta=0.3, kind=kind) if tol is None else Heat(beta=0.3, kind=kind, tol=tol)
    f0 = model.initial_heat(g, list(range(0, 2000, 97)))
    times = np.linspace(0, 5, 11)
    res = spread.solve(g, list(range(0, 2000, 97)), model, times=times)
    expected = sla.expm_multiply(
        0.3 * model.operator(g), f0, start=0, stop=5, num=11, endpoint=True
    )
    assert_heat_promise(res, expected, f0)
    # heat is conserved up to the Poisson mass left out, which `error_bound` bounds
    rounding = res.n_terms * np.finfo(np.float64).eps * f0.sum()
    assert np.abs(res.total_heat - f0.sum()).max() <= res.error_bound + rounding
    assert res.heat.min() >= 0


def test_normalized_kind_conserves_sqrt_degree_weighted_heat():
    g = spread.datasets.load("karate")
    model = Heat(beta=0.4, kind="normalized")
    res = spread.solve(g, [0, 5], model, times=[0, 1, 3, 10])
    sq = np.sqrt(g.out_degree)
    invariant = res.heat @ sq
    assert np.abs(invariant - invariant[0]).max() <= 1e-10 * invariant[0]
    assert res.heat.min() >= 0
    f0 = model.initial_heat(g, [0, 5])
    expected = sla.expm_multiply(0.4 * model.operator(g), f0, start=0, stop=10, num=11)
    assert_heat_promise(res, expected[[0, 1, 3, 10]], f0)
    with pytest.raises(
        InvalidParameterError, match="`kind='normalized'` needs an undirected graph"
    ):
        spread.solve(
            spread.datasets.load("wiki-vote"), [3], Heat(beta=1, kind="normalized"), times=[1]
        )


def test_normalized_kind_keeps_its_relative_promise_on_a_decaying_mode():
    """``kind="normalized"`` promises a relative 2-norm error of at most `tol` also where
    the heat decays: its truncation ``eps`` shrinks as ``tol * exp(-2 beta t)``. On a
    bipartite graph (a star) ``sqrt(d)`` signed by side is the eigenvector of eigenvalue
    -2, so from it ``f(t) = exp(-2 beta t) f0`` exactly. Times up to ``beta t = 5`` (the
    heat down by e**-10): beyond, the cancellation of the alternating series costs about
    ``1e-16 * ||f0||``, which relative to the decayed heat passes `tol` near ``beta t =
    8``, a rounding effect the bound excludes."""
    g = Graph.from_edges([0, 0, 0, 0], [1, 2, 3, 4], directed=False)
    f0 = np.array([2.0, -1.0, -1.0, -1.0, -1.0])  # sqrt(degree), signed by side
    times = np.array([0.0, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0])
    res = spread.solve(g, f0, Heat(beta=1.0, kind="normalized"), times=times)
    exact = np.exp(-2.0 * times)[:, None] * f0
    rounding = res.n_terms * np.finfo(np.float64).eps
    assert rel_err(res.heat, exact).max() <= res.model.tol + rounding
    assert res.error_bound <= res.model.tol * np.linalg.norm(f0)
    actual = np.linalg.norm(res.heat - exact, axis=1).max()
    assert actual <= res.error_bound + rounding * np.linalg.norm(f0)


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
    # exactly: exp(-t), t exp(-t) and the rest; within the promised tol 1e-15
    t = np.array([0.0, 1.0, 40.0])
    exact = np.column_stack([np.exp(-t), t * np.exp(-t), 1 - np.exp(-t) - t * np.exp(-t)])
    assert_heat_promise(res, exact, np.array([1.0, 0.0, 0.0]))


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


def test_adoption_times_are_the_first_times_heat_reaches_the_threshold():
    """Adoption once the heat *reaches* the threshold: a seed holding exactly
    `threshold` adopts at time 0; every other node at the first of the (unsorted)
    times at which its heat is at least `threshold`, NaN if none."""
    g = Graph.from_networkx(nx.path_graph(12))
    times = [2.0, 0.0, 0.5, 8.0, 1.0]
    res = spread.solve(g, {0: 0.125, 3: 1.0}, Heat(beta=1.0, threshold=0.125), times=times)
    order = np.argsort(times)
    want = np.full(12, np.nan)
    for t, row in zip(np.asarray(times)[order], res.heat[order], strict=True):
        want[np.isnan(want) & (row >= 0.125)] = t
    assert want[0] == want[3] == 0.0 and np.isnan(want).any() and (want > 0.0).any()
    np.testing.assert_array_equal(res.adoption_time, want)


@pytest.mark.parametrize("kind", ["undirected", "normalized"])
def test_terms_and_error_bound_are_the_windows_and_eps_are_their_definition(kind):
    """`n_terms` is the last index of the longest window plus one; `error_bound` the
    largest Poisson mass left out times the initial heat's 1-norm (2-norm for the
    normalised kind); the mass allowed out is ``tol / sqrt(n)`` (``tol exp(-2 beta
    t)`` for the normalised kind), never below 1e-300, for any n."""
    from spread.models.heat import _poisson_window

    g = Graph.from_networkx(nx.cycle_graph(7))
    model = Heat(beta=0.8, kind=kind, tol=1e-9)
    f0 = {0: 3.0, 2: -1.0, 5: 0.5}
    times = np.array([1.5, 0.25, 4.0])
    start = time.perf_counter()
    res = spread.solve(g, f0, model, times=times)
    assert 0.0 < res.elapsed <= time.perf_counter() - start  # the call's own clock
    np.testing.assert_array_equal(res.max_heat, res.heat.max(axis=1))
    np.testing.assert_array_equal(res.total_heat, res.heat.sum(axis=1))
    q = model._cached_parts(g)[-1]
    if kind == "normalized":
        eps, norm = 1e-9 * np.exp(-1.6 * times), np.sqrt(9.0 + 1.0 + 0.25)
    else:
        eps, norm = np.full(3, 1e-9 / np.sqrt(7.0)), 4.5
    np.testing.assert_array_equal(Heat._eps(kind, 1e-9, 0.8, times, 7), eps)
    windows = [_poisson_window(0.8 * q * t, e) for t, e in zip(times, eps, strict=True)]
    assert res.n_terms == max(lo + w.size for lo, w, _ in windows)
    np.testing.assert_allclose(res.error_bound, max(m for *_, m in windows) * norm, rtol=1e-15)
    for n in (0, 1):  # a graph of one node or none: tol itself
        assert Heat._eps("undirected", 1e-9, 0.8, times, n).tolist() == [1e-9] * 3
    assert Heat._eps("normalized", 1e-9, 0.8, np.array([1e3]), 7).tolist() == [1e-300]


def test_heat_is_the_same_on_one_thread_or_all():
    """The kernels update each node from its in-arcs alone, so threads change only the
    time: `n_jobs` (and the default's switch at a million arcs) cannot change a bit."""
    g = spread.datasets.load("karate")
    model = Heat(beta=0.7)
    one = spread.solve(g, [0, 33], model, times=[0.5, 3.0], n_jobs=1)
    many = spread.solve(g, [0, 33], model, times=[0.5, 3.0], n_jobs=2)
    np.testing.assert_array_equal(one.heat, many.heat)
    np.testing.assert_array_equal(
        model.responses(g, [0, 5, 33], 2.0), one.model.responses(g, [0, 5, 33], 2.0)
    )


def test_heat_repr_names_what_was_set_and_parts_are_computed_once_per_graph():
    assert repr(Heat(beta=0.5)) == "Heat(beta=0.5)"
    model = Heat(beta=0.5, kind="directed", threshold=0.2)
    assert repr(model) == "Heat(beta=0.5, kind='directed', threshold=0.2)"
    g, h = Graph.from_edges([0, 1], [1, 2]), Graph.from_edges([0, 1], [1, 2])
    first = model._cached_parts(g)
    assert model._cached_parts(g) is first  # the same arrays: not recomputed
    other = model._cached_parts(h)
    assert other is not first
    for a, b in zip(first, other, strict=True):
        np.testing.assert_array_equal(a, b)


def test_heat_stays_put_on_a_graph_without_arcs():
    """No arc, no loss (q = 0): the step matrix is the identity at every time."""
    g = Graph.from_edges(np.array([], dtype=int), np.array([], dtype=int), labels=["a", "b", "c"])
    for kind in ("directed", "undirected"):
        res = spread.solve(g, {"a": 1.0, "c": 2.5}, Heat(beta=2.0, kind=kind), times=[0.0, 1.5])
        np.testing.assert_array_equal(res.heat, [[1.0, 0.0, 2.5], [1.0, 0.0, 2.5]])
    np.testing.assert_array_equal(Heat(beta=2.0).responses(g, [0, 2], 1.5), [[1, 0, 0], [0, 0, 1]])


def test_the_work_bound_counts_the_poisson_windows_last_index_of_passes():
    """`max_work` is checked against ``(lam + 40 sqrt(lam) + 60) (n + m)`` node-and-arc
    updates, ``lam = beta t q`` (the series' last possible index, `solve`'s docstring):
    exactly that much is allowed, a little less is refused, before any work."""
    g = Graph.from_networkx(nx.path_graph(5))  # undirected: q = 2, 8 arcs
    model, t = Heat(beta=1.5), 4.0
    lam = 1.5 * t * 2.0
    work = (lam + 40.0 * np.sqrt(lam) + 60.0) * (g.n_nodes + g.n_edges)
    spread.solve(g, [0], model, times=[1.0, t], max_work=work)
    model.responses(g, [0], t, max_work=work)
    with pytest.raises(spread.WorkLimitError, match="terms of the uniformization series"):
        spread.solve(g, [0], model, times=[1.0, t], max_work=work * (1 - 1e-12))
    with pytest.raises(spread.WorkLimitError, match="terms of the uniformization series"):
        model.responses(g, [0], t, max_work=work * (1 - 1e-12))


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
