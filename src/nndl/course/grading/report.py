"""The grader's table: one line per graded function, as text, HTML or JSON."""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from typing import Any

from nndl.course.checks import FAIL, INFO, OK


@dataclass(frozen=True)
class Result:
    """One graded function: ``ok``, or what differs (``message``, one line)."""

    name: str
    ok: bool
    message: str = ""
    blamed: str = ""
    """The learner's helper the difference comes from, when nndl's makes this one pass."""

    def line(self) -> str:
        """``✓ name`` or ``✗ name: what differs``."""
        return f"{OK} {self.name}" if self.ok else f"{FAIL} {self.name}: {self.message}"


@dataclass(frozen=True)
class Report:
    """The graded functions of one assignment, in the assignment's order.

    Printed, it is one line per function; in Jupyter it shows as an HTML table.
    ``passed`` is true when at least one function was graded and every one passes.
    """

    assignment: str
    results: tuple[Result, ...]
    notes: tuple[str, ...] = field(default=())
    source: str = ""

    @property
    def passed(self) -> bool:
        return bool(self.results) and all(r.ok for r in self.results)

    def summary(self) -> str:
        good = sum(r.ok for r in self.results)
        return f"{good} of {len(self.results)} functions pass"

    def header(self) -> str:
        where = f"{self.source} " if self.source else ""
        return f"Grading {where}as {self.assignment}"

    def lines(self) -> list[str]:
        """The header, one line per function, the notes (marked ·) and the summary."""
        notes = [f"{INFO} {note}" for note in self.notes]
        return [self.header(), *(r.line() for r in self.results), *notes, self.summary()]

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def __repr__(self) -> str:
        return str(self)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td>{OK if r.ok else FAIL}</td><td><code>{html.escape(r.name)}</code></td>"
            f"<td>{html.escape(r.message)}</td></tr>"
            for r in self.results
        )
        notes = "".join(f"<p>{INFO} {html.escape(n)}</p>" for n in self.notes)
        return (
            f"<p>{html.escape(self.header())}</p><table><tr><th></th><th>function</th>"
            f"<th>what differs</th></tr>{rows}</table>{notes}"
            f"<p>{html.escape(self.summary())}</p>"
        )

    def to_json(self) -> str:
        return json.dumps(
            {
                "assignment": self.assignment,
                "results": [r.__dict__ for r in self.results],
                "notes": list(self.notes),
                "source": self.source,
            }
        )

    @classmethod
    def from_json(cls, text: str) -> Report:
        data: dict[str, Any] = json.loads(text)
        return cls(
            assignment=str(data["assignment"]),
            results=tuple(Result(**r) for r in data["results"]),
            notes=tuple(str(n) for n in data["notes"]),
            source=str(data.get("source", "")),
        )
