"""Influence maximization under a horizon: CTIC's RR sets by reverse Dijkstra.

Exact: the RR sets of a path with fixed delays; the kernel's delay laws equal the
simulator's (a pinned copy). Statistical: n P(RR set meets S) against forward
simulation up to the horizon. Behaviour: a horizon changes the best seed; without one
CTIC's seeds are IC's, set for set.
"""

import math

import networkx as nx
import numpy as np
import pytest

import spread
from spread import CTIC, IC, TemporalGraph, TemporalIC
from spread.exceptions import InvalidParameterError
from spread.im import _rrset_kernels as RK
from spread.im.rrsets import AtHorizon, RRSets, coverage
from spread.models import _ctic_kernels as CK
from tests import reference

LAWS = [
    ("exponential", 1.5),
    ("weibull", 0.7, 2.0),
    ("lognormal", -0.3, 0.8),
    ("gamma", 0.4, 3.0),
    ("gamma", 3.5, 0.5),
    ("gamma", 1.0, 2.0),  # the edge of the small-shape path: one draw fewer than below it
    ("fixed", 0.75),
    ("geometric", 0.3),
]


@pytest.mark.parametrize("law", LAWS, ids=str)
def test_the_rr_kernels_delay_laws_are_the_simulators(law):
    code, a, b, table = CTIC(delay=law)._law
    for i in range(200):
        s = np.uint64(0x1234567 + 7919 * i)
        assert RK.draw_delay(code, a[0], b[0], table, s) == CK.draw_delay(
            code, a[0], b[0], table, s
        )


def test_the_rr_kernels_law_codes_are_the_simulators():
    """The copies name each law by the model's own code (`CTIC._law`)."""
    names = ("EXPONENTIAL", "WEIBULL", "LOGNORMAL", "GAMMA", "FIXED", "TABLE", "GEOMETRIC")
    assert [getattr(RK, f"_{n}") for n in names] == [getattr(CK, n) for n in names]


def test_the_rr_kernels_table_look_up_at_its_ends():
    """Pins the tabulated law's last cell in the RR kernels' copy: u = 1 reads the last
    knot (not one past it: the Python body bounds-checks), u in the last cell
    interpolates between the last two knots, u = 0 reads the first."""
    table = np.array([0.0, 0.25, 0.75, 1.0])  # knots at u = 0, 1/3, 2/3, 1
    for look_up in (RK._table_quantile, RK._table_quantile.py_func):
        assert look_up(table, 0.0) == 0.0
        assert look_up(table, 1 / 6) == pytest.approx(0.125, abs=1e-15)
        assert look_up(table, 5 / 6) == pytest.approx(0.875, abs=1e-15)  # the last cell
        assert look_up(table, 1.0) == 1.0
        assert look_up(table, np.nextafter(1.0, 0.0)) == pytest.approx(1.0)


def test_tabulated_law_too():
    from scipy import stats

    code, _, _, table = CTIC(delay=stats.lognorm(0.6))._law
    for i in range(50):
        s = np.uint64(99 + i)
        assert RK.draw_delay(code, 1.0, 1.0, table, s) == CK.draw_delay(code, 1.0, 1.0, table, s)


def test_rr_sets_read_each_arcs_own_delay_parameters_on_two_arcs():
    """Per-arc delay parameters on a graph of exactly two arcs (arrays of length 2,
    where a shared parameter has length 1): on 0 -> 1 -> 2 with fixed delays 0.5 and 2
    (the first parameter) or Weibull scales 1e-9 and 1e9 (the second), and horizon 1,
    the RR set of 1 holds 0, that of 2 only itself."""
    path = spread.Graph.from_edges([0, 1], [1, 2])
    sets = {0: [0], 1: [1, 0], 2: [2]}
    for delay in (("fixed", [0.5, 2.0]), ("weibull", 1.0, [1e-9, 1e9])):
        model = AtHorizon(CTIC(p=1.0, delay=delay), 1.0)
        offsets, members = RRSets(path, model, np.uint64(5)).extend(100).flat()
        for r in range(100):
            s = members[offsets[r] : offsets[r + 1]].tolist()
            assert s == sets[s[0]]


