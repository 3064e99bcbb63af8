"""nndl: the neural networks of *Neural Networks and Deep Learning*, from first principles.

>>> import nndl
>>> X, Y = nndl.datasets.load_planar()          # X: (2, 400), Y: (1, 400)
>>> net = nndl.Network([2, 4, 1], activations="tanh", seed=2)
>>> costs = net.fit(X, Y, learning_rate=1.2, epochs=10_000)
"""

from __future__ import annotations

from nndl import activations, backend, callbacks, datasets, graph, init, io, losses, optim, train
from nndl.errors import DivergenceError, NNDLError, NNDLTypeError, NNDLValueError, ShapeError
from nndl.gradcheck import GradCheckResult, gradient_check
from nndl.io import load
from nndl.network import LayerCache, Network, logistic_regression
from nndl.train import History

__version__ = "0.1.0"

_ESTIMATORS = ("NeuralNetClassifier", "NeuralNetRegressor", "LogisticRegression")


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
    "NNDLError",
    "NNDLTypeError",
    "NNDLValueError",
    "Network",
    "NeuralNetClassifier",
    "NeuralNetRegressor",
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
    "load",
    "logistic_regression",
    "losses",
    "optim",
    "train",
]
