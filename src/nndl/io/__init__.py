"""Saving and loading networks and training checkpoints.

A saved network is one ``.npz`` file (NumPy's zip of ``.npy`` arrays):

* ``W1, b1, …, WL, bL``: the parameters, in the network's dtype;
* ``__metadata__``: a JSON string (a NumPy unicode array, not a pickled object)
  with ``format`` (``"nndl"``), ``format_version``, ``layer_dims``,
  ``activations``, ``loss``, ``dtype``, ``l2``, ``nndl_version`` and the list of
  parameter names.

It is read with ``numpy.load(..., allow_pickle=False)``, so loading never runs
code: a file holding object arrays is refused.  Files are written to a temporary
file in the same folder, flushed to disk and renamed over the target
(``os.replace`` is atomic), so a crash or an error mid-save leaves the previous
file as it was.

A training checkpoint (:mod:`nndl.training.checkpoints`) is the same file with
the optimizer's state, the epoch, the history and the training options added;
it is written and read with the functions here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl import _files, _limits
from nndl._version import __version__
from nndl.arrays.backend import to_numpy
from nndl.errors import NNDLTypeError, NNDLValueError
from nndl.io import sequential
from nndl.io._checks import is_int as _is_int
from nndl.io._checks import malformed as _bad

if TYPE_CHECKING:
    from nndl.model.network import Network
    from nndl.model.sequential import Sequential

FORMAT = "nndl"
FORMAT_VERSION = 1
CHECKPOINT_FORMAT = "nndl-checkpoint"
METADATA_KEY = "__metadata__"

__all__ = ["load", "load_network", "save", "version"]
"""The public API; the other functions are the file format's parts, which
:mod:`nndl.training.checkpoints` and :mod:`nndl.io.sequential` share."""


def version() -> str:
    """The nndl version that writes the files.

    Returns
    -------
    str
        ``nndl.__version__``.
    """
    return __version__


def metadata(network: Network) -> dict[str, Any]:
    """The JSON metadata saved beside a network's arrays."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "nndl_version": version(),
        "layer_dims": list(network.layer_dims),
        "activations": [g.config() for g in network.activations],
        "loss": network.loss.config(),
        "dtype": network.dtype,
        "l2": float(getattr(network, "l2", 0.0)),
        "params": list(network.params),
        "info": dict(network.info),
    }


def write_atomic(path: Path, arrays: dict[str, np.ndarray], what: str = "model file") -> Path:
    """Write ``arrays`` as an ``.npz`` to a temporary file beside ``path``, then rename it
    (:func:`nndl._files.write_atomic`)."""
    return _files.write_atomic(path, lambda f: np.savez(f, **arrays), what)  # type: ignore[arg-type]


def normalize_path(path: str | Path) -> Path:
    """``path`` as a Path; a name without a suffix gets ``.npz`` (not ``-``, a device or a
    FIFO, which are written to as they are)."""
    if not isinstance(path, (str, os.PathLike)):
        raise NNDLValueError(
            f"path must be a file name (str or pathlib.Path). Received: {path!r} of type "
            f"{type(path).__name__}"
        )
    if _limits.output_stream(path) is not None:  # "-", /dev/null, a FIFO: as given
        return Path(path)
    p = Path(path)
    if p.suffix == "" and not p.is_dir():
        p = p.with_suffix(".npz")
    return p


def param_arrays(network: Network | Sequential) -> dict[str, np.ndarray]:
    """The parameters as NumPy arrays; refuses non-finite values."""
    arrays = {}
    for k, v in network.params.items():
        a = np.ascontiguousarray(to_numpy(v))
        if not np.all(np.isfinite(a)):
            raise NNDLValueError(
                f"refusing to save: parameter {k} holds NaN or infinite values "
                "(the training diverged); nothing was written"
            )
        arrays[k] = a
    return arrays


