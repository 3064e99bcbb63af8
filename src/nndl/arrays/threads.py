"""BLAS threads for small matrix products: one.

OpenBLAS hands a product to its threads once ``M·N·K`` passes a small threshold (about 64³),
and on a busy machine those threads wait for cores: (100 × 30) @ (30 × 200) took 0.3 to
1.2 ms on two threads of a loaded 2-core machine against 0.03 ms on one.  A small network's
training steps are such products, so :func:`blas_threads_for` runs them on one BLAS thread;
a layer big enough to gain from threads keeps BLAS's own choice.  It needs threadpoolctl
(which scikit-learn and the playground bring); without it, nothing changes.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

SMALL_PRODUCT = 1 << 23
"""A step's products are small when every layer's ``B · n[l-1] · n[l]`` (multiply-adds of
``W[l] A[l-1]`` over a batch of B) is below this: about 8 million, a millisecond or two on
one core, where thread start-up and waiting cost more than they give."""


def small_products(layer_dims: Sequence[int], batch: int) -> bool:
    """Whether every product of a step over ``batch`` examples is small (see the module)."""
    return all(batch * a * b < SMALL_PRODUCT for a, b in itertools.pairwise(layer_dims))


@functools.cache
def _controller() -> Any:
    try:
        from threadpoolctl import ThreadpoolController  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        return None
    return ThreadpoolController()  # finds the loaded BLAS libraries once


@contextmanager
def blas_threads_for(layer_dims: Sequence[int] | None, batch: int) -> Iterator[None]:
    """One BLAS thread inside the block when the network of ``layer_dims`` has small
    products over batches of ``batch`` examples (``None``: no dense network; nothing
    changes); the limits are restored after it."""
    controller = _controller() if layer_dims is not None else None
    if controller is None or not small_products(layer_dims or (), batch):
        yield
        return
    with controller.limit(limits=1, user_api="blas"):
        yield
