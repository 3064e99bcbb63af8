"""The training loop: mini-batches, engines, L2, dropout, history, early stopping, resume."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

import nndl
from nndl.arrays.backend import to_numpy
from nndl.errors import DivergenceError, NNDLTypeError, NNDLValueError
from nndl.gradcheck import gradient_check
from nndl.model.network import Network
from nndl.training import History, epoch_rng
from nndl.training import optimizers as optim
from nndl.training.callbacks import (
    Callback,
    EarlyStopping,
    LambdaCallback,
    ModelCheckpoint,
    ProgressBar,
)


def _blobs(m: int = 90, classes: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, classes, size=(1, m))
    centers = rng.normal(scale=3.0, size=(4, classes))
    X = centers[:, labels[0]] + rng.normal(size=(4, m))
    return X, labels


def _params(net: Network) -> dict[str, np.ndarray]:
    return {k: np.array(to_numpy(v), copy=True) for k, v in net.params.items()}


# ------------------------------------------------------------- mini-batches


def test_default_fit_is_course_batch_gradient_descent() -> None:
    X, labels = _blobs()
    net = Network([4, 5, 3], init="he", seed=1, dtype="float64")
    ref = Network([4, 5, 3], init="he", seed=1, dtype="float64")
    history = net.fit(X, labels, learning_rate=0.1, epochs=5)
    assert isinstance(history, list) and isinstance(history, History) and len(history) == 5
    Y = nndl.model.losses.one_hot(labels, 3)
    for epoch in range(5):
        J, grads = ref.gradients(X, Y)
        assert history[epoch] == J  # the cost before the epoch's update, bit for bit
        ref.update(grads, 0.1)
    for k in ref.params:
        np.testing.assert_array_equal(net.params[k], ref.params[k])
    assert history.history["cost"] == list(history)
    assert len(history.history["accuracy"]) == 5 and history.history["learning_rate"] == [0.1] * 5


def test_mini_batches_keep_the_last_partial_batch(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    X, labels = _blobs(m=23)
    net = Network([4, 3], seed=0)
    seen: list[int] = []
    forward = net.forward_pass

    def spy(Xb, *args, **kwargs):  # type: ignore[no-untyped-def]
        seen.append(Xb.shape[1])
        return forward(Xb, *args, **kwargs)

    monkeypatch.setattr(net, "forward_pass", spy)
    net.fit(X, labels, learning_rate=0.1, epochs=2, batch_size=5, engine="generic")
    assert seen == [5, 5, 5, 5, 3] * 2


def test_shuffles_differ_between_epochs_and_follow_the_seed() -> None:
    a, b = epoch_rng(7, 0).permutation(50), epoch_rng(7, 1).permutation(50)
    assert not np.array_equal(a, b)
    np.testing.assert_array_equal(a, epoch_rng(7, 0).permutation(50))
    X, labels = _blobs()
    runs = []
    for seed in (3, 3, 4):
        net = Network([4, 6, 3], init="he", seed=0)
        net.fit(X, labels, learning_rate=0.01, epochs=3, optimizer="adam", batch_size=16, seed=seed)
        runs.append(_params(net))
    assert all(runs[0][k].tobytes() == runs[1][k].tobytes() for k in runs[0])
    assert not np.array_equal(runs[0]["W1"], runs[2]["W1"])


@pytest.mark.parametrize("dropout", [0.0, 0.3])
@pytest.mark.parametrize("optimizer", ["gd", "momentum", "rmsprop", "adam"])
@pytest.mark.parametrize(
    ("dims", "kind"),
    [([4, 6, 5, 3], "softmax"), ([4, 5, 1], "binary"), ([4, 5, 2], "regression")],
)
def test_numpy_engine_equals_generic_engine(
    optimizer: str, dims: list[int], kind: str, dropout: float
) -> None:
    X, labels = _blobs(m=53)
    if kind == "softmax":
        Y, net_kwargs = labels, {}
    elif kind == "binary":
        Y, net_kwargs = (labels > 0).astype(float), {}
    else:
        Y, net_kwargs = np.vstack([X[0] * 0.5, X[1] - X[2]]), {"loss": "mse"}
    results = []
    for engine in ("generic", "numpy"):
        net = Network(
            dims,
            activations="tanh" if kind == "binary" else "relu",
            init="he",
            seed=2,
            dtype="float64",
            **net_kwargs,
        )
        h = net.fit(
            X,
            Y,
            learning_rate=0.01,
            epochs=4,
            optimizer=optimizer,
            batch_size=10,
            l2=0.05,
            dropout=dropout,
            engine=engine,
        )
        results.append((h, _params(net)))
    (h_gen, p_gen), (h_np, p_np) = results
    np.testing.assert_allclose(list(h_np), list(h_gen), rtol=1e-12)
    for k in p_gen:
        np.testing.assert_allclose(p_np[k], p_gen[k], rtol=1e-10, atol=1e-13)
    if kind != "regression":
        assert h_np.history["accuracy"] == h_gen.history["accuracy"]


def test_numpy_engine_counts_a_multi_label_example_right_when_all_its_outputs_are() -> None:
    X, labels = _blobs(m=61)
    Y = np.vstack([labels == 0, labels == 1, X[0] > 0]).astype(float)  # three labels each
    histories = []
    for engine in ("generic", "numpy"):
        net = Network([4, 5, 3], "tanh", output="sigmoid", seed=1, dtype="float64")
        histories.append(net.fit(X, Y, 0.5, 6, batch_size=8, engine=engine).history["accuracy"])
    assert histories[1] == histories[0]
    assert len(set(histories[0])) > 1  # the count moves as it learns


def test_backends_agree_on_mini_batch_adam_with_l2_and_dropout(backend) -> None:  # type: ignore[no-untyped-def]
    X, labels = _blobs(m=40)
    kwargs = dict(
        learning_rate=0.01,
        epochs=3,
        optimizer="adam",
        batch_size=16,
        l2=0.1,
        dropout=0.2,
        validation_split=0.25,
        seed=5,
    )
    ref = Network([4, 6, 5, 3], init="he", seed=0, dtype="float64")
    h_ref = ref.fit(X, labels, **kwargs)  # type: ignore[arg-type]
    net = Network([4, 6, 5, 3], init="he", seed=0, dtype="float64")
    h = net.fit(backend.asarray(X), backend.asarray(labels), **kwargs)  # type: ignore[arg-type]
    np.testing.assert_allclose(list(h), list(h_ref), rtol=1e-10)
    np.testing.assert_allclose(h.history["val_cost"], h_ref.history["val_cost"], rtol=1e-10)
    for k in ref.params:
        np.testing.assert_allclose(to_numpy(net.params[k]), ref.params[k], rtol=1e-9, atol=1e-12)


def test_softmax_labels_or_one_hot_and_regression_train() -> None:
    X, labels = _blobs(m=120)
    a = Network([4, 8, 3], init="he", seed=0)
    b = Network([4, 8, 3], init="he", seed=0)
    ha = a.fit(X, labels, learning_rate=0.01, epochs=30, optimizer="adam", batch_size=32)
    hb = b.fit(
        X,
        nndl.model.losses.one_hot(labels, 3),
        learning_rate=0.01,
        epochs=30,
        optimizer="adam",
        batch_size=32,
    )
    assert list(ha) == list(hb) and ha.history["accuracy"][-1] > 0.9
    rng = np.random.default_rng(0)
    Xr = rng.uniform(-2, 2, size=(1, 300))
    reg = Network([1, 16, 1], activations="tanh", loss="mse", init="xavier", seed=0)
    hr = reg.fit(Xr, np.sin(Xr), learning_rate=0.01, epochs=200, optimizer="adam", batch_size=32)
    assert hr[-1] < 0.01 and "accuracy" not in hr.history


# ------------------------------------------------------------ regularization


def test_l2_cost_term_closed_form() -> None:
    X, labels = _blobs(m=30)
    net = Network([4, 5, 3], init="he", seed=0, dtype="float64")
    J0 = net.cost(X, labels)
    net.l2 = 0.7
    squares = sum(float(np.sum(net.params[f"W{l}"] ** 2)) for l in (1, 2))
    assert math.isclose(net.cost(X, labels), J0 + 0.7 / (2 * 30) * squares, rel_tol=1e-12)


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu"])
def test_gradient_check_passes_with_l2(activation: str) -> None:
    X, labels = _blobs(m=12)
    # seed 2: no ReLU input exactly at its kink z = 0, where finite differences mislead
    net = Network([4, 5, 4, 3], activations=activation, init="xavier", seed=2, dtype="float64")
    net.l2 = 0.8
    result = gradient_check(net, X, nndl.model.losses.one_hot(labels, 3))
    assert result.passed, str(result)
    plain = Network([4, 5, 4, 3], activations=activation, init="xavier", seed=2, dtype="float64")
    _, g_plain = plain.gradients(X, labels)
    _, g_l2 = net.gradients(X, labels)
    np.testing.assert_allclose(
        g_l2["dW1"] - g_plain["dW1"], 0.8 / 12 * net.params["W1"], atol=1e-12
    )


def test_dropout_backward_matches_finite_differences() -> None:
    X, labels = _blobs(m=10)
    Y = nndl.model.losses.one_hot(labels, 3)
    net = Network([4, 6, 5, 3], activations="tanh", init="xavier", seed=3, dtype="float64")
    keep = [0.6, 0.8]

    def cost() -> float:
        AL, caches = net.forward_pass(X, keep_probs=keep, rng=np.random.default_rng(9))
        return float(net.full_cost(AL, caches, Y))

    AL, caches = net.forward_pass(X, keep_probs=keep, rng=np.random.default_rng(9))
    grads = net.backward_pass(AL, Y, caches)
    eps = 1e-6
    for name in ("W1", "b2", "W3"):
        theta = net.params[name]
        for index in [(0, 0), (theta.shape[0] - 1, 0)]:
            old = theta[index]
            theta[index] = old + eps
            plus = cost()
            theta[index] = old - eps
            minus = cost()
            theta[index] = old
            assert math.isclose(
                grads["d" + name][index], (plus - minus) / (2 * eps), rel_tol=1e-5, abs_tol=1e-9
            )


def test_dropout_is_inverted_and_off_at_prediction() -> None:
    X, labels = _blobs(m=2000)
    net = Network([4, 50, 3], init="he", seed=0, dtype="float64")
    _, caches = net.forward_pass(X, keep_probs=[0.75], rng=np.random.default_rng(0))
    D = caches[0].D
    assert D is not None
    assert abs(float(np.mean(D == 0)) - 0.25) < 0.01  # a quarter of the units dropped
    assert set(np.unique(D)) == {0.0, 1 / 0.75}  # survivors scaled by 1/keep_prob
    net.fit(X, labels, learning_rate=0.01, epochs=3, optimizer="adam", batch_size=100, dropout=0.5)
    first, second = net.predict_proba(X), net.predict_proba(X)
    np.testing.assert_array_equal(first, second)
    AL, caches = net.forward(X)
    assert all(c.D is None for c in caches)
    np.testing.assert_array_equal(AL, first)


# --------------------------------------------------------- history, callbacks


def test_validation_split_and_data() -> None:
    X, labels = _blobs(m=100)
    net = Network([4, 6, 3], init="he", seed=0)
    seen: list[int] = []
    spy = LambdaCallback(on_train_begin=lambda t: seen.append(t.engine.m))  # type: ignore[union-attr]
    h = net.fit(
        X,
        labels,
        learning_rate=0.01,
        epochs=4,
        optimizer="adam",
        batch_size=16,
        validation_split=0.2,
        callbacks=[spy],
    )
    assert seen == [80]
    assert set(h.history) == {"cost", "accuracy", "val_cost", "val_accuracy", "learning_rate"}
    assert all(len(v) == 4 for v in h.history.values())
    h2 = Network([4, 6, 3], init="he", seed=0).fit(
        X[:, :80],
        labels[:, :80],
        learning_rate=0.01,
        epochs=2,
        validation_data=(X[:, 80:], labels[:, 80:]),
    )
    assert len(h2.history["val_accuracy"]) == 2 and 0 <= h2.history["val_accuracy"][-1] <= 1


def test_early_stopping_restores_the_best_epoch() -> None:
    X, labels = _blobs(m=120)
    wrong = (labels + 1) % 3  # validation labels the training makes ever more wrong
    snapshots: list[dict[str, np.ndarray]] = []
    keep = LambdaCallback(on_epoch_end=lambda t, e, logs: snapshots.append(_params(t.network)))
    net = Network([4, 8, 3], init="he", seed=0)
    h = net.fit(
        X,
        labels,
        learning_rate=0.01,
        epochs=200,
        optimizer="adam",
        batch_size=32,
        validation_data=(X, wrong),
        early_stopping=True,
        patience=3,
        callbacks=[keep],
    )
    assert h.stopped_early and len(h) < 200
    best = int(np.argmin(h.history["val_cost"]))
    assert h.best_epoch == best and len(h) == best + 3 + 2
    for k, v in snapshots[best].items():
        np.testing.assert_array_equal(net.params[k], v)
    assert not np.array_equal(snapshots[-1]["W1"], net.params["W1"])


def test_early_stopping_without_validation_data_is_an_error() -> None:
    X, labels = _blobs(m=30)
    with pytest.raises(NNDLValueError, match="no validation data"):
        Network([4, 3]).fit(X, labels, epochs=2, early_stopping=EarlyStopping(monitor="val_cost"))


def test_keyboard_interrupt_returns_the_network_trained_so_far(capsys) -> None:  # type: ignore[no-untyped-def]
    class Interrupt(Callback):
        def on_epoch_end(self, trainer, epoch, logs):  # type: ignore[no-untyped-def]
            if epoch == 2:
                raise KeyboardInterrupt

    X, labels = _blobs(m=60)
    for engine in ("generic", "numpy"):
        net = Network([4, 6, 3], init="he", seed=0)
        h = net.fit(
            X,
            labels,
            learning_rate=0.1,
            epochs=100,
            optimizer="adam",
            batch_size=16,
            callbacks=[Interrupt()],
            engine=engine,
        )
        assert h.interrupted and len(h) == 3
        assert all(np.all(np.isfinite(v)) for v in net.params.values())
        assert net.predict(X).shape == (1, 60) and net.accuracy(X, labels) > 0.5
    assert "interrupted after 3 epochs" in capsys.readouterr().err


@pytest.mark.parametrize("engine", ["generic", "numpy"])
def test_checkpoint_resume_is_bit_identical(engine: str, tmp_path: Path) -> None:
    X, labels = _blobs(m=50)
    kwargs = dict(
        learning_rate=0.01,
        optimizer="adam",
        batch_size=8,
        l2=0.01,
        schedule="exponential",
        engine=engine,
        seed=4,
    )
    kwargs["dropout"] = 0.2
    full = Network([4, 7, 5, 3], init="he", seed=0)
    h_full = full.fit(X, labels, epochs=6, **kwargs)  # type: ignore[arg-type]
    path = tmp_path / "run.npz"
    first = Network([4, 7, 5, 3], init="he", seed=0)
    saver = ModelCheckpoint(path, every=3)
    first.fit(X, labels, epochs=4, callbacks=[saver], **kwargs)  # type: ignore[arg-type]
    assert saver.saved_epochs == [2]
    resumed = Network([4, 7, 5, 3], init="he", seed=99)  # other initial weights: all restored
    h = resumed.fit(X, labels, epochs=6, resume_from=path, **kwargs)  # type: ignore[arg-type]
    for k in full.params:
        assert to_numpy(resumed.params[k]).tobytes() == to_numpy(full.params[k]).tobytes()
    assert list(h) == list(h_full) and h.epochs == list(range(6))
    with pytest.raises(NNDLValueError, match="Differing: optimizer="):
        Network([4, 7, 5, 3]).fit(X, labels, epochs=6, resume_from=path, optimizer="gd")


@pytest.mark.parametrize("engine", ["generic", "numpy"])
def test_resume_keeps_early_stoppings_count_and_best_epoch(engine: str, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, 80))
    labels = (X[0] + 0.8 * rng.normal(size=80) > 0).astype(int).reshape(1, -1)
    kwargs = dict(
        learning_rate=0.3,
        optimizer="adam",
        batch_size=8,
        validation_split=0.25,
        early_stopping=True,
        patience=3,
        seed=1,
        engine=engine,
    )
    full = Network([4, 16, 16, 2], init="he", seed=0)
    h_full = full.fit(X, labels, epochs=60, **kwargs)  # type: ignore[arg-type]
    best = h_full.best_epoch
    assert h_full.stopped_early and best is not None and best > 5 and len(h_full) == best + 5
    path = tmp_path / "run.npz"  # interrupted one epoch after the best: waited 1 of 3
    first = Network([4, 16, 16, 2], init="he", seed=0)
    first.fit(X, labels, epochs=best + 2, checkpoint=path, **kwargs)  # type: ignore[arg-type]
    ckpt = nndl.training.load_checkpoint(path)
    values, arrays = ckpt.callbacks["EarlyStopping0"]
    assert values == {"monitor": "val_cost", "best": values["best"], "best_epoch": best, "wait": 1}
    assert set(arrays) == set(full.params)  # the best epoch's parameters, to restore
    resumed = Network([4, 16, 16, 2], init="he", seed=5)
    h = resumed.fit(X, labels, epochs=60, resume_from=path, **kwargs)  # type: ignore[arg-type]
    assert h.stopped_early and h.best_epoch == best and list(h) == list(h_full)
    for k in full.params:
        assert to_numpy(resumed.params[k]).tobytes() == to_numpy(full.params[k]).tobytes()


def test_lbfgs_checkpoints_are_refused_for_resuming_with_the_reason(tmp_path: Path) -> None:
    pytest.importorskip("scipy")
    X, labels = _blobs(m=30)
    path = tmp_path / "lbfgs.npz"
    net = Network([4, 3], seed=0)
    net.fit(X, labels, learning_rate=1.0, epochs=5, optimizer="lbfgs", checkpoint=path)
    with pytest.raises(NNDLValueError, match=r"curvature memory.*load_checkpoint"):
        Network([4, 3]).fit(X, labels, epochs=9, optimizer="lbfgs", resume_from=path)
    again = nndl.training.load_checkpoint(path).network  # what the message suggests works
    h = again.fit(X, labels, learning_rate=1.0, epochs=3, optimizer="lbfgs")
    assert len(h) >= 1


def test_checkpoint_every_n_epochs(tmp_path: Path) -> None:
    X, labels = _blobs(m=30)
    path = tmp_path / "ckpt.npz"
    net = Network([4, 3], seed=0)
    net.fit(X, labels, learning_rate=0.1, epochs=5, checkpoint=path, checkpoint_every=2)
    ckpt = nndl.training.load_checkpoint(path)
    assert ckpt.epoch == 3 and len(ckpt.history) == 4


def test_divergence_names_the_learning_rate(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(scale=1e3, size=(3, 64))
    Y = X.sum(axis=0, keepdims=True) * 1e3
    for engine in ("generic", "numpy"):
        net = Network([3, 8, 1], activations="relu", loss="mse", init="he", seed=0)
        with pytest.raises(DivergenceError, match=r"learning_rate=5.0.*smaller learning rate") as e:
            net.fit(X, Y, learning_rate=5.0, epochs=50, batch_size=16, engine=engine)
        assert all(np.all(np.isfinite(to_numpy(v))) for v in net.params.values())
        assert isinstance(e.value.history, History)  # type: ignore[attr-defined]


def test_progress_output(capsys) -> None:  # type: ignore[no-untyped-def]
    X, labels = _blobs(m=30)
    Network([4, 3], seed=0).fit(X, labels, learning_rate=0.1, epochs=3, verbose=1)
    assert capsys.readouterr().err == ""  # not a terminal: no bar
    Network([4, 3], seed=0).fit(
        X, labels, learning_rate=0.1, epochs=3, callbacks=[ProgressBar(force=True)]
    )
    err = capsys.readouterr().err
    assert "3/3" in err and "cost=" in err
    Network([4, 3], seed=0).fit(X, labels, learning_rate=0.1, epochs=2, verbose=2)
    assert "epoch 2/2  cost" in capsys.readouterr().out
    Network([4, 3], seed=0).fit(X, labels, learning_rate=0.1, epochs=3, print_every=2)
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == [
        "Cost after iteration 0",
        "Cost after iteration 2",
    ]


def test_schedule_is_recorded() -> None:
    X, labels = _blobs(m=30)
    h = Network([4, 3], seed=0).fit(X, labels, learning_rate=0.2, epochs=4, schedule="step")
    assert h.history["learning_rate"] == [0.2] * 4
    sched = optim.StepDecay(0.2, factor=0.5, every=2)
    h = Network([4, 3], seed=0).fit(X, labels, learning_rate=sched, epochs=4)
    assert h.history["learning_rate"] == [0.2, 0.2, 0.1, 0.1]


# ------------------------------------------------------------------- L-BFGS


def test_lbfgs_logistic_regression_matches_scikit_learn() -> None:
    sklearn_linear = pytest.importorskip("sklearn.linear_model")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(5, 200))
    y = (X[0] - 2 * X[1] + 0.5 * rng.normal(size=200) > 0).astype(np.int64)
    net = nndl.logistic_regression(5, dtype="float64")
    h = net.fit(
        X, y.reshape(1, -1), epochs=200, optimizer=optim.LBFGS(gtol=1e-10, ftol=1e-15), l2=1.0
    )
    ref = sklearn_linear.LogisticRegression(C=1.0, tol=1e-10, max_iter=1000).fit(X.T, y)
    np.testing.assert_allclose(net.params["W1"], ref.coef_, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(net.params["b1"].ravel(), ref.intercept_, rtol=1e-4, atol=1e-5)
    assert 1 < len(h) < 200 and h[-1] < h[0]


# ------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"batch_size": 0}, NNDLValueError, "batch_size must be an integer >= 1"),
        ({"dropout": [0.1, 0.2]}, NNDLValueError, "one rate for all 1 hidden layers"),
        ({"dropout": 1.0}, NNDLValueError, r"dropout must be a number in \[0, 1\)"),
        ({"l2": -1}, NNDLValueError, "l2 .* must be a number >= 0"),
        ({"validation_split": 1.0}, NNDLValueError, "validation_split"),
        ({"optimizer": "nesterov"}, NNDLValueError, "unknown optimizer"),
        ({"engine": "cuda"}, NNDLValueError, "engine must be one of"),
        ({"callbacks": [print]}, NNDLTypeError, "Callback objects"),
        ({"validation_data": (1, 2, 3)}, NNDLTypeError, "validation_data must be a pair"),
        ({"validation_split": 0.2, "validation_data": (1, 2)}, NNDLValueError, "not both"),
        ({"optimizer": "lbfgs", "dropout": 0.5}, NNDLValueError, "without dropout"),
    ],
)
def test_bad_options(kwargs: dict, error: type, match: str) -> None:  # type: ignore[type-arg]
    X, labels = _blobs(m=20)
    net = Network([4, 5, 3], seed=0)
    with pytest.raises(error, match=match):
        net.fit(X, labels, learning_rate=0.1, epochs=1, **kwargs)


def test_numpy_engine_needs_a_matched_output_and_loss() -> None:
    X, labels = _blobs(m=20)
    net = Network([4, 5, 1], output="sigmoid", loss="mse", seed=0)
    with pytest.raises(NNDLValueError, match=r"engine=.numpy. needs .* a matched output and loss"):
        net.fit(X, (labels > 0).astype(float), learning_rate=0.1, epochs=1, engine="numpy")


def test_l2_cost_conventions_differ_only_in_the_reported_cost() -> None:
    """``"dataset"`` reports (λ/2m)Σ||W||² once (as net.cost), ``"batch"`` (scikit-learn's) once
    per mini-batch of B: the same steps, so the same parameters, and costs that differ by the
    L2 term's scale."""
    X, Y = nndl.datasets.load_planar()
    runs = {}
    for convention in ("dataset", "batch"):
        net = nndl.Network([2, 4, 1], activations="tanh", seed=1, dtype="float64")
        history = nndl.training.fit(
            net, X, Y, 0.1, 3, batch_size=100, l2=0.5, l2_cost=convention, seed=0
        )
        runs[convention] = (net, list(history))
    (a, costs_a), (b, costs_b) = runs["dataset"], runs["batch"]
    for k in a.params:
        np.testing.assert_array_equal(a.params[k], b.params[k])
    assert all(cb > ca for ca, cb in zip(costs_a, costs_b, strict=True))
    with pytest.raises(NNDLValueError, match="l2_cost must be 'dataset' or 'batch'"):
        nndl.training.fit(a, X, Y, 0.1, 1, l2_cost="epoch")
