"""Timestamped contacts: `TemporalGraph`, its loaders, `TemporalIC` and `reachable`.

Exact: closed forms on paths and stars, time-respecting reachability against a
breadth-first search over (node, time) states; coupled: the kernel against a sweep over
the contacts in time order (`tests/reference.py`) fed the same coins; statistical: means
within 4 standard errors of the sweep on numpy's draws.
"""

import gzip
import math

import numpy as np
import pandas as pd
import pytest

import spread
from spread import TemporalGraph, TemporalIC
from spread._random import RUNS, root_seed, stream_root
from spread.exceptions import GraphFormatError, InvalidParameterError, NodeNotFound
from spread.models import _ctic_kernels as K
from spread.models import seed_arrays
from tests import reference as ref


def random_contacts(n=12, n_contacts=80, span=10.0, seed=0, integer_times=True):
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n, n_contacts)
    dst = rng.integers(0, n, n_contacts)
    t = (
        rng.integers(0, int(span), n_contacts).astype(float)
        if integer_times
        else rng.uniform(0, span, n_contacts)
    )
    return src, dst, t


# ------------------------------------------------------------------ the graph
def test_contacts_become_arcs_with_sorted_times_and_a_report():
    tg = TemporalGraph.from_contacts([2, 0, 0, 1, 1, 0], [2, 1, 1, 2, 0, 1], [9, 5, 1, 3, 4, 5])
    assert tg.n_nodes == 3 and tg.n_edges == 3 and tg.n_contacts == 5
    assert tg.contacts().values.tolist() == [
        [0, 1, 1.0],
        [0, 1, 5.0],
        [0, 1, 5.0],
        [1, 0, 4.0],
        [1, 2, 3.0],
    ]
    assert tg.weights.tolist() == [3.0, 1.0, 1.0]
    assert (tg.report.n_rows, tg.report.n_self_loops, tg.report.n_duplicates) == (6, 1, 2)
    assert tg.time_range == (1.0, 5.0)
    # as a Graph: the aggregate, weighted by contact counts
    static = spread.Graph.from_edges([0, 0, 0, 1, 1], [1, 1, 1, 0, 2], np.ones(5))
    assert np.array_equal(tg.aggregate().indptr, static.indptr)
    assert np.array_equal(tg.aggregate().weights, static.weights)


def test_undirected_contacts_pass_both_ways():
    tg = TemporalGraph.from_contacts(
        ["a", "b", "b"], ["b", "a", "c"], [1.0, 2.0, 3.0], directed=False
    )
    assert tg.n_edges == 4 and tg.n_contacts == 6 and not tg.directed
    assert tg.report.n_duplicates == 1  # b a repeats a b
    assert spread.reachable(tg, ["c"]).to_dict() == {"c": 0.0, "b": 2.0}  # b met a before
    assert spread.reachable(tg, ["a"]).to_dict() == {"a": 0.0, "b": 0.0, "c": 2.0}


def test_datetimes_become_unix_seconds():
    at = pd.to_datetime(["2012-07-04 06:00", "2012-07-04 07:30"])
    df = pd.DataFrame({"u": [1, 2], "v": [2, 3], "at": at})
    tg = TemporalGraph.from_pandas(df, "u", "v", "at")
    assert tg.time_range == (at[0].timestamp(), at[1].timestamp())
    tz = TemporalGraph.from_pandas(df.assign(at=df["at"].dt.tz_localize("UTC")), "u", "v", "at")
    assert np.array_equal(tz.contact_times, tg.contact_times)
    model = TemporalIC(start=at[0].to_pydatetime())
    assert model.start == at[0].timestamp()


def test_window_and_aggregate_keep_the_nodes():
    src, dst, t = random_contacts(seed=3)
    tg = TemporalGraph.from_contacts(src, dst, t, labels=np.arange(15))
    w = tg.window(2, 6)
    keep = (t >= 2) & (t < 6) & (src != dst)
    assert w.n_nodes == 15 and w.n_contacts == int(keep.sum())
    expected = TemporalGraph.from_contacts(src[keep], dst[keep], t[keep], labels=np.arange(15))
    assert w.contacts().equals(expected.contacts())
    agg = tg.aggregate(2, 6)
    assert type(agg) is spread.Graph and agg.weights.sum() == keep.sum()
    with pytest.raises(InvalidParameterError, match="`start` must not be after `end`"):
        tg.window(6, 2)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"times": [0.0, np.nan]}, "`times` must be finite numbers; contact 1 has time nan"),
        ({"times": [0.0]}, "`times` must have one entry per contact"),
        ({"times": ["x", "y"]}, "`times` must hold numbers or datetimes"),
        ({"self_loops": "merge"}, "self_loops"),
    ],
)
def test_bad_contacts_are_named(kwargs, match):
    args = {"sources": [0, 1], "targets": [1, 1], "times": [0.0, 1.0], **kwargs}
    with pytest.raises(InvalidParameterError, match=match):
        TemporalGraph.from_contacts(
            args.pop("sources"), args.pop("targets"), args.pop("times"), **args
        )


