"""Early popularity prediction: SEISMIC, Szabo-Huberman and the empirical-Bayes Hawkes."""

import math

import numpy as np
import pytest

from spread.exceptions import InvalidParameterError, NotFittedError
from spread.fit import PopularityPredictor, seismic
from spread.fit._popularity_kernels import mixture_terms
from spread.fit.popularity import _ape_point, _components, _simulate_cascade
from spread.fit.seismic import _seismic_integral

S0, THETA = 300.0, 0.242
C = THETA / ((1 + THETA) * S0)  # the kernel's height on its plateau


def test_seismic_kernel_integral_by_hand():
    # On the plateau Phi(s) = c s; after it c s0 + c s0 (1 - (s / s0)^-theta) / theta.
    assert _seismic_integral(150.0, S0, THETA) == pytest.approx(C * 150.0, rel=1e-12)
    by_hand = C * S0 + C * S0 * (1 - 4.0 ** (-THETA)) / THETA
    assert _seismic_integral(1200.0, S0, THETA) == pytest.approx(by_hand, rel=1e-12)
    assert _seismic_integral(1e30, S0, THETA) == pytest.approx(1.0, rel=1e-6)
    assert _seismic_integral(0.0, S0, THETA) == 0.0


def test_seismic_infectiousness_and_prediction_by_hand():
    # A post (100 followers) and two reshares (50 and 20 followers) seen at 600 s.
    times, fol = np.array([0.0, 100.0, 400.0]), np.array([100.0, 50.0, 20.0])
    phi = [_seismic_integral(s, S0, THETA) for s in (600.0, 500.0, 200.0)]
    exposure = 100 * phi[0] + 50 * phi[1] + 20 * phi[2]
    p = 2 / exposure
    res = seismic(times, fol, at=600.0, n_star=10.0, correction=1.5)
    assert res.observed == 3
    assert res.infectiousness == pytest.approx(p, rel=1e-12)
    rest = 100 * (1 - phi[0]) + 50 * (1 - phi[1]) + 20 * (1 - phi[2])
    assert res.predicted == pytest.approx(3 + 1.5 * p * rest / (1 - 10 * p), rel=1e-12)
    assert res.lower < res.predicted < res.upper
    # Events after `at` are ignored; without followers every degree is 1.
    assert seismic(np.r_[times, 900.0], [*fol.tolist(), 5.0], at=600.0, n_star=10.0).observed == 3
    assert seismic(times, at=600.0).infectiousness == pytest.approx(2 / sum(phi), rel=1e-12)


def test_seismic_supercritical_is_infinite():
    res = seismic([0.0, 1.0, 2.0, 3.0], at=3.0)  # degree 1: p n* >= 1
    assert math.isinf(res.predicted) and "infectiousness" in res.to_frame().columns


def test_mixture_terms_are_their_sums_written_out():
    """The kernel's O(n K) recursion against the O(n^2) sums of its docstring, for every
    scale, with unequal marks (follower counts, one of them 0) and events after `at`
    left out by the caller: ``log_g`` the log of each event's summed excitation by the
    earlier ones, ``exposure`` and ``remaining`` the delay law's mass before and after
    `at` from each event, weighted by its mark. An event that nothing before it excites
    (here: after a mark 0 only) gives ``log_g = -inf``."""
    rng = np.random.default_rng(3)
    t = np.r_[0.0, np.sort(rng.uniform(0.0, 5.0, 11))]
    marks = rng.integers(0, 40, t.size).astype(float)
    marks[[0, 4]] = [25.0, 0.0]
    probs = np.array([0.2, 0.5, 0.3])
    rates = np.array([[0.5, 2.0, 7.0], [0.05, 0.4, 1.5]])
    at = 6.0
    log_g, exposure, remaining = np.empty(2), np.empty(2), np.empty(2)
    mixture_terms(t, marks, at, rates, probs, log_g, exposure, remaining)
    for s in range(2):
        phi = lambda d, s=s: np.sum(probs * rates[s] * np.exp(-rates[s] * d))  # noqa: E731
        surv = lambda d, s=s: np.sum(probs * np.exp(-rates[s] * d))  # noqa: E731
        want = sum(
            math.log(sum(marks[j] * phi(t[i] - t[j]) for j in range(i))) for i in range(1, t.size)
        )
        rest = sum(marks[j] * surv(at - t[j]) for j in range(t.size))
        assert log_g[s] == pytest.approx(want, rel=1e-12)
        assert remaining[s] == pytest.approx(rest, rel=1e-12)
        assert exposure[s] == pytest.approx(marks.sum() - rest, rel=1e-12)
    marks[0] = 0.0
    mixture_terms(t, marks, at, rates, probs, log_g, exposure, remaining)
    assert np.all(log_g == -np.inf)


