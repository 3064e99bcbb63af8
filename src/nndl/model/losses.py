"""Loss functions L(ŷ, y) and the cost J = (1/m) Σ L(ŷ⁽ⁱ⁾, y⁽ⁱ⁾).

Arrays have the course's layout: ``A`` (the network's output ŷ) and ``Y`` are
``(n_y, m)``, one column per example.  Every loss gives

* ``value(A, Y)``: the cost J, a 0-d array, from the output A;
* ``gradient(A, Y)``: ``dA = ∂L/∂A`` for each example (the 1/m is applied when
  ``dW`` and ``db`` average over the examples);
* ``output``: the output activation it is matched with, for which the chain rule
  collapses to ``dZ[L] = A[L] − Y``, and ``value_from_Z(Z, Y)``: the cost computed
  from the output layer's Z, which never takes log(0).

Why ``dZ = A − Y`` for a matched pair, e.g. sigmoid with the logistic loss:
``dA = −y/a + (1−y)/(1−a)`` and ``σ'(z) = a(1−a)``, so
``dZ = dA · a(1−a) = −y(1−a) + (1−y)a = a − y``.  Softmax with cross-entropy and
the identity with (half) squared error give the same expression.
"""

from __future__ import annotations

from typing import Any

from nndl.arrays.backend import Array, device, namespace
from nndl.errors import NNDLTypeError, NNDLValueError
from nndl.model._configurable import Configurable, lookup


def _softplus(Z: Array) -> Array:
    """log(1 + e^z) = max(z, 0) + log(1 + e^(−|z|)), finite for every finite z."""
    xp = namespace(Z)
    return xp.where(Z > 0, Z, 0.0) + xp.log1p(xp.exp(-xp.abs(Z)))


def _logsumexp(Z: Array) -> Array:
    """log Σ_k e^(z_k) over each column, as ``(1, m)``, with the column maximum subtracted."""
    xp = namespace(Z)
    Z_max = xp.max(Z, axis=0, keepdims=True)
    return Z_max + xp.log(xp.sum(xp.exp(Z - Z_max), axis=0, keepdims=True))


def _clip_probabilities(A: Array) -> Array:
    """A clipped into [ε, 1 − ε] so log never sees 0 (ε: the dtype's machine epsilon)."""
    xp = namespace(A)
    eps = float(xp.finfo(A.dtype).eps)
    return xp.clip(A, eps, 1.0 - eps)


def _mean_over_examples(L: Array) -> Array:
    """J = (1/m) Σ_i Σ_k L_ki for per-element losses L of shape (n_y, m)."""
    xp = namespace(L)
    return xp.sum(L) / L.shape[1]


class Loss(Configurable):
    """Base class of the losses; subclass it for a loss of your own.

    ``get(config())`` rebuilds one.  The cost is the mean of the loss over the m examples,
    ``J = (1/m) Σ_i L(a⁽ⁱ⁾, y⁽ⁱ⁾)``.
    """

    output: str = ""
    """The output activation matched with this loss (``dZ = A − Y``)."""

    def value(self, A: Array, Y: Array) -> Array:
        """The cost J from the network's output A.

        Parameters
        ----------
        A : Array of shape (n_y, m)
            The network's output A[L].
        Y : Array of shape (n_y, m)
            The targets.

        Returns
        -------
        Array
            The cost J, a 0-d array.
        """
        raise NotImplementedError

    def gradient(self, A: Array, Y: Array) -> Array:
        """``dA = ∂L/∂A`` for each example, shape ``(n_y, m)``.

        Parameters
        ----------
        A : Array of shape (n_y, m)
            The network's output A[L].
        Y : Array of shape (n_y, m)
            The targets.

        Returns
        -------
        Array of shape (n_y, m)
            dA[L], not yet divided by m.
        """
        raise NotImplementedError

    def value_from_Z(self, Z: Array, Y: Array) -> Array:
        """The cost J from the matched output layer's Z (stable for any finite Z).

        Parameters
        ----------
        Z : Array of shape (n_y, m)
            The output layer's pre-activations Z[L].
        Y : Array of shape (n_y, m)
            The targets.

        Returns
        -------
        Array
            The cost J, a 0-d array.
        """
        raise NotImplementedError

    def check_targets(self, Y: Array) -> None:
        """Raise a clear error when Y cannot be a target of this loss.

        Parameters
        ----------
        Y : Array of shape (n_y, m)
            The targets.
        """


