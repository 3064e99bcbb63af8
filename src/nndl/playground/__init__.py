"""The playground: a page that trains the real :class:`nndl.Network` and shows it live.

``nndl playground`` serves it (``pip install "nndl[playground]"``).  The page sends its
setup (data, features, layers, optimizer, …) over a WebSocket; the server trains with
:meth:`nndl.Network.fit`, exactly as ``nndl train`` would, in a thread of its own per tab,
and streams the decision boundary, every hidden unit's map, the weights, the costs and the
gradient norms back to the page.
"""

from __future__ import annotations

from nndl.errors import require

require("starlette", "playground", "the playground")
require("uvicorn", "playground", "the playground")

from .app import Options, create_app  # noqa: E402
from .server import Running, serve, start  # noqa: E402
from .spec import Setup, build, parse_setup  # noqa: E402
from .takeaway import python_code, train_command  # noqa: E402

__all__ = [
    "Options",
    "Running",
    "Setup",
    "build",
    "create_app",
    "parse_setup",
    "python_code",
    "serve",
    "start",
    "train_command",
]
