"""Serving the playground: ``serve`` for the command line, ``start`` for tests and scripts.

The app is served behind :class:`Guard`, which answers only requests addressed to the
served address and WebSockets opened by its own page:

* ``Host`` must name the address served (``127.0.0.1:PORT``; ``localhost:PORT`` too for a
  loopback address), so a page of another site whose name is rebound to this machine (DNS
  rebinding) gets a 403, never the playground;
* a WebSocket's ``Origin`` must be the served page's own (``http://127.0.0.1:PORT``), so a
  page of another site (or ``null``, ``file://``) cannot set up, train or download a model
  in a visitor's name (cross-site WebSocket hijacking).  A browser always sends ``Origin``;
  a client that sends none (a script) is not a browser page and is let in;
* what one tab may send, and what the server holds for it, is bounded by the app
  (:mod:`nndl.playground.limits`): a flood, or a page that does not read, closes its
  connection (1008), which ends its training and frees its state.

For a classroom served on a shared address (``--host 0.0.0.0``), ``--allow-origin
http://teacher.example:8000`` (repeatable) names the address the pupils' browsers use: its
host is then accepted in ``Host`` and the origin in ``Origin``.

Frames go uncompressed to a browser on the same machine: permessage-deflate of a 170 kB
frame costs the server about 2 ms and saves nothing over loopback, so the WebSocket
extension is offered only to other clients (``Options.compression``: ``"remote"``, the
default; ``"always"``; ``"never"``).
"""

from __future__ import annotations

import ipaddress
import json
import logging
import socket
import threading
import time
import webbrowser
from collections.abc import Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]

from .app import Options, create_app

