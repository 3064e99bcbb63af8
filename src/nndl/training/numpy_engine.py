"""The NumPy engine: the generic engine's mathematics, in place over reused buffers.

For NumPy arrays and mini-batches.  X is kept sample-major so a batch is a
gather of rows and ``Xb.T`` is the course's ``(n_x, B)`` as a view; parameters,
gradients and optimizer slots are each one flat buffer with per-layer views,
so the optimizer is a few in-place passes over the whole model; every
intermediate is a reused buffer; the 1/B is applied once to ``dZ[L]``; ``db``
is ``dZ · 1`` (BLAS).  With Numba installed, the elementwise passes of big
networks become compiled loops (:mod:`nndl.arrays.fused`) that give the same
bits.  It draws the same random numbers in the same order as
:class:`~nndl.training.generic_engine.GenericEngine` (checked equal to rounding).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays import fused
from nndl.arrays.backend import FlatLayout, is_sparse, to_numpy
from nndl.errors import diverged
from nndl.model import activations
from nndl.model.losses import y_log_y
from nndl.training import optimizers as optim
from nndl.training.clipping import clip_gradients
from nndl.training.generic_engine import epoch_draws
from nndl.training.optimizers import HeavyBall, OptimizerState

if TYPE_CHECKING:
    from nndl.model.network import Network

FAST_HIDDEN = ("relu", "tanh", "sigmoid", "linear", "leaky_relu")
"""The hidden activations the NumPy engine computes in place."""

_FAST_OPTIMIZERS = (optim.GradientDescent, optim.Momentum, optim.RMSprop, optim.Adam, HeavyBall)


class _Buffers:
    """The reused arrays of one mini-batch size."""

    def __init__(self, dims: list[int], B: int, dtype: Any, dropped: list[bool]) -> None:
        self._X_shape, self._X_dtype = (B, dims[0]), dtype
        self._X: np.ndarray | None = None  # the gathered rows, made when first needed
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

    @property
    def X(self) -> np.ndarray:
        """``(B, n_x)``, where a shuffled (or sparse) batch's rows are gathered; allocated on
        first use, so a full batch in order (L-BFGS, ``shuffle=False``) reads X without a copy."""
        if self._X is None:
            self._X = np.empty(self._X_shape, dtype=self._X_dtype)
        return self._X


class NumpyEngine:
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
        sample_weight: np.ndarray | None = None,
        l2_cost: str = "dataset",
        clip_value: float | None = None,
        clip_norm: float | None = None,
        output_cost: str = "sum",
    ) -> None:
        self.net = network
        self.l2_cost = l2_cost
        # the recorded data cost: the sum over the outputs, or their mean (the gradient: the sum's)
        self.per_output = 1.0 / Y.shape[0] if output_cost == "mean" else 1.0
        self.clip_value, self.clip_norm = clip_value, clip_norm
        self.optimizer = optimizer
        self.dtype = np.dtype(network.dtype)
        self.keep_probs = keep_probs
        self.dropped = [p < 1.0 for p in keep_probs]
        self.m = X.shape[1]
        self.batch_size = min(batch_size, self.m)
        self.shuffle = shuffle
        # (m, n_x): a view when X = data.T; a sparse X stays sparse, its rows densified per batch
        self.Xs: Any = X.T.tocsr() if is_sparse(X) else np.ascontiguousarray(X.T)
        self.sparse = is_sparse(X)
        # example weights w (m,): each batch's cost and gradient become Σ w_i L_i / Σ w_i
        self.sample_weight = (
            None if sample_weight is None else np.asarray(sample_weight, dtype=self.dtype)
        )
        # the training set's m in the L2 cost (λ/2m)·Σ||W||²: its total weight when weighted
        self.total_weight = (
            float(self.m) if self.sample_weight is None else float(self.sample_weight.sum())
        )
        self.softmax = network.output.name == "softmax"
        if self.softmax:
            self.labels = np.argmax(Y, axis=0)
            self.Ys = None
        else:
            self.labels = None
            self.Ys = np.ascontiguousarray(Y.T)
        self.flat_parameters(network, optimizer)
        self.buffers: dict[int, _Buffers] = {}

    def flat_parameters(self, network: Network, optimizer: optim.Optimizer) -> None:
        """θ, ∇J and the optimizer's slots as flat buffers, ``W[l]``, ``b[l]``, ``dW[l]``
        and ``db[l]`` as views of them; the network's parameters become those views."""
        self.dtype = np.dtype(network.dtype)
        self.dims = list(network.layer_dims)
        self.L = network.L
        self.layout = FlatLayout(network.params)
        total = self.layout.size
        self.theta = np.empty(total, dtype=self.dtype)
        self.grad = np.empty(total, dtype=self.dtype)
        self.work = np.empty(total, dtype=self.dtype)
        self.work2 = np.empty(total, dtype=self.dtype)
        self.slots = {s: np.zeros(total, dtype=self.dtype) for s in optimizer.slot_names}
        self.t = 0
        self._stepper: tuple[Any, Callable[[int, float], None]] | None = None  # update()'s
        self.params = self.layout.views(self.theta)
        self.grads = self.layout.views(self.grad)
        self.set_params({k: to_numpy(v) for k, v in network.params.items()})
        network.params = dict(self.params)
        self.W = [self.params[f"W{l}"] for l in range(1, self.L + 1)]
        self.b = [self.params[f"b{l}"] for l in range(1, self.L + 1)]
        self.dW = [self.grads[f"W{l}"] for l in range(1, self.L + 1)]
        self.db = [self.grads[f"b{l}"] for l in range(1, self.L + 1)]
        self.hidden = [g.name for g in network.activations[:-1]]
        # one compiled loop per update and per ReLU pass, where Numba is installed and the
        # network is big enough for that to pay for loading them (about 1.5 s per process)
        self.kernels = fused.kernels_for(self.dtype) if total >= fused.MIN_PARAMETERS else None

    @staticmethod
    def supports(network: Network, optimizer: optim.Optimizer | None) -> bool:
        """Whether the engine computes this network (and steps this optimizer; ``None``:
        only the gradient is asked for, as by L-BFGS)."""
        if not hasattr(network, "activations"):  # a Sequential model: the generic engine
            return False
        known = all(
            type(g) is activations.ACTIVATIONS.get(g.name) and g.name in FAST_HIDDEN
            for g in network.activations[:-1]
        )
        return (
            known
            and network.fused_output
            and type(network.loss).name in ("logistic", "cross_entropy", "mse", "poisson")
            and (optimizer is None or type(optimizer) in _FAST_OPTIMIZERS)
        )

    def set_flat(self, x: np.ndarray) -> None:
        """The parameters from the flat vector ``x`` (L-BFGS's point)."""
        np.copyto(self.theta, x, casting="unsafe")

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
            self.buffers[B] = _Buffers(self.dims, B, self.dtype, self.dropped)
        return self.buffers[B]

    def run_epoch(
        self, epoch: int, learning_rate: float, make_rng: Callable[[], np.random.Generator]
    ) -> tuple[float, float | None]:
        m, B = self.m, self.batch_size
        sel: np.ndarray | slice
        rng, order = epoch_draws(m, B, self.shuffle, any(self.dropped), make_rng)
        total, correct = 0.0, 0
        for start in range(0, m, B):
            stop = min(start + B, m)
            buf = self._buffers(stop - start)
            if self.sparse:
                sel = slice(start, stop) if order is None else order[start:stop]
                Xb = self.Xs[sel].toarray(out=buf.X)
            elif order is None:
                sel = slice(start, stop)
                Xb = self.Xs[start:stop]
            else:
                sel = order[start:stop]
                Xb = np.take(self.Xs, sel, axis=0, out=buf.X, mode="clip")  # unbuffered
            J, hits = self._step(Xb, sel, buf, epoch, learning_rate, rng)
            total += J * (stop - start)
            correct += hits
        classify = self.net.task != "regression"
        return total / m, (correct / m if classify else None)

    def cost_and_gradient(self, x: np.ndarray) -> tuple[float, np.ndarray, int]:
        """Full batch at the flat parameters ``x``: ``(J, ∇J, hits)`` (``∇J`` in float64,
        a new array), L-BFGS's objective; raises DivergenceError for a non-finite cost."""
        np.copyto(self.theta, x, casting="unsafe")
        buf = self._buffers(self.m)
        everything = slice(0, self.m)
        Xb = self.Xs.toarray(out=buf.X) if self.sparse else self.Xs
        J, hits = self._gradient(Xb, everything, buf, 0, None, None)
        return J, self.grad.astype(np.float64), hits

    def _step(
        self,
        Xb: np.ndarray,
        sel: np.ndarray | slice,
        buf: _Buffers,
        epoch: int,
        learning_rate: float,
        rng: np.random.Generator | None,
    ) -> tuple[float, int]:
        """One mini-batch: the gradient, then the optimizer's update of θ."""
        J, hits = self._gradient(Xb, sel, buf, epoch, learning_rate, rng)
        self.update(learning_rate, epoch, Xb.shape[0])
        return J, hits

    def update(self, learning_rate: float, epoch: int, m: int, finite: bool | None = None) -> None:
        """The optimizer's step from ``self.grad``: ``θ := θ − scale · direction`` in place.

        A finite gradient gives a finite step (Adam's and RMSprop's are bounded), so it is
        checked first (``finite``: already checked by the caller's pass), which leaves θ at
        its last finite values; ``m`` (the batch's examples) is for the error's message.
        Then the gradient is clipped in place when ``clip_value`` or ``clip_norm`` is set
        (:func:`~nndl.training.clipping.clip_gradients` over the flat buffer)."""
        k = self.kernels
        if finite is None:
            finite = k.all_finite(self.grad) if k is not None else math.isfinite(self.grad.sum())
        if not finite:
            raise diverged(
                "the gradient became non-finite", learning_rate, epoch, l2=self.net.l2, m=m
            )
        if self.clip_value is not None or self.clip_norm is not None:
            clip_gradients(self.grads, self.clip_value, self.clip_norm, out=self.grad)
        self.t += 1
        step = self._stepper
        if step is None or step[0] is not k:  # the rule's loop over these buffers, looked up once
            work = (self.work, self.work2)
            step = self._stepper = (
                k,
                self.optimizer.flat_step(self.theta, self.grad, self.slots, k, work),
            )
        step[1](self.t, learning_rate)

    def _gradient(
        self,
        Xb: np.ndarray,
        sel: np.ndarray | slice,
        buf: _Buffers,
        epoch: int,
        learning_rate: float | None,
        rng: np.random.Generator | None,
    ) -> tuple[float, int]:
        """Forward and backward on one batch: the cost J and the hits; ∇J in ``self.grad``."""
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
        # output and cost; dZ[L] = (A[L] − Y) / B (weighted: (A[L] − Y) w_i / Σ w), left in Z[L]
        Z = buf.Z[L - 1]
        w = None if self.sample_weight is None else self.sample_weight[sel].reshape(1, -1)
        denominator = float(Bm) if w is None else float(w.sum())
        if denominator <= 0:  # a batch of zero weights: no cost, no gradient
            self.grad[:] = 0
            return 0.0, 0
        scale = self.dtype.type(1.0 / denominator)
        if self.softmax and k is not None:
            assert self.labels is not None
            y = self.labels[sel]
            hits = k.softmax_shift(Z, y, buf.z_y)  # Z −= column max; z_y = Z[y, cols]
            np.exp(Z, out=Z)
            k.softmax_grad(Z, y, buf.s, scale if w is None else self.dtype.type(1.0))
            log_s, z_y = np.log(buf.s), buf.z_y
        elif self.softmax:
            assert self.labels is not None
            y = self.labels[sel]
            cols = buf.cols
            hits = int(np.count_nonzero(np.argmax(Z, axis=0) == y))
            Z -= Z.max(axis=0, keepdims=True)
            z_y = Z[y, cols]
            np.exp(Z, out=Z)
            s = Z.sum(axis=0, keepdims=True)
            log_s = np.log(s[0])
            Z /= s
            Z[y, cols] -= 1.0
            if w is None:
                Z *= scale
        else:
            assert self.Ys is not None
            Yb = self.Ys[sel].T
            if w is None:
                J = float(net.loss.value_from_Z(Z, Yb))
            else:
                J = float(_losses(net.loss.name, Z, Yb) @ w[0]) * float(scale)
            if net.loss.name == "logistic":
                A = net.output.forward(Z)  # an example is a hit when all its outputs are:
                agree = (A > 0.5) == (Yb > 0.5)  # np.all's reduction, without its wrapper
                hits = int(np.count_nonzero(np.logical_and.reduce(agree, axis=0)))
                np.subtract(A, Yb, out=Z)
            elif net.loss.name == "poisson":  # A = e^Z
                hits = 0
                np.exp(Z, out=Z)
                Z -= Yb
            else:
                hits = 0
                Z -= Yb
            if w is None:
                Z *= scale
        if self.softmax:  # J = (1/B) Σ (log Σ_k exp z_k − z_y), or weighted by w_i / Σ w
            if w is None:
                J = (float(log_s.sum()) - float(z_y.sum())) / Bm
            else:
                J = float((log_s - z_y) @ w[0]) * float(scale)
        if w is not None:
            Z *= w * scale  # dZ[L] = (A[L] − Y) w_i / Σ w
        J *= self.per_output
        l2 = net.l2
        if l2 > 0:  # (λ/2m)·Σ||W||², m the training set (as net.cost), or per batch (λ/2B)·Σ||W||²
            # (scikit-learn's); the step's gradient below adds (λ/B)·W either way, so a full
            # batch (L-BFGS) has a cost and gradient that agree in both conventions
            per = denominator if self.l2_cost == "batch" else self.total_weight
            J += l2 / (2 * per) * sum(float(np.vdot(W, W)) for W in self.W)
        if not math.isfinite(J):
            raise diverged(f"the cost became {J}", learning_rate, epoch, l2=l2, m=Bm)
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
                self.dW[l] += (l2 / denominator) * self.W[l]
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
                    dA *= net.activations[l - 1].derivative_from_A(A)
                dZ = dA
        return J, hits


def _losses(name: str, Z: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """Each example's loss ``(B,)`` from ``Z[L]`` (matched output): logistic
    ``Σ_k softplus(z) − y z``, Poisson ``Σ_k y log y − y − y z + e^z``, or half the squared
    error ``½ Σ_k (z − y)²``."""
    if name == "logistic":
        return np.asarray((np.logaddexp(0, Z) - Y * Z).sum(axis=0))
    if name == "poisson":
        return np.asarray((y_log_y(Y) - Y - Y * Z + np.exp(Z)).sum(axis=0))
    D = Z - Y
    return np.asarray(0.5 * (D * D).sum(axis=0))
