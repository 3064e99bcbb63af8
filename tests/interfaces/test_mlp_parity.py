"""The drop-ins where scikit-learn's own behaviour is subtle: divergence under early stopping,
the multi-output loss, the Poisson loss, dtypes, ``warm_start`` and scikit-learn's privates."""

from __future__ import annotations

import inspect
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("sklearn")

from scipy.optimize import check_grad
from sklearn import neural_network as sk
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import PoissonRegressor
from sklearn.neural_network._base import squared_loss
from sklearn.neural_network._multilayer_perceptron import _pack

import nndl
from nndl import MLPClassifier, MLPRegressor
from nndl.training.numpy_engine import NumpyEngine
from nndl.training.optimizers import Adam


def _quiet(estimator, *args, **kwargs):  # type: ignore[no-untyped-def]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(*args, **kwargs)


# ------------------------------------------------- divergence under early stopping


DIVERGING = dict(
    hidden_layer_sizes=100,
    activation="identity",
    solver="sgd",
    learning_rate_init=1,
    max_iter=20,
    early_stopping=True,
    random_state=0,
)


def test_a_diverging_fit_with_early_stopping_stops_and_keeps_the_best_weights() -> None:
    """scikit-learn's #29504: the NaN score is recorded, the best parameters are kept."""
    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # scikit-learn's overflow in matmul
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = sk.MLPRegressor(**DIVERGING).fit(X, y)
    with pytest.warns(ConvergenceWarning, match=r"diverged at iteration 5.*iteration 1\) are kept"):
        ours = MLPRegressor(**DIVERGING).fit(X, y)
    assert isinstance(ours.validation_scores_[-1], float) and np.isnan(ours.validation_scores_[-1])
    # the same scores until the divergence, then nndl stops where scikit-learn runs on
    np.testing.assert_allclose(ours.validation_scores_[:4], theirs.validation_scores_[:4])
    assert ours.n_iter_ == len(ours.loss_curve_) == len(ours.validation_scores_) == 5
    assert ours.best_validation_score_ == pytest.approx(theirs.best_validation_score_)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-9)
    assert all(np.isfinite(c).all() for c in ours.coefs_ + ours.intercepts_)


def test_a_non_finite_cost_mid_epoch_keeps_the_best_weights() -> None:
    """The cost overflows inside the first epoch: that epoch records NaN, and the initial
    parameters (the only finite ones scored) are kept; the error's reason is in the warning."""
    X, y = load_iris(return_X_y=True)
    options = {**DIVERGING, "learning_rate_init": 1e4, "batch_size": 10, "activation": "relu"}
    with pytest.warns(ConvergenceWarning, match=r"cost became .* the initial parameters are kept"):
        ours = MLPRegressor(**options).fit(X, y)
    assert ours.n_iter_ == 1 and np.isnan(ours.loss_curve_[0])
    assert np.isnan(ours.validation_scores_[0]) and ours.best_validation_score_ is None
    assert all(np.isfinite(c).all() for c in ours.coefs_)
    assert np.isfinite(ours.predict(X)).all()


def test_a_diverging_fit_without_early_stopping_raises_clearly() -> None:
    X, y = load_iris(return_X_y=True)
    options = {**DIVERGING, "early_stopping": False, "learning_rate_init": 1e4}
    with pytest.raises(ValueError, match=r"non-finite parameter weights.*learning rate"):
        MLPRegressor(**options).fit(X, y)


# ------------------------------------------------------- multi-output regression


@pytest.mark.parametrize(
    "options",
    [
        {"solver": "adam", "learning_rate_init": 0.01, "tol": 1e-3},
        {"solver": "sgd", "learning_rate_init": 1e-3, "tol": 1e-2, "alpha": 0.1},
    ],
)
def test_multi_output_loss_is_sklearns_mean_and_stops_where_sklearn_stops(options) -> None:  # type: ignore[no-untyped-def]
    X, y = make_regression(200, 10, n_targets=4, random_state=0)
    both = dict(hidden_layer_sizes=(16,), shuffle=False, random_state=0, max_iter=300, **options)
    ours = _quiet(MLPRegressor(**both), X, y / 100)
    theirs = _quiet(sk.MLPRegressor(**both), X, y / 100)
    assert ours.n_iter_ == theirs.n_iter_ < 300  # tol compared with the same loss
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    assert ours.best_loss_ == pytest.approx(theirs.best_loss_, rel=1e-10)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-8, atol=1e-10)


