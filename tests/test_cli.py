"""The `spread` command line, called in-process through `spread.cli.main`."""

import json
import re
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import spread
import spread.cli.demo
import spread.cli.fit
import spread.cli.maximize
import spread.cli.simulate
from spread.cli import build_parser, main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(err, *, usage):
    lines = [line for line in err.strip().splitlines() if line.strip()]
    assert "Traceback" not in err
    if usage:
        assert lines[0].startswith("usage: spread")
        lines = [line for line in lines if not line.startswith(("usage:", " "))]
    assert len(lines) == 1, err
    assert "error:" in lines[0]
    return lines[0]


# ------------------------------------------------------------------ help
@pytest.mark.parametrize("command", ["simulate", "maximize", "fit", "datasets", "demo"])
def test_every_subcommand_help_shows_a_worked_example(capsys, command):
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert "examples:" in out and f"spread {command}" in out.split("examples:")[1]


def test_no_command_prints_help_and_exits_2(capsys):
    code, out, _ = run(capsys)
    assert code == 2 and "simulate" in out and "maximize" in out


def test_version(capsys):
    code, out, _ = run(capsys, "--version")
    assert code == 0 and out.strip() == f"spread {spread.__version__}"


# ------------------------------------------------------------- maximize
def test_maximize_writes_seeds_gains_and_interval_csv(capsys, tmp_path):
    out_file = tmp_path / "seeds.csv"
    code, out, err = run(
        capsys,
        "maximize",
        "nethept",
        "-k",
        "10",
        "--model",
        "ic",
        "--p",
        "wc",
        "--eval-runs",
        "2000",
        "--no-progress",
        "--out",
        str(out_file),
    )
    assert code == 0, err
    table = pd.read_csv(out_file)
    assert list(table.columns) == [
        "rank",
        "node",
        "gain",
        "spread",
        "spread_low",
        "spread_high",
        "estimate",
    ]
    assert table["rank"].tolist() == list(range(1, 11)) and table["node"].is_unique
    assert (table["gain"] > 0).all()
    assert (table["spread_low"] < table["spread"]).all()
    assert (table["spread"] < table["spread_high"]).all()
    assert table["estimate"].iloc[-1] == "2,000 fresh forward runs"
    # the same answer as the Python API with the same rng
    sel = spread.maximize(
        spread.datasets.load("nethept"), 10, spread.IC(p="wc"), rng=0, n_eval_runs=2000
    )
    assert table["node"].tolist() == sel.seeds.tolist()
    assert table["spread"].iloc[-1] == pytest.approx(sel.spread)
    assert "opim-c chose 10 seed(s)" in out and "95% CI" in out


def test_maximize_json_and_exclude(capsys, tmp_path):
    out_file = tmp_path / "seeds.json"
    code, _, err = run(
        capsys,
        "maximize",
        "karate",
        "-k",
        "3",
        "--p",
        "0.1",
        "--exclude",
        "0,33",
        "--eval-runs",
        "500",
        "--out",
        str(out_file),
    )
    assert code == 0, err
    doc = json.loads(out_file.read_text())
    assert doc["k"] == 3 and doc["method"] == "opim-c"  # the default
    assert len(doc["spread_ci"]) == 2 and doc["spread_ci"][0] < doc["spread"]
    nodes = [row["node"] for row in doc["seeds"]]
    assert len(nodes) == 3 and not {0, 33} & set(nodes)


def test_maximize_degree_method_from_an_edge_list_file(capsys, tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("a b\nb c\na c\nc d\nd e\n")
    code, out, err = run(
        capsys, "maximize", str(edges), "-k", "1", "--method", "degree", "--eval-runs", "100"
    )
    # a bad line in the input file is bad input: exit code 2, the line named
    assert code == 2 and "is not int" in assert_one_line_error(err, usage=True)
    code, out, err = run(
        capsys,
        "maximize",
        str(edges),
        "--str-labels",
        "-k",
        "1",
        "--method",
        "degree",
        "--eval-runs",
        "100",
    )
    assert code == 0, err
    assert "degree chose 1 seed(s)" in out and "c" in out


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["maximize", "no/such/file.txt", "-k", "10"], "must be an edge-list file or a bundled"),
        (["maximize", "nosuchdataset", "-k", "10"], "got 'nosuchdataset', which is neither"),
        (["maximize", "nethept", "-k", "-5"], "must be a positive integer; got '-5'"),
        (["maximize", "nethept", "-k", "0"], "must be a positive integer; got '0'"),
        (["maximize", "nethept", "-k", "5", "--out", "x.xlsx"], "must end in .csv, .json"),
        (["maximize", "nethept", "-k", "5", "--eps", "2"], "must be a number in (0, 1)"),
        (["maximize", "higgs", "-k", "5"], "is a bundled trend"),
        (["maximize", "karate", "-k", "50", "--eval-runs", "10"], "`k`"),
        (["simulate", "karate", "--seeds", "0,99"], "99"),
        (["simulate", "karate", "--seeds", "zero"], "must hold node labels"),
        (["simulate", "karate"], "one of the arguments --seeds"),
        (
            ["simulate", "karate", "--seeds", "0", "--p", "1.5"],
            "argument --p: must be a probability in [0, 1] or one of wc, trivalency, weight; got '1.5'",
        ),
        (["simulate", "karate", "--seeds", "0", "--nope"], "unrecognized arguments: --nope"),
        (["fit", "nosuch.csv"], "must be a CSV file or a bundled trend"),
        (["fit", "higgs", "--model", "ic"], "needs `--graph`"),
        (["fit", "higgs", "--column", "likes"], "`column` must be one of"),
        (["fit", "higgs", "--holdout", "200"], "must leave at least 3 bins"),
    ],
)
def test_usage_errors_exit_2_with_one_line(capsys, argv, reason):
    code, _, err = run(capsys, *argv)
    assert code == 2
    line = assert_one_line_error(err, usage=True)
    assert reason in line


def test_bad_file_content_exits_2(capsys, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("0 1\n1 two three\n")
    code, _, err = run(capsys, "simulate", str(bad), "--seeds", "0", "--runs", "10")
    assert code == 2
    line = assert_one_line_error(err, usage=True)
    assert "bad.txt" in line and "line 2" in line


def test_parquet_without_pyarrow_is_a_usage_error(capsys, monkeypatch, tmp_path):
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name, *a: None if name == "pyarrow" else real(name, *a)
    )
    code, _, err = run(
        capsys, "maximize", "karate", "-k", "2", "--out", str(tmp_path / "s.parquet")
    )
    assert code == 2
    assert "pyarrow" in assert_one_line_error(err, usage=True)
    assert not (tmp_path / "s.parquet").exists()


def test_parquet_output_when_pyarrow_is_installed(capsys, tmp_path):
    pytest.importorskip("pyarrow")
    out_file = tmp_path / "s.parquet"
    code, _, err = run(
        capsys, "maximize", "karate", "-k", "2", "--eval-runs", "200", "--out", str(out_file)
    )
    assert code == 0, err
    assert len(pd.read_parquet(out_file)) == 2


# ------------------------------------------------------------- simulate
def test_simulate_prints_the_curve_and_writes_csv(capsys, tmp_path):
    out_file = tmp_path / "curve.csv"
    code, out, err = run(
        capsys,
        "simulate",
        "karate",
        "--seeds",
        "0,33",
        "--model",
        "lt",
        "--runs",
        "500",
        "--rng",
        "3",
        "--out",
        str(out_file),
    )
    assert code == 0, err
    curve = pd.read_csv(out_file, index_col="step")
    res = spread.simulate(spread.datasets.load("karate"), [0, 33], spread.LT(), n_runs=500, rng=3)
    assert curve["mean"].iloc[-1] == pytest.approx(res.mean)
    assert list(curve.columns) == ["mean", "lower", "upper", "stderr"]
    assert "LT(weights='wc') from 2 seed(s)" in out and "95% CI" in out


