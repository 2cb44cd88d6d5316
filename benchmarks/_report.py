"""Helpers shared by the benchmark scripts: timing, markdown tables, the machine header."""

import datetime
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent


def timed(fn, repeat=3):
    """Median wall-clock seconds of `repeat` calls after one warm-up, and the last result."""
    fn()  # warm-up (kernels loaded from the cache)
    times = []
    out = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), out


def md_table(df, floatfmt=".4g"):
    """A DataFrame as a markdown table (floats by `floatfmt`, integers with separators)."""
    cols = list(df.columns)
    lines = ["| " + " | ".join(str(c) for c in cols) + " |", "|" + "---|" * len(cols)]
    for _, row in df.iterrows():
        cells = []
        for v in row:
            if isinstance(v, bool | np.bool_):
                cells.append(str(bool(v)))
            elif isinstance(v, float | np.floating):
                cells.append(f"{v:{floatfmt}}" if np.isfinite(v) else str(v))
            elif isinstance(v, int | np.integer):
                cells.append(f"{int(v):,}")
            else:
                cells.append(str(v))
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def header():
    """Date, machine, load average and versions, as markdown list lines."""
    import networkx as nx
    import numba
    import pandas as pd
    import scipy

    import spread

    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
        ).stdout.strip()
    except OSError:
        commit = "?"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    now = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    return [
        f"- Date: {now}",
        f"- Machine: {platform.machine()}, {os.cpu_count()} cores, {platform.system()} "
        f"{platform.release()}; load average at the start {load}",
        f"- Python {sys.version.split()[0]}, numpy {np.__version__}, scipy {scipy.__version__}, "
        f"pandas {pd.__version__}, numba {numba.__version__}, networkx {nx.__version__}, "
        f"spread {spread.__version__} (commit {commit})",
    ]
