"""The training loop: epochs, mini-batches, optimizers, regularization, history.

:func:`fit` (what :meth:`nndl.Network.fit` calls) trains a network for a number
of epochs.  One epoch visits every training example once:

* ``batch_size=None`` (the default) is the course's batch gradient descent: one
  step per epoch on all m examples, in order;
* ``batch_size=B`` splits the examples, reshuffled every epoch from the seed,
  into ⌈m / B⌉ mini-batches (the last one keeps the m mod B left-over examples);
  ``batch_size=1`` is stochastic gradient descent.

Each step runs forward and backward propagation on the mini-batch (with L2 and
dropout when asked) and lets the optimizer update the parameters.  The history
records, for every epoch, the training cost (the example-weighted mean of the
mini-batch costs of that epoch, computed before each step, as the course does),
the training accuracy of those same forward passes, and the validation cost and
accuracy after the epoch.

Two engines run the steps.  The generic one uses the array API and runs on every
backend.  For NumPy arrays and mini-batches a specialised engine does the same
mathematics faster, dropout included: the examples are gathered as rows of a
sample-major copy of X, every parameter is a view of one flat buffer (so the
optimizer updates all of them with a few in-place passes) and every intermediate
array is a reused buffer.  With Numba installed, the elementwise passes of big
networks become compiled loops (:mod:`nndl.fused`) that give the same bits.
"""

from __future__ import annotations

import functools
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl import fused, optim
from nndl.backend import Array, FlatLayout, all_finite, from_numpy, namespace, to_numpy, to_scalar
from nndl.callbacks import (
    Callback,
    CostCallback,
    EarlyStopping,
    ModelCheckpoint,
    PrintCost,
    PrintEpochs,
    ProgressBar,
)
from nndl.errors import (
    DivergenceError,
    NNDLTypeError,
    NNDLValueError,
    check_int,
    diverged,
    require,
)
from nndl.optim import OptimizerState

if TYPE_CHECKING:
    from nndl.network import Network

ENGINES = ("auto", "generic", "numpy")

_FAST_HIDDEN = ("relu", "tanh", "sigmoid", "linear", "leaky_relu")
_FAST_OPTIMIZERS = (optim.GradientDescent, optim.Momentum, optim.RMSprop, optim.Adam)


class History(list[float]):
    """The cost of every epoch (the list itself), with the rest of the training record.

    ``history["cost"]``, ``history["accuracy"]``, ``history["val_cost"]``,
    ``history["val_accuracy"]`` and ``history["learning_rate"]`` hold one value per
    epoch (the keys that apply); ``epochs`` their epoch numbers.  ``interrupted``
    is True after Ctrl-C, ``stopped_early`` after early stopping (``best_epoch`` is
    the epoch whose parameters were restored), ``seed`` the seed of the shuffles
    and dropout masks.
    """

    def __init__(self, costs: Sequence[float] = ()) -> None:
        super().__init__(costs)
        self.history: dict[str, list[float]] = {"cost": list(costs)}
        self.epochs: list[int] = list(range(len(costs)))
        self.interrupted = False
        self.stopped_early = False
        self.best_epoch: int | None = None
        self.seed: int | None = None

    def record(self, epoch: int, logs: dict[str, float]) -> None:
        """Append one epoch's values."""
        self.append(logs["cost"])
        self.epochs.append(epoch)
        for k, v in logs.items():
            self.history.setdefault(k, []).append(v)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able copy (used by checkpoints)."""
        return {
            "history": {k: list(v) for k, v in self.history.items()},
            "epochs": list(self.epochs),
            "seed": self.seed,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> History:
        """The inverse of :meth:`to_dict`."""
        history = cls(data["history"].get("cost", []))
        history.history = {k: [float(x) for x in v] for k, v in data["history"].items()}
        history.epochs = [int(e) for e in data["epochs"]]
        history.seed = data.get("seed")
        return history


# ------------------------------------------------------------------ checks


def _fraction(name: str, value: Any, allow_zero: bool = True) -> float:
    ok = isinstance(value, (int, float, np.floating)) and not isinstance(value, bool)
    if not ok or not math.isfinite(float(value)) or not (0 <= value < 1):
        raise NNDLValueError(f"{name} must be a number in [0, 1). Received: {name}={value!r}")
    return float(value)


def _keep_probs(network: Network, dropout: float | Sequence[float]) -> list[float]:
    """Keep-probabilities ``1 − dropout`` of the hidden layers 1 … L−1."""
    hidden = network.L - 1
    rates = [dropout] * hidden if isinstance(dropout, (int, float)) else list(dropout)
    if len(rates) != hidden:
        raise NNDLValueError(
            f"dropout must be one rate for all {hidden} hidden layers or a list of {hidden} "
            f"rates. Received: dropout={dropout!r}"
        )
    return [1.0 - _fraction("dropout", r) for r in rates]


def _make_seed(seed: Any, network: Network) -> int:
    if seed is None:
        if isinstance(network.seed, (int, np.integer)) and not isinstance(network.seed, bool):
            return int(network.seed)
        return int(np.random.SeedSequence().entropy % 2**63)  # type: ignore[operator]
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise NNDLValueError(f"seed must be an integer >= 0 or None. Received: seed={seed!r}")
    return int(seed)


def epoch_rng(seed: int, epoch: int) -> np.random.Generator:
    """The random stream of one epoch (shuffle, dropout masks): a function of (seed, epoch) only.

    That is what makes a resumed run bit-identical to an uninterrupted one.
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, epoch)))


