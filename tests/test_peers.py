"""IC and LT agree with the peer libraries cynetdiff and pynetim (when installed).

Each peer is driven the way `benchmarks/_peers.py` documents (and `../shared/PEERS.md`
explains): the same CSR arcs, the same per-arc probabilities or LT weights, node ids
kept as ours, fresh randomness in every run. Mean spreads must agree with spread's
within 4 standard errors of their difference.
"""

import networkx as nx
import numpy as np
import pytest

import spread
from spread import IC, LT, Graph

N_NODES = 2000
N_SEEDS = 10
SPREAD_RUNS = 40000
PEER_RUNS = 20000

CASES = {  # id -> (spread model, "IC" or "LT", what the peer gets: float or per-arc array)
    "IC p=0.1": (IC(p=0.1), "IC", 0.1),
    "IC wc": (IC(p="wc"), "IC", "wc"),
    "LT 1/in-degree": (LT(), "LT", "wc"),
}


@pytest.fixture(scope="module")
def ba():
    """Barabási–Albert, n=2000, m=3, every edge as two arcs; 10 fixed seeds."""
    G = nx.barabasi_albert_graph(N_NODES, 3, seed=7)
    src, dst = np.array(G.edges()).T
    g = Graph.from_edges(src, dst, directed=False, labels=np.arange(N_NODES))
    seeds = np.sort(np.random.default_rng(8).choice(N_NODES, N_SEEDS, replace=False))
    return g, seeds


def peer_p(g, value):
    if value == "wc":  # 1/in-degree: IC's weighted cascade, LT's usual weights
        return spread.weights.weighted_cascade(g)
    return value


def assert_close(a, se_a, b, se_b):
    """Two Monte Carlo means agree within 4 standard errors of their difference."""
    se = np.hypot(se_a, se_b)
    assert abs(a - b) < 4 * se, f"{a} vs {b}: {abs(a - b) / se:.2f} standard errors apart"


def mean_se(sizes):
    sizes = np.asarray(sizes, dtype=np.float64)
    return sizes.mean(), sizes.std(ddof=1) / np.sqrt(sizes.size)


def cynetdiff_sizes(g, seeds, kind, p, n_runs, rng):
    """Per-run final sizes from cynetdiff, one `advance_until_completion` per run."""
    models = pytest.importorskip("cynetdiff.models")
    starts = np.ascontiguousarray(g.indptr[:-1], dtype=np.uint32)  # n entries, not n + 1
    heads = np.ascontiguousarray(g.indices, dtype=np.uint32)
    gen = np.random.default_rng(rng)
    if kind == "LT":
        w = np.ascontiguousarray(p, dtype=np.float32)
        sim = models.LinearThresholdModel(starts, heads, influence=w, rng=gen)
    elif np.ndim(p) == 0:
        sim = models.IndependentCascadeModel(starts, heads, activation_prob=p, rng=gen)
    else:
        probs = np.ascontiguousarray(p, dtype=np.float32)
        sim = models.IndependentCascadeModel(starts, heads, activation_probs=probs, rng=gen)
    sim.set_seeds([int(s) for s in seeds])  # numpy ints are rejected
    sizes = np.empty(n_runs, dtype=np.int64)
    for r in range(n_runs):
        sim.reset_model()
        sim.advance_until_completion()
        sizes[r] = sim.get_num_activated_nodes()
    return sizes


def pynetim_sizes(g, seeds, kind, p, n_runs, rng):
    """Per-run final sizes from pynetim, one `run_single_simulation` per run."""
    pynetim = pytest.importorskip("pynetim")
    tails = np.repeat(np.arange(g.n_nodes), g.out_degree)
    arcs = list(zip(tails.tolist(), g.indices.tolist(), strict=True))
    weights = float(p) if np.ndim(p) == 0 else np.asarray(p).tolist()
    # renumber=False keeps our node ids (the default relabels them)
    graph = pynetim.IMGraph(arcs, weights=weights, directed=True, renumber=False)
    seed_set = {int(s) for s in seeds}
    if kind == "LT":
        sim = pynetim.LinearThresholdModel(graph, seed_set)
    else:
        sim = pynetim.IndependentCascadeModel(graph, seed_set)
    # one explicit, distinct uint32 seed per run
    run_seeds = np.random.default_rng(rng).choice(2**32, size=n_runs, replace=False)
    return np.array([sim.run_single_simulation(random_seed=int(s)) for s in run_seeds])


PEERS = {"cynetdiff": cynetdiff_sizes, "pynetim": pynetim_sizes}


@pytest.mark.parametrize("peer", list(PEERS))
@pytest.mark.parametrize("case", list(CASES))
def test_mean_spread_agrees_with_peer(ba, peer, case):
    g, seeds = ba
    model, kind, value = CASES[case]
    p = peer_p(g, value)
    sizes = PEERS[peer](g, seeds, kind, p, PEER_RUNS, rng=11)
    assert sizes.min() >= N_SEEDS and sizes.max() <= g.n_nodes
    res = spread.simulate(g, g.label_of(seeds), model, n_runs=SPREAD_RUNS, rng=12)
    assert res.mean > 1.5 * N_SEEDS  # the cascades do spread: the check is not vacuous
    assert_close(res.mean, res.stderr, *mean_se(sizes))


