"""Batch normalization: identities, finite differences, PyTorch, both layouts."""

from __future__ import annotations

import numpy as np
import pytest

from nndl.course import batch_norm as course
from nndl.errors import NNDLValueError, ShapeError
from nndl.gradcheck import numerical_gradient, relative_error
from nndl.model import batchnorm


@pytest.mark.parametrize(
    ("shape", "axes"), [((4, 7), batchnorm.DENSE_AXES), ((3, 4, 5, 2), batchnorm.CONV_AXES)]
)
def test_normalized_units_have_mean_0_and_variance_1(
    shape: tuple[int, ...], axes: tuple[int, ...]
) -> None:
    rng = np.random.default_rng(0)
    Z = 3 + 5 * rng.standard_normal(shape)
    keep = tuple(1 if i in axes else n for i, n in enumerate(shape))
    gamma, beta = np.ones(keep), np.zeros(keep)
    Z_tilde, _, mu, var = batchnorm.batchnorm_forward(Z, gamma, beta, 1e-12, axes)
    np.testing.assert_allclose(Z_tilde.mean(axis=axes), 0, atol=1e-12)
    np.testing.assert_allclose(Z_tilde.var(axis=axes), 1, atol=1e-9)
    np.testing.assert_allclose(mu, Z.mean(axis=axes, keepdims=True))
    np.testing.assert_allclose(var, Z.var(axis=axes, keepdims=True))
    # γ and β set the mean and the spread: z̃ = γ z_norm + β
    shifted, _, _, _ = batchnorm.batchnorm_forward(Z, 2 * gamma, beta + 0.5, 1e-12, axes)
    np.testing.assert_allclose(shifted, 2 * Z_tilde + 0.5, atol=1e-12)


@pytest.mark.parametrize(
    ("shape", "axes"), [((3, 6), batchnorm.DENSE_AXES), ((2, 3, 3, 2), batchnorm.CONV_AXES)]
)
def test_backward_matches_finite_differences(shape: tuple[int, ...], axes: tuple[int, ...]) -> None:
    rng = np.random.default_rng(1)
    keep = tuple(1 if i in axes else n for i, n in enumerate(shape))
    Z = rng.standard_normal(shape)
    gamma, beta = rng.standard_normal(keep), rng.standard_normal(keep)
    G = rng.standard_normal(shape)  # J = Σ G * Z̃

    def J() -> float:
        return float(np.sum(G * batchnorm.batchnorm_forward(Z, gamma, beta, 1e-5, axes)[0]))

    _, cache, _, _ = batchnorm.batchnorm_forward(Z, gamma, beta, 1e-5, axes)
    dZ, dgamma, dbeta = batchnorm.batchnorm_backward(G, cache)
    for analytic, x in ((dZ, Z), (dgamma, gamma), (dbeta, beta)):
        assert relative_error(analytic, numerical_gradient(J, x, 1e-6)) < 1e-7


def test_inference_uses_the_running_averages() -> None:
    rng = np.random.default_rng(2)
    Z = rng.standard_normal((3, 5))
    gamma, beta = np.full((3, 1), 2.0), np.full((3, 1), -1.0)
    mean, var = np.full((3, 1), 0.5), np.full((3, 1), 4.0)
    out = batchnorm.batchnorm_inference(Z, gamma, beta, mean, var, eps=0.0)
    np.testing.assert_allclose(out, 2 * (Z - 0.5) / 2 - 1)
    running = batchnorm.update_running(np.zeros((3, 1)), np.ones((3, 1)), 0.9)
    np.testing.assert_allclose(running, 0.1)


def test_pytorch_gives_the_same_batch_norm() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    Z = rng.standard_normal((4, 3, 5, 6))  # (m, n_H, n_W, n_C)
    gamma, beta = rng.standard_normal((1, 1, 1, 6)), rng.standard_normal((1, 1, 1, 6))
    Z_tilde, cache, _, _ = batchnorm.batchnorm_forward(Z, gamma, beta, 1e-5, batchnorm.CONV_AXES)
    x = torch.tensor(Z.transpose(0, 3, 1, 2), requires_grad=True)
    w = torch.tensor(gamma.reshape(-1), requires_grad=True)
    b = torch.tensor(beta.reshape(-1), requires_grad=True)
    out = torch.nn.functional.batch_norm(x, None, None, w, b, training=True, eps=1e-5)
    np.testing.assert_allclose(Z_tilde, out.detach().numpy().transpose(0, 2, 3, 1), atol=1e-10)
    G = rng.standard_normal(Z.shape)
    out.backward(torch.tensor(G.transpose(0, 3, 1, 2)))
    dZ, dgamma, dbeta = batchnorm.batchnorm_backward(G, cache)
    np.testing.assert_allclose(dZ, x.grad.numpy().transpose(0, 2, 3, 1), atol=1e-10)
    np.testing.assert_allclose(dgamma.reshape(-1), w.grad.numpy(), atol=1e-10)
    np.testing.assert_allclose(dbeta.reshape(-1), b.grad.numpy(), atol=1e-10)


def test_the_course_functions_keep_the_course_layout_and_cache() -> None:
    rng = np.random.default_rng(4)
    Z, gamma, beta = (
        rng.standard_normal((4, 8)),
        rng.standard_normal((4, 1)),
        rng.standard_normal((4, 1)),
    )
    Z_tilde, cache = course.batchnorm_forward(Z, gamma, beta)
    assert Z_tilde.shape == (4, 8) and set(cache) == {"Z_norm", "mu", "var", "gamma", "epsilon"}
    mu = Z.mean(axis=1, keepdims=True)
    var = ((Z - mu) ** 2).mean(axis=1, keepdims=True)
    np.testing.assert_allclose(Z_tilde, gamma * (Z - mu) / np.sqrt(var + 1e-8) + beta)
    G = rng.standard_normal((4, 8))
    dZ, dgamma, dbeta = course.batchnorm_backward(G, cache)
    _, inner, _, _ = batchnorm.batchnorm_forward(Z, gamma, beta, 1e-8)
    for ours, theirs in zip(
        (dZ, dgamma, dbeta), batchnorm.batchnorm_backward(G, inner), strict=True
    ):
        np.testing.assert_allclose(ours, theirs, atol=1e-14)
    assert abs(dZ.sum(axis=1)).max() < 1e-12  # the mean is subtracted: Σ dz = 0


def test_bad_shapes_are_explained() -> None:
    Z = np.zeros((3, 5))
    with pytest.raises(ShapeError, match=r"gamma must have shape \(3, 1\)"):
        batchnorm.batchnorm_forward(Z, np.ones((1, 3)), np.zeros((3, 1)))
    with pytest.raises(NNDLValueError, match="eps must be"):
        batchnorm.batchnorm_forward(Z, np.ones((3, 1)), np.zeros((3, 1)), eps=0.0)