# ----------------------------------------------------------------- engines


def _epoch_draws(
    m: int, B: int, shuffle: bool, dropout: bool, make_rng: Callable[[], np.random.Generator]
) -> tuple[np.random.Generator | None, np.ndarray | None]:
    """An epoch's random stream, the same in both engines: the generator (made when the
    shuffle or dropout needs one) and the shuffled order (``None``: in order).  The
    permutation comes first; each mini-batch's dropout masks follow, layer by layer."""
    shuffled = shuffle and m > B
    rng = make_rng() if shuffled or dropout else None
    order = rng.permutation(m) if rng is not None and shuffled else None
    return rng, order


class _GenericEngine:
    """Mini-batch steps through the array API: any backend, dropout included."""

    def __init__(
        self,
        network: Network,
        optimizer: optim.Optimizer,
        X: Array,
        Y: Array,
        batch_size: int,
        shuffle: bool,
        keep_probs: list[float],
    ) -> None:
        self.net = network
        self.optimizer = optimizer
        self.X, self.Y = X, Y
        self.m = X.shape[1]
        self.batch_size = min(batch_size, self.m)
        self.shuffle = shuffle
        self.keep_probs = keep_probs if any(p < 1.0 for p in keep_probs) else None
        self.state = optimizer.init(network.params)

    def set_params(self, params: dict[str, np.ndarray]) -> None:
        dtype = self.net.dtype
        self.net.params = {
            k: from_numpy(np.asarray(v, dtype=dtype), self.X) for k, v in params.items()
        }

    def get_state(self) -> OptimizerState:
        return self.state

    def set_state(self, state: OptimizerState) -> None:
        slots = {
            s: {k: from_numpy(np.asarray(v, dtype=self.net.dtype), self.X) for k, v in d.items()}
            for s, d in state.slots.items()
        }
        self.state = OptimizerState(t=state.t, slots=slots)

    def run_epoch(
        self, epoch: int, learning_rate: float, make_rng: Callable[[], np.random.Generator]
    ) -> tuple[float, float | None]:
        net, X, Y, m, B = self.net, self.X, self.Y, self.m, self.batch_size
        xp = namespace(X)
        full = m <= B
        rng, order = _epoch_draws(m, B, self.shuffle, self.keep_probs is not None, make_rng)
        total, correct = 0.0, 0.0
        classify = net.task != "regression"
        for start in range(0, m, B):
            if full:
                Xb, Yb = X, Y
            elif order is None:
                Xb, Yb = X[:, start : start + B], Y[:, start : start + B]
            else:
                sel = from_numpy(order[start : start + B], X)
                Xb, Yb = xp.take(X, sel, axis=1), xp.take(Y, sel, axis=1)
            mb = Xb.shape[1]
            AL, caches = net._forward(Xb, keep_probs=self.keep_probs, rng=rng)
            J = to_scalar(net._cost(AL, caches, Yb))
            if not math.isfinite(J):
                raise diverged(f"the cost became {J}", learning_rate, epoch)
            grads = net._backward(AL, Yb, caches)
            params, state = self.optimizer.update(net.params, grads, self.state, learning_rate)
            bad = [k for k, v in params.items() if not all_finite(v)]
            if bad:
                raise diverged(
                    f"the update of {', '.join(bad)} became non-finite", learning_rate, epoch
                )
            net.params, self.state = params, state
            total += J * mb
            if classify:
                correct += net._correct(AL, Yb)
        return total / m, (correct / m if classify else None)


