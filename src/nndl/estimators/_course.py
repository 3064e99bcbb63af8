"""The course's estimators: nndl's networks behind ``fit``/``predict`` with ``(m, n)``
input.

Every Python ML tool takes one row per example; the course's core takes one column per
example. These classes speak the course's vocabulary (``epochs``, ``learning_rate`` as a
number, ``l2``, ``optimizer``, ``patience``); the data boundary, the network and the
training are the core they share with the scikit-learn drop-ins
(:mod:`nndl.estimators._base`): the sample-major input (NumPy arrays, pandas DataFrames,
lists, CSR matrices) reaches :func:`nndl.training.fit` as a transposed view, not a copy.
They follow scikit-learn's conventions — ``__init__`` only stores its arguments, learned
attributes end in ``_`` — and pass its estimator checks, so they work in ``Pipeline``
and ``GridSearchCV``.

Needs the ``sklearn`` extra: ``pip install "nndl[sklearn]"``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

try:
    from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
    from sklearn.utils.multiclass import check_classification_targets
    from sklearn.utils.validation import check_is_fitted, column_or_1d, validate_data
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError('nndl\'s estimators need scikit-learn: pip install "nndl[sklearn]"') from exc

from nndl.errors import NNDLValueError
from nndl.estimators import _layered
from nndl.estimators._base import forward_rows, layer_sizes, new_network, rows_from_params, train
from nndl.model.checks import refuse_masked
from nndl.model.network import Network
from nndl.model.sequential import Sequential
from nndl.training.options import FitOptions

Activations = str | Sequence[str]


class _NeuralNet(BaseEstimator):  # type: ignore[misc]
    """What the classifier and the regressor share: the network, its training, the data boundary."""

    # set by subclasses
    _output: str | None = None
    _loss: str | None = None

    hidden_layer_sizes: Sequence[int]
    activation: Activations
    layers: Sequence[Any] | None
    init: str
    optimizer: str
    learning_rate: float
    epochs: int
    batch_size: int | str | None
    l2: float
    dropout: float
    early_stopping: bool
    validation_fraction: float
    patience: int
    dtype: str
    device: str | None
    random_state: int | None
    verbose: int

    def __init__(
        self,
        hidden_layer_sizes: Sequence[int] = (100,),
        activation: Activations = "relu",
        *,
        layers: Sequence[Any] | None = None,
        init: str = "auto",
        optimizer: str = "adam",
        learning_rate: float = 0.001,
        epochs: int = 200,
        batch_size: int | str | None = "auto",
        l2: float = 0.0001,
        dropout: float = 0.0,
        early_stopping: bool = False,
        validation_fraction: float = 0.1,
        patience: int = 10,
        dtype: str = "float64",
        device: str | None = None,
        random_state: int | None = None,
        verbose: int = 0,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.layers = layers
        self.init = init
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.l2 = l2
        self.dropout = dropout
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.patience = patience
        self.dtype = dtype
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # ----------------------------------------------------------- training

    def _layer_dims(self, n_x: int, n_y: int) -> list[int]:
        received = f"hidden_layer_sizes={self.hidden_layer_sizes!r}"
        return [n_x, *layer_sizes(self.hidden_layer_sizes, NNDLValueError, received), n_y]

    def _activations(self, n_hidden: int) -> Activations:
        if isinstance(self.activation, str):
            return self.activation
        names = list(self.activation)
        if len(names) != n_hidden:
            raise NNDLValueError(
                f"activation must be one name or one per hidden layer ({n_hidden}). "
                f"Received: activation={self.activation!r}"
            )
        return names

    def _init_name(self) -> str:
        if self.init != "auto":
            return self.init
        if not tuple(self.hidden_layer_sizes):
            return "zeros"
        first = self.activation if isinstance(self.activation, str) else self.activation[0]
        return "he" if first in ("relu", "leaky_relu") else "xavier"

    def _new_model(self, X: np.ndarray, n_y: int) -> Network | Sequential:
        """The network of ``hidden_layer_sizes``, or the model of ``layers`` for X's examples."""
        if self.layers is None:
            return self._new_network(X.shape[1], n_y)
        output = self._output or ("sigmoid" if n_y == 1 else "softmax")
        shape = tuple(int(n) for n in X.shape[1:])
        return _layered.new_model(
            self.layers, shape, n_y, output, self._loss, self.random_state, self.dtype
        )

    def _validate(self, X: Any, *y: Any, **options: Any) -> Any:
        """scikit-learn's validation of X (and y, when given, ``None`` included); pictures
        ``(m, n_H, n_W, n_C)`` are taken with ``layers``."""
        nd = {"allow_nd": True} if self.layers is not None else {}
        X = refuse_masked("X", X)
        return validate_data(self, X, *y, dtype=[np.float64, np.float32], **nd, **options)

    def _new_network(self, n_x: int, n_y: int) -> Network:
        dims = self._layer_dims(n_x, n_y)
        return new_network(
            dims,
            self._activations(len(dims) - 2),
            self._output,  # None: Network's sigmoid for n_y = 1, softmax above
            self._loss,
            self._init_name(),
            self.random_state,
            self.dtype,
            self.device,
        )

    def _batch_size(self, m: int) -> int | None:
        if self.batch_size == "auto":
            return min(200, m)
        if self.batch_size is None or self.batch_size == "full":
            return None
        return int(self.batch_size)

    def _fit_network(
        self, X: np.ndarray, Y: np.ndarray, n_y: int, first: bool, incremental: bool
    ) -> None:
        """On the first call a new network; then train it on X ``(m, n)`` and the core-layout
        targets Y ``(n_y, m)`` (one epoch for ``partial_fit``)."""
        if first:
            self.network_ = self._new_model(X, n_y)
            self.n_iter_ = 0
            self.loss_curve_: list[float] = []
            self.validation_loss_curve_: list[float] | None = None
        self._train(X, Y, epochs=1 if incremental else self.epochs)

    def _train(self, X: np.ndarray, Y: np.ndarray, epochs: int) -> None:
        """Train ``network_`` on (X, Y) and record the learned attributes."""
        m = X.shape[0]
        validation = self.validation_fraction if self.early_stopping else 0.0
        options = FitOptions(
            learning_rate=self.learning_rate,
            epochs=epochs,
            optimizer=self.optimizer,
            batch_size=self._batch_size(m),
            l2=self.l2,
            dropout=self.dropout,
            validation_split=validation,
            early_stopping=self.early_stopping,
            patience=self.patience,
            verbose=self.verbose,
            seed=None if self.random_state is None else int(self.random_state) + self.n_iter_,
        )
        net = self.network_
        if isinstance(net, Sequential):
            history = _layered.fit(net, X, Y, options)
        else:
            history = train(net, X, Y, options)
        self.loss_curve_ = [*self.loss_curve_, *history]
        val = history.history.get("val_cost")
        self.validation_loss_curve_ = [*(self.validation_loss_curve_ or []), *val] if val else None
        self.n_iter_ += len(history)
        self.history_ = history

    def _proba(self, X: Any) -> np.ndarray:
        """The network's output ŷ as ``(m, n_y)`` float64, computed in chunks of rows."""
        check_is_fitted(self, "network_")
        X = self._validate(X, reset=False)
        net = self.network_
        if isinstance(net, Sequential):
            return _layered.proba(net, X)
        coefs, intercepts = rows_from_params(net)
        hidden = list(net.activations[:-1])
        A = forward_rows(X, coefs, intercepts, hidden, net.output.name)
        return np.asarray(A, dtype=np.float64)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags


