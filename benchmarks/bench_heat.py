"""Heat diffusion: spread's uniformization kernel against scipy's expm_multiply.

Both compute ``exp(beta t H) f0`` at 20 evenly spaced times in one call
(``expm_multiply(A, f0, start=0, stop=T, num=20)``). spread runs with ``tol=1e-8`` and its
relative 2-norm error against expm_multiply is checked to be <= 1e-8 at every time.
Timings are medians of repeats, interleaved; Numba's first-call compile time is measured
once and reported apart.

Run by hand::

    python benchmarks/bench_heat.py            # prints a markdown table
    python benchmarks/bench_heat.py --out benchmarks/results_heat.md
"""

import argparse
import platform
import statistics
import time

import networkx as nx
import numpy as np
import scipy
import scipy.sparse.linalg as sla

import spread

BETA = 0.1
T_END = 5.0
N_TIMES = 20


def ba_graph(n=100_000, m=5, seed=1):
    G = nx.barabasi_albert_graph(n, m, seed=seed)
    src, dst = np.array(G.edges()).T
    return spread.Graph.from_edges(src, dst, directed=False, labels=np.arange(n))


def time_call(fn, repeats):
    out = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return statistics.median(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()

    graphs = {
        "ego-Facebook": spread.datasets.load("ego-facebook"),
        "NetHEPT": spread.datasets.load("nethept"),
        "BA n=100k m=5": ba_graph(),
    }
    times = np.linspace(0, T_END, N_TIMES)
    t0 = time.perf_counter()
    spread.solve(spread.datasets.load("karate"), [0], spread.Heat(beta=1.0), times=[1.0])
    compile_s = time.perf_counter() - t0

    rows = []
    for name, g in graphs.items():
        model = spread.Heat(beta=BETA, tol=1e-8)
        seeds = np.argsort(g.out_degree)[::-1][:10]
        seeds = g.label_of(seeds)
        f0 = model.initial_heat(g, list(seeds))
        A = (BETA * model.operator(g)).tocsr()

        def ours(n_jobs, g=g, model=model, seeds=seeds):
            return spread.solve(g, list(seeds), model, times=times, n_jobs=n_jobs)

        def theirs(A=A, f0=f0):
            return sla.expm_multiply(A, f0, start=0, stop=T_END, num=N_TIMES, endpoint=True)

        res = ours(1)
        ref = theirs()
        err = (np.linalg.norm(res.heat - ref, axis=1) / np.linalg.norm(ref, axis=1)).max()
        assert err <= 1e-8, (name, err)
        t_ref, t1, t2 = [], [], []
        for _ in range(args.repeats):  # interleaved
            t_ref.append(time_call(theirs, 1))
            t1.append(time_call(lambda: ours(1), 1))
            t2.append(time_call(lambda: ours(2), 1))
        med = statistics.median
        rows.append(
            {
                "graph": name,
                "nodes": g.n_nodes,
                "arcs": g.n_edges,
                "lambda_max": BETA * T_END * float(g.out_degree.max()),
                "terms": res.n_terms,
                "err": err,
                "expm": med(t_ref),
                "one": med(t1),
                "two": med(t2),
            }
        )

    lines = [
        "## Heat diffusion: spread vs scipy.sparse.linalg.expm_multiply",
        "",
        f"{time.strftime('%Y-%m-%d')}; {platform.processor() or platform.machine()}, "
        f"{_cores()} cores; Python {platform.python_version()}, numpy {np.__version__}, "
        f"scipy {scipy.__version__}, spread {spread.__version__}. "
        f"beta={BETA}, {N_TIMES} times in [0, {T_END}], 10 top-degree seeds, spread tol=1e-8. "
        f"Medians of {args.repeats} interleaved repeats. Numba compile on first call "
        f"(cold cache, separate): {compile_s:.2f} s.",
        "",
        "| graph | nodes | arcs | beta*t*q max | spread terms | max rel. 2-norm error | "
        "expm_multiply (s) | spread 1 thread (s) | spread 2 threads (s) | ratio 1T | ratio 2T |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['graph']} | {r['nodes']:,} | {r['arcs']:,} | {r['lambda_max']:.0f} | "
            f"{r['terms']} | {r['err']:.1e} | {r['expm']:.4f} | {r['one']:.4f} | "
            f"{r['two']:.4f} | {r['expm'] / r['one']:.1f}x | {r['expm'] / r['two']:.1f}x |"
        )
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)


def _cores():
    import os

    return os.cpu_count()


if __name__ == "__main__":
    main()
