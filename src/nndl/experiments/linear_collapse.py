"""Linear collapse: hidden layers without a non-linearity add nothing.

With ``g(z) = z`` in every hidden layer, ``Z[L] = W[L] ⋯ W[1] X + b_eff``: the deep
network is one linear map followed by the sigmoid, i.e. logistic regression.
Measured on the course's flower data: both models' accuracy, and the network's
output against the single map ``W_eff = W[L] ⋯ W[1]``,
``b_eff = W[L](⋯(W[2] b[1] + b[2])⋯) + b[L]``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nndl import datasets
from nndl.experiments._common import Result, save_figure
from nndl.model.network import Network, logistic_regression

NAME = "linear_collapse"
TITLE = "Linear hidden layers collapse"
CLAIM = (
    "A deep network with linear hidden activations computes one linear function of its input: "
    "it reaches only logistic regression's accuracy (47% on the flower data in the course)."
)
LAYER_DIMS = [2, 10, 10, 10, 1]


def collapse(net: Network) -> tuple[np.ndarray, np.ndarray]:
    """``(W_eff, b_eff)`` with ``Z[L] = W_eff X + b_eff`` for a network whose hidden layers are
    linear (NumPy copies of the parameters)."""
    params = net.copy(dtype="float64").params
    W_eff = np.asarray(params["W1"])
    b_eff = np.asarray(params["b1"])
    for l in range(2, net.L + 1):
        W = np.asarray(params[f"W{l}"])
        W_eff = W @ W_eff
        b_eff = W @ b_eff + np.asarray(params[f"b{l}"])
    return W_eff, b_eff


def run(quick: bool = False, out: str | Path | None = None, seed: int = 1) -> Result:
    """Train logistic regression and the linear deep network (float64) for 2000 (quick: 500)
    epochs and compare them."""
    X, Y = datasets.load_planar()
    epochs = 500 if quick else 2000
    logreg = logistic_regression(2, dtype="float64")
    logreg_costs = logreg.fit(X, Y, learning_rate=1.2, epochs=epochs)
    deep = Network(LAYER_DIMS, activations="linear", init="xavier", seed=seed, dtype="float64")
    deep_costs = deep.fit(X, Y, learning_rate=0.1, epochs=epochs)
    acc_logreg, acc_deep = logreg.accuracy(X, Y), deep.accuracy(X, Y)

    W_eff, b_eff = collapse(deep)
    _, caches = deep.forward(X)
    Z_L = np.asarray(caches[-1].Z)
    Z_eff = W_eff @ X + b_eff
    difference = float(np.max(np.abs(Z_L - Z_eff)) / max(float(np.max(np.abs(Z_L))), 1e-300))
    agree = float(np.mean(deep.predict(X) == logreg.predict(X)))
    within = abs(acc_deep - acc_logreg) <= 0.03
    one_map = difference < 1e-10
    holds = within and one_map
    numbers = {
        "layer_dims": LAYER_DIMS,
        "epochs": epochs,
        "accuracy_logistic_regression": acc_logreg,
        "accuracy_deep_linear": acc_deep,
        "final_cost_logistic_regression": float(logreg_costs[-1]),
        "final_cost_deep_linear": float(deep_costs[-1]),
        "W_eff": W_eff.tolist(),
        "b_eff": b_eff.tolist(),
        "relative_difference_Z": difference,
        "same_predictions": agree,
    }
    measured = (
        f"accuracy {100 * acc_deep:.2f}% (deep linear {LAYER_DIMS}) vs {100 * acc_logreg:.2f}% "
        f"(logistic regression); Z[L] = W_eff X + b_eff to {difference:.0e}"
    )
    details = (
        f"After {epochs} epochs the deep linear network's cost is {float(deep_costs[-1]):.6f} "
        f"and logistic regression's {float(logreg_costs[-1]):.6f}; the two predict the same "
        f"class for {100 * agree:.1f}% of the points. The product of the four weight matrices, "
        f"W_eff = {np.array2string(W_eff, precision=4)}, reproduces the network's output Z[L] "
        f"to a relative {difference:.1e} (float64): the boundary is one straight line."
    )
    if not holds:
        details += " The claim does not hold as stated: " + (
            "the accuracies differ by more than 3 points."
            if not within
            else "the product of the weight matrices does not reproduce the output."
        )
    figure = _figure(deep, logreg, X, Y, acc_deep, acc_logreg, out)
    return Result(NAME, TITLE, CLAIM, holds, measured, numbers, details, figure, quick=quick)


def _figure(
    deep: Network,
    logreg: Network,
    X: np.ndarray,
    Y: np.ndarray,
    acc_deep: float,
    acc_logreg: float,
    out: str | Path | None,
) -> Path | None:
    if out is None:
        return None
    from nndl import plot

    fig = plot.new_figure(1, 2, figsize=(11.0, 4.6))
    plot.decision_boundary(
        logreg, X, Y, ax=fig.axes[0], title=f"Logistic regression: {100 * acc_logreg:.1f}%"
    )
    plot.decision_boundary(
        deep,
        X,
        Y,
        ax=fig.axes[1],
        title=f"{len(LAYER_DIMS) - 2} linear hidden layers: {100 * acc_deep:.1f}%",
    )
    return save_figure(fig, out, NAME)
