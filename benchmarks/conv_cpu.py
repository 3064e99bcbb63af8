"""Convolutional networks on the CPU: nndl against PyTorch eager, per layer and whole model.

**The model.** 60,000 random pictures 28 × 28 × 1 (float32, labels in 10 classes), a small
CNN: conv 3×3×16 → ReLU → max-pool 2 → conv 3×3×32 → ReLU → max-pool 2 → dense 10
softmax, Adam (learning rate 1e-3), mini-batches of 128.  nndl trains it with
``Sequential.fit``; PyTorch with the same architecture (``nn.Conv2d``, ``nn.MaxPool2d``,
``nn.Linear``, cross-entropy, ``torch.optim.Adam``, a shuffled order each epoch).  Each
library runs in a fresh subprocess, alternately (the order rotating between rounds), so
a slow minute hits both and each one's peak memory is its own (``ru_maxrss``).  Reported:
the median seconds per epoch, the ratio nndl ÷ PyTorch (and the same for the CPU seconds
each process spent in its epoch, which a busy shared machine disturbs less), each one's
peak resident memory (and its growth over the memory held once the data is made), and
the GEMM share of nndl's epoch: after each epoch, the same matrix products alone (shapes
and layouts as nndl's), for the same mini-batches, divided by that epoch's time (the
median of those ratios).

**Per layer.** One training step's forward and backward pass of each layer on a batch
of the cat assignment's pictures (64 × 64 × 3), medians and the ratio.  nndl works in the
convolutional course's layout ``(m, n_H, n_W, n_C)``; PyTorch in its own
``(m, n_C, n_H, n_W)``, so neither pays for a transpose.

Every library gets ``--threads`` threads (1 by default: NumPy's BLAS and PyTorch alike).

    python benchmarks/conv_cpu.py [--m 60000] [--epochs 1] [--rounds 3] [--batch 32]

Target: nndl's epoch ≤ 1.0 × PyTorch's.
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from machine import describe  # benchmarks/machine.py, beside this script

from nndl.layers import AvgPool2D, BatchNorm, Conv2D, Dense, Flatten, MaxPool2D, Sequential

CASES = {
    "conv 3×3, 3 → 16, pad same": (Conv2D(16, 3, pad="same"), (64, 64, 3)),
    "conv 5×5, 16 → 32, stride 2": (Conv2D(32, 5, stride=2), (32, 32, 16)),
    "max pool 2×2": (MaxPool2D(2), (64, 64, 16)),
    "avg pool 2×2": (AvgPool2D(2), (64, 64, 16)),
    "batch norm": (BatchNorm(), (32, 32, 32)),
}
BATCH = 128
LEARNING_RATE = 1e-3


def _median_seconds(step: Callable[[], object], repeats: int) -> float:
    step()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _limit_threads(threads: int) -> None:
    """``threads`` BLAS threads for NumPy and for PyTorch (when imported)."""
    import threadpoolctl

    threadpoolctl.threadpool_limits(limits=threads, user_api="blas")
    if "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(threads)


def _status_mb(field: str) -> float | None:
    """A memory figure of /proc/self/status (Linux) in MB: VmRSS now, VmHWM the peak."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def _start_peak() -> float:
    """Reset the peak resident memory where Linux allows it (``clear_refs``); return the
    memory resident now, in MB."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        pass
    return _status_mb("VmRSS") or _peak_mb()


def _peak_mb() -> float:
    """The peak resident memory since :func:`_start_peak` (else since the start), in MB."""
    hwm = _status_mb("VmHWM")
    return hwm if hwm is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_data(m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Pictures X ``(m, 28, 28, 1)`` float32 in [0, 1) and labels ``(m,)`` in 0 … 9."""
    rng = np.random.default_rng(seed)
    return rng.random((m, 28, 28, 1), dtype=np.float32), rng.integers(0, 10, m)


def nndl_model(seed: int) -> Sequential:
    return Sequential(
        [
            Conv2D(16, 3, activation="relu"),
            MaxPool2D(2),
            Conv2D(32, 3, activation="relu"),
            MaxPool2D(2),
            Flatten(),
            Dense(10, activation="softmax"),
        ],
        input_shape=(28, 28, 1),
        seed=seed,
    )


