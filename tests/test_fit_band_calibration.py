"""Predictive bands hold what they say on data simulated from the model (issue 18).

Two hundred replicates per model: each simulates a series from known parameters, fits the
model to its first bins, forecasts the next ones with a 90% band (parameter uncertainty
and observation noise, `FitResult.forecast`'s defaults) and checks whether the held-out
count of a given horizon lies inside. One count per replicate and horizon, so the number
inside is binomial(200, 0.9) when the band is calibrated; an exact binomial test at a
two-sided alpha of 0.001 must accept it at every horizon checked (a band covering 78%
or 98% fails it at a horizon nine times in ten: `test_the_check_has_power`).
"""

import warnings

import networkx as nx
import numpy as np
import pytest
from scipy import stats

import spread
from spread.fit import (
    ICEstimator,
    Trend,
    fit_bass,
    fit_hawkes,
    simulate_hawkes,
    simulate_trend,
)
from spread.fit._losses import sample_counts

N_REPLICATES = 200
LEVEL = 0.9
HORIZONS = (1, 5, 10)
ALPHA = 0.001


def _inside(fit, y, rng, errors="independent"):
    fc = fit.forecast(max(HORIZONS), LEVEL, n_paths=1000, rng=rng, errors=errors)
    lo, hi = fc["lower"].to_numpy(), fc["upper"].to_numpy()
    return {h: bool(lo[h - 1] <= y[h - 1] <= hi[h - 1]) for h in HORIZONS}


def _assert_calibrated(inside):
    n = len(inside)
    for h in HORIZONS:
        k = sum(row[h] for row in inside)
        p = stats.binomtest(k, n, LEVEL).pvalue
        assert p > ALPHA, f"horizon {h}: {k}/{n} inside the {LEVEL:.0%} band, binomial p = {p:.2g}"


def _check_replicates(replicate, max_failed=0, errors="independent"):
    """Fit `N_REPLICATES` series (``replicate(r)`` returns the fit and the held-out
    counts of replicate r) and test the bands (of the error model `errors`) of those
    that converged; at most `max_failed` may not."""
    inside, failed = [], 0
    for r in range(N_REPLICATES):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fit, held_out = replicate(r)
        if not fit.success:
            failed += 1
            continue
        inside.append(_inside(fit, held_out, r, errors))
    assert failed <= max_failed, failed
    _assert_calibrated(inside)


def test_the_check_has_power():
    """The acceptance region of the test, from `binomtest` itself: a band that covers 78%
    (a 90% band about 30% too narrow in a normal's z) or 98% fails it at one horizon with
    probability above 0.9."""
    accept = np.array(
        [stats.binomtest(k, N_REPLICATES, LEVEL).pvalue > ALPHA for k in range(N_REPLICATES + 1)]
    )
    k = np.arange(N_REPLICATES + 1)
    for coverage in (0.78, 0.98):
        assert stats.binom.pmf(k[accept], N_REPLICATES, coverage).sum() < 0.1, coverage


@pytest.mark.slow
def test_bass_bands_are_calibrated():
    """Bass with negative-binomial noise (k = 8), 40 bins fitted, 10 forecast. Measured:
    183, 179 and 185 of 200 inside at horizons 1, 5 and 10; every fit converged."""

    def replicate(r):
        tr = simulate_trend("bass", {"m": 20_000, "p": 0.003, "q": 0.15}, 50, dispersion=8, rng=r)
        return fit_bass(tr[:40]), tr.counts[40:]

    _check_replicates(replicate)


def _bass_mean(m, p, q, n_bins):
    """Expected adopters per bin of the Bass model: ``m (F(t + 1) - F(t))``."""
    t = np.arange(n_bins + 1)
    e = np.exp(-(p + q) * t)
    return m * np.diff((1 - e) / (1 + q / p * e))


def _persistent_misfit(r, phi=0.7, sigma=0.25, n_bins=50):
    """Bass counts whose mean is off by ``exp(d)``, ``d`` a stationary Gaussian AR(1)
    with mean ``-sigma**2 / 2`` (the model of ``errors="ar1"``), Poisson around it."""
    rng = np.random.default_rng(r)
    mean = -(sigma**2) / 2
    d = np.empty(n_bins)
    d[0] = mean + sigma * rng.standard_normal()
    for t in range(1, n_bins):
        d[t] = mean + phi * (d[t - 1] - mean) + sigma * np.sqrt(1 - phi**2) * rng.standard_normal()
    return rng.poisson(_bass_mean(20_000, 0.003, 0.15, n_bins) * np.exp(d)).astype(float)


