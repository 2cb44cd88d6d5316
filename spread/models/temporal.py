"""Spread over timestamped contacts: temporal independent cascade and reachability."""

import math
import weakref
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .._validation import check_in, check_nonnegative_float
from ..contacts import TemporalGraph, _time_value
from ..exceptions import InvalidParameterError
from ..graph import resolve_seeds
from . import _ctic_kernels as _k
from ._batch import Plan
from .ctic import _resolve_delay
from .ic import IC

__all__ = ["TemporalIC", "reachable"]

_ATTEMPTS = ("every", "first")
_NEVER = (_k.FIXED, np.array([math.inf]), np.array([1.0]), np.zeros(2))
_NO_DELAY = (_k.EXPONENTIAL, np.array([1.0]), np.array([1.0]), np.zeros(2))  # contacts instead
for _arr in (*_NEVER[1:], *_NO_DELAY[1:]):
    _arr.flags.writeable = False


def _check_temporal(graph, who):
    if not isinstance(graph, TemporalGraph):
        msg = (
            f"{who} needs a TemporalGraph (timestamped contacts: "
            "`TemporalGraph.from_contacts`, `read_edgelist(..., time=2)`); "
            f"got {type(graph).__name__}."
        )
        raise InvalidParameterError(msg)


def _start_time(graph, start):
    """``(t0, origin)``: when the seeds adopt, and time 0 of the results (absolute)."""
    if start is None:
        first = graph.time_range[0]
        origin = first if math.isfinite(first) else 0.0
        return float(np.nextafter(origin, -np.inf)), origin  # contacts at `first` count
    return start, start


