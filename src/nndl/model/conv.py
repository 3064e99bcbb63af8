"""Convolution and pooling in the convolutional course's notation, vectorized.

Activations are ``(m, n_H, n_W, n_C)``: m examples, height, width, channels.  A
convolutional layer has ``n_C`` filters ``W`` of shape ``(f, f, n_C_prev, n_C)`` and
biases ``b`` of shape ``(1, 1, 1, n_C)``; it pads its input by ``pad`` zeros on each
side and moves the filter by ``stride``::

    n_H = ⌊(n_H_prev − f + 2·pad) / stride⌋ + 1        (the same for n_W)
    Z[i, h, w, c] = Σ_{dh, dw, k} A_pad[i, h·s + dh, w·s + dw, k] · W[dh, dw, k, c] + b[c]

``pad`` is a number, ``"valid"`` (0) or ``"same"`` (n_H = ⌈n_H_prev / stride⌉, the extra
row or column of an odd total going after, as in TensorFlow and Keras).

How it is computed: the window's f·f offsets are f·f strided slices of the padded
input; stacked, they are the rows of "im2col" ``(m·n_H·n_W, f·f·n_C_prev)``, so the whole
layer is one matrix product with ``W`` reshaped to ``(f·f·n_C_prev, n_C)``.  The backward
pass is two more products and the slices added back (col2im)::

    dW = colsᵀ · dZ        db = Σ dZ        dcols = dZ · Wᵀ  →  dA_prev

The course's step-by-step loops (:mod:`nndl.course.convolution`) compute the same
numbers one window at a time; the tests compare the two.  Every operation goes through
the array namespace, so it runs on NumPy, CuPy and PyTorch alike.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from nndl.arrays import conv_kernels
from nndl.arrays.backend import Array, device, namespace
from nndl.errors import NNDLValueError, ShapeError

Padding = tuple[tuple[int, int], tuple[int, int]]
"""``((top, bottom), (left, right))`` zeros added around each picture."""
Pair = tuple[int, int]
"""``(height, width)``: a window's size or a stride along each axis."""


def output_size(n_prev: int, f: int, stride: int, pad_total: int) -> int:
    """``⌊(n_prev − f + pad_total) / stride⌋ + 1`` (``pad_total`` = 2·pad when symmetric)."""
    return (n_prev - f + pad_total) // stride + 1


def pair(name: str, value: int | tuple[int, int]) -> Pair:
    """A size or stride as ``(height, width)``: one integer >= 1 for both, or two."""
    values = value if isinstance(value, tuple) else (value, value)
    if len(values) != 2 or any(
        isinstance(v, bool) or not isinstance(v, int) or v < 1 for v in values
    ):
        raise NNDLValueError(
            f"{name} must be an integer >= 1 (or a pair of them). Received: {name}={value!r}"
        )
    return int(values[0]), int(values[1])


def padding(
    pad: int | str | Padding, f: int | Pair, stride: int | Pair, n_H_prev: int, n_W_prev: int
) -> Padding:
    """The zeros around a picture for ``pad``: a number, ``"valid"``, ``"same"``, or the
    zeros on each side ``((top, bottom), (left, right))``."""
    (f_H, f_W), (s_H, s_W) = pair("f", f), pair("stride", stride)
    if isinstance(pad, tuple):  # already ((top, bottom), (left, right))
        flat = [n for side in pad for n in side]
        if len(flat) != 4 or any(
            isinstance(n, bool) or not isinstance(n, int) or n < 0 for n in flat
        ):
            raise NNDLValueError(
                f"pad must be ((top, bottom), (left, right)) numbers >= 0. Received: pad={pad!r}"
            )
        return (pad[0][0], pad[0][1]), (pad[1][0], pad[1][1])
    if pad == "valid":
        return (0, 0), (0, 0)
    if pad == "same":

        def split(n_prev: int, f: int, s: int) -> tuple[int, int]:
            total = max((math.ceil(n_prev / s) - 1) * s + f - n_prev, 0)
            return total // 2, total - total // 2

        return split(n_H_prev, f_H, s_H), split(n_W_prev, f_W, s_W)
    if isinstance(pad, bool) or not isinstance(pad, int) or pad < 0:
        raise NNDLValueError(
            f"pad must be a number of zeros >= 0, 'valid' or 'same'. Received: pad={pad!r}"
        )
    return (pad, pad), (pad, pad)


