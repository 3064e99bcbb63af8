"""The scikit-learn drop-in on a busy CPU: ``nndl.MLPClassifier.fit`` beside scikit-learn's
while background processes spin every core, with BLAS's default threads and with one.

Small networks are where a busy machine hurts: OpenBLAS sends a small product such as
(100 × 30) @ (30 × 200) to its threads, which then wait for cores held by other work.
Workload: scikit-learn's ``breast_cancer`` (569 × 30, standardized), default parameters
(hidden (100,), ReLU, Adam, batch 200), ``max_iter`` epochs, ``tol=0`` so every fit runs
them all.  One spinning process per core runs for the whole measurement; each round fits
nndl and scikit-learn once (the order alternating), under BLAS's default thread count and
under ``threadpool_limits(1)``; medians of the rounds.

    python benchmarks/mlp_busy.py            # 5 rounds of 50 epochs under load
    python benchmarks/mlp_busy.py --quick    # a tiny run (tests/test_benchmarks.py)

Target: nndl / scikit-learn ≤ 0.8 with the default threads and with one thread.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import time
import warnings
from typing import Any

import numpy as np
from machine import describe  # benchmarks/machine.py, beside this script
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLP
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_info, threadpool_limits

import nndl


def spin(stop: Any) -> None:
    """Keep one core busy until ``stop`` is set."""
    x = 0
    while not stop.is_set():
        for _ in range(100_000):
            x += 1


def timed_fit(cls: Any, X: np.ndarray, y: np.ndarray, epochs: int) -> float:
    estimator = cls(max_iter=epochs, tol=0.0, n_iter_no_change=epochs + 1, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        estimator.fit(X, y)
        return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--epochs", type=int, default=50)
    parser.add_argument("--spinners", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--quick", action="store_true", help="1 round of 2 epochs")
    args = parser.parse_args()
    if args.quick:
        args.rounds, args.epochs = 1, 2
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    blas = [
        (i["internal_api"], i["num_threads"]) for i in threadpool_info() if i["user_api"] == "blas"
    ]
    print(describe(), f"| BLAS {blas} | {args.spinners} spinning processes")
    stop = multiprocessing.Event()
    spinners = [multiprocessing.Process(target=spin, args=(stop,)) for _ in range(args.spinners)]
    for p in spinners:
        p.start()
    try:
        time.sleep(0.5)  # the spinners are running
        for threads in ("default", 1):
            times: dict[str, list[float]] = {"nndl": [], "sklearn": []}
            for r in range(args.rounds):
                order = [("nndl", nndl.MLPClassifier), ("sklearn", SkMLP)]
                for name, cls in order if r % 2 == 0 else order[::-1]:
                    if threads == "default":
                        seconds = timed_fit(cls, X, y, args.epochs)
                    else:
                        with threadpool_limits(limits=1, user_api="blas"):
                            seconds = timed_fit(cls, X, y, args.epochs)
                    times[name].append(seconds)
                    print(f"threads={threads} round {r + 1} {name} {seconds:.3f} s")
            ours, theirs = statistics.median(times["nndl"]), statistics.median(times["sklearn"])
            print(
                f"threads={threads}: nndl {ours:.3f} s, scikit-learn {theirs:.3f} s, "
                f"nndl / scikit-learn: {ours / theirs:.2f} (target <= 0.8)"
            )
    finally:
        stop.set()
        for p in spinners:
            p.join()


if __name__ == "__main__":
    main()
