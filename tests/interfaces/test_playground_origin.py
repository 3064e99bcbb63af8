"""The playground server answers only its own address and its own page: Host and Origin are
checked (DNS rebinding, cross-site WebSocket hijacking), a classroom names its address with
``--allow-origin``, and a frame that is not UTF-8 is closed (1007) without a traceback.  What
one tab may send and be sent: test_playground_limits.py."""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
websockets_sync = pytest.importorskip("websockets.sync.client")
from websockets.exceptions import InvalidStatus  # noqa: E402

import nndl  # noqa: E402
from nndl import cli  # noqa: E402
from nndl.playground import server  # noqa: E402


@pytest.fixture(scope="module")
def running() -> Iterator[Any]:
    served = server.start(allow_origins=["http://teacher.example:8000"])
    yield served
    served.stop()


def _get(url: str, host: str | None) -> int:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    conn.putrequest("GET", "/", skip_host=host is not None)
    if host is not None:
        conn.putheader("Host", host)
    conn.endheaders()
    status = conn.getresponse().status
    conn.close()
    return status


def _ws(url: str, origin: str | None) -> Any:
    target = url.replace("http://", "ws://") + "ws"
    return websockets_sync.connect(target, origin=origin, open_timeout=30)  # type: ignore[arg-type]


def test_host_must_name_the_served_address(running: Any) -> None:
    port = urlsplit(running.url).port
    assert _get(running.url, None) == 200
    assert _get(running.url, f"localhost:{port}") == 200
    assert _get(running.url, "teacher.example:8000") == 200  # the allowed origin's host
    assert _get(running.url, "attacker.example") == 403  # DNS rebinding
    assert _get(running.url, f"attacker.example:{port}") == 403


@pytest.mark.parametrize(
    "origin", ["http://evil.example.com", "null", "file://", "http://127.0.0.1:1"]
)
def test_websockets_from_other_pages_are_refused(running: Any, origin: str) -> None:
    with pytest.raises(InvalidStatus) as caught, _ws(running.url, origin):
        pass
    assert caught.value.response.status_code == 403


@pytest.mark.parametrize("origin", ["own", "http://teacher.example:8000", None])
def test_websockets_from_the_page_are_answered(running: Any, origin: str | None) -> None:
    if origin == "own":
        origin = running.url.rstrip("/")
    with _ws(running.url, origin) as ws:
        ws.send(json.dumps({"type": "step"}))
        reply = json.loads(ws.recv(timeout=30))
    assert reply == {"type": "error", "message": "send a setup before 'step'"}


def _raw_frame(url: str, payload: bytes) -> bytes:
    """Open a WebSocket by hand, send one text frame of ``payload`` as is (a client library
    would refuse to send bytes that are not UTF-8), and return what the server answers."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname or "", parts.port or 80), timeout=30) as sock:
        key = base64.b64encode(os.urandom(16))
        sock.sendall(
            b"GET /ws HTTP/1.1\r\nHost: " + parts.netloc.encode() + b"\r\nUpgrade: websocket\r\n"
            b"Connection: Upgrade\r\nSec-WebSocket-Key: " + key + b"\r\n"
            b"Sec-WebSocket-Version: 13\r\n\r\n"
        )
        answer = b""
        while b"\r\n\r\n" not in answer:
            answer += sock.recv(4096)
        assert answer.startswith(b"HTTP/1.1 101"), answer
        rest = answer.split(b"\r\n\r\n", 1)[1]
        sock.sendall(bytes([0x81, 0x80 | len(payload)]) + bytes(4) + payload)  # mask of zeros
        while len(rest) < 4:
            chunk = sock.recv(4096)
            if not chunk:
                break
            rest += chunk
        return rest


def test_an_invalid_utf8_frame_leaves_no_traceback() -> None:
    """Served as ``nndl playground`` in a subprocess, whose log is read whole."""
    src = str(Path(nndl.__file__).resolve().parent.parent)
    env = {**os.environ, "PYTHONPATH": src}
    command = [sys.executable, "-m", "nndl", "playground"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env) as p:
        try:
            assert p.stdout is not None
            url = re.search(r"http://\S+/", p.stdout.readline().decode())
            assert url is not None
            answer = _raw_frame(url.group(0), b"\xff\xfe not UTF-8")
            time.sleep(0.5)
        finally:
            p.terminate()
            _, err = p.communicate(timeout=30)
    assert answer[0] == 0x88 and int.from_bytes(answer[2:4], "big") == 1007, answer
    assert b"Traceback" not in err, err.decode()


def test_allow_origin_is_checked() -> None:
    hosts, origins = server.allowed_addresses("127.0.0.1", 8000, ["https://class.example"])
    assert {"127.0.0.1:8000", "localhost:8000", "class.example:443"} <= hosts
    assert "https://class.example" in origins and "http://localhost:8000" in origins
    for bad in ("class.example", "http://class.example/page", "ftp://class.example"):
        with pytest.raises(ValueError, match="--allow-origin takes an origin"):
            server.allowed_addresses("127.0.0.1", 8000, [bad])
    parser = cli.build_parser() if hasattr(cli, "build_parser") else None
    if parser is not None:
        args = parser.parse_args(["playground", "--allow-origin", "http://a.example:1"])
        assert args.allow_origin == ["http://a.example:1"]
