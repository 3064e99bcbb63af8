"""The computation graph: the course's example, every primitive against finite differences,
the network's backward pass, custom losses, drawing and errors."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nndl
from nndl import graph
from nndl.arrays.backend import to_numpy
from nndl.errors import NNDLValueError, ShapeError
from nndl.graph import Node

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
PAIRS = [
    ("sigmoid", "logistic", 1),
    ("softmax", "cross_entropy", 3),
    ("linear", "mse", 2),
    ("sigmoid", "mse", 2),
    ("tanh", "mse", 1),
]


def test_course_example() -> None:
    J, nodes = graph.course_example()
    assert float(J.value) == 33.0
    assert float(nodes["v"].value) == 11.0 and float(nodes["u"].value) == 6.0
    assert [float(nodes[k].grad) for k in "abc"] == [3.0, 6.0, 9.0]
    assert float(nodes["v"].grad) == 3.0 and float(nodes["u"].grad) == 3.0


def test_logistic_regression_graph_gives_the_course_derivatives() -> None:
    """For one example: dz = a − y, dw = x·dz, db = dz."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 1))
    for y in (0.0, 1.0):
        w, b = Node(rng.normal(size=(1, 3)), label="wᵀ"), Node(np.array([[0.3]]), label="b")
        z = w @ x + b
        z.label = "z"
        a = graph.sigmoid(z)
        loss = -(y * graph.log(a) + (1.0 - y) * graph.log(1.0 - a))
        loss.sum().backward()
        dz = a.value - y
        np.testing.assert_allclose(z.grad, dz, rtol=1e-12)
        np.testing.assert_allclose(w.grad, dz * x.T, rtol=1e-12)
        np.testing.assert_allclose(b.grad, dz, rtol=1e-12)


def test_a_node_used_twice_accumulates() -> None:
    a = Node(3.0)
    (a * a + a).backward()  # d/da (a² + a) = 2a + 1
    assert float(a.grad) == 7.0
    b = Node(np.array([[1.0, 2.0]]))
    (b + b + b).sum().backward()
    np.testing.assert_array_equal(b.grad, [[3.0, 3.0]])


def test_a_chain_of_100000_nodes() -> None:
    x = Node(1.0)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.backward()
    assert float(x.grad) == 1.0


# ---------------------------------------------------------- finite differences


def _numeric(
    f: Callable[[list[np.ndarray]], float], inputs: list[np.ndarray], h: float = 1e-6
) -> list[np.ndarray]:
    grads = []
    for k, x in enumerate(inputs):
        g = np.zeros_like(x)
        for index in np.ndindex(x.shape):
            plus = [v.copy() for v in inputs]
            minus = [v.copy() for v in inputs]
            plus[k][index] += h
            minus[k][index] -= h
            g[index] = (f(plus) - f(minus)) / (2 * h)
        grads.append(g)
    return grads


def _check(
    op: Callable[..., Node], inputs: list[np.ndarray], weights: np.ndarray | None = None
) -> None:
    """d/dx Σ w·op(x) by the graph against two-sided differences (w breaks symmetries)."""

    def scalar(values: list[np.ndarray]) -> float:
        out = op(*[Node(v) for v in values]).value
        return float(np.sum(out * (1.0 if weights is None else weights)))

    nodes = [Node(v) for v in inputs]
    out = op(*nodes)
    seed = (
        np.ones_like(out.value) if weights is None else np.broadcast_to(weights, out.shape).copy()
    )
    out.backward(seed)
    for node, expected in zip(nodes, _numeric(scalar, inputs), strict=True):
        assert node.grad is not None and node.grad.shape == node.value.shape
        np.testing.assert_allclose(node.grad, expected, rtol=1e-5, atol=1e-7)


shapes = st.sampled_from(
    [
        ((2, 3), (2, 3)),
        ((2, 3), (1, 3)),
        ((2, 3), (2, 1)),
        ((3,), (2, 3)),
        ((2, 1), (1, 4)),
        ((), (2, 2)),
    ]
)


@settings(max_examples=25, deadline=None)
@given(
    pair=shapes,
    op=st.sampled_from(["add", "subtract", "multiply", "divide", "maximum"]),
    data=st.data(),
)
def test_binary_primitives_with_broadcasting(pair, op: str, data) -> None:  # type: ignore[no-untyped-def]
    a_shape, b_shape = pair
    a = data.draw(hnp.arrays(np.float64, a_shape, elements=st.floats(-3, 3)))
    b = data.draw(hnp.arrays(np.float64, b_shape, elements=st.floats(0.5, 3)))
    if op == "maximum":  # keep away from ties, where max has no derivative
        assume(bool(np.all(np.abs(np.subtract(a, b)) > 1e-3)))
    weights = np.random.default_rng(0).normal(size=np.broadcast_shapes(a_shape, b_shape))
    _check(getattr(graph, op), [np.asarray(a), np.asarray(b)], weights)


