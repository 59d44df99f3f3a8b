"""The house rules: imports point one way (api -> scenarios -> solvers -> engine),
the engine imports no framework, the checker knows nothing of the model or the
solvers, and no module grows past 500 lines."""

from __future__ import annotations

import ast

import pytest

from .conftest import ROOT

LAYERS = ["engine", "solvers", "scenarios", "api"]
FRAMEWORKS = {"fastapi", "typer", "sqlalchemy", "rich", "uvicorn"}


def _imports(path) -> set[str]:
    """Absolute module names a file imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = ["spmo", *path.relative_to(ROOT).parts[:-1]]
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                out.add(".".join(base + ([node.module] if node.module else [])))
            else:
                out.add(node.module or "")
    return out


def _files(folder: str):
    return sorted((ROOT / folder).rglob("*.py"))


@pytest.mark.parametrize("layer", LAYERS)
def test_imports_point_one_way(layer):
    higher = LAYERS[LAYERS.index(layer) + 1:]
    for path in _files(layer):
        for name in _imports(path):
            top = name.split(".")
            assert not (top[0] == "spmo" and len(top) > 1 and top[1] in higher), (path, name)
            if layer == "engine":
                assert top[0] not in FRAMEWORKS, (path, name)


def test_checker_knows_nothing_of_model_or_solvers():
    for name in _imports(ROOT / "engine" / "check.py"):
        assert not name.startswith(("spmo.engine.model", "spmo.solvers")), name


def test_no_module_over_500_lines():
    for folder in [*LAYERS, "tests", "benchmarks", "spmo"]:
        for path in _files(folder):
            assert len(path.read_text(encoding="utf-8").splitlines()) <= 500, path
