"""Activations: sigmoid, tanh, ReLU and leaky ReLU in the hidden layers of one deep network.

The same data (the course's flower), the same architecture (5 hidden layers of
10 units), the same initialization (Xavier, the same seed) and the same learning
rate; only the hidden activation changes.  Measured: the cost curves, the epochs to
reach a target cost, and each layer's gradient norm ``||dW[l]||`` at the start.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nndl import datasets
from nndl.arrays.backend import to_scalar
from nndl.experiments._common import Result, epochs_or_never, epochs_to, fmt_epochs, save_figure
from nndl.model.network import Network

NAME = "activations"
TITLE = "Activation functions in a deep network"
CLAIM = (
    "ReLU (and leaky ReLU) train a deep network faster than sigmoid: sigmoid's derivative is "
    "at most 1/4, so on a deep network its gradient vanishes toward the first layers."
)
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu")
LAYER_DIMS = [2, 10, 10, 10, 10, 10, 1]
LEARNING_RATE = 0.1
TARGET = 0.4


def run(quick: bool = False, out: str | Path | None = None, seed: int = 1) -> Result:
    """Train four copies of the deep network; ``quick`` trains 600 epochs instead of 3000."""
    X, Y = datasets.load_planar()
    epochs = 600 if quick else 3000
    L = len(LAYER_DIMS) - 1
    costs: dict[str, list[float]] = {}
    norms: dict[str, list[float]] = {}
    reached: dict[str, int | None] = {}
    accuracy: dict[str, float] = {}
    for name in ACTIVATIONS:
        net = Network(LAYER_DIMS, activations=name, init="xavier", seed=seed)
        _, grads = net.gradients(X, Y)
        norms[name] = [to_scalar(np.linalg.norm(grads[f"dW{l}"])) for l in range(1, L + 1)]
        costs[name] = [float(c) for c in net.fit(X, Y, learning_rate=LEARNING_RATE, epochs=epochs)]
        reached[name] = epochs_to(costs[name], TARGET)
        accuracy[name] = net.accuracy(X, Y)
    ratio = {name: norms[name][0] / norms[name][-1] for name in ACTIVATIONS}
    rank = {k: epochs_or_never(reached[k], epochs) for k in ACTIVATIONS}
    faster = all(2 * rank[k] <= rank["sigmoid"] for k in ("relu", "leaky_relu"))
    vanishes = ratio["sigmoid"] < 0.01 and ratio["relu"] > 0.1
    holds = faster and vanishes
    numbers = {
        "layer_dims": LAYER_DIMS,
        "learning_rate": LEARNING_RATE,
        "epochs": epochs,
        "target_cost": TARGET,
        "epochs_to_target": reached,
        "final_cost": {k: v[-1] for k, v in costs.items()},
        "accuracy": accuracy,
        "gradient_norms_at_start": norms,
        "first_over_last_layer_gradient": ratio,
    }
    measured = (
        f"epochs to J < {TARGET}: "
        + ", ".join(f"{k} {fmt_epochs(reached[k], epochs)}" for k in ACTIVATIONS)
        + f"; ||dW1||/||dW{L}|| at start: sigmoid {ratio['sigmoid']:.1e}, relu {ratio['relu']:.2f}"
    )
    fastest = min(ACTIVATIONS, key=rank.__getitem__)
    details = (
        f"Network {LAYER_DIMS}, Xavier initialization (seed {seed}) for every activation, "
        f"learning rate {LEARNING_RATE}, {epochs} epochs of batch gradient descent on the flower "
        f"data. At the start, sigmoid's gradient shrinks from {norms['sigmoid'][-1]:.1e} at "
        f"layer {L} to {norms['sigmoid'][0]:.1e} at layer 1 (a factor {1 / ratio['sigmoid']:.0f}); "
        f"ReLU's changes by a factor {1 / ratio['relu']:.1f}. Final accuracy: "
        + ", ".join(f"{k} {100 * accuracy[k]:.1f}%" for k in ACTIVATIONS)
        + f". The fastest to the target here is {fastest}."
    )
    spikes = {k: max(costs[k][reached[k] :]) for k in ACTIVATIONS if reached[k] is not None}
    unstable = {k: v for k, v in spikes.items() if v > 2 * TARGET}
    if unstable:
        details += (
            " After reaching the target, the cost of "
            + ", ".join(f"{k} jumped back up to {v:.2f}" for k, v in unstable.items())
            + " at some epochs: at this learning rate full-batch gradient descent on the "
            "unbounded activations is not monotone (the figure clips the cost at 1)."
        )
    numbers["largest_cost_after_target"] = spikes
    if not holds:
        details += " The claim does not hold as stated: " + (
            "ReLU or leaky ReLU did not reach the target cost at least twice as fast as sigmoid."
            if not faster
            else "the first layer's gradient of sigmoid is not 100× smaller than the last's."
        )
    figure = _figure(costs, norms, out)
    return Result(NAME, TITLE, CLAIM, holds, measured, numbers, details, figure, quick=quick)


def _figure(
    costs: dict[str, list[float]], norms: dict[str, list[float]], out: str | Path | None
) -> Path | None:
    if out is None:
        return None
    from nndl import plot

    fig = plot.new_figure(1, 2, figsize=(11.0, 4.2))
    ax_cost, ax_norm = fig.axes
    for name in ACTIVATIONS:
        ax_cost.plot(costs[name], label=name)
        ax_norm.plot(range(1, len(norms[name]) + 1), norms[name], "o-", label=name)
    ax_cost.axhline(TARGET, color="0.5", ls="--", lw=0.8, label=f"target J = {TARGET}")
    ax_cost.set_ylim(0.0, 1.0)  # spikes above 1 are reported in the text, not drawn to scale
    ax_cost.set_xlabel("epoch")
    ax_cost.set_ylabel("cost J")
    ax_cost.set_title(f"Cost, network {LAYER_DIMS}")
    ax_norm.set_yscale("log")
    ax_norm.set_xlabel("layer l")
    ax_norm.set_ylabel("||dW[l]|| at the start (log)")
    ax_norm.set_title("Gradient norm per layer before training")
    for ax in (ax_cost, ax_norm):
        ax.grid(alpha=0.3)
        ax.legend()
    return save_figure(fig, out, NAME)
