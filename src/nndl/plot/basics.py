"""The basic figures: cost curves, decision boundaries, activations, confusion, mistakes."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays.backend import to_numpy
from nndl.errors import NNDLValueError, ShapeError
from nndl.plot._canvas import (
    _finish,
    _labels,
    _target,
    _values,
    class_legend,
    confusion_counts,
    new_figure,
    picture,
    plane_data,
    plane_grid,
)
from nndl.plot.colours import (
    HELD_OUT_LINE,
    TRAIN_LINE,
    class_cmap,
    class_colour,
    count_cmap,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from nndl.model.network import Network

DEFAULT_ACTIVATIONS: tuple[str | dict[str, Any], ...] = (
    "sigmoid",
    "tanh",
    "relu",
    {"name": "leaky_relu", "slope": 0.1},
)
"""The hidden-layer activations the course compares (leaky ReLU's slope made visible)."""


def cost_curve(
    costs: Sequence[float] | Any,
    val_costs: Sequence[float] | Any | None = None,
    *,
    ax: Axes | None = None,
    path: str | Path | None = None,
    title: str = "Cost during training",
    log_scale: bool = False,
    label: str = "train",
    val_label: str = "validation",
) -> Figure:
    """The cost J after every epoch (and, when given, a held-out cost, labelled ``val_label``:
    ``"validation"``, or ``"test"`` when the held-out data is the test set).

    ``costs`` is a list (e.g. what ``Network.fit`` returns) or an array of J per epoch.
    """
    J = _values(costs)
    if J.size == 0:
        raise NNDLValueError("cost_curve needs at least one cost. Received: an empty sequence")
    fig, ax = _target(ax, (6.4, 4.0))
    epochs = np.arange(J.size)
    ax.plot(epochs, J, label=label, color=TRAIN_LINE)
    if val_costs is not None:
        V = _values(val_costs)
        ax.plot(np.arange(V.size), V, label=val_label, color=HELD_OUT_LINE)
    ax.set_xlabel("epoch")
    ax.set_ylabel("cost J")
    ax.set_title(title)
    if log_scale:
        ax.set_yscale("log")
    ax.grid(alpha=0.3)
    ax.legend()
    return _finish(fig, path)


def decision_boundary(
    net: Network,
    X: Any,
    Y: Any,
    *,
    ax: Axes | None = None,
    path: str | Path | None = None,
    title: str | None = None,
    resolution: int = 300,
    margin: float = 1.0,
    class_names: Sequence[str] | None = None,
) -> Figure:
    """The regions a network assigns to each class over 2-D data, with the points on top, a
    legend of the classes' colours (:mod:`nndl.plot.colours`: class 0 orange, class 1 blue)
    and the network's accuracy on these points.

    ``X`` is ``(2, m)``; ``Y`` is ``(1, m)`` labels (or one-hot).  The network is
    evaluated on a ``resolution × resolution`` grid spanning the data plus ``margin``.
    ``class_names`` names the classes in the legend (else "class 0", "class 1", …).
    """
    X_np, labels = plane_data(X, Y, net, "decision_boundary")
    xx, yy, grid = plane_grid(X_np, resolution, margin)
    local = net.copy()  # NumPy parameters, whatever device the network lives on
    regions = np.asarray(to_numpy(local.predict(grid.astype(local.dtype))), dtype=np.float64)
    regions = regions[0].reshape(xx.shape)
    predicted = np.asarray(to_numpy(local.predict(X_np.astype(local.dtype))), dtype=np.float64)
    n_classes = max(int(labels.max()) + 1, int(regions.max()) + 1, 2)
    accuracy = float(np.mean(np.rint(predicted[0]).astype(np.int64) == labels))
    own = ax is None  # a figure of its own: the legend beside the map; in the caller's axes, inside
    fig, ax = _target(ax, (6.6, 4.8))
    levels = np.arange(n_classes + 1) - 0.5
    cmap = class_cmap(n_classes)
    ax.contourf(
        xx, yy, regions, levels=levels, cmap=cmap, alpha=0.4, vmin=-0.5, vmax=n_classes - 0.5
    )
    ax.contour(xx, yy, regions, levels=levels[1:-1], colors="0.25", linewidths=0.8)
    ax.scatter(
        X_np[0], X_np[1], c=[class_colour(int(k)) for k in labels],
        s=14, edgecolors="white", linewidths=0.5,
    )  # fmt: skip
    inside = {} if own else {"loc": "best", "bbox_to_anchor": None, "framealpha": 0.85}
    class_legend(ax, labels, n_classes, accuracy, class_names, **inside)
    ax.set_xlim(xx[0, 0], xx[0, -1])
    ax.set_ylim(yy[0, 0], yy[-1, 0])
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_title(title if title is not None else "Decision boundary")
    return _finish(fig, path)


def activations(
    names: Sequence[str | dict[str, Any]] = DEFAULT_ACTIVATIONS,
    *,
    axes: Sequence[Axes] | None = None,
    path: str | Path | None = None,
    z_range: tuple[float, float] = (-5.0, 5.0),
) -> Figure:
    """Each activation g(z) (left) beside its derivative g'(z) (right).

    ``axes``: two Axes to draw into (functions, derivatives), else a new figure.
    ``names`` are registry names or configs, e.g. ``{"name": "leaky_relu", "slope": 0.1}``.
    """
    from nndl.model import activations as registry

    if axes is not None:
        if len(axes) != 2:
            raise NNDLValueError(f"activations needs two Axes (g, g'). Received: {len(axes)}")
        ax_g, ax_d = axes
        fig, _ = _target(ax_g, (10.0, 4.0))
    else:
        fig = new_figure(1, 2, figsize=(10.0, 4.0))
        ax_g, ax_d = fig.axes
    Z = np.linspace(z_range[0], z_range[1], 801).reshape(1, -1)
    for k, name in enumerate(names):
        g = registry.get(name)
        style = "-" if k < 3 else ("--", ":", "-.")[(k - 3) % 3]
        label = g.name if g.name != "leaky_relu" else f"leaky_relu ({g.config()['slope']:g})"
        A = np.asarray(to_numpy(g.forward(Z)))[0]
        dA = np.asarray(to_numpy(g.derivative(Z)))[0]
        (line,) = ax_g.plot(Z[0], A, style, label=label)
        ax_d.plot(Z[0], dA, style, label=f"{label}'", color=line.get_color())
    for ax, title, ylabel in (
        (ax_g, "Activations g(z)", "g(z)"),
        (ax_d, "Derivatives g'(z)", "g'(z)"),
    ):
        ax.axhline(0, color="0.6", lw=0.8)
        ax.axvline(0, color="0.6", lw=0.8)
        ax.set_xlabel("z")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(alpha=0.3)
        ax.legend(fontsize="small")
    return _finish(fig, path)


def confusion_matrix(
    Y_true: Any,
    Y_pred: Any,
    *,
    class_names: Sequence[str] | None = None,
    ax: Axes | None = None,
    path: str | Path | None = None,
    title: str = "Confusion matrix",
) -> Figure:
    """Counts of true class (rows) against predicted class (columns), written in each cell.

    Labels are ``(1, m)`` integers or one-hot ``(n_y, m)``.
    """
    counts = confusion_counts(Y_true, Y_pred, min_classes=max(len(class_names or ()), 2))
    n = counts.shape[0]
    # wide enough for the title on two lines even with two classes
    fig, ax = _target(ax, (max(3.6, 1.6 + 0.6 * n), max(3.2, 1.4 + 0.6 * n)))
    ax.imshow(counts, cmap=count_cmap(), vmin=0)
    names = list(class_names) if class_names is not None else [str(k) for k in range(n)]
    ax.set_xticks(range(n), names)
    ax.set_yticks(range(n), names)
    ax.set_xlabel("predicted")
    ax.set_ylabel("true")
    threshold = counts.max() / 2
    for i in range(n):
        for j in range(n):
            ax.text(
                j, i, str(counts[i, j]), ha="center", va="center",
                color="white" if counts[i, j] > threshold else "black",
            )  # fmt: skip
    accuracy = np.trace(counts) / max(counts.sum(), 1)
    ax.set_title(f"{title}\n(accuracy {100 * accuracy:.1f}%)")
    return _finish(fig, path)


def misclassified(
    X: Any,
    Y_true: Any,
    Y_pred: Any,
    image_shape: Sequence[int],
    *,
    class_names: Sequence[str] | None = None,
    max_images: int = 16,
    columns: int = 8,
    path: str | Path | None = None,
) -> Figure:
    """A grid of the examples the network got wrong, titled ``true → predicted``.

    ``X`` is ``(n_x, m)`` with ``n_x = prod(image_shape)``; ``image_shape`` is
    ``(height, width)`` or ``(height, width, channels)`` (row-major, as ``X[:, i].reshape``).
    Each image is scaled to [0, 1] for display; one-channel images are drawn in gray.
    """
    X_np = np.asarray(to_numpy(X), dtype=np.float64)
    shape = tuple(int(s) for s in image_shape)
    if X_np.ndim != 2 or int(np.prod(shape)) != X_np.shape[0]:
        raise ShapeError(
            f"X must have shape (n_x, m) with n_x = prod(image_shape) = {int(np.prod(shape))}. "
            f"Received: X of shape {X_np.shape}, image_shape={shape}"
        )
    truth, pred = _labels(Y_true, "Y_true"), _labels(Y_pred, "Y_pred")
    if not truth.shape[0] == pred.shape[0] == X_np.shape[1]:
        raise ShapeError(
            f"X, Y_true and Y_pred must have the same number of examples m. Received: "
            f"{X_np.shape[1]}, {truth.shape[0]}, {pred.shape[0]}"
        )
    wrong = np.flatnonzero(truth != pred)[:max_images]
    names = list(class_names) if class_names is not None else None
    count = max(len(wrong), 1)
    cols = min(columns, count)
    rows = -(-count // cols)
    fig = new_figure(rows, cols, figsize=(1.6 * cols, 1.8 * rows + 0.4))
    for ax in fig.axes:
        ax.set_axis_off()
    if len(wrong) == 0:
        fig.axes[0].text(0.5, 0.5, "no mistakes", ha="center", va="center")
    for ax, i in zip(fig.axes, wrong, strict=False):
        image, cmap = picture(X_np[:, i], shape)
        ax.imshow(image, cmap=cmap, vmin=0, vmax=1)
        t, p = int(truth[i]), int(pred[i])
        text = f"{names[t]} → {names[p]}" if names else f"{t} → {p}"
        ax.set_title(text, fontsize="small", color="tab:red")
    fig.suptitle(
        f"Misclassified: {int((truth != pred).sum())} of {truth.shape[0]} (true → predicted)"
    )
    return _finish(fig, path)
