"""Scenarios: each change kind moves the plan the way it says (a tiny case
where it binds) and names its problem when it is wrong (one where it is
invalid), every problem at once; the base is never changed; compare reports
what came in, went out and moved against the base, on every face."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spmo.api.http import create_app
from spmo.api.store import Store
from spmo.engine.errors import InvalidPortfolio
from spmo.scenarios.compare import compare, scenarios_of
from spmo.scenarios.spec import KINDS, apply, parse_scenario

from .conftest import key_headers, portfolio_of, solve_checked
from .family_helpers import costs, doc

BASE = doc([{"id": "A", "value": 5}, {"id": "B", "value": 4}, {"id": "C", "value": 3}],
           costs=costs("A", 6) + costs("B", 5) + costs("C", 4),
           budgets=[{"period": "T1", "limit": 10}])
"""Budget 10: A+C (value 8, cost 10); A+B would cost 11."""


def _applied(document: dict, scenario: dict):
    """The document's Portfolio with the scenario (its wire form) applied."""
    return apply(portfolio_of(document), parse_scenario(scenario))


def _selected(document, scenario: dict | None = None) -> set[str]:
    portfolio = document if not isinstance(document, dict) \
        else portfolio_of(document) if scenario is None else _applied(document, scenario)
    result = solve_checked(portfolio, explain="none")
    assert result.status == "optimal"
    return {s.project for s in result.selected}


def _problems(document: dict, *changes) -> list[tuple]:
    with pytest.raises(InvalidPortfolio) as caught:
        _applied(document, {"name": "bad", "changes": list(changes)})
    assert all(p.table == "scenario" for p in caught.value.problems)
    return [(p.row, p.column) for p in caught.value.problems]


def test_the_base_is_never_changed():
    base = portfolio_of(BASE)
    before = base.to_document()
    changed = apply(base, parse_scenario({"changes": [
        {"scale_budget": 2}, {"drop_project": "A"}, {"settings": {"objective": "financial"}}]}))
    assert list(changed.projects.index) == ["B", "C"]
    assert base.to_document() == before and list(base.projects.index) == ["A", "B", "C"]


def test_scale_budget():
    assert _selected(BASE) == {"A", "C"}
    assert _selected(BASE, {"changes": [{"scale_budget": 1.1}]}) == {"A", "B"}
    assert _selected(BASE, {"changes": [{"scale_budget": 1.1, "period": "T1"}]}) == {"A", "B"}
    assert _selected(BASE, {"changes": [{"scale_budget": 0.5}]}) == {"B"}
    assert _problems(BASE, {"scale_budget": 1.1, "pool": "capex"},
                     {"scale_budget": -1}, {"scale_budget": 2, "period": "T9"}) == [
        (0, "pool"), (1, "scale_budget"), (2, "period")]


CAPACITY = doc([{"id": "A", "value": 5}, {"id": "B", "value": 4}],
               demands=[{"project": p, "skill": "dev", "offset": 0, "fte": 2} for p in "AB"],
               capacity=[{"skill": "dev", "period": "T1", "fte": 3}])


def test_add_capacity():
    assert _selected(CAPACITY) == {"A"}
    assert _selected(CAPACITY, {"changes": [{"add_capacity": 1, "skill": "dev"}]}) == {"A", "B"}
    assert _selected(CAPACITY, {"changes": [{"add_capacity": -1.5, "skill": "dev",
                                             "period": "T1"}]}) == set()
    assert _problems(CAPACITY, {"add_capacity": 1, "skill": "ops"},
                     {"add_capacity": -4, "skill": "dev"}, {"add_capacity": "x", "skill": "dev"}
                     ) == [(0, "skill"), (1, "add_capacity"), (2, "add_capacity")]


def test_force():
    assert _selected(BASE, {"changes": [{"force": "B", "to": "in"}]}) == {"B", "C"}
    assert _selected(BASE, {"changes": [{"force": "A", "to": "out"}]}) == {"B", "C"}
    assert _problems(BASE, {"force": "Z", "to": "in"}, {"force": "A", "to": "maybe"}) == [
        (0, "force"), (1, "to")]


WEIGHTS = doc([{"id": "A"}, {"id": "B"}], costs=costs("A", 5) + costs("B", 5),
              budgets=[{"limit": 5}],
              objectives=[{"id": "growth", "weight": 2}, {"id": "cost", "weight": 1}],
              alignment=[{"project": "A", "objective": "growth", "score": 1},
                         {"project": "B", "objective": "cost", "score": 1}])


