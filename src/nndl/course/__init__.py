"""The course's programming assignments' functions, under the course's names.

A learner who wrote ``L_model_forward`` in the course can call nndl's with the
same arguments and compare, one function at a time::

    from nndl.course import L_model_forward, initialize_parameters_deep
    AL, caches = L_model_forward(X, initialize_parameters_deep([5, 4, 3, 1]))

Each function takes and returns the course's dicts and tuples, and does its math
with nndl's own pieces (:class:`nndl.Network`'s forward, backward and update, the
activations and losses), never a second copy of them.

One module per assignment, with exactly the course's signatures:

=================================  ============================================
``nndl.course.logistic``           1. logistic regression, neural-network mindset
``nndl.course.planar``             2. planar data, one hidden layer
``nndl.course.deep``               3. deep neural network, step by step
``nndl.course.application``        4. deep neural network, application
=================================  ============================================

This top level holds every name once.  Where assignments reuse a name:

* ``predict`` takes all three forms: ``predict(w, b, X)`` (1), ``predict(parameters, X)``
  (2) and ``predict(X, y, parameters)`` (4), told apart by where the dict is.
* ``compute_cost(A, Y)`` and ``compute_cost(A2, Y, parameters)`` are the same cost.
* ``update_parameters(parameters, grads, learning_rate=1.2)``: 2's default; 3 passes α.
* ``sigmoid(z)`` is assignment 1's (returns σ(z)); the ``(A, cache)`` form of the
  deep assignments' helpers is ``nndl.course.deep.sigmoid`` (``relu`` is that form).
* ``initialize_parameters`` and ``initialize_parameters_deep`` are assignment 3's
  (seeds 1 and 3, × 0.01); assignment 2's (seed 2) is
  ``nndl.course.planar.initialize_parameters`` and assignment 4's (seed 1, ÷ √n[l−1])
  ``nndl.course.application.initialize_parameters_deep``.

``nndl course NAME`` (the command line) runs an assignment's recipe and prints
nndl's numbers beside the course's expected outputs.  ``nndl course grade PATH``
and, in a notebook, :func:`grade` grade the learner's own functions against these
(:mod:`nndl.course.grading`).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

import numpy as np

from nndl.course import application, deep, logistic, planar
from nndl.course.application import L_layer_model, load_data, two_layer_model
from nndl.course.deep import (
    L_model_backward,
    L_model_forward,
    initialize_parameters,
    initialize_parameters_deep,
    linear_activation_backward,
    linear_activation_forward,
    linear_backward,
    linear_forward,
    relu,
    relu_backward,
    sigmoid_backward,
)
from nndl.course.logistic import initialize_with_zeros, model, optimize, propagate, sigmoid
from nndl.course.planar import (
    backward_propagation,
    compute_cost,
    forward_propagation,
    layer_sizes,
    nn_model,
    update_parameters,
)
from nndl.errors import NNDLTypeError

if TYPE_CHECKING:
    from nndl.course.grading.report import Report


def grade(
    assignment: str | None = None,
    namespace: MutableMapping[str, Any] | None = None,
    *,
    time_limit: float = 10.0,
) -> Report:
    """Grade the course's functions defined in the calling notebook (or module) against nndl's.

    One line per function, ✓ or what differs (:func:`nndl.course.grading.grade`).

    Parameters
    ----------
    assignment : str, optional
        One of ``nndl course list``'s names; guessed from the functions defined when None.
    namespace : mutable mapping, optional
        Where the functions are; the caller's globals when None.
    time_limit : float, default 10.0
        Seconds each function may run before it is stopped.

    Returns
    -------
    Report
        The grades; it prints as the table of lines.
    """
    from nndl.course.grading import grade as grade_namespace

    if namespace is None:
        namespace = sys._getframe(1).f_globals
    return grade_namespace(assignment, namespace, time_limit=time_limit)


def predict(*args: Any) -> np.ndarray:
    """The course's three ``predict`` functions, told apart by where the dict is.

    * ``predict(w, b, X)``: logistic regression (assignment 1), 1.0/0.0 floats;
    * ``predict(parameters, X)``: the planar network (assignment 2), 1/0;
    * ``predict(X, y, parameters)``: the deep network (assignment 4), prints the accuracy.

    Parameters
    ----------
    *args : array_like or mapping
        One of the three forms above.

    Returns
    -------
    numpy.ndarray of shape (1, m)
        The predicted labels.

    Raises
    ------
    NNDLTypeError
        When the arguments match none of the forms.
    """
    if len(args) == 2 and isinstance(args[0], Mapping):
        return planar.predict(args[0], args[1])
    if len(args) == 3 and isinstance(args[2], Mapping):
        return application.predict(args[0], args[1], args[2])
    if len(args) == 3 and not any(isinstance(a, Mapping) for a in args):
        return logistic.predict(args[0], args[1], args[2])
    raise NNDLTypeError(
        "predict takes the course's forms predict(w, b, X), predict(parameters, X) or "
        f"predict(X, y, parameters). Received: {len(args)} arguments of types "
        f"{', '.join(type(a).__name__ for a in args)}"
    )


__all__ = [
    "L_layer_model",
    "L_model_backward",
    "L_model_forward",
    "application",
    "backward_propagation",
    "compute_cost",
    "deep",
    "forward_propagation",
    "grade",
    "initialize_parameters",
    "initialize_parameters_deep",
    "initialize_with_zeros",
    "layer_sizes",
    "linear_activation_backward",
    "linear_activation_forward",
    "linear_backward",
    "linear_forward",
    "load_data",
    "logistic",
    "model",
    "nn_model",
    "optimize",
    "planar",
    "predict",
    "propagate",
    "relu",
    "relu_backward",
    "sigmoid",
    "sigmoid_backward",
    "two_layer_model",
    "update_parameters",
]
