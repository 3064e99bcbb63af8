"""The network: the course's golden numbers, gradients, backends, seeds."""

from __future__ import annotations

import hypothesis.extra.numpy as hnp
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nndl
from nndl import Network, gradient_check, logistic_regression
from nndl.arrays.backend import to_numpy

HIDDEN = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
OUTPUTS = [
    ("sigmoid", "logistic", 1),
    ("softmax", "cross_entropy", 3),
    ("linear", "mse", 2),
    ("exponential", "poisson", 2),
]


@pytest.fixture(scope="module")
def flower() -> tuple[np.ndarray, np.ndarray]:
    return nndl.datasets.load_planar()


def _data(n_x: int, n_y: int, loss: str, m: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_x, m))
    if loss == "logistic":
        Y = rng.integers(0, 2, size=(n_y, m)).astype(float)
    elif loss == "cross_entropy":
        Y = np.eye(n_y)[:, rng.integers(0, n_y, size=m)]
    elif loss == "poisson":
        Y = rng.poisson(1.5, size=(n_y, m)).astype(float)
    else:
        Y = rng.normal(size=(n_y, m))
    return X, Y


# ---------------------------------------------------------------- the course


def test_flower_reproduces_the_course(flower) -> None:  # type: ignore[no-untyped-def]
    """Planar data classification with one hidden layer: 4 tanh units, lr 1.2, 10,000 iterations."""
    X, Y = flower
    net = Network([2, 4, 1], activations="tanh", seed=2, dtype="float64")
    costs = net.fit(X, Y, learning_rate=1.2, epochs=10_000)
    course = [0.693048, 0.288083, 0.254385, 0.233864, 0.226792, 0.222644, 0.219731, 0.217504]
    np.testing.assert_allclose(costs[:8000:1000], course, atol=5e-7)
    assert net.accuracy(X, Y) >= 0.90  # the course reports 90%


def test_logistic_regression_cannot_separate_the_flower(flower) -> None:  # type: ignore[no-untyped-def]
    X, Y = flower
    net = logistic_regression(2)
    net.fit(X, Y, learning_rate=1.2, epochs=2000)
    assert net.accuracy(X, Y) <= 0.55  # the course reports 47%


@pytest.mark.slow
def test_hidden_layer_size_sweep(flower) -> None:  # type: ignore[no-untyped-def]
    """The course: n_h = 1: 67.5%, 2: 67.25%, 3: 90.75%, 4: 90.5%, 5: 91.25%."""
    X, Y = flower
    accuracy = {}
    for n_h in (1, 2, 3, 4, 5):
        net = Network([2, n_h, 1], activations="tanh", seed=2)
        net.fit(X, Y, learning_rate=1.2, epochs=5000)
        accuracy[n_h] = net.accuracy(X, Y)
    assert all(accuracy[n] >= 0.88 for n in (3, 4, 5)), accuracy
    assert all(accuracy[n] <= 0.75 for n in (1, 2)), accuracy
    assert accuracy[1] == pytest.approx(0.675) and accuracy[5] == pytest.approx(0.9125)


def test_course_propagate_and_optimize() -> None:
    """Logistic regression with a neural-network mindset: propagate() and optimize()."""
    net = logistic_regression(2, dtype="float64")
    net.params["W1"] = np.array([[1.0, 2.0]])  # w = [[1], [2]] as a row: W1 = wᵀ
    net.params["b1"] = np.array([[2.0]])
    X = np.array([[1.0, 2.0, -1.0], [3.0, 4.0, -3.2]])
    Y = np.array([[1, 0, 1]])
    J, grads = net.gradients(X, Y)
    assert pytest.approx(5.801545319394553, abs=1e-12) == J
    np.testing.assert_allclose(grads["dW1"], [[0.99845601, 2.39507239]], atol=5e-9)
    assert grads["db1"][0, 0] == pytest.approx(0.00145557813678, abs=1e-12)
    net.fit(X, Y, learning_rate=0.009, epochs=100)
    np.testing.assert_allclose(net.params["W1"], [[0.19033591, 0.12259159]], atol=5e-9)
    assert net.params["b1"][0, 0] == pytest.approx(1.92535983008, abs=1e-10)


def test_course_predict() -> None:
    net = logistic_regression(2, dtype="float64")
    net.params["W1"] = np.array([[0.1124579, 0.23106775]])
    net.params["b1"] = np.array([[-0.3]])
    pred = net.predict(np.array([[1.0, -1.1, -3.2], [1.2, 2.0, 0.1]]))
    np.testing.assert_array_equal(pred, [[1, 1, 0]])
    assert pred.shape == (1, 3)


# ------------------------------------------------------------- gradients


def _with_random_biases(net: Network) -> Network:
    """Non-zero biases: with b = 0 a unit fed only by dead ReLUs sits exactly on relu's kink at 0,
    where no finite difference can match a one-sided derivative."""
    rng = np.random.default_rng(99)
    for l in range(1, net.L + 1):
        b = net.params[f"b{l}"]
        net.params[f"b{l}"] = (0.1 * rng.normal(size=b.shape)).astype(b.dtype)
    return net


