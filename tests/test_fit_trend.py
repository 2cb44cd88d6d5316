"""Trend and Cascades: builders, validation with pinned messages, sufficient statistics."""

import matplotlib
import numpy as np
import pandas as pd
import pytest

import spread
from spread import InvalidParameterError, NodeNotFound
from spread.fit import Cascades, Trend
from spread.fit.exposure import exposures
from spread.fit.ic import trials
from spread.fit.lt import brackets

matplotlib.use("Agg")


# ------------------------------------------------------------------ Trend
def test_from_counts_array_defaults():
    tr = Trend.from_counts([0, 3, 8, 5, 1])
    assert tr.n_bins == 5 and len(tr) == 5
    assert tr.total == 17
    np.testing.assert_array_equal(tr.cumulative, [0, 3, 11, 16, 17])
    assert tr.kind == "adopters" and np.isnan(tr.population)
    assert not tr.is_datetime
    assert list(tr.index) == [0.0, 1.0, 2.0, 3.0, 4.0]


def test_from_counts_series_rebins_and_fills_gaps():
    idx = pd.to_datetime(["2024-01-01 00:05", "2024-01-01 00:50", "2024-01-01 03:10"])
    tr = Trend.from_counts(pd.Series([1, 2, 4], index=idx), freq="1h")
    np.testing.assert_array_equal(tr.counts, [3, 0, 0, 4])
    assert tr.index[0] == pd.Timestamp("2024-01-01 00:00")
    assert tr.freq == pd.Timedelta("1h")


def test_from_counts_five_minute_series_to_hourly():
    idx = pd.date_range("2015-02-26 21:42:53", periods=36, freq="5min")
    tr = Trend.from_counts(pd.Series(np.ones(36), index=idx), freq="1h")
    assert tr.total == 36
    assert tr.index[0] == pd.Timestamp("2015-02-26 21:00")
    # 21:42:53 .. 21:57:53 -> 4 slots in the first hour, 12 in each full one
    np.testing.assert_array_equal(tr.counts, [4, 12, 12, 8])


def test_from_timestamps_timezone_and_gaps():
    times = pd.to_datetime(
        ["2024-03-01 10:05", "2024-03-01 10:50", "2024-03-01 13:20"]
    ).tz_localize("Europe/Paris")
    tr = Trend.from_timestamps(times, freq="1h")
    np.testing.assert_array_equal(tr.counts, [2, 0, 0, 1])
    assert str(tr.index.tz) == "Europe/Paris"
    assert tr.kind == "volume"
    # an explicit (naive) window is read in the times' zone; events outside are left out
    tr2 = Trend.from_timestamps(times, freq="1h", start="2024-03-01 10:30", end="2024-03-01 15:30")
    np.testing.assert_array_equal(tr2.counts, [1, 0, 1, 0, 0])


def test_from_timestamps_strings_and_numbers():
    tr = Trend.from_timestamps(["2024-01-01 00:10", "2024-01-01 02:00"], freq="30min")
    np.testing.assert_array_equal(tr.counts, [1, 0, 0, 0, 1])
    tr = Trend.from_timestamps([0.2, 0.7, 3.5], freq=1.0)
    np.testing.assert_array_equal(tr.counts, [2, 0, 0, 1])
    tr = Trend.from_timestamps([0.2, 0.7, 3.5], freq=0.5, start=0.0, end=5.0)
    assert tr.n_bins == 10 and tr.total == 3


def test_from_frame_counts_and_events():
    df = pd.DataFrame({"t": [0.2, 0.7, 2.5], "n": [1, 4, 2]})
    np.testing.assert_array_equal(Trend.from_frame(df, time="t", count="n").counts, [5, 0, 2])
    np.testing.assert_array_equal(Trend.from_frame(df, time="t").counts, [2, 0, 1])
    with pytest.raises(InvalidParameterError, match="`count` must name a column of `df`; got 'x'"):
        Trend.from_frame(df, time="t", count="x")


