"""`spread maximize`."""

import json

from ..im.maximize import METHODS
from ._common import (
    HEAT_HORIZON,
    add_graph_options,
    add_model_options,
    add_run_options,
    client_kwargs,
    close_client,
    labels_from,
    load_graph,
    model_from_args,
    out_path,
    print_table,
    read_tokens,
    seed_table,
    split_list,
    subparser,
    write_table,
)
from ._types import UsageError, fraction, int_at_least, positive_int

__all__ = ["add_parser", "main"]


_MAXIMIZE_EXAMPLES = """\
examples:
  spread maximize nethept -k 50 --model ic --p wc --method imm --eps 0.1 --out seeds.csv
      the 50 seeds IMM picks under weighted-cascade IC, their marginal gains, and the
      expected spread of the first j seeds with a 95% interval (fresh samples)
  spread maximize nethept -k 10 --method degree          a baseline to compare with
  spread maximize wiki-vote -k 20 --exclude 2565,766     what if two accounts are off limits
  spread maximize nethept -k 20 --scheduler tcp://scheduler:8786   on a Dask cluster
  spread maximize nethept -k 10 --model ctic --p wc --delay exponential:0.5 --horizon 24
      continuous-time IC (mean delay 2): the 10 seeds that reach the most people
      within 24 time units
"""


def main(args):
    """Run `spread maximize` with parsed `args`; returns the exit code."""
    from .. import maximize

    out = out_path(args.out)
    graph = load_graph(args.graph, args)
    model = model_from_args(args)
    exclude = None
    if args.exclude is not None:
        exclude = labels_from(split_list(args.exclude), graph, "--exclude")
    elif args.exclude_file is not None:
        tokens = read_tokens(args.exclude_file, "--exclude-file")
        exclude = labels_from(tokens, graph, "--exclude-file")
    kwargs = {}
    if args.model == "heat":
        kwargs["horizon"] = HEAT_HORIZON if args.horizon is None else args.horizon
    elif args.model == "ctic":
        kwargs["horizon"] = args.horizon
    elif args.horizon is not None:
        msg = f"`--horizon` is for heat and ctic; {args.model} counts every adoption."
        raise UsageError(msg)
    kwargs.update(client_kwargs(args, maximize))
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
            n_eval_runs=args.eval_runs,
            n_runs=args.runs,
            **kwargs,
        )
    finally:
        close_client(args)
    print(sel.summary())
    print()
    frame = seed_table(sel)
    print_table(frame)
    if out is not None:
        document = {
            "method": sel.method,
            "model": repr(model),
            "k": sel.k,
            "rng": args.rng,
            "spread": sel.spread,
            "spread_ci": list(sel.conf_int(0.95)),
            "spread_stderr": sel.spread_stderr,
            "evaluation": sel.evaluation,
            "guarantee": sel.guarantee,
            "seeds": json.loads(frame.reset_index().to_json(orient="records")),
        }
        write_table(frame, out, document)
    return 0


def add_parser(sub):
    """Add the `maximize` subcommand to the parsers `sub`."""
    p = subparser(
        sub,
        "maximize",
        "choose k seeds that maximize the expected spread",
        "Choose k seed nodes (IMM, OPIM-C, CELF or a heuristic) and estimate their spread "
        "on fresh samples, with an interval.",
        _MAXIMIZE_EXAMPLES,
    )
    add_graph_options(p)
    p.add_argument("-k", type=positive_int, required=True, help="number of seeds")
    p.add_argument(
        "--method",
        default="imm",
        choices=METHODS,
        help="default imm",
    )
    p.add_argument("--eps", type=fraction, default=0.1, help="IMM/OPIM-C slack (default 0.1)")
    p.add_argument(
        "--eval-runs",
        type=int_at_least(2, "an integer >= 2"),
        default=10_000,
        help="forward runs that score the seeds (10000)",
    )
    p.add_argument(
        "--runs", type=positive_int, default=1000, help="CELF: Monte Carlo runs per estimate"
    )
    ex = p.add_mutually_exclusive_group()
    ex.add_argument("--exclude", metavar="LIST", help="nodes that may not be chosen: 3,8,42")
    ex.add_argument("--exclude-file", metavar="PATH", help="a file of nodes not to choose")
    add_model_options(p, heat_times=False, models=("ic", "lt", "heat", "ctic"))
    add_run_options(p, scheduler=True)
    p.set_defaults(func=main)
