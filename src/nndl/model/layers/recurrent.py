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

``GRU`` (the course's full GRU, rows ``r, u`` of ``W`` and the candidate's ``Wc``; its class is in
:mod:`nndl.model.layers.gru`)::

    Γ_r = σ(Wr [c⟨t−1⟩, x⟨t⟩] + br)     Γ_u = σ(Wu [c⟨t−1⟩, x⟨t⟩] + bu)
    c̃⟨t⟩ = tanh(Wc [Γ_r * c⟨t−1⟩, x⟨t⟩] + bc)
    c⟨t⟩ = Γ_u * c̃⟨t⟩ + (1 − Γ_u) * c⟨t−1⟩     a⟨t⟩ = c⟨t⟩

Backpropagation through time walks the steps backwards, each adding its share of the
parameter gradients and handing ``da⟨t−1⟩`` (and ``dc⟨t−1⟩``) to the step before; the
parameter gradients get the cost's 1/m at the end.

The arithmetic of each cell is written once in :mod:`nndl.model.layers.recurrent_cells`: one
GEMM per step on ``[a⟨t−1⟩; x⟨t⟩; 1]`` (the bias as the weights' last column), the gates' σ as
``(1 + tanh(z/2)) / 2`` in one tanh over the gate block, every step's gates and states in
buffers made once per pass; after the time loop the weight gradients over all T_x steps are one
GEMM, ``dW = Σ_t dZ⟨t⟩ [a⟨t−1⟩; x⟨t⟩; 1]ᵀ``, and so is the input's, ``dX = Wxᵀ dZ`` (left out for
a model's first layer, whose input is the data).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nndl.arrays.backend import Array, device, namespace
from nndl.errors import NNDLValueError
from nndl.model import init as _init
from nndl.model.layers import recurrent_cells as cells
from nndl.model.layers.base import Layer, Shape, draw_weights, positive_int
from nndl.model.layers.recurrent_cells import Ops


class _Pass:
    """One forward pass's buffers (``recurrent_cells``' layout) and what its backward needs."""

    def __init__(self, ops: Ops, shape: tuple[int, int, int], n: int, given: bool) -> None:
        self.ops, self.shape, self.n, self.given = ops, shape, n, given
        self.pad: Array | None = None  # (T_x, 1, m): True at padded steps
        self.buffers: dict[str, Array] = {}

    def __getitem__(self, name: str) -> Array:
        return self.buffers[name]

    def __setitem__(self, name: str, value: Array) -> None:
        self.buffers[name] = value


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

        Parameters
        ----------
        A_prev : array
            The sequences ``X`` ``(m, T_x, n_x)``.
        training : bool
            Whether this is a training pass (the recurrent layers do the same either way).
        rng : numpy.random.Generator or None
            Unused (no dropout here); taken as every layer's forward pass takes it.
        mask : array or None
            ``(m, T_x)``, True at real steps, False at padded ones; None: every step is real.
        initial_state : array or tuple of array, optional
            ``a⟨0⟩`` ``(n_a, m)``, for an LSTM ``(a⟨0⟩, c⟨0⟩)``; None: zeros (or the learned
            ``a_start``).

        Returns
        -------
        A : array
            ``a⟨T_x⟩`` ``(n_a, m)``, or every state ``(m, T_x, n_a)`` with
            ``return_sequences=True``.
        cache : object
            What the backward pass needs (the steps' inputs, gates and states).
        """
        ops = Ops(A_prev)
        xp, n = ops.xp, self.units
        m, T_x, n_x = (int(k) for k in A_prev.shape)
        a0, c0 = self._start(A_prev, initial_state)
        run = _Pass(ops, (m, T_x, n_x), n, initial_state is not None)
        H = run["H"] = ops.buffer((n + n_x + 1, T_x, m))  # h⟨t⟩ = [a⟨t−1⟩; x⟨t⟩; 1]
        ops.copy(xp.permute_dims(A_prev, (2, 1, 0)), H[n : n + n_x, ...])
        H[n + n_x, ...] = 1
        states = [ops.buffer((T_x + 1, n, m)) for _ in self.state_names]
        for S, s0 in zip(states, (a0, c0), strict=False):
            ops.copy(s0, S[0, ...])
        run["S"] = S = states[0]
        if len(states) == 2:
            run["C"] = states[1]
        if mask is not None:
            run.pad = xp.reshape(xp.logical_not(mask).T, (T_x, 1, m))
        self._prepare(run)
        for t in range(T_x):
            ops.copy(S[t, ...], H[:n, t, :])
            self._step(run, t)
            if run.pad is not None:
                for state in states:
                    ops.keep(state[t + 1, ...], state[t, ...], run.pad[t, ...])
        if not self.return_sequences:  # a copy: a view would keep S from being used again
            return ops.copy(S[T_x, ...], ops.empty((n, m))), run
        out = xp.permute_dims(S[1:, ...], (2, 0, 1))  # every state (m, T_x, n_a)
        return (np.ascontiguousarray(out) if ops.numpy else out), run

    def compute_mask(self, A_prev: Array, mask: Array | None) -> Array | None:
        """Every state keeps the input's mask; the last state alone has none.

        Parameters
        ----------
        A_prev : array
            The layer's input (unused: the mask depends on ``return_sequences`` alone).
        mask : array or None
            The input's mask ``(m, T_x)``.

        Returns
        -------
        array or None
            ``mask`` with ``return_sequences=True``, else None.
        """
        return mask if self.return_sequences else None

    def backward(self, dA: Array, cache: Any) -> tuple[Array, dict[str, Array]]:
        """Through time, from T_x down to 1.

        A padded step passes ``da`` and ``dc`` on to the step before unchanged and adds
        nothing to the parameters' gradients.

        Parameters
        ----------
        dA : array
            The cost's gradient with respect to the output: ``da⟨T_x⟩`` ``(n_a, m)``, or every
            state's ``(m, T_x, n_a)`` with ``return_sequences=True``.
        cache : object
            The forward pass's cache.

        Returns
        -------
        dX : array or None
            ``(m, T_x, n_x)`` (without the 1/m); None for a model's first layer.
        grads : dict of str to array
            Each parameter's gradient, the 1/m included.
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

        Parameters
        ----------
        dA : array
            As for :meth:`backward`.
        cache : object
            The forward pass's cache.

        Returns
        -------
        dX : array or None
            As :meth:`backward`'s.
        grads : dict of str to array
            As :meth:`backward`'s.
        d_initial : tuple of array
            ``(da⟨0⟩,)``, or ``(da⟨0⟩, dc⟨0⟩)`` for an LSTM.
        """
        run: _Pass = cache
        ops, n, (m, T_x, _) = run.ops, self.units, run.shape
        xp = ops.xp
        D = ops.buffer((self.gates * n, T_x, m))  # dZ⟨t⟩ at D[:, t, :]
        # da, dc: this step's; the cell writes the step before's into da_prev, dc_prev
        da, da_prev, dc, dc_prev = (ops.zeros((n, m)) for _ in range(4))
        scratch = [ops.empty((n, m)) for _ in range(3)]
        if self.return_sequences:  # (m, T_x, n_a) as T_x contiguous (n_a, m) steps
            dA_steps = ops.copy(xp.permute_dims(dA, (1, 2, 0)), ops.buffer((T_x, n, m)))
        else:
            ops.copy(dA, da)
        pad = run.pad
        saved = (ops.empty((n, m)), ops.empty((n, m))) if pad is not None else None
        for t in range(T_x - 1, -1, -1):
            if self.return_sequences:
                ops.add(da, dA_steps[t, ...], da)
            if (
                pad is not None and saved is not None
            ):  # the real columns through the cell; the padded ones around it
                ops.copy(da, saved[0])
                ops.copy(dc, saved[1])
                ops.keep(da, xp.zeros_like(da), pad[t, ...])
                ops.keep(dc, xp.zeros_like(dc), pad[t, ...])
            self._step_back(run, t, da, dc, da_prev, dc_prev, D, scratch)
            if pad is not None and saved is not None:
                ops.keep(da_prev, saved[0], pad[t, ...])
                ops.keep(dc_prev, saved[1], pad[t, ...])
            da, da_prev, dc, dc_prev = da_prev, da, dc_prev, dc
        grads, dX = self._gradients(run, xp.reshape(D, (self.gates * n, T_x * m)))
        d_initial = (da, dc)[: len(self.state_names)]
        if self.learn_initial_state:
            for s, d in zip(self.state_names, d_initial, strict=True):
                grads[f"{s}_start"] = (
                    xp.zeros_like(self.params[f"{s}_start"])
                    if run.given
                    else xp.sum(d, axis=1, keepdims=True)
                )
        return dX, {k: g / m for k, g in grads.items()}, d_initial

    def _prepare(self, run: _Pass) -> None:
        """The pass's stacked weights and the cell's buffers."""
        raise NotImplementedError

    def _step(self, run: _Pass, t: int) -> None:
        """Step t forward: ``S[t + 1]`` (and ``C[t + 1]``) from ``h⟨t⟩ = H[:, t]``."""
        raise NotImplementedError

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
        """Step t back: ``D[:, t, :]`` and ``da⟨t−1⟩`` (and ``dc⟨t−1⟩``) from ``da``, ``dc``."""
        raise NotImplementedError

    def _gradients(self, run: _Pass, D: Array) -> tuple[dict[str, Array], Array | None]:
        """``(grads, dX)`` (without the 1/m) from every step's ``dZ`` ``D`` ``(rows, T_x m)``:
        ``[dW | db] = D Hᵀ`` and ``dX = Wxᵀ D`` (None for a model's first layer)."""
        m, T_x, n_x = run.shape
        n, xp = self.units, run.ops.xp
        dWb = D @ xp.reshape(run["H"], (n + n_x + 1, T_x * m)).T
        return {"W": dWb[:, : n + n_x], "b": dWb[:, n + n_x :]}, self._dX(run, D)

    def _dX(self, run: _Pass, D: Array, rows: slice = slice(None)) -> Array | None:
        """``dX = Wxᵀ D`` ``(m, T_x, n_x)`` over the W ``rows`` that D holds."""
        if self.first:
            return None
        m, T_x, n_x = run.shape
        n, xp = self.units, run.ops.xp
        dX = self.params["W"][rows, n:].T @ D
        return xp.permute_dims(xp.reshape(dX, (n_x, T_x, m)), (2, 1, 0))

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

    def _prepare(self, run: _Pass) -> None:
        run["Wb"] = cells.stacked(run.ops.xp, self.params["W"], self.params["b"], ())

    def _step(self, run: _Pass, t: int) -> None:
        cells.rnn_forward(run.ops, run["Wb"], run["H"][:, t, :], run["S"][t + 1, ...])

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
        cells.rnn_backward(run.ops, run["S"][t + 1, ...], da, D[:, t, :], scratch[0])
        run.ops.matmul(self.params["W"][:, : self.units].T, D[:, t, :], da_prev)


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

    def _prepare(self, run: _Pass) -> None:
        n, (m, T_x, _) = self.units, run.shape
        sigmoid = cells.lstm_sigmoid(n)
        run["Wb"] = cells.stacked(run.ops.xp, self.params["W"], self.params["b"], sigmoid)
        run["gates"] = run.ops.buffer((T_x, 4 * n, m))  # Γ_f, Γ_u, c̃, Γ_o
        run["tanh_c"] = run.ops.buffer((T_x, n, m))

    def _step(self, run: _Pass, t: int) -> None:
        C, h, g = run["C"], run["H"][:, t, :], run["gates"][t, ...]
        c_prev, c, a = C[t, ...], C[t + 1, ...], run["S"][t + 1, ...]
        cells.lstm_forward(run.ops, run["Wb"], h, g, c_prev, c, run["tanh_c"][t, ...], a)

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
        g, c_prev, tanh_c, D_t = (
            run["gates"][t, ...],
            run["C"][t, ...],
            run["tanh_c"][t, ...],
            D[:, t, :],
        )
        cells.lstm_backward(run.ops, g, c_prev, tanh_c, da, dc, D_t, dc_prev, *scratch[:2])
        run.ops.matmul(self.params["W"][:, : self.units].T, D_t, da_prev)
