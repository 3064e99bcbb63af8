"""FitOptions: a training run's options as one object, checked against one table of
constraints when it is made, and what the loop reads."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nndl
from nndl.errors import InvalidParameterError, NNDLTypeError, NNDLValueError, validate_parameters
from nndl.training import FitOptions
from nndl.training.callbacks import EarlyStopping
from nndl.training.optimizers import StepDecay


def test_every_field_has_constraints_and_the_defaults_satisfy_them() -> None:
    names = {f.name for f in dataclasses.fields(FitOptions)}
    assert names == set(FitOptions.constraints)
    defaults = FitOptions()
    assert validate_parameters(FitOptions.constraints, dataclasses.asdict(defaults))


def test_values_are_converted_to_their_canonical_form() -> None:
    options = FitOptions(
        learning_rate=np.float32(0.5),
        epochs=np.int64(3),
        batch_size=np.int32(16),
        l2=1,
        dropout=[0.1, 0],
        shuffle=np.bool_(False),
        verbose=True,
        callbacks=[],
        validation_data=[np.zeros((2, 3)), np.zeros((1, 3))],
    )
    assert type(options.learning_rate) is float and options.learning_rate == 0.5
    assert type(options.epochs) is int and type(options.batch_size) is int
    assert options.l2 == 1.0 and type(options.l2) is float
    assert options.dropout == (0.1, 0.0)
    assert options.shuffle is False and options.verbose == 1
    assert options.callbacks == () and isinstance(options.validation_data, tuple)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"epochs": -1}, r"epochs must be an integer >= 0\. Received: epochs=-1"),
        ({"epochs": 2.5}, r"epochs must be an integer >= 0\. Received: epochs=2\.5"),
        ({"batch_size": 0}, r"batch_size must be an integer >= 1 or None\. Received: batch_size=0"),
        ({"learning_rate": 0}, r"learning_rate must be a finite number > 0 \(the course"),
        ({"l2": -1}, r"l2 \(the regularization strength λ\) must be a number >= 0"),
        ({"dropout": 1.0}, r"dropout must be a number in \[0, 1\)\. Received: dropout=1\.0"),
        ({"dropout": [0.1, 2]}, r"dropout must be .* or a list of such rates"),
        ({"engine": "numpi"}, r"engine must be one of 'auto', 'generic', 'numpy'.*'numpy'\?"),
        ({"l2_cost": "epoch"}, r"l2_cost must be 'dataset' or 'batch'\. Received: l2_cost='epoch'"),
        ({"verbose": -1}, r"verbose must be 0, 1 or 2 or True or False\. Received: verbose=-1"),
        ({"seed": -3}, r"seed must be an integer >= 0 or None\. Received: seed=-3"),
        ({"print_every": 0}, r"print_every must be an integer >= 1 or None"),
        ({"checkpoint_every": 0}, r"checkpoint_every must be an integer >= 1"),
        ({"callbacks": [print]}, r"callbacks must be a list of .*Callback objects"),
        ({"callback": 3}, r"callback must be a function f\(epoch, cost\) or None"),
        ({"validation_data": (1, 2, 3)}, r"validation_data must be a pair"),
        ({"checkpoint": 3}, r"checkpoint must be a path or None\. Received: checkpoint=3"),
        ({"optimizer": 3}, r"optimizer must be an optimizer's name"),
        ({"validation_split": 0.2, "validation_data": (1, 2)}, "not both"),
    ],
)
def test_a_refused_value_says_what_was_expected_and_what_was_received(
    changes: dict[str, Any], match: str
) -> None:
    with pytest.raises(InvalidParameterError, match=match) as info:
        FitOptions(**changes)
    assert isinstance(info.value, NNDLValueError) and isinstance(info.value, NNDLTypeError)


def test_an_array_is_received_as_its_shape() -> None:
    with pytest.raises(InvalidParameterError, match=r"Received: validation_data=\(an array of"):
        FitOptions(validation_data=(np.zeros((2, 3)), np.zeros((1, 3)), np.zeros(3)))


def test_a_misspelt_option_gets_a_did_you_mean() -> None:
    with pytest.raises(InvalidParameterError, match=r"unknown option 'batchsize'.*'batch_size'"):
        FitOptions().replace(batchsize=3)
    X, Y = nndl.datasets.load_planar()
    with pytest.raises(InvalidParameterError, match=r"'patiense'.*did you mean 'patience'"):
        nndl.Network([2, 3, 1]).fit(X, Y, 0.1, 1, patiense=3)


def test_replace_checks_again_and_leaves_the_original() -> None:
    options = FitOptions(learning_rate=0.1, epochs=3)
    changed = options.replace(batch_size=8)
    assert (options.batch_size, changed.batch_size, changed.epochs) == (None, 8, 3)
    with pytest.raises(InvalidParameterError):
        options.replace(batch_size=-1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        options.epochs = 4  # type: ignore[misc]


def test_the_learning_schedule() -> None:
    assert FitOptions(learning_rate=0.2).learning_schedule()(5) == 0.2
    assert FitOptions(learning_rate=0.2, schedule="step").learning_schedule()(10) == 0.1
    step = StepDecay(0.2, factor=0.5, every=2)
    assert FitOptions(learning_rate=step).learning_schedule() is step


def test_given_names_what_differs_from_the_defaults() -> None:
    options = FitOptions(shuffle=False, early_stopping=EarlyStopping(), dropout=0.0)
    assert options.given(("shuffle", "early_stopping", "dropout", "callbacks")) == [
        "shuffle",
        "early_stopping",
    ]


def test_the_loop_network_fit_and_an_options_object_train_the_same_run(tmp_path: Path) -> None:
    X, Y = nndl.datasets.load_planar()
    keywords = {"batch_size": 100, "optimizer": "adam", "l2": 0.1, "seed": 0}
    runs = []
    for how in ("network", "loop", "options"):
        net = nndl.Network([2, 4, 1], activations="tanh", seed=1, dtype="float64")
        if how == "network":
            history = net.fit(X, Y, 0.01, 3, **keywords)
        elif how == "loop":
            history = nndl.training.fit(net, X, Y, 0.01, 3, **keywords)
        else:
            options = FitOptions(learning_rate=0.01, epochs=3, **keywords)
            history = nndl.training.fit(net, X, Y, options=options)
        runs.append((list(history), net.params["W1"].copy()))
    for costs, W1 in runs[1:]:
        assert costs == runs[0][0]
        np.testing.assert_array_equal(W1, runs[0][1])


@pytest.mark.parametrize("engine", ["numpy", "generic"])
def test_output_cost_mean_divides_the_recorded_data_cost_not_the_gradient(engine: str) -> None:
    """scikit-learn's multi-output squared error: the history's data cost is the mean over
    the n_y outputs, the L2 term is not divided, and the steps are the sum's."""
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(3, 50)), rng.normal(size=(4, 50))
    runs = {}
    for output_cost in ("sum", "mean"):
        net = nndl.Network([3, 5, 4], activations="tanh", output="linear", seed=0, dtype="float64")
        options = dict(batch_size=10, l2=0.5, l2_cost="batch", engine=engine, seed=1)
        runs[output_cost] = (net, net.fit(X, Y, 0.01, 3, output_cost=output_cost, **options))
    (net_sum, summed), (net_mean, mean) = runs["sum"], runs["mean"]
    for k in net_sum.params:  # the same steps
        np.testing.assert_array_equal(net_sum.params[k], net_mean.params[k])
    assert mean[0] < summed[0] / 2  # not the sum
    # each batch's cost is data + (λ/2B)Σ||W||²; only the data part is divided by n_y = 4
    net = nndl.Network([3, 5, 4], activations="tanh", output="linear", seed=0, dtype="float64")
    data = 0.5 * float(((net.predict(X[:, :10]) - Y[:, :10]) ** 2).sum()) / 10
    l2 = 0.5 / 20 * sum(float((net.params[f"W{l}"] ** 2).sum()) for l in (1, 2))
    one = net.fit(X[:, :10], Y[:, :10], 0.01, 1, output_cost="mean", **options)
    assert one[0] == pytest.approx(data / 4 + l2, rel=1e-12)
    with pytest.raises(ValueError, match="output_cost"):
        nndl.training.FitOptions(output_cost="median")
