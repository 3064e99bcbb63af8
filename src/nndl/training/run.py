"""The epochs of a run, whatever computes its steps.

:func:`run_epochs` is the one loop: for each epoch the learning rate from the schedule,
the engine's step(s) (the engines compute the cost and the gradients and take the
optimizer's step: NumPy, full-batch, array-API, or Dask's chunks), the history's record,
the callbacks (printing, early stopping, checkpoints, progress) and the divergence rule;
Ctrl-C ends it cleanly.  :func:`callbacks_for`, :func:`run_record` and :func:`make_seed`
turn a run's :class:`~nndl.training.options.FitOptions` into its callbacks, the options a
checkpoint records, and its seed.  :mod:`nndl.training.loop` (in-memory arrays) and
:mod:`nndl.training.dask` (chunks on a cluster) both run their epochs here.
"""

from __future__ import annotations

import functools
import sys
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays.backend import Array
from nndl.errors import DivergenceError
from nndl.training import optimizers as optim
from nndl.training.callbacks import (
    Callback,
    CostCallback,
    EarlyStopping,
    ModelCheckpoint,
    PrintCost,
    PrintEpochs,
    ProgressBar,
)
from nndl.training.full_batch import FullBatchEngine
from nndl.training.generic_engine import epoch_rng
from nndl.training.options import FitOptions
from nndl.training.trainer import Trainer

if TYPE_CHECKING:
    from nndl.model.network import Network


def callbacks_for(options: FitOptions) -> list[Callback]:
    """The run's callbacks: ``callbacks``, then those the other options ask for."""
    cbs: list[Callback] = list(options.callbacks)
    if options.callback is not None:
        cbs.append(CostCallback(options.callback))
    if options.print_every is not None:
        cbs.append(PrintCost(options.print_every))
    stopper = options.early_stopping
    if isinstance(stopper, EarlyStopping):
        cbs.append(stopper)
    elif stopper:
        cbs.append(EarlyStopping(patience=options.patience))
    if options.checkpoint is not None:
        cbs.append(ModelCheckpoint(options.checkpoint, every=options.checkpoint_every))
    if options.verbose == 1:
        cbs.append(ProgressBar())
    elif options.verbose >= 2:
        cbs.append(PrintEpochs())
    return cbs


def run_record(
    options: FitOptions, keep_probs: list[float], sched: optim.Schedule, seed: int
) -> dict[str, Any]:
    """The options a checkpoint records and a resumed run must repeat (JSON values)."""
    return {
        "batch_size": options.batch_size,
        "shuffle": options.shuffle,
        "l2": options.l2,
        "dropout": [1.0 - p for p in keep_probs],
        "schedule": sched.config(),
        "seed": seed,
        "validation_split": options.validation_split,
        "l2_cost": options.l2_cost,
        "output_cost": options.output_cost,
        "clip_value": options.clip_value,
        "clip_norm": options.clip_norm,
    }


def run_epochs(
    trainer: Trainer, cbs: list[Callback], X_val: Array | None, Y_val: Array | None
) -> None:
    """The epochs: each one's step(s), its record in the history, the callbacks.

    The full-batch engine runs the epochs between two that a callback needs (or that a
    validation pass needs: every one) in one call, recorded in bulk."""
    engine = trainer.engine
    assert engine is not None
    trainer.begin(cbs)
    bulk = isinstance(engine, FullBatchEngine) and X_val is None
    try:
        epoch = trainer.start_epoch
        while epoch < trainer.epochs:
            if bulk:
                assert isinstance(engine, FullBatchEngine)
                last = min([trainer.epochs - 1, *(cb.next_epoch_end(epoch) for cb in cbs)])
                logs = _run_bulk(trainer, engine, epoch, max(last, epoch))
                epoch = max(last, epoch)
            else:
                learning_rate = trainer.schedule(epoch)
                try:
                    cost, accuracy = engine.run_epoch(
                        epoch, learning_rate, functools.partial(epoch_rng, trainer.seed, epoch)
                    )
                except DivergenceError as exc:
                    exc.history = trainer.history  # type: ignore[attr-defined]
                    raise
                logs = trainer.epoch_logs(cost, accuracy, learning_rate, X_val, Y_val)
                trainer.history.record(epoch, logs)
            for cb in cbs:
                cb.on_epoch_end(trainer, epoch, logs)
            if trainer.stop_training:
                break
            epoch += 1
    except KeyboardInterrupt:
        trainer.history.interrupted = True
        print(
            f"\nTraining interrupted after {len(trainer.history.epochs)} epochs; "
            "returning the network trained so far.",
            file=sys.stderr,
        )
    finally:
        for cb in cbs:
            cb.on_train_end(trainer)


def _run_bulk(trainer: Trainer, engine: FullBatchEngine, first: int, last: int) -> dict[str, float]:
    """Epochs ``first`` … ``last`` in one engine call, recorded in the history (also the
    finished ones of an interrupted or diverged call); returns the last epoch's logs."""
    rates = [trainer.schedule(e) for e in range(first, last + 1)]
    costs: list[float] = []
    accuracies: list[float] = []
    try:
        engine.run_epochs(first, rates, costs, accuracies)
    except DivergenceError as exc:
        exc.history = trainer.history  # type: ignore[attr-defined]
        raise
    finally:
        done = len(costs)
        trainer.history.record_many(
            first, costs, accuracies if engine.classify else None, rates[:done]
        )
    return trainer.epoch_logs(
        costs[-1], accuracies[-1] if engine.classify else None, rates[-1], None, None
    )


def make_seed(seed: int | None, network: Network) -> int:
    """The run's seed: ``seed``, else the network's, else a fresh one."""
    if seed is None:
        if isinstance(network.seed, (int, np.integer)) and not isinstance(network.seed, bool):
            return int(network.seed)
        return int(np.random.SeedSequence().entropy % 2**63)  # type: ignore[operator]
    return seed
