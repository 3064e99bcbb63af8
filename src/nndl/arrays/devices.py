"""Devices: which array library and which device a network computes on.

A *device spec* names where the parameters (and the data they meet) live:

=====================  ==================================================
spec                   arrays
=====================  ==================================================
``"numpy"``            NumPy, host memory
``"cpu"``              the host: PyTorch CPU tensors for a network already on
                       PyTorch, NumPy otherwise
``"torch"``            PyTorch tensors on the CPU (``"torch:cuda"``,
                       ``"torch:cuda:1"`` on a GPU)
``"cuda"``, ``"gpu"``  the first GPU: the network's own library when it is
                       CuPy or PyTorch, else CuPy when installed, else PyTorch
                       (``"cuda:1"`` for the second GPU)
``"cupy"``             CuPy arrays on the current GPU (``"cupy:1"``)
a ``torch.device``     PyTorch tensors on that device
=====================  ==================================================

Asking for a GPU where there is none raises :class:`DeviceError` with the
reason (CUDA absent, the library not installed) and the way out.
Arrays are moved by :func:`move`, through NumPy on the host when the library
changes and by the library itself when only the device changes.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Any

import array_api_compat
import numpy as np

from nndl.arrays.backend import Array, to_numpy
from nndl.errors import NNDLValueError


class DeviceError(NNDLValueError):
    """A device was asked for that this machine does not have (or cannot reach)."""


@dataclass(frozen=True)
class Placement:
    """A resolved device spec: the array ``library`` and its ``device``.

    ``library`` is ``"numpy"``, ``"torch"`` or ``"cupy"``; ``device`` is
    ``"cpu"`` or ``"cuda:N"``.
    """

    library: str
    device: str

    @property
    def is_cuda(self) -> bool:
        return self.device.startswith("cuda")

    def __str__(self) -> str:
        return self.library if self.library == "numpy" else f"{self.library}:{self.device}"


def library_of(x: Array) -> str:
    """``"numpy"``, ``"torch"``, ``"cupy"``, ``"dask"`` or the module name of ``x``'s library."""
    if array_api_compat.is_numpy_array(x):
        return "numpy"
    if array_api_compat.is_torch_array(x):
        return "torch"
    if array_api_compat.is_cupy_array(x):
        return "cupy"
    if array_api_compat.is_dask_array(x):
        return "dask"
    return type(x).__module__.split(".")[0]


def placement_of(x: Array) -> Placement:
    """Where ``x`` lives, as a :class:`Placement`."""
    library = library_of(x)
    if library == "torch":
        return Placement("torch", _torch_device_name(x.device))
    if library == "cupy":
        return Placement("cupy", f"cuda:{x.device.id}")
    return Placement(library, "cpu")


def torch_cuda_available() -> bool:
    """True when PyTorch is installed and sees a CUDA device."""
    if importlib.util.find_spec("torch") is None:
        return False
    import torch

    return bool(torch.cuda.is_available())


def cupy_available() -> bool:
    """True when CuPy is installed and sees a CUDA device."""
    if importlib.util.find_spec("cupy") is None:
        return False
    try:
        cupy = importlib.import_module("cupy")

        return int(cupy.cuda.runtime.getDeviceCount()) > 0
    except Exception:  # CuPy raises its own CUDARuntimeError without a driver
        return False


def cuda_available() -> bool:
    """True when a GPU is usable through PyTorch or CuPy."""
    return torch_cuda_available() or cupy_available()


def resolve(spec: Any, current: str | None = None) -> Placement:
    """The :class:`Placement` a device spec names (see the module's table).

    ``current`` is the library the network is on now (``"numpy"``, ``"torch"``,
    ``"cupy"``); it decides ``"cpu"`` and ``"cuda"``.  Raises
    :class:`DeviceError` for a GPU that is not there.
    """
    if _is_torch_device(spec):
        return resolve(f"torch:{spec}")
    if not isinstance(spec, str):
        raise NNDLValueError(
            "device must be a name such as 'cpu', 'cuda', 'torch', 'cupy' or 'numpy', or a "
            f"torch.device. Received: device={spec!r} of type {type(spec).__name__}"
        )
    name = spec.strip().lower()
    library, _, rest = name.partition(":")
    if library in ("numpy", "np"):
        return Placement("numpy", "cpu")
    if library == "cpu":
        return Placement("torch" if current == "torch" else "numpy", "cpu")
    if library in ("cuda", "gpu"):
        index = _index(spec, rest)
        if current in ("torch", "cupy"):
            return _check(Placement(current, f"cuda:{index}"), spec)
        if cupy_available():
            return Placement("cupy", f"cuda:{index}")
        if torch_cuda_available():
            return _check(Placement("torch", f"cuda:{index}"), spec)
        raise DeviceError(_no_gpu_message(spec))
    if library == "torch":
        if importlib.util.find_spec("torch") is None:
            raise DeviceError(
                f"device={spec!r} needs PyTorch, which is not installed: pip install 'nndl[torch]'"
            )
        where = rest or "cpu"
        if where.startswith("cuda"):
            _, _, number = where.partition(":")
            where = f"cuda:{_index(spec, number)}"
        elif where != "cpu":
            raise NNDLValueError(
                f"a PyTorch device is 'cpu' or 'cuda[:N]'. Received: device={spec!r}"
            )
        return _check(Placement("torch", where), spec)
    if library == "cupy":
        if rest.startswith("cuda"):
            rest = rest.partition(":")[2]
        return _check(Placement("cupy", f"cuda:{_index(spec, rest)}"), spec)
    raise NNDLValueError(
        "unknown device; the known ones are 'numpy', 'cpu', 'cuda' (or 'cuda:N', 'gpu'), "
        f"'torch' (or 'torch:cuda'), 'cupy'. Received: device={spec!r}"
    )


