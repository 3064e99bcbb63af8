"""Stochastic gradient descent with a velocity: Polyak's heavy ball and Nesterov's momentum.

The course's momentum (:class:`nndl.training.optimizers.Momentum`) averages the
gradients, ``v := β v + (1 − β) g``, and steps ``θ := θ − α v``.  The classic
form that scikit-learn's ``solver="sgd"`` uses keeps the learning rate inside
the velocity, so a learning rate that changes between epochs changes only the
newest term::

    v := μ v − α g
    θ := θ + v                     (heavy ball)
    θ := θ + μ v − α g             (Nesterov, written for the current point)

With a constant α the heavy ball equals the course's momentum with α / (1 − μ).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nndl.arrays.backend import Array
from nndl.training.optimizers import Optimizer, OptimizerState, _check_rate


class HeavyBall(Optimizer):
    """``v := μ v − α g``; ``θ := θ + v``, or ``θ := θ + μ v − α g`` with ``nesterov=True``.

    ``momentum=0`` is plain gradient descent.
    """

    name = "heavy_ball"
    slot_names = ("velocity",)

    def __init__(self, momentum: float = 0.9, nesterov: bool = True) -> None:
        self.momentum = _check_rate("momentum", momentum)
        self.nesterov = bool(nesterov)

    def update(
        self,
        params: dict[str, Array],
        grads: dict[str, Array],
        state: OptimizerState,
        learning_rate: float,
    ) -> tuple[dict[str, Array], OptimizerState]:
        """One step on every parameter (the inputs are not modified)."""
        mu = self.momentum
        new_params: dict[str, Array] = {}
        velocity: dict[str, Array] = {}
        for k, theta in params.items():
            g = grads["d" + k] if "d" + k in grads else grads[k]
            v = mu * state.slots["velocity"][k] - learning_rate * g
            step = mu * v - learning_rate * g if self.nesterov else v
            new_params[k] = theta + step
            velocity[k] = v
        return new_params, OptimizerState(t=state.t + 1, slots={"velocity": velocity})

    def step_flat(
        self,
        g: np.ndarray,
        slots: dict[str, np.ndarray],
        t: int,
        learning_rate: float,
        work: np.ndarray,
        work2: np.ndarray,
    ) -> tuple[np.ndarray, float]:
        # the caller applies θ −= scale · direction: the direction is −step, the scale 1
        v = slots["velocity"]
        v *= self.momentum
        np.multiply(g, learning_rate, out=work)  # α g
        v -= work
        if self.nesterov:
            np.multiply(v, -self.momentum, out=work2)
            work2 += work  # −(μ v − α g)
            return work2, 1.0
        np.negative(v, out=work2)
        return work2, 1.0

    def config(self) -> dict[str, Any]:
        return {"name": self.name, "momentum": self.momentum, "nesterov": self.nesterov}
