"""Compiled loops for small dense networks trained on the whole batch (optional: Numba).

A network such as the course's planar ``[2, 4, 1]`` does about 40 NumPy calls an
iteration, each on a few hundred numbers, so its time is the calls' fixed cost, not
arithmetic.  These loops do a layer's forward pass, or the output and every layer's
backward pass, in one call:

- ``forward(W, b, A_prev, Z, relu)``: ``Z = W A_prev + b`` (and ``max(Z, 0)`` for ReLU);
- ``output_shift(W, b, A_prev, Z, E)``: the output's ``Z = W A_prev + b`` and
  ``E = −|Z|``, for NumPy's ``exp`` and ``log1p`` (vectorised, several times faster than
  the scalar functions a compiled loop calls);
- ``network_backward(θ, ∇θ, θ_before, index, …)``: from ``Z[L]``, ``E = e^(−|Z|)`` and
  ``T = log(1 + E)``,
  the sigmoid ``A[L]``, the summed logistic loss ``softplus(z) − y z``, the examples with
  every output on the right side of 0.5 and ``dZ[L] = A[L] − Y``, then every layer's
  backward pass: ``dW = (1/m) dZ A_prevᵀ``, ``db = (1/m) Σ_i dZ``, and for a hidden layer
  below ``dA_prev = Wᵀ dZ ⊙ g'(A_prev)`` with ``g'`` from ``A`` (tanh ``1 − A²``, ReLU
  ``A > 0``, linear 1), in one call over the flat parameter, gradient and activation
  buffers; it also keeps a copy of θ and says whether ∇θ is finite, the two checks the
  engine makes around each step.

tanh, exp and log1p stay NumPy's between the calls: NumPy's vectorised loops are several
times faster than the scalar functions a compiled loop would call.

Products add over ``k`` in order; the sums over the examples (``dW``, ``db``, the cost)
are vectorised by the compiler, in partial sums of this CPU's vector width, as a BLAS
does.  So the results equal the NumPy passes' (which use BLAS products) to rounding, not
to the bit, and their last bits depend on the CPU, as a BLAS's do.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nndl.arrays import fused

__all__ = ["LINEAR", "NONE", "RELU", "TANH", "DenseLoops", "layout", "loops_for"]

NONE, LINEAR, RELU, TANH = -1, 0, 1, 2
"""The hidden layers' activations as ``network_backward`` takes them (``NONE``: no layer
below the first)."""


@dataclass(frozen=True)
class DenseLoops:
    """The compiled loops (see the module's docstring).  Arrays are C-contiguous, of one
    dtype; ``b`` is ``(n, 1)``; ``Y`` holds 0 and 1."""

    forward: Callable[..., None]
    output_shift: Callable[..., None]
    network_backward: Callable[..., tuple[float, int, bool]]


_LOOPS: DenseLoops | None = None
_READY: dict[str, bool] = {}
"""Whether the loops compiled, by dtype name (a failure is warned about once)."""


def loops_for(dtype: Any) -> DenseLoops | None:
    """The loops compiled (or loaded from the disk cache) for ``dtype``; ``None`` when Numba
    is missing, ``NNDL_FUSED=0`` is set, or compiling fails (a ``RuntimeWarning`` says why,
    once, as :func:`nndl.arrays.fused.kernels_for` does)."""
    global _LOOPS
    if fused.compiler() is None:  # Numba missing or switched off
        return None
    name = np.dtype(dtype).name
    if name not in _READY:
        try:
            if _LOOPS is None:
                from nndl.arrays import _dense_kernels as k

                _LOOPS = DenseLoops(k.forward, k.output_shift, k.network_backward)
            _warm_up(_LOOPS, np.dtype(dtype))
            _READY[name] = True
        except Exception as exc:  # any failure of the optional compiler: fall back, say why
            import warnings

            warnings.warn(
                f"nndl: Numba could not compile the dense loops for {name} "
                f"({type(exc).__name__}: {exc}); training uses NumPy passes.",
                RuntimeWarning,
                stacklevel=2,
            )
            _READY[name] = False
    return _LOOPS if _READY[name] else None


def _warm_up(loops: DenseLoops, dtype: np.dtype[Any]) -> None:
    """Every loop called once on a ``[1, 1, 1]`` tanh network of one example."""
    W, b, X, Z, Y, E, T = (np.zeros((1, 1), dtype) for _ in range(7))
    loops.forward(W, b, X, Z, False)
    loops.output_shift(W, b, X, Z, E)
    theta, grad, Zs = np.zeros(4, dtype), np.zeros(4, dtype), np.zeros(2, dtype)
    index = layout([1, 1, 1], [0, 2], [1, 3], [0, 1, 2], [TANH])  # θ: W1 b1 W2 b2
    loops.network_backward(theta, grad, theta.copy(), index, X, Zs, Zs.copy(), Y, E, T)


def layout(
    dims: Sequence[int],
    w_at: Sequence[int],
    b_at: Sequence[int],
    z_at: Sequence[int],
    codes: Sequence[int],
) -> np.ndarray:
    """``network_backward``'s ``index``: ``L``, then ``dims`` (L + 1), where each ``W[l]``
    and ``b[l]`` start in θ (L each), where each layer's activations start in ``Zs``
    (L + 1, the total last) and the hidden layers' activation codes, as one integer array
    (one argument instead of five: each argument of a compiled call costs its unboxing)."""
    L = len(dims) - 1
    parts = [[L], dims, w_at, b_at, z_at, codes or [LINEAR]]
    return np.array([int(v) for part in parts for v in part], dtype=np.intp)
