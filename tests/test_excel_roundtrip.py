"""The issue's path for a PMO analyst, end to end: `spmo template` -> the
example's data typed in by code (a date in a period cell, a percent typed as
text, thousands typed as text) -> `spmo solve filled.xlsx --out plan.xlsx`
gives the JSON example's optimum, and the plan workbook reopens with its
charts and roadmap and no live formula."""

from __future__ import annotations

import datetime as dt
import json

import openpyxl
import pytest
from spmo.api.cli import app
from spmo.engine.schema import SINGLE_TABLES
from typer.testing import CliRunner

from .conftest import EXAMPLES

NORTHWIND = json.loads((EXAMPLES / "northwind.json").read_text(encoding="utf-8"))


def spmo(*args):
    return CliRunner().invoke(app, [str(a) for a in args],
                              env={"COLUMNS": "1000", "NO_COLOR": "1"})


def _fill(book, document: dict) -> None:
    """The template's example rows replaced by the document's tables, as a
    person would type them: P25's cost and the horizon's budget as text with
    a thousands separator, P01's success probability as a percent typed as
    text, the first 2027Q2 capacity row's period as a date (Excel makes a date
    of what looks like one)."""
    for sheet in book.worksheets:
        if sheet.title in SINGLE_TABLES:
            given = document.get(sheet.title, {})
            for row in sheet.iter_rows(min_row=2):
                row[1].value = given.get(row[0].value)
        elif sheet.title != "README":
            header = [c.value for c in sheet[1]]
            sheet.delete_rows(2, sheet.max_row)
            for record in document.get(sheet.title, []):
                sheet.append([_typed(sheet.title, record, c) for c in header])


def _typed(table: str, record: dict, column: str) -> object:
    value = record.get(column)
    if (table, column) == ("costs", "amount") and value == 1098:
        return "1,098"
    if (table, column) == ("budgets", "limit") and value == 17200:
        return "17,200"
    if (table, column, record.get("id")) == ("projects", "success_probability", "P01"):
        return f"{value * 100:g}%"
    if (table, column, value) == ("capacity", "period", "2027Q2") and \
            record["skill"] == "architecture":
        return dt.datetime(2027, 5, 17)
    return value


@pytest.fixture(scope="module")
def filled(tmp_path_factory):
    folder = tmp_path_factory.mktemp("roundtrip")
    template = folder / "t.xlsx"
    assert spmo("template", template).exit_code == 0
    book = openpyxl.load_workbook(template)
    _fill(book, NORTHWIND)
    book.save(folder / "filled.xlsx")
    return folder


def test_the_filled_template_gives_the_json_examples_optimum(filled):
    plan_file = filled / "plan.xlsx"
    done = spmo("solve", filled / "filled.xlsx", "--json", "--explain", "none",
                "--out", plan_file)
    assert done.exit_code == 0, done.output
    plan = json.loads(done.stdout)
    reference = spmo("solve", EXAMPLES / "northwind.json", "--json", "--explain", "none")
    expected = json.loads(reference.stdout)
    assert plan["status"] == expected["status"] == "optimal"
    assert plan["objective"] == pytest.approx(expected["objective"], rel=1e-7)
    assert sorted(s["project"] for s in plan["selected"]) == \
        sorted(s["project"] for s in expected["selected"])
    warnings = "\n".join(plan["warnings"])
    assert "costs column amount: numbers typed as text read as numbers in 1 cell" \
        in warnings
    assert "'17,200' as 17200" in warnings and "'76%' as 0.76" in warnings
    row = 2 + next(i for i, r in enumerate(NORTHWIND["capacity"])
                   if (r["skill"], r["period"]) == ("architecture", "2027Q2"))
    assert f"capacity column period: dates read as periods in 1 cell (row {row}: 2027-05-17 as " \
        "2027Q2)" in warnings

    book = openpyxl.load_workbook(plan_file)
    assert book["charts"]._charts, "the charts sheet has native charts"
    charts = book["charts"]._charts  # capex and opex: bars and a limit line; utilisation
    assert [[type(c).__name__ for c in chart._charts] for chart in charts] == [
        ["BarChart", "LineChart"], ["BarChart", "LineChart"], ["LineChart"]]
    assert [c.title.tx.rich.p[0].r[0].t for c in charts] == [
        "capex: spend and limit by period", "opex: spend and limit by period",
        "skill utilisation by period"]
    roadmap = list(book["roadmap"].iter_rows(min_row=2, values_only=True))
    assert {r[0] for r in roadmap if r[0] in {s["project"] for s in plan["selected"]}} == \
        {s["project"] for s in plan["selected"]}
    assert [c for s in book.worksheets for row in s.iter_rows() for c in row
            if c.data_type == "f"] == []
    assert all(book[name].max_row > 1 for name in book.sheetnames)  # no empty sheet


def test_a_formula_looking_id_stays_text_in_every_sheet(tmp_path):
    from .family_helpers import costs, doc

    risky = doc([{"id": "=1+2", "name": "@SUM(A1)", "value": 3, "category": "-x"}],
                costs=costs("=1+2", 2), budgets=[{"period": "T1", "limit": 5}])
    source = tmp_path / "risky.json"
    source.write_text(json.dumps(risky))
    done = spmo("solve", source, "--explain", "none", "--out", tmp_path / "plan.xlsx")
    assert done.exit_code == 0, done.output
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    for name in ("selected", "roadmap"):
        cell = book[name]["A2"]
        assert (cell.value, cell.data_type) == ("=1+2", "s"), name
        assert book[name]["B2"].value == "@SUM(A1)"


def test_an_infeasible_plan_gets_no_empty_sheet(tmp_path):
    from spmo.api.plan_workbook import write_plan_workbook
    from spmo.engine.plan import Conflict, Plan, Relaxation

    plan = Plan(status="infeasible", solver="highs", solve_seconds=0.1,
                conflicts=[Conflict(constraint="budget[T1]", sentence="too little money")],
                relaxation=[Relaxation(constraint="budget[T1]", limit=5, needed=7,
                                       sentence="raise it to 7")])
    write_plan_workbook(plan, tmp_path / "p.xlsx")
    book = openpyxl.load_workbook(tmp_path / "p.xlsx")
    assert book.sheetnames == ["summary", "conflicts", "relaxation"]
    summary = {k: v for _, v, k in book["summary"].iter_rows(min_row=2, values_only=True)}
    assert summary["status"] == "infeasible" and summary["objective"] is None
    assert [c.value for c in book["relaxation"][2]][:3] == ["budget[T1]", 5, 7]


def test_spend_charts_without_a_limit_per_period(tmp_path):
    from spmo.api.plan_charts import spend_series
    from spmo.engine.plan import Plan, SpendRow

    rows = [SpendRow(constraint="budget[*]", period=None, pool=None, category=None,
                     amount=9, limit=10)]
    rows += [SpendRow(constraint=None, period=p, pool="capex", category=None, amount=a,
                      limit=None) for p, a in (("T1", 4), ("T2", 5))]
    series = spend_series(Plan(status="optimal", solver="highs", solve_seconds=0,
                               spend=rows))
    assert list(series) == ["capex"]
    assert [(p, a) for p, a, _ in series["capex"]] == [("T1", 4), ("T2", 5)]
