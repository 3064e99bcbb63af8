"""The benchmark scripts run end to end on tiny workloads (their figures are not checked)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"

pytestmark = pytest.mark.slow


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done.stdout


def test_mlp_cpu_runs_every_library_and_prints_the_targets() -> None:
    pytest.importorskip("sklearn")
    pytest.importorskip("torch")
    out = _run("mlp_cpu.py", "--m", "600", "--rounds", "1", "--epochs", "2", "--pause", "0")
    for name in ("nndl", "nndl-passes", "sklearn", "torch"):
        assert f"round 1 {name} " in out
    assert "nndl / faster peer:" in out and "GEMM share" in out
    assert "machine:" in out


def test_logreg_runs() -> None:
    pytest.importorskip("sklearn")
    pytest.importorskip("scipy")
    out = _run("logreg.py", "--repeats", "1", "--iterations", "5")
    assert "nndl L-BFGS / scikit-learn:" in out


def test_mlp_gpu_says_why_it_has_nothing_to_measure_without_a_gpu() -> None:
    torch = pytest.importorskip("torch")
    if torch.cuda.is_available():
        pytest.skip("a GPU is present: the script would measure it")
    out = _run("mlp_gpu.py", "--steps", "2", "--warmup", "1", "--rounds", "1")
    assert "no CUDA GPU is usable here" in out


def test_dask_scale_runs() -> None:
    pytest.importorskip("distributed")
    out = _run("dask_scale.py", "--workers", "1", "--m", "4000", "--chunk", "2000", "--epochs", "1")
    assert "mini-batch" in out


def test_playground_rate_runs() -> None:
    pytest.importorskip("starlette")
    pytest.importorskip("websockets")
    out = _run("playground_rate.py", "--seconds", "1", "--grid", "20")
    assert "updates/s per tab" in out and "frame alone" in out


def test_mlp_estimator_runs_both_dtypes_and_lbfgs() -> None:
    pytest.importorskip("sklearn")
    out = _run("mlp_estimator.py", "--quick")
    for dtype in ("float32", "float64"):
        assert f"round 1 nndl {dtype}:" in out and f"round 1 sklearn {dtype}:" in out
        assert f"{dtype}: nndl " in out
    assert "lbfgs (digits" in out and "nndl / sklearn:" in out


def test_conv_cpu_runs_every_layer_and_the_whole_model_beside_pytorch() -> None:
    pytest.importorskip("torch")
    out = _run("conv_cpu.py", "--batch", "2", "--repeats", "1", "--m", "300", "--rounds", "1")
    for name in ("conv 3×3", "conv 5×5", "max pool", "avg pool", "batch norm"):
        assert name in out
    assert "machine:" in out and "ratio" in out
    assert "round 1 nndl " in out and "round 1 torch " in out
    assert "nndl / PyTorch:" in out and "GEMM share" in out and "peak MB" in out
    assert "nndl / PyTorch in CPU seconds:" in out and "(CPU " in out


def test_small_nets_runs_every_row_beside_the_course_and_prints_the_ratios() -> None:
    out = _run("small_nets.py", "--rounds", "1", "--planar-epochs", "3", "--cat-epochs", "1")
    for row in ("planar 2-4-1 tanh float64", "planar 2-50-1 tanh float32", "cat 12288-20-7-5-1"):
        assert row in out
    assert "nndl/course" in out and "machine:" in out and "reading X" in out


def test_rnn_cpu_runs_both_cells_beside_pytorch() -> None:
    pytest.importorskip("torch")
    out = _run("rnn_cpu.py", "--small")
    for row in ("GRU ", "LSTM "):
        assert row in out
    assert "nndl/PyTorch" in out and "machine:" in out


def test_mlp_busy_runs_under_load() -> None:
    pytest.importorskip("sklearn")
    out = _run("mlp_busy.py", "--quick", "--spinners", "1")
    assert "threads=default: nndl" in out and "threads=1: nndl" in out
