"""Estimators train without copying the data: fit's peak is the data plus a bounded working set
(the data passed in is not counted; the bound is the data's size again, so at most 2× in all)."""

from __future__ import annotations

import tracemalloc
import warnings
from typing import Any

import numpy as np
import pytest

pytest.importorskip("sklearn")

import nndl


def _peak_extra(estimator: Any, X: np.ndarray, y: np.ndarray) -> float:
    """The peak of what ``fit`` allocates, as a multiple of the data's size."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning after one epoch
        tracemalloc.start()
        try:
            estimator.fit(X, y)
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
    return peak / X.nbytes


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize(
    "make",
    [
        lambda dt: nndl.MLPClassifier((16,), max_iter=1, random_state=0),
        lambda dt: nndl.MLPClassifier((16,), solver="lbfgs", max_iter=3, random_state=0),
        lambda dt: nndl.MLPClassifier((16,), solver="sgd", max_iter=1, shuffle=False),
        lambda dt: nndl.NeuralNetClassifier((16,), epochs=1, batch_size=256, dtype=dt),
        lambda dt: nndl.NeuralNetClassifier((16,), epochs=2, dtype=dt),  # full batch
    ],
    ids=["adam", "lbfgs", "sgd-in-order", "course-mini-batch", "course-full-batch"],
)
def test_fit_allocates_less_than_the_data_again(make: Any, dtype: str) -> None:
    rng = np.random.default_rng(0)
    X = rng.standard_normal((6000, 500)).astype(dtype)  # 12 or 24 MB
    y = (X[:, 0] + X[:, 1] > 0).astype(int)
    assert _peak_extra(make(dtype), X, y) < 1.0


def test_predict_works_in_chunks() -> None:
    """predict's peak is the answer plus a bounded working set, whatever m is: a (60000, 400)
    float64 input through 256 hidden units would need 123 MB of activations at once."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60_000, 400))
    y = (X[:, 0] > 0).astype(int)
    clf = nndl.MLPClassifier((256,), max_iter=1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X[:2000], y[:2000])
    tracemalloc.start()
    try:
        proba = clf.predict_proba(X)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert proba.shape == (60_000, 2)
    assert peak < 0.2 * X.nbytes  # 192 MB of data; the activations of all rows would be 123 MB
