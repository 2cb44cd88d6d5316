"""Golden results: the outputs of every public entry point for fixed `rng`.

Recorded once (``python tests/golden.py --write``) and compared bit for bit by
`tests/test_golden.py`, so that a refactoring that moves code around cannot change an
answer without a word. A deliberate change of a random stream is re-recorded once, for
the cases it touches (``--write CASE ...``), and named in the commit.

Every case is a function returning a flat dict of plain values (ints, floats, strings,
lists of them); floats are stored with ``repr`` precision, so equality is exact.
"""

import json
import math
import sys
import warnings
from pathlib import Path

import numpy as np

GOLDEN = Path(__file__).with_name("golden.json")
CASES = {}
SLOW = set()


def case(func=None, *, slow=False):
    def register(f):
        CASES[f.__name__] = f
        if slow:
            SLOW.add(f.__name__)
        return f

    return register(func) if func is not None else register


def plain(value):
    """JSON-ready copy: arrays to lists, NaN and infinities to strings."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, np.generic):
        return plain(value.item())
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value)
    return value


def _karate():
    import spread

    return spread.datasets.load("karate")


def _nethept():
    import spread

    return spread.datasets.load("nethept")


def _spread_result(res):
    return {
        "final_sizes": res.final_sizes,
        "new_per_step": res.new_per_step.sum(axis=0),
        "node_probability": res.node_probability,
        "mean": res.mean,
        "stderr": res.stderr,
    }


def _selection(sel):
    return {
        "seeds": sel.seeds,
        "gains": sel.gains,
        "spread": sel.spread,
        "stderr": sel.spread_stderr,
        "prefix_spread": sel.prefix_spread,
        "prefix_stderr": sel.prefix_stderr,
        "n_samples": sel.n_samples,
        "guarantee": sel.guarantee,
        "failure_probability": sel.failure_probability,
    }


def _fit(res, forecast=None):
    out = {
        "model": res.model,
        "params": res.params,
        "stderr": res.stderr,
        "ci": {k: [v[0], v[1]] for k, v in _intervals(res).items()},
        "loss": res.loss,
        "loglik": res.loglik,
        "status": res.status,
        "nit": res.nit,
        "nfev": res.nfev,
    }
    if forecast is not None:
        out["forecast"] = {c: forecast[c].to_numpy() for c in forecast.columns}
    return out


def _intervals(res):
    """The intervals stored with a fit (named `ci` before the one-house redesign)."""
    stored = getattr(res, "intervals", None)
    return stored if stored is not None else res.intervals


# ------------------------------------------------------------------ simulate
@case
def simulate_ic_uniform():
    import spread

    res = spread.simulate(_nethept(), [100, 474, 287], spread.IC(p=0.05), n_runs=400, rng=3)
    return _spread_result(res)


@case
def simulate_ic_wc_keep_times():
    import spread

    res = spread.simulate(_karate(), [0, 33], spread.IC(p="wc"), n_runs=50, rng=1, keep_times=True)
    return {**_spread_result(res), "times": res.activation_times}


@case
def simulate_ic_trivalency_external():
    import spread

    g = _karate()
    a = spread.simulate(g, [0], spread.IC(p="trivalency", rng=2), n_runs=200, rng=5)
    b = spread.simulate(g, [5], spread.IC(p=0.1, external=0.02), n_runs=200, max_steps=6, rng=5)
    return {"trivalency": _spread_result(a), "external": _spread_result(b)}


@case
def simulate_lt():
    import spread

    g = _nethept()
    a = spread.simulate(g, [100, 474, 287], spread.LT(), n_runs=400, rng=4)
    law = spread.simulate(
        _karate(), [0], spread.LT(threshold_law=("beta", 2, 5)), n_runs=300, rng=4
    )
    theta = np.linspace(0.05, 1.0, 34)
    fixed = spread.simulate(_karate(), [0, 1], spread.LT(thresholds=theta), n_runs=3, rng=4)
    return {"wc": _spread_result(a), "law": _spread_result(law), "fixed": _spread_result(fixed)}


@case
def simulate_seed_sets():
    import spread

    res = _simulate_sets(_karate(), [[0], [33], [5, 6]], spread.IC(p=0.1), n_runs=300, rng=1)
    return {str(i): _spread_result(r) for i, r in enumerate(res)}


def _simulate_sets(graph, seed_sets, model, **kwargs):
    import spread

    many = getattr(spread, "simulate_sets", None)
    if many is not None:
        return many(graph, seed_sets, model, **kwargs)
    return spread.simulate(graph, seed_sets, model, **kwargs)


def _heat(graph, seeds, model, times):
    import spread

    solve = getattr(spread, "solve", None)
    if solve is not None:
        return solve(graph, seeds, model, times=times)
    return spread.simulate(graph, seeds, model, times=times)


@case
def heat():
    import spread

    g = _karate()
    a = _heat(g, [0, 33], spread.Heat(beta=0.3, threshold=0.02), [0.0, 0.5, 1.0, 4.0])
    nethept = _nethept()
    b = _heat(nethept, [100, 474], spread.Heat(beta=0.02, threshold=0.005), np.arange(6.0))
    d = spread.Graph.from_edges([0, 1, 2, 2], [1, 2, 0, 3])
    c = _heat(d, {0: 2.0}, spread.Heat(beta=1.5), [0.3, 2.0])
    n = _heat(g, [3], spread.Heat(beta=0.4, kind="normalized"), [1.0])
    return {
        "karate": a.heat,
        "adopted": a.adopted,
        "bound": a.error_bound,
        "nethept_total": b.total_heat,
        "nethept_adopted": b.adopted,
        "nethept_max": b.max_heat,
        "directed": c.heat,
        "normalized": n.heat,
    }


# ------------------------------------------------------------------ maximize
@case
def maximize_rr():
    import spread

    g = _nethept()
    out = {}
    for method in ("imm", "opim-c"):
        sel = _maximize(g, 10, spread.IC(p="wc"), method=method, eps=0.3, rng=0, n_eval_runs=500)
        out[method] = _selection(sel)
    lt = _maximize(g, 5, spread.LT(), method="imm", eps=0.3, rng=1, n_eval_runs=500)
    out["imm_lt"] = _selection(lt)
    uni = _maximize(
        _karate(),
        3,
        spread.IC(p=0.1),
        method="opim-c",
        eps=0.2,
        rng=2,
        n_eval_runs=300,
        exclude=[0],
        fixed=[33],
    )
    out["opim_constrained"] = _selection(uni)
    plain_imm = _maximize(
        _karate(), 2, spread.IC(p=0.1), method="imm", eps=0.2, rng=0, n_eval_runs=300, stability=0
    )
    out["imm_textbook"] = _selection(plain_imm)
    return out


def _has_n_eval_runs():
    import inspect

    import spread

    return "n_eval_runs" in inspect.signature(spread.maximize).parameters


def _maximize(graph, k, model, **kwargs):
    import spread

    if _has_n_eval_runs() and "n_eval" in kwargs:
        kwargs["n_eval_runs"] = kwargs.pop("n_eval")
    return spread.maximize(graph, k, model, **kwargs)


@case
def influence_index_horizon():
    """RR sets under a horizon, with ties: CTIC with fixed delays (equal distances) and
    timestamped contacts at whole-number times (equal deadlines; from a start at which
    contacts happen, which pass nothing on), beside a continuous law. The reverse Dijkstra's order among equal keys decides which draws of the
    stream go to which arc, so these pin its heap bit for bit."""
    import spread

    g = _karate()
    rng = np.random.default_rng(0)
    src, dst = rng.integers(0, 34, 400), rng.integers(0, 34, 400)
    keep = src != dst
    times = rng.integers(0, 12, 400).astype(float)
    contacts = spread.TemporalGraph.from_contacts(
        src[keep], dst[keep], times[keep], labels=np.arange(34)
    )
    cases = {
        "ctic_fixed": (g, spread.CTIC(p=0.6, delay=("fixed", 1.0)), 2.5),
        "ctic_weibull": (g, spread.CTIC(p=0.4, delay=("weibull", 1.5, 1.0)), 2.5),
        "temporal_every": (contacts, spread.TemporalIC(p=0.5, start=3.0), 6.0),
        "temporal_first": (contacts, spread.TemporalIC(p=0.5, attempts="first"), None),
    }
    out = {}
    for name, (graph, model, horizon) in cases.items():
        index = spread.InfluenceIndex.build(
            graph, model, n_rr_sets=20_000, rng=3, horizon=horizon, progress=False
        )
        out[name] = [index.estimate(s).mean for s in ([0], [33], [0, 33], [5, 16, 24])]
        out[f"{name}_top"] = index.top(3)["node"].tolist()
    return out


@case
def maximize_celf_and_heuristics():
    import spread

    g = _karate()
    out = {}
    out["celf"] = _selection(
        _maximize(g, 3, spread.IC(p=0.1), method="celf", n_runs=200, rng=0, n_eval_runs=300)
    )
    out["celf_lt"] = _selection(
        _maximize(g, 2, spread.LT(), method="celf", n_runs=100, rng=1, n_eval_runs=300, fixed=[0])
    )
    for method in ("degree", "degree-discount", "pagerank", "random"):
        sel = _maximize(g, 4, spread.IC(p=0.1), method=method, rng=7, n_eval_runs=300)
        out[method] = _selection(sel)
    return out


@case
def maximize_heat():
    import spread

    g = _karate()
    out = {}
    for method in ("heat-top", "heat-greedy"):
        sel = spread.maximize(
            g, 3, spread.Heat(beta=0.3, threshold=0.05), method=method, horizon=2.0
        )
        out[method] = _selection(sel)
    return out


# ------------------------------------------------------------------ curve fits
@case
def curve_fits():
    from spread import fit

    out = {}
    bass_trend = fit.simulate_trend("bass", {"m": 8000, "p": 0.01, "q": 0.4}, 30, rng=1)
    out["bass"] = _fit(fit.fit_bass(bass_trend), fit.fit_bass(bass_trend).forecast(5, rng=0))
    out["bass_poisson"] = _fit(fit.fit_bass(bass_trend, loss="poisson"))
    lg = fit.simulate_trend("logistic", {"K": 5000, "r": 0.5, "tm": 15}, 40, rng=0)
    out["logistic"] = _fit(fit.fit_logistic(lg))
    gz = fit.simulate_trend("gompertz", {"K": 5000, "c": 0.3, "tm": 12}, 40, rng=0)
    out["gompertz"] = _fit(fit.fit_gompertz(gz, loss="poisson"))
    si = fit.simulate_trend("si", {"N": 2000, "beta": 0.6, "i0": 2}, 30, rng=0)
    out["si"] = _fit(fit.fit_si(si, population=2000, loss="poisson"))
    sir = fit.simulate_trend("sir", {"N": 10_000, "beta": 0.8, "gamma": 0.3, "i0": 5}, 60, rng=0)
    out["sir"] = _fit(fit.fit_sir(sir, population=10_000))
    out["bass_profile"] = _fit(fit.fit_bass(bass_trend[:20], ci_method="profile"))
    return out


@case
def curve_bootstrap():
    from spread import fit

    trend = fit.simulate_trend("bass", {"m": 5e3, "p": 0.01, "q": 0.4}, 30, rng=0)
    res = fit.fit_bass(trend)
    boot = res.bootstrap(12, rng=7)
    draws = res.simulate(np.arange(30, 33), 4, rng=3, with_uncertainty=True)
    return {"params": boot.params.to_numpy(), "n_failed": boot.n_failed, "draws": draws}


@case
def hawkes():
    from spread import fit

    times = fit.simulate_hawkes(0.5, 0.6, 2.0, 1000.0, rng=0)
    ev = fit.fit_hawkes(times)
    binned = fit.fit_hawkes(
        fit.Trend.from_timestamps(
            fit.simulate_hawkes(2.0, 0.5, 1.0, 300.0, rng=1), freq=1.0, start=0.0
        ),
        loss="poisson",
    )
    return {
        "events": _fit(ev, ev.forecast(4, rng=1)),
        "binned": _fit(binned, binned.forecast(3, rng=1)),
        "loglik": fit.hawkes_loglik(np.array([0.5, 1.0, 3.0]), 4.0, 0.5, 0.5, 1.0),
        "n_times": len(times),
    }


@case
def rolling_origin_and_compare():
    from spread import fit

    tr = fit.simulate_trend("bass", {"m": 5000, "p": 0.01, "q": 0.5}, 40, rng=0)
    table = fit.compare([fit.fit_bass(tr[:30]), fit.fit_logistic(tr[:30])], test=tr[30:])
    ro = fit.rolling_origin(tr, {"bass": fit.fit_bass}, origins=[25, 30], horizon=5, rng=0)
    numeric = [c for c in ro.columns if ro[c].dtype.kind in "fib" and c != "seconds"]
    return {
        "compare": {c: table[c].to_numpy() for c in table.columns if table[c].dtype.kind in "fib"},
        "rolling": {c: ro[c].to_numpy() for c in numeric},
    }


# ------------------------------------------------------------------ network fits
def _ic_counts():
    import spread

    g = _karate()
    truth = spread.simulate(g, [0], spread.IC(p=0.3), n_runs=1, max_steps=7, rng=0)
    return g, truth.new_per_step[0]


@case
def ic_estimator():
    from spread.fit import ICEstimator

    g, counts = _ic_counts()
    out = {}
    for name, kwargs in {
        "mc": {"n_runs": 300},
        "dmp": {"method": "dmp", "n_runs": 100},
        "negbin": {"loss": "negbin", "n_runs": 300},
        "external": {"method": "dmp", "external": True, "n_runs": 100},
        "scale": {"base": "wc", "n_runs": 200},
    }.items():
        est = ICEstimator(ci_method=None, rng=0, **kwargs).fit(g, counts, seeds=[0])
        out[name] = _fit(
            est.result_, est.forecast(3, n_paths=20, rng=0) if name != "scale" else None
        )
        out[name]["p_"] = est.p_
    rule = ICEstimator(method="dmp", ci_method=None, rng=0).fit(g, counts, seeds="random:1")
    out["rule_random"] = {"seeds": rule.seeds_, "p": rule.p_}
    return out


@case
def ic_estimator_bootstrap():
    from spread.fit import ICEstimator

    g, counts = _ic_counts()
    est = ICEstimator(method="dmp", n_runs=50, n_resamples=6, rng=1).fit(g, counts, seeds=[0])
    return _fit(est.result_)


@case
def lt_estimator():
    import spread
    from spread.fit import LTEstimator

    g = _karate()
    w = spread.weights.weighted_cascade(g) * 0.6
    truth = spread.simulate(g, [0, 33], spread.LT(weights=w), n_runs=1, max_steps=6, rng=4)
    counts = truth.new_per_step[0]
    a = LTEstimator(n_runs=200, ci_method=None, rng=0).fit(g, counts, seeds=[0, 33])
    b = LTEstimator(parameter="threshold_mean", n_runs=200, ci_method=None, rng=0).fit(
        g, counts, seeds=[0, 33]
    )
    return {"scale": _fit(a.result_), "threshold_mean": _fit(b.result_)}


@case
def heat_estimator():
    import spread
    from spread.fit import HeatEstimator

    g = _karate()
    times = [0.5, 1.0, 2.0]
    states = _heat(g, [0, 33], spread.Heat(beta=0.3), times).heat
    noisy = states + np.random.default_rng(0).normal(0, 0.001, states.shape)
    a = HeatEstimator().fit(g, noisy, seeds=[0, 33], times=times)
    counts = _heat(g, [0], spread.Heat(beta=0.2, threshold=0.02), np.arange(8.0)).adopted
    trend = np.diff(counts, prepend=0)
    b = HeatEstimator(threshold=0.02, ci_method=None).fit(g, trend, seeds=[0])
    return {"states": _fit(a.result_), "trend": _fit(b.result_)}


@case
def dmp():
    import spread
    from spread.fit import dmp_ic

    g = _karate()
    new, marg = _dmp(dmp_ic, g, [0, 33], 0.2, 6)
    tree = spread.Graph.from_edges([0, 1, 2], [1, 2, 3])
    new2, marg2 = _dmp(dmp_ic, tree, [0], 0.5, 4)
    return {"new": new, "marginals": marg, "path_new": new2, "path_marginals": marg2}


def _dmp(dmp_ic, graph, seeds, p, n_steps):
    import inspect

    if "max_steps" in inspect.signature(dmp_ic).parameters:
        return dmp_ic(graph, seeds, p, max_steps=n_steps - 1)
    return dmp_ic(graph, seeds, p, n_steps=n_steps)


# ------------------------------------------------------------------ cascades
@case
def cascade_fits():
    import spread
    from spread import fit

    g = _karate()
    cs = fit.simulate_cascades(g, spread.IC(p=0.2), n_cascades=60, rng=0)
    out = {"sizes": cs.sizes.to_numpy(), "nodes": cs.data["node"].to_numpy()}
    out["ic"] = _fit(fit.fit_ic(cs))
    node = fit.fit_ic(cs, granularity="node", penalty=1.0)
    out["ic_node"] = {**_fit(node), "arc_p": node.diagnostics["arc_p"]}
    edge = fit.fit_ic(cs, granularity="edge")
    out["ic_edge"] = {**_fit(edge), "arc_p": edge.diagnostics["arc_p"]}
    out["exposure"] = fit.exposure_curve(cs)["probability"].to_numpy()
    lt_cs = fit.simulate_cascades(g, spread.LT(), seeds=[[0], [33], [5]], rng=0)
    out["lt"] = _fit(fit.fit_lt(lt_cs, threshold_law="power"))
    out["lt_beta"] = _fit(fit.fit_lt(lt_cs))
    return out


@case
def netrate():
    from spread import fit

    g = _karate()
    cs = fit.simulate_ctic(g, 0.5, horizon=3.0, n_cascades=20, rng=0)
    est = fit.NetRateEstimator().fit(g, cs)
    edge = fit.NetRateEstimator(granularity="edge", penalty=1.0).fit(g, cs)
    ray = fit.simulate_ctic(g, 0.5, kernel="rayleigh", horizon=3.0, n_cascades=10, rng=1)
    return {
        "sizes": cs.sizes.to_numpy(),
        "times": cs.data["time"].to_numpy(),
        "global": _fit(est.result_),
        "edge_alpha": edge.alpha_,
        "rayleigh_sizes": ray.sizes.to_numpy(),
    }


@case
def weights_and_data():
    import spread
    from spread.fit import Trend

    g = _karate()
    tri = spread.weights.trivalency(g, rng=3)
    rnd = spread.weights.uniform_random(g, 0.0, 0.2, rng=3)
    tr = Trend.from_timestamps(["2024-03-01 10:05", "2024-03-01 10:50", "2024-03-01 13:20"])
    higgs = spread.datasets.load_trend("higgs", start="2012-07-04")
    return {
        "trivalency": tri,
        "uniform_random": rnd,
        "trend": tr.counts,
        "higgs": higgs.counts,
    }


# ------------------------------------------------------------------ the demo
@case(slow=True)
def demo_quick():
    import tempfile

    try:
        from spread.cli.demo import run
    except ImportError:
        from spread.demo import run

    with tempfile.TemporaryDirectory() as tmp:
        folder = run(tmp, quick=True, echo=False, progress=False)
        facts = json.loads((folder / "summary.json").read_text())
    for key in ("date", "elapsed", "step_seconds"):
        facts.pop(key, None)
    for sel in facts["selections"]:
        sel.pop("seconds", None)
    return facts


@case(slow=True)
def demo_full():
    """The demo's full settings: the IC fit on the 256,491-node retweet network included."""
    import tempfile

    try:
        from spread.cli.demo import run
    except ImportError:
        from spread.demo import run

    with tempfile.TemporaryDirectory() as tmp:
        folder = run(tmp, echo=False, progress=False)
        facts = json.loads((folder / "summary.json").read_text())
    for key in ("date", "elapsed", "step_seconds"):
        facts.pop(key, None)
    for sel in facts["selections"]:
        sel.pop("seconds", None)
    return facts


# ------------------------------------------------------------------ driver
def compute(name):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return plain(CASES[name]())


def main(argv):
    if not argv or argv[0] != "--write":
        print(__doc__)
        return 2
    names = argv[1:] or list(CASES)
    stored = json.loads(GOLDEN.read_text()) if GOLDEN.exists() else {}
    for name in names:
        print(f"recording {name}", flush=True)
        stored[name] = compute(name)
    GOLDEN.write_text(json.dumps(stored, indent=1, sort_keys=True) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
