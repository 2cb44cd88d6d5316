"""SIR in continuous time (`spread.SIR`): exact, coupled and statistical.

Exact: the final-size distribution on a complete graph (the embedded jump chain,
solved exactly) and on a star (the leaves share the hub's infectious period),
deterministic laws, and the identity with CTIC when nobody recovers. Coupled: the
kernel against `tests/reference.py`'s event-driven replay on the same draws.
Statistical: the Markovian star's mean and the agreement with EoN (test_peers).
"""

import math

import numpy as np
import pytest
from scipy.special import comb

import spread
from spread import CTIC, IC, SIR
from spread._random import RUNS, root_seed, stream_root
from spread.exceptions import InvalidParameterError
from tests import reference as ref


def complete(n):
    src, dst = np.triu_indices(n, 1)
    return spread.Graph.from_edges(src, dst, directed=False)


def complete_graph_final_sizes(n, beta, gamma):
    """P(final size = m), m = 0..n, of Markovian SIR on K_n from one infected node.

    The jump chain on (S, I): an infection with probability beta S / (beta S + gamma)
    (total rate beta S I against gamma I), else a recovery."""
    prob = {(n - 1, 1): 1.0}
    final = np.zeros(n + 1)
    for s in range(n - 1, -1, -1):
        for i in range(n, 0, -1):
            pr = prob.pop((s, i), 0.0)
            if not pr:
                continue
            infect = beta * s / (beta * s + gamma)
            if s > 0:
                prob[(s - 1, i + 1)] = prob.get((s - 1, i + 1), 0.0) + pr * infect
            prob[(s, i - 1)] = prob.get((s, i - 1), 0.0) + pr * (1 - infect)
        pr = prob.pop((s, 0), 0.0)
        final[n - s] += pr
    assert not prob and math.isclose(final.sum(), 1.0)
    return final


def star_leaf_counts(k, beta, gamma):
    """P(j of the k leaves infected) from the hub: given its period D, Binomial(k, 1 - e^{-beta D})."""
    out = np.zeros(k + 1)
    for j in range(k + 1):
        out[j] = comb(k, j) * sum(
            comb(j, i) * (-1) ** i * gamma / (gamma + beta * (k - j + i)) for i in range(j + 1)
        )
    assert math.isclose(out.sum(), 1.0)
    return out


def assert_frequencies(observed_sizes, probabilities):
    """Each outcome's frequency within 4 binomial standard errors of its probability."""
    n = observed_sizes.size
    freq = np.bincount(observed_sizes, minlength=probabilities.size) / n
    se = np.sqrt(probabilities * (1 - probabilities) / n)
    assert np.all(np.abs(freq[: probabilities.size] - probabilities) <= 4 * se + 1e-12), (
        freq,
        probabilities,
    )


# ------------------------------------------------------------------ exact
def test_final_size_distribution_on_a_complete_graph():
    n, beta, gamma = 6, 0.7, 1.0
    res = spread.simulate(complete(n), [0], SIR(beta=beta, gamma=gamma), n_runs=40_000, rng=1)
    assert_frequencies(res.final_sizes, complete_graph_final_sizes(n, beta, gamma))


def test_leaves_of_a_star_share_the_hubs_period():
    """The leaves' count follows the mixed binomial, not Binomial(k, beta / (beta + gamma))."""
    k, beta, gamma = 5, 2.0, 3.0
    star = spread.Graph.from_edges([0] * k, list(range(1, k + 1)))
    res = spread.simulate(star, [0], SIR(beta=beta, gamma=gamma), n_runs=40_000, rng=2)
    exact = star_leaf_counts(k, beta, gamma)
    assert_frequencies(res.final_sizes - 1, exact)
    independent = np.array([comb(k, j) * 0.4**j * 0.6 ** (k - j) for j in range(k + 1)])
    assert abs(exact[0] - independent[0]) > 0.1  # the two laws are far apart: not vacuous


