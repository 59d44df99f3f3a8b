"""Typed scenario changes: each kind applied to a Portfolio changes exactly
what it says and never the base; a scenario reads from and writes back to its
wire form; the portfolio is validated once per scenario on every path (not
again for the base); the kinds in docs/scenarios.md are the models'."""

from __future__ import annotations

import json
import re

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spmo.api.http import create_app
from spmo.api.store import Store
from spmo.engine import validate as validate_module
from spmo.engine.errors import InvalidPortfolio
from spmo.scenarios.changes import KIND_MODELS
from spmo.scenarios.compare import compare, scenarios_of
from spmo.scenarios.frontier import frontier
from spmo.scenarios.montecarlo import Sampling, montecarlo
from spmo.scenarios.spec import (
    KINDS,
    AddProject,
    Force,
    Malformed,
    ScaleBudget,
    Scenario,
    apply,
    parse_scenario,
    read_scenario,
)

from .conftest import EXAMPLES, ROOT, key_headers, portfolio_of
from .family_helpers import costs, doc

BASE = doc([{"id": "A", "value": 5}, {"id": "B", "value": 4}, {"id": "C", "value": 3}],
           periods=2, costs=costs("A", 6) + costs("B", 5) + costs("C", 4, pool="opex"),
           budgets=[{"period": "T1", "limit": 10}, {"pool": "opex", "limit": 8}],
           objectives=[{"id": "growth", "weight": 2}, {"id": "cost", "weight": 1}],
           alignment=[{"project": p, "objective": "growth", "score": 1} for p in "ABC"],
           demands=[{"project": "A", "skill": "dev", "offset": 0, "fte": 1}],
           capacity=[{"skill": "dev", "period": t, "fte": 2} for t in ("T1", "T2")],
           dependencies=[{"project": "C", "kind": "requires", "other": "A"}],
           synergies=[{"project_a": "A", "project_b": "B", "value": 1}])
PORTFOLIO = portfolio_of(BASE)
CHANGES = {
    "scale_budget": {"scale_budget": 0.5, "pool": "opex"},
    "add_capacity": {"add_capacity": 1.5, "skill": "dev", "period": "T2"},
    "force": {"force": "B", "to": "in"},
    "set_weight": {"set_weight": "cost", "weight": 3},
    "add_project": {"add_project": {"id": "D", "value": 7}, "costs": [{"offset": 0, "amount": 2}],
                    "alignment": [{"objective": "cost", "score": 1}]},
    "drop_project": {"drop_project": "A"},
    "set": {"set": "budgets", "row": 0, "column": "limit", "value": 12},
    "settings": {"settings": {"objective": "financial", "workers": 1}},
}
"""One change of each kind, valid on BASE."""


def _changed(*changes: dict):
    return apply(PORTFOLIO, parse_scenario({"changes": list(changes)}))


def _column(portfolio, table: str, column: str) -> list:
    return portfolio.table(table)[column].tolist()


def test_every_kind_has_an_example_here():
    assert set(CHANGES) == set(KINDS)
    assert [type(c).kind for c in parse_scenario({"changes": list(CHANGES.values())}).changes
            ] == list(CHANGES)


@pytest.mark.parametrize("kind", KINDS)
def test_no_kind_changes_the_base(kind):
    before = PORTFOLIO.to_document()
    frames = {name: frame.copy() for name, frame in PORTFOLIO.tables.items()}
    projects = PORTFOLIO.projects.copy()
    changed = _changed(CHANGES[kind])
    assert changed is not PORTFOLIO and changed.to_document() != before
    assert PORTFOLIO.to_document() == before
    assert PORTFOLIO.projects.equals(projects)
    assert all(PORTFOLIO.tables[name].equals(frame) for name, frame in frames.items())


def test_scale_budget_scales_the_matching_rows_only():
    assert _column(_changed(CHANGES["scale_budget"]), "budgets", "limit") == [10, 4]
    assert _column(_changed({"scale_budget": 2}), "budgets", "limit") == [20, 16]


def test_add_capacity_adds_in_the_period():
    assert _column(_changed(CHANGES["add_capacity"]), "capacity", "fte") == [2, 3.5]
    assert _column(_changed({"add_capacity": -2, "skill": "dev"}), "capacity", "fte") == [0, 0]


def test_force_sets_and_clears():
    forced = _changed(CHANGES["force"])
    assert forced.projects.loc["B", "force"] == "in"
    cleared = apply(forced, Scenario(changes=[Force(project="B")]))
    assert cleared.projects["force"].isna().all()


def test_set_weight():
    changed = _changed(CHANGES["set_weight"])
    assert changed.table("objectives")["weight"].to_dict() == {"growth": 2, "cost": 3}


def test_add_project_and_its_rows():
    changed = _changed(CHANGES["add_project"])
    assert list(changed.projects.index) == ["A", "B", "C", "D"]
    assert changed.projects.loc["D", "value"] == 7
    costs_of_d = changed.table("costs").query("project == 'D'")
    assert costs_of_d[["offset", "amount"]].values.tolist() == [[0, 2]]
    assert ("D", "cost") in set(zip(*(_column(changed, "alignment", c)
                                       for c in ("project", "objective")), strict=True))


