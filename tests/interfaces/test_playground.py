"""The playground's server: setups, training equal to nndl train, and the WebSocket protocol."""

from __future__ import annotations

import contextlib
import io
import json
import shlex
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("starlette")
pytest.importorskip("httpx2")

from starlette.testclient import TestClient

import nndl
from nndl import cli
from nndl.errors import NNDLValueError
from nndl.playground import Options, create_app, python_code, train_command
from nndl.playground.frames import unpack
from nndl.playground.session import Session
from nndl.playground.spec import build, parse_setup

ADAM = {
    "data": "moons",
    "points": 300,
    "hidden": [8, 8],
    "activations": ["tanh", "relu"],
    "optimizer": "adam",
    "lr": 0.03,
    "batch": 10,
    "dropout": 0.1,
    "init": "xavier",
}
SPIRAL = {
    "data": "spiral",
    "points": 300,
    "test": 0.2,
    "hidden": [8, 6, 5],
    "activations": ["relu", "leaky_relu", "sigmoid"],
    "optimizer": "momentum",
    "lr": 0.1,
    "batch": 32,
    "l2": 0.01,
    "init": "he",
    "seed": 11,
    "data_seed": 4,
}
FLOWER = {"data": "flower", "hidden": [4], "activations": ["tanh"], "lr": 1.2}
LOGISTIC = {"data": "xor", "hidden": [], "activations": [], "optimizer": "rmsprop", "lr": 0.01}
QUANTILES = {"data": "gaussian_quantiles", "test": 0.0, "hidden": [3], "init": "zeros"}


def _params(net: nndl.Network) -> dict[str, np.ndarray]:
    return {k: np.asarray(v) for k, v in net.params.items()}


def _assert_same(a: nndl.Network, b: nndl.Network) -> None:
    pa, pb = _params(a), _params(b)
    assert pa.keys() == pb.keys()
    for k in pa:
        assert pa[k].dtype == pb[k].dtype
        np.testing.assert_array_equal(pa[k], pb[k], err_msg=k)


def _nndl_train(command: str, tmp_path: Path) -> nndl.Network:
    argv = shlex.split(command)[1:]
    path = tmp_path / "cli.npz"
    argv[argv.index("--save") + 1] = str(path)
    with contextlib.redirect_stdout(io.StringIO()):
        assert cli.main([*argv, "--json"]) == 0
    return nndl.load(path)


class _Collector:
    """Receives a session's messages and acknowledges its frames at once."""

    def __init__(self) -> None:
        self.messages: list[tuple[dict[str, Any], bytes]] = []
        self.session: Session | None = None

    def __call__(self, message: bytes) -> None:
        header, payload = unpack(message)
        self.messages.append((header, payload))
        if header["type"] == "frame" and self.session is not None:
            self.session.ack(header["run"])


def _session(setup: dict[str, Any], csv: tuple[str, str] | None = None) -> Session:
    collector = _Collector()
    session = Session(build(parse_setup(setup), csv), collector, run_id=1, max_fps=None)
    collector.session = session
    session.first_frame()
    return session


def _wait(condition: Any, what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.005)


def _step(session: Session, epochs: int) -> None:
    """Press "step" ``epochs`` times, each after the previous epoch's frame."""
    for k in range(1, epochs + 1):
        session.step()
        _wait(lambda k=k: session.snapshot[0] == k, f"epoch {k}")


# ------------------------------------------------------------- equal to nndl train


@pytest.mark.parametrize("setup", [ADAM, SPIRAL, FLOWER, LOGISTIC, QUANTILES])
def test_stepping_gives_the_parameters_of_nndl_train(setup: dict[str, Any], tmp_path: Path) -> None:
    session = _session(setup)
    try:
        _step(session, 3)
        session.play()  # then a stretch of play, paused wherever it is
        _wait(lambda: session.done >= 8, "8 epochs")
        session.pause()
        _wait(
            lambda: session.shown == session.done and session.snapshot[0] == session.done, "pause"
        )
        time.sleep(0.05)
        epochs, net = session.snapshot
        assert epochs == session.done >= 8
        command, why_not = train_command(session.problem.setup, epochs)
        assert why_not is None and command is not None
        assert f"--epochs {epochs}" in command
        _assert_same(net, _nndl_train(command, tmp_path))
    finally:
        session.close()


