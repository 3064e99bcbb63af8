"""The compiled convolution loops (``nndl.arrays.conv_kernels``): the numbers of the NumPy
passes they replace, the course's loops, finite differences and PyTorch; and when they
are left out."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nndl
from nndl.arrays import conv_kernels
from nndl.course import convolution as course
from nndl.gradcheck import numerical_gradient, relative_error
from nndl.layers import (
    AvgPool2D,
    Conv1D,
    Conv2D,
    Dense,
    Flatten,
    MaxPool1D,
    MaxPool2D,
    Sequential,
)
from nndl.model import conv

pytest.importorskip("numba")


@pytest.fixture(autouse=True)
def _always(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The loops for arrays of any size (unless a test sets NNDL_FUSED=0)."""
    monkeypatch.setattr(conv_kernels, "MIN_ELEMENTS", 0)
    monkeypatch.delenv("NNDL_FUSED", raising=False)
    if conv_kernels.kernels() is None:
        pytest.skip("Numba cannot compile the loops here")
    yield


def _both(monkeypatch: pytest.MonkeyPatch, run):  # type: ignore[no-untyped-def]
    """``run()`` with the compiled loops, then with NumPy passes."""
    compiled = run()
    monkeypatch.setenv("NNDL_FUSED", "0")
    numpy = run()
    monkeypatch.delenv("NNDL_FUSED")
    return compiled, numpy


def _relu_pictures(seed: int, shape: tuple[int, ...], dtype: str) -> np.ndarray:
    A = np.maximum(np.random.default_rng(seed).standard_normal(shape), 0.0).astype(dtype)
    A[0, :2, :2, 0] = 0.0  # a window of zeros: every element is its maximum
    return A