def zero_pad(X: Array, pads: Padding) -> Array:
    """X ``(m, n_H, n_W, n_C)`` with zeros around each picture (height and width only)."""
    (top, bottom), (left, right) = pads
    if top == bottom == left == right == 0:
        return X
    xp = namespace(X)
    m, n_H, n_W, n_C = X.shape
    out = xp.zeros(
        (m, n_H + top + bottom, n_W + left + right, n_C), dtype=X.dtype, device=device(X)
    )
    out[:, top : top + n_H, left : left + n_W, :] = X
    return out


def _window(dh: int, dw: int, strides: Pair, n_H: int, n_W: int) -> tuple[slice, slice]:
    """Rows and columns that window offset (dh, dw) reads: ``dh + s_H·h``, ``dw + s_W·w``."""
    s_H, s_W = strides
    return slice(dh, dh + s_H * (n_H - 1) + 1, s_H), slice(dw, dw + s_W * (n_W - 1) + 1, s_W)


def _window_slices(A_pad: Array, f: Pair, strides: Pair, n_H: int, n_W: int) -> list[Array]:
    """The f_H·f_W strided views ``A_pad[:, dh + s_H·h, dw + s_W·w, :]``, each
    ``(m, n_H, n_W, C)``."""
    views = []
    for dh in range(f[0]):
        for dw in range(f[1]):
            rows, columns = _window(dh, dw, strides, n_H, n_W)
            views.append(A_pad[:, rows, columns, :])
    return views


def im2col(A_pad: Array, f: Pair, strides: Pair, n_H: int, n_W: int) -> Array:
    """cols ``(m·n_H·n_W, f_H·f_W·C)``: row ``(i, h, w)`` is the window
    ``A_pad[i, h·s_H : h·s_H + f_H, w·s_W : w·s_W + f_W, :]``, ordered ``(dh, dw, k)`` as
    ``W`` ``(f_H, f_W, C, n_C)`` is when reshaped to ``(f_H·f_W·C, n_C)``.

    With one channel the f·f slices are stacked first, each copy one contiguous block, and
    cols is the transpose of ``(f_H·f_W, m·n_H·n_W)`` (a view: the products take it as
    is).  With several, NumPy copies each window's rows of ``f_W·C`` contiguous numbers
    from one strided view (:func:`_im2col_numpy`, the same numbers as stacking the slices).
    """
    xp = namespace(A_pad)
    m, C = int(A_pad.shape[0]), int(A_pad.shape[3])
    positions, size = m * n_H * n_W, f[0] * f[1] * C
    if C == 1:
        stacked = xp.stack(_window_slices(A_pad, f, strides, n_H, n_W), axis=0)
        return xp.reshape(stacked, (size, positions)).T
    if isinstance(A_pad, np.ndarray):
        return _im2col_numpy(A_pad, f, strides, n_H, n_W)
    stacked = xp.stack(_window_slices(A_pad, f, strides, n_H, n_W), axis=3)
    return xp.reshape(stacked, (positions, size))


