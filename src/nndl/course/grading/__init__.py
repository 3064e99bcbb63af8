"""A grader for the learner's own code: the course's functions, checked against nndl's.

``nndl course grade PATH`` runs a learner's ``.py`` or ``.ipynb`` in a fresh process
(:func:`grade_file`); in a notebook, ``nndl.course.grade()`` grades the functions
defined there (:func:`grade`).  Both print one line per function::

    ✓ linear_forward
    ✗ linear_backward: on the course's test case: a missing 1/m: off by a factor m = 4 (…)
    ✗ L_model_forward: passes with nndl's linear_activation_forward: the difference
      comes from your linear_activation_forward

Each function runs on the course's test cases, on random cases of other shapes and
on one example; nndl's function (:mod:`nndl.course`) gives the expected result.
The package: :mod:`.spec` (what a graded function is), :mod:`.shallow` and
:mod:`.deep` (the cases and the usual mistakes of each assignment), :mod:`.compare`
(what differs), :mod:`.runner` (the bounded calls, the blame), :mod:`.source` (the
file or notebook), :mod:`.worker` (the fresh process), :mod:`.report` (the table).
"""

from __future__ import annotations

import sys
from collections.abc import MutableMapping
from typing import Any

from nndl.course.grading.registry import SPECS, guess
from nndl.course.grading.report import Report, Result
from nndl.course.grading.runner import TIME_LIMIT, Grader, learners_function
from nndl.course.grading.worker import grade_file


def grade(
    assignment: str | None = None,
    namespace: MutableMapping[str, Any] | None = None,
    *,
    time_limit: float = TIME_LIMIT,
) -> Report:
    """Grade the course's functions defined where this is called (a notebook's cell).

    ``assignment`` is one of ``nndl course list``'s names, guessed from the functions
    defined when ``None``; ``namespace`` defaults to the caller's globals.  Returns the
    :class:`Report`: Jupyter shows it as a table; outside IPython it is also printed.
    The functions run in this process, each call limited to ``time_limit`` seconds
    (where the platform has ``SIGALRM``); the namespace is left as it was.
    """
    if namespace is None:
        namespace = sys._getframe(1).f_globals
    if assignment is None:
        assignment = guess(n for n, v in namespace.items() if learners_function(v))
    report = Grader(namespace, assignment, time_limit=time_limit).run("the functions defined here")
    if not _in_ipython():
        print(report)
    return report


def _in_ipython() -> bool:
    ipython = sys.modules.get("IPython")
    return ipython is not None and getattr(ipython, "get_ipython", lambda: None)() is not None


__all__ = ["SPECS", "Report", "Result", "grade", "grade_file"]
