"""Resuming is the same run or an error listing what differs; Ctrl-C during L-BFGS keeps the
last accepted iterate; a diverging run with a huge l2 is told about l2."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nndl
from nndl.arrays.backend import to_numpy
from nndl.errors import DivergenceError, NNDLValueError
from nndl.model.network import Network
from nndl.training.callbacks import Callback
from nndl.training.numpy_engine import NumpyEngine
from nndl.training.trainer import Trainer

RUN: dict[str, Any] = dict(
    learning_rate=0.01,
    optimizer="adam",
    batch_size=8,
    l2=0.01,
    dropout=0.1,
    schedule="exponential",
    seed=4,
)


def _blobs(m: int = 40, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    labels = rng.integers(0, 3, size=(1, m))
    X = rng.normal(scale=3.0, size=(4, 3))[:, labels[0]] + rng.normal(size=(4, m))
    return X, labels


def _params(net: Network) -> dict[str, np.ndarray]:
    return {k: np.array(to_numpy(v), copy=True) for k, v in net.params.items()}


@pytest.fixture
def checkpoint(tmp_path: Path) -> Path:
    """A checkpoint after 3 epochs of RUN."""
    X, labels = _blobs()
    path = tmp_path / "run.npz"
    Network([4, 6, 5, 3], seed=0).fit(X, labels, epochs=3, checkpoint=path, **RUN)
    return path


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"batch_size": 16}, "batch_size=8 in the checkpoint, batch_size=16 now"),
        ({"learning_rate": 0.1}, "learning_rate=0.01 in the checkpoint, learning_rate=0.1 now"),
        ({"dropout": 0.3}, "dropout="),
        ({"l2": 0.0}, "l2=0.01 in the checkpoint, l2=0.0 now"),
        ({"schedule": "step"}, "schedule={'name': 'exponential'"),
        ({"seed": 5}, "seed=4 in the checkpoint, seed=5 now"),
        ({"shuffle": False}, "shuffle=True in the checkpoint, shuffle=False now"),
        ({"validation_split": 0.2}, "validation_split=0.0 in the checkpoint"),
        ({"optimizer": "rmsprop"}, "optimizer={'name': 'adam'"),
    ],
)
def test_resuming_with_any_other_training_option_is_refused_naming_it(
    checkpoint: Path, change: dict[str, Any], named: str
) -> None:
    X, labels = _blobs()
    with pytest.raises(NNDLValueError, match=r"cannot resume from .*Differing: ") as info:
        Network([4, 6, 5, 3]).fit(X, labels, epochs=6, resume_from=checkpoint, **{**RUN, **change})
    message = str(info.value)
    assert named in message
    assert message.count(" in the checkpoint, ") == 1  # only the option that differs


def test_the_estimators_l2_cost_is_compared_too(checkpoint: Path) -> None:
    from nndl.training.loop import fit

    X, labels = _blobs()
    with pytest.raises(
        NNDLValueError, match="l2_cost='dataset' in the checkpoint, l2_cost='batch'"
    ):
        fit(
            Network([4, 6, 5, 3]),
            X,
            labels,
            epochs=6,
            resume_from=checkpoint,
            l2_cost="batch",
            **RUN,
        )


def test_every_differing_option_is_listed_in_one_error(checkpoint: Path) -> None:
    X, labels = _blobs()
    changed = {**RUN, "batch_size": 4, "learning_rate": 0.5, "l2": 0.2, "seed": 9}
    with pytest.raises(NNDLValueError) as info:
        Network([4, 6, 5, 3]).fit(X, labels, epochs=6, resume_from=checkpoint, **changed)
    message = str(info.value)
    for option in ("batch_size", "learning_rate", "l2", "seed"):
        assert f"{option}=" in message
    assert message.count(" in the checkpoint, ") == 4


def test_resuming_without_a_seed_takes_the_checkpoints(checkpoint: Path) -> None:
    X, labels = _blobs()
    full = Network([4, 6, 5, 3], seed=0)
    h_full = full.fit(X, labels, epochs=5, **RUN)
    resumed = Network([4, 6, 5, 3], seed=123)
    options = {k: v for k, v in RUN.items() if k != "seed"}
    h = resumed.fit(X, labels, epochs=5, resume_from=checkpoint, **options)
    assert list(h) == list(h_full)
    for k, v in _params(full).items():
        assert to_numpy(resumed.params[k]).tobytes() == v.tobytes()


def test_epochs_below_the_checkpoints_are_refused_and_equal_ones_train_no_more(
    checkpoint: Path,
) -> None:
    X, labels = _blobs()
    with pytest.raises(NNDLValueError, match=r"already trained 3 epochs.*epochs=2.*greater than 3"):
        Network([4, 6, 5, 3]).fit(X, labels, epochs=2, resume_from=checkpoint, **RUN)
    net = Network([4, 6, 5, 3], seed=1)
    h = net.fit(X, labels, epochs=3, resume_from=checkpoint, **RUN)
    saved = nndl.training.load_checkpoint(checkpoint)
    assert len(h) == 3 and list(h) == list(saved.history)
    for k, v in saved.params.items():
        assert to_numpy(net.params[k]).tobytes() == v.tobytes()


def test_a_checkpoint_named_without_suffix_is_found_by_the_same_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    X, labels = _blobs()
    monkeypatch.chdir(tmp_path)
    Network([4, 6, 5, 3], seed=0).fit(X, labels, epochs=2, checkpoint="ckpt", **RUN)
    assert os.listdir(tmp_path) == ["ckpt.npz"]
    h = Network([4, 6, 5, 3]).fit(X, labels, epochs=4, resume_from="ckpt", checkpoint="ckpt", **RUN)
    assert h.epochs == [0, 1, 2, 3]
    assert nndl.training.load_checkpoint("ckpt").epoch == 3  # written back to ckpt.npz
    assert os.listdir(tmp_path) == ["ckpt.npz"]


def test_a_missing_resume_file_says_so(tmp_path: Path) -> None:
    X, labels = _blobs()
    missing = tmp_path / "nothing"
    with pytest.raises(FileNotFoundError, match=r"no checkpoint at .*nothing.*nothing\.npz"):
        Network([4, 6, 5, 3]).fit(X, labels, epochs=4, resume_from=missing, **RUN)


# ------------------------------------------------------------------ L-BFGS and Ctrl-C


class _Accepted(Callback):
    """Copies the parameters after every accepted L-BFGS iterate."""

    def __init__(self) -> None:
        self.params: dict[str, np.ndarray] | None = None

    def on_epoch_end(self, trainer: Trainer, epoch: int, logs: dict[str, float]) -> None:
        self.params = _params(trainer.network)


@pytest.mark.parametrize("path", ["numpy_engine", "generic"])
def test_ctrl_c_during_lbfgs_leaves_the_last_accepted_iterate(
    path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C at each cost evaluation in turn, on both of L-BFGS's ways to get (J, ∇J):
    the NumPy engine's passes (a matched output and loss) and the network's own (mse on a
    softmax output is not a matched pair)."""
    pytest.importorskip("scipy")
    X, labels = _blobs(m=60)
    count = [0, 0]  # evaluations so far, the one to interrupt

    def interrupting(evaluate: Any) -> Any:
        def wrapped(*args: Any) -> Any:
            count[0] += 1
            if count[0] == count[1]:
                raise KeyboardInterrupt
            return evaluate(*args)

        return wrapped

    if path == "numpy_engine":
        monkeypatch.setattr(
            NumpyEngine, "cost_and_gradient", interrupting(NumpyEngine.cost_and_gradient)
        )
    during_line_search = 0
    for stop_at in range(2, 30):
        count[:] = [0, stop_at]
        if path == "numpy_engine":
            net = Network([4, 8, 3], seed=0, dtype="float64")
        else:
            net = Network([4, 8, 3], output="softmax", loss="mse", seed=0, dtype="float64")
            net.full_cost = interrupting(net.full_cost)  # type: ignore[method-assign]
        initial = _params(net)
        seen = _Accepted()
        h = net.fit(X, labels, epochs=50, optimizer="lbfgs", l2=0.1, callbacks=[seen])
        if path == "generic":
            del net.full_cost
        assert h.interrupted
        expected = initial if seen.params is None else seen.params
        for k, v in expected.items():
            assert to_numpy(net.params[k]).tobytes() == v.tobytes(), (stop_at, k)
        if len(h):
            assert net.cost(X, labels) == pytest.approx(h[-1], rel=1e-9)
        during_line_search += stop_at - 1 > len(h) + 1  # more points evaluated than accepted
    assert during_line_search > 0


# ------------------------------------------------------------------ l2 too large


@pytest.mark.parametrize(
    "options",
    [
        {"l2": 1e300},  # gradient descent, full batch: the update overflows
        {"l2": 1e30},  # the cost becomes nan after the first step
        {"l2": 1e300, "optimizer": "adam", "batch_size": 8},  # the NumPy engine's gradient
    ],
)
def test_divergence_from_a_huge_l2_advises_l2_not_the_learning_rate(
    options: dict[str, Any],
) -> None:
    X, labels = _blobs()
    net = Network([4, 6, 3], seed=0)
    with pytest.raises(DivergenceError) as info:
        net.fit(X, labels, epochs=5, **options)
    message = str(info.value)
    assert re.search(r"l2=1e\+[0-9]+ is too large: α·λ/m = .* >= 1", message)
    assert "Use an l2 well below m/α" in message and "Try a smaller learning rate" not in message
    assert all(np.all(np.isfinite(to_numpy(v))) for v in net.params.values())
    # a modest l2 that diverges through the learning rate is still told about the learning rate
    with pytest.raises(DivergenceError, match="Try a smaller learning rate"):
        Network([4, 6, 3], seed=0).fit(X * 1e30, labels, learning_rate=1e30, epochs=5, l2=0.1)
