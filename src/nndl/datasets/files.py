"""Tables: CSV files with a target column, and NumPy ``.npz`` archives.

A CSV file's numeric columns are kept as they are; columns holding text are
one-hot encoded (one row of ``X`` per category).  The encoding learned from the
training file -- the columns, their categories, the class names -- is a
:class:`TabularEncoder`, so test and prediction files are encoded the same way
and the encoding can be saved with a model (:meth:`TabularEncoder.to_dict`).
"""

from __future__ import annotations

import csv
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nndl.datasets.data import TASKS, Data, check_path, encode_labels, make_target
from nndl.datasets.images import images_to_vectors
from nndl.errors import NNDLValueError, ShapeError

LAYOUTS = ("samples", "features")
"""``"samples"``: arrays of shape ``(m, n)``, one row per example (NumPy, pandas,
scikit-learn); ``"features"``: the course's ``(n, m)``, one column per example."""


# --------------------------------------------------------------------------- CSV


@dataclass
class Table:
    """A CSV file read as text: the header and one list of cells per column."""

    header: list[str]
    columns: dict[str, list[str]]
    path: str = ""
    _floats: dict[str, np.ndarray | None] = field(default_factory=dict, repr=False, compare=False)

    def floats(self, name: str) -> np.ndarray | None:
        """Column ``name`` as float64 (empty cells nan), or ``None`` if a cell is not a number;
        parsed once, however often the encoder asks (don't write into the array)."""
        if name not in self._floats:
            self._floats[name] = _as_floats(self.columns[name])
        return self._floats[name]


