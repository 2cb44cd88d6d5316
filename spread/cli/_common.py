"""What the subcommands share: options, graph and seed loading, output tables.

Package-private helpers of `spread.cli`; nothing outside the command line imports them.
Option value types live in `._types`, file checks in `._files`.
"""

import argparse
import json
import math
import textwrap
from pathlib import Path

from .. import datasets
from .._common import z_value
from ..exceptions import SpreadError
from ._files import binary_problem, out_path, read_text
from ._types import (
    Seconds,
    UsageError,
    delay_law,
    finite_at_least,
    int_at_least,
    positive_int,
    probability_or_rule,
    seed_root,
    shown,
    shown_path,
    span_at_least,
    time_point,
    times,
)

__all__ = ["UsageError", "out_path"]

#: At most this many header lines are skipped (``--skiprows``).
MAX_SKIPROWS = 1_000_000


def write_table(frame, path, document=None, *, index=True):
    """Write a table by the file's extension; JSON gets `document` if given."""
    suffix = path.suffix.lower()
    if suffix == ".json":
        if document is None:
            document = json.loads(frame.reset_index().to_json(orient="records"))
        path.write_text(json.dumps(plain(document), indent=2) + "\n")
    elif suffix == ".parquet":
        frame.to_parquet(path, index=index)
    else:
        frame.to_csv(path, index=index)
    print(f"wrote {path}")


def plain(value):
    """JSON-ready copy: numpy scalars and arrays to Python, NaN to None."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if hasattr(value, "tolist"):
        return plain(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def print_table(frame, *, index=True):
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


def labels_from(tokens, graph, what):
    """Node labels from text tokens, typed like the graph's labels."""
    kind = graph.labels.dtype.kind
    out = []
    for tok in tokens:
        if kind in "iu":
            try:
                out.append(int(tok))
            except ValueError:
                msg = f"`{what}` must hold node labels (integers in this graph); got {shown(tok)}."
                raise UsageError(msg) from None
        else:
            out.append(tok)
    return out


def split_list(text):
    return [t for t in text.replace(",", " ").split() if t]


def read_tokens(path, what):
    """The node labels in a file: whitespace or commas between them, ``#`` comments."""
    text = read_text(path, what, "a text file of node labels")
    lines = (line.split("#", 1)[0] for line in text.splitlines())
    return [t for line in lines for t in split_list(line)]


def read_node_values(path, what, graph, *, rule, positive, default=None):
    """``{label: value}`` from a file of ``label value`` lines (``#`` comments; blank
    lines skipped): node costs (``--costs``) or audience weights (``--target``, where a
    line may hold the label alone: `default`).

    Every problem names the option, the file and the line: a missing or extra field, a
    value that is not a finite number > 0 (`positive`) or >= 0 (`rule` says which), a
    label given twice.
    """
    text = read_text(path, what, f"a text file of `label value` lines ({rule})")
    out, seen = {}, {}
    for number, line in enumerate(text.splitlines(), 1):
        fields = line.split("#", 1)[0].split()
        if not fields:
            continue
        where = f"`{what}`: {shown_path(path)}, line {number}"
        if len(fields) > 2 or (len(fields) == 1 and default is None):
            want = "a label and a value" if default is None else "a label and an optional value"
            msg = f"{where} must hold {want}; got {shown(line.strip())}."
            raise UsageError(msg)
        label = labels_from(fields[:1], graph, what)[0]
        try:
            value = float(fields[1]) if len(fields) == 2 else float(default)
        except ValueError:
            value = math.nan
        if not math.isfinite(value) or value < 0 or (positive and value == 0):
            msg = f"{where}: the value must be {rule}; got {shown(fields[1])}."
            raise UsageError(msg)
        if label in seen:
            msg = f"{where}: node {shown(fields[0])} was given already, on line {seen[label]}."
            raise UsageError(msg)
        seen[label] = number
        out[label] = value
    if not out:
        msg = f"`{what}` must name at least one node; {shown_path(path)} names none."
        raise UsageError(msg)
    return out


def graph_names(kind):
    table = datasets.list()
    return list(table.loc[table["kind"] == kind, "name"])


