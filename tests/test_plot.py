import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.collections import LineCollection, PolyCollection

import spread
from spread import plot
from spread.fit import fit_bass, fit_logistic, simulate_trend

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


@pytest.fixture(scope="module")
def karate():
    return spread.datasets.load("karate")


@pytest.fixture(scope="module")
def ic_result(karate):
    return spread.simulate(karate, [0, 33], spread.IC(p=0.1), n_runs=300, rng=0, keep_times=True)


@pytest.fixture(scope="module")
def lt_result(karate):
    return spread.simulate(karate, [0, 33], spread.LT(), n_runs=300, rng=0)


@pytest.fixture(scope="module")
def heat_result(karate):
    model = spread.Heat(beta=0.3, threshold=0.02)
    return spread.solve(karate, [0, 33], model, times=[0, 0.5, 1, 2, 4, 8])


@pytest.fixture(scope="module")
def bass_fits():
    tr = simulate_trend("bass", {"m": 5000, "p": 0.01, "q": 0.5}, 40, rng=0)
    return tr, fit_bass(tr[:30]), fit_logistic(tr[:30])


def legend_texts(ax):
    legend = ax.get_legend()
    return [] if legend is None else [t.get_text() for t in legend.get_texts()]


def bands(ax):
    return [c for c in ax.collections if isinstance(c, PolyCollection)]


def test_curve_draws_mean_and_band(ic_result):
    ax = plot.curve(ic_result, label="IC")
    assert isinstance(ax, matplotlib.axes.Axes)
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("step", "cumulative adopters")
    assert len(ax.lines) == 1 and len(bands(ax)) == 1
    assert legend_texts(ax) == ["IC"]
    assert ax.get_title() == "mean and 90% band over 300 runs"
    mean = ax.lines[0].get_ydata()
    assert mean[-1] == pytest.approx(ic_result.mean)


def test_curve_honours_ax_and_level(ic_result):
    _, given = plt.subplots()
    ax = plot.curve(ic_result, given, level=0.5, band=False)
    assert ax is given and len(bands(ax)) == 0
    assert ax.get_title() == "mean and 50% band over 300 runs"
    assert legend_texts(ax) == [repr(ic_result.model)]


def test_curve_of_a_frame_and_bad_input(ic_result):
    ax = plot.curve(ic_result.curve(), label="from a frame")
    assert ax.get_xlabel() == "step" and legend_texts(ax) == ["from a frame"]
    with pytest.raises(spread.InvalidParameterError, match="`result` must be a SpreadResult"):
        plot.curve([1, 2, 3])
    with pytest.raises(spread.InvalidParameterError, match=r"`level` must lie in \(0, 1\)"):
        plot.curve(ic_result, level=1.5)


def test_compare_models_on_one_axes(ic_result, lt_result, heat_result):
    ax = plot.compare({"IC": ic_result, "LT": lt_result, "heat": heat_result})
    assert legend_texts(ax) == ["IC", "LT", "heat"]
    assert len(ax.lines) == 3
    # The heat curve is deterministic: no band for it.
    assert len(bands(ax)) == 2
    assert ax.get_xlabel() == "step (IC, LT) or time (heat)"
    assert ax.get_ylabel() == "cumulative adopters"


def test_compare_labels_and_seed_sets(karate):
    many = spread.simulate_sets(karate, [[0], [33], [0, 33]], spread.IC(p=0.1), n_runs=200, rng=0)
    ax = plot.compare(many)
    assert legend_texts(ax) == [
        "seed set 0 (1 seed)",
        "seed set 1 (1 seed)",
        "seed set 2 (2 seeds)",
    ]
    ax = plot.compare(list(many), labels=["a", "b", "c"])
    assert legend_texts(ax) == ["a", "b", "c"] and ax.get_xlabel() == "step"
    with pytest.raises(spread.InvalidParameterError, match="`labels` must have one entry"):
        plot.compare(list(many), labels=["a"])
    with pytest.raises(spread.InvalidParameterError, match="at least one result"):
        plot.compare([])


