"""`spread fit`."""

import argparse
import json
import sys
from pathlib import Path

from .. import datasets
from ._common import (
    UsageError,
    add_graph_options,
    add_seed_options,
    graph_names,
    load_graph,
    one_line,
    out_path,
    print_table,
    seeds_from_args,
    subparser,
    write_table,
)
from ._files import binary_problem, check_writable
from ._types import (
    finite_at_least,
    fraction,
    int_at_least,
    positive_int,
    seed_root,
    shown,
    shown_path,
)

__all__ = ["add_parser", "main"]


_FIT_EXAMPLES = """\
examples:
  spread fit higgs --start 2012-07-04 --model bass --holdout 48
      Bass fitted to the first 48 hours of the Higgs-boson retweet burst, scored on
      the 48 hours held out (MASE, error of the final count), with a 90% forecast band
  spread fit higgs --start 2012-07-04 --model gompertz --forecast 24 --out fit.json
  spread fit counts.csv --time day --count new_users --freq 1D --model logistic
  spread fit higgs --model auto --forecast 24
      every curve model, binned Hawkes (with a daily and, given two weeks, a weekly
      background) and the naive and seasonal-naive forecasts,
      ranked by their 24-hour forecasts from 3 rolling origins; the best one forecasts
  spread fit higgs --start "2012-07-04 04:00" --model ic --graph higgs-retweet \\
          --ic-method dmp --seeds-from higgs-adopters --holdout 44
      IC with spontaneous adoption on the retweet network, seeded with the users who
      retweeted in the first hour (the bundled adoption times); the hourly counts
      negative binomial around the model's runs (--loss poisson for a run of the model)
  spread fit higgs --start 2012-07-04 --end "2012-07-05 04:00" --model hawkes \
          --event announcement=2012-07-04T04:00 --half-life 12 --forecast 24
      binned Hawkes whose background jumps at the announcement and wears off with a
      half-life of 12 hours (a fitted coefficient, `announcement`); `--half-life fit`
      profiles the half-life instead (the best fit, and an interval)
  spread fit higgs --start "2012-07-04 04:00" --end "2012-07-05 04:00" --model ic \
          --graph higgs-retweet --ic-method dmp --seeds-from higgs-adopters \
          --history-cycle 24 --forecast 24
      spontaneous adoption times the daily cycle of the days before the announcement
      (its shape from them, one fitted coefficient, `cycle`): a cycle a one-day
      burst could not show on its own
"""


_CURVE_FITS = ("bass", "logistic", "gompertz", "si", "sir", "hawkes")


def _load_trend(args):
    """The series to fit: a CSV file's or a bundled trend's, cut to --start/--end."""
    spec = args.trend
    path = Path(spec)
    if path.is_file():
        if args.column is not None:
            msg = "`--column` selects a bundled series; for a CSV use --time and --count."
            raise UsageError(msg)
        trend = _trend_from_csv(path, spec, args)
    elif spec in graph_names("trend"):
        if args.time is not None or args.count is not None:
            msg = "`--time` and `--count` name CSV columns; for a bundled trend use --column."
            raise UsageError(msg)
        trend = datasets.load_trend(spec, args.column)
    else:
        what = "is a folder" if path.is_dir() else "is neither"
        msg = (
            f"`trend` must be a CSV file or a bundled trend ({', '.join(graph_names('trend'))}); "
            f"got {shown_path(spec)}, which {what}."
        )
        raise UsageError(msg)
    for name, value, cut in [("--start", args.start, "since"), ("--end", args.end, "until")]:
        if value is None:
            continue
        try:
            trend = getattr(trend, cut)(value if trend.is_datetime else float(value))
        except (TypeError, ValueError, OverflowError) as exc:
            # pandas' date parsing errors are ValueErrors; an empty cut is an
            # InvalidParameterError, which is one too
            kind = "a time" if trend.is_datetime else "a number"
            msg = (
                f"`{name}` must be {kind} within the series ({trend.start} to {trend.end}) "
                f"that leaves at least one bin; got {shown(value)} ({one_line(exc, 200)})."
            )
            raise UsageError(msg) from None
    return trend