def test_peer_inputs_are_what_spread_uses(ba):
    """The arrays handed to the peers are spread's own per-arc parameters."""
    g, _ = ba
    wc = spread.weights.weighted_cascade(g)
    assert np.array_equal(IC(p="wc").arc_probabilities(g), wc)
    assert np.array_equal(LT().arc_weights(g), wc)
    in_sums = np.bincount(g.indices, weights=wc, minlength=g.n_nodes)
    assert np.allclose(in_sums[g.in_degree > 0], 1.0)


# ------------------------------------------------------------ continuous time (EoN)
def bench_peers():
    """`benchmarks/_peers.py`, the home of the peer drivers (loaded by path: the
    benchmarks are not a package)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / "_peers.py"
    if not path.exists():  # an installed copy of the tests, without the benchmarks
        pytest.skip("benchmarks/_peers.py is not here")
    spec = importlib.util.spec_from_file_location("_bench_peers", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def digraph(g):
    """Our arcs as a networkx DiGraph on node ids 0 .. n - 1 (what EoN simulates on)."""
    G = nx.DiGraph()
    G.add_nodes_from(range(g.n_nodes))
    tails = np.repeat(np.arange(g.n_nodes), g.out_degree)
    G.add_edges_from(zip(tails.tolist(), g.indices.tolist(), strict=True))
    return G


def eon_ctic_sizes(g, seeds, p, rate, horizon, n_runs, rng):
    """Adopters by `horizon` from EoN's event-driven `fast_nonMarkov_SIR`, driven as CTIC.

    An infected node never recovers (recovery delay inf), and the transmission delay of
    an arc is Exp(`rate`) with probability `p`, else inf (never): independent per arc,
    each arc used at most once, as in `spread.CTIC`.
    """
    EoN = pytest.importorskip("EoN")
    G = digraph(g)
    gen = np.random.default_rng(rng)

    def transmission(u, v):
        return gen.exponential(1.0 / rate) if gen.random() < p else np.inf

    def recovery(u):
        return np.inf

    sizes = np.empty(n_runs, dtype=np.int64)
    for r in range(n_runs):
        susceptible = EoN.fast_nonMarkov_SIR(
            G,
            trans_time_fxn=transmission,
            rec_time_fxn=recovery,
            initial_infecteds=[int(s) for s in seeds],
            tmax=horizon,
        )[1]  # (times, S, I, R)
        sizes[r] = g.n_nodes - susceptible[-1]
    return sizes


def test_ctic_agrees_with_eon_in_mean_and_distribution(ba):
    """Adopters by t = 1.5 under CTIC(p = 0.15, Exp(1) delays) on BA(2000, 3): EoN's mean
    within 4 standard errors, and a two-sample KS test of the final sizes at level 1e-3."""
    from scipy import stats

    g, seeds = ba
    sizes = eon_ctic_sizes(g, seeds, 0.15, 1.0, 1.5, 3000, rng=13)
    model = spread.CTIC(p=0.15, delay=("exponential", 1.0))
    res = spread.simulate(g, g.label_of(seeds), model, n_runs=SPREAD_RUNS, horizon=1.5, rng=14)
    assert res.mean > 1.5 * N_SEEDS  # the cascades do spread
    assert_close(res.mean, res.stderr, *mean_se(sizes))
    assert stats.ks_2samp(res.final_sizes, sizes).pvalue > 1e-3


def eon_sir_sizes(g, seeds, beta, gamma, horizon, n_runs, rng):
    """Ever infected by `horizon` (I + R) from EoN's Markovian `fast_SIR` on our arcs."""
    EoN = pytest.importorskip("EoN")
    G = digraph(g)
    gen = np.random.default_rng(rng)
    sizes = np.empty(n_runs, dtype=np.int64)
    for r in range(n_runs):
        out = EoN.fast_SIR(
            G, beta, gamma, initial_infecteds=[int(s) for s in seeds], tmax=horizon, rng=gen
        )
        sizes[r] = g.n_nodes - out[1][-1]  # (times, S, I, R)
    return sizes


def test_sir_agrees_with_eon_in_mean_and_distribution(ba):
    """Markovian SIR (beta = 0.2 per arc, gamma = 1) on BA(2000, 3), infected by t = 3:
    EoN's `fast_SIR` mean within 4 standard errors, two-sample KS at level 1e-3."""
    from scipy import stats

    g, seeds = ba
    sizes = eon_sir_sizes(g, seeds, 0.2, 1.0, 3.0, 1500, rng=15)  # 11 ms a run
    model = spread.SIR(beta=0.2, gamma=1.0)
    res = spread.simulate(g, g.label_of(seeds), model, n_runs=SPREAD_RUNS, horizon=3.0, rng=16)
    assert res.mean > 1.5 * N_SEEDS
    assert_close(res.mean, res.stderr, *mean_se(sizes))
    assert stats.ks_2samp(res.final_sizes, sizes).pvalue > 1e-3


