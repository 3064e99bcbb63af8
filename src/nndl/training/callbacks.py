"""Callbacks: code the training loop calls at the start, after every epoch and at the end.

A callback subclasses :class:`Callback` and overrides the hooks it needs.  Each
hook receives the :class:`~nndl.training.loop.Trainer`, which holds the ``network``, the
``history`` so far and a ``stop_training`` flag a callback may set::

    class StopAtCost(nndl.training.callbacks.Callback):
        def on_epoch_end(self, trainer, epoch, logs):
            if logs["cost"] < 0.1:
                trainer.stop_training = True

``logs`` holds this epoch's ``cost`` (the training cost, with the L2 term),
``learning_rate`` and, when available, ``accuracy``, ``val_cost`` and
``val_accuracy``.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays.backend import to_numpy
from nndl.errors import NNDLValueError, check_int

if TYPE_CHECKING:
    from nndl.training.trainer import Trainer


class Callback:
    """Base class: every hook does nothing."""

    def on_train_begin(self, trainer: Trainer) -> None:
        """Called once, before the first epoch."""

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        """Called after every epoch, once its history entry is recorded."""

    def on_train_end(self, trainer: Trainer) -> None:
        """Called once at the end, also after early stopping or Ctrl-C."""

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
        """What a training checkpoint keeps of this callback: JSON-able values and NumPy
        arrays, or ``None`` for a callback with nothing to keep."""
        return None

    def restore(self, values: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Take back what :meth:`state` gave; called after ``on_train_begin`` on resuming."""


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda t, e, logs: …)``."""

    def __init__(
        self,
        on_epoch_end: Callable[[Trainer, int, dict[str, float]], None] | None = None,
        on_train_begin: Callable[[Trainer], None] | None = None,
        on_train_end: Callable[[Trainer], None] | None = None,
    ) -> None:
        self._epoch_end = on_epoch_end
        self._begin = on_train_begin
        self._end = on_train_end

    def on_train_begin(self, trainer: Trainer) -> None:
        if self._begin is not None:
            self._begin(trainer)

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        if self._epoch_end is not None:
            self._epoch_end(trainer, epoch, logs)

    def on_train_end(self, trainer: Trainer) -> None:
        if self._end is not None:
            self._end(trainer)


class CostCallback(Callback):
    """The course-style ``callback(epoch, cost)``, called after every epoch."""

    def __init__(self, function: Callable[[int, float], None]) -> None:
        self.function = function

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        self.function(epoch, logs["cost"])


class PrintCost(Callback):
    """Prints ``Cost after iteration i: J`` every ``every`` epochs, as the course's notebooks do."""

    def __init__(self, every: int) -> None:
        self.every = every

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        if epoch % self.every == 0:
            print(f"Cost after iteration {epoch}: {logs['cost']:.6f}")


