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
    """The cost J after every epoch, and a held-out cost when given.

    Parameters
    ----------
    costs : sequence of float or History
        J per epoch (e.g. what ``Network.fit`` returns).
    val_costs : sequence of float, optional
        The held-out cost per epoch.
    ax : matplotlib.axes.Axes, optional
        Draw into these axes; a new figure when None.
    path : str or pathlib.Path, optional
        Save the figure there (PNG when the path has no suffix), atomically.
    title : str, default "Cost during training"
        The title.
    log_scale : bool, default False
        A logarithmic cost axis.
    label : str, default "train"
        The legend's name of ``costs``.
    val_label : str, default "validation"
        The legend's name of ``val_costs`` (``"test"`` when the held-out data is the test set).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (Jupyter shows it).
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
    """The regions a network assigns to each class over 2-D data, with the points on top.

    With a legend of the classes' colours (:mod:`nndl.plot.colours`: class 0 orange,
    class 1 blue) and the network's accuracy on these points.

    Parameters
    ----------
    net : Network
        A classifier with two inputs.
    X : array_like of shape (2, m)
        The points.
    Y : array_like of shape (1, m)
        Their labels (or one-hot).
    ax : matplotlib.axes.Axes, optional
        Draw into these axes; a new figure when None.
    path : str or pathlib.Path, optional
        Save the figure there (PNG when the path has no suffix), atomically.
    title : str, optional
        The title; a default one when None.
    resolution : int, default 300
        The network is evaluated on a ``resolution × resolution`` grid.
    margin : float, default 1.0
        How far the grid reaches beyond the data.
    class_names : sequence of str, optional
        The classes' names in the legend (else "class 0", "class 1", …).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (Jupyter shows it).

    Raises
    ------
    ShapeError
        When X is not ``(2, m)`` or Y does not have m labels.
    NNDLValueError
        When the network does not have two inputs.
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

    Parameters
    ----------
    names : sequence of str or dict, default DEFAULT_ACTIVATIONS
        Registry names or configs, e.g. ``{"name": "leaky_relu", "slope": 0.1}``.
    axes : sequence of matplotlib.axes.Axes, optional
        Two axes to draw into (functions, derivatives); a new figure when None.
    path : str or pathlib.Path, optional
        Save the figure there (PNG when the path has no suffix), atomically.
    z_range : tuple of float, default (-5.0, 5.0)
        The range of z drawn.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (Jupyter shows it).
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

    Parameters
    ----------
    Y_true : array_like of shape (1, m) or (n_y, m)
        The true labels, integers or one-hot.
    Y_pred : array_like of shape (1, m) or (n_y, m)
        The predicted labels, likewise.
    class_names : sequence of str, optional
        The classes' names on the axes.
    ax : matplotlib.axes.Axes, optional
        Draw into these axes; a new figure when None.
    path : str or pathlib.Path, optional
        Save the figure there (PNG when the path has no suffix), atomically.
    title : str, default "Confusion matrix"
        The title.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (Jupyter shows it).
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

    Each image is scaled to [0, 1] for display; one-channel images are drawn in gray.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
        The examples, ``n_x = prod(image_shape)``.
    Y_true : array_like of shape (1, m)
        The true labels.
    Y_pred : array_like of shape (1, m)
        The predicted labels.
    image_shape : sequence of int
        ``(height, width)`` or ``(height, width, channels)`` (row-major, as
        ``X[:, i].reshape``).
    class_names : sequence of str, optional
        The classes' names in the titles.
    max_images : int, default 16
        The most examples drawn.
    columns : int, default 8
        Images per row.
    path : str or pathlib.Path, optional
        Save the figure there (PNG when the path has no suffix), atomically.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (Jupyter shows it).
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
