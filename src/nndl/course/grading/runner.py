"""Grade the functions in a namespace: run each on its cases, compare, say what differs.

Every call of a learner's function is bounded: a time limit (``SIGALRM``, where the
platform has it and this is the main thread), its printing captured and counted,
NumPy's warnings silenced, its arguments deep-copied (and compared afterwards, to
catch an argument changed in place).  A function that calls the learner's other
functions is graded with the learner's, then, if it differs, with nndl's in their
place (the names patched in the namespace and restored afterwards), so the
difference is blamed on the function that has it.
"""

from __future__ import annotations

import ast
import contextlib
import copy
import inspect
import io
import signal
import textwrap
import threading
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from nndl.course.grading.compare import differs, same
from nndl.course.grading.registry import specs
from nndl.course.grading.report import Report, Result
from nndl.course.grading.spec import Case, Spec

NOT_IMPLEMENTED = "not implemented yet"
TIME_LIMIT = 10.0
"""Seconds one call of a learner's function may run."""
PRINT_LIMIT = 100_000
"""Characters a learner's function may print on one case."""


class GradeTimeout(BaseException):
    """A learner's function ran past its time limit (a BaseException, so that a
    learner's ``except Exception`` cannot swallow it)."""


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise :class:`GradeTimeout` in the code run inside after ``seconds``."""
    usable = hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()
    if not seconds or not usable:
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise GradeTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Bounded(io.TextIOBase):
    """A text sink that keeps the first ``limit`` characters and counts them all."""

    def __init__(self, limit: int) -> None:
        self.limit, self.count, self.kept = limit, 0, io.StringIO()

    def write(self, text: str) -> int:
        if self.count < self.limit:
            self.kept.write(text[: self.limit - self.count])
        self.count += len(text)
        return len(text)

    def writable(self) -> bool:
        return True


@contextlib.contextmanager
def captured(out: Bounded) -> Iterator[None]:
    """Output into ``out``; NumPy's floating-point warnings and Python's warnings off."""
    with (
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(out),
        np.errstate(all="ignore"),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        yield


@contextlib.contextmanager
def patched(namespace: MutableMapping[str, Any], names: Mapping[str, Any]) -> Iterator[None]:
    """``names`` set in ``namespace`` for the block, then everything as it was."""
    missing = object()
    saved = {k: namespace.get(k, missing) for k in names}
    namespace.update(names)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is missing:
                namespace.pop(k, None)
            else:
                namespace[k] = v


@dataclass(frozen=True)
class Failure:
    message: str
    final: bool = False
    """True for a failure that nndl's helpers cannot change (a stub, a hang, a flood)."""
    named: bool = False
    """The mistake is named (a variant matched, an argument changed in place)."""
    raised: bool = False


