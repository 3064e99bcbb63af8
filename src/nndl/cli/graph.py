"""``nndl graph``: the course's computation graph as Graphviz DOT text, or drawn."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

import numpy as np

from nndl import _files
from nndl.cli._common import subparser


def add(commands: Any) -> None:
    graph = subparser(
        commands,
        "graph",
        "draw a computation graph with each node's value and gradient",
        "examples:\n"
        "  nndl graph                    # the course's J = 3(a + bc), as DOT text\n"
        "  nndl graph --out graph.svg    # drawn by Graphviz's dot\n",
    )
    graph.add_argument(
        "--example",
        action="store_true",
        help="the course's J = 3(a + bc) with a = 5, b = 3, c = 2 (the default, and for now "
        "the only graph)",
    )
    graph.add_argument(
        "--out", metavar="FILE", help=".dot (text), or .svg/.png/.pdf (needs Graphviz's dot)"
    )
    graph.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from nndl import graph

    J, nodes = graph.course_example()
    grads = ", ".join(f"dJ/d{k} = {float(np.asarray(nodes[k].grad)):g}" for k in "abc")
    summary = f"J = 3(a + bc) = {float(np.asarray(J.value)):g} at a = 5, b = 3, c = 2; {grads}"
    if args.out is None:
        sys.stdout.write(graph.to_dot(J))
        print(f"// {summary}")
        return 0
    out = Path(args.out)
    if out.suffix.lower() == ".dot":
        out.parent.mkdir(parents=True, exist_ok=True)
        _files.write_text(out, graph.to_dot(J), "graph")
    else:
        graph.render(J, out)
    print(summary)
    print(f"Wrote {out}")
    return 0
