"""The learner's code: a ``.py`` file or the code cells of an ``.ipynb`` notebook.

A notebook is read as JSON (at most :data:`MAX_BYTES`); its code cells are kept,
IPython's magics and shell lines (``%matplotlib inline``, ``!pip …``) become
``pass``, and cells that call the grader (``grade()``) are left out, so grading a
notebook does not grade it again from inside.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from nndl import _limits
from nndl.errors import NNDLValueError

MAX_BYTES = 32 * 2**20
"""The largest file read (a notebook with its pictures stays well under it)."""


@dataclass(frozen=True)
class Unit:
    """One block of the learner's code: the file, or one notebook cell."""

    code: str
    filename: str
    """What the learner sees in messages: the path, or ``path, cell N``."""


def read(path: str | Path) -> list[Unit]:
    """The learner's code in ``path``, as units; a usage error for a file that isn't."""
    path = Path(path)
    if path.suffix not in (".py", ".ipynb"):
        raise NNDLValueError(
            f"{path} is not a .py file or an .ipynb notebook: grade the file that holds "
            "your functions"
        )
    if not path.exists():
        raise NNDLValueError(f"{path} does not exist: give the path of your .py or .ipynb file")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise NNDLValueError(
            f"{path} is {size / 2**20:.0f} MiB, more than the {MAX_BYTES // 2**20} MiB read: "
            "clear the notebook's outputs (Cell > All Output > Clear) and save it"
        )
    try:
        text = _limits.read_limited(path, "source file", MAX_BYTES).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise NNDLValueError(f"{path} is not UTF-8 text ({exc.reason}): save it as UTF-8") from exc
    if path.suffix == ".py":
        try:
            ast.parse(text, filename=str(path))
        except SyntaxError as exc:
            raise NNDLValueError(
                f"{path}, line {exc.lineno}: SyntaxError: {exc.msg}: fix it, then grade again"
            ) from exc
        return [Unit(text, str(path))]
    return list(_cells(text, path))


def _cells(text: str, path: Path) -> Iterator[Unit]:
    try:
        book = json.loads(text)
    except json.JSONDecodeError as exc:
        raise NNDLValueError(
            f"{path} is not a notebook: bad JSON at line {exc.lineno} ({exc.msg}); "
            "save it again from Jupyter"
        ) from exc
    cells = book.get("cells") if isinstance(book, dict) else None
    if not isinstance(cells, list):
        raise NNDLValueError(
            f"{path} is not a notebook: no list of cells; save it again from Jupyter"
        )
    for number, cell in enumerate(cells, 1):
        if not isinstance(cell, dict) or cell.get("cell_type") != "code":
            continue
        source = cell.get("source", "")
        code = "".join(source) if isinstance(source, list) else str(source)
        if code.lstrip().startswith("%%"):
            continue  # a cell magic: not Python
        code = without_magics(code)
        if calls_grader(code):
            continue
        yield Unit(code, f"{path}, cell {number}")


def without_magics(code: str) -> str:
    """IPython's ``%magic``, ``!shell`` and ``name?`` lines as ``pass`` (same line numbers)."""
    lines = []
    for line in code.splitlines():
        stripped = line.lstrip()
        if stripped.startswith(("%", "!")) or (stripped.endswith("?") and "#" not in stripped):
            line = line[: len(line) - len(stripped)] + "pass"
        lines.append(line)
    return "\n".join(lines)


def calls_grader(code: str) -> bool:
    """Whether ``code`` calls ``grade(...)`` or ``….grade(...)`` (or parses not at all: no)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return False
    return any(_is_grade_call(node) for node in ast.walk(tree))


def _is_grade_call(node: ast.AST) -> bool:
    if not isinstance(node, ast.Call):
        return False
    f = node.func
    return (isinstance(f, ast.Name) and f.id == "grade") or (
        isinstance(f, ast.Attribute) and f.attr == "grade"
    )


def defined_names(units: list[Unit], imports: bool = True) -> set[str]:
    """The names the code defines at its top level (functions, assignments, and imports
    unless ``imports`` is false)."""
    names: set[str] = set()
    for unit in units:
        try:
            tree = ast.parse(unit.code)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                names.add(node.name)
            elif isinstance(node, ast.ImportFrom) and imports:
                names.update(a.asname or a.name for a in node.names)
            elif isinstance(node, ast.Assign):
                names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names


def functions(units: list[Unit]) -> dict[str, ast.FunctionDef]:
    """Each top-level function's last definition (its AST, to tell a stub from code)."""
    found: dict[str, ast.FunctionDef] = {}
    for unit in units:
        try:
            tree = ast.parse(unit.code)
        except SyntaxError:
            continue
        found.update({n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)})
    return found
