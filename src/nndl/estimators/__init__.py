"""scikit-learn estimators: nndl's networks behind ``fit``/``predict`` with ``(m, n)`` input.

One core (:class:`nndl.estimators._core.Core`: the data boundary, the targets, the network,
the validation split, :func:`nndl.training.fit` with one stopping rule, the fitted
attributes, chunked prediction) and two families of front-ends over it, which only say how
their parameters ask to be trained:

* :class:`MLPClassifier`, :class:`MLPRegressor`: drop-ins for scikit-learn's, with its
  parameters, defaults, attributes and stopping rule, and what it declined as extras
  (dropout, an activation per layer, leaky ReLU, the course's initializations,
  ``class_weight``, ``device``);
* :class:`NeuralNetClassifier`, :class:`NeuralNetRegressor`, :class:`LogisticRegression`:
  the course's vocabulary (``epochs``, ``learning_rate``, ``l2``, ``optimizer``,
  ``patience``) and ``layers=`` models (convolutional, recurrent).

They follow scikit-learn's conventions — ``__init__`` only stores its arguments,
learned attributes end in ``_`` — and pass its estimator checks, so they work in
``Pipeline`` and ``GridSearchCV``.  Needs the ``sklearn`` extra: ``pip install "nndl[sklearn]"``.
"""

from nndl.estimators._course import LogisticRegression, NeuralNetClassifier, NeuralNetRegressor
from nndl.estimators._mlp_estimators import MLPClassifier
from nndl.estimators._mlp_regressor import MLPRegressor

__all__ = [
    "LogisticRegression",
    "MLPClassifier",
    "MLPRegressor",
    "NeuralNetClassifier",
    "NeuralNetRegressor",
]
