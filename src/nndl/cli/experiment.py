"""``nndl experiment NAME|all [--quick] [--out DIR]``: run the course's experiments."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from nndl.experiments._common import Result

HELP_EXAMPLES = """\
examples:
  nndl experiment vectorization --quick
  nndl experiment all --out out/experiments      # writes out/experiments/report.md
"""


def add(commands: Any) -> argparse.ArgumentParser:
    """Add ``experiment`` to the ``nndl`` subcommands (``commands`` from ``add_subparsers``)."""
    from nndl.experiments import DEFAULT_OUT, EXPERIMENTS

    parser: argparse.ArgumentParser = commands.add_parser(
        "experiment",
        help="measure a claim of the course (or all of them, with a report)",
        description=(
            "Run an experiment that measures a claim of the course, write its figure, and "
            "print whether the claim holds. 'all' runs every one and writes DIR/report.md."
        ),
        epilog=HELP_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "name",
        metavar="NAME",
        choices=[*EXPERIMENTS, "all"],
        help=f"one of: {', '.join(EXPERIMENTS)}, or all",
    )
    parser.add_argument(
        "--quick", action="store_true", help="the small, seeded version (seconds, used by tests)"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=DEFAULT_OUT,
        metavar="DIR",
        help=f"folder for the figures and the report (default: {DEFAULT_OUT})",
    )
    parser.set_defaults(handler=run)
    return parser


def _print(result: Result) -> None:
    verdict = "holds" if result.holds else "does NOT hold"
    print(f"{result.name}: {verdict} ({result.seconds:.1f} s)")
    print(f"  claim:    {result.claim}")
    print(f"  measured: {result.measured}")
    if result.figure is not None:
        print(f"  figure:   {result.figure}")


def run(args: argparse.Namespace) -> int:
    from nndl import experiments

    if args.name == "all":
        results = experiments.run_all(args.out, quick=args.quick, progress=_print)
        total = sum(r.seconds for r in results)
        held = sum(r.holds for r in results)
        print(f"{held} of {len(results)} claims hold; report: {args.out / 'report.md'}")
        print(f"total {total:.1f} s")
        return 0
    _print(experiments.run(args.name, quick=args.quick, out=args.out))
    return 0
