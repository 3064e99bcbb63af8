"""The dense layer of the first course, and its linear step shared with ``Network``.

``Z[l] = W[l] A[l-1] + b[l]``, ``A[l] = g[l](Z[l])`` with ``W[l]`` ``(n[l], n[l-1])``,
``b[l]`` ``(n[l], 1)`` and one column per example; backward
``dZ[l] = dA[l] * g'[l](Z[l])``, ``dW[l] = (1/m) dZ[l] A[l-1]ᵀ``, ``db[l] = (1/m) Σ dZ[l]``,
``dA[l-1] = W[l]ᵀ dZ[l]``.

On sequences ``(m, T_x, n)`` (after a recurrent layer with ``return_sequences=True``) the
layer is applied at every time step with the same ``W`` and ``b``, as Keras'
``TimeDistributed(Dense(n))``: the ``m·T_x`` steps are its columns, ``ŷ⟨t⟩ = g(W a⟨t⟩ + b)``,
and it returns ``(m, T_x, units)`` for the layers after it.  Its cache keeps ``Z`` and ``A``
in the sequence course's layout ``(units, m, T_x)`` (the ``ŷ`` of a sequence-to-sequence
model) and the mask of padded steps, which passes on unchanged; the gradients carry the
1/m of the m sequences (the cost sums each sequence's steps, ``L = Σ_t L⟨t⟩``).
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np

from nndl.arrays.backend import Array, namespace
from nndl.errors import NNDLValueError
from nndl.model import activations as _activations
from nndl.model import init as _init
from nndl.model.layers.base import Layer, Shape, draw_weights, positive_int


def linear_forward(A_prev: Array, W: Array, b: Array) -> Array:
    """The linear part of layer l: ``Z[l] = W[l] A[l-1] + b[l]`` (b broadcast over m columns).

    Parameters
    ----------
    A_prev : Array of shape (n[l-1], m)
        A[l-1], one column per example.
    W : Array of shape (n[l], n[l-1])
        W[l].
    b : Array of shape (n[l], 1)
        b[l].

    Returns
    -------
    Array of shape (n[l], m)
        Z[l].

    Examples
    --------
    >>> import numpy as np
    >>> A_prev = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> W, b = np.array([[1.0, -1.0]]), np.array([[0.5]])
    >>> linear_forward(A_prev, W, b)
    array([[-1.5, -1.5]])
    """
    return W @ A_prev + b


def linear_backward(
    dZ: Array, A_prev: Array, W: Array, with_dA_prev: bool = True
) -> tuple[Array | None, Array, Array]:
    """``(dA[l-1], dW[l], db[l])`` from ``dZ[l]``.

    ``dW = (1/m) dZ A_prevᵀ``, ``db = (1/m) Σ_i dZ``, ``dA_prev = Wᵀ dZ``.

    Parameters
    ----------
    dZ : Array of shape (n[l], m)
        The gradient of the cost with respect to Z[l], per example.
    A_prev : Array of shape (n[l-1], m)
        A[l-1] of the forward pass.
    W : Array of shape (n[l], n[l-1])
        W[l].
    with_dA_prev : bool, default True
        Compute dA[l-1] (layer 1 needs no dA[0]).

    Returns
    -------
    dA_prev : Array of shape (n[l-1], m) or None
        dA[l-1], None when ``with_dA_prev`` is False.
    dW : Array of shape (n[l], n[l-1])
        dW[l].
    db : Array of shape (n[l], 1)
        db[l].
    """
    m = dZ.shape[1]
    dW = (dZ @ A_prev.T) / m
    db = namespace(dZ).sum(dZ, axis=1, keepdims=True) / m
    return (W.T @ dZ if with_dA_prev else None), dW, db


class LayerCache(NamedTuple):
    """What forward propagation keeps of layer l for backward propagation.

    Parameters
    ----------
    A_prev : Array of shape (n[l-1], m)
        ``A[l-1]``, the layer's input.
    W : Array of shape (n[l], n[l-1])
        ``W[l]``.
    b : Array of shape (n[l], 1)
        ``b[l]``.
    Z : Array of shape (n[l], m)
        ``Z[l] = W[l] A[l-1] + b[l]``.
    A : Array of shape (n[l], m)
        ``A[l] = g[l](Z[l])``, before dropout.
    D : Array of shape (n[l], m) or None
        The inverted-dropout mask of layer l divided by keep_prob, or None without dropout;
        the next layer receives ``A[l] * D[l]``.
    """

    A_prev: Array
    W: Array
    b: Array
    Z: Array
    A: Array
    D: Array | None = None


class DenseCache(NamedTuple):
    A_prev: Array
    Z: Array
    A: Array
    mask: Array | None = None
    """On sequences: the real steps ``(m, T_x)`` (None: every step is real)."""


def steps_as_columns(A: Array) -> Array:
    """``(n, m, T_x)`` → ``(n, m·T_x)``: column ``i·T_x + t`` is example i's step t."""
    return namespace(A).reshape(A, (int(A.shape[0]), -1))