@pytest.mark.parametrize(
    ("counts", "message"),
    [
        ([], r"`counts` must hold at least one bin; got an empty series\."),
        ([1, 2, 3, 4, 5, -3, 1], r"`counts` must be non-negative; got -3 at bin 5\."),
        ([1, 2, np.nan, 4], r"`counts` must be finite; got nan at bin 2"),
        ([1, np.inf], r"`counts` must be finite; got inf at bin 1"),
        ([[1, 2], [3, 4]], r"`counts` must be one-dimensional"),
        (["a", "b"], r"`counts` must be an array of numbers"),
    ],
)
def test_trend_validation_messages(counts, message):
    with pytest.raises(InvalidParameterError, match=message):
        Trend.from_counts(counts)


def test_fit_validates_raw_counts_too():
    from spread.fit import fit_bass

    with pytest.raises(
        InvalidParameterError, match=r"`counts` must be non-negative; got -1 at bin 1"
    ):
        fit_bass([3, -1, 4])
    with pytest.raises(InvalidParameterError, match=r"at least one bin"):
        fit_bass(np.array([]))


def test_other_trend_validation():
    with pytest.raises(InvalidParameterError, match="`population` must be a finite number > 0"):
        Trend.from_counts([1, 2], population=-5)
    with pytest.raises(InvalidParameterError, match="`kind` must be one of 'adopters', 'volume'"):
        Trend.from_counts([1, 2], kind="posts")
    with pytest.raises(InvalidParameterError, match="`freq` must be a positive number"):
        Trend.from_counts([1, 2], freq=-1.0)
    with pytest.raises(InvalidParameterError, match="`freq` must be a fixed time span"):
        Trend.from_timestamps(["2024-01-01"], freq="bogus")
    with pytest.raises(InvalidParameterError, match="`events` must not contain missing times"):
        Trend.from_timestamps(pd.to_datetime(["2024-01-01", None]))
    with pytest.raises(
        InvalidParameterError, match="`events` must be finite; got nan at position 1"
    ):
        Trend.from_timestamps([1.0, np.nan])
    with pytest.raises(InvalidParameterError, match="`exposure` must have one entry per bin"):
        Trend([1, 2, 3], exposure=[1, 2])


def test_slicing_until_since():
    tr = Trend.from_counts(np.arange(10.0), freq="1h", start="2024-01-01")
    head = tr.until("2024-01-01 04:00")
    np.testing.assert_array_equal(head.counts, [0, 1, 2, 3])
    tail = tr.since("2024-01-01 04:00")
    assert tail.n_bins == 6 and tail.index[0] == pd.Timestamp("2024-01-01 04:00")
    np.testing.assert_array_equal(tr[2:4].counts, [2, 3])
    np.testing.assert_array_equal(tr["2024-01-01 02:00":"2024-01-01 04:00"].counts, [2, 3])
    assert tr.end == pd.Timestamp("2024-01-01 10:00")
    with pytest.raises(InvalidParameterError, match="selects none"):
        tr[5:5]
    num = Trend.from_counts([1, 2, 3, 4])
    np.testing.assert_array_equal(num.until(2).counts, [1, 2])


def test_to_frame_series_repr_plot():
    tr = Trend.from_counts([1, 0, 2], exposure=[10, 10, 10])
    df = tr.to_frame()
    assert list(df.columns) == ["count", "cumulative", "exposure"]
    assert df.index.name == "time"
    assert tr.to_series().sum() == 3
    assert repr(tr) == "<Trend: 3 bins of 1, 3 adopters, peak 2 at bin 2>"
    ax = tr.plot()
    assert ax.get_ylabel() == "adopters per bin"
    tr.plot(cumulative=True)


def test_counts_are_read_only():
    tr = Trend.from_counts([1, 2])
    with pytest.raises(ValueError, match="read-only"):
        tr.counts[0] = 5


