"""Learning-rate schedules: the learning rate of each epoch (epoch counted from 0).

| name            | α(epoch)                                   |
|-----------------|--------------------------------------------|
| ``constant``    | α₀                                          |
| ``inverse_time``| α₀ / (1 + decay_rate · ⌊epoch / every⌋)      |
| ``exponential`` | α₀ · rate^epoch                             |
| ``step``        | α₀ · factor^⌊epoch / every⌋                  |
"""

from __future__ import annotations

from typing import Any

from nndl.errors import NNDLTypeError, NNDLValueError, check_int, check_learning_rate
from nndl.model._configurable import lookup


class Schedule:
    """The learning rate of each epoch: ``schedule(epoch) -> α``.

    Parameters
    ----------
    learning_rate : float
        α₀, the learning rate of epoch 0, > 0.

    Raises
    ------
    NNDLValueError
        When an argument is out of range.
    """

    name: str = ""

    def __init__(self, learning_rate: float) -> None:
        self.learning_rate = check_learning_rate(learning_rate)

    def __call__(self, epoch: int) -> float:
        raise NotImplementedError

    def config(self) -> dict[str, Any]:
        """A JSON-able description; ``get_schedule(config)`` rebuilds the schedule.

        Returns
        -------
        dict of str to object
            ``{"name": ..., "learning_rate": ..., **arguments}``.
        """
        return {"name": self.name, "learning_rate": self.learning_rate}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.config().items() if k != "name")
        return f"{type(self).__name__}({args})"


class Constant(Schedule):
    """α(epoch) = α₀.

    Parameters
    ----------
    learning_rate : float
        α₀, the learning rate of epoch 0, > 0.
    """

    name = "constant"

    def __call__(self, epoch: int) -> float:
        return self.learning_rate


class InverseTimeDecay(Schedule):
    """α(epoch) = α₀ / (1 + decay_rate · ⌊epoch / every⌋) (the course's learning-rate decay).

    Parameters
    ----------
    learning_rate : float
        α₀, the learning rate of epoch 0, > 0.
    decay_rate : float, default 1.0
        How fast α falls, >= 0.
    every : int, default 1
        The epochs between two decreases (the course's ``time_interval``).

    Raises
    ------
    NNDLValueError
        When an argument is out of range.

    Examples
    --------
    >>> [InverseTimeDecay(0.5, decay_rate=1.0, every=10)(epoch) for epoch in (0, 9, 10, 20)]
    [0.5, 0.5, 0.25, 0.16666666666666666]
    """

    name = "inverse_time"

    def __init__(self, learning_rate: float, decay_rate: float = 1.0, every: int = 1) -> None:
        super().__init__(learning_rate)
        if not (isinstance(decay_rate, (int, float)) and decay_rate >= 0):
            raise NNDLValueError(
                f"decay_rate must be a number >= 0. Received: decay_rate={decay_rate!r}"
            )
        self.decay_rate = float(decay_rate)
        self.every = check_int("every", every, minimum=1)

    def __call__(self, epoch: int) -> float:
        return self.learning_rate / (1.0 + self.decay_rate * (epoch // self.every))

    def config(self) -> dict[str, Any]:
        return {**super().config(), "decay_rate": self.decay_rate, "every": self.every}


class ExponentialDecay(Schedule):
    """α(epoch) = α₀ · rate^epoch (the course's 0.95^epoch · α₀).

    Parameters
    ----------
    learning_rate : float
        α₀, the learning rate of epoch 0, > 0.
    rate : float, default 0.95
        The factor of each epoch, in (0, 1].

    Raises
    ------
    NNDLValueError
        When an argument is out of range.
    """

    name = "exponential"

    def __init__(self, learning_rate: float, rate: float = 0.95) -> None:
        super().__init__(learning_rate)
        if not (isinstance(rate, (int, float)) and 0 < rate <= 1):
            raise NNDLValueError(f"rate must be a number in (0, 1]. Received: rate={rate!r}")
        self.rate = float(rate)

    def __call__(self, epoch: int) -> float:
        return self.learning_rate * self.rate**epoch

    def config(self) -> dict[str, Any]:
        return {**super().config(), "rate": self.rate}


class StepDecay(Schedule):
    """α(epoch) = α₀ · factor^⌊epoch / every⌋: times ``factor`` every ``every`` epochs.

    Parameters
    ----------
    learning_rate : float
        α₀, the learning rate of epoch 0, > 0.
    factor : float, default 0.5
        The factor, in (0, 1].
    every : int, default 10
        The epochs between two decreases.

    Raises
    ------
    NNDLValueError
        When an argument is out of range.
    """

    name = "step"

    def __init__(self, learning_rate: float, factor: float = 0.5, every: int = 10) -> None:
        super().__init__(learning_rate)
        if not (isinstance(factor, (int, float)) and 0 < factor <= 1):
            raise NNDLValueError(f"factor must be a number in (0, 1]. Received: factor={factor!r}")
        self.factor = float(factor)
        self.every = check_int("every", every, minimum=1)

    def __call__(self, epoch: int) -> float:
        return self.learning_rate * self.factor ** (epoch // self.every)

    def config(self) -> dict[str, Any]:
        return {**super().config(), "factor": self.factor, "every": self.every}


SCHEDULES: dict[str, type[Schedule]] = {
    cls.name: cls for cls in (Constant, InverseTimeDecay, ExponentialDecay, StepDecay)
}
"""The registry: every schedule by its name."""


def get_schedule(
    identifier: str | Schedule | dict[str, Any] | None, learning_rate: float | None = None
) -> Schedule:
    """A schedule from its name (started at ``learning_rate``), a config dict or a Schedule.

    Parameters
    ----------
    identifier : str or Schedule or dict or None
        A name (``"constant"``, ``"inverse_time"``, ``"exponential"``, ``"step"``), a config
        such as ``{"name": "step", "learning_rate": 0.1, "every": 5}``, a schedule (returned
        as is), or None for the constant ``learning_rate``.
    learning_rate : float, optional
        α₀ for a name (a config dict may hold its own).

    Returns
    -------
    Schedule
        The schedule.

    Raises
    ------
    NNDLValueError
        When the name is unknown or an argument is out of range.
    NNDLTypeError
        When the identifier is of another type.

    Examples
    --------
    >>> get_schedule("exponential", 0.1)(2)  # 0.1 · 0.95²
    0.09025
    """
    if isinstance(identifier, Schedule):
        return identifier
    options: dict[str, Any] = {}
    if identifier is None:
        identifier = "constant"
    if isinstance(identifier, dict):
        options = {k: v for k, v in identifier.items() if k != "name"}
        identifier = str(identifier.get("name"))
    if isinstance(identifier, str):
        cls = lookup(SCHEDULES, identifier, "learning-rate schedule")
        if "learning_rate" not in options:
            if learning_rate is None:
                raise NNDLValueError(f"the {cls.name} schedule needs a learning_rate to start from")
            options["learning_rate"] = learning_rate
        try:
            return cls(**options)
        except TypeError as exc:
            raise NNDLValueError(f"bad options for schedule {cls.name!r}: {exc}") from exc
    raise NNDLTypeError(
        f"a schedule is given by name (one of {', '.join(SCHEDULES)}) or as an "
        f"nndl.training.schedules.Schedule."
        f" Received: {identifier!r} of type {type(identifier).__name__}"
    )
