"""The boundary learning: a GIF of the decision boundary over training (matplotlib's Pillow
writer), from :class:`nndl.training.callbacks.Snapshots`."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nndl.errors import NNDLValueError
from nndl.plot._canvas import atomic_path, new_figure, plane_data
from nndl.plot.basics import decision_boundary

if TYPE_CHECKING:
    from nndl.training.callbacks import Snapshots


def boundary_animation(
    snapshots: Snapshots,
    X: Any,
    Y: Any,
    path: str | Path,
    *,
    fps: int = 5,
    resolution: int = 120,
    margin: float = 1.0,
    dpi: int = 80,
) -> Path:
    """Write a GIF with one frame per snapshot: the decision boundary after that many epochs.

    Parameters
    ----------
    snapshots : Snapshots
        The :class:`nndl.training.callbacks.Snapshots` passed to ``fit``
        (``Snapshots(every=100)`` for a frame every 100 epochs, plus the first and the last).
    X : array_like of shape (2, m)
        The points drawn on every frame.
    Y : array_like of shape (1, m)
        Their labels.
    path : str or pathlib.Path
        The GIF (``.gif`` added when it has no suffix), written atomically.
    fps : int, default 5
        Frames per second.
    resolution : int, default 120
        The side of the grid the network is evaluated on.
    margin : float, default 1.0
        How far the grid reaches beyond the data.
    dpi : int, default 80
        Dots per inch of each frame.

    Returns
    -------
    pathlib.Path
        The file written.
    """
    from matplotlib.animation import PillowWriter

    if len(snapshots) == 0:
        raise NNDLValueError(
            "boundary_animation needs Snapshots that have recorded something: pass it to "
            "fit(..., callbacks=[snapshots]) first"
        )
    if isinstance(fps, bool) or not isinstance(fps, int) or fps < 1:
        raise NNDLValueError(f"fps must be an integer >= 1. Received: {fps!r}")
    target = Path(path)
    if not target.suffix:
        target = target.with_suffix(".gif")
    if target.suffix.lower() != ".gif":
        raise NNDLValueError(
            f"boundary_animation writes a GIF: give a path ending in .gif. Received: {str(path)!r}"
        )
    plane_data(X, Y, snapshots.network(0), "boundary_animation")  # check before drawing
    fig = new_figure(figsize=(5.6, 4.8))
    ax = fig.axes[0]
    writer = PillowWriter(fps=fps)
    temporary, target = atomic_path(target)
    try:
        with writer.saving(fig, str(temporary), dpi):
            for k, epochs_done in enumerate(snapshots.epochs):
                ax.clear()
                decision_boundary(
                    snapshots.network(k), X, Y, ax=ax, resolution=resolution, margin=margin,
                    title=f"Decision boundary after {epochs_done} epochs",
                )  # fmt: skip
                writer.grab_frame()
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    return target
