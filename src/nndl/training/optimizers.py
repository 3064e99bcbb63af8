"""Optimizers: update rules with explicit state.

An optimizer is an update rule with explicit state (as in optax): ``state =
opt.init(params)`` makes the state, and ``params, state = opt.update(params,
grads, state, learning_rate)`` takes one step.  ``update`` builds new arrays and
works on every array-API backend; the NumPy training engine calls
``step_flat``, the same rule written in place over one flat buffer, or
``step_fused``, the same rule again as one compiled loop (``nndl.arrays.fused``, when
Numba is installed), which gives the same bits as ``step_flat``.

With ``g = dθ`` the gradient of a parameter θ and α the learning rate:

| name       | state          | update                                                          |
|------------|----------------|-----------------------------------------------------------------|
| ``gd``     | —              | θ := θ − α g                                                    |
| ``momentum``| v             | v := β v + (1 − β) g;  θ := θ − α v                             |
| ``rmsprop``| s              | s := β s + (1 − β) g²;  θ := θ − α g / (√s + ε)                 |
| ``adam``   | m, v, t        | m := β₁ m + (1 − β₁) g;  v := β₂ v + (1 − β₂) g²;  t := t + 1   |
|            |                | m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ := θ − α m̂ / (√v̂ + ε) |

``lbfgs`` is different: full-batch L-BFGS (SciPy's L-BFGS-B) on the whole
training set, for small problems such as logistic regression; the training loop
hands it the cost and gradient as one function (see :func:`nndl.training.loop.fit`).

Learning-rate schedules are :mod:`nndl.training.schedules` (re-exported here, where
they have always been importable from).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nndl.arrays.backend import Array, namespace
from nndl.arrays.fused import Kernels
from nndl.errors import NNDLTypeError, NNDLValueError, check_int
from nndl.model._configurable import Configurable, lookup
from nndl.training.schedules import (  # re-exported: nndl.optim had them
    SCHEDULES,
    Constant,
    ExponentialDecay,
    InverseTimeDecay,
    Schedule,
    StepDecay,
    get_schedule,
)

# ----------------------------------------------------------------- state


@dataclass
class OptimizerState:
    """An optimizer's state: the step count ``t`` and its per-parameter slots.

    ``slots["m"]["W1"]`` is Adam's first moment of ``W1``; every slot array has
    its parameter's shape, dtype and backend.
    """

    t: int = 0
    slots: dict[str, dict[str, Array]] = field(default_factory=dict)


def _check_rate(name: str, value: float, low: float = 0.0, high: float = 1.0) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float, np.floating, np.integer))
        or not math.isfinite(float(value))
        or not low <= value < high
    ):
        raise NNDLValueError(
            f"{name} must be a number in [{low:g}, {high:g}). Received: {name}={value!r}"
        )
    return float(value)


def _check_eps(eps: float) -> float:
    if isinstance(eps, bool) or not isinstance(eps, (int, float)) or not 0 < eps < 1:
        raise NNDLValueError(f"eps must be a small number > 0, e.g. 1e-8. Received: eps={eps!r}")
    return float(eps)


# ------------------------------------------------------------- optimizers


class Optimizer(Configurable):
    """Base class: an update rule θ := θ − α · step(g, state) (``get(config())`` rebuilds one)."""

    slot_names: tuple[str, ...] = ()

    def init(self, params: dict[str, Array]) -> OptimizerState:
        """The state before the first step: every slot zero, ``t = 0``."""
        slots = {
            s: {k: namespace(v).zeros_like(v) for k, v in params.items()} for s in self.slot_names
        }
        return OptimizerState(t=0, slots=slots)

    def update(
        self,
        params: dict[str, Array],
        grads: dict[str, Array],
        state: OptimizerState,
        learning_rate: float,
    ) -> tuple[dict[str, Array], OptimizerState]:
        """One step: new parameters and new state (the inputs are not modified).

        ``grads`` maps ``"dW1"`` (or ``"W1"``) to the gradient of ``W1``.
        """
        t = state.t + 1
        new_params: dict[str, Array] = {}
        new_slots: dict[str, dict[str, Array]] = {s: {} for s in self.slot_names}
        for k, theta in params.items():
            g = grads["d" + k] if "d" + k in grads else grads[k]
            slots = {s: state.slots[s][k] for s in self.slot_names}
            step, slots = self._step(g, slots, t)
            new_params[k] = theta - learning_rate * step
            for s in self.slot_names:
                new_slots[s][k] = slots[s]
        return new_params, OptimizerState(t=t, slots=new_slots)

    def _step(self, g: Array, slots: dict[str, Array], t: int) -> tuple[Array, dict[str, Array]]:
        """The direction for one parameter (θ := θ − α · direction) and its new slots."""
        raise NotImplementedError

    def step_flat(
        self,
        g: np.ndarray,
        slots: dict[str, np.ndarray],
        t: int,
        learning_rate: float,
        work: np.ndarray,
        work2: np.ndarray,
    ) -> tuple[np.ndarray, float]:
        """``(direction, scale)`` on flat NumPy buffers, updating the slots in place.

        ``t`` is the new step count; the caller applies ``θ -= scale · direction``
        (after checking it is finite).  ``work`` and ``work2``
        are scratch buffers of ``g``'s size; ``g`` may be overwritten, and the
        direction may be any of the three.
        """
        raise NotImplementedError

    def step_fused(
        self,
        k: Kernels,
        theta: np.ndarray,
        g: np.ndarray,
        slots: dict[str, np.ndarray],
        t: int,
        learning_rate: float,
    ) -> bool:
        """Take the whole step ``θ −= scale · direction`` with one fused kernel of ``k``.

        Returns ``False`` (and changes nothing) for an optimizer that has no kernel;
        the caller then uses ``step_flat``.  The scalars are rounded to θ's dtype
        exactly as NumPy rounds them in ``step_flat``, so both give the same bits.
        """
        return False


class GradientDescent(Optimizer):
    """θ := θ − α g, the course's (batch, mini-batch or stochastic) gradient descent."""

    name = "gd"

    def _step(self, g: Array, slots: dict[str, Array], t: int) -> tuple[Array, dict[str, Array]]:
        return g, slots

    def step_flat(
        self,
        g: np.ndarray,
        slots: dict[str, np.ndarray],
        t: int,
        learning_rate: float,
        work: np.ndarray,
        work2: np.ndarray,
    ) -> tuple[np.ndarray, float]:
        return g, learning_rate

    def step_fused(
        self,
        k: Kernels,
        theta: np.ndarray,
        g: np.ndarray,
        slots: dict[str, np.ndarray],
        t: int,
        learning_rate: float,
    ) -> bool:
        k.gd(theta, g, theta.dtype.type(learning_rate))
        return True


