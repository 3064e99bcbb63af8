"""Files from others, and files nndl writes.

**Reading.**  A file from someone else is hostile until checked.  An ``.npz`` (a
zip of ``.npy`` arrays) is read through :class:`Archive`, which

* reads only the members it is asked for: an unused member is never decompressed;
* reads each member's ``.npy`` header first (a few hundred bytes) and gives the
  array's shape and dtype, so a caller compares them with what it expects
  *before* anything is allocated;
* refuses object (pickled) arrays, members whose stored size disagrees with
  their header, members compressed more than :data:`MAX_COMPRESSION_RATIO` times
  (a "zip bomb"), members that together decompress to more than the archive's size can
  justify (:func:`nndl._limits.check_justified`), and arrays larger than the memory this
  process may have (:func:`check_memory`);
* opens only a regular file (:func:`nndl._limits.open_regular`): never a device such as
  ``/dev/zero``, a FIFO or a socket;
* reads an array in chunks straight into its final buffer, so the peak is the
  array plus :data:`CHUNK_BYTES`.

Nothing read from a file is ever executed: no pickles, no ``eval``.

**Writing.**  :func:`write_atomic` writes to a temporary file in the target's
folder, flushes it to disk and renames it over the target (``os.replace`` is
atomic), so a crash, a full disk or Ctrl-C leaves the previous file as it was.
The file gets the mode the umask gives (not the 0600 of a temporary file), and
temporary files left behind by a killed process are removed by the next write
to the same name.  :func:`check_destination` checks a destination before long
work starts.  A failed write is a :class:`nndl.errors.NNDLWriteError`.
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import re
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

import numpy as np

from nndl import _limits
from nndl.errors import NNDLValueError, NNDLWriteError

MAX_COMPRESSION_RATIO = 200
"""A member of an archive may decompress to at most this many times its stored size ..."""

RATIO_FREE_BYTES = 64 * 2**20
"""... unless it decompresses to at most this many bytes (small members compress as they like)."""

MAX_METADATA_BYTES = 16 * 2**20
"""The most a model file's JSON metadata may hold."""

MAX_MEMBERS = 100_000
"""The most members an archive may list."""

CHUNK_BYTES = 2**20
"""Arrays are read in pieces of this size, straight into their final buffer."""


# ----------------------------------------------------------------------- memory


def available_memory() -> int:
    """Bytes of memory this process may allocate now: the least of the machine's free memory
    (Linux ``MemAvailable``), the room under its ``RLIMIT_AS``/``RLIMIT_DATA`` limits and the
    room under its cgroup's ``memory.max`` (see :func:`nndl._limits.memory_headroom`)."""
    return _limits.memory_headroom()


def human_bytes(n: float) -> str:
    """``1536`` → ``"1.5 KiB"``."""
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB", "PiB"):
        if abs(n) < 1024 or unit == "PiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} EiB"  # pragma: no cover


def check_memory(nbytes: float, what: str, fix: str = "") -> None:
    """Refuse ``what`` when its ``nbytes`` exceed the memory this process may have,
    saying the figure (checked *before* allocating, instead of a MemoryError later)."""
    free = available_memory()
    if nbytes > free:
        hint = f" {fix}" if fix else ""
        raise NNDLValueError(
            f"{what} would need {human_bytes(nbytes)} of memory, but this process has "
            f"{human_bytes(free)} available (the least of the machine's free memory and the "
            f"process's address-space, data and cgroup limits); refusing before allocating.{hint}"
        )


# ----------------------------------------------------------------------- archives


@dataclass(frozen=True)
class ArrayHeader:
    """What a member's ``.npy`` header says: the array's shape and dtype, and its size."""

    shape: tuple[int, ...]
    dtype: np.dtype[Any]
    fortran_order: bool

    @property
    def nbytes(self) -> int:
        return int(np.prod(self.shape, dtype=object)) * self.dtype.itemsize


