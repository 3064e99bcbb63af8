"""Assignment 2: planar data classification with one hidden layer.

The course's functions, with its signatures and dicts, over an
:class:`nndl.Network` ``[n_x, n_h, n_y]`` with tanh hidden units and a sigmoid
output::

    Z1 = W1 X + b1,  A1 = tanh(Z1),  Z2 = W2 A1 + b2,  A2 = σ(Z2)
    dZ2 = A2 − Y,  dW2 = (1/m) dZ2 A1ᵀ,  db2 = (1/m) Σ dZ2
    dZ1 = W2ᵀ dZ2 * (1 − A1²),  dW1 = (1/m) dZ1 Xᵀ,  db1 = (1/m) Σ dZ1
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nndl.course._common import as_float, logistic_cost, network
from nndl.model import init
from nndl.model.network import LayerCache, Network, logistic_regression

SEED = 2
"""The seed of the assignment's ``initialize_parameters`` (and so of ``nn_model``)."""


def layer_sizes(X: Any, Y: Any) -> tuple[int, int, int]:
    """``(n_x, n_h, n_y)``: rows of X, the assignment's 4 hidden units, rows of Y."""
    return int(np.shape(X)[0]), 4, int(np.shape(Y)[0])


def initialize_parameters(n_x: int, n_h: int, n_y: int) -> dict[str, np.ndarray]:
    """``W1 (n_h, n_x)``, ``W2 (n_y, n_h)`` ~ N(0, 1) × 0.01 after ``np.random.seed(2)``;
    ``b1``, ``b2`` zeros (nndl's ``random`` initializer, seed 2)."""
    return init.initialize([n_x, n_h, n_y], "random", seed=SEED)


def forward_propagation(
    X: Any, parameters: Mapping[str, Any]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``(A2, {"Z1", "A1", "Z2", "A2"})`` from :meth:`nndl.Network.forward`."""
    A2, caches = network(parameters, "tanh").forward(as_float(X))
    cache = {"Z1": caches[0].Z, "A1": caches[0].A, "Z2": caches[1].Z, "A2": caches[1].A}
    return A2, cache


def compute_cost(A2: Any, Y: Any, parameters: Mapping[str, Any] | None = None) -> float:
    """The cross-entropy cost ``−(1/m) Σ (y log a + (1 − y) log(1 − a))`` (a float).

    ``parameters`` is accepted for the older version of the assignment and unused.
    """
    return logistic_cost(A2, Y)


def backward_propagation(
    parameters: Mapping[str, Any], cache: Mapping[str, Any], X: Any, Y: Any
) -> dict[str, np.ndarray]:
    """``{"dW1", "db1", "dW2", "db2"}`` from :meth:`nndl.Network.backward` on the cache.

    tanh's derivative is taken from ``A1`` (``1 − A1²``), as the course does.
    """
    net = network(parameters, "tanh")
    p = net.params
    X, A1, A2 = as_float(X), as_float(cache["A1"]), as_float(cache["A2"])
    caches = [
        LayerCache(X, p["W1"], p["b1"], as_float(cache["Z1"]), A1),
        LayerCache(A1, p["W2"], p["b2"], as_float(cache["Z2"]), A2),
    ]
    return net.backward(A2, as_float(Y), caches)


def update_parameters(
    parameters: Mapping[str, Any], grads: Mapping[str, Any], learning_rate: float = 1.2
) -> dict[str, np.ndarray]:
    """One step ``θ := θ − α dθ`` for every parameter (:meth:`nndl.Network.update`)."""
    net = network(parameters)
    net.update({k: as_float(v) for k, v in grads.items()}, learning_rate)
    return dict(net.params)


def flower_network(n_h: int, n_x: int = 2, n_y: int = 1) -> Network:
    """The assignment's network ``[n_x, n_h, n_y]``: tanh, seed 2, float64."""
    return Network([n_x, n_h, n_y], activations="tanh", seed=SEED, dtype="float64")


def logistic_regression_network(n_x: int = 2) -> Network:
    """Logistic regression ``[n_x, 1]`` in float64, the assignment's baseline."""
    return logistic_regression(n_x, dtype="float64")


def nn_model(
    X: Any,
    Y: Any,
    n_h: int,
    num_iterations: int = 10000,
    print_cost: bool = False,
    learning_rate: float = 1.2,
) -> dict[str, np.ndarray]:
    """Train ``[n_x, n_h, n_y]`` by gradient descent (α = 1.2); return the parameters.

    Prints ``Cost after iteration i: J`` every 1000 iterations with ``print_cost``.
    """
    X, Y = as_float(X), as_float(Y)
    net = flower_network(n_h, X.shape[0], Y.shape[0])
    net.fit(X, Y, learning_rate, num_iterations, print_every=1000 if print_cost else None)
    return dict(net.params)


def predict(parameters: Mapping[str, Any], X: Any) -> np.ndarray:
    """``(1, m)`` predictions: 1 where ``A2 > 0.5``, else 0."""
    return np.asarray(network(parameters, "tanh").predict(as_float(X)))


def accuracy_percent(predictions: Any, Y: Any) -> float:
    """The course's ``(Y·pᵀ + (1 − Y)·(1 − p)ᵀ) / m × 100``."""
    p, y = as_float(predictions), as_float(Y)
    return float((np.dot(y, p.T) + np.dot(1 - y, 1 - p.T)).item() / y.size * 100)