class LogisticLoss(Loss):
    """Binary cross-entropy: L(a, y) = −(y log a + (1 − y) log(1 − a)), y ∈ {0, 1}.

    From z (a = σ(z)): L = log(1 + e^z) − y z, computed as a softplus.
    """

    name = "logistic"
    output = "sigmoid"

    def value(self, A: Array, Y: Array) -> Array:
        xp = namespace(A, Y)
        A = _clip_probabilities(A)
        return _mean_over_examples(-(Y * xp.log(A) + (1.0 - Y) * xp.log(1.0 - A)))

    def gradient(self, A: Array, Y: Array) -> Array:
        A = _clip_probabilities(A)
        return -(Y / A) + (1.0 - Y) / (1.0 - A)

    def value_from_Z(self, Z: Array, Y: Array) -> Array:
        return _mean_over_examples(_softplus(Z) - Y * Z)

    def check_targets(self, Y: Array) -> None:
        xp = namespace(Y)
        if not bool(xp.all((Y == 0) | (Y == 1))):
            raise NNDLValueError(
                "the logistic loss (sigmoid output) needs labels Y in {0, 1}, but Y has "
                f"values from {float(xp.min(Y))} to {float(xp.max(Y))}. Map the two classes "
                "to 0 and 1 (for example Y = (labels == positive_class)), or use "
                "loss='cross_entropy' with a softmax output for more than two classes."
            )


class CrossEntropy(Loss):
    """Categorical cross-entropy: L(a, y) = −Σ_k y_k log a_k, y one-hot.

    From z (a = softmax(z)): L = logsumexp(z) − Σ_k y_k z_k (Σ_k y_k = 1).
    """

    name = "cross_entropy"
    output = "softmax"

    def value(self, A: Array, Y: Array) -> Array:
        xp = namespace(A, Y)
        return _mean_over_examples(-(Y * xp.log(_clip_probabilities(A))))

    def gradient(self, A: Array, Y: Array) -> Array:
        return -(Y / _clip_probabilities(A))

    def value_from_Z(self, Z: Array, Y: Array) -> Array:
        xp = namespace(Z, Y)
        per_example = xp.sum(Y, axis=0, keepdims=True) * _logsumexp(Z) - xp.sum(
            Y * Z, axis=0, keepdims=True
        )
        return _mean_over_examples(per_example)

    def check_targets(self, Y: Array) -> None:
        xp = namespace(Y)
        binary = bool(xp.all((Y == 0) | (Y == 1)))
        if not binary or not bool(xp.all(xp.sum(Y, axis=0) == 1)):
            raise NNDLValueError(
                "cross-entropy needs one-hot labels Y of shape (n_classes, m): each column "
                "all zeros but a single 1. Pass integer class labels of shape (1, m) "
                "instead and nndl one-hot encodes them, or use nndl.model.losses.one_hot(labels, "
                "n_classes)."
            )


class MeanSquaredError(Loss):
    """Half the squared error: L(a, y) = ½ Σ_k (a_k − y_k)², so J = (1/2m) Σ ||ŷ − y||².

    The ½ makes ``dA = A − Y``, and with the linear output ``dZ = A − Y`` too.
    """

    name = "mse"
    output = "linear"

    def value(self, A: Array, Y: Array) -> Array:
        D = A - Y
        return 0.5 * _mean_over_examples(D * D)

    def gradient(self, A: Array, Y: Array) -> Array:
        return A - Y

    def value_from_Z(self, Z: Array, Y: Array) -> Array:
        return self.value(Z, Y)


def y_log_y(Y: Array) -> Array:
    """``y log y`` elementwise, 0 where y = 0 (its limit): the Poisson deviance's term.

    Parameters
    ----------
    Y : Array
        Targets, y ≥ 0.

    Returns
    -------
    Array
        ``y log y`` of each entry, of ``Y``'s shape.
    """
    xp = namespace(Y)
    positive = Y > 0
    return xp.where(positive, Y * xp.log(xp.where(positive, Y, 1.0)), 0.0)