def _trend_from_csv(path, spec, args):
    """A trend from a CSV of times (and counts); any problem names the file."""
    import pandas as pd

    from ..trend import Trend

    where = f"`trend` must be a CSV file of times and counts; {shown_path(spec)}"
    try:
        problem = binary_problem(path)
    except OSError as exc:
        problem = f"could not be read ({one_line(exc)})"
    if problem is None:
        try:
            table = pd.read_csv(path)
        except pd.errors.EmptyDataError:
            problem = "is empty"
        except (ValueError, OverflowError, OSError) as exc:
            # ParserError and UnicodeDecodeError are ValueErrors
            problem = f"could not be read ({type(exc).__name__}: {one_line(exc)})"
    if problem is None and table.empty:
        problem = "has no data rows"
    if problem is not None:
        raise UsageError(f"{where} {problem}.")
    columns = [str(c) for c in table.columns]
    table.columns = columns
    for name, col in [("--time", args.time), ("--count", args.count)]:
        if col is not None and col not in columns:
            msg = f"`{name}` must name a column of {shown_path(spec)} ({', '.join(columns)}); got {shown(col)}."
            raise UsageError(msg)
    time_col = args.time or columns[0]
    count_col = args.count or (columns[1] if len(columns) > 1 and columns[1] != time_col else None)
    if count_col == time_col:
        msg = f"`--count` must name a column other than the time column; got {shown(count_col)}."
        raise UsageError(msg)
    kind = "adopters" if args.kind is None else args.kind
    try:
        return Trend.from_frame(table, time=time_col, count=count_col, freq=args.freq, kind=kind)
    except (ValueError, TypeError, OverflowError) as exc:
        # InvalidParameterError, and pandas' date errors (OutOfBoundsDatetime, ...)
        msg = (
            f"{where}: could not make a series of it (time {shown(time_col)}, count "
            f"{shown(count_col)}): {one_line(exc)}"
        )
        raise UsageError(msg) from None


def _fit_curve(args, train):
    from .. import fit as spread_fit

    fitters = {
        "bass": spread_fit.fit_bass,
        "logistic": spread_fit.fit_logistic,
        "gompertz": spread_fit.fit_gompertz,
        "si": spread_fit.fit_si,
        "sir": spread_fit.fit_sir,
        "hawkes": spread_fit.fit_hawkes,
    }
    fitter = fitters[args.model]

    def fit_with(columns, final=True):
        # a half-life profile's fits take the cheap Wald intervals; the chosen one is
        # refitted with the interval asked for
        method = args.ci_method if final else "wald"
        extra = {"n_resamples": args.resamples} if method == "bootstrap" else {}
        if args.model == "hawkes":
            extra["regressors"] = columns
        return fitter(
            train, loss=args.loss, ci_method=method, level=args.level, rng=args.rng, **extra
        )

    return _fit_with_events(args, train, fit_with, refit=args.ci_method != "wald")


def _events(args, train):
    """`--event NAME=TIME` (repeated): the events, their shape and the bins past the
    trend their columns cover (those forecast or held out); None without `--event`."""
    if not args.event:
        return None
    events = {}
    for text in args.event:
        name, sep, when = text.partition("=")
        if not sep or not name.strip() or not when.strip():
            msg = f"`--event` must be NAME=TIME, e.g. announcement=2012-07-04T04:00; got {shown(text)}."
            raise UsageError(msg)
        try:
            events[name.strip()] = when.strip() if train.is_datetime else float(when)
        except ValueError:
            msg = f"`--event` times of a numeric series are numbers; got {shown(text)}."
            raise UsageError(msg) from None
    shape = args.event_shape or ("decay" if args.half_life is not None else "step")
    horizon = max(args.forecast or 0, args.holdout or 0)
    return events, shape, horizon


def _event_columns(args, train):
    """The `--event` columns (`event_regressors`) for a given `--half-life`; None
    without `--event`."""
    from ..fit import event_regressors

    given = _events(args, train)
    if given is None:
        return None
    events, shape, horizon = given
    columns = event_regressors(
        train, events, horizon=horizon, shape=shape, half_life=args.half_life
    )
    print(
        f"events: {', '.join(events)} ({shape}"
        + (f", half-life {args.half_life:g} bins)" if args.half_life is not None else ")")
    )
    return columns


