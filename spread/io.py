"""Reading and writing graphs as edge-list files (SNAP text, CSV; plain, gzip, bz2, xz).

`read_edgelist` owns its errors: whatever the file holds, it returns a `Graph` or raises
a `~spread.exceptions.GraphFormatError` naming the file (and the line, the rule and the
text, when one line is to blame); nothing from pandas, the codecs or the decompressors
leaks out. Valid files take the fast path, pandas' C parser fed by `_EdgeStream`, which
counts lines and drops comment lines as the bytes go by; only after a failure does a
line-by-line scan in Python (`_find_problem`) locate the offending line.
"""

__all__ = ["read_edgelist", "write_edgelist"]

import csv
import dataclasses
import io
import lzma
import os
import re
import warnings
import zlib
from pathlib import Path

import numpy as np
import pandas as pd

from . import convert
from ._common import progress_bar
from ._lines import OPENERS, LineError, Lines
from ._validation import check_in, check_int
from .contacts import TemporalGraph, from_contacts
from .exceptions import FileNotFound, GraphFormatError, InvalidParameterError, SpreadError
from .graph import Graph

# What can go wrong while reading and parsing; anything else is a bug and propagates.
_READ_ERRORS = (ValueError, OverflowError, EOFError, OSError, zlib.error, lzma.LZMAError)
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_NOT_FINITE = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)
_LINE = re.compile(rb"([^\r\n]*)(\r\n|\r|\n|\Z)")


def _is_note(content, comment):
    """Whether a line (without its end) is blank or a comment line."""
    stripped = content.strip(b" \t")
    return not stripped or (comment is not None and stripped.startswith(comment))


def _first_line(lines, skiprows, comment):
    """``(number, line, rest)``: the first data line of `lines` and the bytes after it."""
    number = 0
    for chunk in lines:
        pos = 0
        while pos < len(chunk):
            m = _LINE.match(chunk, pos)
            number += 1
            if number > skiprows and not _is_note(m.group(1), comment):
                return number, m.group(0), chunk[m.end() :]
            pos = m.end()
    return None


class _EdgeStream(io.BufferedIOBase):
    """What pandas reads, as a binary stream: a file's lines from its first data line
    on (after the header, in named-column mode), comment lines emptied.

    It notes whether a quote or a space went by (``saw_quote``, ``saw_space``) and
    counts the delimiters (``n_delimiters``, if asked), for the checks that need them.
    """

    def __init__(self, lines, first, layout, count_delimiters):
        super().__init__()
        self._lines = lines
        cb = layout.comment
        self._comment = cb
        if cb is not None:
            pattern = rb"(?:^|(?<=\r))[ \t]*" + re.escape(cb) + rb"[^\r\n]*"
            self._comment_re = re.compile(pattern, re.MULTILINE)
        spaces = [b" ", b"\t"] if layout.strip else []
        self._spaces = [c for c in spaces if c != (layout.delimiter or "").encode()]
        self._quotes = layout.named
        self.saw_quote = self.saw_space = False
        self._delimiter = layout.delimiter.encode() if count_delimiters else None
        self.n_delimiters = 0
        self._buf, self._pos = self._body(first), 0

    def _body(self, chunk):
        if self._comment is not None and self._comment in chunk:
            chunk = self._comment_re.sub(b"", chunk)
        if self._quotes and not self.saw_quote and b'"' in chunk:
            self.saw_quote = True
        if not self.saw_space and any(c in chunk for c in self._spaces):
            self.saw_space = True
        if self._delimiter is not None:
            self.n_delimiters += chunk.count(self._delimiter)
        return chunk

    def readable(self):
        return True

    def read(self, size=-1):
        if size is None or size < 0:
            rest = [self._buf[self._pos :], *(self._body(c) for c in self._lines)]
            self._buf, self._pos = b"", 0
            return b"".join(rest)
        while self._pos >= len(self._buf):
            chunk = next(self._lines, None)
            if chunk is None:
                return b""
            self._buf, self._pos = self._body(chunk), 0
        out = self._buf[self._pos : self._pos + size]
        self._pos += len(out)
        return out

    read1 = read


