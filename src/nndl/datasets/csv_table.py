"""A CSV file as read: pandas parses it once; numeric columns become float64 (NaN where a
cell is missing), the others text (``None`` where missing).  :mod:`nndl.datasets.tables`
turns a :class:`Table` into ``X``."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from nndl import _limits
from nndl.datasets.data import check_path, label_name
from nndl.errors import NNDLValueError, require

MISSING_VALUES = ("", "NA", "N/A", "n/a", "na", "NaN", "nan", "NULL", "null", "None", "none", "?")
"""Cells read as missing."""


def _rows(indices: Sequence[int] | np.ndarray, limit: int = 8) -> str:
    """Data rows as the file's line numbers (the header is line 1): ``"rows 3, 5"``."""
    lines = [int(i) + 2 for i in list(indices)[:limit]]
    more = f" and {len(indices) - limit} more" if len(indices) > limit else ""
    return ("row " if len(indices) == 1 else "rows ") + ", ".join(map(str, lines)) + more


@dataclass
class Table:
    """A CSV file as read: numeric columns (float64, NaN where missing) and text columns
    (``str``, ``None`` where missing)."""

    header: list[str]
    numbers: dict[str, np.ndarray]
    texts: dict[str, list[str | None]]
    path: str = ""

    @property
    def columns(self) -> list[str]:
        return self.header

    @property
    def m(self) -> int:
        for values in self.numbers.values():
            return len(values)
        for cells in self.texts.values():
            return len(cells)
        return 0  # pragma: no cover - a table has columns

    def floats(self, name: str) -> np.ndarray | None:
        """Column ``name`` as float64 (NaN where missing), or ``None`` for a text column."""
        return self.numbers.get(name)

    def cells(self, name: str) -> list[str | None]:
        """Column ``name`` as text (numbers written as class names: ``3.0`` → ``"3"``)."""
        if name in self.texts:
            return self.texts[name]
        return [None if np.isnan(v) else label_name(v) for v in self.numbers[name].tolist()]

    def missing(self, name: str) -> np.ndarray:
        """The data rows (0-based) where column ``name`` is missing."""
        if name in self.numbers:
            return np.flatnonzero(np.isnan(self.numbers[name]))
        return np.array([i for i, c in enumerate(self.texts[name]) if c is None], dtype=np.int64)

    def take(self, rows: np.ndarray) -> Table:
        """The table restricted to the data rows ``rows``."""
        numbers = {k: v[rows] for k, v in self.numbers.items()}
        texts = {k: [v[i] for i in rows.tolist()] for k, v in self.texts.items()}
        return replace(self, numbers=numbers, texts=texts)


def read_csv(path: str | Path, delimiter: str | None = None, text: Sequence[str] = ()) -> Table:
    """Read a CSV file with a header row; the delimiter (``,`` ``;`` tab) is detected.
    Columns named in ``text`` are read as text whatever they hold."""
    pd = require("pandas", "data", "reading CSV files")
    p = check_path(path, "CSV file")
    if p.is_dir():
        raise NNDLValueError(f"{str(p)!r} is a folder, expected a CSV file")
    with io.TextIOWrapper(_limits.open_regular(p, "CSV file"), "utf-8-sig", newline="") as f:
        return _read_opened(pd, p, f, delimiter, text)


def _read_opened(
    pd: Any, p: Path, f: io.TextIOWrapper, delimiter: str | None, text: Sequence[str]
) -> Table:
    """:func:`read_csv` of the regular file ``p``, opened as ``f``."""
    try:
        head = f.read(65536)
        f.seek(0)
    except UnicodeDecodeError as exc:
        raise NNDLValueError(
            f"cannot read {str(p)!r} as text ({exc}); expected a UTF-8 CSV file with a header row"
        ) from exc
    if not head.strip():
        raise NNDLValueError(f"{str(p)!r} is empty; expected a CSV file with a header row")
    if delimiter is None:
        try:
            delimiter = csv.Sniffer().sniff(head[:4096], delimiters=",;\t").delimiter
        except csv.Error:
            delimiter = ","
    header = [
        name.strip() for name in next(csv.reader([head.splitlines()[0]], delimiter=delimiter))
    ]
    if len(set(header)) != len(header):
        twice = sorted({n for n in header if header.count(n) > 1})
        raise NNDLValueError(f"{str(p)!r}: the header names columns {twice} more than once")
    try:
        frame = pd.read_csv(
            f,
            sep=delimiter,
            engine="c",
            na_values=list(MISSING_VALUES),
            keep_default_na=False,
            skipinitialspace=True,
            dtype={name: str for name in text if name in header},
        )
    except UnicodeDecodeError as exc:
        raise NNDLValueError(
            f"cannot read {str(p)!r} as text ({exc}); expected a UTF-8 CSV file with a header row"
        ) from exc
    except (pd.errors.ParserError, ValueError) as exc:
        raise NNDLValueError(
            f"cannot read {str(p)!r} as CSV: {str(exc).strip()}. Check the delimiter and the "
            "quoting of that row (a number such as 1,234 must be written 1234)"
        ) from exc
    if len(frame) == 0:
        raise NNDLValueError(f"{str(p)!r} has a header but no data rows")
    frame.columns = header
    numbers: dict[str, np.ndarray] = {}
    texts: dict[str, list[str | None]] = {}
    for name in header:
        column = frame[name]
        if column.dtype.kind in "iufb" and name not in text:
            numbers[name] = column.to_numpy(dtype=np.float64)
        else:
            texts[name] = [None if _is_na(v) else str(v).strip() for v in column.tolist()]
            _refuse_control_characters(p, name, texts[name])
    return Table(header=header, numbers=numbers, texts=texts, path=str(p))


_CONTROL = {chr(c) for c in range(32)} - {"\t"}


def _refuse_control_characters(p: Path, name: str, cells: list[str | None]) -> None:
    """A text cell holding a NUL or another control character (a binary file read as CSV)
    is an error naming it, not a category.  A column of numbers with such a stray cell is
    left to the numbers' own check, which names the cell the same way."""
    if any(cell is not None and _as_number(cell) is not None for cell in cells):
        return
    for i, cell in enumerate(cells):
        if cell is not None and not _CONTROL.isdisjoint(cell):
            bad = next(c for c in cell if c in _CONTROL)
            raise NNDLValueError(
                f"{str(p)!r}: column {name!r}, {_rows([i])}, holds the control character "
                f"{bad!r}; a CSV file holds text. The file is binary or damaged: fix or remove "
                "that cell"
            )


def _is_na(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value)


def _as_number(cell: str) -> float | None:
    try:
        return float(cell)
    except ValueError:
        return None