class Dense(Layer):
    """``units`` fully connected units with activation g: ``A = g(W A_prev + b)``.

    On sequences ``(T_x, n)`` it is applied at every time step.

    Parameters
    ----------
    units : int
        n[l], the number of units.
    activation : str or Activation, default "relu"
        g.
    init : str or callable, default "he"
        A course initializer (``"random"`` ×0.01, ``"scaled"``, ``"xavier"``, ``"he"``,
        ``"zeros"``) or a callable ``(n, fan_in, rng) -> W``.

    Raises
    ------
    NNDLValueError
        When ``units`` is not an integer >= 1 or the activation is unknown.

    Examples
    --------
    >>> import numpy as np
    >>> from nndl.layers import Dense, Sequential
    >>> model = Sequential([Dense(4, "tanh"), Dense(1, "sigmoid")], input_shape=(2,), seed=0)
    >>> model.predict_proba(np.zeros((2, 3))).shape
    (1, 3)
    """

    kind = "dense"

    def __init__(
        self,
        units: int,
        activation: str | _activations.Activation = "relu",
        init: str | _init.Initializer = "he",
    ) -> None:
        super().__init__()
        self.units = positive_int("units", units)
        self.activation = _activations.get(activation)
        self.init = init

    takes_mask = True
    passes_mask = True

    @property
    def every_step(self) -> bool:
        """True when built for sequences ``(T_x, n)``: applied at every time step."""
        return len(self.input_shape) == 2

    def output_shape_for(self, input_shape: Shape) -> Shape:
        if len(input_shape) == 2:  # sequences (T_x, n): every step
            return (input_shape[0], self.units)
        if len(input_shape) != 1:
            raise NNDLValueError(
                f"a Dense layer takes examples that are vectors (n,) or sequences (T_x, n); "
                f"these are {input_shape}: put a Flatten() layer before it"
            )
        return (self.units,)

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        return {"W": (self.units, input_shape[-1]), "b": (self.units, 1)}

    def build(self, input_shape: Shape, rng: Any, dtype: str) -> Shape:
        shape = super().build(input_shape, rng, dtype)
        W = draw_weights(self.init, self.units, input_shape[-1], rng)
        self.params = {"W": W.astype(dtype), "b": np.zeros((self.units, 1), dtype=dtype)}
        return shape

    def forward(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None
    ) -> tuple[Array, DenseCache]:
        if not self.every_step:
            Z = linear_forward(A_prev, self.params["W"], self.params["b"])
            A = self.activation.forward(Z)
            return A, DenseCache(A_prev, Z, A)
        xp = namespace(A_prev)
        m, T_x, n = (int(k) for k in A_prev.shape)
        columns = xp.reshape(A_prev, (m * T_x, n)).T  # (n, m·T_x), column i·T_x + t
        Z = linear_forward(columns, self.params["W"], self.params["b"])
        A = self.activation.forward(Z)
        Z, A = xp.reshape(Z, (self.units, m, T_x)), xp.reshape(A, (self.units, m, T_x))
        return xp.permute_dims(A, (1, 2, 0)), DenseCache(columns, Z, A)

    def forward_masked(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None, mask: Array
    ) -> tuple[Array, DenseCache]:
        A, cache = self.forward(A_prev, training, rng)
        return A, cache._replace(mask=mask) if self.every_step else cache

    def compute_mask(self, A_prev: Array, mask: Array | None) -> Array | None:
        return mask if self.every_step else None  # every step: the same steps are real

    def backward(self, dA: Array, cache: DenseCache) -> tuple[Array, dict[str, Array]]:
        if self.every_step:  # (m, T_x, units) → the cache's columns (units, m·T_x)
            dA = steps_as_columns(namespace(dA).permute_dims(dA, (2, 0, 1)))
            Z, A = steps_as_columns(cache.Z), steps_as_columns(cache.A)
            return self.backward_from_dZ(self.activation.backward(dA, Z, A), cache)
        dZ = self.activation.backward(dA, cache.Z, cache.A)
        return self.backward_from_dZ(dZ, cache)

    def backward_from_dZ(self, dZ: Array, cache: DenseCache) -> tuple[Array, dict[str, Array]]:
        """The linear part's backward pass, from ``dZ`` (the output layer's ``A − Y``).

        Parameters
        ----------
        dZ : Array
            ``(units, m)``; on sequences ``(units, m, T_x)`` or its columns ``(units, m·T_x)``.
        cache : DenseCache
            The forward pass's cache.

        Returns
        -------
        dA_prev : Array or None
            The gradient with respect to the input (None for a first layer).
        grads : dict of str to Array
            ``W`` and ``b``'s gradients, with the 1/m of the cost.
        """
        if not self.every_step:
            dA_prev, dW, db = linear_backward(
                dZ, cache.A_prev, self.params["W"], with_dA_prev=not self.first
            )
            return dA_prev, {"W": dW, "b": db}
        xp = namespace(dZ)
        _, m, T_x = (int(k) for k in cache.Z.shape)
        dZ = steps_as_columns(xp.reshape(dZ, cache.Z.shape))
        # the 1/m of the m sequences: each sequence's cost sums its steps
        dW = (dZ @ cache.A_prev.T) / m
        db = xp.sum(dZ, axis=1, keepdims=True) / m
        if self.first:
            return None, {"W": dW, "b": db}
        dA_prev = xp.reshape((self.params["W"].T @ dZ).T, (m, T_x, -1))
        return dA_prev, {"W": dW, "b": db}

    def config(self) -> dict[str, Any]:
        init = self.init if isinstance(self.init, str) else getattr(self.init, "__name__", "custom")
        return {
            "kind": self.kind,
            "units": self.units,
            "activation": self.activation.name,
            "init": init,
        }

    def describe(self) -> str:
        every = ", every step" if self.every_step else ""
        return f"dense {self.units} {self.activation.name}{every}"
