"""The `spread` command line: a thin layer over the public API.

Subcommands, one module each: ``simulate``, ``maximize``, ``fit``, ``datasets`` and
``demo``; each ``--help`` ends with worked examples.

Every problem ends as one line on stderr, ``spread COMMAND: error: MESSAGE``, never a
traceback, and one of these exit codes:

0
    Success.
2
    Bad input, found before or while reading it; the usage is printed above the line.
    An unknown or malformed option or value (argparse, with the option's rule and the
    value received); `UsageError` (an option that cannot be used: a graph that is
    neither a file nor a bundled dataset, an unknown bundled name, an ``--out`` that
    cannot be written, a seeds file or trend CSV that is missing, a folder, binary,
    undecodable or unparsable); `~spread.exceptions.InvalidParameterError` (a value the
    library rejects); `~spread.exceptions.NodeNotFound` (a seed not in the graph);
    `~spread.exceptions.GraphFormatError` (a bad line in an edge-list file) and
    `~spread.exceptions.FileNotFound`. Bad ``--out`` paths are found before any work.
1
    A failure while working, on valid input: any other
    `~spread.exceptions.SpreadError` (`~spread.exceptions.MemoryLimitError`,
    `~spread.exceptions.WorkLimitError`, a `~spread.exceptions.DatasetError` from a
    bundled file that is missing or corrupt), an `OSError` (writing the output, an
    unreachable Dask scheduler), or a warning raised as an error (such as
    `~spread.exceptions.ConvergenceWarning`). Output piped into a closed pipe (``head``)
    stops quietly with 1 too.
1, internal error
    Any other exception is a bug: ``spread COMMAND: internal error: TYPE: MESSAGE``
    asks for a report. ``spread --debug COMMAND ...`` (or ``--debug`` after the command)
    prints the traceback above that line, for this and every other error.
130
    Interrupted (Ctrl-C): ``spread COMMAND: interrupted``.

Warnings print one line each, ``spread COMMAND: CATEGORY: MESSAGE``, once per message.
"""

import argparse
import os
import sys
import traceback
import warnings

from .. import __version__
from .._common import ALLOW_MORE_WORK
from ..exceptions import (
    FileNotFound,
    GraphFormatError,
    InvalidParameterError,
    NodeNotFound,
    SpreadError,
    WorkLimitError,
)
from . import datasets, demo, fit, maximize, simulate
from ._common import UsageError, add_debug_option, one_line

__all__ = ["build_parser", "main"]


def build_parser():
    """The argument parser of the `spread` command.

    Examples
    --------
    >>> from spread.cli import build_parser
    >>> args = build_parser().parse_args(["maximize", "nethept", "-k", "10"])
    >>> args.k, args.method, args.model, args.p
    (10, 'opim-c', 'ic', 'wc')
    """
    parser = _Parser(
        prog="spread",
        description="Simulate, maximize and fit information spread on social networks.",
        epilog="Run `spread demo` for the whole story on bundled data; "
        "`spread COMMAND --help` shows worked examples.",
    )
    parser.add_argument("--version", action="version", version=f"spread {__version__}")
    add_debug_option(parser, default=False)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for command in (simulate, maximize, fit, datasets, demo):
        command.add_parser(sub)
    return parser


class _Parser(argparse.ArgumentParser):
    """An argument parser whose error is one line even when a value holds a newline.

    Its subcommands' parsers are of this class too (`add_subparsers` uses the parent's).
    """

    def error(self, message):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {one_line(message)}\n")


def _subparser_of(parser, command):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices.get(command, parser)
    return parser


def main(argv=None):
    """Run the command line; returns the exit code.

    Parameters
    ----------
    argv : list of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 for an error while working (or an internal error), 2 for bad
        input, 130 when interrupted; see the module's docstring.

    Examples
    --------
    >>> from spread.cli import main
    >>> main(["datasets", "karate"])  # doctest: +ELLIPSIS
    Graph: undirected, 34 nodes, 156 arcs (78 edges), unweighted
    ...
    0
    """
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if extra:  # said by the subcommand's parser, so that the line names the command
            shown = " ".join(
                t if t.isprintable() and t and " " not in t else repr(t) for t in extra
            )
            _subparser_of(parser, args.command).error(f"unrecognized arguments: {shown}")
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2, already printed)
        return exc.code if isinstance(exc.code, int) else 2
    if args.command is None:
        parser.print_help()
        return 2
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = _warning_printer(args.command)
            return args.func(args)
    except KeyboardInterrupt:
        print(f"spread {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        _silence_stdout()
        return 1
    except Exception as exc:
        return _report(exc, args, _subparser_of(parser, args.command))


#: Bad input: exit code 2, with the usage.
USAGE_ERRORS = (UsageError, InvalidParameterError, NodeNotFound, GraphFormatError, FileNotFound)

#: Failures while working on valid input: exit code 1. A warning is here when a filter
#: turned it into an error.
WORK_ERRORS = (SpreadError, OSError, Warning)


def _report(exc, args, usage):
    """Print the line for `exc`, raised by a subcommand, and return the exit code."""
    if getattr(args, "debug", False):
        traceback.print_exception(exc, file=sys.stderr)
    prefix = f"spread {args.command}"
    if isinstance(exc, USAGE_ERRORS):
        usage.print_usage(sys.stderr)
        print(f"{prefix}: error: {one_line(exc)}", file=sys.stderr)
        return 2
    if isinstance(exc, WORK_ERRORS):
        text = one_line(exc)
        if isinstance(exc, WorkLimitError):  # no `max_work` on the command line
            text = text.replace(ALLOW_MORE_WORK, ".")
        print(f"{prefix}: error: {text}", file=sys.stderr)
        return 1
    text = one_line(exc)
    what = f"{type(exc).__name__}: {text}" if text else type(exc).__name__
    print(
        f"{prefix}: internal error: {what}; please report it at the project's issue "
        "tracker with the command line (rerun with --debug for the traceback)",
        file=sys.stderr,
    )
    return 1


def _silence_stdout():
    """Point stdout at /dev/null, so that flushing it at exit does not fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # a stdout without a file descriptor (captured)
        pass


def _warning_printer(command):
    seen = set()

    def show(message, category, filename, lineno, file=None, line=None):
        text = f"spread {command}: {category.__name__}: {one_line(message)}"
        if text not in seen:
            seen.add(text)
            print(text, file=sys.stderr)

    return show