@pytest.mark.slow
def test_ar1_bands_are_calibrated_when_the_misfit_persists():
    """Bass counts off by a persistent factor (phi 0.7, sigma 0.25: `_persistent_misfit`),
    40 bins fitted, 10 forecast with ``errors="ar1"``. Measured: every fit converged;
    191, 179 and 183 of 200 inside at horizons 1, 5 and 10 (191, 185 and 182 with the
    log residuals about ``mu + 1/2``, before 2026-12-06 13:30). The fitted loss's own
    bands (independent noise) hold 167, 147 and 139: they fail the check from horizon 5
    on (binomial p 0.004 at horizon 1, 3e-11 at 5)."""

    def replicate(r):
        y = _persistent_misfit(r)
        return fit_bass(y[:40]), y[40:]

    _check_replicates(replicate, errors="ar1")
    with pytest.raises(AssertionError, match="horizon 5: "):
        _check_replicates(replicate)


@pytest.mark.slow
def test_ar1_bands_are_calibrated_on_independent_noise():
    """The Bass series of `test_bass_bands_are_calibrated` (negative-binomial noise,
    nothing persists) forecast with ``errors="ar1"``: the error model finds little to
    carry and its bands stay calibrated. Measured: 182, 184 and 191 of 200 inside (183,
    185 and 192 with the log residuals about ``mu + 1/2``)."""

    def replicate(r):
        tr = simulate_trend("bass", {"m": 20_000, "p": 0.003, "q": 0.15}, 50, dispersion=8, rng=r)
        return fit_bass(tr[:40]), tr.counts[40:]

    _check_replicates(replicate, errors="ar1")


@pytest.mark.slow
def test_binned_hawkes_bands_are_calibrated():
    """Hourly counts of a Hawkes process (background 5, branching ratio 0.6, kernel
    decaying over about 3 bins), 100 bins fitted (Poisson loss: the counts of the
    simulated process), 10 forecast from the observed history. Measured: 197 of 200 fits
    converged (the three others stop near a bound; their forecasts are left out), and
    186, 187 and 181 of the 197 inside at horizons 1, 5 and 10."""

    def replicate(r):
        counts = np.histogram(simulate_hawkes(5.0, 0.6, 0.3, 110.0, rng=r), np.arange(111))[0]
        fit = fit_hawkes(Trend.from_counts(counts[:100], kind="volume"), loss="poisson")
        return fit, counts[100:]

    _check_replicates(replicate, max_failed=0.02 * N_REPLICATES)


@pytest.mark.slow
def test_network_ic_bands_are_calibrated():
    """IC with spontaneous adoption on a Barabasi-Albert graph (3,000 nodes, 30 seeds,
    p = 0.1, external 0.01): each replicate's trend is one run of the simulator seen
    through negative-binomial noise (k = 4), the network's own randomness included. 20
    bins fitted by message passing (the default negative-binomial loss, Wald
    intervals), 10 forecast: the band mixes parameter draws, the simulated runs and the
    fitted noise around each run. Measured: 199 of 200 fits converged; 179, 172 and 171
    of the 199 inside at horizons 1, 5 and 10."""
    g = spread.Graph.from_networkx(nx.barabasi_albert_graph(3000, 3, seed=1))
    seeds = list(range(30))
    model = spread.IC(p=0.1, external=0.01)

    def replicate(r):
        run = spread.simulate(g, seeds, model, n_runs=1, max_steps=29, rng=1000 + r)
        curve = np.zeros(30)
        curve[: run.new_per_step.shape[1]] = run.new_per_step[0]
        y = sample_counts(np.random.default_rng(r), curve, 4.0)
        est = ICEstimator("dmp", external=True, n_runs=200, ci_method="wald", rng=r)
        return est.fit(g, y[:20], seeds=seeds).result_, y[20:]

    _check_replicates(replicate, max_failed=0.02 * N_REPLICATES)