@settings(max_examples=30, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    m=st.integers(1, 3),
    n_H=st.integers(1, 9),
    n_W=st.integers(1, 9),
    C=st.integers(1, 5),
    f=st.integers(1, 3),
    dtype=st.sampled_from(["float32", "float64"]),
    positive=st.booleans(),
)
def test_max_pool_gives_numpys_numbers_bit_for_bit(
    seed: int, m: int, n_H: int, n_W: int, C: int, f: int, dtype: str, positive: bool
) -> None:
    if f > min(n_H, n_W):
        return
    A_prev = _relu_pictures(seed, (m, n_H, n_W, C), dtype)
    dA_shape = (m, n_H // f, n_W // f, C)
    dA = np.random.default_rng(seed + 1).standard_normal(dA_shape).astype(dtype)
    with pytest.MonkeyPatch.context() as mp:

        def run() -> tuple[np.ndarray, np.ndarray]:
            A, cache = conv.pool_forward(A_prev, f, f, "max")
            return A, conv.pool_backward(dA, cache, positive)

        (A, dA_prev), (A_np, dA_prev_np) = _both(mp, run)
    assert A.dtype == A_np.dtype == dA_prev.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(A, A_np)
    np.testing.assert_array_equal(dA_prev, dA_prev_np)
    A_loops, cache_loops = course.pool_forward(A_prev, {"f": f, "stride": f}, "max")
    np.testing.assert_array_equal(A, A_loops)
    expected = course.pool_backward(dA, cache_loops, "max")
    if positive:  # ReLU's g'(Z) = (A_prev > 0) after the pool's
        expected = expected * (A_prev > 0)
    np.testing.assert_allclose(dA_prev, expected, rtol=0, atol=0)


def test_a_non_contiguous_gradient_and_a_nan_take_numpys_way() -> None:
    A_prev = np.random.default_rng(0).standard_normal((2, 6, 6, 3))
    A_prev[1, 0, 0, 2] = np.nan
    A, cache = conv.pool_forward(A_prev, 2)
    assert np.isnan(A[1, 0, 0, 2]) and np.isnan(A).sum() == 1
    dA = np.asfortranarray(np.ones(A.shape))  # the layout of a transposed product
    dA_prev = conv.pool_backward(dA, cache)
    assert dA_prev[1, 0, 0, 2] == 0.0 and dA_prev[1, :2, :2, 2].sum() == 0.0
    assert dA_prev.sum() == A.size - 1


@pytest.mark.parametrize(
    ("n_C_prev", "f", "stride", "pad"),
    [(1, 3, 1, 0), (3, 3, 2, 1), (4, 2, 1, "same"), (2, 3, 3, "same"), (16, 3, 1, 0)],
)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_convolution_gives_numpys_numbers(
    monkeypatch: pytest.MonkeyPatch, n_C_prev: int, f: int, stride: int, pad: int | str, dtype: str
) -> None:
    rng = np.random.default_rng(n_C_prev)
    A_prev = rng.standard_normal((3, 9, 8, n_C_prev)).astype(dtype)
    W = rng.standard_normal((f, f, n_C_prev, 5)).astype(dtype)
    b = rng.standard_normal((1, 1, 1, 5)).astype(dtype)

    def run():  # type: ignore[no-untyped-def]
        A, cache = conv.conv_forward(A_prev, W, b, stride, pad, relu=True)
        return (A, *conv.conv_backward(np.ascontiguousarray(A - 0.5), cache))

    compiled, numpy = _both(monkeypatch, run)
    np.testing.assert_array_equal(compiled[0], numpy[0])  # bias and ReLU: the same bits
    np.testing.assert_array_equal(compiled[2], numpy[2])  # dW and db: the same products
    np.testing.assert_array_equal(compiled[3], numpy[3])
    # dA_prev: dcols from one product instead of one per window offset (rounding only)
    tolerance = 1e-5 if dtype == "float32" else 1e-13
    np.testing.assert_allclose(compiled[1], numpy[1], rtol=tolerance, atol=tolerance)
    pads = conv.padding(pad, f, stride, 9, 8)
    if dtype == "float64" and len({n for side in pads for n in side}) == 1:  # the course's pad
        Z_loops, cache_loops = course.conv_forward(
            A_prev, W, b, {"stride": stride, "pad": pads[0][0]}
        )
        np.testing.assert_allclose(compiled[0], np.maximum(Z_loops, 0), atol=1e-12)
        dZ = (compiled[0] - 0.5) * (Z_loops > 0)
        dA_loops, dW_loops, _ = course.conv_backward(dZ, cache_loops)
        _, cache = conv.conv_forward(A_prev, W, b, stride, pad)
        dA_prev, dW, _ = conv.conv_backward(dZ, cache)
        np.testing.assert_allclose(dA_prev, dA_loops, atol=1e-12)
        np.testing.assert_allclose(dW, dW_loops, atol=1e-12)


@pytest.mark.parametrize(("stride", "pad"), [(1, 0), (2, 1), (1, "same"), (3, "valid")])
def test_the_compiled_backward_pass_matches_finite_differences(stride: int, pad: int | str) -> None:
    rng = np.random.default_rng(3)
    A_prev, W = rng.standard_normal((2, 7, 6, 2)), rng.standard_normal((3, 3, 2, 3))
    b = rng.standard_normal((1, 1, 1, 3))
    G = np.random.default_rng(4).standard_normal(
        conv.conv_forward(A_prev, W, b, stride, pad)[0].shape
    )

    def J() -> float:
        A, _ = conv.conv_forward(A_prev, W, b, stride, pad, relu=True)
        pooled, _ = conv.pool_forward(A, 1)
        return float(np.sum(G * pooled))

    A, cache = conv.conv_forward(A_prev, W, b, stride, pad, relu=True)
    _, pool_cache = conv.pool_forward(A, 1)
    dZ = conv.pool_backward(G, pool_cache, positive=True)  # ReLU's g'(Z) inside
    dA_prev, dW, db = conv.conv_backward(dZ, cache)
    for analytic, x in ((dA_prev, A_prev), (dW, W), (db, b)):
        assert relative_error(analytic, numerical_gradient(J, x, 1e-6)) < 1e-8


def test_pytorch_gives_the_same_relu_convolution_and_max_pool() -> None:
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(7)
    A_prev, W = rng.standard_normal((3, 10, 9, 4)), rng.standard_normal((3, 3, 4, 5))
    b = rng.standard_normal((1, 1, 1, 5))
    A, cache = conv.conv_forward(A_prev, W, b, 1, 1, relu=True)
    P, pool_cache = conv.pool_forward(A, 2)
    x = torch.tensor(A_prev.transpose(0, 3, 1, 2), requires_grad=True)
    w = torch.tensor(W.transpose(3, 2, 0, 1), requires_grad=True)
    bias = torch.tensor(b.reshape(-1), requires_grad=True)
    out = F.max_pool2d(F.relu(F.conv2d(x, w, bias, padding=1)), 2)
    np.testing.assert_allclose(P, out.detach().numpy().transpose(0, 2, 3, 1), atol=1e-10)
    dP = rng.standard_normal(P.shape)
    out.backward(torch.tensor(dP.transpose(0, 3, 1, 2)))
    dA_prev, dW, db = conv.conv_backward(conv.pool_backward(dP, pool_cache, True), cache)
    np.testing.assert_allclose(dA_prev, x.grad.numpy().transpose(0, 2, 3, 1), atol=1e-10)
    np.testing.assert_allclose(dW, w.grad.numpy().transpose(2, 3, 1, 0), atol=1e-10)
    np.testing.assert_allclose(db.reshape(-1), bias.grad.numpy(), atol=1e-10)


def _cnn(rank: int = 2) -> Sequential:
    if rank == 1:
        layers = [Conv1D(3, 3, activation="relu"), MaxPool1D(2), Conv1D(4, 2, activation="relu")]
        return Sequential(
            [*layers, MaxPool1D(2), Flatten(), Dense(3, activation="softmax")],
            input_shape=(13, 2), seed=0, dtype="float64",
        )  # fmt: skip
    return Sequential(
        [
            Conv2D(3, 3, activation="relu"),
            MaxPool2D(2),
            Conv2D(4, 3, pad="same", activation="relu"),
            MaxPool2D(2, stride=1),  # windows that overlap: NumPy's way
            Flatten(),
            Dense(3, activation="softmax"),
        ],
        input_shape=(10, 11, 2),
        seed=0,
        dtype="float64",
    )


@pytest.mark.parametrize("rank", [1, 2])
@pytest.mark.parametrize("fused", ["1", "0"])
def test_a_cnn_with_relu_folded_into_its_pools_matches_finite_differences(
    monkeypatch: pytest.MonkeyPatch, rank: int, fused: str
) -> None:
    monkeypatch.setenv("NNDL_FUSED", fused)
    model = _cnn(rank)
    assert [getattr(layer, "relu_by_next", None) for layer in model.layers[:3]] == [
        True, None, True,
    ]  # fmt: skip
    assert [getattr(layer, "after_relu", None) for layer in model.layers[1:4]] == [
        True, None, True,
    ]  # fmt: skip
    rng = np.random.default_rng(1)
    X = rng.standard_normal((4, *model.input_shape))
    Y = np.eye(3)[:, rng.integers(0, 3, 4)]
    check = nndl.gradient_check(model, X, Y, epsilon=1e-6)
    for key, error in check.per_parameter.items():
        assert error < 1e-6, key


def test_only_a_relu_convolution_before_a_max_pool_is_folded() -> None:
    model = Sequential(
        [
            Conv2D(3, 3, activation="tanh"),
            MaxPool2D(2),
            Conv2D(2, 2, activation="relu"),
            AvgPool2D(2),
            Flatten(),
            Dense(1, activation="sigmoid"),
        ],
        input_shape=(10, 10, 1),
    )
    assert not any(getattr(layer, "relu_by_next", False) for layer in model.layers)
    assert not any(getattr(layer, "after_relu", False) for layer in model.layers)


def test_training_with_the_loops_gives_numpys_parameters(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = np.random.default_rng(2)
    X = rng.random((40, 10, 11, 2))
    Y = np.eye(3)[:, rng.integers(0, 3, 40)]

    def run() -> dict[str, np.ndarray]:
        model = _cnn()
        model.fit(X, Y, learning_rate=1e-2, epochs=2, optimizer="adam", batch_size=16, seed=0)
        return model.params

    compiled, numpy = _both(monkeypatch, run)
    for key in numpy:
        np.testing.assert_allclose(compiled[key], numpy[key], rtol=1e-10, atol=1e-12)


def test_small_odd_or_other_arrays_keep_the_numpy_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    A = np.zeros((2, 4, 4, 3))
    assert conv_kernels.for_arrays(A) is not None
    assert conv_kernels.for_arrays(A.astype(np.float16)) is None
    assert conv_kernels.for_arrays(A.astype(np.int64)) is None
    assert conv_kernels.for_arrays(A, A.astype(np.float32)) is None  # one dtype
    assert conv_kernels.for_arrays(A[:, ::2]) is None  # not contiguous
    assert conv_kernels.for_arrays(A.tolist()) is None
    monkeypatch.setattr(conv_kernels, "MIN_ELEMENTS", A.size + 1)
    assert conv_kernels.for_arrays(A) is None
    monkeypatch.setattr(conv_kernels, "MIN_ELEMENTS", 0)
    monkeypatch.setenv("NNDL_FUSED", "0")
    assert conv_kernels.for_arrays(A) is None and conv_kernels.ready("float64") is None