CONTINUOUS = [
    ("exponential", 1.5),
    ("weibull", 0.7, 2.0),
    ("lognormal", -0.3, 0.8),
    ("gamma", 0.4, 3.0),  # boosted: a variable number of draws
    ("gamma", 3.5, 0.5),
]


@pytest.mark.parametrize("law", CONTINUOUS, ids=str)
def test_rr_sets_replay_the_kernel_stream_in_dijkstra_order(law):
    """Coupled: every CTIC RR set under a horizon (members in the order they are
    settled) equals `reference.rr_set_ctic_replay` on the same stream, a plain
    Dijkstra that scans every offer: pins the heap's order (sift up and down), the
    coin and delay draws per in-slot, the horizon and the shorter-offer update.
    Probabilities mix 1, 0 and values between; the delays' second parameter is per
    arc, so each in-slot reads its own."""
    g = spread.Graph.from_networkx(nx.gnm_random_graph(60, 420, seed=3, directed=True))
    rng = np.random.default_rng(4)
    p = rng.choice([1.0, 0.7, 0.35, 0.0], size=g.n_edges)
    second = rng.uniform(0.5, 2.0, size=g.n_edges) * law[2] if len(law) == 3 else None
    delay = law if second is None else (law[0], law[1], second)
    horizon = 2.0
    rr = RRSets(g, AtHorizon(CTIC(p=p, delay=delay), horizon), np.uint64(21))
    offsets, members = rr.extend(120).extend(300).flat()  # the second call starts at 120
    p_in = p[g.in_arc].tolist()
    params_in = [
        (law[1],) if second is None else (law[1], float(second[a])) for a in g.in_arc.tolist()
    ]
    reordered = 0
    for r in range(300):
        want = reference.rr_set_ctic_replay(g, p_in, law[0], params_in, horizon, 21, r)
        assert members[offsets[r] : offsets[r + 1]].tolist() == want, r
        reordered += len(want) > 3
    assert reordered >= 100  # sets large enough for the heap to order
    assert offsets[-1] > 1000


@pytest.mark.parametrize("attempts", ["every", "first"])
@pytest.mark.parametrize("horizon", [math.inf, 6.0])
def test_temporal_rr_sets_replay_the_kernel_stream(attempts, horizon):
    """Coupled: every RR set over timestamped contacts (members in the order they are
    settled) equals `reference.rr_set_temporal_replay` on the same stream: pins the
    deadlines (strict before a node, inclusive into the target, contacts after the
    start only), the coins (each contact latest first, or one per arc), the heap's
    order by latest deadline and the later-offer update. Contact times are distinct
    floats, but for 60 contacts at the start (t0 = 4: they never pass anything on, and
    draw no coin) and ten at the horizon's very end into ten distinct nodes (they count
    into a target only); probabilities per arc mix 1, 0 and values between."""
    rng = np.random.default_rng(8)
    src, dst = rng.integers(0, 40, 600), rng.integers(0, 40, 600)
    times = rng.uniform(0.0, 20.0, 600)
    src, dst = np.r_[src, rng.integers(0, 40, 60)], np.r_[dst, rng.integers(0, 40, 60)]
    times = np.r_[times, np.full(60, 4.0)]
    keep = src != dst
    src, dst, times = src[keep], dst[keep], times[keep]
    tg = TemporalGraph.from_contacts(src, dst, times, labels=np.arange(40))
    t0, origin, span = AtHorizon(TemporalIC(start=4.0), horizon).plan(tg).args[9:12]
    assert t0 == origin == 4.0
    latest = origin + span
    if math.isfinite(latest):  # contacts at the very end, into 10 distinct targets
        ends = rng.permutation(40)[:20]
        src, dst = np.r_[src, ends[:10]], np.r_[dst, ends[10:]]
        times = np.r_[times, np.full(10, latest)]
        tg = TemporalGraph.from_contacts(src, dst, times, labels=np.arange(40))
        plan = AtHorizon(TemporalIC(start=4.0), horizon).plan(tg)
        assert plan.args[9:12] == (t0, origin, span)
    p = rng.choice([1.0, 0.6, 0.3, 0.0], size=tg.n_edges)
    model = AtHorizon(TemporalIC(p=p, attempts=attempts, start=4.0), horizon)
    # in two calls, so that the second starts at set 120 (r0 > 0 in the kernel)
    offsets, members = RRSets(tg, model, np.uint64(13)).extend(120).extend(300).flat()
    p_in = p[tg.in_arc].tolist()
    big = 0
    for r in range(300):
        want = reference.rr_set_temporal_replay(tg, p_in, attempts == "every", t0, latest, 13, r)
        assert members[offsets[r] : offsets[r + 1]].tolist() == want, r
        big += len(want) > 3
    assert big >= 100  # sets large enough for the heap to order


