"""A setup as Python code and as an ``nndl train`` command, to take away from the page.

Both train the same network as the page: the same data, split, features, initialization
and fit arguments, so after ``epochs`` epochs they reach the page's parameters.
"""

from __future__ import annotations

import shlex

from .spec import DATASETS, FEATURES, Setup


def _data_lines(setup: Setup, csv_target: str | None) -> list[str]:
    if setup.data == "csv":
        name = setup.csv_name or "data.csv"
        return [f"data = nndl.datasets.load_data({name!r}, target={csv_target!r})"]
    options = [f"m={setup.points}"]
    if setup.noise is not None:
        options.append(f"noise={setup.noise!r}")
    options.append(f"seed={setup.data_seed}")
    return [f"data = nndl.datasets.load_data({DATASETS[setup.data][0]!r}, {', '.join(options)})"]


def python_code(setup: Setup, epochs: int, csv_target: str | None = None) -> str:
    """A script that trains ``setup`` for ``epochs`` epochs, as the page does."""
    lines = [
        '"""Trains the nndl playground\'s setup; the parameters equal the page\'s."""',
        "",
        "import numpy as np",
        "",
        "import nndl",
        "",
        *_data_lines(setup, csv_target),
        "X, Y = np.asarray(data.X, dtype=np.float64), np.asarray(data.Y)",
    ]
    test = setup.test > 0
    if test:
        lines.append(
            f"X, Y, X_test, Y_test = nndl.datasets.train_test_split(X, Y, "
            f"test_size={setup.test!r}, seed={setup.seed})"
        )
    if setup.data == "csv":
        lines += [
            "scaler = nndl.datasets.Standardizer().fit(X)  # standardized, as nndl train does",
            "X = scaler.transform(X)",
        ]
        if test:
            lines.append("X_test = scaler.transform(X_test)")
    if setup.features != ("x1", "x2"):
        rows = ", ".join(FEATURES[f] for f in setup.features)
        lines += [
            "",
            "",
            "def features(X):",
            f'    """Rows {rows} from x1 = X[0], x2 = X[1]."""',
            "    x1, x2 = X[0], X[1]",
            f"    return np.stack([{rows}])",
            "",
            "",
            "X = features(X)",
        ]
        if test:
            lines.append("X_test = features(X_test)")
    lines += [
        "n_classes = len(data.classes)",
        "n_y = 1 if n_classes <= 2 else n_classes  # one sigmoid unit, or softmax over classes",
    ]
    dims = f"[{len(setup.features)}, {', '.join(str(n) for n in (*setup.hidden, 'n_y'))}]"
    net_args = [dims]
    if setup.hidden:
        acts = setup.activations
        net_args.append(
            f"activations={acts[0]!r}" if len(set(acts)) == 1 else f"activations={list(acts)!r}"
        )
    net_args += [f"init={setup.init!r}", f"seed={setup.seed}"]
    lines.append(f"net = nndl.Network({', '.join(net_args)})")
    fit_args = [
        "X",
        "Y",
        f"learning_rate={setup.lr!r}",
        f"epochs={epochs}",
        f"optimizer={setup.optimizer!r}",
    ]
    if setup.batch is not None:
        fit_args.append(f"batch_size={setup.batch}")
    if setup.l2:
        fit_args.append(f"l2={setup.l2!r}")
    if setup.dropout:
        fit_args.append(f"dropout={setup.dropout!r}")
    if test:
        fit_args.append("validation_data=(X_test, Y_test)")
    fit_args.append(f"seed={setup.seed}")
    lines.append("history = net.fit(")
    lines += [f"    {a}," for a in fit_args]
    lines.append(")")
    lines.append('print(f"cost after {len(history)} epochs: {history[-1]:.6f}")')
    if test:
        lines.append('print(f"test accuracy: {net.accuracy(X_test, Y_test):.4f}")')
    lines.append('net.save("playground.npz")')
    return "\n".join(lines) + "\n"


def train_command(
    setup: Setup, epochs: int, csv_target: str | None = None
) -> tuple[str | None, str | None]:
    """``(command, None)``, or ``(None, why)`` when ``nndl train`` cannot express the setup."""
    if setup.features != ("x1", "x2"):
        return None, (
            "nndl train feeds the data's own columns x1, x2 to the network; the features "
            f"{', '.join(FEATURES[f] for f in setup.features)} need the Python code"
        )
    if setup.data != "csv" and setup.noise != DATASETS[setup.data][1]:
        return None, (
            f"nndl train draws {setup.data} with its default noise "
            f"{DATASETS[setup.data][1]}; noise {setup.noise} needs the Python code"
        )
    if epochs < 1:
        return None, "train at least one epoch: nndl train --epochs takes 1 or more"
    words = ["nndl", "train"]
    if setup.data == "csv":
        words += ["--data", setup.csv_name or "data.csv", "--target", csv_target or "label"]
    else:
        words += ["--data", DATASETS[setup.data][0], "--samples", str(setup.points)]
        words += ["--data-seed", str(setup.data_seed)]
    if setup.test > 0:
        words += ["--test-size", repr(setup.test)]
    words += ["--hidden", ",".join(str(n) for n in setup.hidden) or "0"]
    if setup.hidden:
        acts = setup.activations
        words += ["--activation", acts[0] if len(set(acts)) == 1 else ",".join(acts)]
    words += ["--init", setup.init, "--optimizer", setup.optimizer, "--lr", repr(setup.lr)]
    if setup.batch is not None:
        words += ["--batch-size", str(setup.batch)]
    if setup.l2:
        words += ["--l2", repr(setup.l2)]
    if setup.dropout:
        words += ["--dropout", repr(setup.dropout)]
    words += ["--epochs", str(epochs), "--seed", str(setup.seed), "--save", "playground.npz"]
    return shlex.join(words), None
