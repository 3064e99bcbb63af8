"""Special files (FIFOs, devices) given as inputs, and crafted small files that declare much
more than they hold: refused with a clear error, never read without end, and the memory a
command uses (measured in a subprocess) bounded by what the file's bytes justify."""

from __future__ import annotations

import json
import os
import signal
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nndl
from nndl import _limits
from nndl.datasets import load_data, load_features, load_npz
from nndl.errors import NNDLValueError

MiB = 2**20


@pytest.fixture(autouse=True)
def _alarm() -> Iterator[None]:
    """A reader that blocks on a FIFO or reads a device without end fails the test instead
    of hanging it."""

    def expired(*_: Any) -> None:
        raise TimeoutError("the reader blocked or read without end")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(120)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, previous)


def _special(tmp_path: Path, kind: str, name: str) -> Path:
    path = tmp_path / name
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    return path


def _one_error_line(run: Any, *needles: str) -> None:
    assert run.rc == 2, run
    assert "Traceback" not in run.stderr, run
    lines = run.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("nndl: error: "), run
    for needle in needles:
        assert needle in lines[0], run


def _model(path: Path) -> Path:
    nndl.Network([2, 3, 1], seed=0).save(path)
    return path


# --------------------------------------------------------------------------- special files

KINDS = ["fifo", "dev-zero"]
WHAT = {"fifo": "a FIFO", "dev-zero": "a character device"}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("name", ["d.csv", "d.npz", "d.h5"])
def test_load_data_refuses_special_files(tmp_path: Path, kind: str, name: str) -> None:
    path = _special(tmp_path, kind, name)
    with pytest.raises(NNDLValueError, match=f"is {WHAT[kind]}.*, not a regular file"):
        load_data(path)


@pytest.mark.parametrize("kind", KINDS)
def test_other_readers_refuse_special_files(tmp_path: Path, kind: str) -> None:
    regular = f"is {WHAT[kind]}.*, not a regular file"
    with pytest.raises(NNDLValueError, match=regular):
        load_npz(_special(tmp_path, kind, "a.npz"))
    with pytest.raises(NNDLValueError, match=regular):
        nndl.load(_special(tmp_path, kind, "model.npz"))
    with pytest.raises(NNDLValueError, match=regular):
        load_features(_special(tmp_path, kind, "picture.png"), image_shape=(8, 8, 3))
    from nndl.training.checkpoints import load_checkpoint

    with pytest.raises(NNDLValueError, match=regular):
        load_checkpoint(_special(tmp_path, kind, "ckpt.npz"))


@pytest.mark.parametrize("kind", KINDS)
def test_course_grade_refuses_special_files(tmp_path: Path, kind: str) -> None:
    from nndl.course.grading.source import read

    with pytest.raises(NNDLValueError, match=f"is {WHAT[kind]}.*, not a regular file"):
        read(_special(tmp_path, kind, "mine.py"))


def test_open_regular_checks_the_opened_descriptor(tmp_path: Path) -> None:
    fifo = _special(tmp_path, "fifo", "f")
    with pytest.raises(NNDLValueError, match="a FIFO"):
        _limits.open_regular(fifo, "CSV file")
    with pytest.raises(NNDLValueError, match="a folder"):
        _limits.open_regular(tmp_path, "CSV file")
    with pytest.raises(FileNotFoundError):
        _limits.open_regular(tmp_path / "missing.csv")
    link = tmp_path / "link.csv"
    (tmp_path / "target.csv").write_text("x,y\n1,0\n")
    link.symlink_to(tmp_path / "target.csv")  # a symlink to a regular file is read
    with _limits.open_regular(link) as f:
        assert f.read() == b"x,y\n1,0\n"
    with pytest.raises(NNDLValueError, match="holds 8 bytes; a config file may hold at most 4"):
        _limits.read_limited(link, "config file", 4)


@pytest.mark.parametrize("kind", KINDS)
def test_the_commands_refuse_special_files(tmp_path: Path, kind: str, nndl_run: Any) -> None:
    model = _model(tmp_path / "model.npz")
    csv = _special(tmp_path, kind, "data.csv")
    npz = _special(tmp_path, kind, "data.npz")
    regular = "not a regular file"
    _one_error_line(nndl_run("train", "--data", csv, "--epochs", "1"), regular, "data.csv")
    _one_error_line(nndl_run("info", npz), regular)
    _one_error_line(nndl_run("predict", model, npz), regular)
    _one_error_line(nndl_run("predict", model, csv), regular)
    _one_error_line(nndl_run("evaluate", model, npz), regular)
    config = tmp_path / "run.toml"
    config.write_text(f'data = "{csv}"\nepochs = 1\n')
    _one_error_line(nndl_run("train", "--config", config), regular)
    toml = _special(tmp_path, kind, "special.toml")
    _one_error_line(nndl_run("train", "--config", toml), regular)


# --------------------------------------------------------------------------- crafted small files