@pytest.mark.parametrize("hidden", HIDDEN)
@pytest.mark.parametrize(("output", "loss", "n_y"), OUTPUTS)
@pytest.mark.parametrize("depth", [1, 2, 3])
def test_gradient_check(hidden: str, output: str, loss: str, n_y: int, depth: int) -> None:
    dims = [*[4, 5, 4, 3][: depth + 1], n_y]
    net = _with_random_biases(
        Network(dims, activations=hidden, output=output, loss=loss, init="xavier", seed=1)
    )
    X, Y = _data(4, n_y, loss, m=6, seed=depth)
    result = gradient_check(net, X, Y)
    assert result.relative_error < 1e-7, str(result)


@pytest.mark.parametrize(
    ("output", "loss"), [("sigmoid", "mse"), ("tanh", "mse"), ("softmax", "mse")]
)
def test_gradient_check_unmatched_output_and_loss(output: str, loss: str) -> None:
    """The general chain rule dZ[L] = dA[L] * g'(Z[L]) when no fused form applies."""
    n_y = 3
    net = Network([3, 4, n_y], activations="tanh", output=output, loss=loss, init="xavier", seed=0)
    assert not net.fused_output
    X, Y = _data(3, n_y, "mse", m=5)
    Y = np.abs(Y) / np.abs(Y).sum(axis=0)  # valid for every output
    assert gradient_check(net, X, Y).relative_error < 1e-7


def test_gradient_check_catches_a_wrong_backward(monkeypatch: pytest.MonkeyPatch) -> None:
    net = Network([3, 4, 1], activations="tanh", init="xavier", seed=0)
    X, Y = _data(3, 1, "logistic", m=8)
    backward = Network.backward_pass

    def wrong(self, AL, Y, caches):  # type: ignore[no-untyped-def]
        grads = backward(self, AL, Y, caches)
        grads["dW1"] = grads["dW1"] * 1.01
        return grads

    monkeypatch.setattr(Network, "backward_pass", wrong)
    result = gradient_check(net, X, Y)
    assert not result.passed
    assert max(result.per_parameter, key=result.per_parameter.__getitem__) == "W1"
    assert "FAILED" in str(result)


def test_backward_shapes_and_names() -> None:
    net = Network([5, 4, 3, 1], activations="relu", seed=0)
    X, Y = _data(5, 1, "logistic", m=10)
    AL, caches = net.forward(X)
    assert AL.shape == (1, 10) and len(caches) == 3
    assert caches[0].A_prev is not None and caches[1].Z.shape == (3, 10)
    grads = net.backward(AL, Y, caches)
    assert list(grads) == ["dW1", "db1", "dW2", "db2", "dW3", "db3"]
    for k, v in net.params.items():
        assert grads["d" + k].shape == v.shape
        assert grads["d" + k].dtype == np.float32


# ---------------------------------------------------------------- backends


def test_array_api_strict_agrees_with_numpy(backend) -> None:  # type: ignore[no-untyped-def]
    X, Y = _data(3, 1, "logistic", m=20)
    reference = Network([3, 5, 4, 1], activations="relu", init="he", seed=4, dtype="float64")
    net = Network([3, 5, 4, 1], activations="relu", init="he", seed=4, dtype="float64")
    AL, caches = net.forward(backend.asarray(X))
    AL_ref, caches_ref = reference.forward(X)
    np.testing.assert_allclose(to_numpy(AL), AL_ref, atol=1e-6)
    grads = net.backward(AL, backend.asarray(Y), caches)
    grads_ref = reference.backward(AL_ref, Y, caches_ref)
    for k in grads_ref:
        np.testing.assert_allclose(to_numpy(grads[k]), grads_ref[k], atol=1e-6)
    costs = net.fit(backend.asarray(X), backend.asarray(Y), learning_rate=0.5, epochs=50)
    costs_ref = reference.fit(X, Y, learning_rate=0.5, epochs=50)
    np.testing.assert_allclose(costs, costs_ref, atol=1e-6)
    for k in reference.params:
        np.testing.assert_allclose(to_numpy(net.params[k]), reference.params[k], atol=1e-6)
    assert type(net.params["W1"]) is type(backend.asarray(X))  # parameters live with the data
    pred = net.predict(backend.asarray(X))
    np.testing.assert_array_equal(to_numpy(pred), reference.predict(X))


def test_multiclass_on_backends(backend) -> None:  # type: ignore[no-untyped-def]
    X, labels = nndl.datasets.make_spiral(m=150, classes=3, seed=0)
    net = Network([2, 20, 3], activations="relu", init="he", seed=0)
    assert net.output.name == "softmax" and net.loss.name == "cross_entropy"
    costs = net.fit(backend.asarray(X), backend.asarray(labels), learning_rate=1.0, epochs=300)
    assert costs[-1] < 0.6 * costs[0]
    assert net.accuracy(backend.asarray(X), backend.asarray(labels)) > 0.7
    pred = to_numpy(net.predict(backend.asarray(X)))
    assert pred.shape == (1, 150) and set(np.unique(pred)) <= {0, 1, 2}


