"""Benchmark the periodic (daily and weekly) Hawkes backgrounds on the NAB tweet volumes:
does `choose` pick them, and do they beat the plain Hawkes and the seasonal naive out of
sample?

What it measures
----------------
For each of the seven NAB ``realTweets`` series (hourly, as in `bench_fit.py`) and each
of the last `--days` days, `choose` sees only the hours before that day (`--origins`
rolling origins of 24 hours, default 3; its default candidates: Bass, logistic,
Gompertz, SI, SIR, binned Hawkes, binned Hawkes with a daily background
``seasonal_hawkes``, the same times a weekly cycle ``weekly_hawkes``, the naive and the
seasonal naive with period 24) and picks a model. The choices *without* the weekly
(or either periodic) Hawkes are the best eligible rows of the same ranking once those
are struck out (each candidate's score depends on nothing but its own forecasts). The
held-out day is then forecast by: the plain, seasonal and weekly Hawkes (fitted on all
the hours before it), the seasonal naive, and the choices; MASE (in-sample one-step
naive scale, as `mase`) and MAE of each.

How to run
----------
From the repository root::

    python benchmarks/bench_seasonal.py                       # 7 days: 14 minutes on 2 busy cores
    python benchmarks/bench_seasonal.py --days 3 --origins 7  # a week of selection origins
    python benchmarks/bench_seasonal.py --quick               # two series, two days
    python benchmarks/bench_seasonal.py --series AAPL CVS --days 3

It prints its tables and writes them into ``benchmarks/results_choose.md``, as the
section between its ``bench_seasonal`` markers (one section per `--origins`, replaced
on a rerun).
"""

import argparse
import time
import warnings
from collections import Counter
from pathlib import Path

import _report
import numpy as np
import pandas as pd
from bench_fit import DATA, load_nab

from spread.fit import choose, mase, naive_forecast

HORIZON = 24
LEVEL = 0.9
OUT = Path(__file__).resolve().parent / "results_choose.md"
BEGIN, END = "<!-- bench_seasonal: begin -->", "<!-- bench_seasonal: end -->"
SERIES = ["AAPL", "AMZN", "CRM", "CVS", "FB", "GOOG", "IBM"]


def point(choice, name, train):
    """The held-out day's point forecast of candidate `name` of a `ModelChoice`."""
    if name in ("naive", "seasonal_naive"):
        period = 1 if name == "naive" else 24
        return naive_forecast(train, HORIZON, LEVEL, period=period)["mean"].to_numpy()
    fit = choice.fits[name]
    return fit.predict(np.arange(train.n_bins, train.n_bins + HORIZON))


PERIODIC = ("seasonal_hawkes", "weekly_hawkes")
SHOWN = ("hawkes", *PERIODIC, "seasonal_naive")


def _best_without(table, struck):
    eligible = table[table["eligible"]]
    return str(eligible.drop(index=list(struck), errors="ignore").index[0])


def evaluate(name, trend, days, n_origins):
    rows = []
    n = trend.n_bins
    for d in range(days, 0, -1):
        tau = n - d * HORIZON
        train, test = trend[:tau], trend.counts[tau : tau + HORIZON]
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            choice = choose(train, horizon=HORIZON, n_origins=n_origins, level=LEVEL, rng=0)
        sec = time.perf_counter() - t0
        table = choice.table
        choices = {
            "chosen": choice.model,
            "chosen without weekly": _best_without(table, ["weekly_hawkes"]),
            "chosen without either": _best_without(table, PERIODIC),
        }
        row = {"series": name, "origin": tau, **choices, "seconds": sec}
        for key, model in [*((m, m) for m in SHOWN), *choices.items()]:
            pred = point(choice, model, train)
            row[f"mase {key}"] = mase(test, pred, train.counts)
            row[f"mae {key}"] = float(np.mean(np.abs(test - pred)))
        band = choice.forecast
        inside = (test >= band["lower"].to_numpy()) & (test <= band["upper"].to_numpy())
        row["chosen band coverage"] = float(np.mean(inside))
        row["chosen converged"] = bool(
            (choice.fit is None or choice.fit.success) and not table.loc[choice.model, "n_failed"]
        )
        row["candidates not converged"] = ", ".join(
            m for m in table.index if not table.loc[m, "success"] or table.loc[m, "n_failed"]
        )
        for model in SHOWN:
            row[f"selection mase {model}"] = float(table.loc[model, "mase"])
        fit = choice.fits["weekly_hawkes"]
        row["weekly ok"] = bool(fit.success)
        row["peak hour (UTC)"] = fit.diagnostics.get("background_peak_phase", np.nan)
        row["weekly peak (h from Mon)"] = fit.diagnostics.get("weekly_peak_phase", np.nan)
        row["weekly peak/trough"] = fit.diagnostics.get("weekly_peak_to_trough", np.nan)
        rows.append(row)
        print(
            f"  {name} origin {tau}: chose {choice.model} in {sec:.1f} s; MASE "
            + ", ".join(f"{m} {row[f'mase {m}']:.3f}" for m in (*SHOWN, "chosen")),
            flush=True,
        )
    return rows


