"""The array layer and the gradient-check helpers."""

from __future__ import annotations

import numpy as np
import pytest

from nndl import NNDLTypeError, NNDLValueError
from nndl.arrays import backend
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


def test_numpy_arrays_get_array_api_compat_s_namespace_without_the_lookup() -> None:
    import array_api_compat

    a, b = np.zeros((2, 3), dtype=np.float32), np.ones(4)
    assert backend.namespace(a) is array_api_compat.array_namespace(a)
    assert backend.namespace(a, b) is array_api_compat.array_namespace(a, b)
    m = np.ma.masked_array([1.0, 2.0])  # a subclass goes the whole way, as before
    assert backend.namespace(m) is array_api_compat.array_namespace(m)
    with pytest.raises(NNDLTypeError, match="one array library"):
        backend.namespace(a, [1.0])


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


def test_flat_layout_views_write_through_and_flatten_round_trips() -> None:
    params = {"W1": np.arange(6.0).reshape(3, 2), "b1": np.ones((3, 1)), "W2": np.zeros((1, 3))}
    layout = backend.FlatLayout(params)
    assert layout.keys == ["W1", "b1", "W2"] and layout.size == 12
    flat = layout.flatten(params)
    assert flat.dtype == np.float64 and flat.shape == (12,)
    views = layout.views(flat)
    for k, v in params.items():
        np.testing.assert_array_equal(views[k], v)
    views["b1"][:] = 7.0  # a view: writes reach the flat vector
    assert np.all(flat[6:9] == 7.0)
    grads = {"d" + k: v for k, v in params.items()}
    from_grads = layout.flatten(grads, np.float32, prefix="d")
    assert from_grads.dtype == np.float32
    np.testing.assert_array_equal(from_grads, np.concatenate([v.ravel() for v in params.values()]))
