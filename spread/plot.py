"""Plots of spread's results: each function draws on `ax` (a new figure by default) and
returns the `matplotlib.axes.Axes`.

matplotlib is imported when a function is called, not when spread is imported. Every
result's ``.plot()`` method calls one of these, so ``res.plot()`` and
``spread.plot.curve(res)`` draw the same thing.

========================  ======================================================
`curve`                   adoption curve of one simulation, with a quantile band
`compare`                 several models or seed sets on one axes
`spread_vs_k`             expected spread against the number of seeds
`fit`                     fitted curves over observed counts, forecast band,
                          held-out part marked
`trend`                   an observed count series
`heat`                    heat diffusion over time (adopters, or node heat)
`graph`                   a small graph, nodes coloured by activation probability
                          or activation step
`calibration`             PIT histogram and band coverage against nominal level
========================  ======================================================

Examples
--------
>>> import spread
>>> from spread import plot
>>> g = spread.datasets.load("karate")
>>> ic = spread.simulate(g, [0, 33], spread.IC(p=0.1), n_runs=200, rng=0)
>>> lt = spread.simulate(g, [0, 33], spread.LT(), n_runs=200, rng=0)
>>> ax = plot.compare({"IC": ic, "LT": lt})
>>> [t.get_text() for t in ax.get_legend().get_texts()]
['IC', 'LT']
"""

import math

import numpy as np
import pandas as pd

from ._common import z_value
from .exceptions import InvalidParameterError

__all__ = [
    "bootstrap",
    "calibration",
    "compare",
    "curve",
    "fit",
    "graph",
    "half_life_profile",
    "heat",
    "spread_vs_k",
    "trend",
]

_FIGSIZE = (6.4, 4.0)


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ModuleNotFoundError as exc:
        msg = "matplotlib must be installed to use `spread.plot`."
        raise ModuleNotFoundError(msg) from exc
    return plt


def _axes(ax, figsize=_FIGSIZE):
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(figsize=figsize, layout="constrained")
    return ax


def _thousands(axis):
    """Counts with thousands separators (``12,000``) on an axis."""
    from matplotlib.ticker import FuncFormatter

    axis.set_major_formatter(
        FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 1000 else f"{v:g}")
    )


def _legend(ax, **kwargs):
    handles, _ = ax.get_legend_handles_labels()
    if handles:
        ax.legend(frameon=False, **kwargs)


def _check_level(level):
    if not isinstance(level, int | float) or not 0 < level < 1:
        msg = f"`level` must lie in (0, 1); got {level!r}."
        raise InvalidParameterError(msg)
    return float(level)


def _named(items, what, default_label):
    """``[(label, item), ...]`` from one item, a sequence or a dict of label -> item."""
    if isinstance(items, dict):
        pairs = [(str(k), v) for k, v in items.items()]
    elif isinstance(items, list | tuple):
        pairs = [(None, v) for v in items]
    else:
        pairs = [(None, items)]
    if not pairs:
        msg = f"`{what}` must hold at least one result; got an empty collection."
        raise InvalidParameterError(msg)
    return [(default_label(i, v) if k is None else k, v) for i, (k, v) in enumerate(pairs)]


def _is_heat(result):
    return hasattr(result, "total_heat")


def _time_axis(ax, index):
    """Readable date ticks for a datetime x axis."""
    if isinstance(index, pd.DatetimeIndex):
        import matplotlib.dates as mdates

        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))


def _bin_name(freq):
    """``"1-hour bins"`` for an hourly series, ``"bins of 5"`` for numbers."""
    if isinstance(freq, pd.Timedelta):
        for unit, name in [("1D", "day"), ("1h", "hour"), ("1min", "minute"), ("1s", "second")]:
            n = freq / pd.Timedelta(unit)
            if n >= 1 and n == int(n):
                return f"{int(n)}-{name} bins"
        return f"bins of {freq}"
    return "unit bins" if freq in (None, 1, 1.0) else f"bins of {freq:g}"


def _time_label(index, freq):
    tz = getattr(index, "tz", None)
    zone = f", {tz}" if tz is not None else ""
    return f"time ({_bin_name(freq)}{zone})"


# ---------------------------------------------------------------- adoption curves
def _curve_frame(result, level):
    """(frame with mean/lower/upper, x label, n_runs or None) for one result."""
    if isinstance(result, pd.DataFrame):
        if "mean" not in result.columns:
            msg = f"`result` frame must have a 'mean' column; got columns {list(result.columns)}."
            raise InvalidParameterError(msg)
        return result, result.index.name or "step", None
    if _is_heat(result):
        return result.curve(), "time", None
    if hasattr(result, "new_per_step"):
        frame = result.curve(level)
        return frame, frame.index.name, result.n_runs
    msg = (
        "`result` must be a SpreadResult, a HeatResult with a threshold or a curve "
        f"DataFrame; got {type(result).__name__}."
    )
    raise InvalidParameterError(msg)


