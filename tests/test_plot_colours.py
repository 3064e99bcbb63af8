"""One colour scheme for classes and outputs in every figure and in the playground's page, and
the figures' explanations: the hidden units' numbers, colour bars, ranges and legend, the
decision boundary's class legend and accuracy, no empty area."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("matplotlib")

from matplotlib.colors import to_rgb

import nndl
from nndl import plot
from nndl.errors import NNDLError
from nndl.plot import colours

STATIC = Path(nndl.__file__).parent / "playground" / "static"


def _rgb(text: str) -> tuple[int, int, int]:
    r, g, b = (int(v) for v in re.findall(r"\d+", text))
    return r, g, b


def _unit(rgb: tuple[int, int, int]) -> tuple[float, ...]:
    return tuple(c / 255 for c in rgb)


def test_the_playground_draws_with_the_figures_colours() -> None:
    draw = (STATIC / "draw.js").read_text(encoding="utf-8")
    line = re.search(r"export const NEG = (\[.*?\]), POS = (\[.*?\]), MID = (\[.*?\]);", draw)
    assert line is not None
    assert tuple(_rgb(v) for v in line.groups()) == (
        colours.NEGATIVE,
        colours.POSITIVE,
        colours.MIDDLE,
    )
    palette = re.search(r"export const PALETTE = \[NEG, POS, (.*?)\];", draw, re.S)
    assert palette is not None
    rest = [_rgb(v) for v in re.findall(r"\[[^\]]*\]", palette.group(1))]
    assert (colours.NEGATIVE, colours.POSITIVE, *rest) == colours.CLASSES
    css = (STATIC / "playground.css").read_text(encoding="utf-8")
    assert f"--neg: {colours.hex_colour(colours.NEGATIVE)};" in css
    assert f"--pos: {colours.hex_colour(colours.POSITIVE)};" in css
    ramp = re.search(r"linear-gradient\(to right, (rgb\(.*?\)), (rgb\(.*?\)), (rgb\(.*?\))\)", css)
    assert ramp is not None  # the unit maps' legend: the same three stops as the figures
    assert tuple(_rgb(v) for v in ramp.groups()) == (
        colours.NEGATIVE,
        colours.MIDDLE,
        colours.POSITIVE,
    )
    page = (STATIC / "playground.js").read_text(encoding="utf-8")
    assert colours.hex_colour(colours.POSITIVE) in draw  # the test curve's blue
    assert "PALETTE[label % 8]" in page and len(colours.CLASSES) == 8


def test_the_signed_colour_map_runs_orange_grey_blue() -> None:
    cmap = colours.signed_cmap()
    np.testing.assert_allclose(cmap(0.0)[:3], _unit(colours.NEGATIVE), atol=1e-6)
    np.testing.assert_allclose(cmap(0.5)[:3], _unit(colours.MIDDLE), atol=3 / 255)
    np.testing.assert_allclose(cmap(1.0)[:3], _unit(colours.POSITIVE), atol=1e-6)
    classes = colours.class_cmap(3)
    for k in range(3):
        np.testing.assert_allclose(classes(k)[:3], _unit(colours.CLASSES[k]), atol=1e-6)
    assert colours.class_colour(9) == colours.class_colour(1)  # eight colours, then again


def test_decision_boundary_has_a_class_legend_and_the_accuracy(tmp_path: Path) -> None:
    X, Y = nndl.datasets.make_spiral(m=150, classes=3, seed=0)
    net = nndl.Network([2, 8, 3], activations="relu", init="he", seed=0)
    net.fit(X, nndl.model.losses.one_hot(Y, 3), learning_rate=0.5, epochs=200)
    fig = plot.decision_boundary(
        net, X, Y, path=tmp_path / "b.png", resolution=40, class_names=["a", "b", "c"]
    )
    legend = fig.axes[0].get_legend()
    accuracy = net.accuracy(X, nndl.model.losses.one_hot(Y, 3))
    assert legend.get_title().get_text() == f"accuracy {100 * accuracy:.1f}%"
    counts = np.bincount(Y[0], minlength=3)
    assert [t.get_text() for t in legend.get_texts()] == [
        f"{name} ({n})" for name, n in zip("abc", counts, strict=True)
    ]
    for handle, k in zip(legend.legend_handles, range(3), strict=True):
        assert to_rgb(handle.get_markerfacecolor()) == pytest.approx(_unit(colours.CLASSES[k]))
    points = fig.axes[0].collections[-1].get_facecolors()[:, :3]
    np.testing.assert_allclose(points, [_unit(colours.CLASSES[k]) for k in Y[0]], atol=1e-6)
    fig.canvas.draw()  # the legend beside the map, inside the figure
    box, frame = legend.get_window_extent(), fig.bbox
    assert box.x1 <= frame.x1 and box.x0 >= fig.axes[0].get_window_extent().x1
    with pytest.raises(NNDLError, match="one name per class"):
        plot.decision_boundary(net, X, Y, class_names=["a", "b"], resolution=10)
    grid = plot.new_figure(1, 3, figsize=(9, 3))  # in the caller's axes: the legend inside each
    for ax in grid.axes:
        plot.decision_boundary(net, X, Y, ax=ax, resolution=20)
    grid.canvas.draw()
    for ax in grid.axes:
        box, frame = ax.get_legend().get_window_extent(), ax.get_window_extent()
        assert (
            frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 <= box.y1 <= frame.y1
        )


def _blank_blocks(fig, n: int = 4) -> int:  # type: ignore[no-untyped-def]
    """How many of an n × n grid of blocks below the title are (almost) all white."""
    fig.canvas.draw()
    image = np.asarray(fig.canvas.buffer_rgba())[..., :3]
    body = image[int(0.08 * image.shape[0]) :]
    H, W = body.shape[:2]
    blank = 0
    for i in range(n):
        for j in range(n):
            block = body[i * H // n : (i + 1) * H // n, j * W // n : (j + 1) * W // n]
            blank += int(np.mean(np.all(block > 245, axis=-1)) > 0.97)
    return blank


@pytest.mark.parametrize(
    ("dims", "activations"),
    [([2, 4, 1], "tanh"), ([2, 4, 3, 1], "tanh"), ([2, 9, 5, 1], ["relu", "sigmoid", "sigmoid"])],
)
def test_hidden_units_explain_their_colours_and_leave_no_empty_area(
    tmp_path: Path, dims: list[int], activations: str | list[str]
) -> None:
    X, Y = nndl.datasets.load_planar()
    net = nndl.Network(dims, activations=activations, seed=1)
    net.fit(X, Y, learning_rate=1.2, epochs=30)
    fig = plot.hidden_units(net, X, Y, resolution=24, path=tmp_path / "units.png")
    labels = [ax.get_label() for ax in fig.axes]
    assert "colour bar: output" in labels and "colour bar: units" in labels
    for what, low, high in (("output", 0.0, 1.0), ("units", -1.0, 1.0)):
        (bar,) = (ax for ax in fig.axes if ax.get_label() == f"colour bar: {what}")
        assert bar.get_xlim() == pytest.approx((low, high))
        assert bar.get_xlabel()  # what the colours mean
    units = [ax for ax in fig.axes if ax.get_label().startswith("unit ")]
    assert len(units) == sum(dims[1:-1])
    for ax in units:  # the same colour map as the playground, a unit's range under it
        image = ax.images[0]
        assert image.get_cmap().name == "nndl_signed" and image.get_clim() == (-1.0, 1.0)
        assert re.fullmatch(r"\S+ … \S+", ax.get_xlabel())
    (output,) = (ax for ax in fig.axes if ax.get_label() == "output")
    assert output.images[0].get_cmap().name == "nndl_signed"
    accuracy = net.accuracy(X, Y)
    assert f"accuracy {100 * accuracy:.1f}%" in output.get_title()
    (classes,) = (ax for ax in fig.axes if ax.get_label() == "classes")
    legend = classes.get_legend()
    assert [t.get_text() for t in legend.get_texts()] == ["class 0 (200)", "class 1 (200)"]
    note = next(ax for ax in fig.axes if ax.get_label() == "note")
    assert "lowest and highest" in note.texts[0].get_text()  # the ranges explained
    # a layer of more than six units takes two columns; shorter columns are centred
    if dims[1] == 9:
        lefts = sorted({round(ax.get_position().x0, 3) for ax in units[:9]})
        assert len(lefts) == 2
    columns: dict[float, list[tuple[float, float]]] = {}
    for ax in units:
        box = ax.get_position()
        columns.setdefault(round(box.x0, 3), []).append((box.y0, box.y1))
    middles = [(max(y1 for _, y1 in c) + min(y0 for y0, _ in c)) / 2 for c in columns.values()]
    assert max(middles) - min(middles) < 0.02  # every column centred on the same line
    assert _blank_blocks(fig) == 0  # no empty corner


def test_figures_of_one_network_share_the_class_colours() -> None:
    X, Y = nndl.datasets.make_moons(m=80, seed=2)
    net = nndl.Network([2, 4, 1], activations="tanh", seed=0)
    h = net.fit(X, Y, learning_rate=1.0, epochs=20, validation_split=0.25)
    boundary = plot.decision_boundary(net, X, Y, resolution=20)
    units = plot.hidden_units(net, X, Y, resolution=20)
    (output,) = (ax for ax in units.axes if ax.get_label() == "output")
    expected = [_unit(colours.CLASSES[k]) for k in Y[0]]
    for ax in (boundary.axes[0], output):
        np.testing.assert_allclose(ax.collections[-1].get_facecolors()[:, :3], expected, atol=1e-6)
    curve = plot.cost_curve(h, h.history["val_cost"]).axes[0].get_lines()
    history = plot.history(h).axes[0].get_lines()
    for lines in (curve, history):  # as the playground's curve: training dark, held-out blue
        assert to_rgb(lines[0].get_color()) == pytest.approx(to_rgb(colours.TRAIN_LINE))
        assert to_rgb(lines[1].get_color()) == pytest.approx(_unit(colours.POSITIVE))


def test_class_names_reach_the_legends_and_the_colour_bar() -> None:
    X, Y = nndl.datasets.make_moons(m=60, seed=3)
    net = nndl.Network([2, 3, 1], activations="tanh", seed=0)
    names = ["circle", "cross"]
    fig = plot.hidden_units(net, X, Y, resolution=12, class_names=names)
    (legend,) = (ax.get_legend() for ax in fig.axes if ax.get_label() == "classes")
    assert [t.get_text() for t in legend.get_texts()] == ["circle (30)", "cross (30)"]
    (bar,) = (ax for ax in fig.axes if ax.get_label() == "colour bar: output")
    assert bar.get_xlabel() == "output ŷ: 0 is circle, 1 is cross"
    with pytest.raises(NNDLError, match="one name per class"):
        plot.hidden_units(net, X, Y, resolution=12, class_names=["circle"])


@pytest.mark.parametrize(("labels", "expected"), [(("no", "yes"), ["no", "yes"]), ((0, 1), None)])
def test_nndl_train_names_a_files_classes_in_its_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, labels: tuple[object, object], expected: object
) -> None:
    import contextlib
    import io

    from nndl import cli

    seen: dict[str, object] = {}
    for name in ("decision_boundary", "hidden_units"):
        real = getattr(plot, name)

        def spy(*args: object, _real=real, _name=name, **kwargs: object) -> object:  # type: ignore[no-untyped-def]
            seen[_name] = kwargs.get("class_names")
            return _real(*args, **kwargs)

        monkeypatch.setattr(plot, name, spy)
    rng = np.random.default_rng(0)
    rows = "".join(
        f"{a:.3f},{b:.3f},{labels[int(a * b > 0)]}\n" for a, b in rng.normal(size=(80, 2))
    )
    (tmp_path / "q.csv").write_text("u,v,kind\n" + rows)
    argv = ["train", "--data", str(tmp_path / "q.csv"), "--target", "kind", "--hidden", "3"]
    argv += ["--epochs", "3", "--plots", str(tmp_path / "plots")]
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(argv) == 0
    assert seen == {"decision_boundary": expected, "hidden_units": expected}
