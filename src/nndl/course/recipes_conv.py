"""The convolution assignment's test cases and the course's expected outputs.

Each function of *Convolutional Model: step by step* on the notebook's own inputs
(``np.random.seed(1)`` then ``np.random.randn``), beside the outputs the notebook
prints; then nndl's vectorized layer (:mod:`nndl.model.conv`) on the same inputs, which
must give the same numbers.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from nndl.course import convolution as cv
from nndl.course.checks import Check
from nndl.model import conv


def _randn(seed: int, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.RandomState(seed)
    return [rng.standard_normal(shape) for shape in shapes]


def convolution_checks() -> Iterator[Check | str]:
    yield "The functions, on the course's test cases"
    (x,) = _randn(1, (4, 3, 3, 2))
    x_pad = cv.zero_pad(x, 3)
    yield Check("zero_pad(x, 3): shape", x_pad.shape, (4, 9, 9, 2), 0)
    yield Check("zero_pad: x[1, 1]", x[1, 1],
                [[0.90085595, -0.68372786], [-0.12289023, -0.93576943],
                 [-0.26788808, 0.53035547]], 8)  # fmt: skip
    yield Check("zero_pad: x_pad[1, 1]", x_pad[1, 1], np.zeros((9, 2)), 8)

    a_slice, W, b = _randn(1, (4, 4, 3), (4, 4, 3), (1, 1, 1))
    yield Check("conv_single_step", cv.conv_single_step(a_slice, W, b), -6.99908945068, 11)

    A_prev, W, b = _randn(1, (10, 5, 7, 4), (3, 3, 4, 8), (1, 1, 1, 8))
    Z, cache = cv.conv_forward(A_prev, W, b, {"pad": 1, "stride": 2})
    yield Check("conv_forward (pad 1, stride 2): mean of Z", np.mean(Z), 0.6923608807576933, 16)
    z_321 = [-1.28912231, 2.27650251, 6.61941931, 0.95527176, 8.25132576, 2.31329639,
             13.00689405, 2.34576051]  # fmt: skip
    yield Check("conv_forward: Z[3, 2, 1]", Z[3, 2, 1], z_321, 8)
    yield Check("conv_forward: cache[0][1][2][3]", cache[0][1][2][3],
                [-1.1191154, 1.9560789, -0.3264995, -1.34267579], 8)  # fmt: skip
    Z_fast, _ = conv.conv_forward(A_prev, W, b, stride=2, pad=1)
    yield Check("nndl's vectorized conv_forward: Z", Z_fast, Z, 12)

    A_prev, W, b = _randn(1, (10, 4, 4, 3), (2, 2, 3, 8), (1, 1, 1, 8))
    Z, cache = cv.conv_forward(A_prev, W, b, {"pad": 2, "stride": 2})
    yield Check("conv_forward (pad 2, stride 2): mean of Z", np.mean(Z), 0.0489952035289, 13)
    dA, dW, db = cv.conv_backward(Z, cache)
    yield Check("conv_backward: mean of dA", np.mean(dA), 1.45243777754, 11)
    yield Check("conv_backward: mean of dW", np.mean(dW), 1.72699145831, 11)
    yield Check("conv_backward: mean of db", np.mean(db), 7.83923256462, 11)
    Z_fast, fast_cache = conv.conv_forward(A_prev, W, b, stride=2, pad=2)
    for name, ours, course in zip(
        ("dA", "dW", "db"), conv.conv_backward(Z_fast, fast_cache), (dA, dW, db), strict=True
    ):
        yield Check(f"nndl's vectorized conv_backward: {name}", ours, course, 12)

    (A_prev,) = _randn(1, (2, 5, 5, 3))
    A, _ = cv.pool_forward(A_prev, {"stride": 1, "f": 3})
    yield Check("pool_forward (max, f 3, stride 1): shape", A.shape, (2, 3, 3, 3), 0)
    yield Check("pool_forward (max): A[1, 1]", A[1, 1],
                [[1.96710175, 0.84616065, 1.27375593], [1.96710175, 0.84616065, 1.23616403],
                 [1.62765075, 1.12141771, 1.2245077]], 8)  # fmt: skip
    for mode in ("max", "average"):
        ours, _ = conv.pool_forward(A_prev, 3, 1, mode)
        theirs, _ = cv.pool_forward(A_prev, {"stride": 1, "f": 3}, mode)
        yield Check(f"nndl's vectorized pool_forward ({mode}): A", ours, theirs, 12)

    (x,) = _randn(1, (2, 3))
    yield Check("create_mask_from_window", cv.create_mask_from_window(x),
                [[1, 0, 0], [0, 0, 0]], 0)  # fmt: skip
    yield Check("distribute_value(2, (2, 2))", cv.distribute_value(2, (2, 2)),
                [[0.5, 0.5], [0.5, 0.5]], 8)  # fmt: skip

    rng = np.random.RandomState(1)
    A_prev = rng.standard_normal((5, 5, 3, 2))
    _, pool_cache = cv.pool_forward(A_prev, {"stride": 1, "f": 2})
    dA = rng.standard_normal((5, 4, 2, 2))
    want = {
        "max": [[0.0, 0.0], [5.05844394, -1.68282702], [0.0, 0.0]],
        "average": [[0.08485462, 0.2787552], [1.26461098, -0.25749373],
                    [1.17975636, -0.53624893]],
    }  # fmt: skip
    yield Check("pool_backward: mean of dA", np.mean(dA), 0.145713902729, 12)
    for mode, printed in want.items():
        dA_prev = cv.pool_backward(dA, pool_cache, mode=mode)
        yield Check(f"pool_backward ({mode}): dA_prev[1, 1]", dA_prev[1, 1], printed, 8)
        _, fast_pool = conv.pool_forward(A_prev, 2, 1, mode)
        ours = conv.pool_backward(dA, fast_pool)
        yield Check(f"nndl's vectorized pool_backward ({mode})", ours, dA_prev, 12)