@pytest.mark.parametrize(
    ("op", "low"),
    [(graph.exp, -2), (graph.log, 0.5), (graph.tanh, -3), (graph.sigmoid, -5), (graph.relu, -2)],
)
def test_unary_primitives(op: Callable[..., Node], low: float) -> None:
    x = np.linspace(low, 3.0, 12).reshape(3, 4) + 0.013  # stays off relu's kink
    _check(op, [x], np.random.default_rng(1).normal(size=(3, 4)))


def test_power_matmul_sum_mean_reshape_transpose() -> None:
    rng = np.random.default_rng(2)
    A, B = rng.normal(size=(3, 4)), rng.normal(size=(4, 2))
    _check(graph.matmul, [A, B], rng.normal(size=(3, 2)))
    _check(lambda a: a**3.0, [A])
    _check(graph.power, [np.abs(A) + 0.5, rng.normal(size=(3, 4))])  # exponent a node too
    for axis, keep in [(None, False), (0, False), (1, True), ((0, 1), False)]:
        _check(lambda a, ax=axis, k=keep: graph.sum(a, axis=ax, keepdims=k), [A])
        _check(lambda a, ax=axis, k=keep: graph.mean(a, axis=ax, keepdims=k), [A])
    _check(lambda a: graph.reshape(a, (2, 6)), [A], rng.normal(size=(2, 6)))
    _check(lambda a: a.T, [A], rng.normal(size=(4, 3)))


def test_on_array_api_strict_and_torch(backend) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(3)
    W, X = rng.normal(size=(2, 3)), rng.normal(size=(3, 5))
    w = Node(backend.asarray(W))
    J = graph.sum(graph.tanh(w @ backend.asarray(X)) * 2.0 + 1.0)
    J.backward()
    w_np = Node(W)
    graph.sum(graph.tanh(w_np @ X) * 2.0 + 1.0).backward()
    np.testing.assert_allclose(to_numpy(w.grad), w_np.grad, atol=1e-12)


# -------------------------------------------------------------- the network


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize(("output", "loss", "n_y"), PAIRS)
def test_graph_equals_network_backward(hidden: str, output: str, loss: str, n_y: int) -> None:
    rng = np.random.default_rng(4)
    net = nndl.Network([3, 5, 4, n_y], activations=hidden, output=output, loss=loss,
                       init="xavier", seed=0, dtype="float64")  # fmt: skip
    for l in range(1, net.L + 1):
        net.params[f"b{l}"] = 0.1 * rng.normal(size=net.params[f"b{l}"].shape)
    X = rng.normal(size=(3, 7))
    if loss == "cross_entropy":
        Y = np.eye(n_y)[:, rng.integers(0, n_y, 7)]
    elif loss == "logistic":
        Y = rng.integers(0, 2, size=(n_y, 7)).astype(float)
    else:
        Y = rng.uniform(0.1, 0.9, size=(n_y, 7))
    J_net, grads_net = net.gradients(X, Y)
    J_graph, grads_graph = graph.network_gradients(net, X, Y)
    assert J_graph == pytest.approx(J_net, abs=1e-12)
    for k in grads_net:
        np.testing.assert_allclose(grads_graph[k], grads_net[k], atol=1e-10)


def test_graph_includes_l2() -> None:
    rng = np.random.default_rng(5)
    net = nndl.Network([3, 4, 1], activations="tanh", init="xavier", seed=1, dtype="float64")
    net.l2 = 0.7
    X, Y = rng.normal(size=(3, 6)), rng.integers(0, 2, size=(1, 6))
    J_net, grads_net = net.gradients(X, Y)
    J_graph, grads_graph = graph.network_gradients(net, X, Y)
    assert J_graph == pytest.approx(J_net, abs=1e-12)
    for k in grads_net:
        np.testing.assert_allclose(grads_graph[k], grads_net[k], atol=1e-10)


# ----------------------------------------------------------- custom losses


def test_hinge_loss_learns_noisy_moons() -> None:
    X, Y = nndl.datasets.make_moons(m=100, noise=0.1, seed=0)
    net = nndl.Network([2, 16, 16, 1], activations="relu", output="linear", loss=graph.hinge(),
                       init="he", seed=0, dtype="float64")  # fmt: skip
    costs = net.fit(X, Y, learning_rate=0.01, epochs=600, optimizer="adam")
    scores = np.asarray(net.predict_proba(X))
    accuracy = np.mean((scores > 0).astype(int) == Y)
    assert accuracy == 1.0
    assert costs[-1] < 0.05 * costs[0]


