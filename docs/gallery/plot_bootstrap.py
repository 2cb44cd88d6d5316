"""
Bootstrap replicates: ``plot.bootstrap``
========================================

A parametric bootstrap of a Bass fit on simulated counts with known parameters
(``q = 0.4``): the replicates of ``q``, with the 95% percentile interval shaded.
"""

from spread import plot
from spread.fit import fit_bass, simulate_trend

trend = simulate_trend("bass", {"m": 5e3, "p": 0.01, "q": 0.4}, 30, rng=0)
boot = fit_bass(trend).bootstrap(100, rng=1)
ax = plot.bootstrap(boot, name="q")
