"""Picture files: folders of pictures, one folder per class, and one picture of your own.

Every picture becomes one column of ``X``, flattened the way the course does it
("image2vector", :func:`nndl.datasets.images.images_to_vectors`) and divided by 255.
Pillow comes with the ``data`` extra: ``pip install "nndl[data]"``.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nndl import _files, _limits
from nndl.datasets.data import Data, check_path, classification_task
from nndl.datasets.images import images_to_vectors
from nndl.errors import NNDLValueError, require

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp", ".tif", ".tiff")
"""File name endings read as images in a folder."""

DEFAULT_SIZE = (64, 64)
"""``(height, width)`` of the course's cat pictures; the default size images are resized to."""


def load_images(
    paths: Sequence[str | Path], shape: tuple[int, int, int] = (*DEFAULT_SIZE, 3)
) -> np.ndarray:
    """Picture files → ``X`` of shape ``(height * width * channels, m)`` in [0, 1].

    Each picture is turned upright (by its EXIF orientation), converted to RGB
    (``channels=3``) or grayscale (``channels=1``), resized to ``(height, width)``
    with bilinear interpolation, flattened like the course's image2vector and
    divided by 255.

    Parameters
    ----------
    paths : sequence of str or pathlib.Path
        The picture files.
    shape : tuple of int, default (64, 64, 3)
        ``(height, width, channels)``, channels 3 or 1.

    Returns
    -------
    numpy.ndarray of shape (height * width * channels, m)
        One column per picture.

    Raises
    ------
    NNDLValueError
        When a file is missing, is not a picture, or is too large.
    MissingDependencyError
        When Pillow (the ``data`` extra) is not installed.
    """
    height, width, channels = _check_shape(shape)
    Image = require("PIL.Image", "data", "reading image files")
    ImageOps = require("PIL.ImageOps", "data", "reading image files")
    mode = "RGB" if channels == 3 else "L"
    _files.check_memory(
        9.0 * len(paths) * height * width * channels,  # uint8 pictures and float64 X
        f"{len(paths)} pictures of {height}x{width}x{channels}",
    )
    batch = np.empty((len(paths), height, width, channels), dtype=np.uint8)
    for i, path in enumerate(paths):
        p = check_path(path, "image file")
        if p.is_dir():
            raise NNDLValueError(f"{str(p)!r} is a folder, expected an image file (PNG or JPEG)")
        batch[i] = _picture(Image, ImageOps, p, mode, (width, height)).reshape(
            height, width, channels
        )
    return images_to_vectors(batch)


MAX_PICTURE_PIXELS = 89_478_485
"""The most pixels a picture may have (Pillow's own default limit; a 9459 × 9459 picture)."""


