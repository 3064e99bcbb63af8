"""The sequence course's step-by-step functions: finite differences through time, PyTorch's
LSTM, clip and sample, and ``nndl course recurrent``."""

from __future__ import annotations

import numpy as np
import pytest

from nndl.cli import main
from nndl.course import recurrent as rnn
from nndl.errors import NNDLValueError
from nndl.gradcheck import numerical_gradient, relative_error


def _rnn_params(rng: np.random.Generator, n_x: int, n_a: int, n_y: int) -> dict[str, np.ndarray]:
    shapes = {
        "Waa": (n_a, n_a),
        "Wax": (n_a, n_x),
        "Wya": (n_y, n_a),
        "ba": (n_a, 1),
        "by": (n_y, 1),
    }
    return {k: 0.5 * rng.standard_normal(s) for k, s in shapes.items()}


def _lstm_params(rng: np.random.Generator, n_x: int, n_a: int, n_y: int) -> dict[str, np.ndarray]:
    p = {}
    for gate in "fioc":
        p[f"W{gate}"] = 0.5 * rng.standard_normal((n_a, n_a + n_x))
        p[f"b{gate}"] = 0.5 * rng.standard_normal((n_a, 1))
    p["Wy"], p["by"] = rng.standard_normal((n_y, n_a)), rng.standard_normal((n_y, 1))
    return p


@pytest.mark.parametrize("T", [1, 2, 7])
def test_rnn_backward_through_time_matches_finite_differences(T: int) -> None:
    rng = np.random.default_rng(T)
    x, a0 = rng.standard_normal((3, 4, T)), rng.standard_normal((5, 4))
    p = _rnn_params(rng, 3, 5, 2)
    G = rng.standard_normal((5, 4, T))  # J = Σ G * a, so da = G

    def J() -> float:
        return float(np.sum(G * rnn.rnn_forward(x, a0, p)[0]))

    _, _, caches = rnn.rnn_forward(x, a0, p)
    g = rnn.rnn_backward(G, caches)
    for key, value in (
        ("dx", x),
        ("da0", a0),
        ("dWax", p["Wax"]),
        ("dWaa", p["Waa"]),
        ("dba", p["ba"]),
    ):
        assert relative_error(g[key], numerical_gradient(J, value, 1e-6)) < 1e-7, key


@pytest.mark.parametrize("T", [1, 2, 7])
def test_lstm_backward_through_time_matches_finite_differences(T: int) -> None:
    rng = np.random.default_rng(10 + T)
    x, a0 = rng.standard_normal((3, 4, T)), rng.standard_normal((5, 4))
    p = _lstm_params(rng, 3, 5, 2)
    G = rng.standard_normal((5, 4, T))

    def J() -> float:
        return float(np.sum(G * rnn.lstm_forward(x, a0, p)[0]))

    *_, caches = rnn.lstm_forward(x, a0, p)
    g = rnn.lstm_backward(G, caches)
    for key, value in [("dx", x), ("da0", a0)] + [
        (f"d{k}", p[k]) for k in ("Wf", "bf", "Wi", "bi", "Wc", "bc", "Wo", "bo")
    ]:
        assert relative_error(g[key], numerical_gradient(J, value, 1e-6)) < 1e-7, key


def test_lstm_forward_equals_pytorch() -> None:
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    n_x, n_a, m, T = 3, 5, 4, 6
    x = rng.standard_normal((n_x, m, T))
    p = _lstm_params(rng, n_x, n_a, 2)
    a, _, c, _ = rnn.lstm_forward(x, np.zeros((n_a, m)), p)
    lstm = torch.nn.LSTM(n_x, n_a).double()
    # PyTorch stacks the gates i, f, g (= c̃), o, with W_ih acting on x and W_hh on a
    order = ("i", "f", "c", "o")
    with torch.no_grad():
        lstm.weight_ih_l0.copy_(torch.tensor(np.vstack([p[f"W{g}"][:, n_a:] for g in order])))
        lstm.weight_hh_l0.copy_(torch.tensor(np.vstack([p[f"W{g}"][:, :n_a] for g in order])))
        lstm.bias_ih_l0.copy_(torch.tensor(np.concatenate([p[f"b{g}"][:, 0] for g in order])))
        lstm.bias_hh_l0.zero_()
    out, (_, cell) = lstm(torch.tensor(x.transpose(2, 1, 0)))  # (T, m, n_x)
    np.testing.assert_allclose(a, out.detach().numpy().transpose(2, 1, 0), atol=1e-12)
    np.testing.assert_allclose(c[:, :, -1], cell.detach().numpy()[0].T, atol=1e-12)


