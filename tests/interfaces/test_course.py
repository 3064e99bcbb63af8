"""nndl.course: the course's expected outputs on its seeded test cases; agreement with Network."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import nndl
from nndl import course
from nndl.course import application, deep, logistic, planar
from nndl.course.checks import FAIL, OK, Check
from nndl.course.recipes import FLOWER_COSTS, planar_assignment
from nndl.course.recipes_deep import step_by_step_checks
from nndl.errors import NNDLTypeError, ShapeError
from nndl.model import losses

# ------------------------------------------------- the course's expected outputs


def test_step_by_step_matches_every_expected_output() -> None:
    checks = list(step_by_step_checks())
    assert len(checks) == 26
    assert [c.what for c in checks if not c.ok] == []


def test_course_L_model_backward_golden() -> None:
    """testCases_v4a's L_model_backward_test_case (np.random.seed(3)); AL is randn, not σ(Z)."""
    rng = np.random.RandomState(3)
    AL, Y = rng.standard_normal((1, 2)), np.array([[1, 0]])
    caches = []
    for shapes in (((4, 2), (3, 4), (3, 1), (3, 2)), ((3, 2), (1, 3), (1, 1), (1, 2))):
        A_prev, W, b, Z = (rng.standard_normal(s) for s in shapes)
        caches.append(((A_prev, W, b), Z))
    grads = course.L_model_backward(AL, Y, caches)
    np.testing.assert_allclose(grads["db1"], [[-0.22007063], [0.0], [-0.02835349]], atol=5e-9)
    np.testing.assert_allclose(
        grads["dA1"],
        [[0.12913162, -0.44014127], [-0.14175655, 0.48317296], [0.01663708, -0.05670698]],
        atol=5e-9,
    )
    assert sorted(grads) == ["dA0", "dA1", "dW1", "dW2", "db1", "db2"]


def test_course_logistic_functions_both_versions() -> None:
    w = np.array([[1.0], [2.0]])
    grads, cost = course.propagate(
        w, 2.0, np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]]), [[1, 0, 1]]
    )
    assert cost == pytest.approx(5.801545319394553, abs=1e-12)
    np.testing.assert_allclose(grads["dw"], [[0.99845601], [2.39507239]], atol=5e-9)
    X, Y = np.array([[1.0, -2.0, -1.0], [3.0, 0.5, -3.2]]), np.array([[1, 1, 0]])
    params, grads, costs = course.optimize(w, 1.5, X, Y, num_iterations=100, learning_rate=0.009)
    np.testing.assert_allclose(params["w"], [[0.80956046], [2.0508202]], atol=5e-9)
    assert params["b"] == pytest.approx(1.5948713189708588, abs=1e-12)
    assert grads["db"] == pytest.approx(-0.08888460336847771, abs=1e-12)
    assert costs == [pytest.approx(0.15900537707692405, abs=1e-12)]
    assert course.sigmoid(0) == 0.5 and course.sigmoid(np.array([0, 2]))[1] == pytest.approx(
        0.88079708, abs=5e-9
    )


def test_planar_functions_and_flower_match_the_course() -> None:
    lines = list(planar_assignment(None, iterations=50))  # a short sweep: not compared
    checks = [c for c in lines if isinstance(c, Check)]
    assert [c.what for c in checks if not c.ok] == []
    compared = [c.what for c in checks if c.compared and c.here is None]
    assert len([w for w in compared if w.startswith("cost after")]) == len(FLOWER_COSTS) == 8
    # after 7000 the cost oscillates: compared with the course's code on this machine
    here = [c for c in checks if c.here is not None]
    assert [c.what for c in here] == ["cost after iteration 8000", "cost after iteration 9000"]
    assert all(c.ok and c.tolerance == 5e-4 for c in here)
    assert "accuracy %" in compared and "nn_model: b2" in compared


def test_optimize_is_the_courses_loop() -> None:
    """The course's loop, written out with propagate, gives optimize's w, b, grads and costs."""
    rng = np.random.RandomState(0)
    X, Y = rng.standard_normal((3, 20)), (rng.random_sample((1, 20)) > 0.5).astype(float)
    w, b, costs = np.zeros((3, 1)), 0.0, []
    for i in range(250):
        grads, cost = course.propagate(w, b, X, Y)
        if i % 100 == 0:
            costs.append(cost)
        w, b = w - 0.1 * grads["dw"], b - 0.1 * grads["db"]
    params, last, ours = course.optimize(np.zeros((3, 1)), 0.0, X, Y, 250, 0.1)
    np.testing.assert_allclose(params["w"], w, rtol=1e-12, atol=1e-14)
    assert params["b"] == pytest.approx(b, abs=1e-13)
    np.testing.assert_allclose(last["dw"], grads["dw"], atol=1e-14)
    np.testing.assert_allclose(ours, costs, atol=1e-13)