class EarlyStopping(Callback):
    """Stops training when ``monitor`` has not improved for ``patience`` epochs.

    ``monitor`` is ``"val_cost"`` (the default when there is validation data) or
    ``"cost"``; an improvement is a decrease of more than ``min_delta``.  With
    ``restore_best=True`` the network ends with the parameters of its best epoch.
    """

    def __init__(
        self,
        monitor: str | None = None,
        patience: int = 10,
        min_delta: float = 0.0,
        restore_best: bool = True,
    ) -> None:
        if not (isinstance(min_delta, (int, float)) and min_delta >= 0):
            raise NNDLValueError(f"min_delta must be a number >= 0. Received: {min_delta!r}")
        self.monitor = monitor
        self.patience = check_int("patience", patience, minimum=0)
        self.min_delta = float(min_delta)
        self.restore_best = restore_best
        self.best = math.inf
        self.best_epoch: int | None = None
        self.best_params: dict[str, Any] | None = None
        self.wait = 0
        self.stopped_epoch: int | None = None

    def on_train_begin(self, trainer: Trainer) -> None:
        if self.monitor is None:
            self.monitor = "val_cost" if trainer.has_validation else "cost"
        elif self.monitor.startswith("val_") and not trainer.has_validation:
            raise NNDLValueError(
                f"early stopping monitors {self.monitor!r}, but there is no validation data: "
                "pass validation_split=0.1 (for example) or validation_data=(X_val, Y_val)"
            )
        self.best, self.best_epoch, self.best_params = math.inf, None, None
        self.wait, self.stopped_epoch = 0, None

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        assert self.monitor is not None
        value = logs[self.monitor]
        if value < self.best - self.min_delta:
            self.best, self.best_epoch, self.wait = value, epoch, 0
            if self.restore_best:
                params = trainer.network.params
                self.best_params = {k: to_numpy(v).copy() for k, v in params.items()}
            return
        self.wait += 1
        if self.wait > self.patience:
            self.stopped_epoch = epoch
            trainer.stop_training = True
            trainer.history.stopped_early = True

    def on_train_end(self, trainer: Trainer) -> None:
        trainer.history.best_epoch = self.best_epoch
        if self.restore_best and self.best_params is not None:
            trainer.set_params(self.best_params)

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """The best value and epoch, the epochs waited and the best parameters, so that a
        resumed run stops (and restores) where an uninterrupted one would."""
        values = {
            "monitor": self.monitor,
            "best": None if math.isinf(self.best) else self.best,
            "best_epoch": self.best_epoch,
            "wait": self.wait,
        }
        return values, dict(self.best_params or {})

    def restore(self, values: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        if values.get("monitor") != self.monitor:
            return  # resumed watching another quantity: start afresh
        best = values.get("best")
        self.best = math.inf if best is None else float(best)
        self.best_epoch = values.get("best_epoch")
        self.wait = int(values.get("wait", 0))
        self.best_params = dict(arrays) if self.restore_best and arrays else None


class ModelCheckpoint(Callback):
    """Saves a training checkpoint after every ``every``-th epoch.

    The file holds the parameters, the optimizer's state, the epoch and the
    history, so ``net.fit(..., resume_from=path)`` continues exactly where it
    stopped: the parameters after resuming are bit-identical to those of an
    uninterrupted run.  Written atomically (temporary file, then rename).
    """

    def __init__(self, path: str | Path, every: int = 1) -> None:
        self.path = Path(path)
        self.every = check_int("every", every, minimum=1)
        self.saved_epochs: list[int] = []

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        if (epoch + 1) % self.every == 0:
            trainer.save_checkpoint(self.path)
            self.saved_epochs.append(epoch)


class ProgressBar(Callback):
    """A tqdm progress bar over the epochs, showing the current cost.

    Shown only when standard error is a terminal and tqdm (``nndl[progress]``)
    is installed; otherwise it stays silent.
    """

    def __init__(self, force: bool = False) -> None:
        self.force = force
        self.bar: Any = None

    def on_train_begin(self, trainer: Trainer) -> None:
        if not (self.force or sys.stderr.isatty()):
            return
        try:
            from tqdm.auto import tqdm  # type: ignore[import-untyped]
        except ImportError:  # pragma: no cover - tqdm is an optional extra
            return
        self.bar = tqdm(
            total=trainer.epochs, initial=trainer.start_epoch, unit="epoch", file=sys.stderr
        )

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        if self.bar is None:
            return
        shown = {k: f"{v:.4g}" for k, v in logs.items() if k != "learning_rate"}
        self.bar.set_postfix(shown, refresh=False)
        self.bar.update(1)

    def on_train_end(self, trainer: Trainer) -> None:
        if self.bar is not None:
            self.bar.close()
            self.bar = None


class PrintEpochs(Callback):
    """One line per epoch (``verbose=2``): ``epoch 3/10  cost 0.3124  val_cost 0.3301``."""

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        shown = "  ".join(f"{k} {v:.4g}" for k, v in logs.items() if k != "learning_rate")
        print(f"epoch {epoch + 1}/{trainer.epochs}  {shown}")
