"""Benchmark spread's edge-list loader and the memory footprint of its CSR `Graph`.

What it measures
----------------
1. Loader speed. A synthetic SNAP-style edge list (1,000,000 lines, ~100k integer node
   ids drawn from a power-law Chung-Lu model with a fixed seed, a few ``#`` comment
   lines) is written to ``benchmarks/_work/`` as plain text (space separated), gzip and
   tab-separated text. ``spread.read_edgelist(path, directed=True)`` is timed against
   ``networkx.read_edgelist(path, create_using=nx.DiGraph, nodetype=int)`` on the same
   files, interleaved round by round (5 runs of each spread variant, 3 of networkx),
   and medians and speed ratios (by wall clock and by CPU time) are reported; so are
   ``directed=False`` and a breakdown of where spread's time goes. Peak memory of one
   load is measured in a fresh subprocess per tool (see "Memory method" below).
2. Memory per arc. A random directed graph with 1,000,000 nodes, 6,000,000 arcs and
   float64 weights is built three ways (``Graph(indptr, indices, weights)`` from CSR
   arrays, ``Graph.from_edges`` with ``labels=arange(n)``, and ``Graph.from_edges``
   with default labels), each in its own subprocess; ``graph.nbytes / n_edges`` is
   reported with a per-array breakdown, together with construction time (median of
   3) and the peak RSS of construction.

Memory method
-------------
Each memory figure comes from a child process (this script re-run with ``--child``)
that imports what it needs, prepares its inputs, then resets the kernel's high-water
mark (``echo 5 > /proc/self/clear_refs``) and reads ``VmHWM`` from ``/proc/self/status``
after the operation. "Peak" is that high-water mark minus the RSS just before the
operation, so it counts everything the operation touched (numpy buffers, the pandas
parser's C buffers, Python objects) and nothing from imports or input generation;
"retained" is the RSS increase still held once the result exists and garbage has been
collected. tracemalloc was not used: it misses allocations made outside Python's
allocators and slows networkx down several-fold. Linux only (it reads ``/proc``).

How to run
----------
From the repository root::

    /work/venv/bin/python benchmarks/bench_graph.py            # full run, ~1.5 min idle
    /work/venv/bin/python benchmarks/bench_graph.py --quick    # 10x smaller, smoke test

The full run prints its results and writes the markdown section
``benchmarks/results_graph.md``; ``--quick`` only prints. Work files go to
``benchmarks/_work/`` (git-ignored).
"""

import argparse
import ctypes
import datetime as dt
import gc
import gzip
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd

import spread
from spread import Graph, read_edgelist

HERE = Path(__file__).resolve().parent
WORK = HERE / "_work"
RESULTS = HERE / "results_graph.md"

SEED = 20240611
FULL = {"lines": 1_000_000, "nodes": 100_000, "csr_nodes": 1_000_000, "csr_arcs": 6_000_000}
QUICK = {"lines": 100_000, "nodes": 10_000, "csr_nodes": 100_000, "csr_arcs": 600_000}
SPREAD_REPEATS = 5
NX_REPEATS = 3
BUILD_REPEATS = 3
MIB = 2**20


# ---------------------------------------------------------------- memory probes
def _status_kib(field):
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    msg = f"{field} not in /proc/self/status"
    raise RuntimeError(msg)


