"""The command line as a new user tries it: each rough edge found, fixed, and kept fixed; and
the figures and GIF of --plots and --animate."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nndl.cli import main

ROOT = Path(__file__).resolve().parents[2]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    code, out, err = _run([*argv, "--json"], capsys)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def _error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    code, _, err = _run(argv, capsys)
    assert code == 2, err
    assert err.startswith("nndl: error:") and "Traceback" not in err
    return err


def test_digits_are_standardized_so_the_first_cost_is_small(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["train", "--data", "digits", "--hidden", "16", "--epochs", "2", "--batch-size", "64",
            "--optimizer", "adam"]  # fmt: skip
    code, out, _ = _run(argv, capsys)
    assert code == 0
    first = float(out.split("Cost after iteration 0: ")[1].split()[0])
    assert first < 2.5  # 12.2 unstandardized
    assert "Cost after iteration 1:" in out  # mini-batches: every epoch printed


def test_aliases_and_their_names_get_the_same_defaults(capsys: pytest.CaptureFixture[str]) -> None:
    planar = _json(["train", "--data", "planar", "--epochs", "400"], capsys)
    flower = _json(["train", "--data", "flower", "--epochs", "400"], capsys)
    assert flower["train_accuracy"] == planar["train_accuracy"]
    assert flower["final_cost"] == pytest.approx(planar["final_cost"])


def test_each_optimizer_has_its_own_learning_rate(capsys: pytest.CaptureFixture[str]) -> None:
    adam = _json(["train", "--data", "moons", "--optimizer", "adam", "--epochs", "300"], capsys)
    assert adam["learning_rate"] == 0.001 and adam["train_accuracy"] > 0.8
    assert _json(["train", "--epochs", "1"], capsys)["learning_rate"] == 1.2
    with pytest.raises(SystemExit):
        main(["train", "--help"])
    assert "0.001 for rmsprop and adam" in " ".join(capsys.readouterr().out.split())


def test_regression_targets_are_scaled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "diabetes.npz"
    argv = ["train", "--data", "diabetes", "--hidden", "8", "--epochs", "300", "--lr", "0.1",
            "--save", str(model)]  # fmt: skip
    result = _json(argv, capsys)
    assert result["train_r2"] > 0.45 and result["final_cost"] < 1.0  # diverged before
    evaluated = _json(["evaluate", str(model), "diabetes"], capsys)
    assert evaluated["r2"] == pytest.approx(result["train_r2"])
    assert evaluated["cost"] == pytest.approx(result["final_cost"], rel=1e-5)
    _, out, _ = _run(["predict", str(model), "diabetes"], capsys)
    predictions = np.array([float(line.split(",")[1]) for line in out.splitlines()[1:]])
    assert 100 < predictions.mean() < 200  # in the target's own units (mean 152)


def test_predict_target_leaves_the_label_column_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from sklearn.datasets import load_digits

    model = tmp_path / "digits.npz"
    _json(["train", "--data", "digits", "--hidden", "16", "--epochs", "3", "--batch-size", "64",
           "--optimizer", "adam", "--save", str(model)], capsys)  # fmt: skip
    digits = load_digits()
    csv = tmp_path / "labelled.csv"
    header = ",".join([*(f"p{i}" for i in range(64)), "label"])
    pairs = list(zip(digits.data[:5].astype(int), digits.target[:5], strict=True))
    rows = [",".join(map(str, [*x, y])) for x, y in pairs]
    csv.write_text("\n".join([header, *rows]) + "\n")
    err = _error(["predict", str(model), str(csv)], capsys)
    assert "65 features" in err and "--target" in err
    code, out, err = _run(["predict", str(model), str(csv), "--target", "label"], capsys)
    assert code == 0, err
    assert len(out.splitlines()) == 1 + 5
    # with the model's own feature names, the columns are picked by name, in any order
    names = [f"pixel_{i // 8}_{i % 8}" for i in range(64)]
    rows = [",".join(map(str, [y, *x[::-1]])) for x, y in pairs]
    csv.write_text("\n".join([",".join(["label", *names[::-1]]), *rows]) + "\n")
    code, by_name, err = _run(["predict", str(model), str(csv)], capsys)
    assert code == 0, err
    assert by_name == out


def test_cli_plots_label_the_test_set_test(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.image import imread

    from nndl import plot

    labels: list[str] = []
    cost_curve = plot.cost_curve

    def spy(*args: object, **kwargs: object) -> object:
        fig = cost_curve(*args, **kwargs)  # type: ignore[arg-type]
        labels.extend(str(line.get_label()) for line in fig.axes[0].get_lines())
        return fig

    monkeypatch.setattr(plot, "cost_curve", spy)

    argv = ["train", "--data", "moons", "--epochs", "200", "--test-size", "0.25", "--plots",
            str(tmp_path), "--plot-every", "100", "--animate", str(tmp_path / "b.gif")]  # fmt: skip
    result = _json(argv, capsys)
    names = [Path(p).name for p in result["plots"]]
    assert names == ["cost.png", "layer_bands.png", "decision_boundary.png", "hidden_units.png",
                     "hidden_units_epoch_0.png", "hidden_units_epoch_100.png",
                     "hidden_units_epoch_200.png", "confusion_matrix.png"]  # fmt: skip
    for name in names:
        assert imread(tmp_path / name).shape[0] > 100
    from PIL import Image

    with Image.open(result["animation"]) as gif:
        assert gif.n_frames == 3  # epochs 0, 100, 200
    assert labels == ["train", "test"]  # the held-out curve is the test set's, so named


def test_text_confusion_matrix_keeps_numbers_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "m.npz"
    _json(["train", "--data", "planar", "--epochs", "2000", "--save", str(model)], capsys)
    code, out, _ = _run(["evaluate", str(model), "planar"], capsys)
    assert code == 0
    rows = out.split("predicted):\n")[1].splitlines()
    counts = [[int(v) for v in row.split()[1:]] for row in rows[1:]]
    assert np.sum(counts) == 400 and max(max(r) for r in counts) >= 100  # 3 digits, apart
    assert "Note: scoring all 400 examples of 'planar', including those the model was" in out


def test_evaluate_json_names_and_the_training_rows_note(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "m.npz"
    _json(["train", "--data", "moons", "--epochs", "50", "--save", str(model)], capsys)
    on_moons = _json(["evaluate", str(model), "moons"], capsys)
    assert "train_accuracy" not in on_moons and 0 <= on_moons["accuracy"] <= 1
    assert "including those the model was trained on" in on_moons["note"]
    assert _json(["evaluate", str(model), "circles"], capsys)["note"] is None


def test_json_reports_no_activation_without_a_hidden_layer(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert _json(["train", "--hidden", "0", "--epochs", "5"], capsys)["activation"] is None
    assert _json(["train", "--epochs", "5"], capsys)["activation"] == "tanh"


def test_one_activation_rule(capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(["train", "--hidden", "4", "--activation", "relu,softmax"], capsys)
    assert "one per hidden layer" in err and "--output" in err
    err = _error(["train", "--hidden", "4", "--activation", "relu,tanh"], capsys)
    assert "2 names" in err
    result = _json(["train", "--hidden", "4,3", "--activation", "relu,tanh", "--epochs", "5"],
                   capsys)  # fmt: skip
    assert result["activation"] == ["relu", "tanh"]
    assert "no hidden layer" in _error(["train", "--hidden", "0", "--activation", "relu"], capsys)


def test_options_that_would_do_nothing_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "lbfgs" in _error(["train", "--optimizer", "lbfgs", "--batch-size", "16"], capsys)
    assert "learning rate" in _error(["train", "--optimizer", "lbfgs", "--lr", "0.1"], capsys)
    result = _json(["train", "--optimizer", "lbfgs", "--epochs", "20"], capsys)
    assert result["learning_rate"] is None
    assert "--dropout" in _error(["train", "--hidden", "0", "--dropout", "0.5"], capsys)
    assert "--loss mse" in _error(["train", "--data", "digits", "--loss", "mse"], capsys)
    err = _error(["train", "--test-data", "x.csv", "--test-size", "0.2"], capsys)
    assert "--test-size" in err and "--test-data" in err
    assert ".gif" in _error(["train", "--animate", str(tmp_path / "b.png")], capsys)
    assert "2-D" in _error(["train", "--data", "iris", "--animate", str(tmp_path / "b.gif")],
                           capsys)  # fmt: skip


def test_errors_name_the_options_not_keywords(capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(["train", "--data", "digits", "--samples", "100", "--data-seed", "1"], capsys)
    assert "--samples, --data-seed" in err and "'m'" not in err and "seed'" not in err
    assert "--noise" in _error(["train", "--data", "iris", "--noise", "0.1"], capsys)


def test_noise_for_generated_sets(capsys: pytest.CaptureFixture[str]) -> None:
    quiet = _json(["train", "--data", "moons", "--noise", "0.0", "--epochs", "800"], capsys)
    noisy = _json(["train", "--data", "moons", "--noise", "0.6", "--epochs", "800"], capsys)
    assert quiet["train_accuracy"] > noisy["train_accuracy"]
    _json(["train", "--data", "blobs", "--noise", "0.5", "--epochs", "5"], capsys)
    assert "--noise" in _error(["train", "--data", "quantiles", "--noise", "0.5"], capsys)


def test_the_sample_config_file_runs(capsys: pytest.CaptureFixture[str]) -> None:
    config = ROOT / "docs" / "examples" / "run.toml"
    result = _json(["train", "--config", str(config), "--epochs", "20"], capsys)
    assert result["layer_dims"] == [2, 8, 4, 1] and result["epochs"] == 20
    assert result["optimizer"] == "adam" and result["test_accuracy"] is not None


def test_bare_nndl_prints_help_and_each_command_its_own_examples(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _run([], capsys)
    assert code == 0 and err == "" and out.startswith("usage: nndl")
    for command, own, other in (
        ("evaluate", "nndl evaluate", "nndl train"),
        ("predict", "nndl predict", "nndl train"),
        ("info", "nndl info", "nndl predict"),
        ("plot", "nndl plot", "nndl train"),
        ("train", "nndl train", "nndl evaluate"),
    ):
        with pytest.raises(SystemExit):
            main([command, "--help"])
        out = capsys.readouterr().out
        examples = out.split("examples:")[1]
        assert own in examples and other not in examples, command


def test_graph_needs_no_example_flag(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(["graph"], capsys)
    assert code == 0 and "digraph" in out and "J = 3(a + bc) = 33" in out


def test_pictures_and_files_are_standardized_by_default() -> None:
    import argparse

    from nndl.cli import _rules

    def default(data: str) -> bool:
        return _rules.standardize(argparse.Namespace(data=data, standardize=None))

    assert default("cats.h5") and default("pictures/") and default("digits")
    assert not default("planar") and not default("flower") and not default("Noisy-Moons")
    assert not _rules.standardize(argparse.Namespace(data="cats.h5", standardize=False))
