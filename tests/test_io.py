"""Saving and loading: bit-identical round trips, the file format, and every bad file."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

import nndl
from nndl import io
from nndl.arrays.backend import to_numpy
from nndl.errors import NNDLValueError
from nndl.model.network import Network
from nndl.training import load_checkpoint


def _trained(dims: list[int], **kwargs) -> tuple[Network, np.ndarray]:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(0)
    X = rng.normal(size=(dims[0], 40))
    net = Network(dims, init="he", seed=0, **kwargs)
    if net.task == "regression":
        Y = rng.normal(size=(dims[-1], 40))
    elif net.task == "multiclass":
        Y = rng.integers(0, dims[-1], size=(1, 40))
    else:
        Y = rng.integers(0, 2, size=(1, 40))
    net.fit(X, Y, learning_rate=0.01, epochs=3, optimizer="adam", batch_size=16)
    return net, X


@pytest.mark.parametrize(
    ("dims", "kwargs"),
    [
        ([3, 5, 4], {}),
        ([3, 6, 1], {"activations": "tanh", "dtype": "float64"}),
        ([3, 4, 4, 2], {"activations": nndl.model.activations.LeakyReLU(0.2), "loss": "mse"}),
    ],
)
def test_save_load_predict_is_bit_identical(dims, kwargs, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    net, X = _trained(dims, **kwargs)
    path = net.save(tmp_path / "model.npz")
    loaded = nndl.load(path)
    assert loaded.config() == net.config() and repr(loaded) == repr(net)
    for k in net.params:
        assert loaded.params[k].dtype == net.params[k].dtype
        assert loaded.params[k].tobytes() == net.params[k].tobytes()
    assert loaded.predict_proba(X).tobytes() == net.predict_proba(X).tobytes()
    assert loaded.predict(X).tobytes() == net.predict(X).tobytes()


def test_saved_after_array_api_strict_training(tmp_path: Path) -> None:
    xp = pytest.importorskip("array_api_strict")
    rng = np.random.default_rng(1)
    X, Y = rng.normal(size=(2, 30)), rng.integers(0, 2, size=(1, 30))
    net = Network([2, 3, 1], seed=0, dtype="float64")
    net.fit(xp.asarray(X), xp.asarray(Y), learning_rate=0.1, epochs=3, batch_size=8)
    loaded = nndl.load(net.save(tmp_path / "strict"))
    assert loaded.predict_proba(X).tobytes() == to_numpy(net.predict_proba(xp.asarray(X))).tobytes()


def test_file_format_and_metadata(tmp_path: Path) -> None:
    net, _ = _trained([3, 5, 4])
    net.l2 = 0.25
    path = net.save(tmp_path / "model")  # no suffix: .npz is added
    assert path == tmp_path / "model.npz" and path.is_file()
    with np.load(path, allow_pickle=False) as data:  # readable without pickle
        assert set(data.files) == {"W1", "b1", "W2", "b2", "__metadata__"}
        meta = json.loads(str(data["__metadata__"][()]))
    assert meta["format"] == "nndl" and meta["format_version"] == io.FORMAT_VERSION == 1
    assert meta["nndl_version"] == nndl.__version__
    assert meta["layer_dims"] == [3, 5, 4]
    assert meta["activations"] == [{"name": "relu"}, {"name": "softmax"}]
    assert meta["loss"] == {"name": "cross_entropy"} and meta["dtype"] == "float32"
    assert nndl.load(path).l2 == 0.25
    assert list(tmp_path.iterdir()) == [path]  # no temporary file left behind


# ------------------------------------------------------------------ bad files


def _rewrite(path: Path, arrays: dict[str, np.ndarray]) -> None:
    with open(path, "wb") as f:
        np.savez(f, **arrays)  # type: ignore[arg-type]


def _contents(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


@pytest.fixture
def saved(tmp_path: Path) -> Path:
    net, _ = _trained([3, 5, 4])
    return net.save(tmp_path / "model.npz")


def test_truncated_file(saved: Path) -> None:
    data = saved.read_bytes()
    saved.write_bytes(data[: len(data) // 2])
    with pytest.raises(NNDLValueError, match="truncated or corrupted"):
        nndl.load(saved)


def test_wrong_format_version(saved: Path) -> None:
    arrays = _contents(saved)
    meta = json.loads(str(arrays["__metadata__"][()]))
    meta["format_version"] = 99
    arrays["__metadata__"] = np.array(json.dumps(meta))
    _rewrite(saved, arrays)
    with pytest.raises(NNDLValueError, match=r"format_version=99.*reads format_version=1"):
        nndl.load(saved)


def test_object_arrays_are_refused(saved: Path) -> None:
    arrays: dict[str, np.ndarray] = _contents(saved)
    arrays["W1"] = np.array([{"payload": 1}, None], dtype=object)
    _rewrite(saved, arrays)
    with pytest.raises(NNDLValueError, match="object \\(pickled\\) arrays"):
        nndl.load(saved)


def test_missing_parameter_and_missing_metadata(saved: Path) -> None:
    arrays = _contents(saved)
    del arrays["W2"]
    _rewrite(saved, arrays)
    with pytest.raises(NNDLValueError, match="lacks the array 'W2'"):
        nndl.load(saved)
    del arrays["__metadata__"]
    _rewrite(saved, arrays)
    with pytest.raises(NNDLValueError, match="no '__metadata__' entry"):
        nndl.load(saved)


def test_missing_metadata_key_and_wrong_shape(saved: Path) -> None:
    arrays = _contents(saved)
    meta = json.loads(str(arrays["__metadata__"][()]))
    good = dict(meta)
    del meta["activations"]
    arrays["__metadata__"] = np.array(json.dumps(meta))
    _rewrite(saved, arrays)
    with pytest.raises(NNDLValueError, match="lacks the key 'activations'"):
        nndl.load(saved)
    arrays["__metadata__"] = np.array(json.dumps(good))
    arrays["W1"] = arrays["W1"].T
    _rewrite(saved, arrays)
    with pytest.raises(NNDLValueError, match=r"W1 has shape \(3, 5\).*expected \(5, 3\)"):
        nndl.load(saved)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    net, _ = _trained([3, 5, 4])
    with pytest.raises(NNDLValueError, match="is a directory"):
        nndl.load(tmp_path)
    with pytest.raises(NNDLValueError, match="it is a directory"):
        net.save(tmp_path)
    with pytest.raises(FileNotFoundError, match="no saved model"):
        nndl.load(tmp_path / "absent.npz")
    with pytest.raises(NNDLValueError, match="does not exist"):
        net.save(tmp_path / "no" / "such" / "folder.npz")


def test_previous_file_intact_after_a_failed_save(saved: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    before = saved.read_bytes()
    net, _ = _trained([3, 5, 4])

    def crash(f, **arrays):  # type: ignore[no-untyped-def]
        f.write(b"PK\x03\x04 half a zip")  # the crash comes mid-write
        raise OSError("disk full")

    monkeypatch.setattr(io.np, "savez", crash)
    with pytest.raises(OSError, match="disk full"):
        net.save(saved)
    monkeypatch.undo()
    assert saved.read_bytes() == before
    assert list(saved.parent.iterdir()) == [saved]  # the temporary file was removed
    net.params["W1"][0, 0] = np.nan
    with pytest.raises(NNDLValueError, match="NaN or infinite"):
        net.save(saved)
    assert saved.read_bytes() == before
    nndl.load(saved)


def test_a_model_is_not_a_checkpoint(saved: Path) -> None:
    with pytest.raises(NNDLValueError, match="not a training checkpoint"):
        load_checkpoint(saved)
    not_npz = saved.with_suffix(".txt")
    not_npz.write_text("hello")
    with pytest.raises(NNDLValueError, match="truncated or corrupted"):
        nndl.load(not_npz)
    with zipfile.ZipFile(saved.with_name("empty.npz"), "w"):
        pass
    with pytest.raises(NNDLValueError, match="no '__metadata__' entry"):
        nndl.load(saved.with_name("empty.npz"))
