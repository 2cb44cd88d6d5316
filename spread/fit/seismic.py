"""SEISMIC (Zhao et al., KDD 2015): a cascade's final size from its reshares so far.

The single-cascade formula (`seismic`, `SeismicPrediction`) and the checks of one
cascade's times that every popularity predictor shares (`PopularityPredictor` in
`spread.fit.popularity` learns SEISMIC's corrections and the other methods).
"""

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .._common import ConfidenceInterval
from .._validation import check_level, check_nonnegative_float, short_repr
from ..exceptions import InvalidParameterError

__all__ = ["SeismicPrediction", "seismic"]


# ============================================================== input checks
def _check_cascade(times, followers, at, *, where=""):
    """Times from the post (sorted, the first at 0), marks, and the events up to `at`."""
    try:
        t = np.asarray(times, dtype=np.float64).ravel()
    except (TypeError, ValueError):
        msg = f"`times`{where} must be a sequence of numbers; got {type(times).__name__}."
        raise InvalidParameterError(msg) from None
    if t.size == 0:
        msg = f"`times`{where} must hold at least one event (the post); got an empty cascade."
        raise InvalidParameterError(msg)
    if not np.all(np.isfinite(t)) or t.min() < 0:
        bad = t[~np.isfinite(t) | (t < 0)][0]
        msg = f"`times`{where} must be finite and >= 0; got {float(bad)!r}."
        raise InvalidParameterError(msg)
    if np.any(np.diff(t) < 0):
        i = int(np.argmax(np.diff(t) < 0))
        msg = (
            f"`times`{where} must be sorted (non-decreasing); got {t[i + 1]!r} after "
            f"{t[i]!r} at position {i + 1}."
        )
        raise InvalidParameterError(msg)
    if followers is None:
        marks = np.ones_like(t)
    else:
        try:
            marks = np.asarray(followers, dtype=np.float64).ravel()
        except (TypeError, ValueError):
            msg = f"`followers`{where} must be a sequence of numbers."
            raise InvalidParameterError(msg) from None
        if marks.shape != t.shape:
            msg = f"`followers`{where} must give one count per event ({t.size}); got {marks.size}."
            raise InvalidParameterError(msg)
        if not np.all(np.isfinite(marks)) or marks.min() < 0:
            msg = f"`followers`{where} must be finite and >= 0; got {marks.min()!r}."
            raise InvalidParameterError(msg)
    if at is not None:
        _check_at(at, t[0], where)
    return t, marks


def _check_at(at, first=0.0, where=""):
    """`at` as a float: a finite number, not before `first` (the post's time)."""
    if isinstance(at, bool) or not isinstance(at, int | float | np.integer | np.floating):
        msg = f"`at` must be a number (a time on the axis of `times`); got {short_repr(at)}."
        raise InvalidParameterError(msg)
    try:
        value = float(at)
    except OverflowError:  # an int past the floats
        value = math.inf
    if not math.isfinite(value) or value < first:
        msg = (
            f"`at` must not be before the first event (the post, at {first!r}){where}, "
            f"and must be finite; got {short_repr(at)}."
        )
        raise InvalidParameterError(msg)
    return value


# =================================================================== SEISMIC
def _seismic_integral(s, s0, theta):
    """``Phi(s) = int_0^s phi``, SEISMIC's kernel normalised to integrate to 1.

    ``phi(s) = c`` for ``0 <= s <= s0`` and ``c (s / s0)^-(1 + theta)`` after, with
    ``c = theta / ((1 + theta) s0)``.
    """
    s = np.maximum(np.asarray(s, dtype=np.float64), 0.0)
    c = theta / ((1.0 + theta) * s0)
    head = c * np.minimum(s, s0)
    tail = c * s0 / theta * (1.0 - (np.maximum(s, s0) / s0) ** (-theta))
    return head + tail


@dataclass(frozen=True)
class SeismicPrediction:
    """SEISMIC's estimate for one cascade at one time (returned by `seismic`).

    Attributes
    ----------
    observed : int
        Events up to `at`, the post included.
    infectiousness : float
        ``p_t``, reshares per follower-exposure (Zhao et al., Eq. of the estimator).
    infectiousness_ci : ConfidenceInterval
        Exact Poisson interval of ``p_t`` at `level`.
    predicted, lower, upper : float
        Predicted final size and its interval (``inf`` when ``p n* >= 1``: supercritical).
    level : float
    """

    observed: int
    infectiousness: float
    infectiousness_ci: ConfidenceInterval
    predicted: float
    lower: float
    upper: float
    level: float

    def to_frame(self):
        """One row: observed, infectiousness, predicted, lower, upper."""
        return pd.DataFrame(
            [
                {
                    "observed": self.observed,
                    "infectiousness": self.infectiousness,
                    "predicted": self.predicted,
                    "lower": self.lower,
                    "upper": self.upper,
                }
            ]
        )

    def summary(self):
        """A one-line account."""
        return (
            f"SEISMIC: {self.observed} events so far, infectiousness {self.infectiousness:.4g}; "
            f"predicted final size {self.predicted:.1f} "
            f"({self.level:.0%} interval {self.lower:.1f} to {self.upper:.1f})"
        )


