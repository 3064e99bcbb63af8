"""Why deep learning is taking off: performance against the amount of data.

The course's figure: as the labelled data grow, a traditional algorithm (here
logistic regression) plateaus, while small, medium and large neural networks keep
improving, the larger ones pulling ahead.  Measured on one task with enough
structure: labels drawn by a fixed random "teacher" network
(8 inputs → 16 tanh → 16 tanh → sign), so a larger network can keep learning from
more data.  Each model is trained by batch gradient descent (the same epochs and
learning rate for all) on the first m examples of the training set and scored on
a separate test set.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nndl.experiments._common import Result, save_figure
from nndl.model.network import Network, logistic_regression

NAME = "scale"
TITLE = "Why deep learning is taking off"
CLAIM = (
    "With more data, larger neural networks keep improving while logistic regression plateaus: "
    "in the small-data regime the ordering is unclear; with much data, large > medium > small "
    "> logistic regression."
)
N_X = 8
TEACHER_DIMS = [N_X, 16, 16, 1]
TEACHER_GAIN = 3.0
MODELS: dict[str, list[int]] = {
    "logistic regression": [],
    "small NN [3]": [3],
    "medium NN [16, 8]": [16, 8],
    "large NN [48, 24]": [48, 24],
}
LEARNING_RATE = 0.5


def teacher_data(m: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``X`` (8, m) standard normal and ``Y`` (1, m) = [teacher(X) > 0].

    The teacher's weights are ``randn × 3 / sqrt(n[l-1])`` from seed 1234, fixed for
    every call; ``seed`` draws the inputs.
    """
    teacher = np.random.RandomState(1234)
    Ws = [
        teacher.standard_normal((TEACHER_DIMS[l], TEACHER_DIMS[l - 1]))
        * TEACHER_GAIN
        / np.sqrt(TEACHER_DIMS[l - 1])
        for l in range(1, len(TEACHER_DIMS))
    ]
    X = np.random.RandomState(seed).standard_normal((N_X, m))
    A = X
    for W in Ws[:-1]:
        A = np.tanh(W @ A)
    Y = (Ws[-1] @ A > 0).astype(np.int64)
    return X, Y


def _model(hidden: list[int], seed: int) -> Network:
    if not hidden:
        return logistic_regression(N_X)
    return Network([N_X, *hidden, 1], activations="tanh", init="xavier", seed=seed)


def run(quick: bool = False, out: str | Path | None = None, seed: int = 1) -> Result:
    """Train every model on every training-set size: 100 … 10 000 examples, 800 epochs
    (quick: 100, 1000, 3000 examples, 300 epochs)."""
    sizes = [100, 1000, 3000] if quick else [100, 300, 1000, 3000, 10_000]
    epochs = 300 if quick else 800
    X_train, Y_train = teacher_data(max(sizes), seed=7)
    X_test, Y_test = teacher_data(2000 if quick else 5000, seed=99)
    test: dict[str, list[float]] = {name: [] for name in MODELS}
    train: dict[str, list[float]] = {name: [] for name in MODELS}
    for m in sizes:
        X, Y = X_train[:, :m], Y_train[:, :m]
        for name, hidden in MODELS.items():
            net = _model(hidden, seed)
            net.fit(X, Y, learning_rate=LEARNING_RATE, epochs=epochs)
            train[name].append(net.accuracy(X, Y))
            test[name].append(net.accuracy(X_test, Y_test))
    names = list(MODELS)
    logreg, large = test[names[0]], test[names[-1]]
    gap_small_data = large[0] - logreg[0]
    gap_big_data = large[-1] - logreg[-1]
    ordered = all(
        test[a][-1] >= test[b][-1] - 0.005 for a, b in zip(names[1:], names, strict=False)
    )
    pulls_ahead = gap_big_data > 0.03 and gap_big_data > gap_small_data + 0.02
    holds = ordered and pulls_ahead
    numbers = {
        "sizes": sizes,
        "epochs": epochs,
        "learning_rate": LEARNING_RATE,
        "test_examples": int(Y_test.shape[1]),
        "test_accuracy": test,
        "train_accuracy": train,
        "large_minus_logistic_smallest_m": gap_small_data,
        "large_minus_logistic_largest_m": gap_big_data,
    }
    measured = (
        f"test accuracy at m={sizes[0]}: "
        + " / ".join(f"{100 * test[n][0]:.1f}" for n in names)
        + f"%; at m={sizes[-1]}: "
        + " / ".join(f"{100 * test[n][-1]:.1f}" for n in names)
        + "% (logistic regression / small / medium / large)"
    )
    rows = "\n".join(
        f"| {m} | " + " | ".join(f"{100 * test[n][k]:.1f}%" for n in names) + " |"
        for k, m in enumerate(sizes)
    )
    details = (
        f"Teacher {TEACHER_DIMS} (tanh, gain {TEACHER_GAIN:g}); {epochs} epochs of batch gradient "
        f"descent at learning rate {LEARNING_RATE} for every model; test set of "
        f"{int(Y_test.shape[1])} examples.\n\n| m | "
        + " | ".join(names)
        + " |\n|---|"
        + "---|" * len(names)
        + f"\n{rows}\n\n"
        f"The large network's lead over logistic regression grows from "
        f"{100 * gap_small_data:+.1f} points at m={sizes[0]} to {100 * gap_big_data:+.1f} "
        f"points at m={sizes[-1]}. Every model gets the same number of epochs, so the larger "
        "training sets also mean more computation, as in the course's argument (data and "
        "computation grew together)."
    )
    if not holds:
        details += " **The claim does not hold as stated**: " + (
            "at the largest m the networks are not ordered by size."
            if not ordered
            else "the large network does not pull ahead of logistic regression as m grows."
        )
    figure = _figure(sizes, test, out)
    return Result(NAME, TITLE, CLAIM, holds, measured, numbers, details, figure, quick=quick)


def _figure(sizes: list[int], test: dict[str, list[float]], out: str | Path | None) -> Path | None:
    if out is None:
        return None
    from nndl import plot

    fig = plot.new_figure(figsize=(6.8, 4.6))
    ax = fig.axes[0]
    for name, marker in zip(MODELS, "osD^", strict=True):
        ax.plot(sizes, [100 * a for a in test[name]], marker + "-", label=name)
    ax.set_xscale("log")
    ax.set_xlabel("training examples m (log scale)")
    ax.set_ylabel("test accuracy (%)")
    ax.set_title("Performance against amount of data")
    ax.grid(alpha=0.3)
    ax.legend()
    return save_figure(fig, out, NAME)
