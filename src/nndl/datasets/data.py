"""The loaded data set: arrays in the course's layout plus what is known about them.

:class:`Data` is what :func:`nndl.datasets.load_data` returns.  ``X`` has shape
``(n_x, m)`` (one column per example) and ``Y`` has shape ``(1, m)`` (class
indices ``0..K-1`` or a regression target) or ``(n_y, m)`` (several regression
targets).  The helpers here turn raw labels into class indices and guess the task.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.datasets.split import train_test_split
from nndl.errors import NNDLValueError, ShapeError
from nndl.model.init import RandomSource

if TYPE_CHECKING:
    from nndl.datasets.files import TabularEncoder

TASKS = ("binary", "multiclass", "regression")
"""The tasks a data set can pose."""

MAX_NUMERIC_CLASSES = 20
"""Integer-valued float targets with at most this many distinct values are taken as classes."""


@dataclass(eq=False)  # arrays have no single truth value; compare fields instead
class Data:
    """A data set in the course's layout.

    Parameters
    ----------
    X : numpy.ndarray of shape (n_x, m)
        Float64 features, one column per example.
    Y : numpy.ndarray of shape (1, m) or (n_y, m)
        Labels: int64 class indices ``0..K-1`` for ``"binary"`` and ``"multiclass"``,
        float64 values for ``"regression"`` (``(n_y, m)`` for several regression targets).
    task : {"binary", "multiclass", "regression"}
        The task the data set poses.
    X_test : numpy.ndarray of shape (n_x, m_test), optional
        The source's own test part (HDF5, ``.npz``, image folders with ``train/`` and
        ``test/``), or None.
    Y_test : numpy.ndarray, optional
        Its labels, given with ``X_test`` or not at all.
    classes : list of str, optional
        Class names; ``classes[k]`` is the name of label ``k``.
    feature_names : list of str, optional
        One name per row of ``X`` (one-hot rows are ``"column=value"``).
    image_shape : tuple of int, optional
        ``(height, width, channels)`` when each column of ``X`` is an image flattened as
        the course does (``X.reshape(m, -1).T``).
    source : str, default ""
        Where the data came from (a name or a path).
    encoder : TabularEncoder, optional
        For CSV files, the column encoding learned from the training file; apply it to
        test or prediction files with ``load_csv(..., encoder=data.encoder)``.
    sequence_shape : tuple of int, optional
        ``(T, n_x)`` when each column of ``X`` is a sequence of T steps of n_x features,
        step after step (``X.reshape(m, T * n_x).T``), for recurrent layers.

    Raises
    ------
    NNDLValueError
        When the task is unknown, or X_test is given without Y_test.
    ShapeError
        When X and Y, or the training and test parts, do not match.
    """

    X: np.ndarray
    Y: np.ndarray
    task: str
    X_test: np.ndarray | None = None
    Y_test: np.ndarray | None = None
    classes: list[str] | None = None
    feature_names: list[str] | None = None
    image_shape: tuple[int, int, int] | None = None
    source: str = ""
    encoder: TabularEncoder | None = None
    sequence_shape: tuple[int, int] | None = None

    def __post_init__(self) -> None:
        if self.task not in TASKS:
            raise NNDLValueError(f"task must be one of {', '.join(TASKS)}. Received: {self.task!r}")
        _check_pair(self.X, self.Y, "X", "Y")
        if (self.X_test is None) != (self.Y_test is None):
            raise NNDLValueError("X_test and Y_test must be given together or not at all")
        if self.X_test is not None and self.Y_test is not None:
            _check_pair(self.X_test, self.Y_test, "X_test", "Y_test")
            if self.X_test.shape[0] != self.X.shape[0]:
                raise ShapeError(
                    f"X_test has {self.X_test.shape[0]} features (rows) but X has "
                    f"{self.X.shape[0]}; the training and test parts must have the same features"
                )
        if self.sequence_shape is not None:
            T, n_x = self.sequence_shape
            if T < 1 or n_x < 1 or T * n_x != self.X.shape[0]:
                raise ShapeError(
                    f"sequence_shape {self.sequence_shape} says T·n_x = {T * n_x} features, but "
                    f"X has {self.X.shape[0]} (rows)"
                )

    @property
    def n_x(self) -> int:
        """Number of features (rows of ``X``)."""
        return int(self.X.shape[0])

    @property
    def m(self) -> int:
        """Number of training examples (columns of ``X``)."""
        return int(self.X.shape[1])

    @property
    def n_classes(self) -> int | None:
        """Number of classes, or ``None`` for regression."""
        return None if self.classes is None else len(self.classes)

    @property
    def has_test(self) -> bool:
        """True when the source came with its own test part."""
        return self.X_test is not None

    def split(self, test_size: float = 0.25, seed: RandomSource = 0) -> Data:
        """A copy whose ``X_test``/``Y_test`` are a seeded random ``test_size`` share of the data.

        Uses :func:`nndl.datasets.train_test_split`; the same seed gives the same split.

        Parameters
        ----------
        test_size : float or int, default 0.25
            The fraction held out, or a number of examples.
        seed : int or numpy.random.Generator, default 0
            The random source of the shuffle.

        Returns
        -------
        Data
            The training part as ``X``/``Y``, the held-out part as ``X_test``/``Y_test``.

        Examples
        --------
        >>> from nndl.datasets import load_data
        >>> data = load_data("moons", m=100).split(test_size=0.2)
        >>> data.X.shape, data.X_test.shape
        ((2, 80), (2, 20))
        """
        X, Y, X_test, Y_test = train_test_split(self.X, self.Y, test_size=test_size, seed=seed)
        return replace(self, X=X, Y=Y, X_test=X_test, Y_test=Y_test)

    def __repr__(self) -> str:
        parts = [f"source={self.source!r}", f"task={self.task!r}", f"X={self.X.shape}"]
        parts.append(f"Y={self.Y.shape}")
        if self.X_test is not None and self.Y_test is not None:
            parts += [f"X_test={self.X_test.shape}", f"Y_test={self.Y_test.shape}"]
        if self.classes is not None:
            shown = self.classes if len(self.classes) <= 10 else [*self.classes[:10], "..."]
            parts.append(f"classes={shown}")
        if self.image_shape is not None:
            parts.append(f"image_shape={self.image_shape}")
        if self.sequence_shape is not None:
            parts.append(f"sequence_shape={self.sequence_shape}")
        return f"Data({', '.join(parts)})"


def _check_pair(X: np.ndarray, Y: np.ndarray, x_name: str, y_name: str) -> None:
    if X.ndim != 2 or Y.ndim != 2 or X.shape[1] != Y.shape[1]:
        raise ShapeError(
            f"expected {x_name} of shape (n_x, m) and {y_name} of shape (n_y, m) with the same "
            f"m. Received: {x_name}.shape={X.shape}, {y_name}.shape={Y.shape}"
        )


def check_path(path: str | Path, what: str = "data file") -> Path:
    """``path`` as a :class:`Path`, or a clear error when nothing is there."""
    p = Path(path).expanduser()
    if not p.exists():
        raise NNDLValueError(
            f"no {what} at {str(path)!r}: the path does not exist. "
            "Check the spelling and the working directory, or pass a built-in data set name"
        )
    return p


def label_name(value: Any) -> str:
    """The display name of one raw label: ``3.0`` → ``"3"``, ``b"cat"`` → ``"cat"``."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, (bool, np.bool_)):
        return str(bool(value))
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)) and float(value).is_integer():
        return str(int(value))
    return str(value)


