"""The one core of nndl's estimators: fit, stop, publish, predict.

Both families are front-ends over :class:`Core`: scikit-learn's drop-ins
(:class:`~nndl.estimators.MLPClassifier`, :class:`~nndl.estimators.MLPRegressor`) and the
course's (:class:`~nndl.estimators.NeuralNetClassifier`,
:class:`~nndl.estimators.NeuralNetRegressor`, :class:`~nndl.estimators.LogisticRegression`).
A front-end only says, at each ``fit``, how its parameters ask to be trained (a
:class:`Plan`); a targets mixin (:mod:`nndl.estimators._targets`) says how labels or numbers
become the network's outputs and back.  Everything else happens here, once:

* X and y are validated by scikit-learn's ``validate_data`` and the targets encoded;
* the first call builds the network: a dense one from scikit-learn's Glorot draws or one
  of the course's initializations (the same ``RandomState`` draws as
  :class:`nndl.Network`'s), or the Sequential model of ``layers=``; later calls
  (``partial_fit``, ``warm_start``) continue it;
* :func:`split_validation` holds out the validation set (early stopping);
* :func:`nndl.training.fit` trains with one stopping rule,
  :class:`~nndl.training.plateau.Plateau`, and one learning-rate schedule,
  :class:`~nndl.training.plateau.AdaptiveRate`: their state (α, the count, the losses and
  scores, the best parameters) is the training run's, handed in as a
  :class:`~nndl.training.plateau.PlateauState` and read back after the run;
* the fitted attributes are published from that state, and prediction runs in chunks of
  rows.
"""

from __future__ import annotations

import functools
import itertools
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

try:
    from sklearn.base import BaseEstimator
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.model_selection import train_test_split
    from sklearn.utils import check_random_state
    from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError('nndl\'s estimators need scikit-learn: pip install "nndl[sklearn]"') from exc

from nndl.arrays.backend import to_numpy
from nndl.arrays.threads import blas_threads_for
from nndl.errors import DivergenceError, NNDLValueError
from nndl.estimators import _layered
from nndl.estimators._base import (
    forward_rows,
    new_network,
    params_from_rows,
    rows_from_params,
    train,
)
from nndl.estimators._plan import OUTPUTS, Plan
from nndl.model import init as _init
from nndl.model.checks import check_network_size, refuse_masked
from nndl.model.network import Network
from nndl.model.sequential import Sequential
from nndl.training import optimizers as optim
from nndl.training.history import History
from nndl.training.options import FitOptions
from nndl.training.plateau import AdaptiveRate, Plateau, PlateauState
from nndl.training.stopping import StoppingState
from nndl.training.trainer import evaluate


def batch_rows(batch_size: int | str | None, n: int) -> int | None:
    """The examples of a mini-batch out of ``n``: ``"auto"`` is ``min(200, n)``, an int is
    clipped to ``[1, n]``, None (full batch) stays None."""
    if batch_size is None:
        return None
    if batch_size == "auto":
        return min(200, n)
    return int(np.clip(int(batch_size), 1, n))


def split_validation(
    X: Any,
    Y: np.ndarray,
    sample_weight: np.ndarray | None,
    fraction: float,
    random_state: np.random.RandomState,
    stratify: np.ndarray | None,
) -> tuple[Any, np.ndarray, Any, Any, np.ndarray, Any]:
    """The validation split of every estimator: scikit-learn's ``train_test_split`` of the
    rows (⌈fraction · m⌉ held out, drawn from ``random_state``, stratified by ``stratify``
    when given), the sample weights split with them.  Returns ``X_train, Y_train, w_train,
    X_val, Y_val, w_val``."""
    # Not nndl.datasets.held_out, the split of Network.fit and nndl's train_test_split: the
    # drop-ins must hold out the rows scikit-learn's MLPs hold out (the same draws from
    # random_state, stratified), which tests/interfaces/test_mlp_dropin.py pins.
    weights = [] if sample_weight is None else [sample_weight]
    parts = train_test_split(
        X, Y, *weights, random_state=random_state, test_size=fraction, stratify=stratify
    )
    X_train, X_val, Y_train, Y_val = parts[:4]
    w_train, w_val = (parts[4], parts[5]) if sample_weight is not None else (None, None)
    if X_val.shape[0] < 2:
        raise NNDLValueError(
            "The validation set is too small. Increase 'validation_fraction' or the "
            "size of your dataset."
        )
    return X_train, Y_train, w_train, X_val, Y_val, w_val


