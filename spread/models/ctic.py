"""Continuous-time independent cascade: IC's coins, with a random delay on every arc."""

import math
import weakref
from dataclasses import dataclass, field

import numpy as np

from .._validation import ndim_of
from ..exceptions import InvalidParameterError
from . import _ctic_kernels as _k
from ._batch import Plan
from .ic import IC

__all__ = ["CTIC"]

# name -> (kernel code, parameter names, rule of each parameter)
_LAWS = {
    "exponential": (_k.EXPONENTIAL, ("rate",), ("positive",)),
    "weibull": (_k.WEIBULL, ("shape", "scale"), ("positive", "positive")),
    "lognormal": (_k.LOGNORMAL, ("mu", "sigma"), ("real", "nonnegative")),
    "gamma": (_k.GAMMA, ("shape", "scale"), ("positive", "positive")),
    "fixed": (_k.FIXED, ("delay",), ("nonnegative",)),
    "geometric": (_k.GEOMETRIC, ("p",), ("unit",)),
}
_RULES = {
    "positive": ("> 0", lambda x: (x > 0) & np.isfinite(x)),
    "nonnegative": (">= 0", lambda x: (x >= 0) & np.isfinite(x)),
    "real": ("finite", np.isfinite),
    "unit": ("in (0, 1]", lambda x: (x > 0) & (x <= 1)),
}
_TABLE_POINTS = 16385  # quantile table of a frozen scipy.stats law, as LT's threshold laws
_NO_TABLE = np.zeros(2, dtype=np.float64)
_NO_TABLE.flags.writeable = False


def _law_names():
    return ", ".join(f"({k!r}, {', '.join(v[1])})" for k, v in _LAWS.items())


def _parameter(value, name, rule):
    """A delay parameter as a read-only float64 array (length 1 for a scalar)."""
    if isinstance(value, bool | np.bool_ | str | bytes):
        msg = f"`delay` {name} must be a number or one per arc; got {value!r}."
        raise InvalidParameterError(msg)
    try:
        arr = np.array(value, dtype=np.float64).reshape(-1) if ndim_of(value) <= 1 else None
    except (TypeError, ValueError, OverflowError):
        arr = None
    if arr is None or arr.size == 0 or (ndim_of(value) == 1 and np.asarray(value).dtype == bool):
        msg = f"`delay` {name} must be a number or a 1-d array (one per arc); got {value!r:.80}."
        raise InvalidParameterError(msg)
    text, ok = _RULES[rule]
    bad = ~ok(arr)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        where = f" at arc {i}" if arr.size > 1 else ""
        msg = f"`delay` {name} must be {text}; got {float(arr[i])!r}{where}."
        raise InvalidParameterError(msg)
    arr.flags.writeable = False
    return arr


def _scipy_law(dist):
    """A frozen scipy.stats distribution as (code, a, b, table); `expon` is drawn exactly."""
    try:
        name = dist.dist.name
        low = float(dist.support()[0])
    except (AttributeError, TypeError, ValueError) as exc:
        msg = f"`delay` must be a frozen scipy.stats distribution; got {dist!r}."
        raise InvalidParameterError(msg) from exc
    if not low >= 0.0:
        msg = f"`delay` must be a law of delays >= 0; this {name} law's support starts at {low!r}."
        raise InvalidParameterError(msg)
    if name == "expon" and low == 0.0:
        rate = 1.0 / float(dist.mean())
        return (
            _k.EXPONENTIAL,
            _parameter(rate, "rate", "positive"),
            _parameter(1.0, "b", "real"),
            _NO_TABLE,
        )
    u = np.linspace(0.0, 1.0, _TABLE_POINTS)
    with np.errstate(all="ignore"):
        table = np.asarray(dist.ppf(u), dtype=np.float64)
        if not np.isfinite(table[-1]):  # unbounded: the top point at the 1 - 2**-24 quantile
            table[-1] = float(dist.ppf(1.0 - 2.0**-24))
    if not (np.isfinite(table).all() and table[0] >= 0.0):
        msg = f"`delay` {name}: its quantiles must be finite and >= 0."
        raise InvalidParameterError(msg)
    table = np.maximum.accumulate(table)
    table.flags.writeable = False
    one = _parameter(1.0, "a", "real")
    return _k.TABLE, one, one, table


