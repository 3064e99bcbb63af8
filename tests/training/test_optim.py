"""Optimizers and schedules: closed-form steps, in-place == functional, registry, errors."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nndl.arrays.backend import to_numpy
from nndl.errors import NNDLTypeError, NNDLValueError
from nndl.training import optimizers as optim

LR = 0.01


def _params_grads(rng: np.random.Generator) -> tuple[dict, dict, dict]:  # type: ignore[type-arg]
    params = {"W1": rng.normal(size=(3, 4)), "b1": rng.normal(size=(3, 1))}
    g1 = {"dW1": rng.normal(size=(3, 4)), "db1": rng.normal(size=(3, 1))}
    g2 = {"dW1": rng.normal(size=(3, 4)), "db1": rng.normal(size=(3, 1))}
    return params, g1, g2


def _two_steps(opt: optim.Optimizer, backend, params, g1, g2):  # type: ignore[no-untyped-def]
    p = {k: backend.asarray(v) for k, v in params.items()}
    state = opt.init(p)
    p1, state = opt.apply(p, {k: backend.asarray(v) for k, v in g1.items()}, state, LR)
    p2, state = opt.apply(p1, {k: backend.asarray(v) for k, v in g2.items()}, state, LR)
    assert state.t == 2
    return (
        {k: to_numpy(v) for k, v in p1.items()},
        {k: to_numpy(v) for k, v in p2.items()},
    )


def test_gradient_descent_steps(backend, rng) -> None:  # type: ignore[no-untyped-def]
    params, g1, g2 = _params_grads(rng)
    p1, p2 = _two_steps(optim.get("gd"), backend, params, g1, g2)
    for k in params:
        np.testing.assert_allclose(p1[k], params[k] - LR * g1["d" + k], rtol=1e-12)
        np.testing.assert_allclose(p2[k], p1[k] - LR * g2["d" + k], rtol=1e-12)


def test_momentum_closed_form(backend, rng) -> None:  # type: ignore[no-untyped-def]
    params, g1, g2 = _params_grads(rng)
    beta = 0.9
    p1, p2 = _two_steps(optim.Momentum(beta), backend, params, g1, g2)
    for k in params:
        v1 = (1 - beta) * g1["d" + k]  # v starts at 0
        np.testing.assert_allclose(p1[k], params[k] - LR * v1, rtol=1e-12)
        v2 = beta * v1 + (1 - beta) * g2["d" + k]
        np.testing.assert_allclose(p2[k], p1[k] - LR * v2, rtol=1e-12)


def test_rmsprop_closed_form(backend, rng) -> None:  # type: ignore[no-untyped-def]
    params, g1, _ = _params_grads(rng)
    p1, _ = _two_steps(optim.RMSprop(beta=0.9, eps=1e-8), backend, params, g1, g1)
    for k in params:
        g = g1["d" + k]
        expected = params[k] - LR * g / (np.sqrt(0.1 * g * g) + 1e-8)
        np.testing.assert_allclose(p1[k], expected, rtol=1e-12)


def test_adam_closed_form_first_and_second_step(backend, rng) -> None:  # type: ignore[no-untyped-def]
    params, g1, g2 = _params_grads(rng)
    b1, b2, eps = 0.9, 0.999, 1e-8
    p1, p2 = _two_steps(optim.Adam(b1, b2, eps), backend, params, g1, g2)
    for k in params:
        a, b = g1["d" + k], g2["d" + k]
        # First step: m̂ = g, v̂ = g², so θ − α g / (|g| + ε): a step of about α against sign(g).
        np.testing.assert_allclose(p1[k], params[k] - LR * a / (np.abs(a) + eps), rtol=1e-12)
        assert np.all(np.abs(p1[k] - params[k]) <= LR)
        m = b1 * (1 - b1) * a + (1 - b1) * b
        v = b2 * (1 - b2) * a * a + (1 - b2) * b * b
        m_hat, v_hat = m / (1 - b1**2), v / (1 - b2**2)
        np.testing.assert_allclose(p2[k], p1[k] - LR * m_hat / (np.sqrt(v_hat) + eps), rtol=1e-12)


@pytest.mark.parametrize("name", ["gd", "momentum", "rmsprop", "adam"])
def test_flat_in_place_step_equals_functional_update(name: str, rng) -> None:  # type: ignore[no-untyped-def]
    opt = optim.get(name)
    params = {"W": rng.normal(size=(4, 5)), "b": rng.normal(size=(4, 1))}
    state = opt.init(params)
    theta = np.concatenate([v.ravel() for v in params.values()])
    slots = {s: np.zeros_like(theta) for s in opt.slot_names}
    for t in range(1, 6):
        grads = {"d" + k: rng.normal(size=v.shape) for k, v in params.items()}
        params, state = opt.apply(params, grads, state, LR)
        g = np.concatenate([v.ravel() for v in grads.values()])
        opt.apply_flat(theta, g, slots, t, LR)
        flat = np.concatenate([v.ravel() for v in params.values()])
        np.testing.assert_allclose(theta, flat, rtol=1e-12, atol=1e-15)
    for s in opt.slot_names:
        flat_slot = np.concatenate([v.ravel() for v in state.slots[s].values()])
        np.testing.assert_allclose(slots[s], flat_slot, rtol=1e-12, atol=1e-15)


def test_update_does_not_modify_its_inputs(rng) -> None:  # type: ignore[no-untyped-def]
    params, g1, _ = _params_grads(rng)
    before = {k: v.copy() for k, v in params.items()}
    opt = optim.Adam()
    state = opt.init(params)
    opt.apply(params, g1, state, LR)
    assert state.t == 0 and all(np.all(v == 0) for v in state.slots["m"].values())
    for k in params:
        np.testing.assert_array_equal(params[k], before[k])


@settings(max_examples=25, deadline=None)
@given(
    rows=st.integers(1, 5),
    cols=st.integers(1, 5),
    dtype=st.sampled_from(["float32", "float64"]),
    name=st.sampled_from(["gd", "momentum", "rmsprop", "adam"]),
)
def test_update_keeps_shape_and_dtype(rows: int, cols: int, dtype: str, name: str) -> None:
    rng = np.random.default_rng(rows * 10 + cols)
    params = {"W1": rng.normal(size=(rows, cols)).astype(dtype)}
    grads = {"dW1": rng.normal(size=(rows, cols)).astype(dtype)}
    opt = optim.get(name)
    new, state = opt.apply(params, grads, opt.init(params), LR)
    assert new["W1"].shape == (rows, cols) and new["W1"].dtype == np.dtype(dtype)
    for slot in state.slots.values():
        assert slot["W1"].dtype == np.dtype(dtype)


# ------------------------------------------------------------------ registry


def test_get_by_name_object_and_config() -> None:
    assert isinstance(optim.get(None), optim.GradientDescent)
    assert isinstance(optim.get("SGD"), optim.GradientDescent)
    adam = optim.Adam(beta1=0.8)
    assert optim.get(adam) is adam
    assert optim.get(adam.config()) == adam
    assert optim.get({"name": "momentum", "beta": 0.5}).beta == 0.5  # type: ignore[attr-defined]
    assert repr(optim.get("adam")) == "Adam(beta1=0.9, beta2=0.999, eps=1e-08)"
    assert optim.get("momentum") != optim.get("adam")


def test_optimizer_errors() -> None:
    with pytest.raises(NNDLValueError, match=r"unknown optimizer 'adamw'.*adam"):
        optim.get("adamw")
    with pytest.raises(NNDLTypeError, match="Received: 3"):
        optim.get(3)  # type: ignore[arg-type]
    with pytest.raises(NNDLValueError, match=r"beta must be a number in \[0, 1\)"):
        optim.Momentum(beta=1.0)
    with pytest.raises(NNDLValueError, match="eps"):
        optim.Adam(eps=0)
    with pytest.raises(NNDLValueError, match="bad options for optimizer"):
        optim.get({"name": "adam", "momentum": 0.9})
    lbfgs = optim.get("l-bfgs")
    with pytest.raises(NNDLValueError, match="L-BFGS needs the whole cost"):
        lbfgs.update({}, {}, lbfgs.init({}), 0.1)


# ------------------------------------------------------------------ schedules


def test_schedules_closed_form() -> None:
    assert optim.get_schedule(None, 0.3)(100) == 0.3
    inv = optim.get_schedule("inverse_time", 0.2)
    assert [inv(e) for e in range(3)] == [0.2, 0.1, 0.2 / 3]
    inv_every = optim.InverseTimeDecay(0.5, decay_rate=0.3, every=1000)  # the course's scheduled
    assert inv_every(999) == 0.5 and math.isclose(inv_every(2500), 0.5 / 1.6)
    exp = optim.get_schedule("exponential", 0.1)
    assert math.isclose(exp(2), 0.1 * 0.95**2)
    step = optim.StepDecay(1.0, factor=0.5, every=3)
    assert [step(e) for e in range(7)] == [1, 1, 1, 0.5, 0.5, 0.5, 0.25]
    again = optim.get_schedule(step.config())
    assert [again(e) for e in range(7)] == [step(e) for e in range(7)]


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(["constant", "inverse_time", "exponential", "step"]),
    lr=st.floats(1e-4, 10),
)
def test_schedules_start_at_the_rate_and_never_increase(name: str, lr: float) -> None:
    sched = optim.get_schedule(name, lr)
    rates = [sched(e) for e in range(50)]
    assert rates[0] == lr
    assert all(b <= a for a, b in itertools.pairwise(rates))
    assert all(r > 0 for r in rates)


def test_schedule_errors() -> None:
    with pytest.raises(NNDLValueError, match="unknown learning-rate schedule 'cosine'"):
        optim.get_schedule("cosine", 0.1)
    with pytest.raises(NNDLValueError, match="needs a learning_rate"):
        optim.get_schedule("step")
    with pytest.raises(NNDLValueError, match="learning_rate must be a finite number > 0"):
        optim.Constant(-1)
    with pytest.raises(NNDLValueError, match="rate must be a number in"):
        optim.ExponentialDecay(0.1, rate=1.5)
    with pytest.raises(NNDLTypeError):
        optim.get_schedule(0.1)  # type: ignore[arg-type]


def test_equality_follows_config_within_a_family_only() -> None:
    from nndl.graph import GraphLoss
    from nndl.model import activations, losses

    assert optim.get("adam") == optim.Adam() and hash(optim.get("adam")) == hash(optim.Adam())
    assert optim.Adam(beta1=0.8) != optim.Adam()
    assert repr(optim.Momentum(0.8)) == "Momentum(beta=0.8)"
    assert activations.get("relu") == activations.ReLU() and losses.get("mse") == losses.get("mse")
    relu_loss = GraphLoss(lambda A, Y: A, name="relu")  # the same config as the activation's
    assert relu_loss.config() == activations.ReLU().config()
    assert relu_loss != activations.ReLU() and activations.ReLU() != relu_loss


def test_every_registry_reads_names_the_same_forgiving_way() -> None:
    from nndl.model import activations, init, losses

    assert (
        activations.get(" Leaky-ReLU ") == activations.get("leakyrelu") == activations.LeakyReLU()
    )
    assert losses.get("Log-Loss") == losses.LogisticLoss()
    assert init.get(" HE") is init.INITIALIZERS["he"]
    assert isinstance(optim.get("L-BFGS"), optim.LBFGS)
    assert isinstance(optim.get("SGD"), optim.GradientDescent)
    schedule = optim.get_schedule("Inverse-Time", 0.1)
    assert isinstance(schedule, optim.InverseTimeDecay) and schedule(0) == 0.1
    for get, kind in ((optim.get, "optimizer"), (init.get, "initializer"), (losses.get, "loss")):
        with pytest.raises(NNDLValueError, match=rf"unknown {kind} 'nope'; the known ones are: "):
            get("nope")