class Archive:
    """An ``.npz`` file opened for bounded reading (use it as a context manager).

    ``what`` names the file in messages (``"model file"``, ``".npz file"``).
    """

    def __init__(self, path: str | Path, what: str = ".npz file") -> None:
        self.path = Path(path)
        self.what = what
        name = str(self.path)
        self._file = _limits.open_regular(self.path, what)  # never a device, FIFO or socket
        try:
            self.size = os.fstat(self._file.fileno()).st_size
            if self._file.read(2) != b"PK":  # the zip signature of every .npz
                raise NNDLValueError(
                    f"{name!r} is not an {what}: an .npz archive was expected; the file may "
                    "be truncated or corrupted, or of another kind"
                )
            self._file.seek(0)
            self._zip = zipfile.ZipFile(self._file)
        except NNDLValueError:
            self._file.close()
            raise
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            self._file.close()
            raise NNDLValueError(
                f"{name!r} is not a complete {what}: it is truncated or corrupted "
                f"({type(exc).__name__}: {exc})"
            ) from exc
        self.decoded = 0
        """Bytes of arrays read so far; with those asked for, at most what the file's size
        justifies (:func:`nndl._limits.check_justified`)."""
        infos = self._zip.infolist()
        if len(infos) > MAX_MEMBERS:
            self.close()
            raise NNDLValueError(f"{name!r} lists {len(infos)} members; at most {MAX_MEMBERS}")
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            self.members[key] = info
        self._headers: dict[str, ArrayHeader] = {}

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()
        self._file.close()

    def check_total(self, nbytes: int, what: str = "") -> None:
        """Refuse reading arrays of ``nbytes`` more (beyond those read) when, with those read,
        they exceed what the archive's size on disk justifies."""
        _limits.check_justified(
            self.decoded + nbytes,
            self.size,
            f"{str(self.path)!r}{' (' + what + ')' if what else ''}",
            "its members are compressed, or claim more than they hold",
        )

    @property
    def names(self) -> list[str]:
        """The array names the archive lists (without ``.npy``)."""
        return list(self.members)

    def stored_bytes(self, key: str) -> int:
        """The size member ``key`` decompresses to, as the archive's directory says."""
        return int(self.members[key].file_size)

    def _damaged(self, key: str, why: str) -> NNDLValueError:
        return NNDLValueError(f"{str(self.path)!r}: the array {key!r} {why}; the file is damaged")

    @contextlib.contextmanager
    def _open(self, key: str) -> Iterator[IO[bytes]]:
        info = self.members[key]
        if not info.filename.endswith(".npy"):
            raise NNDLValueError(
                f"{str(self.path)!r}: the member {info.filename!r} is not a .npy array; an "
                f"{self.what} holds only .npy arrays"
            )
        big = info.file_size > RATIO_FREE_BYTES
        if big and info.file_size > MAX_COMPRESSION_RATIO * max(info.compress_size, 1):
            raise NNDLValueError(
                f"{str(self.path)!r}: the array {key!r} would decompress from "
                f"{human_bytes(info.compress_size)} to {human_bytes(info.file_size)} (more than "
                f"{MAX_COMPRESSION_RATIO}x): refused without decompressing it, as a possible "
                "zip bomb. Save the arrays with np.savez (uncompressed) instead"
            )
        try:
            with self._zip.open(info) as stream:
                yield stream
        except (zipfile.BadZipFile, EOFError, OSError, RuntimeError, zlib.error) as exc:
            if isinstance(exc, NNDLValueError):  # pragma: no cover - raised inside
                raise
            raise self._damaged(key, f"cannot be read ({type(exc).__name__}: {exc})") from exc

    def header(self, key: str) -> ArrayHeader:
        """Member ``key``'s shape and dtype, read from its ``.npy`` header alone."""
        if key in self._headers:
            return self._headers[key]
        fmt = np.lib.format
        with self._open(key) as stream:
            try:
                version = fmt.read_magic(stream)
                if version == (1, 0):
                    shape, fortran, dtype = fmt.read_array_header_1_0(stream)
                elif version in ((2, 0), (3, 0)):
                    shape, fortran, dtype = fmt.read_array_header_2_0(stream)
                else:  # pragma: no cover - read_magic accepts only these
                    raise ValueError(f"unknown .npy version {version}")
                offset = stream.tell()
            except (ValueError, SyntaxError, TypeError, EOFError) as exc:
                raise self._damaged(key, f"has an unreadable .npy header ({exc})") from exc
        if dtype.hasobject:
            raise NNDLValueError(
                f"{str(self.path)!r}: the array {key!r} holds Python objects; nndl never loads "
                "object (pickled) arrays, because unpickling can run arbitrary code"
            )
        header = ArrayHeader(tuple(int(n) for n in shape), dtype, bool(fortran))
        if offset + header.nbytes != self.members[key].file_size:
            raise self._damaged(
                key,
                f"claims shape {header.shape} of {dtype} ({human_bytes(header.nbytes)}) but "
                f"the member holds {human_bytes(self.members[key].file_size - offset)}",
            )
        self._headers[key] = header
        return header

    def array(self, key: str) -> np.ndarray:
        """Member ``key`` as an array, its header checked and its size bounded first."""
        header = self.header(key)
        self.check_total(header.nbytes, f"the array {key!r} {header.shape}")
        check_memory(header.nbytes, f"{str(self.path)!r}: the array {key!r} {header.shape}")
        count = int(np.prod(header.shape, dtype=np.int64))
        flat = np.empty(count, dtype=header.dtype)
        buffer = memoryview(cast(Any, flat)).cast("B")
        with self._open(key) as stream:
            _skip_header(stream)
            done, total = 0, header.nbytes
            while done < total:
                n = cast(Any, stream).readinto(buffer[done : min(done + CHUNK_BYTES, total)])
                if not n:
                    raise self._damaged(key, "is shorter than its header says")
                done += n
        self.decoded += header.nbytes
        shaped: np.ndarray = flat.reshape(header.shape, order="F" if header.fortran_order else "C")
        return shaped

    def text(self, key: str, limit: int | None = None) -> str:
        """Member ``key``, a 0-d unicode array (a JSON string), as ``str``; at most ``limit``
        bytes (default :data:`MAX_METADATA_BYTES`)."""
        limit = MAX_METADATA_BYTES if limit is None else limit
        header = self.header(key)
        if header.dtype.kind != "U" or header.shape != ():
            raise self._damaged(key, f"is {header.dtype} {header.shape}, not a text string")
        if header.nbytes > limit:
            raise NNDLValueError(
                f"{str(self.path)!r}: the text {key!r} holds {human_bytes(header.nbytes)}; "
                f"at most {human_bytes(limit)} is read"
            )
        return str(self.array(key)[()])


