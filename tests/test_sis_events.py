"""SIS with any laws, and over timestamped contacts: the event-driven kernel.

Exact: a path with fixed gaps and periods (closed-form prevalence; a gap equal to the
period never transmits), a star's leaves (infected iff the first gap beats the hub's
period), a lone node's survival, temporal SIS with an endless period is `TemporalIC`
run for run. Coupled: the kernel against a plain-Python replay on the same stream
(`reference.sis_events_replay`), bit for bit. Statistical: exponential laws through
the event kernel against the Gillespie kernel; EoN's fast_nonMarkov_SIS in test_peers.
"""

import math

import numpy as np
import pytest
from scipy import stats

import spread
from spread import SIS, TemporalGraph, TemporalIC
from spread._random import RUNS, root_seed, stream_root
from spread.exceptions import InvalidParameterError, WorkLimitError
from spread.im import _rrset_kernels as RK
from spread.models import _ctic_kernels as CK
from spread.models import _ic_lt_kernels as ICK
from spread.models import _sis_event_kernels as EK
from spread.models import run_batch, seed_arrays
from tests import reference as ref


def path(n):
    return spread.Graph.from_edges(np.arange(n - 1), np.arange(1, n))


def two_sample_z(a, b):
    """|mean(a) - mean(b)| in standard errors of the difference."""
    se = math.sqrt(np.var(a, ddof=1) / len(a) + np.var(b, ddof=1) / len(b))
    return abs(np.mean(a) - np.mean(b)) / se


# ------------------------------------------------------------------ pinned copies
def test_the_event_kernel_copies_are_pinned():
    root = np.uint64(0xFEEDFACE12345678)
    for run in (0, 7, 99_999):
        assert EK._run_state(root, run) == ICK._run_state(root, run)
        s = np.uint64(EK._run_state(root, run))
        assert EK._next_uniform(s) == ICK._next_uniform(s)
        cstate = np.uint64(EK._mix(s ^ EK._CONTACT_SALT))
        for c in (0, 5, 10**6):
            assert EK._indexed_uniform(cstate, c) == CK.contact_coin(root, run, c)
    laws = [
        ("exponential", 2.0), ("weibull", 1.7, 0.5), ("lognormal", -0.3, 0.8),
        ("gamma", 0.4, 3.0), ("gamma", 3.5, 0.5), ("fixed", 0.75), stats.lognorm(0.6),
        ("gamma", 1.0, 2.0),  # shape 1: Marsaglia-Tsang's own branch, not the boosted one
        ("geometric", 0.3), ("geometric", 1.0),  # whole steps; p = 1: always one step
    ]  # fmt: skip
    for law in laws:
        code, a, b, table = spread.CTIC(delay=law)._law
        for i in range(100):
            s = np.uint64(0x1234567 + 7919 * i)
            assert EK.draw_delay(code, a[0], b[0], table, s) == CK.draw_delay(
                code, a[0], b[0], table, s
            )


def test_the_law_codes_and_the_table_quantile_are_ctics():
    """The event kernel and the RR-set sampler read the laws `CTIC` encodes: the same
    codes, and the same quantile table read by linear interpolation on its uniform
    grid, up to the last segment (u in ``[1 - 1/m, 1)``)."""
    names = ("EXPONENTIAL", "WEIBULL", "LOGNORMAL", "GAMMA", "FIXED", "TABLE", "GEOMETRIC")
    codes = [getattr(CK, name) for name in names]
    assert sorted(set(codes)) == codes  # distinct
    for name in names[1:]:  # the event kernel's exponential law is its fallthrough
        assert getattr(EK, name) == getattr(CK, name)
    for name in names:
        assert getattr(RK, f"_{name}") == getattr(CK, name)
    _, _, _, table = spread.CTIC(delay=stats.lognorm(0.6))._law
    m = table.size - 1
    for u in (0.0, 0.3, 0.5 / m, 1.0 - 1.5 / m, 1.0 - 0.5 / m, 1.0 - 2.0**-53):
        want = np.interp(u * m, np.arange(m + 1), table)
        assert EK._table_quantile(table, u) == pytest.approx(want, rel=1e-14)
        assert CK._table_quantile(table, u) == EK._table_quantile(table, u)
        assert RK._table_quantile(table, u) == EK._table_quantile(table, u)


