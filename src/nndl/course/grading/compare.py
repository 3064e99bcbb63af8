"""What differs between a learner's result and nndl's, said in one line.

:func:`differs` walks the course's structures (dicts of parameters or gradients,
tuples of outputs, lists of caches) and returns ``None`` when everything matches
within the tolerance, else the first difference with its place::

    dW1[2, 0]: yours 0.0031, expected 0.0026

The usual mistakes that can be read off one array are named here, each found by
computing the mistaken value and comparing: a rank-1 array ``(n,)`` for ``(n, 1)``,
a transposed matrix, a cost left as ``(1, 1)``, a result off by a factor (``m`` for
a missing ``1/m``, ``−1`` for the wrong sign), values in the wrong order.  Mistakes
that need the formula (tanh' from Z, ``*`` for ``np.dot``) are variants computed by
the cases (:mod:`nndl.course.grading.cases`).
"""

from __future__ import annotations

import itertools
import numbers
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Tolerance:
    """Entries match when ``|yours − expected| ≤ atol + rtol · |expected|``."""

    rtol: float = 1e-6
    atol: float = 1e-9


EXACT = Tolerance()


def differs(
    yours: Any, expected: Any, where: str, m: int | None, tol: Tolerance = EXACT
) -> str | None:
    """``None`` when ``yours`` matches ``expected``; else what differs first, and where."""
    if isinstance(expected, Mapping):
        return _mapping(yours, expected, where, m, tol)
    if _is_structure(expected):
        return _sequence(yours, expected, where, m, tol)
    return _leaf(yours, expected, where, m, tol)


def _is_structure(value: Any) -> bool:
    """A tuple or list holding arrays or containers (not a list of numbers)."""
    return isinstance(value, tuple | list) and any(
        isinstance(v, np.ndarray | Mapping | tuple | list) for v in value
    )


def _name(where: str, key: Any) -> str:
    return str(key) if not where else f"{where}[{key!r}]"


def _mapping(
    yours: Any, expected: Mapping[str, Any], where: str, m: int | None, tol: Tolerance
) -> str | None:
    what = where or "the result"
    if not isinstance(yours, Mapping):
        return (
            f"{what} is a {type(yours).__name__}, expected a dict with keys {', '.join(expected)}"
        )
    missing = [k for k in expected if k not in yours]
    if missing:
        return f"{what} has no key {missing[0]!r} (it has {', '.join(map(repr, yours)) or 'none'})"
    for key, value in expected.items():
        found = differs(yours[key], value, _name(where, key), m, tol)
        if found:
            return found
    return None


CACHE_NAMES = {3: ("A_prev", "W", "b"), 2: ("linear_cache", "activation_cache")}
"""The course's order of a linear cache and of a layer's cache."""


def _sequence(
    yours: Any, expected: Sequence[Any], where: str, m: int | None, tol: Tolerance
) -> str | None:
    what = where or "the result"
    if not isinstance(yours, tuple | list):
        return f"{what} is a {type(yours).__name__}, expected {len(expected)} values"
    if len(yours) != len(expected):
        return f"{what} holds {len(yours)} values, expected {len(expected)}"
    first = None
    for i, (a, b) in enumerate(zip(yours, expected, strict=True)):
        first = differs(a, b, f"{what}[{i}]", m, tol)
        if first:
            break
    if first is None:
        return None
    n = len(expected)
    orders = itertools.permutations(range(n)) if n <= 4 else iter([tuple(range(n))[::-1]])
    for order in orders:
        if list(order) == list(range(n)):
            continue
        if all(differs(yours[j], expected[i], "", m, tol) is None for i, j in enumerate(order)):
            shown = _cache_names(expected) or tuple(f"item {i}" for i in range(n))
            theirs = ", ".join(shown[order.index(i)] for i in range(n))
            return (
                f"{what} holds the right values in the wrong order: yours is "
                f"({theirs}), the course's ({', '.join(shown)})"
            )
    return first


def _cache_names(expected: Sequence[Any]) -> tuple[str, ...] | None:
    if len(expected) == 3 and all(isinstance(v, np.ndarray) for v in expected):
        return CACHE_NAMES[3]
    if len(expected) == 2 and isinstance(expected[0], tuple):
        return CACHE_NAMES[2]
    return None


