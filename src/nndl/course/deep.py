"""Assignment 3: building a deep neural network, step by step.

The course's functions, with its signatures, caches and dicts.  Each step is
nndl's own: the linear part is :meth:`nndl.Network.linear_forward` /
:meth:`nndl.Network.linear_backward` (the functions the network's own loop calls),
the activations and their derivatives come from :mod:`nndl.model.activations`, and
``L_model_forward`` is :meth:`nndl.Network.forward`.

Caches follow the course: ``linear_cache = (A_prev, W, b)``,
``activation_cache = Z``, and ``cache = (linear_cache, activation_cache)`` per layer.

    Z[l] = W[l] A[l-1] + b[l]                  A[l] = g[l](Z[l])
    dZ[l] = dA[l] * g'[l](Z[l])                dW[l] = (1/m) dZ[l] A[l-1]ᵀ
    db[l] = (1/m) Σ dZ[l]                      dA[l-1] = W[l]ᵀ dZ[l]
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nndl.course._common import as_float, logistic_cost, network
from nndl.errors import NNDLValueError
from nndl.model import activations, init
from nndl.model.network import Network

LinearCache = tuple[np.ndarray, np.ndarray, np.ndarray]
Cache = tuple[LinearCache, np.ndarray]


def initialize_parameters(n_x: int, n_h: int, n_y: int) -> dict[str, np.ndarray]:
    """The 2-layer parameters after ``np.random.seed(1)``: W ~ N(0, 1) × 0.01, b = 0.

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
        ``W1`` ``(n_h, n_x)``, ``b1`` ``(n_h, 1)``, ``W2`` ``(n_y, n_h)``, ``b2`` ``(n_y, 1)``.

    Examples
    --------
    >>> params = initialize_parameters(3, 2, 1)
    >>> {k: v.shape for k, v in params.items()}
    {'W1': (2, 3), 'b1': (2, 1), 'W2': (1, 2), 'b2': (1, 1)}
    """
    return init.initialize([n_x, n_h, n_y], "random", seed=1)


def initialize_parameters_deep(layer_dims: Sequence[int]) -> dict[str, np.ndarray]:
    """``W1, b1, …, WL, bL`` after ``np.random.seed(3)``: W ~ N(0, 1) × 0.01, b = 0.

    Parameters
    ----------
    layer_dims : sequence of int
        ``[n_x, n[1], …, n[L]]``, the size of every layer.

    Returns
    -------
    dict of str to numpy.ndarray
        ``W{l}`` of shape ``(n[l], n[l-1])`` and ``b{l}`` of shape ``(n[l], 1)``.
    """
    return init.initialize(list(layer_dims), "random", seed=3)


def linear_forward(A: Any, W: Any, b: Any) -> tuple[np.ndarray, LinearCache]:
    """``Z = W A + b`` ``(n[l], m)`` and the cache ``(A, W, b)``.

    Parameters
    ----------
    A : array_like of shape (n[l-1], m)
        The activations of the layer before (or X).
    W : array_like of shape (n[l], n[l-1])
        The layer's weights.
    b : array_like of shape (n[l], 1)
        The layer's biases.

    Returns
    -------
    Z : numpy.ndarray of shape (n[l], m)
        The pre-activation.
    cache : tuple of numpy.ndarray
        ``(A, W, b)``, for the backward pass.

    Examples
    --------
    >>> import numpy as np
    >>> Z, cache = linear_forward(np.ones((2, 3)), np.array([[1.0, -1.0]]), np.array([[0.5]]))
    >>> Z
    array([[0.5, 0.5, 0.5]])
    """
    A, W, b = as_float(A), as_float(W), as_float(b)
    return Network.linear_forward(A, W, b), (A, W, b)


def sigmoid(Z: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(σ(Z), Z)``: the course's dnn_utils form (the activation and its cache).

    Parameters
    ----------
    Z : array_like
        The pre-activation, any shape.

    Returns
    -------
    A : numpy.ndarray
        σ(Z), of Z's shape.
    cache : numpy.ndarray
        Z itself.
    """
    Z = as_float(Z)
    return activations.get("sigmoid").forward(Z), Z


def relu(Z: Any) -> tuple[np.ndarray, np.ndarray]:
    """``(max(0, Z), Z)``: the course's dnn_utils form (the activation and its cache).

    Parameters
    ----------
    Z : array_like
        The pre-activation, any shape.

    Returns
    -------
    A : numpy.ndarray
        max(0, Z), of Z's shape.
    cache : numpy.ndarray
        Z itself.
    """
    Z = as_float(Z)
    return activations.get("relu").forward(Z), Z


