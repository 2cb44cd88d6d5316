"""Seed selection: spread against the authors' C++ IMM and SUBSIM (issue 16, speed and quality).

What it measures
----------------
Cases, k = 50, eps = 0.1: NetHEPT (``spread.datasets.load("nethept")``) under IC with
weighted cascade (``spread.IC(p="wc")``, p_uv = 1 / in-degree of v), and the
Barabási–Albert graph of ``bench_im.py`` (networkx, n = 100,000, m = 5, seed 42,
undirected, so every edge is two arcs) under IC with p = 0.01. A third, held out: SNAP
wiki-Vote (``spread.datasets.load("wiki-vote")``, directed, 7,115 nodes, 103,689 arcs;
node ids renumbered 0 .. n - 1 in label order) under weighted cascade, a graph no
setting or lever was tuned on.

Tools (the C++ ones are built from their public sources outside the repository by
``_cxx_peers.py``, and skipped with the reason when that fails):

- ``C++ IMM``: Tang, Shi, Xiao (SIGMOD 2015), ``imm_discrete -model IC -k 50
  -epsilon 0.1`` (delta = 1/n built in). Single-threaded, fixed random seed.
- ``SUBSIM``: Guo, Wang, Wei, Chen (SIGMOD 2020), ``subsim -func=im -seedsize=50
  -eps=0.1 -vanilla=0 -hist=0`` (delta = 1/n), on the graph formatted with its own
  probability setting: ``-pdist=wc`` (it computes 1 / in-degree; its sampler for equal
  in-probabilities) on NetHEPT, ``-pdist=uniform -pedge=0.01`` (its constant-p
  sampler) on BA. Single-threaded.
- ``SUBSIM, per-arc weights``: the same program with ``-pdist=weights``: our per-arc
  probabilities in the file, its general sorted subset sampler (the case spread
  always handles: spread receives per-arc probabilities).
- ``HIST``: ``-hist=1`` (sentinel set, then IM-Sentinel). The authors' binary crashes
  on graphs with a node without in-arcs (see ``_cxx_peers.HIST_FIX``), so it is also
  run as ``HIST (patched)`` with that one check moved.
- ``spread OPIM-C (default)``: ``spread.maximize(g, 50, model, eps=0.1,
  evaluate=False)``, the default method (OPIM-C since 2026-12-05; IMM before) and
  settings, 2 threads (the default ``n_jobs``).
- ``spread IMM``: the same with ``method="imm"``.
- ``spread OPIM-C, stability=0``: OPIM-C with the overfitting guard off (it stops at
  the first round whose bounds certify the approximation, as SUBSIM does); for
  reference, not a default.

Every graph file is checked against spread's arcs and probabilities after writing it
(``_cxx_peers.write_*_input``: the tools' own inputs read back, SUBSIM's binary file
parsed), so every tool sees the same arcs, the same probabilities (SUBSIM: float32)
and the same node ids; their seeds are spread node indices.

Timing: seven interleaved rounds (each round runs every tool once, in the order of
the table), medians quoted: spread's default draws a different number of sets from
each stream (``rng=1000 + round``), so three runs leave its median at the mercy of one
stream. The order matters on these VMs: memory a process has not touched for a second
or so costs up to about 4 µs a page on its next touch (a 16 MB array summed in 0.8 ms
back to back, 12-20 ms after a second's sleep), so a call made after the process sat
idle takes 2-3x as long. The C++ tools' timers start after they read the graph (their
memory fresh); spread's OPIM-C runs right after spread's IMM on the same graph, as in
every earlier run of this benchmark.
spread's time is the wall clock of the ``maximize`` call (compilation excluded:
everything is warmed up on the karate club first). A C++ tool's "selection time" is
the time it reports itself, which excludes reading the graph (IMM: its step1 + step2
timers; SUBSIM and HIST: ``Time (sec)``); the wall clock around the whole process
(start, read the graph, select, write) is given beside it. Ratios against SUBSIM use
the selection times. RR sets: spread's ``n_samples``; IMM: its final R (phase 2
extends the phase-1 collection); SUBSIM: its R1 + R2; HIST: the IM-Sentinel phase's
R1 + R2 (its sentinel phase's sets are not counted by it). "µs per RR set" is the
selection time over the RR sets: a rough cost per set, greedy and bounds included
(spread's on two threads, so in wall time, not CPU time).

Quality: every run's seeds are scored by the same ``spread.simulate(g, seeds, model,
n_runs=10_000, rng=EVAL_RNG)`` (common random numbers); the table gives the mean over
the runs of a tool (with the standard error of one scoring) and the range.

The load average is recorded at the start and end and around each case: the machine
is shared, and absolute times move with its load.

How to run
----------
From the repository root::

    python benchmarks/bench_im_cxx.py            # about 5 minutes, writes results_im_cxx.md
    python benchmarks/bench_im_cxx.py --quick    # one round, BA with 10,000 nodes; prints only
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _cxx_peers as peers
import bench_im

K = 50
EPS = 0.1
N_EVAL = 10_000
EVAL_RNG = bench_im.EVAL_RNG
ROUNDS = 7
TIMEOUT = 600.0

# (label, kind, options); the order is the order of a round.
TOOLS = (
    ("C++ IMM", "imm", {}),
    ("SUBSIM", "subsim", {"pdist": "native"}),
    ("SUBSIM, per-arc weights", "subsim", {"pdist": "weights"}),
    ("HIST", "subsim", {"pdist": "native", "hist": True}),
    ("HIST (patched)", "subsim-histfix", {"pdist": "native", "hist": True}),
    ("spread IMM", "spread", {"method": "imm"}),
    ("spread OPIM-C (default)", "spread", {"method": "opim-c"}),
    ("spread OPIM-C, stability=0", "spread", {"method": "opim-c", "stability": 0.0}),
)


def load():
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def warm_up():
    import spread

    g = spread.datasets.load("karate")
    for model in (spread.IC(p="wc"), spread.IC(p=0.01)):
        for method in ("imm", "opim-c"):
            spread.maximize(
                g, 3, model, method=method, eps=0.3, rng=0, evaluate=False, progress=False
            )
        spread.simulate(g, [0, 33], model, n_runs=100, rng=0)


def native_pdist(mname):
    return ("wc", None) if mname == "WC" else ("uniform", 0.01)


def prepare_inputs(gname, g, mname, model, built, log):
    """Write and check every C++ tool's input for one case; return their folders."""
    work = peers.ROOT / "work" / f"{gname}_{mname}".replace("=", "")
    out, checks = {}, []
    if isinstance(built.get("imm"), tuple):
        info = peers.write_imm_input(work / "imm", g, model)
        out["imm"] = work / "imm"
        checks.append(f"IMM input: n={info['n']:,}, m={info['m']:,}: {info['check']}")
    if isinstance(built.get("subsim"), tuple):
        binary = built["subsim"][0]
        pdist, pedge = native_pdist(mname)
        for key, (pd, pe) in {"native": (pdist, pedge), "weights": ("weights", None)}.items():
            info = peers.write_subsim_input(work / "subsim", binary, g, model, pd, pe)
            out[f"subsim-{key}"] = (work / "subsim", info["gname"])
            checks.append(
                f"SUBSIM input `-pdist={pd}`"
                + (f" `-pedge={pe}`" if pe is not None else "")
                + f": n={info['n']:,}, m={info['m']:,}: {info['check']}"
            )
    for line in checks:
        log("  " + line)
    return out, checks


