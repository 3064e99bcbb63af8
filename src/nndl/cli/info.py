"""``nndl info MODEL``: what a saved model is: layers, activations, loss, classes, data."""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np

from nndl.cli import _layered
from nndl.cli._common import INFO_EXAMPLES, subparser
from nndl.model.network import Network


def add(commands: Any) -> None:
    info = subparser(commands, "info", "describe a saved model", INFO_EXAMPLES)
    info.add_argument("model", metavar="MODEL", help="a model saved by nndl train --save")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    net = _layered.load(args.model)
    shape: dict[str, Any]
    if isinstance(net, Network):
        shape = {
            "layer_dims": net.layer_dims,
            "activations": [g.config() for g in net.activations],
        }
    else:
        shape = {
            "input_shape": list(net.input_shape),
            "layers": [layer.config() for layer in net.layers],
        }
    summary: dict[str, Any] = {
        "model": args.model,
        **shape,
        "loss": net.loss.name,
        "dtype": net.dtype,
        "parameters": int(sum(np.asarray(v).size for v in net.params.values())),
        "task": net.task,
        **{k: v for k, v in net.info.items() if k != "standardizer"},
        "standardized": "standardizer" in net.info,
    }
    if args.json:
        print(json.dumps(summary))
        return 0
    print(_layered.describe(net) if isinstance(net, Network) else net.summary())
    for key, value in summary.items():
        if key not in ("model", "layers"):
            shown = value if not isinstance(value, list) or len(value) <= 12 else f"{value[:12]}…"
            print(f"  {key}: {shown}")
    return 0
