"""SIS in continuous time (`spread.SIS`): exact, coupled and statistical.

Exact: the distribution of the infectious at the horizon on a complete graph (a
birth-death chain, its master equation solved with `scipy.linalg.expm`), a lone node's
exponential recovery, gamma = 0 as SI. Coupled: the Gillespie kernel against a
plain-Python replay on the same stream, bit for bit. Statistical: EoN's fast_SIS in
test_peers.
"""

import math

import numpy as np
import pytest
from scipy.linalg import expm

import spread
from spread import CTIC, SIS
from spread._random import RUNS, root_seed, stream_root
from spread.exceptions import InvalidParameterError, WorkLimitError
from spread.models import _ic_lt_kernels as ICK
from spread.models import _sis_kernels as SK
from tests import reference as ref


def complete(n):
    src, dst = np.triu_indices(n, 1)
    return spread.Graph.from_edges(src, dst, directed=False)


def complete_graph_levels(n, beta, gamma, t, i0=1):
    """P(I(t) = i), i = 0..n, of Markovian SIS on K_n: infections at beta i (n - i),
    recoveries at gamma i."""
    q = np.zeros((n + 1, n + 1))
    for i in range(n + 1):
        up, down = beta * i * (n - i), gamma * i
        if i < n:
            q[i, i + 1] = up
        if i > 0:
            q[i, i - 1] = down
        q[i, i] = -(up + down)
    p0 = np.zeros(n + 1)
    p0[i0] = 1.0
    return p0 @ expm(q * t)


def level_at_horizon(res):
    """Each run's infectious at the horizon (0 where the trailing zero bins were cut)."""
    levels = res.infectious_per_step
    horizon = 100  # time_step = horizon / 100 by default
    return levels[:, horizon] if levels.shape[1] > horizon else np.zeros(res.n_runs, int)


# ------------------------------------------------------------------ exact
def test_infectious_at_the_horizon_on_a_complete_graph():
    n, beta, gamma, horizon = 6, 0.4, 1.0, 2.5
    res = spread.simulate(
        complete(n), [0], SIS(beta=beta, gamma=gamma), n_runs=40_000, horizon=horizon, rng=1
    )
    exact = complete_graph_levels(n, beta, gamma, horizon)
    freq = np.bincount(level_at_horizon(res), minlength=n + 1) / res.n_runs
    se = np.sqrt(exact * (1 - exact) / res.n_runs)
    assert np.all(np.abs(freq - exact) <= 4 * se + 1e-12), (freq, exact)
    assert exact[0] > 0.05 and exact[1:].sum() > 0.3  # neither extinct nor certain: not vacuous


def test_a_lone_node_recovers_exponentially():
    one = spread.Graph.from_edges([0], [1])
    res = spread.simulate(one, [1], SIS(beta=1.0, gamma=2.0), n_runs=30_000, horizon=1.0, rng=2)
    frame = res.prevalence()
    t = frame.index.to_numpy()
    assert np.all(np.abs(frame["mean"] - np.exp(-2.0 * t)) <= 4 * frame["stderr"] + 1e-12)
    assert np.all(res.final_sizes == 1)  # node 1 has no out-arc: nobody else is reached


def test_runs_that_end_in_the_first_bin_keep_their_seeds_in_bin_zero():
    """Every run's seed recovers long before the first bin ends (gamma = 1000, bins of
    0.5): the curves still hold time 0, the seed infected and infectious there."""
    one = spread.Graph.from_edges([0], [1])
    kw = {"n_runs": 5, "horizon": 1.0, "time_step": 0.5, "rng": 2}
    res = spread.simulate(one, [1], SIS(beta=1.0, gamma=1000.0), **kw)
    assert res.new_per_step.tolist() == [[1]] * 5
    assert res.infectious_per_step.tolist() == [[1]] * 5


