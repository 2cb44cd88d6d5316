"""Benchmark the IC RR-set sampler on per-arc probabilities (issue 16, subset sampling).

What it measures
----------------
Cases: NetHEPT (`spread.datasets.load("nethept")`) and a Barabási–Albert graph
(networkx, n = 100,000, m = 5, seed 42, undirected: two arcs per edge), each under IC
with trivalency probabilities (``spread.weights.trivalency(g, rng=0)``: every in-arc
0.1, 0.01 or 0.001, so almost every node has mixed in-probabilities), and NetHEPT under
weighted cascade (``IC(p="wc")``, one probability per node) as the control.

1. RR-set sampling throughput: ``RRSets(g, model, root).extend(N)`` on one thread (sets
   per second and members per set), median of 3 after a warm-up.
2. End to end: ``spread.maximize(g, 50, model, method="imm", eps=0.1, rng=7,
   evaluate=False, n_jobs=1)``, median of 3 after a warm-up, with the number of RR sets.
3. Seed quality: the seeds of (2) scored by ``spread.simulate(g, seeds, model,
   n_runs=10_000, rng=20240605)`` (mean and standard error).
4. Numba's first-call compile time of the IC sampler, in a subprocess with an empty
   ``NUMBA_CACHE_DIR`` (kept out of every timing above).
5. ``--parts switch``: the lever alone, in this tree: the kernel on prepared arrays with
   subset sampling off and on, alternating (`switch`), ego-Facebook trivalency added.

The same script runs on the old code and on the new (run it with the tree to measure on
``PYTHONPATH``) and writes a JSON file; ``--report BEFORE AFTER`` joins two into a
markdown table. ``--alternate OTHER_TREE`` runs rounds of fresh processes, the other
tree's then this one's, which is what `benchmarks/results_subset.md` quotes (written by
hand from these runs: the machine is shared, and single runs swung by 2-4x).

How to run
----------
From this tree's root, with the old code checked out in another worktree::

    git worktree add /tmp/subset_base 2a243cb
    python benchmarks/bench_subset.py --alternate /tmp/subset_base --parts sampling
    python benchmarks/bench_subset.py --alternate /tmp/subset_base --parts sampling,imm \
        --cases "NetHEPT trivalency,NetHEPT WC" --rounds 2
    PYTHONPATH=. python benchmarks/bench_subset.py --parts switch
    PYTHONPATH=. python benchmarks/bench_subset.py --out after.json   # everything, once
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from _report import header, md_table, timed

K = 50
EPS = 0.1
N_EVAL = 10_000
EVAL_RNG = 20_240_605
BA_SEED = 42
IMM_RNG = 7
N_SETS = {"NetHEPT trivalency": 200_000, "BA-100k trivalency": 100_000, "NetHEPT WC": 200_000}

COMPILE_SNIPPET = """
import time, numpy as np, spread
from spread.im import RRSets
g = spread.Graph.from_edges([0, 1, 2, 0], [1, 2, 0, 2])
m = spread.IC(p=np.array([0.5, 0.2, 0.9, 0.1]))
t0 = time.perf_counter(); RRSets(g, m, np.uint64(1)).extend(10); t1 = time.perf_counter()
RRSets(g, m, np.uint64(2)).extend(10); t2 = time.perf_counter()
print((t1 - t0) - (t2 - t1))
"""


def cases():
    import networkx as nx

    import spread

    hep = spread.datasets.load("nethept")
    edges = np.asarray(nx.barabasi_albert_graph(100_000, 5, seed=BA_SEED).edges())
    ba = spread.Graph.from_edges(edges[:, 0], edges[:, 1], directed=False)
    return {
        "NetHEPT trivalency": (hep, spread.IC(p=spread.weights.trivalency(hep, rng=0))),
        "BA-100k trivalency": (ba, spread.IC(p=spread.weights.trivalency(ba, rng=0))),
        "NetHEPT WC": (hep, spread.IC(p="wc")),
    }


def measure(parts=("compile", "sampling", "imm"), only=None):
    import spread
    from spread.im import RRSets

    out = {"spread": spread.__file__, "header": header(), "cases": {}}
    if "compile" in parts:
        proc = subprocess.run(
            [sys.executable, "-c", COMPILE_SNIPPET],
            capture_output=True,
            text=True,
            env={**os.environ, "NUMBA_CACHE_DIR": tempfile.mkdtemp()},
            check=True,
        )
        out["compile_s"] = float(proc.stdout.split()[-1])
    for name, (g, model) in cases().items():
        if only is not None and name not in only:
            continue
        n_sets = N_SETS[name]

        def sample(g=g, model=model, n_sets=n_sets):
            return RRSets(g, model, np.uint64(12345)).extend(n_sets)

        t_sample, rr = timed(sample)
        row = out["cases"][name] = {
            "n_nodes": g.n_nodes,
            "n_arcs": g.n_edges,
            "sample_s": t_sample,
            "n_sets": n_sets,
            "members_per_set": rr.n_members / n_sets,
        }
        if "imm" not in parts:
            continue

        def run_imm(g=g, model=model):
            return spread.maximize(
                g, K, model, method="imm", eps=EPS, rng=IMM_RNG, evaluate=False, n_jobs=1
            )

        t_imm, sel = timed(run_imm)
        score = spread.simulate(g, sel.seeds, model, n_runs=N_EVAL, rng=EVAL_RNG)
        row.update(
            imm_s=t_imm, imm_sets=int(sel.n_samples), spread=score.mean, spread_se=score.stderr
        )
        print(name, row, flush=True)
    return out


def switch(rounds=5, n_sets=30_000):
    """The lever alone, in this tree: the kernel on one set of prepared arrays with
    subset sampling off (every mixed node a coin per arc) and on (the default rule),
    alternating, `rounds` calls of `n_sets` sets each; ego-Facebook (dense: 44 arcs per
    node on average) with trivalency joins the cases. Returns rows of medians."""
    import spread
    from spread.im import RRSets, _ic_sampler

    all_cases = cases()
    fb = spread.datasets.load("ego-facebook")
    all_cases["ego-Facebook trivalency"] = (fb, spread.IC(p=spread.weights.trivalency(fb, rng=0)))
    default = (_ic_sampler._SUBSET_MIN_DEGREE, _ic_sampler._SUBSET_MAX_MEAN_P)
    rows = []
    for name, (g, model) in all_cases.items():
        deg = np.diff(g.in_indptr)
        prepared = {}
        for label, rule in (("off", (1 << 62, 0.0)), ("on", default)):
            _ic_sampler._SUBSET_MIN_DEGREE, _ic_sampler._SUBSET_MAX_MEAN_P = rule
            rr = RRSets(g, model, np.uint64(3)).extend(100)  # compiles, prepares
            prepared[label] = (rr._kernel, rr._sample_args, int(np.sum(rr._sample_args[5] == -2)))
        _ic_sampler._SUBSET_MIN_DEGREE, _ic_sampler._SUBSET_MAX_MEAN_P = default
        times = {"off": [], "on": []}
        arcs = {}
        for r in range(rounds):
            for label, (kernel, args, _) in prepared.items():
                t0 = time.perf_counter()
                _, members = kernel(*args, np.uint64(100 + r), 0, n_sets, 16 * n_sets)
                times[label].append(time.perf_counter() - t0)
                arcs[label] = int(deg[members].sum())
        off, on = float(np.median(times["off"])), float(np.median(times["on"]))
        rows.append(
            {
                "case": name,
                "subset nodes": prepared["on"][2],
                "arcs examined per set": arcs["off"] / n_sets,
                "ns per set, off": 1e9 * off / n_sets,
                "ns per set, on": 1e9 * on / n_sets,
                "off / on": off / on,
            }
        )
        print(rows[-1], flush=True)
    return rows


def alternate(other, rounds, parts, only):
    """Rounds of fresh processes, the `other` tree's then this one's, each measuring
    `parts` (`measure`); returns the per-round rows of both."""
    here = str(Path(__file__).resolve().parents[1])
    rows = []
    for r in range(rounds):
        for label, tree in (("before", other), ("after", here)):
            with tempfile.NamedTemporaryFile(suffix=".json") as f:
                cmd = [sys.executable, __file__, "--out", f.name, "--parts", ",".join(parts)]
                if only:
                    cmd += ["--cases", ",".join(only)]
                env = {**os.environ, "PYTHONPATH": tree}
                subprocess.run(cmd, env=env, check=True, capture_output=True, cwd=tree)
                got = json.loads(Path(f.name).read_text())
            for name, row in got["cases"].items():
                rows.append({"round": r, "code": label, "case": name, **row})
                print(rows[-1], flush=True)
    return rows


def report(before_path, after_path):
    import pandas as pd

    before = json.loads(Path(before_path).read_text())
    after = json.loads(Path(after_path).read_text())
    rows = []
    for name, b in before["cases"].items():
        a = after["cases"][name]
        rows.append(
            {
                "case": name,
                "sets/s before": b["n_sets"] / b["sample_s"],
                "sets/s after": a["n_sets"] / a["sample_s"],
                "sampling speed-up": b["sample_s"] / a["sample_s"],
                "members/set (b, a)": f"{b['members_per_set']:.3f}, {a['members_per_set']:.3f}",
                "IMM s before": b["imm_s"],
                "IMM s after": a["imm_s"],
                "IMM speed-up": b["imm_s"] / a["imm_s"],
                "IMM sets (b, a)": f"{b['imm_sets']:,}, {a['imm_sets']:,}",
                "spread before": f"{b['spread']:.2f} ± {b['spread_se']:.2f}",
                "spread after": f"{a['spread']:.2f} ± {a['spread_se']:.2f}",
            }
        )
    table = md_table(pd.DataFrame(rows))
    return "\n".join(
        [
            "Before:",
            *before["header"],
            f"- compile of the IC sampler (first call, empty cache): {before['compile_s']:.2f} s",
            "",
            "After:",
            *after["header"],
            f"- compile of the IC sampler (first call, empty cache): {after['compile_s']:.2f} s",
            "",
            table,
        ]
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", help="write the measurements to this JSON file")
    parser.add_argument("--report", nargs=2, metavar=("BEFORE", "AFTER"))
    parser.add_argument("--parts", default="compile,sampling,imm")
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--alternate", metavar="OTHER_TREE", help="alternate with this tree")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    parts = tuple(args.parts.split(","))
    only = None if args.cases is None else tuple(args.cases.split(","))
    if args.report:
        print(report(*args.report))
        return
    if "switch" in parts:
        rows = switch()
        if args.out:
            Path(args.out).write_text(json.dumps(rows, indent=1))
        return
    if args.alternate:
        rows = alternate(args.alternate, args.rounds, parts, only)
        if args.out:
            Path(args.out).write_text(json.dumps(rows, indent=1))
        return
    t0 = time.perf_counter()
    out = measure(parts, only)
    out["wall_s"] = time.perf_counter() - t0
    text = json.dumps(out, indent=1)
    if args.out:
        Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