# ------------------------------------------------------------------ exact
@pytest.mark.parametrize(("gap", "period"), [(0.3, 1.0), (0.5, 0.5), (0.7, 2.0)])
def test_path_with_fixed_gaps_and_periods(gap, period):
    """Node k is infected at k gap (its tail's first transmission, if gap < period) and
    infectious on [k gap, k gap + period); the head of each arc stays infectious past
    the tail's period only if gap > 0, so each arc transmits once per period."""
    n, horizon, step = 6, 5.0, 0.25
    model = SIS(transmission=("fixed", gap), recovery=("fixed", period))
    res = spread.simulate(path(n), [0], model, n_runs=3, horizon=horizon, time_step=step, rng=0)
    reached = n if gap < period else 1
    infected_at = np.cumsum([0.0] + [gap] * (reached - 1))  # the kernel's sums
    times = np.arange(round(horizon / step) + 1) * step
    expected = [sum(t0 <= t < t0 + period for t0 in infected_at) for t in times]
    assert res.final_sizes.tolist() == [reached] * 3
    width = res.infectious_per_step.shape[1]
    for row in res.infectious_per_step:  # trailing all-zero columns are cut
        assert row.tolist() + [0] * (len(times) - width) == expected


@pytest.mark.parametrize(
    ("gap", "horizon", "step"), [(0.5, 1.0, 0.5), (3.6, 7.2, 0.3), (0.5, 1.0, 0.5 * (1 + 1e-12))]
)
def test_a_transmission_at_the_horizon_counts(gap, horizon, step):
    """Times run up to the horizon inclusive: node 2 of a path, infected at gap + gap =
    horizon exactly, is reached, its first infection in the last bin; node 3 is not.
    Bin k's level is the infectious at time ``k step``: with a step of 0.3 the last
    bin, 24, ends at 24 * 0.3 = 7.199999999999999, before node 2's infection at 7.2,
    so its level leaves node 2 out (the horizon's last bin, not a bin past it); with
    a step of ``0.5 (1 + 1e-12)`` the last bin, 2, ends at ``horizon (1 + 1e-12)``
    exactly, the end of the rounding slack a last bin may reach, and its level is
    recorded."""
    model = SIS(transmission=("fixed", gap), recovery=("fixed", 100.0))
    res = spread.simulate(path(5), [0], model, n_runs=2, horizon=horizon, time_step=step, rng=0)
    bins = math.ceil(horizon / step)
    infected_at = [0.0, gap, gap + gap]
    assert infected_at[-1] == horizon  # exact sums
    assert (bins * step < horizon) == (step == 0.3)  # the second case's point
    first_bin = [min(max(math.ceil(t / step), 1), bins) if t > 0 else 0 for t in infected_at]
    assert res.final_sizes.tolist() == [3, 3]
    new = np.bincount(first_bin, minlength=bins + 1).tolist()
    level = [sum(t <= k * step for t in infected_at) for k in range(bins + 1)]
    assert res.new_per_step.tolist() == [new] * 2
    assert res.infectious_per_step.tolist() == [level] * 2


def test_a_run_that_ends_within_a_bin_keeps_that_bins_first_infections():
    """Nodes 1 and 2 of a path are infected at 0.1 and 0.2 and everyone has recovered
    by 0.45, all within bin 1 of a unit step: bin 1's level is 0, but the run reaches
    it (its depth counts first infections as well as levels), so its two first
    infections are kept."""
    model = SIS(transmission=("fixed", 0.1), recovery=("fixed", 0.25))
    res = spread.simulate(path(3), [0], model, n_runs=2, horizon=3.0, time_step=1.0, rng=0)
    assert res.final_sizes.tolist() == [3, 3]
    assert res.new_per_step.tolist() == [[1, 2]] * 2
    assert res.infectious_per_step.tolist() == [[1, 0]] * 2


