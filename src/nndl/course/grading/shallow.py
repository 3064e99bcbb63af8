"""The cases of assignments 1 (logistic regression) and 2 (planar data).

Each function runs on the course's own test case (the inputs of
:mod:`nndl.course.recipes`), on random inputs of other shapes and seeds, and on
one example (m = 1); nndl's function gives the expected result.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from nndl.course import logistic, planar, recipes, reference
from nndl.course.grading.spec import TRAINING, Case, Spec, broadcasts, labels, only, randn

# ---------------------------------------------------------------- 1. logistic regression


def _sigmoid_cases() -> list[Case]:
    (Z,) = randn(4, (3, 4))
    return [
        Case("the course's test case", (np.array([0, 2]),)),
        Case("a random (3, 4) array", (Z * 4,)),
        Case("a (1, 1) array", (np.array([[-1.5]]),)),
    ]


def _sigmoid_variants(z: Any) -> dict[str, Any]:
    z = np.asarray(z, dtype=np.float64)
    return {"the sign in the exponent: σ(z) = 1 / (1 + e^(−z))": 1 / (1 + np.exp(z))}


def _zeros_cases() -> list[Case]:
    return [Case("dim = 2", (2,)), Case("dim = 1", (1,)), Case("dim = 5", (5,))]


def _logistic_data(seed: int, n: int, m: int) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    w, X = randn(seed, (n, 1), (n, m))
    return w * 0.5, 0.3, X, labels(seed + 1, m)


def _propagate_cases() -> list[Case]:
    w = np.array([[1.0], [2.0]])
    X = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]])
    return [
        Case("the course's test case", (w, 2.0, X, np.array([[1, 0, 1]])), 3),
        Case("random, n_x = 4, m = 7", _logistic_data(5, 4, 7), 7),
        Case("m = 1", _logistic_data(6, 3, 1), 1),
    ]


def _optimize_cases() -> list[Case]:
    w = np.array([[1.0], [2.0]])
    X = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]])
    return [
        Case("the course's test case", (w, 2.0, X, np.array([[1, 0, 1]]), 100, 0.009, False), 3),
        Case(
            "random, n_x = 3, m = 5, 150 iterations", (*_logistic_data(7, 3, 5), 150, 0.1, False), 5
        ),
        Case("m = 1, 20 iterations", (*_logistic_data(8, 2, 1), 20, 0.5, False), 1),
    ]


def _optimize_variants(
    w: Any, b: Any, X: Any, Y: Any, n: int, rate: float, show: bool
) -> dict[str, Any]:
    return {
        "the wrong sign in the update: w := w − α dw, b := b − α db": broadcasts(
            lambda: _ascent(w, b, X, Y, n, rate)
        )
    }


def _ascent(w: Any, b: Any, X: Any, Y: Any, n: int, rate: float) -> tuple[Any, ...]:
    """The course's optimize with ``w := w + α dw``: gradient ascent."""
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    m, costs = X.shape[1], []
    for i in range(n):
        A = _sig(np.dot(w.T, X) + b)
        cost = float(-np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m)
        dw, db = np.dot(X, (A - Y).T) / m, float(np.sum(A - Y) / m)
        w, b = w + rate * dw, b + rate * db
        if i % 100 == 0:
            costs.append(cost)
    return {"w": w, "b": b}, {"dw": dw, "db": db}, costs


def _predict_cases() -> list[Case]:
    X = np.array([[1.0, -1.1, -3.2], [1.2, 2.0, 0.1]])
    w, b, X2, _ = _logistic_data(9, 4, 6)
    return [
        Case("the course's test case", (np.array([[0.1124579], [0.23106775]]), -0.3, X)),
        Case("random, n_x = 4, m = 6", (w, b, X2)),
        Case("m = 1", (np.array([[1.0], [-1.0]]), 0.1, np.array([[0.5], [0.2]]))),
    ]


