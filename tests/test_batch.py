"""The one Monte Carlo loop (`spread.models._batch`): its paths agree, its work is bounded.

Run ``r`` depends only on (root, r): the batched loop, the one-call path CELF uses
(`final_sizes`), any thread count and chunking, with and without per-node counts, must
give the same final sizes. Work past `max_work` is refused before it starts, quickly (pytest-timeout fails a hang).
"""

import networkx as nx
import numpy as np
import pytest

import spread
from spread import IC, LT, Graph, WorkLimitError
from spread.models import final_sizes, run_batch, seed_arrays


@pytest.fixture(scope="module")
def graph():
    return Graph.from_networkx(nx.barabasi_albert_graph(300, 3, seed=5))


@pytest.mark.parametrize("model", [IC(p=0.1), IC(p="wc"), LT()], ids=repr)
def test_every_path_gives_the_same_runs(graph, model):
    plan = model.plan(graph)
    seeds = seed_arrays([np.array([0, 7, 42], dtype=np.int32)])
    root = np.uint64(99)
    kw = {"n_runs": 500, "max_steps": graph.n_nodes, "root": root}
    reference = run_batch(graph, plan, seeds, **kw).final_sizes
    variants = {
        "two threads": run_batch(graph, plan, seeds, n_threads=2, **kw).final_sizes,
        "no steps": run_batch(graph, plan, seeds, record_steps=False, **kw).final_sizes,
        "no node counts": run_batch(graph, plan, seeds, count_nodes=False, **kw).final_sizes,
        "one call": final_sizes(graph, plan, seeds, **kw),
        "one call, three chunks": final_sizes(graph, plan, seeds, n_chunks=3, **kw),
    }
    for name, sizes in variants.items():
        assert np.array_equal(sizes, reference), name
    counted = run_batch(graph, plan, seeds, **kw).node_counts
    assert counted.sum() == reference.sum()  # every activation counted once
    assert run_batch(graph, plan, seeds, count_nodes=False, **kw).node_counts is None


def test_runs_continue_from_first(graph):
    """Runs 200..499 alone are the tail of runs 0..499 (the loop may cut anywhere)."""
    plan = IC(p=0.1).plan(graph)
    seeds = seed_arrays([np.array([3], dtype=np.int32)])
    kw = {"max_steps": graph.n_nodes, "root": np.uint64(1)}
    whole = run_batch(graph, plan, seeds, n_runs=500, **kw).final_sizes
    tail = run_batch(graph, plan, seeds, n_runs=300, first=200, **kw).final_sizes
    assert np.array_equal(tail, whole[200:])


@pytest.mark.parametrize("model", [IC(p=0.2), IC(p="wc"), LT()], ids=repr)
def test_runs_cycle_through_the_seed_sets(graph, model):
    """Pins the seed-set look-up: run r starts from set ``r % n_sets`` and from it alone
    (its seeds at step 0, no other set's), and is the run r of a batch of that set only.
    """
    plan = model.plan(graph)
    sets = [np.array([0], np.int32), np.array([5, 6, 7], np.int32), np.array([10, 11], np.int32)]
    kw = {"max_steps": graph.n_nodes, "root": np.uint64(7), "keep_times": True}
    runs = run_batch(graph, plan, seed_arrays(sets), n_runs=9, **kw)
    for r in range(9):
        s = sets[r % 3]
        assert runs.new_per_step[r, 0] == s.size
        at_zero = np.flatnonzero(runs.activation_times[r] == 0)
        assert np.array_equal(at_zero, s)
        alone = run_batch(graph, plan, seed_arrays([s]), n_runs=1, first=r, **kw)
        assert alone.final_sizes[0] == runs.final_sizes[r]
        assert np.array_equal(alone.activation_times[0], runs.activation_times[r])


