"""Activations: golden values from the course, identities, derivatives, stability."""

from __future__ import annotations

import math

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from nndl.arrays.backend import to_numpy
from nndl.errors import NNDLTypeError, NNDLValueError
from nndl.model import activations
from nndl.model.activations import LeakyReLU, Sigmoid, Softmax, Tanh

BOUNDED = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
"""Finite for every finite z (e^z is not: it overflows past z ≈ 709, or 88 in float32)."""
ELEMENTWISE = [*BOUNDED, "exponential"]


def test_sigmoid_golden_value_from_the_course() -> None:
    assert Sigmoid()(np.array([[9.2]]))[0, 0] == pytest.approx(0.999898970806, abs=1e-12)
    assert Sigmoid()(np.array([[0.0, 2.0]])) == pytest.approx(np.array([[0.5, 0.88079708]]))


def test_derivatives_at_zero() -> None:
    zero = np.zeros((1, 1))
    assert Sigmoid().derivative(zero)[0, 0] == 0.25
    assert Tanh().derivative(zero)[0, 0] == 1.0
    assert activations.get("relu").derivative(zero)[0, 0] == 0.0  # convention: g'(0) = 0
    assert LeakyReLU(0.2).derivative(zero)[0, 0] == pytest.approx(0.2)
    assert activations.get("linear").derivative(zero)[0, 0] == 1.0


def test_identities(rng: np.random.Generator) -> None:
    Z = rng.normal(scale=5, size=(4, 50))
    s, t = Sigmoid(), Tanh()
    np.testing.assert_allclose(t(Z), 2 * s(2 * Z) - 1, atol=1e-14)  # tanh(z) = 2σ(2z) − 1
    np.testing.assert_allclose(s(-Z), 1 - s(Z), atol=1e-15)
    np.testing.assert_allclose(t(Z), (np.exp(Z) - np.exp(-Z)) / (np.exp(Z) + np.exp(-Z)))
    np.testing.assert_allclose(s(Z), 1 / (1 + np.exp(-Z)), rtol=1e-14)
    np.testing.assert_allclose(activations.get("relu")(Z), np.maximum(Z, 0))
    np.testing.assert_allclose(LeakyReLU(0.1)(Z), np.where(Z > 0, Z, 0.1 * Z))


