"""Timestamped contacts: `TemporalGraph`, a `Graph` whose arcs carry contact times.

`from_contacts` and `time_array` are the bodies its constructors and
`spread.read_edgelist(..., time=...)` share.
"""

import numbers
import warnings

import numpy as np
import pandas as pd

from . import convert
from ._validation import check_in, short_repr
from .convert import readonly
from .exceptions import InvalidParameterError
from .graph import Graph

__all__ = ["TemporalGraph", "from_contacts", "time_array"]


class TemporalGraph(Graph):
    """A graph whose arcs carry timestamped contacts: who interacted with whom, and when.

    A contact ``(u, v, t)`` is one interaction at time ``t`` (a retweet, a reply, an
    e-mail) along which something can pass from ``u`` to ``v``. As a `Graph` it is the
    aggregate: one arc per ordered pair that ever met, weighted by the number of their
    contacts, so every static model and algorithm runs on it unchanged. The contact
    times of arc ``j`` (arc order, as `Graph.edges`) are
    ``contact_times[contact_ptr[j]:contact_ptr[j + 1]]``, sorted; the temporal models
    (`spread.TemporalIC`, `spread.reachable`) spread along time-respecting paths only.

    Times are numbers in any unit (Unix seconds, hours); datetimes given to the
    constructors become Unix seconds. Build one with `from_contacts`, `from_pandas` or
    ``spread.read_edgelist(path, time=2, ...)``; ``TemporalGraph(indptr, indices,
    contact_ptr, contact_times)`` takes arrays as they are.

    Parameters
    ----------
    indptr, indices : array_like of int
        The aggregate graph's out-adjacency, as `Graph`'s.
    contact_ptr : array_like of int, shape (n_edges + 1,)
        Where each arc's contacts start in `contact_times`; every arc has at least one.
    contact_times : array_like of float, shape (n_contacts,)
        Finite times, sorted within each arc.
    directed, labels, report, copy
        As in `Graph`.

    Raises
    ------
    InvalidParameterError
        If `contact_ptr` does not partition `contact_times` into one non-empty, sorted
        run per arc, or a time is not finite (and as `Graph`).

    See Also
    --------
    window : the contacts in a time window.
    aggregate : the static graph of a window, weighted by contact counts.

    Examples
    --------
    Ann writes to Bob twice and Bob to Cy once:

    >>> import spread
    >>> tg = spread.TemporalGraph.from_contacts(
    ...     ["ann", "ann", "bob"], ["bob", "bob", "cy"], [3.0, 1.0, 2.0]
    ... )
    >>> tg
    <TemporalGraph: directed, 3 nodes, 2 arcs, 3 contacts, times 1 .. 3>
    >>> tg.contacts()
      source target  time
    0    ann    bob   1.0
    1    ann    bob   3.0
    2    bob     cy   2.0
    >>> tg.weights  # contacts per arc
    array([2., 1.])
    """

    __slots__ = ("_contact_ptr", "_contact_times")

    def __init__(
        self,
        indptr,
        indices,
        contact_ptr,
        contact_times,
        *,
        directed=True,
        labels=None,
        report=None,
        copy=True,
    ):
        contact_ptr = np.array(contact_ptr, dtype=np.int64, copy=copy)
        times = np.array(contact_times, dtype=np.float64, copy=copy)
        counts = np.diff(contact_ptr).astype(np.float64) if contact_ptr.ndim == 1 else None
        super().__init__(
            indptr, indices, counts, directed=directed, labels=labels, report=report, copy=copy
        )
        m = self.n_edges
        if contact_ptr.shape != (m + 1,) or times.ndim != 1:
            msg = (
                f"`contact_ptr` must have one entry per arc plus one ({m + 1}) and "
                f"`contact_times` be 1-d; got shapes {contact_ptr.shape} and {times.shape}."
            )
            raise InvalidParameterError(msg)
        if contact_ptr[0] != 0 or contact_ptr[-1] != times.shape[0] or (counts < 1).any():
            msg = (
                "`contact_ptr` must start at 0, end at len(contact_times) "
                f"({times.shape[0]}) and give every arc at least one contact."
            )
            raise InvalidParameterError(msg)
        bad = ~np.isfinite(times)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            msg = f"`contact_times` must be finite; contact {i} is at {float(times[i])!r}."
            raise InvalidParameterError(msg)
        down = np.flatnonzero(np.diff(times) < 0) + 1  # a decrease must start an arc
        if down.size and not np.isin(down, contact_ptr).all():
            msg = "`contact_times` must be sorted within each arc."
            raise InvalidParameterError(msg)
        self._contact_ptr = readonly(contact_ptr)
        self._contact_times = readonly(times)

    @classmethod
    def from_contacts(
        cls, sources, targets, times, *, directed=True, labels=None, self_loops="drop"
    ):
        """Build a temporal graph from parallel arrays of contacts ``(u, v, t)``.

        Parameters
        ----------
        sources, targets : array_like
            Endpoint labels of every contact (ints or strings).
        times : array_like of float or datetime64
            Time of every contact; datetimes become Unix seconds.
        directed : bool, default True
            If False, a contact passes both ways (an arc each way, at the same time).
        labels : array_like, optional
            Every node, in the order that fixes their indices (keeps isolated nodes).
        self_loops : {"drop", "keep", "error"}, default "drop"
            What to do with contacts ``u -> u``.

        Returns
        -------
        TemporalGraph
            Its `report` counts the rows read, the self-loops, and the contacts that
            repeated a pair (merged into its arc, every time kept).

        Examples
        --------
        >>> import spread
        >>> tg = spread.TemporalGraph.from_contacts([1, 1, 2, 3], [2, 2, 3, 3], [0, 5, 1, 2])
        >>> print(tg.report)
        contacts: 4 rows read, 1 self-loop(s) dropped, 1 duplicate(s) merged into arcs (their times kept), 0 comment/header line(s) skipped
        """
        return from_contacts(
            cls,
            sources,
            targets,
            time_array(times),
            directed=directed,
            labels=labels,
            self_loops=self_loops,
        )

    @classmethod
    def from_pandas(
        cls, df, source="source", target="target", time="time", *, directed=True, labels=None,
        self_loops="drop",
    ):  # fmt: skip
        """Build a temporal graph from a DataFrame with one row per contact.

        Parameters
        ----------
        df : pandas.DataFrame
            The contacts; other columns are ignored.
        source, target, time : str, default "source", "target", "time"
            Columns holding the endpoints and the time (numbers or datetimes; datetimes
            become Unix seconds).
        directed, labels, self_loops
            As in `from_contacts`.

        Examples
        --------
        >>> import pandas as pd
        >>> import spread
        >>> df = pd.DataFrame({"who": ["a", "b"], "whom": ["b", "c"],
        ...                    "at": pd.to_datetime(["2012-07-04 06:00", "2012-07-04 07:00"])})
        >>> tg = spread.TemporalGraph.from_pandas(df, "who", "whom", "at")
        >>> tg.time_range
        (1341381600.0, 1341385200.0)
        """
        if not isinstance(df, pd.DataFrame):
            msg = f"`df` must be a pandas DataFrame; got {type(df).__name__}."
            raise InvalidParameterError(msg)
        for name, col in (("source", source), ("target", target), ("time", time)):
            if col not in df.columns:
                msg = f"`{name}` must name a column of `df` ({list(df.columns)}); got {col!r}."
                raise InvalidParameterError(msg)
        return from_contacts(
            cls,
            df[source].to_numpy(),
            df[target].to_numpy(),
            time_array(df[time]),
            directed=directed,
            labels=labels,
            self_loops=self_loops,
            source="pandas",
        )

    @classmethod
    def from_edges(cls, *_args, **_kwargs):
        """Not for temporal graphs: contacts need times (use `from_contacts`)."""
        raise InvalidParameterError("A TemporalGraph is built from contacts: use `from_contacts`.")

    from_networkx = from_scipy = from_edges

    # ------------------------------------------------------------ properties
    @property
    def contact_ptr(self):
        """Where each arc's contacts start in `contact_times` (int64, read-only)."""
        return self._contact_ptr

    @property
    def contact_times(self):
        """The time of every contact, arc by arc, sorted within an arc (read-only)."""
        return self._contact_times

    @property
    def n_contacts(self):
        """Number of contacts (an undirected contact counts once each way)."""
        return int(self._contact_times.shape[0])

    @property
    def time_range(self):
        """``(first, last)`` contact time (NaN, NaN without contacts)."""
        if not self.n_contacts:
            return (float("nan"), float("nan"))
        return (float(self._contact_times.min()), float(self._contact_times.max()))

    @property
    def nbytes(self):
        """Bytes held by the adjacency arrays, contact times, weights and labels."""
        return super().nbytes + int(self._contact_ptr.nbytes + self._contact_times.nbytes)

    # ------------------------------------------------------------ windows
    def _window_mask(self, start, end):
        lo = -np.inf if start is None else _time_value(start, "start")
        hi = np.inf if end is None else _time_value(end, "end")
        if not lo <= hi:
            msg = f"`start` must not be after `end`; got {start!r} and {end!r}."
            raise InvalidParameterError(msg)
        return (self._contact_times >= lo) & (self._contact_times < hi)

    def window(self, start=None, end=None):
        """The contacts with ``start <= t < end``, on the same nodes.

        Arcs without a contact in the window are left out; node indices and labels do
        not change, so seeds and results carry over.

        Parameters
        ----------
        start, end : float or datetime, optional
            The window (default: unbounded on that side).

        Returns
        -------
        TemporalGraph

        Examples
        --------
        >>> import spread
        >>> tg = spread.TemporalGraph.from_contacts([0, 0, 1], [1, 1, 2], [1.0, 3.0, 2.0])
        >>> tg.window(2, 4)
        <TemporalGraph: directed, 3 nodes, 2 arcs, 2 contacts, times 2 .. 3>
        """
        keep = self._window_mask(start, end)
        arc = np.repeat(np.arange(self.n_edges), np.diff(self._contact_ptr))
        per_arc = np.bincount(arc[keep], minlength=self.n_edges)
        alive = per_arc > 0
        tails = np.repeat(np.arange(self.n_nodes), self.out_degree)
        indptr = np.zeros(self.n_nodes + 1, dtype=np.int64)
        np.cumsum(np.bincount(tails[alive], minlength=self.n_nodes), out=indptr[1:])
        contact_ptr = np.zeros(int(alive.sum()) + 1, dtype=np.int64)
        np.cumsum(per_arc[alive], out=contact_ptr[1:])
        return TemporalGraph(
            indptr,
            self.indices[alive],
            contact_ptr,
            self._contact_times[keep],
            directed=self.directed,
            labels=self._labels,
            report=self._report,
        )

    def aggregate(self, start=None, end=None):
        """The static graph of the contacts with ``start <= t < end``.

        One arc per pair that met in the window, weighted by their number of contacts.

        Returns
        -------
        Graph

        Examples
        --------
        >>> import spread
        >>> tg = spread.TemporalGraph.from_contacts([0, 0, 1], [1, 1, 2], [1.0, 3.0, 2.0])
        >>> tg.aggregate(end=2.5).to_pandas()
           source  target  weight
        0       0       1     1.0
        1       1       2     1.0
        """
        w = self if start is None and end is None else self.window(start, end)
        return Graph(
            w.indptr,
            w.indices,
            w.weights,
            directed=w.directed,
            labels=w._labels,
            report=w._report,
        )

    def contacts(self):
        """The contacts as a DataFrame with columns ``source``, ``target``, ``time``.

        One row per contact, arc by arc (an undirected contact appears once each way).
        """
        src, dst, _ = self.edges()
        counts = np.diff(self._contact_ptr)
        return pd.DataFrame(
            {
                "source": np.repeat(src, counts),
                "target": np.repeat(dst, counts),
                "time": self._contact_times,
            }
        )

    def __repr__(self):
        kind = "directed" if self._directed else "undirected"
        first, last = self.time_range
        span = f", times {first:.10g} .. {last:.10g}" if self.n_contacts else ""
        src = ""
        if self._report is not None and self._report.source not in ("contacts", "pandas"):
            src = f", from {self._report.source!r}"
        return (
            f"<TemporalGraph: {kind}, {self.n_nodes:,} nodes, {self.n_edges:,} arcs, "
            f"{self.n_contacts:,} contacts{span}{src}>"
        )