@dataclasses.dataclass
class _Layout:
    """How to read one file: the user's options, completed from its first data line."""

    skiprows: int
    comment: bytes | None
    delimiter: str | None
    nodetype: type
    columns: tuple  # (source, target) positions, or names until the header is read
    weight: object
    named: bool
    width: int | None = None  # fields per line: the header's, or the first line's
    names: tuple = ()  # the header's column names
    value: str = "weight"  # the parameter that names the third field: weight or time

    @property
    def strip(self):
        """Whether the fields need stripping of spaces (labels, comma or tab delimited)."""
        return self.nodetype is str and self.delimiter is not None

    @property
    def used(self):
        return [*self.columns, *([] if self.weight is None else [self.weight])]

    def label(self, col):
        """How messages call a field: ``field 3`` or ``column 'n'``."""
        return f"column {self.names[col]!r}" if self.named else f"field {col + 1}"

    def blank(self, text):
        return not text.strip(" \t".replace(self.delimiter or "\0", ""))

    def split(self, text):
        if not self.named:
            if self.delimiter is None:
                return re.split(r"[ \t]+", text.strip(" \t"))
            return [f.strip(" \t") for f in text.split(self.delimiter)]
        if self.delimiter is None:
            text = text.strip(" \t").replace("\t", " ")
        reader = csv.reader(
            [text], delimiter=self.delimiter or " ", skipinitialspace=self.delimiter is None,
            strict=True,
        )  # fmt: skip
        return [f.strip(" \t") for f in next(reader, [""])]


def _error(path, problem, number=None, text=None):
    """A `GraphFormatError` naming the file, and the line if one is to blame."""
    if number is None:
        return GraphFormatError(f"{os.fspath(path)}: {problem}", path=os.fspath(path))
    shown = text if len(text) <= 120 else text[:117] + "..."
    msg = f"{os.fspath(path)}, line {number}: {problem}: {shown!r}"
    return GraphFormatError(msg, path=os.fspath(path), line=number, text=text)


def _field_problem(token, kind):
    """What is wrong with one endpoint (`kind` int or str) or weight (float) token."""
    # a number may be surrounded by ASCII whitespace (\v, \f too), as pandas reads it
    number = token if kind is str else token.strip(" \t\n\r\v\f")
    if number == "":
        return "is empty"
    if kind is str:
        return None
    if kind is int:
        if _INT.fullmatch(number):
            in_range = -(2**63) <= int(number) < 2**63
            return None if in_range else f"({token!r}) is out of the int64 range"
        # pandas reads an integral decimal (1.0, 2e3) in an int column as that integer
        if _FLOAT.fullmatch(number) and float(number).is_integer() and abs(float(number)) < 2**63:
            return None
        return f"({token!r}) is not int"
    if _FLOAT.fullmatch(number):
        return None if np.isfinite(float(number)) else f"({token!r}) is not a finite number"
    return f"({token!r}) is not {'a finite number' if _NOT_FINITE.fullmatch(number) else 'float'}"


def _line_problem(text, layout, width):
    """What is wrong with one data line (decoded, without its end), or None."""
    try:
        fields = layout.split(text)
    except csv.Error:
        return "a quoted field is not closed on its line (fields may not span lines)"
    if len(fields) != width:
        return f"expected {width} fields, found {len(fields)}"
    if width <= max(layout.used):
        return f"expected at least {max(layout.used) + 1} fields, found {width}"
    kinds = [layout.nodetype, layout.nodetype, float]
    for col, kind in zip(layout.used, kinds, strict=False):
        if problem := _field_problem(fields[col], kind):
            return f"{layout.label(col)} {problem}"
    return None


