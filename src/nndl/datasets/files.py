"""NumPy ``.npz`` archives (and, re-exported from :mod:`nndl.datasets.csv_files`, CSV files).

An ``.npz`` file is read through :class:`nndl._files.Archive`: only the arrays
needed (``X``, ``Y``, ``X_test``, ``Y_test`` or their lower-case names) are read,
each one's shape and dtype checked from its header before it is decompressed, and
its size bounded by the memory available; other members are never decompressed.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from nndl import _files, _limits
from nndl.datasets.csv_files import load_csv, read_csv_features
from nndl.datasets.data import Data, check_path, encode_labels, make_target
from nndl.datasets.images import images_to_vectors
from nndl.datasets.tables import Column, Table, TabularEncoder, read_csv
from nndl.errors import NNDLValueError, ShapeError

__all__ = [
    "LAYOUTS",
    "NPZ_KEYS",
    "Column",
    "Table",
    "TabularEncoder",
    "load_csv",
    "load_npz",
    "read_csv",
    "read_csv_features",
    "read_npz",
]

LAYOUTS = ("samples", "features")
"""``"samples"``: arrays of shape ``(m, n)``, one row per example (NumPy, pandas,
scikit-learn); ``"features"``: the course's ``(n, m)``, one column per example."""


# --------------------------------------------------------------------------- .npz


def load_npz(path: str | Path, layout: str = "samples", task: str | None = None) -> Data:
    """A NumPy ``.npz`` archive with arrays ``X`` and ``Y`` (or ``x`` and ``y``) → :class:`Data`.

    ``layout="samples"`` (the default, like NumPy and scikit-learn): ``X`` is
    ``(m, n)`` and ``Y`` is ``(m,)`` or ``(m, n_y)``; images ``(m, height, width,
    channels)`` are flattened like the course's image2vector, and so are sequences
    ``(m, T, n_x)`` (``sequence_shape`` ``(T, n_x)``; the same array is also a grayscale
    picture, ``image_shape`` ``(T, n_x, 1)``, for a convolution).  ``layout="features"``:
    the course's ``X`` ``(n, m)`` and ``Y`` ``(n_y, m)`` or ``(m,)``.  Optional
    ``X_test``/``Y_test`` become the test part.  Loaded with ``allow_pickle=False``:
    an archive holding Python objects is refused, never run.

    Parameters
    ----------
    path : str or pathlib.Path
        The archive.
    layout : {"samples", "features"}, default "samples"
        Whether examples are rows (NumPy's and scikit-learn's) or columns (the course's).
    task : {"binary", "multiclass", "regression"}, optional
        The task; inferred from Y when None.

    Returns
    -------
    Data
        The data set, X of shape ``(n_x, m)``.

    Raises
    ------
    NNDLValueError
        When the layout is unknown, or the archive lacks X or Y or holds Python objects.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> import numpy as np
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "points.npz"
    >>> np.savez(path, X=np.zeros((5, 3)), Y=np.array([0, 1, 1, 0, 1]))
    >>> data = load_npz(path)  # rows are examples: X becomes (n_x, m) = (3, 5)
    >>> data.X.shape, data.Y.shape, data.task
    ((3, 5), (1, 5), 'binary')
    """

    if layout not in LAYOUTS:
        raise NNDLValueError(
            f"layout must be 'samples' (arrays of shape (m, n)) or 'features' (the course's "
            f"(n, m)). Received: layout={layout!r}"
        )
    arrays = read_npz(path, NPZ_KEYS, layout)
    name = str(path)
    x, y = _npz_get(arrays, "X"), _npz_get(arrays, "Y")
    if x is None or y is None:
        raise NNDLValueError(
            f"{name!r} must hold arrays named X and Y (or x and y); it holds: "
            f"{', '.join(sorted(npz_names(path))) or 'nothing'}. Save it with "
            "np.savez(path, X=X, Y=Y)"
        )
    image_shape = sequence_shape = None
    if layout == "samples" and x.ndim in (3, 4):
        image_shape = (int(x.shape[1]), int(x.shape[2]), int(x.shape[3]) if x.ndim == 4 else 1)
    if layout == "samples" and x.ndim == 3:  # (m, T, n_x) sequences, or grayscale pictures
        sequence_shape = (int(x.shape[1]), int(x.shape[2]))
    X = _npz_features(x, layout, name, "X")
    Y, task, classes = _npz_target(y, layout, task, None, X.shape[1], name, "Y")
    X_test = Y_test = None
    x_test, y_test = _npz_get(arrays, "X_test"), _npz_get(arrays, "Y_test")
    if x_test is not None and y_test is not None:
        X_test = _npz_features(x_test, layout, name, "X_test")
        Y_test, _, _ = _npz_target(y_test, layout, task, classes, X_test.shape[1], name, "Y_test")
    return Data(
        X=X,
        Y=Y,
        task=task,
        X_test=X_test,
        Y_test=Y_test,
        classes=classes,
        feature_names=None if image_shape else [f"x{i}" for i in range(X.shape[0])],
        image_shape=image_shape,
        source=name,
        sequence_shape=sequence_shape,
    )