def test_simulate_seed_rules(capsys, tmp_path):
    seeds = tmp_path / "seeds.txt"
    seeds.write_text("# two hubs\n0\n33\n")
    code, out, _ = run(capsys, "simulate", "karate", "--seeds-file", str(seeds), "--runs", "50")
    assert code == 0 and "2 seed(s) [0, 33]" in out
    code, out, _ = run(capsys, "simulate", "karate", "--top-degree", "2", "--runs", "50")
    top = spread.maximize(
        spread.datasets.load("karate"), 2, spread.IC(p=0.0), method="degree", evaluate=False
    ).seeds.tolist()
    top = sorted(top)
    assert top == [0, 33]
    shown = re.search(r"2 seed\(s\) \[(.*?)\]", out).group(1)
    assert code == 0 and sorted(int(x) for x in shown.split(", ")) == top


def test_simulate_json_is_reproducible(capsys, tmp_path):
    docs = []
    for name in ("a.json", "b.json"):
        path = tmp_path / name
        code, _, _ = run(
            capsys,
            "simulate",
            "karate",
            "--seeds",
            "0",
            "--p",
            "0.2",
            "--runs",
            "300",
            "--out",
            str(path),
        )
        assert code == 0
        docs.append(json.loads(path.read_text()))
    assert docs[0] == docs[1]
    assert docs[0]["n_runs"] == 300 and docs[0]["ci"][0] < docs[0]["mean"] < docs[0]["ci"][1]


def test_simulate_ctic_matches_the_api_and_writes_a_time_curve(capsys, tmp_path):
    out_file = tmp_path / "ctic.json"
    argv = ["simulate", "karate", "--seeds", "0", "--model", "ctic", "--p", "0.3"]
    argv += ["--delay", "weibull:1.5,2", "--horizon", "3", "--runs", "400", "--rng", "5"]
    code, out, err = run(capsys, *argv, "--out", str(out_file))
    assert code == 0, err
    doc = json.loads(out_file.read_text())
    model = spread.CTIC(p=0.3, delay=("weibull", 1.5, 2.0))
    res = spread.simulate(
        spread.datasets.load("karate"), [0], model, n_runs=400, horizon=3.0, rng=5
    )
    assert doc["mean"] == res.mean and doc["model"] == repr(model)
    times = [row["time"] for row in doc["curve"]]
    assert times[0] == 0.0 and times[-1] == pytest.approx(3.0)
    assert "last event by t = 3" in out


def test_simulate_temporal_reads_timed_contacts_and_matches_the_api(capsys, tmp_path):
    contacts = tmp_path / "contacts.txt"
    contacts.write_text("1 2 10\n2 3 12\n1 3 30\n3 4 31\n2 4 5\n")
    out_file = tmp_path / "temporal.json"
    argv = ["simulate", str(contacts), "--directed", "--timed", "--seeds", "1"]
    argv += ["--model", "temporal", "--p", "0.6", "--attempts", "first", "--start", "8"]
    argv += ["--recovery", "fixed:21", "--horizon", "30", "--runs", "500", "--rng", "3"]
    code, _, err = run(capsys, *argv, "--out", str(out_file))
    assert code == 0, err
    doc = json.loads(out_file.read_text())
    tg = spread.read_edgelist(contacts, directed=True, time=2)
    model = spread.TemporalIC(p=0.6, attempts="first", recovery=("fixed", 21.0), start=8.0)
    res = spread.simulate(tg, [1], model, n_runs=500, horizon=30.0, rng=3)
    assert doc["mean"] == res.mean and doc["model"] == repr(model)
    # the last event: node 3 (reached at 12, 4 after the start) recovers at 4 + 21 = 25,
    # in the time bin (24.9, 25.2] of width 30 / 100
    assert [row["time"] for row in doc["curve"]][-1] == pytest.approx(25.2)


def test_simulate_temporal_sis_with_reinfection(capsys, tmp_path):
    """Node 1 (infectious 1.5 from the start) reaches node 2 at 1; node 2 reaches node 1
    again at 2, after it recovered: prevalence 1, 2, 2, 1 at 0, 1, 2, 3."""
    contacts = tmp_path / "contacts.txt"
    contacts.write_text("1 2 1\n2 1 2\n")
    out_file = tmp_path / "sis.csv"
    argv = ["simulate", str(contacts), "--directed", "--timed", "--seeds", "1"]
    argv += ["--model", "temporal", "--recovery", "fixed:1.5", "--reinfection", "--start", "0"]
    argv += ["--horizon", "3", "--time-step", "1", "--runs", "5", "--out", str(out_file)]
    code, _, err = run(capsys, *argv)
    assert code == 0, err
    frame = pd.read_csv(out_file, index_col="time")
    assert frame["infectious_mean"].tolist() == [1.0, 2.0, 2.0, 1.0]


def test_simulate_sis_with_a_recovery_law_matches_the_api(capsys, tmp_path):
    out_file = tmp_path / "sis.json"
    argv = ["simulate", "karate", "--seeds", "0", "--model", "sis", "--beta", "0.5"]
    argv += ["--recovery", "weibull:2,1", "--horizon", "2", "--runs", "200", "--rng", "4"]
    code, _, err = run(capsys, *argv, "--out", str(out_file))
    assert code == 0, err
    doc = json.loads(out_file.read_text())
    model = spread.SIS(beta=0.5, recovery=("weibull", 2.0, 1.0))
    res = spread.simulate(
        spread.datasets.load("karate"), [0], model, n_runs=200, horizon=2.0, rng=4
    )
    assert doc["mean"] == res.mean and doc["model"] == repr(model)


def test_durations_and_dates_are_seconds_for_contacts(capsys, tmp_path):
    """`--horizon 1h` and `--start 1970-01-01T00:00:10` are 3600 and 10 seconds, the
    unit of contact times read from datetimes; a static model refuses units."""
    contacts = tmp_path / "contacts.txt"
    contacts.write_text("1 2 20\n2 3 3000\n3 4 4000\n")
    out_file = tmp_path / "out.json"
    argv = ["simulate", str(contacts), "--directed", "--timed", "--seeds", "1", "--p", "1"]
    argv += ["--model", "temporal", "--start", "1970-01-01T00:00:10", "--horizon", "1h"]
    code, _, err = run(capsys, *argv, "--runs", "3", "--out", str(out_file))
    assert code == 0, err
    doc = json.loads(out_file.read_text())
    assert doc["model"] == repr(spread.TemporalIC(p=1.0, start=10.0))
    assert doc["mean"] == 3.0  # 1 at the start, 2 at 20 s, 3 at 3000 s; 4 at 4000 s is late
    code, _, err = run(
        capsys, "simulate", "karate", "--seeds", "0", "--model", "ctic", "--horizon", "2h"
    )
    assert code == 2
    assert "`--horizon` with a unit or a date is for timestamped contacts" in err
    code, _, err = run(capsys, "simulate", "karate", "--seeds", "0", "--horizon", "2 parsecs")
    assert code == 2 and "or a duration such as 24h" in err


def test_simulate_sir_adds_the_infectious_columns(capsys, tmp_path):
    out_file = tmp_path / "sir.csv"
    argv = ["simulate", "karate", "--seeds", "0", "--model", "sir", "--beta", "0.8"]
    code, out, err = run(capsys, *argv, "--gamma", "1", "--runs", "300", "--out", str(out_file))
    assert code == 0, err
    frame = pd.read_csv(out_file, index_col="time")
    res = spread.simulate(
        spread.datasets.load("karate"), [0], spread.SIR(beta=0.8, gamma=1.0), n_runs=300, rng=0
    )
    assert frame["mean"].iloc[-1] == pytest.approx(res.mean)
    assert frame["infectious_mean"].to_numpy() == pytest.approx(
        res.prevalence()["mean"].to_numpy()
    )
    assert "infectious: mean peaks at" in out


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--model", "ctic", "--delay", "pareto:1"], "--delay: must be LAW:PARAMS"),
        (["--model", "ctic", "--delay", "weibull:1"], "--delay: must be LAW:PARAMS"),
        (["--model", "ctic", "--delay", "fixed:inf"], "fixed: finite numbers"),
        (["--model", "ic", "--horizon", "3"], "are for ctic, sir, sis and temporal"),
        (["--model", "temporal"], "`--model temporal` needs timestamped contacts"),
        (["--model", "temporal", "--attempts", "all"], "--attempts: invalid choice"),
        (["--model", "sis"], "`horizon` is required"),
        (["--model", "sir", "--max-steps", "3"], "use `--horizon`"),
        (["--model", "sir", "--gamma", "-1"], "--gamma: must be a finite number >= 0"),
    ],
)
def test_continuous_time_options_are_checked(capsys, extra, message):
    code, _, err = run(capsys, "simulate", "karate", "--seeds", "0", "--runs", "10", *extra)
    assert code == 2
    assert message in assert_one_line_error(err, usage=True)


