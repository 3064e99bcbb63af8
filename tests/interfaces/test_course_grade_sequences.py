"""``nndl course grade`` on the later courses' step-by-step assignments: convolution and
recurrent networks (the learner's file is the course's loops written out)."""

from __future__ import annotations

import inspect
from pathlib import Path
from types import ModuleType

import pytest

from nndl.cli import main
from nndl.course import convolution, recurrent


def _learner(module: ModuleType, tmp_path: Path, name: str, edits: dict[str, str]) -> Path:
    """The module's source as a learner's own file (no nndl import), with ``edits``."""
    source = inspect.getsource(module)
    source = source.replace(
        "from nndl.course._common import as_float\n",
        "def as_float(a):\n    return np.asarray(a, dtype=np.float64)\n",
    )
    source = source.replace(
        "from nndl.errors import NNDLValueError\n", "NNDLValueError = ValueError\n"
    )
    for old, new in edits.items():
        assert old in source, old
        source = source.replace(old, new)
    path = tmp_path / name
    path.write_text(source, encoding="utf-8")
    return path


def test_a_correct_convolution_file_passes_and_a_wrong_one_is_diagnosed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _learner(convolution, tmp_path, "conv.py", {})
    assert main(["course", "grade", str(good)]) == 0
    out = capsys.readouterr().out
    assert "as convolution" in out and "8 of 8 functions pass" in out
    wrong = _learner(convolution, tmp_path, "conv_wrong.py", {
        "return np.ones(shape) * (float(dz) / (n_H * n_W))": "return np.ones(shape) * float(dz)",
        "    return np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)), mode=\"constant\", "
        "constant_values=0)": "    return np.pad(X, pad)",
    })  # fmt: skip
    assert main(["course", "grade", str(wrong)]) == 1
    out = capsys.readouterr().out
    assert "✗ distribute_value: on the course's test case: not divided by n_H · n_W" in out
    assert "✗ zero_pad: on the course's test case, pad 3: every axis padded" in out
    assert "✗ pool_backward: passes with nndl's distribute_value" in out  # blamed on the helper
    assert "✓ pool_forward" in out and "✓ conv_single_step" in out


def test_a_correct_recurrent_file_passes_and_a_wrong_one_is_diagnosed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _learner(recurrent, tmp_path, "rnn.py", {})
    assert main(["course", "grade", str(good)]) == 0
    out = capsys.readouterr().out
    assert "as recurrent" in out and "6 of 6 functions pass" in out
    wrong = _learner(recurrent, tmp_path, "rnn_wrong.py", {
        "    a_next = np.tanh(np.dot(p[\"Waa\"], a_prev) + np.dot(p[\"Wax\"], xt) + p[\"ba\"])":
        "    a_next = np.tanh(np.dot(p[\"Waa\"], a_prev) + np.dot(p[\"Wax\"], xt))",
    })  # fmt: skip
    assert main(["course", "grade", str(wrong)]) == 1
    out = capsys.readouterr().out
    assert "✗ rnn_cell_forward: on the course's test case" in out
    assert "✗ rnn_forward: passes with nndl's rnn_cell_forward" in out
