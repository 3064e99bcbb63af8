"""The ``nndl`` command line.

    nndl train --data planar --hidden 4 --activation tanh --lr 1.2 --epochs 10000 --seed 3
    nndl train --data digits --hidden 64 --activation relu --optimizer adam --lr 0.001 \\
        --batch-size 64 --epochs 30 --test-size 0.25 --save digits.npz --plots out/
    nndl evaluate digits.npz digits
    nndl predict cat_model.npz photo.jpg
    nndl info digits.npz
    nndl plot activations --out activations.png

Data is a built-in name (planar, moons, …, digits, breast_cancer, …) or a path
(.csv with ``--target``, .npz, .h5 in the course's layout, a folder of images).
A user's mistake (missing file, bad option, wrong shape, diverging training)
prints one line ``nndl: error: …`` and exits with status 2; no traceback.
"""

from __future__ import annotations

import argparse
import csv
import io as _stdio
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

import numpy as np

from nndl import __version__, _cli_playground, datasets
from nndl import io as model_io
from nndl.errors import NNDLError, NNDLValueError
from nndl.experiments.cli import add_experiment_command
from nndl.network import Network

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


# ----------------------------------------------------------------- parsing


class _Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line, pointing to ``--help``."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _hidden_sizes(text: str) -> list[int]:
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


def _names(text: str) -> list[str]:
    return [part.strip() for part in str(text).split(",") if part.strip()]


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not np.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value


