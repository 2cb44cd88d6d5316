"""Early popularity prediction on Twitter15 (and SMH): SEISMIC, Szabo-Huberman, ours.

Run from the repository root: ``python benchmarks/bench_popularity.py``. Needs the shared
data (``../shared/data``, see its README §6 and §7); skips cleanly without it. Writes
``benchmarks/results_popularity.md``.

Twitter15 (Ma, Gao, Wong 2017): 1,490 retweet trees, each row a retweet with its delay in
minutes after the source tweet. A cascade's events are its rows (the source tweet's row
at delay 0 included); its final size is its number of rows. 671 rows have a negative
delay: clipped to 0. No follower counts, so SEISMIC runs with every degree 1 (n* = 1).
Split by cascade with a fixed seed: 70% train, 30% test. Predict from the first 1, 2, 4
hours; median absolute percentage error (MdAPE) of the point prediction and coverage of
the 90% (and 80%) intervals against the true final size.
"""

import datetime
import platform
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import spread  # noqa: E402
from spread.fit import PopularityPredictor  # noqa: E402

DATA = ROOT.parent / "shared" / "data"
TWITTER15 = DATA / "twitter15" / "twitter15_trees.tsv.gz"
SMH = DATA / "smh-cascades"
OUT = ROOT / "benchmarks" / "results_popularity.md"
HOURS = (1, 2, 4)
METHODS = ("seismic", "log-linear", "hawkes-eb")
#: Ours, scored by percentage errors, predicts the size that minimises the expected one
#: (`point="ape"`), chosen on splits 5-8 before splits 0-4 were run; its median too.
OURS = "hawkes-eb (ape)"
POINTS = {"seismic": ("median",), "log-linear": ("median",), "hawkes-eb": ("median", "ape")}
SEED = 0
#: Further splits (seeds) on which the three methods are rerun: one split's 447 test
#: cascades move a median error by a point or two, more than ours and SEISMIC's differ.
MORE_SPLITS = (1, 2, 3, 4)


def load_twitter15():
    """Cascade id -> sorted event times in seconds from the source tweet."""
    df = pd.read_csv(
        TWITTER15, sep="\t", usecols=["tree_id", "child_delay_min"], dtype={"tree_id": str}
    )
    out = {}
    for tree, g in df.groupby("tree_id", sort=True):
        t = np.sort(np.maximum(g["child_delay_min"].to_numpy(), 0.0)) * 60.0
        out[tree] = t - t[0]
    return out


def load_smh():
    """Cascade id -> (times in seconds, follower counts)."""
    out = {}
    for k in range(20):
        df = pd.read_csv(SMH / f"SMH-cascade-{k}.csv")
        out[k] = (df["time"].to_numpy(dtype=float), df["magnitude"].to_numpy(dtype=float))
    return out


def score(pred, finals):
    y = np.array([finals[k] for k in pred["cascade"]], dtype=float)
    ape = np.abs(pred["predicted"].to_numpy() - y) / y
    inside = (pred["lower"].to_numpy() <= y) & (y <= pred["upper"].to_numpy())
    return float(np.median(ape)), float(inside.mean())


def split(cascades, seed):
    """Train and test dicts: 70% / 30% of the cascades, by a permutation from `seed`."""
    ids = np.array(sorted(cascades))
    perm = np.random.default_rng(seed).permutation(ids.size)
    n_train = int(0.7 * ids.size)
    train = {k: cascades[k] for k in ids[perm[:n_train]]}
    test = {k: cascades[k] for k in ids[perm[n_train:]]}
    return train, test


def splits_table(per_split):
    """MdAPE by split, method and horizon, and the count of splits ours wins."""
    df = pd.concat(per_split)
    wide = df.pivot_table(index="split", columns=["hours", "method"], values="mdape")
    lines = [
        "| split | "
        + " | ".join(f"{h} h: SEISMIC / ours / ours' median / log-linear" for h in HOURS)
        + " |",
        "|---|" + "---|" * len(HOURS),
    ]
    for seed, row in wide.iterrows():
        cells = [
            f"{row[(h, 'seismic')]:.1%} / {row[(h, OURS)]:.1%} / {row[(h, 'hawkes-eb')]:.1%} / "
            f"{row[(h, 'log-linear')]:.1%}"
            for h in HOURS
        ]
        lines.append(f"| {seed} | " + " | ".join(cells) + " |")
    med = wide.median()
    lines.append(
        "| median | "
        + " | ".join(
            f"{med[(h, 'seismic')]:.1%} / {med[(h, OURS)]:.1%} / {med[(h, 'hawkes-eb')]:.1%} / "
            f"{med[(h, 'log-linear')]:.1%}"
            for h in HOURS
        )
        + " |"
    )
    wins = [int((wide[(h, OURS)] < wide[(h, "seismic")]).sum()) for h in HOURS]
    cov = df[df["method"] == OURS].groupby("hours")["coverage_80"]
    summary = (
        f"Ours has the smaller median error on {', '.join(f'{w} of {len(wide)} splits at {h} h' for w, h in zip(wins, HOURS, strict=True))}; "
        f"its 80% coverage over the splits ranges {cov.min().min():.0%}-{cov.max().max():.0%}."
    )
    return "\n".join(lines), summary


