"""Images: the course's HDF5 files, and the course's image2vector.

Every image becomes one column of ``X``, flattened the way the course does it
("image2vector"): a batch of ``m`` images of shape ``(m, height, width, 3)``
becomes ``X = images.reshape(m, -1).T`` of shape ``(height * width * 3, m)``, and
8-bit pixel values are divided by 255 so that ``X`` lies in [0, 1].

Folders of picture files and one picture of your own are read by
:mod:`nndl.datasets.pictures`.  h5py comes with the ``data`` extra:
``pip install "nndl[data]"``.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nndl import _files, _limits
from nndl.datasets.data import (
    Data,
    check_path,
    classification_task,
    encode_labels,
    label_name,
    make_target,
)
from nndl.errors import NNDLError, NNDLValueError, ShapeError, require

_TRAIN_KEYS = (
    ("train_set_x", "train_set_y"),
    ("train_x", "train_y"),
    ("X_train", "Y_train"),
    ("X_train", "y_train"),
    ("x_train", "y_train"),
    ("X", "Y"),
    ("X", "y"),
    ("x", "y"),
)
_TEST_KEYS = (
    ("test_set_x", "test_set_y"),
    ("test_x", "test_y"),
    ("X_test", "Y_test"),
    ("X_test", "y_test"),
    ("x_test", "y_test"),
)
_PARTS = ("auto", "train", "test")


def images_to_vectors(images: np.ndarray, scale: bool = True) -> np.ndarray:
    """``(m, height, width, channels)`` images → ``(height * width * channels, m)`` float64.

    The course's image2vector: ``images.reshape(m, -1).T``.  Grayscale
    ``(m, height, width)`` works the same way.

    Parameters
    ----------
    images : array_like of shape (m, height, width, channels)
        The images.
    scale : bool, default True
        Divide 8-bit images (dtype uint8) by 255 so the result lies in [0, 1]; other
        dtypes keep their values.

    Returns
    -------
    numpy.ndarray of shape (height * width * channels, m)
        One column per image.

    Raises
    ------
    ShapeError
        When ``images`` has fewer than two dimensions.

    Examples
    --------
    >>> import numpy as np
    >>> images = np.full((5, 64, 64, 3), 255, dtype=np.uint8)
    >>> X = images_to_vectors(images)
    >>> X.shape, float(X.max())
    ((12288, 5), 1.0)
    """
    images = np.asarray(images)
    if images.ndim < 2:
        raise ShapeError(
            "images_to_vectors expects images of shape (m, height, width, channels). "
            f"Received: shape={images.shape}"
        )
    X = images.reshape(images.shape[0], -1).T.astype(np.float64)
    if scale and images.dtype == np.uint8:
        X /= 255.0
    return np.ascontiguousarray(X)


# --------------------------------------------------------------------------- HDF5


def load_h5(path: str | Path, part: str = "auto", scale: bool = True) -> Data:
    """An HDF5 file in the course's layout → :class:`Data`.

    The course's files hold ``train_set_x`` ``(m, 64, 64, 3)`` uint8, ``train_set_y``
    ``(m,)`` and ``list_classes`` (``[b"non-cat", b"cat"]``); the test file holds
    ``test_set_x``/``test_set_y``.  Other key pairs are read too: ``train_x``/``train_y``,
    ``X_train``/``Y_train``, ``X``/``Y``, ``x``/``y`` and ``X_test``/``Y_test``.
    Images are flattened to ``(height * width * channels, m)`` (see
    :func:`images_to_vectors`); labels become ``(1, m)``.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.
    part : {"auto", "train", "test"}, default "auto"
        ``"auto"`` returns the training pair as ``X``/``Y`` and the test pair (if any)
        as ``X_test``/``Y_test``; a file that only holds a test pair (like the course's
        ``test_catvnoncat.h5``) gives it as ``X``/``Y``.  ``"train"`` or ``"test"``
        returns just that pair as ``X``/``Y``.
    scale : bool, default True
        Scale uint8 pixels to [0, 1].

    Returns
    -------
    Data
        The data set, with ``image_shape`` and the class names when the file has them.

    Raises
    ------
    NNDLValueError
        When ``part`` is unknown or the file holds no pair of the known keys.
    MissingDependencyError
        When h5py (the ``data`` extra) is not installed.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import h5py, numpy as np
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "train.h5"
    >>> with h5py.File(path, "w") as f:
    ...     _ = f.create_dataset("train_set_x", data=np.zeros((4, 8, 8, 3), dtype=np.uint8))
    ...     _ = f.create_dataset("train_set_y", data=np.array([0, 1, 1, 0]))
    >>> data = load_h5(path)
    >>> data.X.shape, data.Y.shape, data.image_shape
    ((192, 4), (1, 4), (8, 8, 3))
    """
    if part not in _PARTS:
        raise NNDLValueError(f"part must be one of {', '.join(_PARTS)}. Received: part={part!r}")
    h5py = require("h5py", "data", "reading HDF5 files")
    p = check_path(path, "HDF5 file")
    opened = _limits.open_regular(p, "HDF5 file")  # never a device or a FIFO
    size = os.fstat(opened.fileno()).st_size
    try:
        with opened, h5py.File(opened, "r") as f:
            datasets = {key: f[key] for key in f if hasattr(f[key], "shape")}
            train = _find_pair(datasets, _TRAIN_KEYS)
            test = _find_pair(datasets, _TEST_KEYS)
            if part == "train":
                test = None
            elif part == "test" or train is None:
                train, test = test, None
            if train is None:
                wanted = "a pair such as train_set_x/train_set_y, test_set_x/test_set_y or X/Y"
                if part == "train":
                    wanted = "train_set_x/train_set_y (or train_x/train_y, X_train/Y_train, X/Y)"
                elif part == "test":
                    wanted = "test_set_x/test_set_y (or test_x/test_y, X_test/Y_test)"
                raise NNDLValueError(
                    f"{str(p)!r} holds no {wanted}; its keys are: {', '.join(sorted(f)) or 'none'}"
                )
            pairs = [pair for pair in (train, test) if pair is not None]
            names_set = _class_set(datasets)
            _check_h5(h5py, str(p), pairs, size, names_set)
            x_train, y_train = _read(train[0]), _read(train[1])
            test_arrays = None if test is None else (_read(test[0]), _read(test[1]))
            names = _class_names(names_set, str(p))
    except NNDLError:
        raise
    except (OSError, RuntimeError, KeyError, ValueError, TypeError) as exc:  # h5py's, damaged
        raise NNDLValueError(
            f"cannot read {str(p)!r} as an HDF5 file ({exc}); the file is damaged or is not "
            "HDF5. Expected a file written by h5py with keys such as train_set_x and train_set_y"
        ) from exc

    X, image_shape = _h5_features(x_train, scale)
    Y, task, classes = _h5_labels(y_train, names)
    X_test = Y_test = None
    if test_arrays is not None:
        x_test, y_test = test_arrays
        X_test, test_shape = _h5_features(x_test, scale)
        if test_shape != image_shape or X_test.shape[0] != X.shape[0]:
            raise ShapeError(
                f"{str(p)!r}: the test images have shape {x_test.shape[1:]} but the training "
                f"images {x_train.shape[1:]}; both parts need the same shape"
            )
        if names is None and classes is not None:  # test labels named like the training ones
            Y_test = encode_labels(_flat_labels(y_test), classes)[0]
        else:
            Y_test = _h5_labels(y_test, names, task)[0]
    feature_names = None if image_shape is not None else [f"x{i}" for i in range(X.shape[0])]
    return Data(
        X=X,
        Y=Y,
        task=task,
        X_test=X_test,
        Y_test=Y_test,
        classes=classes,
        feature_names=feature_names,
        image_shape=image_shape,
        source=str(p),
    )


MAX_CLASS_NAMES = 100_000
"""The most class names an HDF5 file's ``list_classes`` may hold."""


