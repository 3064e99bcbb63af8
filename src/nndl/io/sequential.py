"""Saving and loading a :class:`~nndl.model.sequential.Sequential` model.

The same file as a network's (``.npz`` of named arrays plus ``__metadata__`` JSON, read
with ``allow_pickle=False``, written atomically), with ``"model": "sequential"``, the
layers' configs and the input shape in place of ``layer_dims``.  Reading checks the
metadata first: every layer's kind and options, then the shape of every parameter and
running average computed from the configs without making them, and the total size
against the memory available, before any array is decompressed.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl import _files
from nndl.errors import NNDLValueError
from nndl.io._checks import is_int
from nndl.io._checks import malformed as _bad

if TYPE_CHECKING:
    from nndl.model.sequential import Sequential

MODEL = "sequential"
MAX_LAYERS = 1000


def metadata(model: Sequential) -> dict[str, Any]:
    """The JSON saved beside a Sequential model's arrays (the caller adds the format keys)."""
    return {
        "model": MODEL,
        "input_shape": list(model.input_shape),
        "layers": [layer.config() for layer in model.layers],
        "loss": model.loss.config(),
        "dtype": model.dtype,
        "l2": float(model.l2),
        "params": list(model.params),
        "state": list(model.state),
        "info": dict(model.info),
    }


def arrays(model: Sequential) -> dict[str, np.ndarray]:
    """The running averages as NumPy arrays (the parameters are the caller's)."""
    from nndl.arrays.backend import to_numpy

    return {k: np.ascontiguousarray(to_numpy(v)) for k, v in model.state.items()}


def expected_arrays(meta: dict[str, Any], path: Path) -> dict[str, tuple[int, ...]]:
    """Every array the metadata implies, name → shape, computed without building the model."""
    from nndl.model.layers import layer_from_config

    shape = meta.get("input_shape")
    if not isinstance(shape, list) or not shape or not all(is_int(n, 1) for n in shape):
        raise _bad(path, "input_shape", "a list of sizes >= 1", shape)
    configs = meta.get("layers")
    if not isinstance(configs, list) or not 0 < len(configs) <= MAX_LAYERS:
        raise _bad(path, "layers", f"a list of 1 to {MAX_LAYERS} layer configs", "…")
    shapes: dict[str, tuple[int, ...]] = {}
    current = tuple(int(n) for n in shape)
    l = 0
    for config in configs:
        if not isinstance(config, dict):
            raise _bad(path, "layers", "layer configs (JSON objects)", config)
        try:
            layer = layer_from_config(config)
            params, state = layer.param_shapes(current), layer.state_shapes(current)
            current = layer.output_shape_for(current)
        except (TypeError, ValueError) as exc:
            raise NNDLValueError(f"{str(path)!r} has a malformed layer {config!r}: {exc}") from exc
        if params:
            l += 1
            shapes.update({f"{name}{l}": s for name, s in params.items()})
            shapes.update({f"{name}{l}": s for name, s in state.items()})
    for key in ("params", "state"):
        names = meta.get(key)
        known = sorted(k for k in shapes if (k in (meta.get("params") or [])) == (key == "params"))
        if not isinstance(names, list) or sorted(map(str, names)) != known:
            raise _bad(path, key, f"the list {known}", names)
    count = sum(math.prod(s) for s in shapes.values())
    _files.check_memory(8 * count, f"loading {str(path)!r} ({count:,} numbers)")
    return shapes


def build(meta: dict[str, Any], arrays: dict[str, np.ndarray], path: Path) -> Sequential:
    """The model the checked metadata and arrays describe."""
    from nndl.model.layers import layer_from_config
    from nndl.model.sequential import Sequential

    try:
        layers = [layer_from_config(c) for c in meta["layers"]]
        model = Sequential(
            layers, meta["input_shape"], loss=meta["loss"], seed=0, dtype=meta["dtype"]
        )
    except (TypeError, ValueError) as exc:
        raise NNDLValueError(f"{str(path)!r} has malformed metadata: {exc}") from exc
    model.params = {k: arrays[k].astype(model.dtype, copy=False) for k in model.params}
    model.state = {k: arrays[k].astype(model.dtype, copy=False) for k in model.state}
    model.l2 = float(meta.get("l2", 0.0))
    model.info = dict(meta.get("info", {}))
    return model
