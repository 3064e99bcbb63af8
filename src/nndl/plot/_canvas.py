"""What every figure shares: the Agg canvas, atomic saving, and bringing data to NumPy.

Figures are drawn on matplotlib's Agg canvas without ``pyplot``, so nothing here
touches the global plotting state or needs a display.  matplotlib is imported only
when a figure is made: the core does not depend on it (``pip install "nndl[plot]"``).
"""

from __future__ import annotations

import os
import tempfile
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

PlotDependencyError = MissingDependencyError
"""Raised when matplotlib is not installed (the ``plot`` extra)."""


def _matplotlib() -> Any:
    return require("matplotlib", "plot", "plotting")


def new_figure(nrows: int = 1, ncols: int = 1, figsize: tuple[float, float] = (6.4, 4.8)) -> Figure:
    """A new figure on the Agg canvas (no display, no pyplot state), with ``nrows × ncols`` axes.

    Parameters
    ----------
    nrows : int, default 1
        Rows of axes; 0 for none (the caller lays them out).
    ncols : int, default 1
        Columns of axes; 0 for none.
    figsize : tuple of float, default (6.4, 4.8)
        Width and height in inches.

    Returns
    -------
    matplotlib.figure.Figure
        The figure.
    """
    _matplotlib()
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize, layout="constrained")
    FigureCanvasAgg(fig)
    if nrows > 0 and ncols > 0:
        fig.subplots(nrows, ncols, squeeze=False)
    return fig


def atomic_path(target: Path) -> tuple[Path, Path]:
    """``(temporary, target)``: write to the temporary file (same folder and suffix), then call
    ``os.replace(temporary, target)``, so that a crash never leaves a half-written file."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(
        dir=target.parent, prefix=f".{target.stem}.", suffix=target.suffix
    )
    os.close(handle)
    os.chmod(name, 0o644)  # mkstemp makes it private; a figure is for reading
    return Path(name), target


def figure_path(path: str | Path) -> Path:
    """``path`` with ``.png`` added when it has no suffix.

    An error for a suffix matplotlib cannot write (checked before any work, so
    ``--out a.xyz`` fails at once).

    Parameters
    ----------
    path : str or pathlib.Path
        Where a figure is to go.

    Returns
    -------
    pathlib.Path
        The path with its suffix.

    Raises
    ------
    NNDLValueError
        When matplotlib cannot write that suffix.

    Examples
    --------
    >>> figure_path("boundary").name
    'boundary.png'
    """
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
    """Save ``fig`` to ``path`` (PNG when the path has no suffix) atomically.

    A temporary file is renamed over the target; parent folders are created.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure.
    path : str or pathlib.Path
        Where to save it.
    dpi : int, default 100
        Dots per inch.

    Returns
    -------
    pathlib.Path
        The file written.
    """
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
    """``(n, n)`` counts of true class (rows) against predicted class (columns).

    n is the largest label + 1, at least ``min_classes``.

    Parameters
    ----------
    Y_true : array_like of shape (1, m) or (n_y, m)
        The true labels, integers or one-hot.
    Y_pred : array_like of shape (1, m) or (n_y, m)
        The predicted labels, likewise.
    min_classes : int, default 2
        The fewest classes counted.

    Returns
    -------
    numpy.ndarray of shape (n, n)
        The counts.

    Examples
    --------
    >>> confusion_counts([[0, 1, 1, 1]], [[0, 1, 0, 1]])
    array([[1, 0],
           [1, 2]])
    """
    truth, pred = _labels(Y_true, "Y_true"), _labels(Y_pred, "Y_pred")
    if truth.shape != pred.shape:
        raise ShapeError(
            f"Y_true has {truth.shape[0]} examples but Y_pred has {pred.shape[0]}: they must match"
        )
    n = max(int(truth.max()) + 1, int(pred.max()) + 1, min_classes)
    counts = np.zeros((n, n), dtype=np.int64)
    np.add.at(counts, (truth, pred), 1)
    return counts


def plane_data(X: Any, Y: Any, net: Network, what: str) -> tuple[np.ndarray, np.ndarray]:
    """2-D data checked for a figure over the plane: ``(X (2, m) float64, labels (m,))``."""
    X_np = np.asarray(to_numpy(X), dtype=np.float64)
    if X_np.ndim != 2 or X_np.shape[0] != 2:
        raise ShapeError(
            f"{what} draws 2-D data: X must have shape (2, m). Received: {X_np.shape}"
            + (" (pass X.T)" if X_np.ndim == 2 and X_np.shape[1] == 2 else "")
        )
    labels = _labels(Y)
    if labels.shape[0] != X_np.shape[1]:
        raise ShapeError(
            f"X has {X_np.shape[1]} examples but Y has {labels.shape[0]}: they must match"
        )
    if net.n_x != 2:
        raise NNDLValueError(f"{what} needs a network with n_x = 2 inputs; this one has {net.n_x}")
    return X_np, labels


def plane_grid(
    X: np.ndarray, resolution: int, margin: float
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(xx, yy, grid)``: a ``resolution × resolution`` mesh spanning the data ``X`` ``(2, m)``
    plus ``margin``, and its points as columns ``(2, resolution²)``."""
    x_min, x_max = X[0].min() - margin, X[0].max() + margin
    y_min, y_max = X[1].min() - margin, X[1].max() + margin
    xx, yy = np.meshgrid(
        np.linspace(x_min, x_max, resolution), np.linspace(y_min, y_max, resolution)
    )
    return xx, yy, np.stack([xx.ravel(), yy.ravel()])


def picture(values: np.ndarray, shape: tuple[int, ...]) -> tuple[np.ndarray, str | None]:
    """One column of pixels as an image scaled to [0, 1] for ``imshow``, and its colour map:
    ``"gray"`` for one channel (``(h, w)`` or ``(h, w, 1)``), None for RGB."""
    if len(shape) == 3 and shape[2] == 1:
        shape = shape[:2]
    image = np.asarray(values, dtype=np.float64).reshape(shape)
    low, high = image.min(), image.max()
    image = (image - low) / (high - low) if high > low else np.zeros_like(image)
    return image, ("gray" if image.ndim == 2 else None)


def class_legend(
    ax: Axes,
    labels: np.ndarray,
    n_classes: int,
    accuracy: float | None,
    class_names: Sequence[str] | None = None,
    **where: Any,
) -> None:
    """A legend of the classes' colours (with each class's number of points), titled with the
    accuracy on these points; beside the axes unless ``where`` (``ax.legend``'s placement
    arguments: ``loc``, ``ncols``, …) says otherwise."""
    from matplotlib.lines import Line2D

    from nndl.plot.colours import class_colour

    if class_names is not None and len(class_names) < n_classes:
        raise NNDLValueError(
            f"class_names has {len(class_names)} names but there are {n_classes} classes: "
            "give one name per class"
        )
    counts = np.bincount(labels, minlength=n_classes)
    handles = [
        Line2D(
            [], [], ls="", marker="o", markersize=6, markerfacecolor=class_colour(k),
            markeredgecolor="white", markeredgewidth=0.5,
            label=f"{class_names[k] if class_names else f'class {k}'} ({counts[k]})",
        )
        for k in range(n_classes)
    ]  # fmt: skip
    title = None if accuracy is None else f"accuracy {100 * accuracy:.1f}%"
    place = {"loc": "upper left", "bbox_to_anchor": (1.02, 1.0), **where}
    ax.legend(handles=handles, title=title, fontsize="small", title_fontsize="small", **place)