def _im2col_numpy(A_pad: np.ndarray, f: Pair, strides: Pair, n_H: int, n_W: int) -> np.ndarray:
    """:func:`im2col` for a NumPy array: the windows as one read-only strided view
    ``(m, n_H, n_W, f_H, f_W, C)`` copied at once, so that each copied run is a window
    row's ``f_W·C`` adjacent numbers (stacking the slices copies runs of C)."""
    (f_H, f_W), (s_H, s_W) = f, strides
    m, C = A_pad.shape[0], A_pad.shape[3]
    windows = np.lib.stride_tricks.sliding_window_view(A_pad, (f_H, f_W), axis=(1, 2))
    windows = windows[:, : s_H * (n_H - 1) + 1 : s_H, : s_W * (n_W - 1) + 1 : s_W]
    cols = np.ascontiguousarray(windows.transpose(0, 1, 2, 4, 5, 3))
    return cols.reshape(m * n_H * n_W, f_H * f_W * C)


def relu_in_place(Z: Array) -> Array:
    """``A = max(Z, 0)``, written over ``Z`` for NumPy (one pass, no new array); the same
    numbers as ReLU's ``where(Z > 0, Z, 0)`` (but for the sign of a zero and NaN kept)."""
    if isinstance(Z, np.ndarray):
        return np.maximum(Z, 0, out=Z)
    return namespace(Z).maximum(Z, 0.0)


def masked(dA: Array, mask: Array) -> Array:
    """``dA · mask``, 0 where ``mask`` (booleans, broadcast with ``dA``) is False: the max
    pool's window hits, ReLU's ``g'(Z) = (A > 0)``.  NumPy multiplies by the booleans
    themselves (one pass, the same numbers as multiplying by them as 0.0 and 1.0)."""
    if isinstance(dA, np.ndarray) and isinstance(mask, np.ndarray):
        return np.multiply(mask, dA)
    return namespace(dA).astype(mask, dA.dtype) * dA


class ConvCache(NamedTuple):
    """What the forward pass keeps for the backward pass."""

    cols: Array
    """im2col of the padded input, ``(m·n_H·n_W, f_H·f_W·n_C_prev)``."""
    W: Array
    prev_shape: tuple[int, ...]
    pads: Padding
    strides: Pair


def conv_forward(
    A_prev: Array,
    W: Array,
    b: Array,
    stride: int | Pair = 1,
    pad: int | str | Padding = 0,
    relu: bool = False,
) -> tuple[Array, ConvCache]:
    """``Z = W ∗ A_prev + b``: ``(m, n_H, n_W, n_C)`` and the cache for :func:`conv_backward`;
    with ``relu``, ``A = max(Z, 0)`` instead (the bias and ReLU in one pass over Z).

    ``A_prev`` is ``(m, n_H_prev, n_W_prev, n_C_prev)``, ``W`` ``(f, f, n_C_prev, n_C)``
    (or ``(f_H, f_W, n_C_prev, n_C)``), ``b`` ``(1, 1, 1, n_C)`` (or ``(n_C,)``);
    ``stride`` one number or ``(s_H, s_W)``.
    """
    if len(A_prev.shape) != 4 or len(W.shape) != 4:
        raise ShapeError(
            "conv_forward takes A_prev (m, n_H_prev, n_W_prev, n_C_prev) and filters W "
            f"(f, f, n_C_prev, n_C). Received: A_prev {tuple(A_prev.shape)}, W {tuple(W.shape)}"
        )
    f_H, f_W, n_C_prev, n_C = (int(n) for n in W.shape)
    m, n_H_prev, n_W_prev, channels = (int(n) for n in A_prev.shape)
    if channels != n_C_prev:
        raise ShapeError(
            f"A_prev has {channels} channels but the filters W expect n_C_prev = {n_C_prev}. "
            f"Received: A_prev {tuple(A_prev.shape)}, W {tuple(W.shape)}"
        )
    strides = pair("stride", stride)
    pads = padding(pad, (f_H, f_W), strides, n_H_prev, n_W_prev)
    n_H = output_size(n_H_prev, f_H, strides[0], sum(pads[0]))
    n_W = output_size(n_W_prev, f_W, strides[1], sum(pads[1]))
    if n_H < 1 or n_W < 1:
        raise ShapeError(
            f"a {f_H}×{f_W} filter does not fit a {n_H_prev}×{n_W_prev} picture with padding "
            f"{pads}: n_H = {n_H}, n_W = {n_W}. Use a smaller f or pad='same'"
        )
    xp = namespace(A_prev, W)
    cols = im2col(zero_pad(A_prev, pads), (f_H, f_W), strides, n_H, n_W)
    Z = cols @ xp.reshape(W, (f_H * f_W * n_C_prev, n_C))
    bias = xp.reshape(b, (n_C,))
    k = conv_kernels.for_arrays(Z, bias) if relu else None
    if k is not None:
        k.bias_relu(Z, bias)
    else:
        Z += xp.reshape(bias, (1, n_C))
        if relu:
            Z = relu_in_place(Z)
    cache = ConvCache(cols, W, (m, n_H_prev, n_W_prev, n_C_prev), pads, strides)
    return xp.reshape(Z, (m, n_H, n_W, n_C)), cache