def _find_problem(path, layout):
    """The first line of the file that the fast path could not read correctly, as a
    `GraphFormatError`; one for the file if its bytes cannot be read; else None."""
    head, number, width = True, 0, layout.width  # the header's, or the first line's
    try:
        with Lines(path) as lines:
            for raw in (raw for chunk in lines for raw in chunk.splitlines()):
                number += 1
                if head:
                    head = number <= layout.skiprows or _is_note(raw, layout.comment)
                    if head or layout.named:  # the header was checked when read
                        continue
                stripped = raw.lstrip(b" \t")
                if layout.comment is not None and stripped.startswith(layout.comment):
                    continue
                try:
                    text = raw.decode("utf-8")
                except UnicodeDecodeError:
                    text = raw.decode("utf-8", errors="backslashreplace")
                    return _error(path, "bytes that are not UTF-8 text", number, text)
                if layout.blank(text) or (layout.named and width is None):
                    continue  # (a header that could not be read was reported already)
                if width is None:
                    width = len(layout.split(text))
                if problem := _line_problem(text, layout, width):
                    return _error(path, problem, number, text)
    except LineError as exc:
        return _error(path, exc.problem, exc.number, exc.text.decode(errors="backslashreplace"))
    except _READ_ERRORS as exc:
        return _unreadable(path, exc)
    return None


def _unreadable(path, exc):
    """The error for a file whose bytes cannot be read (gone, not readable, corrupt)."""
    if isinstance(exc, FileNotFoundError):
        return FileNotFound(f"No such edge-list file: {os.fspath(path)!r}")
    kind = Path(path).suffix
    if kind in OPENERS and not isinstance(exc, PermissionError | IsADirectoryError):
        return _error(path, f"its {kind[1:]} data are truncated or corrupt ({_name(exc)}).")
    return _error(path, f"cannot be read ({_name(exc)}).")


def _name(exc):
    return f"{type(exc).__name__}: {exc}"


def _read_header(path, number, line, layout):
    """Complete a named-column layout from its header line; raise if it does not fit."""
    text = line.rstrip(b"\r\n").decode("utf-8", errors="backslashreplace")
    try:
        names = layout.split(line.rstrip(b"\r\n").decode("utf-8"))
    except UnicodeDecodeError:
        raise _error(path, "bytes that are not UTF-8 text", number, text) from None
    except csv.Error:
        raise _error(path, "the header has an unclosed quote", number, text) from None
    for name in names:
        if names.count(name) > 1:
            raise _error(path, f"the header names column {name!r} twice", number, text)
    for param, wanted in (("columns", layout.columns), (layout.value, (layout.weight,))):
        for name in (n for n in wanted if n is not None and n not in names):
            problem = f"`{param}` names column {name!r}, which the header (line {number})"
            raise _error(path, f"{problem} does not have; its columns are {names}.")
    layout.columns = tuple(names.index(c) for c in layout.columns)
    layout.weight = None if layout.weight is None else names.index(layout.weight)
    layout.width, layout.names = len(names), tuple(names)


def _read_table(path, layout, bar=None):
    """``(frame, n_lines, stream)``: the fast parse; raises a `GraphFormatError`."""
    with Lines(path, bar) as lines:
        try:
            found = _first_line(lines, layout.skiprows, layout.comment)
            if found is None:
                raise _error(path, "no edge lines (the file is empty, or all comments).")
            number, line, rest = found
            if layout.delimiter is None:
                layout.delimiter = "\t" if b"\t" in line else "," if b"," in line else None
            if layout.named:
                _read_header(path, number, line, layout)
                line = b""
            # Short lines are padded with empty fields: if some fields go unused, the
            # delimiters tell whether a line was short (a CSV may have empty fields).
            count = layout.delimiter is not None and len(layout.used) < (
                layout.width or line.count(layout.delimiter.encode()) + 1
            )
            # (A leading blank line: pandas would drop a BOM starting its input.)
            stream = _EdgeStream(lines, b"\n" + line + rest, layout, count)
            idtype = np.int64 if layout.nodetype is int else object
            dtype = dict.fromkeys(layout.columns, idtype)
            if layout.weight is not None:
                dtype[layout.weight] = np.float64
            with warnings.catch_warnings(), np.errstate(all="ignore"):  # pandas' casts
                warnings.simplefilter("ignore", pd.errors.DtypeWarning)
                df = pd.read_csv(
                    stream,
                    sep=r"\s+" if layout.delimiter is None else layout.delimiter,  # space, tab
                    header=None,
                    index_col=False,
                    dtype=dtype,
                    engine="c",
                    na_filter=False,  # None, NA, null ... are labels, not missing values
                    quoting=csv.QUOTE_MINIMAL if layout.named else csv.QUOTE_NONE,
                    skip_blank_lines=True,
                    encoding="utf-8",
                    encoding_errors="strict",
                )
            if df.shape[0] == 0:  # a header and nothing else
                raise pd.errors.EmptyDataError
        except SpreadError:
            raise
        except pd.errors.EmptyDataError:
            raise _error(path, f"no edge lines after the header (line {number}).") from None
        except (LineError, *_READ_ERRORS) as exc:
            problem = f"cannot be read as an edge list ({_name(exc)})."
            raise _find_problem(path, layout) or _error(path, problem) from None
        return df, lines.n_lines, stream


