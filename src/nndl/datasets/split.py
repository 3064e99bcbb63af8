"""Seeded train/test split in the course's layout (one column per example)."""

from __future__ import annotations

import numpy as np

from nndl.errors import NNDLValueError
from nndl.model.init import RandomSource, make_rng


def train_test_split(
    X: np.ndarray, Y: np.ndarray, test_size: float = 0.25, seed: RandomSource = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``(X_train, Y_train, X_test, Y_test)``: a random ``test_size`` share of the columns held out.

    The same seed gives the same split.

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
    m = X.shape[1]
    if isinstance(test_size, float) and 0 < test_size < 1:
        n_test = round(test_size * m)
    elif isinstance(test_size, (int, np.integer)) and not isinstance(test_size, bool):
        n_test = int(test_size)
    else:
        raise NNDLValueError(
            f"test_size must be a fraction in (0, 1) or a number of examples. "
            f"Received: test_size={test_size!r}"
        )
    if not 0 < n_test < m:
        raise NNDLValueError(
            f"test_size={test_size!r} leaves {m - n_test} training and {n_test} test examples "
            f"out of m={m}; both need at least one"
        )
    order = make_rng(seed).permutation(m)
    test, train = order[:n_test], order[n_test:]
    return X[:, train], Y[:, train], X[:, test], Y[:, test]
