"""Seed quality per RR set, and OPIM-C's stop (issue 16: speed at equal quality).

What it measures
----------------
Cases (k = 50): NetHEPT under weighted cascade, and a Barabási–Albert graph (networkx,
n = 100,000, m = 5, seed 42, undirected) under IC with p = 0.01: the two cases of
``bench_im_cxx.py``.

1. ``curve``: for 8 random streams, R1 and R2 (independent collections of the same
   size N, doubling from 18,000 on NetHEPT and 90,000 on BA) and the greedy choice S1 on
   R1, at each N: the spread of S1 (its coverage of a reference collection of 6M /
   40M RR sets drawn once, standard error 0.2-0.3%), its in-sample optimism ``cov_R1(S1)
   / cov_R2(S1) - 1``, and the paired cross-check of OPIM-C's guard (R2's own choice
   S2: ``(cov_R1(S1) + cov_R2(S2)) / (cov_R2(S1) + cov_R1(S2)) - 1``).
2. ``opim``: ``spread.maximize(g, 50, model, method="opim-c", eps=0.1, rng=1000 + i,
   evaluate=False)`` for 6 streams: wall time (after a warm-up), RR sets drawn, and the
   seeds' spread on the same reference collection.
3. ``sampling``: the sets OPIM-C draws (``RRSets(..., conditional="auto")``: conditional
   on BA, plain on NetHEPT): nanoseconds per set of the kernel on one thread (one call
   of 25,000 sets, 21 calls, median) and of ``extend`` on two threads (100,000 sets, 7
   times, median), and the ``maximize`` call above on one thread (``n_jobs=1``, the 6
   streams, median seconds).

The script measures the tree on ``PYTHONPATH`` (or this one) and writes JSON; ``--report
RUN...`` tabulates runs (e.g. of several commits, in worktrees) in markdown.

How to run
----------
::

    git worktree add /tmp/rr_before 032c85e
    PYTHONPATH=/tmp/rr_before python benchmarks/bench_rr_quality.py --out before.json
    PYTHONPATH=. python benchmarks/bench_rr_quality.py --out after.json
    python benchmarks/bench_rr_quality.py --report before.json after.json
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
sys.path.insert(0, str(HERE))

K = 50
N_STREAMS = 8
N_OPIM = 6
CASES = {
    "NetHEPT WC": ([18_000 * 2**i for i in range(7)], 6_000_000),
    "BA-100k p=0.01": ([90_000 * 2**i for i in range(7)], 40_000_000),
}


def tree_commit():
    import spread

    where = Path(spread.__file__).resolve().parent
    res = subprocess.run(
        ["git", "-C", str(where), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return res.stdout.strip() or "unknown"


def graphs():
    import bench_im

    built, _ = bench_im.build_graphs(100_000)
    models = bench_im.make_models()
    return {
        "NetHEPT WC": (built["NetHEPT"], models["WC"]),
        "BA-100k p=0.01": (built["BA-100k"], models["p=0.01"]),
    }


def run(parts, log):
    import spread
    from spread.im import RRSets
    from spread.im.rrsets import coverage, greedy

    out = {
        "commit": tree_commit(),
        "load": os.getloadavg()[0],
        "curve": [],
        "opim": [],
        "sampling": [],
    }
    for case, (g, model) in graphs().items():
        sizes, n_ref = CASES[case]
        n = g.n_nodes
        allowed, fixed = np.ones(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_)
        ref = RRSets(g, model, np.uint64(999_999), n_threads=2).extend(n_ref)

        def spread_of(seeds, n=n, ref=ref, n_ref=n_ref, fixed=fixed):
            return coverage(ref, np.asarray(seeds, dtype=np.int64), fixed) * n / n_ref

        if "curve" in parts:
            for stream in range(N_STREAMS):
                r1 = RRSets(g, model, np.uint64(10 + 2 * stream), n_threads=2)
                r2 = RRSets(g, model, np.uint64(11 + 2 * stream), n_threads=2)
                for size in sizes:
                    r1.extend(size)
                    r2.extend(size)
                    s1, _, c11, _ = greedy(r1, K, allowed, fixed)
                    s2, _, c22, _ = greedy(r2, K, allowed, fixed)
                    c21, c12 = coverage(r2, s1, fixed), coverage(r1, s2, fixed)
                    row = {
                        "case": case,
                        "stream": stream,
                        "N": size,
                        "spread": spread_of(s1),
                        "optimism": c11 / c21 - 1,
                        "cross": (c11 + c22) / (c21 + c12) - 1,
                    }
                    out["curve"].append(row)
                    log(f"{case} stream {stream} N {size:,}: {row['spread']:.1f}")
        if "opim" in parts:
            kw = dict(method="opim-c", eps=0.1, evaluate=False, progress=False)
            spread.maximize(g, K, model, rng=1, **kw)  # warm-up
            for i in range(N_OPIM):
                t0 = time.perf_counter()
                sel = spread.maximize(g, K, model, rng=1000 + i, **kw)
                seconds = time.perf_counter() - t0
                ids = np.asarray(sel.seeds)  # labels are the node ids (bench_im.build_graphs)
                row = {
                    "case": case,
                    "rng": 1000 + i,
                    "seconds": seconds,
                    "n_rr": int(sel.n_samples),
                    "spread": spread_of(ids),
                }
                out["opim"].append(row)
                log(f"{case} OPIM-C rng {1000 + i}: {seconds:.3f} s, {sel.n_samples:,} sets")
        if "sampling" in parts:
            out["sampling"].append(sampling_row(case, g, model, log))
        del ref
    return out


def sampling_row(case, g, model, log):
    """Part 3: the sampler's time per set on one and two threads, and OPIM-C on one."""
    import spread
    from spread.im import RRSets

    def sets(n_threads):
        return RRSets(g, model, np.uint64(5), n_threads=n_threads, conditional="auto")

    one = sets(1).extend(1_000)
    batch = 25_000
    kernel = []
    for i in range(21):
        t0 = time.perf_counter()
        one._sample(i * batch, (i + 1) * batch, 4 * batch)
        kernel.append((time.perf_counter() - t0) / batch * 1e9)
    two = []
    for _ in range(7):
        rr = sets(2)
        t0 = time.perf_counter()
        rr.extend(100_000)
        two.append((time.perf_counter() - t0) / 100_000 * 1e9)
    kw = dict(method="opim-c", eps=0.1, evaluate=False, progress=False, n_jobs=1)
    spread.maximize(g, K, model, rng=1, **kw)  # warm-up
    opim = []
    for i in range(N_OPIM):
        t0 = time.perf_counter()
        spread.maximize(g, K, model, rng=1000 + i, **kw)
        opim.append(time.perf_counter() - t0)
    row = {
        "case": case,
        "conditional": bool(one.conditional),
        "kernel_ns": statistics.median(kernel),
        "extend_ns": statistics.median(two),
        "opim_one_thread": statistics.median(opim),
    }
    log(f"{case} sampling: {row}")
    return row