def _fraction(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 <= value < 1:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1), got {text!r}")
    return value


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def _subparser(
    commands: Any, name: str, help: str, examples: str = EXAMPLES
) -> argparse.ArgumentParser:
    parser: _Parser = commands.add_parser(
        name,
        help=help,
        description=help[0].upper() + help[1:] + ".",
        epilog=examples,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of ``nndl`` and its subcommands."""
    parser = _Parser(
        prog="nndl",
        description="Neural networks from first principles, in the course's notation.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"nndl {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    _add_train(commands)
    _add_evaluate(commands)
    _add_predict(commands)
    _add_info(commands)
    _add_plot(commands)
    add_experiment_command(commands)
    _add_graph(commands)
    _cli_playground.add(commands)
    return parser


def _add_train(commands: Any) -> None:
    train = _subparser(
        commands, "train", "train a network and report its cost and accuracy", TRAIN_EXAMPLES
    )
    data = train.add_argument_group("data")
    data.add_argument(
        "--data",
        default="planar",
        metavar="NAME|PATH",
        help="a built-in data set (planar, moons, circles, blobs, gaussian_quantiles, spiral, "
        "xor, digits, breast_cancer, iris, wine, diabetes) or a .csv/.npz/.h5 file or image "
        "folder (default: planar)",
    )
    data.add_argument("--target", metavar="COLUMN", help="the label column of a CSV file")
    data.add_argument("--test-data", metavar="PATH", help="test data (same kind as --data)")
    data.add_argument(
        "--test-size",
        type=_fraction,
        default=None,
        metavar="FRACTION",
        help="hold out this fraction of the examples for testing (default: none, or the "
        "file's own test part)",
    )
    data.add_argument(
        "--standardize",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="standardize features with the training set's mean and std, saved with the model "
        "(default: on for files and scikit-learn sets, off for the 2-D built-in sets)",
    )
    data.add_argument(
        "--samples",
        type=_positive_int,
        default=None,
        metavar="M",
        help="number of examples to generate for a built-in 2-D set",
    )
    data.add_argument(
        "--data-seed",
        type=int,
        default=None,
        help="seed of the data generator (default: the set's own)",
    )

    model = train.add_argument_group("model")
    model.add_argument(
        "--hidden",
        type=_hidden_sizes,
        default=[4],
        metavar="SIZES",
        help="hidden layer sizes, comma-separated (20,7,5); 0 for logistic regression (default: 4)",
    )
    model.add_argument(
        "--activation",
        type=_names,
        default=["tanh"],
        metavar="NAMES",
        help="hidden activation, or one per hidden layer comma-separated: sigmoid, tanh, relu, "
        "leaky_relu, linear (default: tanh)",
    )
    model.add_argument(
        "--output", default=None, metavar="NAME", help="output activation (default: from the task)"
    )
    model.add_argument(
        "--loss",
        default=None,
        metavar="NAME",
        help="logistic, cross_entropy or mse (default: from the task)",
    )
    model.add_argument(
        "--init",
        default="random",
        metavar="NAME",
        help="random (x0.01), zeros, scaled, xavier, he (default: random)",
    )
    model.add_argument(
        "--device",
        default=None,
        metavar="DEVICE",
        help="where the math runs: cpu (NumPy), cuda (PyTorch on the GPU), torch, cupy "
        "(default: cpu)",
    )
    model.add_argument(
        "--dtype",
        default="float32",
        choices=["float32", "float64"],
        help="floating-point precision (default: float32)",
    )

    fit = train.add_argument_group("training")
    fit.add_argument(
        "--optimizer",
        default="gd",
        metavar="NAME",
        help="gd, momentum, rmsprop, adam, lbfgs (default: gd)",
    )
    fit.add_argument("--lr", type=_positive_float, default=1.2, help="learning rate (default: 1.2)")
    fit.add_argument(
        "--epochs",
        type=_positive_int,
        default=10_000,
        help="passes over the training data (default: 10000)",
    )
    fit.add_argument(
        "--batch-size",
        type=_positive_int,
        default=None,
        metavar="B",
        help="mini-batch size (default: the whole training set)",
    )
    fit.add_argument(
        "--l2",
        type=float,
        default=0.0,
        metavar="LAMBDA",
        help="L2 regularization strength λ (default: 0)",
    )
    fit.add_argument(
        "--dropout",
        type=_fraction,
        default=0.0,
        metavar="RATE",
        help="dropout rate of the hidden layers (default: 0)",
    )
    fit.add_argument(
        "--seed",
        type=int,
        default=3,
        help="seed of the initialization, shuffles and split (default: 3)",
    )
    fit.add_argument(
        "--print-every",
        type=_positive_int,
        default=1000,
        metavar="K",
        help="print the cost every K epochs (default: 1000)",
    )
    fit.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show a progress bar on a terminal (default: on)",
    )

    out = train.add_argument_group("output")
    out.add_argument("--save", metavar="MODEL", help="save the trained model (.npz)")
    out.add_argument(
        "--plots",
        metavar="DIR",
        help="write the cost curve (and decision boundary for 2-D data) here",
    )
    out.add_argument(
        "--json", action="store_true", help="print one JSON object with the results instead of text"
    )
    out.add_argument(
        "--config",
        metavar="FILE.toml",
        help="read options from a TOML file (keys as the long options); "
        "options given on the command line win",
    )
    train.set_defaults(handler=_train)


def _add_evaluate(commands: Any) -> None:
    evaluate = _subparser(commands, "evaluate", "evaluate a saved model on data")
    evaluate.add_argument("model", metavar="MODEL", help="a model saved by nndl train --save")
    evaluate.add_argument("data", metavar="DATA", help="a built-in name or a data file")
    evaluate.add_argument("--target", metavar="COLUMN", help="the label column of a CSV file")
    evaluate.add_argument("--json", action="store_true", help="print one JSON object")
    evaluate.set_defaults(handler=_evaluate)


def _add_predict(commands: Any) -> None:
    predict = _subparser(commands, "predict", "predict with a saved model, as CSV")
    predict.add_argument("model", metavar="MODEL", help="a model saved by nndl train --save")
    predict.add_argument(
        "data", metavar="DATA", help="a data file, a built-in name, or one image file (.jpg, .png)"
    )
    predict.add_argument(
        "--target",
        metavar="COLUMN",
        help="a label column of a CSV file to leave out of the features",
    )
    predict.add_argument("--out", metavar="FILE.csv", help="write the CSV here (default: stdout)")
    predict.set_defaults(handler=_predict)


def _add_info(commands: Any) -> None:
    info = _subparser(commands, "info", "describe a saved model")
    info.add_argument("model", metavar="MODEL", help="a model saved by nndl train --save")
    info.add_argument("--json", action="store_true", help="print one JSON object")
    info.set_defaults(handler=_info)


def _add_plot(commands: Any) -> None:
    plot = _subparser(commands, "plot", "draw activation functions or a decision boundary")
    plot.add_argument(
        "what",
        choices=["activations", "boundary"],
        help="activations: each function beside its derivative; boundary: a "
        "saved model's decision regions over 2-D data",
    )
    plot.add_argument("model", nargs="?", metavar="MODEL", help="(boundary) a saved model")
    plot.add_argument("data", nargs="?", metavar="DATA", help="(boundary) 2-D data")
    plot.add_argument("--out", metavar="FILE.png", help="where to write the figure")
    plot.set_defaults(handler=_plot)


def _apply_config(parser: argparse.ArgumentParser, argv: Sequence[str]) -> None:
    """Read ``--config FILE.toml`` (if given to ``train``) into the parser's defaults."""
    if "train" not in argv:
        return
    probe = argparse.ArgumentParser(add_help=False)
    probe.add_argument("--config")
    known, _ = probe.parse_known_args(argv)
    if known.config is None:
        return
    path = Path(known.config)
    if not path.is_file():
        raise NNDLValueError(f"the config file {str(path)!r} does not exist")
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise NNDLValueError(f"{str(path)!r} is not valid TOML: {exc}") from None
    config = config.get("train", config)
    train = _train_parser(parser)
    options = {a.dest: a for a in train._actions if a.dest not in ("help", "config", "handler")}
    defaults: dict[str, Any] = {}
    for key, value in config.items():
        dest = key.replace("-", "_")
        if dest not in options:
            raise NNDLValueError(
                f"{str(path)!r}: unknown option {key!r}; the known ones are: "
                f"{', '.join(sorted(d.replace('_', '-') for d in options))}"
            )
        action = options[dest]
        if action.type is not None and not isinstance(value, bool):
            text = ",".join(map(str, value)) if isinstance(value, list) else str(value)
            try:
                value = action.type(text)  # type: ignore[operator]
            except argparse.ArgumentTypeError as exc:
                raise NNDLValueError(f"{str(path)!r}: option {key!r}: {exc}") from None
        defaults[dest] = value
    train.set_defaults(**defaults)


def _train_parser(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            sub: argparse.ArgumentParser = action.choices["train"]
            return sub
    raise RuntimeError("the train command is missing")  # pragma: no cover


# -------------------------------------------------------------------- data


def _load(source: str, target: str | None, **options: Any) -> datasets.Data:
    """A data set as :class:`nndl.datasets.Data` (X ``(n_x, m)``, Y ``(1, m)``, names)."""
    return datasets.load_data(source, target=target, **options)


def _encoder(net: Network) -> datasets.TabularEncoder | None:
    """The CSV column encoding the model was trained with, if any."""
    config = net.info.get("encoder")
    return None if config is None else datasets.TabularEncoder.from_dict(config)


def _load_for(net: Network, source: str, target: str | None) -> datasets.Data:
    """Labelled data for a saved model, CSV columns encoded as in its training."""
    return _load(source, target, encoder=_encoder(net))


def _generator_options(args: argparse.Namespace) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if getattr(args, "data_seed", None) is not None:
        options["seed"] = args.data_seed
    if getattr(args, "samples", None) is not None:
        options["m"] = args.samples
    return options


def _prepare(net: Network, X: np.ndarray) -> np.ndarray:
    """Features ``(n_x, m)`` as the network expects them (standardized as in training)."""
    X = np.asarray(X, dtype=np.float64)
    info = net.info
    if X.shape[0] != net.n_x:
        raise NNDLValueError(
            f"the data has {X.shape[0]} features but the model expects {net.n_x}: give data "
            "with the same columns as the training data"
        )
    if "standardizer" in info:
        X = datasets.Standardizer.from_dict(info["standardizer"]).transform(X)
    return X


def _labels_for(net: Network, data: Any) -> np.ndarray:
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


# ------------------------------------------------------------------ train


def _train(args: argparse.Namespace) -> int:
    if args.save:  # check where the model goes before spending time on training
        target = Path(args.save)
        if target.is_dir():
            raise NNDLValueError(
                f"--save {args.save!r} is a folder; give a file name such as model.npz"
            )
        target.parent.mkdir(parents=True, exist_ok=True)
    data = _load(args.data, args.target, **_generator_options(args))
    X, Y = np.asarray(data.X, dtype=np.float64), np.asarray(data.Y)
    X_test: np.ndarray | None = None if data.X_test is None else np.asarray(data.X_test)
    Y_test: np.ndarray | None = None if data.Y_test is None else np.asarray(data.Y_test)
    if args.test_data is not None:
        test = _load(args.test_data, args.target, encoder=data.encoder)
        X_test, Y_test = np.asarray(test.X), np.asarray(test.Y)
    if args.test_size is not None and args.test_size > 0:
        X, Y, X_test, Y_test = datasets.train_test_split(
            X, Y, test_size=args.test_size, seed=args.seed
        )
    standardize = args.standardize
    if standardize is None:
        standardize = args.data.lower() not in datasets.GENERATORS and data.image_shape is None
    info: dict[str, Any] = {"data": args.data, "task": data.task}
    if standardize:
        scaler = datasets.Standardizer().fit(X)
        X = scaler.transform(X)
        X_test = None if X_test is None else scaler.transform(X_test)
        info["standardizer"] = scaler.to_dict()
    if data.classes is not None:
        info["classes"] = [str(c) for c in data.classes]
    if data.feature_names is not None:
        info["feature_names"] = [str(f) for f in data.feature_names]
    if data.encoder is not None:
        info["encoder"] = data.encoder.to_dict()
    if data.image_shape is not None:
        info["image_shape"] = list(data.image_shape)

    if data.task == "regression":
        n_y = Y.shape[0]
        loss = args.loss or "mse"
    else:
        n_classes = len(data.classes) if data.classes is not None else int(Y.max()) + 1
        n_y = 1 if n_classes <= 2 else n_classes
        loss = args.loss
    activation: str | list[str] = (
        args.activation[0] if len(args.activation) == 1 else args.activation
    )
    net = Network(
        [X.shape[0], *args.hidden, n_y],
        activations=activation,
        output=args.output,
        loss=loss,
        init=args.init,
        seed=args.seed,
        dtype=args.dtype,
        device=args.device,
    )
    net.info = info
    if not args.json:
        print(f"{net} on {args.data}: {X.shape[1]} training examples")
    interactive = args.progress and not args.json and sys.stdout.isatty()
    start = time.perf_counter()
    history = net.fit(
        X,
        Y,
        learning_rate=args.lr,
        epochs=args.epochs,
        optimizer=args.optimizer,
        batch_size=args.batch_size,
        l2=args.l2,
        dropout=args.dropout,
        validation_data=None if X_test is None else (X_test, Y_test),
        seed=args.seed,
        verbose=1 if interactive else 0,
        print_every=None if args.json else args.print_every,
    )
    seconds = time.perf_counter() - start
    result = _results(net, X, Y, X_test, Y_test)
    result.update(
        data=args.data,
        layer_dims=net.layer_dims,
        activation=activation,
        optimizer=args.optimizer,
        learning_rate=args.lr,
        epochs=len(history),
        interrupted=bool(getattr(history, "interrupted", False)),
        seconds=round(seconds, 4),
    )
    if args.save:
        result["model"] = str(model_io.save(net, args.save))
    if args.plots:
        evaluation = (X, Y) if X_test is None or Y_test is None else (X_test, Y_test)
        result["plots"] = _training_plots(net, history, (X, Y), evaluation, Path(args.plots))
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"Final cost: {result['final_cost']:.6f}")
    for split in ("train", "test"):
        for metric in ("accuracy", "r2"):
            value = result.get(f"{split}_{metric}")
            if value is not None:
                shown = f"{100 * value:.2f}%" if metric == "accuracy" else f"{value:.4f}"
                print(f"{split.capitalize()} {'R²' if metric == 'r2' else metric}: {shown}")
    print(f"Trained {len(history)} epochs in {seconds:.2f} s")
    if result.get("interrupted"):
        print("Training was interrupted; the results are those of the model trained so far.")
    for key in ("model", "plots"):
        if key in result:
            print(f"Wrote {result[key] if key == 'model' else ', '.join(result[key])}")
    return 0


def _r2(net: Network, X: np.ndarray, Y: np.ndarray) -> float:
    P = np.asarray(net.predict(X), dtype=np.float64)
    residual = float(np.sum((Y - P) ** 2))
    total = float(np.sum((Y - Y.mean(axis=1, keepdims=True)) ** 2))
    return 1.0 - residual / total if total > 0 else 0.0


def _results(
    net: Network, X: np.ndarray, Y: np.ndarray, X_test: np.ndarray | None, Y_test: np.ndarray | None
) -> dict[str, Any]:
    result: dict[str, Any] = {"final_cost": net.cost(X, Y)}
    if net.task == "regression":
        result["train_r2"] = _r2(net, X, Y)
        result["test_r2"] = None if X_test is None or Y_test is None else _r2(net, X_test, Y_test)
        result["train_accuracy"] = result["test_accuracy"] = None
    else:
        result["train_accuracy"] = net.accuracy(X, Y)
        result["test_accuracy"] = (
            None if X_test is None or Y_test is None else net.accuracy(X_test, Y_test)
        )
    if X_test is not None and Y_test is not None:
        result["test_cost"] = net.cost(X_test, Y_test)
    return result


def _training_plots(
    net: Network,
    history: Any,
    train: tuple[np.ndarray, np.ndarray],
    evaluation: tuple[np.ndarray, np.ndarray],
    folder: Path,
) -> list[str]:
    """Figures of a training run: the cost curve(s), and for classifiers the decision boundary
    (2-D data), the confusion matrix and, for images, the misclassified examples; the last two
    on the test data when there is some."""
    from nndl import plot

    folder.mkdir(parents=True, exist_ok=True)
    written: list[str] = []

    def save(name: str) -> Path:
        written.append(str(folder / name))
        return folder / name

    val_costs = getattr(history, "history", {}).get("val_cost")
    plot.cost_curve(list(history), val_costs or None, path=save("cost.png"))
    if net.task == "regression":
        return written
    X, Y = train
    if X.shape[0] == 2:
        plot.decision_boundary(net, X, Y, path=save("decision_boundary.png"))
    X_eval, Y_eval = evaluation
    truth = (np.argmax(Y_eval, axis=0) if Y_eval.shape[0] > 1 else Y_eval).reshape(1, -1)
    truth = truth.astype(int)
    predicted = np.asarray(net.predict(X_eval)).reshape(1, -1).astype(int)
    names = _class_names(net)
    plot.confusion_matrix(truth, predicted, class_names=names, path=save("confusion_matrix.png"))
    shape = net.info.get("image_shape")
    if shape and np.any(truth != predicted):
        pictures = X_eval
        if "standardizer" in net.info:  # show the pictures, not their standardized values
            pictures = datasets.Standardizer.from_dict(net.info["standardizer"]).inverse_transform(
                X_eval
            )
        plot.misclassified(
            pictures, truth, predicted, shape, class_names=names, path=save("misclassified.png")
        )
    return written


# ------------------------------------------------------- evaluate / predict


def _evaluate(args: argparse.Namespace) -> int:
    net = model_io.load(args.model)
    data = _load_for(net, args.data, args.target)
    X = _prepare(net, data.X)
    Y = _labels_for(net, data)
    result = _results(net, X, Y, None, None)
    result = {k: v for k, v in result.items() if not k.startswith("test")}
    result["examples"] = int(X.shape[1])
    if net.task != "regression":
        result["confusion_matrix"] = _confusion(net, X, Y).tolist()
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"{net} on {args.data}: {X.shape[1]} examples")
    print(f"Cost: {result['final_cost']:.6f}")
    if net.task == "regression":
        print(f"R²: {result['train_r2']:.4f}")
    else:
        print(f"Accuracy: {100 * result['train_accuracy']:.2f}%")
        classes = _class_names(net)
        print("Confusion matrix (rows: true class, columns: predicted):")
        width = max(len(c) for c in classes) + 2
        print(" " * width + "".join(c.rjust(width) for c in classes))
        for name, row in zip(classes, result["confusion_matrix"], strict=True):
            print(name.rjust(width) + "".join(str(v).rjust(width) for v in row))
    return 0