def conv_backward(
    dZ: Array, cache: ConvCache, with_dA_prev: bool = True
) -> tuple[Array | None, Array, Array]:
    """``(dA_prev, dW, db)`` from ``dZ`` ``(m, n_H, n_W, n_C)`` (``dA_prev`` None without
    ``with_dA_prev``: the first layer of a model needs no gradient of its input).

    ``dW[dh, dw, k, c] = Σ_{i,h,w} A_pad[i, h·s + dh, w·s + dw, k] dZ[i, h, w, c]``,
    ``db[c] = Σ_{i,h,w} dZ[i, h, w, c]`` (shape ``(1, 1, 1, n_C)``) and ``dA_prev`` the
    sum of ``W[dh, dw, :, c] dZ[i, h, w, c]`` over every window that covers a pixel.
    No 1/m: the loss's gradient carries it, as ``dZ[L] = (A[L] − Y) / m`` does.
    """
    xp = namespace(dZ)
    cols, W, prev_shape, pads, strides = cache
    f_H, f_W, n_C_prev, n_C = (int(n) for n in W.shape)
    m, n_H, n_W, _ = (int(n) for n in dZ.shape)
    positions = m * n_H * n_W
    dZ2 = xp.reshape(dZ, (positions, n_C))
    dW = xp.reshape(cols.T @ dZ2, W.shape)
    ones = xp.ones((1, positions), dtype=dZ.dtype, device=device(dZ))
    db = xp.reshape(ones @ dZ2, (1, 1, 1, n_C))  # Σ over positions as a product (BLAS)
    if not with_dA_prev:
        return None, dW, db
    (top, bottom), (left, right) = pads
    _, n_H_prev, n_W_prev, _ = prev_shape
    padded = (m, n_H_prev + top + bottom, n_W_prev + left + right, n_C_prev)
    k = conv_kernels.for_arrays(dZ2)
    if k is not None:  # dcols = dZ · Wᵀ, one product (m·n_H·n_W, f_H·f_W·n_C_prev); compiled col2im
        dcols = dZ2 @ xp.reshape(W, (f_H * f_W * n_C_prev, n_C)).T
        dA_pad = np.empty(padded, dtype=dZ.dtype)  # the loop writes its zeros
        k.col2im(xp.reshape(dcols, (m, n_H, n_W, f_H, f_W, n_C_prev)), *strides, dA_pad)
    else:
        dA_pad = xp.zeros(padded, dtype=dZ.dtype, device=device(dZ))
        _col2im(dZ2, W, strides, (m, n_H, n_W), dA_pad)
    if top == bottom == left == right == 0:
        return dA_pad, dW, db
    return dA_pad[:, top : top + n_H_prev, left : left + n_W_prev, :], dW, db


