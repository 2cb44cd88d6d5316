"""Bundled real social graphs and trend series, loaded with no network access.

The files ship inside the package (they live in the repository's ``data/`` folder,
whose README gives their provenance); each is checked against its SHA-256 on load.
Graphs load with `load`, count series with `load_trend`, adoption records with
`load_cascades`.

Examples
--------
>>> import spread
>>> g = spread.datasets.load("nethept")
>>> g.n_nodes, g.n_edges
(15233, 62752)
>>> spread.datasets.load_trend("higgs", start="2012-07-04")
<Trend: 96 bins of 0 days 01:00:00, 204,310 adopters, peak 15,637 at bin 6>
"""

import builtins
import dataclasses
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .exceptions import DatasetError, InvalidParameterError

__all__ = ["Dataset", "list", "load", "load_cascades", "load_trend", "path"]


@dataclass(frozen=True)
class Dataset:
    """One bundled dataset: where it lives, how to read it and where it came from.

    A ``kind="graph"`` dataset is an edge list read with `spread.read_edgelist`
    (fields `columns` as source and target, `weight` as the arc weight, `time` as the
    contact time of a `spread.TemporalGraph`); a
    ``kind="trend"`` dataset is a CSV of counts per bin, one column per series,
    `columns` naming them (the first is the default series).
    """

    name: str
    title: str
    filename: str | None
    directed: bool | None
    n_nodes: int | None
    n_arcs: int | None
    description: str
    citation: str
    licence: str
    sha256: str | None = None
    skiprows: int = 0
    kind: str = "graph"
    columns: tuple = (0, 1)
    weight: int | None = None
    time: int | None = None


_HIGGS_CITATION = (
    "M. De Domenico, A. Lima, P. Mougel, M. Musolesi, The Anatomy of a Scientific "
    "Rumor, Scientific Reports 3:2980, 2013."
)

