"""Data loaders: the course's HDF5 images, image folders, one picture, CSV, .npz, scikit-learn sets,
the load_data entry point and its errors, and the Standardizer."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from nndl.datasets import (
    Data,
    Standardizer,
    TabularEncoder,
    images_to_vectors,
    load_csv,
    load_data,
    load_features,
    load_h5,
    load_image,
    load_image_folder,
    load_npz,
    read_csv_features,
)
from nndl.errors import MissingDependencyError, NNDLError, NNDLValueError, ShapeError, require

h5py = pytest.importorskip("h5py")
Image = pytest.importorskip("PIL.Image")


# --------------------------------------------------------------------------- HDF5


def _course_h5(path: Path, m: int, prefix: str, seed: int, classes: bool = True) -> np.ndarray:
    """Write an HDF5 file in the course's layout; return the images written."""
    rng = np.random.default_rng(seed)
    x = rng.integers(0, 256, size=(m, 64, 64, 3), dtype=np.uint8)
    x[0, 0, 0, 0], x[0, 0, 0, 1] = 0, 255  # both ends of the pixel range
    y = np.arange(m) % 2
    with h5py.File(path, "w") as f:
        f.create_dataset(f"{prefix}_set_x", data=x)
        f.create_dataset(f"{prefix}_set_y", data=y)
        if classes:
            f.create_dataset("list_classes", data=np.array([b"non-cat", b"cat"]))
    return x


def test_course_h5_loads_to_flattened_scaled_columns(tmp_path: Path) -> None:
    path = tmp_path / "train_catvnoncat.h5"
    x = _course_h5(path, m=7, prefix="train", seed=0)
    data = load_h5(path)
    assert data.X.shape == (12288, 7) and data.X.dtype == np.float64
    assert data.Y.shape == (1, 7) and data.Y.dtype == np.int64
    assert data.X.min() == 0.0 and data.X.max() == 1.0
    # the course's image2vector: column i is image i flattened row-major, divided by 255
    np.testing.assert_array_equal(data.X[:, 3], x[3].reshape(-1) / 255)
    np.testing.assert_array_equal(data.X, x.reshape(7, -1).T / 255)
    np.testing.assert_array_equal(data.Y, [[0, 1, 0, 1, 0, 1, 0]])
    assert data.classes == ["non-cat", "cat"]
    assert data.task == "binary" and data.image_shape == (64, 64, 3)
    assert data.X_test is None and not data.has_test


def test_h5_with_test_part_and_test_only_file(tmp_path: Path) -> None:
    path = tmp_path / "both.h5"
    _course_h5(path, m=4, prefix="train", seed=1)
    with h5py.File(path, "a") as f:
        f.create_dataset("test_set_x", data=np.full((3, 64, 64, 3), 51, dtype=np.uint8))
        f.create_dataset("test_set_y", data=np.array([[1, 0, 1]]))  # (1, m) is accepted too
    data = load_h5(path)
    assert data.X.shape == (12288, 4) and data.X_test is not None and data.Y_test is not None
    assert data.X_test.shape == (12288, 3)
    np.testing.assert_allclose(data.X_test, 0.2)
    np.testing.assert_array_equal(data.Y_test, [[1, 0, 1]])
    assert load_h5(path, part="test").X.shape == (12288, 3)
    assert load_h5(path, part="train").X_test is None

    test_only = tmp_path / "test_catvnoncat.h5"
    _course_h5(test_only, m=5, prefix="test", seed=2)
    data = load_data(test_only)  # the course's test file: its pair is the data
    assert data.X.shape == (12288, 5) and data.Y.shape == (1, 5)


def test_h5_without_list_classes_and_tabular(tmp_path: Path) -> None:
    path = tmp_path / "plain.hdf5"
    with h5py.File(path, "w") as f:
        f.create_dataset("X", data=np.arange(12.0).reshape(4, 3))  # (m, n)
        f.create_dataset("Y", data=np.array([5, 7, 9, 7]))
    data = load_data(str(path))
    assert data.X.shape == (3, 4) and data.image_shape is None
    np.testing.assert_array_equal(data.X[:, 1], [3.0, 4.0, 5.0])
    assert data.classes == ["5", "7", "9"] and data.task == "multiclass"
    np.testing.assert_array_equal(data.Y, [[0, 1, 2, 1]])


