"""Messages for likely mistakes: a misspelt name gets "did you mean …?", text labels get the
dtype seen and the fix, a one-unit softmax and an activation too many say what to do."""

from __future__ import annotations

import numpy as np
import pytest

from nndl import Network, NNDLTypeError, NNDLValueError
from nndl.errors import did_you_mean
from nndl.model import activations, init, losses
from nndl.training import optimizers, schedules

X = np.random.default_rng(0).normal(size=(2, 12))
Y = (X[:1] > 0).astype(int)


@pytest.mark.parametrize(
    ("get", "typo", "meant"),
    [
        (activations.get, "rleu", "relu"),
        (activations.get, "Tahn", "tanh"),
        (activations.get, "leaky-rleu", "leaky_relu"),
        (losses.get, "logistc", "logistic"),
        (losses.get, "cross_entrpy", "cross_entropy"),
        (init.get, "xaviar", "xavier"),
        (optimizers.get, "adma", "adam"),
        (optimizers.get, "rmsprob", "rmsprop"),
        (optimizers.get, "sdg", "sgd"),  # an alias is suggested by its own spelling
        (schedules.get_schedule, "exponentail", "exponential"),
    ],
)
def test_every_registry_suggests_the_closest_name(get: object, typo: str, meant: str) -> None:
    with pytest.raises(NNDLValueError, match=rf"unknown .*{typo!r}; did you mean {meant!r}"):
        get(typo)  # type: ignore[operator]


def test_a_name_far_from_every_known_one_gets_only_the_list() -> None:
    with pytest.raises(NNDLValueError) as info:
        activations.get("swish")
    assert "did you mean" not in str(info.value) and "the known ones are: linear" in str(info.value)


def test_did_you_mean_shows_each_name_once_by_its_closest_spelling() -> None:
    assert did_you_mean("lbgfs", {"lbfgs": "lbfgs", "l_bfgs": "lbfgs"}) == "did you mean 'lbfgs'?"
    assert did_you_mean("--activaton", ["--activation", "--lr"]) == "did you mean '--activation'?"
    assert did_you_mean("zzz", ["relu", "tanh"]) == ""


@pytest.mark.parametrize(
    ("labels", "seen"),
    [
        (Y.astype(str), "(text)"),
        (Y.astype(object), "(Python objects)"),
        (np.where(Y > 0, "cat", "dog"), "(text)"),
    ],
)
def test_text_or_object_Y_is_a_type_error_naming_the_dtype(labels: np.ndarray, seen: str) -> None:
    net = Network([2, 3, 1], seed=0)
    for call in (
        lambda: net.fit(X, labels, epochs=1),
        lambda: net.cost(X, labels),
        lambda: net.accuracy(X, labels),
    ):
        with pytest.raises(NNDLTypeError, match=rf"Y must hold real numbers.*Y\.dtype=.*{seen}"):
            call()


def test_text_or_object_X_is_a_type_error_naming_the_dtype() -> None:
    net = Network([2, 3, 1], seed=0)
    with pytest.raises(NNDLTypeError, match=r"X\.dtype=object \(Python objects\).*astype"):
        net.fit(X.astype(object), Y, epochs=1)
    with pytest.raises(NNDLTypeError, match=r"X\.dtype=<U.* \(text\)"):
        net.predict(X.astype(str))


def test_a_softmax_output_of_one_unit_is_refused_with_what_to_use() -> None:
    for make in (
        lambda: Network([2, 3, 1], output="softmax"),
        lambda: Network([2, 3, 1], activations=["relu", "softmax"]),
        lambda: Network([2, 3, 1], loss="cross_entropy"),
    ):
        with pytest.raises(NNDLValueError, match=r"softmax output of n_y=1 unit.*sigmoid"):
            make()
    # two units with softmax take the binary labels as integer classes
    net = Network([2, 3, 2], output="softmax", seed=0)
    net.fit(X, Y, epochs=2)
    assert net.predict(X).shape == (1, 12)


def test_one_activation_too_many_names_the_counts_and_the_fix() -> None:
    with pytest.raises(NNDLValueError) as info:
        Network([2, 4, 4, 1], activations=["relu", "relu", "relu"])
    message = str(info.value)
    assert "3 names" in message and "2 hidden layers" in message
    assert "Give 2 names, one per hidden layer" in message and "no matched loss" in message
    # with an output activation last, or a loss, three names are three layers
    assert Network([2, 4, 4, 1], activations=["relu", "relu", "sigmoid"]).output.name == "sigmoid"
    assert Network([2, 4, 4, 1], activations=["relu", "relu", "linear"], loss="mse")
    with pytest.raises(NNDLValueError, match=r"Received: 4 activations .* 2 hidden layers"):
        Network([2, 4, 4, 1], activations=["relu"] * 4)
