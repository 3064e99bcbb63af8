"""Sequence-to-sequence models: a Dense layer at every time step, the cost summed over each
sequence's real steps, checked by finite differences, each example alone, and training."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import nndl
from nndl.errors import ShapeError
from nndl.layers import GRU, LSTM, Dense, Layer, Masking, Sequential, SimpleRNN
from nndl.model.layers.recurrent import Recurrent
from nndl.model.layers.spec import parse


def _gru_reset_after(units: int, **options: bool) -> GRU:
    return GRU(units, reset_after=True, **options)


CELLS: list[Callable[..., Recurrent]] = [SimpleRNN, LSTM, GRU, _gru_reset_after]
LENGTHS = {1: [1, 0, 1, 1], 2: [2, 1, 0, 2], 7: [7, 3, 1, 5]}
N_X, M = 3, 4


def _seq2seq(cell: Callable[..., Recurrent], T: int, masked: bool, output: str) -> Sequential:
    layers: list[Layer] = [Masking()] if masked else []
    layers += [
        cell(4, return_sequences=True),
        Dense(3, "tanh"),  # a hidden layer at every step, into the next recurrent layer
        cell(3, return_sequences=True),
        Dense(2 if output == "softmax" else 1, output),
    ]
    return Sequential(layers, input_shape=(T, N_X), seed=0, dtype="float64")


def _data(T: int, masked: bool, output: str, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed + T)
    X = rng.standard_normal((M, T, N_X))
    if masked:
        for i, T_i in enumerate(LENGTHS[T]):
            X[i, T_i:] = 0.0
    labels = rng.integers(0, 2, (M, T))
    Y = np.eye(2)[labels].transpose(2, 0, 1) if output == "softmax" else labels[None] * 1.0
    return X, Y


@pytest.mark.parametrize("T", [1, 2, 7])
@pytest.mark.parametrize("masked", [False, True])
@pytest.mark.parametrize("cell", CELLS)
@pytest.mark.parametrize("output", ["softmax", "sigmoid"])
def test_every_step_outputs_match_finite_differences(
    cell: Callable[..., Recurrent], masked: bool, T: int, output: str
) -> None:
    model = _seq2seq(cell, T, masked, output)
    assert model.sequence_output and model.n_y == (2 if output == "softmax" else 1)
    X, Y = model.check_data(*_data(T, masked, output))
    check = nndl.gradient_check(model, X, Y, epsilon=1e-6)
    assert list(check.per_parameter) == list(model.params)
    assert check.relative_error < 1e-7
    for key, error in check.per_parameter.items():  # a small gradient's own error is noisier
        assert error < 1e-6, key


@pytest.mark.parametrize("cell", CELLS)
def test_a_padded_batch_costs_what_each_sequence_costs_alone(
    cell: Callable[..., Recurrent],
) -> None:
    X, Y = _data(7, True, "softmax")
    model = _seq2seq(cell, 7, True, "softmax")
    J, grads = model.gradients(X, Y)
    AL = model.predict_proba(X)
    assert AL.shape == (2, M, 7)
    J_alone, grads_alone = 0.0, {k: np.zeros_like(g) for k, g in grads.items()}
    for i, T_i in enumerate(LENGTHS[7]):  # J = (1/m) Σ_i (Σ_t over the real steps of L)
        single = _seq2seq(cell, T_i, False, "softmax")
        single.params = {k: np.array(v) for k, v in model.params.items()}
        x_i, y_i = X[i : i + 1, :T_i], Y[:, i : i + 1, :T_i]
        np.testing.assert_allclose(AL[:, i : i + 1, :T_i], single.predict_proba(x_i), atol=1e-12)
        J_i, g_i = single.gradients(x_i, y_i)
        J_alone += J_i / M
        for k in grads_alone:
            grads_alone[k] += g_i[k] / M
    assert abs(J - J_alone) < 1e-12
    for k, g in grads.items():
        np.testing.assert_allclose(g, grads_alone[k], rtol=0, atol=1e-12, err_msg=k)


def test_the_cost_sums_each_sequences_steps() -> None:
    X, Y = _data(7, False, "sigmoid")
    model = _seq2seq(LSTM, 7, False, "sigmoid")
    AL = model.predict_proba(X)
    L = -(Y * np.log(AL) + (1 - Y) * np.log(1 - AL))  # the logistic loss at each step
    assert abs(model.cost(X, Y) - L.sum() / M) < 1e-12


def test_a_dense_layer_on_sequences_is_the_same_dense_layer_at_each_step() -> None:
    layer = Dense(5, "relu")
    layer.build((6, N_X), np.random.default_rng(0), "float64")
    assert layer.output_shape == (6, 5) and layer.describe() == "dense 5 relu, every step"
    X = np.random.default_rng(1).standard_normal((M, 6, N_X))
    A, cache = layer.forward(X, True, None)
    assert A.shape == (M, 6, 5) and cache.Z.shape == (5, M, 6)
    for t in range(6):  # x⟨t⟩ as the course's columns (n_x, m)
        np.testing.assert_allclose(
            A[:, t, :].T, np.maximum(layer.params["W"] @ X[:, t, :].T + layer.params["b"], 0)
        )
    with pytest.raises(nndl.errors.NNDLValueError, match=r"vectors \(n,\) or sequences"):
        Dense(2).build((4, 4, 3), np.random.default_rng(0), "float64")


def _up_or_down(m: int, T: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Each step's class: 1 when x⟨t⟩ exceeds x⟨t−1⟩ (a step needs the one before it)."""
    x = np.random.default_rng(seed).standard_normal((m, T, 1))
    labels = np.zeros((m, T), dtype=np.int64)
    labels[:, 1:] = x[:, 1:, 0] > x[:, :-1, 0]
    return x, labels


