"""Observed spread data: binned count series (`Trend`) and timed adoption records (`Cascades`)."""

import numbers
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy as np
import pandas as pd

from .._validation import check_in, check_nonnegative_float
from ..exceptions import InvalidParameterError, NodeNotFound

__all__ = ["Cascades", "Trend", "TrialGroups"]

_KINDS = ("adopters", "volume")


def _short(value):
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _py(x):
    return x.item() if isinstance(x, np.generic) else x


def _rows(labels, limit=10):
    """A short list of row labels for an error message."""
    shown = ", ".join(repr(x.item() if hasattr(x, "item") else x) for x in list(labels)[:limit])
    more = f" (and {len(labels) - limit} more)" if len(labels) > limit else ""
    return f"{shown}{more}"


def _check_counts(values, name="counts"):
    """Return `values` as a read-only 1-D float64 array of finite, non-negative counts."""
    try:
        arr = np.array(values, dtype=np.float64)
    except (TypeError, ValueError):
        msg = f"`{name}` must be an array of numbers; got {_short(values)}."
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


def _as_freq(freq, *, datetime):
    """A bin width: a positive `pandas.Timedelta` (datetime index) or a positive float."""
    if datetime:
        try:
            td = (
                pd.Timedelta(pd.tseries.frequencies.to_offset(freq))
                if isinstance(freq, str)
                else pd.Timedelta(freq)
            )
        except (TypeError, ValueError):
            msg = f"`freq` must be a fixed time span such as '1h' or '5min'; got {_short(freq)}."
            raise InvalidParameterError(msg) from None
        if pd.isna(td) or td <= pd.Timedelta(0):
            msg = f"`freq` must be a positive time span; got {_short(freq)}."
            raise InvalidParameterError(msg)
        return td
    if isinstance(freq, bool) or not isinstance(freq, numbers.Real):
        msg = f"`freq` must be a positive number for numeric times; got {_short(freq)}."
        raise InvalidParameterError(msg)
    if not np.isfinite(freq) or freq <= 0:
        msg = f"`freq` must be a positive number for numeric times; got {_short(freq)}."
        raise InvalidParameterError(msg)
    return float(freq)


def _to_datetimes(times, name):
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


def _is_datetime_like(values):
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


def _match_tz(ts, tz):
    """Give the timestamp `ts` the timezone `tz` (localize naive, convert aware)."""
    ts = pd.Timestamp(ts)
    if tz is None:
        return ts.tz_convert(None) if ts.tzinfo is not None else ts
    return ts.tz_localize(tz) if ts.tzinfo is None else ts.tz_convert(tz)


