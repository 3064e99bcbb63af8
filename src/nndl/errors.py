"""nndl's exceptions.

Every error a user can cause is a subclass of :class:`NNDLError` *and* of the
built-in type Python programmers already catch (``ValueError``, ``TypeError``),
so ``except ValueError`` keeps working.  Messages say what was expected, what
was seen, and the likely fix.

This module is the bottom of the house: it imports nothing from nndl, and it holds
the checks that several layers share (``check_int``, ``check_learning_rate``,
``check_l2``, ``check_fraction``), so each rule and its message is written once.
"""

from __future__ import annotations

import difflib
import importlib
import math
import numbers
from collections.abc import Iterable, Mapping
from typing import Any


class NNDLError(Exception):
    """Base class of every exception nndl raises on purpose."""


class NNDLValueError(NNDLError, ValueError):
    """An argument has the right type but a wrong value (shape, range, name)."""


class NNDLTypeError(NNDLError, TypeError):
    """An argument has the wrong type."""


class ShapeError(NNDLValueError):
    """An array has the wrong rank or shape."""


class NNDLWriteError(NNDLError, OSError):
    """A file could not be written (a full disk, a read-only folder); nothing was replaced."""


class DivergenceError(NNDLError, FloatingPointError):
    """Training produced a non-finite cost or gradient.

    The network keeps the parameters of the last step whose values were finite.
    """


def diverged(
    what: str,
    learning_rate: float | None,
    epoch: int | None = None,
    *,
    l2: float = 0.0,
    m: int | None = None,
) -> DivergenceError:
    """The error for training that reached a non-finite cost, gradient or parameter:
    ``what`` happened (at ``epoch``, with ``learning_rate``; ``None`` for L-BFGS, which
    has none), with what to try.

    With L2 strength ``l2`` over steps of ``m`` examples, the weight-decay part of a
    gradient step is ``W := (1 − α·λ/m) W``: when ``α·λ/m >= 1`` it overshoots zero and the
    weights grow without bound.  When moreover ``λ/m >= 1`` (the L2 term alone outweighs the
    weights; the course's λ are below 1 for m in the hundreds), l2 is what is wrong, and the
    advice names it rather than the learning rate.
    """
    when = "" if epoch is None else f" at epoch {epoch}"
    if learning_rate is None:
        advice = "Standardize the inputs"
    elif l2 > 0 and m and l2 / m >= 1 and learning_rate * l2 / m >= 1:
        when += f" with learning_rate={learning_rate} and l2={l2:g}"
        advice = (
            f"l2={l2:g} is too large: α·λ/m = {learning_rate:g}·{l2:g}/{m} = "
            f"{learning_rate * l2 / m:.3g} >= 1, so the L2 term (λ/m)·W of the gradient swamps "
            "the data's (gradient descent's W := (1 − α·λ/m)·W − … overshoots zero) and the "
            f"weights blow up. Use an l2 well below m/α = {m / learning_rate:.3g} (the course "
            "uses 0.01 to 0.7), rather than a smaller learning rate"
        )
    else:
        when += f" with learning_rate={learning_rate}"
        advice = (
            f"Try a smaller learning rate (for example {learning_rate / 10:g}) or standardize "
            "the inputs"
        )
    return DivergenceError(
        f"{what}{when}: training diverged. {advice}. The parameters are those of the last "
        "finite step."
    )


def did_you_mean(word: str, candidates: Iterable[str] | Mapping[str, str]) -> str:
    """``"did you mean 'relu'?"`` for the candidates closest to a misspelt ``word``
    (:func:`difflib.get_close_matches`; case, an option's leading dashes and ``-`` for
    ``_`` ignored), or ``""``.

    ``candidates`` may map spellings to the name they stand for (an alias to its registry
    key): the closest spelling of each name is shown, and each name once.
    """
    meaning = dict(candidates) if isinstance(candidates, Mapping) else {c: c for c in candidates}
    by_key: dict[str, tuple[str, str]] = {}
    for spelling, name in meaning.items():
        by_key.setdefault(_spelling(spelling), (spelling, name))
    close = difflib.get_close_matches(_spelling(word), list(by_key), n=3, cutoff=0.6)
    shown: dict[str, str] = {}  # name -> its closest spelling
    for key in close:
        spelling, name = by_key[key]
        shown.setdefault(name, spelling)
    if not shown:
        return ""
    return f"did you mean {' or '.join(repr(s) for s in shown.values())}?"


