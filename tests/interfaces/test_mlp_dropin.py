"""The drop-ins against scikit-learn's MLPs: the same numbers, attributes, rules and errors."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest

pytest.importorskip("sklearn")
sparse = pytest.importorskip("scipy.sparse")

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from sklearn import neural_network as sk  # noqa: E402
from sklearn.datasets import load_digits, make_multilabel_classification  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402

import nndl  # noqa: E402
from nndl import MLPClassifier, MLPRegressor  # noqa: E402
from nndl.estimators import _base  # noqa: E402


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_digits(return_X_y=True)
    return X[:600] / 16.0, y[:600]


def _quiet(estimator, *args, **kwargs):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(*args, **kwargs)


# ------------------------------------------------------------- equivalence


@pytest.mark.parametrize("nesterov", [True, False])
def test_sgd_without_shuffling_learns_what_sklearn_learns(digits, nesterov) -> None:  # type: ignore[no-untyped-def]
    X, y = digits
    options = dict(
        hidden_layer_sizes=(20,),
        solver="sgd",
        learning_rate_init=0.05,
        nesterovs_momentum=nesterov,
        alpha=1e-3,
        batch_size=64,
        shuffle=False,
        max_iter=8,
        random_state=3,
    )
    ours, theirs = _quiet(MLPClassifier(**options), X, y), _quiet(sk.MLPClassifier(**options), X, y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    for a, b in zip(
        ours.coefs_ + ours.intercepts_, theirs.coefs_ + theirs.intercepts_, strict=True
    ):
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-9)
    assert ours.t_ == theirs.t_ == 8 * len(X) and ours.n_iter_ == theirs.n_iter_ == 8


def test_adam_and_the_schedules_follow_sklearn(digits) -> None:  # type: ignore[no-untyped-def]
    X, y = digits
    for options in (
        {"solver": "adam"},
        {"solver": "sgd", "learning_rate": "invscaling", "learning_rate_init": 0.5},
        {"solver": "sgd", "learning_rate": "adaptive", "tol": 10.0, "n_iter_no_change": 1},
    ):
        both = dict(hidden_layer_sizes=(16,), shuffle=False, max_iter=6, random_state=0, **options)
        ours = _quiet(MLPClassifier(**both), X, y)
        theirs = _quiet(sk.MLPClassifier(**both), X, y)
        np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-9)
        assert ours.n_iter_ == theirs.n_iter_


def test_lbfgs_reaches_sklearns_optimum(digits) -> None:  # type: ignore[no-untyped-def]
    X, y = digits
    both = dict(hidden_layer_sizes=(10,), solver="lbfgs", max_iter=60, random_state=1)
    ours, theirs = _quiet(MLPClassifier(**both), X, y), _quiet(sk.MLPClassifier(**both), X, y)
    assert ours.loss_ == pytest.approx(theirs.loss_, rel=1e-3)
    assert ours.n_iter_ == theirs.n_iter_ == 60
    assert not hasattr(ours, "loss_curve_") and not hasattr(theirs, "loss_curve_")
    with pytest.warns(ConvergenceWarning, match="lbfgs failed to converge"):
        MLPClassifier(**{**both, "max_iter": 3}).fit(X, y)


def test_regression_and_multilabel_match_sklearn() -> None:
    rng = np.random.default_rng(0)
    X = rng.normal(size=(150, 6))
    y = X @ rng.normal(size=6) + 0.1 * rng.normal(size=150)
    both = dict(hidden_layer_sizes=(8,), solver="sgd", shuffle=False, max_iter=5, random_state=0)
    ours, theirs = _quiet(MLPRegressor(**both), X, y), _quiet(sk.MLPRegressor(**both), X, y)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    assert ours.predict(X).shape == (150,) and ours.out_activation_ == "identity"
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-8)
    Xm, Ym = make_multilabel_classification(n_samples=120, n_classes=4, random_state=0)
    ours, theirs = _quiet(MLPClassifier(**both), Xm, Ym), _quiet(sk.MLPClassifier(**both), Xm, Ym)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    assert ours.out_activation_ == "logistic" and ours.n_outputs_ == 4
    assert list(ours.classes_) == [0, 1, 2, 3]
    np.testing.assert_array_equal(ours.predict(Xm), theirs.predict(Xm))
    assert ours.predict_proba(Xm).shape == (120, 4)


def test_early_stopping_keeps_sklearns_split_scores_and_best_weights(digits) -> None:  # type: ignore[no-untyped-def]
    X, y = digits
    both = dict(
        hidden_layer_sizes=(16,),
        solver="sgd",
        learning_rate_init=0.2,
        shuffle=False,
        early_stopping=True,
        n_iter_no_change=3,
        max_iter=200,
        random_state=0,
    )
    ours, theirs = MLPClassifier(**both).fit(X, y), sk.MLPClassifier(**both).fit(X, y)
    assert ours.n_iter_ == theirs.n_iter_ < 200
    np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_)
    assert ours.best_validation_score_ == max(ours.validation_scores_)
    assert ours.best_loss_ is None
    np.testing.assert_allclose(ours.coefs_[0], theirs.coefs_[0], rtol=1e-7, atol=1e-9)
    with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
        MLPClassifier(early_stopping=True).partial_fit(X, y, classes=np.arange(10))


# ---------------------------------------------------- attributes and rules


def test_fitted_attributes_have_sklearns_shapes(digits) -> None:  # type: ignore[no-untyped-def]
    X, y = digits
    clf = _quiet(MLPClassifier((32, 16), max_iter=3, random_state=0), X, y)
    assert [c.shape for c in clf.coefs_] == [(64, 32), (32, 16), (16, 10)]
    assert [b.shape for b in clf.intercepts_] == [(32,), (16,), (10,)]
    assert clf.n_layers_ == 4 and clf.n_outputs_ == 10 and clf.out_activation_ == "softmax"
    assert clf.n_features_in_ == 64 and list(clf.classes_) == list(range(10))
    assert len(clf.loss_curve_) == clf.n_iter_ == 3 and clf.loss_ == clf.loss_curve_[-1]
    assert clf.best_loss_ == min(clf.loss_curve_) and clf.t_ == 3 * len(X)
    assert clf.validation_scores_ is None and clf.best_validation_score_ is None
    assert isinstance(clf.network_, nndl.Network)
    binary = _quiet(MLPClassifier((4,), max_iter=2, random_state=0), X, y % 2)
    assert binary.n_outputs_ == 1 and binary.out_activation_ == "logistic"
    assert binary.predict_proba(X).shape == (len(X), 2)


def test_stopping_rule_and_convergence_warning(digits) -> None:  # type: ignore[no-untyped-def]
    X, y = digits
    with pytest.warns(ConvergenceWarning, match=r"Maximum iterations \(2\)"):
        MLPClassifier((8,), max_iter=2, random_state=0).fit(X, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        stopped = MLPClassifier((8,), tol=10.0, n_iter_no_change=2, random_state=0).fit(X, y)
    # the first epoch improves on best_loss_ = inf; no later one by 10: the count is 3 > 2
    # after the fourth
    assert stopped.n_iter_ == 4
    assert (
        sk.MLPClassifier((8,), tol=10.0, n_iter_no_change=2, random_state=0).fit(X, y).n_iter_ == 4
    )


def test_float32_stays_float32_and_reaches_the_engine_without_a_copy(digits, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    X, y = digits
    seen = {}
    real_fit = _base.training.fit

    def spy(network, XT, Y, **options):  # type: ignore[no-untyped-def]
        seen["X"] = XT
        return real_fit(network, XT, Y, **options)

    monkeypatch.setattr(_base.training, "fit", spy)
    for dtype in (np.float32, np.float64):
        data = np.ascontiguousarray(X, dtype=dtype)
        clf = _quiet(MLPClassifier((8,), max_iter=1, random_state=0), data, y)
        assert np.shares_memory(seen["X"], data)
        assert clf.coefs_[0].dtype == dtype and clf.network_.dtype == np.dtype(dtype).name
        assert clf.predict_proba(data).dtype == dtype
        course = nndl.NeuralNetClassifier((8,), epochs=1, dtype=np.dtype(dtype).name).fit(data, y)
        assert np.shares_memory(seen["X"], data) and course.network_.dtype == np.dtype(dtype).name


def test_partial_fit_and_warm_start_continue(digits) -> None:  # type: ignore[no-untyped-def]
    X, y = digits
    both = dict(hidden_layer_sizes=(8,), solver="sgd", shuffle=False, random_state=0)
    ours, theirs = MLPClassifier(**both), sk.MLPClassifier(**both)
    for _ in range(3):
        ours.partial_fit(X, y, classes=np.arange(10))
        theirs.partial_fit(X, y, classes=np.arange(10))
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    assert ours.n_iter_ == 1 and ours.t_ == 3 * len(X)
    with pytest.raises(ValueError, match="classes"):
        MLPClassifier().partial_fit(X, y)
    with pytest.raises(AttributeError, match="partial_fit"):
        MLPClassifier(solver="lbfgs").partial_fit  # noqa: B018
    warm = _quiet(MLPClassifier((8,), max_iter=2, warm_start=True, random_state=0), X, y)
    first = [c.copy() for c in warm.coefs_]
    _quiet(warm, X, y)
    assert len(warm.loss_curve_) == 4 and warm.n_iter_ == 2
    assert warm.loss_curve_[2] < warm.loss_curve_[0]
    assert not np.allclose(first[0], warm.coefs_[0])
    with pytest.raises(ValueError, match="same classes"):
        warm.fit(X, y % 3)


def test_sample_weight_is_repetition_and_class_weight_is_sample_weight(digits) -> None:  # type: ignore[no-untyped-def]
    X, y = digits
    X, y = X[:200], y[:200]
    w = np.random.default_rng(0).integers(0, 3, size=len(X))
    options = dict(hidden_layer_sizes=(8,), solver="lbfgs", max_iter=30, random_state=0)
    weighted = _quiet(MLPClassifier(**options), X, y, sample_weight=w)
    repeated = _quiet(MLPClassifier(**options), np.repeat(X, w, axis=0), np.repeat(y, w))
    np.testing.assert_allclose(weighted.predict_proba(X), repeated.predict_proba(X), atol=1e-6)
    theirs = _quiet(sk.MLPClassifier(**options), X, y, sample_weight=w)
    assert weighted.loss_ == pytest.approx(theirs.loss_, rel=1e-3)
    yb = (y == 0).astype(int)
    balanced = _quiet(
        MLPClassifier((8,), class_weight="balanced", max_iter=3, random_state=0), X, yb
    )
    from sklearn.utils import compute_sample_weight

    by_hand = _quiet(
        MLPClassifier((8,), max_iter=3, random_state=0),
        X,
        yb,
        sample_weight=compute_sample_weight("balanced", yb),
    )
    np.testing.assert_allclose(balanced.loss_curve_, by_hand.loss_curve_)


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_sparse_input_learns_what_dense_input_learns(digits, solver) -> None:  # type: ignore[no-untyped-def]
    X, y = digits
    options = dict(hidden_layer_sizes=(8,), solver=solver, max_iter=4, random_state=0)
    dense = _quiet(MLPClassifier(**options), X, y)
    for fmt in (sparse.csr_matrix, sparse.csc_matrix):
        on_sparse = _quiet(MLPClassifier(**options), fmt(X), y)
        np.testing.assert_allclose(on_sparse.coefs_[0], dense.coefs_[0], rtol=1e-9, atol=1e-12)
        np.testing.assert_allclose(on_sparse.predict_proba(fmt(X)), dense.predict_proba(X))


# ------------------------------------------------------------- validation

BAD = [
    ("hidden_layer_sizes", (0,)),
    ("activation", "softplus"),
    ("activation", ["relu", "relu"]),
    ("solver", "newton"),
    ("alpha", -1.0),
    ("batch_size", 0),
    ("learning_rate", "cyclic"),
    ("learning_rate_init", 0.0),
    ("power_t", -0.5),
    ("max_iter", 0),
    ("shuffle", "yes"),
    ("random_state", "seed"),
    ("tol", -1.0),
    ("warm_start", 1.5),
    ("momentum", 1.5),
    ("nesterovs_momentum", "no"),
    ("early_stopping", "no"),
    ("validation_fraction", 1.0),
    ("beta_1", 1.0),
    ("beta_2", -0.1),
    ("epsilon", 0.0),
    ("n_iter_no_change", 0),
    ("max_fun", 0),
    ("dropout", 1.0),
    ("init", "orthogonal"),
    ("class_weight", "uniform"),
]


@pytest.mark.parametrize(("name", "value"), BAD)
def test_every_parameter_is_validated_at_fit(digits, name, value) -> None:  # type: ignore[no-untyped-def]
    X, y = digits
    clf = MLPClassifier(**{"hidden_layer_sizes": (4,), "max_iter": 1, name: value})
    with pytest.raises(ValueError, match=name if name != "activation" else "activation"):
        clf.fit(X, y)


def test_regressor_parameters_and_loss(digits) -> None:  # type: ignore[no-untyped-def]
    X, y = digits
    with pytest.raises(ValueError, match="loss"):
        MLPRegressor(loss="huber").fit(X, y.astype(float))
    assert MLPRegressor().get_params() == {
        **{k: v for k, v in sk.MLPRegressor().get_params().items()},
        "dropout": 0.0,
        "init": "glorot_uniform",
        "device": None,
    }
    assert MLPClassifier().get_params() == {
        **sk.MLPClassifier().get_params(),
        "dropout": 0.0,
        "init": "glorot_uniform",
        "class_weight": None,
        "device": None,
    }


# --------------------------------------------------------------- extras


def test_extras_dropout_per_layer_activations_and_inits_train(digits) -> None:  # type: ignore[no-untyped-def]
    X, y = digits
    clf = _quiet(
        MLPClassifier(
            (32, 16),
            activation=["leaky_relu", "tanh"],
            dropout=[0.2, 0.0],
            init="he",
            max_iter=30,
            random_state=0,
        ),
        X,
        y,
    )
    assert clf.score(X, y) > 0.7  # ten classes: chance is 0.1
    assert [g.name for g in clf.network_.activations] == ["leaky_relu", "tanh", "softmax"]
    plain = _quiet(MLPClassifier((32, 16), init="he", max_iter=3, random_state=0), X, y)
    dropped = _quiet(
        MLPClassifier((32, 16), init="he", dropout=0.5, max_iter=3, random_state=0), X, y
    )
    assert dropped.loss_curve_ != plain.loss_curve_
    zeros = MLPClassifier((4,), init="zeros", max_iter=1, random_state=0)
    _quiet(zeros, X, y)
    assert np.ptp(zeros.coefs_[0], axis=1).max() == 0.0  # the symmetry the course warns of


def test_device_option_runs_on_torch() -> None:
    pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 4))
    y = (X[:, 0] > 0).astype(int)
    options = dict(hidden_layer_sizes=(8,), max_iter=3, random_state=0, shuffle=False)
    on_torch = _quiet(MLPClassifier(device="torch", **options), X, y)
    on_numpy = _quiet(MLPClassifier(**options), X, y)
    assert type(on_torch.network_.params["W1"]).__module__.startswith("torch")
    np.testing.assert_allclose(on_torch.loss_curve_, on_numpy.loss_curve_, rtol=1e-6)


@settings(max_examples=15, deadline=None)
@given(
    m=st.integers(4, 40),
    n=st.integers(1, 6),
    hidden=st.lists(st.integers(1, 6), max_size=2),
    n_classes=st.integers(2, 4),
    dtype=st.sampled_from([np.float32, np.float64]),
)
def test_shapes_and_dtypes(m, n, hidden, n_classes, dtype) -> None:  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(m * n)
    X = rng.normal(size=(m, n)).astype(dtype)
    y = np.arange(m) % n_classes
    clf = _quiet(MLPClassifier(tuple(hidden), max_iter=2, random_state=0), X, y)
    dims = [n, *hidden, 1 if n_classes == 2 else n_classes]
    assert [c.shape for c in clf.coefs_] == list(itertools.pairwise(dims))
    proba = clf.predict_proba(X)
    assert proba.shape == (m, n_classes) and proba.dtype == dtype
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)
    reg = _quiet(
        MLPRegressor(hidden_layer_sizes=tuple(hidden), max_iter=2, random_state=0),
        X,
        np.column_stack([X[:, 0], X.sum(axis=1)]),
    )
    assert reg.predict(X).shape == (m, 2) and reg.predict(X).dtype == dtype
