"""scikit-learn's own estimator checks on the drop-ins, as scikit-learn runs them on its MLPs.

(early_stopping=True is left out, as scikit-learn's own MLPs fail ten of these checks with it:
the checks' data sets are too small to hold out a validation set; tests/interfaces/
test_mlp_dropin.py checks early stopping.)"""

from __future__ import annotations

import pytest

pytest.importorskip("sklearn")

from sklearn.utils.estimator_checks import parametrize_with_checks

from nndl import MLPClassifier, MLPRegressor

SMALL = {"max_iter": 100, "random_state": 0}  # as scikit-learn checks its own MLPs

_REASON = (
    "dropout draws one mask per example and copy: a repeated example gets two masks, a weight "
    "of 2 one, so the two fits differ (as they would for any dropout)"
)
_DROPOUT_XFAIL = {
    "check_sample_weight_equivalence_on_dense_data": _REASON,
    "check_sample_weight_equivalence_on_sparse_data": _REASON,
}


@parametrize_with_checks(
    [
        MLPClassifier(**SMALL),
        MLPRegressor(**SMALL),
        MLPClassifier(solver="lbfgs", **SMALL),
        MLPRegressor(solver="sgd", **SMALL),
        # what nndl adds: dropout, an activation per layer, leaky ReLU, initializations, weights
        MLPRegressor(dropout=0.1, activation=["leaky_relu"], **SMALL),
        MLPClassifier(
            hidden_layer_sizes=(16, 8),
            activation=["tanh", "leaky_relu"],
            init="he",
            class_weight="balanced",
            dropout=[0.1, 0.0],
            **SMALL,
        ),
    ],
    expected_failed_checks=lambda estimator: _DROPOUT_XFAIL if estimator.dropout else {},
)
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_sklearn_estimator_checks(estimator, check) -> None:  # type: ignore[no-untyped-def]
    check(estimator)
