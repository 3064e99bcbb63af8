"""The update rules, each written once: gradient descent, momentum, RMSprop, Adam, heavy ball.

An optimizer is a pure transformation with explicit state, as in optax::

    state = opt.init(params)
    updates, state = opt.update(grads, state, params, learning_rate=α)
    θ_new = θ + updates                      # opt.apply(params, grads, state, α) does both

The learning rate α is an argument of every step, because a schedule changes
it between epochs (:mod:`nndl.training.schedules`).  With ``g = dθ`` the
gradient of a parameter θ and t the step count (1 for the first step):

| name         | slots     | update                                                             |
|--------------|-----------|--------------------------------------------------------------------|
| ``gd``       | —         | θ := θ − α g                                                       |
| ``momentum`` | v         | v := β v + (1 − β) g;  θ := θ − α v                                |
| ``rmsprop``  | s         | s := β s + (1 − β) g²;  θ := θ − α g / (√s + ε)                    |
| ``adam``     | m, v      | m := β₁ m + (1 − β₁) g;  v := β₂ v + (1 − β₂) g²;                  |
|              |           | m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ := θ − α m̂ / (√v̂ + ε)   |
| heavy ball   | velocity  | v := μ v − α g;  θ := θ + v  (Nesterov: θ := θ + μ v − α g)        |

Each optimizer's :meth:`Optimizer.rule` is that formula for one element, as a
plain function of arrays and scalars (:mod:`nndl.arrays.elementwise`), and its
:meth:`Optimizer.coefficients` computes the scalars of step t once, in float64
(−α rather than α: ``θ + (−α) g`` is exactly ``θ − α g``, and one pass fewer).
The same rule runs

- on arrays of any array-API library (``update``/``apply``: new arrays, any backend);
- in place over flat NumPy buffers (``apply_flat``, the NumPy training engine), as
  NumPy passes or as one loop Numba compiles from the rule; both give the same
  bits, and the same bits as ``apply`` on NumPy arrays of the same numbers;
- on a GPU, in place (:class:`nndl.training.device_step.AdamStep`).

The rules live in the model layer so that ``Network.update`` (gradient descent)
uses them without an upward import; :mod:`nndl.training.optimizers` re-exports
them beside L-BFGS, the registry and the schedules.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays import elementwise
from nndl.arrays.backend import Array, namespace
from nndl.errors import NNDLTypeError, NNDLValueError
from nndl.model._configurable import Configurable

if TYPE_CHECKING:
    from nndl.arrays.fused import Kernels

__all__ = [
    "Adam",
    "GradientDescent",
    "HeavyBall",
    "Momentum",
    "Optimizer",
    "OptimizerState",
    "RMSprop",
    "descend",
]


@dataclass
class OptimizerState:
    """An optimizer's state: the step count ``t`` and its per-parameter slots.

    Parameters
    ----------
    t : int, default 0
        The number of steps taken.
    slots : dict of str to dict of str to Array, optional
        ``slots["m"]["W1"]`` is Adam's first moment of ``W1``; every slot array has its
        parameter's shape, dtype and backend.
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


def _gradient(grads: dict[str, Array], k: str) -> Array:
    """The gradient of parameter ``k``: ``grads["dW1"]`` (the course's name) or ``grads["W1"]``."""
    return grads["d" + k] if "d" + k in grads else grads[k]