def _read(dataset: Any) -> np.ndarray:
    return np.asarray(dataset[()])


def _check_h5(
    h5py: Any, name: str, pairs: Sequence[tuple[Any, Any]], size: int, names: Any = None
) -> None:
    """The datasets to read hold numbers (or labels), have the shapes of features and labels
    for the same examples, are no larger than the file's ``size`` on disk can justify (an
    HDF5 dataset may be declared without its chunks ever being written) and fit in memory:
    checked from their shapes and dtypes before anything is read (no other dataset of the
    file is read at all)."""
    total = 0
    if names is not None:
        count = int(np.prod(names.shape, dtype=object))
        total += count * max(names.dtype.itemsize, 8) + 64 * count  # and as Python strings
    for x, y in pairs:
        if x.dtype.kind not in "iufb":
            raise NNDLValueError(
                f"{name!r}: the features {x.name!r} have dtype {x.dtype}; expected numbers "
                "(pixels or measurements). Text features must be encoded as numbers first, or "
                "written to a CSV file, whose text columns nndl one-hot encodes"
            )
        for d in (x, y):
            text = d is y and h5py.check_string_dtype(d.dtype) is not None
            if d.dtype.kind not in "iufbSU" and not text:
                raise NNDLValueError(
                    f"{name!r}: the dataset {d.name!r} has dtype {d.dtype}; expected numbers"
                    + (" or labels" if d is y else "")
                )
            count = int(np.prod(d.shape, dtype=object))
            total += count * d.dtype.itemsize + 8 * count  # as stored, and as float64
        if len(x.shape) not in (2, 3, 4):
            raise ShapeError(
                f"{name!r}: expected HDF5 features {x.name!r} of shape (m, height, width, "
                f"channels) for images or (m, n) for tabular data. Received: shape={x.shape}"
            )
        m_y = int(np.prod(y.shape, dtype=object)) if len(y.shape) <= 2 else -1
        if m_y != x.shape[0] or (len(y.shape) == 2 and 1 not in y.shape):
            raise ShapeError(
                f"{name!r}: the features {x.name!r} {x.shape} hold {x.shape[0]} examples but the "
                f"labels {y.name!r} have shape {y.shape}; expected (m,) or (1, m) labels"
            )
    _limits.check_justified(total, size, f"{name!r}", "HDF5 datasets declared but not written")
    _files.check_memory(total, f"reading {name!r}")