def test_softmax_columns_are_distributions_and_shift_invariant(rng: np.random.Generator) -> None:
    Z = rng.normal(scale=3, size=(5, 20))
    A = Softmax()(Z)
    np.testing.assert_allclose(A.sum(axis=0), 1.0)
    np.testing.assert_allclose(Softmax()(Z + 100.0), A, atol=1e-15)
    expected = np.exp(Z) / np.exp(Z).sum(axis=0, keepdims=True)
    np.testing.assert_allclose(A, expected)


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_finite_differences(name: str, rng: np.random.Generator) -> None:
    g = activations.get(name)
    Z = rng.normal(scale=2, size=(3, 40))
    Z = Z[:, np.all(np.abs(Z) > 1e-3, axis=0)]  # stay off the kink of relu at 0
    h = 1e-6
    numeric = (g(Z + h) - g(Z - h)) / (2 * h)
    np.testing.assert_allclose(g.derivative(Z), numeric, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(g.derivative(Z, g(Z)), g.derivative(Z))
    # the contract: g' from Z, and the same g' from the output A = g(Z) alone
    assert g.from_A
    np.testing.assert_allclose(g.derivative_from_Z(Z), numeric, rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(g.derivative_from_A(g(Z)), g.derivative(Z, g(Z)))
    zeros = np.zeros((2, 3))  # at the kink too: relu's g'(0) = 0 whether from Z or from A
    np.testing.assert_array_equal(g.derivative_from_A(g(zeros)), g.derivative_from_Z(zeros))


def test_softmax_and_new_activations_have_no_derivative_from_A() -> None:
    Z = np.array([[1.0, 2.0], [0.5, -1.0]])
    assert not Softmax.from_A
    with pytest.raises(NNDLValueError, match="softmax has no elementwise derivative"):
        Softmax().derivative_from_Z(Z)
    with pytest.raises(NNDLValueError, match="not a function of its output"):
        Softmax().derivative_from_A(Softmax()(Z))

    class Cube(activations.Activation):  # g(z) = z³: g'(z) = 3z², from Z only
        name = "cube"

        def forward(self, Z: np.ndarray) -> np.ndarray:
            return Z**3

        def derivative_from_Z(self, Z: np.ndarray) -> np.ndarray:
            return 3 * Z**2

    cube = Cube()
    assert not cube.from_A  # a new activation is taken from Z unless it says otherwise
    np.testing.assert_array_equal(cube.derivative(Z, cube(Z)), 3 * Z**2)
    np.testing.assert_array_equal(cube.backward(np.ones_like(Z), Z, cube(Z)), 3 * Z**2)


def test_softmax_backward_is_the_jacobian_product(rng: np.random.Generator) -> None:
    Z = rng.normal(size=(4, 6))
    dA = rng.normal(size=(4, 6))
    h = 1e-6
    numeric = np.zeros_like(Z)
    for index in np.ndindex(Z.shape):
        E = np.zeros_like(Z)
        E[index] = h
        numeric[index] = np.sum(dA * (Softmax()(Z + E) - Softmax()(Z - E))) / (2 * h)
    np.testing.assert_allclose(Softmax().backward(dA, Z), numeric, rtol=1e-6, atol=1e-10)
    with pytest.raises(NNDLValueError, match="no elementwise derivative"):
        Softmax().derivative(Z)


@pytest.mark.parametrize("name", [*BOUNDED, "softmax"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stable_for_huge_inputs(name: str, dtype: type) -> None:
    """No overflow warning (warnings are errors in this suite) and finite values at |z| = 1e4."""
    g = activations.get(name)
    Z = np.array([[-1e4, -50.0, 0.0, 50.0, 1e4]], dtype=dtype).repeat(2, axis=0)
    A = g(Z)
    assert np.all(np.isfinite(A))
    assert A.dtype == dtype
    if name == "sigmoid":
        assert A[0, 0] == 0.0 and A[0, -1] == 1.0
    dZ = g.backward(np.ones_like(Z), Z, A)
    assert np.all(np.isfinite(dZ))


def test_backend_agreement(backend) -> None:  # type: ignore[no-untyped-def]
    Z = np.linspace(-5, 5, 24).reshape(3, 8)
    for name in [*ELEMENTWISE, "softmax"]:
        g = activations.get(name)
        A = g(backend.asarray(Z))
        np.testing.assert_allclose(to_numpy(A), g(Z), atol=1e-12)
        dZ = g.backward(backend.asarray(np.ones_like(Z)), backend.asarray(Z))
        np.testing.assert_allclose(to_numpy(dZ), g.backward(np.ones_like(Z), Z), atol=1e-12)


def test_registry_by_name_object_and_config() -> None:
    assert set(activations.ACTIVATIONS) == {*ELEMENTWISE, "softmax"}
    assert isinstance(activations.get("Leaky-ReLU"), LeakyReLU)
    leaky = LeakyReLU(0.3)
    assert activations.get(leaky) is leaky
    assert activations.get(leaky.config()) == leaky
    assert repr(leaky) == "LeakyReLU(slope=0.3)"
    with pytest.raises(NNDLValueError, match="known ones are: linear, relu, leaky_relu"):
        activations.get("swish")
    with pytest.raises(NNDLTypeError, match="given by name"):
        activations.get(3)  # type: ignore[arg-type]
    with pytest.raises(NNDLValueError, match="slope"):
        LeakyReLU(math.nan)


@given(
    Z=hnp.arrays(
        dtype=st.sampled_from([np.float32, np.float64]),
        shape=hnp.array_shapes(min_dims=2, max_dims=2, min_side=1, max_side=6),
        elements=st.floats(-1e4, 1e4, width=32),
    ),
    name=st.sampled_from([*BOUNDED, "softmax"]),
)
def test_shapes_and_dtypes_are_kept(Z: np.ndarray, name: str) -> None:
    g = activations.get(name)
    A = g(Z)
    dZ = g.backward(np.ones_like(Z), Z, A)
    assert A.shape == Z.shape and dZ.shape == Z.shape
    assert A.dtype == Z.dtype and dZ.dtype == Z.dtype
    assert np.all(np.isfinite(A)) and np.all(np.isfinite(dZ))
