"""Every file nndl writes goes through one atomic write: faults on each write path (a
read-only folder, a full disk, kill -9 mid-write) leave the previous file intact, leave no
temporary file behind, and end in one line and exit status 2, never a traceback."""

from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nndl
from nndl import _files
from nndl.cli import main
from nndl.errors import NNDLWriteError
from nndl.model.network import Network


def _fail_on_fsync(monkeypatch: pytest.MonkeyPatch, code: int) -> None:
    """Every atomic write fails when flushing its data to disk, with ``code`` (ENOSPC: the
    disk is full; EROFS: the file system is read-only)."""

    def fsync(fd: int) -> None:
        raise OSError(code, os.strerror(code))

    monkeypatch.setattr(_files.os, "fsync", fsync)


def _no_temporaries(folder: Path) -> None:
    assert not [p.name for p in folder.rglob("*.tmp")]


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EROFS])
def test_every_write_path_keeps_the_previous_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    from nndl import plot
    from nndl.experiments.report import write_report

    net = Network([2, 3, 1], seed=0)
    targets = {
        "model": lambda p: net.save(p),
        "figure": lambda p: plot.activations(path=p),
        "report": lambda p: write_report([], p),
        "text": lambda p: _files.write_text(p, "new"),
    }
    for name, write in targets.items():
        path = tmp_path / f"{name}.{'npz' if name == 'model' else 'png'}"
        path.write_bytes(b"previous")
        with monkeypatch.context() as patch:
            _fail_on_fsync(patch, code)
            with pytest.raises(NNDLWriteError, match=os.strerror(code).split()[0].lower()) as info:
                write(path)
        reason = "the disk is full" if code == errno.ENOSPC else "read-only"
        assert reason in str(info.value) and "previous file is unchanged" in str(info.value)
        assert path.read_bytes() == b"previous", name
    _no_temporaries(tmp_path)


def test_checkpoints_are_written_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(2, 20)), rng.integers(0, 2, size=(1, 20))
    net = Network([2, 3, 1], seed=0)
    net.fit(X, Y, epochs=2, checkpoint=tmp_path / "c.npz")
    before = (tmp_path / "c.npz").read_bytes()
    _fail_on_fsync(monkeypatch, errno.ENOSPC)
    with pytest.raises(NNDLWriteError, match="the disk is full"):
        net.fit(X, Y, epochs=4, checkpoint=tmp_path / "c.npz")
    assert (tmp_path / "c.npz").read_bytes() == before
    _no_temporaries(tmp_path)