class Momentum(Optimizer):
    """v := β v + (1 − β) g;  θ := θ − α v (the course's exponentially weighted average)."""

    name = "momentum"
    slot_names = ("v",)

    def __init__(self, beta: float = 0.9) -> None:
        self.beta = _check_rate("beta", beta)

    def _step(self, g: Array, slots: dict[str, Array], t: int) -> tuple[Array, dict[str, Array]]:
        v = self.beta * slots["v"] + (1.0 - self.beta) * g
        return v, {"v": v}

    def step_flat(
        self,
        g: np.ndarray,
        slots: dict[str, np.ndarray],
        t: int,
        learning_rate: float,
        work: np.ndarray,
        work2: np.ndarray,
    ) -> tuple[np.ndarray, float]:
        v = slots["v"]
        v *= self.beta
        g *= 1.0 - self.beta
        v += g
        return v, learning_rate

    def step_fused(
        self,
        k: Kernels,
        theta: np.ndarray,
        g: np.ndarray,
        slots: dict[str, np.ndarray],
        t: int,
        learning_rate: float,
    ) -> bool:
        f = theta.dtype.type
        k.momentum(theta, g, slots["v"], f(self.beta), f(1.0 - self.beta), f(learning_rate))
        return True

    def config(self) -> dict[str, Any]:
        return {"name": self.name, "beta": self.beta}


