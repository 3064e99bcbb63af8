"""A Griffe extension: the reStructuredText in nndl's numpydoc docstrings, read as Markdown.

mkdocstrings renders docstrings as Markdown; numpydoc writes reStructuredText inside them.
Without this, ``:class:`~nndl.Network``` shows its role and backquotes as typed and
``.. math::`` blocks show as text. Before the docstrings are parsed:

- ``:math:`x``` becomes ``$x$`` and a ``.. math::`` block ``$$ ... $$``, which
  pymdownx.arithmatex hands to MathJax (docs/javascripts/mathjax.js);
- ``:func:``, ``:class:``, ``:meth:``, ``:mod:``, ``:attr:``, ``:data:``, ``:exc:``, ``:obj:``
  (with or without ``py:``) become code: ``:class:`~nndl.Network``` reads ```Network```, the
  leading ``~`` keeping the last name as Sphinx does.

The source is unchanged; mkdocs.yml loads this for the API reference.
"""

from __future__ import annotations

import re
import textwrap
from typing import Any

from griffe import Extension, Object

_ROLE = re.compile(r":(?:py:)?(?P<role>[a-z]+):`(?P<tilde>~?)(?P<target>[^`]+)`")
# ".. math::" then the formula on the same line or in the indented lines after it
_MATH_BLOCK = re.compile(
    r"^(?P<indent>[ \t]*)\.\. math::[ \t]*(?P<inline>[^\n]*)\n"
    r"(?P<body>(?:(?:(?P=indent)[ \t]+[^\n]*)?\n)*)",
    re.MULTILINE,
)


def _role(match: re.Match[str]) -> str:
    role, target = match["role"], match["target"]
    if role == "math":
        return f"${target}$"
    explicit = re.fullmatch(r"(?P<text>.+?)\s*<(?P<target>[^>]+)>", target)
    if explicit:
        target = explicit["text"]
    elif match["tilde"]:
        target = target.rsplit(".", 1)[-1]
    return f"`{target}`"


def _math_block(match: re.Match[str]) -> str:
    indent = match["indent"]
    formula = [match["inline"], *textwrap.dedent(match["body"]).splitlines()]
    # no blank line inside: Markdown would end the block there
    lines = ["$$", *(line.rstrip() for line in formula if line.strip()), "$$"]
    return "\n".join(f"{indent}{line}" for line in lines) + "\n\n"


def markdown(docstring: str) -> str:
    """The docstring with its math and cross-reference roles in Markdown."""
    return _ROLE.sub(_role, _MATH_BLOCK.sub(_math_block, docstring))


class RstRoles(Extension):
    """Rewrites each object's docstring once the package is loaded."""

    def on_object(self, *, obj: Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