def _col2im(dZ2: Array, W: Array, strides: Pair, out: tuple[int, int, int], dA_pad: Array) -> None:
    """``dA_pad += col2im(dZ · Wᵀ)`` through the array namespace: dcols by window offset,
    ``(f_H·f_W, m·n_H·n_W, n_C_prev)`` (offset (dh, dw) is ``dZ · W[dh, dw]ᵀ``), each offset's
    share added back where it read."""
    xp = namespace(dZ2)
    f_H, f_W, n_C_prev, n_C = (int(n) for n in W.shape)
    m, n_H, n_W = out
    if n_C_prev == 1:  # one product, (f_H·f_W, n_C) · dZᵀ
        dcols = xp.reshape(W, (f_H * f_W, n_C)) @ dZ2.T
    else:
        W_offsets = xp.permute_dims(xp.reshape(W, (f_H * f_W, n_C_prev, n_C)), (0, 2, 1))
        dcols = xp.matmul(dZ2, W_offsets)
    dcols = xp.reshape(dcols, (f_H, f_W, m, n_H, n_W, n_C_prev))
    for dh in range(f_H):
        for dw in range(f_W):
            rows, columns = _window(dh, dw, strides, n_H, n_W)
            dA_pad[:, rows, columns, :] += dcols[dh, dw, ...]


class PoolCache(NamedTuple):
    """What pooling keeps for its backward pass."""

    A_prev: Array
    A: Array
    f: Pair
    strides: Pair
    mode: str


def pool_forward(
    A_prev: Array, f: int | Pair, stride: int | Pair | None = None, mode: str = "max"
) -> tuple[Array, PoolCache]:
    """Max or average pooling over f×f windows moved by ``stride`` (default f), no padding.

    ``A[i, h, w, c] = max`` (or mean) of ``A_prev[i, h·s : h·s + f, w·s : w·s + f, c]``;
    ``n_H = ⌊(n_H_prev − f) / stride⌋ + 1``.  Each channel is pooled on its own.
    """
    window = pair("f", f)
    strides = window if stride is None else pair("stride", stride)
    if mode not in ("max", "average"):
        raise NNDLValueError(f"mode must be 'max' or 'average'. Received: mode={mode!r}")
    if len(A_prev.shape) != 4:
        raise ShapeError(
            f"pooling takes A_prev (m, n_H_prev, n_W_prev, n_C). Received: {tuple(A_prev.shape)}"
        )
    xp = namespace(A_prev)
    _, n_H_prev, n_W_prev, _ = (int(n) for n in A_prev.shape)
    n_H = output_size(n_H_prev, window[0], strides[0], 0)
    n_W = output_size(n_W_prev, window[1], strides[1], 0)
    if n_H < 1 or n_W < 1:
        raise ShapeError(
            f"a {window[0]}×{window[1]} pool does not fit a {n_H_prev}×{n_W_prev} picture"
        )
    k = conv_kernels.for_arrays(A_prev) if mode == "max" and window == strides else None
    if k is not None:  # compiled: each window's maximum in one pass
        A = np.empty((int(A_prev.shape[0]), n_H, n_W, int(A_prev.shape[3])), dtype=A_prev.dtype)
        k.pool_max(A_prev, window[0], window[1], A)
    elif window == strides:  # windows side by side: reduce the f_H rows, then the f_W columns
        A = _pool_tiles(A_prev, window, n_H, n_W, mode)
    else:
        windows = xp.stack(_window_slices(A_prev, window, strides, n_H, n_W), axis=0)
        A = xp.max(windows, axis=0) if mode == "max" else xp.mean(windows, axis=0)
    return A, PoolCache(A_prev, A, window, strides, mode)


