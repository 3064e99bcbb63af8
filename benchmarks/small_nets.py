"""Small networks, full-batch gradient descent: nndl against the course's own loop and PyTorch.

The course's workloads, where the fixed cost of each step matters more than the FLOPs:

* the planar flower (``nndl.datasets.load_planar()``, 400 examples): ``[2, n_h, 1]``,
  tanh then sigmoid, α = 1.2, seed 2, with n_h = 4 and 50, in float64 and float32;
* the deep cat network (``load_cat(warn=False).vectors()``: X ``(12288, 209)``):
  ``[12288, 20, 7, 5, 1]``, ReLU then sigmoid, ``init="scaled"``, α = 0.0075, float64.

Each row times, alternating in one process (the order rotating between rounds), the
microseconds per iteration of: ``net.fit(X, Y, α, epochs)`` (nndl, the cost recorded every
epoch: ``nndl`` is ``engine="compiled"`` for the planar networks, the compiled loops of
:mod:`nndl.training.compiled_batch` once loaded, whose one-time load is printed;
``passes`` the full-batch NumPy passes ``engine="auto"`` takes); the course's
loop as its notebook writes it (:mod:`nndl.course.reference`:
``nn_model`` and ``L_layer_model``, the cost computed every iteration, as the notebooks
do); and PyTorch eager on the CPU (``nn.Linear`` layers, ``BCEWithLogitsLoss``, SGD), when
installed.  Reported: the median of each and the ratios nndl ÷ course and nndl ÷ PyTorch.
For the cat network it also gives the time of reading X twice from memory (the forward
``W[1] X`` and the backward ``dZ[1] Xᵀ``), the floor of any implementation's iteration.

    python benchmarks/small_nets.py [--rounds 5] [--planar-epochs 2000] [--cat-epochs 20]

Targets (nndl ÷ the course's loop): ≤ 0.33 for planar 2-4-1, ≤ 0.5 for 2-50-1 (float64
and float32), ≤ 0.6 for the cat network; ahead of PyTorch eager on every row.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from machine import describe  # benchmarks/machine.py, beside this script

import nndl
from nndl import datasets
from nndl.course import reference
from nndl.training.compiled_batch import CompiledBatchEngine
from nndl.training.optimizers import GradientDescent


@dataclass(frozen=True)
class Workload:
    name: str
    dims: list[int]
    hidden: str
    dtype: str
    learning_rate: float
    init: str
    seed: int
    target: float


WORKLOADS = [
    Workload("planar 2-4-1 tanh float64", [2, 4, 1], "tanh", "float64", 1.2, "small", 2, 0.33),
    Workload("planar 2-50-1 tanh float64", [2, 50, 1], "tanh", "float64", 1.2, "small", 2, 0.5),
    Workload("planar 2-4-1 tanh float32", [2, 4, 1], "tanh", "float32", 1.2, "small", 2, 0.33),
    Workload("planar 2-50-1 tanh float32", [2, 50, 1], "tanh", "float32", 1.2, "small", 2, 0.5),
    Workload(
        "cat 12288-20-7-5-1 relu float64",
        [12288, 20, 7, 5, 1],
        "relu",
        "float64",
        0.0075,
        "scaled",
        1,
        0.6,
    ),
]


CLOCK = {"cpu": time.thread_time, "wall": time.perf_counter}
clock = time.thread_time


def data(w: Workload) -> tuple[np.ndarray, np.ndarray]:
    """The workload's X ``(n_x, m)`` and Y ``(1, m)`` in its dtype."""
    if w.dims[0] == 2:
        X, Y = datasets.load_planar()
    else:
        X, Y, _, _ = datasets.load_cat(warn=False).vectors()
    return X.astype(w.dtype), Y.astype(w.dtype)


def network(w: Workload) -> nndl.Network:
    if w.init == "small":  # the planar assignment's randn × 0.01
        return nndl.Network(w.dims, activations=w.hidden, seed=w.seed, dtype=w.dtype)
    return nndl.Network(w.dims, activations=w.hidden, init=w.init, seed=w.seed, dtype=w.dtype)


