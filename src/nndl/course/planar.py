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
from nndl.model.layers.dense import LayerCache
from nndl.model.network import Network, logistic_regression

SEED = 2
"""The seed of the assignment's ``initialize_parameters`` (and so of ``nn_model``)."""


def layer_sizes(X: Any, Y: Any) -> tuple[int, int, int]:
    """``(n_x, n_h, n_y)``: rows of X, the assignment's 4 hidden units, rows of Y.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
        The examples, one per column.
    Y : array_like of shape (n_y, m)
        The labels.

    Returns
    -------
    tuple of int
        ``(n_x, 4, n_y)``.

    Examples
    --------
    >>> import numpy as np
    >>> layer_sizes(np.zeros((5, 3)), np.zeros((2, 3)))
    (5, 4, 2)
    """
    return int(np.shape(X)[0]), 4, int(np.shape(Y)[0])


def initialize_parameters(n_x: int, n_h: int, n_y: int) -> dict[str, np.ndarray]:
    """``W1``, ``W2`` ~ N(0, 1) × 0.01 after ``np.random.seed(2)``; ``b1``, ``b2`` zeros.

    nndl's ``random`` initializer, seed 2.

    Parameters
    ----------
    n_x : int
        The size of the input layer.
    n_h : int
        The size of the hidden layer.
    n_y : int
        The size of the output layer.

    Returns
    -------
    dict of str to numpy.ndarray
        ``W1 (n_h, n_x)``, ``b1 (n_h, 1)``, ``W2 (n_y, n_h)``, ``b2 (n_y, 1)``.
    """
    return init.initialize([n_x, n_h, n_y], "random", seed=SEED)


def forward_propagation(
    X: Any, parameters: Mapping[str, Any]
) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """``(A2, {"Z1", "A1", "Z2", "A2"})`` from :meth:`nndl.Network.forward`.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
        The examples, one per column.
    parameters : mapping of str to array_like
        ``W1 (n_h, n_x)``, ``b1 (n_h, 1)``, ``W2 (n_y, n_h)``, ``b2 (n_y, 1)``.

    Returns
    -------
    A2 : numpy.ndarray of shape (n_y, m)
        The sigmoid output.
    cache : dict of str to numpy.ndarray
        ``Z1``, ``A1`` (tanh), ``Z2`` and ``A2``.
    """
    A2, caches = network(parameters, "tanh").forward(as_float(X))
    cache = {"Z1": caches[0].Z, "A1": caches[0].A, "Z2": caches[1].Z, "A2": caches[1].A}
    return A2, cache


def compute_cost(A2: Any, Y: Any, parameters: Mapping[str, Any] | None = None) -> float:
    """The cross-entropy cost ``−(1/m) Σ (y log a + (1 − y) log(1 − a))`` (a float).

    Parameters
    ----------
    A2 : array_like of shape (1, m)
        The predicted probabilities.
    Y : array_like of shape (1, m)
        The labels, 0 or 1.
    parameters : mapping, optional
        Accepted for the older version of the assignment and unused.

    Returns
    -------
    float
        The cost J.
    """
    return logistic_cost(A2, Y)