def test_drop_project_and_every_row_naming_it():
    changed = _changed(CHANGES["drop_project"])
    assert list(changed.projects.index) == ["B", "C"]
    for table, column in (("costs", "project"), ("alignment", "project"),
                          ("demands", "project")):
        assert "A" not in _column(changed, table, column)
    assert changed.table("dependencies").empty  # A was the other side
    assert changed.table("synergies").empty


def test_set_a_cell_by_row_and_by_id():
    assert _column(_changed(CHANGES["set"]), "budgets", "limit") == [12, 8]
    changed = _changed({"set": "projects", "id": "C", "column": "name", "value": "Cobalt"})
    assert changed.projects.loc["C", "name"] == "Cobalt"


def test_settings_are_merged():
    changed = _changed({"settings": {"workers": 1}}, {"settings": {"objective": "financial"}})
    assert (changed.settings.workers, changed.settings.objective) == (1, "financial")
    assert changed.objective_kind == "financial"


def test_changes_apply_in_order():
    """A project added first can be forced and set by the later changes."""
    changed = _changed(CHANGES["add_project"], {"force": "D", "to": "out"},
                       {"set": "projects", "id": "D", "column": "value", "value": 1})
    assert (changed.projects.loc["D", "force"], changed.projects.loc["D", "value"]) == ("out", 1)


def test_no_changes_is_the_base_itself():
    assert apply(PORTFOLIO, Scenario(name="as is")) is PORTFOLIO


def test_a_malformed_change_reads_and_reports_at_its_position():
    scenario = parse_scenario({"changes": [
        {"scale_budget": 2, "perod": "T1"}, CHANGES["force"], {"drop_project": "Z"},
        {"set": "projects", "id": "A", "column": "id", "value": "AA"}, {"force": ["A"]}]})
    assert [type(c).__name__ for c in scenario.changes] == [
        "Malformed", "Force", "DropProject", "Malformed", "Malformed"]
    with pytest.raises(InvalidPortfolio) as caught:
        apply(PORTFOLIO, scenario)
    assert [(p.row, p.column) for p in caught.value.problems] == [
        (0, "perod"), (2, "drop_project"), (3, "column"), (4, "force")]
    assert "not an argument of scale_budget" in caught.value.problems[0].message


def test_not_a_scenario():
    for value in (["x"], {"changes": {"force": "A"}}, None):
        with pytest.raises(InvalidPortfolio) as caught:
            parse_scenario(value)
        assert [(p.table, p.row, p.column) for p in caught.value.problems] == [
            ("scenario", None, "changes")]
    with pytest.raises(InvalidPortfolio) as caught:
        scenarios_of([{"changes": []}, 7])
    assert [(p.table, p.row, p.column) for p in caught.value.problems] == [
        ("scenarios", 1, "changes")]


@pytest.mark.parametrize("path", sorted((EXAMPLES / "scenarios").iterdir()),
                         ids=lambda p: p.name)
def test_the_examples_read_and_write_back_as_given(path):
    if path.suffix == ".json":
        given = json.loads(path.read_text(encoding="utf-8"))
    else:
        import yaml

        given = yaml.safe_load(path.read_text(encoding="utf-8"))
    scenario = read_scenario(path)
    assert not any(isinstance(c, Malformed) for c in scenario.changes)
    assert scenario.model_dump(mode="json") == given
    assert apply(portfolio_of(json.loads((EXAMPLES / "northwind.json").read_text())),
                 scenario).name


def test_the_models_are_the_wire_form():
    typed = Scenario(changes=[ScaleBudget(factor=0.9, pool="capex"),
                              AddProject(record={"id": "X"}, costs=[{"amount": 1}])])
    assert typed.model_dump()["changes"] == (
        {"scale_budget": 0.9, "pool": "capex"}, {"add_project": {"id": "X"},
                                                 "costs": [{"amount": 1}]})
    assert parse_scenario(typed.model_dump()) == typed
    odd = {"force": "A", "to": "maybe"}
    assert parse_scenario({"changes": [odd]}).model_dump()["changes"] == (odd,)
    schema = json.dumps(Scenario.model_json_schema())
    assert all(f'"{kind}"' in schema for kind in KINDS)


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 3) | st.floats()
    | st.sampled_from([*KINDS, "A", "T1", "dev", "opex", "projects", "value", "id"]),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.sampled_from([*KINDS, "name", "changes", "to", "pool", "skill",
                                       "column", "row", "value", "id", "costs"]),
                      inner, max_size=4),
    max_leaves=12)


