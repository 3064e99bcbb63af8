"""The training layer: how a network learns from data.

- :mod:`~nndl.training.loop`: ``fit``: epochs, mini-batches, validation, callbacks;
- :mod:`~nndl.training.options`: :class:`FitOptions`, a run's options as one checked object;
- :mod:`~nndl.training.generic_engine` and :mod:`~nndl.training.numpy_engine`: the
  steps, through the array API on any backend, or in place over NumPy buffers;
- :mod:`~nndl.training.lbfgs`: full-batch L-BFGS (SciPy);
- :mod:`~nndl.training.dask`: training on Dask arrays, chunk by chunk on a cluster;
- :mod:`~nndl.training.optimizers`, :mod:`~nndl.training.schedules`: update rules and
  learning rates;
- :mod:`~nndl.training.callbacks`, :mod:`~nndl.training.history`,
  :mod:`~nndl.training.checkpoints`, :mod:`~nndl.training.trainer`: what a run records,
  saves and lets callbacks see.

It uses the model, io and arrays layers below it.
"""

from nndl.training.checkpoints import Checkpoint, load_checkpoint, save_checkpoint
from nndl.training.generic_engine import epoch_rng
from nndl.training.history import History
from nndl.training.loop import fit
from nndl.training.options import ENGINES, FitOptions
from nndl.training.trainer import Trainer

__all__ = [
    "ENGINES",
    "Checkpoint",
    "FitOptions",
    "History",
    "Trainer",
    "epoch_rng",
    "fit",
    "load_checkpoint",
    "save_checkpoint",
]
