"""The scikit-learn estimators: the estimator checks, real data sets, Pipeline and GridSearchCV."""

from __future__ import annotations

import numpy as np
import pytest

sklearn = pytest.importorskip("sklearn")

from sklearn.datasets import load_breast_cancer, load_diabetes, load_digits  # noqa: E402
from sklearn.model_selection import GridSearchCV, train_test_split  # noqa: E402
from sklearn.pipeline import Pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402
from sklearn.utils.estimator_checks import parametrize_with_checks  # noqa: E402

from nndl.estimators import LogisticRegression, NeuralNetClassifier, NeuralNetRegressor  # noqa: E402

FAST = {"hidden_layer_sizes": (16,), "epochs": 60, "learning_rate": 0.01, "random_state": 0}


@parametrize_with_checks(
    [
        NeuralNetClassifier(**FAST),
        NeuralNetRegressor(**FAST),
        LogisticRegression(random_state=0),
    ]
)
def test_sklearn_estimator_checks(estimator, check) -> None:  # type: ignore[no-untyped-def]
    check(estimator)


def _split(X: np.ndarray, y: np.ndarray, seed: int = 0):  # type: ignore[no-untyped-def]
    X_tr, X_te, y_tr, y_te = train_test_split(X, y, test_size=0.25, random_state=seed)
    scaler = StandardScaler().fit(X_tr)
    return scaler.transform(X_tr), scaler.transform(X_te), y_tr, y_te


def test_breast_cancer() -> None:
    X_tr, X_te, y_tr, y_te = _split(*load_breast_cancer(return_X_y=True))
    clf = NeuralNetClassifier((32,), random_state=0, epochs=100).fit(X_tr, y_tr)
    assert clf.score(X_te, y_te) >= 0.96
    assert list(clf.classes_) == [0, 1] and clf.n_features_in_ == 30
    assert len(clf.loss_curve_) == clf.n_iter_ == 100
    assert clf.loss_curve_[-1] < clf.loss_curve_[0]
    logistic = LogisticRegression(l2=1.0).fit(X_tr, y_tr)
    assert logistic.score(X_te, y_te) >= 0.95
    assert logistic.coef_.shape == (1, 30) and logistic.intercept_.shape == (1,)


def test_digits() -> None:
    X_tr, X_te, y_tr, y_te = _split(*load_digits(return_X_y=True))
    clf = NeuralNetClassifier((64,), random_state=0, epochs=60).fit(X_tr, y_tr)
    # over random_state 0-5 the test accuracy spans 0.962-0.976 (the seed draws the
    # initial weights and the mini-batches' order)
    assert clf.score(X_te, y_te) >= 0.96
    proba = clf.predict_proba(X_te)
    assert proba.shape == (len(X_te), 10)
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, atol=1e-6)


def test_diabetes_regression() -> None:
    # Split seed 2: on seed 0's split even ordinary least squares reaches only R² = 0.36,
    # while on seeds 1-3 it reaches 0.43-0.44; the network is held to 0.40.
    X_tr, X_te, y_tr, y_te = _split(*load_diabetes(return_X_y=True), seed=2)
    reg = NeuralNetRegressor(
        (8,), activation="tanh", random_state=0, epochs=100, l2=0.1, learning_rate=0.003
    )
    reg.fit(X_tr, y_tr)
    assert reg.score(X_te, y_te) >= 0.40
    assert reg.predict(X_te).shape == (len(X_te),)


def test_pipeline_in_grid_search() -> None:
    X, y = load_breast_cancer(return_X_y=True)
    pipe = Pipeline(
        [("scale", StandardScaler()), ("net", NeuralNetClassifier(epochs=20, random_state=0))]
    )
    search = GridSearchCV(pipe, {"net__hidden_layer_sizes": [(4,), (16, 8)]}, cv=3)
    search.fit(X, y)
    assert search.best_params_["net__hidden_layer_sizes"] in [(4,), (16, 8)]
    assert search.best_score_ > 0.9
    assert search.predict(X[:5]).shape == (5,)


def test_options_string_labels_dataframe_and_partial_fit() -> None:
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = np.where(X[:, 0] + X[:, 1] > 0, "yes", "no")
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    clf = NeuralNetClassifier(
        (8, 8),
        activation=["leaky_relu", "tanh"],
        optimizer="momentum",
        learning_rate=0.05,
        epochs=40,
        dropout=0.1,
        early_stopping=True,
        random_state=1,
    ).fit(frame, y)
    assert list(clf.feature_names_in_) == ["a", "b", "c"]
    assert set(clf.predict(frame)) <= {"yes", "no"} and clf.score(frame, y) > 0.85
    assert clf.validation_loss_curve_ is not None
    assert len(clf.validation_loss_curve_) == clf.n_iter_
    online = NeuralNetClassifier((8,), random_state=0, learning_rate=0.01)
    for start in range(0, 200, 50):
        online.partial_fit(X[start : start + 50], y[start : start + 50], classes=["no", "yes"])
    assert online.n_iter_ == 4 and len(online.loss_curve_) == 4
    with pytest.raises(ValueError, match="classes="):
        NeuralNetClassifier().partial_fit(X, y)
    with pytest.raises(ValueError, match="one per hidden layer"):
        NeuralNetClassifier((4, 4), activation=["relu"]).fit(X, y)
    with pytest.raises(ValueError, match="hidden_layer_sizes"):
        NeuralNetClassifier((0,)).fit(X, y)
    with pytest.raises(ValueError, match="at least 2 classes"):
        NeuralNetClassifier().fit(X, np.zeros(200))
    with pytest.raises(ValueError, match="3 features"):
        online.predict(X[:, :2])


def test_device_option_runs_on_torch_and_matches_numpy() -> None:
    pytest.importorskip("torch")
    X, y = load_breast_cancer(return_X_y=True)
    X = StandardScaler().fit_transform(X)
    options = {"hidden_layer_sizes": (8,), "epochs": 5, "dtype": "float64", "random_state": 0}
    on_numpy = NeuralNetClassifier(**options).fit(X, y)
    on_torch = NeuralNetClassifier(device="torch", **options).fit(X, y)
    assert type(on_torch.network_.params["W1"]).__module__.startswith("torch")
    np.testing.assert_allclose(on_torch.predict_proba(X), on_numpy.predict_proba(X), atol=1e-8)
    import torch

    if not torch.cuda.is_available():
        with pytest.raises(ValueError, match=r"(?i)cuda"):
            NeuralNetClassifier(device="cuda", **options).fit(X, y)
