"""Conditional RR sets, a prototype measured before it is built (issue 16: speed at equal
quality).

The idea
--------
An RR set's target v is covered by S when v is in S, whatever else the set holds; the
rest of the set matters only when v has a live in-arc, which under IC happens with
probability ``1 - q_v``, ``q_v = prod (1 - p_uv)`` over v's in-arcs (weighted cascade:
``(1 - 1/d)^d``, about 0.35; p = 0.01 on a BA graph of mean in-degree 10: about 0.9).
So, exactly,

    f(S) = sum_v (1 - q_v) P(R(v) hits S | v has a live in-arc) + sum_{v in S} q_v.

The second term is known: a modular bonus. The first is estimated from sets whose target
is drawn by ``w_v = 1 - q_v`` and whose target's first live in-arc is drawn given that
there is one (a truncated geometric: ``floor(log(1 - u (1 - q_v)) / log(1 - p_v))``), the
rest of the reverse search as usual: ``f(S) ~ W cov(S) / N + sum_{v in S} q_v``, ``W =
sum_v w_v``. A plain set whose target has no live in-arc is the target alone and says
only "v is in S or not", which the bonus now says exactly; every conditional set carries
information about the other nodes. The greedy maximises ``W/N count + q`` (coverage plus a
modular term: still monotone submodular).

What it measures
----------------
NetHEPT under weighted cascade and the BA graph of ``bench_im_cxx.py`` (n = 100,000,
m = 5, p = 0.01), k = 50, 4 streams per size: the greedy's seeds on N plain RR sets (the
library's sampler, stratified targets) and on N conditional ones (this file's prototype
kernel, its targets stratified by weight quantiles as the library's `_stratum` and
`_root` do, the quantile found through a guide table), each scored on one reference collection of plain RR sets (6M / 40M, as
``bench_rr_quality.py``); sampling time per set on one thread for both; and, as a check
of the estimator, the top-degree 50 nodes' spread estimated from 1.44M conditional sets
against the reference (the two must agree within their standard errors). At each size,
OPIM-C's overfitting guard as the library applies it (`stability` 0.01: a second
collection makes its own choice, each choice is scored on the other collection, and the
guard settles when the paired difference is within 1% plus two standard errors): its
statistic and the streams at which it would settle, for plain and conditional sets (in
spread units for the latter, the known bonus included, where it cancels in the
difference).

This file is the prototype, measured before the library drew such sets (`RRSets(...,
conditional=...)`, which OPIM-C uses where they pay): its kernel handles nodes whose
in-arcs share one probability (weighted cascade, uniform p), which both cases are.

How to run
----------
From the repository root::

    python benchmarks/bench_conditional.py   # ~5 minutes on 2 cores

It prints its rows as they come and writes ``benchmarks/results_conditional.md``.
"""

import statistics
import time
from pathlib import Path

import bench_im
import numpy as np
import pandas as pd
from _report import header, md_table
from numba import njit

from spread.im import RRSets
from spread.im._coverage_kernels import _start, _take
from spread.im._ic_sampler import shared_in_probability
from spread.im._rrset_kernels import _next_uniform, _push, _run_state, _strata, _stratum
from spread.im.opim import _cross_check
from spread.im.rrsets import coverage, greedy

OUT = Path(__file__).resolve().parent / "results_conditional.md"
K = 50
STREAMS = 4
CASES = {
    "NetHEPT WC": ("NetHEPT", "WC", (18_000, 36_000, 72_000, 144_000, 288_000), 6_000_000),
    "BA p=0.01": (
        "BA-100k",
        "p=0.01",
        (45_000, 90_000, 180_000, 360_000, 720_000, 1_440_000),
        40_000_000,
    ),
}


