"""spread.parallel: the same answers on a Dask cluster as locally, through faults and Ctrl-C.

A module-wide LocalCluster of two single-threaded worker processes stands in for a
real cluster. Every test computes the local answer first (so that, with a cold Numba
cache, the workers load the kernels this process compiled).
"""

import importlib
import os
import pickle
import signal
import sys

import numpy as np
import pytest

import spread
from spread import IC, LT, parallel
from spread.exceptions import InvalidParameterError
from spread.fit import fit_bass, simulate_trend
from spread.models import Plan

simulate_module = importlib.import_module("spread.models.simulate")

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")


@pytest.fixture(scope="module")
def client():
    # Dask's nannies start workers with BLAS pinned to one thread (OMP_NUM_THREADS=1 and
    # friends); OpenBLAS then rounds SciPy's refits differently from this process (in
    # the 9th digit), so the bootstrap test gives the workers this process's own
    # environment (see the Notes of spread.parallel).
    with dask.config.set({"distributed.nanny.pre-spawn-environ": {}}):
        cluster = distributed.LocalCluster(
            n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None
        )
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


@pytest.fixture(scope="module")
def nethept():
    return spread.datasets.load("nethept")


def assert_same_spread(a, b):
    assert np.array_equal(a.final_sizes, b.final_sizes)
    assert np.array_equal(a.new_per_step, b.new_per_step)
    assert np.array_equal(a.node_probability, b.node_probability)
    assert a.root_seed == b.root_seed
    if a.recoveries_per_step is not None or b.recoveries_per_step is not None:
        assert np.array_equal(a.recoveries_per_step, b.recoveries_per_step)


def _spread_keys(prefix):
    def keys(dask_scheduler):
        return [k for k in dask_scheduler.tasks if str(k).startswith(prefix)]

    return keys


class _Bar:
    """A stand-in progress bar whose first update calls `on_update`."""

    def __init__(self, on_update):
        self.on_update = on_update
        self.calls = 0

    def update(self, n=1):
        self.calls += 1
        if self.calls == 1:
            self.on_update()

    def close(self):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ------------------------------------------------------------------ equality
@pytest.mark.parametrize(
    "model",
    [IC(p="wc"), IC(p=0.02), LT(), spread.CTIC(p="wc", delay=("weibull", 1.5, 1.0))],
    ids=repr,
)
def test_simulate_on_a_cluster_equals_local(client, nethept, model):
    seeds = list(range(50))
    here = spread.simulate(nethept, seeds, model, n_runs=1000, rng=7)
    there = spread.simulate(nethept, seeds, model, n_runs=1000, rng=7, client=client)
    assert_same_spread(here, there)
    assert there.new_per_step.shape == here.new_per_step.shape


def test_simulate_several_seed_sets_and_times_on_a_cluster(client):
    g = spread.datasets.load("karate")
    kw = {"n_runs": 300, "rng": 3, "keep_times": True}
    here = spread.simulate_sets(g, [[0], [33, 1]], IC(p=0.3), **kw)
    there = spread.simulate_sets(g, [[0], [33, 1]], IC(p=0.3), client=client, **kw)
    for a, b in zip(here, there, strict=True):
        assert_same_spread(a, b)
        assert np.array_equal(a.activation_times, b.activation_times)


def test_chunking_does_not_change_the_answer(client, nethept, monkeypatch):
    one = spread.simulate(nethept, [0, 1, 2], IC(p=0.1), n_runs=500, rng=11, client=client)
    monkeypatch.setattr(parallel, "CHUNKS_PER_THREAD", 25)
    many = spread.simulate(nethept, [0, 1, 2], IC(p=0.1), n_runs=500, rng=11, client=client)
    assert_same_spread(one, many)


@pytest.mark.parametrize(
    ("method", "model"),
    [("imm", IC(p="wc")), ("opim-c", IC(p=0.05)), ("imm", LT())],
    ids=["imm-wc", "opim-c", "imm-lt"],
)
def test_maximize_on_a_cluster_equals_local(client, nethept, method, model):
    kw = {"method": method, "eps": 0.4, "rng": 7, "n_eval_runs": 1000}
    here = spread.maximize(nethept, 5, model, **kw)
    there = spread.maximize(nethept, 5, model, client=client, **kw)
    assert there.seeds.tolist() == here.seeds.tolist()
    assert np.array_equal(there.gains, here.gains)
    assert (there.spread, there.spread_stderr) == (here.spread, here.spread_stderr)
    assert np.array_equal(there.prefix_spread, here.prefix_spread)
    assert (there.n_samples, there.memory_bytes) == (here.n_samples, here.memory_bytes)


