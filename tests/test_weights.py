import numpy as np
import pytest

import spread
from spread import InvalidParameterError
from spread import weights as W


@pytest.fixture
def g():
    return spread.datasets.load("wiki-vote")


def test_weighted_cascade_sums_to_one_per_node(g):
    p = W.weighted_cascade(g)
    sums = np.bincount(g.indices, weights=p, minlength=g.n_nodes)
    has_in = g.in_degree > 0
    assert np.allclose(sums[has_in], 1.0) and (sums[~has_in] == 0).all()


def test_uniform_and_errors(g):
    assert (W.uniform(g, 0.05) == 0.05).all()
    with pytest.raises(
        InvalidParameterError, match=r"`p` must be a probability in \[0, 1\]; got 1.5"
    ):
        W.uniform(g, 1.5)
    with pytest.raises(
        InvalidParameterError, match=r"`p` must be a probability in \[0, 1\]; got nan"
    ):
        W.uniform(g, float("nan"))


def test_trivalency_is_drawn_once_from_rng(g):
    a, b = W.trivalency(g, rng=1), W.trivalency(g, rng=1)
    assert np.array_equal(a, b)
    assert set(np.unique(a)) == {0.1, 0.01, 0.001}
    counts = np.array([(a == v).sum() for v in (0.1, 0.01, 0.001)])
    # each value has probability 1/3: within 4 standard errors
    se = np.sqrt(g.n_edges * (1 / 3) * (2 / 3))
    assert np.all(np.abs(counts - g.n_edges / 3) < 4 * se)


def test_uniform_random_range(g):
    p = W.uniform_random(g, 0.1, 0.3, rng=0)
    assert p.min() >= 0.1 and p.max() < 0.3
    assert abs(p.mean() - 0.2) < 4 * (0.2 / np.sqrt(12)) / np.sqrt(g.n_edges)
    with pytest.raises(InvalidParameterError, match=r"`high` must be >= `low` \(0.3\); got 0.1"):
        W.uniform_random(g, 0.3, 0.1)


def test_lt_normalisation_and_check():
    h = spread.Graph.from_edges(["a", "b", "c"], ["c", "c", "a"])
    with pytest.raises(
        InvalidParameterError, match=r"node 'c' receives 1.5 \(1 node\(s\) over 1\)"
    ):
        W.check_lt_weights(h, [1.0, 0.5, 0.2])
    w = W.normalize_lt(h, [1.0, 0.5, 0.2])
    assert w.tolist() == pytest.approx([2 / 3, 1 / 3, 1.0])
    w = W.normalize_lt(h, [1.0, 0.5, 0.2], only_over=True)
    assert w.tolist() == pytest.approx([2 / 3, 1 / 3, 0.2])
    with pytest.raises(
        InvalidParameterError,
        match=r"`weights` must be finite and >= 0; got -1.0 at arc 0",
    ):
        W.normalize_lt(h, [-1.0, 0.5, 0.2])


def test_probability_arrays_name_the_arc():
    from spread._validation import check_probabilities

    with pytest.raises(
        InvalidParameterError,
        match=r"`p` must hold probabilities in \[0, 1\]; got 2.0 at arc 1",
    ):
        check_probabilities([0.1, 2.0, np.nan], name="p")
    with pytest.raises(
        InvalidParameterError,
        match=r"`p` must have one entry per arc \(4\); got an array of length 3",
    ):
        check_probabilities([0.1, 0.2, 0.3], name="p", size=4)


def test_lt_check_accepts_a_sum_of_exactly_one_plus_tol():
    """Pins the rule's boundary: in-weights may sum to 1 + tol, not only to less.

    0.5 + 0.5 is exactly 1.0 in binary, so with ``tol=0`` node 2 sits on the bound and is
    accepted; 0.5 + 2 ulp(0.5) makes the sum 1 + 2**-52, the next double, refused.
    """
    g = spread.Graph.from_edges([0, 1], [2, 2])
    assert W.check_lt_weights(g, [0.5, 0.5], tol=0.0).tolist() == [0.5, 0.5]
    with pytest.raises(InvalidParameterError, match="node 2 receives 1"):
        W.check_lt_weights(g, [0.5, 0.5 + 2.0**-52], tol=0.0)


def test_lt_normalisation_keeps_zero_weights_and_nodes_with_no_weight():
    """Pins `normalize_lt` on zeros: a zero weight is valid, and a node whose in-weights
    are all 0 keeps them at 0 (no 0 / 0).

    Arcs 0->2 (3), 1->2 (0), 0->3 (0), 1->3 (0): node 2's weights scale to 1 and 0,
    node 3's stay 0.
    """
    g = spread.Graph.from_edges([0, 1, 0, 1], [2, 2, 3, 3])
    s, t, _ = g.edges()
    raw = {(0, 2): 3.0, (1, 2): 0.0, (0, 3): 0.0, (1, 3): 0.0}
    w = W.normalize_lt(g, [raw[int(a), int(b)] for a, b in zip(s, t, strict=True)])
    got = {(int(a), int(b)): float(x) for a, b, x in zip(s, t, w, strict=True)}
    assert got == {(0, 2): 1.0, (1, 2): 0.0, (0, 3): 0.0, (1, 3): 0.0}
