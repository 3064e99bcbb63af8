"""The options of one training run, as one validated object.

:class:`FitOptions` holds everything :func:`nndl.training.fit` takes besides the network and
the data: the learning rate, the epochs, the optimizer, mini-batches, regularization,
validation, stopping, checkpoints, printing.  It is built once, by whoever starts the run
(``Network.fit``, the command line, the estimators, the playground), and the loop reads it.

Its fields are checked when it is made, against one table of constraints per field
(:attr:`FitOptions.constraints`, in the manner of scikit-learn's ``_parameter_constraints``:
a value must satisfy one of its field's constraints), by one function,
:func:`nndl.errors.validate_parameters`, which writes every message the same way
(``batch_size must be an integer >= 1 or None. Received: batch_size=0``) and converts each
value to its canonical form (an ``int``, a ``float``, a tuple).  What depends on the network
or the data (one dropout rate per hidden layer, the length of ``sample_weight``, the layout
of ``validation_data``) is checked by the loop, which knows them.

>>> FitOptions(learning_rate=0.1, epochs=5, batch_size=64).batch_size
64
>>> FitOptions(epochs=-1)
Traceback (most recent call last):
...
nndl.errors.InvalidParameterError: epochs must be an integer >= 0. Received: epochs=-1
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from nndl.errors import (
    NONE,
    Checked,
    Constraint,
    EachOf,
    Instance,
    Integer,
    InvalidParameterError,
    Options,
    Pair,
    check_clip,
    check_fraction,
    check_l2,
    check_learning_rate,
    did_you_mean,
    validate_parameters,
)
from nndl.training.callbacks import Callback, EarlyStopping
from nndl.training.optimizers import Optimizer, OptimizerState, Schedule, get_schedule

ENGINES = ("auto", "generic", "numpy", "compiled")
"""The engines ``engine=`` chooses among (see :mod:`nndl.training.loop`)."""

L2_COSTS = ("dataset", "batch")
OUTPUT_COSTS = ("sum", "mean")


def _fraction(name: str) -> Checked:
    return Checked(lambda v: check_fraction(name, v), "a number in [0, 1)")


def _clip(name: str) -> Checked:
    return Checked(lambda v: check_clip(name, v), "a finite number > 0")


_PATH = Instance((str, Path), "a path")


@dataclasses.dataclass(frozen=True)
class FitOptions:
    """How to train: the arguments of :meth:`nndl.Network.fit`, and three more for the estimators.

    ``sample_weight`` ``(m,)`` weighs each example's cost and gradient (the NumPy engine's
    every batch ``Σ w_i L_i / Σ w_i``); ``optimizer_state`` continues an earlier run's
    optimizer (``history.optimizer_state`` of that run); ``l2_cost`` says how the history
    reports the L2 term, ``"dataset"`` (the course's ``(λ/2m) Σ||W||²`` once, as
    ``net.cost``) or ``"batch"`` (scikit-learn's: every mini-batch's cost carries
    ``(λ/2B) Σ||W||²``); the gradient is the same either way.  ``output_cost`` says how the
    history reduces the data cost over the outputs: ``"sum"`` (the course's J, whose gradient
    is the one taken) or ``"mean"`` (scikit-learn's ``loss_`` of a multi-output regressor: the
    data cost divided by ``n_y``, the L2 term not; the gradient is still the sum's, as
    scikit-learn's is; L-BFGS records the sum, the cost its line search is given with that
    gradient).  ``clip_value`` and
    ``clip_norm`` clip the gradients before each step (:mod:`nndl.training.clipping`).

    Frozen: :meth:`replace` gives a changed copy, checked again.  Lists are kept as tuples
    (``dropout``, ``callbacks``, ``validation_data``).  The parameters below are described
    in full under :meth:`nndl.Network.fit`.

    Parameters
    ----------
    learning_rate : float or Schedule, default 0.0075
        α, or a schedule.
    epochs : int, default 3000
        Passes over the training set.
    optimizer : str or Optimizer or dict, optional
        ``"gd"`` (default), ``"momentum"``, ``"rmsprop"``, ``"adam"``, ``"lbfgs"``, ....
    schedule : str or Schedule or dict, optional
        The learning-rate schedule started at ``learning_rate``.
    batch_size : int, optional
        The mini-batch size; all m examples when None.
    shuffle : bool, default True
        Reshuffle before every epoch (mini-batches only).
    l2 : float, default 0.0
        L2 strength λ.
    dropout : float or sequence of float, default 0.0
        The hidden layers' inverted-dropout rate.
    validation_split : float, default 0.0
        The seeded fraction of the examples held out.
    validation_data : tuple, optional
        ``(X_val, Y_val)``.
    early_stopping : bool or EarlyStopping, default False
        Stop when the cost no longer improves.
    patience : int, default 10
        The epochs without improvement before stopping.
    callbacks : sequence of Callback, default ()
        More callbacks.
    checkpoint : str or pathlib.Path, optional
        Save a training checkpoint here.
    checkpoint_every : int, default 1
        Every N epochs.
    resume_from : str or pathlib.Path, optional
        A checkpoint to continue from.
    verbose : int, default 0
        0 silent, 1 a progress bar, 2 a line per epoch.
    seed : int, optional
        The seed of the shuffles, dropout masks and split (the network's when None).
    print_every : int, optional
        Print the course's cost line every N epochs.
    callback : callable, optional
        ``callback(epoch, cost)`` after every epoch.
    engine : {"auto", "generic", "numpy", "compiled"}, default "auto"
        The engine that runs the epochs.
    sample_weight : array_like of shape (m,), optional
        Weighs each example's cost and gradient.
    optimizer_state : OptimizerState, optional
        Continues an earlier run's optimizer.
    l2_cost : {"dataset", "batch"}, default "dataset"
        How the history reports the L2 term.
    output_cost : {"sum", "mean"}, default "sum"
        How the history reduces the data cost over the outputs (the gradient is the sum's).
    clip_value : float, optional
        Clip every gradient entry into ``[−clip_value, clip_value]``.
    clip_norm : float, optional
        Scale the gradients to this global norm when it is exceeded.

    Raises
    ------
    InvalidParameterError
        When an option is out of range or of the wrong type.
    """

    learning_rate: float | Schedule = 0.0075
    epochs: int = 3000
    optimizer: str | Optimizer | dict[str, Any] | None = None
    schedule: str | Schedule | dict[str, Any] | None = None
    batch_size: int | None = None
    shuffle: bool = True
    l2: float = 0.0
    dropout: float | Sequence[float] = 0.0
    validation_split: float = 0.0
    validation_data: tuple[Any, Any] | None = None
    early_stopping: bool | EarlyStopping = False
    patience: int = 10
    callbacks: Sequence[Callback] = ()
    checkpoint: str | Path | None = None
    checkpoint_every: int = 1
    resume_from: str | Path | None = None
    verbose: int = 0
    seed: int | None = None
    print_every: int | None = None
    callback: Callable[[int, float], None] | None = None
    engine: str = "auto"
    sample_weight: Any = None
    optimizer_state: OptimizerState | None = None
    l2_cost: str = "dataset"
    output_cost: str = "sum"
    clip_value: float | None = None
    clip_norm: float | None = None

    constraints: ClassVar[dict[str, list[Constraint]]] = {
        "learning_rate": [
            Checked(check_learning_rate, "a finite number > 0"),
            Instance(Schedule, "a Schedule"),
        ],
        "epochs": [Integer(0)],
        "optimizer": [
            Instance(
                (str, Optimizer, dict),
                "an optimizer's name ('gd', 'momentum', 'rmsprop', 'adam', 'lbfgs'), an "
                "Optimizer or an optimizer's config (a dict)",
            ),
            NONE,
        ],
        "schedule": [
            Instance(
                (str, Schedule, dict),
                "a schedule's name ('constant', 'inverse_time', 'exponential', 'step'), a "
                "Schedule or a schedule's config (a dict)",
            ),
            NONE,
        ],
        "batch_size": [Integer(1), NONE],
        "shuffle": [Instance((bool, np.bool_), "True or False", convert=bool)],
        "l2": [Checked(check_l2, "a number >= 0")],
        "dropout": [
            _fraction("dropout"),
            EachOf(_fraction("dropout"), "a list of such rates, one per hidden layer"),
        ],
        "validation_split": [_fraction("validation_split")],
        "validation_data": [Pair("a pair (X_val, Y_val) in the same layout as X and Y"), NONE],
        "early_stopping": [
            Instance((bool, np.bool_), "True or False", convert=bool),
            Instance(EarlyStopping, "an EarlyStopping"),
        ],
        "patience": [Integer(0)],
        "callbacks": [
            Instance(
                Callback,
                "a list of nndl.training.callbacks.Callback objects (use LambdaCallback to "
                "wrap a function, or callback=f for f(epoch, cost))",
                each=True,
            )
        ],
        "checkpoint": [_PATH, NONE],
        "checkpoint_every": [Integer(1)],
        "resume_from": [_PATH, NONE],
        "verbose": [Integer(0, "0, 1 or 2"), Instance(bool, "True or False", convert=int)],
        "seed": [Integer(0), NONE],
        "print_every": [Integer(1), NONE],
        "callback": [Instance(Callable, "a function f(epoch, cost)"), NONE],
        "engine": [Options(*ENGINES)],
        "sample_weight": [
            Instance((np.ndarray, list, tuple), "an array of one weight per example"),
            NONE,
        ],
        "optimizer_state": [Instance(OptimizerState, "an OptimizerState"), NONE],
        "l2_cost": [Options(*L2_COSTS)],
        "output_cost": [Options(*OUTPUT_COSTS)],
        "clip_value": [_clip("clip_value"), NONE],
        "clip_norm": [_clip("clip_norm"), NONE],
    }
    """What each field accepts: a value must satisfy one of its constraints."""

    def __post_init__(self) -> None:
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        for name, value in validate_parameters(self.constraints, values).items():
            object.__setattr__(self, name, value)
        if self.validation_data is not None and self.validation_split > 0:
            raise InvalidParameterError(
                "give validation_data or validation_split, not both. Received: "
                f"validation_split={self.validation_split} and validation_data"
            )
        if self.clip_value is not None and self.clip_norm is not None:
            raise InvalidParameterError(
                "give clip_value (clip every gradient entry) or clip_norm (scale the gradients "
                f"by their global norm), not both. Received: clip_value={self.clip_value} and "
                f"clip_norm={self.clip_norm}"
            )

    @classmethod
    def of(cls, options: FitOptions | None = None, **changes: Any) -> FitOptions:
        """``options`` (default: the defaults) with ``changes``.

        Parameters
        ----------
        options : FitOptions, optional
            The starting options; the defaults when None.
        **changes
            Fields to change; a misspelt name gets a did-you-mean.

        Returns
        -------
        FitOptions
            The options, checked.

        Examples
        --------
        >>> FitOptions.of(epochs=10, batch_size=32).batch_size
        32
        """
        base = cls() if options is None else options
        return base.replace(**changes) if changes else base

    def replace(self, **changes: Any) -> FitOptions:
        """A copy with ``changes``, checked again.

        Parameters
        ----------
        **changes
            Fields to change.

        Returns
        -------
        FitOptions
            The copy.

        Raises
        ------
        InvalidParameterError
            When a name is not a field (with a did-you-mean) or a value is out of range.
        """
        names = [f.name for f in dataclasses.fields(self)]
        unknown = [k for k in changes if k not in names]
        if unknown:
            hint = did_you_mean(unknown[0], names)
            raise InvalidParameterError(
                f"fit got an unknown option {unknown[0]!r}{'; ' + hint if hint else ''}. The "
                f"options are: {', '.join(names)}"
            )
        return dataclasses.replace(self, **changes)

    def given(self, names: tuple[str, ...]) -> list[str]:
        """Those of ``names`` whose value is not the default.

        Parameters
        ----------
        names : tuple of str
            Field names.

        Returns
        -------
        list of str
            The fields among them that were set.
        """
        default = FitOptions()
        out = []
        for name in names:
            value, before = getattr(self, name), getattr(default, name)
            changed = value is not None if before is None else not _same(value, before)
            if changed:
                out.append(name)
        return out

    def learning_schedule(self) -> Schedule:
        """The learning rate of every epoch.

        ``learning_rate`` when it is a Schedule, else ``schedule`` (a name, a config or a
        Schedule) started at ``learning_rate``.

        Returns
        -------
        Schedule
            The schedule.
        """
        if isinstance(self.learning_rate, Schedule):
            return self.learning_rate
        return get_schedule(self.schedule, self.learning_rate)


def _same(value: Any, default: Any) -> bool:
    return isinstance(value, type(default)) and bool(value == default)