def _draw_curve(ax, result, level, label, band, kwargs):
    frame, xlabel, n_runs = _curve_frame(result, level)
    x = frame.index.to_numpy()
    style = {"marker": "o", "ms": 3} if len(x) <= 60 else {}
    style.update(kwargs)
    (line,) = ax.plot(x, frame["mean"].to_numpy(), label=label, **style)
    if band and {"lower", "upper"} <= set(frame.columns):
        lower, upper = frame["lower"].to_numpy(), frame["upper"].to_numpy()
        if np.any(lower != upper):
            ax.fill_between(x, lower, upper, color=line.get_color(), alpha=0.2, lw=0)
    return xlabel, n_runs


def _band_title(level, runs):
    runs = {r for r in runs if r is not None}
    if not runs:
        return None
    over = f" over {runs.pop():,} runs" if len(runs) == 1 else ""
    return f"mean and {level:.0%} band{over}"


def curve(result, ax=None, *, level=0.9, label=None, band=True, **kwargs):
    """Mean cumulative adopters per step, with a quantile band across runs.

    Parameters
    ----------
    result : SpreadResult, HeatResult or pandas.DataFrame
        A simulation (IC or LT: per step; `Heat` with a threshold: per time, no band),
        or a frame shaped like `SpreadResult.curve` (columns ``mean``, ``lower``,
        ``upper``).
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).
    level : float, default 0.9
        Central probability of the band (0.9: from the 5% to the 95% quantile).
    label : str, optional
        Legend entry (default: the model).
    band : bool, default True
        Shade the band.
    **kwargs
        Passed to `matplotlib.axes.Axes.plot` for the mean line.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import spread
    >>> g = spread.datasets.load("karate")
    >>> res = spread.simulate(g, [0], spread.IC(p=0.2), n_runs=200, rng=0)
    >>> ax = spread.plot.curve(res)
    >>> ax.get_xlabel(), ax.get_ylabel()
    ('step', 'cumulative adopters')
    """
    level = _check_level(level)
    ax = _axes(ax)
    if label is None and hasattr(result, "model"):
        label = repr(result.model)
    xlabel, n_runs = _draw_curve(ax, result, level, label, band, kwargs)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("cumulative adopters")
    _thousands(ax.yaxis)
    title = _band_title(level, [n_runs])
    if title:
        ax.set_title(title)
    _legend(ax)
    return ax


def compare(results, ax=None, *, labels=None, level=0.9, band=True, title=None):
    """Adoption curves of several models or seed sets on one axes.

    Parameters
    ----------
    results : sequence or dict of SpreadResult / HeatResult, or SpreadResults
        The curves; a dict gives the legend labels.
    ax : matplotlib.axes.Axes, optional
    labels : sequence of str, optional
        Legend labels (default: the dict keys, else the models, or "seed set i" for
        the seed sets of one `SpreadResults`).
    level : float, default 0.9
        Central probability of the quantile bands.
    band : bool, default True
    title : str, optional
        Default: what the bands are.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import spread
    >>> g = spread.datasets.load("karate")
    >>> both = spread.simulate_sets(g, [[0], [33]], spread.IC(p=0.2), n_runs=200, rng=0)
    >>> ax = spread.plot.compare(both)
    >>> len(ax.lines), [t.get_text() for t in ax.get_legend().get_texts()]
    (2, ['seed set 0 (1 seed)', 'seed set 1 (1 seed)'])
    """
    level = _check_level(level)
    ax = _axes(ax)
    same_model = hasattr(results, "to_frame") and isinstance(results, tuple)

    def default(i, r):
        if same_model:
            n = len(r.seeds)
            return f"seed set {i} ({n} seed{'s' if n != 1 else ''})"
        return repr(r.model) if hasattr(r, "model") else f"curve {i}"

    pairs = _named(results if not same_model else list(results), "results", default)
    if labels is not None:
        labels = list(labels)
        if len(labels) != len(pairs):
            msg = f"`labels` must have one entry per result ({len(pairs)}); got {len(labels)}."
            raise InvalidParameterError(msg)
        pairs = [(lab, r) for lab, (_, r) in zip(labels, pairs, strict=True)]
    xlabels, runs = set(), []
    for lab, r in pairs:
        xlabel, n_runs = _draw_curve(ax, r, level, lab, band, {})
        xlabels.add(xlabel)
        runs.append(n_runs)
    ax.set_xlabel(xlabels.pop() if len(xlabels) == 1 else "step (IC, LT) or time (heat)")
    ax.set_ylabel("cumulative adopters")
    _thousands(ax.yaxis)
    title = title if title is not None else _band_title(level, runs)
    if title:
        ax.set_title(title)
    _legend(ax)
    return ax


