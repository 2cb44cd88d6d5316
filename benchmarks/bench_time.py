"""Benchmark the real-time models (`CTIC`, `SIR`, `SIS`, `TemporalIC`) against EoN, FastGEMF and NDlib.

What it measures
----------------
1. Runs per second of one Monte Carlo run, in this one process, on:

   - Barabási–Albert, n = 100,000, m = 5 (networkx, seed 1), every edge two arcs;
   - the bundled NetHEPT collaboration graph (15,233 nodes, 62,752 arcs);

   each from 10 seed nodes drawn with a fixed generator, for two models:

   - SIR, Markovian, gamma = 1 and beta chosen so that R0 = T (<k^2> - <k>) / <k> = 2.5
     on that graph (T = beta / (beta + gamma), the transmissibility; Kiss, Miller &
     Simon 2017, eq. 6.7), run to extinction;
   - continuous-time IC with the same per-arc transmissibility T as its p and Exp(1)
     delays, up to a horizon of 10 time units;
   - SIS, Markovian, with SIR's beta and gamma (well above the epidemic threshold),
     up to a horizon of 5.
   - (``--part sis-laws`` only) SIS with Gamma(2) gaps between an arc's transmissions
     (mean 1 / (2 beta), SIR's beta) and Weibull(2) infectious periods of mean 1, up to
     a horizon of 5: the event-driven kernel against EoN's non-Markovian SIS (its
     event loop, driven by ``_peers.eon_non_markov_sis``), written to
     ``results_time_sis.md``.

   spread: ``spread.simulate(g, seeds, model, n_runs=R, rng=..., n_jobs=1)`` and
   ``n_jobs=2``, R sized by a pilot so that a one-thread call holds about ``--target``
   seconds (the kernels are compiled and cached before any timing). EoN:
   ``EoN.fast_SIR`` (Markovian SIR, its event-driven C-free algorithm) and
   ``EoN.fast_nonMarkov_SIR`` driven as CTIC (a transmission delay Exp(1) with
   probability p, else never; no recovery) and ``EoN.fast_SIS``, on an ``nx.DiGraph``
   of the same arcs.
   FastGEMF (SIR only: its models are Markovian): the SIR schema, the same CSR
   matrix as its one layer, the exact seeds, one simulation per call. The peers are
   pure Python: they run one call at a time up to ``--peer-seconds`` (at least two
   runs). Graph construction of every tool is done once, outside the timings.
   Each round runs every tool once, in rotating order; ``--repeats`` rounds; the
   table reports median seconds per run over rounds.

   Temporal IC (``--part temporal``): ``spread.TemporalIC(p=beta, start=t_min)`` on
   undirected contacts at integer times against NDlib's ``DynSIModel`` on a
   ``dynetx.DynGraph`` of the same contacts (one run = ``reset`` + ``execute_snapshots``;
   the snapshots are prebuilt once, see ``dynetx_graph``), 10 seeds from a fixed
   generator, on:

   - the bundled Higgs retweets binned to hours (168 snapshots, one contact per pair
     and hour: 340,838 interactions among 256,491 users), beta = 0.3;
   - a generated sequence of 1,044,825 interactions: Barabási–Albert n = 50,000,
     m = 5, and at each of 50 integer times a random maximal matching of its edges
     meets, beta = 0.25.

   The comment above ``higgs_contacts`` states NDlib's model and when it is exactly
   spread's (always on the matchings; on Higgs up to nodes that meet two infected
   neighbours in one hour). NDlib runs one call of at least one run and about
   ``--ndlib-seconds``. EoN has no temporal-network model, FastGEMF none either.

2. Agreement: each peer's mean final size (ever infected by the end; for SIS the
   infectious at the horizon) against spread's, ``z = (mean_peer - mean_spread) / sqrt(se_peer^2 + se_spread^2)``.

   For temporal IC also the two-sample Kolmogorov–Smirnov p-value on final sizes.

3. Compile time, in subprocesses with an empty ``NUMBA_CACHE_DIR``: the first
   ``spread.simulate`` of CTIC, SIR and SIS on the karate club (TemporalIC: its edges
   as contacts at times 0, 1, ...; 100 runs), minus the same call again in the same
   process; then a second process with the warm cache.

How to run
----------
From the repository root, with the test (or bench) extra installed::

    python benchmarks/bench_time.py            # full run, ~20 minutes
    python benchmarks/bench_time.py --part temporal   # temporal IC only, ~10 minutes
    python benchmarks/bench_time.py --quick    # 20,000-node BA graphs, short calls

The full run writes ``benchmarks/results_time.md`` (a part run rewrites its own section
and keeps the other); ``--quick`` only prints.
"""

import argparse
import importlib.metadata
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numba
import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _peers import _digraph, eon_non_markov_sis
from _report import header, md_table

import spread