def test_constructor_checks_the_contact_arrays():
    with pytest.raises(InvalidParameterError, match="sorted within each arc"):
        TemporalGraph([0, 1, 1], [1], [0, 2], [3.0, 1.0])
    with pytest.raises(InvalidParameterError, match="at least one contact"):
        TemporalGraph([0, 2, 2], [0, 1], [0, 0, 1], [1.0])
    with pytest.raises(InvalidParameterError, match="from contacts"):
        TemporalGraph.from_edges([0], [1])
    with pytest.raises(NodeNotFound):
        TemporalGraph.from_contacts([0], [5], [1.0], labels=[0, 1])


def test_read_edgelist_with_a_time_column(tmp_path):
    path = tmp_path / "contacts.txt.gz"
    with gzip.open(path, "wt") as f:
        f.write("# u v t kind\n3 1 100 RT\n1 2 50 MT\n3 1 20 RT\n2 2 10 RE\n")
    tg = spread.read_edgelist(path, directed=True, time=2)
    assert isinstance(tg, TemporalGraph)
    assert tg.contacts().values.tolist() == [[1, 2, 50.0], [3, 1, 20.0], [3, 1, 100.0]]
    assert "1 self-loop(s) dropped" in str(tg.report) and "1 comment" in str(tg.report)
    named = tmp_path / "c.csv"
    named.write_text("who,whom,when\na,b,1.5\nb,c,2.5\n")
    tg = spread.read_edgelist(
        named, directed=True, columns=("who", "whom"), time="when", nodetype=str
    )
    assert tg.contact_times.tolist() == [1.5, 2.5]


def test_a_bad_time_names_the_file_and_line(tmp_path):
    path = tmp_path / "bad.txt"
    path.write_text("1 2 10\n2 3 soon\n")
    with pytest.raises(
        GraphFormatError, match=r"bad.txt, line 2: field 3 \('soon'\) is not float"
    ):
        spread.read_edgelist(path, directed=True, time=2)
    path.write_text("1 2 10\n2 3 inf\n")
    with pytest.raises(GraphFormatError, match="line 2"):
        spread.read_edgelist(path, directed=True, time=2)
    with pytest.raises(InvalidParameterError, match="do not apply with `time`"):
        spread.read_edgelist(path, directed=True, time=2, weight=1)
    with pytest.raises(InvalidParameterError, match="`time` must differ"):
        spread.read_edgelist(path, directed=True, time=1)


# ------------------------------------------------------------------ exact
def bfs_reach(tg, sources, t0, horizon=math.inf):
    """Earliest arrival by relaxing every contact until nothing changes (Bellman-Ford
    over time-respecting paths): an independent computation of `reachable`."""
    best = dict.fromkeys(sources, t0)
    contacts = ref.temporal_contacts(tg)
    changed = True
    while changed:
        changed = False
        for t, u, v, _, _ in contacts:
            if u in best and best[u] < t <= horizon and t < best.get(v, math.inf):
                best[v] = t
                changed = True
    return best


@pytest.mark.parametrize("seed", range(6))
def test_reachable_is_the_earliest_time_respecting_arrival(seed):
    src, dst, t = random_contacts(n=15, n_contacts=60, seed=seed)
    tg = TemporalGraph.from_contacts(src, dst, t, labels=np.arange(15))
    first = tg.time_range[0]
    for horizon in (math.inf, 4.0):
        got = spread.reachable(tg, [0, 1], horizon=None if horizon == math.inf else horizon)
        expected = bfs_reach(tg, [0, 1], np.nextafter(first, -np.inf), first + horizon)
        assert got.to_dict() == {v: max(x - first, 0.0) for v, x in expected.items()}
        assert got.is_monotonic_increasing


