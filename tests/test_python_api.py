"""`import spmo` for Python callers: solve and validate from a path, a
document or a Portfolio, the plan's tables as DataFrames, errors as on the
CLI; and the dependencies declared as ranges with the exact versions in
constraints.txt."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from importlib.metadata import version

import pandas as pd
import pytest
from packaging.requirements import Requirement
from spmo.engine.plan import FRAMES

import spmo

from .conftest import EXAMPLES, ROOT, solve_checked
from .family_helpers import costs, doc

SMALL = doc([{"id": "A", "value": 5}, {"id": "B", "value": 4}, {"id": "C", "value": 3}],
            periods=2, costs=costs("A", 6) + costs("B", 5) + costs("C", 4),
            budgets=[{"period": "T1", "limit": 10}, {"period": "T2", "limit": 4}])


def test_solve_from_a_document_a_path_and_a_portfolio(tmp_path):
    expected = solve_checked(SMALL)
    path = tmp_path / "small.json"
    path.write_text(json.dumps(SMALL))
    portfolio = spmo.validate(SMALL)
    for source in (SMALL, path, str(path), portfolio):
        plan = spmo.solve(source)
        assert isinstance(plan, spmo.Plan)
        assert plan.status == "optimal" and plan.objective == pytest.approx(expected.objective)
        assert {r.project for r in plan.selected} == {r.project for r in expected.selected}
    assert spmo.validate(portfolio) is portfolio
    assert isinstance(portfolio, spmo.Portfolio)


def test_options_as_on_the_cli():
    plan = spmo.solve(SMALL, solver="cpsat", time_limit_s=30, relative_gap=0,
                      explain="exact")
    assert plan.solver.startswith("cpsat") and plan.explanations.mode == "exact"
    assert all(e.cost_status == "exact" for e in plan.excluded)


def test_frames_are_the_plans_tables():
    plan = spmo.solve(SMALL, explain="exact")
    frames = plan.frames()
    assert tuple(frames) == FRAMES
    for part, frame in frames.items():
        assert isinstance(frame, pd.DataFrame)
        rows = getattr(plan, part)
        assert len(frame) == len(rows), part
        model = type(plan).model_fields[part].annotation.__args__[0]
        assert list(frame.columns) == list(model.model_fields), part
        blanks_as_none = frame.astype(object).where(frame.notna(), None)
        assert blanks_as_none.to_dict("records") == [r.model_dump() for r in rows], part
    assert sorted(frames["selected"]["project"]) == sorted(r.project for r in plan.selected)
    assert frames["conflicts"].empty and list(frames["conflicts"].columns) == [
        "constraint", "sentence"]


def test_an_infeasible_plan_is_an_answer_with_its_conflicts():
    infeasible = doc([{"id": "A", "value": 5, "force": "in"}], costs=costs("A", 10),
                     budgets=[{"period": "T1", "limit": 4}])
    plan = spmo.solve(infeasible)
    assert plan.status == "infeasible" and plan.objective is None
    assert set(plan.frames()["conflicts"]["constraint"]) == {"force[A]", "budget[T1]"}


@pytest.mark.parametrize(("options", "column"), [
    ({"time_limit_s": 0}, "time_limit_s"), ({"time_limit_s": float("nan")}, "time_limit_s"),
    ({"relative_gap": 2}, "relative_gap"), ({"relative_gap": -1}, "relative_gap"),
    ({"explain": "bogus"}, "explain"),
])
def test_a_bad_option_is_invalid_naming_it(options, column):
    with pytest.raises(spmo.InvalidPortfolio) as caught:
        spmo.solve(SMALL, **options)
    assert [(p.table, p.column) for p in caught.value.problems] == [("options", column)]


def test_other_mistakes():
    with pytest.raises(TypeError, match="unknown option"):
        spmo.solve(SMALL, time_limit=3)
    with pytest.raises(spmo.UnknownSolver):
        spmo.solve(SMALL, solver="nosuch")
    with pytest.raises(TypeError):
        spmo.validate(42)
    broken = doc([{"id": "A", "value": "lots"}])
    with pytest.raises(spmo.InvalidPortfolio) as caught:
        spmo.solve(broken)
    assert [(p.table, p.row, p.column) for p in caught.value.problems] == [
        ("projects", 0, "value")]
    with pytest.raises(spmo.InvalidPortfolio):
        spmo.validate(EXAMPLES / "no-such-file.json")


def test_the_one_liner():
    done = subprocess.run([sys.executable, "-c", "import spmo; print(spmo.solve("
                           "'examples/northwind.json').status)"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert (done.returncode, done.stdout) == (0, "optimal\n"), done.stderr[-2000:]


def _pins() -> dict[str, str]:
    out = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, pinned = line.split("==")
            out[name.lower().replace("_", "-")] = pinned.strip()
    return out


def _declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    return [Requirement(r) for r in project["dependencies"]
            + project["optional-dependencies"]["dev"]]


def test_dependencies_are_ranges_holding_the_pinned_versions():
    pins = _pins()
    for requirement in _declared():
        operators = {s.operator for s in requirement.specifier}
        assert operators == {">=", "<"}, requirement  # a range, not a pin
        pinned = pins[requirement.name.lower()]
        assert requirement.specifier.contains(pinned), (requirement, pinned)


def test_the_environment_is_the_constraints_file():
    """`make setup` installs with -c constraints.txt: every package at its pin."""
    assert "pip install -q -c constraints.txt -e '.[dev]'" in (ROOT / "Makefile").read_text()
    pins = _pins()
    assert {r.name.lower() for r in _declared()} <= set(pins)
    assert {name: version(name) for name in pins} == pins