def _is_numeric(values: np.ndarray) -> bool:
    return values.dtype.kind in "iufb"


def infer_task(values: np.ndarray) -> str:
    """Guess the task from a raw 1-D target.

    Strings, booleans and integers are classes; floats that are all whole numbers
    with at most :data:`MAX_NUMERIC_CLASSES` distinct values are classes too; any
    other float target is regression.  Two classes or fewer is ``"binary"``.
    """
    values = np.asarray(values).ravel()
    if values.dtype.kind == "f":
        finite = bool(np.all(np.isfinite(values)))
        whole = finite and bool(np.all(values == np.round(values)))
        if finite and not whole:
            _check_nearly_whole(values)
        if not whole or len(np.unique(values)) > MAX_NUMERIC_CLASSES:
            return "regression"
    elif values.dtype.kind not in "iubOSU":
        raise NNDLValueError(
            f"cannot use values of dtype {values.dtype} as a target; expected numbers or "
            "class names"
        )
    return classification_task(len(np.unique(values)))


def _check_nearly_whole(values: np.ndarray) -> None:
    """Refuse a float target of whole numbers (classes) but for a few values a hair away from
    one (``1.0000001``): guessing regression from them would change the task silently."""
    rounded = np.round(values)
    off = values != rounded
    few = int(np.count_nonzero(off)) <= max(1, len(values) // 100)
    near = bool(
        np.all(np.abs(values[off] - rounded[off]) <= 1e-4 * np.maximum(1, np.abs(rounded[off])))
    )
    if few and near and len(np.unique(rounded)) <= MAX_NUMERIC_CLASSES:
        rows = np.flatnonzero(off)
        raise NNDLValueError(
            f"the target holds whole numbers (classes) but for {rows.size} value(s) a hair away "
            f"from one, such as {float(values[rows[0]])!r} (example {int(rows[0])}); it is not "
            "clear whether this is classification or regression. Round those labels, or ask for "
            "regression (task='regression', --task regression on the command line)"
        )


def classification_task(n_classes: int) -> str:
    """``"binary"`` for at most two classes (one sigmoid output), else ``"multiclass"``."""
    return "binary" if n_classes <= 2 else "multiclass"


def encode_labels(
    values: np.ndarray | Sequence[Any], classes: Sequence[str] | None = None
) -> tuple[np.ndarray, list[str]]:
    """Raw labels (any 1-D sequence) → class indices ``Y`` of shape ``(1, m)`` and the class names.

    Without ``classes`` the names are the sorted distinct labels (numerically when
    the labels are numbers).  With ``classes`` (say, those of the training data)
    every label must be one of them.
    """
    arr = np.asarray(values)
    if arr.ndim != 1:
        arr = arr.ravel()
    names = [label_name(v) for v in arr.tolist()]
    if classes is None:
        if _is_numeric(arr):
            distinct = sorted(set(arr.tolist()))
            classes = list(dict.fromkeys(label_name(v) for v in distinct))
        else:
            classes = sorted(set(names))
    classes = list(classes)
    index = {name: k for k, name in enumerate(classes)}
    unknown = sorted(set(names) - set(index))
    if unknown:
        shown = ", ".join(repr(u) for u in unknown[:5])
        raise NNDLValueError(
            f"labels {shown} are not among the known classes {classes}; the labels must be "
            "classes seen in the training data"
        )
    Y = np.array([index[n] for n in names], dtype=np.int64).reshape(1, -1)
    return Y, classes


def make_target(
    values: np.ndarray, task: str | None = None, classes: Sequence[str] | None = None
) -> tuple[np.ndarray, str, list[str] | None]:
    """A raw 1-D target → ``(Y (1, m), task, classes)``; regression keeps float64 values."""
    values = np.asarray(values).ravel()
    if task is None and classes is None and infer_task(values) == "regression":
        task = "regression"
    if task is not None and task not in TASKS:
        raise NNDLValueError(f"task must be one of {', '.join(TASKS)}. Received: {task!r}")
    if task == "regression":
        if not _is_numeric(values):
            raise NNDLValueError(
                f"a regression target must be numbers; it holds values of dtype {values.dtype} "
                f"such as {label_name(values[0])!r}. Choose a numeric target column or a "
                "classification task"
            )
        return values.astype(np.float64).reshape(1, -1), "regression", None
    Y, names = encode_labels(values, classes)
    if task is None:
        task = classification_task(len(names))
    elif task == "binary" and len(names) > 2:
        raise NNDLValueError(
            f"task='binary' needs at most 2 classes but the target has {len(names)}: {names}. "
            "Use task='multiclass'"
        )
    return Y, task, names