def linear_activation_forward(
    A_prev: Any, W: Any, b: Any, activation: str
) -> tuple[np.ndarray, Cache]:
    """``A = g(W A_prev + b)`` and the cache ``((A_prev, W, b), Z)``.

    Parameters
    ----------
    A_prev : array_like of shape (n[l-1], m)
        The activations of the layer before (or X).
    W : array_like of shape (n[l], n[l-1])
        The layer's weights.
    b : array_like of shape (n[l], 1)
        The layer's biases.
    activation : str
        Any of nndl's activation names (the course uses ``"sigmoid"`` and ``"relu"``).

    Returns
    -------
    A : numpy.ndarray of shape (n[l], m)
        The layer's activations.
    cache : tuple
        ``((A_prev, W, b), Z)``.
    """
    Z, linear_cache = linear_forward(A_prev, W, b)
    return activations.get(activation).forward(Z), (linear_cache, Z)


def L_model_forward(X: Any, parameters: Mapping[str, Any]) -> tuple[np.ndarray, list[Cache]]:
    """[LINEAR → RELU] × (L − 1) → LINEAR → SIGMOID: ``(AL, caches)``, one cache a layer.

    The network's own :meth:`nndl.Network.forward`; its caches in the course's form.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
        The examples, one per column.
    parameters : mapping of str to array_like
        ``W1, b1, …, WL, bL``.

    Returns
    -------
    AL : numpy.ndarray of shape (1, m)
        The output, σ(Z[L]).
    caches : list of tuple
        ``((A_prev, W, b), Z)`` of each layer, layer 1 first.

    Examples
    --------
    >>> import numpy as np
    >>> params = initialize_parameters_deep([4, 3, 1])
    >>> AL, caches = L_model_forward(np.ones((4, 5)), params)
    >>> AL.shape, len(caches)
    ((1, 5), 2)
    """
    AL, caches = network(parameters, "relu", "sigmoid").forward(as_float(X))
    return AL, [((c.A_prev, c.W, c.b), c.Z) for c in caches]


def compute_cost(AL: Any, Y: Any) -> float:
    """``J = −(1/m) Σ (y log a + (1 − y) log(1 − a))`` (nndl's logistic loss), a float.

    Parameters
    ----------
    AL : array_like of shape (1, m)
        The predicted probabilities.
    Y : array_like of shape (1, m)
        The labels, 0 or 1.

    Returns
    -------
    float
        The cost J.

    Examples
    --------
    >>> round(compute_cost([[0.8, 0.9, 0.4]], [[1, 1, 0]]), 6)
    0.279777
    """
    return logistic_cost(AL, Y)


def linear_backward(dZ: Any, cache: LinearCache) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(dA_prev, dW, db)`` from ``dZ`` and ``(A_prev, W, b)``.

    Parameters
    ----------
    dZ : array_like of shape (n[l], m)
        The gradient of the cost with respect to Z[l].
    cache : tuple of array_like
        ``(A_prev, W, b)`` from :func:`linear_forward`.

    Returns
    -------
    dA_prev : numpy.ndarray of shape (n[l-1], m)
        ``W[l]ᵀ dZ[l]``.
    dW : numpy.ndarray of shape (n[l], n[l-1])
        ``(1/m) dZ[l] A[l-1]ᵀ``.
    db : numpy.ndarray of shape (n[l], 1)
        ``(1/m) Σ_i dZ[l]``.
    """
    A_prev, W, _ = cache
    dA_prev, dW, db = Network.linear_backward(as_float(dZ), as_float(A_prev), as_float(W))
    assert dA_prev is not None  # asked for
    return dA_prev, dW, db


def relu_backward(dA: Any, cache: Any) -> np.ndarray:
    """``dZ = dA * g'(Z)`` for ReLU (g'(z) = 1 for z > 0, else 0); ``cache`` is Z.

    Parameters
    ----------
    dA : array_like
        The gradient of the cost with respect to A.
    cache : array_like
        Z, of dA's shape.

    Returns
    -------
    numpy.ndarray
        dZ.
    """
    return np.asarray(activations.get("relu").backward(as_float(dA), as_float(cache)))


def sigmoid_backward(dA: Any, cache: Any) -> np.ndarray:
    """``dZ = dA * σ(Z)(1 − σ(Z))``; ``cache`` is Z.

    Parameters
    ----------
    dA : array_like
        The gradient of the cost with respect to A.
    cache : array_like
        Z, of dA's shape.

    Returns
    -------
    numpy.ndarray
        dZ.
    """
    return np.asarray(activations.get("sigmoid").backward(as_float(dA), as_float(cache)))


def linear_activation_backward(
    dA: Any, cache: Cache, activation: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(dA_prev, dW, db)`` through ``g`` (its derivative at the cached Z), then the linear part.

    Parameters
    ----------
    dA : array_like of shape (n[l], m)
        The gradient of the cost with respect to A[l].
    cache : tuple
        ``((A_prev, W, b), Z)`` from :func:`linear_activation_forward`.
    activation : str
        The activation of the forward pass.

    Returns
    -------
    dA_prev : numpy.ndarray of shape (n[l-1], m)
        The gradient with respect to A[l-1].
    dW : numpy.ndarray of shape (n[l], n[l-1])
        The gradient with respect to W[l].
    db : numpy.ndarray of shape (n[l], 1)
        The gradient with respect to b[l].
    """
    linear_cache, Z = cache
    dZ = activations.get(activation).backward(as_float(dA), as_float(Z))
    return linear_backward(dZ, linear_cache)


