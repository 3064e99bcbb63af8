"""Recurrent layers in the sequence course's notation: SimpleRNN, LSTM, GRU (and the
Embedding and Masking layers that feed them).

A layer reads sequences ``X`` ``(m, T_x, n_x)`` (one example per row, as Keras and the
``Conv1D`` layer do); inside, each time step is the course's ``x⟨t⟩`` ``(n_x, m)`` and the
hidden state ``a⟨t⟩`` ``(n_a, m)``, one column per example.  It returns the last state
``a⟨T_x⟩`` as the first course's columns ``(n_a, m)`` (ready for a ``Dense`` layer), or with
``return_sequences=True`` every state ``(m, T_x, n_a)`` (ready for another recurrent layer).
The state starts at ``a⟨0⟩ = 0`` (and ``c⟨0⟩ = 0``).  Sequences of different lengths,
padded to ``T_x``, come with a mask ``(m, T_x)`` from a ``Masking`` layer or an
``Embedding(mask_zero=True)``: a padded step keeps the state (``a⟨t⟩ = a⟨t−1⟩``,
``c⟨t⟩ = c⟨t−1⟩``) and adds nothing to the gradients.

``SimpleRNN``: ``a⟨t⟩ = tanh(Waa a⟨t−1⟩ + Wax x⟨t⟩ + ba)``.

``LSTM`` (the course's gates, stacked in one matrix ``W`` ``(4 n_a, n_a + n_x)`` of rows
``f, i, c, o`` acting on ``[a⟨t−1⟩, x⟨t⟩]``, and ``b`` ``(4 n_a, 1)``)::

    Γ_f = σ(Wf [a⟨t−1⟩, x⟨t⟩] + bf)    Γ_u = σ(Wi [a⟨t−1⟩, x⟨t⟩] + bi)
    c̃⟨t⟩ = tanh(Wc [a⟨t−1⟩, x⟨t⟩] + bc)  Γ_o = σ(Wo [a⟨t−1⟩, x⟨t⟩] + bo)
    c⟨t⟩ = Γ_f * c⟨t−1⟩ + Γ_u * c̃⟨t⟩      a⟨t⟩ = Γ_o * tanh(c⟨t⟩)

``GRU`` (the course's full GRU, rows ``r, u`` of ``W`` and the candidate's ``Wc``)::

    Γ_r = σ(Wr [c⟨t−1⟩, x⟨t⟩] + br)     Γ_u = σ(Wu [c⟨t−1⟩, x⟨t⟩] + bu)
    c̃⟨t⟩ = tanh(Wc [Γ_r * c⟨t−1⟩, x⟨t⟩] + bc)
    c⟨t⟩ = Γ_u * c̃⟨t⟩ + (1 − Γ_u) * c⟨t−1⟩     a⟨t⟩ = c⟨t⟩

Backpropagation through time walks the steps backwards, each adding its share of the
parameter gradients and handing ``da⟨t−1⟩`` (and ``dc⟨t−1⟩``) to the step before; the
parameter gradients get the cost's 1/m at the end.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nndl.arrays.backend import Array, device, namespace
from nndl.errors import NNDLValueError
from nndl.model import init as _init
from nndl.model.layers.base import Layer, Shape, draw_weights, positive_int


def _sigmoid(xp: Any, Z: Array) -> Array:
    E = xp.exp(-xp.abs(Z))  # from e^(−|z|): never overflows
    P = 1.0 / (1.0 + E)
    return xp.where(Z >= 0, P, E * P)


class Recurrent(Layer):
    """What the three share: sequences in, the last state or all of them out."""

    kind = "recurrent"
    gates = 1

    def __init__(
        self, units: int, return_sequences: bool = False, init: str | _init.Initializer = "xavier"
    ) -> None:
        super().__init__()
        self.units = positive_int("units", units)
        self.return_sequences = bool(return_sequences)
        self.init = init

    def output_shape_for(self, input_shape: Shape) -> Shape:
        if len(input_shape) != 2:
            raise NNDLValueError(
                f"a {type(self).__name__} layer takes sequences (T_x, n_x). Received: {input_shape}"
            )
        T_x = input_shape[0]
        return (T_x, self.units) if self.return_sequences else (self.units,)

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        n_a, n_x = self.units, input_shape[1]
        return {"W": (self.gates * n_a, n_a + n_x), "b": (self.gates * n_a, 1)}

    def build(self, input_shape: Shape, rng: Any, dtype: str) -> Shape:
        shape = super().build(input_shape, rng, dtype)
        rows, width = self.param_shapes(input_shape)["W"]
        W = np.vstack(
            [draw_weights(self.init, self.units, width, rng) for _ in range(rows // self.units)]
        )
        self.params = {"W": W.astype(dtype), "b": np.zeros((rows, 1), dtype=dtype)}
        return shape

    takes_mask = True

    def forward(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None
    ) -> tuple[Array, Any]:
        return self.forward_masked(A_prev, training, rng, None)

    def forward_masked(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None, mask: Array | None
    ) -> tuple[Array, Any]:
        """The steps t = 1 … T_x; where ``mask[:, t]`` is False (padding) the state is kept,
        ``a⟨t⟩ = a⟨t−1⟩`` and ``c⟨t⟩ = c⟨t−1⟩``, so the last state is each example's own."""
        xp = namespace(A_prev)
        m, T_x, _ = (int(n) for n in A_prev.shape)
        a = xp.zeros((self.units, m), dtype=A_prev.dtype, device=device(A_prev))
        c = xp.zeros((self.units, m), dtype=A_prev.dtype, device=device(A_prev))
        steps, states = [], []
        keep = None if mask is None else [xp.reshape(mask[:, t], (1, m)) for t in range(T_x)]
        for t in range(T_x):
            a_next, c_next, step = self.cell_forward(xp, A_prev[:, t, :].T, a, c)
            if keep is None:
                a, c = a_next, c_next
            else:  # (1, m) broadcast over the n_a rows
                a, c = xp.where(keep[t], a_next, a), xp.where(keep[t], c_next, c)
            steps.append(step)
            states.append(a)
        # every state (m, T_x, n_a), or the last one (n_a, m)
        out = xp.stack([s.T for s in states], axis=1) if self.return_sequences else states[-1]
        return out, (steps, tuple(int(n) for n in A_prev.shape), keep)

    def compute_mask(self, A_prev: Array, mask: Array | None) -> Array | None:
        """Every state keeps the input's mask; the last state alone has none."""
        return mask if self.return_sequences else None

    def backward(self, dA: Array, cache: Any) -> tuple[Array, dict[str, Array]]:
        """Through time, from T_x down to 1.  A padded step passes ``da`` and ``dc`` on to
        the step before unchanged and adds nothing to the parameters' gradients."""
        xp = namespace(dA)
        steps, (m, T_x, _), keep = cache
        grads = {k: xp.zeros_like(v) for k, v in self.params.items()}
        da_next = xp.zeros((self.units, m), dtype=dA.dtype, device=device(dA))
        dc_next = xp.zeros((self.units, m), dtype=dA.dtype, device=device(dA))
        zero = da_next
        dxs = []
        for t in range(T_x - 1, -1, -1):
            if self.return_sequences:
                da = da_next + dA[:, t, :].T
            else:
                da = da_next + dA if t == T_x - 1 else da_next
            if keep is None:
                dx, da_next, dc_next, step_grads = self.cell_backward(xp, da, dc_next, steps[t])
            else:  # the real columns through the cell; the padded ones around it
                real = keep[t]
                dx, da_cell, dc_cell, step_grads = self.cell_backward(
                    xp, xp.where(real, da, zero), xp.where(real, dc_next, zero), steps[t]
                )
                da_next = xp.where(real, da_cell, da)
                dc_next = xp.where(real, dc_cell, dc_next)
            for k, g in step_grads.items():
                grads[k] = grads[k] + g
            dxs.append(dx.T)
        dX = xp.stack(dxs[::-1], axis=1)  # (m, T_x, n_x)
        return dX, {k: g / m for k, g in grads.items()}

    def cell_forward(self, xp: Any, x: Array, a: Array, c: Array) -> tuple[Array, Array, Any]:
        raise NotImplementedError

    def cell_backward(
        self, xp: Any, da: Array, dc: Array, step: Any
    ) -> tuple[Array, Array, Array, dict[str, Array]]:
        """One step back: ``(dx⟨t⟩, da⟨t−1⟩, dc⟨t−1⟩, this step's parameter gradients)``."""
        raise NotImplementedError

    def config(self) -> dict[str, Any]:
        init = self.init if isinstance(self.init, str) else getattr(self.init, "__name__", "custom")
        return {"kind": self.kind, "units": self.units, "return_sequences": self.return_sequences,
                "init": init}  # fmt: skip

    def describe(self) -> str:
        every = ", every step" if self.return_sequences else ""
        return f"{self.kind} {self.units}{every}"


