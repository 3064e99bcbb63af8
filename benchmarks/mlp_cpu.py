"""CPU speed of mini-batch MLP training: nndl against scikit-learn and PyTorch.

The reference workload: synthetic, learnable data of 60,000 × 784 float32
examples in 10 classes (labels from a random linear teacher), an MLP
784-256-128-10 with ReLU, softmax cross-entropy, mini-batches of 256, Adam with
learning rate 1e-3, 3 epochs.  The three libraries run alternately in one
process: every round trains a fresh network with each of them (the order
rotating between rounds), so drifts of the machine's speed hit all three alike.
Reported: the median epoch time of each, the ratios, and nndl's GEMM share (the
time the same matrix products take alone, per epoch, divided by nndl's epoch
time; each nndl epoch is followed by one epoch of its products alone, so the two
are timed under the same conditions, and the share is the median of those
pairs).

    python benchmarks/mlp_cpu.py                  # the reference workload
    python benchmarks/mlp_cpu.py --m 6000 --rounds 1   # a quick look

Targets: nndl's epoch time <= 0.8 × the faster of the two peers; GEMM share >= 0.70.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import warnings
from collections.abc import Callable

import numpy as np
from machine import describe  # benchmarks/machine.py, beside this script

import nndl
import nndl.arrays.fused

DIMS = [784, 256, 128, 10]


def make_data(m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Sample-major X (m, 784) float32 and labels (m,) from a random linear teacher."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, DIMS[0]), dtype=np.float32)
    teacher = rng.standard_normal((DIMS[0], DIMS[-1])).astype(np.float32)
    y = np.argmax(X @ teacher, axis=1).astype(np.int64)
    return X, y


def run_nndl(
    X: np.ndarray, y: np.ndarray, args: argparse.Namespace, gemm: list[float] | None = None
) -> tuple[list[float], float]:
    """nndl's epoch times; with ``gemm``, each epoch is followed by one epoch of its matrix
    products alone (outside the timed epochs), appended to ``gemm``."""
    net = nndl.Network(DIMS, activations="relu", init="he", seed=args.seed, dtype="float32")
    times: list[float] = []
    start = [0.0]

    def begin(trainer: object) -> None:
        start[0] = time.perf_counter()

    def end(trainer: object, epoch: int, logs: object) -> None:
        times.append(time.perf_counter() - start[0])
        if gemm is not None:
            gemm.append(gemm_epoch_time(X.shape[0], args.batch_size, reps=1))
        start[0] = time.perf_counter()

    cb = nndl.training.callbacks.LambdaCallback(on_train_begin=begin, on_epoch_end=end)
    net.fit(
        X.T,  # (n_x, m) as a view: nndl's engine gathers rows of the sample-major data
        y.reshape(1, -1),
        learning_rate=args.lr,
        epochs=args.epochs,
        optimizer="adam",
        batch_size=args.batch_size,
        callbacks=[cb],
        seed=args.seed,
    )
    accuracy = float(np.mean(net.predict(X.T)[0] == y))
    return times, accuracy


def run_nndl_passes(
    X: np.ndarray, y: np.ndarray, args: argparse.Namespace
) -> tuple[list[float], float]:
    """nndl without its compiled kernels: the NumPy passes alone (``NNDL_FUSED=0``)."""
    before = os.environ.get("NNDL_FUSED")
    os.environ["NNDL_FUSED"] = "0"
    try:
        return run_nndl(X, y, args)
    finally:
        if before is None:
            del os.environ["NNDL_FUSED"]
        else:
            os.environ["NNDL_FUSED"] = before


def run_sklearn(
    X: np.ndarray, y: np.ndarray, args: argparse.Namespace
) -> tuple[list[float], float]:
    from sklearn.neural_network import MLPClassifier

    clf = MLPClassifier(
        hidden_layer_sizes=tuple(DIMS[1:-1]),
        activation="relu",
        solver="adam",
        alpha=0.0,
        batch_size=args.batch_size,
        learning_rate_init=args.lr,
        shuffle=True,
        random_state=args.seed,
    )
    classes = np.arange(DIMS[-1])
    times = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for _ in range(args.epochs):
            start = time.perf_counter()
            clf.partial_fit(X, y, classes=classes)  # one epoch of mini-batch Adam
            times.append(time.perf_counter() - start)
    return times, float(clf.score(X, y))


def run_torch(X: np.ndarray, y: np.ndarray, args: argparse.Namespace) -> tuple[list[float], float]:
    import torch

    torch.manual_seed(args.seed)
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    layers: list[torch.nn.Module] = []
    for i in range(len(DIMS) - 1):
        layers.append(torch.nn.Linear(DIMS[i], DIMS[i + 1]))
        if i < len(DIMS) - 2:
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    loss_fn = torch.nn.CrossEntropyLoss()
    m, B = X.shape[0], args.batch_size
    times = []
    for _ in range(args.epochs):
        start = time.perf_counter()
        order = torch.randperm(m)
        for s in range(0, m, B):
            idx = order[s : s + B]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
        times.append(time.perf_counter() - start)
    with torch.no_grad():
        accuracy = float((model(Xt).argmax(1) == yt).float().mean())
    return times, accuracy


def gemm_epoch_time(m: int, B: int, reps: int = 3) -> float:
    """Median time of one epoch's matrix products alone, in nndl's shapes and layouts."""
    rng = np.random.default_rng(1)
    W = [rng.standard_normal((DIMS[i + 1], DIMS[i]), dtype=np.float32) for i in range(3)]
    dW = [np.empty_like(w) for w in W]
    sizes = [B] * (m // B) + ([m % B] if m % B else [])
    bufs = {}
    for b in set(sizes):
        Xb = rng.standard_normal((b, DIMS[0]), dtype=np.float32)
        Z = [np.empty((n, b), np.float32) for n in DIMS[1:]]
        dA = [np.empty((n, b), np.float32) for n in DIMS[1:-1]]
        bufs[b] = (Xb, Z, dA)
    results = []
    for _ in range(reps):
        start = time.perf_counter()
        for b in sizes:
            Xb, Z, dA = bufs[b]
            np.matmul(W[0], Xb.T, out=Z[0])
            np.matmul(W[1], Z[0], out=Z[1])
            np.matmul(W[2], Z[1], out=Z[2])
            np.matmul(Z[2], Z[1].T, out=dW[2])
            np.matmul(W[2].T, Z[2], out=dA[1])
            np.matmul(dA[1], Z[0].T, out=dW[1])
            np.matmul(W[1].T, dA[1], out=dA[0])
            np.matmul(dA[0], Xb, out=dW[0])
        results.append(time.perf_counter() - start)
    return statistics.median(results)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--m", type=int, default=60_000, help="training examples")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--pause", type=float, default=2.0, help="seconds between libraries")
    parser.add_argument(
        "--only",
        default="nndl,nndl-passes,sklearn,torch",
        help="comma-separated subset; nndl-passes is nndl with NNDL_FUSED=0 (NumPy passes only)",
    )
    args = parser.parse_args()

    X, y = make_data(args.m, args.seed)
    runners: dict[str, Callable[..., tuple[list[float], float]]] = {
        "nndl": run_nndl,
        "nndl-passes": run_nndl_passes,
        "sklearn": run_sklearn,
        "torch": run_torch,
    }
    names = [n for n in args.only.split(",") if n in runners]
    for name in list(names):
        try:
            __import__({"sklearn": "sklearn", "torch": "torch"}.get(name, "nndl"))
        except ImportError:
            print(f"{name}: not installed, skipped")
            names.remove(name)
    epoch_times: dict[str, list[float]] = {n: [] for n in names}
    accuracy: dict[str, float] = {}
    gemm_times: list[float] = []
    shares: list[float] = []  # per epoch: its products alone / the epoch
    for r in range(args.rounds):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            time.sleep(args.pause)  # let the previous library's idle worker threads stop spinning
            gemm = [] if name == "nndl" else None
            times, acc = (
                run_nndl(X, y, args, gemm) if gemm is not None else runners[name](X, y, args)
            )
            epoch_times[name].extend(times)
            accuracy[name] = acc
            line = f"round {r + 1} {name:11s} epochs " + " ".join(f"{t:.3f}s" for t in times)
            if gemm is not None:  # each epoch's products alone, right after it
                gemm_times.extend(gemm)
                shares.extend(g / t for g, t in zip(gemm, times, strict=True))
                line += "   (products alone: " + " ".join(f"{g:.3f}s" for g in gemm) + ")"
            print(line)

    import threadpoolctl

    blas = [
        f"{i['internal_api']} {i.get('version')} ({i['num_threads']} threads)"
        for i in threadpoolctl.threadpool_info()
        if i.get("user_api") == "blas"
    ]
    print()
    print(describe())
    print(f"numpy {np.__version__}, BLAS: {'; '.join(blas)}")
    print(
        f"workload: m={args.m} x {DIMS[0]} float32, MLP {'-'.join(map(str, DIMS))} ReLU, "
        f"batch {args.batch_size}, Adam lr {args.lr:g}, {args.epochs} epochs x {args.rounds} "
        "rounds"
    )
    print(f"{'library':12s} {'median epoch':>13s} {'train acc':>10s}")
    medians = {n: statistics.median(t) for n, t in epoch_times.items()}
    for n in names:
        print(f"{n:12s} {medians[n]:12.3f}s {accuracy[n]:10.4f}")
    if "nndl" in medians:
        if "nndl-passes" in medians:
            print(f"nndl / nndl-passes: {medians['nndl'] / medians['nndl-passes']:.2f}")
        peers = {n: t for n, t in medians.items() if not n.startswith("nndl")}
        for n, t in peers.items():
            print(f"nndl / {n}: {medians['nndl'] / t:.2f}")
        if peers:
            fastest = min(peers.values())
            ratio = medians["nndl"] / fastest
            verdict = "met" if ratio <= 0.8 else "NOT met"
            print(f"nndl / faster peer: {ratio:.2f} (target <= 0.80: {verdict})")
        gemm = statistics.median(gemm_times)
        share = statistics.median(shares)
        verdict = "met" if share >= 0.70 else "NOT met"
        print(
            f"GEMM alone per epoch: {gemm:.3f}s; GEMM share {share:.2f}, the median of each "
            f"epoch's (target >= 0.70: {verdict})"
        )
    fused = "compiled kernels (Numba)" if nndl.arrays.fused.available() else "NumPy passes"
    print(f"nndl's elementwise work: {fused}; NNDL_FUSED=0 forces NumPy passes")


if __name__ == "__main__":
    main()
