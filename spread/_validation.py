"""Argument checks shared by the public functions.

Each check converts a value once, at the boundary, and raises
`~spread.exceptions.InvalidParameterError` with one template: the parameter's name, the
rule it broke and the value received.
"""

import numbers
import operator
from collections.abc import Mapping

import numpy as np

from .exceptions import InvalidParameterError

__all__ = [
    "check_bool",
    "check_in",
    "check_int",
    "check_level",
    "check_node_values",
    "check_nonnegative_float",
    "check_probabilities",
    "check_probability",
    "check_real",
    "ndim_of",
]


def short_repr(value, width=80):
    """``repr(value)``, cut to `width` characters with "..." (for error messages)."""
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."


def check_bool(value, *, name):
    """Return `value` as a Python bool; only True and False (numpy's too) are accepted."""
    if not isinstance(value, bool | np.bool_):
        msg = f"`{name}` must be True or False; got {short_repr(value)}."
        raise InvalidParameterError(msg)
    return bool(value)


def check_in(value, *, name, options):
    """Return `value` if it is one of `options`, else raise."""
    if isinstance(value, str) and value in options:
        return value
    choices = ", ".join(repr(o) for o in options)
    msg = f"`{name}` must be one of {choices}; got {short_repr(value)}."
    raise InvalidParameterError(msg)


def check_int(value, *, name, min_value=None, max_value=None):
    """Return `value` as a Python int within ``[min_value, max_value]``.

    Booleans are not integers here: ``True`` for a count is a mistake, not a 1.
    """
    if isinstance(value, bool | np.bool_):
        msg = f"`{name}` must be an integer; got {short_repr(value)}."
        raise InvalidParameterError(msg)
    if not isinstance(value, numbers.Integral):
        try:
            value = operator.index(value)
        except TypeError:
            msg = f"`{name}` must be an integer; got {short_repr(value)}."
            raise InvalidParameterError(msg) from None
    value = int(value)
    if min_value is not None and value < min_value:
        msg = f"`{name}` must be an integer >= {min_value}; got {value}."
        raise InvalidParameterError(msg)
    if max_value is not None and value > max_value:
        msg = f"`{name}` must be an integer <= {max_value}; got {value}."
        raise InvalidParameterError(msg)
    return value