def test_an_infection_after_time_zero_is_never_in_bin_zero():
    """Bin 0 holds time 0 alone: an infection at the smallest positive time, 5e-324,
    goes in bin 1 even where ``ceil(t / time_step)`` underflows to 0 (a step of 2)."""
    model = SIS(transmission=("fixed", 5e-324), recovery=("fixed", 10.0))
    res = spread.simulate(
        path(3), [0], model, n_runs=2, horizon=4.0, time_step=2.0, rng=0, max_work=None
    )
    assert math.ceil(5e-324 / 2.0) == 0
    assert res.new_per_step.tolist() == [[1, 2, 0]] * 2
    assert res.infectious_per_step.tolist() == [[1, 3, 3]] * 2


@pytest.mark.parametrize(
    ("gap", "first_gap_cdf"),
    [(("exponential", 1.5), lambda t: 1 - math.exp(-1.5 * t)),
     (("weibull", 2.5, 0.8), lambda t: 1 - math.exp(-((t / 0.8) ** 2.5)))],
    ids=["exponential", "weibull"],
)  # fmt: skip
def test_star_leaves_are_infected_iff_the_first_gap_beats_the_period(gap, first_gap_cdf):
    leaves, period = 8, 0.6
    star = spread.Graph.from_edges([0] * leaves, range(1, leaves + 1))
    recovery = np.full(leaves + 1, 1.0)
    recovery[0] = period  # the hub's period; the leaves' matter not
    model = SIS(transmission=gap, recovery=("fixed", recovery))
    res = spread.simulate(star, [0], model, n_runs=20_000, horizon=3.0, rng=2)
    expected = 1 + leaves * first_gap_cdf(period)
    assert abs(res.mean - expected) < 4 * res.stderr


def test_a_lone_node_survives_as_its_period():
    law = ("lognormal", 0.0, 0.5)
    one = spread.Graph.from_edges([0], [1])
    res = spread.simulate(
        one, [1], SIS(transmission=("fixed", 1.0), recovery=law), n_runs=20_000, horizon=2.0,
        time_step=0.25, rng=3,
    )  # fmt: skip
    frame = res.prevalence()
    for t in (0.5, 1.0, 1.5):
        exact = stats.lognorm(0.5).sf(t)
        row = frame.loc[t]
        assert abs(row["mean"] - exact) < 4 * max(row["stderr"], 1e-12)


def random_contacts(n, n_contacts, span, seed):
    rng = np.random.default_rng(seed)
    return (
        rng.integers(0, n, n_contacts),
        rng.integers(0, n, n_contacts),
        rng.uniform(0, span, n_contacts),
    )


@pytest.mark.parametrize("horizon", [None, 6.0])
def test_temporal_sis_with_an_endless_period_is_temporal_ic(horizon):
    """Same contact coins: with a period longer than all contacts nobody recovers, and
    every run infects the nodes `TemporalIC` activates, at the same times."""
    src, dst, t = random_contacts(30, 400, 10.0, seed=1)
    tg = TemporalGraph.from_contacts(src, dst, t)
    kw = {"n_runs": 60, "rng": 5, "keep_times": True, "horizon": horizon}
    ic = spread.simulate(tg, [0, 3], TemporalIC(p=0.4), **kw)
    sis = TemporalIC(p=0.4, recovery=("fixed", 1e6), reinfection=True)
    got = spread.simulate(tg, [0, 3], sis, **kw)
    np.testing.assert_array_equal(got.activation_times, ic.activation_times)
    np.testing.assert_array_equal(got.final_sizes, ic.final_sizes)
    # nobody recovers: the infectious count is the running total of the infected
    width = got.infectious_per_step.shape[1]
    cumulative = np.cumsum(got.new_per_step, axis=1)[:, :width]
    np.testing.assert_array_equal(got.infectious_per_step[:, : cumulative.shape[1]], cumulative)


# ------------------------------------------------------------------ coupled
def _laws_of(law, size):
    name, *params = law
    return lambda i: (name, [np.broadcast_to(x, size)[i] for x in params])


STATIC_CASES = {
    "gamma-weibull": (("gamma", 0.5, 1.2), ("weibull", 1.5, 0.8), [0, 9]),
    "lognormal-fixed": (("lognormal", -0.5, 0.7), ("fixed", 0.9), [0, 9]),
    "per-arc-exponential": ("beta", "gamma", [0, 9]),
    # two adjacent seeds whose periods end together: the second one's arc to the first
    # is dropped (its head stays infectious as long), and no gap is drawn for it
    "adjacent-seeds-equal-ends": (("gamma", 0.5, 1.2), ("fixed", 0.9), [0, 1]),
}