def test_maximize_ctic_up_to_a_horizon_matches_the_api(capsys, tmp_path):
    out_file = tmp_path / "seeds.json"
    argv = ["maximize", "karate", "-k", "2", "--model", "ctic", "--p", "0.2"]
    argv += ["--delay", "exponential:2", "--horizon", "1", "--eps", "0.3", "--rng", "4"]
    code, out, err = run(capsys, *argv, "--eval-runs", "500", "--out", str(out_file))
    assert code == 0, err
    model = spread.CTIC(p=0.2, delay=("exponential", 2.0))
    sel = spread.maximize(
        spread.datasets.load("karate"), 2, model, horizon=1.0, eps=0.3, rng=4, n_eval_runs=500
    )
    doc = json.loads(out_file.read_text())
    assert [row["node"] for row in doc["seeds"]] == sel.seeds.tolist()
    assert "fresh forward runs up to t = 1" in out


def test_maximize_horizon_is_for_heat_and_ctic(capsys):
    code, _, err = run(capsys, "maximize", "karate", "-k", "2", "--model", "lt", "--horizon", "2")
    assert code == 2
    assert "`--horizon` is for heat, ctic and temporal" in assert_one_line_error(err, usage=True)


def test_maximize_over_timed_contacts_matches_the_api(capsys, tmp_path):
    contacts = tmp_path / "contacts.txt"
    rng = np.random.default_rng(3)
    lines = [
        f"{u} {v} {t}"
        for u, v, t in zip(*rng.integers(0, 25, (2, 150)), rng.integers(0, 50, 150), strict=True)
    ]
    contacts.write_text("\n".join(lines) + "\n")
    out_file = tmp_path / "seeds.json"
    argv = ["maximize", str(contacts), "--directed", "--timed", "-k", "3", "--model", "temporal"]
    argv += ["--p", "0.5", "--horizon", "20", "--eps", "0.3", "--rng", "4", "--eval-runs", "500"]
    code, _, err = run(capsys, *argv, "--out", str(out_file))
    assert code == 0, err
    doc = json.loads(out_file.read_text())
    tg = spread.read_edgelist(contacts, directed=True, time=2)
    sel = spread.maximize(
        tg, 3, spread.TemporalIC(p=0.5), horizon=20.0, eps=0.3, rng=4, n_eval_runs=500
    )
    assert [row["node"] for row in doc["seeds"]] == sel.seeds.tolist()
    code, _, err = run(capsys, "maximize", "karate", "-k", "2", "--model", "temporal")
    assert code == 2
    assert "`--model temporal` needs timestamped contacts" in assert_one_line_error(
        err, usage=True
    )


def test_simulate_heat(capsys, tmp_path):
    out_file = tmp_path / "heat.csv"
    code, _, err = run(
        capsys,
        "simulate",
        "karate",
        "--seeds",
        "0",
        "--model",
        "heat",
        "--beta",
        "0.3",
        "--threshold",
        "0.02",
        "--times",
        "0,1,2",
        "--out",
        str(out_file),
    )
    assert code == 0, err
    frame = pd.read_csv(out_file)
    assert frame["time"].tolist() == [0.0, 1.0, 2.0]
    assert frame["total_heat"].round(9).tolist() == [1.0, 1.0, 1.0]


# ------------------------------------------------------------ scheduler
def test_scheduler_without_dask_names_the_extra(capsys, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_dask(name, *args, **kwargs):
        if name.startswith("dask"):
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_dask)
    code, _, err = run(capsys, "maximize", "karate", "-k", "2", "--scheduler", "tcp://x:8786")
    line = assert_one_line_error(err, usage=True)
    assert code == 2 and "spread[dask]" in line


def test_scheduler_malformed_address(capsys):
    pytest.importorskip("dask.distributed")
    code, _, err = run(
        capsys, "simulate", "karate", "--seeds", "0", "--runs", "10", "--scheduler", "nonsense:::"
    )
    line = assert_one_line_error(err, usage=code == 2)
    assert code == 2 and "Dask scheduler address" in line


@pytest.mark.parametrize("address", ["tls://127.0.0.1:1", "ucx://127.0.0.1:1", "inproc://x", ""])
def test_scheduler_address_that_cannot_be_used(capsys, address):
    pytest.importorskip("dask.distributed")
    code, _, err = run(capsys, *SIMULATE, "--scheduler", address, "--scheduler-timeout", "0.3")
    assert code == 2
    line = assert_one_line_error(err, usage=True)
    assert (
        f"`--scheduler` must be a Dask scheduler address such as tcp://host:8786; got {address!r}"
        in line
    )


def test_scheduler_unreachable(capsys):
    pytest.importorskip("dask.distributed")
    code, _, err = run(
        capsys,
        "maximize",
        "karate",
        "-k",
        "2",
        "--scheduler",
        "tcp://127.0.0.1:1",
        "--scheduler-timeout",
        "0.5",
    )
    line = assert_one_line_error(err, usage=False)
    assert code == 1 and "could not reach the Dask scheduler" in line


def test_scheduler_gives_the_local_answer(capsys, tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    here, there = tmp_path / "here.csv", tmp_path / "there.csv"
    argv = ["simulate", "karate", "--top-degree", "2", "--model", "ic", "--p", "0.2"]
    argv += ["--runs", "300", "--rng", "4", "--no-progress"]
    code, _, err = run(capsys, *argv, "--out", str(here))
    assert code == 0, err
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None
    ) as cluster:
        code, _, err = run(
            capsys, *argv, "--out", str(there), "--scheduler", cluster.scheduler_address
        )
    assert code == 0, err
    assert pd.read_csv(here).equals(pd.read_csv(there))


# ------------------------------------------------------------------- fit
def test_fit_bundled_trend_with_holdout(capsys, tmp_path):
    out_file = tmp_path / "bass.csv"
    code, out, err = run(
        capsys,
        "fit",
        "higgs",
        "--start",
        "2012-07-04",
        "--model",
        "bass",
        "--holdout",
        "48",
        "--out",
        str(out_file),
    )
    assert code == 0, err
    params = pd.read_csv(out_file, index_col="param")
    assert set(params.index) == {"m", "p", "q", "k"}
    assert (params["ci_low"] < params["estimate"]).all()
    forecast = pd.read_csv(tmp_path / "bass.forecast.csv")
    assert len(forecast) == 48 and {"observed", "mean", "lower", "upper"} <= set(forecast.columns)
    assert "held-out errors: mase" in out and "95% CI (wald)" in out


