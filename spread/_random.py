"""The one random-stream scheme of spread: every random number is a function of ``rng``.

A call that draws random numbers turns its ``rng`` argument (None, an int, a
`numpy.random.SeedSequence` or a `numpy.random.Generator`, as `numpy.random.default_rng`
takes it) into one 64-bit *root* with `root_seed`. Every unit of random work then gets
its own stream, a pure function of the root, a *named stream* and the unit's *index*:

=================  ==========================================================  =========
stream             what its units are                                          index
=================  ==========================================================  =========
``RUNS``           forward Monte Carlo runs: `spread.simulate`, CELF's          run
                   estimates, the network fits' objectives and predictions
``RR``             reverse-reachable sets that choose seeds (IMM's and          RR set
                   OPIM-C's selection collection)
``RR_CHECK``       OPIM-C's independent validation collection                   RR set
``RR_CERT``        the collection that certifies OPIM-C's choice on R1 and R2   RR set
                   joined
``EVAL_RUNS``      forward runs that score chosen seeds (`spread.maximize`)     run
``EVAL_RR``        RR sets that score every prefix of the chosen seeds          RR set
``SEED_RULE``      seeds placed at random (``maximize(method="random")``,       0
                   the fits' ``"random:k"`` rule)
``PREDICTION``     runs behind a network fit's `predict`, `simulate` and        run
                   `forecast`
``BOOTSTRAP``      parametric-bootstrap replicates                              replicate
``CASCADES``       synthetic cascades (`spread.fit.simulate_cascades`,          cascade
                   `spread.fit.simulate_ctic`)
=================  ==========================================================  =========

The stream of unit ``i`` starts from ``derive(root, stream, i)``. Because it depends on
nothing else, a result is the same on one thread or sixteen, in one batch or many,
locally or on any Dask worker, and a unit recomputed after a failure is bit-identical.

Numba kernels run SplitMix64 generators whose state for unit ``i`` of a stream is
``unit_state(stream_root(root, stream), i)``: the Python side passes the stream's root
and the kernel derives each unit's state itself (the kernels' copies of these few lines
are pinned to the ones here by `tests/test_random.py`). Python code that needs a numpy
`Generator` for a unit takes `generator(root, stream, i)`.

Examples
--------
>>> from spread import _random
>>> root = _random.root_seed(0)
>>> a = _random.derive(root, _random.BOOTSTRAP, 3)
>>> bool(a == _random.derive(root, _random.BOOTSTRAP, 3))
True
>>> bool(a == _random.derive(root, _random.RUNS, 3))
False
"""

import numpy as np

from .exceptions import InvalidParameterError

__all__ = [
    "BOOTSTRAP",
    "CASCADES",
    "EVAL_RR",
    "EVAL_RUNS",
    "INDEX_RR",
    "PREDICTION",
    "RR",
    "RR_CERT",
    "RR_CHECK",
    "RUNS",
    "SEED_RULE",
    "as_generator",
    "derive",
    "generator",
    "root_seed",
    "stream_root",
    "unit_state",
]

_MASK = (1 << 64) - 1
_GOLDEN = 0x9E3779B97F4A7C15

# Named streams and their salts. RUNS is the root itself (the primary stream); every
# other stream's root is ``mix(root ^ salt)``. A salt is eight ASCII letters.
RUNS = "runs"
RR = "rr"
RR_CHECK = "rr-check"
RR_CERT = "rr-cert"
EVAL_RUNS = "eval-runs"
EVAL_RR = "eval-rr"
SEED_RULE = "seed-rule"
PREDICTION = "prediction"
BOOTSTRAP = "bootstrap"
CASCADES = "cascades"
INDEX_RR = "index-rr"
_SALTS = {
    RUNS: None,
    RR: 0x5252534554535F31,  # "RRSETS_1"
    RR_CHECK: 0x5252434845434B31,  # "RRCHECK1"
    RR_CERT: 0x5252434552545F31,  # "RRCERT_1"
    EVAL_RUNS: 0x4556414C52554E53,  # "EVALRUNS"
    EVAL_RR: 0x4556414C5F525231,  # "EVAL_RR1"
    SEED_RULE: 0x5345454452554C45,  # "SEEDRULE"
    PREDICTION: 0x5052454449435431,  # "PREDICT1"
    BOOTSTRAP: 0x424F4F5453545250,  # "BOOTSTRP"
    CASCADES: 0x4341534341444553,  # "CASCADES"
    INDEX_RR: 0x494E4445585F5252,  # "INDEX_RR"
}


def mix(z):
    """SplitMix64's finalizer on a 64-bit integer (a Python int)."""
    z = int(z) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return z ^ (z >> 31)


def root_seed(rng):
    """The root (a uint64) of every stream of one call, from its `rng` argument.

    `rng` is anything `numpy.random.default_rng` accepts: None (fresh entropy), an int,
    a `SeedSequence` or a `Generator` (which is advanced by one draw).

    Raises
    ------
    InvalidParameterError
        If `rng` is none of these.
    """
    return np.uint64(as_generator(rng).integers(0, 2**64, dtype=np.uint64))


def as_generator(rng):
    """`rng` as a `numpy.random.Generator` (the coercion of every ``rng`` argument)."""
    if isinstance(rng, bool):
        msg = f"`rng` must be None, an int, a SeedSequence or a Generator; got {rng!r}."
        raise InvalidParameterError(msg)
    try:
        return np.random.default_rng(rng)
    except (TypeError, ValueError) as exc:
        msg = f"`rng` must be None, an int, a SeedSequence or a Generator; got {rng!r}."
        raise InvalidParameterError(msg) from exc


def stream_root(root, stream):
    """The root of a named stream (a uint64), what the kernels receive."""
    try:
        salt = _SALTS[stream]
    except KeyError:
        msg = f"unknown random stream {stream!r}; streams: {', '.join(_SALTS)}."
        raise InvalidParameterError(msg) from None
    if salt is None:
        return np.uint64(int(root) & _MASK)
    return np.uint64(mix(int(root) ^ salt))


def unit_state(stream_root_, index):
    """The generator state of unit `index` of a stream whose root is `stream_root_`.

    The same function as the kernels' ``_run_state``: ``mix(root ^ mix((i + 1) * golden))``.
    """
    z = mix(((int(index) + 1) * _GOLDEN) & _MASK)
    return np.uint64(mix(int(stream_root_) ^ z))


def derive(root, stream, index):
    """The seed (a uint64) of unit `index` of `stream` under `root`."""
    return unit_state(stream_root(root, stream), index)


def generator(root, stream, index):
    """A numpy `Generator` for unit `index` of `stream`: its draws depend on nothing else."""
    return np.random.Generator(np.random.PCG64(int(derive(root, stream, index))))
