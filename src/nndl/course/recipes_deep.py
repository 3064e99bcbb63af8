"""The step-by-step assignment's test cases (the course's ``testCases_v4a``) and outputs."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from nndl.course import deep
from nndl.course.checks import Check


def _randn(seed: int, *shapes: tuple[int, ...]) -> list[np.ndarray]:
    rng = np.random.RandomState(seed)
    return [rng.standard_normal(shape) for shape in shapes]


def step_by_step_checks() -> Iterator[Check]:
    p = deep.initialize_parameters(3, 2, 1)
    yield Check("initialize_parameters(3, 2, 1): W1", p["W1"],
                [[0.01624345, -0.00611756, -0.00528172], [-0.01072969, 0.00865408, -0.02301539]],
                8)  # fmt: skip
    yield Check("initialize_parameters(3, 2, 1): W2", p["W2"], [[0.01744812, -0.00761207]], 8)
    p = deep.initialize_parameters_deep([5, 4, 3])
    yield Check("initialize_parameters_deep([5, 4, 3]): W1", p["W1"],
                [[0.01788628, 0.0043651, 0.00096497, -0.01863493, -0.00277388],
                 [-0.00354759, -0.00082741, -0.00627001, -0.00043818, -0.00477218],
                 [-0.01313865, 0.00884622, 0.00881318, 0.01709573, 0.00050034],
                 [-0.00404677, -0.0054536, -0.01546477, 0.00982367, -0.01101068]], 8)  # fmt: skip
    yield Check("initialize_parameters_deep([5, 4, 3]): W2", p["W2"],
                [[-0.01185047, -0.0020565, 0.01486148, 0.00236716],
                 [-0.01023785, -0.00712993, 0.00625245, -0.00160513],
                 [-0.00768836, -0.00230031, 0.00745056, 0.01976111]], 8)  # fmt: skip

    A, W, b = _randn(1, (3, 2), (1, 3), (1, 1))
    yield Check(
        "linear_forward: Z", deep.linear_forward(A, W, b)[0], [[3.26295337, -1.23429987]], 8
    )
    A_prev, W, b = _randn(2, (3, 2), (1, 3), (1, 1))
    A, _ = deep.linear_activation_forward(A_prev, W, b, "sigmoid")
    yield Check("linear_activation_forward, sigmoid: A", A, [[0.96890023, 0.11013289]], 8)
    A, _ = deep.linear_activation_forward(A_prev, W, b, "relu")
    yield Check("linear_activation_forward, relu: A", A, [[3.43896131, 0.0]], 8)

    X, W1, b1, W2, b2, W3, b3 = _randn(6, (5, 4), (4, 5), (4, 1), (3, 4), (3, 1), (1, 3), (1, 1))
    params = {"W1": W1, "b1": b1, "W2": W2, "b2": b2, "W3": W3, "b3": b3}
    AL, caches = deep.L_model_forward(X, params)
    yield Check("L_model_forward: AL", AL, [[0.03921668, 0.70498921, 0.19734387, 0.04728177]], 8)
    yield Check("L_model_forward: len(caches)", len(caches), 3, 0)

    cost = deep.compute_cost(np.array([[0.8, 0.9, 0.4]]), np.array([[1, 1, 0]]))
    yield Check("compute_cost", cost, 0.2797765635793422, 16)

    dZ, A, W, b = _randn(1, (3, 4), (5, 4), (3, 5), (3, 1))
    dA_prev, dW, db = deep.linear_backward(dZ, (A, W, b))
    yield Check("linear_backward: dA_prev", dA_prev,
                [[-1.15171336, 0.06718465, -0.3204696, 2.09812712],
                 [0.60345879, -3.72508701, 5.81700741, -3.84326836],
                 [-0.4319552, -1.30987417, 1.72354705, 0.05070578],
                 [-0.38981415, 0.60811244, -1.25938424, 1.47191593],
                 [-2.52214926, 2.67882552, -0.67947465, 1.48119548]], 8)  # fmt: skip
    yield Check("linear_backward: dW", dW,
                [[0.07313866, -0.0976715, -0.87585828, 0.73763362, 0.00785716],
                 [0.85508818, 0.37530413, -0.59912655, 0.71278189, -0.58931808],
                 [0.97913304, -0.24376494, -0.08839671, 0.55151192, -0.10290907]], 8)  # fmt: skip
    yield Check("linear_backward: db", db, [[-0.14713786], [-0.11313155], [-0.13209101]], 8)

    dA, A, W, b, Z = _randn(2, (1, 2), (3, 2), (1, 3), (1, 1), (1, 2))
    for activation, want in (
        ("sigmoid", ([[0.11017994, 0.01105339], [0.09466817, 0.00949723],
                      [-0.05743092, -0.00576154]],
                     [[0.10266786, 0.09778551, -0.01968084]], [[-0.05729622]])),
        ("relu", ([[0.44090989, 0.0], [0.37883606, 0.0], [-0.2298228, 0.0]],
                  [[0.44513824, 0.37371418, -0.10478989]], [[-0.20837892]])),
    ):  # fmt: skip
        got = deep.linear_activation_backward(dA, ((A, W, b), Z), activation)
        for name, ours, course in zip(("dA_prev", "dW", "db"), got, want, strict=True):
            yield Check(f"linear_activation_backward, {activation}: {name}", ours, course, 8)

    rng = np.random.RandomState(3)
    AL = rng.standard_normal((1, 2))
    Y = np.array([[1, 0]])
    layers = []
    for shapes in (((4, 2), (3, 4), (3, 1), (3, 2)), ((3, 2), (1, 3), (1, 1), (1, 2))):
        A_prev, W, b, Z = (rng.standard_normal(s) for s in shapes)
        layers.append(((A_prev, W, b), Z))
    grads = deep.L_model_backward(AL, Y, layers)
    yield Check("L_model_backward: dW1", grads["dW1"],
                [[0.41010002, 0.07807203, 0.13798444, 0.10502167], [0.0, 0.0, 0.0, 0.0],
                 [0.05283652, 0.01005865, 0.01777766, 0.0135308]], 8)  # fmt: skip
    yield Check("L_model_backward: db1", grads["db1"], [[-0.22007063], [0.0], [-0.02835349]], 8)
    yield Check("L_model_backward: dA1", grads["dA1"],
                [[0.12913162, -0.44014127], [-0.14175655, 0.48317296],
                 [0.01663708, -0.05670698]], 8)  # fmt: skip

    W1, b1, W2, b2 = _randn(2, (3, 4), (3, 1), (1, 3), (1, 1))
    dW1, db1, dW2, db2 = _randn(3, (3, 4), (3, 1), (1, 3), (1, 1))
    new = deep.update_parameters(
        {"W1": W1, "b1": b1, "W2": W2, "b2": b2},
        {"dW1": dW1, "db1": db1, "dW2": dW2, "db2": db2},
        0.1,
    )
    yield Check("update_parameters: W1", new["W1"],
                [[-0.59562069, -0.09991781, -2.14584584, 1.82662008],
                 [-1.76569676, -0.80627147, 0.51115557, -1.18258802],
                 [-1.0535704, -0.86128581, 0.68284052, 2.20374577]], 8)  # fmt: skip
    yield Check("update_parameters: b1", new["b1"], [[-0.04659241], [-1.28888275], [0.53405496]], 8)
    yield Check("update_parameters: W2", new["W2"], [[-0.55569196, 0.0354055, 1.32964895]], 8)
    yield Check("update_parameters: b2", new["b2"], [[-0.84610769]], 8)