def gemm_epoch_time(m: int) -> float:
    """One epoch's matrix products alone, in nndl's shapes and layouts: per mini-batch of
    b pictures, for each convolution ``Z = cols · W``, ``dW = colsᵀ · dZ``, ``db = 1ᵀ dZ``,
    the second layer's ``dcols = dZ · Wᵀ`` (the first layer has no ``dA_prev`` to compute),
    and the dense layer's three.  (Without Numba nndl computes dcols by window offset
    instead, nine products of ``(P, 32)·(32, 16)``.)"""
    rng = np.random.default_rng(1)
    sizes = [BATCH] * (m // BATCH) + ([m % BATCH] if m % BATCH else [])
    W1, W2 = rng.random((9, 16), dtype=np.float32), rng.random((144, 32), dtype=np.float32)
    W3 = rng.random((10, 800), dtype=np.float32)
    operands = {}
    for b in set(sizes):
        P1, P2 = b * 26 * 26, b * 11 * 11
        operands[b] = (
            rng.random((9, P1), dtype=np.float32).T,  # the first layer's cols: a transposed view
            rng.random((P1, 16), dtype=np.float32),
            rng.random((P2, 144), dtype=np.float32),
            rng.random((P2, 32), dtype=np.float32),
            rng.random((800, b), dtype=np.float32),
            rng.random((10, b), dtype=np.float32),
        )
    start = time.perf_counter()
    for b in sizes:
        cols1, dZ1, cols2, dZ2, A4, dZ3 = operands[b]
        _ = cols1 @ W1, cols1.T @ dZ1, np.ones((1, len(dZ1)), np.float32) @ dZ1
        _ = cols2 @ W2, cols2.T @ dZ2, np.ones((1, len(dZ2)), np.float32) @ dZ2
        _ = dZ2 @ W2.T
        _ = W3 @ A4, dZ3 @ A4.T, W3.T @ dZ3
    return time.perf_counter() - start


def child_nndl(args: argparse.Namespace) -> dict[str, Any]:
    import nndl

    _limit_threads(args.threads)
    X, y = make_data(args.m, args.seed)
    Y = np.zeros((10, args.m), dtype=np.float32)
    Y[y, np.arange(args.m)] = 1.0
    after_data = _start_peak()
    model = nndl_model(args.seed)
    times: list[float] = []
    cpu: list[float] = []
    gemm: list[float] = []
    peak = [0.0]
    start = [0.0, 0.0]

    def begin(trainer: object) -> None:
        start[:] = time.perf_counter(), time.process_time()

    def end(trainer: object, epoch: int, logs: object) -> None:
        times.append(time.perf_counter() - start[0])
        cpu.append(time.process_time() - start[1])
        peak[0] = _peak_mb()  # before the products alone
        gemm.append(gemm_epoch_time(args.m))
        start[:] = time.perf_counter(), time.process_time()

    callback = nndl.training.callbacks.LambdaCallback(on_train_begin=begin, on_epoch_end=end)
    history = model.fit(
        X,
        Y,
        learning_rate=LEARNING_RATE,
        epochs=args.epochs,
        optimizer="adam",
        batch_size=BATCH,
        callbacks=[callback],
        seed=args.seed,
    )
    cost = float(history[-1])
    result = {"times": times, "cpu": cpu, "gemm": gemm, "peak": peak[0], "data": after_data}
    return {**result, "cost": cost}


def child_torch(args: argparse.Namespace) -> dict[str, Any]:
    import torch

    _limit_threads(args.threads)
    X, y = make_data(args.m, args.seed)
    Xt = torch.from_numpy(np.ascontiguousarray(X.transpose(0, 3, 1, 2)))  # (m, 1, 28, 28)
    yt = torch.from_numpy(y)
    del X
    after_data = _start_peak()
    torch.manual_seed(args.seed)
    nn = torch.nn
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(800, 10),
    )
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    loss_fn = nn.CrossEntropyLoss()
    times, cpu = [], []
    for _ in range(args.epochs):
        start, start_cpu = time.perf_counter(), time.process_time()
        order = torch.randperm(args.m)
        total = 0.0
        for s in range(0, args.m, BATCH):
            idx = order[s : s + BATCH]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += float(loss) * len(idx)  # the epoch's cost, as nndl records it
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    result = {"times": times, "cpu": cpu, "peak": _peak_mb(), "data": after_data}
    return {**result, "cost": total / args.m}


