"""The `spread` command line: a thin layer over the public API.

Subcommands, one module each: ``simulate``, ``maximize``, ``fit``, ``datasets`` and
``demo``; each ``--help`` ends with worked examples.

Exit codes: 0 success, 1 an error while working (bad data, a failed check, an
unreachable scheduler), 2 a usage error (unknown option, invalid parameter, a graph
that is neither a file nor a bundled dataset, a seed not in the graph). Errors print
one line (usage errors also the usage), never a traceback.
"""

import argparse
import os
import sys
import warnings

from .. import __version__
from ..exceptions import InvalidParameterError, NodeNotFound, SpreadError
from . import datasets, demo, fit, maximize, simulate
from ._common import UsageError, one_line

__all__ = ["build_parser", "main"]


def build_parser():
    """The argument parser of the `spread` command.

    Examples
    --------
    >>> from spread.cli import build_parser
    >>> args = build_parser().parse_args(["maximize", "nethept", "-k", "10"])
    >>> args.k, args.method, args.model, args.p
    (10, 'imm', 'ic', 'wc')
    """
    parser = argparse.ArgumentParser(
        prog="spread",
        description="Simulate, maximize and fit information spread on social networks.",
        epilog="Run `spread demo` for the whole story on bundled data; "
        "`spread COMMAND --help` shows worked examples.",
    )
    parser.add_argument("--version", action="version", version=f"spread {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for command in (simulate, maximize, fit, datasets, demo):
        command.add_parser(sub)
    return parser


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
        0 on success, 1 for an error while working, 2 for a usage error.

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
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: --help (0) or a usage error (2, already printed)
        return exc.code if isinstance(exc.code, int) else 2
    if args.command is None:
        parser.print_help()
        return 2
    usage = _subparser_of(parser, args.command)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("default")
            warnings.showwarning = _warning_printer(args.command)
            return args.func(args)
    except (UsageError, InvalidParameterError, NodeNotFound) as exc:
        usage.print_usage(sys.stderr)
        print(f"spread {args.command}: error: {one_line(exc)}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # output piped into `head` and the like: stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except (SpreadError, OSError) as exc:
        print(f"spread {args.command}: error: {one_line(exc)}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print(f"spread {args.command}: interrupted", file=sys.stderr)
        return 130


def _warning_printer(command):
    seen = set()

    def show(message, category, filename, lineno, file=None, line=None):
        text = f"spread {command}: {category.__name__}: {one_line(message)}"
        if text not in seen:
            seen.add(text)
            print(text, file=sys.stderr)

    return show
