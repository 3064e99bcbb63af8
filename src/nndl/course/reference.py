"""The course's own training loop, transcribed in plain NumPy: the yardstick on this machine.

nndl's course functions are a front over nndl's own math (:mod:`nndl.course.planar`);
this module is not.  It is the assignment's ``nn_model`` written the way the course's
notebook writes it, operation for operation: ``np.dot``, ``1/(1+np.exp(-z))``,
``(1/m) * np.dot(dZ, A.T)``, ``1 - np.power(A1, 2)`` and ``W - learning_rate * dW``.

Why it exists.  Some of the figures the course printed depend on the order in which the
machine's BLAS adds up a matrix product: the flower's cost after iteration 7000, where it
oscillates, and the hidden-layer sweep's accuracies with 20 and 50 units, where a
difference in the 16th digit grows over 5000 iterations into a different example on the
wrong side of the boundary.  The course's own code gives 90.0, 90.25, 90.5 or 90.75 there
depending on the CPU (OpenBLAS picks its kernel at start-up).  ``nndl course planar``
compares those figures with this loop run on the same machine, so that the check says
whether nndl is right here, not whether this CPU is the one the course used.

The deep assignment's loop (``L_layer_model``: ``L_model_forward``, ``compute_cost``,
``L_model_backward``, ``update_parameters``, ReLU hidden layers and a sigmoid output) is
transcribed the same way, as :func:`L_layer_model`.  ``benchmarks/small_nets.py`` times
nndl against both loops.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class CourseRun:
    """What the course's ``nn_model`` leaves: the parameters and the costs it recorded.

    Parameters
    ----------
    parameters : dict of str to numpy.ndarray
        The trained ``W1, b1, …``.
    costs : list of float
        ``J`` at iterations 0, ``cost_every``, 2·``cost_every``, ….
    deep : bool, default False
        The deep assignment's network (ReLU hidden layers), not the planar one (tanh).
    """

    parameters: dict[str, np.ndarray]
    costs: list[float]
    """``J`` at iterations 0, ``cost_every``, 2·``cost_every``, …"""
    deep: bool = False
    """The deep assignment's network (ReLU hidden layers), not the planar one (tanh)."""

    def predict(self, X: np.ndarray) -> np.ndarray:
        """The course's ``predict``: ``A[L] > 0.5`` as 0/1, shape ``(1, m)``.

        Parameters
        ----------
        X : numpy.ndarray of shape (n_x, m)
            The examples.

        Returns
        -------
        numpy.ndarray of shape (1, m)
            The predicted labels, as floats.
        """
        if self.deep:
            AL, _ = L_model_forward(X, self.parameters)
        else:
            AL, _ = forward_propagation(X, self.parameters)
        return (AL > 0.5).astype(np.float64)

    def accuracy_percent(self, X: np.ndarray, Y: np.ndarray) -> float:
        """The course's ``(Y·pᵀ + (1 − Y)·(1 − p)ᵀ) / m × 100``.

        Parameters
        ----------
        X : numpy.ndarray of shape (n_x, m)
            The examples.
        Y : numpy.ndarray of shape (1, m)
            Their labels.

        Returns
        -------
        float
            The percentage classified right.
        """
        p = self.predict(X)
        return float((np.dot(Y, p.T) + np.dot(1 - Y, 1 - p.T)).item() / Y.size * 100)


def initialize_parameters(
    n_x: int, n_h: int, n_y: int, seed: int = 2, dtype: Any = np.float64
) -> dict[str, np.ndarray]:
    """``np.random.seed(seed)``; ``W = randn × 0.01``, ``b = 0`` (the assignment's).

    Parameters
    ----------
    n_x : int
        The size of the input layer.
    n_h : int
        The size of the hidden layer.
    n_y : int
        The size of the output layer.
    seed : int, default 2
        The seed.
    dtype : dtype, default numpy.float64
        The parameters' dtype.

    Returns
    -------
    dict of str to numpy.ndarray
        ``W1``, ``b1``, ``W2``, ``b2``.
    """
    rng = np.random.RandomState(seed)
    W1 = rng.randn(n_h, n_x) * 0.01
    W2 = rng.randn(n_y, n_h) * 0.01
    return {
        "W1": W1.astype(dtype),
        "b1": np.zeros((n_h, 1), dtype),
        "W2": W2.astype(dtype),
        "b2": np.zeros((n_y, 1), dtype),
    }