def _time_value(value, name):
    """One time (a number or a datetime, which becomes Unix seconds) as a float."""
    try:
        out = np.asarray(time_array([value], name=name), dtype=np.float64)
    except (TypeError, ValueError):
        out = None
    if out is None or out.shape != (1,) or np.isnan(out[0]):
        msg = f"`{name}` must be one time; got {value!r:.80}."
        raise InvalidParameterError(msg)
    return float(out[0])


def time_array(times, name="times"):
    """Times as float64: numbers as they are, datetimes (numpy, pandas, tz-aware or not,
    or text that pandas reads as dates) as Unix seconds. Shape and finiteness are the
    caller's to check (`convert.weight_array`)."""
    original = times
    if isinstance(times, pd.Series | pd.Index):
        if isinstance(times.dtype, pd.DatetimeTZDtype):
            return _unix_seconds(times, name, original)
        times = times.to_numpy()
    try:
        values = np.asarray(times)
    except (TypeError, ValueError):
        return times  # `weight_array` names what is wrong
    if values.dtype.kind == "M" or (
        values.dtype.kind in "USO" and values.size and not isinstance(values.flat[0], _REAL)
    ):
        return _unix_seconds(values.reshape(-1), name, original)
    return values


_REAL = (numbers.Real, np.number)