def _skip_header(stream: IO[bytes]) -> None:
    """Read past an ``.npy`` member's magic and header."""
    version = np.lib.format.read_magic(stream)
    if version == (1, 0):
        np.lib.format.read_array_header_1_0(stream)
    else:
        np.lib.format.read_array_header_2_0(stream)


# ----------------------------------------------------------------------- writing

_TMP = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.[A-Za-z0-9_]+\.tmp$")


def _umask() -> int:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # pragma: no cover - not Linux
    os.umask(mask)  # pragma: no cover
    return mask  # pragma: no cover


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files of writes to ``path`` whose process no longer runs
    (a write killed by ``kill -9`` leaves one behind); returns those removed."""
    removed = []
    with contextlib.suppress(OSError):
        for entry in path.parent.iterdir():
            match = _TMP.match(entry.name)
            if match and match["name"] == path.name and not _alive(int(match["pid"])):
                with contextlib.suppress(OSError):
                    entry.unlink()
                    removed.append(entry)
    return removed


_REASONS = {
    errno.ENOSPC: "the disk is full",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EDQUOT: "the disk quota is exceeded",
}


def write_error(path: Path, exc: OSError, what: str = "file") -> NNDLWriteError:
    """The error for a write of ``what`` to ``path`` that failed with ``exc``."""
    reason = _REASONS.get(exc.errno or 0, exc.strerror or str(exc))
    return NNDLWriteError(
        f"cannot write the {what} {str(path)!r}: {reason}; nothing was written there and any "
        "previous file is unchanged. Free some space or choose another place"
    )


def check_destination(path: str | Path, what: str = "file", make_folder: bool = False) -> Path:
    """``path`` as a Path after checking that a file can be written there, before the work
    that produces it: not a folder, its folder exists (or is made with ``make_folder``),
    and a file can be created in it (a read-only or full file system fails here)."""
    stream = _limits.output_stream(path)
    p = Path(path).expanduser()
    if stream is not None:  # written as a stream: it must be writable
        if p != Path(_limits.STDOUT) and not os.access(p, os.W_OK):
            raise write_error(p, PermissionError(errno.EACCES, "permission denied"), what)
        return p
    if p.is_dir():
        raise NNDLValueError(
            f"cannot write the {what} to {str(p)!r}: it is a folder. Give a file name such as "
            f"{str(p / 'model.npz')!r}"
        )
    folder = _limits.replaced_path(p).parent  # a symlink's target is what gets replaced
    if not folder.is_dir():
        if not make_folder or folder.exists():
            raise NNDLValueError(
                f"cannot write the {what} to {str(p)!r}: the folder {str(folder)!r} does not "
                "exist. Create it first"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise write_error(p, exc, what) from exc
    try:
        fd, probe = tempfile.mkstemp(prefix=f".{p.name}.{os.getpid()}.", suffix=".tmp", dir=folder)
        os.write(fd, b"\0")
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise write_error(p, exc, what) from exc
    return p


def write_atomic(
    path: str | Path, write: Callable[[IO[bytes]], object], what: str = "file"
) -> Path:
    """Call ``write(f)`` on a temporary file beside ``path``, flush it to disk and rename it
    over ``path``; the previous file stays intact if anything fails.  Returns ``path``.

    Atomic replacement is for regular files: a symlink's target is replaced (the link stays),
    and ``-`` (the standard output), a character device (``/dev/null``) or a FIFO is written
    to as a stream (:func:`nndl._limits.output_stream`), never replaced."""
    stream = _limits.output_stream(path)
    if stream is not None:
        return _write_stream(Path(path), write, what)
    given = Path(path)
    p = _limits.replaced_path(given)
    if p.is_dir():
        raise NNDLValueError(
            f"cannot write the {what} to {str(p)!r}: it is a directory. Pass a file path such "
            f"as {str(p / 'model.npz')!r}"
        )
    folder = p.parent
    if not folder.is_dir():
        raise NNDLValueError(
            f"cannot write the {what} to {str(p)!r}: the folder {str(folder)!r} does not "
            "exist. Create it first."
        )
    remove_stale_temporaries(p)
    try:
        mode = p.stat().st_mode & 0o777
    except OSError:
        mode = 0o666 & ~_umask()
    tmp_name = ""
    try:
        fd, tmp_name = tempfile.mkstemp(
            prefix=f".{p.name}.{os.getpid()}.", suffix=".tmp", dir=folder
        )
        os.close(fd)
        with open(tmp_name, "wb") as f:  # by name, so f.name is the path (dot writes to it)
            os.fchmod(f.fileno(), mode)
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_name, p)
    except OSError as exc:
        if tmp_name:
            Path(tmp_name).unlink(missing_ok=True)
        raise write_error(p, exc, what) from exc
    except BaseException:
        if tmp_name:
            Path(tmp_name).unlink(missing_ok=True)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    return given


def _write_stream(p: Path, write: Callable[[IO[bytes]], object], what: str) -> Path:
    """``write(f)`` on the standard output (``-``), or on the device or FIFO ``p`` opened
    for writing (a FIFO waits for its reader, as a shell's ``>`` does).  The writer sees a
    stream that cannot seek, so a zip (``.npz``) is written in one pass, as to a pipe."""
    try:
        sys.stdout.flush()  # what is printed stays before what is written to /dev/stdout
        if str(p) == _limits.STDOUT:
            _stream_into(sys.stdout.buffer, write)
        else:
            with open(p, "wb") as f:
                _stream_into(f, write)
    except OSError as exc:
        raise write_error(p, exc, what) from exc
    return p


def _stream_into(target: IO[bytes], write: Callable[[IO[bytes]], object]) -> None:
    stream = io.BufferedWriter(_Unseekable(target))
    write(cast(IO[bytes], stream))
    stream.flush()
    target.flush()


class _Unseekable(io.RawIOBase):
    """A binary file that writes in order and cannot seek (its ``tell`` counts the bytes)."""

    def __init__(self, target: IO[bytes]) -> None:
        super().__init__()
        self._target = target
        self._written = 0
        self.name = getattr(target, "name", _limits.STDOUT)

    def writable(self) -> bool:
        return True

    def write(self, b: Any) -> int:
        data = bytes(b)
        self._target.write(data)
        self._written += len(data)
        return len(data)

    def tell(self) -> int:
        return self._written


def write_text(path: str | Path, text: str, what: str = "file") -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically (see :func:`write_atomic`)."""
    data = text.encode("utf-8")
    return write_atomic(path, lambda f: f.write(data), what)