def test_fresh_prefix_hits_on_a_cluster_are_those_of_the_next_sets(client, nethept):
    """`prefix_hits_fresh` reduces, on the workers, the sets that come after those a
    collection holds (its `first` included), as if sampled and counted locally."""
    from spread.im._coverage_kernels import prefix_coverage
    from spread.im.rrsets import RRSets

    model, k = IC(p="wc"), 5
    rank = np.full(nethept.n_nodes, k, dtype=np.int64)
    rank[[10, 20, 30, 40]] = np.arange(1, 5)
    rank[7] = 0
    remote = RRSets(nethept, model, 99, first=500, client=client)
    remote.extend(1000)
    hits = remote.prefix_hits_fresh(3000, rank, k)
    local = RRSets(nethept, model, 99, first=500)  # the same strata: they start at first
    local.extend(4000)
    offsets, members = local.flat()
    lo, hi = offsets[1000], offsets[4000]
    want = prefix_coverage(offsets[1000:4001] - lo, members[lo:hi], rank, k)
    np.testing.assert_array_equal(hits, want)
    assert hits[-1] > 0 and np.all(np.diff(hits) >= 0)  # not trivially equal


def test_budget_and_target_on_a_cluster_equal_local(client):
    """Weighted RR roots and each run's weighted reach, computed on the workers."""
    karate = spread.datasets.load("karate")
    costs = 1.0 + np.asarray(karate.out_degree, dtype=float) / 4
    kw = {"eps": 0.3, "rng": 3, "n_eval_runs": 1000, "target": range(0, 34, 2)}
    for method in ("imm", "opim-c"):
        kw.update(method=method, costs=costs, budget=8.0)
        here = spread.maximize(karate, None, IC(p=0.1), **kw)
        there = spread.maximize(karate, None, IC(p=0.1), client=client, **kw)
        assert there.seeds.tolist() == here.seeds.tolist()
        assert (there.spread, there.spread_stderr) == (here.spread, here.spread_stderr)
        assert np.array_equal(there.prefix_spread, here.prefix_spread)
        assert there.cost == here.cost <= 8.0


def test_maximize_ctic_up_to_a_horizon_on_a_cluster_equals_local(client, nethept):
    model = spread.CTIC(p="wc", delay=("weibull", 1.5, 1.0))
    kw = {"eps": 0.4, "rng": 7, "n_eval_runs": 1000, "horizon": 2.0}
    here = spread.maximize(nethept, 5, model, **kw)
    there = spread.maximize(nethept, 5, model, client=client, **kw)
    assert there.seeds.tolist() == here.seeds.tolist()
    assert np.array_equal(there.gains, here.gains)
    assert (there.spread, there.spread_stderr) == (here.spread, here.spread_stderr)
    assert np.array_equal(there.prefix_spread, here.prefix_spread)


def test_sis_on_a_cluster_equals_local(client, nethept):
    kw = {"n_runs": 300, "rng": 5, "horizon": 3.0}
    here = spread.simulate(nethept, [0, 1, 2], spread.SIS(beta=0.5, gamma=1.0), **kw)
    there = spread.simulate(
        nethept, [0, 1, 2], spread.SIS(beta=0.5, gamma=1.0), client=client, **kw
    )
    assert_same_spread(here, there)
    assert np.array_equal(here.infectious_per_step, there.infectious_per_step)


def test_celf_on_a_cluster_equals_local(client, nethept):
    kw = {"method": "celf", "n_runs": 200, "rng": 5, "candidates": list(range(300))}
    here = spread.maximize(nethept, 5, IC(p=0.01), fixed=[400], **kw)
    there = spread.maximize(nethept, 5, IC(p=0.01), fixed=[400], client=client, **kw)
    assert there.seeds.tolist() == here.seeds.tolist()
    assert np.array_equal(there.gains, here.gains)
    assert there.n_samples == here.n_samples
    assert there.spread == here.spread


