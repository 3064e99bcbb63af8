"""The compiled full-batch engine: the NumPy passes' numbers to rounding, its gradient
against finite differences, when ``engine="auto"`` picks it, and what it refuses."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from nndl import datasets
from nndl.arrays import dense_loops
from nndl.errors import DivergenceError, NNDLValueError
from nndl.gradcheck import numerical_gradient
from nndl.model.network import Network
from nndl.training import callbacks as cb
from nndl.training import optimizers as optim
from nndl.training.compiled_batch import CompiledBatchEngine
from nndl.training.full_batch import FullBatchEngine

pytestmark = pytest.mark.skipif(
    dense_loops.loops_for("float64") is None,
    reason="the compiled loops need Numba (the 'fast' extra) and NNDL_FUSED not 0",
)


def _data(n_x: int, n_y: int, m: int = 150, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_x, m))
    Y = (rng.random((n_y, m)) < 0.5).astype(np.float64)
    return X, Y


def _grab(seen: list[object]) -> cb.Callback:
    return cb.LambdaCallback(on_train_begin=lambda t: seen.append(t.engine))


@pytest.mark.parametrize("hidden", ["tanh", "relu", "linear"])
@pytest.mark.parametrize(
    "dims", [[2, 4, 1], [2, 6, 3, 1], [3, 5, 2], [4, 1]], ids=lambda d: "-".join(map(str, d))
)
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"l2": 0.3}, {"optimizer": "momentum"}, {"optimizer": "adam"}],
    ids=lambda k: ",".join(f"{a}={b}" for a, b in k.items()) or "gd",
)
def test_float64_runs_equal_the_numpy_passes_to_rounding(
    hidden: str, dims: list[int], kwargs: dict[str, Any]
) -> None:
    X, Y = _data(dims[0], dims[-1])
    runs = []
    for engine in ("compiled", "auto"):
        net = Network(
            dims, activations=hidden, output="sigmoid", init="he", seed=3, dtype="float64"
        )
        seen: list[object] = []
        history = net.fit(X, Y, 0.05, 80, engine=engine, callbacks=[_grab(seen)], **kwargs)
        runs.append((net, history, seen[0]))
    (compiled, h_c, e_c), (passes, h_p, e_p) = runs
    assert type(e_c) is CompiledBatchEngine and type(e_p) is FullBatchEngine
    np.testing.assert_allclose(h_c.history["cost"], h_p.history["cost"], rtol=1e-11, atol=1e-13)
    assert (
        np.max(np.abs(np.subtract(h_c.history["accuracy"], h_p.history["accuracy"])))
        <= 1 / X.shape[1]
    )
    for k in passes.params:
        np.testing.assert_allclose(compiled.params[k], passes.params[k], rtol=1e-9, atol=1e-12)


def test_float32_runs_on_the_flower_equal_the_numpy_passes_to_float32_rounding() -> None:
    X, Y = datasets.load_planar()
    X = X.astype("float32")
    nets = [Network([2, 4, 1], activations="tanh", seed=2, dtype="float32") for _ in range(2)]
    h_c = nets[0].fit(X, Y, 1.2, 300, engine="compiled")
    h_p = nets[1].fit(X, Y, 1.2, 300)
    assert nets[0].params["W1"].dtype == np.float32
    np.testing.assert_allclose(h_c.history["cost"], h_p.history["cost"], rtol=2e-4)
    np.testing.assert_allclose(nets[0].params["W1"], nets[1].params["W1"], rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("hidden", ["tanh", "relu", "linear"])
def test_the_gradient_matches_finite_differences(hidden: str) -> None:
    X, Y = _data(3, 2, m=40, seed=1)
    net = Network(
        [3, 5, 4, 2], activations=hidden, output="sigmoid", init="he", seed=0, dtype="float64"
    )
    net.l2 = 0.2  # as fit(l2=0.2) sets it
    rng = np.random.default_rng(5)  # biases away from 0: no ReLU input sits on its kink
    net.params.update(
        {k: rng.uniform(0.1, 0.3, v.shape) for k, v in net.params.items() if k[0] == "b"}
    )
    engine = CompiledBatchEngine(net, optim.GradientDescent(), X, Y)
    J, _ = engine._gradient_sigmoid(0, 0.1)
    analytic = engine.grad.copy()
    theta = engine.theta  # the network's parameters are views of it

    def cost() -> float:
        return float(net.cost(X, Y))

    assert pytest.approx(cost(), rel=1e-12) == J
    numeric = numerical_gradient(cost, theta, epsilon=1e-6)
    error = np.linalg.norm(analytic - numeric) / (
        np.linalg.norm(analytic) + np.linalg.norm(numeric)
    )
    assert error < 1e-7


def test_the_flower_gives_the_courses_printed_costs() -> None:
    """The planar assignment: 0.693048 at iteration 0, 0.288083 at 1000 (printed to 6 digits)."""
    X, Y = datasets.load_planar()
    net = Network([2, 4, 1], activations="tanh", seed=2, dtype="float64")
    history = net.fit(X, Y, 1.2, 1001, engine="compiled")
    assert round(history.history["cost"][0], 6) == 0.693048
    assert round(history.history["cost"][1000], 6) == 0.288083


def test_auto_never_takes_the_compiled_loops() -> None:
    """A run's numbers do not depend on how many epochs it was given (the playground's run
    of an epoch cap and ``nndl train``'s of its epochs give the same parameters)."""
    X, Y = datasets.load_planar()
    seen: list[object] = []
    for epochs in (3, 30):
        Network([2, 4, 1], activations="tanh").fit(X, Y, 1.2, epochs, callbacks=[_grab(seen)])
    assert [type(e).__name__ for e in seen] == ["FullBatchEngine", "FullBatchEngine"]


