"""How long a known event's effect lasts: the half-life of a decaying pulse, profiled.

`event_regressors(..., shape="decay", half_life=h)` needs `h`; the data can say it.
`profile_half_life` fits the model at each half-life of a grid (and, with `refine`,
between the best grid point's neighbours), keeps the one of highest likelihood, and
reads a likelihood-ratio interval off the profile: the half-lives whose deviance from
the best, ``2 (loss(h) - loss(best))``, stays under the chi-square(1) quantile of
`level`.
"""

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from .._common import ConfidenceInterval, progress_bar
from .._validation import check_bool, check_level, short_repr
from ..exceptions import InvalidParameterError
from ..trend import as_trend
from ._result import FitResult
from .hawkes import fit_hawkes
from .regressors import event_regressors

__all__ = ["HalfLifeProfile", "profile_half_life"]

#: Brent's tolerance on the natural log of the half-life (about 2% of it).
_LOG_TOL = 0.02
_MAX_REFINE = 12


@dataclass(frozen=True, repr=False, eq=False)
class HalfLifeProfile:
    """The profile of a fit over the half-life of its events' decaying pulses.

    Attributes
    ----------
    half_life : float
        The half-life (in bins) of the best fit among those tried.
    half_life_ci : ConfidenceInterval
        Likelihood-ratio interval at `level`, its ends interpolated between the
        half-lives tried (the root deviance, linearly in the log of the half-life); an end that reaches the first or last
        half-life tried is that half-life (`message` says so), and both ends are NaN
        when the fits are not likelihoods (a simulation fit's discrepancy: `message`
        says so).
    level : float
    result : FitResult
        The fit at `half_life`.
    regressors : pandas.DataFrame
        The columns `result` was fitted with (the trend's bins and `horizon` more).
    table : pandas.DataFrame
        One row per half-life tried, sorted: ``half_life``, ``loss``, ``deviance``
        (``2 (loss - best loss)``), ``success``, ``refined`` (tried by the refinement).
    message : str
    """

    half_life: float
    half_life_ci: ConfidenceInterval
    level: float
    result: FitResult
    regressors: pd.DataFrame
    table: pd.DataFrame
    message: str

    def __repr__(self):
        low, high = self.half_life_ci
        return (
            f"HalfLifeProfile(half_life={self.half_life:.4g}, "
            f"{self.level:.0%} interval=({low:.4g}, {high:.4g}), {len(self.table)} fits)"
        )

    def to_frame(self):
        """The profile, one row per half-life tried (a copy of `table`)."""
        return self.table.copy()

    def plot(self, ax=None):
        """Deviance against half-life, with the interval's threshold (see
        `spread.plot.half_life_profile`)."""
        from .. import plot

        return plot.half_life_profile(self, ax=ax)


