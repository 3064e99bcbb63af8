"""The dense layer of the first course, and its linear step shared with ``Network``.

``Z[l] = W[l] A[l-1] + b[l]``, ``A[l] = g[l](Z[l])`` with ``W[l]`` ``(n[l], n[l-1])``,
``b[l]`` ``(n[l], 1)`` and one column per example; backward
``dZ[l] = dA[l] * g'[l](Z[l])``, ``dW[l] = (1/m) dZ[l] A[l-1]ᵀ``, ``db[l] = (1/m) Σ dZ[l]``,
``dA[l-1] = W[l]ᵀ dZ[l]``.
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
    """The linear part of layer l: ``Z[l] = W[l] A[l-1] + b[l]`` (b broadcast over m columns)."""
    return W @ A_prev + b


def linear_backward(
    dZ: Array, A_prev: Array, W: Array, with_dA_prev: bool = True
) -> tuple[Array | None, Array, Array]:
    """``(dA[l-1], dW[l], db[l])`` from ``dZ[l]``: ``dW = (1/m) dZ A_prevᵀ``,
    ``db = (1/m) Σ_i dZ``, ``dA_prev = Wᵀ dZ`` (None when ``with_dA_prev`` is False)."""
    m = dZ.shape[1]
    dW = (dZ @ A_prev.T) / m
    db = namespace(dZ).sum(dZ, axis=1, keepdims=True) / m
    return (W.T @ dZ if with_dA_prev else None), dW, db


class DenseCache(NamedTuple):
    A_prev: Array
    Z: Array
    A: Array


class Dense(Layer):
    """``units`` fully connected units with activation g: ``A = g(W A_prev + b)``.

    ``init``: the first course's initializers (``"random"`` ×0.01, ``"scaled"``,
    ``"xavier"``, ``"he"``, ``"zeros"``); He by default, as for ReLU.
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

    def output_shape_for(self, input_shape: Shape) -> Shape:
        if len(input_shape) != 1:
            raise NNDLValueError(
                f"a Dense layer takes examples that are vectors (n,); these are {input_shape}: "
                "put a Flatten() layer before it"
            )
        return (self.units,)

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        return {"W": (self.units, input_shape[0]), "b": (self.units, 1)}

    def build(self, input_shape: Shape, rng: Any, dtype: str) -> Shape:
        shape = super().build(input_shape, rng, dtype)
        W = draw_weights(self.init, self.units, input_shape[0], rng)
        self.params = {"W": W.astype(dtype), "b": np.zeros((self.units, 1), dtype=dtype)}
        return shape

    def forward(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None
    ) -> tuple[Array, DenseCache]:
        Z = linear_forward(A_prev, self.params["W"], self.params["b"])
        A = self.activation.forward(Z)
        return A, DenseCache(A_prev, Z, A)

    def backward(self, dA: Array, cache: DenseCache) -> tuple[Array, dict[str, Array]]:
        dZ = self.activation.backward(dA, cache.Z, cache.A)
        return self.backward_from_dZ(dZ, cache)

    def backward_from_dZ(self, dZ: Array, cache: DenseCache) -> tuple[Array, dict[str, Array]]:
        """The linear part's backward pass, from ``dZ`` (the output layer's ``A − Y``)."""
        dA_prev, dW, db = linear_backward(
            dZ, cache.A_prev, self.params["W"], with_dA_prev=not self.first
        )
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
        return f"dense {self.units} {self.activation.name}"