def test_regression() -> None:
    rng = np.random.default_rng(0)
    X = rng.uniform(-2, 2, size=(1, 200))
    Y = np.sin(X)
    net = Network([1, 16, 1], activations="tanh", loss="mse", init="xavier", seed=0)
    assert net.output.name == "linear" and net.task == "regression"
    costs = net.fit(X, Y, learning_rate=0.1, epochs=2000)
    assert costs[-1] < 0.01
    assert net.predict(X).shape == (1, 200)
    with pytest.raises(nndl.NNDLValueError, match="classification"):
        net.accuracy(X, Y)


# ------------------------------------------------------------------ seeds


def test_same_seed_gives_bit_identical_parameters() -> None:
    X, Y = _data(3, 1, "logistic", m=30)
    a = Network([3, 6, 1], activations="relu", init="he", seed=11)
    b = Network([3, 6, 1], activations="relu", init="he", seed=11)
    a.fit(X, Y, learning_rate=0.1, epochs=20)
    b.fit(X, Y, learning_rate=0.1, epochs=20)
    for k in a.params:
        assert a.params[k].tobytes() == b.params[k].tobytes()
    c = Network([3, 6, 1], activations="relu", init="he", seed=12)
    assert not np.array_equal(a.params["W1"], c.params["W1"])


def test_zero_initialization_keeps_hidden_units_identical(flower) -> None:  # type: ignore[no-untyped-def]
    X, Y = flower
    net = Network([2, 4, 1], activations="tanh", init="zeros")
    net.fit(X, Y, learning_rate=1.2, epochs=200)
    W1 = net.params["W1"]
    assert all(np.array_equal(W1[0], W1[i]) for i in range(1, 4))


# -------------------------------------------------------------- properties


@settings(max_examples=30, deadline=None)
@given(
    dims=st.lists(st.integers(1, 6), min_size=2, max_size=5),
    m=st.integers(1, 8),
    dtype=st.sampled_from(["float32", "float64"]),
    hidden=st.sampled_from(HIDDEN),
    data=st.data(),
)
def test_shapes_and_dtypes(dims: list[int], m: int, dtype: str, hidden: str, data) -> None:  # type: ignore[no-untyped-def]
    net = Network(dims, activations=hidden, seed=0, dtype=dtype)
    X = data.draw(hnp.arrays(np.float64, (dims[0], m), elements=st.floats(-100, 100)))
    AL, caches = net.forward(X)
    assert AL.shape == (dims[-1], m) and AL.dtype == np.dtype(dtype)
    Y = (np.arange(dims[-1] * m).reshape(dims[-1], m) % 2).astype(float)
    if net.output.name == "softmax":
        Y = np.eye(dims[-1])[:, np.arange(m) % dims[-1]]
    grads = net.backward(AL, Y, caches)
    for k, v in net.params.items():
        assert grads["d" + k].shape == v.shape and grads["d" + k].dtype == np.dtype(dtype)
        assert np.all(np.isfinite(grads["d" + k]))


def test_extreme_inputs_keep_cost_and_gradients_finite() -> None:
    """Z = ±1e4 at the output: cost and gradients finite, no warnings (warnings are errors here)."""
    net = Network([1, 1], output="sigmoid", init="zeros", dtype="float32")
    net.params["W1"] = np.array([[1.0]], dtype=np.float32)
    X = np.array([[1e4, -1e4, 1e4, -1e4]])
    Y = np.array([[0, 1, 1, 0]])
    J, grads = net.gradients(X, Y)
    assert np.isfinite(J) and pytest.approx(1e4 / 2, rel=1e-6) == J
    assert all(np.all(np.isfinite(g)) for g in grads.values())
    softmax_net = Network([1, 2], output="softmax", init="zeros")
    softmax_net.params["W1"] = np.array([[1.0], [-1.0]], dtype=np.float32)
    J, grads = softmax_net.gradients(X, np.array([[0, 1, 0, 1]]))
    assert np.isfinite(J) and all(np.all(np.isfinite(g)) for g in grads.values())


def test_repr_config_and_copy() -> None:
    net = Network([3, 4, 2], activations="leaky_relu", loss="cross_entropy")
    assert repr(net) == "Network(3 → 4 leaky_relu → 2 softmax; loss=cross_entropy, dtype=float32)"
    assert net.config()["activations"][0] == {"name": "leaky_relu", "slope": 0.01}
    clone = net.copy(dtype="float64")
    clone.params["W1"][0, 0] = 123.0
    assert net.params["W1"][0, 0] != 123.0 and clone.params["W1"].dtype == np.float64
    assert (
        Network([3, 1]).loss.name == "logistic"
        and Network([3, 1], loss="mse").output.name == "linear"
    )
    assert Network([3, 2], output="softmax").loss.name == "cross_entropy"
