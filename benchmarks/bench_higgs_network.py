"""Which network fit forecasts the Higgs burst: every combination, with Wald bands (issue 18).

What it measures
----------------
IC with spontaneous adoption fitted by message passing (negative binomial) to the
retweet trend from the announcement (2012-07-04 04:00 UTC) on the 256,491-user retweet
network, seeded with the first hour's retweeters, as in `bench_fit_network.py` section 4
and `bench_regressors.py` section 2. Every combination of the two drivers of
spontaneous adoption this package has:

- a constant ``external``; or times a daily cycle fitted to the burst (``period=24``,
  one harmonic); or times the daily cycle of the three days before the announcement
  (``cycle_regressors(history, ...)``: its shape from those days, two harmonics, one
  coefficient fitted to the burst);
- no pulse, or times the announcement's decaying pulse (``event_regressors(...,
  shape="decay", half_life=h)``) at a half-life of 12 or 24 hours (the two that
  `profile_half_life` chooses in `bench_regressors.py`).

Each fit takes Wald intervals (``ci_method="wald"``), so its 90% band (100 paths)
includes the parameters' uncertainty. A band of 100 paths is itself noisy (its ends are
the 5th and 95th of 100 draws; on 24 held-out hours one hour is 0.04 of coverage): the
rows of the history's-cycle rule also give the band of 1,000 paths (`forecast`'s
default) under three seeds. Origins 24, 36 and 48 hours after 04:00 (the
issue's Higgs origins), 24 hours forecast; scores as in `bench_regressors.py` (MASE,
MAE over the seasonal naive's, share of held-out hours inside the band, error of the
fitted curve at the observed peak hour). Issue 18's Higgs targets for the network
model: band at least 80%, MASE no worse than 0.52 / 0.31 / 0.18, peak-hour error under
20%, at every origin.

Every row also forecasts with AR(1) errors (``forecast(errors="ar1")``: the fitted
runs times a persistent log error fitted to the training hours' residuals by
restricted likelihood and continued from the last of them; parameters drawn with the
covariance inflated for the persistence): its MASE (of that law's mean), its band
(100 paths, rng 0; 1,000 paths under three seeds on the rule's rows) and the fitted
``phi`` and ``sigma``. The rule for it was declared before this benchmark ran it: the
history's cycle without a pulse at every origin (as below), from an exploratory
computation on stored paths (`RESULTS.md`, 2026-12-06), with the error model as built.

The table is a map of the choices, not a choice: picking the row that scored best on
the held-out hours would use them to fit. The last sections apply two rules: the one
`choose` uses for its seasonal candidates (a daily cycle only once the training holds two
periods), fixed before the first run of this benchmark; and the history's cycle without
a pulse at every origin, declared after exploratory fits of it at the three origins
(with and without the 12-hour pulse) and before the runs of it here. The pulse's half-life
profiled on the training hours (`profile_half_life`) picks the longest half-life tried
with the history's cycle too (24 h at the 24-hour origin: training losses 208.3 without
a pulse, 202.5 / 197.8 / 194.5 / 192.8 at 3 / 6 / 12 / 24 h, in exploratory fits with
the column as first written, the cycle's mean subtracted where `cycle_regressors` now
fits an intercept), so the profile does not choose the pulse's shorter half-lives
either.

How to run
----------
From the repository root::

    python benchmarks/bench_higgs_network.py   # ~40-60 minutes on 2 cores
    python benchmarks/bench_higgs_network.py --only-ar1-loss   # ~15 minutes

It prints its rows as they come and writes ``benchmarks/results_higgs_network.md``.
Everything it reads ships with spread.
"""

import time
import warnings
from pathlib import Path

import pandas as pd
from _report import header, md_table
from bench_regressors import ANNOUNCEMENT, HORIZON, TODAY, higgs_network, higgs_origins, score

import spread
from spread.fit import ICEstimator, cycle_regressors, event_regressors, mase

OUT = Path(__file__).resolve().parent / "results_higgs_network.md"
OUT_AR1 = OUT.with_name("results_higgs_ar1_loss.md")
ORIGINS = (24, 36, 48)
HALF_LIVES = (None, 12, 24)
EXTERNALS = ("constant", "daily", "history")


