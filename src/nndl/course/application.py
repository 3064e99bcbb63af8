"""Assignment 4: deep neural network for image classification (application).

The course's ``two_layer_model`` and ``L_layer_model`` are :class:`nndl.Network`
trained by :meth:`nndl.Network.fit` with the course's settings: float64, ReLU
hidden layers, a sigmoid output, ``np.random.seed(1)``; the 2-layer network's
weights are N(0, 1) × 0.01 (``init="random"``), the L-layer network's
N(0, 1) / √n[l−1] (``init="scaled"``, the course's ``dnn_app_utils``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nndl import datasets
from nndl.course._common import as_float, every
from nndl.course.deep import L_model_forward
from nndl.model import init
from nndl.model.network import Network

SEED = 1


def load_data(
    path: str | Path | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(train_x_orig, train_y, test_x_orig, test_y, classes)`` like the course's ``load_data()``.

    The course's files from ``path`` or ``$NNDL_CAT_DIR``, else the stand-in (with a
    :class:`nndl.datasets.StandInWarning` saying how to get them).

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The folder holding ``train_catvnoncat.h5`` and ``test_catvnoncat.h5``.

    Returns
    -------
    tuple of numpy.ndarray
        Images ``(m, 64, 64, 3)`` with labels ``(1, m)`` for training and test, and the
        class names.
    """
    return datasets.load_cat(path).as_tuple()


def initialize_parameters_deep(layer_dims: Sequence[int]) -> dict[str, np.ndarray]:
    """The application's initialization: ``np.random.seed(1)``, W ~ N(0, 1) / √n[l−1].

    Parameters
    ----------
    layer_dims : sequence of int
        ``[n_x, n[1], …, n[L]]``.

    Returns
    -------
    dict of str to numpy.ndarray
        ``W{l}`` of shape ``(n[l], n[l-1])``, ``b{l}`` zeros of shape ``(n[l], 1)``.
    """
    return init.initialize(list(layer_dims), "scaled", seed=SEED)


def two_layer_network(layers_dims: Sequence[int]) -> Network:
    """``[n_x, n_h, n_y]``: ReLU, sigmoid output, N(0, 1) × 0.01 from seed 1, float64.

    Parameters
    ----------
    layers_dims : sequence of int
        ``[n_x, n_h, n_y]``.

    Returns
    -------
    Network
        The untrained network.
    """
    return Network(list(layers_dims), activations="relu", init="random", seed=SEED, dtype="float64")


def L_layer_network(layers_dims: Sequence[int]) -> Network:
    """``layers_dims``: ReLU, sigmoid output, N(0, 1) / √n[l−1] from seed 1, float64.

    Parameters
    ----------
    layers_dims : sequence of int
        ``[n_x, n[1], …, n[L]]``.

    Returns
    -------
    Network
        The untrained network.
    """
    return Network(list(layers_dims), activations="relu", init="scaled", seed=SEED, dtype="float64")


def _train(
    net: Network, X: Any, Y: Any, learning_rate: float, num_iterations: int, print_cost: bool
) -> tuple[dict[str, np.ndarray], list[float]]:
    last = int(num_iterations) - 1

    def show(i: int, cost: float) -> None:
        if i % 100 == 0 or i == last:
            print(f"Cost after iteration {i}: {cost}")

    costs = net.fit(
        as_float(X),
        as_float(Y),
        learning_rate,
        num_iterations,
        callback=show if print_cost else None,
    )
    return dict(net.params), every(list(costs), 100)


def two_layer_model(
    X: Any,
    Y: Any,
    layers_dims: Sequence[int],
    learning_rate: float = 0.0075,
    num_iterations: int = 3000,
    print_cost: bool = False,
) -> tuple[dict[str, np.ndarray], list[float]]:
    """LINEAR → RELU → LINEAR → SIGMOID: ``(parameters, costs every 100 iterations)``.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
        The examples, one per column (flattened images).
    Y : array_like of shape (1, m)
        The labels, 0 or 1.
    layers_dims : sequence of int
        ``[n_x, n_h, n_y]``.
    learning_rate : float, default 0.0075
        α.
    num_iterations : int, default 3000
        The number of gradient-descent steps.
    print_cost : bool, default False
        Print the cost every 100 iterations and at the last.

    Returns
    -------
    parameters : dict of str to numpy.ndarray
        The trained ``W1, b1, …``.
    costs : list of float
        The cost of iterations 0, 100, 200, ….
    """
    return _train(two_layer_network(layers_dims), X, Y, learning_rate, num_iterations, print_cost)


def L_layer_model(
    X: Any,
    Y: Any,
    layers_dims: Sequence[int],
    learning_rate: float = 0.0075,
    num_iterations: int = 3000,
    print_cost: bool = False,
) -> tuple[dict[str, np.ndarray], list[float]]:
    """[LINEAR → RELU] × (L − 1) → LINEAR → SIGMOID: ``(parameters, costs every 100)``.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
        The examples, one per column (flattened images).
    Y : array_like of shape (1, m)
        The labels, 0 or 1.
    layers_dims : sequence of int
        ``[n_x, n[1], …, n[L]]``.
    learning_rate : float, default 0.0075
        α.
    num_iterations : int, default 3000
        The number of gradient-descent steps.
    print_cost : bool, default False
        Print the cost every 100 iterations and at the last.

    Returns
    -------
    parameters : dict of str to numpy.ndarray
        The trained ``W1, b1, …``.
    costs : list of float
        The cost of iterations 0, 100, 200, ….
    """
    return _train(L_layer_network(layers_dims), X, Y, learning_rate, num_iterations, print_cost)


def predict(X: Any, y: Any, parameters: Mapping[str, Any]) -> np.ndarray:
    """``(1, m)`` predictions (1.0 where AL > 0.5); prints ``Accuracy: …`` like the course.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
        The examples, one per column.
    y : array_like of shape (1, m)
        Their labels, for the accuracy printed.
    parameters : mapping of str to array_like
        ``W1, b1, …, WL, bL``.

    Returns
    -------
    numpy.ndarray of shape (1, m)
        The predicted labels, as floats.
    """
    probas, _ = L_model_forward(X, parameters)
    p = (probas > 0.5).astype(np.float64)
    print("Accuracy: " + str(np.sum(p == as_float(y)) / p.shape[1]))
    return p


def mislabeled_indices(y: Any, p: Any) -> np.ndarray:
    """Indices of the examples whose prediction ``p`` differs from the label ``y``.

    What the course's ``print_mislabeled_images`` draws; :func:`nndl.plot.misclassified`
    draws them.

    Parameters
    ----------
    y : array_like of shape (1, m)
        The labels.
    p : array_like of shape (1, m)
        The predictions.

    Returns
    -------
    numpy.ndarray of int
        The column indices where they differ.

    Examples
    --------
    >>> mislabeled_indices([[1, 0, 1, 1]], [[1, 1, 1, 0]])
    array([1, 3])
    """
    return np.flatnonzero(as_float(p).ravel() != as_float(y).ravel())
