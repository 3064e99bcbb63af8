"""The array layer: which library does the math.

The core never imports NumPy for its math.  It asks its inputs which array
namespace they belong to (``array_api_compat.array_namespace``) and calls the
Python array API standard through that namespace, so the same lines run on
NumPy, CuPy, PyTorch, Dask and the reference ``array_api_strict``.

NumPy is still used here, at the boundary: random initialization is drawn by
NumPy (so a seed gives the same numbers on every backend) and moved to the
backend once; results are brought back to NumPy for printing, plotting and
saving.
"""

from __future__ import annotations

import functools
from types import ModuleType
from typing import Any

import array_api_compat
import numpy as np

from nndl.errors import NNDLTypeError, NNDLValueError

Array = Any
"""An array of any array-API library (the standard has no common base class)."""

FLOAT_DTYPES = ("float32", "float64")


def namespace(*arrays: Array) -> ModuleType:
    """The array-API namespace shared by ``arrays`` (for NumPy: ``array_api_compat.numpy``).

    Parameters
    ----------
    *arrays : Array
        Arrays of one library (NumPy, CuPy, PyTorch, array-api-strict, …).

    Returns
    -------
    module
        The namespace, with the standard's functions (``xp.exp``, ``xp.sum``, …).

    Raises
    ------
    NNDLTypeError
        When the arrays come from different libraries.

    Examples
    --------
    >>> import numpy as np
    >>> xp = namespace(np.ones(3))
    >>> float(xp.sum(xp.exp(xp.zeros(2))))
    2.0
    """
    if arrays and all(type(a) is np.ndarray for a in arrays):  # the common case, looked up once
        return _numpy_namespace()
    try:
        return array_api_compat.array_namespace(*arrays)
    except TypeError as exc:
        kinds = ", ".join(sorted({type(a).__module__ + "." + type(a).__name__ for a in arrays}))
        raise NNDLTypeError(
            f"expected arrays of one array library, got {kinds}. "
            "Convert them to one library first (for example all NumPy arrays). "
            f"Details: {exc}"
        ) from exc


@functools.cache
def _numpy_namespace() -> ModuleType:
    """array-api-compat's namespace of plain NumPy arrays (what ``array_namespace`` gives
    for any of them), imported on first use."""
    return array_api_compat.array_namespace(np.empty(0))


def is_sparse(X: Any) -> bool:
    """True for a SciPy sparse matrix or array (without importing SciPy).

    Parameters
    ----------
    X : object
        Anything.

    Returns
    -------
    bool
        Whether X is a SciPy sparse matrix or array.
    """
    return type(X).__module__.startswith("scipy.sparse")


def is_array(x: object) -> bool:
    """True for an array of a library the array layer understands.

    Parameters
    ----------
    x : object
        Anything.

    Returns
    -------
    bool
        Whether x is an array-API array.
    """
    return bool(array_api_compat.is_array_api_obj(x))


def device(x: Array) -> Any:
    """The device ``x`` lives on (``"cpu"`` for NumPy).

    Parameters
    ----------
    x : Array
        An array.

    Returns
    -------
    object
        Its library's device object.
    """
    return array_api_compat.device(x)


def same_namespace(a: Array, b: Array) -> bool:
    """True when ``a`` and ``b`` belong to the same array library.

    Parameters
    ----------
    a : Array
        An array.
    b : Array
        Another.

    Returns
    -------
    bool
        Whether their namespaces are one.
    """
    return namespace(a) is namespace(b)


def dtype_name(dtype: Any) -> str:
    """The standard name (``"float32"``) of a dtype of any backend, or of a name string.

    Parameters
    ----------
    dtype : str or type or dtype
        ``"float32"``, ``numpy.float64``, ``torch.float32``, ``float``, ….

    Returns
    -------
    str
        ``"float32"`` or ``"float64"``.

    Raises
    ------
    NNDLValueError
        When the dtype is not float32 or float64.

    Examples
    --------
    >>> import numpy as np
    >>> dtype_name(np.float32), dtype_name(float)
    ('float32', 'float64')
    """
    if isinstance(dtype, str):
        name = dtype
    elif dtype is float:
        name = "float64"
    elif isinstance(dtype, type):
        name = dtype.__name__  # numpy.float32 and the like
    else:
        name = str(dtype).rsplit(".", 1)[-1]
    if name not in FLOAT_DTYPES:
        raise NNDLValueError(
            f"dtype must be one of {', '.join(FLOAT_DTYPES)}. Received: dtype={dtype!r}"
        )
    return name


def float_dtype(xp: ModuleType, dtype: Any) -> Any:
    """The namespace's dtype object for ``"float32"`` or ``"float64"``.

    Parameters
    ----------
    xp : module
        An array namespace.
    dtype : str or dtype
        The dtype, by any name :func:`dtype_name` takes.

    Returns
    -------
    dtype
        ``xp.float32`` or ``xp.float64``.
    """
    return getattr(xp, dtype_name(dtype))


