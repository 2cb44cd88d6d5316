"""Before and after: this checkout's Monte Carlo and IM against an older one, same machine.

Issue 15 moved every forward simulation into one loop (`spread.models._batch`) and asked
that nothing get slower than 5%. This script times the same calls with two checkouts of
spread, in alternating child processes (A, B, A, B, ...: the machine's drift hits both),
and reports per case the median seconds of each and their ratio:

- ``spread.simulate(g, seeds, model, n_runs=R, rng=1, n_jobs=1)`` on the cases of
  `bench_simulate.py` (Barabási–Albert n = 100,000, m = 5, both directions; NetHEPT;
  ego-Facebook; 50 random seeds; IC p = 0.01 and 0.1, weighted cascade, LT), and on a
  held-out graph neither version was tuned on: a Holme–Kim power-law cluster graph
  (n = 30,000, m = 4, triangle probability 0.3, both directions) with 50 seeds drawn by
  another generator, IC p = 0.1 and weighted cascade. On the held-out cases cynetdiff's
  own C loop runs in the same rounds (`_peers.cynetdiff_ic_bulk`), for the ratio against
  the fastest peer that issue 15 quotes.
- ``spread.maximize(g, 50, IC(p="wc"), method="imm", eps=0.1, evaluate=False)`` and
  ``method="celf"`` (k = 3, 100 runs per estimate) on NetHEPT, and the fresh evaluation
  alone (``n_eval_runs=10_000``, `maximize` with ``method="degree"``).

Each child builds the graphs, warms every case up once (Numba compilation and caches:
not timed; the first call's seconds are reported apart), then times each case
``--calls`` times and reports the median. The runs per call are fixed by a pilot in the
first child so that both versions do the same work. Results identical between the
versions are checked (mean spread and selected seeds), not assumed.

How to run (about 15 minutes with the defaults; the bench extra provides cynetdiff)::

    git worktree add /tmp/before <old commit>
    python benchmarks/bench_redesign.py --before /tmp/before --repeats 5
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
SEED = 20240601  # bench_simulate.py's graph and seed generator
HELD_OUT_SEED = 20261202  # a generator no version was tuned with
N_SEEDS = 50
TARGET_SECONDS = 0.4


def graphs():
    import networkx as nx

    import spread

    out = {}
    ba = nx.barabasi_albert_graph(100_000, 5, seed=SEED)
    e = np.array(ba.edges(), dtype=np.int64)
    out["BA 100k"] = spread.Graph.from_edges(e[:, 0], e[:, 1], directed=False)
    out["NetHEPT"] = spread.datasets.load("nethept")
    out["ego-Facebook"] = spread.datasets.load("ego-facebook")
    hk = nx.powerlaw_cluster_graph(30_000, 4, 0.3, seed=HELD_OUT_SEED)
    e = np.array(hk.edges(), dtype=np.int64)
    out["held-out HK 30k"] = spread.Graph.from_edges(e[:, 0], e[:, 1], directed=False)
    return out


def seeds_of(name, graph):
    seed = HELD_OUT_SEED if name.startswith("held-out") else SEED
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(graph.n_nodes, size=N_SEEDS, replace=False))


def cases(gs):
    """(id, graph name, kind, model)."""
    import spread

    out = []
    for name in gs:
        uniform = (0.01,) if name in ("NetHEPT", "ego-Facebook") else (0.1,)
        if name == "BA 100k":
            uniform = (0.01, 0.1)
        for p in uniform:
            out.append((f"{name} IC p={p}", name, "simulate", spread.IC(p=p)))
        out.append((f"{name} IC wc", name, "simulate", spread.IC(p="wc")))
        if not name.startswith("held-out"):
            out.append((f"{name} LT", name, "simulate", spread.LT()))
    wc = spread.IC(p="wc")
    out.append(("NetHEPT IMM k=50 eps=0.1", "NetHEPT", "imm", wc))
    out.append(("NetHEPT CELF k=3", "NetHEPT", "celf", wc))
    out.append(("NetHEPT evaluation 10k runs", "NetHEPT", "evaluate", wc))
    return out


def call(kind, graph, seeds, model, n_runs):
    """One timed call; returns (seconds, a value that must match between versions)."""
    import spread

    labels = graph.label_of(seeds)
    t = time.perf_counter()
    check = None
    if kind == "simulate":
        res = spread.simulate(graph, labels, model, n_runs=n_runs, rng=1, n_jobs=1, progress=False)
        check = float(res.mean)
    elif kind == "imm":
        res = spread.maximize(
            graph, 50, model, method="imm", eps=0.1, rng=1, n_jobs=1, evaluate=False,
            progress=False,
        )  # fmt: skip
        check = [int(x) for x in res.seeds]
    elif kind == "celf":
        res = spread.maximize(
            graph, 3, model, method="celf", n_runs=100, rng=1, n_jobs=1, evaluate=False,
            progress=False,
        )  # fmt: skip
        check = [int(x) for x in res.seeds]
    else:
        import inspect

        # the older API called it n_eval; its evaluation stream changed on purpose
        name = "n_eval_runs"
        if name not in inspect.signature(spread.maximize).parameters:
            name = "n_eval"
        res = spread.maximize(
            graph, 50, model, method="degree", rng=1, n_jobs=1, progress=False,
            **{name: n_runs},
        )  # fmt: skip
        check = None
    return time.perf_counter() - t, check


def child(tree, runs, n_calls):
    # the peer's child builds the same graphs with this checkout
    sys.path.insert(0, str(HERE.parent) if tree == "cynetdiff" else tree)
    import spread

    gs = graphs()
    out = {"spread": spread.__file__}
    for cid, gname, kind, model in cases(gs):
        g = gs[gname]
        seeds = seeds_of(gname, g)
        if tree == "cynetdiff":
            if not gname.startswith("held-out"):
                continue
            sys.path.insert(0, str(HERE))
            import _peers

            p = 0.1 if "p=0.1" in cid else spread.weights.weighted_cascade(g)
            n = runs.get(cid, 1000)
            _peers.cynetdiff_ic_bulk(g.indptr, g.indices, p, seeds, 64, 0)  # warm-up
            rows = [
                _peers.cynetdiff_ic_bulk(g.indptr, g.indices, p, seeds, n, 1 + i)
                for i in range(n_calls)
            ]
            secs = [r["seconds_per_run"] * n for r in rows]
            out[cid] = {"seconds": statistics.median(secs), "runs": n, "check": rows[0]["mean"]}
            continue
        n = runs.get(cid)
        if n is None:  # pilot: grow until a call holds TARGET_SECONDS
            n = 64
            while kind in ("simulate", "evaluate"):
                s, _ = call(kind, g, seeds, model, n)
                if s >= TARGET_SECONDS / 4 or n >= 1 << 22:
                    n = max(64, int(n * TARGET_SECONDS / max(s, 1e-9)))
                    break
                n *= 4
            if kind == "evaluate":
                n = 10_000
        first, _ = call(kind, g, seeds, model, n)  # warm-up: compilation, caches
        timed = [call(kind, g, seeds, model, n) for _ in range(n_calls)]
        out[cid] = {
            "seconds": statistics.median(s for s, _ in timed),
            "first_call": first,
            "runs": n,
            "check": timed[0][1],
        }
    print("RESULT " + json.dumps(out))


def run_child(tree, runs, n_calls):
    env = dict(os.environ, NUMBA_NUM_THREADS="1", OMP_NUM_THREADS="1")
    cmd = [sys.executable, __file__, "--child", str(tree), json.dumps(runs), str(n_calls)]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    line = [x for x in done.stdout.splitlines() if x.startswith("RESULT ")]
    if done.returncode or not line:
        raise SystemExit(f"child {tree} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")
    return json.loads(line[0][7:])


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--before", help="checkout of the older spread (required)")
    ap.add_argument("--repeats", type=int, default=5, help="rounds of A, B (and the peer)")
    ap.add_argument("--calls", type=int, default=3, help="timed calls per case per child")
    ap.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        tree, runs, n_calls = args.child
        return child(tree, json.loads(runs), int(n_calls))
    if not args.before:
        ap.error("--before is required")
    after = str(HERE.parent)
    trees = {"before": str(Path(args.before).resolve()), "after": after}
    t0 = time.time()
    load0 = os.getloadavg()
    first = run_child(after, {}, args.calls)
    runs = {k: v["runs"] for k, v in first.items() if isinstance(v, dict)}
    rounds = {"before": [], "after": [first], "cynetdiff": []}
    for r in range(args.repeats):
        order = ["before", "after", "cynetdiff"]
        order = order[r % 3 :] + order[: r % 3]
        for who in order:
            if who == "after" and r == 0:
                continue  # the pilot child is after's first round
            tree = trees.get(who, "cynetdiff")
            rounds[who].append(run_child(tree, runs, args.calls))
            print(f"round {r + 1}/{args.repeats}: {who} done", flush=True)
    print(report(rounds, runs, trees, args, t0, load0))


def report(rounds, runs, trees, args, t0, load0):
    import platform

    import numba
    import numpy

    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    lines = [
        f"Machine: {cpu}, {os.cpu_count()} cores; Python {platform.python_version()}, "
        f"numpy {numpy.__version__}, numba {numba.__version__}; one thread; "
        f"load average {load0[0]:.2f} at start, {os.getloadavg()[0]:.2f} at end; "
        f"{args.repeats} rounds x {args.calls} calls; {time.time() - t0:.0f} s.",
        f"before = {trees['before']}, after = {trees['after']}",
        "",
        "| Case | runs/call | before (s) | after (s) | after/before | spread of the ratio "
        "over rounds | same result | first call after (s) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for cid, n in runs.items():
        b = [x[cid]["seconds"] for x in rounds["before"]]
        a = [x[cid]["seconds"] for x in rounds["after"]]
        pairs = [ai / bi for ai, bi in zip(a, b, strict=False)]
        same = all(x[cid]["check"] == rounds["after"][0][cid]["check"] for x in rounds["before"])
        same = "n/a" if rounds["after"][0][cid]["check"] is None else "yes" if same else "NO"
        lines.append(
            f"| {cid} | {n:,} | {statistics.median(b):.4f} | {statistics.median(a):.4f} | "
            f"{statistics.median(a) / statistics.median(b):.3f} | "
            f"{min(pairs):.3f}-{max(pairs):.3f} | {same} | "
            f"{statistics.median(x[cid]['first_call'] for x in rounds['after']):.3f} |"
        )
    if rounds["cynetdiff"]:
        lines += ["", "| Held-out case | spread after, runs/s | cynetdiff bulk, runs/s | ratio "
                  "(median) | ratio per round |", "|---|---|---|---|---|"]  # fmt: skip
        for cid in rounds["cynetdiff"][0]:
            if cid == "spread":
                continue
            n = runs[cid]
            a = [n / x[cid]["seconds"] for x in rounds["after"]]
            c = [n / x[cid]["seconds"] for x in rounds["cynetdiff"]]
            per = [ai / ci for ai, ci in zip(a, c, strict=False)]
            lines.append(
                f"| {cid} | {statistics.median(a):,.0f} | {statistics.median(c):,.0f} | "
                f"{statistics.median(a) / statistics.median(c):.2f}x | "
                f"{', '.join(f'{x:.2f}' for x in per)} |"
            )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
