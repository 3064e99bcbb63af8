"""What the course's functions share: a Network around the course's parameter dict."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nndl.errors import NNDLTypeError, ShapeError
from nndl.model import losses
from nndl.model.network import Network


def as_float(a: Any) -> np.ndarray:
    """A NumPy array of float64 (the course's arrays; booleans and integers allowed)."""
    return np.asarray(a, dtype=np.float64)


def layer_dims_of(parameters: Mapping[str, Any]) -> list[int]:
    """``[n_x, n[1], …, n[L]]`` read from ``W1 … WL`` and checked against ``b1 … bL``."""
    if not isinstance(parameters, Mapping) or "W1" not in parameters:
        raise NNDLTypeError(
            "parameters must be the course's dict {'W1': …, 'b1': …, …, 'WL': …, 'bL': …}. "
            f"Received: {type(parameters).__name__}"
        )
    L = sum(1 for k in parameters if k.startswith("W") and k[1:].isdigit())
    dims = [int(np.shape(parameters["W1"])[1])]
    for l in range(1, L + 1):
        W, b = parameters.get(f"W{l}"), parameters.get(f"b{l}")
        if W is None or b is None:
            raise ShapeError(f"parameters has W1 … W{L} but no W{l} or b{l}")
        n, n_prev = np.shape(W)
        if n_prev != dims[-1] or np.shape(b) != (n, 1):
            raise ShapeError(
                f"W{l} must be (n[{l}], n[{l - 1}]) = (…, {dims[-1]}) and b{l} (n[{l}], 1) = "
                f"({n}, 1). Received: W{l} {np.shape(W)}, b{l} {np.shape(b)}"
            )
        dims.append(int(n))
    return dims


def network(
    parameters: Mapping[str, Any], hidden: str = "relu", output: str = "sigmoid"
) -> Network:
    """A float64 :class:`nndl.Network` holding the course's parameters (copied).

    Hidden layers use ``hidden``, the output layer ``output`` (with the logistic loss
    for sigmoid), so its ``forward``/``backward`` are the course's.
    """
    dims = layer_dims_of(parameters)
    net = Network(dims, activations=hidden, output=output, init="zeros", dtype="float64")
    net.params = {
        f"{name}{l}": as_float(parameters[f"{name}{l}"]).copy()
        for l in range(1, len(dims))
        for name in ("W", "b")
    }
    return net


def logistic_cost(A: Any, Y: Any) -> float:
    """``J = −(1/m) Σ (y log a + (1 − y) log(1 − a))``: nndl's logistic loss on ``A``."""
    return float(losses.get("logistic").value(as_float(A), as_float(Y)))


def every(costs: list[float], k: int) -> list[float]:
    """The costs of iterations 0, k, 2k, …, as the course records them."""
    return [float(c) for c in costs[::k]]