def test_paths_must_respect_time():
    """0 -> 1 at 2, 1 -> 2 at 1 and at 3: node 2 is reached at 3, through the later one."""
    tg = TemporalGraph.from_contacts([0, 1, 1], [1, 2, 2], [2.0, 1.0, 3.0])
    res = spread.simulate(tg, [0], TemporalIC(), n_runs=3, rng=0, keep_times=True)
    assert res.activation_times[0].tolist() == [0.0, 1.0, 2.0]  # from the first contact
    # a contact at exactly the adoption time does not pass it on
    tie = TemporalGraph.from_contacts([0, 1], [1, 2], [1.0, 1.0])
    assert spread.reachable(tie, [0]).index.tolist() == [0, 1]
    assert spread.reachable(tie, [0], start=0.5).index.tolist() == [0, 1]


@pytest.mark.parametrize("attempts", ["every", "first"])
def test_path_closed_form(attempts):
    """Arc 0 -> 1 has 3 contacts, all before 1 -> 2's 2 contacts. Per contact
    (``every``) node 1 is reached with probability 1 - (1 - p)^3 and node 2 with that
    times 1 - (1 - p)^2; with ``first`` with p and p^2."""
    p = 0.3
    tg = TemporalGraph.from_contacts([0, 0, 0, 1, 1], [1, 1, 1, 2, 2], [1, 2, 3, 4, 5])
    res = spread.simulate(tg, [0], TemporalIC(p=p, attempts=attempts), n_runs=40_000, rng=5)
    q1, q2 = (1 - (1 - p) ** 3, 1 - (1 - p) ** 2) if attempts == "every" else (p, p)
    exact = 1 + q1 + q1 * q2
    assert abs(res.mean - exact) < 4 * res.stderr
    assert abs(res.node_probability[1] - q1) < 4 * math.sqrt(q1 * (1 - q1) / 40_000)


def test_star_closed_form_with_p_zero_and_one():
    leaves = np.arange(1, 9)
    k = leaves % 3 + 1  # leaf i has k_i contacts with the hub
    src = np.repeat(np.zeros(8, dtype=int), k)
    dst = np.repeat(leaves, k)
    t = np.concatenate([np.arange(1, x + 1) for x in k]).astype(float)
    tg = TemporalGraph.from_contacts(src, dst, t)
    p = 0.2
    res = spread.simulate(tg, [0], TemporalIC(p=p), n_runs=40_000, rng=1)
    exact = 1 + np.sum(1 - (1 - p) ** k)
    assert abs(res.mean - exact) < 4 * res.stderr
    assert spread.simulate(tg, [0], TemporalIC(p=0.0), n_runs=50, rng=1).mean == 1.0
    assert spread.simulate(tg, [0], TemporalIC(p=1.0), n_runs=50, rng=1).mean == 9.0


def test_recovery_cuts_late_contacts_and_is_counted():
    """A fixed infectious period d: the hub passes it only through contacts within d of
    its start; each adopter recovers d later, and SIR's prevalence follows."""
    tg = TemporalGraph.from_contacts([0, 0, 0, 1], [1, 2, 3, 4], [1.0, 2.0, 3.5, 2.5])
    model = TemporalIC(p=1.0, recovery=("fixed", 2.0), start=0.5)
    res = spread.simulate(tg, [0], model, n_runs=5, rng=0, keep_times=True, time_step=0.5)
    # 0 infectious on (0.5, 2.5]: 1 (t=1), 2 (t=2), not 3 (t=3.5); 1 on (1, 3]: 4 (t=2.5)
    assert res.activation_times[0].tolist() == [0.0, 0.5, 1.5, np.nan, 2.0] or np.array_equal(
        res.activation_times[0], [0.0, 0.5, 1.5, np.nan, 2.0], equal_nan=True
    )
    assert res.mean == 4.0
    assert res.recoveries_per_step.sum(axis=1).tolist() == [4] * 5


