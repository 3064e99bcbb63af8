"""A small convolutional network beside dense ones on scikit-learn's digits, as 8×8×1 pictures.

Three classifiers, each on the same 5 stratified splits (``StratifiedKFold``, shuffled,
seed 0), the pixels scaled to [0, 1] (÷ 16):

- ``nndl CNN``: ``NeuralNetClassifier(layers=[Conv2D(16, 3, pad="same"), relu, MaxPool2D(2),
  Conv2D(32, 3, pad="same"), relu, MaxPool2D(2), Flatten()])`` on ``(m, 8, 8, 1)``;
- ``nndl dense``: ``NeuralNetClassifier((64,), activation="relu")`` on ``(m, 64)``;
- ``sklearn MLP``: ``sklearn.neural_network.MLPClassifier((64,))`` on ``(m, 64)``.

Each nndl model trains with Adam (learning rate 0.005, batches of 64) for ``--epochs``
epochs; scikit-learn's MLP with its defaults (Adam, 200 iterations at most).  Printed: each
split's test accuracy, then each model's mean and standard deviation.

    python benchmarks/cnn_digits.py            # 5 splits, 15 epochs
    python benchmarks/cnn_digits.py --quick    # a tiny run (tests/test_benchmark_cnn_digits.py)
"""

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
from sklearn.neural_network import MLPClassifier

from nndl.estimators import NeuralNetClassifier
from nndl.layers import Activation, Conv2D, Flatten, MaxPool2D


def cnn(epochs: int, seed: int) -> Any:
    layers = [
        Conv2D(16, 3, pad="same"), Activation("relu"), MaxPool2D(2),
        Conv2D(32, 3, pad="same"), Activation("relu"), MaxPool2D(2),
        Flatten(),
    ]  # fmt: skip
    return NeuralNetClassifier(
        layers=layers, learning_rate=0.005, batch_size=64, epochs=epochs, random_state=seed
    )


def dense(epochs: int, seed: int) -> Any:
    return NeuralNetClassifier(
        (64,), activation="relu", learning_rate=0.005, batch_size=64, epochs=epochs,
        random_state=seed,
    )  # fmt: skip


def mlp(epochs: int, seed: int) -> Any:
    return MLPClassifier((64,), random_state=seed)


MODELS: dict[str, tuple[Callable[[int, int], Any], bool]] = {
    "nndl CNN": (cnn, True),  # True: pictures (m, 8, 8, 1)
    "nndl dense": (dense, False),
    "sklearn MLP": (mlp, False),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="2 splits, 2 epochs, 400 examples")
    args = parser.parse_args()
    digits = load_digits()
    pictures = (digits.images / 16.0)[..., None]
    y = digits.target
    if args.quick:
        args.splits, args.epochs = 2, 2
        pictures, y = pictures[:400], y[:400]
    flat = pictures.reshape(len(pictures), -1)
    folds = StratifiedKFold(n_splits=args.splits, shuffle=True, random_state=0)
    scores: dict[str, list[float]] = {name: [] for name in MODELS}
    seconds: dict[str, float] = dict.fromkeys(MODELS, 0.0)
    for k, (train, test) in enumerate(folds.split(flat, y), start=1):
        for name, (make, takes_pictures) in MODELS.items():
            X = pictures if takes_pictures else flat
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model = make(args.epochs, k).fit(X[train], y[train])
            seconds[name] += time.perf_counter() - start
            scores[name].append(float(model.score(X[test], y[test])))
            print(f"split {k} {name:12s} test accuracy {scores[name][-1]:.4f}", flush=True)
    print(f"digits as 8×8×1 pictures, {args.splits} stratified splits, {args.epochs} epochs:")
    for name, values in scores.items():
        spread = statistics.stdev(values) if len(values) > 1 else 0.0
        print(
            f"{name:12s} mean {np.mean(values):.4f} ± {spread:.4f}   "
            f"(fit {seconds[name] / len(values):.2f} s per split)"
        )


if __name__ == "__main__":
    main()