class _Buffers:
    """The reused arrays of one mini-batch size."""

    def __init__(
        self, dims: list[int], B: int, dtype: Any, sample_major: bool, dropped: list[bool]
    ) -> None:
        self.X = np.empty((B, dims[0]), dtype=dtype) if sample_major else None
        self.Z = [np.empty((n, B), dtype=dtype) for n in dims[1:]]  # Z[l-1] holds Z[l], then A[l]
        self.dA = [np.empty((n, B), dtype=dtype) for n in dims[1:-1]]
        self.mask = [np.empty((n, B), dtype=bool) for n in dims[1:-1]]
        # inverted dropout of hidden layer l: U ~ uniform, D = (U < keep) / keep, A·D
        hidden = list(zip(dims[1:-1], dropped, strict=True))
        self.U = [np.empty((n, B)) if d else None for n, d in hidden]  # float64, as rng.random
        self.D = [np.empty((n, B), dtype=dtype) if d else None for n, d in hidden]
        self.AD = [np.empty((n, B), dtype=dtype) if d else None for n, d in hidden]
        self.cols = np.arange(B)
        self.ones = np.ones((B, 1), dtype=dtype)  # db = dZ · 1 sums over the batch
        self.z_y = np.empty(B, dtype=dtype)  # the fused softmax's scratch
        self.s = np.empty(B, dtype=dtype)