@pytest.mark.parametrize("case", list(STATIC_CASES))
def test_static_kernel_equals_the_reference_on_the_same_stream(case):
    g = spread.datasets.load("karate")
    trans, rec, seeds = STATIC_CASES[case]
    if case == "per-arc-exponential":
        rng = np.random.default_rng(0)
        beta = rng.uniform(0.0, 0.8, g.n_edges)
        beta[::7] = 0.0  # arcs that never transmit
        gamma = rng.uniform(0.5, 1.5, g.n_nodes)
        model = SIS(beta=beta, gamma=gamma)
        trans_of = lambda j: ("exponential", [beta[j]])  # noqa: E731
        rec_of = lambda u: ("exponential", [gamma[u]])  # noqa: E731
        p = (beta > 0).astype(float)
    else:
        model = SIS(transmission=trans, recovery=rec)
        trans_of, rec_of, p = _laws_of(trans, g.n_edges), _laws_of(rec, g.n_nodes), None
    horizon, step = 4.0, 0.1
    res = spread.simulate(
        g, seeds, model, n_runs=30, rng=6, keep_times=True, horizon=horizon, time_step=step
    )
    root = int(stream_root(root_seed(6), RUNS))
    for r in range(30):
        first, levels = ref.sis_events_replay(
            g, seeds, trans_of, rec_of, root, r, horizon=horizon, time_step=step, p=p
        )
        row = res.activation_times[r]
        assert {int(v): float(row[v]) for v in np.flatnonzero(~np.isnan(row))} == first
        width = res.infectious_per_step.shape[1]
        assert res.infectious_per_step[r].tolist() == (levels + [0] * width)[:width]
        assert all(x == 0 for x in levels[width:])


@pytest.mark.parametrize("width", [8, 47])
def test_the_batch_kernel_fills_rows_depths_and_counts_as_the_replay(width):
    """`sis_events_batch` called directly, as `spread.simulate` calls it: rows of 8 bins
    (narrower than the horizon's 41, as a first buffer can be) or 47 (wider: nothing
    is written past the horizon's last bin), runs 5-34 (the stream of each run's own
    index) cycling through three seed sets (one with a repeated node), in two chunks.
    Each run's row prefix, final size, first infection times, weighted size and depth
    (the last bin with an infectious node or a first infection), and the node counts
    (seeds included) are those of the plain-Python replay; nothing is written past a
    row."""
    g = spread.datasets.load("karate")
    trans, rec = ("gamma", 0.5, 3.0), ("weibull", 1.5, 0.3)  # some runs die out early
    horizon, step = 4.0, 0.1
    plan = SIS(transmission=trans, recovery=rec).plan(g, horizon=horizon, time_step=step)
    sets = [[0, 9], [33], [16, 16]]
    bins, run0, n_runs, n = math.ceil(horizon / step), 5, 30, g.n_nodes
    seed_ptr, seeds = seed_arrays(sets)
    root = stream_root(root_seed(3), RUNS)
    finals, depths = np.zeros(n_runs, dtype=np.int64), np.zeros(n_runs, dtype=np.int64)
    block, (steps, levels) = ref.rows_between_sentinels(n_runs, width)
    times = np.full((n_runs, n), np.nan)
    counts = np.zeros((2, n), dtype=np.int32)
    weight = np.linspace(0.5, 2.0, n)
    weighted = np.zeros(n_runs)
    EK.sis_events_batch(
        g.indptr, g.indices, *plan.args, seed_ptr, seeds, bins, root, run0, 2, finals, depths,
        steps, times, True, counts, weight, weighted, levels,
    )  # fmt: skip
    trans_of, rec_of = _laws_of(trans, g.n_edges), _laws_of(rec, n)
    want_counts = np.zeros(n, dtype=np.int64)
    for i in range(n_runs):
        run, nodes = run0 + i, sets[(run0 + i) % len(sets)]
        first, level = ref.sis_events_replay(
            g, nodes, trans_of, rec_of, int(root), run, horizon=horizon, time_step=step
        )
        first_bin = {v: max(math.ceil(t / step), 1) if t > 0 else 0 for v, t in first.items()}
        assert finals[i] == len(first)
        got = {int(v): times[i, v].item() for v in np.flatnonzero(~np.isnan(times[i]))}
        assert got == first
        assert weighted[i] == pytest.approx(weight[list(first)].sum(), rel=1e-12)
        per_bin = np.bincount(list(first_bin.values()), minlength=width)
        assert steps[i].tolist() == per_bin[:width].tolist()
        assert levels[i].tolist() == (level + [0] * width)[:width]
        deepest = max([k for k, x in enumerate(level) if x > 0] + list(first_bin.values()))
        assert depths[i] == deepest
        want_counts[list(first)] += 1
    assert (depths >= 8).any() and (depths < 8).any()
    assert (block[:, 1::2] == -7).all()
    np.testing.assert_array_equal(counts.sum(axis=0), want_counts)