def evaluate(train, test, finals, followers=None, hours=HOURS):
    rows = []
    ftrain = ftest = None
    if followers is not None:
        ftrain = {k: followers[k] for k in train}
        ftest = {k: followers[k] for k in test}
    for method in METHODS:
        for h in hours:
            at = 3600.0 * h
            t0 = time.perf_counter()
            est = PopularityPredictor(method, rng=SEED).fit(train, ftrain)
            # Ours twice: its median, and the point for percentage errors (`point="ape"`),
            # from what was learned once for `at` (kept between the predictions).
            for point in POINTS[method]:
                row = {"method": OURS if point == "ape" else method, "hours": h}
                for level in (0.9, 0.8):
                    pred = est.set_params(level=level, point=point).predict(test, ftest, at=at)
                    mdape, cov = score(pred, finals)
                    row["mdape"] = mdape
                    row[f"coverage_{int(level * 100)}"] = cov
                row["seconds"] = time.perf_counter() - t0
                row["median_observed"] = float(pred["observed"].median())
                rows.append(row)
                print(row, flush=True)
    return pd.DataFrame(rows)


def verdict(df):
    """Ours against SEISMIC and Szabo-Huberman, from the table's numbers."""
    m = df.set_index(["method", "hours"])["mdape"]
    c80 = df.set_index(["method", "hours"])["coverage_80"]
    ours = [m[OURS, h] for h in HOURS]
    seis = [m["seismic", h] for h in HOURS]
    wins = [h for h, a, b in zip(HOURS, ours, seis, strict=True) if a < b]
    if len(wins) == len(HOURS):
        head = "**Ours has the smallest median error at every horizon.**"
    elif wins:
        head = (
            f"**Ours beats SEISMIC's median error at {', '.join(f'{h} h' for h in wins)} only.**"
        )
    else:
        head = "**Ours does not beat SEISMIC's median error here.**"
    fmt = " / ".join
    sh = [m["log-linear", h] for h in HOURS]
    cov = [c80[OURS, h] for h in HOURS]
    return (
        f"{head} MdAPE ours {fmt(f'{v:.1%}' for v in ours)}, SEISMIC "
        f"{fmt(f'{v:.1%}' for v in seis)}, Szabo-Huberman "
        f"{fmt(f'{v:.1%}' for v in sh)}; 80% coverage ours "
        f"{fmt(f'{v:.0%}' for v in cov)} (the issue's target is 75-85%). "
        "Szabo-Huberman's normal log-scale intervals over-cover (its log ratios are "
        "heavy-tailed); SEISMIC's intervals hold only the infectiousness's uncertainty "
        "and cover what they do because near-critical cascades make them wide."
    )


