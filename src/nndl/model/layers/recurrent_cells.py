"""The recurrent cells' arithmetic, each formula written once, over buffers for all T_x steps.

A step's product is one GEMM on the stacked input ``h⟨t⟩ = [a⟨t−1⟩; x⟨t⟩; 1]`` ``(K, m)``,
``K = n_a + n_x + 1``, with the bias as the weights' last column: ``Z = [W | b] h⟨t⟩``.  The
gates' σ is one tanh over the stacked gate block: ``σ(z) = (1 + tanh(z/2)) / 2``, with the 1/2
folded into the σ rows of the stacked weights (an exact scaling by a power of two), so the
GEMM gives ``z/2`` on those rows, one tanh runs over the whole block in place, and the σ rows
become ``(1 + ·)/2``.

The buffers are laid out for the products after the time loop (every step's columns side by
side, so a weight gradient over all T_x steps is one GEMM):

- ``H`` ``(K, T_x, m)``: ``h⟨t⟩`` at ``H[:, t]``;
- ``S`` ``(T_x + 1, n_a, m)``: ``a⟨t⟩`` at ``S[t]`` (``S[0] = a⟨0⟩``), and the LSTM's ``c⟨t⟩``
  in ``C`` alike;
- ``gates`` ``(T_x, rows, m)``: each step's activated gates, contiguous;
- ``D`` ``(rows, T_x, m)``: each step's ``dZ`` (the gradient of the gates' pre-activations);
  then ``dW = D Hᵀ`` over all steps (the last column is ``db``) and ``dX = Wxᵀ D``.

``Ops`` writes results into the buffers: with ``out=`` on NumPy, by assignment into the buffer
on other array libraries (PyTorch, CuPy, array-api-strict), so the formulas below serve both.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nndl.arrays import workspace
from nndl.arrays.backend import Array, device, namespace


class Ops:
    """Results into given buffers: ``out = f(…)``, on any array library."""

    def __init__(self, like: Array) -> None:
        self.xp = namespace(like)
        self.numpy = isinstance(like, np.ndarray)
        self.dtype, self.device = like.dtype, device(like)

    def empty(self, shape: tuple[int, ...]) -> Array:
        return self.xp.empty(shape, dtype=self.dtype, device=self.device)

    def buffer(self, shape: tuple[int, ...]) -> Array:
        """A large buffer: on NumPy one of :mod:`nndl.arrays.workspace`'s, used again."""
        if self.numpy:
            return workspace.empty(shape, self.dtype)
        return self.empty(shape)

    def zeros(self, shape: tuple[int, ...]) -> Array:
        return self.xp.zeros(shape, dtype=self.dtype, device=self.device)

    def matmul(self, A: Array, B: Array, out: Array) -> Array:
        if self.numpy:
            return np.matmul(A, B, out=out)
        out[...] = A @ B
        return out

    def mul(self, a: Any, b: Any, out: Array) -> Array:
        if self.numpy:
            return np.multiply(a, b, out=out)
        out[...] = a * b
        return out

    def add(self, a: Any, b: Any, out: Array) -> Array:
        if self.numpy:
            return np.add(a, b, out=out)
        out[...] = a + b
        return out

    def sub(self, a: Any, b: Any, out: Array) -> Array:
        if self.numpy:
            return np.subtract(a, b, out=out)
        out[...] = a - b
        return out

    def tanh(self, a: Array, out: Array) -> Array:
        if self.numpy:
            return np.tanh(a, out=out)
        out[...] = self.xp.tanh(a)
        return out

    def copy(self, a: Any, out: Array) -> Array:
        out[...] = a
        return out

    def keep(self, out: Array, previous: Array, pad: Array) -> None:
        """``out = previous`` in the padded columns (``pad`` ``(1, m)``)."""
        if self.numpy:
            np.copyto(out, previous, where=pad)
        else:
            out[...] = self.xp.where(pad, previous, out)


def stacked(xp: Any, W: Array, b: Array, sigmoid: tuple[slice, ...]) -> Array:
    """``[W | b]`` ``(rows, K)`` with its ``sigmoid`` rows halved (they give z/2)."""
    Wb = xp.concat([W, b], axis=1)
    for rows in sigmoid:
        Wb[rows, :] = Wb[rows, :] * 0.5
    return Wb


