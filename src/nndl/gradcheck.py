"""Gradient checking: the analytic backward pass against two-sided finite differences.

For every parameter θ_i (the course's ``dictionary_to_vector`` order, W1, b1, W2, …)::

    dθ_approx[i] = (J(θ + ε e_i) − J(θ − ε e_i)) / (2ε)

and the relative error ``||dθ − dθ_approx||₂ / (||dθ||₂ + ||dθ_approx||₂)``.
The course's reading of it: below 1e-7 great, around 1e-5 look closer, above
1e-3 there is almost surely a bug.  Checks run on a float64 NumPy copy of the
model (a :class:`~nndl.Network` or a :class:`~nndl.Sequential`), so the model itself
is never touched.  :func:`numerical_gradient` is the differences alone, for any
function of an array.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from nndl.arrays.backend import Array, to_numpy, to_scalar
from nndl.model.network import Network

if TYPE_CHECKING:
    from nndl.model.sequential import Sequential


@dataclass(frozen=True)
class GradCheckResult:
    """The outcome of :func:`gradient_check`.

    Parameters
    ----------
    relative_error : float
        ``||dθ − dθ_approx|| / (||dθ|| + ||dθ_approx||)`` over all parameters.
    per_parameter : dict of str to float
        The same relative error for each parameter on its own (``"W1"``, ``"b1"``, …).
    grads : dict of str to numpy.ndarray
        The backward pass's gradients (``"dW1"``, …).
    approx : dict of str to numpy.ndarray
        The finite-difference estimates, same keys and shapes.
    threshold : float
        The relative error below which the check passes.
    """

    relative_error: float
    per_parameter: dict[str, float]
    grads: dict[str, np.ndarray]
    approx: dict[str, np.ndarray]
    threshold: float

    @property
    def passed(self) -> bool:
        """True when the relative error is below the threshold."""
        return self.relative_error < self.threshold

    def __str__(self) -> str:
        verdict = "passed" if self.passed else "FAILED"
        worst = max(self.per_parameter, key=self.per_parameter.__getitem__)
        return (
            f"gradient check {verdict}: relative error {self.relative_error:.3e} "
            f"(threshold {self.threshold:g}; worst parameter {worst}: "
            f"{self.per_parameter[worst]:.3e})"
        )


def relative_error(g: np.ndarray, g_approx: np.ndarray) -> float:
    """``||g − g_approx||₂ / (||g||₂ + ||g_approx||₂)`` (0 when both are zero)."""
    denominator = float(np.linalg.norm(g) + np.linalg.norm(g_approx))
    if denominator == 0.0:
        return 0.0
    return float(np.linalg.norm(g - g_approx)) / denominator


def numerical_gradient(f: Callable[[], float], x: np.ndarray, epsilon: float = 1e-7) -> np.ndarray:
    """``(f(x + ε e_i) − f(x − ε e_i)) / 2ε`` for every entry i of ``x``: ``f`` reads ``x``,
    which is changed in place one entry at a time and left as it was."""
    estimate = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        original = x[index]
        x[index] = original + epsilon
        J_plus = f()
        x[index] = original - epsilon
        J_minus = f()
        x[index] = original
        estimate[index] = (J_plus - J_minus) / (2.0 * epsilon)
    return estimate


def gradient_check(
    network: Network | Sequential,
    X: Array,
    Y: Array,
    epsilon: float = 1e-7,
    threshold: float = 1e-7,
) -> GradCheckResult:
    """Compare ``network``'s backward pass on (X, Y) with two-sided differences of its cost.

    ``dθ_approx[i] = (J(θ + ε e_i) − J(θ − ε e_i)) / 2ε`` for every parameter entry, on a
    float64 copy of the network.  Use small networks and few examples: it costs two
    forward passes per parameter.

    Parameters
    ----------
    network : Network or Sequential
        The model (integer tokens for an embedding stay integers).
    X : array_like
        The examples, ``(n_x, m)`` (or ``(m, …)`` for pictures and sequences).
    Y : array_like
        Their targets.
    epsilon : float, default 1e-7
        ε, the step of the differences.
    threshold : float, default 1e-7
        The relative error below which the check passes.

    Returns
    -------
    GradCheckResult
        The relative errors, overall and per parameter, and both gradients.

    Examples
    --------
    >>> import numpy as np, nndl
    >>> net = nndl.Network([3, 4, 1], activations="tanh", seed=1)
    >>> rng = np.random.default_rng(0)
    >>> X, Y = rng.standard_normal((3, 5)), rng.integers(0, 2, (1, 5))
    >>> result = gradient_check(net, X, Y)
    >>> result.passed, result.relative_error < 1e-7
    (True, True)
    """
    net = network.copy(dtype="float64")
    X64, Y64 = np.asarray(to_numpy(X)), np.asarray(to_numpy(Y), dtype=np.float64)
    if X64.dtype.kind not in "iu":
        X64 = X64.astype(np.float64)
    X64, Y64 = net.check_data(X64, Y64)  # once: the loop below changes only θ

    def cost() -> float:
        AL, caches = net.forward_pass(X64)
        return to_scalar(net.full_cost(AL, caches, Y64))

    _, grads = net.gradients(X64, Y64)
    analytic = {k: np.asarray(to_numpy(v)) for k, v in grads.items()}
    approx = {"d" + k: numerical_gradient(cost, theta, epsilon) for k, theta in net.params.items()}
    keys = list(approx)
    flat = np.concatenate([analytic[k].ravel() for k in keys])
    flat_approx = np.concatenate([approx[k].ravel() for k in keys])
    return GradCheckResult(
        relative_error=relative_error(flat, flat_approx),
        per_parameter={k[1:]: relative_error(analytic[k], approx[k]) for k in keys},
        grads={k: analytic[k] for k in keys},
        approx=approx,
        threshold=threshold,
    )