def run_nndl(w: Workload, X: np.ndarray, Y: np.ndarray, epochs: int) -> float:
    """nndl's fastest engine for the workload: the compiled loops for the small networks
    (``engine="compiled"``), the NumPy passes with BLAS products for the cat network."""
    net = network(w)
    engine = "compiled" if compiled_ok(w) else "auto"
    start = clock()
    net.fit(X, Y, w.learning_rate, epochs, engine=engine)
    return (clock() - start) / epochs


def run_nndl_passes(w: Workload, X: np.ndarray, Y: np.ndarray, epochs: int) -> float:
    """nndl's full-batch NumPy passes (``engine="auto"``)."""
    net = network(w)
    start = clock()
    net.fit(X, Y, w.learning_rate, epochs)
    return (clock() - start) / epochs


def compiled_ok(w: Workload) -> bool:
    net = network(w)
    return not CompiledBatchEngine.eligible(net, GradientDescent(), [1.0] * net.L)


def run_course(w: Workload, X: np.ndarray, Y: np.ndarray, epochs: int) -> float:
    start = clock()
    if len(w.dims) == 3:
        reference.nn_model(X, Y, w.dims[1], epochs, w.learning_rate, w.seed, cost_every=1)
    else:
        params = {k: np.asarray(v) for k, v in network(w).params.items()}
        start = clock()
        reference.L_layer_model(X, Y, params, epochs, w.learning_rate)
    return (clock() - start) / epochs


def run_torch(w: Workload, X: np.ndarray, Y: np.ndarray, epochs: int) -> float:
    import torch

    torch.manual_seed(w.seed)
    dtype = getattr(torch, w.dtype)
    layers: list[Any] = []
    for i in range(len(w.dims) - 1):
        layers.append(torch.nn.Linear(w.dims[i], w.dims[i + 1], dtype=dtype))
        if i < len(w.dims) - 2:
            layers.append(torch.nn.Tanh() if w.hidden == "tanh" else torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    with torch.no_grad():  # nndl's initial parameters, so both take the same path
        linears = [m for m in model if isinstance(m, torch.nn.Linear)]
        for l, (lin, (W, b)) in enumerate(zip(linears, _pairs(network(w)), strict=True)):
            del l
            lin.weight.copy_(torch.from_numpy(W))
            lin.bias.copy_(torch.from_numpy(b.ravel()))
    Xt = torch.from_numpy(np.ascontiguousarray(X.T))  # PyTorch's layout: (m, n_x)
    Yt = torch.from_numpy(np.ascontiguousarray(Y.T))
    opt = torch.optim.SGD(model.parameters(), lr=w.learning_rate)
    loss_fn = torch.nn.BCEWithLogitsLoss()
    start = clock()
    for _ in range(epochs):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(Xt), Yt)
        loss.backward()
        opt.step()
        loss.item()  # the cost of every iteration, as the others record it
    return (clock() - start) / epochs


def _pairs(net: nndl.Network) -> list[tuple[np.ndarray, np.ndarray]]:
    return [
        (np.asarray(net.params[f"W{l}"]), np.asarray(net.params[f"b{l}"]))
        for l in range(1, net.L + 1)
    ]


