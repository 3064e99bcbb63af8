"""``nndl course``: the recipes beside the course's outputs, and the cat pictures' stand-in."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nndl import datasets
from nndl.cli import main
from nndl.course import recipes
from nndl.course.checks import Check
from nndl.errors import NNDLValueError

h5py = pytest.importorskip("h5py")


@pytest.fixture(autouse=True)
def _no_cat_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NNDL_CAT_DIR", raising=False)


# ---------------------------------------------------------------- the stand-in


def test_standin_has_the_courses_layout_and_says_so() -> None:
    with pytest.warns(datasets.StandInWarning, match="NNDL_CAT_DIR"):
        cat = datasets.load_cat()
    assert cat.standin and cat.source == "noisy-digits-3-vs-5-8-standin"
    assert cat.train_x.shape == (209, 64, 64, 3) and cat.train_x.dtype == np.uint8
    assert cat.test_x.shape == (50, 64, 64, 3) and cat.test_x.dtype == np.uint8
    assert cat.train_y.shape == (1, 209) and cat.test_y.shape == (1, 50)
    assert int(cat.train_y.sum()) == 72 and int(cat.test_y.sum()) == 33  # as many as the cats
    assert list(cat.classes) == [b"five-or-eight", b"three"]
    assert "stand-in" in cat.note and "train_catvnoncat.h5" in cat.note
    assert cat.train_x.min() == 0 and cat.train_x.max() == 255
    assert not np.array_equal(cat.train_x[..., 0], cat.train_x[..., 2])  # colour noise
    again = datasets.load_standin()
    assert np.array_equal(again.train_x, cat.train_x) and np.array_equal(again.test_y, cat.test_y)
    X, _, X_test, _ = cat.vectors()
    assert X.shape == (12288, 209) and X_test.shape == (12288, 50) and 0 <= X.min() <= X.max() <= 1


def test_standin_pictures_are_the_digits_they_are_labelled() -> None:
    """Under the noise each picture is one of scikit-learn's threes, fives or eights, moved
    by at most one pixel; its label says three exactly when it is one, and no digit is in
    both the training and the test pictures."""
    digits = pytest.importorskip("sklearn.datasets").load_digits()
    keep = np.isin(digits.target, (3, 5, 8))
    images, target, index = digits.images[keep], digits.target[keep], np.flatnonzero(keep)
    padded = np.pad(images, ((0, 0), (1, 1), (1, 1)))
    moved = np.stack([padded[:, 1 - dy : 9 - dy, 1 - dx : 9 - dx]
                      for dy in (-1, 0, 1) for dx in (-1, 0, 1)], axis=1)  # fmt: skip
    cat = datasets.load_standin()
    found = {}
    for part, x, y in (("train", cat.train_x, cat.train_y), ("test", cat.test_x, cat.test_y)):
        ink = x.reshape(-1, 8, 8, 8, 8, 3).mean(axis=(2, 4, 5)) * (16 / 255)  # the 8×8 blocks
        distance = ((moved[None] - ink[:, None, None]) ** 2).sum(axis=(3, 4))
        nearest = distance.reshape(len(x), -1).argmin(axis=1) // 9
        assert np.array_equal(target[nearest] == 3, y[0] == 1)
        found[part] = set(index[nearest].tolist())
        assert len(found[part]) == len(x)  # each picture a different digit
    assert not found["train"] & found["test"]


def test_standin_keeps_the_lesson_logistic_regression_overfits() -> None:
    """The course's logistic regression (2000 iterations, α = 0.005) fits the training
    pictures and does clearly worse on the test pictures, as on the course's cats (99% and
    70%); the margins leave room for any BLAS's rounding."""
    X, Y, X_test, Y_test = datasets.load_standin().vectors()
    d = recipes._lr_model(X, Y, X_test, 2000, 0.005)
    train = float(np.mean(d["Y_prediction_train"] == Y))
    test = float(np.mean(d["Y_prediction_test"] == Y_test))
    assert train >= 0.97 and test <= 0.8 and train - test >= 0.15


@pytest.mark.slow
def test_standin_the_deeper_networks_learn_and_the_4_layer_one_does_best() -> None:
    from nndl.course import application, deep

    X, Y, X_test, Y_test = datasets.load_standin().vectors()
    tests = []
    for model, dims in ((application.two_layer_model, [12288, 7, 1]),
                        (application.L_layer_model, [12288, 20, 7, 5, 1])):  # fmt: skip
        params, costs = model(X, Y, dims, 0.0075, 2500)
        assert costs[-1] < 0.1 < costs[0]
        AL, _ = deep.L_model_forward(X, params)
        assert np.mean((AL > 0.5) == Y) >= 0.97
        AL, _ = deep.L_model_forward(X_test, params)
        tests.append(float(np.mean((AL > 0.5) == Y_test)))
    assert tests[0] >= 0.66 and tests[1] >= tests[0] + 0.06  # 72% and 84% here


