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
    read_node_values,
    read_tokens,
    seed_table,
    split_list,
    subparser,
    write_table,
)
from ._types import UsageError, finite_at_least, fraction, int_at_least, positive_int

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
  spread maximize higgs-retweet-times -k 10 --model temporal --p 0.5 --start 1341374400 \\
      --horizon 86400
      the 10 accounts whose retweets, over the real retweet times, reach the most
      people within a day of 2012-07-04 04:00 UTC
  spread maximize nethept --costs costs.txt --budget 100 --target fans.txt
      seeds costing at most 100 in all (costs.txt: `label cost` lines) that reach the
      most of an audience (fans.txt: `label` or `label weight` lines)
"""


def main(args):
    """Run `spread maximize` with parsed `args`; returns the exit code."""
    from .. import maximize

    out = out_path(args.out)
    graph = load_graph(args.graph, args)
    model = model_from_args(args, graph)
    exclude = None
    if args.exclude is not None:
        exclude = labels_from(split_list(args.exclude), graph, "--exclude")
    elif args.exclude_file is not None:
        tokens = read_tokens(args.exclude_file, "--exclude-file")
        exclude = labels_from(tokens, graph, "--exclude-file")
    kwargs = {}
    if args.model == "heat":
        kwargs["horizon"] = HEAT_HORIZON if args.horizon is None else args.horizon
    elif args.model in ("ctic", "temporal"):
        kwargs["horizon"] = args.horizon
    elif args.horizon is not None:
        msg = f"`--horizon` is for heat, ctic and temporal; {args.model} counts every adoption."
        raise UsageError(msg)
    kwargs.update(client_kwargs(args, maximize))
    if (args.k is None) == (args.budget is None):
        msg = "give `-k` (the number of seeds) or `--budget` with `--costs`, not both."
        raise UsageError(msg)
    if (args.costs is None) != (args.budget is None):
        msg = "`--costs` and `--budget` go together: what each node costs, and the most to spend."
        raise UsageError(msg)
    if args.costs is not None:
        rule = "a finite number > 0"
        costs = read_node_values(args.costs, "--costs", graph, rule=rule, positive=True)
        kwargs.update(costs=costs, budget=args.budget)
    if args.target is not None:
        rule = "a finite number >= 0"
        kwargs["target"] = read_node_values(
            args.target, "--target", graph, rule=rule, positive=False, default=1.0
        )
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
            "cost": None if args.budget is None else sel.cost,
            "budget": args.budget,
            "target_weight": None if args.target is None else sel.target_weight,
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
    p.add_argument("-k", type=positive_int, help="number of seeds (or --costs and --budget)")
    p.add_argument(
        "--costs",
        metavar="PATH",
        help="what seeding each node costs: a file of `label cost` lines (with --budget)",
    )
    p.add_argument(
        "--budget",
        type=finite_at_least(0, strict=True),
        help="the most the seeds may cost together (instead of -k; imm, opim-c)",
    )
    p.add_argument(
        "--target",
        metavar="PATH",
        help="count only this audience: a file of `label` or `label weight` lines",
    )
    p.add_argument(
        "--method",
        default="opim-c",
        choices=METHODS,
        help="default opim-c",
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
    add_model_options(p, heat_times=False, models=("ic", "lt", "heat", "ctic", "temporal"))
    add_run_options(p, scheduler=True)
    p.set_defaults(func=main)
