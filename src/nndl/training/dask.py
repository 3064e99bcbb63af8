"""Training past one machine: Dask arrays on a ``dask.distributed`` cluster.

The data are Dask arrays in the course's layout, chunked along the examples:
``X`` is ``(n_x, m)`` cut into column blocks ``X_c`` of ``m_c`` examples, ``Y``
is ``(n_y, m)`` cut the same way.  The parameters are small; they travel, the
data stay where they live.

**Full batch** (``batch_size=None``).  The cost and the gradient are sums over
the examples, so every chunk's share is computed on the worker that holds it
and only the shares travel, summed in a tree::

    J  = (1/m) Σ_c Σ_{i∈c} L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾)
    dW[l] = (1/m) Σ_c dZ[l]_c A[l-1]_cᵀ          db[l] = (1/m) Σ_c Σ_{i∈c} dZ[l]_c

which are exactly the course's ``dW[l] = (1/m) dZ[l] A[l-1]ᵀ`` over all m
examples; then ``θ := θ − α dθ`` on the client.  The same parameters come out
as NumPy training on the same data (up to rounding).

**Mini-batches** (``batch_size=B``).  The chunks are visited one after
another (in a seeded random order each epoch); the worker that produces a
chunk runs mini-batch gradient descent over it (batches of B examples) and
sends back the updated parameters.  Only one chunk per worker thread is in
memory at a time, so data larger than the cluster's memory trains, computed
or read chunk by chunk from its source.

The cluster is a :class:`distributed.Client` or its scheduler's address
(``"tcp://10.0.0.5:8786"``); without one, the client already active in the
process is used, else Dask's local scheduler.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays.backend import FlatLayout, all_finite, to_numpy
from nndl.arrays.blocks import as_dask, is_blocked, whole_columns
from nndl.arrays.blocks import dask_module as _module
from nndl.errors import (
    NNDLValueError,
    ShapeError,
    diverged,
)
from nndl.model.update_rules import descend
from nndl.training import optimizers as optim
from nndl.training.history import History
from nndl.training.lbfgs import fit_lbfgs
from nndl.training.optimizers import OptimizerState
from nndl.training.options import FitOptions
from nndl.training.run import callbacks_for, make_seed, run_epochs, run_record
from nndl.training.trainer import Trainer

if TYPE_CHECKING:
    from nndl.model.network import Network

Params = dict[str, np.ndarray]

__all__ = ["as_dask", "cost_and_gradients", "fit_dask", "is_dask", "predict_dask"]

is_dask = is_blocked  # the name this module has always exported

TREE_FAN_IN = 8
"""How many gradient shares one reduction task sums."""

PERSIST_FRACTION = 0.5
"""``persist="auto"`` keeps the data in the cluster's memory when it takes at
most this fraction of the workers' total memory limit."""


def fit_dask(
    network: Network,
    X: Any,
    Y: Any,
    learning_rate: float = 0.0075,
    epochs: int = 3000,
    *,
    client: Any = None,
    persist: bool | str = "auto",
    **options: Any,
) -> list[float]:
    """Train ``network`` on Dask arrays X ``(n_x, m)`` and Y ``(n_y, m)``; the epoch costs.

    The options are :meth:`nndl.Network.fit`'s (``optimizer``, ``batch_size``, ``l2``,
    ``seed``, ``print_every``, ``callback``, ``callbacks``, ``early_stopping``,
    ``checkpoint``, ``verbose``, ``schedule``; see :data:`NOT_ON_DASK` for those that need
    the data in memory), run by the same loop.  ``batch_size=None`` is full batch: each
    step's gradient summed from the chunks where they live, then any optimizer's step on
    the client; ``optimizer="lbfgs"`` is full-batch L-BFGS on the same summed gradients; an
    integer B streams the chunks and runs mini-batch gradient descent over each (see the
    module's notes).  ``persist``: keep the chunks in the workers' memory between epochs
    (True), recompute or reread them every epoch (False), or ``"auto"``: persist when they
    fit in half the cluster's memory.

    The costs are those of the course: for full batch the cost of each epoch before its
    update; for mini-batches the example-weighted mean of the batches' costs; for L-BFGS the
    cost after each iteration.  The parameters end as NumPy arrays.  Raises
    :class:`~nndl.errors.DivergenceError` on a non-finite cost or update, leaving the
    parameters of the last finite step.
    """
    how = FitOptions.of(learning_rate=learning_rate, epochs=epochs, **options)
    return list(fit_blocked(network, X, Y, how, client=client, persist=persist))


