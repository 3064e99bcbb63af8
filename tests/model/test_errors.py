"""Bad input: each a clear error saying what was expected, what was seen, and the fix."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest

from nndl import DivergenceError, Network, NNDLTypeError, NNDLValueError, ShapeError
from nndl.training import optimizers as optim

X = np.random.default_rng(0).normal(size=(2, 10))
Y = (X[:1] > 0).astype(float)


@pytest.fixture
def net() -> Network:
    return Network([2, 3, 1], activations="tanh", seed=0)


def test_rank_1_X(net: Network) -> None:
    with pytest.raises(ShapeError, match=r"Received: X.shape=\(10,\).*rank-1.*reshape"):
        net.forward(X[0])


def test_X_given_as_examples_by_features(net: Network) -> None:
    with pytest.raises(ShapeError, match=r"expects n_x=2 rows.*pass X.T.*estimator API"):
        net.forward(X.T)


def test_wrong_number_of_features(net: Network) -> None:
    with pytest.raises(ShapeError, match=r"X has shape \(3, 10\) but the network expects n_x=2"):
        net.forward(np.zeros((3, 10)))


def test_rank_1_Y(net: Network) -> None:
    with pytest.raises(ShapeError, match=r"Y must be a 2-D array.*Y.reshape\(1, -1\)"):
        net.fit(X, Y[0], learning_rate=0.1, epochs=1)


def test_Y_with_a_different_m(net: Network) -> None:
    with pytest.raises(ShapeError, match=r"Y has 9 columns .* X has m=10"):
        net.fit(X, Y[:, :9], learning_rate=0.1, epochs=1)


def test_Y_with_wrong_rows(net: Network) -> None:
    with pytest.raises(ShapeError, match="Y has 2 rows but the network has n_y=1"):
        net.cost(X, np.vstack([Y, Y]))


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_non_finite_X_or_Y(net: Network, bad: float) -> None:
    X_bad = X.copy()
    X_bad[1, 3] = bad
    with pytest.raises(NNDLValueError, match="X contains NaN or infinite"):
        net.fit(X_bad, Y, learning_rate=0.1, epochs=1)
    Y_bad = Y.copy()
    Y_bad[0, 2] = bad
    with pytest.raises(NNDLValueError, match="Y contains NaN or infinite"):
        net.fit(X, Y_bad, learning_rate=0.1, epochs=1)


def test_labels_outside_0_1_for_sigmoid(net: Network) -> None:
    with pytest.raises(NNDLValueError, match=r"labels Y in \{0, 1\}.*values from 0.0 to 2.0"):
        net.fit(X, Y * 2, learning_rate=0.1, epochs=1)


def test_softmax_labels_out_of_range() -> None:
    net = Network([2, 3], seed=0)
    with pytest.raises(NNDLValueError, match=r"labels must be in 0 … 2.*from 0 to 3"):
        net.fit(X, np.array([[0, 1, 2, 3, 0, 1, 2, 0, 1, 2]]), learning_rate=0.1, epochs=1)
    with pytest.raises(NNDLValueError, match="labels must be in"):
        net.fit(X, np.full((1, 10), 0.5), learning_rate=0.1, epochs=1)


def test_no_examples(net: Network) -> None:
    with pytest.raises(ShapeError, match=r"no examples \(m = 0\)"):
        net.forward(np.zeros((2, 0)))


def test_not_an_array(net: Network) -> None:
    with pytest.raises(NNDLTypeError, match="X must be an array"):
        net.forward({"x": 1})
    net.forward([[1.0, 2.0], [3.0, 4.0]])  # nested lists are taken as arrays


def test_unknown_activation_and_loss_names() -> None:
    with pytest.raises(
        NNDLValueError,
        match=r"unknown activation 'sigmoidal'; did you mean 'sigmoid'\? The known ones are: lin",
    ):
        Network([2, 3, 1], activations="sigmoidal")
    with pytest.raises(
        NNDLValueError, match="unknown loss 'l1'; the known ones are: logistic, cross_entropy, mse"
    ):
        Network([2, 3, 1], loss="l1")
    with pytest.raises(NNDLValueError, match="softmax can only be the output"):
        Network([2, 3, 1], activations="softmax")
    with pytest.raises(NNDLValueError, match="no default loss for a tanh output"):
        Network([2, 3, 1], output="tanh")
    with pytest.raises(NNDLValueError, match="one activation for each of the 2 hidden layers"):
        Network([2, 3, 3, 1], activations=["relu"])


@pytest.mark.parametrize("dims", [[2, 0, 1], [2, -1, 1], [2, 1.5, 1], [2], [0, 1]])
def test_bad_layer_sizes(dims: list) -> None:  # type: ignore[type-arg]
    with pytest.raises(NNDLValueError, match="layer"):
        Network(dims)


@pytest.mark.parametrize("lr", [0, -0.1, math.nan, math.inf, "0.1", True])
def test_bad_learning_rate(net: Network, lr: object) -> None:
    with pytest.raises(
        NNDLValueError, match=r"learning_rate must be a finite number > 0.*Received"
    ):
        net.fit(X, Y, learning_rate=lr, epochs=1)  # type: ignore[arg-type]


def test_bad_epochs_and_dtype(net: Network) -> None:
    with pytest.raises(NNDLValueError, match="epochs must be an integer >= 0"):
        net.fit(X, Y, learning_rate=0.1, epochs=-1)
    with pytest.raises(NNDLValueError, match="dtype must be one of float32, float64"):
        Network([2, 1], dtype="int8")


def test_divergence_names_the_learning_rate_and_keeps_finite_parameters() -> None:
    rng = np.random.default_rng(0)
    X_big = rng.normal(scale=1e3, size=(3, 50))
    Y_big = X_big.sum(axis=0, keepdims=True) * 1e3
    net = Network([3, 8, 1], activations="relu", loss="mse", init="he", seed=0)
    with pytest.raises(DivergenceError, match=r"learning_rate=10.0.*smaller learning rate"):
        net.fit(X_big, Y_big, learning_rate=10.0, epochs=100)
    assert all(np.all(np.isfinite(v)) for v in net.params.values())
    assert isinstance(DivergenceError("x"), FloatingPointError)


def test_every_integer_option_is_checked_alike() -> None:
    from nndl.errors import check_int
    from nndl.training.callbacks import EarlyStopping, ModelCheckpoint

    assert check_int("epochs", np.int64(3), minimum=0) == 3
    for bad in (True, 2.0, "3", -1):
        with pytest.raises(NNDLValueError, match=r"epochs must be an integer >= 0\. Received"):
            check_int("epochs", bad, minimum=0)
    with pytest.raises(NNDLValueError, match=r"patience must be an integer >= 0\. Received"):
        EarlyStopping(patience=1.5)  # type: ignore[arg-type]
    with pytest.raises(NNDLValueError, match=r"every must be an integer >= 1\. Received: every=0"):
        ModelCheckpoint("ckpt.npz", every=0)
    with pytest.raises(NNDLValueError, match=r"memory must be an integer >= 1"):
        optim.LBFGS(memory=False)
    assert EarlyStopping(patience=np.int64(2)).patience == 2  # type: ignore[arg-type]


def test_divergence_messages_come_from_one_place() -> None:
    from nndl.errors import diverged

    e = diverged("the cost became nan", 0.5, epoch=3)
    assert isinstance(e, DivergenceError)
    assert str(e) == (
        "the cost became nan at epoch 3 with learning_rate=0.5: training diverged. Try a smaller "
        "learning rate (for example 0.05) or standardize the inputs. The parameters are those "
        "of the last finite step."
    )
    lbfgs = str(diverged("L-BFGS reached non-finite parameters", None, epoch=7))
    assert "learning_rate" not in lbfgs and "Standardize the inputs." in lbfgs


def test_a_missing_optional_package_names_its_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    from nndl.errors import MissingDependencyError

    monkeypatch.setitem(sys.modules, "scipy", None)
    monkeypatch.setitem(sys.modules, "scipy.optimize", None)
    with pytest.raises(MissingDependencyError, match=r"optimizer='lbfgs' needs .*nndl\[lbfgs\]"):
        Network([2, 1]).fit(np.zeros((2, 4)), np.zeros((1, 4)), optimizer="lbfgs", epochs=2)