def run_tool(label, kind, opts, g, model, inputs, built, rnd):
    if kind == "spread":
        extra = {k: v for k, v in opts.items() if k != "method"}
        return bench_im.run_spread(g, model, opts["method"], EPS, 1000 + rnd, None, **extra)
    if not isinstance(built.get(kind), tuple):
        return {"skipped": f"skipped: `{kind}` unavailable (see above)"}
    binary = built[kind][0]
    try:
        if kind == "imm":
            return peers.run_imm(binary, inputs["imm"], K, EPS, timeout=TIMEOUT)
        folder, gname = inputs[f"subsim-{opts['pdist']}"]
        return peers.run_subsim(
            binary, folder, gname, K, EPS, hist=opts.get("hist", False), timeout=TIMEOUT
        )
    except RuntimeError as exc:
        first = str(exc).splitlines()[0].rstrip(":")
        return {"failed": first}


def run_case(gname, g, mname, model, built, rounds, log):
    inputs, checks = prepare_inputs(gname, g, mname, model, built, log)
    runs = {label: [] for label, _, _ in TOOLS}
    loads = [load()]
    for rnd in range(rounds):
        for label, kind, opts in TOOLS:
            done = runs[label]
            if done and any(k in done[-1] for k in ("skipped", "failed", "capped")):
                continue  # a tool that failed once is not retried
            run = run_tool(label, kind, opts, g, model, inputs, built, rnd)
            done.append(run)
            if "seconds" in run and "seeds" in run:
                own = run.get("tool_seconds")
                extra = f" (own {own:.3f} s)" if own is not None else ""
                log(
                    f"  {label} round {rnd}: {run['seconds']:.3f} s{extra}, "
                    f"{run['n_rr']:,} RR sets"
                )
            else:
                log(f"  {label} round {rnd}: {run}")
        loads.append(load())
    return runs, loads, checks


