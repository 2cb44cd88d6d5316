"""Time axes and bins: counts, bin widths, datetimes, windows (shared by the data types).

Package-private helpers of `spread.trend` and `spread.cascades` (and the fits that read
event times): each turns a user's value into a checked one, or raises an
`InvalidParameterError` naming the parameter, the rule and the value.
"""

import numbers
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .exceptions import InvalidParameterError

__all__ = [
    "WindowReport",
    "as_freq",
    "check_contiguous",
    "check_counts",
    "finite_time",
    "is_datetime_like",
    "match_tz",
    "py_item",
    "short_repr",
    "to_datetimes",
    "window_report",
]


def short_repr(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def check_counts(values, name="counts"):
    """Return `values` as a read-only 1-D float64 array of finite, non-negative counts."""
    raw = values.to_numpy() if isinstance(values, pd.Series | pd.Index) else values
    if np.asarray(raw).dtype.kind == "b":
        msg = f"`{name}` must be numbers of events, not booleans; got {short_repr(values)}."
        raise InvalidParameterError(msg)
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError, OverflowError):
        msg = f"`{name}` must be an array of numbers; got {short_repr(values)}."
        raise InvalidParameterError(msg) from None
    if arr.ndim != 1:
        msg = f"`{name}` must be one-dimensional; got an array of shape {arr.shape}."
        raise InvalidParameterError(msg)
    if arr.size == 0:
        msg = f"`{name}` must hold at least one bin; got an empty series."
        raise InvalidParameterError(msg)
    bad = ~np.isfinite(arr)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = (
            f"`{name}` must be finite; got {float(arr[i])!r} at bin {i} "
            f"({int(bad.sum())} non-finite bin(s))."
        )
        raise InvalidParameterError(msg)
    neg = arr < 0
    if neg.any():
        i = int(np.flatnonzero(neg)[0])
        value = int(arr[i]) if arr[i] == int(arr[i]) else float(arr[i])
        msg = f"`{name}` must be non-negative; got {value} at bin {i}."
        raise InvalidParameterError(msg)
    arr.flags.writeable = False
    return arr


@dataclass(frozen=True)
class WindowReport:
    """What a builder did with the rows it was given: nothing is left out silently.

    Attributes
    ----------
    source : str
        What the rows were (``"events"``, ``"counts"``, ``"adoptions"``).
    n_rows : int
        Rows read.
    n_before, n_after : int
        Rows left out because they fall before the window's start, or at or after its
        end.
    """

    source: str
    n_rows: int
    n_before: int = 0
    n_after: int = 0

    @property
    def n_kept(self):
        """Rows inside the window."""
        return self.n_rows - self.n_before - self.n_after

    def __str__(self):
        return (
            f"{self.source}: {self.n_rows:,} rows read, {self.n_before:,} before the window "
            f"and {self.n_after:,} after it left out"
        )


def window_report(source, n_rows, n_before, n_after):
    """A `WindowReport`, with a warning when the window leaves out every row."""
    report = WindowReport(source, int(n_rows), int(n_before), int(n_after))
    if n_rows and report.n_kept == 0:
        warnings.warn(
            f"the window leaves out every one of the {n_rows:,} {source} "
            f"({n_before:,} before its start, {n_after:,} at or after its end): the trend "
            "holds only zeros.",
            UserWarning,
            stacklevel=4,
        )
    return report


def py_item(x):
    return x.item() if isinstance(x, np.generic) else x


def check_contiguous(index, freq, is_dt):
    """Bins must be contiguous and increasing: ``index[i + 1] - index[i] == freq``."""
    if len(index) < 2:
        return
    if is_dt:
        steps = np.diff(index.as_unit("ns").asi8)
        good = steps == freq.value
    else:
        steps = np.diff(index.to_numpy(dtype=np.float64))
        good = np.isclose(steps, freq, rtol=1e-9, atol=0.0)
    if not good.all():
        i = int(np.flatnonzero(~good)[0])
        msg = (
            "`index` must hold contiguous, increasing bins of width `freq` "
            f"({freq}); bin {i + 1} starts at {py_item(index[i + 1])!r}, "
            f"{py_item(index[i])!r} + {freq} expected."
        )
        raise InvalidParameterError(msg)


def as_freq(freq, *, datetime):
    """A bin width: a positive `pandas.Timedelta` (datetime index) or a positive float."""
    if datetime:
        try:
            td = (
                pd.Timedelta(pd.tseries.frequencies.to_offset(freq))
                if isinstance(freq, str)
                else pd.Timedelta(freq)
            )
        except (TypeError, ValueError):
            msg = (
                f"`freq` must be a fixed time span such as '1h' or '5min'; got {short_repr(freq)}."
            )
            raise InvalidParameterError(msg) from None
        if pd.isna(td) or td <= pd.Timedelta(0):
            msg = f"`freq` must be a positive time span; got {short_repr(freq)}."
            raise InvalidParameterError(msg)
        return td
    if isinstance(freq, bool) or not isinstance(freq, numbers.Real):
        msg = f"`freq` must be a positive number for numeric times; got {short_repr(freq)}."
        raise InvalidParameterError(msg)
    if not np.isfinite(freq) or freq <= 0:
        msg = f"`freq` must be a positive number for numeric times; got {short_repr(freq)}."
        raise InvalidParameterError(msg)
    return float(freq)


def to_datetimes(times, name):
    try:
        out = pd.DatetimeIndex(pd.to_datetime(times))
    except (TypeError, ValueError) as exc:
        msg = f"`{name}` must hold datetimes or numbers; could not parse them ({exc})."
        raise InvalidParameterError(msg) from None
    if out.hasnans:
        i = int(np.flatnonzero(out.isna())[0])
        msg = f"`{name}` must not contain missing times; got NaT at position {i}."
        raise InvalidParameterError(msg)
    return out


def is_datetime_like(values):
    if isinstance(values, pd.DatetimeIndex | pd.Timestamp):
        return True
    dtype = getattr(values, "dtype", None)
    if dtype is not None and pd.api.types.is_datetime64_any_dtype(dtype):
        return True
    arr = np.asarray(values)
    if arr.dtype.kind == "M":
        return True
    if arr.dtype.kind in "OUS" and arr.size > 0:
        first = arr.ravel()[0]
        return isinstance(first, str | bytes | pd.Timestamp | np.datetime64) or hasattr(
            first, "isoformat"
        )
    return False


def match_tz(ts, tz):
    """Give the timestamp `ts` the timezone `tz` (localize naive, convert aware)."""
    ts = pd.Timestamp(ts)
    if tz is None:
        return ts.tz_convert(None) if ts.tzinfo is not None else ts
    return ts.tz_localize(tz) if ts.tzinfo is None else ts.tz_convert(tz)


def finite_time(value, name):
    """A finite number for a numeric window bound."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        msg = f"`{name}` must be a number for numeric times; got {short_repr(value)}."
        raise InvalidParameterError(msg) from None
    if not np.isfinite(out) or isinstance(value, bool):
        msg = f"`{name}` must be a finite number for numeric times; got {short_repr(value)}."
        raise InvalidParameterError(msg)
    return out
