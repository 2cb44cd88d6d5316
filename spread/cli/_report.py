"""The demo's report: `report.md` written from the facts the demo measured."""

import math
import platform

from .. import __version__
from .._common import z_value

__all__ = ["SERIES_START", "TREND_START", "report"]

SERIES_START = "2012-07-04 00:00"  # Bass sees the burst rise from here
TREND_START = "2012-07-04 04:00"  # the IC window: the first hour of the burst


def _fmt(v, digits=1):
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "n/a"
    if isinstance(v, float):
        if v != 0 and (abs(v) < 1e-3 or abs(v) >= 1e7):
            return f"{v:.3g}"
        if abs(v) < 1:
            return f"{v:.4f}"
        return f"{v:,.{digits}f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _interval(low, high):
    if all(v is None or not math.isfinite(v) for v in (low, high)):
        return "not computed (no bootstrap)"
    return f"[{_fmt(low)}, {_fmt(high)}]"


def _table(header, rows):
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(_fmt(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def report(facts):
    f = facts
    s = f["settings"]
    m = f["models"]
    sel = f["selections"]
    fits = f["fits"]
    lines = [
        "# spread demo",
        "",
        f"Written by `spread demo{' --quick' if f['quick'] else ''}"
        f"{' --ic-fit' if s['ic_fit'] and f['quick'] else ''}"
        f"{' --no-ic-fit' if not s['ic_fit'] and not f['quick'] else ''} --rng {f['rng']}` "
        f"(spread {__version__}, Python {platform.python_version()}) on {f['date']}, "
        f"in {f['elapsed']:.0f} s. Every number below comes from the bundled data and "
        f"`rng={f['rng']}`: rerunning the command gives the same report.",
        "",
        "## 1. Three models from the same seeds",
        "",
        f"Graph: NetHEPT ({f['graph']}). Seeds: the {s['n_seeds']} authors of highest "
        f"degree, {', '.join(str(x) for x in f['seeds'])}. IC and LT use weighted-cascade "
        f"parameters (p_uv = b_uv = 1/in-degree(v)), {s['n_runs']:,} Monte Carlo runs "
        f"each; heat diffusion (Ma et al. 2008) is solved exactly with rate beta = "
        f"{s['heat_beta']:g}, and a node counts as an adopter once its heat reaches "
        f"{s['heat_threshold']:g} (a seed starts with 1).",
        "",
        _table(
            ["model", "expected spread", "95% CI", "90% of it reached at"],
            [
                [
                    r["model"],
                    r["mean"],
                    f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]" if r["runs"] else "exact",
                    r["to_90pct"],
                ]
                for r in m
            ],
        ),
        "",
        "![Adoption curves of IC, LT and heat](adoption.png)",
        "",
        "The bands hold the central 90% of runs at each step; heat diffusion is "
        "deterministic, so it has none. IC steps, LT steps and heat time are different "
        "clocks: compare the shapes and the final sizes, not the x positions.",
        "",
        f"## 2. Whom to seed: IMM against degree, k = {s['k']}",
        "",
        f"IC with weighted cascade. IMM (Tang, Shi, Xiao 2015) with eps = {s['eps']:g}; "
        f"degree takes the k best-connected authors. Each seed set is then evaluated on "
        f"{s['n_eval_runs']:,} fresh forward simulations, independent of the samples that "
        "chose it.",
        "",
        _table(
            ["method", "expected spread", "95% CI", "seconds to choose", "seeds"],
            [
                [
                    r["method"],
                    r["spread"],
                    f"[{_fmt(r['ci_low'])}, {_fmt(r['ci_high'])}]",
                    f"{r['seconds']:.2f}",
                    ", ".join(str(x) for x in r["seeds"]),
                ]
                for r in sel
            ],
        ),
        "",
        "(Times include Numba's one-off compilation when the cache is cold.) "
        f"IMM's seeds reach {_fmt(f['imm_gain'])} more nodes than degree's "
        f"({_fmt(100 * f['imm_gain_rel'])}%), ± {_fmt(z_value(0.95) * f['imm_gain_se'])} (95%).",
        "",
        "![Expected spread against the number of seeds](spread_vs_k.png)",
        "",
        "## 3. Fitting the Higgs-boson retweet burst",
        "",
        "Data: users retweeting about the Higgs boson for the first time, per hour (SNAP "
        "higgs-twitter; De Domenico et al. 2013). The models are fitted up to "
        f"{s['train_hours']} hours after the first hour of the burst ({TREND_START} UTC; "
        f"Bass from {SERIES_START}, to see the rise; {_fmt(f['train_total'])} adopters) and "
        f"forecast the {f['test_hours']} hours held out ({_fmt(f['test_total'])} more).",
        "",
    ]
    for fit in fits:
        lines += [f"**{fit['name']}** — {fit['about']}", ""]
        if fit.get("status"):
            lines += [f"Fit: {fit['status']}", ""]
        if fit["params"]:
            lines += [
                _table(
                    ["parameter", "estimate", "95% CI"],
                    [
                        [p["param"], p["estimate"], _interval(p["ci_low"], p["ci_high"])]
                        for p in fit["params"]
                    ],
                ),
                "",
            ]
        else:
            lines += [f"_{fit['note']}_", ""]
    scored = [fit for fit in fits if fit["errors"]]
    if scored:
        lines += [
            "Forecast of the held-out hours:",
            "",
            _table(
                [
                    "model",
                    "MASE",
                    "error of the final count",
                    "held-out hours inside the 90% band",
                    "fit at the peak hour",
                    "highest fitted hour against the peak",
                ],
                [
                    [
                        fit["name"],
                        f"{fit['errors']['mase']:.3f}",
                        f"{100 * fit['errors']['final_count_error']:.1f}%",
                        f"{100 * fit['errors']['coverage']:.0f}%",
                        f"{100 * fit['errors']['peak_error']:+.0f}%",
                        f"{100 * fit['errors']['max_error']:+.0f}%",
                    ]
                    for fit in scored
                ],
            ),
            "",
            "MASE below 1 beats repeating the last observed hour (Hyndman & Koehler 2006). "
            "The last two columns are in-sample: the fitted count at the hour with the most "
            "adopters, and the fit's highest hour (wherever it falls), each against that "
            "hour's observed count.",
            "",
        ]
    lines += [
        "![Fitted curves, forecast band and held-out hours](higgs_fit.png)",
        "",
        "## 4. Where the spread goes",
        "",
        "The NetHEPT authors most often reached by IC from the seeds of section 1, "
        "coloured by how often they were reached; and the heat of the hottest nodes "
        "over time.",
        "",
        "![Activation probability around the seeds](reach.png)",
        "",
        "![Heat over time](heat.png)",
        "",
        *(
            ["## Warnings raised while fitting", "", *[f"- {w}" for w in f["warnings"]], ""]
            if f["warnings"]
            else []
        ),
        "## Files",
        "",
        "| file | what |",
        "|---|---|",
        "| `adoption_curves.csv` | mean and 90% band of cumulative adopters, per model and step/time |",
        "| `seeds.csv` | seeds per method: rank, node, gain, spread of the seeds up to it with a 95% interval |",
        "| `higgs_fit_params.csv` | fitted parameters with 95% intervals |",
        "| `higgs_forecast.csv` | held-out hours: observed count, forecast mean and 90% band per model |",
        "| `summary.json` | every number of this report |",
        "| `*.png` | the figures |",
        "",
        "## Reproduce",
        "",
        "```bash",
        f"spread demo --rng {f['rng']}",
        "spread simulate nethept --top-degree 10 --model ic --p wc --runs 10000",
        f"spread maximize nethept -k {s['k']} --model ic --p wc --method imm --eps {s['eps']:g}",
        f'spread fit higgs --start "{SERIES_START}" --model bass --holdout {f["test_hours"]}',
        f'spread fit higgs --start "{TREND_START}" --model ic --graph higgs-retweet '
        f"--ic-method dmp --seeds-from higgs-adopters --holdout {f['test_hours']}",
        "```",
        "",
        "Models: IC and LT (Kempe, Kleinberg, Tardos 2003), heat diffusion (Ma, Yang, Lyu, "
        "King 2008), IMM (Tang, Shi, Xiao 2015), Bass (1969).",
        "",
    ]
    return "\n".join(lines)