class PoissonLoss(Loss):
    """Half the Poisson deviance: L(a, y) = Σ_k (y_k log(y_k / a_k) − y_k + a_k), y ≥ 0.

    ``y log y`` is 0 at y = 0; scikit-learn's ``loss="poisson"``.  Matched with the exponential
    output (a = e^z, the log link): from z, L = Σ_k (y_k log y_k − y_k − y_k z_k + e^(z_k)),
    so ``dZ = e^z − y = A − Y``.  L ≥ 0, and 0 where a = y.
    """

    name = "poisson"
    output = "exponential"

    def value(self, A: Array, Y: Array) -> Array:
        xp = namespace(A, Y)
        return _mean_over_examples(y_log_y(Y) - Y * xp.log(A) - Y + A)

    def gradient(self, A: Array, Y: Array) -> Array:
        return 1.0 - Y / A

    def value_from_Z(self, Z: Array, Y: Array) -> Array:
        xp = namespace(Z, Y)
        return _mean_over_examples(y_log_y(Y) - Y - Y * Z + xp.exp(Z))

    def check_targets(self, Y: Array) -> None:
        xp = namespace(Y)
        if not bool(xp.all(Y >= 0)):
            raise NNDLValueError(
                "the Poisson loss (exponential output) needs targets y >= 0 (counts or rates), "
                f"but y has values down to {float(xp.min(Y))}. Use loss='squared_error' for "
                "targets that can be negative"
            )


LOSSES: dict[str, type[Loss]] = {
    cls.name: cls for cls in (LogisticLoss, CrossEntropy, MeanSquaredError, PoissonLoss)
}
"""The registry: every loss by its name."""

_ALIASES = {
    "binary_cross_entropy": "logistic",
    "log_loss": "logistic",
    "bce": "logistic",
    "categorical_cross_entropy": "cross_entropy",
    "crossentropy": "cross_entropy",
    "squared_error": "mse",
    "mean_squared_error": "mse",
}

LOSS_FOR_OUTPUT = {cls.output: name for name, cls in LOSSES.items()}
"""The matched loss of each output activation (sigmoid → logistic, ...)."""


def get(identifier: str | Loss | dict[str, Any]) -> Loss:
    """A loss from its name (``"logistic"``), a config dict, or a Loss (returned as is).

    Parameters
    ----------
    identifier : str or Loss or dict
        A name (``"logistic"``, ``"cross_entropy"``, ``"mse"`` or an alias), a config such as
        ``{"name": "mse"}``, or a loss.

    Returns
    -------
    Loss
        The loss.

    Raises
    ------
    NNDLTypeError
        When the identifier is neither a name, a dict nor a Loss.
    NNDLValueError
        When the name is not a known loss.
    """
    if isinstance(identifier, Loss):
        return identifier
    if isinstance(identifier, dict):
        identifier = str(identifier.get("name"))
    if isinstance(identifier, str):
        return lookup(LOSSES, identifier, "loss", _ALIASES)()
    raise NNDLTypeError(
        f"a loss is given by name (one of {', '.join(LOSSES)}) or as an nndl.model.losses.Loss. "
        f"Received: {identifier!r} of type {type(identifier).__name__}"
    )


def one_hot(labels: Array, n_classes: int) -> Array:
    """Integer class labels of shape ``(1, m)`` as a one-hot ``(n_classes, m)`` array.

    The result has the labels' backend and float dtype of the default kind.

    Parameters
    ----------
    labels : Array of shape (1, m)
        Integer class labels in ``[0, n_classes)``.
    n_classes : int
        The number of classes.

    Returns
    -------
    Array of shape (n_classes, m)
        Column i has a 1 in row ``labels[0, i]`` and 0 elsewhere.

    Raises
    ------
    NNDLValueError
        When the labels are not of shape (1, m).

    Examples
    --------
    >>> import numpy as np
    >>> one_hot(np.array([[2, 0]]), 3)
    array([[0., 1.],
           [0., 0.],
           [1., 0.]])
    """
    xp = namespace(labels)
    if labels.ndim != 2 or labels.shape[0] != 1:
        raise NNDLValueError(
            f"one_hot expects labels of shape (1, m). Received: shape={tuple(labels.shape)}"
        )
    classes = xp.reshape(xp.arange(n_classes, device=device(labels)), (n_classes, 1))
    return xp.astype(xp.astype(labels, classes.dtype) == classes, xp.float64)