NOT_ON_DASK = (
    "dropout",
    "validation_split",
    "validation_data",
    "resume_from",
    "engine",
    "sample_weight",
    "optimizer_state",
    "clip_value",
    "clip_norm",
)
"""The options of ``fit`` that need the data in one process's memory (or, for clipping, an
engine that clips: the chunks' steps do not)."""


def fit_blocked(
    network: Network,
    X: Any,
    Y: Any,
    options: FitOptions,
    *,
    client: Any = None,
    persist: bool | str = "auto",
) -> History:
    """:func:`fit_dask` with its options as one :class:`FitOptions` (what
    :func:`nndl.training.loop.fit` hands a Dask array to)."""
    dask = _module("dask")

    given = options.given(NOT_ON_DASK)
    if given:
        raise NNDLValueError(
            "training on Dask arrays takes every option of fit but "
            f"{', '.join(NOT_ON_DASK)}, which need the data in memory. Received: {', '.join(given)}"
        )
    opt = optim.get(options.optimizer)
    if options.batch_size is not None and not isinstance(opt, optim.GradientDescent):
        raise NNDLValueError(
            "mini-batches on Dask arrays run gradient descent over each chunk where it lives: "
            f"leave out optimizer or batch_size. Received: optimizer={opt.name!r} and "
            f"batch_size={options.batch_size}"
        )
    schedule = options.learning_schedule()
    network.l2 = options.l2
    client = _get_client(client)
    X, Y = _align(network, X, Y)
    if _should_persist(persist, client, X, Y):
        X, Y = (client.persist([X, Y]) if client is not None else dask.persist(X, Y))[:2]
    network.params = _numpy_params(network)
    chunks = Chunks(network, X, Y, client)
    seed = make_seed(options.seed, network)
    trainer = Trainer(
        network, opt, schedule, options.epochs, seed, run_record(options, [], schedule, seed)
    )
    cbs = callbacks_for(options)
    with _quiet_overflow():
        if isinstance(opt, optim.LBFGS):
            return fit_lbfgs(trainer, X, Y, None, None, cbs, engine=chunks)
        if options.batch_size is None:
            trainer.engine = FullBatchChunks(chunks, opt)  # type: ignore[assignment]
        else:
            trainer.engine = StreamedChunks(chunks, options.batch_size)  # type: ignore[assignment]
        run_epochs(trainer, cbs, None, None)
    return trainer.history


def predict_dask(network: Network, X: Any, proba: bool = False) -> Any:
    """Lazy predictions of ``network`` on a Dask X ``(n_x, m)``, chunked like X's columns:
    what ``network.predict(X)`` (or ``predict_proba`` with ``proba=True``) returns."""
    return network.predict_proba(X) if proba else network.predict(X)


# ---------------------------------------------------------------- engines


class Chunks:
    """The chunks of X and Y as a source of the cost and its gradient: every chunk's share
    computed where it lives and the shares summed (:func:`cost_and_gradients`); also
    L-BFGS's objective over the flattened parameters."""

    def __init__(self, network: Network, X: Any, Y: Any, client: Any) -> None:
        self.network = network
        self.client = client
        self.m = int(X.shape[1])
        self.blocks = list(zip(X.to_delayed().ravel(), Y.to_delayed().ravel(), strict=True))
        self.template = _template(network)
        self.layout = FlatLayout(network.params)
        self.dtype = network.dtype

    def __call__(self, params: Params) -> tuple[float, Params]:
        """``(J, grads)`` at ``params`` over all m examples, the L2 term included."""
        return cost_and_gradients(
            self.template, params, self.blocks, self.m, self.network.l2, self.client
        )

    def cost_and_gradient(self, x: np.ndarray) -> tuple[float, np.ndarray, int | None]:
        """L-BFGS's objective at the flat parameters ``x``: ``(J, ∇J, None)``."""
        J, grads = self(self.unflatten(x))
        if not math.isfinite(J):
            raise diverged(f"the cost became {J}", None)
        return J, self.layout.flatten(grads, prefix="d"), None

    def unflatten(self, x: np.ndarray) -> Params:  # copies: the chunks' tasks keep what they get
        return {k: part.astype(self.dtype) for k, part in self.layout.views(x).items()}

    def set_flat(self, x: np.ndarray) -> None:
        self.network.params = self.unflatten(np.asarray(x))