def backward_propagation(
    parameters: Mapping[str, Any], cache: Mapping[str, Any], X: Any, Y: Any
) -> dict[str, np.ndarray]:
    """``{"dW1", "db1", "dW2", "db2"}`` from :meth:`nndl.Network.backward` on the cache.

    tanh's derivative is taken from ``A1`` (``1 − A1²``), as the course does.

    Parameters
    ----------
    parameters : mapping of str to array_like
        ``W1 (n_h, n_x)``, ``b1 (n_h, 1)``, ``W2 (n_y, n_h)``, ``b2 (n_y, 1)``.
    cache : mapping of str to array_like
        ``Z1``, ``A1``, ``Z2``, ``A2`` from :func:`forward_propagation`.
    X : array_like of shape (n_x, m)
        The examples.
    Y : array_like of shape (n_y, m)
        The labels.

    Returns
    -------
    dict of str to numpy.ndarray
        The gradients, each of its parameter's shape.
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
    """One step ``θ := θ − α dθ`` for every parameter (:meth:`nndl.Network.update`).

    Parameters
    ----------
    parameters : mapping of str to array_like
        ``W1 (n_h, n_x)``, ``b1 (n_h, 1)``, ``W2 (n_y, n_h)``, ``b2 (n_y, 1)``.
    grads : mapping of str to array_like
        ``dW1, db1, dW2, db2``.
    learning_rate : float, default 1.2
        α.

    Returns
    -------
    dict of str to numpy.ndarray
        The updated parameters (the given ones are not changed).

    Raises
    ------
    DivergenceError
        When an update becomes NaN or infinite.
    """
    net = network(parameters)
    net.update({k: as_float(v) for k, v in grads.items()}, learning_rate)
    return dict(net.params)


def flower_network(n_h: int, n_x: int = 2, n_y: int = 1) -> Network:
    """The assignment's network ``[n_x, n_h, n_y]``: tanh, seed 2, float64.

    Parameters
    ----------
    n_h : int
        The number of hidden units.
    n_x : int, default 2
        The number of input features.
    n_y : int, default 1
        The number of outputs.

    Returns
    -------
    Network
        The untrained network.
    """
    return Network([n_x, n_h, n_y], activations="tanh", seed=SEED, dtype="float64")


def logistic_regression_network(n_x: int = 2) -> Network:
    """Logistic regression ``[n_x, 1]`` in float64, the assignment's baseline.

    Parameters
    ----------
    n_x : int, default 2
        The number of input features.

    Returns
    -------
    Network
        The untrained network, weights at zero.
    """
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

    Parameters
    ----------
    X : array_like of shape (n_x, m)
        The examples, one per column.
    Y : array_like of shape (n_y, m)
        The labels, 0 or 1.
    n_h : int
        The number of hidden units.
    num_iterations : int, default 10000
        The number of gradient-descent steps.
    print_cost : bool, default False
        Print the cost every 1000 iterations.
    learning_rate : float, default 1.2
        α.

    Returns
    -------
    dict of str to numpy.ndarray
        The trained ``W1, b1, W2, b2``.

    Examples
    --------
    >>> from nndl.datasets import load_planar
    >>> X, Y = load_planar()
    >>> params = nn_model(X, Y, n_h=4, num_iterations=1000)
    >>> accuracy_percent(predict(params, X), Y) > 80
    True
    """
    X, Y = as_float(X), as_float(Y)
    net = flower_network(n_h, X.shape[0], Y.shape[0])
    net.fit(X, Y, learning_rate, num_iterations, print_every=1000 if print_cost else None)
    return dict(net.params)


def predict(parameters: Mapping[str, Any], X: Any) -> np.ndarray:
    """``(1, m)`` predictions: 1 where ``A2 > 0.5``, else 0.

    Parameters
    ----------
    parameters : mapping of str to array_like
        ``W1 (n_h, n_x)``, ``b1 (n_h, 1)``, ``W2 (n_y, n_h)``, ``b2 (n_y, 1)``.
    X : array_like of shape (n_x, m)
        The examples, one per column.

    Returns
    -------
    numpy.ndarray of shape (1, m)
        The predicted labels.
    """
    return np.asarray(network(parameters, "tanh").predict(as_float(X)))


def accuracy_percent(predictions: Any, Y: Any) -> float:
    """The course's ``(Y·pᵀ + (1 − Y)·(1 − p)ᵀ) / m × 100``.

    Parameters
    ----------
    predictions : array_like of shape (1, m)
        The predicted labels, 0 or 1.
    Y : array_like of shape (1, m)
        The true labels, 0 or 1.

    Returns
    -------
    float
        The percentage of correct predictions.
    """
    p, y = as_float(predictions), as_float(Y)
    return float((np.dot(y, p.T) + np.dot(1 - y, 1 - p.T)).item() / y.size * 100)