def _confusion(net: Network, X: np.ndarray, Y: np.ndarray) -> np.ndarray:
    from nndl import plot  # its counting needs no matplotlib

    return plot.confusion_counts(Y, net.predict(X), min_classes=max(net.n_y, 2))


def _class_names(net: Network) -> list[str]:
    classes = net.info.get("classes")
    if classes:
        return [str(c) for c in classes]
    return [str(i) for i in range(max(net.n_y, 2))]


def _predict(args: argparse.Namespace) -> int:
    net = model_io.load(args.model)
    if Path(args.data).exists():
        shape = net.info.get("image_shape")
        X, names = datasets.load_features(
            args.data, encoder=_encoder(net), image_shape=None if shape is None else tuple(shape)
        )
    else:  # a built-in data set by name
        X = _load(args.data, args.target).X
        names = [f"row {i + 1}" for i in range(X.shape[1])]
    X = _prepare(net, X)
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
    A = np.asarray(net.predict_proba(X), dtype=np.float64)
    buffer = _stdio.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    if net.task == "regression":
        writer.writerow(["example"] + [f"prediction_{k}" for k in range(A.shape[0])])
        for i, name in enumerate(names):
            writer.writerow([name] + [f"{v:.6g}" for v in A[:, i]])
        return buffer.getvalue()
    classes = _class_names(net)
    P = np.vstack([1.0 - A, A]) if A.shape[0] == 1 else A
    writer.writerow(["example", "prediction"] + [f"p_{c}" for c in classes])
    for i, name in enumerate(names):
        writer.writerow([name, classes[int(np.argmax(P[:, i]))]] + [f"{p:.6f}" for p in P[:, i]])
    return buffer.getvalue()


