"""Run the worked notebooks as the tests do, and store them with their outputs.

``python tests/notebook_outputs.py [NAME ...]`` (``make notebook-outputs``) executes each
notebook of ``notebooks/`` top to bottom in a fresh kernel of this Python, on the cat
stand-in (``NNDL_CAT_DIR`` unset), with the inline figures of Jupyter, and writes it back
with its outputs, so that a learner reads the costs and the figures on the code host
without running anything. It records, in the notebook's metadata, a hash of the code it
ran (``tests/test_notebooks.py`` checks the stored outputs belong to the code beside them)
and prints how long each notebook took.

The same functions run the notebooks in ``tests/test_notebooks.py``, which compares the
numbers a fresh run prints with the stored ones.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
KERNEL = "nndl-tests"
METADATA = {
    "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
    "language_info": {"name": "python"},
}
"""The notebook-level metadata stored (not the machine's Python version or kernel name)."""
VARIES = "varies"
"""The cell tag of outputs whose numbers differ from CPU to CPU (figures that depend on the
BLAS build's summation order): their words are compared, not their numbers."""
MACHINE = "machine"
"""The cell tag of outputs that depend on the machine as a whole: timings and the verdicts
that rest on them, and long trainings whose course the BLAS build's rounding changes (the
character-level RNN's 16,000 steps, one name each, sample other names): compared only in
that they are there."""
ITERATIONS = "iterations"
"""The cell tag of outputs that depend on a notebook's iteration count, which the quick
run (:data:`QUICK`) lowers."""
QUICK = {"NNDL_NOTEBOOK_ITERATIONS": "200"}
"""What the test suite sets to run notebook 04's trainings 200 iterations instead of the
course's 2500 (the notebook says so; the stored outputs are from the full run)."""
RTOL, ATOL = 1e-3, 1e-9
"""How far a printed number may move (the last digits of a cost after thousands of
iterations, with another BLAS build's rounding) and still be the stored one."""
COST = re.compile(r"Cost after iteration (\d+):")

BLAS_THREADS = ("OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "OMP_NUM_THREADS")
"""Set to 1 in the kernel: on a machine shared with other work, BLAS threads that wait for
each other made notebook 01 five times slower (100 s against 19 s with one thread, 2 cores
under a load of 4), and one thread sums in one order wherever the notebook runs."""

NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def _text(source: str | list[str]) -> str:
    """A cell's source, stored as one string or as a list of lines."""
    return "".join(source) if isinstance(source, list) else source


def sources_hash(book: Mapping[str, Any]) -> str:
    """The SHA-256 of the notebook's code cells, in order: what its outputs came from."""
    digest = hashlib.sha256()
    for cell in book["cells"]:
        if cell["cell_type"] == "code":
            digest.update(_text(cell["source"]).encode("utf-8") + b"\0")
    return digest.hexdigest()


@contextmanager
def kernel_environment(folder: Path, extra: Mapping[str, str] | None = None) -> Iterator[None]:
    """A kernel spec naming this interpreter (so the notebook runs on the Python and the
    nndl under test, not on whatever ``python3`` kernel the machine has), inline figures,
    the stand-in pictures, one BLAS thread, this checkout's ``src`` first on the path, and
    ``extra``."""
    spec = folder / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "nndl tests", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel), encoding="utf-8")
    source = str(ROOT / "src")
    settings = {
        "JUPYTER_PATH": str(folder / "jupyter"),
        "JUPYTER_PLATFORM_DIRS": "1",
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYTHONPATH": os.pathsep.join(filter(None, [source, os.environ.get("PYTHONPATH")])),
        "PYTHONHASHSEED": "0",
        **dict.fromkeys(BLAS_THREADS, "1"),
        **(extra or {}),
    }
    saved = {k: os.environ.get(k) for k in [*settings, "NNDL_CAT_DIR"]}
    os.environ.update(settings)
    os.environ.pop("NNDL_CAT_DIR", None)  # the stand-in: the same run everywhere
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def execute(path: Path, folder: Path, extra: Mapping[str, str] | None = None) -> tuple[Any, float]:
    """The notebook at ``path`` run top to bottom in ``folder``, and the seconds it took."""
    import nbclient
    import nbformat

    book = nbformat.read(path, as_version=4)
    for cell in book.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
    work = folder / "run"
    work.mkdir(exist_ok=True)
    with kernel_environment(folder, extra):
        client = nbclient.NotebookClient(
            book,
            kernel_name=KERNEL,
            timeout=900,
            record_timing=False,
            resources={"metadata": {"path": str(work)}},
        )
        start = time.perf_counter()
        client.execute()
        seconds = time.perf_counter() - start
    return book, seconds


def store(path: Path) -> float:
    """Run the notebook and write it back with its outputs (atomically); the seconds."""
    import nbformat

    with tempfile.TemporaryDirectory(prefix="nndl-notebook-") as tmp:
        book, seconds = execute(path, Path(tmp))
    for cell in book.cells:
        if cell.cell_type == "code":
            cell.outputs = coalesced(cell.outputs)
    nndl_meta = {"sources_sha256": sources_hash(book)}
    book.metadata = nbformat.from_dict({**METADATA, "nndl": nndl_meta})
    text = nbformat.writes(book) + "\n"
    partial = path.with_suffix(".ipynb.part")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)
    return seconds


