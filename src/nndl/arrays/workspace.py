"""Large NumPy buffers used again instead of made anew: no page faults on every pass.

A fresh buffer of a few megabytes comes from the kernel a page at a time, zeroed on its first
touch: for a recurrent layer's gates over T = 40 steps (8 MB a batch) that costs about as much
as the arithmetic that writes them (the C library returns freed blocks that large to the
kernel, so each batch faults them in again).  :func:`empty` hands back a buffer of this
thread's that nothing else holds any more (no cache, no view of it: its reference count says
so), or makes one and keeps it for the next pass.  Its contents are undefined, as
``numpy.empty``'s.  Each thread has its own buffers, so concurrent passes (Dask's threads
predicting blocks) never share one; at most :data:`LIMIT_BYTES` are kept per thread.
"""

from __future__ import annotations

import sys
import threading

import numpy as np

LIMIT_BYTES = 256 << 20
"""The most bytes of buffers one thread keeps for later passes (256 MiB)."""

SPARES = 8
"""The most buffers kept of one shape and dtype (a pass's and the one before it, of a few
layers)."""

_local = threading.local()


def _unreferenced_count() -> int:
    """The reference count :func:`empty`'s loop sees for a buffer only the pool holds (the
    list, the loop variable, getrefcount's argument: 3 on CPython 3.11), measured once."""
    kept = [np.empty(0)]
    for a in kept:
        return sys.getrefcount(a)
    raise AssertionError  # pragma: no cover


_FREE = _unreferenced_count()


def empty(shape: tuple[int, ...], dtype: np.dtype) -> np.ndarray:
    """A buffer of ``shape`` and ``dtype`` that nothing else refers to (undefined contents).

    Parameters
    ----------
    shape : tuple of int
        Its shape.
    dtype : numpy.dtype
        Its dtype.

    Returns
    -------
    numpy.ndarray
        A C-contiguous array, kept by this thread for later calls once its users drop it.
    """
    spares: dict[tuple[tuple[int, ...], str], list[np.ndarray]] = _local.__dict__.setdefault(
        "spares", {}
    )
    key = (tuple(shape), np.dtype(dtype).str)
    kept = spares.setdefault(key, [])
    for a in kept:
        if sys.getrefcount(a) == _FREE:  # a cache or a view of it (its .base) adds one
            return a
    a = np.empty(shape, dtype)
    held = getattr(_local, "bytes", 0)
    if len(kept) < SPARES and held + a.nbytes <= LIMIT_BYTES:
        kept.append(a)
        _local.bytes = held + a.nbytes
    return a