def report(runs):
    """Markdown: the curves of the last two runs that have them, side by side, and the
    OPIM-C rows of every run (in the order given)."""
    lines = ["Runs: " + "; ".join(f"commit {r['commit']} (load {r['load']:.2f})" for r in runs)]
    curved = [r for r in runs if r["curve"]]
    if len(curved) >= 2:
        before, after = curved[-2:]
        lines += [
            "",
            f"Greedy on R1 of N sets, k = 50, {before['commit']} (before) against "
            f"{after['commit']} (after): the seeds' spread (mean and worst of 8 streams, "
            "on the reference sets), the in-sample optimism and the guard's cross-check "
            "(means):",
            "",
            "| case | N | spread before (worst) | spread after (worst) "
            "| optimism before / after | cross-check before / after |",
            "|---|---:|---|---|---|---|",
        ]

        def by_key(rows):
            table = {}
            for r in rows:
                table.setdefault((r["case"], r["N"]), []).append(r)
            return table

        def mean(rows, col):
            return statistics.mean(r[col] for r in rows)

        b, a = by_key(before["curve"]), by_key(after["curve"])
        for key in sorted(set(b) & set(a)):
            sb, sa = [r["spread"] for r in b[key]], [r["spread"] for r in a[key]]
            lines.append(
                f"| {key[0]} | {key[1]:,} | {statistics.mean(sb):.1f} ({min(sb):.1f}) | "
                f"{statistics.mean(sa):.1f} ({min(sa):.1f}) | "
                f"{mean(b[key], 'optimism'):.3f} / {mean(a[key], 'optimism'):.3f} | "
                f"{mean(b[key], 'cross'):.3f} / {mean(a[key], 'cross'):.3f} |"
            )
    lines += [
        "",
        "`maximize(g, 50, model, method='opim-c', eps=0.1)`, 6 streams: seconds (median, "
        "max), RR sets (median, range) and the seeds' spread (mean, worst):",
        "",
        "| case | commit | seconds (max) | RR sets | spread (worst) |",
        "|---|---|---|---|---|",
    ]
    for case in CASES:
        for res in runs:
            rows = [r for r in res["opim"] if r["case"] == case]
            if not rows:
                continue
            secs = [r["seconds"] for r in rows]
            sets = sorted(r["n_rr"] for r in rows)
            spreads = [r["spread"] for r in rows]
            lines.append(
                f"| {case} | {res['commit']} | {statistics.median(secs):.3f} ({max(secs):.3f}) "
                f"| {statistics.median(sets):,.0f} ({sets[0]:,}-{sets[-1]:,}) | "
                f"{statistics.mean(spreads):.1f} ({min(spreads):.1f}) |"
            )
    sampled = [r for r in runs if r.get("sampling")]
    if sampled:
        lines += [
            "",
            "The sets OPIM-C draws: ns per set of the kernel on one thread and of `extend` "
            "on two (medians), and OPIM-C on one thread (median seconds of the 6 streams):",
            "",
            "| case | commit | sets | kernel, 1 thread | extend, 2 threads | OPIM-C, 1 thread |",
            "|---|---|---|---|---|---|",
        ]
        for case in CASES:
            for res in sampled:
                for r in (r for r in res["sampling"] if r["case"] == case):
                    kind = "conditional" if r["conditional"] else "plain"
                    lines.append(
                        f"| {case} | {res['commit']} | {kind} | {r['kernel_ns']:.0f} ns "
                        f"| {r['extend_ns']:.0f} ns | {r['opim_one_thread']:.3f} s |"
                    )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--parts", default="curve,opim", help="curve, opim, sampling")
    parser.add_argument("--out", default="rr_quality.json")
    parser.add_argument("--report", nargs="+", metavar="JSON", help="runs to tabulate")
    args = parser.parse_args(argv)
    if args.report:
        print(report([json.loads(Path(p).read_text()) for p in args.report]))
        return
    start = time.perf_counter()

    def log(msg):
        print(f"[{time.perf_counter() - start:7.1f} s] {msg}", file=sys.stderr, flush=True)

    result = run(set(args.parts.split(",")), log)
    Path(args.out).write_text(json.dumps(result, indent=1))
    log(f"wrote {args.out}")


if __name__ == "__main__":
    main()
