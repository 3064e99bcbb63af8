"""A playground setup: what the page's controls say, checked, and the training it means.

The page sends its setup as a JSON object (the same keys as its URL).  :func:`parse_setup`
accepts only known keys with values of bounded size and range, and :func:`build` turns a
setup into the data, the network and the training options (a
:class:`~nndl.training.options.FitOptions`), following
``nndl train`` step by step (load, seeded split, standardize files, build, fit), so the
page and the command line train the same network from the same setup.

The pipeline, for points ``P`` of shape ``(2, m)`` (x1, x2)::

    data = datasets.load_data(name, m=points, noise=noise, seed=data_seed)   # or a CSV
    X, Y, X_test, Y_test = datasets.train_test_split(X, Y, test_size, seed)  # when test > 0
    X = Standardizer().fit(X).transform(X)                                   # CSV files only
    X = features(X)                                # (n_x, m): rows x1, x2, x1², … as chosen
    net = Network([n_x, *hidden, n_y], activations, init=init, seed=seed)
    net.fit(X, Y, learning_rate, optimizer=…, batch_size=…, l2=…, dropout=…, seed=seed)
"""

from __future__ import annotations

import math
import re
import tempfile
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from nndl import datasets
from nndl.errors import NNDLError, NNDLValueError
from nndl.model.network import Network
from nndl.training.options import FitOptions

DATASETS = {  # the page's name → (nndl's name, the generator's default noise or None)
    "flower": ("planar", 0.2),
    "moons": ("moons", 0.2),
    "circles": ("circles", 0.3),
    "gaussian_quantiles": ("gaussian_quantiles", None),
    "spiral": ("spiral", 0.2),
    "xor": ("xor", 0.1),
    "csv": ("csv", None),
}
FEATURES = {  # name → the NumPy expression of the row, over x1 = X[0] and x2 = X[1]
    "x1": "x1",
    "x2": "x2",
    "x1sq": "x1**2",
    "x2sq": "x2**2",
    "x1x2": "x1 * x2",
    "sinx1": "np.sin(x1)",
    "sinx2": "np.sin(x2)",
}
ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
INITS = ("zeros", "random", "xavier", "he")
OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
MAX_LAYERS, MAX_UNITS = 6, 8
MAX_POINTS, MIN_POINTS = 2000, 20
MAX_SEED = 2**31 - 1
MAX_CSV_CHARS = 256 * 1024
MAX_CSV_ROWS = MAX_POINTS
MAX_CLASSES = 8
EPOCH_CAP = 10_000_000  # the page trains until paused; fit needs a number of epochs


