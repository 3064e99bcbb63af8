"""Seeded splits in the course's layout: examples held out of a data set, at random.

:func:`held_out` is the one split: a permutation of the m examples drawn from a seed, whose
first ones are held out.  :func:`train_test_split` and ``Network.fit``'s
``validation_split`` are front-ends over it.  (The scikit-learn estimators hold out their
validation set with scikit-learn's own ``train_test_split``, stratified, so that they split
as scikit-learn's MLPs do: see ``nndl.estimators._core.split_validation``.)
"""

from __future__ import annotations

import math
from typing import Any, Literal

import numpy as np

from nndl.arrays.backend import Array, from_numpy, namespace
from nndl.errors import NNDLValueError
from nndl.model.init import RandomSource, make_rng

ROUNDINGS = ("up", "nearest")


def held_out(
    X: Array,
    Y: Array,
    size: float,
    seed: RandomSource = 0,
    *,
    axis: int = 1,
    in_order: bool = False,
    rounding: Literal["up", "nearest"] = "up",
    name: str = "size",
) -> tuple[Any, Any, Any, Any]:
    """``(X_kept, Y_kept, X_held, Y_held)``: a random ``size`` of the examples held out.

    The m examples are permuted by ``seed``'s generator; the first ``n_held`` of the
    permutation are held out, the others kept.  A fraction f gives ``n_held = ⌈f · m⌉``
    (``rounding="up"``, as ``validation_split`` and scikit-learn count) or ``round(f · m)``
    (``rounding="nearest"``, as :func:`train_test_split` counts); an int is ``n_held``.
    Both parts keep at least one example.  Any array library: the parts are taken with its
    ``take``, on its device.

    Parameters
    ----------
    X : Array
        The examples, along ``axis``: ``(n_x, m)`` (the course's layout) or ``(m, …)``.
    Y : Array of shape (n_y, m) or (n_y, m, T)
        Their targets, one column per example.
    size : float or int
        The fraction in (0, 1) of the examples held out, or their number.
    seed : int or numpy.random.Generator, default 0
        The random source of the permutation (an int: ``numpy.random.RandomState(seed)``).
    axis : int, default 1
        The axis of X along which the examples lie (0 for pictures and sequences).
    in_order : bool, default False
        Keep each part's examples in their order in X (else in the permutation's).
    rounding : {"up", "nearest"}, default "up"
        How a fraction becomes a number of examples.
    name : str, default "size"
        The caller's name of ``size``, for the error messages.

    Returns
    -------
    X_kept : Array
        The examples kept, ``m − n_held`` of them along ``axis``.
    Y_kept : Array of shape (n_y, m - n_held)
        Their targets.
    X_held : Array
        The examples held out, ``n_held`` of them along ``axis``.
    Y_held : Array of shape (n_y, n_held)
        Their targets.

    Raises
    ------
    NNDLValueError
        When X and Y do not hold the same number of examples, ``size`` is neither a
        fraction in (0, 1) nor an int, or it leaves no example kept or none held out.

    Examples
    --------
    >>> import numpy as np
    >>> X, Y = np.arange(20.0).reshape(2, 10), np.arange(10).reshape(1, 10)
    >>> X_kept, Y_kept, X_held, Y_held = held_out(X, Y, 0.25, seed=0, in_order=True)
    >>> X_kept.shape, Y_held
    ((2, 7), array([[2, 4, 8]]))
    """
    m = X.shape[axis]
    if Y.ndim < 2 or Y.shape[1] != m:
        raise NNDLValueError(
            f"X holds m={m} examples along axis {axis} but Y has shape {tuple(Y.shape)}: Y "
            "must be (n_y, m), one column per example of X"
        )
    n_held = held_out_count(m, size, rounding, name)
    order = make_rng(seed).permutation(m)
    held, kept = order[:n_held], order[n_held:]
    if in_order:
        held, kept = np.sort(held), np.sort(kept)
    xp = namespace(X)
    held_idx, kept_idx = from_numpy(held, X), from_numpy(kept, X)
    return (
        xp.take(X, kept_idx, axis=axis),
        xp.take(Y, kept_idx, axis=1),
        xp.take(X, held_idx, axis=axis),
        xp.take(Y, held_idx, axis=1),
    )