def test_bootstrap_on_a_cluster_equals_local(client):
    fit = fit_bass(simulate_trend("bass", {"m": 5e3, "p": 0.01, "q": 0.4}, 30, rng=0))
    here = fit.bootstrap(30, rng=7)
    there = fit.bootstrap(30, rng=7, client=client)
    assert here.n_failed == there.n_failed
    assert there.params.equals(here.params)
    # extending continues the replicate indices, wherever either part ran
    more = fit.bootstrap(36, rng=8, result=there, client=client)
    assert more.params.iloc[: there.n_resamples].equals(there.params)
    assert more.params.equals(fit.bootstrap(36, rng=8, result=here).params)
    ci = fit.conf_int(0.9, "bootstrap", n_resamples=6, rng=9, client=client)
    assert ci == fit.conf_int(0.9, "bootstrap", n_resamples=6, rng=9)


def _draw(i, scale):
    return scale * parallel.replicate_rng(1, i).standard_normal(3)


def test_map_indices_is_ordered_and_independent_of_chunking(client, monkeypatch):
    here = parallel.map_indices(_draw, 40, start=5, shared=2.0)
    assert len(here) == 40
    np.testing.assert_array_equal(here[0], _draw(5, 2.0))
    monkeypatch.setattr(parallel, "CHUNKS_PER_THREAD", 7)
    there = parallel.map_indices(_draw, 40, start=5, shared=2.0, client=client)
    assert all(np.array_equal(a, b) for a, b in zip(here, there, strict=True))
    assert parallel.map_indices(lambda i: i * i, 4, client=client) == [0, 1, 4, 9]
    assert parallel.map_indices(_draw, 0, shared=1.0, client=client) == []


def test_graph_is_scattered_once_per_client(client, monkeypatch):
    g = spread.datasets.load("karate")
    model = IC(p="wc")
    spread.simulate(g, [0], model, n_runs=100, rng=0, client=client)
    sent = []
    real = client.scatter

    def counting(data, **kwargs):
        sent.append(data)
        return real(data, **kwargs)

    kw = {"eps": 0.5, "rng": 0, "evaluate": False, "client": client}
    spread.maximize(g, 3, model, **kw)
    monkeypatch.setattr(client, "scatter", counting)
    spread.simulate(g, [1], model, n_runs=100, rng=1, client=client)
    spread.maximize(g, 3, model, **kw)
    spread.simulate(g, [1], LT(), n_runs=100, rng=1, client=client)
    # the second IC and IMM calls reuse graph and probabilities; LT sends its plan
    assert len(sent) == 1
    assert isinstance(sent[0][0].obj, Plan) and sent[0][0].obj.kind == "lt"


# ------------------------------------------------------------------ faults
def test_a_worker_lost_mid_run_does_not_change_the_answer(client, nethept, monkeypatch):
    model, seeds = IC(p="wc"), list(range(20))
    here = spread.simulate(nethept, seeds, model, n_runs=3000, rng=21)
    pids = client.run(os.getpid)
    seen = {}

    def kill_a_busy_worker():
        # the first chunk has finished: kill a worker that is computing another one
        busy = {w: ks for w, ks in client.processing().items() if ks and w in pids}
        victim = sorted(busy)[0]
        seen["pending"] = len(busy[victim])
        os.kill(pids[victim], signal.SIGKILL)

    monkeypatch.setattr(parallel, "CHUNKS_PER_THREAD", 30)
    monkeypatch.setattr(simulate_module, "progress_bar", lambda *a, **k: _Bar(kill_a_busy_worker))
    there = spread.simulate(nethept, seeds, model, n_runs=3000, rng=21, client=client)
    assert seen["pending"] >= 1
    assert_same_spread(here, there)


def test_shared_data_lost_mid_run_is_sent_again(client, nethept, monkeypatch):
    # Dask cannot recompute scattered data: when it is gone (here cancelled, as if every
    # worker holding it had died), the chunks reading it are cancelled, and spread
    # sends the data again from the client and resubmits them.
    model = IC(p=0.05)
    here = spread.simulate(nethept, [5], model, n_runs=3000, rng=2)
    sent = []

    def drop_shared_data():
        futures = [future for future, _ in parallel._SHARED[nethept].values()]
        sent.extend(futures)
        client.cancel(futures, force=True)

    monkeypatch.setattr(parallel, "CHUNKS_PER_THREAD", 30)
    monkeypatch.setattr(simulate_module, "progress_bar", lambda *a, **k: _Bar(drop_shared_data))
    there = spread.simulate(nethept, [5], model, n_runs=3000, rng=2, client=client)
    assert sent and all(f.status == "cancelled" for f in sent)
    assert_same_spread(here, there)


