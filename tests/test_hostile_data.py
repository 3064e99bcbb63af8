"""Hostile data files (.npz, HDF5, pictures, CSV) and config files: clear errors, bounded
memory (measured in a subprocess), and no silent wrong results."""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nndl.datasets import load_csv, load_data, load_features, load_npz
from nndl.errors import NNDLValueError

MiB = 2**20


def _one_error_line(run: Any, *needles: str) -> None:
    assert run.rc == 2, run
    assert "Traceback" not in run.stderr, run
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("nndl: error: "), run
    for needle in needles:
        assert needle in lines[0], run


# --------------------------------------------------------------------------- .npz


def _data_npz(path: Path, extra_mib: int = 0) -> Path:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(40, 2)), (rng.random(40) > 0.5).astype(np.int64)
    np.savez(path, X=X, Y=y)
    if extra_mib:
        with (
            zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as z,
            z.open("unused.npy", "w", force_zip64=True) as f,
        ):
            shape = (extra_mib * MiB // 8,)
            np.lib.format.write_array_header_1_0(
                f, {"descr": "<f8", "fortran_order": False, "shape": shape}
            )
            for _ in range(extra_mib):
                f.write(bytes(MiB))
    return path


def test_npz_reads_only_the_arrays_it_needs(tmp_path: Path, nndl_run: Any) -> None:
    path = _data_npz(tmp_path / "d.npz", extra_mib=256)
    assert path.stat().st_size < 2 * MiB
    data = load_npz(path)
    assert data.X.shape == (2, 40)
    run = nndl_run("train", "--data", path, "--epochs", "5", "--json")
    assert run.rc == 0, run
    assert run.peak < 16 * MiB, run  # the 256 MiB member is never decompressed


def test_npz_shapes_are_compared_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "t.npz"
    np.savez(path, X=np.zeros((3, 40)), Y=np.zeros(40))  # (n, m): the course's layout
    with pytest.raises(NNDLValueError, match="--layout features on the command line"):
        load_npz(path)
    assert load_npz(path, layout="features").X.shape == (3, 40)
    np.savez(path, X=np.array(["a", "b"]), Y=np.zeros(2))
    with pytest.raises(NNDLValueError, match="X has dtype <U1; expected numbers"):
        load_npz(path)


# --------------------------------------------------------------------------- HDF5


def test_hdf5_reads_only_the_datasets_it_needs(tmp_path: Path, nndl_run: Any) -> None:
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "d.h5"
    rng = np.random.default_rng(0)
    with h5py.File(path, "w") as f:
        f["train_set_x"] = rng.integers(0, 255, size=(20, 4, 4, 3), dtype=np.uint8)
        f["train_set_y"] = rng.integers(0, 2, size=20)
        f["list_classes"] = np.array([b"non-cat", b"cat"])
        # 2 GiB, compressed, never written: costs nothing on disk, 2 GiB if read
        f.create_dataset("unused", shape=(2**28,), dtype="f8", chunks=(2**20,), compression="gzip")
    assert path.stat().st_size < 64 * 1024
    run = nndl_run("train", "--data", path, "--epochs", "3", "--json")
    assert run.rc == 0, run
    assert run.peak < 16 * MiB, run  # was 2.2 GB: every dataset was read


def test_hdf5_sizes_are_checked_before_reading(tmp_path: Path, nndl_run: Any) -> None:
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "huge.h5"
    with h5py.File(path, "w") as f:  # 10**13 bytes asked for, nothing stored
        f.create_dataset("X", shape=(10**7, 10**6), dtype="u1", chunks=(1, 1024))
        f.create_dataset("Y", shape=(10**7,), dtype="u1", chunks=(1024,))
    run = nndl_run("train", "--data", path, "--epochs", "1")
    _one_error_line(run, "declares", "bytes on disk", "refused before allocating")
    assert run.peak < 8 * MiB, run
    with h5py.File(path, "w") as f:
        f["X"] = np.zeros((5, 2))
        f["Y"] = np.zeros(7)
    with pytest.raises(NNDLValueError, match="hold 5 examples but the labels"):
        load_data(path)


# --------------------------------------------------------------------------- pictures


def _png_header(path: Path, width: int, height: int) -> Path:
    """A PNG that declares ``width × height`` 1-bit pixels but holds a few bytes of data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )
    return path


@pytest.mark.parametrize("side", [10_000, 20_000])
def test_picture_bombs_are_refused_from_the_header(
    tmp_path: Path, nndl_run: Any, side: int
) -> None:
    pytest.importorskip("PIL")
    folder = tmp_path / "pictures"
    (folder / "cat").mkdir(parents=True)
    (folder / "dog").mkdir()
    _png_header(folder / "cat" / "bomb.png", side, side)
    _png_header(folder / "dog" / "fine.png", 4, 4)
    with pytest.raises(NNDLValueError, match="larger than 89,478,485 pixels"):
        load_features(folder / "cat" / "bomb.png")
    run = nndl_run("train", "--data", folder, "--epochs", "1")
    _one_error_line(run, "bomb.png", "larger than 89,478,485 pixels")  # was a traceback
    assert run.peak < 16 * MiB, run


# --------------------------------------------------------------------------- CSV


def _csv(tmp_path: Path, text: str | bytes, name: str = "d.csv") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_csv_missing_numbers_are_an_error_naming_column_and_rows(tmp_path: Path) -> None:
    path = _csv(tmp_path, "a,b,y\n1,2,0\n2,NA,1\n3,,0\n4,5,1\n")
    with pytest.raises(NNDLValueError, match=r"column 'b' has missing cells in rows 3, 4"):
        load_csv(path, "y")
    dropped = load_csv(path, "y", missing="drop")
    np.testing.assert_array_equal(dropped.X, [[1, 4], [2, 5]])
    np.testing.assert_array_equal(dropped.Y, [[0, 1]])
    filled = load_csv(path, "y", missing="mean")
    np.testing.assert_array_equal(filled.X, [[1, 2, 3, 4], [2, 3.5, 3.5, 5]])
    assert filled.feature_names == ["a", "b"]  # not 52 one-hot features
    # a test file is filled with the training mean, not its own
    test = _csv(tmp_path, "a,b,y\n9,,1\n", "test.csv")
    np.testing.assert_array_equal(load_csv(test, None, encoder=filled.encoder).X, [[9], [3.5]])


def test_csv_numbers_with_stray_cells_are_named(tmp_path: Path) -> None:
    path = _csv(tmp_path, 'a,b,y\n1,2,0\n1,"1,234",1\n1,3,0\n1,4,1\n')
    with pytest.raises(NNDLValueError, match=r"column 'b' holds numbers but row 3 holds '1,234'"):
        load_csv(path, "y")
    path = _csv(tmp_path, b"a,b,y\n1,2,0\n1,3\x00,1\n1,3,0\n1,4,1\n")
    with pytest.raises(NNDLValueError, match=r"column 'b' holds numbers but row 3 holds '3\\x00'"):
        load_csv(path, "y")


def test_csv_target_may_not_be_missing(tmp_path: Path) -> None:
    path = _csv(tmp_path, "a,y\n1,cat\n2,NA\n3,dog\n")
    with pytest.raises(NNDLValueError, match=r"target column 'y' is missing in row 3"):
        load_csv(path, "y", missing="drop")


def test_csv_identifier_columns_are_refused(tmp_path: Path, nndl_run: Any) -> None:
    rows = "\n".join(f"id-{i:06d},{i % 7},{i % 2}" for i in range(20_000))
    path = _csv(tmp_path, f"id,a,y\n{rows}\n")
    with pytest.raises(NNDLValueError, match=r"text column 'id' has 20000 distinct.*--drop id"):
        load_csv(path, "y")
    run = nndl_run("train", "--data", path, "--target", "y", "--epochs", "1")
    _one_error_line(run, "'id'", "--drop id")
    assert run.peak < 64 * MiB, run  # was 3 GB of one-hot features
    run = nndl_run("train", "--data", path, "--target", "y", "--drop", "id", "--epochs", "2")
    assert run.rc == 0, run
    few = _csv(tmp_path, "c,y\n" + "".join(f"k{i % 150},{i % 2}\n" for i in range(1000)), "c.csv")
    with pytest.raises(NNDLValueError, match=r"150 distinct values.*too many categories"):
        load_csv(few, "y")
    assert load_csv(few, "y", max_categories=200).X.shape == (150, 1000)


def test_csv_missing_cells_in_prediction_files(tmp_path: Path) -> None:
    train = _csv(tmp_path, "a,b,y\n1,2,0\n2,,1\n3,4,0\n")
    data = load_csv(train, "y", missing="drop")
    predict = _csv(tmp_path, "a,b\n1,2\n5,\n7,8\n", "p.csv")
    X, names = load_features(predict, encoder=data.encoder)
    assert names == ["row 1", "row 3"]
    np.testing.assert_array_equal(X, [[1, 7], [2, 8]])


# --------------------------------------------------------------------------- TOML


@pytest.mark.parametrize(
    ("line", "needle"),
    [
        ('json = "false"', "option 'json' must be true or false (without quotes)"),
        ('standardize = "no"', "option 'standardize' must be true or false"),
        ('seed = "abc"', "option 'seed' must be an integer"),
        ("seed = 1.5", "option 'seed' must be an integer"),
        ("save = 5", "option 'save' must be a string"),
        ('data = ["planar"]', "option 'data' must be a string"),
        ("lr = true", "option 'lr' must be a number"),
        ('dtype = "float16"', "option 'dtype' must be one of float32, float64"),
        ("hidden = [4, true]", "option 'hidden' must be layer sizes"),
    ],
)
def test_toml_values_are_type_checked(
    tmp_path: Path, nndl_run: Any, line: str, needle: str
) -> None:
    (tmp_path / "c.toml").write_text(line + "\n")
    run = nndl_run("train", "--config", "c.toml", "--epochs", "1")
    _one_error_line(run, needle)


def test_toml_good_values_and_a_folder(tmp_path: Path, nndl_run: Any) -> None:
    (tmp_path / "c.toml").write_text(
        'json = true\nstandardize = false\nhidden = [3, 2]\nlr = 1\nactivation = "relu"\n'
    )
    run = nndl_run("train", "--config", "c.toml", "--epochs", "2")
    assert run.rc == 0 and run.stdout.lstrip().startswith("{"), run
    _one_error_line(nndl_run("train", "--config", "."), "is a folder")
