"""The playground's frames: the buffered grid pass draws the bytes of the plain one (and falls
back to it on values that are not finite), a frame is the message it was before the buffers
(header and maps, byte for byte), and compression is offered to remote clients only."""

from __future__ import annotations

import json
import math
import socket
import struct
from typing import Any

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("uvicorn")
websockets_sync = pytest.importorskip("websockets.sync.client")

import nndl  # noqa: E402
from nndl import training  # noqa: E402
from nndl.playground import Options, server  # noqa: E402
from nndl.playground.frames import (  # noqa: E402
    FrameBuilder,
    _floats,
    _quantize,
    plain_maps,
    stall_hint,
)
from nndl.playground.spec import Problem, build, parse_setup  # noqa: E402

THREE_CLASSES = "a,b,kind\n" + "".join(
    f"{x:.3f},{y:.3f},{('low', 'mid', 'high')[int(x > 0) + int(y > 1)]}\n"
    for x, y in np.random.default_rng(1).normal(size=(90, 2)) * [2.0, 3.0]
)
SETUPS: list[tuple[dict[str, Any], tuple[str, str] | None]] = [
    ({"data": "flower", "hidden": [8, 8], "activations": ["tanh", "tanh"], "lr": 0.5}, None),
    (
        {
            "data": "spiral",
            "hidden": [8, 6, 5],
            "activations": ["relu", "leaky_relu", "sigmoid"],
            "optimizer": "momentum",
            "lr": 0.1,
            "init": "he",
            "features": ["x1", "x2", "x1x2", "sinx1"],
        },
        None,
    ),
    ({"data": "moons", "hidden": [4, 3], "activations": ["linear", "relu"], "lr": 0.1}, None),
    ({"data": "xor", "hidden": [], "activations": [], "lr": 0.1}, None),
    ({"data": "csv", "hidden": [6], "activations": ["tanh"], "lr": 0.1}, ("k.csv", THREE_CLASSES)),
]


def _problem(k: int) -> Problem:
    setup, csv = SETUPS[k]
    return build(parse_setup(setup), csv)


