"""
Are the bands right? ``plot.calibration``
=========================================

A Bass curve with overdispersed counts (negative binomial, k = 3), checked over 15
rolling origins, 4 bins ahead. Left, the PIT values of the held-out counts under each
forecast; right, the share of held-out counts inside the 50/80/90/95% bands. With the
negative-binomial likelihood (top) the histogram is flat and the coverage sits on the
diagonal; with the Poisson likelihood (bottom) the bands ignore the overdispersion: the
PIT piles up at 0 and 1 and the bands hold far less than they say.
"""

import matplotlib.pyplot as plt

from spread import plot
from spread.fit import calibration, fit_bass, simulate_trend

trend = simulate_trend("bass", {"m": 50_000, "p": 0.002, "q": 0.08}, 120, dispersion=3, rng=0)
fig, axes = plt.subplots(2, 2, figsize=(9.6, 7.2), layout="constrained")
for row, loss in zip(axes, ["negbin", "poisson"], strict=True):
    cal = calibration(
        trend,
        lambda train, loss=loss: fit_bass(train, loss=loss),
        horizon=4,
        n_origins=15,
        n_paths=400,
    )
    plot.calibration(cal, row)
    row[0].set_title(f"Bass, {loss} likelihood: KS p = {cal.ks_pvalue:.2g}")