def score_runs(g, model, runs, n_eval, log):
    import spread

    cache = {}
    for label, done in runs.items():
        for run in done:
            if "seeds" not in run:
                continue
            seeds = np.asarray(run["seeds"], dtype=np.int64)
            assert seeds.size == K and np.unique(seeds).size == K, (label, seeds)
            assert seeds.min() >= 0 and seeds.max() < g.n_nodes, label
            key = frozenset(seeds.tolist())
            if key not in cache:
                res = spread.simulate(g, seeds, model, n_runs=n_eval, rng=EVAL_RNG)
                cache[key] = (float(res.mean), float(res.stderr))
            run["score"] = cache[key]
        scored = [r["score"][0] for r in done if "score" in r]
        if scored:
            log(f"  {label}: spread {min(scored):.1f}-{max(scored):.1f}")


# ---------------------------------------------------------------------------
# Report
# ---------------------------------------------------------------------------


def _median(values):
    return statistics.median(values) if values else float("nan")


def summarize(done):
    ok = [r for r in done if "seeds" in r]
    if not ok:
        return None
    sel = [r.get("tool_seconds", r["seconds"]) for r in ok]
    scores = [r["score"][0] for r in ok if "score" in r]
    return {
        "n": len(ok),
        "selection": _median(sel),
        "wall": _median([r["seconds"] for r in ok]),
        "n_rr": _median([r["n_rr"] for r in ok]),
        "n_rr_range": (min(r["n_rr"] for r in ok), max(r["n_rr"] for r in ok)),
        "score": float(np.mean(scores)) if scores else float("nan"),
        "score_range": (min(scores), max(scores)) if scores else None,
        "se": ok[0]["score"][1] if "score" in ok[0] else float("nan"),
        "distinct": len({frozenset(np.asarray(r["seeds"]).tolist()) for r in ok}),
    }


def fmt_s(seconds):
    return bench_im.fmt_s(seconds)