def _model_cases() -> list[Case]:
    X, X_test = randn(10, (4, 12), (4, 5))
    return [
        Case(
            "random, n_x = 4, m = 12, 300 iterations",
            (X, labels(11, 12), X_test, labels(12, 5), 300, 0.05, False),
            12,
        ),
        Case(
            "m = 1, 10 iterations",
            (X[:, :1], np.ones((1, 1)), X_test, labels(12, 5), 10, 0.1, False),
            1,
        ),
    ]


def _model_adapt(yours: Any, expected: Any) -> tuple[Any, Any]:
    """The course's model returns more keys than compared; compare the learned ones."""
    keys = ("costs", "Y_prediction_test", "Y_prediction_train", "w", "b")
    return yours, {k: expected[k] for k in keys}


LOGISTIC = [
    Spec("sigmoid", logistic.sigmoid, _sigmoid_cases, ("s",), variants=_sigmoid_variants),
    Spec("initialize_with_zeros", logistic.initialize_with_zeros, _zeros_cases, ("w", "b")),
    Spec("propagate", logistic.propagate, _propagate_cases, ("grads", "cost"), ("sigmoid",)),
    Spec(
        "optimize",
        logistic.optimize,
        _optimize_cases,
        ("params", "grads", "costs"),
        ("propagate",),
        _optimize_variants,
        TRAINING,
        perturb=False,
    ),
    Spec("predict", logistic.predict, _predict_cases, ("Y_prediction",), ("sigmoid",)),
    Spec(
        "model",
        logistic.model,
        _model_cases,
        ("d",),
        ("initialize_with_zeros", "optimize", "predict"),
        tolerance=TRAINING,
        perturb=False,
        adapt=_model_adapt,
    ),
]

# ---------------------------------------------------------------- 2. planar data


def _layer_sizes_cases() -> list[Case]:
    X, Y = randn(1, (5, 3), (2, 3))
    X2, Y2 = randn(2, (7, 1), (1, 1))
    return [Case("the course's test case", (X, Y)), Case("m = 1, n_x = 7", (X2, Y2))]


def _init_cases() -> list[Case]:
    return [
        Case("(2, 4, 1)", (2, 4, 1)),
        Case("(3, 5, 2)", (3, 5, 2)),
        Case("(1, 1, 1)", (1, 1, 1)),
    ]


def _params(seed: int, n_x: int, n_h: int, n_y: int, size: float = 1.0) -> dict[str, np.ndarray]:
    W1, bias1, W2, bias2 = randn(seed, (n_h, n_x), (n_h, 1), (n_y, n_h), (n_y, 1))
    return {"W1": W1 * size, "b1": bias1 * 0.1, "W2": W2 * size, "b2": bias2 * 0.1}


def _forward_cases() -> list[Case]:
    X, b1 = randn(1, (2, 3), (4, 1))
    course = {
        "W1": np.array(recipes._W1),
        "b1": b1,
        "W2": np.array(recipes._W2),
        "b2": np.array([[-1.3]]),
    }
    (X2,) = randn(13, (3, 6))
    (X3,) = randn(14, (2, 1))
    return [
        Case("the course's test case", (X, course), 3),
        Case("random, n_x = 3, n_h = 5, m = 6", (X2, _params(15, 3, 5, 1)), 6),
        Case("m = 1", (X3, _params(16, 2, 4, 1)), 1),
    ]


