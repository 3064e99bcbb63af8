"""Dask scaling: time per epoch of nndl's chunked training as data and workers grow.

Data: X ``(n_x, m)`` float64 drawn lazily from a seeded ``dask.array`` random
generator in chunks of ``--chunk`` examples, labels from a fixed linear rule;
network n_x-32-1 (tanh, sigmoid output).  For every number of workers and every
m, three ways to train:

    full, persisted   batch gradient descent, the chunks kept in the workers' memory
    full, streamed    batch gradient descent, the chunks recomputed every epoch
    mini-batch        streamed chunks, mini-batch gradient descent (B = 1024)

Reported: seconds per epoch (median of the epochs after the first), examples
per second, and the speed-up over one worker.

    python benchmarks/dask_scale.py                          # LocalCluster, 1 and 2 workers
    python benchmarks/dask_scale.py --workers 1 2 4 --m 1e6 4e6
    python benchmarks/dask_scale.py --address tcp://scheduler:8786   # a real cluster
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

import dask.array as da
import numpy as np
from distributed import Client, LocalCluster
from machine import describe  # benchmarks/machine.py, beside this script

import nndl
from nndl.training.dask import fit_dask


def make_data(n_x: int, m: int, chunk: int, seed: int = 0) -> tuple[Any, Any]:
    rng = da.random.default_rng(seed)
    X = rng.standard_normal((n_x, m), chunks=(n_x, chunk))
    w = np.linspace(-1.0, 1.0, n_x).reshape(1, n_x)
    Y = (da.from_array(w) @ X > 0).astype(np.float64)
    return X, Y


def epoch_seconds(client: Any, X: Any, Y: Any, mode: str, epochs: int) -> float:
    net = nndl.Network([X.shape[0], 32, 1], activations="tanh", init="xavier", seed=0)
    net = net.copy(dtype="float64")
    stamps = [time.perf_counter()]
    options: dict[str, Any] = {
        "full, persisted": {"persist": True},
        "full, streamed": {"persist": False},
        "mini-batch": {"persist": False, "batch_size": 1024, "seed": 0},
    }[mode]
    fit_dask(
        net,
        X,
        Y,
        learning_rate=0.5 if mode != "mini-batch" else 0.05,
        epochs=epochs,
        client=client,
        callback=lambda epoch, J: stamps.append(time.perf_counter()),
        **options,
    )
    per_epoch = np.diff(stamps)
    return float(statistics.median(per_epoch[1:] if len(per_epoch) > 1 else per_epoch))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--m", type=float, nargs="+", default=[2e5, 4e5, 8e5])
    parser.add_argument("--n-x", type=int, default=100)
    parser.add_argument("--chunk", type=int, default=50_000)
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--memory-limit", default="1GB", help="per worker (LocalCluster)")
    parser.add_argument("--address", help="use this scheduler instead of a LocalCluster")
    args = parser.parse_args(argv)

    print(f"{describe()}; n_x={args.n_x}, chunks of {args.chunk}")
    header = f"{'workers':>7} {'m':>10} {'MB':>7}  {'mode':<16} {'s/epoch':>8} {'ex/s':>11}"
    print(header)
    first: dict[tuple[int, str], float] = {}
    worker_counts = [0] if args.address else args.workers
    for workers in worker_counts:
        if args.address:
            client, cluster = Client(args.address), None
            workers = len(client.scheduler_info()["workers"])
        else:
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                memory_limit=args.memory_limit,
                dashboard_address=":0",
            )
            client = Client(cluster)
        try:
            for m in (int(v) for v in args.m):
                X, Y = make_data(args.n_x, m, args.chunk)
                for mode in ("full, persisted", "full, streamed", "mini-batch"):
                    seconds = epoch_seconds(client, X, Y, mode, args.epochs)
                    key = (m, mode)
                    first.setdefault(key, seconds)
                    speedup = first[key] / seconds
                    print(
                        f"{workers:>7} {m:>10,} {X.nbytes / 1e6:>7.0f}  {mode:<16} "
                        f"{seconds:>8.3f} {m / seconds:>11,.0f}  x{speedup:.2f}"
                    )
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
