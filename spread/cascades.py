"""`Cascades`: timed adoption records ``(cascade, node, time)``, optionally on a graph."""

import numbers
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._time import as_freq, as_ns, span_seconds
from ._validation import check_bool, check_nonnegative_float, short_repr
from .convert import blank_ids
from .exceptions import InvalidParameterError, NodeNotFound
from .trend import Trend, is_datetime_like

__all__ = ["Cascades"]


#: Most steps a cascade may last (as `spread.models.simulate.MAX_STEPS`: int64 counts).
_MAX_STEPS = 2**62


def _py(x):
    return x.item() if isinstance(x, np.generic) else x


def _rows(labels, limit=10):
    """A short list of row labels for an error message."""
    shown = ", ".join(repr(x.item() if hasattr(x, "item") else x) for x in list(labels)[:limit])
    more = f" (and {len(labels) - limit} more)" if len(labels) > limit else ""
    return f"{shown}{more}"


def _unhashable(df, columns):
    """Raise naming the first unhashable id of `columns` (``(parameter, column)`` pairs)."""
    for name, col in columns:
        for row, value in zip(df.index, df[col], strict=True):
            try:
                hash(value)
            except TypeError:
                msg = (
                    f"`{name}` ids must be hashable (numbers or strings); column {col!r} "
                    f"holds {type(value).__name__} {short_repr(value, 60)} in row {_py(row)!r}."
                )
                raise InvalidParameterError(msg) from None


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
    report : WindowReport or None
        What a window left out of the records (`spread.datasets.load_cascades`).

    Examples
    --------
    >>> import pandas as pd
    >>> from spread import Cascades
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
    report: object = field(default=None, compare=False)

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
        for name, col in [("cascade", cascade), ("node", node)]:
            missing = df[col].isna().to_numpy() | blank_ids(df[col].to_numpy())
            if missing.any():
                msg = (
                    f"`{name}` ids must not be missing (None, NaN, NA, or an empty string "
                    f"among numbers); column {col!r} is "
                    f"missing in row(s) {_rows(df.index[missing])}."
                )
                raise InvalidParameterError(msg)
        t = df[time]
        origin = None
        if is_datetime_like(t) and not pd.api.types.is_numeric_dtype(t.dtype):
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
            # Seconds since the first time through uint64 nanoseconds: exact, where an
            # int64 difference of times more than 292 years apart would overflow.
            ns = as_ns(pd.DatetimeIndex(dt), time)
            tnum = (ns.astype(np.uint64) - np.uint64(int(ns.min()) % 2**64)) / 1e9
        else:
            if t.dtype.kind == "b" or (
                t.dtype == object and any(isinstance(v, bool | np.bool_) for v in t)
            ):
                msg = f"`time` column {time!r} must hold numbers or datetimes, not booleans."
                raise InvalidParameterError(msg)
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
        try:
            dup = out.duplicated(["cascade", "node"], keep="first").to_numpy()
        except TypeError:  # an unhashable id (a list, an array): name its row
            _unhashable(df, [("cascade", cascade), ("node", node)])
            raise
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
        try:
            codes = pd.factorize(out["cascade"], sort=True)[0]
        except (TypeError, OverflowError):  # ids of mixed, unorderable types: as they come
            codes = pd.factorize(out["cascade"], sort=False)[0]
        out = out.iloc[np.lexsort((out["time"].to_numpy(), codes))].reset_index(drop=True)
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

    def relative_times(self):
        """Time of every adoption from its cascade's first adoption (rows of `data`)."""
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
        align = check_bool(align, name="align")
        t = self.relative_times() if align else self.data["time"].to_numpy()
        if self.origin is not None and not align:
            times = self.origin + pd.to_timedelta(t, unit="s")
            return Trend.from_timestamps(times, freq=freq, kind=kind)
        if self.origin is not None and freq is not None and not isinstance(freq, numbers.Real):
            freq = as_freq(freq, datetime=True) / pd.Timedelta("1s")
        return Trend.from_timestamps(t, freq=freq, start=0.0 if align else None, kind=kind)

    def to_steps(self, dt):
        """Discrete generations: ``step = floor((time - cascade start) / dt)``.

        Returns a copy of `data` with an int64 ``step`` column; the first adoption of
        every cascade is at step 0 (the seed generation).
        """
        if isinstance(dt, str | pd.Timedelta):
            dt = span_seconds(dt, "dt")
        dt = check_nonnegative_float(dt, name="dt", allow_zero=False)
        rel = self.relative_times()
        longest = float(rel.max()) / dt if rel.size else 0.0
        if not longest < _MAX_STEPS:
            msg = (
                f"`dt` = {dt!r} is too short: the longest cascade lasts {longest:.3g} steps "
                "of it, over 2**62 (steps are int64 counts)."
            )
            raise InvalidParameterError(msg)
        out = self.data.copy()
        out["step"] = np.floor(rel / dt + 1e-12).astype(np.int64)
        return out

    def need_graph(self, what):
        """The graph, or an error saying that `what` needs one."""
        if self.graph is None:
            msg = f"`{what}` needs the graph; build Cascades with `graph=`."
            raise InvalidParameterError(msg)
        return self.graph

    def generations(self, dt):
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
