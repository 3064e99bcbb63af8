"""The full-batch engine: the course's batch gradient descent on NumPy arrays, in place.

For ``fit(X, Y)`` with ``batch_size=None`` on NumPy arrays (no dropout).  Small networks
such as the course's planar ``[2, 4, 1]`` spend their time in the fixed cost of each
NumPy call, not in arithmetic, so an epoch here is the fewest calls that compute it:
every intermediate is a buffer made once (``out=`` everywhere), ``g'`` comes from ``A``
(``1 − A²`` for tanh, ``A > 0`` for ReLU), the sigmoid output and its logistic cost share
``e^(−|z|)``, the ``1/m`` of every ``dW[l]`` and ``db[l]`` is one pass over the flat
gradient, and no array namespace is looked up.  :meth:`FullBatchEngine.run_epochs` runs
several epochs in one call when nothing needs to act between them (the loop asks the
callbacks which epochs they need; :meth:`nndl.training.callbacks.Callback.next_epoch_end`).

The arithmetic is the generic engine's, operation for operation and in the same order
(:meth:`nndl.model.network.Network.forward_pass`, ``data_cost`` and ``backward_pass``
with ``θ := θ − α dθ``): the same products in the same layouts, the same ufuncs, so
every cost and parameter is the same to the bit with gradient descent (the course's),
momentum and RMSprop.  The optimizer's step is the NumPy engine's
(:meth:`nndl.training.numpy_engine.NumpyEngine.update`), over the same flat buffers, with
NumPy passes only (the compiled kernels would cost more to load than they save here);
Adam's in-place step rounds its bias correction in another order than its functional
form, so with Adam the parameters agree with the generic engine's to rounding (relative
4e-15 in float64 after 200 steps), as the NumPy engine's always have.

A wide X (the cat pictures: 12,288 features, 209 examples) changes two things, each equal
to the generic engine to rounding, not to the bit.  ``dW[1] = dZ[1] Xᵀ`` reads a
sample-major copy of X.  And with gradient descent ``W[1] X`` is not computed every epoch:
the step ``W[1] := W[1] − (α/m) dZ[1] Xᵀ`` moves it by ``−(α/m) dZ[1] (XᵀX)``, a product
with the ``(m, m)`` Gram matrix made once, so X is read once an epoch instead of twice
(computed again from ``W[1]`` at every :data:`GRAM_EVERY`-th epoch, which keeps the
rounding from growing, after a checkpoint, and when ``W[1]`` changed between two calls of
the engine, so that the numbers depend neither on how the epochs are split into calls nor
on resuming from a checkpoint).

Per epoch, for layer l = 1 … L (``A[0] = X``, ``(n_x, m)``)::

    Z[l] = W[l] A[l-1] + b[l]            A[l] = g[l](Z[l])   (over Z[l]'s buffer)
    J    = (1/m) Σ (softplus(z) − y z)    from Z[L]           (sigmoid + logistic)
    dZ[L] = A[L] − Y
    dW[l] = (1/m) dZ[l] A[l-1]ᵀ,   db[l] = (1/m) Σ_i dZ[l],   dA[l-1] = W[l]ᵀ dZ[l]
    dZ[l-1] = dA[l-1] * g'(A[l-1])
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np

from nndl.errors import DivergenceError, diverged
from nndl.model.activations import Activation
from nndl.training import optimizers as optim
from nndl.training.numpy_engine import NumpyEngine

if TYPE_CHECKING:
    from nndl.model.network import Network

_LINEAR, _RELU, _TANH, _OTHER = range(4)

WIDE_X = 1024
"""The fewest features for which ``dW[1]`` reads a sample-major copy of X."""

GRAM_EVERY = 50
"""Epochs that ``W[1] X`` follows the Gram recurrence before it is computed again."""

GRAM_BYTES = 64 << 20
"""The largest Gram matrix ``XᵀX`` (bytes) the engine keeps."""
_KINDS = {"linear": _LINEAR, "relu": _RELU, "tanh": _TANH}


class FullBatchEngine(NumpyEngine):
    """Batch gradient descent on NumPy arrays with the generic engine's bits, in place.

    ``X`` ``(n_x, m)`` and ``Y`` ``(n_y, m)`` are used as given (no copy, same layout
    as the generic engine's products).  Buffers, per layer l: ``Z[l]`` ``(n[l], m)``
    (holding ``A[l]`` for a hidden layer), ``dA[l]`` and a scratch array of that shape;
    for the sigmoid output, ``e^(−|z|)``, ``σ(|z|)``, ``A[L]`` and a mask.
    """

    def __init__(
        self,
        network: Network,
        optimizer: optim.Optimizer,
        X: np.ndarray,
        Y: np.ndarray,
        clip_value: float | None = None,
        clip_norm: float | None = None,
    ) -> None:
        self.net = network
        self.optimizer = optimizer
        self.clip_value, self.clip_norm = clip_value, clip_norm  # applied by update()
        self.X, self.Y = X, Y
        self.m = X.shape[1]
        self.batch_size = self.m
        self.flat_parameters(network, optimizer)
        self.kernels = None  # NumPy passes: loading the compiled kernels costs more here
        self.before = self.theta.copy()
        m, dtype = self.m, self.dtype
        self.Z = [np.empty((n, m), dtype=dtype) for n in self.dims[1:]]
        # A wide X (the cat pictures' 12,288 features): dW[1] = dZ[1] Xᵀ reads a sample-major
        # copy of X, the layout in which a BLAS runs that product fastest.
        self.XT: np.ndarray | None = None
        if self.sample_major(X):
            self.XT = np.ascontiguousarray(X.T)
        # Gradient descent keeps W[1]'s change in the span of the examples (dW[1] = (1/m)
        # dZ[1] Xᵀ), so W[1] X can follow the step through the (m, m) Gram matrix XᵀX.
        self.gram: np.ndarray | None = None
        self.ZX: np.ndarray | None = None  # W[1] X, without b[1]
        if self.XT is not None and self.follows_gram(optimizer, clip_value, clip_norm):
            self.gram = np.matmul(self.XT, X)
            self.ZX = np.empty((self.dims[1], m), dtype=dtype)
            self.GdZ = np.empty_like(self.ZX)
        self.fresh = False  # whether ZX is W[1] X of the W[1] the next epoch starts from
        self.W1_seen = np.empty_like(self.W[0]) if self.ZX is not None else None
        self.dA = [np.empty((n, m), dtype=dtype) for n in self.dims[1:-1]]
        self.T = [np.empty((n, m), dtype=dtype) for n in self.dims[1:]]
        self.mask = [np.empty((n, m), dtype=bool) for n in self.dims[1:]]
        self.db_rows = [db[:, 0] for db in self.db]  # (n,) views, where Σ_i dZ lands
        self.g: list[Activation] = list(network.activations)
        self.kinds = [_KINDS.get(g.name, _OTHER) for g in self.g[:-1]]
        self.sigmoid = network.output.name == "sigmoid"
        self.classify = network.task != "regression"
        n_y = self.dims[-1]
        if self.sigmoid:  # e^(−|z|), σ(|z|), A[L], (A[L] > 0.5) and Y as booleans
            self.E = np.empty((n_y, m), dtype=dtype)
            self.P = np.empty((n_y, m), dtype=dtype)
            self.AL = np.empty((n_y, m), dtype=dtype)
            self.hit = np.empty((n_y, m), dtype=bool)
            self.Y_true = np.asarray(Y == 1)

    def sample_major(self, X: np.ndarray) -> bool:
        """Whether ``dW[1] = dZ[1] Xᵀ`` reads a sample-major copy of ``X``: for at least
        :data:`WIDE_X` features, ``2¹⁶`` entries and at most 256 MiB (a copy made once;
        OpenBLAS takes about 0.7 of the time of the feature-major product there).  That
        product's sums then run in another order: the numbers equal the generic engine's
        to rounding, not to the bit."""
        n_x, m = X.shape
        return n_x >= WIDE_X and n_x * m >= 1 << 16 and X.nbytes <= 256 << 20

    def follows_gram(
        self, optimizer: optim.Optimizer, clip_value: float | None, clip_norm: float | None
    ) -> bool:
        """Whether ``W[1] X`` follows each step through the Gram matrix ``XᵀX`` instead of
        being computed again: with gradient descent (the step ``−α dW[1]`` is ``−(α/m)
        dZ[1] Xᵀ``, plus ``−(αλ/m) W[1]`` under L2; with clipping, momentum or Adam it is
        not), for a wide X (:meth:`sample_major`) of at most a quarter as many examples as
        features, and a Gram matrix of at most :data:`GRAM_BYTES`."""
        n_x, m = self.X.shape
        return (
            type(optimizer) is optim.GradientDescent
            and clip_value is None
            and clip_norm is None
            and 4 * m <= n_x
            and m * m * self.X.itemsize <= GRAM_BYTES
        )

    @staticmethod
    def takes(network: Network, optimizer: optim.Optimizer, keep_probs: list[float]) -> bool:
        """Whether this engine trains the network: the NumPy engine's networks and
        optimizers, without dropout."""
        return NumpyEngine.supports(network, optimizer) and all(p == 1.0 for p in keep_probs)

    def run_epoch(
        self, epoch: int, learning_rate: float, make_rng: Callable[[], np.random.Generator]
    ) -> tuple[float, float | None]:
        costs: list[float] = []
        accuracies: list[float] = []
        self.run_epochs(epoch, [learning_rate], costs, accuracies)
        return costs[0], (accuracies[0] if self.classify else None)

    def run_epochs(
        self,
        first: int,
        learning_rates: Sequence[float],
        costs: list[float],
        accuracies: list[float],
    ) -> None:
        """Epochs ``first``, ``first + 1``, … at these learning rates, one step each.

        Appends each epoch's cost (before its step) to ``costs`` and, for a classifier,
        its training accuracy to ``accuracies`` as it goes, so that an interrupted call
        leaves the finished epochs' records behind.  A step that makes θ non-finite (found
        by the next epoch's cost, or at the end) is taken back, θ and record, and raised as
        the generic engine does: θ stays at its last finite values.
        """
        m, classify, theta = self.m, self.classify, self.theta
        seen = self.W1_seen
        gram = seen is not None  # W[1] X follows the steps through XᵀX
        if seen is not None and not np.array_equal(self.W[0], seen):
            self.fresh = False  # W[1] was changed since the last call ended
        step = self._epoch_step
        for epoch, learning_rate in enumerate(learning_rates, start=first):
            if gram and epoch % GRAM_EVERY == 0:
                self.fresh = False
            try:
                J, hits = step(epoch, learning_rate)
            except DivergenceError:
                if epoch > first and not math.isfinite(theta.sum()):  # the last step overflowed
                    raise self._undo(
                        costs, accuracies, epoch - 1, learning_rates[epoch - 1 - first]
                    ) from None
                raise
            costs.append(J * m / m)  # the epoch's Σ_batches J·B / m, as the other engines
            if classify:
                accuracies.append(hits / m)
        if learning_rates and not math.isfinite(theta.sum()):
            raise self._undo(costs, accuracies, first + len(learning_rates) - 1, learning_rates[-1])
        if seen is not None:
            np.copyto(seen, self.W[0])

    @functools.cached_property
    def _epoch_step(self) -> Callable[[int, float], tuple[float, int]]:
        """``step(epoch, α) -> (J, hits)``: one epoch's gradient (J before the step), then
        θ kept in ``before`` (to take back a step that overflows) and the optimizer's step."""
        gradient = self._gradient_sigmoid if self.sigmoid else self._gradient_other
        theta, before, update, m = self.theta, self.before, self.update, self.m
        follow = self._follow if self.W1_seen is not None else None

        def step(epoch: int, learning_rate: float) -> tuple[float, int]:
            J, hits = gradient(epoch, learning_rate)
            np.copyto(before, theta)
            update(learning_rate, epoch, m)
            if follow is not None:
                follow(learning_rate)
            return J, hits

        return step

    def get_state(self) -> optim.OptimizerState:
        """The optimizer's state, asked for by a checkpoint: ``W[1] X`` is computed again
        at the next epoch, as a run resumed from the checkpoint computes it at its first."""
        self.fresh = False
        return super().get_state()

    def _undo(
        self, costs: list[float], accuracies: list[float], epoch: int, learning_rate: float
    ) -> DivergenceError:
        """Take back epoch ``epoch``, whose step made θ non-finite (θ before it, and its
        record); the error to raise."""
        np.copyto(self.theta, self.before)
        self.fresh = False
        costs.pop()
        if self.classify:
            accuracies.pop()
        return diverged(
            "the update became non-finite", learning_rate, epoch, l2=self.net.l2, m=self.m
        )

    # ---------------------------------------------------------------- the passes

    def _hidden_forward(self) -> np.ndarray:
        """``A[l] = g(W[l] A[l-1] + b[l])`` for the hidden layers; returns ``Z[L]``."""
        A_prev = self.X
        for l, kind in enumerate(self.kinds):
            Z = self.Z[l]
            self._affine(l, A_prev, Z)
            if kind == _TANH:
                np.tanh(Z, out=Z)
            elif kind == _RELU:
                np.maximum(Z, 0.0, out=Z)
            elif kind == _OTHER:
                np.copyto(Z, self.g[l].forward(Z))
            A_prev = Z
        Z = self.Z[-1]
        self._affine(self.L - 1, A_prev, Z)
        return Z

    def _affine(self, l: int, A_prev: np.ndarray, Z: np.ndarray) -> None:
        """``Z = W[l+1] A_prev + b[l+1]``; for the first layer, ``W[1] X`` from ``ZX`` when
        it follows the Gram recurrence (computed when it is not ``fresh``)."""
        if l == 0 and self.ZX is not None:
            if not self.fresh:
                _product(self.W[0], A_prev, self.ZX)
                self.fresh = True
            np.add(self.ZX, self.b[0], out=Z)
            return
        _product(self.W[l], A_prev, Z)
        np.add(Z, self.b[l], out=Z)

    def _follow(self, learning_rate: float) -> None:
        """``W[1] X`` after the step ``W[1] := W[1] − α dW[1]``, without the product with X:
        ``dW[1] = (1/m) dZ[1] Xᵀ + (λ/m) W[1]``, so ``W[1] X := (1 − αλ/m) W[1] X − (α/m)
        dZ[1] (XᵀX)``, an ``(n[1], m) (m, m)`` product instead of ``(n[1], n_x) (n_x, m)``.
        Equal to the product to rounding, which :data:`GRAM_EVERY` keeps from growing."""
        assert self.ZX is not None and self.gram is not None
        dZ1 = self.dA[0] if self.L > 1 else self.Z[-1]  # dZ[1], kept until the next pass
        np.matmul(dZ1, self.gram, out=self.GdZ)
        l2 = self.net.l2
        if l2 > 0:
            np.multiply(self.ZX, 1 - learning_rate * l2 / self.m, out=self.ZX)
        np.multiply(self.GdZ, learning_rate / self.m, out=self.GdZ)
        np.subtract(self.ZX, self.GdZ, out=self.ZX)

    def _gradient_sigmoid(self, epoch: int, learning_rate: float) -> tuple[float, int]:
        """Sigmoid output, logistic loss: the forward pass, J, the hits and ∇J."""
        Z = self._hidden_forward()
        E, P, AL, T = self.E, self.P, self.AL, self.T[-1]
        # σ(z) = σ(|z|) for z ≥ 0, e^(−|z|) σ(|z|) for z < 0, with σ(|z|) = 1 / (1 + e^(−|z|))
        np.copysign(Z, -1.0, out=E)
        np.exp(E, out=E)
        np.add(E, 1.0, out=P)
        np.divide(1.0, P, out=P)
        np.multiply(E, P, out=AL)
        np.greater_equal(Z, 0.0, out=self.mask[-1])
        np.copyto(AL, P, where=self.mask[-1])
        # J = (1/m) Σ softplus(z) − y z, softplus(z) = max(z, 0) + log(1 + e^(−|z|))
        np.log1p(E, out=T)
        np.maximum(Z, 0.0, out=P)
        np.add(P, T, out=T)
        np.subtract(T, Z, out=T, where=self.Y_true)  # − y z: y is 1 or 0
        J = self._cost(float(T.sum() / self.m), epoch, learning_rate)
        hit = self.hit  # an example is right when every output is on its side of 0.5
        np.greater(AL, 0.5, out=hit)
        np.equal(hit, self.Y_true, out=hit)
        hits = int(np.count_nonzero(hit if hit.shape[0] == 1 else hit.all(axis=0)))
        np.subtract(AL, self.Y, out=Z)  # dZ[L] = A[L] − Y
        self._backward(Z)
        return J, hits

    def _gradient_other(self, epoch: int, learning_rate: float) -> tuple[float, int]:
        """Softmax with cross-entropy, or the linear output with squared error."""
        net = self.net
        Z = self._hidden_forward()
        AL = net.output.forward(Z)
        J = self._cost(float(net.loss.value_from_Z(Z, self.Y)), epoch, learning_rate)
        hits = int(net.count_correct(AL, self.Y)) if self.classify else 0
        np.subtract(AL, self.Y, out=Z)  # dZ[L] = A[L] − Y
        self._backward(Z)
        return J, hits

    def _cost(self, J: float, epoch: int, learning_rate: float) -> float:
        """J plus ``(λ/2m) Σ ||W[l]||²`` under L2; a non-finite J is an error."""
        l2 = self.net.l2
        if l2 > 0:
            J += l2 / (2 * self.m) * sum(float(np.sum(W * W)) for W in self.W)
        if not math.isfinite(J):
            raise diverged(f"the cost became {J}", learning_rate, epoch, l2=l2, m=self.m)
        return J

    def _backward(self, dZ: np.ndarray) -> None:
        """∇J into the flat gradient from ``dZ[L]``: ``dW[l] = dZ A[l-1]ᵀ``, ``db[l] =
        Σ_i dZ``, ``dZ[l-1] = (W[l]ᵀ dZ) * g'(A[l-1])``, then every entry / m (and
        ``+ (λ/m) W[l]`` under L2)."""
        for l in range(self.L - 1, -1, -1):
            A_prev = self.X if l == 0 else self.Z[l - 1]
            np.matmul(dZ, A_prev.T if l > 0 or self.XT is None else self.XT, out=self.dW[l])
            np.add.reduce(dZ, axis=1, out=self.db_rows[l])
            if l == 0:
                break
            dA, kind = self.dA[l - 1], self.kinds[l - 1]
            _product(self.W[l].T, dZ, dA)
            if kind == _TANH:  # g' = 1 − A²
                T = self.T[l - 1]
                np.multiply(A_prev, A_prev, out=T)
                np.subtract(1.0, T, out=T)
                np.multiply(dA, T, out=dA)
            elif kind == _RELU:  # g' = 1 where A > 0, else 0
                mask = self.mask[l - 1]
                np.greater(A_prev, 0.0, out=mask)
                np.multiply(dA, mask, out=dA)
            elif kind == _OTHER:
                np.multiply(dA, self.g[l - 1].derivative_from_A(A_prev), out=dA)
            dZ = dA
        np.divide(self.grad, self.m, out=self.grad)
        l2 = self.net.l2
        if l2 > 0:
            for dW, W in zip(self.dW, self.W, strict=True):
                dW += (l2 / self.m) * W


def _product(A: np.ndarray, B: np.ndarray, out: np.ndarray) -> None:
    """``out = A B``.  With one column in ``A`` (a layer of one unit: ``W[L]ᵀ dZ[L]`` for
    one output) each entry is one product ``a_i b_j``, which any BLAS rounds once, so
    the broadcast ``A * B`` gives the same numbers without a GEMM call (about 4× faster
    at ``(50, 1) (1, 400)``)."""
    if A.shape[1] == 1:
        np.multiply(A, B, out=out)
    else:
        np.matmul(A, B, out=out)
