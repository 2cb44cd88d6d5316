import bz2
import dataclasses
import gzip
import lzma
import re
import warnings

import networkx as nx
import numpy as np
import pytest

import spread
from spread import GraphFormatError, InvalidParameterError
from spread._common import progress_bar
from spread.exceptions import FileNotFound

GOOD = "# comment\n1 2\n2 3\n3 1\n"


def _write(tmp_path, name, text, mode="w"):
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    elif name.endswith(".gz"):
        with gzip.open(path, "wt", newline="") as fh:
            fh.write(text)
    elif name.endswith(".bz2"):
        with bz2.open(path, "wt", newline="") as fh:
            fh.write(text)
    else:
        with open(path, mode, newline="") as fh:
            fh.write(text)
    return path


@pytest.mark.parametrize("name", ["g.txt", "g.txt.gz", "g.txt.bz2"])
@pytest.mark.parametrize(
    "text",
    [
        GOOD,
        GOOD.replace("\n", "\r\n"),
        GOOD.replace(" ", "\t"),
        GOOD.replace(" ", ","),
        GOOD.replace(" ", "   "),
    ],
    ids=["space", "crlf", "tab", "comma", "spaces"],
)
def test_formats_and_compression(tmp_path, name, text):
    g = spread.read_edgelist(_write(tmp_path, name, text), directed=True)
    s, t, w = g.edges()
    assert sorted(zip(s.tolist(), t.tolist(), strict=True)) == [(1, 2), (2, 3), (3, 1)]
    assert w is None
    assert g.report.n_rows == 3 and g.report.n_skipped_lines == 1


def test_header_line_string_ids_and_weights(tmp_path):
    path = _write(tmp_path, "w.txt", "n m\nalice bob 0.5\nbob carol 0.25\n")
    g = spread.read_edgelist(path, directed=True, skiprows=1, nodetype=str, weight=2)
    assert g.labels.tolist() == ["alice", "bob", "carol"]
    assert g.weights.tolist() == [0.5, 0.25]
    assert g.report.n_skipped_lines == 1


def test_column_selection_in_wider_files(tmp_path):
    path = _write(tmp_path, "wide.txt", "7 100 200 0.9\n8 200 300 0.8\n")
    g = spread.read_edgelist(path, directed=True, columns=(1, 2), weight=3)
    assert g.labels.tolist() == [100, 200, 300]
    assert g.weights.tolist() == [0.9, 0.8]


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ("6 7 8", "expected 2 fields, found 3"),
        ("6", "expected 2 fields, found 1"),
        ("6 x", "field 2 ('x') is not int"),
    ],
)
@pytest.mark.parametrize("name", ["bad.txt", "bad.txt.gz"])
def test_malformed_line_names_file_and_line(tmp_path, bad, problem, name):
    lines = ["# header comment", "1 2", "2 3", "", "3 4", "4 5", bad, "5 6"]
    path = _write(tmp_path, name, "\n".join(lines) + "\n")
    with pytest.raises(
        GraphFormatError, match=re.escape(f"{name}, line 7: {problem}: {bad!r}")
    ) as info:
        spread.read_edgelist(path, directed=True)
    assert info.value.line == 7 and info.value.text == bad
    assert info.value.path.endswith(name)


def test_malformed_weight(tmp_path):
    path = _write(tmp_path, "w.txt", "1 2 0.5\n2 3 heavy\n")
    with pytest.raises(GraphFormatError, match=r"w.txt, line 2: field 3 \('heavy'\) is not float"):
        spread.read_edgelist(path, directed=True, weight=2)


def test_bad_options_and_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="No such edge-list file"):
        spread.read_edgelist(tmp_path / "nope.txt", directed=True)
    path = _write(tmp_path, "g.txt", GOOD)
    with pytest.raises(InvalidParameterError, match="`directed` must be True or False; got 'yes'"):
        spread.read_edgelist(path, directed="yes")
    with pytest.raises(
        InvalidParameterError,
        match="`self_loops` must be one of 'drop', 'keep', 'error'; got 'skip'",
    ):
        spread.read_edgelist(path, directed=True, self_loops="skip")
    with pytest.raises(
        InvalidParameterError,
        match="`comments` must be one character or None; got '//'",
    ):
        spread.read_edgelist(path, directed=True, comments="//")