def _reset_peak():
    """Reset the high-water mark; return False if the kernel does not allow it."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


def _peak_bytes():
    try:
        return _status_kib("VmHWM") * 1024
    except (OSError, RuntimeError):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def _rss_bytes():
    return _status_kib("VmRSS") * 1024


def _malloc_trim():
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


class _Probe:
    """Peak and retained RSS of the code run between `start` and `stop`."""

    def start(self):
        gc.collect()
        _malloc_trim()
        self.reset_ok = _reset_peak()
        self.rss0 = _rss_bytes()
        self.hwm0 = _peak_bytes()

    def stop(self):
        peak = _peak_bytes()
        gc.collect()
        _malloc_trim()  # hand freed heap pages back, so RSS shows live memory only
        return {
            "peak": peak - self.rss0,
            "retained": _rss_bytes() - self.rss0,
            "peak_reset": self.reset_ok,
            "baseline_hwm_excess": self.hwm0 - self.rss0,
        }


# ------------------------------------------------------------------- inputs
def make_edge_files(n_lines, n_nodes, seed):
    """Write the same SNAP-style edge list as text, gzip and tab-separated files."""
    WORK.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    # Chung-Lu: endpoints drawn with probability proportional to a power-law weight
    # (degree exponent ~2.5), so a few hubs and a long tail of small-degree nodes.
    weight = np.arange(1, n_nodes + 1, dtype=np.float64) ** (-1 / 1.5)
    p = weight / weight.sum()
    # SNAP ids are sparse and unordered: map slot i to a random id below 10 * n_nodes.
    ids = rng.choice(10 * n_nodes, size=n_nodes, replace=False)
    extra = n_lines // 20
    src = rng.choice(n_nodes, size=n_lines + extra, p=p)
    dst = rng.choice(n_nodes, size=n_lines + extra, p=p)
    keep = np.flatnonzero(src != dst)[:n_lines]  # no self-loops: both tools then agree
    if keep.size < n_lines:
        msg = "too many self-loops drawn; raise `extra`"
        raise RuntimeError(msg)
    src, dst = ids[src[keep]].tolist(), ids[dst[keep]].tolist()
    n_used = len(set(src) | set(dst))
    header = (
        "# Directed graph (each arc u -> v on one line): synthetic.txt\n"
        f"# Synthetic power-law (Chung-Lu) graph for spread's benchmarks, seed {seed}\n"
        f"# Nodes: {n_used} Edges: {n_lines}\n"
        "# FromNodeId\tToNodeId\n"
    )
    paths = {
        "text": WORK / "synthetic.txt",
        "gzip": WORK / "synthetic.txt.gz",
        "tsv": WORK / "synthetic.tsv",
    }
    space = header + "\n".join(f"{a} {b}" for a, b in zip(src, dst, strict=True)) + "\n"
    tab = header + "\n".join(f"{a}\t{b}" for a, b in zip(src, dst, strict=True)) + "\n"
    paths["text"].write_text(space, encoding="ascii")
    paths["tsv"].write_text(tab, encoding="ascii")
    with open(paths["gzip"], "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as fh:
        fh.write(space.encode("ascii"))
    return paths, n_used


def make_random_arcs(n_nodes, n_arcs, seed):
    """A uniform random directed multigraph: int64 endpoints and float64 weights."""
    rng = np.random.default_rng(seed)
    src = rng.integers(0, n_nodes, size=n_arcs, dtype=np.int64)
    dst = rng.integers(0, n_nodes, size=n_arcs, dtype=np.int64)
    w = rng.random(n_arcs)
    return src, dst, w


def to_csr(src, dst, w, n_nodes):
    """Our own CSR packing (arcs sorted by tail) for the direct `Graph(...)` call."""
    order = np.argsort(src, kind="stable")
    indptr = np.zeros(n_nodes + 1, dtype=np.int64)
    np.cumsum(np.bincount(src, minlength=n_nodes), out=indptr[1:])
    return indptr, dst[order].astype(np.int32), w[order]


# ------------------------------------------------------------------ children
def child_load(spec):
    probe = _Probe()
    path = Path(spec["path"])
    # Warm-up on a tiny file, so that lazy imports and first-call setup are not counted.
    tiny = WORK / "tiny.txt"
    tiny.write_text("# tiny\n1 2\n2 3\n", encoding="ascii")
    if spec["tool"] == "spread":
        read_edgelist(tiny, directed=spec["directed"])
    else:
        nx.read_edgelist(tiny, create_using=nx.DiGraph, nodetype=int)
    probe.start()
    t0 = time.perf_counter()
    if spec["tool"] == "spread":
        g = read_edgelist(path, directed=spec["directed"])
        seconds = time.perf_counter() - t0
        mem = probe.stop()
        size = {"n_nodes": g.n_nodes, "n_edges": g.n_edges, "nbytes": g.nbytes}
    else:
        G = nx.read_edgelist(path, create_using=nx.DiGraph, nodetype=int)
        seconds = time.perf_counter() - t0
        mem = probe.stop()
        size = {"n_nodes": G.number_of_nodes(), "n_edges": G.number_of_edges()}
    return {"seconds": seconds, **mem, **size}


def child_build(spec):
    n, m = spec["n_nodes"], spec["n_arcs"]
    src, dst, w = make_random_arcs(n, m, spec["seed"])
    how = spec["how"]
    if how == "csr":
        indptr, indices, weights = to_csr(src, dst, w, n)
        del src, dst, w

        def build():
            return Graph(indptr, indices, weights)

        inputs = indptr.nbytes + indices.nbytes + weights.nbytes
    elif how == "from_edges":
        labels = np.arange(n)

        def build():
            return Graph.from_edges(src, dst, w, labels=labels)

        inputs = src.nbytes + dst.nbytes + w.nbytes + labels.nbytes
    else:

        def build():
            return Graph.from_edges(src, dst, w)

        inputs = src.nbytes + dst.nbytes + w.nbytes
    Graph.from_edges([0, 1], [1, 2], [0.5, 0.5])  # warm-up: first-call costs not counted
    probe = _Probe()
    probe.start()
    t0, c0 = time.perf_counter(), time.process_time()
    g = build()
    times = [time.perf_counter() - t0]
    cpu = [time.process_time() - c0]
    mem = probe.stop()
    arrays = {
        "indptr": g.indptr,
        "indices": g.indices,
        "in_indptr": g.in_indptr,
        "in_indices": g.in_indices,
        "in_arc": g.in_arc,
        "weights": g.weights,
        "labels": g._labels,  # None when the labels are 0 .. n-1 (not stored)
    }
    breakdown = {
        name: None if a is None else {"dtype": str(a.dtype), "len": a.size, "nbytes": a.nbytes}
        for name, a in arrays.items()
    }
    result = {
        "n_nodes": g.n_nodes,
        "n_edges": g.n_edges,
        "nbytes": g.nbytes,
        "breakdown": breakdown,
        "inputs": inputs,
        "report": str(g.report) if g.report is not None else "",
        **mem,
    }
    del g, arrays
    for _ in range(BUILD_REPEATS - 1):
        wall, cpu_s, g = timed(build)
        times.append(wall)
        cpu.append(cpu_s)
        del g
    result["times"] = times
    result["cpu"] = cpu
    return result


def run_child(spec):
    cmd = [sys.executable, str(Path(__file__).resolve()), "--child", json.dumps(spec)]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if out.returncode:
        sys.stderr.write(out.stderr)
        msg = f"child {spec} failed with exit code {out.returncode}"
        raise RuntimeError(msg)
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------- timing
def timed(fn):
    """Wall-clock and CPU seconds of one call (CPU time is less disturbed by other load)."""
    gc.collect()
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    return time.perf_counter() - t0, time.process_time() - c0, result


def bench_loaders(paths):
    """Interleaved rounds: every spread variant each round, networkx in the first rounds."""
    spread_cases = {
        "text, directed": (paths["text"], True),
        "gzip, directed": (paths["gzip"], True),
        "tsv, directed": (paths["tsv"], True),
        "text, undirected": (paths["text"], False),
    }
    nx_cases = {name: spread_cases[name][0] for name in spread_cases if "undirected" not in name}
    # Warm-up (untimed): first-call costs in pandas and the page cache.
    for path, directed in spread_cases.values():
        read_edgelist(path, directed=directed)
    keys = [("spread", k) for k in spread_cases] + [("networkx", k) for k in nx_cases]
    wall = {k: [] for k in keys}
    cpu = {k: [] for k in keys}
    sizes = {}
    for r in range(max(SPREAD_REPEATS, NX_REPEATS)):
        if r < SPREAD_REPEATS:
            for name, (path, directed) in spread_cases.items():
                w, c, g = timed(lambda p=path, d=directed: read_edgelist(p, directed=d))
                wall["spread", name].append(w)
                cpu["spread", name].append(c)
                sizes["spread", name] = (g.n_nodes, g.n_edges)
                del g
                print(f"  round {r + 1}: spread   {name:<17} {w:7.3f} s ({c:.3f} CPU)", flush=True)
        if r < NX_REPEATS:
            for name, path in nx_cases.items():
                w, c, G = timed(
                    lambda p=path: nx.read_edgelist(p, create_using=nx.DiGraph, nodetype=int)
                )
                wall["networkx", name].append(w)
                cpu["networkx", name].append(c)
                sizes["networkx", name] = (G.number_of_nodes(), G.number_of_edges())
                del G
                print(f"  round {r + 1}: networkx {name:<17} {w:7.3f} s ({c:.3f} CPU)", flush=True)
    return wall, cpu, sizes


def _sniff_delimiter(path, comments, skiprows):
    """The delimiter `read_edgelist` sniffs from the first data line (None: whitespace)."""
    with spread.io._Lines(path) as lines:
        found = spread.io._first_line(lines, skiprows, comments and comments.encode("utf-8"))
    line = b"" if found is None else found[1]
    return "\t" if b"\t" in line else "," if b"," in line else None


def _count_lines(path):
    """Physical lines in a (possibly compressed) file, as `read_edgelist` counts them."""
    with spread.io._Lines(path) as lines:
        for _ in lines:
            pass
    return lines.n_lines


def bench_breakdown(paths):
    """Where spread's loader spends its time: the same steps `read_edgelist` takes."""
    out = {}
    for fmt in ("text", "gzip"):
        path = paths[fmt]
        steps = {}
        steps["sniff delimiter"] = lambda p=path: _sniff_delimiter(p, "#", 0)
        steps["pandas.read_csv"] = lambda p=path: pd.read_csv(
            p,
            sep=r"\s+",
            header=None,
            comment="#",
            skiprows=0,
            skip_blank_lines=True,
            dtype={0: int, 1: int},
            engine="c",
            na_filter=False,
            compression="infer",
        )
        df = steps["pandas.read_csv"]()
        src, dst = df[0].to_numpy(), df[1].to_numpy()
        steps["Graph.from_edges"] = lambda s=src, d=dst: Graph.from_edges(s, d, directed=True)
        steps["count lines (report)"] = lambda p=path: _count_lines(p)
        out[fmt] = {}
        for name, fn in steps.items():
            runs = [timed(fn)[:2] for _ in range(3)]
            out[fmt][name] = (
                statistics.median(r[0] for r in runs),
                statistics.median(r[1] for r in runs),
            )
    return out


