"""Build and run two C++ influence-maximization programs as external benchmark peers.

This is a benchmark helper, not part of the package. It builds the peers from their
public sources *outside* the repository (nothing of theirs is committed here) and
runs each one as a child process on a graph written from a ``spread.Graph`` and a
model's per-arc probabilities:

``subsim``
    SUBSIM and HIST, Guo, Wang, Wei and Chen, "Influence Maximization Revisited:
    Efficient Reverse Reachable Set Generation with Bound Tightened", SIGMOD 2020.
    Source: github.com/qtguo/subsim (the authors' code). Built with its Makefile
    (``g++ -std=c++14 -O3 subsim.cpp``). Single-threaded.
``imm``
    IMM, Tang, Shi and Xiao, "Influence Maximization in Near-Linear Time: A
    Martingale Approach", SIGMOD 2015. The authors' release (``imm_discrete``, GPL-3)
    is not on GitHub under their names; the copy used is the ``IMM/`` folder of
    github.com/constrainedIM/ConstrainedIM, which is the authors' release plus one
    addition: an optional third step that runs only when the dataset folder holds a
    ``protected_group.txt`` (we never write one, so the IMM path is the authors').
    Built with its Makefile's flags (``g++ -DDISCRETE src/imm.cpp -Wall -std=c++0x -O3
    src/sfmt/SFMT.c``) plus ``-DTIMES_PER_SEC=<this machine's TSC rate>``: its timer
    counts ``rdtsc`` ticks and divides by a constant (2.39 GHz in the source), so the
    rate is measured here first by a ten-line C program. Single-threaded; its random
    generator has a fixed seed (95082), so repeated runs return the same seeds.

Where the sources come from
---------------------------
In order: an unpacked copy already under ``ROOT/src/<peer>`` (with the commit it came
from in ``.commit``); a bare git mirror ``$SPREAD_PEERS_MIRRORS/<owner>+<name>/repo``
(default ``/work/.mirror``: how this project's development machine stores fetched
repositories); ``git clone --depth 1 https://github.com/<owner>/<name>``. ``ROOT`` is
``$SPREAD_PEERS_DIR``, default ``~/.cache/spread-peers``. If none works, or the build
fails, the peer is reported unavailable with the reason (:func:`available`), and the
benchmark skips it.

Inputs (same arcs and probabilities, checked)
---------------------------------------------
Node ids are spread's node indices (0-based) in both tools; arcs are written in the
forward direction (tail, head), the tools reverse them themselves.

* IMM: ``attribute.txt`` (``n=`` and ``m=``) and ``graph_ic.inf``, one ``tail head p``
  line per arc with ``p`` in Python's shortest round-trip form (it reads doubles, so
  the probabilities are exact). The files are parsed back and compared with spread's arcs and probabilities
  exactly.
* SUBSIM: a text file ``n m`` then ``tail head [p]`` lines, converted by
  ``subsim -func=format`` into its binary reverse graph (``.vec.rvs.graph``, float32
  probabilities). ``pdist="wc"`` lets SUBSIM compute p = 1 / in-degree itself (its
  fast path for equal in-probabilities), ``pdist="uniform"`` with ``pedge`` gives every
  arc the same p (its constant-p fast path), ``pdist="weights"`` passes our per-arc
  probabilities (its general, sorted subset-sampling path). In every case the binary
  file is parsed back and its arcs and probabilities must equal spread's, the
  probabilities to float32 rounding (SUBSIM stores floats).

Running
-------
:func:`run_imm` and :func:`run_subsim` start the binary, measure the wall clock
around the process (``time.perf_counter``), kill it after ``timeout`` seconds, and
parse its output: the seeds, its own reported time (IMM: the sum of its ``step1`` and ``step2`` timers, which exclude reading the
graph; SUBSIM: its ``Time (sec)``, from after loading the graph to the end of the
selection, split into RR-set generation and greedy), and the number of RR sets
(IMM: the largest ``R`` it prints, since its phase-2 collection extends the phase-1
one; SUBSIM: its ``#RR sets``, both collections R1 and R2). Defaults stated:
IMM ``-model IC`` with delta = 1/n built in (its ``l = 1``); SUBSIM ``-func=im`` with
its default delta = 1/n, subset sampling on (``-vanilla=0``), and ``-hist=0`` or
``-hist=1`` (HIST: sentinel set, then IM-Sentinel).
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(os.environ.get("SPREAD_PEERS_DIR", Path.home() / ".cache" / "spread-peers"))
MIRRORS = Path(os.environ.get("SPREAD_PEERS_MIRRORS", "/work/.mirror"))


@dataclass(frozen=True)
class PeerSource:
    repo: str  # owner/name on GitHub
    subdir: str  # folder of the repository that holds the program ("" for the root)
    what: str


SOURCES = {
    "subsim": PeerSource("qtguo/subsim", "", "SUBSIM / HIST (Guo et al., SIGMOD 2020)"),
    "imm": PeerSource(
        "constrainedIM/ConstrainedIM",
        "IMM",
        "IMM (Tang, Shi, Xiao, SIGMOD 2015), the authors' imm_discrete",
    ),
}


# SUBSIM's HIST sampler (BuildOneRRsetEarlyStopBySubsim in hyperGraph.h) reads the
# first in-arc of a node before checking that the node has one, so HIST dies with
# SIGSEGV on any graph with a node without in-arcs (NetHEPT has four isolated nodes).
# "subsim-histfix" is the same source with the check moved before the read; nothing
# else changes. The unpatched binary is run too, and its crash reported.
HIST_FIX = (
    """            const double p =  _graph[expand][0].second;

            if (0 == _graph[expand].size())
            {
                continue;
            }
