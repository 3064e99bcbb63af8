"""Grading a file in a fresh process: :func:`grade_file` starts it, :func:`main` is it.

The learner's code runs in its own Python process (``python -m
nndl.course.grading.worker JOB REPORT``), in the file's folder, so that an endless
loop, a crash or ``sys.exit()`` in it cannot take the grader down: the process
writes the report after each function, and whatever it had graded when it stopped
or ran out of time is kept, the rest marked as not graded.
"""

from __future__ import annotations

import ast
import builtins
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from nndl.course.grading import source
from nndl.course.grading.registry import guess, specs
from nndl.course.grading.report import Report, Result
from nndl.course.grading.runner import (
    PRINT_LIMIT,
    TIME_LIMIT,
    Bounded,
    Grader,
    GradeTimeout,
    captured,
    describe,
    time_limit,
)
from nndl.errors import NNDLValueError

LOAD_LIMIT = 60.0
"""Seconds the learner's file may take to run before its functions are graded."""
MAX_NOTES = 5
"""Statements that failed while the file ran, listed (the rest counted)."""


def grade_file(
    path: str | Path, assignment: str | None = None, *, limit: float = TIME_LIMIT
) -> Report:
    """Run the learner's ``.py`` or ``.ipynb`` in a fresh process and grade its functions.

    ``assignment`` is one of ``nndl course list``'s names, guessed from the functions
    defined when ``None``.  Usage errors (no such file, not a notebook, no graded
    function) raise :class:`nndl.errors.NNDLValueError`.
    """
    path = Path(path)
    units = source.read(path)
    names = source.defined_names(units)
    if assignment is None:
        assignment = guess(names, f" in {path}")
    found = [n for n in specs(assignment) if n in names]
    own = source.defined_names(units, imports=False)
    wanted = [n for n in found if n in own]  # not those imported: nndl's are not graded
    if not found:
        raise NNDLValueError(
            f"no function of {assignment} found in {path}: define them under the course's "
            f"names ({', '.join(list(specs(assignment))[:4])}, …)"
        )
    with tempfile.TemporaryDirectory(prefix="nndl-grade-") as tmp:
        job, out, err = Path(tmp, "job.json"), Path(tmp, "report.json"), Path(tmp, "stderr")
        job.write_text(
            json.dumps(
                {
                    "units": [u.__dict__ for u in units],
                    "assignment": assignment,
                    "limit": limit,
                    "source": str(path),
                    "folder": str(path.resolve().parent),
                }
            ),
            encoding="utf-8",
        )
        budget = LOAD_LIMIT + 30 + limit * 8 * len(found)
        stopped = ""
        with err.open("wb") as stderr:
            try:
                done = subprocess.run(
                    [sys.executable, "-m", "nndl.course.grading.worker", str(job), str(out)],
                    cwd=path.resolve().parent,
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=stderr,
                    env=_environment(),
                    timeout=budget,
                    check=False,
                )
                if done.returncode != 0:
                    stopped = f"the grading process stopped (exit status {done.returncode})"
            except subprocess.TimeoutExpired:
                stopped = f"the grading process ran past {budget:.0f} s and was stopped"
        report = Report.from_json(out.read_text("utf-8")) if out.is_file() else None
    return _complete(report, assignment, wanted, str(path), stopped)


def _complete(
    report: Report | None, assignment: str, wanted: list[str], where: str, stopped: str
) -> Report:
    """The report with a ✗ "not graded" line for each function the process did not reach."""
    results = list(report.results) if report is not None else []
    notes = list(report.notes) if report is not None else []
    graded = {r.name for r in results}
    if stopped:
        results += [Result(n, False, f"not graded: {stopped}") for n in wanted if n not in graded]
    return Report(assignment, tuple(results), tuple(notes), where)


def _environment() -> dict[str, str]:
    """This environment, with this nndl first on the worker's path."""
    env = dict(os.environ)
    here = str(Path(__file__).resolve().parents[3])
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [here, env.get("PYTHONPATH")]))
    return env


# ------------------------------------------------------------------ the process


def run_units(units: list[source.Unit], namespace: dict[str, Any], budget: float) -> list[str]:
    """Run the learner's code statement by statement; a statement that fails is skipped
    (an import of the course's utils that are not here) and noted."""
    problems: list[str] = []
    end = time.monotonic() + budget
    for unit in units:
        try:
            tree = ast.parse(unit.code, filename=unit.filename)
        except SyntaxError as exc:
            problems.append(f"{unit.filename}, line {exc.lineno}: SyntaxError: {exc.msg} (skipped)")
            continue
        for statement in tree.body:
            if source.calls_grader(ast.unparse(statement)):
                continue
            code = compile(ast.Module([statement], type_ignores=[]), unit.filename, "exec")
            try:
                with captured(Bounded(PRINT_LIMIT)), time_limit(max(1.0, end - time.monotonic())):
                    exec(code, namespace)
            except GradeTimeout:
                problems.append(f"{unit.filename}, line {statement.lineno}: ran too long (stopped)")
            except (Exception, SystemExit) as exc:  # the learner's code: note it and go on
                problems.append(
                    f"{unit.filename}, line {statement.lineno}: {describe(exc)} (skipped)"
                )
    if len(problems) > MAX_NOTES:
        more = len(problems) - MAX_NOTES
        problems = [*problems[:MAX_NOTES], f"and {more} more statement(s) that failed"]
    return problems


def main(argv: list[str]) -> int:
    """Run the job in ``argv[0]``, write the report to ``argv[1]`` after each function."""
    job = json.loads(Path(argv[0]).read_text("utf-8"))
    out = Path(argv[1])
    units = [source.Unit(**u) for u in job["units"]]
    sys.path.insert(0, job["folder"])
    namespace: dict[str, Any] = {"__name__": "__learner__", "__builtins__": builtins}
    notes = tuple(run_units(units, namespace, LOAD_LIMIT))

    def write(report: Report) -> None:
        partial = out.with_suffix(".part")
        partial.write_text(report.to_json(), encoding="utf-8")
        partial.replace(out)

    grader = Grader(
        namespace, job["assignment"], time_limit=job["limit"], sources=source.functions(units)
    )
    write(grader.report(job["source"], notes))
    write(grader.run(job["source"], notes, progress=write))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
