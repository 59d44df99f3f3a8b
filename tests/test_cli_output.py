"""What the CLI prints and writes: user text as it was typed (never read as
Rich markup), the conflicts and relaxation of an infeasible portfolio,
capped tables, several --out files from one solve, and workbooks in which
text that looks like a formula stays text."""

from __future__ import annotations

import json
import re

import openpyxl
import pytest
from spmo.api.cli import app
from spmo.engine.io import read_portfolio, write_workbook
from spmo.engine.validate import validate
from typer.testing import CliRunner

from .family_helpers import costs, doc

CAPACITY = {
    "name": "[/] Board [v2]",
    "periods": [{"id": "2027Q1"}, {"id": "2027Q2"}],
    "projects": [{"id": "A", "name": "ERP [v2]", "value": 5, "earliest_start": "2027Q2"},
                 {"id": "B", "name": "[bold]CRM[/]", "value": 4, "earliest_start": "2027Q2"}],
    "demands": [{"project": p, "skill": "qa", "offset": 0, "fte": 1} for p in "AB"],
    "capacity": [{"skill": "qa", "period": t, "fte": 1} for t in ("2027Q1", "2027Q2")],
}
INFEASIBLE = doc([{"id": "A", "name": "ERP [v2]", "value": 5, "force": "in"}], periods=1,
                 costs=costs("A", 10), budgets=[{"period": "T1", "limit": 4}])


def spmo(*args):
    return CliRunner().invoke(app, [str(a) for a in args],
                              env={"COLUMNS": "1000", "NO_COLOR": "1"})


def saved(tmp_path, document: dict, name: str = "p.json"):
    path = tmp_path / name
    path.write_text(json.dumps(document))
    return path


def test_names_and_row_names_keep_their_brackets(tmp_path):
    result = spmo("solve", saved(tmp_path, CAPACITY), "--explain", "none")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("[/] Board [v2]: optimal")
    assert "ERP [v2]" in result.stdout
    assert "capacity[qa,2027Q2]" in result.stdout  # the reason names the row


def test_markup_in_a_bad_cell_is_shown_not_run(tmp_path):
    bad = doc([{"id": "A", "value": "[/]"}, {"id": "B", "value": "[bold]x"}])
    bad["name"] = "[/]"
    result = spmo("validate", saved(tmp_path, bad))
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "got '[/]'" in result.stderr and "got '[bold]x'" in result.stderr


def test_an_infeasible_portfolio_prints_its_conflicts_and_relaxation(tmp_path):
    result = spmo("solve", saved(tmp_path, INFEASIBLE), "--explain", "none")
    assert result.exit_code == 3, result.output
    text = result.stdout
    assert "infeasible: no plan" in text
    assert "these constraints cannot all hold" in text
    assert re.search(r"│ force\[A\] +│ A is forced in", text)
    assert re.search(r"│ budget\[T1\] +│ .*the limit is 4", text)
    assert "the smallest change that gives a plan" in text
    plan = json.loads(spmo("solve", saved(tmp_path, INFEASIBLE), "--json").stdout)
    for r in plan["relaxation"]:
        assert r["constraint"] in text and r["sentence"][:40] in text


def test_long_tables_are_capped_with_a_count(tmp_path):
    many = doc([{"id": f"P{i:02d}", "value": 1} for i in range(1, 51)])
    result = spmo("solve", saved(tmp_path, many), "--explain", "none")
    assert result.exit_code == 0, result.output
    shown = re.findall(r"^│ (P\d\d) ", result.stdout, flags=re.M)
    assert len(shown) == 40 and "selected (50)" in result.stdout
    assert "10 more: write them all with --out plan.xlsx (or --json)" in result.stdout
    assert len(json.loads(spmo("solve", saved(tmp_path, many), "--json",
                               "--explain", "none").stdout)["selected"]) == 50


def test_render_caps_every_long_table():
    from rich.console import Console
    from spmo.api.render import MAX_ROWS, print_montecarlo
    from spmo.scenarios.montecarlo import MonteCarlo

    fields = MonteCarlo.model_fields
    project = fields["projects"].annotation.__args__[0]
    result = MonteCarlo.model_construct(
        samples=3, seed=1, value_spread=0.2, cost_spread=0.1, base_plan_holds_share=1.0,
        solved_share=1.0, objective=None, base_objective=1.0,
        projects=[project.model_construct(project=f"[b]P{i}", base_selected=True,
                                          selected_share=0.5) for i in range(MAX_ROWS + 5)])
    console = Console(record=True, width=200)
    print_montecarlo(console, result)
    text = console.export_text()
    assert "[b]P0" in text and f"[b]P{MAX_ROWS - 1}" in text and f"[b]P{MAX_ROWS} " not in text
    assert "5 more: write them all with --out" in text