class NeuralNetClassifier(ClassifierMixin, _NeuralNet):  # type: ignore[misc]
    """A neural-network classifier: sigmoid output for two classes, softmax for more.

    Parameters
    ----------
    hidden_layer_sizes
        Units of each hidden layer, e.g. ``(100,)`` or ``(64, 32)``; ``()`` is logistic regression.
    activation
        Hidden activation, one name (``"relu"``, ``"tanh"``, ``"sigmoid"``, ``"leaky_relu"``,
        ``"linear"``) or one per hidden layer.
    layers
        Instead of the two above, the layers before the output (``nndl.layers`` objects such
        as ``[Conv2D(8, 3), Activation("relu"), MaxPool2D(2), Flatten()]``, or their
        ``config()`` dicts); the output ``Dense`` layer is added for the targets. X may then
        be pictures ``(m, n_H, n_W, n_C)`` (see :mod:`nndl.estimators._layered`).
    init
        ``"auto"`` (he for ReLU-like, xavier otherwise), or any name of :mod:`nndl.model.init`.
    optimizer, learning_rate, epochs, batch_size, l2, dropout
        Passed to :meth:`nndl.Network.fit`; ``batch_size="auto"`` is ``min(200, m)``,
        ``None`` the full batch.
    early_stopping, validation_fraction, patience
        Hold out ``validation_fraction`` of the training data and stop when its cost
        has not improved for ``patience`` epochs, restoring the best parameters.
    dtype, device, random_state, verbose
        Floating-point precision (float64 by default, as scikit-learn's networks, so
        predictions do not depend on how the examples are batched; ``"float32"`` is
        faster), where the math runs (``None``: NumPy; ``"cuda"``: PyTorch
        on the GPU, see :mod:`nndl.arrays.devices`), the seed of initialization and shuffles,
        progress output.

    Attributes
    ----------
    classes_, n_features_in_, feature_names_in_, network_ (the trained :class:`nndl.Network`,
    or :class:`nndl.layers.Sequential` with ``layers``),
    loss_curve_ (training cost per epoch), validation_loss_curve_ (or None), n_iter_ (epochs run).
    """

    _output = None  # Network picks sigmoid + logistic, or softmax + cross-entropy
    _loss = None

    def fit(self, X: Any, y: Any) -> NeuralNetClassifier:
        """Train a new network on ``X`` of shape ``(m, n)`` and labels ``y`` of shape ``(m,)``."""
        return self._fit(X, y, classes=None, incremental=False)

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> NeuralNetClassifier:
        """One more epoch on (X, y); the first call needs ``classes``, all labels that can occur."""
        return self._fit(X, y, classes=classes, incremental=True)

    def _fit(self, X: Any, y: Any, classes: Any, incremental: bool) -> NeuralNetClassifier:
        first = not (incremental and hasattr(self, "network_"))
        X, y = self._validate(X, y, reset=first)
        y = column_or_1d(y, warn=True)
        check_classification_targets(y)
        if first:
            if incremental and classes is None:
                raise NNDLValueError(
                    "the first call to partial_fit needs classes=, all the labels that can occur "
                    "(for example classes=numpy.unique(y_all))"
                )
            self.classes_ = np.unique(y if classes is None else np.asarray(classes))
            if len(self.classes_) < 2:
                raise NNDLValueError(
                    "a classifier needs examples of at least 2 classes; y has only one class: "
                    f"{self.classes_[0]!r}"
                )
        unknown = np.setdiff1d(y, self.classes_)
        if unknown.size:
            raise NNDLValueError(
                f"y has labels {unknown.tolist()} that are not among classes_ "
                f"{self.classes_.tolist()}: give every label in classes= on the first call"
            )
        labels = np.searchsorted(self.classes_, y).reshape(1, -1)
        n_classes = len(self.classes_)
        self._fit_network(X, labels, 1 if n_classes == 2 else n_classes, first, incremental)
        return self

    def predict_proba(self, X: Any) -> np.ndarray:
        """Class probabilities, shape ``(m, n_classes)``, columns in the order of ``classes_``."""
        A = self._proba(X)
        if len(self.classes_) == 2:
            return np.asarray(np.hstack([1.0 - A, A]))
        return np.asarray(A / A.sum(axis=1, keepdims=True))

    def predict_log_proba(self, X: Any) -> np.ndarray:
        """The logarithm of :meth:`predict_proba`."""
        with np.errstate(divide="ignore"):
            return np.asarray(np.log(self.predict_proba(X)))

    def predict(self, X: Any) -> np.ndarray:
        """The most probable class of each example, shape ``(m,)``."""
        proba = self.predict_proba(X)
        return np.asarray(self.classes_[np.argmax(proba, axis=1)])


