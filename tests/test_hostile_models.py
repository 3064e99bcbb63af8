"""Hostile model files: each is built in a temporary folder, tiny on disk, and must end in one
clear error line and exit status 2, with bounded memory (measured in a subprocess)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nndl
from nndl import _files
from nndl.errors import NNDLValueError
from nndl.model.network import Network

MiB = 2**20


def _model(path: Path, dims: list[int] | None = None, **info: Any) -> Path:
    net = Network(dims or [2, 3, 1], seed=0)
    net.info = dict(info)
    return net.save(path)


def _members(path: Path) -> dict[str, np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        return {k: data[k] for k in data.files}


def _with_meta(path: Path, **changes: Any) -> Path:
    """Rewrite the model at ``path`` with its metadata changed (``None`` removes a key)."""
    arrays = _members(path)
    meta = json.loads(str(arrays["__metadata__"][()]))
    for key, value in changes.items():
        target, _, sub = key.partition("__")
        if sub:
            meta[target][sub] = value
        else:
            meta[key] = value
    arrays["__metadata__"] = np.array(json.dumps(meta))
    with open(path, "wb") as f:
        np.savez(f, **arrays)  # type: ignore[arg-type]
    return path


def _one_error_line(run: Any, *needles: str) -> None:
    assert run.rc == 2, run
    assert "Traceback" not in run.stderr, run
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("nndl: error: "), run
    for needle in needles:
        assert needle in lines[0], run


def test_a_tiny_file_claiming_huge_layers_is_refused_before_allocating(
    tmp_path: Path, nndl_run: Any
) -> None:
    path = _with_meta(_model(tmp_path / "m.npz"), layer_dims=[20000, 20000, 1])
    assert path.stat().st_size < 4096
    run = nndl_run("info", path)
    _one_error_line(run, "W1 has shape (3, 2)", "expected (20000, 20000)")
    assert run.peak < 8 * MiB, run  # was 1.6 GB: the network was built before the check
    path = _with_meta(path, layer_dims=[10**9, 10**9, 1])  # was a MemoryError traceback
    _one_error_line(nndl_run("info", path), "expected (1000000000, 1000000000)")


def test_an_unknown_member_is_refused_without_decompressing_it(
    tmp_path: Path, nndl_run: Any
) -> None:
    path = _model(tmp_path / "m.npz")
    with (
        zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z,
        z.open("extra.npy", "w", force_zip64=True) as f,  # 256 MiB of zeros, streamed
    ):
        np.lib.format.write_array_header_1_0(
            f, {"descr": "<f8", "fortran_order": False, "shape": (2**25,)}
        )
        zeros = bytes(MiB)
        for _ in range(256):
            f.write(zeros)
    assert path.stat().st_size < 2 * MiB
    run = nndl_run("info", path)
    _one_error_line(run, "arrays the metadata does not name: ['extra']", "without reading")
    assert run.peak < 8 * MiB, run  # was the whole member decompressed


def test_a_needed_member_that_is_a_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.npz"
    n = 2**25  # 256 MiB of float64 zeros, stored deflated in about 256 KiB
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        with z.open("X.npy", "w", force_zip64=True) as f:
            np.lib.format.write_array_header_1_0(
                f, {"descr": "<f8", "fortran_order": False, "shape": (n // 2, 2)}
            )
            for _ in range(256):
                f.write(bytes(MiB))
        with z.open("Y.npy", "w") as f:
            np.save(f, np.zeros(n // 2))
    with pytest.raises(NNDLValueError, match=r"'X' would decompress .* zip bomb"):
        nndl.datasets.load_npz(path)


def test_header_and_stored_size_must_agree(tmp_path: Path) -> None:
    path = tmp_path / "liar.npz"
    with zipfile.ZipFile(path, "w") as z:
        with z.open("X.npy", "w") as f:  # the header claims 10**12 values; 80 bytes follow
            np.lib.format.write_array_header_1_0(
                f, {"descr": "<f8", "fortran_order": False, "shape": (10**12,)}
            )
            f.write(bytes(80))
        with z.open("Y.npy", "w") as f:
            np.save(f, np.zeros(10))
    with pytest.raises(NNDLValueError, match=r"claims shape \(1000000000000,\)"):
        nndl.datasets.load_npz(path)


def test_non_finite_weights_are_refused(tmp_path: Path, nndl_run: Any) -> None:
    path = _model(tmp_path / "m.npz")
    for bad in (np.nan, np.inf):
        arrays = _members(path)
        arrays["W2"][0, 0] = bad
        with open(path, "wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]
        with pytest.raises(NNDLValueError, match="W2 holds NaN or infinite values"):
            nndl.load(path)
    _one_error_line(nndl_run("evaluate", path, "planar"), "NaN or infinite")


@pytest.mark.parametrize(
    ("change", "needle"),
    [
        ({"l2": "abc"}, "l2 must be a number >= 0"),
        ({"layer_dims": "abc"}, "layer_dims must be a list"),
        ({"layer_dims": [2, True]}, "layer_dims must be a list"),
        ({"activations": ["relu"]}, "activations must be a list of 2"),
        ({"activations": [{"name": "relu", "bogus": 1}, "sigmoid"]}, "malformed metadata"),
        ({"dtype": "object"}, "dtype must be 'float32' or 'float64'"),
        ({"info": []}, "info must be a JSON object"),
        ({"info__classes": ["only one", "two", "three"]}, "info.classes must be a list of 2"),
        ({"info__image_shape": [100000, 100000, 3]}, "info.image_shape must be"),
        ({"info__standardizer": {"mean": [0.0], "std": [1.0]}}, "info.standardizer"),
        ({"params": ["W1"]}, "params must be the list"),
    ],
)
def test_malformed_metadata_is_one_clear_error(
    tmp_path: Path, change: dict[str, Any], needle: str
) -> None:
    path = _with_meta(_model(tmp_path / "m.npz", classes=["a", "b"]), **change)
    with pytest.raises(NNDLValueError, match="malformed metadata") as info:
        nndl.load(path)
    assert needle in str(info.value)


def test_image_shape_from_a_model_drives_no_allocation(tmp_path: Path, nndl_run: Any) -> None:
    """A model whose image_shape asks for 27.9 GiB per picture: refused when loaded."""
    path = _with_meta(_model(tmp_path / "m.npz"), info={"image_shape": [50000, 50000, 3]})
    from PIL import Image

    Image.new("RGB", (8, 8)).save(tmp_path / "p.png")
    run = nndl_run("predict", path, tmp_path / "p.png")
    _one_error_line(run, "info.image_shape", "n_x = 2")
    assert run.peak < 8 * MiB, run


def test_metadata_is_read_with_a_bound(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _model(tmp_path / "m.npz", note="x" * 5000)
    monkeypatch.setattr(_files, "MAX_METADATA_BYTES", 4096)
    with pytest.raises(NNDLValueError, match=r"at most 4\.0 KiB is read"):
        nndl.load(path)


def test_checkpoint_round_trip_still_works(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(2, 20)), rng.integers(0, 2, size=(1, 20))
    net = Network([2, 3, 1], seed=0)
    net.fit(X, Y, epochs=2, optimizer="adam", checkpoint=tmp_path / "ckpt.npz")
    ckpt = nndl.training.load_checkpoint(tmp_path / "ckpt.npz")
    assert set(ckpt.state.slots) == {"m", "v"}
    arrays = _members(tmp_path / "ckpt.npz")
    arrays["opt.m.W1"] = np.zeros((7, 7))
    with open(tmp_path / "ckpt.npz", "wb") as f:
        np.savez(f, **arrays)  # type: ignore[arg-type]
    with pytest.raises(NNDLValueError, match=r"opt.m.W1 has shape \(7, 7\)"):
        nndl.training.load_checkpoint(tmp_path / "ckpt.npz")