def test_checks_can_fail() -> None:
    bad = Check("cost", 0.2880840, 0.288083, 6)
    assert not bad.ok and bad.line().startswith(FAIL) and "5e-07" in bad.line()
    assert Check("cost", 0.2880834, 0.288083, 6).line().startswith(OK)
    assert not Check("accuracy %", 89.75, 90, 2, floor=True).ok
    assert Check("accuracy %", 90.75, 90, 2, floor=True).ok
    assert not Check("W", np.ones((2, 2)), np.ones((3, 1)), 8).ok


# ----------------------------------------------------- agreement with Network


@st.composite
def deep_cases(draw: st.DrawFn) -> tuple[list[int], int, int]:
    depth = draw(st.integers(1, 4))
    dims = [draw(st.integers(1, 6)) for _ in range(depth)] + [1]
    return dims, draw(st.integers(1, 7)), draw(st.integers(0, 2**31 - 1))


@settings(max_examples=40, deadline=None)
@given(deep_cases())
def test_deep_functions_equal_network(case: tuple[list[int], int, int]) -> None:
    dims, m, seed = case
    net = nndl.Network(dims, activations="relu", init="he", seed=seed, dtype="float64")
    rng = np.random.RandomState(seed)
    for l in range(1, net.L + 1):  # non-zero biases
        net.params[f"b{l}"] = 0.1 * rng.standard_normal(net.params[f"b{l}"].shape)
    X = rng.standard_normal((dims[0], m))
    Y = (rng.random_sample((1, m)) > 0.5).astype(np.float64)

    AL, caches = course.L_model_forward(X, net.params)
    AL_net, caches_net = net.forward(X)
    np.testing.assert_array_equal(AL, AL_net)
    assert len(caches) == net.L
    A = X  # the same, one layer at a time
    for l in range(1, net.L + 1):
        activation = "sigmoid" if l == net.L else "relu"
        A, cache = course.linear_activation_forward(
            A, net.params[f"W{l}"], net.params[f"b{l}"], activation
        )
        np.testing.assert_array_equal(cache[1], caches_net[l - 1].Z)
    np.testing.assert_allclose(A, AL, rtol=1e-15, atol=0)

    # the course's cost works from A[L]: log(1 − a) of an a within δ of 1 carries a relative
    # error of about ε/δ, which nndl's cost from Z does not have; the tolerance says so
    closest = float(np.min(np.minimum(AL, 1 - AL)))
    assume(closest > 1e-12)  # beyond that the course's log(1 − a) is log(0), clipped
    rel = 1e-9 + 4 * np.finfo(np.float64).eps / closest
    assert course.compute_cost(AL, Y) == pytest.approx(net.cost(X, Y), rel=rel, abs=1e-12)
    grads = course.L_model_backward(AL, Y, caches)
    _, reference = net.gradients(X, Y)
    for key, value in reference.items():
        np.testing.assert_allclose(grads[key], value, rtol=1e-7, atol=1e-10)

    new = course.update_parameters(net.params, grads, 0.05)
    for key, value in net.params.items():
        np.testing.assert_allclose(new[key], value - 0.05 * grads["d" + key], rtol=0, atol=0)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.integers(1, 6), st.integers(1, 8), st.integers(0, 2**31 - 1))
def test_planar_functions_equal_network(n_x: int, n_h: int, m: int, seed: int) -> None:
    rng = np.random.RandomState(seed)
    net = nndl.Network([n_x, n_h, 1], activations="tanh", init="xavier", seed=seed, dtype="float64")
    X = rng.standard_normal((n_x, m))
    Y = (rng.random_sample((1, m)) > 0.5).astype(np.float64)
    A2, cache = course.forward_propagation(X, net.params)
    np.testing.assert_array_equal(A2, net.forward(X)[0])
    assert set(cache) == {"Z1", "A1", "Z2", "A2"} and cache["A1"].shape == (n_h, m)
    grads = course.backward_propagation(net.params, cache, X, Y)
    _, reference = net.gradients(X, Y)
    for key, value in reference.items():
        np.testing.assert_allclose(grads[key], value, rtol=1e-9, atol=1e-13)
    np.testing.assert_array_equal(course.predict(net.params, X), net.predict(X))


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 6), st.integers(1, 8), st.integers(0, 2**31 - 1))
def test_logistic_functions_equal_network(n_x: int, m: int, seed: int) -> None:
    rng = np.random.RandomState(seed)
    w, b = rng.standard_normal((n_x, 1)), float(rng.standard_normal())
    X = rng.standard_normal((n_x, m))
    Y = (rng.random_sample((1, m)) > 0.5).astype(np.float64)
    net = nndl.logistic_regression(n_x, dtype="float64")
    net.params = {"W1": w.T.copy(), "b1": np.array([[b]])}
    grads, cost = course.propagate(w, b, X, Y)
    J, reference = net.gradients(X, Y)
    assert cost == J
    np.testing.assert_array_equal(grads["dw"], reference["dW1"].T)
    np.testing.assert_array_equal(course.predict(w, b, X), net.predict(X))
    A = course.sigmoid(w.T @ X + b)
    assert course.compute_cost(A, Y) == pytest.approx(J, rel=1e-9, abs=1e-12)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 5), st.integers(1, 6), st.integers(0, 2**31 - 1))