@dataclass(frozen=True, eq=False, repr=False)
class TemporalIC:
    """Independent cascade over timestamped contacts: spread along time-respecting paths.

    On a `TemporalGraph` a node ``u`` that adopted at time ``t`` can pass the item to
    ``v`` only through a contact ``u -> v`` at a time strictly after ``t``. With
    ``attempts="every"`` each such contact transmits with probability ``p_uv``
    (temporal SI; Holme & Saramäki 2012), so ``v`` adopts at the first contact that
    does; with ``attempts="first"`` only the first contact after ``t`` is a chance
    (the transient evolving IC of Gayraud, Pitoura & Tsaparas 2015). With `recovery`
    ``u`` stops transmitting after an infectious period drawn from that law (temporal
    SIR), and with ``reinfection=True`` it is then susceptible again (temporal SIS).
    `spread.simulate` computes runs exactly, in contact-time order.

    Parameters
    ----------
    p : float, {"wc", "trivalency"} or array_like, default 1.0
        Transmission probability, as `IC`'s `p` on the aggregate graph (one per arc,
        whatever its number of contacts). With 1.0 every contact transmits and a run is
        `reachable`.
    attempts : {"every", "first"}, default "every"
        Which contacts after the source's adoption are chances.
    recovery : tuple or frozen scipy.stats distribution, optional
        Law of the infectious period, as `CTIC`'s ``delay`` takes it (``("fixed", 24)``,
        ``("exponential", rate)``; parameters one per node or one for all). Default:
        infectious for ever.
    start : float, optional
        The time at which the seeds adopt, in the contacts' unit. Default: just before
        the first contact (so every contact can carry the seeds' item). Results count
        time from `start` (from the first contact by default).
    rng : None, int, SeedSequence or Generator, optional
        Only for ``p="trivalency"``: the source of the per-arc draw.
    reinfection : bool, default False
        With `recovery`: a recovered node is susceptible again (temporal SIS), and
        each infection draws a new period; results then count the nodes ever infected
        and the infectious over time (`SpreadResult.prevalence`). A node infected at
        ``t`` with period ``d`` transmits through contacts in ``(t, t + d)`` and can be
        infected again from ``t + d`` on. Without a horizon, runs end at the last
        contact.

    Notes
    -----
    Coins are read by index, so runs are reproducible on any number of threads: with
    ``attempts="first"`` the coin of arc ``j`` is the one `IC` reads with common random
    numbers (``crn=True``); with ``"every"`` each contact has its own. A contact at
    exactly a node's adoption time does not transmit from it (time-respecting paths
    increase strictly); with `recovery`, a contact at exactly the end of the period
    does.

    See Also
    --------
    reachable : who can be reached from given nodes by a time (``p = 1``).
    CTIC : continuous time on a static graph, with random delays.

    References
    ----------
    P. Holme, J. Saramäki, "Temporal networks", Physics Reports 519 (2012).
    C. Gayraud, E. Pitoura, P. Tsaparas, "Diffusion Maximization in Evolving Social
    Networks", COSN 2015.

    Examples
    --------
    Ann meets Bob at times 1 and 3, Bob meets Cy at time 2. From Ann at the start,
    Bob is reached at 1 and Cy at 2 (time-respecting); from Cy nobody is:

    >>> import spread
    >>> tg = spread.TemporalGraph.from_contacts(
    ...     ["ann", "ann", "bob"], ["bob", "bob", "cy"], [1.0, 3.0, 2.0]
    ... )
    >>> res = spread.simulate(tg, ["ann"], spread.TemporalIC(p=1.0), n_runs=10, rng=0)
    >>> res.mean
    3.0

    With ``p = 0.5`` per contact, Bob has two chances (probability 3/4) and Cy one
    after Bob's first, so the mean is ``1 + 3/4 + 1/2 * 1/2``:

    >>> res = spread.simulate(tg, ["ann"], spread.TemporalIC(p=0.5), n_runs=20_000, rng=0)
    >>> bool(abs(res.mean - 2.0) < 4 * res.stderr)
    True

    Temporal SIS: Ann, infected at the start for 1.5 time units, passes the item to
    Bob at time 1; Bob, infectious on (1, 2.5), passes it back at 2, after Ann
    recovered at 1.5. At times 0, 1, 2 and 3 (from the first contact at 1): one, two,
    two and one infectious.

    >>> back = spread.TemporalGraph.from_contacts(["ann", "bob"], ["bob", "ann"], [1.0, 2.0])
    >>> sis = spread.TemporalIC(recovery=("fixed", 1.5), reinfection=True, start=0.0)
    >>> res = spread.simulate(back, ["ann"], sis, n_runs=1, horizon=3.0, time_step=1.0, rng=0)
    >>> res.prevalence()["mean"].tolist()
    [1.0, 2.0, 2.0, 1.0]
    """

    p: object = 1.0
    attempts: str = "every"
    recovery: object = None
    start: object = None
    rng: object = None
    reinfection: bool = False
    _ic: IC = field(init=False, repr=False)
    _recovery: tuple = field(init=False, repr=False)
    _cache: weakref.WeakKeyDictionary = field(
        default_factory=weakref.WeakKeyDictionary, init=False, repr=False
    )

    continuous_time = True

    def __post_init__(self):
        object.__setattr__(self, "_ic", IC(p=self.p, rng=self.rng))  # validates p
        object.__setattr__(self, "p", self._ic.p)
        check_in(self.attempts, name="attempts", options=_ATTEMPTS)
        law = _NEVER if self.recovery is None else _resolve_delay(self.recovery)
        object.__setattr__(self, "_recovery", law)
        if self.start is not None:
            object.__setattr__(self, "start", _time_value(self.start, "start"))
        if not isinstance(self.reinfection, bool | np.bool_):
            msg = f"`reinfection` must be True or False; got {self.reinfection!r}."
            raise InvalidParameterError(msg)
        if self.reinfection and self.recovery is None:
            msg = "`reinfection=True` needs a `recovery` law: without one nobody recovers."
            raise InvalidParameterError(msg)
        object.__setattr__(self, "reinfection", bool(self.reinfection))

    def __repr__(self):
        parts = [IC.__repr__(self._ic)[3:-1]]
        if self.attempts != "every":
            parts.append(f"attempts={self.attempts!r}")
        if self.recovery is not None:
            parts.append(f"recovery={self.recovery!r}")
        if self.start is not None:
            parts.append(f"start={self.start!r}")
        if self.reinfection:
            parts.append("reinfection=True")
        return f"TemporalIC({', '.join(parts)})"

    def arc_probabilities(self, graph):
        """The transmission probability of every arc of `graph` (as `IC.arc_probabilities`)."""
        return self._ic.arc_probabilities(graph)

    def uniform_probability(self):
        """The one probability of every arc when `p` is a number (else None), as `IC`'s."""
        return self._ic.uniform_probability()

    def default_time_step(self, graph, horizon=math.inf):
        """``horizon / 100`` with a finite horizon, else a hundredth of the time from the
        start to the last contact (1 if that is not positive)."""
        _check_temporal(graph, "TemporalIC")
        if math.isfinite(horizon) and horizon > 0:
            return horizon / 100.0
        span = graph.time_range[1] - _start_time(graph, self.start)[1]
        return span / 100.0 if span > 0 else 1.0

    def plan(self, graph, *, crn=False, horizon=math.inf, time_step=None):
        """This model on `graph` as the simulation kernel takes it (`spread.models.Plan`).

        `horizon` (time after the start) and `time_step` as for `CTIC.plan`; `crn` is
        accepted and ignored (coins are always read by index).

        Raises
        ------
        InvalidParameterError
            If `graph` is not a `TemporalGraph`, or `recovery` has the wrong length.
        """
        _check_temporal(graph, "TemporalIC")
        rcode, ra, rb, rtable = self._recovery
        for arr in (ra, rb):
            if arr.size not in (1, graph.n_nodes):
                msg = (
                    f"`recovery` parameters must be a number or one per node "
                    f"({graph.n_nodes}); got {arr.size} values."
                )
                raise InvalidParameterError(msg)
        if time_step is None:
            time_step = self.default_time_step(graph, horizon)
        t0, origin = _start_time(graph, self.start)
        if self.reinfection:  # SIS over the contacts: the event-driven SIS kernel
            if not math.isfinite(horizon):  # nothing is transmitted after the last contact
                horizon = max(graph.time_range[1] - origin, 0.0)
            args = (
                self.arc_probabilities(graph), *_NO_DELAY, rcode, ra, rb, rtable,
                graph.contact_ptr, graph.contact_times, True, self.attempts == "every",
                float(t0), float(origin), float(horizon), float(time_step),
            )  # fmt: skip
            # a run reads each contact about once: the nodes, arcs and contacts bound it
            work = graph.n_nodes + graph.n_edges + graph.n_contacts + 1.0
            return Plan("sis_events", args, work=float(work))
        args = (
            self.arc_probabilities(graph),
            graph.contact_ptr,
            graph.contact_times,
            self.attempts == "every",
            self.recovery is not None,
            rcode,
            ra,
            rb,
            rtable,
            float(t0),
            float(origin),
            float(horizon),
            float(time_step),
        )
        return Plan("temporal", args)

    def needs_max_steps(self):
        """False: every run ends (with the last contact at the latest)."""
        return False