def save(network: Network | Sequential, path: str | Path) -> Path:
    """Save ``network`` (architecture and parameters) to ``path``; returns the path written.

    A :class:`~nndl.model.sequential.Sequential` model is saved the same way, with its
    layers' configs and batch norm's running averages (:mod:`nndl.io.sequential`).  The
    previous file at ``path`` stays intact if anything fails.

    Parameters
    ----------
    network : Network or Sequential
        The model.
    path : str or pathlib.Path
        The file; a path without a suffix gets ``.npz``.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    NNDLValueError
        When the path cannot be written (the message says why).

    Examples
    --------
    >>> import tempfile, pathlib, numpy as np, nndl
    >>> net = nndl.Network([2, 3, 1], seed=0)
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> path = save(net, folder / "flower")
    >>> path.name
    'flower.npz'
    >>> X = np.array([[0.5, -1.0], [2.0, 0.1]])
    >>> bool(np.array_equal(load(path).predict_proba(X), net.predict_proba(X)))
    True
    """
    p = normalize_path(path)
    arrays = param_arrays(network)
    arrays.update(model_arrays(network))
    arrays[METADATA_KEY] = np.array(json.dumps(model_metadata(network)))
    return write_atomic(p, arrays)


def model_metadata(model: Network | Sequential) -> dict[str, Any]:
    """:func:`metadata` for a network, or the Sequential model's own."""
    if getattr(model, "layers", None) is None:
        return metadata(model)  # type: ignore[arg-type]
    head = {"format": FORMAT, "format_version": FORMAT_VERSION, "nndl_version": version()}
    return {**head, **sequential.metadata(model)}  # type: ignore[arg-type]


def model_arrays(model: Network | Sequential) -> dict[str, np.ndarray]:
    """The arrays saved beside the parameters: a Sequential model's running averages."""
    if getattr(model, "layers", None) is None:
        return {}
    return sequential.arrays(model)  # type: ignore[arg-type]