def _cycle_column(args, train):
    """`--history-cycle BINS`: the column of the cycle the series shows before
    `--start` (`cycle_regressors`, named ``cycle``); None without it."""
    from ..fit import cycle_regressors

    if args.history_cycle is None:
        return None
    whole = _load_trend(argparse.Namespace(**{**vars(args), "start": None, "end": None}))
    if whole.start >= train.start:
        msg = (
            "`--history-cycle` learns the cycle from the series before `--start`; it has no "
            f"bins before {train.start}."
        )
        raise UsageError(msg)
    history = whole.until(train.start)
    horizon = max(args.forecast or 0, args.holdout or 0)
    column = cycle_regressors(
        history, train, period=args.history_cycle, horizon=horizon, name="cycle"
    )
    print(
        f"cycle: {args.history_cycle} bins, its shape from the {history.n_bins} bins before "
        f"{train.start} (coefficient `cycle`: 1 swings as they did)"
    )
    return column


def _joined(*frames):
    """The regressors' frames side by side (None when there are none)."""
    import pandas as pd

    frames = [f for f in frames if f is not None]
    return pd.concat(frames, axis=1) if frames else None


def _fit_with_events(args, train, fit_with, *, refit=False):
    """``fit_with(columns, final)`` (columns None without `--event` and
    `--history-cycle`) at the given half-life, or profiled over it with `--half-life
    fit` (`profile_half_life`, its fits with ``final=False``; with `refit` the best
    half-life is fitted again with ``final=True``, e.g. to bootstrap only the chosen
    fit). The cycle's column joins every fit's."""
    from ..fit import profile_half_life

    cycle = _cycle_column(args, train)
    if args.half_life != "fit":
        return fit_with(_joined(_event_columns(args, train), cycle))
    events, shape, horizon = _events(args, train)
    if shape != "decay":
        msg = f"`--half-life fit` fits the decay of `--event-shape decay`; got {shape}."
        raise UsageError(msg)
    prof = profile_half_life(
        train,
        events,
        lambda columns: fit_with(_joined(columns, cycle), final=False),
        horizon=horizon,
        level=args.level,
    )
    low, high = prof.half_life_ci
    print(
        f"events: {', '.join(events)} (decay, half-life profiled: {prof.half_life:.3g} bins, "
        f"{prof.level:.0%} interval {low:.3g} to {high:.3g}; {prof.message})"
    )
    return fit_with(_joined(prof.regressors, cycle), final=True) if refit else prof.result


def _fit_ic(args, train):
    import pandas as pd

    from .. import fit as spread_fit

    if args.graph is None:
        msg = "`--model ic` needs `--graph` (a file or a bundled graph such as higgs-retweet)."
        raise UsageError(msg)
    given = [args.seeds, args.seeds_file, args.top_degree, args.seeds_from]
    if sum(x is not None for x in given) != 1:
        msg = "`--model ic` needs one source of seeds: --seeds, --seeds-file, --top-degree or --seeds-from."
        raise UsageError(msg)
    graph = load_graph(args.graph, args, "--graph")
    if args.top_degree is not None:
        seeds = f"top-degree:{args.top_degree}"
    elif args.seeds_from is not None:
        first = datasets.load_cascades(
            args.seeds_from, start=train.start, end=train.start + pd.Timedelta(train.freq)
        )
        seeds = first.data["node"].tolist()
        print(f"seeds: the {len(seeds):,} nodes adopting in the first bin ({args.seeds_from})")
    else:
        seeds = seeds_from_args(args, graph)
    if args.ci_method == "profile" and args.ic_method != "dmp":
        msg = (
            "`--ci-method profile` for `--model ic` needs `--ic-method dmp` (a smooth "
            f"likelihood); got --ic-method {args.ic_method}."
        )
        raise UsageError(msg)
    bootstrap = args.ci_method == "bootstrap"
    profile = args.ci_method == "profile"
    wald = args.ci_method in ("wald", "profile") and args.ic_method == "dmp"
    if not (bootstrap or wald):
        print(
            "no intervals for --model ic without --ci-method bootstrap (it refits --resamples "
            "times), or wald or profile with --ic-method dmp"
        )

    def intervals(final):
        if final and (bootstrap or profile):
            return args.ci_method
        return "wald" if wald else None

    def fit_with(columns, final=True):
        est = spread_fit.ICEstimator(
            method=args.ic_method,
            loss=args.loss,
            n_runs=args.runs,
            external=not args.no_external,
            period=args.external_period,
            regressors=columns,
            ci_method=intervals(final),
            level=args.level,
            n_resamples=args.resamples,
            rng=args.rng,
        )
        return est.fit(graph, train, seeds=seeds, steps_per_bin=args.steps_per_bin).result_

    if args.no_external:
        return fit_with(None)
    return _fit_with_events(args, train, fit_with, refit=bootstrap or profile)