def _floats_as_before(array: Any) -> Any:
    a = np.asarray(array, dtype=np.float64)
    if a.ndim > 1:
        return [_floats_as_before(row) for row in a]
    return [None if not np.isfinite(v) else float(v) for v in a]


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def _frame_as_before(
    builder: FrameBuilder, net: nndl.Network, epoch: int, logs: dict[str, float] | None
) -> bytes:
    """The frame as the playground built it before the grid's buffers: `net.forward` of the
    grid, `nan_to_num`, `net.gradients`, a second forward for the hint, one `float` a value."""
    problem = builder.problem
    with np.errstate(all="ignore"):
        AL, caches = net.forward(builder.grid)
        payload = [_quantize(np.asarray(AL) * 255, 0, 255, np.uint8)]
        units = []
        for l, cache in enumerate(caches[:-1], start=1):
            A = np.nan_to_num(np.asarray(cache.A, dtype=np.float64))
            bounded = net.activations[l - 1].name in ("tanh", "sigmoid")
            scale = np.ones(len(A)) if bounded else np.maximum(np.abs(A).max(axis=1), 1e-12)
            payload.append(_quantize(A * (127 / scale[:, None]), -127, 127, np.int8))
            units.append(_floats_as_before(scale))
        J, grads = net.gradients(problem.X, problem.Y)
        weights = [
            {
                "W": _floats_as_before(net.params[f"W{l}"]),
                "b": _floats_as_before(np.ravel(net.params[f"b{l}"])),
            }
            for l in range(1, net.L + 1)
        ]
        norms = [float(np.linalg.norm(np.asarray(grads[f"dW{l}"]))) for l in range(1, net.L + 1)]
        if logs is None:
            logs = {"cost": J}
            if problem.X_test is not None:
                logs["val_cost"] = net.cost(problem.X_test, problem.Y_test)
        stall = stall_hint(net, problem.X, norms, logs.get("cost"))
    header = {
        "type": "frame",
        "epoch": epoch,
        "cost": _finite(logs.get("cost")),
        "test_cost": _finite(logs.get("val_cost")),
        "accuracy": _finite(logs.get("accuracy")),
        "test_accuracy": _finite(logs.get("val_accuracy")),
        "curve": [],
        "grad_norms": [_finite(n) for n in norms],
        "stall": stall,
        "weights": weights,
        "size": builder.size,
        "outputs": int(AL.shape[0]),
        "unit_scales": units,
        "run": 1,
    }
    text = json.dumps(header, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return struct.pack("<I", len(text)) + text + b"".join(payload)


@pytest.mark.parametrize("k", range(len(SETUPS)))
def test_a_frame_is_the_message_it_was_before_the_buffers(k: int) -> None:
    problem = _problem(k)
    builder, net = FrameBuilder(problem, size=37), problem.network
    logs = None
    for epoch in range(0, 40, 8):  # before training, then as it learns
        drawn = builder.maps.draw(net)
        assert drawn is not None  # finite: the buffered pass drew it
        outputs, payload, units = plain_maps(net, builder.grid)
        assert (drawn[0], bytes(drawn[1]), drawn[2]) == (outputs, payload, units)
        frame = builder.build(net, epoch, logs, [], {"run": 1})
        assert frame == _frame_as_before(builder, net, epoch, logs)
        history = training.fit(net, problem.X, problem.Y, options=problem.fit_options(8))
        logs = {key: values[-1] for key, values in history.history.items()}


@pytest.mark.parametrize(
    ("layer", "value"),
    [("W1", np.nan), ("b1", np.inf), ("W2", -np.inf), ("W1", 3e38), ("b2", np.nan)],
)
def test_values_that_are_not_finite_are_drawn_by_the_plain_path(layer: str, value: float) -> None:
    problem = _problem(1)  # relu, leaky relu, sigmoid
    builder, net = FrameBuilder(problem, size=20), problem.network
    net.params[layer][0, 0] = value
    with np.errstate(all="ignore"):  # as FrameBuilder.build draws
        assert builder.maps.draw(net) is None
    frame = builder.build(net, 3, {"cost": 0.5}, [], {"run": 1})
    assert frame == _frame_as_before(builder, net, 3, {"cost": 0.5})
    net.params[layer][0, 0] = 0.0  # finite again: the buffers draw the next frame
    assert builder.maps.draw(net) is not None
    assert builder.build(net, 4, None, [], {"run": 1}) == _frame_as_before(builder, net, 4, None)


def test_a_network_of_other_arrays_is_drawn_by_the_plain_path() -> None:
    problem = _problem(0)
    builder, net = FrameBuilder(problem, size=16), problem.network
    other = net.copy(dtype="float64")  # not the grid's dtype
    assert builder.maps.draw(other) is None
    assert builder.maps.draw(net) is not None


def test_floats_for_json_are_the_same_with_and_without_non_finite_values() -> None:
    a = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    assert _floats(a) == _floats_as_before(a)
    a[1, 2] = np.nan
    assert _floats(a) == _floats_as_before(a)
    assert _floats(np.ravel(a)) == _floats_as_before(np.ravel(a))


# ------------------------------------------------------------------ compression


def _extensions(url: str) -> list[str]:
    with websockets_sync.connect(url.replace("http://", "ws://") + "ws", open_timeout=30) as ws:
        return [e.name for e in ws.protocol.extensions]


@pytest.mark.parametrize(
    ("compression", "expected"),
    [("remote", []), ("always", ["permessage-deflate"]), ("never", [])],
)
def test_loopback_clients_get_frames_uncompressed_by_default(
    compression: str, expected: list[str]
) -> None:
    served = server.start(Options(compression=compression))
    try:
        assert _extensions(served.url) == expected
    finally:
        served.stop()


def _outward_address() -> str | None:
    """An address of this machine that is not loopback (None when it has none)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: only the route is chosen
            address = str(probe.getsockname()[0])
        except OSError:
            return None
    return None if address.startswith("127.") or address == "0.0.0.0" else address


def test_remote_clients_keep_compression() -> None:
    address = _outward_address()
    if address is None:
        pytest.skip("this machine has no address but loopback")
    served = server.start(host=address)
    try:
        assert _extensions(served.url) == ["permessage-deflate"]
    finally:
        served.stop()


def test_loopback_is_told_apart_from_other_clients() -> None:
    assert server._loopback("127.0.0.1") and server._loopback("::1")
    assert server._loopback("::ffff:127.0.0.1") and server._loopback("localhost")
    assert not server._loopback("192.0.2.2") and not server._loopback("::ffff:192.0.2.2")


def test_an_unknown_compression_is_refused() -> None:
    with pytest.raises(ValueError, match="compression is one of remote, always, never"):
        server.start(Options(compression="sometimes"))
