"""The `spread` command line: a thin layer over the public API.

Subcommands: ``simulate``, ``maximize``, ``fit``, ``datasets`` and ``demo``; each
``--help`` ends with worked examples.

Exit codes: 0 success, 1 an error while working (bad data, a failed check, an
unreachable scheduler), 2 a usage error (unknown option, invalid parameter, a graph
that is neither a file nor a bundled dataset, a seed not in the graph). Errors print
one line (usage errors also the usage), never a traceback.
"""

import argparse
import importlib.util
import json
import math
import os
import sys
import textwrap
import warnings
from pathlib import Path

from . import __version__, datasets
from .exceptions import InvalidParameterError, NodeNotFound, SpreadError
from .im.maximize import METHODS

__all__ = ["build_parser", "main"]

_OUT_FORMATS = (".csv", ".json", ".parquet")


class UsageError(Exception):
    """A command-line argument that cannot be used (exit code 2)."""


# ------------------------------------------------------------------- helpers
def _int_at_least(low, rule):
    """An argparse type: an integer >= `low`."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < low:
            msg = f"must be {rule}; got {text!r}"
            raise argparse.ArgumentTypeError(msg)
        return value

    return parse


_positive_int = _int_at_least(1, "a positive integer")
_nonnegative_int = _int_at_least(0, "an integer >= 0")


def _fraction(text):
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not 0 < value < 1:
        msg = f"must be a number in (0, 1); got {text!r}"
        raise argparse.ArgumentTypeError(msg)
    return value


def _out_path(text):
    """Check an output path before any work is done."""
    if text is None:
        return None
    path = Path(text)
    suffix = path.suffix.lower()
    if suffix not in _OUT_FORMATS:
        msg = f"`--out` must end in .csv, .json or .parquet; got {text!r}."
        raise UsageError(msg)
    if suffix == ".parquet" and importlib.util.find_spec("pyarrow") is None:
        msg = "writing Parquet needs pyarrow, which is not installed (pip install pyarrow)."
        raise UsageError(msg)
    if not path.parent.is_dir():
        msg = f"`--out` must be in an existing folder; {str(path.parent)!r} does not exist."
        raise UsageError(msg)
    return path


def _write(frame, path, document=None, *, index=True):
    """Write a table by the file's extension; JSON gets `document` if given."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        if document is None:
            document = json.loads(frame.reset_index().to_json(orient="records"))
        path.write_text(json.dumps(_plain(document), indent=2) + "\n")
    elif suffix == ".parquet":
        frame.to_parquet(path, index=index)
    else:
        frame.to_csv(path, index=index)
    print(f"wrote {path}")


def _plain(value):
    """JSON-ready copy: numpy scalars and arrays to Python, NaN to None."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _print_table(frame, *, index=True):
    import pandas as pd

    with pd.option_context(
        "display.width",
        200,
        "display.max_rows",
        200,
        "display.max_colwidth",
        90,
        "display.float_format",
        lambda v: f"{v:,.6g}",
    ):
        print(frame.to_string(index=index))


def _labels_from(tokens, graph, what):
    """Node labels from text tokens, typed like the graph's labels."""
    kind = graph.labels.dtype.kind
    out = []
    for tok in tokens:
        if kind in "iu":
            try:
                out.append(int(tok))
            except ValueError:
                msg = f"`{what}` must hold node labels (integers in this graph); got {tok!r}."
                raise UsageError(msg) from None
        else:
            out.append(tok)
    return out


def _split(text):
    return [t for t in text.replace(",", " ").split() if t]


def _read_tokens(path, what):
    p = Path(path)
    if not p.is_file():
        msg = f"`{what}` must be a file of node labels; {path!r} does not exist."
        raise UsageError(msg)
    lines = (line.split("#", 1)[0] for line in p.read_text().splitlines())
    return [t for line in lines for t in _split(line)]


def _graph_names(kind):
    table = datasets.list()
    return list(table.loc[table["kind"] == kind, "name"])


