"""Benchmark the influence oracle (`spread.InfluenceIndex`) on NetHEPT.

What it measures (issue 16's targets for the oracle)
----------------------------------------------------
1. Build: 10^6 RR sets of IC under weighted cascade on NetHEPT (seconds, MiB), one and
   two threads.
2. Latency: `index.estimate(seeds)` for 1, 10 and 50 seeds (the 50 of highest degree,
   and 50 drawn at random), median over 1,000 queries after a warm-up, in microseconds
   (labels resolved, result built: the whole call).
3. Honesty: for 100 random seed sets (sizes 1 to 50, uniform), the index's 95% interval
   against a 10,000-run forward Monte Carlo mean: the share of sets whose Monte Carlo
   mean lies within the index's interval widened by the Monte Carlo's own error
   (``|index - mc| <= 1.96 sqrt(se_index^2 + se_mc^2)``), which should be about 95%;
   and the same without the Monte Carlo term, for reference.

How to run::

    python benchmarks/bench_index.py          # ~2 minutes; writes results_index.md
    python benchmarks/bench_index.py --quick  # 10^5 sets, 20 seed sets; prints only
"""

import argparse
import math
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _report import header, md_table

import spread

HERE = Path(__file__).resolve().parent


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    n_sets, n_sets_checked, mc_runs = (
        (100_000, 20, 2_000) if args.quick else (1_000_000, 100, 10_000)
    )
    g = spread.datasets.load("nethept")
    model = spread.IC(p="wc")
    spread.InfluenceIndex.build(g, model, n_rr_sets=1_000, rng=0)  # compile / load kernels
    builds = []
    for n_jobs in (1, 2):
        t0 = time.perf_counter()
        index = spread.InfluenceIndex.build(g, model, n_rr_sets=n_sets, rng=0, n_jobs=n_jobs)
        builds.append(
            {
                "threads": n_jobs,
                "RR sets": n_sets,
                "build s": time.perf_counter() - t0,
                "MiB": index.nbytes / 2**20,
            }
        )
    rng = np.random.default_rng(1)
    top = spread.maximize(g, 50, spread.IC(p=0.0), method="degree", evaluate=False).seeds
    queries = {
        "1 seed (top degree)": top[:1],
        "10 seeds (top degree)": top[:10],
        "50 seeds (top degree)": top,
        "50 random seeds": g.label_of(rng.choice(g.n_nodes, 50, replace=False)),
    }
    latency = []
    for name, seeds in queries.items():
        index.estimate(seeds)
        times = []
        for _ in range(1_000):
            t0 = time.perf_counter()
            index.estimate(seeds)
            times.append(time.perf_counter() - t0)
        latency.append({"query": name, "median us": 1e6 * statistics.median(times)})
    rows = []
    for i in range(n_sets_checked):
        size = int(rng.integers(1, 51))
        seeds = g.label_of(rng.choice(g.n_nodes, size, replace=False))
        est = index.estimate(seeds)
        mc = spread.simulate(g, seeds, model, n_runs=mc_runs, rng=100 + i, progress=False)
        rows.append(
            {
                "size": size,
                "index": est.mean,
                "index se": est.stderr,
                "mc": mc.mean,
                "mc se": mc.stderr,
                "inside": abs(est.mean - mc.mean) <= 1.96 * math.hypot(est.stderr, mc.stderr),
                "inside, index se only": abs(est.mean - mc.mean) <= 1.96 * est.stderr,
            }
        )
    check = pd.DataFrame(rows)
    summary = pd.DataFrame(
        [
            {
                "seed sets": len(check),
                "within the combined 95% interval": check["inside"].mean(),
                "within the index's own 95% interval": check["inside, index se only"].mean(),
                "median relative difference": float(
                    np.median(np.abs(check["index"] - check["mc"]) / check["mc"])
                ),
            }
        ]
    )
    build_table, latency_table = pd.DataFrame(builds), pd.DataFrame(latency)
    for table in (build_table, latency_table, summary):
        print(table.to_string(index=False))
    if args.quick:
        return
    lines = [
        "# The influence oracle: `InfluenceIndex` on NetHEPT (IC, weighted cascade)",
        "",
        "Written by `benchmarks/bench_index.py` (read its docstring for the protocol).",
        "",
        *header(),
        "",
        "## Build",
        "",
        md_table(build_table, ".3g"),
        "",
        "## Query latency (whole call, median of 1,000)",
        "",
        md_table(latency_table, ".3g"),
        "",
        f"## Intervals against {mc_runs:,}-run Monte Carlo ({n_sets_checked} random seed sets)",
        "",
        md_table(summary, ".3g"),
        "",
    ]
    (HERE / "results_index.md").write_text("\n".join(lines))
    print(f"wrote {HERE / 'results_index.md'}")


if __name__ == "__main__":
    main()