@pytest.mark.parametrize("discrete", [False, True], ids=["gillespie", "discrete"])
def test_new_infections_are_binned_at_their_first_infection_times(discrete):
    """``new_per_step[r, k]`` counts run r's first infections at times in ``((k - 1)
    step, k step]`` (the seeds in bin 0), and the final sizes the nodes ever infected,
    exactly as the kept times say."""
    g = spread.datasets.load("karate")
    step = 1.0 if discrete else 0.1
    model = SIS(beta=0.3 if discrete else 0.5, gamma=0.5 if discrete else 1.0, discrete=discrete)
    kw = {"n_runs": 20, "horizon": 30 * step, "time_step": step, "rng": 5, "keep_times": True}
    res = spread.simulate(g, [0, 33], model, **kw)
    width = res.new_per_step.shape[1]
    assert width > 5
    # the final sizes count the nodes ever infected: those with a time
    assert res.final_sizes.tolist() == (~np.isnan(res.activation_times)).sum(axis=1).tolist()
    for row, times in zip(res.new_per_step, res.activation_times, strict=True):
        t = times[~np.isnan(times)]
        bins = np.where(t > 0, np.maximum(np.ceil(t / step), 1), 0).astype(int)
        assert row.tolist() == np.bincount(bins, minlength=width).tolist()


def test_the_level_at_a_bin_end_within_the_horizons_rounding_slack_is_kept():
    """Bin ends up to ``horizon (1 + 1e-12)`` count as within the horizon (slack for
    ``k step`` rounding past it): with a step of exactly that, bin 1 holds the level."""
    one = spread.Graph.from_edges([0], [1])
    step = 1.0 * (1.0 + 1e-12)
    kw = {"n_runs": 2, "horizon": 1.0, "time_step": step, "rng": 0}
    res = spread.simulate(one, [1], SIS(beta=1.0, gamma=0.0), **kw)
    assert res.infectious_per_step.tolist() == [[1, 1]] * 2


def test_without_recovery_sis_is_si():
    """gamma = 0: SIS is SI, whose adopters by t equal CTIC(p = 1, Exp(beta))'s in law."""
    g = spread.datasets.load("karate")
    sis = spread.simulate(g, [0], SIS(beta=0.3, gamma=0.0), n_runs=20_000, horizon=2.0, rng=3)
    ctic = spread.simulate(
        g, [0], CTIC(p=1.0, delay=("exponential", 0.3)), n_runs=20_000, horizon=2.0, rng=4
    )
    assert abs(sis.mean - ctic.mean) < 4 * math.hypot(sis.stderr, ctic.stderr)
    np.testing.assert_array_equal(level_at_horizon(sis), sis.final_sizes)  # nobody recovers


def test_prevalence_counts_reinfections_and_final_sizes_count_the_reached():
    g = spread.datasets.load("karate")
    res = spread.simulate(g, [0], SIS(beta=0.6, gamma=1.0), n_runs=500, horizon=10.0, rng=5)
    assert np.all(res.infectious_per_step.max(axis=1) <= res.final_sizes)
    assert np.array_equal(res.new_per_step.sum(axis=1), res.final_sizes)
    assert math.isclose(res.curve()["mean"].iloc[-1], res.mean)
    frame = res.to_frame()
    assert np.all(frame["peak_infectious"] <= frame["final_size"])


# ------------------------------------------------------------------ coupled
@pytest.mark.parametrize(("beta", "gamma"), [(0.5, 1.0), (2.0, 0.3), (0.4, 0.0)])
def test_kernel_equals_the_reference_on_the_same_stream(beta, gamma):
    g = spread.datasets.load("karate")
    kw = {"horizon": 3.0, "time_step": 0.05}
    res = spread.simulate(
        g, [0, 9], SIS(beta=beta, gamma=gamma), n_runs=40, rng=6, keep_times=True, **kw
    )
    root = int(stream_root(root_seed(6), RUNS))
    for r in range(40):
        first, levels = ref.sis_replay(g, [0, 9], beta, gamma, root, r, 3.0, 0.05)
        row = res.activation_times[r]
        got = {int(v): float(row[v]) for v in np.flatnonzero(~np.isnan(row))}
        assert got == first
        width = res.infectious_per_step.shape[1]
        padded = (levels + [0] * width)[:width]
        assert res.infectious_per_step[r].tolist() == padded
        assert all(x == 0 for x in levels[width:])


