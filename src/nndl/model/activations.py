"""Activation functions g and their derivatives g', one object each.

Sorted in order of increasing complexity.  Every activation pairs

* ``forward(Z)``: ``A = g(Z)``, elementwise (softmax: column-wise), and
* ``derivative_from_Z(Z)``: ``g'(Z)``, elementwise, and
* ``derivative_from_A(A)``: the same ``g'(Z)`` from the output ``A = g(Z)`` alone, for the
  activations whose derivative is a function of their output (``from_A`` is True: sigmoid
  ``A(1 − A)``, tanh ``1 − A²``, ReLU and leaky ReLU from the sign of ``A``, linear ``1``),
  which lets a trainer overwrite Z with A and keep one array per layer,
* ``derivative(Z, A=None)``: ``g'(Z)``, from A when it is given and the activation can,
* ``backward(dA, Z, A)``: ``dZ = dA * g'(Z)``, the chain rule through the layer,

so the derivative always sits next to the function it differentiates.  All
arrays have the course's layout ``(n[l], m)`` and any array-API backend.

Two slips of the course's notes are *not* reproduced: σ(z) = 1 / (1 + e^(−z))
(not e^z), and tanh(z) = (e^z − e^(−z)) / (e^z + e^(−z)).
"""

from __future__ import annotations

import math
from typing import Any

from nndl.arrays.backend import Array, namespace
from nndl.errors import NNDLTypeError, NNDLValueError
from nndl.model._configurable import Configurable, lookup


class Activation(Configurable):
    """Base class: an activation g with its derivative g' (``get(config())`` rebuilds one).

    Examples
    --------
    >>> import numpy as np
    >>> from nndl.model.activations import get
    >>> g = get("sigmoid")
    >>> Z = np.array([[0.0, 2.0]])
    >>> g.forward(Z)
    array([[0.5       , 0.88079708]])
    >>> g.backward(np.ones_like(Z), Z)  # dZ = dA * g'(Z)
    array([[0.25      , 0.10499359]])
    """

    elementwise: bool = True
    from_A: bool = False
    """Whether ``g'(Z)`` is a function of ``A = g(Z)`` (:meth:`derivative_from_A`): True for
    every activation here but softmax; a new activation says so by setting it."""

    def forward(self, Z: Array) -> Array:
        """``A = g(Z)``.

        Parameters
        ----------
        Z : Array of shape (n[l], m)
            The pre-activations, one column per example.

        Returns
        -------
        Array of shape (n[l], m)
            The activations A.
        """
        raise NotImplementedError

    def derivative_from_Z(self, Z: Array) -> Array:
        """``g'(Z)``, elementwise.

        Parameters
        ----------
        Z : Array of shape (n[l], m)
            The pre-activations.

        Returns
        -------
        Array of shape (n[l], m)
            The derivative g'(Z).

        Raises
        ------
        NNDLValueError
            For softmax, whose derivative is a Jacobian, not elementwise.
        """
        return self.derivative_from_A(self.forward(Z))

    def derivative_from_A(self, A: Array) -> Array:
        """``g'(Z)`` from ``A = g(Z)`` alone (only where :attr:`from_A` is True).

        Parameters
        ----------
        A : Array of shape (n[l], m)
            The activations ``A = g(Z)``.

        Returns
        -------
        Array of shape (n[l], m)
            The derivative g'(Z).

        Raises
        ------
        NNDLValueError
            When g' is not a function of A (:attr:`from_A` is False).
        """
        raise NNDLValueError(f"{self.name}'s derivative is not a function of its output")

    def derivative(self, Z: Array, A: Array | None = None) -> Array:
        """``g'(Z)``; from ``A = g(Z)`` when it is given and g' is a function of A.

        Parameters
        ----------
        Z : Array of shape (n[l], m)
            The pre-activations.
        A : Array of shape (n[l], m), optional
            The activations ``g(Z)``, if already computed.

        Returns
        -------
        Array of shape (n[l], m)
            The derivative g'(Z).
        """
        if A is not None and self.from_A:
            return self.derivative_from_A(A)
        return self.derivative_from_Z(Z)

    def backward(self, dA: Array, Z: Array, A: Array | None = None) -> Array:
        """``dZ = dA * g'(Z)`` (the chain rule through an elementwise g).

        Parameters
        ----------
        dA : Array of shape (n[l], m)
            The gradient of the cost with respect to the activations A.
        Z : Array of shape (n[l], m)
            The pre-activations of the forward pass.
        A : Array of shape (n[l], m), optional
            The activations of the forward pass, if kept.

        Returns
        -------
        Array of shape (n[l], m)
            dZ, the gradient with respect to Z.
        """
        return dA * self.derivative(Z, A)

    def __call__(self, Z: Array) -> Array:
        return self.forward(Z)