def test_multi_output_lbfgs_reports_the_mean_at_a_consistent_optimum() -> None:
    """L-BFGS minimizes the cost whose gradient it is given (scikit-learn pairs the mean's
    value with the sum's gradient, its #8349); loss_ is scikit-learn's formula there."""
    X, y = make_regression(100, 5, n_targets=3, random_state=0)
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(X))
    ours = _quiet(
        MLPRegressor(
            hidden_layer_sizes=(8,), solver="lbfgs", alpha=1.0, max_iter=50, random_state=0
        ),
        X,
        y,
        w,
    )
    penalty = 0.5 * 1.0 * sum(float((c**2).sum()) for c in ours.coefs_) / w.sum()
    expected = squared_loss(y, ours.predict(X), sample_weight=w) + penalty
    assert ours.loss_ == pytest.approx(expected, rel=1e-9)


# ------------------------------------------------------------------- Poisson


def test_poisson_engine_gradient_matches_finite_differences() -> None:
    """The NumPy engine's weighted Poisson cost and gradient (dZ = e^Z − Y) on the flat θ."""
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(3, 20)), rng.poisson(2.0, size=(2, 20)).astype(float)
    net = nndl.Network([3, 4, 2], activations="tanh", output="exponential", seed=0, dtype="float64")
    engine = NumpyEngine(
        net, Adam(), X, Y, 20, False, [1.0], sample_weight=rng.uniform(0.5, 2.0, 20)
    )
    net.l2 = 0.3
    theta = engine.theta.astype(np.float64)
    grad = engine.cost_and_gradient(theta)[1]
    h, numeric = 1e-6, np.empty_like(theta)
    for i in range(theta.size):
        step = np.zeros_like(theta)
        step[i] = h
        numeric[i] = (
            engine.cost_and_gradient(theta + step)[0] - engine.cost_and_gradient(theta - step)[0]
        ) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


def test_poisson_with_one_linear_unit_is_the_poisson_glm() -> None:
    """scikit-learn's test_mlp_vs_poisson_glm_equivalent: the log link, fitted by L-BFGS."""
    rng = np.random.default_rng(0)
    X = np.linspace(0, 1, 100).reshape(-1, 1)
    y = rng.poisson(np.exp(X[:, 0] + 1))
    glm = PoissonRegressor(alpha=0, tol=1e-7).fit(X, y)
    options = dict(hidden_layer_sizes=(1,), activation="identity", alpha=0, tol=1e-7)
    mlp = MLPRegressor(loss="poisson", solver="lbfgs", random_state=1, **options).fit(X, y)
    assert mlp.out_activation_ == "exp"
    np.testing.assert_allclose(mlp.predict(X), glm.predict(X), rtol=1e-4)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_poisson_follows_sklearn(solver: str) -> None:
    rng = np.random.default_rng(1)
    X = rng.normal(size=(150, 4))
    y = np.c_[rng.poisson(np.exp(X[:, :2] @ [0.5, -0.3])), rng.poisson(2.0, 150)]
    w = rng.uniform(0.5, 2.0, 150)
    both = dict(loss="poisson", hidden_layer_sizes=(8,), solver=solver, shuffle=False)
    both.update(random_state=0, max_iter=15, learning_rate_init=0.01)
    ours, theirs = _quiet(MLPRegressor(**both), X, y, w), _quiet(sk.MLPRegressor(**both), X, y, w)
    np.testing.assert_allclose(ours.loss_curve_, theirs.loss_curve_, rtol=1e-10)
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=1e-8)
    with pytest.raises(ValueError, match=r"loss='poisson' needs targets y >= 0"):
        MLPRegressor(**both).fit(X, y - 1.0)


# ------------------------------------------------------------------- dtypes


@pytest.mark.parametrize("fit_dtype", [np.float32, np.float64])
@pytest.mark.parametrize("predict_dtype", [np.float32, np.float64])
def test_outputs_have_sklearns_dtype(fit_dtype, predict_dtype) -> None:  # type: ignore[no-untyped-def]
    """X @ W promotes: float64 input gives float64 from a float32 network; float32 stays."""
    X, y = load_iris(return_X_y=True)
    small = dict(hidden_layer_sizes=(4,), max_iter=2, random_state=0)
    Xf, Xp = X.astype(fit_dtype), X.astype(predict_dtype)
    for ours, theirs, method in (
        (MLPClassifier(**small), sk.MLPClassifier(**small), "predict_proba"),
        (MLPRegressor(**small), sk.MLPRegressor(**small), "predict"),
    ):
        _quiet(ours, Xf, y)
        _quiet(theirs, Xf, y)
        assert ours.coefs_[0].dtype == theirs.coefs_[0].dtype == fit_dtype
        got, expected = getattr(ours, method)(Xp), getattr(theirs, method)(Xp)
        assert got.dtype == expected.dtype == np.result_type(fit_dtype, predict_dtype)
        np.testing.assert_allclose(
            got, expected, rtol=1e-4 if np.float32 in (fit_dtype, predict_dtype) else 1e-9
        )


