"""One training run's state, which the engines, the loop and the callbacks share."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays.backend import Array, to_scalar
from nndl.training.checkpoints import save_checkpoint
from nndl.training.history import History
from nndl.training.optimizers import Optimizer, OptimizerState, Schedule

if TYPE_CHECKING:
    from nndl.model.network import Network
    from nndl.training.callbacks import Callback
    from nndl.training.generic_engine import GenericEngine
    from nndl.training.numpy_engine import NumpyEngine


class Trainer:
    """One training run: the network, its optimizer and engine, the history, the callbacks.

    Callbacks receive it; they may read ``network``, ``history``, ``epochs`` and
    ``has_validation`` and set ``stop_training = True``.

    Parameters
    ----------
    network : Network or Sequential
        The model trained.
    optimizer : Optimizer
        The update rule.
    schedule : Schedule
        The learning rate of each epoch.
    epochs : int
        The number of epochs of the run.
    seed : int
        The seed of the shuffles, dropout masks and validation split.
    options : dict of str to object
        The rest of the run's :class:`~nndl.training.options.FitOptions`.
    """

    def __init__(
        self,
        network: Network,
        optimizer: Optimizer,
        schedule: Schedule,
        epochs: int,
        seed: int,
        options: dict[str, Any],
    ) -> None:
        self.network = network
        self.optimizer = optimizer
        self.schedule = schedule
        self.epochs = epochs
        self.seed = seed
        self.options = options
        self.history = History()
        self.history.seed = seed
        self.stop_training = False
        self.has_validation = False
        self.start_epoch = 0
        self.engine: GenericEngine | NumpyEngine | None = None
        self.callbacks: list[Callback] = []
        # callbacks' states from the checkpoint being resumed, restored after on_train_begin
        self.resumed_callbacks: dict[str, tuple[dict[str, Any], dict[str, np.ndarray]]] = {}

    def set_params(self, params: dict[str, np.ndarray]) -> None:
        """Replace the network's parameters (NumPy arrays), wherever the engine keeps them.

        Parameters
        ----------
        params : dict of str to numpy.ndarray
            ``W1, b1, …``, of the network's shapes.
        """
        if self.engine is not None:
            self.engine.set_params(params)
        else:
            self.network.params = {k: np.asarray(v) for k, v in params.items()}

    def optimizer_state(self) -> OptimizerState:
        """The optimizer's current state.

        Returns
        -------
        OptimizerState
            Its step count and slots.
        """
        if self.engine is None:
            return OptimizerState()
        return self.engine.get_state()

    def save_checkpoint(self, path: str | Path) -> Path:
        """Write a checkpoint from which ``fit(..., resume_from=path)`` continues exactly.

        Parameters
        ----------
        path : str or pathlib.Path
            The checkpoint file.

        Returns
        -------
        pathlib.Path
            The file written.
        """
        return save_checkpoint(
            path,
            self.network,
            optimizer=self.optimizer,
            state=self.optimizer_state(),
            epoch=self.history.epochs[-1] if self.history.epochs else -1,
            history=self.history.to_dict(),
            options=self.options,
            callbacks={
                key: st for key, cb in keyed(self.callbacks) if (st := cb.state()) is not None
            },
        )

    def begin(self, cbs: list[Callback]) -> None:
        """Start the callbacks; when resuming, hand each its state from the checkpoint.

        Parameters
        ----------
        cbs : list of Callback
            The run's callbacks.
        """
        self.callbacks = cbs
        for cb in cbs:
            cb.on_train_begin(self)
        for key, cb in keyed(cbs):
            if key in self.resumed_callbacks:
                cb.restore(*self.resumed_callbacks[key])

    def epoch_logs(
        self,
        cost: float,
        accuracy: float | None,
        learning_rate: float | None,
        X_val: Array | None,
        Y_val: Array | None,
    ) -> dict[str, float]:
        """One epoch's record: the costs and accuracies, and the learning rate.

        Parameters
        ----------
        cost : float
            The epoch's training cost.
        accuracy : float or None
            Its training accuracy, if measured.
        learning_rate : float or None
            Its learning rate.
        X_val : Array or None
            The validation examples, if any.
        Y_val : Array or None
            Their targets.

        Returns
        -------
        dict of str to float
            ``cost`` and those of ``accuracy``, ``val_cost``, ``val_accuracy`` and
            ``learning_rate`` that apply.
        """
        logs = {"cost": cost}
        if accuracy is not None:
            logs["accuracy"] = accuracy
        if X_val is not None:
            assert Y_val is not None
            val_cost, val_accuracy = evaluate(self.network, X_val, Y_val)
            logs["val_cost"] = val_cost
            if val_accuracy is not None:
                logs["val_accuracy"] = val_accuracy
        if learning_rate is not None:
            logs["learning_rate"] = learning_rate
        return logs


def keyed(cbs: list[Callback]) -> list[tuple[str, Callback]]:
    """Each callback with a name for checkpoints: its class and its rank among that class."""
    seen: dict[str, int] = {}
    out = []
    for cb in cbs:
        name = type(cb).__name__
        out.append((f"{name}{seen.get(name, 0)}", cb))
        seen[name] = seen.get(name, 0) + 1
    return out


def evaluate(network: Network, X: Array, Y: Array) -> tuple[float, float | None]:
    """Cost (without the L2 term) and accuracy on held-out data."""
    AL, caches = network.forward_pass(X, training=False)
    J = to_scalar(network.data_cost(AL, caches, Y))
    if network.task == "regression":
        return J, None
    return J, network.count_correct(AL, Y) / Y.shape[1]