# ---------------------------------------------------------------- info/plot


def _info(args: argparse.Namespace) -> int:
    net = model_io.load(args.model)
    summary: dict[str, Any] = {
        "model": args.model,
        "layer_dims": net.layer_dims,
        "activations": [g.config() for g in net.activations],
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
    print(net)
    for key, value in summary.items():
        if key not in ("model",):
            shown = value if not isinstance(value, list) or len(value) <= 12 else f"{value[:12]}…"
            print(f"  {key}: {shown}")
    return 0


def _plot(args: argparse.Namespace) -> int:
    from nndl import plot

    out = args.out or f"{'activations' if args.what == 'activations' else 'decision_boundary'}.png"
    if args.what == "activations":
        plot.activations(path=out)
    else:
        if not args.model or not args.data:
            raise NNDLValueError(
                "nndl plot boundary needs a saved model and 2-D data: "
                "nndl plot boundary MODEL DATA [--out FILE.png]"
            )
        net = model_io.load(args.model)
        data = _load_for(net, args.data, None)
        X = _prepare(net, data.X)
        if X.shape[0] != 2:
            raise NNDLValueError(
                f"a decision boundary needs 2-D data; {args.data!r} has {X.shape[0]} features"
            )
        plot.decision_boundary(net, X, _labels_for(net, data), path=out)
    print(f"Wrote {out}")
    return 0


def _add_graph(commands: Any) -> None:
    graph = _subparser(
        commands,
        "graph",
        "draw a computation graph with each node's value and gradient",
        "examples:\n"
        "  nndl graph --example                    # the course's J = 3(a + bc), as DOT text\n"
        "  nndl graph --example --out graph.svg    # drawn by Graphviz's dot\n",
    )
    graph.add_argument(
        "--example",
        action="store_true",
        required=True,
        help="the course's J = 3(a + bc) with a = 5, b = 3, c = 2",
    )
    graph.add_argument(
        "--out", metavar="FILE", help=".dot (text), or .svg/.png/.pdf (needs Graphviz's dot)"
    )
    graph.set_defaults(handler=_graph)


def _graph(args: argparse.Namespace) -> int:
    from nndl import graph

    J, nodes = graph.course_example()
    grads = ", ".join(f"dJ/d{k} = {float(np.asarray(nodes[k].grad)):g}" for k in "abc")
    summary = f"J = 3(a + bc) = {float(np.asarray(J.value)):g} at a = 5, b = 3, c = 2; {grads}"
    if args.out is None:
        sys.stdout.write(graph.to_dot(J))
        print(f"// {summary}")
        return 0
    out = Path(args.out)
    if out.suffix.lower() == ".dot":
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(graph.to_dot(J), encoding="utf-8")
    else:
        graph.render(J, out)
    print(summary)
    print(f"Wrote {out}")
    return 0


# --------------------------------------------------------------------- main


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    try:
        _apply_config(parser, argv)
        args = parser.parse_args(argv)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return int(handler(args))
    except NNDLError as exc:
        print(f"nndl: error: {exc}", file=sys.stderr)
        return 2
    except (FileNotFoundError, IsADirectoryError, PermissionError) as exc:
        message = f"{exc.strerror}: {exc.filename!r}" if exc.strerror else str(exc)
        print(f"nndl: error: {message}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(f"nndl: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nndl: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
