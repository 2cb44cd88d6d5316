import hashlib
from pathlib import Path

import numpy as np
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
        ("higgs-retweet", 256491, 328132, True),
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
    for name in ("nethept", "ego-facebook", "wiki-vote", "higgs-retweet", "higgs"):
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


def test_higgs_retweet_arcs_run_from_the_retweeted_user():
    g = spread.datasets.load("higgs-retweet")
    assert g.directed and g.weights is not None
    # 228,556 users retweeted (data/README.md): exactly the nodes with an in-arc.
    assert int((g.in_degree > 0).sum()) == 228556
    assert float(g.weights.sum()) == 354930


def test_higgs_retweet_reverses_the_file_columns(shared_data):
    import gzip

    with gzip.open(shared_data / "higgs-twitter" / "higgs-retweet_network.edgelist.gz", "rt") as f:
        a, b, w = (int(x) for x in f.readline().split())
    src, dst, weight = spread.datasets.load("higgs-retweet").edges()
    hits = (src == b) & (dst == a)
    assert hits.sum() == 1 and weight[hits][0] == w


def test_higgs_trend_matches_the_activity_log_totals():
    full = spread.datasets.load_trend("higgs")
    assert full.n_bins == 168 and full.kind == "adopters"
    assert full.total == 228556
    assert str(full.start) == "2012-07-01 00:00:00+00:00"
    assert spread.datasets.load_trend("higgs", "retweets").total == 354930
    all_activity = spread.datasets.load_trend("higgs", "all_activity")
    assert all_activity.total == 563069 and all_activity.kind == "volume"


def test_higgs_trend_window():
    tr = spread.datasets.load_trend("higgs", start="2012-07-04", end="2012-07-05")
    assert tr.n_bins == 24
    assert str(tr.start) == "2012-07-04 00:00:00+00:00"
    assert int(tr.counts.argmax()) == 6  # the peak hour, 06:00 UTC


def test_higgs_trend_derivation_is_reproducible(shared_data, tmp_path):
    import importlib.util

    script = Path(__file__).resolve().parents[1] / "benchmarks" / "make_higgs_trend.py"
    spec = importlib.util.spec_from_file_location("make_higgs_trend", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    out = tmp_path / "higgs-hourly.csv"
    adopters = tmp_path / "higgs-adopters.txt.gz"
    module.derive(shared_data / "higgs-twitter" / "higgs-activity_time.txt.gz", out, adopters)
    assert out.read_bytes() == spread.datasets.path("higgs").read_bytes()
    assert adopters.read_bytes() == spread.datasets.path("higgs-adopters").read_bytes()


def test_higgs_adopters_are_the_trend_and_nodes_of_the_graph():
    cs = spread.datasets.load_cascades("higgs-adopters")
    assert len(cs) == 228556 and cs.n_cascades == 1
    assert cs.graph is spread.datasets.load("higgs-retweet")
    hourly = cs.to_trend("1h")
    assert np.array_equal(hourly.counts, spread.datasets.load_trend("higgs").counts)
    # every adopter retweeted someone: an in-arc in the reversed retweet network
    assert (cs.graph.in_degree[cs.data["index"].to_numpy()] > 0).all()
    first = spread.datasets.load_cascades(
        "higgs-adopters", start="2012-07-04 04:00", end="2012-07-04 05:00"
    )
    assert len(first) == 2368
    with pytest.raises(DatasetError, match=r"`name` must be a bundled cascades"):
        spread.datasets.load_cascades("higgs")


def test_trend_and_graph_loaders_do_not_mix():
    with pytest.raises(DatasetError, match=r"`name` must be a bundled graph .*load_trend"):
        spread.datasets.load("higgs")
    with pytest.raises(DatasetError, match=r"`name` must be a bundled trend \(higgs\)"):
        spread.datasets.load_trend("nethept")


def test_trend_column_is_checked():
    with pytest.raises(spread.InvalidParameterError, match="`column` must be one of"):
        spread.datasets.load_trend("higgs", "likes")


def test_list_names_every_kind():
    table = spread.datasets.list().set_index("name")
    assert table.loc["higgs", "kind"] == "trend"
    assert table.loc["higgs-retweet", "kind"] == "graph"
    assert table.loc["higgs-adopters", "kind"] == "cascades"
