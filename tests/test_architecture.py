"""The house rules (docs/architecture.md).

- Layers: engine -> solvers -> planning -> scenarios -> api. No module imports a
  higher layer; api may import planning, scenarios and engine, never solvers.
- Only solvers/ imports the solver libraries (ortools, highspy, pulp, scipy.optimize).
- No module imports an underscore name from another spmo module.
- The engine imports no framework; the checker knows nothing of the model or the solvers.
- No import cycles between spmo modules.
- Every layer's __init__.py says what it owns and what it may import, and says it truly.
- No module grows past 500 lines.

Imports are read from the syntax trees, at the top of a module and inside functions.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from .conftest import ROOT

LAYERS = ["engine", "solvers", "planning", "scenarios", "api"]
SKIPS = {"api": {"solvers"}}  # lower layers a layer may still not import
FRAMEWORKS = {"fastapi", "typer", "sqlalchemy", "rich", "uvicorn", "starlette", "pydantic_settings"}
SOLVER_LIBRARIES = ("ortools", "highspy", "pulp", "scipy.optimize")
PACKAGE_FOLDERS = [*LAYERS, "spmo"]

# Underscore imports in files other engineers are changing: (file, name). Each is
# fixed on its own branch; remove the entry when that lands.
KNOWN_UNDERSCORE_IMPORTS = {("solvers/conflicts.py", "_var_units")}  # solvers: var_units public


@dataclass(frozen=True)
class Import:
    path: Path  # the importing file
    line: int
    module: str  # absolute module name (relative imports resolved)
    names: tuple[str, ...]  # the names of `from module import names`; () for `import module`


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[0] != "spmo":
        parts = ["spmo", *parts]
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def _imports(path: Path) -> tuple[Import, ...]:
    """Every import statement of a file, anywhere in it."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    name = _module_name(path).split(".")
    package = name if path.name == "__init__.py" else name[:-1]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out += [Import(path, node.lineno, a.name, ()) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.append(Import(path, node.lineno, module, tuple(a.name for a in node.names)))
    return tuple(out)


def _files(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _package_files() -> list[Path]:
    return [path for folder in PACKAGE_FOLDERS for path in _files(folder)]


def _modules() -> dict[str, Path]:
    return {_module_name(path): path for path in _package_files()}


def _targets(imp: Import, modules: dict[str, Path]) -> set[str]:
    """The spmo modules an import loads: `from pkg import mod` names the module."""
    if not imp.names:
        return {imp.module} & modules.keys()
    out = set()
    for name in imp.names:
        if f"{imp.module}.{name}" in modules:
            out.add(f"{imp.module}.{name}")
        elif imp.module in modules:
            out.add(imp.module)
    return out


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if parts[0] == "spmo" and len(parts) > 1 and parts[1] in LAYERS else None


def _spmo_layers_imported(folder: str) -> set[str]:
    return {
        layer
        for path in _files(folder)
        for imp in _imports(path)
        if (layer := _layer(imp.module)) and layer != folder
    }


@pytest.mark.parametrize("layer", LAYERS)
def test_imports_point_one_way(layer):
    allowed = set(LAYERS[: LAYERS.index(layer)]) - SKIPS.get(layer, set())
    for path in _files(layer):
        for imp in _imports(path):
            target = _layer(imp.module)
            assert target in {None, layer} | allowed, (path, imp.line, imp.module)


def test_api_never_imports_solvers():
    for path in _files("api"):
        for imp in _imports(path):
            assert not imp.module.startswith("spmo.solvers"), (path, imp.line, imp.module)


@pytest.mark.parametrize("layer", [layer for layer in LAYERS if layer != "solvers"])
def test_only_solvers_import_solver_libraries(layer):
    def library(imp: Import) -> bool:
        modules = [imp.module, *(f"{imp.module}.{n}" for n in imp.names)]
        return any(m == lib or m.startswith(lib + ".") for m in modules for lib in SOLVER_LIBRARIES)

    for path in _files(layer):
        for imp in _imports(path):
            assert not library(imp), (path, imp.line, imp.module, imp.names)


def test_engine_imports_no_framework():
    for path in _files("engine"):
        for imp in _imports(path):
            assert imp.module.split(".")[0] not in FRAMEWORKS, (path, imp.line, imp.module)


def test_checker_knows_nothing_of_model_or_solvers():
    for imp in _imports(ROOT / "engine" / "check.py"):
        assert not imp.module.startswith(("spmo.engine.model", "spmo.solvers")), imp.module


def test_no_underscore_names_from_other_modules():
    modules = _modules()
    offenders = []
    for path in _package_files():
        for imp in _imports(path):
            if not imp.module.startswith("spmo") or imp.module == _module_name(path):
                continue
            for name in imp.names:
                private = name.startswith("_") and not name.startswith("__")
                private = private and f"{imp.module}.{name}" not in modules
                where = (str(path.relative_to(ROOT)), name)
                if private and where not in KNOWN_UNDERSCORE_IMPORTS:
                    offenders.append(f"{where[0]}:{imp.line} from {imp.module} import {name}")
    assert not offenders, offenders


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    out = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while not component or component[-1] != node:
                component.append(stack.pop())
            if len(component) > 1:
                out.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return out


def test_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _cycles(graph) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles():
    modules = _modules()
    graph = {
        name: {t for imp in _imports(path) for t in _targets(imp, modules)} - {name}
        for name, path in modules.items()
    }
    assert _cycles(graph) == []


@pytest.mark.parametrize("layer", LAYERS)
def test_every_layer_says_what_it_owns_and_may_import(layer):
    init = ROOT / layer / "__init__.py"
    assert init.exists(), init
    doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
    assert "Owns:" in doc and "May import:" in doc, (init, doc)
    assert len(doc.splitlines()) <= 6, (init, "about three lines")
    may_import = doc.split("May import:")[1].split(".\n")[0].split(". ")[0]
    declared = set(re.findall(r"spmo\.(\w+)", may_import))
    allowed = set(LAYERS[: LAYERS.index(layer)]) - SKIPS.get(layer, set())
    assert declared <= allowed, (init, "declares more than the rule allows", declared)
    assert _spmo_layers_imported(layer) <= declared, (init, may_import)


def test_no_module_over_500_lines():
    for folder in [*PACKAGE_FOLDERS, "tests", "benchmarks"]:
        for path in _files(folder):
            assert len(path.read_text(encoding="utf-8").splitlines()) <= 500, path
