"""
Adoption curve: ``plot.curve``
==============================

The mean cumulative number of adopters per step of an independent cascade on the
karate club, with the band from the 5% to the 95% quantile across runs.
"""

import spread
from spread import plot

g = spread.datasets.load("karate")
res = spread.simulate(g, [0], spread.IC(p=0.2), n_runs=2000, rng=0)
ax = plot.curve(res)
