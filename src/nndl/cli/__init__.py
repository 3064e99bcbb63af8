"""The ``nndl`` command line.

    nndl train --data planar --hidden 4 --activation tanh --lr 1.2 --epochs 10000 --seed 3
    nndl train --data digits --hidden 64 --activation relu --optimizer adam --lr 0.001 \\
        --batch-size 64 --epochs 30 --test-size 0.25 --save digits.npz --plots out/
    nndl evaluate digits.npz digits
    nndl predict cat_model.npz photo.jpg
    nndl info digits.npz
    nndl plot activations --out activations.png

Data is a built-in name (planar, moons, …, digits, breast_cancer, …) or a path
(.csv with ``--target``, .npz, .h5 in the course's layout, a folder of images).
A user's mistake (missing file, bad option, wrong shape, diverging training)
prints one line ``nndl: error: …`` and exits with status 2; no traceback.

Each subcommand is one module of this package with ``add(commands)``, which
registers its parser and handler, and ``run(args) -> int``; ``_common`` holds
what they share.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from nndl._version import __version__
from nndl.cli import (
    course,
    evaluate,
    experiment,
    graph,
    info,
    playground,
    plot,
    predict,
    train,
)
from nndl.cli._common import EXAMPLES, Parser
from nndl.cli._config import apply_config
from nndl.errors import NNDLError

__all__ = ["build_parser", "main"]


def build_parser() -> Parser:
    """The argument parser of ``nndl`` and its subcommands."""
    parser = Parser(
        prog="nndl",
        description="Neural networks from first principles, in the course's notation.",
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"nndl {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.required = True
    train.add(commands)
    evaluate.add(commands)
    predict.add(commands)
    info.add(commands)
    plot.add(commands)
    experiment.add(commands)
    course.add(commands)
    playground.add(commands)
    graph.add(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    if not argv:  # bare `nndl`: what it can do, not an error
        parser.print_help()
        return 0
    try:
        apply_config(parser, argv)
        args = parser.parse_checked(argv)
        handler: Callable[[argparse.Namespace], int] = args.handler
        return int(handler(args))
    except NNDLError as exc:
        print(f"nndl: error: {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return _broken_pipe()
    except MemoryError:
        print(
            "nndl: error: out of memory: the data or the network is larger than this machine's "
            "memory. Use fewer examples, smaller layers or a smaller --batch-size",
            file=sys.stderr,
        )
        return 2
    except OSError as exc:  # a full disk, a read-only folder, a missing file
        message = f"{exc.strerror}: {exc.filename!r}" if exc.strerror and exc.filename else exc
        print(f"nndl: error: {message}", file=sys.stderr)
        return 2
    except ImportError as exc:
        print(f"nndl: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("nndl: interrupted", file=sys.stderr)
        return 130


def _broken_pipe() -> int:
    """The reader of our output went away (``nndl info m.npz | head -c 10``): exit quietly,
    as Unix tools do, with stdout pointed at /dev/null so that Python's final flush is silent."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # pragma: no cover - stdout without a descriptor
        pass
    return 141


if __name__ == "__main__":
    sys.exit(main())
