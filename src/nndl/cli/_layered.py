"""``nndl train --layers``: a :class:`~nndl.layers.Sequential` model from the layer grammar
(:mod:`nndl.model.layers.spec`), and the data in the layout its first layer takes.

The command line keeps every data set as the first course's columns ``(n_x, m)`` (pictures
flattened row by row, as the loaders give them); :func:`model_input` reshapes them to
``(m, n_H, n_W, n_C)`` for a model that starts with a convolution or a pooling,
``(m, T, n_x)`` for a recurrent layer or a 1-D convolution on sequences (an ``.npz`` file's
``X`` ``(m, T, n_x)``, or CSV rows read with ``--sequence-length``), ``(m, n_H, n_W·n_C)``
on pictures (each picture row a step), else ``(m, n_x, 1)``.
"""

from __future__ import annotations

import argparse
from typing import Any

import numpy as np

from nndl.errors import NNDLValueError
from nndl.model import losses
from nndl.model.layers import Dense, spec
from nndl.model.network import Network
from nndl.model.sequential import Sequential

Model = Network | Sequential
"""What the command line trains, saves and loads."""


def input_shape(
    tokens: list[str], n_x: int, image_shape: Any, sequence_shape: Any = None
) -> tuple[int, ...]:
    """The shape of one example as the first layer takes it."""
    first = spec.first_kind(tokens)
    if first in spec.PICTURE_KINDS:
        if image_shape is None:
            raise NNDLValueError(
                f"--layers starts with {first}, which takes pictures, but the data has no "
                "picture shape: give pictures (an .npz file with X of shape (m, H, W, C), a "
                "folder of pictures, digits or cat), or start with dense:N"
            )
        return tuple(int(n) for n in image_shape)
    if first in spec.SEQUENCE_KINDS:
        if sequence_shape is not None:
            return tuple(int(n) for n in sequence_shape)
        if image_shape is not None:
            H, W, C = (int(n) for n in image_shape)
            return (H, W * C)
        return (n_x, 1)
    return (n_x,)


def output_activation(args: argparse.Namespace, task: str, n_y: int) -> str:
    """The output layer's activation: ``--output``, the one matched to ``--loss``, else the
    task's (linear for a numeric target, sigmoid for two classes, softmax for more)."""
    if args.output is not None:
        return str(args.output).strip().lower()
    if args.loss is not None and losses.get(args.loss).output:
        return str(losses.get(args.loss).output)
    if task == "regression":
        return "linear"
    return "sigmoid" if n_y == 1 else "softmax"


def build(
    args: argparse.Namespace,
    n_x: int,
    image_shape: Any,
    task: str,
    n_y: int,
    loss: str | None,
    sequence_shape: Any = None,
) -> Sequential:
    """The model ``--layers`` describes, its output layer fitted to the task."""
    if args.dropout > 0:
        raise NNDLValueError(
            f"--dropout {args.dropout} is for --hidden; with --layers put dropout:RATE where "
            "it should act, e.g. ...,flatten,dropout:0.5,dense:10"
        )
    if args.activation is not None:
        raise NNDLValueError(
            "--activation is for --hidden; with --layers name activations in the list "
            "(conv:16:3,relu,... or dense:64:relu)"
        )
    if args.init != "random":
        raise NNDLValueError(
            f"--init {args.init} is for --hidden; with --layers each layer starts from its own "
            "initializer (he for dense and convolution layers): leave --init out"
        )
    for option, value in (("--animate", args.animate), ("--device", args.device)):
        if value is not None and value != "cpu":
            raise NNDLValueError(f"{option} is for --hidden networks; with --layers leave it out")
    layers = spec.parse(args.layers)
    last = layers[-1]
    assert isinstance(last, Dense)
    if last.units != n_y:
        what = "a numeric target" if task == "regression" else f"a {task} task"
        raise NNDLValueError(
            f"the last layer of --layers has {last.units} units, but {what} needs {n_y}: end "
            f"the list with dense:{n_y}"
        )
    layers[-1] = spec.output_layer(last, output_activation(args, task, n_y))
    model = Sequential(
        layers,
        input_shape=input_shape(args.layers, n_x, image_shape, sequence_shape),
        loss=loss,
        seed=args.seed,
        dtype=args.dtype,
    )
    if model.sequence_output:
        raise NNDLValueError(
            f"--layers ends with dense:{n_y} at every time step, but the data has one target "
            "per sequence: let the last recurrent layer return its last state (lstm:N, not "
            "lstm:N:seq) or flatten the steps first"
        )
    return model


def model_input(model: Model, X: np.ndarray) -> np.ndarray:
    """Columns ``(n_x, m)`` in the layout the model takes: as they are for a network (or a
    model of dense layers), else one example per row ``(m, …)``."""
    if isinstance(model, Network) or model.columns:
        return X
    want = model.input_shape
    if X.shape[0] != int(np.prod(want)):
        raise NNDLValueError(
            f"the data has {X.shape[0]} features but the model takes examples of shape {want} "
            f"({int(np.prod(want))} values): give data like its training data"
        )
    return np.ascontiguousarray(X.T).reshape((X.shape[1], *want))


def load(path: str) -> Model:
    """A model saved by ``nndl train --save``: a network or a Sequential model."""
    from nndl import io as model_io

    return model_io.load(path)


def describe(model: Model) -> str:
    """One line naming the model."""
    if isinstance(model, Network):
        return str(model)
    kinds = ", ".join(layer.describe() for layer in model.layers)
    return f"Sequential([{kinds}])"
