"""Property tests: no input file makes `read_edgelist` crash, hang, leak an exception
that is not spread's, or silently change an answer.

Each example writes a file and reads it. The call must return a `spread.Graph` whose
invariants hold, or raise a `spread.SpreadError`; anything else fails the test. When a
positional edge list is accepted, its rows must equal those of `_reference`, a plain
Python reading of the documented format; when the reference finds the file invalid,
the reader must refuse it too.

``SPREAD_FUZZ_EXAMPLES`` sets the examples per property (default 60, a few seconds);
``SPREAD_FUZZ_RANDOM=1`` explores fresh random examples instead of the reproducible
default. A crash (a signal) would kill pytest itself, and a hang would stall it:
`test_properties_in_a_child_process` runs the properties in a child Python, under a
timeout, and asserts that it exited normally.
"""

import bz2
import gzip
import lzma
import math
import os
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import spread

EXAMPLES = int(os.environ.get("SPREAD_FUZZ_EXAMPLES", "60"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("SPREAD_FUZZ_RANDOM") != "1",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)
BOM = b"\xef\xbb\xbf"
COMPRESS = {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}
SUFFIXES = ["", ".gz", ".bz2", ".xz", ".csv"]


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    return tmp_path_factory.mktemp("fuzz")


def _write(folder, suffix, data, compress):
    path = Path(folder) / f"edges.txt{suffix}"
    path.write_bytes(COMPRESS[suffix](data) if compress and suffix in COMPRESS else data)
    return path


def _read(path, **options):
    """`read_edgelist`, or None if it raised a `SpreadError` (anything else propagates)."""
    try:
        g = spread.read_edgelist(path, **options)
    except spread.SpreadError:
        return None
    assert isinstance(g, spread.Graph)
    assert len(g.labels) == g.n_nodes
    assert g.indices.size == 0 or (g.indices.min() >= 0 and g.indices.max() < g.n_nodes)
    assert g.indptr[0] == 0 and g.indptr[-1] == g.indices.size
    assert isinstance(g.report.n_rows, int) and g.report.n_rows >= 1
    assert isinstance(g.report.n_skipped_lines, int) and g.report.n_skipped_lines >= 0
    if g.weights is not None:
        assert np.isfinite(g.weights).all()
    return g


def _physical_lines(data):
    while data.startswith(BOM):
        data = data[len(BOM) :]
    return len(data.splitlines())


# ------------------------------------------------------------------ the reference
_INT = re.compile(r"[+-]?[0-9]+")
_FLOAT = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
UNSURE = object()  # the documented format leaves the answer open


def _endpoint(token, nodetype):
    if nodetype is str:
        return token or None
    token = token.strip(" \t\n\r\v\f")  # around a number, ASCII whitespace is ignored
    if _INT.fullmatch(token):
        return int(token) if -(2**63) <= int(token) < 2**63 else None
    if _FLOAT.fullmatch(token) and float(token).is_integer() and abs(float(token)) < 2**63:
        # pandas reads an integral decimal as that integer: exactly below 2**53 only
        return int(float(token)) if abs(float(token)) < 2**53 else UNSURE
    return None


def _weight(token):
    token = token.strip(" \t\n\r\v\f")
    if _FLOAT.fullmatch(token) and math.isfinite(float(token)):
        return float(token)
    return None


def _reference(data, *, delimiter, nodetype, weight, skiprows=0, comment=b"#"):
    """The rows ``(source, target[, weight])`` of a positional edge list, read as the
    docstring of `read_edgelist` says; None if it is invalid; UNSURE if not specified."""
    while data.startswith(BOM):
        data = data[len(BOM) :]
    if b"\0" in data:
        return None
    rows, sep, width = [], delimiter, None
    for number, raw in enumerate(data.splitlines(), start=1):
        if number <= skiprows:
            continue
        noted = comment is not None and raw.lstrip(b" \t").startswith(comment)
        if noted or (width is None and not raw.strip(b" \t")):
            continue
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
        if width is None and sep is None:
            sep = "\t" if "\t" in text else "," if "," in text else None
        if not text.strip(" \t".replace(sep or "\0", "")):
            continue
        if sep is None:
            fields = re.split("[ \t]+", text.strip(" \t"))
        else:
            fields = [f.strip(" \t") for f in text.split(sep)]
        width = width or len(fields)
        if len(fields) != width or width <= (1 if weight is None else weight):
            return None
        row = [_endpoint(fields[0], nodetype), _endpoint(fields[1], nodetype)]
        if weight is not None:
            row.append(_weight(fields[weight]))
        if None in row:
            return None
        rows.append(tuple(row))
    if not rows:
        return None
    return UNSURE if any(UNSURE in row for row in rows) else sorted(rows)


def _check_against_reference(path, data, **options):
    """Read `path` (bytes `data`) and compare with `_reference`; return the graph."""
    g = _read(path, directed=True, self_loops="keep", duplicates="keep", **options)
    comments = options.get("comments", "#")
    expected = _reference(
        data, delimiter=options.get("delimiter"), nodetype=options.get("nodetype", int),
        weight=options.get("weight"), skiprows=options.get("skiprows", 0),
        comment=None if comments is None else comments.encode(),
    )  # fmt: skip
    if expected is UNSURE:
        return g
    if g is None:
        assert expected is None, f"a valid file was refused: {expected[:5]}"
        return g
    assert expected is not None, "an invalid file was read"
    src, dst, w = g.edges()  # labels
    columns = [src.tolist(), dst.tolist()] + ([] if w is None else [w.tolist()])
    got = list(zip(*columns, strict=True))
    assert sorted(got) == expected
    assert g.report.n_rows + g.report.n_skipped_lines == _physical_lines(data)
    return g


# ------------------------------------------------------------------ strategies
TOKENS = [
    b"1", b"2", b"17", b"-3", b"0", b"a", b"b", b"None", b"NA", b"nan", b"inf", b"1.5",
    b"2.0", b"1e3", b"99999999999999999999", b"9223372036854775807", b" ", b"  ", b"\t",
    b",", b", ", b"\n", b"\r\n", b"\r", b"#", b"# c\n", b'"', b"\xef\xbb\xbf", b"\x00",
    b"\xff", b"\xc3\xa9", b"\x0b", b"\x0c", b"\x1a", b".", b"e", b"-", b"+",
]  # fmt: skip
texty = st.lists(st.sampled_from(TOKENS), max_size=60).map(b"".join)
options = st.fixed_dictionaries(
    {
        "nodetype": st.sampled_from([int, str]),
        "delimiter": st.sampled_from([None, ",", "\t"]),
        "weight": st.sampled_from([None, 2]),
        "skiprows": st.sampled_from([0, 0, 1, 2]),
        "comments": st.sampled_from(["#", "#", None, "%"]),
    }
)


@st.composite
def edge_lists(draw, named=False):
    """A small valid edge list (bytes) and how to read it."""
    nodetype = draw(st.sampled_from([int, str]))
    weighted = draw(st.booleans())
    sep = draw(st.sampled_from([" ", "\t", ","] if not named else [",", "\t"]))
    ids = st.integers(-5, 40) if nodetype is int else st.sampled_from(["a", "b", "NA", "x y"])
    n = draw(st.integers(1, 8))
    lines = ["# an edge list"]
    if named:
        lines.append(sep.join(["when", "who", "whom", "n"]))
    for i in range(n):
        u, v = draw(ids), draw(ids)
        if nodetype is str and sep == " ":
            u, v = str(u).replace(" ", "_"), str(v).replace(" ", "_")
        w = draw(st.floats(0, 10, allow_nan=False).map(lambda x: round(x, 3)))
        fields = [str(u), str(v), str(w)] if not named else [str(i), str(u), str(v), str(w)]
        lines.append(sep.join(fields if weighted or named else fields[:2]))
    read = {"nodetype": nodetype, "weight": (2 if weighted else None)}
    if named:
        read = {
            "nodetype": nodetype,
            "columns": ("who", "whom"),
            "weight": "n" if weighted else None,
        }
    return ("\n".join(lines) + "\n").encode(), read


@st.composite
def mutated(draw, data):
    """`data` after a few random edits of the kinds real files suffer."""
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(
            st.sampled_from(
                [
                    "delete",
                    "insert",
                    "replace",
                    "truncate",
                    "duplicate",
                    "bom",
                    "nul",
                    "separators",
                ]
            )
        )
        at = draw(st.integers(0, len(data)))
        if kind == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 5)) :]
        elif kind == "insert":
            data = data[:at] + draw(st.sampled_from(TOKENS)) + data[at:]
        elif kind == "replace" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([draw(st.integers(0, 255))]) + data[at + 1 :]
        elif kind == "truncate":
            data = data[:at]
        elif kind == "duplicate":
            lines = data.splitlines(keepends=True)
            if lines:
                i = draw(st.integers(0, len(lines) - 1))
                data = b"".join([*lines[: i + 1], lines[i], *lines[i + 1 :]])
        elif kind == "bom":
            data = data[:at] + BOM + data[at:] if draw(st.booleans()) else BOM + data
        elif kind == "nul":
            data = data[:at] + b"\x00" + data[at:]
        elif kind == "separators":
            old, new = draw(st.permutations([b" ", b"\t", b","]))[:2]
            data = data.replace(old, new)
    return data


