"""Property-based fuzzing of spread's public boundaries (run by tests/test_fuzz_api.py).

Every call here gets arguments drawn from hostile strategies: NaN, infinities, negative
and huge numbers, booleans, strings, None, objects, empty, 0-d and 2-d arrays, labels
that are not in the graph, contradictory options. The property, for every boundary: the
call returns a valid result or raises a `spread.SpreadError`; anything else (a builtin
exception leaking from numpy, pandas or scipy, a wrong result type, a crash) fails.

This module is not collected by pytest directly: `tests/test_fuzz_api.py` runs it in a
child process, so that a segmentation fault fails a test instead of killing the suite,
and under a time limit, so that a hang fails too. The number of examples per boundary
comes from ``SPREAD_FUZZ_EXAMPLES`` (default 25); the run is derandomized (reproducible)
unless ``SPREAD_FUZZ_SEED`` is set. A long run by hand::

    SPREAD_FUZZ_EXAMPLES=5000 SPREAD_FUZZ_SEED=1 python -m pytest tests/fuzz_api.py -q \
        -p no:cacheprovider
"""

import datetime as dt
import math
import os
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

import spread
from spread import IC, LT, Heat, SpreadError
from spread.fit import (
    Calibration,
    Cascades,
    HeatEstimator,
    ICEstimator,
    LTEstimator,
    ModelChoice,
    Trend,
    calibration,
    choose,
    fit_bass,
    fit_hawkes,
    fit_ic,
    fit_logistic,
    fit_lt,
    naive_forecast,
)
from spread.im.maximize import METHODS

EXAMPLES = int(os.environ.get("SPREAD_FUZZ_EXAMPLES", "25"))
SEED = os.environ.get("SPREAD_FUZZ_SEED")
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=SEED is None,
    suppress_health_check=list(HealthCheck),
    database=None,
)


def fuzz(test):
    """The shared settings, and the seed of a by-hand run."""
    test = SETTINGS(test)
    return seed(int(SEED))(test) if SEED is not None else test


KARATE = spread.datasets.load("karate")
SMALL = spread.Graph.from_edges(["a", "b", "c", "d"], ["b", "c", "d", "a"], directed=True)
GRAPHS = [KARATE, SMALL, spread.Graph([0, 0], [])]
CONTACTS = spread.TemporalGraph.from_contacts(
    ["a", "b", "c", "a"], ["b", "c", "d", "c"], [1, 2, 3, 0.5]
)

# --------------------------------------------------------------- hostile values
NUMBERS = st.one_of(
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, -1, 0.5, 1e-300, 1e300, 2**63, True, False, np.nan, np.inf]),
)
SCALARS = st.one_of(
    NUMBERS,
    st.none(),
    st.text(max_size=5),
    st.sampled_from(["", "wc", "weight", "trivalency", "auto", "mc", "dmp", "nan", "1"]),
    st.just(object()),
    st.just(pd.NA),
    st.just(pd.NaT),
)


def arrays(max_size=12):
    """Arrays of every shape and dtype that a user might pass."""
    floats = st.lists(
        st.floats(allow_nan=True, allow_infinity=True, width=64), max_size=max_size
    ).map(np.array)
    ints = st.lists(st.integers(-5, 40), max_size=max_size).map(np.array)
    return st.one_of(
        floats,
        ints,
        st.lists(st.booleans(), max_size=max_size).map(np.array),
        st.lists(SCALARS, max_size=max_size),
        st.lists(st.floats(0, 1), max_size=max_size),
        st.just(np.zeros((2, 3))),
        st.just(np.array(0.5)),
        st.just(np.array([], dtype=float)),
        st.just(np.array(["a", "b"], dtype=object)),
        st.just([[1.0], [1.0, 2.0]]),  # ragged
        st.just(pd.Series([1, None, 3], dtype="Int64")),
        SCALARS,
    )


TIMES = st.one_of(
    st.datetimes(),
    st.datetimes(timezones=st.sampled_from([None, dt.UTC, dt.timezone(dt.timedelta(hours=5))])),
    st.sampled_from(
        [
            "2024-01-01",
            "2024-01-01 10:30",
            "2024-13-45",
            "yesterday",
            "",
            np.datetime64("2024-01-01"),
            np.datetime64("3000-01-01", "s"),
            np.datetime64("NaT"),
            pd.Timestamp("2024-06-01", tz="Europe/Paris"),
            pd.Timestamp.min,
            pd.Timestamp.max,
            pd.NaT,
        ]
    ),
)
SPANS = st.one_of(
    st.sampled_from(["1h", "5min", "1D", "0h", "-1h", "1M", "ME", "W", "x", "1ns"]),
    st.timedeltas(),
    NUMBERS,
)


def times(max_size=8):
    """Event or bin times: datetimes of every kind, numbers, or a mix."""
    return st.one_of(
        st.lists(TIMES, max_size=max_size),
        st.lists(st.one_of(TIMES, NUMBERS), max_size=max_size),
        st.lists(st.datetimes(), min_size=1, max_size=max_size).map(pd.DatetimeIndex),
        st.lists(st.datetimes(), min_size=1, max_size=max_size).map(
            lambda x: np.array(x, dtype="datetime64[s]")
        ),
        st.lists(st.floats(-1e3, 1e3), min_size=1, max_size=max_size),
    )


VALUES = st.one_of(SCALARS, arrays())
SEEDS = st.one_of(
    st.lists(st.integers(-2, 40), max_size=5),
    st.lists(st.sampled_from(["a", "b", "z", None, np.nan, 0, 33, 34]), max_size=4),
    st.lists(st.lists(st.integers(0, 33), max_size=3), max_size=3),
    arrays(),
    SCALARS,
)
SMALL_RUNS = st.one_of(st.integers(1, 30), NUMBERS, st.sampled_from([10**12, 0, -3]))
# Counts of legitimately heavy work (cascades, refits): a few, or past any bound, or not
# counts; millions of them would be minutes and gigabytes of work asked for.
FEW_OR_HUGE = st.one_of(
    st.integers(1, 30),
    st.integers(10**12, 2**70),
    st.sampled_from([0, -1, 1.5, None, "3", True, np.nan, object(), 2**63, -(2**63)]),
)


def as_list(x):
    """A drawn value as a list of cells for a DataFrame column (scalars: one cell)."""
    if isinstance(x, list):
        return x
    if isinstance(x, np.ndarray | pd.Series):
        return list(x) if np.ndim(x) else [x.item()]
    return [x]


