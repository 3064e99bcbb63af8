"""Which functions each assignment grades, and which assignment a set of names is."""

from __future__ import annotations

from collections.abc import Iterable

from nndl.course.grading.deep import APPLICATION, STEP_BY_STEP
from nndl.course.grading.sequences import CONVOLUTION, RECURRENT
from nndl.course.grading.shallow import LOGISTIC, PLANAR
from nndl.course.grading.spec import Spec
from nndl.errors import NNDLValueError

SPECS: dict[str, list[Spec]] = {
    "logistic-regression": LOGISTIC,
    "planar": PLANAR,
    "step-by-step": STEP_BY_STEP,
    "deep-application": APPLICATION,
    "convolution": CONVOLUTION,
    "recurrent": RECURRENT,
}
"""The graded functions of each assignment (``nndl course list``'s names), helpers first."""

HELPERS = frozenset({"relu", "relu_backward", "sigmoid_backward"})
"""The deep assignments' given helpers (``dnn_utils``): graded where the learner wrote them."""


def specs(assignment: str) -> dict[str, Spec]:
    """The assignment's graded functions by name (a usage error for an unknown name)."""
    if assignment not in SPECS:
        raise NNDLValueError(
            f"unknown assignment {assignment!r}: use one of {', '.join(SPECS)} (nndl course list)"
        )
    return {s.name: s for s in SPECS[assignment]}


def graded_names() -> set[str]:
    """Every name the grader knows, in any assignment."""
    return {s.name for group in SPECS.values() for s in group}


def _own(assignment: str) -> set[str]:
    """The names only this assignment's learner writes (not helpers, not shared)."""
    mine = {s.name for s in SPECS[assignment]} - HELPERS
    if assignment == "step-by-step":
        mine.discard("sigmoid")
    others = set()
    for name in ("logistic-regression", "planar", "step-by-step"):
        if name != assignment:
            others |= {s.name for s in SPECS[name]}
    return mine - others


def guess(names: Iterable[str], where: str = "") -> str:
    """The assignment whose functions ``names`` are; a usage error if none or unclear."""
    found = set(names) & graded_names()
    if not found:
        known = "sigmoid, propagate, forward_propagation, L_model_forward, …"
        raise NNDLValueError(
            f"no graded function found{where}: define the course's functions under their "
            f"names ({known}); `nndl course list` names the assignments"
        )
    if found & {"two_layer_model", "L_layer_model"}:
        return "deep-application"
    for later in ("convolution", "recurrent"):  # names no other assignment has
        if found & {s.name for s in SPECS[later]}:
            return later
    scores = {a: len(found & _own(a)) for a in ("logistic-regression", "planar", "step-by-step")}
    best = max(scores.values())
    winners = [a for a, s in scores.items() if s == best]
    if best == 0 and found <= HELPERS | {"sigmoid"} and found & HELPERS:
        return "step-by-step"
    if best == 0 or len(winners) > 1:
        candidates = [a for a in SPECS if found & {s.name for s in SPECS[a]}]
        raise NNDLValueError(
            f"{', '.join(sorted(found))}{where} could be {' or '.join(candidates)}: "
            "name the assignment (--assignment NAME, or grade(assignment=NAME))"
        )
    return winners[0]