def read_csv(path: str | Path, delimiter: str | None = None) -> Table:
    """Read a CSV file with a header row; the delimiter (``,`` ``;`` tab) is detected."""
    p = check_path(path, "CSV file")
    try:
        text = p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NNDLValueError(
            f"cannot read {str(p)!r} as text ({exc}); expected a UTF-8 CSV file with a header row"
        ) from exc
    except IsADirectoryError as exc:
        raise NNDLValueError(f"{str(p)!r} is a folder, expected a CSV file") from exc
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(text[:4096], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    rows = [row for row in csv.reader(text.splitlines(), delimiter=delimiter) if row]
    if not rows:
        raise NNDLValueError(f"{str(p)!r} is empty; expected a CSV file with a header row")
    header = [name.strip() for name in rows[0]]
    if len(set(header)) != len(header):
        twice = sorted({n for n in header if header.count(n) > 1})
        raise NNDLValueError(f"{str(p)!r}: the header names columns {twice} more than once")
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise NNDLValueError(
                f"{str(p)!r}, row {line}: expected {len(header)} cells like the header, found "
                f"{len(row)}. Check the delimiter and quoting of that row"
            )
    if len(rows) < 2:
        raise NNDLValueError(f"{str(p)!r} has a header but no data rows")
    columns = {name: [row[j].strip() for row in rows[1:]] for j, name in enumerate(header)}
    return Table(header=header, columns=columns, path=str(p))


def _as_floats(cells: Sequence[str]) -> np.ndarray | None:
    """The cells as float64 if every non-empty cell is a number, else ``None``."""
    values = np.empty(len(cells), dtype=np.float64)
    for i, cell in enumerate(cells):
        if cell == "":
            values[i] = math.nan
            continue
        try:
            values[i] = float(cell)
        except ValueError:
            return None
    return values


@dataclass
class Column:
    """How one CSV column becomes rows of ``X``: a number, or one-hot over ``categories``."""

    name: str
    kind: str  # "numeric" or "categorical"
    categories: list[str] = field(default_factory=list)

    @property
    def feature_names(self) -> list[str]:
        if self.kind == "numeric":
            return [self.name]
        return [f"{self.name}={c}" for c in self.categories]


@dataclass
class TabularEncoder:
    """The encoding of a CSV file's columns, learned from the training file.

    Attributes:
        columns: the feature columns in order, each numeric or categorical (with
            its sorted categories; each category is one row of ``X``).
        target: the target column's name (``None`` when there is none).
        task: ``"binary"``, ``"multiclass"`` or ``"regression"`` (``None`` without target).
        classes: the class names of a classification target; label ``k`` is ``classes[k]``.
    """

    columns: list[Column]
    target: str | None = None
    task: str | None = None
    classes: list[str] | None = None

    @classmethod
    def fit(
        cls,
        table: Table,
        target: str | None,
        task: str | None = None,
        drop: Sequence[str] = (),
    ) -> TabularEncoder:
        """Learn the encoding of ``table``: which columns are numbers, which categories exist."""
        _check_columns(table, [*([target] if target is not None else []), *drop], "the file")
        columns = []
        for name in table.header:
            if name == target or name in drop:
                continue
            if table.floats(name) is not None:
                columns.append(Column(name, "numeric"))
            else:
                columns.append(Column(name, "categorical", sorted(set(table.columns[name]))))
        if not columns:
            raise NNDLValueError(
                f"{table.path!r} has no feature columns besides the target {target!r}; "
                "expected at least one more column"
            )
        encoder = cls(columns=columns, target=target)
        if target is not None:
            _, encoder.task, encoder.classes = make_target(_target_values(table, target), task)
        return encoder

    @property
    def feature_names(self) -> list[str]:
        """One name per row of ``X``: the column name, or ``"column=category"`` for one-hot rows."""
        return [name for column in self.columns for name in column.feature_names]

    @property
    def n_x(self) -> int:
        return len(self.feature_names)

    def transform(self, table: Table) -> np.ndarray:
        """The feature columns of ``table`` → ``X`` of shape ``(n_x, m)``, float64."""
        _check_columns(table, [c.name for c in self.columns], "the training file")
        rows = []
        for column in self.columns:
            cells = table.columns[column.name]
            if column.kind == "numeric":
                values = table.floats(column.name)
                if values is None:
                    bad = next(c for c in cells if _as_floats([c]) is None)
                    raise NNDLValueError(
                        f"{table.path!r}: column {column.name!r} held numbers in the training "
                        f"file but here holds {bad!r}; expected numbers"
                    )
                if not np.all(np.isfinite(values)):
                    line = int(np.flatnonzero(~np.isfinite(values))[0]) + 2
                    raise NNDLValueError(
                        f"{table.path!r}: column {column.name!r} has an empty or non-finite cell "
                        f"(row {line}); expected a number in every row. Fill in or drop the "
                        "missing values"
                    )
                rows.append(values)
            else:
                index = {c: k for k, c in enumerate(column.categories)}
                unknown = sorted(set(cells) - set(index))
                if unknown:
                    raise NNDLValueError(
                        f"{table.path!r}: column {column.name!r} has categories {unknown[:5]} "
                        f"not seen in the training file, which had {column.categories}"
                    )
                codes = np.array([index[c] for c in cells], dtype=np.int64)
                rows.extend((codes == k).astype(np.float64) for k in range(len(column.categories)))
        return np.ascontiguousarray(np.vstack(rows))

    def transform_target(self, table: Table) -> np.ndarray:
        """The target column of ``table`` → ``Y`` of shape ``(1, m)`` (class indices or values)."""
        if self.target is None:
            raise NNDLValueError("this encoding has no target column")
        _check_columns(table, [self.target], "the training file")
        values = _target_values(table, self.target)
        Y, _, _ = make_target(values, self.task, self.classes)
        return Y

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description; :meth:`from_dict` rebuilds the encoder from it."""
        return {
            "columns": [
                {"name": c.name, "kind": c.kind, "categories": list(c.categories)}
                for c in self.columns
            ],
            "target": self.target,
            "task": self.task,
            "classes": None if self.classes is None else list(self.classes),
        }

    @classmethod
    def from_dict(cls, config: dict[str, Any]) -> TabularEncoder:
        """The encoder described by :meth:`to_dict`'s output."""
        try:
            columns = [
                Column(str(c["name"]), str(c["kind"]), [str(v) for v in c.get("categories", [])])
                for c in config["columns"]
            ]
            target, task, classes = config.get("target"), config.get("task"), config.get("classes")
        except (KeyError, TypeError) as exc:
            raise NNDLValueError(
                f"not a saved CSV encoding: expected a dict with 'columns' (name, kind, "
                f"categories), 'target', 'task', 'classes'. Missing or malformed: {exc}"
            ) from exc
        if any(c.kind not in ("numeric", "categorical") for c in columns):
            raise NNDLValueError(
                "a saved CSV encoding has a column kind other than numeric/categorical"
            )
        if task is not None and task not in TASKS:
            raise NNDLValueError(f"a saved CSV encoding has an unknown task {task!r}")
        return cls(
            columns=columns,
            target=None if target is None else str(target),
            task=task,
            classes=None if classes is None else [str(c) for c in classes],
        )


def _check_columns(table: Table, needed: Sequence[str], where: str) -> None:
    missing = [name for name in needed if name not in table.columns]
    if missing:
        raise NNDLValueError(
            f"{table.path!r} has no column {missing[0]!r} (needed from {where}); its columns are: "
            f"{', '.join(table.header)}. Pass one of them"
        )


def _target_values(table: Table, target: str) -> np.ndarray:
    cells = table.columns[target]
    if "" in cells:
        line = cells.index("") + 2
        raise NNDLValueError(
            f"{table.path!r}: the target column {target!r} is empty in row {line}; every row "
            "needs a target value"
        )
    numbers = table.floats(target)
    return numbers if numbers is not None else np.array(cells)


def load_csv(
    path: str | Path,
    target: str | None,
    task: str | None = None,
    encoder: TabularEncoder | None = None,
    drop: Sequence[str] = (),
    delimiter: str | None = None,
) -> Data:
    """A CSV file with a header row and a ``target`` column → :class:`Data`.

    Numeric columns are kept; text columns are one-hot encoded.  Class names in the
    target become labels ``0..K-1`` (sorted names); a numeric target is a regression
    target unless it holds whole numbers only, with at most 20 distinct values
    (then they are classes), or ``task`` says otherwise.  Columns in ``drop`` are
    ignored.  Pass the training data's ``encoder`` to encode a test file the same way.
    """
    table = read_csv(path, delimiter)
    if encoder is None:
        if target is None:
            raise NNDLValueError(
                f"a CSV file needs a target column; {table.path!r} has the columns: "
                f"{', '.join(table.header)}. Pass target=NAME (--target NAME on the command line)"
            )
        encoder = TabularEncoder.fit(table, target, task, drop)
    elif target is not None and target != encoder.target:
        raise NNDLValueError(
            f"target={target!r} differs from the encoding's target {encoder.target!r}; "
            "leave target out or pass the same name"
        )
    if encoder.target is None or encoder.task is None:
        raise NNDLValueError("the encoding has no target column; use read_csv_features instead")
    return Data(
        X=encoder.transform(table),
        Y=encoder.transform_target(table),
        task=encoder.task,
        classes=encoder.classes,
        feature_names=encoder.feature_names,
        source=table.path,
        encoder=encoder,
    )


def read_csv_features(
    path: str | Path,
    encoder: TabularEncoder | None = None,
    delimiter: str | None = None,
    *,
    target: str | None = None,
    feature_names: Sequence[str] | None = None,
) -> np.ndarray:
    """The feature columns of a CSV file (say, one to predict on) → ``X`` of shape ``(n_x, m)``.

    With the training data's ``encoder`` the file is encoded the same way (a target
    column, if present, is ignored).  Without one: the columns named ``feature_names``
    (the model's, in that order) when the header has them all, else every column but
    ``target`` (a label column to leave out).
    """
    table = read_csv(path, delimiter)
    if encoder is None:
        if target is not None:
            _check_columns(table, [target], "--target")
        names = [str(f) for f in feature_names or ()]
        if names and all(name in table.columns for name in names):
            encoder = TabularEncoder(columns=[Column(name, "numeric") for name in names])
        else:
            encoder = TabularEncoder.fit(table, None, drop=[] if target is None else [target])
    return encoder.transform(table)


# --------------------------------------------------------------------------- .npz


def load_npz(path: str | Path, layout: str = "samples", task: str | None = None) -> Data:
    """A NumPy ``.npz`` archive with arrays ``X`` and ``Y`` (or ``x`` and ``y``) → :class:`Data`.

    ``layout="samples"`` (the default, like NumPy and scikit-learn): ``X`` is
    ``(m, n)`` and ``Y`` is ``(m,)`` or ``(m, n_y)``; images ``(m, height, width,
    channels)`` are flattened like the course's image2vector.  ``layout="features"``:
    the course's ``X`` ``(n, m)`` and ``Y`` ``(n_y, m)`` or ``(m,)``.  Optional
    ``X_test``/``Y_test`` become the test part.  Loaded with ``allow_pickle=False``:
    an archive holding Python objects is refused, never run.
    """

    if layout not in LAYOUTS:
        raise NNDLValueError(
            f"layout must be 'samples' (arrays of shape (m, n)) or 'features' (the course's "
            f"(n, m)). Received: layout={layout!r}"
        )
    arrays = read_npz(path)
    name = str(path)
    x, y = _npz_get(arrays, "X"), _npz_get(arrays, "Y")
    if x is None or y is None:
        raise NNDLValueError(
            f"{name!r} must hold arrays named X and Y (or x and y); it holds: "
            f"{', '.join(sorted(arrays)) or 'nothing'}. Save it with np.savez(path, X=X, Y=Y)"
        )
    image_shape = None
    if layout == "samples" and x.ndim in (3, 4):
        image_shape = (int(x.shape[1]), int(x.shape[2]), int(x.shape[3]) if x.ndim == 4 else 1)
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
    )


