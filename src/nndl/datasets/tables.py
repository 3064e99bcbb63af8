"""CSV files with a target column, read with pandas and encoded as the course's ``X``.

A column pandas reads as numbers is a numeric feature; a column of text is one-hot
encoded (one row of ``X`` per category).  The encoding learned from the training
file -- the columns, their categories, the class names, how missing cells are
handled -- is a :class:`TabularEncoder`, so test and prediction files are encoded
the same way and the encoding can be saved with a model (:meth:`TabularEncoder.to_dict`).

Nothing is guessed silently:

* a missing cell (empty, ``NA``, ``N/A``, ``NaN``, ``NULL``, ``None``, ``?``) is an
  error naming the column and the rows, unless ``missing="drop"`` (drop those rows)
  or ``missing="mean"`` (fill a numeric column with the training file's mean, a text
  column with its most frequent category);
* a column that holds numbers but a few cells that are not (``1,234``, a stray NUL)
  is an error naming the cells, not a column of categories;
* a text column with more than ``max_categories`` categories, or mostly unique
  values (an identifier), is refused with the name of the column to drop;
* the target may not be missing.

pandas comes with the ``data`` extra: ``pip install "nndl[data]"``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nndl import _files
from nndl.datasets.csv_table import (
    MISSING_VALUES,
    Table,
    _as_number,
    _rows,
    read_csv,
)
from nndl.datasets.data import TASKS, make_target
from nndl.errors import NNDLValueError

__all__ = [
    "MAX_CATEGORIES",
    "MISSING",
    "MISSING_VALUES",
    "Column",
    "Table",
    "TabularEncoder",
    "read_csv",
]

MISSING = ("drop", "mean")
"""What to do with missing feature cells (besides the default, an error)."""

MAX_CATEGORIES = 100
"""A text column with more categories than this is refused (one-hot would make one row each)."""


@dataclass
class Column:
    """How one CSV column becomes rows of ``X``: a number, or one-hot over ``categories``;
    ``fill`` replaces missing cells (``missing="mean"``)."""

    name: str
    kind: str  # "numeric" or "categorical"
    categories: list[str] = field(default_factory=list)
    fill: float | str | None = None

    @property
    def feature_names(self) -> list[str]:
        if self.kind == "numeric":
            return [self.name]
        return [f"{self.name}={c}" for c in self.categories]


def _numbers_in_text(table: Table, name: str, training: bool) -> np.ndarray:
    """A text column that should hold numbers, as float64; an error naming the bad cells."""
    cells = table.texts[name]
    bad = [i for i, c in enumerate(cells) if c is not None and _as_number(c) is None]
    if bad:
        shown = ", ".join(repr(cells[i]) for i in bad[:3])
        where = "holds numbers" if training else "held numbers in the training file"
        raise NNDLValueError(
            f"{table.path!r}: column {name!r} {where} but {_rows(bad)} "
            f"{'holds' if len(bad) == 1 else 'hold'} {shown}; expected "
            "numbers. Write numbers without thousands separators (1234, not 1,234), fix or "
            f"remove those cells, or drop the column (--drop {name}, drop=[{name!r}])"
        )
    return np.array([np.nan if c is None else float(c) for c in cells], dtype=np.float64)


def _mostly_numbers(cells: list[str | None]) -> bool:
    distinct = {c for c in cells if c is not None}
    numeric = sum(_as_number(c) is not None for c in distinct)
    return bool(distinct) and 2 * numeric > len(distinct)


@dataclass
class TabularEncoder:
    """The encoding of a CSV file's columns, learned from the training file.

    Parameters
    ----------
    columns : list of Column
        The feature columns in order, numeric or categorical (one row of X per category).
    target : str, optional
        The target column's name (None when there is none).
    task : {"binary", "multiclass", "regression"}, optional
        The target's task (None without target).
    classes : list of str, optional
        The class names of a classification target; label ``k`` is ``classes[k]``.
    missing : {"drop", "mean"}, optional
        None (missing cells are an error), ``"drop"`` or ``"mean"``.
    """

    columns: list[Column]
    target: str | None = None
    task: str | None = None
    classes: list[str] | None = None
    missing: str | None = None

    @classmethod
    def fit(
        cls,
        table: Table,
        target: str | None,
        task: str | None = None,
        drop: Sequence[str] = (),
        missing: str | None = None,
        max_categories: int = MAX_CATEGORIES,
    ) -> TabularEncoder:
        """Learn the encoding of ``table``: which columns are numbers, which categories exist.

        Parameters
        ----------
        table : Table
            A CSV file as read (:func:`nndl.datasets.csv_table.read_csv`).
        target : str or None
            The target column (None for a file of features only).
        task : {"binary", "multiclass", "regression"}, optional
            Overrides the guess from the target's values.
        drop : sequence of str, default ()
            Columns to leave out.
        missing : {"drop", "mean"}, optional
            Missing feature cells: None (an error naming them), dropped rows, or the mean.
        max_categories : int, default 100
            The most categories a text column may have.

        Returns
        -------
        TabularEncoder
            The encoding.

        Raises
        ------
        NNDLValueError
            When a column is missing, a cell is missing (without ``missing``), or a text
            column has too many categories.
        """
        _check_missing(missing)
        _check_columns(table, [*([target] if target is not None else []), *drop], "the file")
        names = [n for n in table.header if n != target and n not in drop]
        if not names:
            raise NNDLValueError(
                f"{table.path!r} has no feature columns besides the target {target!r}; "
                "expected at least one more column"
            )
        if target is not None:
            _target_values(table, target)  # the target may not be missing
        if missing == "drop":
            table = _drop_missing(table, names)
        columns = [_fit_column(table, name, missing, max_categories) for name in names]
        encoder = cls(columns=columns, target=target, missing=missing)
        if target is not None:
            _, encoder.task, encoder.classes = make_target(_target_values(table, target), task)
        return encoder

    @property
    def feature_names(self) -> list[str]:
        """One name per row of ``X``: the column name, or ``"column=category"`` for one-hot rows."""
        return [name for column in self.columns for name in column.feature_names]

    @property
    def n_x(self) -> int:
        """The number of rows of ``X``: one per numeric column and per category."""
        return len(self.feature_names)

    def prepare(self, table: Table) -> Table:
        """``table`` with the rows dropped that ``missing="drop"`` drops (else unchanged).

        Parameters
        ----------
        table : Table
            A CSV file as read (:func:`nndl.datasets.csv_table.read_csv`).

        Returns
        -------
        Table
            The rows to encode.
        """
        _check_columns(table, [c.name for c in self.columns], "the training file")
        if self.missing != "drop":
            return table
        return _drop_missing(table, [c.name for c in self.columns])

    def transform(self, table: Table) -> np.ndarray:
        """The feature columns of ``table`` (after :meth:`prepare`) → ``X`` ``(n_x, m)``.

        Parameters
        ----------
        table : Table
            A CSV file as read (:func:`nndl.datasets.csv_table.read_csv`).

        Returns
        -------
        numpy.ndarray of shape (n_x, m)
            The encoded features, float64.

        Raises
        ------
        NNDLValueError
            When a cell is missing (without ``missing``) or is not what its column holds.
        """
        _check_columns(table, [c.name for c in self.columns], "the training file")
        _files.check_memory(8.0 * self.n_x * table.m, f"encoding {table.path!r}")
        X = np.empty((self.n_x, table.m), dtype=np.float64)
        row = 0
        for column in self.columns:
            if column.kind == "numeric":
                values = table.floats(column.name)
                if values is None:
                    values = _numbers_in_text(table, column.name, training=False)
                X[row] = values
                gaps = np.flatnonzero(~np.isfinite(values))
                if gaps.size and column.fill is not None and not np.any(np.isinf(values)):
                    X[row, gaps] = float(column.fill)
                elif gaps.size:
                    raise _missing_error(table, column.name, gaps, np.isinf(values[gaps[0]]))
                row += 1
                continue
            cells = table.cells(column.name)
            gaps = np.array([i for i, c in enumerate(cells) if c is None], dtype=np.int64)
            if gaps.size and column.fill is None:
                raise _missing_error(table, column.name, gaps)
            cells = [column.fill if c is None else c for c in cells]  # type: ignore[misc]
            index = {c: k for k, c in enumerate(column.categories)}
            unknown = sorted({str(c) for c in cells} - set(index))
            if unknown:
                raise NNDLValueError(
                    f"{table.path!r}: column {column.name!r} has categories {unknown[:5]} "
                    f"not seen in the training file, which had {column.categories}"
                )
            codes = np.array([index[str(c)] for c in cells], dtype=np.int64)
            width = len(column.categories)
            X[row : row + width] = codes[None, :] == np.arange(width)[:, None]
            row += width
        return X

    def transform_target(self, table: Table) -> np.ndarray:
        """The target column of ``table`` → ``Y`` of shape ``(1, m)`` (class indices or values).

        Parameters
        ----------
        table : Table
            A CSV file as read (:func:`nndl.datasets.csv_table.read_csv`).

        Returns
        -------
        numpy.ndarray of shape (1, m)
            int64 class indices, or float64 values for regression.

        Raises
        ------
        NNDLValueError
            When the encoding has no target column.
        """
        if self.target is None:
            raise NNDLValueError("this encoding has no target column")
        _check_columns(table, [self.target], "the training file")
        values = _target_values(table, self.target)
        Y, _, _ = make_target(values, self.task, self.classes)
        return Y

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able description; :meth:`from_dict` rebuilds the encoder from it.

        Returns
        -------
        dict
            The columns, categories, target, task, classes and missing strategy.
        """
        return {
            "columns": [
                {"name": c.name, "kind": c.kind, "categories": list(c.categories), "fill": c.fill}
                for c in self.columns
            ],
            "target": self.target,
            "task": self.task,
            "classes": None if self.classes is None else list(self.classes),
            "missing": self.missing,
        }

    @classmethod
    def from_dict(cls, config: dict[str, Any]) -> TabularEncoder:
        """The encoder described by :meth:`to_dict`'s output.

        Parameters
        ----------
        config : dict
            What :meth:`to_dict` returned.

        Returns
        -------
        TabularEncoder
            The encoder.

        Raises
        ------
        NNDLValueError
            When the dict is not a saved encoding.
        """
        try:
            columns = [
                Column(
                    str(c["name"]),
                    str(c["kind"]),
                    [str(v) for v in c.get("categories", [])],
                    c.get("fill"),
                )
                for c in config["columns"]
            ]
            target, task, classes = config.get("target"), config.get("task"), config.get("classes")
            missing = config.get("missing")
        except (KeyError, TypeError, AttributeError) as exc:
            raise NNDLValueError(
                f"not a saved CSV encoding: expected a dict with 'columns' (name, kind, "
                f"categories), 'target', 'task', 'classes'. Missing or malformed: {exc}"
            ) from exc
        if any(c.kind not in ("numeric", "categorical") for c in columns):
            raise NNDLValueError(
                "a saved CSV encoding has a column kind other than numeric/categorical"
            )
        if any(c.fill is not None and not isinstance(c.fill, (int, float, str)) for c in columns):
            raise NNDLValueError("a saved CSV encoding has a fill value that is not a number")
        if task is not None and task not in TASKS:
            raise NNDLValueError(f"a saved CSV encoding has an unknown task {task!r}")
        _check_missing(missing)
        return cls(
            columns=columns,
            target=None if target is None else str(target),
            task=task,
            classes=None if classes is None else [str(c) for c in classes],
            missing=missing,
        )


