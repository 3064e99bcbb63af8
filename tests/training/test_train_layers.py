"""Layers past dense plug into the one training loop: fit, mini-batches, optimizers,
validation, callbacks, checkpoints and resume, as a dense network does."""

from __future__ import annotations

import numpy as np
import pytest

import nndl
from nndl.errors import NNDLValueError
from nndl.layers import (
    LSTM,
    BatchNorm,
    Conv2D,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    MaxPool2D,
    Sequential,
)


def _stripes(m: int = 64, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """8×8 one-channel pictures: a bright vertical stripe (1) or a horizontal one (0)."""
    rng = np.random.default_rng(seed)
    X = 0.3 * rng.standard_normal((m, 8, 8, 1))
    y = rng.integers(0, 2, m)
    for i in range(m):
        k = rng.integers(1, 7)
        if y[i]:
            X[i, :, k, 0] += 2.0
        else:
            X[i, k, :, 0] += 2.0
    return X, y.reshape(1, -1).astype(float)


def _convnet(seed: int = 0) -> Sequential:
    return Sequential(
        [Conv2D(4, 3, pad="same", activation="relu"), BatchNorm(), MaxPool2D(2), Flatten(),
         Dropout(0.1), Dense(1, "sigmoid")],
        input_shape=(8, 8, 1), seed=seed, dtype="float64",
    )  # fmt: skip


def test_a_convnet_learns_the_stripes_with_mini_batches_and_adam() -> None:
    X, Y = _stripes()
    model = _convnet()
    history = model.fit(X, Y, learning_rate=0.01, epochs=30, batch_size=16, optimizer="adam",
                        validation_split=0.25, seed=1)  # fmt: skip
    assert len(history) == 30 and history[-1] < 0.5 * history[0]
    assert "val_cost" in history.history and history.history["val_accuracy"][-1] >= 0.8
    X_test, Y_test = _stripes(m=40, seed=5)
    assert model.accuracy(X_test, Y_test) >= 0.85


def test_the_same_seed_gives_the_same_run_and_resume_continues_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    X, Y = _stripes(m=32)
    options = {"batch_size": 8, "optimizer": "momentum", "seed": 3}
    a, b = _convnet(), _convnet()
    costs_a = a.fit(X, Y, 0.05, 6, **options)
    costs_b = b.fit(X, Y, 0.05, 6, **options)
    assert list(costs_a) == list(costs_b)
    c = _convnet()
    c.fit(X, Y, 0.05, 3, checkpoint=tmp_path / "ckpt", **options)
    resumed = _convnet(seed=9)  # other weights: the checkpoint's replace them
    costs_c = resumed.fit(X, Y, 0.05, 6, resume_from=tmp_path / "ckpt", **options)
    assert list(costs_c) == list(costs_a)
    for key, value in a.params.items():
        np.testing.assert_array_equal(resumed.params[key], value)
    np.testing.assert_array_equal(resumed.state["mean2"], a.state["mean2"])


def test_tokens_through_an_embedding_and_an_lstm_learn_a_rule() -> None:
    rng = np.random.default_rng(0)
    tokens = rng.integers(0, 5, size=(120, 6))
    Y = (tokens == 3).any(axis=1).reshape(1, -1).astype(float)  # does token 3 occur?
    model = Sequential([Embedding(5, 4), LSTM(6), Dense(1, "sigmoid")], input_shape=(6,),
                       seed=0, dtype="float64")  # fmt: skip
    history = model.fit(tokens, Y, learning_rate=0.05, epochs=60, batch_size=20, optimizer="adam")
    assert history[-1] < 0.35 and model.accuracy(tokens, Y) > 0.9


def test_saved_after_training_and_loaded_it_predicts_the_same(tmp_path) -> None:  # type: ignore[no-untyped-def]
    X, Y = _stripes(m=32)
    model = _convnet()
    model.fit(X, Y, 0.05, 3, batch_size=8)
    again = nndl.load(model.save(tmp_path / "convnet"))
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))


def test_options_a_sequential_model_does_not_take_are_explained() -> None:
    X, Y = _stripes(m=16)
    with pytest.raises(NNDLValueError, match="Dropout"):
        _convnet().fit(X, Y, 0.1, 1, dropout=0.5)
