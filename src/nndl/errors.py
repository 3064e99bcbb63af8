"""nndl's exceptions.

Every error a user can cause is a subclass of :class:`NNDLError` *and* of the
built-in type Python programmers already catch (``ValueError``, ``TypeError``),
so ``except ValueError`` keeps working.  Messages say what was expected, what
was seen, and the likely fix.
"""

from __future__ import annotations

import importlib
import numbers
from typing import Any


class NNDLError(Exception):
    """Base class of every exception nndl raises on purpose."""


class NNDLValueError(NNDLError, ValueError):
    """An argument has the right type but a wrong value (shape, range, name)."""


class NNDLTypeError(NNDLError, TypeError):
    """An argument has the wrong type."""


class ShapeError(NNDLValueError):
    """An array has the wrong rank or shape."""


class DivergenceError(NNDLError, FloatingPointError):
    """Training produced a non-finite cost or gradient.

    The network keeps the parameters of the last step whose values were finite.
    """


def diverged(what: str, learning_rate: float | None, epoch: int | None = None) -> DivergenceError:
    """The error for training that reached a non-finite cost, gradient or parameter:
    ``what`` happened (at ``epoch``, with ``learning_rate``; ``None`` for L-BFGS, which
    has none), with what to try."""
    when = "" if epoch is None else f" at epoch {epoch}"
    if learning_rate is None:
        advice = "Standardize the inputs"
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
