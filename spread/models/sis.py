"""Susceptible-infected-susceptible spreading in continuous time (Markovian)."""

import math
from dataclasses import dataclass

import numpy as np

from .._validation import check_nonnegative_float
from ..exceptions import InvalidParameterError
from ._batch import Plan

__all__ = ["SIS"]


@dataclass(frozen=True, repr=False)
class SIS:
    """Susceptible-infected-susceptible spreading in continuous time (Markovian).

    An infectious node transmits along each out-arc at rate `beta` and recovers at rate
    `gamma`, after which it is susceptible again and can be reinfected: the model of
    an item that people pick up and drop (a hashtag used, abandoned, used again). Runs
    need a horizon (they may never end). `spread.simulate` computes them exactly by a
    Gillespie simulation with phantom events (Cota & Ferreira 2017).

    Parameters
    ----------
    beta : float
        Transmission rate of every arc (> 0); with `discrete`, the probability per step
        in (0, 1].
    gamma : float
        Recovery rate of every node (>= 0; 0: never recovers, the SI model); with
        `discrete`, the probability per step in [0, 1].
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
    the horizon is the endemic level once the runs have settled). On a graph whose
    largest adjacency eigenvalue is ``lambda_1``, the N-intertwined mean-field
    approximation puts the epidemic threshold at ``beta / gamma = 1 / lambda_1``
    (Van Mieghem, Omic & Kooij 2009).

    See Also
    --------
    SIR : recovery for good.

    References
    ----------
    W. Cota, S. C. Ferreira, "Optimized Gillespie algorithms for the simulation of
    Markovian epidemic processes on large and heterogeneous networks", Comput. Phys.
    Commun. 219 (2017). I. Z. Kiss, J. C. Miller, P. L. Simon, "Mathematics of Epidemics
    on Networks", Springer 2017.

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
    """

    beta: float
    gamma: float
    discrete: bool = False

    continuous_time = True

    def __post_init__(self):
        if not isinstance(self.discrete, bool | np.bool_):
            msg = f"`discrete` must be True or False; got {self.discrete!r}."
            raise InvalidParameterError(msg)
        beta = check_nonnegative_float(self.beta, name="beta", allow_zero=False)
        gamma = check_nonnegative_float(self.gamma, name="gamma")
        if self.discrete:
            for name, value in (("beta", beta), ("gamma", gamma)):
                if value > 1.0:
                    msg = f"`{name}` must be a probability per step in [0, 1] with `discrete=True`; got {value!r}."
                    raise InvalidParameterError(msg)
        object.__setattr__(self, "beta", beta)
        object.__setattr__(self, "gamma", gamma)
        object.__setattr__(self, "discrete", bool(self.discrete))

    def __repr__(self):
        extra = ", discrete=True" if self.discrete else ""
        return f"SIS(beta={self.beta!r}, gamma={self.gamma!r}{extra})"

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
            Without a finite `horizon`.
        """
        if not math.isfinite(horizon):
            msg = f"`horizon` is required for {self!r}: a run may never end."
            raise InvalidParameterError(msg)
        if time_step is None:
            time_step = self.default_time_step(graph, horizon)
        if self.discrete and time_step != 1.0:
            msg = f"`time_step` of a discrete-time SIS is its step, 1; got {time_step!r}."
            raise InvalidParameterError(msg)
        max_degree = float(np.diff(graph.indptr).max(initial=0))
        # the time step last, as every continuous-time plan has it
        args = (self.beta, self.gamma, max_degree, float(horizon), self.discrete, float(time_step))
        return Plan("sis", args)

    def needs_horizon(self):
        """True: a run may never end, so `spread.simulate` needs a `horizon`."""
        return True

    def needs_max_steps(self):
        """False: runs are bounded by the horizon."""
        return False
