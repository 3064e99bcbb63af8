"""A number of nndl's beside the course's expected output, with the tolerance used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

FLOAT64_SLACK = 1e-12
"""The smallest tolerance: float64 rounding differs between BLAS libraries."""

OK, FAIL, INFO = "✓", "✗", "·"


@dataclass(frozen=True)
class Check:
    """``what``: nndl's value ``ours`` against the course's printed ``course``.

    ``digits`` is how many decimals the course printed; the tolerance is half a unit
    of its last digit (at least :data:`FLOAT64_SLACK`).  ``floor``: the course
    printed ``%d`` of the value (an accuracy in percent), so the integer parts must
    match.  ``course=None`` is a number shown without a comparison (``note`` says why).
    """

    what: str
    ours: Any
    course: Any = None
    digits: int = 6
    floor: bool = False
    note: str = ""

    @property
    def tolerance(self) -> float:
        return max(0.5 * 10.0**-self.digits, FLOAT64_SLACK)

    @property
    def compared(self) -> bool:
        return self.course is not None

    @property
    def ok(self) -> bool:
        """True when nndl's value matches the course's (a number not compared is ok)."""
        if not self.compared:
            return True
        ours, course = np.asarray(self.ours, dtype=np.float64), np.asarray(self.course, float)
        if ours.shape != course.shape and ours.size != course.size:
            return False
        if self.floor:
            return bool(np.all(np.floor(ours.ravel()) == course.ravel()))
        return bool(np.all(np.abs(ours.ravel() - course.ravel()) <= self.tolerance))

    def line(self) -> str:
        """One line: mark, what, nndl's value, the course's, the difference and tolerance."""
        if not self.compared:
            tail = f"  ({self.note})" if self.note else ""
            return f"{INFO} {self.what}: nndl {_show(self.ours, self.digits)}{tail}"
        mark = OK if self.ok else FAIL
        ours, course = _show(self.ours, self.digits), _show(self.course, self.digits)
        if self.floor:
            rule = "integer part, as the course prints %d"
        else:
            diff = np.max(
                np.abs(
                    np.asarray(self.ours, float).ravel() - np.asarray(self.course, float).ravel()
                )
            )
            rule = f"max |Δ| {diff:.1e} ≤ {self.tolerance:.0e}"
        tail = f"; {self.note}" if self.note else ""
        return f"{mark} {self.what}: nndl {ours}  course {course}  ({rule}{tail})"


def _show(value: Any, digits: int) -> str:
    a = np.asarray(value, dtype=np.float64)
    if a.ndim == 0:
        return f"{float(a):.{min(digits, 16)}g}" if digits > 8 else f"{float(a):.{digits}f}"
    flat = a.ravel()
    shown = " ".join(f"{v:.{digits}f}" if digits <= 8 else f"{v:.12g}" for v in flat[:6])
    more = f" … ({flat.size} values)" if flat.size > 6 else ""
    return f"[{shown}{more}] {a.shape}"


def summary(checks: list[Check]) -> str:
    compared = [c for c in checks if c.compared]
    failed = [c for c in compared if not c.ok]
    return (
        f"{len(compared) - len(failed)} of {len(compared)} checks match the course"
        + (f"; {len(failed)} do not" if failed else "")
        + (
            f"; {len(checks) - len(compared)} numbers shown without a course value"
            if len(checks) > len(compared)
            else ""
        )
    )