def test_without_recovery_sir_is_ctic_with_p_one():
    """gamma = 0: every period is endless, so SIR(beta, 0) is CTIC(1, Exp(beta)), draw for draw."""
    g = spread.datasets.load("karate")
    kw = {"n_runs": 200, "rng": 4, "keep_times": True, "horizon": 1.5}
    sir = spread.simulate(g, [0], SIR(beta=0.8, gamma=0.0), **kw)
    ctic = spread.simulate(g, [0], CTIC(p=1.0, delay=("exponential", 0.8)), **kw)
    np.testing.assert_array_equal(sir.activation_times, ctic.activation_times)
    assert not sir.recoveries_per_step.any()


def test_an_endless_period_is_no_event_for_the_depth():
    """A run's depth (the kernel's ``depths``: its last bin with an event, which sizes
    the per-step buffers and the work pilot's estimate) with gamma = 0 and no horizon:
    nobody recovers, so an SIR run on a path with delays of 1 ends at its last
    adoption, t = 2 (bin 4 of width 0.5), as CTIC's does, not at the last bin."""
    from spread.models import _batch, seed_arrays

    g = spread.Graph.from_edges([0, 1], [1, 2])
    seed_ptr, seeds = seed_arrays([np.array([0], dtype=np.int32)])
    for model in (SIR(transmission=("fixed", 1.0), gamma=0.0), CTIC(delay=("fixed", 1.0))):
        plan = model.plan(g, time_step=0.5)
        out = _batch._Buffers.empty(3, g.n_nodes, 101, 1, False, plan=plan)
        _batch._call(g, plan, seed_ptr, seeds, 100, np.uint64(7), 0, 1, out)
        assert out.final_sizes.tolist() == [3, 3, 3]
        assert out.depths.tolist() == [4, 4, 4]


@pytest.mark.parametrize("width", [6, 60])
def test_the_batch_kernel_fills_short_rows_as_wide_ones_and_weighs_the_infected(width):
    """`ctic_batch` with recovery, called directly as `spread.simulate` calls it: rows of
    `width` bins (6: narrower than the horizon's 40, as a first buffer can be; 60:
    wider) hold the prefix of the rows of a call with rows of all 41 bins, with a
    sentinel row after each row that no write reaches; each run's weighted size is the
    weight of the nodes its times say it infected, and its depth that of the wide call."""
    from spread.models import _ctic_kernels as CK
    from spread.models import seed_arrays

    g = spread.datasets.load("karate")
    model = SIR(transmission=("gamma", 0.5, 1.2), recovery=("weibull", 1.5, 0.8))
    plan = model.plan(g, horizon=4.0, time_step=0.1)
    bins, n_runs, n = 40, 20, g.n_nodes
    seed_ptr, seeds = seed_arrays([[0, 9], [33]])
    root = np.uint64(0x5EED)
    weight = np.linspace(0.5, 2.0, n)

    def call(w):
        rows, (steps, recs) = ref.rows_between_sentinels(n_runs, w)
        out = dict(
            finals=np.zeros(n_runs, dtype=np.int64), depths=np.zeros(n_runs, dtype=np.int64),
            times=np.full((n_runs, n), np.nan), weighted=np.zeros(n_runs),
        )  # fmt: skip
        CK.ctic_batch(
            g.indptr, g.indices, *plan.args, seed_ptr, seeds, bins, root, 3, 2, out["finals"],
            out["depths"], steps, out["times"], True, np.zeros((2, n), dtype=np.int32), weight,
            out["weighted"], recs,
        )  # fmt: skip
        return out, steps, recs, rows

    wide, wide_steps, wide_recs, _ = call(bins + 1)
    out, steps, recs, rows = call(width)
    k = min(width, bins + 1)
    np.testing.assert_array_equal(steps[:, :k], wide_steps[:, :k])
    np.testing.assert_array_equal(recs[:, :k], wide_recs[:, :k])
    assert (steps[:, k:] == 0).all() and (recs[:, k:] == 0).all()
    assert (rows[:, 1::2] == -7).all()
    for key in ("finals", "depths", "times"):
        np.testing.assert_array_equal(out[key], wide[key])
    infected = ~np.isnan(out["times"])
    np.testing.assert_allclose(out["weighted"], infected @ weight, rtol=1e-12)
    assert (wide["depths"] >= 6).any() and wide_recs.sum() > 0


