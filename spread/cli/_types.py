"""Argument types of the command line: each parses one option's text or says why not.

Every function here is an argparse ``type=``: it returns the parsed value, or raises
`argparse.ArgumentTypeError` with the rule and the text received, which argparse prints
after the option's name and the usage (exit code 2). Package-private to `spread.cli`.

Examples
--------
>>> from spread.cli._types import fraction, probability_or_rule, span_at_least, time_point, times
>>> fraction("0.9"), probability_or_rule("wc"), probability_or_rule("0.1")
(0.9, 'wc', 0.1)
>>> times("0, 1,2.5")
(0.0, 1.0, 2.5)
>>> span_at_least(0, strict=False)("24h"), time_point("2012-07-04")
(86400.0, 1341360000.0)
>>> fraction("nan")
Traceback (most recent call last):
argparse.ArgumentTypeError: must be a number in (0, 1); got 'nan'
"""

import argparse
import math

__all__ = [
    "INT64_MAX",
    "Seconds",
    "UsageError",
    "delay_law",
    "finite_at_least",
    "fraction",
    "int_at_least",
    "positive_int",
    "probability_or_rule",
    "seed_root",
    "shown",
    "shown_path",
    "span_at_least",
    "time_point",
    "times",
]


class UsageError(Exception):
    """A command-line argument that cannot be used (exit code 2)."""


#: The largest count an option takes: the library's counters are 64-bit integers.
INT64_MAX = 2**63 - 1

#: The named arc-probability rules of IC (``--p``).
P_RULES = ("wc", "trivalency", "weight")

#: The delay laws of CTIC (``--delay``) and their number of parameters.
DELAY_LAWS = {"exponential": 1, "weibull": 2, "lognormal": 2, "gamma": 2, "fixed": 1}


def shown(text, limit=60):
    """`text` quoted for a message, cut to `limit` characters (escapes keep it one line).

    Paths are shown whole: pass a large `limit`, as `shown_path` does.
    """
    text = repr(text)
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def shown_path(path):
    """A path quoted for a message, whole."""
    return shown(str(path), limit=4096)


def _fail(rule, text):
    msg = f"must be {rule}; got {shown(text)}"
    raise argparse.ArgumentTypeError(msg)


def _int(text):
    """`text` as an int, or None (also for text too long to convert)."""
    try:
        return int(text)
    except ValueError:  # not an integer, or over Python's digit limit
        return None


def int_at_least(low, rule, high=INT64_MAX):
    """An argparse type: an integer in ``[low, high]``; `rule` says so in words."""
    limit = "2**63 - 1" if high == INT64_MAX else f"{high:,}"

    def parse(text):
        value = _int(text)
        if value is None or value < low:
            _fail(rule, text)
        if value > high:
            _fail(f"{rule} no larger than {limit}", text)
        return value

    return parse


positive_int = int_at_least(1, "a positive integer")


def seed_root(text):
    """``--rng``: any integer >= 0 (numpy's seed sequences take arbitrarily large ones)."""
    value = _int(text)
    if value is None or value < 0:
        _fail("an integer >= 0", text)
    return value


def _float(text):
    try:
        return float(text)
    except (ValueError, OverflowError):
        return math.nan


def fraction(text):
    """A number in the open interval (0, 1): a level or a slack."""
    value = _float(text)
    if not 0 < value < 1:  # also rejects NaN
        _fail("a number in (0, 1)", text)
    return value


def finite_at_least(low, *, strict):
    """An argparse type: a finite number > `low` (`strict`) or >= `low`."""
    rule = f"a finite number {'>' if strict else '>='} {low:g}"

    def parse(text):
        value = _float(text)
        if not math.isfinite(value) or value < low or (strict and value == low):
            _fail(rule, text)
        return value

    return parse


class Seconds(float):
    """A time given with a unit (``24h``) or as a date, in seconds: the unit of
    timestamped contacts read from datetimes (and of the bundled contact data)."""


def _unit_span(text):
    """``24h``, ``90min``, ``2d``, ``1w``... in seconds (pandas' units), or None."""
    import pandas as pd

    text = text.strip()
    if not text or not (text[0].isdigit() or text[0] == ".") or not text[-1].isalpha():
        return None
    if text.endswith("w"):  # pandas reads weeks as "W" only
        text = text[:-1] + "W"
    try:
        return pd.Timedelta(text).total_seconds()
    except (ValueError, OverflowError):
        return None


def span_at_least(low, *, strict):
    """An argparse type: a finite number > `low` (`strict`) or >= `low`, in the model's
    time unit, or a duration with a unit (``24h``, ``30min``, ``2d``) as `Seconds`."""
    number = finite_at_least(low, strict=strict)
    rule = (
        f"a finite number {'>' if strict else '>='} {low:g}, or a duration such as 24h, "
        "30min or 2d"
    )

    def parse(text):
        seconds = _unit_span(text)
        if seconds is None:
            try:
                return number(text)
            except argparse.ArgumentTypeError:
                _fail(rule, text)
        if not math.isfinite(seconds) or seconds < low or (strict and seconds == low):
            _fail(rule, text)
        return Seconds(seconds)

    return parse


def time_point(text):
    """A finite number, or a date and time (``2012-07-04``, ``2012-07-04T12:00``, UTC
    unless it says otherwise) as `Seconds` since 1970-01-01 UTC."""
    value = _float(text)
    if math.isfinite(value):
        return value
    import pandas as pd

    try:
        stamp = pd.Timestamp(text)
    except (ValueError, TypeError, OverflowError):
        stamp = None
    if stamp is None or stamp is pd.NaT:
        _fail("a finite number or a date and time such as 2012-07-04T12:00", text)
    if stamp.tzinfo is not None:
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return Seconds((stamp - pd.Timestamp(0)).total_seconds())


def probability_or_rule(text):
    """``--p``: a probability in [0, 1], or one of the rules wc, trivalency, weight."""
    if text in P_RULES:
        return text
    value = _float(text)
    if not 0 <= value <= 1:  # also rejects NaN
        _fail(f"a probability in [0, 1] or one of {', '.join(P_RULES)}", text)
    return value


def times(text):
    """``--times``: comma-separated finite times >= 0, at least one."""
    tokens = [t for t in text.replace(",", " ").split() if t]
    values = tuple(_float(t) for t in tokens)
    if not values or not all(math.isfinite(v) and v >= 0 for v in values):
        _fail("a comma-separated list of finite times >= 0", text)
    return values


def delay_law(text):
    """``--delay``: ``LAW:A[,B]``, e.g. ``exponential:1.5``, ``weibull:0.7,2``, ``fixed:1``.

    >>> delay_law("weibull:0.7, 2")
    ('weibull', 0.7, 2.0)
    """
    rule = "LAW:PARAMS with LAW one of " + ", ".join(
        f"{law} ({n} number{'s' if n > 1 else ''})" for law, n in DELAY_LAWS.items()
    )
    law, _, params = text.partition(":")
    law = law.strip()
    values = tuple(_float(t) for t in params.replace(",", " ").split())
    if law not in DELAY_LAWS or len(values) != DELAY_LAWS[law]:
        _fail(rule, text)
    if not all(math.isfinite(v) for v in values):
        _fail(f"{law}: finite numbers", text)
    return (law, *values)