def reachable(graph, sources, *, start=None, horizon=None):
    """Who can hear from `sources` along time-respecting paths, and how early.

    A node is reachable if a chain of contacts ``s -> a -> ... -> v`` leaves a source
    after `start` with strictly increasing times (ending within `horizon` of `start`).
    Its time is the earliest such arrival: `TemporalIC` with ``p = 1``.

    Parameters
    ----------
    graph : TemporalGraph
    sources : label or sequence of labels
        The nodes that know at `start`.
    start : float, optional
        When they know it (default: just before the first contact).
    horizon : float, optional
        Only arrivals within this time of `start` (default: all contacts).

    Returns
    -------
    pandas.Series
        Earliest arrival time after `start` (from the first contact by default) of
        every reachable node, sources included at 0, indexed by label and sorted by
        time.

    Raises
    ------
    InvalidParameterError
        If `graph` is not a `TemporalGraph`, or `horizon` is negative.
    NodeNotFound
        If a source is not a node.

    Examples
    --------
    >>> import spread
    >>> tg = spread.TemporalGraph.from_contacts([0, 1, 2], [1, 2, 3], [5.0, 7.0, 6.0])
    >>> spread.reachable(tg, [0]).to_dict()  # 2 -> 3 happened before 2 knew
    {0: 0.0, 1: 0.0, 2: 2.0}
    >>> spread.reachable(tg, [0], horizon=1.0).to_dict()
    {0: 0.0, 1: 0.0}
    """
    from .simulate import simulate

    _check_temporal(graph, "reachable")
    mask = np.zeros(graph.n_nodes, dtype=bool)
    mask[resolve_seeds(graph, sources, name="sources")] = True
    horizon = None if horizon is None else check_nonnegative_float(horizon, name="horizon")
    res = simulate(
        graph, mask, TemporalIC(p=1.0, start=start), n_runs=1, horizon=horizon, rng=0,
        keep_times=True, progress=False,
    )  # fmt: skip
    times = np.asarray(res.activation_times[0])
    hit = np.flatnonzero(~np.isnan(times))
    order = hit[np.argsort(times[hit], kind="stable")]
    return pd.Series(times[order], index=graph.label_of(order), name="time")