class SimpleRNN(Recurrent):
    """``a⟨t⟩ = tanh(Waa a⟨t−1⟩ + Wax x⟨t⟩ + ba)``, with ``W = [Waa, Wax]`` ``(n_a, n_a + n_x)``."""

    kind = "simple_rnn"

    def cell_forward(self, xp: Any, x: Array, a: Array, c: Array) -> tuple[Array, Array, Any]:
        concat = xp.concat([a, x], axis=0)
        a_next = xp.tanh(self.params["W"] @ concat + self.params["b"])
        return a_next, c, (concat, a_next)

    def cell_backward(
        self, xp: Any, da: Array, dc: Array, step: Any
    ) -> tuple[Array, Array, Array, dict[str, Array]]:
        concat, a_next = step
        dZ = (1.0 - a_next * a_next) * da  # tanh' = 1 − a²
        dconcat = self.params["W"].T @ dZ
        n_a = self.units
        grads = {"W": dZ @ concat.T, "b": xp.sum(dZ, axis=1, keepdims=True)}
        return dconcat[n_a:, :], dconcat[:n_a, :], dc, grads


class LSTM(Recurrent):
    """The course's LSTM (the module's equations); ``W`` rows ``f, i, c, o``."""

    kind = "lstm"
    gates = 4

    def cell_forward(self, xp: Any, x: Array, a: Array, c: Array) -> tuple[Array, Array, Any]:
        n = self.units
        concat = xp.concat([a, x], axis=0)
        Z = self.params["W"] @ concat + self.params["b"]
        f, i = _sigmoid(xp, Z[:n, :]), _sigmoid(xp, Z[n : 2 * n, :])
        cc, o = xp.tanh(Z[2 * n : 3 * n, :]), _sigmoid(xp, Z[3 * n :, :])
        c_next = f * c + i * cc
        tanh_c = xp.tanh(c_next)
        return o * tanh_c, c_next, (concat, c, f, i, cc, o, tanh_c)

    def cell_backward(
        self, xp: Any, da: Array, dc_next: Array, step: Any
    ) -> tuple[Array, Array, Array, dict[str, Array]]:
        concat, c_prev, f, i, cc, o, tanh_c = step
        dc = dc_next + da * o * (1.0 - tanh_c * tanh_c)
        dZ = xp.concat(
            [
                dc * c_prev * f * (1.0 - f),  # dΓ_f through σ
                dc * cc * i * (1.0 - i),  # dΓ_u
                dc * i * (1.0 - cc * cc),  # dc̃ through tanh
                da * tanh_c * o * (1.0 - o),  # dΓ_o
            ],
            axis=0,
        )
        dconcat = self.params["W"].T @ dZ
        n = self.units
        grads = {"W": dZ @ concat.T, "b": xp.sum(dZ, axis=1, keepdims=True)}
        return dconcat[n:, :], dconcat[:n, :], dc * f, grads


