"""IMM at eps = 0.5 on NetHEPT: the textbook stopping rule against spread's default guard.

`spread.maximize(..., method="imm")` keeps sampling while the greedy choice still overfits
its RR sets (``stability=0.01``, the default); ``stability=0`` is IMM exactly as published
(with fresh final RR sets). This script times both against pynetim's IMM, interleaved, and
scores every seed set with the same 10,000-run forward simulation. It reuses the helpers of
`bench_im.py`. Run by hand::

    python benchmarks/bench_im_textbook.py      # writes results_im_textbook.md
"""

import os
import statistics
import time
from pathlib import Path

import bench_im as B
import numpy as np

import spread

OUT = Path(__file__).with_name("results_im_textbook.md")
REPEATS = 5


def main():
    g = spread.datasets.load("nethept")
    B.warm_up()
    load = os.getloadavg()
    lines = [
        "## IMM at eps = 0.5: textbook stopping rule vs the overfitting guard (NetHEPT, k = 50)",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; load average at start "
        f"{load[0]:.2f}. Median of {REPEATS} interleaved runs (1 thread); seeds of the first run "
        "scored by `spread.simulate(..., n_runs=10_000, rng=20240605)`.",
        "",
        "| model | method | time (s) | RR sets | spread ± se | vs pynetim time | vs pynetim spread |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for mname, model in (("IC WC", spread.IC(p="wc")), ("IC p=0.01", spread.IC(p=0.01))):
        pg, _ = B.pynetim_graph(g, model)
        runs = {"pynetim IMM": [], "spread IMM, stability=0": [], "spread IMM (default)": []}
        first = {}
        for r in range(REPEATS):
            out = B.run_pynetim(pg, "pynetim-imm", 0.5, 1000 + r)
            runs["pynetim IMM"].append(out)
            for label, stab in (("spread IMM, stability=0", 0.0), ("spread IMM (default)", 0.01)):
                runs[label].append(B.run_spread(g, model, "imm", 0.5, r, 1, stability=stab))
        for label, outs in runs.items():
            first[label] = spread.simulate(
                g, g.label_of(outs[0]["seeds"]), model, n_runs=10_000, rng=20240605
            )
        ref_t = statistics.median(o["seconds"] for o in runs["pynetim IMM"])
        ref_s = first["pynetim IMM"].mean
        for label, outs in runs.items():
            t = statistics.median(o["seconds"] for o in outs)
            n_rr = int(np.median([o["n_rr"] for o in outs]))
            res = first[label]
            lines.append(
                f"| {mname} | {label} | {t:.3f} | {n_rr:,} | {res.mean:,.2f} ± {res.stderr:.2f} | "
                f"{ref_t / t:.2f}x | {res.mean / ref_s:.1%} |"
            )
    text = "\n".join(lines) + "\n"
    OUT.write_text(text)
    print(text)


if __name__ == "__main__":
    main()
