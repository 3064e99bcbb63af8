"""The full-batch engine: the generic engine's numbers to the bit, several epochs a call."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from nndl import datasets
from nndl.errors import DivergenceError
from nndl.model.network import Network
from nndl.training import callbacks as cb
from nndl.training import optimizers as optim
from nndl.training.full_batch import FullBatchEngine
from nndl.training.trainer import Trainer


def _same(a: Network, b: Network) -> bool:
    return all(
        np.asarray(a.params[k]).tobytes() == np.asarray(b.params[k]).tobytes() for k in a.params
    )


def _pair(dims: list[int], **kwargs: Any) -> tuple[Network, Network]:
    return Network(dims, **kwargs), Network(dims, **kwargs)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("hidden", ["tanh", "relu", "sigmoid", "leaky_relu", "linear"])
def test_planar_runs_are_the_generic_engines_to_the_bit(dtype: str, hidden: str) -> None:
    X, Y = datasets.load_planar()
    X = X.astype(dtype)
    for dims in ([2, 4, 1], [2, 6, 3, 1]):
        fast, generic = _pair(dims, activations=hidden, seed=2, dtype=dtype)
        h_fast = fast.fit(X, Y, 1.2, 60)
        h_gen = generic.fit(X, Y, 1.2, 60, engine="generic")
        assert isinstance(fast.params["W1"], np.ndarray)
        assert list(h_fast) == list(h_gen) and h_fast.history == h_gen.history
        assert h_fast.epochs == h_gen.epochs == list(range(60))
        assert _same(fast, generic)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"l2": 0.3}, {"optimizer": "momentum"}, {"schedule": "inverse_time", "l2": 0.1}],
    ids=str,
)
def test_softmax_and_regression_are_the_generic_engines_to_the_bit(kwargs: dict[str, Any]) -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, 90))
    labels = rng.integers(0, 3, size=(1, 90))
    fast, generic = _pair([4, 5, 3], init="he", seed=1, dtype="float64")
    h_fast = fast.fit(X, labels, 0.1, 40, **kwargs)
    h_gen = generic.fit(X, labels, 0.1, 40, engine="generic", **kwargs)
    assert h_fast.history == h_gen.history and _same(fast, generic)
    Y = rng.normal(size=(2, 90))
    fast, generic = _pair([4, 6, 2], activations="tanh", output="linear", seed=1, dtype="float64")
    h_fast = fast.fit(X, Y, 0.05, 40, **kwargs)
    h_gen = generic.fit(X, Y, 0.05, 40, engine="generic", **kwargs)
    assert "accuracy" not in h_fast.history
    assert h_fast.history == h_gen.history and _same(fast, generic)


def test_the_default_full_batch_fit_takes_the_full_batch_engine() -> None:
    X, Y = datasets.load_planar()
    seen: list[object] = []
    grab = cb.LambdaCallback(on_train_begin=lambda t: seen.append(t.engine))
    Network([2, 4, 1], activations="tanh").fit(X, Y, 1.2, 2, callbacks=[grab])
    Network([2, 4, 1], activations="tanh").fit(X, Y, 1.2, 2, dropout=0.1, callbacks=[grab])
    assert isinstance(seen[0], FullBatchEngine) and not isinstance(seen[1], FullBatchEngine)


class _Counting(cb.Callback):
    """Acts every ``every`` epochs; records which epochs it was shown."""

    def __init__(self, every: int) -> None:
        self.every = every
        self.shown: list[int] = []
        self.acted: list[tuple[int, float]] = []

    def next_epoch_end(self, epoch: int) -> int:
        return -(-epoch // self.every) * self.every

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        self.shown.append(epoch)
        if epoch % self.every == 0:
            self.acted.append((epoch, logs["cost"]))


def test_epochs_between_callbacks_run_in_one_call_and_the_history_is_whole(capsys) -> None:  # type: ignore[no-untyped-def]
    X, Y = datasets.load_planar()
    counting = _Counting(every=100)
    net = Network([2, 4, 1], activations="tanh", seed=2, dtype="float64")
    history = net.fit(X, Y, 1.2, 1000, print_every=250, callbacks=[counting])
    assert len(history) == 1000 and history.epochs == list(range(1000))
    assert len(history.history["accuracy"]) == len(history.history["learning_rate"]) == 1000
    assert [e for e, _ in counting.acted] == list(range(0, 1000, 100))
    assert all(cost == history[e] for e, cost in counting.acted)
    assert len(counting.shown) < 30  # not every epoch: the ones asked for, and the last
    printed = capsys.readouterr().out.splitlines()
    assert printed == [f"Cost after iteration {e}: {history[e]:.6f}" for e in (0, 250, 500, 750)]
    every = cb.LambdaCallback(on_epoch_end=lambda t, e, logs: counting.shown.append(-1))
    counting.shown.clear()
    Network([2, 4, 1], activations="tanh").fit(X, Y, 1.2, 30, callbacks=[every])
    assert counting.shown == [-1] * 30  # a callback that does not say: every epoch


def test_checkpoints_and_snapshots_come_at_their_epochs_and_resume_bit_for_bit(
    tmp_path: Path,
) -> None:
    X, Y = datasets.load_planar()
    full = Network([2, 5, 1], activations="tanh", seed=3, dtype="float64")
    h_full = full.fit(X, Y, 1.2, 50)
    path = tmp_path / "run.npz"
    saver = cb.ModelCheckpoint(path, every=7)
    snaps = cb.Snapshots(every=10)
    first = Network([2, 5, 1], activations="tanh", seed=3, dtype="float64")
    first.fit(X, Y, 1.2, 30, callbacks=[saver, snaps])
    assert saver.saved_epochs == [6, 13, 20, 27]
    assert snaps.epochs == [0, 10, 20, 30]
    resumed = Network([2, 5, 1], activations="tanh", seed=8, dtype="float64")
    h = resumed.fit(X, Y, 1.2, 50, resume_from=path)
    assert list(h) == list(h_full) and h.epochs == list(range(50)) and _same(resumed, full)


def test_an_interrupted_call_keeps_its_finished_epochs(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    X, Y = datasets.load_planar()
    step = FullBatchEngine.update

    def interrupting(self: FullBatchEngine, learning_rate: float, epoch: int, m: int) -> None:
        if epoch == 37:
            raise KeyboardInterrupt
        step(self, learning_rate, epoch, m)

    monkeypatch.setattr(FullBatchEngine, "update", interrupting)
    net = Network([2, 4, 1], activations="tanh", seed=2, dtype="float64")
    history = net.fit(X, Y, 1.2, 100)
    monkeypatch.undo()
    assert history.interrupted and len(history) == 37 and history.epochs == list(range(37))
    ref = Network([2, 4, 1], activations="tanh", seed=2, dtype="float64")
    h_ref = ref.fit(X, Y, 1.2, 37)
    assert list(history) == list(h_ref) and _same(net, ref)
    assert "interrupted after 37 epochs" in capsys.readouterr().err


def test_divergence_keeps_the_history_and_the_last_finite_parameters() -> None:
    X, Y = datasets.load_planar()
    net = Network([2, 4, 1], activations="relu", init="he", seed=0, dtype="float64")
    with pytest.raises(DivergenceError, match=r"at epoch 33 with learning_rate=1000\.0") as info:
        net.fit(X * 100, Y, 1e3, 200)
    history = info.value.history  # type: ignore[attr-defined]
    assert history.epochs == list(range(33)) and all(np.isfinite(history))
    assert all(np.all(np.isfinite(v)) for v in net.params.values())


def test_a_step_that_overflows_is_taken_back_as_the_generic_engine_does() -> None:
    X, Y = datasets.load_planar()
    X = X * 1e6  # dW[1] of about 10³, and α = 10³⁰⁸: θ − α dW overflows
    for epochs in (1, 3):  # the overflow found at the end, or by the next epoch's cost
        for engine in ("auto", "generic"):
            net = Network([2, 4, 1], activations="relu", seed=2, dtype="float64")
            first = {k: np.array(v) for k, v in net.params.items()}
            with pytest.raises(
                DivergenceError, match="at epoch 0 with learning_rate=1e\\+308"
            ) as info:
                net.fit(X, Y, 1e308, epochs, engine=engine)
            assert len(info.value.history) == 0  # type: ignore[attr-defined]
            assert all(np.array_equal(net.params[k], first[k]) for k in first)


def test_adam_agrees_with_the_generic_engine_to_rounding() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, 90))
    labels = rng.integers(0, 3, size=(1, 90))
    fast, generic = _pair([4, 5, 3], init="he", seed=1, dtype="float64")
    h_fast = fast.fit(X, labels, 0.01, 200, optimizer="adam")
    h_gen = generic.fit(X, labels, 0.01, 200, optimizer="adam", engine="generic")
    np.testing.assert_allclose(list(h_fast), list(h_gen), rtol=1e-13)
    for k in fast.params:
        np.testing.assert_allclose(fast.params[k], generic.params[k], rtol=1e-12, atol=1e-15)


def test_a_wide_x_takes_a_sample_major_copy_with_the_generic_numbers_to_rounding() -> None:
    """``dW[1] = dZ[1] Xᵀ`` reads ``Xᵀ`` copied once for 1024+ features: another order of the
    product's sums, so equal to rounding (the cat pictures' 12,288 features take it)."""
    rng = np.random.default_rng(4)
    X = rng.normal(size=(1100, 80)) / 30
    Y = (rng.random((1, 80)) < 0.5).astype(np.float64)
    seen: list[object] = []
    grab = cb.LambdaCallback(on_train_begin=lambda t: seen.append(t.engine))
    fast, generic = _pair([1100, 6, 1], activations="relu", init="he", seed=0, dtype="float64")
    h_fast = fast.fit(X, Y, 0.05, 30, callbacks=[grab])
    h_gen = generic.fit(X, Y, 0.05, 30, engine="generic")
    engine = seen[0]
    assert isinstance(engine, FullBatchEngine) and engine.XT is not None
    assert engine.XT.flags.c_contiguous and engine.XT.shape == (80, 1100)
    np.testing.assert_allclose(h_fast.history["cost"], h_gen.history["cost"], rtol=1e-12)
    for k in fast.params:
        np.testing.assert_allclose(fast.params[k], generic.params[k], rtol=1e-10, atol=1e-13)
    narrow = FullBatchEngine(Network([2, 3, 1]), optim.GradientDescent(), X[:2], Y)
    assert narrow.XT is None


def _wide(seed: int = 5, n_x: int = 1200, m: int = 60) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n_x, m)) / 30
    return X, (rng.random((1, m)) < 0.5).astype(np.float64)


def _engine_of(net: Network, X: np.ndarray, Y: np.ndarray, **kwargs: Any) -> Any:
    seen: list[object] = []
    grab = cb.LambdaCallback(on_train_begin=lambda t: seen.append(t.engine))
    history = net.fit(X, Y, kwargs.pop("learning_rate", 0.05), 120, callbacks=[grab], **kwargs)
    return seen[0], history


@pytest.mark.parametrize(
    ("dims", "kwargs"),
    [
        ([1200, 6, 1], {}),
        ([1200, 5, 3, 1], {"l2": 0.7}),
        ([1200, 1], {}),  # logistic regression: W[1] X is Z[L]
        ([1200, 4, 1], {"schedule": "inverse_time"}),
    ],
    ids=str,
)
def test_a_wide_x_follows_w1_x_through_the_gram_matrix_with_the_generic_numbers(
    dims: list[int], kwargs: dict[str, Any]
) -> None:
    """Gradient descent on a wide X: ``W[1] X`` follows each step as ``−(α/m) dZ[1] XᵀX``
    (``(1 − αλ/m)`` under L2), computed again every 50 epochs: 120 epochs equal the generic
    engine's to rounding, and the cost is that of the parameters it reports."""
    X, Y = _wide()
    fast, generic = _pair(dims, activations="relu", init="he", seed=0, dtype="float64")
    engine, h_fast = _engine_of(fast, X, Y, **kwargs)
    h_gen = generic.fit(X, Y, 0.05, 120, engine="generic", **kwargs)
    assert engine.gram is not None and engine.gram.shape == (60, 60)
    np.testing.assert_allclose(engine.gram, X.T @ X, rtol=1e-12, atol=1e-14)
    assert h_fast.history["cost"][0] - h_fast.history["cost"][-1] > 0  # it learns
    np.testing.assert_allclose(h_fast.history["cost"], h_gen.history["cost"], rtol=1e-11)
    for k in fast.params:
        np.testing.assert_allclose(fast.params[k], generic.params[k], rtol=1e-9, atol=1e-12)
    # what it followed is W[1] X of the parameters after the last step
    np.testing.assert_allclose(engine.ZX, fast.params["W1"] @ X, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize(
    "kwargs",
    [{"optimizer": "momentum"}, {"optimizer": "adam"}, {"clip_norm": 1.0}],
    ids=str,
)
def test_steps_outside_the_span_of_the_examples_compute_w1_x(kwargs: dict[str, Any]) -> None:
    """Momentum, Adam and clipping move W[1] by more than ``dZ[1] Xᵀ``: no Gram matrix."""
    X, Y = _wide()
    fast, generic = _pair([1200, 4, 1], activations="tanh", seed=1, dtype="float64")
    engine, h_fast = _engine_of(fast, X, Y, learning_rate=0.01, **kwargs)
    h_gen = generic.fit(X, Y, 0.01, 120, engine="generic", **kwargs)
    assert engine.gram is None and engine.ZX is None
    np.testing.assert_allclose(h_fast.history["cost"], h_gen.history["cost"], rtol=1e-11)


def test_no_gram_matrix_for_as_many_examples_as_a_quarter_of_the_features() -> None:
    X, Y = _wide(n_x=1200, m=301)
    engine = FullBatchEngine(Network([1200, 3, 1]), optim.GradientDescent(), X, Y)
    assert engine.XT is not None and engine.gram is None


def test_a_wide_x_diverging_through_the_gram_path_keeps_the_last_finite_parameters() -> None:
    X, Y = _wide()
    net = Network([1200, 6, 1], activations="relu", init="he", seed=0, dtype="float64")
    with pytest.raises(DivergenceError, match="learning_rate=1e\\+300") as info:
        net.fit(X * 1e3, Y, 1e300, 30)
    assert all(np.isfinite(info.value.history))  # type: ignore[attr-defined]
    assert all(np.all(np.isfinite(v)) for v in net.params.values())


def test_a_wide_x_in_float32_follows_w1_x_to_float32_rounding() -> None:
    X, Y = _wide()
    X, Y = X.astype(np.float32), Y.astype(np.float32)
    fast, generic = _pair([1200, 6, 1], activations="tanh", seed=3, dtype="float32")
    engine, h_fast = _engine_of(fast, X, Y)
    h_gen = generic.fit(X, Y, 0.05, 120, engine="generic")
    assert engine.gram is not None and engine.gram.dtype == np.float32
    np.testing.assert_allclose(h_fast.history["cost"], h_gen.history["cost"], rtol=2e-5)
    np.testing.assert_allclose(fast.params["W1"], generic.params["W1"], rtol=1e-3, atol=1e-5)


def test_the_gram_path_gives_the_same_bits_however_the_epochs_are_split_and_on_resuming(
    tmp_path: Path,
) -> None:
    """``W[1] X`` is computed again at the 50th epochs and after a checkpoint, not at each
    engine call: a callback needing every epoch changes no bit, and a run resumed from a
    checkpoint ends with the uninterrupted run's parameters, bit for bit."""
    X, Y = _wide()
    kwargs: dict[str, Any] = {"activations": "relu", "init": "he", "seed": 4, "dtype": "float64"}
    whole = Network([1200, 5, 1], **kwargs)
    h_whole = whole.fit(X, Y, 0.05, 120)
    split = Network([1200, 5, 1], **kwargs)
    every = cb.LambdaCallback(on_epoch_end=lambda t, e, logs: None)
    every.next_epoch_end = lambda epoch: epoch  # type: ignore[method-assign]
    h_split = split.fit(X, Y, 0.05, 120, callbacks=[every])
    assert list(h_split) == list(h_whole) and _same(split, whole)

    path = tmp_path / "wide.npz"
    full = Network([1200, 5, 1], **kwargs)
    h_full = full.fit(X, Y, 0.05, 120, callbacks=[cb.ModelCheckpoint(path, every=37)])
    # after each checkpoint W[1] X is the product again: the same numbers to rounding
    np.testing.assert_allclose(list(h_full), list(h_whole), rtol=1e-13)
    cut = Network([1200, 5, 1], **kwargs)
    cut.fit(X, Y, 0.05, 74, callbacks=[cb.ModelCheckpoint(path, every=37)])  # the file at 73
    resumed = Network([1200, 5, 1], **kwargs)
    again = [cb.ModelCheckpoint(path, every=37)]
    h = resumed.fit(X, Y, 0.05, 120, resume_from=path, callbacks=again)
    assert list(h) == list(h_full) and _same(resumed, full)


def test_w1_changed_by_a_callback_between_calls_is_seen_by_the_gram_path() -> None:
    X, Y = _wide()

    def shrink(t: Any, epoch: int, logs: Any) -> None:
        if epoch == 30:  # a callback that changes W[1] in place mid-run
            t.network.params["W1"][...] *= 0.5

    runs = []
    for engine in ("auto", "generic"):
        net = Network([1200, 4, 1], activations="tanh", seed=6, dtype="float64")
        change = cb.LambdaCallback(on_epoch_end=shrink)
        change.next_epoch_end = lambda epoch: 30 if epoch <= 30 else 10**9  # type: ignore[method-assign]
        runs.append(net.fit(X, Y, 0.05, 60, callbacks=[change], engine=engine))
    np.testing.assert_allclose(list(runs[0]), list(runs[1]), rtol=1e-11)
