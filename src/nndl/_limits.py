"""What a file from others may make nndl do: which files it opens, how much memory it asks for.

**Only regular files are read.**  :func:`open_regular` opens a path without blocking
(``O_NONBLOCK``: opening a FIFO with no writer returns at once instead of waiting for one)
and asks the *opened descriptor* (``fstat``, so a path swapped between a check and the open
changes nothing) whether it is a regular file.  A FIFO, a socket, a character device such as
``/dev/zero`` or ``/dev/urandom``, a block device, or a symlink to any of them is refused with
a clear error; a regular file is returned opened for reading, its size known (:attr:`size`),
so nothing read from it can outgrow the bytes it has on disk.

**Allocations are bounded by the file, and by the process.**  :func:`memory_headroom` is the
least of the machine's free memory (``MemAvailable``), the room left under the process's own
limits (``RLIMIT_AS`` over its address space, ``RLIMIT_DATA`` over its data) and the room left
under its cgroup's ``memory.max`` (cgroup v2), so a process capped at 8 GiB is not told it may
have the machine's 64.  :func:`check_justified` bounds what a file's *contents* may decode to
by the bytes it has on disk: at most :data:`MAX_EXPANSION` times the file's size, plus
:data:`FREE_EXPANSION_BYTES` that any file may use (small files compress as they like).  A
compressed ``.npz`` member, an HDF5 dataset with unwritten chunks or a fill value, a
``list_classes`` of never-written names: each declares more than its bytes hold, and is
refused before a byte of it is allocated.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from typing import IO

from nndl.errors import NNDLValueError

MAX_EXPANSION = 200
"""What a file's contents may decode to: at most this many times the file's size on disk
(``.npz`` compression, HDF5 chunks never written or filled with a fill value) ..."""

FREE_EXPANSION_BYTES = 64 * 2**20
"""... plus this many bytes, which any file may decode to whatever its size."""

_KINDS = (
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISDIR, "a folder"),
)


def kind(mode: int) -> str:
    """What a file of ``st_mode`` ``mode`` is, in words (``"a FIFO (named pipe)"``)."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "a regular file" if stat.S_ISREG(mode) else "not a regular file"


def not_regular(path: str | Path, what: str, mode: int) -> NNDLValueError:
    """The error for a ``what`` at ``path`` that is not a regular file."""
    return NNDLValueError(
        f"{str(path)!r} is {kind(mode)}, not a regular file; nndl reads a {what} only from a "
        "regular file (a device such as /dev/zero never ends and a FIFO may never be written). "
        "Copy the data into a file first"
    )


def open_regular(path: str | Path, what: str = "file") -> IO[bytes]:
    """``path`` opened for reading in binary, after checking on the opened descriptor that it
    is a regular file (a symlink is followed to what it names, which must be one).  A missing
    file raises ``FileNotFoundError``; anything else not regular an :class:`NNDLValueError`."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    fd = os.open(os.fspath(Path(path).expanduser()), flags)
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise not_regular(path, what, mode)
        if hasattr(os, "set_blocking"):  # reads of a regular file never block anyway
            with contextlib.suppress(OSError):
                os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def check_regular(path: str | Path, what: str = "file") -> Path:
    """``path`` as a Path, after :func:`open_regular` has found it a regular file (for the
    readers that must be given a name; the others are given the opened file)."""
    with open_regular(path, what):
        pass
    return Path(path).expanduser()


def read_limited(path: str | Path, what: str, limit: int) -> bytes:
    """The bytes of the regular file ``path``, refused when it holds more than ``limit``."""
    with open_regular(path, what) as f:
        size = os.fstat(f.fileno()).st_size
        data = f.read(limit + 1)
    if max(size, len(data)) > limit:
        raise NNDLValueError(
            f"{str(path)!r} holds {max(size, len(data)):,} bytes; a {what} may hold at most "
            f"{limit:,}"
        )
    return data


# ----------------------------------------------------------------------- outputs

STDOUT = "-"
"""The output name that means the standard output."""


def output_stream(path: str | os.PathLike[str]) -> str | None:
    """How an output named ``path`` is written when it is not a file to replace atomically:
    ``"the standard output"`` for ``-``, ``"a character device"`` (``/dev/null``,
    ``/dev/stdout``, a terminal) or ``"a FIFO (named pipe)"`` for those (a symlink followed to
    what it names); None for a regular file, a folder or a name not there yet.  An empty name,
    a block device or a socket is an error."""
    text = os.fspath(path)
    if text == "":
        raise NNDLValueError(
            "the path is empty; give a file name such as 'model.npz' (or '-' for the standard "
            "output)"
        )
    if text == STDOUT:
        return "the standard output"
    try:
        mode = os.stat(os.path.expanduser(text)).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return kind(mode)
    raise NNDLValueError(
        f"cannot write to {text!r}: it is {kind(mode)}. Give a file name, a character device "
        "such as /dev/null, a FIFO, or '-' for the standard output"
    )


def replaced_path(path: Path) -> Path:
    """The file an atomic write to ``path`` replaces: a symlink's final target (the link stays
    a link and its target is updated), else ``path`` itself."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