def _picture(Image: Any, ImageOps: Any, p: Path, mode: str, size: tuple[int, int]) -> np.ndarray:
    """One picture upright, in ``mode``, resized to ``size = (width, height)``; a picture
    larger than :data:`MAX_PICTURE_PIXELS` (a "decompression bomb") is refused from its
    header, before its pixels are decoded."""
    too_big = (
        f"{str(p)!r} is a picture larger than {MAX_PICTURE_PIXELS:,} pixels; refused before "
        "decoding it (a decompression bomb, or a picture to shrink first)"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with _limits.open_regular(p, "picture") as f, Image.open(f) as img:
                width, height = img.size
                if width * height > MAX_PICTURE_PIXELS:
                    raise NNDLValueError(f"{too_big}: it is {width} × {height}")
                upright = ImageOps.exif_transpose(img)
                pixels = upright.convert(mode).resize(size, Image.Resampling.BILINEAR)
                return np.asarray(pixels, dtype=np.uint8)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise NNDLValueError(f"{too_big} ({exc})") from exc
    except NNDLValueError:
        raise
    except (OSError, ValueError, SyntaxError, EOFError, MemoryError) as exc:
        raise NNDLValueError(
            f"cannot read {str(p)!r} as an image ({exc}); the file is damaged or not a "
            "picture. Expected a PNG or JPEG file"
        ) from exc


def load_image(path: str | Path, shape: tuple[int, int, int] = (*DEFAULT_SIZE, 3)) -> np.ndarray:
    """One picture of your own → a column of shape ``(height * width * channels, 1)`` in [0, 1].

    Prepared exactly like the training images (see :func:`load_images`), so that
    ``network.predict(load_image("my_cat.jpg", (64, 64, 3)))`` classifies it.

    Parameters
    ----------
    path : str or pathlib.Path
        The picture file.
    shape : tuple of int, default (64, 64, 3)
        The ``image_shape`` of the data the network was trained on.

    Returns
    -------
    numpy.ndarray of shape (height * width * channels, 1)
        The picture as a column.
    """
    return load_images([path], shape)


def load_image_folder(
    path: str | Path, size: tuple[int, int] = DEFAULT_SIZE, channels: int = 3
) -> Data:
    """A folder with one subfolder of pictures per class → :class:`Data`.

    ``root/cat/*.jpg, root/dog/*.png`` gives classes ``["cat", "dog"]`` (subfolder
    names, sorted) and labels 0 and 1.  A folder holding ``train/`` and ``test/``,
    each with the same class subfolders, gives ``X_test``/``Y_test`` as well.

    Parameters
    ----------
    path : str or pathlib.Path
        The folder.
    size : tuple of int, default (64, 64)
        ``(height, width)`` every picture is resized to (see :func:`load_images`).
    channels : int, default 3
        3 (RGB) or 1 (gray).

    Returns
    -------
    Data
        The pictures as columns, with ``image_shape`` and ``classes``.

    Raises
    ------
    NNDLValueError
        When the path is not a folder, or a class folder holds no pictures.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> from PIL import Image
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> for kind, colour in [("cat", "black"), ("dog", "brown")]:
    ...     (root / kind).mkdir()
    ...     for i in range(2):
    ...         Image.new("RGB", (20, 10), colour).save(root / kind / f"{i}.png")
    >>> data = load_image_folder(root, size=(8, 8))
    >>> data.X.shape, data.classes, data.Y.tolist()
    ((192, 4), ['cat', 'dog'], [[0, 0, 1, 1]])
    >>> load_image(root / "cat" / "0.png", (8, 8, 3)).shape  # one picture, as a column
    (192, 1)
    """
    root = check_path(path, "image folder")
    if not root.is_dir():
        raise NNDLValueError(f"{str(root)!r} is not a folder; expected a folder of class folders")
    shape = _check_shape((*size, channels))
    parts = {d.name.lower(): d for d in _subfolders(root)}
    if "train" in parts and "test" in parts:
        train_files, classes = _labelled_files(parts["train"])
        test_files, _ = _labelled_files(parts["test"], classes)
    else:
        train_files, classes = _labelled_files(root)
        test_files = []
    X = load_images([f for f, _ in train_files], shape)
    Y = np.array([k for _, k in train_files], dtype=np.int64).reshape(1, -1)
    X_test = Y_test = None
    if test_files:
        X_test = load_images([f for f, _ in test_files], shape)
        Y_test = np.array([k for _, k in test_files], dtype=np.int64).reshape(1, -1)
    return Data(
        X=X,
        Y=Y,
        task=classification_task(len(classes)),
        X_test=X_test,
        Y_test=Y_test,
        classes=classes,
        image_shape=shape,
        source=str(root),
    )


def _check_shape(shape: Sequence[int]) -> tuple[int, int, int]:
    ok = len(shape) == 3 and all(
        isinstance(v, (int, np.integer)) and not isinstance(v, bool) and v > 0 for v in shape
    )
    if not ok or shape[2] not in (1, 3):
        raise NNDLValueError(
            "image shape must be (height, width, channels) with positive sizes and 1 (grayscale) "
            f"or 3 (RGB) channels. Received: {tuple(shape)!r}"
        )
    return int(shape[0]), int(shape[1]), int(shape[2])


def _subfolders(folder: Path) -> list[Path]:
    return sorted(d for d in folder.iterdir() if d.is_dir() and not d.name.startswith("."))


def _image_files(folder: Path) -> list[Path]:
    return sorted(
        f
        for f in folder.iterdir()
        if f.is_file() and not f.name.startswith(".") and f.suffix.lower() in IMAGE_SUFFIXES
    )


def _labelled_files(
    folder: Path, classes: list[str] | None = None
) -> tuple[list[tuple[Path, int]], list[str]]:
    """``[(file, class index)]`` over the class subfolders of ``folder``, and the class names."""
    found = {d.name: _image_files(d) for d in _subfolders(folder)}
    if not found:
        loose = len(_image_files(folder))
        raise NNDLValueError(
            f"{str(folder)!r} has no class subfolders (it holds {loose} image files directly). "
            "Expected one subfolder of pictures per class, such as cat/ and non-cat/"
        )
    empty = [name for name, files in found.items() if not files]
    if empty:
        raise NNDLValueError(
            f"class folders {empty} in {str(folder)!r} hold no image files; expected pictures "
            f"ending in {', '.join(IMAGE_SUFFIXES)}. Add pictures or remove the folders"
        )
    if classes is None:
        classes = sorted(found)
    unknown = sorted(set(found) - set(classes))
    if unknown:
        raise NNDLValueError(
            f"the test folder {str(folder)!r} has classes {unknown} that the training folder "
            f"lacks; its classes are {classes}"
        )
    files = [(f, classes.index(name)) for name in sorted(found) for f in found[name]]
    return files, classes
