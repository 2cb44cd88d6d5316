"""Influence maximization: choose the k seeds that spread furthest."""

from ._result import SeedSelection
from .maximize import maximize
from .rrsets import RRSets

__all__ = ["RRSets", "SeedSelection", "maximize"]