def test_rr_sets_on_a_path_with_fixed_delays():
    """Delays of 1 and horizon 1.5: the RR set of target v is {v, v - 1} (v > 0),
    exactly; at horizons 2.5 and exactly 2, {v, v - 1, v - 2}."""
    n = 6
    path = spread.Graph.from_edges(list(range(n - 1)), list(range(1, n)))
    model = AtHorizon(CTIC(p=1.0, delay=("fixed", 1.0)), 1.5)
    rr = RRSets(path, model, np.uint64(5)).extend(300)
    offsets, members = rr.flat()
    for r in range(300):
        s = members[offsets[r] : offsets[r + 1]].tolist()
        v = s[0]
        assert s == ([v, v - 1] if v > 0 else [v])
    # with horizon 2.5 two hops, in order of distance
    rr = RRSets(path, AtHorizon(model.model, 2.5), np.uint64(5)).extend(100)
    offsets, members = rr.flat()
    for r in range(100):
        s = members[offsets[r] : offsets[r + 1]].tolist()
        assert s == [v for v in (s[0], s[0] - 1, s[0] - 2) if v >= 0]
    # a horizon of exactly 2: an adoption at the horizon counts, as in forward runs
    rr = RRSets(path, AtHorizon(model.model, 2.0), np.uint64(5)).extend(100)
    offsets, members = rr.flat()
    for r in range(100):
        s = members[offsets[r] : offsets[r + 1]].tolist()
        assert s == [v for v in (s[0], s[0] - 1, s[0] - 2) if v >= 0]
    assert spread.simulate(path, [0], model.model, n_runs=1, horizon=2.0, rng=0).mean == 3


@pytest.mark.parametrize("law", [("weibull", 1.5, 1.0), ("lognormal", 0.0, 0.7)], ids=str)
def test_rr_estimate_equals_forward_simulation_up_to_the_horizon(law):
    """sigma_T(S) = n P(a random RR set meets S): within 4 standard errors of forward runs."""
    g = spread.datasets.load("karate")
    model, horizon, seeds = CTIC(p=0.4, delay=law), 1.2, np.array([0, 33])
    rr = RRSets(g, AtHorizon(model, horizon), np.uint64(11)).extend(200_000)
    hit = coverage(rr, seeds, np.zeros(g.n_nodes, bool)) / len(rr)
    rr_mean = g.n_nodes * hit
    rr_se = g.n_nodes * math.sqrt(hit * (1 - hit) / len(rr))
    res = spread.simulate(g, seeds, model, n_runs=40_000, horizon=horizon, rng=12)
    assert abs(rr_mean - res.mean) < 4 * math.hypot(rr_se, res.stderr)
    full = RRSets(g, AtHorizon(model, math.inf), np.uint64(11)).extend(20_000)
    assert full.n_members > rr.n_members / 10  # no horizon: bigger sets (IC's)