def check(call):
    """Run `call`: a result or a SpreadError, nothing else."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            try:
                return call()
            except SpreadError:
                return None
            except (MemoryError, RecursionError) as exc:  # pragma: no cover - reported
                pytest.fail(f"{type(exc).__name__} escaped: {exc!r}")


def assert_graph(g):
    if g is None:
        return
    assert isinstance(g, spread.Graph)
    assert g.indptr[0] == 0 and g.indptr[-1] == g.n_edges
    if g.n_edges:
        assert 0 <= g.indices.min() and g.indices.max() < g.n_nodes
    assert len(g.labels) == g.n_nodes
    if g.weights is not None:
        assert np.isfinite(g.weights).all()


# ------------------------------------------------------------------------ graphs
@fuzz
@given(VALUES, VALUES, VALUES, st.booleans(), st.one_of(st.none(), VALUES))
def test_graph_from_edges(sources, targets, weights, directed, labels):
    assert_graph(
        check(
            lambda: spread.Graph.from_edges(
                sources, targets, weights, directed=directed, labels=labels
            )
        )
    )


@fuzz
@given(VALUES, VALUES, st.one_of(st.none(), VALUES), st.booleans())
def test_graph_from_csr(indptr, indices, weights, directed):
    assert_graph(check(lambda: spread.Graph(indptr, indices, weights, directed=directed)))


@fuzz
@given(arrays(), arrays(), arrays(), st.booleans())
def test_graph_from_pandas(src, dst, w, directed):
    def call():
        n = min(len(as_list(src)), len(as_list(dst)), len(as_list(w)))
        df = pd.DataFrame({"s": as_list(src)[:n], "t": as_list(dst)[:n], "w": as_list(w)[:n]})
        return spread.Graph.from_pandas(df, "s", "t", weight="w", directed=directed)

    assert_graph(check(call))


@fuzz
@given(st.lists(st.lists(NUMBERS, min_size=3, max_size=3), min_size=3, max_size=3))
def test_graph_from_scipy(rows):
    assert_graph(check(lambda: spread.Graph.from_scipy(np.array(rows, dtype=object))))


# ------------------------------------------------------------------------ models
MODELS = st.one_of(
    st.builds(lambda p, e: IC(p=p, external=e), VALUES, st.one_of(st.just(0.0), NUMBERS)),
    st.builds(
        lambda w, t, law: LT(weights=w, thresholds=t, threshold_law=law),
        st.one_of(st.just("wc"), VALUES),
        st.one_of(st.none(), VALUES),
        st.one_of(st.just("uniform"), st.tuples(st.just("beta"), NUMBERS, NUMBERS), SCALARS),
    ),
)


@fuzz
@given(st.data())
def test_models_and_simulate(data):
    model = check(lambda: data.draw(MODELS))
    if model is None:
        return
    graph = data.draw(st.sampled_from(GRAPHS))
    seeds = data.draw(SEEDS)
    n_runs = data.draw(SMALL_RUNS)
    max_steps = data.draw(st.one_of(st.none(), st.integers(0, 10), NUMBERS))
    rng = data.draw(st.one_of(st.integers(0, 2**64), SCALARS))
    keep = data.draw(st.one_of(st.booleans(), SCALARS))
    res = check(
        lambda: spread.simulate(
            graph,
            seeds,
            model,
            n_runs=n_runs,
            max_steps=max_steps,
            rng=rng,
            keep_times=keep,
            progress=False,
        )
    )
    if res is not None:
        assert isinstance(res, spread.SpreadResult)
        assert (res.final_sizes >= 1).all() and (res.final_sizes <= graph.n_nodes).all()
        assert np.array_equal(res.new_per_step.sum(axis=1), res.final_sizes)
        assert ((0 <= res.node_probability) & (res.node_probability <= 1)).all()


@fuzz
@given(st.data())
def test_simulate_sets(data):
    seed_sets = data.draw(st.one_of(st.lists(SEEDS, max_size=3), VALUES))
    res = check(lambda: spread.simulate_sets(KARATE, seed_sets, IC(p=0.1), n_runs=10, rng=0))
    if res is not None:
        assert isinstance(res, spread.SpreadResults)


@fuzz
@given(st.data())
def test_heat(data):
    model = check(
        lambda: Heat(
            beta=data.draw(NUMBERS),
            kind=data.draw(
                st.one_of(
                    st.none(), st.sampled_from(["undirected", "directed", "normalized", "x"])
                )
            ),
            threshold=data.draw(st.one_of(st.none(), NUMBERS)),
            source_heat=data.draw(st.one_of(st.just(1.0), NUMBERS)),
            tol=data.draw(st.one_of(st.just(1e-10), NUMBERS)),
        )
    )
    if model is None:
        return
    graph = data.draw(st.sampled_from(GRAPHS))
    seeds = data.draw(st.one_of(SEEDS, st.dictionaries(st.integers(0, 40), NUMBERS, max_size=3)))
    times = data.draw(VALUES)
    res = check(lambda: spread.solve(graph, seeds, model, times=times))
    if res is not None:
        assert np.isfinite(res.heat).all()
        assert res.heat.shape[1] == graph.n_nodes


@fuzz
@given(st.data())
def test_maximize(data):
    graph = data.draw(st.sampled_from([*GRAPHS, CONTACTS]))
    model = data.draw(
        st.sampled_from(
            [
                IC(p=0.1),
                IC(p="wc"),
                LT(),
                Heat(beta=0.3, threshold=0.05),
                spread.CTIC(p=0.3),
                spread.TemporalIC(p=0.5),
                spread.TemporalIC(attempts="first", recovery=("fixed", 1.0)),
            ]
        )
    )
    method = data.draw(st.one_of(st.sampled_from(METHODS), SCALARS))
    kwargs = {
        "eps": data.draw(st.one_of(st.just(0.5), NUMBERS)),
        "rng": data.draw(st.one_of(st.integers(0, 9), SCALARS)),
        "n_runs": data.draw(st.one_of(st.integers(1, 20), NUMBERS)),
        "n_eval_runs": data.draw(st.one_of(st.integers(2, 30), NUMBERS)),
        "failure_probability": data.draw(st.one_of(st.none(), NUMBERS)),
        "candidates": data.draw(st.one_of(st.none(), SEEDS)),
        "exclude": data.draw(st.one_of(st.none(), SEEDS)),
        "fixed": data.draw(st.one_of(st.none(), SEEDS)),
        "horizon": data.draw(st.one_of(st.none(), st.just(1.0), NUMBERS)),
        "stability": data.draw(st.one_of(st.just(0.01), NUMBERS)),
        "max_rr_sets": data.draw(st.one_of(st.none(), st.integers(2, 5000), NUMBERS)),
        "max_memory": data.draw(st.one_of(st.none(), st.integers(1, 10**9), NUMBERS)),
        "evaluate": data.draw(st.one_of(st.booleans(), SCALARS)),
        "progress": False,
    }
    k = data.draw(st.one_of(st.integers(0, 5), NUMBERS))
    sel = check(lambda: spread.maximize(graph, k, model, method=method, **kwargs))
    if sel is not None:
        assert isinstance(sel, spread.SeedSelection)
        assert len(set(sel.seeds.tolist())) == len(sel.seeds) <= graph.n_nodes


def per_node(graph, data):
    """Per-node numbers (costs, weights) as a user might pass them, some of them hostile."""
    n = graph.n_nodes
    good = st.lists(st.floats(0.1, 5.0), min_size=n, max_size=n)
    return data.draw(
        st.one_of(
            good.map(np.array),
            good,
            st.dictionaries(st.sampled_from([0, 1, 33, "a", "b", "z", None]), NUMBERS, max_size=4),
            st.dictionaries(st.sampled_from(graph.labels.tolist() or [0]), st.floats(0, 3)),
            arrays(),
            SEEDS,
        )
    )


@fuzz
@given(st.data())
def test_budgets_and_audiences(data):
    graph = data.draw(st.sampled_from(GRAPHS))
    model = data.draw(st.sampled_from([IC(p=0.1), LT(), spread.CTIC(p=0.3), Heat(beta=0.3)]))
    costs = data.draw(st.one_of(st.none(), st.just(per_node(graph, data))))
    budget = data.draw(st.one_of(st.none(), st.floats(0.5, 8.0), NUMBERS))
    target = data.draw(st.one_of(st.none(), st.just(per_node(graph, data)), SEEDS))
    k = data.draw(st.one_of(st.none(), st.integers(1, 3), NUMBERS))
    method = data.draw(st.sampled_from(["imm", "opim-c", "celf", "degree"]))
    sel = check(
        lambda: spread.maximize(
            graph,
            k,
            model,
            method=method,
            costs=costs,
            budget=budget,
            target=target,
            eps=data.draw(st.one_of(st.just(0.3), NUMBERS)),
            rng=0,
            n_eval_runs=20,
            progress=False,
        )
    )
    if sel is not None:
        assert isinstance(sel, spread.SeedSelection)
        assert len(set(sel.seeds.tolist())) == len(sel.seeds) <= graph.n_nodes
        if budget is not None:
            assert sel.cost <= sel.budget * (1 + 1e-12)
        if target is not None:
            assert 0 <= sel.spread <= sel.target_weight * (1 + 1e-9) or math.isnan(sel.spread)
    index = check(
        lambda: spread.InfluenceIndex.build(graph, IC(p=0.2), n_rr_sets=200, rng=0, target=target)
    )
    if index is None:
        return
    top = check(lambda: index.top(k, costs=costs, budget=budget))
    if top is not None:
        assert len(set(top["node"].tolist())) == len(top)
        assert (top["spread"] <= index.scale * (1 + 1e-12)).all()


# ---------------------------------------------------------------- real time
LAWS = st.one_of(
    st.tuples(
        st.sampled_from(["exponential", "weibull", "lognormal", "gamma", "fixed", "geometric"]),
        NUMBERS,
    ),
    st.tuples(st.sampled_from(["weibull", "lognormal", "gamma"]), NUMBERS, NUMBERS),
    st.tuples(st.sampled_from(["pareto", "exponential"]), VALUES, VALUES),
    VALUES,
)
REAL_TIME = st.one_of(
    st.builds(lambda p, d: spread.CTIC(p=p, delay=d), st.one_of(st.just(0.3), VALUES), LAWS),
    st.builds(
        lambda b, g, discrete: spread.SIR(beta=b, gamma=g, discrete=discrete),
        VALUES,
        VALUES,
        st.one_of(st.booleans(), SCALARS),
    ),
    st.builds(lambda t, r: spread.SIR(transmission=t, recovery=r), LAWS, LAWS),
    st.builds(lambda b, g: spread.SIS(beta=b, gamma=g), VALUES, VALUES),
    st.builds(lambda t, r: spread.SIS(transmission=t, recovery=r), LAWS, LAWS),
    st.builds(lambda b, r: spread.SIS(beta=b, recovery=r), VALUES, LAWS),
)


@fuzz
@given(st.data())
def test_real_time_models_and_simulate(data):
    model = check(lambda: data.draw(REAL_TIME))
    if model is None:
        return
    graph = data.draw(st.sampled_from(GRAPHS))
    kwargs = {
        "n_runs": data.draw(SMALL_RUNS),
        "horizon": data.draw(st.one_of(st.none(), st.just(2.0), NUMBERS)),
        "time_step": data.draw(st.one_of(st.none(), NUMBERS)),
        "max_steps": data.draw(st.one_of(st.none(), st.just(3))),
        "rng": data.draw(st.one_of(st.integers(0, 9), SCALARS)),
        "keep_times": data.draw(st.booleans()),
        "progress": False,
    }
    res = check(lambda: spread.simulate(graph, data.draw(SEEDS), model, **kwargs))
    if res is not None:
        assert isinstance(res, spread.SpreadResult) and res.time_step > 0
        assert (res.final_sizes >= 1).all() and (res.final_sizes <= graph.n_nodes).all()
        assert (res.new_per_step.sum(axis=1) <= res.final_sizes).all()
        if res.recoveries_per_step is not None or res.infectious_per_step is not None:
            frame = res.prevalence()
            assert (frame["mean"] >= 0).all() and (frame["mean"] <= graph.n_nodes).all()


@fuzz
@given(st.data())
def test_influence_index(data):
    graph = data.draw(st.sampled_from([*GRAPHS, CONTACTS]))
    model = data.draw(
        st.sampled_from(
            [IC(p=0.1), LT(), spread.CTIC(p=0.5), Heat(beta=0.1), "ic", None, spread.TemporalIC()]
        )
    )
    index = check(
        lambda: spread.InfluenceIndex.build(
            graph,
            model,
            n_rr_sets=data.draw(st.one_of(st.integers(1, 500), NUMBERS)),
            rng=data.draw(st.one_of(st.integers(0, 9), SCALARS)),
            horizon=data.draw(st.one_of(st.none(), st.just(1.0), NUMBERS)),
            max_memory=data.draw(st.one_of(st.none(), st.integers(1, 10**9), NUMBERS)),
        )
    )
    if index is None:
        return
    seeds = data.draw(st.one_of(SEEDS, st.just([])))
    est = check(lambda: index.estimate(seeds))
    if est is not None:
        assert 0 <= est.mean <= graph.n_nodes and est.stderr >= 0
    gains = check(lambda: index.gains(seeds))
    if gains is not None:
        assert len(gains) == graph.n_nodes and (gains["gain"] >= 0).all()
    k = data.draw(st.one_of(st.integers(0, 5), NUMBERS))
    top = check(lambda: index.top(k, fixed=data.draw(st.one_of(st.none(), SEEDS))))
    if top is not None:
        assert len(set(top["node"].tolist())) == len(top)


@fuzz
@given(st.data())
def test_timestamped_contacts_and_temporal_ic(data):
    """Hostile contacts, windows and temporal models: a `TemporalGraph` or a named error;
    runs whose sizes and times are consistent."""
    n = data.draw(st.integers(0, 12))
    ids = st.one_of(st.integers(0, 5), st.sampled_from(["a", "b", None, np.nan, 2**64]))
    sources = data.draw(st.one_of(st.lists(ids, min_size=n, max_size=n), VALUES))
    targets = data.draw(st.one_of(st.lists(ids, min_size=n, max_size=n), VALUES))
    when = data.draw(
        st.one_of(st.lists(st.one_of(NUMBERS, TIMES), min_size=n, max_size=n), times(), VALUES)
    )
    tg = check(
        lambda: spread.TemporalGraph.from_contacts(
            sources, targets, when,
            directed=data.draw(st.one_of(st.booleans(), SCALARS)),
            self_loops=data.draw(st.one_of(st.sampled_from(["drop", "keep", "error"]), SCALARS)),
        )
    )  # fmt: skip
    if tg is None:
        return
    assert tg.n_contacts == int(tg.weights.sum()) if tg.n_edges else tg.n_contacts == 0
    assert np.isfinite(tg.contact_times).all()
    lo, hi = (
        data.draw(st.one_of(st.none(), NUMBERS, TIMES)),
        data.draw(st.one_of(st.none(), NUMBERS)),
    )
    window = check(lambda: tg.window(lo, hi))
    if window is not None:
        assert window.n_contacts <= tg.n_contacts and window.n_nodes == tg.n_nodes
    model = check(
        lambda: spread.TemporalIC(
            p=data.draw(st.one_of(st.just(0.5), VALUES)),
            attempts=data.draw(st.one_of(st.sampled_from(["every", "first"]), SCALARS)),
            recovery=data.draw(st.one_of(st.none(), LAWS)),
            start=data.draw(st.one_of(st.none(), NUMBERS, TIMES)),
            reinfection=data.draw(st.one_of(st.just(False), st.booleans(), SCALARS)),
        )
    )
    if model is None:
        return
    res = check(
        lambda: spread.simulate(
            tg, data.draw(SEEDS), model, n_runs=data.draw(SMALL_RUNS),
            horizon=data.draw(st.one_of(st.none(), NUMBERS)),
            time_step=data.draw(st.one_of(st.none(), NUMBERS)),
            rng=data.draw(st.one_of(st.integers(0, 9), SCALARS)), keep_times=True,
            progress=False,
        )
    )  # fmt: skip
    if res is not None:
        assert (res.final_sizes >= 1).all() and (res.final_sizes <= tg.n_nodes).all()
        reached = ~np.isnan(res.activation_times)
        assert (reached.sum(axis=1) == res.final_sizes).all()
        assert (res.activation_times[reached] >= 0).all()
    reach = check(
        lambda: spread.reachable(
            tg, data.draw(SEEDS), start=data.draw(st.one_of(st.none(), NUMBERS)),
            horizon=data.draw(st.one_of(st.none(), NUMBERS)),
        )
    )  # fmt: skip
    if reach is not None:
        assert reach.is_monotonic_increasing and (reach >= 0).all()


# ------------------------------------------------------------------------ data
@fuzz
@given(
    st.one_of(VALUES, st.lists(st.integers(0, 9), min_size=1, max_size=8)),
    st.one_of(st.none(), VALUES, times()),
    st.one_of(st.none(), VALUES, SPANS),
    st.one_of(st.just("adopters"), SCALARS),
)
def test_trend(counts, index, freq, kind):
    tr = check(lambda: Trend(counts, index, freq=freq, kind=kind))
    if tr is not None:
        assert_trend(tr)


def assert_trend(tr):
    assert isinstance(tr, Trend)
    assert tr.n_bins >= 1 and np.isfinite(tr.counts).all() and (tr.counts >= 0).all()
    assert len(tr.index) == tr.n_bins and not tr.index.hasnans
    if tr.n_bins > 1:
        steps = np.diff(tr.index.asi8 if tr.is_datetime else tr.index.to_numpy(float))
        assert (steps > 0).all()


@fuzz
@given(
    st.one_of(VALUES, times()),
    st.one_of(st.none(), VALUES, SPANS),
    st.one_of(st.none(), VALUES, TIMES),
    st.one_of(st.none(), VALUES, TIMES),
)
def test_trend_from_timestamps(events, freq, start, end):
    tr = check(lambda: Trend.from_timestamps(events, freq=freq, start=start, end=end))
    if tr is not None:
        assert_trend(tr)
        assert tr.report is not None and tr.report.n_kept >= 0
        assert tr.counts.sum() == tr.report.n_kept


@fuzz
@given(arrays(), arrays(), st.one_of(arrays(), times()), st.booleans())
def test_cascades_from_frame(cascade, node, time, on_graph):
    def call():
        n = min(len(as_list(x)) for x in (cascade, node, time))
        df = pd.DataFrame(
            {
                "cascade": as_list(cascade)[:n],
                "node": as_list(node)[:n],
                "time": as_list(time)[:n],
            }
        )
        return Cascades.from_frame(df, graph=KARATE if on_graph else None)

    cs = check(call)
    if cs is not None:
        assert np.isfinite(cs.data["time"]).all() and (cs.data["time"] >= 0).all()


# ------------------------------------------------------------------------ fits
@fuzz
@given(VALUES, st.sampled_from([fit_bass, fit_logistic]), st.one_of(SCALARS, st.just("negbin")))
def test_curve_fits(counts, fit, loss):
    res = check(lambda: fit(counts, loss=loss))
    if res is not None:
        assert isinstance(res, spread.FitResult)
        assert res.success == (res.status == 0)
        if res.success:
            assert all(math.isfinite(v) for v in res.params.values())


@fuzz
@given(
    st.one_of(VALUES, times(), st.lists(st.floats(0, 100), min_size=2, max_size=30)),
    st.one_of(st.none(), VALUES, TIMES),
    st.one_of(st.none(), VALUES, TIMES),
    st.one_of(st.none(), SPANS),
)
def test_hawkes(events, start, end, time_unit):
    res = check(
        lambda: fit_hawkes(events, start=start, end=end, time_unit=time_unit, ci_method="wald")
    )
    if res is not None:
        assert res.success == (res.status == 0)


_HOURLY = Trend.from_counts(
    np.arange(1.0, 21.0) % 7, freq="1h", start=pd.Timestamp("2024-01-01 00:00")
)
_NUMERIC = Trend.from_counts(np.arange(1.0, 21.0) % 5, freq=0.5, start=3.0)
EVENT_NAMES = st.one_of(st.sampled_from(["news", "mu", "a1", "x1", "k"]), SCALARS)


@fuzz
@given(st.data())
def test_known_event_regressors(data):
    """event_regressors, and any `regressors` a binned Hawkes or IC fit is given."""
    trend = data.draw(st.sampled_from([_HOURLY, _NUMERIC]))
    events = data.draw(
        st.one_of(
            st.dictionaries(EVENT_NAMES, st.one_of(TIMES, NUMBERS), max_size=3),
            VALUES,
        )
    )
    shape = data.draw(st.one_of(st.sampled_from(["step", "pulse", "decay"]), SCALARS))
    half_life = data.draw(st.one_of(st.none(), NUMBERS, SCALARS))
    horizon = data.draw(st.one_of(st.integers(0, 30), FEW_OR_HUGE))
    made = check(
        lambda: spread.fit.event_regressors(
            trend, events, horizon=horizon, shape=shape, half_life=half_life
        )
    )
    if made is not None:
        assert isinstance(made, pd.DataFrame) and made.shape[0] >= trend.n_bins
        assert np.isfinite(made.to_numpy()).all()
    regressors = data.draw(
        st.one_of(
            st.just(made),
            VALUES,
            arrays(40),
            st.lists(NUMBERS, min_size=20, max_size=30).map(lambda a: pd.DataFrame({"x": a})),
            st.just(pd.DataFrame({"x": np.arange(25.0)}, index=_HOURLY.bin_labels(range(25)))),
        )
    )
    res = check(lambda: fit_hawkes(trend, regressors=regressors, loss="poisson"))
    if res is not None:
        assert res.success == (res.status == 0)
        if res.success:
            check(lambda: res.forecast(3, n_paths=5, rng=0))
    est = ICEstimator("dmp", external=True, regressors=regressors, ci_method=None)
    fit = check(lambda: est.fit(SMALL, trend.counts[:6], seeds=["a"]))
    if fit is not None:
        assert set(fit.params_) >= {"p", "external"}


@fuzz
@given(st.data())
def test_cycle_regressors(data):
    """cycle_regressors: any history (counts of any length, bins of any width or kind),
    period, harmonics, horizon and name; what it makes fits a binned Hawkes."""
    counts = data.draw(st.lists(st.floats(0, 1e6), min_size=1, max_size=80))
    history = data.draw(
        st.one_of(
            st.sampled_from(
                [
                    Trend.from_counts(counts, freq="1h", start=pd.Timestamp("2023-12-28")),
                    Trend.from_counts(counts, freq=0.5, start=-7.0),
                    Trend.from_counts(counts, freq="30min", start=pd.Timestamp("2023-12-28")),
                ]
            ),
            VALUES,
        )
    )
    trend = data.draw(st.sampled_from([_HOURLY, _NUMERIC]))
    period = data.draw(st.one_of(st.integers(-2, 40), SCALARS, NUMBERS))
    n_harmonics = data.draw(st.one_of(st.integers(-1, 12), SCALARS))
    horizon = data.draw(st.one_of(st.integers(0, 30), FEW_OR_HUGE))
    name = data.draw(st.one_of(st.sampled_from(["cycle", "daily", "not a name"]), SCALARS))
    made = check(
        lambda: spread.fit.cycle_regressors(
            history, trend, period=period, n_harmonics=n_harmonics, horizon=horizon, name=name
        )
    )
    if made is not None:
        assert isinstance(made, pd.DataFrame) and made.shape == (trend.n_bins + horizon, 1)
        assert np.isfinite(made.to_numpy()).all()
        check(lambda: fit_hawkes(trend, regressors=made, loss="poisson"))


_POSTS = [np.r_[0.0, np.sort((np.arange(1.0, 13.0) * (7 + i)) % 50)] for i in range(8)]


@fuzz
@given(st.data())
def test_popularity_predictor(data):
    """PopularityPredictor: its settings (valid ones, one at a time made hostile), the
    cascades it learns from and predicts, `at`."""
    settings_ = {
        "method": data.draw(st.sampled_from(["hawkes-eb", "seismic", "log-linear"])),
        "level": data.draw(st.floats(0.5, 0.99)),
        "n_paths": data.draw(st.integers(1, 50)),
        "calibrate": data.draw(st.booleans()),
        "point": data.draw(st.sampled_from(["median", "ape"])),
        "s0": data.draw(st.floats(0.1, 10.0)),
    }
    hostile = data.draw(st.sampled_from([None, *settings_]))
    if hostile is not None:
        settings_[hostile] = data.draw(st.one_of(SCALARS, NUMBERS))
    est = spread.fit.PopularityPredictor(**settings_, rng=0)
    bad = data.draw(st.sampled_from(["train", "new", "at", None, None]))  # made hostile
    train = _POSTS if bad != "train" else data.draw(st.one_of(VALUES, arrays(10)))
    fitted = check(lambda: est.fit(dict(enumerate(train)) if bad is None else train))
    if fitted is None:
        return
    new = _POSTS[:3] if bad != "new" else data.draw(st.one_of(VALUES, st.just([[0.0, np.nan]])))
    at = data.draw(st.floats(0.0, 60.0)) if bad != "at" else data.draw(st.one_of(NUMBERS, SCALARS))
    out = check(lambda: fitted.predict(new, at=at))
    if out is not None:
        assert list(out.columns) == ["cascade", "observed", "predicted", "lower", "upper", "mean"]
        assert (out["observed"] <= out["predicted"]).all()


def _returns(value):
    return lambda columns: value


@fuzz
@given(st.data())
def test_half_life_profile(data):
    """profile_half_life: its grid, level, refine, model (or what a callable returns).

    Each example makes at most one argument hostile, so that the others' valid values
    reach the fits (hostile everywhere, almost every call stops at the first check)."""
    trend = data.draw(st.sampled_from([_HOURLY, _NUMERIC]))
    when = "2024-01-01 05:00" if trend is _HOURLY else 5.0
    hostile = data.draw(
        st.sampled_from([None, "events", "half_lives", "model", "level", "refine"])
    )
    args = {
        "events": {"news": when},
        "half_lives": data.draw(
            st.one_of(st.none(), st.lists(st.floats(0.05, 100.0), min_size=2, max_size=4))
        ),
        "model": data.draw(
            st.sampled_from(["hawkes", lambda x: fit_hawkes(trend, regressors=x, loss="poisson")])
        ),
        "level": data.draw(st.floats(0.01, 0.999)),
        "refine": data.draw(st.booleans()),
    }
    if hostile == "events":
        args["events"] = data.draw(st.one_of(st.dictionaries(EVENT_NAMES, TIMES), VALUES))
    elif hostile == "half_lives":
        args["half_lives"] = data.draw(st.one_of(st.lists(NUMBERS, max_size=4), VALUES))
    elif hostile == "model":
        args["model"] = data.draw(st.one_of(SCALARS, VALUES.map(_returns)))
    elif hostile is not None:
        args[hostile] = data.draw(SCALARS)
    events = args.pop("events")
    prof = check(lambda: spread.fit.profile_half_life(trend, events, progress=False, **args))
    if prof is not None:
        low, high = prof.half_life_ci
        assert prof.half_life > 0
        assert prof.result.success or (math.isnan(low) and "No fit succeeded" in prof.message)
        assert math.isnan(low) or low <= prof.half_life <= high
        assert prof.table["half_life"].is_monotonic_increasing


COUNT_SERIES = st.one_of(VALUES, st.lists(st.integers(0, 50), max_size=80))
BASELINE_MODELS = st.one_of(
    st.just(["naive"]),
    st.just(["naive", "seasonal_naive"]),
    SCALARS,
    st.lists(SCALARS, max_size=2),
)


@fuzz
@given(st.data())
def test_model_choice_and_calibration(data):
    """`naive_forecast`, `choose` and `calibration` (issue 18); only the baselines are
    fitted, so every example is cheap."""
    counts = data.draw(COUNT_SERIES)
    horizon = data.draw(st.one_of(st.integers(1, 6), NUMBERS, SCALARS))
    n_origins = data.draw(st.one_of(st.integers(1, 4), NUMBERS, SCALARS))
    period = data.draw(st.one_of(st.none(), st.integers(1, 30), NUMBERS, SCALARS))
    level = data.draw(st.one_of(st.floats(0.01, 0.99), NUMBERS, SCALARS))
    n_paths = data.draw(N_DRAWS)
    rng = data.draw(st.one_of(st.integers(0, 9), SCALARS))
    which = data.draw(st.sampled_from(["naive_forecast", "choose", "calibration"]))
    if which == "naive_forecast":
        out = check(lambda: naive_forecast(counts, horizon, level, period=period, n_paths=n_paths))
        if out is not None:
            assert len(out) == horizon and np.isfinite(out.to_numpy()).all()
            assert (out["lower"] <= out["upper"]).all() and (out["lower"] >= 0).all()
    elif which == "choose":
        models = data.draw(BASELINE_MODELS)
        score = data.draw(st.one_of(st.sampled_from(["mase", "msis"]), SCALARS))
        out = check(
            lambda: choose(
                counts,
                models,
                horizon=horizon,
                n_origins=n_origins,
                period=period,
                score=score,
                level=level,
                n_paths=n_paths,
                rng=rng,
            )
        )
        if out is not None:
            assert isinstance(out, ModelChoice) and out.model in out.table.index
            assert int(out.table["chosen"].sum()) == 1 and len(out.forecast) == horizon
    else:
        model = data.draw(st.one_of(st.sampled_from(["naive", "seasonal_naive"]), SCALARS))
        levels = data.draw(st.one_of(st.lists(st.floats(0, 1), max_size=3), VALUES, SCALARS))
        out = check(
            lambda: calibration(
                counts,
                model,
                horizon=horizon,
                n_origins=n_origins,
                period=period,
                levels=levels,
                n_paths=n_paths,
                rng=rng,
            )
        )
        if out is not None:
            assert isinstance(out, Calibration)
            assert out.pit["pit"].between(0, 1).all()
            assert (out.coverage["covered"] <= out.coverage["n"]).all()


@fuzz
@given(st.data())
def test_network_estimators(data):
    counts = data.draw(st.one_of(VALUES, st.lists(st.integers(0, 8), min_size=1, max_size=8)))
    seeds = data.draw(
        st.one_of(
            SEEDS,
            st.sampled_from(["top-degree:2", "random:1", "x:1", "top-degree:0", "pagerank:99"]),
        )
    )
    est = data.draw(
        st.sampled_from(
            [
                ICEstimator("dmp", n_runs=10, ci_method=None, rng=0),
                ICEstimator("dmp", n_runs=10, ci_method="wald", rng=0),
                ICEstimator("dmp", loss="ar1", n_runs=10, ci_method="wald", rng=0),
                ICEstimator("dmp", n_runs=10, ci_method="profile", rng=0),
                ICEstimator("dmp", loss="ar1", n_runs=10, ci_method="profile", rng=0),
                ICEstimator(n_runs=10, ci_method=None, rng=0),
                LTEstimator(n_runs=10, ci_method=None, rng=0),
                HeatEstimator(threshold=0.05, ci_method=None),
            ]
        )
    )
    setting = data.draw(st.sampled_from(["loss", "n_runs", "level", "bounds", "rng", None]))
    if setting is not None and setting in est.get_params():
        est = est.set_params(**{setting: data.draw(VALUES)})
    fitted = check(lambda: est.fit(KARATE, counts, seeds=seeds))
    if fitted is not None:
        res = fitted.result_
        assert res.success == (res.status == 0)
        if res.ci_method in ("wald", "profile"):  # it holds its estimate, or is not there
            for name, value in res.params.items():
                low, high = res.intervals[name]
                assert (math.isnan(low) and math.isnan(high)) or low <= value <= high


@fuzz
@given(st.data())
def test_cascade_fits(data):
    rows = data.draw(
        st.lists(
            st.tuples(st.integers(0, 3), st.integers(-1, 40), st.one_of(st.floats(0, 5), NUMBERS)),
            max_size=12,
        )
    )
    df = pd.DataFrame(rows, columns=["cascade", "node", "time"])
    cs = check(lambda: Cascades.from_frame(df, graph=KARATE))
    if cs is None:
        return
    dt = data.draw(st.one_of(st.none(), st.just(1.0), NUMBERS, SCALARS))
    fit = data.draw(st.sampled_from([fit_ic, fit_lt]))
    res = check(lambda: fit(cs, dt=dt))
    if res is not None:
        assert res.success == (res.status == 0)


# ------------------------------------------------- more boundaries (issue 14)
@fuzz
@given(st.sampled_from(GRAPHS), st.one_of(SEEDS, VALUES), st.one_of(VALUES, SEEDS))
def test_graph_labels(graph, labels, index):
    idx = check(lambda: graph.index_of(labels))
    if idx is not None:
        arr = np.atleast_1d(idx)
        assert ((0 <= arr) & (arr < graph.n_nodes)).all()
    out = check(lambda: graph.label_of(index))
    if out is not None and np.ndim(out):
        assert np.shape(out) == np.shape(index)


@fuzz
@given(st.data())
def test_simulate_cascades(data):
    graph = data.draw(st.sampled_from(GRAPHS))
    model = data.draw(st.sampled_from([IC(p=0.3), LT(), IC(p=0.1, external=0.05)]))
    seeds = data.draw(st.one_of(st.none(), SEEDS))
    n_cascades = data.draw(st.one_of(st.none(), FEW_OR_HUGE))
    max_steps = data.draw(st.one_of(st.none(), st.integers(0, 10), NUMBERS))
    rng = data.draw(st.one_of(st.integers(0, 9), SCALARS))
    cs = check(
        lambda: spread.fit.simulate_cascades(
            graph, model, seeds, n_cascades=n_cascades, max_steps=max_steps, rng=rng
        )
    )
    if cs is not None:
        assert isinstance(cs, Cascades) and cs.graph is graph
        t = cs.data["time"].to_numpy()
        assert (t >= 0).all() and (t == np.floor(t)).all()


@fuzz
@given(st.data())
def test_dmp_ic(data):
    graph = data.draw(st.sampled_from(GRAPHS))
    seeds = data.draw(SEEDS)
    p = data.draw(st.one_of(st.floats(0, 1), VALUES))
    max_steps = data.draw(st.one_of(st.integers(0, 20), NUMBERS, SCALARS))
    external = data.draw(st.one_of(st.just(0.0), NUMBERS))
    out = check(lambda: spread.fit.dmp_ic(graph, seeds, p, max_steps=max_steps, external=external))
    if out is not None:
        new, marginals = out
        assert np.isfinite(new).all() and np.isfinite(marginals).all()
        assert ((marginals >= -1e-12) & (marginals <= 1 + 1e-12)).all()


@fuzz
@given(st.data())
def test_simulators(data):
    which = data.draw(st.sampled_from(["trend", "hawkes", "ctic"]))
    rng = data.draw(st.one_of(st.integers(0, 9), SCALARS))
    if which == "trend":
        model = data.draw(st.one_of(st.sampled_from(["bass", "logistic", "sir", "si"]), SCALARS))
        params = data.draw(
            st.one_of(
                st.fixed_dictionaries({"p": NUMBERS, "q": NUMBERS, "m": NUMBERS}),
                st.fixed_dictionaries({"K": NUMBERS, "r": NUMBERS, "tm": NUMBERS}),
                st.dictionaries(st.text(max_size=3), NUMBERS, max_size=3),
                VALUES,
            )
        )
        n_bins = data.draw(st.one_of(st.integers(0, 30), NUMBERS, SCALARS))
        dispersion = data.draw(st.one_of(st.none(), NUMBERS))
        freq = data.draw(st.one_of(st.none(), SPANS))
        start = data.draw(st.one_of(st.none(), TIMES, NUMBERS))
        out = check(
            lambda: spread.fit.simulate_trend(
                model, params, n_bins, dispersion=dispersion, rng=rng, freq=freq, start=start
            )
        )
        if out is not None:
            assert_trend(out)
    elif which == "hawkes":
        args = [data.draw(st.one_of(st.floats(0, 2), NUMBERS)) for _ in range(3)]
        horizon = data.draw(st.one_of(st.floats(0, 50), NUMBERS, SCALARS))
        out = check(lambda: spread.fit.simulate_hawkes(*args, horizon, rng=rng))
        if out is not None:
            assert np.isfinite(out).all() and (np.diff(out) >= 0).all()
    else:
        graph = data.draw(st.sampled_from(GRAPHS))
        alpha = data.draw(st.one_of(st.floats(0, 2), NUMBERS, VALUES))
        kernel = data.draw(st.one_of(st.sampled_from(["exp", "rayleigh", "power"]), SCALARS))
        horizon = data.draw(st.one_of(st.floats(0, 5), NUMBERS))
        seeds = data.draw(st.one_of(st.none(), SEEDS))
        n_cascades = data.draw(st.one_of(st.none(), FEW_OR_HUGE))
        min_delay = data.draw(st.one_of(st.just(1.0), NUMBERS))
        out = check(
            lambda: spread.fit.simulate_ctic(
                graph,
                alpha,
                kernel=kernel,
                horizon=horizon,
                seeds=seeds,
                n_cascades=n_cascades,
                rng=rng,
                min_delay=min_delay,
            )
        )
        if out is not None:
            assert isinstance(out, Cascades)


with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    _TREND = spread.fit.simulate_trend("bass", {"p": 0.03, "q": 0.4, "m": 500}, 20, rng=0)
    _EVENTS = spread.fit.simulate_hawkes(0.5, 0.5, 1.0, 60.0, rng=0)
    RESULTS = [
        fit_bass(_TREND, loss="poisson"),
        fit_logistic(_TREND),
        fit_hawkes(_EVENTS),
        fit_hawkes(pd.Timestamp("2024-01-01") + pd.to_timedelta(_EVENTS, unit="h")),
        fit_hawkes(Trend.from_timestamps(_EVENTS, freq=1.0, start=0.0), loss="poisson"),
    ]


def _not_mid(n):
    return not (isinstance(n, int) and 3 < n < 10**12)


N_DRAWS = st.one_of(FEW_OR_HUGE, st.sampled_from([10**13, 10**18, 2**63]))  # paths


@fuzz
@given(st.data())
def test_fit_result_methods(data):
    res = data.draw(st.sampled_from(RESULTS))
    method = data.draw(
        st.sampled_from(["predict", "simulate", "forecast", "conf_int", "bootstrap", "profile"])
    )
    bins = data.draw(
        st.one_of(st.none(), st.integers(0, 40), NUMBERS, VALUES, st.lists(st.integers(-1, 40)))
    )
    level = data.draw(st.one_of(st.none(), st.floats(0.01, 0.99), NUMBERS, SCALARS))
    rng = data.draw(st.one_of(st.integers(0, 9), SCALARS))
    if method == "predict":
        cumulative = data.draw(st.one_of(st.booleans(), SCALARS))
        out = check(lambda: res.predict(bins, cumulative=cumulative))
        if out is not None:
            assert np.isfinite(out).all() and (out >= 0).all()
    elif method == "simulate":
        n_paths = data.draw(N_DRAWS)
        unc = data.draw(st.one_of(st.booleans(), SCALARS))
        out = check(lambda: res.simulate(bins, n_paths, rng, with_uncertainty=unc))
        if out is not None:
            assert out.ndim == 2 and np.isfinite(out).all() and (out >= 0).all()
    elif method == "forecast":
        horizon = data.draw(st.one_of(st.integers(1, 20), NUMBERS, SCALARS))
        n_paths = data.draw(N_DRAWS)
        errors = data.draw(st.one_of(st.sampled_from(["independent", "ar1"]), SCALARS))
        out = check(
            lambda: res.forecast(
                horizon, 0.9 if level is None else level, n_paths=n_paths, rng=rng, errors=errors
            )
        )
        if out is not None:
            assert isinstance(out, pd.DataFrame) and len(out) == horizon
            assert np.isfinite(out.to_numpy()).all()
    elif method == "conf_int":
        ci = data.draw(st.one_of(st.none(), st.sampled_from(["wald", "profile"]), SCALARS))
        out = check(lambda: res.conf_int(level, ci, rng=rng))
        if out is not None:
            assert set(out) == set(res.params)
    elif method == "bootstrap":
        # Not even a hundred: 10,000 refits is minutes of legitimate work.
        n_resamples = data.draw(st.one_of(st.integers(1, 3), FEW_OR_HUGE.filter(_not_mid)))
        out = check(lambda: res.bootstrap(n_resamples, rng, progress=False))
        if out is not None:
            assert out.n_resamples + out.n_failed >= 1
    else:
        name = data.draw(st.one_of(st.sampled_from(sorted(res.params)), SCALARS))
        grid = data.draw(st.one_of(st.none(), VALUES, st.lists(st.floats(0, 2), max_size=4)))
        out = check(lambda: res.profile(name, grid))
        if out is not None:
            assert isinstance(out, pd.DataFrame)


NUMERIC_TREND = Trend.from_counts([0, 3, 8, 5, 1, 0, 2])
DATETIME_TREND = Trend.from_counts(
    pd.Series([1, 2, 4, 0, 3], index=pd.date_range("2024-01-01", periods=5, freq="h"))
)


@fuzz
@given(st.data())
def test_trend_methods(data):
    tr = data.draw(st.sampled_from([NUMERIC_TREND, DATETIME_TREND]))
    label = data.draw(st.one_of(st.floats(-2, 9), TIMES, VALUES))
    which = data.draw(st.sampled_from(["since", "until", "slice", "from_counts", "from_frame"]))
    if which == "since":
        out = check(lambda: tr.since(label))
    elif which == "until":
        out = check(lambda: tr.until(label))
    elif which == "slice":
        stop = data.draw(st.one_of(st.none(), st.integers(-9, 9), st.floats(-2, 9), TIMES))
        out = check(lambda: tr[label:stop])
    elif which == "from_counts":
        counts = data.draw(
            st.one_of(
                VALUES,
                st.just(tr.to_series()),
                st.lists(st.integers(0, 9), min_size=1, max_size=6).map(
                    lambda c: pd.Series(c, index=pd.date_range("2024-01-01", periods=len(c)))
                ),
                st.lists(st.integers(0, 9), min_size=1, max_size=6).map(
                    lambda c: pd.Series(c, index=np.arange(len(c)) * 0.5)
                ),
            )
        )
        freq = data.draw(st.one_of(st.none(), SPANS, VALUES))
        start = data.draw(st.one_of(st.none(), TIMES, NUMBERS))
        population = data.draw(st.one_of(st.none(), NUMBERS, VALUES))
        exposure = data.draw(st.one_of(st.none(), VALUES))
        out = check(
            lambda: Trend.from_counts(
                counts, freq, start=start, population=population, exposure=exposure
            )
        )
    else:
        time = data.draw(st.one_of(times(6), arrays(6)))
        count = data.draw(st.one_of(st.none(), arrays(6)))
        freq = data.draw(st.one_of(st.none(), SPANS))
        start = data.draw(st.one_of(st.none(), TIMES, NUMBERS))

        def call():
            cols = {"t": as_list(time)}
            if count is not None:
                cols["n"] = as_list(count)
            n = min(len(v) for v in cols.values())
            df = pd.DataFrame({k: v[:n] for k, v in cols.items()})
            return Trend.from_frame(
                df, time="t", count=None if count is None else "n", freq=freq, start=start
            )

        out = check(call)
    if out is not None:
        assert_trend(out)


_CS = Cascades.from_frame(
    pd.DataFrame(
        {"cascade": [0, 0, 0, 1, 1], "node": [0, 1, 2, 5, 6], "time": [0.0, 1.0, 2.5, 0, 1]}
    ),
    graph=KARATE,
)
_CS_DT = Cascades.from_frame(
    pd.DataFrame(
        {
            "cascade": ["a", "a", "b"],
            "node": [0, 1, 2],
            "time": pd.to_datetime(["2024-01-01 00:00", "2024-01-01 02:00", "2024-01-02 00:00"]),
        }
    ),
    graph=KARATE,
)


@fuzz
@given(st.data())
def test_cascades_methods(data):
    cs = data.draw(st.sampled_from([_CS, _CS_DT]))
    which = data.draw(st.sampled_from(["to_trend", "to_steps", "exposure_curve"]))
    if which == "to_trend":
        freq = data.draw(st.one_of(st.none(), SPANS, VALUES))
        align = data.draw(st.one_of(st.booleans(), SCALARS))
        kind = data.draw(st.one_of(st.just("adopters"), SCALARS))
        out = check(lambda: cs.to_trend(freq, align=align, kind=kind))
        if out is not None:
            assert_trend(out)
    elif which == "to_steps":
        dt_ = data.draw(st.one_of(SPANS, VALUES))
        out = check(lambda: cs.to_steps(dt_))
        if out is not None:
            assert (out["step"] >= 0).all()
    else:
        dt_ = data.draw(st.one_of(st.none(), SPANS, VALUES))
        level = data.draw(st.one_of(st.just(0.95), NUMBERS, SCALARS))
        out = check(lambda: spread.fit.exposure_curve(cs, dt_, level=level))


@fuzz
@given(st.data())
def test_weights(data):
    graph = data.draw(st.sampled_from(GRAPHS))
    which = data.draw(st.sampled_from(["uniform", "trivalency", "uniform_random", "normalize"]))
    rng = data.draw(st.one_of(st.integers(0, 9), SCALARS))
    w = spread.weights
    if which == "uniform":
        out = check(lambda: w.uniform(graph, data.draw(VALUES)))
    elif which == "trivalency":
        values = data.draw(st.one_of(st.just((0.1, 0.01, 0.001)), VALUES))
        out = check(lambda: w.trivalency(graph, rng, values))
    elif which == "uniform_random":
        low, high = data.draw(NUMBERS), data.draw(NUMBERS)
        out = check(lambda: w.uniform_random(graph, low, high, rng))
    else:
        weights = data.draw(st.one_of(VALUES, st.just(np.full(graph.n_edges, 0.3))))
        only_over = data.draw(st.one_of(st.booleans(), SCALARS))
        out = check(lambda: w.normalize_lt(graph, weights, only_over=only_over))
    if out is not None:
        out = np.asarray(out)
        assert out.shape == (graph.n_edges,) and np.isfinite(out).all() and (out >= 0).all()
