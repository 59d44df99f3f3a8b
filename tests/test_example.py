"""The bundled example: optimal, checked, the same in all three file forms."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from spmo.engine.io import read_portfolio
from spmo.engine.validate import validate

from .conftest import EXAMPLES, solve_checked


def test_example_solves_to_proven_optimum():
    result = solve_checked(validate(read_portfolio(EXAMPLES / "northwind.json")))
    assert result.status == "optimal"
    assert result.gap == pytest.approx(0.0, abs=1e-9)
    assert len(result.selected) > 0 and len(result.excluded) > 0
    in_flight = {r.project for r in result.recommendations}
    assert in_flight, "the example has in-flight projects"


@pytest.mark.parametrize("form", ["northwind.xlsx", "northwind_csv"])
def test_three_forms_same_portfolio(form):
    base = validate(read_portfolio(EXAMPLES / "northwind.json")).to_document()
    other = validate(read_portfolio(EXAMPLES / form)).to_document()
    base.pop("name"), other.pop("name")
    assert json.dumps(base, sort_keys=True) == json.dumps(other, sort_keys=True)


def test_cli_json_prints_only_the_plan():
    out = subprocess.run([sys.executable, "-m", "spmo", "solve",
                          str(EXAMPLES / "northwind_csv"), "--json", "--explain", "none"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    plan = json.loads(out.stdout)
    assert plan["status"] == "optimal"
    assert set(plan) >= {"objective", "bound", "gap", "selected", "excluded", "spend",
                         "utilisation", "kpis", "alignment", "recommendations", "warnings"}
