"""Reading and writing graphs as edge-list files (SNAP text, CSV; plain, gzip, bz2)."""

import bz2
import dataclasses
import gzip
import lzma
import os
from pathlib import Path

import numpy as np
import pandas as pd

from ._validation import check_in, check_int
from .exceptions import GraphFormatError, InvalidParameterError
from .graph import Graph

__all__ = ["read_csv", "read_edgelist", "write_edgelist"]


def _open_text(path):
    name = str(path)
    if name.endswith(".gz"):
        return gzip.open(path, "rt", encoding="utf-8", newline="")
    if name.endswith(".bz2"):
        return bz2.open(path, "rt", encoding="utf-8", newline="")
    if name.endswith(".xz"):
        return lzma.open(path, "rt", encoding="utf-8", newline="")
    return open(path, encoding="utf-8", newline="")


def _split(line, delimiter):
    if delimiter is None:
        return line.split()
    return [t.strip() for t in line.split(delimiter)]


def _data_lines(path, comments, skiprows):
    """Yield (line number, text) of the data lines, and count the others."""
    with _open_text(path) as fh:
        for number, raw in enumerate(fh, start=1):
            line = raw.rstrip("\r\n")
            if number <= skiprows:
                continue
            stripped = line.strip()
            if not stripped or (comments and stripped.startswith(comments)):
                continue
            yield number, line


def _sniff_delimiter(path, comments, skiprows):
    for _, line in _data_lines(path, comments, skiprows):
        if "\t" in line:
            return "\t"
        if "," in line:
            return ","
        return None
    return None


def _locate_bad_line(path, *, delimiter, comments, skiprows, columns, converters):
    """Scan the file to find the first line that does not parse; raise for it."""
    n_fields = None
    for number, line in _data_lines(path, comments, skiprows):
        fields = _split(line, delimiter)
        if n_fields is None:
            n_fields = len(fields)
        problem = None
        if len(fields) != n_fields:
            problem = f"expected {n_fields} fields, found {len(fields)}"
        elif len(fields) <= max(columns):
            problem = f"expected at least {max(columns) + 1} fields, found {len(fields)}"
        else:
            for col, convert in zip(columns, converters, strict=True):
                token = fields[col]
                try:
                    convert(token)
                except (TypeError, ValueError):
                    problem = f"field {col + 1} ({token!r}) is not {convert.__name__}"
                    break
                if token == "" or token.lower() in ("nan", "na", "null"):
                    problem = f"field {col + 1} is empty or missing"
                    break
        if problem is not None:
            text = line if len(line) <= 120 else line[:117] + "..."
            msg = f"{os.fspath(path)}, line {number}: {problem}: {text!r}"
            raise GraphFormatError(msg, path=os.fspath(path), line=number, text=line)
    return None


