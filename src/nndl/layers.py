"""Layers past dense, and the model that stacks them.

>>> from nndl.layers import Conv2D, MaxPool2D, Flatten, Dense, Sequential
>>> model = Sequential(
...     [Conv2D(8, 3, pad="same", activation="relu"), MaxPool2D(2), Flatten(),
...      Dense(1, activation="sigmoid")],
...     input_shape=(64, 64, 3),
... )

Pictures are ``(m, n_H, n_W, n_C)`` as in the convolutional course; ``Flatten`` turns them
into the first course's columns ``(n, m)`` for the dense layers; labels are ``(n_y, m)``.
The layers live in :mod:`nndl.model.layers`, the model in :mod:`nndl.model.sequential`.
"""

from nndl.model.layers import *  # noqa: F403 (the layers' public names, listed once there)
from nndl.model.layers import __all__ as _LAYER_NAMES
from nndl.model.sequential import Sequential

__all__ = [*_LAYER_NAMES, "Sequential"]
