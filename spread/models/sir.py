"""Susceptible-infected-recovered spreading in continuous time (Markovian or not)."""

import math
from dataclasses import dataclass, field

import numpy as np

from .._validation import ndim_of
from ..exceptions import InvalidParameterError
from . import _ctic_kernels as _k
from ._batch import Plan
from .ctic import _law_median, _resolve_delay

__all__ = ["SIR"]


def _rate(value, name, probability=False):
    """A rate (number or per-item array) as a read-only float64 array; >= 0, finite (a
    probability in [0, 1] with `probability`)."""
    if isinstance(value, bool | np.bool_ | str | bytes) or ndim_of(value) > 1:
        msg = f"`{name}` must be a rate >= 0 or one per {'arc' if name == 'beta' else 'node'}; got {value!r:.80}."
        raise InvalidParameterError(msg)
    try:
        arr = np.array(value, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError, OverflowError):
        arr = None
    if arr is None or arr.size == 0:
        msg = f"`{name}` must be a rate >= 0 or one per {'arc' if name == 'beta' else 'node'}; got {value!r:.80}."
        raise InvalidParameterError(msg)
    bad = ~((arr >= 0) & (arr <= 1 if probability else np.isfinite(arr)))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        where = f" at {'arc' if name == 'beta' else 'node'} {i}" if arr.size > 1 else ""
        rule = "a probability per step in [0, 1]" if probability else "a finite rate >= 0"
        msg = f"`{name}` must be {rule}; got {float(arr[i])!r}{where}."
        raise InvalidParameterError(msg)
    arr.flags.writeable = False
    return arr


def _readonly(x):
    x = np.ascontiguousarray(x, dtype=np.float64)
    x.flags.writeable = False
    return x


_ONE = _readonly([1.0])
_NEVER = _readonly([math.inf])  # a fixed infinite period: never recovers
_NO_TABLE = _readonly([0.0, 0.0])


def _resolve_laws(beta, gamma, transmission, recovery, discrete):
    """``(transmission law, live arcs or None, recovery law)`` of an SIR or SIS model,
    validated (each law as ``(code, a, b, table)``)."""
    if (beta is None) == (transmission is None):
        msg = "give exactly one of `beta` (Markovian) and `transmission` (a delay law)."
        raise InvalidParameterError(msg)
    if (gamma is None) == (recovery is None):
        msg = "give exactly one of `gamma` (Markovian) and `recovery` (a law of the period)."
        raise InvalidParameterError(msg)
    if not isinstance(discrete, bool | np.bool_):
        msg = f"`discrete` must be True or False; got {discrete!r}."
        raise InvalidParameterError(msg)
    if discrete and (transmission is not None or recovery is not None):
        msg = "`discrete=True` takes `beta` and `gamma` (probabilities per step), not laws."
        raise InvalidParameterError(msg)
    law = _k.GEOMETRIC if discrete else _k.EXPONENTIAL
    if beta is not None:
        beta = _rate(beta, "beta", discrete)
        trans = (law, _readonly(np.where(beta > 0, beta, 1.0)), _ONE, _NO_TABLE)
        live = beta > 0
    else:
        trans, live = _resolve_delay(transmission), None
    if gamma is not None:
        gamma = _rate(gamma, "gamma", discrete)
        if np.all(gamma == 0):
            rec = (_k.FIXED, _NEVER, _ONE, _NO_TABLE)
        elif np.all(gamma > 0):
            rec = (law, gamma, _ONE, _NO_TABLE)
        else:  # a few nodes never recover: an infinite fixed period for them
            msg = "`gamma` must be > 0 on every node or 0 on every node."
            raise InvalidParameterError(msg)
    else:
        rec = _resolve_delay(recovery)
    return trans, live, rec


def _law_arrays(model, graph):
    """``(p, transmission law, recovery law)`` of `model` (SIR or SIS) on `graph`: p is
    1 on the arcs that transmit, 0 on those with ``beta = 0``; the laws' parameters are
    checked against the numbers of arcs and nodes."""
    (code, a, b, table), live, (rcode, ra, rb, rtable) = model._laws
    for arr, what, size in ((a, "arc", graph.n_edges), (b, "arc", graph.n_edges)):
        if arr.size not in (1, size):
            name = "beta" if model.beta is not None else "transmission"
            msg = f"`{name}` must be a number or one per {what} ({size}); got {arr.size} values."
            raise InvalidParameterError(msg)
    for arr in (ra, rb):
        if arr.size not in (1, graph.n_nodes):
            name = "gamma" if model.gamma is not None else "recovery"
            msg = f"`{name}` must be a number or one per node ({graph.n_nodes}); got {arr.size} values."
            raise InvalidParameterError(msg)
    if live is None or live.size == 1:
        p = np.full(graph.n_edges, 1.0 if live is None or live[0] else 0.0)
    else:
        p = live.astype(np.float64)
    return _readonly(p), (code, a, b, table), (rcode, ra, rb, rtable)


