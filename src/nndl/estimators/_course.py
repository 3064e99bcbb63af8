"""The course's estimators: nndl's networks behind ``fit``/``predict`` with ``(m, n)``
input.

Every Python ML tool takes one row per example; the course's core takes one column per
example. These classes speak the course's vocabulary (``epochs``, ``learning_rate`` as a
number, ``l2``, ``optimizer``, ``patience``) and are front-ends over the core of the
scikit-learn drop-ins (:class:`nndl.estimators._core.Core`): each ``fit`` turns their
parameters into the core's :class:`~nndl.estimators._plan.Plan`, and the core validates the
data, encodes the targets (:mod:`nndl.estimators._targets`), builds the network, holds out
the validation set, trains with the one stopping rule and publishes the fitted attributes.
The sample-major input (NumPy arrays, pandas DataFrames, lists) reaches
:func:`nndl.training.fit` as a transposed view, not a copy.
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
    from sklearn.base import ClassifierMixin, RegressorMixin
    from sklearn.utils.validation import check_is_fitted
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError('nndl\'s estimators need scikit-learn: pip install "nndl[sklearn]"') from exc

from nndl.errors import NNDLValueError
from nndl.estimators._base import hidden_activations, layer_sizes
from nndl.estimators._core import Core
from nndl.estimators._plan import Plan
from nndl.estimators._targets import Labels, Numbers
from nndl.training import optimizers as optim
from nndl.training.history import History

Activations = str | Sequence[str]


class _NeuralNet(Core):
    """The course's parameters, and how they ask :class:`~nndl.estimators._core.Core` to train."""

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

    # ----------------------------------------------------------- the plan

    def _input_options(self) -> dict[str, Any]:
        return {"allow_nd": True} if self.layers is not None else {}  # pictures with layers=

    def _init_name(self) -> str:
        if self.init != "auto":
            return self.init
        if not tuple(self.hidden_layer_sizes):
            return "zeros"
        first = self.activation if isinstance(self.activation, str) else self.activation[0]
        return "he" if first in ("relu", "leaky_relu") else "xavier"

    def _plan(self) -> Plan:
        """The course's parameters as the core's plan: ``epochs`` epochs at a constant
        ``learning_rate`` of ``optimizer``, the course's cost with L2, and with
        ``early_stopping`` the one stopping rule watching the validation cost, with no
        tolerance and ``patience`` epochs."""
        sizes: list[int] = []
        hidden: list[str] = []
        if self.layers is None:
            received = f"hidden_layer_sizes={self.hidden_layer_sizes!r}"
            sizes = layer_sizes(self.hidden_layer_sizes, NNDLValueError, received)
            hidden = hidden_activations(self.activation, len(sizes))
        if self.dtype not in ("float32", "float64"):
            raise NNDLValueError(
                f"dtype must be 'float32' or 'float64'. Received: dtype={self.dtype!r}"
            )
        if self.early_stopping and isinstance(optim.get(self.optimizer), optim.LBFGS):
            raise NNDLValueError(
                "early_stopping watches the epochs of a stochastic optimizer; L-BFGS runs to "
                "its own tolerance: pass early_stopping=False, or optimizer='adam' (for example)"
            )
        batch_size = None if self.batch_size == "full" else self.batch_size
        return Plan(
            hidden_sizes=tuple(sizes),
            hidden=tuple(hidden),
            layers=self.layers,
            init=self._init_name(),
            dtype=self.dtype,
            device=self.device,
            optimizer=self.optimizer,
            learning_rate=self.learning_rate,
            max_iter=self.epochs,
            batch_size=batch_size,
            l2=self.l2,
            dropout=self.dropout,
            tol=0.0,
            n_iter_no_change=self.patience if self.early_stopping else None,
            early_stopping=self.early_stopping,
            validation_fraction=self.validation_fraction,
            watch_cost=True,
            progress=self.verbose,
            warn_max_iter=False,
        )

    def _published(self, plan: Plan, history: History, incremental: bool) -> None:
        """The course's attributes: ``loss_curve_`` over every call (also L-BFGS's costs),
        ``n_iter_`` its length, ``validation_loss_curve_`` and the last run's ``history_``."""
        if isinstance(optim.get(plan.optimizer), optim.LBFGS):
            before = self.loss_curve_ if incremental and hasattr(self, "loss_curve_") else []
            self.loss_curve_ = [*before, *history]
        self.n_iter_ = len(self.loss_curve_)
        self.validation_loss_curve_: list[float] | None = None
        if plan.early_stopping:
            self.validation_loss_curve_ = list(self._plateau.scores)
        self.history_ = history

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.non_deterministic = self.random_state is None
        return tags