# --------------------------------------------------------------- Cascades
def small_graph():
    # 0 -> 1, 0 -> 2, 1 -> 2, 1 -> 3, 2 -> 3
    return spread.Graph.from_edges([0, 0, 1, 1, 2], [1, 2, 2, 3, 3])


def test_cascades_basic():
    df = pd.DataFrame(
        {"id": [1, 1, 1, 2], "user": ["a", "b", "c", "b"], "t": [0.0, 1.5, 2.2, 0.0]}
    )
    cs = Cascades.from_frame(df, cascade="id", node="user", time="t")
    assert cs.n_cascades == 2 and len(cs) == 4
    assert cs.sizes.to_dict() == {1: 3, 2: 1}
    assert cs.to_steps(1.0)["step"].tolist() == [0, 1, 2, 0]
    tr = cs.to_trend(1.0)
    np.testing.assert_array_equal(tr.counts, [2, 1, 1])
    tr = cs.to_trend(1.0, align=True)
    assert tr.total == 4


def test_cascades_datetimes():
    df = pd.DataFrame(
        {
            "c": ["x", "x", "y"],
            "v": [1, 2, 3],
            "t": pd.to_datetime(["2024-01-01 00:00", "2024-01-01 01:30", "2024-01-01 00:10"]),
        }
    )
    cs = Cascades.from_frame(df, cascade="c", node="v", time="t")
    assert cs.origin == pd.Timestamp("2024-01-01")
    assert cs.to_steps("1h")["step"].tolist() == [0, 1, 0]
    np.testing.assert_array_equal(cs.to_trend("1h").counts, [2, 1])


def test_cascades_datetimes_centuries_apart():
    # Found by the API fuzz (seed 20261202): pandas' int64 nanosecond difference of two
    # times more than 292 years apart overflowed; the seconds are exact from uint64.
    last = pd.Timestamp("2262-04-11 23:47:16.854775807")
    df = pd.DataFrame({"c": [0, 0], "v": [1, 2], "t": [last, pd.Timestamp("1678-01-01")]})
    cs = Cascades.from_frame(df, cascade="c", node="v", time="t")
    assert cs.origin == pd.Timestamp("1678-01-01")
    span_ns = last.value - pd.Timestamp("1678-01-01").value  # Python ints: exact
    assert cs.data["time"].tolist() == [0.0, span_ns / 1e9]


@pytest.mark.parametrize(
    ("frame", "error", "message"),
    [
        (
            {"c": [0, 0, 0], "v": [0, 1, 1], "t": [0.0, 1.0, 2.0]},
            InvalidParameterError,
            r"node 1 repeats in cascade 0 \(duplicate row\(s\) 2\)",
        ),
        (
            {"c": [0, 0, 0], "v": [0, 1, 2], "t": [0.0, -1.0, 2.0]},
            InvalidParameterError,
            r"`time` must be finite and >= 0; got -1.0 in row\(s\) 1",
        ),
        (
            {"c": [0, 0], "v": [0, 1], "t": [0.0, np.nan]},
            InvalidParameterError,
            r"`time` must not be missing; NaN in row\(s\) 1",
        ),
        (
            {"c": [0, 0, 0], "v": [0, 1, 9], "t": [0.0, 1.0, 2.0]},
            NodeNotFound,
            r"node\(s\) 9 not in the graph \(row\(s\) 2\)",
        ),
    ],
)
def test_cascades_validation(frame, error, message):
    with pytest.raises(error, match=message):
        Cascades.from_frame(
            pd.DataFrame(frame), cascade="c", node="v", time="t", graph=small_graph()
        )


def test_cascades_missing_column_and_no_graph():
    df = pd.DataFrame({"c": [0], "v": [0], "t": [0.0]})
    with pytest.raises(
        InvalidParameterError, match="`node` must name a column of `df`; got 'user'"
    ):
        Cascades.from_frame(df, cascade="c", node="user", time="t")
    cs = Cascades.from_frame(df, cascade="c", node="v", time="t")
    with pytest.raises(InvalidParameterError, match="`trials` needs the graph"):
        trials(cs, 1.0)