def load_graph(spec, args, what="graph"):
    """A graph from an edge-list file or a bundled dataset name."""
    path = Path(spec)
    if path.is_file():
        return _read_graph(path, spec, args, what)
    if path.is_dir():
        msg = f"`{what}` must be an edge-list file or a bundled graph; {shown_path(spec)} is a folder."
        raise UsageError(msg)
    graphs = graph_names("graph")
    if spec in graphs:
        return datasets.load(spec)
    if spec in graph_names("trend"):
        msg = f"`{what}` must be a graph; {spec!r} is a bundled trend (use it with `spread fit`)."
        raise UsageError(msg)
    msg = (
        f"`{what}` must be an edge-list file or a bundled graph ({', '.join(graphs)}); "
        f"got {shown_path(spec)}, which is neither."
    )
    raise UsageError(msg)


def _read_graph(path, spec, args, what):
    """Read an edge-list file; a file that is no edge list is a `UsageError` naming it."""
    from ..io import read_edgelist

    problem = binary_problem(path)
    if problem is None:
        try:
            return read_edgelist(
                path,
                directed=args.directed,
                skiprows=args.skiprows,
                weight=2 if args.weighted else None,
                nodetype=str if args.str_labels else int,
                time=2 if getattr(args, "timed", False) else None,
            )
        except SpreadError:  # a bad line (named), or a setting out of range
            raise
        except (ValueError, OverflowError, OSError) as exc:
            # an empty, undecodable or otherwise unreadable file: pandas' own errors
            # (EmptyDataError, UnicodeDecodeError, ...) say what but not which file
            problem = f"could not be read as an edge list ({type(exc).__name__}: {one_line(exc)})"
    msg = f"`{what}` must be an edge-list text file; {shown_path(spec)} {problem}."
    raise UsageError(msg)


def seeds_from_args(args, graph, model=None):
    """Seed labels from --seeds, --seeds-file or --top-degree."""
    if args.seeds is not None:
        what = "--seeds"
        labels = labels_from(split_list(args.seeds), graph, what)
    elif args.seeds_file is not None:
        what = "--seeds-file"
        labels = labels_from(read_tokens(args.seeds_file, what), graph, what)
    else:
        return top_degree(graph, args.top_degree)
    if not labels:
        msg = f"`{what}` must name at least one node; got none."
        raise UsageError(msg)
    return labels


def top_degree(graph, k):
    """The k nodes of largest out-degree (ties: smallest index)."""
    import numpy as np

    from ..ranking import degree_scores, top_k

    if k > graph.n_nodes:
        msg = f"`--top-degree` must be at most the number of nodes ({graph.n_nodes}); got {k}."
        raise UsageError(msg)
    return graph.label_of(top_k(degree_scores(graph), k, np.ones(graph.n_nodes, bool))).tolist()


#: ``--beta``'s default per model: heat's diffusion rate, SIR's transmission rate.
BETA_DEFAULTS = {"heat": 0.02, "sir": 0.5, "sis": 0.5}


def model_from_args(args, graph=None):
    """The model the options describe (checked against `graph` when given)."""
    from ..models import CTIC, IC, LT, SIR, SIS, Heat, TemporalIC

    if args.model == "temporal" and graph is not None and not hasattr(graph, "contact_times"):
        msg = (
            "`--model temporal` needs timestamped contacts: a file of `u v t` lines read "
            "with --timed, or a bundled contact dataset (higgs-retweet-times)."
        )
        raise UsageError(msg)

    for option in ("horizon", "time_step", "start"):
        value = getattr(args, option, None)
        if isinstance(value, Seconds) and args.model != "temporal":
            msg = (
                f"`--{option.replace('_', '-')}` with a unit or a date is for timestamped "
                f"contacts (--model temporal, times in seconds); {args.model} counts time "
                "in its own unit: give a number."
            )
            raise UsageError(msg)
    beta = args.beta if args.beta is not None else BETA_DEFAULTS.get(args.model)
    if args.model in ("ic", "ctic", "temporal"):
        p = args.p  # a probability or a rule name (`probability_or_rule`)
        rng = {"rng": args.rng} if p == "trivalency" else {}
        if args.model == "ctic":
            return CTIC(p=p, delay=args.delay, **rng)
        if args.model == "temporal":
            return TemporalIC(
                p=p, attempts=args.attempts, recovery=args.recovery, start=args.start,
                reinfection=getattr(args, "reinfection", False), **rng,
            )  # fmt: skip
        return IC(p=p, **rng)
    if args.model == "lt":
        return LT(weights=args.weights)
    if args.model in ("sir", "sis"):
        law = getattr(args, "recovery", None)  # a law of the period instead of --gamma
        rates = {"gamma": args.gamma} if law is None else {"recovery": law}
        return (SIR if args.model == "sir" else SIS)(beta=beta, **rates)
    return Heat(beta=beta, threshold=args.threshold)


