"""Initial states of the recurrent layers: given (a0, c0) and learned (a_start, c_start),
checked by finite differences through time and against PyTorch's h0 and c0."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import nndl
from nndl.errors import NNDLValueError
from nndl.gradcheck import numerical_gradient, relative_error
from nndl.layers import GRU, LSTM, Dense, Layer, Masking, Sequential, SimpleRNN
from nndl.model.layers.recurrent import Recurrent


def _gru_reset_after(units: int, **options: bool) -> GRU:
    return GRU(units, reset_after=True, **options)


CELLS: list[Callable[..., Recurrent]] = [SimpleRNN, LSTM, GRU, _gru_reset_after]
LENGTHS = {1: [1, 0, 1, 1], 2: [2, 1, 0, 2], 7: [7, 3, 1, 0]}  # 0: all padding, a⟨T⟩ = a⟨0⟩
N_X, N_A, M = 3, 4, 4


def _data(T: int, masked: bool) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(T)
    X = rng.standard_normal((M, T, N_X))
    if masked:
        for i, T_i in enumerate(LENGTHS[T]):
            X[i, T_i:] = 0.0
    return X, np.eye(2)[:, rng.integers(0, 2, M)]


def _randomize(model: Sequential, seed: int) -> None:
    """Random biases and starts too, so no gradient is checked at a symmetric point."""
    rng = np.random.default_rng(seed)
    model.params = {k: v + 0.3 * rng.standard_normal(v.shape) for k, v in model.params.items()}


@pytest.mark.parametrize("T", [1, 2, 7])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("cell", CELLS)
def test_a_learned_initial_state_matches_finite_differences(
    cell: Callable[..., Recurrent], masked: bool, T: int
) -> None:
    layers: list[Layer] = [Masking()] if masked else []
    layers += [
        cell(N_A, return_sequences=True, learn_initial_state=True),
        cell(3, learn_initial_state=True),
        Dense(2, "softmax"),
    ]
    model = Sequential(layers, input_shape=(T, N_X), seed=0, dtype="float64")
    starts = [k for k in model.params if "_start" in k]
    assert starts == (
        ["a_start1", "c_start1", "a_start2", "c_start2"]
        if cell is LSTM
        else ["a_start1", "a_start2"]
    )  # Masking has no parameters: the numbers are the same with it
    _randomize(model, T)
    X, Y = model.check_data(*_data(T, masked))
    check = nndl.gradient_check(model, X, Y, epsilon=1e-6)
    assert list(check.per_parameter) == list(model.params)
    for key, error in check.per_parameter.items():
        assert error < 1e-7, key
    assert all(np.any(check.grads["d" + k] != 0) for k in starts)


@pytest.mark.parametrize("T", [1, 2, 7])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("return_sequences", [False, True])
def test_a_given_initial_state_matches_finite_differences(
    cell: Callable[..., Recurrent], masked: bool, T: int, return_sequences: bool
) -> None:
    layer = cell(N_A, return_sequences=return_sequences)
    layer.build((T, N_X), np.random.default_rng(0), "float64")
    rng = np.random.default_rng(10 + T)
    layer.params = {k: v + 0.3 * rng.standard_normal(v.shape) for k, v in layer.params.items()}
    X, _ = _data(T, masked)
    mask = Masking().compute_mask(X, None) if masked else None
    state = [rng.standard_normal((N_A, M)) for _ in layer.state_names]
    A, cache = layer.forward_masked(X, True, None, mask, state)
    G = rng.standard_normal(A.shape)  # J = Σ G * A, so dA = G

    def J() -> float:
        return float(np.sum(G * layer.forward_masked(X, True, None, mask, state)[0]))

    dX, grads, d_initial = layer.backward_with_state(G, cache)
    assert len(d_initial) == len(layer.state_names)
    for s, d in zip(state, d_initial, strict=True):
        assert relative_error(d, numerical_gradient(J, s, 1e-6)) < 1e-7
    assert relative_error(dX, numerical_gradient(J, X, 1e-6)) < 1e-7
    for k, theta in layer.params.items():  # the layer's gradients carry the 1/m
        assert relative_error(grads[k] * M, numerical_gradient(J, theta, 1e-6)) < 1e-7, k
    if masked:  # an example of length 0 ends in its own initial state
        empty = LENGTHS[T].index(0)
        last = A[empty, -1] if return_sequences else A[:, empty]
        np.testing.assert_array_equal(last, state[0][:, empty])


def test_a_given_state_overrides_the_learned_one() -> None:
    layer = LSTM(N_A, learn_initial_state=True)
    layer.build((5, N_X), np.random.default_rng(0), "float64")
    layer.params["a_start"] = np.ones((N_A, 1))
    X, _ = _data(5, False)
    zeros = [np.zeros((N_A, M)), np.zeros((N_A, M))]
    plain = LSTM(N_A)
    plain.build((5, N_X), np.random.default_rng(0), "float64")
    A, cache = layer.forward(X, True, None, initial_state=zeros)
    np.testing.assert_array_equal(A, plain.forward(X, True, None)[0])
    _, grads, _ = layer.backward_with_state(np.ones_like(A), cache)
    assert not np.any(grads["a_start"]) and not np.any(grads["c_start"])
    learned, _ = layer.forward(X, True, None)
    assert np.all(np.abs(learned - A) > 0)


def test_bad_initial_states_are_refused() -> None:
    lstm, rnn = LSTM(N_A), SimpleRNN(N_A)
    for layer in (lstm, rnn):
        layer.build((5, N_X), np.random.default_rng(0), "float64")
    X, _ = _data(5, False)
    with pytest.raises(NNDLValueError, match=r"a0 and c0, each \(n_a, m\) = \(4, 4\)"):
        lstm.forward(X, True, None, initial_state=np.zeros((N_A, M)))
    with pytest.raises(NNDLValueError, match=r"\(n_a, m\) = \(4, 4\).*transpose"):
        rnn.forward(X, True, None, initial_state=np.zeros((M + 1, N_A)))


def test_a_learned_initial_state_trains_saves_and_loads(tmp_path: Path) -> None:
    X, Y = _data(7, True)
    model = Sequential(
        [Masking(), LSTM(N_A, learn_initial_state=True), Dense(2, "softmax")],
        input_shape=(7, N_X),
        seed=0,
    )
    assert "learned a⟨0⟩" in model.summary()
    history = model.fit(X, Y, 0.05, 40, optimizer="adam")
    assert history[-1] < history[0] and np.any(model.params["a_start1"] != 0)
    path = tmp_path / "lstm.npz"
    nndl.io.save(model, path)
    loaded = nndl.load(path)
    assert loaded.layers[1].learn_initial_state  # type: ignore[attr-defined]
    np.testing.assert_array_equal(loaded.params["c_start1"], model.params["c_start1"])
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))


def _torch_rows(order: list[slice], sign: list[int], P: np.ndarray) -> np.ndarray:
    """The course's gate rows of P in PyTorch's order and sign."""
    return np.vstack([s * P[r] for r, s in zip(order, sign, strict=True)])


def test_pytorch_gives_the_same_states_from_h0_and_c0() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    X = rng.standard_normal((M, 6, N_X))
    n = N_A
    for kind in ("rnn", "lstm", "gru"):
        layer: Recurrent
        if kind == "rnn":
            layer, net = SimpleRNN(n, return_sequences=True), torch.nn.RNN(N_X, n, batch_first=True)
        elif kind == "lstm":
            layer, net = LSTM(n, return_sequences=True), torch.nn.LSTM(N_X, n, batch_first=True)
        else:
            layer = GRU(n, return_sequences=True, reset_after=True)
            net = torch.nn.GRU(N_X, n, batch_first=True)
        net = net.double()
        layer.build((6, N_X), np.random.RandomState(1), "float64")
        layer.params = {k: v + 0.3 * rng.standard_normal(v.shape) for k, v in layer.params.items()}
        W, b = layer.params["W"], layer.params["b"]

        rows = [slice(k * n, (k + 1) * n) for k in range(layer.gates)]
        if kind == "lstm":  # PyTorch's i, f, g, o from the course's f, i, c, o
            order, sign = [rows[1], rows[0], rows[2], rows[3]], [1, 1, 1, 1]
        elif kind == "gru":  # r, z = 1 − Γ_u, n
            order, sign = rows, [1, -1, 1]
        else:
            order, sign = rows, [1]
        with torch.no_grad():
            net.weight_hh_l0.copy_(torch.tensor(_torch_rows(order, sign, W[:, :n])))
            net.weight_ih_l0.copy_(torch.tensor(_torch_rows(order, sign, W[:, n:])))
            net.bias_ih_l0.copy_(torch.tensor(_torch_rows(order, sign, b)[:, 0]))
            net.bias_hh_l0.zero_()
            if kind == "gru":
                net.bias_hh_l0[2 * n :] = torch.tensor(layer.params["bh"][:, 0])
        state = [rng.standard_normal((n, M)) for _ in layer.state_names]
        x = torch.tensor(X, requires_grad=True)
        h = [torch.tensor(s.T[None].copy(), requires_grad=True) for s in state]
        out, _ = net(x, tuple(h) if kind == "lstm" else h[0])
        A, cache = layer.forward(X, True, None, initial_state=state)
        np.testing.assert_allclose(A, out.detach().numpy(), rtol=0, atol=1e-10)
        G = rng.standard_normal(A.shape)
        out.backward(torch.tensor(G))
        dX, grads, d_initial = layer.backward_with_state(G, cache)
        np.testing.assert_allclose(dX, x.grad.numpy(), rtol=0, atol=1e-10)
        for d, h_s in zip(d_initial, h, strict=True):
            np.testing.assert_allclose(d, h_s.grad.numpy()[0].T, rtol=0, atol=1e-10)
        dW_ih = _torch_rows(order, sign, grads["W"][:, n:]) * M
        np.testing.assert_allclose(dW_ih, net.weight_ih_l0.grad.numpy(), rtol=0, atol=1e-10)