def test_a_seed_without_a_period_leaves_depth_zero():
    """A seed whose period is 0 (as a gamma law with a small shape can draw) recovers at
    time 0, before bin 0's level is recorded, and transmits nothing: the run's depth,
    the last bin with an infectious node or a first infection, is bin 0 (its seed's)."""
    g = path(3)
    model = SIS(transmission=("fixed", 0.5), recovery=("fixed", 0.0))
    plan = model.plan(g, horizon=2.0, time_step=0.5)
    seed_ptr, seeds = seed_arrays([[0]])
    finals, depths = np.zeros(2, dtype=np.int64), np.full(2, -9, dtype=np.int64)
    steps, levels = np.zeros((2, 6), dtype=np.int32), np.full((2, 6), -7, dtype=np.int32)
    times, no_weight = np.full((1, 1), np.nan), np.zeros(0)
    EK.sis_events_batch(
        g.indptr, g.indices, *plan.args, seed_ptr, seeds, 4, np.uint64(5), 0, 1, finals,
        depths, steps, times, False, np.zeros((1, 0), dtype=np.int32), no_weight,
        np.zeros(2), levels,
    )  # fmt: skip
    assert finals.tolist() == [1, 1] and depths.tolist() == [0, 0]
    assert steps.tolist() == [[1, 0, 0, 0, 0, 0]] * 2
    assert levels.tolist() == [[0, 0, 0, 0, 0, -7]] * 2  # bins 0-4: nobody infectious


@pytest.mark.parametrize("attempts", ["every", "first"])
@pytest.mark.parametrize("recovery", [("fixed", 1.5), ("exponential", 0.8)], ids=str)
@pytest.mark.parametrize("horizon", [math.inf, 5.0])
def test_temporal_kernel_equals_the_reference_on_the_same_stream(attempts, recovery, horizon):
    src, dst, t = random_contacts(20, 300, 8.0, seed=4)
    t = np.round(t, 1)  # ties between contacts, periods and bins
    tg = TemporalGraph.from_contacts(src, dst, t, labels=np.arange(20))
    p = np.random.default_rng(2).uniform(0.3, 0.9, tg.n_edges)
    model = TemporalIC(p=p, attempts=attempts, recovery=recovery, reinfection=True)
    res = spread.simulate(
        tg, [0, 7], model, n_runs=40, rng=8, keep_times=True, time_step=0.5,
        horizon=None if horizon == math.inf else horizon,
    )  # fmt: skip
    root = int(stream_root(root_seed(8), RUNS))
    origin = tg.time_range[0]
    run_horizon = horizon if horizon < math.inf else tg.time_range[1] - origin
    for r in range(40):
        first, levels = ref.sis_events_replay(
            tg, [0, 7], None, _laws_of(recovery, tg.n_nodes), root, r, horizon=run_horizon,
            time_step=0.5, contacts=True, every=attempts == "every", p=p,
            t0=float(np.nextafter(origin, -np.inf)), origin=origin,
        )  # fmt: skip
        row = res.activation_times[r]
        got = {int(v): float(row[v]) for v in np.flatnonzero(~np.isnan(row))}
        assert got == {v: max(x, 0.0) for v, x in first.items()}
        width = res.infectious_per_step.shape[1]
        assert res.infectious_per_step[r].tolist() == (levels + [0] * width)[:width]


