"""Exceptions and warnings raised by spread.

Every error names what was wrong (a parameter, a file and line, a node), the rule it
broke and the value received, so that a message read on its own says what to fix.
Every warning is issued by `warn`, at the user's own line.
"""

import os
import sys
import warnings

__all__ = [
    "ConvergenceWarning",
    "DatasetError",
    "FileNotFound",
    "GraphFormatError",
    "IdentifiabilityWarning",
    "InvalidParameterError",
    "MemoryLimitError",
    "NodeNotFound",
    "NotFittedError",
    "SpreadError",
    "WorkLimitError",
]


class SpreadError(Exception):
    """Base class of every error raised by spread."""


class GraphFormatError(SpreadError, ValueError):
    """A graph file or table could not be read.

    Attributes
    ----------
    path : str or None
        The file that was being read.
    line : int or None
        The 1-based physical line number of the offending line (comments and header
        lines included), when one line is to blame.
    text : str or None
        The offending line, as read.
    """

    def __init__(self, message, *, path=None, line=None, text=None):
        super().__init__(message)
        self.path = path
        self.line = line
        self.text = text


class InvalidParameterError(SpreadError, ValueError, TypeError):
    """A parameter has the wrong type or a value outside its allowed range.

    It is a `ValueError` and a `TypeError`, so code that catches either builtin keeps
    working.
    """


class MemoryLimitError(SpreadError, MemoryError):
    """Work would need more memory than allowed (`max_memory`); raised before allocating."""


class WorkLimitError(SpreadError, RuntimeError):
    """Work would take longer than allowed; raised before it starts.

    The message names the parameter that drives the cost, the estimated cost and the
    keyword that allows it.
    """


class FileNotFound(SpreadError, FileNotFoundError):
    """A file to read does not exist (a `FileNotFoundError` too)."""


class NodeNotFound(SpreadError, KeyError):
    """A node label is not in the graph."""

    def __str__(self):
        # KeyError would print the repr of its argument, quotes and all.
        return str(self.args[0]) if self.args else ""


class NotFittedError(SpreadError, ValueError, AttributeError):
    """An estimator was used before `fit` was called."""


class DatasetError(SpreadError, OSError):
    """A bundled dataset is unknown, missing or does not match its checksum."""


class ConvergenceWarning(UserWarning):
    """An iterative method stopped before meeting its tolerance."""


class IdentifiabilityWarning(UserWarning):
    """The data identify a parameter poorly (pre-peak series, strong correlations)."""


_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def warn(message, category=UserWarning):
    """Issue a warning attributed to the first caller outside spread: the user's line.

    Counting frames by hand (``stacklevel=n``) goes wrong whenever a call path gains or
    loses a level; this walks the stack instead (what Python 3.12's
    ``skip_file_prefixes`` does).

    Examples
    --------
    >>> import warnings
    >>> from spread.exceptions import ConvergenceWarning, warn
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     warn("stopped early", ConvergenceWarning)
    >>> caught[0].filename.endswith("exceptions.py")
    False
    """
    frame, level = sys._getframe(1), 2
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
