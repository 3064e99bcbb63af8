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

    A figure that depends on the order in which the machine's BLAS adds up a product
    (:mod:`nndl.course.reference` says which) is compared with ``here``, the course's
    own code run on this machine, within ``varies``; the course's printed ``course``
    is shown beside it, not compared.
    """

    what: str
    ours: Any
    course: Any = None
    digits: int = 6
    floor: bool = False
    note: str = ""
    here: Any = None
    varies: float = 0.0

    @property
    def tolerance(self) -> float:
        if self.here is not None:
            return self.varies
        return max(0.5 * 10.0**-self.digits, FLOAT64_SLACK)

    @property
    def compared(self) -> bool:
        return self.course is not None or self.here is not None

    @property
    def target(self) -> Any:
        """What nndl's value is compared with: the course's code here, or its printed value."""
        return self.here if self.here is not None else self.course

    @property
    def ok(self) -> bool:
        """True when nndl's value matches the course's (a number not compared is ok)."""
        if not self.compared:
            return True
        ours, want = np.asarray(self.ours, dtype=np.float64), np.asarray(self.target, float)
        if ours.shape != want.shape and ours.size != want.size:
            return False
        if self.floor:
            return bool(np.all(np.floor(ours.ravel()) == want.ravel()))
        return bool(np.all(np.abs(ours.ravel() - want.ravel()) <= self.tolerance))

    def line(self) -> str:
        """One line: mark, what, nndl's value, the course's, the difference and tolerance."""
        if not self.compared:
            tail = f"  ({self.note})" if self.note else ""
            return f"{INFO} {self.what}: nndl {_show(self.ours, self.digits)}{tail}"
        mark = OK if self.ok else FAIL
        ours, want = _show(self.ours, self.digits), _show(self.target, self.digits)
        if self.floor:
            rule = "integer part, as the course prints %d"
        else:
            diff = np.max(
                np.abs(
                    np.asarray(self.ours, float).ravel() - np.asarray(self.target, float).ravel()
                )
            )
            rule = f"max |Δ| {diff:.1e} ≤ {self.tolerance:.0e}"
        if self.here is not None:
            printed = (
                self.course if isinstance(self.course, str) else _show(self.course, self.digits)
            )
            rule += f"; varies with the BLAS build; the course printed {printed}"
        tail = f"; {self.note}" if self.note else ""
        source = "course's code here" if self.here is not None else "course"
        return f"{mark} {self.what}: nndl {ours}  {source} {want}  ({rule}{tail})"


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