def client_kwargs(args, func):
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
    except (ValueError, TypeError) as exc:
        # ValueError: not an address; TypeError: a scheme that needs more set-up
        # (tls:// without a TLS configuration, ucx:// without UCX)
        msg = f"`--scheduler` must be a Dask scheduler address such as tcp://host:8786; got {shown(address)} ({one_line(exc)})."
        raise UsageError(msg) from None
    except OSError as exc:
        msg = f"could not reach the Dask scheduler at {shown(address)}: {one_line(exc)}"
        raise SpreadError(msg) from None
    args._client = client
    return {"client": client}


def close_client(args):
    client = getattr(args, "_client", None)
    if client is not None:
        client.close()


def seed_table(sel, level=0.95):
    """One row per seed: its gain, and the expected spread of the seeds up to it.

    Rows before the last use the fresh RR-set estimate of each prefix; the last row,
    the whole set, uses the forward Monte Carlo evaluation when there is one.
    """
    z = z_value(level)
    frame = sel.to_frame()
    frame["spread_low"] = frame["spread"] - z * frame["stderr"]
    frame["spread_high"] = frame["spread"] + z * frame["stderr"]
    frame["estimate"] = "fresh RR sets"
    if math.isfinite(sel.spread):
        last = frame.index[-1]
        frame.loc[last, ["spread", "spread_low", "spread_high"]] = [
            sel.spread,
            *sel.conf_int(level),
        ]
        frame.loc[last, "estimate"] = sel.evaluation
    return frame[["node", "gain", "spread", "spread_low", "spread_high", "estimate"]]


def add_graph_options(p, *, positional=True):
    if positional:
        p.add_argument("graph", help="an edge-list file, or a bundled graph (`spread datasets`)")
    g = p.add_argument_group("graph files")
    g.add_argument(
        "--directed", action="store_true", help="read `u v` as the arc u -> v (default: edges)"
    )
    third = g.add_mutually_exclusive_group()
    third.add_argument("--weighted", action="store_true", help="the third field is an arc weight")
    third.add_argument(
        "--timed",
        action="store_true",
        help="the third field is a contact time: timestamped contacts (for --model temporal)",
    )
    g.add_argument(
        "--str-labels", action="store_true", help="node ids are strings (default: integers)"
    )
    g.add_argument(
        "--skiprows",
        type=int_at_least(0, "an integer >= 0", MAX_SKIPROWS),
        default=0,
        help="header lines to skip (default 0)",
    )


def add_seed_options(p, *, required):
    s = p.add_argument_group("seeds (one of)")
    m = s.add_mutually_exclusive_group(required=required)
    m.add_argument("--seeds", metavar="LIST", help="node labels, comma-separated: 0,17,42")
    m.add_argument("--seeds-file", metavar="PATH", help="a file of node labels")
    m.add_argument(
        "--top-degree", type=positive_int, metavar="K", help="the K nodes of highest out-degree"
    )


#: ``--horizon``'s default for heat in `spread maximize` (the time at which heat is read).
HEAT_HORIZON = 2.0


