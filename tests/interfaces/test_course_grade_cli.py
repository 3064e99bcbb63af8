"""``nndl course grade PATH``: the learner's file run in a fresh process, one line per function."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nndl.cli import main

FIXTURES = Path(__file__).parent / "grader"
SOLUTION = (FIXTURES / "logistic_solution.py").read_text(encoding="utf-8")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(["course", "grade", *argv])
    out, err = capsys.readouterr()
    return status, out, err


def test_a_correct_file_passes(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, err = run(capsys, str(FIXTURES / "logistic_solution.py"))
    assert status == 0, out
    lines = out.splitlines()
    assert lines[0].endswith("as logistic-regression")
    assert lines[1:6] == [
        "✓ sigmoid",
        "✓ initialize_with_zeros",
        "✓ propagate",
        "✓ optimize",
        "✓ predict",
    ]
    assert lines[6] == "✓ model" and lines[-1] == "6 of 6 functions pass" and err == ""


def test_a_blank_exercise_is_not_implemented_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "blank.py"
    path.write_text(
        "import numpy as np\n\n"
        "def sigmoid(z):\n    s = None  # YOUR CODE HERE\n    return s\n\n"
        "def initialize_with_zeros(dim):\n    raise NotImplementedError\n\n"
        "def propagate(w, b, X, Y):\n    m = X.shape[1]\n    A = None\n    cost = None\n"
        "    dw = np.dot(X, (A - Y).T) / m\n    return {'dw': dw}, cost\n\n"
        "def optimize(w, b, X, Y, num_iterations=100, learning_rate=0.009, print_cost=False):\n"
        "    pass\n",
        encoding="utf-8",
    )
    status, out, err = run(capsys, str(path))
    assert status == 1
    assert out.splitlines()[1:5] == [
        "✗ sigmoid: not implemented yet",
        "✗ initialize_with_zeros: not implemented yet",
        "✗ propagate: not implemented yet",
        "✗ optimize: not implemented yet",
    ]
    assert "Traceback" not in out + err


def test_a_hanging_function_is_cut_off_and_the_others_graded(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "hangs.py"
    path.write_text(
        SOLUTION.replace("    costs = []\n", "    costs = []\n    while True:\n        pass\n"),
        encoding="utf-8",
    )
    status, out, _ = run(capsys, str(path), "--time-limit", "1")
    assert status == 1
    assert (
        "✗ optimize: ran longer than 1 s on the course's test case and was stopped: "
        "an endless loop?" in out
    )
    assert "✓ propagate" in out and "✓ predict" in out


def test_a_crash_leaves_the_functions_graded_so_far(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "exits.py"
    path.write_text(
        SOLUTION.replace("    costs = []\n", "    import os\n    os._exit(3)\n"), encoding="utf-8"
    )
    status, out, _ = run(capsys, str(path))
    assert status == 1
    assert "✓ propagate" in out
    assert "✗ optimize: not graded: the grading process stopped (exit status 3)" in out
    assert "✗ predict: not graded" in out


def _notebook(path: Path, cells: list[str]) -> Path:
    book = {
        "cells": [
            {
                "cell_type": "code",
                "source": c.splitlines(keepends=True),
                "metadata": {},
                "outputs": [],
                "execution_count": None,
            }
            for c in cells
        ]
        + [{"cell_type": "markdown", "source": ["# Planar data"], "metadata": {}}],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    path.write_text(json.dumps(book), encoding="utf-8")
    return path


def test_a_notebook_is_graded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    solution = (FIXTURES / "planar_solution.py").read_text(encoding="utf-8")
    path = _notebook(
        tmp_path / "Planar.ipynb",
        [
            "%matplotlib inline\nimport numpy as np\n"
            "from planar_utils import plot_decision_boundary",
            solution,
            "!pip install nothing\nX_assess = np.zeros((2, 3))",
            "import nndl.course\nnndl.course.grade()",  # left out: the grader is not run again
        ],
    )
    status, out, _ = run(capsys, str(path))
    assert status == 0, out
    assert "as planar" in out and "8 of 8 functions pass" in out
    assert "cell 1, line 3: raises ModuleNotFoundError" in out  # the course's utils are not here


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["nowhere.py"], "nowhere.py does not exist"),
        (["notes.txt"], "is not a .py file or an .ipynb notebook"),
        (["bad.ipynb"], "is not a notebook: bad JSON at line 1"),
        (["good.py", "--assignment", "cats"], "unknown assignment 'cats'"),
        (["empty.py"], "no graded function found in"),
        (["sig.py", "--assignment", "planar"], "no function of planar found in"),
        ([], "needs the PATH of your .py or .ipynb file"),
    ],
)
def test_usage_errors_exit_2_with_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    words: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    (tmp_path / "bad.ipynb").write_text("{not json", encoding="utf-8")
    (tmp_path / "good.py").write_text(SOLUTION, encoding="utf-8")
    (tmp_path / "empty.py").write_text("x = 1\n", encoding="utf-8")
    (tmp_path / "sig.py").write_text("def sigmoid(z):\n    return z\n", encoding="utf-8")
    status, out, err = run(capsys, *argv)
    assert status == 2 and out == ""
    assert err.startswith("nndl: error: ") and words in err and err.count("\n") == 1


def test_recipes_reject_grade_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["course", "planar", "x.py"]) == 2
    assert "go with `nndl course grade`" in capsys.readouterr().err
