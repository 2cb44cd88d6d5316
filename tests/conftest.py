"""Shared fixtures: small graphs and the path of the shared data folder (if present)."""

import faulthandler
import importlib
import os
import sys
from pathlib import Path

import pytest

SHARED_DATA = Path(__file__).resolve().parents[2] / "shared" / "data"

# The test extra's optional packages. Tests that need one skip when it is missing; with
# SPREAD_REQUIRE_OPTIONAL=1 (set by .ci/run) a missing one stops the run instead, so
# that CI runs the cross-library and parquet tests rather than skipping them.
OPTIONAL = ["cynetdiff", "pynetim", "EoN", "pyarrow", "hypothesis", "distributed", "nbclient"]


_STDERR = {}  # the terminal's stderr, kept before output capture (for the watchdog)


def pytest_configure(config):
    # Capture is suspended while plugins configure: fd 2 is still the real stderr here.
    _STDERR["fd"] = os.dup(sys.stderr.fileno())
    if os.environ.get("SPREAD_REQUIRE_OPTIONAL") != "1":
        return
    missing = []
    for name in OPTIONAL:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            missing.append(f"{name} ({exc})")
    if missing:
        raise pytest.UsageError(
            "SPREAD_REQUIRE_OPTIONAL=1 but these test dependencies do not import: "
            + ", ".join(missing)
        )


def hard_limit(item):
    """Seconds after which the watchdog ends the run: the test's timeout, plus a margin."""
    marker = item.get_closest_marker("timeout")
    if marker is not None and marker.args:
        limit = float(marker.args[0])
    else:  # pytest-timeout's order: the mark, then --timeout, then the ini value
        try:
            option = item.config.getoption("timeout", None)
            limit = float(option if option is not None else item.config.getini("timeout") or 0)
        except ValueError:  # pytest-timeout is not installed
            limit = 600.0
    return 1.1 * limit + 5.0 if limit > 0 else 0.0


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """A watchdog that needs no interpreter: it stops a kernel that never returns.

    pytest-timeout fails a test that overruns by raising in Python, which a Numba loop
    in compiled code never gives the chance to do. `faulthandler`'s watchdog is a C
    thread: at the hard limit it prints every thread's Python stack (naming the test)
    and exits the process, so the run fails within its time instead of hanging.
    """
    limit = hard_limit(item)
    if limit > 0:
        fd = _STDERR.get("fd", sys.__stderr__.fileno())
        faulthandler.dump_traceback_later(limit, exit=True, file=fd)
    try:
        yield
    finally:
        if limit > 0:
            faulthandler.cancel_dump_traceback_later()


@pytest.fixture
def shared_data():
    """The developers' ``../shared/data`` folder; tests using it skip when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip("../shared/data is not present on this machine")
    return SHARED_DATA