def test_fit_with_a_known_event(capsys, tmp_path):
    """`--event NAME=TIME --half-life H` fits the library's decaying column: the same
    coefficient as `fit_hawkes` with `event_regressors`, covering the held-out bins."""
    out_file = tmp_path / "hawkes.json"
    argv = ["fit", "higgs", "--start", "2012-07-04", "--end", "2012-07-05 10:00"]
    argv += ["--model", "hawkes", "--holdout", "6", "--out", str(out_file)]
    code, out, err = run(capsys, *argv, "--event", "news=2012-07-04T04:00", "--half-life", "12")
    assert code == 0, err
    assert "events: news (decay, half-life 12 bins)" in out
    got = json.loads(out_file.read_text())["fit"]["params"]["news"]
    series = spread.datasets.load_trend("higgs").since("2012-07-04").until("2012-07-05 04:00")
    x = spread.fit.event_regressors(
        series, {"news": "2012-07-04 04:00"}, horizon=6, shape="decay", half_life=12
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = spread.fit.fit_hawkes(series, regressors=x).params["news"]
    assert got == pytest.approx(want, rel=1e-9)


def test_fit_profiles_the_half_life(capsys, tmp_path):
    """`--half-life fit` is `profile_half_life` over the default grid: the same
    half-life, interval and coefficient as the library's, and the forecast's columns
    cover the held-out bins."""
    out_file = tmp_path / "hawkes.json"
    argv = ["fit", "higgs", "--start", "2012-07-04", "--end", "2012-07-05 10:00"]
    argv += ["--model", "hawkes", "--holdout", "6", "--out", str(out_file)]
    code, out, err = run(capsys, *argv, "--event", "news=2012-07-04T04:00", "--half-life", "fit")
    assert code == 0, err
    series = spread.datasets.load_trend("higgs").since("2012-07-04").until("2012-07-05 04:00")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        prof = spread.fit.profile_half_life(
            series, {"news": "2012-07-04 04:00"}, horizon=6, progress=False
        )
    low, high = prof.half_life_ci
    want = f"half-life profiled: {prof.half_life:.3g} bins, 95% interval {low:.3g} to {high:.3g}"
    assert want in out
    got = json.loads(out_file.read_text())["fit"]["params"]["news"]
    assert got == pytest.approx(prof.result.params["news"], rel=1e-9)
    assert prof.regressors.shape[0] == series.n_bins + 6


def test_fit_profiles_then_bootstraps_only_the_chosen_hawkes_fit(capsys, monkeypatch):
    """`--model hawkes --half-life fit --ci-method bootstrap`: Wald intervals for the
    profile's fits, the bootstrap for the chosen half-life's alone."""
    asked = []
    real = spread.fit.fit_hawkes

    def spy(trend, **kwargs):
        asked.append(kwargs["ci_method"])
        return real(trend, **kwargs)

    monkeypatch.setattr(spread.fit, "fit_hawkes", spy)
    argv = ["fit", "higgs", "--start", "2012-07-04", "--end", "2012-07-05 04:00"]
    argv += ["--model", "hawkes", "--event", "news=2012-07-04T04:00", "--half-life", "fit"]
    code, out, err = run(capsys, *argv, "--ci-method", "bootstrap", "--resamples", "5")
    assert code == 0, err
    assert asked[-1] == "bootstrap" and set(asked[:-1]) == {"wald"} and len(asked) >= 6
    assert "(bootstrap)" in out


def test_fit_auto_ranks_the_hawkes_twin_with_the_event(capsys, tmp_path):
    out_file = tmp_path / "auto.json"
    argv = ["fit", "higgs", "--start", "2012-07-04", "--end", "2012-07-06 04:00"]
    argv += ["--model", "auto", "--forecast", "6", "--origins", "2", "--out", str(out_file)]
    code, out, err = run(capsys, *argv, "--event", "news=2012-07-04T04:00", "--half-life", "12")
    assert code == 0, err
    ranked = [row["model"] for row in json.loads(out_file.read_text())["ranking"]]
    assert {"hawkes", "hawkes_regressors"} <= set(ranked)
    assert "background scaled by exp(gamma x) (news)" in out


def test_fit_with_the_history_cycle_and_an_event(capsys, tmp_path):
    """`--history-cycle 24` joins `cycle_regressors` of the bins before `--start` to the
    event's column: the same coefficients as the library's fit with both columns."""
    out_file = tmp_path / "hawkes.json"
    argv = ["fit", "higgs", "--start", "2012-07-04", "--end", "2012-07-05 04:00"]
    argv += ["--model", "hawkes", "--forecast", "6", "--out", str(out_file)]
    argv += ["--event", "news=2012-07-04T04:00", "--half-life", "12", "--history-cycle", "24"]
    code, out, err = run(capsys, *argv)
    assert code == 0, err
    assert "cycle: 24 bins, its shape from the 72 bins before 2012-07-04 00:00" in out
    whole = spread.datasets.load_trend("higgs")
    series = whole.since("2012-07-04").until("2012-07-05 04:00")
    x = pd.concat(
        [
            spread.fit.event_regressors(
                series, {"news": "2012-07-04 04:00"}, horizon=6, shape="decay", half_life=12
            ),
            spread.fit.cycle_regressors(whole.until("2012-07-04"), series, period=24, horizon=6),
        ],
        axis=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        want = spread.fit.fit_hawkes(series, regressors=x).params
    got = json.loads(out_file.read_text())["fit"]["params"]
    for name in ("news", "cycle"):
        assert got[name] == pytest.approx(want[name], rel=1e-9)


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["--end", "2012-07-05", "--model", "hawkes"], "needs --start"),
        (["--start", "2012-07-04", "--model", "bass"], "needs --start"),
        (["--start", "2012-07-02", "--model", "hawkes"], "at least two periods"),
        (["--start", "2012-07-01", "--model", "hawkes"], "no bins before"),
    ],
)
def test_fit_history_cycle_needs_a_history(capsys, argv, match):
    code, _, err = run(capsys, "fit", "higgs", *argv, "--history-cycle", "24")
    assert code == 2
    assert re.search(match, err), err


@pytest.mark.parametrize(
    ("extra", "match"),
    [
        (["--event", "news"], "must be NAME=TIME"),
        (["--event", "=2012-07-04"], "must be NAME=TIME"),
        (["--event", "news=2012-07-09"], r"must fall in the bins covered"),
        (["--event", "a b=2012-07-04T05:00"], "identifiers"),
        (["--half-life", "3"], "shape an `--event`"),
        (["--event", "news=2012-07-04T05:00", "--event-shape", "decay"], "`half_life` gives"),
        (["--event", "news=2012-07-04T05:00", "--model", "bass"], "needs `--model hawkes`"),
        (["--event", "news=2012-07-04T05:00", "--half-life", "0"], "--half-life"),
        (["--event", "news=2012-07-04T05:00", "--half-life", "soon"], "--half-life"),
        (
            ["--event", "news=2012-07-04T05:00", "--half-life", "fit", "--event-shape", "step"],
            "fits the decay of `--event-shape decay`",
        ),
        (
            ["--event", "news=2012-07-04T05:00", "--half-life", "fit", "--model", "auto"],
            "profiles one model's fit",
        ),
    ],
)
def test_fit_bad_events_are_named(capsys, extra, match):
    argv = ["fit", "higgs", "--start", "2012-07-04", "--end", "2012-07-05"]
    if "--model" not in extra:
        argv += ["--model", "hawkes"]
    code, _, err = run(capsys, *argv, *extra)
    assert code == 2
    assert re.search(match, err), err


def test_fit_csv_file_and_json_forecast(capsys, tmp_path):
    trend = spread.fit.simulate_trend("logistic", {"K": 2000, "r": 0.5, "tm": 10}, 25, rng=0)
    csv = tmp_path / "counts.csv"
    pd.DataFrame({"day": range(25), "new_users": trend.counts}).to_csv(csv, index=False)
    out_file = tmp_path / "fit.json"
    code, out, err = run(
        capsys,
        "fit",
        str(csv),
        "--time",
        "day",
        "--count",
        "new_users",
        "--model",
        "logistic",
        "--forecast",
        "5",
        "--out",
        str(out_file),
    )
    assert code == 0, err
    doc = json.loads(out_file.read_text())
    assert doc["fit"]["model"] == "logistic" and doc["fit"]["success"] is True
    assert len(doc["forecast"]) == 5
    low, high = doc["fit"]["intervals"]["K"]
    assert low < 2000 < high
    assert "forecast, 5 bin(s)" in out


def test_fit_forecast_with_ar1_errors(capsys, tmp_path):
    """`--errors ar1` forecasts as `FitResult.forecast(errors="ar1")` does, same rng."""
    trend = spread.fit.simulate_trend("logistic", {"K": 5000, "r": 0.3, "tm": 15}, 30, rng=1)
    counts = np.round(trend.counts * (1 + 0.3 * np.sin(np.arange(30) / 3)))
    csv = tmp_path / "counts.csv"
    pd.DataFrame({"day": range(30), "n": counts}).to_csv(csv, index=False)
    out_file = tmp_path / "fit.json"
    argv = ["fit", str(csv), "--time", "day", "--count", "n", "--model", "logistic"]
    code, out, err = run(
        capsys, *argv, "--forecast", "4", "--errors", "ar1", "--rng", "3", "--out", str(out_file)
    )
    assert code == 0, err
    assert "forecast, 4 bin(s)" in out
    res = spread.fit.fit_logistic(counts)
    want = res.forecast(4, n_paths=1000, rng=3, errors="ar1")
    got = pd.DataFrame(json.loads(out_file.read_text())["forecast"])
    np.testing.assert_allclose(got["mean"], want["mean"], rtol=1e-6)
    np.testing.assert_allclose(got["upper"], want["upper"])
    code, _, err = run(capsys, *argv, "--forecast", "4", "--errors", "ar2")
    assert code == 2 and "--errors" in err
    argv[-1] = "auto"
    code, _, err = run(capsys, *argv, "--forecast", "4", "--errors", "ar1")
    assert code == 2 and "`--errors ar1` applies to one model's forecast" in err