def case_table(runs):
    sums = {label: summarize(done) for label, done in runs.items()}
    best = max((s["score"] for s in sums.values() if s), default=float("nan"))
    ref = sums.get("SUBSIM")
    lines = [
        "| tool | threads | selection time, median (runs) | wall clock of the process "
        "| RR sets | µs per RR set | seeds' spread ± se [range over runs] | % of best "
        "| time / SUBSIM's |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for label, done in runs.items():
        s = sums[label]
        threads = "2" if label.startswith("spread") else "1"
        if s is None:
            why = done[0] if done else {"skipped": "not run"}
            reason = why.get("failed") or why.get("skipped") or f"capped at {why.get('capped')} s"
            lines.append(f"| {label} | {threads} | {reason} | | | | | | |")
            continue
        cxx = not label.startswith("spread")
        wall = fmt_s(s["wall"]) if cxx else "= selection time"
        lo, hi = s["n_rr_range"]
        n_rr = f"{int(s['n_rr']):,}" + (f" [{lo:,}–{hi:,}]" if hi > 1.2 * lo else "")
        rng = s["score_range"]
        score = f"{s['score']:,.1f} ± {s['se']:.1f}"
        if rng and s["n"] > 1:
            score += f" [{rng[0]:,.1f}–{rng[1]:,.1f}]"
        if s["distinct"] == 1 and s["n"] > 1:
            score += " (same seeds every run)"
        ratio = (
            f"{s['selection'] / ref['selection']:.2f}x" if ref and ref["selection"] > 0 else "—"
        )
        lines.append(
            f"| {label} | {threads} | {fmt_s(s['selection'])} ({s['n']}) | {wall} | {n_rr} "
            f"| {1e6 * s['selection'] / s['n_rr']:.2f} "
            f"| {score} | {100 * s['score'] / best:.1f}% | {ratio} |"
        )
    return "\n".join(lines), sums


def parts_lines(runs):
    """SUBSIM's and IMM's own split of their time (first successful run)."""
    out = []
    for label, done in runs.items():
        ok = [r for r in done if "seeds" in r]
        if not ok:
            continue
        if "parts" in ok[0]:
            parts = "; ".join(
                f"{name}: {', '.join(fmt_s(v) for v in vals)}"
                for name, vals in ok[0]["parts"].items()
            )
            out.append(f"- {label}, its own split (first run): {parts}")
        if "steps" in ok[0]:
            st = ok[0]["steps"]
            out.append(
                f"- {label}, its own split (first run): step1 (estimating OPT) "
                f"{fmt_s(st.get('step1'))}, step2 (final sets and greedy) {fmt_s(st.get('step2'))}"
            )
    return out


def targets(case, sums):
    sub, imm, ours = sums.get("SUBSIM"), sums.get("C++ IMM"), sums.get("spread OPIM-C (default)")
    if not (sub and imm and ours):
        return f"- {case}: not all of SUBSIM, C++ IMM and spread's default ran; no verdict."
    limit = 1.0 if case.startswith("BA") else 1.5  # wiki-Vote (held out): NetHEPT's
    ratio = ours["selection"] / sub["selection"]
    rel = ours["score"] / imm["score"]
    ok_t, ok_q = ratio <= limit, rel >= 0.99
    return (
        f"- {case}: spread's default takes {ratio:.2f}x SUBSIM's selection time "
        f"(target at most {limit:g}x: {'met' if ok_t else 'not met'}); its seeds reach "
        f"{100 * rel:.1f}% of the C++ IMM's (target at least 99%: {'met' if ok_q else 'not met'})."
    )


def markdown(meta, built, cases, wall):
    v = meta["versions"]
    out = [
        "# Influence maximization: spread vs the authors' C++ IMM and SUBSIM",
        "",
        f"Written by `benchmarks/bench_im_cxx.py` on {meta['date']} (total {wall / 60:.1f} min).",
        "",
        f"- Machine: {meta['machine']['cpu']}, {meta['machine']['cores']} cores, "
        f"{meta['machine']['ram']} RAM; g++ {meta['gxx']}.",
        f"- Python {v['Python']}, numpy {v['numpy']}, numba {v['numba']}, spread {v['spread']} "
        f"(git {meta['git']}), networkx {v['networkx']}.",
        f"- Load average (1, 5, 15 min) at start: {meta['load_start']}; at end: "
        f"{meta['load_end']}. The machine is shared (2 cores; other jobs ran during the "
        "run, see the per-case load averages), so absolute times are noisy; the tools "
        "were interleaved round by round, so the ratios are fairer than the absolutes.",
        "",
        "Peers (built outside the repository by `benchmarks/_cxx_peers.py`; nothing of "
        "theirs is committed):",
        "",
    ]
    for name, res in built.items():
        spec = peers.SOURCES["subsim" if name == "subsim-histfix" else name]
        if isinstance(res, tuple):
            out.append(
                f"- `{name}`: {spec.what}; github.com/{spec.repo}"
                f"{'/' + spec.subdir if spec.subdir else ''} at commit `{res[1][:12]}`; "
                f"built with `{res[2]}`."
            )
        else:
            out.append(f"- `{name}`: {res}")
    out += [
        "",
        f"k = {K}, eps = {EPS}; selection time = the tool's own timer for the C++ "
        "programs (graph reading excluded) and the `maximize` call for spread "
        "(`evaluate=False`, compilation excluded); medians over the runs in brackets. "
        f"Every run's seeds scored by the same {meta['n_eval']:,} forward runs "
        "(`spread.simulate`, one fixed `rng`: common random numbers); spread's column "
        "is the mean over the runs, the range is over runs. % of best: against the best "
        "mean in the case. Same arcs and probabilities for every tool, checked on the "
        "files each one reads (below).",
        "",
    ]
    for case, data in cases.items():
        table, sums = case_table(data["runs"])
        data["sums"] = sums
        out += [f"## {case}", "", *[f"- {c}" for c in data["checks"]], ""]
        out += [f"Load average during the case: {' -> '.join(data['loads'])}.", "", table, ""]
        out += parts_lines(data["runs"])
        out.append("")
    out += ["## Targets (issue 16)", ""]
    out += [targets(case, data["sums"]) for case, data in cases.items()]
    out.append("")
    return "\n".join(out)


def gxx_version():
    import subprocess

    try:
        res = subprocess.run(["g++", "-dumpfullversion"], capture_output=True, text=True)
        return res.stdout.strip() or "unknown"
    except OSError:
        return "not found"


def held_out():
    """wiki-Vote with node ids 0 .. n - 1 (its labels, in order), as the peers read it."""
    import spread

    g = spread.datasets.load("wiki-vote")
    tails = np.repeat(np.arange(g.n_nodes, dtype=np.int64), np.diff(g.indptr))
    heads = np.asarray(g.indices, dtype=np.int64)
    out = spread.Graph.from_edges(tails, heads, labels=np.arange(g.n_nodes))
    assert out.n_edges == g.n_edges and np.array_equal(out.indices, g.indices)
    return out


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--quick", action="store_true", help="smoke test; prints only")
    parser.add_argument("--out", default=str(Path(__file__).with_name("results_im_cxx.md")))
    args = parser.parse_args(argv)
    rounds = 1 if args.quick else ROUNDS
    n_eval = 1000 if args.quick else N_EVAL
    start = time.perf_counter()

    def log(msg):
        print(f"[{time.perf_counter() - start:7.1f} s] {msg}", file=sys.stderr, flush=True)

    meta = {
        "date": dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": bench_im.machine(),
        "versions": bench_im.versions(),
        "git": bench_im.git_state(),
        "gxx": gxx_version(),
        "load_start": load(),
        "n_eval": n_eval,
    }
    log(f"building the C++ peers (cached under {peers.ROOT}) ...")
    built = peers.available()
    for name, res in built.items():
        log(f"  {name}: {res if isinstance(res, str) else res[1][:12]}")
    log("warming up spread on the karate club ...")
    warm_up()
    graphs, _ = bench_im.build_graphs(10_000 if args.quick else 100_000)
    ba = next(k for k in graphs if k != "NetHEPT")
    graphs["wiki-Vote"] = held_out()
    models = bench_im.make_models()
    cases = {}
    for gname, mname in (("NetHEPT", "WC"), (ba, "p=0.01"), ("wiki-Vote", "WC")):
        g, model = graphs[gname], models[mname]
        case = f"{gname}, IC {'weighted cascade' if mname == 'WC' else mname}"
        log(case)
        runs, loads, checks = run_case(gname, g, mname, model, built, rounds, log)
        score_runs(g, model, runs, n_eval, log)
        cases[case] = {"runs": runs, "loads": loads, "checks": checks}
    meta["load_end"] = load()
    text = markdown(meta, built, cases, time.perf_counter() - start)
    print(text)
    if not args.quick:
        Path(args.out).write_text(text + "\n")
        log(f"written to {args.out}")


if __name__ == "__main__":
    main()
