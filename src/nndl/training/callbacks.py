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

Two callbacks look inside the network as it learns: :class:`LayerStats` (quantiles
of each layer's activations and the norm of each ``dW[l]``, per epoch) and
:class:`Snapshots` (copies of the parameters every N epochs); ``nndl.plot`` draws
what they collect (``layer_bands``, ``hidden_units``, ``boundary_animation``).
"""

from __future__ import annotations

import math
import sys
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays.backend import to_numpy
from nndl.errors import NNDLValueError, check_int, check_non_negative
from nndl.training.stopping import StoppingRule

if TYPE_CHECKING:
    from nndl.model.network import Network
    from nndl.training.trainer import Trainer


class Callback:
    """Base class: every hook does nothing."""

    def on_train_begin(self, trainer: Trainer) -> None:
        """Called once, before the first epoch."""

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        """Called after every epoch, once its history entry is recorded."""

    def on_train_end(self, trainer: Trainer) -> None:
        """Called once at the end, also after early stopping or Ctrl-C."""

    def next_epoch_end(self, epoch: int) -> int:
        """The first epoch from ``epoch`` on whose end this callback needs to see.

        Every epoch by default.  A callback that acts only every N epochs says which, and the
        loop may then run the epochs in between in one go (``on_epoch_end`` is still called
        for some epochs it did not ask for, and must ignore them).
        """
        return epoch

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]] | None:
        """What a training checkpoint keeps of this callback.

        JSON-able values and NumPy arrays, or ``None`` for a callback with nothing to keep.
        """
        return None

    def restore(self, values: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        """Take back what :meth:`state` gave; called after ``on_train_begin`` on resuming."""


class LambdaCallback(Callback):
    """A callback from plain functions: ``LambdaCallback(on_epoch_end=lambda t, e, logs: …)``.

    Parameters
    ----------
    on_epoch_end : callable, optional
        ``on_epoch_end(trainer, epoch, logs)`` after every epoch.
    on_train_begin : callable, optional
        ``on_train_begin(trainer)`` before the first epoch.
    on_train_end : callable, optional
        ``on_train_end(trainer)`` at the end.
    """

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
    """The course-style ``callback(epoch, cost)``, called after every epoch.

    Parameters
    ----------
    function : callable
        ``function(epoch, cost)``.
    """

    def __init__(self, function: Callable[[int, float], None]) -> None:
        self.function = function

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        self.function(epoch, logs["cost"])


class PrintCost(Callback):
    """Prints ``Cost after iteration i: J`` every ``every`` epochs, as the course's notebooks do.

    Parameters
    ----------
    every : int
        Print after epochs 0, every, 2·every, ….
    """

    def __init__(self, every: int) -> None:
        self.every = every

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        if epoch % self.every == 0:
            say(trainer, f"Cost after iteration {epoch}: {logs['cost']:.6f}")

    def next_epoch_end(self, epoch: int) -> int:
        return _next_multiple(epoch, self.every)


class EarlyStopping(Callback):
    """Stops training when ``monitor`` has not improved for ``patience`` epochs.

    An improvement is a decrease of more than ``min_delta``, J < J_best − δ (Keras' rule,
    :class:`~nndl.training.stopping.StoppingRule`); training stops once the epochs without
    one exceed ``patience``.  With ``restore_best=True`` the network ends with the
    parameters of its best epoch.

    Parameters
    ----------
    monitor : {"val_cost", "cost"}, optional
        The entry watched; ``"val_cost"`` with validation data, else ``"cost"``.
    patience : int, default 10
        The epochs without improvement before stopping.
    min_delta : float, default 0.0
        δ, the smallest decrease that counts as an improvement.
    restore_best : bool, default True
        End with the parameters of the best epoch.

    Raises
    ------
    NNDLValueError
        When min_delta is not a finite number >= 0 or patience is not an integer >= 0.
    """

    def __init__(
        self,
        monitor: str | None = None,
        patience: int = 10,
        min_delta: float = 0.0,
        restore_best: bool = True,
    ) -> None:
        self.monitor = monitor
        self.patience = check_int("patience", patience, minimum=0)
        self.min_delta = check_non_negative("min_delta", min_delta)
        self.restore_best = restore_best
        self.rule = StoppingRule(self.min_delta, self.patience, keep_params=restore_best)
        self.stopped_epoch: int | None = None

    @property
    def best(self) -> float:
        """The best value of ``monitor`` so far (inf before the first)."""
        return math.inf if self.rule.state_.best is None else self.rule.state_.best

    @property
    def best_epoch(self) -> int | None:
        """The epoch of :attr:`best`."""
        return self.rule.state_.best_epoch

    @property
    def wait(self) -> int:
        """The epochs without improvement since the last improvement."""
        return self.rule.state_.wait

    @property
    def best_params(self) -> dict[str, np.ndarray] | None:
        """The parameters of the best epoch (with ``restore_best``)."""
        return self.rule.state_.best_params

    def on_train_begin(self, trainer: Trainer) -> None:
        if self.monitor is None:
            self.monitor = "val_cost" if trainer.has_validation else "cost"
        elif self.monitor.startswith("val_") and not trainer.has_validation:
            raise NNDLValueError(
                f"early stopping monitors {self.monitor!r}, but there is no validation data: "
                "pass validation_split=0.1 (for example) or validation_data=(X_val, Y_val)"
            )
        self.rule.reset()
        self.stopped_epoch = None

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        assert self.monitor is not None
        self.rule.update(logs[self.monitor], epoch, lambda: trainer.network.params)
        if self.rule.exhausted:
            self.stopped_epoch = epoch
            trainer.stop_training = True
            trainer.history.stopped_early = True

    def on_train_end(self, trainer: Trainer) -> None:
        trainer.history.best_epoch = self.best_epoch
        if self.restore_best and self.best_params is not None:
            trainer.set_params(self.best_params)

    def state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """The monitor, the best value and epoch, the epochs waited and the best parameters.

        So that a resumed run stops (and restores) where an uninterrupted one would.
        """
        values, arrays = self.rule.state()
        return {"monitor": self.monitor, **values}, arrays

    def restore(self, values: dict[str, Any], arrays: dict[str, np.ndarray]) -> None:
        if values.get("monitor") != self.monitor:
            return  # resumed watching another quantity: start afresh
        self.rule.restore(values, arrays)


class ModelCheckpoint(Callback):
    """Saves a training checkpoint after every ``every``-th epoch.

    The file holds the parameters, the optimizer's state, the epoch and the
    history, so ``net.fit(..., resume_from=path)`` continues exactly where it
    stopped: the parameters after resuming are bit-identical to those of an
    uninterrupted run.  Written atomically (temporary file, then rename).

    Parameters
    ----------
    path : str or pathlib.Path
        The checkpoint file.
    every : int, default 1
        Save after every ``every``-th epoch.
    """

    def __init__(self, path: str | Path, every: int = 1) -> None:
        self.path = Path(path)
        self.every = check_int("every", every, minimum=1)
        self.saved_epochs: list[int] = []

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        if (epoch + 1) % self.every == 0:
            trainer.save_checkpoint(self.path)
            self.saved_epochs.append(epoch)

    def next_epoch_end(self, epoch: int) -> int:
        return _next_multiple(epoch + 1, self.every) - 1


class ProgressBar(Callback):
    """A tqdm progress bar over the epochs, showing the latest epoch's metrics.

    Shown on a terminal (standard error is a TTY) and in Jupyter (a widget with
    ipywidgets installed, else text), when tqdm (``nndl[progress]``) is installed;
    otherwise it stays silent.  While it is shown, lines that :class:`PrintCost`
    and :class:`PrintEpochs` print go through it, so they do not break the bar.

    Parameters
    ----------
    force : bool, default False
        Show the bar even where standard error is not a terminal.
    """

    def __init__(self, force: bool = False) -> None:
        self.force = force
        self.bar: Any = None

    def on_train_begin(self, trainer: Trainer) -> None:
        if not (self.force or sys.stderr.isatty() or in_notebook()):
            return
        try:
            with warnings.catch_warnings():  # tqdm warns when a notebook has no ipywidgets
                warnings.simplefilter("ignore")
                from tqdm.auto import tqdm  # type: ignore[import-untyped]
        except ImportError:  # pragma: no cover - tqdm is an optional extra
            return
        self.bar = tqdm(
            total=trainer.epochs, initial=trainer.start_epoch, unit="epoch", file=sys.stderr
        )

    def next_epoch_end(self, epoch: int) -> int:
        return epoch if self.bar is not None else sys.maxsize  # nothing shown: nothing to do

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
        say(trainer, f"epoch {epoch + 1}/{trainer.epochs}  {shown}")


def _next_multiple(n: int, every: int) -> int:
    """The smallest multiple of ``every`` that is ``>= n``."""
    return -(-n // every) * every


def in_notebook() -> bool:
    """True inside a Jupyter kernel (IPython's kernel app is running).

    Returns
    -------
    bool
        Whether the code runs in a Jupyter kernel.
    """
    ipython = sys.modules.get("IPython")
    shell = getattr(ipython, "get_ipython", lambda: None)()
    return shell is not None and "IPKernelApp" in getattr(shell, "config", {})


def say(trainer: Trainer, line: str) -> None:
    """Print ``line`` to standard output, through the run's progress bar when one is shown.

    Parameters
    ----------
    trainer : Trainer
        The run, whose callbacks may hold a progress bar.
    line : str
        The text to print.
    """
    for cb in trainer.callbacks:
        if isinstance(cb, ProgressBar) and cb.bar is not None:
            cb.bar.write(line, file=sys.stdout)
            return
    print(line)


# ------------------------------------------------------------------ seeing inside


class LayerStats(Callback):
    """Each layer's activations and gradients over training.

    To see saturation and vanishing gradients.

    Before the first epoch and after every ``every``-th, on a fixed sample of at most
    ``max_examples`` columns of ``(X, Y)`` (the course's layout, ``X`` ``(n_x, m)``):

    - ``activations[k]``: ``(L, 5)``, the 5/25/50/75/95 % quantiles of ``A[l]`` over
      all units and examples, for l = 1..L (row l-1);
    - ``gradient_norms[k]``: ``(L,)``, ``||dW[l]||`` (Frobenius), the gradient of the
      data cost ``(1/m) Σ L`` without the L2 term;
    - ``epochs[k]``: the epochs done when it was measured (0: before training).

    A forward and a backward pass over the sample per measurement, on a NumPy copy of
    the parameters: cheap enough to leave on for small networks.  Draw the bands with
    ``nndl.plot.layer_bands(stats)``.

    Parameters
    ----------
    X : array_like of shape (n_x, m)
        The examples measured on.
    Y : array_like of shape (n_y, m)
        Their targets.
    max_examples : int, default 512
        The most columns of X sampled.
    every : int, default 1
        Measure after every ``every``-th epoch.
    seed : int, default 0
        The seed of the sample.
    """

    QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)

    def __init__(
        self, X: Any, Y: Any, *, max_examples: int = 512, every: int = 1, seed: int = 0
    ) -> None:
        X_np, Y_np = np.asarray(to_numpy(X)), np.asarray(to_numpy(Y))
        if X_np.ndim != 2 or Y_np.ndim != 2 or X_np.shape[1] != Y_np.shape[1]:
            raise NNDLValueError(
                "LayerStats takes X (n_x, m) and Y (n_y, m) in the course's layout. "
                f"Received: X {X_np.shape}, Y {Y_np.shape}"
            )
        max_examples = check_int("max_examples", max_examples, minimum=1)
        m = X_np.shape[1]
        if m > max_examples:
            keep = np.sort(np.random.default_rng(seed).choice(m, max_examples, replace=False))
            X_np, Y_np = X_np[:, keep], Y_np[:, keep]
        self.X, self.Y = X_np, Y_np
        self.every = check_int("every", every, minimum=1)
        self.epochs: list[int] = []
        self.activations: list[np.ndarray] = []
        self.gradient_norms: list[np.ndarray] = []
        self.activation_names: list[str] = []

    def measure(self, network: Network, epochs_done: int) -> None:
        """Record the quantiles and gradient norms of ``network`` now."""
        net = network.copy()  # NumPy parameters, wherever the network trains
        net.l2 = 0.0
        AL, caches = net.forward(self.X.astype(net.dtype))
        grads = net.backward(AL, self.Y, caches)
        A = [np.asarray(to_numpy(c.A), dtype=np.float64) for c in caches]
        self.activations.append(np.array([np.quantile(a, self.QUANTILES) for a in A]))
        self.gradient_norms.append(
            np.array(
                [np.linalg.norm(np.asarray(to_numpy(grads[f"dW{l}"]))) for l in range(1, net.L + 1)]
            )
        )
        self.epochs.append(epochs_done)
        self.activation_names = [g.name for g in net.activations]

    def on_train_begin(self, trainer: Trainer) -> None:
        self.epochs, self.activations, self.gradient_norms = [], [], []
        self.measure(trainer.network, trainer.start_epoch)

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        if (epoch + 1) % self.every == 0:
            self.measure(trainer.network, epoch + 1)

    def next_epoch_end(self, epoch: int) -> int:
        return _next_multiple(epoch + 1, self.every) - 1


class Snapshots(Callback):
    """Copies of the parameters before training, every ``every`` epochs and at the end.

    ``epochs[k]`` is the number of epochs done when ``params[k]`` (NumPy arrays) was
    taken; :meth:`network` rebuilds that network.  For the boundary learning as a GIF
    (``nndl.plot.boundary_animation``) and hidden-unit maps over training.

    Parameters
    ----------
    every : int, default 1
        Copy after every ``every``-th epoch.
    """

    def __init__(self, every: int = 1) -> None:
        self.every = check_int("every", every, minimum=1)
        self.epochs: list[int] = []
        self.params: list[dict[str, np.ndarray]] = []
        self._template: Network | None = None

    def _take(self, trainer: Trainer, epochs_done: int) -> None:
        if self.epochs and self.epochs[-1] == epochs_done:
            return
        self.epochs.append(epochs_done)
        self.params.append({k: to_numpy(v).copy() for k, v in trainer.network.params.items()})

    def on_train_begin(self, trainer: Trainer) -> None:
        self.epochs, self.params = [], []
        self._template = trainer.network
        self._take(trainer, trainer.start_epoch)

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        if (epoch + 1) % self.every == 0:
            self._take(trainer, epoch + 1)

    def next_epoch_end(self, epoch: int) -> int:
        return _next_multiple(epoch + 1, self.every) - 1

    def on_train_end(self, trainer: Trainer) -> None:
        if trainer.history.epochs:
            self._take(trainer, trainer.history.epochs[-1] + 1)

    def network(self, k: int) -> Network:
        """The network as it was at snapshot ``k`` (a NumPy copy)."""
        if self._template is None:
            raise NNDLValueError("no snapshots yet: pass Snapshots to fit(callbacks=[...]) first")
        net = self._template.copy()
        net.params = {key: value.astype(net.dtype) for key, value in self.params[k].items()}
        return net

    def __len__(self) -> int:
        return len(self.epochs)
