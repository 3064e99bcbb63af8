"""Saving and loading networks and training checkpoints.

A saved network is one ``.npz`` file (NumPy's zip of ``.npy`` arrays):

* ``W1, b1, …, WL, bL``: the parameters, in the network's dtype;
* ``__metadata__``: a JSON string (a NumPy unicode array, not a pickled object)
  with ``format`` (``"nndl"``), ``format_version``, ``layer_dims``,
  ``activations``, ``loss``, ``dtype``, ``l2``, ``nndl_version`` and the list of
  parameter names.

It is read with ``numpy.load(..., allow_pickle=False)``, so loading never runs
code: a file holding object arrays is refused.  Files are written to a temporary
file in the same folder, flushed to disk and renamed over the target
(``os.replace`` is atomic), so a crash or an error mid-save leaves the previous
file as it was.

A training checkpoint (:mod:`nndl.training.checkpoints`) is the same file with
the optimizer's state, the epoch, the history and the training options added;
it is written and read with the functions here.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl._version import __version__
from nndl.arrays.backend import to_numpy
from nndl.errors import NNDLValueError

if TYPE_CHECKING:
    from nndl.model.network import Network

FORMAT = "nndl"
FORMAT_VERSION = 1
CHECKPOINT_FORMAT = "nndl-checkpoint"
METADATA_KEY = "__metadata__"


def version() -> str:
    """The nndl version that writes the files."""
    return __version__


def metadata(network: Network) -> dict[str, Any]:
    """The JSON metadata saved beside a network's arrays."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "nndl_version": version(),
        "layer_dims": list(network.layer_dims),
        "activations": [g.config() for g in network.activations],
        "loss": network.loss.config(),
        "dtype": network.dtype,
        "l2": float(getattr(network, "l2", 0.0)),
        "params": list(network.params),
        "info": dict(network.info),
    }


def write_atomic(path: Path, arrays: dict[str, np.ndarray]) -> Path:
    """Write ``arrays`` as an ``.npz`` to a temporary file beside ``path``, then rename it."""
    if path.is_dir():
        raise NNDLValueError(
            f"cannot save to {str(path)!r}: it is a directory. Pass a file path such as "
            f"{str(path / 'model.npz')!r}"
        )
    folder = path.parent
    if not folder.is_dir():
        raise NNDLValueError(
            f"cannot save to {str(path)!r}: the folder {str(folder)!r} does not exist. "
            "Create it first."
        )
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)  # type: ignore[arg-type]
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path


def normalize_path(path: str | Path) -> Path:
    """``path`` as a Path; a name without a suffix gets ``.npz``."""
    if not isinstance(path, (str, os.PathLike)):
        raise NNDLValueError(
            f"path must be a file name (str or pathlib.Path). Received: {path!r} of type "
            f"{type(path).__name__}"
        )
    p = Path(path)
    if p.suffix == "" and not p.is_dir():
        p = p.with_suffix(".npz")
    return p


def param_arrays(network: Network) -> dict[str, np.ndarray]:
    """The parameters as NumPy arrays; refuses non-finite values."""
    arrays = {}
    for k, v in network.params.items():
        a = np.ascontiguousarray(to_numpy(v))
        if not np.all(np.isfinite(a)):
            raise NNDLValueError(
                f"refusing to save: parameter {k} holds NaN or infinite values "
                "(the training diverged); nothing was written"
            )
        arrays[k] = a
    return arrays


def save(network: Network, path: str | Path) -> Path:
    """Save ``network`` (architecture and parameters) to ``path``; returns the path written.

    A path without a suffix gets ``.npz``.  The previous file at ``path`` stays
    intact if anything fails.
    """
    p = normalize_path(path)
    arrays = param_arrays(network)
    arrays[METADATA_KEY] = np.array(json.dumps(metadata(network)))
    return write_atomic(p, arrays)