def main(args):
    """Run `spread fit` with parsed `args`; returns the exit code."""
    import pandas as pd

    from ..fit import compare

    out = out_path(args.out)
    if out is not None and out.suffix.lower() != ".json" and (args.forecast or args.holdout):
        check_writable(_forecast_path(out))
    if args.model != "ic" and (args.graph is not None):
        msg = "`--graph` is used only with `--model ic`."
        raise UsageError(msg)
    if args.event and (args.model not in ("hawkes", "ic", "auto") or args.no_external):
        msg = (
            "`--event` drives the Hawkes background or IC's spontaneous adoption: it needs "
            "`--model hawkes`, `--model ic` (without --no-external) or `--model auto`; got "
            f"--model {args.model}."
        )
        raise UsageError(msg)
    if args.history_cycle is not None and (
        args.model not in ("hawkes", "ic", "auto") or args.no_external or args.start is None
    ):
        msg = (
            "`--history-cycle` learns a cycle from the series before `--start` and drives "
            "the Hawkes background or IC's spontaneous adoption with it: it needs --start "
            "and --model hawkes, ic (without --no-external) or auto."
        )
        raise UsageError(msg)
    if not args.event and (args.event_shape is not None or args.half_life is not None):
        msg = "`--event-shape` and `--half-life` shape an `--event`; give one (NAME=TIME)."
        raise UsageError(msg)
    if args.half_life == "fit" and args.model == "auto":
        msg = (
            "`--half-life fit` profiles one model's fit: use it with --model hawkes or "
            "ic, or give --model auto the half-life in bins."
        )
        raise UsageError(msg)
    if args.seeds_from is not None and args.seeds_from not in graph_names("cascades"):
        names = ", ".join(graph_names("cascades"))
        msg = f"`--seeds-from` must be bundled adoption times ({names}); got {shown(args.seeds_from)}."
        raise UsageError(msg)
    trend = _load_trend(args)
    train, test = trend, None
    if args.holdout:
        if args.holdout >= trend.n_bins - 2:
            msg = f"`--holdout` must leave at least 3 bins to fit ({trend.n_bins} in all); got {args.holdout}."
            raise UsageError(msg)
        train, test = trend[: trend.n_bins - args.holdout], trend[trend.n_bins - args.holdout :]
    print(f"{args.trend}: {train!r}" + (f", {test.n_bins} bin(s) held out" if test else ""))
    if args.model == "auto":
        return _auto(args, train, test, out)
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
        forecast = res.forecast(
            horizon, args.forecast_level, n_paths=paths, rng=args.rng, errors=args.errors
        )
        forecast.index.name = "time"
        if test is not None and len(test.counts) == len(forecast):
            forecast.insert(0, "observed", test.counts[: len(forecast)])
        print(f"\nforecast, {horizon} bin(s), {args.forecast_level:.0%} predictive band:")
        print_table(forecast)
        document["forecast"] = json.loads(
            forecast.reset_index().to_json(orient="records", date_format="iso")
        )
    if out is not None:
        write_table(params, out, document)
        if forecast is not None and out.suffix.lower() != ".json":
            write_table(pd.DataFrame(forecast), _forecast_path(out))
    if not res.success:
        print(
            f"spread fit: error: the {args.model} fit did not converge ({res.message}); "
            "the estimates above are where it stopped",
            file=sys.stderr,
        )
        return 1
    return 0


