"""``net.fit(X, Y)`` and ``net.save(path)``: the model layer's one upward call.

The course trains a network with ``parameters = model(X, Y, …)``; nndl lets a
:class:`~nndl.model.network.Network` do it itself, ``net.fit(X, Y)``, and save
itself, ``net.save(path)``.  The work belongs to the layers above (the loop,
the engines and the optimizers in :mod:`nndl.training`; files in
:mod:`nndl.io`), so these two methods import them inside the call.  This is the
only place where a lower layer reaches up; the import contracts in
``pyproject.toml`` allow exactly these two imports.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from pathlib import Path

    from nndl.arrays.backend import Array
    from nndl.model.network import Network
    from nndl.training.history import History
    from nndl.training.optimizers import Schedule


class Trainable:
    """What :class:`~nndl.model.network.Network` gets from here: ``fit`` and ``save``."""

    def fit(
        self,
        X: Array,
        Y: Array,
        learning_rate: float | Schedule = 0.0075,
        epochs: int = 3000,
        print_every: int | None = None,
        callback: Callable[[int, float], None] | None = None,
        **options: Any,
    ) -> History:
        """Train the network; by default the course's batch gradient descent.

        With the defaults every epoch is one step ``θ := θ − α dθ`` on all m
        examples, and the result is the cost of every epoch, computed on the
        forward pass of that epoch (before its update), as the course does.

        Parameters
        ----------
        X : array_like of shape (n_x, m)
            The training examples, one per column.
        Y : array_like of shape (n_y, m)
            Their targets (softmax also takes integer labels ``(1, m)``).
        learning_rate : float or Schedule, default 0.0075
            α, or an :class:`nndl.training.optimizers.Schedule`.
        epochs : int, default 3000
            Passes over the training set (for ``optimizer="lbfgs"``: iterations).
        print_every : int, optional
            Print ``Cost after iteration i: J`` every k epochs.
        callback : callable, optional
            ``callback(epoch, cost)`` after every epoch.
        **options
            The other fields of :class:`nndl.training.options.FitOptions`, checked when it is
            made (a misspelt name gets a did-you-mean); listed under Other Parameters.

        Returns
        -------
        History
            A list of the per-epoch training costs, with ``history`` (cost,
            accuracy, val_cost, val_accuracy, learning_rate per epoch),
            ``interrupted`` (Ctrl-C stops cleanly and returns what was trained),
            ``stopped_early`` and ``best_epoch``.

        Other Parameters
        ----------------
        optimizer : str or Optimizer, optional
            ``"gd"`` (default), ``"momentum"``, ``"rmsprop"``, ``"adam"``, ``"lbfgs"``
            (full batch, SciPy), or an :class:`nndl.training.optimizers.Optimizer`.
        schedule : str or Schedule, optional
            Learning-rate schedule starting at ``learning_rate``: ``"constant"``,
            ``"inverse_time"``, ``"exponential"``, ``"step"`` or a Schedule.
        batch_size : int, optional
            Mini-batch size B (None: all m examples, the course's batch GD).  The
            examples are reshuffled every epoch from ``seed``; the last, partial
            batch is kept.
        shuffle : bool, default True
            Reshuffle before every epoch (mini-batches only).
        l2 : float, default 0.0
            L2 strength λ: the cost gains ``(λ / 2m) Σ ||W[l]||²`` and
            ``dW[l]`` gains ``(λ / m) W[l]``.  With mini-batches of B examples each
            step's ``dW[l]`` gains ``(λ / B) W[l]`` (scikit-learn's convention: the
            penalty per step does not shrink with the number of batches), while the
            cost recorded in the history keeps ``(λ / 2m) Σ ||W[l]||²``, m the training
            examples, as :meth:`cost` does.  Stays set on the network (``self.l2``).
        dropout : float or sequence of float, default 0.0
            Inverted dropout rate of the hidden layers (one rate or one per hidden
            layer), during training only; prediction never drops units.
        validation_split, validation_data : float or tuple of array_like, optional
            Hold out a seeded random fraction of (X, Y), or give ``(X_val, Y_val)``;
            the history then records ``val_cost`` (without the L2 term) and
            ``val_accuracy`` after every epoch.
        early_stopping, patience : bool or EarlyStopping, and int (default 10)
            Stop when the validation cost (else the training cost) has not improved
            for ``patience`` epochs and restore the best epoch's parameters.  An
            :class:`nndl.training.callbacks.EarlyStopping` may be passed for more control.
        callbacks : sequence of Callback, optional
            :class:`nndl.training.callbacks.Callback` objects.
        checkpoint, checkpoint_every : str or pathlib.Path, and int (default 1)
            Save a training checkpoint to this path every N epochs.
        resume_from : str or pathlib.Path, optional
            A checkpoint to continue from; the run ends bit-identical to one that
            was never interrupted.
        clip_value, clip_norm : float, optional
            Clip the gradients before each step, against exploding gradients (the sequence
            course's ``clip``): every entry into ``[−clip_value, clip_value]``, or all of them
            scaled by ``clip_norm / ‖g‖`` when their global norm ``‖g‖`` (over every
            parameter) exceeds ``clip_norm``.  One or the other; not with L-BFGS.
        verbose : int, default 0
            0: silent; 1: a progress bar with each epoch's metrics (on a terminal or in Jupyter);
            2: one line per epoch.
        seed : int, optional
            Seed of the shuffles, dropout masks and validation split (default: the
            network's seed).
        engine : str, default "auto"
            ``"auto"``: on NumPy arrays a specialised NumPy engine for mini-batches and a
            full-batch one (the generic engine's numbers, in place) for the course's batch
            gradient descent, else the generic array-API one; ``"generic"``,
            ``"numpy"`` or ``"compiled"`` (:mod:`nndl.training.compiled_batch`: small
            networks, full batch, with Numba; equal to the NumPy passes to rounding) to
            choose.

        Raises
        ------
        DivergenceError
            If the cost or an update becomes NaN or infinite; the parameters are then those
            of the last finite step.
        NNDLValueError
            When an option is unknown or out of range, or X and Y do not fit the network.

        Examples
        --------
        >>> import nndl
        >>> X, Y = nndl.datasets.make_moons(200, noise=0.1, seed=0)
        >>> net = nndl.Network([2, 8, 1], activations="tanh", seed=1)
        >>> history = net.fit(X, Y, learning_rate=0.5, epochs=500)
        >>> len(history), history[-1] < history[0]
        (500, True)
        >>> history = net.fit(X, Y, optimizer="adam", learning_rate=0.01, batch_size=32, epochs=5)
        >>> sorted(history.history)[:2]
        ['accuracy', 'cost']
        """
        from nndl import training  # the one upward call: the course's net.fit(X, Y)

        how = training.FitOptions.of(
            learning_rate=learning_rate,
            epochs=epochs,
            print_every=print_every,
            callback=callback,
            **options,
        )
        return training.fit(cast("Network", self), X, Y, options=how)

    def save(self, path: str | Path) -> Path:
        """Save the architecture and parameters to ``path`` (``.npz``); see :func:`nndl.load`.

        Parameters
        ----------
        path : str or pathlib.Path
            The file to write (atomically); ``.npz`` is added when it has no suffix.

        Returns
        -------
        pathlib.Path
            The path written.
        """
        from nndl import io  # the other half of the upward call

        return io.save(cast("Network", self), path)
