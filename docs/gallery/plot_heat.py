"""
Heat diffusion over time: ``plot.heat``
=======================================

Heat from node 0 of the karate club, solved exactly at a set of times; with
``keep="all"`` the heat of the hottest nodes is drawn.
"""

import numpy as np

import spread
from spread import plot

g = spread.datasets.load("karate")
res = spread.solve(g, [0], spread.Heat(beta=0.3), times=np.linspace(0, 8, 41), keep="all")
ax = plot.heat(res, what="nodes")
