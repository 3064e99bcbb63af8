"""Convolution and pooling: the vectorized layer against the course's loops, finite
differences, PyTorch, other array libraries, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nndl.course import convolution as course
from nndl.errors import NNDLValueError, ShapeError
from nndl.gradcheck import numerical_gradient, relative_error
from nndl.model import conv


def _case(seed: int, m: int, n_H: int, n_W: int, n_C_prev: int, f: int, n_C: int):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    A_prev = rng.standard_normal((m, n_H, n_W, n_C_prev))
    W = rng.standard_normal((f, f, n_C_prev, n_C))
    b = rng.standard_normal((1, 1, 1, n_C))
    return A_prev, W, b


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    m=st.integers(1, 3),
    n_H=st.integers(3, 7),
    n_W=st.integers(3, 7),
    n_C_prev=st.integers(1, 3),
    f=st.integers(1, 3),
    n_C=st.integers(1, 4),
    stride=st.integers(1, 3),
    pad=st.integers(0, 2),
)
def test_vectorized_conv_equals_the_courses_loops(
    seed: int, m: int, n_H: int, n_W: int, n_C_prev: int, f: int, n_C: int, stride: int, pad: int
) -> None:
    A_prev, W, b = _case(seed, m, n_H, n_W, n_C_prev, f, n_C)
    Z, cache = conv.conv_forward(A_prev, W, b, stride, pad)
    Z_loops, cache_loops = course.conv_forward(A_prev, W, b, {"stride": stride, "pad": pad})
    assert Z.shape == Z_loops.shape == (m, (n_H - f + 2 * pad) // stride + 1,
                                        (n_W - f + 2 * pad) // stride + 1, n_C)  # fmt: skip
    np.testing.assert_allclose(Z, Z_loops, rtol=1e-12, atol=1e-12)
    dZ = np.random.default_rng(seed + 1).standard_normal(Z.shape)
    for ours, theirs in zip(
        conv.conv_backward(dZ, cache), course.conv_backward(dZ, cache_loops), strict=True
    ):
        assert ours.shape == theirs.shape
        np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 2**16),
    n_H=st.integers(2, 7),
    f=st.integers(1, 3),
    stride=st.integers(1, 3),
    mode=st.sampled_from(["max", "average"]),
)
def test_vectorized_pooling_equals_the_courses_loops(
    seed: int, n_H: int, f: int, stride: int, mode: str
) -> None:
    if f > n_H:
        return
    rng = np.random.default_rng(seed)
    A_prev = rng.standard_normal((2, n_H, n_H + 1, 3))
    A, cache = conv.pool_forward(A_prev, f, stride, mode)
    A_loops, cache_loops = course.pool_forward(A_prev, {"f": f, "stride": stride}, mode)
    np.testing.assert_allclose(A, A_loops, rtol=1e-13, atol=1e-13)
    dA = rng.standard_normal(A.shape)
    np.testing.assert_allclose(
        conv.pool_backward(dA, cache), course.pool_backward(dA, cache_loops, mode), atol=1e-13
    )


@pytest.mark.parametrize(
    ("stride", "pad"), [(1, 0), (2, 1), (1, "same"), (2, "same"), (3, "valid")]
)
def test_conv_backward_matches_finite_differences(stride: int, pad: int | str) -> None:
    A_prev, W, b = _case(3, 2, 5, 6, 2, 3, 3)
    Z0, _ = conv.conv_forward(A_prev, W, b, stride, pad)
    G = np.random.default_rng(4).standard_normal(Z0.shape)  # J = Σ G ∗ Z, so dZ = G

    def J() -> float:
        return float(np.sum(G * conv.conv_forward(A_prev, W, b, stride, pad)[0]))

    _, cache = conv.conv_forward(A_prev, W, b, stride, pad)
    dA_prev, dW, db = conv.conv_backward(G, cache)
    for analytic, x in ((dA_prev, A_prev), (dW, W), (db, b)):
        assert relative_error(analytic, numerical_gradient(J, x, 1e-6)) < 1e-8


@pytest.mark.parametrize("mode", ["max", "average"])
def test_pool_backward_matches_finite_differences(mode: str) -> None:
    A_prev = np.random.default_rng(5).standard_normal((2, 6, 5, 2))
    A0, cache = conv.pool_forward(A_prev, 2, 2, mode)
    G = np.random.default_rng(6).standard_normal(A0.shape)

    def J() -> float:
        return float(np.sum(G * conv.pool_forward(A_prev, 2, 2, mode)[0]))

    numeric = numerical_gradient(J, A_prev, 1e-6)
    np.testing.assert_allclose(conv.pool_backward(G, cache), numeric, atol=1e-7)


def test_same_padding_keeps_the_size_and_follows_keras() -> None:
    A_prev, W, b = _case(0, 1, 7, 8, 1, 4, 2)
    assert conv.conv_forward(A_prev, W, b, 1, "same")[0].shape == (1, 7, 8, 2)
    assert conv.conv_forward(A_prev, W, b, 2, "same")[0].shape == (1, 4, 4, 2)
    # an even filter pads one more zero after than before (TensorFlow's and Keras's rule)
    assert conv.padding("same", 4, 1, 7, 8) == ((1, 2), (1, 2))
    assert conv.padding("valid", 4, 1, 7, 8) == ((0, 0), (0, 0))
    assert conv.output_size(5, 3, 2, 2) == 3  # ⌊(5 − 3 + 2)/2⌋ + 1


def test_pytorch_gives_the_same_convolution_and_pooling() -> None:
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    A_prev, W, b = _case(7, 3, 9, 8, 4, 3, 5)
    for stride, pad in ((1, 1), (2, 0), (2, 2)):
        Z, cache = conv.conv_forward(A_prev, W, b, stride, pad)
        x = torch.tensor(A_prev.transpose(0, 3, 1, 2), requires_grad=True)  # NCHW
        w = torch.tensor(W.transpose(3, 2, 0, 1), requires_grad=True)  # (n_C, n_C_prev, f, f)
        bias = torch.tensor(b.reshape(-1), requires_grad=True)
        out = F.conv2d(x, w, bias, stride=stride, padding=pad)
        np.testing.assert_allclose(Z, out.detach().numpy().transpose(0, 2, 3, 1), atol=1e-10)
        dZ = np.random.default_rng(stride).standard_normal(Z.shape)
        out.backward(torch.tensor(dZ.transpose(0, 3, 1, 2)))
        dA_prev, dW, db = conv.conv_backward(dZ, cache)
        np.testing.assert_allclose(dA_prev, x.grad.numpy().transpose(0, 2, 3, 1), atol=1e-10)
        np.testing.assert_allclose(dW, w.grad.numpy().transpose(2, 3, 1, 0), atol=1e-10)
        np.testing.assert_allclose(db.reshape(-1), bias.grad.numpy(), atol=1e-10)
    for mode, pool in (("max", F.max_pool2d), ("average", F.avg_pool2d)):
        A, cache = conv.pool_forward(A_prev, 2, 2, mode)
        x = torch.tensor(A_prev.transpose(0, 3, 1, 2), requires_grad=True)
        out = pool(x, 2, 2)
        np.testing.assert_allclose(A, out.detach().numpy().transpose(0, 2, 3, 1), atol=1e-12)
        dA = np.random.default_rng(9).standard_normal(A.shape)
        out.backward(torch.tensor(dA.transpose(0, 3, 1, 2)))
        grad = x.grad.numpy().transpose(0, 2, 3, 1)
        np.testing.assert_allclose(conv.pool_backward(dA, cache), grad, atol=1e-12)


def test_the_same_lines_run_on_array_api_strict() -> None:
    xp = pytest.importorskip("array_api_strict")
    A_prev, W, b = _case(8, 2, 5, 5, 2, 3, 2)
    Z, cache = conv.conv_forward(A_prev, W, b, 2, 1)
    Zs, cache_s = conv.conv_forward(xp.asarray(A_prev), xp.asarray(W), xp.asarray(b), 2, 1)
    np.testing.assert_allclose(np.asarray(Zs), Z, atol=1e-12)
    dZ = np.ones(Z.shape)
    for ours, strict in zip(
        conv.conv_backward(dZ, cache), conv.conv_backward(xp.asarray(dZ), cache_s), strict=True
    ):
        np.testing.assert_allclose(np.asarray(strict), ours, atol=1e-12)
    A, pc = conv.pool_forward(xp.asarray(A_prev), 2, 1)
    np.testing.assert_allclose(np.asarray(A), conv.pool_forward(A_prev, 2, 1)[0])
    assert (
        np.asarray(conv.pool_backward(xp.ones(A.shape, dtype=xp.float64), pc)).shape == A_prev.shape
    )


def test_bad_shapes_and_options_are_explained() -> None:
    A_prev, W, b = _case(0, 1, 4, 4, 3, 3, 2)
    with pytest.raises(ShapeError, match="3 channels but the filters W expect n_C_prev = 2"):
        conv.conv_forward(A_prev, W[:, :, :2, :], b)
    with pytest.raises(ShapeError, match=r"A_prev \(m, n_H_prev, n_W_prev, n_C_prev\)"):
        conv.conv_forward(A_prev[0], W, b)
    with pytest.raises(ShapeError, match="does not fit"):
        conv.conv_forward(A_prev, np.zeros((5, 5, 3, 2)), b)
    with pytest.raises(NNDLValueError, match="pad must be"):
        conv.conv_forward(A_prev, W, b, pad="full")
    with pytest.raises(NNDLValueError, match="stride must be an integer >= 1"):
        conv.conv_forward(A_prev, W, b, stride=0)
    with pytest.raises(NNDLValueError, match="mode must be 'max' or 'average'"):
        conv.pool_forward(A_prev, 2, mode="min")
    with pytest.raises(NNDLValueError, match="hparameters must hold 'stride', 'pad'"):
        course.conv_forward(A_prev, W, b, {"stride": 1})


@pytest.mark.parametrize(("C", "f", "stride"), [(1, 3, 1), (3, 3, 2), (4, 2, 1), (2, 3, 3)])
def test_numpys_im2col_copies_the_same_numbers_as_the_stacked_slices(
    C: int, f: int, stride: int
) -> None:
    A_pad = np.random.default_rng(C).standard_normal((2, 9, 8, C)).astype(np.float32)
    n_H, n_W = conv.output_size(9, f, stride, 0), conv.output_size(8, f, stride, 0)
    slices = conv._window_slices(A_pad, (f, f), (stride, stride), n_H, n_W)
    stacked = np.stack(slices, axis=3).reshape(2 * n_H * n_W, f * f * C)  # the generic layout
    cols = conv.im2col(A_pad, (f, f), (stride, stride), n_H, n_W)
    assert cols.shape == stacked.shape and cols.dtype == np.float32
    assert np.array_equal(cols, stacked)
    strict = pytest.importorskip("array_api_strict")
    generic = conv.im2col(strict.asarray(A_pad), (f, f), (stride, stride), n_H, n_W)
    assert np.array_equal(np.asarray(generic), stacked)


@pytest.mark.parametrize("mode", ["max", "average"])
@pytest.mark.parametrize(("n_H", "n_W", "f"), [(6, 4, 2), (7, 5, 2), (9, 11, 3)])
def test_tiled_pooling_equals_the_courses_loops_with_ties_and_left_over_rows(
    mode: str, n_H: int, n_W: int, f: int
) -> None:
    rng = np.random.default_rng(n_H)
    A_prev = np.maximum(rng.standard_normal((2, n_H, n_W, 3)), 0.0)  # ReLU's zeros: ties
    A_prev[0, :f, :f, 0] = 0.0  # one window of zeros: every element is its maximum
    A, cache = conv.pool_forward(A_prev, f, f, mode)
    A_loops, cache_loops = course.pool_forward(A_prev, {"f": f, "stride": f}, mode)
    np.testing.assert_allclose(A, A_loops, rtol=1e-14, atol=0)
    dA = rng.standard_normal(A.shape)
    dA_prev = conv.pool_backward(dA, cache)
    np.testing.assert_allclose(dA_prev, course.pool_backward(dA, cache_loops, mode), atol=1e-14)
    if mode == "max":
        assert np.all(dA_prev[0, :f, :f, 0] == dA[0, 0, 0, 0])
    assert np.all(dA_prev[:, (n_H // f) * f :, :, :] == 0)  # rows no window reads


def test_a_relu_convolution_layer_gives_relus_numbers() -> None:
    from nndl.layers import Conv2D

    X = np.random.default_rng(2).standard_normal((3, 7, 6, 2))
    fused, plain = Conv2D(4, 3, activation="relu"), Conv2D(4, 3)
    for layer in (fused, plain):
        layer.build((7, 6, 2), np.random.RandomState(0), "float64")
    A, cache = fused.forward(X, True, None)
    Z, plain_cache = plain.forward(X, True, None)
    np.testing.assert_array_equal(A, np.where(Z > 0, Z, 0.0))
    dA = np.random.default_rng(3).standard_normal(A.shape)
    dX, grads = fused.backward(dA, cache)
    dX_plain, grads_plain = plain.backward(dA * (Z > 0), plain_cache)
    np.testing.assert_array_equal(dX, dX_plain)
    for name in ("W", "b"):
        np.testing.assert_array_equal(grads[name], grads_plain[name])
