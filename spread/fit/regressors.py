"""Known drivers of a trend: regressors that scale a binned Hawkes background.

An announcement, a broadcast or a campaign changes how many posts arrive on their own,
and the analyst knows when it happened. `event_regressors` turns such times into
columns (a step, a pulse or a decaying pulse from each event's bin);
``HawkesEstimator(regressors=...)`` multiplies the background of each bin ``t`` by
``exp(sum_j gamma_j x_j(t))`` and estimates one coefficient ``gamma_j`` per column,
named after it. A forecast needs the regressors' values in the bins it forecasts, so a
frame given to the estimator may (and for a forecast must) run past the trend.
"""

import math

import numpy as np
import pandas as pd

from .._common import check_memory
from .._time import match_tz
from .._validation import check_in, check_nonnegative_float, short_repr
from ..exceptions import InvalidParameterError
from ..trend import Trend, as_trend

__all__ = ["Regressors", "event_regressors"]

#: Largest effect of one regressor on the background, ``exp(|gamma_j| max |x_j|)``.
_MAX_LOG_EFFECT = 20.0
_SHAPES = ("step", "pulse", "decay")


def event_regressors(trend, events, *, horizon=0, shape="step", half_life=None):
    """Columns of known events for ``HawkesEstimator(regressors=...)``, one per event.

    Parameters
    ----------
    trend : Trend
        The trend the columns go with; they cover its bins and `horizon` more.
    events : dict
        Event name -> time (a label of the trend's bins: a datetime for a datetime
        trend, a number otherwise). The name becomes the column and the coefficient's
        name, so it must be an identifier.
    horizon : int, default 0
        Bins after the trend's last covered too (as many as a forecast will need).
    shape : {"step", "pulse", "decay"}, default "step"
        ``"step"``: 0 before the bin holding the event, 1 from it on (a lasting change);
        ``"pulse"``: 1 in that bin only; ``"decay"``: ``2**(-(t - t_e) / half_life)``
        from that bin ``t_e`` on, 0 before (an effect that wears off).
    half_life : float, optional
        Half-life of ``"decay"``, in bins (> 0); only with ``shape="decay"``.

    Returns
    -------
    pandas.DataFrame
        One column per event, indexed by the bins' start labels.

    Raises
    ------
    InvalidParameterError
        A bad shape, half-life, horizon, name or time (one outside the covered bins
        names the range).
    MemoryLimitError
        A `horizon` whose columns would not fit in memory.

    Examples
    --------
    >>> import pandas as pd
    >>> from spread.fit import Trend, event_regressors
    >>> trend = Trend.from_counts([3, 4, 40, 30, 20], freq="1h", start=pd.Timestamp("2024-01-01"))
    >>> x = event_regressors(
    ...     trend, {"launch": "2024-01-01 02:30"}, horizon=2, shape="decay", half_life=1
    ... )
    >>> x["launch"].tolist()
    [0.0, 0.0, 1.0, 0.5, 0.25, 0.125, 0.0625]
    """
    trend = as_trend(trend)
    shape = check_in(shape, name="shape", options=_SHAPES)
    if (shape == "decay") != (half_life is not None):
        msg = (
            "`half_life` gives the decay of shape 'decay', and only of it; got "
            f"shape={shape!r}, half_life={half_life!r}."
        )
        raise InvalidParameterError(msg)
    if half_life is not None:
        half_life = check_nonnegative_float(half_life, name="half_life", allow_zero=False)
    if isinstance(horizon, bool) or not isinstance(horizon, (int, np.integer)) or horizon < 0:
        msg = f"`horizon` must be a whole number of bins >= 0; got {short_repr(horizon)}."
        raise InvalidParameterError(msg)
    if not isinstance(events, dict) or not events:
        msg = f"`events` must be a non-empty dict of name -> time; got {short_repr(events)}."
        raise InvalidParameterError(msg)
    n = trend.n_bins + int(horizon)
    check_memory(
        16 * n * (len(events) + 2),
        what=f"{len(events)} columns of {n:,} bins",
        advice="lower `horizon`",
    )
    t = np.arange(n, dtype=np.float64)
    columns = {}
    for name, when in events.items():
        _check_name(name, "events")
        pos = _bin_of(trend, when, n, name)
        if shape == "step":
            columns[name] = (t >= pos).astype(np.float64)
        elif shape == "pulse":
            columns[name] = (t == pos).astype(np.float64)
        else:
            columns[name] = np.where(t >= pos, np.exp2(-(t - pos) / half_life), 0.0)
    return pd.DataFrame(columns, index=trend.bin_labels(np.arange(n)))


def _check_name(name, what):
    if not isinstance(name, str) or not name.isidentifier():
        msg = f"`{what}` names its columns with identifiers; got {short_repr(name)}."
        raise InvalidParameterError(msg)


def _bin_of(trend, when, n, name):
    """The bin (0 .. n - 1) holding time `when`."""
    if trend.is_datetime:
        ts = match_tz(when, trend.index.tz, f"events[{name!r}]")
        pos = (ts.value - trend.start.value) // trend.freq.value
    else:
        try:
            value = float(when)
        except (TypeError, ValueError):
            value = math.nan
        pos = math.floor((value - trend.start) / trend.freq) if math.isfinite(value) else -1
    if not 0 <= pos < n:
        msg = (
            f"`events[{name!r}]` must fall in the bins covered, {trend.bin_labels([0])[0]} "
            f"to {trend.bin_labels([n - 1])[0]} (the trend and `horizon`); got "
            f"{short_repr(when)}."
        )
        raise InvalidParameterError(msg)
    return int(pos)