def _load_graph(spec, args, what="graph"):
    """A graph from an edge-list file or a bundled dataset name."""
    from .io import read_edgelist

    path = Path(spec)
    if path.is_file():
        return read_edgelist(
            path,
            directed=args.directed,
            skiprows=args.skiprows,
            weight=2 if args.weighted else None,
            nodetype=str if args.str_labels else int,
        )
    graphs = _graph_names("graph")
    if spec in graphs:
        return datasets.load(spec)
    if spec in _graph_names("trend"):
        msg = f"`{what}` must be a graph; {spec!r} is a bundled trend (use it with `spread fit`)."
        raise UsageError(msg)
    msg = (
        f"`{what}` must be an edge-list file or a bundled graph ({', '.join(graphs)}); "
        f"got {spec!r}, which is neither."
    )
    raise UsageError(msg)


def _seeds(args, graph, model=None):
    """Seed labels from --seeds, --seeds-file or --top-degree."""
    if args.seeds is not None:
        labels = _labels_from(_split(args.seeds), graph, "--seeds")
    elif args.seeds_file is not None:
        labels = _labels_from(_read_tokens(args.seeds_file, "--seeds-file"), graph, "--seeds-file")
    else:
        return _top_degree(graph, args.top_degree)
    if not labels:
        msg = "`--seeds` must name at least one node; got none."
        raise UsageError(msg)
    return labels


def _top_degree(graph, k):
    """The k nodes of largest out-degree (ties: smallest index)."""
    import numpy as np

    from .ranking import degree_scores, top_k

    if k > graph.n_nodes:
        msg = f"`--top-degree` must be at most the number of nodes ({graph.n_nodes}); got {k}."
        raise UsageError(msg)
    return graph.label_of(top_k(degree_scores(graph), k, np.ones(graph.n_nodes, bool))).tolist()


def _model(args):
    from .models import IC, LT, Heat

    if args.model == "ic":
        try:
            p = float(args.p)
        except ValueError:
            p = args.p
        return IC(p=p, rng=args.rng) if p == "trivalency" else IC(p=p)
    if args.model == "lt":
        return LT(weights=args.weights)
    return Heat(beta=args.beta, threshold=args.threshold)


def _client_kwargs(args, func):
    """``{"client": Client(address)}`` for ``--scheduler``, else ``{}``; lazily imports dask."""
    address = getattr(args, "scheduler", None)
    if address is None:
        return {}
    try:
        from dask.distributed import Client
    except ImportError:
        msg = "`--scheduler` needs dask.distributed: pip install 'spread[dask]'."
        raise UsageError(msg) from None
    try:
        client = Client(address, timeout=args.scheduler_timeout)
    except ValueError as exc:
        msg = f"`--scheduler` must be a Dask scheduler address such as tcp://host:8786; got {address!r} ({exc})."
        raise UsageError(msg) from None
    except OSError as exc:
        msg = f"could not reach the Dask scheduler at {address!r}: {exc}"
        raise SpreadError(msg) from None
    args._client = client
    return {"client": client}


def _close_client(args):
    client = getattr(args, "_client", None)
    if client is not None:
        client.close()


# ------------------------------------------------------------ subcommands
def _cmd_simulate(args):
    import numpy as np

    from . import simulate, solve

    out = _out_path(args.out)
    graph = _load_graph(args.graph, args)
    model = _model(args)
    seeds = _seeds(args, graph)
    kwargs = {"rng": args.rng, "n_jobs": args.threads}
    if args.model == "heat":
        times = np.array([float(t) for t in _split(args.times)])
        res = solve(graph, seeds, model, times=times)
        print(repr(res))
        frame = res.to_frame()
        document = {
            "model": repr(model),
            "seeds": list(seeds),
            "error_bound": res.error_bound,
            "times": json.loads(frame.reset_index().to_json(orient="records")),
        }
    else:
        kwargs.update(_client_kwargs(args, simulate))
        try:
            res = simulate(
                graph,
                seeds,
                model,
                n_runs=args.runs,
                max_steps=args.max_steps,
                progress=args.progress,
                **kwargs,
            )
        finally:
            _close_client(args)
        print(res.summary(args.level))
        frame = res.curve(args.level)
        low, high = res.ci(args.level)
        document = {
            "model": repr(model),
            "seeds": list(seeds),
            "n_runs": res.n_runs,
            "rng": args.rng,
            "mean": res.mean,
            "stderr": res.stderr,
            "level": args.level,
            "ci": [low, high],
            "curve": json.loads(frame.reset_index().to_json(orient="records")),
        }
    print()
    _print_table(frame)
    if out is not None:
        _write(frame, out, document)
    return 0


