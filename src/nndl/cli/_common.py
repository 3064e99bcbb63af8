"""What the subcommands share: the parser, argument types, data loading, results."""

from __future__ import annotations

import argparse
from typing import Any, NoReturn

import numpy as np

from nndl import datasets
from nndl.cli._layered import Model, model_input
from nndl.errors import NNDLValueError, did_you_mean
from nndl.model.network import Network

TRAIN_EXAMPLES = """\
examples:
  nndl train --data planar --hidden 4 --activation tanh --lr 1.2 --epochs 10000 --seed 3
  nndl train --data planar --hidden 0 --lr 1.2 --epochs 2000        # logistic regression
  nndl train --data moons --hidden 20,7,5 --activation relu --init he --lr 0.1 --test-size 0.25
  nndl train --data digits --hidden 64 --optimizer adam --batch-size 64 \\
      --epochs 30 --test-size 0.25 --save digits.npz --plots out/
  nndl train --data planar --epochs 5000 --plots out/ --animate out/boundary.gif
  nndl train --data digits --layers conv:8:3,relu,maxpool:2,flatten,dense:10 \\
      --optimizer adam --lr 0.01 --batch-size 64 --epochs 20 --test-size 0.25
  nndl train --data houses.csv --target price --hidden 32 --optimizer adam
  nndl train --config run.toml --epochs 50      # options from a file, overridden here
"""

EVALUATE_EXAMPLES = """\
examples:
  nndl evaluate digits.npz digits
  nndl evaluate houses.npz houses_test.csv --target price --json
"""

PREDICT_EXAMPLES = """\
examples:
  nndl predict cat_model.npz photo.jpg
  nndl predict digits.npz new_digits.csv --out predictions.csv
  nndl predict digits.npz labelled_digits.csv --target label
"""

INFO_EXAMPLES = """\
examples:
  nndl info digits.npz
"""

PLOT_EXAMPLES = """\
examples:
  nndl plot activations --out activations.png
  nndl plot boundary moons_model.npz moons --out boundary.png
"""

EXAMPLES = "\n".join(
    [
        TRAIN_EXAMPLES,
        *(
            text.removeprefix("examples:\n")
            for text in (EVALUATE_EXAMPLES, PREDICT_EXAMPLES, INFO_EXAMPLES, PLOT_EXAMPLES)
        ),
    ]
).replace("\n\n", "\n")
"""All the examples, for ``nndl --help``; each subcommand's ``--help`` shows its own."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, pointing to ``--help``; a misspelt
    choice or option gets a "did you mean …?"."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")

    def _check_value(self, action: argparse.Action, value: Any) -> None:
        try:
            super()._check_value(action, value)
        except argparse.ArgumentError as exc:
            hint = did_you_mean(str(value), [str(c) for c in action.choices or ()])
            if not hint:
                raise
            raise argparse.ArgumentError(action, f"{exc.message}; {hint}") from None

    def parse_checked(self, argv: list[str]) -> argparse.Namespace:
        """``parse_args``, with the closest option named for each unknown one
        (``--activaton`` → "did you mean --activation?")."""
        args, extras = self.parse_known_args(argv)
        if not extras:
            return args
        parser = self._chosen_subparser(args)
        known = [s for action in parser._actions for s in action.option_strings]
        hints = []
        for extra in extras:
            option = extra.split("=", 1)[0]
            hint = did_you_mean(option, known) if option.startswith("-") else ""
            if hint:
                hints.append((option, hint))
        shown = "; ".join(f"for {o}, {h}" if len(hints) > 1 else h for o, h in hints)
        parser.error(f"unrecognized arguments: {' '.join(extras)}{'; ' + shown if shown else ''}")

    def _chosen_subparser(self, args: argparse.Namespace) -> argparse.ArgumentParser:
        """The subcommand's parser that read ``args`` (this parser when there is none)."""
        for action in self._actions:
            choices = action.choices
            if isinstance(choices, dict) and action.dest in vars(args):
                chosen = choices.get(getattr(args, action.dest))
                if isinstance(chosen, argparse.ArgumentParser):
                    return chosen
        return self


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


def layer_list(text: str) -> list[str]:
    """``"conv:16:3,relu,maxpool:2,flatten,dense:10"`` → its items, each checked against the
    grammar of :mod:`nndl.model.layers.spec` (a bad one named with the form expected)."""
    from nndl.model.layers import spec

    try:
        spec.parse(text)
    except NNDLValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None
    return spec.split(text)


def comma_list(text: str) -> list[str]:
    """``"relu,tanh"`` → ``["relu", "tanh"]``."""
    return [part.strip() for part in str(text).split(",") if part.strip()]


def _number(text: str) -> float:
    """``text`` as a float, else argparse's error "expected a number"."""
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None


def positive_float(text: str) -> float:
    value = _number(text)
    if not np.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value


def non_negative_float(text: str) -> float:
    value = _number(text)
    if not np.isfinite(value) or value < 0:
        raise argparse.ArgumentTypeError(f"expected a finite number >= 0, got {text!r}")
    return value


def fraction(text: str) -> float:
    value = _number(text)
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


def subparser(commands: Any, name: str, help: str, examples: str) -> argparse.ArgumentParser:
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