class _NumpyEngine:
    """The same steps for NumPy arrays, in place over reused buffers.

    X is kept sample-major, ``(m, n_x)``, so a mini-batch is a gather of rows
    (contiguous copies) and ``Xb.T`` gives the course's ``(n_x, B)`` as a view;
    BLAS reads the transposed operand directly.  Parameters, gradients and the
    optimizer's slots are each one flat buffer; ``W[l]`` and ``b[l]`` are views.
    The 1/B of the gradient is applied once, to ``dZ[L]``.
    """

    def __init__(
        self,
        network: Network,
        optimizer: optim.Optimizer,
        X: np.ndarray,
        Y: np.ndarray,
        batch_size: int,
        shuffle: bool,
        keep_probs: list[float],
    ) -> None:
        self.net = network
        self.optimizer = optimizer
        self.dtype = np.dtype(network.dtype)
        self.keep_probs = keep_probs
        self.dropped = [p < 1.0 for p in keep_probs]
        self.m = X.shape[1]
        self.batch_size = min(batch_size, self.m)
        self.shuffle = shuffle
        self.dims = list(network.layer_dims)
        self.L = network.L
        self.Xs = np.ascontiguousarray(X.T)  # (m, n_x); a view when X = data.T
        self.softmax = network.output.name == "softmax"
        if self.softmax:
            self.labels = np.argmax(Y, axis=0)
            self.Ys = None
        else:
            self.labels = None
            self.Ys = np.ascontiguousarray(Y.T)
        self.layout = FlatLayout(network.params)
        total = self.layout.size
        self.theta = np.empty(total, dtype=self.dtype)
        self.grad = np.empty(total, dtype=self.dtype)
        self.work = np.empty(total, dtype=self.dtype)
        self.work2 = np.empty(total, dtype=self.dtype)
        self.step = np.empty(total, dtype=self.dtype)
        self.slots = {s: np.zeros(total, dtype=self.dtype) for s in optimizer.slot_names}
        self.t = 0
        self.params = self.layout.views(self.theta)
        self.grads = self.layout.views(self.grad)
        self.set_params({k: to_numpy(v) for k, v in network.params.items()})
        network.params = dict(self.params)
        self.W = [self.params[f"W{l}"] for l in range(1, self.L + 1)]
        self.b = [self.params[f"b{l}"] for l in range(1, self.L + 1)]
        self.dW = [self.grads[f"W{l}"] for l in range(1, self.L + 1)]
        self.db = [self.grads[f"b{l}"] for l in range(1, self.L + 1)]
        self.hidden = [g.name for g in network.activations[:-1]]
        self.buffers: dict[int, _Buffers] = {}
        # one compiled loop per update and per ReLU pass, where Numba is installed and the
        # network is big enough for that to pay for loading them (about 1.5 s per process)
        self.kernels = fused.kernels_for(self.dtype) if total >= fused.MIN_PARAMETERS else None

    @staticmethod
    def supports(network: Network, optimizer: optim.Optimizer) -> bool:
        from nndl import activations

        known = all(
            type(g) is activations.ACTIVATIONS.get(g.name) and g.name in _FAST_HIDDEN
            for g in network.activations[:-1]
        )
        return (
            known
            and network.fused_output
            and type(network.loss).name in ("logistic", "cross_entropy", "mse")
            and type(optimizer) in _FAST_OPTIMIZERS
        )

    def set_params(self, params: dict[str, np.ndarray]) -> None:
        for k, v in params.items():
            np.copyto(self.params[k], np.asarray(v, dtype=self.dtype))

    def get_state(self) -> OptimizerState:
        slots = {s: self.layout.views(flat) for s, flat in self.slots.items()}
        return OptimizerState(t=self.t, slots=slots)

    def set_state(self, state: OptimizerState) -> None:
        self.t = state.t
        for s, d in state.slots.items():
            views = self.layout.views(self.slots[s])
            for k, v in d.items():
                np.copyto(views[k], np.asarray(to_numpy(v), dtype=self.dtype))

    def _buffers(self, B: int) -> _Buffers:
        if B not in self.buffers:
            self.buffers[B] = _Buffers(self.dims, B, self.dtype, True, self.dropped)
        return self.buffers[B]

    def run_epoch(
        self, epoch: int, learning_rate: float, make_rng: Callable[[], np.random.Generator]
    ) -> tuple[float, float | None]:
        m, B = self.m, self.batch_size
        rng, order = _epoch_draws(m, B, self.shuffle, any(self.dropped), make_rng)
        total, correct = 0.0, 0
        for start in range(0, m, B):
            stop = min(start + B, m)
            buf = self._buffers(stop - start)
            if order is None:
                sel: np.ndarray | slice = slice(start, stop)
                Xb = self.Xs[start:stop]
            else:
                sel = order[start:stop]
                Xb = np.take(self.Xs, sel, axis=0, out=buf.X, mode="clip")  # unbuffered
            J, hits = self._step(Xb, sel, buf, epoch, learning_rate, rng)
            total += J * (stop - start)
            correct += hits
        classify = self.net.task != "regression"
        return total / m, (correct / m if classify else None)

    def _step(
        self,
        Xb: np.ndarray,
        sel: np.ndarray | slice,
        buf: _Buffers,
        epoch: int,
        learning_rate: float,
        rng: np.random.Generator | None,
    ) -> tuple[float, int]:
        net, L, k = self.net, self.L, self.kernels
        Bm = Xb.shape[0]
        # forward: Z[l] = W[l] A[l-1] + b[l], A[l] = g(Z[l]) in place
        A_prev = Xb.T
        for l in range(L):
            Z = buf.Z[l]
            np.matmul(self.W[l], A_prev, out=Z)
            name = self.hidden[l] if l < L - 1 else None  # the output's g comes below
            if name == "relu" and k is not None:
                k.bias_relu(Z, self.b[l])  # Z + b and max(Z, 0) in one pass
            else:
                Z += self.b[l]
                if name == "relu":
                    np.maximum(Z, 0, out=Z)
                elif name == "tanh":
                    np.tanh(Z, out=Z)
                elif name not in (None, "linear"):
                    np.copyto(Z, net.activations[l].forward(Z))
            A_prev = Z
            D = buf.D[l] if l < L - 1 else None
            if D is not None:  # the next layer sees A·D; Z's buffer keeps A for g'
                U, AD = buf.U[l], buf.AD[l]
                assert rng is not None and U is not None and AD is not None
                rng.random(out=U)
                np.less(U, self.keep_probs[l], out=buf.mask[l])
                np.copyto(D, buf.mask[l])
                D /= self.keep_probs[l]
                np.multiply(Z, D, out=AD)
                A_prev = AD
        # output and cost; dZ[L] = (A[L] − Y) / B, left in Z[L]'s buffer
        Z = buf.Z[L - 1]
        if self.softmax and k is not None:
            assert self.labels is not None
            y = self.labels[sel]
            hits = k.softmax_shift(Z, y, buf.z_y)  # Z −= column max; z_y = Z[y, cols]
            np.exp(Z, out=Z)
            k.softmax_grad(Z, y, buf.s, self.dtype.type(1.0 / Bm))  # (A[L] − Y) / B
            J = (float(np.log(buf.s).sum()) - float(buf.z_y.sum())) / Bm
        elif self.softmax:
            assert self.labels is not None
            y = self.labels[sel]
            cols = buf.cols
            hits = int(np.count_nonzero(np.argmax(Z, axis=0) == y))
            Z -= Z.max(axis=0, keepdims=True)
            z_y = Z[y, cols]
            np.exp(Z, out=Z)
            s = Z.sum(axis=0, keepdims=True)
            J = (float(np.log(s).sum()) - float(z_y.sum())) / Bm
            Z /= s
            Z[y, cols] -= 1.0
            Z *= 1.0 / Bm
        else:
            assert self.Ys is not None
            Yb = self.Ys[sel].T
            J = float(net.loss.value_from_Z(Z, Yb))
            if net.loss.name == "logistic":
                A = net.output.forward(Z)
                hits = int(np.count_nonzero(np.all((A > 0.5) == (Yb > 0.5), axis=0)))
                np.subtract(A, Yb, out=Z)
            else:
                hits = 0
                Z -= Yb
            Z *= 1.0 / Bm
        l2 = net.l2
        if l2 > 0:
            J += l2 / (2 * Bm) * sum(float(np.vdot(W, W)) for W in self.W)
        if not math.isfinite(J):
            raise diverged(f"the cost became {J}", learning_rate, epoch)
        # backward
        dZ = Z
        for l in range(L - 1, -1, -1):
            if l == 0:
                A_prev = Xb.T
            else:  # A[l-1], or A[l-1]·D[l-1] under dropout
                AD = buf.AD[l - 1]
                A_prev = buf.Z[l - 1] if AD is None else AD
            np.matmul(dZ, A_prev.T, out=self.dW[l])
            np.matmul(dZ, buf.ones, out=self.db[l])  # db = Σ over the batch, by BLAS
            if l2 > 0:
                self.dW[l] += (l2 / Bm) * self.W[l]
            if l > 0:
                dA = buf.dA[l - 1]
                np.matmul(self.W[l].T, dZ, out=dA)
                D = buf.D[l - 1]
                if D is not None:
                    dA *= D
                A = buf.Z[l - 1]
                name = self.hidden[l - 1]
                if name == "relu" and k is not None:
                    k.relu_backward(dA, A)
                elif name == "relu":
                    np.greater(A, 0, out=buf.mask[l - 1])
                    np.multiply(dA, buf.mask[l - 1], out=dA)
                elif name != "linear":
                    dA *= net.activations[l - 1].derivative(A, A)
                dZ = dA
        # update: a finite gradient gives a finite step (Adam's and RMSprop's are bounded),
        # so checking it first leaves θ at its last finite values
        finite = k.all_finite(self.grad) if k is not None else np.isfinite(self.grad.sum())
        if not finite:
            raise diverged("the gradient became non-finite", learning_rate, epoch)
        self.t += 1
        opt, theta, g, slots, t = self.optimizer, self.theta, self.grad, self.slots, self.t
        if k is None or not opt.step_fused(k, theta, g, slots, t, learning_rate):
            direction, scale = opt.step_flat(g, slots, t, learning_rate, self.work, self.work2)
            np.multiply(direction, scale, out=self.step)
            theta -= self.step  # θ := θ − scale · direction
        return J, hits


