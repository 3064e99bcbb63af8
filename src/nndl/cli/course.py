"""``nndl course list``, ``nndl course NAME`` and ``nndl course grade PATH``.

``NAME``: a recipe beside the course's outputs.  Each line shows nndl's number, the
course's expected output and the tolerance used, marked ✓ or ✗ (· for a number
shown without a course value).  The exit status is 1 when a check fails.

``grade PATH``: the learner's own functions in a ``.py`` file or an ``.ipynb``
notebook, run in a fresh process and compared with nndl's, one line per function
(✓, or ✗ and what differs).  The exit status is 0 when every function found
passes, 1 otherwise, 2 on a usage error.
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

EXAMPLES = """\
examples:
  nndl course list
  nndl course planar                       # the flower: all ✓ on any machine
  nndl course step-by-step
  nndl course deep-application --data DIR  # DIR holds train_catvnoncat.h5, test_catvnoncat.h5
  NNDL_CAT_DIR=DIR nndl course logistic-regression
  nndl course grade my_solution.py         # your functions, checked against nndl's
  nndl course grade Planar.ipynb --assignment planar
"""


def add(commands: Any) -> None:
    """Register ``course`` among the ``nndl`` subcommands."""
    from nndl.course.recipes import ASSIGNMENTS

    parser: argparse.ArgumentParser = commands.add_parser(
        "course",
        help="run a course assignment's recipe and compare with the course's outputs, "
        "or grade your own functions",
        description=(
            "Run one of the course's programming assignments with its exact recipe (seed, "
            "float64, data, hyperparameters) and print nndl's numbers beside the course's "
            "expected outputs, with ✓/✗ and the tolerance. The cat assignments use the "
            "course's pictures from --data or NNDL_CAT_DIR, else a stand-in (said so). "
            "`grade PATH` runs your .py file or .ipynb notebook in a fresh process and checks "
            "each of the assignment's functions it defines against nndl's: ✓, or ✗ and what "
            "differs (exit status 0 when all pass, 1 otherwise)."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "name",
        metavar="NAME",
        choices=["list", "grade", *ASSIGNMENTS],
        help=f"list, grade, or one of: {', '.join(ASSIGNMENTS)}",
    )
    parser.add_argument(
        "path",
        metavar="PATH",
        nargs="?",
        help="with grade: your .py file or .ipynb notebook",
    )
    parser.add_argument(
        "--assignment",
        metavar="NAME",
        help="with grade: the assignment (default: guessed from the functions defined)",
    )
    parser.add_argument(
        "--time-limit",
        type=float,
        metavar="SECONDS",
        help="with grade: how long one call of your function may run (default 10)",
    )
    parser.add_argument(
        "--data",
        metavar="DIR",
        help="folder with the course's train_catvnoncat.h5 and test_catvnoncat.h5 "
        "(default: $NNDL_CAT_DIR; without either, a stand-in)",
    )
    parser.add_argument(
        "--iterations",
        type=int,
        metavar="N",
        help="train N iterations instead of the recipe's (numbers are then not compared "
        "where the course's depend on it)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from nndl import datasets
    from nndl.course.checks import Check, summary
    from nndl.course.recipes import ASSIGNMENTS
    from nndl.errors import NNDLValueError

    if args.name == "grade":
        return grade(args)
    if args.path is not None or args.assignment is not None or args.time_limit is not None:
        raise NNDLValueError(
            f"PATH, --assignment and --time-limit go with `nndl course grade`, not {args.name}"
        )
    if args.name == "list":
        for name, assignment in ASSIGNMENTS.items():
            data = "  [cat pictures: --data DIR or NNDL_CAT_DIR]" if assignment.uses_cat else ""
            print(f"{name:<20} {assignment.title}{data}")
        return 0
    if args.iterations is not None and args.iterations < 1:
        raise NNDLValueError(f"--iterations must be >= 1. Received: {args.iterations}")
    assignment = ASSIGNMENTS[args.name]
    cat = None
    if assignment.uses_cat:  # the stand-in is announced in the recipe's output instead
        cat = datasets.load_cat(args.data, warn=False)
    elif args.data is not None:
        raise NNDLValueError(f"{args.name} uses no cat pictures: leave out --data")
    print(assignment.title)
    start = time.perf_counter()
    checks: list[Check] = []
    for line in assignment.recipe(cat, args.iterations):
        if isinstance(line, Check):
            checks.append(line)
            print("  " + line.line())
        else:
            print(line)
        sys.stdout.flush()
    failed = [c for c in checks if not c.ok]
    print(f"{summary(checks)} ({time.perf_counter() - start:.1f} s)")
    if failed:
        print(FAILED_HINT)
    return 1 if failed else 0


def grade(args: argparse.Namespace) -> int:
    """``nndl course grade PATH``: the table, and 0 when every function passes."""
    from nndl.course.grading import grade_file
    from nndl.errors import NNDLValueError

    if args.path is None:
        raise NNDLValueError("nndl course grade needs the PATH of your .py or .ipynb file")
    limit = 10.0 if args.time_limit is None else args.time_limit
    if not limit > 0:
        raise NNDLValueError(f"--time-limit must be > 0 seconds. Received: {args.time_limit}")
    if args.data is not None or args.iterations is not None:
        raise NNDLValueError("--data and --iterations go with the recipes, not with grade")
    report = grade_file(args.path, args.assignment, limit=limit)
    print(report)
    return 0 if report.passed else 1


FAILED_HINT = (
    "✗ marks a number of nndl's outside the tolerance shown beside it. Figures that vary "
    "with the machine's BLAS are compared with the course's own code run here, so a ✗ is "
    "not this CPU's doing: please report it with this output and the output of "
    "`python -m threadpoolctl -i numpy` (which BLAS and kernel NumPy uses)."
)
