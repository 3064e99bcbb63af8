"""What one tab may cost the playground's server: a flood of messages or of new runs closes it
(1008), what waits for a page that never reads is bounded (the queue's high-water mark is
recorded and compared with the bound, not the process's memory), and a tab that leaves
leaves nothing behind."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import gc
import json
import os
import socket
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlsplit

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
pytest.importorskip("httpx2")
websockets_sync = pytest.importorskip("websockets.sync.client")
from starlette.testclient import TestClient  # noqa: E402
from websockets.exceptions import ConnectionClosed  # noqa: E402

from nndl.playground import Options, app, create_app, server  # noqa: E402
from nndl.playground import limits as tab_limits  # noqa: E402
from nndl.playground.limits import Bucket, Outbox  # noqa: E402

BIG = {"hidden": [8] * 6, "activations": ["tanh"] * 6}  # frames of half a megabyte


@pytest.fixture
def tabs(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Any]]:
    """The server's connections, as they are made (held weakly, so one that is freed goes)."""
    made: list[Any] = []

    class Recorded(app.Connection):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            made.append(weakref.ref(self))

    monkeypatch.setattr(app, "Connection", Recorded)
    yield made


@pytest.fixture
def running(tabs: list[Any]) -> Iterator[Any]:
    served = server.start()
    yield served
    served.stop()


def _wait(condition: Callable[[], bool], what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.01)


def _ws(url: str) -> Any:
    target = url.replace("http://", "ws://") + "ws"
    return websockets_sync.connect(target, open_timeout=30)  # type: ignore[arg-type]