def _zero_member(z: zipfile.ZipFile, key: str, shape: tuple[int, ...], descr: str = "<f8") -> None:
    """A deflated ``.npy`` member of zeros written in pieces (never held in memory whole)."""
    with z.open(f"{key}.npy", "w", force_zip64=True) as f:
        np.lib.format.write_array_header_1_0(
            f, {"descr": descr, "fortran_order": False, "shape": shape}
        )
        left = int(np.prod(shape)) * np.dtype(descr).itemsize
        while left:
            n = min(left, MiB)
            f.write(bytes(n))
            left -= n


def _array_member(z: zipfile.ZipFile, key: str, array: np.ndarray) -> None:
    with z.open(f"{key}.npy", "w") as f:
        np.lib.format.write_array(f, array, allow_pickle=False)


def test_hdf5_with_a_declared_never_written_dataset(tmp_path: Path, nndl_run: Any) -> None:
    h5py = pytest.importorskip("h5py")
    folder = tmp_path / "cats"
    folder.mkdir()
    for name, key in (("train_catvnoncat.h5", "train"), ("test_catvnoncat.h5", "test")):
        with h5py.File(folder / name, "w") as f:  # 245 MB of pixels declared, none written
            f.create_dataset(f"{key}_set_x", shape=(20000, 64, 64, 3), dtype="u1", chunks=True)
            f[f"{key}_set_y"] = np.zeros(20000, dtype=np.int64)
            f["list_classes"] = np.array([b"non-cat", b"cat"])
    path = folder / "train_catvnoncat.h5"
    assert path.stat().st_size < 200_000
    with pytest.raises(NNDLValueError, match=r"declares .* bytes on disk"):
        load_data(path)
    run = nndl_run("train", "--data", path, "--epochs", "1")
    _one_error_line(run, "declares", "refused before allocating")
    assert run.peak < 16 * MiB, run
    run = nndl_run("course", "deep-application", "--data", folder)
    _one_error_line(run, "declares", "refused before allocating")
    assert run.peak < 16 * MiB, run


def test_hdf5_list_classes_of_unwritten_names(tmp_path: Path, nndl_run: Any) -> None:
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "classes.h5"
    with h5py.File(path, "w") as f:
        f["train_set_x"] = np.zeros((4, 2, 2, 3), dtype=np.uint8)
        f["train_set_y"] = np.array([0, 1, 0, 1])
        f.create_dataset("list_classes", shape=(100_000,), dtype="S10000", chunks=True)
    assert path.stat().st_size < 20_000
    run = nndl_run("train", "--data", path, "--epochs", "1")
    _one_error_line(run, "declares", "refused before allocating")
    assert run.peak < 16 * MiB, run
    with h5py.File(path, "w") as f:  # small enough to read, but 100,000 empty names
        f["train_set_x"] = np.zeros((4, 2, 2, 3), dtype=np.uint8)
        f["train_set_y"] = np.array([0, 1, 0, 1])
        f.create_dataset("list_classes", shape=(100_000,), dtype="S8", chunks=True)
    with pytest.raises(NNDLValueError, match="100,000 class names with some twice"):
        load_data(path)


def test_hdf5_text_features_are_a_clear_error(tmp_path: Path, nndl_run: Any) -> None:
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "text.h5"
    with h5py.File(path, "w") as f:
        f["train_set_x"] = np.array([[b"a", b"b"], [b"c", b"d"]])
        f["train_set_y"] = np.array([0, 1])
    with pytest.raises(NNDLValueError, match=r"features .* have dtype .S1; expected numbers"):
        load_data(path)
    model = _model(tmp_path / "model.npz")
    for args in (("train", "--data", path), ("evaluate", model, path), ("predict", model, path)):
        _one_error_line(nndl_run(*args), "expected numbers")
    folder = tmp_path / "cats"  # the course's two files, pictures of text
    folder.mkdir()
    for name, key in (("train_catvnoncat.h5", "train"), ("test_catvnoncat.h5", "test")):
        with h5py.File(folder / name, "w") as f:
            f[f"{key}_set_x"] = np.full((2, 4, 4, 3), b"a")
            f[f"{key}_set_y"] = np.array([0, 1])
            f["list_classes"] = np.array([b"non-cat", b"cat"])
    run = nndl_run("course", "deep-application", "--data", folder)
    _one_error_line(run, "expected numbers")


def test_course_pictures_of_nan_or_huge_floats(tmp_path: Path) -> None:
    h5py = pytest.importorskip("h5py")
    from nndl.datasets.cat import load_cat

    for bad in (np.nan, 1e300, -3.0, 0.5):
        for name, key in (("train_catvnoncat.h5", "train"), ("test_catvnoncat.h5", "test")):
            with h5py.File(tmp_path / name, "w") as f:
                x = np.full((2, 4, 4, 3), 7.0)
                x[1, 2, 2, 1] = bad
                f[f"{key}_set_x"] = x
                f[f"{key}_set_y"] = np.array([0, 1])
        with (
            pytest.raises(NNDLValueError, match=r"pixel value .* whole numbers 0\.\.255"),
            np.errstate(all="raise"),  # a NumPy warning would be an error here
        ):
            load_cat(tmp_path)


