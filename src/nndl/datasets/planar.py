"""The course's planar "flower": two classes of points on the petals of r = 4 sin(4t)."""

from __future__ import annotations

import numpy as np

from nndl import _files
from nndl.datasets.synthetic import check_noise
from nndl.errors import NNDLValueError
from nndl.model.init import RandomSource, make_rng


def load_planar(
    m: int = 400, noise: float = 0.2, seed: RandomSource = 1
) -> tuple[np.ndarray, np.ndarray]:
    """The flower data set: ``X`` of shape ``(2, m)``, labels ``Y`` of shape ``(1, m)`` in {0, 1}.

    For class j ∈ {0, 1}, with N = m/2 points each::

        t = linspace(3.12 j, 3.12 (j + 1), N) + noise · randn(N)
        r = 4 sin(4t) + noise · randn(N)
        x = (r sin t, r cos t)

    With the defaults (m = 400, noise 0.2, seed 1) this draws the same random
    numbers in the same order as the course's ``load_planar_dataset``, so it is
    the course's data set, point for point.

    Parameters
    ----------
    m : int, default 400
        The number of examples, even (m/2 per class).
    noise : float, default 0.2
        The standard deviation of the noise on t and r.
    seed : int or numpy.random.Generator, default 1
        The random source.

    Returns
    -------
    X : numpy.ndarray of shape (2, m)
        The points, one per column.
    Y : numpy.ndarray of shape (1, m)
        Their labels, 0 (red) or 1 (blue).

    Raises
    ------
    NNDLValueError
        When m is not an even number >= 2 or the noise is negative.

    Examples
    --------
    >>> X, Y = load_planar()
    >>> X.shape, Y.shape, int(Y.sum())
    ((2, 400), (1, 400), 200)
    """
    if isinstance(m, bool) or not isinstance(m, (int, np.integer)) or m < 2 or m % 2:
        raise NNDLValueError(
            f"m must be an even whole number >= 2 (two classes of m/2). Received: m={m!r}"
        )
    check_noise(noise)
    _files.check_memory(96.0 * int(m), f"generating {int(m):,} examples", "Ask for fewer.")
    rng = make_rng(seed)
    N = m // 2
    X = np.zeros((m, 2))
    Y = np.zeros((m, 1), dtype=np.int64)
    for j in range(2):
        ix = slice(N * j, N * (j + 1))
        t = np.linspace(j * 3.12, (j + 1) * 3.12, N) + rng.standard_normal(N) * noise
        r = 4 * np.sin(4 * t) + rng.standard_normal(N) * noise
        X[ix] = np.c_[r * np.sin(t), r * np.cos(t)]
        Y[ix] = j
    return X.T, Y.T
