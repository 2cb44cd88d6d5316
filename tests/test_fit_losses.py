"""The count likelihoods and trend losses every fit shares (`spread.fit._losses`), each
against an independent form: scipy.stats' probability mass functions, central
differences, a grid search, and the losses' definitions written out here."""

import math

import numpy as np
import pytest
from scipy import stats

from spread.fit._losses import (
    dloglik_dk,
    dloglik_dmu,
    loglik,
    mixture_dispersion,
    negbin_dispersion,
    negbin_loglik,
    poisson_loglik,
    sample_counts,
    trend_loss,
)

Y = np.array([0.0, 1.0, 3.0, 7.0, 12.0, 30.0, 2.0])
MU = np.array([0.4, 2.0, 2.5, 9.0, 10.0, 18.0, 5.0])


def nbinom_logpmf(y, mu, k):
    """NB2 with mean mu and variance mu + mu**2 / k: scipy's nbinom(n=k, p=k / (k + mu))."""
    return stats.nbinom.logpmf(y, k, k / (k + mu))


def test_log_likelihoods_match_scipy_stats():
    """Per bin and summed: Poisson against `poisson.logpmf`, NB2 against `nbinom.logpmf`
    (several k, including one large enough to be near Poisson); `loglik` dispatches to
    Poisson for the Poisson loss whatever k, and for an infinite k."""
    want = stats.poisson.logpmf(Y, MU)
    np.testing.assert_allclose(poisson_loglik(Y, MU, total=False), want, rtol=1e-12)
    assert poisson_loglik(Y, MU) == pytest.approx(want.sum(), rel=1e-12)
    for k in (0.3, 2.0, 50.0, 1e6):
        want = nbinom_logpmf(Y, MU, k)
        np.testing.assert_allclose(negbin_loglik(Y, MU, k, total=False), want, rtol=1e-9)
        assert loglik("negbin", Y, MU, k) == pytest.approx(want.sum(), rel=1e-9)
        assert loglik("poisson", Y, MU, k) == pytest.approx(poisson_loglik(Y, MU), rel=1e-15)
    assert loglik("negbin", Y, MU, np.inf) == poisson_loglik(Y, MU)


def test_derivatives_match_central_differences():
    """``dloglik_dmu`` per bin and ``dloglik_dk`` summed, against central differences of
    the log-likelihoods (step 1e-6 relative). The Poisson loss ignores k; NB2 with an
    infinite k is Poisson."""
    h = 1e-6 * MU
    for loss, k in [("poisson", np.inf), ("poisson", 3.0), ("negbin", 3.0), ("negbin", np.inf)]:
        up = loglik(loss, Y, MU + h, k, total=False)
        down = loglik(loss, Y, MU - h, k, total=False)
        np.testing.assert_allclose(dloglik_dmu(loss, Y, MU, k), (up - down) / (2 * h), rtol=1e-6)
    for k in (0.5, 4.0, 80.0):
        dk = 1e-6 * k
        numeric = (negbin_loglik(Y, MU, k + dk) - negbin_loglik(Y, MU, k - dk)) / (2 * dk)
        assert dloglik_dk(Y, MU, k) == pytest.approx(numeric, rel=1e-5)


def test_negbin_dispersion_maximises_the_likelihood_over_k():
    """The profiled dispersion: the value returned is -loglik at k_hat, and for
    overdispersed counts (NB2 with k = 2) k_hat does at least as well as every k of a
    fine log grid over the bounds (0.1 to 1e8), near 2. Counts steadier than Poisson
    put k_hat in the practically-Poisson end, above 1e7 (where the log-gamma
    differences round to about 1e-7 per bin, so the grid check would test the rounding).
    """
    grid = np.exp(np.linspace(math.log(0.1), math.log(1e8), 4001))
    rng = np.random.default_rng(4)
    mu = np.full(200, 20.0)
    y = rng.poisson(rng.gamma(2.0, 10.0, size=mu.shape)).astype(float)
    k_hat, nll = negbin_dispersion(y, mu)
    assert nll == pytest.approx(-negbin_loglik(y, mu, k_hat), rel=1e-12)
    assert -nll >= max(negbin_loglik(y, mu, k) for k in grid) - 1e-9
    assert 1.0 < k_hat < 4.0
    k_hat, nll = negbin_dispersion(mu, mu)  # no variance at all
    assert nll == pytest.approx(-negbin_loglik(mu, mu, k_hat), rel=1e-12)
    assert 1e7 < k_hat <= 1e8


def test_trend_losses_by_their_definitions():
    """Each trend loss written out: "negbin" the profiled NB2 -loglik, "poisson" the
    deviance 2 sum(y log(y / mu) - (y - mu)) with y log y = 0 at y = 0, "sqrt" the
    squared differences of square roots, "squared" the squared differences; negative
    means count as 0 (1e-9 for the deviance's logarithm)."""
    assert trend_loss("negbin", Y, MU) == negbin_dispersion(Y, MU)[1]
    dev = 2 * sum(
        (y * math.log(y / m) if y > 0 else 0.0) - (y - m) for y, m in zip(Y, MU, strict=True)
    )
    assert trend_loss("poisson", Y, MU) == pytest.approx(dev, rel=1e-12)
    roots = sum((math.sqrt(y) - math.sqrt(m)) ** 2 for y, m in zip(Y, MU, strict=True))
    assert trend_loss("sqrt", Y, MU) == pytest.approx(roots, rel=1e-12)
    squares = sum((y - m) ** 2 for y, m in zip(Y, MU, strict=True))
    assert trend_loss("squared", Y, MU) == pytest.approx(squares, rel=1e-12)
    y, mu = np.array([0.0, 4.0]), np.array([-1.0, 4.0])
    assert trend_loss("sqrt", y, mu) == 0.0
    assert trend_loss("poisson", y, mu) == pytest.approx(2e-9, rel=1e-9)
    assert trend_loss("negbin", y, mu) == negbin_dispersion(y, np.array([0.0, 4.0]))[1]