def test_recoveries_after_the_horizon_are_not_counted():
    """Over contacts with a horizon, a recovery counts (in its time bin) only if it
    comes by the horizon: on a path with contacts at 1 and 2 and periods of 2, node 0
    recovers at 2 (bin 4 of width 0.5), nodes 1 and 2 at 3 and 4, after the horizon 2.5."""
    tg = TemporalGraph.from_contacts([0, 1], [1, 2], [1.0, 2.0])
    model = TemporalIC(p=1.0, recovery=("fixed", 2.0), start=0.0)
    res = spread.simulate(tg, [0], model, n_runs=3, rng=0, horizon=2.5, time_step=0.5)
    assert res.final_sizes.tolist() == [3] * 3
    assert res.new_per_step.tolist() == [[1, 0, 1, 0, 1]] * 3
    assert res.recoveries_per_step.tolist() == [[0, 0, 0, 0, 1]] * 3
    # a recovery exactly at the horizon counts: node 1's, at 3.0, in the last bin
    res = spread.simulate(tg, [0], model, n_runs=3, rng=0, horizon=3.0, time_step=0.5)
    assert res.recoveries_per_step.tolist() == [[0, 0, 0, 0, 1, 0, 1]] * 3


def test_horizon_and_time_bins():
    tg = TemporalGraph.from_contacts([0, 1, 2], [1, 2, 3], [10.0, 20.0, 30.0])
    res = spread.simulate(
        tg, [0], TemporalIC(start=0.0), n_runs=2, rng=0, horizon=25.0, time_step=5.0
    )
    assert res.mean == 3.0
    assert res.new_per_step[0].tolist() == [1, 0, 1, 0, 1]


# ------------------------------------------------------------------ coupled
@pytest.mark.parametrize("attempts", ["every", "first"])
@pytest.mark.parametrize("recovery", [None, ("fixed", 3.0), ("exponential", 0.4)], ids=str)
@pytest.mark.parametrize("horizon", [math.inf, 6.0])
def test_kernel_equals_the_sweep_on_the_same_coins(attempts, recovery, horizon):
    """Same coins: the kernel's adoption times equal those of a sweep over the contacts
    in time order (a different algorithm), run for run."""
    src, dst, t = random_contacts(n=20, n_contacts=200, span=12.0, seed=4)
    tg = TemporalGraph.from_contacts(src, dst, t, labels=np.arange(20))
    p = np.random.default_rng(2).uniform(0.2, 0.8, tg.n_edges)
    model = TemporalIC(p=p, attempts=attempts, recovery=recovery)
    res = spread.simulate(
        tg, [0, 7], model, n_runs=40, rng=8, keep_times=True,
        horizon=None if horizon == math.inf else horizon,
    )  # fmt: skip
    root = int(stream_root(root_seed(8), RUNS))
    contacts = ref.temporal_contacts(tg)
    first = tg.time_range[0]
    t0 = float(np.nextafter(first, -np.inf))
    for r in range(40):
        if attempts == "every":
            coin = lambda j, c, r=r: ref.contact_uniform(root, r, c) < p[j]  # noqa: E731
        else:
            coin = lambda j, c, r=r: ref.indexed_uniform(root, r, j) < p[j]  # noqa: E731
        period = None
        if recovery is not None:
            period = lambda u, r=r: ref.recovery_period(recovery[0], recovery[1], root, r, u)  # noqa: E731
        expected = ref.temporal_sweep(
            contacts, [0, 7], t0, coin, first_only=attempts == "first",
            horizon=first + horizon, period=period,
        )  # fmt: skip
        times = res.activation_times[r]
        got = {int(v): float(times[v]) for v in np.flatnonzero(~np.isnan(times))}
        assert got == {v: max(x - first, 0.0) for v, x in expected.items()}


def test_contact_coins_are_the_documented_stream():
    root = np.uint64(0xDEADBEEF12345678)
    for run, c in ((0, 0), (3, 17), (12345, 10**6)):
        assert K.contact_coin(root, run, c) == ref.contact_uniform(int(root), run, c)


def test_runs_do_not_depend_on_threads():
    src, dst, t = random_contacts(n=40, n_contacts=600, seed=9)
    tg = TemporalGraph.from_contacts(src, dst, t)
    model = TemporalIC(p=0.4)
    one = spread.simulate(tg, [0], model, n_runs=300, rng=4, keep_times=True, n_jobs=1)
    two = spread.simulate(tg, [0], model, n_runs=300, rng=4, keep_times=True, n_jobs=2)
    assert np.array_equal(one.activation_times, two.activation_times, equal_nan=True)


def _time_bin(t, step, max_bins, horizon):
    """The kernels' documented binning (`_ctic_kernels._time_bin`), in plain Python."""
    if t <= 0.0:
        return 0
    x = math.ceil(t / step)
    if x <= max_bins:
        return max(x, 1)
    return max_bins if horizon < math.inf else max_bins + 1


