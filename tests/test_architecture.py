"""The shape of the code: who may import whom, found by reading the source with ``ast``.

* Nothing in ``embeddings/`` imports ``qa`` (the encoders and vector index stand alone).
* No import cycles between modules of ``qa`` and ``embeddings`` (imports inside functions
  and under ``TYPE_CHECKING`` count too: a cycle hidden in a function is still a cycle).
* Production code never imports the test doubles or the benchmarks.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("qa", "embeddings")


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for package in PACKAGES for p in sorted((REPO / package).rglob("*.py"))}


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Modules of ``known`` (or other top-level names) that ``path`` imports."""
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".") if is_package else name.split(".")[:-1]
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for alias in node.names:
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in known else target)
    return {m for m in found if m != name}


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imports(name, path, known) & known for name, path in modules.items()} | {
        f"{name}!all": _imports(name, path, known) for name, path in modules.items()
    }


def test_embeddings_imports_nothing_from_qa() -> None:
    graph = _graph()
    offenders = {name: sorted(m for m in graph[f"{name}!all"] if m == "qa" or m.startswith("qa."))
                 for name in _modules() if name.split(".")[0] == "embeddings"}
    assert {k: v for k, v in offenders.items() if v} == {}


def test_production_code_imports_no_tests_or_benchmarks() -> None:
    graph = _graph()
    offenders = {name: sorted(m for m in graph[f"{name}!all"] if m.split(".")[0] in ("tests", "benchmarks"))
                 for name in _modules()}
    assert {k: v for k, v in offenders.items() if v} == {}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                out.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def test_no_import_cycles() -> None:
    graph = {k: v for k, v in _graph().items() if not k.endswith("!all")}
    # A package's __init__ re-exports its modules; a module importing a sibling through the
    # package (``from qa import X``) would close a loop, so packages stay in the graph.
    assert _cycles(graph) == []


@pytest.mark.parametrize(("graph", "expected"), [
    ({"a": {"b"}, "b": {"a"}}, [["a", "b"]]),
    ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c"]]),
    ({"a": {"b"}, "b": set()}, []),
])
def test_cycle_finder_finds_cycles(graph: dict[str, set[str]], expected: list[list[str]]) -> None:
    assert _cycles(graph) == expected


def test_graph_sees_relative_and_function_level_imports() -> None:
    graph = _graph()
    assert "qa.engine" in graph["qa"]  # lazy import inside __getattr__
    assert "qa.ingest.noise" in graph["qa.ingest.cleaning"]  # ``from qa.ingest import noise``


def _third_party_imports(folders: tuple[str, ...]) -> set[str]:
    names: set[str] = set()
    paths = [p for folder in folders for p in (REPO / folder).rglob("*.py")]
    for path in paths + ([REPO / "app.py"] if "qa" in folders else []):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                names.add(node.module.split(".")[0])
    ours = {"qa", "embeddings", "tests", "benchmarks", "training", "app", "__future__"}
    return {n for n in names if n not in sys.stdlib_module_names and n not in ours}


def _declared(requirements: list[str]) -> set[str]:
    return {re.split(r"[<>=!~ \[;]", r, maxsplit=1)[0].lower().replace("_", "-") for r in requirements}


def test_pyproject_declares_every_package_imported_directly() -> None:
    import tomllib
    from importlib.metadata import packages_distributions

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    runtime = _declared(project["dependencies"])
    dev = runtime | _declared(project["optional-dependencies"]["dev"])
    dists = packages_distributions()

    def missing(modules: set[str], declared: set[str]) -> list[str]:
        return sorted(m for m in modules
                      if not {d.lower().replace("_", "-") for d in dists.get(m, [m])} & declared)

    assert missing(_third_party_imports(PACKAGES), runtime) == []
    assert missing(_third_party_imports(("tests", "benchmarks")), dev) == []
