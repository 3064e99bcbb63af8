"""scikit-learn's learning rates and plateau rule as a schedule and a callback of the run:
their state is the run's, carried between runs and saved in checkpoints."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import nndl
from nndl.errors import NNDLValueError
from nndl.training.plateau import AdaptiveRate, Plateau, PlateauState


def test_the_three_kinds_of_rate() -> None:
    constant = AdaptiveRate(0.1, "constant")
    constant.seen(99)
    assert constant(5) == 0.1 and not constant.lower()
    inverse = AdaptiveRate(0.5, "invscaling", power_t=0.5)
    inverse.seen(99)
    assert inverse(1) == pytest.approx(0.5 / 10) and not inverse.lower()
    adaptive = AdaptiveRate(0.1)
    assert adaptive.lower() and adaptive(3) == pytest.approx(0.02)
    adaptive.rate = 1e-6
    assert not adaptive.lower() and adaptive.rate == 1e-6
    assert adaptive.config() == {
        "name": "adaptive",
        "learning_rate": 0.1,
        "kind": "adaptive",
        "power_t": 0.5,
    }
    with pytest.raises(NNDLValueError, match="kind must be one of"):
        AdaptiveRate(0.1, "cyclic")


def _run(epochs: int, **options: object) -> tuple[nndl.Network, nndl.History, Plateau]:
    X, Y = nndl.datasets.load_planar()
    net = nndl.Network([2, 4, 1], activations="tanh", seed=1, dtype="float64")
    rule = Plateau(AdaptiveRate(0.5), n_samples=X.shape[1], tol=10.0, n_iter_no_change=1)
    history = net.fit(X, Y, rule.rate, epochs, callbacks=[rule], seed=0, **options)
    return net, history, rule


def test_a_plateau_lowers_the_rate_then_stops() -> None:
    _, history, rule = _run(40)
    # tol=10: only the first epoch improves (on inf); the count passes 1 after epoch 3, then
    # every second epoch, and each time α is divided by 5 until it is <= 1e-6
    rates = history.history["learning_rate"]
    assert rates[:6] == pytest.approx([0.5, 0.5, 0.5, 0.1, 0.1, 0.02])
    assert rule.stopped and len(history) < 40 and rule.rate.rate <= 1e-6
    assert rule.state_.losses == list(history) and rule.epochs == len(history)
    assert rule.state_.examples_seen == 400 * len(history)


def test_its_state_is_checkpointed_and_a_resumed_run_is_the_same_run(tmp_path: Path) -> None:
    whole_net, whole, whole_rule = _run(6)
    path = tmp_path / "ckpt.npz"
    _run(3, checkpoint=path)
    net, resumed, rule = _run(6, resume_from=path)
    assert list(resumed) == list(whole)
    assert resumed.history["learning_rate"] == whole.history["learning_rate"]
    assert rule.state_.losses == whole_rule.state_.losses and rule.epochs == 6
    np.testing.assert_array_equal(net.params["W1"], whole_net.params["W1"])


def test_a_score_is_watched_and_its_best_parameters_kept() -> None:
    X, Y = nndl.datasets.load_planar()
    net = nndl.Network([2, 4, 1], activations="tanh", seed=1, dtype="float64")
    scores = iter([0.5, 0.7, 0.6, 0.6, 0.6])
    seen: list[np.ndarray] = []

    def score(network: nndl.Network) -> float:
        seen.append(np.array(network.params["W1"]))
        return next(scores)

    state = PlateauState()
    rule = Plateau(
        AdaptiveRate(0.5, "constant"),
        n_samples=400,
        tol=0.0,
        n_iter_no_change=2,
        score=score,
        state=state,
    )
    net.fit(X, Y, rule.rate, 5, callbacks=[rule])
    assert rule.stopped and rule.epochs == 5 and state.scores == [0.5, 0.7, 0.6, 0.6, 0.6]
    assert state.best_score == 0.7 and state.no_improvement == 3
    np.testing.assert_array_equal(state.best_params["W1"], seen[1])


def test_a_score_that_is_not_a_number_stops_at_once_and_keeps_the_best() -> None:
    X, Y = nndl.datasets.load_planar()
    net = nndl.Network([2, 4, 1], activations="tanh", seed=1, dtype="float64")
    scores = iter([0.5, 0.7, float("nan"), 0.9])
    seen: list[np.ndarray] = []

    def score(network: nndl.Network) -> float:
        seen.append(np.array(network.params["W1"]))
        return next(scores)

    rule = Plateau(
        AdaptiveRate(0.5, "constant"), n_samples=400, tol=0.0, n_iter_no_change=5, score=score
    )
    history = net.fit(X, Y, rule.rate, 10, callbacks=[rule])
    assert rule.stopped and rule.diverged and rule.epochs == len(history) == 3
    assert rule.state_.scores[:2] == [0.5, 0.7] and np.isnan(rule.state_.scores[2])
    assert rule.state_.best_score == 0.7
    np.testing.assert_array_equal(rule.state_.best_params["W1"], seen[1])