def test_keyboard_interrupt_cancels_the_futures(client, nethept, monkeypatch):
    def interrupt():
        raise KeyboardInterrupt

    monkeypatch.setattr(parallel, "CHUNKS_PER_THREAD", 20)
    monkeypatch.setattr(simulate_module, "progress_bar", lambda *a, **k: _Bar(interrupt))
    before = set(client.futures)
    with pytest.raises(KeyboardInterrupt):
        spread.simulate(nethept, [0, 1], IC(p="wc"), n_runs=4000, rng=3, client=client)
    ours = [k for k in set(client.futures) - before if str(k).startswith("spread-simulate")]
    assert ours == []
    # the scheduler forgets them once it has read the cancellation (a message away)
    for _ in range(500):
        left = client.run_on_scheduler(_spread_keys("spread-simulate"))
        if not left:
            break
    assert left == []


# ------------------------------------------------------------------ errors and contract
def test_client_errors_name_the_parameter(nethept, monkeypatch):
    with pytest.raises(
        InvalidParameterError,
        match=r"`client` must be a dask\.distributed\.Client or None; got str",
    ):
        spread.simulate(nethept, [0], IC(p=0.1), client="tcp://scheduler:8786")
    with pytest.raises(
        InvalidParameterError, match=r"`client` must be a dask\.distributed\.Client"
    ):
        spread.maximize(nethept, 2, IC(p=0.1), client=object())
    monkeypatch.setitem(sys.modules, "distributed", None)  # as if dask were not installed
    with pytest.raises(ModuleNotFoundError, match=r"pip install 'spread\[dask\]'"):
        spread.simulate(nethept, [0], IC(p=0.1), client=object())
    with pytest.raises(InvalidParameterError, match="`n_indices` must be an integer >= 0; got -1"):
        parallel.map_indices(abs, -1)


def test_closed_client_is_refused(client, nethept):
    other = distributed.Client(client.scheduler.address)
    other.close()
    with pytest.raises(InvalidParameterError, match="its status is 'closed'"):
        spread.simulate(nethept, [0], IC(p=0.1), client=other)


def test_plans_travel_without_the_models_caches(nethept):
    # Workers get a model's plan (its kernel arrays), not the model, whose per-graph
    # caches are weak references and cannot be pickled.
    for model in (IC(p=0.1), IC(p="wc"), LT()):
        plan = model.plan(nethept)
        back = pickle.loads(pickle.dumps(plan))
        assert back.kind == plan.kind and len(back.args) == len(plan.args)


def test_chunk_bounds():
    assert parallel.chunk_bounds(0, 4) == [0]
    assert parallel.chunk_bounds(10, 1) == [0, 2, 5, 7, 10]
    assert parallel.chunk_bounds(3, 8) == [0, 1, 2, 3]
    assert parallel.chunk_bounds(1000, 2, min_size=400) == [0, 500, 1000]
    bounds = parallel.chunk_bounds(100_000, 1, max_size=10_000)
    assert len(bounds) == 11 and bounds[-1] == 100_000
    assert max(np.diff(bounds)) <= 10_000


def test_rr_tasks_hold_about_64_mib_of_sets_at_most():
    """On a cluster an RR-set task holds at most 64 MiB of sets, each costing
    ``(4 avg + 8) * 1.25`` bytes (members, offset, a quarter's slack), and at least
    1,024 sets; as few tasks as that allows, at least 4 per worker thread. Tried on
    the boundary: exactly 39 full tasks, and one set more."""
    from types import SimpleNamespace

    from spread.im.rrsets import RRSets

    cluster = SimpleNamespace(client=SimpleNamespace(nthreads=lambda: {"a": 1, "b": 1}))
    avg = 50.0
    per_task = int(64 * 2**20 / ((4 * avg + 8) * 1.25))
    for n, tasks in ((39 * per_task, 39), (39 * per_task + 1, 40), (5000, 4), (20_000, 8)):
        bounds = RRSets._task_bounds(cluster, 7, 7 + n, avg)
        assert bounds[0] == 7 and bounds[-1] == 7 + n
        assert len(bounds) - 1 == tasks
        assert max(np.diff(bounds)) <= max(per_task, 1024)
