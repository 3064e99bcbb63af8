"""Serving the playground: ``serve`` for the command line, ``start`` for tests and scripts."""

from __future__ import annotations

import socket
import threading
import time
import webbrowser
from dataclasses import dataclass

import uvicorn
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from .app import Options, create_app

MAX_WS_BYTES = 1 << 20  # a bigger WebSocket message closes its connection (not the server)


def _one_blas_thread() -> threadpool_limits:
    """Keep BLAS to one thread: the playground's matrices are small (8 × 8 by 8 × 10⁴), and
    BLAS threads fighting the tabs' own threads made one such product 500 times slower
    (12 ms instead of 0.02 ms) on a busy 2-core machine.  Returns what restores the limits."""
    return threadpool_limits(limits=1, user_api="blas")


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on (host, port); port 0 takes a free one."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def address(sock: socket.socket) -> str:
    """The page's URL for a bound socket."""
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _server(options: Options | None, log_level: str) -> uvicorn.Server:
    config = uvicorn.Config(
        create_app(options),
        log_level=log_level,
        ws="auto",
        ws_max_size=MAX_WS_BYTES,
        lifespan="off",
    )
    return uvicorn.Server(config)


def serve(host: str = "127.0.0.1", port: int = 0, open_browser: bool = False) -> None:
    """Serve the playground until Ctrl-C; print the address (and open it with ``open_browser``)."""
    sock = _bind(host, port)
    url = address(sock)
    print(f"nndl playground: {url}  (Ctrl-C to stop)", flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    limits = _one_blas_thread()
    try:
        _server(None, "warning").run(sockets=[sock])
    finally:
        limits.restore_original_limits()


@dataclass
class Running:
    """A playground served from a thread: its ``url``; ``stop()`` ends it."""

    url: str
    server: uvicorn.Server
    thread: threading.Thread
    limits: threadpool_limits

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
        self.limits.restore_original_limits()


def start(options: Options | None = None, host: str = "127.0.0.1", port: int = 0) -> Running:
    """Serve the playground from a background thread (for tests and benchmarks)."""
    sock = _bind(host, port)
    limits = _one_blas_thread()
    server = _server(options, "error")
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            limits.restore_original_limits()
            raise RuntimeError("the playground server did not start")
        time.sleep(0.02)
    return Running(address(sock), server, thread, limits)
