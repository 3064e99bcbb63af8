"""The documentation site: `mkdocs build --strict` with mkdocs.yml, then its pages in Chromium.

The site is built once per module into a temporary folder (the build is what `make docs` runs) and
served from this machine; a page that asks any other host for anything fails the browser test.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from browser_pages import watch

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")

pytestmark = pytest.mark.skipif(
    not (ROOT / "mkdocs.yml").is_file(), reason="needs the source checkout's mkdocs.yml"
)
pytest.importorskip(
    "mkdocstrings_handlers.python",
    reason="the docs extra (Python 3.11 or newer; make test installs it) brings MkDocs",
)

# each API page and the modules whose public names (__all__) it documents
API_PAGES = {
    "nndl": ["nndl"],
    "parts": ["activations", "losses", "init", "optim", "callbacks", "backend"],
    "course": ["nndl.course"],
    "layers": ["nndl.layers"],
    "datasets": ["nndl.datasets"],
    "training": ["nndl.training"],
    "estimators": ["nndl.estimators"],
    "plot": ["nndl.plot"],
    "io": ["nndl.io"],
    "graph": ["nndl.graph"],
}
NOTEBOOK = "01_logistic_regression"
# the site's own pages (the list), each built from docs/ or brought in by docs/hooks/site.py
PAGES = (
    "index",
    "getting-started",
    "course",
    "seeing-inside",
    "playground",
    "layers",
    "training",
    "speed",
    "benchmarks",
    "gpus",
    "files",
    "architecture",
    "changelog",
    "api/index",
)
# a tag that loads something: script, stylesheet, image, frame, media, font preload
_LOADS = re.compile(
    r"<(?:script|link|img|iframe|source|video|audio)\b[^>]*?\b(?:src|href)=\"([^\"]+)\""
)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site, built as `make docs` builds it (strict: any warning is an error)."""
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    command = [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(out)]
    run = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=False
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "WARNING" not in run.stderr, run.stderr
    return out


def _page(site: Path, path: str) -> str:
    """A built page's HTML: ``course`` is course.html (use_directory_urls is off, for file://)."""
    return (site / f"{path or 'index'}.html").read_text(encoding="utf-8")


def _module(name: str) -> tuple[str, Any]:
    """A documented module's full name and the module (``optim``: ``nndl.optim``, an attribute)."""
    import importlib

    import nndl

    if name == "nndl" or "." in name:
        return name, importlib.import_module(name)
    return f"nndl.{name}", getattr(nndl, name)


@pytest.mark.slow
def test_the_site_builds_strictly_with_every_page(site: Path) -> None:
    for path in PAGES:
        assert (site / f"{path}.html").is_file(), path
    notebooks = sorted((ROOT / "notebooks").rglob("*.ipynb"))
    assert len(notebooks) >= 9
    for notebook in notebooks:  # each a page, with the notebook itself beside it to download
        built = site / notebook.relative_to(ROOT)
        assert built.with_suffix(".html").is_file() and built.is_file(), notebook
    assert "Unreleased" in _page(site, "changelog")  # CHANGELOG.md, from the repository's root
    benchmarks = _page(site, "benchmarks")  # benchmarks/README.md, beside the scripts it measures
    assert "mlp_cpu.py" in benchmarks and benchmarks.count("<table>") >= 5
    speed = _page(site, "speed")  # its figures name their scripts and their machine
    assert "benchmarks/mlp_cpu.py" in speed and "AMD EPYC" in speed and "<table>" in speed
    files = _page(site, "files")  # the hostile cases' table, moved from the architecture page
    assert 'id="each-hostile-case-and-its-test"' in files
    assert 'href="files.html"' in _page(site, "architecture")
    assert 'src="playground.png"' in _page(site, "playground")
    assert (site / "assets" / "mathjax" / "tex-svg-full.js").stat().st_size > 1_000_000
    assert not (site / "hooks").exists()  # the build's own code is not published
    home = _page(site, "")
    assert home.count('class="arithmatex"') >= 3  # formulas, left for MathJax to typeset


