"""Data sets: the course's flower, the other generators, the split."""

from __future__ import annotations

import numpy as np
import pytest

from nndl import NNDLValueError, datasets


def test_planar_is_the_course_flower() -> None:
    X, Y = datasets.load_planar()
    assert X.shape == (2, 400) and Y.shape == (1, 400)
    assert set(np.unique(Y)) == {0, 1} and Y.sum() == 200
    # the notebook's first point (np.random.seed(1), same draws in the same order)
    np.testing.assert_allclose(X[:, 0], [1.20444229, 3.57611415], atol=1e-8)
    r = np.hypot(X[0], X[1])
    assert r.max() < 5.5  # petals of r = 4 sin(4t) plus noise


@pytest.mark.parametrize("name", list(datasets.GENERATORS))
def test_generators(name: str) -> None:
    X, Y = datasets.load(name)
    assert X.ndim == 2 and X.shape[0] == 2 and Y.shape == (1, X.shape[1])
    assert X.dtype == np.float64 and np.issubdtype(Y.dtype, np.integer)
    assert np.all(np.isfinite(X))
    classes, counts = np.unique(Y, return_counts=True)
    assert classes[0] == 0 and len(classes) >= 2
    assert counts.min() >= 0.3 * counts.max()  # roughly balanced
    X2, Y2 = datasets.load(name)
    np.testing.assert_array_equal(X, X2)
    np.testing.assert_array_equal(Y, Y2)
    X3, _ = datasets.load(name, seed=123)
    assert not np.array_equal(X, X3)


def test_options_and_names() -> None:
    X, Y = datasets.load("spiral", m=90, classes=3)
    assert X.shape == (2, 90) and set(np.unique(Y)) == {0, 1, 2}
    X, Y = datasets.load("noisy-moons", m=50)
    assert X.shape == (2, 50)
    with pytest.raises(NNDLValueError, match="built-in ones are: planar, moons"):
        datasets.load("mnist")
    with pytest.raises(NNDLValueError, match="even"):
        datasets.load_planar(m=3)


def test_xor_labels_follow_the_signs() -> None:
    X, Y = datasets.make_xor(m=400, noise=0.0)
    np.testing.assert_array_equal(Y[0], (X[0] > 0) ^ (X[1] > 0))


def test_train_test_split() -> None:
    X, Y = datasets.load_planar()
    X_tr, _, X_te, Y_te = datasets.train_test_split(X, Y, test_size=0.25, seed=0)
    assert X_tr.shape == (2, 300) and X_te.shape == (2, 100) and Y_te.shape == (1, 100)
    together = np.hstack([X_tr, X_te])
    assert sorted(map(tuple, together.T)) == sorted(map(tuple, X.T))
    again = datasets.train_test_split(X, Y, test_size=0.25, seed=0)
    np.testing.assert_array_equal(again[2], X_te)
    other = datasets.train_test_split(X, Y, test_size=0.25, seed=1)
    assert not np.array_equal(other[2], X_te)
    assert datasets.train_test_split(X, Y, test_size=40)[2].shape == (2, 40)
    for bad in (0.0, 1.0, 400, "a"):
        with pytest.raises(NNDLValueError, match="test_size"):
            datasets.train_test_split(X, Y, test_size=bad)  # type: ignore[arg-type]
    with pytest.raises(NNDLValueError, match="same m"):
        datasets.train_test_split(X, Y[:, :10])
