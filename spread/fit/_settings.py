"""What every estimator shares: settings by scikit-learn's ``get_params`` / ``set_params``
convention, and the fitted model's `predict` / `simulate` / `forecast` read from `result_`.

An estimator stores each keyword argument of its ``__init__`` unchanged under the
same name and does its validation in ``fit``, so the settings are read from the
signature and nothing has to list them twice.
"""

import inspect

from ..exceptions import InvalidParameterError, NotFittedError


class _Settings:
    """``get_params``, ``set_params`` and a repr over the ``__init__`` keywords."""

    @classmethod
    def _setting_names(cls):
        named = (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
        params = list(inspect.signature(cls.__init__).parameters.values())[1:]
        return tuple(p.name for p in params if p.kind in named)

    def get_params(self, deep=True):
        """The settings given to `__init__`, by name."""
        return {k: getattr(self, k) for k in self._setting_names()}

    def set_params(self, **params):
        """Change settings; returns self."""
        valid = self._setting_names()
        for k, v in params.items():
            if k not in valid:
                msg = f"`{k}` is not a setting of {type(self).__name__}; valid: {sorted(valid)}."
                raise InvalidParameterError(msg)
            setattr(self, k, v)
        return self

    def __repr__(self):
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"


class _TrendMethods:
    """`predict`, `simulate` and `forecast` of the fitted `result_` (a `FitResult`)."""

    def _check_fitted(self, what):
        if not hasattr(self, "result_"):
            msg = (
                f"This {type(self).__name__} instance is not fitted yet. Call `fit` before "
                f"using `{what}`."
            )
            raise NotFittedError(msg)
        return self.result_

    def predict(self, bins=None, *, cumulative=False):
        """Expected counts per bin under the fitted model (see `FitResult.predict`)."""
        return self._check_fitted("predict").predict(bins, cumulative=cumulative)

    def simulate(self, bins=None, n_paths=100, rng=None, *, with_uncertainty=False):
        """Count series drawn from the fitted model (see `FitResult.simulate`)."""
        return self._check_fitted("simulate").simulate(
            bins, n_paths, rng, with_uncertainty=with_uncertainty
        )

    def forecast(
        self,
        horizon,
        level=0.9,
        *,
        n_paths=1000,
        rng=0,
        with_uncertainty=True,
        errors=None,
    ):
        """Forecast of the next `horizon` bins with a predictive band (`FitResult.forecast`)."""
        return self._check_fitted("forecast").forecast(
            horizon,
            level,
            n_paths=n_paths,
            rng=rng,
            with_uncertainty=with_uncertainty,
            errors=errors,
        )