def test_delay_mixture_is_a_density():
    for tail in (0.25, 1.0, 2.0):
        x, w = _components(tail)
        assert w.sum() == pytest.approx(1.0) and np.all(x > 0)
    # The mean delay 1 / rate of Lomax(1, 2) is 1; 10 quadrature nodes give it within 10%.
    x, w = _components(2.0)
    assert np.sum(w / x) == pytest.approx(1.0 / (2.0 - 1.0), rel=0.1)


def test_log_linear_recovers_a_constant_beta():
    # Every cascade ends with exactly e^0.7 times its count at `at` (up to rounding).
    rng = np.random.default_rng(0)
    train = []
    for n_at in rng.integers(50, 400, 60):
        final = round(n_at * math.exp(0.7))
        early = np.sort(rng.uniform(0.0, 1.0, n_at - 1))
        late = np.sort(rng.uniform(2.0, 9.0, final - n_at))
        train.append(np.concatenate([[0.0], early, late]))
    est = PopularityPredictor("log-linear").fit(train)
    est.predict(train[:2], at=1.5)
    assert est.params_[1.5]["beta"] == pytest.approx(0.7, abs=0.01)
    assert est.params_[1.5]["sigma"] < 0.01


def _draw(rng, k, first):
    out = []
    for _ in range(k):
        n = 0.9 * rng.beta(5.0, 3.0)
        scale = rng.choice([30.0, 120.0, 600.0])
        out.append(_simulate_cascade(rng, n, scale, 1.0, first=first))
    return out


@pytest.fixture(scope="module")
def synthetic():
    rng = np.random.default_rng(2)
    first = 60.0
    train, test = _draw(rng, 200, first), _draw(rng, 200, first)
    fol = lambda cs: [np.r_[first, np.ones(t.size - 1)] for t in cs]  # noqa: E731
    return train, test, fol(train), fol(test)


def test_hawkes_eb_unbiased_and_calibrated_on_its_model(synthetic):
    train, test, ftrain, ftest = synthetic
    est = PopularityPredictor("hawkes-eb", calibrate=False, n_paths=400, rng=0)
    out = est.fit(train, ftrain).predict(test, ftest, at=600.0)
    final = np.array([t.size for t in test])
    err = out["mean"].to_numpy() - final
    assert abs(err.mean()) < 4 * err.std(ddof=1) / math.sqrt(final.size)
    inside = np.mean((out["lower"] <= final) & (final <= out["upper"]))
    se = math.sqrt(0.9 * 0.1 / final.size)
    # Integer sizes make the quantile interval slightly conservative.
    assert 0.9 - 3 * se < inside < 0.9 + 4 * se
    assert (out["observed"] <= out["predicted"]).all()


def test_calibrated_hawkes_eb_beats_log_linear_on_its_model(synthetic):
    train, test, ftrain, ftest = synthetic
    final = np.array([t.size for t in test])

    def mdape(method):
        out = PopularityPredictor(method, rng=0).fit(train, ftrain).predict(test, ftest, at=600.0)
        return np.median(np.abs(out["predicted"] - final) / final)

    assert mdape("hawkes-eb") < mdape("log-linear")


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: seismic([], at=1.0), "at least one event"),
        (lambda: seismic([0.0, 2.0, 1.0], at=3.0), "must be sorted"),
        (lambda: seismic([-1.0, 2.0], at=3.0), "finite and >= 0"),
        (lambda: seismic([5.0, 6.0], at=1.0), "`at` must not be before the first event"),
        (lambda: seismic([0.0, 1.0], [3.0], at=1.0), "one count per event"),
        (lambda: seismic([0.0, 1.0], at="1h"), "`at` must be a number"),
        (lambda: seismic([0.0, 1.0], at=1.0, s0=0.0), "`s0` must be"),
        (lambda: PopularityPredictor("magic").fit([[0.0, 1.0]]), "`method` must be one of"),
        (lambda: PopularityPredictor().fit([]), "at least one cascade"),
        (lambda: PopularityPredictor().fit("abc"), "`cascades` must be"),
        (
            lambda: PopularityPredictor("log-linear").fit([[0.0, 1.0]]).predict([[0.0]], at=-1.0),
            "`at` must not be before",
        ),
        # found by the fuzz: no `at`, and an int past int64, leaked TypeErrors
        (
            lambda: PopularityPredictor("log-linear").fit([[0.0, 1.0]]).predict([[0.0]], at=None),
            "`at` must be a number",
        ),
        (
            lambda: (
                PopularityPredictor("log-linear")
                .fit([[0.0, 1.0]])
                .predict([[0.0]], at=-(2**63) - 1)
            ),
            "`at` must not be before",
        ),
        (lambda: seismic([0.0, 1.0], at=10**400), "`at` must not be before"),
    ],
)
def test_bad_input_raises_named_errors(call, match):
    with pytest.raises(InvalidParameterError, match=match):
        call()


