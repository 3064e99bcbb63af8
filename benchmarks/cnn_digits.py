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
    python benchmarks/cnn_digits.py --quick    # a tiny run (tests/test_benchmark_digits.py)
"""

from __future__ import annotations

from typing import Any

from digits_splits import Models, arguments, dense, digits, score_on_splits
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


def mlp(epochs: int, seed: int) -> Any:
    return MLPClassifier((64,), random_state=seed)


MODELS: Models = {
    "nndl CNN": (cnn, True),  # True: pictures (m, 8, 8, 1)
    "nndl dense": (dense, False),
    "sklearn MLP": (mlp, False),
}


def main() -> None:
    args = arguments(__doc__, epochs=15)
    images, y = digits(args.quick)
    score_on_splits(MODELS, images[..., None], y, args, "digits as 8×8×1 pictures")


if __name__ == "__main__":
    main()