@pytest.mark.parametrize("suffix", [".txt", ".txt.gz", ".txt.bz2"])
@pytest.mark.parametrize("directed", [True, False])
def test_write_read_round_trip(tmp_path, suffix, directed):
    G = nx.gnm_random_graph(40, 120, seed=3, directed=directed)
    for i, (u, v) in enumerate(G.edges()):
        G[u][v]["weight"] = (i % 7) / 8
    g = spread.Graph.from_networkx(G, weight="weight")
    path = tmp_path / f"g{suffix}"
    spread.write_edgelist(g, path)
    h = spread.read_edgelist(path, directed=directed, weight=2)
    assert h.report.n_duplicates == 0
    H = h.to_networkx()
    assert nx.utils.edges_equal(H.edges(data="weight"), g.to_networkx().edges(data="weight"))


def test_named_columns_and_missing_value(tmp_path):
    path = _write(tmp_path, "t.csv", "time,src,dst,n\n1,a,b,2\n2,b,c,1\n3,c,,4\n")
    with pytest.raises(
        GraphFormatError, match=re.escape("t.csv, line 4: column 'dst' is empty: '3,c,,4'")
    ) as info:
        spread.read_edgelist(path, directed=True, columns=("src", "dst"), weight="n", nodetype=str)
    assert info.value.line == 4 and info.value.text == "3,c,,4"
    with pytest.raises(
        GraphFormatError,
        match=re.escape(
            "t.csv: `columns` names column 'from', which the header (line 1) does not "
            "have; its columns are ['time', 'src', 'dst', 'n']."
        ),
    ):
        spread.read_edgelist(path, directed=True, columns=("from", "dst"), nodetype=str)


def test_named_columns_read_by_name(tmp_path):
    text = "# exported\nwhen,who,whom,n\n2024-01-01,ann,bob,3\n\n2024-01-02, bob , cy,1.5\n"
    path = _write(tmp_path, "r.csv", text)
    g = spread.read_edgelist(
        path, directed=True, columns=("who", "whom"), weight="n", nodetype=str
    )
    assert g.labels.tolist() == ["ann", "bob", "cy"]
    assert g.to_pandas().values.tolist() == [["ann", "bob", 3.0], ["bob", "cy", 1.5]]
    # the comment, the header and the blank line are skipped lines
    assert g.report.n_rows == 2 and g.report.n_skipped_lines == 3
    ints = _write(tmp_path, "i.csv", "a,b\n1,2\n2,3\n")
    h = spread.read_edgelist(ints, directed=True, columns=("b", "a"))
    assert h.edges()[0].tolist() == [2, 3] and h.edges()[1].tolist() == [1, 2]


def test_loader_is_vectorised_on_a_large_file(tmp_path):
    rng = np.random.default_rng(0)
    pairs = rng.integers(0, 5000, size=(20000, 2))
    path = tmp_path / "big.txt"
    np.savetxt(path, pairs, fmt="%d")
    g = spread.read_edgelist(path, directed=True, duplicates="keep", self_loops="keep")
    assert g.n_edges == 20000
    s, t, _ = g.edges()
    expected = sorted(map(tuple, pairs.tolist()))
    assert sorted(zip(s.tolist(), t.tolist(), strict=True)) == expected


# ------------------------------------------------------------ readers own their errors
def _fails(path, *words, error=GraphFormatError, **options):
    """Read `path`, expecting `error` whose message holds the file's name and `words`."""
    options.setdefault("directed", True)
    with pytest.raises(error) as info:
        spread.read_edgelist(path, **options)
    message = str(info.value)
    for word in (path.name, *words):
        assert word in message, (word, message)
    return info.value


