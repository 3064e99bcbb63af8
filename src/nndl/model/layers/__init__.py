"""Layers past dense: each owns its parameters, its forward pass (with a cache) and its
backward pass, with the formulas in its docstring, in each course's notation.

==================  ===========================================================
``Dense``           the first course's layer, columns ``(n, m)``
``Conv2D``          filters ``W`` ``(f, f, n_C_prev, n_C)`` over ``(m, n_H, n_W, n_C)``
``Conv1D``          the same over sequences ``(m, n_W, n_C)``
``MaxPool2D``,      f×f windows (``MaxPool1D``, ``AvgPool1D`` over sequences)
``AvgPool2D``
``Flatten``         ``(m, n_H, n_W, n_C)`` → ``(n_H·n_W·n_C, m)``
``BatchNorm``       the second course's ``z̃ = γ z_norm + β``
``Dropout``         inverted dropout while training
``Activation``      ``A = g(Z)`` as a layer
``SimpleRNN``,      recurrent layers over sequences ``(m, T_x, n_x)``, the
``LSTM``, ``GRU``   sequence course's cells
``Embedding``,      tokens → vectors; padded steps masked for the recurrent layers
``Masking``
==================  ===========================================================

:class:`nndl.model.sequential.Sequential` stacks them.
"""

from typing import Any

from nndl.errors import NNDLValueError
from nndl.model.layers.base import Layer
from nndl.model.layers.convolutional import (
    AvgPool1D,
    AvgPool2D,
    Conv1D,
    Conv2D,
    MaxPool1D,
    MaxPool2D,
)
from nndl.model.layers.dense import Dense, linear_backward, linear_forward
from nndl.model.layers.embedding import Embedding, Masking
from nndl.model.layers.gru import GRU
from nndl.model.layers.recurrent import LSTM, SimpleRNN
from nndl.model.layers.shaping import Activation, BatchNorm, Dropout, Flatten

LAYERS: dict[str, type[Layer]] = {
    cls.kind: cls
    for cls in (
        Dense, Conv2D, Conv1D, MaxPool2D, AvgPool2D, MaxPool1D, AvgPool1D,
        Flatten, BatchNorm, Dropout, Activation, SimpleRNN, LSTM, GRU, Embedding, Masking,
    )
}  # fmt: skip
"""Every layer by its ``kind`` (what a saved model's JSON names)."""


def layer_from_config(config: dict[str, Any]) -> Layer:
    """The layer a ``config()`` describes.

    Parameters
    ----------
    config : dict of str to object
        ``{"kind": ..., **arguments}``, as :meth:`Layer.config` returns it.

    Returns
    -------
    Layer
        A new, unbuilt layer.

    Raises
    ------
    NNDLValueError
        When the kind is unknown or the arguments do not fit it.

    Examples
    --------
    >>> layer_from_config({"kind": "dense", "units": 3, "activation": "tanh"})
    Dense(units=3, activation='tanh', init='he')
    """
    options = dict(config)
    kind = options.pop("kind", None)
    if kind not in LAYERS:
        raise NNDLValueError(
            f"unknown layer kind {kind!r}; the known ones are: {', '.join(LAYERS)}"
        )
    try:
        return LAYERS[kind](**options)
    except TypeError as exc:
        raise NNDLValueError(f"bad options for a {kind} layer {options!r}: {exc}") from exc


__all__ = [
    "GRU",
    "LAYERS",
    "LSTM",
    "Activation",
    "AvgPool1D",
    "AvgPool2D",
    "BatchNorm",
    "Conv1D",
    "Conv2D",
    "Dense",
    "Dropout",
    "Embedding",
    "Flatten",
    "Layer",
    "Masking",
    "MaxPool1D",
    "MaxPool2D",
    "SimpleRNN",
    "layer_from_config",
    "linear_backward",
    "linear_forward",
]
