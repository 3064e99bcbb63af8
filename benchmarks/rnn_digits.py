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
    python benchmarks/rnn_digits.py --quick    # a tiny run (tests/test_benchmark_digits.py)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from digits_splits import Models, arguments, dense, digits, score_on_splits

from nndl.estimators import NeuralNetClassifier
from nndl.layers import GRU, LSTM


def recurrent(cell: Callable[[int], Any]) -> Callable[[int, int], Any]:
    def make(epochs: int, seed: int) -> Any:
        return NeuralNetClassifier(
            layers=[cell(32)], learning_rate=0.005, batch_size=64, epochs=epochs,
            random_state=seed,
        )  # fmt: skip

    return make


MODELS: Models = {
    "nndl GRU": (recurrent(GRU), True),  # True: sequences (m, 8 rows, 8 pixels)
    "nndl LSTM": (recurrent(LSTM), True),
    "nndl dense": (dense, False),
}


def parameters(model: Any) -> int:
    """The fitted model's number of trained numbers."""
    return sum(int(np.size(v)) for v in model.network_.params.values())


def main() -> None:
    args = arguments(__doc__, epochs=30)
    rows, y = digits(args.quick)  # (m, T = 8, n_x = 8)
    title = "digits read row by row (T = 8, 8 features)"
    score_on_splits(MODELS, rows, y, args, title, parameters)


if __name__ == "__main__":
    main()