class Core(BaseEstimator):  # type: ignore[misc]
    """What every estimator shares (see the module); front-ends give :meth:`_plan` and
    :meth:`_input_options`, targets mixins :meth:`_validate_input` and the others below."""

    random_state: Any

    # ------------------------------------------------ what the others give

    def _plan(self) -> Plan:
        raise NotImplementedError

    def _input_options(self) -> dict[str, Any]:
        """``validate_data``'s options for X (sparse formats, pictures)."""
        return {}

    def _validate_input(self, X: Any, y: Any, incremental: bool, reset: bool) -> Any:
        raise NotImplementedError

    def _output_for(self, Y: np.ndarray) -> str:
        raise NotImplementedError

    def _score(self, X: Any, y: Any, sample_weight: Any = None) -> float:
        raise NotImplementedError

    def _stratify(self) -> bool:
        return False

    def _targets_back(self, Y: np.ndarray) -> Any:
        return Y

    def _class_weights(self, y: Any, sample_weight: Any) -> Any:
        return sample_weight

    def _published(self, plan: Plan, history: History, incremental: bool) -> None:
        """A front-end's own fitted attributes, after those of the core."""

    # ------------------------------------------------------------- fitting

    def _validate_X(self, X: Any, *y: Any, reset: bool, **options: Any) -> Any:
        X = refuse_masked("X", X)
        return validate_data(
            self,
            X,
            *y,
            dtype=(np.float64, np.float32),
            reset=reset,
            **self._input_options(),
            **options,
        )

    def _fit(self, X: Any, y: Any, sample_weight: Any = None, incremental: bool = False) -> Any:
        plan = self._plan()
        first = not hasattr(self, "network_") or (not plan.warm_start and not incremental)
        X, Y, y_raw = self._validate_input(X, y, incremental, reset=first)
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X)
        sample_weight = self._class_weights(y_raw, sample_weight)
        dtype = np.dtype(plan.dtype or X.dtype)
        self._random_state = check_random_state(self.random_state)
        opt = optim.get(plan.optimizer)
        if first:
            self._initialize(plan, X, Y, dtype, stochastic=not isinstance(opt, optim.LBFGS))
        network = self._network(plan, X, Y, dtype)
        self.network_ = network  # the validation score predicts with it during training
        lbfgs = isinstance(opt, optim.LBFGS)
        dims = list(network.layer_dims) if isinstance(network, Network) else None
        rows = None if lbfgs else batch_rows(plan.batch_size, X.shape[0])
        batch = X.shape[0] if rows is None else rows  # the rows of a step
        try:
            with blas_threads_for(dims, batch):  # small products on one thread
                if isinstance(opt, optim.LBFGS):
                    self._fit_lbfgs(plan, opt, network, X, Y, sample_weight, incremental)
                else:
                    self._fit_stochastic(plan, network, X, Y, sample_weight, incremental)
        except DivergenceError as exc:
            raise NNDLValueError(
                "Solver produced non-finite parameter weights. The input data may contain large "
                f"values and need to be preprocessed, or the learning rate is too high ({exc})"
            ) from exc
        return self

    def _initialize(
        self, plan: Plan, X: Any, Y: np.ndarray, dtype: np.dtype[Any], stochastic: bool
    ) -> None:
        """scikit-learn's ``_initialize``: counters, the output, the first weights, and (for a
        stochastic optimizer) the stopping rule's and the rate's fresh state."""
        self.n_iter_ = 0
        self.t_ = 0
        self.n_outputs_ = Y.shape[1]
        self.out_activation_ = self._output_for(Y)
        if plan.layers is None:
            dims = [X.shape[1], *plan.hidden_sizes, Y.shape[1]]
            self.n_layers_ = len(dims)
            self.coefs_, self.intercepts_ = self._initial_weights(plan, dims, dtype)
            start = params_from_rows(self.coefs_, self.intercepts_)
        else:
            output, loss = OUTPUTS[self.out_activation_]
            shape = tuple(int(n) for n in X.shape[1:])
            model = _layered.new_model(
                plan.layers, shape, Y.shape[1], output, loss, self.random_state, dtype.name
            )
            self.network_ = model
            start = {k: np.asarray(to_numpy(v)) for k, v in model.params.items()}
        if not stochastic:
            return
        self._optimizer_state = None
        self._rate = AdaptiveRate(plan.learning_rate, plan.rate, plan.power_t)
        kept = StoppingState(best_params={k: v.copy() for k, v in start.items()})
        self._plateau = PlateauState(stopping=kept)
        self._publish(plan, self._plateau)

    def _initial_weights(
        self, plan: Plan, dims: list[int], dtype: Any
    ) -> tuple[list[np.ndarray], list[np.ndarray]]:
        """Glorot-uniform as scikit-learn draws it (U(±√(6 / (fan_in + fan_out))), √2 for
        the logistic), or one of the course's initializations with zero biases, drawn as
        :class:`nndl.Network` draws it (``W[l]`` layer by layer from one ``RandomState``)."""
        check_network_size(dims, np.dtype(dtype).name)  # before drawing any weight
        rng = self._random_state
        coefs, intercepts = [], []
        for l, (fan_in, fan_out) in enumerate(itertools.pairwise(dims)):
            if plan.init == "glorot_uniform":
                hidden = plan.hidden
                g = hidden[min(l, len(hidden) - 1)] if hidden else "relu"
                bound = np.sqrt((2.0 if g == "sigmoid" else 6.0) / (fan_in + fan_out))
                W = rng.uniform(-bound, bound, (fan_in, fan_out))
                b = rng.uniform(-bound, bound, fan_out)
            else:
                W = np.asarray(_init.get(plan.init)(fan_out, fan_in, rng), dtype=np.float64).T
                b = np.zeros(fan_out)
            coefs.append(W.astype(dtype, copy=False))
            intercepts.append(b.astype(dtype, copy=False))
        return coefs, intercepts

    def _network(
        self, plan: Plan, X: Any, Y: np.ndarray, dtype: np.dtype[Any]
    ) -> Network | Sequential:
        """The model to train: the Sequential model itself, or a dense network made from
        ``coefs_`` and ``intercepts_`` (which ``warm_start`` and ``partial_fit`` continue)."""
        if plan.layers is not None:
            model = self.network_
            assert isinstance(model, Sequential)
            return model
        dims = [X.shape[1], *plan.hidden_sizes, Y.shape[1]]
        have = [c.shape[0] for c in self.coefs_] + [self.coefs_[-1].shape[1]]
        if have != dims:  # scikit-learn silently keeps the old network; nndl refuses
            raise NNDLValueError(
                f"warm_start and partial_fit continue the fitted network, of hidden layer sizes "
                f"{tuple(have[1:-1])}; this call asks for {tuple(plan.hidden_sizes)}. Set "
                f"hidden_layer_sizes back to {tuple(have[1:-1])}, or set warm_start=False (or "
                "use a new estimator) to train a network of the new sizes"
            )
        output, loss = OUTPUTS[self.out_activation_]
        params = params_from_rows(self.coefs_, self.intercepts_)
        return new_network(
            dims, list(plan.hidden), output, loss, "zeros", None, dtype.name, plan.device, params
        )

    def _train(
        self, network: Network | Sequential, X: Any, Y: np.ndarray, options: FitOptions
    ) -> History:
        Y = np.asarray(Y.T, dtype=network.dtype)
        if isinstance(network, Sequential):
            return _layered.fit(network, X, Y, options)
        return train(network, X, Y, options)

    def _batch_size(self, plan: Plan, n: int) -> int | None:
        if plan.batch_size not in ("auto", None) and int(plan.batch_size) > n:
            warnings.warn(
                "Got `batch_size` less than 1 or larger than sample size. It is going to "
                "be clipped",
                stacklevel=5,
            )
        return batch_rows(plan.batch_size, n)

    def _fit_stochastic(
        self,
        plan: Plan,
        network: Network | Sequential,
        X: Any,
        Y: np.ndarray,
        sample_weight: Any,
        incremental: bool,
    ) -> None:
        if not incremental or not hasattr(self, "_optimizer_state"):
            self._optimizer_state = None
            self._rate = AdaptiveRate(plan.learning_rate, plan.rate, plan.power_t)
        if plan.early_stopping and incremental:
            raise NNDLValueError("partial_fit does not support early_stopping=True")
        score = None
        X_train, Y_train, w_train = X, Y, sample_weight
        if plan.early_stopping:
            stratify = Y if self._stratify() else None
            X_train, Y_train, w_train, X_val, Y_val, w_val = split_validation(
                X, Y, sample_weight, plan.validation_fraction, self._random_state, stratify
            )
            score = self._watch(plan, network, X_val, Y_val, w_val)
        n = X_train.shape[0]
        stopping = Plateau(
            self._rate,
            n_samples=n,
            tol=plan.tol,
            n_iter_no_change=plan.n_iter_no_change,
            score=score,
            greater_is_better=not plan.watch_cost,
            state=self._plateau,
            verbose=plan.report,
        )
        options = FitOptions(
            optimizer_state=self._optimizer_state,
            learning_rate=self._rate,
            epochs=1 if incremental else plan.max_iter,
            optimizer=plan.optimizer,
            batch_size=self._batch_size(plan, n),
            shuffle=plan.shuffle,
            l2=plan.l2,
            l2_cost=plan.l2_cost,
            output_cost=plan.output_cost,
            dropout=plan.dropout,
            callbacks=[stopping],
            verbose=plan.progress,
            seed=int(self._random_state.randint(np.iinfo(np.int32).max)),
            sample_weight=w_train,
        )
        diverged = None
        try:
            history = self._train(network, X_train, Y_train, options)
        except DivergenceError as exc:
            if not plan.early_stopping:
                raise
            diverged = exc
            recorded = getattr(exc, "history", None)
            history = recorded if isinstance(recorded, History) else History()
            stopping.record_divergence()
        self._optimizer_state = history.optimizer_state
        self.network_ = network
        self.n_iter_ = stopping.epochs
        self._plateau = stopping.state_
        self._publish(plan, stopping.state_)
        if plan.early_stopping:  # the parameters of the best validation score
            best = stopping.state_.best_params
            network.params = {k: np.array(v, dtype=network.dtype) for k, v in best.items()}
            if plan.device is not None and isinstance(network, Network):
                network.to(plan.device)
        self._fitted(network)
        if stopping.diverged:
            self._warn_diverged(plan, stopping.state_, diverged)
            self._published(plan, history, incremental)
            return
        ended = not stopping.stopped and not incremental and self.n_iter_ == plan.max_iter
        if plan.warn_max_iter and ended:
            warnings.warn(
                f"Stochastic Optimizer: Maximum iterations ({plan.max_iter}) reached and "
                "the optimization hasn't converged yet.",
                ConvergenceWarning,
                stacklevel=4,
            )
        self._published(plan, history, incremental)

    def _warn_diverged(
        self, plan: Plan, state: PlateauState, error: DivergenceError | None
    ) -> None:
        """Early stopping ended a diverged run (scikit-learn's #29504): the validation score
        of the last epoch is NaN, the parameters are those of the best score; say so."""
        scores = state.scores
        kept = (  # the stopping rule's best: the highest score, or the lowest validation cost
            f"the parameters of the best validation score ({state.best_score:.6g}, iteration "
            f"{1 + state.best_epoch}) are kept"
            if state.best_score is not None and state.best_epoch is not None
            else "no iteration had a finite validation score: the initial parameters are kept"
        )
        why = f" ({str(error).split(': training diverged')[0]})" if error is not None else ""
        warnings.warn(
            f"Training diverged at iteration {len(scores)}: the loss or the validation score is "
            f"not finite{why}. Training stopped and {kept}. Lower the learning rate (it is "
            f"{plan.learning_rate:g}) or standardize the inputs.",
            ConvergenceWarning,
            stacklevel=5,
        )

    def _watch(
        self, plan: Plan, network: Network | Sequential, X_val: Any, Y_val: np.ndarray, w_val: Any
    ) -> Callable[[Network], float]:
        """What the stopping rule watches on the validation set: the validation cost (the
        course's, without the L2 term, as :meth:`nndl.Network.fit` reports ``val_cost``) or
        the estimator's score (accuracy, R², scikit-learn's)."""
        if not plan.watch_cost:
            return functools.partial(self._scored, X_val, self._targets_back(Y_val), w_val)
        X_val = np.asarray(X_val, dtype=network.dtype)
        X_val = _layered.core_input(network, X_val) if isinstance(network, Sequential) else X_val.T
        X_core, Y_core = network.check_data(X_val, np.asarray(Y_val.T, dtype=network.dtype))
        return lambda net: evaluate(net, X_core, Y_core)[0]

    def _scored(self, X_val: Any, y_val: Any, w_val: Any, network: Network) -> float:
        """The validation score of ``network`` (its parameters as they are now)."""
        # views of the NumPy engine's parameters; fresh copies from any other device
        self.coefs_, self.intercepts_ = rows_from_params(network)
        return float(self._score(X_val, y_val, sample_weight=w_val))

    def _fitted(self, network: Network | Sequential) -> None:
        self.network_ = network
        if isinstance(network, Network):
            self.coefs_, self.intercepts_ = rows_from_params(network)

    def _publish(self, plan: Plan, state: PlateauState) -> None:
        """scikit-learn's fitted attributes from the stopping rule's state: ``t_``,
        ``loss_curve_``, ``loss_``, and ``best_loss_`` or (with early stopping)
        ``validation_scores_`` and ``best_validation_score_``."""
        self.t_ = state.examples_seen
        self.loss_curve_: list[float] = list(state.losses)
        if state.losses:
            self.loss_ = state.losses[-1]
        self.validation_scores_: list[float] | None = None
        self.best_validation_score_: float | None = None
        self.best_loss_: float | None = None
        if not plan.early_stopping:
            self.best_loss_ = state.best_loss
        elif not plan.watch_cost:
            self.validation_scores_ = list(state.scores)
            self.best_validation_score_ = state.best_score

    def _fit_lbfgs(
        self,
        plan: Plan,
        opt: optim.LBFGS,
        network: Network | Sequential,
        X: Any,
        Y: np.ndarray,
        sample_weight: Any,
        incremental: bool,
    ) -> None:
        options = FitOptions(
            optimizer=opt,
            epochs=1 if incremental else plan.max_iter,
            batch_size=None,
            l2=plan.l2,
            dropout=plan.dropout,
            verbose=plan.progress,
            seed=int(self._random_state.randint(np.iinfo(np.int32).max)),
            sample_weight=sample_weight,
        )
        history = self._train(network, X, Y, options)
        self._fitted(network)
        iterations = int(getattr(history, "lbfgs_iterations", len(history)))
        self.n_iter_ = min(iterations, plan.max_iter)
        self.loss_ = float(getattr(history, "lbfgs_cost", history[-1] if history else np.nan))
        if plan.output_cost == "mean" and isinstance(network, Network) and network.n_y > 1:
            # L-BFGS minimizes the sum's cost, whose gradient it is given; loss_ reports the mean
            m = float(X.shape[0] if sample_weight is None else np.sum(sample_weight))
            l2 = plan.l2 / (2 * m) * sum(float(np.vdot(W, W)) for W in self.coefs_)
            self.loss_ = (self.loss_ - l2) / network.n_y + l2
        status = int(getattr(history, "lbfgs_status", 0))
        if status != 0 and plan.warn_max_iter:
            message = getattr(history, "lbfgs_message", "")
            warnings.warn(
                f"lbfgs failed to converge after {self.n_iter_} iteration(s) (status={status}):"
                f"\n{message}\n\nIncrease the number of iterations to improve the convergence "
                f"(max_iter={plan.max_iter}).\nYou might also want to scale the data as shown "
                "in:\n    https://scikit-learn.org/stable/modules/preprocessing.html",
                ConvergenceWarning,
                stacklevel=4,
            )
        self._published(plan, history, incremental)

    # ----------------------------------------------------------- prediction

    def _forward_pass_fast(self, X: Any, check_input: bool = True) -> np.ndarray:
        """The network's output for the rows of X, chunk by chunk (from ``coefs_`` for a
        dense network)."""
        check_is_fitted(self, "network_")
        if check_input:
            X = self._validate_X(X, reset=False)
        network = self.network_
        if isinstance(network, Sequential):
            return _layered.proba(network, X)
        hidden = [g for g in network.activations[:-1]]
        return forward_rows(
            X, self.coefs_, self.intercepts_, hidden, OUTPUTS[self.out_activation_][0]
        )
