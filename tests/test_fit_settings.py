"""Every estimator follows one settings contract (scikit-learn's): the keywords of
`__init__` are its settings, readable, changeable and round-tripped through a clone."""

import inspect

import pytest

import spread.fit
from spread.exceptions import InvalidParameterError, NotFittedError

ESTIMATORS = [
    getattr(spread.fit, name) for name in spread.fit.__all__ if name.endswith("Estimator")
]


def test_every_public_estimator_is_listed():
    assert {e.__name__ for e in ESTIMATORS} >= {
        "BassEstimator",
        "HawkesEstimator",
        "ICEstimator",
        "LTEstimator",
        "HeatEstimator",
        "NetRateEstimator",
        "SIREstimator",
    }


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_settings_are_the_init_keywords(cls):
    est = cls()
    signature = inspect.signature(cls.__init__).parameters
    defaults = {k: p.default for k, p in signature.items() if k != "self"}
    assert est.get_params() == defaults
    assert repr(est) == f"{cls.__name__}({', '.join(f'{k}={v!r}' for k, v in defaults.items())})"


@pytest.mark.parametrize("cls", ESTIMATORS, ids=lambda c: c.__name__)
def test_set_params_and_clone(cls):
    est = cls()
    key = "rng"
    assert est.set_params(**{key: 11}) is est
    assert est.get_params()[key] == 11
    clone = cls(**est.get_params())
    assert clone.get_params() == est.get_params()
    assert clone is not est
    with pytest.raises(InvalidParameterError, match=rf"`nope` is not a setting of {cls.__name__}"):
        est.set_params(nope=1)
    assert "nope" not in est.__dict__


@pytest.mark.parametrize(
    "cls", [e for e in ESTIMATORS if hasattr(e, "forecast")], ids=lambda c: c.__name__
)
@pytest.mark.parametrize("method", ["predict", "simulate", "forecast"])
def test_unfitted_estimator_says_so(cls, method):
    args = (3,) if method == "forecast" else ()
    with pytest.raises(NotFittedError, match=rf"This {cls.__name__} instance is not fitted yet"):
        getattr(cls(), method)(*args)
