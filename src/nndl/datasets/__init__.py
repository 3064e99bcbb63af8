"""Data sets: the course's planar flower and other 2-D sets, generated with a seed.

Every loader returns ``X`` of shape ``(n_x, m)`` and ``Y`` of shape ``(1, m)``
(one column per example, the course's layout).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from nndl.datasets._optional import MissingDependencyError
from nndl.datasets.cat import CatImages, StandInWarning, load_cat, load_standin
from nndl.datasets.data import Data
from nndl.datasets.files import TabularEncoder, load_csv, load_npz, read_csv_features
from nndl.datasets.images import (
    images_to_vectors,
    load_h5,
    load_image,
    load_image_folder,
    load_images,
)
from nndl.datasets.loaders import known_names, load_data, load_features
from nndl.datasets.planar import load_planar
from nndl.datasets.preprocessing import Standardizer
from nndl.datasets.sklearn_sets import SKLEARN_SETS, load_sklearn
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


def _generated_key(name: str) -> str | None:
    """The key in :data:`GENERATORS` of a built-in data set's name or alias, else ``None``."""
    key = name.strip().lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    return key if key in GENERATORS else None


def load(name: str, **options: Any) -> tuple[np.ndarray, np.ndarray]:
    """A built-in data set by name (``"planar"``, ``"moons"``, …), with its generator's options."""
    key = _generated_key(name)
    if key is None:
        raise NNDLValueError(
            f"unknown data set {name!r}; the built-in ones are: {', '.join(GENERATORS)}"
        )
    return GENERATORS[key](**options)


__all__ = [
    "GENERATORS",
    "SKLEARN_SETS",
    "CatImages",
    "Data",
    "MissingDependencyError",
    "StandInWarning",
    "Standardizer",
    "TabularEncoder",
    "images_to_vectors",
    "known_names",
    "load",
    "load_cat",
    "load_csv",
    "load_data",
    "load_features",
    "load_h5",
    "load_image",
    "load_image_folder",
    "load_images",
    "load_npz",
    "load_planar",
    "load_sklearn",
    "load_standin",
    "make_blobs",
    "make_circles",
    "make_gaussian_quantiles",
    "make_moons",
    "make_spiral",
    "make_xor",
    "read_csv_features",
    "train_test_split",
]
