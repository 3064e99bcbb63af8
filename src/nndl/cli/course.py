"""``nndl course list`` and ``nndl course NAME``: a recipe beside the course's outputs.

Each line shows nndl's number, the course's expected output and the tolerance
used, marked ✓ or ✗ (· for a number shown without a course value).  The exit
status is 1 when a check fails.
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
"""


def add(commands: Any) -> None:
    """Register ``course`` among the ``nndl`` subcommands."""
    from nndl.course.recipes import ASSIGNMENTS

    parser: argparse.ArgumentParser = commands.add_parser(
        "course",
        help="run a course assignment's recipe and compare with the course's outputs",
        description=(
            "Run one of the course's programming assignments with its exact recipe (seed, "
            "float64, data, hyperparameters) and print nndl's numbers beside the course's "
            "expected outputs, with ✓/✗ and the tolerance. The cat assignments use the "
            "course's pictures from --data or NNDL_CAT_DIR, else a stand-in (said so)."
        ),
        epilog=EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "name",
        metavar="NAME",
        choices=["list", *ASSIGNMENTS],
        help=f"list, or one of: {', '.join(ASSIGNMENTS)}",
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


FAILED_HINT = (
    "✗ marks a number of nndl's outside the tolerance shown beside it. Figures that vary "
    "with the machine's BLAS are compared with the course's own code run here, so a ✗ is "
    "not this CPU's doing: please report it with this output and the output of "
    "`python -m threadpoolctl -i numpy` (which BLAS and kernel NumPy uses)."
)
