"""Gradient clipping, the sequence course's remedy for exploding gradients.

``fit(..., clip_value=c)`` clips every entry of every gradient into ``[−c, c]``, as the
course's ``clip(gradients, maxValue)`` does; ``fit(..., clip_norm=c)`` scales all the
gradients together when their global norm exceeds c::

    ‖g‖ = √(Σ_θ Σ_i dθ_i²)   over every parameter θ (W1, b1, …)
    dθ := dθ · c / ‖g‖       for every θ, when ‖g‖ > c (else unchanged)

which keeps the step's direction and bounds its length.  Each engine calls
:func:`clip_gradients` once per step, after the backward pass and before the optimizer's
step: the generic engine on its dict of gradients (any backend), the NumPy engines on the
flat gradient buffer in place (``out``), with the norm summed parameter by parameter in
float64 either way, so the engines scale by the same number.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from nndl.arrays.backend import Array, namespace, to_scalar


def global_norm(grads: Mapping[str, Array]) -> float:
    """``‖g‖ = √(Σ_θ Σ_i dθ_i²)`` over every gradient, summed in float64 per parameter."""
    total = 0.0
    for g in grads.values():
        xp = namespace(g)
        g64 = xp.astype(g, xp.float64)
        total += to_scalar(xp.sum(g64 * g64))
    return math.sqrt(total)


def clip_gradients(
    grads: Mapping[str, Array],
    clip_value: float | None = None,
    clip_norm: float | None = None,
    out: np.ndarray | None = None,
) -> dict[str, Array]:
    """The gradients clipped by value (every entry into ``[−clip_value, clip_value]``) or
    scaled by ``clip_norm / ‖g‖`` when the global norm ``‖g‖`` exceeds ``clip_norm``.

    ``out``: the flat NumPy buffer whose views ``grads`` are (the NumPy engines'); it is
    clipped in place, with one pass over the whole buffer, and ``grads`` returned.
    Without it, new arrays are returned (through the array namespace: any backend).
    ``None`` for both: the gradients unchanged.
    """
    if clip_value is not None:
        c = float(clip_value)
        if out is not None:
            np.clip(out, -c, c, out=out)
            return dict(grads)
        return {k: namespace(g).clip(g, -c, c) for k, g in grads.items()}
    if clip_norm is not None:
        norm = global_norm(grads)
        if norm <= clip_norm:
            return dict(grads)
        scale = float(clip_norm) / norm  # in float64, rounded to the gradients' dtype once
        if out is not None:
            np.multiply(out, scale, out=out)
            return dict(grads)
        return {k: g * scale for k, g in grads.items()}
    return dict(grads)
