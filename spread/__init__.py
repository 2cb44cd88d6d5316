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

from . import datasets, exceptions, fit, io, parallel, plot, weights
from ._common import ConfidenceInterval
from .cascades import Cascades
from .contacts import TemporalGraph
from .exceptions import (
    ConvergenceWarning,
    DatasetError,
    FileNotFound,
    GraphFormatError,
    IdentifiabilityWarning,
    InvalidParameterError,
    MemoryLimitError,
    NodeNotFound,
    NotFittedError,
    SpreadError,
    WorkLimitError,
)
from .fit import FitResult
from .graph import Graph, LoadReport
from .im import InfluenceIndex, SeedSelection, SpreadEstimate, maximize
from .io import read_edgelist, write_edgelist
from .models import (
    CTIC,
    IC,
    LT,
    SIR,
    SIS,
    Heat,
    HeatResult,
    SpreadResult,
    SpreadResults,
    TemporalIC,
    reachable,
    simulate,
    simulate_sets,
    solve,
)
from .trend import Trend

__version__ = "0.1.0"

__all__ = [
    "CTIC",
    "IC",
    "LT",
    "SIR",
    "SIS",
    "Cascades",
    "ConfidenceInterval",
    "ConvergenceWarning",
    "DatasetError",
    "FileNotFound",
    "FitResult",
    "Graph",
    "GraphFormatError",
    "Heat",
    "HeatResult",
    "IdentifiabilityWarning",
    "InfluenceIndex",
    "InvalidParameterError",
    "LoadReport",
    "MemoryLimitError",
    "NodeNotFound",
    "NotFittedError",
    "SeedSelection",
    "SpreadError",
    "SpreadEstimate",
    "SpreadResult",
    "SpreadResults",
    "TemporalGraph",
    "TemporalIC",
    "Trend",
    "WorkLimitError",
    "__version__",
    "datasets",
    "exceptions",
    "fit",
    "io",
    "maximize",
    "parallel",
    "plot",
    "reachable",
    "read_edgelist",
    "simulate",
    "simulate_sets",
    "solve",
    "weights",
    "write_edgelist",
]
