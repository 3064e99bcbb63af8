"""The array layer and the gradient-check helpers."""

from __future__ import annotations

import numpy as np
import pytest

from nndl import NNDLTypeError, NNDLValueError, backend
from nndl.gradcheck import relative_error


def test_namespace_round_trip() -> None:
    strict = pytest.importorskip("array_api_strict")
    a = np.arange(6.0).reshape(2, 3)
    s = strict.asarray(a)
    assert backend.namespace(s) is strict
    np.testing.assert_array_equal(backend.to_numpy(s), a)
    moved = backend.from_numpy(a, like=s)
    assert backend.same_namespace(moved, s)
    assert backend.to_scalar(strict.sum(s)) == 15.0
    assert backend.all_finite(s) and not backend.all_finite(strict.asarray([np.nan]))


def test_mixed_libraries_are_refused() -> None:
    strict = pytest.importorskip("array_api_strict")
    with pytest.raises(NNDLTypeError, match="one array library"):
        backend.namespace(np.zeros(2), strict.zeros(2))


def test_dtype_names() -> None:
    assert backend.dtype_name(np.float32) == "float32"
    assert backend.dtype_name("float64") == backend.dtype_name(float) == "float64"
    with pytest.raises(NNDLValueError, match="Received: dtype='float16'"):
        backend.dtype_name("float16")


def test_relative_error() -> None:
    assert relative_error(np.zeros(3), np.zeros(3)) == 0.0
    assert relative_error(np.array([1.0, 0.0]), np.array([1.0, 0.0])) == 0.0
    assert relative_error(np.array([1.0]), np.array([-1.0])) == 1.0
    assert relative_error(np.array([3.0, 4.0]), np.array([3.0, 4.0 + 1e-6])) == pytest.approx(
        1e-6 / 10
    )


def test_move_like_moves_only_what_is_elsewhere() -> None:
    strict = pytest.importorskip("array_api_strict")
    a = np.arange(3.0)
    s = strict.asarray(a)
    assert backend.same_place(a, np.zeros(2)) and not backend.same_place(a, s)
    assert backend.move_like(a, np.zeros(2)) is a  # already there: no copy
    moved = backend.move_like(a, s)
    assert backend.namespace(moved) is strict
    np.testing.assert_array_equal(backend.to_numpy(moved), a)