class GRU(Recurrent):
    """The course's full GRU (the module's equations); ``W`` rows ``r, u, c``, where the
    candidate's rows act on ``[Γ_r * c⟨t−1⟩, x⟨t⟩]``.

    ``reset_after=True`` is the form of PyTorch's ``nn.GRU`` and cuDNN: the reset gate
    multiplies the candidate's recurrent product instead of the state,
    ``c̃⟨t⟩ = tanh(Wc_x x⟨t⟩ + bc + Γ_r * (Wc_a c⟨t−1⟩ + bh))``, with a second bias ``bh``
    ``(n_a, 1)`` (PyTorch's ``b_hn``).  PyTorch's update gate z keeps the old state where the
    course's Γ_u takes the new one: ``Γ_u = 1 − z = σ(−(…))``.
    """

    kind = "gru"
    gates = 3

    def __init__(
        self,
        units: int,
        return_sequences: bool = False,
        init: str | _init.Initializer = "xavier",
        reset_after: bool = False,
    ) -> None:
        super().__init__(units, return_sequences, init)
        self.reset_after = bool(reset_after)

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        shapes = super().param_shapes(input_shape)
        return {**shapes, "bh": (self.units, 1)} if self.reset_after else shapes

    def build(self, input_shape: Shape, rng: Any, dtype: str) -> Shape:
        shape = super().build(input_shape, rng, dtype)
        if self.reset_after:
            self.params["bh"] = np.zeros((self.units, 1), dtype=dtype)
        return shape

    def cell_forward(self, xp: Any, x: Array, a: Array, c: Array) -> tuple[Array, Array, Any]:
        n = self.units
        W, b = self.params["W"], self.params["b"]
        concat = xp.concat([a, x], axis=0)
        ZRU = W[: 2 * n, :] @ concat + b[: 2 * n, :]
        r, u = _sigmoid(xp, ZRU[:n, :]), _sigmoid(xp, ZRU[n:, :])
        if self.reset_after:
            h_n = W[2 * n :, :n] @ a + self.params["bh"]
            cc = xp.tanh(W[2 * n :, n:] @ x + b[2 * n :, :] + r * h_n)
            gated = h_n
        else:
            gated = xp.concat([r * a, x], axis=0)
            cc = xp.tanh(W[2 * n :, :] @ gated + b[2 * n :, :])
        a_next = u * cc + (1.0 - u) * a
        return a_next, a_next, (concat, gated, a, x, r, u, cc)

    def cell_backward(
        self, xp: Any, da: Array, dc_next: Array, step: Any
    ) -> tuple[Array, Array, Array, dict[str, Array]]:
        concat, gated, a_prev, x, r, u, cc = step
        n = self.units
        W = self.params["W"]
        dcc = da * u * (1.0 - cc * cc)  # through c̃ = tanh(·)
        du = da * (cc - a_prev) * u * (1.0 - u)
        if self.reset_after:  # gated is h_n = Wc_a c⟨t−1⟩ + bh
            dh_n = dcc * r
            dr = dcc * gated * r * (1.0 - r)
            d_from_candidate = W[2 * n :, :n].T @ dh_n
            dx = W[2 * n :, n:].T @ dcc
            dWc = xp.concat([dh_n @ a_prev.T, dcc @ x.T], axis=1)
        else:
            dgated = W[2 * n :, :].T @ dcc
            dr = dgated[:n, :] * a_prev * r * (1.0 - r)
            d_from_candidate = dgated[:n, :] * r
            dx = dgated[n:, :]
            dWc = dcc @ gated.T
        dZRU = xp.concat([dr, du], axis=0)
        dconcat = W[: 2 * n, :].T @ dZRU
        da_prev = dconcat[:n, :] + d_from_candidate + da * (1.0 - u)
        grads = {
            "W": xp.concat([dZRU @ concat.T, dWc], axis=0),
            "b": xp.concat(
                [xp.sum(dZRU, axis=1, keepdims=True), xp.sum(dcc, axis=1, keepdims=True)], axis=0
            ),
        }
        if self.reset_after:
            grads["bh"] = xp.sum(dh_n, axis=1, keepdims=True)
        return dconcat[n:, :] + dx, da_prev, dc_next, grads

    def config(self) -> dict[str, Any]:
        return {**super().config(), "reset_after": self.reset_after}


