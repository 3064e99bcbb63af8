"""The graph as Graphviz DOT text, drawn by the ``dot`` program when it is installed,
and the course's example graph J = 3(a + bc)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import IO

from nndl import _files
from nndl.errors import NNDLError, NNDLValueError
from nndl.graph.node import Node, _summary


def to_dot(root: Node, rankdir: str = "LR") -> str:
    """Graphviz DOT text of the graph ending at ``root``: each node's label, value and gradient.

    Parameters
    ----------
    root : Node
        The output node (J).
    rankdir : {"LR", "TB"}, default "LR"
        Graphviz's direction: left to right, or top to bottom.

    Returns
    -------
    str
        The DOT text.

    Examples
    --------
    >>> J, _ = course_example()
    >>> to_dot(J).splitlines()[0]
    'digraph computation {'
    """
    lines = ["digraph computation {", f"  rankdir={rankdir};", '  node [fontname="Helvetica"];']
    ids: dict[int, str] = {}
    order = root.topological_order()
    for k, node in enumerate(order):
        ids[id(node)] = f"n{k}"
        name = node.label or (node.op and f"({node.op})") or "leaf"
        fields = [name, f"value {_summary(node.value)}", f"grad {_summary(node.grad)}"]
        text = " | ".join(_escape(f) for f in fields)
        lines.append(f'  n{k} [shape=record, label="{{ {text} }}"];')
        if node.parents:
            lines.append(f'  n{k}_op [shape=circle, label="{_escape(node.op)}"];')
            lines.append(f"  n{k}_op -> n{k};")
    for node in order:
        for parent in node.parents:
            lines.append(f"  {ids[id(parent)]} -> {ids[id(node)]}_op;")
    lines.append("}")
    return "\n".join(lines) + "\n"


def _escape(text: str) -> str:
    """Escape the characters that DOT's record labels give a meaning."""
    for ch in '\\{}<>|"':
        text = text.replace(ch, "\\" + ch)
    return text


class GraphvizMissingError(NNDLError, RuntimeError):
    """Graphviz's ``dot`` program is needed to render a picture and is not installed."""


def render(root: Node, path: str | Path, rankdir: str = "LR") -> Path:
    """Draw the graph to ``path`` (``.svg``, ``.png`` or ``.pdf``) with Graphviz's ``dot``.

    ``to_dot()`` gives the text without Graphviz, which any Graphviz viewer can draw.

    Parameters
    ----------
    root : Node
        The output node (J).
    path : str or pathlib.Path
        The picture file.
    rankdir : {"LR", "TB"}, default "LR"
        Graphviz's direction: left to right, or top to bottom.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    GraphvizMissingError
        When Graphviz's ``dot`` is not installed (the message says how to get it).
    NNDLValueError
        When the suffix is not ``.svg``, ``.png`` or ``.pdf``.
    """
    path = Path(path)
    fmt = path.suffix.lower().lstrip(".")
    if fmt not in ("svg", "png", "pdf"):
        raise NNDLValueError(f"render writes .svg, .png or .pdf. Received: {str(path)!r}")
    dot = shutil.which("dot")
    if dot is None:
        raise GraphvizMissingError(
            "drawing the graph needs Graphviz's 'dot' program, which is not installed: "
            "apt-get install graphviz (Debian, Ubuntu), brew install graphviz (macOS), or "
            "https://graphviz.org/download; or save to_dot()'s text to a .dot file instead"
        )
    path.parent.mkdir(parents=True, exist_ok=True)

    def draw(f: IO[bytes]) -> None:  # dot writes the temporary file that then replaces path
        done = subprocess.run(
            [dot, f"-T{fmt}", "-o", f.name],
            input=to_dot(root, rankdir).encode(),
            capture_output=True,
            check=False,
            timeout=60,
        )
        if done.returncode != 0:
            raise NNDLError(f"dot failed: {done.stderr.decode(errors='replace').strip()}")

    return _files.write_atomic(path, draw, "drawing")


def course_example() -> tuple[Node, dict[str, Node]]:
    """The course's graph J = 3(a + bc) with a = 5, b = 3, c = 2, after ``J.backward()``.

    u = bc = 6, v = a + u = 11, J = 3v = 33; dJ/da = 3, dJ/db = 6, dJ/dc = 9.

    Returns
    -------
    J : Node
        The output, with every gradient filled.
    nodes : dict of str to Node
        The nodes by name: ``a``, ``b``, ``c``, ``u``, ``v``, ``J``.

    Examples
    --------
    >>> J, nodes = course_example()
    >>> float(J.value), float(nodes["b"].grad)
    (33.0, 6.0)
    """
    a, b, c = Node(5.0, label="a"), Node(3.0, label="b"), Node(2.0, label="c")
    u = b * c
    u.label = "u = bc"
    v = a + u
    v.label = "v = a + u"
    J = 3.0 * v
    J.label = "J = 3v"
    J.backward()
    return J, {"a": a, "b": b, "c": c, "u": u, "v": v}


# ----------------------------------------------- networks and custom losses