def _counts(column):
    return ", ".join(f"{m} ({c})" for m, c in Counter(column).items())


def summarise(detail):
    out = []
    for name, d in detail.groupby("series", sort=False):
        row = {"series": name, "days": len(d)}
        for m in SHOWN:
            row[f"mase {m}"] = d[f"mase {m}"].mean()
        row["chosen (times)"] = _counts(d["chosen"])
        row["mase chosen"] = d["mase chosen"].mean()
        row["chosen MAE / seasonal naive's"] = (
            d["mae chosen"].sum() / d["mae seasonal_naive"].sum()
        )
        row["chosen 90% band coverage"] = d["chosen band coverage"].mean()
        row["chosen converged"] = f"{int(d['chosen converged'].sum())} of {len(d)}"
        row["chosen without weekly (times)"] = _counts(d["chosen without weekly"])
        row["mase chosen without weekly"] = d["mase chosen without weekly"].mean()
        row["mase chosen without either"] = d["mase chosen without either"].mean()
        row["weekly peak (h from Mon)"] = d["weekly peak (h from Mon)"].median()
        out.append(row)
    return pd.DataFrame(out)


def markers(n_origins):
    if n_origins == 3:
        return BEGIN, END
    return (
        f"<!-- bench_seasonal origins={n_origins}: begin -->",
        f"<!-- bench_seasonal origins={n_origins}: end -->",
    )


def write(summary, detail, wall, quick, days, n_origins):
    begin, end = markers(n_origins)
    lines = [
        begin,
        "## Daily and weekly Hawkes backgrounds in model choice (`benchmarks/bench_seasonal.py"
        + (f" --origins {n_origins}" if n_origins != 3 else "")
        + "`)",
        "",
        *_report.header(),
        f"- Whole script: {wall:.0f} s wall clock{' (quick run)' if quick else ''}",
        "",
        f"For each NAB series and each of its last {days} days, `spread.fit.choose` saw only "
        f"the hours before the day ({n_origins} rolling origins of 24 hours; its default "
        "candidates, with `seasonal_hawkes`, the binned Hawkes with a background "
        "``mu exp(sum_h a_h cos(2 pi h t / 24) + b_h sin(2 pi h t / 24))``, two harmonics, "
        "t in hours since midnight UTC, and `weekly_hawkes`, the same times a weekly "
        "cycle of two harmonics in hours since Monday 00:00 UTC) and picked a model. "
        "`chosen without weekly` / `without either` are the choices with `weekly_hawkes` "
        "(and `seasonal_hawkes`) struck from the same ranking. MASE of each forecast of "
        "the held-out day (mean over days; scale: the in-sample one-step naive error); "
        "`chosen MAE / seasonal naive's`: the chosen forecasts' MAE summed over the days "
        "over the seasonal naive's (issue 18's target: below 1 on every series); `chosen 90% "
        "band coverage`: the share of held-out hours inside the chosen forecast's 90% band "
        "(target 80-97%); `chosen converged`: days on which the chosen model's fit, on all "
        "the hours and at every selection origin, ended with `success` (the per-day table "
        "lists the candidates whose fits did not). The "
        "Hawkes fits are those on all the hours before the day. `weekly peak`: median over "
        "days of where the fitted weekly factor peaks, in hours from Monday 00:00 UTC.",
        "",
        _report.md_table(summary, ".3f"),
        "",
        f"Per day (`selection mase`: the mean MASE over `choose`'s own {n_origins} origins, "
        "which ranks the candidates):",
        "",
        _report.md_table(detail, ".3f"),
        "",
        end,
    ]
    text = OUT.read_text() if OUT.exists() else "# `spread.fit.choose` benchmarks\n"
    block = "\n".join(lines)
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        text = head + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    OUT.write_text(text)
    print(f"wrote {OUT}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--days", type=int, default=7)
    ap.add_argument("--series", nargs="*", default=SERIES)
    ap.add_argument("--origins", type=int, default=3, help="choose's n_origins (default 3)")
    args = ap.parse_args()
    if not DATA.is_dir():
        raise SystemExit(f"needs the shared data folder {DATA}")
    t0 = time.perf_counter()
    names = ["AAPL", "GOOG"] if args.quick else args.series
    days = 2 if args.quick else args.days
    rows = []
    for name, trend in load_nab(names).items():
        rows += evaluate(name, trend, days, args.origins)
    detail = pd.DataFrame(rows)
    summary = summarise(detail)
    with pd.option_context("display.width", 200):
        print(summary.to_string(index=False))
    write(summary, detail, time.perf_counter() - t0, args.quick, days, args.origins)


if __name__ == "__main__":
    main()
