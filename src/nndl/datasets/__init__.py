"""Data sets: the course's planar flower and other 2-D sets, generated with a seed.

Every loader returns ``X`` of shape ``(n_x, m)`` and ``Y`` of shape ``(1, m)``
(one column per example, the course's layout).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nndl.datasets.planar import load_planar
from nndl.datasets.split import train_test_split
from nndl.datasets.synthetic import (
    make_blobs,
    make_circles,
    make_gaussian_quantiles,
    make_moons,
    make_spiral,
    make_xor,
)
from nndl.errors import NNDLValueError

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


def load(name: str, **options: Any) -> tuple[np.ndarray, np.ndarray]:
    """A built-in data set by name (``"planar"``, ``"moons"``, …), with its generator's options."""
    key = name.strip().lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    if key not in GENERATORS:
        raise NNDLValueError(
            f"unknown data set {name!r}; the built-in ones are: {', '.join(GENERATORS)}"
        )
    return GENERATORS[key](**options)


__all__ = [
    "GENERATORS",
    "load",
    "load_planar",
    "make_blobs",
    "make_circles",
    "make_gaussian_quantiles",
    "make_moons",
    "make_spiral",
    "make_xor",
    "train_test_split",
]