def test_h5_errors(tmp_path: Path) -> None:
    bad = tmp_path / "corrupt.h5"
    bad.write_bytes(b"this is not HDF5 at all")
    with pytest.raises(NNDLValueError, match=r"cannot read .* as an HDF5 file"):
        load_data(bad)
    wrong_keys = tmp_path / "keys.h5"
    with h5py.File(wrong_keys, "w") as f:
        f.create_dataset("pixels", data=np.zeros((2, 2)))
    with pytest.raises(NNDLValueError, match="its keys are: pixels"):
        load_h5(wrong_keys)
    out_of_range = tmp_path / "range.h5"
    with h5py.File(out_of_range, "w") as f:
        f.create_dataset("train_set_x", data=np.zeros((2, 4, 4, 3), dtype=np.uint8))
        f.create_dataset("train_set_y", data=np.array([0, 2]))
        f.create_dataset("list_classes", data=np.array([b"a", b"b"]))
    with pytest.raises(NNDLValueError, match="label 2 is out of range"):
        load_h5(out_of_range)
    with pytest.raises(NNDLValueError, match="part must be one of"):
        load_h5(out_of_range, part="validation")


def test_images_to_vectors_is_the_course_image2vector() -> None:
    images = np.arange(2 * 3 * 2 * 3, dtype=np.uint8).reshape(2, 3, 2, 3)
    X = images_to_vectors(images)
    assert X.shape == (18, 2)
    np.testing.assert_array_equal(X * 255, images.reshape(2, -1).T)
    floats = images.astype(np.float64)
    np.testing.assert_array_equal(images_to_vectors(floats), floats.reshape(2, -1).T)
    with pytest.raises(ShapeError):
        images_to_vectors(np.zeros(3))


# --------------------------------------------------------------------------- picture files


def _png(path: Path, color: tuple[int, int, int], size: tuple[int, int] = (10, 6)) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", size, color).save(path)


def test_image_folder_one_subfolder_per_class(tmp_path: Path) -> None:
    _png(tmp_path / "dog" / "a.png", (255, 0, 0))
    _png(tmp_path / "cat" / "b.png", (0, 255, 0), size=(20, 30))
    _png(tmp_path / "cat" / "c.jpg", (0, 0, 255))
    (tmp_path / "cat" / "notes.txt").write_text("not a picture")
    data = load_image_folder(tmp_path, size=(4, 5))
    assert data.classes == ["cat", "dog"] and data.task == "binary"
    assert data.X.shape == (4 * 5 * 3, 3) and data.image_shape == (4, 5, 3)
    np.testing.assert_array_equal(data.Y, [[0, 0, 1]])
    pictures = data.X.T.reshape(3, 4, 5, 3)
    np.testing.assert_allclose(pictures[0], np.broadcast_to([0, 1, 0], (4, 5, 3)))
    np.testing.assert_allclose(pictures[1], np.broadcast_to([0, 0, 1], (4, 5, 3)), atol=0.01)
    np.testing.assert_allclose(pictures[2], np.broadcast_to([1, 0, 0], (4, 5, 3)))
    gray = load_data(tmp_path, image_size=(3, 3), channels=1)
    assert gray.X.shape == (9, 3) and gray.image_shape == (3, 3, 1)
    np.testing.assert_allclose(gray.X[:, 0], 150 / 255, atol=0.01)  # Pillow's L of pure green


def test_image_folder_with_train_and_test(tmp_path: Path) -> None:
    for part, n in (("train", 2), ("test", 1)):
        for name, color in (("a", (0, 0, 0)), ("b", (255, 255, 255)), ("c", (9, 9, 9))):
            for i in range(n):
                _png(tmp_path / part / name / f"{i}.png", color)
    data = load_data(tmp_path, image_size=(2, 2))
    assert data.task == "multiclass" and data.classes == ["a", "b", "c"]
    assert data.X.shape == (12, 6) and data.X_test is not None and data.Y_test is not None
    assert data.X_test.shape == (12, 3)
    np.testing.assert_array_equal(data.Y_test, [[0, 1, 2]])


def test_image_folder_errors(tmp_path: Path) -> None:
    _png(tmp_path / "flat" / "a.png", (1, 2, 3))
    with pytest.raises(NNDLValueError, match="no class subfolders"):
        load_data(tmp_path / "flat")
    (tmp_path / "empty" / "cat").mkdir(parents=True)
    with pytest.raises(NNDLValueError, match="hold no image files"):
        load_data(tmp_path / "empty")
    _png(tmp_path / "broken" / "cat" / "ok.png", (1, 2, 3))
    (tmp_path / "broken" / "cat" / "bad.png").write_bytes(b"\x89PNG but not really")
    with pytest.raises(NNDLValueError, match=r"cannot read .*bad\.png.* as an image"):
        load_data(tmp_path / "broken")
    with pytest.raises(NNDLValueError, match="image shape must be"):
        load_image_folder(tmp_path / "broken", size=(0, 4))
    with pytest.raises(NNDLValueError, match="single picture"):
        load_data(tmp_path / "flat" / "a.png")


