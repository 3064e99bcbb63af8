"""The model layer: the L-layer network in the course's notation.

- :mod:`~nndl.model.network`: ``Network``: forward and backward propagation, cost,
  prediction, and the checks of its inputs;
- :mod:`~nndl.model.activations`: each g beside its derivative g', by name;
- :mod:`~nndl.model.losses`: the logistic loss, cross-entropy and squared error;
- :mod:`~nndl.model.init`: random (×0.01), zeros, scaled, Xavier and He initialization.

It uses the arrays layer below it and nothing above: ``Network.fit`` and
``Network.save`` hand their work up to :mod:`nndl.training` and :mod:`nndl.io`,
imported inside those two methods (the one documented upward call).
"""

from nndl.model.layers.dense import LayerCache
from nndl.model.network import Network, logistic_regression

__all__ = ["LayerCache", "Network", "logistic_regression"]