def test_mixture_dispersion_is_the_likelihood_of_a_run_drawn_then_noise():
    """`mixture_dispersion` maximises sum_t log((1 / R) sum_r NB(y_t; runs[r, t], k)):
    over identical runs (one or three) it is `negbin_dispersion` around that run, k and
    -loglik both; over runs that differ, its -loglik is that sum written out with
    scipy's NB2 at the returned k, and no k of a log grid over the bounds does better."""
    k1, nll1 = negbin_dispersion(Y, MU)
    for n_runs in (1, 3):
        k, nll = mixture_dispersion(Y, np.tile(MU, (n_runs, 1)))
        assert k == pytest.approx(k1, rel=1e-6)
        assert nll == pytest.approx(nll1, rel=1e-12)
    runs = np.stack([MU, 0.5 * MU, 2.0 * MU + 1.0])
    k, nll = mixture_dispersion(Y, runs)

    def mixture_nll(kk):
        pmf = np.exp([nbinom_logpmf(Y, run, kk) for run in runs])
        return -float(np.sum(np.log(pmf.mean(axis=0))))

    assert nll == pytest.approx(mixture_nll(k), rel=1e-9)
    grid = np.exp(np.linspace(math.log(0.1), math.log(1e8), 801))
    assert nll <= min(mixture_nll(kk) for kk in grid) + 1e-9
    assert 0.1 < k < 1e8  # an interior maximum for these counts
    # One run is exactly `negbin_dispersion` around it (no profile of its own); two
    # runs that differ are the mixture of the two.
    assert mixture_dispersion(Y, MU[None, :]) == (k1, nll1)
    k2, nll2 = mixture_dispersion(Y, runs[:2])
    assert nll2 == pytest.approx(
        -float(np.sum(np.log(np.exp([nbinom_logpmf(Y, r, k2) for r in runs[:2]]).mean(0)))),
        rel=1e-9,
    )
    assert nll2 != pytest.approx(negbin_dispersion(Y, runs[0])[1], rel=1e-3)


def test_mixture_dispersion_with_a_run_far_from_the_counts():
    """A run that explains the counts next to one that is nowhere near them (their
    per-bin log-likelihoods some 10^4 apart): the far run adds nothing, so the mixture
    is the near run's NB2 likelihood minus log 2 per bin, finite (the sum over runs is
    shifted by its largest term, not its smallest)."""
    y = np.array([900.0, 1200.0, 1500.0, 1100.0])
    near = np.array([1000.0, 1100.0, 1400.0, 1000.0])
    far = np.full(4, 1e-3)
    k, nll = mixture_dispersion(y, np.stack([near, far]))
    assert math.isfinite(k) and math.isfinite(nll)
    assert nll == pytest.approx(-negbin_loglik(y, near, k) + 4 * math.log(2.0), rel=1e-12)
    assert (k, nll - 4 * math.log(2.0)) == pytest.approx(negbin_dispersion(y, near), rel=1e-5)


def test_sample_counts_with_a_dispersion_per_bin():
    """`k` as an array: all infinite draws exactly `rng.poisson(mu)`; one finite value
    everywhere draws exactly what the scalar `k` draws (same stream); mixed, each bin
    has its own law: mean mu, variance mu (Poisson, k infinite) or mu + mu**2 / k (NB2),
    each within 4 standard errors over 40,000 draws."""
    mu = np.array([0.5, 3.0, 8.0, 20.0])
    got = sample_counts(np.random.default_rng(1), mu, np.full(4, np.inf))
    np.testing.assert_array_equal(got, np.random.default_rng(1).poisson(mu))
    got = sample_counts(np.random.default_rng(2), mu, np.full(4, 2.5))
    np.testing.assert_array_equal(got, sample_counts(np.random.default_rng(2), mu, 2.5))
    n = 40_000
    mu = np.tile([6.0, 6.0, 15.0], (n, 1))
    k = np.tile([np.inf, 1.5, 4.0], (n, 1))
    draws = sample_counts(np.random.default_rng(3), mu, k)
    want_var = np.array([6.0, 6.0 + 36.0 / 1.5, 15.0 + 225.0 / 4.0])
    mean, var = draws.mean(axis=0), draws.var(axis=0, ddof=1)
    assert np.all(np.abs(mean - mu[0]) < 4 * np.sqrt(want_var / n))
    centred = draws - mean
    se_var = np.sqrt((np.mean(centred**4, axis=0) - var**2) / n)
    assert np.all(np.abs(var - want_var) < 4 * se_var)