class Embedding(Layer):
    """Word embeddings, the sequence course's ``e_j = E o_j``: each integer token j of
    ``X`` ``(m, T_x)`` becomes column j of ``E`` ``(n_e, vocab_size)``, giving
    ``(m, T_x, n_e)`` for a recurrent layer.  Its gradient adds each step's ``de`` into the
    column of its token (``dE = Σ de o_jᵀ``)."""

    kind = "embedding"
    takes_tokens = True

    def __init__(
        self,
        vocab_size: int,
        n_e: int,
        init: str | _init.Initializer = "random",
        mask_zero: bool = False,
    ) -> None:
        super().__init__()
        self.vocab_size = positive_int("vocab_size", vocab_size)
        self.n_e = positive_int("n_e", n_e)
        self.init = init
        self.mask_zero = bool(mask_zero)

    def compute_mask(self, A_prev: Array, mask: Array | None) -> Array | None:
        """With ``mask_zero=True``, token 0 is padding: the mask is ``X != 0`` ``(m, T_x)``."""
        return A_prev != 0 if self.mask_zero else None

    def output_shape_for(self, input_shape: Shape) -> Shape:
        if len(input_shape) != 1:
            raise NNDLValueError(
                f"an Embedding layer takes sequences of tokens (T_x,). Received: {input_shape}"
            )
        return (input_shape[0], self.n_e)

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        return {"E": (self.n_e, self.vocab_size)}

    def build(self, input_shape: Shape, rng: Any, dtype: str) -> Shape:
        shape = super().build(input_shape, rng, dtype)
        E = draw_weights(self.init, self.n_e, self.vocab_size, rng)
        self.params = {"E": E.astype(dtype)}
        return shape

    def forward(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None
    ) -> tuple[Array, Any]:
        xp = namespace(A_prev)
        m, T_x = (int(n) for n in A_prev.shape)
        tokens = xp.reshape(A_prev, (m * T_x,))
        e = xp.take(self.params["E"].T, tokens, axis=0)  # (m·T_x, n_e)
        return xp.reshape(e, (m, T_x, self.n_e)), tokens

    def backward(self, dA: Array, cache: Any) -> tuple[Array, dict[str, Array]]:
        xp = namespace(dA)
        m, T_x, _ = (int(n) for n in dA.shape)
        tokens = cache
        one_hot = xp.astype(
            xp.reshape(tokens, (-1, 1))
            == xp.reshape(xp.arange(self.vocab_size, device=device(dA)), (1, -1)),
            dA.dtype,
        )  # (m·T_x, vocab_size): o_j for every step
        dE = (one_hot.T @ xp.reshape(dA, (m * T_x, self.n_e))).T
        no_input = xp.zeros((m, T_x), dtype=dA.dtype, device=device(dA))  # tokens have no gradient
        return no_input, {"E": dE / m}

    def config(self) -> dict[str, Any]:
        init = self.init if isinstance(self.init, str) else getattr(self.init, "__name__", "custom")
        config = {"kind": self.kind, "vocab_size": self.vocab_size, "n_e": self.n_e, "init": init}
        return {**config, "mask_zero": True} if self.mask_zero else config

    def describe(self) -> str:
        padding = ", 0 pads" if self.mask_zero else ""
        return f"embedding {self.vocab_size} → {self.n_e}{padding}"


