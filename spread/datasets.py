"""Bundled real social graphs, loaded with no network access.

The files ship inside the package (they live in the repository's ``data/`` folder,
whose README gives their provenance); each is checked against its SHA-256 on load.

Examples
--------
>>> import spread
>>> g = spread.datasets.load("nethept")
>>> g.n_nodes, g.n_edges
(15233, 62752)
"""

import builtins
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .exceptions import DatasetError

__all__ = ["Dataset", "list", "load", "path"]


@dataclass(frozen=True)
class Dataset:
    """One bundled graph: where it lives, how to read it and where it came from."""

    name: str
    filename: str | None
    directed: bool
    n_nodes: int
    n_arcs: int
    description: str
    citation: str
    licence: str
    sha256: str | None = None
    skiprows: int = 0


_REGISTRY = {
    d.name: d
    for d in (
        Dataset(
            name="karate",
            filename=None,
            directed=False,
            n_nodes=34,
            n_arcs=156,
            description="Zachary's karate club (via networkx): 34 members, 78 friendships.",
            citation="W. W. Zachary, J. Anthropological Research 33(4):452-473, 1977.",
            licence="public domain (published data; bundled with networkx, BSD-3-Clause)",
        ),
        Dataset(
            name="nethept",
            filename="hep.txt",
            directed=False,
            n_nodes=15233,
            n_arcs=62752,
            description=(
                "NetHEPT: arXiv hep-th co-authorship 1991-2003, the influence-maximization "
                "benchmark (repeated pairs merged, 22 self-loops dropped)."
            ),
            citation=(
                "W. Chen, Y. Wang, S. Yang, Efficient Influence Maximization in Social "
                "Networks, KDD 2009."
            ),
            licence="none stated (research distribution by W. Chen)",
            sha256="2986d82186297c9ee2c44c91af6e94c1f5d8cde532e655e65e699f2fd30a5ad9",
            skiprows=1,
        ),
        Dataset(
            name="ego-facebook",
            filename="facebook_combined.txt",
            directed=False,
            n_nodes=4039,
            n_arcs=176468,
            description="SNAP ego-Facebook: union of 10 Facebook ego networks (friendships).",
            citation=(
                "J. McAuley, J. Leskovec, Learning to Discover Social Circles in Ego "
                "Networks, NIPS 2012."
            ),
            licence="none stated (SNAP)",
            sha256="f41c026ed8af3cc3359f1ca5573d0605fb09ae0eefa34544b820fd8c6e2ef296",
        ),
        Dataset(
            name="wiki-vote",
            filename="wiki-Vote.txt.gz",
            directed=True,
            n_nodes=7115,
            n_arcs=103689,
            description="SNAP wiki-Vote: Wikipedia adminship votes to Jan 2008 (A votes on B).",
            citation=(
                "J. Leskovec, D. Huttenlocher, J. Kleinberg, Signed Networks in Social "
                "Media, CHI 2010."
            ),
            licence="none stated (SNAP)",
            sha256="df799a4d07c6090c7039121c7a649333a83f951b40850a17e1ce46b21a7df0d9",
        ),
    )
}


def _data_dir():
    """Folder of the data files: ``spread/_data`` in an installed wheel, else ``data/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if candidate.is_dir():
            return candidate
    return here / "_data"


def _get(name):
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        msg = f"`name` must be a bundled dataset ({known}); got {name!r}."
        raise DatasetError(msg) from None


def path(name):
    """Path of a bundled dataset's file (after checking its SHA-256).

    Raises
    ------
    DatasetError
        If the name is unknown, the file is missing, or its checksum differs.
    """
    d = _get(name)
    if d.filename is None:
        msg = f"dataset {name!r} is generated in memory and has no file."
        raise DatasetError(msg)
    p = _data_dir() / d.filename
    if not p.is_file():
        msg = f"dataset {name!r}: file {str(p)!r} is missing from the installation."
        raise DatasetError(msg)
    _verify(str(p), d.sha256)
    return p


@functools.cache
def _verify(filename, expected):
    digest = hashlib.sha256(Path(filename).read_bytes()).hexdigest()
    if digest != expected:
        msg = (
            f"dataset file {filename!r} fails its checksum: sha256 {digest}, "
            f"expected {expected}. Reinstall spread."
        )
        raise DatasetError(msg)


@functools.cache
def load(name):
    """Load a bundled graph by name.

    Parameters
    ----------
    name : str
        One of the names in `list` (``"karate"``, ``"nethept"``, ``"ego-facebook"``,
        ``"wiki-vote"``).

    Returns
    -------
    Graph
        The same immutable object on every call in a process.

    Raises
    ------
    DatasetError
        If the name is unknown or the file is missing or corrupt.

    Examples
    --------
    >>> import spread
    >>> spread.datasets.load("wiki-vote")
    <Graph: directed, 7,115 nodes, 103,689 arcs, unweighted, from 'wiki-Vote.txt.gz'>
    """
    from .graph import Graph
    from .io import read_edgelist

    d = _get(name)
    if d.filename is None:
        import networkx as nx

        return Graph.from_networkx(nx.karate_club_graph())
    return read_edgelist(path(name), directed=d.directed, skiprows=d.skiprows)


def list():
    """The bundled datasets as a DataFrame.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``nodes``, ``arcs``, ``directed``, ``description``,
        ``citation``, ``licence``.

    Examples
    --------
    >>> import spread
    >>> spread.datasets.list()[["name", "nodes", "arcs", "directed"]]
               name  nodes    arcs  directed
    0        karate     34     156     False
    1       nethept  15233   62752     False
    2  ego-facebook   4039  176468     False
    3     wiki-vote   7115  103689      True
    """
    rows = [
        {
            "name": d.name,
            "nodes": d.n_nodes,
            "arcs": d.n_arcs,
            "directed": d.directed,
            "description": d.description,
            "citation": d.citation,
            "licence": d.licence,
        }
        for d in _REGISTRY.values()
    ]
    return pd.DataFrame(rows, columns=builtins.list(rows[0]))
