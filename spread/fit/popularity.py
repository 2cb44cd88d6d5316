"""Early popularity prediction: a cascade's final size from its first hours.

Three predictors of "this post has 40 reshares after an hour; how many will it end
with?", each with an interval:

- ``"seismic"``: SEISMIC (Zhao et al. 2015), a self-exciting process with a fixed
  human-reaction kernel, the infectiousness estimated from the reshares so far and
  their posters' follower counts, and a correction factor learned on training cascades
  (`seismic` is the single-cascade formula);
- ``"log-linear"``: Szabo & Huberman (2010), ``log N_inf = log N_t + beta_t`` with a
  normal error on the log scale, ``beta_t`` learned on training cascades;
- ``"hawkes-eb"``: a power-law Hawkes cascade per post whose branching ratio and time
  scale get a prior learned from the training cascades (empirical Bayes); the interval
  comes from simulated continuations (the branching process to extinction).

Sizes count every event of a cascade, the post included: a cascade with 40 reshares
after an hour has ``observed = 41``.
"""

import math

import numpy as np
import pandas as pd
from scipy import optimize, sparse, special, stats

from .._random import as_generator
from .._validation import check_bool, check_in, check_int, check_level, check_nonnegative_float
from ..cascades import Cascades
from ..exceptions import InvalidParameterError, NotFittedError
from ._popularity_kernels import mixture_terms
from ._settings import _Settings
from .seismic import _check_at, _check_cascade, _seismic_parts, seismic

__all__ = ["PopularityPredictor"]

METHODS = ("hawkes-eb", "seismic", "log-linear")
POINTS = ("median", "ape")


# ======================================================= power-law Hawkes (EB)
_BRANCHING = 1.0 / (1.0 + np.exp(-np.linspace(-4.0, 5.3, 48)))  # 0.018 .. 0.995
_SCALES = np.geomspace(1e-3, 100.0, 24)  # multiples of `at`
_TAILS = (0.25, 0.5, 1.0, 2.0)


def _components(tail, n_comp=10):
    """Rates (per unit scale) and weights of the delay mixture approximating Lomax(1, `tail`).

    A Lomax delay is an exponential delay whose rate is Gamma(`tail`, scale ``1 / c``)
    distributed; generalised Gauss-Laguerre quadrature of that Gamma law gives
    `n_comp` exponential components whose weights sum to 1 exactly.
    """
    x, w = special.roots_genlaguerre(n_comp, tail - 1.0)
    return x, w / w.sum()


def _mixture_loglik(t, marks, at, tail, unit=None):
    """Log-likelihood on the grid (branching ratio x scale) of one cascade up to `at`.

    The scales are multiples of `unit` (default `at`).
    """
    keep = t <= at
    tt = np.ascontiguousarray(t[keep] - t[0])
    mk = np.ascontiguousarray(marks[keep])
    scales = _SCALES * max((at if unit is None else unit) - t[0], 1e-12)
    x, probs = _components(tail)
    rates = np.ascontiguousarray(x[None, :] / scales[:, None])
    k = scales.size
    log_g, exposure, remaining = np.empty(k), np.empty(k), np.empty(k)
    mixture_terms(tt, mk, float(at - t[0]), rates, probs, log_g, exposure, remaining)
    r = tt.size - 1
    n = _BRANCHING[:, None]
    ll = r * np.log(n) + log_g[None, :] - n * exposure[None, :]
    return ll, remaining, tt.size


def _empirical_bayes(lls, max_iter=400, tol=1e-9):
    """Prior weights on the grid maximising the marginal likelihood (NPMLE by EM)."""
    flat = lls.reshape(len(lls), -1)
    shift = flat.max(axis=1, keepdims=True)
    lik = np.exp(flat - shift)
    w = np.full(flat.shape[1], 1.0 / flat.shape[1])
    last = -np.inf
    for _ in range(max_iter):
        marg = lik @ w
        value = float(np.sum(np.log(marg) + shift[:, 0]))
        w = w * (lik.T @ (1.0 / marg)) / len(lik)
        if value - last < tol * abs(value):
            break
        last = value
    return w.reshape(lls.shape[1:]), value


