"""Fit spread models to observed data.

Data types: `Trend` (a binned count series) and `Cascades` (timed adoption records).
Curve models without a graph: Bass, logistic, Gompertz, SI, SIR (count likelihoods on
per-bin increments) and the exponential Hawkes process (exact on event times, or
binned on counts). Network models on a known graph: `ICEstimator`, `LTEstimator`,
`CTICEstimator` and `HeatEstimator` fit IC, LT, continuous-time IC and heat parameters to a trend (simulation with common random
numbers, or a surrogate: `dmp_ic`, the heat kernel) or to cascades (likelihood). Cascades
on a known graph: `fit_ic` (global, per-node or per-arc IC probabilities), `fit_lt` (LT
threshold law), `exposure_curve`, `NetRateEstimator` / `fit_netrate` (continuous-time
rates); `simulate_cascades` and `simulate_ctic` make such data. Early popularity
prediction (a cascade's final size from its first hours): `PopularityPredictor`
(SEISMIC, Szabo-Huberman, a power-law Hawkes with an empirical-Bayes prior) and `seismic`. Every fit returns a
`FitResult`; the estimator classes follow the
scikit-learn contract (settings in ``__init__``, ``fit`` returns ``self``, learned
values end in ``_``).

Examples
--------
>>> from spread.fit import fit_bass, simulate_trend
>>> trend = simulate_trend("bass", {"m": 10_000, "p": 0.01, "q": 0.4}, 30, rng=0)
>>> res = fit_bass(trend)
>>> res.success, round(res.params["q"], 2)
(True, 0.4)
"""

from ..cascades import Cascades
from ..trend import Trend
from ._result import FitResult, IdentifiabilityWarning
from ._seasonal import cycle_regressors
from ._uncertainty import FitBootstrap
from .calibration import Calibration, calibration
from .cascades import simulate_cascades
from .choose import ModelChoice, choose
from .ctic import CTICEstimator
from .curves import (
    BassEstimator,
    GompertzEstimator,
    LogisticEstimator,
    SIEstimator,
    SIREstimator,
    fit_bass,
    fit_gompertz,
    fit_logistic,
    fit_si,
    fit_sir,
    simulate_trend,
)
from .dmp import dmp_ic
from .exposure import exposure_curve
from .forecast import compare, mase, naive_forecast, rolling_origin
from .half_life import HalfLifeProfile, profile_half_life
from .hawkes import HawkesEstimator, fit_hawkes, hawkes_loglik, simulate_hawkes
from .heat import HeatEstimator
from .ic import ICEstimator, fit_ic
from .lt import LTEstimator, fit_lt
from .netrate import NetRateEstimator, fit_netrate, simulate_ctic
from .popularity import PopularityPredictor
from .regressors import event_regressors
from .seismic import SeismicPrediction, seismic

__all__ = [
    "BassEstimator",
    "CTICEstimator",
    "Calibration",
    "Cascades",
    "FitBootstrap",
    "FitResult",
    "GompertzEstimator",
    "HalfLifeProfile",
    "HawkesEstimator",
    "HeatEstimator",
    "ICEstimator",
    "IdentifiabilityWarning",
    "LTEstimator",
    "LogisticEstimator",
    "ModelChoice",
    "NetRateEstimator",
    "PopularityPredictor",
    "SIEstimator",
    "SIREstimator",
    "SeismicPrediction",
    "Trend",
    "calibration",
    "choose",
    "compare",
    "cycle_regressors",
    "dmp_ic",
    "event_regressors",
    "exposure_curve",
    "fit_bass",
    "fit_gompertz",
    "fit_hawkes",
    "fit_ic",
    "fit_logistic",
    "fit_lt",
    "fit_netrate",
    "fit_si",
    "fit_sir",
    "hawkes_loglik",
    "mase",
    "naive_forecast",
    "profile_half_life",
    "rolling_origin",
    "seismic",
    "simulate_cascades",
    "simulate_ctic",
    "simulate_hawkes",
    "simulate_trend",
]