def _cmd_maximize(args):
    from . import maximize

    out = _out_path(args.out)
    graph = _load_graph(args.graph, args)
    model = _model(args)
    exclude = None
    if args.exclude is not None:
        exclude = _labels_from(_split(args.exclude), graph, "--exclude")
    elif args.exclude_file is not None:
        tokens = _read_tokens(args.exclude_file, "--exclude-file")
        exclude = _labels_from(tokens, graph, "--exclude-file")
    kwargs = {}
    if args.model == "heat":
        kwargs["horizon"] = args.horizon
    kwargs.update(_client_kwargs(args, maximize))
    try:
        sel = maximize(
            graph,
            args.k,
            model,
            method=args.method,
            eps=args.eps,
            rng=args.rng,
            n_jobs=args.threads,
            exclude=exclude,
            progress=args.progress,
            n_eval=args.n_eval,
            n_runs=args.runs,
            **kwargs,
        )
    finally:
        _close_client(args)
    print(sel.summary())
    print()
    frame = _seed_table(sel)
    _print_table(frame)
    if out is not None:
        document = {
            "method": sel.method,
            "model": repr(model),
            "k": sel.k,
            "rng": args.rng,
            "spread": sel.spread,
            "spread_ci": list(sel.spread_ci),
            "spread_stderr": sel.spread_stderr,
            "evaluation": sel.evaluation,
            "guarantee": sel.guarantee,
            "seeds": json.loads(frame.reset_index().to_json(orient="records")),
        }
        _write(frame, out, document)
    return 0


def _seed_table(sel, level=0.95):
    """One row per seed: its gain, and the expected spread of the seeds up to it.

    Rows before the last use the fresh RR-set estimate of each prefix; the last row,
    the whole set, uses the forward Monte Carlo evaluation when there is one.
    """
    from statistics import NormalDist

    z = NormalDist().inv_cdf(0.5 + level / 2)
    frame = sel.to_frame()
    frame["spread_low"] = frame["spread"] - z * frame["stderr"]
    frame["spread_high"] = frame["spread"] + z * frame["stderr"]
    frame["estimate"] = "fresh RR sets"
    if math.isfinite(sel.spread):
        last = frame.index[-1]
        frame.loc[last, ["spread", "spread_low", "spread_high"]] = [
            sel.spread,
            sel.spread_ci.low,
            sel.spread_ci.high,
        ]
        frame.loc[last, "estimate"] = sel.evaluation
    return frame[["node", "gain", "spread", "spread_low", "spread_high", "estimate"]]


_CURVE_FITS = ("bass", "logistic", "gompertz", "si", "sir", "hawkes")


def _load_trend(args):
    from .trend import Trend

    spec = args.trend
    path = Path(spec)
    if path.is_file():
        import pandas as pd

        if args.column is not None:
            msg = "`--column` selects a bundled series; for a CSV use --time and --count."
            raise UsageError(msg)
        try:
            table = pd.read_csv(path)
        except (ValueError, pd.errors.ParserError) as exc:
            msg = f"could not read {spec!r} as CSV: {exc}"
            raise SpreadError(msg) from None
        if table.shape[1] < 2 and args.count is not None:
            msg = f"{spec!r} must have a time and a count column; got {list(table.columns)}."
            raise SpreadError(msg)
        time_col = args.time or table.columns[0]
        count_col = args.count or (table.columns[1] if table.shape[1] > 1 else None)
        kind = "adopters" if args.kind is None else args.kind
        trend = Trend.from_frame(table, time=time_col, count=count_col, freq=args.freq, kind=kind)
        for name, value, cut in [("--start", args.start, "since"), ("--end", args.end, "until")]:
            if value is None:
                continue
            try:
                trend = getattr(trend, cut)(value if trend.is_datetime else float(value))
            except (TypeError, ValueError) as exc:
                msg = f"`{name}` must be a time like the series' own ({trend.start!r}); got {value!r} ({exc})."
                raise UsageError(msg) from None
        return trend
    if spec in _graph_names("trend"):
        if args.time is not None or args.count is not None:
            msg = "`--time` and `--count` name CSV columns; for a bundled trend use --column."
            raise UsageError(msg)
        return datasets.load_trend(spec, args.column, start=args.start, end=args.end)
    msg = (
        f"`trend` must be a CSV file or a bundled trend ({', '.join(_graph_names('trend'))}); "
        f"got {spec!r}, which is neither."
    )
    raise UsageError(msg)


