"""The cases of the later courses' step-by-step assignments: convolution and recurrent networks.

*Convolutional Model: step by step* and *Building your Recurrent Neural Network: Step by
Step*: each function runs on the notebook's own test case (the inputs of
:mod:`nndl.course.recipes_conv` and :mod:`nndl.course.recipes_recurrent`), on random
inputs of other shapes and on one example; nndl's loops (:mod:`nndl.course.convolution`,
:mod:`nndl.course.recurrent`) give the expected results.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nndl.course import convolution as cv
from nndl.course import recipes_recurrent
from nndl.course import recurrent as rnn
from nndl.course.grading.spec import Case, Spec, broadcasts, only, randn

# --------------------------------------------------------------- convolution


def _zero_pad_cases() -> list[Case]:
    (x,) = randn(1, (4, 3, 3, 2))
    (x2,) = randn(2, (2, 5, 4, 3))
    return [
        Case("the course's test case, pad 3", (x, 3)),
        Case("random (2, 5, 4, 3), pad 1", (x2, 1)),
        Case("m = 1, pad 2", (x2[:1], 2)),
    ]


def _zero_pad_variants(X: Any, pad: int) -> dict[str, Any]:
    return only(
        {
            "every axis padded: pad only the height and width, "
            "np.pad(X, ((0, 0), (pad, pad), (pad, pad), (0, 0)))": broadcasts(
                lambda: np.pad(np.asarray(X, dtype=np.float64), pad)
            )
        }
    )


def _single_step_cases() -> list[Case]:
    a, W, b = randn(1, (4, 4, 3), (4, 4, 3), (1, 1, 1))
    a2, W2, b2 = randn(3, (2, 2, 5), (2, 2, 5), (1, 1, 1))
    return [Case("the course's test case", (a, W, b)), Case("random 2×2×5", (a2, W2, b2))]


def _single_step_variants(a: Any, W: Any, b: Any) -> dict[str, Any]:
    return {"b is missing: Z = Σ (a_slice_prev * W) + b": float(np.sum(np.asarray(a) * W))}


def _conv_case(seed: int, m: int, n_H: int, n_W: int, c: int, f: int, n_C: int) -> tuple[Any, ...]:
    A, W, b = randn(seed, (m, n_H, n_W, c), (f, f, c, n_C), (1, 1, 1, n_C))
    return A, W, b


def _conv_forward_cases() -> list[Case]:
    A, W, b = randn(1, (10, 5, 7, 4), (3, 3, 4, 8), (1, 1, 1, 8))
    return [
        Case("the course's test case, pad 1, stride 2", (A, W, b, {"pad": 1, "stride": 2})),
        Case(
            "random, pad 0, stride 1", (*_conv_case(5, 2, 5, 4, 3, 2, 3), {"pad": 0, "stride": 1})
        ),
        Case("m = 1, pad 2, stride 3", (*_conv_case(6, 1, 6, 6, 1, 3, 2), {"pad": 2, "stride": 3})),
    ]


def _conv_forward_variants(A: Any, W: Any, b: Any, hparameters: Any) -> dict[str, Any]:
    return only(
        {
            "the stride is not used: the window starts at h · stride, w · stride": broadcasts(
                lambda: cv.conv_forward(A, W, b, {**hparameters, "stride": 1})
            ),
            "the padding is not used: A_prev_pad = zero_pad(A_prev, pad)": broadcasts(
                lambda: cv.conv_forward(A, W, b, {**hparameters, "pad": 0})
            ),
        }
    )


def _conv_backward_cases() -> list[Case]:
    A, W, b = randn(1, (10, 4, 4, 3), (2, 2, 3, 8), (1, 1, 1, 8))
    Z, cache = cv.conv_forward(A, W, b, {"pad": 2, "stride": 2})
    A2, W2, b2 = _conv_case(7, 1, 5, 5, 2, 3, 2)
    Z2, cache2 = cv.conv_forward(A2, W2, b2, {"pad": 1, "stride": 1})
    return [
        Case("the course's test case (dZ = Z)", (Z, cache)),
        Case(
            "m = 1, pad 1, stride 1", (np.random.RandomState(8).standard_normal(Z2.shape), cache2)
        ),
    ]


def _pool_cases() -> list[Case]:
    (A,) = randn(1, (2, 5, 5, 3))
    (A2,) = randn(9, (1, 6, 4, 2))
    return [
        Case("the course's test case, max, f 3, stride 1", (A, {"stride": 1, "f": 3}, "max")),
        Case("average, f 3, stride 1", (A, {"stride": 1, "f": 3}, "average")),
        Case("m = 1, max, f 2, stride 2", (A2, {"stride": 2, "f": 2}, "max")),
    ]


def _pool_variants(A: Any, hparameters: Any, mode: str = "max") -> dict[str, Any]:
    other = "average" if mode == "max" else "max"
    return only(
        {
            f"mode is not used: mode={mode!r} takes the {mode} of each window": broadcasts(
                lambda: cv.pool_forward(A, hparameters, other)
            )
        }
    )


def _mask_cases() -> list[Case]:
    (x,) = randn(1, (2, 3))
    return [Case("the course's test case", (x,)), Case("a 3×3 window", (randn(4, (3, 3))[0],))]


def _distribute_cases() -> list[Case]:
    return [
        Case("the course's test case", (2, (2, 2))),
        Case("dz = 3, a 2×3 window", (3.0, (2, 3))),
    ]


def _distribute_variants(dz: Any, shape: Any) -> dict[str, Any]:
    return {"not divided by n_H · n_W: each element gets dz / (n_H n_W)": np.ones(shape) * dz}


def _pool_backward_cases() -> list[Case]:
    rng = np.random.RandomState(1)
    A = rng.standard_normal((5, 5, 3, 2))
    _, cache = cv.pool_forward(A, {"stride": 1, "f": 2})
    dA = rng.standard_normal((5, 4, 2, 2))
    return [
        Case("the course's test case, max", (dA, cache, "max")),
        Case("the course's test case, average", (dA, cache, "average")),
    ]


CONVOLUTION = [
    Spec("zero_pad", cv.zero_pad, _zero_pad_cases, ("X_pad",), variants=_zero_pad_variants),
    Spec(
        "conv_single_step",
        cv.conv_single_step,
        _single_step_cases,
        ("Z",),
        variants=_single_step_variants,
    ),
    Spec(
        "conv_forward",
        cv.conv_forward,
        _conv_forward_cases,
        ("Z", "cache"),
        ("zero_pad", "conv_single_step"),
        _conv_forward_variants,
    ),
    Spec("pool_forward", cv.pool_forward, _pool_cases, ("A", "cache"), variants=_pool_variants),
    Spec(
        "conv_backward",
        cv.conv_backward,
        _conv_backward_cases,
        ("dA_prev", "dW", "db"),
        ("zero_pad",),
        perturb=False,
    ),
    Spec("create_mask_from_window", cv.create_mask_from_window, _mask_cases, ("mask",)),
    Spec(
        "distribute_value",
        cv.distribute_value,
        _distribute_cases,
        ("a",),
        variants=_distribute_variants,
    ),
    Spec(
        "pool_backward",
        cv.pool_backward,
        _pool_backward_cases,
        ("dA_prev",),
        ("create_mask_from_window", "distribute_value"),
        perturb=False,
    ),
]

# ------------------------------------------------------------------ recurrent


def _rnn_params(seed: int, n_x: int, n_a: int, n_y: int) -> dict[str, np.ndarray]:
    shapes = (
        ("Waa", (n_a, n_a)),
        ("Wax", (n_a, n_x)),
        ("Wya", (n_y, n_a)),
        ("ba", (n_a, 1)),
        ("by", (n_y, 1)),
    )
    rng = np.random.RandomState(seed)
    return {k: rng.standard_normal(s) for k, s in shapes}


def _lstm_params(seed: int, n_x: int, n_a: int, n_y: int) -> dict[str, np.ndarray]:
    rng = np.random.RandomState(seed)
    p = {}
    for gate in "fioc":
        p[f"W{gate}"] = rng.standard_normal((n_a, n_a + n_x))
        p[f"b{gate}"] = rng.standard_normal((n_a, 1))
    p["Wy"], p["by"] = rng.standard_normal((n_y, n_a)), rng.standard_normal((n_y, 1))
    return p


def _rnn_cell_cases() -> list[Case]:
    xt, a_prev, p, _ = recipes_recurrent._rnn_case(None)
    x2, a2 = randn(11, (4, 1), (3, 1))
    return [
        Case("the course's test case", (xt, a_prev, p)),
        Case("m = 1", (x2, a2, _rnn_params(12, 4, 3, 2))),
    ]


def _rnn_cell_variants(xt: Any, a_prev: Any, p: Any) -> dict[str, Any]:
    if np.shape(p["Waa"]) != np.shape(p["Wax"]):
        return {}
    swapped = {**p, "Waa": p["Wax"], "Wax": p["Waa"]}
    return only(
        {"Waa and Wax swapped": broadcasts(lambda: rnn.rnn_cell_forward(xt, a_prev, swapped))}
    )


def _rnn_forward_cases() -> list[Case]:
    x, a0, p, _ = recipes_recurrent._rnn_case(4)
    x2, a2 = randn(13, (2, 1, 3), (4, 1))
    return [
        Case("the course's test case", (x, a0, p)),
        Case("m = 1, T_x = 3", (x2, a2, _rnn_params(14, 2, 4, 3))),
    ]


def _rnn_backward_cases() -> list[Case]:
    x, a0 = randn(21, (3, 4, 5), (2, 4))
    _, _, caches = rnn.rnn_forward(x, a0, _rnn_params(22, 3, 2, 2))
    (da,) = randn(23, (2, 4, 5))
    return [Case("random, T_x = 5", (da, caches))]


def _lstm_cell_cases() -> list[Case]:
    xt, a_prev, c_prev, p = recipes_recurrent._lstm_case(None)
    x2, a2, c2 = randn(31, (2, 1), (3, 1), (3, 1))
    return [
        Case("the course's test case", (xt, a_prev, c_prev, p)),
        Case("m = 1", (x2, a2, c2, _lstm_params(32, 2, 3, 2))),
    ]


def _lstm_cell_variants(xt: Any, a_prev: Any, c_prev: Any, p: Any) -> dict[str, Any]:
    return only(
        {
            "c⟨t⟩ = Γ_f * c⟨t−1⟩ + Γ_u * c̃⟨t⟩ with the two gates swapped": broadcasts(
                lambda: rnn.lstm_cell_forward(
                    xt,
                    a_prev,
                    c_prev,
                    {**p, "Wf": p["Wi"], "bf": p["bi"], "Wi": p["Wf"], "bi": p["bf"]},
                )
            )
        }
    )


def _lstm_forward_cases() -> list[Case]:
    x, a0 = randn(41, (3, 4, 6), (5, 4))
    return [Case("random, T_x = 6", (x, a0, _lstm_params(42, 3, 5, 2)))]


def _lstm_backward_cases() -> list[Case]:
    x, a0 = randn(43, (3, 4, 5), (2, 4))
    *_, caches = rnn.lstm_forward(x, a0, _lstm_params(44, 3, 2, 2))
    (da,) = randn(45, (2, 4, 5))
    return [Case("random, T_x = 5", (da, caches))]


RECURRENT = [
    Spec(
        "rnn_cell_forward",
        rnn.rnn_cell_forward,
        _rnn_cell_cases,
        ("a_next", "yt_pred", "cache"),
        variants=_rnn_cell_variants,
    ),
    Spec(
        "rnn_forward",
        rnn.rnn_forward,
        _rnn_forward_cases,
        ("a", "y_pred", "caches"),
        ("rnn_cell_forward",),
    ),
    Spec("rnn_backward", rnn.rnn_backward, _rnn_backward_cases, ("gradients",), perturb=False),
    Spec(
        "lstm_cell_forward",
        rnn.lstm_cell_forward,
        _lstm_cell_cases,
        ("a_next", "c_next", "yt_pred", "cache"),
        variants=_lstm_cell_variants,
    ),
    Spec(
        "lstm_forward",
        rnn.lstm_forward,
        _lstm_forward_cases,
        ("a", "y", "c", "caches"),
        ("lstm_cell_forward",),
    ),
    Spec("lstm_backward", rnn.lstm_backward, _lstm_backward_cases, ("gradients",), perturb=False),
]