def test_two_arcs_and_two_nodes_read_their_own_parameters():
    """Per-arc and per-node parameters on a graph of two nodes and two arcs (arrays of
    length 2, where one shared parameter has length 1): each arc and node reads its
    own, as the replay does."""
    g = spread.Graph.from_edges([0, 1], [1, 0])
    trans = ("weibull", [1.5, 0.6], [0.4, 1.3])
    rec = ("gamma", [0.7, 2.5], [1.2, 0.3])
    res = spread.simulate(
        g, [0], SIS(transmission=trans, recovery=rec), n_runs=40, rng=3, keep_times=True,
        horizon=5.0, time_step=0.25,
    )  # fmt: skip
    root = int(stream_root(root_seed(3), RUNS))
    for r in range(40):
        first, levels = ref.sis_events_replay(
            g, [0], _laws_of(trans, 2), _laws_of(rec, 2), root, r, horizon=5.0, time_step=0.25
        )
        row = res.activation_times[r]
        assert {int(v): float(row[v]) for v in np.flatnonzero(~np.isnan(row))} == first
        width = res.infectious_per_step.shape[1]
        assert res.infectious_per_step[r].tolist() == (levels + [0] * width)[:width]


def test_an_infection_at_the_first_contact_is_at_time_zero_as_in_temporal_ic():
    """By default the seeds know just before the first contact, so a contact at the
    first time infects at time 0: bin 0 of the new infections (as `TemporalIC` counts
    it, with or without recovery) and of the infectious, not bin 1."""
    tg = TemporalGraph.from_contacts([0, 1], [1, 2], [1.0, 2.0])
    kw = {"n_runs": 2, "rng": 0, "keep_times": True, "time_step": 0.5}
    ic = spread.simulate(tg, [0], TemporalIC(p=1.0), **kw)
    sis = TemporalIC(p=1.0, recovery=("fixed", 1e6), reinfection=True)
    got = spread.simulate(tg, [0], sis, **kw)
    np.testing.assert_array_equal(got.activation_times, [[0.0, 0.0, 1.0]] * 2)
    np.testing.assert_array_equal(got.activation_times, ic.activation_times)
    np.testing.assert_array_equal(got.new_per_step, ic.new_per_step)
    np.testing.assert_array_equal(got.new_per_step, [[2, 0, 1]] * 2)
    np.testing.assert_array_equal(got.infectious_per_step, [[2, 2, 3]] * 2)


def test_each_runs_weighted_reach_is_the_weight_of_the_nodes_ever_infected():
    """`run_batch`'s `node_weight` on an event-driven SIS plan (static laws and
    contacts): each run adds up the weights of the nodes it ever infected, seeds
    included, once each however often they are reinfected."""
    g = spread.datasets.load("karate")
    src, dst, t = random_contacts(30, 400, 10.0, seed=1)
    tg = TemporalGraph.from_contacts(src, dst, t)
    plans = [
        (g, SIS(transmission=("exponential", 2.0), recovery=("fixed", 0.5)).plan(g, horizon=3.0)),
        (tg, TemporalIC(p=0.5, recovery=("fixed", 1.0), reinfection=True).plan(tg)),
    ]
    for graph, plan in plans:
        assert plan.kind == "sis_events"
        weights = np.random.default_rng(0).uniform(0, 2, graph.n_nodes)
        weights[::3] = 0.0  # the seeds 1 and 5 weigh something
        seeds = seed_arrays([np.array([1, 5], dtype=np.int32)])
        kw = {"n_runs": 50, "max_steps": 1000, "root": np.uint64(11), "keep_times": True}
        runs = run_batch(graph, plan, seeds, node_weight=weights, **kw)
        reached = ~np.isnan(runs.activation_times)
        assert reached[:, [1, 5]].all()
        assert (reached.sum(axis=1) > 2).any()
        np.testing.assert_allclose(runs.weighted_sizes, reached @ weights, rtol=1e-12)