def test_sis_agrees_with_eon_in_mean_and_distribution(ba):
    """Markovian SIS (beta = 0.1 per arc, gamma = 1) on BA(2000, 3): the infectious at
    t = 4 against EoN's `fast_SIS`, mean within 4 standard errors, KS at level 1e-3."""
    from scipy import stats

    EoN = pytest.importorskip("EoN")
    g, seeds = ba
    G = digraph(g)
    gen = np.random.default_rng(17)
    peer = np.empty(1500, dtype=np.int64)
    for r in range(peer.size):
        out = EoN.fast_SIS(
            G, 0.1, 1.0, initial_infecteds=[int(s) for s in seeds], tmax=4.0, rng=gen
        )
        peer[r] = out[2][-1]  # (times, S, I): infectious at the last event before tmax
    model = spread.SIS(beta=0.1, gamma=1.0)
    res = spread.simulate(
        g, g.label_of(seeds), model, n_runs=SPREAD_RUNS // 4, horizon=4.0, rng=18
    )
    ours = res.infectious_per_step[:, 100]  # t = 4 (time_step = horizon / 100)
    assert ours.mean() > N_SEEDS  # endemic, not dying out: not vacuous
    assert_close(ours.mean(), ours.std(ddof=1) / np.sqrt(ours.size), *mean_se(peer))
    assert stats.ks_2samp(ours, peer).pvalue > 1e-3


def test_discrete_sis_agrees_with_eon(ba):
    """Discrete-time SIS with recovery after one step (gamma = 1, beta = 0.3 per arc and
    step) on BA(2000, 3): the infectious after 6 steps against EoN's
    `basic_discrete_SIS`, mean within 4 standard errors, KS at level 1e-3."""
    from scipy import stats

    EoN = pytest.importorskip("EoN")
    g, seeds = ba
    G = digraph(g)
    gen = np.random.default_rng(19)
    peer = np.empty(1500, dtype=np.int64)
    for r in range(peer.size):
        out = EoN.basic_discrete_SIS(
            G, 0.3, initial_infecteds=[int(s) for s in seeds], tmax=6, rng=gen
        )
        peer[r] = out[2][6] if out[2].size > 6 else 0  # (t, S, I): I after step 6
    model = spread.SIS(beta=0.3, gamma=1.0, discrete=True)
    res = spread.simulate(g, g.label_of(seeds), model, n_runs=SPREAD_RUNS // 4, horizon=6, rng=20)
    levels = res.infectious_per_step
    ours = levels[:, 6] if levels.shape[1] > 6 else np.zeros(levels.shape[0])
    assert ours.mean() > N_SEEDS  # growing, not dying out: not vacuous
    assert_close(ours.mean(), ours.std(ddof=1) / np.sqrt(ours.size), *mean_se(peer))
    assert stats.ks_2samp(ours, peer).pvalue > 1e-3


def test_non_markovian_sis_agrees_with_eon(ba):
    """SIS with gamma-law gaps between an arc's transmissions (shape 2, mean 4) and
    Weibull infectious periods (shape 2, scale 1.5) on BA(2000, 3): the infectious at
    t = 4 against EoN's `fast_nonMarkov_SIS` (fed each arc's transmission times, the
    cumulated gaps before the period's end), mean within 4 standard errors, KS at level
    1e-3."""
    from scipy import stats

    pytest.importorskip("EoN")
    peers = bench_peers()
    g, seeds = ba
    G = digraph(g)
    gen = np.random.default_rng(21)

    def transmissions(source, target, period):
        times, t = [], gen.gamma(2.0, 2.0)
        while t < period:
            times.append(t)
            t += gen.gamma(2.0, 2.0)
        return times

    def period(node):
        return 1.5 * gen.weibull(2.0)

    peer = np.empty(400, dtype=np.int64)
    for r in range(peer.size):
        peer[r] = peers.eon_non_markov_sis(G, seeds, transmissions, period, tmax=4.0)
    model = spread.SIS(transmission=("gamma", 2.0, 2.0), recovery=("weibull", 2.0, 1.5))
    res = spread.simulate(
        g, g.label_of(seeds), model, n_runs=SPREAD_RUNS // 4, horizon=4.0, rng=22
    )
    levels = res.infectious_per_step
    ours = levels[:, 100] if levels.shape[1] > 100 else np.zeros(levels.shape[0])
    assert ours.mean() > N_SEEDS  # spreading, not dying out: not vacuous
    assert_close(ours.mean(), ours.std(ddof=1) / np.sqrt(ours.size), *mean_se(peer))
    assert stats.ks_2samp(ours, peer).pvalue > 1e-3