def _median_regression(design, target):
    """Coefficients minimising the sum of absolute residuals (least absolute deviations).

    Solved exactly as a linear program: ``min sum(u + v)`` subject to ``design b + u - v =
    target``, ``u, v >= 0`` (HiGHS).
    """
    rows, cols = design.shape
    cost = np.concatenate([np.zeros(cols), np.ones(2 * rows)])
    eye = sparse.identity(rows, format="csr")
    a_eq = sparse.hstack([sparse.csr_array(design), eye, -eye], format="csr")
    bounds = [(None, None)] * cols + [(0.0, None)] * (2 * rows)
    res = optimize.linprog(cost, A_eq=a_eq, b_eq=target, bounds=bounds, method="highs")
    if res.status != 0:  # cannot happen for finite data (the program is feasible and bounded)
        msg = f"the median regression failed: {res.message}"
        raise RuntimeError(msg)
    return res.x[:cols]


def _ape_point(sizes):
    """The size minimising the expected absolute percentage error ``|x - N| / N`` when
    `sizes` are equally likely: their median weighted by ``1 / N`` (Gneiting 2011)."""
    sizes = np.sort(np.asarray(sizes, dtype=np.float64))
    weight = np.cumsum(1.0 / sizes)
    return float(sizes[np.searchsorted(weight, 0.5 * weight[-1])])


def _progeny(rng, ancestors, n, cap, max_generations=2000):
    """Total progeny of `ancestors` independent Poisson(`n`) branching processes (at most `cap`)."""
    total = ancestors.astype(np.float64)
    current = ancestors.astype(np.float64)
    for _ in range(max_generations):
        if not np.any(current > 0):
            break
        live = (current > 0) & (total < cap)
        if not live.any():
            break
        current = np.where(live, rng.poisson(n * current), 0)
        total += current
    return np.minimum(total, cap)


def _simulate_cascade(rng, n, scale, theta, first=1.0, max_size=100_000):
    """Event times of one `hawkes-eb` model cascade (post at 0) run to extinction.

    Every event has Poisson(`n`) children (the post Poisson(`n` * `first`)), each after
    a delay from the model's mixture of exponentials (Lomax(`scale`, `theta`)-like).
    """
    x, probs = _components(theta)
    times = [np.zeros(1)]
    generation = times[0]
    size = 1
    mult = first
    while generation.size and size < max_size:
        k = rng.poisson(n * mult, generation.size)
        mult = 1.0
        m = int(k.sum())
        rate = x[rng.choice(x.size, size=m, p=probs)] / scale
        generation = np.repeat(generation, k) + rng.exponential(1.0, m) / rate
        times.append(generation)
        size += generation.size
    return np.sort(np.concatenate(times))


# ================================================================ predictor
def _as_records(cascades, followers, name="cascades"):
    """``[(id, times, followers or None)]`` from a `Cascades`, a mapping or a sequence."""
    if isinstance(cascades, Cascades):
        data = cascades.data.assign(rel=cascades.relative_times())
        groups = [(k, g["rel"].to_numpy()) for k, g in data.groupby("cascade", sort=False)]
    elif isinstance(cascades, dict):
        groups = list(cascades.items())
    elif isinstance(cascades, list | tuple):
        groups = list(enumerate(cascades))
    else:
        msg = (
            f"`{name}` must be a Cascades, a dict of id -> times or a list of time arrays; "
            f"got {type(cascades).__name__}."
        )
        raise InvalidParameterError(msg)
    if not groups:
        msg = f"`{name}` must hold at least one cascade; got none."
        raise InvalidParameterError(msg)
    if followers is None:
        marks = {k: None for k, _ in groups}
    elif isinstance(followers, dict):
        marks = followers
    else:
        marks = dict(zip([k for k, _ in groups], followers, strict=False))
    out = []
    for k, times in groups:
        if followers is not None and k not in marks:
            msg = f"`followers` has no entry for cascade {k!r}."
            raise InvalidParameterError(msg)
        t, m = _check_cascade(times, marks[k], None, where=f" of cascade {k!r}")
        out.append((k, t - t[0], None if marks[k] is None else m))
    return out