def test_missing_file_directory_and_unreadable_file(tmp_path, monkeypatch):
    err = _fails(tmp_path / "nope.txt", "No such edge-list file", error=FileNotFound)
    assert isinstance(err, FileNotFoundError) and isinstance(err, spread.SpreadError)
    folder = tmp_path / "edges.txt"
    folder.mkdir()
    err = _fails(folder, "is a directory, not an edge-list file")
    assert err.path == str(folder)
    path = _write(tmp_path, "locked.txt", GOOD)

    def refuse(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(spread._lines, "open", refuse, raising=False)
    err = _fails(path, "locked.txt: cannot be read (PermissionError:", "Permission denied")
    assert err.path == str(path)


@pytest.mark.parametrize(
    "text", ["", "\n", "# only a comment\n", "# one\n\n   \n# two", "\ufeff# bom, comment\n"]
)
def test_no_edge_lines(tmp_path, text):
    _fails(_write(tmp_path, "e.txt", text), "no edge lines (the file is empty, or all comments)")


def test_named_columns_header_only(tmp_path):
    path = _write(tmp_path, "h.csv", "# c\nsrc,dst\n\n")
    _fails(path, "no edge lines after the header (line 2)", columns=("src", "dst"))


def _compressed(name, data):
    return {".gz": gzip.compress, ".bz2": bz2.compress, ".xz": lzma.compress}[name](data)


@pytest.mark.parametrize("suffix", [".gz", ".bz2", ".xz"])
def test_truncated_or_corrupt_compressed_files(tmp_path, suffix):
    data = _compressed(suffix, GOOD.encode() * 200)
    half = tmp_path / f"half.txt{suffix}"
    half.write_bytes(data[: len(data) // 2])
    _fails(half, f"its {suffix[1:]} data are truncated or corrupt", "EOFError")
    junk = tmp_path / f"junk.txt{suffix}"
    junk.write_bytes(bytes(np.random.default_rng(5).integers(0, 256, 300, dtype=np.uint8)))
    _fails(junk, f"its {suffix[1:]} data are truncated or corrupt")


def test_corrupt_gzip_checksum_and_trailing_garbage(tmp_path):
    data = gzip.compress(GOOD.encode())
    crc = tmp_path / "crc.txt.gz"
    crc.write_bytes(data[:-8] + b"\0\0\0\0" + data[-4:])
    _fails(crc, "its gz data are truncated or corrupt (BadGzipFile: CRC check failed")
    tail = tmp_path / "tail.txt.gz"
    tail.write_bytes(data + b"garbage")
    _fails(tail, "its gz data are truncated or corrupt (BadGzipFile:")


@pytest.mark.parametrize("nodetype", [int, str])
def test_bytes_that_are_not_utf8_name_the_line(tmp_path, nodetype):
    path = _write(tmp_path, "bin.txt", b"# c\n1 2\n2 \xff\xfe3\n3 1\n")
    err = _fails(path, "bin.txt, line 3: bytes that are not UTF-8 text", nodetype=nodetype)
    assert err.line == 3 and err.text == "2 \\xff\\xfe3"


def test_nul_bytes_name_the_line(tmp_path):
    path = _write(tmp_path, "nul.txt", b"1 2\r\n2 3\r\n3 \x004\r\n")
    err = _fails(path, "nul.txt, line 3: a NUL byte: binary data, not text")
    assert err.line == 3
    zeros = tmp_path / "zeros.txt.gz"
    zeros.write_bytes(gzip.compress(bytes(1 << 22)))  # stops at the first block
    _fails(zeros, "zeros.txt.gz, line 1: a NUL byte")


def test_a_line_too_long_to_be_an_edge_list(tmp_path, monkeypatch):
    monkeypatch.setattr(spread._lines, "MAX_LINE", 1000)
    monkeypatch.setattr(spread._lines, "BLOCK", 64)
    path = _write(tmp_path, "long.txt", "1 2\n" + "3" * 5000 + " 4\n")
    _fails(path, "long.txt, line 2: longer than 1,000 bytes: not an edge list")


@pytest.mark.parametrize(
    "text",
    [
        "\ufeff1 2\n2 3\n",
        "\ufeff# comment\n1 2\n2 3\n",
        "\ufeff\ufeff1 2\r\n2 3\r\n",
        "\ufeff\n\n# c\n1\t2\n2\t3\n",
    ],
    ids=["data", "comment", "twice-crlf", "blank-comment-tab"],
)
@pytest.mark.parametrize("name", ["bom.txt", "bom.txt.gz"])
def test_byte_order_mark_is_dropped(tmp_path, text, name):
    g = spread.read_edgelist(_write(tmp_path, name, text), directed=True)
    assert g.labels.tolist() == [1, 2, 3]
    assert g.report.n_rows == 2
    assert g.report.n_skipped_lines == text.count("\n") - 2


def test_byte_order_mark_before_string_labels_and_a_header(tmp_path):
    g = spread.read_edgelist(
        _write(tmp_path, "s.txt", "\ufeffa b\nb c\n"), directed=True, nodetype=str
    )
    assert g.labels.tolist() == ["a", "b", "c"]
    path = _write(tmp_path, "h.csv", "\ufeffsrc,dst\na,b\n")
    h = spread.read_edgelist(path, directed=True, columns=("src", "dst"), nodetype=str)
    assert h.labels.tolist() == ["a", "b"]


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ("99999999999999999999 1", "field 1 ('99999999999999999999') is out of the int64 range"),
        ("9223372036854775808 1", "field 1 ('9223372036854775808') is out of the int64 range"),
        ("1 -9223372036854775809", "field 2 ('-9223372036854775809') is out of the int64 range"),
        ("a b", "field 1 ('a') is not int"),
        ("1.5 2", "field 1 ('1.5') is not int"),
        ("nan 1", "field 1 ('nan') is not int"),
        ("None 2", "field 1 ('None') is not int"),
        ("2 inf", "field 2 ('inf') is not int"),
        ("2 3#4", "field 2 ('3#4') is not int"),
    ],
)
def test_ids_that_are_not_int64_name_the_line(tmp_path, bad, problem):
    path = _write(tmp_path, "ids.txt", f"# ids\n1 2\n{bad}\n3 4\n")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing from numpy or pandas either
        err = _fails(path, f"ids.txt, line 3: {problem}: {bad!r}")
    assert err.line == 3 and err.text == bad


def test_integral_decimals_read_as_integers(tmp_path):
    g = spread.read_edgelist(_write(tmp_path, "d.txt", "1.0 2\n2 3e0\n"), directed=True)
    assert g.labels.tolist() == [1, 2, 3] and g.n_edges == 2


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        ("2 3 nan", "field 3 ('nan') is not a finite number"),
        ("2 3 NaN", "field 3 ('NaN') is not a finite number"),
        ("2 3 inf", "field 3 ('inf') is not a finite number"),
        ("2 3 -inf", "field 3 ('-inf') is not a finite number"),
        ("2 3 1e400", "field 3 ('1e400') is not a finite number"),
        ("2 3", "expected 3 fields, found 2"),
    ],
)
def test_weights_that_are_not_finite_name_the_line(tmp_path, bad, problem):
    path = _write(tmp_path, "w.txt", f"1 2 0.5\n{bad}\n")
    err = _fails(path, f"w.txt, line 2: {problem}: {bad!r}", weight=2)
    assert err.line == 2


