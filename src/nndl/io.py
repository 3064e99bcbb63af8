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

A training checkpoint is the same file with the optimizer's state
(``opt.<slot>.<param>``), the epoch, the history and the training options added:
``Network.fit(..., resume_from=path)`` continues from it.
"""

from __future__ import annotations

import json
import os
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.backend import to_numpy
from nndl.errors import NNDLValueError
from nndl.optim import Optimizer, OptimizerState

if TYPE_CHECKING:
    from nndl.network import Network
    from nndl.train import History

FORMAT = "nndl"
FORMAT_VERSION = 1
CHECKPOINT_FORMAT = "nndl-checkpoint"
METADATA_KEY = "__metadata__"


def _version() -> str:
    from nndl import __version__

    return __version__


def _metadata(network: Network) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "nndl_version": _version(),
        "layer_dims": list(network.layer_dims),
        "activations": [g.config() for g in network.activations],
        "loss": network.loss.config(),
        "dtype": network.dtype,
        "l2": float(getattr(network, "l2", 0.0)),
        "params": list(network.params),
        "info": dict(network.info),
    }


def _write_atomic(path: Path, arrays: dict[str, np.ndarray]) -> Path:
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


def _normalize_path(path: str | Path) -> Path:
    if not isinstance(path, (str, os.PathLike)):
        raise NNDLValueError(
            f"path must be a file name (str or pathlib.Path). Received: {path!r} of type "
            f"{type(path).__name__}"
        )
    p = Path(path)
    if p.suffix == "" and not p.is_dir():
        p = p.with_suffix(".npz")
    return p


def _param_arrays(network: Network) -> dict[str, np.ndarray]:
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
    p = _normalize_path(path)
    arrays = _param_arrays(network)
    arrays[METADATA_KEY] = np.array(json.dumps(_metadata(network)))
    return _write_atomic(p, arrays)


def _read(path: str | Path) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The metadata and arrays of an nndl file, with clear errors for bad files."""
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
    version = meta.get("format_version")
    if version != FORMAT_VERSION:
        raise NNDLValueError(
            f"{str(p)!r} has format_version={version!r}, but this nndl "
            f"({_version()}) reads format_version={FORMAT_VERSION}. It was written by "
            f"nndl {meta.get('nndl_version', '?')}: load it with that version"
        )
    for key in ("layer_dims", "activations", "loss", "dtype", "params"):
        if key not in meta:
            raise NNDLValueError(f"{str(p)!r} metadata lacks the key {key!r}: the file is damaged")
    return meta, arrays


def _build(meta: dict[str, Any], arrays: dict[str, np.ndarray], path: str | Path) -> Network:
    from nndl import activations
    from nndl.network import Network

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
    meta, arrays = _read(path)
    return _build(meta, arrays, path)


# ----------------------------------------------------------- checkpoints


@dataclass
class Checkpoint:
    """What :func:`load_checkpoint` returns."""

    network: Network
    params: dict[str, np.ndarray]
    optimizer: dict[str, Any]
    state: OptimizerState
    epoch: int
    history: History
    seed: int | None
    options: dict[str, Any]
    callbacks: dict[str, tuple[dict[str, Any], dict[str, np.ndarray]]] = field(default_factory=dict)
    """Each stateful callback's values and arrays (early stopping's best epoch, …)."""


def save_checkpoint(
    path: str | Path,
    network: Network,
    optimizer: Optimizer,
    state: OptimizerState,
    epoch: int,
    history: dict[str, Any],
    options: dict[str, Any],
    callbacks: dict[str, tuple[dict[str, Any], dict[str, np.ndarray]]] | None = None,
) -> Path:
    """Save the network with the optimizer's state, the epoch, the history and the
    callbacks' states (``{name: (values, arrays)}``)."""
    p = _normalize_path(path)
    arrays = _param_arrays(network)
    for slot, per_param in state.slots.items():
        for k, v in per_param.items():
            arrays[f"opt.{slot}.{k}"] = np.ascontiguousarray(to_numpy(v))
    callbacks = callbacks or {}
    for name, (_, cb_arrays) in callbacks.items():
        for k, v in cb_arrays.items():
            arrays[f"cb.{name}.{k}"] = np.ascontiguousarray(to_numpy(v))
    meta = _metadata(network)
    meta.update(
        format=CHECKPOINT_FORMAT,
        optimizer=optimizer.config(),
        step=int(state.t),
        slots=sorted(state.slots),
        epoch=int(epoch),
        history=history,
        options=options,
        callbacks={name: values for name, (values, _) in callbacks.items()},
    )
    arrays[METADATA_KEY] = np.array(json.dumps(meta))
    return _write_atomic(p, arrays)


def load_checkpoint(path: str | Path, network: Network | None = None) -> Checkpoint:
    """Read a checkpoint; with ``network``, check that it has the same architecture."""
    from nndl.train import History

    meta, arrays = _read(path)
    if meta.get("format") != CHECKPOINT_FORMAT:
        raise NNDLValueError(
            f"{str(path)!r} is a saved model, not a training checkpoint: load it with "
            "nndl.load(path), or save checkpoints with fit(..., checkpoint=path)"
        )
    for key in ("optimizer", "step", "slots", "epoch", "history"):
        if key not in meta:
            raise NNDLValueError(f"{str(path)!r} checkpoint metadata lacks the key {key!r}")
    saved = _build(meta, arrays, path)
    if network is not None and saved.config() != network.config():
        raise NNDLValueError(
            f"the checkpoint {str(path)!r} is of a different network: {saved!r}, "
            f"but fit was called on {network!r}"
        )
    slots: dict[str, dict[str, np.ndarray]] = {}
    for slot in meta["slots"]:
        slots[slot] = {}
        for k in meta["params"]:
            key = f"opt.{slot}.{k}"
            if key not in arrays:
                raise NNDLValueError(f"{str(path)!r} lacks the optimizer array {key!r}")
            slots[slot][k] = arrays[key]
    history = History.from_dict(meta["history"])
    callbacks = {}
    for name, values in dict(meta.get("callbacks") or {}).items():
        prefix = f"cb.{name}."
        cb_arrays = {k[len(prefix) :]: v for k, v in arrays.items() if k.startswith(prefix)}
        callbacks[name] = (dict(values), cb_arrays)
    return Checkpoint(
        network=saved,
        params={k: np.asarray(v) for k, v in saved.params.items()},
        optimizer=meta["optimizer"],
        state=OptimizerState(t=int(meta["step"]), slots=slots),
        epoch=int(meta["epoch"]),
        history=history,
        seed=meta.get("options", {}).get("seed"),
        options=meta.get("options", {}),
        callbacks=callbacks,
    )
