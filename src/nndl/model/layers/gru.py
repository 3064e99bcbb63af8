"""The GRU layer (the sequence course's full GRU, gates ``Γ_r``, ``Γ_u``), over the recurrent
layers' passes of :mod:`nndl.model.layers.recurrent`, where its equations and shapes are given."""

from __future__ import annotations

from typing import Any

import numpy as np

from nndl.arrays.backend import Array
from nndl.model import init as _init
from nndl.model.layers import recurrent_cells as cells
from nndl.model.layers.base import Shape
from nndl.model.layers.recurrent import Recurrent, _Pass


class GRU(Recurrent):
    """The course's full GRU (the module's equations); ``W`` rows ``r, u, c``.

    The candidate's rows act on ``[Γ_r * c⟨t−1⟩, x⟨t⟩]``.

    ``reset_after=True`` is the form of PyTorch's ``nn.GRU`` and cuDNN: the reset gate
    multiplies the candidate's recurrent product instead of the state,
    ``c̃⟨t⟩ = tanh(Wc_x x⟨t⟩ + bc + Γ_r * (Wc_a c⟨t−1⟩ + bh))``, with a second bias ``bh``
    ``(n_a, 1)`` (PyTorch's ``b_hn``).  PyTorch's update gate z keeps the old state where the
    course's Γ_u takes the new one: ``Γ_u = 1 − z = σ(−(…))``.

    Parameters
    ----------
    units : int
        n_a, the size of the hidden state.
    return_sequences : bool, default False
        Return every state ``(m, T_x, n_a)`` instead of the last, ``(n_a, m)``.
    init : str or callable, default "xavier"
        A course initializer (``"random"`` ×0.01, ``"scaled"``, ``"xavier"``, ``"he"``,
        ``"zeros"``) or a callable ``(n, fan_in, rng) -> W``.
    reset_after : bool, default False
        PyTorch's and cuDNN's form, with the second bias ``bh``.
    learn_initial_state : bool, default False
        Train ``a_start`` ``(n_a, 1)`` (and the LSTM's ``c_start``), shared by every example.

    Raises
    ------
    NNDLValueError
        When an argument is out of range.
    """

    kind = "gru"
    gates = 3

    def __init__(
        self,
        units: int,
        return_sequences: bool = False,
        init: str | _init.Initializer = "xavier",
        reset_after: bool = False,
        learn_initial_state: bool = False,
    ) -> None:
        super().__init__(units, return_sequences, init, learn_initial_state)
        self.reset_after = bool(reset_after)

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        shapes = super().param_shapes(input_shape)
        return {**shapes, "bh": (self.units, 1)} if self.reset_after else shapes

    def build(self, input_shape: Shape, rng: Any, dtype: str) -> Shape:
        shape = super().build(input_shape, rng, dtype)
        if self.reset_after:
            self.params["bh"] = np.zeros((self.units, 1), dtype=dtype)
        return shape

    def _prepare(self, run: _Pass) -> None:
        ops, n, (m, T_x, _) = run.ops, self.units, run.shape
        xp, W, b = ops.xp, self.params["W"], self.params["b"]
        Wb = cells.stacked(xp, W, b, (slice(0, 2 * n),))
        run["gates"] = ops.buffer((T_x, 3 * n, m))
        if not self.reset_after:  # Γ_r, Γ_u, c̃; c̃'s input [Γ_r * a⟨t−1⟩; x⟨t⟩; 1] in H_reset
            run["Wb"] = Wb
            run["H_reset"] = H_reset = ops.buffer(tuple(run["H"].shape))
            ops.copy(run["H"][n:, ...], H_reset[n:, ...])
            return
        # Γ_r, Γ_u, h_n = [Wc_a | 0 | bh] h⟨t⟩; c̃ apart; Wc_x x⟨t⟩ + bc for every step at once
        h_n = xp.concat([W[2 * n :, :n], xp.zeros_like(W[2 * n :, n:]), self.params["bh"]], axis=1)
        run["Wb"] = xp.concat([Wb[: 2 * n, :], h_n], axis=0)
        run["xc"] = Wb[2 * n :, n:] @ xp.permute_dims(run["H"][n:, ...], (1, 0, 2))  # (T_x, n_a, m)
        run["cc"] = ops.buffer((T_x, n, m))
        run["dcc"] = ops.buffer((n, T_x, m))  # for dWc_x and dbc

    def _step(self, run: _Pass, t: int) -> None:
        S, h, g, Wb = run["S"], run["H"][:, t, :], run["gates"][t, ...], run["Wb"]
        a_prev, a = S[t, ...], S[t + 1, ...]
        if self.reset_after:
            xc, cc = run["xc"][t, ...], run["cc"][t, ...]
            cells.gru_forward_reset_after(run.ops, Wb, h, xc, g, cc, a_prev, a)
        else:
            cells.gru_forward(run.ops, Wb, h, run["H_reset"][:, t, :], g, a_prev, a)

    def _step_back(
        self,
        run: _Pass,
        t: int,
        da: Array,
        dc: Array,
        da_prev: Array,
        dc_prev: Array,
        D: Array,
        scratch: list[Array],
    ) -> None:
        ops, n, W = run.ops, self.units, self.params["W"]
        s1, s2, s3 = scratch
        g, a_prev, D_t = run["gates"][t, ...], run["S"][t, ...], D[:, t, :]
        r, u = g[:n, :], g[n : 2 * n, :]
        if self.reset_after:  # D_t rows: dZ_r, dZ_u, dh_n
            cc, dcc = run["cc"][t, ...], run["dcc"][:, t, :]
            cells.gru_gates_backward(ops, u, cc, a_prev, da, D_t[n : 2 * n, :], dcc, s1, s2)
            ops.mul(dcc, r, D_t[2 * n :, :])
            cells.reset_backward(ops, r, dcc, g[2 * n :, :], D_t[:n, :], s1)
            ops.matmul(W[:, :n].T, D_t, da_prev)
        else:  # D_t rows: dZ_r, dZ_u, dZ_c
            cc = g[2 * n :, :]
            cells.gru_gates_backward(
                ops, u, cc, a_prev, da, D_t[n : 2 * n, :], D_t[2 * n :, :], s1, s2
            )
            ops.matmul(W[2 * n :, :n].T, D_t[2 * n :, :], s3)  # the gradient of Γ_r * a⟨t−1⟩
            cells.reset_backward(ops, r, s3, a_prev, D_t[:n, :], s1)
            ops.matmul(W[: 2 * n, :n].T, D_t[: 2 * n, :], da_prev)
            ops.mul(s3, r, s3)
            ops.add(da_prev, s3, da_prev)
        ops.add(da_prev, cells.keep_rate(ops, u, da, s1), da_prev)

    def _gradients(self, run: _Pass, D: Array) -> tuple[dict[str, Array], Array | None]:
        m, T_x, n_x = run.shape
        n, xp = self.units, run.ops.xp
        K = n + n_x + 1
        H = xp.reshape(run["H"], (K, T_x * m))
        if not self.reset_after:
            dWb = xp.concat(
                [D[: 2 * n, :] @ H.T, D[2 * n :, :] @ xp.reshape(run["H_reset"], (K, T_x * m)).T],
                axis=0,
            )
            return {"W": dWb[:, : K - 1], "b": dWb[:, K - 1 :]}, self._dX(run, D)
        dcc = xp.reshape(run["dcc"], (n, T_x * m))
        ru_h = D @ H.T  # rows r, u: [dW | db]; rows of h_n: [dWc_a | · | dbh]
        c_x = dcc @ H[n:, :].T  # [dWc_x | dbc]
        dW = xp.concat(
            [ru_h[: 2 * n, : K - 1], xp.concat([ru_h[2 * n :, :n], c_x[:, :-1]], axis=1)]
        )
        grads = {"W": dW, "b": xp.concat([ru_h[: 2 * n, K - 1 :], c_x[:, -1:]]),
                 "bh": ru_h[2 * n :, K - 1 :]}  # fmt: skip
        dX = self._dX(run, D[: 2 * n, :], slice(0, 2 * n))
        if dX is not None:
            dX = dX + self._dX(run, dcc, slice(2 * n, None))
        return grads, dX

    def config(self) -> dict[str, Any]:
        return {**super().config(), "reset_after": self.reset_after}
