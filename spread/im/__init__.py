"""Influence maximization: choose the k seeds that spread furthest."""

from ._result import SeedSelection
from .index import InfluenceIndex, SpreadEstimate
from .maximize import maximize
from .rrsets import RRSets

__all__ = ["InfluenceIndex", "RRSets", "SeedSelection", "SpreadEstimate", "maximize"]
