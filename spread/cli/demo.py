"""`spread demo`: the main job end to end on bundled data, written up as a report folder.

The demo loads NetHEPT, simulates IC, LT and heat diffusion from the same seeds and
compares their adoption curves; chooses 20 seeds with IMM and by degree and evaluates
both on fresh samples; fits the Bass model and an IC model on the retweet network
(seeded with the users who retweeted in the burst's first hour) to the Higgs-boson
retweet burst, forecasts the held-out part and scores the forecasts; and writes ``report.md`` with the numbers, PNG figures, and the
CSV/JSON tables behind them. Everything is offline and seeded by one `rng`.

Examples
--------
>>> from spread.cli import demo
>>> demo.FULL.k, demo.FULL.train_hours
(20, 48)
>>> # demo.run("spread-demo") writes spread-demo/report.md (about a minute)
"""

import argparse
import datetime
import json
import math
import time
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .. import datasets, maximize, simulate, solve
from .._common import progress_bar
from ..models import IC, LT, Heat
from ._common import plain, seed_table, subparser
from ._files import out_folder
from ._report import SERIES_START, TREND_START, report
from ._types import seed_root

__all__ = ["DemoSettings", "add_parser", "fit_ic_to_trend", "main", "run"]


@dataclass(frozen=True)
class DemoSettings:
    """Sizes of the demo's work (`run` picks the full or the quick set).

    Attributes
    ----------
    n_seeds : int
        Seeds (the highest-degree authors) for the model comparison.
    n_runs : int
        Monte Carlo runs per model.
    heat_beta, heat_threshold : float
        Heat diffusion rate and adoption read-out.
    heat_times : tuple of float
        Times at which heat is read.
    k : int
        Seeds chosen by IMM and by degree.
    eps : float
        IMM's slack.
    n_eval_runs : int
        Forward runs that evaluate each seed set.
    train_hours : int
        Hours of the Higgs burst used to fit; the rest is held out.
    ic_fit : bool
        Fit the IC model too (about 35 s on 2 cores, on the 256,491-node retweet
        network; the quick settings skip it).
    ic_seeds : str
        Seeds of the IC fit: ``"first-hour"`` (the users who retweeted in the trend's
        first hour, from ``datasets.load_cascades("higgs-adopters")``) or a seed rule
        of `spread.fit.ICEstimator` such as ``"top-degree:20"``.
    ic_method : str
        ``"dmp"`` (message passing, deterministic) or ``"mc"`` (Monte Carlo).
    ic_runs : int
        Simulations per evaluation (``"mc"``) and for predictions.
    ic_period : float or None
        Period (hours) of the daily cycle of spontaneous adoption in the IC fit
        (`spread.fit.ICEstimator`'s `period`); None: constant.
    forecast_paths : int
        Simulated paths behind each forecast band.
    """

    n_seeds: int = 10
    n_runs: int = 10_000
    heat_beta: float = 0.02
    heat_threshold: float = 0.005
    heat_times: tuple = field(default=tuple(float(t) for t in range(31)))
    k: int = 20
    eps: float = 0.1
    n_eval_runs: int = 10_000
    train_hours: int = 48
    ic_fit: bool = True
    ic_seeds: str = "first-hour"
    ic_method: str = "dmp"
    ic_runs: int = 100
    ic_period: float | None = 24.0
    forecast_paths: int = 50


FULL = DemoSettings()


QUICK = DemoSettings(
    n_runs=300, k=5, eps=0.3, n_eval_runs=500, ic_fit=False, ic_runs=20, forecast_paths=30
)


_DPI = 130


