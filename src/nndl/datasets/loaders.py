"""One entry point for every kind of data: :func:`load_data` (training) and :func:`load_features`.

``source`` is a built-in generated set (``"planar"``, ``"moons"``, …), one of
scikit-learn's bundled sets (``"digits"``, ``"breast_cancer"``, …) or a path:
``.h5``/``.hdf5`` (the course's image files), ``.csv``, ``.npz``, or a folder of
pictures with one subfolder per class.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nndl import _files
from nndl.datasets.builtin import GENERATORS, generated_key
from nndl.datasets.csv_files import csv_features
from nndl.datasets.data import Data, make_target
from nndl.datasets.files import (
    LAYOUTS,
    TabularEncoder,
    _npz_features,
    _npz_get,
    load_csv,
    load_npz,
    read_npz,
)
from nndl.datasets.images import load_h5
from nndl.datasets.pictures import (
    DEFAULT_SIZE,
    IMAGE_SUFFIXES,
    _image_files,
    _subfolders,
    load_image_folder,
    load_images,
)
from nndl.datasets.sklearn_sets import SKLEARN_SETS, load_sklearn
from nndl.errors import NNDLValueError, did_you_mean

H5_SUFFIXES = (".h5", ".hdf5", ".he5")
CSV_SUFFIXES = (".csv", ".tsv")
NPZ_SUFFIXES = (".npz",)


def known_names() -> list[str]:
    """The data set names :func:`load_data` accepts: generated sets, then scikit-learn's.

    Returns
    -------
    list of str
        The names.
    """
    return [*GENERATORS, *SKLEARN_SETS]


def load_data(
    source: str | Path,
    target: str | None = None,
    *,
    task: str | None = None,
    layout: str = "samples",
    image_size: tuple[int, int] = DEFAULT_SIZE,
    channels: int = 3,
    part: str = "auto",
    encoder: TabularEncoder | None = None,
    missing: str | None = None,
    drop: Sequence[str] | None = None,
    **options: Any,
) -> Data:
    """Load a data set by name or path → :class:`Data` (``X`` ``(n_x, m)``, ``Y`` ``(1, m)``).

    Parameters
    ----------
    source : str or pathlib.Path
        A generated set (``"planar"``, ``"moons"``, …; ``options`` go to its generator,
        e.g. ``m=400, noise=0.2, seed=1``), a scikit-learn set (``"digits"``,
        ``"breast_cancer"``, ``"iris"``, ``"wine"``, ``"diabetes"``), or a path to an
        ``.h5``/``.hdf5``, ``.csv`` or ``.npz`` file or an image folder.
    target : str, optional
        The target column of a CSV file (required for CSV).
    task : {"binary", "multiclass", "regression"}, optional
        Overrides the guess for CSV and ``.npz`` targets.
    layout : {"samples", "features"}, default "samples"
        For ``.npz``: ``(m, n)`` arrays, or the course's ``(n, m)``.
    image_size : tuple of int, default (64, 64)
        The ``(height, width)`` pictures in a folder are resized to.
    channels : int, default 3
        The channels of pictures in a folder: 3 (RGB) or 1 (gray).
    part : {"auto", "train", "test"}, default "auto"
        For HDF5 (see :func:`load_h5`).
    encoder : TabularEncoder, optional
        For CSV: the training file's encoding, to encode a test file alike.
    missing : {"drop", "mean"}, optional
        For CSV: None (a missing cell is an error naming it), ``"drop"`` (drop those
        rows) or ``"mean"`` (fill with the training mean).
    drop : sequence of str, optional
        For CSV: columns to leave out.
    **options
        For a generated set, its generator's arguments.

    Returns
    -------
    Data
        The data set, one column per example.

    Raises
    ------
    NNDLValueError
        When the source is neither a known name nor an existing file of a known format,
        or an option does not apply to it.

    Examples
    --------
    >>> data = load_data("moons", m=100, noise=0.1)
    >>> data.X.shape, data.Y.shape, data.task
    ((2, 100), (1, 100), 'binary')
    >>> load_data("iris").classes
    ['setosa', 'versicolor', 'virginica']
    """
    csv_options: dict[str, Any] = {}
    if missing is not None:
        csv_options["missing"] = missing
    if drop:
        csv_options["drop"] = list(drop)
    task_option = {} if task is None else {"task": task}  # never ignored where it has no use
    if isinstance(source, str):
        key = generated_key(source)
        if key is not None:
            _no_target(target, source)
            _no_options(csv_options, source, "CSV files")
            _no_options(task_option, source, "CSV and .npz files")
            return _load_generated(key, **options)
        sk_key = source.strip().lower().replace("-", "_")
        if sk_key in SKLEARN_SETS:
            _no_options({**options, **csv_options, **task_option}, source)
            _no_target(target, source)
            return load_sklearn(sk_key)
    _no_options(options, str(source))
    path = _existing_path(source)
    suffix = path.suffix.lower()
    if path.is_dir() or suffix not in (*CSV_SUFFIXES, *NPZ_SUFFIXES):
        _no_options(task_option, str(path), "CSV and .npz files")
    if path.is_dir():
        return load_image_folder(path, image_size, channels)
    if suffix not in CSV_SUFFIXES:
        _no_options(csv_options, str(path), "CSV files")
    if target is not None and suffix not in CSV_SUFFIXES:
        raise NNDLValueError(
            f"target={target!r} names a CSV column, but {str(path)!r} is not a CSV file; "
            "leave the target out for this source"
        )
    if suffix in H5_SUFFIXES:
        return load_h5(path, part=part)
    if suffix in CSV_SUFFIXES:
        return load_csv(path, target, task=task, encoder=encoder, **csv_options)
    if suffix in NPZ_SUFFIXES:
        return load_npz(path, layout=layout, task=task)
    if suffix in IMAGE_SUFFIXES:
        raise NNDLValueError(
            f"{str(path)!r} is a single picture, which has no label to train on; expected a folder "
            "with one subfolder of pictures per class. To classify a picture use "
            "load_features (nndl predict MODEL picture.jpg)"
        )
    raise NNDLValueError(
        f"cannot tell the format of {str(path)!r} from its ending {suffix!r}; expected "
        f"{', '.join(H5_SUFFIXES + CSV_SUFFIXES + NPZ_SUFFIXES)} or a folder of pictures"
    )


def load_features(
    source: str | Path,
    *,
    encoder: TabularEncoder | None = None,
    image_shape: tuple[int, int, int] | None = None,
    layout: str = "samples",
    target: str | None = None,
    feature_names: list[str] | None = None,
) -> tuple[np.ndarray, list[str]]:
    """Examples to predict on → ``(X of shape (n_x, m), one name per example)``.

    Names are file names for pictures and ``row N`` otherwise.

    Parameters
    ----------
    source : str or pathlib.Path
        A picture (``photo.jpg``: one column), a folder of pictures (every picture in it
        and in its subfolders), a CSV file, an ``.npz`` file (its ``X``) or an HDF5 file
        (its ``X``).
    encoder : TabularEncoder, optional
        For CSV: the training data's encoding (a target column is ignored).
    image_shape : tuple of int, optional
        The ``(height, width, channels)`` of the training images, which pictures are
        resized to; ``(64, 64, 3)`` when None.
    layout : {"samples", "features"}, default "samples"
        For ``.npz``: ``(m, n)``, or the course's ``(n, m)``.
    target : str, optional
        For CSV without an encoder: the column that is not a feature.
    feature_names : list of str, optional
        For CSV without an encoder: the columns to read, when the file has them all.

    Returns
    -------
    X : numpy.ndarray of shape (n_x, m)
        The examples, one per column.
    names : list of str
        One name per example.

    Raises
    ------
    NNDLValueError
        When the source's format is unknown or a folder holds no pictures.
    """
    path = _existing_path(source)
    shape = image_shape if image_shape is not None else (*DEFAULT_SIZE, 3)
    suffix = path.suffix.lower()
    if path.is_dir():
        files = _image_files(path) + [f for d in _subfolders(path) for f in _image_files(d)]
        if not files:
            raise NNDLValueError(
                f"{str(path)!r} holds no pictures (files ending in {', '.join(IMAGE_SUFFIXES)})"
            )
        return load_images(files, shape), [str(f.relative_to(path)) for f in files]
    if suffix in IMAGE_SUFFIXES:
        return load_images([path], shape), [path.name]
    if suffix in CSV_SUFFIXES:
        return csv_features(path, encoder, target=target, feature_names=feature_names)
    if suffix in NPZ_SUFFIXES:
        X = _npz_features_only(path, layout)
    elif suffix in H5_SUFFIXES:
        X = load_h5(path).X
    else:
        raise NNDLValueError(
            f"cannot tell the format of {str(path)!r} from its ending {suffix!r}; expected a "
            f"picture ({', '.join(IMAGE_SUFFIXES)}), a folder of pictures, "
            f"{', '.join(CSV_SUFFIXES + NPZ_SUFFIXES + H5_SUFFIXES)}"
        )
    return X, [f"row {i + 1}" for i in range(X.shape[1])]


def _npz_features_only(path: Path, layout: str) -> np.ndarray:
    """The ``X`` of an ``.npz`` archive that may have no ``Y``."""
    if layout not in LAYOUTS:
        raise NNDLValueError(f"layout must be 'samples' or 'features'. Received: {layout!r}")
    x = _npz_get(read_npz(path, ["X"], layout), "X")
    if x is None:
        raise NNDLValueError(f"{str(path)!r} holds no array named X (or x) to predict on")
    return _npz_features(x, layout, str(path), "X")


def _load_generated(key: str, **options: Any) -> Data:
    m = options.get("m")
    if isinstance(m, int) and not isinstance(m, bool):  # a few float64 rows per example
        _files.check_memory(64.0 * m, f"generating {m:,} examples of {key!r}", "Ask for fewer")
    X, labels = GENERATORS[key](**options)  # key: already generated_key's
    Y, task, classes = make_target(labels.ravel(), None)
    return Data(
        X=np.asarray(X, dtype=np.float64),
        Y=Y,
        task=task,
        classes=classes,
        feature_names=[f"x{i + 1}" for i in range(X.shape[0])],
        source=key,
    )


def _no_target(target: str | None, source: str) -> None:
    if target is not None:
        raise NNDLValueError(
            f"target={target!r} names a CSV column, but {source!r} is a named data set whose "
            "target is known; leave the target out"
        )


def _no_options(
    options: dict[str, Any], source: str, where: str = "generated data sets such as 'moons'"
) -> None:
    if options:
        raise NNDLValueError(
            f"options {sorted(options)} only apply to {where}; {source!r} takes none"
        )


def _existing_path(source: str | Path) -> Path:
    path = Path(source).expanduser()
    if path.exists():
        return path
    if isinstance(source, str) and not any(sep in source for sep in "/\\") and not path.suffix:
        hint = did_you_mean(source, known_names())
        raise NNDLValueError(
            f"unknown data set {source!r} and no file of that name{f' ({hint})' if hint else ''}. "
            "Known names: "
            f"{', '.join(known_names())}; or pass a path to an .h5/.hdf5, .csv or .npz file "
            "or a folder of pictures"
        )
    raise NNDLValueError(
        f"no data file at {str(source)!r}: the path does not exist. Check the spelling and the "
        f"working directory, or use a known data set name ({', '.join(known_names())})"
    )
