"""``nndl predict MODEL DATA``: a saved model's predictions as CSV, or the class of one picture."""

from __future__ import annotations

import argparse
import csv
import io as _stdio
import sys
from pathlib import Path
from typing import Any

import numpy as np

from nndl import datasets
from nndl import io as model_io
from nndl.cli._common import (
    PREDICT_EXAMPLES,
    class_names,
    encoder,
    load,
    prepare,
    regression_output,
    subparser,
)
from nndl.errors import NNDLValueError
from nndl.model.network import Network


def add(commands: Any) -> None:
    predict = subparser(commands, "predict", "predict with a saved model, as CSV", PREDICT_EXAMPLES)
    predict.add_argument("model", metavar="MODEL", help="a model saved by nndl train --save")
    predict.add_argument(
        "data", metavar="DATA", help="a data file, a built-in name, or one image file (.jpg, .png)"
    )
    predict.add_argument(
        "--target",
        metavar="COLUMN",
        help="a label column of a CSV file to leave out of the features (the model's own "
        "feature columns are picked by name when the file has them)",
    )
    predict.add_argument("--out", metavar="FILE.csv", help="write the CSV here (default: stdout)")
    predict.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    net = model_io.load(args.model)
    if Path(args.data).exists():
        shape = net.info.get("image_shape")
        if args.target is not None and Path(args.data).suffix.lower() not in (".csv", ".tsv"):
            raise NNDLValueError(
                f"--target names a column of a CSV file, but {args.data!r} is not one; "
                "leave --target out"
            )
        X, names = datasets.load_features(
            args.data,
            encoder=encoder(net),
            image_shape=None if shape is None else tuple(shape),
            target=args.target,
            feature_names=net.info.get("feature_names"),
        )
    else:  # a built-in data set by name
        X = load(args.data, args.target).X
        names = [f"row {i + 1}" for i in range(X.shape[1])]
    X = prepare(net, X)
    text = _predictions_csv(net, X, names)
    if args.out:
        out = Path(args.out)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(f"Wrote {X.shape[1]} predictions to {out}")
    else:
        sys.stdout.write(text)
    return 0


def _predictions_csv(net: Network, X: np.ndarray, names: list[str]) -> str:
    A = (
        regression_output(net, X)
        if net.task == "regression"
        else np.asarray(net.predict_proba(X), dtype=np.float64)
    )
    buffer = _stdio.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if net.task == "regression":
        writer.writerow(["example"] + [f"prediction_{k}" for k in range(A.shape[0])])
        for i, name in enumerate(names):
            writer.writerow([name] + [f"{v:.6g}" for v in A[:, i]])
        return buffer.getvalue()
    classes = class_names(net)
    P = np.vstack([1.0 - A, A]) if A.shape[0] == 1 else A
    writer.writerow(["example", "prediction"] + [f"p_{c}" for c in classes])
    for i, name in enumerate(names):
        writer.writerow([name, classes[int(np.argmax(P[:, i]))]] + [f"{p:.6f}" for p in P[:, i]])
    return buffer.getvalue()