# ---------------------------------------------------------------- trainer


class Trainer:
    """One training run: the network, its optimizer and engine, the history, the callbacks.

    Callbacks receive it; they may read ``network``, ``history``, ``epochs`` and
    ``has_validation`` and set ``stop_training = True``.
    """

    def __init__(
        self,
        network: Network,
        optimizer: optim.Optimizer,
        schedule: optim.Schedule,
        epochs: int,
        seed: int,
        options: dict[str, Any],
    ) -> None:
        self.network = network
        self.optimizer = optimizer
        self.schedule = schedule
        self.epochs = epochs
        self.seed = seed
        self.options = options
        self.history = History()
        self.history.seed = seed
        self.stop_training = False
        self.has_validation = False
        self.start_epoch = 0
        self.engine: _GenericEngine | _NumpyEngine | None = None
        self.callbacks: list[Callback] = []
        # callbacks' states from the checkpoint being resumed, restored after on_train_begin
        self.resumed_callbacks: dict[str, tuple[dict[str, Any], dict[str, np.ndarray]]] = {}

    def set_params(self, params: dict[str, np.ndarray]) -> None:
        """Replace the network's parameters (NumPy arrays), wherever the engine keeps them."""
        if self.engine is not None:
            self.engine.set_params(params)
        else:
            self.network.params = {k: np.asarray(v) for k, v in params.items()}

    def optimizer_state(self) -> OptimizerState:
        """The optimizer's current state."""
        if self.engine is None:
            return OptimizerState()
        return self.engine.get_state()

    def save_checkpoint(self, path: str | Path) -> Path:
        """Write a checkpoint from which ``fit(..., resume_from=path)`` continues exactly."""
        from nndl import io

        return io.save_checkpoint(
            path,
            self.network,
            optimizer=self.optimizer,
            state=self.optimizer_state(),
            epoch=self.history.epochs[-1] if self.history.epochs else -1,
            history=self.history.to_dict(),
            options=self.options,
            callbacks={
                key: st for key, cb in _keyed(self.callbacks) if (st := cb.state()) is not None
            },
        )


