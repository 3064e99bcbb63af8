"""Batch normalization in the notation of the course on improving deep networks.

For the values ``Z`` of one layer over a mini-batch, each unit (each channel, for a
convolution) is normalized with the mini-batch's own mean and variance, then scaled and
shifted by two learned parameters γ and β::

    μ = (1/N) Σ_i z⁽ⁱ⁾          σ² = (1/N) Σ_i (z⁽ⁱ⁾ − μ)²
    z_norm⁽ⁱ⁾ = (z⁽ⁱ⁾ − μ) / √(σ² + ε)
    z̃⁽ⁱ⁾ = γ · z_norm⁽ⁱ⁾ + β

N is the number of values averaged: the m examples of a dense layer's ``Z`` ``(n, m)``
(``axes=(1,)``, γ and β ``(n, 1)``), or the m·n_H·n_W positions of a convolution's
``Z`` ``(m, n_H, n_W, n_C)`` (``axes=(0, 1, 2)``, γ and β ``(1, 1, 1, n_C)``).  At test
time there is no mini-batch: μ and σ² are exponentially weighted averages of the
training mini-batches' (``running = momentum · running + (1 − momentum) · batch``).

Backward, with ``dz̃`` the gradient arriving from above::

    dβ = Σ_i dz̃⁽ⁱ⁾            dγ = Σ_i dz̃⁽ⁱ⁾ · z_norm⁽ⁱ⁾
    dz_norm = γ · dz̃
    dz = (1 / (N √(σ² + ε))) · (N · dz_norm − Σ_i dz_norm⁽ⁱ⁾ − z_norm · Σ_i dz_norm⁽ⁱ⁾ z_norm⁽ⁱ⁾)

(the mean and the variance depend on every z⁽ⁱ⁾, which gives the two sums).
"""

from __future__ import annotations

from typing import NamedTuple

from nndl.arrays.backend import Array, namespace
from nndl.errors import NNDLValueError, ShapeError
from nndl.model.update_rules import Momentum

DENSE_AXES = (1,)
"""A dense layer's ``Z`` ``(n, m)``: averaged over the examples."""
CONV_AXES = (0, 1, 2)
"""A convolution's ``Z`` ``(m, n_H, n_W, n_C)``: averaged over examples and positions."""


class BatchNormCache(NamedTuple):
    """What the forward pass keeps for the backward pass."""

    Z_norm: Array
    gamma: Array
    inv_std: Array
    """``1 / √(σ² + ε)``, the shape of γ."""
    axes: tuple[int, ...]


def batchnorm_forward(
    Z: Array, gamma: Array, beta: Array, eps: float = 1e-5, axes: tuple[int, ...] = DENSE_AXES
) -> tuple[Array, BatchNormCache, Array, Array]:
    """Training: ``(Z̃, cache, μ, σ²)`` with the mini-batch's own statistics."""
    xp = namespace(Z)
    _check(Z, gamma, beta, eps, axes)
    mu = xp.mean(Z, axis=axes, keepdims=True)
    centred = Z - mu
    var = xp.mean(centred * centred, axis=axes, keepdims=True)
    inv_std = 1.0 / xp.sqrt(var + eps)
    Z_norm = centred * inv_std
    return gamma * Z_norm + beta, BatchNormCache(Z_norm, gamma, inv_std, axes), mu, var


def batchnorm_inference(
    Z: Array,
    gamma: Array,
    beta: Array,
    running_mean: Array,
    running_var: Array,
    eps: float = 1e-5,
) -> Array:
    """Test time: ``γ · (Z − μ_running) / √(σ²_running + ε) + β``."""
    xp = namespace(Z)
    return gamma * ((Z - running_mean) / xp.sqrt(running_var + eps)) + beta


def batchnorm_backward(dZ_tilde: Array, cache: BatchNormCache) -> tuple[Array, Array, Array]:
    """``(dZ, dγ, dβ)`` from ``dZ̃`` (the formulas in the module's docstring)."""
    xp = namespace(dZ_tilde)
    Z_norm, gamma, inv_std, axes = cache
    N = 1
    for axis in axes:
        N *= int(dZ_tilde.shape[axis])
    dbeta = xp.sum(dZ_tilde, axis=axes, keepdims=True)
    dgamma = xp.sum(dZ_tilde * Z_norm, axis=axes, keepdims=True)
    dZ_norm = gamma * dZ_tilde
    sum_d = xp.sum(dZ_norm, axis=axes, keepdims=True)
    sum_dz = xp.sum(dZ_norm * Z_norm, axis=axes, keepdims=True)
    dZ = (inv_std / N) * (N * dZ_norm - sum_d - Z_norm * sum_dz)
    return dZ, dgamma, dbeta


def update_running(running: Array, batch: Array, momentum: float) -> Array:
    """``momentum · running + (1 − momentum) · batch``: the course's exponentially weighted
    average, which is momentum's ``v := β v + (1 − β) g`` (its rule, written once)."""
    _, averaged = Momentum(momentum).rule(
        namespace(running), batch, running, momentum, 1.0 - momentum, 0.0
    )
    return averaged


def _check(Z: Array, gamma: Array, beta: Array, eps: float, axes: tuple[int, ...]) -> None:
    expected = tuple(1 if i in axes else int(n) for i, n in enumerate(Z.shape))
    for name, p in (("gamma", gamma), ("beta", beta)):
        if tuple(p.shape) != expected:
            raise ShapeError(
                f"{name} must have shape {expected} for Z of shape {tuple(Z.shape)} averaged "
                f"over axes {axes}. Received: {name}.shape={tuple(p.shape)}"
            )
    if not eps > 0:
        raise NNDLValueError(f"eps must be a small number > 0, e.g. 1e-5. Received: eps={eps!r}")