def run_child(name: str, args: argparse.Namespace) -> dict[str, Any]:
    """One library's epochs in a fresh process (so its peak memory is its own)."""
    command = [sys.executable, __file__, "--child", name, "--m", str(args.m)]
    command += ["--epochs", str(args.epochs), "--threads", str(args.threads)]
    command += ["--seed", str(args.seed)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"the {name} run failed:\n{done.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def whole_model(args: argparse.Namespace) -> None:
    names = ["nndl", "torch"]
    runs: dict[str, list[dict[str, Any]]] = {n: [] for n in names}
    for r in range(args.rounds):
        for name in names[r % 2 :] + names[: r % 2]:
            result = run_child(name, args)
            runs[name].append(result)
            line = f"round {r + 1} {name:5s} epochs " + " ".join(
                f"{t:.2f}s" for t in result["times"]
            )
            line += " (CPU " + " ".join(f"{t:.2f}s" for t in result["cpu"]) + ")"
            if "gemm" in result:
                line += "   (products alone: " + " ".join(f"{g:.2f}s" for g in result["gemm"]) + ")"
            print(line + f"   peak {result['peak']:.0f} MB, cost {result['cost']:.4f}", flush=True)
    epoch = {n: statistics.median(t for run in runs[n] for t in run["times"]) for n in names}
    cpu = {n: statistics.median(t for run in runs[n] for t in run["cpu"]) for n in names}
    shares = [g / t for run in runs["nndl"] for g, t in zip(run["gemm"], run["times"], strict=True)]
    print(
        f"whole model: m={args.m} × 28 × 28 × 1 float32, conv 3×3×16 relu, max-pool 2, conv "
        f"3×3×32 relu, max-pool 2, dense 10 softmax; Adam {LEARNING_RATE:g}, batch {BATCH}; "
        f"{args.epochs} epoch(s) × {args.rounds} round(s), {args.threads} thread(s) each"
    )
    print("memory: the peak while training, and that peak less what was held before it")
    print(f"{'library':8s} {'s/epoch':>9s} {'CPU s':>9s} {'peak MB':>9s} {'training':>9s}")
    for n in names:
        peak = statistics.median(run["peak"] for run in runs[n])
        growth = statistics.median(run["peak"] - run["data"] for run in runs[n])
        print(f"{n:8s} {epoch[n]:9.2f} {cpu[n]:9.2f} {peak:9.0f} {growth:9.0f}")
    ratio = epoch["nndl"] / epoch["torch"]
    print(f"nndl / PyTorch: {ratio:.2f} (target <= 1.0: {'met' if ratio <= 1.0 else 'NOT met'})")
    print(f"nndl / PyTorch in CPU seconds: {cpu['nndl'] / cpu['torch']:.2f}")
    gemm = statistics.median(g for run in runs["nndl"] for g in run["gemm"])
    share = statistics.median(shares)
    print(f"GEMM alone per epoch: {gemm:.2f}s; GEMM share of nndl's epoch {share:.2f}")


def per_layer(args: argparse.Namespace) -> None:
    import torch

    _limit_threads(args.threads)
    F = torch.nn.functional
    rng = np.random.default_rng(0)
    print(f"{'layer':<30} {'nndl':>10} {'PyTorch':>10} {'ratio':>7}")
    for name, (layer, shape) in CASES.items():
        layer.build(shape, np.random.RandomState(0), "float32")
        X = rng.standard_normal((args.batch, *shape)).astype(np.float32)

        def nndl_step(layer=layer, X=X) -> object:  # type: ignore[no-untyped-def]
            A, cache = layer.forward(X, True, None)
            return layer.backward(np.ones_like(A), cache)

        x = torch.tensor(X.transpose(0, 3, 1, 2).copy(), requires_grad=True)
        params = {k: torch.tensor(v, requires_grad=True) for k, v in layer.params.items()}

        def torch_step(layer=layer, x=x, params=params) -> object:  # type: ignore[no-untyped-def]
            if isinstance(layer, Conv2D):
                w = params["W"].permute(3, 2, 0, 1)
                pad = layer.f // 2 if layer.pad == "same" else 0
                out = F.conv2d(x, w, params["b"].reshape(-1), stride=layer.stride, padding=pad)
            elif isinstance(layer, MaxPool2D):
                out = F.max_pool2d(x, layer.f, layer.stride)
            elif isinstance(layer, AvgPool2D):
                out = F.avg_pool2d(x, layer.f, layer.stride)
            else:
                g, b = params["gamma"].reshape(-1), params["beta"].reshape(-1)
                out = F.batch_norm(x, None, None, g, b, training=True, eps=layer.eps)
            out.backward(torch.ones_like(out))
            return out

        ours, theirs = [], []
        for _ in range(3):  # alternate, so a slow minute hits both
            ours.append(_median_seconds(nndl_step, args.repeats))
            theirs.append(_median_seconds(torch_step, args.repeats))
        a, b = statistics.median(ours), statistics.median(theirs)
        print(f"{name:<30} {a * 1e3:8.2f}ms {b * 1e3:8.2f}ms {a / b:7.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--m", type=int, default=60_000, help="pictures in the whole-model run")
    parser.add_argument("--epochs", type=int, default=1, help="epochs per whole-model run")
    parser.add_argument("--rounds", type=int, default=3, help="alternating whole-model runs")
    parser.add_argument("--batch", type=int, default=32, help="the per-layer table's batch")
    parser.add_argument("--repeats", type=int, default=7, help="the per-layer table's steps")
    parser.add_argument("--threads", type=int, default=1, help="threads for every library")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip", choices=["layers", "model"], help="leave out one part")
    parser.add_argument("--child", choices=["nndl", "torch"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run = child_nndl if args.child == "nndl" else child_torch
        print(json.dumps(run(args)))
        return
    import torch

    print(describe() + f", numpy {np.__version__}, torch {torch.__version__}")
    if args.skip != "layers":
        per_layer(args)
    if args.skip != "model":
        whole_model(args)


if __name__ == "__main__":
    main()
