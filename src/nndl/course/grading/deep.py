"""The cases of assignments 3 (step by step) and 4 (application).

The course's test cases are those of ``testCases_v4a`` (the inputs of
:mod:`nndl.course.recipes_deep`); the random cases add other shapes, a square
case (where ``*`` for ``np.dot`` and a transposed W still broadcast, so they can be
named) and one example (m = 1).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from nndl.course import application, deep
from nndl.course.grading.shallow import update_variants
from nndl.course.grading.spec import TRAINING, Case, Spec, broadcasts, labels, only, randn


def _sig(z: Any) -> Any:
    return 1 / (1 + np.exp(-z))


def _init_cases() -> list[Case]:
    return [
        Case("(3, 2, 1)", (3, 2, 1)),
        Case("(5, 4, 2)", (5, 4, 2)),
        Case("(1, 1, 1)", (1, 1, 1)),
    ]


def _init_deep_cases() -> list[Case]:
    return [
        Case("[5, 4, 3]", ([5, 4, 3],)),
        Case("[4, 3, 2, 1]", ([4, 3, 2, 1],)),
        Case("[3, 1]", ([3, 1],)),
    ]


def _linear_forward_cases() -> list[Case]:
    return [
        Case("the course's test case", tuple(randn(1, (3, 2), (1, 3), (1, 1))), 2),
        Case("random, n[l-1] = 4, n[l] = 5, m = 6", tuple(randn(50, (4, 6), (5, 4), (5, 1))), 6),
        Case("random, square: 3 × 3, m = 3", tuple(randn(51, (3, 3), (3, 3), (3, 1))), 3),
        Case("m = 1", tuple(randn(52, (2, 1), (3, 2), (3, 1))), 1),
    ]


def _linear_forward_variants(A: Any, W: Any, b: Any) -> dict[str, Any]:
    cache = (A, W, b)
    return only(
        {
            "a `*` where np.dot was meant: Z = np.dot(W, A) + b": broadcasts(
                lambda: (W * A + b, cache)
            ),
            "W transposed: Z = np.dot(W, A) + b, with W (n[l], n[l−1])": broadcasts(
                lambda: (np.dot(W.T, A) + b, cache)
            ),
        }
    )


def _activation_forward_cases() -> list[Case]:
    course = tuple(randn(2, (3, 2), (1, 3), (1, 1)))
    other = tuple(randn(53, (4, 5), (3, 4), (3, 1)))
    one = tuple(randn(54, (2, 1), (2, 2), (2, 1)))
    return [
        Case("the course's test case, sigmoid", (*course, "sigmoid"), 2),
        Case("the course's test case, relu", (*course, "relu"), 2),
        Case("random, m = 5, sigmoid", (*other, "sigmoid"), 5),
        Case("random, m = 5, relu", (*other, "relu"), 5),
        Case("m = 1, relu", (*one, "relu"), 1),
    ]


def _activation_forward_variants(A_prev: Any, W: Any, b: Any, activation: str) -> dict[str, Any]:
    other = "relu" if activation == "sigmoid" else "sigmoid"
    A, cache = deep.linear_activation_forward(A_prev, W, b, other)
    return {f"{other} where {activation} was asked: the activation argument": (A, cache)}


def _deep_params(seed: int, dims: Sequence[int]) -> dict[str, np.ndarray]:
    rng = np.random.RandomState(seed)
    p = {}
    for l in range(1, len(dims)):
        p[f"W{l}"] = rng.standard_normal((dims[l], dims[l - 1])) / np.sqrt(dims[l - 1])
        p[f"b{l}"] = rng.standard_normal((dims[l], 1)) * 0.1
    return p


def _L_forward_cases() -> list[Case]:
    X, W1, b1, W2, b2, W3, b3 = randn(6, (5, 4), (4, 5), (4, 1), (3, 4), (3, 1), (1, 3), (1, 1))
    course = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}
    return [
        Case("the course's test case", (X, course), 4),
        Case(
            "random, layers [3, 4, 1], m = 6",
            (randn(55, (3, 6))[0], _deep_params(56, [3, 4, 1])),
            6,
        ),
        Case(
            "random, layers [4, 5, 3, 2, 1], m = 1",
            (randn(57, (4, 1))[0], _deep_params(58, [4, 5, 3, 2, 1])),
            1,
        ),
    ]


def _L_forward_variants(X: Any, p: Mapping[str, Any]) -> dict[str, Any]:
    L = len(p) // 2
    A, caches = X, []
    for l in range(1, L + 1):
        W, b = p[f"W{l}"], p[f"b{l}"]
        Z = np.dot(W, A) + b
        caches.append(((A, W, b), Z))
        A = np.maximum(0, Z)
    return {"relu in the last layer: it is LINEAR → SIGMOID": (A, caches)}


def _deep_cost_cases() -> list[Case]:
    (A,) = randn(60, (1, 6))
    return [
        Case("the course's test case", (np.array([[0.8, 0.9, 0.4]]), np.array([[1, 1, 0]])), 3),
        Case("random, m = 6", (_sig(A * 2), labels(61, 6)), 6),
        Case("m = 1", (np.array([[0.7]]), np.array([[0.0]])), 1),
    ]


def _deep_cost_variants(AL: Any, Y: Any) -> dict[str, Any]:
    AL, Y = np.asarray(AL, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    return {
        "only the y·log(a) term: J = −(1/m) Σ (y log a + (1 − y) log(1 − a))": float(
            -np.sum(Y * np.log(AL)) / Y.shape[1]
        )
    }


def _linear_backward_cases() -> list[Case]:
    dZ, A, W, b = randn(1, (3, 4), (5, 4), (3, 5), (3, 1))
    dZ2, A2, W2, b2 = randn(62, (3, 3), (3, 3), (3, 3), (3, 1))
    dZ3, A3, W3, b3 = randn(63, (2, 1), (4, 1), (2, 4), (2, 1))
    return [
        Case("the course's test case", (dZ, (A, W, b)), 4),
        Case("random, square: 3 × 3, m = 3", (dZ2, (A2, W2, b2)), 3),
        Case("m = 1", (dZ3, (A3, W3, b3)), 1),
    ]


def _linear_backward_variants(dZ: Any, cache: Any) -> dict[str, Any]:
    A_prev, W, _ = cache
    m = A_prev.shape[1]
    dW = np.dot(dZ, A_prev.T) / m
    db = np.sum(dZ, axis=1, keepdims=True) / m
    return only(
        {
            "a `*` where np.dot was meant: dA_prev = np.dot(W.T, dZ)": broadcasts(
                lambda: (W.T * dZ, dW, db)
            ),
            "a `*` where np.dot was meant: dW = (1/m) np.dot(dZ, A_prev.T)": broadcasts(
                lambda: (np.dot(W.T, dZ), dZ * A_prev.T / m, db)
            ),
            "W not transposed: dA_prev = np.dot(W.T, dZ)": broadcasts(
                lambda: (np.dot(W, dZ), dW, db)
            ),
        }
    )


def _dA_cases() -> list[Case]:
    dA, Z = randn(64, (3, 4), (3, 4))
    dA1, Z1 = randn(65, (2, 1), (2, 1))
    return [Case("random (3, 4)", (dA, Z * 2), 4), Case("m = 1", (dA1, Z1), 1)]


def _relu_backward_variants(dA: Any, Z: Any) -> dict[str, Any]:
    return {
        "ReLU's derivative is missing: dZ = dA where Z > 0, else 0": np.array(dA, dtype=np.float64),
        "dZ is zeroed where Z > 0: it is where Z ≤ 0": np.where(Z > 0, 0.0, dA),
    }


def _sigmoid_backward_variants(dA: Any, Z: Any) -> dict[str, Any]:
    s = _sig(Z)
    return {
        "σ' written with Z: dZ = dA * s (1 − s), with s = σ(Z)": dA * Z * (1 - Z),
        "sigmoid's derivative is missing: dZ = dA * s (1 − s), with s = σ(Z)": np.array(
            dA, dtype=np.float64
        ),
        "(1 − s) is missing: dZ = dA * s (1 − s), with s = σ(Z)": dA * s,
    }


def _activation_backward_cases() -> list[Case]:
    dA, A, W, b, Z = randn(2, (1, 2), (3, 2), (1, 3), (1, 1), (1, 2))
    dA2, A2, W2, b2, Z2 = randn(66, (3, 5), (4, 5), (3, 4), (3, 1), (3, 5))
    return [
        Case("the course's test case, sigmoid", (dA, ((A, W, b), Z), "sigmoid"), 2),
        Case("the course's test case, relu", (dA, ((A, W, b), Z), "relu"), 2),
        Case("random, m = 5, sigmoid", (dA2, ((A2, W2, b2), Z2), "sigmoid"), 5),
        Case("random, m = 5, relu", (dA2, ((A2, W2, b2), Z2), "relu"), 5),
    ]


def _activation_backward_variants(dA: Any, cache: Any, activation: str) -> dict[str, Any]:
    linear_cache, Z = cache
    other = "relu" if activation == "sigmoid" else "sigmoid"
    found = {
        f"{other}'s derivative where {activation}'s was asked: the activation argument": (
            deep.linear_activation_backward(dA, cache, other)
        ),
        f"{activation}'s derivative is missing: dZ = dA * g'(Z)": deep.linear_backward(
            dA, linear_cache
        ),
    }
    if activation == "sigmoid":
        found["σ' written with Z: dZ = dA * s (1 − s), with s = σ(Z)"] = deep.linear_backward(
            dA * Z * (1 - Z), linear_cache
        )
    return found


def _L_backward_case(seed: int, dims: Sequence[int], m: int) -> tuple[Any, ...]:
    X = np.random.RandomState(seed).standard_normal((dims[0], m))
    AL, caches = deep.L_model_forward(X, _deep_params(seed + 1, dims))
    return AL, labels(seed + 2, m), caches


def _L_backward_cases() -> list[Case]:
    rng = np.random.RandomState(3)
    AL = rng.standard_normal((1, 2))
    layers = []
    for shapes in (((4, 2), (3, 4), (3, 1), (3, 2)), ((3, 2), (1, 3), (1, 1), (1, 2))):
        A_prev, W, b, Z = (rng.standard_normal(s) for s in shapes)
        layers.append(((A_prev, W, b), Z))
    return [
        Case("the course's test case", (AL, np.array([[1, 0]]), layers), 2),
        Case("random, layers [3, 4, 2, 1], m = 5", _L_backward_case(70, [3, 4, 2, 1], 5), 5),
        Case("m = 1", _L_backward_case(73, [2, 3, 1], 1), 1),
    ]


def _L_backward_from(dAL: Any, caches: Sequence[Any], last: str) -> dict[str, Any]:
    grads: dict[str, Any] = {}
    dA = dAL
    for l in range(len(caches), 0, -1):
        activation = last if l == len(caches) else "relu"
        dA, grads[f"dW{l}"], grads[f"db{l}"] = deep.linear_activation_backward(
            dA, caches[l - 1], activation
        )
        grads[f"dA{l - 1}"] = dA
    return grads


def _L_backward_variants(AL: Any, Y: Any, caches: Sequence[Any]) -> dict[str, Any]:
    dAL = deep.dAL_logistic(AL, np.reshape(Y, np.shape(AL)))
    return {
        "dAL with the wrong sign: dAL = −(Y/AL − (1 − Y)/(1 − AL))": _L_backward_from(
            -dAL, caches, "sigmoid"
        ),
        "relu's derivative in the last layer: it is LINEAR → SIGMOID": _L_backward_from(
            dAL, caches, "relu"
        ),
    }


def _L_backward_adapt(yours: Any, expected: Any) -> tuple[Any, Any]:
    """The course's older notebooks name dA_prev of layer l ``dA{l}``; this one ``dA{l-1}``."""
    if isinstance(yours, Mapping) and "dA0" not in yours:
        L = sum(1 for k in expected if k.startswith("dW"))
        if f"dA{L}" in yours:
            shifted = {k: v for k, v in expected.items() if not k.startswith("dA")}
            shifted.update({f"dA{l + 1}": expected[f"dA{l}"] for l in range(L)})
            return yours, shifted
    return yours, expected


