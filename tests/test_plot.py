"""nndl.plot: every figure is written, read back, and shows what it should."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib.image import imread

import nndl
from nndl import plot
from nndl.errors import NNDLError, ShapeError


def _read(path: Path) -> np.ndarray:
    assert path.exists() and path.stat().st_size > 0
    image = imread(path)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
    return image


def _colours(image: np.ndarray) -> int:
    return len(np.unique(image.reshape(-1, image.shape[-1]), axis=0))


def test_cost_curve_writes_png_with_train_and_validation(tmp_path: Path) -> None:
    costs = list(np.exp(-np.linspace(0, 3, 200)))
    fig = plot.cost_curve(costs, [c + 0.05 for c in costs], path=tmp_path / "cost")
    image = _read(tmp_path / "cost.png")  # PNG by default
    assert _colours(image) > 2
    ax = fig.axes[0]
    assert [line.get_label() for line in ax.get_lines()] == ["train", "validation"]
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), costs)


def test_cost_curve_takes_the_history_of_fit_and_backend_arrays(backend) -> None:  # type: ignore[no-untyped-def]
    X, Y = nndl.datasets.load_planar()
    net = nndl.Network([2, 3, 1], activations="tanh", seed=2)
    history = net.fit(X, Y, learning_rate=1.2, epochs=20)
    fig = plot.cost_curve(history)
    assert len(fig.axes[0].get_lines()[0].get_ydata()) == 20
    fig = plot.cost_curve(backend.asarray(np.array([3.0, 2.0, 1.0])))
    np.testing.assert_array_equal(fig.axes[0].get_lines()[0].get_ydata(), [3.0, 2.0, 1.0])


def test_cost_curve_rejects_empty() -> None:
    with pytest.raises(ValueError, match="at least one cost"):
        plot.cost_curve([])


def test_decision_boundary_colours_each_side_of_a_known_line(tmp_path: Path) -> None:
    """Logistic regression with W = [1, 0], b = 0 predicts 1 exactly where x1 > 0."""
    net = nndl.logistic_regression(2)
    net.params["W1"] = np.array([[5.0, 0.0]], dtype=np.float32)
    rng = np.random.default_rng(0)
    X = rng.uniform(-3, 3, (2, 200))
    Y = (X[:1] > 0).astype(np.int64)
    path = tmp_path / "boundary.png"
    plot.decision_boundary(net, X, Y, path=path, margin=0.0)
    image = _read(path)[..., :3]
    assert _colours(image) > 10
    # Sample the background halfway between the axis and each side, away from the points.
    h = image.shape[0]
    columns = np.nonzero(np.any(image[h // 2] < 0.99, axis=-1))[0]
    left, right = columns.min(), columns.max()
    row = h // 2
    left_colour = np.median(image[row - 5 : row + 5, left + 5 : left + 15].reshape(-1, 3), axis=0)
    right_colour = np.median(
        image[row - 5 : row + 5, right - 15 : right - 5].reshape(-1, 3), axis=0
    )
    assert np.abs(left_colour - right_colour).max() > 0.2


def test_decision_boundary_on_backend_data_and_axes(backend) -> None:  # type: ignore[no-untyped-def]
    X, Y = nndl.datasets.make_moons(m=60, seed=1)
    net = nndl.Network([2, 4, 1], activations="tanh", seed=1)
    Xb, Yb = backend.asarray(X), backend.asarray(Y)
    net.fit(Xb, Yb, learning_rate=0.5, epochs=5)
    fig = plot.new_figure(1, 2)
    returned = plot.decision_boundary(net, Xb, Yb, ax=fig.axes[1], title="moons", resolution=40)
    assert returned is fig
    assert fig.axes[1].get_title() == "moons"
    assert fig.axes[0].get_title() == ""


def test_decision_boundary_for_softmax_and_one_hot() -> None:
    X, Y = nndl.datasets.make_spiral(m=90, classes=3, seed=0)
    net = nndl.Network([2, 8, 3], activations="relu", init="he", seed=0)
    fig = plot.decision_boundary(net, X, nndl.model.losses.one_hot(Y, 3), resolution=30)
    offsets = fig.axes[0].collections[-1].get_offsets()
    assert offsets.shape == (90, 2)


def test_decision_boundary_shape_errors() -> None:
    X, Y = nndl.datasets.make_moons(m=20)
    net = nndl.Network([2, 2, 1], seed=0)
    with pytest.raises(ShapeError, match=r"X\.T"):
        plot.decision_boundary(net, X.T, Y)
    with pytest.raises(ShapeError, match="rank-1"):
        plot.decision_boundary(net, X, Y[0])
    with pytest.raises(ShapeError, match="must match"):
        plot.decision_boundary(net, X, Y[:, :10])


def test_activations_and_their_derivatives(tmp_path: Path) -> None:
    path = tmp_path / "act.png"
    fig = plot.activations(path=path)
    assert _colours(_read(path)) > 4
    ax_g, ax_d = fig.axes
    lines = {line.get_label(): line for line in ax_g.get_lines()}
    slopes = {line.get_label(): line for line in ax_d.get_lines()}
    z = lines["sigmoid"].get_xdata()
    np.testing.assert_allclose(lines["sigmoid"].get_ydata(), 1 / (1 + np.exp(-z)), atol=1e-12)
    np.testing.assert_allclose(slopes["tanh'"].get_ydata(), 1 - np.tanh(z) ** 2, atol=1e-12)
    assert np.max(slopes["sigmoid'"].get_ydata()) == pytest.approx(0.25)
    assert min(slopes["leaky_relu (0.1)'"].get_ydata()) == pytest.approx(0.1)


def test_activations_into_given_axes() -> None:
    fig = plot.new_figure(1, 2)
    assert plot.activations(["relu"], axes=fig.axes) is fig
    labels = [line.get_label() for line in fig.axes[1].get_lines()]
    assert [label for label in labels if not label.startswith("_")] == ["relu'"]
    with pytest.raises(ValueError, match="two Axes"):
        plot.activations(["relu"], axes=fig.axes[:1])


def test_confusion_matrix_counts(tmp_path: Path) -> None:
    truth = np.array([[0, 0, 1, 1, 1, 2, 2, 2, 2]])
    pred = np.array([[0, 1, 1, 1, 2, 2, 2, 2, 0]])
    path = tmp_path / "cm.png"
    fig = plot.confusion_matrix(truth, pred, class_names=["a", "b", "c"], path=path)
    assert _colours(_read(path)) > 2
    ax = fig.axes[0]
    cells = [int(t.get_text()) for t in ax.texts]
    assert cells == [1, 1, 0, 0, 2, 1, 1, 0, 3]
    assert "66.7%" in ax.get_title()


def test_confusion_matrix_takes_one_hot() -> None:
    truth = nndl.model.losses.one_hot(np.array([[0, 1, 1]]), 2)
    fig = plot.confusion_matrix(truth, np.array([[0, 1, 0]]))
    assert [int(t.get_text()) for t in fig.axes[0].texts] == [1, 0, 1, 1]


def test_misclassified_grid_shows_only_the_mistakes(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.random((8 * 6, 40))
    truth = np.zeros((1, 40), dtype=np.int64)
    pred = (np.arange(40) % 4 == 0).astype(np.int64).reshape(1, -1)  # 10 mistakes
    path = tmp_path / "wrong.png"
    fig = plot.misclassified(X, truth, pred, (8, 6), class_names=["cat", "dog"], path=path)
    assert _colours(_read(path)) > 10
    shown = [ax for ax in fig.axes if ax.get_images()]
    assert len(shown) == 10
    assert shown[0].get_title() == "cat → dog"
    np.testing.assert_allclose(
        shown[1].get_images()[0].get_array(),
        (X[:, 4].reshape(8, 6) - X[:, 4].min()) / np.ptp(X[:, 4]),
    )
    capped = plot.misclassified(X, truth, pred, (8, 6), max_images=4)
    assert len([ax for ax in capped.axes if ax.get_images()]) == 4


def test_misclassified_colour_images_and_no_mistakes() -> None:
    X = np.random.default_rng(1).random((4 * 4 * 3, 5))
    fig = plot.misclassified(X, np.ones((1, 5)), np.ones((1, 5)), (4, 4, 3))
    assert "0 of 5" in fig.get_suptitle()
    with pytest.raises(ShapeError, match="prod"):
        plot.misclassified(X, np.ones((1, 5)), np.ones((1, 5)), (4, 4))


def test_missing_matplotlib_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(NNDLError, match=r'pip install "nndl\[plot\]"') as info:
        plot.cost_curve([1.0, 0.5])
    assert isinstance(info.value, ImportError)
