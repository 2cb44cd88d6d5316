"""Settings of an estimator: scikit-learn's ``get_params`` / ``set_params`` convention.

An estimator stores each keyword argument of its ``__init__`` unchanged under the
same name and does its validation in ``fit``, so the settings are read from the
signature and nothing has to list them twice.
"""

import inspect

from ..exceptions import InvalidParameterError


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