HERE = Path(__file__).resolve().parent
R0 = 2.5
GAMMA = 1.0
HORIZON_CTIC = 10.0
HORIZON_SIS = 5.0


def ba_graph(n):
    G = nx.barabasi_albert_graph(n, 5, seed=1)
    src, dst = np.array(G.edges()).T
    return spread.Graph.from_edges(src, dst, directed=False, labels=np.arange(n))


def transmissibility(g):
    """T with T (<k^2> - <k>) / <k> = R0 (out-degrees: each arc is one contact)."""
    k = g.out_degree.astype(np.float64)
    return R0 * k.mean() / ((k**2).mean() - k.mean())


def digraph(g):
    """Our arcs as a networkx DiGraph (the peers' driver module builds it)."""
    return _digraph(g.indptr, g.indices, g.n_nodes, "EoN")


# ------------------------------------------------------------------ the tools
def spread_runs(g, seeds, model, n_runs, rng, n_jobs, horizon):
    t0 = time.perf_counter()
    res = spread.simulate(
        g, seeds, model, n_runs=n_runs, rng=rng, n_jobs=n_jobs, horizon=horizon, progress=False
    )
    seconds = time.perf_counter() - t0
    if isinstance(model, spread.SIS):  # the infectious at the horizon (the last bin)
        levels = res.infectious_per_step
        last = levels[:, 100] if levels.shape[1] > 100 else np.zeros(n_runs, int)
        return seconds, last
    return seconds, res.final_sizes


def eon_sis(G, seeds, beta, budget, rng):
    import EoN

    gen = np.random.default_rng(rng)
    sizes, t0 = [], time.perf_counter()
    while len(sizes) < 2 or time.perf_counter() - t0 < budget:
        out = EoN.fast_SIS(G, beta, GAMMA, initial_infecteds=seeds, tmax=HORIZON_SIS, rng=gen)
        sizes.append(out[2][-1])
    return time.perf_counter() - t0, np.array(sizes)


def eon_sis_laws(G, seeds, beta, scale, budget, rng):
    """EoN's non-Markovian SIS event loop (`_peers.eon_non_markov_sis`) with
    Gamma(2, 1 / (2 beta)) gaps between an arc's transmissions and Weibull(2, scale)
    periods; the infectious at the horizon."""
    gen = np.random.default_rng(rng)

    def transmissions(source, target, period):
        times, t = [], gen.gamma(2.0, 0.5 / beta)
        while t < period:
            times.append(t)
            t += gen.gamma(2.0, 0.5 / beta)
        return times

    def period(node):
        return scale * gen.weibull(2.0)

    sizes, t0 = [], time.perf_counter()
    while len(sizes) < 2 or time.perf_counter() - t0 < budget:
        sizes.append(eon_non_markov_sis(G, seeds, transmissions, period, HORIZON_SIS))
    return time.perf_counter() - t0, np.array(sizes)


def eon_sir(G, seeds, beta, budget, rng):
    import EoN

    gen = np.random.default_rng(rng)
    sizes, t0 = [], time.perf_counter()
    while len(sizes) < 2 or time.perf_counter() - t0 < budget:
        out = EoN.fast_SIR(G, beta, GAMMA, initial_infecteds=seeds, rng=gen)
        sizes.append(G.number_of_nodes() - out[1][-1])
    return time.perf_counter() - t0, np.array(sizes)


def eon_ctic(G, seeds, p, budget, rng):
    import EoN

    gen = np.random.default_rng(rng)

    def transmission(u, v):
        return gen.exponential(1.0) if gen.random() < p else math.inf

    def recovery(u):
        return math.inf

    sizes, t0 = [], time.perf_counter()
    while len(sizes) < 2 or time.perf_counter() - t0 < budget:
        out = EoN.fast_nonMarkov_SIR(
            G,
            trans_time_fxn=transmission,
            rec_time_fxn=recovery,
            initial_infecteds=seeds,
            tmax=HORIZON_CTIC,
        )
        sizes.append(G.number_of_nodes() - out[1][-1])
    return time.perf_counter() - t0, np.array(sizes)


