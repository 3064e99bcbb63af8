"""What every experiment shares: its result, timing, and small measuring helpers."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass
class Result:
    """One experiment's measurement of one claim of the course.

    ``holds`` is the verdict on ``claim`` as stated; ``measured`` is the one-line
    summary shown in the report's table; ``details`` (Markdown) explains the numbers,
    and says so plainly where the claim does not hold.
    """

    name: str
    title: str
    claim: str
    holds: bool
    measured: str
    numbers: dict[str, Any] = field(default_factory=dict)
    details: str = ""
    figure: Path | None = None
    seconds: float = 0.0
    quick: bool = False

    def to_dict(self) -> dict[str, Any]:
        """A JSON-able copy (the figure's path as a string)."""
        data = asdict(self)
        data["figure"] = None if self.figure is None else str(self.figure)
        return data

    def __str__(self) -> str:
        verdict = "holds" if self.holds else "does NOT hold"
        return f"[{self.name}] {verdict}: {self.measured}"


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """``with stopwatch() as t: …`` leaves the elapsed seconds in ``t[0]``."""
    box = [0.0]
    start = time.perf_counter()
    try:
        yield box
    finally:
        box[0] = time.perf_counter() - start


def best_time(function: Any, repeats: int) -> float:
    """The fastest of ``repeats`` calls of ``function()``, in seconds (the least disturbed run)."""
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def epochs_to(costs: Sequence[float], target: float) -> int | None:
    """The first epoch whose cost is below ``target`` (None when training never got there)."""
    J = np.asarray([float(c) for c in costs])
    below = np.flatnonzero(target > J)
    return int(below[0]) if below.size else None


def epochs_or_never(epochs: int | None, budget: int) -> int:
    """``epochs_to``'s answer for ranking runs: a run that never got there counts as
    ``budget + 1`` epochs, slower than any that did."""
    return budget + 1 if epochs is None else epochs


def save_figure(fig: Figure, out: str | Path, name: str) -> Path:
    """Save ``fig`` as ``out/name.png`` (each experiment's ``_figure`` returns None before
    drawing anything when there is no ``out``, so matplotlib is imported only when needed)."""
    from nndl import plot

    return plot.save(fig, Path(out) / f"{name}.png")


def fmt_epochs(epochs: int | None, budget: int) -> str:
    """``"160"`` or ``"> 3000"`` for a run that never reached the target."""
    return f"> {budget}" if epochs is None else str(epochs)