""",
    """            if (0 == _graph[expand].size())
            {
                continue;
            }

            const double p =  _graph[expand][0].second;
""",
)


class PeerUnavailable(RuntimeError):
    """A peer's sources could not be obtained or built."""


# ---------------------------------------------------------------------------
# Sources and builds
# ---------------------------------------------------------------------------


def _run(cmd, cwd=None, timeout=600):
    env = dict(os.environ, GIT_TERMINAL_PROMPT="0")  # a clone must fail, not ask
    res = subprocess.run(
        cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout, check=False, env=env
    )
    if res.returncode != 0:
        tail = (res.stdout + res.stderr).strip().splitlines()[-15:]
        raise PeerUnavailable(f"{' '.join(map(str, cmd))} failed:\n" + "\n".join(tail))
    return res.stdout


def source(name):
    """Unpack a peer's sources under ``ROOT/src/<name>``; return (folder, commit)."""
    spec = SOURCES[name]
    dest = ROOT / "src" / name
    stamp = dest / ".commit"
    if stamp.is_file():
        return dest / spec.subdir if spec.subdir else dest, stamp.read_text().strip()
    owner, repo = spec.repo.split("/")
    bare = MIRRORS / f"{owner}+{repo}" / "repo"
    tmp = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=_ensure(ROOT / "src")))
    try:
        if bare.is_dir():
            commit = _run(["git", "--git-dir", str(bare), "rev-parse", "HEAD"]).strip()
            paths = [spec.subdir] if spec.subdir else []
            archive = subprocess.run(
                ["git", "--git-dir", str(bare), "archive", "HEAD", *paths],
                capture_output=True,
                check=False,
            )
            if archive.returncode != 0:
                raise PeerUnavailable(f"git archive of {bare} failed: {archive.stderr!r}")
            subprocess.run(["tar", "-x", "-C", str(tmp)], input=archive.stdout, check=True)
        else:
            clone = tmp / "clone"
            url = f"https://github.com/{spec.repo}"
            _run(["git", "clone", "--depth", "1", url, clone], timeout=300)
            commit = _run(["git", "-C", str(clone), "rev-parse", "HEAD"]).strip()
            shutil.rmtree(clone / ".git", ignore_errors=True)
            for item in clone.iterdir():
                item.rename(tmp / item.name)
            clone.rmdir()
        (tmp / ".commit").write_text(commit + "\n")
        if dest.exists():
            shutil.rmtree(dest)
        tmp.rename(dest)
    except (OSError, subprocess.SubprocessError, PeerUnavailable) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise PeerUnavailable(f"no sources for {name} ({spec.repo}): {exc}") from exc
    return dest / spec.subdir if spec.subdir else dest, commit


def _ensure(path):
    path.mkdir(parents=True, exist_ok=True)
    return path


_TSC_C = r"""
#include <stdio.h>
#include <time.h>
#include <x86intrin.h>
int main(void) {
    struct timespec a, b, pause = {0, 300000000};
    clock_gettime(CLOCK_MONOTONIC, &a);
    unsigned long long t0 = __rdtsc();
    nanosleep(&pause, NULL);
    clock_gettime(CLOCK_MONOTONIC, &b);
    unsigned long long t1 = __rdtsc();
    printf("%.6e\n", (t1 - t0) / ((b.tv_sec - a.tv_sec) + 1e-9 * (b.tv_nsec - a.tv_nsec)));
    return 0;
}
"""


