"""`spmo import-msp`: a Project Online Portfolio Analysis (tests/data/msp,
built from ProjectData's published entity definitions) becomes a portfolio
that validates and solves to the best selection a brute force finds; the
driver relations give the AHP weights their words mean; bad feeds are
refused naming entity set, row and property."""

from __future__ import annotations

import itertools
import json
import shutil
from pathlib import Path

import pytest
from spmo.api.cli import app
from spmo.engine.derive import objective_weights
from spmo.engine.errors import InvalidPortfolio
from spmo.engine.msp import entities_of, read_feeds
from spmo.engine.msp_map import to_document
from spmo.engine.msp_strategy import IMPACTS, impact_score, relation_ratio
from typer.testing import CliRunner

from .conftest import portfolio_of, solve_checked

DATA = Path(__file__).parent / "data" / "msp"
FEEDS, BOOK = DATA / "feeds", DATA / "analysis.xlsx"
ANALYSIS = "FY2027 portfolio"
WEIGHTS = {"increase-revenue": 9 / 14, "reduce-operating-cost": 3 / 14,
           "improve-customer-satisfaction": 1 / 14, "meet-regulations": 1 / 14}


def _fixture():
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", DATA / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def imported(source=FEEDS, **kwargs):
    return to_document(read_feeds(source), kwargs.pop("analysis", ANALYSIS), **kwargs)


def test_the_json_feeds_and_the_workbook_give_the_same_portfolio():
    from_json, warnings = imported(FEEDS)
    from_book, _ = imported(BOOK)
    assert from_json == from_book and warnings == []
    assert [o["name"] for o in from_json["objectives"]] == [
        "Increase revenue", "Reduce operating cost", "Improve customer satisfaction",
        "Meet regulations"]
    assert len(from_json["projects"]) == 8 and from_json["budgets"] == [{"limit": 3_600_000}]
    projects = {p["id"]: p for p in from_json["projects"]}
    assert projects["Compliance reporting"]["force"] == "in"  # ForceStatus 0
    assert projects["Website redesign"]["force"] == "out"  # ForceStatus 1
    assert projects["ERP consolidation"]["earliest_start"] == \
        projects["ERP consolidation"]["latest_start"] == "2027Q2"  # Locked
    assert (projects["Mobile app"]["earliest_start"], projects["Mobile app"]["latest_start"]) \
        == ("2027Q3", "2028Q1")  # SNET 2027-07-01, FNLT 2028-06-30, two quarters long
    crm = [c["amount"] for c in from_json["costs"] if c["project"] == "CRM upgrade"]
    assert crm == [300_000.0] * 3  # the proposal cost field, not ProjectCost (950,000)


def test_the_pairwise_relations_give_the_weights_their_words_mean():
    portfolio = portfolio_of(imported()[0])
    weights, consistency = objective_weights(portfolio)
    assert weights.to_dict() == pytest.approx(WEIGHTS, abs=1e-9)
    assert consistency == pytest.approx(0.0, abs=1e-9)  # the fixture's judgements agree


@pytest.mark.parametrize(("words", "ratio"), [
    ("is extremely more important than", 9), ("is strongly more important than", 5),
    ("is moderately more important than", 3), ("is equally important as", 1),
    ("Is Moderately Less Important Than", 1 / 3), ("is strongly less important than", 1 / 5),
    ("is extremely less important than", 1 / 9), (7, 7), (0.25, 0.25)])
def test_the_relation_scale(words, ratio):
    assert relation_ratio(words) == pytest.approx(ratio)


@pytest.mark.parametrize("bad", ["more important", "is somewhat better", 12, "strongly"])
def test_a_relation_out_of_scale_is_refused(bad):
    with pytest.raises(ValueError):
        relation_ratio(bad)


def test_the_imported_analysis_solves_to_the_brute_force_best():
    """Whole-horizon budget, forced in/out, and windows every project fits:
    the best plan is the subset of largest sum of weight x impact score."""
    fixture = _fixture()
    score = {p[0]: sum(WEIGHTS[o] * IMPACTS.get(r.lower(), 0.0)
                       for o, r in zip(WEIGHTS, p[9], strict=True)) for p in fixture.PROJECTS}
    cost = {p[0]: p[1] for p in fixture.PROJECTS}
    best = max((s for k in range(9) for s in itertools.combinations(sorted(cost), k)
                if "Compliance reporting" in s and "Website redesign" not in s
                and sum(cost[p] for p in s) <= fixture.BUDGET),
               key=lambda s: sum(score[p] for p in s))
    plan = solve_checked(portfolio_of(imported()[0]), explain="none")
    assert plan.status == "optimal"
    assert sorted(s.project for s in plan.selected) == sorted(best)
    assert plan.objective == pytest.approx(sum(score[p] for p in best), rel=1e-6)


def _copy(tmp_path, edit):
    folder = tmp_path / "feeds"
    shutil.copytree(FEEDS, folder)
    for name, change in edit.items():
        file = folder / f"{name}.json"
        data = json.loads(file.read_text())
        rows = entities_of(data)
        change(rows)
        file.write_text(json.dumps({"value": rows}))
    return folder


