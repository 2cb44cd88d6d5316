"""Every public entry point gives, bit for bit, the answer recorded in `tests/golden.json`.

The record was taken before the one-house redesign moved the code; a deliberate change
of a random stream re-records only the cases it touches (see `tests/golden.py`).
"""

import json
import math

import pytest

from .golden import CASES, GOLDEN, SLOW, compute

STORED = json.loads(GOLDEN.read_text())


def _diff(path, got, want, out):
    """Collect the places where `got` and `want` differ (exact, NaN equal to NaN)."""
    if isinstance(want, dict) and isinstance(got, dict):
        for key in sorted(set(want) | set(got)):
            if key not in got or key not in want:
                out.append(f"{path}.{key}: {'missing' if key not in got else 'unexpected'}")
            else:
                _diff(f"{path}.{key}", got[key], want[key], out)
    elif isinstance(want, list) and isinstance(got, list):
        if len(got) != len(want):
            out.append(f"{path}: length {len(got)} != {len(want)}")
        else:
            for i, (g, w) in enumerate(zip(got, want, strict=True)):
                _diff(f"{path}[{i}]", g, w, out)
    elif isinstance(want, float) and isinstance(got, float) and math.isnan(want):
        if not math.isnan(got):
            out.append(f"{path}: {got!r} != nan")
    elif type(got) is not type(want) or got != want:
        out.append(f"{path}: {got!r} != {want!r}")


@pytest.mark.parametrize(
    "name",
    [pytest.param(n, marks=pytest.mark.slow) if n in SLOW else n for n in CASES],
)
def test_golden(name):
    assert name in STORED, (
        f"no golden record for {name}: run `python tests/golden.py --write {name}`"
    )
    differences = []
    _diff(name, compute(name), STORED[name], differences)
    assert not differences, "\n".join(differences[:20])
