"""Spread models and their simulation.

The models (`IC`, `LT`, `CTIC`, `SIR`, `SIS`, `TemporalIC`, `Heat`), the entry points (`simulate`, `simulate_sets`,
`solve`) and their results. `run_batch`, `seed_arrays`, `Plan` and `Runs` are the one
Monte Carlo loop that influence maximization and the fits build on.
"""

from ._batch import Plan, Runs, check_runs_work, final_sizes, run_batch, seed_arrays
from ._result import HeatResult, SpreadResult, SpreadResults
from .ctic import CTIC
from .heat import Heat, solve
from .ic import IC
from .lt import LT
from .simulate import simulate, simulate_sets
from .sir import SIR
from .sis import SIS
from .temporal import TemporalIC, reachable

__all__ = [
    "CTIC",
    "IC",
    "LT",
    "SIR",
    "SIS",
    "Heat",
    "HeatResult",
    "Plan",
    "Runs",
    "SpreadResult",
    "SpreadResults",
    "TemporalIC",
    "check_runs_work",
    "final_sizes",
    "reachable",
    "run_batch",
    "seed_arrays",
    "simulate",
    "simulate_sets",
    "solve",
]
