"""nndl's exceptions.

Every error a user can cause is a subclass of :class:`NNDLError` *and* of the
built-in type Python programmers already catch (``ValueError``, ``TypeError``),
so ``except ValueError`` keeps working.  Messages say what was expected, what
was seen, and the likely fix.
"""

from __future__ import annotations


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


class MissingDependencyError(NNDLError, ImportError):
    """An optional package is not installed; the message names the extra that brings it."""
