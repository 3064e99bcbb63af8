"""Initializers: the course's golden numbers, scales, seeds."""

from __future__ import annotations

import numpy as np
import pytest

from nndl.errors import NNDLTypeError, NNDLValueError
from nndl.model import init


def test_course_initialize_parameters_deep_golden() -> None:
    """The course's initialize_parameters_deep([5, 4, 3]) with np.random.seed(3)."""
    params = init.initialize([5, 4, 3], "random", seed=3)
    np.testing.assert_allclose(
        params["W1"],
        [
            [0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
            [-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218],
            [-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034],
            [-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068],
        ],
        atol=5e-9,
    )
    np.testing.assert_allclose(
        params["W2"],
        [
            [-0.01185047, -0.0020565, 0.01486148, 0.00236716],
            [-0.01023785, -0.00712993, 0.00625245, -0.00160513],
            [-0.00768836, -0.00230031, 0.00745056, 0.01976111],
        ],
        atol=5e-9,
    )
    assert params["b1"].shape == (4, 1) and not params["b1"].any()
    assert list(params) == ["W1", "b1", "W2", "b2"]


@pytest.mark.parametrize(
    ("name", "std"),
    [
        ("random", lambda n, p: 0.01),
        ("scaled", lambda n, p: 1 / np.sqrt(p)),
        ("xavier", lambda n, p: np.sqrt(2 / (n + p))),
        ("he", lambda n, p: np.sqrt(2 / p)),
    ],
)
def test_scales(name: str, std) -> None:  # type: ignore[no-untyped-def]
    n, p = 300, 200
    W = init.get(name)(n, p, np.random.default_rng(0))
    assert W.shape == (n, p)
    assert W.std() == pytest.approx(std(n, p), rel=0.02)
    assert abs(W.mean()) < 0.01 * std(n, p) * 10


def test_zeros_and_custom_initializer() -> None:
    assert not init.initialize([3, 2, 1], "zeros")["W1"].any()
    params = init.initialize([3, 2], lambda n, p, rng: np.ones((n, p)))
    np.testing.assert_array_equal(params["W1"], np.ones((2, 3)))
    with pytest.raises(NNDLValueError, match="expected"):
        init.initialize([3, 2], lambda n, p, rng: np.ones((p, n)))


def test_seeds() -> None:
    a = init.initialize([4, 3, 2], "he", seed=7)
    b = init.initialize([4, 3, 2], "he", seed=7)
    c = init.initialize([4, 3, 2], "he", seed=8)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    assert not np.array_equal(a["W1"], c["W1"])
    g1 = init.initialize([4, 3], "he", seed=np.random.default_rng(5))
    g2 = init.initialize([4, 3], "he", seed=np.random.default_rng(5))
    np.testing.assert_array_equal(g1["W1"], g2["W1"])


def test_bad_names_and_seeds() -> None:
    with pytest.raises(NNDLValueError, match="known ones are: zeros, random, scaled, xavier, he"):
        init.get("glorot_uniform")
    with pytest.raises(NNDLTypeError, match="seed"):
        init.make_rng("3")  # type: ignore[arg-type]
    with pytest.raises(NNDLValueError, match="seed"):
        init.make_rng(-1)
