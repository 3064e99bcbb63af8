"""Shared fixtures: the array backends every core test runs on."""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import pytest

BACKENDS = ["numpy", "array_api_strict", "torch"]


class Backend:
    """Moves NumPy test data to one array library and back."""

    def __init__(self, name: str) -> None:
        self.name = name
        if name == "numpy":
            self.xp: ModuleType = np
        else:
            self.xp = pytest.importorskip(name)

    def asarray(self, a: Any) -> Any:
        return np.asarray(a) if self.name == "numpy" else self.xp.asarray(np.asarray(a))

    def __repr__(self) -> str:
        return self.name


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> Backend:
    return Backend(request.param)


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(0)


# ------------------------------------------------------------------ the CLI in a subprocess

_HARNESS = """
import resource, sys, tracemalloc
import numpy, nndl.cli
for name in ("pandas", "h5py", "PIL.Image", "PIL.ImageOps", "matplotlib"):
    try:
        __import__(name)
    except ImportError:
        pass
tracemalloc.start()
try:
    rc = nndl.cli.main(sys.argv[1:])
finally:
    peak = tracemalloc.get_traced_memory()[1]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    sys.stderr.write(f"\\n@@memory {peak} {rss}\\n")
sys.exit(rc)
"""


class Run:
    """What ``nndl ARGS`` did in a fresh process: exit status, output, and memory: ``peak``
    is the most memory Python and NumPy held at once during the command (tracemalloc,
    imports excluded), ``rss`` the process's peak resident size (imports included)."""

    def __init__(self, done: Any) -> None:
        self.rc: int = done.returncode
        self.stdout: str = done.stdout
        err, _, memory = done.stderr.rpartition("\n@@memory ")
        self.stderr: str = err.strip() if memory else done.stderr.strip()
        parts = memory.split()
        self.peak = int(parts[0]) if parts else -1
        self.rss = int(parts[1]) if parts else -1

    def __repr__(self) -> str:
        return (
            f"Run(rc={self.rc}, peak={self.peak / 2**20:.1f} MiB, rss={self.rss / 2**20:.0f} MiB,"
            f" stderr={self.stderr[-500:]!r})"
        )


@pytest.fixture
def nndl_run(tmp_path: Any) -> Any:
    """``nndl_run(*args)``: run ``nndl ARGS`` in a subprocess in ``tmp_path`` → :class:`Run`."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    import nndl

    src = str(Path(nndl.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": src, "MPLBACKEND": "Agg"}

    def run(*args: str, cwd: Any = None) -> Run:
        done = subprocess.run(
            [sys.executable, "-c", _HARNESS, *map(str, args)],
            capture_output=True,
            text=True,
            cwd=cwd or tmp_path,
            env=env,
            timeout=300,
            check=False,
        )
        return Run(done)

    return run