def test_set_weight():
    assert _selected(WEIGHTS) == {"A"}
    assert _selected(WEIGHTS, {"changes": [{"set_weight": "cost", "weight": 3}]}) == {"B"}
    assert _problems(WEIGHTS, {"set_weight": "speed", "weight": 1},
                     {"set_weight": "cost", "weight": -1}) == [(0, "set_weight"), (1, "weight")]


def test_add_and_drop_project():
    added = {"add_project": {"id": "D", "value": 10}, "costs": [{"offset": 0, "amount": 4}]}
    assert _selected(BASE, {"changes": [added]}) == {"A", "D"}
    with_dependency = {**BASE, "dependencies": [{"project": "C", "kind": "requires",
                                                 "other": "A"}]}
    dropped = _applied(with_dependency, {"changes": [{"drop_project": "A"}]})
    assert list(dropped.projects.index) == ["B", "C"]
    assert "A" not in set(dropped.table("costs")["project"])
    assert dropped.table("dependencies").empty
    assert _selected(dropped) == {"B", "C"}
    assert _problems(BASE, {"add_project": {"id": "A"}}, {"add_project": {"value": 1}},
                     {"add_project": {"id": "E"}, "budgets": [{"limit": 1}]},
                     {"drop_project": "Z"}) == [
        (0, "add_project"), (1, "add_project"), (2, "budgets"), (3, "drop_project")]


def test_set_a_cell_and_settings():
    assert _selected(BASE, {"changes": [{"set": "projects", "id": "A", "column": "value",
                                         "value": 0}]}) == {"B", "C"}
    assert _selected(BASE, {"changes": [{"set": "budgets", "row": 0, "column": "limit",
                                         "value": 11}]}) == {"A", "B"}
    changed = _applied(WEIGHTS, {"changes": [{"settings": {"objective": "financial"}}]})
    assert changed.settings.objective == "financial"
    assert _problems(BASE, {"set": "projects", "id": "A", "column": "valeu", "value": 1},
                     {"set": "wishes", "id": "A", "column": "x", "value": 1},
                     {"set": "projects", "id": "Z", "column": "value", "value": 1},
                     {"set": "budgets", "row": 5, "column": "limit", "value": 1},
                     {"settings": {"objectve": "financial"}},
                     {"scale_budget": 1, "force": "A"}, "not a change") == [
        (0, "column"), (1, "set"), (2, "id"), (3, "row"), (4, "settings"), (5, None), (6, None)]


def test_a_change_the_validator_refuses_names_the_table():
    with pytest.raises(InvalidPortfolio) as caught:
        _applied(BASE, {"changes": [
            {"set": "projects", "id": "A", "column": "value", "value": "lots"}]})
    assert [(p.table, p.row, p.column) for p in caught.value.problems] == [
        ("projects", 0, "value")]


MOVES = doc([{"id": "A", "value": 5, "latest_start": "T1"}, {"id": "B", "value": 4},
             {"id": "C", "value": 3}], periods=2,
            costs=costs("A", 6) + costs("B", 5) + costs("C", 4),
            budgets=[{"period": "T1", "limit": 10}, {"period": "T2", "limit": 0}])


def test_compare_reports_in_out_and_moved():
    later = {"name": "A later", "changes": [
        {"set": "projects", "id": "A", "column": "earliest_start", "value": "T2"},
        {"set": "projects", "id": "A", "column": "latest_start", "value": "T2"},
        {"set": "budgets", "row": 1, "column": "limit", "value": 6}]}
    cut = {"changes": [{"scale_budget": 0.5, "period": "T1"}]}
    result = compare(portfolio_of(MOVES), scenarios_of([later, cut]), explain="none")
    assert [s.name for s in result.scenarios] == ["base", "A later", "scenario 2"]
    base, moved, smaller = result.scenarios
    assert {p.project for p in base.plan.selected} == {"A", "C"}
    assert (moved.came_in, moved.went_out) == (["B"], [])
    assert [(m.project, m.baseline_start, m.start) for m in moved.moved] == [("A", "T1", "T2")]
    assert (smaller.came_in, smaller.went_out, smaller.moved) == (["B"], ["A", "C"], [])
    assert smaller.kpis.total_cost == pytest.approx(5)