def read(
    path: str | Path, everything: bool = False
) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The metadata and arrays of an nndl file (model or checkpoint), with clear errors for
    bad files.

    The file is hostile until checked: the metadata is read first (at most
    :data:`nndl._files.MAX_METADATA_BYTES`) and checked (:func:`check_metadata`); the
    archive must hold exactly the arrays the metadata names, and each array's
    ``.npy`` header must give the shape the metadata implies, *before* anything
    is decompressed or allocated; an unknown member is refused without being
    read; the arrays' total size must fit the memory available; the parameters
    must be finite (loading refuses what saving refuses).  Only the model's own arrays are
    read, unless ``everything`` (a checkpoint resumed: its optimizer slots and callbacks'
    arrays too); the others' headers are checked, their data never decompressed.
    """
    p = check_model_path(path)
    with _files.Archive(p, "nndl model file") as archive:
        if METADATA_KEY not in archive.members:
            raise NNDLValueError(
                f"{str(p)!r} has no {METADATA_KEY!r} entry: it was not written by nndl's save()"
            )
        try:
            meta = json.loads(archive.text(METADATA_KEY))
        except (json.JSONDecodeError, RecursionError) as exc:
            raise NNDLValueError(f"{str(p)!r} has unreadable metadata: {exc}") from exc
        check_metadata(meta, p)
        shapes = expected_arrays(meta, p)
        names = set(archive.names) - {METADATA_KEY}
        prefixes = tuple(f"cb.{name}." for name in meta.get("callbacks") or {})
        unknown = sorted(k for k in names if k not in shapes and not k.startswith(prefixes))
        if unknown:
            raise NNDLValueError(
                f"{str(p)!r} holds arrays the metadata does not name: {unknown[:5]}; refused "
                "without reading them. A model file holds only W1, b1, …, WL, bL"
            )
        for key, shape in shapes.items():
            if key not in names:
                raise NNDLValueError(
                    f"{str(p)!r} lacks the array {key!r} (the file lists it among the "
                    "parameters): the file is damaged"
                )
            header = archive.header(key)
            if header.shape != shape or header.dtype.kind != "f":
                raise NNDLValueError(
                    f"{str(p)!r}: {key} has shape {header.shape} and dtype {header.dtype}; "
                    f"expected {shape} floating point for the model the metadata describes"
                )
        for key in names - set(shapes):
            if archive.header(key).dtype.kind not in "fiub":
                raise NNDLValueError(f"{str(p)!r}: the array {key!r} does not hold numbers")
        wanted = sorted(
            k for k in names if everything or (k in shapes and not k.startswith("opt."))
        )
        total = sum(archive.header(k).nbytes for k in wanted)
        archive.check_total(total)
        _files.check_memory(2 * total, f"loading {str(p)!r}")
        arrays = {k: archive.array(k) for k in wanted}
    for key in shapes:
        if not np.all(np.isfinite(arrays[key])):
            raise NNDLValueError(
                f"refusing to load {str(p)!r}: {key} holds NaN or infinite values (saving "
                "refuses those too). The file is damaged, or was written after training diverged"
            )
    return meta, arrays


def check_model_path(path: Any) -> Path:
    """``path`` (a str or path-like) as a Path, or a clear error: not a folder, and there."""
    if not isinstance(path, (str, os.PathLike)):
        raise NNDLTypeError(
            f"the path of a saved model must be a str or a pathlib.Path, such as 'model.npz'. "
            f"Received: {type(path).__name__} {path!r}"
        )
    p = Path(path)
    if str(path) == "":
        raise NNDLValueError("the path of a saved model is empty; pass a file such as 'model.npz'")
    if p.is_dir():
        raise NNDLValueError(
            f"{str(p)!r} is a directory, not a saved model: pass the .npz file inside it"
        )
    if not p.exists():
        raise FileNotFoundError(f"no saved model at {str(p)!r}: check the path")
    return p


def build(
    meta: dict[str, Any], arrays: dict[str, np.ndarray], path: str | Path
) -> Network | Sequential:
    """The network that ``read``'s metadata and arrays describe, its shapes checked."""
    if meta.get("model") == sequential.MODEL:
        return sequential.build(meta, arrays, Path(path))
    from nndl.model import activations
    from nndl.model.network import Network

    dims = [int(n) for n in meta["layer_dims"]]
    try:
        acts = [activations.get(c) for c in meta["activations"]]
        net = Network(dims, activations=acts, loss=meta["loss"], init="zeros", dtype=meta["dtype"])
    except (TypeError, ValueError) as exc:
        raise NNDLValueError(f"{str(path)!r} has malformed metadata: {exc}") from exc
    params = {}
    for k in net.params:
        if k not in arrays:
            raise NNDLValueError(
                f"{str(path)!r} lacks the array {k!r} (the file lists it among the parameters): "
                "the file is damaged"
            )
        expected = tuple(net.params[k].shape)
        a = arrays[k]
        if a.shape != expected or a.dtype.kind != "f":
            raise NNDLValueError(
                f"{str(path)!r}: {k} has shape {a.shape} and dtype {a.dtype}; expected "
                f"{expected} floating point for layer_dims={dims}"
            )
        params[k] = a.astype(net.dtype, copy=False)
    net.params = params
    net.l2 = float(meta.get("l2", 0.0))
    net.info = dict(meta.get("info", {}))
    return net


