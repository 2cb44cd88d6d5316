"""`spread datasets`."""

from .. import datasets
from ._common import (
    subparser,
)

__all__ = ["add_parser", "main"]


_DATASETS_EXAMPLES = """\
examples:
  spread datasets                 list the bundled graphs and trends
  spread datasets nethept         load NetHEPT and print its summary
  spread datasets higgs           the hourly Higgs-boson Twitter counts
"""


def main(args):
    """Run `spread datasets` with parsed `args`; returns the exit code."""
    table = datasets.list()
    if args.name is None:
        size = [
            f"{r.nodes:,} nodes, {r.arcs:,} arcs"
            if r.kind == "graph"
            else (f"{r.nodes:,} adoptions" if r.kind == "cascades" else "count series")
            for r in table.itertuples()
        ]
        rows = [("name", "kind", "size", "title")]
        rows += list(zip(table["name"], table["kind"], size, table["title"], strict=True))
        widths = [max(len(str(r[i])) for r in rows) for i in range(3)]
        for r in rows:
            print("  ".join([*(str(v).ljust(w) for v, w in zip(r, widths, strict=False)), r[3]]))
        print("\n`spread datasets NAME` loads one and prints its summary, source and licence.")
        return 0
    row = table.set_index("name").loc[args.name]
    if row["kind"] == "cascades":
        print(repr(datasets.load_cascades(args.name)))
    elif row["kind"] == "trend":
        trend = datasets.load_trend(args.name)
        print(repr(trend))
        series = datasets._trend_table(args.name).columns
        print(f"  series: {', '.join(series)}; {trend.start} .. {trend.end}")
    else:
        print(datasets.load(args.name).summary())
    print(f"  about: {row['description']}")
    print(f"  cite: {row['citation']}")
    print(f"  licence: {row['licence']}")
    return 0


def add_parser(sub):
    """Add the `datasets` subcommand to the parsers `sub`."""
    p = subparser(
        sub,
        "datasets",
        "list the bundled graphs and trends, or summarize one",
        "List the bundled datasets, or load one and print its summary.",
        _DATASETS_EXAMPLES,
    )
    p.add_argument(
        "name",
        nargs="?",
        choices=list(datasets.list()["name"]),
        help="a bundled dataset to load and summarize",
    )
    p.set_defaults(func=main)