def move(x: Array, placement: Placement) -> Array:
    """``x`` (an array of any library) moved to ``placement``; ``x`` itself when it is there."""
    if placement_of(x) == placement:
        return x
    if placement.library == "numpy":
        return to_numpy(x)
    if placement.library == "torch":
        import torch

        if array_api_compat.is_torch_array(x):
            return x.to(placement.device)
        host = np.ascontiguousarray(to_numpy(x))
        return torch.from_numpy(host).to(placement.device)
    if placement.library == "cupy":
        cupy = importlib.import_module("cupy")

        with cupy.cuda.Device(int(placement.device.partition(":")[2])):
            return cupy.asarray(to_numpy(x))
    raise NNDLValueError(f"cannot move arrays to {placement}")


def synchronize(placement: Placement) -> None:
    """Wait for the GPU work queued on ``placement`` (for timing); nothing on the CPU."""
    if not placement.is_cuda:
        return
    if placement.library == "torch":
        import torch

        torch.cuda.synchronize(placement.device)
    elif placement.library == "cupy":
        cupy = importlib.import_module("cupy")

        cupy.cuda.get_current_stream().synchronize()


# ------------------------------------------------------------------ helpers


def _is_torch_device(spec: Any) -> bool:
    return type(spec).__module__ == "torch" and type(spec).__name__ == "device"


def _torch_device_name(dev: Any) -> str:
    if dev.type == "cuda":
        return f"cuda:{0 if dev.index is None else dev.index}"
    return str(dev.type)


def _index(spec: str, text: str) -> int:
    if text == "":
        return 0
    if not text.isdigit():
        raise NNDLValueError(f"a GPU is numbered from 0, as in 'cuda:1'. Received: device={spec!r}")
    return int(text)


def _no_gpu_message(spec: str) -> str:
    return (
        f"device={spec!r} asks for a CUDA GPU, but none is usable here: "
        f"torch.cuda.is_available() is {torch_cuda_available()} and CuPy is "
        f"{'installed but sees no GPU' if importlib.util.find_spec('cupy') else 'not installed'}. "
        "Use device='cpu' (or 'torch' for PyTorch CPU tensors), or install CuPy "
        "('pip install cupy-cuda12x') or a CUDA build of PyTorch on a machine with a GPU."
    )


def _check(placement: Placement, spec: str) -> Placement:
    """Raise :class:`DeviceError` when ``placement`` asks for a GPU that is not there."""
    if placement.library == "cupy":
        if importlib.util.find_spec("cupy") is None:
            raise DeviceError(
                f"device={spec!r} needs CuPy, which is not installed: pip install cupy-cuda12x "
                "(on a machine with an NVIDIA GPU), or use device='torch' or 'cpu'."
            )
        if not cupy_available():
            raise DeviceError(_no_gpu_message(spec))
        count = _gpu_count("cupy")
    elif placement.is_cuda:
        if not torch_cuda_available():
            raise DeviceError(_no_gpu_message(spec))
        count = _gpu_count("torch")
    else:
        return placement
    index = int(placement.device.partition(":")[2])
    if index >= count:
        raise DeviceError(
            f"device={spec!r} asks for GPU {index}, but this machine has {count} "
            f"(numbered 0 … {count - 1})."
        )
    return placement


def _gpu_count(library: str) -> int:
    if library == "torch":
        import torch

        return int(torch.cuda.device_count())
    cupy = importlib.import_module("cupy")

    return int(cupy.cuda.runtime.getDeviceCount())
