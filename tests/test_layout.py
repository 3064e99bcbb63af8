"""The package's layout is its architecture: layers as folders, no import cycles, short modules."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

import nndl

grimp = pytest.importorskip("grimp")

SRC = Path(nndl.__file__).parent

# the model layer's one upward call: Network.fit and Network.save (docs/architecture.md)
UPWARD = {("nndl.model.fitting", "nndl.training"), ("nndl.model.fitting", "nndl.io")}


def _cycles(graph: object, skip: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    edges = {
        m: sorted(
            n
            for n in graph.find_modules_directly_imported_by(m)  # type: ignore[attr-defined]
            if (m, n) not in skip
        )
        for m in graph.modules  # type: ignore[attr-defined]
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = len(index)
                stack.append(v)
                on_stack.add(v)
            for j in range(i, len(edges[v])):
                w = edges[v][j]
                if w not in index:
                    work.append((v, j + 1))
                    work.append((w, 0))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[v])
    return found


def test_the_cycle_finder_finds_cycles() -> None:
    class Graph:
        modules = frozenset("abcd")

        def find_modules_directly_imported_by(self, m: str) -> set[str]:
            return {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}[m]

    assert _cycles(Graph(), set()) == [["a", "b", "c"]]
    assert _cycles(Graph(), {("c", "a")}) == []


def test_no_import_cycles_but_the_documented_upward_call() -> None:
    graph = grimp.build_graph("nndl", exclude_type_checking_imports=True)
    assert _cycles(graph, UPWARD) == []
    # and the upward call is exactly where the docs say, inside the two methods
    for importer, imported in UPWARD:
        details = graph.get_import_details(importer=importer, imported=imported)
        assert details, (importer, imported)
        assert all(d["line_contents"].startswith("from nndl import") for d in details)
    model_up = {
        (m, n)
        for m in graph.modules
        if m.startswith("nndl.model")
        for n in graph.find_modules_directly_imported_by(m)
        if n.startswith(("nndl.training", "nndl.io", "nndl.cli", "nndl.datasets", "nndl.plot"))
    }
    assert model_up == UPWARD


def test_import_contracts_hold() -> None:
    lint = pytest.importorskip("importlinter.cli")
    root = SRC.parent.parent
    if not (root / "pyproject.toml").is_file():
        pytest.skip("needs the source checkout's pyproject.toml")
    assert lint.lint_imports(config_filename=str(root / "pyproject.toml")) == 0


def test_no_module_is_long() -> None:
    long = {
        str(p.relative_to(SRC)): n
        for p in SRC.rglob("*.py")
        if (n := len(p.read_text(encoding="utf-8").splitlines())) > 500
    }
    assert long == {}


def test_every_folder_says_what_it_holds() -> None:
    for init in SRC.rglob("__init__.py"):
        module = importlib.import_module(".".join(init.parent.relative_to(SRC.parent).parts))
        assert module.__doc__ and len(module.__doc__.strip()) > 40, init


def test_the_old_module_paths_are_gone() -> None:
    for old in ("nndl.network", "nndl.train", "nndl.optim", "nndl.callbacks", "nndl.devices"):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module(old)
    with pytest.raises(AttributeError, match="has no attribute"):
        nndl.no_such_module  # noqa: B018


def test_no_module_above_the_model_calls_a_private_method_of_the_network() -> None:
    """The trainers, estimators and interfaces use the network's public contract
    (check_data, forward_pass, data_cost, l2_term, full_cost, count_correct, backward_pass)."""
    import ast

    from nndl.model.network import Network

    private = {
        name
        for name in vars(Network)
        if name.startswith("_") and not name.startswith("__") and not name.endswith("_")
    }
    assert {"_to_backend_of", "_placement"} <= private
    used = []
    for path in SRC.rglob("*.py"):
        if path.is_relative_to(SRC / "model"):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr in private:
                used.append(f"{path.relative_to(SRC)}:{node.lineno} {node.attr}")
    assert used == []
