"""A model as a sequence of layers: convolutions, pooling, batch norm, dropout, dense.

``Sequential([Conv2D(8, 3, pad="same", activation="relu"), MaxPool2D(2), Flatten(),
Dense(1, activation="sigmoid")], input_shape=(64, 64, 3))`` takes pictures
``X`` ``(m, 64, 64, 3)`` and labels ``Y`` ``(1, m)``.  Each layer turns ``A[l-1]`` into
``A[l]`` and keeps a cache; the last layer is ``Dense`` with the output activation, paired
with its loss as in :class:`nndl.Network`, so ``dZ[L] = A[L] − Y`` for a matched pair.
Backward propagation walks the layers from the last to the first, each giving ``dA`` to
the one before it and its parameter gradients (with the cost's 1/m) to the model.

The parameters are named by the course's letters and the layer's number among the layers
that have parameters: ``W1, b1`` (a convolution), ``gamma2, beta2`` (its batch norm),
``W3, b3`` (a dense layer), …, and their gradients ``dW1, db1, …``.  The model offers the
training contract of :class:`nndl.Network` (``check_data``, ``forward_pass``,
``data_cost``, ``l2_term``, ``full_cost``, ``count_correct``, ``backward_pass``).

A sequence-to-sequence model ends in a ``Dense`` layer applied at every time step (after a
recurrent layer with ``return_sequences=True``): its output ``ŷ`` and the targets ``Y`` are
the sequence course's ``(n_y, m, T_x)``, and the cost of a sequence is the sum of its steps'
losses, ``J = (1/m) Σ_i Σ_t L(ŷ⁽ⁱ⁾⟨t⟩, y⁽ⁱ⁾⟨t⟩)``, over the real steps only when the
sequences are masked (a padded step adds nothing to the cost or the gradients).  The
accuracy is the fraction of real steps classified right.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from nndl.arrays import conv_kernels
from nndl.arrays.backend import (
    Array,
    all_finite,
    dtype_name,
    float_dtype,
    move_like,
    namespace,
    same_place,
    to_numpy,
    to_scalar,
)
from nndl.errors import NNDLTypeError, NNDLValueError, ShapeError
from nndl.model import init as _init
from nndl.model.activations import Activation
from nndl.model.checks import as_array, check_numbers, check_X, check_Y, resolve_loss
from nndl.model.fitting import Trainable
from nndl.model.layers import Dense, Layer
from nndl.model.layers.convolutional import Conv2D, Pool2D, fold_relu_into_pools
from nndl.model.layers.dense import steps_as_columns
from nndl.model.losses import Loss
from nndl.model.outputs import OutputRules


class Sequential(OutputRules, Trainable):
    """Layers applied one after another, trained like :class:`nndl.Network`.

    ``model.fit(X, Y, learning_rate, epochs, **options)`` takes the network's options.

    Parameters
    ----------
    layers : sequence of Layer
        The layers, first to last; the last is a ``Dense`` layer whose activation is the
        output's (sigmoid, softmax or linear).
    input_shape : sequence of int
        The shape of one example: ``(n_x,)`` for vectors (then X is ``(n_x, m)``, the first
        course's layout), ``(n_H, n_W, n_C)`` for pictures or ``(n_W, n_C)`` for sequences
        (then X is ``(m, …)``, the convolutional course's layout).
    loss : str or Loss, optional
        As :class:`nndl.Network`'s: by default the one matched with the output activation.
    seed : int or numpy.random.Generator, optional
        As :class:`nndl.Network`'s: it draws every layer's weights in order.
    dtype : str, default "float32"
        As :class:`nndl.Network`'s.

    Examples
    --------
    >>> import nndl
    >>> from nndl.layers import Dense, Dropout, Sequential
    >>> X, Y = nndl.datasets.make_moons(200, noise=0.1, seed=0)
    >>> model = Sequential([Dense(16), Dropout(0.1), Dense(1, "sigmoid")], (2,), seed=0)
    >>> history = model.fit(X, Y, learning_rate=0.01, epochs=200, optimizer="adam")
    >>> model.accuracy(X, Y) > 0.9
    True
    """

    def __init__(
        self,
        layers: Sequence[Layer],
        input_shape: Sequence[int],
        loss: str | Loss | None = None,
        seed: _init.RandomSource = None,
        dtype: str = "float32",
    ) -> None:
        self.layers = list(layers)
        bad = [layer for layer in self.layers if not isinstance(layer, Layer)]
        if not self.layers or bad:
            raise NNDLTypeError(
                "layers must be a non-empty list of nndl.layers objects (Dense, Conv2D, …). "
                f"Received: {bad[0] if bad else 'an empty list'!r}"
            )
        if not isinstance(self.layers[-1], Dense):
            raise NNDLValueError(
                "the last layer must be a Dense layer with the output activation, e.g. "
                f"Dense(1, activation='sigmoid'). Received: {self.layers[-1]!r}"
            )
        self.input_shape = tuple(int(n) for n in input_shape)
        if not self.input_shape or any(n < 1 for n in self.input_shape):
            raise NNDLValueError(
                f"input_shape must be the shape of one example, each size >= 1. "
                f"Received: input_shape={tuple(input_shape)!r}"
            )
        self.dtype = dtype_name(dtype)
        self.seed = seed
        rng = _init.make_rng(seed)
        shape = self.input_shape
        masked_by: Layer | None = None  # the layer whose mask of padded steps goes on
        for layer in self.layers:
            if masked_by is not None and not layer.passes_mask:
                raise NNDLValueError(
                    f"a {type(layer).__name__} layer cannot take the mask of padded steps that "
                    f"{masked_by!r} makes (it would treat the padding as data): put it after a "
                    "recurrent layer that returns its last state (LSTM(n) without "
                    "return_sequences), or leave the padding unmasked"
                )
            shape = layer.build(shape, rng, self.dtype)
            if layer.makes_mask:
                masked_by = layer
            elif len(shape) != 2:  # no longer sequences (T_x, n): the mask is used up
                masked_by = None
        self.layers[0].first = True  # its backward pass leaves out the data's gradient
        fold_relu_into_pools(self.layers)  # a max pool's backward pass does ReLU's
        self.loss = resolve_loss(self.output, loss)
        self._output_mask: tuple[Array, Array] | None = None
        """The last forward pass's sequence output and its mask (for ``count_correct``)."""
        self.l2 = 0.0
        """L2 strength λ on every weight ``W`` (convolution filters included)."""
        self.info: dict[str, Any] = {}
        numbered = list(enumerate((i for i, ly in enumerate(self.layers) if ly.params), start=1))
        self._names = [
            (i, name, f"{name}{l}") for l, i in numbered for name in self.layers[i].params
        ]
        self._state_names = [
            (i, name, f"{name}{l}") for l, i in numbered for name in self.layers[i].state
        ]

    # ------------------------------------------------------------------ facts

    @property
    def columns(self) -> bool:
        """True when X is ``(n_x, m)`` (vectors); False for ``(m, …)`` (pictures, sequences)."""
        return len(self.input_shape) == 1 and not self.layers[0].takes_tokens

    @property
    def example_axis(self) -> int:
        """The axis of X that counts the examples: 1 for ``(n_x, m)``, 0 for ``(m, …)``."""
        return 1 if self.columns else 0

    @property
    def output(self) -> Activation:
        last = self.layers[-1]
        assert isinstance(last, Dense)
        return last.activation

    @property
    def n_y(self) -> int:
        """The number of output units (rows of Y)."""
        return self.layers[-1].output_shape[-1]

    @property
    def sequence_output(self) -> bool:
        """True when the last layer is a ``Dense`` at every step: ŷ is ``(n_y, m, T_x)``."""
        return len(self.layers[-1].output_shape) == 2

    @property
    def stochastic(self) -> bool:
        """True when training draws random numbers (a Dropout layer)."""
        return any(layer.stochastic for layer in self.layers)

    @property
    def params(self) -> dict[str, Array]:
        """Every trainable parameter by its model name (``W1``, ``b1``, ``gamma2``, …)."""
        return {key: self.layers[i].params[name] for i, name, key in self._names}

    @params.setter
    def params(self, values: dict[str, Array]) -> None:
        for i, name, key in self._names:
            self.layers[i].params[name] = values[key]

    @property
    def state(self) -> dict[str, Array]:
        """What the layers keep untrained (``mean2``, ``var2``: batch norm's running averages)."""
        return {key: self.layers[i].state[name] for i, name, key in self._state_names}

    @state.setter
    def state(self, values: dict[str, Array]) -> None:
        for i, name, key in self._state_names:
            self.layers[i].state[name] = values[key]

    def config(self) -> dict[str, Any]:
        """A JSON-able description of the architecture (not the parameters)."""
        return {
            "input_shape": list(self.input_shape),
            "layers": [layer.config() for layer in self.layers],
            "loss": self.loss.config(),
            "dtype": self.dtype,
        }

    def copy(self, dtype: str | None = None) -> Sequential:
        """An independent copy, optionally in another dtype.

        Parameters and running averages are copied to NumPy.
        """
        clone = copy.copy(self)
        clone.dtype = self.dtype if dtype is None else dtype_name(dtype)
        clone.layers = [copy.copy(layer) for layer in self.layers]
        for layer in clone.layers:
            layer.params = {k: np.array(to_numpy(v), clone.dtype) for k, v in layer.params.items()}
            layer.state = {k: np.array(to_numpy(v), clone.dtype) for k, v in layer.state.items()}
        return clone

    def summary(self) -> str:
        """One line per layer: what it is, the shape of one example after it, its parameters."""
        rows = [("input", str(self.input_shape), "0")]
        for layer in self.layers:
            count = sum(math.prod(tuple(int(n) for n in p.shape)) for p in layer.params.values())
            rows.append((layer.describe(), str(layer.output_shape), f"{count:,}"))
        widths = [max(len(r[c]) for r in rows) for c in range(3)]
        lines = ["  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True)) for r in rows]
        total = sum(math.prod(tuple(int(n) for n in p.shape)) for p in self.params.values())
        return "\n".join([*lines, f"Total parameters: {total:,}    loss: {self.loss.name}"])

    def __repr__(self) -> str:
        inner = ", ".join(repr(layer) for layer in self.layers)
        return f"Sequential([{inner}], input_shape={self.input_shape})"

    # ------------------------------------------------------------- the math

    def forward(self, X: Array) -> tuple[Array, list[Any]]:
        """Forward propagation at test time (batch norm's running averages, no dropout)."""
        return self.forward_pass(self.check_X(X), training=False)

    def predict_proba(self, X: Array) -> Array:
        """The output ``A[L] = ŷ``, shape ``(n_y, m)`` (``(n_y, m, T_x)`` for sequences)."""
        return self.forward(X)[0]

    def predict(self, X: Array) -> Array:
        """Predictions: ``(1, m)`` class indices for softmax, 0/1 for sigmoid, else ŷ.

        For sequences ``(1, m, T_x)`` and ``(n_y, m, T_x)``.
        """
        return self.labels(self.predict_proba(X))

    def accuracy(self, X: Array, Y: Array) -> float:
        """The fraction of examples classified correctly (at test time)."""
        X, Y = self.check_data(X, Y)
        AL, _ = self.forward_pass(X, training=False)
        return self.count_correct(AL, Y) / int(AL.shape[1])

    def cost(self, X: Array, Y: Array) -> float:
        """``J = (1/m) Σ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾)`` at test time (plus the L2 term)."""
        X, Y = self.check_data(X, Y)
        AL, caches = self.forward_pass(X, training=False)
        return to_scalar(self.full_cost(AL, caches, Y))

    def gradients(self, X: Array, Y: Array) -> tuple[float, dict[str, Array]]:
        """``(J, grads)`` of one training-mode forward and backward pass over (X, Y)."""
        X, Y = self.check_data(X, Y)
        AL, caches = self.forward_pass(X)
        return to_scalar(self.full_cost(AL, caches, Y)), self.backward_pass(AL, Y, caches)

    # ------------------------------------------------- the training contract

    def forward_pass(
        self,
        X: Array,
        keep_probs: Sequence[float] | None = None,
        rng: np.random.Generator | None = None,
        training: bool = True,
    ) -> tuple[Array, list[Any]]:
        """``(A[L], caches)`` on checked X, layer by layer.

        In training mode batch norm uses the batch's statistics (and updates its running
        averages) and dropout draws from ``rng``.  ``keep_probs`` is :class:`nndl.Network`'s
        dropout; here it is a layer.  A layer's ``compute_mask`` hands the mask of padded steps
        to the next one (from ``Masking`` or ``Embedding(mask_zero=True)`` to the recurrent layers).
        """
        if keep_probs is not None and any(p < 1.0 for p in keep_probs):
            raise NNDLValueError(
                "a Sequential model drops units with Dropout(rate) layers, not fit(dropout=...)"
            )
        A = X
        caches = []
        mask = None  # (m, T_x): the padded steps, from Masking or Embedding(mask_zero=True)
        for layer in self.layers:
            A_prev = A
            if mask is not None and layer.takes_mask:
                A, cache = layer.forward_masked(A_prev, training, rng, mask)
            else:
                A, cache = layer.forward(A_prev, training, rng)
            mask = layer.compute_mask(A_prev, mask)
            caches.append(cache)
        if self.sequence_output:  # ŷ (n_y, m, T_x), the sequence course's layout
            A = caches[-1].A
            self._output_mask = None if mask is None else (A, mask)
        return A, caches

    def _real_steps(self, caches: list[Any], *arrays: Array) -> list[Array]:
        """Each ``(n, m, T_x)`` array as columns ``(n, k)`` of its k real steps."""
        columns = [steps_as_columns(A) for A in arrays]
        mask = caches[-1].mask
        if mask is None:
            return columns
        xp = namespace(columns[0])
        real = xp.nonzero(xp.reshape(mask, (-1,)))[0]
        return [xp.take(A, real, axis=1) for A in columns]

    def data_cost(self, AL: Array, caches: list[Any], Y: Array) -> Array:
        """``J = (1/m) Σ L(ŷ, y)`` without the L2 term, as ``OutputRules.data_cost``.

        For sequences the sum over each sequence's real steps, ``(1/m) Σ_i Σ_t L``.
        """
        if len(AL.shape) != 3:
            return super().data_cost(AL, caches, Y)
        Z, A, Y = self._real_steps(caches, caches[-1].Z, AL, Y)
        k, m = int(Z.shape[1]), int(AL.shape[1])
        if k == 0:
            return namespace(AL).sum(AL[:, :0])
        mean = self.loss.value_from_Z(Z, Y) if self.fused_output else self.loss.value(A, Y)
        return mean * (k / m)  # (1/k) Σ over the real steps → (1/m) Σ

    def full_cost(self, AL: Array, caches: list[Any], Y: Array) -> Array:
        """``data_cost + (λ / 2m) Σ ||W||²`` with m the columns of ``AL``."""
        return self.data_cost(AL, caches, Y) + self.l2_term(int(AL.shape[1]))

    def backward_pass(self, AL: Array, Y: Array, caches: list[Any]) -> dict[str, Array]:
        """``{"dW1", "db1", …}``: each layer's backward pass, from the last.

        ``dZ[L] = A[L] − Y`` (matched pair) goes into the last layer; ``(λ/m) W`` is added to
        every ``dW`` under L2.
        """
        last = self.layers[-1]
        assert isinstance(last, Dense)
        Z = caches[-1].Z
        if len(AL.shape) == 3:  # sequences: the m·T_x steps as columns
            AL, Y, Z = steps_as_columns(AL), steps_as_columns(Y), steps_as_columns(Z)
        dZ = AL - Y if self.fused_output else self.output.backward(self.loss.gradient(AL, Y), Z, AL)
        mask = caches[-1].mask
        if mask is not None:  # a padded step adds nothing
            xp = namespace(dZ)
            dZ = dZ * xp.astype(xp.reshape(mask, (1, -1)), dZ.dtype)
        dA, grads = last.backward_from_dZ(dZ, caches[-1])
        by_layer = {len(self.layers) - 1: grads}
        for i in range(len(self.layers) - 2, -1, -1):
            dA, by_layer[i] = self.layers[i].backward(dA, caches[i])
        m = int(AL.shape[1])
        out = {}
        for i, name, key in self._names:
            g = by_layer[i][name]
            if self.l2 > 0 and name == "W":
                g = g + (self.l2 / m) * self.layers[i].params["W"]
            out["d" + key] = g
        return out

    def count_correct(self, AL: Array, Y: Array) -> float:
        """How many examples ``AL`` classifies right, as ``OutputRules.count_correct``.

        For sequences m times the fraction of real steps classified right (``/ m`` is the accuracy).
        """
        if len(AL.shape) != 3:
            return super().count_correct(AL, Y)
        xp = namespace(AL)
        m = int(AL.shape[1])
        if self.output.name == "softmax":
            hits = xp.argmax(AL, axis=0) == xp.argmax(Y, axis=0)
        else:
            hits = xp.all(xp.astype(AL > 0.5, Y.dtype) == Y, axis=0)
        hits = xp.astype(hits, xp.float64)  # (m, T_x)
        last = self._output_mask
        if last is not None and last[0] is AL:  # the mask of this very output
            real = xp.astype(last[1], xp.float64)
            count = to_scalar(xp.sum(real))
            return 0.0 if count == 0 else m * to_scalar(xp.sum(hits * real)) / count
        return m * to_scalar(xp.mean(hits))

    def labels(self, AL: Array) -> Array:
        """As :class:`~nndl.model.outputs.OutputRules`'; ``(1, m, T_x)`` classes for sequences."""
        if len(AL.shape) == 3 and self.output.name == "softmax":
            xp = namespace(AL)
            return xp.argmax(AL, axis=0, keepdims=True)
        return super().labels(AL)

    # ------------------------------------------------- checks at the boundary

    def check_X(self, X: Any) -> Array:
        """X checked: ``(n_x, m)`` for vectors, ``(m,) + input_shape`` otherwise.

        Finite, in the model's dtype, the parameters moved to X's library and device.  Tokens
        for an embedding stay integers, each in ``[0, vocab_size)``.
        """
        if self.layers[0].takes_tokens:
            return self._check_tokens(X)
        if self.columns:
            X = check_X(X, self.input_shape[0])
        else:
            X = as_array("X", X)
            want = self.input_shape
            if tuple(int(n) for n in X.shape[1:]) != want or len(X.shape) != len(want) + 1:
                raise ShapeError(
                    f"X must have shape (m, {', '.join(map(str, want))}): one example per "
                    f"row, as in the convolutional course. Received: X.shape={tuple(X.shape)}"
                )
            if int(X.shape[0]) == 0:
                raise ShapeError("X has no examples (m = 0)")
            check_numbers("X", X)
            if not all_finite(X):
                raise NNDLValueError("X contains NaN or infinite values: remove or impute them")
        self._follow(X)
        self._load_kernels(X)
        xp = namespace(X)
        target = float_dtype(xp, self.dtype)
        return X if X.dtype == target else xp.astype(X, target)

    def _check_tokens(self, X: Any) -> Array:
        X = as_array("X", X)
        want = self.input_shape
        vocab = int(getattr(self.layers[0], "vocab_size", 0))
        if len(X.shape) != 2 or int(X.shape[1]) != want[0] or int(X.shape[0]) == 0:
            raise ShapeError(
                f"X must hold token indices of shape (m, {want[0]}), one sequence per row. "
                f"Received: X.shape={tuple(X.shape)}"
            )
        xp = namespace(X)
        if not xp.isdtype(X.dtype, "integral"):
            raise NNDLTypeError(
                f"X must hold integer token indices for the Embedding layer. Received: {X.dtype}; "
                "map each word to its index first (X.astype(int) for whole numbers)"
            )
        if int(xp.min(X)) < 0 or int(xp.max(X)) >= vocab:
            raise NNDLValueError(
                f"every token must be an index in [0, {vocab}) (vocab_size={vocab}). Received: "
                f"indices from {int(xp.min(X))} to {int(xp.max(X))}"
            )
        self._follow(X)
        return X

    def _load_kernels(self, X: Array) -> None:
        """Load the compiled convolution loops (:mod:`nndl.arrays.conv_kernels`, with Numba)
        now, before any epoch, when a convolution's or pool's output over X is large
        enough for them."""
        sizes = [
            math.prod(layer.output_shape) * int(X.shape[0])
            for layer in self.layers
            if isinstance(layer, (Conv2D, Pool2D))
        ]
        if isinstance(X, np.ndarray) and sizes and max(sizes) >= conv_kernels.MIN_ELEMENTS:
            conv_kernels.ready(self.dtype)

    def _follow(self, X: Array) -> None:
        """Move every parameter and running average to X's array library and device."""
        if not same_place(self.layers[-1].params["W"], X):
            for layer in self.layers:
                layer.params = {k: move_like(v, X) for k, v in layer.params.items()}
                layer.state = {k: move_like(v, X) for k, v in layer.state.items()}

    def check_Y(self, Y: Any, m: int, like: Array) -> Array:
        """Y ``(n_y, m)`` checked as :class:`nndl.Network` checks it.

        For sequences ``(n_y, m, T_x)``, or integer labels ``(m, T_x)`` or ``(1, m, T_x)``
        for softmax.
        """
        if not self.sequence_output:
            return check_Y(Y, m, like, self.n_y, self.output.name, self.loss, self.dtype)
        Y = as_array("Y", Y)
        T_x = self.layers[-1].output_shape[0]
        xp = namespace(Y)
        if tuple(Y.shape) == (m, T_x) and self.output.name == "softmax":
            Y = xp.reshape(Y, (1, m, T_x))  # one label per step
        if len(Y.shape) != 3 or tuple(int(n) for n in Y.shape[1:]) != (m, T_x):
            raise ShapeError(
                f"Y must have shape (n_y, m, T_x) = ({self.n_y}, {m}, {T_x}) for a model that "
                "outputs every step (the sequence course's y⟨t⟩ columns), or integer labels "
                f"(m, T_x) for a softmax output. Received: Y.shape={tuple(Y.shape)}; a "
                "Keras-style (m, T_x, n_y) array is Y.transpose(2, 0, 1)"
            )
        rows = int(Y.shape[0])
        Y = check_Y(xp.reshape(Y, (rows, m * T_x)), m * T_x, like, self.n_y,
                    self.output.name, self.loss, self.dtype)  # fmt: skip
        return namespace(Y).reshape(Y, (self.n_y, m, T_x))

    def check_data(self, X: Any, Y: Any) -> tuple[Array, Array]:
        """X and Y checked against the model and each other, on its device, in its dtype."""
        X = self.check_X(X)
        like = X if not self.layers[0].takes_tokens else self.layers[-1].params["W"]
        return X, self.check_Y(Y, m=int(X.shape[self.example_axis]), like=like)
