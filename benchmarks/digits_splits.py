"""What ``cnn_digits.py`` and ``rnn_digits.py`` share: scikit-learn's digits, nndl's dense
network beside the model under test, and the stratified splits every model is scored on."""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import StratifiedKFold

from nndl.estimators import NeuralNetClassifier

Models = dict[str, tuple[Callable[[int, int], Any], bool]]
"""Each model's name, its maker ``(epochs, seed) -> estimator`` and whether it takes the
shaped digits (True) or the 64 pixels in a row (False)."""


def dense(epochs: int, seed: int) -> Any:
    """nndl's dense network, 64 ReLU units, Adam 0.005 in batches of 64."""
    return NeuralNetClassifier(
        (64,), activation="relu", learning_rate=0.005, batch_size=64, epochs=epochs,
        random_state=seed,
    )  # fmt: skip


def arguments(doc: str, epochs: int) -> argparse.Namespace:
    """``--splits``, ``--epochs`` and ``--quick`` (2 splits, 2 epochs, 400 examples)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--quick", action="store_true", help="2 splits, 2 epochs, 400 examples")
    args = parser.parse_args()
    if args.quick:
        args.splits, args.epochs = 2, 2
    return args


def digits(quick: bool) -> tuple[np.ndarray, np.ndarray]:
    """The 8×8 pictures ÷ 16 ``(m, 8, 8)`` and their labels (the first 400 with ``quick``)."""
    data = load_digits()
    images, y = data.images / 16.0, data.target
    return (images[:400], y[:400]) if quick else (images, y)


def score_on_splits(
    models: Models,
    shaped: np.ndarray,
    y: np.ndarray,
    args: argparse.Namespace,
    title: str,
    parameters: Callable[[Any], int] | None = None,
) -> None:
    """Each model fitted and scored on the same ``StratifiedKFold(args.splits, shuffle=True,
    random_state=0)`` splits; printed: each split's test accuracy, then each model's mean
    and standard deviation (and its ``parameters``, when given) and fit time."""
    flat = shaped.reshape(len(shaped), -1)
    folds = StratifiedKFold(n_splits=args.splits, shuffle=True, random_state=0)
    width = max(len(name) for name in models)
    scores: dict[str, list[float]] = {name: [] for name in models}
    seconds: dict[str, float] = dict.fromkeys(models, 0.0)
    sizes: dict[str, str] = dict.fromkeys(models, "")
    for k, (train, test) in enumerate(folds.split(flat, y), start=1):
        for name, (make, takes_shaped) in models.items():
            X = shaped if takes_shaped else flat
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model = make(args.epochs, k).fit(X[train], y[train])
            seconds[name] += time.perf_counter() - start
            if parameters is not None:
                sizes[name] = f"{parameters(model):,} parameters   "
            scores[name].append(float(model.score(X[test], y[test])))
            print(f"split {k} {name:{width}s} test accuracy {scores[name][-1]:.4f}", flush=True)
    print(f"{title}, {args.splits} stratified splits, {args.epochs} epochs:")
    for name, values in scores.items():
        spread = statistics.stdev(values) if len(values) > 1 else 0.0
        print(
            f"{name:{width}s} mean {np.mean(values):.4f} ± {spread:.4f}   {sizes[name]}"
            f"(fit {seconds[name] / len(values):.2f} s per split)"
        )
