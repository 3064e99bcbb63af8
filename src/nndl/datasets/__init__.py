"""Data sets: the course's planar flower and other 2-D sets, generated with a seed.

Every loader returns ``X`` of shape ``(n_x, m)`` and ``Y`` of shape ``(1, m)``
(one column per example, the course's layout).
"""

from __future__ import annotations

from nndl.datasets.builtin import GENERATORS, load
from nndl.datasets.cat import CatImages, StandInWarning, load_cat, load_standin
from nndl.datasets.data import Data
from nndl.datasets.files import TabularEncoder, load_csv, load_npz, read_csv_features
from nndl.datasets.images import images_to_vectors, load_h5
from nndl.datasets.loaders import known_names, load_data, load_features
from nndl.datasets.pictures import load_image, load_image_folder, load_images
from nndl.datasets.planar import load_planar
from nndl.datasets.preprocessing import Standardizer
from nndl.datasets.sequences import as_sequences
from nndl.datasets.sklearn_sets import SKLEARN_SETS, load_sklearn
from nndl.datasets.split import held_out, train_test_split
from nndl.datasets.synthetic import (
    make_blobs,
    make_circles,
    make_gaussian_quantiles,
    make_moons,
    make_spiral,
    make_xor,
)
from nndl.errors import MissingDependencyError

__all__ = [
    "GENERATORS",
    "SKLEARN_SETS",
    "CatImages",
    "Data",
    "MissingDependencyError",
    "StandInWarning",
    "Standardizer",
    "TabularEncoder",
    "as_sequences",
    "held_out",
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
