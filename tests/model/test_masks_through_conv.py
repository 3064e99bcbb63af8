"""Masks of padded steps through Conv1D and 1-D pooling: an output step is real when its
whole window is, so a padded batch is each sequence alone; layers that would treat the
padding as data are refused when the model is built."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

import nndl
from nndl.errors import NNDLValueError
from nndl.layers import (
    GRU,
    LSTM,
    AvgPool1D,
    BatchNorm,
    Conv1D,
    Dense,
    Embedding,
    Flatten,
    Layer,
    Masking,
    MaxPool1D,
    Sequential,
)
from nndl.model.layers.convolutional import window_mask

T_X = 12
LENGTHS = [12, 7, 9, 10, 8]  # long enough for every window of the stacks below


def _tokens() -> np.ndarray:
    rng = np.random.default_rng(0)
    X = np.zeros((len(LENGTHS), T_X), dtype=np.int64)  # token 0 pads, after each sequence
    for i, T_i in enumerate(LENGTHS):
        X[i, :T_i] = rng.integers(1, 9, T_i)
    return X


def _numbers() -> np.ndarray:
    rng = np.random.default_rng(1)
    X = np.zeros((len(LENGTHS), T_X, 2))
    for i, T_i in enumerate(LENGTHS):
        X[i, :T_i] = rng.standard_normal((T_i, 2))
    return X


def _embedded(T: int) -> Sequential:
    layers = [Embedding(9, 4, mask_zero=True), Conv1D(5, 3, activation="relu"), MaxPool1D(2),
              LSTM(3), Dense(2, "softmax")]  # fmt: skip
    return Sequential(layers, input_shape=(T,), seed=0, dtype="float64")


def _masked(T: int) -> Sequential:
    layers = [Masking(), Conv1D(4, 2, stride=2, activation="tanh"), AvgPool1D(2, 1),
              GRU(3, return_sequences=True), GRU(3), Dense(2, "softmax")]  # fmt: skip
    return Sequential(layers, input_shape=(T, 2), seed=0, dtype="float64")


@pytest.mark.parametrize(("make", "data"), [(_embedded, _tokens), (_masked, _numbers)])
def test_a_padded_batch_through_a_convolution_is_each_sequence_alone(
    make: Callable[[int], Sequential], data: Callable[[], np.ndarray]
) -> None:
    X = data()
    Y = np.eye(2)[:, np.random.default_rng(2).integers(0, 2, len(LENGTHS))]
    model = make(T_X)
    J, grads = model.gradients(X, Y)
    AL = model.predict_proba(X)
    m = len(LENGTHS)
    J_alone, grads_alone = 0.0, {k: np.zeros_like(g) for k, g in grads.items()}
    for i, T_i in enumerate(LENGTHS):
        single = make(T_i)
        single.params = {k: np.array(v) for k, v in model.params.items()}
        x_i, y_i = X[i : i + 1, :T_i], Y[:, i : i + 1]
        np.testing.assert_allclose(AL[:, i : i + 1], single.predict_proba(x_i), atol=1e-12)
        J_i, g_i = single.gradients(x_i, y_i)
        J_alone += J_i / m
        for k in grads_alone:
            grads_alone[k] += g_i[k] / m
    assert abs(J - J_alone) < 1e-12
    for k, g in grads.items():
        np.testing.assert_allclose(g, grads_alone[k], rtol=0, atol=1e-12, err_msg=k)


def test_finite_differences_hold_through_a_masked_convolution() -> None:
    model = _embedded(T_X)
    Y = np.eye(2)[:, np.random.default_rng(3).integers(0, 2, len(LENGTHS))]
    check = nndl.gradient_check(model, _tokens(), Y, epsilon=1e-6)
    assert check.relative_error < 1e-7, check


def test_a_window_is_real_when_all_its_steps_are() -> None:
    mask = np.array([[1, 1, 1, 1, 0, 0], [1, 0, 0, 0, 0, 0]], dtype=bool)
    np.testing.assert_array_equal(
        window_mask(mask, 2, 1, (0, 0), 5), [[1, 1, 1, 0, 0], [0, 0, 0, 0, 0]]
    )
    np.testing.assert_array_equal(window_mask(mask, 2, 2, (0, 0), 3), [[1, 1, 0], [0, 0, 0]])
    # pad="same" (f = 3: one zero each side): the convolution's own padding counts as real
    np.testing.assert_array_equal(
        window_mask(mask, 3, 1, (1, 1), 6), [[1, 1, 1, 0, 0, 0], [0, 0, 0, 0, 0, 0]]
    )
    conv = Conv1D(2, 3, pad="same")
    conv.build((6, 1), np.random.default_rng(0), "float64")
    np.testing.assert_array_equal(
        conv.compute_mask(np.zeros((2, 6, 1)), mask)[0], [1, 1, 1, 0, 0, 0]
    )
    assert conv.compute_mask(np.zeros((2, 6, 1)), None) is None


@pytest.mark.parametrize(
    "layers",
    [
        [Masking(), Flatten(), Dense(1, "sigmoid")],
        [Masking(), Conv1D(2, 2), BatchNorm(), LSTM(2), Dense(1, "sigmoid")],
        [Masking(), LSTM(2, return_sequences=True), MaxPool1D(2), Flatten(), Dense(1, "sigmoid")],
    ],
)
def test_a_layer_that_would_read_the_padding_as_data_is_refused(layers: list[Layer]) -> None:
    with pytest.raises(NNDLValueError, match=r"cannot take the mask of padded steps that Masking"):
        Sequential(layers, input_shape=(6, 2))


def test_the_mask_ends_where_a_recurrent_layer_returns_its_last_state() -> None:
    model = Sequential(
        [
            Embedding(9, 2, mask_zero=True),
            Conv1D(3, 2),
            LSTM(3),
            Dense(4, "relu"),
            Dense(1, "linear"),
        ],
        input_shape=(T_X,),
    )
    assert model.predict_proba(_tokens()).shape == (1, len(LENGTHS))
