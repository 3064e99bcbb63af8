"""Full-batch L-BFGS (SciPy's L-BFGS-B) over the network's flattened parameters.

SciPy asks for ``(J, ∇J)`` at points of its choosing; each answer is one forward
and one backward pass over all m examples.  After every accepted iteration the
history records the cost (and accuracy, and validation values) and the
callbacks run, as after an epoch of the other optimizers.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays.backend import Array, FlatLayout, from_numpy, to_scalar
from nndl.errors import diverged, require
from nndl.training.history import History
from nndl.training.optimizers import LBFGS

if TYPE_CHECKING:
    from nndl.training.callbacks import Callback
    from nndl.training.trainer import Trainer


def fit_lbfgs(
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
    assert isinstance(opt, LBFGS)
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
        logs = trainer.epoch_logs(J, accuracy, None, X_val, Y_val)
        trainer.history.record(epoch, logs)
        for cb in cbs:
            cb.on_epoch_end(trainer, epoch, logs)
        if trainer.stop_training:
            raise StopIteration

    trainer.begin(cbs)
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
                    "maxfun": opt.max_fun,
                },
            )
        if not np.all(np.isfinite(result.x)):
            raise diverged("L-BFGS reached non-finite parameters", None, len(trainer.history))
        net.params = unflatten(np.asarray(result.x))
        trainer.history.lbfgs_message = str(result.message)  # type: ignore[attr-defined]
        trainer.history.lbfgs_status = int(result.status)  # type: ignore[attr-defined]
        trainer.history.lbfgs_iterations = int(result.nit)  # type: ignore[attr-defined]
        trainer.history.lbfgs_cost = float(result.fun)  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        trainer.history.interrupted = True
    finally:
        for cb in cbs:
            cb.on_train_end(trainer)
    return trainer.history