def _write_course_files(folder: Path, m_train: int = 6, m_test: int = 3) -> np.ndarray:
    rng = np.random.RandomState(0)
    train = rng.randint(0, 256, size=(m_train, 64, 64, 3)).astype(np.uint8)
    with h5py.File(folder / "train_catvnoncat.h5", "w") as f:
        f["train_set_x"] = train
        f["train_set_y"] = np.array([0, 1] * (m_train // 2), dtype=np.int64)
        f["list_classes"] = np.array([b"non-cat", b"cat"])
    with h5py.File(folder / "test_catvnoncat.h5", "w") as f:
        f["test_set_x"] = rng.randint(0, 256, size=(m_test, 64, 64, 3)).astype(np.uint8)
        f["test_set_y"] = np.array([1, 0, 1][:m_test], dtype=np.int64)
        f["list_classes"] = np.array([b"non-cat", b"cat"])
    return train


def test_the_courses_files_are_read_from_a_folder_or_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    train = _write_course_files(tmp_path)
    cat = datasets.load_cat(tmp_path)
    assert not cat.standin and np.array_equal(cat.train_x, train)
    assert cat.train_y.tolist() == [[0, 1, 0, 1, 0, 1]] and cat.test_y.tolist() == [[1, 0, 1]]
    assert list(cat.classes) == [b"non-cat", b"cat"]
    monkeypatch.setenv("NNDL_CAT_DIR", str(tmp_path))
    assert datasets.load_cat().source == str(tmp_path)
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(NNDLValueError, match=r"test_catvnoncat\.h5"):
        datasets.load_cat(empty)


# ---------------------------------------------------------------- the command


def test_course_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["course", "list"]) == 0
    out = capsys.readouterr().out
    for name in recipes.ASSIGNMENTS:
        assert name in out


def test_course_step_by_step_all_ticks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["course", "step-by-step"]) == 0
    out = capsys.readouterr().out
    assert out.count("✓") == 26 and "✗" not in out and "26 of 26 checks match" in out
    assert "≤ 5e-09" in out  # the tolerance is printed


def test_course_convolution_all_ticks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["course", "convolution"]) == 0
    out = capsys.readouterr().out
    assert "✗" not in out and "26 of 26 checks match" in out
    assert "conv_forward (pad 1, stride 2): mean of Z: nndl 0.6923608807576933" in out
    assert "✓ nndl's vectorized conv_backward: dW" in out


@pytest.mark.slow
def test_course_planar_all_ticks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["course", "planar"]) == 0
    out = capsys.readouterr().out
    assert "✗" not in out and "31 of 31 checks match the course" in out
    # stable figures against the course's printed ones; the sweep's 50 units, which vary
    # with the BLAS build, against the course's code on this machine, the printed one beside
    assert "accuracy with 5 hidden units %: nndl 91.25  course 91.25" in out
    assert "accuracy with 50 hidden units %: nndl 90." in out
    assert "course's code here 90." in out and "the course printed 90.25)" in out
    assert "cost after iteration 8000" in out and "the course printed 0.219454 to 0.219471" in out


def test_cat_recipes_on_the_standin_say_so(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["course", "deep-application", "--iterations", "3"]) == 0
    out = capsys.readouterr().out
    assert "STAND-IN" in out and "not compared" in out and "✗" not in out
    assert "Beyond the course: conv 8×3×3" in out and "· CNN test accuracy" in out
    assert "✓ train_x shape" in out  # the layout is compared
    assert main(["course", "logistic-regression", "--iterations", "2"]) == 0
    out = capsys.readouterr().out
    assert "STAND-IN" in out and "✓ propagate (2021): cost" in out
    assert "num_iterations=2\n" in out and "points apart (the course: 99% and 70%)" in out


def test_cat_recipes_read_the_courses_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write_course_files(tmp_path)  # not the course's pictures: the shapes are checked, and fail
    assert main(["course", "deep-application", "--data", str(tmp_path), "--iterations", "2"]) == 1
    out = capsys.readouterr().out
    assert "STAND-IN" not in out and "✗ train_x shape" in out and str(tmp_path) in out


def test_a_failed_check_gives_exit_status_1(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def wrong(cat: object, iterations: object) -> object:
        yield Check("cost", 0.5, 0.25, 6)

    patched = recipes.Assignment("broken", wrong, False)
    monkeypatch.setitem(recipes.ASSIGNMENTS, "step-by-step", patched)
    assert main(["course", "step-by-step"]) == 1
    out = capsys.readouterr().out
    assert "✗ cost" in out and "please report it" in out and "threadpoolctl" in out


def test_bad_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["course", "planar", "--data", "somewhere"]) == 2
    assert main(["course", "deep-application", "--iterations", "0"]) == 2
    assert "iterations" in capsys.readouterr().err
