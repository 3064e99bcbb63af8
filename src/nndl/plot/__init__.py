"""Figures: cost curves, decision boundaries, activations, confusion matrices, mistakes, and what
happens inside a network (hidden units, first-layer weights, activation and gradient bands, the
boundary learning as a GIF).

Every function takes NumPy arrays or any backend's arrays (they are brought to
NumPy with :func:`nndl.arrays.backend.to_numpy`) and either

- ``ax``: a matplotlib Axes to draw into (the caller owns the figure), or
- ``path``: a file to save the figure to (PNG unless the suffix says otherwise),

and returns the matplotlib ``Figure`` it drew on.  With neither, a new figure is
made and returned unsaved (Jupyter shows it).

Figures are drawn on matplotlib's Agg canvas without ``pyplot``, so nothing here
touches the global plotting state or needs a display.  matplotlib is imported only
when a figure is made: the core does not depend on it (``pip install "nndl[plot]"``).

Data follow the core's layout: ``X`` is ``(n_x, m)``, one column per example;
labels ``Y`` are ``(1, m)`` integers (or one-hot ``(n_y, m)``).

- :mod:`~nndl.plot.basics`: :func:`cost_curve`, :func:`decision_boundary`,
  :func:`activations`, :func:`confusion_matrix`, :func:`misclassified`;
- :mod:`~nndl.plot.inside`: :func:`hidden_units`, :func:`first_layer_weights`,
  :func:`layer_bands` (from :class:`nndl.training.callbacks.LayerStats`), :func:`history`
  (a run's cost and accuracy: ``nndl.plot.history(net.fit(...))``);
- :mod:`~nndl.plot.filters`: :func:`conv_filters` (a convolution's filters as pictures),
  :func:`feature_maps` (one example's maps after it);
- :mod:`~nndl.plot.animation`: :func:`boundary_animation` (a GIF from
  :class:`nndl.training.callbacks.Snapshots`).
"""

from nndl.plot._canvas import (
    INSTALL_HINT,
    PlotDependencyError,
    confusion_counts,
    figure_path,
    new_figure,
    save,
)
from nndl.plot.animation import boundary_animation
from nndl.plot.basics import (
    DEFAULT_ACTIVATIONS,
    activations,
    confusion_matrix,
    cost_curve,
    decision_boundary,
    misclassified,
)
from nndl.plot.filters import conv_filters, feature_maps
from nndl.plot.inside import first_layer_weights, hidden_units, history, layer_bands

__all__ = [
    "DEFAULT_ACTIVATIONS",
    "INSTALL_HINT",
    "PlotDependencyError",
    "activations",
    "boundary_animation",
    "confusion_counts",
    "confusion_matrix",
    "conv_filters",
    "cost_curve",
    "decision_boundary",
    "feature_maps",
    "figure_path",
    "first_layer_weights",
    "hidden_units",
    "history",
    "layer_bands",
    "misclassified",
    "new_figure",
    "save",
]
