"""Small pieces shared across spread: intervals, random roots, threads, progress bars."""

import contextlib
import sys
from typing import NamedTuple

import numpy as np

from ._validation import check_int
from .exceptions import InvalidParameterError

__all__ = ["ConfidenceInterval", "progress_bar", "root_seed", "thread_count", "threads"]


class ConfidenceInterval(NamedTuple):
    """A confidence interval ``(low, high)``."""

    low: float
    high: float


def root_seed(rng):
    """The root seed (a uint64) from which every run's random stream is derived.

    `rng` is anything `numpy.random.default_rng` accepts: None (fresh entropy), an int,
    a `SeedSequence` or a `Generator` (which is advanced by one draw).
    """
    try:
        gen = np.random.default_rng(rng)
    except (TypeError, ValueError) as exc:
        msg = f"`rng` must be None, an int, a SeedSequence or a Generator; got {rng!r}."
        raise InvalidParameterError(msg) from exc
    return np.uint64(gen.integers(0, 2**64, dtype=np.uint64))


def thread_count(n_jobs):
    """Number of Numba threads to use for `n_jobs` (None or -1: all available)."""
    import numba

    available = numba.config.NUMBA_NUM_THREADS
    if n_jobs is None or n_jobs == -1:
        return available
    n_jobs = check_int(n_jobs, name="n_jobs", min_value=1)
    return min(n_jobs, available)


@contextlib.contextmanager
def threads(n):
    """Run the block with `n` Numba threads, restoring the previous count after."""
    import numba

    old = numba.get_num_threads()
    numba.set_num_threads(n)
    try:
        yield
    finally:
        numba.set_num_threads(old)


def progress_bar(total, *, desc, progress=None, unit="run"):
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
        disable=disable,
        delay=0.0 if progress else 2.0,
        leave=False,
        dynamic_ncols=True,
    )
