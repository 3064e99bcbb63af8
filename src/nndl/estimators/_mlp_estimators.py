"""scikit-learn's ``MLPClassifier`` and ``MLPRegressor`` as nndl estimators: the targets.

What the two share — parameters, initialization, the stochastic and L-BFGS fits,
prediction — is :class:`nndl.estimators._mlp._BaseMLP`; here each says how its targets
become the network's outputs and back (labels through a ``LabelBinarizer``: softmax
for several classes, logistic units for two classes or multilabel; numbers as they
are for regression) and how a validation set is scored (accuracy, R²).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target, unique_labels
from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data

from nndl.arrays.backend import is_sparse
from nndl.errors import NNDLValueError
from nndl.estimators._mlp import _BaseMLP, _stochastic
from nndl.model.checks import refuse_masked


class MLPClassifier(ClassifierMixin, _BaseMLP):  # type: ignore[misc]
    """Multi-layer perceptron classifier, scikit-learn's parameters on nndl's engine.

    Parameters and attributes are scikit-learn's ``MLPClassifier``'s (see the module);
    the extras are ``dropout``, a list ``activation``, ``"leaky_relu"``, ``init``,
    ``class_weight`` (``None``, ``"balanced"`` or ``{class: weight}``, multiplied into
    ``sample_weight``) and ``device``.  Also: ``network_``, the trained :class:`nndl.Network`.
    """

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        **_BaseMLP._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self,
        hidden_layer_sizes: Any = (100,),
        activation: Any = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        verbose: bool = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int = 10,
        max_fun: int = 15000,
        dropout: Any = 0.0,
        init: str = "glorot_uniform",
        class_weight: Any = None,
        device: Any = None,
    ) -> None:
        super().__init__(
            hidden_layer_sizes,
            activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            init=init,
            device=device,
        )
        self.class_weight = class_weight

    def _validate_input(self, X: Any, y: Any, incremental: bool, reset: bool) -> Any:
        X = refuse_masked("X", X)
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if not hasattr(self, "classes_") or (not self.warm_start and not incremental):
            self._label_binarizer = LabelBinarizer()
            self._label_binarizer.fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            classes = unique_labels(y)
            if self.warm_start:
                if set(classes) != set(self.classes_):
                    raise NNDLValueError(
                        "warm_start can only be used where `y` has the same classes as in the "
                        f"previous call to fit. Previously got {self.classes_}, `y` has {classes}"
                    )
            elif len(np.setdiff1d(classes, self.classes_, assume_unique=True)):
                raise NNDLValueError(
                    f"`y` has classes not in `self.classes_`. `self.classes_` has "
                    f"{self.classes_}. 'y' has {classes}."
                )
        if is_sparse(X):
            X = X.tocsr()
        Y = self._label_binarizer.transform(y).astype(bool)
        return X, Y, y

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

    @available_if(_stochastic)  # type: ignore[untyped-decorator]
    def partial_fit(
        self, X: Any, y: Any, sample_weight: Any = None, classes: Any = None
    ) -> MLPClassifier:
        """One epoch over (X, y); the first call needs ``classes`` (all labels that can occur)."""
        self._validate_params()
        first = getattr(self, "classes_", None) is None
        if first:
            if classes is None:
                raise NNDLValueError("classes must be passed on the first call to partial_fit.")
            self._label_binarizer = LabelBinarizer()
            if type_of_target(y).startswith("multilabel"):
                self._label_binarizer.fit(y)
            else:
                self._label_binarizer.fit(classes)
            self.classes_ = self._label_binarizer.classes_
        elif classes is not None and not np.array_equal(
            np.unique(np.asarray(classes)), self.classes_
        ):
            raise NNDLValueError(
                f"`classes={np.asarray(classes)!r}` is not the same as on the first call to "
                f"partial_fit, which was {self.classes_!r}"
            )
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)  # type: ignore[no-any-return]

    def predict(self, X: Any) -> np.ndarray:
        """The predicted classes, ``(n_samples,)`` or ``(n_samples, n_labels)`` for multilabel."""
        check_is_fitted(self)
        return self._predict(X)

    def _predict(self, X: Any, check_input: bool = True) -> np.ndarray:
        y_pred = self._forward_pass_fast(X, check_input=check_input)
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
        return np.asarray(self._label_binarizer.inverse_transform(y_pred))

    def predict_proba(self, X: Any) -> np.ndarray:
        """Probability of each class, ``(n_samples, n_classes)``, in the order of ``classes_``."""
        check_is_fitted(self)
        y_pred = self._forward_pass_fast(X)
        if self.n_outputs_ == 1:
            y_pred = y_pred.ravel()
        if y_pred.ndim == 1:
            return np.asarray(np.vstack([1 - y_pred, y_pred]).T)
        return np.asarray(y_pred)

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """``log(predict_proba(X))``."""
        y_prob = self.predict_proba(X)
        return np.asarray(np.log(y_prob, out=y_prob))

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, _BaseMLP):  # type: ignore[misc]
    """Multi-layer perceptron regressor (half squared error), scikit-learn's parameters on
    nndl's engine; the extras as for :class:`MLPClassifier` (no ``class_weight``)."""

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        **_BaseMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self,
        loss: str = "squared_error",
        hidden_layer_sizes: Any = (100,),
        activation: Any = "relu",
        *,
        solver: str = "adam",
        alpha: float = 0.0001,
        batch_size: int | str = "auto",
        learning_rate: str = "constant",
        learning_rate_init: float = 0.001,
        power_t: float = 0.5,
        max_iter: int = 200,
        shuffle: bool = True,
        random_state: Any = None,
        tol: float = 1e-4,
        verbose: bool = False,
        warm_start: bool = False,
        momentum: float = 0.9,
        nesterovs_momentum: bool = True,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        beta_1: float = 0.9,
        beta_2: float = 0.999,
        epsilon: float = 1e-8,
        n_iter_no_change: int = 10,
        max_fun: int = 15000,
        dropout: Any = 0.0,
        init: str = "glorot_uniform",
        device: Any = None,
    ) -> None:
        super().__init__(
            hidden_layer_sizes,
            activation,
            solver=solver,
            alpha=alpha,
            batch_size=batch_size,
            learning_rate=learning_rate,
            learning_rate_init=learning_rate_init,
            power_t=power_t,
            max_iter=max_iter,
            shuffle=shuffle,
            random_state=random_state,
            tol=tol,
            verbose=verbose,
            warm_start=warm_start,
            momentum=momentum,
            nesterovs_momentum=nesterovs_momentum,
            early_stopping=early_stopping,
            validation_fraction=validation_fraction,
            beta_1=beta_1,
            beta_2=beta_2,
            epsilon=epsilon,
            n_iter_no_change=n_iter_no_change,
            max_fun=max_fun,
            dropout=dropout,
            init=init,
            device=device,
        )
        self.loss = loss

    def _validate_input(self, X: Any, y: Any, incremental: bool, reset: bool) -> Any:
        X = refuse_masked("X", X)
        X, y = validate_data(
            self,
            X,
            y,
            accept_sparse=["csr", "csc"],
            multi_output=True,
            y_numeric=True,
            dtype=(np.float64, np.float32),
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        if is_sparse(X):
            X = X.tocsr()
        Y = np.asarray(y, dtype=X.dtype).reshape(len(y), -1)
        return X, Y, y

    def _output_for(self, Y: np.ndarray) -> str:
        return "identity"

    def _score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        return float(r2_score(y, self._predict(X, check_input=False), sample_weight=sample_weight))

    @available_if(_stochastic)  # type: ignore[untyped-decorator]
    def partial_fit(self, X: Any, y: Any, sample_weight: Any = None) -> MLPRegressor:
        """One epoch over (X, y)."""
        self._validate_params()
        return self._fit(X, y, sample_weight=sample_weight, incremental=True)  # type: ignore[no-any-return]

    def predict(self, X: Any) -> np.ndarray:
        """The predicted values, ``(n_samples,)`` or ``(n_samples, n_outputs)``."""
        check_is_fitted(self)
        return self._predict(X)

    def _predict(self, X: Any, check_input: bool = True) -> np.ndarray:
        y_pred = self._forward_pass_fast(X, check_input=check_input)
        if y_pred.shape[1] == 1:
            return y_pred.ravel()
        return y_pred