def test_fit_that_does_not_converge_exits_1_and_says_so(capsys, tmp_path, monkeypatch):
    """A single fit that ends with ``success=False`` (here the logistic fit, made to
    report its iteration limit) still prints and writes what it has, then exits 1 (a
    failure while working) with an error on stderr naming the model and the reason."""
    import dataclasses

    real = spread.fit.fit_logistic

    def stopped(*args, **kwargs):
        res = real(*args, **kwargs)
        return dataclasses.replace(res, status=1, success=False, message="max_iter reached")

    monkeypatch.setattr(spread.fit, "fit_logistic", stopped)
    trend = spread.fit.simulate_trend("logistic", {"K": 2000, "r": 0.5, "tm": 10}, 25, rng=0)
    csv = tmp_path / "counts.csv"
    pd.DataFrame({"day": range(25), "new_users": trend.counts}).to_csv(csv, index=False)
    out_file = tmp_path / "fit.json"
    code, out, err = run(
        capsys, "fit", str(csv), "--time", "day", "--count", "new_users",
        "--model", "logistic", "--out", str(out_file),
    )  # fmt: skip
    assert code == 1
    assert "max_iter reached" in out  # the summary, printed before the error
    assert "the logistic fit did not converge (max_iter reached)" in err
    assert json.loads(out_file.read_text())["fit"]["success"] is False
    monkeypatch.setattr(spread.fit, "fit_logistic", real)
    code, _, err = run(
        capsys, "fit", str(csv), "--time", "day", "--count", "new_users", "--model", "logistic"
    )
    assert code == 0 and "did not converge" not in err


def test_fit_ic_needs_the_estimator_or_says_so(capsys):
    """`spread fit --model ic` on a small graph runs the network fit to the end: exit
    code 0, the fit's summary with a converged status on stdout, the note that intervals
    need the bootstrap, and on stderr nothing but one-line warnings."""
    code, out, err = run(
        capsys,
        "fit",
        "higgs",
        "--model",
        "ic",
        "--graph",
        "karate",
        "--seeds",
        "0",
        "--runs",
        "5",
        "--end",
        "2012-07-01 06:00",
    )
    assert hasattr(spread.fit, "ICEstimator")
    assert code == 0, err
    assert "ic fit by negbin loss (to the simulated mean) on 6 observations: success" in out
    assert "no intervals for --model ic without --ci-method bootstrap" in out
    p = float(re.search(r"^\s+p\s+(\S+)", out, re.MULTILINE).group(1))
    assert 0 < p <= 1
    assert "Traceback" not in err
    # warnings are shown as one line each, without source lines
    for line in err.splitlines():
        assert line.startswith("spread fit: ")


def test_fit_ic_message_passing_takes_wald_intervals(capsys, tmp_path):
    """`--ic-method dmp` with the default `--ci-method wald`: the fit written out has a
    finite interval around p (the expected information of the counts around the
    message-passing curve), and no note that intervals need the bootstrap."""
    out_file = tmp_path / "fit.json"
    code, out, err = run(
        capsys, "fit", "higgs", "--model", "ic", "--graph", "karate", "--seeds", "0",
        "--ic-method", "dmp", "--no-external", "--runs", "5", "--end", "2012-07-01 06:00",
        "--out", str(out_file),
    )  # fmt: skip
    assert code == 0, err
    assert "no intervals for --model ic" not in out
    fit = json.loads(out_file.read_text())["fit"]
    low, high = fit["intervals"]["p"]
    assert fit["ci_method"] == "wald"
    assert 0 < low < fit["params"]["p"] < high


def test_fit_ic_message_passing_takes_profile_intervals(capsys, tmp_path):
    """`--ci-method profile` with `--ic-method dmp`: the fit written out has the
    likelihood-ratio interval of `ICEstimator(ci_method="profile")` on the same counts;
    with the simulation fit (`--ic-method mc`) it is a usage error naming the rule."""
    out_file = tmp_path / "fit.json"
    argv = ["fit", "higgs", "--model", "ic", "--graph", "karate", "--seeds", "0"]
    argv += ["--no-external", "--runs", "5", "--end", "2012-07-01 06:00", "--rng", "0"]
    code, _, err = run(
        capsys, *argv, "--ic-method", "dmp", "--ci-method", "profile", "--out", str(out_file)
    )
    assert code == 0, err
    fit = json.loads(out_file.read_text())["fit"]
    assert fit["ci_method"] == "profile"
    trend = spread.datasets.load_trend("higgs").until("2012-07-01 06:00")
    est = spread.fit.ICEstimator("dmp", n_runs=5, ci_method="profile", rng=0)
    res = est.fit(spread.datasets.load("karate"), trend, seeds=[0]).result_
    np.testing.assert_allclose(fit["intervals"]["p"], list(res.intervals["p"]), rtol=1e-9)
    code, _, err = run(capsys, *argv, "--ic-method", "mc", "--ci-method", "profile")
    assert code == 2 and "`--ci-method profile` for `--model ic` needs `--ic-method dmp`" in err


def test_fit_ic_by_the_ar1_likelihood(capsys, tmp_path):
    """`--loss ar1` fits the network model by the AR(1) errors' likelihood (the same
    estimate as `ICEstimator(loss="ar1")`), and its forecast takes AR(1) errors unless
    told otherwise; a curve model refuses the loss."""
    import networkx as nx

    from spread.fit.dmp import dmp_ic

    nxg = nx.barabasi_albert_graph(2000, 2, seed=1)
    edges = tmp_path / "ba.txt"
    nx.write_edgelist(nxg, edges, data=False)
    g = spread.read_edgelist(edges, directed=False)
    seeds = g.label_of(np.arange(5)).tolist()
    mu = dmp_ic(g, np.arange(5), 0.08, max_steps=19, external=0.002)[0]
    counts = np.round(mu * np.exp(0.3 * np.sin(np.arange(20) / 3)))
    counts[0] = 5
    csv = tmp_path / "counts.csv"
    pd.DataFrame({"day": range(20), "n": counts}).to_csv(csv, index=False)
    out_file = tmp_path / "fit.json"
    argv = ["fit", str(csv), "--time", "day", "--count", "n", "--model", "ic"]
    argv += ["--graph", str(edges), "--seeds", ",".join(map(str, seeds))]
    argv += ["--ic-method", "dmp", "--runs", "5", "--rng", "0"]
    code, out, err = run(capsys, *argv, "--loss", "ar1", "--forecast", "3", "--out", str(out_file))
    assert code == 0, err
    assert "ic fit by ar1 loss" in out
    doc = json.loads(out_file.read_text())
    assert doc["fit"]["loss_name"] == "ar1" and len(doc["forecast"]) == 3
    est = spread.fit.ICEstimator(
        "dmp", loss="ar1", external=True, n_runs=5, ci_method="wald", rng=0
    )
    res = est.fit(g, counts, seeds=seeds).result_
    assert doc["fit"]["params"]["p"] == pytest.approx(res.params["p"], rel=1e-9)
    want = res.forecast(3, n_paths=1000, rng=0)
    assert "error_model" in want.attrs
    np.testing.assert_allclose(pd.DataFrame(doc["forecast"])["mean"], want["mean"], rtol=1e-6)
    code, _, err = run(capsys, "fit", str(csv), "--time", "day", "--count", "n", "--loss", "ar1")
    assert code == 2 and "`loss`" in err


