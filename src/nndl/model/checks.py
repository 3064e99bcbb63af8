"""The network's checks: its architecture, and the data it is given.

Each error says what was expected, what was seen and the likely fix ("X has
shape (400, 2) but the network expects n_x=2 rows: pass X.T, …").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nndl._files import check_memory
from nndl.arrays.backend import (
    Array,
    all_finite,
    float_dtype,
    is_array,
    move_like,
    namespace,
    to_scalar,
)
from nndl.errors import NNDLTypeError, NNDLValueError, ShapeError
from nndl.model import activations as _activations
from nndl.model import losses as _losses
from nndl.model.activations import Activation
from nndl.model.losses import Loss


def refuse_masked(name: str, value: Any) -> Any:
    """A NumPy masked array with masked entries is refused (its mask would be dropped and the
    hidden values used); one with none masked is its data."""
    if isinstance(value, np.ma.MaskedArray):
        hidden = int(np.count_nonzero(np.ma.getmaskarray(value)))
        if hidden:
            raise NNDLValueError(
                f"{name} is a masked array with {hidden:,} masked values; nndl would use the "
                f"values under the mask. Fill them ({name}.filled(value)) or drop those examples "
                "first"
            )
        return np.asarray(value.data)
    return value


def as_array(name: str, value: Any) -> Array:
    """``value`` as an array: arrays of any library pass; lists and numbers become NumPy."""
    value = refuse_masked(name, value)
    if is_array(value):
        return value
    if isinstance(value, (list, tuple)) or np.isscalar(value):
        return np.asarray(value)
    raise NNDLTypeError(
        f"{name} must be an array (NumPy, CuPy, PyTorch, …). "
        f"Received: {name} of type {type(value).__name__}"
    )


def check_X(X: Any, n_x: int) -> Array:
    """X as a 2-D array ``(n_x, m)`` of finite real numbers, m ≥ 1, else an error that says
    how to fix it (a rank-1 array, one row per example, a wrong n_x, NaN)."""
    X = as_array("X", X)
    shape = tuple(X.shape)
    if len(shape) != 2:
        hint = (
            f" A rank-1 array is ambiguous: use X.reshape({n_x}, -1) for "
            f"{n_x} features, or X.reshape(-1, 1) for one example."
            if len(shape) == 1
            else " Flatten each example first: X.reshape(X.shape[0], -1).T gives (n_x, m)."
        )
        raise ShapeError(
            f"X must be a 2-D array of shape (n_x, m) = ({n_x}, m). "
            f"Received: X.shape={shape}.{hint}"
        )
    if shape[0] != n_x:
        hint = (
            " It looks like one row per example: pass X.T, or use the estimator API "
            "(nndl.NeuralNetClassifier), which takes (m, n)."
            if shape[1] == n_x
            else f" The network was built with layer_dims[0] = {n_x}."
        )
        raise ShapeError(
            f"X has shape {shape} but the network expects n_x={n_x} rows "
            f"(one column per example).{hint}"
        )
    if shape[1] == 0:
        raise ShapeError("X has no examples (m = 0): pass at least one column.")
    check_numbers("X", X)
    if not all_finite(X):
        raise NNDLValueError(
            "X contains NaN or infinite values: remove or impute them before training "
            "(for example with numpy.nan_to_num or by dropping those examples)."
        )
    return X


def check_Y(Y: Any, m: int, like: Array, n_y: int, output: str, loss: Loss, dtype: str) -> Array:
    """Y as ``(n_y, m)`` targets on ``like``'s device in ``dtype``: finite, valid for ``loss``;
    integer labels ``(1, m)`` become one-hot columns for a softmax ``output``."""
    Y = as_array("Y", Y)
    shape = tuple(Y.shape)
    if len(shape) != 2:
        hint = " Use Y.reshape(1, -1) for one row of labels." if len(shape) == 1 else ""
        raise ShapeError(
            f"Y must be a 2-D array of shape (n_y, m) = ({n_y}, {m}). "
            f"Received: Y.shape={shape}.{hint}"
        )
    if shape[1] != m:
        hint = " It looks like one row per example: pass Y.T." if shape[0] == m else ""
        raise ShapeError(
            f"Y has {shape[1]} columns (examples) but X has m={m}: they must match. "
            f"Received: Y.shape={shape}.{hint}"
        )
    check_numbers("Y", Y)
    Y = move_like(Y, like)
    xp = namespace(Y)
    if not all_finite(Y):
        raise NNDLValueError(
            "Y contains NaN or infinite values: every example needs a finite target."
        )
    if output == "softmax" and shape[0] == 1 and n_y > 1:
        Y = one_hot_labels(Y, n_y)
    elif shape[0] != n_y:
        raise ShapeError(
            f"Y has {shape[0]} rows but the network has n_y={n_y} output units. "
            f"Received: Y.shape={shape}."
        )
    Y = xp.astype(Y, float_dtype(xp, dtype))
    loss.check_targets(Y)
    return Y


def check_numbers(name: str, A: Array) -> None:
    """Refuse an array of text, Python objects or complex numbers with an
    :class:`NNDLTypeError` naming the dtype seen, not NumPy's ``isfinite`` TypeError."""
    if namespace(A).isdtype(A.dtype, ("real floating", "integral", "bool")):
        return
    kind = getattr(A.dtype, "kind", "")
    seen = {"U": "text", "S": "bytes", "O": "Python objects", "c": "complex numbers"}.get(kind)
    received = f"{name}.dtype={A.dtype}" + (f" ({seen})" if seen else "")
    if name == "Y":
        raise NNDLTypeError(
            "Y must hold real numbers: class labels (0/1, or 0 … K−1 for a softmax output) or "
            f"regression targets. Received: {received}. Map text labels to integers first "
            "(numpy.unique(Y, return_inverse=True)[1].reshape(1, -1)), convert numbers held as "
            "objects with Y.astype(float), or use nndl.NeuralNetClassifier, which takes labels "
            "of any type"
        )
    raise NNDLTypeError(
        f"{name} must hold real numbers (int, float or bool). Received: {received}. Encode "
        f"text features as numbers first, or convert numbers held as objects with "
        f"{name}.astype(float)"
    )