def add_model_options(p, *, heat_times, models=("ic", "lt", "heat")):
    """The model's options; `models` are the ``--model`` choices (ctic and sir add theirs)."""
    m = p.add_argument_group("model")
    m.add_argument("--model", choices=models, default="ic", help="default ic")
    m.add_argument(
        "--p",
        default="wc",
        type=probability_or_rule,
        help="IC (and CTIC) arc probability: a number, wc (1/in-degree), trivalency or "
        "weight (default wc)",
    )
    m.add_argument(
        "--weights", default="wc", choices=("wc", "weight"), help="LT in-weights (default wc)"
    )
    m.add_argument(
        "--beta",
        type=finite_at_least(0, strict=True),
        default=None,
        help="heat diffusion rate (default 0.02)"
        + ("; SIR, SIS transmission rate per arc (default 0.5)" if "sir" in models else ""),
    )
    m.add_argument(
        "--threshold",
        type=finite_at_least(0, strict=True),
        default=0.005,
        help="heat read-out: a node adopts at this heat (default 0.005)",
    )
    if "ctic" in models:
        m.add_argument(
            "--delay",
            type=delay_law,
            default=("exponential", 1.0),
            metavar="LAW:PARAMS",
            help="CTIC delay law: exponential:RATE, weibull:SHAPE,SCALE, lognormal:MU,SIGMA, "
            "gamma:SHAPE,SCALE or fixed:DELAY (default exponential:1)",
        )
    if "sir" in models:
        m.add_argument(
            "--gamma",
            type=finite_at_least(0, strict=False),
            default=1.0,
            help="SIR, SIS recovery rate (default 1; 0: never recover)",
        )
        m.add_argument(
            "--time-step",
            type=span_at_least(0, strict=True),
            default=None,
            help="CTIC, SIR, SIS: width of the curve's time bins (default: horizon/100, or "
            "a quarter of the median delay)",
        )
    if "temporal" in models:
        m.add_argument(
            "--attempts",
            choices=("every", "first"),
            default="every",
            help="temporal: every contact after adoption is a chance, or the first only "
            "(default every)",
        )
        m.add_argument(
            "--start",
            type=time_point,
            default=None,
            help="temporal: when the seeds adopt, in the contacts' time unit, or a date and "
            "time (2012-07-04T12:00, UTC) for contacts in Unix seconds (default: just "
            "before the first contact)",
        )
        m.add_argument(
            "--recovery",
            type=delay_law,
            default=None,
            metavar="LAW:PARAMS",
            help="temporal, SIR, SIS: law of the infectious period, as --delay (default: "
            "for ever; SIR, SIS: exponential:GAMMA)",
        )
        m.add_argument(
            "--reinfection",
            action="store_true",
            help="temporal, with --recovery: the recovered are susceptible again (SIS over "
            "the contacts)",
        )
    if heat_times:
        m.add_argument(
            "--times",
            type=times,
            default="0,1,2,4,8",
            help="heat: times to read, comma-separated (default 0,1,2,4,8)",
        )
    uses = (
        [] if heat_times else [f"heat: the time at which heat is read (default {HEAT_HORIZON:g})"]
    )
    uses += (
        ["ctic: count adoptions up to this time (default: no limit)"] if "ctic" in models else []
    )
    uses += ["sir: the same; sis: the same, required"] if "sir" in models else []
    uses += (
        ["temporal: the time after --start (24h, 30min, 2d: contacts in seconds)"]
        if "temporal" in models
        else []
    )
    if uses:
        m.add_argument(
            "--horizon", type=span_at_least(0, strict=False), default=None, help="; ".join(uses)
        )


def add_run_options(p, *, scheduler):
    r = p.add_argument_group("running")
    r.add_argument(
        "--rng",
        type=seed_root,
        default=0,
        help="root of the random streams (default 0): same value, same answer",
    )
    r.add_argument("--threads", type=positive_int, default=None, help="threads (default: all)")
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
            type=finite_at_least(0, strict=True),
            default=10.0,
            metavar="SECONDS",
            help="give up connecting after this long (default 10)",
        )
    r.add_argument(
        "--out", metavar="PATH", help="also write the table: .csv, .json or .parquet (pyarrow)"
    )


def subparser(sub, name, help, description, epilog):
    """A subcommand's parser; it takes ``--debug`` too, as the main parser does."""
    p = sub.add_parser(
        name,
        help=help,
        description=textwrap.fill(description, 88),
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_debug_option(p, default=argparse.SUPPRESS)
    return p


def add_debug_option(p, default):
    """``--debug``; a subcommand's parser has `default` SUPPRESS, so as not to reset it."""
    p.add_argument(
        "--debug",
        action="store_true",
        default=default,
        help="show the traceback of an error (to report an internal error)",
    )


def one_line(exc, limit=2000):
    """The text of an exception (or any object) on one line, cut to `limit` characters."""
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."
