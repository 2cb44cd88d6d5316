"""Benchmark `spread.simulate` (IC and LT) against the peer libraries, side by side.

What it measures
----------------
1. Seconds per Monte Carlo run of spread and of the peers (cynetdiff, pynetim, EoN,
   ndlib) on the same graphs, seeds and models, all in this one process:

   - Barabási–Albert, n = 100,000, m = 5 (networkx, fixed seed), every edge made into
     two arcs (~1M arcs), 50 seed nodes drawn with a fixed generator: IC p = 0.01,
     IC p = 0.1, IC weighted cascade (p_uv = 1 / in-degree of v), LT with 1 / in-degree
     weights;
   - the bundled NetHEPT and ego-Facebook graphs (`spread.datasets.load`), 50 fixed
     random seeds: IC p = 0.01, IC weighted cascade, LT.

   spread runs ``spread.simulate(g, seeds, model, n_runs=R, rng=..., n_jobs=1)`` and
   ``n_jobs=2``; its seconds per run are the wall time of the whole call over R, with R
   chosen per case (by a pilot call) so that one-thread call holds about
   ``--target`` seconds (0.3 s) of work. The peers run through the drivers in
   ``benchmarks/_peers.py`` (read its docstring: they are configured to simulate the
   same process and their graph/model construction is timed apart, not counted in the
   seconds per run): cynetdiff one run per Python call ("loop") and its own C loop
   ("bulk"), pynetim one run per call ("single"), its Monte Carlo call ("mc") and the
   same on two threads ("mc2t"); each with its own R sized by a pilot call to hold
   about the same work. The fast tools run interleaved: in each of ``--repeats`` rounds
   every tool runs once, the order rotating from round to round, each round with fresh
   random streams; the table reports the median seconds per run over rounds, and the
   mean spread and stderr pooled over rounds. EoN (uniform p only: it has no
   per-arc IC and no LT) and ndlib are pure Python and 100x+ slower: they run once per
   case under a time limit, with as many runs as fit (at least two).

2. Agreement: each tool's pooled mean spread against spread's one-thread mean,
   ``z = (mean_tool - mean_spread) / sqrt(se_tool^2 + se_spread^2)``. All tools model
   the same process, so |z| should look like draws from a standard normal (|z| > 3
   is flagged). spread with one and with two threads uses the same ``rng`` and must
   return identical per-run final sizes: checked, not scored.

3. Ratios asked by issue 3: spread one-thread runs per second over the fastest
   one-thread peer (the best of cynetdiff-loop/bulk and pynetim-single/mc), over
   pynetim and cynetdiff separately for LT, and spread on two threads over one.

4. Start-up, in subprocesses: with ``NUMBA_CACHE_DIR`` pointing to a fresh empty
   folder, the time from process launch to the end of the first small
   `spread.simulate` call (karate club, 100 runs) for IC with uniform p, IC with
   per-arc p (weighted cascade) and LT, each in its own process, and all three in one
   process; then the same again in a second process with that (now warm) cache.

The machine (CPU model, cores, RAM), the versions, the date and the load average at
start and end are recorded: the peers and spread share the machine with whatever
else runs on it, so a loaded machine makes every number noisy (the interleaving
keeps the comparison fair, not the absolute figures).

How to run
----------
From the repository root, with the bench extra installed::

    /work/venv/bin/python benchmarks/bench_simulate.py          # full run, ~10 minutes
    /work/venv/bin/python benchmarks/bench_simulate.py --quick  # smoke test, ~1 minute

The full run prints the results and writes them as markdown to
``benchmarks/results_simulate.md``; ``--quick`` (a 20,000-node BA graph, short calls,
no start-up measurement) only prints.
"""

import argparse
import datetime as dt
import importlib.metadata
import json
import math
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RESULTS = HERE / "results_simulate.md"

SEED = 20240611  # BA graph and seed choice
N_SEEDS = 50
FULL = {
    "ba_nodes": 100_000,
    "target": 0.3,
    "repeats": 3,
    "eon_limit": 3.0,
    "ndlib_limit": 4.0,
    "startup": True,
}
QUICK = {
    "ba_nodes": 20_000,
    "target": 0.05,
    "repeats": 2,
    "eon_limit": 0.5,
    "ndlib_limit": 0.5,
    "startup": False,
}
PILOT_SECONDS = 0.03  # work held by a peer's pilot call
MIN_RUNS = 8