@dataclass(frozen=True)
class Setup:
    """Everything that decides the training (the page's URL holds the same fields)."""

    data: str = "flower"
    noise: float | None = 0.2  # None: the set has no noise (gaussian quantiles, CSV)
    points: int = 400
    test: float = 0.3
    data_seed: int = 1
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4,)
    activations: tuple[str, ...] = ("tanh",)
    init: str = "random"
    optimizer: str = "gd"
    lr: float = 1.2
    batch: int | None = None  # None: the whole training set (batch gradient descent)
    l2: float = 0.0
    dropout: float = 0.0
    seed: int = 3
    csv_name: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able copy, with lists for the tuples (the page's setup: no file name)."""
        out = asdict(self)
        del out["csv_name"]
        for key in ("features", "hidden", "activations"):
            out[key] = list(out[key])
        return out


def _bad(key: str, expected: str, value: Any) -> NNDLValueError:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return NNDLValueError(f"setup.{key} must be {expected}. Received: {key}={shown}")


def _number(d: dict[str, Any], key: str, low: float, high: float, default: float) -> float:
    value = d.get(key, default)
    ok = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not ok or not math.isfinite(value) or not low <= value <= high:
        raise _bad(key, f"a number in [{low:g}, {high:g}]", value)
    return float(value)


def _integer(d: dict[str, Any], key: str, low: int, high: int, default: int) -> int:
    value = d.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise _bad(key, f"an integer in [{low}, {high}]", value)
    return value


def _choice(d: dict[str, Any], key: str, choices: Any, default: str) -> str:
    value = d.get(key, default)
    if not isinstance(value, str) or value not in choices:
        raise _bad(key, f"one of {', '.join(choices)}", value)
    return value


def _list(d: dict[str, Any], key: str, longest: int, default: Any) -> list[Any]:
    value = d.get(key, default)
    if not isinstance(value, (list, tuple)) or len(value) > longest:
        raise _bad(key, f"a list of at most {longest} items", value)
    return list(value)


def parse_setup(d: Any) -> Setup:
    """A :class:`Setup` from the page's JSON object; unknown keys, wrong types and values out
    of range raise :class:`~nndl.errors.NNDLValueError` saying what was expected."""
    if not isinstance(d, dict):
        raise _bad("", "a JSON object", d)
    known = {f for f in Setup.__dataclass_fields__ if f != "csv_name"}
    unknown = sorted(str(k)[:30] for k in d if k not in known)
    if unknown:
        raise NNDLValueError(
            f"unknown setup keys {unknown}; the known ones are {', '.join(sorted(known))}"
        )
    data = _choice(d, "data", DATASETS, "flower")
    default_noise = DATASETS[data][1]
    noise = None
    if default_noise is not None:
        noise = _number(d, "noise", 0.0, 1.0, default_noise)
    points = _integer(d, "points", MIN_POINTS, MAX_POINTS, 400)
    if data == "flower" and points % 2:
        raise _bad("points", "even for the flower (two petals of m/2 points)", points)
    features = _list(d, "features", len(FEATURES), ["x1", "x2"])
    if (
        not features
        or any(f not in FEATURES for f in features)
        or len(set(features)) < len(features)
    ):
        raise _bad(
            "features", f"a non-empty list of distinct names from {list(FEATURES)}", features
        )
    features.sort(key=list(FEATURES).index)  # the rows of X always come in the page's order
    hidden = _list(d, "hidden", MAX_LAYERS, [4])
    if any(
        isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_UNITS for n in hidden
    ):
        raise _bad("hidden", f"a list of 0-{MAX_LAYERS} layer sizes in [1, {MAX_UNITS}]", hidden)
    activations = _list(d, "activations", MAX_LAYERS, ["tanh"] * len(hidden))
    if len(activations) != len(hidden) or any(a not in ACTIVATIONS for a in activations):
        raise _bad("activations", f"one of {', '.join(ACTIVATIONS)} per hidden layer", activations)
    batch = d.get("batch")
    if batch is not None and (
        isinstance(batch, bool) or not isinstance(batch, int) or not 1 <= batch <= MAX_POINTS
    ):
        raise _bad(
            "batch", f"null (the whole training set) or an integer in [1, {MAX_POINTS}]", batch
        )
    return Setup(
        data=data,
        noise=noise,
        points=points,
        test=_number(d, "test", 0.0, 0.9, 0.3),
        data_seed=_integer(d, "data_seed", 0, MAX_SEED, 1),
        features=tuple(features),
        hidden=tuple(hidden),
        activations=tuple(activations),
        init=_choice(d, "init", INITS, "random"),
        optimizer=_choice(d, "optimizer", OPTIMIZERS, "gd"),
        lr=_positive(d),
        batch=batch,
        l2=_number(d, "l2", 0.0, 10.0, 0.0),
        dropout=_number(d, "dropout", 0.0, 0.9, 0.0),
        seed=_integer(d, "seed", 0, MAX_SEED, 3),
    )


def _positive(d: dict[str, Any]) -> float:
    lr = _number(d, "lr", 0.0, 10.0, 1.2)
    if lr <= 0:
        raise _bad("lr", "a number in (0, 10]", lr)
    return lr


_CSV_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,79}\.csv$", re.IGNORECASE)