def _count_lines(path):
    """Physical lines in a (possibly compressed) file, counted in C-sized blocks."""
    opener = {".gz": gzip.open, ".bz2": bz2.open, ".xz": lzma.open}.get(Path(path).suffix, open)
    lines = 0
    last = b"\n"
    with opener(path, "rb") as fh:
        while block := fh.read(1 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


def read_edgelist(
    path,
    *,
    directed,
    delimiter=None,
    comments="#",
    skiprows=0,
    columns=(0, 1),
    weight=None,
    nodetype=int,
    self_loops="drop",
    duplicates="merge",
    merge="sum",
):
    """Read a graph from a text edge list (SNAP style), plain or compressed.

    Each data line holds a source, a target and optionally more fields, separated by
    whitespace, a tab or a comma. Lines starting with `comments` and blank lines are
    skipped, as are the first `skiprows` physical lines (headers). Files ending in
    ``.gz``, ``.bz2`` or ``.xz`` are decompressed on the fly; CRLF line ends are fine.

    Parameters
    ----------
    path : str or path-like
        The file to read.
    directed : bool
        Whether ``u v`` is an arc u -> v (True) or an undirected edge (False, two arcs).
        Required: the file does not say.
    delimiter : str, optional
        Field separator. By default it is sniffed from the first data line: a tab, a
        comma, or else any run of whitespace.
    comments : str, default "#"
        Lines whose first non-blank characters are this string are skipped.
    skiprows : int, default 0
        Physical lines to skip at the top (for example a ``n m`` header line).
    columns : (int, int), default (0, 1)
        Zero-based fields holding the source and the target.
    weight : int, optional
        Zero-based field holding the arc weight (float); no weights by default.
    nodetype : {int, str}, default int
        Type of the node ids. Integer ids need not be contiguous.
    self_loops, duplicates, merge
        As in `Graph.from_edges`: ``self_loops`` in {"drop", "keep", "error"},
        ``duplicates`` in {"merge", "keep", "error"}, ``merge`` in
        {"sum", "max", "min", "first", "last"}.

    Returns
    -------
    Graph
        Its `report` says how many lines were read, and which self-loops and duplicates
        were dropped or merged.

    Raises
    ------
    GraphFormatError
        If a line cannot be parsed; the message names the file, the line number and
        the line.
    FileNotFoundError
        If `path` does not exist.

    See Also
    --------
    read_csv : for tables with a header row and named columns.
    spread.datasets.load : the bundled graphs.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import spread
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.txt"
    >>> _ = path.write_text("# a toy graph\\n1 2\\n2 3\\n3 3\\n2 1\\n")
    >>> g = spread.read_edgelist(path, directed=False)
    >>> g
    <Graph: undirected, 3 nodes, 4 arcs (2 edges), unweighted, from 'toy.txt'>
    >>> print(g.report)
    toy.txt: 4 rows read, 1 self-loop(s) dropped, 1 duplicate(s) merged, 1 comment/header line(s) skipped
    """
    path = Path(path)
    if not path.exists():
        msg = f"No such edge-list file: {os.fspath(path)!r}"
        raise FileNotFoundError(msg)
    if not isinstance(directed, bool):
        msg = f"`directed` must be True or False; got {directed!r}."
        raise InvalidParameterError(msg)
    skiprows = check_int(skiprows, name="skiprows", min_value=0)
    if nodetype not in (int, str):
        msg = f"`nodetype` must be int or str; got {nodetype!r}."
        raise InvalidParameterError(msg)
    check_in(self_loops, name="self_loops", options=("drop", "keep", "error"))
    check_in(duplicates, name="duplicates", options=("merge", "keep", "error"))
    columns = tuple(check_int(c, name="columns", min_value=0) for c in columns)
    if len(columns) != 2:
        msg = f"`columns` must name two fields (source, target); got {columns!r}."
        raise InvalidParameterError(msg)
    use = list(columns)
    converters = [nodetype, nodetype]
    if weight is not None:
        weight = check_int(weight, name="weight", min_value=0)
        use.append(weight)
        converters.append(float)
    if comments is not None and (not isinstance(comments, str) or len(comments) != 1):
        msg = f"`comments` must be one character or None; got {comments!r}."
        raise InvalidParameterError(msg)
    if delimiter is None:
        delimiter = _sniff_delimiter(path, comments, skiprows)
    sep = r"\s+" if delimiter is None else delimiter
    dtypes = {columns[0]: nodetype, columns[1]: nodetype}
    if weight is not None:
        dtypes[weight] = np.float64
    locate = {
        "delimiter": delimiter,
        "comments": comments,
        "skiprows": skiprows,
        "columns": use,
        "converters": converters,
    }
    try:
        df = pd.read_csv(
            path,
            sep=sep,
            header=None,
            comment=comments[0] if comments else None,
            skiprows=skiprows,
            skip_blank_lines=True,
            # No `usecols`: then the C parser itself rejects a line with extra fields.
            dtype={c: (str if t is str else t) for c, t in dtypes.items()},
            engine="c",
            na_filter=weight is not None or nodetype is str,
            compression="infer",
        )
    except (ValueError, pd.errors.ParserError, OverflowError):
        _locate_bad_line(path, **locate)
        raise  # the scan found nothing wrong: let pandas' own error through
    if df.shape[1] <= max(use):
        _locate_bad_line(path, **locate)
        msg = f"{os.fspath(path)}: `columns`/`weight` name field {max(use) + 1}, "
        msg += f"but the lines have {df.shape[1]} field(s)."
        raise GraphFormatError(msg, path=os.fspath(path))
    df = df[use]
    if df.isna().to_numpy().any():
        _locate_bad_line(path, **locate)
    src = df[columns[0]].to_numpy()
    dst = df[columns[1]].to_numpy()
    w = None if weight is None else df[weight].to_numpy(dtype=np.float64)
    g = Graph.from_edges(
        src,
        dst,
        w,
        directed=directed,
        self_loops=self_loops,
        duplicates=duplicates,
        merge=merge,
        source=path.name,
    )
    skipped = _count_lines(path) - df.shape[0]
    g._report = dataclasses.replace(g.report, n_skipped_lines=skipped)
    return g


def read_csv(
    path,
    *,
    source,
    target,
    weight=None,
    directed,
    self_loops="drop",
    duplicates="merge",
    merge="sum",
    **read_csv_kwargs,
):
    """Read a graph from a table with a header row, choosing columns by name.

    Extra columns are ignored. Any `pandas.read_csv` option (``sep``, ``compression``,
    ``dtype`` ...) passes through.

    Parameters
    ----------
    path : str or path-like
    source, target : str
        Columns holding the endpoint labels.
    weight : str, optional
        Column holding the arc weight.
    directed : bool
        Whether each row is an arc (True) or an undirected edge (False).
    self_loops, duplicates, merge
        As in `Graph.from_edges`.
    **read_csv_kwargs
        Passed to `pandas.read_csv`.

    Returns
    -------
    Graph

    Raises
    ------
    GraphFormatError
        If a row has a missing endpoint or weight (naming the line), or a named column
        is absent.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import spread
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "retweets.csv"
    >>> _ = path.write_text("when,who,whom,n\\n2024-01-01,ann,bob,3\\n2024-01-02,bob,cy,1\\n")
    >>> g = spread.io.read_csv(path, source="who", target="whom", weight="n", directed=True)
    >>> g.to_pandas()
      source target  weight
    0    ann    bob     3.0
    1    bob     cy     1.0
    """
    path = Path(path)
    names = [source, target] + ([weight] if weight is not None else [])
    try:
        df = pd.read_csv(path, usecols=names, **read_csv_kwargs)
    except ValueError as exc:
        msg = f"{os.fspath(path)}: {exc}"
        raise GraphFormatError(msg, path=os.fspath(path)) from exc
    bad = df[names].isna().any(axis=1).to_numpy()
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        # Line number: the header is line 1 (when no rows are skipped).
        line = row + 2
        msg = (
            f"{os.fspath(path)}, line {line}: a source, target or weight is missing "
            f"({int(bad.sum())} such row(s)): {df.iloc[row][names].to_dict()!r}"
        )
        raise GraphFormatError(msg, path=os.fspath(path), line=line)
    return Graph.from_edges(
        df[source].to_numpy(),
        df[target].to_numpy(),
        None if weight is None else df[weight].to_numpy(dtype=np.float64),
        directed=directed,
        self_loops=self_loops,
        duplicates=duplicates,
        merge=merge,
        source=path.name,
    )


def write_edgelist(graph, path, *, delimiter=" ", weights=True, header=True):
    """Write a graph as a text edge list that `read_edgelist` reads back.

    An undirected graph is written one line per edge. Compression follows the file
    name (``.gz``, ``.bz2``, ``.xz``).

    Parameters
    ----------
    graph : Graph
    path : str or path-like
    delimiter : str, default " "
    weights : bool, default True
        Write the arc weights as a third field, if the graph has them.
    header : bool, default True
        Start with comment lines stating the graph's size and kind.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> import spread
    >>> g = spread.Graph.from_edges([0, 1], [1, 2], [0.5, 0.25])
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "g.txt.gz"
    >>> spread.write_edgelist(g, path)
    >>> h = spread.read_edgelist(path, directed=True, weight=2)
    >>> h.edges()
    (array([0, 1]), array([1, 2]), array([0.5 , 0.25]))
    """
    path = Path(path)
    df = graph.to_pandas()
    if not weights and "weight" in df:
        df = df.drop(columns="weight")
    kind = "directed" if graph.directed else "undirected"
    lines = (
        f"# spread edge list: {kind}, {graph.n_nodes} nodes, {len(df)} "
        f"{'arcs' if graph.directed else 'edges'}\n"
        f"# source{delimiter}target" + (f"{delimiter}weight" if "weight" in df else "") + "\n"
    )
    body = df.to_csv(sep=delimiter, header=False, index=False, lineterminator="\n")
    text = (lines if header else "") + body
    with (
        gzip.open(path, "wt", encoding="utf-8")
        if str(path).endswith(".gz")
        else bz2.open(path, "wt", encoding="utf-8")
        if str(path).endswith(".bz2")
        else lzma.open(path, "wt", encoding="utf-8")
        if str(path).endswith(".xz")
        else open(path, "w", encoding="utf-8")
    ) as fh:
        fh.write(text)