def _array(value: Any) -> np.ndarray | None:
    if value is None or isinstance(value, str | bytes | Mapping):
        return None
    try:
        return np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _leaf(yours: Any, expected: Any, where: str, m: int | None, tol: Tolerance) -> str | None:
    what = where or "the result"
    e = np.asarray(expected, dtype=np.float64)
    if yours is None:
        return f"{what} is None: is a `return` or an assignment missing?"
    y = _array(yours)
    if y is None:
        return f"{what} is a {type(yours).__name__}, expected {_kind(e)}"
    if y.shape != e.shape:
        return shape_message(what, y.shape, e.shape)
    if _close(y, e, tol):
        return None
    first = first_difference(what, y, e, tol)
    factor = _factor(y, e, tol)
    if factor is not None:
        return f"{_factor_words(factor, m)} ({first})"
    return first


def _kind(e: np.ndarray) -> str:
    return "a number" if e.ndim == 0 else f"an array of shape {e.shape}"


def _close(y: np.ndarray, e: np.ndarray, tol: Tolerance) -> bool:
    return bool(np.allclose(y, e, rtol=tol.rtol, atol=tol.atol, equal_nan=False))


def shape_message(what: str, got: tuple[int, ...], want: tuple[int, ...]) -> str:
    """The shape mistake, named: rank-1, transposed, a cost not squeezed, or just the shapes."""
    if len(got) == 1 and len(want) == 2 and got[0] == max(want) and min(want) == 1:
        return (
            f"{what} has shape {got}, a rank-1 array, where {want} is expected: "
            f"keepdims=True in np.sum, or .reshape{want}"
        )
    if want == () and int(np.prod(got)) == 1:
        return f"{what} has shape {got} where a number is expected: np.squeeze() it"
    if len(got) == 2 and got == want[::-1]:
        return f"{what} has shape {got} where {want} is expected: transposed"
    return f"{what} has shape {got}, expected {want}"


def _factor(y: np.ndarray, e: np.ndarray, tol: Tolerance) -> float | None:
    """The number c with yours = c · expected, if there is one (and c ≠ 1)."""
    big = np.abs(e) > 1e-12
    if not np.any(big) or np.any(np.abs(y[~big]) > tol.atol):
        return None
    c = float(np.median(y[big] / e[big]))
    if c == 0 or not np.isfinite(c) or abs(c - 1) < 1e-9:
        return None
    return c if _close(y, c * e, tol) else None


def _factor_words(c: float, m: int | None) -> str:
    if m and m > 1 and np.isclose(c, m):
        return f"a missing 1/m: off by a factor m = {m}"
    if m and m > 1 and np.isclose(c, 1 / m):
        return f"divided by m twice: off by a factor 1/m (m = {m})"
    if np.isclose(c, -1):
        return "the wrong sign"
    return f"off by a factor {c:.6g}"


def first_difference(what: str, y: np.ndarray, e: np.ndarray, tol: Tolerance) -> str:
    """``what[i, j]: yours a, expected b`` at the first entry outside the tolerance."""
    bad = ~np.isclose(y, e, rtol=tol.rtol, atol=tol.atol)
    if y.ndim == 0:
        return f"{what}: yours {_pair(float(y), float(e))}"
    index = tuple(int(i) for i in np.argwhere(bad)[0])
    a, b = float(y[index]), float(e[index])
    return f"{what}[{', '.join(map(str, index))}]: yours {_pair(a, b)}"


def _pair(a: float, b: float) -> str:
    """``a, expected b`` with just enough digits to show them different."""
    for digits in range(4, 17):
        sa, sb = f"{a:.{digits}g}", f"{b:.{digits}g}"
        if sa != sb:
            return f"{sa}, expected {sb}"
    return f"{a!r}, expected {b!r}"


def same(a: Any, b: Any) -> str | None:
    """``None`` when ``a`` and ``b`` hold the same values; else the key or index that changed."""
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        if set(a) != set(b):
            extra = sorted(set(a) ^ set(b), key=str)
            return f"key {extra[0]!r} added or removed"
        for key in a:
            if same(a[key], b[key]) is not None:
                return repr(key)
        return None
    if isinstance(a, tuple | list) and isinstance(b, tuple | list):
        if len(a) != len(b):
            return "length"
        for i, (x, z) in enumerate(zip(a, b, strict=True)):
            if same(x, z) is not None:
                return f"[{i}]"
        return None
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        ok = np.shape(a) == np.shape(b) and bool(np.array_equal(a, b, equal_nan=True))
        return None if ok else "values"
    if isinstance(a, numbers.Number) and isinstance(b, numbers.Number):
        return None if a == b or (a != a and b != b) else "value"
    return None