def columns(train, half_life, external):
    """The regressors of one fit: the pulse's column, the history's cycle, or both."""
    parts = []
    if half_life is not None:
        parts.append(
            event_regressors(
                train, {"news": ANNOUNCEMENT}, shape="decay", half_life=half_life, horizon=HORIZON
            )
        )
    if external == "history":
        history = spread.datasets.load_trend("higgs").until(ANNOUNCEMENT)
        parts.append(cycle_regressors(history, train, period=24, horizon=HORIZON, name="daily"))
    return pd.concat(parts, axis=1) if parts else None


def fit_all():
    g, seeds = higgs_network()
    rows = []
    for tau, train, y_test, full_until in higgs_origins(ORIGINS):
        for half_life in HALF_LIVES:
            for external in EXTERNALS:
                t0 = time.perf_counter()
                est = ICEstimator(
                    "dmp",
                    external=True,
                    regressors=columns(train, half_life, external),
                    period=24 if external == "daily" else None,
                    n_runs=100,
                    ci_method="wald",
                    rng=0,
                )
                res = est.fit(g, train, seeds=seeds).result_
                row = {
                    "origin (h after 04:00)": tau,
                    "external": external,
                    "pulse half-life (h)": half_life or "none",
                    **score(res, train, y_test, full_until, 100),
                    "p": res.params["p"],
                    "fit seconds": time.perf_counter() - t0,
                    "band, 1,000 paths (rng 0 / 1 / 2)": "",
                    **ar1_scores(res, train, y_test, 100),
                    "AR(1) errors: band, 1,000 paths (rng 0 / 1 / 2)": "",
                }
                if external == "history" and half_life is None:  # the rule's rows
                    row["band, 1,000 paths (rng 0 / 1 / 2)"] = " / ".join(
                        f"{inside(res, y_test, 1000, rng):.2f}" for rng in (0, 1, 2)
                    )
                    row["AR(1) errors: band, 1,000 paths (rng 0 / 1 / 2)"] = " / ".join(
                        f"{inside(res, y_test, 1000, rng, 'ar1'):.2f}" for rng in (0, 1, 2)
                    )
                rows.append(row)
                print(row, flush=True)
    return pd.DataFrame(rows)


def inside(res, y_test, n_paths, rng, errors="independent"):
    """Share of the held-out hours inside the 90% band of `n_paths` paths."""
    fc = res.forecast(HORIZON, 0.9, n_paths=n_paths, rng=rng, errors=errors)
    return float(((y_test >= fc["lower"].to_numpy()) & (y_test <= fc["upper"].to_numpy())).mean())


def ar1_scores(res, train, y_test, n_paths):
    """MASE and band of the forecast with AR(1) errors (`n_paths` paths, rng 0)."""
    fc = res.forecast(HORIZON, 0.9, n_paths=n_paths, rng=0, errors="ar1")
    band = (y_test >= fc["lower"].to_numpy()) & (y_test <= fc["upper"].to_numpy())
    model = fc.attrs["error_model"]
    return {
        "AR(1) errors: MASE": mase(y_test, fc["mean"].to_numpy(), train.counts),
        "AR(1) errors: inside 90% band": float(band.mean()),
        "AR(1) errors: phi / sigma": f"{model['phi']:.2f} / {model['sigma']:.2f}",
    }


def fit_ar1_loss():
    """The history's cycle without a pulse fitted by the AR(1) errors' likelihood
    (``loss="ar1"``), forecast with AR(1) errors (its default) at every origin."""
    g, seeds = higgs_network()
    rows = []
    for tau, train, y_test, full_until in higgs_origins(ORIGINS):
        t0 = time.perf_counter()
        est = ICEstimator(
            "dmp",
            external=True,
            loss="ar1",
            regressors=columns(train, None, "history"),
            n_runs=100,
            ci_method="wald",
            rng=0,
        )
        res = est.fit(g, train, seeds=seeds).result_
        plain = score(res, train, y_test, full_until, 100)
        ar1 = ar1_scores(res, train, y_test, 100)
        rows.append(
            {
                "origin (h after 04:00)": tau,
                "AR(1) errors: MASE": ar1["AR(1) errors: MASE"],
                "AR(1) errors: inside 90% band": ar1["AR(1) errors: inside 90% band"],
                "band, 1,000 paths (rng 0 / 1 / 2)": " / ".join(
                    f"{inside(res, y_test, 1000, rng, 'ar1'):.2f}" for rng in (0, 1, 2)
                ),
                "peak-hour error": plain["peak-hour error"],
                "MASE of the fitted curve": plain["MASE"],
                "success": plain["success"],
                **{k: res.params[k] for k in ("p", "external", "daily")},
                "p 95% interval": "{:.3g}-{:.3g}".format(*res.intervals["p"]),
                "AR(1) errors: phi / sigma": ar1["AR(1) errors: phi / sigma"],
                "fit seconds": time.perf_counter() - t0,
            }
        )
        print(rows[-1], flush=True)
    return pd.DataFrame(rows)