def test_python_code_trains_the_same_parameters(tmp_path: Path, monkeypatch: Any) -> None:
    setup = {**ADAM, "features": ["x1", "x2", "x1sq", "x1x2", "sinx2"], "noise": 0.35}
    session = _session(setup)
    try:
        _step(session, 5)
        epochs, net = session.snapshot
        code = python_code(session.problem.setup, epochs)
    finally:
        session.close()
    command, why_not = train_command(session.problem.setup, epochs)
    assert command is None and why_not is not None and "features" in why_not
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(code, "playground_code.py", "exec"), namespace)
    _assert_same(net, namespace["net"])
    assert (tmp_path / "playground.npz").is_file()


def test_noise_other_than_the_default_is_not_an_nndl_train_command() -> None:
    command, why_not = train_command(parse_setup({"data": "circles", "noise": 0.05}), 10)
    assert command is None and why_not is not None and "noise" in why_not
    command, _ = train_command(parse_setup({"data": "circles", "noise": 0.3}), 10)
    assert command is not None and "--data circles" in command


CSV_TEXT = "a,b,kind\n" + "".join(
    f"{x:.3f},{y:.3f},{'left' if x < 0.5 * y else 'right'}\n"
    for x, y in np.random.default_rng(0).normal(size=(80, 2)) * [3.0, 10.0]
)


def test_a_dropped_csv_trains_as_nndl_train_does_on_the_file(tmp_path: Path) -> None:
    setup = {"data": "csv", "hidden": [5], "optimizer": "adam", "lr": 0.05, "batch": 16}
    session = _session(setup, ("points.csv", CSV_TEXT))
    try:
        assert session.problem.classes == ["left", "right"]
        assert session.problem.standardizer is not None  # as nndl train does for files
        _step(session, 4)
        epochs, net = session.snapshot
    finally:
        session.close()
    (tmp_path / "points.csv").write_text(CSV_TEXT)
    command, _ = train_command(session.problem.setup, epochs, session.problem.csv_target)
    assert command is not None and "--target kind" in command
    command = command.replace("points.csv", str(tmp_path / "points.csv"))
    _assert_same(net, _nndl_train(command, tmp_path))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a,b,c,label\n1,2,3,0\n2,3,4,1\n3,4,5,0\n4,5,6,1\n", "two numeric feature columns"),
        ("a,b,y\n" + "".join(f"{i},{i % 3},{i * 0.37}\n" for i in range(30)), "regression"),
        ("a,b,y\n1,2,0\n2,3,1\n", "rows"),
        ("a,b,y\n" + "\x00,\x00,1\n" * 30, r"'x.csv': column 'a', row 2, .*control character"),
        ("a,b,y\n" + "".join(f"{i},{i % 3},cat\n" for i in range(30)), r"one class only \('cat'\)"),
    ],
)
def test_csv_files_the_playground_cannot_draw_are_refused(text: str, expected: str) -> None:
    with pytest.raises(NNDLValueError, match=expected):
        build(parse_setup({"data": "csv"}), ("x.csv", text))


def test_a_training_set_of_one_class_is_refused() -> None:
    """Two classes in the file, but the test share took the only example of one of them."""
    text = "a,b,y\n" + "".join(f"{i},{i % 3},{'b' if i == 0 else 'a'}\n" for i in range(10))
    build(parse_setup({"data": "csv", "test": 0.3, "seed": 1}), ("x.csv", text))
    with pytest.raises(NNDLValueError, match=r"training set holds examples of one class only"):
        build(parse_setup({"data": "csv", "test": 0.3, "seed": 7}), ("x.csv", text))


