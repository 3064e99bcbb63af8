"""Compiled loops for small dense networks trained on the whole batch (optional: Numba).

A network such as the course's planar ``[2, 4, 1]`` does about 40 NumPy calls an
iteration, each on a few hundred numbers, so its time is the calls' fixed cost, not
arithmetic.  These loops do a layer's whole forward or backward pass in one call:

- ``forward(W, b, A_prev, Z, relu)``: ``Z = W A_prev + b`` (and ``max(Z, 0)`` for ReLU);
- ``backward(dZ, A_prev, W, dW, db, dA_prev, kind, m)``: ``dW = (1/m) dZ A_prevᵀ``,
  ``db = (1/m) Σ_i dZ``, and for a hidden layer below ``dA_prev = Wᵀ dZ ⊙ g'(A_prev)``
  with ``g'`` from ``A`` (``kind``: 0 linear, 1 ReLU ``A > 0``, 2 tanh ``1 − A²``;
  −1: no layer below);
- ``output_shift(W, b, A_prev, Z, E)``: the output's ``Z = W A_prev + b`` and
  ``E = −|Z|``, for NumPy's ``exp`` and ``log1p`` (vectorised, several times faster than
  the scalar functions a compiled loop calls);
- ``network_backward(θ, ∇θ, …)``: from ``Z[L]``, ``E = e^(−|Z|)`` and ``T = log(1 + E)``,
  the sigmoid ``A[L]``, the summed logistic loss ``softplus(z) − y z``, the examples with
  every output on the right side of 0.5 and ``dZ[L] = A[L] − Y``, then ``backward`` for
  every layer, in one call over the
  flat parameter, gradient and activation buffers.

tanh, exp and log1p stay NumPy's between the calls: NumPy's vectorised loops are several
times faster than the scalar functions a compiled loop would call.

Products add over ``k`` in order; the sums over the examples (``dW``, ``db``, the cost)
are vectorised by the compiler, in partial sums of this CPU's vector width, as a BLAS
does.  So the results equal the NumPy passes' (which use BLAS products) to rounding, not
to the bit, and their last bits depend on the CPU, as a BLAS's do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nndl.arrays import fused

__all__ = ["LINEAR", "NONE", "RELU", "TANH", "DenseLoops", "loops_for"]

NONE, LINEAR, RELU, TANH = -1, 0, 1, 2
"""``kind`` codes of ``backward``: the activation of the layer below (``NONE``: none)."""


@dataclass(frozen=True)
class DenseLoops:
    """The compiled loops (see the module's docstring).  Arrays are C-contiguous, of one
    dtype; ``b`` is ``(n, 1)``; ``Y`` holds 0 and 1."""

    forward: Callable[..., None]
    backward: Callable[..., None]
    output_shift: Callable[..., None]
    network_backward: Callable[..., tuple[float, int]]


_LOOPS: DenseLoops | None = None
_WARM: set[str] = set()


def loops_for(dtype: Any) -> DenseLoops | None:
    """The loops compiled (or loaded from the disk cache) for ``dtype``; ``None`` when Numba
    is missing, ``NNDL_FUSED=0`` is set, or compiling fails (a ``RuntimeWarning`` says why,
    as :func:`nndl.arrays.fused.kernels_for` does)."""
    global _LOOPS
    if fused.kernels() is None:  # Numba missing or switched off
        return None
    name = np.dtype(dtype).name
    try:
        if _LOOPS is None:
            from nndl.arrays import _dense_kernels as k

            _LOOPS = DenseLoops(k.forward, k.backward, k.output_shift, k.network_backward)
        if name not in _WARM:
            _warm_up(_LOOPS, np.dtype(dtype))
            _WARM.add(name)
    except Exception as exc:  # any failure of the optional compiler: fall back, say why
        import warnings

        warnings.warn(
            f"nndl: Numba could not compile the dense loops for {name} "
            f"({type(exc).__name__}: {exc}); training uses NumPy passes.",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    return _LOOPS


def _warm_up(loops: DenseLoops, dtype: np.dtype[Any]) -> None:
    W, b = np.ones((1, 1), dtype), np.zeros((1, 1), dtype)
    A, Z, Y, AL, T, dZ = (np.zeros((1, 1), dtype) for _ in range(6))
    loops.forward(W, b, A, Z, False)
    loops.backward(dZ, A, W, np.zeros((1, 1), dtype), b, Z, TANH, 1)
    theta, grad, Zs = np.ones(4, dtype), np.zeros(4, dtype), np.zeros(2, dtype)
    at, dims = np.array([0, 2], np.intp), np.array([1, 1, 1], np.intp)
    A, Y = np.zeros((1, 1), dtype), np.zeros((1, 1), dtype)
    loops.output_shift(W, b, A, Z, T)
    loops.network_backward(
        theta, grad, at, at + 1, dims, dims[:1], A, Zs, at // 2, Zs.copy(), Y, AL, T
    )