class Regressors:
    """A trend's regressors, bin by bin from its first bin (`as_regressors` builds it).

    ``values[t, j]`` is regressor ``j`` in bin ``t``; rows past the trend are the
    future's, for forecasts. `bounds` keep each coefficient's effect within
    ``exp(±20)``.
    """

    def __init__(self, names, values, n_obs):
        self.names = tuple(names)
        self.values = values
        scale = np.max(np.abs(values[:n_obs]), axis=0)
        self.bounds = [(-_MAX_LOG_EFFECT / s, _MAX_LOG_EFFECT / s) for s in scale]

    def factor(self, gamma, n_total):
        """``exp(values @ gamma)`` over the first `n_total` bins."""
        if n_total > self.values.shape[0]:
            msg = (
                f"`regressors` must cover every bin modelled: they hold "
                f"{self.values.shape[0]} bins from the trend's first, and {n_total} are "
                "needed (pass values for the bins to forecast too)."
            )
            raise InvalidParameterError(msg)
        return np.exp(self.values[:n_total] @ np.asarray(gamma, dtype=np.float64))


def _floats(values):
    """`values` (a frame, an array or nested lists) as a float array, or a named error."""
    try:
        if isinstance(values, pd.DataFrame):
            return values.to_numpy(dtype=np.float64, na_value=np.nan)
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        msg = (
            "`regressors` must be numbers, one row per bin and one column per regressor; "
            f"got {short_repr(values)}."
        )
        raise InvalidParameterError(msg) from None


def as_regressors(regressors, trend, reserved=()):
    """Validate `regressors` (a DataFrame or Series indexed by bin labels, or an array
    whose row 0 is the trend's first bin) against `trend`: a `Regressors`."""
    if not isinstance(trend, Trend):
        raise TypeError("as_regressors needs a Trend")  # internal misuse
    n_obs = trend.n_bins
    if isinstance(regressors, pd.Series):
        regressors = regressors.to_frame(
            name=regressors.name if regressors.name is not None else "x1"
        )
    if isinstance(regressors, pd.DataFrame):
        names = list(regressors.columns)
        labels = trend.bin_labels(np.arange(n_obs))
        index = regressors.index
        if trend.is_datetime and isinstance(index, pd.DatetimeIndex):
            if (index.tz is None) != (trend.index.tz is None):
                msg = (
                    "`regressors` must be indexed in the trend's time zone "
                    f"({trend.index.tz}); got an index in {index.tz}."
                )
                raise InvalidParameterError(msg)
        if not index.is_unique:
            msg = "`regressors` must have one row per bin; its index repeats labels."
            raise InvalidParameterError(msg)
        try:
            first = int(index.get_indexer(labels[:1])[0])
        except (TypeError, ValueError):  # labels of another kind
            first = -1
        if first < 0:
            msg = (
                "`regressors` must have a row for each of the trend's bins; none for its "
                f"first, {labels[0]}."
            )
            raise InvalidParameterError(msg)
        rows = regressors.iloc[first:]
        n_rows = rows.shape[0]
        expected = trend.bin_labels(np.arange(n_rows))
        try:
            same = np.asarray(rows.index == expected, dtype=bool)
        except (TypeError, ValueError):  # labels that cannot be compared with times
            same = np.zeros(n_rows, dtype=bool)
        if same.shape != (n_rows,):
            same = np.zeros(n_rows, dtype=bool)
        if not same.all():
            bad = int(np.argmin(same))
            msg = (
                "`regressors` must run bin by bin from the trend's first bin; row "
                f"{first + bad} is labelled {rows.index[bad]}, the bin there starts at "
                f"{expected[bad]}."
            )
            raise InvalidParameterError(msg)
        values = _floats(rows)
    else:
        values = _floats(regressors)
        if values.ndim == 1:
            values = values[:, None]
        if values.ndim != 2:
            msg = f"`regressors` must be one or two dimensional; got shape {values.shape}."
            raise InvalidParameterError(msg)
        names = [f"x{j + 1}" for j in range(values.shape[1])]
    if values.shape[1] == 0:
        raise InvalidParameterError("`regressors` must hold at least one column; got none.")
    for name in names:
        _check_name(name, "regressors")
        if name in reserved:
            msg = (
                f"`regressors` names a column {name!r}, which is already a parameter of the "
                f"model ({', '.join(reserved)}); rename it."
            )
            raise InvalidParameterError(msg)
    if values.shape[0] < n_obs:
        msg = (
            f"`regressors` must cover the trend's {n_obs} bins; they hold "
            f"{values.shape[0]} from its first."
        )
        raise InvalidParameterError(msg)
    if not np.all(np.isfinite(values)):
        row, col = np.argwhere(~np.isfinite(values))[0]
        msg = (
            f"`regressors` must be finite; column {names[col]!r} holds "
            f"{float(values[row, col])!r} in bin {row} from the trend's first."
        )
        raise InvalidParameterError(msg)
    flat = np.ptp(values[:n_obs], axis=0) == 0
    if flat.any():
        j = int(np.argmax(flat))
        msg = (
            f"`regressors` column {names[j]!r} is {values[0, j]:g} in every observed bin: "
            "its effect cannot be told from the background's level `mu` on this trend."
        )
        raise InvalidParameterError(msg)
    return Regressors(names, np.ascontiguousarray(values), n_obs)
