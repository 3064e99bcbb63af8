"""The command line: the flower example, JSON output, clean errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from nndl.cli import main


def test_flower_example_prints_costs_and_accuracy(capsys: pytest.CaptureFixture[str]) -> None:
    argv = "train --data planar --hidden 4 --activation tanh --lr 1.2 --epochs 10000 --seed 3"
    assert main(argv.split()) == 0
    out = capsys.readouterr().out
    assert "Cost after iteration 0: 0.693" in out
    assert "Cost after iteration 9000:" in out
    accuracy = float(out.split("Train accuracy: ")[1].split("%")[0])
    assert accuracy >= 90.0


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["train", "--epochs", "300", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    for key in ("train_accuracy", "test_accuracy", "final_cost", "epochs", "seconds"):
        assert key in result
    assert result["test_accuracy"] is None and result["epochs"] == 300
    assert result["layer_dims"] == [2, 4, 1]


def test_hidden_sizes_test_split_and_logistic_regression(
    capsys: pytest.CaptureFixture[str],
) -> None:
    argv = [
        "train",
        "--data",
        "moons",
        "--hidden",
        "20,7,5",
        "--activation",
        "relu",
        "--init",
        "he",
        "--lr",
        "0.3",
        "--epochs",
        "500",
        "--test-size",
        "0.25",
        "--json",
    ]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["layer_dims"] == [2, 20, 7, 5, 1]
    assert 0.0 <= result["test_accuracy"] <= 1.0
    assert main(["train", "--hidden", "0", "--epochs", "500", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["layer_dims"] == [2, 1] and result["train_accuracy"] <= 0.55


def test_multiclass_data(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "train",
                "--data",
                "spiral",
                "--hidden",
                "30",
                "--activation",
                "relu",
                "--init",
                "he",
                "--lr",
                "1.0",
                "--epochs",
                "300",
                "--json",
            ]
        )
        == 0
    )
    result = json.loads(capsys.readouterr().out)
    assert result["layer_dims"] == [2, 30, 3]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--hidden", "4,x"], "comma-separated layer sizes"),
        (["train", "--hidden", "-3"], "integers >= 1"),
        (["train", "--lr", "-1"], "finite number > 0"),
        (["train", "--epochs", "0"], "integer >= 1"),
        (["train", "--data", "mnist"], "built-in ones are: planar"),
        (["train", "--activation", "swish"], "unknown activation 'swish'"),
        (["train", "--test-size", "2.5"], "test_size"),
    ],
)
def test_mistakes_print_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        code = main([*argv, "--epochs", "1"] if "--epochs" not in argv else argv)
        raise SystemExit(code)
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_console_entry_point_runs() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nndl", "train", "--epochs", "50", "--json"],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["epochs"] == 50
    done = subprocess.run(
        [sys.executable, "-m", "nndl", "--help"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and "examples:" in done.stdout
