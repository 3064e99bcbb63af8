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
    model_arrays,
    model_metadata,
    normalize_path,
    param_arrays,
    read,
    write_atomic,
)
from nndl.training.history import History
from nndl.training.optimizers import Optimizer, OptimizerState

if TYPE_CHECKING:
    from nndl.model.network import Network
    from nndl.model.sequential import Sequential


@dataclass
class Checkpoint:
    """What :func:`load_checkpoint` returns.

    Parameters
    ----------
    network : Network or Sequential
        The model as saved.
    params : dict of str to numpy.ndarray
        Its parameters.
    optimizer : dict
        The optimizer's config.
    state : OptimizerState
        The optimizer's state (step count and slots).
    epoch : int
        The last epoch done.
    history : History
        The record of the epochs done.
    seed : int or None
        The run's seed.
    options : dict
        The run's options.
    callbacks : dict, optional
        Each stateful callback's values and arrays (early stopping's best epoch, …).
    """

    network: Network | Sequential
    params: dict[str, np.ndarray]
    optimizer: dict[str, Any]
    state: OptimizerState
    epoch: int
    history: History
    seed: int | None
    options: dict[str, Any]
    callbacks: dict[str, tuple[dict[str, Any], dict[str, np.ndarray]]] = field(default_factory=dict)


def save_checkpoint(
    path: str | Path,
    network: Network | Sequential,
    optimizer: Optimizer,
    state: OptimizerState,
    epoch: int,
    history: dict[str, Any],
    options: dict[str, Any],
    callbacks: dict[str, tuple[dict[str, Any], dict[str, np.ndarray]]] | None = None,
) -> Path:
    """Save the network with the optimizer's state, the epoch, the history and the callbacks'.

    Parameters
    ----------
    path : str or pathlib.Path
        The file (``.npz`` is added when it has no suffix); written atomically.
    network : Network or Sequential
        The model.
    optimizer : Optimizer
        The update rule, saved as its config.
    state : OptimizerState
        Its state.
    epoch : int
        The last epoch done.
    history : dict
        ``History.to_dict()``.
    options : dict
        The run's options (JSON-able).
    callbacks : dict, optional
        ``{name: (values, arrays)}``, each stateful callback's state.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    p = normalize_path(path)
    arrays = param_arrays(network)
    for slot, per_param in state.slots.items():
        for k, v in per_param.items():
            arrays[f"opt.{slot}.{k}"] = np.ascontiguousarray(to_numpy(v))
    callbacks = callbacks or {}
    for name, (_, cb_arrays) in callbacks.items():
        for k, v in cb_arrays.items():
            arrays[f"cb.{name}.{k}"] = np.ascontiguousarray(to_numpy(v))
    arrays.update(model_arrays(network))  # a Sequential model's running averages
    meta = model_metadata(network)
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


def checkpoint_path(path: str | Path) -> Path:
    """The file a checkpoint named ``path`` is in: ``path`` itself, or with ``.npz`` added as
    :func:`save_checkpoint` adds it (``checkpoint="ckpt"`` writes ``ckpt.npz``); a missing
    file is a :class:`FileNotFoundError` that says so."""
    p = normalize_path(path)  # also refuses what is not a path
    given = Path(path)
    if given.is_file():
        return given
    if not p.exists():
        also = f" (nor {str(p)!r})" if p != given else ""
        raise FileNotFoundError(
            f"no checkpoint at {str(path)!r}{also}: check the path. A checkpoint is written by "
            "fit(..., checkpoint=path) every checkpoint_every epochs; resume_from=path reads it"
        )
    return p


def load_checkpoint(path: str | Path, network: Network | None = None) -> Checkpoint:
    """Read a checkpoint; with ``network``, check that it has the same architecture.

    Parameters
    ----------
    path : str or pathlib.Path
        The checkpoint (``.npz`` may be left out).
    network : Network, optional
        The model to resume; its architecture must be the checkpoint's.

    Returns
    -------
    Checkpoint
        Everything saved.

    Raises
    ------
    FileNotFoundError
        When there is no checkpoint at the path.
    NNDLValueError
        When the file is a saved model, not a checkpoint, or is of another architecture.
    """
    path = checkpoint_path(path)
    meta, arrays = read(path, everything=True)
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


def check_resume(
    checkpoint: Checkpoint,
    path: str | Path,
    optimizer: dict[str, Any],
    options: dict[str, Any],
    epochs: int,
    seed_given: bool,
) -> None:
    """Refuse to resume unless ``fit`` was called as the checkpoint's run was: the same
    optimizer and training options (the seed too, when one is given; without one the
    checkpoint's is used), and ``epochs`` no fewer than the checkpoint has trained.  Each
    differing option is listed, with both values."""
    differences = []
    if checkpoint.optimizer != optimizer:
        differences.append(_difference("optimizer", checkpoint.optimizer, optimizer))
    saved = checkpoint.options
    for key, now in options.items():
        if key not in saved or (key == "seed" and not seed_given):
            continue  # an older checkpoint without the option; a seed taken from it
        before = saved[key]
        if key == "schedule" and isinstance(before, dict) and isinstance(now, dict):
            rest = {k: v for k, v in before.items() if k != "learning_rate"}
            if rest != {k: v for k, v in now.items() if k != "learning_rate"}:
                differences.append(_difference("schedule", before, now))
            if before.get("learning_rate") != now.get("learning_rate"):
                differences.append(
                    _difference("learning_rate", before.get("learning_rate"), now["learning_rate"])
                )
        elif before != now:
            differences.append(_difference(key, before, now))
    if differences:
        raise NNDLValueError(
            f"cannot resume from {str(path)!r}: fit was called with other training options than "
            f"the checkpoint's run, so it would not continue that run. Differing: "
            f"{'; '.join(differences)}. Call fit with the checkpoint's options, or start a new "
            "run from its parameters with nndl.training.load_checkpoint(path).network"
        )
    done = checkpoint.epoch + 1
    if epochs < done:
        raise NNDLValueError(
            f"the checkpoint {str(path)!r} has already trained {done} epochs, but fit was called "
            f"with epochs={epochs}: epochs counts from the start of training, not from the "
            f"checkpoint. Pass epochs greater than {done} to train on"
        )


def _difference(name: str, before: Any, now: Any) -> str:
    return f"{name}={before!r} in the checkpoint, {name}={now!r} now"
