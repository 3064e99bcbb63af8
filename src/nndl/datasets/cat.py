"""The course's cat/non-cat pictures, or a stand-in in the same layout.

The course's files ``train_catvnoncat.h5`` (209 pictures) and ``test_catvnoncat.h5``
(50 pictures) are the course's and are not shipped with nndl.  :func:`load_cat`
reads them from a folder (an argument, or the ``NNDL_CAT_DIR`` environment
variable); without one it says how to get them and returns a stand-in built
offline from scikit-learn's bundled 8×8 digits: "zero" (label 1, in the cats'
place) against "not zero" (label 0), each digit upscaled to a 64×64×3 uint8
picture, with as many positives as the course's files (72 of 209, 33 of 50).

Either way the arrays have the course's shapes::

    train_x  (209, 64, 64, 3) uint8     train_y  (1, 209) int64
    test_x   (50, 64, 64, 3)  uint8     test_y   (1, 50)  int64
    classes  (2,) bytes: [b"non-cat", b"cat"]  (stand-in: [b"not-zero", b"zero"])
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nndl.datasets.images import images_to_vectors, load_h5
from nndl.errors import NNDLValueError, ShapeError, require

ENV = "NNDL_CAT_DIR"
TRAIN_FILE = "train_catvnoncat.h5"
TEST_FILE = "test_catvnoncat.h5"
STANDIN_NAME = "digits-zero-standin"

HOW_TO_GET = (
    "The course's cat/non-cat pictures are not shipped with nndl. To use them, put "
    f"{TRAIN_FILE} and {TEST_FILE} (the datasets/ folder of the course's 'Logistic "
    "Regression with a Neural Network mindset' or 'Deep Neural Network - Application' "
    f"assignment) in one folder and pass it (path=... or --data DIR) or set {ENV}=DIR."
)

STANDIN_NOTE = (
    f"Using the stand-in {STANDIN_NAME!r}: scikit-learn's 8x8 digits, 'zero' (label 1) "
    "against 'not zero' (label 0), upscaled to 64x64x3 uint8 pictures in the course's "
    "layout and shapes (209 train / 50 test). Its costs and accuracies are not the "
    "course's; only the shapes and the method are."
)

# The course's files: 72 cats among 209 training pictures, 33 among 50 test pictures.
_SIZES = {"train": (209, 72), "test": (50, 33)}
_SEED = 0


class StandInWarning(UserWarning):
    """The course's cat pictures were not found; a stand-in is used instead."""