def encoder(net: Model) -> datasets.TabularEncoder | None:
    """The CSV column encoding the model was trained with, if any."""
    config = net.info.get("encoder")
    return None if config is None else datasets.TabularEncoder.from_dict(config)


def add_layout(parser: argparse.ArgumentParser) -> None:
    """``--layout samples|features``: how an ``.npz`` file's X is laid out."""
    parser.add_argument(
        "--layout",
        choices=["samples", "features"],
        default=None,
        help=".npz: samples if X is (m, n), one row per example (the default); features for "
        "the course's (n, m)",
    )


def load_for(
    net: Model, source: str, target: str | None, layout: str | None = None
) -> datasets.Data:
    """Labelled data for a saved model, CSV columns encoded as in its training."""
    options = {} if layout is None else {"layout": layout}
    return load(source, target, encoder=encoder(net), **options)


def layout_hint(source: str, layout: str | None) -> str:
    """What to try when an ``.npz`` file's features do not fit: the other ``--layout``."""
    if not str(source).lower().endswith(".npz"):
        return ""
    other = "samples" if layout == "features" else "features"
    shape = (
        "(m, n), one row per example" if other == "samples" else "(n, m), one column per example"
    )
    return f"; if the file's X is {shape}, pass --layout {other}"


def prepare(net: Model, X: np.ndarray, hint: str = "") -> np.ndarray:
    """Features ``(n_x, m)`` as the model expects them: standardized as in training, then in
    the model's layout (pictures ``(m, n_H, n_W, n_C)`` for a convolutional model); ``hint``
    ends the error for features that do not fit (:func:`layout_hint`)."""
    X = np.asarray(X)
    if X.dtype.kind not in "iufb":
        raise NNDLValueError(f"the data holds values of dtype {X.dtype}; expected numbers")
    X = X.astype(np.float64, copy=False)
    info = net.info
    n_x = net.n_x if isinstance(net, Network) else int(np.prod(net.input_shape))
    if X.shape[0] != n_x:
        raise NNDLValueError(
            f"the data has {X.shape[0]} features but the model expects {n_x}: give data "
            "with the same columns as the training data (for a CSV file with its label column, "
            f"name it with --target){hint}"
        )
    if "standardizer" in info:
        X = datasets.Standardizer.from_dict(info["standardizer"]).transform(X)
    return model_input(net, X)


def target_scaler(net: Model) -> datasets.Standardizer | None:
    """The standardization of a regression target the model was trained with, if any: the
    network predicts ``(y − mean) / std``."""
    config = net.info.get("target_standardizer")
    return None if config is None else datasets.Standardizer.from_dict(config)


def regression_output(net: Model, X: np.ndarray) -> np.ndarray:
    """A regression network's predictions in the target's own units."""
    P = np.asarray(net.predict(X), dtype=np.float64)
    scaler = target_scaler(net)
    return P if scaler is None else np.asarray(scaler.inverse_transform(P), dtype=np.float64)


def labels_for(net: Model, data: Any) -> np.ndarray:
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


def r2(net: Model, X: np.ndarray, Y: np.ndarray) -> float:
    """R² of a regression network on ``(X, Y)``, ``Y`` in the target's own units."""
    P = regression_output(net, X)
    residual = float(np.sum((Y - P) ** 2))
    total = float(np.sum((Y - Y.mean(axis=1, keepdims=True)) ** 2))
    return 1.0 - residual / total if total > 0 else 0.0


def cost(net: Model, X: np.ndarray, Y: np.ndarray) -> float:
    """The network's cost on ``(X, Y)``; a regression target in its own units is standardized
    first, as in training, so this is the cost the training reported."""
    scaler = target_scaler(net)
    if scaler is not None:
        Y = np.asarray(scaler.transform(np.asarray(Y, dtype=np.float64)))
    return net.cost(X, Y)


def results(
    net: Model, X: np.ndarray, Y: np.ndarray, X_test: np.ndarray | None, Y_test: np.ndarray | None
) -> dict[str, Any]:
    """Cost, accuracy (or R²) on the training and the test data; targets in their own units."""
    result: dict[str, Any] = {"final_cost": cost(net, X, Y)}
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
        result["test_cost"] = cost(net, X_test, Y_test)
    return result


def confusion(net: Model, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    from nndl import plot  # its counting needs no matplotlib

    return plot.confusion_counts(Y, net.predict(X), min_classes=max(net.n_y, 2))


def confusion_text(counts: Any, names: list[str]) -> str:
    """A confusion matrix as aligned text: a column per predicted class, wide enough for its
    largest count and name, separated by two spaces."""
    rows = [[str(int(v)) for v in row] for row in counts]
    width = max(len(text) for text in [*names, *(c for row in rows for c in row)])
    label = max(len(n) for n in names)
    lines = [" " * label + "".join("  " + n.rjust(width) for n in names)]
    for name, row in zip(names, rows, strict=True):
        lines.append(name.rjust(label) + "".join("  " + c.rjust(width) for c in row))
    return "\n".join(lines)


def class_names(net: Model) -> list[str]:
    names = [str(c) for c in net.info.get("classes") or []]
    return names + [str(i) for i in range(len(names), max(net.n_y, 2))]
