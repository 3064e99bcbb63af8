"""What the browser tests share besides their fixtures (``conftest.py``)."""

from __future__ import annotations

from typing import Any


def watch(page: Any, problems: list[str] | None = None) -> list[str]:
    """Record the page's problems as they come, page errors and console errors, into
    ``problems`` (a new list when None), which is returned: a browser test asserts it is
    empty at its end."""
    problems = [] if problems is None else problems
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda m: problems.append(f"console {m.type}: {m.text}") if m.type == "error" else None,
    )
    return problems