@pytest.mark.parametrize(
    ("discrete", "horizon", "time_step"),
    [(False, 3.0, 0.05), (False, 2.3, 0.05), (False, 3.0, 0.07), (True, 12.5, 1.0)],
)
def test_the_batch_kernel_fills_short_rows_depths_and_counts_as_the_replay(
    discrete, horizon, time_step
):
    """`sis_batch` called directly, as `spread.simulate` calls it when its per-step
    buffer is narrower than the horizon's bins: rows of 8 bins for ``ceil(horizon /
    time_step)`` (60, the last one exactly at the horizon; 46, the last one at
    2.3000000000000003, past the horizon by rounding only; 43, the last one past it) or
    12 steps (a horizon of 12.5: 13 bins, 12 whole steps), runs 5-34 (the stream of
    each run's own index) cycling through three seed sets (one with a repeated node),
    in two chunks. Each run's row prefix, final size, first infection
    times and depth (the last bin with an infectious node or a first infection, which
    decides whether `spread.simulate` replays it wider), and the node counts (seeds
    included) are those of the plain-Python replay; nothing is written past a row."""
    from spread.models._batch import seed_arrays

    g = spread.datasets.load("karate")
    sets = [[0, 9], [33], [16, 16]]
    beta, gamma = (0.3, 0.5) if discrete else (0.5, 1.0)
    bins, width, run0, n_runs = math.ceil(horizon / time_step), 8, 5, 30
    seed_ptr, seeds = seed_arrays(sets)
    root = stream_root(root_seed(3), RUNS)
    finals, depths = np.zeros(n_runs, dtype=np.int64), np.zeros(n_runs, dtype=np.int64)
    block, (steps, levels) = ref.rows_between_sentinels(n_runs, width)
    times = (
        np.full((n_runs, g.n_nodes), -1, dtype=np.int32)
        if discrete
        else np.full((n_runs, g.n_nodes), np.nan)
    )
    counts = np.zeros((2, g.n_nodes), dtype=np.int32)
    max_degree = float(np.diff(g.indptr).max())
    SK.sis_batch(
        g.indptr, g.indices, beta, gamma, max_degree, horizon, discrete, time_step, seed_ptr,
        seeds, bins, root, run0, 2, finals, depths, steps, times, True, counts, levels,
    )  # fmt: skip
    want_counts = np.zeros(g.n_nodes, dtype=np.int64)
    for i in range(n_runs):
        run, nodes = run0 + i, sets[(run0 + i) % len(sets)]
        if discrete:
            steps_taken = math.floor(horizon)
            first, level = ref.sis_steps_replay(g, nodes, beta, gamma, int(root), run, steps_taken)
            first_bin = first
        else:
            first, level = ref.sis_replay(
                g, nodes, beta, gamma, int(root), run, horizon, time_step
            )
            first_bin = {
                v: max(math.ceil(t / time_step), 1) if t > 0 else 0 for v, t in first.items()
            }
        assert finals[i] == len(first)
        got = {int(v): times[i, v].item() for v in np.flatnonzero(times[i] >= 0)}
        assert got == first
        per_bin = np.bincount(list(first_bin.values()), minlength=bins + 1)
        assert steps[i].tolist() == per_bin[:width].tolist()
        assert levels[i].tolist() == (level + [0] * width)[:width]
        deepest = max([k for k, x in enumerate(level) if x > 0] + list(first_bin.values()))
        assert depths[i] == deepest
        want_counts[list(first)] += 1
    assert (depths >= width).any() and (depths < width).any()
    assert (block[:, 1::2] == -7).all()
    np.testing.assert_array_equal(counts.sum(axis=0), want_counts)


def test_the_sis_kernel_shares_the_ic_stream():
    root = np.uint64(0xFEEDFACE12345678)
    for run in (0, 7, 99_999):
        assert SK._run_state(root, run) == ICK._run_state(root, run)
        s = np.uint64(SK._run_state(root, run))
        assert SK._next_uniform(s) == ICK._next_uniform(s)