def held_out_count(m: int, size: float, rounding: str = "up", name: str = "size") -> int:
    """The number of examples out of ``m`` that ``size`` holds out (see :func:`held_out`).

    Parameters
    ----------
    m : int
        The examples in all.
    size : float or int
        A fraction in (0, 1) of them, or their number.
    rounding : {"up", "nearest"}, default "up"
        ``⌈size · m⌉`` or ``round(size · m)`` for a fraction.
    name : str, default "size"
        The caller's name of ``size``, for the error messages.

    Returns
    -------
    int
        ``n_held``, with ``0 < n_held < m``.

    Raises
    ------
    NNDLValueError
        When ``size`` is neither a fraction in (0, 1) nor an int, or leaves no example on
        one side.
    """
    if rounding not in ROUNDINGS:
        raise NNDLValueError(f"rounding must be 'up' or 'nearest'. Received: {rounding!r}")
    if isinstance(size, (float, np.floating)) and 0 < size < 1:
        n_held = math.ceil(size * m) if rounding == "up" else round(size * m)
    elif isinstance(size, (int, np.integer)) and not isinstance(size, (bool, np.bool_)):
        n_held = int(size)
    else:
        raise NNDLValueError(
            f"{name} must be a fraction in (0, 1) or a number of examples. "
            f"Received: {name}={size!r}"
        )
    if not 0 < n_held < m:
        raise NNDLValueError(
            f"{name}={size!r} leaves {m - n_held} examples kept and {n_held} held out of "
            f"m={m}; both need at least one"
        )
    return n_held


def train_test_split(
    X: np.ndarray, Y: np.ndarray, test_size: float = 0.25, seed: RandomSource = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(X_train, Y_train, X_test, Y_test)``: a random ``test_size`` share of the columns held out.

    The same seed gives the same split: :func:`held_out`, with ``round(test_size · m)``
    examples held out, in the permutation's order.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
        The examples, one per column.
    Y : array_like of shape (n_y, m)
        Their targets.
    test_size : float or int, default 0.25
        The fraction in (0, 1) of the examples held out, or their number.
    seed : int or numpy.random.Generator, default 0
        The random source of the shuffle.

    Returns
    -------
    X_train : numpy.ndarray of shape (n_x, m - m_test)
        The training examples.
    Y_train : numpy.ndarray of shape (n_y, m - m_test)
        Their targets.
    X_test : numpy.ndarray of shape (n_x, m_test)
        The held-out examples.
    Y_test : numpy.ndarray of shape (n_y, m_test)
        Their targets.

    Raises
    ------
    NNDLValueError
        When X and Y do not have the same number of columns, or ``test_size`` leaves no
        training or no test example.

    Examples
    --------
    >>> import numpy as np
    >>> X, Y = np.arange(20.0).reshape(2, 10), np.arange(10).reshape(1, 10)
    >>> X_train, Y_train, X_test, Y_test = train_test_split(X, Y, test_size=0.3, seed=0)
    >>> X_train.shape, X_test.shape
    ((2, 7), (2, 3))
    """
    X, Y = np.asarray(X), np.asarray(Y)
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1]:
        raise NNDLValueError(
            "train_test_split expects X of shape (n_x, m) and Y of shape (n_y, m) with the "
            f"same m. Received: X.shape={X.shape}, Y.shape={Y.shape}"
        )
    X_train, Y_train, X_test, Y_test = held_out(
        X, Y, test_size, seed, rounding="nearest", name="test_size"
    )
    return X_train, Y_train, X_test, Y_test
