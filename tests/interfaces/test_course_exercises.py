"""The exercise notebooks: blank, they grade "not implemented yet"; filled in, all ✓."""

from __future__ import annotations

import ast
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from nndl.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXERCISES = ROOT / "notebooks" / "exercises"
SOLUTIONS = Path(__file__).parent / "grader"
BOOKS = {
    "01_logistic_regression_exercise.ipynb": ("logistic_solution.py", "logistic-regression", 6),
    "02_planar_exercise.ipynb": ("planar_solution.py", "planar", 8),
    "03_step_by_step_exercise.ipynb": ("deep_solution.py", "step-by-step", 10),
    "04_application_exercise.ipynb": ("application_solution.py", "deep-application", 2),
}
STUB = "# YOUR CODE HERE"


def filled(name: str) -> dict[str, Any]:
    """The notebook with each stub cell replaced by the solution's function of its name."""
    book: dict[str, Any] = json.loads((EXERCISES / name).read_text(encoding="utf-8"))
    text = (SOLUTIONS / BOOKS[name][0]).read_text(encoding="utf-8")
    functions = {
        node.name: ast.get_source_segment(text, node)
        for node in ast.parse(text).body
        if isinstance(node, ast.FunctionDef)
    }
    stubs = 0
    for cell in book["cells"]:
        source = "".join(cell["source"])
        if cell["cell_type"] == "code" and STUB in source:
            node = ast.parse(source).body[0]
            assert isinstance(node, ast.FunctionDef)
            cell["source"] = functions[node.name]
            stubs += 1
    assert stubs == BOOKS[name][2]
    return book


def test_the_exercises_are_there_without_outputs() -> None:
    assert sorted(p.name for p in EXERCISES.glob("*.ipynb")) == sorted(BOOKS)
    for name in BOOKS:
        book = json.loads((EXERCISES / name).read_text(encoding="utf-8"))
        code = [c for c in book["cells"] if c["cell_type"] == "code"]
        assert all(c["outputs"] == [] and c["execution_count"] is None for c in code)
        stubs = ["".join(c["source"]) for c in code if STUB in "".join(c["source"])]
        assert len(stubs) == BOOKS[name][2]
        assert all("raise NotImplementedError" in s for s in stubs)
        assert "nndl.course.grade()" in "".join(code[-1]["source"])


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_a_blank_exercise_is_not_implemented_yet(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(["course", "grade", str(EXERCISES / name)])
    out, err = capsys.readouterr()
    assert status == 1
    lines = out.splitlines()
    assert f"as {BOOKS[name][1]}" in lines[0]
    graded = [line for line in lines if line.startswith(("✓", "✗"))]
    assert len(graded) == BOOKS[name][2]
    assert all(line.endswith(": not implemented yet") for line in graded), out
    assert "Traceback" not in out + err


@pytest.mark.parametrize("name", sorted(BOOKS))
def test_the_exercise_filled_in_passes(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / name
    path.write_text(json.dumps(filled(name)), encoding="utf-8")
    status = main(["course", "grade", str(path)])
    out = capsys.readouterr().out
    count = BOOKS[name][2]
    assert status == 0, out
    assert f"{count} of {count} functions pass" in out


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # jupyter's own, in this process
@pytest.mark.parametrize("blank", [True, False], ids=["blank", "filled"])
def test_the_grade_cell_shows_the_table_in_jupyter(
    blank: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    spec = tmp_path / "jupyter" / "kernels" / "nndl-tests"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "nndl tests", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    source = str(ROOT / "src")
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))
    )
    name = "03_step_by_step_exercise.ipynb"
    text = (EXERCISES / name).read_text(encoding="utf-8") if blank else json.dumps(filled(name))
    book = nbformat.reads(text, as_version=4)
    client = nbclient.NotebookClient(book, kernel_name="nndl-tests", timeout=300)
    client.execute()
    outputs = [o for cell in book.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    shown = book.cells[-1].outputs[0]["data"]
    assert "<table>" in shown["text/html"]
    if blank:
        assert shown["text/plain"].count("not implemented yet") == 10
    else:
        assert "10 of 10 functions pass" in shown["text/plain"]
