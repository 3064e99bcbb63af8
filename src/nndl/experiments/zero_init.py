"""Zero initialization: every hidden unit of a layer computes the same function, forever.

With ``W[l] = 0`` all units of a layer receive the same input weights, the same
activations and (by backpropagation) the same gradients, so gradient descent keeps
them identical: the layer acts as a single unit.  Random initialization breaks the
symmetry.  Measured on the course's [2, 4, 1] network with sigmoid hidden units.

Data: the flower's first 300 points (200 of class 0, 100 of class 1).  With the
full, balanced flower, ``dZ[2] = A[2] − Y`` sums to exactly 0 at the start, so with
zeros no parameter moves at all; the unbalanced subset lets the zero-initialized
units learn, and shows that they learn identically.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nndl import datasets
from nndl.arrays.backend import to_numpy
from nndl.experiments._common import Result, save_figure
from nndl.model.network import Network

NAME = "zero_init"
TITLE = "Zero initialization"
CLAIM = (
    "Initialized with zeros, the hidden units of a layer stay identical during training "
    "(symmetry is never broken); random initialization breaks the symmetry."
)
LAYER_DIMS = [2, 4, 1]


ROUNDING = 1e-9
"""How far apart (relative to the largest weight) rows may be and still count as the same
unit: gradient descent keeps them equal in exact arithmetic, and a BLAS kernel may add up
one row of a product in another order than the others (OpenBLAS's Sandybridge kernel does),
a float64 rounding difference that grows slowly over the epochs (in float32 it reached
7e-5 after 2000 epochs, which is why the experiment runs in float64)."""


def identical_rows(W: np.ndarray) -> bool:
    """True when every row of W equals the first bit for bit."""
    return all(np.array_equal(W[0], W[i]) for i in range(1, W.shape[0]))


def row_spread(W: np.ndarray) -> float:
    """The largest difference between a row of W and the first, relative to max |W|."""
    scale = float(np.max(np.abs(W))) or 1.0
    return max(float(np.max(np.abs(W[i] - W[0]))) for i in range(1, W.shape[0])) / scale


def run(quick: bool = False, out: str | Path | None = None, seed: int = 2) -> Result:
    """Train the zero- and the randomly-initialized network, 2000 (quick: 300) epochs each."""
    X_all, Y_all = datasets.load_planar()
    X, Y = X_all[:, :300], Y_all[:, :300]
    epochs = 300 if quick else 2000
    nets = {}
    costs = {}
    for init in ("zeros", "random"):
        net = Network(LAYER_DIMS, activations="sigmoid", init=init, seed=seed, dtype="float64")
        costs[init] = [float(c) for c in net.fit(X, Y, learning_rate=1.2, epochs=epochs)]
        nets[init] = net
    W1 = {k: np.asarray(to_numpy(v.params["W1"])) for k, v in nets.items()}
    b1 = {k: np.asarray(to_numpy(v.params["b1"])) for k, v in nets.items()}
    W2 = {k: np.asarray(to_numpy(v.params["W2"])) for k, v in nets.items()}
    spreads = [row_spread(W1["zeros"]), row_spread(b1["zeros"]), row_spread(W2["zeros"].T)]
    zeros_spread = max(spreads)
    zeros_identical = zeros_spread <= ROUNDING
    bitwise = identical_rows(W1["zeros"]) and identical_rows(b1["zeros"])
    bitwise = bitwise and identical_rows(W2["zeros"].T)
    moved = float(np.max(np.abs(W1["zeros"])))
    R = W1["random"]
    spread = min(float(np.max(np.abs(R[i] - R[j]))) for i in range(R.shape[0]) for j in range(i))
    accuracy = {k: v.accuracy(X, Y) for k, v in nets.items()}
    holds = zeros_identical and moved > 0 and spread > 1e-3
    numbers = {
        "layer_dims": LAYER_DIMS,
        "epochs": epochs,
        "W1_zeros": W1["zeros"].tolist(),
        "W1_random": R.tolist(),
        "zeros_rows_identical": zeros_identical,
        "zeros_rows_bit_identical": bitwise,
        "zeros_row_spread": zeros_spread,
        "zeros_largest_weight": moved,
        "random_smallest_row_difference": spread,
        "accuracy": accuracy,
        "final_cost": {k: v[-1] for k, v in costs.items()},
    }
    measured = (
        f"zeros: all {LAYER_DIMS[1]} rows of W1 identical "
        f"({'bit for bit' if bitwise else f'to {zeros_spread:.1g}' if zeros_identical else 'NO'}"
        f"; |W1| up to {moved:.3g}), "
        f"accuracy {100 * accuracy['zeros']:.1f}%; random: rows differ by ≥ {spread:.3g}, "
        f"accuracy {100 * accuracy['random']:.1f}%"
    )
    details = (
        f"After {epochs} epochs (learning rate 1.2, float64) the zero-initialized W1 is "
        f"{np.array2string(W1['zeros'], precision=4)}: the units moved, but together. "
        + (
            ""
            if bitwise
            else f"The rows agree to {zeros_spread:.1g} of the largest weight, not bit for bit: "
            "this machine's BLAS adds up one row of a product in another order than the "
            "others, a rounding difference far below the units' own scale. "
        )
        + "With identical units the layer computes what one hidden unit computes "
        f"({100 * accuracy['zeros']:.1f}% accuracy against "
        f"{100 * accuracy['random']:.1f}% for random initialization, on data whose majority "
        f"class alone is {100 * max(np.mean(Y), 1 - np.mean(Y)):.1f}%)."
    )
    if not holds:
        details += " The claim does not hold as stated: " + (
            "the zero-initialized rows differ." if not zeros_identical else "no weight moved."
        )
    figure = _figure(W1, costs, accuracy, out)
    return Result(NAME, TITLE, CLAIM, holds, measured, numbers, details, figure, quick=quick)


def _figure(
    W1: dict[str, np.ndarray],
    costs: dict[str, list[float]],
    accuracy: dict[str, float],
    out: str | Path | None,
) -> Path | None:
    if out is None:
        return None
    from nndl import plot

    fig = plot.new_figure(1, 3, figsize=(13.0, 4.0))
    limit = max(float(np.max(np.abs(w))) for w in W1.values())
    for ax, init in zip(fig.axes[:2], ("zeros", "random"), strict=True):
        W = W1[init]
        image = ax.imshow(W, cmap="RdBu_r", vmin=-limit, vmax=limit)
        for i in range(W.shape[0]):
            for j in range(W.shape[1]):
                ax.text(j, i, f"{W[i, j]:.3f}", ha="center", va="center", fontsize="small")
        ax.set_xticks(range(W.shape[1]), [f"x{j + 1}" for j in range(W.shape[1])])
        ax.set_yticks(range(W.shape[0]), [f"unit {i + 1}" for i in range(W.shape[0])])
        ax.set_title(f"W1 after training, init = {init}")
    fig.colorbar(image, ax=fig.axes[:2], shrink=0.8)
    for init in ("zeros", "random"):
        fig.axes[2].plot(costs[init], label=f"{init} ({100 * accuracy[init]:.1f}%)")
    fig.axes[2].set_xlabel("epoch")
    fig.axes[2].set_ylabel("cost J")
    fig.axes[2].set_title("Cost (final accuracy)")
    fig.axes[2].grid(alpha=0.3)
    fig.axes[2].legend()
    return save_figure(fig, out, NAME)
