"""``nndl train``: load data, train a network, report, and optionally save the model and plots."""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, cast

import numpy as np

from nndl import _files, datasets, training
from nndl import io as model_io
from nndl.cli import _figures, _layered, _rules
from nndl.cli._common import (
    TRAIN_EXAMPLES,
    comma_list,
    fraction,
    hidden_sizes,
    layer_list,
    load,
    non_negative_float,
    positive_float,
    positive_int,
    results,
    subparser,
)
from nndl.errors import NNDLValueError, NNDLWriteError
from nndl.model.network import Network
from nndl.model.sequential import Sequential


def add(commands: Any) -> None:
    train = subparser(
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
    data.add_argument(
        "--test-data",
        metavar="PATH",
        help="test data (same kind as --data); not together with --test-size",
    )
    data.add_argument(
        "--test-size",
        type=fraction,
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
        "(default: on for every data set but the generated 2-D ones: files, pictures (each pixel "
        "standardized, so ReLU units with Adam do not all die) and scikit-learn's sets, digits "
        "included). A regression target is always standardized for training; predictions and "
        "R² are in its own units",
    )
    data.add_argument(
        "--missing",
        choices=["drop", "mean"],
        default=None,
        help="CSV: what to do with missing cells (default: stop with an error naming them): "
        "drop those rows, or fill with the training mean (a text column: its most frequent value)",
    )
    data.add_argument(
        "--drop",
        type=comma_list,
        default=None,
        metavar="COLUMNS",
        help="CSV: columns to leave out, comma-separated (an identifier, say)",
    )
    data.add_argument(
        "--layout",
        choices=["samples", "features"],
        default=None,
        help=".npz: samples if X is (m, n), one row per example (the default); features for "
        "the course's (n, m)",
    )
    data.add_argument(
        "--task",
        choices=["binary", "multiclass", "regression"],
        default=None,
        help="CSV and .npz: the task, instead of the guess from the target (text or whole "
        "numbers: classes; other numbers: regression)",
    )
    data.add_argument(
        "--sequence-length",
        type=positive_int,
        default=None,
        metavar="T",
        help="read each row as a sequence of T steps, x<1>, ..., x<T> (T times n_x numbers "
        "plus the label), for recurrent layers (--layers lstm:N,...); an .npz file's X of shape "
        "(m, T, n_x) is read as sequences without it",
    )
    data.add_argument(
        "--samples",
        type=positive_int,
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
    data.add_argument(
        "--noise",
        type=non_negative_float,
        default=None,
        metavar="SIGMA",
        help="noise of a generated 2-D set (the blobs' spread; default: the set's own)",
    )

    model = train.add_argument_group("model")
    model.add_argument(
        "--hidden",
        type=hidden_sizes,
        default=[4],
        metavar="SIZES",
        help="hidden layer sizes, comma-separated (20,7,5); 0 for logistic regression (default: 4)",
    )
    model.add_argument(
        "--layers",
        type=layer_list,
        default=None,
        metavar="SPEC",
        help="a model of layers instead of --hidden, comma-separated: dense:N[:activation], "
        "conv:N:F[:stride[:pad]], conv1d:..., maxpool:F[:stride], avgpool:..., flatten, "
        "batchnorm, dropout:RATE, and activations (relu, tanh, ...); the last is the output's "
        "dense:N, its activation from the task. Pictures stay (m, H, W, C) when it starts with "
        "conv or a pooling (docs/layers.md)",
    )
    model.add_argument(
        "--activation",
        type=comma_list,
        default=None,
        metavar="NAMES",
        help="the hidden layers' activation: one for all, or exactly one per hidden layer "
        "comma-separated: sigmoid, tanh, relu, leaky_relu, linear (default: tanh). The output "
        "layer's is --output",
    )
    model.add_argument(
        "--output", default=None, metavar="NAME", help="output activation (default: from the task)"
    )
    model.add_argument(
        "--loss",
        default=None,
        metavar="NAME",
        help="logistic, cross_entropy or mse (default: from the task: logistic for two "
        "classes, cross_entropy for more, mse for a numeric target; mse on classes is refused)",
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
    fit.add_argument(
        "--lr",
        type=positive_float,
        default=None,
        help="learning rate (default: the optimizer's own: 1.2 for gd and momentum, 0.001 for "
        "rmsprop and adam; lbfgs takes none)",
    )
    fit.add_argument(
        "--epochs",
        type=positive_int,
        default=10_000,
        help="passes over the training data (default: 10000)",
    )
    fit.add_argument(
        "--batch-size",
        type=positive_int,
        default=None,
        metavar="B",
        help="mini-batch size (default: the whole training set; not with lbfgs)",
    )
    fit.add_argument(
        "--l2",
        type=float,
        default=0.0,
        metavar="LAMBDA",
        help="L2 regularization strength λ: the cost adds (λ/2m)·Σ||W||² (m: the training "
        "examples); with mini-batches each step's gradient adds (λ/B)·W, scikit-learn's "
        "convention (default: 0)",
    )
    fit.add_argument(
        "--dropout",
        type=fraction,
        default=0.0,
        metavar="RATE",
        help="dropout rate of the hidden layers (default: 0; needs a hidden layer)",
    )
    fit.add_argument(
        "--seed",
        type=int,
        default=3,
        help="seed of the initialization, shuffles and split (default: 3)",
    )
    fit.add_argument(
        "--print-every",
        type=positive_int,
        default=None,
        metavar="K",
        help="print the cost every K epochs (default: 1000, or every epoch with --batch-size)",
    )
    fit.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="show a progress bar with each epoch's metrics on a terminal (default: on)",
    )

    out = train.add_argument_group("output")
    out.add_argument("--save", metavar="MODEL", help="save the trained model (.npz)")
    out.add_argument(
        "--plots",
        metavar="DIR",
        help="write the figures here: cost, activation and gradient bands per layer, the "
        "confusion matrix; the decision boundary and hidden units for 2-D data; first-layer "
        "weights and mistakes for pictures",
    )
    out.add_argument(
        "--plot-every",
        type=positive_int,
        default=None,
        metavar="N",
        help="with --plots, also draw the hidden units every N epochs (2-D data); with "
        "--animate, a frame every N epochs (default: about 40 frames)",
    )
    out.add_argument(
        "--animate",
        metavar="FILE.gif",
        help="write the decision boundary learning as a GIF (2-D classification data)",
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
    train.set_defaults(handler=run)


def _destinations(args: argparse.Namespace) -> None:
    """Check where the model and the plots go before spending time on training."""
    for option in ("save", "plots", "animate"):
        if getattr(args, option, None) == "":
            raise NNDLValueError(
                f"--{option} is empty; give a file name (such as model.npz), or leave the option "
                "out"
            )
    if args.save:
        _files.check_destination(model_io.normalize_path(args.save), "model", make_folder=True)
    if args.plots:
        folder = Path(args.plots)
        if folder.exists() and not folder.is_dir():
            raise NNDLValueError(f"--plots {args.plots!r} is a file; give a folder for the plots")
        _files.check_destination(folder / "cost.png", "plots", make_folder=True)
    if args.animate:
        if Path(args.animate).is_dir():
            raise NNDLValueError(f"--animate {args.animate!r} is a folder; give a file name")
        _files.check_destination(Path(args.animate), "animation", make_folder=True)


def file_options(args: argparse.Namespace) -> dict[str, Any]:
    """The data-file options given (--missing, --drop, --layout, --task)."""
    options: dict[str, Any] = {}
    for key in ("missing", "drop", "layout", "task"):
        if getattr(args, key, None) is not None:
            options[key] = getattr(args, key)
    return options


def _save(net: _layered.Model, path: str) -> str:
    """Save the trained model; if that fails (a disk that filled up during training), save it
    where it can be written and say where, so the training is not lost."""
    try:
        return str(model_io.save(net, path))
    except NNDLWriteError as exc:
        name = model_io.normalize_path(path).name
        for folder in (Path.cwd(), Path.home(), Path(tempfile.gettempdir())):
            try:
                rescued = model_io.save(net, folder / f"rescued-{name}")
            except (NNDLWriteError, NNDLValueError):
                continue
            raise NNDLWriteError(
                f"{exc}. The trained model was saved to {rescued} instead"
            ) from exc
        raise


def run(args: argparse.Namespace) -> int:
    _destinations(args)
    learning_rate = _rules.learning_rate(args)
    fit_options = _rules.fit_options(args, learning_rate)
    activation = None if args.layers else _rules.hidden_activations(args)
    data = load(args.data, args.target, **_rules.generator_options(args), **file_options(args))
    if args.sequence_length is not None:
        data = datasets.as_sequences(data, args.sequence_length)
    _rules.check_combinations(args, data.task)
    _rules.check_classes(data.Y, data.task, data.classes, str(args.data))
    X, Y = np.asarray(data.X, dtype=np.float64), np.asarray(data.Y)
    X_test: np.ndarray | None = None if data.X_test is None else np.asarray(data.X_test)
    Y_test: np.ndarray | None = None if data.Y_test is None else np.asarray(data.Y_test)
    if args.test_data is not None:
        options = {k: v for k, v in file_options(args).items() if k in ("layout", "task")}
        test = load(args.test_data, args.target, encoder=data.encoder, **options)
        X_test, Y_test = np.asarray(test.X), np.asarray(test.Y)
    if args.test_size is not None and args.test_size > 0:
        X, Y, X_test, Y_test = datasets.train_test_split(
            X, Y, test_size=args.test_size, seed=args.seed
        )
    _rules.check_animation(args, X.shape[0], data.task)
    info: dict[str, Any] = {"data": args.data, "task": data.task}
    if _rules.standardize(args):
        scaler = datasets.Standardizer().fit(X)
        X = scaler.transform(X)
        X_test = None if X_test is None else scaler.transform(X_test)
        info["standardizer"] = scaler.to_dict()
    Y_fit = Y
    if data.task == "regression":  # as the estimators do: the network learns (y − mean) / std
        target_scaler = datasets.Standardizer().fit(Y.astype(np.float64))
        Y_fit = target_scaler.transform(Y.astype(np.float64))
        info["target_standardizer"] = target_scaler.to_dict()
    if data.classes is not None:
        info["classes"] = [str(c) for c in data.classes]
    if data.feature_names is not None:
        info["feature_names"] = [str(f) for f in data.feature_names]
    if data.encoder is not None:
        info["encoder"] = data.encoder.to_dict()
    if data.image_shape is not None:
        info["image_shape"] = list(data.image_shape)
    if data.sequence_shape is not None:
        info["sequence_shape"] = list(data.sequence_shape)

    if data.task == "regression":
        n_y = Y.shape[0]
        loss = args.loss or "mse"
    else:
        n_classes = len(data.classes) if data.classes is not None else int(Y.max()) + 1
        n_y = 1 if n_classes <= 2 else n_classes
        loss = args.loss
    net: _layered.Model
    if args.layers:
        net = _layered.build(
            args, X.shape[0], data.image_shape, data.task, n_y, loss, data.sequence_shape
        )
    else:
        net = Network(
            [X.shape[0], *args.hidden, n_y],
            activations=activation or "tanh",
            output=args.output,
            loss=loss,
            init=args.init,
            seed=args.seed,
            dtype=args.dtype,
            device=args.device,
        )
    net.info = info
    if not args.json:
        print(f"{_layered.describe(net)} on {args.data}: {X.shape[1]} training examples")
    X_in = _layered.model_input(net, X)
    X_test_in = None if X_test is None else _layered.model_input(net, X_test)
    watchers = _figures.Watchers(args, X, Y_fit, layered=isinstance(net, Sequential))
    Y_test_fit = Y_test
    if Y_test is not None and "target_standardizer" in info:
        Y_test_fit = target_scaler.transform(Y_test.astype(np.float64))
    start = time.perf_counter()
    fit_options = fit_options.replace(
        validation_data=None if X_test_in is None else (X_test_in, Y_test_fit),
        callbacks=watchers.callbacks(),
    )
    # a Sequential model offers the same training contract (as its own fit does)
    history = training.fit(cast(Network, net), X_in, Y_fit, options=fit_options)
    seconds = time.perf_counter() - start
    result = results(net, X_in, Y, X_test_in, Y_test)
    result.update(
        data=args.data,
        layer_dims=net.layer_dims if isinstance(net, Network) else None,
        layers=[layer.config() for layer in net.layers] if isinstance(net, Sequential) else None,
        activation=activation,
        optimizer=args.optimizer,
        learning_rate=learning_rate,
        epochs=len(history),
        interrupted=bool(getattr(history, "interrupted", False)),
        seconds=round(seconds, 4),
    )
    rise = _cost_rise(history, learning_rate)
    if rise:
        print(f"nndl: warning: {rise}", file=sys.stderr)
        result["warning"] = rise
    if args.save:
        result["model"] = _save(net, args.save)
    if args.plots:
        evaluation = None if X_test is None or Y_test is None else (X_test, Y_test)
        result["plots"] = _figures.training_plots(
            net, history, (X, Y), evaluation, Path(args.plots), watchers
        )
    if args.animate:
        result["animation"] = _figures.animation(watchers, X, Y, args.animate)
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
    for key in ("model", "plots", "animation"):
        if key in result:
            value = result[key]
            print(f"Wrote {', '.join(value) if isinstance(value, list) else value}")
    return 0


def _cost_rise(history: Any, learning_rate: float | None) -> str | None:
    """A plain sentence when the cost ended far above where it started, else ``None``."""
    costs = [float(c) for c in history]
    if learning_rate is None or len(costs) < 2 or not costs[-1] > 1.5 * costs[0] + 1e-3:
        return None
    return (
        f"the cost rose from {costs[0]:.4g} to {costs[-1]:.4g} during training: the learning "
        f"rate {learning_rate:g} is probably too large. Try --lr {learning_rate / 10:g} or "
        "smaller, or standardize the inputs"
    )
