"""Silent wrong results and raw errors: labels a hair off whole numbers, one class, bad
arguments to the data generators, sizes too big for the process, masked arrays."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nndl
from nndl import datasets
from nndl.errors import NNDLTypeError, NNDLValueError


def _rows(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_label_a_hair_off_a_whole_number_is_not_guessed(tmp_path: Path) -> None:
    labels = [0, 1, 1, 0, 1, 0, 1, 0]
    rows = ["a,label"] + [f"{i},{v}" for i, v in enumerate(labels)]
    rows[4] = "3,1.0000001"
    path = _rows(tmp_path / "d.csv", rows)
    with pytest.raises(NNDLValueError, match=r"a hair away from one, such as 1\.0000001"):
        datasets.load_csv(path, "label")
    assert datasets.load_csv(path, "label", task="regression").task == "regression"
    spread = _rows(tmp_path / "r.csv", ["a,y"] + [f"{i},{i * 0.37:.2f}" for i in range(20)])
    assert datasets.load_csv(spread, "y").task == "regression"  # a real regression target


def test_the_errors_ask_for_a_task_the_command_line_takes(tmp_path: Path, nndl_run: Any) -> None:
    """The hair-off label and the one-class errors suggest ``--task regression``: it exists."""
    rows = ["a,label"] + [f"{i},{i % 2}" for i in range(8)]
    rows[4] = "3,1.0000001"
    path = _rows(tmp_path / "d.csv", rows)
    run = nndl_run("train", "--data", path, "--target", "label", "--epochs", "2")
    assert run.rc == 2 and "--task regression on the command line" in run.stderr, run
    run = nndl_run("train", "--data", path, "--target", "label", "--task", "regression")
    assert run.rc == 0 and "Train R²" in run.stdout, run
    one = _rows(tmp_path / "one.csv", ["a,label"] + [f"{i},1" for i in range(8)])
    args = ("train", "--data", one, "--target", "label", "--epochs", "2", "--test-data", one)
    run = nndl_run(*args)
    assert run.rc == 2 and "--task regression for a numeric target" in run.stderr, run
    assert nndl_run(*args, "--task", "regression").rc == 0
    run = nndl_run("train", "--data", "moons", "--task", "regression")
    assert run.rc == 2 and "only apply to CSV and .npz files" in run.stderr, run
    with pytest.raises(NNDLValueError, match=r"only apply to CSV and \.npz files"):
        datasets.load_data("moons", task="regression")


@pytest.mark.parametrize("kind", ["csv", "npz", "h5"])
def test_one_class_is_refused_for_training(tmp_path: Path, kind: str, nndl_run: Any) -> None:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 2)), np.ones(12, dtype=np.int64)
    if kind == "csv":
        path = _rows(tmp_path / "d.csv", ["a,b,label"] + [f"{a},{b},1" for a, b in X])
        args: tuple[str, ...] = ("--target", "label")
    elif kind == "npz":
        path = tmp_path / "d.npz"
        np.savez(path, X=X, Y=y)
        args = ()
    else:
        h5py = pytest.importorskip("h5py")
        path = tmp_path / "d.h5"
        with h5py.File(path, "w") as f:
            f["train_set_x"] = rng.integers(0, 255, size=(12, 2, 2, 3), dtype=np.uint8)
            f["train_set_y"] = y
            f["list_classes"] = np.array([b"non-cat", b"cat"])
        args = ()
    run = nndl_run("train", "--data", path, *args, "--epochs", "2")
    assert run.rc == 2, run
    assert "one class only" in run.stderr and "Traceback" not in run.stderr, run
    assert "accuracy" not in run.stdout


def test_thousands_separators_are_named(tmp_path: Path) -> None:
    path = _rows(tmp_path / "d.csv", ["a,b,label", '1,"1,234",0', "2,5,1", "3,7,0", "4,8,1"])
    with pytest.raises(NNDLValueError, match="1,234"):
        datasets.load_csv(path, "label")


@pytest.mark.parametrize("value", [123, None, 1.5, b"model.npz"])
def test_load_takes_a_path(value: Any) -> None:
    with pytest.raises(NNDLTypeError, match=r"must be a str or a pathlib\.Path"):
        nndl.load(value)


@pytest.mark.parametrize(
    ("make", "kwargs", "needle"),
    [
        (datasets.load_planar, {"m": 4.0}, "even whole number"),
        (datasets.load_planar, {"m": True}, "even whole number"),
        (datasets.load_planar, {"m": 10**12}, "generating 1,000,000,000,000 examples would need"),
        (datasets.make_moons, {"m": 10**12}, "would need"),
        (datasets.load_planar, {"noise": float("nan")}, "noise must be a finite number"),
        (datasets.load_planar, {"noise": -1.0}, "noise must be a finite number"),
        (datasets.make_moons, {"noise": float("nan")}, "noise must be a finite number"),
        (datasets.make_circles, {"noise": float("inf")}, "noise must be a finite number"),
        (datasets.make_spiral, {"noise": float("nan")}, "noise must be a finite number"),
        (datasets.make_xor, {"noise": float("nan")}, "noise must be a finite number"),
        (datasets.make_blobs, {"spread": float("nan")}, "spread must be a finite number"),
    ],
)
def test_generators_check_their_arguments(make: Any, kwargs: dict[str, Any], needle: str) -> None:
    with pytest.raises(NNDLValueError, match=needle):
        make(**kwargs)


def test_estimator_layer_sizes_are_checked_before_allocating() -> None:
    pytest.importorskip("sklearn")
    from nndl.estimators import MLPClassifier

    X, y = np.random.default_rng(0).normal(size=(20, 2)), np.arange(20) % 2
    with pytest.raises(NNDLValueError, match="parameters\\) would need"):
        MLPClassifier(hidden_layer_sizes=(10**9,), max_iter=1).fit(X, y)


def test_network_size_is_checked_against_the_address_space_limit() -> None:
    """Under an RLIMIT_AS cap a network larger than the room left is refused up front, though
    the machine has more memory free."""
    code = (
        "import resource, nndl\n"
        "from nndl import _limits\n"
        "used = _limits._status_bytes('VmSize')['VmSize']\n"
        "resource.setrlimit(resource.RLIMIT_AS, (used + 2**30, resource.RLIM_INFINITY))\n"
        "try:\n"
        "    nndl.Network([2, 12000, 12000, 1])\n"
        "except ValueError as exc:\n"
        "    print('refused:', exc)\n"
    )
    src = str(Path(nndl.__file__).resolve().parent.parent)
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": src},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "refused:" in done.stdout and "address-space" in done.stdout, done.stdout


def test_masked_arrays_are_refused() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(20, 2))
    masked = np.ma.masked_array(X, mask=X > 1.0)
    y = (X[:, 0] > 0).astype(np.int64)
    with pytest.raises(NNDLValueError, match=r"masked array with .* masked values"):
        nndl.Network([2, 3, 1]).fit(masked.T, y.reshape(1, -1).astype(float), epochs=1)
    net = nndl.Network([2, 3, 1])
    net.fit(np.ma.masked_array(X.T), y.reshape(1, -1).astype(float), epochs=1)  # none masked
    pytest.importorskip("sklearn")
    from nndl.estimators import MLPClassifier, NeuralNetClassifier

    for estimator in (MLPClassifier(max_iter=2), NeuralNetClassifier(epochs=2)):
        with pytest.raises(NNDLValueError, match="masked array"):
            estimator.fit(masked, y)


def test_csv_cells_of_nul_characters_are_refused(tmp_path: Path) -> None:
    text = "a,b,label\n" + "\0,\0,1\n" * 4
    path = _rows(tmp_path / "nul.csv", text.splitlines())
    with pytest.raises(NNDLValueError, match=r"column 'a', row 2, holds the control character"):
        datasets.load_data(path, target="label")
    pytest.importorskip("starlette")
    from nndl.playground.spec import build, parse_setup

    with pytest.raises(NNDLValueError, match="control character"):
        build(parse_setup({"data": "csv"}), ("nul.csv", text))