def test_compare_names_every_problem_of_every_scenario():
    with pytest.raises(InvalidPortfolio) as caught:
        compare(portfolio_of(BASE), scenarios_of([
            {"changes": [{"force": "Z", "to": "in"}]}, {"changes": []},
            {"changes": [{"set": "projects", "id": "A", "column": "value", "value": "lots"}]}]))
    assert [(p.table, p.row, p.column) for p in caught.value.problems] == [
        ("scenarios", 0, "changes/0/force"), ("scenarios", 2, "projects/0/value")]


def test_cli_solve_and_compare_with_scenarios(tmp_path):
    base, good, bad = tmp_path / "base.json", tmp_path / "cut.yaml", tmp_path / "bad.json"
    base.write_text(json.dumps(BASE))
    good.write_text("name: cut\nchanges:\n  - scale_budget: 0.5\n")
    bad.write_text(json.dumps({"changes": [{"force": "Z", "to": "in"}]}))
    run = [sys.executable, "-m", "spmo"]
    out = subprocess.run([*run, "solve", str(base), "--scenario", str(good), "--json",
                          "--explain", "none"], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert {s["project"] for s in json.loads(out.stdout)["selected"]} == {"B"}
    out = subprocess.run([*run, "solve", str(base), "--scenario", str(bad), "--json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 2 and json.loads(out.stdout)["problems"][0]["column"] == "force"
    out = subprocess.run([*run, "compare", str(base), "--scenario", str(good), "--json"],
                         capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    cut = json.loads(out.stdout)["scenarios"][1]
    assert cut["name"] == "cut" and cut["went_out"] == ["A", "C"]


def test_http_compare(tmp_path):
    store = Store(f"sqlite:///{tmp_path / 'db'}")
    with TestClient(create_app(store), headers=key_headers(store, "plan")) as client:
        cut = {"name": "cut", "changes": [{"scale_budget": 0.5}]}
        body = client.post("/v1/compare", json={"portfolio": BASE, "scenarios": [cut]}).json()
        assert [s["name"] for s in body["scenarios"]] == ["base", "cut"]
        assert body["scenarios"][1]["went_out"] == ["A", "C"]
        pid = client.post("/v1/portfolios", json=BASE).json()["id"]
        stored = client.post("/v1/compare", json={"portfolio_id": pid, "scenarios": [cut]})
        assert stored.json()["scenarios"][1]["went_out"] == ["A", "C"]
        bad = client.post("/v1/compare", json={"portfolio_id": "nope", "scenarios": []})
        assert bad.status_code == 422  # the request's problems first
        assert {p["column"] for p in bad.json()["problems"]} == {"scenarios"}
        unknown = client.post("/v1/compare", json={"portfolio_id": "f" * 32, "scenarios": [cut]})
        assert unknown.status_code == 404  # as for every stored portfolio that is not there
        wrong = client.post("/v1/compare", json={"portfolio": BASE, "scenarios": [
            {"changes": [{"drop_project": "Z"}]}]})
        assert wrong.status_code == 422
        assert wrong.json()["problems"][0]["column"] == "changes/0/drop_project"


def test_a_table_or_column_that_is_not_a_name_is_a_problem():
    """These were TypeErrors (unhashable) before fuzzing found them."""
    assert _problems(BASE, {"set": {}}, {"set": ["projects"], "column": "value", "value": 1},
                     {"set": "projects", "id": "A", "column": ["value"], "value": 1}) == [
        (0, "set"), (1, "set"), (2, "column")]


_VALUE = st.one_of(st.none(), st.booleans(), st.integers(-3, 9), st.floats(),
                   st.sampled_from(["A", "7", "T1", "T9", "dev", "in", "projects", "budgets",
                                    "value", "limit", "id"]),
                   st.lists(st.dictionaries(st.sampled_from(["offset", "amount", "project"]),
                                            st.integers(-2, 5), max_size=3), max_size=2),
                   st.dictionaries(st.sampled_from(["id", "value", "workers"]),
                                   st.integers(-2, 9), max_size=2))
_CHANGE = st.dictionaries(st.sampled_from([*KINDS, "period", "pool", "skill", "to", "weight",
                                           "column", "value", "row", "id", "costs"]),
                          _VALUE, min_size=1, max_size=4)


CAPACITY_PORTFOLIO = portfolio_of(CAPACITY)


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.lists(_CHANGE, max_size=4))
def test_any_changes_give_a_portfolio_or_its_problems(changes):
    """Random changes with random arguments: a valid portfolio, or
    InvalidPortfolio with problems, never another exception."""
    try:
        apply(CAPACITY_PORTFOLIO, parse_scenario({"changes": changes}))
    except InvalidPortfolio as exc:
        assert exc.problems
