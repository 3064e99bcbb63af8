"""``nndl evaluate MODEL DATA``: a saved model's cost, accuracy and confusion matrix on data."""

from __future__ import annotations

import argparse
import json
from typing import Any

from nndl import io as model_io
from nndl.cli._common import (
    class_names,
    confusion,
    labels_for,
    load_for,
    prepare,
    results,
    subparser,
)


def add(commands: Any) -> None:
    evaluate = subparser(commands, "evaluate", "evaluate a saved model on data")
    evaluate.add_argument("model", metavar="MODEL", help="a model saved by nndl train --save")
    evaluate.add_argument("data", metavar="DATA", help="a built-in name or a data file")
    evaluate.add_argument("--target", metavar="COLUMN", help="the label column of a CSV file")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    net = model_io.load(args.model)
    data = load_for(net, args.data, args.target)
    X = prepare(net, data.X)
    Y = labels_for(net, data)
    result = results(net, X, Y, None, None)
    result = {k: v for k, v in result.items() if not k.startswith("test")}
    result["examples"] = int(X.shape[1])
    if net.task != "regression":
        result["confusion_matrix"] = confusion(net, X, Y).tolist()
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{net} on {args.data}: {X.shape[1]} examples")
    print(f"Cost: {result['final_cost']:.6f}")
    if net.task == "regression":
        print(f"R²: {result['train_r2']:.4f}")
    else:
        print(f"Accuracy: {100 * result['train_accuracy']:.2f}%")
        classes = class_names(net)
        print("Confusion matrix (rows: true class, columns: predicted):")
        width = max(len(c) for c in classes) + 2
        print(" " * width + "".join(c.rjust(width) for c in classes))
        for name, row in zip(classes, result["confusion_matrix"], strict=True):
            print(name.rjust(width) + "".join(str(v).rjust(width) for v in row))
    return 0
