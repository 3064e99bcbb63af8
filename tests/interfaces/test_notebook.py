"""nndl in Jupyter, run in a real kernel through nbclient: the progress bar shows (a notebook's
standard error is no terminal), cost lines come through it, summary() is an HTML table, and a
figure function's result displays as a picture."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("tqdm")

SRC = Path(__file__).resolve().parents[2] / "src"

CELLS = [
    "import nndl\nX, Y = nndl.datasets.make_moons(m=200, seed=0)\n"
    "net = nndl.Network([2, 4, 1], activations='tanh', seed=0)",
    "net.summary()",
    "history = net.fit(X, Y, learning_rate=1.0, epochs=30, verbose=1, print_every=10)",
    "net",
]


@pytest.mark.slow
def test_progress_summary_and_repr_in_a_kernel(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    client = nbclient.NotebookClient(notebook, timeout=120, kernel_name="python3")
    client.execute()
    _, summary, fit, shown = (cell.outputs for cell in notebook.cells)
    html = summary[0]["data"]["text/html"]
    assert "<table" in html and "Total parameters: 17" in html
    assert "Total parameters: 17" in summary[0]["data"]["text/plain"]
    streams = {"stdout": "", "stderr": ""}
    for out in fit:
        if out["output_type"] == "stream":
            streams[out["name"]] += out["text"]
    assert "30/30" in streams["stderr"] and "cost=" in streams["stderr"]  # the bar
    assert "Cost after iteration 10:" in streams["stdout"]  # printed through the bar
    assert "<table" in shown[0]["data"]["text/html"]  # a network displays as its summary
