"""spread: simulate, maximize and fit information spread on social networks.

Load a graph once (`read_edgelist`, `Graph.from_*`, `datasets.load`) and every model
and algorithm shares it.

Examples
--------
>>> import spread
>>> g = spread.datasets.load("karate")
>>> g.n_nodes
34
"""

from . import datasets, exceptions, io, weights
from ._common import ConfidenceInterval
from .exceptions import (
    ConvergenceWarning,
    DatasetError,
    GraphFormatError,
    InvalidParameterError,
    MemoryLimitError,
    NodeNotFound,
    NotFittedError,
    SpreadError,
)
from .graph import Graph, LoadReport
from .im import SeedSelection, maximize
from .io import read_csv, read_edgelist, write_edgelist
from .models import IC, LT, Heat, HeatResult, SpreadResult, SpreadResults, simulate

__version__ = "0.1.0"

__all__ = [
    "IC",
    "LT",
    "ConfidenceInterval",
    "ConvergenceWarning",
    "DatasetError",
    "Graph",
    "GraphFormatError",
    "Heat",
    "HeatResult",
    "InvalidParameterError",
    "LoadReport",
    "MemoryLimitError",
    "NodeNotFound",
    "NotFittedError",
    "SeedSelection",
    "SpreadError",
    "SpreadResult",
    "SpreadResults",
    "__version__",
    "datasets",
    "exceptions",
    "io",
    "maximize",
    "read_csv",
    "read_edgelist",
    "simulate",
    "weights",
    "write_edgelist",
]