@pytest.mark.slow
def test_every_public_name_has_its_entry_in_the_api_reference(site: Path) -> None:
    from nndl import estimators

    lazy = set(estimators.__all__)  # nndl.LogisticRegression, ...: documented in nndl.estimators
    anchors = set()  # a module in a module's __all__ (nndl.layers) has its own page
    for page in API_PAGES:
        anchors |= set(re.findall(r'\bid="([^"]+)"', _page(site, f"api/{page}")))
    for page, modules in API_PAGES.items():
        for name in modules:
            prefix, module = _module(name)
            assert prefix in anchors, (page, prefix)
            names = [n for n in getattr(module, "__all__", []) if not n.startswith("__")]
            if prefix == "nndl":
                names = [n for n in names if n not in lazy]
            missing = [n for n in names if f"{prefix}.{n}" not in anchors]
            assert not missing, f"api/{page}: no entry for {prefix}.{missing}"
    assert {f"nndl.estimators.{n}" for n in lazy} <= anchors


@pytest.mark.slow
def test_no_page_loads_anything_from_another_host(site: Path) -> None:
    """No CDN, web font or analytics: the site reads the same with no network."""
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 20
    for page in pages:
        text = page.read_text(encoding="utf-8")
        outside = [u for u in _LOADS.findall(text) if urlsplit(u).scheme in ("http", "https")]
        outside += re.findall(r"@import\s+url\(\s*['\"]?https?://[^)]*\)", text)
        assert not outside, f"{page.relative_to(site)} loads {outside}"
        assert "cdnjs" not in text and "fonts.googleapis" not in text, page.relative_to(site)


def test_make_docs_builds_strictly_what_make_test_installs() -> None:
    """`make docs` is this module's build, into the ignored site/; make test installs it."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    docs = re.search(r"^docs: \$\(DOCS_STAMP\)\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    stamp = re.search(r"^\$\(DOCS_STAMP\): .*\n((?:\t.*\n)+)", makefile, re.MULTILINE)
    assert docs and "build --strict --site-dir site" in docs.group(1)
    assert stamp and '-e ".[docs]"' in stamp.group(1)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    test_extra = re.search(r"^test = \[(.*?)^\]", pyproject, re.MULTILINE | re.DOTALL)
    assert test_extra and "\"nndl[docs]; python_version >= '3.11'\"" in test_extra.group(1)
    assert "site/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_numpydoc_roles_and_math_read_as_markdown() -> None:
    """docs/hooks/rst_roles.py, the Griffe extension the API reference's docstrings go through."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("rst_roles", ROOT / "docs/hooks/rst_roles.py")
    assert spec and spec.loader
    rst_roles = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(rst_roles)
    docstring = (
        "Calls :func:`~nndl.course.linear_forward`, :py:class:`nndl.Network` and "
        ":ref:`the course <course>`; the cost :math:`J = -\\frac{1}{m} \\sum L`.\n"
        "\n"
        "    .. math::\n"
        "\n"
        "        Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}\n"
        "\n"
        "        A^{[l]} = g(Z^{[l]})\n"
        "\n"
        "Parameters\n"
    )
    assert rst_roles.markdown(docstring) == (
        "Calls `linear_forward`, `nndl.Network` and `the course`; the cost "
        "$J = -\\frac{1}{m} \\sum L$.\n"
        "\n"
        "    $$\n"
        "    Z^{[l]} = W^{[l]} A^{[l-1]} + b^{[l]}\n"
        "    A^{[l]} = g(Z^{[l]})\n"
        "    $$\n"
        "\n"
        "Parameters\n"
    )