def test_predict_before_fit():
    with pytest.raises(NotFittedError, match="Call `fit`"):
        PopularityPredictor().predict([[0.0, 1.0]], at=1.0)


def test_inputs_cascades_dicts_and_followers_agree():
    import pandas as pd

    from spread import Cascades

    rng = np.random.default_rng(3)
    times = {f"c{i}": np.r_[0.0, np.sort(rng.uniform(0, 10, 30 + i))] for i in range(12)}
    df = pd.DataFrame(
        [(k, f"u{j}", 100.0 + s) for k, t in times.items() for j, s in enumerate(t)],
        columns=["cascade", "node", "time"],
    )
    est = PopularityPredictor("seismic", s0=1.0, theta=1.0)
    from_dict = est.fit(times).predict(times, at=4.0)
    from_cascades = est.fit(Cascades.from_frame(df)).predict(Cascades.from_frame(df), at=4.0)
    # Cascades sorts its ids; the rows are the same.
    by_id = from_cascades.set_index("cascade").loc[list(times)].reset_index()
    pd.testing.assert_frame_equal(from_dict, by_id)
    fol = {k: np.full(t.size, 50.0) for k, t in times.items()}
    with_fol = est.fit(times, fol).predict(times, fol, at=4.0)
    assert (with_fol["observed"] == from_dict["observed"]).all()
    with pytest.raises(InvalidParameterError, match="no entry for cascade"):
        est.predict(times, {"c0": fol["c0"]}, at=4.0)


def test_median_regression_is_the_least_absolute_deviations_optimum():
    from spread.fit.popularity import _median_regression

    # An intercept alone: any median; an odd count makes it the middle value.
    y = np.array([3.0, -1.0, 7.0, 0.5, 2.0])
    assert _median_regression(np.ones((5, 1)), y) == pytest.approx([2.0], abs=1e-9)
    # Two regressors: no coefficient vector nearby, nor the least-squares one, does better;
    # an exact line through most points is found exactly (a median fit ignores outliers).
    rng = np.random.default_rng(4)
    x = rng.normal(size=40)
    design = np.column_stack([np.ones(40), x])
    target = 0.3 + 1.7 * x
    target[:5] += rng.normal(0.0, 50.0, 5)
    coef = _median_regression(design, target)
    np.testing.assert_allclose(coef, [0.3, 1.7], atol=1e-9)

    def loss(b):
        return np.abs(target - design @ b).sum()

    ls, *_ = np.linalg.lstsq(design, target, rcond=None)
    assert loss(coef) < loss(ls)
    for step in rng.normal(0.0, 1e-3, (50, 2)):
        assert loss(coef) <= loss(coef + step) + 1e-12


def test_calibrated_features_are_free_of_the_time_unit(synthetic):
    # The same cascades in seconds and in hours give the same timing regressors of the
    # calibration. (The posterior's two differ by the EM's stopping point, about 1e-5.)
    train, test, ftrain, _ = synthetic
    at = 600.0
    est = PopularityPredictor("hawkes-eb", rng=0).fit(train, ftrain)
    est.predict(test[:2], at=at)
    in_hours = PopularityPredictor("hawkes-eb", rng=0).fit([t / 3600.0 for t in train], ftrain)
    in_hours.predict([t / 3600.0 for t in test[:2]], at=at / 3600.0)
    for t, m in zip(train[:40], ftrain[:40], strict=True):
        sec = est._eb_feature(t, m, at, est.params_[at])
        hrs = in_hours._eb_feature(t / 3600.0, m, at / 3600.0, in_hours.params_[at / 3600.0])
        assert hrs[1] == sec[1]
        np.testing.assert_allclose(hrs[4:], sec[4:], rtol=1e-12)
    # Timing matters: a cascade whose events came late in the window is predicted larger.
    x = est._eb_feature(train[0], ftrain[0], at, est.params_[at])
    assert len(x) == 6 and 0.0 < x[4] <= math.log(2.0) and x[5] <= 0.0