def test_trials_by_hand():
    g = small_graph()
    # cascade 0: 0 at step 0, 1 at step 1, 3 at step 2; 2 never.
    df = pd.DataFrame({"c": [0, 0, 0], "v": [0, 1, 3], "t": [0.0, 1.0, 2.0]})
    cs = Cascades.from_frame(df, cascade="c", node="v", time="t", graph=g)
    tr = trials(cs, 1.0).sort_values(["step", "target"]).reset_index(drop=True)
    # step 1: 0 tries 1 (success) and 2 (fail); step 2: 1 tries 2 (fail) and 3 (success)
    assert tr[["target", "step", "k", "success"]].values.tolist() == [
        [1, 1, 1, True],
        [2, 1, 1, False],
        [2, 2, 1, False],
        [3, 2, 1, True],
    ]
    # two parents at once: 0 and 1 both at step 0 try 2 together
    df = pd.DataFrame({"c": [0, 0, 0], "v": [0, 1, 2], "t": [0.0, 0.0, 1.0]})
    cs = Cascades.from_frame(df, cascade="c", node="v", time="t", graph=g)
    tr = trials(cs, 1.0)
    row = tr[(tr["target"] == 2) & (tr["step"] == 1)].iloc[0]
    assert row["k"] == 2 and row["success"]


def test_trials_recover_ic_probability_on_a_tree():
    # On an out-tree every trial has k = 1, so successes / trials estimates p.
    n = 400
    parents = (np.arange(1, n) - 1) // 3
    g = spread.Graph.from_edges(parents, np.arange(1, n))
    p = 0.4
    res = spread.simulate(g, [0], spread.IC(p=p), n_runs=300, rng=5, keep_times=True)
    runs, nodes = np.nonzero(res.activation_times >= 0)
    df = pd.DataFrame(
        {"c": runs, "v": nodes, "t": res.activation_times[runs, nodes].astype(float)}
    )
    tr = trials(Cascades.from_frame(df, cascade="c", node="v", time="t", graph=g), 1.0)
    assert (tr["k"] == 1).all()
    p_hat = tr["success"].mean()
    se = np.sqrt(p * (1 - p) / len(tr))
    assert abs(p_hat - p) < 4 * se


def test_exposures_by_hand():
    g = small_graph()
    # 0 at 0, 1 at 1, 2 at 2 (exposed by 0 and 1 -> k=2), 3 never (exposed by 1 and 2).
    df = pd.DataFrame({"c": [0, 0, 0], "v": [0, 1, 2], "t": [0.0, 1.0, 2.0]})
    cs = Cascades.from_frame(df, cascade="c", node="v", time="t", graph=g)
    ex = exposures(cs, 1.0)
    # reached k>=1: nodes 1 (k=1), 2 (k=2), 3 (k=2); adopted: 1 at k=1, 2 at k=2
    assert ex.loc[1].tolist() == [3, 1, pytest.approx(1 / 3)]
    assert ex.loc[2].tolist() == [2, 1, 0.5]


def test_brackets_by_hand():
    g = small_graph()  # in-degrees: 0:0, 1:1, 2:2, 3:2 -> wc weights 1, 1/2, 1/2
    df = pd.DataFrame({"c": [0, 0, 0], "v": [0, 1, 2], "t": [0.0, 1.0, 3.0]})
    cs = Cascades.from_frame(df, cascade="c", node="v", time="t", graph=g)
    br = brackets(cs, 1.0).set_index("node")
    assert br.loc[1, ["w_low", "w_high"]].tolist() == [0.0, 1.0]
    # node 2 at step 3: active by step 1 = {0, 1} -> 1.0; by step 2 = {0, 1} -> 1.0
    assert br.loc[2, ["w_low", "w_high"]].tolist() == [1.0, 1.0]
    # node 3 never adopted: its active in-neighbours 1 and 2 give 1.0, censored
    assert br.loc[3, "censored"] and br.loc[3, "w_high"] == 1.0