# ------------------------------------------------------------- seed selections
def spread_vs_k(selections, ax=None, *, labels=None, level=0.95, **kwargs):
    """Expected spread of the first k chosen seeds, against k, with an interval band.

    Parameters
    ----------
    selections : SeedSelection, or a sequence or dict of them
        Results of `spread.maximize`; their ``prefix_spread`` (estimated on fresh
        samples) is drawn. A selection without it (``evaluate=False``) shows only
        its final `spread`, if any.
    ax : matplotlib.axes.Axes, optional
    labels : sequence of str, optional
        Legend labels (default: the dict keys, else the methods).
    level : float, default 0.95
        Normal-approximation band from ``prefix_stderr``.
    **kwargs
        Passed to `matplotlib.axes.Axes.plot`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import spread
    >>> g = spread.datasets.load("karate")
    >>> opim = spread.maximize(g, 3, spread.IC(p=0.1), rng=0, n_eval_runs=500)
    >>> deg = spread.maximize(g, 3, spread.IC(p=0.1), method="degree", rng=0, n_eval_runs=500)
    >>> ax = spread.plot.spread_vs_k([opim, deg])
    >>> ax.get_xlabel(), [t.get_text() for t in ax.get_legend().get_texts()]
    ('number of seeds k', ['opim-c', 'degree'])
    """
    level = _check_level(level)
    z = z_value(level)
    ax = _axes(ax)
    from matplotlib.ticker import MaxNLocator

    pairs = _named(selections, "selections", lambda i, s: s.method)
    if labels is not None:
        pairs = [(lab, s) for lab, (_, s) in zip(list(labels), pairs, strict=True)]
    models = set()
    for lab, sel in pairs:
        models.add(repr(sel.model))
        k = np.arange(1, sel.k + 1)
        y = np.asarray(sel.prefix_spread, dtype=np.float64)
        if np.isfinite(y).any():
            style = {"marker": "o", "ms": 3} if sel.k <= 60 else {}
            style.update(kwargs)
            (line,) = ax.plot(k, y, label=lab, **style)
            se = np.asarray(sel.prefix_stderr, dtype=np.float64)
            ok = np.isfinite(se)
            if ok.any():
                ax.fill_between(
                    k[ok],
                    (y - z * se)[ok],
                    (y + z * se)[ok],
                    color=line.get_color(),
                    alpha=0.2,
                    lw=0,
                )
        elif math.isfinite(sel.spread):
            low, high = sel.conf_int(level)
            half = (high - low) / 2
            ax.errorbar([sel.k], [sel.spread], yerr=[half], fmt="o", capsize=3, label=lab)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlabel("number of seeds k")
    ax.set_ylabel("expected spread (nodes)")
    _thousands(ax.yaxis)
    model = f"{models.pop()}; " if len(models) == 1 else ""
    ax.set_title(f"{model}{level:.0%} band")
    _legend(ax)
    return ax


# ------------------------------------------------------------------ trends, fits
def trend(data, ax=None, *, cumulative=False, label=None, **kwargs):
    """An observed count series: counts per bin as steps, or the cumulative count.

    Parameters
    ----------
    data : Trend
    ax : matplotlib.axes.Axes, optional
    cumulative : bool, default False
    label : str, optional
        Legend entry (no legend without one).
    **kwargs
        Passed to `matplotlib.axes.Axes.step` (or ``plot`` when cumulative).

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import spread
    >>> tr = spread.datasets.load_trend("higgs", start="2012-07-04")
    >>> ax = spread.plot.trend(tr)
    >>> ax.get_ylabel(), ax.get_xlabel()
    ('adopters per bin', 'time (1-hour bins, UTC)')
    """
    ax = _axes(ax)
    if cumulative:
        ax.plot(data.index, data.cumulative, label=label, **kwargs)
        ax.set_ylabel(f"cumulative {data.kind}")
    else:
        ax.step(data.index, data.counts, where="post", label=label, **kwargs)
        ax.set_ylabel(f"{data.kind} per bin")
    ax.set_xlabel(_time_label(data.index, data.freq))
    _time_axis(ax, data.index)
    _thousands(ax.yaxis)
    if label is not None:
        _legend(ax)
    return ax


