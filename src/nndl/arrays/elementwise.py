"""Elementwise rules: written once as Python, run on arrays, in place, or as one compiled loop.

A *rule* is a plain function of its namespace ``xp``, some arrays and some
scalars that combines them elementwise with ``+ − × ÷``, negation and
``xp.sqrt``; for instance the course's momentum::

    def rule(xp, g, v, beta, one_minus_beta, minus_learning_rate):
        v = beta * v + one_minus_beta * g
        return minus_learning_rate * v, v

Called with arrays of any array-API library and that library's namespace, it
computes new arrays.  :func:`trace` calls it once with symbols instead, which
records a :class:`Program`: the same operations as a straight-line list.  A
program then runs

- in place over flat NumPy buffers (:func:`run_in_place`): one ufunc with
  ``out=`` per operation, each result written into a buffer whose value is no
  longer needed, so a step allocates nothing;
- as one loop over the elements (:func:`loop_source`, compiled by Numba in
  :mod:`nndl.arrays.fused`);
- as the body of a CUDA elementwise kernel (:func:`cuda_source`, for CuPy).

Each does the same IEEE operations, in the same order, in the arrays' dtype, so
they give the same bits.  Two conventions keep it so: a rule never combines two
scalars (derived scalars such as ``1 − β`` are computed once, in float64, by the
caller and rounded to the arrays' dtype), and it never uses a Python number (a
traced rule that does raises ``TypeError``).
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Op", "Program", "cuda_source", "loop_source", "run_in_place", "trace"]

_SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/"}
_UFUNCS: dict[str, Callable[..., Any]] = {
    "add": np.add,
    "sub": np.subtract,
    "mul": np.multiply,
    "div": np.divide,
    "neg": np.negative,
    "sqrt": np.sqrt,
}
_RESERVED = {"theta", "np", "i", "n", "xp", "sqrt"}


@dataclass(frozen=True)
class Op:
    """One elementwise operation: ``kind`` (add, sub, mul, div, neg, sqrt) of values ``args``."""

    kind: str
    args: tuple[int, ...]


@dataclass(frozen=True)
class Program:
    """A traced rule: values ``0 … A−1`` are the arrays, then the scalars, then each op's result.

    ``outputs`` are the values the rule returns: the update of θ first, then the
    new value of each array after the first (the optimizer's slots).
    """

    name: str
    arrays: tuple[str, ...]
    scalars: tuple[str, ...]
    ops: tuple[Op, ...]
    outputs: tuple[int, ...]

    def __hash__(self) -> int:  # asked for at every compiled step: computed once
        h: int | None = self.__dict__.get("_hash")
        if h is None:
            h = hash((self.name, self.arrays, self.scalars, self.ops, self.outputs))
            object.__setattr__(self, "_hash", h)
        return h

    def value_name(self, v: int, temporary: str = "_t") -> str:
        """The name of value ``v`` in generated code: an input's own name, else ``_tK``."""
        inputs = self.arrays + self.scalars
        return inputs[v] if v < len(inputs) else f"{temporary}{v - len(inputs)}"


# ------------------------------------------------------------------ tracing


class _Tape:
    def __init__(self, n_inputs: int) -> None:
        self.n_inputs = n_inputs
        self.ops: list[Op] = []

    def record(self, kind: str, operands: Sequence[Any]) -> _Symbol:
        for o in operands:
            if not isinstance(o, _Symbol):
                raise TypeError(
                    f"a rule combines its arrays and scalars only; it got {o!r} in {kind}: "
                    "compute constants such as 1 − β with the other scalars"
                )
        if all(o.scalar for o in operands):
            raise TypeError(
                f"a rule never combines two scalars ({kind}): compute that scalar once, "
                "with the other scalars, so every path rounds it the same way"
            )
        self.ops.append(Op(kind, tuple(o.index for o in operands)))
        return _Symbol(self, self.n_inputs + len(self.ops) - 1, scalar=False)


class _Symbol:
    """A value of a rule being traced; arithmetic on it records an :class:`Op`."""

    def __init__(self, tape: _Tape, index: int, scalar: bool) -> None:
        self.tape, self.index, self.scalar = tape, index, scalar

    def __add__(self, other: Any) -> _Symbol:
        return self.tape.record("add", (self, other))

    def __radd__(self, other: Any) -> _Symbol:
        return self.tape.record("add", (other, self))

    def __sub__(self, other: Any) -> _Symbol:
        return self.tape.record("sub", (self, other))

    def __rsub__(self, other: Any) -> _Symbol:
        return self.tape.record("sub", (other, self))

    def __mul__(self, other: Any) -> _Symbol:
        return self.tape.record("mul", (self, other))

    def __rmul__(self, other: Any) -> _Symbol:
        return self.tape.record("mul", (other, self))

    def __truediv__(self, other: Any) -> _Symbol:
        return self.tape.record("div", (self, other))

    def __rtruediv__(self, other: Any) -> _Symbol:
        return self.tape.record("div", (other, self))

    def __neg__(self) -> _Symbol:
        return self.tape.record("neg", (self,))

    def __bool__(self) -> bool:
        raise TypeError("a rule cannot branch on a value: it is the same for every element")


class _SymbolicNamespace:
    """The ``xp`` a rule sees while traced: its one function, ``sqrt``."""

    @staticmethod
    def sqrt(x: _Symbol) -> _Symbol:
        return x.tape.record("sqrt", (x,))


def trace(rule: Callable[..., tuple[Any, ...]], n_arrays: int) -> Program:
    """The :class:`Program` of ``rule(xp, *arrays, *scalars)``, whose first ``n_arrays``
    arguments after ``xp`` are arrays and the rest scalars.

    ``rule`` returns ``n_arrays`` values: the update, then each array's new value
    after the first.  ``rule`` may be a bound method (its parameters after ``self``).
    """
    names = tuple(inspect.signature(rule).parameters)[1:]
    for name in names:
        if not name.isidentifier() or name.startswith(("_", "nndl_")) or name in _RESERVED:
            raise ValueError(f"a rule's argument cannot be called {name!r} in generated code")
    tape = _Tape(len(names))
    symbols = [_Symbol(tape, i, scalar=i >= n_arrays) for i in range(len(names))]
    results = rule(_SymbolicNamespace(), *symbols)
    if len(results) != n_arrays or not all(
        isinstance(r, _Symbol) and not r.scalar for r in results
    ):
        raise TypeError(
            f"a rule over {n_arrays} arrays returns {n_arrays} arrays: the update first"
        )
    name = re.sub(r"\W", "_", getattr(rule, "__qualname__", "rule"))  # Adam.rule → Adam_rule
    return Program(
        name=name,
        arrays=names[:n_arrays],
        scalars=names[n_arrays:],
        ops=tuple(tape.ops),
        outputs=tuple(r.index for r in results),
    )


# ------------------------------------------------------- in place, NumPy


def _copy(x: np.ndarray, out: np.ndarray) -> None:
    np.copyto(out, x)


@dataclass(frozen=True)
class _Plan:
    """Which value each step reads and writes: ``0 … A−1`` are the arrays, then the work
    buffers, then the scalars; a step is ``(ufunc, a, b, out)`` (``b = −1``: unary)."""

    steps: tuple[tuple[Callable[..., Any], int, int, int], ...]
    n_work: int
    update: int
    copies: tuple[tuple[int, int], ...]


def _plan(program: Program) -> _Plan:
    """The program's plan, made once and kept on the program."""
    plan: _Plan | None = program.__dict__.get("_plan")
    if plan is None:
        plan = _make_plan(program)
        program.__dict__["_plan"] = plan  # not a field: equality and hash ignore it
    return plan


def _make_plan(program: Program) -> _Plan:
    """Give each op's result a buffer whose value is no longer needed: a slot's new value its
    own slot's buffer when it can, else an operand's, else any free one, else a new work buffer
    (a value is needed until the last op that reads it; the outputs until the end)."""
    A, S = len(program.arrays), len(program.scalars)
    end = len(program.ops)
    last = {v: -1 for v in range(A + S + end)}  # the last op that reads each value
    for k, op in enumerate(program.ops):
        for a in op.args:
            last[a] = k
    for v in program.outputs:
        last[v] = end
    own = {v: 1 + j for j, v in enumerate(program.outputs[1:])}  # a slot's new value → its buffer
    holds = list(range(A))  # buffer → the value it holds
    where = {v: v for v in range(A)}
    steps: list[tuple[Callable[..., Any], tuple[int, ...], int]] = []
    last[-1] = -1  # "no value": what a buffer holds once its value has moved
    for v in sorted({v for v in program.outputs[1:] if v < A and own[v] != v}):
        holds.append(v)  # an input that becomes another slot's value moves to a work buffer
        steps.append((_copy, (v,), len(holds) - 1))
        where[v], holds[v] = len(holds) - 1, -1
    for k, op in enumerate(program.ops):
        r = A + S + k
        free = [b for b, v in enumerate(holds) if last[v] <= k]
        if r in program.outputs:  # an output never lands in another slot's buffer
            free = [b for b in free if b == 0 or b >= A or own.get(r) == b]
        operands = {where[a] for a in op.args if a < A or a >= A + S}
        if own.get(r) in free:
            out = own[r]
        elif free:
            out = min(free, key=lambda b: (b not in operands, b))
        else:
            out = len(holds)
            holds.append(r)
        holds[out] = r
        where[r] = out
        refs = tuple(where[a] if a < A or a >= A + S else -1 - (a - A) for a in op.args)
        steps.append((_UFUNCS[op.kind], refs, out))
    update = where[program.outputs[0]]
    copies = tuple(
        (where[v], 1 + j) for j, v in enumerate(program.outputs[1:]) if where[v] != 1 + j
    )
    n_buffers = len(holds)

    def index(r: int) -> int:  # the scalar −1 − r comes after the buffers
        return r if r >= 0 else n_buffers - 1 - r

    flat = tuple(
        (ufunc, index(refs[0]), index(refs[1]) if len(refs) == 2 else -1, out)
        for ufunc, refs, out in steps
    )
    return _Plan(flat, n_buffers - A, update, copies)


def run_in_place(
    program: Program,
    theta: np.ndarray,
    arrays: Sequence[np.ndarray],
    scalars: Sequence[Any],
    work: Sequence[np.ndarray] = (),
) -> None:
    """``θ := θ + update`` and each slot := its new value, in place over flat NumPy buffers.

    ``arrays`` are the program's arrays (the gradient first, then the slots), each
    contiguous and of θ's shape and dtype; ``scalars`` are of θ's dtype.  The
    gradient is overwritten.  ``work`` are scratch buffers like θ (more are made
    when the program needs them).
    """
    plan = _plan(program)
    extra = [np.empty_like(theta) for _ in range(plan.n_work - len(work))]
    values = [*arrays, *work[: plan.n_work], *extra, *scalars]
    for ufunc, a, b, out in plan.steps:
        if b < 0:
            ufunc(values[a], out=values[out])
        else:
            ufunc(values[a], values[b], out=values[out])
    np.add(theta, values[plan.update], out=theta)
    for source, slot in plan.copies:
        np.copyto(values[slot], values[source])


# ------------------------------------------------------- generated code


def _statements(
    program: Program, element: Callable[[str], str], sqrt: str, temporary: str = "_t"
) -> list[str]:
    """``name = expression`` for each op, in order; ``element(a)`` reads array ``a``."""
    A, S = len(program.arrays), len(program.scalars)

    def name(v: int) -> str:
        return element(program.arrays[v]) if v < A else program.value_name(v, temporary)

    lines = []
    for k, op in enumerate(program.ops):
        a = [name(v) for v in op.args]
        if op.kind == "neg":
            expr = f"-{a[0]}"
        elif op.kind == "sqrt":
            expr = f"{sqrt}({a[0]})"
        else:
            expr = f"{a[0]} {_SYMBOLS[op.kind]} {a[1]}"
        lines.append(f"{program.value_name(A + S + k, temporary)} = {expr}")
    return lines


def loop_source(program: Program) -> str:
    """Python source of ``def NAME(theta, *arrays, *scalars)``: one loop over the elements
    doing the program's operations in order (for Numba; ``np`` is NumPy)."""
    args = ", ".join(("theta", *program.arrays, *program.scalars))
    lines = [f"def {program.name}({args}):", "    for i in range(theta.shape[0]):"]
    lines += [f"        _{a} = {a}[i]" for a in program.arrays]  # every read comes first
    lines += [f"        {s}" for s in _statements(program, lambda a: f"_{a}", "np.sqrt")]
    name = {v: f"_{a}" for v, a in enumerate(program.arrays)}
    for a, v in zip(program.arrays[1:], program.outputs[1:], strict=True):
        lines.append(f"        {a}[i] = {name.get(v, program.value_name(v))}")
    update = program.outputs[0]
    lines.append(f"        theta[i] = theta[i] + {name.get(update, program.value_name(update))}")
    return "\n".join(lines) + "\n"


def cuda_source(program: Program) -> tuple[str, str, str]:
    """``(in_params, out_params, body)`` of a CuPy ``ElementwiseKernel`` doing the program:
    the gradient and the scalars in, θ and the slots in and out, all of one type ``T``.
    (CuPy keeps names with a leading ``_`` for itself: the temporaries are ``nndl_tK``.)"""
    ins = ", ".join(f"T {n}" for n in (program.arrays[0], *program.scalars))
    outs = ", ".join(f"T {n}" for n in ("theta", *program.arrays[1:]))
    A = len(program.arrays)
    kept = sorted({v for v in program.outputs if v < A})  # an input returned as it came in
    body = [f"T nndl_in{v} = {program.arrays[v]};" for v in kept]
    body += [f"T {s};" for s in _statements(program, str, "sqrt", "nndl_t")]

    def name(v: int) -> str:
        return f"nndl_in{v}" if v < A else program.value_name(v, "nndl_t")

    for a, v in zip(program.arrays[1:], program.outputs[1:], strict=True):
        body.append(f"{a} = {name(v)};")  # every old value is read by now
    body.append(f"theta = theta + {name(program.outputs[0])};")
    return ins, outs, "\n".join(body)