def test_dAL_is_the_losses_gradient_inside_0_1(n: int, m: int, seed: int) -> None:
    rng = np.random.RandomState(seed)
    AL = rng.uniform(0.01, 0.99, size=(n, m))
    Y = (rng.random_sample((n, m)) > 0.5).astype(np.float64)
    np.testing.assert_allclose(
        deep.dAL_logistic(AL, Y), losses.get("logistic").gradient(AL, Y), rtol=1e-14
    )
    Z = rng.standard_normal((n, m))
    np.testing.assert_array_equal(course.relu_backward(AL, Z), AL * (Z > 0))
    s = 1 / (1 + np.exp(-Z))
    np.testing.assert_allclose(course.sigmoid_backward(AL, Z), AL * s * (1 - s), rtol=1e-14)


# --------------------------------------------------- models, names, errors


def test_application_models_are_networks_fit() -> None:
    rng = np.random.RandomState(0)
    X = rng.random_sample((12, 30))
    Y = (X[:1] > 0.5).astype(np.float64)
    params, costs = course.two_layer_model(X, Y, (12, 3, 1), 0.1, 201)
    net = application.two_layer_network((12, 3, 1))
    history = net.fit(X, Y, 0.1, 201)
    assert costs == list(history[::100]) and len(costs) == 3
    for k in params:
        np.testing.assert_array_equal(params[k], net.params[k])
    params, costs = course.L_layer_model(X, Y, [12, 4, 3, 1], 0.1, 101)
    net = nndl.Network([12, 4, 3, 1], activations="relu", init="scaled", seed=1, dtype="float64")
    assert costs == list(net.fit(X, Y, 0.1, 101)[::100])
    first = application.initialize_parameters_deep([12, 4, 3, 1])
    np.testing.assert_array_equal(
        first["W2"], nndl.model.init.initialize([12, 4, 3, 1], "scaled", 1)["W2"]
    )


def test_print_cost_prints_the_courses_lines(capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.RandomState(0)
    X, Y = rng.random_sample((4, 10)), (rng.random_sample((1, 10)) > 0.5).astype(float)
    course.two_layer_model(X, Y, (4, 2, 1), num_iterations=150, print_cost=True)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == [
        "Cost after iteration 0",
        "Cost after iteration 100",
        "Cost after iteration 149",
    ]
    d = course.model(X, Y, X, Y, num_iterations=201, learning_rate=0.1, print_cost=True)
    out = capsys.readouterr().out
    assert "Cost after iteration 200:" in out and "train accuracy:" in out
    assert len(d["costs"]) == 3 and d["Y_prediction_test"].shape == (1, 10)


def test_predict_takes_the_three_forms(capsys: pytest.CaptureFixture[str]) -> None:
    rng = np.random.RandomState(1)
    X = rng.standard_normal((2, 5))
    params = planar.initialize_parameters(2, 3, 1)
    assert course.predict(params, X).shape == (1, 5)
    assert course.predict(np.ones((2, 1)), 0.0, X).dtype == np.float64
    p = course.predict(X, np.zeros((1, 5)), params)
    assert p.shape == (1, 5) and capsys.readouterr().out.startswith("Accuracy: ")
    with pytest.raises(NNDLTypeError, match="predict"):
        course.predict(X)


def test_seeds_of_the_assignments_differ_as_the_course() -> None:
    np.testing.assert_allclose(
        planar.initialize_parameters(2, 4, 1)["W1"][0], [-0.00416758, -0.00056267], atol=5e-9
    )
    np.testing.assert_allclose(
        course.initialize_parameters(3, 2, 1)["W1"][0],
        [0.01624345, -0.00611756, -0.00528172],
        atol=5e-9,
    )
    assert course.initialize_parameters is deep.initialize_parameters
    assert course.sigmoid is logistic.sigmoid and isinstance(deep.sigmoid(np.zeros((1, 1))), tuple)


def test_bad_parameters_are_explained() -> None:
    with pytest.raises(ShapeError, match="W2"):
        course.L_model_forward(
            np.ones((3, 2)),
            {
                "W1": np.ones((4, 3)),
                "b1": np.ones((4, 1)),
                "W2": np.ones((1, 5)),
                "b2": np.ones((1, 1)),
            },
        )
    with pytest.raises(NNDLTypeError, match="dict"):
        course.forward_propagation(np.ones((2, 2)), [1, 2])  # type: ignore[arg-type]
    with pytest.raises(ShapeError, match="column"):
        course.propagate(np.ones(3), 0.0, np.ones((3, 2)), np.ones((1, 2)))
