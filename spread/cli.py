"""The `spread` command line: a thin layer over the public API.

Exit codes: 0 success, 1 an error while working (bad data, a failed check), 2 a usage
error (unknown option, invalid parameter). Errors print one line, never a traceback.
"""

import argparse
import sys

from . import __version__, datasets
from .exceptions import InvalidParameterError, SpreadError

__all__ = ["main"]

_DATASETS_EXAMPLES = """\
examples:
  spread datasets                 list the bundled graphs
  spread datasets nethept         load NetHEPT and print its summary
"""


def _cmd_datasets(args):
    if args.name is None:
        table = datasets.list()[["name", "nodes", "arcs", "directed", "description"]]
        with _pandas_wide():
            print(table.to_string(index=False))
        return 0
    g = datasets.load(args.name)
    print(g.summary())
    return 0


class _pandas_wide:
    def __enter__(self):
        import pandas as pd

        self._ctx = pd.option_context("display.width", 200, "display.max_colwidth", 90)
        self._ctx.__enter__()

    def __exit__(self, *exc):
        return self._ctx.__exit__(*exc)


def build_parser():
    """The argument parser of the `spread` command."""
    parser = argparse.ArgumentParser(
        prog="spread",
        description="Simulate, maximize and fit information spread on social networks.",
    )
    parser.add_argument("--version", action="version", version=f"spread {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    p = sub.add_parser(
        "datasets",
        help="list the bundled graphs, or summarize one",
        description="List the bundled graphs, or load one and print its summary.",
        epilog=_DATASETS_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument(
        "name",
        nargs="?",
        choices=list(datasets.list()["name"]),
        help="a bundled dataset to load and summarize",
    )
    p.set_defaults(func=_cmd_datasets)
    return parser


def main(argv=None):
    """Run the command line; returns the exit code.

    Examples
    --------
    >>> from spread.cli import main
    >>> main(["datasets", "karate"])  # doctest: +ELLIPSIS
    Graph: undirected, 34 nodes, 156 arcs (78 edges), unweighted
    ...
    0
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        return args.func(args)
    except InvalidParameterError as exc:
        parser.print_usage(sys.stderr)
        print(f"spread: error: {exc}", file=sys.stderr)
        return 2
    except (SpreadError, OSError) as exc:
        print(f"spread: error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
