"""
A fit and its forecast: ``plot.fit``
====================================

The Bass model fitted to the first 48 hours of the Higgs-boson burst, with its 90%
forecast band over the next 48 hours and the held-out counts marked.
"""

import spread
from spread import plot
from spread.fit import fit_bass

trend = spread.datasets.load_trend("higgs", start="2012-07-04")
bass = fit_bass(trend[:48])
ax = plot.fit(bass, test=trend[48:96], n_paths=200)
