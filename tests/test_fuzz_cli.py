"""Fuzz the `spread` command line: random argument lists never end in a traceback.

Each example builds an argument list from the real subcommands and options, with values
that are often invalid (empty, NaN, infinite, negative, zero, huge, fractions where
integers are due, random text, missing, files of garbage), runs `spread.cli.main` in
this process and checks that it returns an exit code in {0, 1, 2, 130}, prints no
traceback and no internal error, and that a failure ends in exactly one error line.

The work stays tiny: the bundled ``karate`` graph or small files, at most 50 runs,
``-k`` at most 3, IMM with ``--eps 0.5``, Bass or logistic fits. More examples:
``SPREAD_FUZZ_EXAMPLES=2000 pytest tests/test_fuzz_cli.py`` (add
``--hypothesis-show-statistics`` to see the exit codes met).

Work sizes are either small or absurd: the values between (``--runs 10**6``, a valid
``--eps 0.01``, ``--freq 1s`` over a year) are valid and would make an example run for
minutes, so they are left out; the absurd ones (``--runs``, ``--eval-runs``,
``--resamples`` or ``--forecast`` of 10**12 and more, ``--eps`` below 1e-7) must end in
a `WorkLimitError` or `MemoryLimitError` line before any work starts.
"""

import contextlib
import io
import math
import os
import re

import hypothesis
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from spread.cli import main

EXAMPLES = int(os.environ.get("SPREAD_FUZZ_EXAMPLES", 40))

#: Work sizes from here on are refused before any work starts (`max_work`, memory).
ABSURD = 10**12

#: Values that break one rule or another, for any option.
GARBAGE = [
    "",
    " ",
    "nan",
    "NaN",
    "inf",
    "-inf",
    "Infinity",
    "-1",
    "-0.5",
    "0",
    "0.0",
    "1.5",
    "2.5",
    "1e400",
    "-1e400",
    "1e-400",
    str(ABSURD),
    str(10**18),
    "1e-300",
    str(2**63),
    str(10**30),
    "9" * 5000,
    "0x1f",
    "abc",
    "1,2",
    "1;2",
    "é",
    "\n",
    "\x00",
    "--",
    "-",
    "%s",
    "None",
    "True",
]


def _as_float(text):
    try:
        return float(text)
    except (ValueError, OverflowError):
        return math.nan


def _as_int(text):
    try:
        return int(text)
    except ValueError:
        return None


#: Random text that is not option-like (no leading "-", which argparse would read as
#: an abbreviated option and so pair other values with other options).
TEXT = st.text(max_size=12).filter(lambda t: not t.startswith("-"))


def garbage(*, not_int_over=None, not_float_in=None):
    """Invalid (or odd) values; optionally none that parses as a large (but not absurd)
    int or a float in an interval (values that would be valid and make the work large)."""

    def fine(text):
        if not_int_over is not None:
            value = _as_int(text)
            if value is not None and not_int_over < value < ABSURD:
                return False
        if not_float_in is not None:
            low, high = not_float_in
            if low < _as_float(text) < high:
                return False
        return True

    return st.one_of(st.sampled_from(GARBAGE), TEXT).filter(fine)