def test_missing_weight_in_a_csv_names_the_line(tmp_path):
    path = _write(tmp_path, "w.csv", "1,2,0.5\n2,3,\n")
    _fails(path, "w.csv, line 2: field 3 is empty: '2,3,'", weight=2)


@pytest.mark.parametrize("delimiter", [None, ","])
def test_spaces_around_comma_separated_fields(tmp_path, delimiter):
    path = _write(tmp_path, "c.txt", "a, b\nb ,c\n  c , a \n")
    g = spread.read_edgelist(path, directed=True, nodetype=str, delimiter=delimiter)
    assert g.labels.tolist() == ["a", "b", "c"]
    assert sorted(map(tuple, g.to_pandas().values.tolist())) == [
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
    ]
    h = spread.read_edgelist(_write(tmp_path, "i.txt", "1, 2\n2 ,3\n"), directed=True)
    assert h.labels.tolist() == [1, 2, 3]


def test_spaces_around_tab_separated_fields(tmp_path):
    path = _write(tmp_path, "t.txt", "a\t b\nb \tc\n")
    g = spread.read_edgelist(path, directed=True, nodetype=str)
    assert g.labels.tolist() == ["a", "b", "c"]


def test_sniffing_skips_blank_and_comment_lines(tmp_path):
    path = _write(tmp_path, "s.txt", "\n# a comment, with a comma\n\t\nx\ty z\ny z\tw\n")
    g = spread.read_edgelist(path, directed=True, nodetype=str)
    assert g.labels.tolist() == ["w", "x", "y z"]
    assert g.report.n_skipped_lines == 3