def check_level(value, *, name="level"):
    """Return `value` as a float in the open interval (0, 1): a confidence level."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real) or not 0 < value < 1:
        msg = f"`{name}` must lie in (0, 1); got {short_repr(value)}."
        raise InvalidParameterError(msg)
    return float(value)


def _as_float(value, name, what):
    """`value` as a Python float; booleans, strings and non-numbers are refused as not `what`."""
    if isinstance(value, bool | np.bool_ | str | bytes):
        msg = f"`{name}` must be {what}; got {short_repr(value)}."
        raise InvalidParameterError(msg)
    try:
        return float(value)
    except (TypeError, ValueError, OverflowError):
        msg = f"`{name}` must be {what}; got {short_repr(value)}."
        raise InvalidParameterError(msg) from None


def check_nonnegative_float(value, *, name, allow_zero=True):
    """Return `value` as a finite float that is >= 0 (or > 0)."""
    out = _as_float(value, name, "a real number")
    if not np.isfinite(out) or out < 0 or (out == 0 and not allow_zero):
        rule = ">= 0" if allow_zero else "> 0"
        msg = f"`{name}` must be a finite number {rule}; got {short_repr(value)}."
        raise InvalidParameterError(msg)
    return out


def check_real(value, *, name):
    """Return `value` as a finite float (any sign); booleans and strings are refused."""
    out = _as_float(value, name, "a finite real number")
    if not np.isfinite(out):
        msg = f"`{name}` must be a finite real number; got {short_repr(value)}."
        raise InvalidParameterError(msg)
    return out


def check_probability(value, *, name):
    """Return `value` as a float in [0, 1]."""
    if isinstance(value, bool | np.bool_ | str) or not isinstance(value, numbers.Real):
        msg = f"`{name}` must be a probability in [0, 1]; got {short_repr(value)}."
        raise InvalidParameterError(msg)
    out = float(value)
    if not 0.0 <= out <= 1.0:  # also rejects NaN
        msg = f"`{name}` must be a probability in [0, 1]; got {short_repr(value)}."
        raise InvalidParameterError(msg)
    return out


def check_probabilities(values, *, name, size=None):
    """Return `values` as a read-only float64 array of probabilities.

    Parameters
    ----------
    values : array_like
        One probability per arc.
    name : str
        The parameter's name, for the error message.
    size : int, optional
        The required length (the graph's number of arcs).
    """
    try:
        is_bool = np.asarray(values).dtype.kind == "b"
        arr = None if is_bool else np.array(values, dtype=np.float64)  # a private copy
    except (TypeError, ValueError, OverflowError):
        msg = f"`{name}` must be an array of probabilities; got {short_repr(values)}."
        raise InvalidParameterError(msg) from None
    if is_bool:
        msg = (
            f"`{name}` must be an array of probabilities, not booleans; got {short_repr(values)}."
        )
        raise InvalidParameterError(msg)
    if arr.ndim != 1:
        msg = f"`{name}` must be one-dimensional; got an array of shape {arr.shape}."
        raise InvalidParameterError(msg)
    if size is not None and arr.shape[0] != size:
        msg = (
            f"`{name}` must have one entry per arc ({size}); "
            f"got an array of length {arr.shape[0]}."
        )
        raise InvalidParameterError(msg)
    bad = ~((arr >= 0.0) & (arr <= 1.0))  # NaN fails both comparisons
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        msg = (
            f"`{name}` must hold probabilities in [0, 1]; got {float(arr[i])!r} at arc {i} "
            f"({int(bad.sum())} arc(s) out of range)."
        )
        raise InvalidParameterError(msg)
    arr.flags.writeable = False
    return arr


def ndim_of(value):
    """`numpy.ndim` of `value`; a ragged nested sequence (numpy cannot shape it) counts as 1-d.

    For deciding between a scalar and an array before converting: the conversion of a
    ragged sequence then fails with the caller's message.
    """
    try:
        return np.ndim(value)
    except ValueError:
        return 1


def check_node_values(graph, values, *, name, what, positive, missing):
    """One float per node from `values`: an array with one entry per node (by index), or
    a mapping from labels to values (nodes it does not name get `missing`).

    The one parser of per-node numbers (costs, audience weights): each must be finite and
    > 0 (`positive`) or >= 0; `what` names them in messages ("a cost").

    Raises
    ------
    InvalidParameterError
        Naming `name`, the rule and the first offending value (and its node).
    NodeNotFound
        If a mapping names a label that is not a node.

    Examples
    --------
    >>> import spread
    >>> from spread._validation import check_node_values
    >>> g = spread.Graph.from_edges(["a", "b"], ["b", "c"])
    >>> check_node_values(g, {"b": 2.5}, name="costs", what="a cost", positive=True,
    ...                   missing=float("inf")).tolist()
    [inf, 2.5, inf]
    """
    rule = "> 0" if positive else ">= 0"
    if isinstance(values, Mapping):
        labels = list(values)
        idx = graph.index_of(labels) if labels else np.empty(0, dtype=np.int64)
        raw = [values[label] for label in labels]
        if any(isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Real) for v in raw):
            arr = None
        else:
            arr = np.array(raw, dtype=np.float64)
        where = labels
    else:
        arr = None
        if not isinstance(values, str | bytes) and ndim_of(values) == 1:
            try:
                arr = np.asarray(values)
            except (TypeError, ValueError):  # ragged
                arr = None
        if arr is None or arr.ndim != 1:
            msg = (
                f"`{name}` must be an array with one entry per node ({graph.n_nodes}) or a "
                f"mapping from node labels; got {values!r:.80}."
            )
            raise InvalidParameterError(msg)
        if arr.shape[0] != graph.n_nodes:
            msg = (
                f"`{name}` must have one entry per node ({graph.n_nodes}); got "
                f"{arr.shape[0]} entries."
            )
            raise InvalidParameterError(msg)
        raw = arr
        arr = arr.astype(np.float64) if arr.dtype.kind in "iuf" else None
        idx = np.arange(graph.n_nodes)
        where = graph.labels
    if arr is None:  # a value that is not a real number (text, a boolean, None)
        bad = np.array(
            [isinstance(v, bool | np.bool_) or not isinstance(v, numbers.Real) for v in raw]
        )
    else:
        bad = ~np.isfinite(arr) | (arr <= 0 if positive else arr < 0)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        value = raw[i].item() if isinstance(raw[i], np.generic) else raw[i]
        node = where[i].item() if isinstance(where[i], np.generic) else where[i]
        msg = (
            f"`{name}` must hold finite numbers {rule} ({what} per node); got {value!r} "
            f"for node {node!r}."
        )
        raise InvalidParameterError(msg)
    out = np.full(graph.n_nodes, missing, dtype=np.float64)
    out[idx] = arr
    return out
