"""The L-layer network in the course's notation.

``layer_dims = [n_x, n[1], …, n[L]]``; X is ``(n_x, m)``, one column per example.

Forward, for l = 1 … L (``A[0] = X``)::

    Z[l] = W[l] A[l-1] + b[l]          W[l]: (n[l], n[l-1]),  b[l]: (n[l], 1)
    A[l] = g[l](Z[l])

Backward, from ``dZ[L] = A[L] − Y`` (matched output and loss) or
``dZ[L] = dA[L] * g'[L](Z[L])`` (any other pair), for l = L … 1::

    dW[l]   = (1/m) dZ[l] A[l-1]ᵀ
    db[l]   = (1/m) Σ_i dZ[l]          (sum over the examples, axis 1)
    dA[l-1] = W[l]ᵀ dZ[l]
    dZ[l-1] = dA[l-1] * g'[l-1](Z[l-1])

Logistic regression is the network with no hidden layer: ``[n_x, 1]`` with a
sigmoid output and the logistic loss (see :func:`logistic_regression`).

The math takes its array namespace from its inputs, so the same network trains
on NumPy, CuPy, PyTorch or any array-API library: parameters move to the
library of the data the first time they meet it.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from nndl import activations as _activations
from nndl import devices as _devices
from nndl import distributed as _distributed
from nndl import init as _init
from nndl import losses as _losses
from nndl.activations import Activation
from nndl.backend import (
    Array,
    all_finite,
    dtype_name,
    float_dtype,
    from_numpy,
    is_array,
    move_like,
    namespace,
    same_place,
    to_numpy,
    to_scalar,
)
from nndl.errors import NNDLTypeError, NNDLValueError, ShapeError, diverged
from nndl.losses import Loss

if TYPE_CHECKING:
    from pathlib import Path

    from nndl.callbacks import Callback, EarlyStopping
    from nndl.optim import Optimizer, Schedule
    from nndl.train import History


class LayerCache(NamedTuple):
    """What forward propagation keeps of layer l for backward propagation."""

    A_prev: Array
    """``A[l-1]``, shape ``(n[l-1], m)``."""
    W: Array
    """``W[l]``, shape ``(n[l], n[l-1])``."""
    b: Array
    """``b[l]``, shape ``(n[l], 1)``."""
    Z: Array
    """``Z[l] = W[l] A[l-1] + b[l]``, shape ``(n[l], m)``."""
    A: Array
    """``A[l] = g[l](Z[l])``, shape ``(n[l], m)`` (before dropout)."""
    D: Array | None = None
    """Inverted-dropout mask of layer l divided by keep_prob, or None without dropout;
    the next layer receives ``A[l] * D[l]``."""


class Network:
    """A fully connected network of L layers, trained by gradient descent.

    Parameters
    ----------
    layer_dims
        ``[n_x, n[1], …, n[L]]``: input size, then each layer's number of units.
        ``[n_x, 1]`` is logistic regression.
    activations
        The hidden layers' activation: one name for all (``"relu"``, the course's
        choice for deep networks) or a list, one per hidden layer.  A list of L
        entries also sets the output layer's.
    output
        The output layer's activation.  When neither it nor ``loss`` is given it
        follows from the task: n[L] = 1 → sigmoid + logistic loss,
        n[L] > 1 → softmax + cross-entropy.
    loss
        ``"logistic"``, ``"cross_entropy"`` or ``"mse"`` (or a Loss).  When only
        one of ``output`` and ``loss`` is given, the other is its matched pair.
    init
        ``"random"`` (N(0, 1) × 0.01, the course's default), ``"zeros"``,
        ``"scaled"``, ``"xavier"``, ``"he"``, or a callable ``(n, n_prev, rng) -> W``.
    seed
        An int (the course's ``numpy.random.seed``), a NumPy Generator, or None.
    dtype
        ``"float32"`` (default) or ``"float64"``.
    device
        Where the parameters live and the data is moved: ``"cpu"``, ``"cuda"``,
        ``"torch"``, ``"cupy"``, … (see :meth:`to`).  None (default): they follow
        the first data they meet.

    Examples
    --------
    >>> import nndl
    >>> X, Y = nndl.datasets.load_planar()
    >>> net = nndl.Network([2, 4, 1], activations="tanh", seed=2)
    >>> costs = net.fit(X, Y, learning_rate=1.2, epochs=10_000)
    >>> round(net.accuracy(X, Y), 2) >= 0.9
    True
    """

    def __init__(
        self,
        layer_dims: Sequence[int],
        activations: str | Activation | Sequence[str | Activation] = "relu",
        output: str | Activation | None = None,
        loss: str | Loss | None = None,
        init: str | _init.Initializer = "random",
        seed: _init.RandomSource = None,
        dtype: str = "float32",
        device: Any = None,
    ) -> None:
        self.layer_dims = _check_layer_dims(layer_dims)
        self.dtype = dtype_name(dtype)
        self.activations = _resolve_activations(self.L, self.n_y, activations, output, loss)
        self.loss = _resolve_loss(self.activations[-1], loss)
        self.init = init
        self.seed = seed
        numpy_params = _init.initialize(self.layer_dims, init, seed)
        self.info: dict[str, Any] = {}
        """JSON-able facts saved with the network: class names, standardization, data source."""
        self.params: dict[str, Array] = {k: v.astype(self.dtype) for k, v in numpy_params.items()}
        if device is not None:
            self.to(device)
        self.l2 = 0.0
        """L2 strength λ: ``cost`` adds ``(λ / 2m) Σ ||W[l]||²`` (set by ``fit(l2=...)``)."""

    # ------------------------------------------------------------------ facts

    @property
    def L(self) -> int:
        """The number of layers with parameters (hidden layers + the output layer)."""
        return len(self.layer_dims) - 1

    @property
    def n_x(self) -> int:
        """The number of input features (rows of X)."""
        return self.layer_dims[0]

    @property
    def n_y(self) -> int:
        """The number of output units (rows of Y)."""
        return self.layer_dims[-1]

    @property
    def output(self) -> Activation:
        """The output layer's activation g[L]."""
        return self.activations[-1]

    @property
    def fused_output(self) -> bool:
        """True when output and loss are a matched pair, so ``dZ[L] = A[L] − Y``."""
        return self.output.name == self.loss.output

    @property
    def task(self) -> str:
        """``"binary"``, ``"multiclass"`` or ``"regression"``, from the output and loss."""
        if self.output.name == "softmax":
            return "multiclass"
        if self.output.name == "sigmoid" and self.loss.name == "logistic":
            return "binary"
        return "regression"

    def config(self) -> dict[str, Any]:
        """A JSON-able description of the architecture (not the parameters)."""
        return {
            "layer_dims": list(self.layer_dims),
            "activations": [g.config() for g in self.activations],
            "loss": self.loss.config(),
            "dtype": self.dtype,
        }

    def copy(self, dtype: str | None = None) -> Network:
        """An independent copy (parameters copied to NumPy), optionally in another dtype."""
        clone = copy.copy(self)
        clone.dtype = self.dtype if dtype is None else dtype_name(dtype)
        clone.params = {k: np.array(to_numpy(v), dtype=clone.dtype) for k, v in self.params.items()}
        clone._placement = None
        return clone

    _placement: _devices.Placement | None = None

    @property
    def device(self) -> str:
        """Where the parameters live: ``"numpy"``, ``"torch:cpu"``, ``"cupy:cuda:0"``, …"""
        return str(_devices.placement_of(self.params["W1"]))

    def to(self, device: Any) -> Network:
        """Move the parameters to ``device`` and keep them there; returns the network.

        ``device``: ``"cpu"``, ``"cuda"`` (``"cuda:1"``), ``"numpy"``, ``"torch"``,
        ``"torch:cuda"``, ``"cupy"`` or a ``torch.device`` (see :mod:`nndl.devices`).
        Data given to ``fit``, ``predict``, … afterwards is moved there too.  Raises
        :class:`nndl.devices.DeviceError` when a GPU is asked for and absent.
        """
        placement = _devices.resolve(device, current=_devices.library_of(self.params["W1"]))
        self.params = {k: _devices.move(v, placement) for k, v in self.params.items()}
        self._placement = placement
        return self

    def __repr__(self) -> str:
        layers = " → ".join(
            [str(self.n_x)]
            + [f"{n} {g.name}" for n, g in zip(self.layer_dims[1:], self.activations, strict=True)]
        )
        return f"Network({layers}; loss={self.loss.name}, dtype={self.dtype})"

    # ------------------------------------------------------------- the math

    def forward(self, X: Array) -> tuple[Array, list[LayerCache]]:
        """Forward propagation: ``(A[L], caches)``, caches[l-1] holding layer l's values."""
        return self._forward(self._check_X(X))

    def backward(self, AL: Array, Y: Array, caches: list[LayerCache]) -> dict[str, Array]:
        """Backward propagation: ``{"dW1": …, "db1": …, …, "dWL": …, "dbL": …}``.

        ``AL`` and ``caches`` come from :meth:`forward` on the same examples as ``Y``.
        """
        if len(caches) != self.L:
            raise NNDLValueError(
                f"backward needs the {self.L} layer caches that forward returned. "
                f"Received: {len(caches)} caches"
            )
        return self._backward(AL, self._check_Y(Y, m=AL.shape[1], like=AL), caches)

    def cost(self, X: Array, Y: Array) -> float:
        """The cost ``J = (1/m) Σ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾)`` on (X, Y)."""
        X, Y = self._check_data(X, Y)
        AL, caches = self._forward(X)
        return to_scalar(self._cost(AL, caches, Y))

    def gradients(self, X: Array, Y: Array) -> tuple[float, dict[str, Array]]:
        """``(J, grads)``: one forward and one backward pass over (X, Y)."""
        X, Y = self._check_data(X, Y)
        AL, caches = self._forward(X)
        return to_scalar(self._cost(AL, caches, Y)), self._backward(AL, Y, caches)

    def predict_proba(self, X: Array) -> Array:
        """The network's output ``A[L] = ŷ``, shape ``(n_y, m)``."""
        if _distributed.is_dask(X):  # lazy, chunk by chunk where the chunks live
            return _distributed.predict_dask(self, X, proba=True)
        AL, _ = self.forward(X)
        return AL

    def predict(self, X: Array) -> Array:
        """Predictions of shape ``(n_y, m)``, or ``(1, m)`` class indices for softmax.

        Binary (sigmoid): 1 where ŷ > 0.5, else 0.  Softmax: argmax over the
        classes.  Regression: ŷ itself.
        """
        if _distributed.is_dask(X):  # lazy, chunk by chunk where the chunks live
            return _distributed.predict_dask(self, X)
        AL = self.predict_proba(X)
        xp = namespace(AL)
        if self.output.name == "softmax":
            return xp.reshape(xp.argmax(AL, axis=0), (1, AL.shape[1]))
        if self.task == "binary":
            return xp.astype(AL > 0.5, xp.int64)
        return AL

    def accuracy(self, X: Array, Y: Array) -> float:
        """The fraction of examples classified correctly (classification networks only)."""
        if self.task == "regression":
            raise NNDLValueError(
                "accuracy is defined for classification networks; this one does regression "
                f"(output {self.output.name}, loss {self.loss.name}): use cost(X, Y) instead"
            )
        X, Y = self._check_data(X, Y)
        if _distributed.is_dask(X):  # predicted chunk by chunk where the chunks live
            xp = namespace(X)
            pred = self.predict(X)
            if self.output.name == "softmax":
                truth = xp.reshape(xp.argmax(Y, axis=0), (1, Y.shape[1]))
                return to_scalar(xp.mean(xp.astype(pred == truth, xp.float64)))
            correct = xp.all(xp.astype(pred, Y.dtype) == Y, axis=0)
            return to_scalar(xp.mean(xp.astype(correct, xp.float64)))
        AL, _ = self._forward(X)  # X is checked already: not predict, which checks again
        return self._correct(AL, Y) / int(X.shape[1])

    # ------------------------------------------------------------- training

    def fit(
        self,
        X: Array,
        Y: Array,
        learning_rate: float | Schedule = 0.0075,
        epochs: int = 3000,
        print_every: int | None = None,
        callback: Callable[[int, float], None] | None = None,
        *,
        optimizer: str | Optimizer | dict[str, Any] | None = None,
        schedule: str | Schedule | dict[str, Any] | None = None,
        batch_size: int | None = None,
        shuffle: bool = True,
        l2: float = 0.0,
        dropout: float | Sequence[float] = 0.0,
        validation_split: float = 0.0,
        validation_data: tuple[Array, Array] | None = None,
        early_stopping: bool | EarlyStopping = False,
        patience: int = 10,
        callbacks: Sequence[Callback] = (),
        checkpoint: str | Path | None = None,
        checkpoint_every: int = 1,
        resume_from: str | Path | None = None,
        verbose: int = 0,
        seed: int | None = None,
        engine: str = "auto",
    ) -> History:
        """Train the network; by default the course's batch gradient descent.

        With the defaults every epoch is one step ``θ := θ − α dθ`` on all m
        examples, and the result is the cost of every epoch, computed on the
        forward pass of that epoch (before its update), as the course does.

        Parameters
        ----------
        X, Y
            Training data, ``(n_x, m)`` and ``(n_y, m)`` (softmax also takes integer
            labels ``(1, m)``).
        learning_rate
            α, or an :class:`nndl.optim.Schedule`.
        epochs
            Passes over the training set (for ``optimizer="lbfgs"``: iterations).
        print_every
            Print ``Cost after iteration i: J`` every k epochs.
        callback
            ``callback(epoch, cost)`` after every epoch.
        optimizer
            ``"gd"`` (default), ``"momentum"``, ``"rmsprop"``, ``"adam"``, ``"lbfgs"``
            (full batch, SciPy), or an :class:`nndl.optim.Optimizer`.
        schedule
            Learning-rate schedule starting at ``learning_rate``: ``"constant"``,
            ``"inverse_time"``, ``"exponential"``, ``"step"`` or a Schedule.
        batch_size
            Mini-batch size B (None: all m examples, the course's batch GD).  The
            examples are reshuffled every epoch from ``seed``; the last, partial
            batch is kept.
        shuffle
            Reshuffle before every epoch (mini-batches only).
        l2
            L2 strength λ: the cost gains ``(λ / 2m) Σ ||W[l]||²`` and
            ``dW[l]`` gains ``(λ / m) W[l]``.  Stays set on the network (``self.l2``).
        dropout
            Inverted dropout rate of the hidden layers (one rate or one per hidden
            layer), during training only; prediction never drops units.
        validation_split, validation_data
            Hold out a seeded random fraction of (X, Y), or give ``(X_val, Y_val)``;
            the history then records ``val_cost`` (without the L2 term) and
            ``val_accuracy`` after every epoch.
        early_stopping, patience
            Stop when the validation cost (else the training cost) has not improved
            for ``patience`` epochs and restore the best epoch's parameters.  An
            :class:`nndl.callbacks.EarlyStopping` may be passed for more control.
        callbacks
            :class:`nndl.callbacks.Callback` objects.
        checkpoint, checkpoint_every
            Save a training checkpoint to this path every N epochs.
        resume_from
            A checkpoint to continue from; the run ends bit-identical to one that
            was never interrupted.
        verbose
            0: silent; 1: a progress bar with the current cost (only on a terminal);
            2: one line per epoch.
        seed
            Seed of the shuffles, dropout masks and validation split (default: the
            network's seed).
        engine
            ``"auto"``: a specialised NumPy engine for mini-batches on NumPy arrays,
            else the generic array-API one; ``"generic"`` or ``"numpy"`` to choose.

        Returns
        -------
        History
            A list of the per-epoch training costs, with ``history`` (cost,
            accuracy, val_cost, val_accuracy, learning_rate per epoch),
            ``interrupted`` (Ctrl-C stops cleanly and returns what was trained),
            ``stopped_early`` and ``best_epoch``.

        Raises :class:`~nndl.errors.DivergenceError` if the cost or an update
        becomes NaN or infinite; the parameters are then those of the last finite step.
        """
        from nndl import train

        if _distributed.is_dask(X):  # trains on the Dask cluster, chunk by chunk
            costs = _distributed.fit_dask(
                self,
                X,
                Y,
                learning_rate,  # type: ignore[arg-type]
                epochs,
                batch_size=batch_size,
                l2=l2,
                optimizer=optimizer,
                seed=seed,
                print_every=print_every,
                callback=callback,
            )
            return train.History(costs)
        return train.fit(
            self,
            X,
            Y,
            learning_rate,
            epochs,
            optimizer=optimizer,
            schedule=schedule,
            batch_size=batch_size,
            shuffle=shuffle,
            l2=l2,
            dropout=dropout,
            validation_split=validation_split,
            validation_data=validation_data,
            early_stopping=early_stopping,
            patience=patience,
            callbacks=callbacks,
            checkpoint=checkpoint,
            checkpoint_every=checkpoint_every,
            resume_from=resume_from,
            verbose=verbose,
            seed=seed,
            print_every=print_every,
            callback=callback,
            engine=engine,
        )

    def save(self, path: str | Path) -> Path:
        """Save the architecture and parameters to ``path`` (``.npz``); see :func:`nndl.load`."""
        from nndl import io

        return io.save(self, path)

    def update(self, grads: dict[str, Array], learning_rate: float) -> None:
        """One gradient-descent step: ``W[l] := W[l] − α dW[l]``, ``b[l] := b[l] − α db[l]``."""
        learning_rate = _check_learning_rate(learning_rate)
        new = {k: v - learning_rate * grads["d" + k] for k, v in self.params.items()}
        bad = [k for k, v in new.items() if not all_finite(v)]
        if bad:
            raise diverged(f"the update of {', '.join(bad)} became non-finite", learning_rate)
        self.params = new

    # ------------------------------------------- one layer's linear part

    @staticmethod
    def linear_forward(A_prev: Array, W: Array, b: Array) -> Array:
        """The linear part of layer l: ``Z[l] = W[l] A[l-1] + b[l]``.

        ``A_prev`` is ``(n[l-1], m)``, ``W`` ``(n[l], n[l-1])``, ``b`` ``(n[l], 1)``
        (broadcast over the m columns); Z is ``(n[l], m)``.
        """
        return W @ A_prev + b

    @staticmethod
    def linear_backward(
        dZ: Array, A_prev: Array, W: Array, with_dA_prev: bool = True
    ) -> tuple[Array | None, Array, Array]:
        """The linear part of layer l backwards: ``(dA[l-1], dW[l], db[l])`` from ``dZ[l]``.

        ``dW[l] = (1/m) dZ[l] A[l-1]ᵀ`` ``(n[l], n[l-1])``, ``db[l] = (1/m) Σ_i dZ[l]``
        ``(n[l], 1)``, ``dA[l-1] = W[l]ᵀ dZ[l]`` ``(n[l-1], m)`` (None when
        ``with_dA_prev`` is False: layer 1 needs no dA[0]).  No L2 term.
        """
        m = dZ.shape[1]
        dW = (dZ @ A_prev.T) / m
        db = namespace(dZ).sum(dZ, axis=1, keepdims=True) / m
        return (W.T @ dZ if with_dA_prev else None), dW, db

    # ------------------------------------------------------------ internals

    def _forward(
        self,
        X: Array,
        keep_probs: Sequence[float] | None = None,
        rng: np.random.Generator | None = None,
    ) -> tuple[Array, list[LayerCache]]:
        """Forward propagation; with ``keep_probs`` (one per hidden layer) and ``rng``,
        inverted dropout: ``D = (U < keep_prob) / keep_prob``, the next layer sees ``A * D``."""
        A = X
        caches: list[LayerCache] = []
        for l in range(1, self.L + 1):
            W, b = self.params[f"W{l}"], self.params[f"b{l}"]
            Z = self.linear_forward(A, W, b)
            A_l = self.activations[l - 1].forward(Z)
            D = None
            if keep_probs is not None and l < self.L and keep_probs[l - 1] < 1.0:
                keep = keep_probs[l - 1]
                if rng is None:
                    raise NNDLValueError("dropout needs a random generator (rng)")
                mask = (rng.random(tuple(Z.shape)) < keep).astype(self.dtype) / keep
                D = from_numpy(mask, Z)  # already in self.dtype
            caches.append(LayerCache(A, W, b, Z, A_l, D))
            A = A_l if D is None else A_l * D
        return A, caches

    def _data_cost(self, AL: Array, caches: list[LayerCache], Y: Array) -> Array:
        """The cost without the L2 term: from Z[L] for a matched output and loss (stable)."""
        if self.fused_output:
            return self.loss.value_from_Z(caches[-1].Z, Y)
        return self.loss.value(AL, Y)

    def _cost(self, AL: Array, caches: list[LayerCache], Y: Array) -> Array:
        J = self._data_cost(AL, caches, Y)
        if self.l2 > 0:
            xp = namespace(AL)
            squares = sum(xp.sum(c.W * c.W) for c in caches)
            J = J + (self.l2 / (2 * AL.shape[1])) * squares
        return J

    def _correct(self, AL: Array, Y: Array) -> float:
        """How many examples (columns) ``AL`` classifies right: argmax for softmax, else
        every output on the right side of 0.5."""
        xp = namespace(AL)
        if self.output.name == "softmax":
            hits = xp.argmax(AL, axis=0) == xp.argmax(Y, axis=0)
        else:
            hits = xp.all(xp.astype(AL > 0.5, Y.dtype) == Y, axis=0)
        return to_scalar(xp.sum(xp.astype(hits, xp.float64)))

    def _backward(self, AL: Array, Y: Array, caches: list[LayerCache]) -> dict[str, Array]:
        m = AL.shape[1]
        if self.fused_output:
            dZ = AL - Y
        else:
            dZ = self.output.backward(self.loss.gradient(AL, Y), caches[-1].Z, AL)
        grads: dict[str, Array] = {}
        for l in range(self.L, 0, -1):
            A_prev, W = caches[l - 1].A_prev, caches[l - 1].W
            dA_prev, grads[f"dW{l}"], grads[f"db{l}"] = self.linear_backward(
                dZ, A_prev, W, with_dA_prev=l > 1
            )
            if self.l2 > 0:
                grads[f"dW{l}"] = grads[f"dW{l}"] + (self.l2 / m) * W
            if dA_prev is not None:
                below = caches[l - 2]
                if below.D is not None:
                    dA_prev = dA_prev * below.D
                dZ = self.activations[l - 2].backward(dA_prev, below.Z, below.A)
        return {k: grads[k] for k in sorted(grads, key=_param_order)}

    def _to_backend_of(self, X: Array) -> None:
        """Move the parameters to X's array library and device, if they are elsewhere."""
        if not same_place(self.params["W1"], X):
            self.params = {k: move_like(v, X) for k, v in self.params.items()}

    def _as_array(self, name: str, value: Any) -> Array:
        if is_array(value):
            return value
        if isinstance(value, (list, tuple)) or np.isscalar(value):
            return np.asarray(value)
        raise NNDLTypeError(
            f"{name} must be an array (NumPy, CuPy, PyTorch, …). "
            f"Received: {name} of type {type(value).__name__}"
        )

    def _check_X(self, X: Any) -> Array:
        X = self._as_array("X", X)
        shape = tuple(X.shape)
        if len(shape) != 2:
            hint = (
                f" A rank-1 array is ambiguous: use X.reshape({self.n_x}, -1) for "
                f"{self.n_x} features, or X.reshape(-1, 1) for one example."
                if len(shape) == 1
                else " Flatten each example first: X.reshape(X.shape[0], -1).T gives (n_x, m)."
            )
            raise ShapeError(
                f"X must be a 2-D array of shape (n_x, m) = ({self.n_x}, m). "
                f"Received: X.shape={shape}.{hint}"
            )
        if shape[0] != self.n_x:
            hint = (
                " It looks like one row per example: pass X.T, or use the estimator API "
                "(nndl.NeuralNetClassifier), which takes (m, n)."
                if shape[1] == self.n_x
                else f" The network was built with layer_dims[0] = {self.n_x}."
            )
            raise ShapeError(
                f"X has shape {shape} but the network expects n_x={self.n_x} rows "
                f"(one column per example).{hint}"
            )
        if shape[1] == 0:
            raise ShapeError("X has no examples (m = 0): pass at least one column.")
        xp = namespace(X)
        if not xp.isdtype(X.dtype, ("real floating", "integral", "bool")):
            raise NNDLTypeError(f"X must hold real numbers. Received: X.dtype={X.dtype}")
        if not all_finite(X):
            raise NNDLValueError(
                "X contains NaN or infinite values: remove or impute them before training "
                "(for example with numpy.nan_to_num or by dropping those examples)."
            )
        if self._placement is not None:
            X = _devices.move(X, self._placement)
            xp = namespace(X)
        self._to_backend_of(X)
        target = float_dtype(xp, self.dtype)
        return X if X.dtype == target else xp.astype(X, target)

    def _check_Y(self, Y: Any, m: int, like: Array) -> Array:
        Y = self._as_array("Y", Y)
        shape = tuple(Y.shape)
        if len(shape) != 2:
            hint = " Use Y.reshape(1, -1) for one row of labels." if len(shape) == 1 else ""
            raise ShapeError(
                f"Y must be a 2-D array of shape (n_y, m) = ({self.n_y}, {m}). "
                f"Received: Y.shape={shape}.{hint}"
            )
        if shape[1] != m:
            hint = " It looks like one row per example: pass Y.T." if shape[0] == m else ""
            raise ShapeError(
                f"Y has {shape[1]} columns (examples) but X has m={m}: they must match. "
                f"Received: Y.shape={shape}.{hint}"
            )
        Y = move_like(Y, like)
        xp = namespace(Y)
        if not all_finite(Y):
            raise NNDLValueError(
                "Y contains NaN or infinite values: every example needs a finite target."
            )
        if self.output.name == "softmax" and shape[0] == 1 and self.n_y > 1:
            Y = self._one_hot_labels(Y)
        elif shape[0] != self.n_y:
            raise ShapeError(
                f"Y has {shape[0]} rows but the network has n_y={self.n_y} output units. "
                f"Received: Y.shape={shape}."
            )
        Y = xp.astype(Y, float_dtype(xp, self.dtype))
        self.loss.check_targets(Y)
        return Y

    def _one_hot_labels(self, labels: Array) -> Array:
        xp = namespace(labels)
        is_int = (
            xp.all(labels == xp.round(labels))
            if xp.isdtype(labels.dtype, "real floating")
            else True
        )
        low, high = to_scalar(xp.min(labels)), to_scalar(xp.max(labels))
        if not is_int or low < 0 or high >= self.n_y:
            raise NNDLValueError(
                f"integer class labels must be in 0 … {self.n_y - 1} for a softmax output of "
                f"{self.n_y} units. Received: labels from {low:g} to {high:g}."
            )
        return _losses.one_hot(labels, self.n_y)

    def _check_data(self, X: Any, Y: Any) -> tuple[Array, Array]:
        X = self._check_X(X)
        return X, self._check_Y(Y, m=X.shape[1], like=X)


def logistic_regression(n_x: int, **kwargs: Any) -> Network:
    """Logistic regression as a neural network: ŷ = σ(w·x + b), the logistic loss.

    The network ``[n_x, 1]`` with no hidden layer; its ``W1`` is ``wᵀ`` of shape
    ``(1, n_x)``.  Weights start at zero, as in the course (no hidden units, so no
    symmetry to break).
    """
    kwargs.setdefault("init", "zeros")
    kwargs.setdefault("output", "sigmoid")
    kwargs.setdefault("loss", "logistic")
    return Network([n_x, 1], **kwargs)


# ------------------------------------------------------------------- checks


def _param_order(name: str) -> tuple[int, str]:
    """Sort W1, b1, W2, b2, … (and dW1, db1, …) by layer, W before b."""
    stem = name.lstrip("d")
    return int(stem[1:]), stem[0]


def _check_layer_dims(layer_dims: Sequence[int]) -> list[int]:
    if isinstance(layer_dims, (str, bytes)) or not isinstance(layer_dims, Sequence):
        raise NNDLTypeError(
            "layer_dims must be a list of layer sizes [n_x, n[1], …, n[L]]. "
            f"Received: layer_dims={layer_dims!r}"
        )
    dims = list(layer_dims)
    if len(dims) < 2:
        raise NNDLValueError(
            "layer_dims needs at least the input size and the output size, e.g. [n_x, 1] for "
            f"logistic regression. Received: layer_dims={dims}"
        )
    for l, n in enumerate(dims):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise NNDLValueError(
                f"every layer size must be an integer >= 1; layer_dims[{l}] is {n!r}. "
                f"Received: layer_dims={dims}"
            )
    return [int(n) for n in dims]


def _resolve_activations(
    L: int,
    n_y: int,
    activations: str | Activation | Sequence[str | Activation],
    output: str | Activation | None,
    loss: str | Loss | None,
) -> list[Activation]:
    if isinstance(activations, (str, Activation)):
        hidden = [_activations.get(activations) for _ in range(L - 1)]
    else:
        given = [_activations.get(a) for a in activations]
        if len(given) == L:
            if output is not None and _activations.get(output) != given[-1]:
                raise NNDLValueError(
                    f"activations lists {L} layers, whose last ({given[-1].name}) is the output, "
                    f"but output={output!r} was given too: give one or the other"
                )
            hidden, output = given[:-1], given[-1]
        elif len(given) == L - 1:
            hidden = given
        else:
            raise NNDLValueError(
                f"activations must name one activation for each of the {L - 1} hidden layers "
                f"(or {L} including the output layer). Received: {len(given)} activations"
            )
    for l, g in enumerate(hidden, start=1):
        if not g.elementwise:
            raise NNDLValueError(
                f"{g.name} can only be the output activation; hidden layer {l} needs one of "
                f"{', '.join(_activations.HIDDEN_ACTIVATIONS)}"
            )
    if output is None:
        if loss is not None:
            matched = _losses.get(loss).output
            if not matched:
                raise NNDLValueError(
                    f"the loss {loss!r} has no matched output activation: pass output=..."
                )
            output = matched
        else:
            output = "sigmoid" if n_y == 1 else "softmax"
    return [*hidden, _activations.get(output)]


def _resolve_loss(output: Activation, loss: str | Loss | None) -> Loss:
    if loss is not None:
        return _losses.get(loss)
    if output.name not in _losses.LOSS_FOR_OUTPUT:
        raise NNDLValueError(
            f"there is no default loss for a {output.name} output: pass loss= one of "
            f"{', '.join(_losses.LOSSES)}"
        )
    return _losses.get(_losses.LOSS_FOR_OUTPUT[output.name])


def _check_learning_rate(learning_rate: float) -> float:
    if (
        isinstance(learning_rate, bool)
        or not isinstance(learning_rate, (int, float, np.floating, np.integer))
        or not math.isfinite(float(learning_rate))
        or learning_rate <= 0
    ):
        raise NNDLValueError(
            "learning_rate must be a finite number > 0 (the course uses values from 0.005 "
            f"to 1.2). Received: learning_rate={learning_rate!r}"
        )
    return float(learning_rate)


def _check_l2(l2: Any) -> float:
    ok = isinstance(l2, (int, float, np.floating)) and not isinstance(l2, bool)
    if not ok or not math.isfinite(float(l2)) or l2 < 0:
        raise NNDLValueError(
            "l2 (the regularization strength λ) must be a number >= 0, e.g. 0.01 or 0.7. "
            f"Received: l2={l2!r}"
        )
    return float(l2)
