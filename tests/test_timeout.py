"""The test configuration stops a Numba kernel that never returns.

A kernel bug such as a missing increment loops forever in compiled code, where neither
a signal handler nor a Python timer thread ever runs. The project's configuration
(pytest-timeout's ``timeout`` in pyproject.toml, and the watchdog of tests/conftest.py)
must end such a run with a failure that names the test, instead of stalling CI for its
whole budget.
"""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

LOOPING_TEST = textwrap.dedent(
    """
    import numba


    @numba.njit(cache=False)
    def spin(n):
        j = 0
        total = 0
        while j < n:
            total += j  # the bug: j is never incremented
        return total


    def test_loops_forever():
        spin(10)
    """
)


def test_a_kernel_that_loops_forever_fails_its_test(tmp_path):
    """Run a looping kernel under the project's pytest settings and watchdog, 5 s limit."""
    pytest.importorskip("pytest_timeout")
    (tmp_path / "test_spin.py").write_text(LOOPING_TEST)
    # The watchdog of tests/conftest.py, as the suite's own tests get it.
    (tmp_path / "conftest.py").write_text(
        f"import sys\nsys.path.insert(0, {str(ROOT)!r})\n"
        "from tests.conftest import pytest_configure, pytest_runtest_protocol  # noqa: F401\n"
    )
    env = dict(os.environ, NUMBA_NUM_THREADS="1")
    env.pop("PYTEST_ADDOPTS", None)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(tmp_path / "test_spin.py"),
            "-c",
            str(ROOT / "pyproject.toml"),
            "--rootdir",
            str(tmp_path),
            "-p",
            "no:cacheprovider",
            "-o",
            "timeout=5",
            "-o",
            "addopts=",
        ],
        capture_output=True,
        text=True,
        timeout=120,  # a backstop: the configuration must end it long before this
        env=env,
        cwd=tmp_path,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0, out
    # faulthandler's report at the hard limit, 1.1 * 5 s + 5 s, then the stack down to
    # the looping test.
    assert "Timeout (0:00:10.5" in out and "line 15 in test_loops_forever" in out, out
