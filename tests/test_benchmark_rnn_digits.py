"""benchmarks/rnn_digits.py runs end to end on a tiny workload (its figures are not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"

pytestmark = pytest.mark.slow


def test_rnn_digits_runs_the_three_models() -> None:
    pytest.importorskip("sklearn")
    done = subprocess.run(
        [sys.executable, str(BENCH / "rnn_digits.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = "\n".join(done.stdout.splitlines()[-3:])
    for name in ("nndl GRU", "nndl LSTM", "nndl dense"):
        assert f"split 2 {name}" in done.stdout and f"{name}" in summary