def dAL_logistic(AL: Any, Y: Any) -> np.ndarray:
    """``dAL = −(Y / AL − (1 − Y) / (1 − AL))``, the course's derivative of the cost.

    The same as ``nndl.model.losses.get("logistic").gradient(AL, Y)`` for every AL in
    (0, 1), where a sigmoid's outputs lie; nndl clips AL into [ε, 1 − ε] there, and
    the course's test case for ``L_model_backward`` feeds AL outside (0, 1), so the
    unclipped form is kept to reproduce its numbers.

    Parameters
    ----------
    AL : array_like of shape (1, m)
        The predicted probabilities.
    Y : array_like of shape (1, m)
        The labels, 0 or 1.

    Returns
    -------
    numpy.ndarray of shape (1, m)
        dAL.
    """
    AL, Y = as_float(AL), as_float(Y)
    return np.asarray(-(np.divide(Y, AL) - np.divide(1 - Y, 1 - AL)))


def L_model_backward(AL: Any, Y: Any, caches: Sequence[Cache]) -> dict[str, np.ndarray]:
    """``{"dA0", "dW1", "db1", …, "dA{L-1}", "dWL", "dbL"}``: the sigmoid layer, then the ReLUs.

    Each layer goes through :func:`linear_activation_backward`.  With AL = σ(Z[L]) this
    equals :meth:`nndl.Network.backward` (which starts from the fused ``dZ[L] = AL − Y``);
    ``dA{l}`` is the gradient flowing into layer l + 1.

    Parameters
    ----------
    AL : array_like of shape (1, m)
        The output of :func:`L_model_forward`.
    Y : array_like of shape (1, m)
        The labels, 0 or 1.
    caches : sequence of tuple
        The caches of :func:`L_model_forward`.

    Returns
    -------
    dict of str to numpy.ndarray
        The gradients, ``dW{l}`` and ``db{l}`` of each layer's parameters' shapes.

    Raises
    ------
    NNDLValueError
        When ``caches`` is empty.
    """
    L = len(caches)
    if L < 1:
        raise NNDLValueError("L_model_backward needs at least one layer cache")
    AL = as_float(AL)
    Y = as_float(Y).reshape(AL.shape)
    grads: dict[str, np.ndarray] = {}
    dA = dAL_logistic(AL, Y)
    for l in range(L, 0, -1):
        activation = "sigmoid" if l == L else "relu"
        dA, grads[f"dW{l}"], grads[f"db{l}"] = linear_activation_backward(
            dA, caches[l - 1], activation
        )
        grads[f"dA{l - 1}"] = dA
    return grads


def update_parameters(
    parameters: Mapping[str, Any], grads: Mapping[str, Any], learning_rate: float
) -> dict[str, np.ndarray]:
    """``W[l] := W[l] − α dW[l]``, ``b[l] := b[l] − α db[l]`` (:meth:`nndl.Network.update`).

    Parameters
    ----------
    parameters : mapping of str to array_like
        ``W1, b1, …, WL, bL``.
    grads : mapping of str to array_like
        ``dW1, db1, …`` (other keys, such as ``dA0``, are ignored).
    learning_rate : float
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
    wanted = {k: as_float(v) for k, v in grads.items() if k[:2] in ("dW", "db")}
    net.update(wanted, learning_rate)
    return dict(net.params)