# ------------------------------------------------ point="ape" (Gneiting 2011)
def test_ape_point_minimises_the_expected_percentage_error():
    """`_ape_point` against brute force: over every size on a fine grid (the expected
    APE is piecewise linear, its minimum at one of the sizes), none does better."""
    rng = np.random.default_rng(4)
    for trial in range(200):
        sizes = rng.integers(1, 60, rng.integers(1, 12)).astype(float)
        if trial % 2:
            sizes = np.round(np.exp(rng.normal(4.0, 1.0, 30)))  # log-normal-ish, heavy tail
        point = _ape_point(sizes)
        grid = np.unique(np.r_[np.linspace(0.5, sizes.max() + 1, 400), sizes])
        risk = np.abs(grid[:, None] - sizes[None, :]) / sizes[None, :]
        best = risk.mean(axis=1).min()
        assert point in sizes
        assert np.mean(np.abs(point - sizes) / sizes) <= best + 1e-12


def test_ape_point_of_log_linear_is_the_shifted_median():
    """Log-normal errors: the 1 / N-weighted law is log-normal with ``mu - sigma**2``,
    so the point is the median times ``exp(-sigma**2)`` (never below the count seen);
    the interval and the mean are those of ``point="median"``."""
    rng = np.random.default_rng(5)
    train = [np.r_[0.0, np.sort(rng.uniform(0, 10, rng.integers(20, 200)))] for _ in range(50)]
    med = PopularityPredictor("log-linear").fit(train)
    ape = PopularityPredictor("log-linear", point="ape").fit(train)
    a, b = med.predict(train, at=3.0), ape.predict(train, at=3.0)
    sigma = med.params_[3.0]["sigma"]
    want = np.maximum(a["predicted"] * math.exp(-(sigma**2)), a["observed"])
    np.testing.assert_allclose(b["predicted"], want, rtol=1e-12)
    for col in ("observed", "lower", "upper", "mean"):
        np.testing.assert_array_equal(a[col], b[col])


@pytest.mark.parametrize("calibrate", [True, False])
def test_hawkes_eb_ape_point_has_the_smaller_expected_error(synthetic, calibrate):
    """Calibrated: the point is `_ape_point` of the sizes the training residuals give
    the cascade, so its expected APE under them is no larger than the median's; both
    ways the point lies between the count seen and the median, the interval unchanged.
    On test cascades of the model the APE point's mean APE is not worse than the
    median's by 4 standard errors of the paired differences."""
    train, test, ftrain, ftest = synthetic
    final = np.array([t.size for t in test])
    kw = {"calibrate": calibrate, "n_paths": 400, "rng": 0}
    a = PopularityPredictor(**kw).fit(train, ftrain).predict(test, ftest, at=600.0)
    est = PopularityPredictor(point="ape", **kw).fit(train, ftrain)
    b = est.predict(test, ftest, at=600.0)
    assert (b["observed"] <= b["predicted"]).all() and (b["predicted"] <= a["predicted"]).all()
    for col in ("observed", "lower", "upper"):
        np.testing.assert_array_equal(a[col], b[col])
    if calibrate:
        res = est.params_[600.0]["residuals"]
        above = np.flatnonzero(a["predicted"] > a["observed"])  # the median not floored
        for i in above[::10]:
            n_obs, med = a["observed"][i], a["predicted"][i]
            sizes = np.maximum(med * np.exp(res - np.median(res)), n_obs)
            assert b["predicted"][i] == pytest.approx(_ape_point(sizes), rel=1e-9)
            risk_ape, risk_med = (
                np.mean(np.abs(x - sizes) / sizes) for x in (b["predicted"][i], med)
            )
            assert risk_ape <= risk_med + 1e-12
    diff = (np.abs(b["predicted"] - final) - np.abs(a["predicted"] - final)) / final
    assert diff.mean() < 4 * diff.std(ddof=1) / math.sqrt(diff.size)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"point": "mean"}, "`point` must be one of"),
        ({"method": "seismic", "point": "ape"}, "SEISMIC's interval is not one"),
    ],
)
def test_bad_point_is_named(kwargs, match):
    with pytest.raises(InvalidParameterError, match=match):
        PopularityPredictor(**kwargs).fit([[0.0, 1.0]])