class Optimizer(Configurable):
    """An update rule with explicit state: ``θ := θ + update`` (``get(config())`` rebuilds one).

    A subclass gives :meth:`rule` (one element's update and new slots) and
    :meth:`coefficients` (the rule's scalars at step t); everything else is here.
    """

    slot_names: tuple[str, ...] = ()

    rule: Callable[..., tuple[Array, ...]]
    """``rule(xp, g, *slots, *scalars) -> (update, *new_slots)``, elementwise: one element's
    step from its gradient ``g``, its slots (arguments named as :attr:`slot_names`)
    and the scalars of :meth:`coefficients`, written with ``+ − × ÷``, negation and
    ``xp.sqrt`` only and never combining two scalars (:mod:`nndl.arrays.elementwise`)."""

    def coefficients(
        self, t: Any, learning_rate: Any, sqrt: Callable[[Any], Any] = math.sqrt
    ) -> tuple[Any, ...]:
        """The rule's scalars at step ``t`` (1 for the first), computed once in float64.

        ``sqrt`` is ``math.sqrt`` for Python numbers, or a namespace's ``sqrt`` when
        ``t`` is a 0-d array on a device.
        """
        raise NotImplementedError

    @property
    def program(self) -> elementwise.Program:
        """The traced :meth:`rule`: what runs in place and compiles (cached on the optimizer)."""
        program: elementwise.Program | None = self.__dict__.get("_program")
        if program is None:
            program = elementwise.trace(self.rule, 1 + len(self.slot_names))
            if program.arrays[1:] != self.slot_names:
                raise TypeError(f"{type(self).__name__}.rule must name its slots {self.slot_names}")
            self.__dict__["_program"] = program
        return program

    def init(self, params: dict[str, Array]) -> OptimizerState:
        """The state before the first step: every slot zero, ``t = 0``."""
        slots = {
            s: {k: namespace(v).zeros_like(v) for k, v in params.items()} for s in self.slot_names
        }
        return OptimizerState(t=0, slots=slots)

    def update(
        self,
        grads: dict[str, Array],
        state: OptimizerState,
        params: dict[str, Array] | None = None,
        *,
        learning_rate: float,
    ) -> tuple[dict[str, Array], OptimizerState]:
        """One step's ``(updates, new_state)``; ``θ_new = θ + updates[name]`` (inputs unchanged).

        ``grads`` maps ``"dW1"`` (or ``"W1"``) to the gradient of ``W1``; the updates
        are named as the parameters (``params``' names when given, else the gradients'
        without their ``d``), each of its parameter's shape, dtype and backend.
        """
        if not isinstance(state, OptimizerState):
            raise NNDLTypeError(
                "update takes (grads, state, params, learning_rate=α) and returns the updates; "
                "apply(params, grads, state, α) returns the new parameters. "
                f"Received: state of type {type(state).__name__}"
            )
        t = state.t + 1
        scalars = self.coefficients(t, float(learning_rate))  # Python floats: arrays keep dtype
        names = list(params) if params is not None else [k.removeprefix("d") for k in grads]
        updates: dict[str, Array] = {}
        new_slots: dict[str, dict[str, Array]] = {s: {} for s in self.slot_names}
        for k in names:
            g = _gradient(grads, k)
            slots = [state.slots[s][k] for s in self.slot_names]
            updates[k], *new = self.rule(namespace(g), g, *slots, *scalars)
            for s, value in zip(self.slot_names, new, strict=True):
                new_slots[s][k] = value
        return updates, OptimizerState(t=t, slots=new_slots)

    def apply(
        self,
        params: dict[str, Array],
        grads: dict[str, Array],
        state: OptimizerState,
        learning_rate: float,
    ) -> tuple[dict[str, Array], OptimizerState]:
        """One step: ``(new_params, new_state)`` with ``θ_new = θ + update`` (inputs unchanged)."""
        updates, state = self.update(grads, state, params, learning_rate=learning_rate)
        return {k: theta + updates[k] for k, theta in params.items()}, state

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
        """Step ``t`` in place over flat NumPy buffers.

        The slots get their new values and ``θ := θ + update``; ``g`` is overwritten.

        ``theta``, ``g`` and each ``slots[name]`` are contiguous arrays of one shape and
        dtype; the scalars are rounded to that dtype.  With ``kernels``
        (:func:`nndl.arrays.fused.kernels_for`) the step is one loop compiled from the
        rule, else NumPy passes into ``work`` (scratch buffers like θ, made if missing);
        both give the bits :meth:`apply` gives on NumPy arrays of the same numbers.
        """
        self.flat_step(theta, g, slots, kernels, work)(t, learning_rate)

    def flat_step(
        self,
        theta: np.ndarray,
        g: np.ndarray,
        slots: dict[str, np.ndarray],
        kernels: Kernels | None = None,
        work: Sequence[np.ndarray] = (),
    ) -> Callable[[int, float], None]:
        """:meth:`apply_flat` bound to these buffers, as ``step(t, learning_rate)``.

        The loop is looked up once (per step, on a small network, the lookup costs more
        than the arithmetic); each call gives the bits of :meth:`apply_flat`.

        Parameters
        ----------
        theta, g, slots, kernels, work
            As :meth:`apply_flat` takes them.

        Returns
        -------
        callable
            ``step(t, learning_rate)``: step ``t`` (1 for the first) at that rate.
        """
        f = theta.dtype.type
        arrays = [g, *(slots[s] for s in self.slot_names)]
        coefficients, program = self.coefficients, self.program
        loop = kernels.loop(program, theta.dtype) if kernels is not None else None
        if loop is not None:
            compiled = loop

            def step(t: int, learning_rate: float) -> None:
                compiled(theta, *arrays, *[f(c) for c in coefficients(t, learning_rate)])

        else:

            def step(t: int, learning_rate: float) -> None:
                scalars = [f(c) for c in coefficients(t, learning_rate)]
                elementwise.run_in_place(program, theta, arrays, scalars, work)

        return step