_REGISTRY = {
    d.name: d
    for d in (
        Dataset(
            name="karate",
            title="Zachary's karate club",
            filename=None,
            directed=False,
            n_nodes=34,
            n_arcs=156,
            description="Zachary's karate club (via networkx): 34 members, 78 friendships.",
            citation="W. W. Zachary, J. Anthropological Research 33(4):452-473, 1977.",
            licence="public domain (published data; bundled with networkx, BSD-3-Clause)",
        ),
        Dataset(
            name="nethept",
            title="NetHEPT co-authorship (arXiv hep-th)",
            filename="hep.txt",
            directed=False,
            n_nodes=15233,
            n_arcs=62752,
            description=(
                "NetHEPT: arXiv hep-th co-authorship 1991-2003, the influence-maximization "
                "benchmark (repeated pairs merged, 22 self-loops dropped)."
            ),
            citation=(
                "W. Chen, Y. Wang, S. Yang, Efficient Influence Maximization in Social "
                "Networks, KDD 2009."
            ),
            licence="none stated (research distribution by W. Chen)",
            sha256="2986d82186297c9ee2c44c91af6e94c1f5d8cde532e655e65e699f2fd30a5ad9",
            skiprows=1,
        ),
        Dataset(
            name="ego-facebook",
            title="SNAP ego-Facebook friendships",
            filename="facebook_combined.txt",
            directed=False,
            n_nodes=4039,
            n_arcs=176468,
            description="SNAP ego-Facebook: union of 10 Facebook ego networks (friendships).",
            citation=(
                "J. McAuley, J. Leskovec, Learning to Discover Social Circles in Ego "
                "Networks, NIPS 2012."
            ),
            licence="none stated (SNAP)",
            sha256="f41c026ed8af3cc3359f1ca5573d0605fb09ae0eefa34544b820fd8c6e2ef296",
        ),
        Dataset(
            name="wiki-vote",
            title="SNAP wiki-Vote adminship votes",
            filename="wiki-Vote.txt.gz",
            directed=True,
            n_nodes=7115,
            n_arcs=103689,
            description="SNAP wiki-Vote: Wikipedia adminship votes to Jan 2008 (A votes on B).",
            citation=(
                "J. Leskovec, D. Huttenlocher, J. Kleinberg, Signed Networks in Social "
                "Media, CHI 2010."
            ),
            licence="none stated (SNAP)",
            sha256="df799a4d07c6090c7039121c7a649333a83f951b40850a17e1ce46b21a7df0d9",
        ),
        Dataset(
            name="higgs-retweet",
            title="Higgs-boson Twitter retweets (arcs B -> A)",
            filename="higgs-retweet_network.edgelist.gz",
            directed=True,
            n_nodes=256491,
            n_arcs=328132,
            description=(
                "SNAP Higgs Twitter retweets, 1-7 July 2012. File rows 'A B w': A "
                "retweeted B w times; loaded reversed, as arcs B -> A (information flows "
                "from the retweeted user to the retweeter), weight w."
            ),
            citation=_HIGGS_CITATION,
            licence="none stated (SNAP)",
            sha256="4097edebd539043cfc62d9b4ba67676f79523f6dbe896d345fcc127dec3e936e",
            columns=(1, 0),
            weight=2,
        ),
        Dataset(
            name="higgs-retweet-times",
            title="Higgs-boson Twitter retweets with their times (contacts B -> A)",
            filename="higgs-retweet-times.txt.gz",
            directed=True,
            n_nodes=256491,
            n_arcs=328132,
            description=(
                "SNAP Higgs Twitter, every retweet of 1-7 July 2012 with its time: file "
                "rows 'A B t' (A retweeted B at Unix second t); loaded as a TemporalGraph "
                "of 354,930 contacts B -> A."
            ),
            citation=_HIGGS_CITATION,
            licence="none stated (SNAP); derived rows, see data/README.md",
            sha256="9fc9a0435d3dffc4b510b1e5ee8dbd64048b406190c3b82f58711d7a7c6a9f4c",
            columns=(1, 0),
            time=2,
        ),
        Dataset(
            name="higgs",
            title="Higgs-boson Twitter, hourly counts (1-7 July 2012)",
            filename="higgs-hourly.csv",
            directed=None,
            n_nodes=None,
            n_arcs=None,
            description=(
                "Higgs-boson announcement on Twitter, hourly counts 2012-07-01 .. 07-07 "
                "UTC (168 bins): new_retweeters (default), retweets, all_activity. The "
                "burst starts 2012-07-04 03:00."
            ),
            citation=_HIGGS_CITATION,
            licence="none stated (SNAP); derived counts, see data/README.md",
            sha256="50f775c7a3d108407ff6250f6cb6c79b5c51297e12402fd93ae7ce089e4b0ae0",
            kind="trend",
            columns=("new_retweeters", "retweets", "all_activity"),
        ),
        Dataset(
            name="higgs-adopters",
            title="Higgs-boson Twitter, when each user first retweeted",
            filename="higgs-adopters.txt.gz",
            directed=None,
            n_nodes=228556,
            n_arcs=None,
            description=(
                "Higgs-boson announcement on Twitter: the first retweet time of each of the "
                "228,556 retweeting users, as one cascade on the higgs-retweet graph."
            ),
            citation=_HIGGS_CITATION,
            licence="none stated (SNAP); derived times, see data/README.md",
            sha256="2fa5eb417b77355270add6a1993b5650b87ab19669c6e5a9ede3a22164c4dec4",
            kind="cascades",
            columns=("user", "first_rt"),
        ),
    )
}

#: How each trend column counts (`Trend.kind`): first adoptions or volume with repeats.
_TREND_KINDS = {"new_retweeters": "adopters", "retweets": "volume", "all_activity": "volume"}


