"""The curve models' mean curves: Bass, logistic, Gompertz, SI and SIR.

Each model (a `_Spec`) gives the expected new adoptions per bin, ``mu_t(theta)``, with
its parameters' names and scales, bounds and starting points; `spread.fit.curves` fits
them to counts by likelihood.
"""

import math

import numpy as np
from scipy.special import expit

from ._curve_kernels import sir_increments

__all__ = ["SPECS"]


def _sigmoid_diff(a, b):
    """``expit(b) - expit(a)`` without cancellation in either tail."""
    mid = 0.5 * (a + b)
    return np.where(mid < 0, expit(b) - expit(a), expit(-a) - expit(-b))


def _shape_start(y):
    """Rough peak bin, peak height and final size of a count series."""
    y = np.asarray(y, dtype=np.float64)
    total = max(float(y.sum()), 1e-9)
    # Smooth a little so one noisy bin does not decide the peak.
    w = min(5, max(1, y.size // 10))
    ys = np.convolve(y, np.ones(w) / w, mode="same") if w > 1 else y
    peak = int(np.argmax(ys))
    height = max(float(ys[peak]), 1e-9)
    size = max(total, 2.0 * float(y[: peak + 1].sum()))
    return peak, height, size


def _peak_notes(spec, theta, n_bins, y, free, size_label):
    """The pre-peak identifiability note (FITTING.md §2.1.2)."""
    horizon = max(4 * n_bins, n_bins + 50)
    mu = spec.mean(theta, horizon, y)
    peak = int(np.argmax(mu))
    if spec.size_name in free and peak >= n_bins - 1 and mu[peak] > mu[0]:
        return [
            f"The series has not peaked (the fitted curve peaks at bin {peak}, at or after the "
            f"last observed bin {n_bins - 1}): {size_label} `{spec.size_name}` is poorly "
            "identified and tends to grow as more data arrive."
        ]
    return []


class _Spec:
    """A curve model: parameter names and scales, bounds, starts and the mean curve."""

    model = "?"
    names = ()
    logs = ()
    size_name = None
    size_label = "the final size"
    recursive = False

    def describe(self, theta, n_bins, y):
        horizon = max(4 * n_bins, n_bins + 50)
        mu = self.mean(theta, horizon, y)
        size = theta.get(self.size_name, math.nan) if self.size_name else math.nan
        return {
            "peak_bin": int(np.argmax(mu)),
            "fraction_observed": float(np.sum(y) / size)
            if size and np.isfinite(size)
            else math.nan,
        }

    def notes(self, theta, n_bins, y, free):
        return _peak_notes(self, theta, n_bins, y, free, self.size_label)


class _Bass(_Spec):
    """Bass (1969): hazard ``p + q F(t)``; ``N(t) = m F(t - t0)``."""

    model = "bass"
    names = ("m", "p", "q", "t0")
    logs = (True, True, True, False)
    size_name = "m"
    size_label = "the market size"

    @staticmethod
    def survival(tau, p, q):
        """``1 - F(tau)`` (1 for tau <= 0), accurate in the right tail."""
        tau = np.maximum(tau, 0.0)
        e = np.exp(-(p + q) * tau)
        r = q / p
        return (1.0 + r) * e / (1.0 + r * e)

    def mean(self, theta, n_total, y=None):
        edges = np.arange(n_total + 1, dtype=np.float64) - theta["t0"]
        g = self.survival(edges, theta["p"], theta["q"])
        return theta["m"] * (g[:-1] - g[1:])

    def bounds(self, y, fixed):
        total = max(float(np.sum(y)), 1.0)
        first = int(np.flatnonzero(np.asarray(y) > 0)[0]) if np.any(np.asarray(y) > 0) else 0
        return {
            "m": (0.5 * total, 1e3 * total),
            "p": (1e-8, 10.0),
            "q": (1e-8, 10.0),
            "t0": (-float(len(y)), first + 0.999),
        }

    def starts(self, y, fixed):
        y = np.asarray(y, dtype=np.float64)
        total = max(float(y.sum()), 1.0)
        t0 = fixed.get("t0", 0.0)
        out = []
        # Bass (1969) OLS: y_t = a + b Y_{t-1} + c Y_{t-1}^2, used only as a start.
        cum_prev = np.concatenate([[0.0], np.cumsum(y)[:-1]])
        X = np.column_stack([np.ones_like(cum_prev), cum_prev, cum_prev**2])
        try:
            (a, b, c), *_ = np.linalg.lstsq(X, y, rcond=None)
            disc = b * b - 4 * a * c
            if c < 0 and disc > 0:
                m = (-b - math.sqrt(disc)) / (2 * c)
                if m > 0 and a > 0:
                    p, q = a / m, -c * m
                    if 0 < p < 10 and 0 < q < 10:
                        out.append({"m": max(m, 0.6 * total), "p": p, "q": q, "t0": t0})
        except (np.linalg.LinAlgError, ValueError):
            pass
        peak, _height, size = _shape_start(y)
        for mult in (1.2, 3.0):
            for q in (0.1, 0.5):
                m = mult * size
                p = float(np.clip(y[: max(1, peak // 4 + 1)].mean() / m, 1e-6, 1.0))
                out.append({"m": m, "p": p, "q": q, "t0": t0})
        if "t0" not in fixed:  # launch before the series: try a few shifts
            for shift in (0.1, 0.25):
                for d in list(out[:2]):
                    out.append({**d, "t0": -shift * len(y)})
        return out


class _Logistic(_Spec):
    """Logistic: ``M(t) = K / (1 + exp(-r (t - tm)))``."""

    model = "logistic"
    names = ("K", "r", "tm")
    logs = (True, True, False)
    size_name = "K"

    def mean(self, theta, n_total, y=None):
        edges = np.arange(n_total + 1, dtype=np.float64)
        z = theta["r"] * (edges - theta["tm"])
        return theta["K"] * _sigmoid_diff(z[:-1], z[1:])

    def bounds(self, y, fixed):
        total = max(float(np.sum(y)), 1.0)
        n = len(y)
        return {"K": (0.5 * total, 1e3 * total), "r": (1e-6, 50.0), "tm": (-10.0 * n, 10.0 * n)}

    def starts(self, y, fixed):
        peak, height, size = _shape_start(y)
        out = []
        for mult in (1.0, 2.0):
            K = mult * size
            r = float(np.clip(4 * height / K, 1e-3, 5.0))
            out.append({"K": K, "r": r, "tm": peak + 0.5})
        out.append({"K": 3 * size, "r": 0.1, "tm": peak + 0.25 * len(y) + 1})
        return out


class _Gompertz(_Spec):
    """Gompertz: ``M(t) = K exp(-exp(-c (t - tm)))`` (= ``K exp(-b e^{-ct})``, ``b = e^{c tm}``)."""

    model = "gompertz"
    names = ("K", "c", "tm")
    logs = (True, True, False)
    size_name = "K"

    def mean(self, theta, n_total, y=None):
        edges = np.arange(n_total + 1, dtype=np.float64)
        u = np.exp(np.clip(-theta["c"] * (edges - theta["tm"]), -700, 700))
        tail = -np.expm1(-u)  # 1 - M/K, accurate when M is close to K
        return theta["K"] * (tail[:-1] - tail[1:])

    def bounds(self, y, fixed):
        total = max(float(np.sum(y)), 1.0)
        n = len(y)
        return {"K": (0.5 * total, 1e3 * total), "c": (1e-6, 50.0), "tm": (-10.0 * n, 10.0 * n)}

    def starts(self, y, fixed):
        peak, height, size = _shape_start(y)
        out = []
        for mult in (1.0, 2.0):
            K = mult * size
            c = float(np.clip(math.e * height / K, 1e-3, 5.0))
            out.append({"K": K, "c": c, "tm": peak + 0.5})
        out.append({"K": 3 * size, "c": 0.05, "tm": peak + 0.25 * len(y) + 1})
        return out


class _SI(_Spec):
    """Mean-field SI: ``I(t) = N / (1 + (N / i0 - 1) exp(-beta t))`` (a logistic)."""

    model = "si"
    names = ("N", "beta", "i0")
    logs = (True, True, True)
    size_name = "N"
    size_label = "the population"

    def mean(self, theta, n_total, y=None):
        N, beta, i0 = theta["N"], theta["beta"], theta["i0"]
        edges = np.arange(n_total + 1, dtype=np.float64)
        # I(t) = N expit(beta t - log(N / i0 - 1))
        shift = math.log(max(N / i0 - 1.0, 1e-300))
        z = beta * edges - shift
        return N * _sigmoid_diff(z[:-1], z[1:])

    def bounds(self, y, fixed):
        total = max(float(np.sum(y)), 1.0)
        return {"N": (0.5 * total, 1e3 * total), "beta": (1e-6, 50.0), "i0": (1e-6, 1e3 * total)}

    def starts(self, y, fixed):
        peak, height, size = _shape_start(y)
        out = []
        for mult in (1.0, 2.0):
            N = fixed.get("N", mult * size)
            beta = float(np.clip(4 * height / N, 1e-3, 5.0))
            i0 = N / (1.0 + math.exp(min(beta * (peak + 0.5), 600)))
            out.append({"N": N, "beta": beta, "i0": max(i0, 1e-5)})
        return out


class _SIR(_Spec):
    """Mean-field SIR (Kermack-McKendrick); observed = new infections per bin."""

    model = "sir"
    names = ("N", "beta", "gamma", "i0")
    logs = (True, True, True, True)
    size_name = "N"
    size_label = "the population"
    n_sub = 4

    def mean(self, theta, n_total, y=None):
        N, i0 = theta["N"], theta["i0"]
        if not (np.isfinite(N) and 0 < i0 < N):  # no epidemic to integrate
            return np.full(n_total, np.nan)
        return sir_increments(
            float(N),
            float(theta["beta"]),
            float(theta["gamma"]),
            float(i0),
            int(n_total),
            self.n_sub,
        )

    def bounds(self, y, fixed):
        total = max(float(np.sum(y)), 1.0)
        return {
            "N": (0.5 * total, 1e4 * total),
            "beta": (1e-6, 20.0),
            "gamma": (1e-6, 20.0),
            "i0": (1e-6, 1e3 * total),
        }

    def starts(self, y, fixed):
        peak, height, size = _shape_start(y)
        out = []
        r = float(np.clip(4 * height / size, 1e-3, 3.0))
        for R0 in (1.5, 3.0, 8.0):
            z = 0.5
            for _ in range(200):  # final size: z = 1 - exp(-R0 z)
                z = 1 - math.exp(-R0 * z)
            N = fixed.get("N", size / max(z, 1e-3))
            zN = min(size / N, 0.999)
            gamma = r / (R0 - 1)
            beta = R0 * gamma
            i0 = float(np.clip(zN * N * math.exp(-r * (peak + 0.5)), 1e-5, 0.1 * N))
            out.append({"N": N, "beta": min(beta, 15.0), "gamma": min(gamma, 15.0), "i0": i0})
        return out

    def describe(self, theta, n_bins, y):
        out = super().describe(theta, n_bins, y)
        out["R0"] = theta["beta"] / theta["gamma"]
        return out


SPECS = {
    "bass": _Bass(),
    "logistic": _Logistic(),
    "gompertz": _Gompertz(),
    "si": _SI(),
    "sir": _SIR(),
}
