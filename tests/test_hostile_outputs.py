"""Outputs that are not regular files: a FIFO, a character device, ``-`` and a symlink.
Atomic replacement is for regular files; the others are written to as streams, and a
symlink's target is what gets replaced."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nndl
from nndl import _files
from nndl.errors import NNDLValueError


def _reader(path: Path) -> tuple[threading.Thread, list[bytes]]:
    """A thread that reads the FIFO ``path`` to its end."""
    got: list[bytes] = []

    def read() -> None:
        with open(path, "rb") as f:
            got.append(f.read())

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread, got


def _csv(path: Path) -> Path:
    rng = np.random.default_rng(0)
    rows = ["x1,x2,label"] + [f"{a:.3f},{b:.3f},{int(a > b)}" for a, b in rng.normal(size=(30, 2))]
    path.write_text("\n".join(rows) + "\n")
    return path


def test_a_fifo_is_written_as_a_stream(tmp_path: Path) -> None:
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    thread, got = _reader(fifo)
    _files.write_text(fifo, "a,b\n1,2\n", "predictions")
    thread.join(30)
    assert got == [b"a,b\n1,2\n"]
    assert stat.S_ISFIFO(fifo.lstat().st_mode)  # still a FIFO, not replaced by a file
    assert [p.name for p in tmp_path.iterdir()] == ["out.fifo"]  # no temporary left


def test_a_symlinks_target_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    target = tmp_path / "real" / "model.npz"
    link = tmp_path / "model.npz"
    link.symlink_to(target)  # dangling: the target is created
    net = nndl.Network([2, 3, 1], seed=0)
    assert net.save(link) == link
    assert link.is_symlink() and target.is_file()
    first = target.read_bytes()
    nndl.Network([2, 3, 1], seed=1).save(link)
    assert link.is_symlink() and target.read_bytes() != first  # the target updated
    assert sorted(p.name for p in (tmp_path / "real").iterdir()) == ["model.npz"]


def test_character_devices_are_written_not_replaced(tmp_path: Path) -> None:
    device = tmp_path / "null"
    try:
        os.mknod(device, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # a copy of /dev/null
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a character device here ({exc}); needs root")
    nndl.Network([2, 3, 1], seed=0).save(device)
    assert stat.S_ISCHR(device.lstat().st_mode)
    assert _files.check_destination(device, "model") == device
    assert [p.name for p in tmp_path.iterdir()] == ["null"]


def test_dev_null_is_a_stream_for_everyone(tmp_path: Path) -> None:
    before = os.stat("/dev/null")
    nndl.Network([2, 3, 1], seed=0).save("/dev/null")
    _files.write_text("/dev/null", "x", "report")
    after = os.stat("/dev/null")
    assert stat.S_ISCHR(after.st_mode) and after.st_ino == before.st_ino


def test_empty_output_names_are_errors(tmp_path: Path, nndl_run: Any) -> None:
    with pytest.raises(NNDLValueError, match="the path is empty"):
        _files.write_text("", "x")
    with pytest.raises(NNDLValueError, match="the path is empty"):
        nndl.Network([2, 3, 1]).save("")
    data = _csv(tmp_path / "d.csv")
    run = nndl_run("train", "--data", data, "--epochs", "1", "--save", "")
    assert run.rc == 2 and "--save is empty" in run.stderr, run
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.csv"]
    nndl.Network([2, 3, 1], seed=0).save(tmp_path / "m.npz")
    run = nndl_run("predict", tmp_path / "m.npz", data, "--target", "label", "--out", "")
    assert run.rc == 2 and "--out is empty" in run.stderr, run


def test_the_commands_write_to_streams(tmp_path: Path, nndl_run: Any) -> None:
    data = _csv(tmp_path / "d.csv")
    run = nndl_run("train", "--data", data, "--target", "label", "--epochs", "2", "--save", "m")
    assert run.rc == 0, run
    model = tmp_path / "m.npz"
    plain = nndl_run("predict", model, data, "--target", "label")
    assert plain.rc == 0 and plain.stdout.startswith("example,prediction"), plain
    for out in ("-", "/dev/stdout"):
        run = nndl_run("predict", model, data, "--target", "label", "--out", out)
        assert run.rc == 0, run
        assert run.stdout == plain.stdout  # the CSV alone, no "Wrote …" line mixed in
    link = tmp_path / "stdout.csv"
    link.symlink_to("/proc/self/fd/1")  # a symlink to the process's standard output (a pipe)
    run = nndl_run("predict", model, data, "--target", "label", "--out", link)
    assert run.rc == 0 and run.stdout == plain.stdout, run
    assert link.is_symlink() and os.readlink(link) == "/proc/self/fd/1"
    run = nndl_run("predict", model, data, "--target", "label", "--out", "/dev/null")
    assert run.rc == 0 and run.stdout == "", run
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)
    fifo = tmp_path / "model.fifo"
    os.mkfifo(fifo)
    thread, got = _reader(fifo)
    run = nndl_run("train", "--data", data, "--target", "label", "--epochs", "2", "--save", fifo)
    thread.join(60)
    assert run.rc == 0, run
    (tmp_path / "received.npz").write_bytes(got[0])
    assert nndl.load(tmp_path / "received.npz").layer_dims[0] == 2
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_other_special_outputs_are_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s.sock"
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(path))
        with pytest.raises(NNDLValueError, match="it is a socket"):
            _files.write_text(path, "x")