def _data_dir():
    """Folder of the data files: ``spread/_data`` in an installed wheel, else ``data/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if candidate.is_dir():
            return candidate
    return here / "_data"


def _get(name):
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        msg = f"`name` must be a bundled dataset ({known}); got {name!r}."
        raise DatasetError(msg) from None


def path(name):
    """Path of a bundled dataset's file (after checking its SHA-256).

    Raises
    ------
    DatasetError
        If the name is unknown, the file is missing, or its checksum differs.
    """
    d = _get(name)
    if d.filename is None:
        msg = f"dataset {name!r} is generated in memory and has no file."
        raise DatasetError(msg)
    p = _data_dir() / d.filename
    if not p.is_file():
        msg = f"dataset {name!r}: file {str(p)!r} is missing from the installation."
        raise DatasetError(msg)
    _verify(str(p), d.sha256)
    return p


@functools.cache
def _verify(filename, expected):
    digest = hashlib.sha256(Path(filename).read_bytes()).hexdigest()
    if digest != expected:
        msg = (
            f"dataset file {filename!r} fails its checksum: sha256 {digest}, "
            f"expected {expected}. Reinstall spread."
        )
        raise DatasetError(msg)


def _get_kind(name, kind):
    d = _get(name)
    if d.kind != kind:
        others = ", ".join(sorted(n for n, e in _REGISTRY.items() if e.kind == kind))
        loader = {"trend": "load_trend", "cascades": "load_cascades"}.get(d.kind, "load")
        msg = (
            f"`name` must be a bundled {kind} ({others}); got {name!r}, a {d.kind} "
            f"(use `spread.datasets.{loader}`)."
        )
        raise DatasetError(msg)
    return d


@functools.cache
def load(name):
    """Load a bundled graph by name.

    Parameters
    ----------
    name : str
        One of the graphs in `list` (``"karate"``, ``"nethept"``, ``"ego-facebook"``,
        ``"wiki-vote"``, ``"higgs-retweet"``, ``"higgs-retweet-times"``).

    Returns
    -------
    Graph or TemporalGraph
        The same immutable object on every call in a process (a `TemporalGraph` for
        timestamped contacts: ``"higgs-retweet-times"``).

    Raises
    ------
    DatasetError
        If the name is unknown (or names a trend), or the file is missing or corrupt.

    Examples
    --------
    >>> import spread
    >>> spread.datasets.load("wiki-vote")
    <Graph: directed, 7,115 nodes, 103,689 arcs, unweighted, from 'wiki-Vote.txt.gz'>
    """
    from .graph import Graph
    from .io import read_edgelist

    d = _get_kind(name, "graph")
    if d.filename is None:
        import networkx as nx

        return Graph.from_networkx(nx.karate_club_graph())
    return read_edgelist(
        path(name),
        directed=d.directed,
        skiprows=d.skiprows,
        columns=d.columns,
        weight=d.weight,
        time=d.time,
    )


@functools.cache
def _trend_table(name):
    _get_kind(name, "trend")
    df = pd.read_csv(path(name))
    df.index = pd.DatetimeIndex(pd.to_datetime(df.pop(df.columns[0]), utc=True))
    return df


def load_trend(name, column=None, *, start=None, end=None):
    """Load a bundled count series as a `spread.Trend`.

    Parameters
    ----------
    name : str
        A trend in `list` (``"higgs"``).
    column : str, optional
        Which series (default: the dataset's first). For ``"higgs"``:
        ``"new_retweeters"`` (users retweeting for the first time in the log, an
        adopters series), ``"retweets"`` or ``"all_activity"`` (volume series).
    start, end : datetime-like or str, optional
        Keep the bins that start at or after `start` and end at or before `end`
        (UTC when the string names no timezone).

    Returns
    -------
    Trend
        Hourly bins indexed by UTC time.

    Raises
    ------
    DatasetError
        If the name is unknown (or names a graph), or the file is missing or corrupt.
    InvalidParameterError
        If `column` is not one of the dataset's series, or the window holds no bin.

    Examples
    --------
    >>> import spread
    >>> tr = spread.datasets.load_trend("higgs")
    >>> tr
    <Trend: 168 bins of 0 days 01:00:00, 228,556 adopters, peak 15,637 at bin 78>
    >>> str(tr.index[78])
    '2012-07-04 06:00:00+00:00'
    >>> spread.datasets.load_trend("higgs", "retweets", end="2012-07-02").counts[:3]
    array([13., 17., 27.])
    """
    from ._validation import check_in
    from .trend import Trend

    d = _get_kind(name, "trend")
    column = d.columns[0] if column is None else column
    check_in(column, name="column", options=d.columns)
    _check_window(start, end)
    table = _trend_table(name)
    trend = Trend(
        table[column].to_numpy(dtype="float64"),
        table.index,
        freq="1h",
        kind=_TREND_KINDS.get(column, "volume"),
    )
    if start is not None:
        trend = trend.since(start)
    if end is not None:
        trend = trend.until(end)
    return trend


def load_cascades(name, *, start=None, end=None):
    """Load bundled adoption records as `spread.Cascades` on their graph.

    Parameters
    ----------
    name : str
        A cascades dataset in `list` (``"higgs-adopters"``: one cascade, every
        retweeting user at their first retweet, on ``load("higgs-retweet")``).
    start, end : datetime-like or str, optional
        Keep the adoptions at or after `start` and before `end` (UTC when the string
        names no timezone).

    Returns
    -------
    Cascades
        Times are UTC datetimes (the records' `origin` is the first adoption kept).

    Raises
    ------
    DatasetError
        If the name is unknown (or names another kind), or the file is missing or
        corrupt.
    InvalidParameterError
        If the window holds no adoption.

    Examples
    --------
    >>> import spread
    >>> cs = spread.datasets.load_cascades("higgs-adopters", start="2012-07-04 04:00",
    ...                                    end="2012-07-04 05:00")
    >>> cs
    <Cascades: 1 cascades, 2,368 adoptions, 2,368 distinct nodes, graph of 256,491 nodes>
    """
    from .cascades import Cascades
    from .trend import WindowReport

    d = _get_kind(name, "cascades")
    start, end = _check_window(start, end)
    table = _adopters_table(name)
    times = table["time"]
    before = pd.Series(False, index=table.index)
    after = pd.Series(False, index=table.index)
    if start is not None:
        before = times < start
    if end is not None:
        after = times >= end
    frame = table[~(before | after).to_numpy()]
    report = WindowReport("adoptions", len(table), int(before.sum()), int(after.sum()))
    if frame.empty:
        msg = (
            f"the window [{start}, {end}) holds no adoption of {name!r} "
            f"({report.n_before:,} before it, {report.n_after:,} after it)."
        )
        raise InvalidParameterError(msg)
    graph = load("higgs-retweet") if d.name == "higgs-adopters" else None
    cs = Cascades.from_frame(frame, cascade="cascade", node="user", time="time", graph=graph)
    return dataclasses.replace(cs, report=report)


def _check_window(start, end):
    """`start` and `end` as UTC timestamps (None stays None); `end` must be after `start`."""
    from ._time import check_window, match_tz

    start = None if start is None else match_tz(start, "UTC", "start")
    end = None if end is None else match_tz(end, "UTC", "end")
    if start is not None:
        check_window(start, end)
    return start, end


@functools.cache
def _adopters_table(name):
    df = pd.read_csv(path(name), sep=" ", header=None, names=["user", "first_rt"])
    df.insert(0, "cascade", "higgs")
    df["time"] = pd.to_datetime(df.pop("first_rt"), unit="s", utc=True)
    return df


def list():
    """The bundled datasets as a DataFrame.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``title``, ``kind`` (``"graph"``, ``"trend"`` or
        ``"cascades"``), ``nodes`` (users with an adoption, for cascades), ``arcs``,
        ``directed`` (missing but for graphs), ``description``, ``citation``, ``licence``.

    Examples
    --------
    >>> import spread
    >>> spread.datasets.list()[["name", "kind", "nodes", "arcs", "directed"]]
                      name      kind   nodes    arcs  directed
    0               karate     graph      34     156     False
    1              nethept     graph   15233   62752     False
    2         ego-facebook     graph    4039  176468     False
    3            wiki-vote     graph    7115  103689      True
    4        higgs-retweet     graph  256491  328132      True
    5  higgs-retweet-times     graph  256491  328132      True
    6                higgs     trend    <NA>    <NA>      <NA>
    7       higgs-adopters  cascades  228556    <NA>      <NA>
    """
    rows = [
        {
            "name": d.name,
            "title": d.title,
            "kind": d.kind,
            "nodes": d.n_nodes,
            "arcs": d.n_arcs,
            "directed": d.directed,
            "description": d.description,
            "citation": d.citation,
            "licence": d.licence,
        }
        for d in _REGISTRY.values()
    ]
    df = pd.DataFrame(rows, columns=builtins.list(rows[0]))
    return df.astype({"nodes": "Int64", "arcs": "Int64", "directed": "boolean"})