def to_numpy(x: Array) -> np.ndarray:
    """Copy (or view) any backend's array into a NumPy array on the host.

    Parameters
    ----------
    x : Array or float
        An array of any library (a GPU array is copied to the host), or a number.

    Returns
    -------
    numpy.ndarray
        The values.
    """
    if isinstance(x, np.ndarray):
        return x
    if isinstance(x, (np.generic, float, int, bool)):
        return np.asarray(x)
    obj: Any = x  # the library type guards below would narrow to types mypy may not know
    if array_api_compat.is_torch_array(obj):
        return np.asarray(obj.detach().cpu().numpy())
    if array_api_compat.is_cupy_array(obj):
        return np.asarray(obj.get())
    if array_api_compat.is_dask_array(obj):
        return np.asarray(obj.compute())  # type: ignore[no-untyped-call]
    try:
        return np.from_dlpack(x)
    except (TypeError, RuntimeError, BufferError, AttributeError):
        return np.asarray(x)


def from_numpy(a: np.ndarray, like: Array) -> Array:
    """Move a NumPy array to the library and device of ``like``.

    Parameters
    ----------
    a : numpy.ndarray
        The values.
    like : Array
        An array of the target library and device.

    Returns
    -------
    Array
        ``a`` there.
    """
    xp = namespace(like)
    if array_api_compat.is_numpy_array(like):
        return np.asarray(a)
    return xp.asarray(a, device=device(like))


def same_place(a: Array, b: Array) -> bool:
    """True when ``a`` and ``b`` belong to the same array library and sit on the same device.

    Parameters
    ----------
    a : Array
        An array.
    b : Array
        Another.

    Returns
    -------
    bool
        Whether they share library and device.
    """
    return same_namespace(a, b) and str(device(a)) == str(device(b))


def move_like(a: Array, like: Array) -> Array:
    """``a`` in the library and on the device of ``like`` (``a`` itself when already there).

    Parameters
    ----------
    a : Array
        The array moved.
    like : Array
        An array of the target library and device.

    Returns
    -------
    Array
        ``a`` there.
    """
    return a if same_place(a, like) else from_numpy(to_numpy(a), like)


def to_scalar(x: Array) -> float:
    """A 0-d array (or size-1 array) of any backend as a Python float.

    Parameters
    ----------
    x : Array
        An array of one element.

    Returns
    -------
    float
        Its value.
    """
    return float(to_numpy(x).reshape(()))


def all_finite(x: Array) -> bool:
    """True when every element of ``x`` is finite (no NaN, no ±inf).

    Parameters
    ----------
    x : Array
        An array.

    Returns
    -------
    bool
        Whether it holds only finite numbers.
    """
    xp = namespace(x)
    return bool(xp.all(xp.isfinite(x)))


class FlatLayout:
    """Where each named array (``W1``, ``b1``, …) sits in one flat vector, in order.

    L-BFGS works on one vector ``x``; the NumPy training engine keeps parameters,
    gradients and optimizer slots each in one flat buffer.  ``views`` cuts a flat
    vector into per-name views (no copy); ``flatten`` joins arrays of any backend
    into a new NumPy vector.

    Parameters
    ----------
    arrays : dict of str to Array
        The named arrays, in order; only their shapes are kept.
    """

    def __init__(self, arrays: dict[str, Any]) -> None:
        self.keys = list(arrays)
        self.shapes = {k: tuple(arrays[k].shape) for k in self.keys}
        self.sizes = {k: int(np.prod(self.shapes[k], dtype=np.int64)) for k in self.keys}
        self.size = sum(self.sizes.values())

    def views(self, flat: np.ndarray) -> dict[str, np.ndarray]:
        """Each name's part of ``flat``, reshaped: views that write through to ``flat``.

        Parameters
        ----------
        flat : numpy.ndarray of shape (size,)
            A flat vector in this layout.

        Returns
        -------
        dict of str to numpy.ndarray
            One view per name, of its shape.
        """
        out, start = {}, 0
        for k in self.keys:
            out[k] = flat[start : start + self.sizes[k]].reshape(self.shapes[k])
            start += self.sizes[k]
        return out

    def flatten(self, arrays: dict[str, Any], dtype: Any = np.float64, prefix: str = "") -> Any:
        """``arrays[prefix + name]`` for every name, as one new NumPy vector of ``dtype``.

        Parameters
        ----------
        arrays : dict of str to Array
            Arrays of any backend, of the layout's shapes.
        dtype : dtype, default numpy.float64
            The vector's dtype.
        prefix : str, default ""
            Prepended to every name (``"d"`` for the gradients ``dW1, db1, …``).

        Returns
        -------
        numpy.ndarray of shape (size,)
            The joined values.
        """
        return np.concatenate(
            [np.asarray(to_numpy(arrays[prefix + k]), dtype).ravel() for k in self.keys]
        )