def test_a_horizon_changes_the_best_seed():
    """Hub 0 reaches 10 leaves after 5 time units each, hub 11 reaches 5 leaves after 0.5:
    by t = 1 only hub 11 spreads at all; with no horizon hub 0 reaches more."""
    src = [0] * 10 + [11] * 5
    dst = list(range(1, 11)) + list(range(12, 17))
    g = spread.Graph.from_edges(src, dst)
    delays = np.array([5.0] * 10 + [0.5] * 5)
    model = CTIC(p=1.0, delay=("fixed", delays))
    by_one = spread.maximize(g, 1, model, horizon=1.0, eps=0.2, rng=0)
    ever = spread.maximize(g, 1, model, eps=0.2, rng=0)
    assert by_one.seeds.tolist() == [11] and by_one.spread == 6.0
    assert ever.seeds.tolist() == [0] and ever.spread == 11.0
    assert by_one.evaluation.endswith("up to t = 1")


@pytest.mark.parametrize("method", ["imm", "opim-c"])
def test_without_a_horizon_ctic_chooses_ics_seeds(method):
    """Without a horizon the RR sets are IC's, drawn from the same streams."""
    g = spread.datasets.load("nethept")
    kw = {"method": method, "eps": 0.3, "rng": 3, "evaluate": False}
    a = spread.maximize(g, 5, CTIC(p=0.05, delay=("gamma", 2.0, 1.0)), **kw)
    b = spread.maximize(g, 5, IC(p=0.05), **kw)
    assert a.seeds.tolist() == b.seeds.tolist()
    np.testing.assert_array_equal(a.gains, b.gains)


def test_heuristics_and_celf_take_ctic():
    g = spread.datasets.load("karate")
    model = CTIC(p=0.2, delay=("exponential", 2.0))
    for method in ("degree", "degree-discount", "pagerank", "random"):
        sel = spread.maximize(g, 3, model, method=method, horizon=1.0, rng=0, n_eval_runs=500)
        assert len(sel.seeds) == 3 and sel.spread >= 3
    celf = spread.maximize(g, 2, model, method="celf", horizon=1.0, n_runs=300, rng=0)
    assert len(celf.seeds) == 2


def test_horizon_errors():
    g = spread.datasets.load("karate")
    with pytest.raises(InvalidParameterError, match="`horizon` applies to Heat and CTIC"):
        spread.maximize(g, 2, IC(p=0.1), horizon=3.0, rng=0)
    with pytest.raises(InvalidParameterError, match="horizon"):
        spread.maximize(g, 2, CTIC(), horizon=-1.0, rng=0)


@pytest.mark.parametrize(
    ("shape", "scale"),
    [([1000.0], [0.001, 0.01]), ([1000.0, 1000.0], [0.001, 0.01]), ([1000.0, 10_000.0], [0.001])],
)
def test_rr_sets_read_each_arcs_own_delay_parameters_in_in_arc_order(shape, scale):
    """Two arcs, 0 -> 1 and 1 -> 0, whose in-arc order is the reverse of their order:
    gamma delays of about 1 on 0 -> 1 and 10 on 1 -> 0 (shape 1000 and per-arc scales
    0.001 and 0.01, or per-arc shapes 1000 and 10,000 and scale 0.001) under a horizon
    of 5. Only 0 -> 1 is fast enough, so an RR set is {0} (target 0) or {0, 1} (target
    1), never {1}: the sampler reorders per-arc parameters to its in-slots."""
    g = spread.Graph.from_edges([0, 1], [1, 0], directed=True)
    assert g.in_arc.tolist() == [1, 0]
    model = CTIC(p=1.0, delay=("gamma", np.array(shape), np.array(scale)))
    offsets, members = RRSets(g, AtHorizon(model, 5.0), np.uint64(3)).extend(200).flat()
    sets = {tuple(sorted(members[offsets[i] : offsets[i + 1]].tolist())) for i in range(200)}
    assert sets == {(0,), (0, 1)}