def check_csv(name: Any, text: Any) -> tuple[str, str]:
    """A dropped CSV file's name and text, bounded; the content is checked by :func:`build`."""
    if not isinstance(name, str) or not _CSV_NAME.match(name):
        raise _bad("csv.name", "a file name of letters, digits, '._ -' ending in .csv", name)
    if not isinstance(text, str) or not text.strip():
        raise _bad("csv.text", "the file's text", text)
    if len(text) > MAX_CSV_CHARS:
        raise NNDLValueError(
            f"the CSV file has {len(text)} characters; the playground takes at most "
            f"{MAX_CSV_CHARS} (about {MAX_CSV_ROWS} rows): use nndl train for larger files"
        )
    return name, text


# ------------------------------------------------------------------ building


def features(X: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """The input rows the setup asks for, from x1 = X[0], x2 = X[1]: shape (len(names), m)."""
    x1, x2 = X[0], X[1]
    rows = {
        "x1": lambda: x1,
        "x2": lambda: x2,
        "x1sq": lambda: x1**2,
        "x2sq": lambda: x2**2,
        "x1x2": lambda: x1 * x2,
        "sinx1": lambda: np.sin(x1),
        "sinx2": lambda: np.sin(x2),
    }
    return np.stack([rows[n]() for n in names])


@dataclass
class Problem:
    """A built setup: the points (raw x1, x2), the network's inputs and the fit options."""

    setup: Setup
    P_train: np.ndarray  # (2, m_train): x1, x2 as drawn, for the page
    P_test: np.ndarray | None
    X: np.ndarray  # (n_x, m_train): the network's inputs
    Y: np.ndarray
    X_test: np.ndarray | None
    Y_test: np.ndarray | None
    classes: list[str]
    standardizer: datasets.Standardizer | None
    network: Network
    csv_target: str | None = None

    def inputs(self, P: np.ndarray) -> np.ndarray:
        """Raw points (2, m) → the network's inputs (standardized for files, then features)."""
        if self.standardizer is not None:
            P = self.standardizer.transform(P)
        if self.setup.features == ("x1", "x2"):
            # the very array nndl train would use: its memory layout decides BLAS's order of
            # summation, and so the last bit of every gradient
            return np.asarray(P, dtype=np.float64)
        return features(np.asarray(P, dtype=np.float64), self.setup.features)

    def fit_options(self, epochs: int) -> FitOptions:
        """The training options ``nndl train`` uses for this setup, for ``epochs`` epochs."""
        s = self.setup
        return FitOptions(
            learning_rate=s.lr,
            epochs=epochs,
            optimizer=s.optimizer,
            batch_size=s.batch,
            l2=s.l2,
            dropout=s.dropout,
            validation_data=None if self.X_test is None else (self.X_test, self.Y_test),
            seed=s.seed,
        )


def _load(setup: Setup, csv: tuple[str, str] | None) -> tuple[datasets.Data, str | None]:
    if setup.data != "csv":
        name = DATASETS[setup.data][0]
        options: dict[str, Any] = {"m": setup.points, "seed": setup.data_seed}
        if setup.noise is not None:
            options["noise"] = setup.noise
        return datasets.load_data(name, **options), None
    if csv is None:
        raise NNDLValueError("data='csv' needs a CSV file: drop one on the page")
    _, text = csv
    header = text.lstrip("\ufeff").splitlines()[0]
    target = header.split(";" if header.count(";") > header.count(",") else ",")[-1].strip()
    target = target.strip('"')
    with tempfile.TemporaryDirectory(prefix="nndl-playground-") as folder:
        path = Path(folder) / "data.csv"
        path.write_text(text, encoding="utf-8")
        try:
            data = datasets.load_data(str(path), target=target)
        except NNDLError as exc:  # name the dropped file, not the temporary copy
            exc.args = tuple(str(a).replace(str(path), csv[0]) for a in exc.args)
            raise
    if data.X.shape[0] != 2 or data.task == "regression":
        raise NNDLValueError(
            f"the playground needs a CSV with two numeric feature columns and a class label "
            f"in the last column; this file has {data.X.shape[0]} feature column(s) and a "
            f"{data.task} target {target!r}"
        )
    if not 4 <= data.X.shape[1] <= MAX_CSV_ROWS:
        raise NNDLValueError(
            f"the CSV file has {data.X.shape[1]} rows; the playground takes 4 to {MAX_CSV_ROWS}"
        )
    if len(data.classes or ()) > MAX_CLASSES:
        raise NNDLValueError(
            f"the label column has {len(data.classes or ())} classes; the playground draws at "
            f"most {MAX_CLASSES}"
        )
    _two_classes(
        np.asarray(data.Y), data.classes, f"the label column {target!r}", "check the last column"
    )
    return data, target


def _two_classes(Y: np.ndarray, classes: Any, where: str, fix: str) -> None:
    """A classifier is trained on examples of at least two classes (as the estimators and
    ``nndl train`` ask): one class would train a network that always answers it."""
    seen = np.unique(Y.ravel() if Y.shape[0] == 1 else np.argmax(Y, axis=0))
    if seen.size < 2:
        name = str(classes[int(seen[0])]) if classes and seen.size else "none"
        raise NNDLValueError(
            f"{where} holds examples of one class only ({name!r}); a classifier needs examples "
            f"of at least 2 classes: {fix}"
        )


def build(setup: Setup, csv: tuple[str, str] | None = None) -> Problem:
    """The data, network and fit options of ``setup``, exactly as ``nndl train`` makes them."""
    data, target = _load(setup, csv)
    if setup.data == "csv" and csv is not None:
        setup = replace(setup, csv_name=csv[0])
    X, Y = np.asarray(data.X, dtype=np.float64), np.asarray(data.Y)
    X_test: np.ndarray | None = None
    Y_test: np.ndarray | None = None
    if setup.test > 0:
        X, Y, X_test, Y_test = datasets.train_test_split(
            X, Y, test_size=setup.test, seed=setup.seed
        )
    if setup.data == "csv":
        _two_classes(Y, data.classes, "the training set", "lower the test share, or add examples")
    P_train, P_test = X, X_test
    scaler = None
    if setup.data == "csv":  # nndl train standardizes files by default
        scaler = datasets.Standardizer().fit(X)
    classes = [str(c) for c in (data.classes or ["0", "1"])]
    n_y = 1 if len(classes) <= 2 else len(classes)
    activation: str | list[str] = (
        setup.activations[0] if len(set(setup.activations)) == 1 else list(setup.activations)
    )
    if not setup.activations:
        activation = "tanh"  # no hidden layer: nndl train's default, which nothing uses
    net = Network(
        [len(setup.features), *setup.hidden, n_y],
        activations=activation,
        init=setup.init,
        seed=setup.seed,
        dtype="float32",
    )
    problem = Problem(
        setup=setup,
        P_train=P_train,
        P_test=P_test,
        X=X,
        Y=Y,
        X_test=X_test,
        Y_test=Y_test,
        classes=classes,
        standardizer=scaler,
        network=net,
        csv_target=target,
    )
    problem.X = problem.inputs(P_train)
    problem.X_test = None if P_test is None else problem.inputs(P_test)
    net.info = {
        "data": setup.csv_name if setup.data == "csv" else DATASETS[setup.data][0],
        "task": data.task,
        "classes": classes,
        "feature_names": [FEATURES[f] for f in setup.features],
        "playground": {**setup.to_dict(), "csv_name": setup.csv_name},
    }
    if scaler is not None:
        net.info["standardizer"] = scaler.to_dict()
    return problem
