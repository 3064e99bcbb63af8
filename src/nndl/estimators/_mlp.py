"""Drop-ins for scikit-learn's ``MLPClassifier`` and ``MLPRegressor``, on nndl's engine.

``from nndl import MLPClassifier`` in place of ``from sklearn.neural_network import
MLPClassifier``: the same parameters with the same defaults and meanings, the same
fitted attributes (``coefs_`` in scikit-learn's layout ``(n_in, n_out)``,
``loss_curve_``, ``best_loss_``, ``validation_scores_``, ``t_``, …), ``partial_fit``,
``warm_start``, ``sample_weight``, multilabel targets, sparse input and the same
stopping rule and learning rates (:mod:`nndl.training.plateau`: a callback and a schedule of
the training run, which hold its state).  The weights start as
scikit-learn's do (Glorot-uniform, drawn in the same order from ``random_state``),
so the same seed gives the same initial network.

What nndl adds, as extra parameters: ``dropout`` (one rate or one per hidden layer),
``activation`` per hidden layer (a list) and ``"leaky_relu"``, ``init`` (the course's
``"he"``, ``"xavier"``, ``"scaled"``, ``"random"``, ``"zeros"``), ``class_weight``
(classifier) and ``device`` (``"cuda"`` trains on a GPU through PyTorch). Training runs
in nndl's NumPy engine; float32 input trains in float32.

Differences that remain: the mini-batches are shuffled by nndl's own random stream (not
scikit-learn's), so results agree in distribution, not bit for bit (with
``shuffle=False`` they agree to rounding); the regressor's ``loss_`` sums the squared
errors over outputs (scikit-learn averages them); ``loss="poisson"`` is not offered.
"""

from __future__ import annotations

import functools
import itertools
import warnings
from numbers import Real
from typing import Any, ClassVar

import numpy as np

try:
    from sklearn.base import BaseEstimator
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.neural_network import MLPClassifier as _SkMLP
    from sklearn.utils import check_random_state, compute_sample_weight
    from sklearn.utils._param_validation import Interval, StrOptions
    from sklearn.utils.validation import _check_sample_weight, validate_data
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError('nndl\'s estimators need scikit-learn: pip install "nndl[sklearn]"') from exc

from nndl.errors import DivergenceError, NNDLValueError
from nndl.estimators._base import (
    forward_rows,
    layer_sizes,
    new_network,
    params_from_rows,
    rows_from_params,
    train,
)
from nndl.model import init as _init
from nndl.model.checks import check_network_size
from nndl.model.network import Network
from nndl.training.optimizers import LBFGS, Adam, HeavyBall
from nndl.training.options import FitOptions
from nndl.training.plateau import AdaptiveRate, Plateau, PlateauState

ACTIVATIONS = {
    "identity": "linear",
    "logistic": "sigmoid",
    "tanh": "tanh",
    "relu": "relu",
    "leaky_relu": "leaky_relu",
    "linear": "linear",
    "sigmoid": "sigmoid",
}
"""scikit-learn's activation names (and nndl's) to nndl's."""

OUTPUTS = {"softmax": ("softmax", "cross_entropy"), "logistic": ("sigmoid", "logistic")}
OUTPUTS["identity"] = ("linear", "mse")

INITS = ("glorot_uniform", *_init.INITIALIZERS)
SCIPY_FTOL = 2.220446049250313e-09  # SciPy's default for L-BFGS-B, as scikit-learn leaves it


def _stochastic(est: Any) -> bool:
    if est.solver == "lbfgs":
        raise AttributeError(
            f"partial_fit is only available for stochastic optimizers. {est.solver} is not "
            "stochastic."
        )
    return True