def _update_cases() -> list[Case]:
    W1, b1, W2, b2 = randn(2, (3, 4), (3, 1), (1, 3), (1, 1))
    dW1, db1, dW2, db2 = randn(3, (3, 4), (3, 1), (1, 3), (1, 1))
    course = (
        {"W1": W1, "b1": b1, "W2": W2, "b2": b2},
        {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2},
        0.1,
    )
    p = _deep_params(80, [4, 3, 2, 1])
    g = {f"d{k}": v for k, v in _deep_params(81, [4, 3, 2, 1]).items()}
    return [
        Case("the course's test case", course),
        Case("random, 3 layers, α = 0.05", (p, g, 0.05)),
    ]


def _update_variants(p: Mapping[str, Any], g: Mapping[str, Any], rate: float) -> dict[str, Any]:
    return update_variants(p, g, rate)


def _pick_params(yours: Any, expected: Any) -> tuple[Any, Any]:
    """The course's older models return only ``parameters``; newer ``(parameters, costs)``."""
    mine = (
        yours[0] if isinstance(yours, tuple) and yours and isinstance(yours[0], Mapping) else yours
    )
    return mine, expected[0]


def _model_cases() -> list[Case]:
    (X,) = randn(90, (6, 10))
    Y = labels(91, 10)
    return [
        Case(
            "random, n_x = 6, m = 10, 200 iterations, α = 0.1",
            (X, Y, (6, 4, 1), 0.1, 200, False),
            10,
        ),
        Case("m = 1, 20 iterations", (X[:, :1], np.ones((1, 1)), (6, 3, 1), 0.5, 20, False), 1),
    ]