@dataclass(frozen=True, repr=False, eq=False)
class Trend:
    """A binned count series: new adoptions (or posts) per time bin.

    Bins are contiguous and of equal width `freq`; bin ``i`` covers
    ``[index[i], index[i] + freq)``. Curve models measure time in bins: bin ``i`` is the
    model-time interval ``(i, i + 1]`` and fitted rates are per bin (per hour for an
    hourly trend).

    Build it with `from_counts`, `from_timestamps` or `from_frame`; the constructor
    takes the counts and the index as they are.

    Parameters
    ----------
    counts : array_like of float, shape (n_bins,)
        Finite, non-negative counts per bin.
    index : pandas.Index, optional
        Start of every bin: a `pandas.DatetimeIndex` (timezone kept) or numbers. The
        default numbers the bins ``0, 1, ...``.
    freq : str, pandas.Timedelta or float, optional
        Bin width (a time span for a datetime index, a number otherwise; default 1).
    population : float, optional
        Size of the population that can adopt (N of SI/SIR), if known.
    exposure : array_like, optional
        Per-bin exposure (e.g. audience size), kept for models that use it.
    kind : {"adopters", "volume"}
        Whether counts are first adoptions per user (Bass/SI/SIR semantics) or total
        volume with repeats (Hawkes semantics). FITTING.md §1.1 asks users to say which.

    Raises
    ------
    InvalidParameterError
        If the series is empty, a count is negative or not finite, or the index does
        not match the counts.

    Examples
    --------
    >>> from spread.fit import Trend
    >>> tr = Trend.from_counts([0, 3, 8, 5, 1])
    >>> tr
    <Trend: 5 bins of 1, 17 adopters, peak 8 at bin 2>
    >>> tr.cumulative
    array([ 0.,  3., 11., 16., 17.])
    >>> tr.until(3).counts
    array([0., 3., 8.])
    """

    counts: np.ndarray
    index: pd.Index = None
    freq: object = None
    population: float = float("nan")
    exposure: np.ndarray | None = None
    kind: str = "adopters"
    _origin: object = field(default=None, compare=False)

    def __post_init__(self):
        counts = _check_counts(self.counts)
        n = counts.shape[0]
        index = self.index
        if index is None:
            index = pd.Index(np.arange(n, dtype=np.float64))
        elif not isinstance(index, pd.Index):
            index = (
                pd.DatetimeIndex(index)
                if _is_datetime_like(index)
                else pd.Index(np.asarray(index, dtype=np.float64))
            )
        if len(index) != n:
            msg = f"`index` must have one entry per bin ({n}); got {len(index)}."
            raise InvalidParameterError(msg)
        is_dt = isinstance(index, pd.DatetimeIndex)
        freq = self.freq
        if freq is None:
            if n > 1:
                freq = index[1] - index[0]
            else:
                freq = pd.Timedelta("1h") if is_dt else 1.0
        freq = _as_freq(freq, datetime=is_dt)
        population = (
            float("nan")
            if self.population is None
            or (np.ndim(self.population) == 0 and pd.isna(self.population))
            else check_nonnegative_float(self.population, name="population", allow_zero=False)
        )
        exposure = self.exposure
        if exposure is not None:
            exposure = _check_counts(exposure, name="exposure")
            if exposure.shape[0] != n:
                msg = f"`exposure` must have one entry per bin ({n}); got {exposure.shape[0]}."
                raise InvalidParameterError(msg)
        kind = check_in(self.kind, name="kind", options=_KINDS)
        for name, value in [
            ("counts", counts),
            ("index", index),
            ("freq", freq),
            ("population", population),
            ("exposure", exposure),
            ("kind", kind),
        ]:
            object.__setattr__(self, name, value)

    # ------------------------------------------------------------ builders
    @classmethod
    def from_counts(
        cls, counts, freq=None, *, start=None, population=None, exposure=None, kind="adopters"
    ):
        """A trend from counts per bin: an array, or a `pandas.Series` indexed by time.

        A series with a `DatetimeIndex` is re-binned to `freq` (counts summed per bin;
        missing bins become zeros), so five-minute counts can be read as an hourly
        trend. Bins are anchored at `start` (default: the first time floored to `freq`).

        Parameters
        ----------
        counts : array_like or pandas.Series
        freq : str, pandas.Timedelta or float, optional
            Bin width. Default: the series' own spacing (its ``freq``, else the
            smallest gap), or 1 for an array.
        start : datetime-like or float, optional
            Start of the first bin (with an array: a datetime gives a datetime index).
        population, exposure, kind
            As for `Trend`.

        Examples
        --------
        >>> import pandas as pd
        >>> from spread.fit import Trend
        >>> s = pd.Series([1, 2, 4], index=pd.to_datetime(["2024-01-01 00:10",
        ...                "2024-01-01 00:40", "2024-01-01 02:05"]))
        >>> Trend.from_counts(s, freq="1h").to_frame()["count"].tolist()
        [3.0, 0.0, 4.0]
        """
        if isinstance(counts, pd.DataFrame):
            msg = "`counts` must be one column; got a DataFrame (use `Trend.from_frame`)."
            raise InvalidParameterError(msg)
        if isinstance(counts, pd.Series) and isinstance(counts.index, pd.DatetimeIndex):
            values = _check_counts(counts.to_numpy(dtype=np.float64, na_value=np.nan))
            index = counts.index
            if index.hasnans:
                i = int(np.flatnonzero(index.isna())[0])
                msg = f"`counts` index must not contain missing times; got NaT at position {i}."
                raise InvalidParameterError(msg)
            if freq is None:
                freq = index.freq
                if freq is None:
                    gaps = np.diff(np.sort(index.as_unit("ns").asi8))
                    gaps = gaps[gaps > 0]
                    freq = pd.Timedelta(int(gaps.min()), "ns") if gaps.size else pd.Timedelta("1h")
            width = _as_freq(freq, datetime=True)
            origin = index.min().floor(width) if start is None else _match_tz(start, index.tz)
            return cls._from_binned_ns(
                index.as_unit("ns").asi8,
                values,
                origin,
                width,
                None,
                index.tz,
                population,
                exposure,
                kind,
            )
        if isinstance(counts, pd.Series):
            values = _check_counts(counts.to_numpy(dtype=np.float64, na_value=np.nan))
            idx = counts.index
            if pd.api.types.is_numeric_dtype(idx.dtype) and not isinstance(idx, pd.RangeIndex):
                pos = idx.to_numpy(dtype=np.float64)
                width = _as_freq(
                    freq
                    if freq is not None
                    else (np.min(np.diff(np.sort(pos))) if len(pos) > 1 else 1.0),
                    datetime=False,
                )
                origin = float(pos.min()) if start is None else float(start)
                return cls._from_numeric(pos, values, origin, width, population, exposure, kind)
            counts = values
        values = _check_counts(counts)
        n = values.shape[0]
        if start is not None and not isinstance(start, numbers.Real):
            width = _as_freq("1h" if freq is None else freq, datetime=True)
            origin = pd.Timestamp(start)
            index = pd.date_range(origin, periods=n, freq=width)
        else:
            width = _as_freq(1.0 if freq is None else freq, datetime=False)
            origin = 0.0 if start is None else float(start)
            index = pd.Index(origin + width * np.arange(n, dtype=np.float64))
        return cls(values, index, freq=width, population=population, exposure=exposure, kind=kind)

    @classmethod
    def from_timestamps(
        cls, times, freq=None, start=None, end=None, *, population=None, kind="volume"
    ):
        """A trend from event times: the number of events in each bin.

        Bins with no event become zeros (gaps are kept, not dropped). Events before
        `start` or at/after `end` are left out.

        Parameters
        ----------
        times : array_like of datetimes (naive or timezone-aware) or of numbers
        freq : str, pandas.Timedelta or float, optional
            Bin width; default ``"1h"`` for datetimes and 1 for numbers.
        start, end : datetime-like or float, optional
            Window; default from the first event's bin to the bin of the last event.
        population, kind
            As for `Trend`. The default kind is ``"volume"`` (every event counts).

        Examples
        --------
        >>> from spread.fit import Trend
        >>> times = ["2024-03-01 10:05", "2024-03-01 10:50", "2024-03-01 13:20"]
        >>> tr = Trend.from_timestamps(times, freq="1h")
        >>> tr.counts
        array([2., 0., 0., 1.])
        >>> str(tr.index[0])
        '2024-03-01 10:00:00'
        """
        if isinstance(times, pd.Series | pd.Index):
            raw = times
        else:
            raw = np.asarray(times)
        if len(raw) == 0:
            msg = "`times` must hold at least one event; got an empty sequence."
            raise InvalidParameterError(msg)
        if _is_datetime_like(raw):
            dt = _to_datetimes(raw, "times")
            width = _as_freq("1h" if freq is None else freq, datetime=True)
            tz = dt.tz
            origin = dt.min().floor(width) if start is None else _match_tz(start, tz)
            stop = None if end is None else _match_tz(end, tz)
            return cls._from_binned_ns(
                dt.as_unit("ns").asi8,
                np.ones(len(dt)),
                origin,
                width,
                stop,
                tz,
                population,
                None,
                kind,
            )
        try:
            num = np.asarray(raw, dtype=np.float64)
        except (TypeError, ValueError):
            msg = f"`times` must hold datetimes or numbers; got {_short(raw)}."
            raise InvalidParameterError(msg) from None
        bad = ~np.isfinite(num)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            msg = f"`times` must be finite; got {float(num[i])!r} at position {i}."
            raise InvalidParameterError(msg)
        width = _as_freq(1.0 if freq is None else freq, datetime=False)
        origin = float(np.floor(num.min() / width) * width) if start is None else float(start)
        keep = num >= origin
        if end is not None:
            keep &= num < float(end)
        num = num[keep]
        n_bins = (
            int(np.ceil((float(end) - origin) / width))
            if end is not None
            else int(np.floor((num.max() - origin) / width)) + 1
            if num.size
            else 1
        )
        codes = np.floor((num - origin) / width).astype(np.int64)
        counts = np.bincount(codes, minlength=n_bins)[:n_bins].astype(np.float64)
        index = pd.Index(origin + width * np.arange(n_bins, dtype=np.float64))
        return cls(counts, index, freq=width, population=population, kind=kind)

    @classmethod
    def from_frame(cls, df, *, time, count=None, freq=None, start=None, end=None, **kwargs):
        """A trend from a table: event rows (``count=None``) or counts per time.

        Parameters
        ----------
        df : pandas.DataFrame
        time : str
            Column with the event or bin times.
        count : str, optional
            Column with counts; without it every row is one event.
        freq, start, end, **kwargs
            Passed to `from_timestamps` or `from_counts`.

        Examples
        --------
        >>> import pandas as pd
        >>> from spread.fit import Trend
        >>> df = pd.DataFrame({"t": [0.2, 0.7, 2.5], "n": [1, 4, 2]})
        >>> Trend.from_frame(df, time="t", count="n").counts
        array([5., 0., 2.])
        """
        if not isinstance(df, pd.DataFrame):
            msg = f"`df` must be a pandas DataFrame; got {type(df).__name__}."
            raise InvalidParameterError(msg)
        for name, col in [("time", time), ("count", count)]:
            if col is not None and col not in df.columns:
                msg = f"`{name}` must name a column of `df`; got {col!r} (columns: {list(df.columns)})."
                raise InvalidParameterError(msg)
        if count is None:
            return cls.from_timestamps(df[time], freq=freq, start=start, end=end, **kwargs)
        t = df[time]
        if _is_datetime_like(t):
            idx = _to_datetimes(t, "time")
            series = pd.Series(df[count].to_numpy(dtype=np.float64, na_value=np.nan), index=idx)
            return cls.from_counts(series, freq=freq, start=start, **kwargs)
        values = _check_counts(df[count].to_numpy(dtype=np.float64, na_value=np.nan))
        pos = t.to_numpy(dtype=np.float64)
        width = _as_freq(1.0 if freq is None else freq, datetime=False)
        origin = float(np.floor(np.nanmin(pos) / width) * width) if start is None else float(start)
        return cls._from_numeric(pos, values, origin, width, **kwargs)

    @classmethod
    def _from_numeric(
        cls, pos, values, origin, width, population=None, exposure=None, kind="adopters"
    ):
        bad = ~np.isfinite(pos)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            msg = f"`time` must be finite; got {float(pos[i])!r} at position {i}."
            raise InvalidParameterError(msg)
        codes = np.floor((pos - origin) / width + 1e-9).astype(np.int64)
        keep = codes >= 0
        n_bins = int(codes[keep].max()) + 1 if keep.any() else 1
        counts = np.bincount(codes[keep], weights=values[keep], minlength=n_bins)
        index = pd.Index(origin + width * np.arange(n_bins, dtype=np.float64))
        return cls(counts, index, freq=width, population=population, exposure=exposure, kind=kind)

    @classmethod
    def _from_binned_ns(cls, ns, values, origin, width, stop, tz, population, exposure, kind):
        """Sum `values` into bins of `width` from `origin` (times as int64 ns since epoch)."""
        step = width.value
        codes = (np.asarray(ns, dtype=np.int64) - origin.value) // step
        if stop is not None:
            n_bins = max(int(-(-(stop.value - origin.value) // step)), 1)
        else:
            n_bins = int(codes.max()) + 1 if codes.size else 1
        keep = (codes >= 0) & (codes < n_bins)
        counts = np.bincount(codes[keep], weights=values[keep], minlength=n_bins)
        if exposure is not None and len(exposure) != n_bins:
            exposure = None
        index = pd.date_range(origin, periods=n_bins, freq=width)
        if tz is not None and index.tz is None:
            index = index.tz_localize(tz)
        index = pd.DatetimeIndex(index, freq=None)
        return cls(counts, index, freq=width, population=population, exposure=exposure, kind=kind)

    # ------------------------------------------------------------ accessors
    @property
    def n_bins(self):
        """Number of bins."""
        return int(self.counts.shape[0])

    def __len__(self):
        return self.n_bins

    @property
    def total(self):
        """Sum of all counts."""
        return float(self.counts.sum())

    @property
    def cumulative(self):
        """Cumulative counts ``Y_t`` (float64 array)."""
        return np.cumsum(self.counts)

    @property
    def is_datetime(self):
        """True if the bins are labelled by datetimes."""
        return isinstance(self.index, pd.DatetimeIndex)

    @property
    def start(self):
        """Start of the first bin."""
        return self.index[0]

    @property
    def end(self):
        """End of the last bin."""
        return self.index[-1] + self.freq

    def bin_labels(self, bins):
        """Start times of bins numbered from the first bin (may run past the last bin)."""
        bins = np.asarray(bins)
        if self.is_datetime:
            return pd.DatetimeIndex(self.start + self.freq * bins.astype(np.int64))
        return pd.Index(self.start + self.freq * bins.astype(np.float64))

    def _position(self, t):
        """Model time (in bins from the start) of a label `t`."""
        if self.is_datetime:
            ts = _match_tz(t, self.index.tz)
            return (ts - self.start) / self.freq
        return (float(t) - self.start) / self.freq

    def until(self, t):
        """The bins that end at or before `t` (a label of the index's kind).

        Use it to hold out the future: fit on ``trend.until(t)``, score on
        ``trend.since(t)``.
        """
        n = int(np.floor(self._position(t) + 1e-9))
        return self[: max(n, 0)]

    def since(self, t):
        """The bins that start at or after `t`."""
        n = int(np.ceil(self._position(t) - 1e-9))
        return self[max(n, 0) :]

    def __getitem__(self, key):
        if not isinstance(key, slice):
            msg = f"a Trend is sliced with a slice (positions or labels); got {_short(key)}."
            raise InvalidParameterError(msg)
        if all(v is None or isinstance(v, numbers.Integral) for v in (key.start, key.stop)):
            sl = key
        else:
            sl = slice(
                None if key.start is None else int(np.ceil(self._position(key.start) - 1e-9)),
                None if key.stop is None else int(np.floor(self._position(key.stop) + 1e-9)),
                key.step,
            )
        if sl.step not in (None, 1):
            msg = f"a Trend slice must have step 1; got {sl.step!r}."
            raise InvalidParameterError(msg)
        counts = self.counts[sl]
        if counts.size == 0:
            msg = f"`counts` must hold at least one bin; the slice {key!r} selects none."
            raise InvalidParameterError(msg)
        exposure = None if self.exposure is None else self.exposure[sl]
        return Trend(
            counts.copy(),
            self.index[sl],
            freq=self.freq,
            population=self.population,
            exposure=exposure,
            kind=self.kind,
        )

    def to_series(self):
        """The counts as a `pandas.Series` indexed by bin start."""
        return pd.Series(self.counts, index=self.index.rename("time"), name="count")

    def to_frame(self):
        """A DataFrame indexed by bin start with ``count`` and ``cumulative`` (and ``exposure``)."""
        df = pd.DataFrame(
            {"count": self.counts, "cumulative": self.cumulative}, index=self.index.rename("time")
        )
        if self.exposure is not None:
            df["exposure"] = self.exposure
        return df

    def plot(self, ax=None, *, cumulative=False, **kwargs):
        """Counts per bin as steps (or the cumulative counts); returns the Axes.

        Draws with `spread.plot.trend`.
        """
        from .. import plot

        return plot.trend(self, ax, cumulative=cumulative, **kwargs)

    def __repr__(self):
        peak = int(np.argmax(self.counts))
        width = self.freq if not isinstance(self.freq, float) else f"{self.freq:g}"
        total = f"{self.total:,.0f}" if self.total == int(self.total) else f"{self.total:,.2f}"
        return (
            f"<Trend: {self.n_bins:,} bins of {width}, {total} {self.kind}, "
            f"peak {self.counts[peak]:,.0f} at bin {peak}>"
        )


def as_trend(data, name="trend"):
    """Accept a `Trend`, a `pandas.Series` or an array of counts."""
    if isinstance(data, Trend):
        return data
    if isinstance(data, Cascades):
        msg = f"`{name}` must be a Trend or counts; got Cascades (use `cascades.to_trend(freq)`)."
        raise InvalidParameterError(msg)
    return Trend.from_counts(data)


# ======================================================================= cascades
@dataclass(frozen=True, repr=False, eq=False)
class Cascades:
    """Timed adoption records ``(cascade, node, time)``, optionally on a known graph.

    Each cascade is one diffusion episode (a hashtag, a URL). Nodes that never
    appear in a cascade are taken as not adopting during it (right-censored), which
    is where IC/LT likelihoods get most of their information (FITTING.md §1.2).

    Use `from_frame`. `to_steps` turns continuous times into synchronous
    generations; `trials`, `exposures` and `brackets` compute the sufficient
    statistics of the IC and LT likelihoods (FITTING.md §2.3).

    Attributes
    ----------
    data : pandas.DataFrame
        Columns ``cascade``, ``node``, ``time`` (float: seconds since `origin` for
        datetimes), sorted by cascade then time; the original row labels are kept in
        ``row``.
    graph : spread.Graph or None
    origin : pandas.Timestamp or None
        Zero of the time axis when the input times were datetimes.

    Examples
    --------
    >>> import pandas as pd
    >>> from spread.fit import Cascades
    >>> df = pd.DataFrame({"id": [1, 1, 1, 2], "user": ["a", "b", "c", "b"],
    ...                    "t": [0.0, 1.5, 2.2, 0.0]})
    >>> cs = Cascades.from_frame(df, cascade="id", node="user", time="t")
    >>> cs
    <Cascades: 2 cascades, 4 adoptions, 3 distinct nodes, no graph>
    >>> cs.to_steps(1.0)["step"].tolist()
    [0, 1, 2, 0]
    """

    data: pd.DataFrame
    graph: object = None
    origin: object = None

    @classmethod
    def from_frame(cls, df, *, cascade="cascade", node="node", time="time", graph=None):
        """Records from a table with one row per adoption.

        Parameters
        ----------
        df : pandas.DataFrame
        cascade, node, time : str
            Column names. Times are numbers (>= 0) or datetimes.
        graph : spread.Graph, optional
            If given, every node must be one of its labels.

        Raises
        ------
        InvalidParameterError
            A missing column, an empty table, a negative or missing time, or a node
            adopting twice in one cascade; the message names the offending rows.
        NodeNotFound
            A node that is not in `graph`, naming the rows.
        """
        if not isinstance(df, pd.DataFrame):
            msg = f"`df` must be a pandas DataFrame; got {type(df).__name__}."
            raise InvalidParameterError(msg)
        for name, col in [("cascade", cascade), ("node", node), ("time", time)]:
            if col not in df.columns:
                msg = f"`{name}` must name a column of `df`; got {col!r} (columns: {list(df.columns)})."
                raise InvalidParameterError(msg)
        if len(df) == 0:
            msg = "`df` must hold at least one adoption; got an empty table."
            raise InvalidParameterError(msg)
        t = df[time]
        origin = None
        if _is_datetime_like(t) and not pd.api.types.is_numeric_dtype(t.dtype):
            try:
                dt = pd.to_datetime(t)
            except (TypeError, ValueError) as exc:
                msg = f"`{time}` must hold numbers or datetimes; could not parse them ({exc})."
                raise InvalidParameterError(msg) from None
            missing = dt.isna().to_numpy()
            if missing.any():
                msg = f"`time` must not be missing; NaT in row(s) {_rows(df.index[missing])}."
                raise InvalidParameterError(msg)
            origin = dt.min()
            tnum = ((dt - origin) / pd.Timedelta("1s")).to_numpy(dtype=np.float64)
        else:
            try:
                tnum = t.to_numpy(dtype=np.float64, na_value=np.nan)
            except (TypeError, ValueError):
                msg = f"`time` column {time!r} must hold numbers or datetimes."
                raise InvalidParameterError(msg) from None
            missing = np.isnan(tnum)
            if missing.any():
                msg = f"`time` must not be missing; NaN in row(s) {_rows(df.index[missing])}."
                raise InvalidParameterError(msg)
            bad = ~np.isfinite(tnum) | (tnum < 0)
            if bad.any():
                msg = (
                    f"`time` must be finite and >= 0; got {float(tnum[bad][0])!r} in row(s) "
                    f"{_rows(df.index[bad])}."
                )
                raise InvalidParameterError(msg)
        out = pd.DataFrame(
            {
                "cascade": df[cascade].to_numpy(),
                "node": df[node].to_numpy(),
                "time": tnum,
                "row": df.index.to_numpy(),
            }
        )
        dup = out.duplicated(["cascade", "node"], keep="first").to_numpy()
        if dup.any():
            node_ = _py(out["node"][dup].iloc[0])
            casc_ = _py(out["cascade"][dup].iloc[0])
            msg = (
                f"a node may adopt at most once per cascade; node {node_!r} repeats in "
                f"cascade {casc_!r} (duplicate row(s) {_rows(out['row'][dup])}). "
                "Keep the first adoption per (cascade, node) before building Cascades."
            )
            raise InvalidParameterError(msg)
        if graph is not None:
            try:
                idx = graph.index_of(out["node"].to_numpy())
            except NodeNotFound:
                labels = set(graph.labels.tolist())
                unknown = np.array([v not in labels for v in out["node"].tolist()])
                msg = (
                    f"node(s) {_rows(pd.unique(out['node'][unknown]))} not in the graph "
                    f"(row(s) {_rows(df.index[unknown])})."
                )
                raise NodeNotFound(msg) from None
            out["index"] = idx
        out = out.sort_values(["cascade", "time"], kind="stable").reset_index(drop=True)
        return cls(out, graph, origin)

    @property
    def n_cascades(self):
        """Number of cascades."""
        return int(self.data["cascade"].nunique())

    def __len__(self):
        return len(self.data)

    @property
    def sizes(self):
        """Adoptions per cascade (a `pandas.Series`)."""
        return self.data.groupby("cascade", sort=False).size().rename("size")

    def __repr__(self):
        g = "no graph" if self.graph is None else f"graph of {self.graph.n_nodes:,} nodes"
        return (
            f"<Cascades: {self.n_cascades:,} cascades, {len(self):,} adoptions, "
            f"{self.data['node'].nunique():,} distinct nodes, {g}>"
        )

    def _relative_times(self):
        first = self.data.groupby("cascade", sort=False)["time"].transform("min")
        return (self.data["time"] - first).to_numpy()

    def to_trend(self, freq=None, *, align=False, kind="adopters"):
        """Adoptions per bin, pooled over cascades.

        Parameters
        ----------
        freq : str or float, optional
            Bin width: a time span for datetime input, a number (in the time unit of
            the data) otherwise.
        align : bool, default False
            If True, measure every cascade from its own first adoption (a
            "popularity curve"); otherwise use the common time axis.
        """
        t = self._relative_times() if align else self.data["time"].to_numpy()
        if self.origin is not None and not align:
            times = self.origin + pd.to_timedelta(t, unit="s")
            return Trend.from_timestamps(times, freq=freq, kind=kind)
        if self.origin is not None and freq is not None and not isinstance(freq, numbers.Real):
            freq = pd.Timedelta(freq) / pd.Timedelta("1s")
        return Trend.from_timestamps(t, freq=freq, start=0.0 if align else None, kind=kind)

    def to_steps(self, dt):
        """Discrete generations: ``step = floor((time - cascade start) / dt)``.

        Returns a copy of `data` with an int64 ``step`` column; the first adoption of
        every cascade is at step 0 (the seed generation).
        """
        if isinstance(dt, str | pd.Timedelta):
            dt = pd.Timedelta(dt) / pd.Timedelta("1s")
        dt = check_nonnegative_float(dt, name="dt", allow_zero=False)
        out = self.data.copy()
        out["step"] = np.floor(self._relative_times() / dt + 1e-12).astype(np.int64)
        return out

    def _need_graph(self, what):
        if self.graph is None:
            msg = f"`{what}` needs the graph; build Cascades with `graph=`."
            raise InvalidParameterError(msg)
        return self.graph

    def _step_arrays(self, dt):
        """Generations as flat arrays for the kernels.

        Returns ``(casc_ptr, nodes, steps, cascade_labels)``: cascade ``c`` is rows
        ``casc_ptr[c]:casc_ptr[c + 1]`` of `nodes` (graph indices) and `steps`.
        """
        steps = self.to_steps(dt)
        codes, labels = pd.factorize(steps["cascade"], sort=False)
        bounds = np.flatnonzero(np.diff(codes)) + 1
        casc_ptr = np.concatenate([[0], bounds, [codes.size]]).astype(np.int64)
        nodes = steps["index"].to_numpy(dtype=np.int64)
        return casc_ptr, nodes, steps["step"].to_numpy(dtype=np.int64), np.asarray(labels)

    def trial_groups(self, dt):
        """IC trials with the arcs that made them (the per-edge form of `trials`).

        Returns
        -------
        TrialGroups
            A named tuple of arrays, one entry per group (cascade, target, step):
            ``cascade`` (label), ``target`` (node index), ``step``, ``k``, ``success``,
            and ``ptr``/``arcs``: the arc ids (graph arc order) of group ``g`` are
            ``arcs[ptr[g]:ptr[g + 1]]``.

        Examples
        --------
        >>> import pandas as pd, spread
        >>> from spread.fit import Cascades
        >>> g = spread.Graph.from_edges([0, 0, 1], [1, 2, 2])
        >>> df = pd.DataFrame({"c": [0, 0], "v": [0, 1], "t": [0.0, 1.0]})
        >>> cs = Cascades.from_frame(df, cascade="c", node="v", time="t", graph=g)
        >>> tg = cs.trial_groups(1.0)
        >>> tg.target.tolist(), tg.k.tolist(), tg.arcs.tolist()
        ([1, 2, 2], [1, 1, 1], [0, 1, 2])
        """
        from ._cascade_kernels import trial_groups

        g = self._need_graph("trial_groups")
        casc_ptr, nodes, steps, labels = self._step_arrays(dt)
        casc, target, step, success, ptr, arcs = trial_groups(
            g.indptr, g.indices, casc_ptr, nodes, steps, g.n_nodes
        )
        return TrialGroups(labels[casc], target, step, np.diff(ptr), success, ptr, arcs)

    def trials(self, dt):
        """IC transmission trials grouped by (cascade, target, step) (FITTING.md §2.3.1).

        Every node ``u`` active at step ``s`` makes one attempt on each out-neighbour
        that is not active by step ``s``; attempts on ``v`` at step ``s + 1`` are grouped
        into one row with ``k`` attempting parents, a success iff ``v`` activated at
        ``s + 1``. Cascades are taken as complete (a node never seen never adopted).

        Returns
        -------
        pandas.DataFrame
            Columns ``cascade``, ``target`` (label), ``step``, ``k``, ``success``.

        Examples
        --------
        >>> import pandas as pd, spread
        >>> from spread.fit import Cascades
        >>> g = spread.Graph.from_edges([0, 0, 1], [1, 2, 2])
        >>> df = pd.DataFrame({"c": [0, 0], "v": [0, 1], "t": [0.0, 1.0]})
        >>> cs = Cascades.from_frame(df, cascade="c", node="v", time="t", graph=g)
        >>> cs.trials(1.0)[["target", "step", "k", "success"]].values.tolist()
        [[1, 1, 1, True], [2, 1, 1, False], [2, 2, 1, False]]
        """
        self._need_graph("trials")
        tg = self.trial_groups(dt)
        return pd.DataFrame(
            {
                "cascade": tg.cascade,
                "target": self.graph.labels[tg.target],
                "step": tg.step,
                "k": tg.k,
                "success": tg.success,
            }
        )

    def exposures(self, dt):
        """Exposure curve: adoption probability after exactly ``k`` exposures.

        A node's exposures are its distinct in-neighbours active at earlier steps
        (Romero, Meeder & Kleinberg 2011). ``probability[k] = n_adopted[k] /
        n_reached[k]``, where ``n_reached[k]`` counts (cascade, node) pairs that
        reached ``k`` exposures before adopting (or by the end) and ``n_adopted[k]``
        those that adopted with exactly ``k``. IC predicts a flat curve.

        Returns
        -------
        pandas.DataFrame
            Indexed by ``k`` >= 1: ``n_reached``, ``n_adopted``, ``probability``.
        """
        from ._cascade_kernels import exposure_counts

        g = self._need_graph("exposures")
        casc_ptr, nodes, steps, _ = self._step_arrays(dt)
        reached, adopted = exposure_counts(
            g.indptr, g.indices, g.in_indptr, g.in_indices, casc_ptr, nodes, steps, g.n_nodes
        )
        ks = np.arange(1, reached.size)
        with np.errstate(invalid="ignore", divide="ignore"):
            prob = np.where(reached[1:] > 0, adopted[1:] / np.maximum(reached[1:], 1), np.nan)
        return pd.DataFrame(
            {"n_reached": reached[1:], "n_adopted": adopted[1:], "probability": prob},
            index=pd.Index(ks, name="k"),
        )

    def _lt_weights(self, weights):
        """In-weights ``b_uv`` per arc (graph arc order) from ``"wc"`` or an array."""
        g = self.graph
        if isinstance(weights, str):
            check_in(weights, name="weights", options=("wc",))
            indeg = np.maximum(g.in_degree, 1).astype(np.float64)
            return 1.0 / indeg[g.indices]
        w = np.asarray(weights, dtype=np.float64)
        if w.shape != (g.n_edges,):
            msg = f"`weights` must have one entry per arc ({g.n_edges}); got shape {w.shape}."
            raise InvalidParameterError(msg)
        return w

    def brackets(self, dt, weights="wc"):
        """LT threshold brackets per (cascade, node) (FITTING.md §2.3.5).

        A node activated at step ``s`` >= 1 has ``w_low < theta <= w_high`` with
        ``w_low`` the in-weight from nodes active by step ``s - 2`` and ``w_high`` by
        ``s - 1``; an exposed node that never adopted has ``theta > w_high`` (``censored``).

        Parameters
        ----------
        dt : float
            Step width.
        weights : "wc" or array_like
            In-weights ``b_uv`` per arc (arc order of the graph); ``"wc"`` is
            ``1 / indeg(v)``.

        Returns
        -------
        pandas.DataFrame
            Columns ``cascade``, ``node`` (label), ``w_low``, ``w_high``, ``censored``.
        """
        from ._cascade_kernels import bracket_rows

        g = self._need_graph("brackets")
        w = self._lt_weights(weights)
        casc_ptr, nodes, steps, labels = self._step_arrays(dt)
        casc, node, lo, hi, cens = bracket_rows(
            g.indptr,
            g.indices,
            g.in_indptr,
            g.in_indices,
            np.ascontiguousarray(w[g.in_arc]),
            casc_ptr,
            nodes,
            steps,
            g.n_nodes,
        )
        return pd.DataFrame(
            {
                "cascade": labels[casc],
                "node": g.labels[node],
                "w_low": lo,
                "w_high": hi,
                "censored": cens,
            }
        )


class TrialGroups(NamedTuple):
    """IC trials grouped by (cascade, target, step), with the arcs of every group.

    See `Cascades.trial_groups`.
    """

    cascade: np.ndarray
    target: np.ndarray
    step: np.ndarray
    k: np.ndarray
    success: np.ndarray
    ptr: np.ndarray
    arcs: np.ndarray