def test_graph_loss_gradient_matches_finite_differences() -> None:
    rng = np.random.default_rng(6)
    for loss, A in [
        (graph.hinge(), rng.normal(size=(1, 8))),
        (graph.focal(), rng.uniform(0.05, 0.95, size=(1, 8))),
    ]:
        Y = rng.integers(0, 2, size=(1, 8)).astype(float)
        numeric = _numeric(lambda v, Y=Y, loss=loss: float(loss.value(v[0], Y)) * 8, [A])[0]
        np.testing.assert_allclose(loss.gradient(A, Y), numeric, rtol=1e-5, atol=1e-7)


def test_focal_loss_trains_and_gradient_checks() -> None:
    X, Y = nndl.datasets.make_moons(m=60, noise=0.1, seed=1)
    net = nndl.Network([2, 6, 1], activations="tanh", output="sigmoid", loss=graph.focal(),
                       init="xavier", seed=0, dtype="float64")  # fmt: skip
    assert nndl.gradient_check(net, X[:, :10], Y[:, :10]).relative_error < 1e-7
    costs = net.fit(X, Y, learning_rate=0.05, epochs=300, optimizer="adam")
    assert costs[-1] < 0.5 * costs[0]


# ------------------------------------------------------------------- drawing


def test_to_dot_lists_values_and_gradients() -> None:
    J, _ = graph.course_example()
    dot = graph.to_dot(J)
    assert dot.startswith("digraph computation {") and dot.rstrip().endswith("}")
    assert "a | value 5 | grad 3" in dot and "J = 3v | value 33 | grad 1" in dot
    assert dot.count("->") == 2 * 3 + 3  # 3 ops: parents → op (2 each) and op → result


def test_render_without_dot_says_how_to_get_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(graph.dot.shutil, "which", lambda name: None)
    J, _ = graph.course_example()
    with pytest.raises(graph.GraphvizMissingError, match="apt-get install graphviz"):
        graph.render(J, tmp_path / "g.svg")
    with pytest.raises(NNDLValueError, match=r"\.svg, \.png or \.pdf"):
        graph.render(J, tmp_path / "g.gif")


def test_render_with_dot(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    fake = tmp_path / "dot"  # stands in for Graphviz: copies the DOT text to the -o file
    fake.write_text('#!/bin/sh\ncat > "$3"\n')
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{tmp_path}{os.pathsep}{os.environ['PATH']}")
    J, _ = graph.course_example()
    out = graph.render(J, tmp_path / "pics" / "g.svg")
    assert out.read_text() == graph.to_dot(J)


def test_graph_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from nndl.cli import main

    assert main(["graph", "--example"]) == 0
    out = capsys.readouterr().out
    assert "digraph" in out and "dJ/da = 3, dJ/db = 6, dJ/dc = 9" in out
    assert main(["graph", "--example", "--out", str(tmp_path / "g.dot")]) == 0
    assert (tmp_path / "g.dot").read_text().startswith("digraph")


# -------------------------------------------------------------------- errors


def test_errors_name_the_shapes() -> None:
    with pytest.raises(ShapeError, match=r"matmul: shapes \(2, 3\) and \(2, 3\)"):
        Node(np.ones((2, 3))) @ Node(np.ones((2, 3)))
    with pytest.raises(ShapeError, match=r"shapes \(2, 3\) and \(4, 1\) cannot be broadcast"):
        Node(np.ones((2, 3))) + np.ones((4, 1))
    with pytest.raises(NNDLValueError, match=r"non-scalar node of shape \(2, 3\) needs a seed"):
        (Node(np.ones((2, 3))) * 2.0).backward()
    with pytest.raises(ShapeError, match="seed has shape"):
        Node(np.ones((2, 3))).backward(np.ones((3, 2)))
    with pytest.raises(nndl.NNDLTypeError, match="array or a number"):
        Node("x")  # type: ignore[arg-type]


def test_relu_of_a_number_and_leaky_relu_at_zero_match_the_activations() -> None:
    a = Node(3.0)
    out = graph.relu(a) * 2.0
    out.backward()
    assert out.value == 6.0 and a.grad == 2.0
    assert graph.relu(-1.0).value == 0.0
    # a network whose first layer sits exactly at Z = 0: leaky ReLU's slope there, both ways
    net = nndl.Network([2, 3, 1], activations="leaky_relu", init="he", seed=0, dtype="float64")
    net.params["W1"] = np.zeros((3, 2))
    net.params["b1"] = np.zeros((3, 1))
    X = np.array([[0.5, -1.0, 2.0], [1.0, 0.3, -0.7]])
    Y = np.array([[1.0, 0.0, 1.0]])
    J, grads = net.gradients(X, Y)
    J_graph, grads_graph = graph.network_gradients(net, X, Y)
    assert J_graph == pytest.approx(J)
    for k in grads:
        np.testing.assert_allclose(to_numpy(grads_graph[k]), to_numpy(grads[k]), atol=1e-15)
    assert np.any(grads["dW1"] != 0)  # the slope lets the gradient through at Z = 0
