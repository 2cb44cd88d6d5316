"""The API fuzz (`tests/fuzz_api.py`) in a child process, so a crash or a hang fails a test.

A segmentation fault in a kernel would kill the interpreter that runs it; here it ends
the child with a negative return code, which fails this test with the child's output.
A hang ends at the time limit. The child runs ``SPREAD_FUZZ_CHILD_EXAMPLES`` examples per
boundary (default 25, derandomized: the same inputs every run); the long runs by hand
are described in `tests/FUZZING.md`.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("hypothesis")

FUZZ = Path(__file__).with_name("fuzz_api.py")


@pytest.mark.timeout(960)  # past the child's own 900 s, which reports a hang better
def test_api_fuzz_in_a_child_process():
    env = dict(os.environ)
    env["SPREAD_FUZZ_EXAMPLES"] = os.environ.get("SPREAD_FUZZ_CHILD_EXAMPLES", "25")
    env.setdefault("NUMBA_NUM_THREADS", "2")
    command = [
        sys.executable, "-m", "pytest", str(FUZZ), "-p", "no:cacheprovider", "-q", "-x",
        "--no-header", "-W", "ignore::pytest.PytestUnraisableExceptionWarning",
    ]  # fmt: skip
    try:
        child = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"the API fuzz hung (no end after {exc.timeout} s):\n{exc.stdout}")
    assert child.returncode >= 0, (
        f"the API fuzz crashed (signal {-child.returncode}):\n"
        f"{child.stdout[-4000:]}\n{child.stderr[-4000:]}"
    )
    assert child.returncode == 0, (
        f"exit {child.returncode}:\n{child.stdout[-6000:]}\n{child.stderr[-2000:]}"
    )
    n_tests = len(re.findall(r"^def test_", FUZZ.read_text(), flags=re.MULTILINE))
    assert re.search(rf"\b{n_tests} passed\b", child.stdout), child.stdout[-2000:]