# ------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "bad, expected",
    [
        ({"hidden": [9]}, "hidden"),
        ({"hidden": [1] * 7}, "hidden"),
        ({"hidden": [2], "activations": ["softmax"]}, "activations"),
        ({"hidden": [2, 2], "activations": ["tanh"]}, "activations"),
        ({"lr": 0}, "lr"),
        ({"lr": float("inf")}, "lr"),
        ({"lr": "0.1"}, "lr"),
        ({"points": 10**6}, "points"),
        ({"points": 401}, "even"),
        ({"features": []}, "features"),
        ({"features": ["x1", "x1"]}, "features"),
        ({"features": ["__import__('os')"]}, "features"),
        ({"data": "../../etc/passwd"}, "data"),
        ({"batch": True}, "batch"),
        ({"seed": -1}, "seed"),
        ({"seed": 10**30}, "seed"),
        ({"dropout": 0.95}, "dropout"),
        ({"test": 1.0}, "test"),
        ({"optimizer": "lbfgs"}, "optimizer"),
        ({"__proto__": 1}, "unknown"),
    ],
)
def test_bad_setups_are_refused_with_what_was_expected(bad: dict[str, Any], expected: str) -> None:
    with pytest.raises(NNDLValueError, match=expected):
        parse_setup(bad)


def test_features_come_in_the_page_order() -> None:
    setup = parse_setup({"features": ["sinx1", "x2", "x1"]})
    assert setup.features == ("x1", "x2", "sinx1")
    assert parse_setup({"data": "gaussian_quantiles", "noise": 0.5}).noise is None


# -------------------------------------------------------------------- protocol


def _receive(ws: Any) -> tuple[dict[str, Any], bytes | None]:
    message = ws.receive()
    if message["type"] == "websocket.close":
        raise AssertionError(f"the server closed the connection: {message}")
    if message.get("text") is not None:
        return json.loads(message["text"]), None
    return unpack(message["bytes"])


def _until(ws: Any, kind: str, **match: Any) -> tuple[dict[str, Any], bytes | None]:
    """The next message of ``kind`` (frames on the way are acknowledged)."""
    for _ in range(10_000):
        header, payload = _receive(ws)
        if header["type"] == "frame":
            ws.send_text(json.dumps({"type": "ack", "run": header["run"]}))
        if header["type"] == kind and all(header.get(k) == v for k, v in match.items()):
            return header, payload
    raise AssertionError(f"no {kind} message")


def _setup(ws: Any, setup: dict[str, Any], **extra: Any) -> dict[str, Any]:
    ws.send_text(json.dumps({"type": "setup", "setup": setup, **extra}))
    meta, _ = _until(ws, "setup")
    _, payload = _until(ws, "frame", run=meta["run"], epoch=0)
    assert payload is not None
    return meta


@pytest.fixture
def client() -> Any:
    with TestClient(create_app(Options(max_fps=None))) as c:
        yield c