class RawTab:
    """A WebSocket client written by hand, which reads nothing until asked to (a client
    library reads ahead in a thread of its own), with a small receive buffer (the kernel
    would otherwise buffer up to 32 MiB for it)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1 << 16)
        self.sock.settimeout(30)
        self.sock.connect((parts.hostname or "", parts.port or 80))
        self.sock.sendall(
            b"GET /ws HTTP/1.1\r\nHost: " + parts.netloc.encode() + b"\r\n"
            b"Upgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: " + base64.b64encode(os.urandom(16)) + b"\r\n"
            b"Sec-WebSocket-Version: 13\r\n\r\n"
        )
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += self.sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 101"), answer
        self.buffer = answer.split(b"\r\n\r\n", 1)[1]

    def send(self, text: str) -> None:
        """One text frame (masked with zeros, as a client must mask)."""
        data = text.encode()
        if len(data) < 126:
            head = bytes([0x81, 0x80 | len(data)])
        else:
            head = bytes([0x81, 0x80 | 126]) + len(data).to_bytes(2, "big")
        self.sock.sendall(head + bytes(4) + data)

    def _read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.sock.recv(1 << 16)
            if not chunk:
                raise AssertionError("the server ended the connection without a close frame")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def close_frame(self) -> tuple[int, str]:
        """Read what the server sent up to its close frame: (code, reason)."""
        while True:
            first, second = self._read(2)
            n = second & 0x7F
            if n >= 126:
                n = int.from_bytes(self._read(2 if n == 126 else 8), "big")
            payload = self._read(n)
            if first & 0x0F == 0x8:
                return int.from_bytes(payload[:2], "big"), payload[2:].decode()

    def close(self) -> None:
        self.sock.close()


def _in_background(send: Callable[[], None]) -> threading.Thread:
    def run() -> None:
        with contextlib.suppress(OSError):  # the server closed the tab, as it should
            send()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _refused(tabs: list[Any]) -> bool:
    return bool(tabs) and tabs[0]() is not None and tabs[0]().refusal is not None


def _freed(tab: Any) -> bool:
    gc.collect()
    return tab() is None


# ---------------------------------------------------------------- the bounds themselves


def test_the_outbox_holds_at_most_its_bound_then_closes() -> None:
    async def fill() -> tuple[Outbox, list[str]]:
        why: list[str] = []
        box = Outbox(why.append, max_messages=3, max_bytes=100)
        for _ in range(3):
            box.put(b"x" * 10, run=1)
        box.put(b"x" * 10, run=1)  # a fourth: over the bound
        box.put(b"x" * 10, run=1)  # after closing: dropped, no second call
        return box, why

    box, why = asyncio.run(fill())
    assert box.peak_messages == 3 and box.peak_bytes == 30
    assert len(box) == 0 and box.nbytes == 0 and box.closed
    assert len(why) == 1 and "more than 3 messages" in why[0]

    async def bytes_bound() -> list[str]:
        why: list[str] = []
        box = Outbox(why.append, max_messages=100, max_bytes=25)
        box.put("y" * 20)
        box.put("y" * 20)
        assert box.peak_bytes == 20
        return why

    assert len(asyncio.run(bytes_bound())) == 1


def test_a_new_run_drops_what_waits_for_the_runs_before_it() -> None:
    async def run() -> list[Any]:
        box = Outbox(lambda why: None)
        box.put("setup 1", run=1)
        box.put(b"frame 1", run=1)
        box.put("an error", run=None)
        box.new_run(2)
        box.put(b"late frame 1", run=1)  # from run 1's thread, after run 2 began
        box.put("setup 2", run=2)
        assert box.nbytes == len("an error") + len("setup 2")
        return [await box.get(), await box.get()]

    assert asyncio.run(run()) == ["an error", "setup 2"]


def test_the_bucket_lets_a_burst_then_a_rate() -> None:
    now = [0.0]
    bucket = Bucket(burst=5, rate=2.0, clock=lambda: now[0])
    assert [bucket.take() for _ in range(6)] == [True] * 5 + [False]
    now[0] = 1.0  # two more a second
    assert [bucket.take() for _ in range(3)] == [True, True, False]
    now[0] = 100.0  # never more than the burst
    assert sum(bucket.take() for _ in range(10)) == 5


# ------------------------------------------------------------------- on a real server


def test_a_flood_of_messages_closes_the_tab(running: Any) -> None:
    with _ws(running.url) as ws:
        with pytest.raises(ConnectionClosed) as caught:
            for _ in range(20 * tab_limits.BURST):
                ws.send('{"type": "ack", "run": 0}')  # needs no answer: only the flood counts
            while True:
                ws.recv(timeout=30)
        assert caught.value.rcvd is not None and caught.value.rcvd.code == 1008
        assert "messages at once" in caught.value.rcvd.reason
    with _ws(running.url) as ws:  # the server carries on
        ws.send(json.dumps({"type": "play"}))
        assert json.loads(ws.recv(timeout=30))["type"] == "error"


def test_a_tab_flooding_resets_that_never_reads(running: Any, tabs: list[Any]) -> None:
    """20,000 resets from a page that reads nothing: each reset drops the frames of the runs
    before it, so at most one setup and one frame ever wait; past 50 at once (10 a second)
    the tab is closed (1008) and its state freed before the close frame is even sent."""
    tab = RawTab(running.url)
    try:
        tab.send(json.dumps({"type": "setup", "setup": BIG}))
        flood = _in_background(lambda: [tab.send('{"type": "reset"}') for _ in range(20_000)])
        _wait(lambda: _refused(tabs), "the refusal")
        connection = tabs[0]()
        assert "new runs" in connection.refusal
        assert connection.outbox.peak_messages <= 2  # the newest run's setup and first frame
        assert connection.outbox.peak_bytes <= tab_limits.MAX_QUEUED_BYTES
        _wait(lambda: connection.session is None, "the tab's training to go")
        assert len(connection.outbox) == 0 and connection.csv is None
        connection = None  # held no longer: the server's is the last reference
        code, reason = tab.close_frame()
        assert code == 1008 and "new runs" in reason
        flood.join(60)
    finally:
        tab.close()
    _wait(lambda: _freed(tabs[0]), "the connection to be freed")


def test_a_page_that_acknowledges_frames_it_never_reads(running: Any, tabs: list[Any]) -> None:
    """Acknowledging frames unread lets the training send on: what waits for the page grows
    to the bound (128 messages or 8 MiB) and no further, and the tab is closed (1008)."""
    stop = threading.Event()
    tab = RawTab(running.url)
    try:
        tab.send(json.dumps({"type": "setup", "setup": BIG}))
        tab.send(json.dumps({"type": "play"}))

        def acknowledge() -> None:
            while not stop.is_set():
                tab.send('{"type": "ack", "run": 1}')  # the tab's first run is run 1
                time.sleep(0.004)  # 250 a second: under the message limit

        acks = _in_background(acknowledge)
        _wait(lambda: _refused(tabs), "the refusal")
        stop.set()
        connection = tabs[0]()
        assert "read too slowly" in connection.refusal
        assert connection.outbox.peak_messages <= tab_limits.MAX_QUEUED
        assert connection.outbox.peak_bytes <= tab_limits.MAX_QUEUED_BYTES
        assert connection.outbox.peak_bytes > tab_limits.MAX_QUEUED_BYTES - 600_000  # reached
        _wait(lambda: connection.session is None, "the tab's training to go")
        assert len(connection.outbox) == 0
        connection = None  # held no longer: the server's is the last reference
        code, reason = tab.close_frame()
        assert code == 1008 and "read too slowly" in reason
        acks.join(60)
    finally:
        tab.close()
    _wait(lambda: _freed(tabs[0]), "the connection to be freed")
    _wait(lambda: _training_threads() == 0, "the training thread to end")


def test_a_tab_that_leaves_without_reading_is_freed(running: Any, tabs: list[Any]) -> None:
    """A page that sets up, plays and goes (its socket simply closed, no close frame)."""
    tab = RawTab(running.url)
    tab.send(json.dumps({"type": "setup", "setup": BIG}))
    tab.send(json.dumps({"type": "play"}))
    _wait(lambda: _training_threads() == 1, "the training to start")
    tab.close()
    _wait(lambda: _freed(tabs[0]), "the connection to be freed")
    _wait(lambda: _training_threads() == 0, "the training thread to end")


def _training_threads() -> int:
    return sum(t.name.startswith("nndl-playground-") for t in threading.enumerate())


# --------------------------------------------------------------------- bad messages


@pytest.fixture
def client() -> Iterator[Any]:
    with TestClient(create_app(Options(max_fps=None))) as c:
        yield c


@pytest.mark.parametrize("run, shown", [("-1", "-1"), ("1e400", "inf"), ("2147483648", "2147")])
def test_a_bad_ack_before_any_setup_gets_an_error(client: Any, run: str, shown: str) -> None:
    with client.websocket_connect("/ws") as ws:
        ws.send_text('{"type": "ack", "run": ' + run + "}")
        reply = json.loads(ws.receive_text())
        assert reply["type"] == "error"
        assert "ack.run must be an integer in [0, 2147483647]" in reply["message"]
        assert shown in reply["message"]
        ws.send_text('{"type": "ack", "run": 0}')  # a good one needs no answer
        ws.send_text('{"type": "step"}')
        assert json.loads(ws.receive_text())["message"] == "send a setup before 'step'"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a,b,y\n" + "\x00,\x00,1\n" * 30, "'x.csv': column 'a', row 2, holds the control"),
        ("a,b,y\n" + "".join(f"{i},{i % 3},1\n" for i in range(30)), "one class only ('1')"),
    ],
)
def test_a_dropped_csv_of_nul_cells_or_one_class_is_refused_on_the_page(
    client: Any, text: str, expected: str
) -> None:
    with client.websocket_connect("/ws") as ws:
        setup = {"type": "setup", "setup": {"data": "csv"}, "csv": {"name": "x.csv", "text": text}}
        ws.send_text(json.dumps(setup))
        reply = json.loads(ws.receive_text())
        assert reply["type"] == "error" and expected in reply["message"], reply
        assert "/tmp" not in reply["message"]  # the file the user dropped, not a copy
