"""The compiled loops of :mod:`nndl.arrays.dense_loops`, defined at module level so that
Numba caches them on disk (imported only where Numba is installed)."""

# mypy: ignore-errors
from __future__ import annotations

from typing import Any

import numba

from nndl.arrays import fused

jit = fused.jit_with(numba)
# Sums over the examples may be reassociated so that the compiler vectorises them: their
# partial sums are then those of this CPU's vector width, as a BLAS's are.
jit_sum = fused.jit_with(numba, fastmath={"reassoc"})


@jit_sum
def dot(x: Any, y: Any) -> Any:
    """Σ_j x[j] y[j], vectorised by the compiler (its partial sums: this CPU's)."""
    s = x.dtype.type(0)
    for j in range(x.shape[0]):
        s += x[j] * y[j]
    return s


@jit_sum
def total(x: Any) -> Any:
    """Σ_j x[j], vectorised by the compiler."""
    s = x.dtype.type(0)
    for j in range(x.shape[0]):
        s += x[j]
    return s


@jit
def product_rows(W: Any, b: Any, A: Any, Z: Any) -> None:
    """Z[i, :] = b[i] + Σ_k W[i, k] A[k, :] (k in order), row after row, two k a pass
    (half the passes over Z; the same additions in the same order)."""
    n, K = W.shape
    m = A.shape[1]
    for i in range(n):
        z, a0, w0, bi = Z[i], A[0], W[i, 0], b[i, 0]
        if K == 1:
            for j in range(m):
                z[j] = bi + w0 * a0[j]
            continue
        a1, w1 = A[1], W[i, 1]
        for j in range(m):
            z[j] = (bi + w0 * a0[j]) + w1 * a1[j]
        for k in range(2, K - 1, 2):
            a, w, a2, w2 = A[k], W[i, k], A[k + 1], W[i, k + 1]
            for j in range(m):
                z[j] = (z[j] + w * a[j]) + w2 * a2[j]
        if K > 2 and K % 2 == 1:
            a, w = A[K - 1], W[i, K - 1]
            for j in range(m):
                z[j] += w * a[j]


@jit
def forward(W: Any, b: Any, A: Any, Z: Any, relu: bool) -> None:
    product_rows(W, b, A, Z)
    if relu:
        zero = Z.dtype.type(0)
        for i in range(Z.shape[0]):
            z = Z[i]
            for j in range(z.shape[0]):
                z[j] = zero if z[j] < zero else z[j]  # NaN stays NaN


@jit
def backward(dZ: Any, A: Any, W: Any, dW: Any, db: Any, dA: Any, kind: int, m: int) -> None:
    n, K = W.shape
    f = dZ.dtype.type
    mm, one, zero = f(m), f(1), f(0)
    for i in range(n):
        d = dZ[i]
        for k in range(K):
            dW[i, k] = dot(d, A[k]) / mm
        db[i, 0] = total(d) / mm
    if kind < 0:
        return
    M = dZ.shape[1]
    for k in range(K):  # dA[k] = Σ_i W[i, k] dZ[i] (i in order), times g'(A[k]) in the last pass
        da, a = dA[k], A[k]
        if n > 1:
            w, d = W[0, k], dZ[0]
            for j in range(M):
                da[j] = w * d[j]
            for i in range(1, n - 1):
                w, d = W[i, k], dZ[i]
                for j in range(M):
                    da[j] += w * d[j]
        w, d = W[n - 1, k], dZ[n - 1]
        if kind == 2:  # tanh: g' = 1 − A²
            if n > 1:
                for j in range(M):
                    da[j] = (da[j] + w * d[j]) * (one - a[j] * a[j])
            else:
                for j in range(M):
                    da[j] = (w * d[j]) * (one - a[j] * a[j])
        elif kind == 1:  # ReLU: g' = 1 where A > 0 (a product, so inf · 0 is nan)
            if n > 1:
                for j in range(M):
                    da[j] = (da[j] + w * d[j]) * (one if a[j] > zero else zero)
            else:
                for j in range(M):
                    da[j] = (w * d[j]) * (one if a[j] > zero else zero)
        elif n > 1:
            for j in range(M):
                da[j] += w * d[j]
        else:
            for j in range(M):
                da[j] = w * d[j]


