"""The playground's page as a person sees it, in headless Chromium (Playwright): laid out without
sideways overflow at 1280 × 900 and down to 800 px wide, its labels and legends present, the
address's hash loading a setup, and the stall hint readable in a narrow window.  Each test takes
screenshots and checks them, and the page's boxes, for overflow."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from browser_pages import watch

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.skipif(
        not CHROMIUM.exists(),
        reason="no Chromium at /usr/bin/chromium: install the OS package "
        "(apt-get install chromium) to run the playground's browser tests",
    ),
]
sync_api = pytest.importorskip("playwright.sync_api", reason="the test extra brings playwright")
pytest.importorskip("starlette")
Image = pytest.importorskip("PIL.Image")

from nndl.playground import Running  # noqa: E402

VIEWPORTS = [(1280, 900), (1024, 768), (800, 900)]
WIDE = "#data=spiral&hidden=6,6,6&activations=tanh,relu,tanh&features=x1,x2,x1x2&speed=5"


def _page(browser: Any, width: int, height: int, problems: list[str]) -> Any:
    page = browser.new_page(viewport={"width": width, "height": height})
    watch(page, problems)
    return page


def _open(page: Any, url: str) -> int:
    page.goto(url)
    page.wait_for_function("window.nndlPlayground && window.nndlPlayground.epoch === 0")
    return int(page.evaluate("window.nndlPlayground.run"))


def _changed(page: Any, run: int) -> int:
    page.wait_for_function(
        f"window.nndlPlayground.run > {run} && window.nndlPlayground.epoch === 0"
    )
    return int(page.evaluate("window.nndlPlayground.run"))


def _boxes(page: Any, selector: str) -> list[dict[str, float]]:
    boxes: list[dict[str, float]] = page.evaluate(
        """(selector) => Array.from(document.querySelectorAll(selector)).map((e) => {
            const r = e.getBoundingClientRect();
            return {x: r.left, y: r.top, right: r.right, bottom: r.bottom, w: r.width, h: r.height,
                    name: e.id || e.className || e.textContent.trim().slice(0, 20)}; })""",
        selector,
    )
    return boxes


def _overlap(a: dict[str, float], b: dict[str, float]) -> bool:
    return (
        min(a["right"], b["right"]) - max(a["x"], b["x"]) > 0.5
        and min(a["bottom"], b["bottom"]) - max(a["y"], b["y"]) > 0.5
    )


def _png(data: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(data)) as image:
        return np.asarray(image.convert("RGB"), dtype=np.int16)


@pytest.mark.parametrize(("width", "height"), VIEWPORTS, ids=lambda v: str(v))
def test_no_sideways_overflow_and_the_header_intact(
    browser: Any, server: Running, tmp_path: Path, width: int, height: int
) -> None:
    problems: list[str] = []
    page = _page(browser, width, height, problems)
    _open(page, server.url + WIDE)
    page.click("#play")
    page.wait_for_function("window.nndlPlayground.epoch >= 50", timeout=60_000)
    page.click("#play")
    shot = tmp_path / f"page-{width}x{height}.png"
    page.screenshot(path=str(shot), full_page=True)

    # the document is no wider than the window: the full-page screenshot is the window's width
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    with Image.open(shot) as image:
        assert image.size[0] == width and image.size[1] >= height
    # every part of the header inside the window, none overlapping another
    header = _boxes(page, "#top > *") + _boxes(page, "#top .transport > *")
    assert len(header) >= 11
    for box in header:
        assert box["x"] >= 0 and box["right"] <= width, box
        assert box["w"] > 0 and box["h"] > 0, box
    parts = _boxes(page, "#top > *")
    for i, a in enumerate(parts):
        for b in parts[i + 1 :]:
            assert not _overlap(a, b), (a, b)
    # the panels inside the window, side by side or stacked, never on top of each other
    panels = _boxes(page, "main > .panel") + _boxes(page, "#bottom > .panel")
    assert len(panels) == 5
    for i, a in enumerate(panels):
        assert a["x"] >= 0 and a["right"] <= width, a
        for b in panels[i + 1 :]:
            assert not _overlap(a, b), (a, b)
    # the output's parts (curve, boundary, gradients) do not cover one another
    out = [
        _boxes(page, f"#out-col {s}")[0]
        for s in (".out-cost", ".out-map", ".out-grads", "#curve", "#boundary")
    ]
    for i, a in enumerate(out[:3]):
        assert a["right"] <= width
        for b in out[i + 1 : 3]:
            assert not _overlap(a, b), (a, b)
    # the network's units sit inside their panel (it scrolls within itself if it must)
    panel = _boxes(page, "#net-col")[0]
    labels = _boxes(page, ".node.feature .name")
    assert len(labels) == 7
    for box in labels:
        assert box["x"] >= panel["x"] and box["right"] <= panel["right"], box
    page.close()
    assert not problems, problems


def test_labels_legends_and_unselected_features_are_visible(
    browser: Any, server: Running, tmp_path: Path
) -> None:
    problems: list[str] = []
    page = _page(browser, 1280, 900, problems)
    _open(page, server.url + "#data=circles&features=x1,x2&hidden=4,3&activations=tanh,relu")
    assert page.inner_text("#net-col h2").lower().startswith("network")
    assert "features" in page.inner_text("#columns > .column:first-child .head")
    assert "2 of 7 used" in page.inner_text("#columns > .column:first-child .head")
    assert [page.inner_text(f"#feature-{f} .name") for f in ("x1", "x1sq", "sinx2")] == [
        "x₁",
        "x₁²",
        "sin x₂",
    ]
    page.screenshot(path=str(tmp_path / "labels.png"))
    # an unselected feature is dimmed, not hidden: its map still shows both colours
    assert page.locator(".node.feature.off").count() == 5
    used = _png(page.locator("#feature-x1").screenshot())
    unused = _png(page.locator("#feature-x1sq").screenshot())
    assert page.is_visible("#feature-x1sq .name") and page.is_visible("#feature-x1sq canvas")
    assert unused.std() > 0.15 * used.std()  # a picture, not a blank square
    assert not np.array_equal(unused, used)
    # the unit maps' colour legend: a ramp from orange to blue, explained
    legend = page.locator("#map-legend")
    assert legend.is_visible() and "−1" in legend.inner_text() and "+1" in legend.inner_text()
    ramp = _png(page.locator("#map-legend .ramp").screenshot())
    middle = ramp.shape[0] // 2
    left, right = ramp[middle, 3], ramp[middle, -4]
    assert left[0] > left[2] + 100 and right[2] > right[0] + 100  # orange … blue, as the maps
    # hovering a ReLU unit says what its colours mean (its layer's scale)
    page.click("#step")
    page.wait_for_function("window.nndlPlayground.epoch === 1")
    page.hover("#unit-2-0")
    scale = page.evaluate("window.nndlPlayground.header.unit_scales[1][0]")
    title = page.get_attribute("#unit-2-0", "title")
    assert title.startswith("layer 2, unit 1 (ReLU): colours from −")
    shown = re.search(r"\+(\S+) \(blue\)", title)
    assert shown is not None and float(shown.group(1)) == pytest.approx(scale, rel=5e-3)
    assert "from 0 (class 0) to 1 (class 1)" in legend.inner_text()
    run = int(page.evaluate("window.nndlPlayground.run"))
    page.click("#data-spiral")  # three classes, a softmax output: each square is one class's ŷₖ
    _changed(page, run)
    assert "probability of class k" in legend.inner_text()
    page.close()
    assert not problems, problems


def test_the_cost_curve_has_ticks_and_a_log_scale_and_the_rate_is_shown(
    browser: Any, server: Running, tmp_path: Path
) -> None:
    problems: list[str] = []
    page = _page(browser, 1280, 900, problems)
    _open(page, server.url + "#data=moons&optimizer=adam&lr=0.03&speed=2")
    assert page.inner_text("#rate") == "paused"
    paused_header = _boxes(page, "#top")[0]
    page.click("#play")
    page.wait_for_function("window.nndlPlayground.epoch >= 200", timeout=60_000)
    # while playing, the page shows how many updates a second it draws, and measures them
    page.wait_for_function("/updates\\/s/.test(document.getElementById('rate').textContent)")
    rate, text = page.evaluate(  # read together: the page updates both twice a second
        "[window.nndlPlayground.stats.rate, document.getElementById('rate').textContent]"
    )
    assert rate > 0 and f"{rate:.1f} updates/s" in text and "epochs/s" in text
    playing_header = _boxes(page, "#top")[0]  # the rate's text does not move the header
    assert playing_header["h"] == pytest.approx(paused_header["h"], abs=0.5)
    for box in _boxes(page, "#top > *"):
        assert box["right"] <= 1280
    page.click("#play")
    page.wait_for_function("document.getElementById('rate').textContent === 'paused'")

    linear = page.evaluate("window.nndlPlayground.stats.ticks")
    costs = page.evaluate("window.nndlPlayground.curve")
    assert not linear["log"] and linear["y"][0] == 0 and len(linear["y"]) >= 2
    assert linear["x"][0] == 0 and linear["x"][-1] <= costs["epoch"][-1] and len(linear["x"]) >= 3
    before = _png(page.locator("#curve").screenshot())
    page.check("#log-scale")
    ticks = page.evaluate("window.nndlPlayground.stats.ticks")
    after = _png(page.locator("#curve").screenshot())
    page.screenshot(path=str(tmp_path / "log-curve.png"))
    assert ticks["log"] and len(ticks["y"]) >= 2
    values = [v for v in costs["train"] + costs["test"] if v is not None]
    low, high = min(values), max(values)
    spread = max(1.0, np.sqrt(3 * low / high))  # a span of ×3 at least
    assert all(low / spread * 0.999 <= t <= high * spread * 1.001 for t in ticks["y"])
    mantissas = {round(t / 10 ** np.floor(np.log10(t)), 6) for t in ticks["y"]}
    assert mantissas <= {float(k) for k in range(1, 10)}  # round numbers × powers of ten
    assert np.mean(np.any(before != after, axis=-1)) > 0.01  # the curve was redrawn
    page.close()
    assert not problems, problems


def test_changing_only_the_hash_loads_that_setup_and_back_returns(
    browser: Any, server: Running
) -> None:
    problems: list[str] = []
    page = _page(browser, 1280, 900, problems)
    run = _open(page, server.url)
    page.evaluate("window.sameDocument = true")
    page.evaluate(
        "location.hash = '#data=xor&hidden=5,3&activations=relu,tanh&optimizer=rmsprop&lr=0.01'"
    )
    run = _changed(page, run)
    assert page.evaluate("window.sameDocument") is True  # no reload: only the hash changed
    assert page.input_value("#optimizer") == "rmsprop" and page.input_value("#lr") == "0.01"
    assert page.inner_text("#n-layers") == "2"
    assert page.locator("#data-xor.active").count() == 1
    assert page.locator(".unit").count() == 5 + 3 + 1
    assert "hidden=5,3" in page.evaluate("location.hash")
    page.go_back()  # the previous address: the default setup again, still in the same page
    _changed(page, run)
    assert page.evaluate("window.sameDocument") is True
    assert page.locator("#data-flower.active").count() == 1
    assert page.input_value("#optimizer") == "gd" and page.inner_text("#n-layers") == "1"
    page.close()
    assert not problems, problems


def test_the_stall_hint_is_read_whole_in_a_narrow_window(
    browser: Any, server: Running, tmp_path: Path
) -> None:
    problems: list[str] = []
    page = _page(browser, 800, 900, problems)
    _open(page, server.url + "#data=spiral&hidden=8,8,8&activations=relu,relu,relu&init=random")
    page.wait_for_function("!document.getElementById('stall').hidden")
    page.locator("#stall").scroll_into_view_if_needed()
    page.screenshot(path=str(tmp_path / "stall-800.png"))
    box = _boxes(page, "#stall")[0]
    assert box["x"] >= 0 and box["right"] <= 800 and box["h"] > 0
    assert page.evaluate("document.documentElement.scrollWidth") <= 800
    stall = page.locator("#stall")
    assert stall.evaluate("e => e.scrollWidth <= e.clientWidth")  # no text cut off sideways
    assert "He initialization helps" in stall.inner_text()
    # the hint in the screenshot: its orange edge is drawn where the box is
    image = _png(page.screenshot())
    edge = image[int(box["y"] + box["h"] / 2), int(box["x"]) + 1]
    assert edge[0] > 200 and 100 < edge[1] < 180 and edge[2] < 80
    page.close()
    assert not problems, problems


def test_a_diverging_run_says_so_in_a_narrow_window(browser: Any, server: Running) -> None:
    problems: list[str] = []
    page = _page(browser, 800, 900, problems)
    _open(page, server.url + "#hidden=8,8&activations=linear,linear&lr=10&init=he&speed=1")
    page.click("#play")
    page.wait_for_function("!document.getElementById('banner').hidden", timeout=60_000)
    banner = page.locator("#banner")
    assert "smaller" in banner.inner_text() and "error" in (banner.get_attribute("class") or "")
    box = _boxes(page, "#banner")[0]
    assert box["x"] >= 0 and box["right"] <= 800
    assert banner.evaluate("e => e.scrollWidth <= e.clientWidth")
    assert page.evaluate("document.documentElement.scrollWidth") <= 800
    page.wait_for_function("!window.nndlPlayground.playing")  # the page stops playing
    # the banner goes after a while; the reason stays where the stall hints are
    stall = page.locator("#stall")
    assert stall.is_visible() and "smaller learning rate" in stall.inner_text()
    assert _boxes(page, "#stall")[0]["right"] <= 800
    page.close()
    assert not problems, problems