def test_the_page_and_its_files_are_served(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and "nndl playground" in page.text
    for name in ("playground.js", "draw.js", "playground.css"):
        assert client.get(f"/static/{name}").status_code == 200
    assert client.get("/static/../app.py").status_code == 404


def test_a_tab_sets_up_steps_and_gets_frames_of_the_real_network(client: TestClient) -> None:
    with client.websocket_connect("/ws") as ws:
        meta = _setup(ws, {**ADAM, "test": 0.5})
        assert meta["layer_dims"] == [2, 8, 8, 1]
        assert meta["m_train"] == 150 == len(meta["train"]) and len(meta["test"]) == 150
        ws.send_text(json.dumps({"type": "step"}))
        frame, payload = _until(ws, "frame", epoch=1)
        assert payload is not None
        size = frame["size"]
        assert len(payload) == size * size * (1 + 8 + 8)  # boundary + one map per hidden unit
        assert [len(s) for s in frame["unit_scales"]] == [8, 8]
        assert np.asarray(frame["weights"][0]["W"]).shape == (8, 2)
        assert len(frame["grad_norms"]) == 3 and all(g > 0 for g in frame["grad_norms"])
        assert frame["curve"][0][0] == 1 and frame["cost"] == frame["curve"][0][1]

        ws.send_text(json.dumps({"type": "download"}))
        model, data = _until(ws, "model")
        assert model["epoch"] == 1 and data is not None
        ws.send_text(json.dumps({"type": "code"}))
        code, _ = _until(ws, "code")
        assert code["epochs"] == 1 and "--epochs 1" in code["command"]
        assert "net.fit(" in code["python"]


def test_the_downloaded_model_is_the_network_shown(client: TestClient, tmp_path: Path) -> None:
    with client.websocket_connect("/ws") as ws:
        _setup(ws, FLOWER)
        for _ in range(3):
            ws.send_text(json.dumps({"type": "step"}))
        frame, _ = _until(ws, "frame", epoch=3)
        ws.send_text(json.dumps({"type": "download"}))
        _, data = _until(ws, "model", epoch=3)
        ws.send_text(json.dumps({"type": "code"}))
        code, _ = _until(ws, "code")
    assert data is not None
    (tmp_path / "page.npz").write_bytes(data)
    page = nndl.load(tmp_path / "page.npz")
    W1 = np.asarray(frame["weights"][0]["W"], dtype=np.float32)
    np.testing.assert_array_equal(np.asarray(page.params["W1"]), W1)
    _assert_same(page, _nndl_train(code["command"], tmp_path))
    assert page.info["playground"]["data"] == "flower"


HOSTILE: list[Any] = [
    b"\x00\x01binary",
    "not json",
    "[1, 2]",
    "null",
    '{"type": "nope"}',
    '{"type": 5}',
    '{"type": "play", "extra": 1}',
    '{"type": "setup", "setup": {"hidden": [9]}}',
    '{"type": "setup", "setup": {"lr": 1e999}}',
    '{"type": "setup", "setup": {"points": ' + "9" * 5000 + "}}",
    '{"type": "setup", "setup": "flower"}',
    '{"type": "setup", "setup": {}, "csv": {"name": "../../x.csv", "text": "a,b,c"}}',
    '{"type": "setup", "setup": {}, "csv": {"name": "x.csv"}}',
    '{"type": "setup", "setup": {"data": "csv"}}',
    json.dumps({"type": "setup", "setup": {}, "csv": {"name": "x.csv", "text": "a" * 400_000}}),
    "[" * 100_000 + "]" * 100_000,
    '{"type": "speed", "epochs_per_frame": 0}',
    '{"type": "speed", "epochs_per_frame": 1e9}',
    '{"type": "ack", "run": "x"}',
]


def test_hostile_messages_get_an_error_reply_and_the_tab_keeps_working(
    client: TestClient,
) -> None:
    with client.websocket_connect("/ws") as ws:
        ws.send_text('{"type": "play"}')  # before any setup
        assert _receive(ws)[0]["type"] == "error"
        _setup(ws, FLOWER)
        for bad in HOSTILE:
            if isinstance(bad, bytes):
                ws.send_bytes(bad)
            else:
                ws.send_text(bad)
            reply, _ = _until(ws, "error")
            assert reply["message"] and len(reply["message"]) < 600, bad[:50]
        ws.send_text(json.dumps({"type": "step"}))
        frame, _ = _until(ws, "frame", epoch=1)
        assert frame["cost"] is not None


def _playground_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("nndl-playground-")]


def test_tabs_train_apart_and_closing_a_tab_stops_its_training(client: TestClient) -> None:
    busy = {
        "data": "moons",
        "points": 2000,
        "test": 0.0,
        "hidden": [8] * 6,
        "activations": ["tanh"] * 6,
        "batch": 1,
    }
    with client.websocket_connect("/ws") as a:
        _setup(a, busy)
        a.send_text(json.dumps({"type": "speed", "epochs_per_frame": 1000}))
        a.send_text(json.dumps({"type": "play"}))  # tab A trains 12 000 steps per frame
        _wait(lambda: len(_playground_threads()) == 1, "tab A's training thread")
        with client.websocket_connect("/ws") as b:  # tab B is served meanwhile
            meta = _setup(b, FLOWER)
            for k in range(1, 4):
                b.send_text(json.dumps({"type": "step"}))
                frame, _ = _until(b, "frame", epoch=k)
                assert frame["run"] == meta["run"]
            b.send_text('{"type": "setup", "setup": {"hidden": [100]}}')
            assert _until(b, "error")[0]["type"] == "error"
        _wait(lambda: len(_playground_threads()) == 1, "tab B's training to stop")
        (a_thread,) = _playground_threads()
        assert a_thread.is_alive()  # A still trains after B came and went
    _wait(lambda: not a_thread.is_alive(), "tab A's training to stop once it closed")