def _figure(size=(6.4, 4.0)):
    """A figure not tied to any GUI backend (pyplot is not used)."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=size, layout="constrained")
    return fig, fig.subplots()


def _save(fig, folder, name):
    path = folder / name
    fig.savefig(path, dpi=_DPI)
    return path


def _compare_models(g, seeds, s, rng, progress):
    models = {
        "IC (weighted cascade)": IC(p="wc"),
        "LT (weighted cascade)": LT(weights="wc"),
    }
    out = {}
    for name, model in models.items():
        out[name] = simulate(g, seeds, model, n_runs=s.n_runs, rng=rng, progress=progress)
    heat = Heat(beta=s.heat_beta, threshold=s.heat_threshold)
    name = f"heat (beta {s.heat_beta:g}, read-out {s.heat_threshold:g})"
    out[name] = solve(g, seeds, heat, times=np.asarray(s.heat_times))
    return out


def _curves_table(results):
    frames = []
    for name, res in results.items():
        c = res.curve(0.9) if hasattr(res, "new_per_step") else res.curve()
        c = c.reset_index().rename(columns={c.index.name: "step_or_time"})
        c.insert(0, "model", name)
        frames.append(c[["model", "step_or_time", "mean", "lower", "upper"]])
    return pd.concat(frames, ignore_index=True)


def _model_rows(results):
    rows = []
    for name, res in results.items():
        if hasattr(res, "new_per_step"):
            low, high = res.conf_int(0.95)
            c = res.curve(0.9)
            t90 = int(np.argmax(c["mean"].to_numpy() >= 0.9 * res.mean))
            rows.append(
                {
                    "model": name,
                    "mean": res.mean,
                    "ci_low": low,
                    "ci_high": high,
                    "runs": res.n_runs,
                    "to_90pct": f"step {t90}",
                }
            )
        else:
            c = res.curve()
            final = float(c["mean"].iloc[-1])
            t90 = float(c.index[np.argmax(c["mean"].to_numpy() >= 0.9 * final)])
            rows.append(
                {
                    "model": name,
                    "mean": final,
                    "ci_low": final,
                    "ci_high": final,
                    "runs": 0,
                    "to_90pct": f"time {t90:g}",
                }
            )
    return rows


def _holdout_errors(result, train, test, level, n_paths):
    """MASE, error of the final count and band coverage of a fit's forecast of `test`;
    the in-sample errors at the observed peak hour and of the highest fitted hour."""
    from ..fit import mase

    n, h = result.n_obs_bins, test.n_bins  # each fit's own window (they may start apart)
    pred = np.asarray(result.predict(np.arange(n, n + h)), dtype=np.float64)
    seen = result.observed().to_numpy()
    fitted = np.asarray(result.predict(np.arange(n)), dtype=np.float64)
    peak = int(np.argmax(seen))
    fc = result.forecast(h, level, n_paths=n_paths)
    y = np.asarray(test.counts)
    inside = (y >= fc["lower"].to_numpy()) & (y <= fc["upper"].to_numpy())
    actual_total = train.total + y.sum()
    predicted_total = train.total + pred.sum()
    return {
        "mase": mase(y, pred, seen),
        "peak_error": float((fitted[peak] - seen[peak]) / seen[peak]),
        "max_error": float((fitted.max() - seen[peak]) / seen[peak]),
        "final_count_error": float(abs(predicted_total - actual_total) / actual_total),
        "coverage": float(inside.mean()),
        "predicted_total": float(predicted_total),
        "actual_total": float(actual_total),
    }, fc


def fit_ic_to_trend(
    graph, trend, *, seeds, method="dmp", loss="negbin", n_runs=200, period=None, rng=0
):
    """Fit an IC model with spontaneous adoption to a trend (`spread.fit.ICEstimator`).

    One arc probability ``p`` and a per-step spontaneous adoption probability (with a
    `period`, times a periodic factor: a daily cycle), one IC step per bin, the seeds
    counted in the first bin; by default the counts are
    negative binomial around the model's runs (real counts vary far more than a large
    graph's runs), with the dispersion in ``result_.diagnostics["dispersion"]``. No
    bootstrap (each replicate is a refit on the whole graph): a message-passing fit
    takes Wald intervals, which its forecasts draw the parameters from; a Monte Carlo
    fit has none (NaN).

    Returns
    -------
    ICEstimator

    Examples
    --------
    >>> import spread
    >>> from spread.cli.demo import fit_ic_to_trend
    >>> tr = spread.fit.simulate_trend("bass", {"m": 30, "p": 0.05, "q": 0.3}, 8, rng=0)
    >>> est = fit_ic_to_trend(spread.datasets.load("karate"), tr, seeds=[0])
    >>> est.result_.params.keys()
    dict_keys(['p', 'external'])
    """
    from ..fit import ICEstimator

    est = ICEstimator(
        method=method,
        loss=loss,
        n_runs=n_runs,
        external=True,
        period=period,
        ci_method="wald" if method == "dmp" and loss in ("negbin", "poisson") else None,
        rng=rng,
    )
    return est.fit(graph, trend, seeds=seeds, steps_per_bin=1)


def _ic_seeds(rule, trend):
    """The IC fit's seeds: the trend's first-hour adopters, or a rule string."""
    if rule != "first-hour":
        return rule, f"seeds by the rule {rule!r}"
    start = trend.start
    first = datasets.load_cascades(
        "higgs-adopters", start=start, end=start + pd.Timedelta(trend.freq)
    )
    seeds = first.data["node"].to_numpy()
    return seeds, (
        f"seeds: the {seeds.size:,} users who retweeted in the first hour "
        f"({start:%Y-%m-%d %H:%M} UTC), so the first bin is the seeds"
    )


def _param_rows(name, result):
    frame = result.to_frame().reset_index()
    frame.insert(0, "model", name)
    return frame


def _choose_seeds(g, s, rng, progress, folder):
    sels = {}
    for method in ("imm", "degree"):
        sels[method] = maximize(
            g,
            s.k,
            IC(p="wc"),
            method=method,
            eps=s.eps,
            rng=rng,
            n_eval_runs=s.n_eval_runs,
            progress=progress,
        )
    rows = []
    for method, sel in sels.items():
        frame = seed_table(sel).reset_index()
        frame.insert(0, "method", method)
        rows.append(frame)
    pd.concat(rows, ignore_index=True).to_csv(folder / "seeds.csv", index=False)
    return sels


_BASS_ABOUT = (
    "curve model: market size m, innovation p and imitation q per hour (Bass 1969), "
    "negative-binomial dispersion k."
)


def _score_fits(fitted, train, test, s, folder, about_ic):
    """Held-out errors, parameter and forecast tables of every fit."""
    fits, params, forecasts, bands = [], [], [], {}
    for name, res in fitted.items():
        errors, fc = _holdout_errors(res, train, test, 0.9, s.forecast_paths)
        bands[name] = fc
        params.append(_param_rows(name, res))
        table = fc[["mean", "lower", "upper"]].copy()
        table.insert(0, "observed", test.counts)
        table.insert(0, "model", name)
        forecasts.append(table.rename_axis("time").reset_index())
        fits.append(
            {
                "name": name,
                "about": _BASS_ABOUT if name == "Bass" else about_ic,
                "params": params[-1].to_dict("records"),
                "status": f"{'success' if res.success else 'FAILED'}: {res.message}",
                "errors": errors,
                "note": "",
            }
        )
    pd.concat(params, ignore_index=True).to_csv(folder / "higgs_fit_params.csv", index=False)
    pd.concat(forecasts, ignore_index=True).to_csv(folder / "higgs_forecast.csv", index=False)
    return fits, bands


def _draw(folder, s, g, seeds, results, sels, fitted, train, test, bands):
    from .. import plot

    fig, ax = _figure()
    plot.compare(results, ax)
    ax.set_title(f"NetHEPT: adoption from the {s.n_seeds} highest-degree authors (90% bands)")
    _save(fig, folder, "adoption.png")

    fig, ax = _figure()
    plot.spread_vs_k({"IMM": sels["imm"], "degree": sels["degree"]}, ax)
    ax.set_title("NetHEPT, IC weighted cascade: the first k seeds (95% bands)")
    _save(fig, folder, "spread_vs_k.png")

    fig, ax = _figure()
    plot.fit(fitted, train, ax, test=test, forecasts=bands)
    ax.set_title(f"Higgs boson: first-time retweeters per hour (fit on {s.train_hours} h)")
    ax.set_ylabel("new retweeters per hour")
    _save(fig, folder, "higgs_fit.png")

    fig, ax = _figure((6.4, 5.2))
    plot.graph(results["IC (weighted cascade)"], ax, max_nodes=150)
    ax.set_title("NetHEPT: the 150 authors IC reaches most often (seeds ringed)")
    _save(fig, folder, "reach.png")

    times = np.linspace(0, s.heat_times[-1], 61)
    heat = solve(g, seeds, Heat(beta=s.heat_beta), times=times)
    final = heat.heat[np.argmax(heat.times)].copy()
    final[g.index_of(list(seeds))] = -np.inf
    hottest = g.labels[np.argsort(-final, kind="stable")[:6]].tolist()
    fig, ax = _figure()
    plot.heat(heat, ax, nodes=hottest)
    ax.set_title(
        f"Heat (beta {s.heat_beta:g}): the 6 hottest non-seed nodes at time {times[-1]:g}"
    )
    _save(fig, folder, "heat.png")


def run(out="spread-demo", *, quick=False, ic_fit=None, rng=0, progress=None, echo=True):
    """Run the demo and write its report folder.

    Parameters
    ----------
    out : str or path-like, default "spread-demo"
        Folder to write (created if needed; files of an earlier run are replaced).
    quick : bool, default False
        Smaller runs (seconds instead of a minute), for tests.
    ic_fit : bool, optional
        Fit an IC model to the Higgs counts on the retweet network (`fit_ic_to_trend`;
        about 35 s on 2 cores). Default: yes, but not in the quick settings.
    rng : int, default 0
        Root of every random stream.
    progress : bool, optional
        Progress bars (default: when stderr is a terminal).
    echo : bool, default True
        Print what each step does, and where the report is.

    Returns
    -------
    pathlib.Path
        The folder; ``report.md`` is inside.

    Examples
    --------
    >>> from spread.cli import demo
    >>> folder = demo.run("spread-demo")  # doctest: +SKIP
    >>> sorted(p.name for p in folder.glob("*.png"))  # doctest: +SKIP
    ['adoption.png', 'heat.png', 'higgs_fit.png', 'reach.png', 'spread_vs_k.png']
    """
    from ..fit import fit_bass

    start = time.perf_counter()
    s = QUICK if quick else FULL
    if ic_fit is not None:
        s = replace(s, ic_fit=bool(ic_fit))
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    steps = [
        "loading NetHEPT",
        "simulating IC, LT and heat",
        f"choosing {s.k} seeds with IMM and by degree",
        "fitting Bass to the Higgs burst",
        "fitting IC to the Higgs burst" + ("" if s.ic_fit else " (skipped)"),
        "drawing",
    ]
    bar = progress_bar(len(steps), desc="spread demo", progress=progress, unit="step")
    clock = [time.perf_counter()]

    def step(i):
        if i:
            bar.update(1)
            clock.append(time.perf_counter())
        if echo:
            bar.write(f"[{i + 1}/{len(steps)}] {steps[i]} ...")
        bar.set_postfix_str(steps[i])

    with warnings.catch_warnings(record=True) as recorded, bar:
        warnings.simplefilter("always")
        step(0)
        g = datasets.load("nethept")
        seeds = maximize(g, s.n_seeds, IC(p=0.0), method="degree", evaluate=False).seeds

        step(1)
        results = _compare_models(g, seeds, s, rng, progress)
        _curves_table(results).to_csv(folder / "adoption_curves.csv", index=False)

        step(2)
        sels = _choose_seeds(g, s, rng, progress, folder)

        step(3)
        series = datasets.load_trend("higgs", start=SERIES_START)
        split = pd.Timestamp(TREND_START, tz="UTC") + pd.Timedelta(hours=s.train_hours)
        train, test = series.until(split), series.since(split)
        fitted = {"Bass": fit_bass(train)}
        ic_train = train.since(TREND_START)

        step(4)
        higgs = datasets.load("higgs-retweet")
        ic_name = "IC on the retweet network"
        ic_seeds, seeds_about = _ic_seeds(s.ic_seeds, ic_train)
        about_ic = (
            f"IC on the Higgs retweet network ({higgs.n_nodes:,} users, arcs from the "
            f"retweeted user to the retweeter), {seeds_about}; one IC step per hour, "
            f"arc probability p and spontaneous adoption per hour fitted by {s.ic_method} "
            "(`spread.fit.ICEstimator`)."
        )
        ic_note = "skipped in the quick settings (the fit takes about 35 s)."
        if s.ic_fit:
            est = fit_ic_to_trend(
                higgs,
                ic_train,
                seeds=ic_seeds,
                method=s.ic_method,
                n_runs=s.ic_runs,
                period=s.ic_period,
                rng=rng,
            )
            fitted[ic_name] = est.result_
            if s.ic_period:
                about_ic += (
                    f" Spontaneous adoption follows a cycle of {s.ic_period:g} hours "
                    "(one harmonic, fitted: `a1`, `b1`; `external` is its geometric mean)."
                )
            about_ic += (
                " Hourly counts negative binomial around each run, dispersion "
                f"k = {est.result_.diagnostics['dispersion']:.1f} (fitted): the loss weighs "
                "each hour by its relative error, so the few peak hours count for less than "
                "under a Poisson loss, and the forecast band holds the hour-to-hour swings."
            )
            if est.result_.ci_method == "wald":
                about_ic += (
                    " The parameters' intervals are Wald (message passing is smooth), and "
                    "the band draws the parameters from that law as well."
                )
        fits, bands = _score_fits(fitted, train, test, s, folder, about_ic)
        if ic_name not in fitted:
            fits.append(
                {"name": ic_name, "about": about_ic, "params": [], "errors": {}, "note": ic_note}
            )

        step(5)
        _draw(folder, s, g, seeds, results, sels, fitted, train, test, bands)
        bar.update(1)
        clock.append(time.perf_counter())
    notes = sorted({f"{w.category.__name__}: {w.message}" for w in recorded})

    imm, deg = sels["imm"], sels["degree"]
    diff = imm.spread - deg.spread
    facts = {
        "quick": quick,
        "rng": rng,
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "elapsed": time.perf_counter() - start,
        "step_seconds": dict(zip(steps, np.diff(clock).round(2).tolist(), strict=True)),
        "settings": {k: v for k, v in s.__dict__.items() if k != "heat_times"},
        "graph": f"{g.n_nodes:,} authors, {g.n_edges // 2:,} co-authorship edges",
        "seeds": seeds.tolist(),
        "models": _model_rows(results),
        "selections": [
            {
                "method": method,
                "spread": sel.spread,
                "ci_low": sel.conf_int(0.95).low,
                "ci_high": sel.conf_int(0.95).high,
                "stderr": sel.spread_stderr,
                "seconds": sel.elapsed,
                "seeds": sel.seeds.tolist(),
            }
            for method, sel in sels.items()
        ],
        "imm_gain": diff,
        "imm_gain_rel": diff / deg.spread,
        "imm_gain_se": math.hypot(imm.spread_stderr, deg.spread_stderr),
        "train_total": int(train.total),
        "test_total": int(test.total),
        "test_hours": test.n_bins,
        "fits": fits,
        "warnings": notes,
    }
    (folder / "summary.json").write_text(json.dumps(plain(facts), indent=2) + "\n")
    (folder / "report.md").write_text(report(facts))
    if echo:
        extra = f"; {len(notes)} warning(s), listed at its end" if notes else ""
        print(f"spread demo: wrote {folder / 'report.md'} ({facts['elapsed']:.0f} s{extra})")
    return folder


_DEMO_EXAMPLES = """\
examples:
  spread demo                     writes spread-demo/report.md with figures and tables
  spread demo --out /tmp/d --rng 1
  spread demo --no-ic-fit         leaves out the IC fit on the Higgs retweet network
"""


def main(args):
    """Run `spread demo` with parsed `args`; returns the exit code."""
    out_folder(args.out)
    run(out=args.out, quick=args.quick, ic_fit=args.ic_fit, rng=args.rng, progress=args.progress)
    return 0


def add_parser(sub):
    """Add the `demo` subcommand to the parsers `sub`."""
    p = subparser(
        sub,
        "demo",
        "run the whole story on bundled data and write a report",
        "Simulate IC, LT and heat on NetHEPT, pick seeds with IMM and by degree, fit Bass "
        "and an IC model on the retweet network to the Higgs-boson retweet burst, and "
        "write report.md with figures and tables (about a minute on 2 cores).",
        _DEMO_EXAMPLES,
    )
    p.add_argument("--out", default="spread-demo", help="report folder (default spread-demo/)")
    p.add_argument("--rng", type=seed_root, default=0, help="random seed (default 0)")
    p.add_argument(
        "--ic-fit",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="fit IC on the Higgs retweet network (default: yes; about 35 s)",
    )
    p.add_argument("--quick", action="store_true", help=argparse.SUPPRESS)
    p.add_argument(
        "--progress", action=argparse.BooleanOptionalAction, default=None, help="progress bars"
    )
    p.set_defaults(func=main)