# ------------------------------------------------------------------ the properties
@FUZZ
@given(
    data=st.one_of(st.binary(max_size=400), texty),
    suffix=st.sampled_from(SUFFIXES),
    compress=st.booleans(),
    directed=st.booleans(),
    read=options,
)
def test_property_random_bytes(folder, data, suffix, compress, directed, read):
    path = _write(folder, suffix, data, compress)
    if directed and (compress or suffix not in COMPRESS):
        _check_against_reference(path, data, **read)
    else:
        _read(path, directed=directed, **read)


@FUZZ
@given(base=edge_lists(), how=st.data(), suffix=st.sampled_from(["", ".gz"]))
def test_property_mutated_edge_lists(folder, base, how, suffix):
    data, read = base
    data = how.draw(mutated(data))
    _check_against_reference(_write(folder, suffix, data, compress=True), data, **read)


@FUZZ
@given(base=edge_lists(named=True), how=st.data(), directed=st.booleans())
def test_property_mutated_named_columns(folder, base, how, directed):
    data, read = base
    data = how.draw(mutated(data))
    g = _read(_write(folder, ".csv", data, compress=False), directed=directed, **read)
    if g is None:
        return
    assert g.report.n_rows + g.report.n_skipped_lines == _physical_lines(data)
    if read["nodetype"] is str:  # every label was written in the file
        text = data.decode("utf-8", errors="replace")
        assert all(label in text for label in g.labels.tolist())