def _auto(args, train, test, out):
    """`--model auto`: rank the curve models and baselines, forecast with the best."""
    import pandas as pd

    from ..fit import choose, mase

    horizon = args.forecast or (test.n_bins if test is not None else 0)
    if not horizon:
        msg = "`--model auto` needs `--forecast H` (or `--holdout H`): the bins to forecast and score."
        raise UsageError(msg)
    if args.errors is not None:
        msg = (
            f"`--errors {args.errors}` applies to one model's forecast; `--model auto` scores "
            "its candidates with their own noise (name a model, such as `--model bass`)."
        )
        raise UsageError(msg)
    choice = choose(
        train,
        horizon=horizon,
        n_origins=args.origins,
        period=args.period,
        score=args.score,
        level=args.forecast_level,
        rng=args.rng,
        fit_options={"loss": args.loss, "level": args.level},
        regressors=_joined(_event_columns(args, train), _cycle_column(args, train)),
    )
    print(choice.summary())
    if choice.fit is not None:
        print()
        print(choice.fit.summary())
    forecast = choice.forecast.copy()
    forecast.index.name = "time"
    document = {
        "chosen": choice.model,
        "ranking": json.loads(choice.table.reset_index().to_json(orient="records")),
        "fit": None if choice.fit is None else choice.fit.to_dict(),
    }
    if test is not None:
        n = min(len(test.counts), len(forecast))
        forecast.insert(
            0, "observed", list(test.counts[:n]) + [float("nan")] * (len(forecast) - n)
        )
        score = mase(test.counts[:n], forecast["mean"].to_numpy()[:n], train.counts)
        print(f"\nheld-out MASE of the chosen {choice.model}: {score:.4g}")
        document["holdout"] = {"mase": score}
    print(
        f"\nforecast by {choice.model}, {horizon} bin(s), {args.forecast_level:.0%} predictive band:"
    )
    print_table(forecast)
    document["forecast"] = json.loads(
        forecast.reset_index().to_json(orient="records", date_format="iso")
    )
    if out is not None:
        write_table(choice.to_frame(), out, document)
        if out.suffix.lower() != ".json":
            write_table(pd.DataFrame(forecast), _forecast_path(out))
    failed = [name for name, res in choice.fits.items() if not res.success]
    if failed:
        print(
            f"spread fit: warning: fit(s) on all the data failed, not chosen: {', '.join(failed)}",
            file=sys.stderr,
        )
    if len(failed) == len(choice.fits):
        print(
            "spread fit: error: no model fitted the data (every fit failed); the forecast "
            f"above is the {choice.model} baseline's",
            file=sys.stderr,
        )
        return 1
    return 0


def _half_life(text):
    """`--half-life`: a number of bins > 0, or ``fit``."""
    return "fit" if text.strip().lower() == "fit" else finite_at_least(0.0, strict=True)(text)


def _forecast_path(out):
    """Where the forecast goes next to a CSV or Parquet `out`: fit.csv -> fit.forecast.csv."""
    return out.with_name(f"{out.stem}.forecast{out.suffix}")