@dataclass(frozen=True)
class CatImages:
    """Pictures and labels in the layout of the course's ``load_dataset()``.

    Attributes:
        train_x: ``(m_train, 64, 64, 3)`` uint8 pictures.
        train_y: ``(1, m_train)`` int64 labels (1: cat, or zero for the stand-in).
        test_x, test_y: the same for the test pictures.
        classes: ``(2,)`` bytes, ``classes[k]`` names label k.
        standin: True for the digits stand-in, False for the course's files.
        source: the folder read, or :data:`STANDIN_NAME`.
    """

    train_x: np.ndarray
    train_y: np.ndarray
    test_x: np.ndarray
    test_y: np.ndarray
    classes: np.ndarray
    standin: bool
    source: str

    @property
    def note(self) -> str:
        """One paragraph for a reader: where the pictures come from."""
        if self.standin:
            return f"{HOW_TO_GET}\n{STANDIN_NOTE}"
        return f"The course's cat/non-cat pictures from {self.source}."

    def as_tuple(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(train_x_orig, train_y, test_x_orig, test_y, classes)``, the course's order."""
        return self.train_x, self.train_y, self.test_x, self.test_y, self.classes

    def vectors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(X_train, Y_train, X_test, Y_test)``: pictures flattened to ``(12288, m)``
        columns and scaled to [0, 1] (the course's ``x.reshape(m, -1).T / 255``), labels
        as float64 ``(1, m)``."""
        return (
            images_to_vectors(self.train_x),
            self.train_y.astype(np.float64),
            images_to_vectors(self.test_x),
            self.test_y.astype(np.float64),
        )


def cat_dir(path: str | Path | None = None) -> Path | None:
    """The folder of the course's files: ``path``, else ``$NNDL_CAT_DIR``, else None."""
    if path is None:
        path = os.environ.get(ENV) or None
    return None if path is None else Path(path).expanduser()


def load_cat(path: str | Path | None = None, *, warn: bool = True) -> CatImages:
    """The course's cat/non-cat pictures from a folder, or the digits stand-in.

    ``path`` (or ``$NNDL_CAT_DIR``) is a folder holding ``train_catvnoncat.h5`` and
    ``test_catvnoncat.h5``; a folder without them is an error.  With neither, a
    :class:`StandInWarning` (when ``warn``) says how to get the files, and the
    stand-in is returned (``standin=True``); see :func:`load_standin`.
    """
    folder = cat_dir(path)
    if folder is None:
        if warn:
            warnings.warn(f"{HOW_TO_GET} {STANDIN_NOTE}", StandInWarning, stacklevel=2)
        return load_standin()
    missing = [name for name in (TRAIN_FILE, TEST_FILE) if not (folder / name).is_file()]
    if missing:
        raise NNDLValueError(
            f"the folder {str(folder)!r} does not hold {' and '.join(missing)}. "
            f"{HOW_TO_GET} Leave the path out (and {ENV} unset) to use the stand-in."
        )
    train = load_h5(folder / TRAIN_FILE, part="train", scale=False)
    test = load_h5(folder / TEST_FILE, part="test", scale=False)
    classes = np.array([c.encode() for c in (train.classes or ["non-cat", "cat"])])
    return CatImages(
        train_x=_pictures(train.X, train.image_shape, TRAIN_FILE),
        train_y=train.Y.astype(np.int64),
        test_x=_pictures(test.X, test.image_shape, TEST_FILE),
        test_y=test.Y.astype(np.int64),
        classes=classes,
        standin=False,
        source=str(folder),
    )


def _pictures(X: np.ndarray, shape: tuple[int, int, int] | None, name: str) -> np.ndarray:
    """Flattened ``(h*w*c, m)`` pixel values back to ``(m, h, w, c)`` uint8."""
    if shape is None:
        raise ShapeError(f"{name} holds no pictures (m, height, width, channels)")
    pixel = np.isfinite(X) & (X >= 0) & (X <= 255) & (np.round(X) == X)
    if not bool(np.all(pixel)):
        bad = X[~pixel].ravel()[0]
        raise NNDLValueError(
            f"{name} holds the pixel value {float(bad)!r}; the course's pictures hold whole "
            "numbers 0..255 (uint8). The file is damaged or is not the course's"
        )
    return np.ascontiguousarray(X.T.reshape(X.shape[1], *shape)).astype(np.uint8)


def load_standin() -> CatImages:
    """The stand-in: scikit-learn's digits, zero (1) against not zero (0), as 64×64×3 uint8.

    Built the same way on every machine: a fixed seed picks, without overlap,
    72 zeros and 137 other digits for training and 33 zeros and 17 others for
    testing (the course's counts of cats), in a shuffled order.  Each 8×8 digit
    (ink 0..16) is enlarged 8 times in each direction (every pixel becomes an 8×8
    block), scaled to 0..255 and repeated over the 3 colour channels.
    """
    sk_datasets = require("sklearn.datasets", "sklearn", "the cat stand-in (digits)")
    digits = sk_datasets.load_digits()
    images, target = np.asarray(digits.images), np.asarray(digits.target)
    rng = np.random.RandomState(_SEED)
    zeros = rng.permutation(np.flatnonzero(target == 0))
    others = rng.permutation(np.flatnonzero(target != 0))
    parts = {}
    taken = {"zeros": 0, "others": 0}
    for part, (m, positives) in _SIZES.items():
        z = zeros[taken["zeros"] : taken["zeros"] + positives]
        o = others[taken["others"] : taken["others"] + m - positives]
        taken["zeros"] += positives
        taken["others"] += m - positives
        order = rng.permutation(np.concatenate([z, o]))
        parts[part] = (_upscale(images[order]), (target[order] == 0).astype(np.int64)[None, :])
    return CatImages(
        train_x=parts["train"][0],
        train_y=parts["train"][1],
        test_x=parts["test"][0],
        test_y=parts["test"][1],
        classes=np.array([b"not-zero", b"zero"]),
        standin=True,
        source=STANDIN_NAME,
    )


def _upscale(images: np.ndarray) -> np.ndarray:
    """``(m, 8, 8)`` ink 0..16 → ``(m, 64, 64, 3)`` uint8 0..255 (8×8 blocks, gray)."""
    big = images.repeat(8, axis=1).repeat(8, axis=2)
    pixels = np.rint(big * (255.0 / 16.0)).astype(np.uint8)
    return np.ascontiguousarray(np.repeat(pixels[..., None], 3, axis=3))