NPZ_KEYS = ("X", "Y", "X_test", "Y_test")
"""The arrays :func:`load_npz` reads (or their lower-case names); no other member is read."""


def read_npz(
    path: str | Path, keys: Sequence[str] | None = None, layout: str = "samples"
) -> dict[str, np.ndarray]:
    """The arrays named ``keys`` (each also under its lower-case name; ``None``: every array)
    of an ``.npz`` archive.

    Only those members are read.  Each one's header is read first: Python objects are
    refused (they could run code), ``X`` must hold numbers, ``X`` and ``Y`` must agree on
    the number of examples (in ``layout``), and the arrays with their float64 copies must
    fit in the memory available -- all before anything is decompressed.
    """
    p = check_path(path, ".npz file")
    damaged = (
        f"cannot read {str(p)!r} as an .npz archive; the file is damaged, is not an .npz file, "
        "or holds Python objects (refused: they could run code). Expected numeric arrays "
        "saved with np.savez(path, X=X, Y=Y)"
    )
    if p.is_dir():
        raise NNDLValueError(f"{str(p)!r} is a folder, expected an .npz file")
    with _limits.open_regular(p, ".npz file") as f:  # never a device or a FIFO
        if f.read(6) == b"\x93NUMPY":
            raise NNDLValueError(
                f"{str(p)!r} is a single .npy array, expected an .npz archive with arrays X and "
                "Y. Save it with np.savez(path, X=X, Y=Y)"
            )
    try:
        archive = _files.Archive(p, ".npz file")
    except NNDLValueError as exc:
        raise NNDLValueError(f"{damaged}. Details: {exc}") from exc
    with archive:
        wanted = {k for key in keys for k in (key, key.lower())} if keys is not None else None
        names = [n for n in archive.names if wanted is None or n in wanted]
        try:
            headers = {n: archive.header(n) for n in names}
        except NNDLValueError as exc:
            if "Python objects" in str(exc):
                raise
            raise NNDLValueError(f"{damaged}. Details: {exc}") from exc
        _check_headers(str(p), headers, layout)
        total = sum(2 * h.nbytes + 8 * int(np.prod(h.shape)) for h in headers.values())
        decoded = sum(h.nbytes + 8 * int(np.prod(h.shape)) for h in headers.values())
        _limits.check_justified(  # the arrays and their float64 copies
            decoded, archive.size, f"{str(p)!r}", "its members are compressed"
        )
        _files.check_memory(total, f"reading {str(p)!r}")
        try:
            return {n: archive.array(n) for n in names}
        except NNDLValueError as exc:
            raise NNDLValueError(f"{damaged}. Details: {exc}") from exc


def npz_names(path: str | Path) -> list[str]:
    """The array names an ``.npz`` archive lists (nothing is decompressed)."""
    with _files.Archive(check_path(path, ".npz file"), ".npz file") as archive:
        return archive.names