def tsc_rate():
    """Ticks per second of this machine's time-stamp counter (``rdtsc``)."""
    folder = _ensure(ROOT / "tsc")
    (folder / "tsc.c").write_text(_TSC_C)
    _run(["gcc", "-O2", "tsc.c", "-o", "tsc"], cwd=folder)
    rates = [float(_run([str(folder / "tsc")])) for _ in range(3)]
    return float(np.median(rates))


def build(name):
    """Build a peer (once per commit); return (binary path, commit, build note)."""
    folder, commit = source("subsim" if name == "subsim-histfix" else name)
    out = _ensure(ROOT / "bin")
    if name == "subsim":
        binary = out / f"subsim-{commit[:12]}"
        note = "make (g++ -std=c++14 -O3 subsim.cpp)"
        if not binary.is_file():
            _run(["make"], cwd=folder)
            shutil.copy2(folder / "subsim", binary)
        return binary, commit, note
    if name == "subsim-histfix":
        patched = ROOT / "src" / f"subsim-histfix-{commit[:12]}"
        binary = out / f"subsim-histfix-{commit[:12]}"
        note = "make, after moving one emptiness check (see HIST_FIX)"
        if not binary.is_file():
            if patched.exists():
                shutil.rmtree(patched)
            shutil.copytree(folder, patched)
            header = patched / "hyperGraph.h"
            text = header.read_text()
            if text.count(HIST_FIX[0]) != 1:
                raise PeerUnavailable("HIST fix: the code to patch was not found once")
            header.write_text(text.replace(HIST_FIX[0], HIST_FIX[1]))
            _run(["make"], cwd=patched)
            shutil.copy2(patched / "subsim", binary)
        return binary, commit, note
    if name == "imm":
        rate = tsc_rate()
        binary = out / f"imm_discrete-{commit[:12]}-tsc{rate:.4e}"
        note = (
            "g++ -DDISCRETE src/imm.cpp -Wall -std=c++0x -O3 src/sfmt/SFMT.c "
            f"-DTIMES_PER_SEC={rate:.4e}"
        )
        if not binary.is_file():
            _run(
                [
                    "g++",
                    "-DDISCRETE",
                    f"-DTIMES_PER_SEC={rate:.6e}",
                    "src/imm.cpp",
                    "-Wall",
                    "-std=c++0x",
                    "-O3",
                    "src/sfmt/SFMT.c",
                    "-o",
                    str(binary),
                ],
                cwd=folder,
            )
        return binary, commit, note
    raise KeyError(name)


def available(names=("imm", "subsim", "subsim-histfix")):
    """Build what can be built: {name: (binary, commit, note)} or {name: reason}."""
    out = {}
    for name in names:
        try:
            if shutil.which("g++") is None:
                raise PeerUnavailable("no g++ on PATH")
            out[name] = build(name)
        except (PeerUnavailable, OSError, subprocess.SubprocessError) as exc:
            lines = [x.strip() for x in str(exc).splitlines() if x.strip()]
            reason = lines[0] if len(lines) < 2 else f"{lines[0]} ... {lines[-1]}"
            out[name] = f"unavailable: {reason}"
    return out


# ---------------------------------------------------------------------------
# Inputs, checked
# ---------------------------------------------------------------------------


def graph_arcs(g, model):
    """spread's arcs (tails, heads as int64, CSR order) and their probabilities."""
    n = g.n_nodes
    tails = np.repeat(np.arange(n, dtype=np.int64), np.diff(np.asarray(g.indptr)))
    heads = np.asarray(g.indices, dtype=np.int64)
    probs = np.asarray(model.arc_probabilities(g), dtype=np.float64)
    if probs.shape != heads.shape:
        raise ValueError("one probability per arc expected")
    return tails, heads, probs


def _sorted_arcs(n, tails, heads, probs):
    """Arcs as sorted keys tail * n + head, with probabilities in the same order."""
    keys = tails * n + heads
    order = np.argsort(keys, kind="stable")
    return keys[order], probs[order]


