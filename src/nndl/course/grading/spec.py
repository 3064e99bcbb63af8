"""How one graded function is checked: its cases, nndl's reference, the mistakes it names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nndl.course.grading.compare import EXACT, Tolerance


@dataclass(frozen=True)
class Case:
    """One call: ``label`` says which (``the course's test case``, ``m = 1``, …).

    ``m`` is the number of examples, for the diagnosis of a missing ``1/m``.
    """

    label: str
    args: tuple[Any, ...]
    m: int | None = None


Variants = Callable[..., dict[str, Any]]
"""``variants(*args) -> {diagnosis: the mistaken result}`` for one case's arguments."""


@dataclass(frozen=True)
class Spec:
    """A graded function: nndl's ``reference``, the ``cases``, the ``outputs``' names.

    ``calls``: the course's functions it calls, graded again with nndl's in their place
    to say which one a difference comes from.  ``variants``: the usual mistakes, each
    computed (the result they give) so the diagnosis comes from the numbers.
    ``adapt(yours, expected) -> (yours, expected)`` accepts the course's older forms.
    A learner's helper that passes its own cases is not replaced.
    """

    name: str
    reference: Callable[..., Any]
    cases: Callable[[], list[Case]]
    outputs: tuple[str, ...] = ()
    calls: tuple[str, ...] = ()
    variants: Variants | None = None
    tolerance: Tolerance = EXACT
    adapt: Callable[[Any, Any], tuple[Any, Any]] | None = None
    perturb: bool = True
    """Call again with an argument changed, to see whether it is used (not for training)."""


TRAINING = Tolerance(rtol=1e-5, atol=1e-8)
"""Trained parameters: many steps of rounding in a different order."""


def randn(seed: int, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    """``np.random.seed(seed)`` then ``np.random.randn(*shape)`` for each shape."""
    rng = np.random.RandomState(seed)
    return [rng.standard_normal(shape) for shape in shapes]


def labels(seed: int, m: int) -> np.ndarray:
    """``(1, m)`` labels 0/1 (at least one of each when m > 1)."""
    y = (np.random.RandomState(seed).standard_normal((1, m)) > 0).astype(np.float64)
    if m > 1:
        y[0, 0], y[0, -1] = 1.0, 0.0
    return y


def broadcasts(f: Callable[[], Any]) -> Any:
    """``f()``, or ``None`` where its mistaken formula does not even broadcast."""
    try:
        with np.errstate(all="ignore"):
            return f()
    except (ValueError, TypeError, IndexError, KeyError):
        return None


def only(variants: dict[str, Any]) -> dict[str, Any]:
    """The variants that could be computed."""
    return {k: v for k, v in variants.items() if v is not None}
