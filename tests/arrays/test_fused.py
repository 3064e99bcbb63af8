"""The compiled kernels (``nndl.arrays.fused``): the same bits as the NumPy passes they replace."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nndl.arrays import fused
from nndl.arrays.backend import to_numpy
from nndl.errors import DivergenceError
from nndl.model.network import Network
from nndl.training import optimizers as optim
from nndl.training.callbacks import LambdaCallback, ModelCheckpoint

pytest.importorskip("numba")


def _kernels() -> fused.Kernels:
    kernels = fused.kernels()
    if kernels is None:
        pytest.skip("NNDL_FUSED=0 is set")
    return kernels


@pytest.fixture
def k() -> fused.Kernels:
    return _kernels()


def _data(kind: str, m: int = 61) -> tuple[np.ndarray, np.ndarray, dict[str, Any]]:
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 3, size=(1, m))
    X = rng.normal(scale=3.0, size=(5, 3))[:, labels[0]] + rng.normal(size=(5, m))
    if kind == "softmax":
        return X, labels, {"activations": "relu"}
    if kind == "binary":
        return X, (labels > 0).astype(float), {"activations": "tanh"}
    return X, np.vstack([X[0] * 0.5, X[1] - X[2]]), {"activations": "relu", "loss": "mse"}


def _train(
    monkeypatch: pytest.MonkeyPatch, use_kernels: bool, dims: list[int], **fit: Any
) -> tuple[Network, list[float], list[float] | None]:
    """Train on the NumPy engine with or without the kernels; return the net and its history."""
    monkeypatch.setattr(fused, "MIN_PARAMETERS", 0)
    monkeypatch.setenv("NNDL_FUSED", "1" if use_kernels else "0")
    kind, dtype = fit.pop("kind"), fit.pop("dtype")
    X, Y, net_kwargs = _data(kind)
    net = Network(dims, init="he", seed=3, dtype=dtype, **net_kwargs)
    used: list[bool] = []
    spy = LambdaCallback(on_train_begin=lambda t: used.append(t.engine.kernels is not None))
    callbacks = [spy, *fit.pop("callbacks", [])]
    h = net.fit(X, Y, engine="numpy", callbacks=callbacks, **fit)
    assert used == [use_kernels]
    return net, list(h), h.history.get("accuracy")


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "rmsprop", "adam"])
@pytest.mark.parametrize(
    ("dims", "kind"), [([5, 7, 6, 3], "softmax"), ([5, 6, 1], "binary"), ([5, 4, 2], "regression")]
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("dropout", [False, True])
def test_fused_training_gives_the_bits_of_numpy_passes(
    monkeypatch: pytest.MonkeyPatch,
    optimizer: str,
    dims: list[int],
    kind: str,
    dtype: str,
    dropout: bool,
) -> None:
    rates = [0.3, 0.0][: len(dims) - 2] if dropout else 0.0  # one layer dropped, one not
    fit = dict(
        dropout=rates,
        learning_rate=0.01,
        epochs=4,
        optimizer=optimizer,
        batch_size=16,
        l2=0.05,
        seed=1,
        kind=kind,
        dtype=dtype,
    )
    net_f, h_f, acc_f = _train(monkeypatch, True, dims, **dict(fit))
    net_n, h_n, acc_n = _train(monkeypatch, False, dims, **dict(fit))
    for key in net_n.params:
        a, b = to_numpy(net_f.params[key]), to_numpy(net_n.params[key])
        assert a.dtype == np.dtype(dtype) and a.tobytes() == b.tobytes(), key
    assert h_f == h_n and acc_f == acc_n


def test_resume_across_fused_and_numpy_passes_is_bit_identical(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fit = dict(learning_rate=0.01, optimizer="adam", batch_size=8, seed=4, kind="softmax")
    full, h_full, _ = _train(monkeypatch, False, [5, 9, 3], epochs=6, dtype="float32", **fit)
    path = tmp_path / "run.npz"
    saver = ModelCheckpoint(path, every=3)
    _train(monkeypatch, True, [5, 9, 3], epochs=3, dtype="float32", callbacks=[saver], **fit)
    resumed, h, _ = _train(
        monkeypatch, False, [5, 9, 3], epochs=6, dtype="float32", resume_from=path, **fit
    )
    for key in full.params:
        assert to_numpy(resumed.params[key]).tobytes() == to_numpy(full.params[key]).tobytes()
    assert h == h_full


def test_fused_divergence_keeps_the_last_finite_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fused, "MIN_PARAMETERS", 0)
    monkeypatch.delenv("NNDL_FUSED", raising=False)
    rng = np.random.default_rng(0)
    X = rng.normal(scale=1e3, size=(3, 64))
    Y = X.sum(axis=0, keepdims=True) * 1e3
    net = Network([3, 8, 1], activations="relu", loss="mse", init="he", seed=0)
    with pytest.raises(DivergenceError, match=r"learning_rate=5.0"):
        net.fit(X, Y, learning_rate=5.0, epochs=50, batch_size=16, engine="numpy")
    assert all(np.all(np.isfinite(to_numpy(v))) for v in net.params.values())


def test_small_networks_keep_numpy_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NNDL_FUSED", raising=False)
    X, Y, _ = _data("softmax")
    used: list[bool] = []
    spy = LambdaCallback(on_train_begin=lambda t: used.append(t.engine.kernels is not None))
    Network([5, 4, 3]).fit(X, Y, learning_rate=0.1, epochs=1, batch_size=8, callbacks=[spy])
    assert used == [False]  # 39 parameters: not worth loading the kernels


def test_switches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NNDL_FUSED", "0")
    assert fused.kernels() is None and not fused.available()
    monkeypatch.setenv("NNDL_FUSED", "1")
    assert fused.available()
    # without Numba: NumPy passes, and training still works
    monkeypatch.setitem(sys.modules, "numba", None)
    monkeypatch.setattr(fused, "_TRIED", False)
    monkeypatch.setattr(fused, "_NUMBA", None)  # the import is tried again, and put back after
    monkeypatch.setattr(fused, "_KERNELS", None)
    assert fused.kernels() is None
    monkeypatch.setattr(fused, "MIN_PARAMETERS", 0)
    X, Y, _ = _data("softmax")
    h = Network([5, 4, 3]).fit(X, Y, learning_rate=0.1, epochs=2, batch_size=8, engine="numpy")
    assert len(h) == 2


def test_a_failed_compilation_falls_back_to_numpy_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NNDL_FUSED", raising=False)
    monkeypatch.setattr(fused, "MIN_PARAMETERS", 0)

    def broken(k: fused.Kernels, dtype: Any) -> None:
        raise TypeError("no such loop")

    monkeypatch.setattr(fused, "warm_up", broken)
    X, Y, _ = _data("softmax")
    used: list[bool] = []
    spy = LambdaCallback(on_train_begin=lambda t: used.append(t.engine.kernels is not None))
    net = Network([5, 4, 3], seed=0)
    with pytest.warns(RuntimeWarning, match=r"could not compile .*no such loop.*NNDL_FUSED=0"):
        h = net.fit(X, Y, learning_rate=0.1, epochs=2, batch_size=8, callbacks=[spy])
    assert used == [False] and len(h) == 2


# ------------------------------------------------------------ the kernels themselves

EDGE = [0.0, -0.0, 1.5, -2.0, np.inf, -np.inf, np.nan, 1e-45, -1e30]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_kernels_match_numpy_on_edge_values(k: fused.Kernels, dtype: Any) -> None:
    Z = np.array([EDGE, EDGE[::-1]], dtype=dtype)
    b = np.array([[0.0], [-1.0]], dtype=dtype)
    expected = np.maximum(Z + b, 0)
    k.bias_relu(Z, b)
    np.testing.assert_array_equal(Z, expected)  # nan stays nan
    A = np.array([EDGE, EDGE[::-1]], dtype=dtype)
    dA = np.array([EDGE[::-1], EDGE], dtype=dtype)
    with np.errstate(invalid="ignore"):
        expected = dA * (A > 0)
    k.relu_backward(dA, A)
    np.testing.assert_array_equal(dA, expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_all_finite(k: fused.Kernels, dtype: Any) -> None:
    assert k.all_finite(np.zeros(0, dtype=dtype))
    assert k.all_finite(np.array([0.0, -1e30, 1e-45], dtype=dtype))
    for bad in (np.inf, -np.inf, np.nan):
        x = np.ones(1001, dtype=dtype)
        x[777] = bad
        assert not k.all_finite(x)


def test_softmax_kernels_match_numpy(k: fused.Kernels) -> None:
    rng = np.random.default_rng(0)
    Z = rng.normal(size=(4, 9)).astype(np.float32)
    Z[:, 0] = 2.0  # a tie: the first maximum counts, as in np.argmax
    y = np.array([0, 1, 2, 3, 0, 1, 2, 3, 1], dtype=np.intp)
    ref = Z.copy()
    hits = int(np.count_nonzero(np.argmax(ref, axis=0) == y))
    ref -= ref.max(axis=0, keepdims=True)
    ref_z_y = ref[y, np.arange(9)]
    np.exp(ref, out=ref)
    s = ref.sum(axis=0, keepdims=True)
    ref /= s
    ref[y, np.arange(9)] -= 1.0
    ref *= np.float32(1 / 9)
    z_y, s_out = np.empty(9, np.float32), np.empty(9, np.float32)
    assert k.softmax_shift(Z, y, z_y) == hits
    np.testing.assert_array_equal(z_y, ref_z_y)
    np.exp(Z, out=Z)
    k.softmax_grad(Z, y, s_out, np.float32(1 / 9))
    np.testing.assert_array_equal(s_out, s[0])
    np.testing.assert_array_equal(Z, ref)


_OPTIMIZERS = [
    optim.GradientDescent(),
    optim.Momentum(0.8),
    optim.RMSprop(0.95, 1e-7),
    optim.Adam(0.85, 0.995, 1e-6),
    optim.Adam(0.8, 0.99, 1e-5, eps_hat=True),
    optim.HeavyBall(0.7, nesterov=True),
    optim.HeavyBall(0.9, nesterov=False),
]


@settings(max_examples=40, deadline=None)
@given(
    dtype=st.sampled_from([np.float32, np.float64]),
    n=st.integers(1, 300),
    which=st.integers(0, len(_OPTIMIZERS) - 1),
    t=st.integers(1, 60),
    lr=st.floats(1e-5, 1.0),
    seed=st.integers(0, 2**16),
)
def test_each_fused_step_equals_the_numpy_passes(
    dtype: Any, n: int, which: int, t: int, lr: float, seed: int
) -> None:
    kernels = _kernels()
    opt = _OPTIMIZERS[which]
    rng = np.random.default_rng(seed)
    theta = rng.normal(size=n).astype(dtype)
    g = rng.normal(scale=10.0, size=n).astype(dtype)
    slots = {s: np.abs(rng.normal(size=n)).astype(dtype) for s in opt.slot_names}
    theta2, g2, slots2 = theta.copy(), g.copy(), {s: a.copy() for s, a in slots.items()}
    assert kernels.loop(opt.program, dtype) is not None
    opt.apply_flat(theta, g, slots, t, lr, kernels)
    opt.apply_flat(theta2, g2, slots2, t, lr)
    assert theta.tobytes() == theta2.tobytes()
    for s in slots:
        assert slots[s].tobytes() == slots2[s].tobytes()


@given(
    hnp.arrays(
        st.sampled_from([np.float32, np.float64]),
        hnp.array_shapes(min_dims=2, max_dims=2, max_side=12),
        elements=st.floats(-1e6, 1e6, width=32),
    )
)
@settings(max_examples=30, deadline=None)
def test_bias_relu_property(Z: np.ndarray) -> None:
    kernels = _kernels()
    b = np.linspace(-1, 1, Z.shape[0], dtype=Z.dtype).reshape(-1, 1)
    expected = np.maximum(Z + b, 0)
    kernels.bias_relu(Z, b)
    assert Z.dtype == expected.dtype and Z.shape == expected.shape
    np.testing.assert_array_equal(Z, expected)
