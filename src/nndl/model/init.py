"""Weight initialization: ``W[l]`` is ``(n[l], n[l-1])``, ``b[l] = 0`` is ``(n[l], 1)``.

Why random and small (the course): with ``W = 0`` every hidden unit of a layer
computes the same function and receives the same gradient, so they stay
identical forever; ``b = 0`` is harmless once W breaks that symmetry.  Large
weights push tanh and sigmoid units into their flat tails, where the gradient
vanishes and learning crawls.

Draws are made by NumPy in float64 and moved to the network's backend and dtype
once, so the same seed gives the same parameters on every backend.  An integer
seed drives ``numpy.random.RandomState``, the generator of the course's
notebooks, so ``seed=3`` reproduces their numbers; a ``numpy.random.Generator``
may be passed instead.

| name      | W[l] ~                                  | use                           |
|-----------|-----------------------------------------|-------------------------------|
| zeros     | 0                                       | shows the symmetry problem    |
| random    | N(0, 1) × 0.01                          | the course's default          |
| scaled    | N(0, 1) / sqrt(n[l-1])                  | the course's deep application |
| xavier    | N(0, 1) × sqrt(2 / (n[l-1] + n[l]))     | tanh, sigmoid (Glorot 2010)   |
| he        | N(0, 1) × sqrt(2 / n[l-1])              | ReLU (He et al. 2015)         |
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np

from nndl.errors import NNDLTypeError, NNDLValueError
from nndl.model._configurable import lookup

Generator = np.random.RandomState | np.random.Generator
RandomSource = int | Generator | None
Initializer = Callable[[int, int, Generator], np.ndarray]


def zeros(n: int, n_prev: int, rng: Generator) -> np.ndarray:
    """W = 0: every unit of the layer starts, and stays, identical.

    Parameters
    ----------
    n : int
        n[l], the number of units of the layer (the rows of W[l]).
    n_prev : int
        n[l-1], the number of units of the layer before (the columns of W[l]).
    rng : numpy.random.Generator or numpy.random.RandomState
        The random source (unused).

    Returns
    -------
    numpy.ndarray of shape (n, n_prev)
        W[l].
    """
    return np.zeros((n, n_prev))


def random(n: int, n_prev: int, rng: Generator) -> np.ndarray:
    """W = randn(n[l], n[l-1]) × 0.01, the course's default.

    Parameters
    ----------
    n : int
        n[l], the number of units of the layer (the rows of W[l]).
    n_prev : int
        n[l-1], the number of units of the layer before (the columns of W[l]).
    rng : numpy.random.Generator or numpy.random.RandomState
        The random source.

    Returns
    -------
    numpy.ndarray of shape (n, n_prev)
        W[l].
    """
    return rng.standard_normal((n, n_prev)) * 0.01


def scaled(n: int, n_prev: int, rng: Generator) -> np.ndarray:
    """W = randn(n[l], n[l-1]) / sqrt(n[l-1]), as in the course's deep network application.

    Parameters
    ----------
    n : int
        n[l], the number of units of the layer (the rows of W[l]).
    n_prev : int
        n[l-1], the number of units of the layer before (the columns of W[l]).
    rng : numpy.random.Generator or numpy.random.RandomState
        The random source.

    Returns
    -------
    numpy.ndarray of shape (n, n_prev)
        W[l].
    """
    return rng.standard_normal((n, n_prev)) / math.sqrt(n_prev)


def xavier(n: int, n_prev: int, rng: Generator) -> np.ndarray:
    """W = randn(n[l], n[l-1]) × sqrt(2 / (n[l-1] + n[l])) (Glorot and Bengio, 2010).

    Parameters
    ----------
    n : int
        n[l], the number of units of the layer (the rows of W[l]).
    n_prev : int
        n[l-1], the number of units of the layer before (the columns of W[l]).
    rng : numpy.random.Generator or numpy.random.RandomState
        The random source.

    Returns
    -------
    numpy.ndarray of shape (n, n_prev)
        W[l].
    """
    return rng.standard_normal((n, n_prev)) * math.sqrt(2.0 / (n_prev + n))


def he(n: int, n_prev: int, rng: Generator) -> np.ndarray:
    """W = randn(n[l], n[l-1]) × sqrt(2 / n[l-1]) (He et al., 2015), for ReLU layers.

    Parameters
    ----------
    n : int
        n[l], the number of units of the layer (the rows of W[l]).
    n_prev : int
        n[l-1], the number of units of the layer before (the columns of W[l]).
    rng : numpy.random.Generator or numpy.random.RandomState
        The random source.

    Returns
    -------
    numpy.ndarray of shape (n, n_prev)
        W[l].
    """
    return rng.standard_normal((n, n_prev)) * math.sqrt(2.0 / n_prev)


INITIALIZERS: dict[str, Initializer] = {
    "zeros": zeros,
    "random": random,
    "scaled": scaled,
    "xavier": xavier,
    "he": he,
}
"""The registry: every initializer by its name."""


def get(identifier: str | Initializer) -> Initializer:
    """An initializer from its name, or a callable ``(n, n_prev, rng) -> W`` (returned as is).

    Parameters
    ----------
    identifier : str or callable
        ``"zeros"``, ``"random"``, ``"scaled"``, ``"xavier"`` or ``"he"``, or a callable
        ``(n, n_prev, rng) -> W`` with W of shape ``(n, n_prev)``.

    Returns
    -------
    callable
        The initializer.

    Raises
    ------
    NNDLValueError
        When the name is not a known initializer.

    Examples
    --------
    >>> get("he")(3, 2, make_rng(1)).shape
    (3, 2)
    """
    if callable(identifier):
        return identifier
    if isinstance(identifier, str):
        return lookup(INITIALIZERS, identifier, "initializer")
    raise NNDLValueError(
        f"unknown initializer {identifier!r}; the known ones are: {', '.join(INITIALIZERS)}"
    )


def make_rng(seed: RandomSource) -> Generator:
    """A random source from a seed: an int gives the course's ``RandomState(seed)``.

    Parameters
    ----------
    seed : int or numpy.random.Generator or numpy.random.RandomState or None
        An int in [0, 2**32) (the course's ``np.random.seed(seed)``), a random source
        (returned as is), or None for fresh entropy.

    Returns
    -------
    numpy.random.Generator or numpy.random.RandomState
        The random source.

    Raises
    ------
    NNDLValueError
        When an int seed is outside [0, 2**32).
    NNDLTypeError
        When the seed is of another type.
    """
    if isinstance(seed, (np.random.RandomState, np.random.Generator)):
        return seed
    if seed is None:
        return np.random.default_rng()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        if not 0 <= seed < 2**32:
            raise NNDLValueError(f"seed must be between 0 and 2**32 - 1. Received: seed={seed}")
        return np.random.RandomState(int(seed))
    raise NNDLTypeError(
        "seed must be an int, None, or a numpy.random.Generator / RandomState. "
        f"Received: seed={seed!r}"
    )


def initialize(
    layer_dims: Sequence[int], init: str | Initializer = "random", seed: RandomSource = None
) -> dict[str, np.ndarray]:
    """Parameters ``W1, b1, …, WL, bL`` (float64 NumPy) for ``layer_dims = [n_x, n[1], …, n[L]]``.

    ``W[l]`` is drawn layer by layer in order; every ``b[l]`` is zeros ``(n[l], 1)``.

    Parameters
    ----------
    layer_dims : sequence of int
        ``[n_x, n[1], …, n[L]]``, the sizes of the input and of each layer.
    init : str or callable, default "random"
        The initializer of the weights (see :func:`get`).
    seed : int or numpy.random.Generator or numpy.random.RandomState or None
        The random source (see :func:`make_rng`).

    Returns
    -------
    dict of str to numpy.ndarray
        ``{"W1": W[1], "b1": b[1], …}``, W[l] of shape ``(n[l], n[l-1])``.

    Raises
    ------
    NNDLValueError
        When a custom initializer returns W of the wrong shape.

    Examples
    --------
    >>> params = initialize([2, 4, 1], init="xavier", seed=3)
    >>> params["W1"].shape, params["b1"].shape, params["W2"].shape
    ((4, 2), (4, 1), (1, 4))
    """
    initializer = get(init)
    rng = make_rng(seed)
    params: dict[str, np.ndarray] = {}
    for l in range(1, len(layer_dims)):
        n, n_prev = layer_dims[l], layer_dims[l - 1]
        W = np.asarray(initializer(n, n_prev, rng), dtype=np.float64)
        if W.shape != (n, n_prev):
            raise NNDLValueError(
                f"the initializer returned W{l} of shape {W.shape}; expected (n[l], n[l-1]) = "
                f"{(n, n_prev)}"
            )
        params[f"W{l}"] = W
        params[f"b{l}"] = np.zeros((n, 1))
    return params
