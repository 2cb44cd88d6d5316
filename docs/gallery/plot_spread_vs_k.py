"""
Spread against the number of seeds: ``plot.spread_vs_k``
========================================================

Seeds chosen by IMM and by degree on NetHEPT under IC (weighted cascade). The spread
of the first k seeds is estimated on fresh samples, with a 95% band.
"""

import spread
from spread import plot

g = spread.datasets.load("nethept")
model = spread.IC(p="wc")
imm = spread.maximize(g, 10, model, method="imm", eps=0.3, rng=0, n_eval_runs=1000)
deg = spread.maximize(g, 10, model, method="degree", rng=0, n_eval_runs=1000)
ax = plot.spread_vs_k({"IMM": imm, "degree": deg})
