"""nndl.plot's figures of the inside of a network, the GIF, and the fixes to the basic figures:
each drawn, read back, and checked against numbers computed here."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib.image import imread

import nndl
from nndl import plot
from nndl.errors import NNDLError, ShapeError
from nndl.training.callbacks import LayerStats, Snapshots


def _read(path: Path) -> np.ndarray:
    assert path.exists() and path.stat().st_size > 0
    image = imread(path)
    assert image.ndim == 3 and image.shape[0] > 100 and image.shape[1] > 100
    return image


@pytest.fixture(scope="module")
def flower() -> tuple[nndl.Network, np.ndarray, np.ndarray, Snapshots, LayerStats]:
    X, Y = nndl.datasets.load_planar()
    net = nndl.Network([2, 4, 3, 1], activations="tanh", seed=2)
    snaps, stats = Snapshots(every=40), LayerStats(X, Y, max_examples=100, every=10)
    net.fit(X, Y, learning_rate=1.2, epochs=100, callbacks=[snaps, stats])
    return net, X, Y, snaps, stats


def _axes(fig, prefix: str) -> list:  # type: ignore[no-untyped-def]
    return [ax for ax in fig.axes if ax.get_label().startswith(prefix)]


def test_hidden_units_draw_each_units_activation_by_layer(flower, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    net, X, Y, _, _ = flower
    fig = plot.hidden_units(net, X, Y, path=tmp_path / "units.png", resolution=30)
    _read(tmp_path / "units.png")
    units = _axes(fig, "unit ")
    assert len(units) == 4 + 3  # one map per hidden unit, laid out by layer
    # numbered within their layer
    assert [ax.texts[0].get_text() for ax in units] == ["1", "2", "3", "4", "1", "2", "3"]
    # the first map is tanh(W1[0] · (x1, x2) + b1[0]) over the grid, computed here
    X_np = np.asarray(X, dtype=np.float64)
    xs = np.linspace(X_np[0].min() - 1, X_np[0].max() + 1, 30)
    ys = np.linspace(X_np[1].min() - 1, X_np[1].max() + 1, 30)
    xx, yy = np.meshgrid(xs, ys)
    W1, b1 = (np.asarray(net.params[k], dtype=np.float64) for k in ("W1", "b1"))
    expected = np.tanh(W1[0, 0] * xx + W1[0, 1] * yy + b1[0, 0])
    shown = np.asarray(units[0].images[0].get_array())
    np.testing.assert_allclose(shown, expected, atol=1e-5)
    # each map's range is written under it
    assert units[0].get_xlabel() == f"{expected.min():.2g} … {expected.max():.2g}"
    assert [ax.texts[0].get_text() for ax in _axes(fig, "layer ")] == [
        "layer 1: tanh\n4 units",
        "layer 2: tanh\n3 units",
    ]
    (output,) = _axes(fig, "output")
    assert output.get_title().startswith("output ŷ: sigmoid")
    fig = plot.hidden_units(net, X, Y, max_units=2, resolution=10)
    assert len(_axes(fig, "unit ")) == 2 + 2
    assert "4 units, 2 of 4" in _axes(fig, "layer 1")[0].texts[0].get_text()
    with pytest.raises(ShapeError, match=r"pass X\.T"):
        plot.hidden_units(net, X.T, Y)


def test_first_layer_weights_as_pictures() -> None:
    net = nndl.Network([12, 3, 1], seed=0)
    fig = plot.first_layer_weights(net, (2, 2, 3))
    W1 = np.asarray(net.params["W1"], dtype=np.float64)
    unit = W1[1].reshape(2, 2, 3)
    expected = (unit - unit.min()) / (unit.max() - unit.min())
    np.testing.assert_allclose(np.asarray(fig.axes[1].images[0].get_array()), expected, atol=1e-6)
    assert fig.axes[0].images[0].get_array().shape == (2, 2, 3)  # colour
    digits = nndl.Network([64, 5, 10], seed=0)
    fig = plot.first_layer_weights(digits, (8, 8, 1), max_units=4)
    assert sum(1 for ax in fig.axes if ax.images) == 4
    assert fig.axes[0].images[0].get_array().shape == (8, 8)
    assert fig.axes[0].images[0].get_cmap().name == "gray"  # one channel: gray
    with pytest.raises(ShapeError, match="n_x = 64"):
        plot.first_layer_weights(digits, (64, 64, 3))


def test_layer_stats_record_quantiles_and_gradient_norms(flower) -> None:  # type: ignore[no-untyped-def]
    net, _, _, _, stats = flower
    assert stats.epochs == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100]
    assert stats.activations[0].shape == (3, 5) and stats.gradient_norms[0].shape == (3,)
    # the last record is the trained network's, computed here on the same sample
    copy = net.copy()
    copy.l2 = 0.0
    AL, caches = copy.forward(stats.X.astype(copy.dtype))
    grads = copy.backward(AL, stats.Y, caches)
    for l in range(3):
        np.testing.assert_allclose(
            stats.activations[-1][l], np.quantile(np.asarray(caches[l].A), LayerStats.QUANTILES),
            rtol=1e-6,
        )  # fmt: skip
        assert stats.gradient_norms[-1][l] == pytest.approx(
            float(np.linalg.norm(np.asarray(grads[f"dW{l + 1}"]))), rel=1e-6
        )
    assert stats.X.shape == (2, 100)  # a sample of max_examples columns


def test_layer_bands_show_a_deep_sigmoid_networks_vanishing_gradient(tmp_path: Path) -> None:
    X, Y = nndl.datasets.make_moons(m=200, seed=0)
    net = nndl.Network([2, 8, 8, 8, 8, 1], activations="sigmoid", init="random", seed=0)
    stats = LayerStats(X, Y)
    net.fit(X, Y, learning_rate=0.5, epochs=20, callbacks=[stats])
    norms = np.stack(stats.gradient_norms)
    assert norms[0, 0] < norms[0, -1] * 1e-3  # at the start the first layer's gradient vanishes
    fig = plot.layer_bands(stats, path=tmp_path / "bands.png")
    _read(tmp_path / "bands.png")
    assert len(fig.axes) == 5 + 1
    median = fig.axes[0].get_lines()[0].get_ydata()
    np.testing.assert_allclose(median, [a[0, 2] for a in stats.activations])
    with pytest.raises(NNDLError, match="fit"):
        plot.layer_bands(LayerStats(X, Y))


def test_snapshots_and_the_boundary_gif(flower, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from PIL import Image

    net, X, Y, snaps, _ = flower
    assert snaps.epochs == [0, 40, 80, 100]  # before, every 40 epochs, and the end
    initial = nndl.Network([2, 4, 3, 1], activations="tanh", seed=2)
    np.testing.assert_array_equal(snaps.params[0]["W1"], initial.params["W1"])
    np.testing.assert_array_equal(snaps.network(3).params["W2"], np.asarray(net.params["W2"]))
    path = plot.boundary_animation(snaps, X, Y, tmp_path / "boundary", resolution=40)
    assert path == tmp_path / "boundary.gif"
    with Image.open(path) as gif:
        assert gif.n_frames == len(snaps) == 4
        assert gif.size[0] > 200
    assert sorted(p.name for p in tmp_path.iterdir()) == ["boundary.gif"]  # no temporary left
    with pytest.raises(NNDLError, match=r"\.gif"):
        plot.boundary_animation(snaps, X, Y, tmp_path / "boundary.png")
    with pytest.raises(NNDLError, match="fit"):
        plot.boundary_animation(Snapshots(), X, Y, tmp_path / "empty.gif")


def test_history_figure_and_the_test_label(tmp_path: Path) -> None:
    X, Y = nndl.datasets.make_moons(m=200, seed=0)
    net = nndl.Network([2, 4, 1], activations="tanh", seed=0)
    h = net.fit(X, Y, learning_rate=1.0, epochs=30, validation_split=0.25)
    fig = plot.history(h, path=tmp_path / "history.png", val_label="test")
    _read(tmp_path / "history.png")
    cost_ax, accuracy_ax = fig.axes
    assert [line.get_label() for line in cost_ax.get_lines()] == ["train", "test"]
    np.testing.assert_allclose(accuracy_ax.get_lines()[1].get_ydata(), h.history["val_accuracy"])
    fig = plot.cost_curve(h, h.history["val_cost"], val_label="test")
    assert fig.axes[0].get_lines()[1].get_label() == "test"


def test_two_class_confusion_title_fits_in_the_figure(tmp_path: Path) -> None:
    truth = np.array([[0, 0, 1, 1, 1]])
    fig = plot.confusion_matrix(truth, np.array([[0, 1, 1, 1, 0]]), path=tmp_path / "c.png")
    fig.canvas.draw()
    title = fig.axes[0].title.get_window_extent()
    box = fig.bbox
    assert title.x0 >= box.x0 and title.x1 <= box.x1 and title.y1 <= box.y1


def test_one_channel_mistakes_are_gray() -> None:
    rng = np.random.default_rng(0)
    X = rng.random((64, 6))
    fig = plot.misclassified(X, np.zeros((1, 6), int), np.ones((1, 6), int), (8, 8, 1))
    image = fig.axes[0].images[0]
    assert image.get_cmap().name == "gray" and image.get_array().shape == (8, 8)


def test_figures_are_saved_atomically(tmp_path: Path) -> None:
    plot.cost_curve([3.0, 2.0, 1.0], path=tmp_path / "a" / "cost.png")
    assert [p.name for p in (tmp_path / "a").iterdir()] == ["cost.png"]
    assert (tmp_path / "a" / "cost.png").stat().st_mode & 0o444 == 0o444  # readable


def test_history_plot_is_the_history_figure(tmp_path: Path) -> None:
    X, Y = nndl.datasets.make_moons(m=100, seed=0)
    h = nndl.Network([2, 3, 1], activations="tanh", seed=0).fit(X, Y, learning_rate=1.0, epochs=5)
    fig = h.plot(tmp_path / "h.png")
    _read(tmp_path / "h.png")
    cost_ax = fig.axes[0]
    np.testing.assert_allclose(cost_ax.get_lines()[0].get_ydata(), list(h))
