"""Recurrent layers: finite differences through time, the course's loops, PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

import nndl
from nndl.course import recurrent as course
from nndl.model.layers import GRU, LSTM, Dense, SimpleRNN
from nndl.model.sequential import Sequential


def _model(layer_cls, return_sequences: bool = False) -> Sequential:  # type: ignore[no-untyped-def]
    layers = [layer_cls(4, return_sequences=True), layer_cls(3, return_sequences=return_sequences)]
    if return_sequences:
        from nndl.model.layers import Flatten

        layers.append(Flatten())
    return Sequential([*layers, Dense(2, "softmax")], input_shape=(5, 3), seed=0, dtype="float64")


def _data(m: int = 4, T: int = 5) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    return rng.standard_normal((m, T, 3)), np.eye(2)[:, rng.integers(0, 2, m)]


def _gru_reset_after(units: int, return_sequences: bool = False) -> GRU:
    return GRU(units, return_sequences=return_sequences, reset_after=True)


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU, _gru_reset_after])
@pytest.mark.parametrize("return_sequences", [False, True])
def test_backpropagation_through_time_matches_finite_differences(
    layer_cls, return_sequences: bool
) -> None:  # type: ignore[no-untyped-def]
    model = _model(layer_cls, return_sequences)
    X, Y = model.check_data(*_data())
    check = nndl.gradient_check(model, X, Y, epsilon=1e-6)
    assert list(check.per_parameter) == list(model.params)
    for key, error in check.per_parameter.items():
        assert error < 1e-7, key


def test_the_lstm_layer_is_the_courses_lstm() -> None:
    layer = LSTM(5, return_sequences=True)
    layer.build((6, 3), np.random.RandomState(0), "float64")
    W, b, n = layer.params["W"], layer.params["b"], 5
    p = {f"W{g}": W[k * n : (k + 1) * n] for k, g in enumerate("fico")}
    p.update({f"b{g}": b[k * n : (k + 1) * n] for k, g in enumerate("fico")})
    p["Wy"], p["by"] = np.zeros((2, n)), np.zeros((2, 1))
    X = np.random.default_rng(2).standard_normal((4, 6, 3))  # (m, T_x, n_x)
    A, _ = layer.forward(X, True, None)
    a, _, _, _ = course.lstm_forward(X.transpose(2, 0, 1), np.zeros((n, 4)), p)  # (n_x, m, T_x)
    np.testing.assert_allclose(A, a.transpose(1, 2, 0), atol=1e-14)


def test_pytorch_gives_the_same_rnn_and_lstm() -> None:
    torch = pytest.importorskip("torch")
    X = np.random.default_rng(3).standard_normal((4, 6, 3))
    for layer_cls, torch_cls, order in (
        (SimpleRNN, torch.nn.RNN, "a"),
        (LSTM, torch.nn.LSTM, "ifco"),
    ):
        layer = layer_cls(5, return_sequences=True)
        layer.build((6, 3), np.random.RandomState(1), "float64")
        W, b, n = layer.params["W"], layer.params["b"], 5
        rows = {
            g: slice(k * n, (k + 1) * n) for k, g in enumerate("fico" if layer_cls is LSTM else "a")
        }
        net = torch_cls(3, n, batch_first=True).double()
        with torch.no_grad():  # PyTorch's gate order: i, f, g (= c̃), o; W_hh on a, W_ih on x
            net.weight_hh_l0.copy_(torch.tensor(np.vstack([W[rows[g], :n] for g in order])))
            net.weight_ih_l0.copy_(torch.tensor(np.vstack([W[rows[g], n:] for g in order])))
            net.bias_ih_l0.copy_(torch.tensor(np.concatenate([b[rows[g], 0] for g in order])))
            net.bias_hh_l0.zero_()
        x = torch.tensor(X, requires_grad=True)
        out, _ = net(x)
        A, cache = layer.forward(X, True, None)
        np.testing.assert_allclose(A, out.detach().numpy(), atol=1e-12)
        G = np.random.default_rng(4).standard_normal(A.shape)
        out.backward(torch.tensor(G))
        dX, grads = layer.backward(G, cache)
        np.testing.assert_allclose(dX, x.grad.numpy(), atol=1e-11)
        # the layer's gradients carry the cost's 1/m
        dW_hh = np.vstack([grads["W"][rows[g], :n] for g in order]) * 4
        np.testing.assert_allclose(dW_hh, net.weight_hh_l0.grad.numpy(), atol=1e-11)


def test_shapes_and_names() -> None:
    model = _model(LSTM)
    assert [layer.output_shape for layer in model.layers] == [(5, 4), (3,), (2,)]
    assert model.params["W1"].shape == (16, 7) and model.params["W2"].shape == (12, 7)
    gru = _model(GRU)
    assert gru.params["W1"].shape == (12, 7) and gru.params["b1"].shape == (12, 1)
    assert "lstm 4, every step" in model.summary()


def test_pytorch_gives_the_same_gru_with_reset_after() -> None:
    torch = pytest.importorskip("torch")
    X = np.random.default_rng(5).standard_normal((4, 6, 3))
    layer = GRU(5, return_sequences=True, reset_after=True)
    layer.build((6, 3), np.random.RandomState(2), "float64")
    n = 5
    layer.params["b"] = np.random.default_rng(6).standard_normal((3 * n, 1))
    layer.params["bh"] = np.random.default_rng(7).standard_normal((n, 1))
    W, b, bh = layer.params["W"], layer.params["b"], layer.params["bh"]
    r, u, c = slice(0, n), slice(n, 2 * n), slice(2 * n, 3 * n)
    gru = torch.nn.GRU(3, n, batch_first=True).double()
    # PyTorch stacks r, z, n; its z keeps the old state, so z = 1 − Γ_u = σ(−(Wu·+bu))
    with torch.no_grad():
        gru.weight_ih_l0.copy_(torch.tensor(np.vstack([W[r, n:], -W[u, n:], W[c, n:]])))
        gru.weight_hh_l0.copy_(torch.tensor(np.vstack([W[r, :n], -W[u, :n], W[c, :n]])))
        gru.bias_ih_l0.copy_(torch.tensor(np.concatenate([b[r, 0], -b[u, 0], b[c, 0]])))
        gru.bias_hh_l0.copy_(torch.tensor(np.concatenate([np.zeros(2 * n), bh[:, 0]])))
    x = torch.tensor(X, requires_grad=True)
    out, _ = gru(x)
    A, cache = layer.forward(X, True, None)
    np.testing.assert_allclose(A, out.detach().numpy(), atol=1e-12)
    G = np.random.default_rng(8).standard_normal(A.shape)
    out.backward(torch.tensor(G))
    dX, grads = layer.backward(G, cache)
    np.testing.assert_allclose(dX, x.grad.numpy(), atol=1e-11)
    np.testing.assert_allclose(
        grads["bh"][:, 0] * 4, gru.bias_hh_l0.grad.numpy()[2 * n :], atol=1e-11
    )


def test_an_embedding_feeds_tokens_to_an_lstm() -> None:
    from nndl.errors import NNDLTypeError, NNDLValueError
    from nndl.model.layers import Embedding

    def make() -> Sequential:
        return Sequential([Embedding(7, 4), LSTM(3), Dense(1, "sigmoid")], input_shape=(5,),
                          seed=0, dtype="float64")  # fmt: skip

    model = make()
    assert model.params["E1"].shape == (4, 7) and not model.columns and model.example_axis == 0
    tokens = np.random.default_rng(0).integers(0, 7, size=(6, 5))
    Y = (np.random.default_rng(1).random((1, 6)) > 0.5).astype(float)
    X, Y = model.check_data(tokens, Y)
    AL, caches = model.forward_pass(X)
    e = caches[0]
    assert AL.shape == (1, 6) and e.shape == (30,)
    A1, _ = model.layers[0].forward(X, True, None)
    np.testing.assert_array_equal(A1[2, 3], model.params["E1"][:, tokens[2, 3]])  # e_j = E o_j
    grads = model.backward_pass(AL, Y, caches)
    check = nndl.gradient_check(model, tokens, Y, epsilon=1e-6)  # the tokens stay integers
    np.testing.assert_allclose(check.approx["dE1"], grads["dE1"], rtol=0, atol=1e-8)
    unused = sorted(set(range(7)) - set(tokens.ravel().tolist()))
    assert all(np.all(grads["dE1"][:, j] == 0) for j in unused)  # no token, no gradient
    with pytest.raises(NNDLValueError, match=r"\[0, 7\)"):
        make().check_X(np.full((2, 5), 7))
    with pytest.raises(NNDLTypeError, match="integer token indices"):
        make().check_X(np.zeros((2, 5)))


@pytest.mark.parametrize("layer_cls", [SimpleRNN, LSTM, GRU])
def test_a_first_layer_leaves_out_the_datas_gradient(layer_cls) -> None:  # type: ignore[no-untyped-def]
    model = _model(layer_cls)
    assert model.layers[0].first and not model.layers[1].first
    X, _ = _data()
    A, cache = model.layers[0].forward(X, True, None)
    G = np.random.default_rng(9).standard_normal(A.shape)
    dX_first, grads_first = model.layers[0].backward(G, cache)
    model.layers[0].first = False
    dX, grads = model.layers[0].backward(G, cache)
    assert dX_first is None and dX.shape == X.shape
    for k, g in grads.items():
        np.testing.assert_allclose(grads_first[k], g, rtol=0, atol=1e-14)
