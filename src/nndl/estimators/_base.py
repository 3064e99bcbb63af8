"""The data boundary under :class:`nndl.estimators._core.Core`: layouts, the network, prediction.

Both families — the course's :class:`~nndl.estimators.NeuralNetClassifier` and
scikit-learn's drop-ins :class:`~nndl.estimators.MLPClassifier` — take sample-major
input ``(m, n)`` and hand it to the training loop (:func:`nndl.training.fit`) as
``X.T``: a view, not a copy, which the NumPy engine turns back into the
sample-major ``(m, n)`` rows it gathers mini-batches from, again without a copy.
float32 input trains a float32 network and float64 a float64 one, as
scikit-learn does; a CSR matrix stays sparse (each mini-batch's rows are made
dense in turn).  Prediction runs in chunks of rows, so its peak memory is the
data plus a bounded working set.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from nndl import training
from nndl.arrays.backend import is_sparse, to_numpy
from nndl.errors import NNDLValueError
from nndl.model import activations as _activations
from nndl.model.network import Network
from nndl.training.history import History
from nndl.training.options import FitOptions

PREDICT_CHUNK = 8192
"""Rows predicted at a time: the working set of ``predict`` is this many rows per layer."""


def layer_sizes(hidden_layer_sizes: Any, error: type[Exception], received: str) -> list[int]:
    """``hidden_layer_sizes`` (an int or a sequence of ints ≥ 1) as a list."""
    sizes = hidden_layer_sizes
    if isinstance(sizes, (int, np.integer)):
        sizes = (int(sizes),)
    sizes = list(sizes)
    if any(isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 for n in sizes):
        raise error(
            "hidden_layer_sizes must be integers >= 1, e.g. (100,) or (64, 32); "
            f"() for no hidden layer. Received: {received}"
        )
    return [int(n) for n in sizes]


def hidden_activations(activation: Any, n_hidden: int) -> list[str]:
    """``activation`` (one name, or one per hidden layer) as one name per hidden layer."""
    if isinstance(activation, str):
        return [activation] * n_hidden
    names = list(activation)
    if len(names) != n_hidden:
        raise NNDLValueError(
            f"activation must be one name or one per hidden layer ({n_hidden}). "
            f"Received: activation={activation!r}"
        )
    return names


def new_network(
    dims: Sequence[int],
    hidden: str | Sequence[str],
    output: str | None,
    loss: str | None,
    init: str,
    seed: Any,
    dtype: str,
    device: str | None,
    params: dict[str, np.ndarray] | None = None,
) -> Network:
    """A :class:`Network` of ``dims`` (``[n_x, n[1], …, n_y]``), its parameters drawn by
    ``init`` or, when given, copied from ``params`` (``W1``, ``b1``, … in the course's shapes)."""
    network = Network(
        list(dims),
        activations=hidden,
        output=output,
        loss=loss,
        init="zeros" if params is not None else init,
        seed=seed,
        dtype=dtype,
    )
    if params is not None:
        network.params = {k: np.array(v, dtype=dtype) for k, v in params.items()}
    if device is not None:
        network.to(device)
    return network


def train(network: Network, X: Any, Y: np.ndarray, options: FitOptions) -> History:
    """Train ``network`` on sample-major ``X`` ``(m, n)`` (dense or CSR) and the core-layout
    targets ``Y`` ``(n_y, m)`` as ``options`` say (:func:`nndl.training.fit`).

    ``X.T`` is a view: the NumPy engine reads the rows of X itself.
    ``options.optimizer_state`` continues an earlier run's optimizer (``partial_fit``,
    ``warm_start``); the new state is ``history.optimizer_state``.
    """
    if X.dtype != np.dtype(network.dtype):  # one sample-major copy, not a feature-major one
        X = X.astype(network.dtype)
    return training.fit(network, X.T, Y, options=options)


def forward_rows(
    X: Any,
    coefs: Sequence[np.ndarray],
    intercepts: Sequence[np.ndarray],
    hidden: Sequence[str | _activations.Activation],
    output: str,
    chunk: int = PREDICT_CHUNK,
) -> np.ndarray:
    """The network's output for the rows of X ``(m, n)``, computed ``chunk`` rows at a time.

    Sample-major, as scikit-learn stores the parameters: ``coefs[l]`` is ``W[l+1]ᵀ``
    ``(n[l], n[l+1])``, ``intercepts[l]`` is ``b[l+1]`` ``(n[l+1],)``, and each layer
    computes ``A[l] = g(A[l-1] W + b)``.  ``hidden`` gives the hidden layers'
    activations (nndl's names or Activation objects), ``output`` the output's name
    (``softmax`` normalizes each row).  The result has the promoted dtype of X and the
    parameters: float64 input gives float64 outputs from a float32 network, as scikit-learn's.
    """
    m = X.shape[0]
    dtype = np.result_type(X.dtype, coefs[-1].dtype)  # as scikit-learn: X @ W promotes
    out = np.empty((m, coefs[-1].shape[1]), dtype=dtype)
    gs = [_activations.get(name) for name in hidden]
    for start in range(0, m, chunk):
        A = X[start : start + chunk]
        if is_sparse(A):
            A = A.toarray()
        for l, (W, b) in enumerate(zip(coefs, intercepts, strict=True)):
            A = np.asarray(A @ W, dtype=dtype)
            A += b
            if l < len(coefs) - 1:
                A = np.asarray(gs[l].forward(A), dtype=dtype)
        out[start : start + chunk] = _output(A, output)
    return out


def _output(Z: np.ndarray, name: str) -> np.ndarray:
    """The output activation of sample-major ``Z`` ``(rows, n_y)``."""
    if name == "softmax":  # each row: exp(z − max z) / Σ exp(z − max z)
        Z = Z - Z.max(axis=1, keepdims=True)
        np.exp(Z, out=Z)
        Z /= Z.sum(axis=1, keepdims=True)
        return Z
    return np.asarray(_activations.get(name).forward(Z))


def params_from_rows(
    coefs: Sequence[np.ndarray], intercepts: Sequence[np.ndarray]
) -> dict[str, np.ndarray]:
    """scikit-learn's layout to the course's: ``W[l] = coefs[l-1]ᵀ``, ``b[l]`` a column."""
    params: dict[str, np.ndarray] = {}
    for l, (W, b) in enumerate(zip(coefs, intercepts, strict=True), start=1):
        params[f"W{l}"] = np.asarray(W).T
        params[f"b{l}"] = np.asarray(b).reshape(-1, 1)
    return params


def rows_from_params(network: Network) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """The course's layout to scikit-learn's: ``coefs_[l-1] = W[l]ᵀ`` ``(n[l-1], n[l])``
    and ``intercepts_[l-1] = b[l]`` ``(n[l],)``, as NumPy arrays (views where the
    parameters already are NumPy arrays, so the two stay one)."""
    coefs, intercepts = [], []
    for l in range(1, network.L + 1):
        coefs.append(np.asarray(to_numpy(network.params[f"W{l}"])).T)
        intercepts.append(np.asarray(to_numpy(network.params[f"b{l}"])).reshape(-1))
    return coefs, intercepts
