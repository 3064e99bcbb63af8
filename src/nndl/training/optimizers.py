"""Optimizers: the update rules, L-BFGS, the registry (``get``) and the schedules.

The rules (gradient descent, momentum, RMSprop, Adam, heavy ball) are written
once, in :mod:`nndl.model.update_rules`, and re-exported here: each is a pure
transformation with explicit state, as in optax::

    state = opt.init(params)
    updates, state = opt.update(grads, state, params, learning_rate=α)   # θ_new = θ + updates
    params, state = opt.apply(params, grads, state, α)                   # both at once

``update`` and ``apply`` work on every array-API backend; the NumPy training
engine calls ``apply_flat``, the same rule in place over one flat buffer (NumPy
passes, or one loop Numba compiles from the rule: the same bits).

With ``g = dθ`` the gradient of a parameter θ and α the learning rate:

| name       | state          | update                                                          |
|------------|----------------|-----------------------------------------------------------------|
| ``gd``     | —              | θ := θ − α g                                                    |
| ``momentum``| v             | v := β v + (1 − β) g;  θ := θ − α v                             |
| ``rmsprop``| s              | s := β s + (1 − β) g²;  θ := θ − α g / (√s + ε)                 |
| ``adam``   | m, v, t        | m := β₁ m + (1 − β₁) g;  v := β₂ v + (1 − β₂) g²;  t := t + 1   |
|            |                | m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ := θ − α m̂ / (√v̂ + ε) |
| ``heavy_ball`` | velocity   | v := μ v − α g;  θ := θ + v (Nesterov: θ := θ + μ v − α g)      |

``lbfgs`` is different: full-batch L-BFGS (SciPy's L-BFGS-B) on the whole
training set, for small problems such as logistic regression; the training loop
hands it the cost and gradient as one function (see :func:`nndl.training.loop.fit`).
It is a driver, not a rule.

Learning-rate schedules are :mod:`nndl.training.schedules` (re-exported here, where
they have always been importable from).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays.backend import Array
from nndl.errors import NNDLTypeError, NNDLValueError, check_int
from nndl.model._configurable import lookup
from nndl.model.update_rules import (
    Adam,
    GradientDescent,
    HeavyBall,
    Momentum,
    Optimizer,
    OptimizerState,
    RMSprop,
)
from nndl.training.schedules import (  # re-exported: nndl.optim had them
    SCHEDULES,
    Constant,
    ExponentialDecay,
    InverseTimeDecay,
    Schedule,
    StepDecay,
    get_schedule,
)

if TYPE_CHECKING:
    from nndl.arrays.fused import Kernels


_WHOLE_COST = (
    "L-BFGS needs the whole cost function, not one gradient: train with "
    "net.fit(X, Y, optimizer='lbfgs') (full batch) instead of calling update()"
)


class LBFGS(Optimizer):
    """Full-batch L-BFGS (SciPy's ``L-BFGS-B``): for small problems, one step per iteration.

    The training loop runs it on the whole training set (mini-batches, dropout and
    callbacks that stop mid-way do not apply); ``epochs`` is the maximum number of
    iterations, and training stops earlier once the projected gradient is below
    ``gtol`` or the relative cost change below ``ftol``.  Needs ``nndl[lbfgs]`` (SciPy).

    Parameters
    ----------
    gtol : float, default 1e-5
        Stop when the projected gradient's largest entry is below it.
    ftol : float, default 1e-9
        Stop when the relative change of the cost is below it.
    memory : int, default 10
        The number of past steps kept (SciPy's ``maxcor``).
    max_fun : int, default 15000
        The most cost evaluations.

    Raises
    ------
    NNDLValueError
        When an argument is out of range.
    """

    name = "lbfgs"

    def __init__(
        self, gtol: float = 1e-5, ftol: float = 1e-9, memory: int = 10, max_fun: int = 15000
    ) -> None:
        if not (isinstance(gtol, (int, float)) and gtol >= 0):
            raise NNDLValueError(f"gtol must be a number >= 0. Received: gtol={gtol!r}")
        if not (isinstance(ftol, (int, float)) and ftol >= 0):
            raise NNDLValueError(f"ftol must be a number >= 0. Received: ftol={ftol!r}")
        self.gtol = float(gtol)
        self.ftol = float(ftol)
        self.memory = check_int("memory", memory, minimum=1)
        self.max_fun = check_int("max_fun", max_fun, minimum=1)  # most cost evaluations

    def update(
        self,
        grads: dict[str, Array],
        state: OptimizerState,
        params: dict[str, Array] | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[dict[str, Array], OptimizerState]:
        raise NNDLValueError(_WHOLE_COST)

    def apply_flat(
        self,
        theta: np.ndarray,
        g: np.ndarray,
        slots: dict[str, np.ndarray],
        t: int,
        learning_rate: float,
        kernels: Kernels | None = None,
        work: Sequence[np.ndarray] = (),
    ) -> None:
        raise NNDLValueError(_WHOLE_COST)

    def config(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "gtol": self.gtol,
            "ftol": self.ftol,
            "memory": self.memory,
            "max_fun": self.max_fun,
        }


__all__ = [
    "LBFGS",
    "OPTIMIZERS",
    "SCHEDULES",
    "Adam",
    "Constant",
    "ExponentialDecay",
    "GradientDescent",
    "HeavyBall",
    "InverseTimeDecay",
    "Momentum",
    "Optimizer",
    "OptimizerState",
    "RMSprop",
    "Schedule",
    "StepDecay",
    "get",
    "get_schedule",
]

OPTIMIZERS: dict[str, type[Optimizer]] = {
    cls.name: cls for cls in (GradientDescent, Momentum, RMSprop, Adam, LBFGS)
}
"""The registry: every optimizer by its name (:class:`HeavyBall` is the drop-in
``MLPClassifier(solver="sgd")``'s, built there)."""

_OPTIMIZER_ALIASES = {"sgd": "gd", "gradient_descent": "gd", "l_bfgs": "lbfgs"}


def get(identifier: str | Optimizer | dict[str, Any] | None) -> Optimizer:
    """An optimizer from its name (``"adam"``), a config dict, or an Optimizer (returned as is).

    Parameters
    ----------
    identifier : str or Optimizer or dict or None
        ``"gd"``, ``"momentum"``, ``"rmsprop"``, ``"adam"`` or ``"lbfgs"`` (or an alias),
        a config such as ``{"name": "adam", "beta1": 0.8}``, an optimizer, or None for
        gradient descent, the course's default.

    Returns
    -------
    Optimizer
        The optimizer.

    Raises
    ------
    NNDLValueError
        When the name is unknown or the options do not fit it.
    NNDLTypeError
        When the identifier is of another type.

    Examples
    --------
    >>> get("adam")
    Adam(beta1=0.9, beta2=0.999, eps=1e-08)
    >>> get({"name": "momentum", "beta": 0.8})
    Momentum(beta=0.8)
    """
    if identifier is None:
        return GradientDescent()
    if isinstance(identifier, Optimizer):
        return identifier
    options: dict[str, Any] = {}
    if isinstance(identifier, dict):
        options = {k: v for k, v in identifier.items() if k != "name"}
        identifier = str(identifier.get("name"))
    if isinstance(identifier, str):
        cls = lookup(OPTIMIZERS, identifier, "optimizer", _OPTIMIZER_ALIASES)
        try:
            return cls(**options)
        except TypeError as exc:
            raise NNDLValueError(f"bad options for optimizer {cls.name!r}: {exc}") from exc
    raise NNDLTypeError(
        f"an optimizer is given by name (one of {', '.join(OPTIMIZERS)}) or as an "
        f"nndl.training.optimizers.Optimizer."
        f" Received: {identifier!r} of type {type(identifier).__name__}"
    )
