"""Course-style logistic regression: nndl's gradient descent and L-BFGS against scikit-learn.

The course's cat classifier has n_x = 12,288 features (64 × 64 × 3 pixels) and
m = 209 training images, trained by 2,000 iterations of batch gradient descent
with learning rate 0.005.  This benchmark uses synthetic data of that shape
(pixels in [0, 1], labels from a linear teacher of 200 pixels, with noise, 50 test
images), and times, alternating in one process:

* nndl, 2,000 iterations of gradient descent (the course's algorithm);
* nndl, full-batch L-BFGS with L2 λ = 1;
* scikit-learn's ``LogisticRegression`` (lbfgs, C = 1, the same objective:
  (1/m) Σ L + (1 / 2Cm) ||w||²) with the same tolerance.

Target: nndl's L-BFGS fit in <= 1.5 × scikit-learn's time with the same accuracy.

    python benchmarks/logreg.py [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import time
import warnings

import numpy as np
from machine import describe  # benchmarks/machine.py, beside this script

import nndl
from nndl.training import optimizers as optim

N_X, M_TRAIN, M_TEST = 12_288, 209, 50


def make_data(seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """X (n_x, m) in [0, 1] float64 and labels (1, m), train and test."""
    rng = np.random.default_rng(seed)
    m = M_TRAIN + M_TEST
    X = rng.uniform(0.0, 1.0, size=(N_X, m))
    teacher = np.zeros(N_X)
    teacher[rng.choice(N_X, size=200, replace=False)] = rng.normal(size=200)  # 200 pixels matter
    score = teacher @ (X - 0.5) / np.sqrt(200 / 12) + 0.3 * rng.normal(size=m)
    y = (score > 0).astype(np.int64).reshape(1, -1)
    return X[:, :M_TRAIN], y[:, :M_TRAIN], X[:, M_TRAIN:], y[:, M_TRAIN:]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--iterations", type=int, default=2000)
    parser.add_argument("--tol", type=float, default=1e-4, help="gradient tolerance of both")
    args = parser.parse_args()
    from sklearn.linear_model import LogisticRegression

    X, y, X_test, y_test = make_data()
    times: dict[str, list[float]] = {"nndl gd": [], "nndl lbfgs": [], "sklearn lbfgs": []}
    acc: dict[str, tuple[float, float]] = {}
    iterations: dict[str, int] = {}
    for r in range(args.repeats):
        for name in (
            ["nndl lbfgs", "sklearn lbfgs"] if r % 2 == 0 else ["sklearn lbfgs", "nndl lbfgs"]
        ):
            if name == "nndl lbfgs":
                net = nndl.logistic_regression(N_X, dtype="float64")
                start = time.perf_counter()
                history = net.fit(
                    X,
                    y,
                    epochs=1000,
                    optimizer=optim.LBFGS(gtol=args.tol, ftol=64 * np.finfo(float).eps),
                    l2=1.0,
                )
                times[name].append(time.perf_counter() - start)
                acc[name] = (net.accuracy(X, y), net.accuracy(X_test, y_test))
                iterations[name] = len(history)
            else:
                clf = LogisticRegression(C=1.0, solver="lbfgs", tol=args.tol, max_iter=1000)
                start = time.perf_counter()
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    clf.fit(X.T, y.ravel())
                times[name].append(time.perf_counter() - start)
                acc[name] = (clf.score(X.T, y.ravel()), clf.score(X_test.T, y_test.ravel()))
                iterations[name] = int(clf.n_iter_[0])
        if r < 2:  # the course's algorithm: slower, so fewer repeats
            net = nndl.logistic_regression(N_X, dtype="float64")
            start = time.perf_counter()
            net.fit(X, y, learning_rate=0.005, epochs=args.iterations)
            times["nndl gd"].append(time.perf_counter() - start)
            acc["nndl gd"] = (net.accuracy(X, y), net.accuracy(X_test, y_test))
            iterations["nndl gd"] = args.iterations

    print(describe())
    print(f"data: n_x={N_X}, m={M_TRAIN} train, {M_TEST} test, float64")
    print(
        f"{'fit':15s} {'median time':>12s} {'iterations':>11s} {'train acc':>10s} {'test acc':>9s}"
    )
    for name, t in times.items():
        train_acc, test_acc = acc[name]
        print(
            f"{name:15s} {statistics.median(t):11.3f}s {iterations[name]:11d} "
            f"{train_acc:10.3f} {test_acc:9.3f}"
        )
    ratio = statistics.median(times["nndl lbfgs"]) / statistics.median(times["sklearn lbfgs"])
    same = acc["nndl lbfgs"] == acc["sklearn lbfgs"]
    verdict = "met" if ratio <= 1.5 and same else "NOT met"
    print(
        f"nndl L-BFGS / scikit-learn: {ratio:.2f}, same accuracy: {same} "
        f"(target <= 1.5 with the same accuracy: {verdict})"
    )


if __name__ == "__main__":
    main()
