"""Time axes and bins: counts, bin widths, datetimes, windows (shared by the data types).

Package-private helpers of `spread.trend` and `spread.cascades` (and the fits that read
event times): each turns a user's value into a checked one, or raises an
`InvalidParameterError` naming the parameter, the rule and the value.
"""

import contextlib
import math
import numbers
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ._validation import ndim_of, short_repr
from .exceptions import InvalidParameterError, warn

__all__ = [
    "WindowReport",
    "as_freq",
    "as_sequence",
    "bin_range",
    "bin_starts",
    "check_contiguous",
    "check_counts",
    "check_window",
    "finite_time",
    "floor_time",
    "is_datetime_like",
    "match_tz",
    "numeric_times",
    "py_item",
    "short_repr",
    "span_seconds",
    "to_datetimes",
    "window_report",
]


def check_counts(values, name="counts"):
    """Return `values` as a read-only 1-D float64 array of finite, non-negative counts."""
    series = isinstance(values, pd.Series | pd.Index)
    try:
        is_bool = (values.dtype if series else np.asarray(values).dtype).kind == "b"
        arr = (
            None
            if is_bool
            else values.to_numpy(dtype=np.float64, na_value=np.nan, copy=True)
            if series
            else np.array(values, dtype=np.float64)
        )
    except (TypeError, ValueError, OverflowError):
        msg = f"`{name}` must be an array of numbers; got {_first_non_number(values)}."
        raise InvalidParameterError(msg) from None
    if is_bool:
        msg = f"`{name}` must be numbers of events, not booleans; got {_shown(values)}."
        raise InvalidParameterError(msg)
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


def _shown(values):
    """A one-line repr of `values` (a pandas object as its values, not its table)."""
    return short_repr(values.tolist() if isinstance(values, pd.Series | pd.Index) else values)


def _first_non_number(values):
    """The first entry of `values` that is not a number, and where; else all of them."""
    try:
        if isinstance(values, str | bytes) or np.ndim(values) != 1:
            return _shown(values)
    except ValueError:  # a ragged nested sequence
        return _shown(values)
    for i, v in enumerate(values.tolist() if hasattr(values, "tolist") else values):
        try:
            float(v)
        except (TypeError, ValueError, OverflowError):
            return f"{short_repr(v)} at bin {i}"
    return _shown(values)


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
        warn(
            f"the window leaves out every one of the {n_rows:,} {source} "
            f"({n_before:,} before its start, {n_after:,} at or after its end): the trend "
            "holds only zeros.",
            UserWarning,
        )
    return report


def py_item(x):
    return x.item() if isinstance(x, np.generic) else x


def check_contiguous(index, freq, is_dt):
    """Bins must be contiguous and increasing: ``index[i + 1] - index[i] == freq``."""
    if len(index) < 2:
        return
    if is_dt:
        steps = np.diff(as_ns(index, "index"))
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


def as_freq(freq, *, datetime, name="freq"):
    """A bin width: a positive `pandas.Timedelta` (datetime index) or a positive float."""
    if datetime:
        try:
            td = (
                pd.Timedelta(pd.tseries.frequencies.to_offset(freq))
                if isinstance(freq, str)
                else pd.Timedelta(freq)
            )
        except (TypeError, ValueError, OverflowError):
            msg = (
                f"`{name}` must be a fixed time span such as '1h' or '5min'; got "
                f"{short_repr(freq)}."
            )
            raise InvalidParameterError(msg) from None
        if pd.isna(td) or td <= pd.Timedelta(0):
            msg = f"`{name}` must be a positive time span; got {short_repr(freq)}."
            raise InvalidParameterError(msg)
        try:
            return td.as_unit("ns")
        except (OverflowError, ValueError):  # past pandas' nanosecond range (~292 years)
            msg = f"`{name}` must be a time span shorter than 292 years; got {short_repr(freq)}."
            raise InvalidParameterError(msg) from None
    if isinstance(freq, bool | np.bool_) or not isinstance(freq, numbers.Real):
        msg = f"`{name}` must be a positive number for numeric times; got {short_repr(freq)}."
        raise InvalidParameterError(msg)
    try:
        out = float(freq)
    except OverflowError:  # an int past float64
        out = math.inf
    if not math.isfinite(out) or out <= 0:
        msg = f"`{name}` must be a positive number for numeric times; got {short_repr(freq)}."
        raise InvalidParameterError(msg)
    return out