def _pool_tiles(A_prev: Array, window: Pair, n_H: int, n_W: int, mode: str) -> Array:
    """Pooling when the stride is the window (the windows tile the picture): the rows
    ``h·f_H + r`` combined (max or sum) for r = 0 … f_H − 1, then the columns likewise,
    each step one elementwise pass over whole arrays; the mean divides the sum by f_H·f_W."""
    xp = namespace(A_prev)
    (f_H, f_W), (m, _, n_W_prev, C) = window, (int(n) for n in A_prev.shape)
    combine = xp.maximum if mode == "max" else xp.add
    rows = xp.reshape(A_prev[:, : n_H * f_H, ...], (m, n_H, f_H, n_W_prev * C))
    R = rows[:, :, 0, :]
    for r in range(1, f_H):
        R = combine(R, rows[:, :, r, :])
    R = xp.reshape(
        xp.reshape(R, (m, n_H, n_W_prev, C))[:, :, : n_W * f_W, :], (m, n_H, n_W, f_W, C)
    )
    A = R[:, :, :, 0, :]
    for c in range(1, f_W):
        A = combine(A, R[:, :, :, c, :])
    return A if mode == "max" else A / (f_H * f_W)


def pool_backward(dA: Array, cache: PoolCache, positive: bool = False) -> Array:
    """``dA_prev`` from ``dA``: to the maximum of each window (every element equal to it,
    as the course's ``create_mask_from_window``), or ``dA / (f_H·f_W)`` to each element.

    ``positive`` (max pooling only): to the maximum only where it is > 0, which is also
    ReLU's ``g'(Z) = (A_prev > 0)`` when ``A_prev`` is a ReLU's output, done in the same pass
    (a window whose maximum is 0 holds only zeros, where ReLU passes no gradient)."""
    xp = namespace(dA)
    A_prev, A, window, strides, mode = cache
    if mode == "max" and window == strides and isinstance(dA, np.ndarray):
        dA = np.ascontiguousarray(dA)
        k = conv_kernels.for_arrays(A_prev, A, dA)
        if k is not None:  # compiled: every element of dA_prev written once
            dA_prev = np.empty_like(A_prev)
            k.unpool_max(dA, A_prev, A, window[0], window[1], positive, dA_prev)
            return dA_prev
    if mode == "max" and positive:  # a maximum of 0 (or NaN) then matches no element
        A = xp.where(A > 0, A, xp.full_like(A, math.nan))
    if window == strides:
        return _unpool_tiles(dA, PoolCache(A_prev, A, window, strides, mode))
    _, n_H, n_W, _ = (int(n) for n in dA.shape)
    dA_prev = xp.zeros(A_prev.shape, dtype=dA.dtype, device=device(dA))
    share = dA / (window[0] * window[1])
    for dh in range(window[0]):
        for dw in range(window[1]):
            rows, columns = _window(dh, dw, strides, n_H, n_W)
            if mode == "max":
                hit = xp.astype(A_prev[:, rows, columns, :] == A, dA.dtype)
                dA_prev[:, rows, columns, :] += hit * dA
            else:
                dA_prev[:, rows, columns, :] += share
    return dA_prev


def _unpool_tiles(dA: Array, cache: PoolCache) -> Array:
    """:func:`pool_backward` when the windows tile the picture: each window viewed as axes
    ``(f_H, f_W)`` of ``(m, n_H, f_H, n_W, f_W, C)``, one broadcast product for all."""
    xp = namespace(dA)
    A_prev, A, (f_H, f_W), _, mode = cache
    m, n_H, n_W, C = (int(n) for n in dA.shape)
    tiled = (m, n_H, f_H, n_W, f_W, C)
    dA6 = xp.reshape(dA, (m, n_H, 1, n_W, 1, C))
    if mode == "max":
        inside = A_prev[:, : n_H * f_H, : n_W * f_W, :]
        hit = xp.reshape(inside, tiled) == xp.reshape(A, (m, n_H, 1, n_W, 1, C))
        spread = masked(dA6, hit)
    else:
        spread = xp.broadcast_to(dA6 / (f_H * f_W), tiled)
    spread = xp.reshape(spread, (m, n_H * f_H, n_W * f_W, C))
    if tuple(spread.shape) == tuple(A_prev.shape):
        return spread
    dA_prev = xp.zeros(A_prev.shape, dtype=dA.dtype, device=device(dA))
    dA_prev[:, : n_H * f_H, : n_W * f_W, :] = spread  # the rows and columns no window read: 0
    return dA_prev
