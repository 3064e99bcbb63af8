"""Assignment 1: logistic regression with a neural-network mindset.

The course's functions, with its signatures, over :func:`nndl.logistic_regression`
(the network ``[n_x, 1]`` with a sigmoid output).  The course keeps the weights as
a column ``w`` of shape ``(n_x, 1)`` and ``b`` as a number; nndl's ``W1`` is ``wᵀ``,
shape ``(1, n_x)``, and ``b1`` is ``[[b]]``.

    ŷ = A = σ(wᵀX + b)                                  A: (1, m)
    J = −(1/m) Σ (y log a + (1 − y) log(1 − a))
    dw = (1/m) X (A − Y)ᵀ   (n_x, 1)      db = (1/m) Σ (a − y)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nndl.course._common import as_float, every
from nndl.errors import NNDLValueError, ShapeError
from nndl.model import activations, init
from nndl.model.network import Network, logistic_regression


def sigmoid(z: Any) -> Any:
    """``σ(z) = 1 / (1 + e^(−z))`` of a number or an array (nndl's stable sigmoid).

    Parameters
    ----------
    z : float or array_like
        The input.

    Returns
    -------
    float or numpy.ndarray
        σ(z), of z's shape.

    Examples
    --------
    >>> sigmoid(np.array([0, 2]))
    array([0.5       , 0.88079708])
    """
    s = activations.get("sigmoid").forward(as_float(z))
    return s[()] if s.ndim == 0 else s


def initialize_with_zeros(dim: int) -> tuple[np.ndarray, float]:
    """``w`` zeros of shape ``(dim, 1)`` and ``b = 0.0`` (nndl's ``zeros`` initializer).

    Parameters
    ----------
    dim : int
        n_x, the number of features.

    Returns
    -------
    w : numpy.ndarray of shape (dim, 1)
        Zeros.
    b : float
        0.0.
    """
    w = init.initialize([dim, 1], "zeros")["W1"].T
    return np.ascontiguousarray(w), 0.0


def _network(w: Any, b: Any) -> Network:
    w = as_float(w)
    if w.ndim != 2 or w.shape[1] != 1:
        raise ShapeError(
            f"w must be a column of shape (n_x, 1). Received: w.shape={w.shape}; "
            "use w.reshape(-1, 1)"
        )
    net = logistic_regression(w.shape[0], dtype="float64")
    net.params = {"W1": np.ascontiguousarray(w.T), "b1": np.full((1, 1), float(np.squeeze(b)))}
    return net


def _w_b(net: Network) -> tuple[np.ndarray, float]:
    return np.ascontiguousarray(net.params["W1"].T), float(net.params["b1"][0, 0])


def _grads(g: dict[str, Any]) -> dict[str, Any]:
    return {"dw": np.ascontiguousarray(g["dW1"].T), "db": float(g["db1"][0, 0])}


def propagate(w: Any, b: Any, X: Any, Y: Any) -> tuple[dict[str, Any], float]:
    """One forward and one backward pass: ``({"dw": (n_x, 1), "db": float}, cost)``.

    Parameters
    ----------
    w : array_like of shape (n_x, 1)
        The weights, a column.
    b : float
        The bias.
    X : array_like of shape (n_x, m)
        The examples, one per column.
    Y : array_like of shape (1, m)
        The labels, 0 or 1.

    Returns
    -------
    grads : dict of str to numpy.ndarray or float
        ``dw = (1/m) X (A − Y)ᵀ`` and ``db = (1/m) Σ (A − Y)``.
    cost : float
        The logistic cost J.

    Raises
    ------
    ShapeError
        When w is not a column.

    Examples
    --------
    >>> w, b = np.array([[1.0], [2.0]]), 2.0
    >>> X, Y = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]]), np.array([[1, 0, 1]])
    >>> grads, cost = propagate(w, b, X, Y)
    >>> grads["dw"].round(8), round(grads["db"], 8), round(cost, 8)
    (array([[0.99845601],
           [2.39507239]]), 0.00145558, 5.80154532)
    """
    cost, g = _network(w, b).gradients(as_float(X), as_float(Y))
    return _grads(g), cost


def optimize(
    w: Any,
    b: Any,
    X: Any,
    Y: Any,
    num_iterations: int = 100,
    learning_rate: float = 0.009,
    print_cost: bool = False,
) -> tuple[dict[str, Any], dict[str, Any], list[float]]:
    """Gradient descent ``w := w − α dw``, ``b := b − α db``, ``num_iterations`` times.

    Trained by :meth:`nndl.Network.fit`.

    Parameters
    ----------
    w : array_like of shape (n_x, 1)
        The weights, a column.
    b : float
        The bias.
    X : array_like of shape (n_x, m)
        The examples, one per column.
    Y : array_like of shape (1, m)
        The labels, 0 or 1.
    num_iterations : int, default 100
        The number of steps, at least 1.
    learning_rate : float, default 0.009
        α.
    print_cost : bool, default False
        Print the cost every 100 iterations.

    Returns
    -------
    params : dict
        ``{"w", "b"}`` after the last update.
    grads : dict
        ``{"dw", "db"}`` of the last iteration (before its update).
    costs : list of float
        The cost of iterations 0, 100, 200, ….

    Raises
    ------
    NNDLValueError
        When ``num_iterations`` is below 1.
    """
    if int(num_iterations) < 1:
        raise NNDLValueError(f"num_iterations must be >= 1. Received: {num_iterations!r}")
    net, X, Y = _network(w, b), as_float(X), as_float(Y)
    printer = _printer(print_cost, "Cost after iteration %i: %f")
    costs: list[float] = []
    if num_iterations > 1:
        costs = list(net.fit(X, Y, learning_rate, int(num_iterations) - 1, callback=printer))
    cost, g = net.gradients(X, Y)  # the last iteration, by hand: the course returns its grads
    if printer is not None:
        printer(len(costs), cost)
    net.update(g, learning_rate)
    w, b = _w_b(net)
    return {"w": w, "b": b}, _grads(g), every([*costs, cost], 100)


def _printer(on: bool, fmt: str) -> Any:
    if not on:
        return None

    def show(i: int, cost: float) -> None:
        if i % 100 == 0:
            print(fmt % (i, cost))

    return show


def predict(w: Any, b: Any, X: Any) -> np.ndarray:
    """``(1, m)`` predictions, 1.0 where ``σ(wᵀX + b) > 0.5`` else 0.0.

    Parameters
    ----------
    w : array_like of shape (n_x, 1)
        The weights, a column.
    b : float
        The bias.
    X : array_like of shape (n_x, m)
        The examples, one per column.

    Returns
    -------
    numpy.ndarray of shape (1, m)
        The predicted labels, as floats.
    """
    return np.asarray(_network(w, b).predict(as_float(X)), dtype=np.float64)


def accuracy_percent(Y_prediction: Any, Y: Any) -> float:
    """The course's ``100 − mean(|Ŷ − Y|) · 100``.

    Parameters
    ----------
    Y_prediction : array_like of shape (1, m)
        The predicted labels, 0 or 1.
    Y : array_like of shape (1, m)
        The true labels, 0 or 1.

    Returns
    -------
    float
        The percentage of correct predictions.
    """
    return float(100 - np.mean(np.abs(as_float(Y_prediction) - as_float(Y))) * 100)


def model(
    X_train: Any,
    Y_train: Any,
    X_test: Any,
    Y_test: Any,
    num_iterations: int = 2000,
    learning_rate: float = 0.5,
    print_cost: bool = False,
) -> dict[str, Any]:
    """The whole model: zeros, :func:`optimize`, :func:`predict`; prints both accuracies.

    Parameters
    ----------
    X_train : array_like of shape (n_x, m_train)
        The training examples, one per column.
    Y_train : array_like of shape (1, m_train)
        Their labels, 0 or 1.
    X_test : array_like of shape (n_x, m_test)
        The test examples.
    Y_test : array_like of shape (1, m_test)
        Their labels.
    num_iterations : int, default 2000
        The number of gradient-descent steps.
    learning_rate : float, default 0.5
        α.
    print_cost : bool, default False
        Print the cost every 100 iterations.

    Returns
    -------
    dict
        The course's dict: ``costs``, ``Y_prediction_test``, ``Y_prediction_train``,
        ``w``, ``b``, ``learning_rate``, ``num_iterations``.
    """
    w, b = initialize_with_zeros(np.shape(X_train)[0])
    params, _, costs = optimize(
        w, b, X_train, Y_train, num_iterations, learning_rate, print_cost=print_cost
    )
    Y_prediction_test = predict(params["w"], params["b"], X_test)
    Y_prediction_train = predict(params["w"], params["b"], X_train)
    print(f"train accuracy: {accuracy_percent(Y_prediction_train, Y_train)} %")
    print(f"test accuracy: {accuracy_percent(Y_prediction_test, Y_test)} %")
    return {
        "costs": costs,
        "Y_prediction_test": Y_prediction_test,
        "Y_prediction_train": Y_prediction_train,
        "w": params["w"],
        "b": params["b"],
        "learning_rate": learning_rate,
        "num_iterations": num_iterations,
    }