def profile_half_life(
    trend,
    events,
    model="hawkes",
    *,
    half_lives=None,
    horizon=0,
    level=0.95,
    refine=True,
    progress=None,
):
    """Fit the half-life of known events' decaying pulses by profile likelihood.

    Every event gets the column of `event_regressors` with ``shape="decay"`` and one
    shared half-life; the model is fitted once per half-life tried, and the fit of
    lowest loss wins. With `refine`, Brent's method then searches the log of the
    half-life between the best grid point's neighbours (to about 2%).

    Parameters
    ----------
    trend : Trend
        The observed counts (the columns cover its bins).
    events : dict
        Event name -> time, as in `event_regressors`.
    model : "hawkes" or callable, default "hawkes"
        ``"hawkes"`` fits ``fit_hawkes(trend, regressors=columns)`` (negative-binomial
        counts); a callable maps the columns (a DataFrame) to a `FitResult` or to a
        fitted estimator (its ``result_`` is used), e.g.
        ``lambda x: ICEstimator(external=True, regressors=x).fit(graph, trend, seeds)``.
    half_lives : sequence of float, optional
        The grid, in bins (each > 0; at least two). Default: 0.5, 1, 2, 4, ... up to
        the first at least the trend's length.
    horizon : int, default 0
        Bins past the trend the columns cover (for forecasts of the chosen fit).
    level : float, default 0.95
        Of the likelihood-ratio interval.
    refine : bool, default True
        Search between the grid points around the best one (not when the best is at an
        end of the grid: the interval then says the grid is too short).
    progress : bool, optional
        A bar over the fits (default: shown on a terminal).

    Returns
    -------
    HalfLifeProfile

    Raises
    ------
    InvalidParameterError
        A bad grid, `model`, `level` or event (as `event_regressors`); a callable that
        returns no `FitResult`.

    Notes
    -----
    The interval is Wilks's: the deviance of a one-dimensional profile is
    asymptotically chi-square with one degree of freedom. It treats the other
    parameters as re-estimated at each half-life (they are) and the fits as exact
    maxima; a fit that failed to converge is listed in `table` and never chosen. When
    none converged, `result` is the failed fit of lowest loss (check
    ``result.success``), the interval is NaN and `message` says so.

    Examples
    --------
    A launch at hour 60 adds arrivals that halve every 8 hours; the profile finds the
    half-life and an interval that holds it.

    >>> import numpy as np
    >>> from spread.fit import Trend, profile_half_life
    >>> t = np.arange(240)
    >>> rate = 10 * np.exp(2.0 * np.where(t >= 60, 2.0 ** (-(t - 60) / 8), 0.0))
    >>> trend = Trend.from_counts(np.random.default_rng(3).poisson(rate), freq=1.0, start=0.0)
    >>> prof = profile_half_life(trend, {"launch": 60}, half_lives=[2, 4, 8, 16, 32])
    >>> low, high = prof.half_life_ci
    >>> bool(low < 8 < high), bool(4 < prof.half_life < 16)
    (True, True)
    >>> prof.table.columns.tolist()
    ['half_life', 'loss', 'deviance', 'success', 'refined']
    """
    trend = as_trend(trend)
    level = check_level(level)
    refine = check_bool(refine, name="refine")
    grid = _grid(half_lives, trend.n_bins)
    fit_one = _fitter(model, trend)
    columns = {}
    fits = {}

    def loss_at(h):
        h = float(h)
        if h not in fits:
            x = event_regressors(trend, events, horizon=horizon, shape="decay", half_life=h)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # each result keeps its own warnings
                fits[h] = fit_one(x)
            columns[h] = x
            bar.update(1)
        res = fits[h]
        return res.loss if res.success and math.isfinite(res.loss) else math.inf

    with progress_bar(
        len(grid) + (_MAX_REFINE if refine else 0),
        desc="half-life profile",
        progress=progress,
        unit="fit",
    ) as bar:
        losses = [loss_at(h) for h in grid]
        i = int(np.argmin(losses))
        if refine and math.isfinite(losses[i]) and 0 < i < len(grid) - 1:
            optimize.minimize_scalar(
                lambda u: loss_at(math.exp(u)),
                bounds=(math.log(grid[i - 1]), math.log(grid[i + 1])),
                method="bounded",
                options={"xatol": _LOG_TOL, "maxiter": _MAX_REFINE},
            )
    return _profile(fits, columns, set(grid), level)


def _grid(half_lives, n_bins):
    if half_lives is None:
        top = max(1, math.ceil(math.log2(max(n_bins, 1))))
        return [2.0**k for k in range(-1, top + 1)]
    try:
        grid = np.asarray(half_lives, dtype=np.float64)
    except (TypeError, ValueError):
        grid = np.array([math.nan])
    grid = np.unique(grid.ravel())  # sorted; NaN last
    if grid.size < 2 or not np.all(np.isfinite(grid)) or grid[0] <= 0:
        msg = (
            "`half_lives` must be at least two distinct finite half-lives > 0, in bins; "
            f"got {short_repr(half_lives)}."
        )
        raise InvalidParameterError(msg)
    return [float(h) for h in grid]


