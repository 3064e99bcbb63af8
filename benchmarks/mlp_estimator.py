"""The scikit-learn drop-in against scikit-learn itself: ``nndl.MLPClassifier.fit`` beside
``sklearn.neural_network.MLPClassifier.fit``, with the same parameters, in one process.

The reference workload: 60,000 × 784 examples in 10 classes (labels from a
random linear teacher), hidden layers (256, 128) with ReLU, Adam, batch_size=256,
learning_rate_init=1e-3; the same array is given to both, once as float32 and once as
float64 (each library keeps the dtype it is given).  Every round fits a fresh
estimator of each kind for ``--epochs`` epochs (``tol=0`` and ``n_iter_no_change`` above
the epochs, so every fit runs them all), the order rotating between rounds, and
reports seconds per epoch (fit time / epochs: validation and set-up included).
A second workload times L-BFGS on a small problem (scikit-learn's digits, 1,797 × 64,
hidden (32,), 200 iterations at most) as seconds per iteration.

    python benchmarks/mlp_estimator.py            # the reference workload, 3 rounds
    python benchmarks/mlp_estimator.py --quick    # a tiny run (tests/test_benchmarks.py)

Targets: nndl / scikit-learn ≤ 0.8 per epoch for float32 and float64; L-BFGS ≤ 1.5.
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings
from typing import Any

import numpy as np
from machine import describe  # benchmarks/machine.py, beside this script
from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLP

import nndl

HIDDEN = (256, 128)


def make_data(m: int, n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Sample-major X (m, n) float32 and labels (m,) from a random linear teacher."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, n), dtype=np.float32)
    teacher = rng.standard_normal((n, 10)).astype(np.float32)
    return X, np.argmax(X @ teacher, axis=1)


def timed_fit(cls: Any, X: Any, y: Any, **options: Any) -> tuple[float, int]:
    """Seconds of one ``fit`` and the iterations it ran."""
    estimator = cls(**options)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        estimator.fit(X, y)
        seconds = time.perf_counter() - start
    return seconds, int(estimator.n_iter_)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--m", type=int, default=60_000, help="training examples")
    parser.add_argument("--n", type=int, default=784, help="features")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=3, help="alternating rounds")
    parser.add_argument("--quick", action="store_true", help="a tiny workload (for the tests)")
    args = parser.parse_args()
    if args.quick:
        args.m, args.n, args.epochs, args.rounds = 600, 64, 1, 1
    print(describe())
    X32, y = make_data(args.m, args.n)
    X64 = X32.astype(np.float64)
    options = dict(
        hidden_layer_sizes=HIDDEN,
        solver="adam",
        batch_size=256,
        learning_rate_init=1e-3,
        max_iter=args.epochs,
        tol=0.0,
        n_iter_no_change=args.epochs + 1,
        random_state=0,
    )
    # load what each library loads once per process (Numba's kernels, BLAS threads)
    for cls in (nndl.MLPClassifier, SkMLP):
        for X in (X32, X64):
            timed_fit(cls, X[:512], y[:512], **{**options, "max_iter": 1})
    print(
        f"workload: {args.m} x {args.n}, hidden {HIDDEN} relu, adam, batch 256, "
        f"{args.epochs} epochs per fit, {args.rounds} rounds"
    )
    kinds = [
        (f"{lib} {dtype}", cls, X)
        for dtype, X in (("float32", X32), ("float64", X64))
        for lib, cls in (("nndl", nndl.MLPClassifier), ("sklearn", SkMLP))
    ]
    per_epoch: dict[str, list[float]] = {name: [] for name, _, _ in kinds}
    for r in range(args.rounds):
        shift = r % len(kinds)
        for name, cls, X in kinds[shift:] + kinds[:shift]:
            seconds, epochs = timed_fit(cls, X, y, **options)
            per_epoch[name].append(seconds / epochs)
            print(f"round {r + 1} {name}: {seconds / epochs:.3f} s/epoch")
    for dtype in ("float32", "float64"):
        ours = statistics.median(per_epoch[f"nndl {dtype}"])
        theirs = statistics.median(per_epoch[f"sklearn {dtype}"])
        print(
            f"{dtype}: nndl {ours:.3f} s/epoch, sklearn {theirs:.3f} s/epoch, "
            f"nndl / sklearn: {ours / theirs:.2f} (target <= 0.8)"
        )

    Xd, yd = load_digits(return_X_y=True)
    Xd = Xd / 16.0
    lbfgs = dict(hidden_layer_sizes=(32,), solver="lbfgs", max_iter=20 if args.quick else 200)
    per_iteration: dict[str, list[float]] = {"nndl": [], "sklearn": []}
    for r in range(args.rounds):
        for lib, cls in (("nndl", nndl.MLPClassifier), ("sklearn", SkMLP))[:: 1 - 2 * (r % 2)]:
            seconds, iterations = timed_fit(cls, Xd, yd, random_state=r, **lbfgs)
            per_iteration[lib].append(seconds / max(iterations, 1))
    ours = statistics.median(per_iteration["nndl"])
    theirs = statistics.median(per_iteration["sklearn"])
    print(
        f"lbfgs (digits 1797 x 64, hidden (32,)): nndl {ours * 1e3:.2f} ms/iteration, sklearn "
        f"{theirs * 1e3:.2f} ms/iteration, nndl / sklearn: {ours / theirs:.2f} (target <= 1.5)"
    )


if __name__ == "__main__":
    main()