def fit(
    network: Network,
    X: Array,
    Y: Array,
    learning_rate: float | optim.Schedule = 0.0075,
    epochs: int = 3000,
    *,
    optimizer: str | optim.Optimizer | dict[str, Any] | None = None,
    schedule: str | optim.Schedule | dict[str, Any] | None = None,
    batch_size: int | None = None,
    shuffle: bool = True,
    l2: float = 0.0,
    dropout: float | Sequence[float] = 0.0,
    validation_split: float = 0.0,
    validation_data: tuple[Array, Array] | None = None,
    early_stopping: bool | EarlyStopping = False,
    patience: int = 10,
    callbacks: Sequence[Callback] = (),
    checkpoint: str | Path | None = None,
    checkpoint_every: int = 1,
    resume_from: str | Path | None = None,
    verbose: int = 0,
    seed: int | None = None,
    print_every: int | None = None,
    callback: Callable[[int, float], None] | None = None,
    engine: str = "auto",
) -> History:
    """Train ``network`` on (X, Y) and return its :class:`History` (a list of epoch costs).

    See :meth:`nndl.Network.fit` for the arguments; this is the same function.
    """
    from nndl.network import _check_l2, _check_learning_rate

    epochs = check_int("epochs", epochs, minimum=0)
    opt = optim.get(optimizer)
    sched: optim.Schedule
    if isinstance(learning_rate, optim.Schedule):
        sched = learning_rate
    else:
        sched = optim.get_schedule(schedule, _check_learning_rate(learning_rate))
    if batch_size is not None:
        batch_size = check_int("batch_size", batch_size, minimum=1)
    network.l2 = _check_l2(l2)
    keep_probs = _keep_probs(network, dropout)
    validation_split = _fraction("validation_split", validation_split)
    if print_every is not None:
        print_every = check_int("print_every", print_every, minimum=1)
    checkpoint_every = check_int("checkpoint_every", checkpoint_every, minimum=1)
    if engine not in ENGINES:
        raise NNDLValueError(f"engine must be one of {', '.join(ENGINES)}. Received: {engine!r}")
    if not isinstance(verbose, (int, bool)) or verbose < 0:
        raise NNDLValueError(f"verbose must be 0, 1 or 2. Received: verbose={verbose!r}")
    if validation_data is not None and validation_split > 0:
        raise NNDLValueError(
            "give validation_data or validation_split, not both. Received: "
            f"validation_split={validation_split} and validation_data"
        )

    X, Y = network._check_data(X, Y)
    m_all = X.shape[1]
    the_seed = _make_seed(seed, network)
    resume = None
    if resume_from is not None:
        from nndl import io

        resume = io.load_checkpoint(resume_from, network)
        if resume.optimizer != opt.config():
            raise NNDLValueError(
                f"the checkpoint was trained with optimizer {resume.optimizer}, but fit was "
                f"called with {opt.config()}: resume with the same optimizer"
            )
        the_seed = resume.seed if resume.seed is not None else the_seed

    X_val: Array | None = None
    Y_val: Array | None = None
    if validation_data is not None:
        if not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2:
            raise NNDLTypeError(
                "validation_data must be a pair (X_val, Y_val) in the same layout as X and Y"
            )
        X_val, Y_val = network._check_data(*validation_data)
    elif validation_split > 0:
        n_val = math.ceil(validation_split * m_all)
        if n_val >= m_all:
            raise NNDLValueError(
                f"validation_split={validation_split} leaves no training examples out of {m_all}"
            )
        split_rng = np.random.default_rng(np.random.SeedSequence(the_seed, spawn_key=(1,)))
        order = split_rng.permutation(m_all)
        xp = namespace(X)
        val_idx = from_numpy(np.sort(order[:n_val]), X)
        train_idx = from_numpy(np.sort(order[n_val:]), X)
        X_val, Y_val = xp.take(X, val_idx, axis=1), xp.take(Y, val_idx, axis=1)
        X, Y = xp.take(X, train_idx, axis=1), xp.take(Y, train_idx, axis=1)

    options = {
        "batch_size": batch_size,
        "shuffle": bool(shuffle),
        "l2": network.l2,
        "dropout": [1.0 - p for p in keep_probs],
        "schedule": sched.config(),
        "seed": the_seed,
    }
    trainer = Trainer(network, opt, sched, epochs, the_seed, options)
    trainer.has_validation = X_val is not None

    if isinstance(opt, optim.LBFGS):
        if any(p < 1.0 for p in keep_probs):
            raise NNDLValueError("L-BFGS trains full batch without dropout: pass dropout=0")
        if resume is not None:
            raise NNDLValueError(
                "L-BFGS training cannot resume from a checkpoint: SciPy's L-BFGS-B keeps its "
                "curvature memory to itself, so a resumed run would not be the same run. To go "
                "on from the saved parameters, start a new fit on "
                "nndl.io.load_checkpoint(path).network"
            )
        return _fit_lbfgs(trainer, X, Y, X_val, Y_val, _callbacks(trainer, locals()))

    B = X.shape[1] if batch_size is None else batch_size
    use_numpy = (
        isinstance(X, np.ndarray)
        and _NumpyEngine.supports(network, opt)
        and (engine == "numpy" or (engine == "auto" and batch_size is not None))
    )
    if engine == "numpy" and not use_numpy:
        raise NNDLValueError(
            "engine='numpy' needs NumPy arrays, a matched output and loss, one of the optimizers "
            "gd, momentum, rmsprop, adam; use engine='auto'"
        )
    if use_numpy:
        trainer.engine = _NumpyEngine(network, opt, X, Y, B, bool(shuffle), keep_probs)
    else:
        trainer.engine = _GenericEngine(network, opt, X, Y, B, bool(shuffle), keep_probs)

    if resume is not None:
        trainer.set_params(resume.params)
        trainer.engine.set_state(resume.state)
        trainer.history = resume.history
        trainer.history.seed = the_seed
        trainer.start_epoch = resume.epoch + 1
        trainer.resumed_callbacks = resume.callbacks

    cbs = _callbacks(trainer, locals())
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        _loop(trainer, cbs, X_val, Y_val)
    return trainer.history


