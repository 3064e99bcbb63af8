"""Layers from a short text: ``"conv:16:3,relu,maxpool:2,flatten,dense:10"``.

The grammar (what ``nndl train --layers`` and a TOML ``layers`` list take), one item per
layer, separated by commas, the numbers after the kind by colons:

=========================== ==========================================================
``dense:N[:activation]``    ``Dense(N)``; linear unless an activation is named
``conv:N:F[:stride[:pad]]`` ``Conv2D(N, F, stride, pad)``; pad a number, ``valid`` or ``same``
``conv1d:N:F[:stride[:pad]]`` ``Conv1D``, the same over sequences
``maxpool:F[:stride]``      ``MaxPool2D(F, stride)`` (stride F by default)
``avgpool:F[:stride]``      ``AvgPool2D``; ``maxpool1d``, ``avgpool1d`` over sequences
``flatten``                 ``Flatten()``
``batchnorm``               ``BatchNorm()``
``dropout:RATE``            ``Dropout(RATE)``, RATE in [0, 1)
``rnn:N[:seq]``              ``SimpleRNN(N)``; ``seq``: every step's state (for another
                            recurrent layer), else the last one (for ``dense``)
``lstm:N[:seq]``, ``gru:N[:seq]`` ``LSTM(N)``, ``GRU(N)``, the same
``relu``, ``tanh``, …       ``Activation(name)``: sigmoid, tanh, relu, leaky_relu, linear
=========================== ==========================================================

The last item is the output's ``dense:N``; its activation, when not named, follows from the
task (:func:`output_layer`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from nndl.errors import NNDLValueError, did_you_mean
from nndl.model.activations import HIDDEN_ACTIVATIONS
from nndl.model.layers.base import Layer
from nndl.model.layers.convolutional import (
    AvgPool1D,
    AvgPool2D,
    Conv1D,
    Conv2D,
    MaxPool1D,
    MaxPool2D,
)
from nndl.model.layers.dense import Dense
from nndl.model.layers.gru import GRU
from nndl.model.layers.recurrent import LSTM, Recurrent, SimpleRNN
from nndl.model.layers.shaping import Activation, BatchNorm, Dropout, Flatten

FORMS: dict[str, str] = {
    "dense": "dense:N[:activation]",
    "conv": "conv:N:F[:stride[:pad]]",
    "conv1d": "conv1d:N:F[:stride[:pad]]",
    "maxpool": "maxpool:F[:stride]",
    "avgpool": "avgpool:F[:stride]",
    "maxpool1d": "maxpool1d:F[:stride]",
    "avgpool1d": "avgpool1d:F[:stride]",
    "flatten": "flatten",
    "batchnorm": "batchnorm",
    "dropout": "dropout:RATE",
    "rnn": "rnn:N[:seq]",
    "lstm": "lstm:N[:seq]",
    "gru": "gru:N[:seq]",
    **{name: name for name in HIDDEN_ACTIVATIONS},
}
"""Every kind the grammar knows, with the form it takes."""

PICTURE_KINDS = ("conv", "maxpool", "avgpool", "flatten")
"""First items that take pictures ``(m, n_H, n_W, n_C)``."""

SEQUENCE_KINDS = ("conv1d", "maxpool1d", "avgpool1d", "rnn", "lstm", "gru")
"""First items that take sequences ``(m, T, n_C)``."""


def split(spec: str | Sequence[str]) -> list[str]:
    """The items of a spec: a comma-separated text or a list of texts (a TOML list)."""
    parts = spec.split(",") if isinstance(spec, str) else [str(p) for p in spec]
    return [p.strip().lower() for p in parts if p.strip()]


def parse(spec: str | Sequence[str]) -> list[Layer]:
    """The layers a spec describes (see the module's grammar); a bad item raises an error
    naming it, its position and the form expected."""
    items = split(spec)
    if not items:
        raise NNDLValueError(
            "the layer list is empty; give one such as conv:8:3,relu,maxpool:2,flatten,dense:10"
        )
    layers = [_layer(item, k) for k, item in enumerate(items, start=1)]
    if not isinstance(layers[-1], Dense):
        raise NNDLValueError(
            f"the last layer ({items[-1]!r}, item {len(items)}) must be the output's dense:N, "
            "e.g. ...,flatten,dense:10 for ten classes"
        )
    return layers


def first_kind(spec: str | Sequence[str]) -> str:
    """The kind of the spec's first item (``"conv"`` for ``"conv:8:3,..."``)."""
    items = split(spec)
    return items[0].split(":")[0] if items else ""


def output_layer(layer: Dense, activation: str) -> Dense:
    """The output layer with ``activation`` (the task's) unless its own was named."""
    if layer.activation.name != "linear" or activation == "linear":
        return layer
    return Dense(layer.units, activation=activation, init=layer.init)


def _layer(item: str, position: int) -> Layer:
    kind, *args = item.split(":")
    form = FORMS.get(kind)
    where = f"layer item {position} {item!r}"
    if form is None:
        hint = did_you_mean(kind, list(FORMS))
        raise NNDLValueError(
            f"{where}: unknown kind {kind!r}{'; ' + hint if hint else ''} (the kinds: "
            f"{', '.join(FORMS)})"
        )
    required = sum(1 for part in form.split("[")[0].split(":")[1:])
    optional = form.count("[")
    if not required <= len(args) <= required + optional:
        raise NNDLValueError(f"{where}: expected {form}")

    def number(k: int, name: str, read: Callable[[str], float] = int) -> float:
        try:
            return read(args[k])
        except ValueError:
            raise NNDLValueError(
                f"{where}: {name} must be a number in {form}; got {args[k]!r}"
            ) from None

    try:
        if kind == "dense":
            units = int(number(0, "N"))
            return Dense(units, activation=args[1] if len(args) > 1 else "linear")
        if kind in ("conv", "conv1d"):
            pad: int | str = "valid"
            if len(args) > 3:
                pad = args[3] if args[3] in ("valid", "same") else int(number(3, "pad"))
            stride = int(number(2, "stride")) if len(args) > 2 else 1
            conv = Conv2D if kind == "conv" else Conv1D
            return conv(int(number(0, "N")), int(number(1, "F")), stride, pad)
        if kind in ("maxpool", "avgpool", "maxpool1d", "avgpool1d"):
            pools = {"maxpool": MaxPool2D, "avgpool": AvgPool2D}
            pools.update({"maxpool1d": MaxPool1D, "avgpool1d": AvgPool1D})
            stride_or_none = int(number(1, "stride")) if len(args) > 1 else None
            return pools[kind](int(number(0, "F")), stride_or_none)
        if kind in ("rnn", "lstm", "gru"):
            if len(args) > 1 and args[1] != "seq":
                raise NNDLValueError(f"{where}: the second part can only be seq; expected {form}")
            cells: dict[str, type[Recurrent]] = {"rnn": SimpleRNN, "lstm": LSTM, "gru": GRU}
            return cells[kind](int(number(0, "N")), return_sequences=len(args) > 1)
        if kind == "flatten":
            return Flatten()
        if kind == "batchnorm":
            return BatchNorm()
        if kind == "dropout":
            return Dropout(number(0, "RATE", float))
        return Activation(kind)
    except NNDLValueError as exc:
        if str(exc).startswith(where):
            raise
        raise NNDLValueError(f"{where}: {exc} (the form: {form})") from None