def one_hot_labels(labels: Array, n_y: int) -> Array:
    """Integer class labels ``(1, m)`` in 0 … n_y − 1 as one-hot columns ``(n_y, m)``."""
    xp = namespace(labels)
    is_int = (
        xp.all(labels == xp.round(labels)) if xp.isdtype(labels.dtype, "real floating") else True
    )
    low, high = to_scalar(xp.min(labels)), to_scalar(xp.max(labels))
    if not is_int or low < 0 or high >= n_y:
        raise NNDLValueError(
            f"integer class labels must be in 0 … {n_y - 1} for a softmax output of "
            f"{n_y} units. Received: labels from {low:g} to {high:g}."
        )
    return _losses.one_hot(labels, n_y)


def param_order(name: str) -> tuple[int, str]:
    """Sort W1, b1, W2, b2, … (and dW1, db1, …) by layer, W before b."""
    stem = name.lstrip("d")
    return int(stem[1:]), stem[0]


def check_layer_dims(layer_dims: Sequence[int]) -> list[int]:
    """``[n_x, n[1], …, n[L]]`` as a list of ints >= 1, at least two of them."""
    if isinstance(layer_dims, (str, bytes)) or not isinstance(layer_dims, Sequence):
        raise NNDLTypeError(
            "layer_dims must be a list of layer sizes [n_x, n[1], …, n[L]]. "
            f"Received: layer_dims={layer_dims!r}"
        )
    dims = list(layer_dims)
    if len(dims) < 2:
        raise NNDLValueError(
            "layer_dims needs at least the input size and the output size, e.g. [n_x, 1] for "
            f"logistic regression. Received: layer_dims={dims}"
        )
    for l, n in enumerate(dims):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise NNDLValueError(
                f"every layer size must be an integer >= 1; layer_dims[{l}] is {n!r}. "
                f"Received: layer_dims={dims}"
            )
    return [int(n) for n in dims]


