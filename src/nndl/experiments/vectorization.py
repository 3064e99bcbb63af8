"""Vectorization: explicit for-loops against one vectorized call.

The course times the dot product of two 10^6-element vectors (about 300× faster
vectorized in the lecture) and rewrites logistic regression's forward and backward
pass without loops over examples or features.  Here both are measured in one run;
the speedups are ratios of two timings taken seconds apart on the same machine.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from nndl.experiments._common import Result, best_time, save_figure
from nndl.model.network import logistic_regression

NAME = "vectorization"
TITLE = "Vectorization"
CLAIM = (
    "Vectorized code is much faster than explicit for-loops with the same result: "
    "about 300× for the dot product of two 10^6-element vectors (the lecture's measurement), "
    "and logistic regression's forward and backward pass needs no loop over examples or features."
)


def dot_loop(a: np.ndarray, b: np.ndarray) -> float:
    """``Σ_i a_i b_i`` one element at a time, as the lecture's non-vectorized version."""
    c = 0.0
    for i in range(a.shape[0]):
        c += a[i] * b[i]
    return float(c)


def logistic_loops(
    w: np.ndarray, b: float, X: np.ndarray, Y: np.ndarray
) -> tuple[float, np.ndarray, float]:
    """Logistic regression's cost J and gradients ``(dw, db)`` with a loop over the examples
    and, inside it, loops over the n_x features (the course's first, non-vectorized version)::

        z⁽ⁱ⁾ = wᵀx⁽ⁱ⁾ + b,  a⁽ⁱ⁾ = σ(z⁽ⁱ⁾),  J += −[y log a + (1 − y) log(1 − a)]
        dz⁽ⁱ⁾ = a⁽ⁱ⁾ − y⁽ⁱ⁾,  dw_j += x_j⁽ⁱ⁾ dz⁽ⁱ⁾,  db += dz⁽ⁱ⁾;  then ÷ m
    """
    n_x, m = X.shape
    J = 0.0
    dw = np.zeros((n_x, 1))
    db = 0.0
    for i in range(m):
        z = b
        for j in range(n_x):
            z += w[j, 0] * X[j, i]
        a = 1.0 / (1.0 + math.exp(-z))
        y = Y[0, i]
        J += -(y * math.log(a) + (1 - y) * math.log(1 - a))
        dz = a - y
        for j in range(n_x):
            dw[j, 0] += X[j, i] * dz
        db += dz
    return J / m, dw / m, db / m


def run(quick: bool = False, out: str | Path | None = None, seed: int = 0) -> Result:
    """Time both pairs; ``quick`` uses 10^5-element vectors and a smaller logistic regression."""
    rng = np.random.RandomState(seed)
    n = 100_000 if quick else 1_000_000
    m, n_x = (1000, 50) if quick else (2000, 50)
    repeats = 2 if quick else 3

    a, b = rng.rand(n), rng.rand(n)
    loop_value = dot_loop(a, b)
    vector_value = float(np.dot(a, b))
    dot_loop_s = best_time(lambda: dot_loop(a, b), repeats)
    dot_vec_s = best_time(lambda: np.dot(a, b), 50)
    dot_diff = abs(loop_value - vector_value) / abs(vector_value)

    X = rng.standard_normal((n_x, m))
    Y = (rng.rand(1, m) > 0.5).astype(np.float64)
    w = rng.standard_normal((n_x, 1)) * 0.1
    b0 = 0.1
    net = logistic_regression(n_x, dtype="float64")
    net.params["W1"] = w.T.copy()
    net.params["b1"] = np.full((1, 1), b0)
    J_loop, dw_loop, db_loop = logistic_loops(w, b0, X, Y)
    J_vec, grads = net.gradients(X, Y)
    lr_diff = max(
        abs(J_loop - J_vec),
        float(np.max(np.abs(dw_loop.T - grads["dW1"]))),
        abs(db_loop - float(grads["db1"][0, 0])),
    )
    lr_loop_s = best_time(lambda: logistic_loops(w, b0, X, Y), repeats)
    lr_vec_s = best_time(lambda: net.gradients(X, Y), 20)

    dot_speedup = dot_loop_s / dot_vec_s
    lr_speedup = lr_loop_s / lr_vec_s
    same = dot_diff < 1e-10 and lr_diff < 1e-10
    holds = same and dot_speedup > 50 and lr_speedup > 50
    numbers = {
        "dot_n": n,
        "dot_loop_ms": 1e3 * dot_loop_s,
        "dot_vectorized_ms": 1e3 * dot_vec_s,
        "dot_speedup": dot_speedup,
        "dot_relative_difference": dot_diff,
        "logistic_m": m,
        "logistic_n_x": n_x,
        "logistic_loop_ms": 1e3 * lr_loop_s,
        "logistic_vectorized_ms": 1e3 * lr_vec_s,
        "logistic_speedup": lr_speedup,
        "logistic_max_difference": lr_diff,
    }
    measured = (
        f"dot product of 10^{round(math.log10(n))}: {1e3 * dot_loop_s:.0f} ms loop vs "
        f"{1e3 * dot_vec_s:.3f} ms vectorized, {dot_speedup:.0f}×; logistic regression "
        f"(m={m}, n_x={n_x}): {lr_speedup:.0f}×; results agree to {max(dot_diff, lr_diff):.0e}"
    )
    comparison = "more than" if dot_speedup > 300 else "less than"
    details = (
        f"The dot product's speedup, {dot_speedup:.0f}×, is {comparison} the lecture's ~300×: "
        "the ratio depends on the machine and on NumPy's BLAS, and the direction is what the "
        f"claim is about. Logistic regression's loops (over {m} examples and {n_x} features) "
        f"took {1e3 * lr_loop_s:.0f} ms; `Network.gradients` took {1e3 * lr_vec_s:.2f} ms. "
        f"Cost and gradients agree to {lr_diff:.1e} (float64)."
    )
    if not holds:
        details += " The claim does not hold here: " + (
            "the loop and vectorized results differ by more than 1e-10."
            if not same
            else "a speedup is below 50×."
        )
    figure = _figure(numbers, out)
    return Result(NAME, TITLE, CLAIM, holds, measured, numbers, details, figure, quick=quick)


def _figure(numbers: dict[str, float], out: str | Path | None) -> Path | None:
    if out is None:
        return None
    from nndl import plot

    fig = plot.new_figure(figsize=(6.4, 4.2))
    ax = fig.axes[0]
    groups = [
        f"dot product\nn = {numbers['dot_n']:,}",
        f"logistic regression\nm = {numbers['logistic_m']}, n_x = {numbers['logistic_n_x']}",
    ]
    loops = [numbers["dot_loop_ms"], numbers["logistic_loop_ms"]]
    vectors = [numbers["dot_vectorized_ms"], numbers["logistic_vectorized_ms"]]
    speedups = [numbers["dot_speedup"], numbers["logistic_speedup"]]
    x = np.arange(2)
    ax.bar(x - 0.2, loops, 0.4, label="for-loops", color="tab:red")
    ax.bar(x + 0.2, vectors, 0.4, label="vectorized", color="tab:green")
    for k in range(2):
        ax.annotate(
            f"{speedups[k]:.0f}× faster",
            (x[k], loops[k]),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
        )
    ax.set_yscale("log")
    ax.set_xticks(x, groups)
    ax.set_ylabel("time (ms, log scale)")
    ax.set_ylim(min(vectors) / 3, max(loops) * 8)
    ax.set_title("For-loops against vectorized NumPy")
    ax.legend(loc="center right")
    return save_figure(fig, out, NAME)