def _check_missing(missing: Any) -> None:
    if missing is not None and missing not in MISSING:
        raise NNDLValueError(
            f"missing must be None (missing cells are an error), 'drop' (drop those rows) or "
            f"'mean' (fill with the training mean). Received: missing={missing!r}"
        )


def _missing_error(
    table: Table, name: str, rows: np.ndarray, infinite: bool = False
) -> NNDLValueError:
    what = "an infinite value" if infinite else "missing cells"
    return NNDLValueError(
        f"{table.path!r}: column {name!r} has {what} in {_rows(rows)}; expected a value in "
        f"every row. Fill them in, drop those rows (--missing drop, missing='drop'), fill with "
        f"the training mean (--missing mean, missing='mean'), or drop the column "
        f"(--drop {name}, drop=[{name!r}])"
    )


def _fit_column(table: Table, name: str, missing: str | None, max_categories: int) -> Column:
    values = table.floats(name)
    if values is None and _mostly_numbers(table.texts[name]):
        values = _numbers_in_text(table, name, training=True)
    if values is not None:
        infinite = np.flatnonzero(np.isinf(values))
        if infinite.size:
            raise _missing_error(table, name, infinite, infinite=True)
        gaps = np.flatnonzero(np.isnan(values))
        if gaps.size and missing != "mean":
            raise _missing_error(table, name, gaps)
        if gaps.size == values.size:
            raise NNDLValueError(f"{table.path!r}: column {name!r} has no values; drop it")
        fill = float(np.nanmean(values)) if gaps.size else None
        return Column(name, "numeric", fill=fill)
    cells = table.texts[name]
    present = [c for c in cells if c is not None]
    gaps = table.missing(name)
    if gaps.size and missing != "mean":
        raise _missing_error(table, name, gaps)
    counts = Counter(present)
    if not counts:
        raise NNDLValueError(f"{table.path!r}: column {name!r} has no values; drop it")
    unique = len(counts) > 10 and 2 * len(counts) > len(present)
    if len(counts) > max_categories or unique:
        reason = "mostly unique values (an identifier?)" if unique else "too many categories"
        raise NNDLValueError(
            f"{table.path!r}: text column {name!r} has {len(counts)} distinct values in "
            f"{len(present)} rows, {reason}: one-hot encoding would make {len(counts)} features "
            f"(at most {max_categories}). Drop it with --drop {name} (drop=[{name!r}])"
        )
    common = counts.most_common(1)[0][0] if gaps.size else None
    return Column(name, "categorical", sorted(counts), fill=common)