def test_files_get_the_mode_the_umask_gives(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        path = Network([2, 1], seed=0).save(tmp_path / "m.npz")
        assert path.stat().st_mode & 0o777 == 0o640  # not 0600, the temporary file's mode
        path.chmod(0o604)
        Network([2, 1], seed=1).save(path)
        assert path.stat().st_mode & 0o777 == 0o604  # an existing file keeps its mode
    finally:
        os.umask(old)


_SAVER = """
import sys
from nndl.model.network import Network
net = Network([1000, 1000, 1], seed=0)
print("ready", flush=True)
while True:
    net.save(sys.argv[1])
"""


def test_kill_during_a_save_leaves_the_previous_file_and_the_next_save_cleans_up(
    tmp_path: Path,
) -> None:
    path = tmp_path / "m.npz"
    Network([2, 1], seed=0).save(path)
    src = str(Path(nndl.__file__).resolve().parent.parent)
    proc = subprocess.Popen(
        [sys.executable, "-c", _SAVER, str(path)],
        stdout=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": src},
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
    for _ in range(200):  # wait until a write is in progress, then kill it
        if list(tmp_path.glob(".m.npz.*.tmp")):
            break
        os.sched_yield()
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    proc.stdout.close()
    loaded = nndl.load(path)  # whichever save finished last, never a torn file
    assert loaded.layer_dims in ([2, 1], [1000, 1000, 1])
    Network([2, 1], seed=0).save(path)  # the next save removes the dead process's file
    _no_temporaries(tmp_path)


def test_a_live_writers_temporary_file_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "m.npz"
    mine = tmp_path / f".m.npz.{os.getpid()}.abc.tmp"
    mine.write_bytes(b"in progress")
    Network([2, 1], seed=0).save(path)
    assert mine.exists()


# --------------------------------------------------------------------------- the CLI


def _one_line(capsys: pytest.CaptureFixture[str], *needles: str) -> None:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("nndl: error: "), err
    for needle in needles:
        assert needle in err[0], err


def test_train_checks_destinations_before_training(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    trained: list[bool] = []
    monkeypatch.setattr(Network, "fit", lambda *a, **k: trained.append(True))

    def read_only(
        *args: Any, **kwargs: Any
    ) -> Any:  # creating a file fails, as on a read-only disk
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(_files.tempfile, "mkstemp", read_only)
    assert main(["train", "--epochs", "1", "--save", "m.npz"]) == 2
    _one_line(capsys, "read-only")
    monkeypatch.undo()
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("")
    assert main(["train", "--epochs", "1", "--plots", "afile"]) == 2
    _one_line(capsys, "is a file")
    assert main(["train", "--epochs", "1", "--save", "afile/m.npz"]) == 2
    _one_line(capsys, "does not exist")
    assert not trained


def test_a_save_that_fails_after_training_is_rescued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "full").mkdir()
    replace = os.replace

    def full_disk(src: str, dst: Any) -> None:  # the disk fills up during training
        if Path(dst).parent.name == "full":
            raise OSError(errno.ENOSPC, "No space left on device")
        replace(src, dst)

    monkeypatch.setattr(_files.os, "replace", full_disk)
    assert main(["train", "--epochs", "3", "--save", "full/m.npz"]) == 2
    err = capsys.readouterr().err
    assert "the disk is full" in err and "saved to" in err and "Traceback" not in err
    rescued = tmp_path / "rescued-m.npz"
    assert str(rescued) in err and nndl.load(rescued).layer_dims == [2, 4, 1]
    _no_temporaries(tmp_path)


def test_predict_out_is_atomic_and_checked_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["train", "--epochs", "3", "--save", "m.npz"]) == 0
    assert main(["predict", "m.npz", "planar", "--out", "p.csv"]) == 0
    good = (tmp_path / "p.csv").read_text()
    assert good.startswith("example,prediction,") and len(good.splitlines()) == 401
    capsys.readouterr()
    with monkeypatch.context() as patch:
        _fail_on_fsync(patch, errno.ENOSPC)
        assert main(["predict", "m.npz", "planar", "--out", "p.csv"]) == 2
    _one_line(capsys, "the disk is full")
    assert (tmp_path / "p.csv").read_text() == good  # was truncated in place
    assert main(["predict", "m.npz", "planar", "--out", "."]) == 2
    _one_line(capsys, "is a folder")
    assert main(["plot", "activations", "--out", "a.xyz"]) == 2
    _one_line(capsys, "writes no '.xyz' files")


def test_predictions_are_computed_in_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from nndl.cli import predict

    monkeypatch.chdir(tmp_path)
    assert main(["train", "--epochs", "3", "--save", "m.npz"]) == 0
    capsys.readouterr()
    assert main(["predict", "m.npz", "planar"]) == 0
    whole = capsys.readouterr().out
    seen: list[int] = []
    proba = Network.predict_proba

    def spy(self: Network, X: Any) -> Any:
        seen.append(X.shape[1])
        return proba(self, X)

    monkeypatch.setattr(Network, "predict_proba", spy)
    monkeypatch.setattr(predict, "CHUNK", 64)
    assert main(["predict", "m.npz", "planar"]) == 0
    assert capsys.readouterr().out == whole  # the same CSV, 64 examples at a time
    assert seen == [64] * 6 + [16]


def test_a_closed_pipe_ends_quietly(tmp_path: Path, nndl_run: Any) -> None:
    Network([2, 3, 1], seed=0).save(tmp_path / "m.npz")
    src = str(Path(nndl.__file__).resolve().parent.parent)
    proc = subprocess.Popen(
        [sys.executable, "-m", "nndl", "predict", "m.npz", "planar"],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": src},
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.read(10)  # `| head -c 10`
    proc.stdout.close()
    err = proc.stderr.read().decode()
    proc.wait()
    proc.stderr.close()
    assert "Traceback" not in err and "Broken pipe" not in err and err == "", err


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--hidden", "1000000000"], "would need"),
        (["--hidden", "100000,100000"], "would need"),
        (["--hidden", "100000000000000000000"], "would need"),
        (["--samples", "1000000000000"], "would need"),
    ],
)
def test_impossible_sizes_are_refused_with_the_figure(
    nndl_run: Any, args: list[str], needle: str
) -> None:
    run = nndl_run("train", "--epochs", "1", *args)
    assert run.rc == 2 and "Traceback" not in run.stderr, run
    assert needle in run.stderr and "available" in run.stderr, run
    assert run.peak < 8 * 2**20, run


def test_a_cost_that_rises_is_reported(nndl_run: Any) -> None:
    run = nndl_run("train", "--data", "planar", "--lr", "1e6", "--epochs", "300", "--json")
    assert run.rc == 0, run
    assert "warning: the cost rose from" in run.stderr and "learning rate 1e+06" in run.stderr
