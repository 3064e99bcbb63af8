"""The worked notebooks in notebooks/: stored with their outputs (so a learner reads the
costs and the figures on the code host), outputs that come from the code beside them, and
that a fresh run in a kernel of this Python (this nndl) prints again."""

from __future__ import annotations

import ast
import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest

from notebook_outputs import (
    ITERATIONS,
    MACHINE,
    METADATA,
    NOTEBOOKS,
    QUICK,
    ROOT,
    VARIES,
    compare,
    execute,
    figures,
    sources_hash,
    text_lines,
)

RERUN = "run `make notebook-outputs` (python tests/notebook_outputs.py NAME) and commit the result"


def read(path: Path) -> dict[str, Any]:
    book: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return book


def code_cells(book: dict[str, Any]) -> list[dict[str, Any]]:
    return [c for c in book["cells"] if c["cell_type"] == "code"]


def prints(source: str) -> bool:
    """Whether a cell's own statements (not the functions it defines) print or display."""
    code = "\n".join("pass" if line.startswith("%") else line for line in source.splitlines())
    for statement in ast.parse(code).body:
        if isinstance(statement, ast.FunctionDef | ast.ClassDef):
            continue
        for node in ast.walk(statement):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("print", "display")
            ):
                return True
    return False


def test_the_notebooks_are_there_in_the_courses_order() -> None:
    assert [p.name[:3] for p in NOTEBOOKS] == ["01_", "02_", "03_", "04_", "05_", "06_"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_stored_with_the_outputs_of_their_code(path: Path) -> None:
    book = read(path)
    code = code_cells(book)
    stored_from = book["metadata"].get("nndl", {}).get("sources_sha256")
    assert stored_from == sources_hash(book), f"{path.name}: its code changed since: {RERUN}"
    assert {k: v for k, v in book["metadata"].items() if k != "nndl"} == METADATA
    # run top to bottom, once, in one fresh kernel
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1)), RERUN
    outputs = [o for c in code for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    assert not [o for o in outputs if o.get("name") == "stderr"], "warnings stored"
    for cell in code:
        source = "".join(cell["source"])
        if prints(source):
            assert text_lines(cell) or figures(cell), f"{path.name}: nothing from {source[:60]!r}"
        if re.search(r"^(fig|nndl\.plot\.\w+\(.*)$", source, re.MULTILINE):
            assert figures(cell), f"{path.name}: no figure from {source[:60]!r}"
    text = json.dumps(outputs)
    assert str(ROOT) not in text and "/tmp/" not in text, "a path of this machine stored"
    tags = {t for c in code for t in c["metadata"].get("tags", [])}
    assert tags <= {VARIES, MACHINE, ITERATIONS}


def test_the_stored_pictures_are_there_for_the_code_host() -> None:
    shown = {p.stem[:2]: sum(figures(c) for c in code_cells(read(p))) for p in NOTEBOOKS}
    assert all(shown[n] >= 2 for n in ("01", "02", "04", "05")), shown


def _cell(lines: list[str], tags: tuple[str, ...] = (), pictures: int = 0) -> dict[str, Any]:
    text = "".join(f"{x}\n" for x in lines)
    picture = {"output_type": "display_data", "data": {"image/png": "", "text/plain": ""}}
    outputs = [{"output_type": "stream", "name": "stdout", "text": text}, *[picture] * pictures]
    return {
        "cell_type": "code",
        "source": "x",
        "metadata": {"tags": list(tags)},
        "outputs": outputs,
    }


def _book(*cells: dict[str, Any]) -> dict[str, Any]:
    return {"cells": list(cells)}


def test_the_comparison_takes_rounding_and_refuses_a_changed_result() -> None:
    stored = _book(_cell(["Cost after iteration 0: 0.693147", "train 100.0%, test 70.0%"], (), 1))
    assert compare(stored, copy.deepcopy(stored)) == []
    rounding = _book(_cell(["Cost after iteration 0: 0.693148", "train 100.0%, test 70.0%"], (), 1))
    assert compare(stored, rounding) == []  # the last digit of another BLAS build
    changed = _book(_cell(["Cost after iteration 0: 0.693147", "train 100.0%, test 72.0%"], (), 1))
    assert compare(stored, changed) == [
        "code cell 1: 70.0 stored, 72.0 now, in 'train 100.0%, test 72.0%'"
    ]
    worded = _book(_cell(["Cost after iteration 0: 0.693147", "train 100.0%, dev 70.0%"], (), 1))
    assert "stored 'train 100.0%, test 70.0%'" in compare(stored, worded)[0]
    no_picture = _book(_cell(["Cost after iteration 0: 0.693147", "train 100.0%, test 70.0%"]))
    assert compare(stored, no_picture) == ["code cell 1: 0 pictures, 1 stored"]
    shorter = _book(_cell(["Cost after iteration 0: 0.693147"], (), 1))
    assert "printed 1 lines, 2 stored" in compare(stored, shorter)[0]
    # the kernel sends what was printed when it flushes, in the middle of a line too
    pieces = ["Cost after iteration 0:", " ", "0.693147", "\n", "train 100.0%, ", "test 70.0%\n"]
    flushed = copy.deepcopy(stored)
    flushed["cells"][0]["outputs"][:1] = [
        {"output_type": "stream", "name": "stdout", "text": piece} for piece in pieces
    ]
    assert compare(stored, flushed) == []


def test_tagged_cells_are_compared_as_far_as_they_can_be() -> None:
    sweep = _book(_cell(["20 hidden units: 90.50%", "50 hidden units: 90.75%"], (VARIES,)))
    other_blas = _book(_cell(["20 hidden units: 90.00%", "50 hidden units: 90.25%"], (VARIES,)))
    assert compare(sweep, other_blas) == []
    assert compare(sweep, _book(_cell(["20 hidden units: 90.00%"], (VARIES,)))) != []
    timing = _book(_cell(["dot product: 1507×"], (MACHINE,)))
    assert compare(timing, _book(_cell(["dot product: 12×, does not hold"], (MACHINE,)))) == []
    assert compare(timing, _book(_cell([], (MACHINE,)))) != []
    full = [f"Cost after iteration {i}: {0.7 - i / 1e4:.6f}" for i in range(0, 2500, 100)]
    trained = _book(_cell([*full, "Accuracy: 1.0"], (ITERATIONS,)))
    quick = [f"Cost after iteration {i}: {0.7 - i / 1e4:.6f}" for i in (0, 100)]
    shorter = _book(
        _cell([*quick, "Cost after iteration 199: 0.5", "Accuracy: 0.9"], (ITERATIONS,))
    )
    assert compare(trained, shorter, quick=True) == []
    assert compare(trained, shorter) != []  # a full run must print the full costs
    wrong = _book(
        _cell([quick[0], "Cost after iteration 100: 0.6", "Accuracy: 0.9"], (ITERATIONS,))
    )
    assert compare(trained, wrong, quick=True) == [
        "code cell 1: 0.690000 stored, 0.6 now, in 'Cost after iteration 100: 0.6'"
    ]


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # jupyter's own, in this process
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs_and_prints_its_stored_outputs(path: Path, tmp_path: Path) -> None:
    pytest.importorskip("nbformat")
    pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # notebook 04's two 2500-iteration trainings run 200 iterations here (the notebook says so)
    quick = path.stem.startswith("04_")
    book, _ = execute(path, tmp_path, QUICK if quick else None)
    fresh = json.loads(json.dumps(book))
    assert compare(read(path), fresh, quick=quick) == [], RERUN
    text = "\n".join(line for cell in code_cells(fresh) for line in text_lines(cell))
    if path.stem.startswith(("01_", "04_")):
        assert "stand-in" in text  # says which pictures it ran on
    if path.stem.startswith("03_"):
        assert "✗" not in text and "26 of 26 match the course" in text
    if path.stem.startswith("06_"):
        assert "Iteration: 16000" in text and "saurus" in text.split("Iteration: 16000")[1].lower()


def test_make_notebooks_installs_jupyterlab_into_the_venv_and_opens_the_folder() -> None:
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    lab_extra = re.search(r"^lab = \[(.*)\]$", pyproject, re.MULTILINE)
    assert lab_extra and "jupyterlab" in lab_extra.group(1)
    assert "notebooks" in lab_extra.group(1)  # ipykernel, for the venv's own kernel
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^notebooks: .*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    lab = re.search(r"^\$\(LAB_STAMP\): .*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert target and lab
    assert '-e ".[lab]"' in lab.group(1) and "$(BIN)/jupyter lab notebooks/" in target.group(1)
    stored = re.search(r"^notebook-outputs: .*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert stored and "tests/notebook_outputs.py" in stored.group(1)