class NeuralNetClassifier(ClassifierMixin, Labels, _NeuralNet):  # type: ignore[misc]
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
        As for :meth:`nndl.Network.fit` (the course's cost, L2 included); ``batch_size="auto"``
        is ``min(200, m)``, ``None`` the full batch (a number above m is clipped to m, with a
        warning).
    early_stopping, validation_fraction, patience
        Hold out ``validation_fraction`` of the training data (scikit-learn's
        ``train_test_split`` from ``random_state``, stratified by class for two classes, as
        the drop-ins do) and stop when its cost has not decreased for more than ``patience``
        epochs, restoring the best parameters: the drop-ins' stopping rule
        (:class:`nndl.training.plateau.Plateau`) with ``tol=0``, watching the validation cost.
        A stochastic optimizer only, and not with ``partial_fit``.
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

    _multilabel = False  # one label per example
    _min_classes = 2

    def fit(self, X: Any, y: Any) -> NeuralNetClassifier:
        """Train a new network on ``X`` of shape ``(m, n)`` and labels ``y`` of shape ``(m,)``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            The examples, one per row (scikit-learn's layout); pictures ``(m, n_H, n_W, n_C)``
            for an estimator with ``layers``.
        y : array_like of shape (n_samples,) or (n_samples, n_labels)
            The labels (any hashable values; several columns for multilabel).

        Returns
        -------
        NeuralNetClassifier
            The estimator, fitted.

        Examples
        --------
        >>> from sklearn.datasets import make_moons
        >>> X, y = make_moons(200, noise=0.1, random_state=0)
        >>> clf = NeuralNetClassifier((16,), learning_rate=0.05, epochs=200, random_state=0)
        >>> clf.fit(X, y).score(X, y) > 0.95
        True
        """
        return self._fit(X, y)  # type: ignore[no-any-return]

    def partial_fit(self, X: Any, y: Any, classes: Any = None) -> NeuralNetClassifier:
        """One more epoch on (X, y); the first call needs ``classes``, all labels that can occur.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            The examples, one per row (scikit-learn's layout); pictures ``(m, n_H, n_W, n_C)``
            for an estimator with ``layers``.
        y : array_like of shape (n_samples,)
            The labels.
        classes : array_like, optional
            Every label that can occur (required on the first call).

        Returns
        -------
        NeuralNetClassifier
            The estimator.
        """
        self._first_classes(y, classes)
        return self._fit(X, y, incremental=True)  # type: ignore[no-any-return]


class LogisticRegression(NeuralNetClassifier):
    """Logistic regression as a neural network: ŷ = σ(w·x + b), no hidden layer.

    For more than two classes, softmax regression.  Weights start at zero, as in
    the course.  ``optimizer="lbfgs"`` (the default) fits the full batch with
    SciPy's L-BFGS; ``"gd"`` is the course's gradient descent.

    Parameters
    ----------
    optimizer : str, default "lbfgs"
        ``"lbfgs"``, ``"gd"``, ``"momentum"``, ``"rmsprop"`` or ``"adam"``.
    learning_rate, epochs, batch_size, l2
        As for :meth:`nndl.Network.fit` (``epochs``: L-BFGS's iterations); ``batch_size``
        as for :class:`NeuralNetClassifier`, the full batch by default.
    dtype, device, random_state, verbose
        As for :class:`NeuralNetClassifier`.

    Attributes
    ----------
    coef_, intercept_
        ``(n_classes or 1, n_features)`` and ``(n_classes or 1,)``, as in scikit-learn,
        besides the attributes of :class:`NeuralNetClassifier`.
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


class NeuralNetRegressor(RegressorMixin, Numbers, _NeuralNet):  # type: ignore[misc]
    """A neural-network regressor: linear output, (half) squared error.

    The targets are standardized inside (their mean and standard deviation are
    learned in ``fit`` and undone in ``predict``), so one learning rate suits
    targets of any scale.  ``y`` may have several columns (multi-output).

    Parameters
    ----------
    hidden_layer_sizes
        Units of each hidden layer, e.g. ``(100,)`` or ``(64, 32)``; ``()`` is linear
        regression.
    activation
        Hidden activation, one name or one per hidden layer (as for
        :class:`NeuralNetClassifier`).
    layers
        Instead of the two above, the layers before the output (see
        :class:`NeuralNetClassifier`).
    init
        ``"auto"`` (he for ReLU-like, xavier otherwise), or any name of :mod:`nndl.model.init`.
    optimizer, learning_rate, epochs, batch_size, l2, dropout
        As for :class:`NeuralNetClassifier`.
    early_stopping, validation_fraction, patience
        As for :class:`NeuralNetClassifier` (the held-out part is not stratified).
    dtype, device, random_state, verbose
        As for :class:`NeuralNetClassifier`.

    Attributes
    ----------
    n_features_in_, feature_names_in_, network_, loss_curve_, validation_loss_curve_, n_iter_
        As for :class:`NeuralNetClassifier`.
    """

    _standardize = True

    def fit(self, X: Any, y: Any) -> NeuralNetRegressor:
        """Train a new network on ``X`` ``(m, n)`` and targets ``y`` ``(m,)`` or ``(m, k)``.

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            The examples, one per row (scikit-learn's layout); pictures ``(m, n_H, n_W, n_C)``
            for an estimator with ``layers``.
        y : array_like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.

        Returns
        -------
        NeuralNetRegressor
            The estimator, fitted.
        """
        return self._fit(X, y)  # type: ignore[no-any-return]

    def partial_fit(self, X: Any, y: Any) -> NeuralNetRegressor:
        """One more epoch on (X, y).

        Parameters
        ----------
        X : array_like of shape (n_samples, n_features)
            The examples, one per row (scikit-learn's layout); pictures ``(m, n_H, n_W, n_C)``
            for an estimator with ``layers``.
        y : array_like of shape (n_samples,) or (n_samples, n_outputs)
            The targets.

        Returns
        -------
        NeuralNetRegressor
            The estimator.
        """
        return self._fit(X, y, incremental=True)  # type: ignore[no-any-return]

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        return tags
