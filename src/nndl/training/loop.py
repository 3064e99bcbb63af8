"""The training loop: epochs, mini-batches, optimizers, regularization, history.

:func:`fit` (what :meth:`nndl.Network.fit` calls) trains a network for a number
of epochs.  One epoch visits every training example once:

* ``batch_size=None`` (the default) is the course's batch gradient descent: one
  step per epoch on all m examples, in order;
* ``batch_size=B`` splits the examples, reshuffled every epoch from the seed,
  into ⌈m / B⌉ mini-batches (the last one keeps the m mod B left-over examples);
  ``batch_size=1`` is stochastic gradient descent.

Each step runs forward and backward propagation on the mini-batch (with L2 and
dropout when asked), clips the gradients when asked (``clip_value``, ``clip_norm``:
:mod:`nndl.training.clipping`) and lets the optimizer update the parameters.  The history
records, for every epoch, the training cost (the example-weighted mean of the
mini-batch costs of that epoch, computed before each step, as the course does),
the training accuracy of those same forward passes, and the validation cost and
accuracy after the epoch.

Three engines run the steps.  The generic one uses the array API and runs on every
backend.  For NumPy arrays and mini-batches a specialised engine does the same
mathematics faster, dropout included: the examples are gathered as rows of a
sample-major copy of X, every parameter is a view of one flat buffer (so the
optimizer updates all of them with a few in-place passes) and every intermediate
array is a reused buffer.  With Numba installed, the elementwise passes of big
networks become compiled loops (:mod:`nndl.arrays.fused`) that give the same bits.
The course's batch gradient descent on NumPy arrays (``batch_size=None``, no dropout)
takes the full-batch engine: the generic engine's arithmetic to the bit, in place over
the NumPy engine's flat buffers, with several epochs per call when no callback needs
the ones in between (:meth:`~nndl.training.callbacks.Callback.next_epoch_end`).  A small
sigmoid-output network can take its compiled variant instead (``engine="compiled"``):
the same formulas in compiled loops, equal to rounding.
The engines are :mod:`nndl.training.generic_engine`, :mod:`nndl.training.numpy_engine`,
:mod:`nndl.training.full_batch` and :mod:`nndl.training.compiled_batch`; L-BFGS is
:mod:`nndl.training.lbfgs`; Dask
arrays go to :mod:`nndl.training.dask`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.arrays.backend import Array, is_sparse
from nndl.arrays.blocks import is_blocked
from nndl.datasets.split import held_out
from nndl.errors import (
    NNDLValueError,
)
from nndl.training import optimizers as optim
from nndl.training.checkpoints import check_resume, load_checkpoint
from nndl.training.compiled_batch import CompiledBatchEngine
from nndl.training.full_batch import FullBatchEngine
from nndl.training.generic_engine import GenericEngine
from nndl.training.history import History
from nndl.training.lbfgs import fit_lbfgs
from nndl.training.numpy_engine import NumpyEngine
from nndl.training.options import ENGINES, FitOptions
from nndl.training.run import callbacks_for, make_seed, run_epochs, run_record
from nndl.training.trainer import Trainer

if TYPE_CHECKING:
    from nndl.model.network import Network

__all__ = ["ENGINES", "FitOptions", "fit"]


def fit(
    network: Network,
    X: Array,
    Y: Array,
    learning_rate: float | optim.Schedule | None = None,
    epochs: int | None = None,
    *,
    options: FitOptions | None = None,
    **changes: Any,
) -> History:
    """Train ``network`` on (X, Y) and return its :class:`History` (a list of epoch costs).

    How to train is a :class:`~nndl.training.options.FitOptions`: ``options``, with
    ``learning_rate``, ``epochs`` and any other of its fields given as keywords changed (see
    :meth:`nndl.Network.fit` for their meaning; ``fit(net, X, Y, 0.1, 100, batch_size=64)``
    and ``fit(net, X, Y, options=FitOptions(0.1, 100, batch_size=64))`` are the same run).
    X may also be a SciPy sparse matrix ``(n_x, m)`` (the transpose of a CSR matrix of
    examples); the NumPy engine densifies it one mini-batch at a time.

    Parameters
    ----------
    network : Network or Sequential
        The model, trained in place.
    X : array_like of shape (n_x, m)
        The training examples (``(m, …)`` for a Sequential model of pictures or sequences);
        a Dask array trains on the cluster, chunk by chunk.
    Y : array_like of shape (n_y, m)
        Their targets.
    learning_rate : float or Schedule, optional
        α; the options' when None.
    epochs : int, optional
        The number of epochs; the options' when None.
    options : FitOptions, optional
        How to train; the defaults when None.
    **changes
        Other fields of ``options`` to change.

    Returns
    -------
    History
        The cost of every epoch, with the rest of the record.

    Raises
    ------
    DivergenceError
        If the cost or an update becomes NaN or infinite.
    InvalidParameterError
        When an option is unknown or out of range.

    Examples
    --------
    >>> import nndl
    >>> X, Y = nndl.datasets.load_planar()
    >>> net = nndl.Network([2, 4, 1], activations="tanh", seed=2, dtype="float64")
    >>> history = fit(net, X, Y, 1.2, 100, options=FitOptions(print_every=50))
    Cost after iteration 0: 0.693048
    Cost after iteration 50: 0.623091
    """
    if learning_rate is not None:
        changes["learning_rate"] = learning_rate
    if epochs is not None:
        changes["epochs"] = epochs
    options = FitOptions.of(options, **changes)
    if is_blocked(X):  # a Dask array: trained on the cluster, chunk by chunk
        if options.output_cost != "sum":
            raise NNDLValueError(
                "Dask arrays are trained with the course's cost: leave output_cost='sum'"
            )
        return _fit_blocked(network, X, Y, options)
    epochs = options.epochs
    batch_size, shuffle, engine = options.batch_size, options.shuffle, options.engine
    validation_split, l2_cost = options.validation_split, options.l2_cost
    opt = optim.get(options.optimizer)
    sched = options.learning_schedule()
    network.l2 = options.l2
    keep_probs = _keep_probs(network, options.dropout)

    sparse = is_sparse(X)
    if sparse:  # rows densified one batch at a time by the NumPy engine
        X = X.astype(network.dtype, copy=False)
        Y = network.check_Y(Y, m=X.shape[1], like=np.empty(0, dtype=network.dtype))
    else:
        X, Y = network.check_data(X, Y)
    axis = network.example_axis  # X (n_x, m), or (m, …) for a Sequential model of pictures
    m_all = X.shape[axis]
    sample_weight = options.sample_weight
    if sample_weight is not None:
        sample_weight = _check_sample_weight(sample_weight, m_all)
    if (sparse or sample_weight is not None) and (validation_split > 0 or engine == "generic"):
        raise NNDLValueError(
            "sparse X and sample_weight are taken by the NumPy engine with mini-batches and "
            "without validation_split: pass validation_data (or nothing) and engine='auto'"
        )
    the_seed = make_seed(options.seed, network)
    resume, resume_from = None, options.resume_from
    if resume_from is not None:
        resume = load_checkpoint(resume_from, network)
        if options.seed is None and resume.seed is not None:
            the_seed = resume.seed  # without a seed, the checkpoint's run goes on with its own

    X_val: Array | None = None
    Y_val: Array | None = None
    if options.validation_data is not None:
        X_val, Y_val = network.check_data(*options.validation_data)
    elif validation_split > 0:  # ⌈validation_split · m⌉ examples, in their order in X
        split_rng = np.random.default_rng(np.random.SeedSequence(the_seed, spawn_key=(1,)))
        X, Y, X_val, Y_val = held_out(
            X, Y, validation_split, split_rng, axis=axis, in_order=True, name="validation_split"
        )

    record = run_record(options, keep_probs, sched, the_seed)
    if resume is not None and not isinstance(opt, optim.LBFGS):  # L-BFGS: refused below
        assert resume_from is not None
        check_resume(resume, resume_from, opt.config(), record, epochs, options.seed is not None)
    trainer = Trainer(network, opt, sched, epochs, the_seed, record)
    trainer.has_validation = X_val is not None

    if isinstance(opt, optim.LBFGS):
        if any(p < 1.0 for p in keep_probs):
            raise NNDLValueError("L-BFGS trains full batch without dropout: pass dropout=0")
        if options.clip_value is not None or options.clip_norm is not None:
            raise NNDLValueError(
                "L-BFGS takes no gradient clipping: its line search needs the true gradient. "
                "Leave out clip_value and clip_norm, or use a gradient-descent optimizer"
            )
        if resume is not None:
            raise NNDLValueError(
                "L-BFGS training cannot resume from a checkpoint: SciPy's L-BFGS-B keeps its "
                "curvature memory to itself, so a resumed run would not be the same run. To go "
                "on from the saved parameters, start a new fit on "
                "nndl.training.load_checkpoint(path).network"
            )
        lbfgs_engine = None
        if (isinstance(X, np.ndarray) or sparse) and NumpyEngine.supports(network, None):
            # the NumPy engine's passes give (J, ∇J); its gradient-descent slot is unused
            lbfgs_engine = NumpyEngine(
                network, optim.GradientDescent(), X, Y, m_all, False, keep_probs, sample_weight
            )
        elif sparse or sample_weight is not None:
            raise NNDLValueError(
                "L-BFGS takes sparse X and sample_weight for NumPy arrays and a matched output "
                "and loss: densify X (X.toarray()) and leave sample_weight out, or change them"
            )
        cbs = callbacks_for(options)
        return fit_lbfgs(trainer, X, Y, X_val, Y_val, cbs, engine=lbfgs_engine)

    B = X.shape[axis] if batch_size is None else batch_size
    needs_numpy = sparse or sample_weight is not None
    use_numpy = (
        (isinstance(X, np.ndarray) or sparse)
        and NumpyEngine.supports(network, opt)
        and (needs_numpy or engine == "numpy" or (engine == "auto" and batch_size is not None))
    )
    if needs_numpy and not use_numpy:
        raise NNDLValueError(
            "sparse X and sample_weight need the NumPy engine: NumPy arrays, a matched "
            "output and loss, hidden activations among relu, tanh, sigmoid, linear, "
            "leaky_relu, and a mini-batch optimizer"
        )
    if engine == "numpy" and not use_numpy:
        raise NNDLValueError(
            "engine='numpy' needs NumPy arrays, a matched output and loss, one of the optimizers "
            "gd, momentum, rmsprop, adam; use engine='auto'"
        )
    whole = batch_size is None and isinstance(X, np.ndarray) and not needs_numpy
    full_batch = (
        engine == "auto"
        and whole
        and options.output_cost == "sum"  # the full-batch engines record the course's J
        and FullBatchEngine.takes(network, opt, keep_probs)
    )
    clip = (options.clip_value, options.clip_norm)
    if engine == "compiled" and options.output_cost != "sum":
        raise NNDLValueError(
            "engine='compiled' records the course's cost (output_cost='sum'); use engine='auto'"
        )
    if engine == "compiled":
        why = (
            CompiledBatchEngine.eligible(network, opt, keep_probs)
            if whole
            else "it trains NumPy arrays full batch (batch_size=None), without sample_weight"
        )
        if why:
            raise NNDLValueError(f"engine='compiled' cannot train this network: {why}")
    if engine == "compiled":  # a small network's batch gradient descent, in compiled loops
        trainer.engine = CompiledBatchEngine(network, opt, X, Y, *clip)
    elif full_batch:  # the course's batch gradient descent, in place
        trainer.engine = FullBatchEngine(network, opt, X, Y, *clip)
    elif use_numpy:
        trainer.engine = NumpyEngine(
            network,
            opt,
            X,
            Y,
            B,
            bool(shuffle),
            keep_probs,
            sample_weight=sample_weight,
            l2_cost=l2_cost,
            clip_value=clip[0],
            clip_norm=clip[1],
            output_cost=options.output_cost,
        )
    else:
        trainer.engine = GenericEngine(
            network, opt, X, Y, B, bool(shuffle), keep_probs, l2_cost, *clip, options.output_cost
        )

    if resume is not None:
        trainer.set_params(resume.params)
        if hasattr(network, "state"):  # a Sequential model's batch-norm running averages
            network.state = dict(resume.network.state)  # type: ignore[union-attr]
        trainer.engine.set_state(resume.state)
        trainer.history = resume.history
        trainer.history.seed = the_seed
        trainer.start_epoch = resume.epoch + 1
        trainer.resumed_callbacks = resume.callbacks

    if options.optimizer_state is not None and resume is None:
        trainer.engine.set_state(options.optimizer_state)
    cbs = callbacks_for(options)
    with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
        run_epochs(trainer, cbs, X_val, Y_val)
    trainer.history.optimizer_state = trainer.optimizer_state()
    return trainer.history


def _fit_blocked(network: Network, X: Any, Y: Any, options: FitOptions) -> History:
    """Dask arrays: the same loop over gradients summed from the chunks where they live."""
    from nndl.training.dask import fit_blocked  # imports Dask itself only when it is needed

    return fit_blocked(network, X, Y, options)


# ------------------------------------------------------------------ checks


def _keep_probs(network: Network, dropout: float | Sequence[float]) -> list[float]:
    """Keep-probabilities ``1 − dropout`` of the hidden layers 1 … L−1 (the rates are
    checked by :class:`FitOptions`; their number here).  A Sequential model drops units
    with Dropout layers instead."""
    if not hasattr(network, "L"):
        if any(r > 0 for r in ([dropout] if isinstance(dropout, float) else dropout)):
            raise NNDLValueError(
                "a Sequential model drops units with Dropout(rate) layers: leave out dropout="
            )
        return []
    hidden = network.L - 1
    rates = [dropout] * hidden if isinstance(dropout, float) else list(dropout)
    if len(rates) != hidden:
        raise NNDLValueError(
            f"dropout must be one rate for all {hidden} hidden layers or a list of {hidden} "
            f"rates. Received: dropout={list(dropout) if isinstance(dropout, tuple) else dropout}"
        )
    return [1.0 - r for r in rates]


def _check_sample_weight(sample_weight: Any, m: int) -> np.ndarray:
    w = np.asarray(sample_weight, dtype=np.float64)
    if w.shape != (m,) or not np.all(np.isfinite(w)) or np.any(w < 0):
        raise NNDLValueError(
            f"sample_weight must be {m} finite numbers >= 0, one per example. Received: an "
            f"array of shape {w.shape}"
        )
    return w
