"""``nndl predict MODEL DATA``: a saved model's predictions as CSV, or the class of one picture."""

from __future__ import annotations

import argparse
import csv
import io as _stdio
import sys
from pathlib import Path
from typing import IO, Any

import numpy as np

from nndl import _files, _limits, datasets
from nndl.cli import _layered
from nndl.cli._common import (
    PREDICT_EXAMPLES,
    add_layout,
    class_names,
    encoder,
    layout_hint,
    load,
    prepare,
    regression_output,
    subparser,
)
from nndl.errors import NNDLValueError


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
    add_layout(predict)
    predict.set_defaults(handler=run)


CHUNK = 4096
"""Examples predicted at a time, so the peak memory is the data plus a bounded working set."""


def run(args: argparse.Namespace) -> int:
    out = None
    if args.out == "":
        raise NNDLValueError(
            "--out is empty; give a file name such as predictions.csv, or leave --out out (or "
            "give '-') to print the predictions"
        )
    if args.out and args.out != "-":  # check where the predictions go before loading anything
        out = _files.check_destination(args.out, "predictions", make_folder=True)
    net = _layered.load(args.model)
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
            layout=args.layout or "samples",
        )
    else:  # a built-in data set by name
        X = load(args.data, args.target).X
        names = [f"row {i + 1}" for i in range(X.shape[1])]
    # the features fit the model: checked before writing anything
    prepare(net, X[:, :1], layout_hint(args.data, args.layout))
    if out is None:
        _write_csv(net, X, names, sys.stdout)
        return 0

    def write(f: IO[bytes]) -> None:
        text = _stdio.TextIOWrapper(f, encoding="utf-8", newline="")
        _write_csv(net, X, names, text)
        text.flush()
        text.detach()  # the atomic writer closes the file

    _files.write_atomic(out, write, "predictions")
    if _limits.output_stream(out) is None:  # not into /dev/stdout or a pipe
        print(f"Wrote {X.shape[1]} predictions to {out}")
    return 0


def _write_csv(net: _layered.Model, X: np.ndarray, names: list[str], stream: IO[str]) -> None:
    """The predictions as CSV, computed :data:`CHUNK` examples at a time."""
    writer = csv.writer(stream, lineterminator="\n")
    classes = class_names(net)
    if net.task == "regression":
        writer.writerow(["example"] + [f"prediction_{k}" for k in range(net.n_y)])
    else:
        writer.writerow(["example", "prediction"] + [f"p_{c}" for c in classes])
    for start in range(0, X.shape[1], CHUNK):
        part = prepare(net, X[:, start : start + CHUNK])
        chunk = names[start : start + CHUNK]
        if net.task == "regression":  # in the target's own units
            A = regression_output(net, part)
            for i, name in enumerate(chunk):
                writer.writerow([name] + [f"{v:.6g}" for v in A[:, i]])
            continue
        A = np.asarray(net.predict_proba(part), dtype=np.float64)
        P = np.vstack([1.0 - A, A]) if A.shape[0] == 1 else A
        for i, name in enumerate(chunk):
            row = [name, classes[int(np.argmax(P[:, i]))]]
            writer.writerow(row + [f"{p:.6f}" for p in P[:, i]])
