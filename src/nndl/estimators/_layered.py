"""The course's estimators over a layered model: ``NeuralNetClassifier(layers=[...])``.

``layers`` are the layers before the output (``nndl.layers`` objects, or their ``config()``
dicts); the estimator adds the output ``Dense`` layer once ``fit`` has seen the targets
(one sigmoid unit for two classes, a softmax unit per class for more, linear units for a
regressor's targets), as ``hidden_layer_sizes`` leaves the output layer out.  The
estimator's layers are never trained themselves: each ``fit`` builds fresh ones from their
configs, so ``clone`` and ``get_params`` see the same list before and after.

Input is sample-major, as every scikit-learn estimator's: pictures ``(m, n_H, n_W, n_C)``
(or sequences ``(m, T, n_x)``, padded ones behind a ``Masking`` layer) go to the model as
they are, the convolutional course's layout; vectors ``(m, n)`` go to it as the first
course's columns ``X.T``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

import numpy as np

from nndl import training
from nndl.errors import NNDLTypeError, NNDLValueError
from nndl.model.layers import Dense, Layer, layer_from_config
from nndl.model.network import Network
from nndl.model.sequential import Sequential
from nndl.training.history import History
from nndl.training.options import FitOptions

PREDICT_CHUNK = 4096
"""Examples predicted at a time."""


def fresh_layers(layers: Any) -> list[Layer]:
    """New, unbuilt layers from ``layers`` (Layer objects or their config dicts)."""
    if isinstance(layers, (str, bytes)) or not isinstance(layers, Sequence):
        raise NNDLTypeError(
            "layers must be a list of nndl.layers objects (Conv2D(8, 3), MaxPool2D(2), "
            f"Flatten(), …) or their config() dicts. Received: layers={layers!r}"
        )
    fresh: list[Layer] = []
    for k, layer in enumerate(layers):
        if isinstance(layer, Layer):
            fresh.append(layer_from_config(layer.config()))
        elif isinstance(layer, dict):
            fresh.append(layer_from_config(layer))
        else:
            raise NNDLTypeError(
                f"layers[{k}] must be an nndl.layers object or its config() dict. "
                f"Received: {layer!r}"
            )
    return fresh


def new_model(
    layers: Any,
    example_shape: tuple[int, ...],
    n_y: int,
    output: str,
    loss: str | None,
    seed: Any,
    dtype: str,
) -> Sequential:
    """A Sequential model: ``layers`` then ``Dense(n_y, output)``, for examples of
    ``example_shape`` (``X.shape[1:]``)."""
    stack = [*fresh_layers(layers), Dense(n_y, activation=output)]
    model = Sequential(stack, input_shape=example_shape, loss=loss, seed=seed, dtype=dtype)
    if model.sequence_output:
        shape = stack[-2].output_shape if len(stack) > 1 else example_shape
        raise NNDLValueError(
            f"the layers end in sequences {shape} (one vector per time step), but the estimator "
            "predicts one target per example: end them with a recurrent layer that returns its "
            "last state (LSTM(n) without return_sequences=True) or with Flatten()"
        )
    return model


def core_input(model: Sequential, X: np.ndarray) -> np.ndarray:
    """Sample-major X as the model takes it: ``X.T`` for vectors, as it is otherwise."""
    X = np.asarray(X)
    return X.T if model.columns else X


def fit(model: Sequential, X: np.ndarray, Y: np.ndarray, options: FitOptions) -> History:
    """Train ``model`` on sample-major X and the core-layout targets Y ``(n_y, m)``."""
    if options.dropout:
        raise NNDLValueError(
            "dropout= drops the hidden units of hidden_layer_sizes; with layers= put a "
            "Dropout(rate) layer where it should act"
        )
    if X.dtype != np.dtype(model.dtype):
        X = X.astype(model.dtype)
    # a Sequential model offers Network's training contract (as its own fit does)
    return training.fit(cast(Network, model), core_input(model, X), Y, options=options)


def proba(model: Sequential, X: np.ndarray) -> np.ndarray:
    """The model's output ŷ as ``(m, n_y)`` float64, at test time, in chunks of examples."""
    parts = [
        np.asarray(model.predict_proba(core_input(model, X[start : start + PREDICT_CHUNK])))
        for start in range(0, X.shape[0], PREDICT_CHUNK)
    ]
    return np.asarray(np.hstack(parts).T, dtype=np.float64)