@njit(cache=True, inline="always")
def _guided_root(x, root_nodes, root_cum, guide, stratum, m):
    """`_root`'s weighted target (the quantile ``(stratum + x) / m`` of the weights),
    found from a guide table instead of a binary search: ``guide[i]`` is the first index
    whose cumulative weight passes ``i / m`` of the total, so a short forward walk from
    it ends at the same index as ``searchsorted(root_cum, u * total, "right")``."""
    u = (stratum + x) / m
    t = u * root_cum[-1]
    i = guide[min(np.int64(u * m), m - 1)]
    while i < root_cum.shape[0] - 1 and root_cum[i] <= t:
        i += 1
    return np.int64(root_nodes[i])


def guide_table(root_cum):
    m = root_cum.shape[0]
    cuts = np.arange(m) / m * root_cum[-1]
    return np.searchsorted(root_cum, cuts, side="right").astype(np.int64)


@njit(cache=True)
def conditional_sets(
    indptr, indices, node_p, inv_log, q, root_nodes, root_cum, guide, root, r0, r1
):
    """Conditional RR sets ``r0 .. r1 - 1`` (shared in-probabilities only)."""
    n = indptr.shape[0] - 1
    m, lo_bits, mask_lo, mask_hi, memo = _strata(n, root_nodes)
    stamp = np.zeros(n, np.int32)
    members = np.empty(4 * (r1 - r0) + 16, np.int32)
    offsets = np.zeros(r1 - r0 + 1, np.int64)
    pos = 0
    for r in range(r0, r1):
        tag = np.int32(r - r0 + 1)
        state = _run_state(root, r)
        state, x = _next_uniform(state)
        cell = _stratum(root, 0, r, m, lo_bits, mask_lo, mask_hi, memo)
        v = _guided_root(x, root_nodes, root_cum, guide, cell, m)
        members, pos = _push(members, pos, stamp, tag, v)
        head = pos - 1
        target = True
        while head < pos:
            w = members[head]
            head += 1
            a, b, pw = indptr[w], indptr[w + 1], node_p[w]
            if pw <= 0.0 or a == b:
                target = False
                continue
            j = a
            if target:  # its first live in-arc, given that it has one
                target = False
                if pw < 1.0:
                    state, x = _next_uniform(state)
                    j = a + min(np.int64(np.log(1.0 - x * (1.0 - q[w])) * inv_log[w]), b - a - 1)
                members, pos = _push(members, pos, stamp, tag, indices[j])
                j += 1
            while j < b:
                if pw < 1.0:
                    state, x = _next_uniform(state)
                    skip = np.log(1.0 - x) * inv_log[w]
                    if skip >= b - j:
                        break
                    j += np.int64(skip)
                members, pos = _push(members, pos, stamp, tag, indices[j])
                j += 1
        offsets[r - r0 + 1] = pos
    return offsets, members[:pos].copy()


@njit(cache=True)
def greedy_with_bonus(offsets, members, n, k, scale, bonus):
    """Greedy maximum of ``scale * sets covered + sum of bonus`` over k nodes (the
    library's inverted index and step, `_start` and `_take`; a plain scan for the best
    node: the gains are not integers)."""
    ptr, ids, cov, done, chosen = _start(offsets, members, n, np.zeros(n, np.bool_))
    seeds = np.empty(k, np.int64)
    for t in range(k):
        best, pick = -1.0, -1
        for v in range(n):
            if not chosen[v] and scale * cov[v] + bonus[v] > best:
                best, pick = scale * cov[v] + bonus[v], v
        seeds[t] = pick
        _take(pick, offsets, members, ptr, ids, cov, done, chosen)
    return seeds


def conditioning(g, model):
    """Per node: shared in-probability, ``1 / log(1 - p)``, q; the weighted targets."""
    node_p = shared_in_probability(g, model.arc_probabilities(g))
    assert (node_p >= 0).all(), "the prototype needs shared in-probabilities"
    deg = np.diff(g.in_indptr)
    inside = (node_p > 0) & (node_p < 1)
    inv_log = np.zeros(g.n_nodes)
    inv_log[inside] = 1.0 / np.log1p(-node_p[inside])
    q = np.where((deg > 0) & (node_p > 0), (1.0 - node_p) ** deg, 1.0)
    nodes = np.flatnonzero(q < 1.0).astype(np.int64)
    return node_p, inv_log, q, nodes, np.cumsum(1.0 - q[nodes])


