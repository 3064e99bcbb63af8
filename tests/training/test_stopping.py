"""The one stopping rule and the one held-out split.

The rule: its improvement test both ways (Keras' strict decrease by more than δ, scikit-learn's
step of at least ``tol``), the count and ``patience``, the best value, epoch and parameters,
values that are not finite, and its state through a checkpoint.  ``EarlyStopping`` and
``Plateau`` over it stop at the epochs they stopped at before it existed (pinned on fixed
sequences of values).  The split: shapes, the two parts disjoint and together everything, the
seed, the order, the refusals, and the examples ``Network.fit`` and ``train_test_split`` hold
out (pinned).
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nndl
from nndl.datasets import held_out, train_test_split
from nndl.errors import NNDLValueError
from nndl.training.callbacks import EarlyStopping
from nndl.training.plateau import AdaptiveRate, Plateau
from nndl.training.stopping import StoppingRule, StoppingState
from nndl.training.trainer import evaluate

# ----------------------------------------------------------------- the rule itself


def test_keras_rule_counts_decreases_of_more_than_delta() -> None:
    rule = StoppingRule(threshold=0.1, patience=1)
    # 0.95 and 0.85 are below the best (1.0, then 0.8) but not by more than δ = 0.1
    improved = [rule.update(v, e) for e, v in enumerate([1.0, 0.95, 0.8, 0.85, 0.5])]
    assert improved == [True, False, True, False, True]
    assert rule.state_.best == 0.5 and rule.state_.best_epoch == 4 and rule.state_.wait == 0
    assert StoppingRule(threshold=0.5).improves(0.5, 1.0) is False  # not *more* than δ
    assert StoppingRule(threshold=0.5, strict=False).improves(0.5, 1.0) is True  # at least δ


def test_patience_is_the_epochs_without_improvement_allowed() -> None:
    rule = StoppingRule(patience=2)
    exhausted = []
    for e, v in enumerate([1.0, 1.0, 1.0, 1.0]):
        rule.update(v, e)
        exhausted.append(rule.exhausted)
    assert exhausted == [False, False, False, True]  # wait 0, 1, 2, 3 > 2
    rule.reset_count()
    assert not rule.exhausted and rule.state_.best == 1.0  # the best survives a reset count
    assert not StoppingRule(patience=None, state=StoppingState(wait=10**6)).exhausted


def test_scores_improve_upwards() -> None:
    rule = StoppingRule(threshold=0.05, greater_is_better=True, strict=False)
    assert [rule.update(v, e) for e, v in enumerate([0.5, 0.55, 0.56, 0.7])] == [
        True,
        True,
        False,
        True,
    ]
    assert rule.state_.best == 0.7


def test_best_of_all_follows_every_better_value_though_only_a_step_counts() -> None:
    keras = StoppingRule(threshold=0.1)
    sklearn = StoppingRule(threshold=0.1, strict=False, best_of_all=True)
    for e, v in enumerate([1.0, 0.95, 0.92]):
        keras.update(v, e)
        sklearn.update(v, e)
    assert keras.state_.best == 1.0 and keras.state_.best_epoch == 0
    assert sklearn.state_.best == 0.92 and sklearn.state_.best_epoch == 2
    assert keras.state_.wait == sklearn.state_.wait == 2
    # an equal value is a step of at least 0 for scikit-learn, yet not a new best
    tied = StoppingRule(strict=False, best_of_all=True, greater_is_better=True)
    tied.update(0.8, 0, lambda: {"W1": np.array([[0.0]])})
    assert tied.update(0.8, 1, lambda: {"W1": np.array([[1.0]])})
    assert tied.state_.best_epoch == 0 and tied.state_.best_params is not None
    assert tied.state_.best_params["W1"][0, 0] == 0.0


def test_the_best_parameters_are_copied_only_at_a_new_best() -> None:
    calls = []
    W = np.zeros((2, 2))

    def params() -> dict[str, np.ndarray]:
        calls.append(1)
        return {"W1": W}

    rule = StoppingRule()
    for e, v in enumerate([3.0, 2.0, 2.5, 1.0, 1.5]):
        W[:] = e
        rule.update(v, e, params)
    assert len(calls) == 3 and rule.state_.best_epoch == 3
    assert rule.state_.best_params is not None
    np.testing.assert_array_equal(rule.state_.best_params["W1"], np.full((2, 2), 3.0))  # a copy
    unkept = StoppingRule(keep_params=False)
    unkept.update(1.0, 0, params)
    assert unkept.state_.best_params is None and len(calls) == 3


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_a_value_that_is_not_finite_never_improves(bad: float) -> None:
    rule = StoppingRule(patience=5)
    rule.update(1.0, 0)
    assert not rule.update(bad, 1) and rule.state_.wait == 1 and rule.state_.best == 1.0
    assert not rule.exhausted and not rule.diverged
    fresh = StoppingRule()
    assert not fresh.update(bad, 0) and fresh.state_.best is None
    stops = StoppingRule(patience=5, stop_if_not_finite=True)
    stops.update(1.0, 0)
    stops.update(bad, 1)
    assert stops.diverged and stops.exhausted and stops.state_.best == 1.0


def test_bad_settings_are_refused() -> None:
    for bad in (-0.1, math.nan, math.inf, True, "0.1"):
        with pytest.raises(NNDLValueError, match=r"threshold must be a number >= 0\. Received"):
            StoppingRule(threshold=bad)  # type: ignore[arg-type]
    with pytest.raises(NNDLValueError, match=r"patience must be an integer >= 0"):
        StoppingRule(patience=-1)
    with pytest.raises(NNDLValueError, match=r"min_delta must be a number >= 0"):
        EarlyStopping(min_delta=-1.0)


def _reference(values: list[float], delta: float, strict: bool) -> tuple[Any, int | None, int]:
    """The two rules written out plainly: Keras' (best at improvements) and scikit-learn's
    (best of all values), both on costs."""
    best, best_epoch, best_all, wait = math.inf, None, math.inf, 0
    for e, v in enumerate(values):
        if strict:
            if v < best - delta:
                best, best_epoch, wait = v, e, 0
            else:
                wait += 1
        else:
            wait = 0 if v <= best_all - delta else wait + 1
            if v < best_all:
                best_all, best_epoch = v, e
    return (best if strict else best_all), best_epoch, wait


costs = st.lists(
    st.floats(0.0, 10.0, allow_nan=False).map(lambda v: round(v, 2)), min_size=1, max_size=40
)


@settings(max_examples=200, deadline=None)
@given(costs, st.sampled_from([0.0, 0.05, 0.5]), st.booleans())
def test_the_rule_is_keras_or_scikit_learns(
    values: list[float], delta: float, strict: bool
) -> None:
    rule = StoppingRule(delta, strict=strict, best_of_all=not strict)
    for e, v in enumerate(values):
        rule.update(v, e)
    best, best_epoch, wait = _reference(values, delta, strict)
    assert (rule.state_.best, rule.state_.best_epoch, rule.state_.wait) == (best, best_epoch, wait)
    # a score is a cost with its sign turned
    scores = StoppingRule(delta, strict=strict, best_of_all=not strict, greater_is_better=True)
    for e, v in enumerate(values):
        scores.update(-v, e)
    assert scores.state_.best_epoch == best_epoch and scores.state_.wait == wait


@settings(max_examples=100, deadline=None)
@given(costs, st.integers(0, 40), st.integers(0, 4), st.booleans())
def test_a_rule_restored_from_its_state_goes_on_as_the_uninterrupted_one(
    values: list[float], cut: int, patience: int, strict: bool
) -> None:
    def rule() -> StoppingRule:
        return StoppingRule(0.05, patience, strict=strict, best_of_all=not strict)

    def params(e: int) -> Any:
        return lambda: {"W1": np.array([[float(e)]])}

    whole, first = rule(), rule()
    for e, v in enumerate(values):
        whole.update(v, e, params(e))
    cut = min(cut, len(values))
    for e, v in enumerate(values[:cut]):
        first.update(v, e, params(e))
    values_json, arrays = first.state()
    resumed = rule()
    resumed.restore(json.loads(json.dumps(values_json)), arrays)  # as a checkpoint stores it
    for e, v in enumerate(values[cut:], start=cut):
        resumed.update(v, e, params(e))
    (got, got_arrays), (want, want_arrays) = resumed.state(), whole.state()
    assert got == want and resumed.exhausted == whole.exhausted
    np.testing.assert_array_equal(got_arrays["W1"], want_arrays["W1"])


def test_early_stopping_resumed_from_a_checkpoint_stops_where_it_would_have(
    tmp_path: Path,
) -> None:
    X, Y = nndl.datasets.load_planar()

    def run(epochs: int, **options: Any) -> tuple[nndl.Network, nndl.History, EarlyStopping]:
        net = nndl.Network([2, 4, 1], activations="tanh", seed=1, dtype="float64")
        stop = EarlyStopping(monitor="cost", patience=3, min_delta=1e-4)
        history = net.fit(X, Y, 2.5, epochs, early_stopping=stop, seed=0, **options)
        return net, history, stop

    whole_net, whole, whole_stop = run(1000)
    assert whole.stopped_early and whole_stop.stopped_epoch is not None
    stopped = whole_stop.stopped_epoch
    assert stopped == len(whole) - 1 and 5 < stopped < 999
    path = tmp_path / "ckpt.npz"
    _, first, _ = run(stopped - 1, checkpoint=path)  # one epoch of waiting already counted
    assert not first.stopped_early
    net, resumed, stop = run(1000, resume_from=path)
    assert resumed.stopped_early and stop.stopped_epoch == stopped
    assert resumed.best_epoch == whole.best_epoch and list(resumed) == list(whole)
    np.testing.assert_array_equal(net.params["W1"], whole_net.params["W1"])


# ------------------------------------------- the two front-ends, pinned to their past

COSTS = [1.0, 0.9, 0.9, 0.85, 0.86, 0.84, 0.84, 0.9, 0.95, 1.0, 0.8, 0.81, 0.82, 0.83, 0.84]
COSTS += [0.85, 0.86]
SCORES = [0.5, 0.7, 0.7, 0.69, 0.72, 0.72, 0.71, 0.75, 0.6, 0.6, 0.6, 0.6, 0.6]


def _trainer() -> Any:
    return SimpleNamespace(
        stop_training=False,
        has_validation=False,
        history=SimpleNamespace(stopped_early=False, best_epoch=None),
        network=SimpleNamespace(params={}),
        set_params=lambda params: None,
    )


def _early_stopping(**options: Any) -> tuple[Any, ...]:
    es, trainer = EarlyStopping(monitor="cost", **options), _trainer()
    es.on_train_begin(trainer)
    for epoch, cost in enumerate(COSTS):
        trainer.network.params = {"W1": np.full((1, 1), float(epoch))}
        es.on_epoch_end(trainer, epoch, {"cost": cost})
        if trainer.stop_training:
            break
    assert es.best_params is not None
    return es.stopped_epoch, es.best_epoch, es.best, es.wait, es.best_params["W1"][0, 0]


@pytest.mark.parametrize(
    ("options", "expected"),
    [  # (stopped epoch, best epoch, best, wait, the best epoch's W1), as before the rule
        ({"patience": 2}, (8, 5, 0.84, 3, 5.0)),
        ({"patience": 2, "min_delta": 0.02}, (6, 3, 0.85, 3, 3.0)),
        ({"patience": 0}, (2, 1, 0.9, 1, 1.0)),
        ({"patience": 4, "min_delta": 0.05}, (10, 5, 0.84, 5, 5.0)),
        ({"patience": 1}, (7, 5, 0.84, 2, 5.0)),
    ],
)
def test_early_stopping_stops_where_it_did(options: dict[str, Any], expected: tuple[Any]) -> None:
    assert _early_stopping(**options) == expected


def _plateau(values: list[float], mode: str, kind: str = "constant", **options: Any) -> Any:
    rate, given = AdaptiveRate(0.1, kind), iter(values)
    score = None if mode == "loss" else (lambda network: next(given))
    rule = Plateau(rate, n_samples=10, score=score, greater_is_better=mode == "score", **options)
    trainer, rates = _trainer(), []
    for epoch, value in enumerate(values):
        trainer.network.params = {"W1": np.full((1, 1), float(epoch))}
        rule.on_epoch_end(trainer, epoch, {"cost": value if mode == "loss" else 1.0})
        rates.append(rate.rate)
        if trainer.stop_training:
            break
    st, W1 = rule.state_, rule.state_.best_params.get("W1")
    return (
        (rule.epochs, rule.stopped, rule.diverged),
        (st.best_loss, st.best_score, st.no_improvement, None if W1 is None else W1[0, 0]),
        rates,
    )


@pytest.mark.parametrize(
    ("values", "mode", "options", "stopped", "best"),
    [  # (epochs, stopped, diverged), (best loss, best score, count, W1), as before the rule
        (COSTS, "loss", (0.0, 2), (10, True, False), (0.84, None, 3, None)),
        (COSTS, "loss", (0.02, 2), (7, True, False), (0.84, None, 3, None)),
        (COSTS, "loss", (0.0, 0), (5, True, False), (0.85, None, 1, None)),
        (SCORES, "score", (0.0, 2), (11, True, False), (math.inf, 0.75, 3, 7.0)),
        (SCORES, "score", (0.02, 2), (11, True, False), (math.inf, 0.75, 3, 7.0)),
        (SCORES, "score", (0.0, 0), (4, True, False), (math.inf, 0.7, 1, 1.0)),
        (COSTS, "cost", (0.0, 2), (10, True, False), (math.inf, 0.84, 3, 5.0)),
        (COSTS, "cost", (0.02, 2), (7, True, False), (math.inf, 0.84, 3, 5.0)),
        (COSTS, "cost", (0.0, 0), (5, True, False), (math.inf, 0.85, 1, 3.0)),
    ],
)
def test_plateau_stops_where_it_did(
    values: list[float], mode: str, options: tuple[float, int], stopped: Any, best: Any
) -> None:
    tol, n_iter_no_change = options
    got = _plateau(values, mode, tol=tol, n_iter_no_change=n_iter_no_change)
    assert got[:2] == (stopped, best)
    assert got[2] == [0.1] * stopped[0]


def test_plateau_lowers_the_rate_where_it_did() -> None:
    (epochs, stopped, _), best, rates = _plateau(
        COSTS, "loss", "adaptive", tol=0.02, n_iter_no_change=2
    )
    assert (epochs, stopped, best) == (17, False, (0.8, None, 0, None))
    assert rates == pytest.approx([0.1] * 6 + [0.02] * 3 + [0.004] * 4 + [0.0008] * 3 + [0.00016])
    (epochs, stopped, _), _, rates = _plateau(
        COSTS, "loss", "adaptive", tol=0.0, n_iter_no_change=0
    )
    assert (epochs, stopped) == (16, True) and rates[-1] == rates[-2] == pytest.approx(2.56e-7)


def test_plateau_stops_at_a_score_that_is_not_a_number() -> None:
    (epochs, stopped, diverged), best, _ = _plateau(
        [0.5, 0.7, math.nan, 0.9], "score", tol=0.0, n_iter_no_change=5
    )
    assert (epochs, stopped, diverged) == (3, True, True)
    # the best kept; the NaN epoch counted as one without improvement (it reset the count
    # before the one rule; training stops there either way)
    assert best == (math.inf, 0.7, 1, 1.0)


# ------------------------------------------------------------------ the held-out split


@settings(max_examples=100, deadline=None)
@given(st.integers(2, 300), st.floats(0.01, 0.99), st.integers(0, 2**32 - 1), st.booleans())
def test_held_out_splits_every_example_once(m: int, fraction: float, seed: int, up: bool) -> None:
    rounding = "up" if up else "nearest"
    n_held = math.ceil(fraction * m) if up else round(fraction * m)
    Y = np.arange(m).reshape(1, m)
    X = np.vstack([Y, -Y, Y + 0.5]).astype(float)  # column j is example j
    if not 0 < n_held < m:
        with pytest.raises(NNDLValueError, match=r"size=.* leaves .* both need at least one"):
            held_out(X, Y, fraction, seed, rounding=rounding)
        return
    X_kept, Y_kept, X_held, Y_held = held_out(X, Y, fraction, seed, rounding=rounding)
    assert X_kept.shape == (3, m - n_held) and X_held.shape == (3, n_held)
    assert Y_kept.shape == (1, m - n_held) and Y_held.shape == (1, n_held)
    np.testing.assert_array_equal(X_kept[0], Y_kept[0])  # X and Y split alike
    np.testing.assert_array_equal(X_held[0], Y_held[0])
    assert not set(Y_kept[0]) & set(Y_held[0])
    assert sorted([*Y_kept[0], *Y_held[0]]) == list(range(m))
    again = held_out(X, Y, fraction, np.random.RandomState(seed), rounding=rounding)
    for a, b in zip(again, (X_kept, Y_kept, X_held, Y_held), strict=True):
        np.testing.assert_array_equal(a, b)
    in_order = held_out(X, Y, fraction, seed, rounding=rounding, in_order=True)
    np.testing.assert_array_equal(in_order[3][0], np.sort(Y_held[0]))


def test_held_out_takes_examples_along_axis_0_and_counts() -> None:
    X = np.arange(40.0).reshape(10, 2, 2)  # pictures (m, …)
    Y = np.arange(10).reshape(1, 10)
    X_kept, Y_kept, X_held, Y_held = held_out(X, Y, 3, seed=1, axis=0)
    assert (
        Y_kept.shape == (1, 7)
        and X_kept.shape == (7, 2, 2)
        and X_held.shape == (3, 2, 2)
        and Y_held.shape == (1, 3)
    )
    np.testing.assert_array_equal(X_held[:, 0, 0] // 4, Y_held[0])
    other = held_out(X, Y, 3, seed=2, axis=0)
    assert not np.array_equal(other[3], Y_held)


@pytest.mark.parametrize("bad", [0.0, 1.0, 1.5, -0.2, math.nan, True, "0.2", None, 10, 0, -1])
def test_held_out_refuses_a_size_that_is_no_split(bad: Any) -> None:
    X, Y = np.zeros((2, 10)), np.zeros((1, 10))
    with pytest.raises(NNDLValueError, match=r"^validation_split"):
        held_out(X, Y, bad, name="validation_split")


def test_held_out_refuses_targets_of_another_number_of_examples() -> None:
    with pytest.raises(NNDLValueError, match=r"m=10 examples .* Y has shape \(1, 9\)"):
        held_out(np.zeros((2, 10)), np.zeros((1, 9)), 0.2)
    with pytest.raises(NNDLValueError, match=r"rounding must be"):
        held_out(np.zeros((2, 10)), np.zeros((1, 10)), 0.2, rounding="down")  # type: ignore[arg-type]


def test_fit_and_train_test_split_hold_out_the_examples_they_did() -> None:
    # Network.fit's validation_split: ⌈0.3 · 10⌉ examples from the run's seed (3), in order
    X = np.arange(10.0).reshape(1, 10)
    split_rng = np.random.default_rng(np.random.SeedSequence(3, spawn_key=(1,)))
    _, _, X_val, _ = held_out(X, X, 0.3, split_rng, in_order=True)
    np.testing.assert_array_equal(X_val[0], [3, 4, 8])
    Y = (X > 4).astype(float)
    net = nndl.Network([1, 1], activations="sigmoid", dtype="float64")
    history = net.fit(X, Y, 0.1, 1, validation_split=0.3, seed=3)
    val_cost, _ = evaluate(net, X[:, [3, 4, 8]], Y[:, [3, 4, 8]])
    assert history.history["val_cost"] == [val_cost]
    # train_test_split: round(0.3 · 10) examples from RandomState(4), in the drawn order
    np.testing.assert_array_equal(train_test_split(X, X, 0.3, seed=4)[2][0], [3, 8, 4])