@jit
def output_shift(W: Any, b: Any, A: Any, Z: Any, E: Any) -> None:
    """The output layer's ``Z = W A + b`` and ``E = −|Z|`` (NumPy's ``exp`` and ``log1p``
    then take ``E``: their vectorised loops are several times faster than scalar calls)."""
    product_rows(W, b, A, Z)
    for i in range(Z.shape[0]):
        z, e = Z[i], E[i]
        for j in range(z.shape[0]):
            e[j] = -abs(z[j])


@jit
def network_backward(
    theta: Any,
    grad: Any,
    before: Any,
    index: Any,
    X: Any,
    Zs: Any,
    dAs: Any,
    Y: Any,
    E: Any,
    T: Any,
) -> tuple[float, int, bool]:
    """From the output's ``Z[L]``, ``E = e^(−|Z[L]|)`` and ``T = log(1 + E)``: the sigmoid
    ``A[L]`` (kept in ``E``), the summed logistic loss, the hits and ``dZ[L] = A[L] − Y``
    (over ``Z[L]``), then every layer's backward pass, over flat buffers laid out by
    ``index`` (:func:`layout`): ``W[l]`` is ``theta[w_at[l]:…]`` ``(dims[l+1], dims[l])``,
    ``b[l]`` at ``b_at[l]``, the gradients at the same places of ``grad``; ``A[l]`` (hidden,
    after g) at ``Zs[z_at[l-1]:…]`` ``(dims[l], m)``, ``Z[L]`` last; ``dAs`` a scratch of
    the same layout.  θ is copied into ``before`` (the engine's θ before the step, to take
    back a step that overflows).  Returns ``(Σ L, hits, whether ∇θ is finite)``."""
    L = index[0]
    dims = index[1 : L + 2]
    w_at = index[L + 2 : 2 * L + 2]
    b_at = index[2 * L + 2 : 3 * L + 2]
    z_at = index[3 * L + 2 : 4 * L + 3]
    codes = index[4 * L + 3 :]
    m = X.shape[1]
    n_y = dims[L]
    Z = Zs[z_at[L - 1] : z_at[L - 1] + n_y * m].reshape((n_y, m))
    f = Z.dtype.type
    zero, one, half = f(0), f(1), f(0.5)
    hits = 0
    for i in range(n_y):  # σ(z) = σ(|z|) for z ≥ 0, e^(−|z|) σ(|z|) for z < 0, in one pass
        z, y, e, t = Z[i], Y[i], E[i], T[i]
        for j in range(m):
            zj, yj, ej = z[j], y[j], e[j]
            p = one / (one + ej)  # σ(|z|)
            a = p if zj >= zero else ej * p
            softplus = (zj if zj > zero else zero) + t[j]
            t[j] = softplus - zj if yj == one else softplus
            e[j] = a
            z[j] = a - yj  # dZ[L] = A[L] − Y
        if n_y == 1:
            for j in range(m):
                hits += (e[j] > half) == (y[j] == one)
    J = 0.0
    for i in range(n_y):
        J += total(T[i])
    if n_y > 1:
        for j in range(m):
            right = True
            for i in range(n_y):
                right = right and ((E[i, j] > half) == (Y[i, j] == one))
            hits += right
    dZ = Z
    for l in range(L - 1, -1, -1):  # the course's layer l + 1: W[l+1], dims[l+1] units
        n, n_prev = dims[l + 1], dims[l]
        W = theta[w_at[l] : w_at[l] + n * n_prev].reshape((n, n_prev))
        dW = grad[w_at[l] : w_at[l] + n * n_prev].reshape((n, n_prev))
        db = grad[b_at[l] : b_at[l] + n].reshape((n, 1))
        if l == 0:
            backward(dZ, X, W, dW, db, dZ, -1, m)
        else:
            A_prev = Zs[z_at[l - 1] : z_at[l - 1] + n_prev * m].reshape((n_prev, m))
            dA = dAs[z_at[l - 1] : z_at[l - 1] + n_prev * m].reshape((n_prev, m))
            backward(dZ, A_prev, W, dW, db, dA, codes[l - 1], m)
            dZ = dA
    finite = True
    for k in range(grad.shape[0]):
        before[k] = theta[k]
        finite = finite and grad[k] - grad[k] == zero  # inf − inf and nan − nan are nan
    return J, hits, finite
