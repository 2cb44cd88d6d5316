"""The one random-stream scheme (`spread._random`) and the kernels' copies of it.

Numba's on-disk cache sees only the file a kernel is in, so the forward-run kernels and
the RR-set kernels each carry their own copy of SplitMix64's few lines; these tests pin
both copies to `spread._random`, stream by stream.
"""

import numpy as np
import pytest

import spread
from spread import _random
from spread.im import _rrset_kernels
from spread.models import _ic_lt_kernels
from tests import reference


@pytest.mark.parametrize("root", [0, 1, 2**63 + 12345, 2**64 - 1])
@pytest.mark.parametrize("index", [0, 1, 7, 2**40 + 3])
def test_kernel_copies_derive_the_same_states(root, index):
    want = _random.unit_state(np.uint64(root), index)
    assert _ic_lt_kernels._run_state(np.uint64(root), index) == want
    assert _rrset_kernels._run_state(np.uint64(root), index) == want


def test_kernel_mixers_agree_with_python():
    for z in (0, 1, 0x9E3779B97F4A7C15, 2**64 - 1, 123456789123456789):
        want = _random.mix(z)
        assert int(_ic_lt_kernels._mix(np.uint64(z))) == want
        assert int(_rrset_kernels._mix(np.uint64(z))) == want


def test_named_streams_are_distinct_and_pure():
    root = _random.root_seed(0)
    names = [
        _random.RUNS,
        _random.RR,
        _random.RR_CHECK,
        _random.RR_CERT,
        _random.EVAL_RUNS,
        _random.EVAL_RR,
        _random.SEED_RULE,
        _random.PREDICTION,
        _random.BOOTSTRAP,
        _random.CASCADES,
        _random.INDEX_RR,
    ]
    roots = [int(_random.stream_root(root, s)) for s in names]
    assert len(set(roots)) == len(names)
    assert int(_random.stream_root(root, _random.RUNS)) == int(root)  # the primary stream
    assert _random.derive(root, _random.BOOTSTRAP, 5) == _random.derive(root, _random.BOOTSTRAP, 5)
    a = _random.generator(root, _random.CASCADES, 2).random(4)
    b = _random.generator(root, _random.CASCADES, 2).random(4)
    c = _random.generator(root, _random.CASCADES, 3).random(4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)


@pytest.mark.parametrize(
    ("stream", "letters"),
    [
        (_random.RR, b"RRSETS_1"),
        (_random.RR_CHECK, b"RRCHECK1"),
        (_random.RR_CERT, b"RRCERT_1"),
        (_random.EVAL_RUNS, b"EVALRUNS"),
        (_random.EVAL_RR, b"EVAL_RR1"),
        (_random.SEED_RULE, b"SEEDRULE"),
        (_random.PREDICTION, b"PREDICT1"),
        (_random.BOOTSTRAP, b"BOOTSTRP"),
        (_random.CASCADES, b"CASCADES"),
        (_random.INDEX_RR, b"INDEX_RR"),
    ],
)
def test_a_streams_root_mixes_the_root_with_its_eight_letter_salt(stream, letters):
    """Every result drawn from a named stream depends on its salt: eight ASCII letters
    read as a big-endian integer, fixed for good (a changed salt would change, without
    a word, every answer a user reproduces from a seed)."""
    salt = int.from_bytes(letters, "big")
    for root in (0, 1, 2**64 - 1, int(_random.root_seed(2024))):
        assert int(_random.stream_root(np.uint64(root), stream)) == _random.mix(root ^ salt)


def test_the_root_is_the_generators_next_64_bit_word():
    """`root_seed` takes the next raw 64-bit output of the Generator `rng` makes (all 64
    bits: any narrower draw would cut the space of roots, and any other mapping would
    change every stream of every seed)."""
    for rng in (0, 1, 7, 2**70 + 5, np.random.SeedSequence(3)):
        raw = np.random.default_rng(rng).bit_generator.random_raw()
        assert int(_random.root_seed(rng)) == int(raw)
    gen, twin = np.random.default_rng(9), np.random.default_rng(9)
    twin.bit_generator.random_raw()
    _random.root_seed(gen)
    assert gen.random() == twin.random()  # advanced by exactly that one word


def test_root_seed_accepts_what_default_rng_accepts_and_nothing_else():
    assert _random.root_seed(7) == _random.root_seed(7)
    assert _random.root_seed(np.random.SeedSequence(7)) == _random.root_seed(
        np.random.SeedSequence(7)
    )
    gen = np.random.default_rng(3)
    first, second = _random.root_seed(gen), _random.root_seed(gen)
    assert first != second  # a Generator is advanced
    for bad in ("seed", 1.5, True, [1.5]):
        with pytest.raises(spread.InvalidParameterError, match="`rng` must be None, an int"):
            _random.root_seed(bad)
    with pytest.raises(spread.InvalidParameterError, match="unknown random stream 'nope'"):
        _random.stream_root(np.uint64(1), "nope")


def test_the_rr_stream_is_what_the_kernel_samples():
    # RR set r of a collection starts from unit_state(stream_root(root, RR), r): replay
    # sets 0 .. 5 of a path 0 -> 1 -> 2 with p = 0.5 by hand from that state (the first
    # number is drawn and unused, the target is the set's stratum, then one coin per
    # in-arc going upstream) and compare with the kernel.
    g = spread.Graph.from_edges([0, 1], [1, 2])
    root = _random.root_seed(11)
    sr = _random.stream_root(root, _random.RR)
    p_in = np.full(g.n_edges, 0.5)
    node_p = np.full(g.n_nodes, -1.0)
    offsets, members = _rrset_kernels.rr_sets_ic(
        g.in_indptr,
        g.in_indices,
        p_in,
        np.zeros(g.n_edges),  # 1 / log(1 - p_in), read for subset-sampled nodes only
        g.in_indices,  # the arcs' sources, per in-slot of p_in
        node_p,
        np.zeros(g.n_nodes),
        np.empty(0, dtype=np.int32),  # no target weights: one stratum per node
        np.empty(0),
        np.empty(0),  # plain sets (not conditioned on a live in-arc of the target)
        sr,
        0,  # the collection's first set: its strata start there
        0,
        6,
        16,
    )
    joined = 0
    for r in range(6):
        state = int(_random.unit_state(sr, r))
        draws = []
        for _ in range(3):
            state = (state + 0x9E3779B97F4A7C15) & ((1 << 64) - 1)
            draws.append((_random.mix(state) >> 11) * 2.0**-53)
        want = [reference.rr_stratum(int(sr), 0, r, 3)]
        for coin in draws[1:]:  # draws[0] is the unused first number
            if want[-1] == 0 or coin >= 0.5:
                break
            want.append(want[-1] - 1)
        assert members[offsets[r] : offsets[r + 1]].tolist() == want, r
        joined += len(want) > 1
    assert sorted(members[offsets[:3]].tolist()) == [0, 1, 2]  # a block visits each node
    assert 0 < joined < 6  # both outcomes of a coin are seen
