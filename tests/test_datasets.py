import hashlib

import pytest

import spread
from spread import DatasetError


@pytest.mark.parametrize(
    ("name", "nodes", "arcs", "directed"),
    [
        ("karate", 34, 156, False),
        ("nethept", 15233, 62752, False),
        ("ego-facebook", 4039, 176468, False),
        ("wiki-vote", 7115, 103689, True),
    ],
)
def test_bundled_counts(name, nodes, arcs, directed):
    g = spread.datasets.load(name)
    assert (g.n_nodes, g.n_edges, g.directed) == (nodes, arcs, directed)
    row = spread.datasets.list().set_index("name").loc[name]
    assert (row["nodes"], row["arcs"], row["directed"]) == (nodes, arcs, directed)


def test_nethept_report_matches_the_data_readme():
    g = spread.datasets.load("nethept")
    # data/README.md: 58,891 edge lines, 39 self-loop lines, 31,376 unique edges
    assert g.report.n_rows == 58891
    assert g.report.n_self_loops == 39
    assert g.report.n_rows - g.report.n_self_loops - g.report.n_duplicates == 31376
    assert int((g.out_degree > 0).sum()) == 15229


def test_wiki_vote_ids_are_not_contiguous():
    g = spread.datasets.load("wiki-vote")
    assert g.labels.min() == 3 and g.labels.max() == 8297
    assert g.report.n_skipped_lines == 4


def test_sha256_recorded_in_data_readme():
    readme = (spread.datasets._data_dir() / "README.md").read_text()
    for name in ("nethept", "ego-facebook", "wiki-vote"):
        p = spread.datasets.path(name)
        digest = hashlib.sha256(p.read_bytes()).hexdigest()
        assert digest in readme


def test_corrupt_file_fails_its_checksum(tmp_path, monkeypatch):
    (tmp_path / "hep.txt").write_text("0 1\n")
    monkeypatch.setattr(spread.datasets, "_data_dir", lambda: tmp_path)
    with pytest.raises(DatasetError, match="fails its checksum"):
        spread.datasets.path("nethept")


def test_unknown_name():
    with pytest.raises(DatasetError, match=r"`name` must be a bundled dataset \(.*\); got 'nope'"):
        spread.datasets.load("nope")


def test_counts_match_shared_copies(shared_data):
    g = spread.read_edgelist(shared_data / "wiki-vote" / "wiki-Vote.txt.gz", directed=True)
    assert (g.n_nodes, g.n_edges) == (7115, 103689)
    f = spread.read_edgelist(
        shared_data / "ego-facebook" / "facebook_combined.txt", directed=False
    )
    assert (f.n_nodes, f.n_edges // 2) == (4039, 88234)