def test_results_plot_methods_delegate(ic_result, lt_result, heat_result, karate):
    _, given = plt.subplots()
    assert ic_result.plot(ax=given) is given
    lt_result.plot(ax=given, label="LT")
    assert legend_texts(given) == [repr(ic_result.model), "LT"] and len(bands(given)) == 2
    assert heat_result.plot().get_ylabel() == "adopters (heat >= 0.02)"
    many = spread.simulate_sets(karate, [[0], [33]], spread.IC(p=0.1), n_runs=100, rng=0)
    assert len(many.plot().lines) == 2


def test_spread_vs_k(karate):
    imm = spread.maximize(karate, 4, spread.IC(p=0.1), method="imm", rng=0, n_eval_runs=500)
    deg = spread.maximize(karate, 4, spread.IC(p=0.1), method="degree", rng=0, n_eval_runs=500)
    ax = plot.spread_vs_k({"IMM": imm, "degree": deg})
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("number of seeds k", "expected spread (nodes)")
    assert legend_texts(ax) == ["IMM", "degree"]
    assert len(ax.lines) == 2 and len(bands(ax)) == 2
    assert list(ax.lines[0].get_xdata()) == [1, 2, 3, 4]
    assert np.allclose(ax.lines[0].get_ydata(), imm.prefix_spread)
    _, given = plt.subplots()
    assert imm.plot(ax=given) is given and legend_texts(given) == ["imm"]


def test_spread_vs_k_without_prefix_shows_the_final_spread(karate):
    sel = spread.maximize(karate, 3, spread.IC(p=0.1), rng=0, evaluate=False)
    ax = plot.spread_vs_k(sel)
    assert len(bands(ax)) == 0 and legend_texts(ax) == []


def test_fit_marks_the_held_out_part(bass_fits):
    tr, bass, logistic = bass_fits
    ax = plot.fit({"Bass": bass, "logistic": logistic}, tr[:30], test=tr[30:])
    assert legend_texts(ax) == ["observed", "held out", "Bass", "logistic"]
    # observed, held out, and per fit a fitted line and a dashed forecast
    assert len(ax.lines) == 2 + 2 * 2
    assert len(bands(ax)) == 2
    held = ax.lines[1]
    assert list(held.get_ydata()) == list(tr.counts[30:])
    assert held.get_markerfacecolor() == "none"
    assert ax.get_ylabel() == "adopters per bin"
    assert ax.get_xlabel() == "time (unit bins)"
    assert ax.get_title() == "fit (solid), forecast (dashed) with 90% band"
    # the held-out span is shaded
    spans = [
        p
        for p in ax.patches
        if isinstance(p, matplotlib.patches.Polygon | matplotlib.patches.Rectangle)
    ]
    assert len(spans) == 1


def test_fit_cumulative_and_method(bass_fits):
    tr, bass, _ = bass_fits
    ax = bass.plot(cumulative=True, test=tr[30:])
    assert ax.get_ylabel() == "cumulative count"
    assert legend_texts(ax) == ["observed", "held out", "bass"]
    observed, held = ax.lines[0].get_ydata(), ax.lines[1].get_ydata()
    assert observed[-1] == pytest.approx(tr.counts[:30].sum())
    assert held[-1] == pytest.approx(tr.total)
    # no test, no horizon: no forecast drawn
    plain = bass.plot()
    assert len(plain.lines) == 2 and len(bands(plain)) == 0
    assert len(bass.plot(horizon=4).lines) == 3


def test_fit_on_an_hourly_trend_has_date_ticks():
    tr = spread.datasets.load_trend("higgs", start="2012-07-04")
    res = fit_bass(tr[:36])
    ax = plot.fit(res, tr[:36], test=tr[36:48])
    assert ax.get_xlabel() == "time (1-hour bins, UTC)"
    assert isinstance(ax.xaxis.get_major_formatter(), matplotlib.dates.ConciseDateFormatter)


def test_trend_plot():
    tr = spread.datasets.load_trend("higgs", "retweets")
    ax = plot.trend(tr, label="retweets")
    assert ax.get_ylabel() == "volume per bin" and legend_texts(ax) == ["retweets"]
    assert tr.plot(cumulative=True).get_ylabel() == "cumulative volume"


