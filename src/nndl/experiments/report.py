"""The experiments' report: Markdown with a table of claim / measured / holds? and the figures."""

from __future__ import annotations

import os
import platform
from collections.abc import Sequence
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

from nndl import _files
from nndl.experiments._common import Result


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return text.replace("|", "\\|").replace("\n", " ")


def render(results: Sequence[Result], quick: bool, seconds: float, folder: Path) -> str:
    """The report as Markdown; figure links are relative to ``folder``."""
    held = sum(r.holds for r in results)
    mode = "quick (seeded, small)" if quick else "full"
    lines = [
        "# nndl experiments: the course's claims, measured",
        "",
        f"Run: {mode}, {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, "
        f"{seconds:.1f} s in total on {os.cpu_count()} CPU cores "
        f"({platform.machine()}, Python {platform.python_version()}, NumPy {np.__version__}).",
        "",
        f"**{held} of {len(results)} claims hold as stated.** Where one does not, its section "
        "says so with the numbers.",
        "",
        "| experiment | claim | measured | holds? |",
        "|---|---|---|---|",
    ]
    for r in results:
        verdict = "yes" if r.holds else "**no**"
        lines.append(
            f"| [{_cell(r.title)}](#{r.name}) | {_cell(r.claim)} | {_cell(r.measured)} | "
            f"{verdict} |"
        )
    for r in results:
        lines += [
            "",
            f'<a id="{r.name}"></a>',
            "",
            f"## {r.title} (`nndl experiment {r.name}`)",
            "",
            f"**Claim.** {r.claim}",
            "",
            f"**Measured** ({r.seconds:.1f} s). {r.measured}",
            "",
            f"**Holds?** {'Yes.' if r.holds else 'No, not as stated.'}",
            "",
            r.details,
        ]
        if r.figure is not None:
            link = os.path.relpath(r.figure, folder)
            lines += ["", f"![{r.title}]({Path(link).as_posix()})"]
    return "\n".join(lines) + "\n"


def write_report(
    results: Sequence[Result], path: str | Path, quick: bool = False, seconds: float = 0.0
) -> Path:
    """Write the Markdown report to ``path`` (its folder holds the figures)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    return _files.write_text(target, render(results, quick, seconds, target.parent), "report")
