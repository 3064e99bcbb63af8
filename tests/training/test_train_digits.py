"""scikit-learn's bundled digits: an MLP 64-64-10 with Adam reaches test accuracy >= 0.97."""

from __future__ import annotations

import numpy as np
import pytest

from nndl.datasets import train_test_split
from nndl.model.network import Network


def test_digits_mlp_with_adam() -> None:
    datasets = pytest.importorskip("sklearn.datasets")
    digits = datasets.load_digits()  # 1,797 images of 8 × 8 pixels, values 0 … 16
    X = (digits.data / 16.0).T  # (64, 1797)
    labels = digits.target.reshape(1, -1)
    X_train, y_train, X_test, y_test = train_test_split(X, labels, test_size=0.25, seed=0)
    assert X_train.shape[1] + X_test.shape[1] == 1797
    net = Network([64, 64, 10], activations="relu", init="he", seed=0)
    history = net.fit(
        X_train, y_train, learning_rate=1e-3, epochs=60, optimizer="adam", batch_size=32, seed=0
    )
    assert history[-1] < 0.1 * history[0]
    accuracy = net.accuracy(X_test, y_test)
    assert accuracy >= 0.97, accuracy
    assert np.mean(net.predict(X_test) == y_test) == accuracy