def _edge_arrays(path, layout, df, stream):
    """``(sources, targets, weights)`` of a parsed frame, checked; raise if one is bad."""
    if df.shape[1] <= max(layout.used) or df.shape[1] != (layout.width or df.shape[1]):
        bad = f"`columns`/`{layout.value}` name field {max(layout.used) + 1}; lines have {df.shape[1]}."
        raise _find_problem(path, layout) or _error(path, bad)
    cols = [df[c].to_numpy() for c in layout.used]
    bad = None
    if layout.nodetype is int and any(c.dtype != np.int64 for c in cols[:2]):
        bad = "a source or target is not an int64."
    if layout.nodetype is str:
        if stream.saw_space:
            cols[:2] = [np.array([s.strip(" \t") for s in c], dtype=object) for c in cols[:2]]
        if any((c == "").any() for c in cols[:2]):
            bad = "a source or target is empty."
    if layout.weight is not None and not np.isfinite(cols[2]).all():
        bad = f"a {layout.value} is not a finite number."
    if stream.saw_quote and any(
        c.dtype.kind == "O" and re.search("[\r\n]", "".join(c.astype(str))) for _, c in df.items()
    ):
        bad = "a quoted field spans lines."
    if bad is not None:
        raise _find_problem(path, layout) or _error(path, bad)
    # pandas pads a short line with empty fields (NaN in a float column). A line of
    # whitespace-separated fields has none of its own; a line of a CSV may.
    if layout.delimiter is None:
        others = [df[c] for c in df.columns if c not in layout.used]
        short = any(
            c.isna().any() if c.dtype.kind == "f" else c.dtype.kind == "O" and (c == "").any()
            for c in others
        )
    else:
        short = stream.n_delimiters not in (0, len(df) * (df.shape[1] - 1))
    if short and (problem := _find_problem(path, layout)) is not None:
        raise problem
    return cols[0], cols[1], cols[2] if layout.weight is not None else None


def _layout(delimiter, comments, skiprows, columns, weight, nodetype, value="weight"):
    """Check the reading options; return the `_Layout` they describe (`weight`: the
    third field, named `value` in messages: the weight, or the time of a contact)."""
    skiprows = check_int(skiprows, name="skiprows", min_value=0)
    if nodetype is not int and nodetype is not str:
        _invalid(f"`nodetype` must be int or str; got {nodetype!r}.")
    if delimiter is not None and not (
        _is_char(delimiter) and delimiter.isascii() and delimiter not in '\r\n"'
    ):
        _invalid(
            "`delimiter` must be one ASCII character (not a line end or a quote), or None "
            f"for runs of spaces and tabs; got {delimiter!r}."
        )
    if comments is not None and not (_is_char(comments) and not comments.isspace()):
        _invalid(f"`comments` must be one character or None; got {comments!r}.")
    if comments is not None and comments == delimiter:
        _invalid(f"`comments` must differ from `delimiter`; both are {comments!r}.")
    if isinstance(columns, str | bytes) or not hasattr(columns, "__len__") or len(columns) != 2:
        _invalid(f"`columns` must name two fields (source, target); got {columns!r}.")
    named = all(isinstance(c, str) for c in columns)
    if named and weight is not None and not isinstance(weight, str):
        _invalid(f"`{value}` must be a column name, as `columns` are; got {weight!r}.")
    if not named:
        if any(isinstance(c, str) for c in columns):
            _invalid(f"`columns` must be two positions or two names; got {columns!r}.")
        columns = [check_int(c, name="columns", min_value=0) for c in columns]
        weight = None if weight is None else check_int(weight, name=value, min_value=0)
    columns = tuple(columns)
    if columns[0] == columns[1]:
        _invalid(f"`columns` must name two different fields; got {columns!r}.")
    if weight is not None and weight in columns:
        _invalid(f"`{value}` must differ from the endpoint `columns` {columns!r}; got {weight!r}.")
    comment = None if comments is None else comments.encode("utf-8")
    return _Layout(skiprows, comment, delimiter, nodetype, columns, weight, named, value=value)


