"""The generic engine: mini-batch steps through the array API, on every backend.

Each step runs the network's own forward and backward propagation on a
mini-batch (dropout included) and lets the optimizer update the parameters
functionally (:meth:`nndl.training.optimizers.Optimizer.apply`), after clipping the
gradients when asked (:func:`nndl.training.clipping.clip_gradients`).  This module
also defines each epoch's random stream, which both engines share, so that the
NumPy engine (:mod:`nndl.training.numpy_engine`) draws the same numbers in the
same order.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from nndl.arrays.backend import Array, all_finite, from_numpy, namespace, to_scalar
from nndl.errors import diverged
from nndl.training.clipping import clip_gradients
from nndl.training.optimizers import Optimizer, OptimizerState

if TYPE_CHECKING:
    from nndl.model.network import Network


def epoch_rng(seed: int, epoch: int) -> np.random.Generator:
    """The random stream of one epoch (shuffle, dropout masks): a function of (seed, epoch) only.

    That is what makes a resumed run bit-identical to an uninterrupted one.

    Parameters
    ----------
    seed : int
        The run's seed.
    epoch : int
        The epoch, from 0.

    Returns
    -------
    numpy.random.Generator
        A generator seeded by ``SeedSequence(seed, spawn_key=(0, epoch))``.
    """
    return np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0, epoch)))


def epoch_draws(
    m: int, B: int, shuffle: bool, dropout: bool, make_rng: Callable[[], np.random.Generator]
) -> tuple[np.random.Generator | None, np.ndarray | None]:
    """An epoch's random stream, the same in both engines: the generator (made when the
    shuffle or dropout needs one) and the shuffled order (``None``: in order).  The
    permutation comes first; each mini-batch's dropout masks follow, layer by layer."""
    shuffled = shuffle and m > B
    rng = make_rng() if shuffled or dropout else None
    order = rng.permutation(m) if rng is not None and shuffled else None
    return rng, order


class GenericEngine:
    """Mini-batch steps through the array API: any backend, dropout included."""

    def __init__(
        self,
        network: Network,
        optimizer: Optimizer,
        X: Array,
        Y: Array,
        batch_size: int,
        shuffle: bool,
        keep_probs: list[float],
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
        self.X, self.Y = X, Y
        self.axis = network.example_axis  # X (n_x, m), or (m, …) for pictures and sequences
        self.m = X.shape[self.axis]
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
        draws = self.keep_probs is not None or net.stochastic  # dropout (or Dropout layers)
        rng, order = epoch_draws(m, B, self.shuffle, draws, make_rng)
        total, correct = 0.0, 0.0
        classify = net.task != "regression"
        for start in range(0, m, B):
            if full:
                Xb, Yb = X, Y
            elif order is None:  # views: the examples' columns, or rows for (m, …)
                Xb = X[:, start : start + B] if self.axis == 1 else X[start : start + B, ...]
                Yb = Y[:, start : start + B]
            else:
                sel = from_numpy(order[start : start + B], X)
                Xb, Yb = xp.take(X, sel, axis=self.axis), xp.take(Y, sel, axis=1)
            mb = Yb.shape[1]
            AL, caches = net.forward_pass(Xb, keep_probs=self.keep_probs, rng=rng)
            J = to_scalar(net.data_cost(AL, caches, Yb)) * self.per_output
            if net.l2 > 0:  # (λ/2m)·Σ||W||², m the training set (as net.cost), or per batch
                per = mb if self.l2_cost == "batch" else m
                J += net.l2_term(per)  # every weight, a Sequential model's filters too
            if not math.isfinite(J):
                raise diverged(f"the cost became {J}", learning_rate, epoch, l2=net.l2, m=mb)
            grads = net.backward_pass(AL, Yb, caches)
            if self.clip_value is not None or self.clip_norm is not None:
                if not all(all_finite(g) for g in grads.values()):  # as the NumPy engines
                    raise diverged(
                        "the gradient became non-finite", learning_rate, epoch, l2=net.l2, m=mb
                    )
                grads = clip_gradients(grads, self.clip_value, self.clip_norm)
            params, state = self.optimizer.apply(net.params, grads, self.state, learning_rate)
            bad = [k for k, v in params.items() if not all_finite(v)]
            if bad:
                raise diverged(
                    f"the update of {', '.join(bad)} became non-finite",
                    learning_rate,
                    epoch,
                    l2=net.l2,
                    m=mb,
                )
            net.params, self.state = params, state
            total += J * mb
            if classify:
                correct += net.count_correct(AL, Yb)
        return total / m, (correct / m if classify else None)
