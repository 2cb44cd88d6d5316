"""Benchmark `spread.fit.choose` on the NAB tweet volumes: does the chosen model beat
the naive and seasonal-naive forecasts out of sample, and do its bands hold?

What it measures
----------------
For each of the seven NAB ``realTweets`` series (hourly, as in `bench_fit.py`) and each
of the last `--days` days: `choose` sees only the hours before that day (its own three
rolling origins, 24 hours ahead, every curve model and binned Hawkes, the naive and the
seasonal naive with period 24), picks a model and forecasts the day. The day itself is
never seen by the choice. Scores over those held-out days, for the chosen forecast and
for both baselines made at the same origins: MASE (in-sample one-step naive scale, as
`mase`), MAE relative to the seasonal naive's, and the share of held-out hours inside
the 90% band; then `calibration` of the model chosen most often, over the same days.

How to run
----------
From the repository root::

    python benchmarks/bench_choose.py            # ~5-10 minutes on 2 busy cores
    python benchmarks/bench_choose.py --quick    # two series, two days
    python benchmarks/bench_choose.py --origins 7  # choose over a week of origins

It prints its tables and writes them into ``benchmarks/results_fit.md``, as the section
between its ``bench_choose`` markers (one per ``--origins``; replaced on a rerun,
appended the first time).
"""

import argparse
import time
import warnings
from collections import Counter

import _report
import numpy as np
import pandas as pd
from bench_fit import DATA, OUT, load_nab

from spread.fit import calibration, choose, mase, naive_forecast

HORIZON = 24
LEVEL = 0.9


def markers(n_origins):
    """The comment lines around this script's section (one section per `--origins`)."""
    tag = "bench_choose" if n_origins == 3 else f"bench_choose origins={n_origins}"
    return f"<!-- {tag}: begin -->", f"<!-- {tag}: end -->"


def evaluate(name, trend, days, n_origins):
    """Rows per held-out day: the chosen model's and the baselines' scores."""
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
        forecasts = {
            "chosen": choice.forecast,
            "naive": naive_forecast(train, HORIZON, LEVEL),
            "seasonal_naive": naive_forecast(train, HORIZON, LEVEL, period=24),
        }
        row = {"series": name, "origin": tau, "chosen": choice.model, "seconds": sec}
        row["n_failed_fits"] = int(choice.table["n_failed"].sum()) + int(
            (~choice.table["success"]).sum()
        )
        for key, fc in forecasts.items():
            mean = fc["mean"].to_numpy()
            row[f"mase_{key}"] = mase(test, mean, train.counts)
            row[f"mae_{key}"] = float(np.mean(np.abs(test - mean)))
            inside = (test >= fc["lower"].to_numpy()) & (test <= fc["upper"].to_numpy())
            row[f"covered_{key}"] = int(inside.sum())
        rows.append(row)
        print(f"  {name} origin {tau}: chose {choice.model} in {sec:.1f} s")
    return rows


def summarise(detail):
    out = []
    for name, d in detail.groupby("series", sort=False):
        hours = len(d) * HORIZON
        out.append(
            {
                "series": name,
                "days": len(d),
                "chosen (times)": ", ".join(f"{m} ({c})" for m, c in Counter(d["chosen"]).items()),
                "mase chosen": d["mase_chosen"].mean(),
                "mase naive": d["mase_naive"].mean(),
                "mase seasonal naive": d["mase_seasonal_naive"].mean(),
                "MAE / seasonal naive's": d["mae_chosen"].sum() / d["mae_seasonal_naive"].sum(),
                "coverage chosen": d["covered_chosen"].sum() / hours,
                "coverage naive": d["covered_naive"].sum() / hours,
                "coverage seasonal naive": d["covered_seasonal_naive"].sum() / hours,
                "failed fits": int(d["n_failed_fits"].sum()),
            }
        )
    return pd.DataFrame(out)


def calibrate(series, detail, days):
    """`calibration` of the most-chosen model of each series over the held-out days."""
    rows = []
    for name, d in detail.groupby("series", sort=False):
        model = Counter(d["chosen"]).most_common(1)[0][0]
        trend = series[name]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            cal = calibration(
                trend, model, horizon=HORIZON, n_origins=days, period=24, n_paths=500, rng=0
            )
        row = {"series": name, "model": model, "bins": len(cal.pit), "KS p": cal.ks_pvalue}
        for level, r in cal.coverage.iterrows():
            row[f"cov {level:.0%}"] = r["coverage"]
        rows.append(row)
        print(f"  calibration {name}: {model}")
    return pd.DataFrame(rows)


def write(summary, cal, detail, wall, quick, days, n_origins):
    begin, end = markers(n_origins)
    lines = [
        begin,
        f"## Model choice out of sample, {n_origins} selection origins "
        f"(`benchmarks/bench_choose.py --origins {n_origins}`)",
        "",
        *_report.header(),
        f"- Whole script: {wall:.0f} s wall clock{' (quick run)' if quick else ''}",
        "",
        f"For each NAB series and each of its last {days} days, `spread.fit.choose` saw only "
        f"the hours before the day ({n_origins} rolling origins of 24 hours; Bass, logistic, "
        "Gompertz, SI, SIR, binned Hawkes, the naive and the seasonal naive with period 24), "
        "picked a model, and forecast the day with a 90% band. The baselines forecast the "
        "same days from the same origins. `mase`: mean over days (scale: the in-sample "
        "one-step naive error); `MAE / seasonal naive's`: below 1 means the choice beat "
        "repeating yesterday's hours; `coverage`: share of the held-out hours inside the "
        "90% band; `failed fits`: fits with `success=False` inside the choices (at "
        "origins or on all the data; never chosen).",
        "",
        _report.md_table(summary, ".3f"),
        "",
        f"Calibration (`spread.fit.calibration`) of each series' most-chosen model over its "
        f"last {days} days (refitted before each day; 500 predictive draws; PIT "
        "randomized for counts; KS p is a guide, the hours of one day are dependent):",
        "",
        _report.md_table(cal, ".3f"),
        "",
        "Per day:",
        "",
        _report.md_table(detail, ".3f"),
        "",
        end,
    ]
    text = OUT.read_text() if OUT.exists() else ""
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
    ap.add_argument("--days", type=int, default=5)
    ap.add_argument("--origins", type=int, default=3, help="choose's n_origins (3)")
    args = ap.parse_args()
    if not DATA.is_dir():
        raise SystemExit(f"needs the shared data folder {DATA}")
    t0 = time.perf_counter()
    names = ["AAPL", "GOOG"] if args.quick else ["AAPL", "AMZN", "CRM", "CVS", "FB", "GOOG", "IBM"]
    days = 2 if args.quick else args.days
    series = load_nab(names)
    rows = []
    for name, trend in series.items():
        rows += evaluate(name, trend, days, args.origins)
    detail = pd.DataFrame(rows)
    summary = summarise(detail)
    print(summary.to_string(index=False))
    cal = calibrate(series, detail, days)
    print(cal.to_string(index=False))
    write(summary, cal, detail, time.perf_counter() - t0, args.quick, days, args.origins)


if __name__ == "__main__":
    main()
