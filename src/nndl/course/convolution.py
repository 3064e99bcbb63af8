"""The convolution assignment, step by step: the course's loops, one window at a time.

*Convolutional Model: step by step* (the convolutional course, week 1) writes the forward
and backward passes of a convolutional layer and of pooling as explicit loops over the
examples, the output's rows and columns and the channels, so that every index of the
formulas can be seen.  These are those functions, with the course's names, signatures
and caches, for learning and for checking; :mod:`nndl.model.conv` computes the same
numbers with a few matrix products (the tests compare the two).

Shapes: ``A_prev`` ``(m, n_H_prev, n_W_prev, n_C_prev)``, ``W`` ``(f, f, n_C_prev, n_C)``,
``b`` ``(1, 1, 1, n_C)``, ``hparameters = {"stride": s, "pad": p}`` (pooling: ``{"f": f,
"stride": s}``), and ``n_H = ⌊(n_H_prev − f + 2p) / s⌋ + 1``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nndl.course._common import as_float
from nndl.errors import NNDLValueError


def zero_pad(X: Any, pad: int) -> np.ndarray:
    """X ``(m, n_H, n_W, n_C)`` with ``pad`` zeros around each picture.

    Parameters
    ----------
    X : array_like of shape (m, n_H, n_W, n_C)
        The pictures.
    pad : int
        The zeros added on each side of the height and the width.

    Returns
    -------
    numpy.ndarray of shape (m, n_H + 2·pad, n_W + 2·pad, n_C)
        The padded pictures.

    Examples
    --------
    >>> import numpy as np
    >>> zero_pad(np.ones((4, 3, 3, 2)), 2).shape
    (4, 7, 7, 2)
    """
    X = as_float(X)
    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode="constant", constant_values=0)


def conv_single_step(a_slice_prev: Any, W: Any, b: Any) -> float:
    """One filter on one window: ``Σ (a_slice_prev * W) + b`` (a float).

    Parameters
    ----------
    a_slice_prev : array_like of shape (f, f, n_C_prev)
        The window.
    W : array_like of shape (f, f, n_C_prev)
        The filter.
    b : array_like of shape (1, 1, 1)
        Its bias.

    Returns
    -------
    float
        Z of that window.
    """
    s = as_float(a_slice_prev) * as_float(W)
    return float(np.sum(s) + float(np.asarray(b).reshape(-1)[0]))


def conv_forward(
    A_prev: Any, W: Any, b: Any, hparameters: Mapping[str, int]
) -> tuple[np.ndarray, tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, int]]]:
    """``(Z, cache)``: every filter on every window, ``cache = (A_prev, W, b, hparameters)``.

    Parameters
    ----------
    A_prev : array_like of shape (m, n_H_prev, n_W_prev, n_C_prev)
        The pictures.
    W : array_like of shape (f, f, n_C_prev, n_C)
        The filters.
    b : array_like of shape (1, 1, 1, n_C)
        Their biases.
    hparameters : mapping of str to int
        ``{"stride": s, "pad": p}``.

    Returns
    -------
    Z : numpy.ndarray of shape (m, n_H, n_W, n_C)
        ``n_H = ⌊(n_H_prev − f + 2p) / s⌋ + 1``, likewise n_W.
    cache : tuple
        ``(A_prev, W, b, hparameters)``.

    Raises
    ------
    NNDLValueError
        When ``hparameters`` lacks a key.
    """
    A_prev, W, b = as_float(A_prev), as_float(W), as_float(b)
    m, n_H_prev, n_W_prev, _ = A_prev.shape
    f, _, _, n_C = W.shape
    stride, pad = _hparameters(hparameters, "stride", "pad")
    n_H = (n_H_prev - f + 2 * pad) // stride + 1
    n_W = (n_W_prev - f + 2 * pad) // stride + 1
    Z = np.zeros((m, n_H, n_W, n_C))
    A_prev_pad = zero_pad(A_prev, pad)
    for i in range(m):
        a_prev_pad = A_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            for w in range(n_W):
                horiz_start = w * stride
                a_slice_prev = a_prev_pad[
                    vert_start : vert_start + f, horiz_start : horiz_start + f, :
                ]
                for c in range(n_C):
                    Z[i, h, w, c] = conv_single_step(a_slice_prev, W[..., c], b[..., c])
    return Z, (A_prev, W, b, dict(hparameters))


def pool_forward(
    A_prev: Any, hparameters: Mapping[str, int], mode: str = "max"
) -> tuple[np.ndarray, tuple[np.ndarray, dict[str, int]]]:
    """``(A, cache)``: the max (or mean) of every f×f window of every channel.

    Parameters
    ----------
    A_prev : array_like of shape (m, n_H_prev, n_W_prev, n_C)
        The pictures.
    hparameters : mapping of str to int
        ``{"f": f, "stride": s}``.
    mode : {"max", "average"}, default "max"
        The pooling.

    Returns
    -------
    A : numpy.ndarray of shape (m, n_H, n_W, n_C)
        ``n_H = ⌊(n_H_prev − f) / s⌋ + 1``, likewise n_W.
    cache : tuple
        ``(A_prev, hparameters)``.

    Raises
    ------
    NNDLValueError
        When the mode is unknown or ``hparameters`` lacks a key.
    """
    A_prev = as_float(A_prev)
    m, n_H_prev, n_W_prev, n_C = A_prev.shape
    f, stride = _hparameters(hparameters, "f", "stride")
    reduce = _mode(mode)
    n_H = (n_H_prev - f) // stride + 1
    n_W = (n_W_prev - f) // stride + 1
    A = np.zeros((m, n_H, n_W, n_C))
    for i in range(m):
        for h in range(n_H):
            vert_start = h * stride
            for w in range(n_W):
                horiz_start = w * stride
                for c in range(n_C):
                    window = A_prev[
                        i, vert_start : vert_start + f, horiz_start : horiz_start + f, c
                    ]
                    A[i, h, w, c] = reduce(window)
    return A, (A_prev, dict(hparameters))


def conv_backward(
    dZ: Any, cache: tuple[Any, Any, Any, Mapping[str, int]]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(dA_prev, dW, db)``: each window's share of ``dZ``, added back where it was read.

    ``da_prev_pad[window] += W[..., c] · dZ[i, h, w, c]``,
    ``dW[..., c] += a_slice · dZ[i, h, w, c]``, ``db[..., c] += dZ[i, h, w, c]``.

    Parameters
    ----------
    dZ : array_like of shape (m, n_H, n_W, n_C)
        The gradient of the cost with respect to Z.
    cache : tuple
        ``(A_prev, W, b, hparameters)`` from :func:`conv_forward`.

    Returns
    -------
    dA_prev : numpy.ndarray of shape (m, n_H_prev, n_W_prev, n_C_prev)
        The gradient with respect to A_prev.
    dW : numpy.ndarray of shape (f, f, n_C_prev, n_C)
        The gradient with respect to W.
    db : numpy.ndarray of shape (1, 1, 1, n_C)
        The gradient with respect to b.
    """
    A_prev, W, _, hparameters = cache
    A_prev, W, dZ = as_float(A_prev), as_float(W), as_float(dZ)
    m, n_H_prev, n_W_prev, n_C_prev = A_prev.shape
    f, _, _, n_C = W.shape
    stride, pad = _hparameters(hparameters, "stride", "pad")
    _, n_H, n_W, _ = dZ.shape
    dA_prev = np.zeros((m, n_H_prev, n_W_prev, n_C_prev))
    dW = np.zeros((f, f, n_C_prev, n_C))
    db = np.zeros((1, 1, 1, n_C))
    A_prev_pad, dA_prev_pad = zero_pad(A_prev, pad), zero_pad(dA_prev, pad)
    for i in range(m):
        a_prev_pad, da_prev_pad = A_prev_pad[i], dA_prev_pad[i]
        for h in range(n_H):
            vert_start = h * stride
            for w in range(n_W):
                horiz_start = w * stride
                window = (slice(vert_start, vert_start + f), slice(horiz_start, horiz_start + f))
                a_slice = a_prev_pad[window]
                for c in range(n_C):
                    da_prev_pad[window] += W[:, :, :, c] * dZ[i, h, w, c]
                    dW[:, :, :, c] += a_slice * dZ[i, h, w, c]
                    db[:, :, :, c] += dZ[i, h, w, c]
        dA_prev[i] = da_prev_pad[pad : pad + n_H_prev, pad : pad + n_W_prev, :]
    return dA_prev, dW, db