def _resolve_delay(delay):
    """(code, a, b, table) of a delay specification."""
    if hasattr(delay, "ppf") and hasattr(delay, "dist"):
        return _scipy_law(delay)
    if not (isinstance(delay, tuple | list) and delay and isinstance(delay[0], str)):
        msg = (
            f"`delay` must be a tuple {_law_names()} or a frozen scipy.stats "
            f"distribution; got {delay!r:.80}."
        )
        raise InvalidParameterError(msg)
    law = delay[0]
    if law not in _LAWS:
        msg = f"`delay` law must be one of {', '.join(map(repr, _LAWS))}; got {law!r}."
        raise InvalidParameterError(msg)
    code, names, rules = _LAWS[law]
    if len(delay) != 1 + len(names):
        msg = f"`delay` ({law!r}, {', '.join(names)}) takes {len(names)} parameter(s); got {delay!r:.80}."
        raise InvalidParameterError(msg)
    params = [_parameter(v, n, r) for v, n, r in zip(delay[1:], names, rules, strict=True)]
    if len(params) == 1:
        params.append(_parameter(1.0, "b", "real"))
    return code, params[0], params[1], _NO_TABLE


def _law_median(code, a, b, table):
    """Median delay of each arc's law (an array of the parameters' length)."""
    from scipy import stats

    if code == _k.EXPONENTIAL:
        return math.log(2.0) / a
    if code == _k.WEIBULL:
        return b * math.log(2.0) ** (1.0 / a)
    if code == _k.LOGNORMAL:
        return np.exp(a)
    if code == _k.GAMMA:
        return stats.gamma.median(a, scale=b)
    if code == _k.FIXED:
        return a
    if code == _k.GEOMETRIC:  # the smallest d with 1 - (1 - p)**d >= 1/2 (1 for p >= 1/2)
        return np.ceil(np.log(0.5) / np.log1p(-np.minimum(a, 0.5)))
    return np.array([table[(table.size - 1) // 2]])


@dataclass(frozen=True, eq=False, repr=False)
class CTIC:
    """Continuous-time independent cascade: IC's coins, each success after a random delay.

    A node ``u`` that adopts at time ``t`` gets one chance at each out-neighbour ``v``:
    it succeeds with probability ``p_uv`` (as in `IC`) and then reaches ``v`` at
    ``t + d_uv``, with ``d_uv`` drawn from the arc's delay law; ``v`` adopts at its
    earliest arrival. Seeds adopt at time 0. Adoption times are therefore shortest-path
    distances over the successful arcs, which `spread.simulate` computes exactly (an
    event queue, no time steps), optionally only up to ``horizon``. Without a horizon
    the final size does not depend on the delays: it is IC's, run for run (the coins are
    the ones `IC` reads with common random numbers).

    Parameters
    ----------
    p : float, {"wc", "trivalency", "weight"} or array_like, default 1.0
        Transmission probability of every arc, exactly as `IC`'s `p`. With 1.0 every
        arc transmits: the susceptible-infected (SI) model with random delays.
    delay : tuple or frozen scipy.stats distribution, default ("exponential", 1.0)
        The law of the delay of a successful transmission, drawn afresh on every arc in
        every run:

        - ``("exponential", rate)``: mean ``1 / rate`` (the Markovian case);
        - ``("weibull", shape, scale)``: survival ``exp(-(d / scale) ** shape)``;
        - ``("lognormal", mu, sigma)``: ``exp(mu + sigma Z)``, Z standard normal;
        - ``("gamma", shape, scale)``: mean ``shape * scale``;
        - ``("fixed", d)``: every delay is ``d``;
        - ``("geometric", q)``: a whole number of steps, the first success of one
          Bernoulli(q) trial per step (1 with probability q, 2 with ``(1 - q) q``, ...);
        - a frozen `scipy.stats` distribution with support in ``[0, inf)``: an
          exponential law (``scipy.stats.expon(scale=s)``) is drawn exactly, any other
          through its quantile function tabulated at 16,385 points and linearly
          interpolated (a CDF within 1/16384 of the true one; the top point is the
          ``1 - 2**-24`` quantile when the law is unbounded).

        Each parameter is a number or an array with one value per arc (in the order of
        `Graph.edges`).
    rng : None, int, SeedSequence or Generator, optional
        Only for ``p="trivalency"``: the source of the per-arc draw.

    See Also
    --------
    IC : the same model counted in steps.
    spread.simulate : runs it (``horizon``: the time limit; ``time_step``: the curve's bins).
    spread.fit.simulate_ctic : continuous-time cascades as observed data (NetRate's model).

    References
    ----------
    M. Gomez-Rodriguez, D. Balduzzi, B. Schölkopf, "Uncovering the Temporal Dynamics of
    Diffusion Networks", ICML 2011 (continuous-time cascades). N. Du, L. Song,
    M. Gomez-Rodriguez, H. Zha, "Scalable Influence Estimation in Continuous-Time
    Diffusion Networks", NIPS 2013.

    Examples
    --------
    On the path 0 -> 1 -> 2 with exponential delays of rate 1 and ``p = 1``, node 2
    adopts at the sum of two Exp(1) delays, so by time 1 with probability
    ``1 - 2 / e`` (0.264); the expected number of adopters by then is
    ``1 + (1 - 1/e) + (1 - 2/e)``:

    >>> import numpy as np, spread
    >>> path = spread.Graph.from_edges([0, 1], [1, 2])
    >>> model = spread.CTIC(p=1.0, delay=("exponential", 1.0))
    >>> res = spread.simulate(path, [0], model, n_runs=20_000, horizon=1.0, rng=0)
    >>> exact = 1 + (1 - np.exp(-1)) + (1 - 2 * np.exp(-1))
    >>> bool(abs(res.mean - exact) < 4 * res.stderr)
    True

    Without a horizon every run reaches the whole path, whatever the delays:

    >>> spread.simulate(path, [0], model, n_runs=100, rng=0).mean
    3.0
    """

    p: object = 1.0
    delay: object = ("exponential", 1.0)
    rng: object = None
    _ic: IC = field(init=False, repr=False)
    _law: tuple = field(init=False, repr=False)
    _cache: weakref.WeakKeyDictionary = field(
        default_factory=weakref.WeakKeyDictionary, init=False, repr=False
    )

    continuous_time = True

    def __post_init__(self):
        object.__setattr__(self, "_ic", IC(p=self.p, rng=self.rng))  # validates p
        object.__setattr__(self, "p", self._ic.p)
        object.__setattr__(self, "_law", _resolve_delay(self.delay))

    def __repr__(self):
        p = IC.__repr__(self._ic)[3:-1]  # "p=..." as IC writes it
        delay = self.delay
        if isinstance(delay, tuple | list):
            parts = [repr(delay[0])] + [
                f"<array of {len(x)}>" if ndim_of(x) == 1 else repr(x) for x in delay[1:]
            ]
            delay = "(" + ", ".join(parts) + ")"
        else:
            delay = f"{delay.dist.name}(...)" if hasattr(delay, "dist") else repr(delay)
        return f"CTIC({p}, delay={delay})"

    def arc_probabilities(self, graph):
        """The transmission probability of every arc of `graph` (as `IC.arc_probabilities`)."""
        return self._ic.arc_probabilities(graph)

    def uniform_probability(self):
        """The one probability of every arc when `p` is a number (else None), as `IC`'s."""
        return self._ic.uniform_probability()

    def _delay_arrays(self, graph):
        code, a, b, table = self._law
        for arr, name in ((a, "first"), (b, "second")):
            if arr.size not in (1, graph.n_edges):
                msg = (
                    f"`delay`'s {name} parameter must be a number or one per arc "
                    f"({graph.n_edges}); got an array of length {arr.size}."
                )
                raise InvalidParameterError(msg)
        return code, a, b, table

    def median_delay(self, graph):
        """The median, over the arcs of `graph`, of each arc's median delay.

        The default time step of `spread.simulate` is a quarter of it when there is no
        horizon.

        Examples
        --------
        >>> import spread
        >>> g = spread.Graph.from_edges([0, 1], [1, 2])
        >>> round(spread.CTIC(delay=("exponential", 2.0)).median_delay(g), 6)
        0.346574
        """
        code, a, b, table = self._delay_arrays(graph)
        return float(np.median(np.asarray(_law_median(code, a, b, table))))

    def plan(self, graph, *, crn=False, horizon=math.inf, time_step=None):
        """This model on `graph` as the simulation kernel takes it (`spread.models.Plan`).

        Parameters
        ----------
        graph : Graph
        crn : bool, default False
            Accepted for the fits' interface; CTIC always reads its coins by index.
        horizon : float, default inf
            Horizon: nodes whose arrival is later never adopt.
        time_step : float, optional
            Width of the time bins of the adoption curve (default: ``horizon / 100``
            with a horizon, else a quarter of `median_delay`).
        """
        code, a, b, table = self._delay_arrays(graph)
        if time_step is None:
            time_step = self.default_time_step(graph, horizon)
        p = self.arc_probabilities(graph)
        no_recovery = (False, code, a, b, table)  # the continuous kernel's SIR slots, unused
        return Plan("ctic", (p, code, a, b, table, *no_recovery, float(horizon), float(time_step)))

    def default_time_step(self, graph, horizon=math.inf):
        """``horizon / 100`` with a finite horizon, else a quarter of the median delay."""
        if math.isfinite(horizon) and horizon > 0:
            return horizon / 100.0
        median = self.median_delay(graph)
        return median / 4.0 if median > 0 else 1.0

    def needs_max_steps(self):
        """False: every run ends (each arc transmits at most once)."""
        return False
