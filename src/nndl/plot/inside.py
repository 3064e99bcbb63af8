"""Figures of what happens inside a network: hidden units over the plane, first-layer weights
as pictures, activation and gradient bands per layer over training, a run's history."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays.backend import to_numpy
from nndl.errors import NNDLValueError, ShapeError
from nndl.plot._canvas import CMAP, _finish, _values, new_figure, picture, plane_data, plane_grid

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from nndl.model.network import Network
    from nndl.training.callbacks import LayerStats
    from nndl.training.history import History

_UNIT_CMAP = "RdBu_r"  # a unit's activation: blue low, red high


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
) -> Figure:
    """Every unit's activation over the plane, laid out by layer like the network
    (TensorFlow Playground's neuron thumbnails): one column per layer, one small heat
    map per unit, the output last with the data on top.

    ``X`` is ``(2, m)`` and ``Y`` ``(1, m)`` labels (or one-hot).  Each map shows
    ``A[l][j]`` on a ``resolution × resolution`` grid spanning the data plus ``margin``,
    coloured from its own lowest (blue) to highest (red) value; the range is written
    under it, so a unit stuck at one value (a dead ReLU, a saturated sigmoid) reads as
    a flat map with a narrow range.  At most ``max_units`` units are drawn per layer.
    """
    X_np, labels = plane_data(X, Y, net, "hidden_units")
    if max_units < 1:
        raise NNDLValueError(f"max_units must be >= 1. Received: {max_units}")
    xx, yy, grid = plane_grid(X_np, resolution, margin)
    local = net.copy()
    _, caches = local.forward(grid.astype(local.dtype))
    maps = [np.asarray(to_numpy(c.A), dtype=np.float64) for c in caches]  # (n[l], resolution²)
    rows = min(max(net.layer_dims[1:]), max_units)
    cols = net.L
    fig = new_figure(0, 0, figsize=(1.9 * cols + 0.6, 1.75 * rows + 0.7))
    cells = fig.add_gridspec(rows, cols)
    extent = (xx[0, 0], xx[0, -1], yy[0, 0], yy[-1, 0])
    for l, A in enumerate(maps, start=1):
        shown = min(A.shape[0], max_units)
        for j in range(shown):
            ax = fig.add_subplot(cells[j, l - 1])
            unit = A[j].reshape(xx.shape)
            low, high = float(unit.min()), float(unit.max())
            ax.imshow(
                unit, origin="lower", extent=extent, aspect="auto", interpolation="bilinear",
                cmap=_UNIT_CMAP, vmin=low, vmax=high if high > low else low + 1e-12,
            )  # fmt: skip
            if l == net.L:
                ax.scatter(
                    X_np[0], X_np[1], c=labels, cmap=CMAP, s=4, edgecolors="k",
                    linewidths=0.2, vmin=0, vmax=max(int(labels.max()), 1),
                )  # fmt: skip
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlabel(f"[{low:.2g}, {high:.2g}]", fontsize="x-small", labelpad=1)
            if j == 0:
                name = net.activations[l - 1].name
                where = "output" if l == net.L else f"layer {l}"
                more = f", {shown} of {A.shape[0]}" if shown < A.shape[0] else ""
                ax.set_title(f"{where}\n{name}{more}", fontsize="small")
    fig.suptitle(title if title is not None else "Hidden units over the plane")
    return _finish(fig, path)


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

    ``image_shape`` is the shape of one input, ``(height, width)`` or ``(height, width,
    channels)``, with ``prod(image_shape) = n_x`` (64×64×3 for the course's cat pictures,
    8×8 for digits).  Each unit is scaled to [0, 1] on its own; one channel is drawn in
    gray (light: a large weight), three as colour.  At most ``max_units`` units.
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
    """Each layer's activations and gradient over training, from a
    :class:`nndl.training.callbacks.LayerStats` (``fit(..., callbacks=[stats])``).

    Top row, one panel per layer: the median of ``A[l]`` with bands from the 25th to the
    75th and the 5th to the 95th percentile: bands pressed against 0 and 1 (sigmoid) or
    −1 and 1 (tanh) are saturated units.  Bottom: ``||dW[l]||`` per layer on a log
    scale: the first layers' far below the last ones' is the vanishing gradient.
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
    """A training run's record: the cost per epoch (and the held-out cost) on the left, the
    accuracy (and held-out accuracy) on the right when it was recorded.

    ``h`` is what ``Network.fit`` returns (a :class:`nndl.History`) or its ``history``
    dict (``{"cost": [...], "val_cost": [...], "accuracy": [...], ...}``).
    ``val_label`` names the held-out data: ``"test"`` when it is the test set.
    """
    record = h if isinstance(h, dict) else h.history
    if not record.get("cost"):
        raise NNDLValueError("history needs at least one epoch's cost. Received: none")
    has_accuracy = bool(record.get("accuracy"))
    fig = new_figure(1, 2 if has_accuracy else 1, figsize=(11.0 if has_accuracy else 6.4, 4.0))
    panels = [("cost", "cost J")] + ([("accuracy", "accuracy")] if has_accuracy else [])
    epochs = np.asarray(h.epochs if not isinstance(h, dict) and h.epochs else [])
    for ax, (key, ylabel) in zip(fig.axes, panels, strict=True):
        for name, label, colour in ((key, "train", "tab:blue"), (f"val_{key}", val_label, "C1")):
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
