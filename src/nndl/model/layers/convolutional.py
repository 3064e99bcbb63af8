"""Convolution and pooling layers (2-D pictures and 1-D sequences), over :mod:`nndl.model.conv`.

``Conv2D`` takes examples ``(n_H_prev, n_W_prev, n_C_prev)`` and has ``W``
``(f, f, n_C_prev, n_C)`` and ``b`` ``(1, 1, 1, n_C)``; ``n_H = ⌊(n_H_prev − f + 2·pad) /
stride⌋ + 1``.  ``Conv1D`` takes ``(n_W_prev, n_C_prev)`` (a sequence of n_W_prev steps)
and is the same layer on pictures one row high, with ``W`` ``(1, f, n_C_prev, n_C)``.
Pooling has no parameters.
"""

from __future__ import annotations

import itertools
from typing import Any, NamedTuple

import numpy as np

from nndl.arrays.backend import Array, device, namespace
from nndl.errors import NNDLValueError
from nndl.model import activations as _activations
from nndl.model import conv
from nndl.model import init as _init
from nndl.model.layers.base import Layer, Shape, draw_weights, positive_int


class ConvLayerCache(NamedTuple):
    conv: conv.ConvCache
    Z: Array
    A: Array


class Conv2D(Layer):
    """``n_C`` filters of f×f: ``A = g(W ∗ A_prev + b)`` (g linear by default).

    Examples are pictures ``(n_H, n_W, n_C_prev)``; W is ``(f, f, n_C_prev, n_C)``.

    Parameters
    ----------
    filters : int
        n_C, the number of filters.
    f : int
        The filters' height and width.
    stride : int, default 1
        How far a filter moves.
    pad : int or {"valid", "same"}, default "valid"
        A number of zeros around each picture, ``"valid"`` (0) or ``"same"``.
    activation : str or Activation, default "linear"
        g.
    init : str or callable, default "he"
        A course initializer (``"random"`` ×0.01, ``"scaled"``, ``"xavier"``, ``"he"``,
        ``"zeros"``) or a callable ``(n, fan_in, rng) -> W``; fan-in ``f·f·n_C_prev``.

    Raises
    ------
    NNDLValueError
        When an argument is out of range.
    """

    kind = "conv2d"
    rank = 2

    def __init__(
        self,
        filters: int,
        f: int,
        stride: int = 1,
        pad: int | str = "valid",
        activation: str | _activations.Activation = "linear",
        init: str | _init.Initializer = "he",
    ) -> None:
        super().__init__()
        self.filters = positive_int("filters", filters)
        self.f = positive_int("f", f)
        self.stride = positive_int("stride", stride)
        conv.padding(pad, 1, 1, 1, 1)  # checks pad
        self.pad = pad
        self.activation = _activations.get(activation)
        self.init = init
        self.relu_by_next = False
        """True when the next layer (a max pool) applies this layer's ReLU ``g'(Z)`` in its
        own backward pass (:class:`nndl.model.sequential.Sequential` sets it), so this
        layer's backward pass takes ``dA`` as ``dZ``."""

    # 1-D is 2-D on pictures one row high
    def _window(self) -> tuple[int, int]:
        return (self.f, self.f) if self.rank == 2 else (1, self.f)

    def _strides(self) -> tuple[int, int]:
        return (self.stride, self.stride) if self.rank == 2 else (1, self.stride)

    def _picture(self, shape: Shape) -> tuple[int, int, int]:
        if len(shape) != self.rank + 1:
            wanted = "(n_H, n_W, n_C)" if self.rank == 2 else "(n_W, n_C)"
            raise NNDLValueError(
                f"a {type(self).__name__} layer takes examples {wanted}. Received: {shape}"
            )
        return (shape[0], shape[1], shape[2]) if self.rank == 2 else (1, shape[0], shape[1])

    def output_shape_for(self, input_shape: Shape) -> Shape:
        n_H_prev, n_W_prev, _ = self._picture(input_shape)
        f_H, f_W = self._window()
        s_H, s_W = self._strides()
        pads = self._pads(n_H_prev, n_W_prev)
        n_H = conv.output_size(n_H_prev, f_H, s_H, sum(pads[0]))
        n_W = conv.output_size(n_W_prev, f_W, s_W, sum(pads[1]))
        if n_H < 1 or n_W < 1:
            raise NNDLValueError(
                f"a {f_H}×{f_W} filter does not fit examples {input_shape}: use a smaller f or "
                "pad='same'"
            )
        return (n_H, n_W, self.filters) if self.rank == 2 else (n_W, self.filters)

    def _pads(self, n_H_prev: int, n_W_prev: int) -> conv.Padding:
        pads = conv.padding(self.pad, self._window(), self._strides(), n_H_prev, n_W_prev)
        return ((0, 0), pads[1]) if self.rank == 1 else pads  # a sequence has no rows to pad

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        f_H, f_W = self._window()
        n_C_prev = self._picture(input_shape)[2]
        return {"W": (f_H, f_W, n_C_prev, self.filters), "b": (1, 1, 1, self.filters)}

    def build(self, input_shape: Shape, rng: Any, dtype: str) -> Shape:
        shape = super().build(input_shape, rng, dtype)
        f_H, f_W = self._window()
        n_C_prev = self._picture(input_shape)[2]
        fan_in = f_H * f_W * n_C_prev
        W = draw_weights(self.init, self.filters, fan_in, rng).T  # (fan_in, n_C)
        self.params = {
            "W": np.ascontiguousarray(W.reshape(f_H, f_W, n_C_prev, self.filters), dtype=dtype),
            "b": np.zeros((1, 1, 1, self.filters), dtype=dtype),
        }
        return shape

    def forward(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None
    ) -> tuple[Array, ConvLayerCache]:
        xp = namespace(A_prev)
        m = int(A_prev.shape[0])
        n_H_prev, n_W_prev, n_C_prev = self._picture(tuple(int(n) for n in A_prev.shape[1:]))
        pictures = A_prev if self.rank == 2 else xp.reshape(A_prev, (m, 1, n_W_prev, n_C_prev))
        pads = self._pads(n_H_prev, n_W_prev)
        relu = self.activation.name == "relu"  # A = max(Z + b, 0) in one pass: Z is not kept
        Z, cache = conv.conv_forward(
            pictures, self.params["W"], self.params["b"], self._strides(), pads, relu=relu
        )
        if self.rank == 1:
            Z = xp.reshape(Z, (m, int(Z.shape[2]), int(Z.shape[3])))
        if relu:
            return Z, ConvLayerCache(cache, Z, Z)  # ReLU's g'(Z) is read from A
        A = self.activation.forward(Z)
        return A, ConvLayerCache(cache, Z, A)

    def backward(self, dA: Array, cache: ConvLayerCache) -> tuple[Array, dict[str, Array]]:
        xp = namespace(dA)
        if self.activation.name == "relu":  # dZ = dA · (A > 0), unless the max pool did it
            dZ = dA if self.relu_by_next else conv.masked(dA, cache.A > 0)
        else:
            dZ = self.activation.backward(dA, cache.Z, cache.A)
        m = int(dZ.shape[0])
        if self.rank == 1:
            dZ = xp.reshape(dZ, (m, 1, int(dZ.shape[1]), int(dZ.shape[2])))
        dA_prev, dW, db = conv.conv_backward(dZ, cache.conv, with_dA_prev=not self.first)
        if self.rank == 1 and dA_prev is not None:
            dA_prev = xp.reshape(dA_prev, (m, int(dA_prev.shape[2]), int(dA_prev.shape[3])))
        return dA_prev, {"W": dW / m, "b": db / m}

    def config(self) -> dict[str, Any]:
        init = self.init if isinstance(self.init, str) else getattr(self.init, "__name__", "custom")
        return {
            "kind": self.kind,
            "filters": self.filters,
            "f": self.f,
            "stride": self.stride,
            "pad": self.pad,
            "activation": self.activation.name,
            "init": init,
        }

    def describe(self) -> str:
        return f"{self.kind} {self.filters}×{self.f}×{self.f} s{self.stride} {self.activation.name}"


