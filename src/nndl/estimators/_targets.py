"""How targets become the network's outputs and back, for both estimator families.

:class:`Labels` (the classifiers): labels through a ``LabelBinarizer``, a softmax unit per
class for several classes, one logistic unit for two (or one per label for multilabel
targets), validation scored by accuracy.  :class:`Numbers` (the regressors): numbers as they
are (or standardized, when the front-end says so), validation scored by R².  They sit
between a front-end and :class:`~nndl.estimators._core.Core`, whose hooks they fill.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import compute_sample_weight
from sklearn.utils.multiclass import check_classification_targets, type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, column_or_1d

from nndl.arrays.backend import is_sparse
from nndl.errors import NNDLValueError


class Labels:
    """The classifiers' targets (see the module)."""

    _multilabel = True
    """Whether y may be a label-indicator matrix; otherwise it must be one column."""
    _min_classes = 1
    """The fewest classes ``fit`` accepts."""

    classes_: np.ndarray
    n_outputs_: int
    _label_binarizer: LabelBinarizer

    def _validate_input(self, X: Any, y: Any, incremental: bool, reset: bool) -> Any:
        X, y = self._validate_X(X, y, reset=reset, multi_output=True)  # type: ignore[attr-defined]
        if (y.ndim == 2 and y.shape[1] == 1) or not self._multilabel:
            y = column_or_1d(y, warn=True)
            check_classification_targets(y)
        warm_start = getattr(self, "warm_start", False)
        if not hasattr(self, "classes_") or (not warm_start and not incremental):
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y)
            self.classes_ = self._label_binarizer.classes_
            self._check_classes()
        else:
            classes = unique_labels(y)
            if warm_start:
                if set(classes) != set(self.classes_):
                    raise NNDLValueError(
                        "warm_start can only be used where `y` has the same classes as in the "
                        f"previous call to fit. Previously got {self.classes_}, `y` has {classes}"
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise NNDLValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}: give every label in classes= on the "
                    "first call to partial_fit"
                )
        if is_sparse(X):
            X = X.tocsr()
        Y = self._label_binarizer.transform(y).astype(bool)
        return X, Y, y

    def _check_classes(self) -> None:
        if len(self.classes_) < self._min_classes:
            raise NNDLValueError(
                f"a classifier needs examples of at least {self._min_classes} classes; y has "
                f"only one class: {self.classes_[0]!r}"
            )

    def _first_classes(self, y: Any, classes: Any) -> None:
        """``partial_fit``'s ``classes``: required on the first call, the same later."""
        if getattr(self, "classes_", None) is None:
            if classes is None:
                raise NNDLValueError(
                    "classes must be passed on the first call to partial_fit: classes=, all the "
                    "labels that can occur (for example classes=numpy.unique(y_all))"
                )
            self._label_binarizer = LabelBinarizer()
            if self._multilabel and type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
            self.classes_ = self._label_binarizer.classes_
            self._check_classes()
        elif classes is not None and not np.array_equal(
            np.unique(np.asarray(classes)), self.classes_
        ):
            raise NNDLValueError(
                f"`classes={np.asarray(classes)!r}` is not the same as on the first call to "
                f"partial_fit, which was {self.classes_!r}"
            )

    def _class_weights(self, y: Any, sample_weight: Any) -> Any:
        class_weight = getattr(self, "class_weight", None)
        if class_weight is None:
            return sample_weight
        weights = compute_sample_weight(class_weight, y)
        return weights if sample_weight is None else weights * sample_weight

    def _output_for(self, Y: np.ndarray) -> str:
        return "softmax" if self._label_binarizer.y_type_ == "multiclass" else "logistic"

    def _stratify(self) -> bool:
        return bool(self.n_outputs_ == 1)

    def _targets_back(self, Y: np.ndarray) -> Any:
        return self._label_binarizer.inverse_transform(Y)

    def _score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        return float(
            accuracy_score(y, self._predict(X, check_input=False), sample_weight=sample_weight)
        )

    def predict(self, X: Any) -> np.ndarray:
        """The predicted classes, ``(n_samples,)`` (``(n_samples, n_labels)`` for multilabel).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            The examples, one per row (scikit-learn's layout); pictures ``(m, n_H, n_W, n_C)``
            for an estimator with ``layers``.

        Returns
        -------
        numpy.ndarray
            The predicted labels, from ``classes_``.
        """
        check_is_fitted(self)
        return self._predict(X)

    def _predict(self, X: Any, check_input: bool = True) -> np.ndarray:
        y_pred = self._forward_pass_fast(X, check_input=check_input)  # type: ignore[attr-defined]
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
        return np.asarray(self._label_binarizer.inverse_transform(y_pred))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability of each class, ``(n_samples, n_classes)``, in the order of ``classes_``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            The examples, one per row (scikit-learn's layout); pictures ``(m, n_H, n_W, n_C)``
            for an estimator with ``layers``.

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_classes)
            Each row sums to 1 (for one label per example).
        """
        check_is_fitted(self)
        y_pred = self._forward_pass_fast(X)  # type: ignore[attr-defined]
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
        if y_pred.ndim == 1:
            return np.asarray(np.vstack([1 - y_pred, y_pred]).T)
        return np.asarray(y_pred)

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """``log(predict_proba(X))``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            The examples, one per row (scikit-learn's layout); pictures ``(m, n_H, n_W, n_C)``
            for an estimator with ``layers``.

        Returns
        -------
        numpy.ndarray of shape (n_samples, n_classes)
            The log-probabilities.
        """
        with np.errstate(divide="ignore"):
            return np.asarray(np.log(self.predict_proba(X)))


class Numbers:
    """The regressors' targets (see the module)."""

    _standardize = False
    """Whether the network learns ``(y − mean) / std`` (undone by ``predict``)."""

    y_mean_: np.ndarray
    y_scale_: np.ndarray

    def _validate_input(self, X: Any, y: Any, incremental: bool, reset: bool) -> Any:
        X, y = self._validate_X(X, y, reset=reset, multi_output=True, y_numeric=True)  # type: ignore[attr-defined]
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if is_sparse(X):
            X = X.tocsr()
        if getattr(self, "loss", None) == "poisson" and np.any(np.asarray(y) < 0):
            raise NNDLValueError(
                "loss='poisson' needs targets y >= 0 (counts or rates); y has values down to "
                f"{np.min(y)}. Use loss='squared_error' for targets that can be negative"
            )
        Y = np.asarray(y, dtype=np.float64 if self._standardize else X.dtype).reshape(len(y), -1)
        if self._standardize:
            if reset:
                self.y_mean_ = Y.mean(axis=0)
                scale = Y.std(axis=0)
                self.y_scale_ = np.where(scale > 0, scale, 1.0)
            Y = (Y - self.y_mean_) / self.y_scale_
        return X, Y, y

    def _output_for(self, Y: np.ndarray) -> str:
        """scikit-learn's ``out_activation_``: the identity, or ``exp`` for the Poisson loss."""
        return "exp" if getattr(self, "loss", None) == "poisson" else "identity"

    def _score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        """R² of the predictions, NaN where they are not finite (a diverged network), as
        scikit-learn scores during early stopping."""
        with np.errstate(over="ignore", invalid="ignore"):
            y_pred = self._predict(X, check_input=False)
        if not np.isfinite(y_pred).all():
            return float("nan")
        return float(r2_score(y, y_pred, sample_weight=sample_weight))

    def predict(self, X: Any) -> np.ndarray:
        """The predicted values, ``(n_samples,)`` or ``(n_samples, n_outputs)``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            The examples, one per row (scikit-learn's layout); pictures ``(m, n_H, n_W, n_C)``
            for an estimator with ``layers``.

        Returns
        -------
        numpy.ndarray
            The predictions, in the targets' units.
        """
        check_is_fitted(self)
        return self._predict(X)

    def _predict(self, X: Any, check_input: bool = True) -> np.ndarray:
        y_pred = self._forward_pass_fast(X, check_input=check_input)  # type: ignore[attr-defined]
        if self._standardize:
            y_pred = y_pred * self.y_scale_ + self.y_mean_
        if y_pred.shape[1] == 1:
            return np.asarray(y_pred.ravel())
        return np.asarray(y_pred)
