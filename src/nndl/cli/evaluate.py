"""``nndl evaluate MODEL DATA``: a saved model's cost, accuracy and confusion matrix on data."""

from __future__ import annotations

import argparse
import json
from typing import Any

from nndl.cli import _layered
from nndl.cli._common import (
    EVALUATE_EXAMPLES,
    add_layout,
    class_names,
    confusion,
    confusion_text,
    labels_for,
    layout_hint,
    load_for,
    prepare,
    results,
    subparser,
)


def add(commands: Any) -> None:
    evaluate = subparser(commands, "evaluate", "evaluate a saved model on data", EVALUATE_EXAMPLES)
    evaluate.add_argument("model", metavar="MODEL", help="a model saved by nndl train --save")
    evaluate.add_argument(
        "data",
        metavar="DATA",
        help="a data file, or a built-in name (all of its examples, those the model trained "
        "on included)",
    )
    evaluate.add_argument("--target", metavar="COLUMN", help="the label column of a CSV file")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    add_layout(evaluate)
    evaluate.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    net = _layered.load(args.model)
    data = load_for(net, args.data, args.target, args.layout)
    X = prepare(net, data.X, layout_hint(args.data, args.layout))
    Y = labels_for(net, data)
    scored = results(net, X, Y, None, None)
    m = int(Y.shape[1])
    result: dict[str, Any] = {"examples": m, "cost": scored["final_cost"]}
    if net.task == "regression":
        result["r2"] = scored["train_r2"]
    else:
        result["accuracy"] = scored["train_accuracy"]
        result["confusion_matrix"] = confusion(net, X, Y).tolist()
    note = _training_rows_note(net, args.data, m)
    result["note"] = note
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{_layered.describe(net)} on {args.data}: {m} examples")
    if note:
        print(f"Note: {note}")
    print(f"Cost: {result['cost']:.6f}")
    if net.task == "regression":
        print(f"R²: {result['r2']:.4f}")
    else:
        print(f"Accuracy: {100 * result['accuracy']:.2f}%")
        print("Confusion matrix (rows: true class, columns: predicted):")
        print(confusion_text(result["confusion_matrix"], class_names(net)))
    return 0


def _training_rows_note(net: Any, source: str, m: int) -> str | None:
    """A warning when the data is the built-in set the model was trained on: all of it is
    scored, the training examples included, so the accuracy is not a test accuracy."""
    trained_on = str(net.info.get("data", ""))
    if not trained_on or trained_on.strip().lower() != source.strip().lower():
        return None
    return (
        f"scoring all {m} examples of {source!r}, including those the model was trained on; "
        "this is not a test score (train with --test-size and read its test accuracy, or "
        "evaluate on a file the model has not seen)"
    )
