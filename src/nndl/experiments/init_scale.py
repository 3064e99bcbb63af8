"""Initialization scale: W = randn × 0.01, × 1 or × 10, with tanh or sigmoid hidden units.

The course's reason for the 0.01: with large weights, ``|Z|`` is large, tanh and
sigmoid sit on their flat tails where ``g'(Z) ≈ 0``, and gradient descent is slow.
Measured on the flower data with one hidden layer of 10 units (all layers scaled,
as the course's ``randn(...) * 0.01`` does): the fraction of hidden units with
``|Z| > 3`` at the start, the mean ``g'(Z[1])``, the first layer's gradient norm, the
initial cost and the epochs to a target cost.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nndl import datasets
from nndl.arrays.backend import to_numpy, to_scalar
from nndl.experiments._common import Result, epochs_or_never, epochs_to, fmt_epochs, save_figure
from nndl.model.init import Generator, Initializer
from nndl.model.network import Network

NAME = "init_scale"
TITLE = "Initialization scale"
CLAIM = (
    "Large initial weights saturate tanh and sigmoid units (|Z| large, g'(Z) ≈ 0), so learning "
    "is slow; small random weights (× 0.01) avoid it."
)
SCALES = (0.01, 1.0, 10.0)
ACTIVATIONS = ("tanh", "sigmoid")
LAYER_DIMS = [2, 10, 1]
LEARNING_RATE = 0.5
TARGET = 0.4


def scaled_normal(scale: float) -> Initializer:
    """The initializer ``W = randn(n[l], n[l-1]) × scale``."""

    def init(n: int, n_prev: int, rng: Generator) -> np.ndarray:
        return rng.standard_normal((n, n_prev)) * scale

    return init


def run(quick: bool = False, out: str | Path | None = None, seed: int = 1) -> Result:
    """Six trainings (2 activations × 3 scales), 2000 (quick: 500) epochs each."""
    X, Y = datasets.load_planar()
    epochs = 500 if quick else 2000
    runs: dict[str, dict[str, Any]] = {}
    costs: dict[str, list[float]] = {}
    for activation in ACTIVATIONS:
        for scale in SCALES:
            key = f"{activation} ×{scale:g}"
            net = Network(LAYER_DIMS, activations=activation, init=scaled_normal(scale), seed=seed)
            _, caches = net.forward(X)
            Z1 = np.asarray(to_numpy(caches[0].Z))
            derivative = np.asarray(to_numpy(net.activations[0].derivative(caches[0].Z)))
            J0, grads = net.gradients(X, Y)
            costs[key] = [
                float(c) for c in net.fit(X, Y, learning_rate=LEARNING_RATE, epochs=epochs)
            ]
            runs[key] = {
                "activation": activation,
                "scale": scale,
                "saturated_fraction": float(np.mean(np.abs(Z1) > 3)),
                "mean_derivative": float(np.mean(derivative)),
                "dW1_norm": to_scalar(np.linalg.norm(to_numpy(grads["dW1"]))),
                "initial_cost": float(J0),
                "epochs_to_target": epochs_to(costs[key], TARGET),
                "final_cost": costs[key][-1],
                "accuracy": net.accuracy(X, Y),
            }

    def get(activation: str, scale: float, field: str) -> float:
        value = runs[f"{activation} ×{scale:g}"][field]
        if field == "epochs_to_target":
            return float(epochs_or_never(value, epochs))
        return float(value)

    saturates = all(
        get(a, 10.0, "saturated_fraction") > 0.5 and get(a, 0.01, "saturated_fraction") == 0.0
        for a in ACTIVATIONS
    )
    slower = {
        a: get(a, 10.0, "epochs_to_target") > get(a, 0.01, "epochs_to_target") for a in ACTIVATIONS
    }
    holds = saturates and all(slower.values())
    numbers = {
        "layer_dims": LAYER_DIMS,
        "learning_rate": LEARNING_RATE,
        "epochs": epochs,
        "target_cost": TARGET,
        "runs": runs,
    }
    measured = (
        "; ".join(
            f"{a}: |Z|>3 for {100 * get(a, 0.01, 'saturated_fraction'):.0f}% / "
            f"{100 * get(a, 1.0, 'saturated_fraction'):.0f}% / "
            f"{100 * get(a, 10.0, 'saturated_fraction'):.0f}% of units, epochs to J < {TARGET}: "
            + " / ".join(
                fmt_epochs(runs[f"{a} ×{s:g}"]["epochs_to_target"], epochs) for s in SCALES
            )
            for a in ACTIVATIONS
        )
        + " (×0.01 / ×1 / ×10)"
    )
    rows = "\n".join(
        f"| {k} | {100 * v['saturated_fraction']:.1f}% | {v['mean_derivative']:.3f} | "
        f"{float(v['dW1_norm']):.2e} | {float(v['initial_cost']):.3f} | "
        f"{fmt_epochs(v['epochs_to_target'], epochs)} | {float(v['final_cost']):.3f} | "
        f"{100 * float(v['accuracy']):.1f}% |"
        for k, v in runs.items()
    )
    details = (
        f"Network {LAYER_DIMS}, learning rate {LEARNING_RATE}, {epochs} epochs.\n\n"
        "| run | \\|Z[1]\\| > 3 | mean g'(Z[1]) | ‖dW1‖ at start | J at start | "
        f"epochs to J < {TARGET} | final J | accuracy |\n|---|---|---|---|---|---|---|---|\n"
        f"{rows}\n\n"
    )
    if saturates:
        details += (
            "Saturation is as the course says: at ×10 most hidden units start on the flat "
            "tails, with a mean derivative far below that at ×0.01. "
        )
    else:
        details += "The saturation part does not hold as stated (see the fractions above). "
    if all(slower.values()):
        details += "And learning is slower at ×10 than at ×0.01 for both activations."
    else:
        faster = [a for a in ACTIVATIONS if not slower[a]]
        details += (
            "**The claim does not hold as stated** for "
            + " and ".join(faster)
            + ": at ×10 the network reached the target cost in fewer epochs than at ×0.01. "
            "The saturated units' small g'(Z) is offset by the large output weights "
            "(dA[1] = W[2]ᵀ dZ[2] grows with W[2]): ‖dW1‖ at the start is larger at ×10 "
            "than at ×0.01, not smaller. What ×10 does cost here is a much larger initial J "
            "(confident wrong predictions). With ×0.01 the first epochs are spent on a plateau "
            "near J = ln 2 ≈ 0.693 while the tiny weights grow, and that plateau, not "
            "saturation, decides the epoch counts on this shallow network."
        )
    figure = _figure(runs, costs, out)
    return Result(NAME, TITLE, CLAIM, holds, measured, numbers, details, figure, quick=quick)


def _figure(
    runs: dict[str, dict[str, Any]], costs: dict[str, list[float]], out: str | Path | None
) -> Path | None:
    if out is None:
        return None
    from nndl import plot

    fig = plot.new_figure(1, 2, figsize=(12.0, 4.4))
    ax_cost, ax_sat = fig.axes
    styles = {"tanh": "-", "sigmoid": "--"}
    colors = {0.01: "tab:blue", 1.0: "tab:green", 10.0: "tab:red"}
    for key, J in costs.items():
        activation, scale = runs[key]["activation"], runs[key]["scale"]
        ax_cost.plot(J, styles[str(activation)], color=colors[float(scale)], label=key)
    ax_cost.axhline(TARGET, color="0.5", ls=":", lw=0.8)
    ax_cost.set_yscale("log")
    ax_cost.set_xlabel("epoch")
    ax_cost.set_ylabel("cost J (log)")
    ax_cost.set_title(f"Cost, network {LAYER_DIMS}")
    ax_cost.legend(fontsize="small", ncol=2)
    x = np.arange(len(SCALES))
    for k, activation in enumerate(ACTIVATIONS):
        fractions = [float(runs[f"{activation} ×{s:g}"]["saturated_fraction"]) for s in SCALES]
        ax_sat.bar(x + (k - 0.5) * 0.38, fractions, 0.38, label=activation)
    ax_sat.set_xticks(x, [f"× {s:g}" for s in SCALES])
    ax_sat.set_ylim(0, 1)
    ax_sat.set_ylabel("fraction of hidden |Z| > 3 at start")
    ax_sat.set_title("Saturated hidden units before training")
    ax_sat.legend()
    for ax in (ax_cost, ax_sat):
        ax.grid(alpha=0.3)
    return save_figure(fig, out, NAME)
