"""Spread models and their Monte Carlo simulation."""

from ._result import SpreadResult, SpreadResults
from .heat import Heat, HeatResult
from .ic import IC
from .lt import LT
from .simulate import simulate

__all__ = ["IC", "LT", "Heat", "HeatResult", "SpreadResult", "SpreadResults", "simulate"]
