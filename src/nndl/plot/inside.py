"""Figures of what happens inside a network: hidden units over the plane, first-layer weights
as pictures, activation and gradient bands per layer over training, a run's history."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays.backend import to_numpy
from nndl.errors import NNDLValueError, ShapeError
from nndl.plot._canvas import (
    _finish,
    _values,
    class_legend,
    new_figure,
    picture,
    plane_data,
    plane_grid,
)
from nndl.plot.colours import (
    HELD_OUT_LINE,
    MIDDLE,
    TRAIN_LINE,
    class_colour,
    class_rgb,
    signed_cmap,
)

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from nndl.model.network import Network
    from nndl.training.callbacks import LayerStats
    from nndl.training.history import History

UNITS_PER_COLUMN = 6
"""A hidden layer with more units than this is drawn in several columns."""
_CELL = 1.3  # inches: the side of one unit's map
_NOTE = (
    "Each small map: one hidden unit's activation a over the plane, coloured from −s (orange) "
    "through 0 (grey) to +s (blue), s = 1 for tanh and sigmoid, else the unit's own largest "
    "|a|; under it, the unit's lowest and highest a over the plane. The large map: the output "
    "ŷ, the decision boundary (black) and the data."
)


def _bounded(name: str) -> bool:
    return name in ("tanh", "sigmoid")


def hidden_units(
    net: Network,
    X: Any,
    Y: Any,
    *,
    path: str | Path | None = None,
    title: str | None = None,
    resolution: int = 80,
    margin: float = 1.0,
    max_units: int = 12,
    class_names: Sequence[str] | None = None,
) -> Figure:
    """Every unit's activation over the plane, laid out by layer like the network.

    TensorFlow Playground's neuron thumbnails: one column per hidden layer (more for a
    layer of over six units), one numbered map per unit, then the output ŷ in a large map
    with the data, the decision boundary, a class legend and the accuracy, and colour bars.

    Each map shows ``A[l][j]`` in the colours of :mod:`nndl.plot.colours`: a hidden unit
    from ``−s`` (orange) to ``+s`` (blue) with ``s = 1`` for tanh and sigmoid and the unit's
    own largest ``|a|`` otherwise (as the playground draws them); its lowest and highest
    value are written under it, so a unit stuck at one value (a dead ReLU, a saturated
    sigmoid) reads as a flat map with a narrow range.  A sigmoid output runs from 0
    (orange, class 0) to 1 (blue, class 1); a softmax output is coloured by the most
    probable class.

    Parameters
    ----------
    net : Network
        A network with two inputs.
    X : array_like of shape (2, m)
        The points.
    Y : array_like of shape (1, m)
        Their labels (or one-hot).
    path : str or pathlib.Path, optional
        Save the figure there (PNG when the path has no suffix), atomically.
    title : str, optional
        The title; a default one when None.
    resolution : int, default 80
        The side of the grid each map is computed on.
    margin : float, default 1.0
        How far the grid reaches beyond the data.
    max_units : int, default 12
        The most units drawn per layer.
    class_names : sequence of str, optional
        The classes' names in the legend (else "class 0", …).

    Returns
    -------
    matplotlib.figure.Figure
        The figure (Jupyter shows it).
    """
    X_np, labels = plane_data(X, Y, net, "hidden_units")
    if max_units < 1:
        raise NNDLValueError(f"max_units must be >= 1. Received: {max_units}")
    xx, yy, grid = plane_grid(X_np, resolution, margin)
    local = net.copy()
    _, caches = local.forward(grid.astype(local.dtype))
    maps = [np.asarray(to_numpy(c.A), dtype=np.float64) for c in caches]  # (n[l], resolution²)
    hidden, output = maps[:-1], maps[-1]
    shown = [min(A.shape[0], max_units) for A in hidden]
    split = [-(-n // UNITS_PER_COLUMN) for n in shown]  # columns per layer
    per = [-(-n // k) for n, k in zip(shown, split, strict=True)]  # units per column
    rows = max(per, default=1)
    bars = 1.9  # inches under the output: colour bars and the note
    side = float(np.clip(rows * _CELL - bars, 2.8, 6.5))  # the output map's side
    height = max(rows * _CELL, side + bars)
    cell = height / rows
    fig = new_figure(0, 0, figsize=(cell * sum(split) + side + 0.6, height + 1.0))
    outer = fig.add_gridspec(1, 2, width_ratios=[cell * sum(split) + 1e-9, side + 0.6])
    extent = (xx[0, 0], xx[0, -1], yy[0, 0], yy[-1, 0])
    cmap = signed_cmap()
    unit_image = None
    if hidden:
        # two grid rows a unit, so that a shorter column is centred (a network diagram)
        left = outer[0].subgridspec(2 * rows + 1, sum(split), height_ratios=[0.45] + [1] * 2 * rows)
        column = 0
        for l, A in enumerate(hidden, start=1):
            name = net.activations[l - 1].name
            for j in range(shown[l - 1]):
                c, r = divmod(j, per[l - 1])
                in_column = min(per[l - 1], shown[l - 1] - c * per[l - 1])
                top = 1 + (rows - in_column) + 2 * r
                ax = fig.add_subplot(left[top : top + 2, column + c], label=f"unit {l}.{j + 1}")
                unit = A[j].reshape(xx.shape)
                s = 1.0 if _bounded(name) else max(float(np.abs(unit).max()), 1e-12)
                unit_image = ax.imshow(
                    unit / s, origin="lower", extent=extent, aspect="auto",
                    interpolation="bilinear", cmap=cmap, vmin=-1.0, vmax=1.0,
                )  # fmt: skip
                ax.set_xticks([])
                ax.set_yticks([])
                ax.text(
                    0.04, 0.95, str(j + 1), transform=ax.transAxes, ha="left", va="top",
                    fontsize="small", bbox={"boxstyle": "round,pad=0.15", "fc": "white", "lw": 0},
                )  # fmt: skip
                low, high = float(unit.min()), float(unit.max())
                ax.set_xlabel(f"{low:.2g} … {high:.2g}", fontsize="x-small", labelpad=1)
            head = fig.add_subplot(left[0, column : column + split[l - 1]], label=f"layer {l}")
            head.set_axis_off()
            more = f", {shown[l - 1]} of {A.shape[0]}" if shown[l - 1] < A.shape[0] else ""
            scale = "" if _bounded(name) else "\ns = each unit's max |a|"
            head.text(
                0.5, 0.0, f"layer {l}: {name}\n{A.shape[0]} units{more}{scale}",
                ha="center", va="bottom", fontsize="small", transform=head.transAxes,
            )  # fmt: skip
            column += split[l - 1]
    n_classes = max(int(labels.max()) + 1, output.shape[0] if output.shape[0] > 1 else 2)
    ncols = min(n_classes, 3)
    tall = 0.2 + 0.2 * -(-n_classes // ncols)  # the class legend's rows
    right = outer[1].subgridspec(5, 1, height_ratios=[side, 0.16, 0.16, tall, bars - 0.32 - tall])
    ax = fig.add_subplot(right[0], label="output")
    out_image, accuracy = _output_map(ax, net, output, xx, yy, extent, X_np, labels)
    named = list(class_names) if class_names else ["class 0", "class 1"]
    named += [f"class {k}" for k in range(len(named), 2)]
    for row, (image, label, what) in enumerate(
        (
            (out_image, f"output ŷ: 0 is {named[0]}, 1 is {named[1]}", "output"),
            (unit_image, "a hidden unit's activation a / s", "units"),
        ),
        start=1,
    ):
        if image is None:
            continue
        bar_ax = fig.add_subplot(right[row], label=f"colour bar: {what}")
        fig.colorbar(image, cax=bar_ax, orientation="horizontal")
        bar_ax.tick_params(labelsize="x-small")
        bar_ax.set_xlabel(label, fontsize="x-small", labelpad=1)
    legend = fig.add_subplot(right[3], label="classes")
    legend.set_axis_off()
    class_legend(
        legend, labels, n_classes, accuracy, class_names, loc="center", bbox_to_anchor=(0.5, 0.5),
        ncols=ncols, frameon=False, columnspacing=1.0, handletextpad=0.2,
    )  # fmt: skip
    note = fig.add_subplot(right[4], label="note")
    note.set_axis_off()
    note.text(0, 1, _NOTE, ha="left", va="top", wrap=True, fontsize="x-small",
              transform=note.transAxes)  # fmt: skip
    fig.suptitle(title if title is not None else "Hidden units over the plane")
    return _finish(fig, path)


def _output_map(
    ax: Any,
    net: Network,
    output: np.ndarray,
    xx: np.ndarray,
    yy: np.ndarray,
    extent: tuple[float, float, float, float],
    X: np.ndarray,
    labels: np.ndarray,
) -> tuple[Any, float]:
    """The output over the plane with the data and the boundary; returns the image a colour
    bar describes (None for softmax: the class legend does) and the accuracy on the data."""
    name = net.activations[-1].name
    image = None
    if name == "softmax":
        winner = output.argmax(axis=0).reshape(xx.shape)
        colours = np.array([class_rgb(k) for k in range(output.shape[0])], dtype=np.float64)
        # as the playground: the classes' colours weighted by their probabilities, 55 % over grey
        mixed = (colours.T @ output).T.reshape(*xx.shape, 3)
        picture = (0.55 * mixed + 0.45 * np.array(MIDDLE, dtype=np.float64)) / 255
        ax.imshow(picture, origin="lower", extent=extent, aspect="equal", interpolation="bilinear")
        ax.contour(xx, yy, winner, levels=np.arange(output.shape[0] - 1) + 0.5, colors="k",
                   linewidths=0.8)  # fmt: skip
        predicted = np.asarray(to_numpy(net.copy().predict(X.astype(net.dtype))))[0]
    else:
        yhat = output[0].reshape(xx.shape)
        low, high = (0.0, 1.0) if name == "sigmoid" else (float(yhat.min()), float(yhat.max()))
        image = ax.imshow(
            yhat,
            origin="lower",
            extent=extent,
            aspect="equal",
            interpolation="bilinear",
            cmap=signed_cmap(),
            vmin=low,
            vmax=high if high > low else low + 1e-12,
            alpha=0.7,  # lighter, so that the points stand out; the colour bar is as light
        )
        if name == "sigmoid" and yhat.min() < 0.5 < yhat.max():
            ax.contour(xx, yy, yhat, levels=[0.5], colors="k", linewidths=0.8)
        predicted = np.asarray(to_numpy(net.copy().predict_proba(X.astype(net.dtype))))[0] > 0.5
    accuracy = float(np.mean(np.asarray(predicted).astype(np.int64) == labels))
    ax.scatter(
        X[0], X[1], c=[class_colour(int(k)) for k in labels], s=9, edgecolors="white",
        linewidths=0.4,
    )  # fmt: skip
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("$x_1$", fontsize="small", labelpad=1)
    ax.set_ylabel("$x_2$", fontsize="small", labelpad=1)
    ax.set_title(f"output ŷ: {name}, accuracy {100 * accuracy:.1f}%", fontsize="small")
    return image, accuracy


def first_layer_weights(
    net: Network,
    image_shape: tuple[int, ...],
    *,
    path: str | Path | None = None,
    max_units: int = 32,
    columns: int = 8,
    title: str | None = None,
) -> Figure:
    """Each first-layer unit's weights ``W[1][j, :]`` drawn as the picture they weigh.

    Each unit is scaled to [0, 1] on its own; one channel is drawn in gray (light: a large
    weight), three as colour.

    Parameters
    ----------
    net : Network
        A network of pictures.
    image_shape : tuple of int
        The shape of one input, ``(height, width)`` or ``(height, width, channels)``, with
        ``prod(image_shape) = n_x`` (64×64×3 for the course's cat pictures, 8×8 for digits).
    path : str or pathlib.Path, optional
        Save the figure there (PNG when the path has no suffix), atomically.
    max_units : int, default 32
        The most units drawn.
    columns : int, default 8
        Pictures per row.
    title : str, optional
        The title; a default one when None.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (Jupyter shows it).
    """
    shape = tuple(int(s) for s in image_shape)
    W1 = np.asarray(to_numpy(net.params["W1"]), dtype=np.float64)
    if int(np.prod(shape)) != W1.shape[1]:
        raise ShapeError(
            f"image_shape {shape} holds {int(np.prod(shape))} values but W1 has shape "
            f"{W1.shape}: the network's n_x = {W1.shape[1]}; pass the shape of one input"
        )
    if max_units < 1 or columns < 1:
        raise NNDLValueError(
            f"max_units and columns must be >= 1. Received: {max_units}, {columns}"
        )
    shown = min(W1.shape[0], max_units)
    cols = min(columns, shown)
    rows = -(-shown // cols)
    fig = new_figure(rows, cols, figsize=(1.3 * cols + 0.4, 1.4 * rows + 0.6))
    for ax in fig.axes:
        ax.set_axis_off()
    for j, ax in zip(range(shown), fig.axes, strict=False):
        image, cmap = picture(W1[j], shape)
        ax.imshow(image, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(f"unit {j + 1}", fontsize="x-small")
    more = f" ({shown} of {W1.shape[0]} units)" if shown < W1.shape[0] else ""
    fig.suptitle(title if title is not None else f"First-layer weights as pictures{more}")
    return _finish(fig, path)


def layer_bands(
    stats: LayerStats,
    *,
    path: str | Path | None = None,
    title: str | None = None,
) -> Figure:
    """Each layer's activations and gradient over training, from a ``LayerStats`` callback.

    Top row, one panel per layer: the median of ``A[l]`` with bands from the 25th to the
    75th and the 5th to the 95th percentile: bands pressed against 0 and 1 (sigmoid) or
    −1 and 1 (tanh) are saturated units.  Bottom: ``||dW[l]||`` per layer on a log
    scale: the first layers' far below the last ones' is the vanishing gradient.

    Parameters
    ----------
    stats : LayerStats
        The :class:`nndl.training.callbacks.LayerStats` given to
        ``fit(..., callbacks=[stats])``.
    path : str or pathlib.Path, optional
        Save the figure there (PNG when the path has no suffix), atomically.
    title : str, optional
        The title; a default one when None.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (Jupyter shows it).
    """
    if not stats.epochs:
        raise NNDLValueError(
            "layer_bands needs LayerStats that has measured something: pass it to "
            "fit(..., callbacks=[stats]) first"
        )
    epochs = np.asarray(stats.epochs)
    Q = np.stack(stats.activations)  # (records, L, 5)
    norms = np.stack(stats.gradient_norms)  # (records, L)
    L = Q.shape[1]
    fig = new_figure(0, 0, figsize=(max(6.4, 2.6 * L), 6.0))
    cells = fig.add_gridspec(2, L)
    colours = [f"C{l % 10}" for l in range(L)]
    for l in range(L):
        ax = fig.add_subplot(cells[0, l])
        q = Q[:, l, :]
        ax.fill_between(epochs, q[:, 0], q[:, 4], color=colours[l], alpha=0.2, lw=0)
        ax.fill_between(epochs, q[:, 1], q[:, 3], color=colours[l], alpha=0.45, lw=0)
        ax.plot(epochs, q[:, 2], color=colours[l], lw=1.5)
        name = stats.activation_names[l] if l < len(stats.activation_names) else ""
        where = "output" if l == L - 1 else f"layer {l + 1}"
        ax.set_title(f"A[{l + 1}] ({where}, {name})", fontsize="small")
        ax.set_xlabel("epoch", fontsize="small")
        ax.grid(alpha=0.3)
    fig.axes[0].set_ylabel("activation: median,\n25–75 %, 5–95 %")
    ax = fig.add_subplot(cells[1, :])
    for l in range(L):
        positive = np.where(norms[:, l] > 0, norms[:, l], np.nan)
        ax.plot(epochs, positive, color=colours[l], label=f"||dW[{l + 1}]||")
    ax.set_yscale("log")
    ax.set_xlabel("epoch")
    ax.set_ylabel("gradient norm")
    ax.grid(alpha=0.3, which="both")
    ax.legend(fontsize="small", ncols=min(L, 6))
    fig.suptitle(title if title is not None else "Activations and gradients per layer")
    return _finish(fig, path)


def history(
    h: History | dict[str, Any],
    *,
    path: str | Path | None = None,
    val_label: str = "validation",
    title: str | None = None,
) -> Figure:
    """A training run's record: the cost per epoch beside the accuracy when it was recorded.

    The cost (and the held-out cost) on the left, the accuracy (and held-out accuracy) on
    the right.

    Parameters
    ----------
    h : History or dict
        What ``Network.fit`` returns (a :class:`nndl.History`) or its ``history`` dict
        (``{"cost": [...], "val_cost": [...], "accuracy": [...], ...}``).
    path : str or pathlib.Path, optional
        Save the figure there (PNG when the path has no suffix), atomically.
    val_label : str, default "validation"
        The name of the held-out data: ``"test"`` when it is the test set.
    title : str, optional
        The title; a default one when None.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (Jupyter shows it).
    """
    record = h if isinstance(h, dict) else h.history
    if not record.get("cost"):
        raise NNDLValueError("history needs at least one epoch's cost. Received: none")
    has_accuracy = bool(record.get("accuracy"))
    fig = new_figure(1, 2 if has_accuracy else 1, figsize=(11.0 if has_accuracy else 6.4, 4.0))
    panels = [("cost", "cost J")] + ([("accuracy", "accuracy")] if has_accuracy else [])
    epochs = np.asarray(h.epochs if not isinstance(h, dict) and h.epochs else [])
    for ax, (key, ylabel) in zip(fig.axes, panels, strict=True):
        for name, label, colour in (
            (key, "train", TRAIN_LINE),
            (f"val_{key}", val_label, HELD_OUT_LINE),
        ):
            values = record.get(name)
            if values:
                V = _values(values)
                x = epochs if epochs.size == V.size else np.arange(V.size)
                ax.plot(x, V, label=label, color=colour)
        ax.set_xlabel("epoch")
        ax.set_ylabel(ylabel)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title if title is not None else "Training history")
    return _finish(fig, path)