def main():
    built, _ = bench_im.build_graphs(100_000)
    models = bench_im.make_models()
    rows, timing, checks = [], [], []
    t_start = time.perf_counter()
    for case, (gname, mname, sizes, n_ref) in CASES.items():
        g, model = built[gname], models[mname]
        n = g.n_nodes
        allowed, fixed = np.ones(n, np.bool_), np.zeros(n, np.bool_)
        node_p, inv_log, q, nodes, cum = conditioning(g, model)
        big_w = cum[-1]
        guide = guide_table(cum)
        args = (g.in_indptr, g.in_indices, node_p, inv_log, q, nodes, cum, guide)
        check = np.random.default_rng(0).random(20_000) * nodes.size  # stratum + x
        cells = np.floor(check).astype(np.int64)
        got = [
            _guided_root(x - c, nodes, cum, guide, c, nodes.size)
            for x, c in zip(check, cells, strict=True)
        ]
        u = check / nodes.size * cum[-1]  # the guide finds the binary search's index
        assert np.array_equal(
            got, nodes[np.minimum(np.searchsorted(cum, u, "right"), nodes.size - 1)]
        )
        ref = RRSets(g, model, np.uint64(999_999), n_threads=2).extend(n_ref)

        def spread_of(seeds, ref=ref, n=n, n_ref=n_ref, fixed=fixed):
            return coverage(ref, np.asarray(seeds, np.int64), fixed) * n / n_ref

        conditional_sets(*args, np.uint64(1), 0, 100)  # compile
        for stream in range(STREAMS):
            for size in sizes:
                plain = RRSets(g, model, np.uint64(10 + 2 * stream)).extend(size)
                t0 = time.perf_counter()
                off, mem = conditional_sets(*args, np.uint64(5000 + stream), 0, size)
                t_cond = time.perf_counter() - t0
                seeds = greedy_with_bonus(off, mem, n, K, big_w / size, q)
                off2, mem2 = conditional_sets(*args, np.uint64(6000 + stream), 0, size)
                seeds2 = greedy_with_bonus(off2, mem2, n, K, big_w / size, q)
                plain2 = RRSets(g, model, np.uint64(11 + 2 * stream)).extend(size)
                s1 = greedy(plain, K, allowed, fixed)[0]
                s2 = greedy(plain2, K, allowed, fixed)[0]
                row = {
                    "case": case,
                    "stream": stream,
                    "N": size,
                    "plain": spread_of(s1),
                    "conditional": spread_of(seeds),
                    "conditional set size": mem.size / size,
                    "plain set size": plain.n_members / size,
                    **guard("plain", (plain.flat(), plain2.flat()), s1, s2, n, 1.0, 0.0),
                    **guard(
                        "conditional",
                        ((off, mem), (off2, mem2)),
                        seeds,
                        seeds2,
                        n,
                        big_w / size,
                        q[seeds].sum() + q[seeds2].sum(),
                    ),
                }
                rows.append(row)
                print(row, f"{t_cond:.3f} s", flush=True)
        # Sampling time per set, one thread, 3 repeats at the largest size.
        size = sizes[-1]
        plain_s, cond_s = [], []
        for rep in range(3):
            t0 = time.perf_counter()
            RRSets(g, model, np.uint64(70 + rep)).extend(size)
            plain_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            conditional_sets(*args, np.uint64(80 + rep), 0, size)
            cond_s.append(time.perf_counter() - t0)
        timing.append(
            {
                "case": case,
                "N": size,
                "plain ns/set": statistics.median(plain_s) / size * 1e9,
                "conditional ns/set": statistics.median(cond_s) / size * 1e9,
            }
        )
        # The estimator: the top-degree 50 nodes' spread, conditional against reference.
        top = np.argsort(-np.diff(g.indptr), kind="stable")[:K]
        off, mem = conditional_sets(*args, np.uint64(90), 0, sizes[-1])
        hit = _hits(off, mem, top, n)
        est = big_w * hit.mean() + q[top].sum()
        ref_hit = coverage(ref, top, fixed)
        checks.append(
            {
                "case": case,
                "conditional estimate": est,
                "its se": big_w * hit.std(ddof=1) / np.sqrt(hit.size),
                "reference": ref_hit * n / n_ref,
                "reference se": n * np.sqrt(ref_hit * (1 - ref_hit / n_ref)) / n_ref,
            }
        )
        print(timing[-1], checks[-1], flush=True)
        del ref
    write(pd.DataFrame(rows), pd.DataFrame(timing), pd.DataFrame(checks), t_start)


