"""Convolution, pooling and batch norm on the CPU: nndl's layers against PyTorch eager.

One training step's forward and backward passes of each layer on a batch of the cat
assignment's pictures (64 × 64 × 3, float32), alternating nndl and PyTorch in one process
and reporting medians and the ratio nndl ÷ PyTorch (below 1: nndl is faster).  nndl works
in the convolutional course's layout ``(m, n_H, n_W, n_C)``; PyTorch in its own
``(m, n_C, n_H, n_W)``, so neither pays for a transpose.

    python benchmarks/conv_cpu.py [--batch 32] [--repeats 7]
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
from machine import describe  # benchmarks/machine.py, beside this script

from nndl.layers import AvgPool2D, BatchNorm, Conv2D, MaxPool2D

CASES = {
    "conv 3×3, 3 → 16, pad same": (Conv2D(16, 3, pad="same"), (64, 64, 3)),
    "conv 5×5, 16 → 32, stride 2": (Conv2D(32, 5, stride=2), (32, 32, 16)),
    "max pool 2×2": (MaxPool2D(2), (64, 64, 16)),
    "avg pool 2×2": (AvgPool2D(2), (64, 64, 16)),
    "batch norm": (BatchNorm(), (32, 32, 32)),
}


def _median_seconds(step: Callable[[], object], repeats: int) -> float:
    step()  # warm up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    import torch

    F = torch.nn.functional
    rng = np.random.default_rng(0)
    print(describe() + f", torch {torch.__version__} ({torch.get_num_threads()} threads)")
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


if __name__ == "__main__":
    main()