def test_heat_plot_variants(karate, heat_result):
    ax = plot.heat(heat_result)
    assert ax.get_xlabel() == "time" and len(ax.lines) == 1
    kept = spread.solve(karate, [0], spread.Heat(beta=0.3), times=[0, 1, 2, 4])
    ax = plot.heat(kept, n_nodes=3)  # the 3 hottest: 11, and 10 and 4 (mirror images)
    assert ax.get_ylabel() == "heat" and legend_texts(ax) == ["11", "10, 4"]
    assert len(ax.lines) == 2
    assert ax.get_legend().get_title().get_text() == "node"
    ax = plot.heat(kept, nodes=[0, 33])
    assert legend_texts(ax) == ["0", "33"]
    assert legend_texts(plot.heat(kept, what="max")) == ["max heat"]
    # twins (a star's leaves) have one heat curve: one line, one legend entry for both
    star = spread.Graph.from_edges([0, 0, 0, 1], [1, 2, 3, 4], directed=False)
    res = spread.solve(star, [0], spread.Heat(beta=0.3), times=[0, 1, 2])
    ax = plot.heat(res, nodes=[2, 1, 3, 4])
    assert legend_texts(ax) == ["2, 3", "1", "4"] and len(ax.lines) == 3
    with pytest.raises(spread.InvalidParameterError, match="needs a read-out"):
        plot.heat(kept, what="adopted")
    with pytest.raises(spread.InvalidParameterError, match="`what` must be one of"):
        plot.heat(kept, what="colour")


def test_graph_by_probability(ic_result):
    ax = plot.graph(ic_result)
    nodes = ax.collections[1]
    assert isinstance(ax.collections[0], LineCollection)
    assert len(ax.collections[0].get_segments()) == 78  # karate's edges, once each
    assert len(nodes.get_offsets()) == 34
    assert np.allclose(np.asarray(nodes.get_array()), ic_result.node_probability)
    assert legend_texts(ax) == ["seeds"]
    colorbar = ax.figure.axes[-1]
    assert colorbar.get_ylabel() == "activation probability"
    assert ax.get_title() == "activation probability, 34 of 34 nodes"


def test_graph_by_step_and_subsets(ic_result, karate):
    ax = plot.graph(ic_result, color="step")
    assert ax.figure.axes[-1].get_ylabel() == "mean activation step"
    seeds_step = np.asarray(ax.collections[1].get_array())[[0, 33]]
    assert list(seeds_step) == [0, 0]
    ax = plot.graph(ic_result, max_nodes=10)
    assert len(ax.collections[1].get_offsets()) == 10
    ax = plot.graph(karate, nodes=[0, 1, 2, 3], seeds=[0])
    assert ax.get_title() == "graph, 4 of 34 nodes" and legend_texts(ax) == ["seed"]
    no_times = spread.simulate(karate, [0], spread.IC(p=0.1), n_runs=10, rng=0)
    with pytest.raises(spread.InvalidParameterError, match="keep_times=True"):
        plot.graph(no_times, color="step")
    with pytest.raises(spread.InvalidParameterError, match="one value per node"):
        plot.graph(karate, color=[1.0, 2.0])


def test_graph_on_a_larger_graph_keeps_the_reached_nodes():
    g = spread.datasets.load("nethept")
    res = spread.simulate(g, [0], spread.IC(p=0.05), n_runs=100, rng=0)
    ax = plot.graph(res, max_nodes=50)
    shown = len(ax.collections[1].get_offsets())
    assert shown == 50
    assert ax.get_title() == "activation probability, 50 of 15,233 nodes"
    values = np.sort(np.asarray(ax.collections[1].get_array()))[::-1]
    best = np.sort(res.node_probability)[::-1][:50]
    assert np.allclose(values, best)


def test_missing_matplotlib_message(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def fake_import(name, *args, **kwargs):
        if name.startswith("matplotlib"):
            raise ModuleNotFoundError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", fake_import)
    with pytest.raises(
        ModuleNotFoundError, match=r"matplotlib must be installed to use `spread\.plot`\."
    ):
        plot.curve(pd.DataFrame({"mean": [1.0, 2.0]}))