class LogisticRegression(NeuralNetClassifier):
    """Logistic regression as a neural network: ŷ = σ(w·x + b), no hidden layer.

    For more than two classes, softmax regression.  Weights start at zero, as in
    the course.  ``optimizer="lbfgs"`` (the default) fits the full batch with
    SciPy's L-BFGS; ``"gd"`` is the course's gradient descent.

    Attributes: ``coef_`` ``(n_classes or 1, n_features)`` and ``intercept_``, as in
    scikit-learn, besides those of :class:`NeuralNetClassifier`.
    """

    def __init__(
        self,
        *,
        optimizer: str = "lbfgs",
        learning_rate: float = 0.01,
        epochs: int = 100,
        batch_size: int | str | None = None,
        l2: float = 0.0,
        dtype: str = "float64",
        device: str | None = None,
        random_state: int | None = None,
        verbose: int = 0,
    ) -> None:
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.l2 = l2
        self.dtype = dtype
        self.device = device
        self.random_state = random_state
        self.verbose = verbose

    # The network has no hidden layer; these are fixed, not parameters.
    hidden_layer_sizes: Sequence[int] = ()
    activation: Activations = "relu"
    layers: Sequence[Any] | None = None
    init: str = "zeros"
    dropout: float = 0.0
    early_stopping: bool = False
    validation_fraction: float = 0.1
    patience: int = 10

    @property
    def coef_(self) -> np.ndarray:
        """The weights w as rows, ``(1, n_features)`` for two classes."""
        check_is_fitted(self, "network_")
        return np.asarray(self.network_.params["W1"], dtype=np.float64)

    @property
    def intercept_(self) -> np.ndarray:
        """The bias b, ``(1,)`` for two classes."""
        check_is_fitted(self, "network_")
        return np.asarray(self.network_.params["b1"], dtype=np.float64).ravel()


