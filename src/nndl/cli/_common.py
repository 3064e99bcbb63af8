"""What the subcommands share: the parser, argument types, data loading, results."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

import numpy as np

from nndl import datasets
from nndl.errors import NNDLValueError
from nndl.model.network import Network

TRAIN_EXAMPLES = """\
examples:
  nndl train --data planar --hidden 4 --activation tanh --lr 1.2 --epochs 10000 --seed 3
  nndl train --data planar --hidden 0 --lr 1.2 --epochs 2000        # logistic regression
  nndl train --data moons --hidden 20,7,5 --activation relu --init he --lr 0.1 --test-size 0.25
  nndl train --data digits --hidden 64 --optimizer adam --lr 0.001 --batch-size 64 \\
      --epochs 30 --test-size 0.25 --save digits.npz --plots out/
  nndl train --data houses.csv --target price --loss mse --hidden 32 --optimizer adam
  nndl train --config experiment.toml --epochs 50      # options from a file, overridden here
"""


EXAMPLES = (
    TRAIN_EXAMPLES
    + """\
  nndl evaluate digits.npz digits
  nndl predict cat_model.npz photo.jpg
  nndl predict digits.npz new_digits.csv --out predictions.csv
  nndl info digits.npz
  nndl plot activations --out activations.png
  nndl plot boundary moons_model.npz moons --out boundary.png
"""
)


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, pointing to ``--help``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def hidden_sizes(text: str) -> list[int]:
    """``"20,7,5"`` → ``[20, 7, 5]``; ``"0"`` → ``[]`` (logistic regression)."""
    try:
        sizes = [int(part) for part in str(text).replace(" ", "").split(",") if part != ""]
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


def comma_list(text: str) -> list[str]:
    """``"relu,tanh"`` → ``["relu", "tanh"]``."""
    return [part.strip() for part in str(text).split(",") if part.strip()]


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value


def fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}")
    return value


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def subparser(
    commands: Any, name: str, help: str, examples: str = EXAMPLES
) -> argparse.ArgumentParser:
    parser: Parser = commands.add_parser(
        name,
        help=help,
        description=help[0].upper() + help[1:] + ".",
        epilog=examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def load(source: str, target: str | None, **options: Any) -> datasets.Data:
    """A data set as :class:`nndl.datasets.Data` (X ``(n_x, m)``, Y ``(1, m)``, names)."""
    return datasets.load_data(source, target=target, **options)


def encoder(net: Network) -> datasets.TabularEncoder | None:
    """The CSV column encoding the model was trained with, if any."""
    config = net.info.get("encoder")
    return None if config is None else datasets.TabularEncoder.from_dict(config)


def load_for(net: Network, source: str, target: str | None) -> datasets.Data:
    """Labelled data for a saved model, CSV columns encoded as in its training."""
    return load(source, target, encoder=encoder(net))


def generator_options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if getattr(args, "data_seed", None) is not None:
        options["seed"] = args.data_seed
    if getattr(args, "samples", None) is not None:
        options["m"] = args.samples
    return options


def prepare(net: Network, X: np.ndarray) -> np.ndarray:
    """Features ``(n_x, m)`` as the network expects them (standardized as in training)."""
    X = np.asarray(X)
    if X.dtype.kind not in "iufb":
        raise NNDLValueError(f"the data holds values of dtype {X.dtype}; expected numbers")
    X = X.astype(np.float64, copy=False)
    info = net.info
    if X.shape[0] != net.n_x:
        raise NNDLValueError(
            f"the data has {X.shape[0]} features but the model expects {net.n_x}: give data "
            "with the same columns as the training data"
        )
    if "standardizer" in info:
        X = datasets.Standardizer.from_dict(info["standardizer"]).transform(X)
    return X


def labels_for(net: Network, data: Any) -> np.ndarray:
    """The data's labels as indices of the model's classes (or raw targets for regression)."""
    Y = np.asarray(data.Y)
    classes = net.info.get("classes")
    if net.task == "regression" or not classes or not data.classes:
        return Y
    index = {str(c): i for i, c in enumerate(classes)}
    names = [str(data.classes[int(k)]) for k in Y.ravel()]
    unknown = sorted(set(names) - set(index))
    if unknown:
        raise NNDLValueError(
            f"the data has labels {unknown} that the model does not know (its classes: {classes})"
        )
    return np.array([index[n] for n in names]).reshape(1, -1)


def r2(net: Network, X: np.ndarray, Y: np.ndarray) -> float:
    P = np.asarray(net.predict(X), dtype=np.float64)
    residual = float(np.sum((Y - P) ** 2))
    total = float(np.sum((Y - Y.mean(axis=1, keepdims=True)) ** 2))
    return 1.0 - residual / total if total > 0 else 0.0


def results(
    net: Network, X: np.ndarray, Y: np.ndarray, X_test: np.ndarray | None, Y_test: np.ndarray | None
) -> dict[str, Any]:
    result: dict[str, Any] = {"final_cost": net.cost(X, Y)}
    if net.task == "regression":
        result["train_r2"] = r2(net, X, Y)
        result["test_r2"] = None if X_test is None or Y_test is None else r2(net, X_test, Y_test)
        result["train_accuracy"] = result["test_accuracy"] = None
    else:
        result["train_accuracy"] = net.accuracy(X, Y)
        result["test_accuracy"] = (
            None if X_test is None or Y_test is None else net.accuracy(X_test, Y_test)
        )
    if X_test is not None and Y_test is not None:
        result["test_cost"] = net.cost(X_test, Y_test)
    return result


def confusion(net: Network, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    from nndl import plot  # its counting needs no matplotlib

    return plot.confusion_counts(Y, net.predict(X), min_classes=max(net.n_y, 2))


def class_names(net: Network) -> list[str]:
    names = [str(c) for c in net.info.get("classes") or []]
    return names + [str(i) for i in range(len(names), max(net.n_y, 2))]
