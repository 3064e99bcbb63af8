"""Fused elementwise kernels for the NumPy training engine (optional: Numba).

An optimizer step written with NumPy makes a dozen passes over the parameters
(Adam: scale m, add (1 − β₁) g, scale v, square g, …, take √v, divide, scale,
add), each one a trip through memory.  With Numba installed (the ``fast``
extra), the step is one compiled loop that reads ``g``, the slots and ``θ`` once
and writes them once: :meth:`Kernels.loop` generates that loop from the
optimizer's own rule (:mod:`nndl.arrays.elementwise`), so the rule is written
once.  The engine's forward and backward passes have their loops here too.

Each kernel does the same floating-point operations, in the same order and in
the array's own dtype, as the NumPy passes it replaces (the rule run in place,
and the engine's forward and backward), so a fused run gives bit-for-bit the
parameters of an unfused one; the test suite checks this.  No ``fastmath``:
reassociation or fused multiply-adds would change the rounding.

``kernels()`` returns ``None`` when Numba is missing or ``NNDL_FUSED=0`` is set,
and the engine keeps its NumPy passes.  Importing Numba takes about 0.8 s and
compiling the kernels for one dtype about 3 s, once: they are cached on disk
(where the package directory is writable) and load in about 0.6 s after that.
An optimizer's loop, generated at run time, is compiled in memory in each
process (about 0.1 s per optimizer and dtype).
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar, cast

import numpy as np

from nndl.arrays.elementwise import Program, loop_source

__all__ = [
    "MIN_PARAMETERS",
    "Kernels",
    "available",
    "compiler",
    "jit_with",
    "kernels",
    "kernels_for",
    "warm_up",
]


_F = TypeVar("_F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Kernels:
    """The compiled loops.  Arrays are contiguous and share one dtype; scalars are of that dtype.

    - ``loop(program, dtype)``: an optimizer's rule as one loop (see :meth:`loop`)
    - ``bias_relu(Z, b)``: Z = max(Z + b, 0) for ``Z`` (n, B) and ``b`` (n, 1)
    - ``relu_backward(dA, A)``: dA = dA · (A > 0)
    - ``all_finite(x)``: whether a flat array holds no inf or nan
    - ``softmax_shift(Z, y, z_y) -> hits``: for each column of the output ``Z`` (n, B) with
      integer labels ``y`` (B,): count argmax = y, subtract the column's max, store Z[y, col]
      in ``z_y`` (B,).  ``exp`` is then NumPy's, so the results are NumPy's to the bit.
    - ``softmax_grad(E, y, s, scale)``: from ``E = exp(Z − max)``: s = column sums (B,) and
      E = (E / s − onehot(y)) · scale, which is dZ[L] of softmax with cross-entropy
    """

    bias_relu: Callable[..., None]
    relu_backward: Callable[..., None]
    all_finite: Callable[..., bool]
    softmax_shift: Callable[..., int]
    softmax_grad: Callable[..., None]

    def loop(self, program: Program, dtype: Any) -> Callable[..., None] | None:
        """``program`` (a traced rule) as one compiled loop over flat arrays of ``dtype``.

        Called as ``loop(theta, *arrays, *scalars)``, it does for every element i what
        :func:`nndl.arrays.elementwise.run_in_place` does with NumPy passes: the
        slots get their new values and ``θ[i] := θ[i] + update``.  ``None`` (NumPy
        passes, after a ``RuntimeWarning``) if Numba cannot compile it.  Generated
        and compiled once per program and dtype in a process.
        """
        key = (program, np.dtype(dtype))
        if key not in _LOOPS:
            _LOOPS[key] = _compile_loop(program, key[1])
        return _LOOPS[key]


# Below this many parameters the NumPy passes are cheap enough that loading Numba and
# the kernels (about 1.5 s per process, from the disk cache) would not pay off.
MIN_PARAMETERS = 20_000

_KERNELS: Kernels | None = None
_NUMBA: Any = None
_TRIED = False
_LOOPS: dict[tuple[Program, Any], Callable[..., None] | None] = {}


def available() -> bool:
    """Whether the fused kernels are in use (Numba importable and ``NNDL_FUSED`` not ``0``)."""
    return kernels() is not None


def compiler() -> Any | None:
    """Numba, for every module of compiled loops (these kernels, the convolution's, the small
    networks'): ``None`` when ``NNDL_FUSED`` is ``0`` (read at every call) or Numba is not
    installed (tried once)."""
    global _NUMBA, _TRIED
    if os.environ.get("NNDL_FUSED", "1").strip().lower() in ("0", "false", "no", "off"):
        return None
    if not _TRIED:
        _TRIED = True
        try:
            import numba

            _NUMBA = numba
        except ImportError:
            _NUMBA = None
    return _NUMBA


def kernels() -> Kernels | None:
    """The compiled kernels, or ``None`` to use NumPy passes.  Numba is imported on first call."""
    global _KERNELS
    numba = compiler()
    if numba is None:
        return None
    if _KERNELS is None:
        _KERNELS = _build(numba)
    return _KERNELS


def kernels_for(dtype: Any) -> Kernels | None:
    """:func:`kernels`, compiled for ``dtype`` now; ``None`` (NumPy passes) if that fails.

    Should Numba fail to compile them (an unsupported platform or dtype), training goes
    on with NumPy passes after a ``RuntimeWarning`` that says why.
    """
    k = kernels()
    if k is None:
        return None
    try:
        warm_up(k, dtype)
    except Exception as exc:  # any failure of the optional compiler: fall back, say why
        warnings.warn(
            f"nndl: Numba could not compile the fused kernels for {np.dtype(dtype).name} "
            f"({type(exc).__name__}: {exc}); training uses NumPy passes. Set NNDL_FUSED=0 to "
            "skip the attempt.",
            RuntimeWarning,
            stacklevel=2,
        )
        return None
    return k


def warm_up(k: Kernels, dtype: Any) -> None:
    """Compile (or load from the disk cache) every kernel for ``dtype`` now, on tiny arrays."""
    f = np.dtype(dtype).type
    a = np.zeros(1, dtype=dtype)
    one = f(1)
    Z, bias = np.zeros((1, 1), dtype=dtype), np.zeros((1, 1), dtype=dtype)
    k.bias_relu(Z, bias)
    k.relu_backward(Z, bias)
    k.all_finite(a)
    y, z_y = np.zeros(1, dtype=np.intp), np.zeros(1, dtype=dtype)
    k.softmax_shift(Z, y, z_y)
    k.softmax_grad(Z, y, z_y, one)


def _jit(numba: Any, fn: _F, cache: bool = True, **extra: Any) -> _F:
    # error_model="numpy": a division by zero gives inf or nan as in NumPy, not an
    # exception, which also lets LLVM vectorise the loops.
    options = {"nogil": True, "error_model": "numpy", **extra}
    if cache:
        try:
            return cast(_F, numba.njit(cache=True, **options)(fn))
        except RuntimeError:  # no writable cache location: compile in memory each run
            pass
    return cast(_F, numba.njit(**options)(fn))


def jit_with(numba: Any, **options: Any) -> Callable[[_F], _F]:
    """The decorator the kernels are compiled with (cached on disk where possible), with
    Numba's ``options`` added."""

    def jit(fn: _F) -> _F:
        return _jit(numba, fn, **options)

    return jit


def _compile_loop(program: Program, dtype: np.dtype[Any]) -> Callable[..., None] | None:
    """The loop of ``program`` for ``dtype``, compiled now; ``None`` if Numba cannot."""
    import numba

    namespace: dict[str, Any] = {"np": np}
    source = loop_source(program)
    exec(compile(source, f"<nndl: {program.name}>", "exec"), namespace)  # our own source
    loop: Callable[..., None] = _jit(numba, namespace[program.name], cache=False)  # no file
    f = dtype.type
    arrays = [np.zeros(1, dtype=dtype) for _ in range(1 + len(program.arrays))]
    try:
        loop(*arrays, *(f(1) for _ in program.scalars))
    except Exception as exc:  # any failure of the optional compiler: fall back, say why
        warnings.warn(
            f"nndl: Numba could not compile the loop of {program.name} for {dtype.name} "
            f"({type(exc).__name__}: {exc}); the update uses NumPy passes.",
            RuntimeWarning,
            stacklevel=3,
        )
        return None
    return loop


def _build(numba: Any) -> Kernels:
    jit = jit_with(numba)

    @jit
    def bias_relu(Z: Any, b: Any) -> None:
        zero = Z.dtype.type(0)
        for r in range(Z.shape[0]):
            br = b[r, 0]
            for c in range(Z.shape[1]):
                z = Z[r, c] + br
                Z[r, c] = zero if z < zero else z  # NaN stays NaN, as in np.maximum

    @jit
    def relu_backward(dA: Any, A: Any) -> None:
        zero, one = A.dtype.type(0), A.dtype.type(1)
        for r in range(dA.shape[0]):
            for c in range(dA.shape[1]):
                # NumPy's dA · (A > 0), multiplying by 1 or 0 (so inf · 0 is nan there too).
                # Always storing a product also keeps LLVM from a masked store (slow on AMD).
                dA[r, c] = dA[r, c] * (one if A[r, c] > zero else zero)

    @jit
    def all_finite(x: Any) -> bool:
        bad = False
        for i in range(x.shape[0]):
            d = x[i] - x[i]  # 0 for a finite x, nan for inf or nan
            bad |= d != d
        return not bad

    @jit
    def softmax_shift(Z: Any, y: Any, z_y: Any) -> int:
        n, B = Z.shape
        hits = 0
        for c in range(B):
            best, arg = Z[0, c], 0
            for r in range(1, n):
                if Z[r, c] > best:  # the first maximum, as np.argmax
                    best, arg = Z[r, c], r
            hits += arg == y[c]
            for r in range(n):
                Z[r, c] = Z[r, c] - best
            z_y[c] = Z[y[c], c]
        return hits

    @jit
    def softmax_grad(E: Any, y: Any, s: Any, scale: Any) -> None:
        n, B = E.shape
        one = E.dtype.type(1)
        for c in range(B):
            s[c] = E[0, c]
        for r in range(1, n):  # row after row, the order of NumPy's E.sum(axis=0)
            for c in range(B):
                s[c] += E[r, c]
        for r in range(n):
            for c in range(B):
                E[r, c] = E[r, c] / s[c]
        for c in range(B):
            E[y[c], c] -= one
        for r in range(n):
            for c in range(B):
                E[r, c] *= scale

    return Kernels(
        bias_relu,
        relu_backward,
        all_finite,
        softmax_shift,
        softmax_grad,
    )
