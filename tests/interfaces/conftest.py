"""What the browser tests share: the playground's server and Chromium, one of each per module
(the documentation site's tests, test_docs_site.py, use Chromium with their own server).

Each browser test module skips by itself where Chromium or Playwright is missing
(``CHROMIUM``, its ``pytestmark`` and its ``importorskip``) before these run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="module")
def server() -> Iterator[Any]:
    """The playground served on a free port of this machine."""
    from nndl.playground import Options, start

    running = start(Options())
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """The OS's Chromium, headless, driven by Playwright."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield chromium
        chromium.close()