def test_fit_ic_profiles_the_half_life_and_bootstraps_only_the_choice(
    capsys, monkeypatch, tmp_path
):
    """`--model ic --half-life fit` on the DMP curve of a pulse halving every 4 bins
    on the karate club: the profile's fits skip the bootstrap, the chosen half-life
    (4, the truth, on this exact curve) is refitted with it."""
    graph = spread.datasets.load("karate")
    t = np.arange(24, dtype=float)
    pulse = np.where(t >= 3, 2.0 ** (-(t - 3) / 4.0), 0.0)
    new, _ = spread.fit.dmp_ic(
        graph, [0], 0.1, max_steps=23, external=0.01 * np.exp(2 * pulse[1:])
    )
    csv = tmp_path / "counts.csv"
    pd.DataFrame({"hour": t, "adopters": new}).to_csv(csv, index=False)
    made = []
    real = spread.fit.ICEstimator

    def spy(**kwargs):
        made.append(kwargs["ci_method"])
        return real(**kwargs)

    monkeypatch.setattr(spread.fit, "ICEstimator", spy)
    argv = ["fit", str(csv), "--time", "hour", "--count", "adopters", "--model", "ic"]
    argv += ["--graph", "karate", "--seeds", "0", "--ic-method", "dmp", "--loss", "poisson"]
    argv += ["--event", "news=3", "--half-life", "fit", "--ci-method", "bootstrap"]
    code, out, err = run(capsys, *argv, "--resamples", "5")
    assert code == 0, err
    assert re.search(r"\(decay, half-life profiled: 4 bins, 95% interval ", out), out
    assert made[-1] == "bootstrap" and set(made[:-1]) == {None} and len(made) >= 6
    assert "(bootstrap)" in out


# -------------------------------------------------------------- datasets
def test_datasets_lists_graphs_and_trends(capsys):
    code, out, _ = run(capsys, "datasets")
    assert code == 0
    assert "nethept" in out and "higgs-retweet" in out and "count series" in out


def test_datasets_trend_summary(capsys):
    code, out, _ = run(capsys, "datasets", "higgs")
    assert code == 0 and "228,556 adopters" in out and "licence:" in out


def test_parser_defaults():
    args = build_parser().parse_args(["simulate", "karate", "--seeds", "0"])
    assert (args.model, args.p, args.runs, args.rng, args.progress) == (
        "ic",
        "wc",
        10_000,
        0,
        None,
    )


# ------------------------------------------------------------------ demo
def test_demo_quick_writes_the_report(capsys, tmp_path):
    folder = tmp_path / "demo"
    code, out, err = run(capsys, "demo", "--quick", "--out", str(folder), "--no-progress")
    assert code == 0, err
    report = (folder / "report.md").read_text()
    pngs = sorted(p.name for p in folder.glob("*.png"))
    assert len(pngs) >= 4
    for name in pngs:
        assert f"]({name})" in report
    for name in ("adoption_curves.csv", "seeds.csv", "higgs_fit_params.csv", "higgs_forecast.csv"):
        assert (folder / name).stat().st_size > 0
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["quick"] is True and len(summary["selections"]) == 2
    assert "## 2. Whom to seed" in report and "MASE" in report
    assert "fit at the peak hour" in report and "highest fitted hour" in report
    assert f"wrote {folder / 'report.md'}" in out


# ------------------------------------------------- errors: one line, exit codes
# Rule: bad input exits 2 (usage, then one error line); a failure while working exits
# 1 (one line); anything else is an internal error (1, one line asking for a report,
# the traceback only with --debug); Ctrl-C exits 130.


def without_warnings(err, command):
    """`err` without the one-line warnings (``spread fit: UserWarning: ...``)."""
    warning = re.compile(rf"^spread {command}: \w*Warning: ")
    return "".join(line for line in err.splitlines(True) if not warning.match(line))


def only_line(err):
    """The one non-empty line of `err` (it must be exactly one)."""
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def simulate_raises(monkeypatch):
    """Make `spread simulate` raise `exc` from inside the library call."""

    def install(exc):
        def boom(*args, **kwargs):
            raise exc

        monkeypatch.setattr(spread, "simulate", boom)

    return install


SIMULATE = ["simulate", "karate", "--seeds", "0", "--runs", "10"]


@pytest.mark.parametrize(
    ("exc", "code"),
    [
        (spread.exceptions.InvalidParameterError("`n_runs` must be small; got 10."), 2),
        (spread.exceptions.NodeNotFound("node 5 not in the graph (3 nodes)."), 2),
        (spread.exceptions.GraphFormatError("edges.txt, line 3: expected 2 fields"), 2),
        (spread.exceptions.FileNotFound("No such file: 'weights.txt'"), 2),
        (spread.exceptions.MemoryLimitError("10 runs would keep 9 GiB, over `max_memory`"), 1),
        (spread.exceptions.WorkLimitError("heat at time 9 needs 1e12 terms, over `max_work`"), 1),
        (spread.exceptions.DatasetError("dataset file 'x.gz' fails its checksum"), 1),
        (spread.exceptions.SpreadError("something\nfailed   while working"), 1),
        (spread.exceptions.ConvergenceWarning("the fit did not converge"), 1),
        (OSError(28, "No space left on device"), 1),
        (PermissionError(13, "Permission denied"), 1),
    ],
)
def test_exception_classes_map_to_exit_codes(capsys, simulate_raises, exc, code):
    simulate_raises(exc)
    got, _, err = run(capsys, *SIMULATE)
    assert got == code
    line = assert_one_line_error(err, usage=code == 2)
    assert line.startswith("spread simulate: error: ")
    assert line.endswith(" ".join(str(exc).split()))
    if code == 1:
        assert only_line(err) == line  # no usage for a failure while working


@pytest.mark.parametrize("exc", [KeyError("x"), TypeError("bad operand"), AttributeError("no")])
def test_an_unexpected_exception_is_one_internal_error_line(capsys, simulate_raises, exc):
    simulate_raises(exc)
    code, _, err = run(capsys, *SIMULATE)
    assert code == 1
    assert "Traceback" not in err
    assert only_line(err) == (
        f"spread simulate: internal error: {type(exc).__name__}: {exc}; please report it at "
        "the project's issue tracker with the command line (rerun with --debug for the "
        "traceback)"
    )


@pytest.mark.parametrize("where", ["before", "after"])
def test_debug_shows_the_traceback(capsys, monkeypatch, where):
    # replace the function the parser binds to `simulate` (its module's `main`)
    def broken(args):
        raise KeyError("x")

    monkeypatch.setattr(spread.cli.simulate, "main", broken)
    argv = ["--debug", *SIMULATE] if where == "before" else [*SIMULATE, "--debug"]
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert err.startswith("Traceback (most recent call last):")
    assert 'raise KeyError("x")' in err
    last = err.strip().splitlines()[-1]
    assert last.startswith("spread simulate: internal error: KeyError: 'x'; please report")


def test_without_debug_the_bound_function_error_is_one_line(capsys, monkeypatch):
    def broken(args):
        raise KeyError("x")

    monkeypatch.setattr(spread.cli.simulate, "main", broken)
    code, _, err = run(capsys, *SIMULATE)
    assert code == 1 and "Traceback" not in err
    assert "internal error: KeyError: 'x'" in only_line(err)


def test_debug_is_an_option_of_the_main_parser_and_of_each_command():
    parser = build_parser()
    assert parser.parse_args([*SIMULATE]).debug is False
    assert parser.parse_args(["--debug", *SIMULATE]).debug is True
    assert parser.parse_args([*SIMULATE, "--debug"]).debug is True
    assert parser.parse_args(["--debug", "fit", "higgs", "--debug"]).debug is True


def test_debug_changes_nothing_on_success(capsys):
    code, out, err = run(capsys, "--debug", *SIMULATE)
    assert code == 0 and err == "" and "1 seed(s) [0]" in out


def test_ctrl_c_exits_130_with_one_line(capsys, simulate_raises):
    simulate_raises(KeyboardInterrupt())
    code, _, err = run(capsys, *SIMULATE)
    assert code == 130 and only_line(err) == "spread simulate: interrupted"


def test_a_closed_pipe_stops_quietly(capsys, simulate_raises):
    simulate_raises(BrokenPipeError(32, "Broken pipe"))
    code, _, err = run(capsys, *SIMULATE)
    assert code == 1 and err == ""