# ------------------------------------------------------------------ warm_start


def test_warm_start_with_other_hidden_sizes_is_refused_clearly() -> None:
    """scikit-learn keeps the old network without a word; nndl says what to do."""
    X, y = load_iris(return_X_y=True)
    model = _quiet(MLPClassifier(hidden_layer_sizes=(8,), max_iter=3, warm_start=True), X, y)
    before = [c.copy() for c in model.coefs_]
    model.set_params(hidden_layer_sizes=(16, 4))
    with pytest.raises(
        ValueError, match=r"hidden layer sizes \(8,\); this call asks for \(16, 4\)"
    ):
        model.fit(X, y)
    for a, b in zip(model.coefs_, before, strict=True):  # the fitted network is untouched
        np.testing.assert_array_equal(a, b)
    model.set_params(hidden_layer_sizes=(8,))
    _quiet(model, X, y)  # back to its sizes, it continues
    assert model.n_iter_ == 3 and model.coefs_[0].shape == (4, 8)
    model.set_params(hidden_layer_sizes=(16, 4), warm_start=False)
    assert _quiet(model, X, y).coefs_[1].shape == (16, 4)
    partial = MLPRegressor(hidden_layer_sizes=(5,)).partial_fit(X, y)
    with pytest.raises(ValueError, match="set warm_start=False"):
        partial.set_params(hidden_layer_sizes=(6,)).partial_fit(X, y)


# ------------------------------------------------------- scikit-learn's privates


@pytest.mark.parametrize(
    ("solver", "schedule"), [("sgd", "adaptive"), ("sgd", "invscaling"), ("adam", "constant")]
)
def test_optimizer_learning_rate_is_sklearns(solver: str, schedule: str) -> None:
    X, y = load_iris(return_X_y=True)
    both = dict(hidden_layer_sizes=(5,), solver=solver, learning_rate=schedule, shuffle=False)
    both.update(max_iter=40, random_state=0, tol=1e-2, n_iter_no_change=2)
    ours, theirs = _quiet(MLPClassifier(**both), X, y), _quiet(sk.MLPClassifier(**both), X, y)
    assert ours._optimizer.learning_rate == pytest.approx(theirs._optimizer.learning_rate)
    assert ours._optimizer.learning_rate != ours.learning_rate_init  # it did change


def test_optimizer_learning_rate_set_between_partial_fits() -> None:
    X, y = load_iris(return_X_y=True)
    sgd = MLPRegressor(hidden_layer_sizes=(4,), solver="sgd", momentum=0.0, random_state=0)
    model = sgd.partial_fit(X, y)
    model._optimizer.learning_rate = 1e-9  # the steps after it: 1e-9 · ∇J
    before = [c.copy() for c in model.coefs_]
    model.partial_fit(X, y)
    assert model._optimizer.learning_rate == 1e-9
    assert max(float(np.abs(a - b).max()) for a, b in zip(model.coefs_, before, strict=True)) < 1e-6
    adam = MLPRegressor(hidden_layer_sizes=(4,), random_state=0).partial_fit(X, y)
    with pytest.raises(AttributeError, match="learning_rate_init"):
        adam._optimizer.learning_rate = 0.1
    lbfgs = MLPRegressor(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=2)
    assert not hasattr(_quiet(lbfgs, X, y), "_optimizer")  # as scikit-learn's


@pytest.mark.parametrize("estimator", ["classifier", "regressor"])
def test_loss_grad_lbfgs_is_sklearns(estimator: str) -> None:
    X, y = make_regression(50, 4, random_state=0)
    if estimator == "classifier":
        y = np.arange(50) % 3
    ours_cls, theirs_cls = (
        (MLPClassifier, sk.MLPClassifier)
        if estimator == "classifier"
        else (MLPRegressor, sk.MLPRegressor)
    )
    both = dict(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=5, random_state=0, alpha=0.3)
    ours, theirs = _quiet(ours_cls(**both), X, y), _quiet(theirs_cls(**both), X, y)
    packed = _pack(theirs.coefs_, theirs.intercepts_)
    Y = theirs._label_binarizer.transform(y) if estimator == "classifier" else y.reshape(-1, 1)
    w = np.linspace(0.5, 2.0, 50)
    buffers = [[X, None, None], [None] * 2, [None] * 2, [None] * 2]  # its scratch lists
    loss, grad = ours._loss_grad_lbfgs(packed, X, Y, w, *buffers)
    expected_loss, expected_grad = theirs._loss_grad_lbfgs(packed, X, Y, w, *buffers)
    assert loss == pytest.approx(expected_loss, rel=1e-12)
    np.testing.assert_allclose(grad, expected_grad, rtol=1e-9, atol=1e-12)
    # and, as _unpack does, the estimator now has those weights
    np.testing.assert_allclose(_pack(ours.coefs_, ours.intercepts_), packed)
    np.testing.assert_allclose(ours.predict(X[:5]), theirs.predict(X[:5]), rtol=1e-10)