def _fitter(model, trend):
    if isinstance(model, str):
        if model != "hawkes":
            msg = f"`model` must be 'hawkes' or a callable; got {model!r}."
            raise InvalidParameterError(msg)
        return lambda x: fit_hawkes(trend, regressors=x)
    if not callable(model):
        msg = f"`model` must be 'hawkes' or a callable; got {short_repr(model)}."
        raise InvalidParameterError(msg)

    def fit_one(x):
        out = model(x)
        res = getattr(out, "result_", out)
        if not isinstance(res, FitResult):
            msg = f"`model` must return a FitResult or a fitted estimator; got {short_repr(out)}."
            raise InvalidParameterError(msg)
        return res

    return fit_one


def _profile(fits, columns, on_grid, level):
    hs = np.array(sorted(fits))
    ok = np.array([fits[h].success and math.isfinite(fits[h].loss) for h in hs])
    if not ok.any():
        # Nothing to profile: the lowest loss among the failed fits (the first when none
        # is finite), returned as it is, failure and all, as any failed fit is.
        tried = np.array([fits[h].loss for h in hs], dtype=np.float64)
        at = int(np.argmin(np.where(np.isfinite(tried), tried, np.inf)))
        chosen = fits[hs[at]]
        return HalfLifeProfile(
            half_life=float(hs[at]),
            half_life_ci=ConfidenceInterval(math.nan, math.nan),
            level=level,
            result=chosen,
            regressors=columns[hs[at]],
            table=_table(hs, fits, ok, np.full(hs.size, math.inf), on_grid),
            message=(
                f"No fit succeeded at any of the {hs.size} half-lives: the result is the "
                f"lowest loss among them, as it stopped ({chosen.message})"
            ),
        )
    loss = np.array([fits[h].loss if o else math.inf for h, o in zip(hs, ok, strict=True)])
    best = int(np.argmin(loss))
    deviance = 2.0 * (loss - loss[best])
    table = _table(hs, fits, ok, deviance, on_grid)
    chosen = fits[hs[best]]
    likelihood = all(math.isfinite(fits[h].loglik) for h in hs[ok])
    notes = [f"{ok.sum()} of {hs.size} fits succeeded."]
    if not likelihood:
        interval = ConfidenceInterval(math.nan, math.nan)
        notes.append(f"No interval: the {chosen.loss_name} loss is not a likelihood.")
    else:
        crit = float(stats.chi2.ppf(level, 1))
        at = int(np.flatnonzero(ok).searchsorted(best))
        low = _crossing(hs[ok], deviance[ok], at, -1, crit)
        high = _crossing(hs[ok], deviance[ok], at, 1, crit)
        interval = ConfidenceInterval(low, high)
        if low == hs[ok][0]:
            notes.append("The interval reaches the shortest half-life that fitted.")
        if high == hs[ok][-1]:
            notes.append("The interval reaches the longest half-life that fitted.")
    return HalfLifeProfile(
        half_life=float(hs[best]),
        half_life_ci=interval,
        level=level,
        result=chosen,
        regressors=columns[hs[best]],
        table=table,
        message=" ".join(notes),
    )


def _table(hs, fits, ok, deviance, on_grid):
    return pd.DataFrame(
        {
            "half_life": hs,
            "loss": [fits[h].loss for h in hs],
            "deviance": deviance,
            "success": ok,
            "refined": [h not in on_grid for h in hs],
        }
    )


def _crossing(hs, deviance, best, step, crit):
    """Where the deviance first rises past `crit` walking from `best` by `step`; the
    end of the grid when it never does.

    Between the last half-life inside and the first outside, the root deviance is
    interpolated linearly in the log of the half-life: exact when the profile is
    quadratic there, as it is near its maximum.
    """
    i = best
    while 0 <= i + step < hs.size:
        j = i + step
        if deviance[j] > crit:
            root_i, root_j = math.sqrt(deviance[i]), math.sqrt(deviance[j])
            w = (math.sqrt(crit) - root_i) / (root_j - root_i)
            h = hs[i] * (hs[j] / hs[i]) ** w  # hs[i] itself at w = 0, not exp(log(hs[i]))
            return float(min(max(h, min(hs[i], hs[j])), max(hs[i], hs[j])))
        i = j
    return float(hs[i])