def table(df):
    lines = [
        "| method | hours | MdAPE | 90% coverage | 80% coverage | median observed | seconds |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in df.itertuples():
        lines.append(
            f"| {r.method} | {r.hours} | {r.mdape:.1%} | {r.coverage_90:.1%} | "
            f"{r.coverage_80:.1%} | {r.median_observed:.0f} | {r.seconds:.1f} |"
        )
    return "\n".join(lines)


def main():
    if not TWITTER15.exists():
        print(f"skipped: {TWITTER15} not found (the shared data are not on this machine)")
        return 0
    cascades = load_twitter15()
    train, test = split(cascades, SEED)
    finals = {k: t.size for k, t in cascades.items()}
    print(f"Twitter15: {len(train)} train, {len(test)} test", flush=True)
    tw = evaluate(train, test, finals)
    per_split = [tw.assign(split=SEED)]
    for seed in MORE_SPLITS:
        print(f"Twitter15, split {seed}", flush=True)
        per_split.append(evaluate(*split(cascades, seed), finals).assign(split=seed))
    splits_text, splits_summary = splits_table(per_split)
    smh_text = "SMH data not found: skipped."
    if SMH.exists():
        smh = load_smh()
        times = {k: v[0] for k, v in smh.items()}
        fol = {k: v[1] for k, v in smh.items()}
        sfin = {k: v.size for k, v in times.items()}
        # 20 cascades only: leave-one-out would be fairer; a fixed 12/8 split keeps it simple.
        order = np.random.default_rng(SEED).permutation(20)
        strain = {int(k): times[int(k)] for k in order[:12]}
        stest = {int(k): times[int(k)] for k in order[12:]}
        sm = evaluate(strain, stest, sfin, followers=fol)
        smh_text = table(sm)
    versions = (
        f"spread {spread.__version__}, numpy {np.__version__}, pandas {pd.__version__}, "
        f"Python {platform.python_version()}"
    )
    text = f"""# Early popularity prediction (issue 18, item 4)

Generated by `benchmarks/bench_popularity.py` on {datetime.date.today().isoformat()};
{platform.machine()}, {platform.system()} ({versions}); 2 shared cores.

## Twitter15

{len(cascades)} retweet trees (Ma, Gao, Wong 2017), split by cascade with seed {SEED}:
{len(train)} train, {len(test)} test. Events are the rows of a tree (the source tweet
included; 671 negative delays clipped to 0); the final size is the number of rows. Twitter15
has **no follower counts**: SEISMIC runs with every degree 1, so its infectiousness is a
branching ratio per unit of kernel mass (plateau s0 = 300 s, theta = 0.242 as in the
paper). With degree 1 and the paper's ``n* = 1`` nearly every cascade is supercritical
(``p n* >= 1``) and the prediction infinite (a first run: MdAPE infinite, 90% coverage 2%);
the numbers below learn SEISMIC's two correction factors on the training cascades per
horizon (the factor on the remainder, and the one on ``p n*`` folded into an effective
``n*``, about 0.45 at 1 h). Szabo-Huberman (`log-linear`) learns ``beta_t`` and the
log-scale spread per horizon. Ours (`hawkes-eb`, calibrated): the empirical-Bayes Hawkes
posterior mean remainder and branching ratio mapped through a median regression fitted on the training
cascades; interval from its residuals. Its point prediction, judged here by percentage
errors, is the size that minimises the expected one under that predictive law
(`point="ape"`: the residuals' sizes' median weighted by 1 / size, Gneiting 2011), row
`hawkes-eb (ape)`; row `hawkes-eb` is the law's median, the default (same fit, same
interval). MdAPE = median absolute percentage error of the point prediction; coverage =
share of test cascades whose final size lies in the interval. Seconds = fit and the
predictions (90% and 80%) for one horizon.

{table(tw)}

{verdict(tw)}

The same on {len(per_split)} splits (seeds {", ".join(str(k) for k in (SEED, *MORE_SPLITS))}; the
calibration's regressors were chosen on splits 5-8, none of these), MdAPE:

{splits_text}

{splits_summary}

Earlier variants of ours,
measured while building it on a 400 train / 250 test split (seed 5) at 1 h, for the
record: the uncalibrated posterior predictive (simulated continuations) MdAPE 36% with
the prior learned from complete training histories, 41% from their first hour only
(coverage 83% and 61%: the model underpredicts, median predicted/true 0.65); the
calibration by least squares 27%, by least absolute deviations 26% (seeds 5 and 6 on a
600 / 400 split: 25.9% and 22.9% against SEISMIC's 22.7% and 22.4%); the same with the
posterior mean branching ratio as a second regressor: 22.8% and 21.1%. The main split
(seed 0) had been run with the variant without it before this one was chosen on seeds 5
and 6: 29.3% / 18.1% / 11.5%; with it, 27.7% / 19.8% / 11.5%. Adding the two timing
regressors (the median delay over the window, the share of events in its second half;
the variant above) was chosen on 70 / 30 splits with seeds 5-8 at 1 h (MdAPE 21.6%,
19.8%, 20.4%, 20.6% against SEISMIC's 21.9%, 21.9%, 23.8%, 23.7%; the median delay alone
19.8%, 20.9%, 21.3%, 21.1%; the share alone 21.9%, 21.3%, 21.6%, 20.9%), and at 2 h and 4 h
on seeds 5 and 6 (13.8% / 13.1% and 8.8% / 8.4% against 14.8% / 14.5% and 8.8% / 8.8%).
The point for percentage errors (`point="ape"`) was chosen on the same 70 / 30 splits,
seeds 5-8, before this run: MdAPE at 1 h 18.8%, 19.5%, 17.0%, 19.7% against the median's
21.6%, 19.8%, 20.4%, 20.6%; at 2 h 12.5%, 12.4%, 11.8%, 12.9% against 13.8%, 13.1%, 13.0%,
14.1%; at 4 h 8.3%, 7.7%, 7.7%, 8.4% against 8.8%, 8.4%, 8.7%, 9.1%.

## SMH (20 cascades with follower counts; 12 train, 8 test)

Too few cascades for a firm ranking (8 test cascades: one cascade moves a coverage by 12.5
points); shown because SEISMIC here uses the real follower counts (``magnitude``). The SMH
cascades are small (50-317 events over up to 16 days), so an hour holds few events and
all three methods err by half or more.

{smh_text}
"""
    OUT.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