def test_a_sequence_to_sequence_model_trains_saves_and_loads(tmp_path: Path) -> None:
    X, labels = _up_or_down(200, 8, 0)
    model = Sequential([GRU(8, return_sequences=True), Dense(2, "softmax")], input_shape=(8, 1),
                       seed=0)  # fmt: skip
    history = model.fit(X, labels, 0.02, 60, optimizer="adam", batch_size=50)
    assert history[-1] < 0.5 * history[0]
    X_test, labels_test = _up_or_down(100, 8, 1)
    assert model.accuracy(X_test, labels_test) > 0.9
    predicted = model.predict(X_test)
    assert predicted.shape == (1, 100, 8)
    assert np.mean(predicted[0] == labels_test) == pytest.approx(
        model.accuracy(X_test, labels_test)
    )
    path = tmp_path / "seq2seq.npz"
    nndl.io.save(model, path)
    loaded = nndl.load(path)
    np.testing.assert_array_equal(loaded.predict_proba(X_test), model.predict_proba(X_test))
    assert "dense 2 softmax, every step" in loaded.summary()


def test_the_accuracy_counts_the_real_steps_only() -> None:
    X, Y = _data(7, True, "softmax")
    model = _seq2seq(GRU, 7, True, "softmax")
    AL = model.predict_proba(X)
    real = np.arange(7)[None, :] < np.array(LENGTHS[7])[:, None]  # (m, T_x)
    hits = AL.argmax(axis=0) == Y.argmax(axis=0)
    assert model.accuracy(X, Y) == pytest.approx(hits[real].mean())
    Y_padded = Y.copy()
    Y_padded[:, ~real] = 1.0 - Y_padded[:, ~real]  # other targets where padded change nothing
    assert model.accuracy(X, Y_padded) == pytest.approx(hits[real].mean())
    assert model.cost(X, Y_padded) == pytest.approx(model.cost(X, Y), abs=1e-12)


def test_targets_of_the_wrong_shape_say_which_is_expected() -> None:
    model = _seq2seq(LSTM, 5, False, "softmax")
    X, Y = _data(5, False, "softmax")
    with pytest.raises(ShapeError, match=r"\(n_y, m, T_x\) = \(2, 4, 5\).*transpose\(2, 0, 1\)"):
        model.check_data(X, Y.transpose(1, 2, 0))
    labels = Y.argmax(axis=0)  # (m, T_x) integer labels become one-hot steps
    np.testing.assert_array_equal(model.check_data(X, labels)[1], Y)


def test_the_layer_grammar_puts_a_dense_layer_at_every_step() -> None:
    model = Sequential(parse("lstm:6:seq,dense:3:softmax"), input_shape=(5, N_X), seed=0)
    assert model.sequence_output and model.layers[-1].output_shape == (5, 3)
    assert model.predict_proba(np.zeros((2, 5, N_X))).shape == (3, 2, 5)
