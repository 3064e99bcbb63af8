"""nndl: the neural networks of *Neural Networks and Deep Learning*, from first principles.

>>> import nndl
>>> X, Y = nndl.datasets.load_planar()          # X: (2, 400), Y: (1, 400)
>>> net = nndl.Network([2, 4, 1], activations="tanh", seed=2)
>>> costs = net.fit(X, Y, learning_rate=1.2, epochs=10_000)

The package is laid out by layer (see docs/architecture.md): ``nndl.arrays``,
``nndl.model``, ``nndl.training``, then ``nndl.io``, ``nndl.datasets``,
``nndl.graph``, ``nndl.plot``, ``nndl.experiments`` and the interfaces
(``nndl.cli``, ``nndl.estimators``).  The names below are the public API.
"""

from __future__ import annotations

from nndl import datasets, graph, io, layers
from nndl._version import __version__
from nndl.arrays import backend
from nndl.errors import DivergenceError, NNDLError, NNDLTypeError, NNDLValueError, ShapeError
from nndl.gradcheck import GradCheckResult, gradient_check
from nndl.io import load
from nndl.model import activations, init, losses
from nndl.model.layers.dense import LayerCache
from nndl.model.network import Network, logistic_regression
from nndl.model.sequential import Sequential
from nndl.training import callbacks
from nndl.training import optimizers as optim
from nndl.training.history import History

_ESTIMATORS = (
    "NeuralNetClassifier",
    "NeuralNetRegressor",
    "LogisticRegression",
    "MLPClassifier",
    "MLPRegressor",
)


def __getattr__(name: str) -> object:
    """The scikit-learn estimators, imported on first use (they need the ``sklearn`` extra)."""
    if name in _ESTIMATORS:
        from nndl import estimators

        return getattr(estimators, name)
    raise AttributeError(f"module 'nndl' has no attribute {name!r}")


__all__ = [
    "DivergenceError",
    "GradCheckResult",
    "History",
    "LayerCache",
    "LogisticRegression",
    "MLPClassifier",
    "MLPRegressor",
    "NNDLError",
    "NNDLTypeError",
    "NNDLValueError",
    "Network",
    "NeuralNetClassifier",
    "NeuralNetRegressor",
    "Sequential",
    "ShapeError",
    "__version__",
    "activations",
    "backend",
    "callbacks",
    "datasets",
    "gradient_check",
    "graph",
    "init",
    "io",
    "layers",
    "load",
    "logistic_regression",
    "losses",
    "optim",
]
