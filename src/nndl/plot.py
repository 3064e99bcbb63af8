"""Figures: cost curves, decision boundaries, activations, confusion matrices, mistakes.

Every function takes NumPy arrays or any backend's arrays (they are brought to
NumPy with :func:`nndl.arrays.backend.to_numpy`) and either

- ``ax``: a matplotlib Axes to draw into (the caller owns the figure), or
- ``path``: a file to save the figure to (PNG unless the suffix says otherwise),

and returns the matplotlib ``Figure`` it drew on.  With neither, a new figure is
made and returned unsaved.

Figures are drawn on matplotlib's Agg canvas without ``pyplot``, so nothing here
touches the global plotting state or needs a display.  matplotlib is imported only
when a figure is made: the core does not depend on it (``pip install "nndl[plot]"``).

Data follow the core's layout: ``X`` is ``(n_x, m)``, one column per example;
labels ``Y`` are ``(1, m)`` integers (or one-hot ``(n_y, m)``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl import _files
from nndl.arrays.backend import to_numpy
from nndl.errors import MissingDependencyError, NNDLValueError, ShapeError, require

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from nndl.model.network import Network

INSTALL_HINT = 'pip install "nndl[plot]"'

DEFAULT_ACTIVATIONS: tuple[str | dict[str, Any], ...] = (
    "sigmoid",
    "tanh",
    "relu",
    {"name": "leaky_relu", "slope": 0.1},
)
"""The hidden-layer activations the course compares (leaky ReLU's slope made visible)."""

_CMAP = "Spectral"  # the course's colour map for decision boundaries


PlotDependencyError = MissingDependencyError
"""Raised when matplotlib is not installed (the ``plot`` extra)."""


# ------------------------------------------------------------------ canvas


def _matplotlib() -> Any:
    return require("matplotlib", "plot", "plotting")


def new_figure(nrows: int = 1, ncols: int = 1, figsize: tuple[float, float] = (6.4, 4.8)) -> Figure:
    """A new figure on the Agg canvas (no display, no pyplot state), with ``nrows × ncols`` axes."""
    _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    fig.subplots(nrows, ncols, squeeze=False)
    return fig


def figure_path(path: str | Path) -> Path:
    """``path`` with ``.png`` added when it has no suffix; an error for a suffix matplotlib
    cannot write (checked before any work, so ``--out a.xyz`` fails at once)."""
    target = Path(path)
    if not target.suffix:
        target = target.with_suffix(".png")
    _matplotlib()
    from matplotlib.backend_bases import FigureCanvasBase

    formats = FigureCanvasBase.get_supported_filetypes()
    if target.suffix[1:].lower() not in formats:
        raise NNDLValueError(
            f"cannot write a figure to {str(target)!r}: matplotlib writes no {target.suffix!r} "
            f"files. Use one of: {', '.join('.' + f for f in sorted(formats))}"
        )
    return target


def save(fig: Figure, path: str | Path, dpi: int = 100) -> Path:
    """Save ``fig`` to ``path`` (PNG when the path has no suffix) atomically (a temporary
    file renamed over the target); parent folders are created."""
    target = figure_path(path)
    if not target.parent.is_dir():
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _files.write_error(target, exc, "figure") from exc
    fmt = target.suffix[1:].lower()
    return _files.write_atomic(target, lambda f: fig.savefig(f, dpi=dpi, format=fmt), "figure")


def _target(ax: Axes | None, figsize: tuple[float, float]) -> tuple[Figure, Axes]:
    if ax is not None:
        figure = ax.get_figure(root=True)
        if figure is None:  # pragma: no cover - an Axes always belongs to a figure
            raise NNDLValueError("ax must belong to a matplotlib figure")
        return figure, ax
    fig = new_figure(figsize=figsize)
    return fig, fig.axes[0]


def _finish(fig: Figure, path: str | Path | None) -> Figure:
    if path is not None:
        save(fig, path)
    return fig


def _values(values: Any) -> np.ndarray:
    """A flat float64 NumPy array from a list of numbers or any backend's array."""
    if isinstance(values, (list, tuple)):
        return np.array([float(to_numpy(v)) for v in values], dtype=np.float64)
    return np.asarray(to_numpy(values), dtype=np.float64).ravel()


def _labels(Y: Any, name: str = "Y") -> np.ndarray:
    """Integer labels ``(m,)`` from ``(1, m)`` labels or one-hot ``(n_y, m)``."""
    Y_np = np.asarray(to_numpy(Y))
    if Y_np.ndim == 1:
        raise ShapeError(
            f"{name} has shape {Y_np.shape}, a rank-1 array; expected labels of shape (1, m): "
            f"pass {name}.reshape(1, -1)"
        )
    if Y_np.ndim != 2:
        raise ShapeError(f"{name} must have shape (1, m) or (n_y, m). Received: {Y_np.shape}")
    if Y_np.shape[0] > 1:
        return np.asarray(np.argmax(Y_np, axis=0), dtype=np.int64)
    return np.asarray(np.rint(Y_np[0]), dtype=np.int64)


def confusion_counts(Y_true: Any, Y_pred: Any, min_classes: int = 2) -> np.ndarray:
    """``(n, n)`` counts of true class (rows) against predicted class (columns), from
    ``(1, m)`` integer labels or one-hot ``(n_y, m)``; n is the largest label + 1, at least
    ``min_classes``."""
    truth, pred = _labels(Y_true, "Y_true"), _labels(Y_pred, "Y_pred")
    if truth.shape != pred.shape:
        raise ShapeError(
            f"Y_true has {truth.shape[0]} examples but Y_pred has {pred.shape[0]}: they must match"
        )
    n = max(int(truth.max()) + 1, int(pred.max()) + 1, min_classes)
    counts = np.zeros((n, n), dtype=np.int64)
    np.add.at(counts, (truth, pred), 1)
    return counts


# ------------------------------------------------------------------ figures


def cost_curve(
    costs: Sequence[float] | Any,
    val_costs: Sequence[float] | Any | None = None,
    *,
    ax: Axes | None = None,
    path: str | Path | None = None,
    title: str = "Cost during training",
    log_scale: bool = False,
    label: str = "train",
) -> Figure:
    """The cost J after every epoch (and, when given, the validation cost).

    ``costs`` is a list (e.g. what ``Network.fit`` returns) or an array of J per epoch.
    """
    J = _values(costs)
    if J.size == 0:
        raise NNDLValueError("cost_curve needs at least one cost. Received: an empty sequence")
    fig, ax = _target(ax, (6.4, 4.0))
    epochs = np.arange(J.size)
    ax.plot(epochs, J, label=label, color="tab:blue")
    if val_costs is not None:
        V = _values(val_costs)
        ax.plot(np.arange(V.size), V, label="validation", color="tab:orange")
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
) -> Figure:
    """The regions a network assigns to each class over 2-D data, with the points on top.

    ``X`` is ``(2, m)``; ``Y`` is ``(1, m)`` labels (or one-hot).  The network is
    evaluated on a ``resolution × resolution`` grid spanning the data plus ``margin``.
    """
    X_np = np.asarray(to_numpy(X), dtype=np.float64)
    if X_np.ndim != 2 or X_np.shape[0] != 2:
        raise ShapeError(
            f"decision_boundary draws 2-D data: X must have shape (2, m). Received: {X_np.shape}"
            + (" (pass X.T)" if X_np.ndim == 2 and X_np.shape[1] == 2 else "")
        )
    labels = _labels(Y)
    if labels.shape[0] != X_np.shape[1]:
        raise ShapeError(
            f"X has {X_np.shape[1]} examples but Y has {labels.shape[0]}: they must match"
        )
    if net.n_x != 2:
        raise NNDLValueError(
            f"decision_boundary needs a network with n_x = 2 inputs; this one has {net.n_x}"
        )
    x_min, x_max = X_np[0].min() - margin, X_np[0].max() + margin
    y_min, y_max = X_np[1].min() - margin, X_np[1].max() + margin
    xx, yy = np.meshgrid(
        np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution)
    )
    grid = np.stack([xx.ravel(), yy.ravel()])  # (2, resolution²)
    local = net.copy()  # NumPy parameters, whatever device the network lives on
    regions = np.asarray(to_numpy(local.predict(grid.astype(local.dtype))), dtype=np.float64)
    regions = regions[0].reshape(xx.shape)
    n_classes = max(int(labels.max()) + 1, int(regions.max()) + 1, 2)
    fig, ax = _target(ax, (5.6, 4.8))
    ax.contourf(
        xx, yy, regions, levels=np.arange(n_classes + 1) - 0.5, cmap=_CMAP, alpha=0.55,
        vmin=0, vmax=n_classes - 1,
    )  # fmt: skip
    ax.scatter(
        X_np[0], X_np[1], c=labels, cmap=_CMAP, vmin=0, vmax=n_classes - 1,
        s=14, edgecolors="k", linewidths=0.4,
    )  # fmt: skip
    ax.set_xlim(x_min, x_max)
    ax.set_ylim(y_min, y_max)
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
    fig, ax = _target(ax, (1.6 + 0.6 * n, 1.2 + 0.6 * n))
    ax.imshow(counts, cmap="Blues", vmin=0)
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
    ax.set_title(f"{title} (accuracy {100 * accuracy:.1f}%)")
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
    Each image is scaled to [0, 1] for display.
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
        image = X_np[:, i].reshape(shape)
        low, high = image.min(), image.max()
        image = (image - low) / (high - low) if high > low else np.zeros_like(image)
        ax.imshow(image, cmap="gray" if image.ndim == 2 else None, vmin=0, vmax=1)
        t, p = int(truth[i]), int(pred[i])
        text = f"{names[t]} → {names[p]}" if names else f"{t} → {p}"
        ax.set_title(text, fontsize="small", color="tab:red")
    fig.suptitle(
        f"Misclassified: {int((truth != pred).sum())} of {truth.shape[0]} (true → predicted)"
    )
    return _finish(fig, path)


__all__ = [
    "DEFAULT_ACTIVATIONS",
    "INSTALL_HINT",
    "PlotDependencyError",
    "activations",
    "confusion_matrix",
    "cost_curve",
    "decision_boundary",
    "misclassified",
    "new_figure",
    "save",
]