class Masking(Layer):
    """Padded sequences: a step of ``X`` ``(m, T_x, n_x)`` whose every feature equals
    ``mask_value`` is padding.  The layer passes the real steps on unchanged (the padded ones
    as zeros) with the mask ``(m, T_x)``, True where a step is real, for the recurrent layers
    after it: there a padded step keeps the state, ``a⟨t⟩ = a⟨t−1⟩``, and adds nothing to the
    gradients, so a sequence of length ``T_i`` padded to ``T_x`` ends in its own ``a⟨T_i⟩``."""

    kind = "masking"

    def __init__(self, mask_value: float = 0.0) -> None:
        super().__init__()
        if isinstance(mask_value, bool) or not isinstance(mask_value, (int, float, np.number)):
            raise NNDLValueError(
                f"mask_value must be a number. Received: mask_value={mask_value!r}"
            )
        self.mask_value = float(mask_value)

    def output_shape_for(self, input_shape: Shape) -> Shape:
        if len(input_shape) != 2:
            raise NNDLValueError(
                f"a Masking layer takes sequences (T_x, n_x). Received: {input_shape}"
            )
        return input_shape

    def compute_mask(self, A_prev: Array, mask: Array | None) -> Array:
        """``(m, T_x)``: True where some feature of the step differs from ``mask_value``."""
        xp = namespace(A_prev)
        return xp.any(A_prev != self.mask_value, axis=2)

    def forward(
        self, A_prev: Array, training: bool, rng: np.random.Generator | None
    ) -> tuple[Array, Any]:
        xp = namespace(A_prev)
        keep = xp.astype(self.compute_mask(A_prev, None)[:, :, None], A_prev.dtype)
        return A_prev * keep, keep

    def backward(self, dA: Array, cache: Any) -> tuple[Array, dict[str, Array]]:
        return dA * cache, {}

    def config(self) -> dict[str, Any]:
        return {"kind": self.kind, "mask_value": self.mask_value}

    def describe(self) -> str:
        return f"masking {self.mask_value:g}"
