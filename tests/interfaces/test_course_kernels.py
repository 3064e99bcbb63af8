"""``nndl course`` is all ✓ whichever BLAS kernel the machine picks.

NumPy's OpenBLAS chooses a kernel for the CPU at start-up; each kernel adds up a matrix
product in its own order, so float64 results differ in the last bits, and a few of the
course's figures (the flower's cost after 7000 iterations, the sweep's 20 and 50 units)
differ in what they print.  ``OPENBLAS_CORETYPE`` forces a kernel, so each run here is a
subprocess started with one: the kernels of an old x86 (Prescott), of AVX (Sandybridge),
of AVX2 (Haswell), and the one this machine picks by itself.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from collections.abc import Iterator

import numpy as np
import pytest

pytestmark = pytest.mark.slow

ASSIGNMENTS = ("planar", "step-by-step", "convolution", "recurrent")
"""Every assignment whose recipe runs without the course's pictures."""
X86_KERNELS = ("Prescott", "Sandybridge", "Haswell")


def _openblas() -> bool:
    config = np.show_config(mode="dicts")
    name = str(config.get("Build Dependencies", {}).get("blas", {}).get("name", ""))
    return "openblas" in name.lower()


def _kernels() -> list[str | None]:
    """None (the machine's own pick), then the forced x86 kernels where they exist."""
    forced = _openblas() and platform.machine().lower() in ("x86_64", "amd64")
    return [None, *(X86_KERNELS if forced else ())]


_SHOW_KERNEL = (
    "import threadpoolctl, numpy; "
    "print([i.get('architecture') for i in threadpoolctl.threadpool_info() "
    "if i.get('internal_api') == 'openblas'])"
)


def _env(kernel: str | None) -> dict[str, str]:
    env = dict(os.environ)
    if kernel is not None:
        env["OPENBLAS_CORETYPE"] = kernel
    return env


@pytest.fixture(scope="module")
def runs() -> Iterator[dict[tuple[str | None, str], subprocess.Popen[str]]]:
    """Every (kernel, assignment) started at once; each test waits for its own."""
    started = {
        (kernel, name): subprocess.Popen(
            [sys.executable, "-m", "nndl", "course", name],
            env=_env(kernel),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for kernel in _kernels()
        for name in ASSIGNMENTS
    }
    yield started
    for process in started.values():
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("name", ASSIGNMENTS)
@pytest.mark.parametrize("kernel", [None, *X86_KERNELS], ids=str)
def test_course_all_ticks_on_every_kernel(
    runs: dict[tuple[str | None, str], subprocess.Popen[str]], kernel: str | None, name: str
) -> None:
    if (kernel, name) not in runs:
        pytest.skip(f"OPENBLAS_CORETYPE={kernel} needs NumPy on OpenBLAS on x86-64")
    out, _ = runs[kernel, name].communicate(timeout=600)
    assert runs[kernel, name].returncode == 0, out
    assert "✗" not in out and "✓" in out, out
    assert "checks match the course" in out and "do not" not in out, out


def test_the_forced_kernels_are_the_ones_running() -> None:
    """Without this, a NumPy that ignored OPENBLAS_CORETYPE would make the test above run
    one kernel four times: each forced kernel must report another architecture."""
    pytest.importorskip("threadpoolctl")
    forced = [k for k in _kernels() if k is not None]
    if not forced:
        pytest.skip("OPENBLAS_CORETYPE needs NumPy on OpenBLAS on x86-64")
    shown = {
        kernel: subprocess.run(
            [sys.executable, "-c", _SHOW_KERNEL],
            env=_env(kernel),
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        for kernel in forced
    }
    assert len(set(shown.values())) == len(forced), shown  # Prescott reports itself as Katmai