def test_one_image_of_your_own(tmp_path: Path) -> None:
    photo = tmp_path / "photo.jpg"
    pixels = np.zeros((40, 30, 3), dtype=np.uint8)
    pixels[:20] = (255, 255, 255)  # top half white, bottom half black
    Image.fromarray(pixels).save(photo, quality=95)
    x = load_image(photo, (8, 6, 3))
    assert x.shape == (8 * 6 * 3, 1) and x.dtype == np.float64
    picture = x.reshape(8, 6, 3)
    assert picture[:3].min() > 0.9 and picture[5:].max() < 0.1
    assert x.min() >= 0.0 and x.max() <= 1.0
    assert load_image(photo).shape == (12288, 1)  # the course's 64x64 RGB by default
    X, names = load_features(photo, image_shape=(8, 6, 3))
    np.testing.assert_array_equal(X, x)
    assert names == ["photo.jpg"]
    with pytest.raises(NNDLValueError, match="no image file at"):
        load_image(tmp_path / "missing.jpg")
    with pytest.raises(NNDLValueError, match="is a folder"):
        load_image(tmp_path)


# --------------------------------------------------------------------------- CSV


CSV = """\
size,color,weight,animal
1.5,red,10,cat
2.0,blue,12,dog
0.5,red,3,cat
3.0,green,20,bird
"""


def test_csv_one_hot_and_class_names(tmp_path: Path) -> None:
    path = tmp_path / "train.csv"
    path.write_text(CSV)
    data = load_data(path, target="animal")
    assert data.task == "multiclass" and data.classes == ["bird", "cat", "dog"]
    np.testing.assert_array_equal(data.Y, [[1, 2, 1, 0]])
    assert data.feature_names == ["size", "color=blue", "color=green", "color=red", "weight"]
    np.testing.assert_array_equal(
        data.X,
        [
            [1.5, 2.0, 0.5, 3.0],
            [0, 1, 0, 0],
            [0, 0, 0, 1],
            [1, 0, 1, 0],
            [10, 12, 3, 20],
        ],
    )
    assert data.encoder is not None
    # a test file is encoded with the training file's categories and classes
    test = tmp_path / "test.csv"
    test.write_text("animal,weight,color,size\ndog,7,green,1\n")
    test_data = load_csv(test, "animal", encoder=data.encoder)
    np.testing.assert_array_equal(test_data.X.ravel(), [1, 0, 1, 0, 7])
    np.testing.assert_array_equal(test_data.Y, [[2]])
    # a prediction file has no target; the encoding survives a JSON round trip
    predict = tmp_path / "predict.csv"
    predict.write_text("size;color;weight\n4;blue;1\n")
    saved = TabularEncoder.from_dict(json.loads(json.dumps(data.encoder.to_dict())))
    assert saved == data.encoder
    np.testing.assert_array_equal(read_csv_features(predict, saved).ravel(), [4, 1, 0, 0, 1])
    X, names = load_features(predict, encoder=saved)
    assert X.shape == (5, 1) and names == ["row 1"]


def test_csv_numeric_targets(tmp_path: Path) -> None:
    path = tmp_path / "numbers.csv"
    path.write_text("a,b,y,price\n1,2,0,10.5\n3,4,1,7.25\n5,6,1,3\n")
    binary = load_data(path, target="y", task=None)
    assert binary.task == "binary" and binary.classes == ["0", "1"]
    np.testing.assert_array_equal(binary.Y, [[0, 1, 1]])
    assert binary.feature_names == ["a", "b", "price"]
    regression = load_csv(path, "price")
    assert regression.task == "regression" and regression.classes is None
    assert regression.Y.dtype == np.float64
    np.testing.assert_array_equal(regression.Y, [[10.5, 7.25, 3.0]])
    forced = load_csv(path, "y", task="regression", drop=["price"])
    assert forced.task == "regression" and forced.feature_names == ["a", "b"]