def _callbacks(trainer: Trainer, args: dict[str, Any]) -> list[Callback]:
    cbs: list[Callback] = list(args["callbacks"] or ())
    for cb in cbs:
        if not isinstance(cb, Callback):
            raise NNDLTypeError(
                "callbacks must be nndl.callbacks.Callback objects (use LambdaCallback to wrap "
                f"a function, or callback=f for f(epoch, cost)). Received: {cb!r}"
            )
    if args["callback"] is not None:
        cbs.append(CostCallback(args["callback"]))
    if args["print_every"] is not None:
        cbs.append(PrintCost(args["print_every"]))
    stopper = args["early_stopping"]
    if isinstance(stopper, EarlyStopping):
        cbs.append(stopper)
    elif stopper:
        cbs.append(EarlyStopping(patience=args["patience"]))
    if args["checkpoint"] is not None:
        cbs.append(ModelCheckpoint(args["checkpoint"], every=args["checkpoint_every"]))
    if args["verbose"] == 1:
        cbs.append(ProgressBar())
    elif args["verbose"] >= 2:
        cbs.append(PrintEpochs())
    return cbs


def _keyed(cbs: list[Callback]) -> list[tuple[str, Callback]]:
    """Each callback with a name for checkpoints: its class and its rank among that class."""
    seen: dict[str, int] = {}
    out = []
    for cb in cbs:
        name = type(cb).__name__
        out.append((f"{name}{seen.get(name, 0)}", cb))
        seen[name] = seen.get(name, 0) + 1
    return out


def _begin(trainer: Trainer, cbs: list[Callback]) -> None:
    """Start the callbacks; when resuming, hand each its state from the checkpoint."""
    trainer.callbacks = cbs
    for cb in cbs:
        cb.on_train_begin(trainer)
    for key, cb in _keyed(cbs):
        if key in trainer.resumed_callbacks:
            cb.restore(*trainer.resumed_callbacks[key])


def _evaluate(network: Network, X: Array, Y: Array) -> tuple[float, float | None]:
    """Cost (without the L2 term) and accuracy on held-out data."""
    AL, caches = network._forward(X)
    J = to_scalar(network._data_cost(AL, caches, Y))
    if network.task == "regression":
        return J, None
    return J, network._correct(AL, Y) / X.shape[1]


def _logs(
    trainer: Trainer,
    cost: float,
    accuracy: float | None,
    learning_rate: float | None,
    X_val: Array | None,
    Y_val: Array | None,
) -> dict[str, float]:
    logs = {"cost": cost}
    if accuracy is not None:
        logs["accuracy"] = accuracy
    if X_val is not None:
        val_cost, val_accuracy = _evaluate(trainer.network, X_val, Y_val)
        logs["val_cost"] = val_cost
        if val_accuracy is not None:
            logs["val_accuracy"] = val_accuracy
    if learning_rate is not None:
        logs["learning_rate"] = learning_rate
    return logs