def _drop_missing(table: Table, names: Sequence[str]) -> Table:
    gaps = np.zeros(table.m, dtype=bool)
    for name in names:
        gaps[table.missing(name)] = True
    if gaps.all():
        raise NNDLValueError(f"{table.path!r}: every row has a missing cell; nothing is left")
    return table.take(np.flatnonzero(~gaps)) if gaps.any() else table


def _check_columns(table: Table, needed: Sequence[str], where: str) -> None:
    missing = [name for name in needed if name not in table.header]
    if missing:
        raise NNDLValueError(
            f"{table.path!r} has no column {missing[0]!r} (needed from {where}); its columns are: "
            f"{', '.join(table.header)}. Pass one of them"
        )


def _target_values(table: Table, target: str) -> np.ndarray:
    gaps = table.missing(target)
    if gaps.size:
        raise NNDLValueError(
            f"{table.path!r}: the target column {target!r} is missing in {_rows(gaps)}; every "
            "row needs a target value (fill them in or remove those rows)"
        )
    numbers = table.floats(target)
    if numbers is not None and not np.all(np.isfinite(numbers)):
        bad = np.flatnonzero(~np.isfinite(numbers))
        raise NNDLValueError(
            f"{table.path!r}: the target column {target!r} is infinite in {_rows(bad)}"
        )
    return numbers if numbers is not None else np.array(table.texts[target])