def _spelling(word: str) -> str:
    return str(word).strip().lower().lstrip("-").replace("-", "_")  # --hidden, hidden


class MissingDependencyError(NNDLError, ImportError):
    """An optional package is not installed; the message names the extra that brings it."""


def check_int(name: str, value: Any, minimum: int) -> int:
    """``value`` as an ``int`` (Python's or NumPy's integers, not bool), else an
    :class:`NNDLValueError` that says it must be an integer ``>= minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise NNDLValueError(f"{name} must be an integer >= {minimum}. Received: {name}={value!r}")
    return int(value)


def require(module: str, extra: str, purpose: str) -> Any:
    """Import ``module`` or raise :class:`MissingDependencyError` naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".", 1)[0]
        raise MissingDependencyError(
            f"{purpose} needs the package {top!r}, which is not installed. "
            f'Install it with: pip install "nndl[{extra}]"'
        ) from exc


def _is_real(value: Any) -> bool:
    """A real number (Python's or NumPy's), not a bool."""
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def check_learning_rate(learning_rate: Any) -> float:
    """The learning rate α as a float: a finite number > 0."""
    if not _is_real(learning_rate) or not math.isfinite(float(learning_rate)) or learning_rate <= 0:
        raise NNDLValueError(
            "learning_rate must be a finite number > 0 (the course uses values from 0.005 "
            f"to 1.2). Received: learning_rate={learning_rate!r}"
        )
    return float(learning_rate)


def check_l2(l2: Any) -> float:
    """The L2 strength λ as a float: a finite number >= 0."""
    if not _is_real(l2) or not math.isfinite(float(l2)) or l2 < 0:
        raise NNDLValueError(
            "l2 (the regularization strength λ) must be a number >= 0, e.g. 0.01 or 0.7. "
            f"Received: l2={l2!r}"
        )
    return float(l2)


def check_non_negative(name: str, value: Any) -> float:
    """A threshold (``min_delta``, ``tol``) as a float: a finite number >= 0."""
    if not _is_real(value) or not math.isfinite(float(value)) or value < 0:
        raise NNDLValueError(f"{name} must be a number >= 0. Received: {value!r}")
    return float(value)


def check_fraction(name: str, value: Any) -> float:
    """A fraction in [0, 1) (a dropout rate, a validation share) as a float."""
    if not _is_real(value) or not math.isfinite(float(value)) or not (0 <= value < 1):
        raise NNDLValueError(f"{name} must be a number in [0, 1). Received: {name}={value!r}")
    return float(value)


def check_clip(name: str, value: Any) -> float:
    """A gradient-clipping threshold (``clip_value``, ``clip_norm``) as a float: finite, > 0."""
    if not _is_real(value) or not math.isfinite(float(value)) or value <= 0:
        raise NNDLValueError(
            f"{name} must be a finite number > 0 (or None: no clipping), e.g. {name}=1.0 or "
            f"5.0. Received: {name}={value!r}"
        )
    return float(value)


# ------------------------------------------------------- declarative validation


class InvalidParameterError(NNDLValueError, NNDLTypeError):
    """An argument outside its constraints (wrong type or wrong value): both a ``ValueError``
    and a ``TypeError``, as scikit-learn's ``InvalidParameterError`` is."""


class Constraint:
    """One kind of value a parameter accepts: :meth:`accepts` says whether ``value`` is of
    that kind, :meth:`convert` gives it in its canonical form (an ``int``, a ``float``, a
    tuple), and ``description`` says what the kind is, for the error message."""

    description = "a value"

    def accepts(self, value: Any) -> bool:
        raise NotImplementedError

    def convert(self, value: Any) -> Any:
        return value


class Integer(Constraint):
    """An integer (Python's or NumPy's, not a bool) ``>= minimum``."""

    def __init__(self, minimum: int, description: str | None = None) -> None:
        self.minimum = minimum
        self.description = description or f"an integer >= {minimum}"

    def accepts(self, value: Any) -> bool:
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            return False
        return int(value) >= self.minimum

    def convert(self, value: Any) -> int:
        return int(value)


class Checked(Constraint):
    """What one of the shared checks above (``check_l2``, ``check_learning_rate``, …) accepts;
    when this is a parameter's first constraint, a value that satisfies none gets that check's
    own message."""

    def __init__(self, check: Any, description: str) -> None:
        self.check = check
        self.description = description

    def accepts(self, value: Any) -> bool:
        try:
            self.check(value)
        except NNDLError:
            return False
        return True

    def convert(self, value: Any) -> Any:
        return self.check(value)


