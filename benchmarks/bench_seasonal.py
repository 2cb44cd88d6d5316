"""Benchmark the periodic (daily) Hawkes background on the NAB tweet volumes: does
`choose` pick it, and does it beat the plain Hawkes and the seasonal naive out of sample?

What it measures
----------------
For each of the seven NAB ``realTweets`` series (hourly, as in `bench_fit.py`) and each
of the last `--days` days, `choose` sees only the hours before that day (three rolling
origins of 24 hours; its default candidates: Bass, logistic, Gompertz, SI, SIR, binned
Hawkes, binned Hawkes with a daily background ``seasonal_hawkes``, the naive and the
seasonal naive with period 24) and picks a model. The choice *without* the seasonal
Hawkes is the best eligible row of the same ranking once ``seasonal_hawkes`` is struck
out (each candidate's score depends on nothing but its own forecasts). The held-out day
is then forecast by: the plain and the seasonal Hawkes (fitted on all the hours before
it), the seasonal naive, and the two choices; MASE (in-sample one-step naive scale, as
`mase`) of each.

How to run
----------
From the repository root::

    python benchmarks/bench_seasonal.py            # ~30 minutes on 2 busy cores
    python benchmarks/bench_seasonal.py --days 3   # 18 minutes (the run in results_choose.md)
    python benchmarks/bench_seasonal.py --quick    # two series, two days
    python benchmarks/bench_seasonal.py --series AAPL CVS --days 3

It prints its tables and writes them into ``benchmarks/results_choose.md``, as the
section between its ``bench_seasonal`` markers (replaced on a rerun).
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


def evaluate(name, trend, days):
    rows = []
    n = trend.n_bins
    for d in range(days, 0, -1):
        tau = n - d * HORIZON
        train, test = trend[:tau], trend.counts[tau : tau + HORIZON]
        t0 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            choice = choose(train, horizon=HORIZON, n_origins=3, level=LEVEL, rng=0)
        sec = time.perf_counter() - t0
        table = choice.table
        eligible = table[table["eligible"]]
        without = str(eligible.drop(index="seasonal_hawkes", errors="ignore").index[0])
        row = {
            "series": name,
            "origin": tau,
            "chosen": choice.model,
            "chosen without": without,
            "seconds": sec,
        }
        for key, model in [
            ("hawkes", "hawkes"),
            ("seasonal_hawkes", "seasonal_hawkes"),
            ("seasonal_naive", "seasonal_naive"),
            ("chosen", choice.model),
            ("chosen without", without),
        ]:
            row[f"mase {key}"] = mase(test, point(choice, model, train), train.counts)
        for model in ("hawkes", "seasonal_hawkes", "seasonal_naive"):
            row[f"selection mase {model}"] = float(table.loc[model, "mase"])
        fit = choice.fits["seasonal_hawkes"]
        row["seasonal ok"] = bool(fit.success)
        row["peak hour (UTC)"] = fit.diagnostics.get("background_peak_phase", np.nan)
        row["peak/trough"] = fit.diagnostics.get("background_peak_to_trough", np.nan)
        rows.append(row)
        print(
            f"  {name} origin {tau}: chose {choice.model} (without: {without}) in {sec:.1f} s; "
            f"MASE hawkes {row['mase hawkes']:.3f}, seasonal {row['mase seasonal_hawkes']:.3f}, "
            f"seasonal naive {row['mase seasonal_naive']:.3f}",
            flush=True,
        )
    return rows


def summarise(detail):
    out = []
    for name, d in detail.groupby("series", sort=False):
        out.append(
            {
                "series": name,
                "days": len(d),
                "mase hawkes": d["mase hawkes"].mean(),
                "mase seasonal hawkes": d["mase seasonal_hawkes"].mean(),
                "mase seasonal naive": d["mase seasonal_naive"].mean(),
                "chosen (times)": ", ".join(f"{m} ({c})" for m, c in Counter(d["chosen"]).items()),
                "mase chosen": d["mase chosen"].mean(),
                "chosen without seasonal hawkes": ", ".join(
                    f"{m} ({c})" for m, c in Counter(d["chosen without"]).items()
                ),
                "mase chosen without": d["mase chosen without"].mean(),
                "peak hour (UTC)": d["peak hour (UTC)"].median(),
            }
        )
    return pd.DataFrame(out)


def write(summary, detail, wall, quick, days):
    lines = [
        BEGIN,
        "## A daily Hawkes background in model choice (`benchmarks/bench_seasonal.py`)",
        "",
        *_report.header(),
        f"- Whole script: {wall:.0f} s wall clock{' (quick run)' if quick else ''}",
        "",
        f"For each NAB series and each of its last {days} days, `spread.fit.choose` saw only "
        "the hours before the day (three rolling origins of 24 hours; its default "
        "candidates, now with `seasonal_hawkes`: the binned Hawkes with a background "
        "``mu exp(sum_h a_h cos(2 pi h t / 24) + b_h sin(2 pi h t / 24))``, two harmonics, "
        "t in hours since midnight UTC) and picked a model. `chosen without` is the choice "
        "with `seasonal_hawkes` struck from the same ranking. MASE of each forecast of the "
        "held-out day (mean over days; scale: the in-sample one-step naive error); the "
        "Hawkes fits are those on all the hours before the day. `peak hour`: median over "
        "days of the hour of day (UTC) at which the fitted background peaks.",
        "",
        _report.md_table(summary, ".3f"),
        "",
        "Per day (`selection mase`: the mean MASE over `choose`'s own three origins, "
        "which ranks the candidates):",
        "",
        _report.md_table(detail, ".3f"),
        "",
        END,
    ]
    text = OUT.read_text() if OUT.exists() else "# `spread.fit.choose` benchmarks\n"
    block = "\n".join(lines)
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        text = head + block + rest.split(END, 1)[1]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    OUT.write_text(text)
    print(f"wrote {OUT}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--days", type=int, default=5)
    ap.add_argument("--series", nargs="*", default=SERIES)
    args = ap.parse_args()
    if not DATA.is_dir():
        raise SystemExit(f"needs the shared data folder {DATA}")
    t0 = time.perf_counter()
    names = ["AAPL", "GOOG"] if args.quick else args.series
    days = 2 if args.quick else args.days
    rows = []
    for name, trend in load_nab(names).items():
        rows += evaluate(name, trend, days)
    detail = pd.DataFrame(rows)
    summary = summarise(detail)
    with pd.option_context("display.width", 200):
        print(summary.to_string(index=False))
    write(summary, detail, time.perf_counter() - t0, args.quick, days)


if __name__ == "__main__":
    main()
