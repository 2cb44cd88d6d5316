"""Write the small intersphinx inventories bundled in docs/_inv, so the build needs no network.

Each inventory lists only the external names our docstrings and guides reference, with
the address of their page in that project's published documentation (the layout of
its Sphinx site: numpy and scipy under ``reference/generated/``, pandas under
``reference/api/``, matplotlib under ``api/_as_gen/``). Add a name here when a build
reports it as a missing reference, then run::

    python docs/_inv/make_inventories.py

(needs ``sphobjinv``, in the ``docs`` extra).
"""

from pathlib import Path

import sphobjinv as soi

HERE = Path(__file__).resolve().parent


def _generated(prefix, names, role):
    return [(n, role, f"{prefix}{n}.html#{n}") for n in names]


INVENTORIES = {
    "python": (
        "Python",
        "3",
        [
            *[
                (n, "class", f"library/functions.html#{n}")
                for n in (
                    "int",
                    "float",
                    "str",
                    "bool",
                    "dict",
                    "list",
                    "tuple",
                    "range",
                    "object",
                )
            ],
            *[
                (n, "exception", f"library/exceptions.html#{n}")
                for n in (
                    "Exception",
                    "ValueError",
                    "TypeError",
                    "KeyError",
                    "OSError",
                    "MemoryError",
                    "RuntimeError",
                    "FileNotFoundError",
                    "AttributeError",
                    "UserWarning",
                    "ModuleNotFoundError",
                    "KeyboardInterrupt",
                )
            ],
            *[(n, "data", f"library/constants.html#{n}") for n in ("None", "True", "False")],
            ("callable", "function", "library/functions.html#callable"),
            (
                "contextlib.contextmanager",
                "function",
                "library/contextlib.html#contextlib.contextmanager",
            ),
            (
                "collections.namedtuple",
                "function",
                "library/collections.html#collections.namedtuple",
            ),
            *[
                (n, "std:term", f"glossary.html#term-{n}")
                for n in ("sequence", "iterable", "generator", "mapping")
            ],
            ("bltin-boolean-values", "std:label", "library/stdtypes.html#bltin-boolean-values"),
            ("pathlib.Path", "class", "library/pathlib.html#pathlib.Path"),
            ("os.PathLike", "class", "library/os.html#os.PathLike"),
            (
                "collections.abc.Mapping",
                "class",
                "library/collections.abc.html#collections.abc.Mapping",
            ),
            ("typing.NamedTuple", "class", "library/typing.html#typing.NamedTuple"),
        ],
    ),
    "numpy": (
        "NumPy",
        "stable",
        [
            ("numpy.ndarray", "class", "reference/generated/numpy.ndarray.html#numpy.ndarray"),
            (
                "numpy.random.Generator",
                "class",
                "reference/random/generator.html#numpy.random.Generator",
            ),
            (
                "numpy.random.default_rng",
                "function",
                "reference/random/generator.html#numpy.random.default_rng",
            ),
            (
                "numpy.random.SeedSequence",
                "class",
                "reference/random/bit_generators/generated/numpy.random.SeedSequence.html"
                "#numpy.random.SeedSequence",
            ),
            *_generated("reference/generated/", ["numpy.bincount", "numpy.quantile"], "function"),
            (
                "numpy.random.RandomState",
                "class",
                "reference/random/legacy.html#numpy.random.RandomState",
            ),
            *[(n, "data", f"reference/constants.html#{n}") for n in ("numpy.inf", "numpy.nan")],
            ("numpy", "module", "reference/index.html#module-numpy"),
            ("array_like", "std:term", "glossary.html#term-array_like"),
            ("arrays.scalars", "std:label", "reference/arrays.scalars.html"),
        ],
    ),
    "scipy": (
        "SciPy",
        "stable",
        [
            ("scipy.sparse", "module", "reference/sparse.html#module-scipy.sparse"),
            ("scipy.stats", "module", "reference/stats.html#module-scipy.stats"),
            ("scipy.optimize", "module", "reference/optimize.html#module-scipy.optimize"),
            *_generated(
                "reference/generated/",
                ["scipy.sparse.csr_array", "scipy.optimize.OptimizeResult"],
                "class",
            ),
            *_generated(
                "reference/generated/",
                [
                    "scipy.stats.bootstrap",
                    "scipy.optimize.minimize",
                    "scipy.optimize.curve_fit",
                    "scipy.sparse.csgraph.dijkstra",
                ],
                "function",
            ),
        ],
    ),
    "pandas": (
        "pandas",
        "stable",
        [
            *_generated(
                "reference/api/",
                [
                    "pandas.DataFrame",
                    "pandas.Series",
                    "pandas.Index",
                    "pandas.DatetimeIndex",
                    "pandas.Timestamp",
                    "pandas.Timedelta",
                    "pandas.RangeIndex",
                ],
                "class",
            ),
            *_generated("reference/api/", ["pandas.read_csv", "pandas.to_datetime"], "function"),
        ],
    ),
    "networkx": (
        "NetworkX",
        "stable",
        [
            ("networkx.Graph", "class", "reference/classes/graph.html#networkx.Graph"),
            ("networkx.DiGraph", "class", "reference/classes/digraph.html#networkx.DiGraph"),
        ],
    ),
    "matplotlib": (
        "Matplotlib",
        "stable",
        [
            *_generated(
                "api/_as_gen/",
                ["matplotlib.axes.Axes", "matplotlib.figure.Figure", "matplotlib.colors.Colormap"],
                "class",
            ),
            *_generated(
                "api/_as_gen/",
                [
                    "matplotlib.axes.Axes.plot",
                    "matplotlib.axes.Axes.hist",
                    "matplotlib.axes.Axes.step",
                ],
                "method",
            ),
        ],
    ),
    "distributed": (
        "Dask.distributed",
        "stable",
        [
            ("distributed.Client", "class", "api.html#distributed.Client"),
            # the same class, by the path our docstrings use
            ("dask.distributed.Client", "class", "api.html#distributed.Client"),
        ],
    ),
}


def main():
    for key, (project, version, entries) in INVENTORIES.items():
        inv = soi.Inventory()
        inv.project, inv.version = project, version
        for name, spec, uri in entries:
            domain, role = spec.split(":") if ":" in spec else ("py", spec)
            prio = "-1" if domain == "std" else "1"
            # An address ending in "#<name>" is written with "$", intersphinx's shorthand.
            short = uri[: -len(name)] + "$" if uri.endswith("#" + name) else uri
            inv.objects.append(
                soi.DataObjStr(
                    name=name, domain=domain, role=role, priority=prio, uri=short, dispname="-"
                )
            )
        soi.writebytes(HERE / f"{key}.inv", soi.compress(inv.data_file(contract=True)))
        print(f"{key}.inv: {len(entries)} names")


if __name__ == "__main__":
    main()
