"""Rows of numbers read as sequences: ``--sequence-length T`` on a CSV (or ``.npz``) file.

A row holds one sequence step after step, ``x⟨1⟩`` (its n_x features), ``x⟨2⟩``, …,
``x⟨T⟩``, and its label in the target column: T·n_x numbers plus the label.  The data keep
the course's columns ``(T·n_x, m)``; :attr:`Data.sequence_shape` ``(T, n_x)`` says how a
recurrent layer reads them (``X.T.reshape(m, T, n_x)``).
"""

from __future__ import annotations

from dataclasses import replace

from nndl.datasets.data import Data
from nndl.errors import NNDLValueError, ShapeError


def as_sequences(data: Data, T: int) -> Data:
    """``data`` with ``sequence_shape`` ``(T, n_x)``, n_x = features / T.

    Parameters
    ----------
    data : Data
        A data set whose rows are T steps of n_x numbers each, step after step.
    T : int
        The number of time steps.

    Returns
    -------
    Data
        The same arrays, with ``sequence_shape`` set (and ``image_shape`` cleared).

    Raises
    ------
    NNDLValueError
        When T is not an integer >= 1, or a column holds text.
    ShapeError
        When the number of features is not a multiple of T, or the data already holds
        sequences of another length.

    Examples
    --------
    >>> import numpy as np
    >>> from nndl.datasets import Data
    >>> data = Data(X=np.zeros((6, 4)), Y=np.array([[0, 1, 0, 1]]), task="binary")
    >>> as_sequences(data, T=3).sequence_shape  # each column: 3 steps of 2 features
    (3, 2)
    """
    if isinstance(T, bool) or not isinstance(T, int) or T < 1:
        raise NNDLValueError(f"the sequence length must be an integer >= 1. Received: {T!r}")
    source = data.source or "the data"
    if data.sequence_shape is not None:
        if data.sequence_shape[0] != T:
            raise ShapeError(
                f"{source!r} already holds sequences of {data.sequence_shape[0]} steps "
                f"(X of shape (m, {data.sequence_shape[0]}, {data.sequence_shape[1]})), not {T}: "
                "leave --sequence-length out or make it match"
            )
        return data
    text = [c.name for c in (data.encoder.columns if data.encoder else []) if c.kind != "numeric"]
    if text:
        raise NNDLValueError(
            f"{source!r}: a sequence row must hold numbers, but the column {text[0]!r} holds "
            "text; encode it as numbers (or --drop it) to read the rows as sequences"
        )
    n = int(data.X.shape[0])
    if n % T != 0:
        raise ShapeError(
            f"{source!r}: with --sequence-length {T} each row holds T·n_x numbers (T = {T} steps "
            f"of n_x features each) plus the label, but its rows hold {n} numbers besides the "
            f"label, not a multiple of {T}: check the sequence length, or drop the columns "
            "that are not steps (--drop)"
        )
    return replace(data, sequence_shape=(T, n // T), image_shape=None)