@njit(cache=True)
def _by_both(offsets, members, n, s1, s2):
    """Sets hit by S1, by S2 and by either (`opim._cross_check`'s counts)."""
    mark = np.zeros(n, np.int8)
    for v in s1:
        mark[v] |= 1
    for v in s2:
        mark[v] |= 2
    by1 = by2 = either = 0
    for s in range(offsets.shape[0] - 1):
        hit = 0
        for i in range(offsets[s], offsets[s + 1]):
            hit |= mark[members[i]]
        by1 += hit & 1
        by2 += (hit >> 1) & 1
        either += hit > 0
    return by1, by2, either


def guard(name, collections, s1, s2, n, scale, bonus):
    """OPIM-C's overfitting guard (`opim._settled`, stability 0.01) on two collections
    and their own choices, in spread units: ``scale`` per set, plus the known `bonus`
    of both choices (conditional sets), which cancels in the difference."""
    (o1, m1), (o2, m2) = collections
    on_r1, on_r2 = _by_both(o1, m1, n, s1, s2), _by_both(o2, m2, n, s1, s2)
    own, cross, discordant = _cross_check(on_r1, on_r2)
    own, cross = scale * own + bonus, scale * cross + bonus
    settled = own - cross <= 0.01 * cross + 2.0 * scale * np.sqrt(discordant)
    return {f"{name} guard statistic": own / cross - 1, f"{name} settled": bool(settled)}


def _hits(offsets, members, seeds, n):
    mark = np.zeros(n, np.bool_)
    mark[seeds] = True
    inside = mark[members]
    return np.add.reduceat(inside, offsets[:-1]) > 0


def write(rows, timing, checks, t_start):
    table = (
        rows.groupby(["case", "N"])
        .agg(
            plain=("plain", "mean"),
            plain_worst=("plain", "min"),
            conditional=("conditional", "mean"),
            conditional_worst=("conditional", "min"),
            plain_size=("plain set size", "mean"),
            conditional_size=("conditional set size", "mean"),
            plain_guard=("plain guard statistic", "mean"),
            plain_settled=("plain settled", "sum"),
            conditional_guard=("conditional guard statistic", "mean"),
            conditional_settled=("conditional settled", "sum"),
        )
        .reset_index()
    )
    lines = [
        "# Conditional RR sets, a prototype (issue 16)",
        "",
        *header(),
        f"- `benchmarks/bench_conditional.py`, {time.perf_counter() - t_start:.0f} s",
        "",
        __doc__.split("The idea\n--------\n", 1)[1].split("\nHow to run")[0],
        f"## Seeds' spread by RR sets per collection (mean and worst of {STREAMS} streams)",
        "",
        md_table(table, ".4g"),
        "",
        "## Sampling time, one thread (median of 3)",
        "",
        md_table(timing, ".4g"),
        "",
        "## The estimator against the reference (top-degree 50 nodes)",
        "",
        md_table(checks, ".5g"),
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
