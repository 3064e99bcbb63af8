"""``nndl train --layers``: a layered model from the grammar, trained on pictures as
``(m, H, W, C)``, saved, and taken by ``evaluate``, ``predict`` and ``info``."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from nndl.cli import main
from nndl.errors import NNDLValueError
from nndl.layers import AvgPool2D, Conv1D, Conv2D, Dense, Dropout, Flatten, MaxPool2D
from nndl.model.layers import spec

CNN = "conv:4:3,relu,maxpool:2,flatten,dense:10"
FAST = ["--optimizer", "adam", "--lr", "0.01", "--batch-size", "64", "--epochs", "3"]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def _json(argv: list[str], capsys: pytest.CaptureFixture[str]) -> dict:  # type: ignore[type-arg]
    code, out, err = _run([*argv, "--json"], capsys)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_grammar_builds_the_layers() -> None:
    layers = spec.parse("conv:8:3:2:same,relu,avgpool:2:1,maxpool:2,flatten,dropout:0.25,dense:3")
    conv = layers[0]
    assert isinstance(conv, Conv2D) and (conv.filters, conv.f, conv.stride) == (8, 3, 2)
    assert conv.pad == "same"
    assert isinstance(layers[2], AvgPool2D) and layers[2].stride == 1
    assert isinstance(layers[3], MaxPool2D) and layers[3].stride == 2
    assert isinstance(layers[4], Flatten) and isinstance(layers[5], Dropout)
    assert isinstance(layers[6], Dense) and layers[6].units == 3
    assert spec.parse(["conv1d:4:3", "flatten", "dense:2:softmax"])[-1].activation.name == "softmax"
    assert isinstance(spec.parse("conv1d:4:3:1:1,flatten,dense:1")[0], Conv1D)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("convv:8:3,flatten,dense:1", "did you mean 'conv'"),
        ("conv:8,flatten,dense:1", "layer item 1 'conv:8': expected conv:N:F[:stride[:pad]]"),
        ("conv:8:3,maxpool:x,flatten,dense:1", "layer item 2 'maxpool:x': F must be a number"),
        ("dense:0", "units must be an integer >= 1"),
        ("dense:4,relu", "the last layer ('relu', item 2) must be the output's dense:N"),
        ("dropout:1.5,dense:1", "rate must be a number in [0, 1)"),
        ("dense:8:rellu,dense:1", "did you mean 'relu'"),
        ("", "the layer list is empty"),
    ],
)
def test_bad_specs_are_named(text: str, message: str) -> None:
    with pytest.raises(NNDLValueError) as info:
        spec.parse(text)
    assert message in str(info.value)


def test_digits_pictures_train_save_evaluate_predict_info(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = tmp_path / "cnn.npz"
    argv = ["train", "--data", "digits", "--layers", CNN, *FAST, "--test-size", "0.25",
            "--save", str(model), "--seed", "1"]  # fmt: skip
    result = _json(argv, capsys)
    assert result["test_accuracy"] > 0.6
    kinds = [layer["kind"] for layer in result["layers"]]
    assert kinds[:3] == ["conv2d", "activation", "max_pool2d"]
    assert result["layers"][-1]["activation"] == "softmax"
    evaluated = _json(["evaluate", str(model), "digits"], capsys)
    assert evaluated["examples"] == 1797 and evaluated["accuracy"] > 0.6
    info = _json(["info", str(model)], capsys)
    assert info["input_shape"] == [8, 8, 1] and info["task"] == "multiclass"
    code, out, _ = _run(["info", str(model)], capsys)
    assert code == 0 and "Total parameters" in out
    out_csv = tmp_path / "p.csv"
    code, _, err = _run(["predict", str(model), "digits", "--out", str(out_csv)], capsys)
    assert code == 0, err
    rows = out_csv.read_text().splitlines()
    assert len(rows) == 1798 and rows[0].startswith("example,prediction,p_0")


def test_npz_pictures_binary_and_toml_layers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rng = np.random.default_rng(0)
    X = rng.random((40, 6, 6, 3))
    Y = (X[:, :3, :, 0].mean(axis=(1, 2)) > X[:, 3:, :, 0].mean(axis=(1, 2))).astype(int)
    data = tmp_path / "pictures.npz"
    np.savez(data, X=X, Y=Y)
    config = tmp_path / "run.toml"
    config.write_text(
        f'data = "{data.as_posix()}"\nlayers = ["conv:3:3:1:same", "relu", "avgpool:2", '
        '"flatten", "dense:1"]\noptimizer = "adam"\nlr = 0.01\nepochs = 5\n'
    )
    model = tmp_path / "binary.npz"
    result = _json(["train", "--config", str(config), "--save", str(model)], capsys)
    assert result["layers"][0]["pad"] == "same" and result["layers"][-1]["activation"] == "sigmoid"
    code, out, err = _run(["predict", str(model), str(data)], capsys)
    assert code == 0, err
    assert len(out.splitlines()) == 41
    assert _json(["evaluate", str(model), str(data)], capsys)["examples"] == 40


def test_dense_layers_and_conv1d_on_columns(capsys: pytest.CaptureFixture[str]) -> None:
    result = _json(["train", "--data", "moons", "--layers", "dense:8:tanh,dense:1",
                    "--epochs", "5"], capsys)  # fmt: skip
    assert result["layers"][-1]["activation"] == "sigmoid"
    result = _json(["train", "--data", "iris", "--layers", "conv1d:2:2,relu,flatten,dense:3",
                    "--epochs", "3"], capsys)  # fmt: skip
    assert result["train_accuracy"] is not None


def test_plots_draw_the_filters_and_feature_maps(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from PIL import Image

    argv = ["train", "--data", "digits", "--layers", CNN, *FAST, "--plots", str(tmp_path)]
    names = [Path(p).name for p in _json(argv, capsys)["plots"]]
    assert {"cost.png", "conv_filters.png", "feature_maps.png", "confusion_matrix.png"} <= set(
        names
    )
    maps = np.asarray(Image.open(tmp_path / "feature_maps.png").convert("RGB"))
    assert len(np.unique(maps.reshape(-1, 3), axis=0)) > 10


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--data", "digits", "--layers", "conv:4:3,flatten,dense:9"], "end the list with"),
        (["--data", "planar", "--layers", "conv:4:3,flatten,dense:1"], "takes pictures"),
        (["--data", "digits", "--layers", "convv:4:3,dense:10"], "did you mean 'conv'"),
        (["--data", "digits", "--layers", CNN, "--dropout", "0.5"], "put dropout:RATE"),
        (["--data", "digits", "--layers", CNN, "--activation", "relu"], "name activations"),
        (["--data", "digits", "--layers", CNN, "--init", "xavier"], "leave --init out"),
    ],
)
def test_mistakes_exit_2_with_one_line(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        raise SystemExit(main(["train", *argv, "--epochs", "1"]))
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


def test_toml_layers_must_be_names(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = tmp_path / "run.toml"
    config.write_text('data = "digits"\nlayers = ["conv:4:3", "flaten", "dense:10"]\n')
    code, _, err = _run(["train", "--config", str(config)], capsys)
    assert code == 2 and "did you mean 'flatten'" in err


def test_recurrent_layers_read_each_picture_row_as_a_time_step(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from nndl.layers import GRU, LSTM, SimpleRNN

    layers = spec.parse("lstm:6:seq,gru:5,dense:10")
    assert isinstance(layers[0], LSTM) and layers[0].return_sequences
    assert isinstance(layers[1], GRU) and not layers[1].return_sequences
    assert isinstance(spec.parse("rnn:3,dense:1")[0], SimpleRNN)
    with pytest.raises(NNDLValueError, match="can only be seq"):
        spec.parse("lstm:4:all,dense:1")
    model = tmp_path / "rows.npz"
    argv = ["train", "--data", "digits", "--layers", "gru:16,dense:10", "--optimizer", "adam",
            "--lr", "0.02", "--batch-size", "64", "--epochs", "4"]  # fmt: skip
    argv += ["--save", str(model)]
    result = _json(argv, capsys)  # the 8×8 digits: 8 steps of 8 pixels
    assert result["layers"][0]["kind"] == "gru" and result["train_accuracy"] > 0.5
    assert _json(["evaluate", str(model), "digits"], capsys)["examples"] > 0
