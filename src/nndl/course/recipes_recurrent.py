"""The recurrent assignments' test cases and the course's expected outputs.

*Building your Recurrent Neural Network: Step by Step* seeds ``np.random.seed(1)`` and
draws its inputs and parameters in a fixed order; *Dinosaur Island* tests ``clip`` after
``np.random.seed(3)``.  Each function here runs on those inputs beside the printed
outputs.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from nndl.course import recurrent as rnn
from nndl.course.checks import Check


def _rnn_case(
    T: int | None,
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray], np.random.RandomState]:
    rng = np.random.RandomState(1)
    x = rng.standard_normal((3, 10) if T is None else (3, 10, T))
    a0 = rng.standard_normal((5, 10))
    shapes = (("Waa", (5, 5)), ("Wax", (5, 3)), ("Wya", (2, 5)), ("ba", (5, 1)), ("by", (2, 1)))
    p = {k: rng.standard_normal(s) for k, s in shapes}
    return x, a0, p, rng


def _lstm_case(T: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    rng = np.random.RandomState(1)
    x = rng.standard_normal((3, 10) if T is None else (3, 10, T))
    a0 = rng.standard_normal((5, 10))
    c0 = rng.standard_normal((5, 10)) if T is None else np.zeros((5, 10))
    p: dict[str, np.ndarray] = {}
    for gate in "fioc":
        p[f"W{gate}"] = rng.standard_normal((5, 8))
        p[f"b{gate}"] = rng.standard_normal((5, 1))
    p["Wy"], p["by"] = rng.standard_normal((2, 5)), rng.standard_normal((2, 1))
    return x, a0, c0, p


def recurrent_checks() -> Iterator[Check | str]:
    yield "Building your Recurrent Neural Network: Step by Step"
    xt, a_prev, p, _ = _rnn_case(None)
    a_next, yt, _ = rnn.rnn_cell_forward(xt, a_prev, p)
    yield Check("rnn_cell_forward: a_next[4]", a_next[4],
                [0.59584544, 0.18141802, 0.61311866, 0.99808218, 0.85016201, 0.99980978,
                 -0.18887155, 0.99815551, 0.6531151, 0.82872037], 8)  # fmt: skip
    yield Check("rnn_cell_forward: yt_pred[1]", yt[1],
                [0.9888161, 0.01682021, 0.21140899, 0.36817467, 0.98988387, 0.88945212,
                 0.36920224, 0.9966312, 0.9982559, 0.17746526], 8)  # fmt: skip

    x, a0, p, _ = _rnn_case(4)
    a, y, caches = rnn.rnn_forward(x, a0, p)
    yield Check(
        "rnn_forward: a[4][1]", a[4][1], [-0.99999375, 0.77911235, -0.99861469, -0.99833267], 8
    )
    yield Check(
        "rnn_forward: y_pred[1][3]", y[1][3], [0.79560373, 0.86224861, 0.11118257, 0.81515947], 8
    )
    yield Check("rnn_forward: caches[1][1][3]", caches[1][1][3],
                [-1.1425182, -0.34934272, -0.20889423, 0.58662319], 8)  # fmt: skip

    rng = np.random.RandomState(1)  # the backward test draws W in another order
    x, a0 = rng.standard_normal((3, 10, 4)), rng.standard_normal((5, 10))
    shapes = (("Wax", (5, 3)), ("Waa", (5, 5)), ("Wya", (2, 5)), ("ba", (5, 1)), ("by", (2, 1)))
    p = {k: rng.standard_normal(s) for k, s in shapes}
    _, _, caches = rnn.rnn_forward(x, a0, p)
    g = rnn.rnn_backward(rng.standard_normal((5, 10, 4)), caches)
    yield Check("rnn_backward: dx[1][2]", g["dx"][1][2],
                [-2.07101689, -0.59255627, 0.02466855, 0.01483317], 8)  # fmt: skip
    yield Check("rnn_backward: da0[2][3]", g["da0"][2][3], -0.314942375127, 12)
    yield Check("rnn_backward: dWax[3][1]", g["dWax"][3][1], 11.2641044965, 10)
    yield Check("rnn_backward: dWaa[1][2]", g["dWaa"][1][2], 2.30333312658, 11)
    yield Check("rnn_backward: dba[4]", g["dba"][4], [-0.74747722], 8)

    xt, a_prev, c_prev, p = _lstm_case(None)
    a_next, c_next, yt, cache = rnn.lstm_cell_forward(xt, a_prev, c_prev, p)
    yield Check("lstm_cell_forward: a_next[4]", a_next[4],
                [-0.66408471, 0.0036921, 0.02088357, 0.22834167, -0.85575339, 0.00138482,
                 0.76566531, 0.34631421, -0.00215674, 0.43827275], 8)  # fmt: skip
    yield Check("lstm_cell_forward: c_next[2]", c_next[2],
                [0.63267805, 1.00570849, 0.35504474, 0.20690913, -1.64566718, 0.11832942,
                 0.76449811, -0.0981561, -0.74348425, -0.26810932], 8)  # fmt: skip
    yield Check("lstm_cell_forward: yt[1]", yt[1],
                [0.79913913, 0.15986619, 0.22412122, 0.15606108, 0.97057211, 0.31146381,
                 0.00943007, 0.12666353, 0.39380172, 0.07828381], 8)  # fmt: skip
    yield Check("lstm_cell_forward: cache[1][3]", cache[1][3],
                [-0.16263996, 1.03729328, 0.72938082, -0.54101719, 0.02752074, -0.30821874,
                 0.07651101, -1.03752894, 1.41219977, -0.37647422], 8)  # fmt: skip

    x, a0, _, p = _lstm_case(7)
    a, y, c, caches = rnn.lstm_forward(x, a0, p)
    yield Check("lstm_forward: a[4][3][6]", a[4][3][6], 0.172117767533, 12)
    yield Check("lstm_forward: y[1][4][3]", y[1][4][3], 0.95087346185, 11)
    yield Check("lstm_forward: caches[1][1][1]", caches[1][1][1],
                [0.82797464, 0.23009474, 0.76201118, -0.22232814, -0.20075807, 0.18656139,
                 0.41005165], 8)  # fmt: skip
    yield Check("lstm_forward: c[1][2][1]", c[1][2][1], -0.855544916718, 12)

    yield "Dinosaur Island: clip"
    for max_value, want in ((10, (10.0, -10.0, 0.29713815361, 10.0, 8.45833407)),
                            (5, (5.0, -5.0, 0.29713815361, 5.0, 5.0))):  # fmt: skip
        rng = np.random.RandomState(3)
        grads = {"dWax": rng.standard_normal((5, 3)) * 10, "dWaa": rng.standard_normal((5, 5)) * 10,
                 "dWya": rng.standard_normal((2, 5)) * 10, "db": rng.standard_normal((5, 1)) * 10,
                 "dby": rng.standard_normal((2, 1)) * 10}  # fmt: skip
        g = rnn.clip(grads, max_value)
        got = (g["dWaa"][1][2], g["dWax"][3][1], g["dWya"][1][2], g["db"][4][0], g["dby"][1][0])
        what = f"clip(gradients, {max_value}): dWaa[1][2], dWax[3][1], dWya[1][2], db[4], dby[1]"
        yield Check(what, list(got), list(want), 8)