class Linear(Activation):
    """The identity, g(z) = z, g'(z) = 1: the output of a regression network."""

    name = "linear"
    from_A = True

    def forward(self, Z: Array) -> Array:
        return Z

    def derivative_from_Z(self, Z: Array) -> Array:
        return namespace(Z).ones_like(Z)

    def derivative_from_A(self, A: Array) -> Array:
        return namespace(A).ones_like(A)

    def backward(self, dA: Array, Z: Array, A: Array | None = None) -> Array:
        return dA


class ReLU(Activation):
    """g(z) = max(0, z); g'(z) = 1 for z > 0, else 0.

    Convention: g'(0) = 0 (the function has no derivative at 0; any value in
    [0, 1] is a valid subgradient, and 0 keeps dead units dead, as most
    libraries do).

    Examples
    --------
    >>> import numpy as np
    >>> g = ReLU()
    >>> Z = np.array([[-2.0, 0.0, 3.0]])
    >>> g.forward(Z), g.derivative_from_Z(Z)  # g'(0) = 0
    (array([[0., 0., 3.]]), array([[0., 0., 1.]]))
    """

    name = "relu"
    from_A = True

    def forward(self, Z: Array) -> Array:
        xp = namespace(Z)
        return xp.where(Z > 0, Z, 0.0)

    def derivative_from_Z(self, Z: Array) -> Array:
        xp = namespace(Z)
        return xp.astype(Z > 0, Z.dtype)

    def derivative_from_A(self, A: Array) -> Array:
        return self.derivative_from_Z(A)  # A > 0 exactly where Z > 0


class LeakyReLU(Activation):
    """g(z) = z for z > 0, else slope·z; g'(z) = 1 for z > 0, else slope (also at 0).

    Parameters
    ----------
    slope : float, default 0.01
        The slope for z ≤ 0, in [0, 1).

    Raises
    ------
    NNDLValueError
        When the slope is not a finite number in [0, 1).
    """

    name = "leaky_relu"
    from_A = True

    def __init__(self, slope: float = 0.01) -> None:
        if not (isinstance(slope, (int, float)) and math.isfinite(slope) and 0 <= slope < 1):
            raise NNDLValueError(
                "leaky_relu's slope must be a finite number in [0, 1) "
                f"(0.01 is usual). Received: slope={slope!r}"
            )
        self.slope = float(slope)

    def forward(self, Z: Array) -> Array:
        xp = namespace(Z)
        return xp.where(Z > 0, Z, self.slope * Z)

    def derivative_from_Z(self, Z: Array) -> Array:
        xp = namespace(Z)
        return xp.astype(Z > 0, Z.dtype) * (1.0 - self.slope) + self.slope

    def derivative_from_A(self, A: Array) -> Array:
        return self.derivative_from_Z(A)  # slope ≥ 0, so A > 0 exactly where Z > 0

    def config(self) -> dict[str, Any]:
        return {"name": self.name, "slope": self.slope}


class Tanh(Activation):
    """g(z) = (e^z − e^(−z)) / (e^z + e^(−z)); g'(z) = 1 − tanh(z)².

    Zero-centred, so the next layer's inputs have mean near 0 (the course's
    reason to prefer it to sigmoid in hidden layers).
    """

    name = "tanh"
    from_A = True

    def forward(self, Z: Array) -> Array:
        return namespace(Z).tanh(Z)

    def derivative_from_A(self, A: Array) -> Array:
        return 1.0 - A * A


class Exponential(Activation):
    """g(z) = e^z; g'(z) = e^z = A.

    The output of a Poisson regression network (the log link: the predicted rate is
    positive), matched with :class:`~nndl.model.losses.PoissonLoss`.  Unlike the others it
    overflows: e^z is inf past z ≈ 709 (88 in float32).

    Examples
    --------
    >>> import numpy as np
    >>> Exponential().forward(np.array([[0.0, np.log(3.0)]]))
    array([[1., 3.]])
    """

    name = "exponential"
    from_A = True

    def forward(self, Z: Array) -> Array:
        return namespace(Z).exp(Z)

    def derivative_from_A(self, A: Array) -> Array:
        return A


