"""The command line: the flower example, JSON output, saved models, plots, and clean errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nndl.cli import main


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    code, out, err = _run([*argv, "--json"], capsys)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_flower_example_prints_costs_and_accuracy(capsys: pytest.CaptureFixture[str]) -> None:
    argv = "train --data planar --hidden 4 --activation tanh --lr 1.2 --epochs 10000 --seed 3"
    code, out, _ = _run(argv.split(), capsys)
    assert code == 0
    assert "Cost after iteration 0: 0.693" in out
    assert "Cost after iteration 9000:" in out
    accuracy = float(out.split("Train accuracy: ")[1].split("%")[0])
    assert accuracy >= 90.0


def test_json_output(capsys: pytest.CaptureFixture[str]) -> None:
    result = _json(["train", "--epochs", "300"], capsys)
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
    ]
    result = _json(argv, capsys)
    assert result["layer_dims"] == [2, 20, 7, 5, 1]
    assert 0.0 <= result["test_accuracy"] <= 1.0
    result = _json(["train", "--hidden", "0", "--epochs", "500"], capsys)
    assert result["layer_dims"] == [2, 1] and result["train_accuracy"] <= 0.55


def test_options_multiclass_and_per_layer_activations(capsys: pytest.CaptureFixture[str]) -> None:
    argv = [
        "train",
        "--data",
        "spiral",
        "--hidden",
        "30,20",
        "--activation",
        "relu,tanh",
        "--init",
        "xavier",
        "--optimizer",
        "adam",
        "--lr",
        "0.01",
        "--batch-size",
        "32",
        "--l2",
        "0.001",
        "--dropout",
        "0.1",
        "--epochs",
        "30",
    ]
    result = _json(argv, capsys)
    assert result["layer_dims"] == [2, 30, 20, 3]
    assert result["activation"] == ["relu", "tanh"] and result["optimizer"] == "adam"


def test_save_info_evaluate_predict(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    model = tmp_path / "moons.npz"
    trained = _json(
        [
            "train",
            "--data",
            "moons",
            "--hidden",
            "8",
            "--lr",
            "1.0",
            "--epochs",
            "1500",
            "--save",
            str(model),
        ],
        capsys,
    )
    assert model.is_file() and trained["model"] == str(model)
    info = _json(["info", str(model)], capsys)
    assert info["layer_dims"] == [2, 8, 1] and info["loss"] == "logistic"
    evaluated = _json(["evaluate", str(model), "moons"], capsys)
    assert evaluated["accuracy"] == pytest.approx(trained["train_accuracy"])
    assert np.sum(evaluated["confusion_matrix"]) == evaluated["examples"] == 200
    out = tmp_path / "pred.csv"
    code, text, err = _run(["predict", str(model), "moons", "--out", str(out)], capsys)
    assert code == 0, err
    rows = out.read_text().splitlines()
    assert rows[0] == "example,prediction,p_0,p_1" and len(rows) == 201
    code, text, _ = _run(["evaluate", str(model), "moons"], capsys)
    assert "Confusion matrix" in text and "Accuracy:" in text


def test_plots_are_written(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from PIL import Image

    result = _json(["train", "--epochs", "200", "--plots", str(tmp_path / "plots")], capsys)
    assert [Path(p).name for p in result["plots"]] == [
        "cost.png",
        "layer_bands.png",
        "decision_boundary.png",
        "hidden_units.png",
        "confusion_matrix.png",
    ]
    for path in result["plots"]:
        image = np.asarray(Image.open(path).convert("RGB"))
        assert image.shape[0] > 200 and len(np.unique(image.reshape(-1, 3), axis=0)) > 10
    code, _, err = _run(["plot", "activations", "--out", str(tmp_path / "g.png")], capsys)
    assert code == 0, err
    assert (tmp_path / "g.png").stat().st_size > 10_000


def test_config_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "run.toml"
    config.write_text('data = "xor"\nhidden = [6, 3]\nactivation = "relu"\nlr = 0.5\nepochs = 40\n')
    result = _json(["train", "--config", str(config)], capsys)
    assert result["data"] == "xor" and result["layer_dims"] == [2, 6, 3, 1]
    assert result["epochs"] == 40
    result = _json(["train", "--config", str(config), "--epochs", "7"], capsys)
    assert result["epochs"] == 7  # the command line wins
    config.write_text("epoch = 3\n")
    code, _, err = _run(["train", "--config", str(config)], capsys)
    assert code == 2 and "unknown option 'epoch'" in err
    config.write_text("epochs = [\n")
    code, _, err = _run(["train", "--config", str(config)], capsys)
    assert code == 2 and "not valid TOML" in err


def test_course_hdf5_images_and_a_photo(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    h5py = pytest.importorskip("h5py")
    from PIL import Image

    rng = np.random.default_rng(0)
    m = 40
    y = np.arange(m) % 2
    images = rng.integers(0, 100, size=(m, 64, 64, 3)).astype(np.uint8)
    images[y == 1, :, :, 0] += 150  # "cats" are red
    train = tmp_path / "train_catvnoncat.h5"
    with h5py.File(train, "w") as f:
        f["train_set_x"] = images
        f["train_set_y"] = y
        f["list_classes"] = np.array([b"non-cat", b"cat"])
    model = tmp_path / "cat.npz"
    result = _json(
        [
            "train",
            "--data",
            str(train),
            "--hidden",
            "0",
            "--init",
            "zeros",
            "--lr",
            "0.005",
            "--epochs",
            "200",
            "--save",
            str(model),
        ],
        capsys,
    )
    assert result["layer_dims"] == [12288, 1] and result["train_accuracy"] >= 0.95
    photo = tmp_path / "photo.png"
    red = np.zeros((80, 100, 3), dtype=np.uint8)
    red[..., 0] = 230
    Image.fromarray(red).save(photo)
    code, out, err = _run(["predict", str(model), str(photo)], capsys)
    assert code == 0, err
    assert out.splitlines()[1].startswith("photo.png,cat,")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["train", "--hidden", "4,x"], "comma-separated layer sizes"),
        (["train", "--hidden", "-3"], "integers >= 1"),
        (["train", "--lr", "-1"], "finite number > 0"),
        (["train", "--epochs", "0"], "integer >= 1"),
        (["train", "--data", "mnist"], "planar"),
        (["train", "--data", "no/such/file.csv"], "no/such/file.csv"),
        (["train", "--activation", "swish"], "unknown activation 'swish'"),
        (["train", "--test-size", "2.5"], "[0, 1)"),
        (["train", "--optimizer", "sgd2"], "sgd2"),
        (["info", "missing.npz"], "missing.npz"),
    ],
)
def test_mistakes_print_one_line_and_exit_2(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        raise SystemExit(
            main(
                [*argv, "--epochs", "1"] if argv[0] == "train" and "--epochs" not in argv else argv
            )
        )
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_user_data_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "table.csv"
    table.write_text("a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n")
    code, _, err = _run(
        ["train", "--data", str(table), "--target", "price", "--epochs", "1"], capsys
    )
    assert code == 2 and "price" in err and "label" in err
    model = tmp_path / "m.npz"
    _json(
        ["train", "--data", str(table), "--target", "label", "--epochs", "5", "--save", str(model)],
        capsys,
    )
    narrow = tmp_path / "narrow.csv"
    narrow.write_text("a,label\n1,x\n3,y\n")
    code, _, err = _run(["predict", str(model), str(narrow)], capsys)
    assert code == 2 and "'b'" in err  # the missing column is named
    wide = tmp_path / "wide.npz"
    np.savez(wide, X=np.ones((3, 5)))
    code, _, err = _run(["predict", str(model), str(wide)], capsys)
    assert code == 2 and "has 5 features but the model expects 2" in err
    fake = tmp_path / "fake.npz"
    np.savez(fake, W1=np.zeros((1, 2)))
    code, _, err = _run(["info", str(fake)], capsys)
    assert code == 2 and "Traceback" not in err and err.startswith("nndl: error:")
    text = tmp_path / "notes.npz"
    text.write_text("not a zip file")
    code, _, err = _run(["evaluate", str(text), "moons"], capsys)
    assert code == 2 and err.startswith("nndl: error:")


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
    for command in ([], ["train"], ["predict"], ["evaluate"], ["plot"], ["info"]):
        done = subprocess.run(
            [sys.executable, "-m", "nndl", *command, "--help"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0 and "examples:" in done.stdout


def test_image_data_plots_confusion_and_misclassified(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from PIL import Image

    argv = ["train", "--data", "digits", "--hidden", "16", "--activation", "relu", "--init", "he",
            "--optimizer", "adam", "--lr", "0.003", "--batch-size", "64", "--epochs", "20",
            "--test-size", "0.25", "--plots", str(tmp_path)]  # fmt: skip
    result = _json(argv, capsys)
    assert result["test_accuracy"] > 0.7
    names = [Path(p).name for p in result["plots"]]
    assert names == [
        "cost.png",
        "layer_bands.png",
        "first_layer_weights.png",
        "confusion_matrix.png",
        "misclassified.png",
    ]
    grid = np.asarray(Image.open(tmp_path / "misclassified.png").convert("RGB"))
    assert len(np.unique(grid.reshape(-1, 3), axis=0)) > 10


def test_device_option(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("torch")
    on_numpy = _json(["train", "--epochs", "200", "--dtype", "float64"], capsys)
    on_torch = _json(
        ["train", "--epochs", "200", "--dtype", "float64", "--device", "torch"], capsys
    )
    assert on_torch["final_cost"] == pytest.approx(on_numpy["final_cost"], abs=1e-10)
    import torch

    if not torch.cuda.is_available():
        code, _, err = _run(["train", "--epochs", "1", "--device", "cuda"], capsys)
        assert code == 2 and "cuda" in err.lower() and len(err.strip().splitlines()) == 1