def test_reset_and_new_setups_start_new_runs(client: TestClient) -> None:
    with client.websocket_connect("/ws") as ws:
        first = _setup(ws, FLOWER)
        ws.send_text(json.dumps({"type": "step"}))
        before, _ = _until(ws, "frame", epoch=1)
        ws.send_text(json.dumps({"type": "reset"}))
        again, _ = _until(ws, "setup")
        _until(ws, "frame", run=again["run"], epoch=0)
        assert again["run"] == first["run"] + 1 and again["setup"] == first["setup"]
        ws.send_text(json.dumps({"type": "step"}))
        after, _ = _until(ws, "frame", run=again["run"], epoch=1)
        assert after["weights"] == before["weights"]  # the same seed, the same run


def test_too_many_tabs_are_turned_away() -> None:
    with (
        TestClient(create_app(Options(max_fps=None, max_tabs=1))) as small,
        small.websocket_connect("/ws") as first,
    ):
        _setup(first, FLOWER)
        with small.websocket_connect("/ws") as second:
            reply, _ = _receive(second)
            assert reply["type"] == "error" and "at most 1 tabs" in reply["message"]


def test_the_command_line_offers_the_playground(capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli.main(["playground", "--help"])
    assert exit_.value.code == 0
    assert "--port" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        cli.main(["playground", "--port", "70000"])
    assert "0-65535" in capsys.readouterr().err


def test_a_diverging_run_says_so_and_keeps_its_last_finite_parameters(
    client: TestClient, tmp_path: Path
) -> None:
    wild = {"hidden": [8, 8], "activations": ["linear", "linear"], "lr": 10.0, "init": "he"}
    with client.websocket_connect("/ws") as ws:
        _setup(ws, wild)
        ws.send_text(json.dumps({"type": "play"}))
        stopped, _ = _until(ws, "stopped")
        assert stopped["state"] == "diverged"
        assert "learning_rate=10.0" in stopped["message"] and "smaller" in stopped["message"]
        ws.send_text(json.dumps({"type": "play"}))  # nothing left to train: no error either
        ws.send_text(json.dumps({"type": "download"}))
        model, data = _until(ws, "model")
    assert data is not None and model["epoch"] >= 1
    (tmp_path / "last.npz").write_bytes(data)  # nndl refuses to save non-finite weights
    net = nndl.load(tmp_path / "last.npz")
    assert all(np.all(np.isfinite(np.asarray(v))) for v in net.params.values())


def test_the_stall_hint_names_vanishing_gradients_dead_relus_and_divergence() -> None:
    import numpy as np

    import nndl
    from nndl.playground.frames import stall_hint

    X, labels = nndl.datasets.load("spiral")
    Y = (labels == 1).astype(float)

    def hint(net: nndl.Network, cost: float | None = None) -> str | None:
        J, grads = net.gradients(X, Y)
        norms = [float(np.linalg.norm(grads[f"dW{l}"])) for l in range(1, net.L + 1)]
        return stall_hint(net, X, norms, J if cost is None else cost)

    small = nndl.Network([2, 8, 8, 8, 1], activations="relu", init="random", seed=1)
    text = hint(small)
    assert text is not None and "Layer 1's gradients are ~" in text and "vanish" in text
    assert "He initialization helps" in text
    assert hint(nndl.Network([2, 8, 8, 8, 1], activations="relu", init="he", seed=1)) is None
    dead = nndl.Network([2, 8, 8, 1], activations="relu", init="he", seed=1)
    dead.params["b2"] = dead.params["b2"] - 100.0  # Z[2] < 0 for every example
    text = hint(dead)
    assert text is not None and "Layer 2's ReLUs are dead" in text
    assert "lower the learning rate" in str(hint(small, cost=float("inf")))
    assert hint(small, cost=0.05) is None  # a network that has learnt is left alone