def fastgemf_sir(g, seeds, beta, budget, rng):
    """FastGEMF's SIR on the same arcs (one layer, CSR), exact initial states."""
    import fastgemf as fg
    import scipy.sparse as sp

    schema = (
        fg.ModelSchema("SIR")
        .define_compartment(["S", "I", "R"])
        .add_network_layer("contact")
        .add_node_transition(name="rec", from_state="I", to_state="R", rate="gamma")
        .add_edge_interaction(
            name="inf",
            from_state="S",
            to_state="I",
            inducer="I",
            network_layer="contact",
            rate="beta",
        )
    )
    csr = sp.csr_matrix((np.ones(g.n_edges), g.indices, g.indptr), shape=(g.n_nodes, g.n_nodes))
    config = (
        fg.ModelConfiguration(schema)
        .add_parameter(beta=beta, gamma=GAMMA)
        .get_networks(contact=csr)
    )
    x0 = np.zeros(g.n_nodes, dtype=int)
    x0[seeds] = 1
    np.random.seed(rng)  # noqa: NPY002 (FastGEMF draws from numpy's global generator)
    sizes, t0 = [], time.perf_counter()
    while len(sizes) < 2 or time.perf_counter() - t0 < budget:
        sim = fg.Simulation(
            config, initial_condition={"exact": x0.copy()}, stop_condition={"time": 1e9}, nsim=1
        )
        sim.run()
        _, counts = sim.get_results()[:2]
        sizes.append(int(g.n_nodes - counts[0, -1]))
    return time.perf_counter() - t0, np.array(sizes)


# ------------------------------------------------------------------ one case
def run_case(name, g, model_name, args):
    seeds = np.sort(np.random.default_rng(7).choice(g.n_nodes, 10, replace=False))
    T = transmissibility(g)
    if model_name == "SIR":
        beta = GAMMA * T / (1 - T)
        model, horizon = spread.SIR(beta=beta, gamma=GAMMA), None
        label = f"SIR beta={beta:.4g} gamma=1 (R0 = {R0})"
    elif model_name == "SIS":
        beta = GAMMA * T / (1 - T)
        model, horizon = spread.SIS(beta=beta, gamma=GAMMA), HORIZON_SIS
        label = f"SIS beta={beta:.4g} gamma=1, horizon {HORIZON_SIS:g}"
    elif model_name == "SIS-NM":  # regular gaps at twice SIS's rate, a mean period of 1
        beta = 2.0 * GAMMA * T / (1 - T)
        scale = 1.0 / (GAMMA * math.gamma(1.5))  # Weibull shape 2 with mean 1 / gamma
        model = spread.SIS(
            transmission=("gamma", 2.0, 0.5 / beta), recovery=("weibull", 2.0, scale)
        )
        horizon = HORIZON_SIS
        label = (
            f"SIS, gaps Gamma(2, {0.5 / beta:.4g}) (mean 1/{beta:.4g}), periods "
            f"Weibull(2, {scale:.4g}) (mean 1), horizon {HORIZON_SIS:g}"
        )
    else:
        model, horizon = spread.CTIC(p=T, delay=("exponential", 1.0)), HORIZON_CTIC
        label = f"CTIC p={T:.4g}, Exp(1), horizon {HORIZON_CTIC:g}"
    labels = g.label_of(seeds)
    spread.simulate(g, labels, model, n_runs=4, rng=0, horizon=horizon)  # compile / cache
    pilot, _ = spread_runs(g, labels, model, 8, 0, 1, horizon)
    n_runs = max(16, int(args.target / max(pilot / 8, 1e-6)))
    G = digraph(g)
    seed_list = [int(s) for s in seeds]
    tools = {
        "spread 1 thread": lambda r: spread_runs(g, labels, model, n_runs, 100 + r, 1, horizon),
        "spread 2 threads": lambda r: spread_runs(g, labels, model, n_runs, 100 + r, 2, horizon),
    }
    if model_name == "SIR":
        tools["EoN fast_SIR"] = lambda r: eon_sir(G, seed_list, beta, args.peer_seconds, 200 + r)
        if _has("fastgemf"):
            tools["FastGEMF"] = lambda r: fastgemf_sir(g, seeds, beta, args.peer_seconds, 300 + r)
    elif model_name == "SIS":
        tools["EoN fast_SIS"] = lambda r: eon_sis(G, seed_list, beta, args.peer_seconds, 200 + r)
    elif model_name == "SIS-NM":
        tools["EoN non-Markovian SIS"] = lambda r: eon_sis_laws(
            G, seed_list, beta, scale, args.peer_seconds, 200 + r
        )
    else:
        tools["EoN fast_nonMarkov_SIR"] = lambda r: eon_ctic(
            G, seed_list, T, args.peer_seconds, 200 + r
        )
    per_run = {t: [] for t in tools}
    sizes = {t: [] for t in tools}
    order = list(tools)
    for r in range(args.repeats):
        for t in order[r % len(order) :] + order[: r % len(order)]:
            seconds, s = tools[t](r)
            per_run[t].append(seconds / len(s))
            sizes[t].append(s)
    base = np.concatenate(sizes["spread 1 thread"]).astype(float)
    rows = []
    for t in tools:
        s = np.concatenate(sizes[t]).astype(float)
        sec = statistics.median(per_run[t])
        se = s.std(ddof=1) / math.sqrt(s.size)
        z = (s.mean() - base.mean()) / math.hypot(se, base.std(ddof=1) / math.sqrt(base.size))
        rows.append(
            {
                "graph": name,
                "model": label,
                "tool": t,
                "runs": s.size,
                "s/run": sec,
                "runs/s": 1 / sec,
                "mean size": s.mean(),
                "stderr": se,
                "z vs spread": z if t != "spread 1 thread" else float("nan"),
            }
        )
    frame = pd.DataFrame(rows)
    one = frame.loc[frame.tool == "spread 1 thread", "runs/s"].iloc[0]
    two = frame.loc[frame.tool == "spread 2 threads", "runs/s"].iloc[0]
    peers = frame[~frame.tool.str.startswith("spread")]
    best = peers.loc[peers["runs/s"].idxmax()]
    ratios = {
        "graph": name,
        "model": model_name,
        "fastest peer": best.tool,
        "spread 1 thread / peer": one / best["runs/s"],
        "spread 2 threads / 1 thread": two / one,
    }
    return frame, ratios, {t: np.concatenate(v).astype(float) for t, v in sizes.items()}