@pytest.mark.parametrize("attempts", ["every", "first"])
@pytest.mark.parametrize("horizon", [6.0, math.inf])
@pytest.mark.parametrize("width", [5, 40])
def test_the_batch_kernel_fills_rows_counts_and_depths_as_the_sweep(attempts, horizon, width):
    """`temporal_batch` called directly as `spread.simulate` calls it, with two seed
    sets (run ``r`` starts from set ``r % 2``, from run 3 on), node weights, recovery
    and rows of `width` bins (5: narrower than the 24 bins of 0.25, as a first buffer
    can be; 40: wider) interleaved with sentinel rows that no write may reach. Each run
    is the sweep's on the same coins: its adoption times, new adopters and recoveries
    per bin (a recovery counts by the horizon), final and weighted size, depth (the last
    bin with an event; past the last bin without a horizon, the last bin) and the
    per-node adoption counts summed over chunks. A row wider than the bins keeps what
    came after the last bin in the column past it. Contact times are not whole, so
    adoptions fall in the bin just past a narrow row too."""
    src, dst, t = random_contacts(n=20, n_contacts=200, span=12.0, seed=4, integer_times=False)
    tg = TemporalGraph.from_contacts(src, dst, t, labels=np.arange(20))
    n, n_runs, run0, bins, step = tg.n_nodes, 30, 3, 24, 0.25
    p = np.random.default_rng(2).uniform(0.2, 0.8, tg.n_edges)
    model = TemporalIC(p=p, attempts=attempts, recovery=("exponential", 0.4))
    plan = model.plan(tg, horizon=horizon, time_step=step)
    sets = [[0, 7], [3]]
    seed_ptr, seeds = seed_arrays([np.array(s, dtype=np.int32) for s in sets])
    root = np.uint64(0x5EED)
    weight = np.linspace(0.5, 2.0, n)
    rows, (steps, recs) = ref.rows_between_sentinels(n_runs, width)
    finals = np.zeros(n_runs, dtype=np.int64)
    depths = np.zeros(n_runs, dtype=np.int64)
    times = np.full((n_runs, n), np.nan)
    weighted = np.zeros(n_runs)
    counts = np.zeros((3, n), dtype=np.int32)
    K.temporal_batch(
        tg.indptr, tg.indices, *plan.args, seed_ptr, seeds, bins, root, run0, 3, finals,
        depths, steps, times, True, counts, weight, weighted, recs,
    )  # fmt: skip
    assert (rows[:, 1::2] == -7).all()

    contacts = ref.temporal_contacts(tg)
    first = tg.time_range[0]
    t0 = float(np.nextafter(first, -np.inf))
    adopted = np.zeros(n, dtype=np.int64)
    n_recovered = at_width = 0
    for i in range(n_runs):
        r = run0 + i
        if attempts == "every":
            coin = lambda j, c, r=r: ref.contact_uniform(int(root), r, c) < p[j]  # noqa: E731
        else:
            coin = lambda j, c, r=r: ref.indexed_uniform(int(root), r, j) < p[j]  # noqa: E731
        period = lambda u, r=r: ref.recovery_period("exponential", 0.4, int(root), r, u)  # noqa: E731
        got = ref.temporal_sweep(
            contacts, sets[r % 2], t0, coin, first_only=attempts == "first",
            horizon=first + horizon, period=period,
        )  # fmt: skip
        rel = {v: max(x - first, 0.0) for v, x in got.items()}
        new, rec = np.zeros(bins + 2, dtype=int), np.zeros(bins + 2, dtype=int)
        events = []
        for v, x in rel.items():
            k = _time_bin(x, step, bins, horizon)
            new[k] += 1
            events.append(k)
            end = x + period(v)
            if end <= horizon:
                k = _time_bin(end, step, bins, horizon)
                rec[k] += 1
                events.append(k)
        n_recovered += rec.sum()
        at_width += new[width] if width < bins + 2 else 0
        k = min(width, bins + 2)  # bin ``bins + 1`` holds what came past the last
        assert steps[i, :k].tolist() == new[:k].tolist()
        assert recs[i, :k].tolist() == rec[:k].tolist()
        assert not steps[i, k:].any() and not recs[i, k:].any()
        assert finals[i] == len(rel)
        assert depths[i] == min(max(events), bins)
        np.testing.assert_allclose(weighted[i], sum(weight[v] for v in rel), rtol=1e-12)
        expected = np.full(n, np.nan)
        expected[list(rel)] = list(rel.values())
        np.testing.assert_array_equal(times[i], expected)
        adopted[list(rel)] += 1
    assert counts.sum(axis=0).tolist() == adopted.tolist()
    assert n_recovered > 0 and depths.max() >= 20 and finals.min() < finals.max()
    assert width > bins + 1 or at_width > 0  # adoptions in the first bin past a row