def test_csv_errors(tmp_path: Path) -> None:
    path = tmp_path / "train.csv"
    path.write_text(CSV)
    with pytest.raises(NNDLValueError, match=r"no column 'species'.*size, color, weight, animal"):
        load_data(path, target="species")
    with pytest.raises(NNDLValueError, match=r"needs a target column.*size, color, weight, animal"):
        load_data(path)
    encoder = load_data(path, target="animal").encoder
    unseen = tmp_path / "unseen.csv"
    unseen.write_text("size,color,weight,animal\n1,purple,2,cat\n")
    with pytest.raises(NNDLValueError, match=r"categories \['purple'\] not seen"):
        load_csv(unseen, "animal", encoder=encoder)
    new_class = tmp_path / "new_class.csv"
    new_class.write_text("size,color,weight,animal\n1,red,2,fish\n")
    with pytest.raises(NNDLValueError, match="'fish' are not among the known classes"):
        load_csv(new_class, "animal", encoder=encoder)
    missing = tmp_path / "missing.csv"
    missing.write_text("a,y\n1,0\n,1\n")
    with pytest.raises(NNDLValueError, match=r"column 'a' has missing cells in row 3"):
        load_csv(missing, "y")
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("a,b,y\n1,2,0\n1,0\n")
    with pytest.raises(NNDLValueError, match=r"target column 'y' is missing in row 3"):
        load_csv(ragged, "y")
    binary_file = tmp_path / "binary.csv"
    binary_file.write_bytes(b"\xff\xfe\x00\x81\x00")
    with pytest.raises(NNDLValueError, match=r"cannot read .* as text"):
        load_csv(binary_file, "y")
    with pytest.raises(NNDLValueError, match="regression target must be numbers"):
        load_csv(path, "animal", task="regression")
    with pytest.raises(NNDLValueError, match="task='binary' needs at most 2 classes"):
        load_csv(path, "animal", task="binary")
    with pytest.raises(NNDLValueError, match="not a saved CSV encoding"):
        TabularEncoder.from_dict({"target": "y"})


# --------------------------------------------------------------------------- .npz


def test_npz_in_both_layouts(tmp_path: Path) -> None:
    X = np.arange(12.0).reshape(4, 3)  # m=4 examples, n=3 features
    y = np.array([2, 0, 2, 1])
    samples = tmp_path / "samples.npz"
    np.savez(samples, X=X, Y=y, X_test=X[:2], Y_test=y[:2])
    data = load_data(samples)
    assert data.X.shape == (3, 4) and data.Y.shape == (1, 4)
    np.testing.assert_array_equal(data.X, X.T)
    np.testing.assert_array_equal(data.Y, [[2, 0, 2, 1]])
    assert data.classes == ["0", "1", "2"] and data.task == "multiclass"
    assert data.X_test is not None and data.X_test.shape == (3, 2)

    features = tmp_path / "features.npz"
    np.savez(features, x=X.T, y=y.reshape(1, -1))  # the course's (n, m), lower-case keys
    course = load_npz(features, layout="features")
    np.testing.assert_array_equal(course.X, data.X)
    np.testing.assert_array_equal(course.Y, data.Y)
    with pytest.raises(ShapeError, match="pass layout='features'"):
        load_data(features)  # read as (m, n) the shapes disagree

    one_hot = tmp_path / "one_hot.npz"
    np.savez(one_hot, X=X, Y=np.eye(3)[y])
    np.testing.assert_array_equal(load_npz(one_hot).Y, [[2, 0, 2, 1]])
    targets = tmp_path / "targets.npz"
    np.savez(targets, X=X, Y=np.c_[y * 0.5, y * 0.25])
    two = load_npz(targets)
    assert two.task == "regression" and two.Y.shape == (2, 4)
    images = tmp_path / "images.npz"
    np.savez(images, X=np.full((5, 4, 4, 3), 255, dtype=np.uint8), Y=np.arange(5) % 2)
    pictures = load_npz(images)
    assert pictures.image_shape == (4, 4, 3) and pictures.X.shape == (48, 5)
    assert pictures.X.max() == 1.0
    X_pred, _ = load_features(samples)
    np.testing.assert_array_equal(X_pred, X.T)


