"""Losses: stable costs from Z, gradients, fused dZ = A − Y, label checks."""

from __future__ import annotations

import numpy as np
import pytest

from nndl.arrays.backend import to_numpy
from nndl.errors import NNDLTypeError, NNDLValueError
from nndl.model import activations, losses

BOUNDED = [("logistic", "sigmoid", 1), ("cross_entropy", "softmax", 4), ("mse", "linear", 2)]
"""The pairs whose cost is finite for every finite Z (e^z overflows: Poisson's is not)."""
PAIRS = [*BOUNDED, ("poisson", "exponential", 2)]


def _targets(loss: str, n_y: int, m: int, rng: np.random.Generator) -> np.ndarray:
    if loss == "logistic":
        return rng.integers(0, 2, size=(n_y, m)).astype(float)
    if loss == "cross_entropy":
        return np.eye(n_y)[:, rng.integers(0, n_y, size=m)]
    if loss == "poisson":  # counts, zeros among them
        return rng.poisson(1.5, size=(n_y, m)).astype(float)
    return rng.normal(size=(n_y, m))


@pytest.mark.parametrize(("name", "output", "n_y"), PAIRS)
def test_cost_from_Z_equals_cost_from_A(
    name: str, output: str, n_y: int, rng: np.random.Generator
) -> None:
    loss, g = losses.get(name), activations.get(output)
    Z = rng.normal(scale=3, size=(n_y, 30))
    Y = _targets(name, n_y, 30, rng)
    assert loss.value_from_Z(Z, Y) == pytest.approx(loss.value(g(Z), Y), rel=1e-12)


def test_logistic_cost_by_hand() -> None:
    A = np.array([[0.9, 0.2, 0.6]])
    Y = np.array([[1.0, 0.0, 1.0]])
    expected = -(np.log(0.9) + np.log(0.8) + np.log(0.6)) / 3
    assert losses.get("logistic").value(A, Y) == pytest.approx(expected, rel=1e-12)


