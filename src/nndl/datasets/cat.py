"""The course's cat/non-cat pictures, or a stand-in in the same layout.

The course's files ``train_catvnoncat.h5`` (209 pictures) and ``test_catvnoncat.h5``
(50 pictures) are the course's and are not shipped with nndl.  :func:`load_cat`
reads them from a folder (an argument, or the ``NNDL_CAT_DIR`` environment
variable); without one it says how to get them and returns a stand-in built
offline from scikit-learn's bundled 8×8 digits: "three" (label 1, in the cats'
place) against the look-alike "five or eight" (label 0), each digit moved by up to
one of its pixels in each direction, enlarged to 64×64×3 and covered in colour
noise, with as many positives as the course's files (72 of 209, 33 of 50).  Like
the cats, it is hard enough that logistic regression fits the training pictures
and does clearly worse on the test pictures (it overfits), while the deeper
networks do better.

Either way the arrays have the course's shapes::

    train_x  (209, 64, 64, 3) uint8     train_y  (1, 209) int64
    test_x   (50, 64, 64, 3)  uint8     test_y   (1, 50)  int64
    classes  (2,) bytes: [b"non-cat", b"cat"]  (stand-in: [b"five-or-eight", b"three"])
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
STANDIN_NAME = "noisy-digits-3-vs-5-8-standin"

HOW_TO_GET = (
    "The course's cat/non-cat pictures are not shipped with nndl. To use them, put "
    f"{TRAIN_FILE} and {TEST_FILE} (the datasets/ folder of the course's 'Logistic "
    "Regression with a Neural Network mindset' or 'Deep Neural Network - Application' "
    f"assignment) in one folder and pass it (path=... or --data DIR) or set {ENV}=DIR."
)

STANDIN_NOTE = (
    f"Using the stand-in {STANDIN_NAME!r}: scikit-learn's 8x8 digits, 'three' (label 1) "
    "against 'five or eight' (label 0), each moved by up to one pixel, enlarged to "
    "64x64x3 uint8 pictures and covered in colour noise, in the course's layout and "
    "shapes (209 train / 50 test). Its costs and accuracies are not the course's; the "
    "shapes, the method and the lesson (logistic regression overfits) are."
)

# The course's files: 72 cats among 209 training pictures, 33 among 50 test pictures.
_SIZES = {"train": (209, 72), "test": (50, 33)}
_SEED = 2
"""With seeds 0, 1 and 2 logistic regression scores 100% on the training pictures and 66, 78
and 70% on the test pictures; 2 gives the course's figures' shape (99% and 70%)."""
_POSITIVE, _NEGATIVE = (3,), (5, 8)
_SHIFT = 1
"""How far (in the digits' own 8×8 pixels) each picture may move in each direction."""
_NOISE = 0.3
"""The colour noise's standard deviation, as a fraction of the full range 0..255."""


class StandInWarning(UserWarning):
    """The course's cat pictures were not found; a stand-in is used instead."""


@dataclass(frozen=True)
class CatImages:
    """Pictures and labels in the layout of the course's ``load_dataset()``.

    Parameters
    ----------
    train_x : numpy.ndarray of shape (m_train, 64, 64, 3)
        The training pictures, uint8.
    train_y : numpy.ndarray of shape (1, m_train)
        Their int64 labels (1: cat, or three for the stand-in).
    test_x : numpy.ndarray of shape (m_test, 64, 64, 3)
        The test pictures, uint8.
    test_y : numpy.ndarray of shape (1, m_test)
        Their labels.
    classes : numpy.ndarray of shape (2,)
        Bytes; ``classes[k]`` names label k.
    standin : bool
        True for the digits stand-in, False for the course's files.
    source : str
        The folder read, or :data:`STANDIN_NAME`.
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
        """``(train_x_orig, train_y, test_x_orig, test_y, classes)``, the course's order.

        Returns
        -------
        tuple of numpy.ndarray
            The course's ``load_dataset()`` result.
        """
        return self.train_x, self.train_y, self.test_x, self.test_y, self.classes

    def vectors(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """``(X_train, Y_train, X_test, Y_test)``: pictures as columns scaled to [0, 1].

        The course's ``x.reshape(m, -1).T / 255``: each picture a column of 12288 values;
        labels as float64 ``(1, m)``.

        Returns
        -------
        tuple of numpy.ndarray
            ``X_train (12288, m_train)``, ``Y_train (1, m_train)``, ``X_test (12288, m_test)``,
            ``Y_test (1, m_test)``.
        """
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

    Parameters
    ----------
    path : str or pathlib.Path, optional
        The folder of the course's files; ``$NNDL_CAT_DIR`` when None.
    warn : bool, default True
        Warn when the stand-in is used.

    Returns
    -------
    CatImages
        209 training and 50 test pictures of 64×64×3.

    Raises
    ------
    NNDLValueError
        When the folder lacks the files, or a file holds something other than pictures.

    Examples
    --------
    >>> cats = load_cat(warn=False)
    >>> cats.train_x.shape, cats.train_y.shape, cats.test_x.shape
    ((209, 64, 64, 3), (1, 209), (50, 64, 64, 3))
    >>> X_train, Y_train, X_test, Y_test = cats.vectors()
    >>> X_train.shape, float(X_train.max()) <= 1.0
    ((12288, 209), True)
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
    """The stand-in: scikit-learn's digits, three (1) against five or eight (0), 64×64×3 uint8.

    Built the same way on every machine (NumPy's ``RandomState`` stream and element-wise
    arithmetic only): a fixed seed picks, without overlap, 72 threes and 137 fives or
    eights for training and 33 threes and 17 others for testing (the course's counts of
    cats), in a shuffled order.  Each 8×8 digit (ink 0..16) is moved by -1, 0 or 1 of
    its pixels vertically and horizontally (blank paper where it left), enlarged 8 times in
    each direction (every pixel becomes an 8×8 block), repeated over the 3 colour
    channels, and every one of its 12,288 values gets Gaussian noise of standard
    deviation 0.3 (of the range), rounded and clipped to 0..255.  The moves play the
    part of the cats' poses and the noise gives each picture thousands of values of its
    own, which a linear model can memorize: logistic regression fits the 209 training
    pictures and does clearly worse on the 50 test pictures.

    Returns
    -------
    CatImages
        209 training and 50 test pictures of 64×64×3, ``standin=True``.

    Raises
    ------
    MissingDependencyError
        When scikit-learn (the ``sklearn`` extra) is not installed.
    """
    sk_datasets = require("sklearn.datasets", "sklearn", "the cat stand-in (digits)")
    digits = sk_datasets.load_digits()
    images, target = np.asarray(digits.images), np.asarray(digits.target)
    rng = np.random.RandomState(_SEED)
    positives = rng.permutation(np.flatnonzero(np.isin(target, _POSITIVE)))
    negatives = rng.permutation(np.flatnonzero(np.isin(target, _NEGATIVE)))
    parts = {}
    taken = {"positives": 0, "negatives": 0}
    for part, (m, k) in _SIZES.items():
        p = positives[taken["positives"] : taken["positives"] + k]
        n = negatives[taken["negatives"] : taken["negatives"] + m - k]
        taken["positives"] += k
        taken["negatives"] += m - k
        order = rng.permutation(np.concatenate([p, n]))
        moves = rng.randint(-_SHIFT, _SHIFT + 1, size=(m, 2))
        moved = np.stack(
            [_move(images[i], dy, dx) for i, (dy, dx) in zip(order, moves, strict=True)]
        )
        noise = rng.standard_normal((m, 64, 64, 3))
        labels = np.isin(target[order], _POSITIVE).astype(np.int64)[None, :]
        parts[part] = (_picture(moved, noise), labels)
    return CatImages(
        train_x=parts["train"][0],
        train_y=parts["train"][1],
        test_x=parts["test"][0],
        test_y=parts["test"][1],
        classes=np.array([b"five-or-eight", b"three"]),
        standin=True,
        source=STANDIN_NAME,
    )


def _move(image: np.ndarray, dy: int, dx: int) -> np.ndarray:
    """An 8×8 digit moved ``dy`` pixels down and ``dx`` right, blank paper where it left."""
    h, w = image.shape
    out = np.zeros_like(image)
    out[max(dy, 0) : h + min(dy, 0), max(dx, 0) : w + min(dx, 0)] = image[
        max(-dy, 0) : h + min(-dy, 0), max(-dx, 0) : w + min(-dx, 0)
    ]
    return out


def _picture(images: np.ndarray, noise: np.ndarray) -> np.ndarray:
    """``(m, 8, 8)`` ink 0..16 and ``(m, 64, 64, 3)`` standard noise → uint8 0..255."""
    big = (images / 16.0).repeat(8, axis=1).repeat(8, axis=2)[..., None]
    pixels = np.rint((big + _NOISE * noise) * 255.0)
    return np.ascontiguousarray(np.clip(pixels, 0, 255).astype(np.uint8))
