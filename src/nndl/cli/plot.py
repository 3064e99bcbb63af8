"""``nndl plot activations|boundary``: each activation beside its derivative, or a saved
model's decision regions over 2-D data."""

from __future__ import annotations

import argparse
from typing import Any

from nndl import _files
from nndl import io as model_io
from nndl.cli._common import PLOT_EXAMPLES, labels_for, load_for, prepare, subparser
from nndl.errors import NNDLValueError


def add(commands: Any) -> None:
    plot = subparser(
        commands, "plot", "draw activation functions or a decision boundary", PLOT_EXAMPLES
    )
    plot.add_argument(
        "what",
        choices=["activations", "boundary"],
        help="activations: each function beside its derivative; boundary: a "
        "saved model's decision regions over 2-D data",
    )
    plot.add_argument("model", nargs="?", metavar="MODEL", help="(boundary) a saved model")
    plot.add_argument("data", nargs="?", metavar="DATA", help="(boundary) 2-D data")
    plot.add_argument("--out", metavar="FILE.png", help="where to write the figure")
    plot.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from nndl import plot

    out = args.out or f"{'activations' if args.what == 'activations' else 'decision_boundary'}.png"
    out = str(_files.check_destination(plot.figure_path(out), "figure", make_folder=True))
    if args.what == "activations":
        plot.activations(path=out)
    else:
        if not args.model or not args.data:
            raise NNDLValueError(
                "nndl plot boundary needs a saved model and 2-D data: "
                "nndl plot boundary MODEL DATA [--out FILE.png]"
            )
        net = model_io.load_network(args.model)
        data = load_for(net, args.data, None)
        X = prepare(net, data.X)
        if X.shape[0] != 2:
            raise NNDLValueError(
                f"a decision boundary needs 2-D data; {args.data!r} has {X.shape[0]} features"
            )
        plot.decision_boundary(net, X, labels_for(net, data), path=out)
    print(f"Wrote {out}")
    return 0