class GradientDescent(Optimizer):
    """θ := θ − α g, the course's (batch, mini-batch or stochastic) gradient descent."""

    name = "gd"

    def rule(self, xp: Any, g: Array, minus_learning_rate: Any) -> tuple[Array]:
        """update = −α g."""
        return (minus_learning_rate * g,)

    def coefficients(
        self, t: Any, learning_rate: Any, sqrt: Callable[[Any], Any] = math.sqrt
    ) -> tuple[Any, ...]:
        return (-learning_rate,)


def descend(
    params: dict[str, Array], grads: dict[str, Array], learning_rate: float
) -> dict[str, Array]:
    """One gradient-descent step on every parameter, ``W[l] := W[l] − α dW[l]`` (new arrays)."""
    return _GRADIENT_DESCENT.apply(params, grads, OptimizerState(), learning_rate)[0]


_GRADIENT_DESCENT = GradientDescent()


class Momentum(Optimizer):
    """v := β v + (1 − β) g;  θ := θ − α v (the course's exponentially weighted average).

    Parameters
    ----------
    beta : float, default 0.9
        β, in [0, 1).

    Raises
    ------
    NNDLValueError
        When beta is out of range.

    Examples
    --------
    >>> import numpy as np
    >>> params, grads = {"W1": np.array([[1.0]])}, {"dW1": np.array([[0.5]])}
    >>> opt = Momentum(beta=0.9)
    >>> new, state = opt.apply(params, grads, opt.init(params), learning_rate=0.1)
    >>> new["W1"]  # 1 − 0.1 · (0.9 · 0 + 0.1 · 0.5)
    array([[0.995]])
    """

    name = "momentum"
    slot_names = ("v",)

    def __init__(self, beta: float = 0.9) -> None:
        self.beta = _check_rate("beta", beta)

    def rule(
        self, xp: Any, g: Array, v: Array, beta: Any, one_minus_beta: Any, minus_learning_rate: Any
    ) -> tuple[Array, Array]:
        """v := β v + (1 − β) g;  update = −α v."""
        v = beta * v + one_minus_beta * g
        return minus_learning_rate * v, v

    def coefficients(
        self, t: Any, learning_rate: Any, sqrt: Callable[[Any], Any] = math.sqrt
    ) -> tuple[Any, ...]:
        return (self.beta, 1.0 - self.beta, -learning_rate)

    def config(self) -> dict[str, Any]:
        return {"name": self.name, "beta": self.beta}


class RMSprop(Optimizer):
    """s := β s + (1 − β) g²;  θ := θ − α g / (√s + ε).

    Parameters
    ----------
    beta : float, default 0.9
        β, in [0, 1).
    eps : float, default 1e-8
        ε, in (0, 1).

    Raises
    ------
    NNDLValueError
        When beta or eps is out of range.
    """

    name = "rmsprop"
    slot_names = ("s",)

    def __init__(self, beta: float = 0.9, eps: float = 1e-8) -> None:
        self.beta = _check_rate("beta", beta)
        self.eps = _check_eps(eps)

    def rule(
        self,
        xp: Any,
        g: Array,
        s: Array,
        beta: Any,
        one_minus_beta: Any,
        eps: Any,
        minus_learning_rate: Any,
    ) -> tuple[Array, Array]:
        """s := β s + (1 − β) g²;  update = −α g / (√s + ε)."""
        s = beta * s + one_minus_beta * (g * g)
        return minus_learning_rate * (g / (xp.sqrt(s) + eps)), s

    def coefficients(
        self, t: Any, learning_rate: Any, sqrt: Callable[[Any], Any] = math.sqrt
    ) -> tuple[Any, ...]:
        return (self.beta, 1.0 - self.beta, self.eps, -learning_rate)

    def config(self) -> dict[str, Any]:
        return {"name": self.name, "beta": self.beta, "eps": self.eps}