def test_na_like_words_are_string_labels(tmp_path):
    path = _write(tmp_path, "na.txt", "None NA\nN/A NaN\nnull nan\n- n/a\n")
    g = spread.read_edgelist(path, directed=True, nodetype=str)
    assert g.labels.tolist() == ["-", "N/A", "NA", "NaN", "None", "n/a", "nan", "null"]
    assert g.n_edges == 4
    csv_path = _write(tmp_path, "na.csv", "who,whom\nNone,NA\nnull,NaN\n")
    h = spread.read_edgelist(csv_path, directed=True, columns=("who", "whom"), nodetype=str)
    assert h.labels.tolist() == ["NA", "NaN", "None", "null"]


@pytest.mark.parametrize(
    ("text", "problem", "bad"),
    [
        ("a,b,1\na,,b\n", "field 2 is empty", "a,,b"),
        ("a,b\n,b\n", "field 1 is empty", ",b"),
        ("a,b\n , b\n", "field 1 is empty", " , b"),
        ("a\tb\n\t\n", "field 1 is empty", "\t"),
    ],
)
def test_empty_string_labels_name_the_line(tmp_path, text, problem, bad):
    path = _write(tmp_path, "e.txt", text)
    _fails(path, f"e.txt, line 2: {problem}: {bad!r}", nodetype=str)


def test_comment_character_inside_a_line_is_data(tmp_path):
    path = _write(tmp_path, "h.txt", "# languages\nC# java\n  # indented comment\njava C#\n")
    g = spread.read_edgelist(path, directed=True, nodetype=str)
    assert g.labels.tolist() == ["C#", "java"] and g.n_edges == 2
    assert g.report.n_skipped_lines == 2


def test_line_ends_and_report_counts(tmp_path):
    for text in ["# c\r1 2\r2 3\r", "# c\r\n1 2\r\n\r\n2 3", "# c\n1 2\n2 3\n\n\n"]:
        g = spread.read_edgelist(_write(tmp_path, "l.txt", text), directed=True)
        assert g.labels.tolist() == [1, 2, 3] and g.report.n_rows == 2
        lines = text.replace("\r\n", "\n").replace("\r", "\n")
        assert g.report.n_skipped_lines == len(lines.splitlines()) - 2


@pytest.mark.parametrize(
    ("text", "columns", "weight", "words"),
    [
        ("a,b,a\n1,2,3\n", ("a", "b"), None, "h.csv, line 1: the header names column 'a' twice"),
        (
            "s,t\n1,2\n",
            ("s", "t"),
            "w",
            "`weight` names column 'w', which the header (line 1) does not have; its columns are ['s', 't']",
        ),
        (
            "# c\ns,t,w\n1,2,0.5\n\n2,3,\n",
            ("s", "t"),
            "w",
            "h.csv, line 5: column 'w' is empty: '2,3,'",
        ),
        (
            "s,t,w\n1,2,0.5\n2,3,nan\n",
            ("s", "t"),
            "w",
            "h.csv, line 3: column 'w' ('nan') is not a finite number",
        ),
        ("s,t\n1,2\nann,bob\n", ("s", "t"), None, "h.csv, line 3: column 's' ('ann') is not int"),
        (
            "s,t,u\n1,2,3\n4,5\n",
            ("s", "t"),
            None,
            "h.csv, line 3: expected 3 fields, found 2: '4,5'",
        ),
        ("s,t,u\n1,2,3\n4,5,6,7\n", ("s", "t"), None, "h.csv, line 3: expected 3 fields, found 4"),
        (
            's,t\n"1\n2",3\n',
            ("s", "t"),
            None,
            "h.csv, line 2: a quoted field is not closed on its line",
        ),
        (
            's,t,u\n1,2,"x\ny"\n',
            ("s", "t"),
            None,
            "h.csv, line 2: a quoted field is not closed on its line",
        ),
        ('"s,t\n1,2\n', ("s", "t"), None, "h.csv, line 1: the header has an unclosed quote"),
    ],
)
def test_named_column_errors(tmp_path, text, columns, weight, words):
    path = _write(tmp_path, "h.csv", text)
    _fails(path, words, columns=columns, weight=weight)


