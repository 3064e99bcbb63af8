"""nndl: the neural networks of *Neural Networks and Deep Learning*, from first principles.

>>> import nndl
>>> X, Y = nndl.datasets.load_planar()          # X: (2, 400), Y: (1, 400)
>>> net = nndl.Network([2, 4, 1], activations="tanh", seed=2)
>>> costs = net.fit(X, Y, learning_rate=1.2, epochs=10_000)
"""

from __future__ import annotations

from nndl import activations, backend, datasets, init, losses
from nndl.errors import DivergenceError, NNDLError, NNDLTypeError, NNDLValueError, ShapeError
from nndl.gradcheck import GradCheckResult, gradient_check
from nndl.network import LayerCache, Network, logistic_regression

__version__ = "0.1.0"

__all__ = [
    "DivergenceError",
    "GradCheckResult",
    "LayerCache",
    "NNDLError",
    "NNDLTypeError",
    "NNDLValueError",
    "Network",
    "ShapeError",
    "__version__",
    "activations",
    "backend",
    "datasets",
    "gradient_check",
    "init",
    "logistic_regression",
    "losses",
]
