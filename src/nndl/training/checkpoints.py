"""Training checkpoints: a saved network plus what resuming needs.

A checkpoint is a model file (:mod:`nndl.io`) with the optimizer's state
(``opt.<slot>.<param>`` arrays and the step count), the epoch, the history,
the training options and the callbacks' states (``cb.<name>.<array>``) added.
``Network.fit(..., resume_from=path)`` continues from it bit for bit.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays.backend import to_numpy
from nndl.errors import NNDLValueError
from nndl.io import (
    CHECKPOINT_FORMAT,
    METADATA_KEY,
    build,
    metadata,
    normalize_path,
    param_arrays,
    read,
    write_atomic,
)
from nndl.training.history import History
from nndl.training.optimizers import Optimizer, OptimizerState

if TYPE_CHECKING:
    from nndl.model.network import Network


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
    p = normalize_path(path)
    arrays = param_arrays(network)
    for slot, per_param in state.slots.items():
        for k, v in per_param.items():
            arrays[f"opt.{slot}.{k}"] = np.ascontiguousarray(to_numpy(v))
    callbacks = callbacks or {}
    for name, (_, cb_arrays) in callbacks.items():
        for k, v in cb_arrays.items():
            arrays[f"cb.{name}.{k}"] = np.ascontiguousarray(to_numpy(v))
    meta = metadata(network)
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
    return write_atomic(p, arrays)


def load_checkpoint(path: str | Path, network: Network | None = None) -> Checkpoint:
    """Read a checkpoint; with ``network``, check that it has the same architecture."""
    meta, arrays = read(path)
    if meta.get("format") != CHECKPOINT_FORMAT:
        raise NNDLValueError(
            f"{str(path)!r} is a saved model, not a training checkpoint: load it with "
            "nndl.load(path), or save checkpoints with fit(..., checkpoint=path)"
        )
    for key in ("optimizer", "step", "slots", "epoch", "history"):
        if key not in meta:
            raise NNDLValueError(f"{str(path)!r} checkpoint metadata lacks the key {key!r}")
    saved = build(meta, arrays, path)
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