def _seismic_parts(t, marks, at, s0, theta):
    """Reshares R so far, realised exposure ``sum n_i Phi`` and the remainder ``sum n_i (1 - Phi)``."""
    keep = t <= at
    elapsed, marks = at - t[keep], marks[keep]
    phi = _seismic_integral(elapsed, s0, theta)
    return elapsed.size, float(marks @ phi), float(marks @ (1.0 - phi))


def _seismic_final(observed, p, remaining, n_star, correction):
    """``N_t + correction * p * remaining / (1 - p n*)``, inf when ``p n* >= 1``."""
    if p * n_star >= 1.0:
        return math.inf
    return observed + correction * p * remaining / (1.0 - p * n_star)


def seismic(
    times, followers=None, *, at, s0=300.0, theta=0.242, n_star=None, correction=1.0, level=0.9
):
    """Predict a cascade's final size with SEISMIC (Zhao et al. 2015).

    The reshares follow a self-exciting process
    ``lambda(t) = p_t sum_{t_i <= t} n_i phi(t - t_i)``: each reshare exposes its
    poster's ``n_i`` followers, who react after a delay drawn from the human-reaction
    kernel ``phi`` (constant up to `s0`, then a power law of exponent ``1 + theta``,
    normalised to integrate to 1). From the ``R_t`` reshares up to `at`:

    .. math::

        \\hat p_t = \\frac{R_t}{\\sum_{t_i \\le t} n_i \\Phi(t - t_i)}, \\qquad
        \\hat N_\\infty = N_t + \\alpha \\frac{\\hat p_t \\sum_{t_i \\le t} n_i
        (1 - \\Phi(t - t_i))}{1 - \\hat p_t n^*},

    with ``Phi`` the kernel's integral, ``n*`` the mean follower count of a reshare's
    poster and ``alpha`` the correction factor (1 here). The paper corrects the
    prediction with two factors learned on training cascades for each observation
    time, one on the remainder and one on ``p n*``; `PopularityPredictor` learns the
    first as `correction` and the second folded into an effective `n_star`. The interval maps the exact
    Poisson interval of ``p_t`` (``R_t`` counts, exposure fixed) through the formula;
    it holds the infectiousness's uncertainty only, not the future's.

    Parameters
    ----------
    times : array-like of float
        Event times, sorted, the first being the post; in the unit of `s0` (seconds
        for the default).
    followers : array-like of float, optional
        Follower count of each event's poster. Without them every ``n_i = 1`` and
        ``p_t`` is a branching ratio per unit of kernel mass.
    at : float
        Observation time, on the axis of `times`; events after it are ignored.
    s0 : float, default 300.0
        End of the kernel's plateau (the paper's 5 minutes, in seconds).
    theta : float, default 0.242
        Power-law exponent of the kernel's tail is ``1 + theta`` (the paper's fit).
    n_star : float, optional
        Mean follower count of a reshare's poster; default the mean of `followers`
        (1 without them).
    correction : float, default 1.0
        Factor ``alpha`` on the predicted remainder.
    level : float, default 0.9

    Returns
    -------
    SeismicPrediction

    Raises
    ------
    InvalidParameterError
        An empty cascade, times not sorted or negative, `at` before the first event,
        follower counts not matching the events.

    References
    ----------
    Zhao, Q., Erdogdu, M. A., He, H. Y., Rajaraman, A., Leskovec, J. (2015). SEISMIC:
    A self-exciting point process model for predicting tweet popularity. KDD.

    Examples
    --------
    A post and 40 reshares in its first hour, all by users with 100 followers, in a
    network where a reshare's poster has 10 followers on average:

    >>> import numpy as np
    >>> from spread.fit import seismic
    >>> times = np.concatenate([[0.0], np.linspace(60, 3600, 40)])
    >>> res = seismic(times, np.full(41, 100.0), at=3600.0, n_star=10.0)
    >>> res.observed, round(res.infectiousness, 4), round(res.predicted, 1)
    (41, 0.0228, 110.1)
    >>> bool(res.lower < res.predicted < res.upper)
    True
    """
    t, marks = _check_cascade(times, followers, at)
    s0 = check_nonnegative_float(s0, name="s0", allow_zero=False)
    theta = check_nonnegative_float(theta, name="theta", allow_zero=False)
    level = check_level(level)
    correction = check_nonnegative_float(correction, name="correction")
    if n_star is None:
        n_star = float(marks.mean()) if marks.mean() > 0 else 1.0
    n_star = check_nonnegative_float(n_star, name="n_star", allow_zero=False)
    n_obs, exposure, remaining = _seismic_parts(t, marks, at, s0, theta)
    reshares = n_obs - 1
    if exposure <= 0:
        p, p_lo, p_hi = 0.0, 0.0, math.inf
    else:
        p = reshares / exposure
        a = (1.0 - level) / 2
        p_lo = stats.chi2.ppf(a, 2 * reshares) / (2 * exposure) if reshares else 0.0
        p_hi = stats.chi2.ppf(1 - a, 2 * reshares + 2) / (2 * exposure)
    return SeismicPrediction(
        observed=n_obs,
        infectiousness=float(p),
        infectiousness_ci=ConfidenceInterval(float(p_lo), float(p_hi)),
        predicted=_seismic_final(n_obs, p, remaining, n_star, correction),
        lower=_seismic_final(n_obs, p_lo, remaining, n_star, correction),
        upper=_seismic_final(n_obs, p_hi, remaining, n_star, correction),
        level=level,
    )