def as_sequence(values, name):
    """`values` as a 1-d sequence (a pandas Series or Index as it is, else an array)."""
    if isinstance(values, pd.Series | pd.Index):
        return values
    if isinstance(values, str | bytes | dict):
        msg = f"`{name}` must be a 1-d sequence; got {short_repr(values)}."
        raise InvalidParameterError(msg)
    try:
        arr = np.asarray(values)
    except (TypeError, ValueError) as exc:  # ragged nested sequences
        msg = f"`{name}` must be a 1-d sequence; got {short_repr(values)} ({exc})."
        raise InvalidParameterError(msg) from None
    if arr.ndim != 1:
        what = "a scalar" if arr.ndim == 0 else f"an array of shape {arr.shape}"
        msg = f"`{name}` must be a 1-d sequence; got {what}: {short_repr(values)}."
        raise InvalidParameterError(msg)
    return arr


def bin_starts(index, n):
    """The start of each of `n` bins: a `DatetimeIndex` or a float `Index`, checked."""
    if isinstance(index, pd.DatetimeIndex):
        out = index
    elif (
        isinstance(index, pd.Index)
        and pd.api.types.is_numeric_dtype(index.dtype)
        and (index.dtype.kind != "b")
    ):
        out = index
    else:
        raw = as_sequence(index, "index")
        raw = raw.to_numpy() if isinstance(raw, pd.Series | pd.Index) else raw
        if raw.dtype.kind == "b":
            msg = f"`index` must hold bin starts (numbers or datetimes), not booleans; got {short_repr(index)}."
            raise InvalidParameterError(msg)
        if is_datetime_like(raw):
            out = to_datetimes(raw, "index")
        else:
            try:
                out = pd.Index(np.asarray(raw, dtype=np.float64))
            except (TypeError, ValueError, OverflowError):
                msg = f"`index` must hold bin starts (numbers or datetimes); got {short_repr(index)}."
                raise InvalidParameterError(msg) from None
    if len(out) != n:
        msg = f"`index` must have one entry per bin ({n}); got {len(out)}."
        raise InvalidParameterError(msg)
    if out.hasnans:
        i = int(np.flatnonzero(out.isna())[0])
        msg = f"`index` must not hold missing bin starts; got {py_item(out[i])!r} at bin {i}."
        raise InvalidParameterError(msg)
    if not isinstance(out, pd.DatetimeIndex):
        bad = ~np.isfinite(out.to_numpy(dtype=np.float64))
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            msg = f"`index` must hold finite bin starts; got {py_item(out[i])!r} at bin {i}."
            raise InvalidParameterError(msg)
    return out


def bin_range(origin, n_bins, width):
    """The start of `n_bins` bins of `width` from `origin` (a `DatetimeIndex`), checked."""
    with _in_time_range(f"`start` = {origin} with {n_bins:,} bins of {width} ends"):
        return pd.date_range(origin, periods=n_bins, freq=width)


def span_seconds(value, name):
    """A time span (a string such as '1h', a Timedelta) as a positive number of seconds."""
    try:
        td = pd.Timedelta(value)
    except (TypeError, ValueError, OverflowError):
        msg = f"`{name}` must be a positive number or a time span such as '1h'; got {short_repr(value)}."
        raise InvalidParameterError(msg) from None
    if pd.isna(td) or td <= pd.Timedelta(0):
        msg = f"`{name}` must be a positive time span; got {short_repr(value)}."
        raise InvalidParameterError(msg)
    return td / pd.Timedelta("1s")


def to_datetimes(times, name):
    try:
        out = pd.DatetimeIndex(pd.to_datetime(times)).as_unit("ns")
    except (TypeError, ValueError) as exc:  # pandas' parse and out-of-bounds errors too
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


