"""Sequences of different lengths: a padded batch is each example run alone at its length."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import nndl
from nndl.errors import NNDLValueError
from nndl.layers import GRU, LSTM, Dense, Embedding, Layer, Masking, Sequential, SimpleRNN

LENGTHS = [5, 2, 4, 1, 3]  # T_x = 5; the padding is after each sequence
T_X, N_X = 5, 3


def _gru_reset_after(units: int, return_sequences: bool = False) -> GRU:
    return GRU(units, return_sequences=return_sequences, reset_after=True)


RECURRENT = [SimpleRNN, LSTM, GRU, _gru_reset_after]
Cell = Callable[..., Layer]


def _padded(pad: float = 0.0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(4)
    X = np.full((len(LENGTHS), T_X, N_X), pad)
    for i, T_i in enumerate(LENGTHS):
        X[i, :T_i] = rng.standard_normal((T_i, N_X))
    Y = np.eye(2)[:, rng.integers(0, 2, len(LENGTHS))]
    return X, Y


def _stack(cell: Cell, T: int, stacked: bool, pad: float = 0.0) -> Sequential:
    layers: list[Layer] = [Masking(pad)]
    if stacked:
        layers.append(cell(4, return_sequences=True))
    layers += [cell(3), Dense(2, "softmax")]
    return Sequential(layers, input_shape=(T, N_X), seed=0, dtype="float64")


def _alone(model: Sequential, make: Callable[[int], Sequential]) -> list[tuple[Sequential, int]]:
    """A model per example, at that example's own length, with the padded model's weights."""
    out = []
    for T_i in LENGTHS:
        single = make(T_i)
        single.params = {k: np.array(v) for k, v in model.params.items()}
        out.append((single, T_i))
    return out


def _same_as_alone(model: Sequential, X: np.ndarray, Y: np.ndarray, make) -> None:  # type: ignore[no-untyped-def]
    m = X.shape[0]
    J, grads = model.gradients(X, Y)
    AL = model.predict_proba(X)
    J_alone, grads_alone = 0.0, {k: np.zeros_like(g) for k, g in grads.items()}
    for i, (single, T_i) in enumerate(_alone(model, make)):
        x_i, y_i = X[i : i + 1, :T_i], Y[:, i : i + 1]
        np.testing.assert_allclose(AL[:, i : i + 1], single.predict_proba(x_i), rtol=0, atol=1e-12)
        J_i, g_i = single.gradients(x_i, y_i)
        J_alone += J_i / m  # J = (1/m) Σ L: the mean of the examples' own costs
        for k in grads_alone:
            grads_alone[k] += g_i[k] / m
    assert abs(J - J_alone) < 1e-12
    for k, g in grads.items():
        np.testing.assert_allclose(g, grads_alone[k], rtol=0, atol=1e-12, err_msg=k)


@pytest.mark.parametrize("cell", RECURRENT)
@pytest.mark.parametrize("stacked", [False, True])
def test_a_padded_batch_is_each_example_alone(cell: Cell, stacked: bool) -> None:
    model = _stack(cell, T_X, stacked)
    _same_as_alone(model, *_padded(), lambda T: _stack(cell, T, stacked))


@pytest.mark.parametrize("cell", [LSTM, GRU])
def test_the_padding_value_is_any_number(cell: Cell) -> None:
    model = _stack(cell, T_X, True, pad=-1.0)
    _same_as_alone(model, *_padded(pad=-1.0), lambda T: _stack(cell, T, True, pad=-1.0))


@pytest.mark.parametrize("cell", RECURRENT)
def test_embedding_with_mask_zero_is_each_sentence_alone(cell: Cell) -> None:
    rng = np.random.default_rng(5)
    X = np.zeros((len(LENGTHS), T_X), dtype=np.int64)  # token 0 pads
    for i, T_i in enumerate(LENGTHS):
        X[i, :T_i] = rng.integers(1, 9, T_i)
    Y = np.eye(2)[:, rng.integers(0, 2, len(LENGTHS))]

    def make(T: int) -> Sequential:
        layers = [Embedding(9, 4, mask_zero=True), cell(3, return_sequences=True), cell(3)]
        return Sequential([*layers, Dense(2, "softmax")], input_shape=(T,), seed=0, dtype="float64")

    _same_as_alone(make(T_X), X, Y, make)


def test_a_padded_step_keeps_the_state() -> None:
    model = _stack(LSTM, T_X, False)
    layer = LSTM(3, return_sequences=True)
    layer.build((T_X, N_X), np.random.default_rng(0), "float64")
    X, _ = _padded()
    mask = Masking().compute_mask(X, None)
    assert mask is not None and mask.sum(axis=1).tolist() == LENGTHS
    states, _ = layer.forward_masked(X, False, None, mask)
    for i, T_i in enumerate(LENGTHS):  # a⟨t⟩ = a⟨T_i⟩ for every t past the example's length
        np.testing.assert_array_equal(
            states[i, T_i:], np.repeat(states[i, T_i - 1 : T_i], T_X - T_i, 0)
        )
    assert model.layers[1].compute_mask(X, mask) is None  # the last state alone: no mask goes on


@pytest.mark.parametrize("cell", RECURRENT)
def test_finite_differences_hold_with_masks(cell: Cell) -> None:
    model = _stack(cell, T_X, True)
    X, Y = model.check_data(*_padded())
    check = nndl.gradient_check(model, X, Y, epsilon=1e-6)
    assert list(check.per_parameter) == list(model.params)
    for key, error in check.per_parameter.items():
        assert error < 1e-7, key


def test_a_masked_model_trains_saves_and_loads(tmp_path: Path) -> None:
    X, Y = _padded()
    model = _stack(GRU, T_X, True)
    history = model.fit(X, Y, 0.5, 30, optimizer="adam")
    assert history[-1] < history[0]
    path = tmp_path / "masked.npz"
    nndl.io.save(model, path)
    loaded = nndl.load(path)
    assert isinstance(loaded.layers[0], Masking)
    np.testing.assert_array_equal(loaded.predict_proba(X), model.predict_proba(X))
    tokens = Sequential(
        [Embedding(9, 2, mask_zero=True), SimpleRNN(2), Dense(1, "sigmoid")], input_shape=(4,)
    )
    nndl.io.save(tokens, tmp_path / "tokens.npz")
    assert nndl.load(tmp_path / "tokens.npz").layers[0].mask_zero  # type: ignore[union-attr]


def test_masking_is_refused_before_vectors() -> None:
    with pytest.raises(NNDLValueError, match=r"Masking layer takes sequences \(T_x, n_x\)"):
        Sequential([Masking(), Dense(1, "sigmoid")], input_shape=(4,))
    with pytest.raises(NNDLValueError, match="mask_value must be a number"):
        Masking("zero")  # type: ignore[arg-type]