# ------------------------------------------------------------------ temporal IC
# NDlib's `DynSIModel` (read in ndlib 6.0.1 / dynetx 0.3.2) computes, per integer
# snapshot t = t_min + 1 .. t_max (snapshot t_min is never processed: its iteration
# only reports the initial status), for every node u of snapshot t's graph that is
# susceptible: infected with probability min(1, beta * k), k = the number of distinct
# neighbours of u in snapshot t that were infected *before* t (synchronous: no
# same-snapshot chains; repeated contacts of a pair within t count once). That is
# `TemporalIC(p=beta, attempts="every", start=t_min)` on the deduplicated integer-time
# contacts exactly whenever k <= 1; with k >= 2 spread's chance is 1 - (1 - beta)^k.
# Undirected (`dynetx.DynGraph`) only: on a `DynDiGraph`, `time_slice` reverses every
# arc and drops the arcs whose head was listed before their tail (its
# `interactions_iter` applies the undirected "seen" rule and yields (nbr, n)), so
# DynSI spreads against the arcs.
HIGGS_BIN = 3600.0  # seconds per snapshot
HIGGS_BETA = 0.3
GEN_BETA = 0.25


def higgs_contacts(hours=None):
    """The bundled Higgs retweets as undirected contacts binned to hours, one per
    (pair, hour): ``(n, u, v, hour)`` with u < v (node indices); the first `hours` only
    if given."""
    tg = spread.datasets.load("higgs-retweet-times")
    per_arc = np.diff(tg.contact_ptr)
    u = np.repeat(np.repeat(np.arange(tg.n_nodes), tg.out_degree), per_arc)
    v = np.repeat(tg.indices.astype(np.int64), per_arc)
    hour = np.floor((tg.contact_times - tg.contact_times.min()) / HIGGS_BIN).astype(np.int64)
    if hours is not None:
        u, v, hour = u[hour < hours], v[hour < hours], hour[hour < hours]
    key = np.unique(np.stack([np.minimum(u, v), np.maximum(u, v), hour]), axis=1)
    return tg.n_nodes, key[0], key[1], key[2]


@numba.njit
def _matching(a, b, order, used, tag):
    """A greedy maximal matching of the edges (a, b) taken in `order`: the indices of the
    edges kept (`used` marks a node taken with `tag`)."""
    keep = np.empty(order.shape[0], np.int64)
    k = 0
    for j in order:
        if used[a[j]] != tag and used[b[j]] != tag:
            used[a[j]] = tag
            used[b[j]] = tag
            keep[k] = j
            k += 1
    return keep[:k]


def generated_contacts(n, steps):
    """Barabási–Albert (m = 5, seed 1) edges activated at integer times 0 .. steps - 1:
    at each time a random maximal matching of the edges meets (each node at most one
    contact per step, so NDlib's min(1, beta k) is beta: the same model as spread's)."""
    G = nx.barabasi_albert_graph(n, 5, seed=1)
    a, b = np.array(G.edges(), dtype=np.int64).T
    rng = np.random.default_rng(3)
    used = np.zeros(n, np.int64)
    kept = [_matching(a, b, rng.permutation(a.shape[0]), used, t + 1) for t in range(steps)]
    t = np.repeat(np.arange(steps), [k.shape[0] for k in kept])
    kept = np.concatenate(kept)
    return n, a[kept], b[kept], t


