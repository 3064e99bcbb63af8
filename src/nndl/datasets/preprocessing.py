"""Standardization fit on training data and applied, unchanged, to test data.

In the course's layout (one column per example) each feature is a row:
``mean = (1/m) Σ_i X[:, i]`` and ``std = sqrt((1/m) Σ_i (X[:, i] − mean)²)``,
computed over axis 1, and ``transform(X) = (X − mean) / std``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nndl.arrays.backend import Array, from_numpy, namespace, to_numpy
from nndl.errors import NNDLValueError, ShapeError


class Standardizer:
    """Per-feature standardization: zero mean and unit standard deviation on the training data.

    ``fit`` learns ``mean_`` and ``std_`` of shape ``(n_x, 1)`` from ``X_train``
    ``(n_x, m)``; ``transform`` applies exactly those numbers to any ``X`` (test
    data, a user's picture), so no information from the test data leaks into
    training.  A feature that is constant in the training data (std 0, like an
    always-black border pixel) is only centred: its std is taken as 1.

    Statistics are computed in float64 with NumPy; ``transform`` returns an array
    of the input's library, device and floating dtype (float64 for integer input).

    Examples
    --------
    >>> import numpy as np
    >>> X_train, X_test = np.array([[1.0, 3.0], [10.0, 10.0]]), np.array([[5.0], [10.0]])
    >>> s = Standardizer().fit(X_train)
    >>> s.transform(X_train)  # the second feature is constant: only centred
    array([[-1.,  1.],
           [ 0.,  0.]])
    >>> s.transform(X_test)
    array([[3.],
           [0.]])
    >>> Standardizer.from_dict(s.to_dict())  # saved with a model as JSON
    Standardizer(n_features=2)
    """

    def __init__(self) -> None:
        self.mean_: np.ndarray | None = None
        self.std_: np.ndarray | None = None

    @property
    def fitted(self) -> bool:
        """Whether :meth:`fit` has learned the statistics."""
        return self.mean_ is not None and self.std_ is not None

    @property
    def n_features(self) -> int | None:
        """The number of features (rows of X) it was fit on, or None before :meth:`fit`."""
        return None if self.mean_ is None else int(self.mean_.shape[0])

    def fit(self, X: Array) -> Standardizer:
        """Learn each feature's (row's) mean and standard deviation over the examples (axis 1).

        Parameters
        ----------
        X : array_like of shape (n_x, m)
            The training examples, one per column.

        Returns
        -------
        Standardizer
            Itself, fitted.

        Raises
        ------
        ShapeError
            When X is not 2-D with at least one column.
        NNDLValueError
            When X holds NaN or infinity.
        """
        X_np = to_numpy(X)
        if X_np.ndim != 2 or X_np.shape[1] < 1:
            raise ShapeError(
                "Standardizer.fit expects X of shape (n_x, m) with at least one example (column). "
                f"Received: shape={X_np.shape}. For (m, n) data pass X.T"
            )
        X64 = X_np.astype(np.float64)
        if not np.all(np.isfinite(X64)):
            raise NNDLValueError(
                "Standardizer.fit received non-finite values (nan or inf); clean the data first"
            )
        self.mean_ = X64.mean(axis=1, keepdims=True)
        std = X64.std(axis=1, keepdims=True)
        self.std_ = np.where(std > 0, std, 1.0)
        return self

    def fit_transform(self, X: Array) -> Array:
        """``fit(X)`` then ``transform(X)``.

        Parameters
        ----------
        X : array_like of shape (n_x, m)
            The training examples.

        Returns
        -------
        Array of shape (n_x, m)
            X standardized.
        """
        return self.fit(X).transform(X)

    def transform(self, X: Array) -> Array:
        """``(X − mean_) / std_`` with the training statistics.

        Parameters
        ----------
        X : Array of shape (n_x, m)
            Examples with the features it was fit on.

        Returns
        -------
        Array of shape (n_x, m)
            X standardized, in X's library and device.

        Raises
        ------
        NNDLValueError
            When called before :meth:`fit`.
        ShapeError
            When X does not have n_x rows.
        """
        X, mean, std = self._stats(X, "transform")
        return (X - mean) / std

    def inverse_transform(self, X: Array) -> Array:
        """``X * std_ + mean_``: undoes :meth:`transform`.

        Parameters
        ----------
        X : Array of shape (n_x, m)
            Standardized examples.

        Returns
        -------
        Array of shape (n_x, m)
            X in the original units.
        """
        X, mean, std = self._stats(X, "inverse_transform")
        return X * std + mean

    def _stats(self, X: Array, method: str) -> tuple[Array, Array, Array]:
        """``X`` as floats, and the mean and std in its library, device and dtype."""
        if self.mean_ is None or self.std_ is None:
            raise NNDLValueError(
                f"Standardizer.{method} was called before fit; call fit(X_train) first"
            )
        shape = tuple(X.shape)
        transposed = len(shape) == 2 and shape[1] == self.mean_.shape[0]
        hint = ". For (m, n) data pass X.T" if transposed else ""
        if len(shape) != 2 or shape[0] != self.mean_.shape[0]:
            raise ShapeError(
                f"Standardizer.{method} expects X of shape (n_x, m) with n_x={self.mean_.shape[0]} "
                f"rows (the features it was fit on). Received: shape={shape}{hint}"
            )
        xp = namespace(X)
        if not xp.isdtype(X.dtype, "real floating"):
            X = xp.astype(X, xp.float64)
        mean = xp.astype(from_numpy(self.mean_, like=X), X.dtype)
        std = xp.astype(from_numpy(self.std_, like=X), X.dtype)
        return X, mean, std

    def to_dict(self) -> dict[str, Any]:
        """``{"mean": [...], "std": [...]}`` as plain floats, for saving as JSON.

        Returns
        -------
        dict of str to list of float
            The statistics.
        """
        if self.mean_ is None or self.std_ is None:
            raise NNDLValueError("Standardizer.to_dict was called before fit; nothing to save")
        return {
            "mean": [float(v) for v in self.mean_.ravel()],
            "std": [float(v) for v in self.std_.ravel()],
        }

    @classmethod
    def from_dict(cls, config: dict[str, Any]) -> Standardizer:
        """The standardizer saved by :meth:`to_dict`.

        Parameters
        ----------
        config : dict
            ``{"mean": [...], "std": [...]}``.

        Returns
        -------
        Standardizer
            The fitted standardizer.

        Raises
        ------
        NNDLValueError
            When the dict is not a saved standardizer.
        """
        try:
            mean = _column(config["mean"])
            std = _column(config["std"])
        except (KeyError, TypeError, ValueError) as exc:
            raise NNDLValueError(
                "not a saved Standardizer: expected {'mean': [floats], 'std': [floats]}. "
                f"Problem: {exc!r}"
            ) from exc
        if mean.shape != std.shape or not np.all(std > 0) or not np.all(np.isfinite(mean)):
            raise NNDLValueError(
                "not a valid saved Standardizer: mean and std need the same length, finite means "
                f"and positive stds. Received lengths {mean.shape[0]} and {std.shape[0]}"
            )
        out = cls()
        out.mean_, out.std_ = mean, std
        return out

    def __repr__(self) -> str:
        return f"Standardizer(n_features={self.n_features})" if self.fitted else "Standardizer()"


def _column(values: Sequence[float]) -> np.ndarray:
    if isinstance(values, (str, bytes)):
        raise TypeError("expected a list of numbers")
    return np.asarray([float(v) for v in values], dtype=np.float64).reshape(-1, 1)
