"""scikit-learn's bundled data sets by name, in the course's layout.

These ship inside scikit-learn (nothing is downloaded); they need the
``sklearn`` extra: ``pip install "nndl[sklearn]"``.
"""

from __future__ import annotations

import numpy as np

from nndl.datasets.data import Data, classification_task, label_name
from nndl.errors import NNDLValueError, require

SKLEARN_SETS: dict[str, str] = {
    "digits": "load_digits",
    "breast_cancer": "load_breast_cancer",
    "iris": "load_iris",
    "wine": "load_wine",
    "diabetes": "load_diabetes",
}
"""nndl's name → scikit-learn's loader function."""

_REGRESSION = {"diabetes"}


def load_sklearn(name: str) -> Data:
    """One of scikit-learn's bundled sets → :class:`Data` with ``X`` ``(n_x, m)``, ``Y`` ``(1, m)``.

    =============  =====  ====  ==========  ==========================
    name           n_x    m     task        classes
    =============  =====  ====  ==========  ==========================
    digits         64     1797  multiclass  0..9 (8×8 images, 0..16)
    breast_cancer  30     569   binary      malignant, benign
    iris           4      150   multiclass  setosa, versicolor, virginica
    wine           13     178   multiclass  class_0, class_1, class_2
    diabetes       10     442   regression  --
    =============  =====  ====  ==========  ==========================

    Features are returned as scikit-learn gives them (not standardized: fit a
    :class:`nndl.datasets.Standardizer` on the training part).

    Parameters
    ----------
    name : str
        One of the names in the table.

    Returns
    -------
    Data
        The data set, with its class and feature names.

    Raises
    ------
    NNDLValueError
        When the name is not one of the table's.
    MissingDependencyError
        When scikit-learn (the ``sklearn`` extra) is not installed.

    Examples
    --------
    >>> data = load_sklearn("breast_cancer")
    >>> data.X.shape, data.Y.shape, data.classes
    ((30, 569), (1, 569), ['malignant', 'benign'])
    """
    key = name.strip().lower().replace("-", "_")
    if key not in SKLEARN_SETS:
        raise NNDLValueError(
            f"unknown scikit-learn data set {name!r}; the bundled ones are: "
            f"{', '.join(SKLEARN_SETS)}"
        )
    sk_datasets = require("sklearn.datasets", "sklearn", f"the {key!r} data set")
    bunch = getattr(sk_datasets, SKLEARN_SETS[key])()
    X = np.ascontiguousarray(np.asarray(bunch.data, dtype=np.float64).T)
    target = np.asarray(bunch.target)
    feature_names = [str(f) for f in getattr(bunch, "feature_names", [])] or None
    if key in _REGRESSION:
        return Data(
            X=X,
            Y=target.astype(np.float64).reshape(1, -1),
            task="regression",
            feature_names=feature_names,
            source=key,
        )
    classes = [label_name(c) for c in np.asarray(bunch.target_names).tolist()]
    return Data(
        X=X,
        Y=target.astype(np.int64).reshape(1, -1),
        task=classification_task(len(classes)),
        classes=classes,
        feature_names=feature_names,
        image_shape=(8, 8, 1) if key == "digits" else None,
        source=key,
    )
