"""The `spread` command line, called in-process through `spread.cli.main`."""

import json
import re

import pandas as pd
import pytest

import spread
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
    assert "imm chose 10 seed(s)" in out and "95% CI" in out


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
    assert doc["k"] == 3 and doc["method"] == "imm"
    assert len(doc["spread_ci"]) == 2 and doc["spread_ci"][0] < doc["spread"]
    nodes = [row["node"] for row in doc["seeds"]]
    assert len(nodes) == 3 and not {0, 33} & set(nodes)


def test_maximize_degree_method_from_an_edge_list_file(capsys, tmp_path):
    edges = tmp_path / "edges.txt"
    edges.write_text("a b\nb c\na c\nc d\nd e\n")
    code, out, err = run(
        capsys, "maximize", str(edges), "-k", "1", "--method", "degree", "--eval-runs", "100"
    )
    assert code == 1 and "is not int" in assert_one_line_error(err, usage=False)
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
        (["simulate", "karate", "--seeds", "0", "--p", "1.5"], "`p`"),
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


def test_bad_file_content_exits_1(capsys, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("0 1\n1 two three\n")
    code, _, err = run(capsys, "simulate", str(bad), "--seeds", "0", "--runs", "10")
    assert code == 1
    line = assert_one_line_error(err, usage=False)
    assert "bad.txt" in line


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


def test_fit_ic_needs_the_estimator_or_says_so(capsys):
    code, _, err = run(
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
    if not hasattr(spread.fit, "ICEstimator"):
        assert code == 1
        assert "ICEstimator" in assert_one_line_error(err, usage=False)
    else:
        assert code in (0, 1)
        assert "Traceback" not in err
        # warnings are shown as one line each, without source lines
        for line in err.splitlines():
            assert line.startswith("spread fit: ")


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
    assert f"wrote {folder / 'report.md'}" in out
