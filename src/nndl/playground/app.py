"""The playground's web app: the page, and one WebSocket per tab that trains its network.

Messages from the page are JSON text: ``{"type": "setup", "setup": {...}, "csv": {...}}``,
``play``, ``pause``, ``step``, ``reset``, ``{"type": "speed", "epochs_per_frame": k}``,
``{"type": "ack", "run": r}`` (a frame was drawn), ``code`` and ``download``.  Every message
is checked (its size, its keys, every value's type and range); a bad one gets
``{"type": "error", "message": …}`` and the connection carries on.  The server answers
with JSON text (``setup``, ``code``, ``error``) and binary messages (frames, the model
file, the end of a run; see :mod:`nndl.playground.frames`).

Each tab's training runs in its own thread (:class:`~nndl.playground.session.Session`),
and everything slow (building data, saving a model) runs off the event loop, so no tab
waits for another.  What a tab may send, and what waits to be sent to it, is bounded
(:mod:`nndl.playground.limits`): a flood, or a page that does not read, closes it (1008).
Closing the tab stops its training and frees its state.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route, WebSocketRoute
from starlette.staticfiles import StaticFiles
from starlette.websockets import WebSocket, WebSocketDisconnect

from nndl import io as model_io
from nndl.errors import NNDLError, NNDLValueError

from .frames import GRID, domain, pack
from .limits import BURST, CLOSE_TIMEOUT, RATE, RUN_BURST, RUN_RATE, Bucket, Outbox
from .session import Session
from .spec import Problem, Setup, build, check_csv, parse_setup
from .takeaway import python_code, train_command

STATIC = Path(__file__).parent / "static"
MAX_MESSAGE = 300 * 1024  # characters: a setup with a CSV file of up to 256 KiB
MAX_SPEED = 1000
log = logging.getLogger("nndl.playground")

_KEYS = {  # the keys each message type may have
    "setup": {"type", "setup", "csv"},
    "play": {"type"},
    "pause": {"type"},
    "step": {"type"},
    "reset": {"type"},
    "speed": {"type", "epochs_per_frame"},
    "ack": {"type", "run"},
    "code": {"type"},
    "download": {"type"},
}


@dataclass
class Options:
    """Server-wide settings."""

    max_fps: float | None = 60.0  # frames a second per tab at most (None: as fast as drawn)
    max_tabs: int = 16  # open connections at most
    grid: int = GRID  # the maps are G × G
    compression: str = "remote"  # permessage-deflate for: "remote" clients, "always", "never"


def parse_message(text: Any) -> dict[str, Any]:
    """A message from the page, checked: a JSON object with a known type and known keys."""
    if not isinstance(text, str):
        raise NNDLValueError("messages are JSON text; received a binary message")
    if len(text) > MAX_MESSAGE:
        raise NNDLValueError(
            f"a message may have at most {MAX_MESSAGE} characters; received {len(text)}"
        )
    try:
        message = json.loads(text)
    except (ValueError, RecursionError):
        raise NNDLValueError("a message must be one JSON object; this one is not JSON") from None
    if not isinstance(message, dict):
        raise NNDLValueError(
            f"a message must be a JSON object; received a {type(message).__name__}"
        )
    kind = message.get("type")
    if not isinstance(kind, str) or kind not in _KEYS:
        shown = repr(kind)[:40]
        raise NNDLValueError(f"unknown message type {shown}; the known ones are {', '.join(_KEYS)}")
    extra = sorted(str(k)[:30] for k in message if k not in _KEYS[kind])
    if extra:
        raise NNDLValueError(f"a {kind!r} message has no keys {extra}")
    return message


def _bounded_int(message: dict[str, Any], key: str, low: int, high: int) -> int:
    value = message.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise NNDLValueError(
            f"{message['type']}.{key} must be an integer in [{low}, {high}]. "
            f"Received: {repr(value)[:40]}"
        )
    return value


def _labels(Y: np.ndarray) -> list[int]:
    Y = np.asarray(Y)
    return [int(v) for v in (Y.ravel() if Y.shape[0] == 1 else np.argmax(Y, axis=0))]


def _points(P: np.ndarray | None, Y: np.ndarray | None) -> list[list[float]]:
    if P is None or Y is None:
        return []
    return [[float(a), float(b), c] for a, b, c in zip(P[0], P[1], _labels(Y), strict=True)]


def _save_bytes(net: Any) -> bytes:
    with tempfile.TemporaryDirectory(prefix="nndl-playground-") as folder:
        path = model_io.save(net, Path(folder) / "model.npz")
        return path.read_bytes()


class Connection:
    """One tab: its messages, its current training session, its outgoing messages (bounded;
    see :mod:`nndl.playground.limits`)."""

    def __init__(self, websocket: WebSocket, options: Options) -> None:
        self.ws = websocket
        self.options = options
        self.loop = asyncio.get_running_loop()
        self.outbox = Outbox(self._refuse)
        self.messages = Bucket(BURST, RATE)
        self.runs = Bucket(RUN_BURST, RUN_RATE)
        self.refusal: str | None = None  # why the tab is being closed (code 1008)
        self.session: Session | None = None
        self.run_id = 0
        self.csv: tuple[str, str] | None = None
        self.speed = 1
        self._reader: asyncio.Task[None] | None = None

    def _from_thread(self, run: int) -> Callable[[bytes], None]:
        """What run ``run``'s training thread sends its messages with."""

        def send(message: bytes) -> None:
            self.loop.call_soon_threadsafe(self.outbox.put, message, run)

        return send

    def reply(self, message: dict[str, Any], run: int | None = None) -> None:
        self.outbox.put(json.dumps(message, allow_nan=False), run)

    def _refuse(self, reason: str) -> None:
        """Close this tab (1008) for ``reason``: stop reading it and drop what waits for it."""
        if self.refusal is None:
            self.refusal = reason
            self.outbox.close()
            if self._reader is not None:
                self._reader.cancel()

    async def run(self) -> None:
        sender = asyncio.create_task(self._send_all())
        self._reader = asyncio.create_task(self._read_all())
        try:
            await asyncio.wait({self._reader})
        finally:
            self._reader.cancel()
            sender.cancel()
            await self._free()
        if self.refusal is not None:
            await self._close(self.refusal)

    async def _read_all(self) -> None:
        try:
            while True:
                event = await self.ws.receive()
                if event["type"] == "websocket.disconnect":
                    return
                if not self.messages.take():
                    self._refuse(f"more than {BURST} messages at once or {RATE:.0f} a second")
                    return
                await self.handle(event.get("text") if event.get("text") is not None else b"")
        except WebSocketDisconnect:
            return

    async def _free(self) -> None:
        """Let go of everything the tab holds: its queue, its training, its data."""
        self.outbox.close()
        session, self.session, self.csv = self.session, None, None
        if session is not None:
            session.close(wait=None)  # at once: this task may be cancelled next
            await asyncio.to_thread(session.close, 5.0)

    async def _close(self, reason: str) -> None:
        """Send the close frame (1008, ``reason``), waiting a while for a tab that reads
        nothing; its state is already freed."""
        log.warning("playground: closing a tab: %s", reason)
        # the tab may have gone, or read nothing: then the connection ends when it goes
        with contextlib.suppress(TimeoutError, WebSocketDisconnect, RuntimeError, OSError):
            await asyncio.wait_for(self.ws.close(code=1008, reason=reason[:120]), CLOSE_TIMEOUT)

    async def _send_all(self) -> None:
        try:
            while True:
                item = await self.outbox.get()
                if isinstance(item, bytes):
                    await self.ws.send_bytes(item)
                else:
                    await self.ws.send_text(item)
        except (WebSocketDisconnect, RuntimeError, OSError):
            return  # the tab has gone; run() notices and stops the training

    async def handle(self, text: Any) -> None:
        """Check and carry out one message; any mistake becomes an error reply."""
        try:
            message = parse_message(text)
            await self._dispatch(message)
        except NNDLError as exc:
            self.reply({"type": "error", "message": str(exc)})
        except Exception:  # a bug must not end the connection or the server
            log.exception("playground: a message failed")
            self.reply({"type": "error", "message": "internal error; see the server's log"})

    async def _dispatch(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind in ("setup", "reset", "download") and not self.runs.take():
            self._refuse(
                f"more than {RUN_BURST} new runs or downloads at once or {RUN_RATE:.0f} a second"
            )
            return
        if kind == "setup":
            setup = parse_setup(message.get("setup", {}))
            csv = self.csv
            if message.get("csv") is not None:
                given = message["csv"]
                if not isinstance(given, dict) or set(given) != {"name", "text"}:
                    raise NNDLValueError('setup.csv must be {"name": "….csv", "text": "…"}')
                csv = check_csv(given["name"], given["text"])
            if setup.data == "csv" and csv is None:
                raise NNDLValueError("data 'csv' needs a CSV file: drop one on the page")
            await self._start(setup, csv)
            if setup.data == "csv":
                self.csv = csv  # kept for resets and other changes, once it has loaded
            return
        if kind == "ack":
            run = _bounded_int(message, "run", 0, 2**31 - 1)  # checked with or without a run
            if self.session is not None:
                self.session.ack(run)
            return
        if kind == "speed":
            self.speed = _bounded_int(message, "epochs_per_frame", 1, MAX_SPEED)
            if self.session is not None:
                self.session.set_speed(self.speed)
            return
        session = self.session
        if session is None:
            raise NNDLValueError(f"send a setup before {kind!r}")
        if kind == "reset":
            await self._start(session.problem.setup, self.csv)
        elif kind == "play":
            session.play()
        elif kind == "pause":
            session.pause()
        elif kind == "step":
            session.step()
        elif kind == "code":
            self.reply(self._code(session))
        elif kind == "download":
            epoch, net = session.snapshot
            data = await asyncio.to_thread(_save_bytes, net)
            name = f"playground-epoch{epoch}.npz"
            self.outbox.put(pack({"type": "model", "filename": name, "epoch": epoch}, data))

    def _code(self, session: Session) -> dict[str, Any]:
        epoch = session.snapshot[0]
        setup, target = session.problem.setup, session.problem.csv_target
        command, why_not = train_command(setup, epoch, target)
        return {
            "type": "code",
            "epochs": epoch,
            "python": python_code(setup, epoch, target),
            "command": command,
            "why_not": why_not,
        }

    async def _start(self, setup: Setup, csv: tuple[str, str] | None) -> None:
        problem = await asyncio.to_thread(build, setup, csv)
        if self.session is not None:
            self.session.close(wait=None)  # ends at its next epoch; its frames are dropped
        self.run_id += 1
        run, opts = self.run_id, self.options
        self.outbox.new_run(run)
        session = Session(problem, self._from_thread(run), run, opts.max_fps, grid=opts.grid)
        session.set_speed(self.speed)
        first = await asyncio.to_thread(session.first_frame)
        self.session = session
        self.reply(self._setup_message(problem), run)
        self.outbox.put(first, run)

    def _setup_message(self, problem: Problem) -> dict[str, Any]:
        net = problem.network
        return {
            "type": "setup",
            "run": self.run_id,
            "setup": problem.setup.to_dict(),
            "window": list(domain(problem)),
            "layer_dims": list(net.layer_dims),
            "activations": [g.name for g in net.activations],
            "loss": net.loss.name,
            "classes": problem.classes,
            "m_train": int(problem.X.shape[1]),
            "m_test": 0 if problem.X_test is None else int(problem.X_test.shape[1]),
            "train": _points(problem.P_train, problem.Y),
            "test": _points(problem.P_test, problem.Y_test),
            "csv_target": problem.csv_target,
        }


def create_app(options: Options | None = None) -> Starlette:
    """The ASGI app: ``/`` the page, ``/static/…`` its files, ``/ws`` the training socket."""
    opts = options or Options()
    open_tabs = [0]

    async def index(request: Request) -> Response:
        return FileResponse(STATIC / "index.html", headers={"Cache-Control": "no-cache"})

    async def socket(websocket: WebSocket) -> None:
        await websocket.accept()
        if open_tabs[0] >= opts.max_tabs:
            message = f"the playground serves at most {opts.max_tabs} tabs at once; close one"
            await websocket.send_text(json.dumps({"type": "error", "message": message}))
            await websocket.close(code=1013)
            return
        open_tabs[0] += 1
        try:
            await Connection(websocket, opts).run()
        finally:
            open_tabs[0] -= 1

    return Starlette(
        routes=[
            Route("/", index),
            WebSocketRoute("/ws", socket),
            Mount("/static", app=StaticFiles(directory=STATIC), name="static"),
        ]
    )