def window_mask(mask: Array, f: int, stride: int, pads: tuple[int, int], n_out: int) -> Array:
    """The mask ``(m, n_out)`` after windows of f steps moved by ``stride`` over a masked
    sequence ``(m, n_W_prev)``: a position is real when every step of its window is (the
    convolution's own zero padding counts as real).  With the padding after each sequence, a
    sequence of length T_i keeps exactly the windows it would have alone."""
    xp = namespace(mask)
    m = int(mask.shape[0])
    real = [xp.ones((m, p), dtype=xp.bool, device=device(mask)) for p in pads]
    padded = xp.concat([real[0], xp.astype(mask, xp.bool), real[1]], axis=1)
    end = stride * (n_out - 1) + 1
    valid = padded[:, 0:end:stride]
    for k in range(1, f):
        valid = valid & padded[:, k : k + end : stride]
    return valid


class Conv1D(Conv2D):
    """``n_C`` filters of width f over sequences ``(n_W_prev, n_C_prev)``.

    ``W`` is ``(1, f, n_C_prev, n_C)``.  A mask of padded steps goes on through
    :func:`window_mask`: an output step is real when its whole window is.

    Parameters
    ----------
    filters : int
        n_C, the number of filters.
    f : int
        The filters' width, in steps.
    stride : int, default 1
        How far a filter moves.
    pad : int or {"valid", "same"}, default "valid"
        A number of zeros at each end, ``"valid"`` (0) or ``"same"``.
    activation : str or Activation, default "linear"
        g.
    init : str or callable, default "he"
        A course initializer (``"random"`` ×0.01, ``"scaled"``, ``"xavier"``, ``"he"``,
        ``"zeros"``) or a callable ``(n, fan_in, rng) -> W``.

    Raises
    ------
    NNDLValueError
        When an argument is out of range.
    """

    kind = "conv1d"
    rank = 1
    passes_mask = True

    def compute_mask(self, A_prev: Array, mask: Array | None) -> Array | None:
        if mask is None:
            return None
        pads = self._pads(1, int(A_prev.shape[1]))[1]
        return window_mask(mask, self.f, self.stride, pads, self.output_shape[0])

    def describe(self) -> str:
        return f"{self.kind} {self.filters}×{self.f} s{self.stride} {self.activation.name}"