def test_npz_errors(tmp_path: Path) -> None:
    objects = tmp_path / "objects.npz"
    np.savez(objects, X=np.array([{"a": 1}], dtype=object), Y=np.zeros(1))
    with pytest.raises(NNDLValueError, match="holds Python objects"):
        load_npz(objects)
    garbage = tmp_path / "garbage.npz"
    garbage.write_bytes(b"PK\x03\x04 truncated zip")
    with pytest.raises(NNDLValueError, match=r"cannot read .* as an .npz archive"):
        load_data(garbage)
    wrong = tmp_path / "wrong.npz"
    np.savez(wrong, features=np.zeros((2, 2)))
    with pytest.raises(NNDLValueError, match=r"must hold arrays named X and Y.*features"):
        load_npz(wrong)
    single = tmp_path / "single.npy"
    np.save(single, np.zeros(3))
    with pytest.raises(NNDLValueError, match=r"single .npy array"):
        load_npz(single)
    with pytest.raises(NNDLValueError, match="layout must be"):
        load_npz(wrong, layout="columns")


# --------------------------------------------------------------------------- named sets


@pytest.mark.parametrize(
    ("name", "n_x", "m", "task", "n_classes"),
    [
        ("digits", 64, 1797, "multiclass", 10),
        ("breast_cancer", 30, 569, "binary", 2),
        ("iris", 4, 150, "multiclass", 3),
        ("wine", 13, 178, "multiclass", 3),
        ("diabetes", 10, 442, "regression", None),
    ],
)
def test_sklearn_sets_by_name(
    name: str, n_x: int, m: int, task: str, n_classes: int | None
) -> None:
    pytest.importorskip("sklearn")
    data = load_data(name)
    assert data.X.shape == (n_x, m) and data.Y.shape == (1, m)
    assert data.X.dtype == np.float64 and data.task == task and data.n_classes == n_classes
    if n_classes is not None:
        assert data.Y.dtype == np.int64 and set(np.unique(data.Y)) == set(range(n_classes))
    assert data.feature_names is not None and len(data.feature_names) == n_x


def test_sklearn_digits_matches_sklearn() -> None:
    datasets = pytest.importorskip("sklearn.datasets")
    X, y = datasets.load_digits(return_X_y=True)
    data = load_data("Digits")
    np.testing.assert_array_equal(data.X, X.T)
    np.testing.assert_array_equal(data.Y.ravel(), y)
    assert data.image_shape == (8, 8, 1)


def test_generated_sets_and_options() -> None:
    data = load_data("moons", m=50, seed=3)
    assert isinstance(data, Data) and data.X.shape == (2, 50) and data.task == "binary"
    assert load_data("flower").m == 400  # alias of planar
    split = data.split(test_size=0.2, seed=0)
    assert split.m == 40 and split.X_test is not None and split.X_test.shape == (2, 10)
    assert "task='binary'" in repr(split)


def test_load_data_errors(tmp_path: Path) -> None:
    with pytest.raises(NNDLValueError, match=r"unknown data set 'mnist'.*planar.*digits"):
        load_data("mnist")
    with pytest.raises(NNDLValueError, match=r"no data file at .*nowhere.csv"):
        load_data(str(tmp_path / "nowhere.csv"))
    odd = tmp_path / "data.parquet"
    odd.write_bytes(b"PAR1")
    with pytest.raises(NNDLValueError, match="cannot tell the format"):
        load_data(odd)
    with pytest.raises(NNDLValueError, match="only apply to generated"):
        load_data("iris", noise=0.1)
    with pytest.raises(NNDLValueError, match="holds no pictures"):
        load_features(tmp_path)
    with pytest.raises(NNDLValueError, match="is not a CSV file"):
        load_data(odd, target="y")
    with pytest.raises(NNDLValueError, match="leave the target out"):
        load_data("iris", target="species")
    assert issubclass(MissingDependencyError, NNDLError)
    with pytest.raises(MissingDependencyError, match=r'pip install "nndl\[data\]"'):
        require("nndl_no_such_module", "data", "reading HDF5 files")


# --------------------------------------------------------------------------- Standardizer


def test_standardizer_fit_transform_and_test_data_uses_training_stats() -> None:
    rng = np.random.default_rng(0)
    X_train = rng.normal(5.0, 3.0, size=(4, 50))
    X_train[2] = 7.0  # a constant feature: std 0
    s = Standardizer().fit(X_train)
    Z = s.transform(X_train)
    np.testing.assert_allclose(Z[[0, 1, 3]].mean(axis=1), 0.0, atol=1e-12)
    np.testing.assert_allclose(Z[[0, 1, 3]].std(axis=1), 1.0)
    np.testing.assert_array_equal(Z[2], 0.0)  # centred, not divided by zero
    X_test = rng.normal(0.0, 1.0, size=(4, 5))
    expected = (X_test - X_train.mean(axis=1, keepdims=True)) / np.where(
        X_train.std(axis=1, keepdims=True) > 0, X_train.std(axis=1, keepdims=True), 1.0
    )
    np.testing.assert_allclose(s.transform(X_test), expected)
    np.testing.assert_allclose(s.inverse_transform(s.transform(X_test)), X_test)
    restored = Standardizer.from_dict(json.loads(json.dumps(s.to_dict())))
    np.testing.assert_array_equal(restored.transform(X_test), s.transform(X_test))
    assert s.to_dict()["std"][2] == 1.0


