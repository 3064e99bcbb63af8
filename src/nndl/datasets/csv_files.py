"""CSV files read into :class:`~nndl.datasets.data.Data`, encoded by a TabularEncoder.

:mod:`nndl.datasets.tables` learns the encoding (numeric columns kept, text columns
one-hot, missing cells handled as asked); here a training file becomes ``X`` and ``Y``,
and a test or prediction file is encoded the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from nndl.datasets.csv_table import read_csv
from nndl.datasets.data import Data
from nndl.datasets.tables import (
    MAX_CATEGORIES,
    Column,
    TabularEncoder,
    _check_columns,
    _target_values,
)
from nndl.errors import NNDLValueError

__all__ = ["csv_features", "load_csv", "read_csv_features"]


def _text_columns(encoder: TabularEncoder | None) -> list[str]:
    if encoder is None:
        return []
    return [c.name for c in encoder.columns if c.kind == "categorical"]


def load_csv(
    path: str | Path,
    target: str | None,
    task: str | None = None,
    encoder: TabularEncoder | None = None,
    drop: Sequence[str] = (),
    delimiter: str | None = None,
    missing: str | None = None,
    max_categories: int = MAX_CATEGORIES,
) -> Data:
    r"""A CSV file with a header row and a ``target`` column → :class:`Data`.

    Numeric columns are kept; text columns are one-hot encoded.  Class names in the
    target become labels ``0..K-1`` (sorted names); a numeric target is a regression
    target unless it holds whole numbers only, with at most 20 distinct values
    (then they are classes), or ``task`` says otherwise.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.
    target : str or None
        The target column (None only with an ``encoder``).
    task : {"binary", "multiclass", "regression"}, optional
        Overrides the guess.
    encoder : TabularEncoder, optional
        The training data's, to encode a test file the same way (its ``missing`` is used).
    drop : sequence of str, default ()
        Columns to ignore.
    delimiter : str, optional
        The cell separator; guessed when None.
    missing : {"drop", "mean"}, optional
        Missing feature cells: None (an error naming them), dropped rows, or the mean.
    max_categories : int, default 100
        The most categories a text column may have.

    Returns
    -------
    Data
        X of shape ``(n_x, m)``, its ``encoder`` and ``feature_names`` set.

    Raises
    ------
    NNDLValueError
        When a column is missing or a cell is not what its column holds.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> path = pathlib.Path(tempfile.mkdtemp()) / "pets.csv"
    >>> _ = path.write_text("weight,colour,kind\n4.0,black,cat\n30.5,brown,dog\n3.2,brown,cat\n")
    >>> data = load_csv(path, target="kind")
    >>> data.X.shape, data.feature_names, data.classes, data.Y.tolist()
    ((3, 3), ['weight', 'colour=black', 'colour=brown'], ['cat', 'dog'], [[0, 1, 0]])
    """
    table = read_csv(path, delimiter, _text_columns(encoder))
    if encoder is None:
        if target is None:
            raise NNDLValueError(
                f"a CSV file needs a target column; {table.path!r} has the columns: "
                f"{', '.join(table.header)}. Pass target=NAME (--target NAME on the command line)"
            )
        encoder = TabularEncoder.fit(table, target, task, drop, missing, max_categories)
    elif target is not None and target != encoder.target:
        raise NNDLValueError(
            f"target={target!r} differs from the encoding's target {encoder.target!r}; "
            "leave target out or pass the same name"
        )
    if encoder.target is None or encoder.task is None:
        raise NNDLValueError("the encoding has no target column; use read_csv_features instead")
    _check_columns(table, [encoder.target], "the training file")
    _target_values(table, encoder.target)
    table = encoder.prepare(table)
    return Data(
        X=encoder.transform(table),
        Y=encoder.transform_target(table),
        task=encoder.task,
        classes=encoder.classes,
        feature_names=encoder.feature_names,
        source=table.path,
        encoder=encoder,
    )


def csv_features(
    path: str | Path,
    encoder: TabularEncoder | None = None,
    delimiter: str | None = None,
    *,
    target: str | None = None,
    feature_names: Sequence[str] | None = None,
) -> tuple[np.ndarray, list[str]]:
    """The feature columns of a CSV file → ``(X (n_x, m), a name per example: "row N")``;
    rows dropped by ``missing="drop"`` are left out (their names with them).

    With the training data's ``encoder`` the file is encoded the same way (a target
    column, if present, is ignored).  Without one: the columns named ``feature_names``
    (the model's, in that order) when the header has them all, else every column but
    ``target`` (a label column to leave out)."""
    table = read_csv(path, delimiter, _text_columns(encoder))
    if encoder is None:
        if target is not None:
            _check_columns(table, [target], "--target")
        names = [str(f) for f in feature_names or ()]
        if names and all(name in table.header for name in names):
            encoder = TabularEncoder(columns=[Column(name, "numeric") for name in names])
        else:
            encoder = TabularEncoder.fit(table, None, drop=[] if target is None else [target])
    rows = np.arange(table.m)
    if encoder.missing == "drop":
        keep = np.ones(table.m, dtype=bool)
        for column in encoder.columns:
            if column.name in table.header:
                keep[table.missing(column.name)] = False
        rows = np.flatnonzero(keep)
        table = encoder.prepare(table)
    return encoder.transform(table), [f"row {i + 1}" for i in rows.tolist()]


def read_csv_features(
    path: str | Path,
    encoder: TabularEncoder | None = None,
    delimiter: str | None = None,
    *,
    target: str | None = None,
    feature_names: Sequence[str] | None = None,
) -> np.ndarray:
    """The feature columns of a CSV file (say, one to predict on) → ``X`` of shape ``(n_x, m)``.

    Parameters
    ----------
    path : str or pathlib.Path
        The file.
    encoder : TabularEncoder, optional
        The training data's encoding (see :func:`csv_features`).
    delimiter : str, optional
        The cell separator; guessed when None.
    target : str, optional
        A column to leave out, without an encoder.
    feature_names : sequence of str, optional
        The columns to read, without an encoder, when the file has them all.

    Returns
    -------
    numpy.ndarray of shape (n_x, m)
        The examples, one per column.
    """
    return csv_features(path, encoder, delimiter, target=target, feature_names=feature_names)[0]