class Pool2D(Layer):
    """Max or average pooling over f×f windows moved by ``stride`` (default f)."""

    kind = "pool2d"
    rank = 2
    mode = "max"

    def __init__(self, f: int = 2, stride: int | None = None) -> None:
        super().__init__()
        self.f = positive_int("f", f)
        self.stride = self.f if stride is None else positive_int("stride", stride)
        self.after_relu = False
        """True (max pooling) when the layer before is a ReLU convolution whose ``g'(Z) =
        (A_prev > 0)`` this layer's backward pass applies: the gradient goes to each
        window's maximum only where it is > 0 (:class:`nndl.model.sequential.Sequential`
        sets it, with that layer's ``relu_by_next``)."""

    def _window(self) -> tuple[tuple[int, int], tuple[int, int]]:
        if self.rank == 2:
            return (self.f, self.f), (self.stride, self.stride)
        return (1, self.f), (1, self.stride)

    def output_shape_for(self, input_shape: Shape) -> Shape:
        if len(input_shape) != self.rank + 1:
            wanted = "(n_H, n_W, n_C)" if self.rank == 2 else "(n_W, n_C)"
            raise NNDLValueError(
                f"a {type(self).__name__} layer takes examples {wanted}. Received: {input_shape}"
            )
        (f_H, f_W), (s_H, s_W) = self._window()
        if self.rank == 1:
            n_W_prev, n_C = input_shape
            return (conv.output_size(n_W_prev, f_W, s_W, 0), n_C)
        n_H_prev, n_W_prev, n_C = input_shape
        n_H, n_W = conv.output_size(n_H_prev, f_H, s_H, 0), conv.output_size(n_W_prev, f_W, s_W, 0)
        if n_H < 1 or n_W < 1:
            raise NNDLValueError(f"a {f_H}×{f_W} pool does not fit examples {input_shape}")
        return (n_H, n_W, n_C)

    def forward(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None
    ) -> tuple[Array, conv.PoolCache]:
        xp = namespace(A_prev)
        window, strides = self._window()
        if self.rank == 1:
            m, n_W_prev, n_C = (int(n) for n in A_prev.shape)
            A, cache = conv.pool_forward(
                xp.reshape(A_prev, (m, 1, n_W_prev, n_C)), window, strides, self.mode
            )
            return xp.reshape(A, (m, int(A.shape[2]), n_C)), cache
        return conv.pool_forward(A_prev, window, strides, self.mode)

    def backward(self, dA: Array, cache: conv.PoolCache) -> tuple[Array, dict[str, Array]]:
        if self.rank == 1:
            xp = namespace(dA)
            m, n_W, n_C = (int(n) for n in dA.shape)
            dA4 = xp.reshape(dA, (m, 1, n_W, n_C))
            dA_prev = conv.pool_backward(dA4, cache, self.after_relu)
            return xp.reshape(dA_prev, (m, int(dA_prev.shape[2]), n_C)), {}
        return conv.pool_backward(dA, cache, self.after_relu), {}

    def config(self) -> dict[str, Any]:
        return {"kind": self.kind, "f": self.f, "stride": self.stride}

    def describe(self) -> str:
        return (
            f"{self.kind} {self.f}×{self.f} s{self.stride}"
            if self.rank == 2
            else f"{self.kind} {self.f} s{self.stride}"
        )