def _check_headers(name: str, headers: dict[str, _files.ArrayHeader], layout: str) -> None:
    """``X`` holds numbers and has as many examples as ``Y`` (from the headers alone)."""

    def get(key: str) -> _files.ArrayHeader | None:
        return headers.get(key, headers.get(key.lower()))

    for x_key, y_key in (("X", "Y"), ("X_test", "Y_test")):
        x, y = get(x_key), get(y_key)
        if x is not None and x.dtype.kind not in "iufb":
            raise NNDLValueError(
                f"{name!r}: {x_key} has dtype {x.dtype}; expected numbers (encode text columns "
                "first, or use a CSV file, whose text columns are one-hot encoded)"
            )
        if x is None or y is None or not x.shape or not y.shape:
            continue
        m_x = x.shape[0] if layout == "samples" or len(x.shape) == 1 else x.shape[-1]
        m_y = y.shape[0] if layout == "samples" or len(y.shape) == 1 else y.shape[-1]
        if len(x.shape) <= 2 and len(y.shape) <= 2 and m_x != m_y:
            hint = (
                "if your arrays are (n, m), one column per example, pass layout='features' "
                "(--layout features on the command line)"
                if layout == "samples"
                else "if your arrays are (m, n), one row per example, pass layout='samples'"
            )
            raise ShapeError(
                f"{name!r}: {x_key} has shape {x.shape} but {y_key} has shape {y.shape}: they "
                f"hold different numbers of examples (read with layout={layout!r}); {hint}"
            )


def _npz_get(arrays: dict[str, np.ndarray], key: str) -> np.ndarray | None:
    for name in (key, key.lower()):  # X, x; Y_test, y_test; …
        if name in arrays:
            return arrays[name]
    return None


def _npz_features(x: np.ndarray, layout: str, name: str, key: str) -> np.ndarray:
    if x.dtype.kind not in "iufb":
        raise NNDLValueError(
            f"{name!r}: {key} has dtype {x.dtype}; expected numbers (encode text columns first, "
            "or use a CSV file, whose text columns are one-hot encoded)"
        )
    if layout == "samples":
        if x.ndim == 1:
            return x.astype(np.float64).reshape(1, -1)
        if x.ndim in (3, 4):
            return np.asarray(images_to_vectors(x))
        if x.ndim == 2:
            return np.ascontiguousarray(x.T, dtype=np.float64)
    elif x.ndim == 2:
        return np.ascontiguousarray(x, dtype=np.float64)
    expected = "(m, n) or images (m, height, width, channels)" if layout == "samples" else "(n, m)"
    raise ShapeError(f"{name!r}: expected {key} of shape {expected}. Received: shape={x.shape}")


def _npz_target(
    y: np.ndarray,
    layout: str,
    task: str | None,
    classes: list[str] | None,
    m: int,
    name: str,
    key: str,
) -> tuple[np.ndarray, str, list[str] | None]:
    if y.ndim == 1:
        rows = y.reshape(1, -1)
    elif y.ndim == 2:
        rows = y.T if layout == "samples" else y
    else:
        raise ShapeError(f"{name!r}: expected {key} of rank 1 or 2. Received: shape={y.shape}")
    if rows.shape[1] != m:
        hint = (
            "if your arrays are (n, m), one column per example, pass layout='features' "
            "(--layout features on the command line)"
            if layout == "samples"
            else "if your arrays are (m, n), one row per example, pass layout='samples'"
        )
        raise ShapeError(
            f"{name!r}: X holds m={m} examples but {key} has shape {y.shape} "
            f"(read with layout={layout!r}); {hint}"
        )
    if rows.shape[0] > 1:
        if _is_one_hot(rows) and task != "regression":
            labels = np.argmax(rows, axis=0)
            names = classes or [str(k) for k in range(rows.shape[0])]
            return labels.astype(np.int64).reshape(1, -1), "multiclass", names
        if rows.dtype.kind not in "iufb":
            raise NNDLValueError(f"{name!r}: {key} with several rows must hold numbers")
        return rows.astype(np.float64), "regression", None
    if classes is not None:
        Y, _ = encode_labels(rows.ravel(), classes)
        return Y, task or "multiclass", classes
    return make_target(rows.ravel(), task)


def _is_one_hot(rows: np.ndarray) -> bool:
    if rows.dtype.kind not in "iufb":
        return False
    values = rows.astype(np.float64)
    return bool(np.all((values == 0) | (values == 1)) and np.all(values.sum(axis=0) == 1))