def test_cross_entropy_and_mse_by_hand() -> None:
    A = np.array([[0.7, 0.1], [0.2, 0.6], [0.1, 0.3]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    expected = -(np.log(0.7) + np.log(0.6)) / 2
    assert losses.get("cross_entropy").value(A, Y) == pytest.approx(expected, rel=1e-12)
    P = np.array([[1.0, 3.0]])
    T = np.array([[0.0, 1.0]])
    assert losses.get("mse").value(P, T) == pytest.approx((1 + 4) / (2 * 2))


@pytest.mark.parametrize(("name", "output", "n_y"), PAIRS)
def test_gradient_matches_finite_differences(
    name: str, output: str, n_y: int, rng: np.random.Generator
) -> None:
    loss = losses.get(name)
    m = 7
    A = activations.get(output)(rng.normal(size=(n_y, m)))
    Y = _targets(name, n_y, m, rng)
    h = 1e-7
    numeric = np.zeros_like(A)
    for index in np.ndindex(A.shape):
        E = np.zeros_like(A)
        E[index] = h
        numeric[index] = (loss.value(A + E, Y) - loss.value(A - E, Y)) / (2 * h)
    # gradient() is per example; the cost averages over m
    np.testing.assert_allclose(loss.gradient(A, Y) / m, numeric, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize(("name", "output", "n_y"), PAIRS)
def test_matched_pair_collapses_to_A_minus_Y(
    name: str, output: str, n_y: int, rng: np.random.Generator
) -> None:
    loss, g = losses.get(name), activations.get(output)
    Z = rng.normal(size=(n_y, 9))
    Y = _targets(name, n_y, 9, rng)
    A = g(Z)
    assert loss.output == output
    np.testing.assert_allclose(g.backward(loss.gradient(A, Y), Z, A), A - Y, atol=1e-10)


@pytest.mark.parametrize(("name", "output", "n_y"), BOUNDED)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cost_from_huge_Z_is_finite_without_warnings(
    name: str, output: str, n_y: int, dtype: type
) -> None:
    Z = np.full((n_y, 4), 1e4, dtype=dtype)
    Z[:, 1::2] = -1e4
    Y = np.zeros((n_y, 4), dtype=dtype)
    Y[0, :] = 1
    J = losses.get(name).value_from_Z(Z, Y)
    assert np.isfinite(J)


def test_logistic_from_Z_is_exact_in_the_tails() -> None:
    # L(z, y=0) = log(1 + e^z) ≈ z for large z; L(z, y=1) ≈ e^-z for large z
    J = losses.get("logistic").value_from_Z(np.array([[1e4]]), np.array([[0.0]]))
    assert pytest.approx(1e4) == J
    J = losses.get("logistic").value_from_Z(np.array([[40.0]]), np.array([[1.0]]))
    assert pytest.approx(np.exp(-40.0), rel=1e-10) == J


def test_backends_agree(backend) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(1)
    for name, output, n_y in PAIRS:
        loss = losses.get(name)
        Z = rng.normal(size=(n_y, 5))
        Y = _targets(name, n_y, 5, rng)
        got = loss.value_from_Z(backend.asarray(Z), backend.asarray(Y))
        assert float(to_numpy(got)) == pytest.approx(loss.value_from_Z(Z, Y), rel=1e-12)
        A = activations.get(output)(Z)
        np.testing.assert_allclose(
            to_numpy(loss.gradient(backend.asarray(A), backend.asarray(Y))), loss.gradient(A, Y)
        )


def test_target_checks() -> None:
    with pytest.raises(NNDLValueError, match=r"labels Y in \{0, 1\}"):
        losses.get("logistic").check_targets(np.array([[0.0, 2.0]]))
    with pytest.raises(NNDLValueError, match="one-hot"):
        losses.get("cross_entropy").check_targets(np.array([[1.0, 1.0], [1.0, 0.0]]))
    losses.get("mse").check_targets(np.array([[3.5, -2.0]]))
    losses.get("poisson").check_targets(np.array([[0.0, 2.5]]))
    with pytest.raises(NNDLValueError, match=r"needs targets y >= 0.*down to -1"):
        losses.get("poisson").check_targets(np.array([[0.0, -1.0]]))


def test_poisson_by_hand() -> None:
    """L = y log(y/a) − y + a, summed over the outputs, averaged over the examples; 0 at a = y."""
    A = np.array([[2.0, 0.5], [1.0, 3.0]])
    Y = np.array([[1.0, 0.0], [1.0, 4.0]])
    by_hand = [np.log(0.5) - 1 + 2 + (0 - 1 + 1), 0.5 + 4 * np.log(4 / 3) - 4 + 3]
    loss = losses.get("poisson")
    assert loss.value(A, Y) == pytest.approx(sum(by_hand) / 2, rel=1e-12)
    assert loss.value(Y + (Y == 0), Y + (Y == 0)) == pytest.approx(0.0, abs=1e-15)
    assert loss.value_from_Z(np.log(A), Y) == pytest.approx(loss.value(A, Y), rel=1e-12)


def test_registry_and_one_hot() -> None:
    assert isinstance(losses.get("binary_cross_entropy"), losses.LogisticLoss)
    assert losses.get(losses.get("mse").config()) == losses.MeanSquaredError()
    with pytest.raises(
        NNDLValueError, match="known ones are: logistic, cross_entropy, mse, poisson"
    ):
        losses.get("hinge")
    with pytest.raises(NNDLTypeError):
        losses.get(1.0)  # type: ignore[arg-type]
    np.testing.assert_array_equal(
        losses.one_hot(np.array([[2, 0, 1]]), 3), [[0, 1, 0], [0, 0, 1], [1, 0, 0]]
    )
    with pytest.raises(NNDLValueError, match=r"\(1, m\)"):
        losses.one_hot(np.array([2, 0]), 3)