def _observed(result, data):
    """(x labels, counts, freq, kind) of the series a fit was made on."""
    if data is not None:
        return data.index, np.asarray(data.counts, dtype=np.float64), data.freq, data.kind
    if not hasattr(result, "observed") or not result.n_obs_bins:
        msg = "`trend` must be given: this fit does not keep the series it was fitted on."
        raise InvalidParameterError(msg)
    labels = result.bin_labels(np.arange(result.n_obs_bins))
    y = result.observed()
    freq = None
    if len(labels) > 1:
        freq = labels[1] - labels[0]
        freq = pd.Timedelta(freq) if isinstance(labels, pd.DatetimeIndex) else float(freq)
    return labels, (None if y is None else y.to_numpy(dtype=np.float64)), freq, None


def _held_out(test, after, freq):
    """Labels and counts of the held-out bins following the training window."""
    if hasattr(test, "counts"):
        return test.index, np.asarray(test.counts, dtype=np.float64)
    counts = np.asarray(test, dtype=np.float64).ravel()
    steps = np.arange(1, counts.size + 1)
    if isinstance(after, pd.Timestamp):
        return pd.DatetimeIndex([after + freq * int(s) for s in steps]), counts
    return pd.Index(float(after) + float(freq or 1.0) * steps), counts


def fit(
    results,
    trend=None,
    ax=None,
    *,
    test=None,
    horizon=None,
    level=0.9,
    cumulative=False,
    labels=None,
    forecasts=None,
    n_paths=1000,
    rng=0,
):
    """Fitted curves over the observed counts, with forecast bands and the held-out part.

    Parameters
    ----------
    results : FitResult, or a sequence or dict of FitResults
        Fits of the same training series (curve models, or the ``result_`` of a
        network estimator); a fit made on a later start of the series is drawn over
        its own window.
    trend : Trend, optional
        The training series (default: the one kept by the first fit).
    ax : matplotlib.axes.Axes, optional
    test : Trend or array_like, optional
        Held-out counts of the bins right after the training window: drawn as open
        circles over a shaded span, so a forecast can be judged against them.
    horizon : int, optional
        Bins to forecast after the training window (default: the length of `test`,
        else none).
    level : float, default 0.9
        Central probability of the forecast band (parameter uncertainty included).
    cumulative : bool, default False
        Draw cumulative counts instead of counts per bin.
    labels : sequence of str, optional
        Legend labels (default: the dict keys, else each fit's model name).
    forecasts : dict of str to pandas.DataFrame, optional
        Forecasts already made (``result.forecast(horizon, level)``), by legend label: drawn
        instead of simulating them again.
    n_paths : int, default 1000
        Simulated paths behind each forecast band.
    rng : seed, default 0
        For the simulated forecast band.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import spread
    >>> from spread.fit import fit_bass
    >>> tr = spread.datasets.load_trend("higgs", start="2012-07-04")
    >>> bass = fit_bass(tr[:36])
    >>> ax = spread.plot.fit(bass, test=tr[36:48])
    >>> [t.get_text() for t in ax.get_legend().get_texts()]
    ['observed', 'held out', 'bass']
    """
    level = _check_level(level)
    ax = _axes(ax)
    pairs = _named(results, "results", lambda i, r: r.model)
    if labels is not None:
        pairs = [(lab, r) for lab, (_, r) in zip(list(labels), pairs, strict=True)]
    x, y, freq, kind = _observed(pairs[0][1], trend)
    total = 0.0 if y is None else float(np.sum(y))
    if y is not None:
        ax.plot(x, np.cumsum(y) if cumulative else y, "o", ms=3, color="0.25", label="observed")
    if test is not None:
        after = x[-1]
        tx, ty = _held_out(test, after, freq)
        if len(tx):
            end = tx[-1] + (freq if freq is not None else 0)
            ax.axvspan(tx[0], end, color="0.93", lw=0, zorder=0)
            ty_plot = total + np.cumsum(ty) if cumulative else ty
            ax.plot(tx, ty_plot, "o", ms=4, mfc="none", color="0.25", mew=0.8, label="held out")
        if horizon is None:
            horizon = len(tx)
    horizon = int(horizon or 0)
    cols = (
        ("cumulative", "cumulative_lower", "cumulative_upper")
        if cumulative
        else ("mean", "lower", "upper")
    )
    for lab, res in pairs:
        # each fit on its own window (fits may start at different bins of the series)
        own_bins = getattr(res, "n_obs_bins", 0)
        xr = res.bin_labels(np.arange(own_bins)) if own_bins else x
        yr = res.predict(np.arange(len(xr)), cumulative=cumulative)
        (line,) = ax.plot(xr, yr, lw=1.6, label=lab)
        if horizon > 0:
            fc = (forecasts or {}).get(lab)
            if fc is None:
                fc = res.forecast(horizon, level, n_paths=n_paths, rng=rng)
            elif cumulative and cols[0] not in fc.columns:
                msg = f"`forecasts[{lab!r}]` must have cumulative columns for `cumulative=True`."
                raise InvalidParameterError(msg)
            ax.plot(fc.index, fc[cols[0]], "--", lw=1.4, color=line.get_color())
            ax.fill_between(
                fc.index, fc[cols[1]], fc[cols[2]], color=line.get_color(), alpha=0.2, lw=0
            )
    what = kind or "count"
    ax.set_ylabel(f"cumulative {what}" if cumulative else f"{what} per bin")
    ax.set_xlabel(_time_label(x, freq))
    _time_axis(ax, x)
    _thousands(ax.yaxis)
    if horizon > 0:
        ax.set_title(f"fit (solid), forecast (dashed) with {level:.0%} band")
    _legend(ax)
    return ax