def coalesced(outputs: list[Any]) -> list[Any]:
    """The outputs with each run of stream pieces (one per flush) joined into one."""
    joined: list[Any] = []
    for output in outputs:
        previous = joined[-1] if joined else None
        if (
            output.get("output_type") == "stream"
            and previous is not None
            and previous.get("output_type") == "stream"
            and previous.get("name") == output.get("name")
        ):
            previous["text"] = previous["text"] + output["text"]
        else:
            joined.append(output)
    return joined


def text_lines(cell: Mapping[str, Any]) -> list[str]:
    """What a code cell printed and displayed as text (Markdown, or plain text where no
    picture goes with it), line by line, blank lines left out. The pieces of a stream are
    joined first: the kernel sends what was printed when it flushes, which may be in the
    middle of a line (``print("w =", w)`` writes its parts one by one)."""
    pieces: list[tuple[str, str]] = []
    for output in cell.get("outputs", []):
        kind = output.get("output_type")
        if kind == "stream":
            key, text = f"stream {output.get('name')}", _text(output.get("text", ""))
            if pieces and pieces[-1][0] == key:
                pieces[-1] = (key, pieces[-1][1] + text)
                continue
        elif kind in ("execute_result", "display_data"):
            data = output.get("data", {})
            if "image/png" in data:
                continue
            key, text = "data", _text(data.get("text/markdown", data.get("text/plain", "")))
        else:
            continue
        pieces.append((key, text))
    return [line for _, text in pieces for line in text.splitlines() if line.strip()]


def figures(cell: Mapping[str, Any]) -> int:
    """How many pictures a code cell shows."""
    return sum("image/png" in o.get("data", {}) for o in cell.get("outputs", []))


def differences(stored: str, fresh: str, rtol: float = RTOL) -> str:
    """Where two printed lines differ: the words, or a number beyond ``rtol`` ("" if none)."""
    if NUMBER.sub("#", stored) != NUMBER.sub("#", fresh):
        return f"stored {stored!r}, now {fresh!r}"
    for a, b in zip(NUMBER.findall(stored), NUMBER.findall(fresh), strict=True):
        x, y = float(a), float(b)
        if abs(x - y) > rtol * max(abs(x), abs(y)) + ATOL:
            return f"{a} stored, {b} now, in {fresh!r}"
    return ""


def compare(stored: Mapping[str, Any], fresh: Mapping[str, Any], quick: bool = False) -> list[str]:
    """How a fresh run's outputs differ from the stored ones, cell by cell ([] if alike).

    Every cell must show as many pictures as stored, and print the same lines with the
    same numbers (to :data:`RTOL`: a BLAS build's rounding passes, a changed result does
    not). Cells tagged :data:`VARIES` print the same words, and those tagged
    :data:`MACHINE` something; with ``quick`` (fewer iterations, see :data:`QUICK`), cells
    tagged :data:`ITERATIONS` must print the same ``Cost after iteration i`` lines as far
    as the shorter run goes.
    """
    problems: list[str] = []
    old = [c for c in stored["cells"] if c["cell_type"] == "code"]
    new = [c for c in fresh["cells"] if c["cell_type"] == "code"]
    if [_text(c["source"]) for c in old] != [_text(c["source"]) for c in new]:
        return ["the code cells differ from the stored ones"]
    for number, (a, b) in enumerate(zip(old, new, strict=True), 1):
        where = f"code cell {number}"
        tags = set(a.get("metadata", {}).get("tags", []))
        errors = [o for o in b.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            problems.append(f"{where}: {errors[0].get('ename')}: {errors[0].get('evalue')}")
            continue
        if figures(a) != figures(b):
            problems.append(f"{where}: {figures(b)} pictures, {figures(a)} stored")
        lines_a, lines_b = text_lines(a), text_lines(b)
        if MACHINE in tags:
            if bool(lines_a) != bool(lines_b):
                problems.append(f"{where}: printed {len(lines_b)} lines, {len(lines_a)} stored")
            continue
        if quick and ITERATIONS in tags:
            costs_a = {m.group(1): line for line in lines_a if (m := COST.match(line))}
            costs_b = {m.group(1): line for line in lines_b if (m := COST.match(line))}
            shared = sorted(set(costs_a) & set(costs_b), key=int)
            if costs_a and len(shared) < 2:
                problems.append(f"{where}: the costs printed are not the stored ones: {costs_b}")
            problems += [
                f"{where}: {d}" for i in shared if (d := differences(costs_a[i], costs_b[i]))
            ]
            continue
        if len(lines_a) != len(lines_b):
            problems.append(
                f"{where}: printed {len(lines_b)} lines, {len(lines_a)} stored: "
                f"{lines_b[:3]} against {lines_a[:3]}"
            )
            continue
        for line_a, line_b in zip(lines_a, lines_b, strict=True):
            if VARIES in tags:
                line_a, line_b = NUMBER.sub("#", line_a), NUMBER.sub("#", line_b)
            if difference := differences(line_a, line_b):
                problems.append(f"{where}: {difference}")
                break
    return problems


def main(argv: list[str]) -> int:
    chosen = [p for p in NOTEBOOKS if not argv or any(a in p.name for a in argv)]
    if not chosen:
        print(f"no notebook matches {' '.join(argv)}: the names are", *(p.name for p in NOTEBOOKS))
        return 2
    total = 0.0
    for path in chosen:
        seconds = store(path)
        total += seconds
        print(f"{path.name}: {seconds:.0f} s")
    print(f"all {len(chosen)}: {total:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