def _forward(X: Any, p: Mapping[str, Any], g1: Any, g2: Any) -> tuple[Any, dict[str, Any]]:
    Z1 = np.dot(p["W1"], X) + p["b1"]
    A1 = g1(Z1)
    Z2 = np.dot(p["W2"], A1) + p["b2"]
    A2 = g2(Z2)
    return A2, {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": A2}


def _sig(z: Any) -> Any:
    return 1 / (1 + np.exp(-z))


def _forward_variants(X: Any, p: Mapping[str, Any]) -> dict[str, Any]:
    return only(
        {
            "A1 = σ(Z1): the hidden layer is tanh, A1 = np.tanh(Z1)": broadcasts(
                lambda: _forward(X, p, _sig, _sig)
            ),
            "A2 = tanh(Z2): the output layer is σ, A2 = sigmoid(Z2)": broadcasts(
                lambda: _forward(X, p, np.tanh, np.tanh)
            ),
            "W1 * X: a `*` where np.dot was meant": broadcasts(lambda: _forward_star(X, p)),
        }
    )


def _forward_star(X: Any, p: Mapping[str, Any]) -> tuple[Any, dict[str, Any]]:
    Z1 = p["W1"] * X + p["b1"]
    A1 = np.tanh(Z1)
    Z2 = np.dot(p["W2"], A1) + p["b2"]
    return _sig(Z2), {"Z1": Z1, "A1": A1, "Z2": Z2, "A2": _sig(Z2)}


def _cost_cases() -> list[Case]:
    A2 = np.array([[0.5002307, 0.49985831, 0.50023963]])
    Y = np.random.RandomState(1).standard_normal((1, 3)) > 0
    (A,) = randn(17, (1, 5))
    return [
        Case("the course's test case", (A2, Y, {}), 3),
        Case("random, m = 5", (_sig(A * 2), labels(18, 5), {}), 5),
        Case("m = 1", (np.array([[0.3]]), np.array([[1.0]]), {}), 1),
    ]


def _cost_variants(A: Any, Y: Any, *_: Any) -> dict[str, Any]:
    A, Y = np.asarray(A, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    m = Y.shape[1]
    return {
        "only the y·log(a) term: J = −(1/m) Σ (y log a + (1 − y) log(1 − a))": float(
            -np.sum(Y * np.log(A)) / m
        ),
    }


def _backward_case(seed: int, n_x: int, n_h: int, m: int) -> tuple[Any, ...]:
    p = _params(seed, n_x, n_h, 1)
    (X,) = randn(seed + 1, (n_x, m))
    _, cache = _forward(X, p, np.tanh, _sig)
    return p, cache, X, labels(seed + 2, m)


def _backward_cases() -> list[Case]:
    X, Y = randn(1, (2, 3), (1, 3))
    p = {
        "W1": np.array(recipes._W1),
        "b1": np.zeros((4, 1)),
        "W2": np.array(recipes._W2),
        "b2": np.zeros((1, 1)),
    }
    return [
        Case("the course's test case", (p, recipes._BACKWARD_CACHE, X, Y > 0), 3),
        Case("random, n_x = 3, n_h = 5, m = 6", _backward_case(20, 3, 5, 6), 6),
        Case("m = 1", _backward_case(24, 2, 4, 1), 1),
    ]


def _backward(
    p: Mapping[str, Any], c: Mapping[str, Any], X: Any, Y: Any, derivative: Any
) -> dict[str, Any]:
    X, Y = np.asarray(X, dtype=np.float64), np.asarray(Y, dtype=np.float64)
    m = X.shape[1]
    dZ2 = c["A2"] - Y
    dZ1 = derivative(np.dot(p["W2"].T, dZ2), c)
    return {
        "dW1": np.dot(dZ1, X.T) / m,
        "db1": np.sum(dZ1, axis=1, keepdims=True) / m,
        "dW2": np.dot(dZ2, c["A1"].T) / m,
        "db2": np.sum(dZ2, axis=1, keepdims=True) / m,
    }


def _backward_variants(
    p: Mapping[str, Any], c: Mapping[str, Any], X: Any, Y: Any
) -> dict[str, Any]:
    return {
        "tanh's derivative written with Z1: it is 1 − A1², with A1 = tanh(Z1)": _backward(
            p, c, X, Y, lambda d, c: d * (1 - c["Z1"] ** 2)
        ),
        "tanh's derivative is missing: dZ1 = W2ᵀ dZ2 * (1 − A1²)": _backward(
            p, c, X, Y, lambda d, c: d
        ),
        "tanh's derivative written as 1 − A1: it is 1 − A1²": _backward(
            p, c, X, Y, lambda d, c: d * (1 - c["A1"])
        ),
    }


def _update_cases() -> list[Case]:
    p = _params(30, 3, 4, 1)
    g = {f"d{k}": v for k, v in _params(31, 3, 4, 1).items()}
    p1 = _params(32, 2, 1, 1)
    g1 = {f"d{k}": v for k, v in _params(33, 2, 1, 1).items()}
    return [Case("random, α = 1.2 (the default)", (p, g)), Case("random, α = 0.5", (p1, g1, 0.5))]


def _update_variants(
    p: Mapping[str, Any], g: Mapping[str, Any], rate: float = 1.2
) -> dict[str, Any]:
    return update_variants(p, g, rate)


def update_variants(p: Mapping[str, Any], g: Mapping[str, Any], rate: float) -> dict[str, Any]:
    """``θ + α dθ`` and ``θ − dθ``, in plain NumPy."""
    return only(
        {
            "the wrong sign: θ := θ − α dθ": broadcasts(
                lambda: {k: v + rate * g["d" + k] for k, v in p.items()}
            ),
            "the learning rate is missing: θ := θ − α dθ": broadcasts(
                lambda: {k: v - g["d" + k] for k, v in p.items()}
            ),
        }
    )


def _nn_model_cases() -> list[Case]:
    X, Y = randn(1, (2, 3), (1, 3))
    (X2,) = randn(40, (3, 8))
    return [
        Case("the course's test case, 1000 iterations", (X, Y > 0, 4, 1000, False), 3),
        Case(
            "random, n_x = 3, m = 8, n_h = 3, 300 iterations", (X2, labels(41, 8), 3, 300, False), 8
        ),
    ]


def _nn_model_variants(X: Any, Y: Any, n_h: int, n: int, show: bool = False) -> dict[str, Any]:
    Y = np.asarray(Y, dtype=np.float64)
    ascent = broadcasts(
        lambda: reference.nn_model(np.asarray(X, dtype=np.float64), Y, n_h, n, -1.2).parameters
    )
    return only({"the wrong sign in the update: θ := θ − α dθ": ascent})


def _planar_predict_cases() -> list[Case]:
    (X,) = randn(1, (2, 3))
    (X2,) = randn(42, (3, 7))
    return [
        Case("the course's test case", (recipes._TRAINED, X)),
        Case("random, n_x = 3, m = 7", (_params(43, 3, 5, 1, 3.0), X2)),
    ]


PLANAR = [
    Spec("layer_sizes", planar.layer_sizes, _layer_sizes_cases, ("n_x", "n_h", "n_y")),
    Spec("initialize_parameters", planar.initialize_parameters, _init_cases, ("parameters",)),
    Spec(
        "forward_propagation",
        planar.forward_propagation,
        _forward_cases,
        ("A2", "cache"),
        variants=_forward_variants,
    ),
    Spec("compute_cost", planar.compute_cost, _cost_cases, ("cost",), variants=_cost_variants),
    Spec(
        "backward_propagation",
        planar.backward_propagation,
        _backward_cases,
        ("grads",),
        variants=_backward_variants,
    ),
    Spec(
        "update_parameters",
        planar.update_parameters,
        _update_cases,
        ("parameters",),
        variants=_update_variants,
    ),
    Spec(
        "nn_model",
        planar.nn_model,
        _nn_model_cases,
        ("parameters",),
        (
            "layer_sizes",
            "initialize_parameters",
            "forward_propagation",
            "compute_cost",
            "backward_propagation",
            "update_parameters",
        ),
        _nn_model_variants,
        TRAINING,
        perturb=False,
    ),
    Spec(
        "predict", planar.predict, _planar_predict_cases, ("predictions",), ("forward_propagation",)
    ),
]