@pytest.mark.parametrize(
    "model", [IC(p=0.2), LT(weights="wc"), spread.CTIC(p=0.3, delay=("exponential", 1.0))]
)
def test_each_runs_weighted_reach_is_the_weight_of_the_nodes_it_activated(model):
    """An audience's reach (`node_weight`, targeted influence maximization): each run's
    `weighted_sizes` is the total weight of the nodes it activated, and the weights
    change no run."""
    karate = spread.datasets.load("karate")
    weights = np.random.default_rng(0).uniform(0, 2, karate.n_nodes)
    weights[::3] = 0.0
    plan = (
        model.plan(karate)
        if not isinstance(model, spread.CTIC)
        else model.plan(karate, horizon=2.0)
    )

    def runs(**extra):
        seeds = seed_arrays([np.array([0, 33], dtype=np.int32)])
        kwargs = {"n_runs": 300, "max_steps": karate.n_nodes, "root": np.uint64(11)}
        return run_batch(karate, plan, seeds, **kwargs, **extra)

    weighted = runs(keep_times=True, node_weight=weights)
    times = weighted.activation_times
    reached = times >= 0 if times.dtype.kind == "i" else ~np.isnan(times)
    assert np.allclose(weighted.weighted_sizes, reached @ weights, rtol=1e-12)
    plain = runs()
    assert np.array_equal(plain.final_sizes, weighted.final_sizes)
    assert plain.weighted_sizes is None


def _refused_quickly(call, *words):
    """`WorkLimitError` naming `words` (a hang instead fails the test's timeout)."""
    with pytest.raises(WorkLimitError) as info:
        call()
    for word in words:
        assert word in str(info.value)


@pytest.mark.timeout(120)
def test_simulate_refuses_unbounded_work():
    g = spread.datasets.load("karate")
    # spontaneous adoption at a negligible rate: every run would go on for max_steps
    model = IC(p=0.1, external=1e-300)
    _refused_quickly(
        lambda: spread.simulate(g, [0], model, n_runs=10**5, max_steps=10**15),
        "`n_runs` = 100,000 runs",
        "`max_steps`",
        "`max_work`",
    )
    # the same call is allowed when asked for, and a small one runs
    res = spread.simulate(g, [0], model, n_runs=10, max_steps=50, rng=0)
    assert res.final_sizes.shape == (10,)


@pytest.mark.timeout(120)
def test_maximize_refuses_unbounded_work():
    g = spread.datasets.load("karate")
    _refused_quickly(
        lambda: spread.maximize(g, 2, IC(p=0.1), method="celf", n_runs=10**18),
        "CELF",
        "`n_runs`",
    )
    _refused_quickly(
        lambda: spread.maximize(g, 2, IC(p=0.1), n_eval_runs=10**18, rng=0),
        "`n_eval_runs` = 1,000,000,000,000,000,000 runs",
        "updates per run in a pilot",
    )
    # a bound the work fits under lets it through (the pilot measures ~70 updates/run)
    sel = spread.maximize(g, 2, IC(p=0.1), n_eval_runs=100, rng=0, max_work=1e6)
    assert np.isfinite(sel.spread)
    with pytest.raises(WorkLimitError, match="`n_eval_runs` = 100,000 runs"):
        spread.maximize(g, 2, IC(p=0.1), n_eval_runs=100_000, rng=0, max_work=1e5)


@pytest.mark.timeout(120)
def test_bootstrap_refuses_unbounded_work():
    from spread.fit import fit_bass, simulate_trend

    fit = fit_bass(simulate_trend("bass", {"m": 5e3, "p": 0.01, "q": 0.4}, 30, rng=0))
    _refused_quickly(lambda: fit.bootstrap(10**18, rng=0), "`n_resamples`", "30 observations")
    assert fit.bootstrap(5, rng=0).n_resamples + fit.bootstrap(5, rng=0).n_failed == 5


@pytest.mark.timeout(120)
def test_heat_refuses_unbounded_work():
    g = spread.datasets.load("karate")
    _refused_quickly(
        lambda: spread.solve(g, [0], spread.Heat(beta=1e6), times=[1e6]),
        "uniformization series",
        "`beta`",
    )
    # None lifts the bound; a small product of beta and time needs no lifting
    res = spread.solve(g, [0], spread.Heat(beta=1.0), times=[1.0], max_work=None)
    assert np.isclose(res.heat[-1].sum(), 1.0)