def dynetx_graph(n, u, v, t):
    """NDlib's input: a `dynetx.DynGraph` of the contacts, and every snapshot as the
    `DynGraph` its `time_slice(t)` returns (prebuilt, so that no NDlib run pays the
    slicing: a favour to the peer)."""
    import dynetx as dn

    G = dn.DynGraph()
    G.add_nodes_from(range(n))
    order = np.argsort(t, kind="stable")
    u, v, t = u[order].tolist(), v[order].tolist(), t[order]
    bounds = np.flatnonzero(np.diff(t)) + 1
    snapshots = {}
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, len(t)], strict=True):
        step = int(t[lo])
        pairs = list(zip(u[lo:hi], v[lo:hi], strict=True))
        G.add_interactions_from(pairs, t=step)
        S = dn.DynGraph()
        S.add_interactions_from(pairs, t=step)
        snapshots[step] = S
    for step in range(int(t[0]), int(t[-1]) + 1):
        snapshots.setdefault(step, dn.DynGraph())
    for step in (int(t[1 + len(t) // 3]), int(t[-1])):  # the same as dynetx's own slice
        own = G.time_slice(step)
        assert {frozenset(e) for e in own.edges()} == {
            frozenset(e) for e in snapshots[step].edges()
        }
    G.time_slice = lambda t_from, t_to=None: snapshots[t_from]
    return G


def ndlib_dynsi(G, seeds, beta, budget, rng):
    """NDlib's DynSI, one run per `execute_snapshots` (from `reset`), up to `budget` s."""
    import ndlib.models.ModelConfig as mc
    from ndlib.models.dynamic import DynSIModel

    model = DynSIModel(G)
    config = mc.Configuration()
    config.add_model_parameter("beta", beta)
    config.add_model_initial_configuration("Infected", seeds)
    model.set_initial_status(config)
    np.random.seed(rng)  # noqa: NPY002 (NDlib draws from numpy's global generator)
    sizes, t0 = [], time.perf_counter()
    while not sizes or time.perf_counter() - t0 < budget:
        model.reset(infected_nodes=seeds)
        model.execute_snapshots(node_status=False)
        sizes.append(sum(1 for s in model.status.values() if s == 1))
    return time.perf_counter() - t0, np.array(sizes)


def temporal_case(name, contacts, beta, args, label):
    n, u, v, t = contacts
    tg = spread.TemporalGraph.from_contacts(u, v, t, directed=False, labels=np.arange(n))
    seeds = np.sort(np.random.default_rng(7).choice(n, 10, replace=False))
    start = float(t.min())
    model = spread.TemporalIC(p=beta, start=start)
    spread.simulate(tg, seeds, model, n_runs=4, rng=0, progress=False)  # compile / cache

    def spread_runs(n_runs, rng, n_jobs):
        t0 = time.perf_counter()
        res = spread.simulate(tg, seeds, model, n_runs=n_runs, rng=rng, n_jobs=n_jobs,
                              progress=False)  # fmt: skip
        return time.perf_counter() - t0, res.final_sizes

    pilot, _ = spread_runs(8, 0, 1)
    n_runs = max(16, int(args.target / max(pilot / 8, 1e-6)))
    t0 = time.perf_counter()
    G = dynetx_graph(n, u, v, t)
    build = time.perf_counter() - t0
    seed_list = [int(s) for s in seeds]
    tools = {
        "spread 1 thread": lambda r: spread_runs(n_runs, 100 + r, 1),
        "spread 2 threads": lambda r: spread_runs(n_runs, 100 + r, 2),
        "NDlib DynSI": lambda r: ndlib_dynsi(G, seed_list, beta, args.ndlib_seconds, 400 + r),
    }
    frame, ratios, sizes = _rounds(name, label, tools, args.repeats)
    ratios["model"] = "temporal IC"
    ours, theirs = sizes["spread 1 thread"], sizes["NDlib DynSI"]
    agreement = []
    for rule in ("per contact", "NDlib"):
        s = snapshot_sweep(n, u, v, t, seeds, beta, rule, 50 if args.quick else 400, 500)
        agreement.append(
            {"case": name, "sample": f"numpy sweep, {rule} rule", **_versus(s, ours, theirs)}
        )
    agreement.append({"case": name, "sample": "spread 1 thread", **_versus(ours, ours, theirs)})
    agreement.append({"case": name, "sample": "NDlib DynSI", **_versus(theirs, ours, theirs)})
    info = {
        "case": name,
        "nodes": n,
        "interactions": len(u),
        "contacts (both ways)": tg.n_contacts,
        "snapshots": int(t.max() - t.min() + 1),
        "beta": beta,
        "NDlib graph build s": build,
    }
    return frame, ratios, info, pd.DataFrame(agreement)


def snapshot_sweep(n, u, v, t, seeds, beta, rule, runs, seed):
    """Final sizes of `runs` runs of a plain numpy sweep, snapshot by snapshot from the
    second: a susceptible node with k distinct neighbours infected before the snapshot
    adopts with probability 1 - (1 - beta)^k (``"per contact"``: spread's model) or
    min(1, beta k) (``"NDlib"``: DynSI's). Agreement only, not timed."""
    order = np.argsort(t, kind="stable")
    u, v, t = u[order], v[order], t[order]
    cuts = np.flatnonzero(np.diff(t)) + 1
    snaps = [
        (u[lo:hi], v[lo:hi]) for lo, hi in zip(np.r_[0, cuts], np.r_[cuts, len(t)], strict=True)
    ]
    gen = np.random.default_rng(seed)
    sizes = np.empty(runs)
    for r in range(runs):
        infected = np.zeros(n, dtype=bool)
        infected[seeds] = True
        for a, b in snaps[1:]:
            ia, ib = infected[a], infected[b]
            heard = np.concatenate([b[ia & ~ib], a[ib & ~ia]])
            if heard.size:
                who, k = np.unique(heard, return_counts=True)
                p = 1 - (1 - beta) ** k if rule == "per contact" else np.minimum(1, beta * k)
                infected[who[gen.random(who.size) < p]] = True
        sizes[r] = infected.sum()
    return sizes


def _versus(s, ours, theirs):
    """Mean, its standard error, median, and z and KS p-value against spread's and
    NDlib's final sizes."""
    from scipy.stats import ks_2samp

    def se(x):
        return x.std(ddof=1) / math.sqrt(x.size) if x.size > 1 else float("nan")

    def z(x):
        return (s.mean() - x.mean()) / math.hypot(se(s), se(x)) if x is not s else float("nan")

    return {
        "runs": s.size,
        "mean size": s.mean(),
        "stderr": se(s),
        "median": float(np.median(s)),
        "z vs spread": z(ours),
        "KS p vs spread": ks_2samp(s, ours).pvalue if s is not ours else float("nan"),
        "z vs NDlib": z(theirs),
        "KS p vs NDlib": ks_2samp(s, theirs).pvalue if s is not theirs else float("nan"),
    }


def _rounds(name, label, tools, repeats):
    """Every tool once per round in rotating order; medians of seconds per run;
    mean final size, its standard error, z and two-sample KS against spread's."""
    from scipy.stats import ks_2samp

    per_run = {t: [] for t in tools}
    sizes = {t: [] for t in tools}
    order = list(tools)
    for r in range(repeats):
        for t in order[r % len(order) :] + order[: r % len(order)]:
            seconds, s = tools[t](r)
            per_run[t].append(seconds / len(s))
            sizes[t].append(s)
            print(f"  round {r}: {t} {seconds / len(s):.4g} s/run over {len(s)}", flush=True)
    base = np.concatenate(sizes["spread 1 thread"]).astype(float)
    rows = []
    for t in tools:
        s = np.concatenate(sizes[t]).astype(float)
        sec = statistics.median(per_run[t])
        se = s.std(ddof=1) / math.sqrt(s.size) if s.size > 1 else float("nan")
        z = (s.mean() - base.mean()) / math.hypot(se, base.std(ddof=1) / math.sqrt(base.size))
        peer = not t.startswith("spread")
        rows.append(
            {
                "graph": name,
                "model": label,
                "tool": t,
                "runs": s.size,
                "s/run": sec,
                "runs/s": 1 / sec,
                "mean size": s.mean(),
                "stderr": se,
                "z vs spread": z if peer else float("nan"),
                "KS p vs spread": ks_2samp(s, base).pvalue if peer else float("nan"),
            }
        )
    frame = pd.DataFrame(rows)
    one = frame.loc[frame.tool == "spread 1 thread", "runs/s"].iloc[0]
    two = frame.loc[frame.tool == "spread 2 threads", "runs/s"].iloc[0]
    peers = frame[~frame.tool.str.startswith("spread")]
    best = peers.loc[peers["runs/s"].idxmax()]
    ratios = {
        "graph": name,
        "model": "",
        "fastest peer": best.tool,
        "spread 1 thread / peer": one / best["runs/s"],
        "spread 2 threads / 1 thread": two / one,
    }
    return frame, ratios, {t: np.concatenate(v).astype(float) for t, v in sizes.items()}


def _has(name):
    try:
        __import__(name)
        return True
    except ImportError:
        return False


# ------------------------------------------------------------------ compile time
_COMPILE = """
import sys, time, spread
g = spread.datasets.load("karate")
m = {"CTIC": spread.CTIC(p=0.3), "SIR": spread.SIR(beta=1.0, gamma=1.0),
     "SIS": spread.SIS(beta=1.0, gamma=1.0), "TemporalIC": spread.TemporalIC(p=0.3),
     "SIS-NM": spread.SIS(transmission=("gamma", 2.0, 0.5), recovery=("weibull", 2.0, 1.0))}[sys.argv[1]]
if sys.argv[1] == "TemporalIC":  # the karate club's edges met at times 0, 1, 2, ...
    src, dst, _ = g.edges()
    g = spread.TemporalGraph.from_contacts(src, dst, range(len(src)), directed=False)
t0 = time.perf_counter(); spread.simulate(g, [0], m, n_runs=100, rng=0, horizon=5.0)
t1 = time.perf_counter(); spread.simulate(g, [0], m, n_runs=100, rng=1, horizon=5.0)
t2 = time.perf_counter()
print(sys.argv[1], t1 - t0, t2 - t1)
"""


def _first_calls(model, cache):
    env = dict(os.environ, NUMBA_CACHE_DIR=cache)
    cmd = [sys.executable, "-c", _COMPILE, model]
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    _, first, second = out.split()
    return float(first), float(second)


def compile_times(models=("CTIC", "SIR", "SIS")):
    """First and second call of each model in a fresh process: with an empty cache of
    its own (CTIC and SIR share a kernel), then with a cache that holds every kernel."""
    rows = []
    for label in ("cold cache", "warm cache"):
        with tempfile.TemporaryDirectory() as shared:
            if label == "warm cache":
                for model in models:
                    _first_calls(model, shared)  # fill the cache
            for model in models:
                with tempfile.TemporaryDirectory() as own:
                    first, second = _first_calls(model, own if label == "cold cache" else shared)
                rows.append(
                    {
                        "cache": label,
                        "model": model,
                        "first call s": first,
                        "second call s": second,
                        "compile or load s": first - second,
                    }
                )
    return pd.DataFrame(rows)


MARK = "<!-- temporal part: written by bench_time.py --part temporal -->"


def static_part(args):
    """CTIC, SIR and SIS on BA and NetHEPT: the tables as markdown lines."""
    graphs = {
        "BA n=20k m=5" if args.quick else "BA n=100k m=5": ba_graph(
            20_000 if args.quick else 100_000
        ),
        "NetHEPT": spread.datasets.load("nethept"),
    }
    frames, ratios = [], []
    for name, g in graphs.items():
        for model_name in ("SIR", "CTIC", "SIS"):
            print(f"{name}, {model_name} ...", flush=True)
            frame, ratio, _ = run_case(name, g, model_name, args)
            print(frame.to_string(index=False), flush=True)
            frames.append(frame)
            ratios.append(ratio)
    table = pd.concat(frames, ignore_index=True)
    ratio_table = pd.DataFrame(ratios)
    compile_table = compile_times()
    print(ratio_table.to_string(index=False))
    print(compile_table.to_string(index=False))
    return [
        "# Real-time models: CTIC, SIR and SIS against EoN and FastGEMF",
        "",
        "Written by `benchmarks/bench_time.py` (read its docstring for the protocol).",
        "",
        *header(),
        f"- Peers: {_versions('EoN', 'fastgemf')}",
        f"- Settings: {args.repeats} rounds, spread calls of ~{args.target} s, peer calls of"
        f" ~{args.peer_seconds} s; medians over rounds",
        "",
        "## Ratios",
        "",
        md_table(ratio_table, ".3g"),
        "",
        "## Every tool",
        "",
        md_table(table, ".4g"),
        "",
        "## Compile time (karate club, 100 runs; fresh process each)",
        "",
        md_table(compile_table, ".3g"),
        "",
    ]


def sis_laws_part(args):
    """SIS with non-exponential laws (the event-driven kernel) against EoN's
    non-Markovian SIS: the tables as markdown lines (`results_time_sis.md`)."""
    graphs = {
        "BA n=20k m=5" if args.quick else "BA n=100k m=5": ba_graph(
            20_000 if args.quick else 100_000
        ),
        "NetHEPT": spread.datasets.load("nethept"),
    }
    frames, ratios = [], []
    for name, g in graphs.items():
        print(f"{name}, SIS-NM ...", flush=True)
        frame, ratio, _ = run_case(name, g, "SIS-NM", args)
        print(frame.to_string(index=False), flush=True)
        frames.append(frame)
        ratios.append(ratio)
    compile_table = compile_times(("SIS-NM",))
    print(pd.DataFrame(ratios).to_string(index=False))
    print(compile_table.to_string(index=False))
    return [
        "# Non-Markovian SIS against EoN",
        "",
        "Written by `benchmarks/bench_time.py --part sis-laws` (read its docstring for the",
        "protocol; the SIS case with Gamma(2) gaps between an arc's transmissions at twice",
        "the Markovian case's rate, so that the regular gaps stay above the threshold, and",
        "Weibull(2) periods of mean 1). EoN 2.0's",
        "`fast_nonMarkov_SIS` fails on an undefined `rng`; `benchmarks/_peers.py` drives",
        "its event loop as that function would.",
        "",
        *header(),
        f"- Peers: {_versions('EoN')}",
        f"- Settings: {args.repeats} rounds, spread calls of ~{args.target} s, peer calls of"
        f" ~{args.peer_seconds} s; medians over rounds",
        "",
        "## Ratios",
        "",
        md_table(pd.DataFrame(ratios), ".3g"),
        "",
        "## Every tool",
        "",
        md_table(pd.concat(frames, ignore_index=True), ".4g"),
        "",
        "## Compile time (karate club, 100 runs; fresh process each)",
        "",
        md_table(compile_table, ".3g"),
        "",
    ]


def temporal_part(args):
    """Temporal IC against NDlib's DynSI: the tables as markdown lines."""
    machine = header()  # the load average at the start
    cases = {
        "Higgs retweets, first 24 hours" if args.quick else "Higgs retweets, hourly": (
            (lambda: higgs_contacts(24)) if args.quick else higgs_contacts,
            HIGGS_BETA,
        ),
        "BA n=20k, 100 matchings" if args.quick else "BA n=50k, 50 matchings": (
            (lambda: generated_contacts(20_000, 100))
            if args.quick
            else (lambda: generated_contacts(50_000, 50)),
            GEN_BETA,
        ),
    }
    frames, ratios, infos, agreements = [], [], [], []
    for name, (make, beta) in cases.items():
        print(f"{name}, temporal IC ...", flush=True)
        contacts = make()
        label = f"temporal SI, beta={beta:g} per contact"
        frame, ratio, info, agreement = temporal_case(name, contacts, beta, args, label)
        print(frame.to_string(index=False), flush=True)
        print(agreement.to_string(index=False), flush=True)
        agreements.append(agreement)
        frames.append(frame)
        ratios.append(ratio)
        infos.append(info)
    table = pd.concat(frames, ignore_index=True)
    ratio_table = pd.DataFrame(ratios)
    info_table = pd.DataFrame(infos)
    compile_table = compile_times(("TemporalIC",))
    print(ratio_table.to_string(index=False))
    print(info_table.to_string(index=False))
    print(compile_table.to_string(index=False))
    load_end = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return [
        MARK,
        "",
        "# Temporal IC on contact sequences against NDlib's DynSI",
        "",
        "Written by `benchmarks/bench_time.py --part temporal` (the model mapping is in the"
        " comment above `higgs_contacts`).",
        "",
        *machine,
        f"- Load average at the end: {load_end}",
        f"- Peers: {_versions('ndlib', 'dynetx')}",
        f"- Settings: {args.repeats} rounds, spread calls of ~{args.target} s, NDlib calls of"
        f" at least one run and ~{args.ndlib_seconds} s; medians over rounds",
        "",
        "## Ratios",
        "",
        md_table(ratio_table, ".3g"),
        "",
        "## Cases",
        "",
        md_table(info_table, ".4g"),
        "",
        "## Every tool",
        "",
        md_table(table, ".4g"),
        "",
        "## Agreement of final sizes",
        "",
        "A plain numpy sweep of the snapshots under each rule (per-contact: spread's"
        " model; min(1, beta k): NDlib's) against spread and NDlib. With a handful of"
        " NDlib runs of a bimodal size (outbreak or extinction) its z is not normal.",
        "",
        md_table(pd.concat(agreements, ignore_index=True), ".4g"),
        "",
        "## Compile time (karate club's edges as contacts, 100 runs; fresh process each)",
        "",
        md_table(compile_table, ".3g"),
        "",
    ]


def _versions(*packages):
    out = []
    for pkg in packages:
        try:
            out.append(f"{pkg} {importlib.metadata.version(pkg)}")
        except importlib.metadata.PackageNotFoundError:
            out.append(f"{pkg} not installed")
    return ", ".join(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--part", choices=("all", "static", "temporal", "sis-laws"), default="all")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--target", type=float, default=0.5, help="seconds per spread call")
    ap.add_argument("--peer-seconds", type=float, default=10.0, help="seconds per peer call")
    ap.add_argument(
        "--ndlib-seconds", type=float, default=30.0, help="seconds per NDlib call (temporal)"
    )
    args = ap.parse_args()
    if args.quick:
        args.repeats, args.target, args.peer_seconds, args.ndlib_seconds = 1, 0.2, 2.0, 2.0
    if args.part == "sis-laws":
        lines = sis_laws_part(args)
        if not args.quick:
            (HERE / "results_time_sis.md").write_text("\n".join(lines))
            print(f"wrote {HERE / 'results_time_sis.md'}")
        return
    path = HERE / "results_time.md"
    old = path.read_text() if path.exists() else ""
    old_static, _, old_temporal = old.partition(MARK)
    static = static_part(args) if args.part in ("all", "static") else None
    temporal = temporal_part(args) if args.part in ("all", "temporal") else None
    if args.quick:
        return
    text = "\n".join(static) if static is not None else old_static.rstrip() + "\n"
    if temporal is not None:
        text += "\n" + "\n".join(temporal)
    elif old_temporal:
        text += "\n" + MARK + old_temporal
    path.write_text(text)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
