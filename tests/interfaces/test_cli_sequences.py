"""Sequence data through ``nndl train`` and the estimators: ``.npz`` files with ``X``
``(m, T, n_x)``, CSV rows read with ``--sequence-length``, and their mistakes."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nndl
from nndl.cli import main
from nndl.datasets import Data, as_sequences, load_csv, load_npz
from nndl.errors import NNDLValueError, ShapeError
from nndl.estimators import NeuralNetClassifier, NeuralNetRegressor
from nndl.layers import GRU, LSTM, Dense, Masking

T, N_X = 6, 3
FAST = ["--optimizer", "adam", "--lr", "0.02", "--batch-size", "32", "--epochs", "25"]


def _sequences(m: int = 160, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The class of a sequence: whether its first feature sums to more than 0 over time."""
    X = np.random.default_rng(seed).standard_normal((m, T, N_X))
    return X, (X[:, :, 0].sum(axis=1) > 0).astype(np.int64)


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = main([*argv, "--json"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    return json.loads(captured.out)  # type: ignore[no-any-return]


def _error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as exit_info:
        raise SystemExit(main(argv))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    return err


def _csv(path: Path, X: np.ndarray, y: np.ndarray, extra: str | None = None) -> Path:
    """One sequence per row, x⟨1⟩ … x⟨T⟩ step after step, then the label."""
    flat = X.reshape(len(X), -1)
    header = [f"x{j}" for j in range(flat.shape[1])] + (["note"] if extra else []) + ["label"]
    lines = [",".join(header)]
    for row, label in zip(flat, y, strict=True):
        lines.append(
            ",".join([*(f"{v:.17g}" for v in row), *([extra] if extra else []), str(label)])
        )
    path.write_text("\n".join(lines) + "\n")
    return path


def test_npz_sequences_train_save_evaluate_and_predict(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    X, y = _sequences()
    data = tmp_path / "seq.npz"
    np.savez(data, X=X, Y=y)
    loaded = load_npz(data)
    assert loaded.sequence_shape == (T, N_X) and loaded.X.shape == (T * N_X, 160)
    model = tmp_path / "lstm.npz"
    argv = ["train", "--data", str(data), "--layers", "lstm:8,dense:1", *FAST, "--save", str(model)]
    result = _json(argv, capsys)
    assert result["layers"][0]["kind"] == "lstm" and result["train_accuracy"] > 0.9
    saved = nndl.load(model)
    assert saved.input_shape == (T, N_X) and saved.info["sequence_shape"] == [T, N_X]
    assert _json(["evaluate", str(model), str(data)], capsys)["accuracy"] > 0.9
    out = tmp_path / "predictions.csv"
    main(["predict", str(model), str(data), "--out", str(out)])
    capsys.readouterr()
    predicted = np.loadtxt(out, delimiter=",", skiprows=1, usecols=-1, dtype=str)
    assert len(predicted) == 160
    # the same sequences flattened into a dense network of similar size
    dense = _json(
        ["train", "--data", str(data), "--layers", "dense:16:relu,dense:1", *FAST], capsys
    )
    assert dense["train_accuracy"] > 0.8


def test_csv_rows_are_sequences_with_sequence_length(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    X, y = _sequences()
    path = _csv(tmp_path / "seq.csv", X, y)
    model = tmp_path / "gru.npz"
    argv = ["train", "--data", str(path), "--target", "label", "--sequence-length", str(T)]
    argv += ["--layers", "gru:8,dense:1", *FAST, "--save", str(model)]
    result = _json(argv, capsys)
    assert result["train_accuracy"] > 0.9
    saved = nndl.load(model)
    assert saved.input_shape == (T, N_X)
    # the rows' numbers are the steps in order: the model reads the same sequences as the npz
    data = as_sequences(load_csv(path, "label"), T)
    np.testing.assert_allclose(data.X.T.reshape(-1, T, N_X), X, rtol=1e-15)


def test_bad_sequence_rows_are_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    X, y = _sequences(20)
    path = _csv(tmp_path / "seq.csv", X, y)
    argv = ["train", "--data", str(path), "--target", "label", "--layers", "gru:4,dense:1"]
    err = _error([*argv, "--sequence-length", "4", "--epochs", "1"], capsys)
    assert "each row holds T·n_x numbers (T = 4 steps" in err
    assert "18 numbers besides the label, not a multiple of 4" in err
    text = _csv(tmp_path / "text.csv", X, y, extra="a")
    err = _error(["train", "--data", str(text), "--target", "label", "--sequence-length", "6",
                  "--layers", "gru:4,dense:1", "--epochs", "1"], capsys)  # fmt: skip
    assert "the column 'note' holds text" in err
    npz = tmp_path / "seq.npz"
    np.savez(npz, X=X, Y=y)
    err = _error(["train", "--data", str(npz), "--sequence-length", "3", "--layers",
                  "gru:4,dense:1", "--epochs", "1"], capsys)  # fmt: skip
    assert "already holds sequences of 6 steps" in err
    with pytest.raises(NNDLValueError, match="integer >= 1"):
        as_sequences(load_npz(npz), 0)
    err = _error(["train", "--data", str(npz), "--layers", "gru:4:seq,dense:1", "--epochs", "1"],
                 capsys)  # fmt: skip
    assert "dense:1 at every time step, but the data has one target per sequence" in err


def test_npz_sequence_sizes_are_checked_before_reading(tmp_path: Path, nndl_run: Any) -> None:
    path = tmp_path / "huge.npz"
    with zipfile.ZipFile(path, "w") as z:
        for name, shape in (("X.npy", (10**6, 10**4, 16)), ("Y.npy", (10**6,))):
            with z.open(name, "w", force_zip64=True) as f:
                np.lib.format.write_array_header_1_0(
                    f, {"descr": "<f8", "fortran_order": False, "shape": shape}
                )
    run = nndl_run("train", "--data", path, "--layers", "lstm:4,dense:1", "--epochs", "1")
    assert run.rc == 2 and "Traceback" not in run.stderr, run
    assert "claims shape (1000000, 10000, 16) of float64" in run.stderr, run
    assert run.peak < 64 * 2**20, run  # the 1.28 TB the header claims is never allocated


def test_the_estimators_take_sequences_and_refuse_sequence_outputs() -> None:
    X, y = _sequences(120)
    options = {"epochs": 30, "optimizer": "adam", "learning_rate": 0.02, "batch_size": 16}
    lengths = np.random.default_rng(1).integers(2, T + 1, len(X))
    padded = X.copy()
    for i, T_i in enumerate(lengths):  # padded after each sequence's own end
        padded[i, T_i:] = 0.0
    y_padded = (np.cumsum(padded[:, :, 0], axis=1)[np.arange(len(X)), lengths - 1] > 0) * 1
    clf = NeuralNetClassifier(layers=[Masking(), GRU(8)], random_state=0, **options)
    clf.fit(padded, y_padded)
    assert clf.score(padded, y_padded) > 0.9
    reg = NeuralNetRegressor(layers=[LSTM(8)], random_state=0, **options)
    target = X[:, :, 1].mean(axis=1)
    reg.fit(X, target)
    assert reg.predict(X[:5]).shape == (5,) and reg.score(X, target) > 0.5
    for layers in ([LSTM(4, return_sequences=True)], [Dense(4)]):
        with pytest.raises(NNDLValueError, match=r"end in sequences \(6, 4\).*LSTM\(n\) without"):
            NeuralNetClassifier(layers=layers, epochs=1).fit(X, y)
    with pytest.raises(ShapeError, match=r"sequence_shape \(2, 2\) says T·n_x = 4 features"):
        Data(X=np.zeros((5, 2)), Y=np.zeros((1, 2), dtype=np.int64), task="binary",
             sequence_shape=(2, 2))  # fmt: skip