SPREAD_TOOLS = ("spread-1t", "spread-2t")
PEER_TOOLS = {  # tool name -> (peer, variant) in _peers.DRIVERS
    "cynetdiff-loop": ("cynetdiff", "loop"),
    "cynetdiff-bulk": ("cynetdiff", "bulk"),
    "pynetim-single": ("pynetim", "single"),
    "pynetim-mc": ("pynetim", "mc"),
    "pynetim-mc2t": ("pynetim", "mc2t"),
}
ONE_THREAD_PEERS = ("cynetdiff-loop", "cynetdiff-bulk", "pynetim-single", "pynetim-mc")
TARGETS = {"ic-uniform": 2.5, "ic-arc": 1.8}
LT_TARGETS = {"pynetim": 2.0, "cynetdiff": 4.0}  # on the sparse graphs
LT_DENSE_TARGET = 1.0  # vs pynetim on ego-Facebook
THREADS_TARGET = 1.7
THREADS_MIN_WORK = 0.010  # seconds of one-thread work per call for the 2-thread target


# ------------------------------------------------------------------- start-up
CHILD_MODELS = {  # name -> (class, keyword arguments)
    "ic-uniform": ("IC", {"p": 0.1}),
    "ic-arc": ("IC", {"p": "wc"}),
    "lt": ("LT", {}),
}


def child_startup(t0, models):
    """Child process: times (from launch at wall time `t0`) of import and first calls."""
    import spread

    out = {"import": time.time() - t0}
    g = spread.datasets.load("karate")
    out["load karate"] = time.time() - t0
    for name in models:
        cls, kwargs = CHILD_MODELS[name]
        model = getattr(spread, cls)(**kwargs)
        spread.simulate(g, [0], model, n_runs=100, rng=0, progress=False)
        out[name] = time.time() - t0
    print(json.dumps(out))