def small_ints(high):
    return st.integers(1, high).map(str)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Small files of every kind, and a working folder to run in (outputs land there)."""
    root = tmp_path_factory.mktemp("fuzz")
    contents = {
        "edges.txt": b"0 1\n1 2\n2 0\n2 3\n",
        "edges_str.txt": b"a b\nb c\nc a\n",
        "edges_w.txt": b"0 1 0.5\n1 2 1.5\n2 0 0.25\n",
        "empty.txt": b"",
        "binary.bin": bytes(range(256)) * 4,
        "latin1.txt": "café 1\n2 3\n".encode("latin-1"),
        "garbage.txt": b"%% ;;\n,,,\n\t \t\n1\n",
        "header.csv": b"day,count\n",
        "trend.csv": b"day,count\n"
        + b"".join(
            b"%d,%d\n" % (d, c) for d, c in enumerate([1, 3, 8, 15, 22, 18, 11, 6, 3, 1, 1, 0])
        ),
        "trend_dates.csv": b"hour,count\n"
        + b"".join(
            b"2024-01-01 %02d:00,%d\n" % (h, c)
            for h, c in enumerate([2, 5, 9, 14, 20, 17, 12, 8, 5, 3, 2, 1])
        ),
        "events.csv": b"t\n0.5\n1.2\n1.7\n2.4\n3.3\n",
        "ragged.csv": b'a,b\n1,2,3\n"4\n',
        "nodes.txt": b"0\n33\n# comment\n",
        "nodes_bad.txt": b"0\nseventeen\n",
    }
    for name, data in contents.items():
        (root / name).write_bytes(data)
    (root / "adir").mkdir()
    (root / "outs").mkdir()
    work = root / "work"
    work.mkdir()
    paths = {name: str(root / name) for name in [*contents, "adir"]}
    paths["missing"] = str(root / "missing.txt")
    outs = [
        *(str(root / "outs" / f"r.{ext}") for ext in ("csv", "json", "parquet", "txt", "CSV")),
        str(root / "adir"),
        str(root / "missing" / "r.csv"),
        str(root / "binary.bin" / "r.csv"),
        ".csv",
        "r.json",  # relative: in the working folder
    ]
    here = os.getcwd()
    os.chdir(work)
    try:
        yield {"paths": paths, "outs": outs, "root": root}
    finally:
        os.chdir(here)


@st.composite
def argvs(draw, files):
    """An argument list for one of the subcommands (not too much work, often invalid)."""
    paths, outs = files["paths"], files["outs"]
    any_file = st.sampled_from(sorted(paths.values()))
    # in tenths: how often a value is bad (often never, so that the work runs too)
    bad_rate = draw(st.sampled_from([0, 0, 0, 1, 3, 7]))

    def value(good, bad=None):
        is_bad = draw(st.integers(0, 9)) < bad_rate
        return draw(garbage() if bad is None else bad) if is_bad else draw(good)

    def maybe(option, good, bad=None, often=3):
        """[option, value] in `often` tenths of the examples, else []."""
        if draw(st.integers(0, 9)) >= often:
            return []
        return [option, value(good, bad)]

    def flag(*names):
        return [draw(st.sampled_from(names))] if draw(st.integers(0, 9)) < 2 else []

    command = draw(
        st.sampled_from(["simulate", "simulate", "maximize", "fit", "datasets", "demo"])
    )
    graph = draw(st.integers(0, 9))
    if graph < 6:
        graph = "karate"
    elif graph < 8:
        names = ("edges.txt", "edges_str.txt", "edges_w.txt", "empty.txt")
        graph = paths[draw(st.sampled_from(names))]
    else:
        graph = draw(st.one_of(st.sampled_from(["higgs", "nosuchgraph", ""]), any_file))
    fraction = st.sampled_from(["0.95", "0.5", "0.9", "1e-9", "0.999999"])
    common = []
    if command in ("simulate", "maximize"):
        common += flag("--directed") + flag("--weighted") + flag("--str-labels")
        common += maybe("--skiprows", st.sampled_from(["0", "1", "2", "1000000"]))
        common += maybe("--model", st.sampled_from(["ic", "lt", "heat"]), often=5)
        common += maybe(
            "--p", st.sampled_from(["0", "0.1", "1", "wc", "trivalency", "weight"]), often=4
        )
        common += maybe("--weights", st.sampled_from(["wc", "weight"]))
        common += maybe("--beta", st.sampled_from(["0.02", "0.5", "1e-9", "1e300"]))
        common += maybe("--threshold", st.sampled_from(["0.005", "0.2", "1e-9", "5"]))
        common += maybe("--rng", st.sampled_from(["0", "7", str(10**30)]))
        common += maybe("--threads", st.sampled_from(["1", "2", "64"]))
        common += flag("--progress", "--no-progress")
        common += maybe(
            "--out",
            st.sampled_from(outs[:3]),
            st.one_of(st.sampled_from(outs), garbage(), any_file),
        )
        if draw(st.integers(0, 19)) == 0:  # a scheduler: never wait on it
            common += [
                "--scheduler",
                draw(
                    st.sampled_from(
                        [
                            "nonsense:::",
                            "tcp://127.0.0.1:1",
                            "tls://127.0.0.1:1",
                            "ucx://127.0.0.1:1",
                            "",
                            "inproc://x",
                        ]
                    )
                ),
            ]
            common += [
                "--scheduler-timeout",
                value(st.just("0.2"), garbage(not_float_in=(0.3, math.inf))),
            ]
    seeds = st.sampled_from(["0", "0,33", "33 1", "2", "a", "b,c", "0,x", "99", "-1", ",", "1e3"])
    node_files = st.sampled_from([paths["nodes.txt"], paths["nodes_bad.txt"]])

    if command == "simulate":
        argv = ["simulate", graph]
        source = draw(st.sampled_from(["--seeds", "--seeds", "--seeds-file", "--top-degree"]))
        source = draw(st.sampled_from([source] * 9 + [None, "two"]))
        if source == "--seeds":
            argv += ["--seeds", value(seeds)]
        elif source == "--seeds-file":
            argv += ["--seeds-file", value(node_files, st.one_of(any_file, garbage()))]
        elif source == "--top-degree":
            argv += [
                "--top-degree",
                value(small_ints(3), st.sampled_from(["0", "35", str(10**20)])),
            ]
        elif source == "two":
            argv += ["--seeds", "0", "--top-degree", "1"]
        argv += ["--runs", value(small_ints(50), garbage(not_int_over=50))]
        argv += maybe("--max-steps", st.sampled_from(["1", "3", str(2**63 - 1)]))
        argv += maybe("--level", fraction)
        argv += maybe("--times", st.sampled_from(["0,1,2", "0", "5,1", "0,0", "1e300", "0 0.5 1"]))
        argv += common
    elif command == "maximize":
        argv = ["maximize", graph]
        argv += ["-k", value(small_ints(3), st.sampled_from(["0", "35", "2.0", str(10**20)]))]
        argv += ["--method", value(st.sampled_from(["degree", "random", "imm"]))]
        argv += ["--eps", value(st.just("0.5"), garbage(not_float_in=(1e-7, 0.3)))]
        argv += ["--eval-runs", value(small_ints(50), garbage(not_int_over=50))]
        argv += maybe("--runs", small_ints(50), garbage(not_int_over=50))
        argv += maybe("--exclude", seeds)
        argv += maybe("--exclude-file", node_files, st.one_of(any_file, garbage()), often=1)
        argv += maybe("--horizon", st.sampled_from(["0", "2", "1e300"]))
        argv += common
    elif command == "fit":
        trend = st.one_of(
            st.sampled_from(["higgs", "higgs", paths["trend.csv"], paths["trend_dates.csv"]]),
            st.sampled_from([paths["events.csv"], "karate", "nosuchtrend"]),
            any_file,
        )
        argv = ["fit", draw(trend)]
        argv += ["--model", value(st.sampled_from(["bass", "logistic"]))]
        argv += maybe("--holdout", st.integers(1, 170).map(str), often=5)
        argv += maybe("--forecast", small_ints(20), garbage(not_int_over=50))
        argv += maybe("--level", fraction)
        argv += maybe("--forecast-level", fraction)
        method = draw(st.sampled_from(["wald", "profile", "bootstrap", None]))
        if method is not None:
            argv += ["--ci-method", value(st.just(method))]
        if method == "bootstrap":  # always few replicates
            argv += ["--resamples", value(st.sampled_from(["2", "3"]), garbage(not_int_over=5))]
        argv += maybe("--loss", st.sampled_from(["negbin", "poisson"]))
        argv += maybe("--column", st.sampled_from(["new_retweeters", "retweets", "all_activity"]))
        argv += maybe("--time", st.sampled_from(["day", "hour", "count", "t"]))
        argv += maybe("--count", st.sampled_from(["count", "day", "n"]))
        # --freq: only fixed values (random ones may ask for billions of bins)
        freqs = ["1", "2", "0.5", "1h", "2h", "1D", "abc", "0", "-1", "nan", "inf", "h", ""]
        argv += maybe("--freq", st.sampled_from(freqs), st.sampled_from(freqs))
        argv += maybe("--kind", st.sampled_from(["adopters", "volume"]))
        times = ["2012-07-04", "2012-07-04 04:00", "2030-01-01", "1999", "3", "1e300", "nan"]
        argv += maybe("--start", st.sampled_from(times))
        argv += maybe("--end", st.sampled_from(times))
        argv += maybe("--graph", st.just("karate"), often=1)
        argv += maybe("--seeds-from", st.sampled_from(["higgs-adopters", "nope"]), often=1)
        argv += maybe("--rng", st.sampled_from(["0", "3", str(10**30)]))
        argv += maybe(
            "--out",
            st.sampled_from(outs[:3]),
            st.one_of(st.sampled_from(outs), garbage(), any_file),
        )
    elif command == "datasets":
        argv = ["datasets"]
        if draw(st.booleans()):
            argv += [value(st.sampled_from(["karate", "higgs", "higgs-adopters"]))]
    else:  # the demo: its --out is always a file, so it stops before any work
        argv = ["demo", "--out", paths["trend.csv"]]
        argv += maybe("--rng", st.sampled_from(["0", "1"]))
        argv += flag("--quick") + flag("--ic-fit", "--no-ic-fit") + flag("--progress")
        return argv

    # mutations: a stray token, a dropped token, a --debug in front
    if draw(st.integers(0, 9)) == 0 and len(argv) > 1:
        i = draw(st.integers(1, len(argv)))
        argv.insert(i, draw(garbage()))
    if draw(st.integers(0, 9)) == 0 and len(argv) > 2:
        del argv[draw(st.integers(1, len(argv) - 1))]
    return argv


ERROR_LINE = re.compile(r"^spread [a-z]+: error: ")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_the_command_line_never_shows_a_traceback(files, data):
    argv = data.draw(argvs(files), label="argv")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    err = err.getvalue()
    hypothesis.event(f"exit {code}")
    assert code in (0, 1, 2, 130), (argv, code, err)
    assert "Traceback" not in err, (argv, err)
    assert "internal error" not in err, (argv, err)
    if code not in (0, 130):
        lines = [line for line in err.splitlines() if line.strip()]
        errors = [line for line in lines if ERROR_LINE.match(line)]
        assert len(errors) == 1 and lines[-1] == errors[0], (argv, err)
        hypothesis.event("error: " + " ".join(errors[0].split(": error: ", 1)[1].split()[:2]))
