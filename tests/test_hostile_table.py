"""docs/files.md maps each hostile-input case to its tests: every case 1-13 has a row,
and every test the table names is defined in a file the same row names."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _defined(file: str) -> set[str]:
    (path,) = [p for p in ROOT.glob(f"tests/**/{file}")]
    tree = ast.parse(path.read_text())
    return {node.name for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)}


def test_each_hostile_case_names_tests_that_exist() -> None:
    text = (ROOT / "docs" / "files.md").read_text()
    section = text[text.index("## Each hostile case and its test") :]
    rows = re.findall(r"^\| (\d+|—) \| (.*) \| (.*) \|$", section, flags=re.MULTILINE)
    assert [r[0] for r in rows if r[0] != "—"] == [str(k) for k in range(1, 14)]
    for number, _, tests in rows:
        files = re.findall(r"(test_\w+\.py)", tests)
        names = set(re.findall(r"\b(test_\w+)\b(?!\.py)", tests)) - {f[:-3] for f in files}
        assert files, f"case {number} names no test file"
        defined = set().union(*(_defined(f) for f in files))
        assert names <= defined, f"case {number}: {sorted(names - defined)} not found in {files}"
        assert names or number == "—", f"case {number} names no test"
