"""Layers past dense in a Sequential model: shapes, finite differences of the whole model,
PyTorch, batch norm and dropout modes, and a Network's numbers from Dense layers."""

from __future__ import annotations

import numpy as np
import pytest

import nndl
from nndl.errors import NNDLTypeError, NNDLValueError, ShapeError
from nndl.model.layers import (
    Activation,
    AvgPool1D,
    AvgPool2D,
    BatchNorm,
    Conv1D,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    MaxPool1D,
    MaxPool2D,
    layer_from_config,
)
from nndl.model.sequential import Sequential


def _pictures(m: int = 5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((m, 6, 6, 2))
    Y = (rng.random((1, m)) > 0.5).astype(np.float64)
    return X, Y


def _small_convnet(**kwargs) -> Sequential:  # type: ignore[no-untyped-def]
    return Sequential(
        [
            Conv2D(3, 3, pad="same", activation="tanh"),
            BatchNorm(),
            MaxPool2D(2),
            Conv2D(2, 2, stride=1, activation="relu"),
            AvgPool2D(2),
            Flatten(),
            Dense(4, activation="tanh"),
            Dense(1, activation="sigmoid"),
        ],
        input_shape=(6, 6, 2),
        seed=1,
        dtype="float64",
        **kwargs,
    )


def test_shapes_names_and_summary() -> None:
    model = _small_convnet()
    shapes = [layer.output_shape for layer in model.layers]
    assert shapes == [(6, 6, 3), (6, 6, 3), (3, 3, 3), (2, 2, 2), (1, 1, 2), (2,), (4,), (1,)]
    assert list(model.params) == ["W1", "b1", "gamma2", "beta2", "W3", "b3", "W4", "b4", "W5", "b5"]
    assert model.params["W1"].shape == (3, 3, 2, 3) and model.params["b1"].shape == (1, 1, 1, 3)
    assert model.params["gamma2"].shape == (1, 1, 1, 3) and model.params["W4"].shape == (4, 2)
    assert model.task == "binary" and model.loss.name == "logistic"
    text = model.summary()
    assert (
        "conv2d 3×3×3 s1 tanh" in text and "Total parameters: 106" in text
    )  # 57 + 6 + 26 + 12 + 5
    X, _ = _pictures()
    AL, caches = model.forward(X)
    assert AL.shape == (1, 5) and len(caches) == len(model.layers)


@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_backward_pass_matches_finite_differences(l2: float) -> None:
    model = _small_convnet()
    model.l2 = l2
    X, Y = _pictures()
    X, Y = model.check_data(X, Y)
    AL, caches = model.forward_pass(X)
    grads = model.backward_pass(AL, Y, caches)
    assert list(grads) == ["d" + k for k in model.params]
    check = nndl.gradient_check(model, X, Y, epsilon=1e-6)
    assert list(check.per_parameter) == list(model.params)
    for key, error in check.per_parameter.items():
        assert error < 1e-6, key


def test_sequences_with_1d_convolution_and_softmax() -> None:
    rng = np.random.default_rng(2)
    X = rng.standard_normal((4, 9, 2))  # (m, n_W, n_C)
    Y = np.eye(3)[:, rng.integers(0, 3, 4)]
    model = Sequential(
        [Conv1D(3, 3, pad="same", activation="relu"), MaxPool1D(2), Conv1D(2, 2, stride=2),
         AvgPool1D(1), Flatten(), Dense(3, activation="softmax")],
        input_shape=(9, 2), seed=0, dtype="float64",
    )  # fmt: skip
    assert [layer.output_shape for layer in model.layers] == [
        (9, 3),
        (4, 3),
        (2, 2),
        (2, 2),
        (4,),
        (3,),
    ]
    X, Y = model.check_data(X, Y)
    AL, caches = model.forward_pass(X)
    grads = model.backward_pass(AL, Y, caches)
    check = nndl.gradient_check(model, X, Y, epsilon=1e-6)
    for key in model.params:
        np.testing.assert_allclose(grads["d" + key], check.approx["d" + key], rtol=1e-5, atol=1e-8)


def test_dense_layers_give_the_networks_numbers() -> None:
    """A Sequential of Dense layers is the first course's network: the same forward pass,
    cost and gradients (the dense layer's linear step is the network's)."""
    net = nndl.Network([3, 5, 4, 1], activations="tanh", init="xavier", seed=3, dtype="float64")
    model = Sequential(
        [Dense(5, "tanh"), Dense(4, "tanh"), Dense(1, "sigmoid")], input_shape=(3,), dtype="float64"
    )
    model.params = {k: v.copy() for k, v in net.params.items()}
    rng = np.random.default_rng(4)
    X, Y = rng.standard_normal((3, 11)), (rng.random((1, 11)) > 0.5).astype(float)
    J, grads = net.gradients(X, Y)
    J_seq, grads_seq = model.gradients(X, Y)
    assert J_seq == J
    for key, value in grads.items():
        np.testing.assert_array_equal(grads_seq[key], value)


def test_batch_norm_trains_on_the_batch_and_predicts_with_running_averages() -> None:
    model = Sequential([Dense(4, "relu"), BatchNorm(momentum=0.5), Dense(1, "sigmoid")],
                       input_shape=(3,), seed=0, dtype="float64")  # fmt: skip
    bn = model.layers[1]
    X = np.random.default_rng(5).standard_normal((3, 20)) + 2
    A1 = model.layers[0].forward(X, True, None)[0]
    model.forward_pass(X)  # training: the batch's statistics, running averages move halfway
    np.testing.assert_allclose(bn.state["mean"], 0.5 * A1.mean(axis=1, keepdims=True))
    np.testing.assert_allclose(bn.state["var"], 0.5 + 0.5 * A1.var(axis=1, keepdims=True))
    train, _ = model.forward_pass(X)
    test, _ = model.forward(X)
    assert not np.allclose(train, test)  # test time uses the running averages


def test_dropout_layer_drops_while_training_only() -> None:
    model = Sequential([Dense(50, "relu"), Dropout(0.5), Dense(1, "sigmoid")], input_shape=(3,),
                       seed=0, dtype="float64")  # fmt: skip
    assert model.stochastic
    X = np.abs(np.random.default_rng(6).standard_normal((3, 40)))
    A_train, caches = model.forward_pass(X, rng=np.random.default_rng(0))
    D = caches[1]
    assert set(np.unique(D)) <= {0.0, 2.0} and 0.3 < (D == 0).mean() < 0.7
    A_test, _ = model.forward(X)
    assert not np.allclose(A_train, A_test)
    with pytest.raises(NNDLValueError, match="needs a random generator"):
        model.forward_pass(X)


def test_pytorch_gives_the_same_model() -> None:
    torch = pytest.importorskip("torch")
    model = Sequential(
        [Conv2D(4, 3, pad=1, activation="relu"), MaxPool2D(2), Flatten(), Dense(1, "sigmoid")],
        input_shape=(6, 6, 2), seed=7, dtype="float64",
    )  # fmt: skip
    X, Y = _pictures(m=7, seed=8)
    J, grads = model.gradients(X, Y)
    p = model.params
    W1 = torch.tensor(p["W1"].transpose(3, 2, 0, 1), requires_grad=True)
    b1 = torch.tensor(p["b1"].reshape(-1), requires_grad=True)
    W2 = torch.tensor(p["W2"], requires_grad=True)
    b2 = torch.tensor(p["b2"], requires_grad=True)
    x = torch.tensor(X.transpose(0, 3, 1, 2))
    a = torch.nn.functional.max_pool2d(
        torch.relu(torch.nn.functional.conv2d(x, W1, b1, padding=1)), 2
    )
    flat = a.permute(0, 2, 3, 1).reshape(7, -1).T  # the same (n_H, n_W, n_C) order as Flatten
    z = W2 @ flat + b2
    cost = torch.nn.functional.binary_cross_entropy_with_logits(z, torch.tensor(Y))
    cost.backward()
    assert pytest.approx(float(cost.detach()), abs=1e-12) == J
    np.testing.assert_allclose(grads["dW1"], W1.grad.numpy().transpose(2, 3, 1, 0), atol=1e-12)
    np.testing.assert_allclose(grads["db1"].reshape(-1), b1.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(grads["dW2"], W2.grad.numpy(), atol=1e-12)
    np.testing.assert_allclose(grads["db2"], b2.grad.numpy(), atol=1e-12)


def test_configs_rebuild_the_layers() -> None:
    for layer in [*_small_convnet().layers, Dropout(0.2), Activation("relu"), Conv1D(2, 3)]:
        again = layer_from_config(layer.config())
        assert type(again) is type(layer) and again.config() == layer.config()
    with pytest.raises(NNDLValueError, match="unknown layer kind 'transformer'"):
        layer_from_config({"kind": "transformer"})
    with pytest.raises(NNDLValueError, match=r"bad options for a lstm layer .*units"):
        layer_from_config({"kind": "lstm"})


def test_bad_models_and_data_are_explained() -> None:
    with pytest.raises(NNDLValueError, match="last layer must be a Dense layer"):
        Sequential([Conv2D(2, 3)], input_shape=(5, 5, 1))
    with pytest.raises(NNDLValueError, match="put a Flatten"):
        Sequential([Conv2D(2, 3), Dense(1, "sigmoid")], input_shape=(5, 5, 1))
    with pytest.raises(NNDLTypeError, match=r"nndl\.layers objects"):
        Sequential(["dense"], input_shape=(3,))  # type: ignore[list-item]
    with pytest.raises(NNDLValueError, match="does not fit"):
        Sequential([Conv2D(2, 7), Flatten(), Dense(1, "sigmoid")], input_shape=(5, 5, 1))
    with pytest.raises(NNDLValueError, match="elementwise"):
        Activation("softmax")
    model = _small_convnet()
    with pytest.raises(ShapeError, match=r"X must have shape \(m, 6, 6, 2\)"):
        model.forward(np.zeros((6, 6, 2)))
    X, _Y = _pictures()
    X[0, 0, 0, 0] = np.nan
    with pytest.raises(NNDLValueError, match="NaN"):
        model.forward(X)
    with pytest.raises(NNDLValueError, match="Dropout"):
        model.forward_pass(_pictures()[0], keep_probs=[0.5])


def test_save_and_load_give_the_same_predictions(tmp_path) -> None:  # type: ignore[no-untyped-def]
    model = _small_convnet()
    X, _ = _pictures()
    model.forward_pass(X)  # moves batch norm's running averages off their start
    model.info["classes"] = ["no", "yes"]
    path = nndl.io.save(model, tmp_path / "convnet")
    again = nndl.load(path)
    assert isinstance(again, Sequential) and again.config() == model.config()
    assert again.info == {"classes": ["no", "yes"]}
    np.testing.assert_array_equal(again.predict_proba(X), model.predict_proba(X))
    for key, value in model.state.items():
        np.testing.assert_array_equal(again.state[key], value)
    with pytest.raises(NNDLValueError, match="holds a Sequential model"):
        nndl.io.load_network(path)


def test_hostile_sequential_files_are_refused_before_reading(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import json

    model = Sequential([Flatten(), Dense(2, "relu"), Dense(1, "sigmoid")], input_shape=(2, 2, 1))
    path = nndl.io.save(model, tmp_path / "small")
    with np.load(path, allow_pickle=False) as f:
        arrays = {k: f[k] for k in f.files}
    meta = json.loads(str(arrays["__metadata__"]))

    def rewrite(**changes) -> str:  # type: ignore[no-untyped-def]
        bad = tmp_path / "bad.npz"
        np.savez(bad, **{**arrays, "__metadata__": np.array(json.dumps({**meta, **changes}))})
        return str(bad)

    huge = [{"kind": "flatten"},
            {"kind": "dense", "units": 10**12, "activation": "relu", "init": "he"},
            {"kind": "dense", "units": 1, "activation": "sigmoid", "init": "he"}]  # fmt: skip
    with pytest.raises(NNDLValueError, match=r"memory|params must be"):
        nndl.load(rewrite(layers=huge))
    with pytest.raises(NNDLValueError, match="malformed layer"):
        nndl.load(rewrite(layers=[{"kind": "dense", "units": -1}]))
    with pytest.raises(NNDLValueError, match="unknown layer kind"):
        nndl.load(rewrite(layers=[{"kind": "pickle"}]))
    with pytest.raises(NNDLValueError, match="input_shape must be"):
        nndl.load(rewrite(input_shape=[0]))
    wrong = [{"kind": "flatten"}, {"kind": "dense", "units": 3, "activation": "relu", "init": "he"},
             {"kind": "dense", "units": 1, "activation": "sigmoid", "init": "he"}]  # fmt: skip
    with pytest.raises(NNDLValueError, match=r"W2 has shape \(2, 4\)|expected"):
        nndl.load(rewrite(layers=wrong))


@pytest.mark.parametrize("library", ["torch", "array_api_strict"])
def test_the_same_model_runs_on_other_array_libraries(library: str) -> None:
    from nndl.model.layers import GRU, LSTM

    xp = pytest.importorskip(library)
    X, Y = _pictures()
    sequences = np.random.default_rng(9).standard_normal((4, 5, 3))
    labels = np.eye(2)[:, [0, 1, 1, 0]]
    for make, data, targets in (
        (_small_convnet, X, Y),
        (lambda: Sequential([LSTM(4, return_sequences=True), GRU(3), Dense(2, "softmax")],
                            input_shape=(5, 3), seed=0, dtype="float64"), sequences, labels),
    ):  # fmt: skip
        J, grads = make().gradients(data, targets)
        J_other, grads_other = make().gradients(xp.asarray(data), xp.asarray(targets))
        assert J_other == pytest.approx(J, abs=1e-12)
        for key, value in grads.items():
            np.testing.assert_allclose(np.asarray(grads_other[key]), value, atol=1e-12)