def activate(ops: Ops, Z: Array, sigmoid: tuple[slice, ...]) -> None:
    """In place: ``Z = tanh(Z)``, then σ's ``(1 + ·)/2`` on its ``sigmoid`` rows."""
    ops.tanh(Z, Z)
    for rows in sigmoid:
        S = Z[rows, :]
        ops.mul(S, 0.5, S)
        ops.add(S, 0.5, S)


def tanh_backward(ops: Ops, y: Array, d: Array, out: Array, tmp: Array) -> Array:
    """``out = d * (1 − y²)`` for ``y = tanh(z)``."""
    ops.mul(y, y, tmp)
    ops.sub(1.0, tmp, tmp)
    return ops.mul(tmp, d, out)


# SimpleRNN: a⟨t⟩ = tanh(W h⟨t⟩); dZ = da * (1 − a⟨t⟩²).


def rnn_forward(ops: Ops, Wb: Array, h: Array, a_next: Array) -> None:
    ops.matmul(Wb, h, a_next)
    ops.tanh(a_next, a_next)


def rnn_backward(ops: Ops, a_next: Array, da: Array, dZ: Array, tmp: Array) -> None:
    tanh_backward(ops, a_next, da, dZ, tmp)


# LSTM (rows f, i, c, o):  c⟨t⟩ = Γ_f * c⟨t−1⟩ + Γ_u * c̃⟨t⟩,   a⟨t⟩ = Γ_o * tanh(c⟨t⟩).
# Backward, with dc = dc⟨t⟩ + da * Γ_o * (1 − tanh²(c⟨t⟩)):
#   dZ_o = da * tanh(c⟨t⟩) * Γ_o (1 − Γ_o)     dc⟨t−1⟩ = dc * Γ_f
#   dZ_f = dc * Γ_f * c⟨t−1⟩ * (1 − Γ_f)       dZ_i = dc * Γ_u * c̃⟨t⟩ * (1 − Γ_u)
#   dZ_c = dc * Γ_u * (1 − c̃⟨t⟩²)


def lstm_sigmoid(n: int) -> tuple[slice, ...]:
    """The LSTM's σ rows: f and i, then o."""
    return (slice(0, 2 * n), slice(3 * n, 4 * n))


def lstm_forward(
    ops: Ops, Wb: Array, h: Array, g: Array, c_prev: Array, c: Array, tanh_c: Array, a: Array
) -> None:
    n = int(c.shape[0])
    ops.matmul(Wb, h, g)
    activate(ops, g, lstm_sigmoid(n))
    f, i, cc, o = g[:n, :], g[n : 2 * n, :], g[2 * n : 3 * n, :], g[3 * n :, :]
    ops.mul(f, c_prev, c)
    ops.mul(i, cc, tanh_c)  # tanh_c as scratch
    ops.add(c, tanh_c, c)
    ops.tanh(c, tanh_c)
    ops.mul(o, tanh_c, a)


def lstm_backward(
    ops: Ops,
    g: Array,
    c_prev: Array,
    tanh_c: Array,
    da: Array,
    dc: Array,
    dZ: Array,
    dc_prev: Array,
    s1: Array,
    s2: Array,
) -> None:
    """``dZ`` (rows f, i, c, o) and ``dc⟨t−1⟩``; ``dc`` (dc⟨t⟩ on entry) is overwritten."""
    n = int(da.shape[0])
    f, i, cc, o = g[:n, :], g[n : 2 * n, :], g[2 * n : 3 * n, :], g[3 * n :, :]
    tanh_backward(ops, tanh_c, da, s1, s2)
    ops.mul(s1, o, s1)
    ops.add(dc, s1, dc)
    ops.sub(1.0, o, s1)  # dZ_o
    ops.mul(s1, o, s1)
    ops.mul(s1, tanh_c, s1)
    ops.mul(s1, da, dZ[3 * n :, :])
    ops.mul(dc, f, dc_prev)  # dZ_f, with dc⟨t−1⟩
    ops.sub(1.0, f, s1)
    ops.mul(s1, c_prev, s1)
    ops.mul(s1, dc_prev, dZ[:n, :])
    ops.mul(dc, i, s2)  # dc * Γ_u, for dZ_i and dZ_c
    ops.sub(1.0, i, s1)
    ops.mul(s1, cc, s1)
    ops.mul(s1, s2, dZ[n : 2 * n, :])
    tanh_backward(ops, cc, s2, dZ[2 * n : 3 * n, :], s1)


