"""GPU speed of one full training step: nndl on CuPy against PyTorch eager.

One step is the forward pass, the backward pass and an Adam update (learning
rate 1e-3) of an MLP with ReLU hidden layers and a softmax cross-entropy
output, on one batch already on the GPU, float32:

    (a) 784-256-128-10 at batch 256 and at batch 8,192
    (b) 4096-4096-4096-10 at batch 8,192

each with full float32 matrix products and with TF32 (tensor cores).  In one
run, alternating round by round:

    nndl eager    nndl.arrays.AdamStep on CuPy (fused Adam kernel)
    nndl graph    the same step captured once as a CUDA graph and replayed
    torch eager   nn.Sequential + torch.optim.Adam, the usual PyTorch loop

Reported: the median time per step, TFLOP/s (6 × batch × Σ n[l] n[l-1] per
step), and the targets: (b) nndl within 1.05× of PyTorch in both precisions,
(a) at batch 256 the captured step at least 2× faster than PyTorch eager.
Without CuPy, nndl runs on PyTorch tensors instead (and says so).

    python benchmarks/mlp_gpu.py                 # everything (a few minutes)
    python benchmarks/mlp_gpu.py --steps 20 --rounds 3

Each precision runs in its own child process, because CuPy reads CUPY_TF32
when it starts.  On a machine without a CUDA GPU the script says so and exits 0.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import nndl
from nndl.arrays import devices
from nndl.arrays.backend import to_numpy
from nndl.training.device_step import AdamStep

CONFIGS: list[tuple[str, list[int], int]] = [
    ("a", [784, 256, 128, 10], 256),
    ("a", [784, 256, 128, 10], 8192),
    ("b", [4096, 4096, 4096, 10], 8192),
]
PRECISIONS = ("float32", "tf32")
LEARNING_RATE = 1e-3


def flops_per_step(dims: list[int], batch: int) -> float:
    """2 flops per multiply-add; forward 1 product per layer, backward 2 (dW and dA_prev)."""
    return 6.0 * batch * sum(n * n_prev for n_prev, n in itertools.pairwise(dims))


def _time_steps(step: Callable[[], Any], sync: Callable[[], None], steps: int) -> float:
    """Seconds per step over ``steps`` consecutive steps (the GPU drained before and after)."""
    sync()
    start = time.perf_counter()
    for _ in range(steps):
        step()
    sync()
    return (time.perf_counter() - start) / steps


def _torch_model(net: nndl.Network, torch: Any) -> Any:
    """nn.Sequential holding the same initial weights as ``net``."""
    layers: list[Any] = []
    for l in range(1, net.L + 1):
        linear = torch.nn.Linear(net.layer_dims[l - 1], net.layer_dims[l], device="cuda")
        with torch.no_grad():
            linear.weight.copy_(torch.from_numpy(to_numpy(net.params[f"W{l}"])))
            linear.bias.copy_(torch.from_numpy(to_numpy(net.params[f"b{l}"]).reshape(-1)))
        layers.append(linear)
        if l < net.L:
            layers.append(torch.nn.ReLU())
    return torch.nn.Sequential(*layers)


def run_child(precision: str, steps: int, warmup: int, rounds: int) -> list[dict[str, Any]]:
    """Measure every configuration in this process, in one precision."""
    import torch

    tf32 = precision == "tf32"
    torch.backends.cuda.matmul.allow_tf32 = tf32
    torch.backends.cudnn.allow_tf32 = tf32
    library = "cupy" if devices.cupy_available() else "torch:cuda"
    results: list[dict[str, Any]] = []
    for name, dims, batch in CONFIGS:
        results += _measure(name, dims, batch, precision, library, steps, warmup, rounds)
        torch.cuda.empty_cache()
        if library == "cupy":
            import cupy

            cupy.get_default_memory_pool().free_all_blocks()
    return results


def _measure(
    name: str,
    dims: list[int],
    batch: int,
    precision: str,
    library: str,
    steps: int,
    warmup: int,
    rounds: int,
) -> list[dict[str, Any]]:
    """The three runners on one configuration, alternating round by round."""
    import torch

    place = devices.resolve(library)
    rng = np.random.default_rng(0)
    X = rng.standard_normal((dims[0], batch), dtype=np.float32)
    labels = rng.integers(0, dims[-1], size=(1, batch))
    Y = nndl.model.losses.one_hot(labels, dims[-1]).astype(np.float32)
    template = nndl.Network(dims, activations="relu", init="he", seed=0)
    X_d, Y_d = devices.move(X, place), devices.move(Y, place)

    eager = AdamStep(template.copy().to(library), LEARNING_RATE)
    graphed = AdamStep(template.copy().to(library), LEARNING_RATE).capture(X_d, Y_d)

    model = _torch_model(template, torch)
    optimizer = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE)
    X_t = torch.from_numpy(np.ascontiguousarray(X.T)).cuda()
    y_t = torch.from_numpy(labels[0]).cuda()

    def torch_step() -> Any:
        optimizer.zero_grad(set_to_none=True)
        loss = torch.nn.functional.cross_entropy(model(X_t), y_t)
        loss.backward()
        optimizer.step()
        return loss

    # the same first step from the same weights: the costs agree
    J_nndl = float(to_numpy(eager(X_d, Y_d)))
    J_torch = float(torch_step().item())
    if abs(J_nndl - J_torch) > 1e-3 * max(1.0, abs(J_torch)):
        raise SystemExit(f"first-step costs disagree: nndl {J_nndl}, torch {J_torch}")

    def sync() -> None:
        devices.synchronize(place)
        torch.cuda.synchronize()

    runners: dict[str, Callable[[], Any]] = {
        "nndl eager": lambda: eager(X_d, Y_d),
        "nndl graph": graphed,
        "torch eager": torch_step,
    }
    for run in runners.values():
        _time_steps(run, sync, warmup)
    times: dict[str, list[float]] = {k: [] for k in runners}
    keys = list(runners)
    for r in range(rounds):
        for key in keys[r % 3 :] + keys[: r % 3]:
            times[key].append(_time_steps(runners[key], sync, steps))
    flops = flops_per_step(dims, batch)
    rows = []
    for key, values in times.items():
        seconds = statistics.median(values)
        rows.append(
            {
                "config": name,
                "dims": "-".join(map(str, dims)),
                "batch": batch,
                "precision": precision,
                "runner": key.replace("nndl", f"nndl[{library}]"),
                "kind": key,
                "ms": seconds * 1e3,
                "tflops": flops / seconds / 1e12,
            }
        )
    return rows


def report(rows: list[dict[str, Any]]) -> bool:
    """Print the table and the targets; True when every target is met."""
    print(f"{'config':<26}{'precision':<10}{'runner':<24}{'ms/step':>10}{'TFLOP/s':>10}")
    for row in rows:
        label = f"({row['config']}) {row['dims']} @{row['batch']}"
        print(
            f"{label:<26}{row['precision']:<10}{row['runner']:<24}"
            f"{row['ms']:>10.3f}{row['tflops']:>10.1f}"
        )
    ms = {(r["dims"], r["batch"], r["precision"], r["kind"]): r["ms"] for r in rows}
    ok = True
    print("\ntargets")
    for precision in PRECISIONS:
        key = ("4096-4096-4096-10", 8192, precision)
        if (*key, "torch eager") in ms:
            ratio = ms[(*key, "nndl eager")] / ms[(*key, "torch eager")]
            met = ratio <= 1.05
            ok &= met
            print(f"  (b) {precision}: nndl / torch = {ratio:.3f} (target <= 1.05) {_mark(met)}")
        small = ("784-256-128-10", 256, precision)
        if (*small, "torch eager") in ms:
            speedup = ms[(*small, "torch eager")] / ms[(*small, "nndl graph")]
            met = speedup >= 2.0
            ok &= met
            print(
                f"  (a) batch 256 {precision}: torch eager / nndl graph = {speedup:.2f}x "
                f"(target >= 2) {_mark(met)}"
            )
    return ok


def _mark(met: bool) -> str:
    return "met" if met else "NOT met"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--steps", type=int, default=50, help="timed steps per round")
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--precision", choices=[*PRECISIONS, "both"], default="both")
    parser.add_argument("--json", help="also write the rows to this JSON file")
    parser.add_argument("--child", choices=PRECISIONS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.child:
        rows = run_child(args.child, args.steps, args.warmup, args.rounds)
        print("ROWS " + json.dumps(rows))
        return 0

    if not devices.torch_cuda_available():
        print(
            "mlp_gpu: no CUDA GPU is usable here (torch.cuda.is_available() is False), so "
            "there is nothing to measure. Run it on a machine with an NVIDIA GPU, PyTorch "
            "with CUDA and CuPy (pip install cupy-cuda12x)."
        )
        return 0
    if not devices.cupy_available():
        print("mlp_gpu: CuPy is not installed; nndl runs on PyTorch CUDA tensors instead.")

    rows: list[dict[str, Any]] = []
    precisions = PRECISIONS if args.precision == "both" else (args.precision,)
    for precision in precisions:
        env = dict(os.environ, CUPY_TF32="1" if precision == "tf32" else "0")
        child = [
            sys.executable,
            __file__,
            "--child",
            precision,
            f"--steps={args.steps}",
            f"--warmup={args.warmup}",
            f"--rounds={args.rounds}",
        ]
        done = subprocess.run(child, env=env, capture_output=True, text=True, check=False)
        lines = [line for line in done.stdout.splitlines() if line.startswith("ROWS ")]
        if done.returncode != 0 or not lines:
            print(done.stdout + done.stderr)
            print(f"mlp_gpu: the {precision} run failed (exit status {done.returncode})")
            return 1
        rows += json.loads(lines[-1][5:])
    ok = report(rows)
    if args.json:
        with open(args.json, "w") as f:
            json.dump(rows, f, indent=1)
    print("\nall targets met" if ok else "\nsome targets not met")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