def check_metadata(meta: Any, path: Path) -> None:
    """Check the JSON metadata of a model or checkpoint file, key by key, before it is used:
    the format and version, ``layer_dims``, ``activations``, ``loss``, ``dtype``, ``l2``,
    ``params`` and ``info`` (its ``classes``, ``image_shape``, ``standardizer``,
    ``encoder`` and ``feature_names`` must fit ``layer_dims``)."""
    if not isinstance(meta, dict) or meta.get("format") not in (FORMAT, CHECKPOINT_FORMAT):
        raise NNDLValueError(f"{str(path)!r} is not an nndl model file (no 'format': 'nndl')")
    found = meta.get("format_version")
    if found != FORMAT_VERSION:
        raise NNDLValueError(
            f"{str(path)!r} has format_version={found!r}, but this nndl "
            f"({__version__}) reads format_version={FORMAT_VERSION}. It was written by "
            f"nndl {meta.get('nndl_version', '?')}: load it with that version"
        )
    if meta.get("model") == sequential.MODEL:  # layers in place of layer_dims
        if meta.get("dtype") not in ("float32", "float64"):
            raise _bad(path, "dtype", "'float32' or 'float64'", meta.get("dtype"))
        if not isinstance(meta.get("info", {}), dict):
            raise _bad(path, "info", "a JSON object", meta.get("info"))
        if meta["format"] == CHECKPOINT_FORMAT:
            _check_checkpoint(meta, path)
        return
    for key in ("layer_dims", "activations", "loss", "dtype", "params"):
        if key not in meta:
            raise NNDLValueError(
                f"{str(path)!r} metadata lacks the key {key!r}: the file is damaged"
            )
    dims = meta["layer_dims"]
    if not isinstance(dims, list) or len(dims) < 2 or not all(_is_int(n, 1) for n in dims):
        raise _bad(path, "layer_dims", "a list of at least two integers >= 1", dims)
    L = len(dims) - 1
    acts = meta["activations"]
    if not isinstance(acts, list) or len(acts) != L:
        raise _bad(path, "activations", f"a list of {L} activations (one per layer)", acts)
    if not all(isinstance(a, (str, dict)) for a in acts):
        raise _bad(path, "activations", "names or {'name': ...} objects", acts)
    if not isinstance(meta["loss"], (str, dict)):
        raise _bad(path, "loss", "a name or a {'name': ...} object", meta["loss"])
    if meta["dtype"] not in ("float32", "float64"):
        raise _bad(path, "dtype", "'float32' or 'float64'", meta["dtype"])
    l2 = meta.get("l2", 0.0)
    if isinstance(l2, bool) or not isinstance(l2, (int, float)) or not 0 <= l2 < float("inf"):
        raise _bad(path, "l2", "a number >= 0", l2)
    names = [f"{p}{l}" for l in range(1, L + 1) for p in ("W", "b")]
    if not isinstance(meta["params"], list) or sorted(map(str, meta["params"])) != sorted(names):
        raise _bad(path, "params", f"the list {names} for layer_dims={dims}", meta["params"])
    _check_info(meta.get("info", {}), dims, path)
    if meta["format"] == CHECKPOINT_FORMAT:
        _check_checkpoint(meta, path)


def _check_info(info: Any, dims: list[int], path: Path) -> None:
    if not isinstance(info, dict):
        raise _bad(path, "info", "a JSON object", info)
    n_x, n_y = dims[0], dims[-1]
    classes = info.get("classes")
    if classes is not None:
        wanted = n_y if n_y > 1 else 2
        ok = isinstance(classes, list) and all(isinstance(c, str) for c in classes)
        if not ok or not (len(classes) == wanted or (n_y == 1 and len(classes) == 1)):
            raise _bad(path, "info.classes", f"a list of {wanted} class names (n_y={n_y})", classes)
    shape = info.get("image_shape")
    if shape is not None:
        ok = isinstance(shape, list) and len(shape) == 3 and all(_is_int(v, 1) for v in shape)
        if not ok or shape[2] not in (1, 3) or shape[0] * shape[1] * shape[2] != n_x:
            raise _bad(
                path,
                "info.image_shape",
                f"[height, width, channels] with height*width*channels = n_x = {n_x}",
                shape,
            )
    scaler = info.get("standardizer")
    if scaler is not None:
        ok = isinstance(scaler, dict) and all(
            isinstance(scaler.get(k), list) and len(scaler[k]) == n_x for k in ("mean", "std")
        )
        if not ok:
            raise _bad(path, "info.standardizer", f"{{'mean': [...], 'std': [...]}} of {n_x}", "…")
    names = info.get("feature_names")
    if names is not None and (not isinstance(names, list) or len(names) != n_x):
        raise _bad(path, "info.feature_names", f"a list of {n_x} names", names)
    encoder = info.get("encoder")
    if encoder is not None:
        try:
            width = sum(
                1 if c["kind"] == "numeric" else len(c["categories"]) for c in encoder["columns"]
            )
        except (KeyError, TypeError) as exc:
            raise _bad(path, "info.encoder", "a saved CSV encoding", encoder) from exc
        if width != n_x:
            raise _bad(path, "info.encoder", f"a CSV encoding of {n_x} features", f"{width}")


