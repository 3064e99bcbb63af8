"""Every example in the README runs as written, on built-in data (files a reader brings are
skipped)."""

from __future__ import annotations

import contextlib
import importlib
import io
import re
import shlex
from pathlib import Path
from typing import Any

import numpy as np
import pytest

README = Path(__file__).resolve().parents[1] / "README.md"

pytestmark = pytest.mark.skipif(not README.is_file(), reason="needs the source checkout's README")


def _blocks(language: str) -> list[str]:
    text = README.read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def _commands() -> list[str]:
    lines: list[str] = []
    for block in _blocks("sh"):
        joined = block.replace("\\\n", " ")
        for line in joined.splitlines():
            command = line.split("#", 1)[0].strip()
            if command.startswith("nndl "):
                lines.append(command)
    return lines


# files a reader brings (the course's pictures, their own CSV, TOML or photo): not in a checkout
_BRINGS = ("catvnoncat", "cat.npz", "my_cat.jpg", "new.csv", "run.toml", "houses.csv")


def _data(names: set[str]) -> dict[str, Any]:
    """What the README's snippets take as given: digits split for training and testing."""
    from nndl import datasets

    data = datasets.load_sklearn("digits")
    X, Y = data.X, data.Y
    X = np.asarray(X, dtype=np.float64) / 16.0
    labels = np.asarray(Y).ravel().astype(int)
    m = X.shape[1]
    cut = int(0.8 * m)
    onehot = np.eye(10)[labels].T
    given = {
        "X_train": X[:, :cut].T,
        "y_train": labels[:cut],
        "X_test": X[:, cut:].T,
        "y_test": labels[cut:],
        "X_val": X[:, cut:],
        "Y_val": onehot[:, cut:],
    }
    if "Y_train" in names:  # the course's layout for Network.fit
        given["X_train"], given["Y_train"] = X[:, :cut], onehot[:, :cut]
    return given


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(_blocks("python"))))
def test_python_examples_run(index: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    code = _blocks("python")[index]
    monkeypatch.chdir(tmp_path)
    names = set(re.findall(r"\b[A-Za-z_]\w*\b", code))
    namespace: dict[str, Any] = _data(names)
    namespace["nndl"] = importlib.import_module("nndl")  # the tour imported it
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, f"README.md python block {index}", "exec"), namespace)


@pytest.mark.slow
def test_command_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nndl.cli import main

    monkeypatch.chdir(tmp_path)
    ran = 0
    for command in _commands():
        if any(f in command for f in _BRINGS):
            continue
        argv = shlex.split(command)[1:]
        with contextlib.redirect_stdout(io.StringIO()):
            status = main(argv)
        assert status == 0, command
        ran += 1
    assert ran >= 7  # the README still shows its seven examples on built-in data
