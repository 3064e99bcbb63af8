"""Arrays held in blocks of examples, possibly on other machines (Dask arrays).

A blocked ``X`` is ``(n_x, m)`` cut into column blocks ``X_c`` of ``m_c``
examples.  Prediction is a function of each example alone, so it maps over the
blocks lazily, each block where it lives; training on such arrays (a sum over
the blocks' gradients) is the training layer's :mod:`nndl.training.dask`.

Dask is imported only when a blocked array is met or made.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import array_api_compat
import numpy as np

from nndl.arrays.backend import Array, to_numpy
from nndl.errors import NNDLTypeError, ShapeError, require


def is_blocked(x: object) -> bool:
    """True for a Dask array (without importing Dask when it is not loaded)."""
    return bool(array_api_compat.is_dask_array(x))


def dask_module(name: str) -> Any:
    """Import Dask (``"dask"``, ``"dask.array"``, ``"distributed"``) or name the extra."""
    return require(name, "dask", "training on Dask arrays")


def whole_columns(X: Any, n_x: int) -> Any:
    """A blocked ``X`` of shape ``(n_x, m)`` with whole columns in every block.

    Raises a ShapeError for another shape or for blocks of unknown size."""
    if not is_blocked(X):
        raise NNDLTypeError(f"X must be a Dask array. Received: X of type {type(X).__name__}")
    if X.ndim != 2 or X.shape[0] != n_x:
        raise ShapeError(
            f"X must be a Dask array of shape (n_x, m) = ({n_x}, m), chunked along "
            f"the examples (columns). Received: X.shape={tuple(X.shape)}"
        )
    if any(math.isnan(c) for c in X.chunks[1]):
        raise ShapeError(
            "X has chunks of unknown size along the examples: call X.compute_chunk_sizes() first."
        )
    return X if len(X.chunks[0]) == 1 else X.rechunk({0: -1})


def map_examples(
    block_fn: Callable[[np.ndarray], np.ndarray], X: Any, n_x: int, rows: int, dtype: Any
) -> Any:
    """``block_fn`` applied lazily to every block of examples of a blocked ``X (n_x, m)``.

    ``block_fn`` takes a NumPy block ``(n_x, m_c)`` and returns ``(rows, m_c)`` of
    ``dtype``; the result is a Dask array ``(rows, m)`` chunked like X's columns
    (call ``.compute()``).  ``block_fn`` travels to the workers, so it must pickle.
    """
    X = whole_columns(X, n_x)
    dtype = np.dtype(dtype)
    return X.map_blocks(
        block_fn,
        dtype=dtype,
        chunks=((rows,), X.chunks[1]),
        meta=np.empty((0, 0), dtype=dtype),
    )


def as_dask(X: Array, chunk_size: int) -> Any:
    """A NumPy (or other) array ``(n, m)`` as a Dask array of ``chunk_size`` columns per chunk."""
    da = dask_module("dask.array")
    return da.from_array(np.asarray(to_numpy(X)), chunks=(-1, int(chunk_size)))