def _unix_seconds(values, name, original):
    """Datetimes (or text pandas reads as dates) as Unix seconds; NaT as NaN."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "could not infer format"
            stamps = pd.DatetimeIndex(pd.to_datetime(values, utc=True))
            seconds = stamps.as_unit("us").asi8 / 1e6  # microseconds hold any year
    except (TypeError, ValueError, OverflowError):
        msg = f"`{name}` must hold numbers or datetimes; got {short_repr(original)}."
        raise InvalidParameterError(msg) from None
    return np.where(stamps.isna(), np.nan, seconds)


def from_contacts(
    cls,
    sources,
    targets,
    times,
    *,
    directed=True,
    labels=None,
    self_loops="drop",
    source="contacts",
    n_skipped_lines=0,
):
    """The body of `TemporalGraph.from_contacts`: timestamped contacts as a `cls`.

    Contacts between the same ordered pair become one arc (out-adjacency order, as
    `build_csr` sorts arcs) whose contact times are kept sorted; an undirected contact
    is a contact each way. `n_skipped_lines` as in `from_edges`.
    """
    check_in(self_loops, name="self_loops", options=convert.SELF_LOOPS)
    src, dst, labels = convert.encode_endpoints(sources, targets, labels)
    n_rows = src.shape[0]
    times = convert.weight_array(times, n_rows, what="contact", name="times", noun="time")
    loops = src == dst
    n_loops = int(np.count_nonzero(loops))
    if n_loops and self_loops == "error":
        i = int(np.flatnonzero(loops)[0])
        msg = (
            f"`self_loops='error'` forbids contacts u -> u; row {i} is "
            f"{convert.py_scalar(labels[src[i]])!r} -> {convert.py_scalar(labels[dst[i]])!r} "
            f"({n_loops} in all)."
        )
        raise InvalidParameterError(msg)
    if n_loops and self_loops == "drop":
        src, dst, times = src[~loops], dst[~loops], times[~loops]
    if not directed:
        off = src != dst
        src, dst = np.concatenate([src, dst[off]]), np.concatenate([dst, src[off]])
        times = np.concatenate([times, times[off]])
    order = np.lexsort((times, dst, src))
    src, dst, times = src[order], dst[order], times[order]
    first = np.ones(src.shape[0], dtype=bool)
    first[1:] = (src[1:] != src[:-1]) | (dst[1:] != dst[:-1])
    starts = np.flatnonzero(first)
    contact_ptr = np.append(starts, src.shape[0]).astype(np.int64)
    n = labels.shape[0]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(src[starts], minlength=n), out=indptr[1:])
    kept = n_rows - (n_loops if self_loops == "drop" else 0)
    # distinct pairs: arcs, or for undirected input one of the two arcs of each edge
    n_pairs = starts.shape[0] if directed else int(np.count_nonzero(src[starts] <= dst[starts]))
    report = convert.LoadReport(
        source=str(source),
        n_rows=n_rows,
        n_self_loops=n_loops,
        self_loops="drop" if self_loops == "drop" else "keep",
        n_duplicates=kept - n_pairs,
        duplicates="contacts",
        n_skipped_lines=n_skipped_lines,
    )
    indices = dst[starts].astype(np.int32)
    return cls(
        indptr,
        indices,
        contact_ptr,
        times,
        directed=directed,
        labels=labels,
        report=report,
        copy=False,
    )