class NeuralNetRegressor(RegressorMixin, _NeuralNet):  # type: ignore[misc]
    """A neural-network regressor: linear output, (half) squared error.

    The targets are standardized inside (their mean and standard deviation are
    learned in ``fit`` and undone in ``predict``), so one learning rate suits
    targets of any scale.  Parameters and attributes as for
    :class:`NeuralNetClassifier`; ``y`` may have several columns (multi-output).
    """

    _output = "linear"
    _loss = "mse"
    _single_output: bool

    def fit(self, X: Any, y: Any) -> NeuralNetRegressor:
        """Train a new network on ``X`` ``(m, n)`` and targets ``y`` ``(m,)`` or ``(m, k)``."""
        return self._fit(X, y, incremental=False)

    def partial_fit(self, X: Any, y: Any) -> NeuralNetRegressor:
        """One more epoch on (X, y)."""
        return self._fit(X, y, incremental=True)

    def _fit(self, X: Any, y: Any, incremental: bool) -> NeuralNetRegressor:
        first = not (incremental and hasattr(self, "network_"))
        X, y = self._validate(X, y, reset=first, multi_output=True, y_numeric=True)
        Y = np.asarray(y, dtype=np.float64)
        self._single_output = Y.ndim == 1 if first else self._single_output
        Y = Y.reshape(len(Y), -1)
        if first:
            self.y_mean_ = Y.mean(axis=0)
            scale = Y.std(axis=0)
            self.y_scale_ = np.where(scale > 0, scale, 1.0)
        Y_std = ((Y - self.y_mean_) / self.y_scale_).T
        self._fit_network(X, Y_std, Y_std.shape[0], first, incremental)
        return self

    def predict(self, X: Any) -> np.ndarray:
        """Predicted targets, shape ``(m,)`` (or ``(m, k)`` for k outputs)."""
        Y = self._proba(X) * self.y_scale_ + self.y_mean_
        return np.asarray(Y.ravel() if self._single_output else Y)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
