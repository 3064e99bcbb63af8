"""What a convolutional model's first layer sees: its filters as small pictures, and one
example's feature maps after it.

A ``Conv2D`` layer's filters ``W`` are ``(f, f, n_C_prev, n_C)``: filter ``c`` is
``W[:, :, :, c]``, an f×f picture of ``n_C_prev`` channels (gray for one, colour for three,
the channels' mean otherwise).  Its feature maps for one picture ``x`` ``(n_H, n_W, n_C)``
are ``A[1]`` ``(n_H', n_W', n_C)``: map ``c`` is where filter ``c`` responds.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays.backend import to_numpy
from nndl.errors import NNDLValueError
from nndl.plot._canvas import _finish, new_figure, picture

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _grid(count: int, columns: int) -> tuple[int, int]:
    cols = max(1, min(columns, count))
    return -(-count // cols), cols


def conv_filters(
    W: Any,
    *,
    path: str | Path | None = None,
    max_filters: int = 32,
    columns: int = 8,
    title: str | None = None,
) -> Figure:
    """Each filter ``W[:, :, :, c]`` of a convolution as a small picture.

    Each is scaled to [0, 1] on its own (light: a large weight).

    Parameters
    ----------
    W : array_like of shape (f, f, n_C_prev, n_C)
        The filters.
    path : str or pathlib.Path, optional
        Save the figure there (PNG when the path has no suffix), atomically.
    max_filters : int, default 32
        The most filters drawn.
    columns : int, default 8
        Pictures per row.
    title : str, optional
        The title; a default one when None.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (Jupyter shows it).
    """
    W = np.asarray(to_numpy(W), dtype=np.float64)
    if W.ndim != 4:
        raise NNDLValueError(
            f"filters must have shape (f, f, n_C_prev, n_C). Received: W.shape={W.shape}"
        )
    f_H, f_W, n_C_prev, n_C = W.shape
    if n_C_prev not in (1, 3):
        W = W.mean(axis=2, keepdims=True)
    shape = (f_H, f_W, W.shape[2])
    shown = min(n_C, max(1, max_filters))
    rows, cols = _grid(shown, columns)
    fig = new_figure(rows, cols, figsize=(1.1 * cols + 0.4, 1.2 * rows + 0.6))
    for ax in fig.axes:
        ax.set_axis_off()
    for c, ax in zip(range(shown), fig.axes, strict=False):
        image, cmap = picture(W[:, :, :, c], shape)
        ax.imshow(image, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(f"filter {c + 1}", fontsize="x-small")
    more = f" ({shown} of {n_C})" if shown < n_C else ""
    fig.suptitle(title if title is not None else f"First convolution's {f_H}×{f_W} filters{more}")
    return _finish(fig, path)


def feature_maps(
    A: Any,
    *,
    path: str | Path | None = None,
    max_maps: int = 32,
    columns: int = 8,
    title: str | None = None,
) -> Figure:
    """One example's feature maps, map ``c`` drawn in gray, scaled to [0, 1] on its own.

    Parameters
    ----------
    A : array_like of shape (n_H, n_W, n_C) or (1, n_H, n_W, n_C)
        The maps.
    path : str or pathlib.Path, optional
        Save the figure there (PNG when the path has no suffix), atomically.
    max_maps : int, default 32
        The most maps drawn.
    columns : int, default 8
        Pictures per row.
    title : str, optional
        The title; a default one when None.

    Returns
    -------
    matplotlib.figure.Figure
        The figure (Jupyter shows it).
    """
    A = np.asarray(to_numpy(A), dtype=np.float64)
    if A.ndim == 4 and A.shape[0] == 1:
        A = A[0]
    if A.ndim != 3:
        raise NNDLValueError(
            f"feature maps must have shape (n_H, n_W, n_C). Received: A.shape={A.shape}"
        )
    n_C = A.shape[2]
    shown = min(n_C, max(1, max_maps))
    rows, cols = _grid(shown, columns)
    fig = new_figure(rows, cols, figsize=(1.1 * cols + 0.4, 1.2 * rows + 0.6))
    for ax in fig.axes:
        ax.set_axis_off()
    for c, ax in zip(range(shown), fig.axes, strict=False):
        image, cmap = picture(A[:, :, c], A.shape[:2])
        ax.imshow(image, cmap=cmap, vmin=0, vmax=1, interpolation="nearest")
        ax.set_title(f"map {c + 1}", fontsize="x-small")
    more = f" ({shown} of {n_C})" if shown < n_C else ""
    fig.suptitle(title if title is not None else f"Feature maps after the first convolution{more}")
    return _finish(fig, path)
