"""Every notebook in notebooks/ runs top to bottom in a fresh kernel (this Python, this nndl)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL = "nndl-tests"


def test_the_notebooks_are_there_in_the_courses_order() -> None:
    assert [p.name[:3] for p in NOTEBOOKS] == ["01_", "02_", "03_", "04_", "05_", "06_"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebooks_are_stored_without_outputs(path: Path) -> None:
    book = json.loads(path.read_text(encoding="utf-8"))
    for cell in book["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None, path.name


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # jupyter's own, in this process
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    # A kernel spec naming this interpreter, so the notebook runs on the Python (and the
    # nndl) under test rather than whatever "python3" kernel the machine has.
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "nndl tests", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    monkeypatch.setenv("JUPYTER_PLATFORM_DIRS", "1")
    monkeypatch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    monkeypatch.delenv("NNDL_CAT_DIR", raising=False)  # the stand-in: the same run everywhere
    source = str(ROOT / "src")
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")]))
    )

    book = nbformat.read(path, as_version=4)
    client = nbclient.NotebookClient(
        book,
        kernel_name=KERNEL,
        timeout=600,
        resources={"metadata": {"path": str(tmp_path)}},
    )
    client.execute()
    outputs = [o for cell in book.cells if cell.cell_type == "code" for o in cell.outputs]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    if path.stem.startswith(("01_", "04_")):
        assert "stand-in" in text  # says which pictures it ran on
    if path.stem.startswith("03_"):
        assert "✗" not in text and "26 of 26 match the course" in text
    if path.stem.startswith("06_"):
        assert "Iteration: 16000" in text and "saurus" in text.split("Iteration: 16000")[1].lower()


def test_make_notebooks_installs_jupyterlab_into_the_venv_and_opens_the_folder() -> None:
    import re

    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    lab_extra = re.search(r"^lab = \[(.*)\]$", pyproject, re.MULTILINE)
    assert lab_extra and "jupyterlab" in lab_extra.group(1)
    assert "notebooks" in lab_extra.group(1)  # ipykernel, for the venv's own kernel
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    target = re.search(r"^notebooks: .*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    lab = re.search(r"^\$\(LAB_STAMP\): .*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert target and lab
    assert '-e ".[lab]"' in lab.group(1) and "$(BIN)/jupyter lab notebooks/" in target.group(1)