def write_imm_input(folder, g, model):
    """Write IMM's dataset folder; parse it back; assert it equals spread's arcs."""
    folder = _ensure(Path(folder))
    tails, heads, probs = graph_arcs(g, model)
    n, m = g.n_nodes, heads.size
    (folder / "attribute.txt").write_text(f"n={n}\nm={m}\n")
    with open(folder / "graph_ic.inf", "w") as fh:
        fh.writelines(
            f"{t} {h} {p!r}\n"
            for t, h, p in zip(tails.tolist(), heads.tolist(), probs.tolist(), strict=True)
        )
    # Read back what IMM reads: n, m and m lines of "%d%d%lf".
    attrs = dict(line.split("=") for line in (folder / "attribute.txt").read_text().split())
    assert int(attrs["n"]) == n and int(attrs["m"]) == m, attrs
    back = np.loadtxt(folder / "graph_ic.inf", dtype=np.float64, ndmin=2)
    assert back.shape == (m, 3), back.shape
    bt, bh = back[:, 0].astype(np.int64), back[:, 1].astype(np.int64)
    assert bt.min() >= 0 and bh.max() < n, "node ids out of [0, n)"
    ours = _sorted_arcs(n, tails, heads, probs)
    theirs = _sorted_arcs(n, bt, bh, back[:, 2])
    assert np.array_equal(ours[0], theirs[0]), "IMM input: arcs differ"
    assert np.array_equal(ours[1], theirs[1]), "IMM input: probabilities differ"
    return {"n": n, "m": m, "check": "arcs and probabilities equal (exact)"}


def read_subsim_graph(path):
    """Parse SUBSIM's ``.vec.rvs.graph``: per head, a vector of (tail, float p)."""
    raw = Path(path).read_bytes()
    pos = 0

    def size_t():
        nonlocal pos
        value = int.from_bytes(raw[pos : pos + 8], "little")
        pos += 8
        return value

    # Its serializer (serialize.h) writes a vector as its size_t element count, then
    # each element; a (uint32, float) pair as its 8 raw bytes.
    n = size_t()
    heads, tails, probs = [], [], []
    edge = np.dtype([("tail", "<u4"), ("p", "<f4")])
    for head in range(n):
        deg = size_t()
        block = np.frombuffer(raw, dtype=edge, count=deg, offset=pos)
        pos += deg * edge.itemsize
        heads.append(np.full(deg, head, dtype=np.int64))
        tails.append(block["tail"].astype(np.int64))
        probs.append(block["p"].astype(np.float32))
    if pos != len(raw):
        raise ValueError(f"{path}: {len(raw) - pos} bytes left over")
    return n, np.concatenate(tails), np.concatenate(heads), np.concatenate(probs)


def write_subsim_input(folder, binary, g, model, pdist, pedge=None):
    """Write SUBSIM's text graph, format it, parse the binary back, compare with ours.

    ``pdist``: ``"wc"`` (SUBSIM computes 1 / in-degree), ``"uniform"`` (every arc
    ``pedge``) or ``"weights"`` (our per-arc probabilities).
    """
    folder = _ensure(Path(folder))
    tails, heads, probs = graph_arcs(g, model)
    n, m = g.n_nodes, heads.size
    name = f"g_{pdist}"
    with open(folder / name, "w") as fh:
        fh.write(f"{n} {m}\n")
        if pdist == "weights":
            fh.writelines(
                f"{t}\t{h}\t{p!r}\n"
                for t, h, p in zip(tails.tolist(), heads.tolist(), probs.tolist(), strict=True)
            )
        else:
            fh.writelines(
                f"{t}\t{h}\n" for t, h in zip(tails.tolist(), heads.tolist(), strict=True)
            )
    cmd = [str(binary), "-func=format", f"-gname={name}", f"-dir={folder}", f"-pdist={pdist}"]
    if pdist == "uniform":
        cmd.append(f"-pedge={pedge!r}")
    _run(cmd, cwd=folder)
    gn, bt, bh, bp = read_subsim_graph(folder / f"{name}.vec.rvs.graph")
    assert gn == n, (gn, n)
    assert bt.size == m, (bt.size, m)
    ours = _sorted_arcs(n, tails, heads, probs)
    theirs = _sorted_arcs(n, bt, bh, bp.astype(np.float64))
    assert np.array_equal(ours[0], theirs[0]), "SUBSIM input: arcs differ"
    # SUBSIM keeps float32 probabilities: ours rounded to float32 must match exactly
    # (its 1/indeg is computed in float, correctly rounded like ours).
    assert np.array_equal(ours[1].astype(np.float32), theirs[1].astype(np.float32)), (
        "SUBSIM input: probabilities differ beyond float32 rounding"
    )
    err = float(np.max(np.abs(ours[1] - theirs[1]) / ours[1]))
    return {
        "n": n,
        "m": m,
        "gname": name,
        "check": f"arcs equal; probabilities equal to float32 (max rel. diff {err:.1e})",
    }