def _fit_curve(args, train):
    from . import fit

    fitters = {
        "bass": fit.fit_bass,
        "logistic": fit.fit_logistic,
        "gompertz": fit.fit_gompertz,
        "si": fit.fit_si,
        "sir": fit.fit_sir,
        "hawkes": fit.fit_hawkes,
    }
    kwargs = {"n_resamples": args.resamples} if args.ci == "bootstrap" else {}
    return fitters[args.model](
        train, loss=args.loss, ci=args.ci, level=args.level, rng=args.rng, **kwargs
    )


def _fit_ic(args, train):
    import pandas as pd

    from . import fit

    if args.graph is None:
        msg = "`--model ic` needs `--graph` (a file or a bundled graph such as higgs-retweet)."
        raise UsageError(msg)
    given = [args.seeds, args.seeds_file, args.top_degree, args.seeds_from]
    if sum(x is not None for x in given) != 1:
        msg = "`--model ic` needs one source of seeds: --seeds, --seeds-file, --top-degree or --seeds-from."
        raise UsageError(msg)
    graph = _load_graph(args.graph, args, "--graph")
    if args.top_degree is not None:
        seeds = f"top-degree:{args.top_degree}"
    elif args.seeds_from is not None:
        first = datasets.load_cascades(
            args.seeds_from, start=train.start, end=train.start + pd.Timedelta(train.freq)
        )
        seeds = first.data["node"].tolist()
        print(f"seeds: the {len(seeds):,} nodes adopting in the first bin ({args.seeds_from})")
    else:
        seeds = _seeds(args, graph)
    if args.ci == "profile":
        msg = "`--ci` for `--model ic` must be wald (no intervals) or bootstrap; got 'profile'."
        raise UsageError(msg)
    bootstrap = args.ci == "bootstrap"
    if not bootstrap:
        print("no intervals for --model ic without --ci bootstrap (it refits --resamples times)")
    est = fit.ICEstimator(
        method=args.ic_method,
        loss=args.loss,
        n_runs=args.runs,
        external=not args.no_external,
        ci="bootstrap" if bootstrap else None,
        level=args.level,
        n_resamples=args.resamples,
        rng=args.rng,
    )
    est.fit(graph, train, seeds=seeds, steps_per_bin=args.steps_per_bin)
    return est.result_


def _cmd_fit(args):
    import pandas as pd

    from .fit import compare

    out = _out_path(args.out)
    if args.model != "ic" and (args.graph is not None):
        msg = "`--graph` is used only with `--model ic`."
        raise UsageError(msg)
    trend = _load_trend(args)
    train, test = trend, None
    if args.holdout:
        if args.holdout >= trend.n_bins - 2:
            msg = f"`--holdout` must leave at least 3 bins to fit ({trend.n_bins} in all); got {args.holdout}."
            raise UsageError(msg)
        train, test = trend[: trend.n_bins - args.holdout], trend[trend.n_bins - args.holdout :]
    print(f"{args.trend}: {train!r}" + (f", {test.n_bins} bin(s) held out" if test else ""))
    res = _fit_ic(args, train) if args.model == "ic" else _fit_curve(args, train)
    print(res.summary())
    params = res.to_frame()
    document = {"fit": res.to_dict()}
    if test is not None:
        scores = compare([res], test=test)
        cols = [c for c in ("mase", "mape_cum", "rmse_log") if c in scores.columns]
        row = scores.iloc[0][cols]
        print("\nheld-out errors: " + ", ".join(f"{k} {v:.4g}" for k, v in row.items()))
        document["holdout"] = {k: float(v) for k, v in row.items()}
    horizon = args.forecast or (test.n_bins if test is not None else 0)
    forecast = None
    if horizon:
        # a network model's paths are whole-graph simulations: fewer of them
        paths = 200 if args.model == "ic" else 1000
        forecast = res.forecast(horizon, args.forecast_level, n=paths, rng=args.rng)
        forecast.index.name = "time"
        if test is not None and len(test.counts) == len(forecast):
            forecast.insert(0, "observed", test.counts[: len(forecast)])
        print(f"\nforecast, {horizon} bin(s), {args.forecast_level:.0%} predictive band:")
        _print_table(forecast)
        document["forecast"] = json.loads(
            forecast.reset_index().to_json(orient="records", date_format="iso")
        )
    if out is not None:
        _write(params, out, document)
        if forecast is not None and out.suffix.lower() != ".json":
            sibling = out.with_name(f"{out.stem}.forecast{out.suffix}")
            _write(pd.DataFrame(forecast), sibling)
    return 0