def test_a_period_that_never_ends_counts_no_recovery():
    """The kernel's recovery law may be an infinite fixed period (never recovers, as
    SIR's ``gamma=0``): without a horizon no recovery is counted, not even past the
    last bin, and the depth is the last adoption's bin."""
    from spread.models.temporal import _NEVER

    tg = TemporalGraph.from_contacts([0, 1], [1, 2], [1.0, 2.0])
    args = list(TemporalIC(start=0.0).plan(tg, time_step=0.5).args)
    args[4:9] = [True, *_NEVER]  # recover, with the never-ending law
    seed_ptr, seeds = seed_arrays([np.array([0], dtype=np.int32)])
    n_runs, bins = 2, 4
    finals, depths = np.zeros(n_runs, dtype=np.int64), np.zeros(n_runs, dtype=np.int64)
    steps, recs = np.zeros((n_runs, 8), dtype=np.int32), np.zeros((n_runs, 8), dtype=np.int32)
    K.temporal_batch(
        tg.indptr, tg.indices, *args, seed_ptr, seeds, bins, np.uint64(1), 0, 1, finals,
        depths, steps, np.full((1, 1), np.nan), False, np.zeros((1, 0), dtype=np.int32),
        np.empty(0), np.zeros(n_runs), recs,
    )  # fmt: skip
    assert finals.tolist() == [3, 3] and depths.tolist() == [4, 4]
    assert steps.tolist() == [[1, 0, 1, 0, 1, 0, 0, 0]] * 2
    assert not recs.any()


# ------------------------------------------------------------------ statistical
@pytest.mark.parametrize("attempts", ["every", "first"])
def test_mean_matches_the_sweep_on_numpy_draws(attempts):
    src, dst, t = random_contacts(n=30, n_contacts=400, span=20.0, seed=6, integer_times=False)
    tg = TemporalGraph.from_contacts(src, dst, t)
    p = 0.35
    res = spread.simulate(
        tg, [int(src[0])], TemporalIC(p=p, attempts=attempts), n_runs=20_000, rng=3
    )
    rng = np.random.default_rng(11)
    contacts = ref.temporal_contacts(tg)
    t0 = float(np.nextafter(tg.time_range[0], -np.inf))
    seed_index = int(tg.index_of(int(src[0])))
    sizes = []
    for _ in range(3000):
        arc_coins = rng.random(tg.n_edges) < p
        contact_coins = rng.random(tg.n_contacts) < p
        if attempts == "first":
            coin = lambda j, c, live=arc_coins: live[j]  # noqa: E731
        else:
            coin = lambda j, c, live=contact_coins: live[c]  # noqa: E731
        sizes.append(
            len(
                ref.temporal_sweep(
                    contacts, [seed_index], t0, coin, first_only=attempts == "first"
                )
            )
        )
    sizes = np.asarray(sizes, dtype=float)
    se = math.hypot(res.stderr, sizes.std(ddof=1) / math.sqrt(sizes.size))
    assert abs(res.mean - sizes.mean()) < 4 * se


# ------------------------------------------------------------------ bad input
def test_bad_model_input_is_named():
    g = spread.Graph.from_edges([0], [1])
    with pytest.raises(InvalidParameterError, match="needs a TemporalGraph"):
        spread.simulate(g, [0], TemporalIC(), n_runs=2)
    with pytest.raises(InvalidParameterError, match="attempts"):
        TemporalIC(attempts="all")
    with pytest.raises(InvalidParameterError, match="`p`"):
        TemporalIC(p=1.5)
    tg = TemporalGraph.from_contacts([0], [1], [1.0])
    with pytest.raises(InvalidParameterError, match="`recovery` parameters"):
        spread.simulate(tg, [0], TemporalIC(recovery=("fixed", [1.0, 2.0, 3.0])), n_runs=2)
    with pytest.raises(NodeNotFound):
        spread.reachable(tg, [7])
    with pytest.raises(InvalidParameterError, match="horizon"):
        spread.reachable(tg, [0], horizon=-1.0)
    with pytest.raises(spread.WorkLimitError):
        spread.simulate(tg, [0], TemporalIC(), n_runs=1000, max_work=100)