class Options(Constraint):
    """One of a few names; a misspelt one gets a did-you-mean."""

    def __init__(self, *names: str) -> None:
        self.names = names
        shown = [repr(n) for n in names]
        self.description = " or ".join(shown) if len(shown) == 2 else f"one of {', '.join(shown)}"

    def accepts(self, value: Any) -> bool:
        return isinstance(value, str) and value in self.names


class Instance(Constraint):
    """An instance of ``types`` (``None`` as ``type(None)``), converted by ``convert`` when
    given; ``each=True``: a list or tuple of them, converted to a tuple."""

    def __init__(
        self, types: Any, description: str, each: bool = False, convert: Any = None
    ) -> None:
        self.types = types
        self.description = description
        self.each = each
        self.converter = convert

    def accepts(self, value: Any) -> bool:
        if not self.each:
            return isinstance(value, self.types)
        return isinstance(value, (list, tuple)) and all(isinstance(v, self.types) for v in value)

    def convert(self, value: Any) -> Any:
        if self.each:
            return tuple(value)
        return value if self.converter is None else self.converter(value)


class Pair(Constraint):
    """A tuple or list of two values, converted to a tuple."""

    def __init__(self, description: str) -> None:
        self.description = description

    def accepts(self, value: Any) -> bool:
        return isinstance(value, (tuple, list)) and len(value) == 2

    def convert(self, value: Any) -> tuple[Any, Any]:
        return (value[0], value[1])


class EachOf(Constraint):
    """A list or tuple whose items each satisfy ``item``, converted to a tuple."""

    def __init__(self, item: Constraint, description: str) -> None:
        self.item = item
        self.description = description

    def accepts(self, value: Any) -> bool:
        return isinstance(value, (list, tuple)) and all(self.item.accepts(v) for v in value)

    def convert(self, value: Any) -> tuple[Any, ...]:
        return tuple(self.item.convert(v) for v in value)


NONE = Instance(type(None), "None")
"""The constraint that lets a parameter be ``None``."""


def validate_parameters(
    constraints: Mapping[str, list[Constraint]], values: Mapping[str, Any]
) -> dict[str, Any]:
    """Check every value against its parameter's constraints (scikit-learn's
    ``_parameter_constraints``: a value must satisfy one of them) and return the values
    converted by the constraint each satisfied.

    A value that satisfies none raises :class:`InvalidParameterError`: ``"{name} must be
    {what each constraint accepts, joined by 'or'}. Received: {name}={value}"``, with a
    did-you-mean for a misspelt name; when the first constraint wraps one of the shared
    checks, the check's own message (and its advice) is the message for a value that is not
    a list.
    """
    out = {}
    for name, value in values.items():
        accepted = constraints.get(name, [])
        for constraint in accepted:
            if constraint.accepts(value):
                out[name] = constraint.convert(value)
                break
        else:
            raise _invalid(name, value, accepted)
    return out


def _invalid(name: str, value: Any, constraints: list[Constraint]) -> InvalidParameterError:
    first = constraints[0] if constraints else None
    if isinstance(first, Checked) and not isinstance(value, (list, tuple)):
        try:
            first.check(value)
        except NNDLError as exc:
            return InvalidParameterError(str(exc))
    expected = [c.description for c in constraints]
    what = expected[0] if len(expected) == 1 else f"{', '.join(expected[:-1])} or {expected[-1]}"
    message = f"{name} must be {what}. Received: {name}={received(value)}"
    names = [n for c in constraints if isinstance(c, Options) for n in c.names]
    hint = did_you_mean(value, names) if isinstance(value, str) and names else ""
    return InvalidParameterError(f"{message}; {hint}" if hint else message)


def received(value: Any, limit: int = 80) -> str:
    """``repr(value)`` for an error message: an array as its shape, a long repr cut short."""
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return f"an array of shape {tuple(value.shape)}"
    if isinstance(value, (tuple, list)) and len(value) <= 10:
        inner = ", ".join(received(v, limit) for v in value)
        text = (
            f"({inner}{',' if len(value) == 1 else ''})"
            if isinstance(value, tuple)
            else (f"[{inner}]")
        )
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