def _cmd_datasets(args):
    table = datasets.list()
    if args.name is None:
        size = [
            f"{r.nodes:,} nodes, {r.arcs:,} arcs"
            if r.kind == "graph"
            else (f"{r.nodes:,} adoptions" if r.kind == "cascades" else "count series")
            for r in table.itertuples()
        ]
        rows = [("name", "kind", "size", "title")]
        rows += list(zip(table["name"], table["kind"], size, table["title"], strict=True))
        widths = [max(len(str(r[i])) for r in rows) for i in range(3)]
        for r in rows:
            print("  ".join([*(str(v).ljust(w) for v, w in zip(r, widths, strict=False)), r[3]]))
        print("\n`spread datasets NAME` loads one and prints its summary, source and licence.")
        return 0
    row = table.set_index("name").loc[args.name]
    if row["kind"] == "cascades":
        print(repr(datasets.load_cascades(args.name)))
    elif row["kind"] == "trend":
        trend = datasets.load_trend(args.name)
        print(repr(trend))
        series = datasets._trend_table(args.name).columns
        print(f"  series: {', '.join(series)}; {trend.start} .. {trend.end}")
    else:
        print(datasets.load(args.name).summary())
    print(f"  about: {row['description']}")
    print(f"  cite: {row['citation']}")
    print(f"  licence: {row['licence']}")
    return 0


def _cmd_demo(args):
    from .demo import run

    run(out=args.out, quick=args.quick, ic_fit=args.ic_fit, rng=args.rng, progress=args.progress)
    return 0


# ------------------------------------------------------------------ parser
_SIMULATE_EXAMPLES = """\
examples:
  spread simulate nethept --top-degree 10 --model ic --p wc --runs 10000
      IC under weighted cascade from the 10 highest-degree authors: mean spread,
      its 95% interval, and the adoption curve (mean, 90% band per step)
  spread simulate karate --seeds 0,33 --model lt --out curve.csv
  spread simulate edges.txt --directed --seeds-file seeds.txt --model ic --p 0.05
  spread simulate nethept --seeds 100,474 --model heat --beta 0.02 --times 0,1,2,4,8
"""

_MAXIMIZE_EXAMPLES = """\
examples:
  spread maximize nethept -k 50 --model ic --p wc --method imm --eps 0.1 --out seeds.csv
      the 50 seeds IMM picks under weighted-cascade IC, their marginal gains, and the
      expected spread of the first j seeds with a 95% interval (fresh samples)
  spread maximize nethept -k 10 --method degree          a baseline to compare with
  spread maximize wiki-vote -k 20 --exclude 2565,766     what if two accounts are off limits
  spread maximize nethept -k 20 --scheduler tcp://scheduler:8786   on a Dask cluster
"""

