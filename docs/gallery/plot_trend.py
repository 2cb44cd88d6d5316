"""
An observed count series: ``plot.trend``
========================================

New retweeters per hour of the Higgs-boson announcement, from the bundled counts.
"""

import spread
from spread import plot

trend = spread.datasets.load_trend("higgs", start="2012-07-04")
ax = plot.trend(trend, label="new retweeters per hour")