def read_npz(path: str | Path) -> dict[str, np.ndarray]:
    """Every array of an ``.npz`` archive, loaded with ``allow_pickle=False``."""
    p = check_path(path, ".npz file")
    damaged = (
        f"cannot read {str(p)!r} as an .npz archive; the file is damaged, is not an .npz file, "
        "or holds Python objects (refused: they could run code). Expected numeric arrays "
        "saved with np.savez(path, X=X, Y=Y)"
    )
    with open(p, "rb") as file:  # opened here so that it is closed even when np.load fails
        try:
            loaded = np.load(file, allow_pickle=False)
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
            raise NNDLValueError(f"{damaged}. Details: {exc}") from exc
        if not isinstance(loaded, np.lib.npyio.NpzFile):
            raise NNDLValueError(
                f"{str(p)!r} is a single .npy array, expected an .npz archive with arrays X and "
                "Y. Save it with np.savez(path, X=X, Y=Y)"
            )
        with loaded as archive:
            try:
                return {key: np.asarray(archive[key]) for key in archive.files}
            except (OSError, ValueError, EOFError, zipfile.BadZipFile) as exc:
                raise NNDLValueError(f"{damaged}. Details: {exc}") from exc


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
            "if your arrays are (n, m), one column per example, pass layout='features'"
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
