"""The catalogue of bad inputs: one place to scan what every boundary refuses, and how.

Each row of `ERRORS` is one class of bad input at one public boundary: the call, the
exception type it must raise and the words its message must contain (chosen to show the
parameter or file, the rule broken and the value received). Rows are callables of one
argument, the test's ``tmp_path``, where the file readers write their bad files.

Some bad inputs have a correct outcome that is not an exception: a fit that cannot
identify its parameters returns ``success=False`` with the reason (`FAILED_FITS`), a
window that leaves out every event warns (`WARNINGS`), and a few inputs that look bad are
read as a person would read them (`ANSWERS`). The command line turns every one of these
errors into one line on stderr and exit code 2 (bad input) or 1 (failed while working),
never a traceback (`CLI`).
"""

import bz2
import functools
import gzip
import lzma
import warnings

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

import spread
from spread import IC, LT, Cascades, Graph, Heat, Trend, datasets, maximize, simulate, solve
from spread.cli import main
from spread.exceptions import (
    ConvergenceWarning,
    DatasetError,
    FileNotFound,
    GraphFormatError,
    InvalidParameterError,
    MemoryLimitError,
    NodeNotFound,
    WorkLimitError,
)
from spread.fit import (
    CTICEstimator,
    HeatEstimator,
    ICEstimator,
    LTEstimator,
    dmp_ic,
    fit_bass,
    fit_hawkes,
    fit_ic,
    fit_logistic,
    fit_si,
    rolling_origin,
    simulate_cascades,
    simulate_hawkes,
    simulate_trend,
)

KARATE = datasets.load("karate")  # 34 nodes, 156 arcs, labels 0..33
PATH = Graph.from_edges([0, 1, 2], [1, 2, 3])
HUGE = 10**18
HUGE_TEXT = "1,000,000,000,000,000,000"
EVENTS = pd.DataFrame({"cascade": [0, 0, 1], "node": [0, 1, 2], "time": [0.0, 1.0, 0.0]})


@functools.cache
def bass_trend():
    """30 bins of a Bass curve with noise."""
    return simulate_trend("bass", {"m": 5e3, "p": 0.01, "q": 0.4}, 30, rng=0)


@functools.cache
def bass_fit():
    """A successful Bass fit, for the rows on results."""
    return fit_bass(bass_trend())


def write(tmp, name, data):
    """`data` (bytes or text) as the file `name` in `tmp`; returns its path."""
    path = tmp / name
    if isinstance(data, bytes):
        path.write_bytes(data)
    else:
        path.write_text(data)
    return path


def read(tmp, name, data, **kwargs):
    """`read_edgelist` of `data` written as `name` (directed unless told)."""
    kwargs.setdefault("directed", True)
    return spread.read_edgelist(write(tmp, name, data), **kwargs)