def match_tz(ts, tz, name="time"):
    """Give the timestamp `ts` the timezone `tz` (localize naive, convert aware)."""
    try:
        ts = pd.Timestamp(ts).as_unit("ns")
    except (
        TypeError,
        ValueError,
        OverflowError,
    ) as exc:  # pandas' parse and out-of-bounds errors too
        msg = f"`{name}` must be a time (a timestamp or a date string); got {short_repr(ts)} ({exc})."
        raise InvalidParameterError(msg) from None
    if ts is pd.NaT:
        msg = f"`{name}` must be a time, not missing; got {short_repr(ts)}."
        raise InvalidParameterError(msg)
    if tz is None:
        return ts.tz_convert(None) if ts.tzinfo is not None else ts
    return ts.tz_localize(tz) if ts.tzinfo is None else ts.tz_convert(tz)


def floor_time(ts, width, name):
    """`ts` floored to a multiple of `width` (the first bin's start), or an error naming `name`."""
    what = f"`{name}`: the first time, {ts}, floored to a multiple of `freq` = {width}, falls"
    with _in_time_range(what, advice="; pass `start`"):
        return ts.floor(width)


@contextlib.contextmanager
def _in_time_range(what, advice=""):
    """Turn pandas' out-of-bounds errors (ValueErrors, OverflowErrors) into a typed one."""
    try:
        yield
    except (OverflowError, ValueError):
        msg = f"{what} outside pandas' time range (1677-09-21 to 2262-04-11){advice}."
        raise InvalidParameterError(msg) from None


def check_window(origin, stop):
    """`end` must come after `start` (either a number or a timestamp)."""
    if stop is not None and not stop > origin:
        msg = f"`end` must be after `start` ({origin}); got {stop}."
        raise InvalidParameterError(msg)


def numeric_times(values, name):
    """`values` (numeric times: a 1-d sequence) as a float64 array of finite numbers."""
    kind = getattr(getattr(values, "dtype", None), "kind", "O")  # "O": look at each item
    if kind == "b" or (
        kind == "O" and ndim_of(values) and any(isinstance(v, bool | np.bool_) for v in values)
    ):
        msg = f"`{name}` must hold datetimes or numbers, not booleans; got {_shown(values)}."
        raise InvalidParameterError(msg)
    try:
        out = (
            values.to_numpy(dtype=np.float64, na_value=np.nan)
            if isinstance(values, pd.Series | pd.Index)
            else np.asarray(values, dtype=np.float64)
        )
    except (TypeError, ValueError, OverflowError):
        msg = f"`{name}` must hold datetimes or numbers; got {short_repr(values)}."
        raise InvalidParameterError(msg) from None
    if out.ndim != 1:
        msg = f"`{name}` must be one-dimensional; got an array of shape {out.shape}."
        raise InvalidParameterError(msg)
    bad = ~np.isfinite(out)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = f"`{name}` must be finite; got {float(out[i])!r} at position {i}."
        raise InvalidParameterError(msg)
    return out


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


#: Most bins a trend may have: its counts, index and working copies in memory.
_BIN_BYTES = 8 * 4


def check_bin_count(n_bins, width=None, *, name=None):
    """Raise `MemoryLimitError` before building more bins than memory holds.

    The bins come from a window and a width `width`, or from the parameter `name`.
    """
    from ._common import check_memory

    if name is None:
        what = f"{float(n_bins):,.3g} bins of width {width} from the first to the last time"
        advice = "choose a wider `freq` or a narrower window (`start`, `end`)"
    else:
        what, advice = f"`{name}` = {float(n_bins):,.3g} bins", f"lower `{name}`"
    check_memory(float(n_bins) * _BIN_BYTES, what=what, advice=advice)


def as_ns(index, name):
    """Nanoseconds since the epoch of a `DatetimeIndex` (out-of-range times rejected)."""
    try:
        return index.as_unit("ns").asi8
    except (TypeError, ValueError) as exc:
        msg = f"`{name}` must hold times within pandas' nanosecond range; {exc}."
        raise InvalidParameterError(msg) from None