def _is_char(value):
    return isinstance(value, str) and len(value) == 1 and value != "\0"


def _invalid(msg):
    raise InvalidParameterError(msg)


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
    time=None,
    progress=None,
):
    """Read a graph from a text edge list (SNAP style, or a table with a header row).

    Each data line holds a source, a target and optionally more fields, separated by
    runs of spaces and tabs, by a tab or by a comma. Blank lines and comment lines
    (whose first non-blank character is `comments`) are skipped, as are the first
    `skiprows` physical lines. Files ending in ``.gz``, ``.bz2`` or ``.xz`` are
    decompressed on the fly; CRLF line ends and a UTF-8 byte-order mark are fine.

    `columns` chooses the endpoint fields: by position (``(0, 1)``, the default: the
    file has no header) or by name (``("who", "whom")``: the first data line is a
    header row naming the columns, and fields may be quoted as in CSV).

    Parameters
    ----------
    path : str or path-like
        The file to read.
    directed : bool
        Whether ``u v`` is an arc u -> v (True) or an undirected edge (False, two arcs).
        Required: the file does not say.
    delimiter : str, optional
        The field separator, one character. By default it is sniffed from the first
        data line: a tab, else a comma, else runs of spaces and tabs. Spaces and tabs
        around comma- or tab-separated fields are ignored.
    comments : str or None, default "#"
        Lines whose first non-blank character is this one are skipped. The character
        elsewhere in a line is data.
    skiprows : int, default 0
        Physical lines to skip at the top (for example a ``n m`` header line).
    columns : (int, int) or (str, str), default (0, 1)
        Zero-based positions, or header names, of the source and target fields.
    weight : int or str, optional
        Position (or name, with named `columns`) of the arc weight field, a finite
        float; no weights by default.
    nodetype : {int, str}, default int
        Type of the node ids. Integer ids need not be contiguous; an integral decimal
        such as ``1.0`` reads as that integer (exactly up to 2**53). String ids are
        kept as written: ``NA``, ``None`` or ``null`` are labels, not missing values.
    self_loops, duplicates, merge
        As in `Graph.from_edges`: ``self_loops`` in {"drop", "keep", "error"},
        ``duplicates`` in {"merge", "keep", "error"}, ``merge`` in
        {"sum", "max", "min", "first", "last"}.
    time : int or str, optional
        Position (or name) of a time field, a finite number: every line is then a
        timestamped contact ``u v t`` and the result a `TemporalGraph` (every contact
        kept with its time; `weight`, `duplicates` and `merge` do not apply).
    progress : bool, optional
        Show progress bars: the bytes read from the file, then the graph's build
        stages. By default shown when the load lasts over 2 s and stderr is a terminal.

    Returns
    -------
    Graph or TemporalGraph
        Its `report` says how many lines were read, and which self-loops and duplicates
        were dropped or merged.

    Raises
    ------
    GraphFormatError
        If the file cannot be read as an edge list: a directory, corrupt compressed
        data, no edge lines, a named column missing from the header, or a bad line
        (a missing, empty or non-numeric field, a wrong number of fields, bytes that
        are not UTF-8 text). The message names the file, the line number (physical,
        comments counted), the rule broken and the line.
    FileNotFound
        If `path` does not exist (it is a `FileNotFoundError`).
    InvalidParameterError
        If an option is not valid.

    See Also
    --------
    write_edgelist : writes a file that this function reads back.
    spread.datasets.load : the bundled graphs.

    Examples
    --------
    A SNAP-style file, fields chosen by position:

    >>> import tempfile, pathlib
    >>> import spread
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "toy.txt"
    >>> _ = path.write_text("# a toy graph\\n1 2\\n2 3\\n3 3\\n2 1\\n")
    >>> g = spread.read_edgelist(path, directed=False)
    >>> g
    <Graph: undirected, 3 nodes, 4 arcs (2 edges), unweighted, from 'toy.txt'>
    >>> print(g.report)
    toy.txt: 4 rows read, 1 self-loop(s) dropped, 1 duplicate(s) merged, 1 comment/header line(s) skipped

    A table with a header row, columns chosen by name:

    >>> path = pathlib.Path(tempfile.mkdtemp()) / "retweets.csv"
    >>> _ = path.write_text("when,who,whom,n\\n2024-01-01,ann,bob,3\\n2024-01-02,bob,cy,1\\n")
    >>> g = spread.read_edgelist(
    ...     path, directed=True, columns=("who", "whom"), weight="n", nodetype=str
    ... )
    >>> g.to_pandas()
      source target  weight
    0    ann    bob     3.0
    1    bob     cy     1.0

    Timestamped contacts (``u v t``, here Unix seconds) make a `TemporalGraph`:

    >>> path = pathlib.Path(tempfile.mkdtemp()) / "contacts.txt"
    >>> _ = path.write_text("1 2 1341100972\\n2 3 1341101181\\n1 2 1341101200\\n")
    >>> spread.read_edgelist(path, directed=True, time=2)
    <TemporalGraph: directed, 3 nodes, 2 arcs, 3 contacts, times 1341100972 .. 1341101200, from 'contacts.txt'>
    """
    if not isinstance(path, str | os.PathLike):
        msg = f"`path` must be a file path (str or os.PathLike); got {path!r}."
        raise InvalidParameterError(msg)
    path = Path(path)
    if not isinstance(directed, bool):
        msg = f"`directed` must be True or False; got {directed!r}."
        raise InvalidParameterError(msg)
    if time is not None and (weight, duplicates, merge) != (None, "merge", "sum"):
        _invalid(f"`weight`, `duplicates` and `merge` do not apply with `time` (every contact is kept); got {weight!r}, {duplicates!r}, {merge!r}.")  # fmt: skip
    third, value = (weight, "weight") if time is None else (time, "time")
    layout = _layout(delimiter, comments, skiprows, columns, third, nodetype, value)
    check_in(self_loops, name="self_loops", options=convert.SELF_LOOPS)
    check_in(duplicates, name="duplicates", options=convert.DUPLICATES)
    check_in(merge, name="merge", options=convert.MERGE)
    if not path.exists():
        raise FileNotFound(f"No such edge-list file: {os.fspath(path)!r}")
    if not path.is_file():  # a directory, a pipe or a device would not end, or fail
        kind = "a directory" if path.is_dir() else "not a regular file"
        msg = f"{os.fspath(path)}: is {kind}, not an edge-list file."
        raise GraphFormatError(msg, path=os.fspath(path))
    try:
        with progress_bar(
            path.stat().st_size,
            desc=f"read {path.name}",
            progress=progress,
            unit="B",
            unit_scale=True,
        ) as bar:
            df, n_lines, stream = _read_table(path, layout, bar)
    except SpreadError:
        raise
    except OSError as exc:  # raised when opening: gone since checked, or not readable
        raise _unreadable(path, exc) from None
    src, dst, w = _edge_arrays(path, layout, df, stream)
    if time is not None:
        return from_contacts(
            TemporalGraph,
            src,
            dst,
            w,
            directed=directed,
            self_loops=self_loops,
            source=path.name,
            n_skipped_lines=n_lines - len(df),
        )
    return convert.from_edges(
        Graph,
        src,
        dst,
        w,
        directed=directed,
        self_loops=self_loops,
        duplicates=duplicates,
        merge=merge,
        source=path.name,
        n_skipped_lines=n_lines - len(df),
        progress=progress,
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
    opener = OPENERS.get(path.suffix, open)
    with opener(path, "wt", encoding="utf-8") as fh:
        fh.write(text)
