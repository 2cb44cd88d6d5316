"""Continuous-time independent cascade fitted to a binned trend: `CTICEstimator`.

`ICEstimator` counts one step per bin (or `steps_per_bin` steps): the time a
transmission takes is assumed, not fitted. Here it is fitted: the probability ``p`` of
every arc and the scale of a delay law, in trend bins, by matching the trend to the
mean simulated curve (Monte Carlo with common random numbers: coins and delays read by
index, so a run changes by small steps with the parameters).
"""

import math

import numpy as np

from .._validation import check_in, check_nonnegative_float
from ..cascades import Cascades
from ..exceptions import InvalidParameterError
from ._network import _MC_PARAMS, NetworkEstimator, check_graph
from ._trend_problem import CTICSpec

__all__ = ["CTICEstimator"]

_SHAPED = {"exponential": None, "weibull": "shape", "lognormal": "sigma", "gamma": "shape"}


def _law(delay):
    """``(name, shape)`` of the `delay` setting; the shape is None for exponential."""
    if isinstance(delay, str):
        delay = (delay,)
    if not isinstance(delay, tuple | list) or not delay or not isinstance(delay[0], str):
        msg = (
            "`delay` must be 'exponential', ('weibull', shape), ('lognormal', sigma) or "
            f"('gamma', shape); got {delay!r:.80}."
        )
        raise InvalidParameterError(msg)
    name = delay[0]
    check_in(name, name="delay", options=tuple(_SHAPED))
    wants = _SHAPED[name]
    if (wants is None) != (len(delay) == 1) or len(delay) > 2:
        form = f"({name!r}, {wants})" if wants else repr(name)
        msg = f"`delay` {name} is written {form}: its scale is what is fitted; got {delay!r:.80}."
        raise InvalidParameterError(msg)
    if wants is None:
        return name, None
    shape = check_nonnegative_float(delay[1], name=f"delay {wants}", allow_zero=False)
    return name, shape


class CTICEstimator(NetworkEstimator):
    __doc__ = f"""Continuous-time IC fitted to a trend on a known graph: ``p`` and the delay scale.

    Each arc transmits with probability ``p`` (as in `spread.CTIC`) after a delay drawn
    from `delay`, whose scale ``delay_scale`` is fitted in units of the trend's bins (a
    trend of hourly counts gives it in hours): the mean of an exponential delay, the
    median of a lognormal one, the scale of a Weibull or gamma one (their shape is
    fixed). The seeds adopt at the start of the first bin; bin b holds the adoptions at
    times in ``(b, b + 1]`` (runs are exact in continuous time: no steps to choose).

    Where `ICEstimator` assumes the clock (one step per bin, or `steps_per_bin`), this
    fits it: a trend that rises slowly may be a small ``p`` or long delays, and the
    curve's shape tells them apart (the rise of the first bins against the total).

    Parameters
    ----------
    delay : str or tuple, default "exponential"
        The delay law with its scale left out: ``"exponential"``, ``("weibull", shape)``,
        ``("lognormal", sigma)`` or ``("gamma", shape)``.
    bounds : (float, float), default (1e-4, 1.0)
        Range of ``p``.
    scale_bounds : (float, float), default (0.01, 1000.0)
        Range of ``delay_scale``, in bins.
    {_MC_PARAMS}

    Attributes
    ----------
    params_ : dict
        ``p`` and ``delay_scale``.
    model_ : spread.CTIC
        The fitted model, its delays in bins.
    seeds_, result_
        As for `ICEstimator`.

    See Also
    --------
    ICEstimator : the same cascade counted in steps.
    NetRateEstimator : continuous-time rates from cascades with adoption times.

    Examples
    --------
    A hub with 300 followers, ``p = 0.5`` and exponential delays of mean 2 bins: the
    expected new adopters are ``1 + 300 p (1 - e^(-1/2))`` in bin 0 (the hub and the
    quick ones) and ``300 p (e^(-b/2) - e^(-(b+1)/2))`` in bin b. Fitted to those
    counts, both parameters come back to within a few percent:

    >>> import numpy as np, spread
    >>> from spread.fit import CTICEstimator
    >>> star = spread.Graph.from_edges(np.zeros(300, int), np.arange(1, 301))
    >>> b = np.arange(12)
    >>> counts = 300 * 0.5 * (np.exp(-b / 2) - np.exp(-(b + 1) / 2))
    >>> counts[0] += 1
    >>> est = CTICEstimator(n_runs=400, loss="poisson", ci_method=None, rng=0)
    >>> est = est.fit(star, counts, seeds=[0])
    >>> bool(abs(est.params_["p"] - 0.5) < 0.03), bool(abs(est.params_["delay_scale"] - 2) < 0.2)
    (True, True)
    """

    def __init__(
        self,
        delay="exponential",
        *,
        loss="negbin",
        n_runs=1000,
        bounds=None,
        scale_bounds=None,
        condition_on_takeoff=False,
        takeoff=0.1,
        ci_method="auto",
        level=0.95,
        n_resamples=100,
        n_bootstrap_runs=None,
        rng=None,
        n_jobs=None,
        progress=None,
        client=None,
    ):
        self.delay = delay
        self.loss = loss
        self.n_runs = n_runs
        self.bounds = bounds
        self.scale_bounds = scale_bounds
        self.condition_on_takeoff = condition_on_takeoff
        self.takeoff = takeoff
        self.ci_method = ci_method
        self.level = level
        self.n_resamples = n_resamples
        self.n_bootstrap_runs = n_bootstrap_runs
        self.rng = rng
        self.n_jobs = n_jobs
        self.progress = progress
        self.client = client
        self.method = "mc"

    def fit(self, graph, data, seeds=None, *, seeds_in_trend=True):
        """Fit to a trend from seeds; returns self.

        Parameters
        ----------
        graph : Graph
        data : Trend or array_like
            Adopters per bin.
        seeds : labels, or {{"top-degree", "random", "pagerank"}}, optional
            As for `ICEstimator.fit`.
        seeds_in_trend : bool, default True
            Whether the first bin counts the seeds.

        Returns
        -------
        self

        Raises
        ------
        InvalidParameterError
            If `data` are cascades (use `NetRateEstimator`), or a setting is invalid.
        """
        graph = check_graph(graph)
        if isinstance(data, Cascades):
            msg = (
                "CTICEstimator fits a trend; for cascades with adoption times use "
                "`NetRateEstimator` (its `model_` is a CTIC)."
            )
            raise InvalidParameterError(msg)
        self._check_common()
        law = _law(self.delay)
        bounds = self._check_bounds((1e-4, 1.0) if self.bounds is None else self.bounds, "bounds")
        scale_bounds = self._check_bounds(
            (0.01, 1000.0) if self.scale_bounds is None else self.scale_bounds,
            "scale_bounds",
            upper=math.inf,
        )
        spec = CTICSpec(graph, law, bounds, scale_bounds, bool(seeds_in_trend))
        result = self._trend_fit(spec, graph, data, seeds, 1, seeds_in_trend)
        self.params_ = dict(result.params)
        theta = np.array([result.params[n] for n in spec.names])
        self.model_ = spec.model(theta) if np.all(np.isfinite(theta)) else None
        return self
