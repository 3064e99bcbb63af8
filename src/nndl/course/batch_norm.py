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

    ``cache`` holds ``"Z_norm"``, ``"mu"``, ``"var"``, ``"gamma"`` and ``"epsilon"``.
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
    """``(dZ, dgamma, dbeta)`` from ``dZ_tilde`` ``(n, m)`` and the forward pass's cache."""
    inv_std = 1.0 / np.sqrt(cache["var"] + cache["epsilon"])
    inner = batchnorm.BatchNormCache(cache["Z_norm"], cache["gamma"], inv_std, batchnorm.DENSE_AXES)
    dZ, dgamma, dbeta = batchnorm.batchnorm_backward(as_float(dZ_tilde), inner)
    return np.asarray(dZ), np.asarray(dgamma), np.asarray(dbeta)