def test_clip_bounds_every_gradient_in_place() -> None:
    grads = {"dW": np.array([[-30.0, 2.0], [7.0, 11.0]]), "db": np.array([[0.5], [-9.0]])}
    out = rnn.clip(grads, 5)
    assert out["dW"].tolist() == [[-5.0, 2.0], [5.0, 5.0]] and out["db"].tolist() == [[0.5], [-5.0]]
    with pytest.raises(NNDLValueError, match="maxValue must be > 0"):
        rnn.clip(grads, 0)


def test_sample_draws_until_the_newline_and_follows_the_seed() -> None:
    chars = "\nabcdefghijklmnopqrstuvwxyz"
    char_to_ix = {ch: i for i, ch in enumerate(chars)}
    rng = np.random.default_rng(0)
    n_a, vocab = 20, len(chars)
    p = {"Wax": rng.standard_normal((n_a, vocab)), "Waa": rng.standard_normal((n_a, n_a)),
         "Wya": rng.standard_normal((vocab, n_a)), "b": rng.standard_normal((n_a, 1)),
         "by": rng.standard_normal((vocab, 1))}  # fmt: skip
    first = rnn.sample(p, char_to_ix, 24)
    assert first == rnn.sample(p, char_to_ix, 24) and first != rnn.sample(p, char_to_ix, 25)
    assert first[-1] == char_to_ix["\n"] and len(first) <= 51
    assert all(0 <= i < vocab for i in first) and first.count(char_to_ix["\n"]) == 1
    p["by"][char_to_ix["\n"]] = -1e9  # never the newline: stops after 50 and appends it
    long = rnn.sample(p, char_to_ix, 1)
    assert len(long) == 51 and long[-1] == char_to_ix["\n"] and char_to_ix["\n"] not in long[:-1]


def test_course_recurrent_all_ticks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["course", "recurrent"]) == 0
    out = capsys.readouterr().out
    assert "✗" not in out and "20 of 20 checks match" in out
    assert "rnn_backward: dWax[3][1]: nndl 11.2641045  course 11.2641045" in out


def test_missing_parameters_are_named() -> None:
    with pytest.raises(NNDLValueError, match="missing: Wya, ba, by"):
        rnn.rnn_cell_forward(np.zeros((3, 2)), np.zeros((5, 2)), {"Waa": 0, "Wax": 0})


def test_dinosaur_island_optimize_is_one_clipped_gradient_step() -> None:
    from nndl.course import dinosaurs

    char_to_ix, ix_to_char = dinosaurs.vocabulary(dinosaurs.NAMES)
    assert char_to_ix["\n"] == 0 and ix_to_char[1] == "a" and len(char_to_ix) == 27
    p = dinosaurs.initialize_parameters(6, 27, 27, seed=2)
    p = {k: v + 0.3 * np.random.default_rng(1).standard_normal(v.shape) for k, v in p.items()}
    name = "troodon"
    X = [None, *(char_to_ix[c] for c in name)]
    Y = [*(char_to_ix[c] for c in name), 0]
    a0 = np.zeros((6, 1))

    def loss(q: dict[str, np.ndarray]) -> float:
        return dinosaurs.optimize(X, Y, a0, {k: v.copy() for k, v in q.items()}, 0.0, 1e9)[0]

    before = {k: v.copy() for k, v in p.items()}
    _, grads, _ = dinosaurs.optimize(X, Y, a0, p, learning_rate=0.1, max_value=1e9)
    for key in ("Wax", "Waa", "Wya", "b", "by"):
        numeric = numerical_gradient(lambda: loss(before), before[key], 1e-6)
        assert relative_error(grads["d" + key], numeric) < 1e-6, key
        np.testing.assert_allclose(p[key], before[key] - 0.1 * grads["d" + key])  # the step
    clipped = {k: v.copy() for k, v in before.items()}
    _, small, _ = dinosaurs.optimize(X, Y, a0, clipped, learning_rate=0.1, max_value=0.05)
    assert max(float(np.abs(g).max()) for g in small.values()) <= 0.05


@pytest.mark.slow
def test_dinosaur_island_learns_names() -> None:
    from nndl.course import dinosaurs

    seen: list[tuple[int, float, list[str]]] = []

    def report(j: int, loss: float, names: list[str]) -> None:
        seen.append((j, loss, names))

    _, losses = dinosaurs.model(num_iterations=6001, sample_every=3000, report=report)
    assert [j for j, _, _ in seen] == [0, 3000, 6000] and len(losses) == 6001
    assert losses[-1] < losses[0] - 2  # the smoothed loss falls
    assert all(len(names) == 7 and all(n.isalpha() for n in names if n) for _, _, names in seen)
