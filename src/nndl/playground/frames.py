"""What the page draws, computed from the network: one binary message per update.

A message is ``uint32 n`` (little-endian), ``n`` bytes of JSON (the header), then the
payload.  A frame's header holds the epoch, costs, gradient norms, weights and where each
map sits in the payload; the payload holds the maps over a ``G × G`` grid of (x1, x2):

* the boundary: ``ŷ = A[L]`` as bytes 0…255 (one channel; one per class for softmax);
* one map per hidden unit: ``A[l]`` of that unit as signed bytes ``round(127 a / s)``,
  with ``s = 1`` for tanh and sigmoid and ``s = max |a|`` over the grid otherwise
  (the header gives ``s``).

All maps come from one forward pass of the ``(n_x, G²)`` grid, computed into buffers kept
from frame to frame (:class:`GridMaps`); a pass that meets a value that is not finite is
drawn again by the plain path (:func:`plain_maps`: ``Network.forward`` and
``numpy.nan_to_num``), which gives the same bytes whenever both apply.
"""

from __future__ import annotations

import json
import math
import struct
from typing import Any

import numpy as np

from nndl.arrays.backend import to_scalar
from nndl.model.network import Network

from .spec import Problem

GRID = 100


def pack(header: dict[str, Any], payload: bytes | memoryview = b"") -> bytes:
    """One binary message: length of the JSON header, the header, the payload (copied once)."""
    text = json.dumps(header, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return b"".join((struct.pack("<I", len(text)), text, payload))


def unpack(message: bytes) -> tuple[dict[str, Any], bytes]:
    """The inverse of :func:`pack`."""
    (n,) = struct.unpack_from("<I", message)
    header: dict[str, Any] = json.loads(message[4 : 4 + n].decode("utf-8"))
    return header, message[4 + n :]


def domain(problem: Problem) -> tuple[float, float, float, float]:
    """The square window ``(x1_min, x1_max, x2_min, x2_max)`` around every point, padded 10%."""
    P = problem.P_train if problem.P_test is None else np.hstack([problem.P_train, problem.P_test])
    low, high = P.min(axis=1), P.max(axis=1)
    center, half = (low + high) / 2, float(np.max(high - low)) / 2 * 1.1 + 1e-6
    return (
        float(center[0] - half),
        float(center[0] + half),
        float(center[1] - half),
        float(center[1] + half),
    )


def grid_points(window: tuple[float, float, float, float], size: int = GRID) -> np.ndarray:
    """``(2, size²)``: cell centres, row by row from the top (x2 falls as the row grows)."""
    x1_min, x1_max, x2_min, x2_max = window
    step1, step2 = (x1_max - x1_min) / size, (x2_max - x2_min) / size
    x1 = x1_min + step1 * (np.arange(size) + 0.5)
    x2 = x2_max - step2 * (np.arange(size) + 0.5)
    g1, g2 = np.meshgrid(x1, x2)
    return np.stack([g1.ravel(), g2.ravel()])


def _finite(value: float | None) -> float | None:
    """``value`` for JSON: ``None`` when missing or not finite."""
    return None if value is None or not np.isfinite(value) else float(value)


def _floats(array: Any) -> Any:
    """A NumPy array as nested lists of floats for JSON, ``None`` where not finite."""
    a = np.asarray(array, dtype=np.float64)
    if np.isfinite(a).all():  # the usual case: the same floats, without a call per value
        return a.tolist()
    if a.ndim > 1:
        return [_floats(row) for row in a]
    return [_finite(float(v)) for v in a]


def _quantize(values: np.ndarray, low: int, high: int, dtype: Any) -> bytes:
    """Round, clip to [low, high] (NaN → 0) and pack as ``dtype``."""
    q = np.clip(np.nan_to_num(np.rint(values)), low, high)
    return bytes(q.astype(dtype).tobytes())


Maps = tuple[int, bytes | memoryview, list[Any]]
"""What a frame draws: the outputs (channels of the boundary), the payload, the unit scales."""

BOUNDED = ("tanh", "sigmoid")
"""Hidden activations whose maps are scaled by 1 (their values lie in [−1, 1])."""


def plain_maps(net: Network, grid: np.ndarray) -> Maps:
    """The maps from ``net.forward(grid)``, non-finite values made finite (``nan_to_num``)."""
    AL, caches = net.forward(grid)  # one batched pass: boundary and every unit
    payload = [_quantize(np.asarray(AL) * 255, 0, 255, np.uint8)]
    units = []
    for l, cache in enumerate(caches[:-1], start=1):
        A = np.nan_to_num(np.asarray(cache.A, dtype=np.float64))
        bounded = net.activations[l - 1].name in BOUNDED
        scale = np.ones(len(A)) if bounded else np.maximum(np.abs(A).max(axis=1), 1e-12)
        payload.append(_quantize(A * (127 / scale[:, None]), -127, 127, np.int8))
        units.append(_floats(scale))
    return int(AL.shape[0]), b"".join(payload), units


class GridMaps:
    """The maps of :func:`plain_maps`, computed into buffers kept from frame to frame.

    ``Z[l] = W[l] A[l-1] + b[l]`` and ``A[l] = g(Z[l])`` overwrite one buffer per layer
    (``tanh`` and ``relu`` in place, other activations copied in), each map is scaled,
    rounded and clipped in one scratch buffer and cast into its place in one payload.
    The same operations on the same values as :func:`plain_maps`, so the same bytes: the
    hidden maps are scaled in float64 as there, and ``max |a|`` is ``max(max a, −min a)``.
    ``nan_to_num`` is skipped, so a layer whose values are not all finite (its sum is not)
    gives ``None``, and the caller draws the frame with :func:`plain_maps`.
    """

    def __init__(self, grid: np.ndarray) -> None:
        self.grid = grid
        self.dims: tuple[int, ...] = ()
        self.Z: list[np.ndarray] = []
        self.scratch = np.empty(0)
        self.wide = np.empty(0)
        self.payload = np.empty(0, dtype=np.uint8)

    def _fits(self, net: Network) -> bool:
        """Whether ``net``'s parameters are NumPy arrays in the grid's dtype (the buffers
        are made, or made again, for its layer sizes)."""
        grid, dims = self.grid, tuple(net.layer_dims)
        for value in net.params.values():
            if type(value) is not np.ndarray or value.dtype != grid.dtype:
                return False
        if dims != self.dims:
            m = grid.shape[1]
            self.Z = [np.empty((n, m), dtype=grid.dtype) for n in dims[1:]]
            self.scratch = np.empty((dims[-1], m), dtype=grid.dtype)
            self.wide = np.empty((max(dims[1:]), m), dtype=np.float64)
            self.payload = np.empty(sum(dims[1:]) * m, dtype=np.uint8)
            self.dims = dims
        return True

    def draw(self, net: Network) -> Maps | None:
        """The maps of ``net`` over the grid, or ``None`` (not NumPy, or not finite)."""
        if type(self.grid) is not np.ndarray or not self._fits(net):
            return None
        A = self.grid
        for l, g in enumerate(net.activations, start=1):
            Z = self.Z[l - 1]
            np.matmul(net.params[f"W{l}"], A, out=Z)
            Z += net.params[f"b{l}"]
            if g.name == "tanh":
                np.tanh(Z, out=Z)
            elif g.name == "relu":
                np.maximum(Z, 0, out=Z)
            elif g.name != "linear":
                np.copyto(Z, g.forward(Z))
            if not math.isfinite(float(Z.sum())):
                return None
            A = Z
        m, payload = self.grid.shape[1], self.payload
        AL = self.Z[-1]
        n_y = AL.shape[0]
        T = self.scratch
        np.multiply(AL, 255, out=T)
        np.rint(T, out=T)
        np.clip(T, 0, 255, out=T)
        np.copyto(payload[: n_y * m].reshape(n_y, m), T, casting="unsafe")
        offset, units = n_y * m, []
        for l, A in enumerate(self.Z[:-1], start=1):
            n = A.shape[0]
            if net.activations[l - 1].name in BOUNDED:
                scale = np.ones(n)
            else:
                top = np.maximum(A.max(axis=1), -A.min(axis=1)).astype(np.float64)
                scale = np.maximum(top, 1e-12)
            T = self.wide[:n]
            np.multiply(A, 127 / scale[:, None], out=T)
            np.rint(T, out=T)
            np.clip(T, -127, 127, out=T)
            place = payload[offset : offset + n * m].view(np.int8).reshape(n, m)
            np.copyto(place, T, casting="unsafe")
            offset += n * m
            units.append(_floats(scale))
        return n_y, payload.data, units


class FrameBuilder:
    """Builds the frames of one problem; the grid's inputs are computed once."""

    def __init__(self, problem: Problem, size: int = GRID) -> None:
        self.problem = problem
        self.size = size
        self.window = domain(problem)
        net = problem.network
        self.grid = np.asarray(problem.inputs(grid_points(self.window, size)), dtype=net.dtype)
        self.maps = GridMaps(self.grid)
        self.checked: dict[str, tuple[Any, Any]] = {}  # the training data, checked, by dtype

    def _data(self, net: Network) -> tuple[Any, Any]:
        """The training set as ``net.check_data`` gives it (checked once per dtype)."""
        if net.dtype not in self.checked:
            self.checked[net.dtype] = net.check_data(self.problem.X, self.problem.Y)
        return self.checked[net.dtype]

    def build(
        self,
        net: Network,
        epoch: int,
        logs: dict[str, float] | None,
        curve: list[list[float | None]],
        extra: dict[str, Any],
    ) -> bytes:
        """The frame of ``net`` after ``epoch`` epochs (``logs``: that epoch's history)."""
        problem = self.problem
        with np.errstate(all="ignore"):  # a diverging network still gets drawn
            outputs, payload, units = self.maps.draw(net) or plain_maps(net, self.grid)
            X, Y = self._data(net)  # net.gradients(X, Y), its forward kept for the hint
            AL, caches = net.forward_pass(X)
            J = to_scalar(net.full_cost(AL, caches, Y))
            grads = net.backward_pass(AL, Y, caches)  # full batch, at these parameters
            L = net.L
            weights = [
                {"W": _floats(net.params[f"W{l}"]), "b": _floats(np.ravel(net.params[f"b{l}"]))}
                for l in range(1, L + 1)
            ]
            norms = [float(np.linalg.norm(np.asarray(grads[f"dW{l}"]))) for l in range(1, L + 1)]
            if logs is None:  # before training: the costs at the initial parameters
                logs = {"cost": J}
                if problem.X_test is not None:
                    logs["val_cost"] = net.cost(problem.X_test, problem.Y_test)
        header = {
            "type": "frame",
            "epoch": epoch,
            "cost": _finite(logs.get("cost")),
            "test_cost": _finite(logs.get("val_cost")),
            "accuracy": _finite(logs.get("accuracy")),
            "test_accuracy": _finite(logs.get("val_accuracy")),
            "curve": [[e, _finite(c), _finite(t)] for e, c, t in curve],
            "grad_norms": [_finite(n) for n in norms],
            "stall": stall_hint(net, X, norms, logs.get("cost"), caches),
            "weights": weights,
            "size": self.size,
            "outputs": outputs,
            "unit_scales": units,
            **extra,
        }
        return pack(header, payload)


VANISHING = 1e-5
"""Below this ‖dW[l]‖ a hidden layer barely learns (vanishing gradients)."""
UNTRAINED = 0.1
"""A cost above this is a network that still has something to learn."""


def stall_hint(
    net: Network, X: Any, norms: list[float], cost: float | None, caches: list[Any] | None = None
) -> str | None:
    """Why the network cannot learn, and how to fix it, in one sentence (None if it can):
    a diverging cost; a ReLU layer dead on every training example (its units never
    positive, so no gradient reaches the layers below); or hidden layers whose gradients
    vanish (‖dW[l]‖ < 1e-5) while the cost is still high.  ``caches``: those of
    ``net.forward(X)`` when the caller has them."""
    if cost is not None and not math.isfinite(cost):
        return (
            "The cost diverged (it is no longer a finite number): lower the learning rate, "
            "for example to a tenth."
        )
    if cost is None or cost < UNTRAINED:
        return None
    if caches is None:
        _, caches = net.forward(X)
    for l, cache in enumerate(caches[:-1], start=1):
        if net.activations[l - 1].name == "relu" and not bool(np.any(np.asarray(cache.A) > 0)):
            return (
                f"Layer {l}'s ReLUs are dead: Z[{l}] < 0 for every example, so its gradient is 0 "
                "and nothing reaches the layers below. He initialization, a smaller learning "
                "rate or leaky ReLU helps."
            )
    small = [l for l, n in enumerate(norms[:-1], start=1) if n < VANISHING]
    if small:
        l = small[0]
        relu = any(g.name == "relu" for g in net.activations[:-1])
        fix = (
            "He initialization helps"
            if relu and net.init != "he"
            else "a larger initialization (He or Xavier) helps"
        )
        return (
            f"Layer {l}'s gradients are ~{norms[l - 1]:.0e}: with {net.L - 1} hidden layers "
            f"they vanish on the way down, so the early layers barely learn; {fix}."
        )
    return None