def test_out_is_repeatable(tmp_path):
    source = saved(tmp_path, CAPACITY)
    outs = [tmp_path / n for n in ("plan.xlsx", "plan.html", "plan.json")]
    args = [a for o in outs for a in ("--out", o)]
    result = spmo("solve", source, "--json", "--explain", "none", *args)
    assert result.exit_code == 0, result.output
    plan = json.loads(result.stdout)
    assert json.loads(outs[2].read_text()) == plan
    book = openpyxl.load_workbook(outs[0])
    assert [r[0] for r in book["selected"].iter_rows(min_row=2, values_only=True)] == ["A"]
    assert "capacity[qa,2027Q2]" in outs[1].read_text()


def test_frontier_writes_every_out(tmp_path):
    source = saved(tmp_path, doc([{"id": "A", "value": 2}, {"id": "B", "value": 1}],
                                 costs=costs("A", 2) + costs("B", 1),
                                 budgets=[{"period": "T1", "limit": 2}]))
    outs = [tmp_path / "f.html", tmp_path / "f.json"]
    result = spmo("frontier", source, "--factors", "0.5,1.5", "--json",
                  "--out", outs[0], "--out", outs[1])
    assert result.exit_code == 0, result.output
    assert json.loads(outs[1].read_text()) == json.loads(result.stdout)
    assert "plotly" in outs[0].read_text()


FORMULAS = ["=1+2", "@SUM(A1)", "+3", "-4", "=A1*2"]
LINK = '=HYPERLINK("http://example.com","click")'


def _formula_cells(path) -> list[str]:
    book = openpyxl.load_workbook(path)
    return [f"{s.title}!{c.coordinate}" for s in book.worksheets for row in s.iter_rows()
            for c in row if c.data_type == "f"]


def test_the_plan_workbook_has_no_live_formula(tmp_path):
    risky = doc([{"id": f, "name": LINK, "value": 1} for f in FORMULAS])
    target = tmp_path / "plan.xlsx"
    result = spmo("solve", saved(tmp_path, risky), "--explain", "none", "--out", target)
    assert result.exit_code == 0, result.output
    assert _formula_cells(target) == []
    book = openpyxl.load_workbook(target)
    ids = [r[0] for r in book["selected"].iter_rows(min_row=2, values_only=True)]
    assert sorted(ids) == sorted(FORMULAS)
    cell = next(c for row in book["selected"].iter_rows(min_row=2) for c in row[:1]
                if c.value == "=1+2")
    assert cell.data_type == "s" and cell.quotePrefix  # Excel keeps it text when edited


def test_the_portfolio_workbook_and_the_template_have_no_live_formula(tmp_path):
    risky = doc([{"id": f, "name": LINK, "value": 1} for f in FORMULAS])
    path = tmp_path / "risky.xlsx"
    write_workbook(risky, path)
    assert _formula_cells(path) == []
    assert sorted(validate(read_portfolio(path)).projects.index) == sorted(FORMULAS)
    template = tmp_path / "t.xlsx"
    assert spmo("template", template).exit_code == 0
    assert _formula_cells(template) == []


@pytest.mark.parametrize("text", ["=1+2", "@x", "+1", "-1", "\tx", "\rx"])
def test_inert_cells_covers_every_formula_start(tmp_path, text):
    from spmo.engine.io import inert_cells

    book = openpyxl.Workbook()
    book.active["A1"] = text
    inert_cells(book)
    book.save(tmp_path / "x.xlsx")
    cell = openpyxl.load_workbook(tmp_path / "x.xlsx").active["A1"]
    # (XML reads a carriage return as a line feed)
    assert (cell.value, cell.data_type, cell.quotePrefix) == (text.replace("\r", "\n"), "s", True)


def test_a_write_failing_after_the_solve_keeps_the_result(tmp_path, monkeypatch):
    import spmo.api.plan_files as plan_files

    def full_disk(*_plan_path_title):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(plan_files, "write_plan", full_disk)
    result = spmo("solve", saved(tmp_path, CAPACITY), "--json", "--explain", "none",
                  "--out", tmp_path / "plan.xlsx")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert json.loads(result.stdout)["status"] == "optimal"  # the plan is not lost
    assert f"could not write {tmp_path / 'plan.xlsx'}" in result.stderr.replace("\n", "")