def test_valid_files_satisfy_the_reference(folder):
    """The reference itself: valid files read the same both ways."""
    data = b"\xef\xbb\xbf# c\n1 2 0.5\n\n2 3 1.5\r\n3 1 2e0\n"
    path = _write(folder, "", data, compress=False)
    g = _check_against_reference(path, data, weight=2)
    assert g.n_edges == 3
    assert _reference(b"1 2\n3\n", delimiter=None, nodetype=int, weight=None) is None


@pytest.mark.skipif(bool(os.environ.get("SPREAD_FUZZ_CHILD")), reason="the child itself")
@pytest.mark.timeout(660)  # past the child's own 600 s
def test_properties_in_a_child_process():
    """A crash kills the process with a signal (a negative return code); a hang
    overruns the timeout. The child runs the properties with more examples."""
    env = {**os.environ, "SPREAD_FUZZ_CHILD": "1"}
    env["SPREAD_FUZZ_EXAMPLES"] = os.environ.get("SPREAD_FUZZ_CHILD_EXAMPLES", "100")
    command = [
        sys.executable, "-m", "pytest", __file__, "-k", "property", "-p", "no:cacheprovider",
        "-q", "-x", "--no-header",
    ]  # fmt: skip
    child = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    assert child.returncode == 0, (
        f"exit {child.returncode}:\n{child.stdout[-4000:]}\n{child.stderr[-2000:]}"
    )
    assert re.search(r"\b3 passed\b", child.stdout), child.stdout[-2000:]
