"""The figures ``nndl train --plots DIR`` and ``--animate FILE.gif`` write, and the callbacks
that collect what they draw."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

import numpy as np

from nndl import datasets
from nndl.cli._common import class_names
from nndl.cli._layered import Model, model_input
from nndl.model.layers import Conv2D
from nndl.model.network import Network
from nndl.training.callbacks import Callback, LayerStats, Snapshots

BANDS_POINTS = 200
"""About how many times per run ``--plots`` measures the layer bands."""

FRAMES = 40
"""About how many frames ``--animate`` draws when ``--plot-every`` is not given."""


class Watchers:
    """The callbacks a run needs for its figures: layer statistics for ``--plots``, snapshots
    for ``--animate`` and for the hidden units every ``--plot-every`` epochs."""

    def __init__(
        self, args: argparse.Namespace, X: np.ndarray, Y: np.ndarray, layered: bool = False
    ) -> None:
        epochs = int(args.epochs)
        every = max(1, epochs // BANDS_POINTS)
        self.stats = LayerStats(X, Y, every=every) if args.plots and not layered else None
        self.snapshots: Snapshots | None = None
        self.every: int | None = args.plot_every
        wants_maps = args.plots and args.plot_every is not None and X.shape[0] == 2
        if args.animate or wants_maps:
            self.snapshots = Snapshots(every=args.plot_every or max(1, epochs // FRAMES))

    def callbacks(self) -> list[Callback]:
        return [cb for cb in (self.stats, self.snapshots) if cb is not None]


def animation(watchers: Watchers, X: np.ndarray, Y: np.ndarray, path: str) -> str:
    from nndl import plot

    assert watchers.snapshots is not None
    return str(plot.boundary_animation(watchers.snapshots, X, Y, path))


def training_plots(
    net: Model,
    history: Any,
    train: tuple[np.ndarray, np.ndarray],
    evaluation: tuple[np.ndarray, np.ndarray] | None,
    folder: Path,
    watchers: Watchers,
) -> list[str]:
    """Figures of a training run: the cost curve(s) (the held-out curve labelled "test"), the
    activation and gradient bands per layer; for classifiers the decision boundary and the
    hidden units (2-D data, also every ``--plot-every`` epochs), the first-layer weights as
    pictures (images), the confusion matrix and the misclassified pictures, the last two on the
    test data when there is some (``evaluation``)."""
    from nndl import plot

    folder.mkdir(parents=True, exist_ok=True)
    written: list[str] = []

    def save(name: str) -> Path:
        written.append(str(folder / name))
        return folder / name

    held_out = getattr(history, "history", {}).get("val_cost")
    plot.cost_curve(list(history), held_out or None, val_label="test", path=save("cost.png"))
    if watchers.stats is not None and watchers.stats.epochs:
        plot.layer_bands(watchers.stats, path=save("layer_bands.png"))
    shape = net.info.get("image_shape")
    if shape and isinstance(net, Network):
        plot.first_layer_weights(net, tuple(shape), path=save("first_layer_weights.png"))
    first = net.layers[0] if not isinstance(net, Network) else None
    if isinstance(first, Conv2D):
        plot.conv_filters(first.params["W"], path=save("conv_filters.png"))
        X_one = net.check_X(model_input(net, train[0][:, :1]))
        A, _ = first.forward(X_one, training=False, rng=None)
        plot.feature_maps(A, path=save("feature_maps.png"))
    if net.task == "regression":
        return written
    X, Y = train
    if X.shape[0] == 2 and isinstance(net, Network):
        names = class_names(net)  # a file's own labels ("cat", "dog"), else "class 0", …
        named = None if names == [str(k) for k in range(len(names))] else names
        plot.decision_boundary(net, X, Y, path=save("decision_boundary.png"), class_names=named)
        plot.hidden_units(net, X, Y, path=save("hidden_units.png"), class_names=named)
        snaps = watchers.snapshots
        if snaps is not None and watchers.every is not None:
            for k, epochs_done in enumerate(snaps.epochs):
                plot.hidden_units(
                    snaps.network(k), X, Y, path=save(f"hidden_units_epoch_{epochs_done}.png"),
                    title=f"Hidden units after {epochs_done} epochs", class_names=named,
                )  # fmt: skip
    X_eval, Y_eval = evaluation if evaluation is not None else train
    truth = (np.argmax(Y_eval, axis=0) if Y_eval.shape[0] > 1 else Y_eval).reshape(1, -1)
    truth = truth.astype(int)
    predicted = np.asarray(net.predict(model_input(net, X_eval))).reshape(1, -1).astype(int)
    names = class_names(net)
    where = "test" if evaluation is not None else "training"
    plot.confusion_matrix(
        truth, predicted, class_names=names, path=save("confusion_matrix.png"),
        title=f"Confusion matrix ({where} data)",
    )  # fmt: skip
    if shape and np.any(truth != predicted):
        pictures = X_eval
        if "standardizer" in net.info:  # show the pictures, not their standardized values
            pictures = datasets.Standardizer.from_dict(net.info["standardizer"]).inverse_transform(
                X_eval
            )
        plot.misclassified(
            pictures, truth, predicted, shape, class_names=names, path=save("misclassified.png")
        )
    return written
