"""The seeds of a network model fitted to a trend: given, or placed by a rule."""

import numpy as np

from .._random import SEED_RULE, generator
from .._validation import check_in
from ..exceptions import InvalidParameterError
from ..graph import resolve_seeds

__all__ = ["resolve_seeds_or_rule"]

_SEED_RULES = ("top-degree", "random", "pagerank")


def resolve_seeds_or_rule(graph, seeds, y, steps_per_bin, seeds_in_trend, rng):
    """Seed indices and a description of how they were chosen.

    `seeds` is a sequence of labels, a boolean mask, or a rule string
    ``"top-degree[:k]"``, ``"random[:k]"``, ``"pagerank[:k]"``; without ``k`` the rule
    takes as many seeds as the first bin holds adopters (only when the first bin is the
    seeds' step: ``steps_per_bin == 1`` and ``seeds_in_trend``).
    """
    if seeds is None:
        msg = (
            "`seeds` is required: seed labels, a boolean mask, or a rule such as "
            "'top-degree:10' (see ICEstimator.fit)."
        )
        raise InvalidParameterError(msg)
    if isinstance(seeds, str):
        rule, _, count = seeds.partition(":")
        check_in(rule, name="seeds", options=_SEED_RULES)
        if count:
            try:
                k = int(count)
            except ValueError:
                msg = f"`seeds` rule count must be an integer; got {seeds!r}."
                raise InvalidParameterError(msg) from None
        else:
            if not (steps_per_bin == 1 and seeds_in_trend):
                msg = (
                    f"`seeds` rule {seeds!r} needs a count ('{rule}:k') unless the first bin "
                    "holds just the seeds (steps_per_bin=1, seeds_in_trend=True)."
                )
                raise InvalidParameterError(msg)
            k = round(y[0])
        if not 1 <= k <= graph.n_nodes:
            msg = (
                f"`seeds` rule {seeds!r} must choose between 1 and {graph.n_nodes} seeds; got {k}."
            )
            raise InvalidParameterError(msg)
        return _rule_seeds(graph, rule, k, rng), f"{rule}:{k}"
    return resolve_seeds(graph, seeds), "given"


def _rule_seeds(graph, rule, k, root):
    from .. import ranking
    from ..models import IC

    allowed = np.ones(graph.n_nodes, dtype=bool)
    if rule == "top-degree":
        idx = ranking.top_k(ranking.degree_scores(graph), k, allowed)
    elif rule == "pagerank":
        weights = IC(p="wc").arc_probabilities(graph)
        idx = ranking.top_k(ranking.pagerank_scores(graph, weights), k, allowed)
    else:
        idx = ranking.random_nodes(k, allowed, generator(root, SEED_RULE, 0))
    return np.sort(idx).astype(np.int32)
