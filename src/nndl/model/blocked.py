"""A network's predictions on a blocked X (a Dask array), block by block where it lives.

Prediction is a function of each example alone, so it maps over the column blocks of X
lazily (:func:`nndl.arrays.blocks.map_examples`), each block predicted by a private copy
of the network with NumPy parameters.  Training on blocked arrays is the training
layer's (:mod:`nndl.training.dask`).
"""

from __future__ import annotations

import copy
import functools
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays.backend import Array, namespace, to_numpy, to_scalar
from nndl.arrays.blocks import map_examples

if TYPE_CHECKING:
    from nndl.model.network import Network


def predict_blocks(network: Network, X: Any, proba: bool = False) -> Any:
    """Lazy predictions on a blocked X ``(n_x, m)``, chunked like X's columns: ``(1, m)``
    class indices for softmax, ``(n_y, m)`` 0/1 labels for sigmoid, ŷ for regression, or
    ŷ itself with ``proba=True``."""
    template = network.copy()  # NumPy parameters, sent to where the blocks live
    if proba or network.task == "regression":
        rows, dtype = network.n_y, np.dtype(network.dtype)
    elif network.output.name == "softmax":
        rows, dtype = 1, np.dtype(np.int64)
    else:
        rows, dtype = network.n_y, np.dtype(np.int64)
    block_fn = functools.partial(_predict_block, template, proba)
    return map_examples(block_fn, X, network.n_x, rows, dtype)


def _predict_block(template: Network, proba: bool, block: np.ndarray) -> np.ndarray:
    """One block's predictions, on a private copy of ``template`` (NumPy parameters)."""
    net = copy.copy(template)
    out = net.predict_proba(block) if proba else net.predict(block)
    return np.asarray(to_numpy(out))


def accuracy_blocks(network: Network, X: Any, Y: Array) -> float:
    """The fraction of examples classified right, predicted block by block where they live."""
    xp = namespace(X)
    pred = network.predict(X)
    if network.output.name == "softmax":
        truth = xp.reshape(xp.argmax(Y, axis=0), (1, Y.shape[1]))
        return to_scalar(xp.mean(xp.astype(pred == truth, xp.float64)))
    correct = xp.all(xp.astype(pred, Y.dtype) == Y, axis=0)
    return to_scalar(xp.mean(xp.astype(correct, xp.float64)))