_FIT_EXAMPLES = """\
examples:
  spread fit higgs --start 2012-07-04 --model bass --holdout 48
      Bass fitted to the first 48 hours of the Higgs-boson retweet burst, scored on
      the 48 hours held out (MASE, error of the final count), with a 90% forecast band
  spread fit higgs --start 2012-07-04 --model gompertz --forecast 24 --out fit.json
  spread fit counts.csv --time day --count new_users --freq 1D --model logistic
  spread fit higgs --start "2012-07-04 04:00" --model ic --graph higgs-retweet \\
          --ic-method dmp --seeds-from higgs-adopters --holdout 44
      IC with spontaneous adoption on the retweet network, seeded with the users who
      retweeted in the first hour (the bundled adoption times); the hourly counts
      negative binomial around the model's runs (--loss poisson for a run of the model)
"""

_DATASETS_EXAMPLES = """\
examples:
  spread datasets                 list the bundled graphs and trends
  spread datasets nethept         load NetHEPT and print its summary
  spread datasets higgs           the hourly Higgs-boson Twitter counts
"""

_DEMO_EXAMPLES = """\
examples:
  spread demo                     writes spread-demo/report.md with figures and tables
  spread demo --out /tmp/d --rng 1
  spread demo --no-ic-fit         leaves out the IC fit on the Higgs retweet network
"""


def _add_graph_options(p, *, positional=True):
    if positional:
        p.add_argument("graph", help="an edge-list file, or a bundled graph (`spread datasets`)")
    g = p.add_argument_group("graph files")
    g.add_argument(
        "--directed", action="store_true", help="read `u v` as the arc u -> v (default: edges)"
    )
    g.add_argument("--weighted", action="store_true", help="the third field is an arc weight")
    g.add_argument(
        "--str-labels", action="store_true", help="node ids are strings (default: integers)"
    )
    g.add_argument(
        "--skiprows", type=_nonnegative_int, default=0, help="header lines to skip (default 0)"
    )


def _add_seed_options(p, *, required):
    s = p.add_argument_group("seeds (one of)")
    m = s.add_mutually_exclusive_group(required=required)
    m.add_argument("--seeds", metavar="LIST", help="node labels, comma-separated: 0,17,42")
    m.add_argument("--seeds-file", metavar="PATH", help="a file of node labels")
    m.add_argument(
        "--top-degree", type=_positive_int, metavar="K", help="the K nodes of highest out-degree"
    )


def _add_model_options(p, *, heat_times):
    m = p.add_argument_group("model")
    m.add_argument("--model", choices=("ic", "lt", "heat"), default="ic", help="default ic")
    m.add_argument(
        "--p",
        default="wc",
        help="IC arc probability: a number, wc (1/in-degree), trivalency or weight (default wc)",
    )
    m.add_argument(
        "--weights", default="wc", choices=("wc", "weight"), help="LT in-weights (default wc)"
    )
    m.add_argument("--beta", type=float, default=0.02, help="heat diffusion rate (default 0.02)")
    m.add_argument(
        "--threshold",
        type=float,
        default=0.005,
        help="heat read-out: a node adopts at this heat (default 0.005)",
    )
    if heat_times:
        m.add_argument("--times", default="0,1,2,4,8", help="heat: times to read, comma-separated")
    else:
        m.add_argument(
            "--horizon", type=float, default=2.0, help="heat: time at which heat is read"
        )


def _add_run_options(p, *, scheduler):
    r = p.add_argument_group("running")
    r.add_argument(
        "--rng",
        type=int,
        default=0,
        help="root of the random streams (default 0): same value, same answer",
    )
    r.add_argument("--threads", type=_positive_int, default=None, help="threads (default: all)")
    r.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bars (default: on a terminal, for work over 2 s)",
    )
    if scheduler:
        r.add_argument(
            "--scheduler",
            metavar="ADDRESS",
            help="run on a Dask cluster: the scheduler's address (needs spread[dask])",
        )
        r.add_argument(
            "--scheduler-timeout",
            type=float,
            default=10.0,
            metavar="SECONDS",
            help="give up connecting after this long (default 10)",
        )
    r.add_argument(
        "--out", metavar="PATH", help="also write the table: .csv, .json or .parquet (pyarrow)"
    )