# ------------------------------------------------------------------ in Chromium


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def served(site: Path) -> Iterator[str]:
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def page(browser: Any, served: str) -> Iterator[Any]:
    """A page that records console errors, page errors and every request to another origin."""
    context = browser.new_context(viewport={"width": 1280, "height": 1000})
    page = context.new_page()
    problems = watch(page)

    def request(r: Any) -> None:
        if urlsplit(r.url).scheme in ("http", "https", "ws", "wss") and not r.url.startswith(
            served
        ):
            problems.append(f"request to another host: {r.url}")

    page.on("request", request)

    def failed(r: Any) -> None:
        # a request the page's own navigation or the test's end cancels is aborted, not failed
        if "ERR_ABORTED" not in str(r.failure):
            problems.append(f"request failed: {r.url} ({r.failure})")

    page.on("requestfailed", failed)
    yield page
    seen = list(problems)  # before closing, which cancels what is still loading
    context.close()
    assert not seen, seen


def _typeset(page: Any) -> int:
    """Wait for MathJax to finish; the number of formulas it drew as SVG."""
    page.wait_for_function("document.documentElement.dataset.mathTypeset === 'true'")
    assert page.locator("mjx-merror, .mjx-merror").count() == 0  # no TeX it failed to read
    return int(page.locator("mjx-container svg").count())


needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="no Chromium at /usr/bin/chromium: install the OS package "
    "(apt-get install chromium) to run the documentation site's browser tests",
)


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_home_page_renders_with_its_formulas(page: Any, served: str) -> None:
    page.goto(served + "/")
    assert page.title().startswith("nndl")
    assert page.locator("h1").first.inner_text().startswith("nndl")
    assert _typeset(page) >= 3
    assert page.locator("nav").get_by_text("API reference").count() >= 1
    figure = page.locator("img[src$='playground.png']")  # the playground's screenshot, drawn
    figure.scroll_into_view_if_needed()
    assert figure.evaluate("i => i.complete && i.naturalWidth > 0")


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_the_site_reads_from_the_disk_with_its_formulas_and_search(page: Any, site: Path) -> None:
    """site/index.html opened as a file, as a reader without a server does."""
    page.goto((site / "index.html").as_uri())
    assert _typeset(page) >= 3
    page.click("text=The course")
    page.wait_for_url("**/course.html")
    page.locator("input.md-search__input").fill("L_model_forward")
    result = page.locator(".md-search-result__item").first
    result.wait_for()
    assert "L_model_forward" in result.inner_text()


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_an_api_page_renders_a_function_its_parameters_and_formulas(page: Any, served: str) -> None:
    page.goto(served + "/api/course.html")
    assert "nndl.course" in page.title()
    entry = page.locator('[id="nndl.course.L_model_forward"]')
    assert entry.count() == 1 and "L_model_forward" in entry.inner_text()
    assert page.locator(".doc-signature").count() > 10  # signatures rendered, not raw text
    page.goto(served + "/api/nndl.html")
    assert page.locator('[id="nndl.Network"]').count() == 1
    _typeset(page)  # MathJax ran on the page without error (the test's page fixture checks)


@pytest.mark.browser
@pytest.mark.slow
@needs_chromium
def test_a_notebook_page_renders_its_cells_formulas_and_figures(page: Any, served: str) -> None:
    source = json.loads((ROOT / "notebooks" / f"{NOTEBOOK}.ipynb").read_text(encoding="utf-8"))
    figures = sum(
        1
        for cell in source["cells"]
        for output in cell.get("outputs", [])
        if {"image/png", "image/svg+xml"} & set(output.get("data", {}))
    )
    page.goto(f"{served}/notebooks/{NOTEBOOK}.html")
    assert "ogistic" in page.title()
    code = page.locator(".jp-CodeMirrorEditor")  # one per code cell
    assert code.count() == sum(1 for c in source["cells"] if c["cell_type"] == "code")
    assert "import nndl" in code.first.inner_text()
    inline = page.locator(".jp-RenderedMarkdown mjx-container svg")
    assert _typeset(page) > 5 and inline.count() > 5  # the notebook's $...$ typeset
    images = page.locator(".jp-OutputArea-output img")
    assert images.count() == figures  # the stored figures, each drawn (none when stored bare)
    for index in range(figures):
        assert images.nth(index).evaluate("i => i.complete && i.naturalWidth > 0")
