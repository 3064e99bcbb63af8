"""Gradient clipping in fit: by value and by global norm, the same step in every engine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nndl.errors import DivergenceError, InvalidParameterError, NNDLValueError
from nndl.layers import Dense, Sequential, SimpleRNN
from nndl.model.network import Network
from nndl.training import FitOptions
from nndl.training.clipping import clip_gradients, global_norm

ENGINES: list[dict[str, Any]] = [
    {"engine": "generic"},  # the array API, one batch of all m
    {"engine": "numpy", "batch_size": 30},  # the NumPy engine, one batch of all m
    {},  # the full-batch engine (auto, batch_size=None)
]


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(3)
    X = 3.0 * rng.normal(size=(3, 30))
    Y = (rng.random((1, 30)) < 0.5).astype(float)
    return X, Y


def _net() -> Network:
    return Network([3, 4, 1], activations="tanh", seed=1, dtype="float64")


def _expected(clip: dict[str, float], alpha: float) -> dict[str, np.ndarray]:
    """One gradient-descent step in closed form: θ − α·clip(dθ)."""
    net = _net()
    _, grads = net.gradients(*_data())
    g = {k: np.asarray(grads["d" + k]) for k in net.params}
    if "clip_value" in clip:
        c = clip["clip_value"]
        step = {k: np.minimum(np.maximum(v, -c), c) for k, v in g.items()}
    else:
        norm = np.sqrt(sum(float((v**2).sum()) for v in g.values()))
        assert norm > clip["clip_norm"]  # the case clips
        step = {k: v * (clip["clip_norm"] / norm) for k, v in g.items()}
    return {k: np.asarray(net.params[k]) - alpha * step[k] for k in net.params}


@pytest.mark.parametrize("clip", [{"clip_value": 0.002}, {"clip_norm": 0.01}], ids=str)
@pytest.mark.parametrize("engine", ENGINES, ids=str)
def test_one_step_is_the_closed_form_in_every_engine(
    clip: dict[str, float], engine: dict[str, Any]
) -> None:
    want = _expected(clip, 0.5)
    net = _net()
    net.fit(*_data(), 0.5, 1, **engine, **clip)
    for k, v in want.items():
        np.testing.assert_allclose(np.asarray(net.params[k]), v, rtol=1e-13, atol=1e-15)


@pytest.mark.parametrize("clip", [{"clip_value": 0.002}, {"clip_norm": 0.01}], ids=str)
def test_the_engines_agree_over_many_steps(clip: dict[str, float]) -> None:
    nets = []
    for engine in ENGINES:
        net = _net()
        net.fit(*_data(), 0.5, 25, shuffle=False, **engine, **clip)
        nets.append(net)
    generic, numpy_engine, full = nets
    for k in generic.params:  # the full-batch engine does the generic engine's arithmetic
        assert np.asarray(full.params[k]).tobytes() == np.asarray(generic.params[k]).tobytes()
        np.testing.assert_allclose(numpy_engine.params[k], generic.params[k], rtol=1e-12)


def test_a_clip_that_does_not_bind_changes_nothing() -> None:
    plain, clipped = _net(), _net()
    plain.fit(*_data(), 0.5, 5)
    clipped.fit(*_data(), 0.5, 5, clip_norm=1e6)
    for k in plain.params:
        assert np.asarray(plain.params[k]).tobytes() == np.asarray(clipped.params[k]).tobytes()


def test_the_helper_in_place_over_a_flat_buffer_and_functionally() -> None:
    flat = np.array([3.0, -4.0, 0.0, 12.0])
    views = {"W": flat[:2].reshape(1, 2), "b": flat[2:].reshape(2, 1)}
    assert global_norm(views) == pytest.approx(13.0)
    out = clip_gradients(views, clip_norm=6.5)
    np.testing.assert_allclose(out["W"], [[3.0 * 0.5, -4.0 * 0.5]])  # ‖g‖ = 13, c/‖g‖ = 1/2
    assert flat[0] == 3.0  # functional: the buffer untouched
    clip_gradients(views, clip_value=1.0, out=flat)
    np.testing.assert_array_equal(flat, [1.0, -1.0, 0.0, 1.0])
    assert views["b"][1, 0] == 1.0  # the views see the clipped buffer


def _exploding_rnn() -> tuple[Sequential, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(40, 12, 2))
    Y = 5.0 * X[:, :, 0].sum(axis=1, keepdims=True).T  # (1, m): the sum over the sequence
    model = Sequential(
        [SimpleRNN(8), Dense(1, activation="linear")], input_shape=(12, 2), seed=0, dtype="float64"
    )
    return model, X, Y


def test_an_exploding_rnn_trains_with_clip_norm_and_diverges_without() -> None:
    model, X, Y = _exploding_rnn()
    with pytest.raises(DivergenceError, match=r"the cost became inf .*learning_rate=2.0"):
        model.fit(X, Y, 2.0, 300)  # the steps overshoot, and the gradients grow every epoch
    assert all(np.all(np.isfinite(p)) for p in model.params.values())  # the last finite step
    model, X, Y = _exploding_rnn()
    history = model.fit(X, Y, 2.0, 300, clip_norm=1.0)  # each step at most α·c long
    # steps of α = 2 make the cost oscillate, so one epoch's cost depends on rounding: the mean
    # of the last 50 (0.27–0.35 of the first for seeds 0–2)
    assert all(np.isfinite(history)) and np.mean(history[-50:]) < 0.4 * history[0]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"clip_value": 0}, "clip_value must be a finite number > 0 .* Received: clip_value=0"),
        ({"clip_norm": -1.0}, r"clip_norm must be a finite number > 0 .* Received: clip_norm=-1"),
        ({"clip_norm": "big"}, "Received: clip_norm='big'"),
        ({"clip_value": float("nan")}, "Received: clip_value=nan"),
        ({"clip_value": 1.0, "clip_norm": 1.0}, "not both"),
    ],
    ids=str,
)
def test_bad_values_are_refused(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(InvalidParameterError, match=message):
        FitOptions(**kwargs)
    with pytest.raises(InvalidParameterError, match=message):
        _net().fit(*_data(), 0.1, 1, **kwargs)


def test_lbfgs_refuses_clipping() -> None:
    with pytest.raises(NNDLValueError, match="L-BFGS takes no gradient clipping"):
        _net().fit(*_data(), 0.1, 3, optimizer="lbfgs", clip_norm=1.0)


def test_the_checkpoint_records_the_clip_and_resume_compares_it(tmp_path: Path) -> None:
    path = tmp_path / "ckpt"
    X, Y = _data()
    _net().fit(X, Y, 0.5, 4, clip_norm=0.1, checkpoint=path, seed=0)
    with pytest.raises(NNDLValueError, match=r"clip_norm=0.1 in the checkpoint, clip_norm=None"):
        _net().fit(X, Y, 0.5, 8, resume_from=path, seed=0)
    resumed, straight = _net(), _net()
    resumed.fit(X, Y, 0.5, 8, clip_norm=0.1, resume_from=path, seed=0)
    straight.fit(X, Y, 0.5, 8, clip_norm=0.1, seed=0)
    for k in straight.params:
        assert np.asarray(resumed.params[k]).tobytes() == np.asarray(straight.params[k]).tobytes()