def ar1_loss_lines(table):
    return [
        f"- origin {row['origin (h after 04:00)']} h: {verdict(row, 'AR(1) errors: ')}."
        for _, row in table.iterrows()
    ]


def rule_lines(table, rule, prefix=""):
    """The verdict of each origin's row under `rule` (origin -> external, half-lives),
    on the columns starting with `prefix` (the AR(1) errors' or the default's)."""
    lines = []
    for tau in ORIGINS:
        external, half_lives = rule(tau)
        for half_life in half_lives:
            row = table[
                (table["origin (h after 04:00)"] == tau)
                & (table["external"] == external)
                & (table["pulse half-life (h)"] == (half_life or "none"))
            ].iloc[0]
            lines.append(
                f"- origin {tau} h, {external} external, pulse {half_life or 'none'}: "
                f"{verdict(row, prefix)}."
            )
    return lines


def verdict(row, prefix=""):
    tau = row["origin (h after 04:00)"]
    band, m = row[f"{prefix}inside 90% band"], row[f"{prefix}MASE"]
    peak = row["peak-hour error"]
    return (
        f"band {band:.2f} ({'met' if band >= 0.8 else 'missed'}), MASE {m:.3f} "
        f"({'met' if m <= TODAY[tau] else 'missed'}), peak hour {peak:+.1%} "
        f"({'met' if abs(peak) < 0.2 else 'missed'})"
    )


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--only-ar1-loss",
        action="store_true",
        help=f"only the fits by the AR(1) likelihood (writes {OUT_AR1.name})",
    )
    args = parser.parse_args(argv)
    warnings.simplefilter("ignore")  # convergence notes are in the `success` column
    t0 = time.perf_counter()
    if args.only_ar1_loss:
        ar1 = fit_ar1_loss()
        lines = [
            "# The Higgs network fit by the AR(1) errors' likelihood (issue 18)",
            "",
            *header(),
            f"- `benchmarks/bench_higgs_network.py --only-ar1-loss`, "
            f"{time.perf_counter() - t0:.0f} s",
            "",
            "The history's cycle without a pulse (the rule of `results_higgs_network.md`), "
            'fitted by `loss="ar1"` and forecast with AR(1) errors (its default). The '
            "rule and the loss were fixed before this run, after exploratory fits of "
            "the same model by the same likelihood (`RESULTS.md`).",
            "",
            md_table(ar1, ".3g"),
            "",
            *ar1_loss_lines(ar1),
            "",
        ]
        OUT_AR1.write_text("\n".join(lines), encoding="utf-8")
        print(f"wrote {OUT_AR1}")
        return
    table = fit_all()
    seasonal = rule_lines(table, lambda tau: ("daily" if tau >= 48 else "constant", HALF_LIVES))
    history = rule_lines(table, lambda tau: ("history", (None,)))
    history_ar1 = rule_lines(table, lambda tau: ("history", (None,)), "AR(1) errors: ")
    lines = [
        "# Network fits of the Higgs burst, every combination, Wald bands (issue 18)",
        "",
        *header(),
        f"- `benchmarks/bench_higgs_network.py`, {time.perf_counter() - t0:.0f} s",
        "",
        __doc__.split("What it measures\n----------------\n", 1)[1].split("\nHow to run")[0],
        "## Every combination",
        "",
        md_table(table, ".3g"),
        "",
        "## The seasonal rule of `choose` (a daily cycle from two periods of data)",
        "",
        *seasonal,
        "",
        "## The history's cycle, no pulse",
        "",
        *history,
        "",
        '## The history\'s cycle, no pulse, AR(1) errors (`forecast(errors="ar1")`)',
        "",
        *history_ar1,
        "",
    ]
    OUT.write_text("\n".join(lines), encoding="utf-8")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