def _loop(trainer: Trainer, cbs: list[Callback], X_val: Array | None, Y_val: Array | None) -> None:
    engine = trainer.engine
    assert engine is not None
    _begin(trainer, cbs)
    try:
        for epoch in range(trainer.start_epoch, trainer.epochs):
            learning_rate = trainer.schedule(epoch)
            try:
                cost, accuracy = engine.run_epoch(
                    epoch, learning_rate, functools.partial(epoch_rng, trainer.seed, epoch)
                )
            except DivergenceError as exc:
                exc.history = trainer.history  # type: ignore[attr-defined]
                raise
            logs = _logs(trainer, cost, accuracy, learning_rate, X_val, Y_val)
            trainer.history.record(epoch, logs)
            for cb in cbs:
                cb.on_epoch_end(trainer, epoch, logs)
            if trainer.stop_training:
                break
    except KeyboardInterrupt:
        trainer.history.interrupted = True
        print(
            f"\nTraining interrupted after {len(trainer.history.epochs)} epochs; "
            "returning the network trained so far.",
            file=sys.stderr,
        )
    finally:
        for cb in cbs:
            cb.on_train_end(trainer)


# ------------------------------------------------------------------ L-BFGS


def _fit_lbfgs(
    trainer: Trainer,
    X: Array,
    Y: Array,
    X_val: Array | None,
    Y_val: Array | None,
    cbs: list[Callback],
) -> History:
    """Full-batch L-BFGS over the flattened parameters (float64 on the SciPy side)."""
    minimize = require("scipy.optimize", "lbfgs", "optimizer='lbfgs'").minimize
    net = trainer.network
    opt = trainer.optimizer
    assert isinstance(opt, optim.LBFGS)
    layout = FlatLayout(net.params)
    x0 = layout.flatten(net.params)
    numpy_backend = isinstance(X, np.ndarray)
    evaluations: dict[str, Any] = {}

    def unflatten(x: np.ndarray) -> dict[str, Array]:
        out = {}
        for k, part in layout.views(x).items():
            part = part.astype(net.dtype, copy=False)
            out[k] = part if numpy_backend else from_numpy(part, X)
        return out

    def cost_and_grad(x: np.ndarray) -> tuple[float, np.ndarray]:
        net.params = unflatten(x)
        AL, caches = net._forward(X)
        J = to_scalar(net._cost(AL, caches, Y))
        if not math.isfinite(J):
            return math.inf, np.zeros_like(x)
        grads = net._backward(AL, Y, caches)
        g = layout.flatten(grads, prefix="d")
        evaluations["x"], evaluations["AL"] = x.copy(), AL
        return J, g

    epoch_counter = [trainer.start_epoch]

    def on_iteration(intermediate_result: Any) -> None:
        epoch = epoch_counter[0]
        epoch_counter[0] += 1
        net.params = unflatten(np.asarray(intermediate_result.x))
        J = float(intermediate_result.fun)
        accuracy = None
        if net.task != "regression":
            x = np.asarray(intermediate_result.x)
            if "x" in evaluations and np.array_equal(evaluations["x"], x):
                AL = evaluations["AL"]  # the accepted point is usually the last evaluated
            else:
                AL, _ = net._forward(X)
            accuracy = net._correct(AL, Y) / X.shape[1]
        logs = _logs(trainer, J, accuracy, None, X_val, Y_val)
        trainer.history.record(epoch, logs)
        for cb in cbs:
            cb.on_epoch_end(trainer, epoch, logs)
        if trainer.stop_training:
            raise StopIteration

    _begin(trainer, cbs)
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            result = minimize(
                cost_and_grad,
                x0,
                jac=True,
                method="L-BFGS-B",
                callback=on_iteration if trainer.epochs > 0 else None,
                options={
                    "maxiter": trainer.epochs,
                    "gtol": opt.gtol,
                    "ftol": opt.ftol,
                    "maxcor": opt.memory,
                },
            )
        if not np.all(np.isfinite(result.x)):
            raise diverged("L-BFGS reached non-finite parameters", None, len(trainer.history))
        net.params = unflatten(np.asarray(result.x))
        trainer.history.lbfgs_message = str(result.message)  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        trainer.history.interrupted = True
    finally:
        for cb in cbs:
            cb.on_train_end(trainer)
    return trainer.history
