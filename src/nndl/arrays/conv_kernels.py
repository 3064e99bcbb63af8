"""Compiled loops for convolution and pooling on NumPy arrays (optional: Numba).

The vectorized convolution (:mod:`nndl.model.conv`) is matrix products plus
elementwise passes: the bias and ReLU over ``Z``, the max pool's rows and columns,
its backward pass's broadcast product, ReLU's ``dA · (A > 0)`` and col2im's f·f strided
additions, each a trip through the activations (5.5 MB per mini-batch of 128 for a
first layer of 16 filters on 28 × 28 pictures).  With Numba installed (the ``fast``
extra) these passes are the loops below, each reading its inputs once and writing its
output once:

- ``bias_relu(Z, b)``: ``Z = max(Z + b, 0)`` in place, ``Z`` ``(P, n_C)``, ``b`` ``(n_C,)``
- ``pool_max(A_prev, f_H, f_W, A)``: max pooling when the windows tile the picture (stride = f),
  ``A_prev`` ``(m, n_H_prev, n_W_prev, C)`` into ``A`` ``(m, n_H, n_W, C)``
- ``unpool_max(dA, A_prev, A, f_H, f_W, positive, dA_prev)``: its backward pass: ``dA`` to every
  element equal to its window's maximum (the course's ``create_mask_from_window``), 0
  elsewhere; with ``positive`` only where that maximum is > 0, which is ReLU's
  ``g'(Z) = (A > 0)`` of a ReLU layer before the pool, folded in
- ``col2im(dcols, s_H, s_W, dA_pad)``: ``dA_pad`` (any contents) set to zeros plus each
  window offset's share of ``dcols`` ``(m, n_H, n_W, f_H, f_W, C)``, added where that
  offset read, offset by offset as the NumPy additions are (the same sums in the same
  order), one picture at a time

Each gives the numbers of the NumPy passes it replaces: the same operations in the
same order and dtype (a maximum is exact; ``dA`` is multiplied by 1 or 0 as NumPy
multiplies by the booleans), no ``fastmath``.  ``tests/arrays/test_conv_kernels.py``
checks them bit for bit against those passes.

:func:`for_arrays` returns the kernels for arrays worth them (C-contiguous NumPy float32
or float64, at least :data:`MIN_ELEMENTS` numbers), else ``None`` and the NumPy passes
stay, as they do without Numba or with ``NNDL_FUSED=0``.  Importing Numba and loading
the kernels from its disk cache takes about a second, once per process (a few seconds
more the first time, while Numba compiles them into its cache): :func:`ready`, which a
``Sequential`` model calls when it checks data large enough, before the first epoch.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nndl.arrays import fused

__all__ = ["MIN_ELEMENTS", "ConvKernels", "for_arrays", "kernels", "ready"]

MIN_ELEMENTS = 100_000
"""Below this many numbers in an activation the NumPy passes are cheap enough that
loading Numba (about a second per process) would not pay off."""

_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


@dataclass(frozen=True)
class ConvKernels:
    """The compiled loops (see the module's docstring); arrays C-contiguous, one dtype."""

    bias_relu: Callable[..., None]
    pool_max: Callable[..., None]
    unpool_max: Callable[..., None]
    col2im: Callable[..., None]


_KERNELS: ConvKernels | None = None
_READY: dict[Any, bool] = {}
"""Whether the loops compiled, by dtype (as given: a name or a NumPy dtype)."""


def kernels() -> ConvKernels | None:
    """The compiled loops, or ``None`` (no Numba, or ``NNDL_FUSED=0``).  Numba is imported
    on the first call."""
    global _KERNELS
    numba = fused.compiler()
    if numba is None:
        return None
    if _KERNELS is None:
        _KERNELS = _build(numba)
    return _KERNELS


def for_arrays(first: Any, *others: Any) -> ConvKernels | None:
    """:func:`kernels` when every array is a C-contiguous NumPy array of one float dtype
    (float32 or float64) and ``first`` holds at least :data:`MIN_ELEMENTS` numbers;
    else ``None``.  Should Numba fail to compile them for that dtype, ``None`` after a
    ``RuntimeWarning`` that says why (once)."""
    if not isinstance(first, np.ndarray) or first.size < MIN_ELEMENTS:
        return None
    dtype = first.dtype
    if dtype not in _DTYPES or not all(
        isinstance(a, np.ndarray) and a.dtype == dtype and a.flags.c_contiguous
        for a in (first, *others)
    ):
        return None
    return ready(dtype)


def ready(dtype: Any) -> ConvKernels | None:
    """:func:`kernels`, compiled (or loaded from Numba's disk cache) for ``dtype`` now;
    ``None`` without them."""
    k = kernels()
    if k is None:
        return None
    if dtype not in _READY:
        _READY[dtype] = np.dtype(dtype) in _DTYPES and _warm_up(k, np.dtype(dtype))
    return k if _READY[dtype] else None


def _warm_up(k: ConvKernels, dtype: np.dtype[Any]) -> bool:
    """Compile (or load from the disk cache) every loop for ``dtype`` on tiny arrays."""
    try:
        Z, b = np.zeros((2, 3), dtype=dtype), np.zeros(3, dtype=dtype)
        k.bias_relu(Z, b)
        A_prev, A = np.zeros((1, 4, 4, 2), dtype=dtype), np.zeros((1, 2, 2, 2), dtype=dtype)
        k.pool_max(A_prev, 2, 2, A)
        k.unpool_max(A, A_prev, A, 2, 2, True, np.zeros_like(A_prev))
        k.col2im(np.zeros((1, 2, 2, 3, 3, 2), dtype=dtype), 1, 1, np.zeros_like(A_prev))
    except Exception as exc:  # any failure of the optional compiler: fall back, say why
        warnings.warn(
            f"nndl: Numba could not compile the convolution loops for {dtype.name} "
            f"({type(exc).__name__}: {exc}); convolution and pooling use NumPy passes. Set "
            "NNDL_FUSED=0 to skip the attempt.",
            RuntimeWarning,
            stacklevel=3,
        )
        return False
    return True


def _build(numba: Any) -> ConvKernels:
    jit = fused.jit_with(numba)

    @jit
    def bias_relu(Z: Any, b: Any) -> None:
        zero = Z.dtype.type(0)
        for p in range(Z.shape[0]):
            for c in range(Z.shape[1]):
                z = Z[p, c] + b[c]
                Z[p, c] = zero if z < zero else z  # NaN stays NaN, as in np.maximum

    @jit
    def pool_max(A_prev: Any, f_H: int, f_W: int, A: Any) -> None:
        m, n_H, n_W, C = A.shape
        for i in range(m):
            for h in range(n_H):
                for w in range(n_W):
                    for k in range(C):
                        A[i, h, w, k] = A_prev[i, h * f_H, w * f_W, k]
                    for r in range(f_H):
                        for c in range(f_W):
                            for k in range(C):
                                x, a = A_prev[i, h * f_H + r, w * f_W + c, k], A[i, h, w, k]
                                A[i, h, w, k] = x if (x > a or x != x) else a  # NaN wins

    @jit
    def unpool_max(
        dA: Any, A_prev: Any, A: Any, f_H: int, f_W: int, positive: bool, dA_prev: Any
    ) -> None:
        m, n_H, n_W, C = A.shape
        _, H, W, _ = A_prev.shape
        zero, one = A.dtype.type(0), A.dtype.type(1)
        for i in range(m):
            for y in range(H):
                h = y // f_H
                for x in range(W):
                    w = x // f_W
                    if h >= n_H or w >= n_W:  # rows and columns no window reads
                        for k in range(C):
                            dA_prev[i, y, x, k] = zero
                    elif positive:
                        for k in range(C):
                            a = A[i, h, w, k]
                            hit = (A_prev[i, y, x, k] == a) & (a > zero)
                            dA_prev[i, y, x, k] = dA[i, h, w, k] * (one if hit else zero)
                    else:
                        for k in range(C):
                            hit = A_prev[i, y, x, k] == A[i, h, w, k]
                            dA_prev[i, y, x, k] = dA[i, h, w, k] * (one if hit else zero)

    @jit
    def col2im(dcols: Any, s_H: int, s_W: int, dA_pad: Any) -> None:
        m, n_H, n_W, f_H, f_W, C = dcols.shape
        zero = dA_pad.dtype.type(0)
        for i in range(m):
            for y in range(dA_pad.shape[1]):  # this picture's zeros, while it is in cache
                for x in range(dA_pad.shape[2]):
                    for k in range(C):
                        dA_pad[i, y, x, k] = zero
            for dh in range(f_H):
                for dw in range(f_W):
                    for h in range(n_H):
                        for w in range(n_W):
                            for k in range(C):
                                dA_pad[i, dh + s_H * h, dw + s_W * w, k] += dcols[
                                    i, h, w, dh, dw, k
                                ]

    return ConvKernels(bias_relu, pool_max, unpool_max, col2im)
