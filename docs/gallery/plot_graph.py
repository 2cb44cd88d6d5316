"""
Where a spread went: ``plot.graph``
===================================

The karate club coloured by how often each node adopted in 2,000 runs of an
independent cascade from node 0 (the seed is marked).
"""

import spread
from spread import plot

g = spread.datasets.load("karate")
res = spread.simulate(g, [0], spread.IC(p=0.2), n_runs=2000, rng=0)
ax = plot.graph(res)