def test_bundled_higgs_retweets_aggregate_to_the_retweet_graph():
    """`load("higgs-retweet-times")`: every RT row as a contact B -> A; its aggregate is
    `load("higgs-retweet")` arc for arc, weights = retweets per pair."""
    tg = spread.datasets.load("higgs-retweet-times")
    g = spread.datasets.load("higgs-retweet")
    assert isinstance(tg, TemporalGraph) and tg.n_contacts == 354_930
    assert np.array_equal(tg.indptr, g.indptr) and np.array_equal(tg.indices, g.indices)
    assert np.array_equal(tg.weights, g.weights)
    assert tg.time_range == (1341101181.0, 1341705593.0)


# ------------------------------------------------------------------ seeds
def _rr_sets(tg, model, n_sets, horizon=None, rng=0):
    from spread.im.rrsets import RRSets, sampled_model

    rr = RRSets(tg, sampled_model(model, horizon, "test"), np.uint64(rng))
    rr.extend(n_sets)
    return rr.flat()


@pytest.mark.parametrize("horizon", [None, 4.0])
def test_rr_sets_with_p_one_are_reverse_reachability(horizon):
    """p = 1: the RR set of root v is exactly the nodes that, seeded alone at the
    start, reach v along time-respecting contacts (by the horizon)."""
    src, dst, t = random_contacts(n=15, n_contacts=70, seed=2)
    tg = TemporalGraph.from_contacts(src, dst, t, labels=np.arange(15))
    offsets, members = _rr_sets(tg, TemporalIC(p=1.0), 300, horizon)
    reach = {u: set(spread.reachable(tg, [u], horizon=horizon).index.tolist()) for u in range(15)}
    for i in range(300):
        got = members[offsets[i] : offsets[i + 1]]
        v = int(got[0])
        assert set(got.tolist()) == {u for u in range(15) if v in reach[u]}
        assert len(set(got.tolist())) == got.size


@pytest.mark.parametrize("attempts", ["every", "first"])
@pytest.mark.parametrize("horizon", [None, 5.0])
def test_the_influence_index_matches_forward_runs(attempts, horizon):
    """RR-set estimates of a seed set's spread (reverse searches) against forward
    Monte Carlo (the event-driven kernel), within 4 standard errors."""
    src, dst, t = random_contacts(n=30, n_contacts=300, span=20.0, seed=0, integer_times=False)
    tg = TemporalGraph.from_contacts(src, dst, t, labels=np.arange(30))
    model = TemporalIC(p=0.4, attempts=attempts)
    index = spread.InfluenceIndex.build(tg, model, n_rr_sets=100_000, rng=1, horizon=horizon)
    for seeds in ([0], [3, 17, 21]):
        est = index.estimate(seeds)
        fwd = spread.simulate(tg, seeds, model, n_runs=20_000, rng=5, horizon=horizon)
        assert abs(est.mean - fwd.mean) < 4 * math.hypot(est.stderr, fwd.stderr)


def test_maximize_over_contacts():
    """With p = 1 the best single seed is the one whose time-respecting reach is largest;
    an infectious period is refused for RR sets, and CELF (forward runs) takes it."""
    src, dst, t = random_contacts(n=20, n_contacts=120, seed=5)
    tg = TemporalGraph.from_contacts(src, dst, t, labels=np.arange(20))
    sizes = [len(spread.reachable(tg, [u])) for u in range(20)]
    sel = spread.maximize(tg, 1, TemporalIC(p=1.0), rng=0, n_eval_runs=10)
    assert sizes[int(sel.seeds[0])] == max(sizes)
    with pytest.raises(InvalidParameterError, match="infectious period"):
        spread.maximize(tg, 2, TemporalIC(recovery=("fixed", 2.0)), rng=0)
    celf = spread.maximize(
        tg, 2, TemporalIC(p=0.5, recovery=("fixed", 3.0)), method="celf", n_runs=200,
        n_eval_runs=200, rng=0,
    )  # fmt: skip
    assert celf.seeds.size == 2