def create_mask_from_window(x: Any) -> np.ndarray:
    """True where ``x`` holds its maximum: where max pooling's gradient goes.

    Parameters
    ----------
    x : array_like of shape (f, f)
        A window.

    Returns
    -------
    numpy.ndarray of bool, of shape (f, f)
        The mask.

    Examples
    --------
    >>> create_mask_from_window([[1.0, 3.0], [2.0, 0.5]])
    array([[False,  True],
           [False, False]])
    """
    x = as_float(x)
    return np.asarray(x == np.max(x))


def distribute_value(dz: float, shape: tuple[int, int]) -> np.ndarray:
    """``dz`` spread evenly over a window of ``shape``: average pooling's gradient.

    Parameters
    ----------
    dz : float
        The gradient arriving at the window's output.
    shape : tuple of int
        ``(n_H, n_W)`` of the window.

    Returns
    -------
    numpy.ndarray
        ``dz / (n_H · n_W)`` in every entry.

    Examples
    --------
    >>> distribute_value(2.0, (2, 2))
    array([[0.5, 0.5],
           [0.5, 0.5]])
    """
    n_H, n_W = shape
    return np.ones(shape) * (float(dz) / (n_H * n_W))


def pool_backward(dA: Any, cache: tuple[Any, Mapping[str, int]], mode: str = "max") -> np.ndarray:
    """``dA_prev``: each ``dA[i, h, w, c]`` back to its window.

    Through the mask of the window's maximum (max), or spread evenly (average).

    Parameters
    ----------
    dA : array_like of shape (m, n_H, n_W, n_C)
        The gradient of the cost with respect to the pooling's output.
    cache : tuple
        ``(A_prev, hparameters)`` from :func:`pool_forward`.
    mode : {"max", "average"}, default "max"
        The pooling of the forward pass.

    Returns
    -------
    numpy.ndarray of shape (m, n_H_prev, n_W_prev, n_C)
        dA_prev.
    """
    A_prev, hparameters = cache
    A_prev, dA = as_float(A_prev), as_float(dA)
    f, stride = _hparameters(hparameters, "f", "stride")
    _mode(mode)
    m, _, _, _ = A_prev.shape
    _, n_H, n_W, n_C = dA.shape
    dA_prev = np.zeros(A_prev.shape)
    for i in range(m):
        for h in range(n_H):
            vert_start = h * stride
            for w in range(n_W):
                horiz_start = w * stride
                for c in range(n_C):
                    window = (
                        i,
                        slice(vert_start, vert_start + f),
                        slice(horiz_start, horiz_start + f),
                        c,
                    )
                    if mode == "max":
                        mask = create_mask_from_window(A_prev[window])
                        dA_prev[window] += mask * dA[i, h, w, c]
                    else:
                        dA_prev[window] += distribute_value(dA[i, h, w, c], (f, f))
    return dA_prev


def _hparameters(hparameters: Mapping[str, int], *names: str) -> list[int]:
    missing = [n for n in names if n not in hparameters]
    if missing:
        raise NNDLValueError(
            f"hparameters must hold {', '.join(repr(n) for n in names)}. "
            f"Received: {dict(hparameters)!r}"
        )
    return [int(hparameters[n]) for n in names]


def _mode(mode: str) -> Any:
    if mode == "max":
        return np.max
    if mode == "average":
        return np.mean
    raise NNDLValueError(f"mode must be 'max' or 'average'. Received: mode={mode!r}")
