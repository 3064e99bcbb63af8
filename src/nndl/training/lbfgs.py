"""Full-batch L-BFGS (SciPy's L-BFGS-B) over the network's flattened parameters.

SciPy asks for ``(J, ∇J)`` at points of its choosing; each answer is one forward
and one backward pass over all m examples.  After every accepted iteration the
history records the cost (and accuracy, and validation values) and the
callbacks run, as after an epoch of the other optimizers.  Interrupted (Ctrl-C),
the network keeps the last accepted iterate, whose cost the history ends with,
never a line search's trial point.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays.backend import Array, FlatLayout, from_numpy, to_scalar
from nndl.errors import DivergenceError, diverged, require
from nndl.training.history import History
from nndl.training.optimizers import LBFGS

if TYPE_CHECKING:
    from nndl.training.callbacks import Callback
    from nndl.training.dask import Chunks
    from nndl.training.numpy_engine import NumpyEngine
    from nndl.training.trainer import Trainer


def fit_lbfgs(
    trainer: Trainer,
    X: Array,
    Y: Array,
    X_val: Array | None,
    Y_val: Array | None,
    cbs: list[Callback],
    engine: NumpyEngine | Chunks | None = None,
) -> History:
    """Full-batch L-BFGS over the flattened parameters (float64 on the SciPy side).

    With ``engine`` (a :class:`~nndl.training.numpy_engine.NumpyEngine` over X and Y, or
    the Dask chunks of :class:`~nndl.training.dask.Chunks`) each ``(J, ∇J)`` comes from it:
    the NumPy engine's in-place passes (which also take sparse X and sample weights; the
    network's parameters are then views of its buffer), or the chunks' summed shares.
    """
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

    def engine_cost_and_grad(x: np.ndarray) -> tuple[float, np.ndarray]:
        assert engine is not None
        try:
            J, g, hits = engine.cost_and_gradient(x)
        except DivergenceError:
            return math.inf, np.zeros_like(x)
        evaluations["x"], evaluations["hits"] = x.copy(), hits
        return J, g

    def cost_and_grad(x: np.ndarray) -> tuple[float, np.ndarray]:
        net.params = unflatten(x)
        AL, caches = net.forward_pass(X)
        J = to_scalar(net.full_cost(AL, caches, Y))
        if not math.isfinite(J):
            return math.inf, np.zeros_like(x)
        grads = net.backward_pass(AL, Y, caches)
        g = layout.flatten(grads, prefix="d")
        evaluations["x"], evaluations["AL"] = x.copy(), AL
        return J, g

    epoch_counter = [trainer.start_epoch]
    accepted = [x0.copy()]  # the last iterate SciPy accepted; its line search tries others

    def on_iteration(intermediate_result: Any) -> None:
        epoch = epoch_counter[0]
        epoch_counter[0] += 1
        x = np.asarray(intermediate_result.x)
        accepted[0] = np.array(x, dtype=np.float64)
        set_point(x)
        J = float(intermediate_result.fun)
        accuracy = None
        if engine is not None:
            last = evaluations.get("x")
            hits = evaluations.get("hits")
            if net.task != "regression" and last is not None and np.array_equal(last, x):
                accuracy = None if hits is None else hits / engine.m
        elif net.task != "regression":
            x = np.asarray(intermediate_result.x)
            if "x" in evaluations and np.array_equal(evaluations["x"], x):
                AL = evaluations["AL"]  # the accepted point is usually the last evaluated
            else:
                AL, _ = net.forward_pass(X)
            accuracy = net.count_correct(AL, Y) / Y.shape[1]
        logs = trainer.epoch_logs(J, accuracy, None, X_val, Y_val)
        trainer.history.record(epoch, logs)
        for cb in cbs:
            cb.on_epoch_end(trainer, epoch, logs)
        if trainer.stop_training:
            raise StopIteration

    def set_point(x: np.ndarray) -> None:
        if engine is not None:
            engine.set_flat(x)
        else:
            net.params = unflatten(x)

    trainer.begin(cbs)
    try:
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            result = minimize(
                cost_and_grad if engine is None else engine_cost_and_grad,
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
            set_point(accepted[0])
            raise diverged("L-BFGS reached non-finite parameters", None, len(trainer.history))
        set_point(np.asarray(result.x))
        trainer.history.lbfgs_message = str(result.message)  # type: ignore[attr-defined]
        trainer.history.lbfgs_status = int(result.status)  # type: ignore[attr-defined]
        trainer.history.lbfgs_iterations = int(result.nit)  # type: ignore[attr-defined]
        trainer.history.lbfgs_cost = float(result.fun)  # type: ignore[attr-defined]
    except KeyboardInterrupt:
        # Ctrl-C may come while a line search tries a point: the network holds that trial
        # point, not an accepted iterate, so it goes back to the last accepted one
        set_point(accepted[0])
        trainer.history.interrupted = True
    finally:
        for cb in cbs:
            cb.on_train_end(trainer)
    return trainer.history
