"""The ``nndl`` command line.

    nndl train --data planar --hidden 4 --activation tanh --lr 1.2 --epochs 10000 --seed 3

A user's mistake (bad option, unknown data set, diverging training) prints one
line ``nndl: error: …`` and exits with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from typing import Any

import numpy as np

from nndl import __version__, datasets
from nndl.errors import NNDLError
from nndl.network import Network

EXAMPLES = """\
examples:
  nndl train --data planar --hidden 4 --activation tanh --lr 1.2 --epochs 10000 --seed 3
  nndl train --data planar --hidden 0 --lr 1.2 --epochs 2000        # logistic regression
  nndl train --data moons --hidden 20,7,5 --activation relu --init he --lr 0.1 --test-size 0.25
  nndl train --data spiral --hidden 50 --lr 1.0 --epochs 5000 --json
"""


def _hidden_sizes(text: str) -> list[int]:
    """``"20,7,5"`` → ``[20, 7, 5]``; ``"0"`` → ``[]`` (logistic regression)."""
    try:
        sizes = [int(part) for part in text.replace(" ", "").split(",") if part != ""]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated layer sizes such as 4 or 20,7,5 (0 for none); got {text!r}"
        ) from None
    if sizes == [0]:
        return []
    if not sizes or any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError(
            f"hidden layer sizes must be integers >= 1 (or a single 0 for none); got {text!r}"
        )
    return sizes


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``nndl`` and its subcommands."""
    parser = argparse.ArgumentParser(
        prog="nndl",
        description="Neural networks from first principles, in the course's notation.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"nndl {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True

    train = commands.add_parser(
        "train",
        help="train a network on a built-in data set and report its accuracy",
        description="Train a network by batch gradient descent and report cost and accuracy.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    train.add_argument(
        "--data",
        default="planar",
        metavar="NAME",
        help=f"built-in data set: {', '.join(datasets.GENERATORS)} (default: planar)",
    )
    train.add_argument(
        "--hidden",
        type=_hidden_sizes,
        default=[4],
        metavar="SIZES",
        help="hidden layer sizes, comma-separated (20,7,5); 0 for logistic regression (default: 4)",
    )
    train.add_argument(
        "--activation",
        default="tanh",
        metavar="NAME",
        help="hidden activation: sigmoid, tanh, relu, leaky_relu, linear (default: tanh)",
    )
    train.add_argument(
        "--init",
        default="random",
        metavar="NAME",
        help="initializer: random (x0.01), zeros, scaled, xavier, he (default: random)",
    )
    train.add_argument(
        "--lr", type=_positive_float, default=1.2, help="learning rate (default: 1.2)"
    )
    train.add_argument(
        "--epochs",
        type=_positive_int,
        default=10_000,
        help="iterations of gradient descent (default: 10000)",
    )
    train.add_argument(
        "--seed", type=int, default=3, help="seed of the initialization and the split (default: 3)"
    )
    train.add_argument(
        "--data-seed",
        type=int,
        default=None,
        help="seed of the data generator (default: the data set's own)",
    )
    train.add_argument(
        "--samples",
        type=_positive_int,
        default=None,
        metavar="M",
        help="number of examples to generate (default: the data set's own)",
    )
    train.add_argument(
        "--test-size",
        type=float,
        default=None,
        metavar="FRACTION",
        help="hold out this fraction of the examples for testing (default: none)",
    )
    train.add_argument(
        "--dtype",
        default="float32",
        choices=["float32", "float64"],
        help="floating-point precision (default: float32)",
    )
    train.add_argument(
        "--print-every",
        type=_positive_int,
        default=1000,
        metavar="K",
        help="print the cost every K epochs (default: 1000)",
    )
    train.add_argument(
        "--json", action="store_true", help="print one JSON object with the results instead of text"
    )
    train.set_defaults(handler=_train)
    return parser


def _load_data(args: argparse.Namespace) -> tuple[np.ndarray, np.ndarray]:
    options: dict[str, Any] = {}
    if args.data_seed is not None:
        options["seed"] = args.data_seed
    if args.samples is not None:
        options["m"] = args.samples
    return datasets.load(args.data, **options)


def _train(args: argparse.Namespace) -> int:
    X, Y = _load_data(args)
    X_test: np.ndarray | None = None
    Y_test: np.ndarray | None = None
    if args.test_size is not None:
        X, Y, X_test, Y_test = datasets.train_test_split(
            X, Y, test_size=args.test_size, seed=args.seed
        )
    n_classes = int(Y.max()) + 1
    n_y = 1 if n_classes <= 2 else n_classes
    net = Network(
        [X.shape[0], *args.hidden, n_y],
        activations=args.activation,
        init=args.init,
        seed=args.seed,
        dtype=args.dtype,
    )
    if not args.json:
        print(f"{net} on {args.data}: {X.shape[1]} training examples")
    start = time.perf_counter()
    costs = net.fit(
        X,
        Y,
        learning_rate=args.lr,
        epochs=args.epochs,
        print_every=None if args.json else args.print_every,
    )
    seconds = time.perf_counter() - start
    result = {
        "data": args.data,
        "layer_dims": net.layer_dims,
        "activation": args.activation,
        "learning_rate": args.lr,
        "epochs": args.epochs,
        "final_cost": net.cost(X, Y),
        "train_accuracy": net.accuracy(X, Y),
        "test_accuracy": None if X_test is None else net.accuracy(X_test, Y_test),
        "seconds": round(seconds, 4),
        "cost_history_every": args.print_every,
        "cost_history": costs[:: args.print_every],
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"Final cost: {result['final_cost']:.6f}")
    print(f"Train accuracy: {100 * result['train_accuracy']:.2f}%")
    if result["test_accuracy"] is not None:
        print(f"Test accuracy: {100 * result['test_accuracy']:.2f}%")
    print(f"Trained {args.epochs} epochs in {seconds:.2f} s")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args))
    except NNDLError as exc:
        print(f"nndl: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nndl: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