class PopularityPredictor(_Settings):
    """Predict cascades' final sizes from their first hours, with intervals.

    `fit` keeps the training cascades (complete, or as complete as they get);
    `predict` learns what the method needs for the observation time `at` from them
    (once per `at`) and predicts each new cascade's final size.

    Parameters
    ----------
    method : {"hawkes-eb", "seismic", "log-linear"}, default "hawkes-eb"
        ``"hawkes-eb"``: a Hawkes cascade started by the post, each event's
        excitation scaled by its poster's followers (relative to the mean), with a
        power-law-like delay density: the Lomax law ``(theta / c) (1 + s / c)^-(1 +
        theta)`` written as an exponential whose rate is Gamma distributed, taken at 10
        generalised Gauss-Laguerre nodes (so the likelihood runs by Ozaki's
        recursion). Each cascade's branching ratio ``n`` and scale ``c`` get a prior on
        a grid, learned by maximising the training cascades' marginal likelihood over
        their complete histories (empirical Bayes, a nonparametric prior by EM;
        ``theta`` shared, chosen the same way). With ``calibrate=False`` the prediction
        is the posterior predictive median of the model: ``m ~ Poisson(n sum_j w_j (1 -
        Phi(at - t_j)))`` direct children still to come, each with a Poisson(``n``)
        branching process of descendants, simulated to extinction (`n_paths`
        continuations). With ``calibrate=True`` (default) the posterior mean
        remainder ``E`` and branching ratio ``E[n]`` are mapped, with two measures of
        how late in the window the events came (the median delay over the window,
        ``d``, and the share of events in the window's second half, ``h``), by
        ``log(N_inf / N_at) = a + b log(1 + E / N_at) + c E[n] + f log(1 + d) + g
        log(h + 1 / N_at) + e``, fitted on the training cascades by least absolute
        deviations (the prediction is a median), and the interval takes the quantiles
        of the training residuals ``e``. ``"seismic"``: `seismic` with its two correction
        factors learned on the training cascades for each `at` (see `seismic`).
        ``"log-linear"``: Szabo & Huberman, ``log N_inf = log N_at + beta`` with
        ``beta`` and the normal error's spread learned on the training cascades.
    level : float, default 0.9
        Probability of the interval.
    s0, theta : float
        SEISMIC's kernel (``method="seismic"`` only): plateau length in the unit of the
        times (300 s by default) and tail exponent ``1 + theta``.
    n_paths : int, default 2000
        Simulated continuations per cascade (``"hawkes-eb"`` with ``calibrate=False``).
    calibrate : bool, default True
        Calibrate ``"hawkes-eb"`` on the training cascades (see `method`).
    point : {"median", "ape"}, default "median"
        The point prediction (``predicted``): the predictive median, or the size that
        minimises the expected absolute percentage error ``|x - N| / N`` under the
        predictive law, its median weighted by ``1 / N`` (Gneiting 2011: the point a
        scoring function asks for; below the median, by about the log-scale variance
        for a log-normal law). Use ``"ape"`` when predictions are judged by their
        percentage errors (MdAPE, MAPE). Not for ``"seismic"``, whose interval is not a
        predictive law.
    rng : seed, optional

    Attributes
    ----------
    n_train_ : int
        Training cascades.
    params_ : dict
        What was learned for each observation time `at` (filled by `predict`).

    References
    ----------
    Szabo, G., Huberman, B. A. (2010). Predicting the popularity of online content.
    Communications of the ACM 53(8). Zhao et al. (2015), see `seismic`. Gneiting, T.
    (2011). Making and evaluating point forecasts. Journal of the American Statistical
    Association 106(494), 746-762.

    Examples
    --------
    >>> import numpy as np
    >>> from spread.fit import PopularityPredictor
    >>> rng = np.random.default_rng(0)
    >>> train = [np.sort(rng.exponential(3.0, size)) for size in rng.integers(20, 60, 40)]
    >>> train = [t - t[0] for t in train]
    >>> pred = PopularityPredictor("log-linear").fit(train)
    >>> out = pred.predict(train[:3], at=2.0)
    >>> list(out.columns)
    ['cascade', 'observed', 'predicted', 'lower', 'upper', 'mean']
    >>> bool((out["lower"] <= out["predicted"]).all() and (out["predicted"] <= out["upper"]).all())
    True
    """

    def __init__(
        self,
        method="hawkes-eb",
        *,
        level=0.9,
        s0=300.0,
        theta=0.242,
        n_paths=2000,
        calibrate=True,
        point="median",
        rng=None,
    ):
        self.method = method
        self.level = level
        self.s0 = s0
        self.theta = theta
        self.n_paths = n_paths
        self.calibrate = calibrate
        self.point = point
        self.rng = rng

    def fit(self, cascades, followers=None):
        """Keep the training cascades (times from each post; optional follower counts).

        Parameters
        ----------
        cascades : Cascades, dict or list
            A `Cascades`, a dict of cascade id -> event times, or a list of time arrays;
            each cascade's final size is its number of events.
        followers : dict or list, optional
            Follower counts per event, keyed or ordered like `cascades`.

        Returns
        -------
        self
        """
        self._check_point()
        check_level(self.level)
        self.train_ = _as_records(cascades, followers)
        self.n_train_ = len(self.train_)
        marks = [m[1:] for _, _, m in self.train_ if m is not None and m.size > 1]
        self.mean_followers_ = float(np.concatenate(marks).mean()) if marks else 1.0
        if not self.mean_followers_ > 0:
            self.mean_followers_ = 1.0
        self.params_ = {}
        return self

    def _check_point(self):
        method = check_in(self.method, name="method", options=METHODS)
        point = check_in(self.point, name="point", options=POINTS)
        if point == "ape" and method == "seismic":
            msg = (
                "`point='ape'` weighs a predictive law, and SEISMIC's interval is not one: "
                "use point='median' with method='seismic'."
            )
            raise InvalidParameterError(msg)
        return point

    # ------------------------------------------------------------ learning
    def _learn(self, at):
        if at in self.params_:
            return self.params_[at]
        finals = np.array([t.size for _, t, _ in self.train_], dtype=np.float64)
        seen = [(t, m) for _, t, m in self.train_]
        if self.method == "log-linear":
            n_at = np.array([np.count_nonzero(t <= at) for t, _ in seen], dtype=np.float64)
            ratio = np.log(finals / n_at)
            params = {"beta": float(ratio.mean()), "sigma": float(ratio.std(ddof=1))}
        elif self.method == "seismic":
            params = self._learn_seismic(seen, finals, at)
        else:
            best = None
            for tail in _TAILS:
                lls = np.stack([self._loglik(t, m, t[-1], tail, at)[0] for t, m in seen])
                prior, value = _empirical_bayes(lls)
                if best is None or value > best["marginal_loglik"]:
                    best = {"theta": tail, "prior": prior, "marginal_loglik": value}
            params = best
            if check_bool(self.calibrate, name="calibrate"):
                rows = np.array([self._eb_feature(t, m, at, params) for t, m in seen])
                n_at = rows[:, 1]
                target = np.log(finals / n_at)
                design = np.delete(rows, 1, axis=1)
                coef = _median_regression(design, target)
                params["coef"] = coef
                params["residuals"] = np.sort(target - design @ coef)
        self.params_[at] = params
        return params

    def _learn_seismic(self, seen, finals, at):
        """The paper's corrections on the training cascades at `at`.

        ``alpha`` (on the remainder) and ``gamma`` (on ``p n*``) are learned together:
        ``gamma n*`` as one effective ``n*`` on a grid (from 1/50 to 1 times the mean
        follower count), and for each the ``alpha`` that makes the median ratio of
        realised to predicted remainder 1; the pair with the smallest median absolute
        log error of the final size wins (an infinite prediction counts as a miss).
        """
        s0 = check_nonnegative_float(self.s0, name="s0", allow_zero=False)
        theta = check_nonnegative_float(self.theta, name="theta", allow_zero=False)
        parts = []
        for t, m in seen:
            marks = np.ones_like(t) if m is None else m
            parts.append(_seismic_parts(t, marks, at, s0, theta))
        n_obs = np.array([p[0] for p in parts], dtype=np.float64)
        exposure = np.array([p[1] for p in parts])
        remaining = np.array([p[2] for p in parts])
        with np.errstate(divide="ignore", invalid="ignore"):
            p_hat = np.where(exposure > 0, (n_obs - 1) / exposure, 0.0)
        best = None
        for factor in np.geomspace(0.02, 1.0, 60):
            n_star = factor * self.mean_followers_
            live = p_hat * n_star < 1.0
            raw = np.where(
                live, p_hat * remaining / np.where(live, 1.0 - p_hat * n_star, 1.0), np.inf
            )
            ok = live & (raw > 0) & (finals > n_obs)
            alpha = (
                float(np.exp(np.median(np.log((finals[ok] - n_obs[ok]) / raw[ok]))))
                if ok.any()
                else 1.0
            )
            pred = n_obs + alpha * raw
            err = np.where(live, np.abs(np.log(pred / finals)), np.inf)
            value = float(np.median(err))
            if best is None or value < best[0]:
                best = (value, n_star, alpha)
        return {"n_star": best[1], "correction": best[2]}

    def _loglik(self, t, m, at, tail, unit=None):
        marks = np.ones_like(t) if m is None else m / self.mean_followers_
        return _mixture_loglik(t, marks, at, tail, unit)

    # ------------------------------------------------------------ predicting
    def predict(self, cascades, followers=None, *, at):
        """Predicted final size of each cascade from its events up to `at`.

        Parameters
        ----------
        cascades : Cascades, dict or list
            As in `fit`; times from each cascade's post (its first event).
        followers : dict or list, optional
        at : float
            Observation time after the post, in the unit of the times.

        Returns
        -------
        pandas.DataFrame
            One row per cascade: ``cascade``, ``observed`` (events up to `at`, the post
            included), ``predicted`` (final size), ``lower`` and ``upper`` (the
            interval at `level`) and ``mean`` (the predictive mean where the method
            has one; the point prediction otherwise).

        Raises
        ------
        NotFittedError
            Before `fit`.
        InvalidParameterError
            Bad cascades, or `at` negative.
        """
        if not hasattr(self, "train_"):
            msg = (
                "This PopularityPredictor instance is not fitted yet. Call `fit` before "
                "using `predict`."
            )
            raise NotFittedError(msg)
        records = _as_records(cascades, followers)
        at = _check_at(at)
        level = check_level(self.level)
        ape = self._check_point() == "ape"
        params = self._learn(at)
        rng = as_generator(self.rng)
        n_paths = check_int(self.n_paths, name="n_paths", min_value=1)
        a = (1.0 - level) / 2
        rows = []
        for k, t, m in records:
            if self.method == "log-linear":
                n_obs = np.count_nonzero(t <= at)
                z = stats.norm.ppf(1 - a) * params["sigma"]
                pred = n_obs * math.exp(params["beta"])
                lo, hi = max(n_obs, pred * math.exp(-z)), pred * math.exp(z)
                mean = pred
                if ape:  # log-normal: the 1 / N-weighted law is log-normal, mu - sigma^2
                    pred = max(n_obs, pred * math.exp(-(params["sigma"] ** 2)))
            elif self.method == "seismic":
                res = seismic(
                    t,
                    m,
                    at=at,
                    s0=self.s0,
                    theta=self.theta,
                    n_star=params["n_star"],
                    correction=params["correction"],
                    level=level,
                )
                n_obs, pred, lo, hi, mean = (
                    res.observed,
                    res.predicted,
                    res.lower,
                    res.upper,
                    res.predicted,
                )
            else:
                n_obs, pred, lo, hi, mean = self._predict_eb(
                    t, m, at, params, rng, n_paths, a, ape
                )
            rows.append(
                {
                    "cascade": k,
                    "observed": int(n_obs),
                    "predicted": float(pred),
                    "lower": float(lo),
                    "upper": float(hi),
                    "mean": float(mean),
                }
            )
        return pd.DataFrame(rows)

    def _posterior(self, t, m, at, params):
        ll, remaining, n_obs = self._loglik(t, m, at, params["theta"])
        with np.errstate(divide="ignore"):
            logpost = ll + np.log(params["prior"])
        if not np.isfinite(logpost.max()):  # no grid point with prior mass fits: flat prior
            logpost = ll
        post = np.exp(logpost - logpost.max())
        return post / post.sum(), remaining, n_obs

    def _eb_feature(self, t, m, at, params):
        """Regressors of the calibration, with ``N_at`` second (not a regressor).

        ``1``, ``log(1 + E[remainder] / N_at)`` and ``E[n]`` under the posterior, and two
        of the events' timing in the window ``(t_0, at]``, both free of the time unit:
        ``log(1 + median delay / window)`` and ``log(1 + events in the window's second
        half) - log N_at``.
        """
        post, remaining, n_obs = self._posterior(t, m, at, params)
        n = _BRANCHING[:, None]
        rest = float(np.sum(post * n * remaining[None, :] / (1.0 - n)))
        delays = t[t <= at] - t[0]
        window = at - t[0]
        middle = float(np.median(delays)) / window if window > 0 else 0.0
        late = np.count_nonzero(delays > window / 2)
        return (
            1.0,
            n_obs,
            math.log1p(rest / n_obs),
            float(np.sum(post * n)),
            math.log1p(middle),
            math.log1p(late) - math.log(n_obs),
        )

    def _predict_eb(self, t, m, at, params, rng, n_paths, a, ape=False):
        if "coef" in params:
            x = self._eb_feature(t, m, at, params)
            n_obs = x[1]
            center = float(np.dot(params["coef"], x[:1] + x[2:]))
            res = params["residuals"]
            lo, med, hi = n_obs * np.exp(center + np.quantile(res, [a, 0.5, 1.0 - a]))
            mean = n_obs * float(np.mean(np.exp(center + res)))
            if ape:
                med = _ape_point(np.maximum(n_obs * np.exp(center + res), n_obs))
            return n_obs, max(med, n_obs), max(lo, n_obs), max(hi, n_obs), max(mean, n_obs)
        post, remaining, n_obs = self._posterior(t, m, at, params)
        n = _BRANCHING[:, None]
        mean = n_obs + float(np.sum(post * n * remaining[None, :] / (1.0 - n)))
        idx = rng.choice(post.size, size=n_paths, p=post.ravel())
        i, j = np.unravel_index(idx, post.shape)
        bn = _BRANCHING[i]
        children = rng.poisson(bn * remaining[j])
        cap = 100.0 * n_obs + 1000.0
        final = n_obs + _progeny(rng, children, bn, cap)
        lo, med, hi = np.quantile(final, [a, 0.5, 1.0 - a])
        if ape:
            med = _ape_point(final)
        return n_obs, med, lo, hi, mean