def read(path: str | Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The metadata and arrays of an nndl file (model or checkpoint), with clear errors for
    bad files."""
    p = Path(path)
    if p.is_dir():
        raise NNDLValueError(
            f"{str(p)!r} is a directory, not a saved model: pass the .npz file inside it"
        )
    if not p.exists():
        raise FileNotFoundError(f"no saved model at {str(p)!r}: check the path")
    try:
        with open(p, "rb") as f:
            if f.read(2) != b"PK":  # the zip signature of every .npz
                raise NNDLValueError(
                    f"{str(p)!r} is not an nndl model file: an .npz archive was expected; "
                    "the file may be truncated or corrupted, or of another kind"
                )
            f.seek(0)
            with np.load(f, allow_pickle=False) as data:
                arrays = {k: data[k] for k in data.files}
    except NNDLValueError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise NNDLValueError(
                f"{str(p)!r} holds object (pickled) arrays; nndl never loads those, because "
                "unpickling can run arbitrary code. Re-save the model with net.save()."
            ) from exc
        raise NNDLValueError(
            f"{str(p)!r} is not a readable nndl model file ({exc}); it may be truncated or "
            "corrupted"
        ) from exc
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise NNDLValueError(
            f"{str(p)!r} is not a complete nndl model file: it is truncated or corrupted "
            f"({type(exc).__name__}: {exc}). Save the model again."
        ) from exc
    if METADATA_KEY not in arrays:
        raise NNDLValueError(
            f"{str(p)!r} has no {METADATA_KEY!r} entry: it was not written by nndl's save()"
        )
    try:
        meta = json.loads(str(arrays.pop(METADATA_KEY)[()]))
    except (json.JSONDecodeError, IndexError) as exc:
        raise NNDLValueError(f"{str(p)!r} has unreadable metadata: {exc}") from exc
    if not isinstance(meta, dict) or meta.get("format") not in (FORMAT, CHECKPOINT_FORMAT):
        raise NNDLValueError(f"{str(p)!r} is not an nndl model file (no 'format': 'nndl')")
    found = meta.get("format_version")
    if found != FORMAT_VERSION:
        raise NNDLValueError(
            f"{str(p)!r} has format_version={found!r}, but this nndl "
            f"({__version__}) reads format_version={FORMAT_VERSION}. It was written by "
            f"nndl {meta.get('nndl_version', '?')}: load it with that version"
        )
    for key in ("layer_dims", "activations", "loss", "dtype", "params"):
        if key not in meta:
            raise NNDLValueError(f"{str(p)!r} metadata lacks the key {key!r}: the file is damaged")
    return meta, arrays


def build(meta: dict[str, Any], arrays: dict[str, np.ndarray], path: str | Path) -> Network:
    """The network that ``read``'s metadata and arrays describe, its shapes checked."""
    from nndl.model import activations
    from nndl.model.network import Network

    dims = [int(n) for n in meta["layer_dims"]]
    acts = [activations.get(c) for c in meta["activations"]]
    net = Network(dims, activations=acts, loss=meta["loss"], init="zeros", dtype=meta["dtype"])
    params = {}
    for k in meta["params"]:
        if k not in arrays:
            raise NNDLValueError(
                f"{str(path)!r} lacks the array {k!r} (the file lists it among the parameters): "
                "the file is damaged"
            )
        expected = tuple(net.params[k].shape)
        a = arrays[k]
        if a.shape != expected or a.dtype.kind != "f":
            raise NNDLValueError(
                f"{str(path)!r}: {k} has shape {a.shape} and dtype {a.dtype}; expected "
                f"{expected} floating point for layer_dims={dims}"
            )
        params[k] = a.astype(net.dtype, copy=False)
    if set(params) != set(net.params):
        missing = sorted(set(net.params) - set(params))
        raise NNDLValueError(f"{str(path)!r} lacks the parameters {missing}")
    net.params = params
    net.l2 = float(meta.get("l2", 0.0))
    info = meta.get("info", {})
    if not isinstance(info, dict):
        raise NNDLValueError(f"{str(path)!r}: the metadata's 'info' must be a JSON object")
    net.info = info
    return net


def load(path: str | Path) -> Network:
    """The network saved at ``path`` by :func:`save` (``net.save(path)``).

    Its predictions are bit-identical to those of the saved network (on NumPy).
    """
    meta, arrays = read(path)
    return build(meta, arrays, path)


_MOVED = {"Checkpoint", "save_checkpoint", "load_checkpoint"}


def __getattr__(name: str) -> object:
    if name in _MOVED:
        raise AttributeError(
            f"nndl.io.{name} has moved to nndl.training.checkpoints.{name} "
            f"(also nndl.training.{name})"
        )
    raise AttributeError(f"module 'nndl.io' has no attribute {name!r}")