def bootstrap(result, ax=None, *, name=None, level=0.95, **kwargs):
    """Histogram of a parametric bootstrap's replicates of one parameter.

    The percentile interval at `level` is shaded and its ends marked.

    Parameters
    ----------
    result : FitBootstrap
        From `FitResult.bootstrap` (or ``result_.diagnostics["bootstrap"]``).
    ax : matplotlib.axes.Axes, optional
    name : str, optional
        The parameter (default: the first).
    level : float, default 0.95
    **kwargs
        Passed to `matplotlib.axes.Axes.hist`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> from spread.fit import fit_bass, simulate_trend
    >>> fit = fit_bass(simulate_trend("bass", {"m": 5e3, "p": 0.01, "q": 0.4}, 30, rng=0))
    >>> ax = fit.bootstrap(30, rng=1).plot(name="q")
    >>> ax.get_xlabel()
    'q'
    """
    level = _check_level(level)
    columns = list(result.params.columns)
    name = columns[0] if name is None else name
    if name not in columns:
        msg = f"`name` must be one of {columns}; got {name!r}."
        raise InvalidParameterError(msg)
    ax = _axes(ax)
    values = result.params[name].to_numpy(dtype=np.float64)
    style = {"bins": min(30, max(5, values.size // 4)), "color": "0.6"}
    style.update(kwargs)
    ax.hist(values, **style)
    low, high = result.conf_int(level)[name]
    if np.isfinite([low, high]).all():
        ax.axvspan(low, high, color="C0", alpha=0.15, lw=0, label=f"{level:.0%} interval")
        ax.axvline(low, color="C0", lw=1)
        ax.axvline(high, color="C0", lw=1)
    ax.set_xlabel(name)
    ax.set_ylabel("replicates")
    ax.set_title(f"parametric bootstrap, {result.n_resamples} replicates")
    _legend(ax)
    return ax


def calibration(result, ax=None, *, n_bins=10):
    """PIT histogram and band coverage against nominal level, side by side.

    Parameters
    ----------
    result : Calibration
        From `spread.fit.calibration`.
    ax : pair of matplotlib.axes.Axes, optional
        Where to draw the histogram and the coverage (default: a new figure).
    n_bins : int, default 10
        Histogram bins over (0, 1).

    Returns
    -------
    numpy.ndarray of two matplotlib.axes.Axes
        A flat histogram and points on the diagonal mean calibrated bands; the bars
        on the coverage are two binomial standard errors at the nominal level.

    Examples
    --------
    >>> from spread.fit import calibration, simulate_trend
    >>> tr = simulate_trend("bass", {"m": 20_000, "p": 0.005, "q": 0.15}, 40, rng=1)
    >>> axes = calibration(tr, "bass", horizon=5, n_origins=2, n_paths=100).plot()
    >>> [a.get_xlabel() for a in axes]
    ['PIT', 'nominal level']
    """
    if isinstance(n_bins, bool) or not isinstance(n_bins, int) or n_bins < 1:
        msg = f"`n_bins` must be an integer >= 1; got {n_bins!r}."
        raise InvalidParameterError(msg)
    plt = _pyplot()
    if ax is None:
        _, ax = plt.subplots(1, 2, figsize=(9.6, 3.8), layout="constrained")
    axes = np.asarray(ax, dtype=object).ravel()
    if axes.size != 2:
        msg = f"`ax` must be a pair of Axes (histogram, coverage); got {axes.size}."
        raise InvalidParameterError(msg)
    hist, cover = axes
    pit = result.pit["pit"].to_numpy(dtype=np.float64)
    hist.hist(pit, bins=n_bins, range=(0.0, 1.0), density=True, color="0.6", edgecolor="white")
    hist.axhline(1.0, color="C0", lw=1, ls="--", label="uniform")
    hist.set_xlim(0, 1)
    hist.set_xlabel("PIT")
    hist.set_ylabel("density")
    hist.set_title(f"{result.model}: {pit.size} held-out bins, KS p = {result.ks_pvalue:.2g}")
    _legend(hist)
    cov = result.coverage
    cover.plot([0, 1], [0, 1], ls="--", color="0.5", lw=1, label="nominal")
    cover.errorbar(
        cov["nominal"],
        cov["coverage"],
        yerr=2 * cov["stderr"],
        fmt="o-",
        color="C0",
        capsize=3,
        label=result.model,
    )
    cover.set_xlim(0, 1)
    cover.set_ylim(0, 1.02)
    cover.set_xlabel("nominal level")
    cover.set_ylabel("held-out bins inside the band")
    cover.set_title("band coverage")
    _legend(cover)
    return axes


def half_life_profile(result, ax=None):
    """Deviance of each fit against the half-life of its events' pulses.

    Parameters
    ----------
    result : HalfLifeProfile
        From `spread.fit.profile_half_life`.
    ax : matplotlib.axes.Axes, optional
        Where to draw (default: a new figure).

    Returns
    -------
    matplotlib.axes.Axes
        Half-life on a log axis; the dashed line is the chi-square threshold of the
        likelihood-ratio interval, shaded between its ends (when the fits are
        likelihoods); failed fits are crosses on the axis.

    Examples
    --------
    >>> import numpy as np
    >>> from spread.fit import Trend, profile_half_life
    >>> t = np.arange(120)
    >>> rate = 10 * np.exp(2.0 * np.where(t >= 30, 2.0 ** (-(t - 30) / 6), 0.0))
    >>> trend = Trend.from_counts(np.random.default_rng(0).poisson(rate), freq=1.0, start=0.0)
    >>> ax = profile_half_life(trend, {"launch": 30}, half_lives=[2, 6, 18]).plot()
    >>> ax.get_xlabel()
    'half-life (bins)'
    """
    from scipy import stats

    ax = _axes(ax)
    table = result.table
    ok = table["success"].to_numpy(dtype=bool)
    hs = table["half_life"].to_numpy(dtype=np.float64)
    ax.plot(hs[ok], table["deviance"].to_numpy()[ok], "o-", color="C0", label="fits")
    if (~ok).any():
        ax.plot(hs[~ok], np.zeros((~ok).sum()), "x", color="C3", label="failed")
    if not math.isnan(result.half_life_ci.low):
        crit = float(stats.chi2.ppf(result.level, 1))
        ax.axhline(crit, color="0.4", ls="--", lw=1, label=f"{result.level:.0%} threshold")
        ax.axvspan(*result.half_life_ci, color="C0", alpha=0.12, lw=0)
        ax.set_ylabel("deviance from the best fit")
    else:
        ax.set_ylabel("2 x (loss - best loss)")
    ax.axvline(result.half_life, color="C1", lw=1, label=f"best {result.half_life:.3g}")
    ax.set_xscale("log")
    ax.set_xlabel("half-life (bins)")
    ax.set_title("half-life profile")
    _legend(ax)
    return ax


# ------------------------------------------------------------------------- heat
def heat(result, ax=None, *, what="auto", nodes=None, n_nodes=8, **kwargs):
    """Heat diffusion over time.

    Parameters
    ----------
    result : HeatResult
    ax : matplotlib.axes.Axes, optional
    what : {"auto", "adopted", "nodes", "max"}
        ``"adopted"``: nodes at or above the model's threshold (needs one);
        ``"nodes"``: the heat of `nodes`, or of the `n_nodes` hottest at the last
        time (needs the heat kept, ``keep="all"``); ``"max"``: the largest heat on
        any node. ``"auto"`` picks the first available in that order.
    nodes : sequence of labels, optional
        For ``what="nodes"``.
    n_nodes : int, default 8
        Nodes whose heat curves coincide (symmetric places in the graph) share one line
        and one legend entry.
    **kwargs
        Passed to `matplotlib.axes.Axes.plot`.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import spread
    >>> g = spread.datasets.load("karate")
    >>> res = spread.solve(g, [0], spread.Heat(beta=0.3), times=[0, 1, 2, 4, 8])
    >>> ax = spread.plot.heat(res, nodes=[0, 33])
    >>> ax.get_ylabel(), [t.get_text() for t in ax.get_legend().get_texts()]
    ('heat', ['0', '33'])
    """
    from ._validation import check_in

    what = check_in(what, name="what", options=("auto", "adopted", "nodes", "max"))
    if what == "auto":
        what = (
            "adopted"
            if result.adopted is not None
            else "nodes"
            if result.heat is not None
            else "max"
        )
    ax = _axes(ax)
    order = np.argsort(result.times, kind="stable")
    t = result.times[order]
    style = {"marker": "o", "ms": 3} if len(t) <= 25 else {}
    style.update(kwargs)
    legend = {"fontsize": "small"}
    if what == "adopted":
        if result.adopted is None:
            msg = "`what='adopted'` needs a read-out: give `Heat(threshold=...)`."
            raise InvalidParameterError(msg)
        ax.plot(t, result.adopted[order], label=repr(result.model), **style)
        ax.set_ylabel(f"adopters (heat >= {result.model.threshold:g})")
        _thousands(ax.yaxis)
    elif what == "nodes":
        if result.heat is None:
            msg = "`what='nodes'` needs the heat of every node: simulate with `keep='all'`."
            raise InvalidParameterError(msg)
        h = result.heat[order]
        if nodes is None:
            idx = np.argsort(h[-1], kind="stable")[::-1][:n_nodes]
            ax.set_title(f"the {len(idx)} hottest nodes at time {t[-1]:g}")
        else:
            idx = np.atleast_1d(result.graph.index_of(nodes))
        drawn = []  # nodes whose curves coincide (symmetric places) share one line
        for i in idx:
            y, label = h[:, i], str(result.graph.label_of(int(i)))
            twin = next((ln for c, ln in drawn if np.allclose(c, y, rtol=1e-9, atol=0)), None)
            if twin is None:
                (line,) = ax.plot(t, y, label=label, **style)
                drawn.append((y, line))
            else:
                twin.set_label(f"{twin.get_label()}, {label}")
        ax.set_ylabel("heat")
        legend["title"] = "node"
        legend["title_fontsize"] = "small"
    else:
        ax.plot(t, result.max_heat[order], label="max heat", **style)
        ax.set_ylabel("heat")
    ax.set_xlabel("time")
    _legend(ax, **legend)
    return ax


# ------------------------------------------------------------------------ graph
def _mean_step(times):
    """Mean activation step of each node over the runs in which it activated (NaN: never)."""
    active = times >= 0
    count = active.sum(axis=0)
    total = np.where(active, times, 0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / np.maximum(count, 1), np.nan)


def graph(
    data,
    ax=None,
    *,
    color="probability",
    nodes=None,
    max_nodes=150,
    seeds=None,
    pos=None,
    with_labels=None,
    cmap=None,
    rng=0,
):
    """Draw a small graph (or the part a spread reached), nodes coloured by a value.

    Parameters
    ----------
    data : Graph or SpreadResult
        A result brings its graph, its seeds and the values to colour by.
    ax : matplotlib.axes.Axes, optional
    color : {"probability", "step"} or array_like, default "probability"
        ``"probability"``: how often each node activated; ``"step"``: its mean
        activation step over the runs in which it activated (needs
        ``keep_times=True``); or one value per node in graph index order. With a
        `Graph` and no array, nodes are drawn in one colour.
    nodes : sequence of labels, optional
        Which nodes to draw (the drawing shows the arcs among them). Default: all of
        them up to `max_nodes`; past that, the seeds and the nodes most often
        activated (for a result) or of highest degree (for a graph).
    max_nodes : int, default 150
    seeds : sequence of labels, optional
        Nodes to ring in red (default: the result's seeds).
    pos : dict of label to (x, y), optional
        Node positions (default: a spring layout drawn with `rng`).
    with_labels : bool, optional
        Write node labels (default: when at most 40 nodes are drawn).
    cmap : str or Colormap, optional
        Default ``"viridis"`` (``"plasma_r"`` for steps).
    rng : int, default 0
        Seed of the layout.

    Returns
    -------
    matplotlib.axes.Axes

    Examples
    --------
    >>> import spread
    >>> g = spread.datasets.load("karate")
    >>> res = spread.simulate(g, [0], spread.IC(p=0.2), n_runs=200, rng=0)
    >>> ax = spread.plot.graph(res)
    >>> ax.get_title()
    'activation probability, 34 of 34 nodes'
    """
    ax = _axes(ax, figsize=(6.4, 5.2))
    import matplotlib as mpl
    import networkx as nx
    from matplotlib.collections import LineCollection

    result = data if hasattr(data, "node_probability") else None
    g = result.graph if result is not None else data
    if g is None:
        msg = "`data` must be a Graph or a SpreadResult that keeps its graph."
        raise InvalidParameterError(msg)
    values, what = None, None
    if isinstance(color, str):
        if color not in ("probability", "step"):
            msg = f"`color` must be 'probability', 'step' or one value per node; got {color!r}."
            raise InvalidParameterError(msg)
        if result is not None and color == "probability":
            values, what = (
                np.asarray(result.node_probability, dtype=np.float64),
                "activation probability",
            )
        elif result is not None:
            if result.activation_times is None:
                msg = "`color='step'` needs activation steps: simulate with `keep_times=True`."
                raise InvalidParameterError(msg)
            values, what = _mean_step(result.activation_times), "mean activation step"
    elif color is not None:
        values = np.asarray(color, dtype=np.float64)
        if values.shape != (g.n_nodes,):
            msg = f"`color` must hold one value per node ({g.n_nodes}); got shape {values.shape}."
            raise InvalidParameterError(msg)
        what = "value"
    if seeds is None and result is not None:
        seeds = result.seeds
    seed_idx = (
        np.atleast_1d(g.index_of(list(np.atleast_1d(seeds)))).astype(np.int64)
        if seeds is not None and len(np.atleast_1d(seeds))
        else np.empty(0, np.int64)
    )
    if nodes is not None:
        keep = np.unique(np.atleast_1d(g.index_of(list(nodes))).astype(np.int64))
    elif g.n_nodes <= max_nodes:
        keep = np.arange(g.n_nodes)
    else:
        score = (
            np.nan_to_num(result.node_probability, nan=0.0)
            if result is not None
            else (g.out_degree + g.in_degree).astype(np.float64)
        )
        score = score.astype(np.float64).copy()
        score[seed_idx] = np.inf
        keep = np.sort(np.argsort(-score, kind="stable")[:max_nodes])
    inside = np.zeros(g.n_nodes, dtype=bool)
    inside[keep] = True
    src = np.repeat(np.arange(g.n_nodes), np.diff(g.indptr))
    dst = np.asarray(g.indices, dtype=np.int64)
    arc = inside[src] & inside[dst]
    src, dst = src[arc], dst[arc]
    if not g.directed:
        half = src < dst
        src, dst = src[half], dst[half]
    if pos is None:
        sub = nx.Graph()
        sub.add_nodes_from(keep.tolist())
        sub.add_edges_from(zip(src.tolist(), dst.tolist(), strict=True))
        layout = nx.spring_layout(sub, seed=rng, k=1.5 / math.sqrt(max(len(keep), 1)))
        xy = np.array([layout[i] for i in keep.tolist()])
    else:
        xy = np.array([pos[g.label_of(int(i))] for i in keep.tolist()], dtype=np.float64)
    where = np.full(g.n_nodes, -1, dtype=np.int64)
    where[keep] = np.arange(keep.size)
    segments = np.stack([xy[where[src]], xy[where[dst]]], axis=1)
    ax.add_collection(LineCollection(segments, colors="0.7", linewidths=0.6, zorder=1))
    size = 60 if keep.size <= 40 else 25 if keep.size <= 200 else 10
    if values is not None:
        v = values[keep]
        cmap = mpl.colormaps[cmap or ("plasma_r" if what == "mean activation step" else "viridis")]
        cmap = cmap.with_extremes(bad="0.85")
        vmin, vmax = (0.0, 1.0) if what == "activation probability" else (None, None)
        sc = ax.scatter(
            xy[:, 0],
            xy[:, 1],
            c=np.ma.masked_invalid(v),
            cmap=cmap,
            vmin=vmin,
            vmax=vmax,
            s=size,
            edgecolors="0.3",
            linewidths=0.3,
            zorder=2,
        )
        ax.figure.colorbar(sc, ax=ax, shrink=0.8, label=what)
    else:
        ax.scatter(
            xy[:, 0], xy[:, 1], s=size, color="C0", edgecolors="0.3", linewidths=0.3, zorder=2
        )
    shown = seed_idx[inside[seed_idx]]
    if shown.size:
        p = xy[where[shown]]
        ax.scatter(
            p[:, 0],
            p[:, 1],
            s=size * 2.2,
            facecolors="none",
            edgecolors="red",
            linewidths=1.4,
            zorder=3,
            label="seed" if shown.size == 1 else "seeds",
        )
    if with_labels is None:
        with_labels = keep.size <= 40
    if with_labels:
        for i, (px, py) in zip(keep.tolist(), xy, strict=True):
            ax.annotate(
                str(g.label_of(int(i))),
                (px, py),
                fontsize=6,
                ha="center",
                va="center",
                xytext=(0, 6),
                textcoords="offset points",
                zorder=4,
            )
    ax.set_aspect("equal", adjustable="datalim")
    ax.autoscale_view()
    ax.set_axis_off()
    ax.set_title(f"{what or 'graph'}, {keep.size:,} of {g.n_nodes:,} nodes")
    _legend(ax, loc="best", fontsize="small")
    return ax