def read_once(X: np.ndarray, repeats: int = 20) -> float:
    """Seconds to stream X through memory once (``X.sum()``), the median of ``repeats``."""
    times = []
    for _ in range(repeats):
        start = clock()
        X.sum()
        times.append(clock() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="alternating rounds")
    parser.add_argument("--planar-epochs", type=int, default=2000)
    parser.add_argument(
        "--cat-epochs",
        type=int,
        default=100,
        help="epochs of the cat network per run (each run's set-up included: nndl's Gram "
        "matrix and sample-major copy of X, PyTorch's layout copy)",
    )
    parser.add_argument("--only", default="", help="run the rows whose name holds this text")
    parser.add_argument(
        "--threads", type=int, default=1, help="BLAS and PyTorch threads of all three (0: as is)"
    )
    parser.add_argument(
        "--clock",
        choices=sorted(CLOCK),
        default="cpu",
        help="cpu: the thread's CPU time (all the work is on it with one thread; on a shared "
        "machine it leaves out the time other processes hold the core); wall: elapsed time",
    )
    args = parser.parse_args()
    global clock
    clock = CLOCK[args.clock] if args.threads == 1 else time.perf_counter
    import threadpoolctl

    limits = None
    if args.threads > 0:  # the same for all: NumPy's BLAS (nndl, the course) and PyTorch
        limits = threadpoolctl.threadpool_limits(limits=args.threads, user_api="blas")

    runners: dict[str, Callable[[Workload, np.ndarray, np.ndarray, int], float]] = {
        "nndl": run_nndl,
        "passes": run_nndl_passes,
        "course": run_course,
    }
    try:
        import torch

        if args.threads > 0:
            torch.set_num_threads(args.threads)
        runners["torch"] = run_torch
    except ImportError:
        print("torch: not installed, skipped")
    names = list(runners)
    rows = [w for w in WORKLOADS if args.only in w.name]
    inputs = {w.name: data(w) for w in rows}
    for w in rows:  # load the compiled loops once, before the clock runs (timed here)
        if compiled_ok(w):
            start = time.perf_counter()
            run_nndl(w, *inputs[w.name], 1)
            took = time.perf_counter() - start
            print(f"{w.name}: loading the compiled loops took {took:.2f} s (wall clock)")
    times: dict[tuple[str, str], list[float]] = {(w.name, n): [] for w in rows for n in names}
    for r in range(args.rounds):
        for w in rows:
            X, Y = inputs[w.name]
            epochs = args.planar_epochs if w.dims[0] == 2 else args.cat_epochs
            for name in names[r % len(names) :] + names[: r % len(names)]:
                times[w.name, name].append(runners[name](w, X, Y, epochs))
        print(f"round {r + 1} done")

    if limits is not None:
        blas_threads = f"{args.threads} thread(s) for every library"
    else:
        blas_threads = "threads as each library picks"
    blas = [
        f"{i['internal_api']} {i.get('version')} {i.get('architecture')}"
        for i in threadpoolctl.threadpool_info()
        if i.get("user_api") == "blas"
    ]
    print()
    print(describe())
    print(f"numpy {np.__version__}, BLAS: {'; '.join(blas)}")
    what = "CPU time of the one thread" if clock is time.thread_time else "wall-clock time"
    print(f"{args.rounds} rounds, {blas_threads}; µs per iteration ({what}), medians")
    header = f"{'workload':34s}" + "".join(f"{n:>10s}" for n in names)
    header += f"{'nndl/course':>13s}{'target':>8s}" + (
        f"{'nndl/torch':>12s}" if "torch" in names else ""
    )
    print(header)
    for w in rows:
        med = {n: statistics.median(times[w.name, n]) * 1e6 for n in names}
        line = f"{w.name:34s}" + "".join(f"{med[n]:10.1f}" for n in names)
        ratio = med["nndl"] / med["course"]
        line += f"{ratio:13.2f}{'<= ' + str(w.target):>8s}"
        if "torch" in names:
            line += f"{med['nndl'] / med['torch']:12.2f}"
        print(line)
    for w in rows:
        if w.dims[0] != 2:
            X = inputs[w.name][0]
            floor = read_once(X) * 1e6
            nndl_us = statistics.median(times[w.name, "nndl"]) * 1e6
            print(
                f"{w.name}: reading X ({X.nbytes / 1e6:.1f} MB) once takes {floor:.0f} µs; "
                f"nndl's iteration (which reads it once: dW[1] = dZ[1] Xᵀ) is "
                f"{nndl_us / floor:.2f} × that, the course's and PyTorch's read it twice"
            )


if __name__ == "__main__":
    main()