def test_loss_grad_lbfgs_is_a_consistent_pair_for_several_outputs() -> None:
    X, y = make_regression(30, 3, n_targets=3, random_state=0)
    model = _quiet(MLPRegressor(hidden_layer_sizes=(4,), solver="lbfgs", max_iter=3), X, y / 50)
    x0 = _pack(model.coefs_, model.intercepts_)
    error = check_grad(
        lambda p: model._loss_grad_lbfgs(p, X, y / 50)[0],
        lambda p: model._loss_grad_lbfgs(p, X, y / 50)[1],
        x0,
    )
    assert error < 1e-5 * np.linalg.norm(model._loss_grad_lbfgs(x0, X, y / 50)[1])


# --------------------------------------------------------------- BLAS threads


def test_small_networks_train_on_one_blas_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    threadpoolctl = pytest.importorskip("threadpoolctl")
    from nndl.arrays.threads import small_products
    from nndl.estimators import _core

    assert small_products([30, 100, 2], 200) and not small_products([784, 256, 10], 256)
    seen: list[list[int]] = []
    train = _core.train

    def watching(*args, **kwargs):  # type: ignore[no-untyped-def]
        info = threadpoolctl.threadpool_info()
        seen.append([i["num_threads"] for i in info if i["user_api"] == "blas"])
        return train(*args, **kwargs)

    monkeypatch.setattr(_core, "train", watching)
    X, y = load_iris(return_X_y=True)
    before = [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    _quiet(MLPClassifier(hidden_layer_sizes=(10,), max_iter=2), X, y)
    _quiet(MLPClassifier(hidden_layer_sizes=(10,), solver="lbfgs", max_iter=2), X, y)
    assert seen and all(threads == [1] * len(threads) for threads in seen)
    after = [i["num_threads"] for i in threadpoolctl.threadpool_info() if i["user_api"] == "blas"]
    assert after == before  # restored


def test_the_html_repr_links_to_the_api_reference() -> None:
    from nndl.estimators._mlp import DOCS_SITE

    page = Path(__file__).resolve().parents[2] / "docs" / "api" / "estimators.md"
    assert "::: nndl.estimators" in page.read_text(encoding="utf-8")  # the entries linked to
    for estimator in (MLPClassifier(), MLPRegressor(loss="poisson")):
        link = f"{DOCS_SITE}api/estimators.html#nndl.estimators.{type(estimator).__name__}"
        assert estimator._get_doc_link() == link
        assert f'href="{link}"' in estimator._repr_html_()


@pytest.mark.parametrize("estimator", [MLPClassifier, MLPRegressor])
def test_docstrings_document_every_parameter_and_attribute(estimator) -> None:  # type: ignore[no-untyped-def]
    """numpydoc sections: every parameter of __init__ in order, every fitted attribute."""
    doc = estimator.__doc__
    sections = re.split(r"\n    (\w[\w ]*)\n    -+\n", doc)
    named = dict(zip(sections[1::2], sections[2::2], strict=True))
    assert {"Parameters", "Attributes", "See Also", "Notes", "Examples"} <= set(named)
    documented = re.findall(r"^    (\w+) : ", named["Parameters"], flags=re.MULTILINE)
    assert documented == list(inspect.signature(estimator).parameters)
    X, y = load_iris(return_X_y=True)
    fitted = _quiet(estimator(hidden_layer_sizes=(3,), max_iter=2), X, y)
    attributes = re.findall(r"^    (\w+) : ", named["Attributes"], flags=re.MULTILINE)
    public = {k for k in vars(fitted) if k.endswith("_") and not k.startswith("_")}
    assert public <= set(attributes)


@pytest.mark.parametrize(
    "name",
    [
        f"nndl.{cls}{method}"
        for cls in ("MLPClassifier", "MLPRegressor")
        for method in ("", ".fit", ".partial_fit")
    ],
)
def test_numpydoc_validates_the_docstrings(name: str) -> None:
    validate = pytest.importorskip("numpydoc.validate")
    assert validate.validate(name)["errors"] == []
