"""The progress bar (terminal and Jupyter), lines printed through it, and the history's cost
with L2 and mini-batches."""

from __future__ import annotations

import sys
import types

import numpy as np
import pytest

import nndl
from nndl.training import callbacks


def _data() -> tuple[np.ndarray, np.ndarray]:
    return nndl.datasets.make_moons(m=120, seed=0)


def test_progress_bar_shows_each_epochs_metrics(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("tqdm")
    X, Y = _data()
    net = nndl.Network([2, 3, 1], activations="tanh", seed=0)
    bar = callbacks.ProgressBar(force=True)
    net.fit(X, Y, learning_rate=1.0, epochs=5, callbacks=[bar], print_every=2)
    out, err = capsys.readouterr()
    assert "5/5" in err and "cost=" in err and "accuracy=" in err
    # the cost lines went through the bar, to standard output, whole
    assert [line for line in out.splitlines() if line] == [
        "Cost after iteration 0: " + out.split("iteration 0: ")[1].split()[0],
        "Cost after iteration 2: " + out.split("iteration 2: ")[1].split()[0],
        "Cost after iteration 4: " + out.split("iteration 4: ")[1].split()[0],
    ]
    assert "Cost after" not in err


def test_progress_bar_is_silent_off_a_terminal(capsys: pytest.CaptureFixture[str]) -> None:
    X, Y = _data()
    nndl.Network([2, 3, 1], seed=0).fit(X, Y, epochs=3, verbose=1)
    assert capsys.readouterr().err == ""


def test_progress_bar_shows_in_a_jupyter_kernel(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A notebook's standard error is no terminal; the bar is shown there all the same."""
    pytest.importorskip("tqdm")

    class Shell:
        def __init__(self) -> None:
            self.config = {"IPKernelApp": {}}

    fake = types.ModuleType("IPython")
    fake.get_ipython = lambda: Shell()  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "IPython", fake)
    assert callbacks.in_notebook()
    X, Y = _data()
    nndl.Network([2, 3, 1], seed=0).fit(X, Y, epochs=4, verbose=1)
    assert "4/4" in capsys.readouterr().err
    monkeypatch.delitem(sys.modules, "IPython")
    assert not callbacks.in_notebook()


def test_history_cost_has_the_same_l2_term_as_network_cost() -> None:
    """With mini-batches the L2 term of the recorded cost is (λ/2m)·Σ||W||², as net.cost's:
    with a learning rate of ~0 the epoch's cost equals net.cost (it was B/m times … before)."""
    X, Y = _data()
    for engine in ("numpy", "generic"):
        net = nndl.Network([2, 8, 1], activations="tanh", init="he", seed=0)
        history = net.fit(X, Y, learning_rate=1e-12, epochs=1, batch_size=16, l2=5.0, engine=engine)
        assert history[0] == pytest.approx(net.cost(X, Y), rel=1e-5), engine