class MaxPool2D(Pool2D):
    """The maximum of each f×f window of each channel.

    Parameters
    ----------
    f : int, default 2
        The window's height and width.
    stride : int, optional
        How far the window moves; f when None.

    Raises
    ------
    NNDLValueError
        When an argument is out of range.
    """

    kind = "max_pool2d"


class AvgPool2D(Pool2D):
    """The mean of each f×f window of each channel.

    Parameters
    ----------
    f : int, default 2
        The window's height and width.
    stride : int, optional
        How far the window moves; f when None.

    Raises
    ------
    NNDLValueError
        When an argument is out of range.
    """

    kind = "avg_pool2d"
    mode = "average"


class Pool1D(Pool2D):
    """Pooling over windows of f steps of a sequence; a mask of padded steps goes on through
    :func:`window_mask` (an output step is real when its whole window is)."""

    rank = 1
    passes_mask = True

    def compute_mask(self, A_prev: Array, mask: Array | None) -> Array | None:
        if mask is None:
            return None
        return window_mask(mask, self.f, self.stride, (0, 0), self.output_shape[0])


class MaxPool1D(Pool1D):
    """The maximum of each window of f steps of each channel of a sequence.

    Parameters
    ----------
    f : int, default 2
        The window's length, in steps.
    stride : int, optional
        How far the window moves; f when None.

    Raises
    ------
    NNDLValueError
        When an argument is out of range.
    """

    kind = "max_pool1d"


class AvgPool1D(Pool1D):
    """The mean of each window of f steps of each channel of a sequence.

    Parameters
    ----------
    f : int, default 2
        The window's length, in steps.
    stride : int, optional
        How far the window moves; f when None.

    Raises
    ------
    NNDLValueError
        When an argument is out of range.
    """

    kind = "avg_pool1d"
    mode = "average"


def fold_relu_into_pools(layers: list[Layer]) -> None:
    """For each ReLU convolution followed by a max pool of the same rank, let the pool's
    backward pass apply ReLU's ``g'(Z) = (A > 0)`` (one pass over the activations fewer):
    the pool's gradient already goes only to window maxima, and a maximum of ReLU's
    outputs is > 0 or a window of zeros.  The same numbers as the two steps apart."""
    for before, after in itertools.pairwise(layers):
        fold = (
            isinstance(before, Conv2D)
            and before.activation.name == "relu"
            and isinstance(after, Pool2D)
            and after.mode == "max"
            and after.rank == before.rank
        )
        if isinstance(before, Conv2D):
            before.relu_by_next = fold
        if isinstance(after, Pool2D):
            after.after_relu = fold
