"""Hostile-input fuzzing: every reader of files from others (CSV, ``.npz``, HDF5, pictures,
TOML configs, model files) and the playground's message parser, given valid files with
bytes flipped, cut short or replaced, answers with a result or with nndl's own error, never
another exception or a NumPy warning."""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import nndl
from nndl.datasets import load_csv, load_data, load_features
from nndl.errors import NNDLError

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same cases on every run
)

Mutation = tuple[str, int, int]
mutations = st.lists(
    st.tuples(
        st.sampled_from(["flip", "cut", "insert", "zero"]),
        st.integers(0, 2**31),
        st.integers(0, 255),
    ),
    min_size=1,
    max_size=6,
)


def _mutate(data: bytes, changes: list[Mutation]) -> bytes:
    out = bytearray(data)
    for kind, where, value in changes:
        i = where % max(len(out), 1)
        if kind == "flip" and out:
            out[i] ^= value or 1
        elif kind == "cut":
            del out[i:]
        elif kind == "insert":
            out[i:i] = bytes([value]) * (1 + value % 16)
        elif out:
            out[i : i + 1 + value % 64] = bytes(len(out[i : i + 1 + value % 64]))
    return bytes(out)


def _answers_cleanly(read: Callable[[], Any]) -> None:
    """``read()`` returns, or raises nndl's own error; no other exception, no NumPy warning."""
    with warnings.catch_warnings(), contextlib.suppress(NNDLError):
        warnings.simplefilter("error", RuntimeWarning)
        read()


def _seed_files(folder: Path) -> dict[str, bytes]:
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(12, 2)), np.arange(12) % 2
    rows = ["a,b,label"] + [f"{a:.3f},{b:.3f},{c}" for (a, b), c in zip(X, y, strict=True)]
    seeds = {"csv": ("\n".join(rows) + "\n").encode()}
    buffer = io.BytesIO()
    np.savez_compressed(buffer, X=X, Y=y)
    seeds["npz"] = buffer.getvalue()
    nndl.Network([2, 3, 1], seed=0).save(folder / "seed-model.npz")
    seeds["model"] = (folder / "seed-model.npz").read_bytes()
    seeds["toml"] = b'data = "moons"\nepochs = 3\nhidden = [4, 2]\nlearning-rate = 0.1\n'
    try:
        import h5py

        with h5py.File(folder / "seed.h5", "w") as f:
            f["train_set_x"] = rng.integers(0, 255, size=(6, 2, 2, 3), dtype=np.uint8)
            f["train_set_y"] = np.arange(6) % 2
            f["list_classes"] = np.array([b"non-cat", b"cat"])
        seeds["h5"] = (folder / "seed.h5").read_bytes()
    except ImportError:
        pass
    try:
        from PIL import Image

        picture = Image.fromarray(rng.integers(0, 255, size=(6, 5, 3), dtype=np.uint8))
        buffer = io.BytesIO()
        picture.save(buffer, format="PNG")
        seeds["png"] = buffer.getvalue()
    except ImportError:
        pass
    return seeds


@pytest.fixture(scope="module")
def seeds(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    return _seed_files(tmp_path_factory.mktemp("seeds"))


def _toml(path: Path) -> None:
    from nndl.cli import build_parser
    from nndl.cli._config import apply_config

    parser: argparse.ArgumentParser = build_parser()
    apply_config(parser, ["train", "--config", str(path)])


READERS: dict[str, tuple[str, Callable[[Path], Any]]] = {
    "csv": ("d.csv", lambda p: load_csv(p, "label")),
    "npz": ("d.npz", load_data),
    "h5": ("d.h5", load_data),
    "model": ("m.npz", nndl.load),
    "png": ("p.png", lambda p: load_features(p, image_shape=(4, 4, 3))),
    "toml": ("c.toml", _toml),
}


@pytest.mark.parametrize("kind", sorted(READERS))
@FUZZ
@given(changes=mutations)
def test_mutated_files_get_clear_errors(
    kind: str, changes: list[Mutation], seeds: dict[str, bytes], tmp_path: Path
) -> None:
    if kind not in seeds:
        pytest.skip(f"the {kind} extra is not installed")
    name, read = READERS[kind]
    path = tmp_path / name
    path.write_bytes(_mutate(seeds[kind], changes))
    _answers_cleanly(lambda: read(path))


@pytest.mark.parametrize("kind", sorted(READERS))
@FUZZ
@given(data=st.binary(max_size=2048))
def test_arbitrary_bytes_get_clear_errors(kind: str, data: bytes, tmp_path: Path) -> None:
    name, read = READERS[kind]
    path = tmp_path / name
    path.write_bytes(data)
    if kind in ("h5", "png"):
        pytest.importorskip("h5py" if kind == "h5" else "PIL")
    _answers_cleanly(lambda: read(path))


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner),
    max_leaves=12,
)
message_types = st.sampled_from(
    ["setup", "play", "pause", "step", "reset", "speed", "ack", "code", "download", "x"]
)


@FUZZ
@given(
    kind=message_types,
    fields=st.dictionaries(
        st.sampled_from(["setup", "csv", "run", "epochs_per_frame", "other"]), json_values
    ),
)
def test_playground_messages_get_clear_errors(kind: str, fields: dict[str, Any]) -> None:
    pytest.importorskip("starlette")
    from nndl.playground.app import parse_message
    from nndl.playground.spec import check_csv, parse_setup

    text = json.dumps({"type": kind, **fields})

    def read() -> None:
        message = parse_message(text)
        if kind == "setup":
            parse_setup(message.get("setup", {}))
            given_csv = message.get("csv")
            if isinstance(given_csv, dict) and set(given_csv) == {"name", "text"}:
                check_csv(given_csv["name"], given_csv["text"])

    _answers_cleanly(read)


@FUZZ
@given(data=st.binary(max_size=512) | st.text(max_size=512))
def test_playground_raw_messages_get_clear_errors(data: bytes | str) -> None:
    pytest.importorskip("starlette")
    from nndl.playground.app import parse_message

    _answers_cleanly(lambda: parse_message(data))


def test_a_damaged_deflate_stream_gets_a_clear_error(tmp_path: Path) -> None:
    """Found by the fuzzing above: bytes changed inside a compressed member broke out as
    ``zlib.error`` (not an OSError)."""
    import zipfile

    buffer = io.BytesIO()
    np.savez_compressed(
        buffer, X=np.random.default_rng(0).normal(size=(12, 2)), Y=np.arange(12) % 2
    )
    data = buffer.getvalue()
    info = zipfile.ZipFile(io.BytesIO(data)).infolist()[0]
    start = info.header_offset + 30 + len(info.filename) + len(info.extra) + 40
    path = tmp_path / "d.npz"
    for i in range(start, start + 60):
        damaged = bytearray(data)
        damaged[i] ^= 0x55
        path.write_bytes(bytes(damaged))
        _answers_cleanly(lambda: load_data(path))