# ---------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------


def _timed_process(cmd, cwd, timeout):
    """Run cmd with stdout to a file; return (rc or None if killed, seconds, text)."""
    with tempfile.TemporaryFile(mode="w+") as out:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        killed = threading.Event()

        def kill():
            killed.set()
            proc.kill()

        timer = threading.Timer(timeout, kill)
        timer.start()
        try:
            _, status = os.waitpid(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read()
    return (None if killed.is_set() else proc.returncode), seconds, text


def _exit_reason(rc):
    if rc < 0:
        try:
            return f"crashed ({signal.Signals(-rc).name})"
        except ValueError:
            return f"killed by signal {-rc}"
    return f"exited with status {rc}"


def run_imm(binary, folder, k, eps, timeout=600.0):
    """Run IMM on a folder written by :func:`write_imm_input`."""
    cmd = [str(binary), "-dataset", f"{folder}/", "-k", str(k), "-model", "IC"]
    cmd += ["-epsilon", repr(eps)]
    rc, wall, text = _timed_process(cmd, folder, timeout)
    if rc is None:
        return {"capped": timeout, "seconds": wall}
    if rc != 0:
        raise RuntimeError(f"IMM {_exit_reason(rc)}:\n{text[-2000:]}")
    text = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", text)
    seeds = re.search(r"g\.seedSet\s*=\s*([\d\s]+)", text)
    if seeds is None:
        raise RuntimeError(f"no seeds in IMM's output:\n{text[-2000:]}")
    steps = {
        m.group(2): float(m.group(1))
        for m in re.finditer(r"Spend\s+([\d.]+) seconds on (\S+)", text)
    }
    rr = [int(x) for x in re.findall(r"build_hyper_graph_r\s+R\s*=\s*(\d+)", text)]
    return {
        "seconds": wall,
        "tool_seconds": steps.get("step1", 0.0) + steps.get("step2", 0.0),
        "steps": steps,
        "seeds": np.asarray([int(s) for s in seeds.group(1).split()], dtype=np.int64),
        "n_rr": max(rr) if rr else -1,
        "log": text,
    }


_last_subsim_second = [0]


def run_subsim(binary, folder, gname, k, eps, hist=False, timeout=600.0):
    """Run SUBSIM (or HIST) on a graph formatted by :func:`write_subsim_input`.

    SUBSIM seeds its generator with ``time(nullptr)``: two runs started in the same
    second would draw the same RR sets, so a run waits for the next second if needed.
    """
    while int(time.time()) <= _last_subsim_second[0]:
        time.sleep(0.02)
    _last_subsim_second[0] = int(time.time())
    outdir = Path(tempfile.mkdtemp(prefix="out-", dir=folder))
    cmd = [
        str(binary),
        "-func=im",
        f"-gname={gname}",
        f"-dir={folder}",
        f"-outpath={outdir}",
        f"-seedsize={k}",
        f"-eps={eps!r}",
        "-vanilla=0",
        f"-hist={1 if hist else 0}",
    ]
    rc, wall, text = _timed_process(cmd, folder, timeout)
    try:
        if rc is None:
            return {"capped": timeout, "seconds": wall}
        if rc != 0:
            raise RuntimeError(f"SUBSIM {_exit_reason(rc)}:\n{text[-2000:]}")
        files = list((outdir / "seed").glob("seed_*"))
        if len(files) != 1:
            raise RuntimeError(f"SUBSIM wrote {len(files)} seed files:\n{text[-2000:]}")
        seeds = np.loadtxt(files[0], dtype=np.int64, ndmin=1)
        own = re.search(r"\|Time \(sec\):\s*([\d.eE+-]+)", text)
        rr = re.search(r"\|#RR sets:\s*(\d+)", text)
        parts = {}
        for label, value in re.findall(
            r"==>Time for ([^:]+):\s*([\d.eE+-]+(?:,\s*[\d.eE+-]+)?)", text
        ):
            parts[label.strip()] = [float(v) for v in value.split(",")]
        return {
            "seconds": wall,
            "tool_seconds": float(own.group(1)) if own else float("nan"),
            "parts": parts,
            "seeds": seeds,
            "n_rr": int(rr.group(1)) if rr else -1,
            "log": text,
        }
    finally:
        shutil.rmtree(outdir, ignore_errors=True)
