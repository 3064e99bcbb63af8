"""MkDocs hooks for nndl's site: the pages that live outside docs/, and math without a network.

- The notebooks (``notebooks/*.ipynb``, ``notebooks/exercises/*.ipynb``), ``CHANGELOG.md`` and
  ``benchmarks/README.md`` (the page ``benchmarks.md``) stay where the repository keeps them, beside
  what they describe; they join the site's files here, before mkdocs-jupyter turns the
  notebooks into pages (so they are rendered from the stored outputs, never executed). A notebook
  that mkdocs.yml's navigation does not list yet is added to its Notebooks section (Exercises for
  the exercises), so a new one is on the site without a strict build failing over it.
- MathJax 3 (``es5/tex-svg-full.js``: every TeX extension and the SVG glyphs in one file, so it
  loads nothing else) is copied from the ``django-static-mathjax`` package the ``docs`` extra
  installs, with its licence; the site fetches nothing from another host.
- mkdocs-jupyter's notebook template links MathJax 2 and Mermaid from a CDN; both blocks are
  removed from each notebook page (MathJax 3 above typesets the notebooks' math instead). A build
  fails when the template changes so that they are no longer found, rather than shipping a page
  that reaches out.
"""

from __future__ import annotations

import re
from importlib import resources
from pathlib import Path
from typing import Any

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ("notebooks/*.ipynb", "notebooks/exercises/*.ipynb")
MATHJAX_FILES = {
    "es5/tex-svg-full.js": "assets/mathjax/tex-svg-full.js",
    "LICENSE": "assets/mathjax/LICENSE",
}

_CDN_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_CDN_MERMAID = re.compile(
    r"<script type=\"module\">\s*document\.addEventListener\(\"DOMContentLoaded\", async \(\) => \{"
    r"\s*const diagrams = document\.querySelectorAll\(\"\.jp-Mermaid.*?</script>",
    re.S,
)


def _mathjax_root() -> Path:
    try:
        root = resources.files("mathjax") / "static" / "mathjax"
    except ModuleNotFoundError as error:
        raise PluginError(
            "MathJax is missing: the site's formulas need the django-static-mathjax package; "
            'install the docs extra (pip install -e ".[docs]", or run make docs)'
        ) from error
    return Path(str(root))


def _listed(nav: Any) -> set[str]:
    if isinstance(nav, str):
        return {nav}
    items = nav.values() if isinstance(nav, dict) else nav
    return set().union(*(_listed(item) for item in items))


def _section(items: list[Any], title: str) -> list[Any]:
    """The list of a navigation section, itself (changing it changes the navigation)."""
    for item in items:
        if isinstance(item, dict) and isinstance(item.get(title), list):
            section: list[Any] = item[title]
            return section
    raise PluginError(f"mkdocs.yml: the navigation has no {title!r} section for the notebooks")


def on_config(config: Any) -> Any:
    listed = _listed(config["nav"])
    notebooks = _section(config["nav"], "Notebooks")
    exercises = _section(notebooks, "Exercises")
    at = next(
        i for i, item in enumerate(notebooks) if isinstance(item, dict) and "Exercises" in item
    )
    for path in sorted(ROOT.glob(NOTEBOOKS[0])):  # new ones go before the Exercises subsection
        if path.relative_to(ROOT).as_posix() not in listed:
            notebooks.insert(at, path.relative_to(ROOT).as_posix())
            at += 1
    for path in sorted(ROOT.glob(NOTEBOOKS[1])):
        if path.relative_to(ROOT).as_posix() not in listed:
            exercises.append(path.relative_to(ROOT).as_posix())
    return config


@event_priority(100)  # before mkdocs-jupyter's on_files, which turns notebooks into pages
def on_files(files: Files, config: Any) -> Files:
    for pattern in NOTEBOOKS:
        for path in sorted(ROOT.glob(pattern)):
            files.append(
                File(
                    path.relative_to(ROOT).as_posix(),
                    src_dir=str(ROOT),
                    dest_dir=config["site_dir"],
                    use_directory_urls=config["use_directory_urls"],
                )
            )
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    files.append(File.generated(config, "changelog.md", content=changelog))
    benchmarks = (ROOT / "benchmarks" / "README.md").read_text(encoding="utf-8")
    files.append(File.generated(config, "benchmarks.md", content=benchmarks))
    mathjax = _mathjax_root()
    for source, target in MATHJAX_FILES.items():
        path = mathjax / source
        if not path.is_file():
            raise PluginError(
                f"MathJax's {source} is not in {mathjax}: reinstall django-static-mathjax"
            )
        files.append(File.generated(config, target, abs_src_path=str(path)))
    return files


def on_page_content(html: str, page: Any, config: Any, files: Files) -> str:
    if not page.file.src_uri.endswith(".ipynb"):
        return html
    html, found_mathjax = _CDN_MATHJAX.subn("", html)
    html, found_mermaid = _CDN_MERMAID.subn("", html)
    if found_mathjax != 1 or found_mermaid != 1:
        raise PluginError(
            f"{page.file.src_uri}: mkdocs-jupyter's template no longer has the CDN MathJax and "
            "Mermaid blocks docs/hooks/site.py removes; update the hook so the page loads nothing "
            "from another host"
        )
    return html
