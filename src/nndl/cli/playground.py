"""``nndl playground``: serve the page that trains a network live in the browser."""

from __future__ import annotations

import argparse
from typing import Any

EXAMPLES = """\
examples:
  nndl playground                 # http://127.0.0.1:<a free port>/
  nndl playground --port 8000 --open
  nndl playground --host 0.0.0.0 --port 8000 --allow-origin http://teacher.example:8000
"""


def _port(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a port number, got {text!r}") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port in 0-65535 (0: a free one), got {value}")
    return value


def add(commands: Any) -> None:
    """Register ``playground`` among the ``nndl`` subcommands."""
    parser: argparse.ArgumentParser = commands.add_parser(
        "playground",
        help="train a network live in the browser (the real nndl, streamed to a page)",
        description="Serve the playground: a page whose controls set up the data, the network "
        "and its training, and which shows the real nndl.Network learning, live. Needs the "
        'playground extra: pip install "nndl[playground]".',
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=_port, default=0, help="port to listen on (default: 0, a free port)"
    )
    parser.add_argument("--open", action="store_true", help="open the page in a browser")
    parser.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="URL",
        help="also answer pages from this origin, such as http://teacher.example:8000 (the "
        "address a classroom's browsers use; repeatable). By default only the address served "
        "(and localhost) is answered, so other sites' pages cannot drive the playground",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    """Serve until Ctrl-C."""
    from nndl.errors import NNDLValueError
    from nndl.playground import serve

    try:
        serve(args.host, args.port, open_browser=args.open, allow_origins=args.allow_origin)
    except ValueError as exc:
        raise NNDLValueError(str(exc)) from None
    except OSError as exc:
        raise NNDLValueError(
            f"cannot listen on {args.host}:{args.port}: {exc.strerror or exc}; choose another "
            "--port (0 takes a free one) or --host"
        ) from None
    except KeyboardInterrupt:
        pass
    return 0
