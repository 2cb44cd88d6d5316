"""`spread simulate`."""

import json

from ._common import (
    add_graph_options,
    add_model_options,
    add_run_options,
    add_seed_options,
    client_kwargs,
    close_client,
    load_graph,
    model_from_args,
    out_path,
    print_table,
    seeds_from_args,
    subparser,
    write_table,
)
from ._types import UsageError, fraction, positive_int

__all__ = ["add_parser", "main"]


_SIMULATE_EXAMPLES = """\
examples:
  spread simulate nethept --top-degree 10 --model ic --p wc --runs 10000
      IC under weighted cascade from the 10 highest-degree authors: mean spread,
      its 95% interval, and the adoption curve (mean, 90% band per step)
  spread simulate karate --seeds 0,33 --model lt --out curve.csv
  spread simulate edges.txt --directed --seeds-file seeds.txt --model ic --p 0.05
  spread simulate nethept --seeds 100,474 --model heat --beta 0.02 --times 0,1,2,4,8
  spread simulate nethept --top-degree 10 --model ctic --p 0.1 --delay weibull:1.5,2 --horizon 24
      continuous-time IC: adopters by t = 24, the curve per time bin of 0.24
  spread simulate karate --seeds 0 --model sir --beta 0.5 --gamma 1 --runs 2000
      SIR: ever infected, and the infectious (prevalence) per time bin in the table
  spread simulate karate --seeds 0 --model sis --beta 0.5 --gamma 1 --horizon 20
  spread simulate higgs-retweet-times --top-degree 10 --model temporal --p 0.5 \\
      --start 1341374400 --horizon 86400 --time-step 3600
      over every timestamped retweet: who hears it along time-respecting paths within
      a day of 2012-07-04 04:00 UTC (Unix seconds), counted per hour
"""


def main(args):
    """Run `spread simulate` with parsed `args`; returns the exit code."""
    import numpy as np

    from .. import simulate, solve

    out = out_path(args.out)
    graph = load_graph(args.graph, args)
    model = model_from_args(args, graph)
    seeds = seeds_from_args(args, graph)
    kwargs = {"rng": args.rng, "n_jobs": args.threads}
    if args.model == "heat":
        res = solve(graph, seeds, model, times=np.array(args.times))
        print(repr(res))
        frame = res.to_frame()
        document = {
            "model": repr(model),
            "seeds": list(seeds),
            "error_bound": res.error_bound,
            "times": json.loads(frame.reset_index().to_json(orient="records")),
        }
    else:
        if args.model in ("ctic", "sir", "sis", "temporal"):
            if args.max_steps is not None:
                msg = f"`--max-steps` counts steps; {args.model} runs in time: use `--horizon`."
                raise UsageError(msg)
            kwargs.update(horizon=args.horizon, time_step=args.time_step)
        elif args.horizon is not None or args.time_step is not None:
            msg = f"`--horizon` and `--time-step` are for ctic, sir, sis and temporal; {args.model} counts steps."
            raise UsageError(msg)
        else:
            kwargs["max_steps"] = args.max_steps
        kwargs.update(client_kwargs(args, simulate))
        try:
            res = simulate(graph, seeds, model, n_runs=args.runs, progress=args.progress, **kwargs)
        finally:
            close_client(args)
        print(res.summary(args.level))
        frame = res.curve(args.level)
        if args.model in ("sir", "sis") or getattr(model, "recovery", None) is not None:
            infectious = res.prevalence(args.level)
            frame = frame.join(infectious.add_prefix("infectious_"))
        low, high = res.conf_int(args.level)
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
    print_table(frame)
    if out is not None:
        write_table(frame, out, document)
    return 0


def add_parser(sub):
    """Add the `simulate` subcommand to the parsers `sub`."""
    p = subparser(
        sub,
        "simulate",
        "simulate IC, LT, CTIC, SIR, SIS, temporal IC or heat diffusion from seed nodes",
        "Simulate a spread model from seed nodes: mean spread with its interval, and the "
        "adoption curve (per step for IC and LT, per time for CTIC, SIR, SIS, temporal IC "
        "and heat).",
        _SIMULATE_EXAMPLES,
    )
    add_graph_options(p)
    add_seed_options(p, required=True)
    add_model_options(
        p, heat_times=True, models=("ic", "lt", "heat", "ctic", "sir", "sis", "temporal")
    )
    p.add_argument("--runs", type=positive_int, default=10_000, help="Monte Carlo runs (10000)")
    p.add_argument("--max-steps", type=positive_int, default=None, help="stop runs after this")
    p.add_argument("--level", type=fraction, default=0.95, help="interval level (0.95)")
    add_run_options(p, scheduler=True)
    p.set_defaults(func=main)