class _BaseMLP(BaseEstimator):  # type: ignore[misc]
    """What the two drop-ins share (scikit-learn's ``BaseMultilayerPerceptron``)."""

    _parameter_constraints: ClassVar[dict[str, list[Any]]] = {
        **_SkMLP._parameter_constraints,
        "activation": [StrOptions(set(ACTIVATIONS)), list, tuple],
        "dropout": [Interval(Real, 0, 1, closed="left"), list, tuple],
        "init": [StrOptions(set(INITS))],
        "device": [str, None, object],
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
        device: Any = None,
    ) -> None:
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.dropout = dropout
        self.init = init
        self.device = device

    # the subclasses say how targets become the network's outputs
    def _validate_input(self, X: Any, y: Any, incremental: bool, reset: bool) -> Any:
        raise NotImplementedError

    def _score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        raise NotImplementedError

    def _output_for(self, Y: np.ndarray) -> str:
        raise NotImplementedError

    # ------------------------------------------------------------- fitting

    def _hidden(self, n_hidden: int) -> list[str]:
        """nndl's names of the hidden layers' activations."""
        names = [self.activation] * n_hidden if isinstance(self.activation, str) else None
        if names is None:
            names = list(self.activation)
            if len(names) != n_hidden:
                raise NNDLValueError(
                    f"activation must be one name or one per hidden layer ({n_hidden}). "
                    f"Received: activation={self.activation!r}"
                )
        unknown = [n for n in names if n not in ACTIVATIONS]
        if unknown:
            raise NNDLValueError(
                f"activation names must be among {', '.join(ACTIVATIONS)}. Received: {unknown}"
            )
        return [ACTIVATIONS[n] for n in names]

    def _fit(self, X: Any, y: Any, sample_weight: Any = None, incremental: bool = False) -> Any:
        hidden_sizes = layer_sizes(
            self.hidden_layer_sizes, NNDLValueError, f"{self.hidden_layer_sizes!r}"
        )
        if getattr(self, "loss", "squared_error") != "squared_error":
            raise NNDLValueError(
                "nndl's MLPRegressor offers loss='squared_error' only. Received: "
                f"loss={self.loss!r}"
            )
        first = not hasattr(self, "coefs_") or (not self.warm_start and not incremental)
        X, Y, y_raw = self._validate_input(X, y, incremental, reset=first)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        sample_weight = self._class_weights(y_raw, sample_weight)
        hidden = self._hidden(len(hidden_sizes))
        dims = [X.shape[1], *hidden_sizes, Y.shape[1]]
        self._random_state = check_random_state(self.random_state)
        if first:
            self._initialize(Y, dims, X.dtype, hidden)
        elif [c.shape[0] for c in self.coefs_] + [self.coefs_[-1].shape[1]] != dims:
            raise NNDLValueError(
                f"warm_start and partial_fit continue the network of layer sizes "
                f"{[c.shape[0] for c in self.coefs_] + [self.coefs_[-1].shape[1]]}; this call "
                f"asks for {dims}: fit a new estimator (warm_start=False) to change them"
            )
        output, loss = OUTPUTS[self.out_activation_]
        network = new_network(
            dims,
            hidden,
            output,
            loss,
            "zeros",
            None,
            X.dtype.name,
            self.device,
            params=params_from_rows(self.coefs_, self.intercepts_),
        )
        try:
            if self.solver == "lbfgs":
                self._fit_lbfgs(network, X, Y, sample_weight)
            else:
                self._fit_stochastic(network, X, Y, y_raw, sample_weight, incremental)
        except DivergenceError as exc:
            raise NNDLValueError(
                "Solver produced non-finite parameter weights. The input data may contain large "
                f"values and need to be preprocessed, or the learning rate is too high ({exc})"
            ) from exc
        return self

    def _class_weights(self, y: Any, sample_weight: Any) -> Any:
        class_weight = getattr(self, "class_weight", None)
        if class_weight is None:
            return sample_weight
        weights = compute_sample_weight(class_weight, y)
        return weights if sample_weight is None else weights * sample_weight

    def _initialize(self, Y: np.ndarray, dims: list[int], dtype: Any, hidden: list[str]) -> None:
        """scikit-learn's ``_initialize``: counters, the output, the first weights."""
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = Y.shape[1]
        self.n_layers_ = len(dims)
        self.out_activation_ = self._output_for(Y)
        self.coefs_, self.intercepts_ = self._initial_weights(dims, dtype, hidden)
        if self.solver != "lbfgs":
            first = params_from_rows(self.coefs_, self.intercepts_)
            self._plateau = PlateauState(best_params={k: v.copy() for k, v in first.items()})
            self._publish(self._plateau)

    def _publish(self, state: PlateauState) -> None:
        """scikit-learn's fitted attributes from the plateau rule's state: ``t_``,
        ``loss_curve_``, ``loss_``, and ``best_loss_`` or (with early stopping)
        ``validation_scores_`` and ``best_validation_score_``."""
        self.t_ = state.examples_seen
        self.loss_curve_: list[float] = list(state.losses)
        if state.losses:
            self.loss_ = state.losses[-1]
        if self.early_stopping:
            self.validation_scores_: list[float] | None = list(state.scores)
            self.best_validation_score_: float | None = state.best_score
            self.best_loss_: float | None = None
        else:
            self.best_loss_ = state.best_loss
            self.validation_scores_ = None
            self.best_validation_score_ = None

    def _initial_weights(
        self, dims: list[int], dtype: Any, hidden: list[str]
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Glorot-uniform as scikit-learn draws it (U(±√(6 / (fan_in + fan_out))), √2 for
        the logistic), or one of the course's initializations with zero biases."""
        check_network_size(dims, np.dtype(dtype).name)  # before drawing any weight
        rng = self._random_state
        coefs, intercepts = [], []
        for l, (fan_in, fan_out) in enumerate(itertools.pairwise(dims)):
            if self.init == "glorot_uniform":
                g = hidden[min(l, len(hidden) - 1)] if hidden else "relu"
                bound = np.sqrt((2.0 if g == "sigmoid" else 6.0) / (fan_in + fan_out))
                W = rng.uniform(-bound, bound, (fan_in, fan_out))
                b = rng.uniform(-bound, bound, fan_out)
            else:
                W = _init.get(self.init)(fan_out, fan_in, rng).T
                b = np.zeros(fan_out)
            coefs.append(W.astype(dtype, copy=False))
            intercepts.append(b.astype(dtype, copy=False))
        return coefs, intercepts

    def _fit_stochastic(
        self,
        network: Network,
        X: Any,
        Y: np.ndarray,
        y_raw: Any,
        sample_weight: Any,
        incremental: bool,
    ) -> None:
        if not incremental or not hasattr(self, "_optimizer_state"):
            self._optimizer_state = None
            kind = self.learning_rate if self.solver == "sgd" else "constant"
            self._rate = AdaptiveRate(self.learning_rate_init, kind, self.power_t)
        if self.early_stopping and incremental:
            raise NNDLValueError("partial_fit does not support early_stopping=True")
        validation = None
        X_train, Y_train, w_train = X, Y, sample_weight
        if self.early_stopping:
            stratify = Y if self._stratify() else None
            parts = train_test_split(
                X,
                Y,
                *([] if sample_weight is None else [sample_weight]),
                random_state=self._random_state,
                test_size=self.validation_fraction,
                stratify=stratify,
            )
            X_train, X_val, Y_train, Y_val = parts[:4]
            w_train, w_val = (parts[4], parts[5]) if sample_weight is not None else (None, None)
            if X_val.shape[0] < 2:
                raise NNDLValueError(
                    "The validation set is too small. Increase 'validation_fraction' or the "
                    "size of your dataset."
                )
            validation = (X_val, self._targets_back(Y_val), w_val)
        n = X_train.shape[0]
        if self.batch_size == "auto":
            batch_size = min(200, n)
        else:
            if self.batch_size > n:
                warnings.warn(
                    "Got `batch_size` less than 1 or larger than sample size. It is going to "
                    "be clipped",
                    stacklevel=4,
                )
            batch_size = int(np.clip(self.batch_size, 1, n))
        optimizer: Adam | HeavyBall
        if self.solver == "adam":
            optimizer = Adam(self.beta_1, self.beta_2, self.epsilon, eps_hat=True)
        else:
            optimizer = HeavyBall(self.momentum, self.nesterovs_momentum)
        stopping = Plateau(
            self._rate,
            n_samples=n,
            tol=self.tol,
            n_iter_no_change=self.n_iter_no_change,
            score=None if validation is None else functools.partial(self._scored, *validation),
            state=self._plateau,
            verbose=bool(self.verbose),
        )
        options = FitOptions(
            optimizer_state=self._optimizer_state,
            learning_rate=self._rate,
            epochs=1 if incremental else self.max_iter,
            optimizer=optimizer,
            batch_size=batch_size,
            shuffle=self.shuffle,
            l2=self.alpha,
            l2_cost="batch",  # scikit-learn's loss_: each batch's cost carries (α/2B)Σ||W||²
            dropout=self.dropout,
            callbacks=[stopping],
            seed=int(self._random_state.randint(np.iinfo(np.int32).max)),
            sample_weight=w_train,
        )
        history = train(network, X_train, np.asarray(Y_train.T, dtype=X.dtype), options)
        self._optimizer_state = history.optimizer_state
        self.network_ = network
        self.n_iter_ = stopping.epochs
        self._publish(stopping.state_)
        if self.early_stopping:  # the parameters of the best validation score
            best = stopping.state_.best_params
            network.params = {k: np.array(v, dtype=X.dtype) for k, v in best.items()}
            if self.device is not None:
                network.to(self.device)
        self.coefs_, self.intercepts_ = rows_from_params(network)
        if not stopping.stopped and not incremental and self.n_iter_ == self.max_iter:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) reached and the "
                "optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=4,
            )

    def _scored(self, X_val: Any, y_val: Any, w_val: Any, network: Network) -> float:
        """The validation score of ``network`` (its parameters as they are now)."""
        # views of the NumPy engine's parameters; fresh copies from any other device
        self.coefs_, self.intercepts_ = rows_from_params(network)
        return float(self._score(X_val, y_val, sample_weight=w_val))

    def _stratify(self) -> bool:
        return False

    def _targets_back(self, Y: np.ndarray) -> Any:
        return Y

    def _fit_lbfgs(self, network: Network, X: Any, Y: np.ndarray, sample_weight: Any) -> None:
        options = FitOptions(
            optimizer=LBFGS(gtol=self.tol, ftol=SCIPY_FTOL, max_fun=self.max_fun),
            epochs=self.max_iter,
            batch_size=None,
            l2=self.alpha,
            dropout=self.dropout,
            seed=int(self._random_state.randint(np.iinfo(np.int32).max)),
            sample_weight=sample_weight,
        )
        history = train(network, X, np.asarray(Y.T, dtype=X.dtype), options)
        self.network_ = network
        self.coefs_, self.intercepts_ = rows_from_params(network)
        self.n_iter_ = min(int(getattr(history, "lbfgs_iterations", len(history))), self.max_iter)
        self.loss_ = float(getattr(history, "lbfgs_cost", history[-1] if history else np.nan))
        status = int(getattr(history, "lbfgs_status", 0))
        if status != 0:
            message = getattr(history, "lbfgs_message", "")
            warnings.warn(
                f"lbfgs failed to converge after {self.n_iter_} iteration(s) (status={status}):"
                f"\n{message}\n\nIncrease the number of iterations to improve the convergence "
                f"(max_iter={self.max_iter}).\nYou might also want to scale the data as shown "
                "in:\n    https://scikit-learn.org/stable/modules/preprocessing.html",
                ConvergenceWarning,
                stacklevel=4,
            )

    # ----------------------------------------------------------- prediction

    def _forward_pass_fast(self, X: Any, check_input: bool = True) -> np.ndarray:
        """The network's output for the rows of X, chunk by chunk, from ``coefs_``."""
        if check_input:
            X = validate_data(
                self, X, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32), reset=False
            )
        hidden = self._hidden(len(self.coefs_) - 1)
        return forward_rows(
            X, self.coefs_, self.intercepts_, hidden, OUTPUTS[self.out_activation_][0]
        )

    def fit(self, X: Any, y: Any, sample_weight: Any = None) -> Any:
        """Fit the model to data matrix X ``(n_samples, n_features)`` and target(s) y."""
        self._validate_params()
        return self._fit(X, y, sample_weight=sample_weight, incremental=False)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
