"""Recurrent layers in the sequence course's notation: SimpleRNN, LSTM, GRU (fed by the
``Embedding`` and ``Masking`` layers of :mod:`nndl.model.layers.embedding`).

A layer reads sequences ``X`` ``(m, T_x, n_x)`` (one example per row, as Keras and the
``Conv1D`` layer do); inside, each time step is the course's ``x⟨t⟩`` ``(n_x, m)`` and the
hidden state ``a⟨t⟩`` ``(n_a, m)``, one column per example.  It returns the last state
``a⟨T_x⟩`` as the first course's columns ``(n_a, m)`` (ready for a ``Dense`` layer), or with
``return_sequences=True`` every state ``(m, T_x, n_a)`` (ready for another recurrent layer).
The state starts at ``a⟨0⟩ = 0`` (and ``c⟨0⟩ = 0``) unless an initial state is given:
``forward(X, …, initial_state=a0)`` with ``a0`` ``(n_a, m)`` (for an LSTM the pair
``(a0, c0)``), as PyTorch's ``h0``/``c0`` and Keras' ``initial_state``, whose gradient
``backward_with_state`` returns beside the parameters'; or ``learn_initial_state=True``, a
trained ``a_start`` ``(n_a, 1)`` (and ``c_start``) shared by every example, which a
``Sequential`` model trains like any weight.  Sequences of different lengths,
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
    """The gates' σ(z) = (1 + tanh(z/2)) / 2: the same function, never overflows, and one
    vectorized tanh is many times faster than exp, a division and a select (a gate's value
    is exact to the dtype's rounding; only σ's tiny values below it become 0)."""
    return 0.5 * xp.tanh(0.5 * Z) + 0.5


class Recurrent(Layer):
    """What the three share: sequences in, the last state or all of them out."""

    kind = "recurrent"
    gates = 1

    def __init__(
        self,
        units: int,
        return_sequences: bool = False,
        init: str | _init.Initializer = "xavier",
        learn_initial_state: bool = False,
    ) -> None:
        super().__init__()
        self.units = positive_int("units", units)
        self.return_sequences = bool(return_sequences)
        self.init = init
        self.learn_initial_state = bool(learn_initial_state)

    @property
    def state_names(self) -> tuple[str, ...]:
        """The states a step carries: ``a`` (and the LSTM's memory cell ``c``)."""
        return ("a",)

    def output_shape_for(self, input_shape: Shape) -> Shape:
        if len(input_shape) != 2:
            raise NNDLValueError(
                f"a {type(self).__name__} layer takes sequences (T_x, n_x). Received: {input_shape}"
            )
        T_x = input_shape[0]
        return (T_x, self.units) if self.return_sequences else (self.units,)

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        n_a, n_x = self.units, input_shape[1]
        shapes: dict[str, Shape] = {
            "W": (self.gates * n_a, n_a + n_x),
            "b": (self.gates * n_a, 1),
        }
        if self.learn_initial_state:
            shapes.update({f"{s}_start": (n_a, 1) for s in self.state_names})
        return shapes

    def build(self, input_shape: Shape, rng: Any, dtype: str) -> Shape:
        shape = super().build(input_shape, rng, dtype)
        rows, width = self.param_shapes(input_shape)["W"]
        W = np.vstack(
            [draw_weights(self.init, self.units, width, rng) for _ in range(rows // self.units)]
        )
        self.params = {"W": W.astype(dtype), "b": np.zeros((rows, 1), dtype=dtype)}
        if self.learn_initial_state:  # a⟨0⟩ = 0 until trained, as without it
            self.params.update(
                {f"{s}_start": np.zeros((self.units, 1), dtype=dtype) for s in self.state_names}
            )
        return shape

    takes_mask = True
    passes_mask = True

    def forward(
        self,
        A_prev: Array,
        training: bool,
        rng: np.random.Generator | None,
        initial_state: Any = None,
    ) -> tuple[Array, Any]:
        return self.forward_masked(A_prev, training, rng, None, initial_state)

    def _start(self, A_prev: Array, initial_state: Any) -> tuple[Array, Array]:
        """``(a⟨0⟩, c⟨0⟩)`` ``(n_a, m)``: the given state, the learned one, or zeros."""
        xp = namespace(A_prev)
        m, names = int(A_prev.shape[0]), self.state_names
        zeros = xp.zeros((self.units, m), dtype=A_prev.dtype, device=device(A_prev))
        if initial_state is None:
            if not self.learn_initial_state:
                return zeros, zeros
            start = [zeros + self.params[f"{s}_start"] for s in names]
            return start[0], start[-1]
        given = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        form = " and ".join(f"{s}0" for s in names)
        if len(given) != len(names):
            raise NNDLValueError(
                f"the initial state of a {type(self).__name__} layer is {form}, each (n_a, m) = "
                f"({self.units}, {m}). Received {len(given)} arrays"
            )
        checked = []
        for s, state in zip(names, given, strict=True):
            if tuple(int(n) for n in state.shape) != (self.units, m):
                raise NNDLValueError(
                    f"the initial state {s}0 must have shape (n_a, m) = ({self.units}, {m}), one "
                    f"column per example as the course's a⟨0⟩. Received: {tuple(state.shape)}; "
                    "pass its transpose if it holds one row per example"
                )
            checked.append(xp.astype(xp.asarray(state, device=device(A_prev)), A_prev.dtype))
        return checked[0], checked[-1]

    def forward_masked(
        self,
        A_prev: Array,
        training: bool,
        rng: np.random.Generator | None,
        mask: Array | None,
        initial_state: Any = None,
    ) -> tuple[Array, Any]:
        """The steps t = 1 … T_x from ``a⟨0⟩`` (and ``c⟨0⟩``), keeping the state at padded steps.

        Where ``mask[:, t]`` is False (padding) the state is kept, ``a⟨t⟩ = a⟨t−1⟩`` and
        ``c⟨t⟩ = c⟨t−1⟩``, so the last state is each example's own.
        """
        xp = namespace(A_prev)
        m, T_x, _ = (int(n) for n in A_prev.shape)
        a, c = self._start(A_prev, initial_state)
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
        given = initial_state is not None
        return out, (steps, tuple(int(n) for n in A_prev.shape), keep, given)

    def compute_mask(self, A_prev: Array, mask: Array | None) -> Array | None:
        """Every state keeps the input's mask; the last state alone has none."""
        return mask if self.return_sequences else None

    def backward(self, dA: Array, cache: Any) -> tuple[Array, dict[str, Array]]:
        """Through time, from T_x down to 1.

        A padded step passes ``da`` and ``dc`` on to the step before unchanged and adds
        nothing to the parameters' gradients.
        """
        dX, grads, _ = self.backward_with_state(dA, cache)
        return dX, grads

    def backward_with_state(
        self, dA: Array, cache: Any
    ) -> tuple[Array, dict[str, Array], tuple[Array, ...]]:
        """``(dX, grads, d_initial)``: ``backward``'s two and the initial state's gradient.

        The initial state's gradient is ``(da⟨0⟩,)`` or for an LSTM ``(da⟨0⟩, dc⟨0⟩)``, each
        ``(n_a, m)`` per example (without the 1/m, as ``dX``).  A learned initial state gets
        ``da_start = (1/m) Σ_i da⟨0⟩`` (zero when the forward pass was given a state of its own).
        """
        xp = namespace(dA)
        steps, (m, T_x, _), keep, given = cache
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
            if dx is not None:
                dxs.append(dx.T)
        # (m, T_x, n_x); none for a model's first layer (the data's gradient, unused)
        dX = xp.stack(dxs[::-1], axis=1) if dxs else None
        d_initial = (da_next, dc_next)[: len(self.state_names)]
        if self.learn_initial_state and not given:
            for s, d in zip(self.state_names, d_initial, strict=True):
                grads[f"{s}_start"] = xp.sum(d, axis=1, keepdims=True)
        return dX, {k: g / m for k, g in grads.items()}, d_initial

    def cell_forward(self, xp: Any, x: Array, a: Array, c: Array) -> tuple[Array, Array, Any]:
        """One step forward: ``(a⟨t⟩, c⟨t⟩, what the step's backward pass needs)``.

        Parameters
        ----------
        xp : module
            The array namespace.
        x : Array of shape (n_x, m)
            x⟨t⟩.
        a : Array of shape (n_a, m)
            a⟨t−1⟩.
        c : Array of shape (n_a, m)
            c⟨t−1⟩ (the LSTM's memory cell; passed through by the others).

        Returns
        -------
        tuple
            a⟨t⟩, c⟨t⟩ and the step's cache.
        """
        raise NotImplementedError

    def cell_backward(
        self, xp: Any, da: Array, dc: Array, step: Any
    ) -> tuple[Array, Array, Array, dict[str, Array]]:
        """One step back: ``(dx⟨t⟩, da⟨t−1⟩, dc⟨t−1⟩, this step's parameter gradients)``.

        ``dx⟨t⟩`` may be None for a model's first layer.
        """
        raise NotImplementedError

    def _back_through_W(self, dZ: Array) -> tuple[Array | None, Array]:
        """``(dx⟨t⟩, da⟨t−1⟩)`` from ``dconcat = Wᵀ dZ`` (only its ``a`` rows for a model's
        first layer)."""
        W, n = self.params["W"], self.units
        if self.first:
            return None, W[:, :n].T @ dZ
        dconcat = W.T @ dZ
        return dconcat[n:, :], dconcat[:n, :]

    def config(self) -> dict[str, Any]:
        init = self.init if isinstance(self.init, str) else getattr(self.init, "__name__", "custom")
        config = {"kind": self.kind, "units": self.units,
                  "return_sequences": self.return_sequences, "init": init}  # fmt: skip
        return {**config, "learn_initial_state": True} if self.learn_initial_state else config

    def describe(self) -> str:
        every = ", every step" if self.return_sequences else ""
        learned = ", learned a⟨0⟩" if self.learn_initial_state else ""
        return f"{self.kind} {self.units}{every}{learned}"


class SimpleRNN(Recurrent):
    """``a⟨t⟩ = tanh(Waa a⟨t−1⟩ + Wax x⟨t⟩ + ba)``, with ``W = [Waa, Wax]`` ``(n_a, n_a + n_x)``.

    Parameters
    ----------
    units : int
        n_a, the size of the hidden state.
    return_sequences : bool, default False
        Return every state ``(m, T_x, n_a)`` instead of the last, ``(n_a, m)``.
    init : str or callable, default "xavier"
        A course initializer (``"random"`` ×0.01, ``"scaled"``, ``"xavier"``, ``"he"``,
        ``"zeros"``) or a callable ``(n, fan_in, rng) -> W``.
    learn_initial_state : bool, default False
        Train ``a_start`` ``(n_a, 1)`` (and the LSTM's ``c_start``), shared by every example.

    Raises
    ------
    NNDLValueError
        When an argument is out of range.
    """

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
        dx, da_prev = self._back_through_W(dZ)
        grads = {"W": dZ @ concat.T, "b": xp.sum(dZ, axis=1, keepdims=True)}
        return dx, da_prev, dc, grads


class LSTM(Recurrent):
    """The course's LSTM (the module's equations); ``W`` rows ``f, i, c, o``.

    Parameters
    ----------
    units : int
        n_a, the size of the hidden state.
    return_sequences : bool, default False
        Return every state ``(m, T_x, n_a)`` instead of the last, ``(n_a, m)``.
    init : str or callable, default "xavier"
        A course initializer (``"random"`` ×0.01, ``"scaled"``, ``"xavier"``, ``"he"``,
        ``"zeros"``) or a callable ``(n, fan_in, rng) -> W``.
    learn_initial_state : bool, default False
        Train ``a_start`` ``(n_a, 1)`` (and the LSTM's ``c_start``), shared by every example.

    Raises
    ------
    NNDLValueError
        When an argument is out of range.
    """

    kind = "lstm"
    gates = 4

    @property
    def state_names(self) -> tuple[str, ...]:
        return ("a", "c")

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
        dx, da_prev = self._back_through_W(dZ)
        grads = {"W": dZ @ concat.T, "b": xp.sum(dZ, axis=1, keepdims=True)}
        return dx, da_prev, dc * f, grads


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