def test_reproducible_on_threads():
    import numba

    g = spread.datasets.load("nethept")
    out = []
    for n in (1, 2):
        numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
        try:
            out.append(
                spread.simulate(
                    g, list(range(20)), SIS(beta=0.3, gamma=1.0), n_runs=200, horizon=5.0, rng=7
                )
            )
        finally:
            numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    np.testing.assert_array_equal(out[0].final_sizes, out[1].final_sizes)
    np.testing.assert_array_equal(out[0].infectious_per_step, out[1].infectious_per_step)


# ------------------------------------------------------------------ bad input
def test_sis_needs_a_horizon_and_valid_rates():
    g = spread.datasets.load("karate")
    with pytest.raises(InvalidParameterError, match="`horizon` is required"):
        spread.simulate(g, [0], SIS(beta=1.0, gamma=1.0), rng=0)
    with pytest.raises(InvalidParameterError, match="beta"):
        SIS(beta=0.0, gamma=1.0)
    with pytest.raises(InvalidParameterError, match="gamma"):
        SIS(beta=1.0, gamma=-1.0)
    with pytest.raises(InvalidParameterError, match="beta"):
        SIS(beta=[[1.0]], gamma=1.0)
    with pytest.raises(
        InvalidParameterError, match=r"`beta` must be a number or one per arc \(156\)"
    ):
        spread.simulate(g, [0], SIS(beta=[1.0, 2.0], gamma=1.0), horizon=1.0, rng=0)
    with pytest.raises(InvalidParameterError, match="`gamma` must be a number or one per node"):
        spread.simulate(g, [0], SIS(beta=1.0, gamma=[1.0, 2.0]), horizon=1.0, rng=0)
    with pytest.raises(InvalidParameterError, match="median > 0"):
        SIS(transmission=("fixed", 0.0), gamma=1.0)
    with pytest.raises(InvalidParameterError, match="one `beta` and one `gamma`"):
        SIS(beta=np.full(156, 0.5), gamma=0.5, discrete=True)


def test_sis_work_is_bounded_before_it_starts():
    """Events come at a total rate of at most gamma n + beta m: a long horizon on many runs
    is refused up front, naming the parameter."""
    g = spread.datasets.load("nethept")
    with pytest.raises(WorkLimitError, match="SIS runs"):
        spread.simulate(g, [0], SIS(beta=1.0, gamma=1.0), n_runs=10_000, horizon=1e6, rng=0)


# ------------------------------------------------------------------ discrete time
def discrete_complete_levels(n, beta, gamma, steps, i0=1):
    """P(I_t = i) of discrete-time SIS on K_n: each susceptible is infected with
    probability 1 - (1 - beta)^I, each infectious recovers with probability gamma."""
    from scipy.stats import binom

    m = np.zeros((n + 1, n + 1))
    for i in range(n + 1):
        stay = binom.pmf(np.arange(i + 1), i, 1 - gamma)  # infectious who stay
        new = binom.pmf(np.arange(n - i + 1), n - i, 1 - (1 - beta) ** i)
        m[i] = np.convolve(stay, new)[: n + 1]
    p = np.zeros(n + 1)
    p[i0] = 1.0
    for _ in range(steps):
        p = p @ m
    return p


def test_discrete_sis_on_a_complete_graph_matches_its_chain():
    n, beta, gamma, steps = 8, 0.15, 0.4, 6
    res = spread.simulate(
        complete(n), [0], SIS(beta=beta, gamma=gamma, discrete=True), n_runs=20_000,
        horizon=steps, rng=3,
    )  # fmt: skip
    p = discrete_complete_levels(n, beta, gamma, steps)
    mean = float(p @ np.arange(n + 1))
    sd = math.sqrt(float(p @ np.arange(n + 1) ** 2) - mean**2)
    level = res.prevalence()["mean"].reindex(range(steps + 1), fill_value=0.0)
    assert abs(level.iloc[steps] - mean) < 4 * sd / math.sqrt(20_000)


