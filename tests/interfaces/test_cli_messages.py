"""The command line's messages for likely mistakes: a misspelt option, choice, name or TOML key
gets "did you mean …?"; a huge --l2 is told about l2; --output softmax on two classes and a
transposed .npz say what to use. Each one line, exit status 2, no traceback."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nndl.cli import main


def _error(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own errors
        code = int(exc.code or 0)
    err = capsys.readouterr().err
    assert code == 2, err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1, err
    return err


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["train", "--activaton", "relu", "--data", "planar"], "did you mean '--activation'?"),
        (["train", "--data", "planar", "--hiden=3"], "did you mean '--hidden'?"),
        (["train", "--data", "planar", "--missing", "dorp"], "did you mean 'drop'?"),
        (["trian", "--data", "planar"], "did you mean 'train'?"),
        (["experiment", "zero_int"], "did you mean 'zero_init'?"),
        (["train", "--data", "plnar", "--epochs", "1"], "(did you mean 'planar'?)"),
        (["train", "--data", "planar", "--activation", "rleu"], "did you mean 'relu'?"),
        (["train", "--data", "planar", "--optimizer", "adma", "--epochs", "1"], "'adam'?"),
        (["train", "--data", "planar", "--init", "xaviar", "--epochs", "1"], "'xavier'?"),
    ],
)
def test_misspellings_get_the_closest_name(
    argv: list[str], hint: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert hint in _error(argv, capsys)


def test_two_unknown_options_each_get_their_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(["train", "--activaton=relu", "--lrr", "3", "--data", "planar"], capsys)
    assert "for --activaton, did you mean '--activation'?" in err
    assert "for --lrr, did you mean '--lr'?" in err


def test_a_misspelt_toml_key_or_choice_gets_the_closest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "run.toml"
    config.write_text("hiden = 4\n")
    assert "unknown option 'hiden'; did you mean 'hidden'?" in _error(
        ["train", "--config", str(config), "--data", "planar"], capsys
    )
    config.write_text('missing = "dorp"\n')
    assert "did you mean 'drop'?" in _error(
        ["train", "--config", str(config), "--data", "planar"], capsys
    )


def test_a_huge_l2_is_named_as_the_cause(capsys: pytest.CaptureFixture[str]) -> None:
    err = _error(["train", "--data", "planar", "--l2", "1e300", "--epochs", "5"], capsys)
    assert "l2=1e+300 is too large" in err and "Try a smaller learning rate" not in err


@pytest.mark.parametrize("option", [["--output", "softmax"], ["--loss", "cross_entropy"]])
def test_softmax_on_two_classes_says_what_to_use(
    option: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    err = _error(["train", "--data", "planar", *option, "--epochs", "2"], capsys)
    assert "has two" in err and f"Leave {option[0]} out" in err and "sigmoid" in err


def test_three_activations_for_two_hidden_layers_names_the_counts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = ["train", "--data", "planar", "--hidden", "4,4", "--activation", "relu,relu,relu"]
    err = _error(argv, capsys)
    assert "3 names (relu,relu,relu) for 2 hidden layers" in err and "--output" in err


def test_a_transposed_npz_hint_names_an_option_that_exists(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "m.npz"
    assert main(["train", "--data", "planar", "--epochs", "3", "--save", str(model), "--json"]) == 0
    capsys.readouterr()
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 30))  # the course's (n, m) layout
    data = tmp_path / "course.npz"
    np.savez(data, X=X, Y=(X[:1] > 0).astype(int))
    features = tmp_path / "features.npz"
    np.savez(features, X=X)
    for command in ("evaluate", "predict"):
        source = data if command == "evaluate" else features
        err = _error([command, str(model), str(source)], capsys)
        assert "--layout features" in err
        code = main([command, str(model), str(source), "--layout", "features"])
        out = capsys.readouterr().out
        assert code == 0
        if command == "predict":
            assert len(out.strip().splitlines()) == 31  # a header and one row per example