def test_runs_do_not_depend_on_threads():
    g = spread.datasets.load("nethept")
    model = SIS(transmission=("gamma", 2.0, 0.5), recovery=("weibull", 1.5, 1.0))
    kw = {"n_runs": 200, "horizon": 3.0, "rng": 7, "keep_times": True}
    one = spread.simulate(g, list(range(20)), model, n_jobs=1, **kw)
    two = spread.simulate(g, list(range(20)), model, n_jobs=2, **kw)
    np.testing.assert_array_equal(one.activation_times, two.activation_times)
    np.testing.assert_array_equal(one.infectious_per_step, two.infectious_per_step)


# ------------------------------------------------------------------ statistical
def test_exponential_laws_are_the_markovian_model():
    """Per-arc rates (all equal) go through the event kernel, one rate through the
    Gillespie kernel: the same model, two algorithms."""
    g = spread.datasets.load("karate")
    beta, gamma, horizon = 0.3, 1.0, 3.0
    kw = {"n_runs": 20_000, "horizon": horizon}
    gillespie = spread.simulate(g, [0], SIS(beta=beta, gamma=gamma), rng=1, **kw)
    events = spread.simulate(g, [0], SIS(beta=np.full(g.n_edges, beta), gamma=gamma), rng=2, **kw)
    assert two_sample_z(gillespie.final_sizes, events.final_sizes) < 4
    levels = [res.infectious_per_step for res in (gillespie, events)]
    for k in (25, 50, 100):
        at = [m[:, k] if m.shape[1] > k else np.zeros(m.shape[0]) for m in levels]
        assert two_sample_z(*at) < 4


@pytest.mark.parametrize("kernel", ["gillespie", "events"])
def test_endemic_level_on_a_dense_graph_is_the_mean_field_one(kernel):
    """The N-intertwined mean-field approximation (Van Mieghem, Omic & Kooij 2009):
    ``v_i = s_i / (1 + s_i)``, ``s_i = (beta / gamma) sum_j a_ij v_j``, upper-bounds
    each node's infection probability, and far above the threshold on a dense graph
    it is close: here (mean degree 90, ``beta lambda_1 / gamma = 4.5``) its
    prevalence differs from the exact one by about 0.2%. The runs' time-averaged
    prevalence over ``[5, 10]`` must lie below it (within 4 SE) and within 1% of it."""
    import networkx as nx

    G = nx.gnp_random_graph(150, 0.6, seed=1)
    g = spread.Graph.from_networkx(G)
    a = nx.to_numpy_array(G, nodelist=range(150))
    beta = 0.05
    v = np.full(150, 0.5)
    for _ in range(2000):
        s = beta * a @ v
        v = s / (1.0 + s)
    nimfa = v.mean()
    rates = beta if kernel == "gillespie" else np.full(g.n_edges, beta)
    res = spread.simulate(
        g, list(range(10)), SIS(beta=rates, gamma=1.0), n_runs=400, horizon=10.0, rng=0
    )
    late = res.infectious_per_step[:, 50:101].mean(axis=1) / 150  # one average per run
    mean, se = late.mean(), late.std(ddof=1) / math.sqrt(late.size)
    assert mean < nimfa + 4 * se
    assert nimfa - mean < 0.01 * nimfa


# ------------------------------------------------------------------ bad input, limits
def test_renewals_without_end_are_refused():
    g = spread.datasets.load("karate")
    with pytest.raises(InvalidParameterError, match="median > 0"):
        SIS(transmission=("fixed", 0.0), gamma=1.0)
    tiny = SIS(transmission=("lognormal", -700.0, 1.0), gamma=1.0)  # gaps of 1e-304
    with pytest.raises(WorkLimitError, match="SIS runs"):
        spread.simulate(g, [0], tiny, n_runs=10, horizon=1.0, rng=0)


def test_reinfection_needs_a_recovery_and_a_bool():
    with pytest.raises(InvalidParameterError, match="needs a `recovery`"):
        TemporalIC(reinfection=True)
    with pytest.raises(InvalidParameterError, match="`reinfection` must be True or False"):
        TemporalIC(recovery=("fixed", 1.0), reinfection="yes")
    model = TemporalIC(recovery=("fixed", 1.0), reinfection=True)
    assert "reinfection=True" in repr(model)
    g = spread.datasets.load("karate")
    with pytest.raises(InvalidParameterError, match="TemporalGraph"):
        spread.simulate(g, [0], model, n_runs=1, rng=0)
