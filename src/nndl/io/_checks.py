"""The checks of a saved file's JSON metadata that the network's and the Sequential model's
readers share."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nndl.errors import NNDLValueError


def malformed(path: Path, key: str, expected: str, value: Any) -> NNDLValueError:
    """The error for a metadata ``key`` that is not ``expected`` (the value shown shortened)."""
    shown = repr(value)
    shown = shown if len(shown) <= 80 else shown[:77] + "..."
    return NNDLValueError(
        f"{str(path)!r} has malformed metadata: {key} must be {expected}; found {shown}. "
        "The file is damaged or was not written by nndl"
    )


def is_int(value: Any, minimum: int = 0) -> bool:
    """A JSON integer (not a bool) of at least ``minimum``."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= minimum
