"""Batch normalization, the course's way: one layer's ``Z`` ``(n, m)``, a dict cache.

The course on improving deep networks teaches batch normalization as formulas (its
programming exercise uses a framework); these are those formulas as two functions in the
first course's style, over :mod:`nndl.model.batchnorm`::

    μ = (1/m) Σ_i z⁽ⁱ⁾,  σ² = (1/m) Σ_i (z⁽ⁱ⁾ − μ)²,  z_norm = (z − μ) / √(σ² + ε),
    z̃ = γ z_norm + β
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nndl.course._common import as_float
from nndl.model import batchnorm


def batchnorm_forward(
    Z: Any, gamma: Any, beta: Any, epsilon: float = 1e-8
) -> tuple[np.ndarray, dict[str, Any]]:
    """``(Z_tilde, cache)`` for ``Z`` ``(n, m)``, ``gamma`` and ``beta`` ``(n, 1)``.

    ``Z_norm = (Z − μ) / √(σ² + ε)`` over the m examples, ``Z_tilde = γ Z_norm + β``.

    Parameters
    ----------
    Z : array_like of shape (n, m)
        The pre-activations of a batch.
    gamma : array_like of shape (n, 1)
        γ.
    beta : array_like of shape (n, 1)
        β.
    epsilon : float, default 1e-8
        ε.

    Returns
    -------
    Z_tilde : numpy.ndarray of shape (n, m)
        The normalized, scaled and shifted Z.
    cache : dict
        ``"Z_norm"``, ``"mu"``, ``"var"``, ``"gamma"`` and ``"epsilon"``.

    Examples
    --------
    >>> import numpy as np
    >>> Z_tilde, cache = batchnorm_forward([[1.0, 3.0]], [[2.0]], [[0.5]])
    >>> Z_tilde.round(6)
    array([[-1.5,  2.5]])
    """
    Z_tilde, cache, mu, var = batchnorm.batchnorm_forward(
        as_float(Z), as_float(gamma), as_float(beta), epsilon, batchnorm.DENSE_AXES
    )
    return Z_tilde, {
        "Z_norm": cache.Z_norm,
        "mu": mu,
        "var": var,
        "gamma": cache.gamma,
        "epsilon": epsilon,
    }


def batchnorm_backward(
    dZ_tilde: Any, cache: dict[str, Any]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(dZ, dgamma, dbeta)`` from ``dZ_tilde`` ``(n, m)`` and the forward pass's cache.

    Parameters
    ----------
    dZ_tilde : array_like of shape (n, m)
        The gradient of the cost with respect to Z_tilde.
    cache : dict
        The cache of :func:`batchnorm_forward`.

    Returns
    -------
    dZ : numpy.ndarray of shape (n, m)
        The gradient with respect to Z.
    dgamma : numpy.ndarray of shape (n, 1)
        The gradient with respect to γ.
    dbeta : numpy.ndarray of shape (n, 1)
        The gradient with respect to β.
    """
    inv_std = 1.0 / np.sqrt(cache["var"] + cache["epsilon"])
    inner = batchnorm.BatchNormCache(cache["Z_norm"], cache["gamma"], inv_std, batchnorm.DENSE_AXES)
    dZ, dgamma, dbeta = batchnorm.batchnorm_backward(as_float(dZ_tilde), inner)
    return np.asarray(dZ), np.asarray(dgamma), np.asarray(dbeta)
