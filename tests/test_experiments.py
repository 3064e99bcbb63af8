"""The experiments, in their seeded --quick versions: each claim's direction, with a margin.

The numbers asserted here are measured by the experiments themselves; the margins
are wide enough for any machine (speedups are ratios of two timings in one run,
never absolute times).
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
import pytest

from nndl import experiments
from nndl.cli import main
from nndl.errors import NNDLValueError
from nndl.experiments import Result
from nndl.experiments.linear_collapse import collapse
from nndl.experiments.report import render
from nndl.experiments.zero_init import ROUNDING, identical_rows, row_spread
from nndl.model.network import Network


def quick(name: str) -> Result:
    result = experiments.run(name, quick=True, out=None)
    assert result.name == name and result.quick and result.figure is None
    assert result.claim and result.measured and result.seconds > 0
    return result


def test_registry_names_every_claim() -> None:
    assert list(experiments.EXPERIMENTS) == [
        "vectorization",
        "activations",
        "linear_collapse",
        "zero_init",
        "init_scale",
        "tanh_vs_sigmoid",
        "hidden_size",
        "scale",
    ]
    assert experiments.get("zero-init") is experiments.EXPERIMENTS["zero_init"]
    with pytest.raises(NNDLValueError, match="vectorization"):
        experiments.get("dropout")


def test_vectorization_speedup_and_same_results() -> None:
    result = quick("vectorization")
    n = result.numbers
    assert n["dot_speedup"] > 50
    assert n["logistic_speedup"] > 50
    assert n["dot_relative_difference"] < 1e-10
    assert n["logistic_max_difference"] < 1e-10
    assert result.holds


def test_logistic_loops_match_the_closed_form_on_a_tiny_case() -> None:
    from nndl.experiments.vectorization import dot_loop, logistic_loops

    assert dot_loop(np.array([1.0, 2.0, 3.0]), np.array([4.0, 5.0, 6.0])) == 32.0
    # w = 0, b = 0: a = 1/2 for every example, J = ln 2, dz = 1/2 − y.
    X = np.array([[1.0, 2.0], [3.0, -1.0]])
    Y = np.array([[1.0, 0.0]])
    J, dw, db = logistic_loops(np.zeros((2, 1)), 0.0, X, Y)
    assert pytest.approx(np.log(2)) == J
    np.testing.assert_allclose(dw, [[(1 * -0.5 + 2 * 0.5) / 2], [(3 * -0.5 + -1 * 0.5) / 2]])
    assert db == pytest.approx(0.0)


def test_relu_beats_sigmoid_on_the_deep_network() -> None:
    result = quick("activations")
    reached = result.numbers["epochs_to_target"]
    epochs = result.numbers["epochs"]
    assert reached["relu"] is not None
    sigmoid = epochs + 1 if reached["sigmoid"] is None else reached["sigmoid"]
    assert 2 * reached["relu"] <= sigmoid
    ratio = result.numbers["first_over_last_layer_gradient"]
    assert ratio["sigmoid"] < 0.01 < 0.1 < ratio["relu"]  # sigmoid's gradient vanishes
    norms = result.numbers["gradient_norms_at_start"]["sigmoid"]
    assert all(a < b for a, b in itertools.pairwise(norms))  # shrinks layer by layer
    assert result.holds


def test_linear_collapse_matches_logistic_regression() -> None:
    result = quick("linear_collapse")
    n = result.numbers
    assert abs(n["accuracy_deep_linear"] - n["accuracy_logistic_regression"]) <= 0.03
    assert n["relative_difference_Z"] < 1e-10
    assert np.array(n["W_eff"]).shape == (1, 2)
    assert result.holds


def test_collapse_is_one_linear_map_for_any_linear_network() -> None:
    net = Network([3, 5, 4, 2, 1], activations="linear", init="he", seed=4, dtype="float64")
    for l in range(1, net.L + 1):
        net.params[f"b{l}"] = np.random.default_rng(l).standard_normal(net.params[f"b{l}"].shape)
    X = np.random.default_rng(0).standard_normal((3, 7))
    W_eff, b_eff = collapse(net)
    _, caches = net.forward(X)
    np.testing.assert_allclose(caches[-1].Z, W_eff @ X + b_eff, rtol=1e-12, atol=1e-12)
    # With a non-linearity there is no such map.
    bent = Network([3, 5, 1], activations="tanh", init="he", seed=4, dtype="float64")
    W, b = collapse(bent)
    _, caches = bent.forward(X)
    assert np.max(np.abs(caches[-1].Z - (W @ X + b))) > 1e-3


def test_zero_initialization_keeps_units_identical() -> None:
    result = quick("zero_init")
    W_zeros = np.array(result.numbers["W1_zeros"])
    W_random = np.array(result.numbers["W1_random"])
    # identical in exact arithmetic; a BLAS kernel may sum one row in another order, so the
    # rows are compared to rounding level (bit for bit under most kernels, not Sandybridge's)
    assert row_spread(W_zeros) <= ROUNDING and result.numbers["zeros_row_spread"] <= ROUNDING
    assert np.abs(W_zeros).max() > 0.1  # they moved, together
    assert not identical_rows(W_random)
    assert result.numbers["random_smallest_row_difference"] > 1e-3
    assert result.holds
    assert not identical_rows(np.array([[1.0, 2.0], [1.0, np.nextafter(2.0, 3.0)]]))
    assert row_spread(np.array([[1.0, 2.0], [1.0, 2.0002]])) == pytest.approx(1e-4, rel=1e-3)
    assert row_spread(W_random) > 100 * ROUNDING


def test_large_initial_weights_saturate() -> None:
    result = quick("init_scale")
    runs = result.numbers["runs"]
    for activation in ("tanh", "sigmoid"):
        small, large = runs[f"{activation} ×0.01"], runs[f"{activation} ×10"]
        assert small["saturated_fraction"] == 0.0
        assert large["saturated_fraction"] > 0.5
        assert large["mean_derivative"] < 0.15 * small["mean_derivative"]
        assert large["initial_cost"] > 3 * small["initial_cost"]
    never = result.numbers["epochs"] + 1

    def epochs(key: str) -> int:
        reached = runs[key]["epochs_to_target"]
        return never if reached is None else int(reached)

    slower = all(epochs(f"{a} ×10") > epochs(f"{a} ×0.01") for a in ("tanh", "sigmoid"))
    assert result.holds == slower
    if not result.holds:  # the report must say so, with the numbers
        assert "does not hold as stated" in result.details
        assert str(epochs("tanh ×10")) in result.details


def test_tanh_is_centred_and_faster_than_sigmoid() -> None:
    result = quick("tanh_vs_sigmoid")
    mean = result.numbers["mean_hidden_activation_during_training"]
    assert abs(mean["tanh"]) < 0.1
    assert abs(mean["sigmoid"] - 0.5) < 0.1
    reached = result.numbers["epochs_to_target"]
    assert reached["tanh"] is not None and reached["sigmoid"] is not None
    assert 2 * reached["tanh"] <= reached["sigmoid"]
    assert result.holds


@pytest.mark.slow
def test_hidden_layer_size_sweep() -> None:
    result = quick("hidden_size")
    accuracy = {int(k): v for k, v in result.numbers["accuracy"].items()}
    assert set(accuracy) == {1, 2, 3, 4, 5, 20, 50}
    assert min(accuracy[n] for n in (3, 4, 5)) > max(accuracy[1], accuracy[2]) + 0.15
    assert result.holds


@pytest.mark.slow
def test_larger_networks_pull_ahead_with_more_data() -> None:
    result = quick("scale")
    test = result.numbers["test_accuracy"]
    logreg, small, medium, large = (test[name] for name in experiments.scale.MODELS)
    assert large[-1] - logreg[-1] > 0.03
    assert large[-1] - logreg[-1] > large[0] - logreg[0] + 0.02
    assert large[-1] >= medium[-1] - 0.005 and medium[-1] >= small[-1] - 0.005
    assert small[-1] >= logreg[-1] - 0.005
    assert result.holds


def test_teacher_data_is_seeded_and_balanced() -> None:
    X1, Y1 = experiments.scale.teacher_data(500, seed=3)
    X2, Y2 = experiments.scale.teacher_data(500, seed=3)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(Y1, Y2)
    assert X1.shape == (8, 500) and Y1.shape == (1, 500)
    assert 0.3 < Y1.mean() < 0.7


def test_run_all_writes_report_figures_and_json(tmp_path: Path) -> None:
    names = ["linear_collapse", "zero_init"]
    results = experiments.run_all(tmp_path, quick=True, names=names)
    assert [r.name for r in results] == names
    report = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert "| experiment | claim | measured | holds? |" in report
    assert "2 of 2 claims hold" in report
    for r in results:
        assert r.figure == tmp_path / f"{r.name}.png"
        assert f"![{r.title}]({r.name}.png)" in report
        from matplotlib.image import imread

        image = imread(r.figure)
        assert (
            image.shape[0] > 200 and len(np.unique(image.reshape(-1, image.shape[-1]), axis=0)) > 2
        )
    payload = json.loads((tmp_path / "results.json").read_text())
    assert payload["quick"] is True
    assert [r["name"] for r in payload["results"]] == names


def test_report_says_when_a_claim_does_not_hold(tmp_path: Path) -> None:
    failed = Result("x", "X", "a claim | with a bar", False, "3 < 5", details="it fails: 3 < 5")
    text = render([failed], quick=True, seconds=1.0, folder=tmp_path)
    assert "**0 of 1 claims hold as stated.**" in text
    assert "| **no** |" in text and "a claim \\| with a bar" in text
    assert "No, not as stated." in text and "it fails: 3 < 5" in text


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["experiment", "linear_collapse", "--quick", "--out", str(tmp_path)]) == 0
    printed = capsys.readouterr().out
    assert "linear_collapse: holds" in printed and "measured:" in printed
    assert (tmp_path / "linear_collapse.png").exists()
    with pytest.raises(SystemExit) as exit_info:
        main(["experiment", "dropout"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
