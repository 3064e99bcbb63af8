"""The playground in a real browser: Playwright driving the OS's headless Chromium."""

from __future__ import annotations

import contextlib
import io
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

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

import nndl  # noqa: E402
from nndl import cli  # noqa: E402
from nndl.playground import Running  # noqa: E402


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 1100}, accept_downloads=True)
    page = context.new_page()
    problems = watch(page)
    yield page
    context.close()
    assert not problems, problems


def _open(page: Any, url: str) -> int:
    """Load the page and wait for the untrained network's frame; returns the run number."""
    page.goto(url)
    page.wait_for_function("window.nndlPlayground && window.nndlPlayground.epoch === 0")
    return int(page.evaluate("window.nndlPlayground.run"))


def _changed(page: Any, run: int) -> int:
    """Wait for the run that follows ``run`` (a control changed) to show its first frame."""
    page.wait_for_function(
        f"window.nndlPlayground.run > {run} && window.nndlPlayground.epoch === 0"
    )
    return int(page.evaluate("window.nndlPlayground.run"))


def _boundary(page: Any) -> np.ndarray:
    pixels = page.evaluate(
        """() => { const c = document.getElementById('boundary');
        return Array.from(c.getContext('2d').getImageData(0, 0, c.width, c.height).data); }"""
    )
    return np.asarray(pixels, dtype=np.int16)


def _train_until(page: Any, epochs: int) -> None:
    page.click("#play")
    page.wait_for_function(f"window.nndlPlayground.epoch >= {epochs}", timeout=60_000)
    page.click("#play")  # pause
    page.wait_for_function(
        "!window.nndlPlayground.playing && (() => { const e = window.nndlPlayground.epoch; "
        "return new Promise(r => setTimeout(() => r(window.nndlPlayground.epoch === e), 300)); })()"
    )


def test_controls_then_play_the_cost_falls_and_the_boundary_moves(
    page: Any, server: Running, tmp_path: Path
) -> None:
    run = _open(page, server.url + "#data=moons&points=300&speed=5")
    page.select_option("#optimizer", "adam")
    run = _changed(page, run)
    page.select_option("#lr", "0.03")
    run = _changed(page, run)
    page.click("#add-layer")
    run = _changed(page, run)
    page.click("#feature-x1x2")
    run = _changed(page, run)
    page.select_option("#columns > .column:nth-child(2) select", "relu")
    run = _changed(page, run)
    query = parse_qs(page.url.split("#", 1)[1])
    assert query["optimizer"] == ["adam"] and query["lr"] == ["0.03"]
    assert query["features"] == ["x1,x2,x1x2"] and query["hidden"] == ["4,2"]
    assert query["activations"] == ["relu,tanh"]
    assert page.locator(".unit").count() == 4 + 2 + 1
    assert page.locator("#links path").count() == 3 * 4 + 4 * 2 + 2 * 1
    assert "(4, 3)·(3, 210)" in page.inner_text("#formulas")
    page.screenshot(path=str(tmp_path / "before.png"), full_page=True)
    before = _boundary(page)
    first_cost = float(page.inner_text("#train-cost"))

    _train_until(page, 150)
    page.screenshot(path=str(tmp_path / "after.png"), full_page=True)
    assert float(page.inner_text("#train-cost")) < 0.8 * first_cost
    curve = page.evaluate("window.nndlPlayground.curve")
    assert curve["epoch"][0] == 0 and curve["epoch"][-1] >= 150
    assert curve["train"][-1] < curve["train"][0] and curve["test"][-1] < curve["test"][0]
    difference = np.abs(_boundary(page) - before)
    assert np.mean(difference > 30) > 0.05  # a good part of the map changed colour
    assert int(page.inner_text("#epoch").replace(",", "")) >= 150

    again = page.context.new_page()  # the address alone reproduces the setup
    _open(again, page.url)
    assert again.input_value("#optimizer") == "adam" and again.input_value("#lr") == "0.03"
    assert again.locator(".node.feature.off").count() == 4
    assert again.inner_text("#n-layers") == "2"
    again.close()


def test_the_page_parameters_equal_nndl_train(page: Any, server: Running, tmp_path: Path) -> None:
    url = (
        server.url + "#data=spiral&points=300&test=0.2&data_seed=5&hidden=8,8&activations=tanh,relu"
        "&optimizer=adam&lr=0.01&batch=16&dropout=0.1&init=he&seed=7&speed=2"
    )
    _open(page, url)
    _train_until(page, 20)
    epochs = int(page.evaluate("window.nndlPlayground.epoch"))
    page.click("#show-command")
    page.wait_for_function("document.getElementById('take-out').textContent.includes('nndl')")
    command = page.inner_text("#take-out")
    assert f"--epochs {epochs}" in command and "--data spiral" in command
    with page.expect_download() as download:
        page.click("#download")
    downloaded = tmp_path / "page.npz"
    download.value.save_as(downloaded)
    assert download.value.suggested_filename == f"playground-epoch{epochs}.npz"
    page.screenshot(path=str(tmp_path / "spiral.png"), full_page=True)

    argv = shlex.split(command)[1:]
    argv[argv.index("--save") + 1] = str(tmp_path / "cli.npz")
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main(argv) == 0
    ours, theirs = nndl.load(downloaded), nndl.load(tmp_path / "cli.npz")
    assert ours.layer_dims == theirs.layer_dims == [2, 8, 8, 3]
    for name, value in theirs.params.items():
        np.testing.assert_array_equal(np.asarray(ours.params[name]), np.asarray(value))

    page.click("#show-python")
    page.wait_for_function("document.getElementById('take-out').textContent.includes('import')")
    assert f"epochs={epochs}" in page.inner_text("#take-out")


def test_features_nndl_train_lacks_are_said_on_the_page(page: Any, server: Running) -> None:
    _open(page, server.url + "#data=xor&features=x1,x2,x1x2&hidden=&activations=")
    page.click("#step")
    page.wait_for_function("window.nndlPlayground.epoch === 1")
    page.click("#show-command")
    page.wait_for_function("document.getElementById('take-out').textContent.includes('cannot')")
    assert "features" in page.inner_text("#take-out")


def test_a_dropped_csv_file_is_trained(page: Any, server: Running, tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    rows = "".join(f"{a:.3f},{b:.3f},{int(a * b > 0)}\n" for a, b in rng.normal(size=(120, 2)))
    path = tmp_path / "quadrants.csv"
    path.write_text("u,v,label\n" + rows)
    run = _open(page, server.url)
    page.set_input_files("#csv-file", str(path))
    _changed(page, run)
    assert "quadrants.csv" in page.inner_text("#drop")
    assert "data=csv" in page.url
    page.click("#step")
    page.wait_for_function("window.nndlPlayground.epoch === 1")


def test_a_network_that_cannot_learn_says_why_and_how_to_fix_it(page: Any, server: Running) -> None:
    # ×0.01 initialization and 3 ReLU layers on the spiral: the gradients vanish
    run = _open(
        page, server.url + "#data=spiral&hidden=8,8,8&activations=relu,relu,relu&init=random"
    )
    page.wait_for_function("!document.getElementById('stall').hidden")
    text = page.inner_text("#stall")
    assert "vanish" in text and "He initialization helps" in text and "Layer 1" in text
    # only the hash changes (a link pasted into the same tab): that setup is loaded, and with
    # He initialization the same network learns and the page says nothing
    page.goto(server.url + "#data=spiral&hidden=8,8,8&activations=relu,relu,relu&init=he")
    _changed(page, run)
    assert page.evaluate("document.getElementById('stall').hidden")
    assert "init=he" in page.evaluate("location.hash")