MAX_WS_BYTES = 1 << 20  # a bigger WebSocket message closes its connection (not the server)

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def _loopback(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host == "localhost"
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return (mapped or address).is_loopback  # ::ffff:127.0.0.1 too


COMPRESSION = ("remote", "always", "never")
"""Who gets permessage-deflate: clients not on this machine (the default), all, none."""

try:  # uvicorn's Sans-I/O protocol (0.35 and later), which "auto" picks when it has it
    from uvicorn.protocols.websockets.websockets_sansio_impl import (
        WebSocketsSansIOProtocol as _Base,
    )
except ImportError:  # pragma: no cover (older uvicorn: its websockets protocol)
    from uvicorn.protocols.websockets.websockets_impl import (  # type: ignore[assignment]
        WebSocketProtocol as _Base,
    )


class LocalUncompressed(_Base):
    """uvicorn's WebSocket protocol, offering permessage-deflate to remote clients only: a
    loopback client's handshake is answered without the extension, so its frames are sent
    as they are (compressing them costs the server more than loopback's copy)."""

    def connection_made(self, transport: Any) -> None:
        super().connection_made(transport)
        if self.client is not None and _loopback(self.client[0]):
            _offer_no_extensions(self)


def _compression(options: Options | None) -> str:
    """``options.compression``, checked."""
    compression = (options or Options()).compression
    if compression not in COMPRESSION:
        raise ValueError(
            f"compression is one of {', '.join(COMPRESSION)}. Received: {compression!r}"
        )
    return compression


def _offer_no_extensions(protocol: Any) -> None:
    """Negotiate no extension: the Sans-I/O protocol keeps its offer in ``conn``, the older
    one (a websockets legacy server protocol) in itself."""
    getattr(protocol, "conn", protocol).available_extensions = []


def allowed_addresses(
    host: str, port: int, allow_origins: Iterable[str] = ()
) -> tuple[set[str], set[str]]:
    """The ``Host`` values and the ``Origin`` values the playground served on (host, port)
    answers: its own address (and ``localhost`` for a loopback one), and the origins given."""
    names = {f"[{host}]" if ":" in host else host}
    if _loopback(host) or host in ("0.0.0.0", "::"):
        names |= {"127.0.0.1", "localhost", "[::1]"}
    hosts = {f"{name}:{port}" for name in names if name not in ("0.0.0.0", "[::]")}
    origins = {f"http://{h}" for h in hosts}
    for origin in allow_origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path not in ("", "/"):
            raise ValueError(
                f"--allow-origin takes an origin such as http://teacher.example:8000 (a scheme, "
                f"a host and a port, no path). Received: {origin!r}"
            )
        netloc = parts.netloc.lower()
        default = {"http": 80, "https": 443}[parts.scheme]
        hosts |= {netloc} if parts.port else {netloc, f"{netloc}:{default}"}
        origins.add(f"{parts.scheme}://{netloc}")
    return hosts, origins


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return bytes(value).decode("latin-1").strip().lower()
    return None


class Guard:
    """ASGI middleware: the ``Host`` and WebSocket ``Origin`` checks described above."""

    def __init__(self, app: ASGIApp, hosts: set[str], origins: set[str]) -> None:
        self.app = app
        self.hosts = {h.lower() for h in hosts}
        self.origins = {o.lower().rstrip("/") for o in origins}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        host = _header(scope, b"host")
        if host is not None and host not in self.hosts:
            await self._refuse(kind, send, f"the playground does not answer for host {host!r}")
            return
        if kind == "websocket":
            origin = _header(scope, b"origin")
            if origin is not None and origin.rstrip("/") not in self.origins:
                await self._refuse(kind, send, f"WebSockets from {origin!r} are not allowed")
                return
        await self.app(scope, receive, send)

    @staticmethod
    async def _refuse(kind: str, send: Send, why: str) -> None:
        if kind == "websocket":  # closed before the handshake: the client gets an HTTP 403
            await send({"type": "websocket.close", "code": 1008, "reason": why[:120]})
            return
        body = json.dumps({"error": why}).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
        await send({"type": "http.response.start", "status": 403, "headers": headers})
        await send({"type": "http.response.body", "body": body})


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


class _NoClientTracebacks(logging.Filter):
    """A client's bad frame (text that is not UTF-8) is logged as one line, not a traceback:
    it is the client's mistake, answered with close code 1007, not the server's failure."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], UnicodeDecodeError):
            record.exc_info = None
            record.exc_text = None
        return True


def _quiet_client_errors() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _NoClientTracebacks) for f in logger.filters):
        logger.addFilter(_NoClientTracebacks())


def _server(
    options: Options | None, log_level: str, sock: socket.socket, allow_origins: Iterable[str]
) -> uvicorn.Server:
    host, port = sock.getsockname()[:2]
    hosts, origins = allowed_addresses(str(host), int(port), allow_origins)
    compression = _compression(options)
    config = uvicorn.Config(
        Guard(create_app(options), hosts, origins),
        log_level=log_level,
        ws=LocalUncompressed if compression == "remote" else "auto",
        ws_max_size=MAX_WS_BYTES,
        ws_per_message_deflate=compression != "never",
        lifespan="off",
    )
    _quiet_client_errors()  # after the config, which sets up uvicorn's loggers
    return uvicorn.Server(config)


def serve(
    host: str = "127.0.0.1",
    port: int = 0,
    open_browser: bool = False,
    allow_origins: Iterable[str] = (),
) -> None:
    """Serve the playground until Ctrl-C; print the address (and open it with ``open_browser``).
    ``allow_origins``: the addresses of the page other than the one served (a classroom's)."""
    allowed_addresses(host, port, allow_origins)  # a malformed origin fails before binding
    sock = _bind(host, port)
    url = address(sock)
    print(f"nndl playground: {url}  (Ctrl-C to stop)", flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, args=(url,)).start()
    limits = _one_blas_thread()
    try:
        _server(None, "warning", sock, allow_origins).run(sockets=[sock])
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


def start(
    options: Options | None = None,
    host: str = "127.0.0.1",
    port: int = 0,
    allow_origins: Iterable[str] = (),
) -> Running:
    """Serve the playground from a background thread (for tests and benchmarks)."""
    _compression(options)  # a bad option fails before binding
    sock = _bind(host, port)
    limits = _one_blas_thread()
    server = _server(options, "error", sock, allow_origins)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            limits.restore_original_limits()
            raise RuntimeError("the playground server did not start")
        time.sleep(0.02)
    return Running(address(sock), server, thread, limits)
