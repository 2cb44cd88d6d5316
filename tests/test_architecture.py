"""The tree is the architecture: small modules, one home per concept, layers kept.

The import contracts themselves live in pyproject.toml and are checked by
`lint-imports` (run here and by .ci/run); these tests pin the rest of the house rules.
"""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "spread"
MODULES = sorted(PACKAGE.rglob("*.py"))
MAX_LINES = 700


def _code_lines(path):
    """The lines of a module that are code, not doctest examples."""
    return [line for line in path.read_text().splitlines() if ">>>" not in line]


def test_no_module_is_over_700_lines():
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in MODULES
        if p.name != "plot.py" and (n := len(p.read_text().splitlines())) > MAX_LINES
    }
    assert not long, f"split these by concept: {long}"


def _modules_using(pattern, *, allowed):
    """Modules outside `allowed` (a predicate on the file name) whose code matches."""
    return [
        str(p.relative_to(PACKAGE))
        for p in MODULES
        if not allowed(p.name) and any(re.search(pattern, line) for line in _code_lines(p))
    ]


def test_random_streams_are_derived_in_one_place():
    # Every stream comes from spread._random; elsewhere only its coercion is called.
    assert not _modules_using(
        r"default_rng\(|SeedSequence\(", allowed=lambda name: name == "_random.py"
    )


def test_parallel_loops_live_in_kernel_files():
    assert not _modules_using(r"\bprange\b", allowed=lambda name: name.endswith("_kernels.py"))


def test_warnings_are_issued_in_one_place():
    # `spread.exceptions.warn` finds the user's line; a hand-counted stacklevel drifts
    # when a call path gains a level (tests/test_bad_input.py checks where they point).
    assert not _modules_using(
        r"warnings\.warn\(|stacklevel", allowed=lambda name: name == "exceptions.py"
    )


def test_importing_spread_loads_neither_the_cli_nor_matplotlib():
    code = "import sys, spread; print('spread.cli' in sys.modules, 'matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.skipif(shutil.which("lint-imports") is None, reason="import-linter not installed")
def test_import_contracts_are_kept():
    out = subprocess.run(
        ["lint-imports", "--no-cache"],
        cwd=PACKAGE.parent,
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout[-3000:]
    assert "0 broken" in out.stdout