def check_network_size(layer_dims: Sequence[int], dtype: str) -> None:
    """Refuse a network whose parameters cannot fit in the memory available, with the figure,
    before they are allocated (``--hidden 1000000000`` is an error, not a MemoryError)."""
    n_params = sum(layer_dims[l] * (layer_dims[l - 1] + 1) for l in range(1, len(layer_dims)))
    itemsize = 4 if dtype == "float32" else 8
    check_memory(
        float(n_params) * (8 + itemsize),  # initialized in float64, then cast
        f"a network with layer_dims={list(layer_dims)} ({n_params:,} parameters)",
        "Use smaller layers.",
    )


def resolve_activations(
    L: int,
    n_y: int,
    activations: str | Activation | Sequence[str | Activation],
    output: str | Activation | None,
    loss: str | Loss | None,
) -> list[Activation]:
    """The L activations g[1] … g[L]: the hidden ones given, then the output's (given, or
    the loss's matched one, or sigmoid for n_y = 1 and softmax otherwise)."""
    if isinstance(activations, (str, Activation)):
        hidden = [_activations.get(activations) for _ in range(L - 1)]
    else:
        given = [_activations.get(a) for a in activations]
        names = [g.name for g in given]
        if len(given) == L:
            if output is not None and _activations.get(output) != given[-1]:
                raise NNDLValueError(
                    f"activations lists {L} layers, whose last ({given[-1].name}) is the output, "
                    f"but output={output!r} was given too: give one or the other"
                )
            if output is None and loss is None and given[-1].name not in _losses.LOSS_FOR_OUTPUT:
                raise NNDLValueError(
                    f"activations gives {L} names {names} for a network with {L - 1} hidden "
                    f"layer{'s' if L != 2 else ''}, so the last, {given[-1].name}, is taken as the "
                    f"output layer's, and a {given[-1].name} output has no matched loss. Give "
                    f"{L - 1} name{'s' if L != 2 else ''}, one per hidden layer (the output's then "
                    "comes from n_y: sigmoid for 1 unit, softmax for more), or end the list with "
                    f"an output activation ({', '.join(_losses.LOSS_FOR_OUTPUT)}), or pass loss="
                )
            hidden, output = given[:-1], given[-1]
        elif len(given) == L - 1:
            hidden = given
        else:
            raise NNDLValueError(
                f"activations must name one activation for each of the {L - 1} hidden layers "
                f"(or {L} including the output layer). Received: {len(given)} activations "
                f"{names} for layer_dims of {L - 1} hidden layer{'s' if L != 2 else ''}"
            )
    for l, g in enumerate(hidden, start=1):
        if not g.elementwise:
            raise NNDLValueError(
                f"{g.name} can only be the output activation; hidden layer {l} needs one of "
                f"{', '.join(_activations.HIDDEN_ACTIVATIONS)}"
            )
    if output is None:
        if loss is not None:
            matched = _losses.get(loss).output
            if not matched:
                raise NNDLValueError(
                    f"the loss {loss!r} has no matched output activation: pass output=..."
                )
            output = matched
        else:
            output = "sigmoid" if n_y == 1 else "softmax"
    g_out = _activations.get(output)
    if g_out.name == "softmax" and n_y == 1:
        raise NNDLValueError(
            "a softmax output of n_y=1 unit always gives 1 (softmax normalizes over the units), "
            "so it cannot learn. For two classes use one sigmoid unit with the logistic loss "
            "(output='sigmoid', the default for one output unit; on the command line, leave "
            "--output out), or two output units (layer_dims ending in 2) with softmax and "
            "cross-entropy"
        )
    return [*hidden, g_out]


def resolve_loss(output: Activation, loss: str | Loss | None) -> Loss:
    """The loss given, or the one matched with the output activation."""
    if loss is not None:
        return _losses.get(loss)
    if output.name not in _losses.LOSS_FOR_OUTPUT:
        raise NNDLValueError(
            f"there is no default loss for a {output.name} output: pass loss= one of "
            f"{', '.join(_losses.LOSSES)}"
        )
    return _losses.get(_losses.LOSS_FOR_OUTPUT[output.name])
