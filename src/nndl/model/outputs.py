"""What a model's output layer and loss decide, shared by :class:`~nndl.model.network.Network`
and :class:`~nndl.model.sequential.Sequential`.

A model has an output activation g[L] (``output``), a loss (``loss``), parameters whose
weights are named ``W…`` (``params``) and an L2 strength λ (``l2``).  From those alone:
whether ``dZ[L] = A[L] − Y`` holds (a matched pair), the task, the cost without and with
the L2 term, the predicted labels and the examples classified right.
"""

from __future__ import annotations

from typing import Any

from nndl.arrays.backend import Array, namespace, to_scalar
from nndl.model.activations import Activation
from nndl.model.losses import Loss


class OutputRules:
    """The output side of a model (the module's docstring)."""

    loss: Loss
    l2: float
    params: dict[str, Array]

    @property
    def output(self) -> Activation:
        """The output layer's activation g[L] (each model says where it keeps it)."""
        raise NotImplementedError

    @property
    def fused_output(self) -> bool:
        """True when output and loss are a matched pair, so ``dZ[L] = A[L] − Y``."""
        return self.output.name == self.loss.output

    @property
    def task(self) -> str:
        """``"binary"``, ``"multiclass"`` or ``"regression"``, from the output and loss."""
        if self.output.name == "softmax":
            return "multiclass"
        if self.output.name == "sigmoid" and self.loss.name == "logistic":
            return "binary"
        return "regression"

    def data_cost(self, AL: Array, caches: list[Any], Y: Array) -> Array:
        """``J = (1/m) Σ L(ŷ, y)`` without the L2 term (a 0-d array).

        From ``Z[L]`` (the last cache's ``Z``) for a matched output and loss (softplus or
        logsumexp, never log 0), else from ``A[L]``.

        Parameters
        ----------
        AL : Array of shape (n_y, m)
            The output A[L].
        caches : list
            The forward pass's caches (the last one holds Z[L]).
        Y : Array of shape (n_y, m)
            The targets, checked.

        Returns
        -------
        Array
            J, a 0-d array.
        """
        if self.fused_output:
            return self.loss.value_from_Z(caches[-1].Z, Y)
        return self.loss.value(AL, Y)

    def l2_term(self, m: float) -> float:
        """The L2 term of the cost, ``(λ / 2m) Σ_l ||W[l]||²`` over every weight.

        Parameters
        ----------
        m : float
            The examples the cost is divided by: the training set's (the course's convention)
            or a mini-batch's.

        Returns
        -------
        float
            The term; 0.0 without L2.
        """
        if self.l2 <= 0:
            return 0.0
        squares = sum(
            to_scalar(namespace(W).sum(W * W)) for k, W in self.params.items() if k[0] == "W"
        )
        return self.l2 / (2 * m) * squares

    def labels(self, AL: Array) -> Array:
        """Predictions from ``A[L]``.

        Parameters
        ----------
        AL : Array of shape (n_y, m)
            The output A[L].

        Returns
        -------
        Array
            ``(1, m)`` class indices for softmax, 0/1 where ŷ > 0.5 for sigmoid, ŷ itself for
            regression.
        """
        xp = namespace(AL)
        if self.output.name == "softmax":
            return xp.reshape(xp.argmax(AL, axis=0), (1, AL.shape[1]))
        if self.task == "binary":
            return xp.astype(AL > 0.5, xp.int64)
        return AL

    def count_correct(self, AL: Array, Y: Array) -> float:
        """How many examples (columns) ``AL`` classifies right.

        Argmax for softmax, else every output on the right side of 0.5.

        Parameters
        ----------
        AL : Array of shape (n_y, m)
            The output A[L].
        Y : Array of shape (n_y, m)
            The targets, checked (one-hot for softmax).

        Returns
        -------
        float
            The number of examples classified right.
        """
        xp = namespace(AL)
        if self.output.name == "softmax":
            hits = xp.argmax(AL, axis=0) == xp.argmax(Y, axis=0)
        else:
            hits = xp.all(xp.astype(AL > 0.5, Y.dtype) == Y, axis=0)
        return to_scalar(xp.sum(xp.astype(hits, xp.float64)))