def test_standardizer_keeps_backend_and_dtype(backend: object) -> None:
    X = np.arange(12, dtype=np.float64).reshape(3, 4)
    s = Standardizer().fit(X)
    X32 = backend.asarray(X.astype(np.float32))  # type: ignore[attr-defined]
    out = s.transform(X32)
    assert type(out) is type(X32) and "float32" in str(out.dtype)
    from nndl.arrays.backend import to_numpy

    np.testing.assert_allclose(to_numpy(out), s.transform(X), rtol=1e-6)


def test_standardizer_errors() -> None:
    s = Standardizer()
    with pytest.raises(NNDLValueError, match="before fit"):
        s.transform(np.zeros((2, 2)))
    with pytest.raises(NNDLValueError, match="before fit"):
        s.to_dict()
    s.fit(np.ones((3, 5)))
    with pytest.raises(ShapeError, match=r"n_x=3 rows.*pass X\.T"):
        s.transform(np.ones((5, 3)))
    with pytest.raises(ShapeError, match=r"shape \(n_x, m\)"):
        Standardizer().fit(np.ones(4))
    with pytest.raises(NNDLValueError, match="non-finite"):
        Standardizer().fit(np.array([[1.0, np.nan]]))
    with pytest.raises(NNDLValueError, match="not a saved Standardizer"):
        Standardizer.from_dict({"mean": [0.0]})
    with pytest.raises(NNDLValueError, match="positive stds"):
        Standardizer.from_dict({"mean": [0.0], "std": [0.0]})


def test_missing_extra_names_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "data.h5"
    _course_h5(path, m=2, prefix="train", seed=0)
    monkeypatch.setitem(sys.modules, "h5py", None)  # import h5py now raises ImportError
    with pytest.raises(MissingDependencyError, match=r"needs the package .h5py.*nndl\[data\]"):
        load_data(path)
    monkeypatch.setitem(sys.modules, "PIL.Image", None)
    with pytest.raises(ImportError, match=r"nndl\[data\]"):
        load_image(tmp_path / "data.h5")


def test_h5_float_labels_index_list_classes(tmp_path: Path) -> None:
    path = tmp_path / "floats.h5"
    with h5py.File(path, "w") as f:
        f.create_dataset("train_set_x", data=np.zeros((3, 2, 2, 3), dtype=np.uint8))
        f.create_dataset("train_set_y", data=np.array([1.0, 0.0, 1.0]))
        f.create_dataset("list_classes", data=np.array([b"non-cat", b"cat"]))
    data = load_h5(path)
    np.testing.assert_array_equal(data.Y, [[1, 0, 1]])
    assert data.classes == ["non-cat", "cat"] and data.Y.dtype == np.int64


def test_load_features_for_prediction(tmp_path: Path) -> None:
    _png(tmp_path / "pics" / "z.png", (255, 255, 255))
    _png(tmp_path / "pics" / "cat" / "a.png", (0, 0, 0))
    X, names = load_features(tmp_path / "pics", image_shape=(2, 2, 3))
    assert X.shape == (12, 2) and names == ["z.png", "cat/a.png"]
    np.testing.assert_array_equal(X[:, 0], 1.0)
    np.testing.assert_array_equal(X[:, 1], 0.0)
    h5 = tmp_path / "train.h5"
    _course_h5(h5, m=3, prefix="train", seed=4)
    X_h5, rows = load_features(h5)
    np.testing.assert_array_equal(X_h5, load_h5(h5).X)
    assert rows == ["row 1", "row 2", "row 3"]
    features = tmp_path / "features.npz"
    np.savez(features, X=np.ones((2, 5)))  # no Y: fine for prediction
    assert load_features(features, layout="features")[0].shape == (2, 5)
    with pytest.raises(NNDLValueError, match="cannot tell the format"):
        load_features(_touch(tmp_path / "x.parquet"))


def _touch(path: Path) -> Path:
    path.write_bytes(b"")
    return path
