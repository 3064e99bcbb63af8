"""``NeuralNetClassifier(layers=[...])`` and the regressor: pictures ``(m, H, W, C)`` in,
predictions out, and scikit-learn's ``clone``/``get_params`` round-trip."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.base import clone
from sklearn.datasets import load_digits
from sklearn.model_selection import cross_val_score
from sklearn.utils.estimator_checks import parametrize_with_checks

from nndl.errors import NNDLTypeError, NNDLValueError
from nndl.estimators import NeuralNetClassifier, NeuralNetRegressor
from nndl.layers import Activation, Conv2D, Dense, Flatten, MaxPool2D, Sequential


def _digits() -> tuple[np.ndarray, np.ndarray]:
    digits = load_digits()
    return (digits.images / 16.0)[..., None], digits.target


def _cnn() -> list[Any]:
    return [Conv2D(4, 3), Activation("relu"), MaxPool2D(2), Flatten()]


FAST = {"epochs": 60, "learning_rate": 0.01, "random_state": 0}
OPTIONS = {"epochs": 8, "learning_rate": 0.01, "batch_size": 64, "random_state": 0}


def test_classifier_takes_pictures() -> None:
    X, y = _digits()
    layers = _cnn()
    est = NeuralNetClassifier(layers=layers, **OPTIONS).fit(X[:1200], y[:1200])
    assert isinstance(est.network_, Sequential)
    assert est.network_.input_shape == (8, 8, 1)
    assert est.network_.layers[-1].activation.name == "softmax"
    assert est.score(X[1200:], y[1200:]) > 0.75
    proba = est.predict_proba(X[:5])
    assert proba.shape == (5, 10) and np.allclose(proba.sum(axis=1), 1.0)
    assert set(est.predict(X[1200:])) <= set(est.classes_)
    assert all(not layer.params for layer in layers)  # the given layers stay unbuilt


def test_two_classes_and_the_regressor() -> None:
    X, y = _digits()
    binary = NeuralNetClassifier(layers=_cnn(), **OPTIONS).fit(X, np.where(y < 5, "low", "high"))
    assert binary.network_.layers[-1].activation.name == "sigmoid"
    assert binary.predict_proba(X[:3]).shape == (3, 2)
    assert binary.score(X, np.where(y < 5, "low", "high")) > 0.75
    reg = NeuralNetRegressor(layers=_cnn(), **OPTIONS).fit(X, y.astype(float))
    assert reg.network_.layers[-1].activation.name == "linear"
    assert reg.predict(X[:4]).shape == (4,)
    assert reg.score(X, y.astype(float)) > 0.3


def test_clone_get_params_and_configs() -> None:
    X, y = _digits()
    est = NeuralNetClassifier(layers=_cnn(), **OPTIONS)
    copy = clone(est)
    assert [layer.config() for layer in copy.get_params()["layers"]] == [
        layer.config() for layer in est.layers
    ]
    fitted = est.fit(X[:600], y[:600])
    as_configs = NeuralNetClassifier(layers=[layer.config() for layer in _cnn()], **OPTIONS)
    as_configs.fit(X[:600], y[:600])
    np.testing.assert_allclose(
        as_configs.predict_proba(X[600:700]), fitted.predict_proba(X[600:700])
    )
    scores = cross_val_score(clone(est).set_params(epochs=3), X[:600], y[:600], cv=2)
    assert scores.shape == (2,)


def test_vectors_with_layers_and_errors() -> None:
    X, y = _digits()
    flat = X.reshape(len(X), -1)
    est = NeuralNetClassifier(layers=[Dense(16, activation="relu")], **OPTIONS).fit(flat, y)
    assert est.network_.columns and est.score(flat, y) > 0.8
    with pytest.raises(ValueError, match="dim 4"):
        NeuralNetClassifier(epochs=1).fit(X, y)  # pictures need layers=
    with pytest.raises(NNDLTypeError, match="layers must be a list"):
        NeuralNetClassifier(layers="conv", epochs=1).fit(X, y)
    with pytest.raises(NNDLValueError, match="Dropout"):
        NeuralNetClassifier(layers=_cnn(), dropout=0.5, epochs=1).fit(X, y)
    fitted = NeuralNetClassifier(layers=_cnn(), epochs=1).fit(X, y)
    with pytest.raises(ValueError):
        fitted.predict(X[:, :6, :6])


@parametrize_with_checks(
    [
        NeuralNetClassifier(layers=[Dense(16, activation="relu")], **FAST),
        NeuralNetRegressor(layers=[Dense(16, activation="relu")], **FAST),
    ]
)
def test_scikit_learn_checks_with_layers(estimator: Any, check: Any) -> None:
    check(estimator)


def test_the_estimators_take_recurrent_layers_on_sequences() -> None:
    from nndl.layers import GRU, LSTM

    rng = np.random.default_rng(0)
    X = rng.standard_normal((80, 6, 3))  # (m, T, n_x)
    y = (X[:, :, 0].sum(axis=1) > 0).astype(int)  # the sign of a running sum
    for layer in (LSTM(8), GRU(8, reset_after=True)):
        options = {"epochs": 30, "optimizer": "adam", "learning_rate": 0.02, "batch_size": 16}
        clf = NeuralNetClassifier(layers=[layer], random_state=0, **options)
        clf.fit(X, y)
        assert clf.score(X, y) > 0.9 and clf.predict(X[:4]).shape == (4,)
        assert clf.predict_proba(X[:4]).shape == (4, 2)