def test_named_columns_keep_quoted_fields(tmp_path):
    path = _write(tmp_path, "q.csv", 's,t,note\n"Smith, J",b,"said ""hi"""\nb,"Smith, J",x\n')
    g = spread.read_edgelist(path, directed=True, columns=("s", "t"), nodetype=str)
    assert g.labels.tolist() == ["Smith, J", "b"] and g.n_edges == 2


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"columns": (0,)}, "`columns` must name two fields (source, target); got (0,)."),
        ({"columns": "ab"}, "`columns` must name two fields (source, target); got 'ab'."),
        ({"columns": (1, 1)}, "`columns` must name two different fields; got (1, 1)."),
        ({"columns": ("a", 1)}, "`columns` must be two positions or two names; got ('a', 1)."),
        ({"columns": (0, True)}, "`columns` must be an integer; got True."),
        ({"columns": (0, -1)}, "`columns` must be an integer >= 0; got -1."),
        ({"weight": 1}, "`weight` must differ from the endpoint `columns` (0, 1); got 1."),
        ({"weight": "w"}, "`weight` must be an integer; got 'w'."),
        (
            {"columns": ("a", "b"), "weight": 2},
            "`weight` must be a column name, as `columns` are; got 2.",
        ),
        ({"comments": "//"}, "`comments` must be one character or None; got '//'."),
        ({"comments": " "}, "`comments` must be one character or None; got ' '."),
        (
            {"comments": ",", "delimiter": ","},
            "`comments` must differ from `delimiter`; both are ','.",
        ),
        (
            {"delimiter": ",,"},
            "`delimiter` must be one ASCII character (not a line end or a quote), or None for runs of spaces and tabs; got ',,'.",
        ),
        ({"delimiter": "\n"}, "`delimiter` must be one ASCII character"),
        ({"delimiter": "§"}, "`delimiter` must be one ASCII character"),
        ({"skiprows": -1}, "`skiprows` must be an integer >= 0; got -1."),
        ({"skiprows": True}, "`skiprows` must be an integer; got True."),
        ({"nodetype": float}, "`nodetype` must be int or str; got <class 'float'>."),
        ({"directed": 1}, "`directed` must be True or False; got 1."),
        (
            {"merge": "mean"},
            "`merge` must be one of 'sum', 'max', 'min', 'first', 'last'; got 'mean'.",
        ),
        (
            {"duplicates": "drop"},
            "`duplicates` must be one of 'merge', 'keep', 'error'; got 'drop'.",
        ),
    ],
)
def test_invalid_options_name_the_parameter(tmp_path, options, message):
    path = _write(tmp_path, "g.txt", GOOD)
    options = {"directed": True, **options}
    with pytest.raises(InvalidParameterError, match=re.escape(message)):
        spread.read_edgelist(path, **options)
    with pytest.raises(InvalidParameterError, match=re.escape("`path` must be a file path")):
        spread.read_edgelist(3, directed=True)


def test_valid_files_never_take_the_line_scan(tmp_path, monkeypatch):
    def scan(*args):
        raise AssertionError("the line scan ran on a valid file")

    monkeypatch.setattr(spread.io, "_find_problem", scan)
    for name in ["g.txt", "g.txt.gz"]:
        spread.read_edgelist(_write(tmp_path, name, GOOD), directed=True)
    path = _write(tmp_path, "w.csv", "s,t,w,note\na,b,0.5,x\nb,c,1,\n")
    g = spread.read_edgelist(path, directed=True, columns=("s", "t"), weight="w", nodetype=str)
    assert g.weights.tolist() == [0.5, 1.0]


