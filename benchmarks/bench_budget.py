"""Benchmark budgets and audiences in `spread.maximize` against plain k-seed selection.

What it measures
----------------
On the bundled NetHEPT graph under weighted-cascade IC (``spread.IC(p="wc")``), eps =
0.1, both threads:

- plain: ``maximize(g, 50, model, method=m)``;
- budgeted: ``maximize(g, None, model, costs=c, budget=B, method=m)`` with
  ``c = 1 + out-degree / 5`` (a popular account costs more) and B = 60;
- targeted: ``maximize(g, 50, model, target=readers, method=m)``, ``readers`` one node in
  ten (a fixed random draw);

for ``m`` in "imm" and "opim-c". Selection time is ``SeedSelection.elapsed`` (the
evaluation excluded), the median of ``REPEATS`` runs with rng 0, 1, 2, after a warm-up
on the karate club (Numba compiled). Each selection's seeds are scored by maximize's
own evaluation: 10,000 fresh forward runs (for the targeted case, the weight of the
audience reached). Also the gain the sample promised (``gains.sum()``) beside the fresh
score: the overfitting the stability guard is there to remove, and the budgeted case at
``stability=0`` (the textbook stopping rules) to show what the guard buys.

Run: ``python benchmarks/bench_budget.py`` (about 5 minutes on 2 cores); it writes
``benchmarks/results_budget.md``.
"""

import os
import platform
import statistics
import subprocess
import time
from pathlib import Path

import numpy as np

import spread

REPEATS = 3
EPS = 0.1
K = 50
BUDGET = 60.0
OUT = Path(__file__).with_name("results_budget.md")


def machine():
    cpu = "unknown"
    out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
    for line in out.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "Model name":
            cpu = value.strip()
    return f"{cpu}, {os.cpu_count()} cores, load average at start {os.getloadavg()[0]:.2f}"


def versions():
    import numba

    return (
        f"Python {platform.python_version()}, numpy {np.__version__}, numba "
        f"{numba.__version__}, spread {spread.__version__}"
    )


def run(g, model, method, rng, **kwargs):
    sel = spread.maximize(g, kwargs.pop("k", K), model, method=method, eps=EPS, rng=rng, **kwargs)
    return sel


def main():
    karate = spread.datasets.load("karate")
    warm = spread.IC(p=0.1)
    for method in ("imm", "opim-c"):
        run(karate, warm, method, 0, k=5, n_eval_runs=100)
        run(karate, warm, method, 0, k=None, costs=np.ones(34), budget=3.0, n_eval_runs=100)
        run(karate, warm, method, 0, k=5, target=[0, 1, 2], n_eval_runs=100)
    g = spread.datasets.load("nethept")
    model = spread.IC(p="wc")
    costs = 1.0 + g.out_degree / 5.0
    readers = set(g.labels[np.random.default_rng(7).random(g.n_nodes) < 0.1].tolist())
    cases = {
        "plain, k = 50": {},
        f"budget {BUDGET:g}, costs 1 + degree/5": {"k": None, "costs": costs, "budget": BUDGET},
        f"target: {len(readers):,} readers, k = 50": {"target": readers},
    }
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    header = machine()
    rows = []
    for name, kwargs in cases.items():
        for method in ("imm", "opim-c"):
            sels = [run(g, model, method, r, **dict(kwargs)) for r in range(REPEATS)]
            rows.append((name, method, sels))
            print(name, method, [round(s.elapsed, 3) for s in sels], flush=True)
    guard_off = [
        run(g, model, m, 0, stability=0.0, **dict(cases[list(cases)[1]]))
        for m in ("imm", "opim-c")
    ]
    lines = [
        "# Budgets and audiences in `maximize`: time and quality",
        "",
        f"Written by `benchmarks/bench_budget.py` on {started}. Machine: {header} (shared",
        f"with other work). {versions()}. NetHEPT ({g.n_nodes:,} nodes, {g.n_edges:,} arcs),",
        f"IC weighted cascade, eps = {EPS}, both threads; selection time (evaluation",
        f"excluded) is the median of {REPEATS} runs (rng 0-{REPEATS - 1}); spread: 10,000 fresh",
        "forward runs of the first run's seeds (targeted: the audience's weight reached);",
        "promised: the gains the selection's own sample claimed.",
        "",
        "| case | method | selection (median) | RR sets (median) | seeds | cost | spread ± s.e. | "
        "promised | guarantee |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, method, sels in rows:
        first = sels[0]
        cost = f"{first.cost:,.1f}" if np.isfinite(first.cost) else "–"
        lines.append(
            f"| {name} | {method} | {statistics.median(s.elapsed for s in sels):.3g} s | "
            f"{statistics.median(s.n_samples for s in sels):,.0f} | {first.k} | {cost} | "
            f"{first.spread:,.1f} ± {first.spread_stderr:,.1f} | {first.gains.sum():,.1f} | "
            f"{first.guarantee:.3f} |"
        )
    for method, sel in zip(("imm", "opim-c"), guard_off, strict=True):
        lines.append(
            f"| budget {BUDGET:g}, `stability=0` | {method} | {sel.elapsed:.3g} s (1 run) | "
            f"{sel.n_samples:,} | {sel.k} | {sel.cost:,.1f} | {sel.spread:,.1f} ± "
            f"{sel.spread_stderr:,.1f} | {sel.gains.sum():,.1f} | {sel.guarantee:.3f} |"
        )
    OUT.write_text("\n".join(lines) + "\n")
    print(OUT.read_text())


if __name__ == "__main__":
    main()