def test_discrete_sis_lone_node_and_si_limits():
    one = spread.Graph.from_edges([0], [1])
    res = spread.simulate(
        one, [1], SIS(beta=1.0, gamma=0.3, discrete=True), n_runs=20_000, horizon=5, rng=0
    )
    for k, value in enumerate(res.prevalence()["mean"]):
        q = 0.7**k
        assert abs(value - q) < 4 * math.sqrt(q * (1 - q) / 20_000) + 1e-12
    # gamma = 0 and beta = 1: everyone at their breadth-first distance, if within the horizon
    g = spread.datasets.load("karate")
    res = spread.simulate(
        g,
        [0],
        SIS(beta=1.0, gamma=0.0, discrete=True),
        n_runs=3,
        horizon=2,
        rng=0,
        keep_times=True,
    )
    dist = ref.bfs_steps(
        [g.indices[g.indptr[u] : g.indptr[u + 1]].tolist() for u in range(g.n_nodes)], [0]
    )
    expected = np.array([dist.get(v, np.inf) for v in range(g.n_nodes)], dtype=float)
    expected[expected > 2] = np.nan
    assert np.array_equal(res.activation_times[0], expected, equal_nan=True)


@pytest.mark.parametrize(("beta", "gamma"), [(0.3, 0.5), (0.8, 0.1), (0.05, 1.0)])
def test_discrete_sis_kernel_equals_the_replay(beta, gamma):
    g = spread.datasets.load("karate")
    res = spread.simulate(
        g, [0, 33], SIS(beta=beta, gamma=gamma, discrete=True), n_runs=40, horizon=12, rng=7,
        keep_times=True,
    )  # fmt: skip
    root = int(stream_root(root_seed(7), RUNS))
    level = res.infectious_per_step
    for r in range(40):
        first, levels = ref.sis_steps_replay(g, [0, 33], beta, gamma, root, r, 12)
        times = res.activation_times[r]
        assert {int(v): int(times[v]) for v in np.flatnonzero(~np.isnan(times))} == first
        row = np.zeros(13, dtype=int)
        row[: min(13, level.shape[1])] = level[r, :13]
        last = max((k for k, x in enumerate(levels) if x > 0), default=0)
        assert row[: last + 1].tolist() == levels[: last + 1]


def test_a_discrete_recovery_draw_equal_to_gamma_does_not_recover():
    """A discrete step recovers a node iff its draw x < gamma (P = gamma exactly): with
    gamma set to the very draw of a lone seed's first step (run 0's first uniform: the
    seed has no arc to try), the seed stays infectious; one ulp more and it recovers."""
    one = spread.Graph.from_edges([0], [1])
    root = stream_root(root_seed(3), RUNS)
    x = float(SK._next_uniform(SK._run_state(root, np.uint64(0)))[1])
    for gamma, level in ((x, 1), (float(np.nextafter(x, 1.0)), 0)):
        model = SIS(beta=0.5, gamma=gamma, discrete=True)
        res = spread.simulate(one, [1], model, n_runs=1, horizon=1.0, rng=3)
        got = [*res.infectious_per_step[0].tolist(), 0]
        assert got[:2] == [1, level]


def test_discrete_sis_settings_are_checked():
    with pytest.raises(InvalidParameterError, match="probability per step"):
        SIS(beta=1.5, gamma=0.1, discrete=True)
    with pytest.raises(InvalidParameterError, match="`discrete` must be True or False"):
        SIS(beta=0.5, gamma=0.1, discrete="yes")
    g = spread.datasets.load("karate")
    with pytest.raises(InvalidParameterError, match="`time_step` of a discrete-time SIS"):
        spread.simulate(g, [0], SIS(beta=0.5, gamma=0.1, discrete=True), horizon=5, time_step=0.5)
    assert (
        repr(SIS(beta=0.5, gamma=0.1, discrete=True)) == "SIS(beta=0.5, gamma=0.1, discrete=True)"
    )
