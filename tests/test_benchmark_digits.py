"""benchmarks/cnn_digits.py and rnn_digits.py run end to end on a tiny workload (their figures
are not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"

pytestmark = pytest.mark.slow


@pytest.mark.parametrize(
    ("script", "models"),
    [
        ("cnn_digits.py", ("nndl CNN", "nndl dense", "sklearn MLP")),
        ("rnn_digits.py", ("nndl GRU", "nndl LSTM", "nndl dense")),
    ],
)
def test_a_digits_benchmark_runs_its_three_models(script: str, models: tuple[str, ...]) -> None:
    pytest.importorskip("sklearn")
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = "\n".join(done.stdout.splitlines()[-3:])
    for name in models:
        assert f"split 2 {name}" in done.stdout and f"{name}" in summary