def add_parser(sub):
    """Add the `fit` subcommand to the parsers `sub`."""
    p = subparser(
        sub,
        "fit",
        "fit a curve or network model to an observed trend",
        "Fit a spread model to a count series (a CSV of time and count columns, or a "
        "bundled trend); print the parameters with intervals; forecast.",
        _FIT_EXAMPLES,
    )
    p.add_argument("trend", help="a CSV file, or a bundled trend (`spread datasets`)")
    p.add_argument(
        "--model",
        choices=(*_CURVE_FITS, "ic", "auto"),
        default="bass",
        help="default bass; auto: choose by rolling-origin forecasts (needs --forecast)",
    )
    t = p.add_argument_group("the series")
    t.add_argument("--column", help="bundled trend: which series (default its first)")
    t.add_argument("--time", help="CSV: time column (default the first)")
    t.add_argument("--count", help="CSV: count column (default the second)")
    t.add_argument("--freq", help="CSV: bin width, e.g. 1h, 1D (default: from the data)")
    t.add_argument("--kind", choices=("adopters", "volume"), help="CSV: first adoptions or volume")
    t.add_argument("--start", help="keep bins from this time on (e.g. 2012-07-04)")
    t.add_argument("--end", help="keep bins ending by this time")
    f = p.add_argument_group("fitting")
    f.add_argument(
        "--loss",
        choices=("negbin", "poisson", "ar1"),
        default="negbin",
        help="likelihood (ar1, for --model ic: the log residuals as an AR(1); its forecasts "
        "take AR(1) errors)",
    )
    f.add_argument(
        "--ci-method",
        choices=("wald", "profile", "bootstrap"),
        default="wald",
        help="how intervals are computed (default wald)",
    )
    f.add_argument("--level", type=fraction, default=0.95, help="interval level (0.95)")
    f.add_argument(
        "--resamples",
        type=int_at_least(2, "an integer >= 2"),
        default=100,
        help="bootstrap replicates (100)",
    )
    f.add_argument(
        "--holdout", type=positive_int, default=None, metavar="H", help="hold out the last H bins"
    )
    f.add_argument(
        "--forecast", type=positive_int, default=None, metavar="H", help="forecast H bins"
    )
    f.add_argument(
        "--forecast-level", type=fraction, default=0.9, help="predictive band level (0.9)"
    )
    f.add_argument(
        "--errors",
        choices=("independent", "ar1"),
        default=None,
        help="forecast errors: the loss's noise, independent per bin, or ar1: a misfit "
        "that persists, an AR(1) in the log scale fitted to the residuals (default: the "
        "fit's own, ar1 for --loss ar1)",
    )
    a = p.add_argument_group("model choice (--model auto)")
    a.add_argument("--origins", type=positive_int, default=3, help="rolling forecast origins (3)")
    a.add_argument(
        "--period",
        type=int_at_least(2, "an integer >= 2"),
        default=None,
        help="seasonal naive's period in bins (default 24 for hourly, 7 for daily bins)",
    )
    a.add_argument(
        "--score", choices=("mase", "msis"), default="mase", help="what ranks (default mase)"
    )
    n = p.add_argument_group("network model (--model ic)")
    n.add_argument("--graph", help="the network: a file or a bundled graph")
    n.add_argument("--ic-method", choices=("mc", "dmp"), default="mc", help="default mc")
    n.add_argument("--runs", type=positive_int, default=200, help="simulations per step (200)")
    n.add_argument("--no-external", action="store_true", help="no spontaneous (outside) adoption")
    n.add_argument(
        "--external-period",
        type=int_at_least(2, "an integer >= 2"),
        default=None,
        metavar="BINS",
        help="a cycle of this many bins in spontaneous adoption (24: daily, for hourly bins)",
    )
    n.add_argument("--steps-per-bin", type=positive_int, default=1, help="IC steps per bin (1)")
    n.add_argument(
        "--seeds-from",
        metavar="CASCADES",
        help="seeds: who adopted in the trend's first bin, from bundled adoption times "
        "(e.g. higgs-adopters)",
    )
    add_seed_options(p, required=False)
    add_graph_options(p, positional=False)
    e = p.add_argument_group("known events and cycles (--model hawkes, ic or auto)")
    e.add_argument(
        "--event",
        action="append",
        metavar="NAME=TIME",
        help="a known event (repeatable), e.g. announcement=2012-07-04T04:00: a fitted "
        "factor on the Hawkes background or on spontaneous adoption from its bin on",
    )
    e.add_argument(
        "--event-shape",
        choices=("step", "pulse", "decay"),
        default=None,
        help="step: lasting (the default); pulse: its bin only; decay: wearing off "
        "(the default with --half-life)",
    )
    e.add_argument(
        "--half-life",
        type=_half_life,
        default=None,
        metavar="BINS",
        help="how fast a decaying event wears off, in bins; `fit` profiles it "
        "(`profile_half_life`: the best fit over half-lives, with an interval)",
    )
    e.add_argument(
        "--history-cycle",
        type=int_at_least(2, "an integer >= 2"),
        default=None,
        metavar="BINS",
        help="a cycle of this many bins whose shape is learned from the series before "
        "--start (`cycle_regressors`): a fitted coefficient on the Hawkes background or "
        "on spontaneous adoption",
    )
    r = p.add_argument_group("running")
    r.add_argument("--rng", type=seed_root, default=0, help="random seed (default 0)")
    r.add_argument("--out", metavar="PATH", help="write the parameters: .csv, .json, .parquet")
    p.set_defaults(func=main)