@pytest.mark.parametrize(
    ("dims", "kwargs", "says"),
    [
        ([2, 4, 3], {"output": "softmax"}, "sigmoid output"),
        ([2, 4, 1], {"activations": "sigmoid"}, "tanh, relu or linear"),
        ([2, 100, 50, 1], {}, "at most 4096 entries"),
        ([2, 4, 1], {"fit": {"dropout": 0.2}}, "without dropout"),
        ([2, 4, 1], {"fit": {"batch_size": 64}}, "full batch"),
    ],
)
def test_engine_compiled_refuses_what_it_cannot_train(
    dims: list[int], kwargs: dict[str, Any], says: str
) -> None:
    X, Y = datasets.load_planar()
    fit_kwargs = kwargs.pop("fit", {})
    if dims[-1] == 3:
        Y = np.vstack([Y, 1 - Y, 0 * Y])
    net = Network(dims, **kwargs)
    with pytest.raises(NNDLValueError, match="engine='compiled' cannot train") as err:
        net.fit(X, Y, 0.1, 3, engine="compiled", **fit_kwargs)
    assert says in str(err.value)


def test_without_numba_the_error_says_how_to_get_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dense_loops, "loops_for", lambda dtype: None)
    X, Y = datasets.load_planar()
    with pytest.raises(NNDLValueError, match=r"nndl\[fast\]"):
        Network([2, 4, 1]).fit(X, Y, 0.1, 3, engine="compiled")


def test_a_diverging_run_stops_with_the_last_finite_parameters() -> None:
    X, Y = _data(2, 1, m=50)
    X = X * 1e150
    net = Network([2, 3, 1], activations="linear", seed=0, dtype="float64")
    with pytest.raises(DivergenceError) as err:
        net.fit(X, Y, 1e150, 50, engine="compiled")
    assert "learning_rate" in str(err.value)
    assert all(np.all(np.isfinite(v)) for v in net.params.values())


@pytest.mark.parametrize("engine", ["compiled", "auto"])
def test_a_gradient_that_overflows_under_a_finite_cost_is_refused(engine: str) -> None:
    """``network_backward`` checks ∇θ itself (the step then skips its own check): a first
    layer's ``dW = dZ Xᵀ`` past the float range, while every ``Z`` and the cost are finite."""
    X, Y = _data(2, 1, m=50)
    X = np.sign(X) * 1e308
    net = Network([2, 3, 1], activations="tanh", seed=0, dtype="float64")
    net.params["W1"][...] = 1e-308 * np.sign(net.params["W1"])
    net.params["W2"][...] = 100.0  # dZ[1] = W[2]ᵀ dZ[2] ⊙ (1 − A²) of order 10
    start = {k: v.copy() for k, v in net.params.items()}
    with pytest.raises(DivergenceError, match="the gradient became non-finite at epoch 0"):
        net.fit(X, Y, 0.1, 5, engine=engine)
    for k, v in net.params.items():
        np.testing.assert_array_equal(v, start[k])
