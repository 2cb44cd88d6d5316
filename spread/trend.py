"""`Trend`: a binned count series of adoptions (or posts) over time, the data of curve fits."""

import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._time import (
    WindowReport,
    as_freq,
    as_ns,
    as_sequence,
    bin_range,
    bin_starts,
    check_bin_count,
    check_contiguous,
    check_counts,
    check_window,
    finite_time,
    floor_time,
    is_datetime_like,
    match_tz,
    numeric_times,
    py_item,
    short_repr,
    to_datetimes,
    window_report,
)
from ._validation import check_in, check_nonnegative_float, ndim_of
from .exceptions import InvalidParameterError

__all__ = ["Trend", "WindowReport", "as_trend"]

_KINDS = ("adopters", "volume")


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
    >>> from spread import Trend
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
    report: object = field(default=None, compare=False)
    _origin: object = field(default=None, compare=False)

    def __post_init__(self):
        counts = check_counts(self.counts)
        n = counts.shape[0]
        if self.index is None:
            index = pd.Index(np.arange(n, dtype=np.float64))
        else:
            index = bin_starts(self.index, n)
        is_dt = isinstance(index, pd.DatetimeIndex)
        freq = self.freq
        if freq is None:
            if n > 1:
                freq = index[1] - index[0]
                if not freq > (pd.Timedelta(0) if is_dt else 0):
                    msg = (
                        "`index` must hold contiguous, increasing bin starts; bin 1 starts "
                        f"at {py_item(index[1])!r}, not after bin 0's {py_item(index[0])!r}."
                    )
                    raise InvalidParameterError(msg)
            else:
                freq = pd.Timedelta("1h") if is_dt else 1.0
        freq = as_freq(freq, datetime=is_dt)
        check_contiguous(index, freq, is_dt)
        population = (
            float("nan")
            if self.population is None
            or (ndim_of(self.population) == 0 and pd.isna(self.population))
            else check_nonnegative_float(self.population, name="population", allow_zero=False)
        )
        exposure = self.exposure
        if exposure is not None:
            exposure = check_counts(exposure, name="exposure")
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
        >>> from spread import Trend
        >>> s = pd.Series([1, 2, 4], index=pd.to_datetime(["2024-01-01 00:10",
        ...                "2024-01-01 00:40", "2024-01-01 02:05"]))
        >>> Trend.from_counts(s, freq="1h").to_frame()["count"].tolist()
        [3.0, 0.0, 4.0]
        """
        if isinstance(counts, pd.DataFrame):
            msg = "`counts` must be one column; got a DataFrame (use `Trend.from_frame`)."
            raise InvalidParameterError(msg)
        if isinstance(counts, pd.Series) and isinstance(counts.index, pd.DatetimeIndex):
            values = check_counts(counts)
            index = counts.index
            if index.hasnans:
                i = int(np.flatnonzero(index.isna())[0])
                msg = f"`counts` index must not contain missing times; got NaT at position {i}."
                raise InvalidParameterError(msg)
            if freq is None:
                freq = index.freq
                if freq is None:
                    gaps = np.diff(np.sort(as_ns(index, "counts")))
                    gaps = gaps[gaps > 0]
                    freq = pd.Timedelta(int(gaps.min()), "ns") if gaps.size else pd.Timedelta("1h")
            width = as_freq(freq, datetime=True)
            origin = (
                floor_time(index.min(), width, "counts")
                if start is None
                else match_tz(start, index.tz, "start")
            )
            return cls._from_binned_ns(
                as_ns(index, "counts"),
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
            values = check_counts(counts)
            idx = counts.index
            if pd.api.types.is_numeric_dtype(idx.dtype) and not isinstance(idx, pd.RangeIndex):
                pos = numeric_times(idx, "counts")
                if freq is None:
                    gaps = np.diff(np.sort(pos))
                    gaps = gaps[gaps > 0]
                    freq = np.min(gaps) if gaps.size else 1.0
                width = as_freq(freq, datetime=False)
                origin = float(pos.min()) if start is None else finite_time(start, "start")
                return cls._from_numeric(pos, values, origin, width, population, exposure, kind)
            counts = values
        values = check_counts(counts)
        n = values.shape[0]
        if start is not None and not isinstance(start, numbers.Real):
            width = as_freq("1h" if freq is None else freq, datetime=True)
            origin = match_tz(start, None, "start")
            index = bin_range(origin, n, width)
        else:
            width = as_freq(1.0 if freq is None else freq, datetime=False)
            origin = 0.0 if start is None else finite_time(start, "start")
            index = pd.Index(origin + width * np.arange(n, dtype=np.float64))
        return cls(values, index, freq=width, population=population, exposure=exposure, kind=kind)

    @classmethod
    def from_timestamps(
        cls, events, freq=None, start=None, end=None, *, population=None, kind="volume"
    ):
        """A trend from event events: the number of events in each bin.

        Bins with no event become zeros (gaps are kept, not dropped). Events before
        `start` or at/after `end` are left out.

        Parameters
        ----------
        events : array_like of datetimes (naive or timezone-aware) or of numbers
        freq : str, pandas.Timedelta or float, optional
            Bin width; default ``"1h"`` for datetimes and 1 for numbers.
        start, end : datetime-like or float, optional
            Window; default from the first event's bin to the bin of the last event.
        population, kind
            As for `Trend`. The default kind is ``"volume"`` (every event counts).

        Examples
        --------
        >>> from spread import Trend
        >>> events = ["2024-03-01 10:05", "2024-03-01 10:50", "2024-03-01 13:20"]
        >>> tr = Trend.from_timestamps(events, freq="1h")
        >>> tr.counts
        array([2., 0., 0., 1.])
        >>> str(tr.index[0])
        '2024-03-01 10:00:00'
        """
        raw = as_sequence(events, "events")
        if len(raw) == 0:
            msg = "`events` must hold at least one event; got an empty sequence."
            raise InvalidParameterError(msg)
        if is_datetime_like(raw):
            dt = to_datetimes(raw, "events")
            width = as_freq("1h" if freq is None else freq, datetime=True)
            tz = dt.tz
            origin = (
                floor_time(dt.min(), width, "events")
                if start is None
                else match_tz(start, tz, "start")
            )
            stop = None if end is None else match_tz(end, tz, "end")
            check_window(origin, stop)
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
        num = numeric_times(raw, "events")
        width = as_freq(1.0 if freq is None else freq, datetime=False)
        origin = (
            float(np.floor(num.min() / width) * width)
            if start is None
            else finite_time(start, "start")
        )
        before = num < origin
        after = np.zeros(num.shape, dtype=bool)
        if end is not None:
            stop = finite_time(end, "end")
            check_window(origin, stop)
            after = num >= stop
        report = window_report("events", num.size, before.sum(), after.sum())
        num = num[~(before | after)]
        with np.errstate(over="ignore"):  # spans past the float range: inf bins
            n_bins = (
                np.ceil((stop - origin) / width)
                if end is not None
                else np.floor((num.max() - origin) / width) + 1
                if num.size
                else 1
            )
        check_bin_count(n_bins, width)
        n_bins = max(int(n_bins), 1)
        codes = np.floor((num - origin) / width).astype(np.int64)
        counts = np.bincount(codes, minlength=n_bins)[:n_bins].astype(np.float64)
        index = pd.Index(origin + width * np.arange(n_bins, dtype=np.float64))
        return cls(counts, index, freq=width, population=population, kind=kind, report=report)

    @classmethod
    def from_frame(
        cls,
        df,
        *,
        time,
        count=None,
        freq=None,
        start=None,
        end=None,
        population=None,
        exposure=None,
        kind=None,
    ):
        """A trend from a table: event rows (``count=None``) or counts per time.

        Parameters
        ----------
        df : pandas.DataFrame
        time : str
            Column with the event or bin times.
        count : str, optional
            Column with counts; without it every row is one event.
        freq, start, end
            Bin width and window, as for `from_timestamps` and `from_counts` (`end`:
            event rows only).
        population, exposure
            As for `Trend`.
        kind : {"adopters", "volume"}, optional
            Default: ``"volume"`` for event rows (every row counts), ``"adopters"`` for
            counts.

        Examples
        --------
        >>> import pandas as pd
        >>> from spread import Trend
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
            return cls.from_timestamps(
                df[time],
                freq=freq,
                start=start,
                end=end,
                population=population,
                kind="volume" if kind is None else kind,
            )
        kind = "adopters" if kind is None else kind
        t = df[time]
        if is_datetime_like(t):
            idx = to_datetimes(t, "time")
            series = pd.Series(check_counts(df[count], name=f"df[{count!r}]"), index=idx)
            return cls.from_counts(
                series,
                freq=freq,
                start=start,
                population=population,
                exposure=exposure,
                kind=kind,
            )
        values = check_counts(df[count], name=f"df[{count!r}]")
        pos = numeric_times(t, "time")
        width = as_freq(1.0 if freq is None else freq, datetime=False)
        origin = (
            float(np.floor(pos.min() / width) * width)
            if start is None
            else finite_time(start, "start")
        )
        return cls._from_numeric(pos, values, origin, width, population, exposure, kind)

    @classmethod
    def _from_numeric(
        cls, pos, values, origin, width, population=None, exposure=None, kind="adopters"
    ):
        bad = ~np.isfinite(pos)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            msg = f"`time` must be finite; got {float(pos[i])!r} at position {i}."
            raise InvalidParameterError(msg)
        offsets = np.floor((pos - origin) / width + 1e-9)
        if offsets.size:
            check_bin_count(max(offsets.max(), 0.0) + 1.0, width)
        codes = offsets.astype(np.int64)
        keep = codes >= 0
        report = window_report("counts", codes.size, (~keep).sum(), 0)
        n_bins = int(codes[keep].max()) + 1 if keep.any() else 1
        counts = np.bincount(codes[keep], weights=values[keep], minlength=n_bins)
        index = pd.Index(origin + width * np.arange(n_bins, dtype=np.float64))
        if exposure is not None:
            exposure = check_counts(exposure, name="exposure")
        if exposure is not None and len(exposure) != n_bins:
            msg = (
                f"`exposure` must have one entry per bin ({n_bins}) after re-binning; got "
                f"{len(exposure)}."
            )
            raise InvalidParameterError(msg)
        return cls(
            counts,
            index,
            freq=width,
            population=population,
            exposure=exposure,
            kind=kind,
            report=report,
        )

    @classmethod
    def _from_binned_ns(cls, ns, values, origin, width, stop, tz, population, exposure, kind):
        """Sum `values` into bins of `width` from `origin` (times as int64 ns since epoch)."""
        kind = check_in(kind, name="kind", options=_KINDS)  # read below, before the checks
        step, zero = width.value, origin.value  # Python ints: exact
        ns = np.asarray(ns, dtype=np.int64)
        if stop is not None:
            n_bins = max(-(-(stop.value - zero) // step), 1)
        else:
            n_bins = max((int(ns.max()) - zero) // step + 1, 1) if ns.size else 1
        check_bin_count(n_bins, width)
        # Offsets from the origin in uint64, exact for every time at or after it (int64
        # would wrap for times centuries apart); -1 before it, n_bins at or after the end.
        offsets = (ns.astype(np.uint64) - np.uint64(zero % 2**64)) // np.uint64(step)
        codes = np.minimum(offsets, np.uint64(n_bins)).astype(np.int64)
        codes[ns < zero] = -1
        keep = (codes >= 0) & (codes < n_bins)
        source = "events" if kind == "volume" and exposure is None else "rows"
        report = window_report(source, codes.size, (codes < 0).sum(), (codes >= n_bins).sum())
        counts = np.bincount(codes[keep], weights=values[keep], minlength=n_bins)
        if exposure is not None:
            exposure = check_counts(exposure, name="exposure")
        if exposure is not None and len(exposure) != n_bins:
            msg = (
                f"`exposure` must have one entry per bin ({n_bins}) after re-binning; got "
                f"{len(exposure)}."
            )
            raise InvalidParameterError(msg)
        index = bin_range(origin, n_bins, width)
        if tz is not None and index.tz is None:
            index = index.tz_localize(tz)
        index = pd.DatetimeIndex(index, freq=None)
        return cls(
            counts,
            index,
            freq=width,
            population=population,
            exposure=exposure,
            kind=kind,
            report=report,
        )

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

    def _position(self, t, name="time"):
        """Model time (in bins from the start) of a label `t`, within ``[-1, n_bins + 1]``."""
        if self.is_datetime:
            ts = match_tz(t, self.index.tz, name)  # in ns, as the index and freq
            pos = (ts.value - self.start.value) / self.freq.value  # exact ints: no overflow
        else:
            with np.errstate(over="ignore"):  # labels a float range apart: clipped below
                pos = (finite_time(t, name) - self.start) / self.freq
        return float(np.clip(pos, -1.0, self.n_bins + 1.0))

    def until(self, end):
        """The bins that end at or before `end` (a label of the index's kind).

        Use it to hold out the future: fit on ``trend.until(t)``, score on
        ``trend.since(t)``.
        """
        n = int(np.floor(self._position(end, "end") + 1e-9))
        if n < 1:
            msg = (
                f"`end` must leave at least one bin: the first bin, from {self.start}, ends "
                f"at {self.bin_labels([1])[0]}; got {short_repr(end)}."
            )
            raise InvalidParameterError(msg)
        return self[:n]

    def since(self, start):
        """The bins that start at or after `start`."""
        n = int(np.ceil(self._position(start, "start") - 1e-9))
        if n >= self.n_bins:
            msg = (
                f"`start` must leave at least one bin: the last bin starts at "
                f"{py_item(self.index[-1])!r}; got {short_repr(start)}."
            )
            raise InvalidParameterError(msg)
        return self[max(n, 0) :]

    def __getitem__(self, key):
        if not isinstance(key, slice):
            msg = f"a Trend is sliced with a slice (positions or labels); got {short_repr(key)}."
            raise InvalidParameterError(msg)
        if all(v is None or isinstance(v, numbers.Integral) for v in (key.start, key.stop)):
            sl = key
        else:
            # Labels before the first bin select from it (never from the end).
            sl = slice(
                None
                if key.start is None
                else max(int(np.ceil(self._position(key.start, "start") - 1e-9)), 0),
                None
                if key.stop is None
                else max(int(np.floor(self._position(key.stop, "stop") + 1e-9)), 0),
                key.step,
            )
        if not (sl.step is None or (isinstance(sl.step, numbers.Integral) and sl.step == 1)):
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
        from . import plot

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
    if hasattr(data, "to_trend") and not isinstance(data, pd.Series | np.ndarray):
        msg = (
            f"`{name}` must be a Trend or counts; got {type(data).__name__} "
            "(use its `to_trend(freq)`)."
        )
        raise InvalidParameterError(msg)
    return Trend.from_counts(data)