def test_bad_feeds_are_refused_naming_set_row_and_property(tmp_path):
    def bad_relation(rows):
        rows[2]["RelationValue"] = "is kind of nicer than"

    def bad_cost(rows):
        rows[1]["ProjectCost"] = "lots"

    def bad_impact(rows):
        rows[5]["Impact"] = "Huge"

    folder = _copy(tmp_path, {"PrioritizationDriverRelations": bad_relation,
                              "Projects": bad_cost, "ProjectDriverImpacts": bad_impact})
    with pytest.raises(InvalidPortfolio) as caught:
        imported(folder)
    found = {(p.table, p.row, p.column) for p in caught.value.problems}
    assert found == {("Projects", 1, "ProjectCost"),
                     ("PrioritizationDriverRelations", 2, "RelationValue"),
                     ("ProjectDriverImpacts", 5, "Impact")}  # all at once


def test_several_analyses_need_a_name():
    with pytest.raises(InvalidPortfolio) as caught:
        to_document(read_feeds(FEEDS))
    problem = caught.value.problems[0]
    assert (problem.table, problem.column) == ("PortfolioAnalyses", "AnalysisName")
    assert "--analysis" in problem.message and "'FY2027 portfolio'" in problem.message
    with pytest.raises(InvalidPortfolio):
        to_document(read_feeds(FEEDS), "no such analysis")


def test_without_impacts_the_priority_is_the_one_objective(tmp_path):
    folder = _copy(tmp_path, {"PortfolioAnalysisProjects": lambda rows: [
        r.update(Priority=10.0 * i) for i, r in enumerate(rows)]})
    (folder / "ProjectDriverImpacts.json").unlink()
    doc, warnings = imported(folder)
    assert [o["id"] for o in doc["objectives"]] == ["priority"] and "pairwise" not in doc
    assert len(doc["alignment"]) == 7  # the first project's Priority is 0
    assert any("ProjectDriverImpacts" in w for w in warnings)
    assert solve_checked(portfolio_of(doc), explain="none").status == "optimal"


def test_relations_that_disagree_with_project_online_are_said(tmp_path):
    folder = _copy(tmp_path, {"PrioritizationDrivers": lambda rows: [
        r.update(BusinessDriverPriority=25.0) for r in rows]})
    _, warnings = imported(folder)
    assert any("increase-revenue 64.3% (Project Online 25.0%)" in w for w in warnings)


def test_impact_scale():
    assert [impact_score(w) for w in ("None", "Low", "moderate", "Strong", "Extreme impact",
                                      "No rating", 3)] == [0, 2, 4, 6, 8, None, 3]


def spmo(*args):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def test_the_command_writes_the_portfolio_and_refuses_to_overwrite(tmp_path):
    out = tmp_path / "portfolio.json"
    done = spmo("import-msp", BOOK, "--out", out, "--analysis", ANALYSIS, "--json")
    assert done.exit_code == 0, done.output
    summary = json.loads(done.stdout)
    assert (summary["projects"], summary["objectives"], summary["pairwise"]) == (8, 4, 6)
    assert json.loads(out.read_text()) == json.loads(json.dumps(imported(BOOK)[0]))
    again = spmo("import-msp", BOOK, "--out", out, "--analysis", ANALYSIS, "--json")
    assert again.exit_code == 2 and "--force" in again.stdout
    bad = spmo("import-msp", BOOK, "--out", tmp_path / "p.csv", "--json")
    assert bad.exit_code == 2 and json.loads(bad.stdout)["problems"][0]["column"] == "--out"
    solved = spmo("solve", out, "--json", "--explain", "none")
    assert solved.exit_code == 0 and json.loads(solved.stdout)["status"] == "optimal"


def test_a_path_that_is_no_analysis_is_refused(tmp_path):
    done = spmo("import-msp", tmp_path / "nothing.txt", "--out", tmp_path / "p.json", "--json")
    assert done.exit_code == 2 and json.loads(done.stdout)["problems"][0]["table"] == "msp"
    empty = tmp_path / "empty"
    empty.mkdir()
    done = spmo("import-msp", empty, "--out", tmp_path / "p.json", "--json")
    tables = {p["table"] for p in json.loads(done.stdout)["problems"]}
    assert done.exit_code == 2 and tables == {"PortfolioAnalyses", "PortfolioAnalysisProjects"}


def test_a_budget_given_replaces_the_scenario_spend(tmp_path):
    out = tmp_path / "p.json"
    done = spmo("import-msp", FEEDS, "--out", out, "--analysis", ANALYSIS,
                "--budget", "2000000", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(out.read_text())["budgets"] == [{"limit": 2_000_000.0}]
    plan = solve_checked(portfolio_of(json.loads(out.read_text())), explain="none")
    assert sum(s.cost for s in plan.selected) <= 2_000_000 + 1e-6
    refused = spmo("import-msp", FEEDS, "--out", tmp_path / "q.json", "--budget", "-1",
                   "--json")
    assert refused.exit_code == 2
    assert json.loads(refused.stdout)["problems"][0]["column"] == "--budget"


def test_resource_scenarios_are_said_not_imported(tmp_path):
    folder = _copy(tmp_path, {})
    (folder / "ResourceConstraintScenarios.json").write_text(json.dumps({"value": [{
        "AnalysisId": "6f1c0a52-0000-4000-8000-000000000001", "ScenarioId": "x",
        "ScenarioName": "Roles", "ConstraintValue": "100"}]}))
    doc, warnings = imported(folder)
    assert any(w.startswith("resource constraint scenarios are not imported") for w in warnings)
    assert "demands" not in doc and "capacity" not in doc