def truncated_gz():
    data = gzip.compress(b"1 2\n2 3\n" * 1000)
    return data[: len(data) // 2]


def frame(**columns):
    """`EVENTS` with some columns replaced."""
    return EVENTS.assign(**columns)


def row(call, error, words, id):
    return pytest.param(call, error, words, id=id)


IPE = InvalidParameterError

ERRORS = [
    # ------------------------------------------------------------ graph builders
    row(lambda t: Graph.from_edges(["a", None], ["b", "c"]), IPE,
        ["`sources`", "missing values", "row 1", "None"], "label-None"),
    row(lambda t: Graph.from_edges([1.0, np.nan], [2.0, 3.0]), IPE,
        ["`sources`", "missing values", "row 1", "nan"], "label-NaN"),
    row(lambda t: Graph.from_edges(["a", "b"], ["b", pd.NA]), IPE,
        ["`targets`", "missing values", "row 1", "<NA>"], "label-pd.NA"),
    row(lambda t: Graph.from_pandas(pd.DataFrame({"source": [1, np.nan], "target": [2, 3]})),
        IPE, ["`sources`", "missing values", "row 1", "nan"], "from_pandas-NaN-id"),
    row(lambda t: Graph.from_edges([1, ""], [2, 3]), IPE,
        ["`sources`", "empty strings among numeric ids", "row 1", "''"], "label-empty-among-ints"),
    row(lambda t: Graph.from_pandas(pd.DataFrame({"source": [1, 2], "target": [3, ""]})),
        IPE, ["`targets`", "empty strings", "row 1", "''"], "from_pandas-empty-id"),
    row(lambda t: Graph.from_edges([0, 1], [1, 2], [1.0, np.inf]), IPE,
        ["`weights`", "finite", "edge 1", "inf"], "weight-inf"),
    row(lambda t: Graph([0, 1, 1], [1], [np.inf]), IPE,
        ["`weights`", "finite", "arc 0", "inf"], "Graph-arrays-inf-weight"),
    row(lambda t: Graph.from_edges([0, 1], [1, 2], [True, False]), IPE,
        ["`weights`", "not booleans", "True"], "weight-bool"),
    row(lambda t: Graph.from_edges([0, 1], [1, 2], [1.0]), IPE,
        ["`weights`", "one entry per edge (2)", "(1,)"], "weight-length"),
    row(lambda t: Graph.from_edges([0, 1], [1]), IPE,
        ["`sources` and `targets`", "equal length", "(2,)", "(1,)"], "endpoints-length"),
    row(lambda t: Graph.from_edges("ab", "cd"), IPE,
        ["`sources`", "1-d sequence of labels", "'ab'"], "labels-a-string"),
    row(lambda t: Graph.from_edges([0], [1], labels=[0, 0, 1]), IPE,
        ["`labels`", "distinct", "0 appears more than once"], "labels-repeated"),
    row(lambda t: Graph.from_edges([0], [5], labels=[0, 1]), NodeNotFound,
        ["endpoint", "[5]", "not in `labels`"], "endpoint-not-in-labels"),
    row(lambda t: Graph.from_edges([0], [1], self_loops="ignore"), IPE,
        ["`self_loops`", "'drop'", "'ignore'"], "self_loops-option"),
    row(lambda t: Graph.from_scipy(sp.csr_array(np.array([[0.0, np.inf], [1.0, 0.0]]))), IPE,
        ["`A`", "finite", "(0, 1)", "inf"], "from_scipy-inf"),
    row(lambda t: Graph.from_networkx(nx.path_graph(2), weight="w", default=np.nan), IPE,
        ["`weights`", "finite", "nan"], "from_networkx-nan-weight"),
    row(lambda t: KARATE.index_of([99]), NodeNotFound,
        ["node 99", "not in the graph", "34 nodes"], "index_of-unknown"),
    # -------------------------------------------------------------- file readers
    row(lambda t: read(t, "empty.txt", b""), GraphFormatError,
        ["empty.txt", "no edge lines", "empty"], "file-empty"),
    row(lambda t: read(t, "notes.txt", "# only\n\n# comments\n"), GraphFormatError,
        ["notes.txt", "no edge lines", "comments"], "file-only-comments"),
    row(lambda t: read(t, "cut.txt.gz", truncated_gz()), GraphFormatError,
        ["cut.txt.gz", "gz data are truncated or corrupt"], "file-truncated-gz"),
    row(lambda t: read(t, "bad.txt.bz2", bz2.compress(b"1 2\n")[:-8]), GraphFormatError,
        ["bad.txt.bz2", "bz2 data are truncated or corrupt"], "file-truncated-bz2"),
    row(lambda t: read(t, "bad.txt.xz", lzma.compress(b"1 2\n")[:20] + b"junk"),
        GraphFormatError, ["bad.txt.xz", "xz data are truncated or corrupt"], "file-corrupt-xz"),
    row(lambda t: read(t, "junk.bin", bytes(range(256)) * 4), GraphFormatError,
        ["junk.bin", "line 1", "NUL byte", "binary"], "file-binary"),
    row(lambda t: read(t, "latin.txt", b"1 2\n\xff\xfe 3\n"), GraphFormatError,
        ["latin.txt", "line 2", "not UTF-8", "\\xff"], "file-undecodable"),
    row(lambda t: read(t, "big.txt", "1 2\n18446744073709551617 1\n"), GraphFormatError,
        ["big.txt", "line 2", "int64 range", "18446744073709551617"], "file-id-above-2**64"),
    row(lambda t: read(t, "one.txt", "1 2\n3\n"), GraphFormatError,
        ["one.txt", "line 2", "expected 2 fields, found 1", "'3'"], "file-one-field"),
    row(lambda t: read(t, "words.txt", "# header\n1 2\nann bob\n"), GraphFormatError,
        ["words.txt", "line 3", "is not int", "'ann'"], "file-not-int"),
    row(lambda t: read(t, "float.txt", "1.5 2\n"), GraphFormatError,
        ["float.txt", "line 1", "is not int", "'1.5'"], "file-fractional-id"),
    row(lambda t: read(t, "blank.csv", "1,2\n,3\n"), GraphFormatError,
        ["blank.csv", "line 2", "field 1 is empty", "',3'"], "file-empty-field"),
    row(lambda t: read(t, "w.txt", "1 2 0.5\n2 3 nan\n", weight=2), GraphFormatError,
        ["w.txt", "line 2", "not a finite number", "'nan'"], "file-nan-weight"),
    row(lambda t: read(t, "h.csv", "a,b\n1,2\n", columns=("x", "y")), GraphFormatError,
        ["h.csv", "names column 'x'", "header (line 1)", "['a', 'b']"], "file-missing-column"),
    row(lambda t: spread.read_edgelist(t, directed=True), GraphFormatError,
        ["is a directory", "not an edge-list file"], "file-a-directory"),
    row(lambda t: spread.read_edgelist(t / "nope.txt", directed=True), FileNotFound,
        ["No such edge-list file", "nope.txt"], "file-missing"),
    row(lambda t: read(t, "ok.txt", "1 2\n", directed="yes"), IPE,
        ["`directed`", "True or False", "'yes'"], "reader-directed"),
    row(lambda t: read(t, "ok.txt", "1 2\n", nodetype=float), IPE,
        ["`nodetype`", "int or str", "float"], "reader-nodetype"),
    row(lambda t: read(t, "ok.txt", "1 2\n", delimiter="::"), IPE,
        ["`delimiter`", "one ASCII character", "'::'"], "reader-delimiter"),
    # -------------------------------------------------------------------- models
    row(lambda t: IC(p=1.5), IPE, ["`p`", "probability in [0, 1]", "1.5"], "IC-p-above-1"),
    row(lambda t: IC(p=-0.1), IPE, ["`p`", "[0, 1]", "-0.1"], "IC-p-negative"),
    row(lambda t: IC(p=float("nan")), IPE, ["`p`", "[0, 1]", "nan"], "IC-p-NaN"),
    row(lambda t: IC(p=True), IPE, ["`p`", "[0, 1]", "True"], "IC-p-bool"),
    row(lambda t: IC(p="cascade"), IPE, ["`p`", "'wc'", "'cascade'"], "IC-p-unknown-scheme"),
    row(lambda t: IC(p=[0.1, 2.0]), IPE, ["`p`", "[0, 1]", "2.0", "arc 1"], "IC-p-array"),
    row(lambda t: simulate(KARATE, [0], IC(p=[0.1] * 3), n_runs=2), IPE,
        ["`p`", "one entry per arc (156)", "length 3"], "IC-p-array-length"),
    row(lambda t: IC(p=0.1, external=1.5), IPE, ["`external`", "[0, 1]", "1.5"], "IC-external"),
    row(lambda t: LT(weights=[1.5, 0.5]), IPE,
        ["`weights`", "[0, 1]", "1.5", "arc 0"], "LT-weight-above-1"),
    row(lambda t: simulate(KARATE, [0], LT(weights=[1.0] * 156), n_runs=2), IPE,
        ["`weights`", "sum to at most 1", "node 0 receives 16"], "LT-in-weights-over-1"),
    row(lambda t: LT(thresholds=[0.5, 0.0]), IPE,
        ["`thresholds`", "(0, 1]", "0", "node index 1"], "LT-threshold-zero"),
    row(lambda t: LT(threshold_law=("beta", -1, 2)), IPE,
        ["`threshold_law`", "a > 0", "-1"], "LT-law"),
    row(lambda t: LT(normalize="yes"), IPE, ["`normalize`", "True or False", "'yes'"],
        "LT-normalize"),
    row(lambda t: Heat(beta=np.inf), IPE, ["`beta`", "finite number > 0", "inf"], "Heat-beta-inf"),
    row(lambda t: Heat(beta=0), IPE, ["`beta`", "> 0", "0"], "Heat-beta-zero"),
    row(lambda t: Heat(beta=True), IPE, ["`beta`", "real number", "True"], "Heat-beta-bool"),
    row(lambda t: Heat(beta=1.0, kind="laplace"), IPE, ["`kind`", "'undirected'", "'laplace'"],
        "Heat-kind"),
    # ------------------------------------------------------------------ simulate
    row(lambda t: simulate(KARATE, [0], IC(p=0.1), n_runs=True), IPE,
        ["`n_runs`", "integer", "True"], "n_runs-bool"),
    row(lambda t: simulate(KARATE, [0], IC(p=0.1), n_runs=0), IPE,
        ["`n_runs`", ">= 1", "0"], "n_runs-zero"),
    row(lambda t: simulate(KARATE, [0], IC(p=0.1), n_runs=1.5), IPE,
        ["`n_runs`", "integer", "1.5"], "n_runs-fraction"),
    row(lambda t: simulate(KARATE, [0], IC(p=0.1), n_runs=HUGE), MemoryLimitError,
        [HUGE_TEXT, "runs", "`max_memory`", "lower `n_runs`"], "n_runs-huge"),
    row(lambda t: simulate(KARATE, [0], IC(p=0.1), n_runs=2, max_steps=1e23), IPE,
        ["`max_steps`", "integer", "1e+23"], "max_steps-1e23"),
    row(lambda t: simulate(KARATE, [0], IC(p=0.1), n_runs=2, max_steps=2**70), IPE,
        ["`max_steps`", "<=", str(2**70)], "max_steps-2**70"),
    row(lambda t: simulate(KARATE, [0], IC(p=0.1), n_runs=2, max_steps=-1), IPE,
        ["`max_steps`", ">= 0", "-1"], "max_steps-negative"),
    row(lambda t: simulate(KARATE, [0], IC(p=0.1, external=0.1), n_runs=2), IPE,
        ["`max_steps`", "required", "external=0.1"], "max_steps-needed"),
    row(lambda t: simulate(KARATE, [99], IC(p=0.1), n_runs=2), NodeNotFound,
        ["node 99", "not in the graph", "34 nodes"], "seed-unknown"),
    row(lambda t: simulate(KARATE, [np.nan], IC(p=0.1), n_runs=2), NodeNotFound,
        ["node nan", "not in the graph"], "seed-NaN"),
    row(lambda t: simulate(KARATE, None, IC(p=0.1), n_runs=2), IPE,
        ["`seeds`", "node labels", "None"], "seeds-None"),
    row(lambda t: simulate(KARATE, [0], Heat(beta=1.0), n_runs=2), IPE,
        ["`model`", "Heat", "spread.solve"], "model-Heat"),
    row(lambda t: simulate(KARATE, [0], "ic", n_runs=2), IPE, ["`model`", "'ic'"], "model-str"),
    row(lambda t: simulate(nx.karate_club_graph(), [0], IC(p=0.1)), IPE,
        ["`graph`", "spread.Graph", "Graph"], "graph-networkx"),
    row(lambda t: simulate(KARATE, [0], IC(p=0.1), n_runs=2, rng="seed"), IPE,
        ["`rng`", "an int", "'seed'"], "rng-str"),
    row(lambda t: simulate(KARATE, [0], IC(p=0.1), n_runs=2, n_jobs=0), IPE,
        ["`n_jobs`", ">= 1", "0"], "n_jobs-zero"),
    row(lambda t: simulate(KARATE, [0], IC(p=0.1), n_runs=2, keep_times="yes"), IPE,
        ["`keep_times`", "True or False", "'yes'"], "keep_times-str"),
    row(lambda t: spread.simulate_sets(KARATE, [], IC(p=0.1), n_runs=2), IPE,
        ["`seed_sets`", "at least one seed set"], "seed_sets-empty"),
    # ------------------------------------------------------------------ maximize
    row(lambda t: maximize(KARATE, 2, IC(p=0.1), eps=1e-300), IPE,
        ["`eps`", "[1e-06, 1 - 1/e)", "1e-300"], "eps-tiny"),
    row(lambda t: maximize(KARATE, 2, IC(p=0.1), eps=0.9), IPE,
        ["`eps`", "1 - 1/e", "0.9"], "eps-above-1-1/e"),
    row(lambda t: maximize(KARATE, 2, IC(p=0.1), eps=np.nan), IPE,
        ["`eps`", "finite", "nan"], "eps-NaN"),
    row(lambda t: maximize(KARATE, 2, IC(p=0.1), eps=0.5, n_eval_runs=HUGE), WorkLimitError,
        ["`n_eval_runs`", HUGE_TEXT, "`max_work`"], "n_eval_runs-huge"),
    row(lambda t: maximize(KARATE, 2, IC(p=0.1), method="celf", n_runs=HUGE), WorkLimitError,
        ["CELF", "`n_runs`", HUGE_TEXT, "`max_work`"], "celf-n_runs-huge"),
    row(lambda t: maximize(KARATE, 35, IC(p=0.1)), IPE,
        ["`k`", "number of eligible nodes (34)", "35"], "k-above-n"),
    row(lambda t: maximize(KARATE, 0, IC(p=0.1)), IPE, ["`k`", ">= 1", "0"], "k-zero"),
    row(lambda t: maximize(KARATE, -1, IC(p=0.1)), IPE, ["`k`", ">= 1", "-1"], "k-negative"),
    row(lambda t: maximize(KARATE, True, IC(p=0.1)), IPE, ["`k`", "integer", "True"], "k-bool"),
    row(lambda t: maximize(KARATE, 2, IC(p=0.1), candidates=[0]), IPE,
        ["`k`", "eligible nodes (1)", "2"], "k-above-candidates"),
    row(lambda t: maximize(KARATE, 2, IC(p=0.1), method="greedy"), IPE,
        ["`method`", "'imm'", "'greedy'"], "method-unknown"),
    row(lambda t: maximize(KARATE, 2, Heat(beta=1.0), horizon=1.0), IPE,
        ["`method`", "'heat-top'", "'opim-c'"], "method-for-Heat"),
    row(lambda t: maximize(KARATE, 2, IC(p=0.1), failure_probability=1.5), IPE,
        ["`failure_probability`", "(0, 1)", "1.5"], "failure_probability"),
    row(lambda t: maximize(KARATE, 2, IC(p=0.1), exclude=[99]), NodeNotFound,
        ["node 99", "not in the graph"], "exclude-unknown"),
    row(lambda t: maximize(KARATE, 2, IC(p=0.1), max_memory=1), MemoryLimitError,
        ["RR sets", "`max_memory` = 1 bytes"], "max_memory-tiny"),
    row(lambda t: maximize(KARATE, 2, IC(p=0.1, external=0.1)), IPE,
        ["`model`", "spontaneous adoption", "external=0.1"], "maximize-external"),
    row(lambda t: maximize(KARATE, 2, LT(threshold_law=("beta", 2, 2))), IPE,
        ["`model`", "uniform thresholds", "'beta'"], "maximize-LT-law"),
    row(lambda t: maximize(KARATE, 2, LT(thresholds=np.full(34, 0.5))), IPE,
        ["`model`", "uniform thresholds", "got fixed thresholds"], "maximize-LT-fixed"),
    row(lambda t: maximize(KARATE, 2, Heat(beta=1.0), method="heat-top"), IPE,
        ["`horizon`", "required"], "maximize-Heat-horizon"),
    row(lambda t: maximize(KARATE, 2, Heat(beta=1e6), method="heat-top", horizon=1e6),
        WorkLimitError, ["heat at horizon 1e+06", "terms", "`max_work`"], "maximize-Heat-huge"),
    row(lambda t: maximize(KARATE, 2, IC(p=0.1), evaluate="no"), IPE,
        ["`evaluate`", "True or False", "'no'"], "evaluate-str"),
    # ---------------------------------------------------------------------- heat
    row(lambda t: solve(KARATE, [0], Heat(beta=1e6), times=[1e6]), WorkLimitError,
        ["heat at time 1e+06", "terms", "`max_work` = 1e+11", "`beta`"], "heat-beta-t-huge"),
    row(lambda t: solve(KARATE, [0], Heat(beta=1e300), times=[1e300], max_work=None), IPE,
        ["`beta`", "past the float range", "inf"], "heat-beta-t-overflow"),
    row(lambda t: solve(Graph.from_edges([0, 1], [1, 2], [1e308, 1e308], directed=False),
                        [0], Heat(beta=1.0), times=[1.0]), IPE,
        ["finite rates", "node 1", "inf", "rescale the weights"], "heat-weights-overflow"),
    row(lambda t: solve(Graph.from_edges([0], [1], [-1.0]), [0], Heat(beta=1.0), times=[1.0]),
        IPE, ["non-negative arc weights", "negative"], "heat-negative-weight"),
    row(lambda t: solve(KARATE, [0], Heat(beta=1.0), times=[np.nan]), IPE,
        ["`times`", "finite times >= 0", "nan"], "heat-times-NaN"),
    row(lambda t: solve(KARATE, [0], Heat(beta=1.0), times=[-1.0]), IPE,
        ["`times`", ">= 0", "-1."], "heat-times-negative"),
    row(lambda t: solve(KARATE, [0], Heat(beta=1.0), times=[True]), IPE,
        ["`times`", "numbers", "True"], "heat-times-bool"),
    row(lambda t: solve(KARATE, [0], Heat(beta=1.0), times=[]), IPE,
        ["`times`", "non-empty"], "heat-times-empty"),
    row(lambda t: solve(KARATE, [0], Heat(beta=1.0), times=None), IPE,
        ["`times`", "required"], "heat-times-None"),
    row(lambda t: solve(KARATE, {0: "hot"}, Heat(beta=1.0), times=[1.0]), IPE,
        ["`seeds[0]`", "finite real number", "'hot'"], "heat-seed-amount-str"),
    row(lambda t: solve(KARATE, {0: True}, Heat(beta=1.0), times=[1.0]), IPE,
        ["`seeds[0]`", "real number", "True"], "heat-seed-amount-bool"),
    row(lambda t: solve(KARATE, {0: np.inf}, Heat(beta=1.0), times=[1.0]), IPE,
        ["`seeds[0]`", "finite", "inf"], "heat-seed-amount-inf"),
    row(lambda t: solve(KARATE, np.ones(3), Heat(beta=1.0), times=[1.0]), IPE,
        ["initial heat vector", "one entry per node (34)", "(3,)"], "heat-vector-shape"),
    row(lambda t: solve(PATH, [0], Heat(beta=1.0, kind="normalized"), times=[1.0]), IPE,
        ["`kind='normalized'`", "undirected", "directed"], "heat-normalized-directed"),
    row(lambda t: solve(KARATE, [0], IC(p=0.1), times=[1.0]), IPE,
        ["`model`", "spread.Heat", "IC(p=0.1)"], "solve-IC"),
    row(lambda t: solve(KARATE, [0], Heat(beta=1.0), times=[1.0], max_work=-1), IPE,
        ["`max_work`", "> 0", "-1"], "max_work-negative"),
    # -------------------------------------------------------------------- trends
    row(lambda t: Trend([]), IPE, ["`counts`", "at least one bin", "empty"], "trend-empty"),
    row(lambda t: Trend.from_counts([True, False]), IPE,
        ["`counts`", "not booleans", "True"], "trend-bool-counts"),
    row(lambda t: Trend.from_counts([1, -2]), IPE,
        ["`counts`", "non-negative", "-2", "bin 1"], "trend-negative"),
    row(lambda t: Trend.from_counts([1, np.nan]), IPE,
        ["`counts`", "finite", "nan", "bin 1"], "trend-NaN"),
    row(lambda t: Trend.from_counts([1, np.inf]), IPE,
        ["`counts`", "finite", "inf", "bin 1"], "trend-inf"),
    row(lambda t: Trend.from_counts([[1, 2]]), IPE,
        ["`counts`", "one-dimensional", "(1, 2)"], "trend-2d"),
    row(lambda t: Trend.from_counts(["1", "two"]), IPE,
        ["`counts`", "numbers", "'two' at bin 1"], "trend-str-counts"),
    row(lambda t: Trend([1, 2, 3], index=[0, 1, 3]), IPE,
        ["`index`", "contiguous", "3.0"], "trend-index-gap"),
    row(lambda t: Trend([1, 2, 3], index=[0, 2, 1]), IPE,
        ["`index`", "increasing", "1.0"], "trend-index-decreasing"),
    row(lambda t: Trend([1, 2], index=[0.0, 0.0]), IPE,
        ["`index`", "increasing", "0.0"], "trend-index-repeated"),
    row(lambda t: Trend([1, 2], index=[0.0, np.nan]), IPE,
        ["`index`", "missing", "nan", "bin 1"], "trend-index-NaN"),
    row(lambda t: Trend.from_timestamps([0, 1e18]), MemoryLimitError,
        ["1e+18 bins", "width 1.0", "`freq`"], "trend-span-1e18"),
    row(lambda t: Trend.from_timestamps(["1700-01-01", "2200-01-01"], freq="1ns"),
        MemoryLimitError, ["bins of width", "wider `freq`"], "trend-span-ns"),
    row(lambda t: Trend.from_timestamps([1.0, 2.0], start=5.0, end=1.0), IPE,
        ["`end`", "after `start`", "5.0", "1.0"], "trend-end-before-start"),
    row(lambda t: Trend.from_timestamps([True, False]), IPE,
        ["`events`", "not booleans", "True"], "trend-bool-times"),
    row(lambda t: Trend.from_timestamps([]), IPE, ["`events`", "at least one"], "trend-no-events"),
    row(lambda t: Trend.from_timestamps(["abc", "def"]), IPE,
        ["`events`", "datetimes or numbers", "abc"], "trend-unparsable-times"),
    row(lambda t: Trend.from_counts([1, 2], freq=0), IPE,
        ["`freq`", "positive number", "0"], "trend-freq-zero"),
    row(lambda t: Trend.from_timestamps(["2024-01-01"], freq="1M"), IPE,
        ["`freq`", "fixed time span", "'1M'"], "trend-freq-month"),
    row(lambda t: Trend.from_counts([1, 2], population=-1), IPE,
        ["`population`", "> 0", "-1"], "trend-population"),
    row(lambda t: Trend.from_counts([1, 2], exposure=[1]), IPE,
        ["`exposure`", "one entry per bin (2)", "1"], "trend-exposure-length"),
    row(lambda t: Trend.from_counts([1, 2], kind="views"), IPE,
        ["`kind`", "'adopters'", "'views'"], "trend-kind"),
    row(lambda t: Trend.from_frame(pd.DataFrame({"t": [0, 1], "n": ["1 2", "3"]}), time="t",
                                   count="n"), IPE,
        ["`df['n']`", "numbers", "'1 2' at bin 0"], "from_frame-count-text"),
    row(lambda t: Trend.from_frame(pd.DataFrame({"t": [0, 1], "n": [True, False]}), time="t",
                                   count="n"), IPE,
        ["`df['n']`", "not booleans", "[True, False]"], "from_frame-count-bool"),
    row(lambda t: Trend.from_frame(pd.DataFrame({"t": [0.0, None], "n": [1, 2]}), time="t",
                                   count="n"), IPE,
        ["`time`", "finite", "nan", "position 1"], "from_frame-time-NaN"),
    row(lambda t: Trend.from_frame(pd.DataFrame({"t": [True, False]}), time="t"), IPE,
        ["`events`", "not booleans"], "from_frame-time-bool"),
    row(lambda t: Trend.from_frame(pd.DataFrame({"t": [0.0]}), time="when"), IPE,
        ["`time`", "column", "'when'", "['t']"], "from_frame-no-column"),
    row(lambda t: Trend.from_counts([1, 2, 3]).until(-5), IPE,
        ["`end`", "at least one bin", "-5"], "trend-until-before-start"),
    row(lambda t: Trend.from_counts([1, 2, 3]).since(50), IPE,
        ["`start`", "at least one bin", "50"], "trend-since-after-end"),
    row(lambda t: Trend.from_counts([1, 2, 3])[::2], IPE, ["slice", "step 1", "2"],
        "trend-slice-step"),
    row(lambda t: datasets.load_trend("higgs", start="abc"), IPE,
        ["`start`", "a time", "'abc'"], "load_trend-start-text"),
    row(lambda t: datasets.load_trend("higgs", start="2012-07-05", end="2012-07-02"), IPE,
        ["`end`", "after `start`", "2012-07-05", "2012-07-02"], "load_trend-end-before-start"),
    row(lambda t: datasets.load_trend("higgs", end="2012-06-01"), IPE,
        ["`end`", "at least one bin", "2012-06-01"], "load_trend-end-before-data"),
    row(lambda t: datasets.load_trend("higgs", "likes"), IPE,
        ["`column`", "'new_retweeters'", "'likes'"], "load_trend-column"),
    row(lambda t: datasets.load_trend("karate"), DatasetError, ["karate"], "load_trend-graph"),
    row(lambda t: datasets.load("kaarate"), DatasetError, ["kaarate"], "load-unknown"),
    # ------------------------------------------------------------------ cascades
    row(lambda t: Cascades.from_frame(frame(cascade=[0, np.nan, 1])), IPE,
        ["`cascade`", "missing", "row(s) 1"], "cascade-id-NaN"),
    row(lambda t: Cascades.from_frame(frame(node=[0, None, 2])), IPE,
        ["`node`", "missing", "row(s) 1"], "node-id-None"),
    row(lambda t: Cascades.from_frame(frame(node=[0, "", 2])), IPE,
        ["`node`", "empty string", "row(s) 1"], "node-id-empty-among-ints"),
    row(lambda t: Cascades.from_frame(frame(time=[0.0, -1.0, 0.0])), IPE,
        ["`time`", ">= 0", "-1.0", "row(s) 1"], "cascade-time-negative"),
    row(lambda t: Cascades.from_frame(frame(time=[0.0, np.inf, 0.0])), IPE,
        ["`time`", "finite", "inf", "row(s) 1"], "cascade-time-inf"),
    row(lambda t: Cascades.from_frame(frame(time=[0.0, np.nan, 0.0])), IPE,
        ["`time`", "missing", "NaN", "row(s) 1"], "cascade-time-NaN"),
    row(lambda t: Cascades.from_frame(frame(time=[True, False, True])), IPE,
        ["`time`", "'time'", "not booleans"], "cascade-time-bool"),
    row(lambda t: Cascades.from_frame(frame(time=pd.to_datetime(["2024-01-01", None] * 2)[:3])),
        IPE, ["`time`", "missing", "NaT", "row(s) 1"], "cascade-time-NaT"),
    row(lambda t: Cascades.from_frame(frame(time=["a", "b", "c"])), IPE,
        ["`time`", "numbers or datetimes", "\"a\""], "cascade-time-text"),
    row(lambda t: Cascades.from_frame(frame(node=[0, 0, 2])), IPE,
        ["at most once per cascade", "node 0", "cascade 0", "row(s) 1"], "cascade-repeat"),
    row(lambda t: Cascades.from_frame(frame(node=[0, 99, 2]), graph=KARATE), NodeNotFound,
        ["node(s) 99", "not in the graph", "row(s) 1"], "cascade-node-unknown"),
    row(lambda t: Cascades.from_frame(EVENTS, node="user"), IPE,
        ["`node`", "column", "'user'"], "cascade-no-column"),
    row(lambda t: Cascades.from_frame(EVENTS.iloc[:0]), IPE,
        ["`df`", "at least one adoption", "empty"], "cascade-empty"),
    row(lambda t: Cascades.from_frame(EVENTS).to_trend(0), IPE,
        ["`freq`", "positive", "0"], "cascade-to_trend-freq"),
    row(lambda t: Cascades.from_frame(frame(time=[0.0, 1e18, 0.0])).to_trend(1), MemoryLimitError,
        ["1e+18 bins", "wider `freq`"], "cascade-to_trend-span"),
    row(lambda t: datasets.load_cascades("higgs-adopters", start="abc"), IPE,
        ["`start`", "a time", "'abc'"], "load_cascades-start-text"),
    row(lambda t: datasets.load_cascades("higgs-adopters", start="2012-07-05", end="2012-07-02"),
        IPE, ["`end`", "after `start`", "2012-07-02"], "load_cascades-end-before-start"),
    row(lambda t: simulate_cascades(KARATE, IC(p=0.1), n_cascades=HUGE), MemoryLimitError,
        ["`n_cascades`", HUGE_TEXT, "lower `n_cascades`"], "simulate_cascades-huge"),
    row(lambda t: simulate_cascades(KARATE, IC(p=0.1), n_cascades=0), IPE,
        ["`n_cascades`", ">= 1", "0"], "simulate_cascades-zero"),
    # ---------------------------------------------------------------------- fits
    row(lambda t: fit_bass(Trend.from_counts([1, 3, 5]), loss="l2"), IPE,
        ["`loss`", "'negbin'", "'l2'"], "fit-loss"),
    row(lambda t: fit_bass(Trend.from_counts([1, 3, 5]), level=1.5), IPE,
        ["`level`", "(0, 1)", "1.5"], "fit-level"),
    row(lambda t: fit_bass(Trend.from_counts([1, 3, 5]), ci_method="jackknife"), IPE,
        ["`ci_method`", "'wald'", "'jackknife'"], "fit-ci_method"),
    row(lambda t: fit_bass(Trend.from_counts([1, 3, 5]), max_iter=True), IPE,
        ["`max_iter`", "integer", "True"], "fit-max_iter-bool"),
    row(lambda t: fit_bass(Trend.from_counts([1, 3, 5]), t0=np.nan), IPE,
        ["`t0`", "finite number", "nan"], "fit-t0-NaN"),
    row(lambda t: fit_bass("abc"), IPE, ["`counts`", "numbers", "'abc'"], "fit-a-string"),
    row(lambda t: fit_si(Trend.from_counts([1, 3, 5]), population=-1), IPE,
        ["`population`", "positive number", "-1"], "fit-population"),
    row(lambda t: fit_bass(bass_trend(), ci_method="bootstrap", n_resamples=HUGE),
        WorkLimitError, ["`n_resamples`", HUGE_TEXT, "`max_work`"], "fit-bootstrap-huge"),
    row(lambda t: fit_hawkes(np.array([])), IPE, ["`events`", "at least one"], "hawkes-empty"),
    row(lambda t: fit_hawkes(np.array([1.0, np.nan])), IPE,
        ["`events`", "finite", "nan", "position 1"], "hawkes-NaN"),
    row(lambda t: fit_hawkes(np.array([1.0, 2.0, 3.0]), start=5.0, end=1.0), IPE,
        ["`end`", "after `start`", "5.0", "1.0"], "hawkes-end-before-start"),
    row(lambda t: fit_hawkes(Trend.from_counts([1, 2, 3]), start=1.0), IPE,
        ["`start`", "event times", "already binned", "start=1.0"], "hawkes-trend-window"),
    row(lambda t: fit_hawkes(np.array([1.0, 2.0, 3.0]), time_unit="1h"), IPE,
        ["`time_unit`", "datetime event times", "'1h'"], "hawkes-time_unit-numbers"),
    row(lambda t: simulate_hawkes(1.0, 1.5, 1.0, 10.0), IPE,
        ["`alpha`", "< 1", "1.5"], "simulate_hawkes-alpha"),
    row(lambda t: simulate_hawkes(1.0, 0.5, 1.0, 1e18), MemoryLimitError,
        ["`horizon`", "2e+18 expected events"], "simulate_hawkes-huge"),
    row(lambda t: simulate_trend("bass", {"m": 5e3}, 10), IPE,
        ["`params`", "'bass'", "['p', 'q']"], "simulate_trend-params"),
    row(lambda t: simulate_trend("bass", {"m": np.nan, "p": 0.01, "q": 0.4}, 10), IPE,
        ["`params['m']`", "finite number > 0", "nan"], "simulate_trend-NaN"),
    row(lambda t: simulate_trend("bass", {"m": 5e3, "p": 0.01, "q": 0.4}, HUGE),
        MemoryLimitError, ["`n_bins`", "1e+18 bins", "lower `n_bins`"], "simulate_trend-huge"),
    row(lambda t: fit_ic(Cascades.from_frame(EVENTS)), IPE,
        ["`cascades`", "graph", "fit_ic"], "fit_ic-no-graph"),
    row(lambda t: fit_ic(Cascades.from_frame(EVENTS, graph=KARATE), dt=0), IPE,
        ["`dt`", "> 0", "0"], "fit_ic-dt"),
    row(lambda t: fit_ic(Cascades.from_frame(EVENTS, graph=KARATE), granularity="arc"), IPE,
        ["`granularity`", "'edge'", "'arc'"], "fit_ic-granularity"),
    row(lambda t: dmp_ic(KARATE, [0], 0.1, max_steps=HUGE), MemoryLimitError,
        ["`max_steps`", HUGE_TEXT, "lower `max_steps`"], "dmp-max_steps-huge"),
    row(lambda t: dmp_ic(KARATE, [0], 0.1, max_steps=10**6, max_work=1e6), WorkLimitError,
        ["`max_steps` = 1,000,000", "`max_work`"], "dmp-max_steps-work"),
    row(lambda t: dmp_ic(KARATE, [0], 1.5, max_steps=3), IPE, ["`p`", "[0, 1]", "1.5"], "dmp-p"),
    row(lambda t: ICEstimator(method="dmp").fit(KARATE, Trend.from_counts([1, 3, 6]), seeds=[0],
                                                steps_per_bin=HUGE), MemoryLimitError,
        ["`steps_per_bin`", HUGE_TEXT, "lower `steps_per_bin`"], "ICEstimator-steps_per_bin"),
    row(lambda t: ICEstimator(method="mc", n_runs=HUGE).fit(KARATE, Trend.from_counts([1, 3, 6]),
                                                            seeds=[0]), WorkLimitError,
        ["`n_runs`", HUGE_TEXT, "`max_work`"], "ICEstimator-n_runs-huge"),
    row(lambda t: ICEstimator(method="mcmc").fit(KARATE, Trend.from_counts([1, 3]), seeds=[0]),
        IPE, ["`method`", "'dmp'", "'mcmc'"], "ICEstimator-method"),
    row(lambda t: ICEstimator(method="mc", ci_method="wald").fit(KARATE, Trend.from_counts(
        [1, 3, 6]), seeds=[0]), IPE, ["`ci_method='wald'`", "method='mc'", "'bootstrap'"],
        "ICEstimator-wald-mc"),
    row(lambda t: ICEstimator(method="dmp", loss="squared", ci_method="wald").fit(
        KARATE, Trend.from_counts([1, 3, 6]), seeds=[0]), IPE,
        ["`ci_method='wald'`", "loss='squared'", "'negbin', 'poisson' or 'ar1'"], "ICEstimator-wald-loss"),
    row(lambda t: rolling_origin(bass_trend(), [fit_bass], [20], horizon=3), IPE,
        ["`fitters`", "dict", "fit_bass"], "rolling_origin-fitters-list"),
    row(lambda t: rolling_origin(bass_trend(), {"bass": fit_bass}, 20, horizon=3), IPE,
        ["`origins`", "sequence", "20"], "rolling_origin-origins-scalar"),
    row(lambda t: rolling_origin(bass_trend(), {"bass": fit_bass}, [100], horizon=3),
        IPE, ["`origins`", "[2, 29]", "100"], "rolling_origin-origins-range"),
    # --------------------------------------------------------- results, forecast
    row(lambda t: bass_fit().forecast(HUGE), MemoryLimitError,
        [f"{HUGE_TEXT} bins", "(`horizon`)"], "forecast-huge"),
    row(lambda t: bass_fit().forecast(0), IPE, ["`horizon`", ">= 1", "0"], "forecast-zero"),
    row(lambda t: bass_fit().forecast(True), IPE, ["`horizon`", "integer", "True"],
        "forecast-bool"),
    row(lambda t: bass_fit().forecast(3, level=1.0), IPE, ["`level`", "(0, 1)", "1.0"],
        "forecast-level"),
    row(lambda t: bass_fit().forecast(3, n_paths=HUGE), MemoryLimitError,
        [f"{HUGE_TEXT} path(s)", "`n_paths`"], "forecast-n_paths-huge"),
    row(lambda t: bass_fit().predict(np.arange(3) + HUGE), MemoryLimitError,
        [f"{HUGE_TEXT} bins"], "predict-huge"),
    row(lambda t: bass_fit().bootstrap(HUGE), WorkLimitError,
        ["`n_resamples`", HUGE_TEXT, "`max_work`"], "bootstrap-huge"),
    row(lambda t: bass_fit().bootstrap(0), IPE, ["`n_resamples`", ">= 1", "0"], "bootstrap-zero"),
    row(lambda t: bass_fit().conf_int(method="jackknife"), IPE,
        ["`method`", "'wald'", "'jackknife'"], "conf_int-method"),
    row(lambda t: bass_fit().conf_int(level=2), IPE, ["`level`", "(0, 1)", "2"], "conf_int-level"),
    row(lambda t: bass_fit().profile("zz"), IPE, ["`name`", "'m'", "'zz'"], "profile-name"),
    row(lambda t: simulate(KARATE, [0], IC(p=0.1), n_runs=10, rng=0).conf_int(1.5), IPE,
        ["`level`", "(0, 1)", "1.5"], "SpreadResult-conf_int"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "error", "words"), ERRORS)
def test_bad_input_raises_a_typed_error_naming_parameter_rule_and_value(
    tmp_path, call, error, words
):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a row is about its error, not what warned first
        with pytest.raises(error) as excinfo:
            call(tmp_path)
    message = str(excinfo.value)
    missing = [w for w in words if w not in message]
    assert not missing, f"{missing} not in: {message}"


# ----------------------------------------------------------------------------------
# Inputs that look bad but have a correct answer: read as a person would read them.
ANSWERS = [
    pytest.param(lambda t: read(t, "sp.csv", "a, b\nb,  c\n", nodetype=str).edges()[:2],
                 lambda g: [list(g[0]), list(g[1])] == [["a", "b"], ["b", "c"]],
                 id="comma-space-separator-edges"),
    pytest.param(lambda t: read(t, "sp2.csv", "a, b\nb,  c\n", nodetype=str).labels.tolist(),
                 lambda labels: labels == ["a", "b", "c"], id="comma-space-separator-labels"),
    pytest.param(lambda t: read(t, "na.txt", "None NA\nNA null\nN/A nan\n",
                                nodetype=str).labels.tolist(),
                 lambda labels: labels == ["N/A", "NA", "None", "nan", "null"],
                 id="None-and-NA-are-labels-in-a-string-file"),
    pytest.param(lambda t: read(t, "bom.txt", b"\xef\xbb\xbf# a comment\n1 2\n"),
                 lambda g: g.labels.tolist() == [1, 2] and g.report.n_skipped_lines == 1,
                 id="BOM-then-comment"),
    pytest.param(lambda t: read(t, "crlf.txt", b"1 2\r\n2 3\r\n").labels.tolist(),
                 lambda labels: labels == [1, 2, 3], id="CRLF-line-ends"),
    pytest.param(lambda t: read(t, "fl.txt", "1.0 2\n2 3.0\n").labels.tolist(),
                 lambda labels: labels == [1, 2, 3], id="integral-decimal-ids"),
    pytest.param(lambda t: Trend.from_timestamps([0.5, 1.5, 2.5, 9.5], start=1.0, end=5.0),
                 lambda tr: (tr.counts.tolist(), tr.report.n_before, tr.report.n_after)
                 == ([1.0, 1.0, 0.0, 0.0], 1, 1), id="window-reports-what-it-left-out"),
    pytest.param(lambda t: Trend.from_counts([1, 2, 3]).until(2.5).counts.tolist(),
                 lambda counts: counts == [1.0, 2.0], id="until-mid-bin"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "check"), ANSWERS)
def test_input_that_looks_bad_gets_the_correct_answer(tmp_path, call, check):
    result = call(tmp_path)
    assert check(result), result


def test_heat_at_large_beta_t_within_the_bound_reaches_equilibrium():
    # beta * t * q = 3,400 terms on karate: cheap, and long past mixing. The undirected
    # heat equation conserves heat and its equilibrium spreads it evenly.
    res = solve(KARATE, [0], Heat(beta=1.0), times=[200.0])
    assert res.n_terms < 10_000
    np.testing.assert_allclose(res.heat[0], 1 / 34, rtol=1e-9)
    assert res.error_bound < 1e-9


def test_heat_past_max_work_raises_and_lifting_the_bound_gives_the_answer():
    with pytest.raises(WorkLimitError, match=r"over `max_work` = 1e\+03"):
        solve(KARATE, [0], Heat(beta=1.0), times=[200.0], max_work=1e3)
    res = solve(KARATE, [0], Heat(beta=1.0), times=[200.0], max_work=None)
    np.testing.assert_allclose(res.heat[0], 1 / 34, rtol=1e-9)


# ----------------------------------------------------------------------------------
# Warnings: the call goes on, and says what it did.
WARNINGS = [
    pytest.param(lambda: Trend.from_timestamps([1.0, 2.0], start=5.0, end=10.0), UserWarning,
                 ["leaves out every one of the 2 events", "2 before its start",
                  "only zeros"], id="window-leaves-out-everything"),
    pytest.param(lambda: fit_bass(Trend.from_counts([1, 2, 4, 7, 11, 16, 22])),
                 spread.IdentifiabilityWarning, ["has not peaked", "`m`", "poorly identified"],
                 id="bass-before-the-peak"),
    pytest.param(lambda: fit_bass(Trend.from_counts([1, 3])), ConvergenceWarning,
                 ["bass fit failed", "Too few observations", "2 observation(s)"],
                 id="fit-too-few-bins-warns"),
    pytest.param(lambda: fit_bass(Trend.from_counts(np.zeros(15))), ConvergenceWarning,
                 ["bass fit failed", "holds no counts"], id="fit-no-counts"),
    pytest.param(lambda: fit_bass(simulate_trend("bass", {"m": 5e3, "p": 0.05, "q": 1e-12}, 40,
                                                 rng=2), loss="poisson"),
                 ConvergenceWarning, ["bass fit did not succeed", "`q` at its lower bound"],
                 id="fit-on-a-bound"),
    *[pytest.param(lambda est=est: est(n_runs=20, ci_method=None).fit(KARATE, [2, 0, 0, 0, 0],
                                                                       seeds=[0, 1]),
                   ConvergenceWarning, [f"{name} fit did not succeed", f"`{par}` at its lower"],
                   id=f"{name}-network-fit-on-a-bound")
      for est, name, par in ((ICEstimator, "ic", "p"), (LTEstimator, "lt", "scale"),
                             (CTICEstimator, "ctic", "p"))],
    pytest.param(lambda: ICEstimator("dmp", ci_method=None).fit(KARATE, np.zeros(8), seeds=[0]),
                 ConvergenceWarning, ["ic fit failed", "holds no counts"],
                 id="network-fit-no-counts"),
    pytest.param(lambda: HeatEstimator(threshold=0.1, ci_method=None).fit(
                     Graph.from_networkx(nx.barabasi_albert_graph(300, 3, seed=0)),
                     [2, 300, 300, 300], seeds=[0, 1]),
                 ConvergenceWarning, ["heat fit did not succeed", "`beta` at its lower bound"],
                 id="heat-fit-on-a-bound"),
    pytest.param(lambda: HeatEstimator(threshold=0.1, ci_method=None).fit(KARATE, np.zeros(5),
                                                                          seeds=[0]),
                 ConvergenceWarning, ["heat fit failed", "holds no counts"],
                 id="heat-fit-no-counts"),
    pytest.param(lambda: fit_ic(Cascades.from_frame(
                     pd.DataFrame({"c": [0], "v": [3], "t": [0.0]}), cascade="c", node="v",
                     time="t", graph=PATH)),
                 ConvergenceWarning, ["ic fit failed", "No IC trials"], id="cascade-fit-no-trials"),
    pytest.param(lambda: fit_ic(Cascades.from_frame(
                     pd.DataFrame({"c": [0, 0], "v": [0, 1], "t": [0.0, 1.0]}), cascade="c",
                     node="v", time="t", graph=Graph.from_edges([0], [1]))),
                 ConvergenceWarning, ["ic fit did not succeed", "`p` at its upper bound"],
                 id="cascade-fit-on-a-bound"),
    pytest.param(lambda: fit_ic(simulate_cascades(KARATE, IC(p=0.2, external=0.05), n_cascades=50,
                                                  max_steps=6, rng=1)),
                 UserWarning, ["adoption(s) had no in-neighbour active"],
                 id="cascade-fit-unexplained-adoptions"),
    pytest.param(lambda: simulate(Graph.from_edges(range(59), range(1, 60)), [0],
                                  spread.CTIC(delay=("fixed", 1.0)), n_runs=5, time_step=0.001,
                                  rng=0),
                 RuntimeWarning, ["after the curve's last time bin"], id="runs-past-the-curve"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "category", "words"), WARNINGS)
def test_questionable_input_warns_with_the_reason(call, category, words):
    """Each warning says why, and points at the caller's line (here), not at spread's."""
    with pytest.warns(category) as record:
        call()
    messages = [str(w.message) for w in record if issubclass(w.category, category)]
    assert any(all(word in m for word in words) for m in messages), messages
    first = call.__code__.co_firstlineno  # the line of the lambda that makes the call
    assert {w.filename for w in record} == {__file__}
    assert all(first <= w.lineno <= first + 4 for w in record), [w.lineno for w in record]


# ----------------------------------------------------------------------------------
# Fits whose data cannot identify their parameters: success=False with the reason.
FAILED_FITS = [
    pytest.param(lambda: fit_bass(Trend.from_counts([1, 3])), 6,
                 ["2 observation(s)", "4 parameter(s) (m, p, q, k)", "at least 5"],
                 id="bass-2-bins"),
    pytest.param(lambda: fit_logistic(Trend.from_counts([4])), 6,
                 ["1 observation(s)", "4 parameter(s)", "at least 5"], id="logistic-1-bin"),
    pytest.param(lambda: fit_hawkes(np.array([1.0]), end=10.0), 6,
                 ["1 observation(s)", "3 parameter(s) (mu, alpha, beta)"], id="hawkes-1-event"),
    pytest.param(lambda: ICEstimator(method="dmp").fit(KARATE, Trend.from_counts([1]),
                                                       seeds=[0]).result_, 6,
                 ["1 observation(s)", "1 parameter(s) (p)", "at least 2"], id="ic-1-bin"),
    pytest.param(lambda: fit_bass(Trend.from_counts([0, 0, 0, 0, 0, 0])), 3,
                 ["no counts", "every bin is zero", "nothing to fit"], id="bass-all-zeros"),
]  # fmt: skip


@pytest.mark.parametrize(("call", "status", "words"), FAILED_FITS)
def test_unidentifiable_fit_fails_with_the_reason(call, status, words):
    with pytest.warns(ConvergenceWarning):
        res = call()
    assert res.success is False
    assert res.status == status
    assert all(np.isnan(v) for v in res.params.values())
    missing = [w for w in words if w not in res.message]
    assert not missing, f"{missing} not in: {res.message}"


# ----------------------------------------------------------------------------------
# The command line: one error line, exit 2 for bad input and 1 for a failure while
# working, never a traceback. Rows give the arguments (as a function of tmp_path).
CLI = [
    pytest.param(lambda t: ["simulate", str(t / "nope.txt"), "--seeds", "0"], 2,
                 ["`graph`", "nope.txt", "neither"], id="graph-file-missing"),
    pytest.param(lambda t: ["simulate", "karate", "--seeds", "0", "--p", "1.5"], 2,
                 ["--p", "[0, 1]", "'1.5'"], id="p-above-1"),
    pytest.param(lambda t: ["simulate", "karate", "--seeds", "0", "--runs", "0"], 2,
                 ["--runs", "positive integer", "'0'"], id="runs-zero"),
    pytest.param(lambda t: ["simulate", "karate", "--seeds", "0", "--runs", "True"], 2,
                 ["--runs", "positive integer", "'True'"], id="runs-bool"),
    pytest.param(lambda t: ["simulate", "karate", "--seeds", "0", "--max-steps", "1e23"], 2,
                 ["--max-steps", "'1e23'"], id="max-steps-1e23"),
    pytest.param(lambda t: ["simulate", "karate", "--seeds", "99"], 2,
                 ["node 99", "not in the graph"], id="seed-unknown"),
    pytest.param(lambda t: ["simulate", str(write(t, "words.txt", "ann bob\n")), "--seeds",
                            "ann"], 2, ["words.txt", "line 1", "is not int", "'ann'"],
                 id="graph-file-strings-without-str-labels"),
    pytest.param(lambda t: ["simulate", str(write(t, "cut.txt.gz", truncated_gz())),
                            "--seeds", "1"], 2, ["cut.txt.gz", "truncated or corrupt"],
                 id="graph-file-truncated-gz"),
    pytest.param(lambda t: ["simulate", str(write(t, "empty.txt", b"")), "--seeds", "1"], 2,
                 ["empty.txt", "no edge lines"], id="graph-file-empty"),
    pytest.param(lambda t: ["simulate", str(write(t, "junk.bin", bytes(range(256)))),
                            "--seeds", "1"], 2, ["junk.bin", "binary file, not text"],
                 id="graph-file-binary"),
    pytest.param(lambda t: ["simulate", "karate", "--seeds", "0", "--out",
                            str(t / "no" / "x.csv")], 2, ["`--out`", "does not exist"],
                 id="out-folder-missing"),
    pytest.param(lambda t: ["simulate", "karate", "--seeds", "0", "--model", "heat", "--beta",
                            "1e6", "--times", "1e6"], 1, ["heat at time 1e+06", "`max_work`"],
                 id="heat-beta-t-huge"),
    pytest.param(lambda t: ["maximize", "karate", "-k", "100"], 2,
                 ["`k`", "eligible nodes (34)", "100"], id="k-above-n"),
    pytest.param(lambda t: ["maximize", "karate", "-k", "2", "--eps", "0.9"], 2,
                 ["`eps`", "1 - 1/e", "0.9"], id="eps-above-bound"),
    pytest.param(lambda t: ["maximize", "karate", "-k", "2", "--method", "celf", "--runs",
                            str(HUGE)], 1, ["CELF", "`n_runs`", HUGE_TEXT], id="celf-runs-huge"),
    pytest.param(lambda t: ["maximize", "karate", "-k", "2", "--eps", "0.5", "--eval-runs",
                            str(HUGE)], 1, ["`n_eval_runs`", HUGE_TEXT], id="eval-runs-huge"),
    pytest.param(lambda t: ["fit", str(write(t, "empty.csv", ""))], 2,
                 ["`trend`", "empty.csv", "is empty"], id="trend-file-empty"),
    pytest.param(lambda t: ["fit", "higgs", "--start", "abc"], 2,
                 ["`--start`", "'abc'"], id="start-text"),
    pytest.param(lambda t: ["fit", "higgs", "--start", "2012-07-05", "--end", "2012-07-02"], 2,
                 ["`--end`", "'2012-07-02'", "at least one bin"], id="end-before-start"),
    pytest.param(lambda t: ["fit", "higgs", "--forecast", str(HUGE)], 1,
                 [f"{HUGE_TEXT} bins", "`horizon`"], id="forecast-huge"),
    pytest.param(lambda t: ["fit", "higgs", "--ci-method", "bootstrap", "--resamples",
                            str(HUGE)], 1,
                 ["`n_resamples`", HUGE_TEXT, "`max_work`"], id="resamples-huge"),
]  # fmt: skip


@pytest.mark.parametrize(("argv", "code", "words"), CLI)
def test_cli_bad_input_is_one_error_line_and_an_exit_code(capsys, tmp_path, argv, code, words):
    args = argv(tmp_path)
    assert main(args) == code
    err = capsys.readouterr().err
    assert "Traceback" not in err and "internal error" not in err
    lines = [
        line for line in err.splitlines() if line.strip() and not line.startswith(("usage:", " "))
    ]
    assert len(lines) == 1, err
    assert lines[0].startswith(f"spread {args[0]}: error: ")
    missing = [w for w in words if w not in lines[0]]
    assert not missing, f"{missing} not in: {lines[0]}"


def test_cli_reads_None_and_NA_as_labels_of_a_string_file(capsys, tmp_path):
    path = write(tmp_path, "na.txt", "None NA\nNA null\n")
    code = main(["simulate", str(path), "--str-labels", "--seeds", "None", "--runs", "10",
                 "--no-progress"])  # fmt: skip
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "[None]" in out and "of 3 nodes" in out


def test_cli_work_limit_does_not_advise_a_keyword_it_lacks(capsys):
    # `max_work` is a keyword of the Python API; the command line has no such option.
    assert main(["maximize", "karate", "-k", "2", "--method", "celf", "--runs", str(HUGE)]) == 1
    err = capsys.readouterr().err
    assert "over `max_work` = 1e+11. Lower `n_runs` or the `candidates`." in err
    assert "pass a larger" not in err


def test_a_value_in_a_message_is_cut_at_80_characters():
    """Every message quotes the value it got through `short_repr`: up to 80 characters
    whole, longer ones cut to 77 and "..."."""
    from spread._validation import short_repr

    assert short_repr("x" * 78) == repr("x" * 78)  # 80 characters with the quotes
    assert short_repr("x" * 79) == "'" + "x" * 76 + "..."
    assert short_repr(list(range(5)), width=10) == "[0, 1, ..."
    with pytest.raises(InvalidParameterError) as info:
        bass_fit().profile("m", grid="x" * 100)
    assert str(info.value).endswith("got '" + "x" * 76 + "....")
