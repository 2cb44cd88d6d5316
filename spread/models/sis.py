"""Susceptible-infected-susceptible spreading in continuous time (Markovian or not)."""

import math
from dataclasses import dataclass, field

import numpy as np

from ..exceptions import InvalidParameterError
from ._batch import Plan
from .ctic import _law_median
from .sir import SIR, _law_arrays, _resolve_laws

__all__ = ["SIS"]

_NO_TIMES = np.zeros(1, dtype=np.float64)
_NO_TIMES.flags.writeable = False


@dataclass(frozen=True, eq=False, repr=False)
class SIS:
    """Susceptible-infected-susceptible spreading in continuous time.

    An infectious node transmits along each out-arc and, after an infectious period,
    recovers and is susceptible again: the model of an item that people pick up and
    drop (a hashtag used, abandoned, used again). In the Markovian model (`beta`,
    `gamma`) each arc transmits at rate `beta` while its tail is infectious and each
    node recovers at rate `gamma`; with laws (`transmission`, `recovery`) a node's
    period is drawn from the recovery law when it is infected, and along each out-arc
    the transmissions come at the points of a renewal process whose gaps follow the
    transmission law, from the infection to the end of the period (exponential gaps:
    the Markovian model). A transmission infects its head if it is susceptible then.
    Runs need a horizon (they may never end). `spread.simulate` computes them exactly:
    by a Gillespie simulation with phantom events (Cota & Ferreira 2017) with one
    `beta` and one `gamma`, else event by event (the next-reaction method).

    Parameters
    ----------
    beta : float or array_like, optional
        Transmission rate of every arc (> 0), or one per arc (in the order of
        `Graph.edges`; 0 on an arc means it never transmits); with `discrete`, one
        probability per step in (0, 1].
    gamma : float or array_like, optional
        Recovery rate of every node (>= 0; 0: never recovers, the SI model), or one
        per node (all > 0); with `discrete`, one probability per step in [0, 1].
    transmission : tuple or frozen scipy.stats distribution, optional
        Instead of `beta`: the law of the gaps between an arc's transmissions, as
        `CTIC`'s ``delay`` takes it (``("weibull", shape, scale)``, ``("gamma", shape,
        scale)``, ...; parameters one per arc or one for all). Its median must be > 0.
    recovery : tuple or frozen scipy.stats distribution, optional
        Instead of `gamma`: the law of the infectious period (parameters one per node
        or one for all), e.g. ``("fixed", 3.0)``.
    discrete : bool, default False
        Discrete time (EoN's ``basic_discrete_SIS`` with ``gamma = 1``, NDlib-style
        steps): at each step every infectious node tries each susceptible
        out-neighbour once with probability `beta`, then recovers with probability
        `gamma`; the newly infected are infectious from the next step. The horizon
        counts steps.

    Notes
    -----
    The results count, per run, the nodes ever infected (`SpreadResult.final_sizes`,
    `curve`, `node_probability`: who was reached) and the infectious over time
    (`SpreadResult.prevalence`, read at the multiples of ``time_step``; its value at
    the horizon is the endemic level once the runs have settled). A node infected at
    ``t`` with period ``d`` is infectious on ``[t, t + d)``: a transmission at
    ``t + d`` finds it susceptible. On a graph whose largest adjacency eigenvalue is
    ``lambda_1``, the N-intertwined mean-field approximation puts the Markovian
    epidemic threshold at ``beta / gamma = 1 / lambda_1`` (Van Mieghem, Omic & Kooij
    2009). Over timestamped contacts, `TemporalIC` with ``reinfection=True`` is SIS.

    See Also
    --------
    SIR : recovery for good.
    TemporalIC : SIS over timestamped contacts (``reinfection=True``).

    References
    ----------
    W. Cota, S. C. Ferreira, "Optimized Gillespie algorithms for the simulation of
    Markovian epidemic processes on large and heterogeneous networks", Comput. Phys.
    Commun. 219 (2017). M. Boguñá, L. F. Lafuerza, R. Toral, M. Á. Serrano,
    "Simulating non-Markovian stochastic processes", Phys. Rev. E 90 (2014). I. Z.
    Kiss, J. C. Miller, P. L. Simon, "Mathematics of Epidemics on Networks", Springer
    2017.

    Examples
    --------
    One node alone recovers at rate `gamma`, so it is still infectious at time t with
    probability ``exp(-gamma t)`` (0.368 at ``gamma t = 1``):

    >>> import numpy as np, spread
    >>> one = spread.Graph.from_edges([0], [1])
    >>> res = spread.simulate(one, [1], spread.SIS(beta=1.0, gamma=1.0), n_runs=20_000, horizon=1.0, rng=0)
    >>> late = res.prevalence()["mean"].iloc[-1]
    >>> bool(abs(late - np.exp(-1)) < 4 * res.prevalence()["stderr"].iloc[-1])
    True

    With a fixed period of 1 and a transmission every 0.4 along each arc of a pair:
    node 0 (infectious on [0, 1)) infects node 1 at 0.4 (on [0.4, 1.4)), which
    infects node 0 again at 1.2, after its recovery at 1.0 (on [1.2, 2.2)); node 0
    then infects node 1 at 1.6, after its recovery at 1.4 (on [1.6, 2.6)); then node
    0 at 2.4, node 1 at 2.8. At times 0, 1, 2 and 3: one, one, two and two infectious.

    >>> pair = spread.Graph.from_edges([0, 1], [1, 0])
    >>> model = spread.SIS(transmission=("fixed", 0.4), recovery=("fixed", 1.0))
    >>> res = spread.simulate(pair, [0], model, n_runs=1, horizon=3.0, time_step=1.0, rng=0)
    >>> res.prevalence()["mean"].tolist()
    [1.0, 1.0, 2.0, 2.0]
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
        (code, a, b, table), _, _ = laws
        if self.transmission is not None:
            median = np.asarray(_law_median(code, a, b, table))
            if not np.all(median > 0):
                msg = (
                    "`transmission` must have a median > 0 (the gaps of a renewal process: "
                    f"zero gaps would never end); got {self.transmission!r}."
                )
                raise InvalidParameterError(msg)
        if self.beta is not None and not np.any(np.asarray(self.beta, dtype=float) > 0):
            msg = f"`beta` must be > 0 on some arc (else nothing spreads); got {self.beta!r:.80}."
            raise InvalidParameterError(msg)
        if self.discrete and self._markovian() is None:
            msg = "`discrete=True` takes one `beta` and one `gamma` (probabilities per step)."
            raise InvalidParameterError(msg)
        object.__setattr__(self, "_laws", laws)
        object.__setattr__(self, "discrete", bool(self.discrete))

    def __repr__(self):
        return "SIS" + SIR.__repr__(self)[3:]

    def _markovian(self):
        """The one `beta` and one `gamma` of the Gillespie kernel, or None."""
        if self.beta is None or self.gamma is None:
            return None
        beta, gamma = np.asarray(self.beta, dtype=float), np.asarray(self.gamma, dtype=float)
        if beta.size != 1 or gamma.size != 1:
            return None
        return float(beta.reshape(-1)[0]), float(gamma.reshape(-1)[0])

    def default_time_step(self, graph, horizon=math.inf):
        """1 in discrete time; else ``horizon / 100`` (a horizon is required)."""
        if self.discrete or not (math.isfinite(horizon) and horizon > 0):
            return 1.0
        return horizon / 100.0

    def plan(self, graph, *, crn=False, horizon=math.inf, time_step=None):
        """This model on `graph` as the simulation kernel takes it (`spread.models.Plan`).

        Raises
        ------
        InvalidParameterError
            Without a finite `horizon`, or with laws whose parameters do not match the
            graph's arcs and nodes.
        """
        if not math.isfinite(horizon):
            msg = f"`horizon` is required for {self!r}: a run may never end."
            raise InvalidParameterError(msg)
        if time_step is None:
            time_step = self.default_time_step(graph, horizon)
        if self.discrete and time_step != 1.0:
            msg = f"`time_step` of a discrete-time SIS is its step, 1; got {time_step!r}."
            raise InvalidParameterError(msg)
        rates = self._markovian()
        if self.discrete or (rates is not None and rates[0] > 0):
            beta, gamma = rates
            max_degree = float(np.diff(graph.indptr).max(initial=0))
            # the time step last, as every continuous-time plan has it
            args = (beta, gamma, max_degree, float(horizon), self.discrete, float(time_step))
            return Plan("sis", args)
        p, trans, rec = _law_arrays(self, graph)
        no_contacts = np.zeros(1, dtype=np.int64)
        args = (
            p, *trans, *rec, no_contacts, _NO_TIMES, False, True, 0.0, 0.0, float(horizon),
            float(time_step),
        )  # fmt: skip
        # events: about 1 / median of each law per live arc and node, up to the horizon
        rates = []
        for law in (trans, rec):
            median = float(np.median(np.asarray(_law_median(*law))))
            rates.append(1.0 / median if median > 0 else math.inf)
        work = (rates[0] * np.count_nonzero(p) + rates[1] * graph.n_nodes) * horizon
        return Plan("sis_events", args, work=float(work) + graph.n_nodes + 1.0)

    def needs_horizon(self):
        """True: a run may never end, so `spread.simulate` needs a `horizon`."""
        return True

    def needs_max_steps(self):
        """False: runs are bounded by the horizon."""
        return False