class Grader:
    """Grades the course's functions found in ``namespace`` for one assignment."""

    def __init__(
        self,
        namespace: MutableMapping[str, Any],
        assignment: str,
        *,
        time_limit: float | None = TIME_LIMIT,
        print_limit: int = PRINT_LIMIT,
        sources: Mapping[str, ast.FunctionDef] | None = None,
    ) -> None:
        self.namespace, self.assignment = namespace, assignment
        self.specs = specs(assignment)
        self.time_limit, self.print_limit = time_limit, print_limit
        self.sources = dict(sources or {})
        self.learners = {n for n in self.specs if learners_function(namespace.get(n))}
        self.results: dict[str, Result] = {}

    def run(
        self,
        source: str = "",
        notes: tuple[str, ...] = (),
        progress: Callable[[Report], None] | None = None,
    ) -> Report:
        """Grade every function the learner defined, in the assignment's order.

        The course's functions the learner did not write are nndl's while grading (a
        ``two_layer_model`` calls ``linear_activation_forward`` from the course's utils).
        ``progress`` gets the report so far after each function.
        """
        fill = {n: s.reference for n, s in self.specs.items() if n not in self.learners}
        with patched(self.namespace, fill):
            for name, spec in self.specs.items():
                if name in self.learners:
                    self.results[name] = self.grade(spec)
                    if progress is not None:
                        progress(self.report(source, notes))
        return self.report(source, notes)

    def report(self, source: str = "", notes: tuple[str, ...] = ()) -> Report:
        """The functions graded so far."""
        return Report(self.assignment, tuple(self.results.values()), notes, source)

    def grade(self, spec: Spec) -> Result:
        """One function: ✓, or what differs and, through nndl's helpers, where from."""
        fn = self.namespace[spec.name]
        cases = spec.cases()
        expected = [self._reference(spec, case) for case in cases]
        failure = self._try(spec, fn, cases, expected)
        if failure is None:
            return Result(spec.name, True)
        if failure.final:
            return Result(spec.name, False, failure.message)
        mine = [d for d in spec.calls if d in self.learners and not self._passed(d)]
        for helper in mine:
            with patched(self.namespace, {helper: self.specs[helper].reference}):
                if self._try(spec, fn, cases, expected) is None:
                    return Result(spec.name, False, self._blame(helper), helper)
        if len(mine) > 1:
            with patched(self.namespace, {d: self.specs[d].reference for d in mine}):
                if self._try(spec, fn, cases, expected) is None:
                    helpers = " and ".join(mine)
                    return Result(spec.name, False, f"passes with nndl's {helpers}: the "
                                  f"difference comes from your {helpers}", mine[0])  # fmt: skip
        return Result(spec.name, False, failure.message)

    def _passed(self, name: str) -> bool:
        result = self.results.get(name)
        return result is not None and result.ok

    def _blame(self, helper: str) -> str:
        text = f"passes with nndl's {helper}: the difference comes from your {helper}"
        deeper = self.results.get(helper)
        if deeper is not None and deeper.blamed:
            text += f" (and its own from your {deeper.blamed})"
        return text

    def _reference(self, spec: Spec, case: Case) -> Any:
        with captured(Bounded(0)):
            return spec.reference(*copy.deepcopy(case.args))

    def _call(self, fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[Any, int]:
        """``fn(*args)`` bounded in time and output: (its result, characters printed)."""
        out = Bounded(self.print_limit)
        with captured(out), time_limit(self.time_limit):
            result = fn(*fit(fn, args))
        return result, out.count

    def _try(
        self, spec: Spec, fn: Callable[..., Any], cases: list[Case], expected: list[Any]
    ) -> Failure | None:
        """The first case that fails; but a raise is passed over for a later case whose
        difference has a name (``*`` for np.dot raises on most shapes, not on squares)."""
        first: Failure | None = None
        for case, want in zip(cases, expected, strict=True):
            failure = self._case(spec, fn, case, want)
            if failure is None:
                continue
            if failure.final or failure.named or first is not None:
                return failure if failure.named or first is None else first
            if not failure.raised:
                return failure
            first = failure
        return first

    def _case(self, spec: Spec, fn: Callable[..., Any], case: Case, want: Any) -> Failure | None:
        args, before = copy.deepcopy(case.args), copy.deepcopy(case.args)
        try:
            yours, printed = self._call(fn, args)
        except GradeTimeout:
            return Failure(
                f"ran longer than {self.time_limit:g} s on {case.label} and was stopped: "
                "an endless loop?",
                final=True,
            )
        except Exception as exc:  # the learner's code: any exception is a finding
            if _raised_in(exc, spec.name) and isinstance(exc, NotImplementedError):
                return Failure(NOT_IMPLEMENTED, final=True)
            if self._stub(spec.name):
                return Failure(NOT_IMPLEMENTED, final=True)
            reads = self._reads(fn)
            text = f"on {case.label}: {describe(exc, hint=not reads)}{reads}"
            return Failure(text, raised=True)
        if printed > self.print_limit:
            return Failure(
                f"printed {printed:,} characters on {case.label} (more than "
                f"{self.print_limit:,}): a print inside a loop?",
                final=True,
            )
        if yours is None:
            if self._stub(spec.name):
                return Failure(NOT_IMPLEMENTED, final=True)
            return Failure(f"returns None on {case.label}: is the `return` missing?")
        found = self._differs(spec, yours, want, case)
        if found and self._stub(spec.name):
            return Failure(NOT_IMPLEMENTED, final=True)
        if found:
            named = self._diagnose(spec, fn, case, yours)
            text = f"{named} ({found})" if named else found
            return Failure(f"on {case.label}: {text}", named=named is not None)
        changed = _mutated(fn, args, before)
        return Failure(f"on {case.label}: {changed}", named=True) if changed else None

    def _differs(self, spec: Spec, yours: Any, want: Any, case: Case) -> str | None:
        if spec.adapt is not None:
            yours, want = spec.adapt(yours, want)
        if yours is None:
            return "returns None: is the `return` missing?"
        if len(spec.outputs) > 1 and isinstance(want, tuple):
            if not isinstance(yours, tuple | list) or len(yours) != len(want):
                count = len(yours) if isinstance(yours, tuple | list) else 1
                return (
                    f"returns {count} value(s), expected {len(want)}: ({', '.join(spec.outputs)})"
                )
            for name, a, b in zip(spec.outputs, yours, want, strict=True):
                found = differs(a, b, name, case.m, spec.tolerance)
                if found:
                    return found
            return None
        where = "" if isinstance(want, Mapping) else spec.outputs[0]
        return differs(yours, want, where, case.m, spec.tolerance)

    def _diagnose(self, spec: Spec, fn: Callable[..., Any], case: Case, yours: Any) -> str | None:
        """Name the mistake: a computed variant that matches, or a global used."""
        if spec.variants is not None:
            with captured(Bounded(0)):
                variants = spec.variants(*copy.deepcopy(case.args))
            for words, variant in variants.items():
                if self._differs(spec, yours, variant, case) is None:
                    return words
        return self._global(spec, fn, case, yours)

    def _data_globals(self, fn: Callable[..., Any]) -> list[str]:
        """The notebook's data (arrays, dicts, numbers) that ``fn`` reads as globals."""
        code = getattr(fn, "__code__", None)
        names = code.co_names if code is not None else ()
        data = (np.ndarray, Mapping, int, float)
        return [
            n
            for n in names
            if isinstance(self.namespace.get(n), data)
            and not isinstance(self.namespace.get(n), bool)
        ]

    def _reads(self, fn: Callable[..., Any]) -> str:
        read = self._data_globals(fn)
        return f" (it reads the global {', '.join(read)}: an argument was meant?)" if read else ""

    def _global(self, spec: Spec, fn: Callable[..., Any], case: Case, yours: Any) -> str | None:
        """A global used instead of an argument, told by the numbers: the result is what
        the argument replaced by that global gives."""
        try:
            names = list(inspect.signature(fn).parameters)
        except (TypeError, ValueError):
            return None
        read = self._data_globals(fn)
        for i, name in enumerate(names[: len(case.args)]):
            arg = case.args[i]
            if not isinstance(arg, np.ndarray | Mapping):
                continue
            for other in [name, *read]:
                value = self.namespace.get(other)
                if value is None or isinstance(value, Mapping) != isinstance(arg, Mapping):
                    continue
                args = (*case.args[:i], value, *case.args[i + 1 :])
                try:
                    theirs = self._reference(spec, Case(case.label, args, case.m))
                except Exception:  # the global does not fit this case: not what was used
                    continue
                if self._differs(spec, yours, theirs, case) is None:
                    return f"uses the global {other} instead of its argument {name}"
        return self._ignored(spec, fn, case, yours, names) if spec.perturb else None

    def _ignored(
        self, spec: Spec, fn: Callable[..., Any], case: Case, yours: Any, names: list[str]
    ) -> str | None:
        """An argument whose change changes nothing in the learner's result."""
        for i, name in enumerate(names[: len(case.args)]):
            arg = case.args[i]
            if not isinstance(arg, np.ndarray) or arg.dtype == bool:
                continue
            other = arg + np.random.RandomState(i).uniform(0.1, 0.5, arg.shape)
            args = (*case.args[:i], other, *case.args[i + 1 :])
            try:
                theirs = self._reference(spec, Case(case.label, args, case.m))
                again, _ = self._call(fn, copy.deepcopy(args))
            except (Exception, GradeTimeout):
                continue
            if same(again, yours) is None and self._differs(spec, theirs, yours, case):
                return (
                    f"the result does not change when {name} does: a global used instead "
                    f"of the argument {name}?"
                )
        return None

    def _stub(self, name: str) -> bool:
        node = self.sources.get(name) or _source_of(self.namespace.get(name))
        return node is not None and is_stub(node)


def learners_function(value: Any) -> bool:
    """A function the learner wrote (or assigned), not one of nndl's imported as given."""
    return callable(value) and not str(getattr(value, "__module__", "")).startswith("nndl.")


def fit(fn: Callable[..., Any], args: tuple[Any, ...]) -> tuple[Any, ...]:
    """``args`` cut to the positional parameters ``fn`` takes (the course's older
    signatures: ``compute_cost(A2, Y)`` where a newer one adds ``parameters``)."""
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return args
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return args
    positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return args[: len(positional)] if len(positional) < len(args) else args


def _mutated(fn: Callable[..., Any], args: tuple[Any, ...], before: tuple[Any, ...]) -> str | None:
    try:
        names = list(inspect.signature(fn).parameters)
    except (TypeError, ValueError):
        names = []
    for i, (after, was) in enumerate(zip(args, before, strict=True)):
        where = same(after, was)
        if where is not None:
            name = names[i] if i < len(names) else f"argument {i + 1}"
            inside = f" ({where})" if where not in ("values", "value") else ""
            fix = f"{name}.copy()" if isinstance(was, np.ndarray) else f"copy.deepcopy({name})"
            return (
                f"changes its argument {name} in place{inside}: work on a copy "
                f"({fix}) or build new arrays"
            )
    return None


def describe(exc: BaseException, hint: bool = True) -> str:
    """``raises ValueError in linear_forward (line 3): …`` with a hint for a shape clash."""
    place = ""
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if _learners(f.filename)]
    if frames:
        f = frames[-1]
        cell = f.filename.rsplit(", ", 1)[1] + ", " if ", cell " in f.filename else ""
        place = f" in {f.name} ({cell}line {f.lineno})"
    text = str(exc).splitlines()[0] if str(exc) else ""
    message = f"raises {type(exc).__name__}{place}" + (f": {text[:200]}" if text else "")
    if (
        hint
        and isinstance(exc, ValueError)
        and ("broadcast" in text or "aligned" in text or "matmul" in text)
    ):
        message += ": a `*` where np.dot was meant, or a matrix transposed?"
    return message