class Sigmoid(Activation):
    """σ(z) = 1 / (1 + e^(−z)); σ'(z) = σ(z)(1 − σ(z)).

    Computed from e^(−|z|), which is at most 1, so no z overflows:
    σ(z) = 1 / (1 + e^(−z)) for z ≥ 0 and e^z / (1 + e^z) for z < 0.

    Examples
    --------
    >>> import numpy as np
    >>> Sigmoid().forward(np.array([[-1000.0, 0.0, 1000.0]]))  # no overflow warning
    array([[0. , 0.5, 1. ]])
    """

    name = "sigmoid"
    from_A = True

    def forward(self, Z: Array) -> Array:
        xp = namespace(Z)
        E = xp.exp(-xp.abs(Z))  # e^(−|z|) in (0, 1]
        P = 1.0 / (1.0 + E)  # σ(|z|)
        return xp.where(Z >= 0, P, E * P)  # σ(−|z|) = e^(−|z|) σ(|z|)

    def derivative_from_A(self, A: Array) -> Array:
        return A * (1.0 - A)


class Softmax(Activation):
    """softmax(z)_i = e^(z_i) / Σ_k e^(z_k), over each column (one column per example).

    The maximum of each column is subtracted first, so e^(·) never overflows.
    Not elementwise: its derivative is the Jacobian diag(a) − a aᵀ per example,
    applied by ``backward`` as ``dZ = A * (dA − Σ_k dA_k A_k)``.  Paired with
    cross-entropy the network uses the fused ``dZ = A − Y`` instead.

    Examples
    --------
    >>> import numpy as np
    >>> A = Softmax().forward(np.array([[1.0, 0.0], [1.0, 1000.0]]))
    >>> A.round(3), A.sum(axis=0)
    (array([[0.5, 0. ],
           [0.5, 1. ]]), array([1., 1.]))
    """

    name = "softmax"
    elementwise = False

    def forward(self, Z: Array) -> Array:
        xp = namespace(Z)
        E = xp.exp(Z - xp.max(Z, axis=0, keepdims=True))
        return E / xp.sum(E, axis=0, keepdims=True)

    def derivative_from_Z(self, Z: Array) -> Array:
        raise NNDLValueError(
            "softmax has no elementwise derivative (each output depends on every input "
            "of its column): use Softmax().backward(dA, Z, A), which applies the Jacobian."
        )

    def backward(self, dA: Array, Z: Array, A: Array | None = None) -> Array:
        xp = namespace(Z)
        if A is None:
            A = self.forward(Z)
        return A * (dA - xp.sum(dA * A, axis=0, keepdims=True))


ACTIVATIONS: dict[str, type[Activation]] = {
    cls.name: cls for cls in (Linear, ReLU, LeakyReLU, Tanh, Exponential, Sigmoid, Softmax)
}
"""The registry: every activation by its name."""

HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")


def get(identifier: str | Activation | dict[str, Any]) -> Activation:
    """An activation from its name (``"relu"``), a config dict, or an Activation (returned as is).

    Parameters
    ----------
    identifier : str or Activation or dict
        A name (``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"leaky_relu"``, ``"linear"``,
        ``"softmax"``), a config such as ``{"name": "leaky_relu", "slope": 0.1}``, or an
        activation.

    Returns
    -------
    Activation
        The activation.

    Raises
    ------
    NNDLTypeError
        When the identifier is neither a name, a dict nor an Activation.
    NNDLValueError
        When the name is not a known activation.

    Examples
    --------
    >>> get("tanh")
    Tanh()
    >>> get({"name": "leaky_relu", "slope": 0.1}).slope
    0.1
    """
    if isinstance(identifier, Activation):
        return identifier
    if isinstance(identifier, dict):
        config = dict(identifier)
        name = config.pop("name", None)
        return _by_name(name)(**config)
    if isinstance(identifier, str):
        return _by_name(identifier)()
    raise NNDLTypeError(
        "an activation is given by name (one of "
        f"{', '.join(ACTIVATIONS)}) or as an nndl.model.activations.Activation. "
        f"Received: {identifier!r} of type {type(identifier).__name__}"
    )


def _by_name(name: object) -> type[Activation]:
    if not isinstance(name, str):  # a config dict without a name
        raise NNDLValueError(
            f"unknown activation {name!r}; the known ones are: {', '.join(ACTIVATIONS)}"
        )
    return lookup(
        ACTIVATIONS, name, "activation", {"leakyrelu": "leaky_relu", "exp": "exponential"}
    )