def test_an_os_error_while_writing_exits_1(capsys, monkeypatch, tmp_path):
    def full_disk(self, *args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(pd.DataFrame, "to_csv", full_disk)
    code, out, err = run(capsys, *SIMULATE, "--out", str(tmp_path / "curve.csv"))
    assert code == 1
    assert only_line(err) == "spread simulate: error: [Errno 28] No space left on device"
    assert "1 seed(s) [0]" in out  # the work was done; only the writing failed


def test_a_real_memory_limit_exits_1(capsys):
    code, _, err = run(capsys, "simulate", "karate", "--seeds", "0", "--runs", str(10**18))
    assert code == 1
    assert "max_memory" in only_line(err)


def test_a_library_rejection_of_a_value_exits_2(capsys):
    code, _, err = run(capsys, "maximize", "karate", "-k", "2", "--model", "heat")
    assert code == 2
    assert "`method` must be one of" in assert_one_line_error(err, usage=True)


def test_an_argparse_error_is_one_line_even_with_a_newline_in_a_value(capsys):
    code, _, err = run(capsys, *SIMULATE, "two\nlines")
    assert code == 2
    line = assert_one_line_error(err, usage=True)
    assert line == "spread simulate: error: unrecognized arguments: 'two\\nlines'"


def test_warnings_are_one_line_each_and_not_repeated(capsys, monkeypatch):
    import warnings

    def warns(args):
        for _ in range(3):
            warnings.warn(
                "the fit\n  did not converge", spread.exceptions.ConvergenceWarning, stacklevel=2
            )
        warnings.warn("few observations", UserWarning, stacklevel=2)
        return 0

    monkeypatch.setattr(spread.cli.simulate, "main", warns)
    code, _, err = run(capsys, *SIMULATE)
    assert code == 0
    assert err.splitlines() == [
        "spread simulate: ConvergenceWarning: the fit did not converge",
        "spread simulate: UserWarning: few observations",
    ]


# ------------------------------------------------------------ --out checks
@pytest.fixture
def no_work(monkeypatch):
    """Record whether a command loaded its graph or ran its library call."""
    calls = []

    def record(name):
        def fake(*args, **kwargs):
            calls.append(name)
            raise AssertionError(f"{name} ran before --out was checked")

        return fake

    monkeypatch.setattr(spread.cli.maximize, "load_graph", record("load_graph"))
    monkeypatch.setattr(spread.cli.simulate, "load_graph", record("load_graph"))
    monkeypatch.setattr(spread, "maximize", record("maximize"))
    monkeypatch.setattr(spread.cli.fit, "_load_trend", record("_load_trend"))
    monkeypatch.setattr(spread.cli.demo, "run", record("demo.run"))
    return calls


def out_error(capsys, argv):
    """Run a command whose --out is bad; the ``no_work`` fixture proves nothing ran."""
    code, _, err = run(capsys, *argv)
    assert code == 2
    return assert_one_line_error(err, usage=True)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("folder.csv", "is a folder"),
        ("missing/seeds.csv", "is in a folder that does not exist"),
        ("plain.txt/seeds.csv", "which is not a folder"),
        ("seeds.xlsx", "must end in .csv, .json or .parquet; got"),
        (".csv", "must end in .csv, .json or .parquet after a file name"),
        ("seeds", "must end in .csv, .json or .parquet"),
    ],
)
def test_a_bad_out_path_is_a_usage_error_before_any_work(capsys, tmp_path, no_work, name, reason):
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "plain.txt").write_text("x")
    before = sorted(tmp_path.rglob("*"))
    line = out_error(capsys, ["maximize", "nethept", "-k", "50", "--out", str(tmp_path / name)])
    assert "`--out`" in line and reason in line
    assert no_work == []
    assert sorted(tmp_path.rglob("*")) == before  # no file appeared


def test_out_in_a_folder_that_is_not_writable(capsys, monkeypatch, tmp_path, no_work):
    import os

    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if p == tmp_path else real(p, mode))
    line = out_error(capsys, ["simulate", *SIMULATE[1:], "--out", str(tmp_path / "c.csv")])
    assert "is in a folder that is not writable" in line and str(tmp_path) in line
    assert no_work == [] and not (tmp_path / "c.csv").exists()


def test_out_file_that_exists_and_is_not_writable(capsys, monkeypatch, tmp_path, no_work):
    import os

    target = tmp_path / "c.json"
    target.write_text("{}")
    real = os.access
    monkeypatch.setattr(os, "access", lambda p, mode: False if p == target else real(p, mode))
    line = out_error(capsys, ["simulate", *SIMULATE[1:], "--out", str(target)])
    assert "exists and is not writable" in line
    assert no_work == [] and target.read_text() == "{}"


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux /proc")
def test_out_where_no_file_can_be_created(capsys, no_work):
    # /proc passes the permission bits for root; creating a file there fails all the same
    line = out_error(capsys, ["simulate", *SIMULATE[1:], "--out", "/proc/spread-test.csv"])
    assert "/proc/spread-test.csv" in line and no_work == []


def test_fit_checks_the_forecast_file_next_to_out_before_fitting(capsys, tmp_path, no_work):
    (tmp_path / "fit.forecast.csv").mkdir()
    argv = ["fit", "higgs", "--holdout", "10", "--out", str(tmp_path / "fit.csv")]
    line = out_error(capsys, argv)
    assert "fit.forecast.csv" in line and "is a folder" in line
    assert no_work == [] and not (tmp_path / "fit.csv").exists()


def test_demo_out_must_be_a_folder_it_can_write(capsys, tmp_path, no_work):
    (tmp_path / "report.md").write_text("x")
    line = out_error(capsys, ["demo", "--quick", "--out", str(tmp_path / "report.md")])
    assert "must be a folder that can be written" in line and "exists and is not a folder" in line
    line = out_error(capsys, ["demo", "--quick", "--out", str(tmp_path / "report.md" / "d")])
    assert "which is not a folder" in line
    assert no_work == []


# --------------------------------------------------------- numeric options
BAD_VALUES = [
    ("simulate", "--rng", "-1", "an integer >= 0"),
    ("simulate", "--rng", "1.5", "an integer >= 0"),
    ("simulate", "--rng", "nan", "an integer >= 0"),
    ("simulate", "--threads", "0", "a positive integer"),
    ("simulate", "--threads", "two", "a positive integer"),
    ("simulate", "--runs", "1e3", "a positive integer"),
    ("simulate", "--runs", str(2**63), "a positive integer no larger than 2**63 - 1"),
    ("simulate", "--max-steps", "0", "a positive integer"),
    ("simulate", "--max-steps", str(10**23), "a positive integer no larger than 2**63 - 1"),
    ("simulate", "--level", "abc", "a number in (0, 1)"),
    ("simulate", "--level", "1", "a number in (0, 1)"),
    ("simulate", "--level", "nan", "a number in (0, 1)"),
    ("simulate", "--beta", "0", "a finite number > 0"),
    ("simulate", "--beta", "inf", "a finite number > 0"),
    ("simulate", "--beta", "nan", "a finite number > 0"),
    ("simulate", "--threshold", "-0.1", "a finite number > 0"),
    ("simulate", "--threshold", "Infinity", "a finite number > 0"),
    ("simulate", "--times", "0,1,x", "a comma-separated list of finite times >= 0"),
    ("simulate", "--times", "0,nan", "a comma-separated list of finite times >= 0"),
    ("simulate", "--times", "1,inf", "a comma-separated list of finite times >= 0"),
    ("simulate", "--times", ",", "a comma-separated list of finite times >= 0"),
    ("simulate", "--p", "1.5", "a probability in [0, 1] or one of wc, trivalency, weight"),
    ("simulate", "--p", "nan", "a probability in [0, 1] or one of wc, trivalency, weight"),
    ("simulate", "--p", "WC", "a probability in [0, 1] or one of wc, trivalency, weight"),
    ("simulate", "--scheduler-timeout", "nan", "a finite number > 0"),
    ("simulate", "--scheduler-timeout", "0", "a finite number > 0"),
    ("simulate", "--skiprows", "-2", "an integer >= 0"),
    ("simulate", "--skiprows", str(10**7), "an integer >= 0 no larger than 1,000,000"),
    ("simulate", "--top-degree", "0", "a positive integer"),
    ("maximize", "-k", "2.5", "a positive integer"),
    ("maximize", "--eval-runs", "1", "an integer >= 2"),
    ("maximize", "--runs", "-3", "a positive integer"),
    ("maximize", "--eps", "0", "a number in (0, 1)"),
    ("maximize", "--eps", "inf", "a number in (0, 1)"),
    ("maximize", "--horizon", "-1", "a finite number >= 0"),
    ("maximize", "--horizon", "nan", "a finite number >= 0"),
    ("fit", "--resamples", "1", "an integer >= 2"),
    ("fit", "--holdout", "0", "a positive integer"),
    ("fit", "--forecast", "x", "a positive integer"),
    ("fit", "--forecast-level", "1.0", "a number in (0, 1)"),
    ("fit", "--level", "-inf", "a number in (0, 1)"),
    ("fit", "--rng", "-5", "an integer >= 0"),
    ("demo", "--rng", "0.5", "an integer >= 0"),
]
BASE = {
    "simulate": ["simulate", "karate", "--top-degree", "1"],
    "maximize": ["maximize", "karate", "-k", "1"],
    "fit": ["fit", "higgs"],
    "demo": ["demo"],
}