class RMSprop(Optimizer):
    """s := β s + (1 − β) g²;  θ := θ − α g / (√s + ε)."""

    name = "rmsprop"
    slot_names = ("s",)

    def __init__(self, beta: float = 0.9, eps: float = 1e-8) -> None:
        self.beta = _check_rate("beta", beta)
        self.eps = _check_eps(eps)

    def _step(self, g: Array, slots: dict[str, Array], t: int) -> tuple[Array, dict[str, Array]]:
        xp = namespace(g)
        s = self.beta * slots["s"] + (1.0 - self.beta) * (g * g)
        return g / (xp.sqrt(s) + self.eps), {"s": s}

    def step_flat(
        self,
        g: np.ndarray,
        slots: dict[str, np.ndarray],
        t: int,
        learning_rate: float,
        work: np.ndarray,
        work2: np.ndarray,
    ) -> tuple[np.ndarray, float]:
        s = slots["s"]
        s *= self.beta
        np.multiply(g, g, out=work)
        work *= 1.0 - self.beta
        s += work
        np.sqrt(s, out=work)
        work += self.eps
        np.divide(g, work, out=work)
        return work, learning_rate

    def step_fused(
        self,
        k: Kernels,
        theta: np.ndarray,
        g: np.ndarray,
        slots: dict[str, np.ndarray],
        t: int,
        learning_rate: float,
    ) -> bool:
        f = theta.dtype.type
        beta, eps = self.beta, self.eps
        k.rmsprop(theta, g, slots["s"], f(beta), f(1.0 - beta), f(eps), f(learning_rate))
        return True

    def config(self) -> dict[str, Any]:
        return {"name": self.name, "beta": self.beta, "eps": self.eps}


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2015) with bias correction.

    m := β₁ m + (1 − β₁) g;  v := β₂ v + (1 − β₂) g²;
    m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ := θ − α m̂ / (√v̂ + ε).

    Its first step is θ − α g / (|g| + ε): about α in the direction of −sign(g).
    """

    name = "adam"
    slot_names = ("m", "v")

    def __init__(
        self, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, eps_hat: bool = False
    ) -> None:
        self.beta1 = _check_rate("beta1", beta1)
        self.beta2 = _check_rate("beta2", beta2)
        self.eps = _check_eps(eps)
        # eps_hat: the paper's efficient form θ := θ − α_t m / (√v + ε̂), ε added to √v
        # rather than √v̂ (scikit-learn's and TensorFlow's Adam)
        self.eps_hat = bool(eps_hat)

    def _eps_folded(self, c: float) -> float:
        """ε in the folded form m / (√v + ε′) with c = √(1 − β₂ᵗ): ε′ = c ε, or ε for ε̂."""
        return self.eps if self.eps_hat else c * self.eps

    def _step(self, g: Array, slots: dict[str, Array], t: int) -> tuple[Array, dict[str, Array]]:
        xp = namespace(g)
        m = self.beta1 * slots["m"] + (1.0 - self.beta1) * g
        v = self.beta2 * slots["v"] + (1.0 - self.beta2) * (g * g)
        m_hat = m / (1.0 - self.beta1**t)
        v_hat = v / (1.0 - self.beta2**t)
        eps = self.eps / math.sqrt(1.0 - self.beta2**t) if self.eps_hat else self.eps
        return m_hat / (xp.sqrt(v_hat) + eps), {"m": m, "v": v}

    def step_flat(
        self,
        g: np.ndarray,
        slots: dict[str, np.ndarray],
        t: int,
        learning_rate: float,
        work: np.ndarray,
        work2: np.ndarray,
    ) -> tuple[np.ndarray, float]:
        # The bias corrections are folded into two scalars: with c = √(1 − β₂ᵗ),
        # α m̂ / (√v̂ + ε) = α m / (1 − β₁ᵗ) / (√v / c + ε) = (α c / (1 − β₁ᵗ)) · m / (√v + c ε).
        m, v = slots["m"], slots["v"]
        m *= self.beta1
        np.multiply(g, 1.0 - self.beta1, out=work)
        m += work
        v *= self.beta2
        g *= g
        g *= 1.0 - self.beta2
        v += g
        c = math.sqrt(1.0 - self.beta2**t)
        np.sqrt(v, out=work)
        work += self._eps_folded(c)
        np.divide(m, work, out=work2)
        return work2, learning_rate * c / (1.0 - self.beta1**t)

    def step_fused(
        self,
        k: Kernels,
        theta: np.ndarray,
        g: np.ndarray,
        slots: dict[str, np.ndarray],
        t: int,
        learning_rate: float,
    ) -> bool:
        f = theta.dtype.type
        b1, b2 = self.beta1, self.beta2
        c = math.sqrt(1.0 - b2**t)  # the bias corrections folded as in step_flat
        scale = learning_rate * c / (1.0 - b1**t)
        m, v = slots["m"], slots["v"]
        eps = f(self._eps_folded(c))
        k.adam(theta, g, m, v, f(b1), f(1.0 - b1), f(b2), f(1.0 - b2), eps, f(scale))
        return True

    def config(self) -> dict[str, Any]:
        config = {"name": self.name, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}
        return {**config, "eps_hat": True} if self.eps_hat else config


class LBFGS(Optimizer):
    """Full-batch L-BFGS (SciPy's ``L-BFGS-B``): for small problems, one step per iteration.

    The training loop runs it on the whole training set (mini-batches, dropout and
    callbacks that stop mid-way do not apply); ``epochs`` is the maximum number of
    iterations, and training stops earlier once the projected gradient is below
    ``gtol`` or the relative cost change below ``ftol``.  Needs ``nndl[lbfgs]`` (SciPy).
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
        params: dict[str, Array],
        grads: dict[str, Array],
        state: OptimizerState,
        learning_rate: float,
    ) -> tuple[dict[str, Array], OptimizerState]:
        raise NNDLValueError(
            "L-BFGS needs the whole cost function, not one gradient: train with "
            "net.fit(X, Y, optimizer='lbfgs') (full batch) instead of calling update()"
        )

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
"""The registry: every optimizer by its name."""

_OPTIMIZER_ALIASES = {"sgd": "gd", "gradient_descent": "gd", "l_bfgs": "lbfgs"}


def get(identifier: str | Optimizer | dict[str, Any] | None) -> Optimizer:
    """An optimizer from its name (``"adam"``), a config dict, or an Optimizer (returned as is).

    ``None`` gives gradient descent, the course's default.

    >>> get("adam")
    Adam(beta1=0.9, beta2=0.999, eps=1e-08)
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