class FullBatchChunks:
    """Full-batch steps: the summed gradient of the chunks, then the optimizer's step
    (any optimizer) on the client."""

    def __init__(self, chunks: Chunks, optimizer: optim.Optimizer) -> None:
        self.chunks, self.optimizer = chunks, optimizer
        self.state = optimizer.init(chunks.network.params)

    def run_epoch(
        self, epoch: int, learning_rate: float, make_rng: Callable[[], np.random.Generator]
    ) -> tuple[float, float | None]:
        net = self.chunks.network
        J, grads = self.chunks(net.params)
        if not math.isfinite(J):
            raise diverged(f"the cost became {J}", learning_rate, epoch, l2=net.l2, m=self.chunks.m)
        params, state = self.optimizer.apply(net.params, grads, self.state, learning_rate)
        bad = [k for k, v in params.items() if not all_finite(v)]
        if bad:
            raise diverged(
                f"the update of {', '.join(bad)} became non-finite",
                learning_rate,
                epoch,
                l2=net.l2,
                m=self.chunks.m,
            )
        net.params, self.state = params, state
        return J, None

    def set_params(self, params: Params) -> None:
        self.chunks.network.params = {
            k: np.asarray(v, dtype=self.chunks.dtype) for k, v in params.items()
        }

    def get_state(self) -> OptimizerState:
        return self.state

    def set_state(self, state: OptimizerState) -> None:
        self.state = state


class StreamedChunks(FullBatchChunks):
    """Mini-batch gradient descent streamed chunk by chunk, each on the worker that holds it,
    in an order drawn from the epoch's random stream."""

    def __init__(self, chunks: Chunks, batch_size: int) -> None:
        super().__init__(chunks, optim.GradientDescent())
        self.batch_size = batch_size

    def run_epoch(
        self, epoch: int, learning_rate: float, make_rng: Callable[[], np.random.Generator]
    ) -> tuple[float, float | None]:
        net, chunks = self.chunks.network, self.chunks
        J, params = _streamed_epoch(
            chunks.template, net.params, chunks.blocks, learning_rate, self.batch_size,
            make_rng(), chunks.client,
        )  # fmt: skip
        if not math.isfinite(J):
            raise diverged(
                f"the cost became {J}", learning_rate, epoch, l2=net.l2, m=self.batch_size
            )
        net.params = params
        return J, None


def cost_and_gradients(
    template: Network,
    params: Params,
    blocks: Sequence[tuple[Any, Any]],
    m: int,
    l2: float,
    client: Any,
) -> tuple[float, Params]:
    """J and its gradients over all m examples: the chunks' shares summed in a tree.

    ``J = (1/m) Σ_c m_c J_c + (λ/2m) Σ ||W||²``, ``dW = (1/m) Σ_c m_c dW_c + (λ/m) W``
    (the L2 term is not a sum over examples, so it is added once, here).
    """
    dask = _module("dask")

    shares = [dask.delayed(_chunk_share)(template, params, Xc, Yc) for Xc, Yc in blocks]
    while len(shares) > 1:
        shares = [
            dask.delayed(_add_shares)(shares[i : i + TREE_FAN_IN])
            for i in range(0, len(shares), TREE_FAN_IN)
        ]
    total_cost, total_grads = _compute(shares[0], client)
    with _quiet_overflow():
        J = total_cost / m
        grads = {k: v / m for k, v in total_grads.items()}
        if l2 > 0:
            J += l2 / (2 * m) * sum(float(np.sum(W * W)) for k, W in params.items() if k[0] == "W")
            for k, W in params.items():
                if k[0] == "W":
                    grads["d" + k] = grads["d" + k] + (l2 / m) * W
    return J, grads


def _streamed_epoch(
    template: Network,
    params: Params,
    blocks: Sequence[tuple[Any, Any]],
    learning_rate: float,
    batch_size: int,
    rng: np.random.Generator,
    client: Any,
) -> tuple[float, Params]:
    """Mini-batch gradient descent, one chunk at a time, on the worker that holds the chunk.

    On a cluster the next chunk is produced (read, computed) while the current
    one trains, so at most two chunks are in memory at a time.
    """
    dask = _module("dask")

    order = [int(i) for i in rng.permutation(len(blocks))]
    seeds = [int(s) for s in rng.integers(2**31, size=len(order))]

    def fetch(i: int) -> Any:
        return blocks[i] if client is None else client.compute(list(blocks[i]))

    upcoming = fetch(order[0])
    cost_sum, seen = 0.0, 0
    for position in range(len(order)):
        Xc, Yc = upcoming
        if position + 1 < len(order):
            upcoming = fetch(order[position + 1])  # prefetch while this chunk trains
        task = dask.delayed(_train_chunk)(
            template, params, Xc, Yc, learning_rate, batch_size, seeds[position]
        )
        params, chunk_cost, count = _compute(task, client)
        del Xc, Yc  # release the chunk on the cluster
        cost_sum, seen = cost_sum + chunk_cost, seen + count
        if not math.isfinite(chunk_cost):
            break
    return cost_sum / max(seen, 1), params


# ----------------------------------------------------- on the workers