# GRU (rows r, u, c):  Γ_r, Γ_u = σ(W_ru h⟨t⟩);  a⟨t⟩ = a⟨t−1⟩ + Γ_u * (c̃⟨t⟩ − a⟨t−1⟩).
# The course's form: c̃⟨t⟩ = tanh([Wc | bc] [Γ_r * a⟨t−1⟩; x⟨t⟩; 1]).
# reset_after (PyTorch's): c̃⟨t⟩ = tanh(Wc_x x⟨t⟩ + bc + Γ_r * h_n), h_n = Wc_a a⟨t−1⟩ + bh.


def gru_update(ops: Ops, u: Array, cc: Array, a_prev: Array, a: Array) -> None:
    ops.sub(cc, a_prev, a)
    ops.mul(u, a, a)
    ops.add(a, a_prev, a)


def gru_forward(ops: Ops, Wb: Array, h: Array, h_reset: Array, g: Array, a_prev: Array,
                a: Array) -> None:  # fmt: skip
    """The course's GRU; ``h_reset`` ``[Γ_r * a⟨t−1⟩; x⟨t⟩; 1]`` gets its ``a`` rows here."""
    n = int(a.shape[0])
    ops.matmul(Wb[: 2 * n, :], h, g[: 2 * n, :])
    activate(ops, g[: 2 * n, :], (slice(None),))
    ops.mul(g[:n, :], a_prev, h_reset[:n, :])
    ops.matmul(Wb[2 * n :, :], h_reset, g[2 * n :, :])
    ops.tanh(g[2 * n :, :], g[2 * n :, :])
    gru_update(ops, g[n : 2 * n, :], g[2 * n :, :], a_prev, a)


def gru_forward_reset_after(ops: Ops, Wb: Array, h: Array, xc: Array, g: Array, cc: Array,
                            a_prev: Array, a: Array) -> None:  # fmt: skip
    """PyTorch's GRU: ``g`` gets ``Γ_r, Γ_u, h_n``, ``cc`` c̃; ``xc = Wc_x x⟨t⟩ + bc``."""
    n = int(a.shape[0])
    ops.matmul(Wb, h, g)  # rows r, u, then h_n = [Wc_a | 0 | bh] h⟨t⟩
    activate(ops, g[: 2 * n, :], (slice(None),))
    ops.mul(g[:n, :], g[2 * n :, :], cc)
    ops.add(cc, xc, cc)
    ops.tanh(cc, cc)
    gru_update(ops, g[n : 2 * n, :], cc, a_prev, a)


def gru_gates_backward(ops: Ops, u: Array, cc: Array, a_prev: Array, da: Array, dZ_u: Array,
                       dcc: Array, s1: Array, s2: Array) -> None:  # fmt: skip
    """``dZ_u = da * (c̃ − a⟨t−1⟩) * Γ_u (1 − Γ_u)`` and ``dcc = da * Γ_u * (1 − c̃²)``."""
    ops.mul(da, u, s2)
    tanh_backward(ops, cc, s2, dcc, s1)
    ops.sub(1.0, u, s1)
    ops.mul(s1, u, s1)
    ops.mul(s1, da, s1)
    ops.sub(cc, a_prev, s2)
    ops.mul(s2, s1, dZ_u)


def reset_backward(ops: Ops, r: Array, d_reset: Array, v: Array, dZ_r: Array, s1: Array) -> None:
    """``dZ_r = d_reset * v * Γ_r (1 − Γ_r)`` (v: a⟨t−1⟩ in the course's form, else h_n)."""
    ops.sub(1.0, r, s1)
    ops.mul(s1, r, s1)
    ops.mul(s1, v, s1)
    ops.mul(s1, d_reset, dZ_r)


def keep_rate(ops: Ops, u: Array, da: Array, out: Array) -> Array:
    """``da * (1 − Γ_u)``: the part of da⟨t−1⟩ that flows straight through the update."""
    ops.sub(1.0, u, out)
    return ops.mul(out, da, out)