# ----------------------------------------------------------------------- memory


def _meminfo() -> int | None:
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not POSIX
        return None


def _status_bytes(*keys: str) -> dict[str, int]:
    """Fields of ``/proc/self/status`` given in kB (``VmSize``, ``VmData``), in bytes."""
    found: dict[str, int] = {}
    with (
        contextlib.suppress(OSError, ValueError, IndexError),
        open("/proc/self/status", encoding="ascii") as f,
    ):
        for line in f:
            name, _, rest = line.partition(":")
            if name in keys:
                found[name] = int(rest.split()[0]) * 1024
    return found


def rlimit_headroom() -> int | None:
    """Bytes the process may still map under its ``RLIMIT_AS`` and ``RLIMIT_DATA`` soft limits
    (their current use from ``/proc/self/status``), or None when neither is set."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not POSIX
        return None
    room: list[int] = []
    used = _status_bytes("VmSize", "VmData")
    for limit_name, field in (("RLIMIT_AS", "VmSize"), ("RLIMIT_DATA", "VmData")):
        limit_id = getattr(resource, limit_name, None)
        if limit_id is None:  # pragma: no cover - not on this system
            continue
        soft, _ = resource.getrlimit(limit_id)
        if soft != resource.RLIM_INFINITY and soft >= 0:
            room.append(max(0, soft - used.get(field, 0)))
    return min(room) if room else None


def _cgroup_folder() -> Path | None:
    """This process's cgroup v2 folder under ``/sys/fs/cgroup``, if it has one."""
    try:
        with open("/proc/self/cgroup", encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split(":", 2)
                if len(parts) == 3 and parts[0] == "0" and parts[1] == "":
                    folder = Path("/sys/fs/cgroup") / parts[2].lstrip("/")
                    return folder if folder.is_dir() else None
    except OSError:
        pass
    return None


def _read_int(path: Path) -> int | None:
    try:
        text = path.read_text(encoding="ascii").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None  # "max": no limit


def cgroup_headroom() -> int | None:
    """Bytes left under ``memory.max`` of this process's cgroup and every cgroup above it
    (cgroup v2), or None when none is limited or it cannot be told."""
    folder = _cgroup_folder()
    room: list[int] = []
    root = Path("/sys/fs/cgroup")
    while folder is not None and (folder == root or root in folder.parents):
        limit = _read_int(folder / "memory.max")
        if limit is not None:
            room.append(max(0, limit - (_read_int(folder / "memory.current") or 0)))
        if folder == root:
            break
        folder = folder.parent
    return min(room) if room else None


def memory_headroom() -> int:
    """Bytes this process may allocate now: the least of the machine's free memory, the room
    under its ``RLIMIT_AS``/``RLIMIT_DATA`` limits and the room under its cgroup's
    ``memory.max``; a very large number when none of them can be told."""
    room = [v for v in (_meminfo(), rlimit_headroom(), cgroup_headroom()) if v is not None]
    return min(room) if room else 2**62


# ----------------------------------------------------------------------- justified sizes


def justified_bytes(file_bytes: int) -> int:
    """The most a file of ``file_bytes`` bytes on disk may decode to (see :data:`MAX_EXPANSION`)."""
    return MAX_EXPANSION * max(int(file_bytes), 0) + FREE_EXPANSION_BYTES


def check_justified(nbytes: int, file_bytes: int, what: str, how: str = "") -> None:
    """Refuse ``what`` when the ``nbytes`` it declares exceed what a file of ``file_bytes``
    bytes can justify (:func:`justified_bytes`); ``how`` says where the rest would come from."""
    allowed = justified_bytes(file_bytes)
    if nbytes > allowed:
        why = f" ({how})" if how else ""
        raise NNDLValueError(
            f"{what} declares {nbytes:,} bytes of data but the file holds {file_bytes:,} bytes "
            f"on disk{why}: more than {MAX_EXPANSION}x its size plus "
            f"{FREE_EXPANSION_BYTES // 2**20} MiB, so it is refused before allocating. Write the "
            "data out in full (uncompressed, every value written) if it is meant"
        )