def _chunk_share(
    template: Network, params: Params, Xc: np.ndarray, Yc: np.ndarray
) -> tuple[float, Params]:
    """``(m_c J_c, {dW: m_c dW_c, …})``: a chunk's summed cost and summed gradients."""
    net = _with_params(template, params)
    with _quiet_overflow():
        J_c, grads = net.gradients(Xc, Yc)
    m_c = Xc.shape[1]
    return J_c * m_c, {k: np.asarray(to_numpy(v)) * m_c for k, v in grads.items()}


def _add_shares(shares: Sequence[tuple[float, Params]]) -> tuple[float, Params]:
    cost = sum(s[0] for s in shares)
    grads = {k: sum(s[1][k] for s in shares[1:]) + shares[0][1][k] for k in shares[0][1]}
    return cost, grads


def _train_chunk(
    template: Network,
    params: Params,
    Xc: np.ndarray,
    Yc: np.ndarray,
    learning_rate: float,
    batch_size: int,
    seed: int,
) -> tuple[Params, float, int]:
    """Mini-batch GD over one chunk: ``(parameters after it, Σ batch cost × batch size, m_c)``."""
    net = _with_params(template, params)
    m_c = Xc.shape[1]
    permutation = np.random.default_rng(seed).permutation(m_c)
    Xc, Yc = Xc[:, permutation], Yc[:, permutation]
    cost_sum = 0.0
    for start in range(0, m_c, batch_size):
        X_b, Y_b = Xc[:, start : start + batch_size], Yc[:, start : start + batch_size]
        with _quiet_overflow():
            J, grads = net.gradients(X_b, Y_b)
            new = descend(net.params, grads, learning_rate)
        cost_sum += J * X_b.shape[1]
        if not math.isfinite(J) or not all(all_finite(v) for v in new.values()):
            return params, math.inf, m_c
        net.params = new
    return {k: np.asarray(to_numpy(v)) for k, v in net.params.items()}, cost_sum, m_c


# ---------------------------------------------------------------- helpers


def _quiet_overflow() -> Any:
    """Overflow is reported as a DivergenceError; NumPy's warnings would only repeat it."""
    return np.errstate(over="ignore", invalid="ignore")


def _numpy_params(network: Network) -> Params:
    return {k: np.asarray(to_numpy(v), dtype=network.dtype) for k, v in network.params.items()}


def _template(network: Network) -> Network:
    """A NumPy-placed shallow copy of ``network`` without L2 (the client adds λ itself)."""
    template = network.copy()  # not pinned to a device: the chunks' NumPy arrays lead
    template.params = {}
    template.l2 = 0.0
    return template


def _with_params(template: Network, params: Params) -> Network:
    net = copy.copy(template)
    net.params = dict(params)
    return net


def _compute(task: Any, client: Any) -> Any:
    if client is not None:
        return client.compute(task).result()
    dask = _module("dask")

    return dask.compute(task)[0]


def _get_client(client: Any) -> Any:
    """A distributed Client from a Client, an address, or the one already active (else None)."""
    if client is None:
        try:
            return _module("distributed").get_client()
        except (ImportError, ValueError):
            return None
    if isinstance(client, str):
        return _module("distributed").Client(client)
    return client


def _align(network: Network, X: Any, Y: Any) -> tuple[Any, Any]:
    """X with whole columns per chunk, and Y (Dask or not) chunked exactly like X's columns."""
    da = _module("dask.array")

    X = whole_columns(X, network.n_x)
    if not is_blocked(Y):
        Y = np.asarray(to_numpy(Y))
    if Y.ndim != 2 or Y.shape[1] != X.shape[1]:
        raise ShapeError(
            f"Y must have shape (n_y, m) with m = {X.shape[1]} columns like X. "
            f"Received: Y.shape={tuple(Y.shape)}. Use Y.reshape(1, -1) for one row of labels."
        )
    if not is_blocked(Y):
        Y = da.from_array(Y, chunks=(-1, X.chunks[1]))
    if Y.chunks[1] != X.chunks[1] or len(Y.chunks[0]) != 1:
        Y = Y.rechunk({0: -1, 1: X.chunks[1]})
    return X, Y


def _should_persist(persist: bool | str, client: Any, X: Any, Y: Any) -> bool:
    if persist not in (True, False, "auto"):
        raise NNDLValueError(f"persist must be True, False or 'auto'. Received: {persist!r}")
    if persist != "auto":
        return bool(persist)
    if client is None:
        return False
    workers = client.scheduler_info().get("workers", {})
    limits = [w.get("memory_limit") or 0 for w in workers.values()]
    if not limits or min(limits) <= 0:
        return False
    return float(X.nbytes + Y.nbytes) <= PERSIST_FRACTION * float(sum(limits))
