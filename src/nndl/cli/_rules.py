"""The rules ``nndl train`` applies to its options: defaults that depend on other options, and
combinations that would do nothing or something else than asked, refused with the reason."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import numpy as np

from nndl.datasets.builtin import generated_key
from nndl.errors import NNDLValueError
from nndl.training.options import FitOptions

DEFAULT_LEARNING_RATES: dict[str, float] = {
    "gd": 1.2,
    "momentum": 1.2,
    "rmsprop": 0.001,
    "adam": 0.001,
}
"""Each optimizer's default ``--lr``: the course's 1.2 for gradient descent and momentum (its
exponentially weighted form keeps the step's scale), 0.001 for RMSprop and Adam; L-BFGS has none."""

FULL_BATCH_PRINT_EVERY = 1000
"""``--print-every`` for full-batch runs; mini-batch runs print every epoch."""

GENERATOR_OPTIONS = {"samples": "m", "data_seed": "seed", "noise": "noise"}
"""``nndl train`` option (dest) → the generator's keyword."""


def optimizer_name(args: argparse.Namespace) -> str:
    return str(args.optimizer).strip().lower()


def learning_rate(args: argparse.Namespace) -> float | None:
    """``--lr``, or the optimizer's own default; None for L-BFGS (which takes none)."""
    name = optimizer_name(args)
    if name == "lbfgs":
        if args.lr is not None:
            raise NNDLValueError(
                "--optimizer lbfgs chooses its own step sizes (a line search) and takes no "
                f"learning rate. Received: --lr {args.lr}; leave --lr out"
            )
        return None
    if args.lr is not None:
        return float(args.lr)
    return DEFAULT_LEARNING_RATES.get(name, DEFAULT_LEARNING_RATES["gd"])


def print_every(args: argparse.Namespace) -> int | None:
    """``--print-every``, or every 1000 epochs full batch and every epoch with mini-batches."""
    if args.json:
        return None
    if args.print_every is not None:
        return int(args.print_every)
    return FULL_BATCH_PRINT_EVERY if args.batch_size is None else 1


def fit_options(args: argparse.Namespace, learning_rate: float | None) -> FitOptions:
    """The run's training options, checked before any data is loaded; the data's part
    (``validation_data``) and the figures' callbacks are added when they exist."""
    interactive = args.progress and not args.json and sys.stdout.isatty()
    return FitOptions(
        learning_rate=learning_rate if learning_rate is not None else 1.0,
        epochs=args.epochs,
        optimizer=args.optimizer,
        batch_size=args.batch_size,
        l2=args.l2,
        dropout=args.dropout,
        seed=args.seed,
        verbose=1 if interactive else 0,
        print_every=print_every(args),
    )


def hidden_activations(args: argparse.Namespace) -> str | list[str] | None:
    """The one rule: ``--activation`` names the hidden layers' activation, one for all or one
    per hidden layer; the output's comes from the task or ``--output``."""
    names: list[str] | None = args.activation
    hidden: list[int] = args.hidden
    if not hidden:
        if names is not None:
            raise NNDLValueError(
                "--hidden 0 (logistic regression) has no hidden layer for --activation "
                f"{','.join(names)}; leave --activation out, or set the output's with --output"
            )
        return None
    if names is None:
        return "tanh"
    if len(names) == 1:
        return names[0]
    if len(names) != len(hidden):
        raise NNDLValueError(
            f"--activation gives {len(names)} names ({','.join(names)}) for {len(hidden)} "
            f"hidden layers (--hidden {','.join(map(str, hidden))}): give one name for all "
            "hidden layers or one per hidden layer; the output layer's is set by --output"
        )
    return list(names)


def generator_options(args: argparse.Namespace) -> dict[str, Any]:
    """The generated data sets' options (``--samples``, ``--data-seed``, ``--noise``), refused
    by name for any other data."""
    given = {dest: getattr(args, dest, None) for dest in GENERATOR_OPTIONS}
    given = {dest: value for dest, value in given.items() if value is not None}
    if given and generated_key(str(args.data)) is None:
        shown = ", ".join("--" + dest.replace("_", "-") for dest in given)
        raise NNDLValueError(
            f"{shown} only apply to the generated data sets (planar, moons, circles, blobs, "
            f"gaussian_quantiles, spiral, xor); --data {args.data} takes none"
        )
    options = {GENERATOR_OPTIONS[dest]: value for dest, value in given.items()}
    if "noise" in options:
        key = generated_key(str(args.data))
        if key == "gaussian_quantiles":
            raise NNDLValueError(
                "--noise does not apply to gaussian_quantiles (its classes are shells of one "
                "Gaussian, with no noise added): leave --noise out"
            )
        if key == "blobs":  # the blobs' noise is their spread around the centres
            options["spread"] = options.pop("noise")
    return options


def standardize(args: argparse.Namespace) -> bool:
    """``--standardize``, else on for every data set but the generated 2-D ones (aliases
    included): files, pictures and scikit-learn's sets, digits too."""
    if args.standardize is not None:
        return bool(args.standardize)
    return generated_key(str(args.data)) is None


def check_combinations(args: argparse.Namespace, task: str) -> None:
    """Refuse options that would be silently ignored or change the task."""
    if args.test_data is not None and args.test_size is not None and args.test_size > 0:
        raise NNDLValueError(
            "--test-size splits a test part off --data, but --test-data already gives one: "
            "use one of them"
        )
    if not args.hidden and args.dropout > 0:
        raise NNDLValueError(
            f"--dropout {args.dropout} drops hidden units, but --hidden 0 has none: leave "
            "--dropout out"
        )
    if optimizer_name(args) == "lbfgs" and args.batch_size is not None:
        raise NNDLValueError(
            f"--optimizer lbfgs trains on the whole training set; --batch-size {args.batch_size} "
            "would be ignored: leave it out, or pick gd, momentum, rmsprop or adam"
        )
    loss = None if args.loss is None else str(args.loss).strip().lower()
    if task != "regression" and loss == "mse":
        raise NNDLValueError(
            f"--loss mse fits a regression, but --data {args.data} is a classification set "
            f"({task}): leave --loss out (logistic for two classes, cross_entropy for more)"
        )
    output = None if args.output is None else str(args.output).strip().lower()
    if task == "binary" and (output == "softmax" or loss == "cross_entropy"):
        given = "--output softmax" if output == "softmax" else "--loss cross_entropy"
        raise NNDLValueError(
            f"{given} is for three classes or more, but --data {args.data} has two: nndl gives "
            "two classes one output unit, and a softmax over one unit is always 1. Leave "
            f"{given.split()[0]} out: two classes get a sigmoid unit with the logistic loss"
        )
    if task == "regression" and loss in ("logistic", "cross_entropy"):
        raise NNDLValueError(
            f"--loss {loss} is for classes, but --data {args.data} has a numeric target "
            "(regression): leave --loss out (mse)"
        )


def check_animation(args: argparse.Namespace, n_x: int, task: str) -> None:
    """``--animate FILE.gif`` draws the boundary over the plane: 2-D classification data."""
    if args.animate is None:
        return
    if not str(args.animate).lower().endswith(".gif"):
        raise NNDLValueError(f"--animate writes a GIF: give a file ending in .gif. Received: "
                             f"{args.animate!r}")  # fmt: skip
    if n_x != 2 or task == "regression":
        raise NNDLValueError(
            f"--animate draws the decision boundary over the plane: it needs 2-D classification "
            f"data; --data {args.data} has {n_x} features ({task})"
        )


def check_classes(Y: Any, task: str, classes: Any, source: str) -> None:
    """A classifier is trained on examples of at least two classes (as the estimators ask):
    one class would train a network that always answers it, and report 100% accuracy."""
    if task == "regression":
        return
    seen = np.unique(np.asarray(Y))
    if seen.size < 2:
        name = classes[int(seen[0])] if classes and seen.size else (seen[:1].tolist() or "none")
        raise NNDLValueError(
            f"the training data {source!r} holds examples of one class only ({name!r}); a "
            "classifier needs examples of at least 2 classes. Check the target column (--target) "
            "and the file, or use --task regression for a numeric target"
        )
