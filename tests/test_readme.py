"""Every example in the README and in the documentation pages its sections moved to runs as written,
on built-in data (files a reader brings are skipped); the README stays the short front door: two
set-up commands, and a link to each of those pages that leads to a file in the repository."""

from __future__ import annotations

import contextlib
import io
import re
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
# the pages the README's long sections moved to: each one's examples run on their own, as a reader
# who lands on the page runs them
PAGES = [
    "getting-started.md",
    "playground.md",
    "seeing-inside.md",
    "training.md",
    "speed.md",
    "gpus.md",
    "files.md",
]

pytestmark = pytest.mark.skipif(not README.is_file(), reason="needs the source checkout's README")


def _blocks(language: str, source: Path = README) -> list[str]:
    text = source.read_text(encoding="utf-8")
    return re.findall(rf"```{language}\n(.*?)```", text, flags=re.S)


def _commands(source: Path = README) -> list[str]:
    lines: list[str] = []
    for block in _blocks("sh", source):
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
@pytest.mark.parametrize("page", [p for p in PAGES if _blocks("python", ROOT / "docs" / p)])
def test_python_examples_of_each_page_run_in_order(
    page: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A page's Python blocks, one after another in a session of their own."""
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    for index, code in enumerate(_blocks("python", ROOT / "docs" / page)):
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            exec(compile(code, f"docs/{page} python block {index}", "exec"), namespace)


def _run(command: str) -> int:
    from nndl.cli import main

    argv = shlex.split(command)[1:]
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            return main(argv)
        except SystemExit as stop:  # --help
            return int(stop.code or 0)


@pytest.mark.slow
def test_command_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    ran = 0
    sources = [README] + [ROOT / "docs" / p for p in PAGES]
    for command in [c for source in sources for c in _commands(source)]:
        if any(f in command for f in _BRINGS) or command.startswith(_LONG):
            continue
        assert _run(command) == 0, command
        ran += 1
    assert ran >= 12  # the examples on built-in data and the files the repository ships


def test_the_readme_sets_up_with_two_commands_and_links_each_page() -> None:
    text = README.read_text(encoding="utf-8")
    start = text[text.index("## Start here") :]
    setup = [line.split("#", 1)[0].strip() for line in _blocks("sh", README)[0].splitlines()]
    assert start.index("```sh\n" + _blocks("sh", README)[0]) < start.index("\n## ")
    assert setup == ["make demo", "make test"]  # the first commands, and all a clone needs
    links = re.findall(r"\]\(([^)#\s]+)(?:#[^)]*)?\)|<img src=\"([^\"]+)\"", text)
    targets = {a or b for a, b in links if not (a or b).startswith(("http://", "https://"))}
    missing = sorted(t for t in targets if not (ROOT / t).exists())
    assert not missing, f"README.md links to files that are not in the repository: {missing}"
    unlinked = [p for p in PAGES if f"docs/{p}" not in targets]
    assert not unlinked, f"README.md links no section to {unlinked}"
    assert len(text.splitlines()) < 420  # the front door: the long texts live on those pages
