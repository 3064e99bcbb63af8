"""Layers without weights that reshape, drop or activate: Flatten, Dropout, Activation,
and batch normalization."""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from nndl.arrays.backend import Array, from_numpy, namespace
from nndl.errors import NNDLValueError, check_fraction
from nndl.model import activations as _activations
from nndl.model import batchnorm
from nndl.model.layers.base import Layer, Shape


class Flatten(Layer):
    """Each example's values in one column: ``(m, n_H, n_W, n_C)`` → ``(n_H·n_W·n_C, m)``.

    From the convolutional course's layout into the first course's.
    """

    kind = "flatten"

    def output_shape_for(self, input_shape: Shape) -> Shape:
        return (math.prod(input_shape),)

    def forward(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None
    ) -> tuple[Array, Any]:
        xp = namespace(A_prev)
        m = int(A_prev.shape[0])
        return xp.reshape(A_prev, (m, -1)).T, tuple(int(n) for n in A_prev.shape)

    def backward(self, dA: Array, cache: Any) -> tuple[Array, dict[str, Array]]:
        return namespace(dA).reshape(dA.T, cache), {}

    def describe(self) -> str:
        return "flatten"


class Dropout(Layer):
    """Inverted dropout while training; the identity at test time.

    ``D = (U < keep_prob) / keep_prob``, ``A = A_prev · D``, ``keep_prob = 1 − rate``.

    Parameters
    ----------
    rate : float
        The fraction of units dropped, in [0, 1).

    Raises
    ------
    NNDLValueError
        When ``rate`` is not in [0, 1).
    """

    kind = "dropout"
    stochastic = True
    passes_mask = True

    def __init__(self, rate: float) -> None:
        super().__init__()
        self.rate = check_fraction("rate", rate)

    def forward(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None
    ) -> tuple[Array, Any]:
        if not training or self.rate == 0:
            return A_prev, None
        if rng is None:
            raise NNDLValueError("dropout while training needs a random generator (rng)")
        keep = 1.0 - self.rate
        mask = (rng.random(tuple(int(n) for n in A_prev.shape)) < keep) / keep
        D = from_numpy(mask.astype(np.dtype(str(A_prev.dtype).rsplit(".", 1)[-1])), A_prev)
        return A_prev * D, D

    def backward(self, dA: Array, cache: Any) -> tuple[Array, dict[str, Array]]:
        return (dA if cache is None else dA * cache), {}

    def compute_mask(self, A_prev: Array, mask: Array | None) -> Array | None:
        return mask  # the same steps, each kept or padded as before

    def config(self) -> dict[str, Any]:
        return {"kind": self.kind, "rate": self.rate}

    def describe(self) -> str:
        return f"dropout {self.rate:g}"


class ActivationCache(NamedTuple):
    Z: Array
    A: Array


class Activation(Layer):
    """``A = g(Z)`` as a layer of its own (after a convolution or a batch norm).

    Parameters
    ----------
    activation : str or Activation
        g, an elementwise activation (not softmax).

    Raises
    ------
    NNDLValueError
        When the activation is unknown or is softmax.
    """

    kind = "activation"
    passes_mask = True

    def __init__(self, activation: str | _activations.Activation) -> None:
        super().__init__()
        self.activation = _activations.get(activation)
        if not self.activation.elementwise:
            raise NNDLValueError(
                f"an Activation layer is elementwise; {self.activation.name} is the output of a "
                "Dense layer: Dense(n, activation='softmax')"
            )

    def forward(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None
    ) -> tuple[Array, Any]:
        A = self.activation.forward(A_prev)
        return A, ActivationCache(A_prev, A)

    def backward(self, dA: Array, cache: ActivationCache) -> tuple[Array, dict[str, Array]]:
        return self.activation.backward(dA, cache.Z, cache.A), {}

    def compute_mask(self, A_prev: Array, mask: Array | None) -> Array | None:
        return mask  # the same steps, each kept or padded as before

    def config(self) -> dict[str, Any]:
        return {"kind": self.kind, "activation": self.activation.name}

    def describe(self) -> str:
        return self.activation.name


class BatchNorm(Layer):
    """Batch normalization (:mod:`nndl.model.batchnorm`) of the layer before it.

    After a dense layer (examples ``(n,)``, columns ``(n, m)``) each unit is normalized over
    the m examples, with γ and β ``(n, 1)``; after a convolution (``(n_H, n_W, n_C)``) each
    channel over the m·n_H·n_W positions, with γ and β ``(1, 1, 1, n_C)``.  Prediction uses
    the running averages ``running = momentum · running + (1 − momentum) · batch``.

    Parameters
    ----------
    momentum : float, default 0.99
        The running averages' momentum, in [0, 1).
    eps : float, default 1e-5
        ε in ``(Z − μ) / √(σ² + ε)``, in (0, 1).

    Raises
    ------
    NNDLValueError
        When momentum or eps is out of range.
    """

    kind = "batch_norm"

    def __init__(self, momentum: float = 0.99, eps: float = 1e-5) -> None:
        super().__init__()
        self.momentum = check_fraction("momentum", momentum)
        if not (isinstance(eps, (int, float)) and 0 < eps < 1):
            raise NNDLValueError(
                f"eps must be a small number > 0, e.g. 1e-5. Received: eps={eps!r}"
            )
        self.eps = float(eps)
        self.axes: tuple[int, ...] = batchnorm.DENSE_AXES

    def _keep(self, input_shape: Shape) -> Shape:
        """γ's shape: ``(n, 1)`` after a dense layer, ``(1, …, 1, n_C)`` after a convolution."""
        if len(input_shape) == 1:
            return (input_shape[0], 1)
        return (1,) * len(input_shape) + (input_shape[-1],)

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        return {"gamma": self._keep(input_shape), "beta": self._keep(input_shape)}

    def state_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        return {"mean": self._keep(input_shape), "var": self._keep(input_shape)}

    def build(self, input_shape: Shape, rng: Any, dtype: str) -> Shape:
        shape = super().build(input_shape, rng, dtype)
        keep = self._keep(input_shape)
        dense = len(input_shape) == 1
        self.axes = batchnorm.DENSE_AXES if dense else tuple(range(len(input_shape)))
        self.params = {"gamma": np.ones(keep, dtype=dtype), "beta": np.zeros(keep, dtype=dtype)}
        self.state = {"mean": np.zeros(keep, dtype=dtype), "var": np.ones(keep, dtype=dtype)}
        return shape

    def forward(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None
    ) -> tuple[Array, Any]:
        gamma, beta = self.params["gamma"], self.params["beta"]
        if not training:
            out = batchnorm.batchnorm_inference(
                A_prev, gamma, beta, self.state["mean"], self.state["var"], self.eps
            )
            return out, None
        out, cache, mu, var = batchnorm.batchnorm_forward(A_prev, gamma, beta, self.eps, self.axes)
        self.state = {
            "mean": batchnorm.update_running(self.state["mean"], mu, self.momentum),
            "var": batchnorm.update_running(self.state["var"], var, self.momentum),
        }
        return out, cache

    def backward(
        self, dA: Array, cache: batchnorm.BatchNormCache
    ) -> tuple[Array, dict[str, Array]]:
        m = int(dA.shape[1] if self.axes == batchnorm.DENSE_AXES else dA.shape[0])
        dZ, dgamma, dbeta = batchnorm.batchnorm_backward(dA, cache)
        return dZ, {"gamma": dgamma / m, "beta": dbeta / m}

    def config(self) -> dict[str, Any]:
        return {"kind": self.kind, "momentum": self.momentum, "eps": self.eps}

    def describe(self) -> str:
        return "batch norm"