def test_npz_of_many_small_zero_members(tmp_path: Path, nndl_run: Any) -> None:
    """21 members of 61 MiB of zeros, each under the size that skips the per-member ratio check,
    named as the parameters of a float64 model: their total is bounded by the file's size."""
    path = tmp_path / "model.npz"
    dims = [2828] * 22
    meta = {
        "format": "nndl",
        "format_version": 1,
        "layer_dims": dims,
        "activations": [{"name": "relu"}] * 20 + [{"name": "sigmoid"}],
        "loss": {"name": "logistic"},
        "dtype": "float64",
        "l2": 0.0,
        "params": [f"{p}{l}" for l in range(1, 22) for p in "Wb"],
        "info": {},
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for l in range(1, 22):
            _zero_member(z, f"W{l}", (2828, 2828))
            _zero_member(z, f"b{l}", (2828, 1))
        _array_member(z, "__metadata__", np.array(json.dumps(meta)))
    assert path.stat().st_size < 2 * MiB
    run = nndl_run("info", path)
    _one_error_line(run, "declares", "bytes on disk", "refused before allocating")
    assert run.peak < 16 * MiB, run


def test_checkpoint_callback_arrays_are_not_read_for_a_model(tmp_path: Path, nndl_run: Any) -> None:
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(2, 20)), (rng.random((1, 20)) > 0.5).astype(float)
    ckpt = tmp_path / "ckpt.npz"
    nndl.Network([2, 3, 1], seed=0).fit(X, Y, epochs=2, checkpoint=ckpt, verbose=False)
    crafted = tmp_path / "crafted.npz"
    with zipfile.ZipFile(ckpt) as old, zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED) as z:
        for info in old.infolist():
            if info.filename != "__metadata__.npy":
                z.writestr(info.filename, old.read(info))
        with old.open("__metadata__.npy") as f:
            meta = json.loads(str(np.lib.format.read_array(f)[()]))
        meta["callbacks"] = {"early": {"best": 1.0}}
        _array_member(z, "__metadata__", np.array(json.dumps(meta)))
        for k in range(30):
            _zero_member(z, f"cb.early.a{k}", (60 * MiB // 8,))
    assert crafted.stat().st_size < 2 * MiB
    run = nndl_run("info", crafted, "--json")
    assert run.rc == 0, run
    assert json.loads(run.stdout)["layer_dims"] == [2, 3, 1]
    assert run.peak < 16 * MiB, run  # 30 x 60 MiB of callback arrays never decompressed
    from nndl.training.checkpoints import load_checkpoint

    with pytest.raises(NNDLValueError, match=r"declares .* bytes on disk"):
        load_checkpoint(crafted)  # resuming needs them: bounded by the file's size


def test_small_uint8_npz_that_expands(tmp_path: Path, nndl_run: Any) -> None:
    path = tmp_path / "pixels.npz"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as z:
        _zero_member(z, "X", (60_000, 1000), "|u1")  # 60 MB of uint8, 480 MB as float64
        _array_member(z, "Y", np.arange(60_000) % 2)
    assert path.stat().st_size < 300_000
    run = nndl_run("train", "--data", path, "--epochs", "1")
    _one_error_line(run, "declares", "bytes on disk", "refused before allocating")
    assert run.peak < 16 * MiB, run


def test_memory_headroom_follows_the_process_limits(tmp_path: Path) -> None:
    """Under an address-space cap the headroom is the cap's room, not the machine's memory."""
    import subprocess
    import sys

    code = (
        "import resource; from nndl import _limits, _files\n"
        "free = _limits._meminfo()\n"
        "used = _limits._status_bytes('VmSize')['VmSize']\n"
        "resource.setrlimit(resource.RLIMIT_AS, (used + 2**28, resource.RLIM_INFINITY))\n"
        "room = _limits.memory_headroom()\n"
        "assert room <= 2**28, room\n"
        "assert room < free, (room, free)\n"
        "try:\n"
        "    _files.check_memory(2**29, 'a test array')\n"
        "except ValueError as exc:\n"
        "    print(exc)\n"
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
    assert "a test array would need 512.0 MiB" in done.stdout
    assert "address-space, data and cgroup limits" in done.stdout


def test_cgroup_headroom_reads_memory_max(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "sys" / "fs" / "cgroup"
    folder = root / "job"
    folder.mkdir(parents=True)
    (folder / "memory.max").write_text("1073741824\n")
    (folder / "memory.current").write_text("268435456\n")
    (root / "memory.max").write_text("max\n")
    monkeypatch.setattr(_limits, "_cgroup_folder", lambda: folder)
    monkeypatch.setattr(_limits, "Path", lambda p: root if p == "/sys/fs/cgroup" else Path(p))
    assert _limits.cgroup_headroom() == 3 * 2**28
    monkeypatch.setattr(_limits, "_meminfo", lambda: 2**40)
    monkeypatch.setattr(_limits, "rlimit_headroom", lambda: None)
    assert _limits.memory_headroom() == 3 * 2**28