def _L_model_cases() -> list[Case]:
    (X,) = randn(92, (6, 10))
    Y = labels(93, 10)
    return [
        Case(
            "random, layers [6, 5, 3, 1], m = 10, 200 iterations, α = 0.1",
            (X, Y, [6, 5, 3, 1], 0.1, 200, False),
            10,
        ),
        Case("m = 1, 20 iterations", (X[:, :1], np.zeros((1, 1)), [6, 4, 1], 0.5, 20, False), 1),
    ]


def _app_predict_cases() -> list[Case]:
    (X,) = randn(94, (4, 9))
    return [
        Case("random, layers [4, 3, 1], m = 9", (X, labels(95, 9), _deep_params(96, [4, 3, 1]))),
        Case("m = 1", (X[:, :1], np.ones((1, 1)), _deep_params(97, [4, 2, 1]))),
    ]


def _deep_sigmoid_cases() -> list[Case]:
    (Z,) = randn(97, (3, 4))
    return [Case("random (3, 4)", (Z * 3,)), Case("(1, 1)", (np.array([[0.4]]),))]


STEP_BY_STEP = [
    Spec("sigmoid", deep.sigmoid, _deep_sigmoid_cases, ("A", "cache")),
    Spec("relu", deep.relu, _deep_sigmoid_cases, ("A", "cache")),
    Spec("initialize_parameters", deep.initialize_parameters, _init_cases, ("parameters",)),
    Spec(
        "initialize_parameters_deep",
        deep.initialize_parameters_deep,
        _init_deep_cases,
        ("parameters",),
    ),
    Spec(
        "linear_forward",
        deep.linear_forward,
        _linear_forward_cases,
        ("Z", "cache"),
        variants=_linear_forward_variants,
    ),
    Spec(
        "linear_activation_forward",
        deep.linear_activation_forward,
        _activation_forward_cases,
        ("A", "cache"),
        ("linear_forward", "sigmoid", "relu"),
        _activation_forward_variants,
    ),
    Spec(
        "L_model_forward",
        deep.L_model_forward,
        _L_forward_cases,
        ("AL", "caches"),
        ("linear_activation_forward",),
        _L_forward_variants,
    ),
    Spec(
        "compute_cost", deep.compute_cost, _deep_cost_cases, ("cost",), variants=_deep_cost_variants
    ),
    Spec(
        "linear_backward",
        deep.linear_backward,
        _linear_backward_cases,
        ("dA_prev", "dW", "db"),
        variants=_linear_backward_variants,
    ),
    Spec("relu_backward", deep.relu_backward, _dA_cases, ("dZ",), variants=_relu_backward_variants),
    Spec(
        "sigmoid_backward",
        deep.sigmoid_backward,
        _dA_cases,
        ("dZ",),
        variants=_sigmoid_backward_variants,
    ),
    Spec(
        "linear_activation_backward",
        deep.linear_activation_backward,
        _activation_backward_cases,
        ("dA_prev", "dW", "db"),
        ("linear_backward", "relu_backward", "sigmoid_backward"),
        _activation_backward_variants,
    ),
    Spec(
        "L_model_backward",
        deep.L_model_backward,
        _L_backward_cases,
        ("grads",),
        ("linear_activation_backward",),
        _L_backward_variants,
        adapt=_L_backward_adapt,
    ),
    Spec(
        "update_parameters",
        deep.update_parameters,
        _update_cases,
        ("parameters",),
        variants=_update_variants,
    ),
]

_APP_HELPERS = [s for s in STEP_BY_STEP if s.name != "initialize_parameters_deep"]

APPLICATION = [
    *_APP_HELPERS[:3],
    Spec(
        "initialize_parameters_deep",
        application.initialize_parameters_deep,
        _init_deep_cases,
        ("parameters",),
    ),
    *_APP_HELPERS[3:],
    Spec(
        "two_layer_model",
        application.two_layer_model,
        _model_cases,
        ("parameters", "costs"),
        (
            "initialize_parameters",
            "linear_activation_forward",
            "compute_cost",
            "linear_activation_backward",
            "update_parameters",
        ),
        tolerance=TRAINING,
        perturb=False,
        adapt=_pick_params,
    ),
    Spec(
        "L_layer_model",
        application.L_layer_model,
        _L_model_cases,
        ("parameters", "costs"),
        (
            "initialize_parameters_deep",
            "L_model_forward",
            "compute_cost",
            "L_model_backward",
            "update_parameters",
        ),
        tolerance=TRAINING,
        perturb=False,
        adapt=_pick_params,
    ),
    Spec("predict", application.predict, _app_predict_cases, ("p",), ("L_model_forward",)),
]
