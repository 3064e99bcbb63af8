"""Experiments that measure the course's claims.

One module per claim; each has ``run(quick=False, out=None) -> Result`` that
trains, measures, writes its figure to ``out/NAME.png`` (when ``out`` is given)
and returns the numbers with a verdict on the claim as stated.

>>> from nndl import experiments
>>> result = experiments.run("linear_collapse", quick=True, out=None)
>>> result.holds
True

``run_all(out)`` runs every experiment and writes ``out/report.md`` (a table of
claim / measured / holds?, then each experiment's details and figure) and
``out/results.json``.  ``quick=True`` is the seeded, small version the tests use.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from nndl import _files
from nndl.errors import NNDLValueError
from nndl.experiments import (
    activations,
    hidden_size,
    init_scale,
    linear_collapse,
    scale,
    tanh_sigmoid,
    vectorization,
    zero_init,
)
from nndl.experiments._common import Result, stopwatch
from nndl.experiments.report import write_report

Experiment = Callable[..., Result]

EXPERIMENTS: dict[str, Experiment] = {
    vectorization.NAME: vectorization.run,
    activations.NAME: activations.run,
    linear_collapse.NAME: linear_collapse.run,
    zero_init.NAME: zero_init.run,
    init_scale.NAME: init_scale.run,
    tanh_sigmoid.NAME: tanh_sigmoid.run,
    hidden_size.NAME: hidden_size.run,
    scale.NAME: scale.run,
}
"""Every experiment by name, in the report's order."""

DEFAULT_OUT = Path("out") / "experiments"


@contextmanager
def single_threaded_blas(enabled: bool = True) -> Iterator[None]:
    """Run NumPy's BLAS on one thread (when threadpoolctl is installed).

    The experiments' matrices are small; with other work on the machine a
    multi-threaded BLAS spends its time waiting for cores, and the timings become
    erratic (several times slower).  One thread gives steady timings.
    """
    if not enabled:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - threadpoolctl comes with the sklearn extra
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def get(name: str) -> Experiment:
    """The experiment called ``name`` (dashes or underscores)."""
    key = name.strip().lower().replace("-", "_")
    if key not in EXPERIMENTS:
        raise NNDLValueError(
            f"unknown experiment {name!r}; the experiments are: {', '.join(EXPERIMENTS)} (or all)"
        )
    return EXPERIMENTS[key]


def run(
    name: str,
    quick: bool = False,
    out: str | Path | None = DEFAULT_OUT,
    *,
    single_thread: bool = True,
) -> Result:
    """Run one experiment; its figure goes to ``out/NAME.png`` (no figure when out is None)."""
    experiment = get(name)
    with single_threaded_blas(single_thread), stopwatch() as elapsed:
        result = experiment(quick=quick, out=out)
    result.seconds = elapsed[0]
    return result


def run_all(
    out: str | Path = DEFAULT_OUT,
    quick: bool = False,
    names: Sequence[str] | None = None,
    *,
    single_thread: bool = True,
    progress: Callable[[Result], None] | None = None,
) -> list[Result]:
    """Run every experiment (or those named), write ``out/report.md`` and ``out/results.json``.

    ``progress(result)`` is called after each experiment.
    """
    folder = Path(out)
    _files.check_destination(folder / "report.md", "report", make_folder=True)
    results: list[Result] = []
    with stopwatch() as total:
        for name in names if names is not None else list(EXPERIMENTS):
            result = run(name, quick=quick, out=folder, single_thread=single_thread)
            results.append(result)
            if progress is not None:
                progress(result)
    write_report(results, folder / "report.md", quick=quick, seconds=total[0])
    payload = {
        "quick": quick,
        "seconds": total[0],
        "results": [r.to_dict() for r in results],
    }
    _files.write_text(folder / "results.json", json.dumps(payload, indent=2, default=str) + "\n")
    return results


__all__ = ["DEFAULT_OUT", "EXPERIMENTS", "Result", "get", "run", "run_all", "write_report"]
