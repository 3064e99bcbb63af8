"""Recurrent layers on the CPU: one epoch of training, nndl's GRU and LSTM against PyTorch's.

A many-to-one classifier, ``GRU(128)`` or ``LSTM(128)`` then ``Dense(1, sigmoid)``, trained for
one epoch with Adam on 10,000 sequences of T = 40 steps of 16 features (float32), in
mini-batches of 100, in order.  nndl is ``Sequential.fit`` (the generic engine: the layers'
forward and backward passes through time, one stacked GEMM per step); PyTorch is ``nn.GRU`` /
``nn.LSTM`` (its fused CPU kernels), ``nn.Linear`` and ``BCEWithLogitsLoss`` in an eager loop.
The libraries alternate in one process, each round timing one epoch of each; the script prints
the medians and the ratio nndl ÷ PyTorch (below 1: nndl is faster).  Every library gets
``--threads`` threads (1 by default, NumPy's BLAS and PyTorch alike, as ``conv_cpu.py``): on a
busy machine a threaded BLAS waits for cores, and one 512 × 144 by 144 × 100 product took 30 ms
on two threads against 0.6 ms on one, which swamps the comparison.

    python benchmarks/rnn_cpu.py [--rounds 3] [--threads 1]   # the workload above
    python benchmarks/rnn_cpu.py --small                      # a quick run (m 200, T 5, 8 units)
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time

import numpy as np
from machine import describe  # benchmarks/machine.py, beside this script

from nndl.layers import GRU, LSTM, Dense, Sequential


def _data(m: int, T: int, n_x: int) -> tuple[np.ndarray, np.ndarray]:
    """Sequences ``(m, T, n_x)`` and labels ``(1, m)``: is the first feature's sum positive."""
    rng = np.random.default_rng(0)
    X = rng.standard_normal((m, T, n_x)).astype(np.float32)
    Y = (X[:, :, 0].sum(axis=1) > 0).astype(np.float32).reshape(1, m)
    return X, Y


def _limit_threads(threads: int) -> None:
    """``threads`` BLAS threads for NumPy and for PyTorch (when imported)."""
    import threadpoolctl

    threadpoolctl.threadpool_limits(limits=threads, user_api="blas")
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


def _nndl_epoch(kind: str, X: np.ndarray, Y: np.ndarray, units: int, batch: int) -> float:
    cell = GRU(units) if kind == "GRU" else LSTM(units)
    model = Sequential([cell, Dense(1, "sigmoid")], input_shape=X.shape[1:], seed=0)
    start = time.perf_counter()
    model.fit(X, Y, 1e-3, 1, optimizer="adam", batch_size=batch, shuffle=False)
    return time.perf_counter() - start


def _torch_epoch(kind: str, X: np.ndarray, Y: np.ndarray, units: int, batch: int) -> float:
    import torch

    torch.manual_seed(0)
    rnn = (torch.nn.GRU if kind == "GRU" else torch.nn.LSTM)(X.shape[2], units, batch_first=True)
    head = torch.nn.Linear(units, 1)
    params = [*rnn.parameters(), *head.parameters()]
    optimizer = torch.optim.Adam(params, lr=1e-3)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    x_all, y_all = torch.from_numpy(X), torch.from_numpy(Y.T.copy())
    start = time.perf_counter()
    for i in range(0, X.shape[0], batch):
        optimizer.zero_grad()
        _, h = rnn(x_all[i : i + batch])
        last = h[0] if kind == "LSTM" else h  # LSTM returns (h, c)
        loss = loss_fn(head(last[0]), y_all[i : i + batch])
        loss.backward()
        optimizer.step()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--small", action="store_true", help="m 200, T 5, 8 units, batch 50")
    parser.add_argument("--m", type=int, default=10_000)
    parser.add_argument("--T", type=int, default=40)
    parser.add_argument("--n-x", type=int, default=16)
    parser.add_argument("--units", type=int, default=128)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1, help="threads for every library")
    args = parser.parse_args()
    if args.small:
        args.m, args.T, args.units, args.batch, args.rounds = 200, 5, 8, 50, 1
    import torch

    _limit_threads(args.threads)
    X, Y = _data(args.m, args.T, args.n_x)
    print(describe() + f", torch {torch.__version__} ({torch.get_num_threads()} threads)")
    print(
        f"m={args.m} T={args.T} n_x={args.n_x} units={args.units} batch={args.batch}, "
        f"one epoch of Adam, {args.rounds} rounds"
    )
    print(f"{'cell':<6} {'nndl':>9} {'PyTorch':>9} {'nndl/PyTorch':>13}")
    for kind in ("GRU", "LSTM"):
        ours: list[float] = []
        theirs: list[float] = []
        for _ in range(args.rounds):  # alternate, so a slow minute hits both
            ours.append(_nndl_epoch(kind, X, Y, args.units, args.batch))
            theirs.append(_torch_epoch(kind, X, Y, args.units, args.batch))
        a, b = statistics.median(ours), statistics.median(theirs)
        print(f"{kind:<6} {a:8.3f}s {b:8.3f}s {a / b:13.2f}")


if __name__ == "__main__":
    main()
