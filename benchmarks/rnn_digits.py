"""Recurrent networks beside a dense one on a sequence task: scikit-learn's digits read row by row.

Each 8×8 picture is a sequence of T = 8 rows of 8 pixels (``(m, 8, 8)``, pixels ÷ 16): a
recurrent network reads the rows in order and classifies the digit from its last state.
Three classifiers of similar size, on the same 5 stratified splits (``StratifiedKFold``,
shuffled, seed 0):

- ``nndl GRU``: ``NeuralNetClassifier(layers=[GRU(32)])`` then the softmax output
  (4,266 parameters);
- ``nndl LSTM``: ``NeuralNetClassifier(layers=[LSTM(32)])`` (5,578 parameters);
- ``nndl dense``: ``NeuralNetClassifier((64,), activation="relu")`` on the 64 pixels at once
  (4,810 parameters).

Each trains with Adam (learning rate 0.005, batches of 64) for ``--epochs`` epochs.  Printed:
each split's test accuracy, then each model's mean and standard deviation, parameters and
fit time.

    python benchmarks/rnn_digits.py            # 5 splits, 30 epochs
    python benchmarks/rnn_digits.py --quick    # a tiny run (tests/test_benchmark_rnn_digits.py)
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import StratifiedKFold

from nndl.estimators import NeuralNetClassifier
from nndl.layers import GRU, LSTM


def recurrent(cell: Callable[[int], Any]) -> Callable[[int, int], Any]:
    def make(epochs: int, seed: int) -> Any:
        return NeuralNetClassifier(
            layers=[cell(32)], learning_rate=0.005, batch_size=64, epochs=epochs,
            random_state=seed,
        )  # fmt: skip

    return make


def dense(epochs: int, seed: int) -> Any:
    return NeuralNetClassifier(
        (64,), activation="relu", learning_rate=0.005, batch_size=64, epochs=epochs,
        random_state=seed,
    )  # fmt: skip


MODELS: dict[str, tuple[Callable[[int, int], Any], bool]] = {
    "nndl GRU": (recurrent(GRU), True),  # True: sequences (m, 8 rows, 8 pixels)
    "nndl LSTM": (recurrent(LSTM), True),
    "nndl dense": (dense, False),
}


def parameters(model: Any) -> int:
    """The fitted model's number of trained numbers."""
    return sum(int(np.size(v)) for v in model.network_.params.values())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--splits", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--quick", action="store_true", help="2 splits, 2 epochs, 400 examples")
    args = parser.parse_args()
    digits = load_digits()
    rows = digits.images / 16.0  # (m, T = 8, n_x = 8)
    y = digits.target
    if args.quick:
        args.splits, args.epochs = 2, 2
        rows, y = rows[:400], y[:400]
    flat = rows.reshape(len(rows), -1)
    folds = StratifiedKFold(n_splits=args.splits, shuffle=True, random_state=0)
    scores: dict[str, list[float]] = {name: [] for name in MODELS}
    seconds: dict[str, float] = dict.fromkeys(MODELS, 0.0)
    sizes: dict[str, int] = {}
    for k, (train, test) in enumerate(folds.split(flat, y), start=1):
        for name, (make, sequences) in MODELS.items():
            X = rows if sequences else flat
            start = time.perf_counter()
            model = make(args.epochs, k).fit(X[train], y[train])
            seconds[name] += time.perf_counter() - start
            sizes[name] = parameters(model)
            scores[name].append(float(model.score(X[test], y[test])))
            print(f"split {k} {name:10s} test accuracy {scores[name][-1]:.4f}", flush=True)
    print(f"digits read row by row (T = 8, 8 features), {args.splits} stratified splits, "
          f"{args.epochs} epochs:")  # fmt: skip
    for name, values in scores.items():
        spread = statistics.stdev(values) if len(values) > 1 else 0.0
        print(
            f"{name:10s} mean {np.mean(values):.4f} ± {spread:.4f}   {sizes[name]:,} parameters"
            f"   (fit {seconds[name] / len(values):.2f} s per split)"
        )


if __name__ == "__main__":
    main()
