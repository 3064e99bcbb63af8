"""The built-in data sets, generated from a seed, by name."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nndl.datasets.planar import load_planar
from nndl.datasets.synthetic import (
    make_blobs,
    make_circles,
    make_gaussian_quantiles,
    make_moons,
    make_spiral,
    make_xor,
)
from nndl.errors import NNDLValueError, did_you_mean

GENERATORS: dict[str, Callable[..., tuple[np.ndarray, np.ndarray]]] = {
    "planar": load_planar,
    "moons": make_moons,
    "circles": make_circles,
    "blobs": make_blobs,
    "gaussian_quantiles": make_gaussian_quantiles,
    "spiral": make_spiral,
    "xor": make_xor,
}
"""The built-in data sets by name."""

_ALIASES = {
    "flower": "planar",
    "noisy_moons": "moons",
    "noisy_circles": "circles",
    "quantiles": "gaussian_quantiles",
}


def generated_key(name: str) -> str | None:
    """The key in :data:`GENERATORS` of a built-in data set's name or alias, else ``None``."""
    key = name.strip().lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    return key if key in GENERATORS else None


def load(name: str, **options: Any) -> tuple[np.ndarray, np.ndarray]:
    """A built-in data set by name (``"planar"``, ``"moons"``, …), with its generator's options.

    Parameters
    ----------
    name : str
        One of :data:`GENERATORS` (``"planar"``, ``"moons"``, ``"circles"``, ``"blobs"``,
        ``"gaussian_quantiles"``, ``"spiral"``, ``"xor"``) or an alias.
    **options
        The generator's arguments (``m``, ``noise``, ``seed``, ...).

    Returns
    -------
    X : numpy.ndarray of shape (2, m)
        The points, one per column.
    Y : numpy.ndarray of shape (1, m)
        Their labels.

    Raises
    ------
    NNDLValueError
        When the name is not a built-in data set.

    Examples
    --------
    >>> X, Y = load("moons", m=50)
    >>> X.shape, Y.shape
    ((2, 50), (1, 50))
    """
    key = generated_key(name)
    if key is None:
        hint = did_you_mean(name, GENERATORS)
        raise NNDLValueError(
            f"unknown data set {name!r}; {hint + ' The' if hint else 'the'} built-in ones are: "
            f"{', '.join(GENERATORS)}"
        )
    return GENERATORS[key](**options)