def forward_propagation(
    X: np.ndarray, parameters: dict[str, np.ndarray]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``Z1 = W1·X + b1, A1 = tanh(Z1), Z2 = W2·A1 + b2, A2 = σ(Z2)``.

    Parameters
    ----------
    X : numpy.ndarray of shape (n_x, m)
        The examples.
    parameters : dict of str to numpy.ndarray
        ``W1 (n_h, n_x)``, ``b1 (n_h, 1)``, ``W2 (n_y, n_h)``, ``b2 (n_y, 1)``.

    Returns
    -------
    A2 : numpy.ndarray of shape (n_y, m)
        The output.
    cache : dict of str to numpy.ndarray
        ``Z1``, ``A1``, ``Z2``, ``A2``.
    """
    Z1 = np.dot(parameters["W1"], X) + parameters["b1"]
    A1 = np.tanh(Z1)
    Z2 = np.dot(parameters["W2"], A1) + parameters["b2"]
    A2 = 1 / (1 + np.exp(-Z2))
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def compute_cost(A2: np.ndarray, Y: np.ndarray) -> float:
    """``−(1/m) Σ (y log a + (1 − y) log(1 − a))``, as the notebook writes it.

    Parameters
    ----------
    A2 : numpy.ndarray of shape (1, m)
        The output.
    Y : numpy.ndarray of shape (1, m)
        The labels.

    Returns
    -------
    float
        The cost.
    """
    m = Y.shape[1]
    logprobs = np.multiply(np.log(A2), Y) + np.multiply(np.log(1 - A2), 1 - Y)
    return float(-np.sum(logprobs) / m)


def backward_propagation(
    parameters: dict[str, np.ndarray],
    cache: dict[str, np.ndarray],
    X: np.ndarray,
    Y: np.ndarray,
) -> dict[str, np.ndarray]:
    """``dZ2 = A2 − Y``, ``dW = (1/m) dZ·Aᵀ``, ``dZ1 = W2ᵀ·dZ2 * (1 − A1²)``.

    Parameters
    ----------
    parameters : dict of str to numpy.ndarray
        ``W1 (n_h, n_x)``, ``b1 (n_h, 1)``, ``W2 (n_y, n_h)``, ``b2 (n_y, 1)``.
    cache : dict of str to numpy.ndarray
        The forward pass's ``Z1``, ``A1``, ``Z2``, ``A2``.
    X : numpy.ndarray of shape (n_x, m)
        The examples.
    Y : numpy.ndarray of shape (1, m)
        The labels.

    Returns
    -------
    dict of str to numpy.ndarray
        ``dW1``, ``db1``, ``dW2``, ``db2``.
    """
    m = X.shape[1]
    A1, A2 = cache["A1"], cache["A2"]
    dZ2 = A2 - Y
    dW2 = (1 / m) * np.dot(dZ2, A1.T)
    db2 = (1 / m) * np.sum(dZ2, axis=1, keepdims=True)
    dZ1 = np.multiply(np.dot(parameters["W2"].T, dZ2), 1 - np.power(A1, 2))
    dW1 = (1 / m) * np.dot(dZ1, X.T)
    db1 = (1 / m) * np.sum(dZ1, axis=1, keepdims=True)
    return {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2}


def update_parameters(
    parameters: dict[str, np.ndarray], grads: dict[str, np.ndarray], learning_rate: float
) -> dict[str, np.ndarray]:
    """``θ = θ − α dθ`` for each parameter (new arrays, as the course's code makes).

    Parameters
    ----------
    parameters : dict of str to numpy.ndarray
        The parameters.
    grads : dict of str to numpy.ndarray
        Their gradients, ``dW1, db1, …``.
    learning_rate : float
        α.

    Returns
    -------
    dict of str to numpy.ndarray
        The new parameters.
    """
    return {k: v - learning_rate * grads["d" + k] for k, v in parameters.items()}


def nn_model(
    X: np.ndarray,
    Y: np.ndarray,
    n_h: int,
    num_iterations: int = 10_000,
    learning_rate: float = 1.2,
    seed: int = 2,
    cost_every: int = 1000,
) -> CourseRun:
    """The assignment's ``nn_model``: gradient descent on ``[n_x, n_h, n_y]``.

    In the dtype of ``X`` (the course's float64, or float32 for the benchmark); the
    cost is computed only every ``cost_every`` iterations, as the notebook prints it.

    Parameters
    ----------
    X : numpy.ndarray of shape (n_x, m)
        The examples.
    Y : numpy.ndarray of shape (n_y, m)
        The labels.
    n_h : int
        The hidden units.
    num_iterations : int, default 10000
        The steps.
    learning_rate : float, default 1.2
        α.
    seed : int, default 2
        The seed of the initial weights.
    cost_every : int, default 1000
        Record the cost every this many iterations.

    Returns
    -------
    CourseRun
        The parameters and the recorded costs.
    """
    parameters = initialize_parameters(X.shape[0], n_h, Y.shape[0], seed, X.dtype)
    Y = Y.astype(X.dtype)
    costs: list[float] = []
    for i in range(num_iterations):
        A2, cache = forward_propagation(X, parameters)
        if i % cost_every == 0:
            costs.append(compute_cost(A2, Y))
        grads = backward_propagation(parameters, cache, X, Y)
        parameters = update_parameters(parameters, grads, learning_rate)
    return CourseRun(parameters, costs)


# ------------------------------------------------ the deep assignment's loop


def L_model_forward(
    X: np.ndarray, parameters: dict[str, np.ndarray]
) -> tuple[np.ndarray, list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]]]:
    """``[LINEAR → RELU] × (L−1) → LINEAR → SIGMOID`` with ``Z = np.dot(W, A_prev) + b``.

    Parameters
    ----------
    X : numpy.ndarray of shape (n_x, m)
        The examples.
    parameters : dict of str to numpy.ndarray
        ``W1, b1, …, WL, bL``.

    Returns
    -------
    AL : numpy.ndarray of shape (1, m)
        The output.
    caches : list of tuple
        ``(A_prev, W, b, Z)`` of each layer.
    """
    caches = []
    A = X
    L = len(parameters) // 2
    for l in range(1, L + 1):
        A_prev, W, b = A, parameters["W" + str(l)], parameters["b" + str(l)]
        Z = np.dot(W, A_prev) + b
        A = 1 / (1 + np.exp(-Z)) if l == L else np.maximum(0, Z)
        caches.append((A_prev, W, b, Z))
    return A, caches


def compute_cost_deep(AL: np.ndarray, Y: np.ndarray) -> float:
    """``(1/m) (−Y·log(AL)ᵀ − (1−Y)·log(1−AL)ᵀ)``, the deep notebook's form.

    Parameters
    ----------
    AL : numpy.ndarray of shape (1, m)
        The output.
    Y : numpy.ndarray of shape (1, m)
        The labels.

    Returns
    -------
    float
        The cost.
    """
    m = Y.shape[1]
    cost = (1.0 / m) * (-np.dot(Y, np.log(AL).T) - np.dot(1 - Y, np.log(1 - AL).T))
    return float(np.squeeze(cost))


def L_model_backward(
    AL: np.ndarray,
    Y: np.ndarray,
    caches: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
) -> dict[str, np.ndarray]:
    """The deep notebook's backward pass, down to ``dA0``.

    ``dAL = −(Y/AL − (1−Y)/(1−AL))``; ``dZ = dA·s(1−s)`` (sigmoid, s recomputed from
    Z) or ``dA`` with ``dZ[Z ≤ 0] = 0`` (ReLU); ``dW = (1/m) dZ·A_prevᵀ``,
    ``db = (1/m) Σ dZ``, ``dA_prev = Wᵀ·dZ``.

    Parameters
    ----------
    AL : numpy.ndarray of shape (1, m)
        The output.
    Y : numpy.ndarray of shape (1, m)
        The labels.
    caches : list of tuple
        The caches of :func:`L_model_forward`.

    Returns
    -------
    dict of str to numpy.ndarray
        ``dA{l-1}``, ``dW{l}``, ``db{l}`` of every layer.
    """
    grads = {}
    L = len(caches)
    m = AL.shape[1]
    Y = Y.reshape(AL.shape)
    dA = -(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL))
    for l in reversed(range(L)):
        A_prev, W, _, Z = caches[l]
        if l == L - 1:
            s = 1 / (1 + np.exp(-Z))
            dZ = dA * s * (1 - s)
        else:
            dZ = np.array(dA, copy=True)
            dZ[Z <= 0] = 0
        grads["dW" + str(l + 1)] = 1.0 / m * np.dot(dZ, A_prev.T)
        grads["db" + str(l + 1)] = 1.0 / m * np.sum(dZ, axis=1, keepdims=True)
        dA = np.dot(W.T, dZ)
    return grads


def L_layer_model(
    X: np.ndarray,
    Y: np.ndarray,
    parameters: dict[str, np.ndarray],
    num_iterations: int = 3000,
    learning_rate: float = 0.0075,
) -> CourseRun:
    """The deep assignment's ``L_layer_model`` from the given initial ``parameters``.

    Forward, the cost every iteration, backward, update; ``parameters`` is copied.

    Parameters
    ----------
    X : numpy.ndarray of shape (n_x, m)
        The examples.
    Y : numpy.ndarray of shape (1, m)
        The labels.
    parameters : dict of str to numpy.ndarray
        ``W1, b1, …, WL, bL``.
    num_iterations : int, default 3000
        The steps.
    learning_rate : float, default 0.0075
        α.

    Returns
    -------
    CourseRun
        The parameters and every iteration's cost.
    """
    parameters = {k: v.copy() for k, v in parameters.items()}
    costs: list[float] = []
    for _ in range(num_iterations):
        AL, caches = L_model_forward(X, parameters)
        costs.append(compute_cost_deep(AL, Y))
        grads = L_model_backward(AL, Y, caches)
        parameters = update_parameters(parameters, grads, learning_rate)
    return CourseRun(parameters, costs, deep=True)
