"""One estimator family: the course's estimators and scikit-learn's drop-ins are front-ends
over one core, with one validation split and one stopping rule, whose state the training
run owns (nothing under nndl/training reads an estimator's private attributes)."""

from __future__ import annotations

import ast
import math
import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

pytest.importorskip("sklearn")

from sklearn.datasets import load_breast_cancer, load_digits
from sklearn.exceptions import ConvergenceWarning

import nndl
from nndl.estimators import _core
from nndl.training.plateau import Plateau
from nndl.training.trainer import evaluate

SRC = Path(nndl.__file__).resolve().parent
ESTIMATORS = [
    nndl.NeuralNetClassifier,
    nndl.NeuralNetRegressor,
    nndl.LogisticRegression,
    nndl.MLPClassifier,
    nndl.MLPRegressor,
]


@pytest.fixture(scope="module")
def cancer() -> tuple[np.ndarray, np.ndarray]:
    X, y = load_breast_cancer(return_X_y=True)
    return (X - X.mean(axis=0)) / X.std(axis=0), y


def _quiet(estimator: Any, *args: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return estimator.fit(*args)


def stops_at(values: list[float], tol: float, n_iter_no_change: int, greater: bool) -> int:
    """The epoch (1-based) at which the plateau rule stops, written out from its definition:
    an epoch that does not beat the best by more than ``tol`` counts; an improving one resets
    the count; training stops once the count exceeds ``n_iter_no_change``.  0: it never does."""
    best, count = -math.inf, 0
    for epoch, value in enumerate(values, start=1):
        score = value if greater else -value
        count = count + 1 if score < best + tol else 0
        best = max(best, score)
        if count > n_iter_no_change:
            return epoch
    return 0


def test_every_estimator_is_a_front_end_over_the_one_core() -> None:
    for cls in ESTIMATORS:
        assert issubclass(cls, _core.Core)
        # the fitting, stopping, publishing and prediction are the core's, not redefined
        for name in ("_fit", "_fit_stochastic", "_fit_lbfgs", "_publish", "_forward_pass_fast"):
            assert getattr(cls, name) is getattr(_core.Core, name), (cls, name)
    assert nndl.NeuralNetClassifier.predict_proba is nndl.MLPClassifier.predict_proba
    assert nndl.NeuralNetRegressor._validate_input is nndl.MLPRegressor._validate_input


def test_both_families_hold_out_the_same_rows_with_the_same_options(cancer, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    X, y = cancer
    held_out = []
    real = _core.split_validation

    def spy(*args: Any, **kwargs: Any) -> Any:
        parts = real(*args, **kwargs)
        held_out.append(parts[3])
        return parts

    monkeypatch.setattr(_core, "split_validation", spy)
    options = {"validation_fraction": 0.2, "early_stopping": True, "random_state": 3}
    # glorot_uniform: the course's estimator draws its first weights as the drop-in does, so
    # the random state reaches the split in the same place
    course = nndl.NeuralNetClassifier((8,), init="glorot_uniform", epochs=5, **options)
    dropin = nndl.MLPClassifier((8,), max_iter=5, **options)
    _quiet(course, X, y)
    _quiet(dropin, X, y)
    assert len(held_out) == 2
    assert held_out[0].shape == (math.ceil(0.2 * len(X)), X.shape[1])
    np.testing.assert_array_equal(held_out[0], held_out[1])
    regressor = nndl.NeuralNetRegressor((4,), epochs=3, **options)
    _quiet(regressor, X, y.astype(float))
    assert len(held_out) == 3  # the regressors too
    tiny = {**options, "validation_fraction": 0.1}  # one example of ten
    with pytest.raises(ValueError, match="validation set is too small"):
        nndl.NeuralNetRegressor((4,), epochs=2, **tiny).fit(X[:10], np.arange(10.0))


def test_both_families_train_with_one_plateau_rule(cancer, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    X, y = cancer
    rules = []
    real = _core.train

    def spy(network: Any, X: Any, Y: Any, options: Any) -> Any:
        rules.append([cb for cb in options.callbacks if isinstance(cb, Plateau)])
        return real(network, X, Y, options)

    monkeypatch.setattr(_core, "train", spy)
    _quiet(nndl.NeuralNetClassifier((4,), epochs=3, random_state=0), X, y)
    _quiet(nndl.NeuralNetRegressor((4,), epochs=3, random_state=0), X, y.astype(float))
    _quiet(nndl.MLPClassifier((4,), max_iter=3, random_state=0), X, y)
    _quiet(
        nndl.MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, random_state=0), X, y.astype(float)
    )
    assert [len(found) for found in rules] == [1, 1, 1, 1]
    course, _, dropin, _ = (found[0] for found in rules)
    assert course.n_iter_no_change is None  # the course's estimators stop only when asked
    assert dropin.n_iter_no_change == 10 and dropin.tol == 1e-4


@pytest.mark.parametrize("patience", [1, 3])
def test_both_families_stop_by_the_same_rule(patience: int, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    X, y = load_digits(return_X_y=True)
    X = X[:500] / 16.0
    y = y[:500]
    held_out = []
    real = _core.split_validation

    def spy(*args: Any, **kwargs: Any) -> Any:
        parts = real(*args, **kwargs)
        held_out.append(parts[3:5])
        return parts

    monkeypatch.setattr(_core, "split_validation", spy)
    course = nndl.NeuralNetClassifier(
        (16,),
        optimizer="gd",
        learning_rate=2.0,  # large enough to overshoot, so that the validation cost rises
        epochs=80,
        batch_size=50,
        early_stopping=True,
        patience=patience,
        random_state=0,
    ).fit(X, y)
    dropin = _quiet(
        nndl.MLPClassifier(
            (16,),
            solver="sgd",
            learning_rate_init=0.5,
            momentum=0.0,
            max_iter=80,
            early_stopping=True,
            n_iter_no_change=patience,
            tol=0.0,
            random_state=0,
        ),
        X,
        y,
    )
    # one rule, read off each family's published curve: the course's watches the
    # validation cost (lower is better), the drop-in's the validation accuracy
    curve = course.validation_loss_curve_
    assert len(curve) == course.n_iter_ == len(course.loss_curve_)
    assert stops_at(curve, 0.0, patience, greater=False) == course.n_iter_ < 80
    scores = dropin.validation_scores_
    assert len(scores) == dropin.n_iter_
    assert stops_at(scores, 0.0, patience, greater=True) == dropin.n_iter_ < 80
    # both end at the parameters of their best validation epoch
    X_val, Y_val = held_out[0]
    net = course.network_
    cost, _ = evaluate(net, X_val.T, np.asarray(Y_val.T, dtype=np.float64))
    assert cost == pytest.approx(min(curve), rel=1e-9)
    assert dropin.best_validation_score_ == max(scores)
    assert dropin.score(*_as_labels(held_out[1], dropin)) == max(scores)


def _as_labels(part: Any, estimator: Any) -> tuple[np.ndarray, np.ndarray]:
    X_val, Y_val = part
    return X_val, estimator._label_binarizer.inverse_transform(Y_val)


def _private_names_of_estimators() -> set[str]:
    """Every private attribute or method an estimator defines (``self._x = …`` anywhere in
    nndl/estimators, and the ``_x`` methods and class attributes of its classes)."""
    names = set()
    for path in (SRC / "estimators").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                if isinstance(node.value, ast.Name) and node.value.id == "self":
                    names.add(node.attr)
            elif isinstance(node, ast.ClassDef):
                for item in node.body:
                    if isinstance(item, (ast.FunctionDef, ast.AnnAssign, ast.Assign)):
                        targets = (
                            [item.name]
                            if isinstance(item, ast.FunctionDef)
                            else [
                                t.id
                                for t in (
                                    item.targets if isinstance(item, ast.Assign) else [item.target]
                                )
                                if isinstance(t, ast.Name)
                            ]
                        )
                        names.update(targets)
    for cls in ESTIMATORS:
        names.update(dir(cls))
    return {n for n in names if n.startswith("_") and not n.startswith("__")}


def test_no_training_module_reads_an_estimators_private_attribute() -> None:
    private = _private_names_of_estimators()
    assert {"_plateau", "_rate", "_optimizer_state", "_random_state", "_fit"} <= private
    found = []
    for path in sorted((SRC / "training").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in private:
                owner = node.value
                if not (isinstance(owner, ast.Name) and owner.id in ("self", "cls")):
                    found.append(f"{path.name}:{node.lineno} .{node.attr}")
            elif (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in ("getattr", "setattr", "hasattr")
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in private
            ):
                found.append(f"{path.name}:{node.lineno} {node.func.id}(…, {node.args[1].value!r})")
    assert not found, f"nndl/training reads estimators' private attributes: {found}"


@pytest.mark.parametrize(
    "make",
    [
        lambda: nndl.NeuralNetClassifier((4,), epochs=4, early_stopping=True, random_state=0),
        lambda: nndl.MLPClassifier((4,), max_iter=4, early_stopping=True, random_state=0),
        lambda: nndl.MLPRegressor(
            hidden_layer_sizes=(4,), solver="sgd", learning_rate="adaptive", max_iter=4
        ),
    ],
    ids=["course", "drop-in", "drop-in-adaptive"],
)
def test_while_training_no_training_code_touches_the_estimator(cancer, make) -> None:  # type: ignore[no-untyped-def]
    X, y = cancer
    estimator = make()
    touched: list[str] = []

    class Watched(type(estimator)):  # type: ignore[misc]
        def __getattribute__(self, name: str) -> Any:
            caller = sys._getframe(1).f_globals.get("__name__", "")
            if caller.startswith("nndl.training"):
                touched.append(f"{caller}: {name}")
            return super().__getattribute__(name)

    watched = Watched(**estimator.get_params())
    target = y if "Classifier" in type(estimator).__name__ else y.astype(float)
    _quiet(watched, X, target)
    assert watched.n_iter_ >= 1 and len(watched.loss_curve_) >= 1
    assert touched == []


@pytest.mark.parametrize(
    "make",
    [
        lambda: nndl.NeuralNetClassifier((6,), optimizer="adam", random_state=0),
        lambda: nndl.MLPClassifier((6,), random_state=0),
    ],
    ids=["course", "drop-in"],
)
def test_partial_fit_goes_on_the_same_after_pickling(cancer, make) -> None:  # type: ignore[no-untyped-def]
    import pickle

    X, y = cancer
    straight, resumed = make(), make()
    for estimator in (straight, resumed):
        estimator.partial_fit(X, y, classes=[0, 1])
    resumed = pickle.loads(pickle.dumps(resumed))  # the rule's, the rate's, Adam's state travel
    for _ in range(2):
        straight.partial_fit(X, y)
        resumed.partial_fit(X, y)
    np.testing.assert_array_equal(straight.loss_curve_, resumed.loss_curve_)
    assert len(straight.loss_curve_) == 3
    np.testing.assert_array_equal(straight.coefs_[0], resumed.coefs_[0])
    np.testing.assert_array_equal(straight.predict_proba(X), resumed.predict_proba(X))


def test_a_diverged_course_fit_names_the_iteration_of_the_lowest_validation_cost() -> None:
    from sklearn.datasets import load_iris

    X, y = load_iris(return_X_y=True)
    estimator = nndl.NeuralNetRegressor(
        (100,),
        activation="linear",
        optimizer="gd",
        learning_rate=0.02,
        epochs=30,
        early_stopping=True,
        patience=25,
        random_state=0,
    )
    with pytest.warns(ConvergenceWarning, match="diverged") as caught:
        estimator.fit(X, y)
    curve = np.array(estimator.validation_loss_curve_)
    finite = np.flatnonzero(np.isfinite(curve))
    lowest, highest = finite[np.argmin(curve[finite])], finite[np.argmax(curve[finite])]
    assert lowest != highest and not np.isfinite(curve[-1])  # the run this test needs
    message = next(str(w.message) for w in caught if "diverged" in str(w.message))
    assert f"({curve[lowest]:.6g}, iteration {lowest + 1}) are kept" in message
