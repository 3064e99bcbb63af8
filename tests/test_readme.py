"""Every example in the README runs as written, on built-in data (files a reader brings are
skipped)."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

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
_BRINGS = ("catvnoncat", "cat.npz", "my_cat.jpg", "new.csv", "houses.csv", " DIR")
# a server that runs until it is stopped (tests/interfaces/test_playground*.py drive it)
_LONG = ("nndl playground",)


@pytest.mark.slow
def test_python_examples_run_in_order(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's Python blocks, one after another in one session, as a reader runs them."""
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    blocks = _blocks("python")
    assert len(blocks) >= 5
    for index, code in enumerate(blocks):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            exec(compile(code, f"README.md python block {index}", "exec"), namespace)


@pytest.mark.slow
def test_command_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nndl.cli import main

    monkeypatch.chdir(tmp_path)
    shutil.copytree(README.parent / "docs" / "examples", tmp_path / "docs" / "examples")
    ran = 0
    for command in _commands():
        if any(f in command for f in _BRINGS) or command.startswith(_LONG):
            continue
        argv = shlex.split(command)[1:]
        with contextlib.redirect_stdout(io.StringIO()):
            status = main(argv)
        assert status == 0, command
        ran += 1
    assert ran >= 10  # the README's examples on built-in data and the files it ships
