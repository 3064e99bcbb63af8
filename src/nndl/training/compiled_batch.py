"""The full-batch engine with its passes in compiled loops, for small networks.

:class:`~nndl.training.full_batch.FullBatchEngine` runs the course's batch gradient
descent in about 35 NumPy calls an iteration for ``[2, 4, 1]``; on 400 examples each call
costs more than its arithmetic.  :class:`CompiledBatchEngine` does the same epoch in
about eight calls (:mod:`nndl.arrays.dense_loops`): per hidden layer one compiled
forward loop (``Z = W A + b``, ReLU in the same loop) and NumPy's ``np.tanh`` for a tanh
layer; the output's ``Z[L]`` and ``−|Z[L]|`` in one loop, NumPy's ``exp`` and ``log1p`` of
it; one loop for the sigmoid, the logistic cost and hits, and every layer's backward pass
(``dZ[L] = A[L] − Y``, ``dW``, ``db``, ``dA[l-1] ⊙ g'(A[l-1])``, the ``1/m``); and the
optimizer's step, compiled from its rule (:meth:`nndl.arrays.fused.Kernels.loop`).

The formulas are the full-batch engine's.  The numbers equal its to rounding, not to the
bit: its products are BLAS's, these are the compiled loops' (both add in an order that
depends on the CPU).  ``engine="compiled"`` asks for it (``engine="auto"`` never picks it,
so that a run's numbers never depend on how many epochs it was given): sigmoid-output
networks whose hidden layers are tanh, ReLU or linear, whose weight matrices are small (at
most :data:`MAX_WEIGHTS` entries each: there a BLAS product costs more to call than to
do), trained full batch without dropout, where Numba is installed (the ``fast`` extra)
and ``NNDL_FUSED`` is not ``0``.  Loading the compiled loops costs about a second once per
process, which a fit of some 20,000 epochs repays.

An epoch of ``[2, 4, 1]`` is seven calls (the forward loop, ``np.tanh``, ``output_shift``,
``np.exp``, ``np.log1p``, ``network_backward``, the step), made from one closure with every
buffer bound (:attr:`CompiledBatchEngine._epoch_step`): there, a method's attribute
lookups and a compiled call's unboxing of each argument cost as much as the arithmetic,
so ``network_backward`` takes its layout as one integer array, keeps θ before the step
and checks ∇θ for the step.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from nndl.arrays import dense_loops, fused
from nndl.training import optimizers as optim
from nndl.training.full_batch import FullBatchEngine

if TYPE_CHECKING:
    from nndl.model.network import Network

__all__ = ["MAX_WEIGHTS", "CompiledBatchEngine"]

MAX_WEIGHTS = 4096
"""The largest ``W[l]`` (entries) the compiled products take."""

MIN_EPOCHS = 20_000
"""The fewest epochs for which ``engine="auto"`` loads the compiled loops."""

_KIND = {"linear": dense_loops.LINEAR, "relu": dense_loops.RELU, "tanh": dense_loops.TANH}


class CompiledBatchEngine(FullBatchEngine):
    """Batch gradient descent on NumPy arrays, in compiled loops over flat buffers.

    ``X`` and ``Y`` are used C-contiguous (copied once if they are not).  The
    activations ``A[1] … A[L-1]`` and ``Z[L]`` are views of one flat buffer (``Zs``), their
    gradients of another (``dAs``), ``W[l]`` and ``b[l]`` of θ as in the NumPy engine.
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
        dtype = np.dtype(network.dtype)
        loops = dense_loops.loops_for(dtype)
        if loops is None:
            raise RuntimeError("the compiled loops are not available")  # checked by eligible()
        X = np.ascontiguousarray(X, dtype=dtype)
        Y = np.ascontiguousarray(Y, dtype=dtype)
        super().__init__(network, optimizer, X, Y, clip_value, clip_norm)
        self.loops = loops
        self.kernels = fused.kernels_for(dtype)  # the optimizer's step as one loop too
        m, dims = self.m, self.dims
        codes = [_KIND[g.name] for g in self.g[:-1]]  # the hidden layers' activations
        self.z_at = np.cumsum([0] + [n * m for n in dims[1:]], dtype=np.intp)
        self.Zs = np.empty(int(self.z_at[-1]), dtype=dtype)
        self.dAs = np.empty_like(self.Zs)
        at = self.z_at[:-1]
        self.Z = [self.Zs[a : a + n * m].reshape(n, m) for a, n in zip(at, dims[1:], strict=True)]
        size = self.theta.itemsize
        start = self.theta.ctypes.data
        w_at = [(W.ctypes.data - start) // size for W in self.W]  # where W[l] starts in θ
        b_at = [(b.ctypes.data - start) // size for b in self.b]
        self.hidden_steps = [  # per hidden layer: W, b, its A's buffer, ReLU?, tanh?
            (W, b, Z, code == dense_loops.RELU, code == dense_loops.TANH)
            for W, b, Z, code in zip(self.W, self.b, self.Z, codes, strict=False)
        ]
        index = dense_loops.layout(dims, w_at, b_at, self.z_at.tolist(), codes)
        self.backward_args = (  # network_backward's arguments, the same buffers every epoch
            self.theta,
            self.grad,
            self.before,
            index,
            self.X,
            self.Zs,
            self.dAs,
            self.Y,
            self.E,
            self.T[-1],
        )

    def sample_major(self, X: np.ndarray) -> bool:
        """Never: the compiled products read ``X`` feature-major."""
        return False

    @staticmethod
    def eligible(network: Network, optimizer: optim.Optimizer, keep_probs: list[float]) -> str:
        """Why this engine cannot train the network (``""``: it can)."""
        if not FullBatchEngine.takes(network, optimizer, keep_probs):
            return (
                "it trains NumPy arrays full batch (batch_size=None) without dropout, with one "
                "of the optimizers gd, momentum, rmsprop, adam"
            )
        if network.output.name != "sigmoid" or type(network.loss).name != "logistic":
            return "it trains a sigmoid output with the logistic loss"
        if not all(g.name in _KIND for g in network.activations[:-1]):
            return "its hidden layers are tanh, relu or linear"
        dims = list(network.layer_dims)
        if any(n * n_prev > MAX_WEIGHTS for n_prev, n in itertools.pairwise(dims)):
            return f"each W[l] has at most {MAX_WEIGHTS} entries (the products are its own loops)"
        if dense_loops.loops_for(network.dtype) is None:
            return "it needs Numba (pip install 'nndl[fast]') and NNDL_FUSED not set to 0"
        return ""

    def _hidden_forward(self) -> np.ndarray:
        forward = self.loops.forward
        A_prev = self.X
        for W, b, Z, relu, tanh in self.hidden_steps:
            forward(W, b, A_prev, Z, relu)
            if tanh:
                np.tanh(Z, out=Z)
            A_prev = Z
        return A_prev

    def _gradient_sigmoid(self, epoch: int, learning_rate: float) -> tuple[float, int]:
        return self._epoch_step(epoch, learning_rate, False)

    @functools.cached_property
    def _epoch_step(self) -> Callable[..., tuple[float, int]]:
        """``epoch(epoch, α, step=True) -> (J, hits)``: the forward and backward passes, and
        the optimizer's step, with every buffer and loop bound once (on ``[2, 4, 1]`` a
        method's attribute lookups cost as much as a compiled call).  ``network_backward``
        keeps θ before the step and checks ∇θ, so the step skips both."""
        forward, output_shift = self.loops.forward, self.loops.output_shift
        backward, args = self.loops.network_backward, self.backward_args
        tanh, exp, log1p, isfinite = np.tanh, np.exp, np.log1p, math.isfinite
        hidden = tuple(self.hidden_steps)
        X, W_L, b_L, Z_L, E, T = self.X, self.W[-1], self.b[-1], self.Z[-1], self.E, self.T[-1]
        m, net, cost, update, dWs, Ws = self.m, self.net, self._cost, self.update, self.dW, self.W

        def epoch_step(epoch: int, learning_rate: float, step: bool = True) -> tuple[float, int]:
            A_prev = X
            for W, b, Z, relu, is_tanh in hidden:
                forward(W, b, A_prev, Z, relu)
                if is_tanh:
                    tanh(Z, out=Z)
                A_prev = Z
            output_shift(W_L, b_L, A_prev, Z_L, E)
            exp(E, out=E)
            log1p(E, out=T)
            finite: bool | None
            total, hits, finite = backward(*args)
            J = total / m
            l2 = net.l2
            if l2 > 0 or not isfinite(J):  # the L2 term, or the divergence error
                J = cost(J, epoch, learning_rate)
                for dW, W in zip(dWs, Ws, strict=True):
                    dW += (l2 / m) * W
                finite = None  # dW changed: the step checks it again
            if step:
                update(learning_rate, epoch, m, finite)
            return J, hits

        return epoch_step