def _run_child(models, cache_dir):
    env = dict(os.environ, NUMBA_CACHE_DIR=str(cache_dir))
    t0 = time.time()
    proc = subprocess.run(
        [sys.executable, __file__, "--child-startup", ",".join(models), "--t0", repr(t0)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.time() - t0
    if proc.returncode != 0:
        msg = f"start-up child failed:\n{proc.stderr}"
        raise RuntimeError(msg)
    times = json.loads(proc.stdout.strip().splitlines()[-1])
    times["process wall"] = wall
    return times


def measure_startup():
    """Fresh-cache and warm-cache start-up of IC uniform, IC per-arc and LT."""
    rows = []
    plans = [[m] for m in CHILD_MODELS] + [list(CHILD_MODELS)]
    for models in plans:
        with tempfile.TemporaryDirectory(prefix="spread-numba-cache-") as cache:
            cold = _run_child(models, cache)
            n_files = sum(1 for f in Path(cache).rglob("*") if f.is_file())
            warm = _run_child(models, cache)
        rows.append({"models": models, "cold": cold, "warm": warm, "cache_files": n_files})
        print(f"  start-up {'+'.join(models)}: cold {cold}, warm {warm}", flush=True)
    return rows


# --------------------------------------------------------------------- inputs
@dataclass
class Case:
    graph: str
    label: str
    family: str  # "ic-uniform", "ic-arc" or "lt"
    model: object  # the spread model
    peer_p: object  # float or per-arc array for the drivers
    sparse: bool = True
    results: dict = field(default_factory=dict)  # tool -> list of per-round dicts
    slow: dict = field(default_factory=dict)  # tool -> one dict
    runs: dict = field(default_factory=dict)  # tool -> n_runs per call
    same_sizes_1t_2t: bool = True
    load: tuple = ()

    @property
    def peer_model(self):
        return "LT" if self.family == "lt" else "IC"


def build_graphs(ba_nodes):
    import networkx as nx

    import spread

    graphs = {}
    t = time.perf_counter()
    ba = nx.barabasi_albert_graph(ba_nodes, 5, seed=SEED)
    edges = np.array(ba.edges(), dtype=np.int64)
    name = f"BA n={ba_nodes:,} m=5"
    graphs[name] = spread.Graph.from_edges(
        edges[:, 0], edges[:, 1], directed=False, labels=np.arange(ba_nodes)
    )
    print(f"  {name}: built in {time.perf_counter() - t:.1f} s", flush=True)
    graphs["NetHEPT"] = spread.datasets.load("nethept")
    graphs["ego-Facebook"] = spread.datasets.load("ego-facebook")
    return graphs


def pick_seeds(graph):
    """The 50 seed nodes (indices) of a graph: the same for every case on it."""
    rng = np.random.default_rng(SEED)
    return np.sort(rng.choice(graph.n_nodes, size=N_SEEDS, replace=False)).astype(np.int64)


def make_cases(graphs):
    import spread

    cases = []
    for gname, g in graphs.items():
        wc = spread.weights.weighted_cascade(g)
        lt_w = spread.LT().arc_weights(g)
        # BA: 1% and 10%; the real graphs: 1% (10% makes NetHEPT/Facebook near-saturated)
        uniform = (0.01, 0.1) if gname.startswith("BA") else (0.01,)
        for p in uniform:
            cases.append(Case(gname, f"IC p={p}", "ic-uniform", spread.IC(p=p), p))
        cases.append(Case(gname, "IC wc", "ic-arc", spread.IC(p="wc"), wc))
        sparse = gname != "ego-Facebook"
        cases.append(Case(gname, "LT 1/in-deg", "lt", spread.LT(), lt_w, sparse=sparse))
    return cases


# -------------------------------------------------------------------- running
def run_spread(graph, seed_labels, case, n_runs, rng, n_jobs):
    import spread

    t = time.perf_counter()
    res = spread.simulate(
        graph, seed_labels, case.model, n_runs=n_runs, rng=rng, n_jobs=n_jobs, progress=False
    )
    elapsed = time.perf_counter() - t
    return {
        "tool": f"spread-{n_jobs}t",
        "seconds_per_run": elapsed / n_runs,
        "mean": float(res.mean),
        "stderr": float(res.stderr),
        "n_runs": n_runs,
        "sizes": res.final_sizes,
    }


def run_peer(tool, graph, seeds, case, n_runs, rng_seed, **options):
    import _peers

    peer, variant = PEER_TOOLS[tool]
    driver = _peers.DRIVERS[(peer, case.peer_model, variant)]
    return driver(graph.indptr, graph.indices, case.peer_p, seeds, n_runs, rng_seed, **options)


def runs_for(seconds_per_run, target):
    return max(MIN_RUNS, math.ceil(target / max(seconds_per_run, 1e-9)))


def calibrate(case, graph, seeds, seed_labels, target, peers):
    """Pick the runs per call of every fast tool (pilot calls, also warm-ups)."""
    # untimed warm-ups: compilation (if the cache is cold), per-graph model caches
    for n_jobs in (1, 2):
        run_spread(graph, seed_labels, case, 16, 0, n_jobs)
    # spread: grow R fourfold until a call holds 50 ms, then scale it to the target
    n = 16
    while True:
        r = run_spread(graph, seed_labels, case, n, 1, 1)
        if r["seconds_per_run"] * n >= min(0.05, target / 2) or n >= 1 << 24:
            break
        n *= 4
    spr = r["seconds_per_run"]
    runs = dict.fromkeys(SPREAD_TOOLS, runs_for(spr, target))
    pilot = max(MIN_RUNS, math.ceil(PILOT_SECONDS / spr))
    for tool in peers:
        r = run_peer(tool, graph, seeds, case, pilot, 1)
        runs[tool] = runs_for(r["seconds_per_run"], target)
        if r["seconds_per_run"] * pilot < PILOT_SECONDS / 3:
            # much faster than the guess: the pilot was too short to time; once more
            r = run_peer(tool, graph, seeds, case, max(pilot, runs[tool] // 10), 2)
            runs[tool] = runs_for(r["seconds_per_run"], target)
    return runs


def run_case(index, case, graph, cfg, peers, slow_peers):
    seeds = pick_seeds(graph)
    seed_labels = graph.label_of(seeds)
    case.load = (os.getloadavg()[0],)
    t_case = time.perf_counter()
    case.runs = calibrate(case, graph, seeds, seed_labels, cfg["target"], peers)
    tools = [*SPREAD_TOOLS, *peers]
    sizes_1t = {}
    for rnd in range(cfg["repeats"]):
        rng_seed = 1000 * (index + 1) + rnd
        order = tools[rnd % len(tools) :] + tools[: rnd % len(tools)]
        for tool in order:
            n_runs = case.runs[tool]
            if tool.startswith("spread"):
                r = run_spread(graph, seed_labels, case, n_runs, rng_seed, int(tool[-2]))
                if tool == "spread-1t":
                    sizes_1t[rnd] = r["sizes"]
                r["round"] = rnd
            else:
                r = run_peer(tool, graph, seeds, case, n_runs, rng_seed)
            case.results.setdefault(tool, []).append(r)
    for r in case.results["spread-2t"]:
        same = np.array_equal(r.pop("sizes"), sizes_1t[r["round"]])
        case.same_sizes_1t_2t &= same
    for r in case.results["spread-1t"]:
        r.pop("sizes")
    rng_seed = 1000 * (index + 1) + 999
    if "EoN" in slow_peers and case.family == "ic-uniform":
        case.slow["EoN"] = run_slow("EoN", graph, seeds, case, rng_seed, cfg["eon_limit"])
    if "ndlib" in slow_peers:
        case.slow["ndlib"] = run_slow("ndlib", graph, seeds, case, rng_seed, cfg["ndlib_limit"])
    case.load += (os.getloadavg()[0],)
    print(f"  {case.graph} / {case.label}: {time.perf_counter() - t_case:.0f} s", flush=True)
    print(case_table(case), flush=True)


def run_slow(peer, graph, seeds, case, rng_seed, limit):
    import _peers

    driver = _peers.DRIVERS[(peer, case.peer_model, "loop")]
    n_runs = 100_000 if peer == "EoN" else 1000
    args = (graph.indptr, graph.indices, case.peer_p, seeds, n_runs, rng_seed)
    return driver(*args, time_limit=limit)


# ------------------------------------------------------------------ summaries
def pooled(rounds):
    """Mean and stderr of the union of independent rounds (weights = runs)."""
    n = np.array([r["n_runs"] for r in rounds], dtype=np.float64)
    m = np.array([r["mean"] for r in rounds])
    se = np.array([r["stderr"] for r in rounds])
    mean = float(np.dot(n, m) / n.sum())
    stderr = float(math.sqrt(np.dot(n**2, se**2)) / n.sum())
    return mean, stderr, int(n.sum())


def summary(case):
    """Per tool: median s/run, min, max, runs per call, pooled mean, stderr, total runs."""
    rows = {}
    for tool, rounds in case.results.items():
        spr = [r["seconds_per_run"] for r in rounds]
        mean, stderr, total = pooled(rounds)
        rows[tool] = {
            "spr": statistics.median(spr),
            "lo": min(spr),
            "hi": max(spr),
            "runs": case.runs[tool],
            "mean": mean,
            "stderr": stderr,
            "total": total,
            "rounds": len(rounds),
        }
    for tool, r in case.slow.items():
        rows[tool] = {
            "spr": r["seconds_per_run"],
            "lo": r["seconds_per_run"],
            "hi": r["seconds_per_run"],
            "runs": r["n_runs"],
            "mean": r["mean"],
            "stderr": r["stderr"],
            "total": r["n_runs"],
            "rounds": 1,
        }
    ref = rows["spread-1t"]
    for tool, row in rows.items():
        se = math.hypot(row["stderr"], ref["stderr"])
        row["z"] = (row["mean"] - ref["mean"]) / se if se > 0 and tool != "spread-1t" else 0.0
        row["vs"] = row["spr"] / ref["spr"]  # > 1: slower than spread-1t
    return rows


def ratios(case, rows):
    spr1 = rows["spread-1t"]["spr"]
    out = {"spr1": spr1, "work": spr1 * rows["spread-1t"]["runs"]}
    one = {t: rows[t]["spr"] for t in ONE_THREAD_PEERS if t in rows}
    if one:
        best = min(one, key=one.get)
        out["best"] = best
        out["vs_best"] = one[best] / spr1
    for peer in ("pynetim", "cynetdiff"):
        mine = {t: s for t, s in one.items() if t.startswith(peer)}
        if mine:
            out[f"vs_{peer}"] = min(mine.values()) / spr1
    out["threads"] = spr1 / rows["spread-2t"]["spr"]
    if "pynetim-mc2t" in rows:
        out["2t_vs_mc2t"] = rows["pynetim-mc2t"]["spr"] / rows["spread-2t"]["spr"]
    return out


def target_checks(case, rat):
    """List of (what, value, target, met)."""
    checks = []
    if case.family in TARGETS and "vs_best" in rat:
        t = TARGETS[case.family]
        checks.append((f"1t vs best peer ({rat['best']})", rat["vs_best"], t))
    if case.family == "lt":
        if case.sparse:
            for peer, t in LT_TARGETS.items():
                if f"vs_{peer}" in rat:
                    checks.append((f"1t vs {peer}", rat[f"vs_{peer}"], t))
        elif "vs_pynetim" in rat:
            checks.append(("1t vs pynetim (dense)", rat["vs_pynetim"], LT_DENSE_TARGET))
    if rat["work"] >= THREADS_MIN_WORK:
        checks.append(("2t vs 1t", rat["threads"], THREADS_TARGET))
    return [(what, v, t, v >= t) for what, v, t in checks]


# ----------------------------------------------------------------- formatting
def fmt_time(s):
    if s >= 1:
        return f"{s:.2f} s"
    if s >= 1e-3:
        return f"{s * 1e3:.2f} ms"
    return f"{s * 1e6:.2f} µs"


def fmt_mean(mean, se):
    digits = 1 if not np.isfinite(se) or se >= 1 else 2 if se >= 0.1 else 3
    return f"{mean:,.{digits}f} ± {se:,.{digits}f}"


def case_table(case):
    rows = summary(case)
    lines = [
        f"#### {case.graph}: {case.label}",
        "",
        "| tool | s / run (median) | min – max | runs / call | rounds | mean spread ± stderr | z vs spread-1t | time vs spread-1t |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for tool, r in rows.items():
        z = "—" if tool == "spread-1t" else f"{r['z']:+.2f}"
        if tool == "spread-2t":
            z = "identical sizes" if case.same_sizes_1t_2t else "**sizes differ**"
        flag = " ⚠" if abs(r["z"]) > 3 else ""
        lines.append(
            f"| {tool} | {fmt_time(r['spr'])} | {fmt_time(r['lo'])} – {fmt_time(r['hi'])} "
            f"| {r['runs']:,} | {r['rounds']} | {fmt_mean(r['mean'], r['stderr'])} "
            f"| {z}{flag} | {r['vs']:.2f}x |"
        )
    return "\n".join(lines) + "\n"


def ratio_table(cases):
    lines = [
        "| graph | case | spread-1t s/run | best 1-thread peer | spread-1t vs best | vs pynetim | vs cynetdiff | 2t / 1t | spread-2t vs pynetim-mc2t | targets |",
        "|---|---|---:|---|---:|---:|---:|---:|---:|---|",
    ]
    for case in cases:
        rows = summary(case)
        rat = ratios(case, rows)
        checks = target_checks(case, rat)
        verdict = "; ".join(
            f"{what} ≥ {t:g}: {'met' if ok else '**NOT met**'}" for what, _, t, ok in checks
        )

        def x(key, rat=rat):
            return f"{rat[key]:.2f}x" if key in rat else "—"

        lines.append(
            f"| {case.graph} | {case.label} | {fmt_time(rat['spr1'])} | {rat.get('best', '—')} "
            f"| **{x('vs_best')}** | {x('vs_pynetim')} | {x('vs_cynetdiff')} "
            f"| **{x('threads')}** | {x('2t_vs_mc2t')} | {verdict} |"
        )
    return "\n".join(lines) + "\n"


def startup_table(rows):
    lines = [
        "| first call(s) in the process | cache | import spread | load karate | first simulate done | process wall |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        for kind in ("cold", "warm"):
            t = row[kind]
            calls = ", ".join(f"{m} at {t[m]:.2f} s" for m in row["models"])
            label = "fresh, empty" if kind == "cold" else "warm (2nd process)"
            lines.append(
                f"| {' + '.join(row['models'])} | {label} | {t['import']:.2f} s "
                f"| {t['load karate']:.2f} s | {calls} | {t['process wall']:.2f} s |"
            )
    return "\n".join(lines) + "\n"


def odd_notes(cases):
    notes = []
    for case in cases:
        rows = summary(case)
        for tool, r in rows.items():
            if abs(r["z"]) > 3:
                notes.append(
                    f"- {case.graph} / {case.label}: {tool} mean {r['mean']:.3f} vs "
                    f"spread-1t {rows['spread-1t']['mean']:.3f}: z = {r['z']:+.2f}."
                )
        if not case.same_sizes_1t_2t:
            notes.append(
                f"- {case.graph} / {case.label}: spread's per-run sizes differ between 1 and 2 threads."
            )
    n_z = sum(len(summary(c)) - 2 for c in cases)
    all_z = [r["z"] for c in cases for t, r in summary(c).items() if not t.startswith("spread")]
    big = sum(abs(z) > 2 for z in all_z)
    notes.append(
        f"- {n_z} peer z-scores; |z| > 2: {big} (about {0.0455 * n_z:.1f} expected by chance), "
        f"|z| > 3: {sum(abs(z) > 3 for z in all_z)}; largest |z| = "
        f"{max((abs(z) for z in all_z), default=0):.2f}."
    )
    return notes


# -------------------------------------------------------------- environment
def machine():
    info = {"cpu": platform.processor() or "unknown", "cores": os.cpu_count()}
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "Model name":
                info["cpu"] = value.strip()
            if key.strip() == "Thread(s) per core":
                info["threads_per_core"] = value.strip()
    except OSError:
        pass
    try:
        with open("/proc/meminfo") as fh:
            kib = int(fh.readline().split()[1])
        info["ram"] = f"{kib / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        info["ram"] = "unknown"
    return info


def versions():
    import numba

    import spread

    out = {
        "Python": platform.python_version(),
        "numpy": np.__version__,
        "numba": numba.__version__,
        "spread": spread.__version__,
    }
    for dist in ("networkx", "cynetdiff", "pynetim", "ndlib", "EoN"):
        try:
            out[dist] = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            out[dist] = "not installed"
    return out


def git_state():
    def git(*args):
        return subprocess.run(
            ["git", "-C", str(HERE), *args], capture_output=True, text=True, check=False
        ).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--", "../spread")
    return f"commit {commit}" + (", with uncommitted changes under spread/" if dirty else "")


# ----------------------------------------------------------------------- main
def noisy_warning(meta):
    """A warning line when other work was running (load before we started > 0.5)."""
    if meta["load_start"][0] <= 0.5:
        return []
    busy = max(meta["load_start"][0], meta["load_end"][0])
    return [
        f"- **Noisy run**: the machine was busy with other work (1-minute load up to "
        f"{busy:.1f} on {meta['machine']['cores']} CPUs, before this script added its own "
        "1–2): absolute times vary between rounds, and two-thread figures (spread-2t, "
        "pynetim-mc2t) cannot show a speed-up when the second core is taken. Rerun on a "
        "quiet machine for the record."
    ]


def markdown(meta, graphs, cases, startup, wall):
    g_lines = [f"- {name}: {g.n_nodes:,} nodes, {g.n_edges:,} arcs" for name, g in graphs.items()]
    out = [
        "## Simulation speed: IC and LT against the peers (`benchmarks/bench_simulate.py`)",
        "",
        f"- Date: {meta['date']}",
        f"- Machine: {meta['machine']['cpu']}, {meta['machine']['cores']} logical CPUs "
        f"({meta['machine'].get('threads_per_core', '?')} thread(s) per core), "
        f"{meta['machine']['ram']} RAM; {platform.system()} {platform.release()}",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()),
        f"- spread: {meta['git']}; Numba threads available: {meta['numba_threads']}",
        f"- Load average (1 min) at start {meta['load_start'][0]:.2f}, at end "
        f"{meta['load_end'][0]:.2f} (5 min: {meta['load_start'][1]:.2f} → "
        f"{meta['load_end'][1]:.2f}); per case in the case headings below",
        *noisy_warning(meta),
        f"- Whole script: {wall:.0f} s wall clock; {meta['repeats']} interleaved rounds per "
        f"case, about {meta['target']} s of one-thread work per spread call",
        "",
        "Graphs (every edge of the undirected inputs is two arcs; 50 seed nodes drawn "
        f"with `numpy.random.default_rng({SEED})`, the same for every case on a graph):",
        "",
        *g_lines,
        "",
        "Seconds per run: wall time of a call over its runs (spread: the whole "
        "`spread.simulate` call; peers: their simulation calls, graph/model "
        "construction excluded), median over the rounds. Mean spread ± stderr pooled "
        "over the rounds; z against spread-1t. EoN and ndlib: one call with a time "
        "limit. `pynetim-mc2t` and `spread-2t` use two threads; every other row one.",
        "",
        "### Ratios against the targets of issue 3",
        "",
        "Runs per second of spread on one thread over the fastest one-thread peer "
        "(cynetdiff-loop/bulk, pynetim-single/mc), over pynetim and cynetdiff "
        "separately, and spread on two threads over one thread.",
        "",
        ratio_table(cases),
    ]
    if startup:
        out += [
            "### Start-up: Numba compilation and the on-disk cache",
            "",
            "Each row is a fresh subprocess; times are from its launch (interpreter "
            "start included). `fresh, empty`: `NUMBA_CACHE_DIR` set to a new empty "
            "folder, so every kernel compiles; `warm`: a second process on the same "
            "folder. First call: `spread.simulate(karate, [0], model, n_runs=100)`, "
            "models `IC(p=0.1)` (ic-uniform), `IC(p='wc')` (ic-arc), `LT()` (lt). IC "
            "uniform and per-arc call the same kernel function, but Numba compiles it "
            "twice: the per-arc probabilities arrive as a read-only array, a different "
            "Numba type from the writable empty array passed for uniform p. 'load "
            "karate' includes compiling (or loading from the cache) the Numba code "
            "that builds a `Graph`.",
            "",
            startup_table(startup),
        ]
    out += ["### Per case", ""]
    for case in cases:
        out.append(case_table(case))
        out.append(f"Load average during the case: {case.load[0]:.2f} → {case.load[-1]:.2f}.\n")
    out += ["### Agreement", "", *odd_notes(cases), ""]
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke test, prints only")
    parser.add_argument("--repeats", type=int, help="interleaved rounds per case")
    parser.add_argument("--target", type=float, help="seconds of work per one-thread call")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up subprocesses")
    parser.add_argument("--no-slow", action="store_true", help="skip EoN and ndlib")
    parser.add_argument("--only", help="run only cases whose 'graph / label' contains this")
    parser.add_argument("--out", type=Path, help=f"markdown output (default {RESULTS.name})")
    parser.add_argument("--child-startup", help=argparse.SUPPRESS)
    parser.add_argument("--t0", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child_startup:
        child_startup(args.t0, args.child_startup.split(","))
        return

    cfg = dict(QUICK if args.quick else FULL)
    if args.repeats:
        cfg["repeats"] = args.repeats
    if args.target:
        cfg["target"] = args.target
    if args.no_startup:
        cfg["startup"] = False

    import _peers
    import numba

    import spread

    wall0 = time.perf_counter()
    meta = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine(),
        "versions": versions(),
        "git": git_state(),
        "numba_threads": numba.config.NUMBA_NUM_THREADS,
        "load_start": os.getloadavg(),
        "repeats": cfg["repeats"],
        "target": cfg["target"],
    }
    print(f"spread {spread.__version__}; {meta['machine']}; load {meta['load_start']}")
    found = _peers.available()
    print(f"peers: {found}", flush=True)
    peers = [t for t, (peer, _) in PEER_TOOLS.items() if peer in found]
    slow_peers = [] if args.no_slow else [p for p in ("EoN", "ndlib") if p in found]

    startup = None
    if cfg["startup"]:
        print("start-up (subprocesses):", flush=True)
        startup = measure_startup()

    print("graphs:", flush=True)
    graphs = build_graphs(cfg["ba_nodes"])
    cases = make_cases(graphs)
    if args.only:
        cases = [c for c in cases if args.only in f"{c.graph} / {c.label}"]
    for index, case in enumerate(cases):
        run_case(index, case, graphs[case.graph], cfg, peers, slow_peers)
    meta["load_end"] = os.getloadavg()

    text = markdown(meta, graphs, cases, startup, time.perf_counter() - wall0)
    print(text)
    if not args.quick:
        out = args.out or RESULTS
        out.write_text(text, encoding="utf-8")
        print(f"written to {out}")


if __name__ == "__main__":
    main()