@settings(max_examples=200, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
@given(st.one_of(_JSON, st.fixed_dictionaries({"changes": st.lists(_JSON, max_size=4)})))
def test_any_value_is_a_scenario_or_its_problems(value):
    """Anything JSON: a Scenario that applies, or InvalidPortfolio, never another
    exception; whatever reads writes back and reads again as the same."""
    try:
        scenario = parse_scenario(value)
        assert parse_scenario(scenario.model_dump()) == scenario
        apply(PORTFOLIO, scenario)
    except InvalidPortfolio as exc:
        assert exc.problems


# ---- one validation per scenario ----------------------------------------------------------

@pytest.fixture
def validations(monkeypatch) -> list:
    """Every call of engine.validate.validate (validate_document calls it too)."""
    calls = []
    real = validate_module.validate

    def counted(raw):
        calls.append(raw)
        return real(raw)

    monkeypatch.setattr(validate_module, "validate", counted)
    return calls


def test_apply_validates_once(validations):
    _changed(CHANGES["scale_budget"], CHANGES["force"], CHANGES["settings"])
    assert len(validations) == 1
    with pytest.raises(InvalidPortfolio):
        _changed({"drop_project": "Z"}, CHANGES["force"])
    assert len(validations) == 1  # a scenario's own problems: nothing to validate


SMALL = doc([{"id": "A", "value": 5}, {"id": "B", "value": 4}],
            costs=costs("A", 6) + costs("B", 5), budgets=[{"period": "T1", "limit": 10}])


def test_compare_frontier_montecarlo_validate_each_scenario_once(validations):
    small = portfolio_of(SMALL)
    validations.clear()
    cut = parse_scenario({"name": "cut", "changes": [{"scale_budget": 0.5}]})
    result = compare(small, [cut, Scenario(), cut], explain="none")
    assert [s.name for s in result.scenarios] == ["base", "cut", "scenario 2", "cut"]
    assert len(validations) == 2  # the base none, the empty scenario none
    validations.clear()
    frontier(small, [0.5, 1, 2], workers=1)
    assert len(validations) == 3
    validations.clear()
    montecarlo(small, Sampling(4, value_spread=0.1), workers=1)
    assert len(validations) == 4


def test_the_cli_validates_the_base_once(validations, tmp_path):
    from spmo.api.cli import app
    from typer.testing import CliRunner

    base, cut = tmp_path / "base.json", tmp_path / "cut.yaml"
    base.write_text(json.dumps(SMALL))
    cut.write_text("name: cut\nchanges:\n  - scale_budget: 0.5\n")
    out = CliRunner().invoke(app, ["compare", str(base), "--scenario", str(cut),
                                   "--scenario", str(cut), "--json"])
    assert out.exit_code == 0, out.output
    assert [s["went_out"] for s in json.loads(out.output)["scenarios"]] == [[], ["A"], ["A"]]
    assert len(validations) == 3  # the base, then each scenario


def test_http_compare_validates_the_base_once(validations, tmp_path):
    from spmo.api.jobs.kinds import compare as compare_job

    # a compare job (what POST /v1/compare waits on, in a Dask worker): the base
    # validated once, and the one scenario's changed portfolio once
    validations.clear()
    compare_job(SMALL, {"scenarios": [{"changes": [{"scale_budget": 0.5}]}],
                        "options": {"explain": "none"}}, lambda _done, _total: None)
    assert len(validations) == 2
    store = Store(f"sqlite:///{tmp_path / 'db'}")
    with TestClient(create_app(store), headers=key_headers(store, "plan")) as client:
        bad = client.post("/v1/compare", json={"portfolio": SMALL, "scenarios": [
            {"changes": "all of them"}, {"changes": [{"force": "Z"}, {"force": "A", "to": 1}]}]})
        assert bad.status_code == 422
        assert [(p["table"], p["row"], p["column"]) for p in bad.json()["problems"]] == [
            ("scenarios", 0, "changes")]


# ---- the documentation ---------------------------------------------------------------------

def _doc_changes() -> str:
    """The section "## Changes" of docs/scenarios.md."""
    text = (ROOT / "docs" / "scenarios.md").read_text(encoding="utf-8")
    return text.split("## Changes", 1)[1].split("\n## ", 1)[0]


def _doc_kinds() -> dict[str, set[str]]:
    """kind -> its other arguments, from the table under "## Changes"."""
    section = _doc_changes()
    out = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"`\w+`", cells[0]):
            out[cells[0].strip("`")] = set(re.findall(r"`(\w+)`", cells[2]))
    return out


def test_the_documented_kinds_are_the_models():
    documented = _doc_kinds()
    assert list(documented) == list(KINDS)
    for kind, arguments in documented.items():
        assert arguments == set(KIND_MODELS[kind].arguments()), kind


def test_the_documented_example_applies_to_the_example_portfolio():
    example = json.loads(_doc_changes().split("```json", 1)[1].split("```", 1)[0])
    assert [next(k for k in KINDS if k in c) for c in example["changes"]] == [
        *KINDS[:6], "set", "set", "settings"]
    northwind = portfolio_of(json.loads((EXAMPLES / "northwind.json").read_text()))
    changed = apply(northwind, parse_scenario(example))
    assert changed.projects.loc["P07", "force"] == "in" and "P09" not in changed.projects.index
    assert changed.table("budgets")["limit"].iloc[0] == 800