def test_a_recovery_at_the_horizon_counts():
    """Times run up to the horizon inclusive: with delays and periods of 1 on a path,
    node 1 (infected at 1, a tie that transmits) recovers at 2.0 = horizon, counted in
    the last bin; node 2, infected at 2.0, recovers after it."""
    path = spread.Graph.from_edges([0, 1, 2], [1, 2, 3])
    model = SIR(transmission=("fixed", 1.0), recovery=("fixed", 1.0))
    res = spread.simulate(path, [0], model, n_runs=2, horizon=2.0, time_step=0.5, rng=0)
    assert res.new_per_step.tolist() == [[1, 0, 1, 0, 1]] * 2
    assert res.recoveries_per_step.tolist() == [[0, 0, 1, 0, 1]] * 2


def test_a_recovery_past_the_last_bin_makes_the_depth_the_last_bin():
    """Without a horizon, recoveries at t = 100, 101, 102 fall past the last of 10 bins
    of 0.5: the run's depth is bin 10 (at most `max_steps`, as its docstring says), not
    the bin past it."""
    from spread.models import _batch, seed_arrays

    g = spread.Graph.from_edges([0, 1], [1, 2])
    seed_ptr, seeds = seed_arrays([np.array([0], dtype=np.int32)])
    plan = SIR(transmission=("fixed", 1.0), recovery=("fixed", 100.0)).plan(g, time_step=0.5)
    out = _batch._Buffers.empty(3, g.n_nodes, 11, 1, False, plan=plan)
    _batch._call(g, plan, seed_ptr, seeds, 10, np.uint64(7), 0, 1, out)
    assert out.final_sizes.tolist() == [3, 3, 3]
    assert out.depths.tolist() == [10, 10, 10]


def test_fixed_laws_on_a_path():
    """Delays of 1 and a period of 1.5 pass the infection on; a period of 0.9 stops it."""
    path = spread.Graph.from_edges([0, 1, 2], [1, 2, 3])
    model = SIR(transmission=("fixed", 1.0), recovery=("fixed", 1.5))
    res = spread.simulate(path, [0], model, n_runs=3, time_step=0.5, rng=0, keep_times=True)
    np.testing.assert_array_equal(res.activation_times, [[0.0, 1.0, 2.0, 3.0]] * 3)
    # infected at 0, 1, 2, 3 and recovered at 1.5, 2.5, 3.5, 4.5: I(t) at t = 0, 0.5, ...
    prevalence = res.prevalence()["mean"].to_numpy()
    np.testing.assert_array_equal(prevalence, [1, 1, 2, 1, 2, 1, 2, 1, 1, 0])
    assert list(res.to_frame()["peak_infectious"]) == [2, 2, 2]
    stopped = SIR(transmission=("fixed", 1.0), recovery=("fixed", 0.9))
    assert np.all(spread.simulate(path, [0], stopped, n_runs=3, rng=0).final_sizes == 1)


def test_per_arc_zero_rates_never_transmit():
    path = spread.Graph.from_edges([0, 1, 2], [1, 2, 3])
    res = spread.simulate(path, [0], SIR(beta=[5.0, 0.0, 5.0], gamma=0.1), n_runs=200, rng=0)
    assert res.final_sizes.max() == 2 and res.final_sizes.min() >= 1


def test_a_horizon_counts_only_what_happened_by_then():
    g = spread.datasets.load("karate")
    res = spread.simulate(g, [0, 33], SIR(beta=1.0, gamma=0.5), n_runs=300, horizon=2.0, rng=3)
    infected = res.new_per_step.sum(axis=1)
    recovered = res.recoveries_per_step.sum(axis=1)
    np.testing.assert_array_equal(infected, res.final_sizes)
    assert np.all(recovered <= infected)
    assert math.isclose(res.curve()["mean"].iloc[-1], res.mean)
    assert res.curve().index[-1] <= 2.0 + 1e-12


