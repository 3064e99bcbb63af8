"""What every layer is: parameters, a forward pass with a cache, a backward pass.

A layer is built once for the shape of one example (``build``), which makes its
parameters; then ``forward(A_prev, training, rng)`` gives ``(A, cache)`` and
``backward(dA, cache)`` gives ``(dA_prev, grads)``.  Shapes follow each course: dense
layers see the first course's columns ``(n, m)``; convolution, pooling and their batch
normalization see the convolutional course's ``(m, n_H, n_W, n_C)``; ``Flatten`` turns
the second into the first.  The model (:class:`nndl.model.sequential.Sequential`) keeps
the parameters in one dict and never asks what kind of layer it holds.

The gradient convention is the first course's: the cost is ``J = (1/m) Σ L``, ``dA``
and ``dZ`` flow down per example (without the 1/m), and each layer's parameter
gradients carry the 1/m, as ``dW[l] = (1/m) dZ[l] A[l-1]ᵀ`` does.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nndl.arrays.backend import Array
from nndl.errors import NNDLValueError
from nndl.model import init as _init

Shape = tuple[int, ...]
"""The shape of one example: ``(n,)`` for a dense layer, ``(n_H, n_W, n_C)`` for a picture."""


class Layer:
    """Base class.  Subclasses set ``kind`` and override what they need.

    A layer makes its parameters in :meth:`build` (from the shape of one example), computes
    ``(A, cache)`` in :meth:`forward` and ``(dA_prev, grads)`` in :meth:`backward`, and is
    rebuilt from :meth:`config` by :func:`nndl.layers.layer_from_config`.
    """

    kind = "layer"
    stochastic = False
    """True when training needs random numbers (dropout)."""
    takes_tokens = False
    """True for a first layer that reads integer tokens (an embedding), not numbers."""
    takes_mask = False
    """True for a layer that reads the mask of padded steps (the recurrent layers)."""
    passes_mask = False
    """True for a layer that can take sequences with a mask of padded steps (and hands on the
    mask of its output, or uses it up); a model refuses a mask into any other layer."""

    def __init__(self) -> None:
        self.params: dict[str, Array] = {}
        """The trainable parameters by their course name (``"W"``, ``"b"``, ``"gamma"``, …)."""
        self.state: dict[str, Array] = {}
        """What the layer keeps that is not trained (batch norm's running averages)."""
        self.input_shape: Shape = ()
        self.output_shape: Shape = ()
        self.first = False
        """True for a model's first layer, whose backward pass may leave out ``dA_prev``
        (the gradient of the data, which nothing uses)."""

    def build(self, input_shape: Shape, rng: Any, dtype: str) -> Shape:
        """Make the parameters for examples of ``input_shape``; return the output's shape.

        Parameters
        ----------
        input_shape : tuple of int
            The shape of one example: ``(n,)`` for vectors (X is ``(n, m)``), ``(n_H, n_W,
            n_C)`` for pictures, ``(T_x, n_x)`` for sequences (X is ``(m,) + input_shape``).
        rng : numpy.random.Generator or numpy.random.RandomState
            The random source of the initial weights.
        dtype : str
            ``"float32"`` or ``"float64"``.

        Returns
        -------
        tuple of int
            The shape of one example of the output.
        """
        self.input_shape = tuple(int(n) for n in input_shape)
        self.output_shape = self.output_shape_for(self.input_shape)
        return self.output_shape

    def output_shape_for(self, input_shape: Shape) -> Shape:
        """The shape of one example of the output, for one of ``input_shape``.

        Parameters
        ----------
        input_shape : tuple of int
            The shape of one example: ``(n,)`` for vectors (X is ``(n, m)``), ``(n_H, n_W,
            n_C)`` for pictures, ``(T_x, n_x)`` for sequences (X is ``(m,) + input_shape``).

        Returns
        -------
        tuple of int
            The output's shape (the input's, for a layer that keeps it).

        Raises
        ------
        NNDLValueError
            When the layer cannot take examples of that shape.
        """
        return input_shape

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        """The parameters' shapes for examples of ``input_shape``, without making them.

        What a saved model's file is checked against before anything is read.

        Parameters
        ----------
        input_shape : tuple of int
            The shape of one example: ``(n,)`` for vectors (X is ``(n, m)``), ``(n_H, n_W,
            n_C)`` for pictures, ``(T_x, n_x)`` for sequences (X is ``(m,) + input_shape``).

        Returns
        -------
        dict of str to tuple of int
            The shape of each parameter, by name.
        """
        return {}

    def state_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        """The shapes of what the layer keeps untrained (batch norm's running averages).

        Parameters
        ----------
        input_shape : tuple of int
            The shape of one example: ``(n,)`` for vectors (X is ``(n, m)``), ``(n_H, n_W,
            n_C)`` for pictures, ``(T_x, n_x)`` for sequences (X is ``(m,) + input_shape``).

        Returns
        -------
        dict of str to tuple of int
            The shape of each state array, by name.
        """
        return {}

    def forward(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None
    ) -> tuple[Array, Any]:
        """``(A, cache)`` for a batch ``A_prev``.

        Parameters
        ----------
        A_prev : Array
            The batch: ``(n, m)`` for vectors, ``(m,) + input_shape`` otherwise.
        training : bool
            True while training (dropout drops, batch norm uses the batch's statistics).
        rng : numpy.random.Generator or None
            The random source of a stochastic layer.

        Returns
        -------
        A : Array
            The output, in the layout of the output's shape.
        cache : object
            What :meth:`backward` needs.
        """
        raise NotImplementedError

    def backward(self, dA: Array, cache: Any) -> tuple[Array, dict[str, Array]]:
        """``(dA_prev, grads)``: grads by parameter name, with the 1/m of the cost.

        Parameters
        ----------
        dA : Array
            The gradient of the cost with respect to this layer's output, of A's shape.
        cache : object
            The cache :meth:`forward` returned.

        Returns
        -------
        dA_prev : Array
            The gradient with respect to the input; None for a model's first layer
            (``first``), which needs no gradient of the data.
        grads : dict of str to Array
            ``dW``, ``db``, ... by parameter name, each of its parameter's shape.
        """
        raise NotImplementedError

    def forward_masked(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None, mask: Array
    ) -> tuple[Array, Any]:
        """``forward`` for sequences ``(m, T_x, …)`` with a mask of padded steps.

        A layer that ``takes_mask`` overrides it; the others ignore the mask.

        Parameters
        ----------
        A_prev : Array of shape (m, T_x, ...)
            The batch.
        training : bool
            True while training.
        rng : numpy.random.Generator or None
            The random source of a stochastic layer.
        mask : Array of shape (m, T_x)
            Booleans, True for a real step and False for padding.

        Returns
        -------
        A : Array
            The output.
        cache : object
            What :meth:`backward` needs.
        """
        return self.forward(A_prev, training, rng)

    @property
    def makes_mask(self) -> bool:
        """True for a layer whose output comes with a mask of padded steps.

        ``Masking`` and ``Embedding(mask_zero=True)``.
        """
        return False

    def compute_mask(self, A_prev: Array, mask: Array | None) -> Array | None:
        """The mask of this layer's output ``(m, T_x)`` (True where a step is real).

        Parameters
        ----------
        A_prev : Array
            The layer's input.
        mask : Array of shape (m, T_x) or None
            The input's mask.

        Returns
        -------
        Array of shape (m, T_x) or None
            The output's mask; None (the default): no mask goes on.
        """
        return None

    def config(self) -> dict[str, Any]:
        """The arguments that rebuild the layer (``layer_from_config``).

        Returns
        -------
        dict of str to object
            JSON-able: ``{"kind": ..., "units": ..., ...}``.
        """
        return {"kind": self.kind}

    def describe(self) -> str:
        """A short description for the summary table.

        Returns
        -------
        str
            The layer's kind and main settings.
        """
        return self.kind

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items() if k != "kind")
        return f"{type(self).__name__}({args})"


def draw_weights(init: str | _init.Initializer, n: int, fan_in: int, rng: Any) -> np.ndarray:
    """``(n, fan_in)`` weights from a course initializer (float64 NumPy)."""
    W = np.asarray(_init.get(init)(n, fan_in, rng), dtype=np.float64)
    if W.shape != (n, fan_in):
        raise NNDLValueError(
            f"the initializer returned weights of shape {W.shape}; expected {(n, fan_in)}"
        )
    return W


def positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise NNDLValueError(f"{name} must be an integer >= 1. Received: {name}={value!r}")
    return int(value)


def examples(A: Array, layout: str) -> int:
    """m: the columns of ``(n, m)``, or the first axis of ``(m, …)``."""
    return int(A.shape[1] if layout == "columns" else A.shape[0])
