"""
Models side by side: ``plot.compare``
=====================================

IC and LT (weighted cascade) from the same three seeds on NetHEPT, each with its 90%
band across runs.
"""

import spread
from spread import plot

g = spread.datasets.load("nethept")
seeds = [100, 474, 287]
ic = spread.simulate(g, seeds, spread.IC(p="wc"), n_runs=2000, rng=0)
lt = spread.simulate(g, seeds, spread.LT(weights="wc"), n_runs=2000, rng=0)
ax = plot.compare({"IC": ic, "LT": lt})
