import bz2
import gzip
import re

import networkx as nx
import numpy as np
import pytest

import spread
from spread import GraphFormatError, InvalidParameterError

GOOD = "# comment\n1 2\n2 3\n3 1\n"


def _write(tmp_path, name, text, mode="w"):
    path = tmp_path / name
    if name.endswith(".gz"):
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


def test_read_csv_named_columns_and_missing_value(tmp_path):
    path = _write(tmp_path, "t.csv", "time,src,dst,n\n1,a,b,2\n2,b,c,1\n3,c,,4\n")
    with pytest.raises(
        GraphFormatError, match=r"t.csv, line 4: a source, target or weight is missing"
    ):
        spread.read_csv(path, source="src", target="dst", weight="n", directed=True)
    with pytest.raises(GraphFormatError, match=r"t\.csv"):
        spread.read_csv(path, source="from", target="dst", directed=True)


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