def test_report_is_built_once_with_the_skipped_lines(tmp_path):
    path = _write(tmp_path, "r.txt", "n m\n# c\n1 2\n\n2 3\n2 3\n")
    g = spread.read_edgelist(path, directed=True, skiprows=1)
    assert g.report.n_rows == 3 and g.report.n_duplicates == 1
    assert g.report.n_skipped_lines == 3 and g.report.source == "r.txt"
    with pytest.raises(dataclasses.FrozenInstanceError):
        g.report.n_skipped_lines = 0


# ------------------------------------------------- regressions found by the fuzz tests
def test_a_byte_order_mark_inside_the_file_is_data(tmp_path):
    # pandas drops a BOM that starts its input, which was the first data line here
    path = _write(tmp_path, "b.txt", "# comment\n\ufeffa a\nb a\n")
    g = spread.read_edgelist(path, directed=True, nodetype=str, self_loops="keep")
    assert g.labels.tolist() == ["a", "b", "\ufeffa"]
    ints = _write(tmp_path, "i.txt", "# comment\n\ufeff0 0\n")
    token = "\ufeff0"
    err = _fails(ints, f"i.txt, line 2: field 1 ({token!r}) is not int")
    assert err.text == "\ufeff0 0"


@pytest.mark.parametrize("rows", ["1,2,3\n", "1,2\n3,4,5\n"])
def test_named_columns_rows_wider_than_the_header(tmp_path, rows):
    # pandas dropped the extra fields (with a ParserWarning) when told the names
    path = _write(tmp_path, "wide.csv", "s,t\n" + rows)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _fails(path, "wide.csv, line", "expected 2 fields, found 3", columns=("s", "t"))


def test_ascii_whitespace_around_numbers_is_ignored(tmp_path):
    # pandas' number parser skips \v and \f around a number; the rule says so now
    path = _write(tmp_path, "v.txt", "# c\n\x0b1 2\x0c 0.5\x0b\n2 3 1\n")
    g = spread.read_edgelist(path, directed=True, weight=2)
    assert g.labels.tolist() == [1, 2, 3] and g.weights.tolist() == [0.5, 1.0]
    labels = spread.read_edgelist(path, directed=True, weight=2, nodetype=str)
    assert labels.labels.tolist() == ["\x0b1", "2", "2\x0c", "3"]
    for sep in [" ", ","]:
        bad = _write(tmp_path, "b.txt", f"1{sep}2\n\x0b{sep}3\n")
        _fails(bad, f"b.txt, line 2: field 1 is empty: {chr(11) + sep + '3'!r}")


@pytest.mark.parametrize("name", ["bar.txt", "bar.txt.gz"])
def test_progress_bars_count_the_files_bytes_and_the_build_stages(
    tmp_path, capsys, monkeypatch, name
):
    """`progress=True` shows a bar over the bytes of the file on disk (compressed or
    not: it ends at the file's size) and one over the graph's three build stages; the
    graph is the same as without; `progress=False` prints nothing."""
    made = []

    def recorded(*args, **kwargs):
        bar = progress_bar(*args, **kwargs)
        made.append(bar)
        return bar

    monkeypatch.setattr(spread.io, "progress_bar", recorded)
    monkeypatch.setattr(spread.convert, "progress_bar", recorded)
    text = "".join(f"{i} {i + 1}\n" for i in range(2000))
    path = _write(tmp_path, name, text)
    quiet = spread.read_edgelist(path, directed=True, progress=False)
    assert capsys.readouterr().err == ""
    assert [bar.disable for bar in made] == [True, True]
    made.clear()
    g = spread.read_edgelist(path, directed=True, progress=True)
    assert f"read {name}" in capsys.readouterr().err
    assert [(bar.desc, bar.n, bar.total) for bar in made] == [
        (f"read {name}", path.stat().st_size, path.stat().st_size),
        ("build graph", 3, 3),
    ]
    assert g.edges()[0].tolist() == quiet.edges()[0].tolist()
    assert g.n_edges == 2000