# ------------------------------------------------------------------ coupled
@pytest.mark.parametrize("horizon", [math.inf, 1.2])
def test_kernel_equals_the_reference_on_the_same_draws(horizon):
    g = spread.datasets.load("karate")
    rng = np.random.default_rng(0)
    beta = rng.uniform(0.2, 2.0, g.n_edges)
    gamma = rng.uniform(0.5, 2.0, g.n_nodes)
    kw = {"horizon": None if horizon == math.inf else horizon, "time_step": 0.05}
    res = spread.simulate(
        g, [0, 9], SIR(beta=beta, gamma=gamma), n_runs=50, rng=8, keep_times=True, **kw
    )
    root = int(stream_root(root_seed(8), RUNS))
    for r in range(50):
        infected, recovered = ref.sir_replay(g, [0, 9], beta, gamma, root, r, horizon)
        row = res.activation_times[r]
        got = {int(v): float(row[v]) for v in np.flatnonzero(~np.isnan(row))}
        assert got == infected
        k = np.ceil(np.array(list(recovered.values())) / 0.05).astype(int)
        counts = np.bincount(k, minlength=res.recoveries_per_step.shape[1])
        np.testing.assert_array_equal(counts, res.recoveries_per_step[r])


# ------------------------------------------------------------------ statistical
def test_markovian_transmission_probability_on_a_star():
    """Each leaf is infected with probability beta / (beta + gamma)."""
    k, beta, gamma = 8, 1.0, 1.5
    star = spread.Graph.from_edges([0] * k, list(range(1, k + 1)))
    res = spread.simulate(star, [0], SIR(beta=beta, gamma=gamma), n_runs=20_000, rng=5)
    assert abs(res.mean - (1 + k * beta / (beta + gamma))) < 4 * res.stderr


def test_non_markovian_period_changes_the_outcome_not_the_mean_rate():
    """A fixed period D (instead of Exp(gamma)) with Exp(beta) delays infects each leaf
    with probability 1 - e^{-beta D}, all leaves independently given D: Binomial."""
    k, beta, period = 6, 0.7, 1.2
    star = spread.Graph.from_edges([0] * k, list(range(1, k + 1)))
    res = spread.simulate(
        star, [0], SIR(beta=beta, recovery=("fixed", period)), n_runs=30_000, rng=6
    )
    q = 1 - math.exp(-beta * period)
    exact = np.array([comb(k, j) * q**j * (1 - q) ** (k - j) for j in range(k + 1)])
    assert_frequencies(res.final_sizes - 1, exact)