class Adam(Optimizer):
    """Adam (Kingma and Ba, 2015) with bias correction.

    m := β₁ m + (1 − β₁) g;  v := β₂ v + (1 − β₂) g²;
    m̂ = m / (1 − β₁ᵗ);  v̂ = v / (1 − β₂ᵗ);  θ := θ − α m̂ / (√v̂ + ε).

    Its first step is θ − α g / (|g| + ε): about α in the direction of −sign(g).
    ``eps_hat=True`` is the paper's efficient form θ := θ − α_t m / (√v + ε̂), ε added
    to √v rather than √v̂ (scikit-learn's and TensorFlow's Adam).

    Parameters
    ----------
    beta1 : float, default 0.9
        β₁, in [0, 1).
    beta2 : float, default 0.999
        β₂, in [0, 1).
    eps : float, default 1e-8
        ε, in (0, 1).
    eps_hat : bool, default False
        Add ε to √v (ε̂) instead of √v̂.

    Raises
    ------
    NNDLValueError
        When a rate or eps is out of range.
    """

    name = "adam"
    slot_names = ("m", "v")

    def __init__(
        self, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8, eps_hat: bool = False
    ) -> None:
        self.beta1 = _check_rate("beta1", beta1)
        self.beta2 = _check_rate("beta2", beta2)
        self.eps = _check_eps(eps)
        self.eps_hat = bool(eps_hat)

    def rule(
        self,
        xp: Any,
        g: Array,
        m: Array,
        v: Array,
        beta1: Any,
        one_minus_beta1: Any,
        beta2: Any,
        one_minus_beta2: Any,
        eps: Any,
        minus_scale: Any,
    ) -> tuple[Array, Array, Array]:
        """m := β₁ m + (1 − β₁) g;  v := β₂ v + (1 − β₂) g²;  update = −scale · m / (√v + ε′).

        The bias corrections are folded into the scalars (:meth:`coefficients`).
        """
        m = beta1 * m + one_minus_beta1 * g
        v = beta2 * v + one_minus_beta2 * (g * g)
        return minus_scale * (m / (xp.sqrt(v) + eps)), m, v

    def coefficients(
        self, t: Any, learning_rate: Any, sqrt: Callable[[Any], Any] = math.sqrt
    ) -> tuple[Any, ...]:
        """The scalars of step t: ``(β₁, 1 − β₁, β₂, 1 − β₂, ε′, −scale)``.

        With c = √(1 − β₂ᵗ): α m̂ / (√v̂ + ε) = (α c / (1 − β₁ᵗ)) · m / (√v + c ε), so
        scale = α c / (1 − β₁ᵗ) and ε′ = c ε (ε′ = ε̂ with ``eps_hat``).
        """
        b1, b2 = self.beta1, self.beta2
        c = sqrt(1.0 - b2**t)
        eps = self.eps if self.eps_hat else c * self.eps
        return (b1, 1.0 - b1, b2, 1.0 - b2, eps, -(learning_rate * c / (1.0 - b1**t)))

    def config(self) -> dict[str, Any]:
        config = {"name": self.name, "beta1": self.beta1, "beta2": self.beta2, "eps": self.eps}
        return {**config, "eps_hat": True} if self.eps_hat else config


class HeavyBall(Optimizer):
    """Stochastic gradient descent with a velocity: Polyak's heavy ball and Nesterov's momentum.

    ``v := μ v − α g``; ``θ := θ + v``, or ``θ := θ + μ v − α g`` with ``nesterov=True``
    (written for the current point).  The course's :class:`Momentum` averages the
    gradients and steps ``θ := θ − α v``; this form, scikit-learn's ``solver="sgd"``,
    keeps the learning rate inside the velocity, so a learning rate that changes
    between epochs changes only the newest term.  With a constant α the heavy ball
    equals the course's momentum with α / (1 − μ).  ``momentum=0`` is plain gradient
    descent.

    Parameters
    ----------
    momentum : float, default 0.9
        μ, in [0, 1).
    nesterov : bool, default True
        Nesterov's momentum instead of the heavy ball.

    Raises
    ------
    NNDLValueError
        When momentum is out of range.
    """

    name = "heavy_ball"
    slot_names = ("velocity",)

    def __init__(self, momentum: float = 0.9, nesterov: bool = True) -> None:
        self.momentum = _check_rate("momentum", momentum)
        self.nesterov = bool(nesterov)

    def rule(
        self, xp: Any, g: Array, velocity: Array, momentum: Any, learning_rate: Any
    ) -> tuple[Array, Array]:
        """v := μ v − α g;  update = v, or μ v − α g (Nesterov)."""
        velocity = momentum * velocity - learning_rate * g
        if self.nesterov:
            return momentum * velocity - learning_rate * g, velocity
        return velocity, velocity

    def coefficients(
        self, t: Any, learning_rate: Any, sqrt: Callable[[Any], Any] = math.sqrt
    ) -> tuple[Any, ...]:
        return (self.momentum, learning_rate)

    def config(self) -> dict[str, Any]:
        return {"name": self.name, "momentum": self.momentum, "nesterov": self.nesterov}