@dataclass(frozen=True, eq=False, repr=False)
class SIR:
    """Susceptible-infected-recovered spreading in continuous time.

    An infected node stays infectious for a random period, then recovers for good.
    While infectious it transmits along each out-arc after a random delay; the
    transmission happens if the delay is shorter than the infectious period and the
    target is still susceptible. Seeds are infected at time 0. In the Markovian
    model (`beta`, `gamma`) the delays are Exp(beta) per arc and the periods
    Exp(gamma) per node (Kermack-McKendrick on a network); any other laws give the
    non-Markovian model. `spread.simulate` computes it exactly, event by event (the
    next-reaction view: a run is a shortest-path problem in which the arcs of a node
    whose period ends first are cut; Kiss, Miller & Simon 2017, ch. 9).

    Parameters
    ----------
    beta : float or array_like, optional
        Transmission rate of every arc (Markovian transmission): a number or one per
        arc (in the order of `Graph.edges`); 0 on an arc means it never transmits.
    gamma : float or array_like, optional
        Recovery rate (Markovian recovery): a number or one per node; 0 means never
        recovering (the SI model, which is `CTIC` with ``p = 1``).
    transmission : tuple or frozen scipy.stats distribution, optional
        Instead of `beta`: the law of the transmission delay, as `CTIC`'s ``delay``
        takes it (``("weibull", shape, scale)``, ``("lognormal", mu, sigma)``, ...).
    recovery : tuple or frozen scipy.stats distribution, optional
        Instead of `gamma`: the law of the infectious period (parameters one per node
        or one for all), e.g. ``("fixed", 3.0)`` for a fixed period.
    discrete : bool, default False
        Discrete time (the SIR of NDlib and of EoN's discrete simulations): `beta` and
        `gamma` are then probabilities per step. A node infected at step t tries each
        susceptible out-neighbour at steps t + 1, t + 2, ... with probability `beta`
        each time, and after each step's tries recovers with probability `gamma` (so
        ``gamma = 1`` is IC with ``p = beta``). Times are whole steps (`time_step` 1).

    Notes
    -----
    Each arc out of an infected node transmits with probability
    ``P(delay < period)``, ``beta / (beta + gamma)`` in the Markovian model, but the
    arcs of one node share its period, so SIR's final size is not IC's with that
    probability (it has the same mean number of secondary infections, and a wider
    spread of outcomes). `SpreadResult.curve` counts the ever infected (I + R),
    `SpreadResult.prevalence` the infectious (I).

    See Also
    --------
    CTIC : transmissions with independent coins instead of a shared infectious period.

    References
    ----------
    I. Z. Kiss, J. C. Miller, P. L. Simon, "Mathematics of Epidemics on Networks",
    Springer 2017. W. O. Kermack, A. G. McKendrick, "A contribution to the mathematical
    theory of epidemics", Proc. R. Soc. A 115 (1927).

    Examples
    --------
    From the hub of a star each leaf is infected if its Exp(beta) delay beats the
    hub's Exp(gamma) period, with probability ``beta / (beta + gamma)`` (0.4 here);
    the 5 leaves share the period, so their count has mean 5 x 0.4 = 2:

    >>> import spread
    >>> star = spread.Graph.from_edges([0] * 5, [1, 2, 3, 4, 5])
    >>> res = spread.simulate(star, [0], spread.SIR(beta=2.0, gamma=3.0), n_runs=20_000, rng=0)
    >>> bool(abs(res.mean - 3.0) < 4 * res.stderr)
    True

    Without recovery every infectious period is endless: the hub infects every leaf.

    >>> spread.simulate(star, [0], spread.SIR(beta=2.0, gamma=0.0), n_runs=10, rng=0).mean
    6.0
    """

    beta: object = None
    gamma: object = None
    transmission: object = None
    recovery: object = None
    discrete: bool = False
    _laws: tuple = field(init=False, repr=False)

    continuous_time = True

    def __post_init__(self):
        laws = _resolve_laws(
            self.beta, self.gamma, self.transmission, self.recovery, self.discrete
        )
        object.__setattr__(self, "_laws", laws)

    def __repr__(self):
        def show(x):
            if x is None:
                return None
            if isinstance(x, tuple | list):
                parts = [repr(x[0])] + [
                    f"<array of {len(v)}>" if ndim_of(v) == 1 else repr(v) for v in x[1:]
                ]
                return "(" + ", ".join(parts) + ")"
            if ndim_of(x) == 1:
                return f"<array of {len(x)}>"
            return f"{x.dist.name}(...)" if hasattr(x, "dist") else repr(x)

        parts = [
            f"{name}={show(getattr(self, name))}"
            for name in ("beta", "gamma", "transmission", "recovery")
            if getattr(self, name) is not None
        ]
        return f"SIR({', '.join(parts)}{', discrete=True' if self.discrete else ''})"

    def _arrays(self, graph):
        return _law_arrays(self, graph)

    def default_time_step(self, graph, horizon=math.inf):
        """1 in discrete time; else ``horizon / 100`` with a finite horizon, else a quarter
        of the shorter of the median transmission delay and the median infectious period."""
        if self.discrete:
            return 1.0
        if math.isfinite(horizon) and horizon > 0:
            return horizon / 100.0
        _, trans, rec = self._arrays(graph)
        medians = [float(np.median(np.asarray(_law_median(*law)))) for law in (trans, rec)]
        finite = [m for m in medians if 0 < m < math.inf]
        return min(finite) / 4.0 if finite else 1.0

    def plan(self, graph, *, crn=False, horizon=math.inf, time_step=None):
        """This model on `graph` as the simulation kernel takes it (`spread.models.Plan`).

        `horizon` and `time_step` as for `CTIC.plan`; `crn` is accepted and ignored
        (the draws are always read by index).
        """
        p, trans, rec = self._arrays(graph)
        if time_step is None:
            time_step = self.default_time_step(graph, horizon)
        return Plan("sir", (p, *trans, True, *rec, float(horizon), float(time_step)))

    def needs_max_steps(self):
        """False: every run ends."""
        return False