# ------------------------------------------------------------------ machine
def machine_info():
    info = {
        "cpu": platform.processor() or platform.machine(),
        "cores": os.cpu_count(),
        "load_start": os.getloadavg()[0],
    }
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in lscpu.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "Model name":
                info["cpu"] = value.strip()
            elif key.strip() == "CPU(s)":
                info["cores"] = int(value.strip())
    except (OSError, subprocess.CalledProcessError):
        pass
    try:
        info["ram"] = _meminfo_kib("MemTotal") * 1024
    except OSError:
        info["ram"] = None
    try:
        head = subprocess.run(
            ["git", "-C", str(HERE), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(HERE), "status", "--porcelain", "--", "../spread"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        info["commit"] = head + (", with uncommitted changes under spread/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        info["commit"] = "unknown"
    return info


def _meminfo_kib(field):
    with open("/proc/meminfo") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise OSError(field)


# ------------------------------------------------------------------ report
def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |"]
    lines.append("|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|")
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _mib(nbytes):
    return f"{nbytes / MIB:,.1f}"


def render(info, sizes_cfg, paths, n_used, loads, breakdown, mem_loads, builds, elapsed):
    out = []
    today = dt.datetime.now().astimezone()
    out.append("## Graph construction and edge-list loading (`benchmarks/bench_graph.py`)")
    out.append("")
    out.append(f"- Date: {today:%Y-%m-%d %H:%M %Z}")
    ram = f"{info['ram'] / 2**30:.1f} GiB" if info["ram"] else "unknown"
    out.append(f"- Machine: {info['cpu']}, {info['cores']} logical CPUs, {ram} RAM")
    out.append(f"- OS: {platform.system()} {platform.release()}")
    out.append(
        f"- Python {platform.python_version()}, numpy {np.__version__}, "
        f"pandas {pd.__version__}, networkx {nx.__version__}, "
        f"spread {spread.__version__} (commit {info['commit']})"
    )
    out.append(
        f"- Whole script: {elapsed:.0f} s wall clock; 1-minute load average "
        f"{info['load_start']:.2f} at start, {os.getloadavg()[0]:.2f} at end "
        f"(other processes share the {info['cores']} CPUs if it is above ~1)"
    )
    out.append("")

    # ---- 1. loader
    lines = sizes_cfg["lines"]
    out.append("### 1. Loading a SNAP-style edge list")
    out.append("")
    file_sizes = ", ".join(f"{k} {_mib(p.stat().st_size)} MiB" for k, p in paths.items())
    out.append(
        f"Input: {lines:,} edge lines plus 4 `#` comment lines; {n_used:,} distinct integer "
        f"node ids (sparse, unordered) from a power-law Chung-Lu model (seed {SEED}), no "
        f"self-loops, some repeated arcs (merged by both tools). Files: {file_sizes}."
    )
    out.append("")
    out.append(
        "Seconds per load, wall clock and CPU (`time.process_time`, which other processes "
        "on the machine disturb less); spread and networkx runs interleaved round by round "
        f"after one untimed spread warm-up per file; {SPREAD_REPEATS} spread runs and "
        f"{NX_REPEATS} networkx runs per row, medians with the wall-clock range. spread: "
        "`spread.read_edgelist(path, directed=...)`; networkx: `nx.read_edgelist(path, "
        "create_using=nx.DiGraph, nodetype=int)`."
    )
    out.append("")
    wall, cpu, sizes = loads
    med = {k: statistics.median(v) for k, v in wall.items()}
    mcpu = {k: statistics.median(v) for k, v in cpu.items()}
    rows = []
    for name in ("text, directed", "gzip, directed", "tsv, directed", "text, undirected"):
        sw = wall["spread", name]
        row = [
            name,
            f"{med['spread', name]:.3f} ({min(sw):.3f} - {max(sw):.3f})",
            f"{mcpu['spread', name]:.3f}",
            f"{lines / med['spread', name] / 1e6:.2f}",
        ]
        if ("networkx", name) in med:
            xw = wall["networkx", name]
            row += [
                f"{med['networkx', name]:.2f} ({min(xw):.2f} - {max(xw):.2f})",
                f"{mcpu['networkx', name]:.2f}",
                f"**{med['networkx', name] / med['spread', name]:.1f}x**",
                f"**{mcpu['networkx', name] / mcpu['spread', name]:.1f}x**",
            ]
        else:
            row += ["-", "-", "-", "-"]
        n_s, m_s = sizes["spread", name]
        row.append(f"{n_s:,} / {m_s:,}")
        rows.append(row)
    out.append(
        _table(
            [
                "file, mode",
                "spread wall s (range)",
                "spread CPU s",
                "M lines/s (wall)",
                "networkx wall s (range)",
                "networkx CPU s",
                "speed-up (wall)",
                "speed-up (CPU)",
                "spread nodes / arcs",
            ],
            rows,
        )
    )
    out.append("")
    agree = all(sizes["networkx", k] == sizes["spread", k] for (t, k) in sizes if t == "networkx")
    nx_n, nx_m = sizes["networkx", "text, directed"]
    key_s, key_x = ("spread", "text, directed"), ("networkx", "text, directed")
    r_wall, r_cpu = med[key_x] / med[key_s], mcpu[key_x] / mcpu[key_s]
    verdict = "met" if min(r_wall, r_cpu) >= 10 else "met on one measure only"
    if max(r_wall, r_cpu) < 10:
        verdict = "**not met**"
    out.append(
        f"Same graph from both tools: {'yes' if agree else '**NO**'} (networkx: {nx_n:,} "
        f"nodes, {nx_m:,} arcs). Target spread >= 10x faster than networkx on the plain "
        f"text file: {r_wall:.1f}x by wall clock, {r_cpu:.1f}x by CPU time: {verdict}."
    )
    out.append("")
    out.append(
        "Where spread's time goes: the steps `read_edgelist` takes, each timed on its own "
        "(median of 3; wall / CPU seconds):"
    )
    out.append("")
    rows = []
    for step in breakdown["text"]:
        cells = [
            f"{breakdown[f][step][0]:.3f} / {breakdown[f][step][1]:.3f}" for f in ("text", "gzip")
        ]
        rows.append([step, *cells])
    sums = [
        f"{sum(v[0] for v in breakdown[f].values()):.3f} / "
        f"{sum(v[1] for v in breakdown[f].values()):.3f}"
        for f in ("text", "gzip")
    ]
    rows.append(["sum of steps", *sums])
    whole = [
        f"{med['spread', k]:.3f} / {mcpu['spread', k]:.3f}"
        for k in ("text, directed", "gzip, directed")
    ]
    rows.append(["`read_edgelist` (table above)", *whole])
    out.append(_table(["step", "text", "gzip"], rows))
    out.append("")
    out.append(
        "Peak memory of one load, each in a fresh subprocess (high-water mark reset before "
        "the call; see the script's docstring). Peak = VmHWM minus RSS just before the call; "
        "retained = RSS increase while the result is alive."
    )
    out.append("")
    rows = []
    for label, r in mem_loads.items():
        rows.append(
            [
                label,
                f"{r['seconds']:.2f}",
                _mib(r["peak"]),
                _mib(r["retained"]),
                _mib(r["nbytes"]) if "nbytes" in r else "-",
            ]
        )
    out.append(
        _table(
            ["load", "s (single run)", "peak MiB", "retained MiB", "graph.nbytes MiB"],
            rows,
        )
    )
    s_mem, x_mem = mem_loads["spread, text, directed"], mem_loads["networkx, text, directed"]
    out.append("")
    out.append(
        f"On the same file networkx peaks at {x_mem['peak'] / s_mem['peak']:.1f}x spread's "
        f"memory and holds {x_mem['retained'] / s_mem['retained']:.0f}x as much once loaded "
        f"({_mib(x_mem['retained'])} vs {_mib(s_mem['retained'])} MiB)."
    )
    out.append("")

    # ---- 2. memory per arc
    n, m = sizes_cfg["csr_nodes"], sizes_cfg["csr_arcs"]
    out.append("### 2. Memory per arc")
    out.append("")
    out.append(
        f"A uniform random directed graph: {n:,} nodes, {m:,} arcs drawn with "
        f"replacement (seed {SEED}), float64 weights. Each construction runs in its own "
        f"subprocess; time is the median of {BUILD_REPEATS} builds, peak is the RSS "
        "high-water mark of the first build above the RSS with the inputs already in memory. "
        "`Graph(indptr, indices, weights)` keeps the caller's int64 `indptr` and int32 "
        "`indices` without copying them (it copies `weights`), so its peak omits those two."
    )
    out.append("")
    names = {
        "csr": "`Graph(indptr, indices, weights)`",
        "from_edges": "`Graph.from_edges(src, dst, w, labels=arange(n))`",
        "from_edges_default": "`Graph.from_edges(src, dst, w)`",
    }
    rows = []
    for how, r in builds.items():
        rows.append(
            [
                names[how],
                f"{r['n_nodes']:,}",
                f"{r['n_edges']:,}",
                f"{r['nbytes'] / r['n_edges']:.2f}",
                "yes" if r["nbytes"] / r["n_edges"] <= 24 else "**no**",
                f"{statistics.median(r['times']):.3f} / {statistics.median(r['cpu']):.3f}",
                _mib(r["inputs"]),
                _mib(r["peak"]),
                f"{r['peak'] / r['n_edges']:.1f}",
            ]
        )
    out.append(
        _table(
            [
                "construction",
                "nodes",
                "arcs",
                "nbytes / arc",
                "<= 24",
                "median wall / CPU s",
                "inputs MiB",
                "peak MiB",
                "peak bytes / arc",
            ],
            rows,
        )
    )
    out.append("")
    out.append("Per-array breakdown (`Graph(indptr, indices, weights)` build):")
    out.append("")
    ref = builds["csr"]
    rows = []
    for name, a in ref["breakdown"].items():
        if a is None:
            rows.append([f"`{name}`", "-", "-", "0.0", "0.00"])
        else:
            rows.append(
                [
                    f"`{name}`",
                    a["dtype"],
                    f"{a['len']:,}",
                    _mib(a["nbytes"]),
                    f"{a['nbytes'] / ref['n_edges']:.2f}",
                ]
            )
    rows.append(
        ["**total**", "", "", _mib(ref["nbytes"]), f"**{ref['nbytes'] / ref['n_edges']:.2f}**"]
    )
    out.append(_table(["array", "dtype", "length", "MiB", "bytes / arc"], rows))
    out.append("")
    default = builds["from_edges_default"]
    lab = default["breakdown"]["labels"]
    missing = n - default["n_nodes"]
    if lab:
        out.append(
            "With default labels, `from_edges` keeps only the endpoints it sees: "
            f"{missing:,} of the {n:,} node ids have no arc, so the labels are no longer "
            f"`0 .. n-1` and are stored ({lab['dtype']}, {_mib(lab['nbytes'])} MiB = "
            f"{lab['nbytes'] / default['n_edges']:.2f} bytes/arc), which brings the total "
            f"to {default['nbytes'] / default['n_edges']:.2f} bytes/arc."
        )
    else:
        out.append(
            f"With default labels, `from_edges` found all {n:,} node ids (none isolated), "
            "so no label array is stored."
        )
    out.append("")
    return "\n".join(out)


# --------------------------------------------------------------------- main
def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10x smaller inputs; print only")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        spec = json.loads(args.child)
        result = child_load(spec) if spec["kind"] == "load" else child_build(spec)
        print(json.dumps(result))
        return

    start = time.perf_counter()
    cfg = QUICK if args.quick else FULL
    info = machine_info()
    print(f"spread {spread.__version__} on {info['cpu']} ({info['cores']} CPUs)")

    print(f"[1/4] writing a {cfg['lines']:,}-line edge list in three forms to {WORK} ...")
    paths, n_used = make_edge_files(cfg["lines"], cfg["nodes"], SEED)

    print("[2/4] timing loaders (interleaved) ...")
    loads = bench_loaders(paths)
    breakdown = bench_breakdown(paths)

    print("[3/4] peak memory of one load per tool (subprocesses) ...")
    mem_loads = {}
    for label, tool, key, directed in (
        ("spread, text, directed", "spread", "text", True),
        ("spread, gzip, directed", "spread", "gzip", True),
        ("spread, text, undirected", "spread", "text", False),
        ("networkx, text, directed", "networkx", "text", True),
    ):
        spec = {"kind": "load", "tool": tool, "path": str(paths[key]), "directed": directed}
        mem_loads[label] = run_child(spec)
        print(f"  {label:<26} peak {_mib(mem_loads[label]['peak']):>8} MiB", flush=True)

    print(f"[4/4] building a {cfg['csr_arcs']:,}-arc graph three ways (subprocesses) ...")
    builds = {}
    for how in ("csr", "from_edges", "from_edges_default"):
        spec = {
            "kind": "build",
            "how": how,
            "n_nodes": cfg["csr_nodes"],
            "n_arcs": cfg["csr_arcs"],
            "seed": SEED,
        }
        builds[how] = run_child(spec)
        r = builds[how]
        print(
            f"  {how:<19} {r['nbytes'] / r['n_edges']:.2f} bytes/arc, "
            f"median {statistics.median(r['times']):.3f} s, peak {_mib(r['peak'])} MiB",
            flush=True,
        )

    elapsed = time.perf_counter() - start
    text = render(info, cfg, paths, n_used, loads, breakdown, mem_loads, builds, elapsed)
    print()
    print(text)
    if args.quick:
        print("\n(--quick: results file not written)")
    else:
        RESULTS.write_text(text + "\n", encoding="utf-8")
        print(f"\nwrote {RESULTS.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