def _find_pair(
    datasets: dict[str, Any], pairs: Sequence[tuple[str, str]]
) -> tuple[Any, Any] | None:
    for x_key, y_key in pairs:
        x, y = datasets.get(x_key), datasets.get(y_key)
        if x is not None and y is not None:
            return x, y
    return None


def _class_set(datasets: dict[str, Any]) -> Any:
    """The dataset of class names (``list_classes``, ``classes`` or ``class_names``), checked
    from its header, or None."""
    for key in ("list_classes", "classes", "class_names"):
        names = datasets.get(key)
        if names is not None:
            if names.size > MAX_CLASS_NAMES or names.dtype.kind not in "iufbSUO":
                raise NNDLValueError(
                    f"the HDF5 dataset {key!r} holds {names.size} values of dtype {names.dtype}; "
                    f"expected at most {MAX_CLASS_NAMES} class names"
                )
            return names
    return None


def _class_names(names: Any, name: str) -> list[str] | None:
    """The class names read from their dataset; the same name twice is refused (a list of
    never-written names is all empty strings)."""
    if names is None:
        return None
    found = [label_name(v) for v in np.asarray(names[()]).ravel().tolist()]
    if len(set(found)) != len(found):
        twice = sorted(n for n, k in Counter(found).items() if k > 1)
        raise NNDLValueError(
            f"{name!r}: the HDF5 dataset {names.name!r} lists {len(found):,} class names with "
            f"some twice ({twice[:3]}); each class needs its own name. The dataset may never "
            "have been written"
        )
    return found


def _h5_features(x: np.ndarray, scale: bool) -> tuple[np.ndarray, tuple[int, int, int] | None]:
    if x.ndim == 4:
        return images_to_vectors(x, scale), (int(x.shape[1]), int(x.shape[2]), int(x.shape[3]))
    if x.ndim == 3:
        return images_to_vectors(x, scale), (int(x.shape[1]), int(x.shape[2]), 1)
    if x.ndim == 2:
        return np.ascontiguousarray(x.T.astype(np.float64)), None
    raise ShapeError(
        "expected HDF5 features of shape (m, height, width, channels) for images or (m, n) "
        f"for tabular data. Received: shape={x.shape}"
    )


def _flat_labels(y: np.ndarray) -> np.ndarray:
    y = np.asarray(y)
    if y.ndim == 2 and 1 in y.shape:
        y = y.ravel()
    if y.ndim != 1:
        raise ShapeError(
            f"expected labels of shape (m,) or (1, m) in the HDF5 file. Received: shape={y.shape}"
        )
    return y


def _h5_labels(
    y: np.ndarray, names: list[str] | None, task: str | None = None
) -> tuple[np.ndarray, str, list[str] | None]:
    y = _flat_labels(y)
    whole = y.dtype.kind in "iub" or (
        y.dtype.kind == "f" and bool(np.all(np.isfinite(y) & (y == np.round(y))))
    )
    if names is not None and whole:  # labels are indices into list_classes
        y = y.astype(np.int64)
        bad = (y < 0) | (y >= len(names))
        if bool(np.any(bad)):
            raise NNDLValueError(
                f"label {int(y[bad][0])} is out of range for the {len(names)} classes "
                f"{names} listed in list_classes; labels must be 0..{len(names) - 1}"
            )
        return (
            y.astype(np.int64).reshape(1, -1),
            classification_task(len(names)),
            names,
        )
    if names is not None:
        Y, classes = encode_labels(y, names)
        return Y, classification_task(len(classes)), classes
    return make_target(y, task)