def _raised_in(exc: BaseException, name: str) -> bool:
    """Whether ``exc`` was raised by the function ``name`` itself (not by one it called)."""
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and frames[-1].name == name


def _learners(filename: str) -> bool:
    """A frame in the learner's code, not in NumPy's or nndl's."""
    here = str(Path(__file__).resolve().parents[2])
    return (
        not filename.startswith(here)
        and "site-packages" not in filename
        and "/numpy/" not in filename
    )


def _source_of(fn: Any) -> ast.FunctionDef | None:
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    except (OSError, TypeError, SyntaxError):
        return None
    node = tree.body[0] if tree.body else None
    return node if isinstance(node, ast.FunctionDef) else None


def is_stub(node: ast.FunctionDef) -> bool:
    """A function the learner has not written yet: a body of ``pass``, ``...``,
    ``raise NotImplementedError``, ``x = None`` and ``return``/``assert`` lines only, or
    the course's ``x = None`` placeholders between its "code here" markers."""
    body = node.body[1:] if node.body and _is_docstring(node.body[0]) else node.body
    if all(_trivial(s) for s in body):
        return True
    return any(isinstance(s, ast.Assign) and _is_none(s.value) for s in ast.walk(node))


def _is_docstring(s: ast.stmt) -> bool:
    return isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant)


def _is_none(v: ast.expr | None) -> bool:
    if isinstance(v, ast.Tuple):
        return all(_is_none(e) for e in v.elts)
    return isinstance(v, ast.Constant) and v.value is None


def _trivial(s: ast.stmt) -> bool:
    if isinstance(s, ast.Pass | ast.Raise | ast.Assert | ast.Import | ast.ImportFrom):
        return True
    if isinstance(s, ast.Expr):
        return isinstance(s.value, ast.Constant)
    if isinstance(s, ast.Assign):
        return _is_none(s.value)
    if isinstance(s, ast.Return):
        return s.value is None or isinstance(s.value, ast.Name | ast.Constant | ast.Tuple)
    return False