@pytest.mark.parametrize(("command", "option", "value", "rule"), BAD_VALUES)
def test_numeric_options_name_the_rule_and_the_value(capsys, command, option, value, rule):
    argv = [*BASE[command], f"{option}={value}"]
    if option == "-k":
        argv = ["maximize", "karate", "-k", value]
    elif option == "--top-degree":
        argv = ["simulate", "karate", "--top-degree", value]
    code, _, err = run(capsys, *argv)
    assert code == 2
    line = assert_one_line_error(err, usage=True)
    assert line.startswith(f"spread {command}: error: argument {option}")
    assert f"must be {rule}" in line and f"got {value!r}" in line


def test_numeric_options_accept_their_edge_values():
    parse = build_parser().parse_args
    args = parse(["simulate", "karate", "--seeds", "0", "--rng", str(10**30), "--p", "0"])
    assert args.rng == 10**30 and args.p == 0.0
    args = parse(["simulate", "karate", "--seeds", "0", "--p", "1", "--times", " 0, 1.5 2"])
    assert args.p == 1.0 and args.times == (0.0, 1.5, 2.0)
    args = parse(["simulate", "karate", "--seeds", "0", "--max-steps", str(2**63 - 1)])
    assert args.max_steps == 2**63 - 1
    args = parse(["maximize", "karate", "-k", "1", "--horizon", "0", "--p", "trivalency"])
    assert args.horizon == 0.0 and args.p == "trivalency"
    assert parse(["fit", "higgs", "--resamples", "2"]).resamples == 2


# ------------------------------------------------------------ input files
def test_seed_tokens_that_are_not_labels_name_the_token(capsys):
    code, _, err = run(capsys, "simulate", "karate", "--seeds", "0,x", "--runs", "10")
    assert code == 2
    assert "`--seeds` must hold node labels (integers in this graph); got 'x'" in (
        assert_one_line_error(err, usage=True)
    )


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (None, "does not exist"),
        ("folder", "is a folder"),
        (b"\x00\x01\x02binary", "is a binary file"),
        (b"caf\xe9 1\n", "is not UTF-8 text"),
        (b"0\nseventeen\n", "got 'seventeen'"),
    ],
)
@pytest.mark.parametrize("option", ["--seeds-file", "--exclude-file"])
def test_bad_seed_and_exclude_files_name_the_file(capsys, tmp_path, content, reason, option):
    path = tmp_path / "nodes.txt"
    if content == "folder":
        path.mkdir()
    elif content is not None:
        path.write_bytes(content)
    if option == "--seeds-file":
        argv = ["simulate", "karate", option, str(path), "--runs", "10"]
    else:
        argv = ["maximize", "karate", "-k", "1", option, str(path), "--eval-runs", "10"]
    code, _, err = run(capsys, *argv)
    assert code == 2
    line = assert_one_line_error(err, usage=True)
    assert f"`{option}`" in line and reason in line
    if "got '" not in reason:  # a file problem names the file; a token problem the token
        assert str(path) in line


def test_a_seeds_file_without_labels_is_a_usage_error_an_empty_exclude_file_is_fine(
    capsys, tmp_path
):
    path = tmp_path / "nodes.txt"
    path.write_text("# only a comment\n")
    code, _, err = run(capsys, "simulate", "karate", "--seeds-file", str(path), "--runs", "10")
    assert code == 2
    line = assert_one_line_error(err, usage=True)
    assert "`--seeds-file` must name at least one node; got none" in line
    argv = ["maximize", "karate", "-k", "1", "--exclude-file", str(path), "--eval-runs", "10"]
    code, out, err = run(capsys, *argv)
    assert code == 0 and err == "" and "opim-c chose 1 seed(s)" in out


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"", "empty"),
        (b"\x00\x10binary\x00", "is a binary file"),
        (b"\xff\xfe\xfa\xfb,1\n", "utf-8"),
        ("folder", "is a folder"),
    ],
)
def test_bad_graph_files_name_the_file(capsys, tmp_path, content, reason):
    path = tmp_path / "edges.txt"
    if content == "folder":
        path.mkdir()
    else:
        path.write_bytes(content)
    code, _, err = run(capsys, "simulate", str(path), "--seeds", "0", "--runs", "10")
    assert code == 2
    line = assert_one_line_error(err, usage=True)
    assert str(path) in line and reason in line.lower()


@pytest.mark.parametrize(
    ("content", "extra", "reason"),
    [
        (b"", [], "is empty"),
        (b"day,count\n", [], "has no data rows"),
        (b"\x00\x01\x02\x03", [], "is a binary file"),
        (b"day,count\n\xe9t\xe9,1\n", [], "could not be read (UnicodeDecodeError"),
        (b'day,count\n"0,1\n', [], "could not be read (ParserError"),
        (b"day,count\n0,1\n1,2\n", ["--time", "hour"], "`--time` must name a column of"),
        (b"day,count\n0,1\n1,2\n", ["--count", "n"], "`--count` must name a column of"),
        (b"day,count\nmonday,1\ntuesday,2\n", [], "could not make a series of it"),
        (b"day,count\n0,one\n1,two\n", [], "could not make a series of it"),
        (b"day,count\n0,1\n1,2\n", ["--freq", "fortnightly"], "could not make a series of it"),
        (b"0 1\n1 2\n", [], "could not make a series of it"),
    ],
)
def test_bad_trend_csv_files_name_the_file(capsys, tmp_path, content, extra, reason):
    path = tmp_path / "counts.csv"
    path.write_bytes(content)
    code, _, err = run(capsys, "fit", str(path), "--model", "logistic", *extra)
    assert code == 2
    line = assert_one_line_error(without_warnings(err, "fit"), usage=True)
    assert str(path) in line and reason in line


@pytest.mark.parametrize(
    ("option", "value"),
    [("--start", "not a date"), ("--end", "1999-01-01"), ("--start", "2030-01-01")],
)
def test_a_window_that_cannot_cut_the_trend_names_the_option(capsys, option, value):
    code, _, err = run(capsys, "fit", "higgs", option, value)
    assert code == 2
    line = assert_one_line_error(err, usage=True)
    assert f"`{option}` must be a time within the series" in line and repr(value) in line


def test_an_unknown_seeds_from_name_is_a_usage_error_before_work(capsys, no_work):
    code, _, err = run(
        capsys, "fit", "higgs", "--model", "ic", "--graph", "karate", "--seeds-from", "nope"
    )
    assert code == 2 and no_work == []
    line = assert_one_line_error(err, usage=True)
    assert "`--seeds-from` must be bundled adoption times (higgs-adopters); got 'nope'" in line


def test_a_folder_is_neither_a_graph_nor_a_trend(capsys, tmp_path):
    code, _, err = run(capsys, "simulate", str(tmp_path), "--seeds", "0")
    assert code == 2 and "is a folder" in assert_one_line_error(err, usage=True)
    code, _, err = run(capsys, "fit", str(tmp_path))
    assert code == 2 and "which is a folder" in assert_one_line_error(err, usage=True)