def _subparser(sub, name, help, description, epilog):
    return sub.add_parser(
        name,
        help=help,
        description=textwrap.fill(description, 88),
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def build_parser():
    """The argument parser of the `spread` command.

    Examples
    --------
    >>> from spread.cli import build_parser
    >>> args = build_parser().parse_args(["maximize", "nethept", "-k", "10"])
    >>> args.k, args.method, args.model, args.p
    (10, 'imm', 'ic', 'wc')
    """
    parser = argparse.ArgumentParser(
        prog="spread",
        description="Simulate, maximize and fit information spread on social networks.",
        epilog="Run `spread demo` for the whole story on bundled data; "
        "`spread COMMAND --help` shows worked examples.",
    )
    parser.add_argument("--version", action="version", version=f"spread {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = _subparser(
        sub,
        "simulate",
        "simulate IC, LT or heat diffusion from seed nodes",
        "Simulate a spread model from seed nodes: mean spread with its interval, and the "
        "adoption curve (per step for IC and LT, per time for heat).",
        _SIMULATE_EXAMPLES,
    )
    _add_graph_options(p)
    _add_seed_options(p, required=True)
    _add_model_options(p, heat_times=True)
    p.add_argument("--runs", type=_positive_int, default=10_000, help="Monte Carlo runs (10000)")
    p.add_argument("--max-steps", type=_positive_int, default=None, help="stop runs after this")
    p.add_argument("--level", type=_fraction, default=0.95, help="interval level (0.95)")
    _add_run_options(p, scheduler=True)
    p.set_defaults(func=_cmd_simulate)

    p = _subparser(
        sub,
        "maximize",
        "choose k seeds that maximize the expected spread",
        "Choose k seed nodes (IMM, OPIM-C, CELF or a heuristic) and estimate their spread "
        "on fresh samples, with an interval.",
        _MAXIMIZE_EXAMPLES,
    )
    _add_graph_options(p)
    p.add_argument("-k", type=_positive_int, required=True, help="number of seeds")
    p.add_argument(
        "--method",
        default="imm",
        choices=METHODS,
        help="default imm",
    )
    p.add_argument("--eps", type=_fraction, default=0.1, help="IMM/OPIM-C slack (default 0.1)")
    p.add_argument(
        "--n-eval", type=_positive_int, default=10_000, help="forward runs for the spread (10000)"
    )
    p.add_argument(
        "--runs", type=_positive_int, default=1000, help="CELF: Monte Carlo runs per estimate"
    )
    ex = p.add_mutually_exclusive_group()
    ex.add_argument("--exclude", metavar="LIST", help="nodes that may not be chosen: 3,8,42")
    ex.add_argument("--exclude-file", metavar="PATH", help="a file of nodes not to choose")
    _add_model_options(p, heat_times=False)
    _add_run_options(p, scheduler=True)
    p.set_defaults(func=_cmd_maximize)

    p = _subparser(
        sub,
        "fit",
        "fit a curve or network model to an observed trend",
        "Fit a spread model to a count series (a CSV of time and count columns, or a "
        "bundled trend); print the parameters with intervals; forecast.",
        _FIT_EXAMPLES,
    )
    p.add_argument("trend", help="a CSV file, or a bundled trend (`spread datasets`)")
    p.add_argument("--model", choices=(*_CURVE_FITS, "ic"), default="bass", help="default bass")
    t = p.add_argument_group("the series")
    t.add_argument("--column", help="bundled trend: which series (default its first)")
    t.add_argument("--time", help="CSV: time column (default the first)")
    t.add_argument("--count", help="CSV: count column (default the second)")
    t.add_argument("--freq", help="CSV: bin width, e.g. 1h, 1D (default: from the data)")
    t.add_argument("--kind", choices=("adopters", "volume"), help="CSV: first adoptions or volume")
    t.add_argument("--start", help="keep bins from this time on (e.g. 2012-07-04)")
    t.add_argument("--end", help="keep bins ending by this time")
    f = p.add_argument_group("fitting")
    f.add_argument("--loss", choices=("negbin", "poisson"), default="negbin", help="likelihood")
    f.add_argument(
        "--ci", choices=("wald", "profile", "bootstrap"), default="wald", help="interval method"
    )
    f.add_argument("--level", type=_fraction, default=0.95, help="interval level (0.95)")
    f.add_argument(
        "--resamples",
        type=_int_at_least(2, "an integer >= 2"),
        default=100,
        help="bootstrap replicates (100)",
    )
    f.add_argument(
        "--holdout", type=_positive_int, default=None, metavar="H", help="hold out the last H bins"
    )
    f.add_argument(
        "--forecast", type=_positive_int, default=None, metavar="H", help="forecast H bins"
    )
    f.add_argument(
        "--forecast-level", type=_fraction, default=0.9, help="predictive band level (0.9)"
    )
    n = p.add_argument_group("network model (--model ic)")
    n.add_argument("--graph", help="the network: a file or a bundled graph")
    n.add_argument("--ic-method", choices=("mc", "dmp"), default="mc", help="default mc")
    n.add_argument("--runs", type=_positive_int, default=200, help="simulations per step (200)")
    n.add_argument("--no-external", action="store_true", help="no spontaneous (outside) adoption")
    n.add_argument("--steps-per-bin", type=_positive_int, default=1, help="IC steps per bin (1)")
    n.add_argument(
        "--seeds-from",
        metavar="CASCADES",
        help="seeds: who adopted in the trend's first bin, from bundled adoption times "
        "(e.g. higgs-adopters)",
    )
    _add_seed_options(p, required=False)
    _add_graph_options(p, positional=False)
    r = p.add_argument_group("running")
    r.add_argument("--rng", type=int, default=0, help="random seed (default 0)")
    r.add_argument("--out", metavar="PATH", help="write the parameters: .csv, .json, .parquet")
    p.set_defaults(func=_cmd_fit)

    p = _subparser(
        sub,
        "datasets",
        "list the bundled graphs and trends, or summarize one",
        "List the bundled datasets, or load one and print its summary.",
        _DATASETS_EXAMPLES,
    )
    p.add_argument(
        "name",
        nargs="?",
        choices=list(datasets.list()["name"]),
        help="a bundled dataset to load and summarize",
    )
    p.set_defaults(func=_cmd_datasets)

    p = _subparser(
        sub,
        "demo",
        "run the whole story on bundled data and write a report",
        "Simulate IC, LT and heat on NetHEPT, pick seeds with IMM and by degree, fit Bass "
        "and an IC model on the retweet network to the Higgs-boson retweet burst, and "
        "write report.md with figures and tables (about a minute on 2 cores).",
        _DEMO_EXAMPLES,
    )
    p.add_argument("--out", default="spread-demo", help="report folder (default spread-demo/)")
    p.add_argument("--rng", type=int, default=0, help="random seed (default 0)")
    p.add_argument(
        "--ic-fit",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="fit IC on the Higgs retweet network (default: yes; about 25 s)",
    )
    p.add_argument("--quick", action="store_true", help=argparse.SUPPRESS)
    p.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bars"
    )
    p.set_defaults(func=_cmd_demo)
    return parser


def _subparser_of(parser, command):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices.get(command, parser)
    return parser


def main(argv=None):
    """Run the command line; returns the exit code.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 for an error while working, 2 for a usage error.

    Examples
    --------
    >>> from spread.cli import main
    >>> main(["datasets", "karate"])  # doctest: +ELLIPSIS
    Graph: undirected, 34 nodes, 156 arcs (78 edges), unweighted
    ...
    0
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2, already printed)
        return exc.code if isinstance(exc.code, int) else 2
    if args.command is None:
        parser.print_help()
        return 2
    usage = _subparser_of(parser, args.command)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = _warning_printer(args.command)
            return args.func(args)
    except (UsageError, InvalidParameterError, NodeNotFound) as exc:
        usage.print_usage(sys.stderr)
        print(f"spread {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (SpreadError, OSError) as exc:
        print(f"spread {args.command}: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"spread {args.command}: interrupted", file=sys.stderr)
        return 130


def _warning_printer(command):
    seen = set()

    def show(message, category, filename, lineno, file=None, line=None):
        text = f"spread {command}: {category.__name__}: {_one_line(message)}"
        if text not in seen:
            seen.add(text)
            print(text, file=sys.stderr)

    return show


def _one_line(exc):
    return " ".join(str(exc).split())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