def _check_checkpoint(meta: dict[str, Any], path: Path) -> None:
    checks: dict[str, tuple[Callable[[Any], bool], str]] = {
        "optimizer": (lambda v: isinstance(v, dict), "an object"),
        "step": (_is_int, "an integer >= 0"),
        "epoch": (_is_int, "an integer >= 0"),
        "slots": (lambda v: isinstance(v, list) and all(isinstance(s, str) for s in v), "names"),
        "history": (lambda v: isinstance(v, dict), "an object"),
        "options": (lambda v: isinstance(v, dict), "an object"),
        "callbacks": (lambda v: v is None or isinstance(v, dict), "an object"),
    }
    for key, (ok, expected) in checks.items():
        if key in meta and not ok(meta[key]):
            raise _bad(path, key, expected, meta[key])


def expected_arrays(meta: dict[str, Any], path: Path | None = None) -> dict[str, tuple[int, ...]]:
    """The arrays (name → shape) that checked metadata implies: ``W[l]`` ``(n[l], n[l-1])``,
    ``b[l]`` ``(n[l], 1)`` (a Sequential model's from its layers' configs) and, in a
    checkpoint, one ``opt.<slot>.<param>`` per slot and parameter."""
    shapes: dict[str, tuple[int, ...]] = {}
    if meta.get("model") == sequential.MODEL:
        shapes = sequential.expected_arrays(meta, Path(path or "model"))
        params = set(meta["params"])
    else:
        dims = meta["layer_dims"]
        for l in range(1, len(dims)):
            shapes[f"W{l}"] = (dims[l], dims[l - 1])
            shapes[f"b{l}"] = (dims[l], 1)
        params = set(shapes)
    if meta["format"] == CHECKPOINT_FORMAT:
        for slot in meta.get("slots") or []:
            for k in list(shapes):
                if k in params:
                    shapes[f"opt.{slot}.{k}"] = shapes[k]
    return shapes


def load(path: str | Path) -> Network | Sequential:
    """The network (or Sequential model) saved at ``path`` by :func:`save` (``net.save(path)``).

    Its predictions are bit-identical to those of the saved model (on NumPy).  The file is
    read with ``allow_pickle=False``: loading never runs code.

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.npz`` file.

    Returns
    -------
    Network or Sequential
        The model.

    Raises
    ------
    FileNotFoundError
        When there is no file at ``path``.
    NNDLValueError
        When the file is damaged or is not an nndl model (a training checkpoint's network
        is read as a model).
    """
    meta, arrays = read(path)
    return build(meta, arrays, path)


def load_network(path: str | Path) -> Network:
    """:func:`load` for a dense :class:`~nndl.Network` (what the command line takes).

    Parameters
    ----------
    path : str or pathlib.Path
        The ``.npz`` file.

    Returns
    -------
    Network
        The network.

    Raises
    ------
    NNDLValueError
        When the file holds a Sequential model, or cannot be loaded.
    """
    from nndl.model.network import Network

    model = load(path)
    if not isinstance(model, Network):
        raise NNDLValueError(
            f"{str(path)!r} holds a Sequential model (layers past dense); the command line "
            "evaluates dense networks: load it in Python with nndl.load(path)"
        )
    return model