def test_reproducible_on_threads_and_a_summary_with_the_peak():
    import numba

    g = spread.datasets.load("nethept")
    model = SIR(beta=0.5, gamma=1.0)
    runs = []
    for n in (1, 2):
        numba.set_num_threads(min(n, numba.config.NUMBA_NUM_THREADS))
        try:
            runs.append(spread.simulate(g, list(range(40)), model, n_runs=800, rng=9, horizon=6.0))
        finally:
            numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
    np.testing.assert_array_equal(runs[0].final_sizes, runs[1].final_sizes)
    np.testing.assert_array_equal(runs[0].recoveries_per_step, runs[1].recoveries_per_step)
    text = runs[0].summary()
    assert "infectious: mean peaks at" in text
    frame = runs[0].to_frame()
    assert list(frame.columns) == ["final_size", "duration", "peak_infectious", "peak_time"]


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"gamma": 1.0}, "exactly one of `beta`"),
        (
            {"beta": 1.0, "transmission": ("exponential", 1.0), "gamma": 1.0},
            "exactly one of `beta`",
        ),
        ({"beta": 1.0}, "exactly one of `gamma`"),
        ({"beta": -1.0, "gamma": 1.0}, "`beta` must be a finite rate >= 0"),
        ({"beta": 1.0, "gamma": math.inf}, "`gamma` must be a finite rate >= 0"),
        ({"beta": "fast", "gamma": 1.0}, "`beta` must be a rate"),
        ({"beta": 1.0, "gamma": [1.0, 0.0]}, "> 0 on every node or 0 on every node"),
        ({"beta": 1.0, "recovery": ("pareto", 1.0)}, "law must be one of"),
    ],
)
def test_bad_parameters_are_refused(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        SIR(**kwargs)


def test_sizes_must_match_the_graph_and_prevalence_needs_recovery():
    g = spread.Graph.from_edges([0, 1], [1, 2])
    with pytest.raises(InvalidParameterError, match="one per arc"):
        spread.simulate(g, [0], SIR(beta=[1.0, 1.0, 1.0], gamma=1.0), rng=0)
    with pytest.raises(InvalidParameterError, match="one per node"):
        spread.simulate(g, [0], SIR(beta=1.0, gamma=[1.0, 2.0]), rng=0)
    with pytest.raises(InvalidParameterError, match="prevalence needs recoveries"):
        spread.simulate(g, [0], IC(p=0.5), n_runs=5, rng=0).prevalence()
    with pytest.raises(InvalidParameterError, match="use `horizon`"):
        spread.simulate(g, [0], SIR(beta=1.0, gamma=1.0), max_steps=3, rng=0)


# ------------------------------------------------------------------ discrete time
def test_discrete_sir_with_one_step_of_infection_is_ic():
    """gamma = 1: each infected node tries its arcs once, the step after its infection:
    IC with p = beta, step by step (means within 4 standard errors at every step)."""
    g = spread.datasets.load("karate")
    sir = spread.simulate(g, [0], SIR(beta=0.2, gamma=1.0, discrete=True), n_runs=20_000, rng=0)
    ic = spread.simulate(g, [0], IC(p=0.2), n_runs=20_000, rng=1)
    a, b = sir.curve(), ic.curve()
    width = min(len(a), len(b))
    assert np.all(a.index[:width].to_numpy() == np.arange(width))  # whole steps
    diff = np.abs(a["mean"].to_numpy()[:width] - b["mean"].to_numpy()[:width])
    se = np.hypot(a["stderr"].to_numpy()[:width], b["stderr"].to_numpy()[:width])
    assert np.all(diff <= 4 * se + 1e-12)


def test_discrete_sir_on_a_star():
    """The hub stays infectious D ~ Geometric(gamma) steps; a leaf is infected iff one of
    its D tries succeeds: P = 1 - gamma (1 - beta) / (1 - (1 - gamma)(1 - beta))."""
    k, beta, gamma = 6, 0.3, 0.4
    star = spread.Graph.from_edges([0] * k, list(range(1, k + 1)))
    res = spread.simulate(
        star,
        [0],
        SIR(beta=beta, gamma=gamma, discrete=True),
        n_runs=30_000,
        rng=2,
        keep_times=True,
    )
    q = 1 - gamma * (1 - beta) / (1 - (1 - gamma) * (1 - beta))
    assert abs(res.mean - (1 + k * q)) < 4 * res.stderr
    t = res.activation_times[~np.isnan(res.activation_times)]
    assert np.array_equal(t, np.round(t))  # whole steps


def test_a_tie_between_delay_and_period_transmits():
    """A node's last step still tries its arcs: a delay equal to the period transmits."""
    path = spread.Graph.from_edges([0, 1, 2], [1, 2, 3])
    model = SIR(transmission=("fixed", 1.0), recovery=("fixed", 1.0))
    assert np.all(spread.simulate(path, [0], model, n_runs=3, rng=0).final_sizes == 4)


def test_discrete_parameters_are_probabilities():
    with pytest.raises(InvalidParameterError, match="probability per step"):
        SIR(beta=1.5, gamma=0.5, discrete=True)
    with pytest.raises(InvalidParameterError, match="not laws"):
        SIR(transmission=("fixed", 1.0), gamma=0.5, discrete=True)
    with pytest.raises(InvalidParameterError, match="discrete"):
        SIR(beta=0.5, gamma=0.5, discrete="yes")
