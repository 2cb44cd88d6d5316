"""Small pieces every floor shares, one of each: intervals, threads, progress bars."""

import contextlib
import math
import os
import sys
from statistics import NormalDist
from typing import NamedTuple

from ._validation import check_int, check_level, check_nonnegative_float
from .exceptions import MemoryLimitError, WorkLimitError

#: Default bound on one call's work, in node-and-arc updates (a heat series term over
#: the graph, an activation and its out-arcs in a Monte Carlo run): some minutes on one
#: core. Calls that take `max_work` raise `WorkLimitError` before work past it starts.
MAX_WORK = 1e11

__all__ = [
    "MAX_WORK",
    "ConfidenceInterval",
    "check_work",
    "default_memory_limit",
    "progress_bar",
    "thread_count",
    "threads",
    "z_value",
]


def z_value(level):
    """The standard normal quantile that leaves ``(1 - level) / 2`` in each tail.

    Raises
    ------
    InvalidParameterError
        If `level` is not a number in (0, 1).

    Examples
    --------
    >>> from spread._common import z_value
    >>> round(z_value(0.95), 6)
    1.959964
    """
    return NormalDist().inv_cdf(0.5 + check_level(level) / 2)


class ConfidenceInterval(NamedTuple):
    """A confidence interval ``(low, high)``.

    Examples
    --------
    >>> from spread import ConfidenceInterval
    >>> ConfidenceInterval.normal(10.0, 1.0, 0.95)
    ConfidenceInterval(low=8.040036015459946, high=11.959963984540054)
    """

    low: float
    high: float

    @classmethod
    def normal(cls, estimate, stderr, level=0.95):
        """The normal-approximation interval ``estimate ± z(level) * stderr``.

        NaN bounds when `stderr` is not finite.
        """
        half = z_value(level) * stderr
        if not math.isfinite(half):
            return cls(math.nan, math.nan)
        return cls(float(estimate - half), float(estimate + half))


def _dask_worker_threads():
    """The threads of the Dask worker running this code, or None outside a Dask task."""
    distributed = sys.modules.get("distributed")
    if distributed is None:
        return None
    try:
        worker = distributed.get_worker()
    except ValueError:
        return None
    return int(worker.state.nthreads)


def thread_count(n_jobs=None):
    """Numba threads a kernel should use here.

    `n_jobs` threads (None or -1: all of Numba's threads), at most Numba's limit; inside
    a Dask task also at most the worker's ``nthreads``, so that a worker never runs
    more busy threads than it was given.

    Examples
    --------
    >>> import numba
    >>> from spread._common import thread_count
    >>> thread_count() == numba.config.NUMBA_NUM_THREADS, thread_count(1)
    (True, 1)
    """
    import numba

    available = numba.config.NUMBA_NUM_THREADS
    if n_jobs is None or (
        isinstance(n_jobs, int) and not isinstance(n_jobs, bool) and n_jobs == -1
    ):
        n = available
    else:
        n = min(check_int(n_jobs, name="n_jobs", min_value=1), available)
    worker = _dask_worker_threads()
    return n if worker is None else max(1, min(n, worker))


@contextlib.contextmanager
def threads(n):
    """Run the block with `n` Numba threads, restoring the previous count after."""
    import numba

    old = numba.get_num_threads()
    if old == n:  # the common case: setting costs microseconds, many small calls add up
        yield
        return
    numba.set_num_threads(n)
    try:
        yield
    finally:
        numba.set_num_threads(old)


def progress_bar(total, *, desc, progress=None, unit="run", unit_scale=False):
    """A tqdm bar: shown after 2 s when stderr is a terminal (or `progress=True`).

    `progress=False` silences it; `progress=None` (the default) decides from the terminal.
    """
    from tqdm.auto import tqdm

    if progress is None:
        disable = not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty())
    else:
        disable = not progress
    return tqdm(
        total=total,
        desc=desc,
        unit=unit,
        unit_scale=unit_scale,
        disable=disable,
        delay=0.0 if progress else 2.0,
        leave=False,
        dynamic_ncols=True,
    )


def default_memory_limit():
    """Three quarters of the machine's physical memory, in bytes."""
    try:
        return int(0.75 * os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - non-POSIX
        return 8 << 30


def check_memory(need, *, what, advice, max_memory=None):
    """Raise `MemoryLimitError` when `need` bytes exceed `max_memory`.

    `what` says what would take the memory, `advice` what to lower. The default bound,
    ``max_memory=None``, is three quarters of physical memory (`default_memory_limit`).

    Examples
    --------
    >>> from spread._common import check_memory
    >>> check_memory(2**20, what="10 runs", advice="lower `n_runs`")
    >>> check_memory(2**40, what="10**9 runs", advice="lower `n_runs`", max_memory=2**30)
    Traceback (most recent call last):
    ...
    spread.exceptions.MemoryLimitError: 10**9 runs would need about 1.05e+06 MiB, over `max_memory` (1,024 MiB): lower `n_runs`.
    """
    limit = default_memory_limit() if max_memory is None else max_memory
    if not need <= limit:  # NaN needs are refused too
        bound = "three quarters of physical memory" if max_memory is None else "`max_memory`"
        msg = (
            f"{what} would need about {need / 2**20:,.3g} MiB, over {bound} "
            f"({limit / 2**20:,.0f} MiB): {advice}."
        )
        raise MemoryLimitError(msg)


#: How a `WorkLimitError`'s message ends: the keyword that allows more (the command
#: line, which has no such option, leaves it out).
ALLOW_MORE_WORK = ", or pass a larger `max_work` (None: no bound) to allow it."


def check_max_work(max_work):
    """`max_work` as given to a public function: a positive number, or None for no bound."""
    if max_work is None:
        return None
    return check_nonnegative_float(max_work, name="max_work", allow_zero=False)


def check_work(work, max_work, *, what, advice, unit="node-and-arc updates"):
    """Raise `WorkLimitError` when `work` (in `unit`) exceeds `max_work`.

    `what` says what the work is for (with the parameter that drives it), `advice` what
    to lower; the message adds the keyword that allows it. ``max_work=None`` allows all.

    Examples
    --------
    >>> from spread._common import check_work
    >>> check_work(1e6, 1e9, what="10 runs", advice="Lower `n_runs`")
    >>> check_work(1e12, 1e9, what="`n_runs` = 10**9", advice="Lower `n_runs`")
    Traceback (most recent call last):
    ...
    spread.exceptions.WorkLimitError: `n_runs` = 10**9 needs about 1e+12 node-and-arc updates, over `max_work` = 1e+09. Lower `n_runs`, or pass a larger `max_work` (None: no bound) to allow it.
    """
    if max_work is None or not work > max_work:
        return
    msg = f"{what} needs about {work:,.3g} {unit}, over `max_work` = {max_work:,.3g}. {advice}"
    raise WorkLimitError(msg + ALLOW_MORE_WORK)
